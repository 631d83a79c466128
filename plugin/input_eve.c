/* SPDX-License-Identifier: MIT */
/*
 * Suricata EVE inputs: "eve", an eve.json file followed like `tail -F`
 * (linefile.c), and "eve_socket", a unix socket redress creates for
 * Suricata's `filetype: unix_dgram` or `unix_stream` output. Each line is
 * parsed by eve_parse(); alerts come out with where they were read, bad
 * lines as -1 with "FILE:LINE: why".
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "eve_parse.h"
#include "input.h"
#include "input_file.h"
#include "xmalloc.h"

#define EVE_MAX_CONN	64
#define EVE_READ_CHUNK	(64 * 1024)

enum { SOCK_T_DGRAM, SOCK_T_STREAM };

struct eve_conf {
	char		*type;
	char		*path;
	uint64_t	 max_line;
	int64_t		 poll_ms;
	int		 socket_type;
	char		*owner;
	char		*group;
	int		 mode;
};

struct eve_conn {
	int		 fd;
	char		*buf;
	size_t		 cap, start, end;
	int		 skipping;
	int		 eof;		/* peer closed: serve, then drop */
};

struct eve_priv {
	struct eve_conf		 c;
	struct alert_scratch	 sc;
	/* file */
	struct input_file	 f;
	/* socket */
	int			 sfd, epfd, created;
	char			*dbuf;
	size_t			 dcap, dpos, dlen;
	uint64_t		 sline, soff;	/* lines and bytes received */
	struct eve_conn		 conn[EVE_MAX_CONN];
	size_t			 nconn, rr;
};

static const char *const socket_types[] = { "unix_dgram", "unix_stream",
	NULL };

#define OFF(f)	offsetof(struct eve_priv, c.f)
static const struct conf_field eve_file_fields[] = {
	{ "type", CK_STRING, OFF(type), NULL, 0, 0, NULL, 1 },
	{ "path", CK_PATH, OFF(path), NULL, 0, 0, NULL, 1 },
	{ "max_line", CK_SIZE, OFF(max_line), "1M", 256, 64 << 20, NULL, 0 },
	{ "poll_ms", CK_MSEC, OFF(poll_ms), "100ms", 0, 60000, NULL, 0 },
	{ NULL, 0, 0, NULL, 0, 0, NULL, 0 },
};

static const struct conf_field eve_socket_fields[] = {
	{ "type", CK_STRING, OFF(type), NULL, 0, 0, NULL, 1 },
	{ "path", CK_PATH, OFF(path), NULL, 0, 0, NULL, 1 },
	{ "socket_type", CK_ENUM, OFF(socket_type), "unix_dgram", 0, 0,
	    socket_types, 0 },
	{ "owner", CK_STRING, OFF(owner), NULL, 0, 0, NULL, 0 },
	{ "group", CK_STRING, OFF(group), NULL, 0, 0, NULL, 0 },
	{ "mode", CK_MODE, OFF(mode), "0660", 0, 0, NULL, 0 },
	{ "max_line", CK_SIZE, OFF(max_line), "1M", 256, 64 << 20, NULL, 0 },
	{ NULL, 0, 0, NULL, 0, 0, NULL, 0 },
};
#undef OFF

/*
 * One line through the parser, on any thread (input_ops.parse): 1 alert,
 * 0 other event, -1 bad (e set to "file:line: why").
 */
static int
eve_record_parse(const struct input *in, const struct input_record *r,
    struct alert *al, struct alert_scratch *sc, struct err *e)
{
	int rc;

	(void)in;
	rc = eve_parse(r->p, r->len, al, sc, e);
	if (rc < 0) {
		err_prefix(e, "%s:%llu: ", r->file,
		    (unsigned long long)r->line);
		return -1;
	}
	if (rc == 0)
		return 0;
	input_record_place(al, ALERT_INPUT_EVE, r);
	return 1;
}

