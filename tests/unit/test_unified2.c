/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the unified2 decoder and the spool input: every fixture in
 * ../shared/fixtures/unified2 parses (skipped when absent), fields of
 * several records equal values decoded by hand from the bytes, and records
 * written by tests/tools/u2write.c's builder (included here) cover IPv6,
 * Snort 3 events, extra data, unknown types, truncation, corruption, file
 * switching and bookmarks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sys/stat.h>
#include <unistd.h>

#include "input.h"
#include "sidmap.h"
#include "unified2_parse.h"

#define U2WRITE_NO_MAIN
#include "../tools/u2write.c"

static const char *
fixdir(void)
{
	static char dir[512];
	const char *s = getenv("SHARED");

	snprintf(dir, sizeof(dir), "%s/fixtures/unified2", s ? s : "../shared");
	return dir;
}

static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *p;
	long n;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = malloc((size_t)n + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return p;
}

struct walk {
	size_t		alerts, corrupt, left;	/* left: bytes of a partial */
	struct alert	first, last;
	uint8_t		first_pkt[2048];
};

/* Steps over a whole buffer as replay would; alerts counted. */
static void
walk(const uint8_t *p, size_t n, const struct sidmap *sm, struct walk *w)
{
	struct u2_reader r;
	struct u2_step st;
	struct alert al;
	size_t off = 0;

	memset(w, 0, sizeof(*w));
	u2_reader_init(&r, sm);
	for (;;) {
		enum u2_step_rc rc = u2_reader_step(&r, p + off, n - off, off,
		    &st);

		if (rc == U2_OK) {
			off += U2_HDR_LEN + st.len;
			continue;
		}
		if (rc == U2_CORRUPT) {
			w->corrupt++;
			if (st.skippable && n - off >= U2_HDR_LEN + st.len) {
				off += U2_HDR_LEN + st.len;
				continue;
			}
			off = n;	/* abandon: the held event still counts */
		}
		if (rc != U2_EMIT && !r.have) {
			w->left = n - off;
			break;
		}
		assert_int_equal(u2_reader_take(&r, &al), 1);
		if (w->alerts++ == 0) {
			w->first = al;
			if (al.packet_len && al.packet_len <= sizeof(w->first_pkt))
				memcpy(w->first_pkt, al.packet, al.packet_len);
		}
		w->last = al;
	}
	u2_reader_free(&r);
}

static void
test_fixtures_all_parse(void **state)
{
	static const struct {
		const char	*name;
		size_t		 alerts, left;
	} want[] = {
		/* counts from SOURCES.md (record walk of each file) */
		{ "djcas9-unified2_unified2-current.log", 5675, 0 },
		{ "djcas9-unified2_unified2-legacy.log", 4703, 0 },
		{ "go-unified2_multi-record-event-x2.log", 2, 0 },
		{ "go-unified2_short-read-on-body.log", 0, 12 },
		{ "go-unified2_short-read-on-header.log", 0, 6 },
		{ "py-idstools_ipv6-alert.unified2", 1, 0 },
		{ "py-idstools_merged.log", 6, 0 },
		{ "py-idstools_multi-record-event.log", 1, 0 },
		{ "zeek_unified2.u2", 2, 0 },
	};
	char path[1024];
	size_t i, n, seen = 0;
	struct walk w;
	uint8_t *p;

	(void)state;
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", fixdir(), want[i].name);
		if ((p = slurp(path, &n)) == NULL)
			continue;
		seen++;
		walk(p, n, NULL, &w);
		assert_int_equal(w.corrupt, 0);
		assert_int_equal(w.alerts, want[i].alerts);
		assert_int_equal(w.left, want[i].left);
		free(p);
	}
	if (seen == 0)
		skip();
	assert_int_equal(seen, sizeof(want) / sizeof(want[0]));
}

