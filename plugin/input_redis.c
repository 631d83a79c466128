/* SPDX-License-Identifier: MIT */
/*
 * The "redis" input: EVE JSON lines that sensors put into Redis (Suricata's
 * `filetype: redis`, Snort 3 through rsyslog's omhiredis). Modes:
 *  - list (lpush, rpush): entries are moved atomically into this input's
 *    processing list and trimmed from it only after the store commit that
 *    holds their effects (committed()); the bookmark names the batch
 *    committed last (count, SHA-1 of its first and last values), so
 *    entries a crash left in the processing list are dropped unread when
 *    already committed and read again when not.
 *  - stream: a consumer group (input_redis_stream.c), XACK after commit.
 *  - channel: SUBSCRIBE; at most once (what arrives while down is lost).
 * No blocking command is used: the daemon's loop polls every 100 ms and
 * never waits on Redis longer than `timeout`. A lost connection is retried
 * with a back-off from 100 ms to 5 s.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "eve_parse.h"
#include "snort_json_parse.h"
#include "input_redis.h"
#include "log.h"
#include "monotime.h"
#include "xmalloc.h"

#define RDS_BACKOFF_MIN	100
#define RDS_BACKOFF_MAX	5000

static const char *const redis_modes[] = { "list", "lpush", "rpush",
	"channel", "publish", "stream", NULL };
static const enum redis_mode mode_kind[] = { RM_LIST, RM_LIST, RM_RPUSH,
	RM_CHANNEL, RM_CHANNEL, RM_STREAM };

/* What the values are: EVE JSON, or Snort 3 alert_json (rsyslog). */
static const char *const redis_formats[] = { "eve", "snort_json", NULL };

#define OFF(f)	offsetof(struct redis_priv, c.f)
static const struct conf_field redis_fields[] = {
	{ "type", CK_STRING, OFF(type), NULL, 0, 0, NULL, 1 },
	{ "server", CK_STRING, OFF(server), NULL, 0, 0, NULL, 1 },
	{ "key", CK_STRING, OFF(key), "suricata", 0, 0, NULL, 0 },
	{ "mode", CK_ENUM, OFF(mode), "list", 0, 0, redis_modes, 0 },
	{ "group", CK_STRING, OFF(group), "redress", 0, 0, NULL, 0 },
	{ "consumer", CK_STRING, OFF(consumer), NULL, 0, 0, NULL, 0 },
	{ "processing", CK_STRING, OFF(processing), NULL, 0, 0, NULL, 0 },
	{ "timeout", CK_MSEC, OFF(timeout_ms), "2s", 100, 60000, NULL, 0 },
	{ "claim_idle", CK_MSEC, OFF(claim_idle_ms), "60s", 1000,
	    86400000, NULL, 0 },
	{ "fetch", CK_INT, OFF(fetch), "256", 1, 10000, NULL, 0 },
	{ "max_line", CK_SIZE, OFF(max_line), "1M", 256, 64 << 20, NULL, 0 },
	{ "format", CK_ENUM, OFF(format), "eve", 0, 0, redis_formats, 0 },
	{ NULL, 0, 0, NULL, 0, 0, NULL, 0 },
};
#undef OFF

/* ------------------------------------------------------------ batches */

void
redis_batch_reset(struct redis_batch *b)
{
	b->n = 0;
	b->first[0] = b->last[0] = '\0';
}

/* The SHA-1 of a value in hex (what Lua's redis.sha1hex gives). */
void
redis_sha1_hex(const char *p, size_t len, char out[41])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;

	if (EVP_Digest(p, len, md, &n, EVP_sha1(), NULL) != 1)
		fatalx("redis: SHA-1 failed");
	for (i = 0; i < n && i < 20; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	out[2 * i] = '\0';
}

void
redis_batch_add(struct redis_batch *b, int stream, const struct redis_item *it)
{
	if (stream) {
		if (b->n == b->cap) {
			b->cap = b->cap ? b->cap * 2 : 256;
			b->ids = xreallocarray(b->ids, b->cap, sizeof(*b->ids));
		}
		strlcpy_r(b->ids[b->n], it->id, sizeof(b->ids[0]));
		strlcpy_r(b->last, it->id, sizeof(b->last));
	} else
		redis_sha1_hex(it->p ? it->p : "", it->len, b->last);
	if (b->n == 0)
		strlcpy_r(b->first, b->last, sizeof(b->first));
	b->n++;
}