/* eve_record_parse, counted in in->stats. */
static int
eve_line(struct input *in, struct eve_priv *p, const struct input_record *r,
    struct alert *al, struct err *e)
{
	int rc = eve_record_parse(in, r, al, &p->sc, e);

	input_count(&in->stats, rc);
	return rc;
}

/* ------------------------------------------------------------ common */

static size_t
eve_configure_with(struct input *in, const struct conf_node *n,
    struct diag *d, const struct conf_field *fields)
{
	struct eve_priv *p = in->priv;
	size_t errs;

	errs = conf_apply(n, fields, p, d);
	if (p->c.max_line)
		in->max_line = (size_t)p->c.max_line;
	return errs;
}

static void
eve_release_with(struct input *in, const struct conf_field *fields)
{
	struct eve_priv *p = in->priv;

	if (p)
		conf_release(fields, p);
}

/* ------------------------------------------------------------- file */

static size_t
eve_file_configure(struct input *in, const struct conf_node *n,
    struct diag *d)
{
	return eve_configure_with(in, n, d, eve_file_fields);
}

static int
eve_file_open(struct input *in, struct err *e)
{
	struct eve_priv *p = in->priv;

	p->f.poll_ms = p->c.poll_ms;
	return input_file_open(&p->f, in, e);
}

static int
eve_file_fd(struct input *in)
{
	return input_file_fd(&((struct eve_priv *)in->priv)->f);
}

static int
eve_file_record(struct input *in, struct input_record *r, struct err *e)
{
	return input_file_record(&((struct eve_priv *)in->priv)->f, in, r, e);
}

static int
eve_file_next(struct input *in, struct alert *al, struct err *e)
{
	struct eve_priv *p = in->priv;
	struct input_record r;
	int rc;

	for (;;) {
		if ((rc = eve_file_record(in, &r, e)) != 1)
			return rc;
		rc = eve_line(in, p, &r, al, e);
		if (rc != 0)
			return rc;
	}
}

static void
eve_file_bookmark(struct input *in)
{
	input_file_bookmark(&((struct eve_priv *)in->priv)->f, in);
}

static void
eve_file_stat(struct input *in)
{
	input_file_stat(&((struct eve_priv *)in->priv)->f, in);
}

static void
eve_file_close(struct input *in)
{
	struct eve_priv *p = in->priv;

	input_file_close(&p->f);
	alert_scratch_free(&p->sc);
}

static void
eve_file_release(struct input *in)
{
	eve_release_with(in, eve_file_fields);
}

const struct input_ops input_eve_file = {
	.name = "eve",
	.priv_size = sizeof(struct eve_priv),
	.configure = eve_file_configure,
	.open = eve_file_open,
	.fd = eve_file_fd,
	.next = eve_file_next,
	.record = eve_file_record,
	.parse = eve_record_parse,
	.bookmark = eve_file_bookmark,
	.stat = eve_file_stat,
	.close = eve_file_close,
	.release = eve_file_release,
};

/* ----------------------------------------------------------- socket */

static size_t
eve_socket_configure(struct input *in, const struct conf_node *n,
    struct diag *d)
{
	struct eve_priv *p = in->priv;
	size_t errs = eve_configure_with(in, n, d, eve_socket_fields);

	if (p->c.owner && getpwnam(p->c.owner) == NULL) {
		conf_error(d, n ? conf_get(n, "owner") : NULL,
		    "no such user \"%s\"", p->c.owner);
		errs++;
	}
	if (p->c.group && getgrnam(p->c.group) == NULL) {
		conf_error(d, n ? conf_get(n, "group") : NULL,
		    "no such group \"%s\"", p->c.group);
		errs++;
	}
	if (in->path && strlen(in->path) >= sizeof(((struct sockaddr_un *)
	    NULL)->sun_path)) {
		conf_error(d, n ? conf_get(n, "path") : NULL,
		    "socket path longer than %zu bytes",
		    sizeof(((struct sockaddr_un *)NULL)->sun_path) - 1);
		errs++;
	}
	return errs;
}

