/* SPDX-License-Identifier: MIT */
/*
 * The exabgp responder: BGP remote-triggered blackholing (RFC 5635, the
 * BLACKHOLE community 65535:666 of RFC 7999) through ExaBGP's process API,
 * so that every router and gateway peering with the speaker drops the
 * attacker. ExaBGP runs `redress exabgp-helper SOCKET` (cmd_exabgp.c) as
 * its process; the helper connects to the unix socket this responder
 * listens on and relays lines both ways: announce/withdraw commands to
 * ExaBGP, its "done"/"error" acknowledgements back. The responder keeps
 * the routes it holds; each time a helper connects (ExaBGP started or
 * restarted) it clears ExaBGP's adj-rib-out and announces them all again,
 * so the speaker holds exactly the active blocks. Blocks landing together
 * are grouped, up to `batch` prefixes a line. A `redress block` or
 * `unblock` while the daemon runs finds the socket taken and asks the
 * daemon ("block CIDR", "unblock CIDR"). The whitelist is checked again
 * here: a route reaches every router of the site.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "fdio.h"
#include "log.h"
#include "responder.h"
#include "whitelist.h"
#include "xmalloc.h"

#define XB_LINE_MAX	8192
#define XB_MAX_CLIENTS	8

struct xb_conn {
	int	 fd;
	char	 buf[XB_LINE_MAX];
	size_t	 len;
	int	 helper;	/* said "helper": ExaBGP's side */
};

struct xb_priv {
	struct resp_common	 common;
	char			*socket;
	struct addr		 next_hop, next_hop6;
	struct conf_strlist	 communities;
	char			*neighbor;
	long long		 batch;
	int64_t			 timeout_ms;
	char			 attrs[512];	/* community [...] */
	/* Runtime. */
	pthread_mutex_t		 mtx;
	pthread_cond_t		 cv;
	pthread_t		 th;
	int			 started, stop_pipe[2], lfd;
	int			 client_fd;	/* we are a `redress block` */
	struct xb_conn		 conn[XB_MAX_CLIENTS];
	int			 helper;	/* index into conn, -1 none */
	struct cidr		*held;
	size_t			 nheld, cap;
	uint64_t		 sent, done, failed;	/* lines, acks */
	int			 warned;
	const struct whitelist	*wl;
};

#define F(f)	offsetof(struct xb_priv, f)
static const struct conf_field xb_fields[] = {
	RESP_COMMON_FIELDS(struct xb_priv),
	{ "socket", CK_PATH, F(socket), "/run/redress/exabgp.sock", 0, 0,
	    NULL, 0 },
	{ "next_hop", CK_ADDR, F(next_hop), "192.0.2.1", 0, 0, NULL, 0 },
	{ "next_hop6", CK_ADDR, F(next_hop6), "100::1", 0, 0, NULL, 0 },
	{ "communities", CK_STRLIST, F(communities), NULL, 0, 0, NULL, 0 },
	{ "neighbor", CK_STRING, F(neighbor), NULL, 0, 0, NULL, 0 },
	{ "batch", CK_INT, F(batch), "200", 1, 5000, NULL, 0 },
	{ "timeout", CK_MSEC, F(timeout_ms), "5s", 100, 600000, NULL, 0 },
	{ NULL, 0, 0, NULL, 0, 0, NULL, 0 },
};
#undef F

/* "65535:666" (ASN:value, each 0-65535). */
static int
community_ok(const char *s)
{
	unsigned a, b;
	char tail;

	return sscanf(s, "%u:%u%c", &a, &b, &tail) == 2 && a <= 65535 &&
	    b <= 65535;
}

static size_t
xb_configure(struct responder *r, const struct conf_node *map,
    struct diag *d)
{
	struct xb_priv *p = r->priv;
	size_t errs = conf_apply(map, xb_fields, p, d), i, off;

