/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the protected set with host facts from files and a fake
 * interface list: own addresses, default gateways (IPv4 and IPv6), the
 * resolvers of resolv.conf and resolver.dns_server, the SMTP relay, the
 * whitelist and the special ranges; refused by hand (`redress block`),
 * via alerts (policy), via widening (narrowed) and in front of a backend
 * (responder_apply); facts re-read when they change.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <unistd.h>
#include <cmocka.h>

#include "config.h"
#include "containment.h"
#include "policy.h"
#include "protect.h"
#include "responder.h"
#include "store.h"
#include "store_policy.h"

static char dir[32], route4[64], route6[64], resolv[64];

/* eth7: 198.51.100.10 and 2001:db8:7::10; lo: 127.0.0.1. */
static struct sockaddr_in sin_eth, sin_lo;
static struct sockaddr_in6 sin6_eth;
static struct ifaddrs if_v6 = { .ifa_name = "eth7",
    .ifa_addr = (struct sockaddr *)&sin6_eth };
static struct ifaddrs if_v4 = { .ifa_next = &if_v6, .ifa_name = "eth7",
    .ifa_addr = (struct sockaddr *)&sin_eth };
static struct ifaddrs if_lo = { .ifa_next = &if_v4, .ifa_name = "lo",
    .ifa_addr = (struct sockaddr *)&sin_lo };

static int
fake_getifaddrs(struct ifaddrs **out)
{
	*out = &if_lo;
	return 0;
}

static void
fake_freeifaddrs(struct ifaddrs *i)
{
	(void)i;
}

static const struct protect_src src = { route4, route6, resolv,
    fake_getifaddrs, fake_freeifaddrs };

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* Gateway 203.0.113.1 via eth7 (as /proc/net/route prints it). */
static const char route4_text[] =
    "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU"
    "\tWindow\tIRTT\n"
    "eth7\t00000000\t017100CB\t0003\t0\t0\t0\t00000000\t0\t0\t0\n"
    "eth7\t007100CB\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n";
static const char route6_text[] =
    "20010db8000700000000000000000000 40 00000000000000000000000000000000 "
    "00 00000000000000000000000000000000 00000100 00000001 00000000 "
    "00000001     eth7\n"
    "00000000000000000000000000000000 00 00000000000000000000000000000000 "
    "00 20010db8000700000000000000000001 00000400 00000002 00000000 "
    "00000003     eth7\n"
    "00000000000000000000000000000000 00 00000000000000000000000000000000 "
    "00 00000000000000000000000000000000 ffffffff 00000001 00000000 "
    "00200200       lo\n";

static int
setup(void **state)
{
	(void)state;
	strcpy(dir, "/tmp/redress-tp.XXXXXX");	/* lint: ok (test) */
	assert_non_null(mkdtemp(dir));
	snprintf(route4, sizeof(route4), "%s/route", dir);
	snprintf(route6, sizeof(route6), "%s/ipv6_route", dir);
	snprintf(resolv, sizeof(resolv), "%s/resolv.conf", dir);
	write_file(route4, route4_text);
	write_file(route6, route6_text);
	write_file(resolv, "# test\nsearch example\nnameserver 203.0.113.53\n"
	    "nameserver fe80::53%eth7\n");
	sin_eth.sin_family = AF_INET;
	inet_pton(AF_INET, "198.51.100.10", &sin_eth.sin_addr);
	sin_lo.sin_family = AF_INET;
	inet_pton(AF_INET, "127.0.0.1", &sin_lo.sin_addr);
	sin6_eth.sin6_family = AF_INET6;
	inet_pton(AF_INET6, "2001:db8:7::10", &sin6_eth.sin6_addr);
	protect_set_source(&src);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	protect_set_source(NULL);
	unlink(route4);
	unlink(route6);
	unlink(resolv);
	rmdir(dir);
	return 0;
}

static struct config *
load(const char *yaml)
{
	struct diag d;
	struct config *cfg;
	char msg[512];

	diag_init(&d);
	cfg = config_parse("t.yaml", yaml, strlen(yaml), &d);
	if (cfg == NULL) {
		diag_format(&d, 0, msg, sizeof(msg));
		fail_msg("config: %s", msg);
	}
	diag_clear(&d);
	return cfg;
}

static const char base_yaml[] =
    "inputs:\n  - type: eve\n    path: /dev/null\n"
    "policy:\n  whitelist: [192.0.2.128/25]\n"
    "resolver:\n  dns_server: \"198.18.0.53:5353\"\n"
    "smtp:\n  relay: 198.18.0.25\n";

