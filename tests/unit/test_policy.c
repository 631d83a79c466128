/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the decision engine: default policies, each
 * classification rule, whitelist and private sources, suppress, own
 * thresholds per track, widening, restart in the middle of a window or
 * after a kill -9, closing on event time, and bounded state under a
 * spoofed flood with an exact heavy hitter.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "config.h"
#include "policy.h"
#include "store.h"
#include "store_policy.h"
#include "tracker.h"
#include "whitelist.h"

#define T0	(1715670000LL * 1000000)

struct got {
	char	lines[64][160];
	int	n;
	int	incidents;
	int64_t	ids[64];	/* distinct incident ids seen */
	int	nids;
};

static void
on_incident(void *arg, const struct incident_row *r, const char *json)
{
	struct got *g = arg;

	int i;

	assert_non_null(strstr(json, "\"type\":\"incident\""));
	g->incidents++;
	for (i = 0; i < g->nids; i++)
		if (g->ids[i] == r->id)
			return;
	if (g->nids < 64)
		g->ids[g->nids++] = r->id;
}

static void
on_decision(void *arg, const struct decision_row *d, const char *json)
{
	struct got *g = arg;

	assert_non_null(strstr(json, "\"type\":\"decision\""));
	if (g->n < 64)
		snprintf(g->lines[g->n++], sizeof(g->lines[0]), "%s %s%s%s",
		    d->action, d->target, d->recipient[0] ? " " : "",
		    d->recipient);
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

struct env {
	struct config	*cfg;
	struct store	*st;
	struct policy	*pol;
	struct got	 got;
	struct policy_sink sink;
};

static void
env_open(struct env *v, const char *yaml, const char *db)
{
	struct diag d;
	struct err e = { "", 0 };
	char msg[512];

	memset(v, 0, sizeof(*v));
	diag_init(&d);
	v->cfg = config_parse("test.yaml", yaml, strlen(yaml), &d);
	if (v->cfg == NULL) {
		diag_format(&d, 0, msg, sizeof(msg));
		fail_msg("config: %s", msg);
	}
	diag_clear(&d);
	assert_int_equal(store_open(db ? db : ":memory:", &v->st, &e), 0);
	v->pol = policy_new(v->cfg, v->st, &e);
	assert_non_null(v->pol);
	v->sink.incident = on_incident;
	v->sink.decision = on_decision;
	v->sink.arg = &v->got;
	assert_int_equal(store_begin(v->st, &e), 0);
}

static void
env_flush(struct env *v, int final, int64_t now)
{
	struct err e = { "", 0 };

	if (policy_flush(v->pol, now, final, &v->sink, &e) < 0)
		fail_msg("flush: %s", e.msg);
}

static void
env_close(struct env *v)
{
	struct err e = { "", 0 };

	assert_int_equal(store_commit(v->st, &e), 0);
	policy_free(v->pol);
	store_close(v->st);
	config_free(v->cfg);
}

static void
mk(struct alert *a, int64_t sec, const char *src, const char *dst,
    int proto, int dport, uint32_t sid, const char *category, int est)
{
	memset(a, 0, sizeof(*a));
	a->ts_usec = T0 + sec * 1000000;
	a->gid = 1;
	a->sid = sid;
	a->rev = 1;
	snprintf(a->signature, sizeof(a->signature), "TEST sid %u", sid);
	snprintf(a->category, sizeof(a->category), "%s", category);
	a->proto = (uint8_t)proto;
	assert_int_equal(addr_parse(src, &a->src), 0);
	assert_int_equal(addr_parse(dst, &a->dst), 0);
	a->sport = 40000;
	a->dport = (uint16_t)dport;
	a->established = (int8_t)est;
	a->input = ALERT_INPUT_EVE;
}

static void
feed(struct env *v, const struct alert *a)
{
	struct err e = { "", 0 };

	if (policy_feed(v->pol, a, &v->sink, &e) < 0)
		fail_msg("feed: %s", e.msg);
}

static void
test_policy_feed_exploit_default(void **state)
{
	struct env v;
	struct alert a;

	(void)state;
	env_open(&v, "", NULL);
	mk(&a, 0, "203.0.113.9", "10.0.0.5", 6, 80, 2010001,
	    "Web Application Attack", ALERT_EST_YES);
	feed(&v, &a);
	assert_true(has(&v.got, "contain 203.0.113.9"));
	assert_true(has(&v.got, "report 203.0.113.9 source"));
	assert_int_equal(v.got.n, 2);
	/* Further alerts decide nothing new. */
	mk(&a, 5, "203.0.113.9", "10.0.0.5", 6, 80, 2010001,
	    "Web Application Attack", ALERT_EST_YES);
	feed(&v, &a);
	assert_int_equal(v.got.n, 2);
	env_close(&v);
}

static void
test_policy_feed_unestablished_not_reported(void **state)
{
	struct env v;
	struct alert a;

	(void)state;
	env_open(&v, "", NULL);
	mk(&a, 0, "203.0.113.9", "10.0.0.5", 6, 80, 2010001,
	    "Attempted Administrator Privilege Gain", ALERT_EST_NO);
	feed(&v, &a);
	assert_true(has(&v.got, "contain 203.0.113.9"));
	assert_false(has(&v.got, "report 203.0.113.9 source"));
	/* The handshake completes later: now it is reportable. */
	mk(&a, 3, "203.0.113.9", "10.0.0.5", 6, 80, 2010001,
	    "Attempted Administrator Privilege Gain", ALERT_EST_YES);
	feed(&v, &a);
	assert_true(has(&v.got, "report 203.0.113.9 source"));
	env_close(&v);
}

static void
test_policy_feed_private_and_whitelist(void **state)
{
	struct env v;
	struct alert a;

	(void)state;
	env_open(&v, "policy:\n  whitelist: [198.51.100.0/24]\n", NULL);
	mk(&a, 0, "192.168.1.9", "10.0.0.5", 6, 80, 2010001,
	    "Web Application Attack", ALERT_EST_YES);
	feed(&v, &a);
	mk(&a, 0, "198.51.100.4", "10.0.0.5", 6, 80, 2010001,
	    "Web Application Attack", ALERT_EST_YES);
	feed(&v, &a);
	mk(&a, 0, "::ffff:198.51.100.5", "10.0.0.5", 6, 80, 2010001,
	    "Web Application Attack", ALERT_EST_YES);
	feed(&v, &a);
	mk(&a, 0, "127.0.0.1", "10.0.0.5", 6, 80, 2010001,
	    "Web Application Attack", ALERT_EST_YES);
	feed(&v, &a);
	assert_int_equal(v.got.n, 0);
	env_close(&v);
	/* Private sources may be contained when configured, never
	 * reported. */
	env_open(&v, "policy:\n  contain_private: true\n", NULL);
	mk(&a, 0, "192.168.1.9", "10.0.0.5", 6, 80, 2010001,
	    "Web Application Attack", ALERT_EST_YES);
	feed(&v, &a);
	assert_true(has(&v.got, "contain 192.168.1.9"));
	assert_int_equal(v.got.n, 1);
	env_close(&v);
}

static void
test_policy_flush_probe_defaults(void **state)
{
	struct env v;
	struct alert a;

	(void)state;
	env_open(&v, "", NULL);
	mk(&a, 0, "203.0.113.1", "10.0.0.5", 6, 80, 2000001,
	    "Potentially Bad Traffic", ALERT_EST_YES);
	feed(&v, &a);
	mk(&a, 0, "203.0.113.2", "10.0.0.5", 6, 25, 2000001,
	    "Potentially Bad Traffic", ALERT_EST_YES);
	feed(&v, &a);
	mk(&a, 0, "203.0.113.3", "10.0.0.5", 1, 0, 2000002,
	    "Misc activity", ALERT_EST_UNKNOWN);
	a.sport = 8;	/* ICMP echo request */
	feed(&v, &a);
	mk(&a, 0, "203.0.113.4", "10.0.0.5", 6, 8081, 2000001,
	    "Potentially Bad Traffic", ALERT_EST_YES);
	feed(&v, &a);
	mk(&a, 0, "203.0.113.5", "10.0.0.5", 6, 8081, 2000001,
	    "Potentially Bad Traffic", ALERT_EST_NO);
	feed(&v, &a);
	assert_int_equal(v.got.n, 0);	/* probes wait for the close */
	env_flush(&v, 0, T0 + 10LL * 1000000);	/* not idle yet */
	assert_int_equal(v.got.n, 0);
	env_flush(&v, 1, T0 + 10LL * 1000000);
	assert_true(has(&v.got, "report 203.0.113.4 source"));
	assert_int_equal(v.got.n, 1);
	env_close(&v);
}

static void
test_policy_feed_scan_sweep_bruteforce(void **state)
{
	struct env v;
	struct alert a;
	char host[32];
	int i;

	(void)state;
	env_open(&v, "", NULL);
	for (i = 0; i < 5; i++) {
		mk(&a, i, "203.0.113.10", "10.0.0.5", 6, 1000 + i, 2001219,
		    "Attempted Information Leak", ALERT_EST_YES);
		feed(&v, &a);
		if (i < 4)
			assert_int_equal(v.got.n, 0);
	}
	assert_true(has(&v.got, "contain 203.0.113.10"));
	assert_true(has(&v.got, "report 203.0.113.10 source"));
	for (i = 0; i < 5; i++) {
		snprintf(host, sizeof(host), "10.0.1.%d", i + 1);
		mk(&a, i, "203.0.113.11", host, 6, 8443, 2001220,
		    "Attempted Information Leak", ALERT_EST_YES);
		feed(&v, &a);
	}
	assert_true(has(&v.got, "contain 203.0.113.11"));
	for (i = 0; i < 5; i++) {
		mk(&a, i, "203.0.113.12", "10.0.0.6", 6, 22, 2001221,
		    "Misc activity", ALERT_EST_YES);
		feed(&v, &a);
	}
	assert_true(has(&v.got, "report 203.0.113.12 source"));
	env_flush(&v, 1, T0);
	env_close(&v);
}

struct kinds {
	char	k[8][16];
	int	n;
};

static int
collect_kind(void *arg, const struct incident_row *r)
{
	struct kinds *k = arg;

	if (k->n < 8)
		snprintf(k->k[k->n++], 16, "%s", incident_kind_name(r->kind));
	return 0;
}

static int
kinds_has(const struct kinds *k, const char *s)
{
	int i;

	for (i = 0; i < k->n; i++)
		if (strcmp(k->k[i], s) == 0)
			return 1;
	return 0;
}

static void
test_policy_feed_classification_rows(void **state)
{
	struct env v;
	struct alert a;
	struct kinds k = { .n = 0 };
	struct err e = { "", 0 };
	char host[32];
	int i;

	(void)state;
	env_open(&v, "", NULL);
	for (i = 0; i < 5; i++) {
		mk(&a, i, "203.0.113.10", "10.0.0.5", 6, 1000 + i, 1,
		    "Detection of a Network Scan", ALERT_EST_YES);
		feed(&v, &a);
		snprintf(host, sizeof(host), "10.0.1.%d", i + 1);
		mk(&a, i, "203.0.113.11", host, 6, 445, 2, "Misc activity",
		    ALERT_EST_YES);
		feed(&v, &a);
		mk(&a, i, "203.0.113.12", "10.0.0.6", 6, 22, 3,
		    "Misc activity", ALERT_EST_YES);
		feed(&v, &a);
	}
	mk(&a, 9, "203.0.113.13", "10.0.0.6", 6, 443, 4,
	    "Attempted User Privilege Gain", ALERT_EST_YES);
	feed(&v, &a);
	env_flush(&v, 1, T0);
	assert_int_equal(store_incident_list(v.st, 0, 0, collect_kind, &k,
	    &e), 0);
	assert_true(kinds_has(&k, "scan"));
	assert_true(kinds_has(&k, "sweep"));
	assert_true(kinds_has(&k, "brute-force"));
	assert_true(kinds_has(&k, "exploit"));
	env_close(&v);
}

static void
test_policy_feed_dos_upstream(void **state)
{
	struct env v;
	struct alert a;
	char src[32];
	int i;

	(void)state;
	env_open(&v, "", NULL);
	for (i = 0; i < 150; i++) {
		snprintf(src, sizeof(src), "198.18.%d.%d", i / 250,
		    i % 250 + 1);
		mk(&a, i / 10, src, "10.0.0.80", 6, 80, 2200001,
		    "Attempted Denial of Service", ALERT_EST_NO);
		feed(&v, &a);
	}
	/* One report, to our upstream, naming the target; no source is
	 * contained or reported. */
	assert_int_equal(v.got.n, 1);
	assert_true(has(&v.got, "report 10.0.0.80 upstream"));
	env_close(&v);
}

static void
test_policy_feed_compromise_internal(void **state)
{
	struct env v;
	struct alert a;

	(void)state;
	env_open(&v, "", NULL);
	mk(&a, 0, "10.0.0.23", "203.0.113.66", 6, 443, 2024217,
	    "A Network Trojan was detected", ALERT_EST_YES);
	feed(&v, &a);
	assert_int_equal(v.got.n, 1);
	assert_true(has(&v.got, "report 10.0.0.23 internal"));
	/* Inbound trojan traffic is an exploit attempt instead. */
	mk(&a, 0, "203.0.113.67", "10.0.0.23", 6, 443, 2024217,
	    "A Network Trojan was detected", ALERT_EST_YES);
	feed(&v, &a);
	assert_true(has(&v.got, "contain 203.0.113.67"));
	env_close(&v);
}

static void
test_policy_feed_widening(void **state)
{
	struct env v;
	struct alert a;
	char src[32];
	int i;

	(void)state;
	env_open(&v, "policy:\n  widen_sources: 3\n", NULL);
	for (i = 0; i < 3; i++) {
		snprintf(src, sizeof(src), "198.51.100.%d", 10 + i);
		mk(&a, i, src, "10.0.0.5", 6, 80, 2010001,
		    "Web Application Attack", ALERT_EST_YES);
		feed(&v, &a);
		assert_int_equal(has(&v.got, "contain 198.51.100.0/24"),
		    i == 2);
	}
	/* IPv6 widens to /48. */
	for (i = 0; i < 3; i++) {
		snprintf(src, sizeof(src), "2001:db8:5:%x::1", i + 1);
		mk(&a, i, src, "10.0.0.5", 6, 80, 2010001,
		    "Web Application Attack", ALERT_EST_YES);
		feed(&v, &a);
	}
	assert_true(has(&v.got, "contain 2001:db8:5::/48"));
	env_close(&v);
	/* Never over a whitelisted address. */
	env_open(&v, "policy:\n  widen_sources: 3\n"
	    "  whitelist: [198.51.100.77]\n", NULL);
	for (i = 0; i < 5; i++) {
		snprintf(src, sizeof(src), "198.51.100.%d", 10 + i);
		mk(&a, i, src, "10.0.0.5", 6, 80, 2010001,
		    "Web Application Attack", ALERT_EST_YES);
		feed(&v, &a);
	}
	assert_true(has(&v.got, "contain 198.51.100.12"));
	assert_false(has(&v.got, "contain 198.51.100.0/24"));
	env_close(&v);
}

static void
test_policy_feed_suppress_and_tracks(void **state)
{
	struct env v;
	struct alert a;
	int i;

	(void)state;
	env_open(&v, "policy:\n  thresholds:\n"
	    "    - suppress gen_id 1, sig_id 7, track by_src, "
	    "ip 203.0.113.0/28\n"
	    "    - rate_filter gen_id 1, sig_id 7, track by_dst, count 2, "
	    "seconds 60, new_action contain, timeout 600\n"
	    "    - rate_filter gen_id 1, sig_id 8, track by_src, count 1, "
	    "seconds 10, new_action report, timeout 0\n", NULL);
	/* Suppressed source: nothing, however many. */
	for (i = 0; i < 5; i++) {
		mk(&a, i, "203.0.113.3", "10.0.0.5", 6, 80, 7, "Misc activity",
		    ALERT_EST_YES);
		feed(&v, &a);
	}
	assert_int_equal(v.got.n, 0);
	/* by_dst counts across sources: the third alert to one host. */
	mk(&a, 0, "203.0.113.100", "10.0.0.7", 6, 80, 7, "Misc activity",
	    ALERT_EST_YES);
	feed(&v, &a);
	mk(&a, 1, "203.0.113.101", "10.0.0.7", 6, 80, 7, "Misc activity",
	    ALERT_EST_YES);
	feed(&v, &a);
	assert_int_equal(v.got.n, 0);
	mk(&a, 2, "203.0.113.102", "10.0.0.7", 6, 80, 7, "Misc activity",
	    ALERT_EST_YES);
	feed(&v, &a);
	assert_true(has(&v.got, "contain 203.0.113.102"));
	/* by_src with the window edge (suricata: t0+10 is inside). */
	mk(&a, 0, "203.0.113.200", "10.0.0.7", 6, 80, 8, "Misc activity",
	    ALERT_EST_YES);
	feed(&v, &a);
	mk(&a, 10, "203.0.113.200", "10.0.0.8", 6, 80, 8, "Misc activity",
	    ALERT_EST_YES);
	feed(&v, &a);
	assert_true(has(&v.got, "report 203.0.113.200 source"));
	env_close(&v);
	/* The same in snort mode: the second alert opens a new window. */
	env_open(&v, "policy:\n  engine: snort\n  thresholds:\n"
	    "    - rate_filter gen_id 1, sig_id 8, track by_src, count 1, "
	    "seconds 10, new_action report, timeout 0\n", NULL);
	mk(&a, 0, "203.0.113.200", "10.0.0.7", 6, 80, 8, "Misc activity",
	    ALERT_EST_YES);
	feed(&v, &a);
	mk(&a, 10, "203.0.113.200", "10.0.0.8", 6, 80, 8, "Misc activity",
	    ALERT_EST_YES);
	feed(&v, &a);
	assert_int_equal(v.got.n, 0);
	env_close(&v);
}

/* One rate_filter per track, in both engines, on three alerts: A
 * (x->h), B (h->x, the reverse pair) at +5 s and C (y->h) at +10 s. */
static void
test_policy_feed_tracks_both_engines(void **state)
{
	static const struct {
		const char	*track, *engine;
		const char	*want;
	} cases[] = {
		{ "by_src", "suricata", "" },
		{ "by_src", "snort", "" },
		{ "by_dst", "suricata", "C" },
		{ "by_dst", "snort", "" },		/* t0+10 expired */
		{ "by_both", "suricata", "B" },
		{ "by_both", "snort", "B" },
		{ "by_rule", "suricata", "BC" },
		{ "by_rule", "snort", "BC" },
	};
	char yaml[512], got[4];
	struct env v;
	struct alert a;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(yaml, sizeof(yaml), "policy:\n  engine: %s\n"
		    "  contain_private: true\n  widen_sources: 0\n"
		    "  thresholds:\n    - rate_filter gen_id 1, sig_id 9, "
		    "track %s, count 1, seconds 10, new_action contain, "
		    "timeout 600\n", cases[i].engine, cases[i].track);
		env_open(&v, yaml, NULL);
		mk(&a, 0, "198.51.100.1", "10.0.0.1", 6, 80, 9,
		    "Misc activity", ALERT_EST_YES);
		feed(&v, &a);
		mk(&a, 5, "10.0.0.1", "198.51.100.1", 6, 80, 9,
		    "Misc activity", ALERT_EST_YES);
		feed(&v, &a);
		mk(&a, 10, "198.51.100.2", "10.0.0.1", 6, 80, 9,
		    "Misc activity", ALERT_EST_YES);
		feed(&v, &a);
		snprintf(got, sizeof(got), "%s%s",
		    has(&v.got, "contain 10.0.0.1") ? "B" : "",
		    has(&v.got, "contain 198.51.100.2") ? "C" : "");
		if (has(&v.got, "contain 198.51.100.1") ||
		    strcmp(got, cases[i].want) != 0)
			fail_msg("%s %s: got \"%s\" (%d decisions), want "
			    "\"%s\"", cases[i].track, cases[i].engine, got,
			    v.got.n, cases[i].want);
		env_close(&v);
	}
}