static void eve_socket_close(struct input *);

static int
eve_socket_open(struct input *in, struct err *e)
{
	struct eve_priv *p = in->priv;
	struct sockaddr_un sun;
	struct stat sb;
	int stream = p->c.socket_type == SOCK_T_STREAM;
	uid_t uid = (uid_t)-1;
	gid_t gid = (gid_t)-1;

	p->sfd = p->epfd = -1;
	if (in->path == NULL || strlen(in->path) >= sizeof(sun.sun_path))
		return err_set(e, "eve_socket: bad path");
	if (lstat(in->path, &sb) == 0) {
		if (!S_ISSOCK(sb.st_mode))
			return err_set(e, "%s: exists and is not a socket",
			    in->path);
		if (unlink(in->path) < 0)
			return err_set(e, "%s: cannot remove stale socket: %s",
			    in->path, strerror(errno));
	}
	p->sfd = socket(AF_UNIX, (stream ? SOCK_STREAM : SOCK_DGRAM) |
	    SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (p->sfd < 0)
		return err_set(e, "%s: socket: %s", in->path, strerror(errno));
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, in->path, strlen(in->path) + 1);
	if (bind(p->sfd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		err_set(e, "%s: bind: %s", in->path, strerror(errno));
		goto fail;
	}
	p->created = 1;
	if (chmod(in->path, (mode_t)(p->c.mode ? p->c.mode : 0660)) < 0) {
		err_set(e, "%s: chmod: %s", in->path, strerror(errno));
		goto fail;
	}
	if (p->c.owner) {
		struct passwd *pw = getpwnam(p->c.owner);

		if (pw == NULL) {
			err_set(e, "%s: no such user %s", in->path, p->c.owner);
			goto fail;
		}
		uid = pw->pw_uid;
	}
	if (p->c.group) {
		struct group *gr = getgrnam(p->c.group);

		if (gr == NULL) {
			err_set(e, "%s: no such group %s", in->path,
			    p->c.group);
			goto fail;
		}
		gid = gr->gr_gid;
	}
	if ((uid != (uid_t)-1 || gid != (gid_t)-1) &&
	    chown(in->path, uid, gid) < 0) {
		err_set(e, "%s: chown: %s", in->path, strerror(errno));
		goto fail;
	}
	if (stream) {
		struct epoll_event ev = { .events = EPOLLIN };

		if (listen(p->sfd, 16) < 0) {
			err_set(e, "%s: listen: %s", in->path, strerror(errno));
			goto fail;
		}
		p->epfd = epoll_create1(EPOLL_CLOEXEC);
		ev.data.fd = p->sfd;
		if (p->epfd < 0 || epoll_ctl(p->epfd, EPOLL_CTL_ADD, p->sfd,
		    &ev) < 0) {
			err_set(e, "%s: epoll: %s", in->path, strerror(errno));
			goto fail;
		}
	} else {
		int sz = 4 << 20;

		/* best effort: room for bursts while the store commits */
		(void)setsockopt(p->sfd, SOL_SOCKET, SO_RCVBUF, &sz,
		    sizeof(sz));
		p->dcap = in->max_line + 1;
		p->dbuf = xmalloc(p->dcap);
	}
	p->dpos = p->dlen = 0;
	return 0;
fail:
	eve_socket_close(in);
	return -1;
}

static int
eve_socket_fd(struct input *in)
{
	struct eve_priv *p = in->priv;

	return p->epfd >= 0 ? p->epfd : p->sfd;
}

static int
dgram_next(struct input *in, struct eve_priv *p, struct alert *al,
    struct err *e)
{
	for (;;) {
		ssize_t n;

		while (p->dpos < p->dlen) {
			const char *s = p->dbuf + p->dpos;
			const char *nl = memchr(s, '\n', p->dlen - p->dpos);
			size_t len = nl ? (size_t)(nl - s) : p->dlen - p->dpos;
			uint64_t off = p->soff;
			int rc;

			p->dpos += len + (nl != NULL);
			p->soff += len + (nl != NULL);
			in->stats.bytes += len + (nl != NULL);
			if (len && s[len - 1] == '\r')
				len--;
			if (len == 0)
				continue;
			p->sline++;
			rc = eve_line(in, p, &(struct input_record){ s, len,
			    in->path, off, p->sline }, al, e);
			if (rc != 0)
				return rc;
		}
		n = recv(p->sfd, p->dbuf, p->dcap, MSG_DONTWAIT | MSG_TRUNC);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			return err_set(e, "%s: recv: %s", in->path,
			    strerror(errno)) - 1;
		}
		if ((size_t)n >= p->dcap) {
			p->sline++;
			p->soff += (uint64_t)n;
			in->stats.too_long++;
			return err_set(e, "%s:%llu: datagram of %zd bytes over "
			    "max_line (%zu), skipped", in->path,
			    (unsigned long long)p->sline, n, in->max_line);
		}
		p->dpos = 0;
		p->dlen = (size_t)n;
	}
}

