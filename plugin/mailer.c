/* SPDX-License-Identifier: MIT */
/*
 * The mailer executor: delivers approved reports from the outbox through
 * the configured relay with libESMTP (STARTTLS required by default, AUTH
 * from a private credentials file), with a durable queue
 * approved -> sending -> sent | failed, exponential backoff on 4xx,
 * refused connections and timeouts, 5xx kept per recipient, and overall
 * and per-domain hourly rate limits.
 *
 * Exactly-once: the intent (state "sending", attempt counted) is committed
 * before the SMTP transaction and the Message-ID was fixed when the draft
 * was written. A row still "sending" when the mailer starts means the
 * process died mid-transaction: the relay may or may not have accepted
 * it. We resend it once, with the SAME Message-ID, so a recipient that
 * deduplicates by Message-ID sees one report; the alternative (never
 * resend) would silently lose reports, which we judge worse. A second
 * interruption of the same report marks it failed for a person to check.
 */
#include <stddef.h>
#include <openssl/ssl.h>	/* before libesmtp.h: smtp_starttls_set_ctx */
#include <auth-client.h>
#include <libesmtp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "executor.h"
#include "log.h"
#include "outbox.h"
#include "report.h"
#include "store_report.h"
#include "xmalloc.h"

#define RATE_SLOTS	64

struct rate_slot {
	char	domain[128];
	int64_t	window_start;
	long	count;
};

