/* SPDX-License-Identifier: MIT */
/*
 * Prometheus metrics over minimal HTTP/1.0 on a loopback TCP port or a
 * unix socket. One request per connection, served without blocking by
 * the one-request server of control.c: the request head (at most
 * REQSRV_REQ_MAX bytes) is gathered, GET /metrics gets the text
 * exposition format, anything else a 400, 404 or 405, and the connection
 * is closed. The numbers come from the daemon status the run loop keeps.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "control.h"
#include "log.h"
#include "metrics.h"
#include "metrics_conf.h"
#include "xmalloc.h"

struct metrics {
	struct reqsrv	*srv;
	char		*unix_path;
};

static int	 head_complete(const char *, size_t);
static char	*metrics_answer(void *, const char *);

struct mbuf {
	char	*p;
	size_t	 n, cap;
};

static void __attribute__((format(printf, 2, 3)))
mb_printf(struct mbuf *b, const char *fmt, ...)
{
	va_list ap;
	int len;

	for (;;) {
		va_start(ap, fmt);
		len = vsnprintf(b->p + b->n, b->cap - b->n, fmt, ap);
		va_end(ap);
		if (len < 0)
			return;
		if ((size_t)len < b->cap - b->n) {
			b->n += (size_t)len;
			return;
		}
		b->cap = (b->cap + (size_t)len + 1) * 2;
		b->p = xreallocarray(b->p, b->cap, 1);
	}
}

static void
mb_head(struct mbuf *b, const char *name, const char *type, const char *help)
{
	mb_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A label value with \, " and newline escaped as the format requires. */
static void
mb_label(struct mbuf *b, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\')
			mb_printf(b, "\\\\");
		else if (*v == '"')
			mb_printf(b, "\\\"");
		else if (*v == '\n')
			mb_printf(b, "\\n");
		else
			mb_printf(b, "%c", *v);
	}
}

static void
mb_inputs(struct mbuf *b, const struct daemon_status *s, const char *name,
    const char *type, const char *help, int lag)
{
	size_t i;

	mb_head(b, name, type, help);
	for (i = 0; i < s->ninputs && i < STATUS_MAX_INPUTS; i++) {
		mb_printf(b, "%s{input=\"", name);
		mb_label(b, s->inputs[i].id);
		mb_printf(b, "\"} %llu\n", (unsigned long long)(lag == 2 ?
		    s->inputs[i].lag_records : lag == 3 ?
		    s->inputs[i].unacked : lag ? s->inputs[i].lag_bytes :
		    s->inputs[i].bytes));
	}
}

static void
mb_one(struct mbuf *b, const char *name, const char *type, const char *help,
    long long v)
{
	mb_head(b, name, type, help);
	mb_printf(b, "%s %lld\n", name, v);
}

char *
metrics_text(const struct daemon_status *s, int64_t now_usec)
{
	struct mbuf b = { NULL, 0, 0 };

	b.cap = 4096;
	b.p = xmalloc(b.cap);
	b.p[0] = '\0';
	mb_one(&b, "redress_up", "gauge", "1 while the daemon runs.", 1);
	mb_one(&b, "redress_uptime_seconds", "gauge",
	    "Seconds since the daemon started.",
	    (long long)((now_usec - s->start_usec) / 1000000));
	mb_one(&b, "redress_alerts_total", "counter",
	    "Alerts read from all inputs.", (long long)s->alerts_total);
	mb_inputs(&b, s, "redress_input_bytes", "counter",
	    "Bytes consumed from each input.", 0);
	mb_inputs(&b, s, "redress_input_lag_bytes", "gauge",
	    "Bytes written to each input and not read yet.", 1);
	mb_inputs(&b, s, "redress_input_lag_records", "gauge",
	    "Records queued at each input's source (Redis) and not read yet.",
	    2);
	mb_inputs(&b, s, "redress_input_unacked_records", "gauge",
	    "Records read and not yet acknowledged at the source (Redis).",
	    3);
	mb_one(&b, "redress_incidents_open", "gauge",
	    "Incidents not closed.", (long long)s->open_incidents);
	mb_one(&b, "redress_blocks_active", "gauge",
	    "Blocks in force (not removed, not expired).",
	    (long long)s->active_blocks);
	mb_head(&b, "redress_decisions_pending", "gauge",
	    "Decisions waiting for their executor.");
	mb_printf(&b, "redress_decisions_pending{action=\"contain\"} %lld\n"
	    "redress_decisions_pending{action=\"report\"} %lld\n",
	    (long long)s->pending_contain, (long long)s->pending_report);
	mb_one(&b, "redress_reports_waiting", "gauge",
	    "Report drafts waiting for review.", (long long)s->drafts_waiting);
	mb_one(&b, "redress_mail_queue", "gauge",
	    "Approved reports not delivered yet.", (long long)s->mail_approved);
	mb_one(&b, "redress_mail_sent_total", "counter",
	    "Reports delivered.", (long long)s->mail_sent);
	mb_one(&b, "redress_mail_failed_total", "counter",
	    "Reports that failed for good.", (long long)s->mail_failed);
	mb_one(&b, "redress_resolver_cache_hits_total", "counter",
	    "Contact lookups answered from the cache.",
	    (long long)s->resolver_hits);
	mb_one(&b, "redress_resolver_cache_misses_total", "counter",
	    "Contact lookups that had to ask the registries.",
	    (long long)s->resolver_misses);
	mb_one(&b, "redress_resolver_cache_entries", "gauge",
	    "Fresh entries in the contact cache.",
	    (long long)s->contacts_cached);
	return b.p;
}