static void
conn_drop(struct eve_priv *p, size_t i)
{
	if (!p->conn[i].eof)
		epoll_ctl(p->epfd, EPOLL_CTL_DEL, p->conn[i].fd, NULL);
	close(p->conn[i].fd);
	free(p->conn[i].buf);
	p->conn[i] = p->conn[--p->nconn];
	memset(&p->conn[p->nconn], 0, sizeof(p->conn[p->nconn]));
}

/*
 * The next complete line buffered on connection c: 1 with line/len,
 * 0 none, -1 a line over max_line finished (skipped).
 */
static int
conn_line(struct input *in, struct eve_conn *c, const char **line,
    size_t *len, int eof)
{
	char *s, *nl;
	size_t have = c->end - c->start;

	if (c->buf == NULL)
		return 0;	/* nothing read yet */
	s = c->buf + c->start;

	nl = memchr(s, '\n', have);
	if (c->skipping) {
		if (nl == NULL && !eof) {
			c->start = c->end = 0;
			return 0;
		}
		c->skipping = 0;
		c->start = nl ? (size_t)(nl - c->buf) + 1 : c->end;
		return -1;
	}
	if (nl == NULL) {
		if (have > in->max_line) {
			c->skipping = 1;
			c->start = c->end = 0;
			return 0;
		}
		if (!eof || have == 0)
			return 0;
		nl = s + have;	/* the last line of a closed stream */
	}
	*line = s;
	*len = (size_t)(nl - s);
	c->start = (size_t)(nl - c->buf) + (nl < c->buf + c->end);
	if (*len > in->max_line)
		return -1;
	return 1;
}

