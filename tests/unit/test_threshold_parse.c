/* SPDX-License-Identifier: MIT */
/* Unit tests of the threshold.config line parser and its file:line errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "threshold_parse.h"

static void
bad(const char *line, const char *want)
{
	struct thr_rule r;
	struct err e = { "", 0 };

	assert_int_equal(thr_parse_line(line, &r, &e), -1);
	if (strstr(e.msg, want) == NULL)
		fail_msg("\"%s\": got \"%s\", want \"%s\"", line, e.msg, want);
}

static void
test_thr_parse_line_every_field(void **state)
{
	struct thr_rule r;
	struct err e = { "", 0 };

	(void)state;
	assert_int_equal(thr_parse_line("threshold gen_id 1, sig_id 2001219,"
	    " type both, track by_dst, count 5, seconds 60", &r, &e), 1);
	assert_int_equal(r.dir, THR_THRESHOLD);
	assert_int_equal(r.gid, 1);
	assert_int_equal(r.sid, 2001219);
	assert_int_equal(r.type, THR_TYPE_BOTH);
	assert_int_equal(r.track, THR_TRACK_BY_DST);
	assert_int_equal(r.count, 5);
	assert_int_equal(r.seconds, 60);
	thr_rule_free(&r);
	assert_int_equal(thr_parse_line("  rate_filter gen_id 135, sig_id 1, "
	    "track by_src, count 100, seconds 0, new_action drop, timeout 10,"
	    " apply_to [10.1.1.0/24, 2001:db8::/32]", &r, &e), 1);
	assert_int_equal(r.dir, THR_RATE_FILTER);
	assert_int_equal(r.new_action, THR_ACT_DROP);
	assert_int_equal(r.timeout, 10);
	assert_int_equal(r.nips, 2);
	thr_rule_free(&r);
	assert_int_equal(thr_parse_line("rate_filter kind scan, track by_src,"
	    " count 0, seconds 600, new_action contain, timeout 3600", &r, &e),
	    1);
	assert_int_equal(r.sel, THR_SEL_KIND);
	assert_string_equal(r.name, "scan");
	assert_int_equal(r.new_action, THR_ACT_CONTAIN);
	thr_rule_free(&r);
	assert_int_equal(thr_parse_line("event_filter classtype "
	    "attempted-admin, type limit, track by_both, count 1, seconds 60",
	    &r, &e), 1);
	assert_int_equal(r.sel, THR_SEL_CLASSTYPE);
	assert_int_equal(r.track, THR_TRACK_BY_BOTH);
	thr_rule_free(&r);
	assert_int_equal(thr_parse_line("suppress gen_id 1, sig_id 2, track "
	    "by_either, ip 192.0.2.1", &r, &e), 1);
	assert_int_equal(r.track, THR_TRACK_BY_EITHER);
	thr_rule_free(&r);
	assert_int_equal(thr_parse_line("   # comment", &r, &e), 0);
	assert_int_equal(thr_parse_line("", &r, &e), 0);
}

static void
test_thr_parse_line_errors(void **state)
{
	(void)state;
	bad("thresh gen_id 1, sig_id 1", "unknown directive");
	bad("threshold gen_id 1, sig_id 1, type limit, track by_src, "
	    "count 1", "seconds missing");
	bad("threshold gen_id 1, sig_id 1, type limit, track by_src, "
	    "seconds 1", "count missing");
	bad("threshold sig_id 1, type limit, track by_src, count 1, "
	    "seconds 1", "gen_id missing");
	bad("threshold gen_id 0, sig_id 5, type limit, track by_src, "
	    "count 1, seconds 1", "with gen_id 0");
	bad("threshold gen_id 1, sig_id 1, type limit, track by_src, "
	    "count 0, seconds 1", "count must be nonzero");
	bad("threshold gen_id 1, sig_id 1, type limit, track by_src, "
	    "count 1, seconds 0", "seconds must be nonzero");
	bad("threshold gen_id 1, sig_id 1, type maybe, track by_src, "
	    "count 1, seconds 1", "type \"maybe\"");
	bad("threshold gen_id 1, sig_id 1, type limit, track by_host, "
	    "count 1, seconds 1", "track \"by_host\"");
	bad("threshold gen_id 1, sig_id 1, type limit, track by_either, "
	    "count 1, seconds 1", "by_either is for suppress");
	bad("threshold gen_id 1, sig_id 1, type limit, type both, "
	    "track by_src, count 1, seconds 1", "type given twice");
	bad("threshold gen_id 1, sig_id x1, type limit, track by_src, "
	    "count 1, seconds 1", "sig_id \"x1\"");
	bad("threshold gen_id 1, sig_id 1, type limit, track by_src, "
	    "count 99999999999, seconds 1", "count");
	bad("suppress gen_id 1, sig_id 1, track by_src", "track without ip");
	bad("suppress gen_id 1, sig_id 1, ip 1.2.3.4", "ip without track");
	bad("suppress gen_id 1, sig_id 1, track by_src, ip $HOME_NET",
	    "address variables need a suricata.yaml");
	bad("threshold gen_id 1, sig_id 1, type backoff, track by_flow, "
	    "count 1, seconds 10", "needs multiplier");
	bad("threshold gen_id 1, sig_id 1, type backoff, track by_flow, "
	    "count 1, multiplier 1", "must be 2-65535");
	bad("threshold gen_id 1, sig_id 1, type backoff, track by_flow, "
	    "count 0, multiplier 2", "must be 1-65535");
	bad("threshold gen_id 1, sig_id 1, type backoff, track by_flow, "
	    "count 1, multiplier 2, seconds 5", "takes no seconds");
	bad("threshold gen_id 1, sig_id 1, type limit, track by_flow, "
	    "count 1, seconds 5, multiplier 2", "is for type backoff");
	bad("suppress gen_id 1, sig_id 1, track by_src, ip 1.2.3.400",
	    "not an address");
	bad("suppress gen_id 1, sig_id 1, track by_src, ip [1.2.3.4",
	    "missing ']'");
	bad("suppress gen_id 1, sig_id 1, track by_rule, ip 1.2.3.4",
	    "by_src, by_dst or by_either");
	bad("rate_filter gen_id 1, sig_id 1, track by_src, count 1, "
	    "seconds 0, new_action drop, timeout 1", "only for gen_id 135");
	bad("rate_filter gen_id 1, sig_id 1, track by_src, count 1, "
	    "seconds 1, new_action explode, timeout 1", "new_action");
	bad("rate_filter gen_id 1, sig_id 1, track by_src, count 1, "
	    "seconds 1, new_action drop", "timeout missing");
	bad("rate_filter kind bogus, track by_src, count 1, seconds 1, "
	    "new_action report, timeout 0", "kind \"bogus\"");
	bad("rate_filter kind scan, gen_id 1, track by_src, count 1, "
	    "seconds 1, new_action report, timeout 0", "cannot be combined");
	bad("event_filter gen_id 1, sig_id 1, type limit, track by_src, "
	    "count 1, seconds 1, colour red", "unknown field");
}

static void
test_thr_parse_buf_lines_and_continuations(void **state)
{
	static const char buf[] =
	    "# redress thresholds\n"
	    "\n"
	    "threshold gen_id 1, sig_id 10, type limit, \\\n"
	    "   track by_src, count 1, seconds 60\n"
	    "suppress gen_id 1, sig_id 11, track by_dst, ip 10.0.0.0/8\r\n"
	    "threshold gen_id 1, sig_id 12, type limit\n"
	    "bogus line\n"
	    "rate_filter gen_id 1, sig_id 13, track by_rule, count 3, "
	    "seconds 5, new_action report, timeout 0\n";
	struct thr_set s = { 0 };
	struct diag d;
	char msg[512];

	(void)state;
	diag_init(&d);
	assert_int_equal(thr_parse_buf("t.config", buf, sizeof(buf) - 1, &s,
	    &d), 2);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.v[0].sid, 10);
	assert_int_equal(s.v[0].line, 3);
	assert_int_equal(s.v[1].line, 5);
	assert_int_equal(s.v[2].line, 8);
	assert_int_equal(d.n, 2);
	diag_format(&d, 0, msg, sizeof(msg));
	assert_non_null(strstr(msg, "t.config:6"));
	assert_non_null(strstr(msg, "type missing") ? msg :
	    strstr(msg, "missing"));
	diag_format(&d, 1, msg, sizeof(msg));
	assert_non_null(strstr(msg, "t.config:7"));
	assert_non_null(strstr(msg, "unknown directive"));
	thr_set_free(&s);
	diag_clear(&d);
}

/*
 * docs/policy.md "address variables": a suricata.yaml with an include:
 * (suricata-verify issue-4407) gives $SUPPRESS as nested groups.
 */