struct mailer {
	char			 user[256], pass[256];
	int			 have_auth;
	int64_t			 window_start;
	long			 sent_in_window;
	struct rate_slot	 slots[RATE_SLOTS];
	SSL_CTX			*tls;	/* smtp.ca_file trust, or NULL */
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

static int
mailer_start(struct executor *ex, struct store *st, struct err *e)
{
	struct mailer		*m = ex->priv;
	const struct smtp_conf	*sc = ex->cfg->smtp;
	struct due		 d = { NULL, 0 };
	size_t			 i;

	if (sc == NULL)
		return err_set(e, "mailer: no smtp section");
	if (sc->tls == SMTP_TLS)
		return err_set(e, "smtp.tls: implicit TLS (port 465) is not "
		    "supported by libESMTP; use starttls on port 587");
	if (sc->auth_file != NULL && read_auth(sc->auth_file, m, e) == -1)
		return -1;
	auth_client_init();
	if (sc->ca_file != NULL) {
		if ((m->tls = SSL_CTX_new(TLS_client_method())) == NULL)
			return err_set(e, "mailer: cannot make a TLS context");
		SSL_CTX_set_verify(m->tls, SSL_VERIFY_PEER, NULL);
		if (SSL_CTX_load_verify_locations(m->tls, sc->ca_file,
		    NULL) != 1) {
			SSL_CTX_free(m->tls);
			m->tls = NULL;
			return err_set(e, "smtp.ca_file %s: no certificates "
			    "could be loaded", sc->ca_file);
		}
	}
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

static int
interact(auth_client_request_t req, char **result, int fields, void *arg)
{
	struct mailer	*m = arg;
	int		 i;

	for (i = 0; i < fields; i++) {
		if (req[i].flags & AUTH_USER)
			result[i] = m->user;
		else if (req[i].flags & AUTH_PASS)
			result[i] = m->pass;
		else
			return 0;
	}
	return 1;
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

/* 1 when the hourly limits allow one more message to rcpt's domain. */
static int
rate_ok(struct mailer *m, const struct smtp_conf *sc, const char *rcpt,
    int64_t now, int take)
{
	const char		*dom = domain_of(rcpt);
	struct rate_slot	*s = NULL, *old = &m->slots[0];
	size_t			 i;

	if (now - m->window_start >= 3600000000LL) {
		m->window_start = now;
		m->sent_in_window = 0;
	}
	for (i = 0; i < RATE_SLOTS; i++) {
		if (strcasecmp(m->slots[i].domain, dom) == 0)
			s = &m->slots[i];
		if (m->slots[i].window_start < old->window_start)
			old = &m->slots[i];
	}
	if (s == NULL) {
		s = old;
		strlcpy_r(s->domain, dom, sizeof(s->domain));
		s->window_start = now;
		s->count = 0;
	}
	if (now - s->window_start >= 3600000000LL) {
		s->window_start = now;
		s->count = 0;
	}
	if (m->sent_in_window >= sc->per_hour ||
	    s->count >= sc->per_domain_per_hour)
		return 0;
	if (take) {
		m->sent_in_window++;
		s->count++;
	}
	return 1;
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

struct rcpt_result {
	struct store	*st;
	int64_t		 id;
	int		 ok, perm, temp;
};

static void
rcpt_cb(smtp_recipient_t r, const char *mailbox, void *arg)
{
	struct rcpt_result	*rr = arg;
	const smtp_status_t	*s = smtp_recipient_status(r);
	struct err		 e = { "", 0 };
	int			 code = s != NULL ? s->code : 0;
	const char		*state;

	if (code >= 200 && code < 300) {
		rr->ok++;
		state = "sent";
	} else if (code >= 500) {
		rr->perm++;
		state = "failed";
	} else {
		rr->temp++;
		state = "deferred";
	}
	if (store_report_rcpt_set(rr->st, rr->id, mailbox, state, code,
	    s != NULL && s->text != NULL ? s->text : "", &e) == -1)
		log_warnx("mailer: %s", e.msg);
}

/* How far a relay session got: for an error that says where it stopped. */
struct session_trace {
	int	connected, tls_ok;
	int	stop;		/* the TLS event that ended it, 0 none */
};

/* libESMTP's event callback. It only watches: an event that asks the
 * application to accept something (a weak cipher, a certificate that
 * did not verify) is left refused, as without a callback. */
static void
session_event(smtp_session_t s, int ev, void *arg, ...)
{
	struct session_trace *t = arg;

	(void)s;
	switch (ev) {
	case SMTP_EV_CONNECT:
		t->connected = 1;
		break;
	case SMTP_EV_STARTTLS_OK:
		t->tls_ok = 1;
		break;
	case SMTP_EV_EXTNA_STARTTLS:
	case SMTP_EV_WEAK_CIPHER:
	case SMTP_EV_INVALID_PEER_CERTIFICATE:
	case SMTP_EV_NO_PEER_CERTIFICATE:
	case SMTP_EV_WRONG_PEER_CERTIFICATE:
	case SMTP_EV_UNUSABLE_CA_LIST:
		t->stop = ev;
		break;
	default:
		break;
	}
}

/* Why a session that gave no SMTP status ended. */
static const char *
trace_why(const struct session_trace *t, int starttls)
{
	switch (t->stop) {
	case SMTP_EV_EXTNA_STARTTLS:
		return "the relay does not offer STARTTLS (smtp.require_tls)";
	case SMTP_EV_WEAK_CIPHER:
		return "the relay's TLS cipher is too weak";
	case SMTP_EV_INVALID_PEER_CERTIFICATE:
		return "the relay's certificate did not verify (smtp.ca_file)";
	case SMTP_EV_NO_PEER_CERTIFICATE:
		return "the relay sent no certificate";
	case SMTP_EV_WRONG_PEER_CERTIFICATE:
		return "the relay's certificate is for another name "
		    "(smtp.relay)";
	case SMTP_EV_UNUSABLE_CA_LIST:
		return "the CA certificates could not be used (smtp.ca_file)";
	default:
		break;
	}
	if (!t->connected)
		return "no connection";
	if (starttls && !t->tls_ok)
		return "the session ended before TLS was set up";
	return "the session ended before the message was sent";
}

/* One SMTP transaction; fills rr and returns 0, or -1 (session error). */
static int
deliver(struct executor *ex, struct report_row *r, const char *msg,
    struct rcpt_result *rr, char *errbuf, size_t errlen)
{
	const struct smtp_conf	*sc = ex->cfg->smtp;
	struct mailer		*m = ex->priv;
	smtp_session_t		 s;
	smtp_message_t		 mm;
	auth_context_t		 ac = NULL;
	char			 hostport[300], rcpts[256], ccs[1024];
	char			*tok, *save;
	char			 host[256];
	const smtp_status_t	*ts;
	struct session_trace	 tr = { 0, 0, 0 };
	int			 rv = 0;

	s = smtp_create_session();
	smtp_set_eventcb(s, session_event, &tr);
	snprintf(hostport, sizeof(hostport), "%s:%lld", sc->relay,
	    sc->port);
	smtp_set_server(s, hostport);
	if (sc->helo != NULL)
		smtp_set_hostname(s, sc->helo);
	else if (gethostname(host, sizeof(host)) == 0)
		smtp_set_hostname(s, host);
	smtp_starttls_enable(s, sc->tls == SMTP_PLAIN ? Starttls_DISABLED :
	    sc->require_tls ? Starttls_REQUIRED : Starttls_ENABLED);
	if (m->tls != NULL) {
		/* libESMTP frees the context with the session. */
		SSL_CTX_up_ref(m->tls);
		smtp_starttls_set_ctx(s, m->tls);
	}
	smtp_set_timeout(s, Timeout_GREETING | Timeout_OVERRIDE_RFC2822_MINIMUM,
	    (long)sc->timeout_ms);
	smtp_set_timeout(s, Timeout_ENVELOPE | Timeout_OVERRIDE_RFC2822_MINIMUM,
	    (long)sc->timeout_ms);
	smtp_set_timeout(s, Timeout_TRANSFER | Timeout_OVERRIDE_RFC2822_MINIMUM,
	    (long)sc->timeout_ms);
	if (m->have_auth) {
		ac = auth_create_context();
		auth_set_mechanism_flags(ac, AUTH_PLUGIN_PLAIN, 0);
		auth_set_interact_cb(ac, interact, m);
		smtp_auth_set_context(s, ac);
	}
	mm = smtp_add_message(s);
	smtp_set_reverse_path(mm, ex->cfg->reports != NULL ?
	    ex->cfg->reports->from : "");
	smtp_set_message_str(mm, (void *)msg);
	strlcpy_r(rcpts, r->rcpt, sizeof(rcpts));
	for (tok = strtok_r(rcpts, ", ", &save); tok != NULL;
	    tok = strtok_r(NULL, ", ", &save))
		smtp_add_recipient(mm, tok);
	/* Cc (our own ISP): as the reviewed message names it. */
	if (report_cc_list(msg, strlen(msg), ccs, sizeof(ccs)) == 0)
		for (tok = strtok_r(ccs, ", ", &save); tok != NULL;
		    tok = strtok_r(NULL, ", ", &save))
			smtp_add_recipient(mm, tok);
	if (!smtp_start_session(s)) {
		char b[128];

		if (smtp_errno() != 0)
			snprintf(errbuf, errlen, "relay %s: %s", hostport,
			    smtp_strerror(smtp_errno(), b, sizeof(b)));
		else
			snprintf(errbuf, errlen, "relay %s: %s", hostport,
			    trace_why(&tr, sc->tls != SMTP_PLAIN));
		rv = -1;
	} else {
		ts = smtp_message_transfer_status(mm);
		smtp_enumerate_recipients(mm, rcpt_cb, rr);
		if (ts != NULL && (ts->code < 200 || ts->code >= 300) &&
		    rr->ok > 0) {
			/* Recipients accepted but the data was not. */
			if (ts->code >= 500)
				rr->perm += rr->ok;
			else
				rr->temp += rr->ok;
			rr->ok = 0;
		}
		if (ts != NULL && ts->code != 0)
			snprintf(errbuf, errlen, "relay %s: %d %s", hostport,
			    ts->code, ts->text != NULL ? ts->text : "");
		else
			snprintf(errbuf, errlen, "relay %s: %s", hostport,
			    trace_why(&tr, sc->tls != SMTP_PLAIN));
		errbuf[strcspn(errbuf, "\r\n")] = '\0';
		if (rr->ok == 0 && rr->perm == 0 && rr->temp == 0)
			rv = -1;
	}
	smtp_destroy_session(s);
	if (ac != NULL)
		auth_destroy_context(ac);
	return rv;
}

static int
mailer_run(struct executor *ex, struct store *st, int64_t now,
    struct err *e)
{
	const struct smtp_conf	*sc = ex->cfg->smtp;
	struct mailer		*m = ex->priv;
	struct due		 d = { NULL, 0 };
	size_t			 i;
	int			 done = 0;

	if (store_report_due(st, now, collect, &d, e) < 0)
		return -1;
	for (i = 0; i < d.n && !executor_stopping(ex); i++) {
		struct report_row	*r = &d.v[i];
		struct rcpt_result	 rr = { st, r->id, 0, 0, 0 };
		struct err		 e2 = { "", 0 };
		char			*msg, *crlf, errbuf[1024];
		size_t			 len;
		int			 rc;

		if (!rate_ok(m, sc, r->rcpt, now, 0))
			continue;
		if (ex->dry_run) {
			log_info("mailer: dry run: would send report %lld "
			    "to %s", (long long)r->id, r->rcpt);
			continue;
		}
		/* The intent, committed before any byte goes out. */
		rc = store_report_set_state(st, r->id, r->state,
		    REPORT_SENDING, NULL, e);
		if (rc <= 0) {
			free(d.v);
			return rc < 0 ? -1 : done;
		}
		r->attempts++;
		strlcpy_r(r->state, REPORT_SENDING, sizeof(r->state));
		if (store_report_update(st, r, e) == -1) {
			free(d.v);
			return -1;
		}
		if (outbox_read(r->path, &msg, &len, &e2) == -1) {
			strlcpy_r(r->last_error, e2.msg, sizeof(r->last_error));
			strlcpy_r(r->state, REPORT_FAILED, sizeof(r->state));
			goto record;
		}
		crlf = to_crlf(msg, len);
		free(msg);
		rate_ok(m, sc, r->rcpt, now, 1);
		rc = deliver(ex, r, crlf, &rr, errbuf, sizeof(errbuf));
		free(crlf);
		strlcpy_r(r->last_error, rr.ok > 0 && rr.perm == 0 &&
		    rr.temp == 0 ? "" : errbuf, sizeof(r->last_error));
		if (rc == 0 && rr.ok > 0)
			strlcpy_r(r->state, REPORT_SENT, sizeof(r->state));
		else if (rc == 0 && rr.temp == 0)
			strlcpy_r(r->state, REPORT_FAILED, sizeof(r->state));
		else if (r->attempts >= sc->max_attempts)
			strlcpy_r(r->state, REPORT_FAILED, sizeof(r->state));
		else {
			strlcpy_r(r->state, REPORT_QUEUED, sizeof(r->state));
			r->next_attempt_usec = now + backoff(sc, r->attempts);
		}
record:
		if (store_report_update(st, r, e) == -1) {
			free(d.v);
			return -1;
		}
		log_info("mailer: report %lld to %s: %s%s%s", (long long)r->id,
		    r->rcpt, r->state, r->last_error[0] ? ": " : "",
		    r->last_error);
		done++;
	}
	free(d.v);
	return done;
}

static void
mailer_stop(struct executor *ex)
{
	struct mailer *m = ex->priv;

	explicit_bzero(m->pass, sizeof(m->pass));
	if (m->tls != NULL)
		SSL_CTX_free(m->tls);
	m->tls = NULL;
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
