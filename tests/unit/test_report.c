/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the report builder: subject, polite text with readable
 * evidence lines, X-ARF v0.2 and XARF v4 parts, hostile contact names,
 * and the Message-ID form. Uses the templates/ of the source tree (run
 * from the top directory, or set REDRESS_TEMPLATES).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <jansson.h>

#include "config.h"
#include "diag_has.h"
#include "eve_parse.h"
#include "report.h"
#include "utf8.h"
#include "xmalloc.h"

static char ev1[] = "{\"timestamp\":\"2024-03-01T10:15:02.123456+0000\","
    "\"src_ip\":\"212.64.110.94\",\"src_port\":40123,"
    "\"dest_ip\":\"192.0.2.10\",\"dest_port\":21,\"proto\":\"TCP\","
    "\"alert\":{\"gid\":1,\"signature_id\":2101378,"
    "\"signature\":\"GPL FTP wu-ftp bad file completion attempt\"}}";
static char ev_bad[] = "not json";

static void
conf_init(struct report_conf *rc)
{
	const char *dir = getenv("REDRESS_TEMPLATES");

	memset(rc, 0, sizeof(*rc));
	rc->name = "Jane Doe";
	rc->organisation = "Example Org";
	rc->role = "network security team";
	rc->from = "abuse-reports@example.org";
	rc->key_url = "https://example.org/pgp.asc";
	rc->template_dir = dir != NULL ? (char *)dir : "templates";
	rc->xarf = XARF_BOTH;
}

/* Message-IDs are in the From domain unless message_id_domain says. */
static void
test_report_mid_domain(void **state)
{
	struct report_conf	rc;
	char			*mid;

	(void)state;
	conf_init(&rc);
	assert_string_equal(report_mid_domain(&rc), "example.org");
	mid = report_message_id(report_mid_domain(&rc), 7);
	assert_non_null(strstr(mid, "@example.org>"));
	free(mid);
	rc.message_id_domain = "reports.example.net";
	assert_string_equal(report_mid_domain(&rc), "reports.example.net");
}

static void
incident_init(struct incident_row *in, enum incident_kind k)
{
	memset(in, 0, sizeof(*in));
	in->kind = k;
	strlcpy_r(in->src, "212.64.110.94", sizeof(in->src));
	strlcpy_r(in->dst, "192.0.2.10", sizeof(in->dst));
	in->first_usec = 1709288102123456LL;
	in->last_usec = 1709288162000000LL;
	in->alerts = 2;
}

static void
test_report_build_exploit(void **state)
{
	struct report_conf	 rc;
	struct incident_row	 in;
	char			*ev[] = { ev1, ev_bad };
	struct report_incident	 ri = { &in, ev, 2, NULL, 0, 0, NULL, 0 };
	struct report_contact	 c = { "abuse@casema.net", "casema.net",
				    "rdap", 0, "", 0 };
	struct report		 r;
	struct err		 e = { "", 0 };
	size_t			 i;
	int			 seen_xarf = 0, seen_json = 0;

	(void)state;
	setenv("TZ", "Europe/Amsterdam", 1);
	tzset();
	conf_init(&rc);
	incident_init(&in, INCIDENT_EXPLOIT);
	assert_int_equal(report_build(&rc, &ri, 1, &c, 1709290000000000LL,
	    &r, &e), 0);
	assert_string_equal(r.subject,
	    "[SECURITY] FTP exploit attempt from casema.net (212.64.110.94)");
	assert_string_equal(r.to, "abuse@casema.net");
	assert_non_null(strstr(r.body, "Jane Doe, network security team at "
	    "Example Org"));
	assert_non_null(strstr(r.body, "2024-03-01 11:15:02 CET (UTC+0100)"
	    "  212.64.110.94:40123 -> 192.0.2.10:21 TCP  [1:2101378] GPL FTP"));
	assert_non_null(strstr(r.body, "no sign that this activity "
	    "compromised"));
	assert_null(strstr(r.body, "blocked"));
	assert_null(strstr(r.body, "known attack"));
	assert_non_null(strstr(r.body, "can be forged"));
	/* Unsigned: the text does not say it is signed. */
	assert_null(strstr(r.body, "signed with our PGP key"));
	assert_non_null(strstr(r.body, "\nA person checked it before it was "
	    "sent.\n"));
	assert_null(strstr(r.body, "{{"));
	/* X-ARF 0.2: text, report.txt, logs.txt, nothing else. */
	assert_int_equal(r.xarf_v02, 1);
	assert_int_equal(r.nparts, 2);
	assert_string_equal(r.parts[0].filename, "report.txt");
	assert_string_equal(r.parts[1].filename, "logs.txt");
	for (i = 0; i < r.nparts; i++) {
		if (strcmp(r.parts[i].filename, "report.txt") == 0) {
			seen_xarf = 1;
			assert_non_null(strstr((char *)r.parts[i].data,
			    "Report-Type: malware-attack\n"));
			assert_non_null(strstr((char *)r.parts[i].data,
			    "Source: 212.64.110.94\n"));
			assert_non_null(strstr((char *)r.parts[i].data,
			    "Report-ID: redress-0-"));
			assert_non_null(strstr((char *)r.parts[i].data,
			    "@example.org\n"));
			assert_non_null(strstr((char *)r.parts[i].data,
			    "Date: 2024-03-01T10:15:02Z\n"));
			assert_non_null(strstr((char *)r.parts[i].data,
			    "abuse_malware-attack_0.1.4.json\n"));
		}
		if (strcmp(r.parts[i].filename, "xarf.json") == 0)
			seen_json = 1;
	}
	assert_true(seen_xarf && !seen_json);
	assert_null(strstr(r.body, "more alerts"));
	report_free(&r);
	/* More alerts than evidence lines: the text says how many. */
	in.alerts = 40;
	assert_int_equal(report_build(&rc, &ri, 1, &c, 1709290000000000LL,
	    &r, &e), 0);
	assert_non_null(strstr(r.body, "  ... and 38 more alerts\n"));
	report_free(&r);
	/* Signed, and approved without review: the text says just that. */
	{
		char *kinds[] = { "exploit" };

		rc.sign_key = "reports@example.org";
		rc.skip_review.v = kinds;
		rc.skip_review.n = 1;
		assert_int_equal(report_build(&rc, &ri, 1, &c,
		    1709290000000000LL, &r, &e), 0);
		assert_non_null(strstr(r.body, "It is signed with our PGP key "
		    "(https://example.org/pgp.asc).\n"));
		assert_null(strstr(r.body, "A person checked"));
		report_free(&r);
	}
}