/* The reason, or "" when net may be blocked. */
static const char *
why(struct protect *p, const char *net)
{
	static char buf[PROTECT_WHY_LEN];
	struct cidr c;

	assert_int_equal(cidr_parse(net, &c), 0);
	if (!protect_check(p, &c, buf, sizeof(buf)))
		buf[0] = '\0';
	return buf;
}

static void
test_protect_check_each_source(void **state)
{
	struct config *cfg = load(base_yaml);
	struct protect *p = protect_new(cfg);
	char want[PROTECT_WHY_LEN];

	(void)state;
	assert_string_equal(why(p, "198.51.100.10"),
	    "198.51.100.10 is this host's address on eth7");
	assert_string_equal(why(p, "2001:db8:7::10"),
	    "2001:db8:7::10 is this host's address on eth7");
	assert_string_equal(why(p, "203.0.113.1"),
	    "203.0.113.1 is a default gateway (via eth7)");
	assert_string_equal(why(p, "2001:db8:7::1"),
	    "2001:db8:7::1 is a default gateway (via eth7)");
	snprintf(want, sizeof(want), "203.0.113.53 is a DNS resolver in %s",
	    resolv);
	assert_string_equal(why(p, "203.0.113.53"), want);
	assert_non_null(strstr(why(p, "fe80::53"), "link-local"));
	assert_string_equal(why(p, "198.18.0.53"), "198.18.0.53 is the DNS "
	    "resolver (resolver.dns_server 198.18.0.53:5353)");
	assert_string_equal(why(p, "198.18.0.25"), "198.18.0.25 is the SMTP "
	    "relay (smtp.relay 198.18.0.25)");
	assert_non_null(strstr(why(p, "192.0.2.200"), "is whitelisted"));
	/* Special ranges that cannot be a remote source. */
	assert_non_null(strstr(why(p, "0.0.0.0"), "\"this network\""));
	assert_non_null(strstr(why(p, "::"), "unspecified"));
	assert_non_null(strstr(why(p, "240.0.0.1"), "reserved"));
	assert_non_null(strstr(why(p, "255.255.255.255"), "broadcast"));
	assert_non_null(strstr(why(p, "224.0.0.5"), "multicast"));
	assert_non_null(strstr(why(p, "ff02::1"), "multicast"));
	assert_non_null(strstr(why(p, "::1"), "loopback"));
	assert_non_null(strstr(why(p, "127.0.0.53"), "loopback"));
	/* A prefix over a protected address, or everything. */
	assert_string_equal(why(p, "203.0.113.0/24"), "203.0.113.0/24 covers "
	    "203.0.113.1, a default gateway (via eth7)");
	assert_string_equal(why(p, "0.0.0.0/0"), "0.0.0.0/0 covers "
	    "0.0.0.0/8, \"this network\" (RFC 791)");
	assert_string_not_equal(why(p, "2001:db8:7::/48"), "");
	/* Attackers of a lab (documentation ranges) stay blockable. */
	assert_string_equal(why(p, "198.51.100.11"), "");
	assert_string_equal(why(p, "192.0.2.7"), "");
	assert_string_equal(why(p, "203.0.113.2"), "");
	assert_string_equal(why(p, "2001:db8:7::11"), "");
	assert_string_equal(why(p, "198.51.100.64/26"), "");
	protect_free(p);
	config_free(cfg);
}

static void
test_protect_refresh_follows_changes(void **state)
{
	struct protect *p = protect_new(NULL);

	(void)state;
	assert_string_equal(why(p, "203.0.113.9"), "");
	/* The gateway moves to .9 and eth7 gets .11. */
	write_file(route4, "Iface\tDestination\tGateway\tFlags\tRefCnt\tUse"
	    "\tMetric\tMask\tMTU\tWindow\tIRTT\n"
	    "eth7\t00000000\t097100CB\t0003\t0\t0\t0\t00000000\t0\t0\t0\n");
	inet_pton(AF_INET, "198.51.100.11", &sin_eth.sin_addr);
	protect_refresh(p);
	assert_string_equal(why(p, "203.0.113.9"),
	    "203.0.113.9 is a default gateway (via eth7)");
	assert_string_equal(why(p, "203.0.113.1"), "");
	assert_string_equal(why(p, "198.51.100.10"), "");
	assert_string_equal(why(p, "198.51.100.11"),
	    "198.51.100.11 is this host's address on eth7");
	protect_free(p);
	write_file(route4, route4_text);
	inet_pton(AF_INET, "198.51.100.10", &sin_eth.sin_addr);
}

