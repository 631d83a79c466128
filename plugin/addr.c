/* SPDX-License-Identifier: MIT */
/*
 * Address and prefix parsing and formatting through inet_pton/inet_ntop.
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"

static const uint8_t v4mapped[12] = { 0,0,0,0,0,0,0,0,0,0,0xff,0xff };

void
addr_from_v4(struct addr *a, const void *be4)
{
	memcpy(a->a, v4mapped, 12);
	memcpy(a->a + 12, be4, 4);
	a->family = AF_INET;
}

void
addr_from_v6(struct addr *a, const void *be16)
{
	memcpy(a->a, be16, 16);
	a->family = memcmp(a->a, v4mapped, 12) == 0 ? AF_INET : AF_INET6;
}

int
addr_parse_n(const char *s, size_t n, struct addr *a)
{
	char buf[ADDR_STRLEN + 1];
	uint8_t b[16];

	if (n == 0 || n > ADDR_STRLEN)
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET, buf, b) == 1) {
		addr_from_v4(a, b);
		return 0;
	}
	if (inet_pton(AF_INET6, buf, b) == 1) {
		addr_from_v6(a, b);
		return 0;
	}
	return -1;
}

int
addr_parse(const char *s, struct addr *a)
{
	return addr_parse_n(s, strlen(s), a);
}

char *
addr_format(const struct addr *a, char *buf, size_t len)
{
	if (a->family == AF_INET && len >= 16) {
		char *p = buf;
		int i;

		for (i = 12; i < 16; i++) {	/* inet_ntop without its cost */
			unsigned v = a->a[i];

			if (v >= 100)
				*p++ = (char)('0' + v / 100);
			if (v >= 10)
				*p++ = (char)('0' + v / 10 % 10);
			*p++ = (char)('0' + v % 10);
			*p++ = i < 15 ? '.' : '\0';
		}
	} else if (a->family == AF_INET)
		inet_ntop(AF_INET, a->a + 12, buf, (socklen_t)len);
	else if (a->family == AF_INET6)
		inet_ntop(AF_INET6, a->a, buf, (socklen_t)len);
	else
		snprintf(buf, len, "-");
	return buf;
}

int
addr_cmp(const struct addr *x, const struct addr *y)
{
	return memcmp(x->a, y->a, 16);
}

int
addr_is_v4(const struct addr *a)
{
	return a->family == AF_INET;
}

int
addr_bit(const struct addr *a, unsigned bit)
{
	return (a->a[bit >> 3] >> (7 - (bit & 7))) & 1;
}

unsigned
addr_maxlen(const struct addr *a)
{
	return a->family == AF_INET ? 32 : 128;
}

static void
mask_bits(uint8_t *b, unsigned keep)
{
	unsigned i;

	for (i = 0; i < 16; i++) {
		if (keep >= 8) {
			keep -= 8;
			continue;
		}
		b[i] &= (uint8_t)(0xff << (8 - keep));
		keep = 0;
	}
}

int
cidr_from_addr(struct cidr *c, const struct addr *a, unsigned len)
{
	unsigned off = a->family == AF_INET ? 96 : 0;

	if (len > addr_maxlen(a))
		return -1;
	c->net = *a;
	c->len = (uint8_t)len;
	mask_bits(c->net.a, off + len);
	return 0;
}

int
cidr_parse(const char *s, struct cidr *c)
{
	const char *slash = strchr(s, '/');
	struct addr a;
	char *end;
	long len;

	if (slash == NULL) {
		if (addr_parse(s, &a) < 0)
			return -1;
		return cidr_from_addr(c, &a, addr_maxlen(&a));
	}
	if (addr_parse_n(s, (size_t)(slash - s), &a) < 0)
		return -1;
	if (slash[1] < '0' || slash[1] > '9')
		return -1;
	len = strtol(slash + 1, &end, 10);
	if (*end != '\0' || len < 0 || len > 128)
		return -1;
	/* An IPv4-mapped IPv6 prefix such as ::ffff:10.0.0.0/104 */
	if (a.family == AF_INET && memchr(s, ':', (size_t)(slash - s))) {
		if (len < 96)
			return -1;
		len -= 96;
	}
	if (len > (long)addr_maxlen(&a))
		return -1;
	return cidr_from_addr(c, &a, (unsigned)len);
}

char *
cidr_format(const struct cidr *c, char *buf, size_t len)
{
	char a[ADDR_STRLEN];

	snprintf(buf, len, "%s/%u", addr_format(&c->net, a, sizeof(a)),
	    c->len);
	return buf;
}

int
cidr_contains(const struct cidr *c, const struct addr *a)
{
	unsigned off, bits, i;

	if (c->net.family != a->family)
		return 0;
	off = a->family == AF_INET ? 96 : 0;
	bits = off + c->len;
	i = bits / 8;
	if (memcmp(c->net.a, a->a, i) != 0)
		return 0;
	if (bits % 8) {
		uint8_t m = (uint8_t)(0xff << (8 - bits % 8));

		if ((c->net.a[i] & m) != (a->a[i] & m))
			return 0;
	}
	return 1;
}

/* The special and private ranges, parsed once (they are tested per alert). */
static const char *const special_nets[] = {
	"0.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "224.0.0.0/4",
	"240.0.0.0/4", "255.255.255.255/32",
	"::/128", "::1/128", "fe80::/10", "ff00::/8", NULL,
};
static const char *const private_nets[] = {
	"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
	"100.64.0.0/10", "fc00::/7", NULL,
};
#define NET_LIST_MAX	16
static struct cidr special_cidrs[NET_LIST_MAX], private_cidrs[NET_LIST_MAX];
static size_t nspecial, nprivate;
static pthread_once_t nets_once = PTHREAD_ONCE_INIT;

static size_t
parse_list(const char *const *list, struct cidr *out)
{
	size_t n = 0;

	for (; *list && n < NET_LIST_MAX; list++)
		if (cidr_parse(*list, &out[n]) == 0)
			n++;
	return n;
}

static void
nets_init(void)
{
	nspecial = parse_list(special_nets, special_cidrs);
	nprivate = parse_list(private_nets, private_cidrs);
}

static int
in_list(const struct addr *a, const struct cidr *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (cidr_contains(&v[i], a))
			return 1;
	return 0;
}

int
addr_is_special(const struct addr *a)
{
	pthread_once(&nets_once, nets_init);
	return in_list(a, special_cidrs, nspecial);
}

int
addr_is_private(const struct addr *a)
{
	pthread_once(&nets_once, nets_init);
	return in_list(a, private_cidrs, nprivate);
}
