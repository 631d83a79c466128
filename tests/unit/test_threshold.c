/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the threshold semantics: each type in both engine modes,
 * the window edge, Snort's window restart and `both` count 1 quirk,
 * rate_filter timeouts and suppress matching.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "threshold.h"

/* Runs events at the given seconds; returns "1"/"0" per event. */
static const char *
run(const char *line, enum thr_engine eng, int rate, const int *t, size_t n)
{
	static char out[64];
	struct thr_rule r;
	struct thr_state st;
	struct err e = { "", 0 };
	size_t i;
	int v;

	assert_int_equal(thr_parse_line(line, &r, &e), 1);
	memset(&st, 0, sizeof(st));
	for (i = 0; i < n; i++) {
		int64_t now = 1700000000LL * 1000000 + (int64_t)t[i] * 1000000;

		v = rate ? thr_rate(&r, eng, &st, i == 0, now) :
		    thr_filter(&r, eng, &st, i == 0, now);
		out[i] = v ? '1' : '0';
	}
	out[n] = '\0';
	thr_rule_free(&r);
	return out;
}

#define N(a)	(sizeof(a) / sizeof((a)[0]))
#define SUR	THR_ENGINE_SURICATA
#define SNO	THR_ENGINE_SNORT

static void
test_thr_filter_limit_window_edge(void **state)
{
	static const int t[] = { 0, 1, 2, 10, 11 };
	const char *l = "event_filter gen_id 1, sig_id 1, type limit, "
	    "track by_src, count 2, seconds 10";

	(void)state;
	/* Suricata: t0+seconds is still inside; Snort: expired. */
	assert_string_equal(run(l, SUR, 0, t, N(t)), "11001");
	assert_string_equal(run(l, SNO, 0, t, N(t)), "11011");
}

static void
test_thr_filter_threshold_restart(void **state)
{
	static const int t[] = { 0, 8, 9, 12, 13, 19, 20 };
	static const int t2[] = { 0, 1, 2, 3, 4, 5, 10, 11 };
	const char *l = "threshold gen_id 1, sig_id 1, type threshold, "
	    "track by_dst, count 3, seconds 10";

	(void)state;
	/* Snort restarts the window at the alert, Suricata keeps t0. */
	assert_string_equal(run(l, SUR, 0, t, N(t)), "0010010");
	assert_string_equal(run(l, SNO, 0, t, N(t)), "0010000");
	assert_string_equal(run(l, SUR, 0, t2, N(t2)), "00100100");
	assert_string_equal(run(l, SNO, 0, t2, N(t2)), "00100100");
}

static void
test_thr_filter_threshold_count1(void **state)
{
	static const int t[] = { 0, 1, 30, 31 };
	const char *l = "threshold gen_id 1, sig_id 1, type threshold, "
	    "track by_src, count 1, seconds 10";

	(void)state;
	assert_string_equal(run(l, SUR, 0, t, N(t)), "1111");
	assert_string_equal(run(l, SNO, 0, t, N(t)), "1111");
}

static void
test_thr_filter_both_count1_quirk(void **state)
{
	static const int t[] = { 0, 1, 11, 12, 25 };
	const char *l = "event_filter gen_id 1, sig_id 1, type both, "
	    "track by_src, count 1, seconds 10";

	(void)state;
	assert_string_equal(run(l, SUR, 0, t, N(t)), "10101");
	/* Snort: only the tracker's very first event. */
	assert_string_equal(run(l, SNO, 0, t, N(t)), "10000");
}

static void
test_thr_filter_both_count2(void **state)
{
	static const int t[] = { 0, 1, 2, 11, 12 };
	static const int edge[] = { 0, 10, 11 };
	const char *l = "event_filter gen_id 1, sig_id 1, type both, "
	    "track by_src, count 2, seconds 10";

	(void)state;
	assert_string_equal(run(l, SUR, 0, t, N(t)), "01001");
	assert_string_equal(run(l, SNO, 0, t, N(t)), "01001");
	/* At exactly t0+seconds: Suricata still counts, Snort resets. */
	assert_string_equal(run(l, SUR, 0, edge, N(edge)), "010");
	assert_string_equal(run(l, SNO, 0, edge, N(edge)), "001");
}