static void
test_protect_widest_narrows(void **state)
{
	struct protect *p = protect_new(NULL);
	struct cidr c;
	struct addr a;
	char w[PROTECT_WHY_LEN], t[CIDR_STRLEN];

	(void)state;
	/* 198.51.100.10 is ours: around .77 the /24 and /25 cover it. */
	addr_parse("198.51.100.77", &a);
	cidr_from_addr(&c, &a, 24);
	assert_int_equal(protect_widest(p, &a, &c, w, sizeof(w)), 1);
	assert_string_equal(cidr_format(&c, t, sizeof(t)), "198.51.100.64/26");
	assert_string_equal(w, "198.51.100.0/24 covers 198.51.100.10, this "
	    "host's address on eth7");
	/* Elsewhere the prefix stays as asked. */
	addr_parse("192.0.2.77", &a);
	cidr_from_addr(&c, &a, 24);
	assert_int_equal(protect_widest(p, &a, &c, w, sizeof(w)), 1);
	assert_string_equal(cidr_format(&c, t, sizeof(t)), "192.0.2.0/24");
	assert_string_equal(w, "");
	/* Right next to the gateway: nothing wider than the host is left. */
	addr_parse("203.0.113.0", &a);
	cidr_from_addr(&c, &a, 24);
	assert_int_equal(protect_widest(p, &a, &c, w, sizeof(w)), 0);
	assert_non_null(strstr(w, "a default gateway"));
	protect_free(p);
}

struct got {
	char	lines[32][96];
	int	n;
};

static void
on_decision(void *arg, const struct decision_row *d, const char *json)
{
	struct got *g = arg;

	(void)json;
	if (g->n < 32 && strcmp(d->action, DECISION_CONTAIN) == 0)
		snprintf(g->lines[g->n++], sizeof(g->lines[0]), "%s %s",
		    d->action, d->target);
}

static int
has(const struct got *g, const char *line)
{
	int i;

	for (i = 0; i < g->n; i++)
		if (strcmp(g->lines[i], line) == 0)
			return 1;
	return 0;
}

static void
attack(struct policy *pol, const struct policy_sink *sink, const char *from,
    int sec)
{
	struct alert a;
	struct err e = { "", 0 };

	memset(&a, 0, sizeof(a));
	a.ts_usec = (1715670000LL + sec) * 1000000;
	a.gid = 1;
	a.sid = 2010001;
	a.rev = 1;
	snprintf(a.signature, sizeof(a.signature), "TEST exploit");
	snprintf(a.category, sizeof(a.category), "Web Application Attack");
	a.proto = 6;
	assert_int_equal(addr_parse(from, &a.src), 0);
	assert_int_equal(addr_parse("10.0.0.5", &a.dst), 0);
	a.sport = 40000;
	a.dport = 80;
	a.established = ALERT_EST_YES;
	a.input = ALERT_INPUT_EVE;
	assert_int_equal(policy_feed(pol, &a, sink, &e), 0);
}

static void
test_protect_via_alerts_and_widening(void **state)
{
	struct config *cfg = load("policy:\n  widen_sources: 3\n");
	struct store *st;
	struct policy *pol;
	struct got g = { .n = 0 };
	struct policy_sink sink = { .decision = on_decision, .arg = &g };
	struct err e = { "", 0 };

	(void)state;
	assert_int_equal(store_open(":memory:", &st, &e), 0);
	pol = policy_new(cfg, st, &e);
	assert_non_null(pol);
	assert_int_equal(store_begin(st, &e), 0);
	attack(pol, &sink, "198.51.100.10", 0);	/* our own address */
	attack(pol, &sink, "203.0.113.1", 1);	/* our gateway */
	attack(pol, &sink, "2001:db8:7::1", 2);
	attack(pol, &sink, "240.0.0.1", 3);
	assert_int_equal(g.n, 0);
	/* Three attackers next to our address: widened, but around it. */
	attack(pol, &sink, "198.51.100.70", 4);
	attack(pol, &sink, "198.51.100.71", 5);
	attack(pol, &sink, "198.51.100.72", 6);
	assert_true(has(&g, "contain 198.51.100.70"));
	assert_true(has(&g, "contain 198.51.100.72"));
	assert_false(has(&g, "contain 198.51.100.0/24"));
	assert_true(has(&g, "contain 198.51.100.64/26"));
	/* Three next to the gateway .1: a /25 of the upper half. */
	attack(pol, &sink, "203.0.113.200", 7);
	attack(pol, &sink, "203.0.113.201", 8);
	attack(pol, &sink, "203.0.113.202", 9);
	assert_false(has(&g, "contain 203.0.113.0/24"));
	assert_true(has(&g, "contain 203.0.113.128/25"));
	/* The host's own /48: narrowed to what leaves ::10 and ::1 out. */
	attack(pol, &sink, "2001:db8:7::a1", 10);
	attack(pol, &sink, "2001:db8:7::a2", 11);
	attack(pol, &sink, "2001:db8:7::a3", 12);
	assert_false(has(&g, "contain 2001:db8:7::/48"));
	assert_true(has(&g, "contain 2001:db8:7::80/121"));
	assert_int_equal(store_commit(st, &e), 0);
	policy_free(pol);
	store_close(st);
	config_free(cfg);
}

