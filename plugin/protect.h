/* SPDX-License-Identifier: MIT */
/*
 * Our own side (protect.c): the addresses redress never blocks, each with
 * the reason it gives. The host's own addresses (every interface), its
 * default gateways, the DNS resolvers (/etc/resolv.conf and
 * resolver.dns_server), the SMTP relay, the configured whitelist, and the
 * IANA special-purpose ranges that cannot be a remote source. Host facts
 * are re-read when rtnetlink says an address or route changed, and at
 * least every PROTECT_MAX_AGE_S seconds. One set per thread (not shared).
 */
#ifndef REDRESS_PROTECT_H
#define REDRESS_PROTECT_H

#include <stddef.h>

#include "addr.h"

#define PROTECT_MAX_AGE_S	30
#define PROTECT_WHY_LEN		160

struct config;
struct ifaddrs;
struct protect;

/* Where the host facts come from; a NULL member: the system's own. */
struct protect_src {
	const char	*route4;	/* /proc/net/route */
	const char	*route6;	/* /proc/net/ipv6_route */
	const char	*resolv_conf;	/* /etc/resolv.conf */
	int		(*getifaddrs)(struct ifaddrs **);
	void		(*freeifaddrs)(struct ifaddrs *);
};

/* Replaces the sources protect_new uses (tests); NULL: the system's. */
void		 protect_set_source(const struct protect_src *);

/* The set for cfg (may be NULL: built-in whitelist). Never NULL. */
struct protect	*protect_new(const struct config *cfg);
void		 protect_free(struct protect *);
/* Re-reads the host facts now. */
void		 protect_refresh(struct protect *);

/*
 * 1 if net is, contains or lies inside a protected address or range; why
 * (PROTECT_WHY_LEN) then says which, such as "192.0.2.1 is a default
 * gateway (via eth0)". 0 if it may be blocked.
 */
int		 protect_check(struct protect *, const struct cidr *net,
		    char *why, size_t len);
/*
 * The widest prefix around src, from want->len up to one bit short of
 * a host address, that covers nothing protected: written to want,
 * returns 1 (why says what made it shrink, "" if it did not). 0 if
 * every such prefix covers something protected (why says what).
 */
int		 protect_widest(struct protect *, const struct addr *src,
		    struct cidr *want, char *why, size_t len);

#endif