static void
test_policy_feed_sensor_thresholds(void **state)
{
	char path[] = "/tmp/redress-test-sensor-XXXXXX", yaml[512];
	struct env v;
	struct alert a;
	FILE *f;
	int fd, i, on;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("event_filter gen_id 1, sig_id 9, type limit, track by_src, "
	    "count 1, seconds 60\n", f);
	fclose(f);
	for (on = 0; on < 2; on++) {
		snprintf(yaml, sizeof(yaml), "policy:\n"
		    "  apply_sensor_thresholds: %s\n"
		    "  sensor_thresholds: %s\n  thresholds:\n"
		    "    - rate_filter gen_id 1, sig_id 9, track by_src, "
		    "count 1, seconds 60, new_action contain, timeout 60\n",
		    on ? "true" : "false", path);
		env_open(&v, yaml, NULL);
		for (i = 0; i < 3; i++) {
			mk(&a, i, "203.0.113.90", "10.0.0.5", 6, 80, 9,
			    "Misc activity", ALERT_EST_YES);
			feed(&v, &a);
		}
		/* Off by default: redress's own rule sees every alert. With
		 * the sensor's limit applied, only the first reaches it. */
		assert_int_equal(has(&v.got, "contain 203.0.113.90"), !on);
		env_close(&v);
	}
	unlink(path);
}

