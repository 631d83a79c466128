/* SPDX-License-Identifier: MIT */
/*
 * Follow-up of sent reports: each message of the reply Maildirs is
 * parsed (reply_parse.c), threaded to the report it answers by its
 * references (the report's own Message-ID or that of a message already
 * in the thread), else by the report's subject, and attached only when
 * its sender may speak for that report (followup_sender_ok, the rule of
 * docs/followup.md). Attached: recorded in the thread with its kind and
 * ticket number, the thread's state moves, a bounce marks the recipient
 * undeliverable and, when every recipient bounced, sends the report back
 * to review with the next candidate (followup_route.c). Not attached, not
 * a message, too large: logged with the Maildir file name and flagged F
 * for a person. Quiet sources close their threads after close_after.
 */
#include <ctype.h>
#include <inttypes.h>
#include <libpsl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "config.h"
#include "executor.h"
#include "followup.h"
#include "followup_route.h"
#include "log.h"
#include "reply.h"
#include "reply_maildir.h"
#include "store_report.h"
#include "store_thread.h"
#include "xmalloc.h"

#define FOLLOWUP_MAX_MSGS	1000	/* per Maildir and pass */

/* Is addr one of the comma-separated list (case-insensitive)? */
int
followup_rcpt_has(const char *list, const char *addr)
{
	const char	*p = list;
	size_t		 n = strlen(addr);

	while (p != NULL && *p != '\0') {
		size_t l;

		while (*p == ' ' || *p == ',')
			p++;
		l = strcspn(p, ", ");
		if (l == n && l > 0 && strncasecmp(p, addr, n) == 0)
			return 1;
		p += l;
	}
	return 0;
}

/* The registrable domain of an address's domain, lowercased, into out. */
static void
reg_domain(const char *addr, char *out, size_t len)
{
	const char	*at = strrchr(addr, '@'), *rd = NULL;
	const psl_ctx_t	*psl = psl_builtin();
	char		 dom[256];
	size_t		 i;

	strlcpy_r(dom, at != NULL ? at + 1 : addr, sizeof(dom));
	for (i = 0; dom[i] != '\0'; i++)
		dom[i] = (char)tolower((unsigned char)dom[i]);
	if (psl != NULL)
		rd = psl_registrable_domain(psl, dom);
	strlcpy_r(out, rd != NULL ? rd : dom, len);
}

/*
 * Mailbox providers where anyone can have an address: a shared domain
 * says nothing there, only the very address counts.
 */
static int
shared_mail_domain(const char *rd)
{
	static const char *const open_mail[] = { "gmail.com",
	    "googlemail.com", "outlook.com", "hotmail.com", "live.com",
	    "msn.com", "yahoo.com", "ymail.com", "aol.com", "icloud.com",
	    "me.com", "mail.com", "gmx.com", "gmx.net", "gmx.de", "web.de",
	    "mail.ru", "yandex.ru", "yandex.com", "qq.com", "163.com",
	    "126.com", "sina.com", "protonmail.com", "proton.me", "zoho.com",
	    "tutanota.com", "fastmail.com", "rediffmail.com", NULL };
	size_t i;

	for (i = 0; open_mail[i] != NULL; i++)
		if (strcmp(rd, open_mail[i]) == 0)
			return 1;
	/* hotmail.co.uk, yahoo.co.jp, ...: the provider's other suffixes */
	return strncmp(rd, "hotmail.", 8) == 0 ||
	    strncmp(rd, "yahoo.", 6) == 0 || strncmp(rd, "outlook.", 8) == 0;
}