/*
 * py-idstools_merged.log, `xxd -l 80`: header 0000 0068 0000 003c (type
 * 104, length 60), then sensor 0, event_id 1, second 0x51e46e5e
 * (1373924958), usec 0x0004b11d (307485), signature_id 0x1f2 (498),
 * generator 1, rev 0xa, class 3, priority 2, src ac10010a, dst ac10010b,
 * sport 0x0050, dport 0x99d0 (39376), proto 06. The packet at offset 68
 * (`xxd -s 68 -l 48`): length 0x191, linktype 1, caplen 0x175 (373).
 * Its TCP header (`xxd -s 138 -l 16`, Ethernet 14 + IPv4 20 in) has data
 * offset 0x8 (32 bytes) and flags 0x18 (PSH ACK); IPv4 total length 0x167
 * (359) leaves 307 payload bytes: established.
 */
static void
test_fixture_merged_fields(void **state)
{
	char path[1024], a[ADDR_STRLEN];
	struct walk w;
	size_t n;
	uint8_t *p;

	(void)state;
	snprintf(path, sizeof(path), "%s/py-idstools_merged.log", fixdir());
	if ((p = slurp(path, &n)) == NULL)
		skip();
	walk(p, n, NULL, &w);
	assert_int_equal(w.first.ts_usec, 1373924958LL * 1000000 + 307485);
	assert_int_equal(w.first.gid, 1);
	assert_int_equal(w.first.sid, 498);
	assert_int_equal(w.first.rev, 10);
	assert_int_equal(w.first.severity, 2);
	assert_string_equal(w.first.signature, "1:498:10");
	/* class 3 in Snort's default classification.config: bad-unknown */
	assert_string_equal(w.first.category, "Potentially Bad Traffic");
	assert_string_equal(addr_format(&w.first.src, a, sizeof(a)),
	    "172.16.1.10");
	assert_string_equal(addr_format(&w.first.dst, a, sizeof(a)),
	    "172.16.1.11");
	assert_int_equal(w.first.sport, 80);
	assert_int_equal(w.first.dport, 39376);
	assert_int_equal(w.first.proto, 6);
	assert_int_equal(w.first.offset, 0);
	assert_int_equal(w.first.packet_len, 373);
	assert_int_equal(w.first.linktype, 1);
	assert_int_equal(w.first.tcp_flags, 0x18);
	assert_int_equal(w.first.has_payload, 1);
	assert_int_equal(w.first.established, ALERT_EST_YES);
	assert_int_equal(w.first.input, ALERT_INPUT_UNIFIED2);
	/* the packet bytes are the record's: Ethernet type 0x0800 at 12 */
	assert_int_equal(w.first_pkt[12], 0x08);
	assert_int_equal(w.first_pkt[14], 0x45);
	free(p);
}

/*
 * py-idstools_ipv6-alert.unified2, `xxd -l 128`: type 0x69 (105), length
 * 0x54 (84); event_id 1, second 0x5818b9ac (1478015404), usec 0x000e0400
 * (918528), sid 0x482a (18474), gid 1, rev 3, class 0x1d (29), priority
 * 3, src fe80::dacb:8aff:feed:a146, dst fe80::215:17ff:fe0d:6f7, ports 0,
 * proto 0x3a (58). The packet at 92: length 0x92, linktype 1, caplen 0x76.
 */
static void
test_fixture_ipv6_fields(void **state)
{
	char path[1024], a[ADDR_STRLEN];
	struct walk w;
	size_t n;
	uint8_t *p;

	(void)state;
	snprintf(path, sizeof(path), "%s/py-idstools_ipv6-alert.unified2",
	    fixdir());
	if ((p = slurp(path, &n)) == NULL)
		skip();
	walk(p, n, NULL, &w);
	assert_int_equal(w.alerts, 1);
	assert_int_equal(w.first.ts_usec, 1478015404LL * 1000000 + 918528);
	assert_int_equal(w.first.sid, 18474);
	assert_int_equal(w.first.rev, 3);
	assert_int_equal(w.first.severity, 3);
	assert_string_equal(w.first.category, "Misc activity");
	assert_string_equal(addr_format(&w.first.src, a, sizeof(a)),
	    "fe80::dacb:8aff:feed:a146");
	assert_string_equal(addr_format(&w.first.dst, a, sizeof(a)),
	    "fe80::215:17ff:fe0d:6f7");
	assert_int_equal(w.first.proto, 58);
	assert_int_equal(w.first.packet_len, 118);
	assert_int_equal(w.first.established, ALERT_EST_UNKNOWN);
	free(p);
}

