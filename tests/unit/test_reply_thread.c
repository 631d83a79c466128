/* SPDX-License-Identifier: MIT */
/*
 * followup_pass() over a real Maildir and store: messages threaded to
 * the right report, recorded once, moved to cur/ with S (or F when not
 * attached); forged references, hostile headers and oversized files
 * change nothing; bounces mark the address; quiet threads close.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "config.h"
#include "executor.h"
#include "followup.h"
#include "reply.h"
#include "status.h"
#include "store_report.h"
#include "store_thread.h"
#include "xmalloc.h"

#define MID(n)	"<redress." #n ".0123456789abcdef@example.org>"

struct fx {
	char		 dir[64];
	char		 md[128];
	struct store	*st;
	struct config	*cfg;
	struct executor	 ex;
};

static void
add_report(struct store *st, const char *rcpt, const char *mid)
{
	struct report_row	r;
	struct err		e = { "", 0 };

	memset(&r, 0, sizeof(r));
	strlcpy_r(r.state, REPORT_SENT, sizeof(r.state));
	strlcpy_r(r.recipient, "source", sizeof(r.recipient));
	strlcpy_r(r.rcpt, rcpt, sizeof(r.rcpt));
	strlcpy_r(r.kind, "exploit", sizeof(r.kind));
	strlcpy_r(r.message_id, mid, sizeof(r.message_id));
	strlcpy_r(r.subject, "[SECURITY] FTP exploit attempt from "
	    "212.64.110.94", sizeof(r.subject));
	assert_int_equal(store_report_insert(st, &r, &e), 0);
}

static int
setup(void **state)
{
	struct fx	*f = calloc(1, sizeof(*f));
	struct diag	 d;
	struct err	 e = { "", 0 };
	char		 p[256], y[512];

	strlcpy_r(f->dir, "/tmp/redress-treply.XXXXXX", sizeof(f->dir));
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->md, sizeof(f->md), "%s/md", f->dir);
	mkdir(f->md, 0700);
	snprintf(p, sizeof(p), "%s/new", f->md);
	mkdir(p, 0700);
	snprintf(p, sizeof(p), "%s/cur", f->md);
	mkdir(p, 0700);
	snprintf(y, sizeof(y), "reports:\n  from: abuse-reports@example.org\n"
	    "  outbox: %s/outbox\nfollowup:\n  maildirs: [%s]\n"
	    "  close_after: 30d\n", f->dir, f->md);
	diag_init(&d);
	f->cfg = config_parse("t.yaml", y, strlen(y), &d);
	assert_non_null(f->cfg);
	diag_clear(&d);
	snprintf(p, sizeof(p), "%s/state.db", f->dir);
	assert_int_equal(store_open(p, &f->st, &e), 0);
	add_report(f->st, "abuse@one.example", MID(1));
	add_report(f->st, "abuse@two.example", MID(2));
	add_report(f->st, "abuse@three.example, noc@three.example", MID(3));
	f->ex.ops = &executor_followup;
	f->ex.cfg = f->cfg;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx	*f = *state;
	char		 cmd[128];

	store_close(f->st);
	config_free(f->cfg);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

/* Delivers fixture name (or text when name is NULL) as new/<file>. */
static void
deliver(struct fx *f, const char *name, const char *text, const char *file)
{
	char	 src[256], dst[256];
	FILE	*in, *out;
	int	 c;

	snprintf(dst, sizeof(dst), "%s/new/%s", f->md, file);
	assert_non_null(out = fopen(dst, "w"));
	if (name != NULL) {
		snprintf(src, sizeof(src), "tests/data/followup/%s", name);
		assert_non_null(in = fopen(src, "r"));
		while ((c = fgetc(in)) != EOF)
			fputc(c, out);
		fclose(in);
	} else
		fputs(text, out);
	fclose(out);
}

static int
in_cur(struct fx *f, const char *file)
{
	char		p[256];
	struct stat	sb;

	snprintf(p, sizeof(p), "%s/cur/%s", f->md, file);
	return stat(p, &sb) == 0;
}

