/* SPDX-License-Identifier: MIT */
/*
 * Stream mode of the Redis input (Suricata 8's `redis: mode: stream`,
 * XADD key * eve <json>): one consumer group shared by every redress
 * reading the stream, XACK after the commit that holds an entry's
 * effects. Entries are read in ID order: our own pending entries first
 * (after a crash or a claim), then new ones, so the batch committed last
 * heads our pending list; the bookmark names it (first ID, last ID,
 * count) and a restart acknowledges it unread. Entries of a consumer idle
 * for claim_idle (a dead redress) are claimed with XAUTOCLAIM when ours
 * are all acknowledged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input_redis.h"
#include "log.h"
#include "monotime.h"
#include "xmalloc.h"

#define CLAIM_PAGES	1000

/* XACK of the given IDs. */
static int
xack(struct redis_priv *p, char (*ids)[RDS_ID_MAX], size_t n, struct err *e)
{
	const char **argv;
	redisReply *r;
	size_t i, off;

	for (off = 0; off < n; off += 1000) {
		size_t k = n - off < 1000 ? n - off : 1000;

		argv = xcalloc(k + 3, sizeof(*argv));
		argv[0] = "XACK";
		argv[1] = p->c.key;
		argv[2] = p->c.group;
		for (i = 0; i < k; i++)
			argv[3 + i] = ids[off + i];
		r = redis_cmd(p, e, (int)(k + 3), argv);
		free(argv);
		if (r == NULL)
			return -1;
		freeReplyObject(r);
	}
	return 0;
}

/*
 * Acknowledges a committed batch. Its IDs are known unless it comes from
 * the bookmark (after a restart): then it is acknowledged if it heads our
 * pending list (same count, first and last ID), and was already if not.
 */
int
redis_stream_ack(struct input *in, const struct redis_batch *b,
    struct err *e)
{
	struct redis_priv *p = in->priv;
	char cnt[24];
	const char *argv[] = { "XPENDING", p->c.key, p->c.group, "-", "+",
		cnt, p->c.consumer };
	char (*ids)[RDS_ID_MAX];
	redisReply *r;
	size_t i;
	int rc;

	if (b->n == 0)
		return 0;
	if (b->ids != NULL && b->cap >= b->n)
		return xack(p, b->ids, b->n, e);
	snprintf(cnt, sizeof(cnt), "%zu", b->n);
	if ((r = redis_cmd(p, e, 7, argv)) == NULL)
		return -1;
	if (r->type != REDIS_REPLY_ARRAY || r->elements != b->n ||
	    r->element[0]->type != REDIS_REPLY_ARRAY ||
	    r->element[0]->elements < 1 ||
	    strcmp(r->element[0]->element[0]->str, b->first) != 0 ||
	    strcmp(r->element[b->n - 1]->element[0]->str, b->last) != 0) {
		freeReplyObject(r);
		return 0;	/* acknowledged before the restart */
	}
	ids = xcalloc(b->n, sizeof(*ids));
	for (i = 0; i < b->n; i++)
		strlcpy_r(ids[i], r->element[i]->element[0]->str,
		    sizeof(ids[0]));
	freeReplyObject(r);
	rc = xack(p, ids, b->n, e);
	free(ids);
	if (rc == 0)
		log_info("input %s: %zu entries committed before a restart "
		    "acknowledged, not read again", in->id, b->n);
	return rc;
}

/* Claims the pending entries of consumers idle for claim_idle. */
static long
claim(struct input *in, struct err *e)
{
	struct redis_priv *p = in->priv;
	char idle[24], cursor[RDS_ID_MAX] = "0-0";
	const char *argv[] = { "XAUTOCLAIM", p->c.key, p->c.group,
		p->c.consumer, idle, cursor, "COUNT", "1000", "JUSTID" };
	redisReply *r;
	long n = 0;
	int page;

	snprintf(idle, sizeof(idle), "%lld", (long long)p->c.claim_idle_ms);
	for (page = 0; page < CLAIM_PAGES; page++) {
		if ((r = redis_cmd(p, e, 9, argv)) == NULL)
			return -1;
		if (r->type != REDIS_REPLY_ARRAY || r->elements < 2 ||
		    r->element[0]->type != REDIS_REPLY_STRING) {
			freeReplyObject(r);
			return err_set(e, "XAUTOCLAIM: unexpected reply");
		}
		n += (long)r->element[1]->elements;
		strlcpy_r(cursor, r->element[0]->str, sizeof(cursor));
		freeReplyObject(r);
		if (strcmp(cursor, "0-0") == 0)
			break;
	}
	if (n > 0)
		log_info("input %s: claimed %ld entries of consumers idle for "
		    "%lld ms", in->id, n, (long long)p->c.claim_idle_ms);
	return n;
}