int
followup_sender_ok(const struct reply *r, const struct report_row *rr)
{
	char		 mine[256], theirs[256], tok[256];
	const char	*p = rr->rcpt;
	size_t		 i;

	if (r->kind == REPLY_BOUNCE || r->kind == REPLY_DELAY ||
	    r->kind == REPLY_NOTICE) {
		for (i = 0; i < r->nrcpts; i++)
			if (followup_rcpt_has(rr->rcpt, r->rcpts[i].addr))
				return 1;
		return 0;
	}
	if (r->from[0] == '\0')
		return 0;
	reg_domain(r->from, mine, sizeof(mine));
	while (*p != '\0') {
		size_t l;

		while (*p == ' ' || *p == ',')
			p++;
		l = strcspn(p, ", ");
		if (l == 0 || l >= sizeof(tok))
			break;
		memcpy(tok, p, l);
		tok[l] = '\0';
		p += l;
		if (strcasecmp(tok, r->from) == 0)
			return 1;
		reg_domain(tok, theirs, sizeof(theirs));
		if (strchr(tok, '@') != NULL && strcmp(mine, theirs) == 0 &&
		    !shared_mail_domain(theirs))
			return 1;
	}
	return 0;
}

/* "Re: AW: [Ticket#1] AutoReply: SUBJECT" -> "SUBJECT". */
static const char *
strip_subject(const char *s)
{
	static const char *const re[] = { "re:", "aw:", "fw:", "fwd:",
	    "wg:", "sv:", "antw:", "autoreply:", "auto-reply:",
	    "automatic reply:", NULL };
	size_t	i;
	int	again = 1;

	while (again) {
		again = 0;
		while (*s == ' ')
			s++;
		for (i = 0; re[i] != NULL; i++)
			if (strncasecmp(s, re[i], strlen(re[i])) == 0) {
				s += strlen(re[i]);
				again = 1;
			}
		if (*s == '[' || *s == '(') {
			char	 seg[128], t[64];
			size_t	 l = strcspn(s, "])");

			if (s[l] != '\0' && l + 2 < sizeof(seg)) {
				memcpy(seg, s, l + 1);
				seg[l + 1] = '\0';
				if (reply_ticket(seg, t, sizeof(t))) {
					s += l + 1;
					again = 1;
				}
			}
		}
	}
	return s;
}

struct pass {
	struct executor		*ex;
	struct store		*st;
	int64_t			 now;
	struct followup_stats	*fs;
	struct err		*e;
	int			 failed;
};

/*
 * The report r belongs to: 1 with rr, 0 none (logged), -1 store error.
 * A reference to a report whose recipients do not match the sender is
 * not followed (logged), and the next reference is tried.
 */
static int
pick_report(struct pass *p, const char *path, const struct reply *r,
    struct report_row *rr)
{
	char		 a[300], b[300];
	int64_t		 id, tried[REPLY_MAX_REFS + 1];
	size_t		 i, j, nt = 0;
	int		 rc;

	for (i = 0; i <= r->nrefs; i++) {
		if (i < r->nrefs)
			id = store_thread_find(p->st, r->refs[i], p->e);
		else if (nt == 0)
			id = store_thread_find_subject(p->st,
			    strip_subject(r->subject), p->e);
		else
			break;
		if (id < 0)
			return -1;
		if (id == 0)
			continue;
		for (j = 0; j < nt && tried[j] != id; j++)
			;
		if (j < nt)
			continue;
		tried[nt++] = id;
		if ((rc = store_report_get(p->st, id, rr, p->e)) < 0)
			return -1;
		if (rc == 0)
			continue;
		if (followup_sender_ok(r, rr)) {
			int64_t root;

			/* A reply to a follow-up belongs to the first
			 * report's thread (the same desk). */
			if (rr->in_reply_to[0] == '\0')
				return 1;
			if ((root = store_thread_root(p->st, id, p->e)) < 0 ||
			    (rc = store_report_get(p->st, root, rr,
			    p->e)) < 0)
				return -1;
			if (rc == 1 && followup_sender_ok(r, rr))
				return 1;
			continue;
		}
		log_warnx("followup: %s: %s from %s refers to report %" PRId64
		    " but %s (%s); not attached", path,
		    reply_kind_name(r->kind), log_esc(r->from,
		    strlen(r->from), a, sizeof(a)), id, r->kind ==
		    REPLY_HUMAN || r->kind == REPLY_ACK || r->kind ==
		    REPLY_FEEDBACK ? "is not from its recipients' domains" :
		    "names none of its recipients as failed",
		    log_esc(rr->rcpt, strlen(rr->rcpt), b, sizeof(b)));
	}
	if (nt == 0)
		log_warnx("followup: %s: %s from %s: no report of ours found "
		    "(subject \"%s\"); left for a person", path,
		    reply_kind_name(r->kind), log_esc(r->from,
		    strlen(r->from), a, sizeof(a)), log_esc(r->subject,
		    strlen(r->subject), b, sizeof(b)));
	return 0;
}