/*
 * djcas9-unified2_unified2-legacy.log, `xxd -l 96`: type 7, length 0x34
 * (52, no mpls/vlan); event_id 1, second 0x4cabe3ea (1286333418), usec
 * 0x000b4a71 (739953), sid 0x1e5 (485), gid 1, rev 5, class 0x1d,
 * priority 3, src 1813076e (24.19.7.110), dst 0a000106 (10.0.1.6), ICMP
 * type 3 code 0x0d (13), proto 1; packet caplen 0x46 (70).
 * zeek_unified2.u2, `xxd -l 80`: type 104, sid 0x1e9072 (2003058), rev 5,
 * class 0x15 (21: trojan-activity), priority 1, c0a80148 -> 4a7de131,
 * ports 0xc409 (50185) -> 80; packet caplen 0x6a (106).
 */
static void
test_fixture_legacy_and_zeek_fields(void **state)
{
	char path[1024], a[ADDR_STRLEN];
	struct walk w;
	size_t n;
	uint8_t *p;

	(void)state;
	snprintf(path, sizeof(path), "%s/djcas9-unified2_unified2-legacy.log",
	    fixdir());
	if ((p = slurp(path, &n)) == NULL)
		skip();
	walk(p, n, NULL, &w);
	assert_int_equal(w.first.ts_usec, 1286333418LL * 1000000 + 739953);
	assert_int_equal(w.first.sid, 485);
	assert_int_equal(w.first.rev, 5);
	assert_string_equal(addr_format(&w.first.src, a, sizeof(a)),
	    "24.19.7.110");
	assert_string_equal(addr_format(&w.first.dst, a, sizeof(a)),
	    "10.0.1.6");
	assert_int_equal(w.first.sport, 3);
	assert_int_equal(w.first.dport, 13);
	assert_int_equal(w.first.proto, 1);
	assert_int_equal(w.first.packet_len, 70);
	free(p);

	snprintf(path, sizeof(path), "%s/zeek_unified2.u2", fixdir());
	if ((p = slurp(path, &n)) == NULL)
		skip();
	walk(p, n, NULL, &w);
	assert_int_equal(w.first.sid, 2003058);
	assert_int_equal(w.first.rev, 5);
	assert_int_equal(w.first.severity, 1);
	assert_string_equal(w.first.category, "A Network Trojan was detected");
	assert_string_equal(addr_format(&w.first.src, a, sizeof(a)),
	    "192.168.1.72");
	assert_string_equal(addr_format(&w.first.dst, a, sizeof(a)),
	    "74.125.225.49");
	assert_int_equal(w.first.sport, 50185);
	assert_int_equal(w.first.dport, 80);
	assert_int_equal(w.first.packet_len, 106);
	free(p);
}

/*
 * py-idstools_multi-record-event.log, `xxd -l 160`: the extra-data record
 * at 68 has type 0x6e, length 0x48aa, event_id 0x59, info type 0xd (JS
 * normalized), blob_length 0x4892 (data 18570 bytes).
 */
static void
test_fixture_extra_data(void **state)
{
	char path[1024];
	struct u2_extra ex;
	uint32_t type, len;
	size_t n;
	uint8_t *p;

	(void)state;
	snprintf(path, sizeof(path), "%s/py-idstools_multi-record-event.log",
	    fixdir());
	if ((p = slurp(path, &n)) == NULL)
		skip();
	u2_header(p + 68, &type, &len);
	assert_int_equal(type, U2_EXTRA);
	assert_int_equal(len, 0x48aa);
	assert_int_equal(u2_extra_decode(p + 76, len, &ex), 0);
	assert_int_equal(ex.event_id, 0x59);
	assert_int_equal(ex.type, 13);
	assert_int_equal(ex.len, 0x4892 - 8);
	assert_memory_equal(ex.data, "<HTML>", 6);
	free(p);
}