/*
 * docs/policy.md "rate_filter": count 2, seconds 10, timeout 5, events at
 * 0 1 2 3 7 8 9 10 s. Suricata (ThresholdCheckUpdate, TYPE_RATE): the new
 * action from the 3rd event (2 s) while secs(now) - 2 <= 5, so 7 s still
 * has it; 8 s ends it with the old action, window and count kept, so 9 s
 * (still in the window of 0 s, count 4) re-triggers at once. Snort: the
 * action for [2, 7) s, then a fresh window from 7 s.
 */
static void
test_thr_rate_timeout(void **state)
{
	static const int t[] = { 0, 1, 2, 3, 7, 8, 9, 10 };
	static const int later[] = { 0, 1, 2, 8, 11, 12, 13 };
	static const int edge[] = { 0, 10, 11 };
	const char *l = "rate_filter gen_id 1, sig_id 1, track by_src, "
	    "count 2, seconds 10, new_action contain, timeout 5";
	const char *f = "rate_filter gen_id 1, sig_id 1, track by_rule, "
	    "count 1, seconds 10, new_action report, timeout 0";

	(void)state;
	assert_string_equal(run(l, SUR, 1, t, N(t)), "00111011");
	assert_string_equal(run(l, SNO, 1, t, N(t)), "00110011");
	/* Suricata: past the old window a new one starts at 11 s. */
	assert_string_equal(run(l, SUR, 1, later, N(later)), "0010001");
	/* timeout 0: Suricata ends it the next second; Snort never. */
	assert_string_equal(run(f, SUR, 1, edge, N(edge)), "010");
	assert_string_equal(run(f, SNO, 1, edge, N(edge)), "001");
}

/* Suricata compares whole seconds: started at 2.9 s, 7.95 s is 5 later. */
static void
test_thr_rate_timeout_whole_seconds(void **state)
{
	static const int64_t ms[] = { 0, 1000, 2900, 7950, 8000 };
	struct thr_rule r;
	struct thr_state st;
	struct err e = { "", 0 };
	char out[8];
	size_t i;

	(void)state;
	assert_int_equal(thr_parse_line("rate_filter gen_id 1, sig_id 1, "
	    "track by_src, count 2, seconds 10, new_action drop, timeout 5",
	    &r, &e), 1);
	memset(&st, 0, sizeof(st));
	for (i = 0; i < N(ms); i++)
		out[i] = thr_rate(&r, SUR, &st, i == 0,
		    1700000000LL * 1000000 + ms[i] * 1000) ? '1' : '0';
	out[i] = '\0';
	assert_string_equal(out, "00110");
	thr_rule_free(&r);
}

/*
 * docs/policy.md "backoff": count 3, multiplier 2 alerts at the 3rd, 6th,
 * 12th and 24th event; count 1, multiplier 10 at the 1st, 10th, 100th.
 * suricata-verify threshold-rule-flow-backoff-single-flow: 6676 matching
 * packets of one flow give 13, 12 and 5 alerts for (1, 2), (3, 2), (5, 5).
 */
static int
backoff_alerts(uint32_t count, uint32_t mult, int n, char *first, size_t len)
{
	struct thr_rule r;
	struct thr_state st;
	struct err e = { "", 0 };
	char line[160];
	int i, alerts = 0;
	size_t o = 0;

	snprintf(line, sizeof(line), "threshold gen_id 1, sig_id 1, type "
	    "backoff, track by_flow, count %u, multiplier %u", count, mult);
	assert_int_equal(thr_parse_line(line, &r, &e), 1);
	memset(&st, 0, sizeof(st));
	for (i = 0; i < n; i++)
		if (thr_filter(&r, SUR, &st, i == 0, (int64_t)i * 1000)) {
			alerts++;
			if (first != NULL && o + 8 < len)
				o += (size_t)snprintf(first + o, len - o, "%s%d",
				    o ? " " : "", i + 1);
		}
	thr_rule_free(&r);
	return alerts;
}