void
redis_batch_free(struct redis_batch *b)
{
	free(b->ids);
	b->ids = NULL;
	b->cap = 0;
}

/* --------------------------------------------------------- connection */

/* The port after the last ':' of host:port, -1 if none or bad. */
static int
port_of(const char *s)
{
	const char *c = strrchr(s, ':');
	char *end;
	long v;

	if (c == NULL || c[1] == '\0')
		return -1;
	errno = 0;
	v = strtol(c + 1, &end, 10);
	if (errno || *end || v <= 0 || v > 65535)
		return -1;
	return (int)v;
}

redisReply *
redis_cmd(struct redis_priv *p, struct err *e, int argc, const char **argv)
{
	redisReply *r;

	if (p->rc == NULL)
		return err_set(e, "not connected"), NULL;
	r = redisCommandArgv(p->rc, argc, argv, NULL);
	if (r == NULL)
		return err_set(e, "%s: %s", argv[0], p->rc->errstr[0] ?
		    p->rc->errstr : "connection lost"), NULL;
	if (r->type == REDIS_REPLY_ERROR) {
		err_set(e, "%s: %s", argv[0], r->str);
		freeReplyObject(r);
		return NULL;
	}
	return r;
}

void
redis_items_clear(struct redis_priv *p)
{
	size_t i;

	if (p->reply)
		freeReplyObject(p->reply);
	p->reply = NULL;
	for (i = 0; i < p->nrv; i++)
		freeReplyObject(p->rv[i]);
	p->nrv = 0;
	p->nitems = p->pos = 0;
}

void
redis_drop(struct input *in, const char *why)
{
	struct redis_priv *p = in->priv;
	int64_t now = monotime_ms();

	if (!p->warned)
		log_warnx("input %s: %s; reconnecting", in->id, why);
	p->warned = 1;
	redis_items_clear(p);
	if (p->msg)
		freeReplyObject(p->msg);
	p->msg = NULL;
	if (p->rc)
		redisFree(p->rc);
	p->rc = NULL;
	p->backoff_ms = p->backoff_ms ? p->backoff_ms * 2 : RDS_BACKOFF_MIN;
	if (p->backoff_ms > RDS_BACKOFF_MAX)
		p->backoff_ms = RDS_BACKOFF_MAX;
	p->retry_at = now + p->backoff_ms;
}

void
redis_fail(struct input *in, const char *why)
{
	struct redis_priv *p = in->priv;

	if (p->rc == NULL || p->rc->err) {
		redis_drop(in, why);
		return;
	}
	p->hold_ms = p->hold_ms ? p->hold_ms * 2 : RDS_BACKOFF_MIN;
	if (p->hold_ms > RDS_BACKOFF_MAX)
		p->hold_ms = RDS_BACKOFF_MAX;
	p->hold_until = monotime_ms() + p->hold_ms;
	if (!p->held)
		log_warnx("input %s: %s; retrying", in->id, why);
	p->held = 1;
}

/* A command worked again after error replies. */
static void
redis_ok(struct input *in)
{
	struct redis_priv *p = in->priv;

	if (p->held)
		log_info("input %s: Redis answers again", in->id);
	p->held = 0;
	p->hold_ms = 0;
}