int
redis_stream_setup(struct input *in, struct err *e)
{
	struct redis_priv *p = in->priv;
	const char *argv[] = { "XGROUP", "CREATE", p->c.key, p->c.group, "0",
		"MKSTREAM" };
	redisReply *r;
	struct err ge = { 0 };

	r = redis_cmd(p, &ge, 6, argv);
	if (r != NULL)
		freeReplyObject(r);
	else if (strstr(ge.msg, "BUSYGROUP") == NULL)
		return err_set(e, "%s", ge.msg);
	if (p->ack_todo) {
		if (redis_stream_ack(in, &p->ack, e) < 0)
			return -1;
		p->ack_todo = 0;
	}
	/* Our pending entries after the open batch's: read, not committed. */
	p->pel = 1;
	if (p->txn.n > 0)
		strlcpy_r(p->pel_from, p->txn.last, sizeof(p->pel_from));
	else {
		strlcpy_r(p->pel_from, "0", sizeof(p->pel_from));
		if (claim(in, e) < 0)
			return -1;
	}
	p->next_claim = monotime_ms() + p->c.claim_idle_ms / 2;
	p->nitems = p->pos = 0;
	return 0;
}

/* Items from an XREADGROUP reply: [[key, [[id, [field, value ...]]]]]. */
static void
items_from_stream(struct redis_priv *p, redisReply *r)
{
	redisReply *ents;
	size_t i, j;

	if (p->reply)
		freeReplyObject(p->reply);
	p->reply = r;
	p->nitems = p->pos = 0;
	if (r->type != REDIS_REPLY_ARRAY || r->elements < 1 ||
	    r->element[0]->type != REDIS_REPLY_ARRAY ||
	    r->element[0]->elements < 2)
		return;
	ents = r->element[0]->element[1];
	if (ents->elements > p->icap) {
		p->icap = ents->elements;
		p->items = xreallocarray(p->items, p->icap, sizeof(*p->items));
	}
	for (i = 0; i < ents->elements; i++) {
		redisReply *en = ents->element[i], *f;
		struct redis_item *it;

		if (en->type != REDIS_REPLY_ARRAY || en->elements < 2 ||
		    en->element[0]->type != REDIS_REPLY_STRING)
			continue;
		it = &p->items[p->nitems++];
		strlcpy_r(it->id, en->element[0]->str, sizeof(it->id));
		it->p = NULL;
		it->len = 0;
		f = en->element[1];
		if (f->type != REDIS_REPLY_ARRAY)
			continue;	/* deleted from the stream */
		for (j = 0; j + 1 < f->elements; j += 2)
			if (f->element[j]->type == REDIS_REPLY_STRING &&
			    strcmp(f->element[j]->str, "eve") == 0 &&
			    f->element[j + 1]->type == REDIS_REPLY_STRING) {
				it->p = f->element[j + 1]->str;
				it->len = f->element[j + 1]->len;
				break;
			}
	}
}

static redisReply *
xreadgroup(struct redis_priv *p, const char *from, struct err *e)
{
	char cnt[24];
	const char *argv[] = { "XREADGROUP", "GROUP", p->c.group,
		p->c.consumer, "COUNT", cnt, "STREAMS", p->c.key, from };

	snprintf(cnt, sizeof(cnt), "%lld", p->c.fetch);
	return redis_cmd(p, e, 9, argv);
}

int
redis_stream_fetch(struct input *in, struct err *e)
{
	struct redis_priv *p = in->priv;
	redisReply *r;
	int64_t now = monotime_ms();

	if (!p->pel && p->txn.n == 0 && !p->ack_todo && now >= p->next_claim) {
		long n = claim(in, e);

		if (n < 0)
			return -1;
		p->next_claim = now + p->c.claim_idle_ms / 2;
		if (n > 0) {
			p->pel = 1;
			strlcpy_r(p->pel_from, "0", sizeof(p->pel_from));
		}
	}
	if (p->pel) {
		if ((r = xreadgroup(p, p->pel_from, e)) == NULL)
			return -1;
		items_from_stream(p, r);
		if (p->nitems > 0) {
			strlcpy_r(p->pel_from, p->items[p->nitems - 1].id,
			    sizeof(p->pel_from));
			return 0;
		}
		p->pel = 0;
	}
	if ((r = xreadgroup(p, ">", e)) == NULL)
		return -1;
	items_from_stream(p, r);
	return 0;
}

/* Lag (entries not delivered to the group) and our group's pending count. */
void
redis_stream_stat(struct input *in)
{
	struct redis_priv *p = in->priv;
	struct err e = { 0 };
	const char *argv[] = { "XINFO", "GROUPS", p->c.key };
	redisReply *r = redis_cmd(p, &e, 3, argv);
	size_t i, j;

	if (r == NULL) {
		if (p->rc && p->rc->err)
			redis_drop(in, e.msg);
		return;
	}
	for (i = 0; r->type == REDIS_REPLY_ARRAY && i < r->elements; i++) {
		redisReply *g = r->element[i];
		int ours = 0;

		for (j = 0; g->type == REDIS_REPLY_ARRAY && j + 1 < g->elements;
		    j += 2)
			if (strcmp(g->element[j]->str, "name") == 0 &&
			    g->element[j + 1]->type == REDIS_REPLY_STRING &&
			    strcmp(g->element[j + 1]->str, p->c.group) == 0)
				ours = 1;
		if (!ours)
			continue;
		for (j = 0; j + 1 < g->elements; j += 2) {
			redisReply *v = g->element[j + 1];

			if (v->type != REDIS_REPLY_INTEGER)
				continue;
			if (strcmp(g->element[j]->str, "pending") == 0)
				in->stats.unacked = (uint64_t)v->integer;
			else if (strcmp(g->element[j]->str, "lag") == 0)
				in->stats.lag_records = (uint64_t)v->integer;
		}
	}
	freeReplyObject(r);
}