	if (errs)
		return errs;
	if (p->next_hop.family != AF_INET) {
		conf_error(d, conf_get(map, "next_hop"), "next_hop: an IPv4 "
		    "address");
		errs++;
	}
	if (p->next_hop6.family != AF_INET6) {
		conf_error(d, conf_get(map, "next_hop6"), "next_hop6: an IPv6 "
		    "address");
		errs++;
	}
	if (strlen(p->socket) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
		conf_error(d, conf_get(map, "socket"), "socket: path too long");
		errs++;
	}
	if (p->neighbor != NULL) {
		struct addr a;

		if (addr_parse(p->neighbor, &a) < 0) {
			conf_error(d, conf_get(map, "neighbor"), "neighbor: an "
			    "IP address");
			errs++;
		}
	}
	off = (size_t)snprintf(p->attrs, sizeof(p->attrs), "community [");
	for (i = 0; i < p->communities.n; i++) {
		if (!community_ok(p->communities.v[i])) {
			conf_error(d, conf_get(map, "communities"),
			    "communities: \"%s\" is not ASN:VALUE (0-65535 "
			    "each)", p->communities.v[i]);
			errs++;
			continue;
		}
		off += (size_t)snprintf(p->attrs + off, sizeof(p->attrs) - off,
		    "%s%s", i ? " " : "", p->communities.v[i]);
		if (off >= sizeof(p->attrs)) {
			conf_error(d, conf_get(map, "communities"),
			    "communities: too many");
			return errs + 1;
		}
	}
	if (p->communities.n == 0)
		snprintf(p->attrs, sizeof(p->attrs), "community [65535:666]");
	else
		snprintf(p->attrs + off, sizeof(p->attrs) - off, "]");
	return errs;
}

/* ------------------------------------------------------------ lines */

/*
 * The command lines for n blocks: grouped by family, at most batch
 * prefixes a line ("announce attributes next-hop ... nlri P1 P2 ...";
 * one prefix: "announce route P next-hop ..."). Calls emit per line.
 */
static int
xb_lines(struct xb_priv *p, const char *verb, const struct cidr *v,
    size_t n, int (*emit)(struct xb_priv *, const char *, void *),
    void *arg)
{
	char *line = xmalloc(XB_LINE_MAX), nh[ADDR_STRLEN], c[CIDR_STRLEN];
	char pre[96];
	size_t i, k, off;
	int fam, rc = 0;

	snprintf(pre, sizeof(pre), "%s%s%s", p->neighbor ? "neighbor " : "",
	    p->neighbor ? p->neighbor : "", p->neighbor ? " " : "");
	for (fam = 0; fam < 2 && rc == 0; fam++) {
		int af = fam ? AF_INET6 : AF_INET;

		addr_format(fam ? &p->next_hop6 : &p->next_hop, nh,
		    sizeof(nh));
		for (i = 0; i < n && rc == 0;) {
			size_t cnt = 0, start;

			while (i < n && v[i].net.family != af)
				i++;
			if (i == n)
				break;
			start = i;
			for (k = i; k < n && cnt < (size_t)p->batch; k++)
				if (v[k].net.family == af)
					cnt++;
			if (cnt == 1) {
				cidr_format(&v[start], c, sizeof(c));
				snprintf(line, XB_LINE_MAX, "%s%s route %s "
				    "next-hop %s %s", pre, verb, c, nh,
				    p->attrs);
				i = start + 1;
			} else {
				off = (size_t)snprintf(line, XB_LINE_MAX,
				    "%s%s attributes next-hop %s %s nlri", pre,
				    verb, nh, p->attrs);
				for (k = start, cnt = 0; k < n &&
				    cnt < (size_t)p->batch; k++) {
					if (v[k].net.family != af)
						continue;
					cidr_format(&v[k], c, sizeof(c));
					off += (size_t)snprintf(line + off,
					    XB_LINE_MAX - off, " %s", c);
					cnt++;
				}
				i = k;
			}
			rc = emit(p, line, arg);
		}
	}
	free(line);
	return rc;
}