static void
test_policy_feed_ignore_action(void **state)
{
	struct env v;
	struct alert a;

	(void)state;
	env_open(&v, "policy:\n  thresholds:\n"
	    "    - rate_filter classtype web-application-attack, track "
	    "by_rule, count 0, seconds 60, new_action ignore, timeout 60\n"
	    "    - rate_filter kind exploit, track by_src, count 0, "
	    "seconds 60, new_action contain, timeout 600\n", NULL);
	mk(&a, 0, "203.0.113.9", "10.0.0.5", 6, 80, 2010001,
	    "Web Application Attack", ALERT_EST_YES);
	feed(&v, &a);
	assert_int_equal(v.got.n, 0);
	mk(&a, 1, "203.0.113.9", "10.0.0.5", 6, 80, 2010002,
	    "Attempted User Privilege Gain", ALERT_EST_YES);
	feed(&v, &a);
	assert_true(has(&v.got, "contain 203.0.113.9"));
	env_close(&v);
}

/* A fresh path for a database file (mkstemp's, the file removed). */
static void
temp_db(char *db)
{
	int fd = mkstemp(db);

	assert_true(fd >= 0);
	close(fd);
	unlink(db);
}

/* Copies file from to to (the database as a crash would leave it). */
static void
copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out;
	char b[8192];
	size_t n;

	unlink(to);
	if (in == NULL)
		return;		/* no -wal: nothing to copy */
	out = fopen(to, "wb");
	assert_non_null(out);
	while ((n = fread(b, 1, sizeof(b), in)) > 0)
		assert_int_equal(fwrite(b, 1, n, out), n);
	fclose(in);
	assert_int_equal(fclose(out), 0);
}

