/* SPDX-License-Identifier: MIT */
/*
 * The control socket: a unix stream socket (mode 0660) in the state
 * directory. A client sends one request line ("status"), gets one JSON
 * document and the connection is closed. The daemon side never blocks
 * (the one-request server below, shared with metrics.c); the client,
 * control_query(), gives up after CONTROL_QUERY_MS.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "control.h"
#include "log.h"
#include "monotime.h"
#include "xmalloc.h"

#define CONTROL_QUERY_MS	5000	/* client: whole exchange */
#define CONTROL_REPLY_MAX	(4u << 20)

struct control {
	struct reqsrv	*srv;
	char		*path;
};

static int	 line_complete(const char *, size_t);
static char	*control_answer(void *, const char *);

static int
sun_fill(struct sockaddr_un *sun, const char *path, struct err *e)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun->sun_path))
		return err_set(e, "socket path too long (%zu bytes, at most "
		    "%zu)", strlen(path), sizeof(sun->sun_path) - 1);
	memcpy(sun->sun_path, path, strlen(path) + 1);
	return 0;
}

struct control *
control_open(const char *path, struct err *e)
{
	struct sockaddr_un sun;
	struct control *c;
	mode_t old;
	int fd;

	if (sun_fill(&sun, path, e) < 0)
		return NULL;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return err_set(e, "socket: %s", strerror(errno)), NULL;
	/* A stale socket from a crashed daemon; the pid file guards a live one. */
	if (unlink(path) < 0 && errno != ENOENT) {
		err_set(e, "unlink: %s", strerror(errno));
		close(fd);
		return NULL;
	}
	old = umask(0117);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		umask(old);
		err_set(e, "bind: %s", strerror(errno));
		close(fd);
		return NULL;
	}
	umask(old);
	if (chmod(path, 0660) < 0 || listen(fd, 16) < 0) {
		err_set(e, "%s", strerror(errno));
		close(fd);
		unlink(path);
		return NULL;
	}
	c = xcalloc(1, sizeof(*c));
	if ((c->srv = reqsrv_new(fd, line_complete, control_answer, e)) ==
	    NULL) {
		close(fd);
		unlink(path);
		free(c);
		return NULL;
	}
	c->path = xstrdup(path);
	return c;
}

int
control_fd(struct control *c)
{
	return c ? reqsrv_fd(c->srv) : -1;
}

static int
line_complete(const char *buf, size_t n)
{
	return memchr(buf, '\n', n) != NULL;
}

static char *
control_answer(void *arg, const char *req)
{
	const struct daemon_status *s = arg;
	char esc[64], *json, *out;
	size_t n;

	if (req == NULL)
		return xstrdup("{\"error\":\"request too long\"}\n");
	n = strcspn(req, "\r\n");
	if (n == 6 && memcmp(req, "status", 6) == 0) {
		json = status_json(s, store_now_usec());
		out = xasprintf("%s\n", json);
		free(json);
		return out;
	}
	log_esc(req, n, esc, sizeof(esc));
	log_debug("control: unknown request \"%s\"", esc);
	return xstrdup("{\"error\":\"unknown request\"}\n");
}

void
control_handle(struct control *c, const struct daemon_status *s)
{
	if (c != NULL)
		reqsrv_handle(c->srv, (void *)(uintptr_t)s);
}

void
control_close(struct control *c)
{
	if (c == NULL)
		return;
	reqsrv_free(c->srv);
	unlink(c->path);
	free(c->path);
	free(c);
}

/* Client: writes all of buf within ms milliseconds; 0 or -1. */
static int
write_all(int fd, const char *buf, size_t len, int ms)
{
	int64_t end = monotime_ms() + ms;
	ssize_t w;

	while (len > 0) {
		struct pollfd p = { .fd = fd, .events = POLLOUT };
		int64_t left = end - monotime_ms();

		if (left <= 0 || poll(&p, 1, (int)left) <= 0)
			return -1;
		w = send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (w <= 0)
			return -1;
		buf += w;
		len -= (size_t)w;
	}
	return 0;
}

char *
control_query(const char *path, struct err *e)
{
	struct sockaddr_un sun;
	char *buf = NULL;
	size_t n = 0, cap = 0;
	int64_t end = monotime_ms() + CONTROL_QUERY_MS;
	ssize_t r;
	int fd;

	if (sun_fill(&sun, path, e) < 0)
		return NULL;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return err_set(e, "socket: %s", strerror(errno)), NULL;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		err_set(e, "no daemon on %s: %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	if (write_all(fd, "status\n", 7, CONTROL_QUERY_MS) < 0) {
		err_set(e, "%s: cannot send the request", path);
		close(fd);
		return NULL;
	}
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int64_t left = end - monotime_ms();

		if (left <= 0 || poll(&p, 1, (int)left) <= 0) {
			err_set(e, "%s: no answer within %d s", path,
			    CONTROL_QUERY_MS / 1000);
			goto fail;
		}
		if (cap - n < 4096) {
			cap = cap ? cap * 2 : 16384;
			buf = xreallocarray(buf, cap, 1);
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err_set(e, "%s: %s", path, strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > CONTROL_REPLY_MAX) {
			err_set(e, "%s: answer too long", path);
			goto fail;
		}
	}
	close(fd);
	if (n == 0) {
		free(buf);
		return err_set(e, "%s: empty answer", path), NULL;
	}
	buf[n] = '\0';
	return buf;
fail:
	close(fd);
	free(buf);
	return NULL;
}

/* ------------------------------------------------- one-request server */

/*
 * The engine under the control socket and the metrics endpoint: a
 * listening socket and up to REQSRV_CONNS connections, all registered in
 * one epoll instance whose descriptor the run loop polls. Nothing blocks:
 * a request is gathered over as many wake-ups as it takes, the answer is
 * written as far as the socket takes it, and a connection idle longer
 * than REQSRV_IDLE_MS or pushed out by a newer one is closed.
 */
