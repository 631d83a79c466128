/* SPDX-License-Identifier: MIT */
/*
 * reply_parse() on the fixtures of tests/data/followup (a Postfix DSN, an
 * Exchange NDR, a qmail bounce, an OTRS auto-acknowledgement, a person's
 * reply, an RFC 5965 feedback report) and on hostile input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "reply.h"

#define ORIG	"<redress.1.0123456789abcdef@example.org>"

static char *
slurp(const char *name, size_t *len)
{
	char	 path[512];
	FILE	*fp;
	char	*buf;
	long	 n;

	snprintf(path, sizeof(path), "tests/data/followup/%s", name);
	fp = fopen(path, "rb");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

static void
parse_file(const char *name, struct reply *r)
{
	struct err	 e = { "", 0 };
	size_t		 len;
	char		*buf = slurp(name, &len);

	assert_int_equal(reply_parse(buf, len, r, &e), 0);
	free(buf);
}

static int
has_ref(const struct reply *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->nrefs; i++)
		if (strcmp(r->refs[i], id) == 0)
			return 1;
	return 0;
}

static void
test_reply_parse_postfix_dsn(void **state)
{
	struct reply r;

	(void)state;
	parse_file("postfix-dsn.eml", &r);
	assert_int_equal(r.kind, REPLY_BOUNCE);
	assert_int_equal(r.dsn, 1);
	assert_string_equal(r.from, "mailer-daemon@mail.example.org");
	assert_int_equal(r.nrcpts, 1);
	assert_string_equal(r.rcpts[0].addr, "abuse@one.example");
	assert_string_equal(r.rcpts[0].status, "5.1.1");
	assert_non_null(strstr(r.rcpts[0].diag, "User unknown"));
	/* threaded by the returned headers, not by a reference header */
	assert_int_equal(r.orig_ref, 0);
	assert_true(has_ref(&r, ORIG));
}

/* Written by Debian's Postfix 3.7 itself; the returned original is one
 * of our reports (X-XARF: PLAIN inside must not make it feedback). */
static void
test_reply_parse_postfix_real(void **state)
{
	struct reply r;

	(void)state;
	parse_file("postfix-dsn-real.eml", &r);
	assert_int_equal(r.kind, REPLY_BOUNCE);
	assert_int_equal(r.dsn, 1);
	assert_int_equal(r.nrcpts, 1);
	assert_string_equal(r.rcpts[0].addr, "abuse@one.example");
	assert_string_equal(r.rcpts[0].status, "5.1.1");
	assert_string_equal(r.rcpts[0].diag, "550 5.1.1 refused by test");
	assert_int_equal(r.nrefs, 1);
	assert_string_equal(r.refs[0], ORIG);
	assert_string_equal(r.anomaly, "");
}

static void
test_reply_parse_exchange_ndr(void **state)
{
	struct reply r;

	(void)state;
	parse_file("exchange-ndr.eml", &r);
	assert_int_equal(r.kind, REPLY_BOUNCE);
	assert_int_equal(r.nrcpts, 1);
	assert_string_equal(r.rcpts[0].addr, "abuse@two.example");
	assert_string_equal(r.rcpts[0].status, "5.1.10");
	assert_true(has_ref(&r, "<redress.2.0123456789abcdef@example.org>"));
}

static void
test_reply_parse_qmail_text(void **state)
{
	struct reply r;

	(void)state;
	parse_file("qmail-bounce.eml", &r);
	assert_int_equal(r.kind, REPLY_BOUNCE);
	assert_int_equal(r.dsn, 0);
	/* only the notice is searched: noc@ of the copy is not bounced */
	assert_int_equal(r.nrcpts, 1);
	assert_string_equal(r.rcpts[0].addr, "abuse@three.example");
	assert_string_equal(r.rcpts[0].status, "5.1.1");
	assert_true(has_ref(&r, "<redress.3.0123456789abcdef@example.org>"));
}

static void
test_reply_parse_autoack_ticket(void **state)
{
	struct reply r;

	(void)state;
	parse_file("autoack-otrs.eml", &r);
	assert_int_equal(r.kind, REPLY_ACK);
	assert_string_equal(r.ticket, "Ticket#2024120210000087");
	assert_string_equal(r.from, "abuse@one.example");
	assert_string_equal(r.refs[0], ORIG);
	assert_true(r.date_usec > 0);
}