/* Records the bounced recipients of rr; how many, or -1. */
static int
mark_bounces(struct pass *p, const struct reply *r,
    const struct report_row *rr, char *detail, size_t dlen)
{
	size_t	i, off = strlen(detail);
	int	n = 0;

	for (i = 0; i < r->nrcpts; i++) {
		const struct reply_rcpt *x = &r->rcpts[i];

		if (!followup_rcpt_has(rr->rcpt, x->addr))
			continue;
		if (r->kind == REPLY_BOUNCE && store_bounce_mark(p->st,
		    x->addr, x->status[0] ? x->status : "5.0.0",
		    x->diag[0] ? x->diag : "bounced", rr->id, p->now,
		    p->e) < 0)
			return -1;
		if (off < dlen)
			off += (size_t)snprintf(detail + off, dlen - off,
			    "%s%s %s%s%s", off ? "; " : "", x->addr,
			    x->status[0] ? x->status : "5.0.0",
			    x->diag[0] ? " " : "", x->diag);
		n++;
	}
	return n;
}

/* Every recipient of rr has bounced: 1, 0, -1 error. */
static int
all_bounced(struct pass *p, const struct report_row *rr)
{
	const char	*s = rr->rcpt;
	char		 tok[256];
	int		 rc, any = 0;

	while (*s != '\0') {
		size_t l;

		while (*s == ' ' || *s == ',')
			s++;
		if ((l = strcspn(s, ", ")) == 0 || l >= sizeof(tok))
			break;
		memcpy(tok, s, l);
		tok[l] = '\0';
		s += l;
		if ((rc = store_bounce_get(p->st, tok, NULL, 0, p->e)) <= 0)
			return rc;
		any = 1;
	}
	return any;
}