static void
test_thr_vars_from_suricata_yaml(void **state)
{
	char dir[] = "/tmp/redress-thrvars.XXXXXX", p1[96], p2[96];
	struct thr_vars v = { 0 };
	struct thr_rule r;
	struct err e = { "", 0 };
	struct diag d;
	struct addr a;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(p1, sizeof(p1), "%s/suricata.yaml", dir);
	snprintf(p2, sizeof(p2), "%s/more.yaml", dir);
	f = fopen(p1, "w");
	fputs("%YAML 1.1\n---\nvars:\n  address-groups:\n"
	    "    HOME_NET: \"[192.168.0.0/16,10.0.0.0/8]\"\n"
	    "    include: more.yaml\n  port-groups:\n"
	    "    HTTP_PORTS: \"80\"\n", f);
	fclose(f);
	f = fopen(p2, "w");
	fputs("%YAML 1.1\n---\nA: \"[1.0.0.0,1.0.0.1]\"\n"
	    "B: \"[FE80:0000:0000:0000:0202:B3FF:FE1E:8328, 2001:db8::/32]\"\n"
	    "SUPPRESS: \"[$A,$B, [$HOME_NET]]\"\nLOOP: \"[$LOOP]\"\n", f);
	fclose(f);
	diag_init(&d);
	assert_int_equal(thr_vars_load(p1, &v, &d), 0);
	assert_int_equal(d.errors, 0);
	assert_string_equal(thr_vars_get(&v, "HOME_NET"),
	    "[192.168.0.0/16,10.0.0.0/8]");
	assert_null(thr_vars_get(&v, "HTTP_PORTS"));
	assert_int_equal(thr_parse_line_vars("suppress gen_id 1, sig_id 0, "
	    "track by_src, ip $SUPPRESS", &v, &r, &e), 1);
	assert_int_equal(r.nips, 6);
	addr_parse("fe80::202:b3ff:fe1e:8328", &a);
	assert_true(cidr_contains(&r.ips[2], &a));
	addr_parse("10.1.2.3", &a);
	assert_true(cidr_contains(&r.ips[5], &a));
	thr_rule_free(&r);
	assert_int_equal(thr_parse_line_vars("suppress gen_id 1, sig_id 0, "
	    "track by_src, ip $NOPE", &v, &r, &e), -1);
	assert_non_null(strstr(e.msg, "not defined in"));
	err_clear(&e);
	assert_int_equal(thr_parse_line_vars("suppress gen_id 1, sig_id 0, "
	    "track by_src, ip $LOOP", &v, &r, &e), -1);
	assert_non_null(strstr(e.msg, "nested more than"));
	thr_vars_free(&v);
	diag_clear(&d);
	unlink(p1);
	unlink(p2);
	rmdir(dir);
}

static void
test_thr_parse_file_missing(void **state)
{
	struct thr_set s = { 0 };
	struct diag d;

	(void)state;
	diag_init(&d);
	assert_int_equal(thr_parse_file("/nonexistent/threshold.config", &s,
	    &d), -1);
	assert_int_equal(d.errors, 1);
	diag_clear(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_thr_parse_line_every_field),
		cmocka_unit_test(test_thr_parse_line_errors),
		cmocka_unit_test(test_thr_parse_buf_lines_and_continuations),
		cmocka_unit_test(test_thr_parse_file_missing),
		cmocka_unit_test(test_thr_vars_from_suricata_yaml),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