static void
remove_db(const char *db)
{
	char p[96];

	unlink(db);
	snprintf(p, sizeof(p), "%s-wal", db);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", db);
	unlink(p);
}

/*
 * Checkpoints and commits as the daemon does, then copies the database
 * to db2 as a kill -9 right then would leave it; a transaction is open
 * again afterwards.
 */
static void
commit_and_snapshot(struct env *v, const char *db, const char *db2)
{
	struct err e = { "", 0 };
	char from[96], to[96];

	assert_int_equal(policy_checkpoint(v->pol, &e), 0);
	assert_int_equal(store_commit(v->st, &e), 0);
	copy_file(db, db2);
	snprintf(from, sizeof(from), "%s-wal", db);
	snprintf(to, sizeof(to), "%s-wal", db2);
	copy_file(from, to);
	assert_int_equal(store_begin(v->st, &e), 0);
}

/* Feeds alerts 0..n-1 of one source with sid 1000. */
static void
feed_seq(struct env *v, int from, int to)
{
	struct alert a;
	int i;

	for (i = from; i < to; i++) {
		mk(&a, i * 10, "203.0.113.50", "10.0.0.5", 6, 443, 1000,
		    "Misc activity", ALERT_EST_YES);
		feed(v, &a);
	}
}

static void
test_policy_new_restart_mid_window(void **state)
{
	static const char yaml[] = "policy:\n  thresholds:\n"
	    "    - rate_filter gen_id 1, sig_id 1000, track by_src, count 4, "
	    "seconds 60, new_action contain, timeout 600\n";
	char db[] = "/tmp/redress-test-policy-XXXXXX";
	struct env v;
	struct got straight;

	(void)state;
	env_open(&v, yaml, NULL);
	feed_seq(&v, 0, 6);
	straight = v.got;
	env_close(&v);
	assert_int_equal(straight.n, 1);
	assert_true(has(&straight, "contain 203.0.113.50"));

	temp_db(db);
	env_open(&v, yaml, db);
	feed_seq(&v, 0, 3);
	assert_int_equal(v.got.n, 0);
	env_close(&v);		/* saves the half-reached window */
	env_open(&v, yaml, db);
	feed_seq(&v, 3, 6);
	assert_int_equal(v.got.n, straight.n);
	assert_true(has(&v.got, "contain 203.0.113.50"));
	env_close(&v);
	remove_db(db);
}

