/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the Snort 3 alert_json parser on lines written for these
 * tests in the shapes Snort 3's alert_json.cc prints (default fields
 * "timestamp pkt_num proto pkt_gen pkt_len dir src_ap dst_ap rule action",
 * and the optional src_addr/src_port, msg, class, priority, seconds ...):
 * timestamps with and without year and zone, IPv6, ICMP, bad lines.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <netinet/in.h>

#include "snort_json_parse.h"

/* now = 2024-01-02T12:00:00Z (date -u -d 2024-01-02T12:00:00Z +%s) */
#define NOW	(1704196800LL * 1000000)

static void
test_default_fields(void **state)
{
	const char *l = "{ \"timestamp\" : \"24/01/02-03:04:05.123456\", "
	    "\"pkt_num\" : 17, \"proto\" : \"TCP\", \"pkt_gen\" : \"raw\", "
	    "\"pkt_len\" : 60, \"dir\" : \"C2S\", \"src_ap\" : "
	    "\"203.0.113.9:40001\", \"dst_ap\" : \"10.0.0.5:80\", \"rule\" : "
	    "\"1:2010001:3\", \"action\" : \"allow\" }";
	struct snort_json_opts o = { 60, NOW };
	struct alert al;
	struct err e = { 0 };
	char a[ADDR_STRLEN];

	(void)state;
	assert_int_equal(snort_json_parse(l, strlen(l), &al, &o, &e), 1);
	/* 03:04:05 at +01:00 = 02:04:05Z = 1704161045 */
	assert_int_equal(al.ts_usec, 1704161045LL * 1000000 + 123456);
	assert_int_equal(al.tz_min, 60);
	assert_string_equal(addr_format(&al.src, a, sizeof(a)), "203.0.113.9");
	assert_int_equal(al.sport, 40001);
	assert_string_equal(addr_format(&al.dst, a, sizeof(a)), "10.0.0.5");
	assert_int_equal(al.dport, 80);
	assert_int_equal(al.gid, 1);
	assert_int_equal(al.sid, 2010001);
	assert_int_equal(al.rev, 3);
	assert_int_equal(al.proto, IPPROTO_TCP);
	assert_string_equal(al.action, "allow");
	assert_int_equal(al.established, ALERT_EST_UNKNOWN);
}

static void
test_all_fields(void **state)
{
	const char *l = "{ \"timestamp\" : \"01/02-03:04:05.123456\", "
	    "\"seconds\" : 1704164645, \"src_addr\" : \"2001:db8::7\", "
	    "\"src_port\" : 5555, \"dst_addr\" : \"2001:db8::1\", "
	    "\"dst_port\" : 22, \"gid\" : 1, \"sid\" : 1000001, \"rev\" : 2, "
	    "\"msg\" : \"SSH brute force \\\"test\\\"\\r\\nX: y\", \"class\" : "
	    "\"Attempted Administrator Privilege Gain\", \"priority\" : 1, "
	    "\"proto\" : \"TCP\", \"iface\" : \"eth0\", \"service\" : \"ssh\", "
	    "\"b64_data\" : \"U1NILTIuMA==\", \"action\" : \"alert\" }";
	struct snort_json_opts o = { 0, NOW };
	struct alert al;
	struct err e = { 0 };
	char a[ADDR_STRLEN];

	(void)state;
	assert_int_equal(snort_json_parse(l, strlen(l), &al, &o, &e), 1);
	/* seconds is UTC: 1704164645 = 2024-01-02T03:04:05Z */
	assert_int_equal(al.ts_usec, 1704164645LL * 1000000 + 123456);
	assert_string_equal(addr_format(&al.src, a, sizeof(a)), "2001:db8::7");
	assert_int_equal(al.src.family, AF_INET6);
	assert_int_equal(al.sport, 5555);
	assert_int_equal(al.dport, 22);
	assert_int_equal(al.sid, 1000001);
	assert_int_equal(al.rev, 2);
	/* quotes kept, CR/LF written \xNN (never raw) */
	assert_string_equal(al.signature,
	    "SSH brute force \"test\"\\x0D\\x0AX: y");
	assert_string_equal(al.category,
	    "Attempted Administrator Privilege Gain");
	assert_int_equal(al.severity, 1);
	assert_string_equal(al.iface, "eth0");
	assert_string_equal(al.app_proto, "ssh");
	assert_int_equal(al.has_payload, 1);
}

