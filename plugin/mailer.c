/* SPDX-License-Identifier: MIT */
/*
 * The mailer executor: delivers approved reports from the outbox through
 * the configured relay (mail_smtp.c: libcurl, STARTTLS required by
 * default, AUTH from a private credentials file), with a durable queue
 * approved -> sending -> sent | failed, exponential backoff on 4xx,
 * refused connections and timeouts, 5xx kept per recipient, and overall
 * and per-domain hourly limits counted in the store (they hold across
 * restarts and separate `queue send` runs).
 *
 * Sent once: the intent (state "sending", attempt counted) is committed
 * before the SMTP transaction, and the result in its own commit right
 * after the relay's reply to the end of DATA, fsynced as Postfix fsyncs
 * its queue file before saying 250. A row still "sending" when the mailer
 * starts means the process died in between: the relay may or may not
 * have accepted it. We resend it once, with the SAME Message-ID; only a
 * crash between the relay's 250 and our commit (measured and logged per
 * message) makes that a duplicate. Never resending would silently lose
 * reports, which we judge worse. A second interruption of the same report
 * marks it failed for a person to check.
 */
#include <netdb.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "executor.h"
#include "log.h"
#include "mail_smtp.h"
#include "monotime.h"
#include "outbox.h"
#include "outbox_sync.h"
#include "report.h"
#include "store_report.h"
#include "xmalloc.h"

#define HOUR_USEC	3600000000LL

struct mailer {
	char			 user[256], pass[256];
	int			 have_auth;
	char			 helo[256];
	struct mail_smtp	*smtp;		/* during a pass */
};

struct due {
	struct report_row	*v;
	size_t			 n;
};

static int
collect(void *arg, const struct report_row *r)
{
	struct due *d = arg;

	d->v = xreallocarray(d->v, d->n + 1, sizeof(*d->v));
	d->v[d->n++] = *r;
	return 0;
}

static int
read_auth(const char *path, struct mailer *m, struct err *e)
{
	FILE	*fp;

	if ((fp = fopen(path, "r")) == NULL)
		return err_set(e, "smtp.auth_file %s: cannot open", path);
	if (fgets(m->user, sizeof(m->user), fp) == NULL ||
	    fgets(m->pass, sizeof(m->pass), fp) == NULL) {
		fclose(fp);
		return err_set(e, "smtp.auth_file %s: needs a user line and a "
		    "password line", path);
	}
	fclose(fp);
	m->user[strcspn(m->user, "\r\n")] = '\0';
	m->pass[strcspn(m->pass, "\r\n")] = '\0';
	m->have_auth = 1;
	return 0;
}

/*
 * The EHLO name: the host's fully qualified name (its host name, or that
 * name's canonical name), else the From domain: a bare "vm" is not a name
 * a relay should be told (RFC 5321 4.1.1.1).
 */
static void
host_fqdn(char *buf, size_t len, const char *from)
{
	struct addrinfo	 hints, *res = NULL;
	const char	*at;

	if (gethostname(buf, len) == 0) {
		buf[len - 1] = '\0';
		if (strchr(buf, '.') != NULL)
			return;
		memset(&hints, 0, sizeof(hints));
		hints.ai_flags = AI_CANONNAME;
		hints.ai_socktype = SOCK_STREAM;
		if (getaddrinfo(buf, NULL, &hints, &res) == 0 && res != NULL &&
		    res->ai_canonname != NULL &&
		    strchr(res->ai_canonname, '.') != NULL) {
			strlcpy_r(buf, res->ai_canonname, len);
			freeaddrinfo(res);
			return;
		}
		if (res != NULL)
			freeaddrinfo(res);
	}
	at = from != NULL ? strrchr(from, '@') : NULL;
	strlcpy_r(buf, at != NULL && at[1] != '\0' ? at + 1 : "localhost",
	    len);
}