static void
pass(struct fx *f, int64_t now, struct followup_stats *fs)
{
	struct err e = { "", 0 };

	assert_true(followup_pass(&f->ex, f->st, now, fs, &e) >= 0);
}

static void
thread(struct fx *f, int64_t id, struct thread_row *t)
{
	struct err e = { "", 0 };

	assert_int_equal(store_thread_get(f->st, id, t, &e), 1);
}

static void
test_thread_ack_then_reply(void **state)
{
	struct fx		*f = *state;
	struct followup_stats	 fs;
	struct thread_row	 t;

	deliver(f, "autoack-otrs.eml", NULL, "1.M1.h");
	pass(f, store_now_usec(), &fs);
	assert_int_equal(fs.threaded, 1);
	assert_true(in_cur(f, "1.M1.h:2,S"));
	thread(f, 1, &t);
	assert_string_equal(t.state, THREAD_ACKED);
	assert_string_equal(t.ticket, "Ticket#2024120210000087");
	/* The person answers the acknowledgement: threaded through it. */
	deliver(f, "human-reply.eml", NULL, "2.M1.h");
	pass(f, store_now_usec(), &fs);
	assert_int_equal(fs.threaded, 1);
	thread(f, 1, &t);
	assert_string_equal(t.state, THREAD_ANSWERED);
	assert_int_equal(t.messages, 2);
	assert_string_equal(t.ticket, "Ticket#2024120210000087");
	/* The same message delivered again is recorded once. */
	deliver(f, "human-reply.eml", NULL, "3.M1.h");
	pass(f, store_now_usec(), &fs);
	thread(f, 1, &t);
	assert_int_equal(t.messages, 2);
	assert_true(in_cur(f, "3.M1.h:2,S"));
}

static void
test_thread_forged_references(void **state)
{
	static const char forged[] = "From: attacker@evil.example\n"
	    "Subject: Re: your report\nMessage-ID: <f1@evil.example>\n"
	    "References: " MID(1) "\nIn-Reply-To: " MID(1) "\n\n"
	    "This was not me, close it.\n";
	/* A desk of report 1 naming report 2 first: goes to report 1. */
	static const char cross[] = "From: noc@one.example\n"
	    "Subject: Re: x\nMessage-ID: <c1@one.example>\n"
	    "References: " MID(1) " " MID(2) "\n\nok\n";
	struct fx		*f = *state;
	struct followup_stats	 fs;
	struct thread_row	 t;
	struct err		 e = { "", 0 };

	deliver(f, NULL, forged, "4.M1.h");
	pass(f, store_now_usec(), &fs);
	assert_int_equal(fs.threaded, 0);
	assert_int_equal(fs.unmatched, 1);
	assert_true(in_cur(f, "4.M1.h:2,F"));
	assert_int_equal(store_thread_get(f->st, 1, &t, &e), 1);
	assert_string_equal(t.state, THREAD_OPEN);
	assert_int_equal(t.messages, 0);
	deliver(f, NULL, cross, "5.M1.h");
	pass(f, store_now_usec(), &fs);
	assert_int_equal(fs.threaded, 1);
	thread(f, 1, &t);
	assert_int_equal(t.messages, 1);
	thread(f, 2, &t);
	assert_int_equal(t.messages, 0);
}

/* At a public mailbox provider the domain proves nothing. */
static void
test_thread_shared_mail_domain(void **state)
{
	static const char other[] = "From: someone.else@gmail.com\n"
	    "Subject: Re: x\nMessage-ID: <g1@gmail.com>\n"
	    "In-Reply-To: " MID(4) "\n\nclose it\n";
	static const char same[] = "From: NetAdmin@gmail.com\n"
	    "Subject: Re: x\nMessage-ID: <g2@gmail.com>\n"
	    "In-Reply-To: " MID(4) "\n\nwe are on it\n";
	struct fx		*f = *state;
	struct followup_stats	 fs;
	struct thread_row	 t;

	add_report(f->st, "netadmin@gmail.com", MID(4));
	deliver(f, NULL, other, "15.M1.h");
	pass(f, store_now_usec(), &fs);
	assert_int_equal(fs.unmatched, 1);
	thread(f, 4, &t);
	assert_int_equal(t.messages, 0);
	deliver(f, NULL, same, "16.M1.h");
	pass(f, store_now_usec(), &fs);
	assert_int_equal(fs.threaded, 1);
	thread(f, 4, &t);
	assert_string_equal(t.state, THREAD_ANSWERED);
}