static void
test_icmp_and_ipv6_ap(void **state)
{
	const char *l = "{ \"timestamp\" : \"24/01/02-03:04:06.000001\", "
	    "\"src_addr\" : \"198.51.100.3\", \"dst_addr\" : \"10.0.0.9\", "
	    "\"icmp_type\" : 8, \"icmp_code\" : 0, \"gid\" : 1, \"sid\" : 384, "
	    "\"rev\" : 8, \"msg\" : \"PROTOCOL-ICMP PING\", \"class\" : "
	    "\"none\", \"priority\" : 3, \"proto\" : \"ICMP\" }";
	const char *l6 = "{ \"timestamp\" : \"24/01/02-03:04:06.5\", "
	    "\"src_ap\" : \"2001:db8::7:443\", \"dst_ap\" : \"[2001:db8::1]:80\", "
	    "\"rule\" : \"1:5:1\", \"proto\" : \"IP\" }";
	struct snort_json_opts o = { 0, NOW };
	struct alert al;
	struct err e = { 0 };
	char a[ADDR_STRLEN];

	(void)state;
	assert_int_equal(snort_json_parse(l, strlen(l), &al, &o, &e), 1);
	assert_int_equal(al.proto, IPPROTO_ICMP);
	assert_int_equal(al.sport, 8);
	assert_int_equal(al.dport, 0);
	assert_string_equal(al.category, "");
	assert_int_equal(al.severity, 3);
	assert_int_equal(snort_json_parse(l6, strlen(l6), &al, &o, &e), 1);
	assert_string_equal(addr_format(&al.src, a, sizeof(a)), "2001:db8::7");
	assert_int_equal(al.sport, 443);
	assert_string_equal(addr_format(&al.dst, a, sizeof(a)), "2001:db8::1");
	assert_int_equal(al.dport, 80);
	assert_int_equal(al.proto, 0);
	assert_int_equal(al.ts_usec % 1000000, 500000);
}

static void
test_time(void **state)
{
	int64_t ts;
	/* 2024-01-01T00:10:00Z = 1704067800 */
	int64_t now = 1704067800LL * 1000000;

	(void)state;
	/* no year, late December: last year (2023-12-31T23:59:59Z =
	 * 1704067199) */
	assert_int_equal(snort_json_time("12/31-23:59:59.000000", 21, 0, now,
	    &ts), 0);
	assert_int_equal(ts, 1704067199LL * 1000000);
	/* no year, same day: this year */
	assert_int_equal(snort_json_time("01/01-00:05:00.000000", 21, 0, now,
	    &ts), 0);
	assert_int_equal(ts, 1704067500LL * 1000000);
	/* zone west of UTC */
	assert_int_equal(snort_json_time("23/12/31-19:05:00.25", 20, -300, now,
	    &ts), 0);
	assert_int_equal(ts, 1704067500LL * 1000000 + 250000);
	assert_int_equal(snort_json_time("2023-12-31 19:05:00", 19, 0, now,
	    &ts), -1);
	assert_int_equal(snort_json_time("13/45-19:05:00", 14, 0, now, &ts),
	    -1);
}

static void
test_bad(void **state)
{
	static const struct { const char *line, *why; } bad[] = {
		{ "{ \"timestamp\" : \"24/01/02-03:04:05.1\", \"src_ap\" : "
		  "\":0\", \"dst_ap\" : \"10.0.0.5:80\", \"rule\" : \"1:2:3\" }",
		  "bad src_ap" },
		{ "{ \"timestamp\" : \"24/01/02-03:04:05.1\", \"src_addr\" : "
		  "\"10.0.0.1\", \"dst_addr\" : \"10.0.0.5\" }", "missing sid" },
		{ "{ \"timestamp\" : \"24/01/02-03:04:05.1\", \"dst_addr\" : "
		  "\"10.0.0.5\", \"sid\" : 1 }", "missing src_addr" },
		{ "{ \"src_addr\" : \"10.0.0.1\", \"dst_addr\" : \"10.0.0.5\", "
		  "\"sid\" : 1 }", "missing timestamp" },
		{ "{ \"timestamp\" : \"yesterday\", \"src_addr\" : \"10.0.0.1\", "
		  "\"dst_addr\" : \"10.0.0.5\", \"sid\" : 1 }", "bad timestamp" },
		{ "{ \"timestamp\" : \"24/01/02-03:04:05.1\", \"src_addr\" : "
		  "\"10.0.0.1\", \"dst_addr\" : \"10.0.0.5\", \"sid\" : 1, "
		  "\"src_port\" : 70000 }", "bad src_port" },
		{ "{ \"timestamp\" : \"24/01/02-03:04:05.1\", \"src_addr\" : "
		  "\"10.0.0.1\", \"dst_addr\" : \"10.0.0.5\", \"rule\" : "
		  "\"1:x:3\" }", "bad rule" },
		{ "{ \"timestamp\" : \"24/01/02", "invalid JSON" },
		{ "[]", "not a JSON object" },
	};
	struct snort_json_opts o = { 0, NOW };
	struct alert al;
	struct err e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc;

		err_clear(&e);
		rc = snort_json_parse(bad[i].line, strlen(bad[i].line), &al, &o,
		    &e);
		if (rc != -1 || strstr(e.msg, bad[i].why) == NULL)
			fail_msg("line %zu: rc %d \"%s\", want -1 \"%s\"", i, rc,
			    e.msg, bad[i].why);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_fields),
		cmocka_unit_test(test_all_fields),
		cmocka_unit_test(test_icmp_and_ipv6_ap),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
