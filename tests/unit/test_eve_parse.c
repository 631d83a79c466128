/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the EVE parsers: fields of real Suricata records checked
 * against values read by hand from the JSON; every line of every fixture
 * in $SHARED/fixtures/eve (skipped when absent) parsed by both the fast
 * path and jansson with identical alerts; and bad lines (missing fields,
 * broken JSON, CR/LF in strings, huge numbers, duplicates, IPv6, ICMP).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <cmocka.h>
#include <netinet/in.h>

#include "eve_parse.h"

static const char *
fixdir(void)
{
	static char dir[512];
	const char *s = getenv("SHARED");

	snprintf(dir, sizeof(dir), "%s/fixtures/eve", s ? s : "../shared");
	return dir;
}

/* Both parsers on one line: same verdict when the fast one decides. */
static int
both(const char *line, struct alert *al, struct err *e)
{
	struct alert_scratch s1 = { 0 }, s2 = { 0 };
	struct alert fa;
	int rf, rj;

	err_clear(e);
	rj = eve_parse_jansson(line, strlen(line), al, &s1, e);
	rf = eve_parse_fast(line, strlen(line), &fa, &s2);
	if (rf != EVE_FALLBACK) {
		assert_int_equal(rf, rj);
		if (rf == 1) {
			const char *d = eve_alert_diff(&fa, al);

			if (d)
				fail_msg("fast and jansson differ in %s", d);
		}
	}
	/* al->packet points into s1: keep a copy for the caller */
	if (rj == 1 && al->packet_len) {
		static uint8_t keep[65536];

		memcpy(keep, al->packet, al->packet_len < sizeof(keep) ?
		    al->packet_len : sizeof(keep));
		al->packet = keep;
	}
	alert_scratch_free(&s1);
	alert_scratch_free(&s2);
	return rj;
}

static char *
nth_line(const char *path, int n)
{
	static char buf[1 << 20];
	FILE *f = fopen(path, "r");
	int i;

	if (f == NULL)
		return NULL;
	for (i = 1; fgets(buf, sizeof(buf), f); i++)
		if (i == n) {
			fclose(f);
			buf[strcspn(buf, "\n")] = '\0';
			return buf;
		}
	fclose(f);
	return NULL;
}