/* A backend that records what reaches it. */
static char seen[1024];

static int
rec_apply(struct responder *r, const struct resp_block *v, size_t n,
    struct err *e)
{
	char t[CIDR_STRLEN];
	size_t i;

	(void)r;
	(void)e;
	for (i = 0; i < n; i++) {
		strcat(seen, cidr_format(&v[i].net, t, sizeof(t)));
		strcat(seen, " ");		/* lint: ok (test, bounded) */
	}
	return 0;
}

static void
test_protect_in_front_of_backend(void **state)
{
	static const struct responder_ops rec = { .name = "rec",
	    .apply = rec_apply };
	struct responder r = { .ops = &rec, .name = "rec" };
	struct resp_block v[3];
	struct err e = { "", 0 };

	(void)state;
	memset(v, 0, sizeof(v));
	cidr_parse("192.0.2.7", &v[0].net);
	cidr_parse("203.0.113.1", &v[1].net);
	cidr_parse("192.0.2.8", &v[2].net);
	r.guard = protect_new(NULL);
	seen[0] = '\0';
	assert_int_equal(responder_apply(&r, v, 3, &e), -1);
	assert_string_equal(seen, "192.0.2.7/32 192.0.2.8/32 ");
	assert_string_equal(e.msg, "rec: refused: 203.0.113.1 is a default "
	    "gateway (via eth7)");
	err_clear(&e);
	seen[0] = '\0';
	assert_int_equal(responder_apply(&r, v, 1, &e), 0);
	assert_string_equal(seen, "192.0.2.7/32 ");
	protect_free(r.guard);
}

static void
test_protect_block_by_hand(void **state)
{
	char yaml[512], hd[160];
	struct config *cfg;
	struct store *st;
	struct containment *c;
	struct cidr n;
	struct err e = { "", 0 };

	(void)state;
	snprintf(hd, sizeof(hd), "%s/hosts.deny", dir);
	snprintf(yaml, sizeof(yaml), "general:\n  state_dir: %s\n"
	    "responders:\n  backends:\n    - type: hostsdeny\n"
	    "      path: %s\n", dir, hd);
	cfg = load(yaml);
	assert_int_equal(store_open(":memory:", &st, &e), 0);
	c = containment_open(cfg, 0, NULL, 1, &e);
	assert_non_null(c);
	cidr_parse("203.0.113.1", &n);
	assert_int_equal(containment_block(c, st, &n, 60, "t", &e), 1);
	assert_string_equal(e.msg, "refused: 203.0.113.1 is a default gateway "
	    "(via eth7)");
	err_clear(&e);
	cidr_parse("198.51.100.0/24", &n);
	assert_int_equal(containment_block(c, st, &n, 60, "t", &e), 1);
	assert_string_equal(e.msg, "refused: 198.51.100.0/24 covers "
	    "198.51.100.10, this host's address on eth7");
	err_clear(&e);
	cidr_parse("0.0.0.1", &n);
	assert_int_equal(containment_block(c, st, &n, 60, "t", &e), 1);
	err_clear(&e);
	cidr_parse("203.0.113.2", &n);
	assert_int_equal(containment_block(c, st, &n, 60, "t", &e), 0);
	containment_close(c);
	store_close(st);
	config_free(cfg);
	unlink(hd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_protect_check_each_source),
		cmocka_unit_test(test_protect_refresh_follows_changes),
		cmocka_unit_test(test_protect_widest_narrows),
		cmocka_unit_test(test_protect_via_alerts_and_widening),
		cmocka_unit_test(test_protect_in_front_of_backend),
		cmocka_unit_test(test_protect_block_by_hand),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