static struct u2buf
build(const char *spec)
{
	struct u2buf b = { 0 };
	char *s = strdup(spec), *line, *save = NULL;

	for (line = strtok_r(s, "\n", &save); line; line = strtok_r(NULL, "\n",
	    &save)) {
		const char *why = u2w_line(&b, line);

		if (why)
			fail_msg("spec \"%s\": %s", line, why);
	}
	free(s);
	return b;
}

static void
test_built_records(void **state)
{
	struct u2buf b = build(
	    "event6 src=2001:db8::1 dst=2001:db8::2 sport=4444 dport=22 "
	    "sid=100 rev=2 class=12 prio=1 ts=1700000001.5 id=7\n"
	    "extra id=7 data=/etc/passwd\n"
	    "packet id=7 src=2001:db8::1 dst=2001:db8::2 sport=4444 dport=22 "
	    "flags=S\n"
	    "unknown type=999 len=12\n"
	    "event4 src=198.51.100.9 dst=10.1.1.1 sid=200 id=8 v1 blocked=1\n"
	    "packet id=9 src=198.51.100.9 dst=10.1.1.1 flags=PA payload=xx\n"
	    "event3 src=203.0.113.5 dst=2001:db8::5 sport=53 dport=9 "
	    "proto=17 gid=3 sid=300 id=10 app=dns\n");
	struct walk w;
	char a[ADDR_STRLEN];

	(void)state;
	walk(b.p, b.len, NULL, &w);
	assert_int_equal(w.corrupt, 0);
	assert_int_equal(w.alerts, 3);
	assert_int_equal(w.left, 0);
	assert_string_equal(addr_format(&w.first.src, a, sizeof(a)),
	    "2001:db8::1");
	assert_int_equal(w.first.ts_usec, 1700000001LL * 1000000 + 500000);
	assert_int_equal(w.first.sid, 100);
	assert_int_equal(w.first.rev, 2);
	assert_string_equal(w.first.category,
	    "Attempted Administrator Privilege Gain");
	assert_int_equal(w.first.tcp_flags, 0x02);
	assert_int_equal(w.first.established, ALERT_EST_NO);
	assert_int_equal(w.first.packet_len, 14 + 40 + 20);
	/* the v1 event's packet has another event_id: not attached */
	/* last: Snort 3 event with a v4 source and a v6 destination */
	assert_int_equal(w.last.gid, 3);
	assert_int_equal(w.last.sid, 300);
	assert_int_equal(w.last.proto, 17);
	assert_string_equal(addr_format(&w.last.src, a, sizeof(a)),
	    "203.0.113.5");
	assert_string_equal(addr_format(&w.last.dst, a, sizeof(a)),
	    "2001:db8::5");
	assert_string_equal(w.last.app_proto, "dns");
	assert_int_equal(w.last.packet_len, 0);
	/* the HTTP URI extra data of event 7; none for event 10 */
	assert_string_equal(w.first.http_url, "/etc/passwd");
	assert_string_equal(w.first.http_host, "");
	assert_string_equal(w.last.http_url, "");
	free(b.p);
}

/* Replaces each "QQ" in b (spec text can hold no such bytes) by two bytes. */
static void
patch_qq(struct u2buf *b, const char *two)
{
	size_t i;

	for (i = 0; i + 1 < b->len; i++)
		if (b->p[i] == 'Q' && b->p[i + 1] == 'Q')
			memcpy(b->p + i, two, 2);
}

/*
 * The HTTP request of an event from its extra data (URI type 9, host name
 * type 10): control and non-ASCII bytes become %XX, a client's own %XX
 * stays, another event's extra data is not taken, a long URI is cut.
 */
