/* SPDX-License-Identifier: MIT */
/*
 * The protected set: what may never be blocked and why. Special-purpose
 * ranges are a fixed table (RFC 6890 registries: not forwardable, so a
 * packet from there never came from a remote network; the documentation
 * ranges stay blockable, see docs/responders.md). Host facts (interface
 * addresses, default gateways, /etc/resolv.conf) are re-read on an
 * rtnetlink address or route event and every PROTECT_MAX_AGE_S seconds;
 * the configured resolver, relay and whitelist are fixed per config.
 */
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config.h"
#include "monotime.h"
#include "policy.h"
#include "protect.h"
#include "report.h"
#include "resolver.h"
#include "whitelist.h"
#include "xmalloc.h"

#define PROTECT_POLL_MS	100	/* rtnetlink drained at most this often */

struct guard {
	struct cidr	net;
	char		why[80];	/* "this host's address on eth0" */
};

struct glist {
	struct guard	*v;
	size_t		 n, cap;
};

struct protect {
	const struct whitelist	*wl;
	struct glist		 conf;	/* resolver.dns_server, smtp.relay */
	struct glist		 host;	/* interfaces, gateways, resolv.conf */
	int			 nl;	/* rtnetlink socket, -1 none */
	long			 loaded_ms, polled_ms;
	int			 stale;
};

static const struct { const char *net, *why; } special[] = {
	{ "0.0.0.0/8", "\"this network\" (RFC 791)" },
	{ "127.0.0.0/8", "loopback (RFC 1122)" },
	{ "169.254.0.0/16", "link-local (RFC 3927)" },
	{ "192.0.0.0/24", "IETF protocol assignments (RFC 6890)" },
	{ "224.0.0.0/4", "multicast (RFC 5771), never a source" },
	{ "255.255.255.255/32", "limited broadcast (RFC 919)" },
	{ "240.0.0.0/4", "reserved (RFC 1112)" },
	{ "::/128", "the unspecified address (RFC 4291)" },
	{ "::1/128", "loopback (RFC 4291)" },
	{ "fe80::/10", "link-local (RFC 4291)" },
	{ "ff00::/8", "multicast (RFC 4291), never a source" },
};
#define NSPECIAL	(sizeof(special) / sizeof(special[0]))

static struct cidr sp[NSPECIAL];
static pthread_once_t special_once = PTHREAD_ONCE_INIT;

static void
special_init(void)
{
	size_t i;

	for (i = 0; i < NSPECIAL; i++)
		cidr_parse(special[i].net, &sp[i]);
}

static const struct protect_src *cur_src;

void
protect_set_source(const struct protect_src *s)
{
	cur_src = s;
}

static void
glist_addr(struct glist *l, const struct addr *a, const char *what,
    const char *arg)
{
	struct cidr c;

	if (a->family == 0 || cidr_from_addr(&c, a, addr_maxlen(a)) < 0)
		return;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	l->v[l->n].net = c;
	snprintf(l->v[l->n].why, sizeof(l->v[l->n].why), "%s%s%s", what,
	    arg, strchr(what, '(') ? ")" : "");
	l->n++;
}

/* Default IPv4 gateways: destination and mask 0, RTF_GATEWAY set. */
static void
load_route4(struct glist *l, const char *path)
{
	char line[512], ifn[64];
	unsigned long dst, gw, flags, mask;
	uint32_t be;
	struct addr a;
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%63s %lx %lx %lx %*s %*s %*s %lx", ifn, &dst,
		    &gw, &flags, &mask) != 5)
			continue;	/* the header */
		if (dst != 0 || mask != 0 || !(flags & 0x2) || gw == 0)
			continue;
		be = (uint32_t)gw;	/* printed in host order */
		addr_from_v4(&a, &be);
		glist_addr(l, &a, "a default gateway (via ", ifn);
	}
	fclose(f);
}

static int
hex16(const char *s, uint8_t *out)
{
	unsigned v;
	int i;

	for (i = 0; i < 16; i++) {
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (uint8_t)v;
	}
	return 0;
}

/* Default IPv6 gateways: ::/0 with a next hop. */
static void
load_route6(struct glist *l, const char *path)
{
	char line[512], dst[40], nh[40], ifn[64];
	unsigned dlen;
	uint8_t b[16];
	struct addr a;
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%32s %x %*s %*s %32s %*s %*s %*s %*s %63s",
		    dst, &dlen, nh, ifn) != 4 || dlen != 0 ||
		    strspn(dst, "0") != 32 || strspn(nh, "0") == 32 ||
		    hex16(nh, b) < 0)
			continue;
		addr_from_v6(&a, b);
		glist_addr(l, &a, "a default gateway (via ", ifn);
	}
	fclose(f);
}