/* 1 attached, 0 not (logged), -1 store error. */
static int
attach(struct pass *p, const char *path, const char *name,
    const struct reply *r)
{
	struct report_row	 rr;
	struct thread_row	 t;
	struct thread_msg	 m;
	int			 rc, nb = 0, allb = 0;

	if ((rc = pick_report(p, path, r, &rr)) <= 0)
		return rc;
	memset(&m, 0, sizeof(m));
	m.report_id = rr.id;
	if (r->message_id[0] != '\0')
		strlcpy_r(m.msg_key, r->message_id, sizeof(m.msg_key));
	else
		snprintf(m.msg_key, sizeof(m.msg_key), "file:%.*s",
		    (int)strcspn(name, ":"), name);
	strlcpy_r(m.kind, reply_kind_name(r->kind), sizeof(m.kind));
	strlcpy_r(m.sender, r->from, sizeof(m.sender));
	m.date_usec = r->date_usec;
	m.received_usec = p->now;
	strlcpy_r(m.ticket, r->ticket, sizeof(m.ticket));
	strlcpy_r(m.subject, r->subject, sizeof(m.subject));
	strlcpy_r(m.file, name, sizeof(m.file));
	if (r->kind == REPLY_FEEDBACK)
		snprintf(m.detail, sizeof(m.detail), "feedback-type %s",
		    r->feedback_type);
	if (store_begin(p->st, p->e) < 0)
		return -1;
	if ((r->kind == REPLY_BOUNCE || r->kind == REPLY_DELAY) &&
	    (nb = mark_bounces(p, r, &rr, m.detail, sizeof(m.detail))) < 0)
		goto fail;
	if ((rc = store_thread_msg_add(p->st, &m, p->e)) < 0)
		goto fail;
	if (rc == 0) {		/* seen before a crash: nothing twice */
		store_rollback(p->st);
		return 1;
	}
	if ((rc = store_thread_get(p->st, rr.id, &t, p->e)) < 0)
		goto fail;
	if (rc == 0) {
		memset(&t, 0, sizeof(t));
		t.report_id = rr.id;
		strlcpy_r(t.state, THREAD_OPEN, sizeof(t.state));
		t.opened_usec = rr.updated_usec;
	}
	t.messages++;
	t.updated_usec = p->now;
	if (r->ticket[0] != '\0' && r->kind != REPLY_BOUNCE &&
	    r->kind != REPLY_DELAY)
		strlcpy_r(t.ticket, r->ticket, sizeof(t.ticket));
	switch (r->kind) {
	case REPLY_HUMAN:
	case REPLY_FEEDBACK:
		strlcpy_r(t.state, THREAD_ANSWERED, sizeof(t.state));
		break;
	case REPLY_ACK:
		if (strcmp(t.state, THREAD_ANSWERED) != 0)
			strlcpy_r(t.state, THREAD_ACKED, sizeof(t.state));
		break;
	case REPLY_BOUNCE:
		/* A desk that answered got the report: no re-routing. */
		if (strcmp(t.state, THREAD_OPEN) != 0 &&
		    strcmp(t.state, THREAD_BOUNCED) != 0)
			break;
		if ((allb = all_bounced(p, &rr)) < 0)
			goto fail;
		if (allb)
			strlcpy_r(t.state, THREAD_BOUNCED, sizeof(t.state));
		break;
	default:
		break;
	}
	if (store_thread_put(p->st, &t, p->e) < 0 ||
	    store_commit(p->st, p->e) < 0)
		goto fail;
	log_info("followup: %s: %s from %s -> report %" PRId64 " (%s%s%s)",
	    path, m.kind, m.sender[0] ? m.sender : "?", rr.id, t.state,
	    t.ticket[0] ? ", " : "", t.ticket);
	p->fs->threaded++;
	if (allb && t.rerouted_to == 0) {
		struct err	e2 = { "", 0 };
		int64_t		nid = 0;
		char		why[256] = "";

		if (followup_reroute(p->ex, p->st, &rr, p->now, &nid, why,
		    sizeof(why), &e2) < 0)
			log_warnx("followup: report %" PRId64 ": bounced; no "
			    "draft to a next candidate: %s", rr.id, e2.msg);
		else if (nid == 0)
			log_warnx("followup: report %" PRId64 ": bounced; %s; "
			    "the thread waits for a person", rr.id, why);
		else {
			t.rerouted_to = nid;
			if (store_thread_put(p->st, &t, p->e) < 0)
				return -1;
			p->fs->rerouted++;
			log_info("followup: report %" PRId64 ": bounced; "
			    "draft %" PRId64 " to %s waits for review", rr.id,
			    nid, why);
		}
	}
	(void)nb;
	return 1;
fail:
	store_rollback(p->st);
	return -1;
}