static int
mailer_start(struct executor *ex, struct store *st, struct err *e)
{
	struct mailer		*m = ex->priv;
	const struct smtp_conf	*sc = ex->cfg->smtp;
	struct due		 d = { NULL, 0 };
	size_t			 i;

	if (sc == NULL)
		return err_set(e, "mailer: no smtp section");
	if (sc->auth_file != NULL && read_auth(sc->auth_file, m, e) == -1)
		return -1;
	if (sc->helo != NULL)
		strlcpy_r(m->helo, sc->helo, sizeof(m->helo));
	else
		host_fqdn(m->helo, sizeof(m->helo), ex->cfg->reports != NULL ?
		    ex->cfg->reports->from : NULL);
	/* A result is on disk before the next message goes out. */
	if (store_exec(st, "PRAGMA synchronous=FULL", e) == -1)
		return -1;
	/* Rows left "sending" by a crash: resend once, same Message-ID. */
	if (store_report_list(st, REPORT_SENDING, collect, &d, e) < 0)
		return -1;
	for (i = 0; i < d.n; i++) {
		struct report_row *r = &d.v[i];
		int again = strstr(r->last_error, "interrupted") != NULL;

		strlcpy_r(r->last_error, again ? "interrupted twice while "
		    "sending; check with the relay before resending" :
		    "interrupted while sending; resending once with the same "
		    "Message-ID", sizeof(r->last_error));
		strlcpy_r(r->state, again ? REPORT_FAILED : REPORT_QUEUED,
		    sizeof(r->state));
		r->next_attempt_usec = 0;
		if (store_report_update(st, r, e) == -1) {
			free(d.v);
			return -1;
		}
		log_warnx("mailer: report %lld %s", (long long)r->id,
		    r->last_error);
	}
	free(d.v);
	return 0;
}

/* The message with CRLF line ends, as SMTP wants it. */
static char *
to_crlf(const char *s, size_t len)
{
	char	*o = xmalloc(len * 2 + 1), *w = o;
	size_t	 i;

	for (i = 0; i < len; i++) {
		if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r'))
			*w++ = '\r';
		*w++ = s[i];
	}
	*w = '\0';
	return o;
}

static const char *
domain_of(const char *rcpt)
{
	const char *at = strrchr(rcpt, '@');

	return at != NULL ? at + 1 : rcpt;
}

static int64_t
backoff(const struct smtp_conf *sc, int attempts)
{
	int64_t	s = sc->backoff_min_s;
	int	i;

	for (i = 1; i < attempts && s < sc->backoff_max_s; i++)
		s *= 2;
	if (s > sc->backoff_max_s)
		s = sc->backoff_max_s;
	return s * 1000000;
}

/* Splits a comma/space separated list into v (at most max); returns n. */
static size_t
split_list(char *list, char **v, size_t n, size_t max)
{
	char	*tok, *save;

	for (tok = strtok_r(list, ", ", &save); tok != NULL && n < max;
	    tok = strtok_r(NULL, ", ", &save))
		v[n++] = tok;
	return n;
}

/* 1 when the hourly limits allow a message to every domain of to[]. */
static int
rate_ok(struct store *st, const struct smtp_conf *sc, char *const *to,
    size_t n, int64_t now, int *full, struct err *e)
{
	long	total, dom;
	size_t	i;

	*full = 0;
	for (i = 0; i < n; i++) {
		if (store_report_rate_count(st, now - HOUR_USEC,
		    domain_of(to[i]), &total, &dom, e) == -1)
			return -1;
		if (total >= sc->per_hour) {
			*full = 1;
			return 0;
		}
		if (dom >= sc->per_domain_per_hour)
			return 0;
	}
	return 1;
}