static void
load_resolv(struct glist *l, const char *path)
{
	char line[512], ns[128];
	struct addr a;
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, " nameserver %127s", ns) != 1)
			continue;
		ns[strcspn(ns, "%")] = '\0';	/* fe80::1%eth0 */
		if (addr_parse(ns, &a) == 0)
			glist_addr(l, &a, "a DNS resolver in ", path);
	}
	fclose(f);
}

static void
load_ifaddrs(struct glist *l, const struct protect_src *s)
{
	int (*get)(struct ifaddrs **) = s && s->getifaddrs ? s->getifaddrs :
	    getifaddrs;
	void (*put)(struct ifaddrs *) = s && s->freeifaddrs ?
	    s->freeifaddrs : freeifaddrs;
	struct ifaddrs *ifa, *i;
	struct addr a;

	if (get(&ifa) < 0)
		return;
	for (i = ifa; i; i = i->ifa_next) {
		if (i->ifa_addr == NULL)
			continue;
		if (i->ifa_addr->sa_family == AF_INET)
			addr_from_v4(&a, &((struct sockaddr_in *)(void *)
			    i->ifa_addr)->sin_addr);
		else if (i->ifa_addr->sa_family == AF_INET6)
			addr_from_v6(&a, &((struct sockaddr_in6 *)(void *)
			    i->ifa_addr)->sin6_addr);
		else
			continue;
		glist_addr(l, &a, "this host's address on ", i->ifa_name);
	}
	put(ifa);
}

void
protect_refresh(struct protect *p)
{
	const struct protect_src *s = cur_src;

	p->host.n = 0;
	load_ifaddrs(&p->host, s);
	load_route4(&p->host, s && s->route4 ? s->route4 : "/proc/net/route");
	load_route6(&p->host, s && s->route6 ? s->route6 :
	    "/proc/net/ipv6_route");
	load_resolv(&p->host, s && s->resolv_conf ? s->resolv_conf :
	    "/etc/resolv.conf");
	p->loaded_ms = monotime_ms();
	p->stale = 0;
}