static void
test_fixture_records(void **state)
{
	char path[600], a[ADDR_STRLEN];
	struct alert al;
	struct err e = { 0 };
	char *l;

	(void)state;
	/* telegraf test3.json: the single alert, read by eye. It has
	 * "severity" twice (3 both times): the fast path defers. */
	snprintf(path, sizeof(path), "%s/telegraf_test3_alert.json", fixdir());
	if ((l = nth_line(path, 1)) == NULL)
		skip();
	assert_int_equal(eve_parse_fast(l, strlen(l), &al,
	    &(struct alert_scratch){ 0 }), EVE_FALLBACK);
	assert_int_equal(both(l, &al, &e), 1);
	/* 2021-05-30T20:07:13.208777+0200 = 18:07:13Z = 1622398033
	 * (date -u -d 2021-05-30T18:07:13Z +%s) */
	assert_int_equal(al.ts_usec, 1622398033LL * 1000000 + 208777);
	assert_int_equal(al.tz_min, 120);
	assert_string_equal(addr_format(&al.src, a, sizeof(a)), "10.0.0.5");
	assert_int_equal(al.sport, 18715);
	assert_string_equal(addr_format(&al.dst, a, sizeof(a)), "179.60.192.3");
	assert_int_equal(al.dport, 80);
	assert_int_equal(al.proto, IPPROTO_TCP);
	assert_int_equal(al.gid, 1);
	assert_int_equal(al.sid, 6);
	assert_int_equal(al.rev, 0);
	assert_string_equal(al.signature, "Corrupted HTTP body");
	assert_string_equal(al.category, "Misc activity");
	assert_int_equal(al.severity, 3);
	assert_string_equal(al.action, "allowed");
	assert_string_equal(al.iface, "s1-suricata");
	assert_true(al.flow_id == 1696236471136137ULL);
	assert_int_equal(al.pkts_toserver, 1);
	assert_int_equal(al.pkts_toclient, 0);
	assert_int_equal(al.bytes_toserver, 174);
	assert_int_equal(al.established, ALERT_EST_NO);

	/* SuricataLog eve_payload.json line 1: spaced JSON, escapes in
	 * payload_printable (skipped by the fast path), packet + host. */
	snprintf(path, sizeof(path), "%s/suricatalog_eve_payload.json",
	    fixdir());
	if ((l = nth_line(path, 1)) == NULL)
		skip();
	assert_int_equal(both(l, &al, &e), 1);
	/* 2022-02-08T16:32:20Z = 1644337940 */
	assert_int_equal(al.ts_usec, 1644337940LL * 1000000 + 491791);
	assert_int_equal(al.tz_min, 0);
	assert_string_equal(addr_format(&al.src, a, sizeof(a)),
	    "52.96.222.130");
	assert_int_equal(al.sport, 25);
	assert_int_equal(al.dport, 49880);
	assert_int_equal(al.sid, 2220000);
	assert_string_equal(al.signature, "SURICATA SMTP invalid reply");
	assert_string_equal(al.sensor, "raspberrypi");
	assert_string_equal(al.app_proto, "smtp");
	assert_int_equal(al.pkts_toclient, 14);
	assert_int_equal(al.bytes_toclient, 1148);
	assert_int_equal(al.established, ALERT_EST_YES);
	assert_int_equal(al.has_payload, 1);
	/* "AAgCHEev...+QAA" is 72 base64 chars = 54 bytes: Ethernet, then
	 * IPv4 (08 00, 45) from 52.96.222.130 (34 60 de 82) to 10.2.8.102
	 * (0a 02 08 66), TCP source port 25 (00 19); decoded with python3
	 * base64.b64decode. */
	assert_int_equal(al.packet_len, 54);
	assert_int_equal(al.linktype, 1);
	assert_memory_equal(al.packet + 12, "\x08\x00\x45", 3);
	assert_memory_equal(al.packet + 26, "\x34\x60\xde\x82\x0a\x02\x08\x66",
	    8);
	assert_memory_equal(al.packet + 34, "\x00\x19", 2);

	/* CrowdSec hub suricata-eve-detect.log line 1: the request of an
	 * Apache path traversal attempt. */
	snprintf(path, sizeof(path), "%s/crowdsec-hub_suricata-eve-detect.log",
	    fixdir());
	if ((l = nth_line(path, 1)) == NULL)
		skip();
	assert_int_equal(both(l, &al, &e), 1);
	assert_int_equal(al.sid, 2034125);
	assert_string_equal(al.http_host, "34.245.178.108");
	assert_string_equal(al.http_url, "/cgi-bin/.%2e/.%2e/.%2e/.%2e/bin/sh");
	assert_string_equal(al.http_method, "POST");

	/* SuricataLog eve-2.json line 182: the first alert, zone -0500. */
	snprintf(path, sizeof(path), "%s/suricatalog_eve-2.json", fixdir());
	if ((l = nth_line(path, 182)) == NULL)
		skip();
	assert_int_equal(eve_parse_fast(l, strlen(l), &al,
	    &(struct alert_scratch){ 0 }), 1);
	assert_int_equal(both(l, &al, &e), 1);
	/* 11:33:00.175195-0500 = 16:33:00Z = 1644337980 */
	assert_int_equal(al.ts_usec, 1644337980LL * 1000000 + 175195);
	assert_int_equal(al.tz_min, -300);
	assert_string_equal(addr_format(&al.src, a, sizeof(a)),
	    "206.190.49.109");
	assert_int_equal(al.sid, 2260002);
	assert_string_equal(al.signature,
	    "SURICATA Applayer Detect protocol only one direction");
	assert_int_equal(al.pkts_toserver, 3);
	assert_int_equal(al.pkts_toclient, 3);
	assert_int_equal(al.bytes_toclient, 203);
	assert_int_equal(al.established, ALERT_EST_YES);
	assert_int_equal(al.packet_len, 0);
}

