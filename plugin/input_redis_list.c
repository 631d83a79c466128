/* SPDX-License-Identifier: MIT */
/*
 * List mode of the Redis input (Suricata's default lpush, or rpush):
 * entries are moved one by one, each atomically (LMOVE), from the
 * sensors' list to this input's processing list, read from there, and
 * trimmed from its head after the store commit that holds their effects.
 * A batch is named by its count and the SHA-1 of its first and last
 * values: the bookmark committed with it lets a restart trim it unread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input_redis.h"
#include "log.h"
#include "xmalloc.h"

/*
 * Trims the committed batch from the head of the processing list, only
 * if the head is that batch (count, SHA-1 of its first and of its last
 * value): 1 trimmed, 0 not there (trimmed already, or lost).
 */
static const char ack_script[] =
	"local n = tonumber(ARGV[1]) "
	"local a = redis.call('LINDEX', KEYS[1], 0) "
	"local b = redis.call('LINDEX', KEYS[1], n - 1) "
	"if a and b and redis.sha1hex(a) == ARGV[2] and "
	"redis.sha1hex(b) == ARGV[3] then "
	"redis.call('LTRIM', KEYS[1], n, -1) return 1 end "
	"return 0";

/*
 * Acknowledges a committed list batch: trims it if it heads the list.
 * 1 trimmed, 0 not there, -1 error.
 */
int
redis_list_ack(struct input *in, const struct redis_batch *b, struct err *e)
{
	struct redis_priv *p = in->priv;
	char n[24];
	const char *argv[] = { "EVAL", ack_script, "1", p->c.processing, n,
		b->first, b->last };
	redisReply *r;
	int rc;

	if (b->n == 0)
		return 0;
	snprintf(n, sizeof(n), "%zu", b->n);
	r = redis_cmd(p, e, 7, argv);
	if (r == NULL)
		return -1;
	rc = r->type == REDIS_REPLY_INTEGER && r->integer == 1;
	freeReplyObject(r);
	return rc;
}

/* Makes items of an array reply of strings (list values). */
static void
items_from_list(struct redis_priv *p, redisReply *r, size_t skip)
{
	size_t i;

	redis_items_clear(p);
	p->reply = r;
	if (r->elements > p->icap) {
		p->icap = r->elements;
		p->items = xreallocarray(p->items, p->icap, sizeof(*p->items));
	}
	for (i = skip; i < r->elements; i++) {
		struct redis_item *it = &p->items[p->nitems++];

		it->id[0] = '\0';
		it->p = r->element[i]->type == REDIS_REPLY_STRING ?
		    r->element[i]->str : NULL;
		it->len = it->p ? r->element[i]->len : 0;
	}
}

/*
 * After (re)connecting: trims the batch committed last if still there,
 * then serves what the processing list still holds (entries read before
 * a crash or a lost connection and not committed) before new ones.
 */
int
redis_list_setup(struct input *in, struct err *e)
{
	struct redis_priv *p = in->priv;
	const char *argv[] = { "LRANGE", p->c.processing, "0", "-1" };
	redisReply *r;
	size_t skip = 0;

	if (p->ack_todo) {
		int rc = redis_list_ack(in, &p->ack, e);

		if (rc < 0)
			return -1;
		if (rc > 0)
			log_info("input %s: %zu entries committed before a "
			    "restart trimmed from %s, not read again", in->id,
			    p->ack.n, p->c.processing);
		p->ack_todo = 0;
	}
	if ((r = redis_cmd(p, e, 4, argv)) == NULL)
		return -1;
	if (r->type != REDIS_REPLY_ARRAY) {
		freeReplyObject(r);
		return err_set(e, "LRANGE %s: not a list", p->c.processing);
	}
	/* Entries of the open transaction are in the store's hands already. */
	if (p->txn.n > 0) {
		char h1[41] = "", h2[41] = "";

		if (r->elements >= p->txn.n) {
			redis_sha1_hex(r->element[0]->str, r->element[0]->len, h1);
			redis_sha1_hex(r->element[p->txn.n - 1]->str,
			    r->element[p->txn.n - 1]->len, h2);
		}
		if (strcmp(h1, p->txn.first) == 0 &&
		    strcmp(h2, p->txn.last) == 0)
			skip = p->txn.n;
		else {
			log_warnx("input %s: %s lost %zu entries being "
			    "processed (Redis restarted without them)",
			    in->id, p->c.processing, p->txn.n);
			redis_batch_reset(&p->txn);
		}
	}
	items_from_list(p, r, skip);
	if (p->nitems)
		log_info("input %s: %zu entries left in %s from before",
		    in->id, p->nitems, p->c.processing);
	return 0;
}

/*
 * Moves entries from the sensors' list to the processing list, each
 * atomically (LMOVE; a blocking BLMOVE would stall the daemon's loop):
 * one, and if there was one up to `fetch` more in one round trip.
 */
int
redis_list_fetch(struct input *in, struct err *e)
{
	struct redis_priv *p = in->priv;
	const char *argv[] = { "LMOVE", p->c.key, p->c.processing,
		p->kind == RM_RPUSH ? "LEFT" : "RIGHT", "RIGHT" };
	redisReply *r;
	size_t want, i, sent;
	int lost = 0;

	redis_items_clear(p);
	if ((r = redis_cmd(p, e, 5, argv)) == NULL)
		return -1;
	if (r->type != REDIS_REPLY_STRING) {
		freeReplyObject(r);
		return 0;
	}
	want = (size_t)p->c.fetch;
	if (want > p->rvcap) {
		p->rvcap = want;
		p->rv = xreallocarray(p->rv, want, sizeof(*p->rv));
	}
	if (want > p->icap) {
		p->icap = want;
		p->items = xreallocarray(p->items, want, sizeof(*p->items));
	}
	p->rv[p->nrv++] = r;
	for (sent = 1; sent < want; sent++)
		if (redisAppendCommandArgv(p->rc, 5, argv, NULL) != REDIS_OK)
			break;
	for (i = 1; i < sent; i++) {
		void *v = NULL;

		if (redisGetReply(p->rc, &v) != REDIS_OK || v == NULL) {
			lost = 1;
			break;
		}
		r = v;
		if (r->type == REDIS_REPLY_STRING)
			p->rv[p->nrv++] = r;
		else
			freeReplyObject(r);
	}
	for (i = 0; i < p->nrv; i++) {
		struct redis_item *it = &p->items[p->nitems++];

		it->id[0] = '\0';
		it->p = p->rv[i]->str;
		it->len = p->rv[i]->len;
	}
	/* Dropped with the connection: the reconnect reads them again. */
	if (lost)
		return err_set(e, "LMOVE: %s", p->rc->errstr[0] ?
		    p->rc->errstr : "connection lost");
	return 0;
}