/* A socket that reads when addresses or routes change; -1 if none. */
static int
nl_open(void)
{
	struct sockaddr_nl sa;
	int fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    NETLINK_ROUTE);
	if (fd < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	sa.nl_groups = RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR |
	    RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* "127.0.0.1:5353", "[::1]:53" or a bare address. */
static int
server_addr(const char *spec, struct addr *a)
{
	char host[128];
	const char *c;
	size_t l;

	if (spec[0] == '[') {
		l = strcspn(spec + 1, "]");
		if (l >= sizeof(host))
			return -1;
		memcpy(host, spec + 1, l);
		host[l] = '\0';
	} else if ((c = strchr(spec, ':')) != NULL && strchr(c + 1, ':') ==
	    NULL) {
		l = (size_t)(c - spec);
		if (l >= sizeof(host))
			return -1;
		memcpy(host, spec, l);
		host[l] = '\0';
	} else
		snprintf(host, sizeof(host), "%s", spec);
	return addr_parse(host, a);
}

static void
load_relay(struct glist *l, const char *relay)
{
	struct addrinfo hints, *res, *ai;
	struct addr a;

	if (addr_parse(relay, &a) == 0) {
		glist_addr(l, &a, "the SMTP relay (smtp.relay ", relay);
		return;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(relay, NULL, &hints, &res) != 0)
		return;
	for (ai = res; ai; ai = ai->ai_next) {
		if (ai->ai_family == AF_INET)
			addr_from_v4(&a, &((struct sockaddr_in *)(void *)
			    ai->ai_addr)->sin_addr);
		else if (ai->ai_family == AF_INET6)
			addr_from_v6(&a, &((struct sockaddr_in6 *)(void *)
			    ai->ai_addr)->sin6_addr);
		else
			continue;
		glist_addr(l, &a, "the SMTP relay (smtp.relay ", relay);
	}
	freeaddrinfo(res);
}

struct protect *
protect_new(const struct config *cfg)
{
	struct protect *p = xcalloc(1, sizeof(*p));
	struct addr a;

	p->wl = policy_whitelist(cfg);
	if (cfg && cfg->resolver && cfg->resolver->dns_server &&
	    server_addr(cfg->resolver->dns_server, &a) == 0)
		glist_addr(&p->conf, &a, "the DNS resolver (resolver."
		    "dns_server ", cfg->resolver->dns_server);
	if (cfg && cfg->smtp && cfg->smtp->relay && cfg->smtp->relay[0])
		load_relay(&p->conf, cfg->smtp->relay);
	/* Fixed test sources have no events: re-read them when asked. */
	p->nl = cur_src ? -1 : nl_open();
	protect_refresh(p);
	return p;
}

void
protect_free(struct protect *p)
{
	if (p == NULL)
		return;
	if (p->nl >= 0)
		close(p->nl);
	free(p->conf.v);
	free(p->host.v);
	free(p);
}

/* Host facts older than an address or route change are read again. */
static void
maybe_refresh(struct protect *p)
{
	char buf[8192];
	long now = monotime_ms();

	if (p->nl >= 0 && now - p->polled_ms >= PROTECT_POLL_MS) {
		p->polled_ms = now;
		while (recv(p->nl, buf, sizeof(buf), MSG_DONTWAIT) > 0)
			p->stale = 1;
	}
	if (p->stale || now - p->loaded_ms >= PROTECT_MAX_AGE_S * 1000)
		protect_refresh(p);
}

static int
overlap(const struct cidr *a, const struct cidr *b)
{
	if (a->net.family != b->net.family)
		return 0;
	return a->len <= b->len ? cidr_contains(a, &b->net) :
	    cidr_contains(b, &a->net);
}

/* "X is why" for an address, "P covers X, why" for a wider prefix. */
static void
say(const struct cidr *net, const struct cidr *hit, const char *why,
    char *out, size_t len)
{
	char n[CIDR_STRLEN], h[CIDR_STRLEN];
	int host = net->len == addr_maxlen(&net->net);

	if (out == NULL || len == 0)
		return;
	if (host)
		addr_format(&net->net, n, sizeof(n));
	else
		cidr_format(net, n, sizeof(n));
	if (hit->len == addr_maxlen(&hit->net))
		addr_format(&hit->net, h, sizeof(h));
	else
		cidr_format(hit, h, sizeof(h));
	if (host && hit->len == addr_maxlen(&hit->net))
		snprintf(out, len, "%s is %s", n, why);
	else if (host || hit->len <= net->len)
		snprintf(out, len, "%s is inside %s, %s", n, h, why);
	else
		snprintf(out, len, "%s covers %s, %s", n, h, why);
}

static int
in_list(const struct glist *l, const struct cidr *net, char *why,
    size_t len)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (overlap(&l->v[i].net, net)) {
			say(net, &l->v[i].net, l->v[i].why, why, len);
			return 1;
		}
	return 0;
}

int
protect_check(struct protect *p, const struct cidr *net, char *why,
    size_t len)
{
	size_t i;

	pthread_once(&special_once, special_init);
	if (why && len)
		why[0] = '\0';
	for (i = 0; i < NSPECIAL; i++)
		if (overlap(&sp[i], net)) {
			say(net, &sp[i], special[i].why, why, len);
			return 1;
		}
	maybe_refresh(p);
	if (in_list(&p->host, net, why, len) ||
	    in_list(&p->conf, net, why, len))
		return 1;
	if (whitelist_overlaps(p->wl, net)) {
		if (why && len) {
			char n[CIDR_STRLEN];

			snprintf(why, len, "%s is whitelisted (policy."
			    "whitelist, whitelist_files or the defaults)",
			    cidr_format(net, n, sizeof(n)));
		}
		return 1;
	}
	return 0;
}

int
protect_widest(struct protect *p, const struct addr *src,
    struct cidr *want, char *why, size_t len)
{
	struct cidr c;
	char first[PROTECT_WHY_LEN] = "";
	unsigned l, from = want->len, max = addr_maxlen(src);

	for (l = from; l < max; l++) {
		if (cidr_from_addr(&c, src, l) < 0)
			return 0;
		if (l == from ? protect_check(p, &c, first, sizeof(first)) :
		    protect_check(p, &c, NULL, 0))
			continue;
		*want = c;
		if (why && len)
			snprintf(why, len, "%s", l == from ? "" : first);
		return 1;
	}
	if (why && len)
		snprintf(why, len, "%s", first);
	return 0;
}