struct alerts_of {
	const char	*src;
	int64_t		 alerts;
};

static int
find_src(void *arg, const struct incident_row *r)
{
	struct alerts_of *f = arg;

	if (strcmp(r->src, f->src) == 0)
		f->alerts = r->alerts;
	return 0;
}

static void
test_policy_feed_flood_bounded(void **state)
{
	struct env v;
	struct alert a;
	struct tracker_stats inc, win;
	struct alerts_of f = { "203.0.113.77", 0 };
	struct err e = { "", 0 };
	char src[32];
	int i;

	(void)state;
	env_open(&v, "policy:\n  memcap: 2M\n", NULL);
	for (i = 0; i < 200000; i++) {
		if (i % 20 == 0) {
			mk(&a, i / 1000, "203.0.113.77", "10.0.0.9", 17, 53,
			    1500, "Misc activity", ALERT_EST_UNKNOWN);
		} else {
			snprintf(src, sizeof(src), "100.%d.%d.%d",
			    64 + (i >> 16) % 64, (i >> 8) & 255, i & 255);
			mk(&a, i / 1000, src, "10.0.0.9", 17, 53, 1501,
			    "Misc activity", ALERT_EST_UNKNOWN);
			assert_int_equal(addr_parse(src, &a.src), 0);
			a.src.a[10] = 0xff;
			a.src.a[11] = 0xff;
			a.src.a[12] = (uint8_t)(1 + i % 200);
		}
		feed(&v, &a);
	}
	policy_stats(v.pol, &inc, &win);
	assert_true(inc.bytes <= (2u << 20));
	assert_true(inc.evictions > 100000);
	env_flush(&v, 1, T0);
	assert_int_equal(store_incident_list(v.st, 0, 0, find_src, &f, &e),
	    0);
	assert_int_equal(f.alerts, 10000);	/* the heavy hitter is exact */
	env_close(&v);
}

static void
test_policy_whitelist_defaults(void **state)
{
	const struct whitelist *w = policy_whitelist(NULL);
	struct addr a;

	(void)state;
	assert_non_null(w);
	addr_parse("127.0.0.1", &a);
	assert_true(whitelist_contains(w, &a));
	addr_parse("fe80::1", &a);
	assert_true(whitelist_contains(w, &a));
	addr_parse("239.1.1.1", &a);
	assert_true(whitelist_contains(w, &a));
	addr_parse("192.0.2.1", &a);
	assert_false(whitelist_contains(w, &a));
}

static void
test_policy_conf_errors(void **state)
{
	static const char yaml[] = "policy:\n"
	    "  engine: zeek\n"
	    "  whitelist: [0.0.0.0/0]\n"
	    "  thresholds:\n"
	    "    - threshold gen_id 1, sig_id 1, type limit\n";
	struct diag d;
	struct config *cfg;
	char msg[512];
	size_t i;
	int saw_line5 = 0;

	(void)state;
	diag_init(&d);
	cfg = config_parse("bad.yaml", yaml, strlen(yaml), &d);
	assert_null(cfg);
	assert_true(d.errors >= 3);
	for (i = 0; i < d.n; i++) {
		diag_format(&d, i, msg, sizeof(msg));
		if (strstr(msg, "bad.yaml:5:") && strstr(msg, "missing"))
			saw_line5 = 1;
	}
	assert_true(saw_line5);
	diag_clear(&d);
}

static void
test_policy_new_restart_keeps_incident(void **state)
{
	char db[] = "/tmp/redress-test-policy-XXXXXX";
	struct env v;
	struct alert a;
	int i;

	(void)state;
	temp_db(db);
	/* Three ports before the restart, two after: still one scan. */
	env_open(&v, "", db);
	for (i = 0; i < 3; i++) {
		mk(&a, i, "203.0.113.60", "10.0.0.5", 6, 3000 + i, 2001219,
		    "Attempted Information Leak", ALERT_EST_YES);
		feed(&v, &a);
	}
	assert_int_equal(v.got.n, 0);
	env_close(&v);
	env_open(&v, "", db);
	for (i = 3; i < 5; i++) {
		mk(&a, i, "203.0.113.60", "10.0.0.5", 6, 3000 + i, 2001219,
		    "Attempted Information Leak", ALERT_EST_YES);
		feed(&v, &a);
	}
	assert_true(has(&v.got, "contain 203.0.113.60"));
	assert_true(has(&v.got, "report 203.0.113.60 source"));
	env_close(&v);
	remove_db(db);
}

/*
 * Runs `before` alerts and a commit as the daemon does, takes the
 * database as a kill -9 right then would leave it, and runs `after`
 * alerts on a policy started from that copy. Returns its decisions.
 */