struct fixture_count {
	const char	*file;
	int		 alerts, bad;
};

static void
test_all_fixtures(void **state)
{
	/* Alert counts from SOURCES.md (and `grep -c '"event_type":
	 * *"alert"'`); the broken file has one truncated line. */
	static const struct fixture_count want[] = {
		{ "suricatalog_eve-2.json", 118, 0 },
		{ "suricatalog_eve_payload.json", 131, 0 },
		{ "suricatalog_eve_udp_flow.json", 0, 0 },
		{ "suricatalog_eve_no_events.json", 0, 0 },
		{ "crowdsec-hub_suricata-eve-detect.log", 4, 0 },
		{ "crowdsec-hub_suricata-logs-evelog.log", 4, 0 },
		{ "telegraf_test1_stats.json", 0, 0 },
		{ "telegraf_test3_alert.json", 1, 0 },
		{ "fever_alertify_input.json", 0, 0 },
		{ "fever_jsonparse_eve.json", 0, 0 },
		{ "fever_jsonparse_eve_broken1.json", 0, 1 },
	};
	static char line[1 << 20];
	DIR *d = opendir(fixdir());
	struct dirent *de;
	size_t i, files = 0;

	(void)state;
	if (d == NULL)
		skip();
	while ((de = readdir(d)) != NULL) {
		char path[1024];
		struct alert al;
		struct err e;
		FILE *f;
		int alerts = 0, bad = 0, fast = 0;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", fixdir(), de->d_name);
		f = fopen(path, "r");
		assert_non_null(f);
		while (fgets(line, sizeof(line), f)) {
			struct alert_scratch sc = { 0 };
			struct alert fa;
			int rc;

			line[strcspn(line, "\n")] = '\0';
			if (line[0] == '\0')
				continue;
			rc = both(line, &al, &e);
			if (rc == 1)
				alerts++;
			else if (rc < 0)
				bad++;
			if (eve_parse_fast(line, strlen(line), &fa, &sc) == 1)
				fast++;
			alert_scratch_free(&sc);
		}
		fclose(f);
		files++;
		for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
			if (strcmp(want[i].file, de->d_name) == 0) {
				if (alerts != want[i].alerts ||
				    bad != want[i].bad)
					fail_msg("%s: %d alerts %d bad, want "
					    "%d %d", de->d_name, alerts, bad,
					    want[i].alerts, want[i].bad);
			}
		print_message("%s: %d alerts (%d by the fast path), %d bad\n",
		    de->d_name, alerts, fast, bad);
	}
	closedir(d);
	assert_true(files >= sizeof(want) / sizeof(want[0]));
}

#define ALERT_LINE(extra) \
	"{\"timestamp\":\"2024-05-14T09:00:00.000091+0200\",\"flow_id\":42," \
	"\"event_type\":\"alert\",\"src_ip\":\"198.51.100.7\",\"src_port\":" \
	"4444,\"dest_ip\":\"10.0.0.5\",\"dest_port\":80,\"proto\":\"TCP\"," \
	"\"alert\":{\"gid\":1,\"signature_id\":2010001,\"rev\":2," \
	"\"signature\":\"TEST sig\",\"category\":\"Web\",\"severity\":1}" \
	extra "}"