static int
on_message(void *arg, const char *path, const char *name, const char *buf,
    size_t len, int toobig)
{
	struct pass	*p = arg;
	struct reply	*r;
	struct err	 pe = { "", 0 };
	int		 rc;

	p->fs->read++;
	if (toobig) {
		log_warnx("followup: %s: %zu bytes, more than the %d read; "
		    "left for a person", path, len, REPLY_MAX_BYTES);
		p->fs->bad++;
		return 'F';
	}
	r = xmalloc(sizeof(*r));
	if (reply_parse(buf, len, r, &pe) == -1) {
		log_warnx("followup: %s: %s; left for a person", path, pe.msg);
		p->fs->bad++;
		free(r);
		return 'F';
	}
	if (r->anomaly[0] != '\0')
		log_warnx("followup: %s: %s", path, r->anomaly);
	rc = attach(p, path, name, r);
	free(r);
	if (rc < 0) {
		p->failed = 1;
		return -1;	/* store trouble: stop, retry next pass */
	}
	if (rc == 0)
		p->fs->unmatched++;
	return rc ? 'S' : 'F';
}

struct quiet {
	struct pass	*p;
	int64_t		*ids;
	size_t		 n;
};

static int
collect_quiet(void *arg, const struct thread_row *t)
{
	struct quiet *q = arg;

	q->ids = xreallocarray(q->ids, q->n + 1, sizeof(*q->ids));
	q->ids[q->n++] = t->report_id;
	return q->n >= 1000;
}

static int
close_quiet(struct pass *p, int64_t close_after_s)
{
	struct quiet	q = { p, NULL, 0 };
	char		why[96];
	size_t		i;
	int		n = 0, rc = 0;

	if (close_after_s <= 0)
		return 0;
	if (store_thread_quiet(p->st, p->now - close_after_s * 1000000,
	    collect_quiet, &q, p->e) < 0) {
		free(q.ids);
		return -1;
	}
	if (close_after_s % 86400 == 0)
		snprintf(why, sizeof(why), "the source stayed quiet for %lldd",
		    (long long)(close_after_s / 86400));
	else
		snprintf(why, sizeof(why), "the source stayed quiet for %llds",
		    (long long)close_after_s);
	for (i = 0; i < q.n; i++) {
		if ((rc = store_thread_close(p->st, q.ids[i], why, p->now,
		    p->e)) < 0)
			break;
		if (rc == 1) {
			log_info("followup: report %" PRId64 ": thread closed: "
			    "%s", q.ids[i], why);
			n++;
		}
	}
	free(q.ids);
	p->fs->closed += n;
	return rc < 0 ? -1 : n;
}

int
followup_pass(struct executor *ex, struct store *st, int64_t now,
    struct followup_stats *fs, struct err *e)
{
	const struct followup_conf *fc = ex->cfg->followup;
	struct followup_stats	 mine;
	struct pass		 p = { ex, st, now, fs, e, 0 };
	size_t			 i;
	int			 n = 0, rc;

	if (fs == NULL)
		p.fs = fs = &mine;
	memset(fs, 0, sizeof(*fs));
	if (fc == NULL)
		return 0;
	if ((rc = store_thread_open_sent(st, now, e)) < 0)
		return -1;
	for (i = 0; i < fc->maildirs.n && !executor_stopping(ex); i++) {
		struct err e2 = { "", 0 };

		rc = reply_maildir_scan(fc->maildirs.v[i], REPLY_MAX_BYTES,
		    FOLLOWUP_MAX_MSGS, on_message, &p, &e2);
		if (p.failed)
			return -1;
		if (rc < 0)
			log_warnx("followup: %s", e2.msg);
		else
			n += rc;
	}
	if ((rc = close_quiet(&p, fc->close_after_s)) < 0)
		return -1;
	return n + rc;
}

static int
followup_start(struct executor *ex, struct store *st, struct err *e)
{
	(void)ex;
	(void)st;
	(void)e;
	return 0;
}

static int
followup_run(struct executor *ex, struct store *st, int64_t now,
    struct err *e)
{
	return followup_pass(ex, st, now, NULL, e);
}

const struct executor_ops executor_followup = {
	.name = "followup",
	.priv_size = 0,
	.inline_after_commit = 0,
	.interval_ms = 30000,
	.start = followup_start,
	.run = followup_run,
	.stop = NULL,
};