static void
test_extra_http_request(void **state)
{
	struct u2buf b = build(
	    "event4 src=198.51.100.9 dst=10.1.1.1 sid=200 id=8\n"
	    "extra id=8 type=10 data=www.example.org\n"
	    "extra id=8 data=/a?x=QQ&y=.%2e\n"
	    "extra id=99 type=10 data=other.example\n"
	    "event4 src=198.51.100.9 dst=10.1.1.1 sid=201 id=9\n"
	    "extra id=99 data=/not-this-event\n");
	struct walk w;
	char spec[2100];

	(void)state;
	patch_qq(&b, "\r\n");
	walk(b.p, b.len, NULL, &w);
	assert_int_equal(w.corrupt, 0);
	assert_int_equal(w.alerts, 2);
	assert_string_equal(w.first.http_host, "www.example.org");
	assert_string_equal(w.first.http_url, "/a?x=%0D%0A&y=.%2e");
	assert_string_equal(w.last.http_host, "");
	assert_string_equal(w.last.http_url, "");
	free(b.p);

	memset(spec, 0, sizeof(spec));
	snprintf(spec, sizeof(spec), "event4 sid=1 id=3\nextra id=3 data=/");
	memset(spec + strlen(spec), 'a', 1500);
	memcpy(spec + strlen(spec), "QQ", 2);
	b = build(spec);
	patch_qq(&b, "\xff\x00");
	walk(b.p, b.len, NULL, &w);
	assert_int_equal(w.alerts, 1);
	assert_int_equal(strlen(w.first.http_url), ALERT_URL_MAX - 1);
	assert_int_equal(strspn(w.first.http_url + 1, "a"), ALERT_URL_MAX - 2);
	free(b.p);
	b = build("event4 sid=1 id=3\nextra id=3 data=/abQQ\n");
	patch_qq(&b, "\xff\x00");
	walk(b.p, b.len, NULL, &w);
	assert_string_equal(w.first.http_url, "/ab%FF%00");
	free(b.p);
}

/*
 * djcas9 unified2-current.log: Snort logged the URI and host name of
 * 976 HTTP events (1,952 extra-data records); the first is Dropbox's
 * notify server.
 */
static void
test_fixture_http_request(void **state)
{
	struct u2_reader r;
	struct u2_step st;
	struct alert al;
	char path[1024];
	size_t n, off = 0, with = 0;
	uint8_t *p;
	int first = 1;

	(void)state;
	snprintf(path, sizeof(path), "%s/djcas9-unified2_unified2-current.log",
	    fixdir());
	if ((p = slurp(path, &n)) == NULL)
		skip();
	u2_reader_init(&r, NULL);
	for (;;) {
		enum u2_step_rc rc = u2_reader_step(&r, p + off, n - off, off,
		    &st);

		if (rc == U2_EMIT || (rc == U2_NEED && off == n)) {
			if (u2_reader_take(&r, &al) == 1 && al.http_url[0]) {
				assert_true(al.http_host[0] != '\0');
				if (first)
					assert_string_equal(al.http_host,
					    "notify9.dropbox.com");
				first = 0;
				with++;
			}
			if (rc == U2_NEED)
				break;
			continue;
		}
		assert_int_equal(rc, U2_OK);
		off += U2_HDR_LEN + st.len;
	}
	assert_int_equal(with, 976);
	u2_reader_free(&r);
	free(p);
}

static void
test_blocked_v1_and_unattached_packet(void **state)
{
	struct u2buf b = build(
	    "event4 src=198.51.100.9 dst=10.1.1.1 sid=200 id=8 v1 blocked=1\n"
	    "packet id=9 src=198.51.100.9 dst=10.1.1.1 flags=PA payload=xx\n");
	struct walk w;

	(void)state;
	walk(b.p, b.len, NULL, &w);
	assert_int_equal(w.alerts, 1);
	assert_string_equal(w.first.action, "blocked");
	assert_int_equal(w.first.packet_len, 0);
	assert_int_equal(w.first.established, ALERT_EST_UNKNOWN);
	assert_int_equal(w.first.offset, 0);
	free(b.p);
}