static void
test_good_variants(void **state)
{
	struct alert al;
	struct err e = { 0 };
	char a[ADDR_STRLEN];

	(void)state;
	assert_int_equal(both(ALERT_LINE(""), &al, &e), 1);
	assert_int_equal(al.sid, 2010001);
	assert_int_equal(al.established, ALERT_EST_UNKNOWN);
	assert_int_equal(both(ALERT_LINE(",\"flow\":{\"pkts_toserver\":1,"
	    "\"pkts_toclient\":0}"), &al, &e), 1);
	assert_int_equal(al.established, ALERT_EST_NO);
	assert_int_equal(both(ALERT_LINE(",\"app_proto\":\"failed\","
	    "\"flow\":{\"pkts_toserver\":2,\"pkts_toclient\":1}"), &al, &e), 1);
	assert_int_equal(al.established, ALERT_EST_YES);
	/* IPv6 as Suricata prints it (full, leading zeroes) */
	assert_int_equal(both("{\"timestamp\":\"2024-05-14T09:00:00+0000\","
	    "\"event_type\":\"alert\",\"src_ip\":\"2001:0db8:0000:0000:0000:"
	    "0000:0000:0001\",\"dest_ip\":\"fe80::1\",\"proto\":\"IPv6-ICMP\","
	    "\"icmp_type\":128,\"icmp_code\":0,\"alert\":{\"signature_id\":9}}",
	    &al, &e), 1);
	assert_string_equal(addr_format(&al.src, a, sizeof(a)), "2001:db8::1");
	assert_int_equal(al.src.family, AF_INET6);
	assert_int_equal(al.proto, IPPROTO_ICMPV6);
	assert_int_equal(al.sport, 128);
	assert_int_equal(al.gid, 1);	/* default */
	/* CR/LF escaped in the host must not survive raw: kept as \xNN */
	assert_int_equal(both(ALERT_LINE(",\"host\":\"s\\r\\nX-Evil: 1\"")
	    , &al, &e), 1);
	assert_string_equal(al.sensor, "s\\x0D\\x0AX-Evil: 1");
	assert_null(strchr(al.sensor, '\n'));
	/* a duplicate key: jansson keeps the last, the fast path defers */
	{
		const char *l = "{\"timestamp\":\"2024-05-14T09:00:00+0000\","
		    "\"event_type\":\"alert\",\"src_ip\":\"192.0.2.1\","
		    "\"src_ip\":\"192.0.2.2\",\"dest_ip\":\"10.0.0.1\","
		    "\"alert\":{\"signature_id\":1}}";
		struct alert_scratch sc = { 0 };

		assert_int_equal(eve_parse_fast(l, strlen(l), &al, &sc),
		    EVE_FALLBACK);
		assert_int_equal(both(l, &al, &e), 1);
		assert_string_equal(addr_format(&al.src, a, sizeof(a)),
		    "192.0.2.2");
	}
	/* long signature: cut on a UTF-8 boundary */
	{
		char l[2048], sig[600];
		size_t i;

		for (i = 0; i + 2 < 599; i += 2)
			memcpy(sig + i, "\xc3\xa9", 2);
		sig[i] = '\0';
		snprintf(l, sizeof(l), "{\"timestamp\":\"2024-05-14T09:00:00Z\","
		    "\"event_type\":\"alert\",\"src_ip\":\"192.0.2.1\","
		    "\"dest_ip\":\"10.0.0.1\",\"alert\":{\"signature_id\":1,"
		    "\"signature\":\"x%s\"}}", sig);
		assert_int_equal(both(l, &al, &e), 1);
		assert_true(strlen(al.signature) < ALERT_SIG_MAX);
		assert_int_equal(strlen(al.signature) % 2, 1);
	}
	/* the HTTP request: kept as evidence, CR/LF written \xNN;
	 * a member of another type is left out, never the alert */
	assert_int_equal(both(ALERT_LINE(",\"http\":{\"hostname\":"
	    "\"www.example.org\",\"http_port\":80,\"url\":\"/a?b=1\\r\\nX: y\","
	    "\"http_user_agent\":\"curl\",\"http_method\":\"GET\","
	    "\"status\":400,\"http_request_body\":\"QQ==\"}"), &al, &e), 1);
	assert_string_equal(al.http_host, "www.example.org");
	assert_string_equal(al.http_url, "/a?b=1\\x0D\\x0AX: y");
	assert_string_equal(al.http_method, "GET");
	assert_int_equal(both(ALERT_LINE(",\"http\":{\"hostname\":7,"
	    "\"url\":\"/x\"}"), &al, &e), 1);
	assert_string_equal(al.http_host, "");
	assert_string_equal(al.http_url, "/x");
	assert_int_equal(both(ALERT_LINE(",\"http\":[1]"), &al, &e), 1);
	assert_string_equal(al.http_url, "");
	/* other event types */
	assert_int_equal(both("{\"timestamp\":\"2024-05-14T09:00:00Z\","
	    "\"event_type\":\"flow\",\"src_ip\":\"192.0.2.1\"}", &al, &e), 0);
	assert_int_equal(both("{\"event_type\":\"stats\",\"stats\":{\"x\":"
	    "[1,2,{\"y\":null}]}}", &al, &e), 0);
}