static int
emit_dry(struct xb_priv *p, const char *line, void *arg)
{
	(void)p;
	fprintf(arg, "exabgp %s\n", line);
	return 0;
}

/* Sends one line to the helper (mtx held); counts it for the ack wait. */
static int
emit_helper(struct xb_priv *p, const char *line, void *arg)
{
	int fd = p->helper >= 0 ? p->conn[p->helper].fd : -1;
	size_t len = strlen(line);
	char *s;
	int rc;

	(void)arg;
	if (fd < 0)
		return 0;
	s = xmalloc(len + 2);
	memcpy(s, line, len);
	s[len] = '\n';
	rc = fd_write_all(fd, s, len + 1);
	free(s);
	if (rc < 0)
		return 0;	/* the thread sees the helper go */
	p->sent++;
	return 0;
}

/*
 * Waits (mtx held) until ExaBGP acknowledged every line sent; -1 with e
 * set if it answered "error" to any of those since `failed0`.
 */
static int
wait_acks(struct xb_priv *p, uint64_t failed0, struct err *e)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += p->timeout_ms / 1000;
	ts.tv_nsec += (p->timeout_ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	while (p->helper >= 0 && p->done + p->failed < p->sent)
		if (pthread_cond_timedwait(&p->cv, &p->mtx, &ts) == ETIMEDOUT)
			break;
	if (p->failed > failed0)
		return err_set(e, "exabgp answered \"error\" to %llu "
		    "command(s) (see ExaBGP's log)",
		    (unsigned long long)(p->failed - failed0));
	if (p->helper >= 0 && p->done + p->failed < p->sent)
		log_warnx("exabgp: %llu command(s) not acknowledged within "
		    "%lld ms", (unsigned long long)(p->sent - p->done -
		    p->failed), (long long)p->timeout_ms);
	return 0;
}

/* --------------------------------------------------------- the table */

static int
cidr_same(const struct cidr *a, const struct cidr *b)
{
	return a->len == b->len && a->net.family == b->net.family &&
	    memcmp(a->net.a, b->net.a, sizeof(a->net.a)) == 0;
}

static ssize_t
held_find(const struct xb_priv *p, const struct cidr *c)
{
	size_t i;

	for (i = 0; i < p->nheld; i++)
		if (cidr_same(&p->held[i], c))
			return (ssize_t)i;
	return -1;
}

/* A helper connected: ExaBGP's routes become exactly ours (mtx held). */
static void
replay(struct xb_priv *p)
{
	char line[128];

	snprintf(line, sizeof(line), "%s%s%sclear adj-rib out", p->neighbor ?
	    "neighbor " : "", p->neighbor ? p->neighbor : "", p->neighbor ?
	    " " : "");
	emit_helper(p, line, NULL);
	xb_lines(p, "announce", p->held, p->nheld, emit_helper, NULL);
	log_info("exabgp: speaker connected: %zu route%s announced", p->nheld,
	    p->nheld == 1 ? "" : "s");
}

/* -------------------------------------------------------- the thread */

static void
conn_close(struct xb_priv *p, int i)
{
	close(p->conn[i].fd);
	p->conn[i].fd = -1;
	p->conn[i].len = 0;
	if (p->helper == i) {
		p->helper = -1;
		p->warned = 0;
		log_warnx("exabgp: speaker gone; %zu route%s kept for its "
		    "return", p->nheld, p->nheld == 1 ? "" : "s");
		pthread_cond_broadcast(&p->cv);
	}
	p->conn[i].helper = 0;
}

static int	xb_change(struct xb_priv *, const char *verb,
		    const struct cidr *, size_t, int wait, struct err *);