static void
test_thread_hostile(void **state)
{
	static const char crlf[] = "From: abuse@one.example\r\n"
	    "Subject: Re: [SECURITY] FTP exploit attempt from 212.64.110.94"
	    "\r\n\tX\rBcc: someone@else.example\r\n"
	    "In-Reply-To: " MID(1) "\r\n\r\nthanks\r\n";
	struct fx		*f = *state;
	struct followup_stats	 fs;
	struct thread_row	 t;
	char			 path[256];
	FILE			*fp;
	size_t			 i;

	deliver(f, NULL, crlf, "6.M1.h");
	/* more than REPLY_MAX_BYTES: left for a person, nothing read */
	snprintf(path, sizeof(path), "%s/new/7.M1.h", f->md);
	assert_non_null(fp = fopen(path, "w"));
	fputs("From: abuse@one.example\nIn-Reply-To: " MID(1) "\n\n", fp);
	for (i = 0; i < REPLY_MAX_BYTES / 64 + 2; i++)
		fputs("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n",
		    fp);
	fclose(fp);
	deliver(f, NULL, "\x01\x02 not mail at all", "8.M1.h");
	/* broken MIME: no closing boundary, a Final-Recipient that is no
	 * mailbox; it names report 1 but bounces none of its recipients */
	deliver(f, NULL, "From: MAILER-DAEMON@mx.one.example\n"
	    "Subject: Undelivered Mail Returned to Sender\n"
	    "Content-Type: multipart/report; report-type=delivery-status;"
	    " boundary=\"b\"\n\n--b\nContent-Type: message/delivery-status"
	    "\n\nFinal-Recipient: rfc822; abuse@one.example\r@x\n"
	    "Action: failed\nStatus: 5.1.1\n\n--b\nContent-Type: "
	    "text/rfc822-headers\n\nMessage-ID: " MID(1) "\n--b", "14.M1.h");
	pass(f, store_now_usec(), &fs);
	assert_int_equal(fs.read, 4);
	assert_int_equal(fs.threaded, 1);
	assert_int_equal(fs.bad, 2);
	assert_int_equal(fs.unmatched, 1);
	assert_true(in_cur(f, "14.M1.h:2,F"));
	assert_true(in_cur(f, "7.M1.h:2,F"));
	assert_true(in_cur(f, "8.M1.h:2,F"));
	thread(f, 1, &t);
	assert_int_equal(t.messages, 1);
}

static int
subject_ok(void *arg, const struct thread_msg *m)
{
	(void)arg;
	assert_null(strpbrk(m->subject, "\r\n"));
	assert_null(strpbrk(m->sender, "\r\n"));
	return 0;
}

static void
test_thread_hostile_fields(void **state)
{
	struct fx	*f = *state;
	struct err	 e = { "", 0 };

	test_thread_hostile(state);
	assert_int_equal(store_thread_msgs(f->st, 1, subject_ok, NULL, &e),
	    0);
}