static void
test_thr_filter_backoff(void **state)
{
	char at[64] = "";

	(void)state;
	assert_int_equal(backoff_alerts(3, 2, 25, at, sizeof(at)), 4);
	assert_string_equal(at, "3 6 12 24");
	at[0] = '\0';
	assert_int_equal(backoff_alerts(1, 10, 150, at, sizeof(at)), 3);
	assert_string_equal(at, "1 10 100");
	assert_int_equal(backoff_alerts(1, 2, 6676, NULL, 0), 13);
	assert_int_equal(backoff_alerts(3, 2, 6676, NULL, 0), 12);
	assert_int_equal(backoff_alerts(5, 5, 6676, NULL, 0), 5);
}

/*
 * A rate_filter of count 0 applies to every event, in both engines,
 * whatever the seconds, timeout and spacing: the policy relies on this
 * to keep no window for such rules.
 */
static void
test_thr_rate_count0_always(void **state)
{
	struct thr_rule r;
	struct thr_state st;
	struct err e = { "", 0 };
	char line[200];
	uint32_t rng = 12345;
	int64_t now;
	unsigned sec, to, k;
	int eng, i;

	(void)state;
	for (k = 0; k < 200; k++) {
		rng = rng * 1103515245u + 12345u;
		sec = 1 + (rng >> 8) % 20;
		rng = rng * 1103515245u + 12345u;
		to = (rng >> 8) % 20;
		snprintf(line, sizeof(line), "rate_filter gen_id 1, sig_id 1, "
		    "track by_src, count 0, seconds %u, new_action contain, "
		    "timeout %u", sec, to);
		assert_int_equal(thr_parse_line(line, &r, &e), 1);
		for (eng = 0; eng < 2; eng++) {
			memset(&st, 0, sizeof(st));
			now = 1700000000LL * 1000000;
			for (i = 0; i < 100; i++) {
				rng = rng * 1103515245u + 12345u;
				now += (int64_t)((rng >> 8) % 15000) * 1000;
				assert_true(thr_rate(&r, eng ? SNO : SUR, &st,
				    i == 0, now));
			}
		}
		thr_rule_free(&r);
	}
}

/*
 * docs/policy.md "detection_filter" (count 2, seconds 10): events past
 * the 2nd of a window pass, at 0 1 2 3 11 12 13 s `0011001` (Suricata:
 * 10 s is inside, 11 s starts a window). unique_on dst_port, count 1:
 * ports 80 80 81 81 pass `0011` (the 2nd distinct port passes, and so do
 * later events while the count stays above).
 */
static void
test_thr_detection(void **state)
{
	static const int t[] = { 0, 1, 2, 3, 11, 12, 13 };
	static const int port[] = { 80, 80, 81, 81 };
	struct thr_rule r;
	struct thr_state st;
	struct err e = { "", 0 };
	int64_t seen[2] = { 0, 0 };
	char out[16];
	size_t i;

	(void)state;
	assert_int_equal(thr_parse_line("detection_filter gen_id 1, sig_id 1, "
	    "track by_src, count 2, seconds 10", &r, &e), 1);
	memset(&st, 0, sizeof(st));
	for (i = 0; i < N(t); i++)
		out[i] = thr_detection(&r, SUR, &st, i == 0,
		    (int64_t)t[i] * 1000000, NULL) ? '1' : '0';
	out[i] = '\0';
	assert_string_equal(out, "0011001");
	thr_rule_free(&r);
	assert_int_equal(thr_parse_line("detection_filter gen_id 1, sig_id 1, "
	    "track by_dst, count 1, seconds 60, unique_on dst_port", &r, &e),
	    1);
	assert_int_equal(r.unique_on, THR_UNIQUE_DST_PORT);
	memset(&st, 0, sizeof(st));
	for (i = 0; i < N(port); i++)
		out[i] = thr_detection(&r, SUR, &st, i == 0,
		    (int64_t)i * 1000000, &seen[port[i] - 80]) ? '1' : '0';
	out[i] = '\0';
	assert_string_equal(out, "0011");
	thr_rule_free(&r);
}