/* Every byte of s is UTF-8 text with no control but LF (and TAB). */
static void
assert_safe_text(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		size_t n = *p >= 0x80 ? utf8_len(p, SIZE_MAX) : 1;

		if (n == 0)
			fail_msg("not UTF-8 at offset %zu", (size_t)((const char *)p - s));
		if (n == 1 && ((*p < 0x20 && *p != '\n' && *p != '\t') ||
		    *p == 0x7f))
			fail_msg("control 0x%02x at offset %zu", *p,
			    (size_t)((const char *)p - s));
		if ((n == 2 && p[0] == 0xc2 && p[1] < 0xa0) ||
		    (n == 3 && p[0] == 0xe2 && p[1] == 0x80 &&
		    (p[2] == 0xa8 || p[2] == 0xa9 || (p[2] >= 0xaa &&
		    p[2] <= 0xae))))
			fail_msg("line or bidi control at offset %zu",
			    (size_t)((const char *)p - s));
		p += n;
	}
}

/*
 * Hostile bytes from the sensor to the report body: an EVE line with a
 * NUL, a lone surrogate, invalid UTF-8, U+2028, U+0085 and a bidi
 * override is parsed, stored as alert JSON and rendered: the evidence is
 * there, shown as escapes, and the text is safe.
 */
static void
test_report_build_hostile_evidence(void **state)
{
	static const char line[] = "{\"timestamp\":"
	    "\"2024-03-01T10:15:02.123456+0000\",\"event_type\":\"alert\","
	    "\"src_ip\":\"212.64.110.94\",\"src_port\":40123,\"dest_ip\":"
	    "\"192.0.2.10\",\"dest_port\":80,\"proto\":\"TCP\",\"alert\":"
	    "{\"gid\":1,\"signature_id\":2101378,\"signature\":\"ET x\\ud800"
	    "\xff\\u2028Bcc: y\\u0085z\\u202egpj.exe\"},\"http\":{\"url\":"
	    "\"/a\\u0000b\\r\\nX: 1\",\"hostname\":\"h\xc3\"}}";
	struct report_conf	 rc;
	struct incident_row	 in;
	struct alert		 al;
	struct alert_scratch	 sc = { 0 };
	char			 json[4096];
	char			*ev[] = { json };
	struct report_incident	 ri = { &in, ev, 1, NULL, 0 };
	struct report_contact	 c = { "abuse@casema.net", "casema.net",
				    "rdap", 0, "" };
	struct report		 r;
	struct err		 e = { "", 0 };
	size_t			 i;

	(void)state;
	setenv("TZ", "UTC", 1);
	assert_int_equal(eve_parse(line, sizeof(line) - 1, &al, &sc, &e), 1);
	alert_scratch_free(&sc);
	assert_true(alert_json(&al, json, sizeof(json)) < sizeof(json));
	conf_init(&rc);
	incident_init(&in, INCIDENT_EXPLOIT);
	in.alerts = 1;
	assert_int_equal(report_build(&rc, &ri, 1, &c, 1709290000000000LL,
	    &r, &e), 0);
	assert_non_null(strstr(r.body, "[1:2101378] ET x\\xED\\xA0\\x80\\xFF"
	    "\\u2028Bcc: y\\u0085z\\u202Egpj.exe  (HTTP h\\xC3 "
	    "/a\\x00b\\x0D\\x0AX: 1)"));
	assert_safe_text(r.body);
	assert_safe_text(r.subject);
	for (i = 0; i < r.nparts; i++)
		if (strcmp(r.parts[i].filename, "xarf.json") == 0)
			assert_non_null(strstr((char *)r.parts[i].data,
			    "x00b"));
	report_free(&r);
}