/* One line from a connection (mtx held). */
static void
conn_line(struct xb_priv *p, int i, char *line)
{
	struct xb_conn *c = &p->conn[i];
	struct cidr net;
	struct err e = { 0 };
	char reply[600];

	if (strcmp(line, "helper") == 0) {
		if (p->helper >= 0 && p->helper != i)
			conn_close(p, p->helper);
		c->helper = 1;
		p->helper = i;
		p->sent = p->done = p->failed = 0;
		replay(p);
		return;
	}
	if (c->helper) {
		if (strcmp(line, "done") == 0)
			p->done++;
		else if (strcmp(line, "error") == 0)
			p->failed++;
		pthread_cond_broadcast(&p->cv);
		return;
	}
	/* A `redress block` / `unblock` of the command line. */
	if ((strncmp(line, "block ", 6) == 0 || strncmp(line, "unblock ", 8)
	    == 0) && cidr_parse(strchr(line, ' ') + 1, &net) == 0) {
		if (xb_change(p, line[0] == 'b' ? "announce" : "withdraw",
		    &net, 1, 0, &e) < 0)
			snprintf(reply, sizeof(reply), "error %s\n", e.msg);
		else
			snprintf(reply, sizeof(reply), "ok\n");
	} else
		snprintf(reply, sizeof(reply), "error bad request\n");
	fd_write_all(c->fd, reply, strlen(reply));
}

static void
conn_read(struct xb_priv *p, int i)
{
	struct xb_conn *c = &p->conn[i];
	ssize_t n = read(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len);
	char *nl, *s;

	if (n <= 0) {
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			return;
		conn_close(p, i);
		return;
	}
	c->len += (size_t)n;
	c->buf[c->len] = '\0';
	s = c->buf;
	while ((nl = strchr(s, '\n')) != NULL) {
		*nl = '\0';
		if (nl > s && nl[-1] == '\r')
			nl[-1] = '\0';
		conn_line(p, i, s);
		if (p->conn[i].fd < 0)
			return;
		s = nl + 1;
	}
	c->len -= (size_t)(s - c->buf);
	memmove(c->buf, s, c->len);
	if (c->len == sizeof(c->buf) - 1)
		conn_close(p, i);	/* a line too long: not ours */
}

static void *
xb_thread(void *arg)
{
	struct xb_priv *p = arg;

	for (;;) {
		struct pollfd pf[XB_MAX_CLIENTS + 2];
		int map[XB_MAX_CLIENTS + 2], n = 0, i;

		pf[n].fd = p->stop_pipe[0];
		pf[n].events = POLLIN;
		map[n++] = -2;
		pf[n].fd = p->lfd;
		pf[n].events = POLLIN;
		map[n++] = -1;
		pthread_mutex_lock(&p->mtx);
		for (i = 0; i < XB_MAX_CLIENTS; i++)
			if (p->conn[i].fd >= 0) {
				pf[n].fd = p->conn[i].fd;
				pf[n].events = POLLIN;
				map[n++] = i;
			}
		pthread_mutex_unlock(&p->mtx);
		if (poll(pf, (nfds_t)n, -1) < 0 && errno != EINTR)
			break;
		if (pf[0].revents)
			break;
		pthread_mutex_lock(&p->mtx);
		if (pf[1].revents & POLLIN) {
			int fd = accept4(p->lfd, NULL, NULL, SOCK_CLOEXEC);

			for (i = 0; fd >= 0 && i < XB_MAX_CLIENTS; i++)
				if (p->conn[i].fd < 0) {
					p->conn[i].fd = fd;
					p->conn[i].len = 0;
					p->conn[i].helper = 0;
					break;
				}
			if (fd >= 0 && i == XB_MAX_CLIENTS)
				close(fd);
		}
		for (i = 2; i < n; i++)
			if (pf[i].revents & (POLLIN | POLLHUP | POLLERR) &&
			    p->conn[map[i]].fd == pf[i].fd)
				conn_read(p, map[i]);
		pthread_mutex_unlock(&p->mtx);
	}
	return NULL;
}

/* ---------------------------------------------------------- the ops */

/*
 * Connects to a daemon already listening on the socket: this process is
 * then a command-line `redress block`, and asks it. 1 connected, 0 none.
 */
static int
try_client(struct xb_priv *p, const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return 0;
	if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0) {
		p->client_fd = fd;
		return 1;
	}
	close(fd);
	return 0;
}