/* The fast path decides (no fallback) and agrees with jansson. */
static int
fast_both(const char *line, struct alert *al, struct err *e)
{
	struct alert_scratch sc = { 0 };
	struct alert fa;
	int rf = eve_parse_fast(line, strlen(line), &fa, &sc);

	alert_scratch_free(&sc);
	if (rf == EVE_FALLBACK)
		fail_msg("fast path fell back on %s", line);
	return both(line, al, e);
}

/*
 * Numbers jansson cannot hold (past int64, a real past DBL_MAX) keep the
 * alert when they are in a member redress does not need; in a field it
 * needs they are that field's error, not "invalid JSON".
 */
static void
test_numbers_out_of_range(void **state)
{
	struct alert al;
	struct err e = { 0 };

	(void)state;
	assert_int_equal(both(ALERT_LINE(",\"http\":{\"length\":"
	    "99999999999999999999,\"url\":\"/x\"}"), &al, &e), 1);
	assert_string_equal(al.http_url, "/x");
	assert_int_equal(al.sid, 2010001);
	assert_int_equal(both(ALERT_LINE(",\"x\":1e400,\"y\":-1E+999,"
	    "\"z\":[-99999999999999999999,1e-400,\"9e999\"]"), &al, &e), 1);
	/* in a needed field: that field is named */
	assert_int_equal(both("{\"timestamp\":\"2024-05-14T09:00:00Z\","
	    "\"event_type\":\"alert\",\"src_ip\":\"192.0.2.1\",\"src_port\":"
	    "99999999999999999999,\"dest_ip\":\"10.0.0.1\",\"alert\":"
	    "{\"signature_id\":1}}", &al, &e), -1);
	assert_string_equal(e.msg, "bad src_port");
	/* a line that is not JSON stays not JSON */
	assert_int_equal(both("{\"a\":99999999999999999999", &al, &e), -1);
	assert_non_null(strstr(e.msg, "invalid JSON"));
}

/*
 * Hostile bytes are evidence: NUL, lone surrogates, invalid UTF-8 and
 * raw control bytes keep the alert, as \xNN text in the field; ordinary
 * escapes never leave the fast path.
 */