/* The P.S. of incidents that joined a report after its text was edited. */
static void
test_report_addendum(void **state)
{
	struct incident_row	 in[2];
	char			*ev[] = { ev1, ev_bad };
	struct report_incident	 ri[2] = { { &in[0], ev, 2, NULL, 0, 0, NULL, 0 },
				    { &in[1], ev, 1, NULL, 0, 0, NULL, 0 } };
	char			*ps;

	(void)state;
	setenv("TZ", "Europe/Amsterdam", 1);
	tzset();
	incident_init(&in[0], INCIDENT_SCAN);
	incident_init(&in[1], INCIDENT_BRUTE_FORCE);
	strlcpy_r(in[1].src, "212.64.110.95", sizeof(in[1].src));
	in[1].alerts = 7;
	assert_null(report_addendum(ri, 0));
	ps = report_addendum(ri, 1);
	assert_non_null(ps);
	assert_non_null(strstr(ps, "P.S. Since this text was written, one "
	    "more incident has joined this report:\n"));
	assert_non_null(strstr(ps, "Source address:  212.64.110.94\n"
	    "Our host:        192.0.2.10\nWhat:            port scan\n"
	    "First seen:      2024-03-01 11:15:02 CET (UTC+0100)\n"));
	assert_non_null(strstr(ps, "Alerts:          2\n"));
	assert_non_null(strstr(ps, "  2024-03-01 11:15:02 CET (UTC+0100)  "
	    "212.64.110.94:40123 -> 192.0.2.10:21 TCP  [1:2101378] GPL FTP"));
	assert_null(strstr(ps, "more alerts"));
	assert_null(strstr(ps, "not json"));
	free(ps);
	ps = report_addendum(ri, 2);
	assert_non_null(ps);
	assert_non_null(strstr(ps, "more incidents have joined this "
	    "report:\n"));
	assert_non_null(strstr(ps, "Source address:  212.64.110.95\n"));
	assert_non_null(strstr(ps, "What:            password guessing\n"));
	assert_non_null(strstr(ps, "  ... and 6 more alerts\n"));
	free(ps);
}

static void
test_report_build_hostile_contact(void **state)
{
	struct report_conf	 rc;
	struct incident_row	 in;
	struct report_incident	 ri = { &in, NULL, 0, NULL, 0, 0, NULL, 0 };
	struct report_contact	 c = { "abuse@evil.example",
				    "evil\r\nBcc: x@y.example", "whois", 1, "", 0 };
	struct report		 r;
	struct err		 e = { "", 0 };

	(void)state;
	conf_init(&rc);
	incident_init(&in, INCIDENT_SCAN);
	assert_int_equal(report_build(&rc, &ri, 1, &c, 1709290000000000LL,
	    &r, &e), 0);
	assert_null(strchr(r.subject, '\n'));
	assert_null(strchr(r.subject, '\r'));
	assert_string_equal(r.subject, "[SECURITY] port scan from "
	    "evilBcc: x@y.example (212.64.110.94)");
	assert_null(strstr(r.body, "\nBcc:"));
	report_free(&r);
}