/* Snort 3 with legacy_events writes type 104 with app_name[64]: 124. */
static void
test_v2_with_app_name(void **state)
{
	struct u2buf b = build("event4 sid=5 id=1 dport=443\n");
	char app[64] = "https";
	struct walk w;

	(void)state;
	b.p[7] = 124;
	u2b_put(&b, app, sizeof(app));
	walk(b.p, b.len, NULL, &w);
	assert_int_equal(w.corrupt, 0);
	assert_int_equal(w.alerts, 1);
	assert_int_equal(w.first.sid, 5);
	assert_int_equal(w.first.dport, 443);
	assert_string_equal(w.first.app_proto, "https");
	free(b.p);
}

static void
test_truncated_and_corrupt(void **state)
{
	struct u2buf b = build(
	    "event4 sid=1 id=1\n"
	    "truncate 7\n");
	struct u2buf c = build(
	    "event4 sid=1 id=1\n"
	    "garbage\n"
	    "event4 sid=2 id=2\n"
	    "garbage huge\n"
	    "event4 sid=3 id=3\n");
	struct u2_reader r;
	struct u2_step st;
	struct walk w;

	(void)state;
	walk(b.p, b.len, NULL, &w);
	assert_int_equal(w.alerts, 0);
	assert_int_equal(w.left, 8 + 60 - 7);
	walk(c.p, c.len, NULL, &w);
	/* the short event is skipped by its length, the huge one is not */
	assert_int_equal(w.corrupt, 2);
	assert_int_equal(w.alerts, 2);
	assert_int_equal(w.last.sid, 2);
	u2_reader_init(&r, NULL);
	assert_int_equal(u2_reader_step(&r, c.p + 68, c.len - 68, 68, &st),
	    U2_CORRUPT);
	assert_true(st.skippable);
	assert_non_null(strstr(st.why, "length 10"));
	assert_int_equal(u2_reader_step(&r, c.p + 68 + 18 + 68,
	    c.len - 68 - 18 - 68, 0, &st), U2_CORRUPT);
	assert_false(st.skippable);
	u2_reader_free(&r);
	free(b.p);
	free(c.p);
}

/* u2_resync: past garbage to the next record, waiting when it cannot tell. */
static void
test_resync(void **state)
{
	struct u2buf a = build(
	    "event4 sid=1 id=1\n"
	    "packet id=1 src=192.0.2.1 dst=10.0.0.1 sport=1 dport=80\n");
	struct u2buf b = build(
	    "event4 sid=2 id=2\n"
	    "packet id=2 src=192.0.2.1 dst=10.0.0.1 sport=1 dport=80\n"
	    "event3 src=192.0.2.1 dst=10.0.0.1 sid=3 id=3\n");
	uint8_t buf[4096];
	size_t n, at, i;

	(void)state;
	/* an event header with a good type and length but no body fields
	 * that make sense, then garbage, then records */
	memcpy(buf, a.p, a.len);
	for (i = 0; i < 300; i++)
		buf[a.len + i] = (uint8_t)(i * 37 + 11);
	memcpy(buf + a.len + 300, b.p, b.len);
	n = a.len + 300 + b.len;
	assert_int_equal(u2_resync(buf + a.len, n - a.len, 1, 1, &at), 1);
	assert_int_equal(at, 300);
	/* from the start of the corrupt record only: not the record itself */
	assert_int_equal(u2_resync(buf, n, 1, 1, &at), 1);
	assert_true(at > 0);
	/* the next record's successor not read yet: wait, keep it */
	assert_int_equal(u2_resync(buf + a.len, 300 + 68 + 4, 1, 0, &at), 0);
	assert_int_equal(at, 300);
	/* at the end of a file: none */
	assert_int_equal(u2_resync(buf + a.len, 300, 1, 1, &at), -1);
	assert_int_equal(at, 300);
	/* a last record at the end of the data counts */
	assert_int_equal(u2_resync(b.p, b.len, 1, 1, &at), 1);
	assert_true(at > 0 && at < b.len);
	free(a.p);
	free(b.p);
}

/* ------------------------------------------------------ the input */

static char tmpdir[256];