static void
test_hostile_bytes(void **state)
{
	struct alert al;
	struct err e = { 0 };
	char a[ADDR_STRLEN];

	(void)state;
	assert_int_equal(fast_both(ALERT_LINE(",\"http\":{\"url\":"
	    "\"/a\\u0000b\",\"hostname\":\"h\\u0000\"}"), &al, &e), 1);
	assert_string_equal(addr_format(&al.src, a, sizeof(a)), "198.51.100.7");
	assert_string_equal(al.http_url, "/a\\x00b");
	assert_string_equal(al.http_host, "h\\x00");
	/* a lone high and a lone low surrogate: their WTF-8 bytes */
	assert_int_equal(fast_both("{\"timestamp\":\"2024-05-14T09:00:00Z\","
	    "\"event_type\":\"alert\",\"src_ip\":\"192.0.2.1\",\"dest_ip\":"
	    "\"10.0.0.1\",\"alert\":{\"signature_id\":1,\"signature\":"
	    "\"x\\ud800y\\udc00\"}}", &al, &e), 1);
	assert_string_equal(al.signature, "x\\xED\\xA0\\x80y\\xED\\xB0\\x80");
	/* a pair is one character; a high one before another high one
	 * is lone */
	assert_int_equal(fast_both("{\"timestamp\":\"2024-05-14T09:00:00Z\","
	    "\"event_type\":\"alert\",\"src_ip\":\"192.0.2.1\",\"dest_ip\":"
	    "\"10.0.0.1\",\"alert\":{\"signature_id\":1,\"signature\":"
	    "\"\\ud83d\\ude00 \\ud800\\ud83d\\ude00\"}}", &al, &e), 1);
	assert_string_equal(al.signature,
	    "\xf0\x9f\x98\x80 \\xED\\xA0\\x80\xf0\x9f\x98\x80");
	/* raw invalid UTF-8 (a stray continuation byte, an overlong form,
	 * a cut sequence) and raw control bytes */
	assert_int_equal(fast_both("{\"timestamp\":\"2024-05-14T09:00:00Z\","
	    "\"event_type\":\"alert\",\"src_ip\":\"192.0.2.1\",\"dest_ip\":"
	    "\"10.0.0.1\",\"alert\":{\"signature_id\":1,\"signature\":"
	    "\"\xff\x80 \xc0\xaf \xe2\x82 a\rb\x7f\"}}", &al, &e), 1);
	assert_string_equal(al.signature,
	    "\\xFF\\x80 \\xC0\\xAF \\xE2\\x82 a\\x0Db\\x7F");
	/* line and paragraph separators, NEL: valid text, kept as it is
	 * (the report renderer escapes them) */
	assert_int_equal(fast_both(ALERT_LINE(",\"http\":{\"url\":"
	    "\"/\\u2028\xe2\x80\xa9\\u0085\"}"), &al, &e), 1);
	assert_string_equal(al.http_url, "/\xe2\x80\xa8\xe2\x80\xa9\xc2\x85");
	/* hostile bytes in skipped members and keys keep the alert */
	assert_int_equal(fast_both(ALERT_LINE(",\"payload_printable\":"
	    "\"\\u0000\xff\\udfff\",\"k\\u0000\":1,\"\xfe\":[\"\\ud800\"]"),
	    &al, &e), 1);
	assert_int_equal(al.sid, 2010001);
	/* ordinary escapes stay on the fast path */
	assert_int_equal(fast_both(ALERT_LINE(",\"http\":{\"url\":"
	    "\"\\/index.php?s=\\/Index\\/\\\\think\\\\app\\\"x\\t\\u00e9\","
	    "\"http_method\":\"G\\u0045T\"}"), &al, &e), 1);
	assert_string_equal(al.http_url,
	    "/index.php?s=/Index/\\think\\app\"x\\x09\xc3\xa9");
	assert_string_equal(al.http_method, "GET");
	assert_int_equal(fast_both("{\"timestamp\":\"2024-05-14T09:00:00\\u002b"
	    "0000\",\"event_type\":\"\\u0061lert\",\"src_ip\":\"192.0.2.\\u0031\","
	    "\"dest_ip\":\"10.0.0.1\",\"proto\":\"T\\u0043P\",\"alert\":"
	    "{\"signature_id\":1},\"packet\":\"aGVs\\/G8=\"}", &al, &e), 1);
	assert_string_equal(addr_format(&al.src, a, sizeof(a)), "192.0.2.1");
	assert_int_equal(al.proto, IPPROTO_TCP);
	assert_int_equal(al.packet_len, 5);
	assert_memory_equal(al.packet, "hel\xfco", 5);
	/* an event of another type with hostile bytes is still that */
	assert_int_equal(fast_both("{\"event_type\":\"flow\",\"x\":\"\xff"
	    "\\u0000\"}", &al, &e), 0);
	/* cut to the field on whole \xNN: both parsers the same (both()) */
	{
		char l[8192], *p;
		int i;

		p = l + snprintf(l, sizeof(l), "{\"timestamp\":"
		    "\"2024-05-14T09:00:00Z\",\"event_type\":\"alert\","
		    "\"src_ip\":\"192.0.2.1\",\"dest_ip\":\"10.0.0.1\","
		    "\"alert\":{\"signature_id\":1,\"signature\":\"a");
		for (i = 0; i < 200; i++)
			p += sprintf(p, i % 3 ? "\\u0000" : "\xff");
		sprintf(p, "\"}}");
		assert_int_equal(fast_both(l, &al, &e), 1);
		assert_int_equal(strlen(al.signature), 1 + 63 * 4);
		assert_memory_equal(al.signature, "a\\xFF\\x00\\x00\\xFF", 17);
	}
}