/* The intent, committed before any byte goes out: 1 taken, 0 not. */
static int
take(struct store *st, struct report_row *r, char *const *to, size_t n,
    int64_t now, struct err *e)
{
	size_t	i;
	int	rc;

	if (store_begin(st, e) == -1)
		return -1;
	rc = store_report_set_state(st, r->id, r->state, REPORT_SENDING,
	    NULL, e);
	if (rc <= 0) {
		store_rollback(st);
		return rc;
	}
	r->attempts++;
	strlcpy_r(r->state, REPORT_SENDING, sizeof(r->state));
	if (store_report_update(st, r, e) == -1)
		goto fail;
	for (i = 0; i < n; i++)
		if (store_report_rate_add(st, r->id, r->attempts,
		    domain_of(to[i]), now, e) == -1)
			goto fail;
	if (store_commit(st, e) == -1)
		goto fail;
	return 1;
fail:
	store_rollback(st);
	return -1;
}

/* What became of the transaction, per recipient and for the row. */
static int
record(struct store *st, const struct smtp_conf *sc, struct report_row *r,
    char *const *rcpt, size_t n, const struct mail_result *res, int64_t now,
    struct err *e)
{
	int	data = res->data.code, ok = 0, temp = 0;
	size_t	i;

	if (store_begin(st, e) == -1)
		return -1;
	for (i = 0; i < n && !res->session_error; i++) {
		const struct mail_reply *rp = &res->rcpt[i];
		const struct mail_reply *why = rp;
		const char *state;

		if (rp->code >= 200 && rp->code < 300) {
			why = data != 0 ? &res->data : rp;
			if (data >= 200 && data < 300) {
				state = "sent";
				ok++;
			} else if (data >= 500)
				state = "failed";
			else {
				state = "deferred";
				temp++;
			}
		} else if (rp->code >= 500)
			state = "failed";
		else {
			state = "deferred";
			temp++;
		}
		if (store_report_rcpt_set(st, r->id, rcpt[i], state, why->code,
		    why->text, e) == -1)
			goto fail;
	}
	strlcpy_r(r->last_error, ok > 0 && (size_t)ok == n ? "" : res->error,
	    sizeof(r->last_error));
	if (ok > 0)
		strlcpy_r(r->state, REPORT_SENT, sizeof(r->state));
	else if (!res->session_error && temp == 0)
		strlcpy_r(r->state, REPORT_FAILED, sizeof(r->state));
	else if (r->attempts >= sc->max_attempts)
		strlcpy_r(r->state, REPORT_FAILED, sizeof(r->state));
	else {
		strlcpy_r(r->state, REPORT_QUEUED, sizeof(r->state));
		r->next_attempt_usec = now + backoff(sc, r->attempts);
	}
	if (store_report_update(st, r, e) == -1)
		goto fail;
	/* Nothing reached a recipient: the attempt does not count. */
	if (ok == 0 && store_report_rate_drop(st, r->id, r->attempts,
	    e) == -1)
		goto fail;
	if (store_commit(st, e) == -1)
		goto fail;
	return 0;
fail:
	store_rollback(st);
	return -1;
}

static int
mailer_run(struct executor *ex, struct store *st, int64_t now,
    struct err *e)
{
	const struct smtp_conf	*sc = ex->cfg->smtp;
	const char		*from = ex->cfg->reports != NULL ?
				    ex->cfg->reports->from : "";
	struct mailer		*m = ex->priv;
	struct due		 d = { NULL, 0 };
	size_t			 i;
	int			 done = 0, rv = -1;