static int
xb_open(struct responder *r, struct err *e)
{
	struct xb_priv *p = r->priv;
	struct sockaddr_un sa;
	int i;

	p->lfd = p->client_fd = -1;
	p->helper = -1;
	for (i = 0; i < XB_MAX_CLIENTS; i++)
		p->conn[i].fd = -1;
	if (r->dry_run)
		return 0;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	strlcpy_r(sa.sun_path, p->socket, sizeof(sa.sun_path));
	if (try_client(p, &sa))
		return 0;
	unlink(p->socket);
	p->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (p->lfd < 0 || bind(p->lfd, (struct sockaddr *)&sa, sizeof(sa)) <
	    0 || chmod(p->socket, 0600) < 0 || listen(p->lfd, 8) < 0) {
		err_set(e, "exabgp: %s: %s", p->socket, strerror(errno));
		if (p->lfd >= 0)
			close(p->lfd);
		p->lfd = -1;
		return -1;
	}
	if (pipe2(p->stop_pipe, O_CLOEXEC) < 0) {
		close(p->lfd);
		p->lfd = -1;
		return err_set(e, "exabgp: pipe: %s", strerror(errno));
	}
	pthread_mutex_init(&p->mtx, NULL);
	pthread_cond_init(&p->cv, NULL);
	if (pthread_create(&p->th, NULL, xb_thread, p) != 0) {
		close(p->lfd);
		p->lfd = -1;
		return err_set(e, "exabgp: cannot start its thread");
	}
	p->started = 1;
	return 0;
}

/*
 * Records and sends announce or withdraw for n networks (mtx held by the
 * caller). Whitelisted networks are refused, the others go on.
 */
static int
xb_change(struct xb_priv *p, const char *verb, const struct cidr *v,
    size_t n, int wait, struct err *e)
{
	struct cidr *todo = xcalloc(n + 1, sizeof(*todo));
	size_t i, k = 0;
	uint64_t failed0 = p->failed;
	size_t nheld0 = p->nheld;
	ssize_t at;
	int rc = 0, ann = verb[0] == 'a';

	for (i = 0; i < n; i++) {
		at = held_find(p, &v[i]);
		if (ann) {
			if (p->wl && whitelist_overlaps(p->wl, &v[i])) {
				char c[CIDR_STRLEN];

				cidr_format(&v[i], c, sizeof(c));
				rc = err_set(e, "%s is whitelisted: not "
				    "announced", c);
				continue;
			}
			if (at < 0) {
				if (p->nheld == p->cap) {
					p->cap = p->cap ? p->cap * 2 : 256;
					p->held = xreallocarray(p->held,
					    p->cap, sizeof(*p->held));
				}
				p->held[p->nheld++] = v[i];
			}
		} else if (at >= 0)
			p->held[at] = p->held[--p->nheld];
		todo[k++] = v[i];
	}
	if (k && p->helper >= 0) {
		xb_lines(p, verb, todo, k, emit_helper, NULL);
		if (wait && wait_acks(p, failed0, e) < 0) {
			rc = -1;
			/* Refused: not held (the store marks them failed). */
			if (ann)
				p->nheld = nheld0;
		}
	} else if (k && !p->warned) {
		log_warnx("exabgp: no speaker connected to %s; routes are "
		    "announced when it connects", p->socket);
		p->warned = 1;
	}
	free(todo);
	return rc;
}

/* A command-line process: the running daemon does it. */
static int
xb_ask(struct xb_priv *p, const char *verb, const struct resp_block *v,
    size_t n, struct err *e)
{
	char line[CIDR_STRLEN + 16], c[CIDR_STRLEN], reply[600];
	size_t i;
	ssize_t got;

	for (i = 0; i < n; i++) {
		cidr_format(&v[i].net, c, sizeof(c));
		snprintf(line, sizeof(line), "%s %s\n", verb, c);
		if (fd_write_all(p->client_fd, line, strlen(line)) < 0)
			return err_set(e, "exabgp: %s: %s", p->socket,
			    strerror(errno));
		got = read(p->client_fd, reply, sizeof(reply) - 1);
		if (got <= 0)
			return err_set(e, "exabgp: %s: no answer from the "
			    "daemon", p->socket);
		reply[got] = '\0';
		reply[strcspn(reply, "\n")] = '\0';
		if (strncmp(reply, "error ", 6) == 0)
			return err_set(e, "%s", reply + 6);
	}
	return 0;
}