static void
test_bad_lines(void **state)
{
	static const struct { const char *line, *why; } bad[] = {
		{ "{\"timestamp\":\"2024-05-14T09:00:00Z\",\"event_type\":"
		  "\"alert\",\"dest_ip\":\"10.0.0.1\",\"alert\":"
		  "{\"signature_id\":1}}", "missing src_ip" },
		{ "{\"timestamp\":\"2024-05-14T09:00:00Z\",\"event_type\":"
		  "\"alert\",\"src_ip\":\"10.0.0.300\",\"dest_ip\":\"10.0.0.1\","
		  "\"alert\":{\"signature_id\":1}}", "bad src_ip" },
		{ "{\"timestamp\":\"2024-05-14T09:00:00Z\",\"event_type\":"
		  "\"alert\",\"src_ip\":\"10.0.0.3\",\"dest_ip\":\"10.0.0.1\"}",
		  "missing alert" },
		{ "{\"timestamp\":\"2024-05-14T09:00:00Z\",\"event_type\":"
		  "\"alert\",\"src_ip\":\"10.0.0.3\",\"dest_ip\":\"10.0.0.1\","
		  "\"alert\":{\"gid\":1}}", "signature_id" },
		{ "{\"event_type\":\"alert\",\"src_ip\":\"10.0.0.3\","
		  "\"dest_ip\":\"10.0.0.1\",\"alert\":{\"signature_id\":1}}",
		  "missing timestamp" },
		{ "{\"timestamp\":\"yesterday\",\"event_type\":\"alert\","
		  "\"src_ip\":\"10.0.0.3\",\"dest_ip\":\"10.0.0.1\",\"alert\":"
		  "{\"signature_id\":1}}", "bad timestamp" },
		{ "{\"timestamp\":\"2024-05-14T09:00:00Z\",\"event_type\":"
		  "\"alert\",\"src_ip\":\"10.0.0.3\",\"dest_ip\":\"10.0.0.1\","
		  "\"src_port\":65536,\"alert\":{\"signature_id\":1}}",
		  "bad src_port" },
		{ "{\"timestamp\":\"2024-05-14T09:00:00Z\",\"event_type\":"
		  "\"alert\",\"src_ip\":\"10.0.0.3\",\"dest_ip\":\"10.0.0.1\","
		  "\"alert\":{\"signature_id\":4294967296}}", "signature_id" },
		{ "{\"timestamp\":\"2024-05-14T09:00:00Z\",\"event_type\":"
		  "\"alert\",\"src_ip\":\"10.0.0.3\",\"dest_ip\":\"10.0.0.1\","
		  "\"flow_id\":123456789012345678901234567890,"
		  "\"alert\":{\"signature_id\":1}}", "bad flow_id" },
		{ "{\"timestamp\":\"2024-05-14T09:00:00Z\",\"event_type\":"
		  "\"alert\",\"src_ip\":\"10.0.0.3\",\"dest_ip\":\"10.0.0.1\","
		  "\"alert\":{\"signature_id\":1,\"signature\":\"a\\qb\"}}",
		  "invalid JSON" },
		{ "{\"timestamp\":\"2024-05-14T09:00:00Z\",\"event_type\":"
		  "\"alert\",\"src_ip\":\"10.0.0.3\",\"dest_ip\":\"10.0.0.1\","
		  "\"alert\":{\"signature_id\":1,\"signature\":\"a\\u12\"}}",
		  "invalid JSON" },
		{ "{\"timestamp\":\"2024-05-14T09:00:00Z\",\"event_type\":"
		  "\"alert\",\"src_ip\":\"10.0.0.3\\u0000\",\"dest_ip\":"
		  "\"10.0.0.1\",\"alert\":{\"signature_id\":1}}", "bad src_ip" },
		{ "{\"timestamp\":\"2024-05-14T09:00:00Z\",\"event_type\":"
		  "\"alert\",\"src_ip\":\"10.0.0.3\"", "invalid JSON" },
		{ "{\"timestamp\":\"2024-05-14T09:00:00Z\",\"event_type\":"
		  "\"alert\",\"src_ip\":\"10.0.0.3\",\"dest_ip\":\"10.0.0.1\","
		  "\"alert\":{\"signature_id\":1}} trailing", "invalid JSON" },
		{ "[1,2,3]", "not a JSON object" },
		{ "{\"event_type\":7}", "missing event_type" },
		{ "not json at all", "invalid JSON" },
	};
	struct alert al;
	struct err e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = both(bad[i].line, &al, &e);

		if (rc != -1 || strstr(e.msg, bad[i].why) == NULL)
			fail_msg("line %zu: rc %d, \"%s\", want -1 \"%s\"", i,
			    rc, e.msg, bad[i].why);
	}
}

