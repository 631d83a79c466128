/* SPDX-License-Identifier: MIT */
/*
 * SMTP submission with libcurl (mail_smtp.h). libcurl drives the session
 * as a non-blocking state machine: after STARTTLS it sends EHLO whether
 * or not a TLS 1.3 NewSessionTicket is already waiting, so a relay that
 * sends tickets (Postfix's default) cannot stall it (libESMTP 1.1 read
 * first and waited the whole timeout with EHLO unsent). The relay's reply
 * to each RCPT and to the end of DATA is read from the protocol trace,
 * where libcurl shows each command it sends and each reply line.
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mail_smtp.h"
#include "monotime.h"
#include "xmalloc.h"

enum cmd { C_OTHER, C_MAIL, C_RCPT, C_DATA, C_BODY };

struct mail_smtp {
	CURL			*h;
	char			 url[600];
	char			 errbuf[CURL_ERROR_SIZE];
	/* the transaction in flight */
	struct mail_result	*res;
	enum cmd		 cmd;
	int			 in_txn;	/* MAIL FROM was sent */
	size_t			 nrcpt;		/* RCPTs sent so far */
	struct mail_reply	 last;		/* last final reply line */
	const char		*msg;
	size_t			 len, off;
};

static void
reply_set(struct mail_reply *r, const char *line, size_t n)
{
	size_t	k;

	/* The reply code: the line's leading digits, within its n bytes. */
	r->code = 0;
	for (k = 0; k < n && k < 3 && line[k] >= '0' && line[k] <= '9'; k++)
		r->code = r->code * 10 + (line[k] - '0');
	line += n > 4 ? 4 : n;
	n -= n > 4 ? 4 : n;
	for (k = 0; k < n && k + 1 < sizeof(r->text) && line[k] != '\r' &&
	    line[k] != '\n'; k++)
		r->text[k] = line[k];
	r->text[k] = '\0';
}

/* A reply line: the final one ("250 ok", not "250-SIZE") ends a reply. */
static void
on_reply(struct mail_smtp *s, const char *line, size_t n)
{
	struct mail_result	*res = s->res;
	struct mail_reply	 r;

	if (n < 3 || line[0] < '1' || line[0] > '5' || (n > 3 &&
	    line[3] == '-'))
		return;
	reply_set(&r, line, n);
	s->last = r;
	if (res == NULL)
		return;
	switch (s->cmd) {
	case C_RCPT:
		if (s->nrcpt > 0 && s->nrcpt <= MAIL_RCPT_MAX)
			res->rcpt[s->nrcpt - 1] = r;
		break;
	case C_DATA:
		if (r.code == 354)
			s->cmd = C_BODY;
		else
			res->data = r;
		break;
	case C_BODY:
		res->data = r;
		if (r.code >= 200 && r.code < 300)
			res->accepted_usec = monotime_us();
		s->cmd = C_OTHER;
		break;
	default:
		break;
	}
}

static void
on_command(struct mail_smtp *s, const char *c, size_t n)
{
	if (n >= 10 && strncasecmp(c, "MAIL FROM:", 10) == 0) {
		s->cmd = C_MAIL;
		s->in_txn = 1;
	} else if (n >= 8 && strncasecmp(c, "RCPT TO:", 8) == 0) {
		s->cmd = C_RCPT;
		s->nrcpt++;
	} else if (n >= 4 && strncasecmp(c, "DATA", 4) == 0)
		s->cmd = C_DATA;
	else if (s->cmd != C_BODY)
		s->cmd = C_OTHER;	/* EHLO, STARTTLS, AUTH, QUIT ... */
}

static int
trace(CURL *h, curl_infotype type, char *data, size_t n, void *arg)
{
	struct mail_smtp	*s = arg;
	size_t			 i, start = 0;

	(void)h;
	if (type == CURLINFO_HEADER_OUT)
		on_command(s, data, n);
	else if (type == CURLINFO_HEADER_IN)
		for (i = 0; i < n; i++)
			if (data[i] == '\n') {
				on_reply(s, data + start, i + 1 - start);
				start = i + 1;
			}
	return 0;
}

static size_t
body_read(char *buf, size_t size, size_t nitems, void *arg)
{
	struct mail_smtp	*s = arg;
	size_t			 want = size * nitems, left = s->len - s->off;

	if (want > left)
		want = left;
	memcpy(buf, s->msg + s->off, want);
	s->off += want;
	return want;
}

int
mail_smtp_open(const struct smtp_conf *sc, const char *helo,
    const char *user, const char *pass, struct mail_smtp **out,
    struct err *e)
{
	struct mail_smtp	*s;
	long			 t = (long)((sc->timeout_ms + 999) / 1000);
	int			 v6 = strchr(sc->relay, ':') != NULL;