static void
test_report_build_compromise(void **state)
{
	struct report_conf	 rc;
	struct incident_row	 in;
	struct report_incident	 ri = { &in, NULL, 0, NULL, 0, 0, NULL, 0 };
	struct report_contact	 c = { "soc@example.org", "", "config", 0, "",
				    0 };
	struct report		 r;
	struct err		 e = { "", 0 };

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	conf_init(&rc);
	incident_init(&in, INCIDENT_COMPROMISE);
	assert_int_equal(report_build(&rc, &ri, 1, &c, 1709290000000000LL,
	    &r, &e), 0);
	/* Nothing was contained: the text must not say so. */
	assert_null(strstr(r.body, "taken it off"));
	assert_null(strstr(r.body, "WAS compromised"));
	assert_non_null(strstr(r.body, "Blocked:         no\n"));
	assert_non_null(strstr(r.body, "The host has not been blocked.\n"));
	/* No schema fits a report to our own team. */
	assert_int_equal(r.xarf_v02, 0);
	assert_int_equal(r.nparts, 0);
	report_free(&r);
	ri.contained_until = 1709293600000000LL;
	assert_int_equal(report_build(&rc, &ri, 1, &c, 1709290000000000LL,
	    &r, &e), 0);
	assert_non_null(strstr(r.body, "Blocked:         on our side "
	    "until 2024-03-01 11:46:40"));
	assert_non_null(strstr(r.body, "The host is blocked on our "
	    "side"));
	assert_null(strstr(r.body, "has not been blocked"));
	report_free(&r);
}

/* Whether s occurs in r's subject, text or any part. */
static int
report_has(const struct report *r, const char *s)
{
	size_t i;

	if (strstr(r->subject, s) != NULL || strstr(r->body, s) != NULL)
		return 1;
	for (i = 0; i < r->nparts; i++)
		if (memmem(r->parts[i].data, r->parts[i].len, s,
		    strlen(s)) != NULL)
			return 1;
	return 0;
}

/*
 * Our own team hears which accounts were locked and what ended, from the
 * incident's notes; the attacker's abuse desk, given the same incident
 * with its notes, never sees a local account name.
 */
static void
test_report_build_team_local_containment(void **state)
{
	struct report_conf	 rc;
	struct incident_row	 in;
	struct note_row		 nv[6];
	char			*ev[] = { ev1 };
	struct report_incident	 ri = { &in, ev, 1, NULL, 0, 0, nv, 4 };
	struct report_contact	 team = { "soc@example.org", "Example Org",
				    "config", 0, "", 1 };
	struct report_contact	 desk = { "abuse@casema.net", "casema.net",
				    "rdap", 0, "", 0 };
	struct report		 r;
	struct err		 e = { "", 0 };
	char			 host[256], want[512];
	static const char *const nt[][2] = {
		{ "mallory", "212.64.110.94 holds 0 sessions and 1 connection "
		    "of mallory" },
		{ "mallory", "locked mallory (expired)" },
		{ "mallory", "SIGTERM to 2 processes of mallory" },
		{ "wwwrun", "refused: wwwrun has uid 33, under min_uid 1000 "
		    "(held by 212.64.110.94)" },
		{ "mallory", "mallory came back: connection from 198.51.100.4" },
		{ "mallory", "unlocked mallory by hand: alice (through sudo)" },
	};
	size_t			 i;

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	conf_init(&rc);
	incident_init(&in, INCIDENT_EXPLOIT);
	in.id = 7;
	memset(nv, 0, sizeof(nv));
	for (i = 0; i < 6; i++) {
		nv[i].id = (int64_t)i + 1;
		nv[i].incident_id = 7;
		nv[i].at_usec = 1709290000000000LL + (int64_t)i;
		strlcpy_r(nv[i].source, "lockacct", sizeof(nv[i].source));
		strlcpy_r(nv[i].subject, nt[i][0], sizeof(nv[i].subject));
		strlcpy_r(nv[i].text, nt[i][1], sizeof(nv[i].text));
	}
	assert_int_equal(gethostname(host, sizeof(host)), 0);
	host[sizeof(host) - 1] = '\0';

	assert_int_equal(report_build(&rc, &ri, 1, &team, 1709290000000000LL,
	    &r, &e), 0);
	snprintf(want, sizeof(want), "[SECURITY] account mallory locked on "
	    "%s (exploit attempt from 212.64.110.94)", host);
	assert_string_equal(r.subject, want);
	snprintf(want, sizeof(want), "We locked the account mallory on %s "
	    "(password locked and account expired)\nbecause 212.64.110.94, "
	    "the address that attacked us, held a connection of it.\n"
	    "Processes ended: 2 sent SIGTERM.\nTo undo: redress unlock "
	    "mallory\n", host);
	assert_non_null(strstr(r.body, want));
	assert_non_null(strstr(r.body, "Not locked: wwwrun has uid 33, under "
	    "min_uid 1000 (held by 212.64.110.94).\n"));
	assert_non_null(strstr(r.body, "  2024-03-01 10:46:40 UTC  lockacct: "
	    "locked mallory (expired)\n"));
	assert_null(strstr(r.body, "came back"));
	assert_null(strstr(r.body, "SIGKILL"));
	report_free(&r);

	/* The same incident to the attacker's desk: no account named. */
	assert_int_equal(report_build(&rc, &ri, 1, &desk, 1709290000000000LL,
	    &r, &e), 0);
	assert_non_null(strstr(r.subject, "exploit attempt from casema.net"));
	assert_int_equal(report_has(&r, "mallory"), 0);
	assert_int_equal(report_has(&r, "wwwrun"), 0);
	assert_int_equal(report_has(&r, "lockacct"), 0);
	assert_int_equal(report_has(&r, host), 0);
	report_free(&r);

	/* Came back, then unlocked by hand: said, and no undo offered. */
	ri.nnotes = 6;
	assert_int_equal(report_build(&rc, &ri, 1, &team, 1709290000000000LL,
	    &r, &e), 0);
	assert_non_null(strstr(r.body, "mallory came back: connection from "
	    "198.51.100.4.\n"));
	assert_non_null(strstr(r.body, "Since then: unlocked mallory by hand: "
	    "alice (through sudo).\n"));
	assert_null(strstr(r.body, "To undo"));
	report_free(&r);
}