static struct got
crash_between_flush(const char *yaml, int save, const struct alert *al,
    int before, int after, int final)
{
	char db[] = "/tmp/redress-test-policy-XXXXXX";
	char db2[64];
	struct env v;
	struct got g;
	int i;

	temp_db(db);
	snprintf(db2, sizeof(db2), "%s-crash", db);
	env_open(&v, yaml, db);
	policy_save_changes(v.pol, save);
	for (i = 0; i < before; i++)
		feed(&v, &al[i]);
	commit_and_snapshot(&v, db, db2);
	env_close(&v);		/* the process that was "killed" */
	env_open(&v, yaml, db2);
	for (i = before; i < before + after; i++)
		feed(&v, &al[i]);
	if (final)
		env_flush(&v, 1, 0);
	g = v.got;
	env_close(&v);
	remove_db(db);
	remove_db(db2);
	return g;
}

static struct got
crash_between(const char *yaml, int save, const struct alert *al,
    int before, int after)
{
	return crash_between_flush(yaml, save, al, before, after, 0);
}

/*
 * kill -9 after a commit: a rule window and an incident without a row
 * yet, both half reached, continue after the restart as without one.
 */
static void
test_policy_checkpoint_survives_kill(void **state)
{
	static const char yaml[] = "policy:\n  thresholds:\n"
	    "    - rate_filter gen_id 1, sig_id 1000, track by_src, count 4, "
	    "seconds 60, new_action contain, timeout 600\n";
	struct alert al[6];
	struct got g;
	int i;

	(void)state;
	for (i = 0; i < 6; i++)
		mk(&al[i], i * 10, "203.0.113.50", "10.0.0.5", 6, 443, 1000,
		    "Misc activity", ALERT_EST_YES);
	g = crash_between(yaml, 1, al, 3, 3);
	assert_int_equal(g.n, 1);
	assert_true(has(&g, "contain 203.0.113.50"));
	/* Without the checkpoint's state the window starts again. */
	g = crash_between(yaml, 0, al, 3, 3);
	assert_int_equal(g.n, 0);

	/* Five SSH alerts make a brute force: three, kill, then two. */
	for (i = 0; i < 5; i++)
		mk(&al[i], i, "203.0.113.70", "10.0.0.5", 6, 22, 2001219,
		    "Misc activity", ALERT_EST_YES);
	g = crash_between("", 1, al, 3, 2);
	assert_true(has(&g, "contain 203.0.113.70"));
	assert_true(has(&g, "report 203.0.113.70 source"));
	g = crash_between("", 0, al, 3, 2);
	assert_false(has(&g, "contain 203.0.113.70"));
}

/*
 * kill -9 after the commit of a source's only alert: it is counted, its
 * incident goes on and it is not contained or reported a second time.
 */
static void
test_policy_checkpoint_lone_alert_survives_kill(void **state)
{
	struct alert al[2];
	struct got g;
	int i;

	(void)state;
	/* An exploit is contained and reported from its first alert. */
	for (i = 0; i < 2; i++)
		mk(&al[i], i * 10, "203.0.113.90", "10.0.0.5", 6, 80,
		    2010001 + (uint32_t)i, "Web Application Attack",
		    ALERT_EST_YES);
	g = crash_between("", 1, al, 1, 1);
	assert_int_equal(g.n, 0);
	/* One alert, kill, one more: one incident of two alerts. */
	for (i = 0; i < 2; i++)
		mk(&al[i], i * 10, "203.0.113.91", "10.0.0.5", 6, 8080, 1000,
		    "Misc activity", ALERT_EST_YES);
	g = crash_between_flush("", 1, al, 1, 1, 1);
	assert_int_equal(g.nids, 1);
}

static int
count_cb(void *arg, int n, char **v, char **cols)
{
	(void)n;
	(void)cols;
	*(long *)arg = v[0] ? strtol(v[0], NULL, 10) : 0;
	return 0;
}

/* Saved rows of one tag ('I', 'W', 'P'). */
static long
saved_rows(struct env *v, char tag)
{
	char sql[512];
	long n = -1;

	/* The live keys: the latest row of each in the log, or the table's
	 * row of a key the log does not name. */
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM (SELECT key, state "
	    "FROM (SELECT key, state, max(id) FROM policy_log GROUP BY key) "
	    "UNION ALL SELECT key, state FROM policy_window WHERE key NOT IN "
	    "(SELECT key FROM policy_log)) WHERE state IS NOT NULL AND "
	    "hex(substr(key, 2, 1)) = '%02X'", (unsigned)tag);
	assert_int_equal(sqlite3_exec(store_db(v->st), sql, count_cb, &n,
	    NULL), SQLITE_OK);
	return n;
}

/*
 * Under a flood at the memory cap, with every key saved at each commit,
 * the saved state stays what memory holds: windows and incidents evicted
 * leave the store in the same commit.
 */
static void
test_policy_checkpoint_evicted_leave_store(void **state)
{
	static const char yaml[] = "policy:\n  memcap: 1M\n  thresholds:\n"
	    "    - rate_filter gen_id 1, sig_id 1000, track by_src, count 4, "
	    "seconds 60, new_action contain, timeout 600\n";
	char db[] = "/tmp/redress-test-policy-XXXXXX";
	struct tracker_stats inc, win;
	struct env v;
	struct alert a;
	struct err e = { "", 0 };
	char src[32];
	int i;

	(void)state;
	temp_db(db);
	env_open(&v, yaml, db);
	policy_save_changes(v.pol, 1);
	for (i = 0; i < 20000; i++) {
		snprintf(src, sizeof(src), "100.%d.%d.%d", 64 + (i >> 16),
		    (i >> 8) & 255, i & 255);
		mk(&a, i / 100, src, "10.0.0.5", 6, 443, 1000, "Misc activity",
		    ALERT_EST_YES);
		feed(&v, &a);
		if (i % 500 == 499) {
			assert_int_equal(policy_checkpoint(v.pol, &e), 0);
			assert_int_equal(store_commit(v.st, &e), 0);
			assert_int_equal(store_begin(v.st, &e), 0);
		}
	}
	policy_stats(v.pol, &inc, &win);
	assert_true(win.evictions > 0 && inc.evictions > 0);
	assert_true(saved_rows(&v, 'W') <= (long)win.entries);
	assert_true(saved_rows(&v, 'I') <= (long)inc.entries);
	env_close(&v);
	remove_db(db);
}

