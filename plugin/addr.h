/* SPDX-License-Identifier: MIT */
/*
 * IPv4/IPv6 addresses and prefixes. Every address is stored as 16 bytes in
 * IPv6 form (IPv4 as ::ffff:a.b.c.d), so IPv4-mapped IPv6 input compares
 * equal to plain IPv4; `family` says how it prints. Prefix lengths in a
 * struct cidr are relative to the family (0..32 or 0..128).
 */
#ifndef REDRESS_ADDR_H
#define REDRESS_ADDR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define ADDR_STRLEN	46	/* INET6_ADDRSTRLEN */
#define CIDR_STRLEN	50

struct addr {
	uint8_t	family;		/* AF_INET, AF_INET6, 0 = none */
	uint8_t	a[16];
};

struct cidr {
	struct addr	net;	/* host bits cleared */
	uint8_t		len;	/* relative to family */
};

/* Parses with inet_pton; IPv4-mapped IPv6 becomes IPv4. 0 ok, -1 bad. */
int	addr_parse(const char *, struct addr *);
int	addr_parse_n(const char *, size_t, struct addr *);
void	addr_from_v4(struct addr *, const void *be4);
void	addr_from_v6(struct addr *, const void *be16);
/* Writes the canonical text form; returns buf. */
char	*addr_format(const struct addr *, char *buf, size_t len);
int	addr_cmp(const struct addr *, const struct addr *);
int	addr_is_v4(const struct addr *);
/* Bit index in the 128-bit form (0 = most significant). */
int	addr_bit(const struct addr *, unsigned bit);
/* Maximum prefix length of the family: 32 or 128. */
unsigned addr_maxlen(const struct addr *);

/* "a.b.c.d/n", "x::/n" or a bare address (full length). 0 ok, -1 bad. */
int	cidr_parse(const char *, struct cidr *);
int	cidr_from_addr(struct cidr *, const struct addr *, unsigned len);
char	*cidr_format(const struct cidr *, char *buf, size_t len);
int	cidr_contains(const struct cidr *, const struct addr *);
/* Special-purpose space: loopback, link-local, multicast, unspecified. */
int	addr_is_special(const struct addr *);
/* RFC 1918, RFC 6598 shared, ULA fc00::/7: no one outside to tell. */
int	addr_is_private(const struct addr *);

#endif