static char ev_ssh[] = "{\"timestamp\":\"2024-03-01T10:15:02.123456+0000\","
    "\"src_ip\":\"212.64.110.94\",\"src_port\":40100,"
    "\"dest_ip\":\"192.0.2.10\",\"dest_port\":22,\"proto\":\"TCP\","
    "\"host\":\"sensor1.example.org\","
    "\"alert\":{\"gid\":1,\"signature_id\":2006546,"
    "\"signature\":\"ET SCAN LibSSH Based Frequent SSH Connections\"},"
    "\"redress\":{\"input\":{\"type\":\"eve\","
    "\"file\":\"/var/log/suricata/eve.json\",\"offset\":4711}}}";

/* The part named name of r, or NULL. */
static const struct report_part *
part_named(const struct report *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nparts; i++)
		if (strcmp(r->parts[i].filename, name) == 0)
			return &r->parts[i];
	return NULL;
}

static void
test_report_build_brute_force_xarf(void **state)
{
	struct report_conf	 rc;
	struct incident_row	 in;
	char			*ev[] = { ev_ssh };
	unsigned char		 pcap[24] = { 0xd4, 0xc3, 0xb2, 0xa1 };
	struct report_incident	 ri = { &in, ev, 1, NULL, 0, 0, NULL, 0 };
	struct report_contact	 c = { "abuse@casema.net", "casema.net",
				    "rdap", 0, "", 0 };
	const struct report_part *p;
	struct report		 r;
	struct err		 e = { "", 0 };
	json_t			*o, *smp;

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
	conf_init(&rc);
	incident_init(&in, INCIDENT_BRUTE_FORCE);
	in.id = 7;
	assert_int_equal(report_build(&rc, &ri, 1, &c, 1709290000000000LL,
	    &r, &e), 0);
	assert_non_null(strstr(r.subject, "SSH password guessing"));
	assert_null(strstr(r.body, "known attack"));
	assert_null(strstr(r.body, "different passwords"));
	assert_int_equal(r.xarf_v02, 1);
	assert_non_null(p = part_named(&r, "report.txt"));
	assert_non_null(strstr((char *)p->data, "Report-Type: login-attack\n"
	    "Service: SSH\nPort: 22\n"));
	assert_non_null(strstr((char *)p->data, "Destination: 192.0.2.10\n"
	    "Destination-Type: ipv4\n"));
	assert_non_null(strstr((char *)p->data, "Report-ID: redress-7-"));
	assert_null(part_named(&r, "xarf.json"));
	report_free(&r);
	/* Blocked for real: the text says until when. */
	ri.contained_until = 1709293600000000LL;
	assert_int_equal(report_build(&rc, &ri, 1, &c, 1709290000000000LL,
	    &r, &e), 0);
	assert_non_null(strstr(r.body, "We have blocked this address on our "
	    "side until 2024-03-01 11:46:40 UTC"));
	report_free(&r);
	/* The XARF JSON, schema version 3: LoginAttack, the reporter's
	 * domain, samples as objects with the sensor's log line and never
	 * the reporter's file path or offset. */
	rc.xarf = XARF_V4;
	assert_int_equal(report_build(&rc, &ri, 1, &c, 1709290000000000LL,
	    &r, &e), 0);
	assert_int_equal(r.xarf_v02, 0);
	assert_null(part_named(&r, "report.txt"));
	assert_non_null(p = part_named(&r, "xarf.json"));
	o = json_loadb((const char *)p->data, p->len, 0, NULL);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "Version")),
	    "3");
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    o, "ReporterInfo"), "ReporterOrgDomain")), "example.org");
	assert_string_equal(json_string_value(json_object_get(json_object_get(
	    o, "Report"), "ReportType")), "LoginAttack");
	smp = json_array_get(json_object_get(json_object_get(o, "Report"),
	    "Samples"), 0);
	assert_true(json_is_object(smp));
	assert_non_null(strstr(json_string_value(json_object_get(smp,
	    "Payload")), "212.64.110.94:40100 -> 192.0.2.10:22 TCP  "
	    "[1:2006546]"));
	assert_non_null(strstr(json_string_value(json_object_get(smp,
	    "Description")), "sensor1.example.org"));
	json_decref(o);
	assert_null(memmem(p->data, p->len, "/var/log", 8));
	assert_null(memmem(p->data, p->len, "4711", 4));
	report_free(&r);
	/* A pcap would be a fourth part: no X-ARF 0.2 then. */
	rc.xarf = XARF_BOTH;
	rc.attach_pcap = 1;
	ri.pcap = pcap;
	ri.pcap_len = sizeof(pcap);
	assert_int_equal(report_build(&rc, &ri, 1, &c, 1709290000000000LL,
	    &r, &e), 0);
	assert_int_equal(r.xarf_v02, 0);
	assert_null(part_named(&r, "report.txt"));
	assert_non_null(part_named(&r, "evidence.pcap"));
	report_free(&r);
}