static void
stream_accept(struct eve_priv *p)
{
	int i;

	for (i = 0; i < 16; i++) {
		struct epoll_event ev = { .events = EPOLLIN };
		int fd = accept4(p->sfd, NULL, NULL, SOCK_NONBLOCK |
		    SOCK_CLOEXEC);

		if (fd < 0)
			return;
		if (p->nconn == EVE_MAX_CONN) {
			close(fd);
			continue;
		}
		ev.data.fd = fd;
		if (epoll_ctl(p->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
			close(fd);
			continue;
		}
		memset(&p->conn[p->nconn], 0, sizeof(p->conn[0]));
		p->conn[p->nconn++].fd = fd;
	}
}

/* Reads what connection i has; 1 read, 0 nothing, -1 closed. */
static int
stream_read(struct input *in, struct eve_priv *p, size_t i)
{
	struct eve_conn *c = &p->conn[i];
	ssize_t n;

	if (c->start > 0 && c->start == c->end)
		c->start = c->end = 0;
	if (c->cap - c->end < EVE_READ_CHUNK) {
		if (c->start > 0) {
			memmove(c->buf, c->buf + c->start, c->end - c->start);
			c->end -= c->start;
			c->start = 0;
		}
		if (c->cap - c->end < EVE_READ_CHUNK) {
			c->cap = c->end + EVE_READ_CHUNK;
			c->buf = xreallocarray(c->buf, c->cap, 1);
		}
	}
	n = read(c->fd, c->buf + c->end, c->cap - c->end);
	if (n > 0) {
		c->end += (size_t)n;
		in->stats.bytes += (uint64_t)n;
		return 1;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	return -1;
}

static int
stream_next(struct input *in, struct eve_priv *p, struct alert *al,
    struct err *e)
{
	int rounds;

	for (rounds = 0; rounds < 1000; rounds++) {
		struct epoll_event ev[16];
		size_t k;
		int n, i;

		for (k = 0; k < p->nconn; k++) {
			size_t ci = (p->rr + k) % p->nconn;
			struct eve_conn *c = &p->conn[ci];
			const char *line;
			size_t len = 0;
			int rc;

			while ((rc = conn_line(in, c, &line, &len,
			    c->eof)) != 0) {
				uint64_t off = p->soff;

				p->sline++;
				p->soff += len + 1;
				if (rc < 0) {
					in->stats.too_long++;
					return err_set(e, "%s:%llu: line longer "
					    "than max_line (%zu bytes), skipped",
					    in->path,
					    (unsigned long long)p->sline,
					    in->max_line);
				}
				if (len && line[len - 1] == '\r')
					len--;
				if (len == 0) {
					p->sline--;
					continue;
				}
				p->rr = ci;
				rc = eve_line(in, p, &(struct input_record){
				    line, len, in->path, off, p->sline }, al,
				    e);
				if (rc != 0)
					return rc;
			}
		}
		/* Closed connections with nothing left go. */
		for (k = p->nconn; k-- > 0;)
			if (p->conn[k].eof)
				conn_drop(p, k);
		n = epoll_wait(p->epfd, ev, 16, 0);
		if (n <= 0)
			return 0;
		for (i = 0; i < n; i++) {
			if (ev[i].data.fd == p->sfd) {
				stream_accept(p);
				continue;
			}
			for (k = 0; k < p->nconn; k++)
				if (p->conn[k].fd == ev[i].data.fd)
					break;
			if (k < p->nconn && stream_read(in, p, k) < 0) {
				/* served, then dropped, on the next round */
				p->conn[k].eof = 1;
				epoll_ctl(p->epfd, EPOLL_CTL_DEL,
				    p->conn[k].fd, NULL);
			}
		}
	}
	return 0;
}

static int
eve_socket_next(struct input *in, struct alert *al, struct err *e)
{
	struct eve_priv *p = in->priv;

	if (p->sfd < 0)
		return err_set(e, "%s: not open", in->path) - 1;
	if (p->epfd >= 0)
		return stream_next(in, p, al, e);
	return dgram_next(in, p, al, e);
}

static void
eve_socket_bookmark(struct input *in)
{
	in->bookmark[0] = '\0';	/* a socket cannot be re-read */
}

static void
eve_socket_close(struct input *in)
{
	struct eve_priv *p = in->priv;

	while (p->nconn)
		conn_drop(p, p->nconn - 1);
	if (p->epfd >= 0)
		close(p->epfd);
	if (p->sfd >= 0)
		close(p->sfd);
	p->sfd = p->epfd = -1;
	if (p->created && in->path)
		unlink(in->path);
	p->created = 0;
	free(p->dbuf);
	p->dbuf = NULL;
	p->dcap = p->dpos = p->dlen = 0;
	alert_scratch_free(&p->sc);
}

static void
eve_socket_release(struct input *in)
{
	eve_release_with(in, eve_socket_fields);
}

const struct input_ops input_eve_socket = {
	.name = "eve_socket",
	.priv_size = sizeof(struct eve_priv),
	.configure = eve_socket_configure,
	.open = eve_socket_open,
	.fd = eve_socket_fd,
	.next = eve_socket_next,
	.bookmark = eve_socket_bookmark,
	.stat = NULL,
	.close = eve_socket_close,
	.release = eve_socket_release,
};