static void
test_thr_suppressed_tracks(void **state)
{
	struct thr_rule r;
	struct err e = { "", 0 };
	struct addr a, b, c;

	(void)state;
	addr_parse("192.0.2.7", &a);
	addr_parse("198.51.100.1", &b);
	addr_parse("203.0.113.5", &c);
	assert_int_equal(thr_parse_line("suppress gen_id 1, sig_id 5, track "
	    "by_src, ip [192.0.2.0/24, 2001:db8::/32]", &r, &e), 1);
	assert_true(thr_suppressed(&r, &a, &b));
	assert_false(thr_suppressed(&r, &b, &a));
	thr_rule_free(&r);
	assert_int_equal(thr_parse_line("suppress gen_id 1, sig_id 5, track "
	    "by_dst, ip 192.0.2.7", &r, &e), 1);
	assert_true(thr_suppressed(&r, &b, &a));
	assert_false(thr_suppressed(&r, &a, &b));
	thr_rule_free(&r);
	assert_int_equal(thr_parse_line("suppress gen_id 1, sig_id 5, track "
	    "by_either, ip 192.0.2.7", &r, &e), 1);
	assert_true(thr_suppressed(&r, &b, &a));
	assert_true(thr_suppressed(&r, &a, &b));
	assert_false(thr_suppressed(&r, &b, &c));
	thr_rule_free(&r);
	/* Without track: the rule never alerts. */
	assert_int_equal(thr_parse_line("suppress gen_id 1, sig_id 5", &r,
	    &e), 1);
	assert_true(thr_suppressed(&r, &b, &c));
	assert_true(thr_selects_sid(&r, 1, 5));
	assert_false(thr_selects_sid(&r, 1, 6));
	thr_rule_free(&r);
}

static void
test_thr_selects_sid_global(void **state)
{
	struct thr_rule r;
	struct err e = { "", 0 };

	(void)state;
	assert_int_equal(thr_parse_line("event_filter gen_id 0, sig_id 0, "
	    "type limit, track by_src, count 1, seconds 60", &r, &e), 1);
	assert_true(thr_selects_sid(&r, 1, 2001219));
	assert_true(thr_selects_sid(&r, 116, 3));
	thr_rule_free(&r);
	assert_int_equal(thr_parse_line("event_filter gen_id 1, sig_id 0, "
	    "type limit, track by_src, count 1, seconds 60", &r, &e), 1);
	assert_true(thr_selects_sid(&r, 1, 2001219));
	assert_false(thr_selects_sid(&r, 116, 3));
	thr_rule_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_thr_filter_limit_window_edge),
		cmocka_unit_test(test_thr_filter_threshold_restart),
		cmocka_unit_test(test_thr_filter_threshold_count1),
		cmocka_unit_test(test_thr_filter_both_count1_quirk),
		cmocka_unit_test(test_thr_filter_both_count2),
		cmocka_unit_test(test_thr_rate_timeout),
		cmocka_unit_test(test_thr_rate_timeout_whole_seconds),
		cmocka_unit_test(test_thr_filter_backoff),
		cmocka_unit_test(test_thr_detection),
		cmocka_unit_test(test_thr_rate_count0_always),
		cmocka_unit_test(test_thr_suppressed_tracks),
		cmocka_unit_test(test_thr_selects_sid_global),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