/* Kinds without an X-ARF 0.2 schema: the JSON where one fits, or none. */
static void
test_report_build_xarf_per_kind(void **state)
{
	static const struct {
		enum incident_kind	 k;
		const char		*v02, *json;
	} want[] = {
		{ INCIDENT_PROBE, NULL, "PortScan" },
		{ INCIDENT_SWEEP, NULL, "PortScan" },
		{ INCIDENT_SCAN, NULL, "PortScan" },
		{ INCIDENT_BRUTE_FORCE, "login-attack", "LoginAttack" },
		{ INCIDENT_EXPLOIT, "malware-attack", "Exploit" },
		{ INCIDENT_COMPROMISE, NULL, NULL },
		{ INCIDENT_DOS, NULL, NULL },
		{ INCIDENT_OTHER, NULL, NULL },
	};
	struct report_conf	 rc;
	struct incident_row	 in;
	char			*ev[] = { ev_ssh };
	struct report_incident	 ri = { &in, ev, 1, NULL, 0, 0, NULL, 0 };
	struct report_contact	 c = { "abuse@casema.net", "casema.net",
				    "rdap", 0, "", 0 };
	struct report		 r;
	struct err		 e = { "", 0 };
	size_t			 i;

	(void)state;
	conf_init(&rc);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		incident_init(&in, want[i].k);
		if (want[i].v02 == NULL)
			assert_null(report_xarf02_type(want[i].k));
		else
			assert_string_equal(report_xarf02_type(want[i].k),
			    want[i].v02);
		if (want[i].json == NULL)
			assert_null(report_xarf3_type(want[i].k));
		else
			assert_string_equal(report_xarf3_type(want[i].k),
			    want[i].json);
		assert_int_equal(report_build(&rc, &ri, 1, &c,
		    1709290000000000LL, &r, &e), 0);
		/* Nothing blocked: no template of any kind says so. */
		assert_null(strstr(r.body, "We have blocked"));
		assert_null(strstr(r.body, "blocked on our side"));
		assert_null(strstr(r.body, "taken it off"));
		assert_null(strstr(r.body, "WAS compromised"));
		assert_int_equal(r.xarf_v02, want[i].v02 != NULL);
		assert_true((part_named(&r, "report.txt") != NULL) ==
		    (want[i].v02 != NULL));
		assert_true((part_named(&r, "xarf.json") != NULL) ==
		    (want[i].v02 == NULL && want[i].json != NULL));
		report_free(&r);
	}
}

static void
test_report_build_bad_template_dir(void **state)
{
	struct report_conf	 rc;
	struct incident_row	 in;
	struct report_incident	 ri = { &in, NULL, 0, NULL, 0, 0, NULL, 0 };
	struct report_contact	 c = { "a@b.example", "b", "rdap", 0, "", 0 };
	struct report		 r;
	struct err		 e = { "", 0 };

	(void)state;
	conf_init(&rc);
	rc.template_dir = "/nonexistent";
	incident_init(&in, INCIDENT_SCAN);
	assert_int_equal(report_build(&rc, &ri, 1, &c, 1, &r, &e), -1);
	assert_non_null(strstr(e.msg, "/nonexistent/default.tmpl"));
}

static void
test_report_evidence_line_bad(void **state)
{
	char		buf[256];
	struct err	e = { "", 0 };

	(void)state;
	assert_int_equal(report_evidence_line("{\"timestamp\":\"x\"}", NULL,
	    buf, sizeof(buf), &e), -1);
	assert_non_null(strstr(e.msg, "bad timestamp"));
}