static void
test_reply_parse_human(void **state)
{
	struct reply r;

	(void)state;
	parse_file("human-reply.eml", &r);
	assert_int_equal(r.kind, REPLY_HUMAN);
	assert_string_equal(r.from, "m.mustermann@one.example");
	assert_string_equal(r.ticket, "Ticket#2024120210000087");
	assert_string_equal(r.refs[0],
	    "<1733097723.123456.987654@otrs.one.example>");
	assert_true(has_ref(&r, ORIG));
	assert_string_equal(r.message_id,
	    "<5f3c2a10-8b1e-4c7d-9a55-3e2f1d0c9b8a@one.example>");
}

static void
test_reply_parse_arf(void **state)
{
	struct reply r;

	(void)state;
	parse_file("arf-feedback.eml", &r);
	assert_int_equal(r.kind, REPLY_FEEDBACK);
	assert_string_equal(r.feedback_type, "abuse");
	assert_int_equal(r.orig_ref, 0);
	assert_true(has_ref(&r, ORIG));
}

static void
test_reply_ticket_patterns(void **state)
{
	static const struct { const char *s, *want; } t[] = {
		{ "[Ticket#123456] Re: x", "Ticket#123456" },
		{ "Re: [RT #123] spam", "RT #123" },
		{ "[rt.example.net #4711] AutoReply: x", "rt.example.net #4711" },
		{ "Your report (Case 00123) was received", "Case 00123" },
		{ "[SR-1234] Abuse", "SR-1234" },
		{ "[SECURITY] FTP exploit attempt", NULL },
		{ "[Ticket#] empty", NULL },
		{ "[#12] bare", "#12" },
	};
	char	out[64];
	size_t	i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int got = reply_ticket(t[i].s, out, sizeof(out));

		if (t[i].want == NULL)
			assert_int_equal(got, 0);
		else {
			assert_int_equal(got, 1);
			assert_string_equal(out, t[i].want);
		}
	}
}

static void
test_reply_parse_hostile(void **state)
{
	static const char crlf[] = "From: a@one.example\r\n"
	    "Subject: hi\r\n\tthere\rBcc: victim@x.example\r\n"
	    "In-Reply-To: <x@y>\r\n\r\nbody\r\n";
	static const char broken[] = "From: b@one.example\n"
	    "Content-Type: multipart/report; report-type=delivery-status;"
	    " boundary=\"zz\"\n\n--zz\nContent-Type: message/delivery-status"
	    "\n\nFinal-Recipient: rfc822; <<<@@@>>>\nAction: failed\n"
	    "--zz\n--zz--\n--zz";
	struct reply	 r;
	struct err	 e = { "", 0 };
	char		*huge;

	(void)state;
	assert_int_equal(reply_parse(crlf, sizeof(crlf) - 1, &r, &e), 0);
	assert_null(strpbrk(r.subject, "\r\n"));
	assert_non_null(strstr(r.anomaly, "bare CR"));
	assert_string_equal(r.refs[0], "<x@y>");
	assert_int_equal(reply_parse(broken, sizeof(broken) - 1, &r, &e), 0);
	assert_int_equal(r.nrcpts, 0);
	assert_non_null(strstr(r.anomaly, "no mailbox"));
	assert_int_equal(reply_parse("", 0, &r, &e), -1);
	err_clear(&e);
	assert_int_equal(reply_parse("garbage without header", 22, &r, &e),
	    -1);
	err_clear(&e);
	huge = calloc(1, REPLY_MAX_BYTES + 2);
	memset(huge, 'a', REPLY_MAX_BYTES + 1);
	assert_int_equal(reply_parse(huge, REPLY_MAX_BYTES + 1, &r, &e), -1);
	assert_non_null(strstr(e.msg, "more than"));
	free(huge);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reply_parse_postfix_dsn),
		cmocka_unit_test(test_reply_parse_postfix_real),
		cmocka_unit_test(test_reply_parse_exchange_ndr),
		cmocka_unit_test(test_reply_parse_qmail_text),
		cmocka_unit_test(test_reply_parse_autoack_ticket),
		cmocka_unit_test(test_reply_parse_human),
		cmocka_unit_test(test_reply_parse_arf),
		cmocka_unit_test(test_reply_ticket_patterns),
		cmocka_unit_test(test_reply_parse_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
