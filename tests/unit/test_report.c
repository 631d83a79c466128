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
#include <cmocka.h>

#include "config.h"
#include "report.h"
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
	struct report_incident	 ri = { &in, ev, 2, NULL, 0 };
	struct report_contact	 c = { "abuse@casema.net", "casema.net",
				    "rdap", 0, "" };
	struct report		 r;
	struct err		 e = { "", 0 };
	size_t			 i;
	int			 seen_xarf = 0, seen_json = 0;

	(void)state;
	setenv("TZ", "Europe/Amsterdam", 1);
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
	assert_non_null(strstr(r.body, "none of our systems were "
	    "compromised"));
	assert_non_null(strstr(r.body, "can be forged"));
	assert_non_null(strstr(r.body, "https://example.org/pgp.asc"));
	assert_null(strstr(r.body, "{{"));
	for (i = 0; i < r.nparts; i++) {
		if (strcmp(r.parts[i].filename, "report.txt") == 0) {
			seen_xarf = 1;
			assert_non_null(strstr((char *)r.parts[i].data,
			    "Report-Type: malware-attack\n"));
			assert_non_null(strstr((char *)r.parts[i].data,
			    "Source: 212.64.110.94\n"));
		}
		if (strcmp(r.parts[i].filename, "xarf.json") == 0) {
			seen_json = 1;
			assert_non_null(strstr((char *)r.parts[i].data,
			    "\"ReportType\": \"Exploit\""));
		}
	}
	assert_true(seen_xarf && seen_json);
	assert_int_equal(r.xarf_v02, 1);
	assert_null(strstr(r.body, "more alerts"));
	report_free(&r);
	/* More alerts than evidence lines: the text says how many. */
	in.alerts = 40;
	assert_int_equal(report_build(&rc, &ri, 1, &c, 1709290000000000LL,
	    &r, &e), 0);
	assert_non_null(strstr(r.body, "  ... and 38 more alerts\n"));
	report_free(&r);
}

/* The P.S. of incidents that joined a report after its text was edited. */
static void
test_report_addendum(void **state)
{
	struct incident_row	 in[2];
	char			*ev[] = { ev1, ev_bad };
	struct report_incident	 ri[2] = { { &in[0], ev, 2, NULL, 0 },
				    { &in[1], ev, 1, NULL, 0 } };
	char			*ps;

	(void)state;
	setenv("TZ", "Europe/Amsterdam", 1);
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
	struct report_incident	 ri = { &in, NULL, 0, NULL, 0 };
	struct report_contact	 c = { "abuse@evil.example",
				    "evil\r\nBcc: x@y.example", "whois", 1, "" };
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
	struct report_incident	 ri = { &in, NULL, 0, NULL, 0 };
	struct report_contact	 c = { "soc@example.org", "", "config", 0, "" };
	struct report		 r;
	struct err		 e = { "", 0 };

	(void)state;
	conf_init(&rc);
	incident_init(&in, INCIDENT_COMPROMISE);
	assert_int_equal(report_build(&rc, &ri, 1, &c, 1709290000000000LL,
	    &r, &e), 0);
	assert_non_null(strstr(r.body, "our host WAS compromised"));
	report_free(&r);
}

static void
test_report_build_bad_template_dir(void **state)
{
	struct report_conf	 rc;
	struct incident_row	 in;
	struct report_incident	 ri = { &in, NULL, 0, NULL, 0 };
	struct report_contact	 c = { "a@b.example", "b", "rdap", 0, "" };
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

static int
diag_has(const struct diag *d, const char *want)
{
	char	buf[1024];
	size_t	i;

	for (i = 0; i < d->n; i++) {
		diag_format(d, i, buf, sizeof(buf));
		if (strstr(buf, want) != NULL)
			return 1;
	}
	return 0;
}

/* Cc (our own ISP) is in the message and read back for delivery; two
 * abuse addresses in To; a hostile address cannot add a header. */
static void
test_report_mime_cc(void **state)
{
	struct report_conf	 rc;
	struct incident_row	 in;
	char			*ev[] = { ev1 };
	struct report_incident	 ri = { &in, ev, 1, NULL, 0 };
	struct report_contact	 c = { "abuse@casema.net, noc@casema.net",
				    "casema.net", "rdap", 0, "" };
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
	assert_true(diag_has(&d, "r.yaml:4:"));	/* sign_key */
	assert_true(diag_has(&d, "no such secret key"));
	diag_clear(&d);
	unsetenv("GNUPGHOME");
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
		cmocka_unit_test(test_report_build_hostile_contact),
		cmocka_unit_test(test_report_build_compromise),
		cmocka_unit_test(test_report_build_bad_template_dir),
		cmocka_unit_test(test_report_evidence_line_bad),
		cmocka_unit_test(test_report_evidence_line_http),
		cmocka_unit_test(test_report_evidence_line_sensor),
		cmocka_unit_test(test_report_addendum),
		cmocka_unit_test(test_report_message_id_form),
		cmocka_unit_test(test_report_mime_cc),
		cmocka_unit_test(test_report_conf_load_errors),
		cmocka_unit_test(test_report_conf_load_defaults),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