#define REQSRV_CONNS	16
#define REQSRV_IDLE_MS	2000
#define REQSRV_LISTEN	UINT32_MAX

struct reqconn {
	int	 fd;		/* -1: free */
	int64_t	 since;		/* monotonic ms */
	char	 buf[REQSRV_REQ_MAX];
	size_t	 n;
	char	*out;
	size_t	 outlen, outoff;
};

struct reqsrv {
	int			 lfd, efd;
	int			 (*complete)(const char *, size_t);
	reqsrv_answer		 answer;
	struct reqconn		 c[REQSRV_CONNS];
};

struct reqsrv *
reqsrv_new(int lfd, int (*complete)(const char *, size_t),
    reqsrv_answer answer, struct err *e)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct reqsrv *s;
	size_t i;
	int efd;

	efd = epoll_create1(EPOLL_CLOEXEC);
	if (efd < 0)
		return err_set(e, "epoll: %s", strerror(errno)), NULL;
	ev.data.u32 = REQSRV_LISTEN;
	if (epoll_ctl(efd, EPOLL_CTL_ADD, lfd, &ev) < 0) {
		err_set(e, "epoll: %s", strerror(errno));
		close(efd);
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	s->lfd = lfd;
	s->efd = efd;
	s->complete = complete;
	s->answer = answer;
	for (i = 0; i < REQSRV_CONNS; i++)
		s->c[i].fd = -1;
	return s;
}

int
reqsrv_fd(const struct reqsrv *s)
{
	return s ? s->efd : -1;
}

static void
conn_close(struct reqsrv *s, struct reqconn *c)
{
	if (c->fd < 0)
		return;
	epoll_ctl(s->efd, EPOLL_CTL_DEL, c->fd, NULL);
	/* Half-close first so that a client still sending sees no reset. */
	shutdown(c->fd, SHUT_WR);
	close(c->fd);
	free(c->out);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

/* Writes what the socket takes; closes the connection when all is out. */
static void
conn_write(struct reqsrv *s, struct reqconn *c)
{
	struct epoll_event ev = { .events = EPOLLOUT };
	ssize_t w;

	while (c->outoff < c->outlen) {
		w = send(c->fd, c->out + c->outoff, c->outlen - c->outoff,
		    MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN) {
			ev.data.u32 = (uint32_t)(c - s->c);
			epoll_ctl(s->efd, EPOLL_CTL_MOD, c->fd, &ev);
			return;
		}
		if (w <= 0)
			break;
		c->outoff += (size_t)w;
	}
	conn_close(s, c);
}

/* Reads what is there; answers once the request is complete or too long. */
static void
conn_read(struct reqsrv *s, struct reqconn *c, void *arg)
{
	ssize_t r;
	int full;

	for (;;) {
		r = recv(c->fd, c->buf + c->n, sizeof(c->buf) - 1 - c->n,
		    MSG_DONTWAIT);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			return;
		if (r <= 0) {
			conn_close(s, c);
			return;
		}
		c->n += (size_t)r;
		c->buf[c->n] = '\0';
		full = c->n == sizeof(c->buf) - 1;
		if (s->complete(c->buf, c->n) || full) {
			c->out = s->answer(arg, full && !s->complete(c->buf,
			    c->n) ? NULL : c->buf);
			if (c->out == NULL) {
				conn_close(s, c);
				return;
			}
			c->outlen = strlen(c->out);
			conn_write(s, c);
			return;
		}
	}
}

static void
conn_accept(struct reqsrv *s, void *arg, int64_t now)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct reqconn *c;
	size_t i, slot;
	int fd, n;

	for (n = 0; n < REQSRV_CONNS; n++) {
		fd = accept4(s->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;		/* EAGAIN, or an aborted client */
		slot = 0;
		for (i = 0; i < REQSRV_CONNS; i++) {
			if (s->c[i].fd < 0) {
				slot = i;
				break;
			}
			if (s->c[i].since < s->c[slot].since)
				slot = i;
		}
		c = &s->c[slot];
		conn_close(s, c);	/* all busy: the oldest goes */
		c->fd = fd;
		c->since = now;
		ev.data.u32 = (uint32_t)slot;
		if (epoll_ctl(s->efd, EPOLL_CTL_ADD, fd, &ev) < 0) {
			close(fd);
			c->fd = -1;
			continue;
		}
		/* The request is usually there already. */
		conn_read(s, c, arg);
	}
}

void
reqsrv_handle(struct reqsrv *s, void *arg)
{
	struct epoll_event ev[REQSRV_CONNS + 1];
	int64_t now = monotime_ms();
	int i, n;

	if (s == NULL)
		return;
	n = epoll_wait(s->efd, ev, REQSRV_CONNS + 1, 0);
	for (i = 0; i < n; i++) {
		struct reqconn *c;

		if (ev[i].data.u32 == REQSRV_LISTEN) {
			conn_accept(s, arg, now);
			continue;
		}
		if (ev[i].data.u32 >= REQSRV_CONNS)
			continue;
		c = &s->c[ev[i].data.u32];
		if (c->fd < 0)
			continue;
		if (c->out != NULL)
			conn_write(s, c);
		else
			conn_read(s, c, arg);
	}
	for (i = 0; i < REQSRV_CONNS; i++)
		if (s->c[i].fd >= 0 && now - s->c[i].since > REQSRV_IDLE_MS)
			conn_close(s, &s->c[i]);
}

void
reqsrv_free(struct reqsrv *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < REQSRV_CONNS; i++)
		conn_close(s, &s->c[i]);
	close(s->efd);
	close(s->lfd);
	free(s);
}