static void
write_file(const char *name, const char *spec, int append)
{
	struct u2buf b = build(spec);
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, append ? "ab" : "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(b.p, 1, b.len, f), b.len);
	fclose(f);
	free(b.p);
}

static int
setup_dir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/redress-u2unit.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int
teardown_dir(void **state)
{
	char cmd[600];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Reads until next() returns 0; sids appended to out, errors counted. */
static int
drain(struct input *in, char *out, size_t len, int *errs)
{
	struct alert al;
	struct err e;
	int rc, n = 0, guard = 0;

	while (guard++ < 1000) {
		memset(&e, 0, sizeof(e));
		rc = in->ops->next(in, &al, &e);
		if (rc == 0)
			break;
		if (rc < 0) {
			(*errs)++;
			if (rc == -2)
				break;
			continue;
		}
		n++;
		snprintf(out + strlen(out), len - strlen(out), "%u ", al.sid);
	}
	return n;
}

static void
test_input_spool(void **state)
{
	struct input *in;
	struct err e = { "", 0 };
	char got[512] = "", bm[INPUT_BOOKMARK_MAX];
	int errs = 0;

	(void)state;
	write_file("snort.u2.1000", "event4 sid=1 id=1\n"
	    "packet id=1 flags=PA payload=abc\nevent4 sid=2 id=2\n", 0);
	write_file("snort.u2.999", "event4 sid=99 id=1\n", 0);
	write_file("other.1001", "event4 sid=77 id=1\n", 0);
	in = input_new(&input_unified2, tmpdir, 1);
	assert_int_equal(in->ops->open(in, &e), 0);
	assert_int_equal(in->ops->fd(in), -1);
	/* 999 before 1000 (numeric order); the held event 2 waits */
	drain(in, got, sizeof(got), &errs);
	assert_string_equal(got, "99 1 ");
	usleep(300 * 1000);		/* poll_ms: the held event goes out */
	drain(in, got, sizeof(got), &errs);
	assert_string_equal(got, "99 1 2 ");
	in->ops->bookmark(in);
	assert_string_equal(in->bookmark, "snort.u2.1000:229");
	/* a partial record at the end of the newest file is waited for */
	write_file("snort.u2.1000", "event4 sid=3 id=3\ntruncate 20\n", 1);
	drain(in, got, sizeof(got), &errs);
	assert_int_equal(errs, 0);
	/* a newer file: the partial one is called truncated, then skipped */
	write_file("snort.u2.1002", "event4 sid=4 id=4\n", 0);
	usleep(300 * 1000);
	drain(in, got, sizeof(got), &errs);
	assert_int_equal(errs, 1);
	usleep(300 * 1000);
	drain(in, got, sizeof(got), &errs);
	assert_string_equal(got, "99 1 2 4 ");
	in->ops->bookmark(in);
	snprintf(bm, sizeof(bm), "%s", in->bookmark);
	assert_string_equal(bm, "snort.u2.1002:68");
	in->ops->close(in);
	input_free(in);

	/* restart from a bookmark in the middle: exactly the rest */
	in = input_new(&input_unified2, tmpdir, 0);
	snprintf(in->bookmark, sizeof(in->bookmark), "snort.u2.1000:161");
	assert_int_equal(in->ops->open(in, &e), 0);
	got[0] = '\0';
	errs = 0;
	drain(in, got, sizeof(got), &errs);
	assert_string_equal(got, "2 4 ");
	assert_int_equal(errs, 1);	/* the truncated record in 1000 */
	in->ops->close(in);
	input_free(in);
}

static void
test_input_corrupt_policy(void **state)
{
	struct input *in;
	struct err e = { "", 0 };
	struct alert al;
	struct diag d;
	struct conf_node *cn;
	char got[256] = "", yaml[512];
	int errs = 0, rc;

	(void)state;
	write_file("c.u2", "event4 sid=1 id=1\ngarbage\nevent4 sid=2 id=2\n",
	    0);
	snprintf(yaml, sizeof(yaml), "%s/c.u2", tmpdir);
	in = input_new(&input_unified2, yaml, 0);
	assert_int_equal(in->ops->open(in, &e), 0);
	/* the bad record is reported as soon as it is met */
	memset(&e, 0, sizeof(e));
	rc = in->ops->next(in, &al, &e);
	assert_int_equal(rc, -1);
	assert_non_null(strstr(e.msg, "corrupt at "));
	assert_non_null(strstr(e.msg, "c.u2 offset 68: "));
	memset(&e, 0, sizeof(e));
	rc = in->ops->next(in, &al, &e);
	assert_int_equal(rc, 1);
	assert_int_equal(al.sid, 1);
	drain(in, got, sizeof(got), &errs);
	assert_string_equal(got, "2 ");
	in->ops->close(in);
	input_free(in);

	/* on_corrupt: abandon stops at the bad record */
	diag_init(&d);
	snprintf(yaml, sizeof(yaml), "type: unified2\npath: %s/c.u2\n"
	    "on_corrupt: abandon\n", tmpdir);
	cn = conf_parse("t.yaml", yaml, strlen(yaml), &d);
	assert_non_null(cn);
	in = input_new(&input_unified2, conf_get(cn, "path")->value, 0);
	assert_int_equal(in->ops->configure(in, cn, &d), 0);
	assert_int_equal(in->ops->open(in, &e), 0);
	got[0] = '\0';
	errs = 0;
	drain(in, got, sizeof(got), &errs);
	assert_string_equal(got, "1 ");
	assert_int_equal(errs, 1);
	in->ops->close(in);
	input_free(in);
	conf_free(cn);

	/* unknown keys and finished: archive without archive_dir */
	snprintf(yaml, sizeof(yaml), "type: unified2\npath: %s\n"
	    "finished: archive\nbogus: 1\n", tmpdir);
	cn = conf_parse("t.yaml", yaml, strlen(yaml), &d);
	in = input_new(&input_unified2, tmpdir, 1);
	assert_int_equal(in->ops->configure(in, cn, &d), 2);
	input_free(in);
	conf_free(cn);
	diag_clear(&d);
}

/* A record larger than the read buffer (1 MiB) is read whole. */
static void
test_input_big_record(void **state)
{
	struct input *in;
	struct err e = { "", 0 };
	char got[64] = "", path[512];
	int errs = 0;

	(void)state;
	write_file("big.u2", "event4 sid=1 id=1\nunknown type=5 len=3000000\n"
	    "event4 sid=2 id=2\n", 0);
	snprintf(path, sizeof(path), "%s/big.u2", tmpdir);
	in = input_new(&input_unified2, path, 0);
	assert_int_equal(in->ops->open(in, &e), 0);
	drain(in, got, sizeof(got), &errs);
	assert_string_equal(got, "1 2 ");
	assert_int_equal(errs, 0);
	assert_int_equal(in->stats.events, 3);
	assert_int_equal(in->stats.bytes, 68 + 8 + 3000000 + 68);
	in->ops->bookmark(in);
	assert_string_equal(in->bookmark, "big.u2:3000144");
	in->ops->close(in);
	input_free(in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures_all_parse),
		cmocka_unit_test(test_fixture_merged_fields),
		cmocka_unit_test(test_fixture_ipv6_fields),
		cmocka_unit_test(test_fixture_legacy_and_zeek_fields),
		cmocka_unit_test(test_fixture_extra_data),
		cmocka_unit_test(test_fixture_http_request),
		cmocka_unit_test(test_extra_http_request),
		cmocka_unit_test(test_built_records),
		cmocka_unit_test(test_blocked_v1_and_unattached_packet),
		cmocka_unit_test(test_v2_with_app_name),
		cmocka_unit_test(test_truncated_and_corrupt),
		cmocka_unit_test(test_resync),
		cmocka_unit_test_setup_teardown(test_input_spool, setup_dir,
		    teardown_dir),
		cmocka_unit_test_setup_teardown(test_input_corrupt_policy,
		    setup_dir, teardown_dir),
		cmocka_unit_test_setup_teardown(test_input_big_record,
		    setup_dir, teardown_dir),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