static void
test_b64(void **state)
{
	struct alert_scratch sc = { 0 };
	size_t n;

	(void)state;
	assert_int_equal(eve_b64_decode("aGVsbG8=", 8, &sc, &n), 0);
	assert_int_equal(n, 5);
	assert_memory_equal(sc.pkt, "hello", 5);
	assert_int_equal(eve_b64_decode("aGk=", 4, &sc, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(eve_b64_decode("aA==", 4, &sc, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(eve_b64_decode("xxx", 3, &sc, &n), -1);
	assert_int_equal(eve_b64_decode("a=bc", 4, &sc, &n), -1);
	assert_int_equal(eve_b64_decode("ab=c", 4, &sc, &n), -1);
	alert_scratch_free(&sc);
}

/* Addresses at the edges of the fast path's dotted-quad reader: both
 * parsers agree on each, value and verdict (inet_pton's rules). */
static void
test_v4_edges(void **state)
{
	static const char *v[] = { "0.0.0.0", "255.255.255.255", "1.2.3.4",
	    "10.0.0.1", "199.99.9.200", "01.2.3.4", "1.2.3.04", "1.2.3.256",
	    "1.2.3.1000", "1.2.3", "1.2.3.4.5", "1..2.3", ".1.2.3", "1.2.3.",
	    "1.2.3.4 ", " 1.2.3.4", "1.2.3.-4", "::ffff:1.2.3.4", "::1",
	    "1.2.3.4x", "", "1.2.3.00", "256.1.1.1", "00.0.0.0" };
	char line[512], a[ADDR_STRLEN];
	struct alert al;
	struct err e = { 0 };
	size_t i;
	int ok = 0;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		snprintf(line, sizeof(line), "{\"timestamp\":\"2024-05-14T09:"
		    "00:00+0000\",\"event_type\":\"alert\",\"src_ip\":\"%s\","
		    "\"dest_ip\":\"10.0.0.1\",\"alert\":{\"signature_id\":9}}",
		    v[i]);
		if (both(line, &al, &e) == 1) {
			ok++;
			assert_int_equal(al.src.family, i != 18 ? AF_INET :
			    AF_INET6);
			if (i == 4) {
				addr_format(&al.src, a, sizeof(a));
				assert_string_equal(a, "199.99.9.200");
			}
		}
	}
	/* the five quads, ::ffff:1.2.3.4 (IPv4) and ::1 */
	assert_int_equal(ok, 7);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_records),
		cmocka_unit_test(test_all_fixtures),
		cmocka_unit_test(test_good_variants),
		cmocka_unit_test(test_numbers_out_of_range),
		cmocka_unit_test(test_hostile_bytes),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_b64),
		cmocka_unit_test(test_v4_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