/* The HTTP request goes on the alert's line; no stored text breaks it. */
static void
test_report_evidence_line_http(void **state)
{
	char		buf[512];
	struct err	e = { "", 0 };

	(void)state;
	assert_int_equal(report_evidence_line("{\"timestamp\":"
	    "\"2022-07-12T06:22:33.415742+0000\",\"src_ip\":\"192.0.2.4\","
	    "\"src_port\":33270,\"dest_ip\":\"198.51.100.5\",\"dest_port\":80,"
	    "\"proto\":\"TCP\",\"alert\":{\"gid\":1,\"signature_id\":2034125,"
	    "\"signature\":\"ET EXPLOIT Path\\r\\nBcc: x@evil.example\"},"
	    "\"http\":{\"hostname\":\"www.example.org\",\"url\":"
	    "\"/cgi-bin/.%2e/.%2e/bin/sh\",\"http_method\":\"POST\"}}", NULL,
	    buf, sizeof(buf), &e), 0);
	assert_non_null(strstr(buf, "[1:2034125] ET EXPLOIT Path  Bcc: "));
	assert_non_null(strstr(buf, "  (HTTP POST www.example.org "
	    "/cgi-bin/.%2e/.%2e/bin/sh)"));
	assert_null(strchr(buf, '\n'));
	assert_null(strchr(buf, '\r'));
	/* A URL alone, no method. */
	assert_int_equal(report_evidence_line("{\"timestamp\":"
	    "\"2022-07-12T06:22:33+0000\",\"alert\":{},\"http\":{\"url\":\"/a\"}}",
	    NULL, buf, sizeof(buf), &e), 0);
	assert_non_null(strstr(buf, "  (HTTP /a)"));
	/* Cut short, still a string. */
	assert_int_equal(report_evidence_line("{\"timestamp\":"
	    "\"2022-07-12T06:22:33+0000\",\"alert\":{},\"http\":{\"url\":\"/a\"}}",
	    NULL, buf, 20, &e), 0);
	assert_true(strlen(buf) < 20);
}

/* With several sensors each line says which one saw the alert. */
static void
test_report_evidence_line_sensor(void **state)
{
	char		buf[512];
	struct err	e = { "", 0 };

	(void)state;
	assert_int_equal(report_evidence_line("{\"timestamp\":"
	    "\"2022-07-12T06:22:33+0000\",\"alert\":{},\"host\":\"dmz-2\\n\","
	    "\"http\":{\"url\":\"/a\"}}", NULL, buf, sizeof(buf), &e), 0);
	assert_non_null(strstr(buf, "  (HTTP /a)  (seen by our sensor dmz-2 )"));
	assert_null(strchr(buf, '\n'));
	assert_int_equal(report_evidence_line("{\"timestamp\":"
	    "\"2022-07-12T06:22:33+0000\",\"alert\":{}}", NULL, buf,
	    sizeof(buf), &e), 0);
	assert_null(strstr(buf, "sensor"));
}

static void
test_report_message_id_form(void **state)
{
	char	*a = report_message_id("example.org", 7);
	char	*b = report_message_id("example.org", 7);

	(void)state;
	assert_int_equal(strncmp(a, "<redress.7.", 11), 0);
	assert_non_null(strstr(a, "@example.org>"));
	assert_string_not_equal(a, b);
	free(a);
	free(b);
}

/* Cc (our own ISP) is in the message and read back for delivery; two
 * abuse addresses in To; a hostile address cannot add a header. */
static void
test_report_mime_cc(void **state)
{
	struct report_conf	 rc;
	struct incident_row	 in;
	char			*ev[] = { ev1 };
	struct report_incident	 ri = { &in, ev, 1, NULL, 0, 0, NULL, 0 };
	struct report_contact	 c = { "abuse@casema.net, noc@casema.net",
				    "casema.net", "rdap", 0, "", 0 };
	struct report		 r;
	struct err		 e = { "", 0 };
	char			*msg, cc[256];
	size_t			 len;

	(void)state;
	conf_init(&rc);
	incident_init(&in, INCIDENT_EXPLOIT);
	assert_int_equal(report_build(&rc, &ri, 1, &c, 1709290000000000LL,
	    &r, &e), 0);
	r.message_id = xstrdup("<redress.1.abc@example.org>");
	r.cc = xstrdup("abuse@our-isp.example, cert@cert.example");
	assert_int_equal(report_mime(&rc, &r, 1709290000000000LL, &msg, &len,
	    &e), 0);
	assert_non_null(strstr(msg, "\nTo: abuse@casema.net, noc@casema.net"));
	assert_non_null(strstr(msg, "\nCc: abuse@our-isp.example, "
	    "cert@cert.example"));
	assert_int_equal(report_cc_list(msg, len, cc, sizeof(cc)), 0);
	assert_string_equal(cc, "abuse@our-isp.example, cert@cert.example");
	free(msg);
	free(r.cc);
	r.cc = xstrdup("isp@example.net\r\nBcc: victim@example.com");
	if (report_mime(&rc, &r, 1709290000000000LL, &msg, &len, &e) == 0) {
		assert_null(strstr(msg, "\nBcc:"));
		free(msg);
	}
	report_free(&r);
	assert_int_equal(report_cc_list("", 0, cc, sizeof(cc)), -1);
	assert_string_equal(cc, "");
}