	if (store_report_due(st, now, collect, &d, e) < 0)
		return -1;
	for (i = 0; i < d.n && !executor_stopping(ex); i++) {
		struct report_row	*r = &d.v[i];
		struct mail_result	 res;
		struct err		 e2 = { "", 0 };
		char			 tos[sizeof(r->rcpt)], ccs[1024];
		char			*rcpt[MAIL_RCPT_MAX], *msg, *crlf;
		size_t			 len, nto, n;
		int64_t			 committed;
		int			 rc, full;

		strlcpy_r(tos, r->rcpt, sizeof(tos));
		nto = split_list(tos, rcpt, 0, MAIL_RCPT_MAX);
		if ((rc = rate_ok(st, sc, rcpt, nto, now, &full, e)) == -1)
			goto out;
		if (full)
			break;
		if (rc == 0)
			continue;
		if (ex->dry_run) {
			log_info("mailer: dry run: would send report %lld "
			    "to %s", (long long)r->id, r->rcpt);
			continue;
		}
		if ((rc = take(st, r, rcpt, nto, now, e)) == -1)
			goto out;
		if (rc == 0)
			continue;
		if (outbox_read(r->path, &msg, &len, &e2) == -1) {
			memset(&res, 0, sizeof(res));
			res.session_error = 1;
			strlcpy_r(res.error, e2.msg, sizeof(res.error));
			r->attempts = (int)sc->max_attempts;	/* not the relay */
			if (record(st, sc, r, rcpt, nto, &res, now, e) == -1)
				goto out;
			log_warnx("mailer: report %lld: %s", (long long)r->id,
			    e2.msg);
			if (outbox_sync_state(st, r, &e2) == -1)
				log_warnx("mailer: report %lld: %s",
				    (long long)r->id, e2.msg);
			done++;
			continue;
		}
		/* Cc (our own ISP): as the reviewed message names it. */
		n = nto;
		if (report_cc_list(msg, len, ccs, sizeof(ccs)) == 0)
			n = split_list(ccs, rcpt, nto, MAIL_RCPT_MAX);
		crlf = to_crlf(msg, len);
		if (m->smtp == NULL && mail_smtp_open(sc, m->helo,
		    m->have_auth ? m->user : NULL, m->pass, &m->smtp, e) == -1) {
			free(crlf);
			free(msg);
			goto out;
		}
		(void)mail_smtp_send(m->smtp, from, rcpt, n, crlf,
		    strlen(crlf), &res);
		free(crlf);
		if (res.error[0] != '\0') {
			char where[sizeof(res.error)];

			snprintf(where, sizeof(where), "relay %s:%lld: %.400s",
			    sc->relay, sc->port, res.error);
			strlcpy_r(res.error, where, sizeof(res.error));
		}
		rc = record(st, sc, r, rcpt, n, &res, now, e);
		committed = monotime_us();	/* the window ends here */
		free(msg);
		if (rc == -1)
			goto out;
		/* A reviewer's mail reader shows sent (S) or failed (F). */
		if (outbox_sync_state(st, r, &e2) == -1)
			log_warnx("mailer: report %lld: %s", (long long)r->id,
			    e2.msg);
		if (res.accepted_usec != 0)
			log_info("mailer: report %lld to %s: %s (recorded %lld "
			    "us after the relay's reply)", (long long)r->id,
			    r->rcpt, r->state,
			    (long long)(committed - res.accepted_usec));
		else
			log_info("mailer: report %lld to %s: %s%s%s",
			    (long long)r->id, r->rcpt, r->state,
			    r->last_error[0] ? ": " : "", r->last_error);
		done++;
		if (res.session_error) {
			/* The relay is unreachable: the rest waits too. */
			mail_smtp_close(m->smtp);
			m->smtp = NULL;
			break;
		}
	}
	rv = done;
out:
	mail_smtp_close(m->smtp);
	m->smtp = NULL;
	free(d.v);
	return rv;
}

static void
mailer_stop(struct executor *ex)
{
	struct mailer *m = ex->priv;

	explicit_bzero(m->pass, sizeof(m->pass));
	mail_smtp_close(m->smtp);
	m->smtp = NULL;
}

const struct executor_ops executor_mailer = {
	.name = "mailer",
	.priv_size = sizeof(struct mailer),
	.inline_after_commit = 0,
	.interval_ms = 5000,
	.start = mailer_start,
	.run = mailer_run,
	.stop = mailer_stop,
};