struct metrics *
metrics_open(const struct config *cfg, struct err *e)
{
	const struct metrics_conf *mc = cfg->metrics;
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	struct sockaddr_un *sun = (struct sockaddr_un *)&ss;
	struct metrics *m;
	socklen_t sl;
	mode_t old;
	int fd, one = 1;

	if (mc == NULL || !mc->enabled)
		return NULL;
	memset(&ss, 0, sizeof(ss));
	if (mc->is_unix) {
		sun->sun_family = AF_UNIX;
		strlcpy_r(sun->sun_path, mc->unix_path, sizeof(sun->sun_path));
		sl = sizeof(*sun);
	} else if (mc->addr.family == AF_INET) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)mc->port);
		memcpy(&sin->sin_addr, mc->addr.a + 12, 4);
		sl = sizeof(*sin);
	} else {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)mc->port);
		memcpy(&sin6->sin6_addr, mc->addr.a, 16);
		sl = sizeof(*sin6);
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (fd < 0)
		return err_set(e, "%s: socket: %s", mc->listen,
		    strerror(errno)), NULL;
	if (mc->is_unix) {
		if (unlink(mc->unix_path) < 0 && errno != ENOENT) {
			err_set(e, "%s: unlink: %s", mc->listen,
			    strerror(errno));
			goto fail;
		}
	} else
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	old = umask(0117);
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0) {
		umask(old);
		err_set(e, "%s: bind: %s", mc->listen, strerror(errno));
		goto fail;
	}
	umask(old);
	if (listen(fd, 16) < 0) {
		err_set(e, "%s: listen: %s", mc->listen, strerror(errno));
		goto fail;
	}
	m = xcalloc(1, sizeof(*m));
	if ((m->srv = reqsrv_new(fd, head_complete, metrics_answer, e)) ==
	    NULL) {
		free(m);
		goto fail;
	}
	m->unix_path = mc->is_unix ? xstrdup(mc->unix_path) : NULL;
	return m;
fail:
	close(fd);
	return NULL;
}

int
metrics_fd(struct metrics *m)
{
	return m ? reqsrv_fd(m->srv) : -1;
}

/* The request head ends with an empty line. */
static int
head_complete(const char *buf, size_t n)
{
	(void)n;
	return strstr(buf, "\r\n\r\n") != NULL || strstr(buf, "\n\n") != NULL;
}

static char *
reply(const char *status, const char *ctype, const char *body)
{
	return xasprintf("HTTP/1.0 %s\r\nContent-Type: %s\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n\r\n%s", status,
	    ctype, strlen(body), body);
}

static char *
metrics_answer(void *arg, const char *req)
{
	const struct daemon_status *s = arg;
	char *body, *out;
	size_t ml;

	if (req == NULL)
		return reply("400 Bad Request", "text/plain", "bad request\n");
	ml = strcspn(req, " ");
	if (ml != 3 || memcmp(req, "GET", 3) != 0)
		return reply("405 Method Not Allowed", "text/plain",
		    "only GET\n");
	if (strncmp(req + ml, " /metrics ", 10) != 0 &&
	    strncmp(req + ml, " /metrics\r", 10) != 0 &&
	    strncmp(req + ml, " /metrics\n", 10) != 0)
		return reply("404 Not Found", "text/plain", "try /metrics\n");
	body = metrics_text(s, store_now_usec());
	out = reply("200 OK", "text/plain; version=0.0.4; charset=utf-8", body);
	free(body);
	return out;
}

void
metrics_handle(struct metrics *m, const struct daemon_status *s)
{
	if (m != NULL)
		reqsrv_handle(m->srv, (void *)(uintptr_t)s);
}

void
metrics_close(struct metrics *m)
{
	if (m == NULL)
		return;
	reqsrv_free(m->srv);
	if (m->unix_path)
		unlink(m->unix_path);
	free(m->unix_path);
	free(m);
}