static void
test_report_conf_load_errors(void **state)
{
	static const char y[] =
	    "reports:\n"
	    "  from: nobody\n"
	    "  skip_review: [scan, bogus]\n"
	    "  sign_key: \"no-such-key-redress-test@invalid\"\n"
	    "  xarf: v9\n"
	    "smtp:\n"
	    "  port: 70000\n"
	    "  tls: none\n";
	struct diag	 d;
	struct config	*cfg;

	(void)state;
	setenv("GNUPGHOME", "/nonexistent-redress-gnupg", 1);
	diag_init(&d);
	cfg = config_parse("r.yaml", y, sizeof(y) - 1, &d);
	assert_null(cfg);
	assert_true(diag_has(&d, "r.yaml:5:"));	/* xarf: v9 */
	assert_true(diag_has(&d, "r.yaml:7:"));	/* port */
	diag_clear(&d);

	diag_init(&d);
	cfg = config_parse("r.yaml", y, 100, &d);
	assert_null(cfg);
	assert_true(diag_has(&d, "r.yaml:2:"));	/* from */
	assert_true(diag_has(&d, "unknown incident kind \"bogus\""));
	/* sign_key is check-config's (test_conf_check), as the user. */
	assert_false(diag_has(&d, "r.yaml:4:"));
	diag_clear(&d);
	unsetenv("GNUPGHOME");
}

/* An outbox group that does not exist is an error at its line. */
static void
test_report_conf_reviewers_group(void **state)
{
	static const char y[] =
	    "reports:\n"
	    "  from: reports@example.org\n"
	    "  reviewers_group: no-such-group-redress-test\n";
	struct diag	 d;

	(void)state;
	diag_init(&d);
	assert_null(config_parse("r.yaml", y, sizeof(y) - 1, &d));
	assert_true(diag_has(&d, "r.yaml:3:"));
	assert_true(diag_has(&d, "no such group"));
	diag_clear(&d);
}

static void
test_report_conf_load_defaults(void **state)
{
	static const char y[] =
	    "reports:\n"
	    "  from: reports@example.org\n"
	    "  skip_review: [scan]\n";
	struct diag	 d;
	struct config	*cfg;

	(void)state;
	diag_init(&d);
	cfg = config_parse("r.yaml", y, sizeof(y) - 1, &d);
	assert_non_null(cfg);
	assert_int_equal(cfg->reports->period_s, 3600);
	assert_int_equal(cfg->reports->repeat_s, 7 * 86400);
	assert_int_equal(cfg->reports->xarf, XARF_BOTH);
	assert_int_equal(cfg->smtp->port, 587);
	assert_int_equal(cfg->smtp->require_tls, 1);
	assert_int_equal(cfg->smtp->tls, SMTP_STARTTLS);
	config_free(cfg);
	diag_clear(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_build_exploit),
		cmocka_unit_test(test_report_build_hostile_evidence),
		cmocka_unit_test(test_report_build_hostile_contact),
		cmocka_unit_test(test_report_build_compromise),
		cmocka_unit_test(test_report_build_team_local_containment),
		cmocka_unit_test(test_report_build_brute_force_xarf),
		cmocka_unit_test(test_report_build_xarf_per_kind),
		cmocka_unit_test(test_report_build_bad_template_dir),
		cmocka_unit_test(test_report_evidence_line_bad),
		cmocka_unit_test(test_report_evidence_line_http),
		cmocka_unit_test(test_report_evidence_line_sensor),
		cmocka_unit_test(test_report_addendum),
		cmocka_unit_test(test_report_message_id_form),
		cmocka_unit_test(test_report_mime_cc),
		cmocka_unit_test(test_report_conf_load_errors),
		cmocka_unit_test(test_report_conf_load_defaults),
		cmocka_unit_test(test_report_mid_domain),
		cmocka_unit_test(test_report_conf_reviewers_group),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