static long
log_rows(struct env *v)
{
	long n = -1;

	assert_int_equal(sqlite3_exec(store_db(v->st),
	    "SELECT count(*) FROM policy_log", count_cb, &n, NULL), SQLITE_OK);
	return n;
}

/*
 * Sources that alert in every commit are saved in every commit: the
 * store's policy log is trimmed as it goes (within twice the keys held
 * and some slack, not a row per save), and a kill -9 after any commit
 * still loads every key memory held.
 */
static void
test_policy_checkpoint_log_trimmed(void **state)
{
	char db[] = "/tmp/redress-test-policy-XXXXXX", db2[64];
	struct tracker_stats inc, win, inc2, win2;
	struct env v;
	struct alert a;
	struct err e = { "", 0 };
	char src[32];
	long held;
	int i;

	(void)state;
	temp_db(db);
	snprintf(db2, sizeof(db2), "%s-crash", db);
	env_open(&v, "", db);
	policy_save_changes(v.pol, 1);
	for (i = 0; i < 20000; i++) {
		snprintf(src, sizeof(src), "198.51.100.%d", i % 40);
		mk(&a, i / 40, src, "10.0.0.5", 6, 8080, 1000,
		    "Misc activity", ALERT_EST_YES);
		feed(&v, &a);
		if (i % 40 == 39) {
			assert_int_equal(policy_checkpoint(v.pol, &e), 0);
			assert_int_equal(store_commit(v.st, &e), 0);
			assert_int_equal(store_begin(v.st, &e), 0);
		}
	}
	policy_stats(v.pol, &inc, &win);
	held = (long)(inc.entries + win.entries);
	/* 500 commits of 40 sources: over 20,000 saves without trimming. */
	assert_true(log_rows(&v) <= 2 * held + 4096 + 200);
	assert_int_equal(saved_rows(&v, 'I'), (long)inc.entries);
	commit_and_snapshot(&v, db, db2);
	env_close(&v);
	env_open(&v, "", db2);
	policy_stats(v.pol, &inc2, &win2);
	assert_int_equal(inc2.entries, inc.entries);
	assert_int_equal(win2.entries, win.entries);
	env_close(&v);
	remove_db(db);
	remove_db(db2);
}

/*
 * Incidents close on event time: a source back after more than
 * incident_timeout starts a new incident whether or not a flush ran in
 * between; alerts 10 s apart stay one incident however old they are. The
 * clock is the latest event time, goes on with wall time when the inputs
 * are idle, and is saved with the state.
 */
static void
test_policy_feed_closes_on_event_time(void **state)
{
	static const int sec[] = { 0, 10, 20, 7200, 7210 };
	char db[] = "/tmp/redress-test-policy-XXXXXX", db2[64];
	struct env v;
	struct alert a;
	int64_t c;
	size_t i;

	(void)state;
	env_open(&v, "", NULL);
	for (i = 0; i < sizeof(sec) / sizeof(sec[0]); i++) {
		mk(&a, sec[i], "203.0.113.95", "10.0.0.5", 6, 8080, 1000,
		    "Misc activity", ALERT_EST_YES);
		feed(&v, &a);
	}
	assert_int_equal(v.got.nids, 1);	/* the first one closed */
	assert_true(policy_clock(v.pol) == T0 + 7210LL * 1000000);
	env_flush(&v, 0, policy_clock(v.pol));
	assert_int_equal(v.got.nids, 1);	/* the second is open */
	/* An hour and more of quiet on the wall clock closes it. */
	policy_clock_idle(v.pol, store_now_usec());	/* caught up */
	assert_true(policy_clock(v.pol) == T0 + 7210LL * 1000000);
	policy_clock_idle(v.pol, store_now_usec() + 3601LL * 1000000);
	assert_true(policy_clock(v.pol) > T0 + (7210LL + 3600) * 1000000);
	c = policy_clock(v.pol);
	policy_clock_idle(v.pol, store_now_usec() - 10LL * 1000000);
	assert_true(policy_clock(v.pol) == c);	/* never backwards */
	env_flush(&v, 0, policy_clock(v.pol));
	assert_int_equal(v.got.nids, 2);
	env_close(&v);

	/* The clock survives a kill -9 after a commit. */
	temp_db(db);
	snprintf(db2, sizeof(db2), "%s-crash", db);
	env_open(&v, "", db);
	policy_save_changes(v.pol, 1);
	mk(&a, 42, "203.0.113.96", "10.0.0.5", 6, 8080, 1000,
	    "Misc activity", ALERT_EST_YES);
	feed(&v, &a);
	commit_and_snapshot(&v, db, db2);
	env_close(&v);
	env_open(&v, "", db2);
	assert_true(policy_clock(v.pol) == T0 + 42LL * 1000000);
	env_close(&v);
	remove_db(db);
	remove_db(db2);
}

/*
 * A reload that moves a rule in the file: its half-reached window follows
 * it, and is not taken over by the rule now at its old place; a rule
 * whose definition changed starts a new window.
 */
static void
test_policy_new_window_follows_rule(void **state)
{
	static const char a[] = "policy:\n  thresholds:\n"
	    "    - rate_filter gen_id 1, sig_id 1000, track by_src, count 4, "
	    "seconds 60, new_action contain, timeout 600\n";
	static const char moved[] = "policy:\n  thresholds:\n"
	    "    - rate_filter gen_id 1, sig_id 1000, track by_src, count 10, "
	    "seconds 60, new_action contain, timeout 600\n"
	    "    - rate_filter gen_id 1, sig_id 1000, track by_src, count 4, "
	    "seconds 60, new_action contain, timeout 600\n";
	static const char changed[] = "policy:\n  thresholds:\n"
	    "    - rate_filter gen_id 1, sig_id 1000, track by_src, count 4, "
	    "seconds 120, new_action contain, timeout 600\n";
	char db[] = "/tmp/redress-test-policy-XXXXXX";
	struct env v;

	(void)state;
	temp_db(db);
	env_open(&v, a, db);
	feed_seq(&v, 0, 3);
	env_close(&v);
	env_open(&v, moved, db);
	feed_seq(&v, 3, 5);	/* the fifth alert of the count-4 rule */
	assert_int_equal(v.got.n, 1);
	assert_true(has(&v.got, "contain 203.0.113.50"));
	env_close(&v);
	remove_db(db);

	env_open(&v, a, db);
	feed_seq(&v, 0, 3);
	env_close(&v);
	env_open(&v, changed, db);
	feed_seq(&v, 3, 5);	/* two alerts of a new window */
	assert_int_equal(v.got.n, 0);
	env_close(&v);
	remove_db(db);
}