static int
xb_do(struct responder *r, const char *verb, const struct resp_block *v,
    size_t n, struct err *e)
{
	struct xb_priv *p = r->priv;
	struct cidr *nets;
	size_t i;
	int rc;

	p->wl = r->wl;
	nets = xcalloc(n + 1, sizeof(*nets));
	for (i = 0; i < n; i++)
		nets[i] = v[i].net;
	if (r->dry_run) {
		rc = xb_lines(p, verb, nets, n, emit_dry, r->dry_out);
		fflush(r->dry_out);
	} else if (p->client_fd >= 0)
		rc = xb_ask(p, verb[0] == 'a' ? "block" : "unblock", v, n, e);
	else {
		pthread_mutex_lock(&p->mtx);
		rc = xb_change(p, verb, nets, n, 1, e);
		pthread_mutex_unlock(&p->mtx);
	}
	free(nets);
	return rc;
}

static int
xb_apply(struct responder *r, const struct resp_block *v, size_t n,
    struct err *e)
{
	return xb_do(r, "announce", v, n, e);
}

static int
xb_revert(struct responder *r, const struct resp_block *v, size_t n,
    struct err *e)
{
	return xb_do(r, "withdraw", v, n, e);
}

/* What the speaker is told to hold (no kernel timeout: redress expires). */
static int
xb_list(struct responder *r, resp_list_cb cb, void *arg, struct err *e)
{
	struct xb_priv *p = r->priv;
	struct cidr *copy;
	size_t i, n;

	(void)e;
	if (r->dry_run || p->client_fd >= 0 || !p->started)
		return 0;
	pthread_mutex_lock(&p->mtx);
	n = p->nheld;
	copy = xcalloc(n + 1, sizeof(*copy));
	if (n > 0)
		memcpy(copy, p->held, n * sizeof(*copy));
	pthread_mutex_unlock(&p->mtx);
	for (i = 0; i < n; i++)
		cb(arg, &copy[i], -1);
	free(copy);
	return 0;
}

static void
xb_close(struct responder *r)
{
	struct xb_priv *p = r->priv;
	int i;

	if (p->client_fd >= 0)
		close(p->client_fd);
	p->client_fd = -1;
	if (!p->started)
		return;
	if (write(p->stop_pipe[1], "x", 1) < 0)
		log_warn("exabgp: stop");
	pthread_join(p->th, NULL);
	p->started = 0;
	for (i = 0; i < XB_MAX_CLIENTS; i++)
		if (p->conn[i].fd >= 0) {
			close(p->conn[i].fd);
			p->conn[i].fd = -1;
		}
	close(p->lfd);
	p->lfd = -1;
	unlink(p->socket);
	close(p->stop_pipe[0]);
	close(p->stop_pipe[1]);
	pthread_mutex_destroy(&p->mtx);
	pthread_cond_destroy(&p->cv);
	free(p->held);
	p->held = NULL;
	p->nheld = p->cap = 0;
}

static void
xb_release(struct responder *r)
{
	struct xb_priv *p = r->priv;

	if (p != NULL)
		conf_release(xb_fields, p);
}

const struct responder_ops resp_exabgp = {
	.name = "exabgp",
	.priv_size = sizeof(struct xb_priv),
	.max_timeout_s = 0,
	.configure = xb_configure,
	.open = xb_open,
	.apply = xb_apply,
	.revert = xb_revert,
	.list = xb_list,
	.close = xb_close,
	.release = xb_release,
};