	*out = NULL;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return err_set(e, "mailer: libcurl cannot start");
	s = xcalloc(1, sizeof(*s));
	if ((s->h = curl_easy_init()) == NULL) {
		free(s);
		return err_set(e, "mailer: libcurl cannot start");
	}
	/* The URL's path is the EHLO name. */
	snprintf(s->url, sizeof(s->url), "%s://%s%s%s:%lld/%s",
	    sc->tls == SMTP_TLS ? "smtps" : "smtp", v6 ? "[" : "", sc->relay,
	    v6 ? "]" : "", sc->port, helo);
	curl_easy_setopt(s->h, CURLOPT_URL, s->url);
	curl_easy_setopt(s->h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(s->h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(s->h, CURLOPT_ERRORBUFFER, s->errbuf);
	curl_easy_setopt(s->h, CURLOPT_CONNECTTIMEOUT_MS, (long)sc->timeout_ms);
	curl_easy_setopt(s->h, CURLOPT_SERVER_RESPONSE_TIMEOUT, t > 0 ? t : 1);
	curl_easy_setopt(s->h, CURLOPT_USE_SSL, sc->tls == SMTP_PLAIN ?
	    (long)CURLUSESSL_NONE : sc->require_tls ? (long)CURLUSESSL_ALL :
	    (long)CURLUSESSL_TRY);
	if (sc->ca_file != NULL)
		curl_easy_setopt(s->h, CURLOPT_CAINFO, sc->ca_file);
	if (user != NULL) {
		curl_easy_setopt(s->h, CURLOPT_USERNAME, user);
		curl_easy_setopt(s->h, CURLOPT_PASSWORD, pass);
	}
	/* A refused recipient does not stop the others (named ALLLOWFAILS
	 * before libcurl 8.2). */
#if LIBCURL_VERSION_NUM >= 0x080200
	curl_easy_setopt(s->h, CURLOPT_MAIL_RCPT_ALLOWFAILS, 1L);
#else
	curl_easy_setopt(s->h, CURLOPT_MAIL_RCPT_ALLLOWFAILS, 1L);
#endif
	curl_easy_setopt(s->h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(s->h, CURLOPT_READFUNCTION, body_read);
	curl_easy_setopt(s->h, CURLOPT_READDATA, s);
	curl_easy_setopt(s->h, CURLOPT_DEBUGFUNCTION, trace);
	curl_easy_setopt(s->h, CURLOPT_DEBUGDATA, s);
	curl_easy_setopt(s->h, CURLOPT_VERBOSE, 1L);
	*out = s;
	return 0;
}

/* Why a session gave no SMTP status, in the operator's terms. */
static const char *
why(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
		return "cannot resolve the relay's name (smtp.relay)";
	case CURLE_COULDNT_CONNECT:
		return "no connection";
	case CURLE_OPERATION_TIMEDOUT:
		return "timed out (smtp.timeout)";
	case CURLE_USE_SSL_FAILED:
		return "the relay does not offer STARTTLS (smtp.require_tls)";
	case CURLE_PEER_FAILED_VERIFICATION:
		return "the relay's certificate did not verify (smtp.ca_file)";
	case CURLE_SSL_CACERT_BADFILE:
		return "the CA certificates could not be used (smtp.ca_file)";
	case CURLE_SSL_CONNECT_ERROR:
		return "the TLS handshake failed";
	case CURLE_LOGIN_DENIED:
		return "the relay refused our credentials (smtp.auth_file)";
	case CURLE_GOT_NOTHING:
	case CURLE_RECV_ERROR:
	case CURLE_SEND_ERROR:
		return "the relay closed the connection";
	default:
		return curl_easy_strerror(rc);
	}
}

int
mail_smtp_send(struct mail_smtp *s, const char *from, char *const *rcpt,
    size_t n, const char *msg, size_t len, struct mail_result *res)
{
	struct curl_slist	*to = NULL;
	char			 rev[300];
	CURLcode		 rc;
	size_t			 i;

	memset(res, 0, sizeof(*res));
	if (n > MAIL_RCPT_MAX)
		n = MAIL_RCPT_MAX;
	for (i = 0; i < n; i++)
		to = curl_slist_append(to, rcpt[i]);
	snprintf(rev, sizeof(rev), "<%s>", from);
	s->res = res;
	s->cmd = C_OTHER;
	s->nrcpt = 0;
	s->in_txn = 0;
	memset(&s->last, 0, sizeof(s->last));
	s->msg = msg;
	s->len = len;
	s->off = 0;
	s->errbuf[0] = '\0';
	curl_easy_setopt(s->h, CURLOPT_MAIL_FROM, rev);
	curl_easy_setopt(s->h, CURLOPT_MAIL_RCPT, to);
	curl_easy_setopt(s->h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
	rc = curl_easy_perform(s->h);
	s->res = NULL;
	curl_easy_setopt(s->h, CURLOPT_MAIL_RCPT, NULL);
	curl_slist_free_all(to);
	if (rc == CURLE_OK || (res->data.code >= 200 &&
	    res->data.code < 300))
		return 0;
	if (s->in_txn && s->last.code >= 400) {
		/* The relay refused the transaction: its reply says why. */
		if (res->data.code == 0)
			res->data = s->last;
		snprintf(res->error, sizeof(res->error), "%d %s",
		    s->last.code, s->last.text);
		return 0;
	}
	res->session_error = 1;
	if (s->last.code >= 400)
		snprintf(res->error, sizeof(res->error), "%s: %d %s", why(rc),
		    s->last.code, s->last.text);
	else
		snprintf(res->error, sizeof(res->error), "%s%s%s", why(rc),
		    s->errbuf[0] != '\0' ? ": " : "", s->errbuf);
	return -1;
}

void
mail_smtp_close(struct mail_smtp *s)
{
	if (s == NULL)
		return;
	curl_easy_cleanup(s->h);	/* says QUIT on a live connection */
	free(s);
}