/* An incident closed after its state was saved is not brought back. */
static void
test_policy_checkpoint_forgets_closed(void **state)
{
	char db[] = "/tmp/redress-test-policy-XXXXXX", db2[64];
	struct tracker_stats inc, win;
	struct env v;
	struct alert a;
	struct err e = { "", 0 };
	int i;

	(void)state;
	temp_db(db);
	snprintf(db2, sizeof(db2), "%s-crash", db);
	env_open(&v, "", db);
	policy_save_changes(v.pol, 1);
	for (i = 0; i < 2; i++) {
		mk(&a, i, "203.0.113.80", "10.0.0.5", 6, 8080, 2000001,
		    "Misc activity", ALERT_EST_YES);
		feed(&v, &a);
	}
	assert_int_equal(policy_checkpoint(v.pol, &e), 0);
	assert_int_equal(store_commit(v.st, &e), 0);
	assert_int_equal(store_begin(v.st, &e), 0);
	env_flush(&v, 0, T0 + 86400LL * 1000000);	/* it closes */
	commit_and_snapshot(&v, db, db2);
	env_close(&v);
	env_open(&v, "", db2);
	policy_stats(v.pol, &inc, &win);
	assert_int_equal(inc.entries, 0);
	env_close(&v);
	remove_db(db);
	remove_db(db2);
}

static void
test_policy_flush_probes_of_dos_target(void **state)
{
	struct env v;
	struct alert a;
	char src[32];
	int i;

	(void)state;
	env_open(&v, "", NULL);
	for (i = 0; i < 300; i++) {
		snprintf(src, sizeof(src), "100.%d.%d.%d", 64 + i % 50,
		    i / 50, 1 + i % 200);
		if (i % 2)
			mk(&a, i / 100, src, "10.0.0.80", 6, 80, 2200001,
			    "Attempted Denial of Service", ALERT_EST_YES);
		else
			mk(&a, i / 100, src, "10.0.0.80", 6, 1433, 2010966,
			    "Potentially Bad Traffic", ALERT_EST_YES);
		feed(&v, &a);
	}
	env_flush(&v, 1, T0);
	/* The DoS goes upstream; its one-off probes are not reported. */
	assert_true(has(&v.got, "report 10.0.0.80 upstream"));
	assert_int_equal(v.got.n, 1);
	env_close(&v);
}

static void
test_policy_conf_whitelist_file(void **state)
{
	char path[] = "/tmp/redress-test-wl-XXXXXX", yaml[256], msg[512];
	struct diag d;
	struct config *cfg;
	struct addr a;
	FILE *f;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("# partners\n198.51.100.0/24\n\n2001:db8:1::/48 \n", f);
	fclose(f);
	snprintf(yaml, sizeof(yaml), "policy:\n  whitelist_files: [%s]\n",
	    path);
	diag_init(&d);
	cfg = config_parse("wl.yaml", yaml, strlen(yaml), &d);
	assert_non_null(cfg);
	addr_parse("198.51.100.9", &a);
	assert_true(whitelist_contains(policy_whitelist(cfg), &a));
	addr_parse("2001:db8:1:2::3", &a);
	assert_true(whitelist_contains(policy_whitelist(cfg), &a));
	config_free(cfg);
	diag_clear(&d);
	/* A /0 or garbage line is an error naming file:line. */
	f = fopen(path, "w");
	fputs("192.0.2.0/24\n0.0.0.0/0\nnot-an-address\n", f);
	fclose(f);
	diag_init(&d);
	cfg = config_parse("wl.yaml", yaml, strlen(yaml), &d);
	assert_null(cfg);
	assert_int_equal(d.errors, 2);
	diag_format(&d, 0, msg, sizeof(msg));
	assert_non_null(strstr(msg, ":2:"));
	assert_non_null(strstr(msg, "/0"));
	diag_clear(&d);
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_feed_exploit_default),
		cmocka_unit_test(test_policy_feed_unestablished_not_reported),
		cmocka_unit_test(test_policy_feed_private_and_whitelist),
		cmocka_unit_test(test_policy_flush_probe_defaults),
		cmocka_unit_test(test_policy_feed_scan_sweep_bruteforce),
		cmocka_unit_test(test_policy_feed_classification_rows),
		cmocka_unit_test(test_policy_feed_dos_upstream),
		cmocka_unit_test(test_policy_feed_compromise_internal),
		cmocka_unit_test(test_policy_feed_widening),
		cmocka_unit_test(test_policy_feed_suppress_and_tracks),
		cmocka_unit_test(test_policy_feed_tracks_both_engines),
		cmocka_unit_test(test_policy_feed_sensor_thresholds),
		cmocka_unit_test(test_policy_feed_ignore_action),
		cmocka_unit_test(test_policy_new_restart_mid_window),
		cmocka_unit_test(test_policy_new_restart_keeps_incident),
		cmocka_unit_test(test_policy_checkpoint_survives_kill),
		cmocka_unit_test(test_policy_checkpoint_forgets_closed),
		cmocka_unit_test(test_policy_checkpoint_lone_alert_survives_kill),
		cmocka_unit_test(test_policy_feed_closes_on_event_time),
		cmocka_unit_test(test_policy_checkpoint_evicted_leave_store),
		cmocka_unit_test(test_policy_checkpoint_log_trimmed),
		cmocka_unit_test(test_policy_new_window_follows_rule),
		cmocka_unit_test(test_policy_flush_probes_of_dos_target),
		cmocka_unit_test(test_policy_conf_whitelist_file),
		cmocka_unit_test(test_policy_feed_flood_bounded),
		cmocka_unit_test(test_policy_whitelist_defaults),
		cmocka_unit_test(test_policy_conf_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