static int
redis_connect(struct input *in, struct err *e)
{
	struct redis_priv *p = in->priv;
	struct timeval tv = { p->c.timeout_ms / 1000,
		(p->c.timeout_ms % 1000) * 1000 };
	const char *s = p->c.server, *colon = strrchr(s, ':');
	char host[256];

	if (s[0] == '/')
		p->rc = redisConnectUnixWithTimeout(s, tv);
	else {
		size_t hl = (size_t)(colon - s);

		if (s[0] == '[' && hl > 2 && s[hl - 1] == ']') {
			s++;
			hl -= 2;
		}
		snprintf(host, sizeof(host), "%.*s", (int)hl, s);
		p->rc = redisConnectWithTimeout(host, port_of(s),
		    tv);
	}
	if (p->rc == NULL || p->rc->err) {
		err_set(e, "redis %s: %s", p->c.server, p->rc ?
		    p->rc->errstr : "out of memory");
		if (p->rc)
			redisFree(p->rc);
		p->rc = NULL;
		return -1;
	}
	if (redisSetTimeout(p->rc, tv) != REDIS_OK) {
		err_set(e, "redis %s: cannot set the timeout", p->c.server);
		redisFree(p->rc);
		p->rc = NULL;
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------- channels */

static int
channel_setup(struct input *in, struct err *e)
{
	struct redis_priv *p = in->priv;
	const char *argv[] = { "SUBSCRIBE", p->c.key };
	redisReply *r = redis_cmd(p, e, 2, argv);

	if (r == NULL)
		return -1;
	freeReplyObject(r);
	return 0;
}

/*
 * The next message published, without waiting: 1 *it set, 0 none now,
 * -1 connection lost (e set).
 */
static int
channel_read(struct redis_priv *p, struct redis_item *it, struct err *e)
{
	for (;;) {
		void *v = NULL;
		redisReply *r;
		struct pollfd pf = { p->rc->fd, POLLIN, 0 };

		if (redisGetReplyFromReader(p->rc, &v) != REDIS_OK)
			return err_set(e, "%s", p->rc->errstr);
		if (v == NULL) {
			if (poll(&pf, 1, 0) <= 0)
				return 0;
			if (redisBufferRead(p->rc) != REDIS_OK)
				return err_set(e, "%s", p->rc->errstr[0] ?
				    p->rc->errstr : "connection lost");
			continue;
		}
		r = v;
		if (r->type == REDIS_REPLY_ARRAY && r->elements == 3 &&
		    r->element[0]->type == REDIS_REPLY_STRING &&
		    strcmp(r->element[0]->str, "message") == 0 &&
		    r->element[2]->type == REDIS_REPLY_STRING) {
			if (p->msg)
				freeReplyObject(p->msg);
			p->msg = r;
			it->p = r->element[2]->str;
			it->len = r->element[2]->len;
			it->id[0] = '\0';
			return 1;
		}
		freeReplyObject(r);
	}
}

/* ----------------------------------------------------------- the input */

static size_t
redis_configure(struct input *in, const struct conf_node *n, struct diag *d)
{
	struct redis_priv *p = in->priv;
	const char *s;
	size_t errs = conf_apply(n, redis_fields, p, d);
	char host[256] = "redress";

	if (errs)
		return errs;
	p->kind = mode_kind[p->c.mode];
	in->max_line = (size_t)p->c.max_line;
	s = p->c.server;
	if (s[0] != '/' && port_of(s) < 0) {
		conf_error(d, conf_get(n, "server"), "server: a unix socket "
		    "path (/run/redis/redis.sock) or host:port");
		errs++;
	}
	if (p->c.key[0] == '\0') {
		conf_error(d, conf_get(n, "key"), "key: empty");
		errs++;
	}
	if (p->c.consumer == NULL) {
		gethostname(host, sizeof(host) - 1);
		host[sizeof(host) - 1] = '\0';
		p->c.consumer = xstrdup(host);
	}
	if (p->c.processing == NULL) {
		size_t len = strlen(p->c.key) + strlen(p->c.consumer) + 32;

		p->c.processing = xmalloc(len);
		snprintf(p->c.processing, len, "%s:redress:%s", p->c.key,
		    p->c.consumer);
	}
	snprintf(in->id, sizeof(in->id), "redis:%s/%s", p->c.server,
	    p->c.key);
	snprintf(p->label, sizeof(p->label), "redis://%s/%s", p->c.server,
	    p->c.key);
	free(in->path);
	in->path = xstrdup(p->label);
	return errs;
}

/* The bookmark committed last ("list N SHA1", "stream FIRST LAST N"). */
static void
bookmark_load(struct input *in)
{
	struct redis_priv *p = in->priv;
	char a[RDS_ID_MAX], b[RDS_ID_MAX];
	size_t n;

	p->ack_todo = 0;
	redis_batch_free(&p->ack);	/* IDs unknown: a stream checks */
	redis_batch_reset(&p->ack);
	if (p->kind == RM_STREAM && sscanf(in->bookmark, "stream %47s %47s "
	    "%zu", a, b, &n) == 3) {
		strlcpy_r(p->ack.first, a, sizeof(p->ack.first));
		strlcpy_r(p->ack.last, b, sizeof(p->ack.last));
		p->ack.n = n;
		p->ack_todo = 1;
	} else if (p->kind != RM_STREAM && p->kind != RM_CHANNEL &&
	    sscanf(in->bookmark, "list %zu %40s %40s", &n, a, b) == 3) {
		strlcpy_r(p->ack.first, a, sizeof(p->ack.first));
		strlcpy_r(p->ack.last, b, sizeof(p->ack.last));
		p->ack.n = n;
		p->ack_todo = 1;
	}
}

static int
redis_setup(struct input *in, struct err *e)
{
	struct redis_priv *p = in->priv;

	if (redis_connect(in, e) < 0)
		return -1;
	if ((p->kind == RM_STREAM ? redis_stream_setup(in, e) :
	    p->kind == RM_CHANNEL ? channel_setup(in, e) :
	    redis_list_setup(in, e)) < 0) {
		if (p->rc)
			redisFree(p->rc);
		p->rc = NULL;
		return -1;
	}
	if (p->warned)
		log_info("input %s: connected again", in->id);
	p->warned = 0;
	p->backoff_ms = 0;
	return 0;
}

static int
redis_open(struct input *in, struct err *e)
{
	struct redis_priv *p = in->priv;

	redis_batch_reset(&p->txn);
	p->txn_alerts = 0;
	p->pel = 0;
	bookmark_load(in);
	return redis_setup(in, e);
}

static int
redis_fd(struct input *in)
{
	struct redis_priv *p = in->priv;

	return p->kind == RM_CHANNEL && p->rc ? p->rc->fd : -1;
}

/*
 * Entries read that led to no alert (other event types, bad lines) have
 * nothing to commit: when the open batch holds only those, they are
 * acknowledged at once instead of waiting for a commit that never comes.
 */
static int
ack_idle(struct input *in)
{
	struct redis_priv *p = in->priv;
	struct err e = { 0 };

	if (p->txn_alerts || p->txn.n == 0 || p->ack_todo ||
	    p->kind == RM_CHANNEL)
		return 0;
	if ((p->kind == RM_STREAM ? redis_stream_ack(in, &p->txn, &e) :
	    redis_list_ack(in, &p->txn, &e)) < 0) {
		redis_fail(in, e.msg);
		return -1;
	}
	redis_batch_reset(&p->txn);
	return 0;
}

static int
redis_next(struct input *in, struct alert *al, struct err *e)
{
	struct redis_priv *p = in->priv;
	struct redis_item *it, one;
	struct input_record rec;
	struct err ce = { 0 };
	int rc;

	for (;;) {
		if (p->rc == NULL) {
			if (monotime_ms() < p->retry_at)
				return 0;
			if (redis_setup(in, &ce) < 0) {
				redis_drop(in, ce.msg);
				return 0;
			}
		}
		if (monotime_ms() < p->hold_until)
			return 0;
		/*
		 * A committed batch not yet acknowledged comes first: reading
		 * on would commit a second one, and the bookmark names only
		 * the last.
		 */
		if (p->ack_todo) {
			if ((p->kind == RM_STREAM ? redis_stream_ack(in,
			    &p->ack, &ce) : redis_list_ack(in, &p->ack,
			    &ce)) < 0) {
				redis_fail(in, ce.msg);
				return 0;
			}
			p->ack_todo = 0;
			redis_ok(in);
		}
		if (p->kind == RM_CHANNEL) {
			rc = channel_read(p, &one, &ce);
			if (rc < 0) {
				redis_drop(in, ce.msg);
				return 0;
			}
			if (rc == 0)
				return 0;
			it = &one;
		} else {
			if (p->pos == p->nitems) {
				if (ack_idle(in) < 0)
					continue;	/* held or dropped */
				rc = p->kind == RM_STREAM ?
				    redis_stream_fetch(in, &ce) :
				    redis_list_fetch(in, &ce);
				if (rc < 0) {
					redis_fail(in, ce.msg);
					return 0;
				}
				redis_ok(in);
				if (p->nitems == 0)
					return 0;
			}
			it = &p->items[p->pos++];
			redis_batch_add(&p->txn, p->kind == RM_STREAM, it);
		}
		p->seq++;
		in->stats.events++;
		if (it->p == NULL) {
			in->stats.bad++;
			return err_set(e, "%s: entry %s: no \"eve\" field "
			    "(deleted from the stream, or not written by an "
			    "EVE output)", p->label, it->id);
		}
		in->stats.bytes += it->len;
		if (it->len > in->max_line) {
			in->stats.too_long++;
			in->stats.bad++;
			return err_set(e, "%s: entry %s%llu: %zu bytes, over "
			    "max_line", p->label, it->id[0] ? it->id : "#",
			    (unsigned long long)p->seq, it->len);
		}
		if (p->c.format == 1) {
			struct snort_json_opts o = { 0, 0 };
			struct timespec now;

			clock_gettime(CLOCK_REALTIME, &now);
			o.now_usec = (int64_t)now.tv_sec * 1000000 +
			    now.tv_nsec / 1000;

			rc = snort_json_parse(it->p, it->len, al, &o, e);
		} else
			rc = eve_parse(it->p, it->len, al, &p->sc, e);
		if (rc < 0) {
			in->stats.bad++;
			if (it->id[0])
				err_prefix(e, "%s: entry %s: ", p->label,
				    it->id);
			else
				err_prefix(e, "%s: entry #%llu: ", p->label,
				    (unsigned long long)p->seq);
			return -1;
		}
		if (rc == 0)
			continue;
		rec.p = it->p;
		rec.len = it->len;
		rec.file = p->label;
		rec.offset = p->seq;
		rec.line = p->seq;
		input_record_place(al, p->c.format == 1 ?
		    ALERT_INPUT_SNORT_JSON : ALERT_INPUT_EVE, &rec);
		in->stats.alerts++;
		p->txn_alerts++;
		return 1;
	}
}

static void
redis_bookmark(struct input *in)
{
	struct redis_priv *p = in->priv;
	struct redis_batch t;

	if (p->kind == RM_CHANNEL) {
		snprintf(in->bookmark, sizeof(in->bookmark), "channel");
		return;
	}
	if (p->txn.n == 0)
		return;		/* the last committed batch still stands */
	if (p->kind == RM_STREAM)
		snprintf(in->bookmark, sizeof(in->bookmark), "stream %s %s %zu",
		    p->txn.first, p->txn.last, p->txn.n);
	else
		snprintf(in->bookmark, sizeof(in->bookmark), "list %zu %s %s",
		    p->txn.n, p->txn.first, p->txn.last);
	/* The open batch becomes the one to acknowledge. */
	t = p->ack;
	p->ack = p->txn;
	p->txn = t;
	redis_batch_reset(&p->txn);
	p->txn_alerts = 0;
	p->ack_todo = 1;
}

static void
redis_committed(struct input *in)
{
	struct redis_priv *p = in->priv;
	struct err e = { 0 };

	if (!p->ack_todo || p->rc == NULL)
		return;		/* a reconnect acknowledges it first */
	if ((p->kind == RM_STREAM ? redis_stream_ack(in, &p->ack, &e) :
	    redis_list_ack(in, &p->ack, &e)) < 0) {
		redis_fail(in, e.msg);	/* next() tries again first */
		return;
	}
	p->ack_todo = 0;
}

static void
redis_stat(struct input *in)
{
	struct redis_priv *p = in->priv;
	struct err e = { 0 };
	const char *a1[] = { "LLEN", p->c.key };
	const char *a2[] = { "LLEN", p->c.processing };
	redisReply *r;

	if (p->rc == NULL || p->kind == RM_CHANNEL)
		return;
	if (p->kind == RM_STREAM) {
		redis_stream_stat(in);
		return;
	}
	if ((r = redis_cmd(p, &e, 2, a1)) != NULL) {
		in->stats.lag_records = (uint64_t)r->integer;
		freeReplyObject(r);
	}
	if ((r = redis_cmd(p, &e, 2, a2)) != NULL) {
		in->stats.unacked = (uint64_t)r->integer;
		freeReplyObject(r);
	}
	if (e.set)
		redis_fail(in, e.msg);
}

static void
redis_close(struct input *in)
{
	struct redis_priv *p = in->priv;

	redis_items_clear(p);
	if (p->msg)
		freeReplyObject(p->msg);
	p->msg = NULL;
	if (p->rc)
		redisFree(p->rc);
	p->rc = NULL;
}

static void
redis_release(struct input *in)
{
	struct redis_priv *p = in->priv;

	if (p == NULL)
		return;
	redis_close(in);
	redis_batch_free(&p->txn);
	redis_batch_free(&p->ack);
	free(p->items);
	free(p->rv);
	alert_scratch_free(&p->sc);
	conf_release(redis_fields, p);
}

const struct input_ops input_redis = {
	.name = "redis",
	.priv_size = sizeof(struct redis_priv),
	.configure = redis_configure,
	.open = redis_open,
	.fd = redis_fd,
	.next = redis_next,
	.bookmark = redis_bookmark,
	.committed = redis_committed,
	.stat = redis_stat,
	.close = redis_close,
	.release = redis_release,
};