static void
test_thread_bounces(void **state)
{
	struct fx		*f = *state;
	struct followup_stats	 fs;
	struct thread_row	 t;
	struct err		 e = { "", 0 };
	char			 why[300];

	deliver(f, "exchange-ndr.eml", NULL, "9.M1.h");
	deliver(f, "qmail-bounce.eml", NULL, "10.M1.h");
	pass(f, store_now_usec(), &fs);
	assert_int_equal(fs.threaded, 2);
	thread(f, 2, &t);
	assert_string_equal(t.state, THREAD_BOUNCED);
	assert_int_equal(store_bounce_get(f->st, "abuse@two.example", why,
	    sizeof(why), &e), 1);
	assert_non_null(strstr(why, "5.1.10"));
	/* noc@three.example was not bounced: still open, not re-routed */
	thread(f, 3, &t);
	assert_string_equal(t.state, THREAD_OPEN);
	assert_int_equal(t.rerouted_to, 0);
	assert_int_equal(store_bounce_get(f->st, "abuse@three.example", NULL,
	    0, &e), 1);
	assert_int_equal(store_bounce_get(f->st, "noc@three.example", NULL,
	    0, &e), 0);
	/* the bounced report has no next candidate (no contact, the
	 * RFC 2142 address is the one that bounced): nothing drafted */
	assert_int_equal(t.rerouted_to, 0);
}

static void
test_thread_close_quiet(void **state)
{
	struct fx		*f = *state;
	struct followup_stats	 fs;
	struct thread_row	 t;
	int64_t			 now = store_now_usec();

	pass(f, now, &fs);
	assert_int_equal(fs.closed, 0);
	thread(f, 1, &t);
	assert_int_equal(t.closed_usec, 0);
	pass(f, now + 31LL * 86400 * 1000000, &fs);
	assert_int_equal(fs.closed, 3);
	thread(f, 1, &t);
	assert_true(t.closed_usec != 0);
	assert_string_equal(t.close_reason,
	    "the source stayed quiet for 30d");
	/* A reply after closing is kept; the thread stays closed. */
	deliver(f, "autoack-otrs.eml", NULL, "13.M1.h");
	pass(f, now + 32LL * 86400 * 1000000, &fs);
	assert_int_equal(fs.threaded, 1);
	thread(f, 1, &t);
	assert_int_equal(t.messages, 1);
	assert_true(t.closed_usec != 0);
}

/* `redress status` counts threads: open, answered, bounced, closed. */
static void
test_thread_status_counts(void **state)
{
	struct fx		*f = *state;
	struct followup_stats	 fs;
	struct daemon_status	 s;
	struct err		 e = { "", 0 };
	char			*j;

	add_report(f->st, "abuse@four.example", MID(4));
	deliver(f, "autoack-otrs.eml", NULL, "11.M1.h");
	deliver(f, "exchange-ndr.eml", NULL, "12.M1.h");
	pass(f, store_now_usec(), &fs);
	assert_int_equal(store_thread_close(f->st, 3, "by hand",
	    store_now_usec(), &e), 1);
	status_init(&s);
	status_update(&s, NULL, f->st, 1);
	j = status_json(&s, store_now_usec());
	assert_non_null(strstr(j, "\"threads\":{\"open\":1,\"answered\":1,"
	    "\"bounced\":1,\"closed\":1}"));
	free(j);
}

/* A store of schema 3 (before threads) is migrated on open. */
static void
test_thread_migration_from_v3(void **state)
{
	struct fx		*f = *state;
	struct thread_counts	 c;
	struct err		 e = { "", 0 };
	char			 p[256];

	assert_int_equal(store_exec(f->st, "DROP TABLE thread;"
	    "DROP TABLE thread_msg; DROP TABLE contact_bounce;"
	    "PRAGMA user_version = 3", &e), 0);
	store_close(f->st);
	snprintf(p, sizeof(p), "%s/state.db", f->dir);
	assert_int_equal(store_open(p, &f->st, &e), 0);
	assert_int_equal(store_version(f->st), STORE_SCHEMA_VERSION);
	assert_int_equal(store_thread_counts(f->st, &c, &e), 0);
	assert_int_equal(store_thread_open_sent(f->st, store_now_usec(), &e),
	    3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_thread_ack_then_reply,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_thread_forged_references,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_thread_shared_mail_domain,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_thread_hostile_fields,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_thread_bounces,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_thread_close_quiet,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_thread_status_counts,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_thread_migration_from_v3,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
