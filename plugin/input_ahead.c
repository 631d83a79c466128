/* SPDX-License-Identifier: MIT */
/*
 * The read-ahead thread of input_ahead.h: a ring of AHEAD_RING batches
 * under one mutex. An input that splits next() in record() and parse()
 * has the reader copy records into a free batch and publish it raw; the
 * reader and the caller then each claim the oldest raw batch when they
 * have nothing better to do, parse it whole (the copies an alert borrows
 * go into the batch's arena) and mark it ready, and the caller walks the
 * ready batches in order and gives them back. Any other input has the
 * reader run next() and publish the batch ready. A few lock round trips
 * per batch, none per alert.
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "input_ahead.h"
#include "xmalloc.h"

#define AHEAD_BATCH	128	/* items per batch */
#define AHEAD_RING	8	/* batches in flight */
/* Bytes a batch takes in before it is full, whatever its item count:
 * long lines (max_line is 1 MB by default) must not hold the ring's
 * memory at 8 x 128 of them. */
#define AHEAD_BATCH_BYTES (1u << 20)

enum batch_state {
	B_FREE,			/* the reader's to fill */
	B_RAW,			/* records read, not parsed */
	B_PARSING,		/* claimed by one thread */
	B_READY,		/* items parsed, the caller's */
};

/* Bytes copied into a batch, addressed by offset until it is whole. */
struct arena {
	unsigned char	*p;
	size_t		 len, cap;
};

/* One record read but not parsed; offsets into the batch's records. */
struct rec {
	size_t		 off, len;	/* its bytes (or why it was skipped) */
	size_t		 file;		/* its file name */
	uint64_t	 offset, line;
	int		 skipped;	/* record() returned -1 */
};

struct batch {
	struct ahead_item items[AHEAD_BATCH];
	struct rec	  recs[AHEAD_BATCH];
	/* arena offsets of the copies, SIZE_MAX = none */
	size_t		  off_pkt[AHEAD_BATCH], off_raw[AHEAD_BATCH],
			  off_msg[AHEAD_BATCH];
	size_t		  n;
	struct arena	  records;	/* split inputs: the records read */
	struct arena	  arena;	/* copies the items point to */
	struct input_stats counted;	/* parsed here: events, alerts, bad */
	enum batch_state  state;
	int		  last;		/* nothing follows this batch */
};

struct ahead {
	struct input	*in;
	int		 keep_raw;
	int		 split;		/* in has record() and parse() */
	pthread_t	 th;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	struct batch	 ring[AHEAD_RING];
	unsigned	 head;		/* batches published (reader) */
	unsigned	 tail;		/* batches given back (caller) */
	int		 stop;		/* the caller wants no more */
	struct err	 fail;		/* the input failed (-2) */
	struct input_stats counted;	/* of the batches parsed */
	/* The caller's place and parsing space. */
	struct batch	*cur;
	size_t		 pos;
	struct alert_scratch sc;
};

/* Copies n bytes and a NUL into ar; returns their offset. */
static size_t
arena_put(struct arena *ar, const void *p, size_t n)
{
	size_t off = ar->len;

	if (ar->len + n + 1 > ar->cap) {
		ar->cap = (ar->len + n + 1) * 2;
		ar->p = xreallocarray(ar->p, ar->cap, 1);
	}
	memcpy(ar->p + ar->len, p, n);
	ar->p[ar->len + n] = '\0';
	ar->len += n + 1;
	return off;
}

/*
 * Copies what item i's alert borrows (packet, raw line when kept) into
 * b's arena, and its message when it is a bad record.
 */
static void
keep_item(struct ahead *a, struct batch *b, size_t i, const char *msg)
{
	const struct alert *al = &b->items[i].al;

	b->off_pkt[i] = b->off_raw[i] = b->off_msg[i] = SIZE_MAX;
	if (b->items[i].rc < 0) {
		b->off_msg[i] = arena_put(&b->arena, msg, strlen(msg));
		return;
	}
	if (b->items[i].rc == 0)
		return;
	if (al->packet && al->packet_len)
		b->off_pkt[i] = arena_put(&b->arena, al->packet,
		    al->packet_len);
	/* A split input's raw line is in b->records already. */
	if (!a->split && a->keep_raw && al->raw && al->raw_len)
		b->off_raw[i] = arena_put(&b->arena, al->raw, al->raw_len);
}

/* The arena has its final place now: points the items into it. */
static void
point_items(struct ahead *a, struct batch *b)
{
	struct ahead_item *it;
	size_t i;

	for (i = 0; i < b->n; i++) {
		it = &b->items[i];
		it->msg = b->off_msg[i] == SIZE_MAX ? NULL :
		    (const char *)b->arena.p + b->off_msg[i];
		if (it->rc <= 0)
			continue;
		if (b->off_pkt[i] == SIZE_MAX) {
			it->al.packet = NULL;
			it->al.packet_len = 0;
		} else
			it->al.packet = b->arena.p + b->off_pkt[i];
		if (b->off_raw[i] != SIZE_MAX)
			it->al.raw = (const char *)b->arena.p + b->off_raw[i];
		else if (!a->keep_raw || it->al.raw_len == 0) {
			it->al.raw = NULL;
			it->al.raw_len = 0;
		}
	}
}

/*
 * An input without record(): runs next() into b until it is full (items
 * or bytes) or the input ends; returns 1 at the end.
 */
static int
fill(struct ahead *a, struct batch *b)
{
	const struct input_ops *ops = a->in->ops;
	struct ahead_item *it;
	struct alert al;	/* parsed here, in this CPU's cache */
	struct err e = { 0 };
	int rc, end = 0;

	b->n = 0;
	b->arena.len = 0;
	while (b->n < AHEAD_BATCH) {
		it = &b->items[b->n];
		err_clear(&e);
		rc = ops->next(a->in, &al, &e);
		if (rc == 0 || rc == -2) {
			if (rc == -2)
				a->fail = e;
			end = 1;
			break;
		}
		it->rc = rc < 0 ? -1 : 1;
		it->bytes = a->in->stats.bytes;
		/* The item's lines travel to the other CPU: write only the
		 * bytes in use. */
		if (it->rc > 0)
			alert_copy(&it->al, &al);
		keep_item(a, b, b->n, e.msg);
		b->n++;
		if (b->arena.len >= AHEAD_BATCH_BYTES)
			break;
	}
	point_items(a, b);
	return end;
}

/*
 * A split input: copies the next records into b until it is full (items
 * or bytes) or the input ends; returns 1 at the end.
 */
static int
read_records(struct ahead *a, struct batch *b)
{
	const struct input_ops *ops = a->in->ops;
	struct input_record r;
	struct err e = { 0 };
	struct rec *rec;
	size_t file = SIZE_MAX;
	int rc;

	b->n = 0;
	b->records.len = 0;
	while (b->n < AHEAD_BATCH) {
		err_clear(&e);
		rc = ops->record(a->in, &r, &e);
		if (rc == 0 || rc == -2) {
			if (rc == -2)
				a->fail = e;
			return 1;
		}
		rec = &b->recs[b->n];
		rec->skipped = rc < 0;
		if (rc < 0) {
			rec->len = strlen(e.msg);
			rec->off = arena_put(&b->records, e.msg, rec->len);
		} else {
			if (file == SIZE_MAX || strcmp((const char *)
			    b->records.p + file, r.file) != 0)
				file = arena_put(&b->records, r.file,
				    strlen(r.file));
			rec->file = file;
			rec->off = arena_put(&b->records, r.p, r.len);
			rec->len = r.len;
			rec->offset = r.offset;
			rec->line = r.line;
		}
		b->items[b->n].bytes = a->in->stats.bytes;
		b->n++;
		if (b->records.len >= AHEAD_BATCH_BYTES)
			break;
	}
	return 0;
}

/* Parses the records of b into its items, on the calling thread. */
static void
parse_batch(struct ahead *a, struct batch *b, struct alert_scratch *sc)
{
	const struct input_ops *ops = a->in->ops;
	const char *base = (const char *)b->records.p;
	struct ahead_item *it;
	struct input_record r;
	struct err e = { 0 };
	const struct rec *rec;
	size_t i;
	int rc;

	b->arena.len = 0;
	memset(&b->counted, 0, sizeof(b->counted));
	for (i = 0; i < b->n; i++) {
		it = &b->items[i];
		rec = &b->recs[i];
		if (rec->skipped) {
			it->rc = -1;
			keep_item(a, b, i, base + rec->off);
			continue;
		}
		r.p = base + rec->off;
		r.len = rec->len;
		r.file = base + rec->file;
		r.offset = rec->offset;
		r.line = rec->line;
		err_clear(&e);
		rc = ops->parse(a->in, &r, &it->al, sc, &e);
		input_count(&b->counted, rc);
		it->rc = rc < 0 ? -1 : rc;
		keep_item(a, b, i, e.msg);
	}
	point_items(a, b);
}

/* Adds what parsing counts (input_count) of from to to. */
static void
add_counts(struct input_stats *to, const struct input_stats *from)
{
	to->events += from->events;
	to->alerts += from->alerts;
	to->bad += from->bad;
}

/* The oldest raw batch, claimed for parsing; NULL when none. Locked. */
static struct batch *
claim(struct ahead *a)
{
	struct batch *b;
	unsigned i;

	for (i = a->tail; i != a->head; i++) {
		b = &a->ring[i % AHEAD_RING];
		if (b->state == B_RAW) {
			b->state = B_PARSING;
			return b;
		}
	}
	return NULL;
}

/* Parses a claimed batch with the lock let go; marks it ready. Locked. */
static void
parse_claimed(struct ahead *a, struct batch *b, struct alert_scratch *sc)
{
	pthread_mutex_unlock(&a->mu);
	parse_batch(a, b, sc);
	pthread_mutex_lock(&a->mu);
	b->state = B_READY;
	add_counts(&a->counted, &b->counted);
	pthread_cond_broadcast(&a->cv);
}

static void *
reader(void *arg)
{
	struct ahead *a = arg;
	struct alert_scratch sc = { 0 };
	struct batch *b;
	int end = 0;

	pthread_mutex_lock(&a->mu);
	while (!a->stop) {
		/* Reading first: it is cheap and it feeds both threads. */
		if (!end && a->head - a->tail < AHEAD_RING) {
			b = &a->ring[a->head % AHEAD_RING];
			pthread_mutex_unlock(&a->mu);
			end = a->split ? read_records(a, b) : fill(a, b);
			b->last = end;
			pthread_mutex_lock(&a->mu);
			b->state = a->split ? B_RAW : B_READY;
			a->head++;
			pthread_cond_broadcast(&a->cv);
			continue;
		}
		if ((b = claim(a)) != NULL) {
			parse_claimed(a, b, &sc);
			continue;
		}
		if (end)
			break;
		pthread_cond_wait(&a->cv, &a->mu);
	}
	pthread_mutex_unlock(&a->mu);
	alert_scratch_free(&sc);
	return NULL;
}

struct ahead *
ahead_start(struct input *in, int keep_raw, struct err *e)
{
	struct ahead *a = xcalloc(1, sizeof(*a));
	sigset_t all, old;
	int rc;

	a->in = in;
	a->keep_raw = keep_raw;
	a->split = in->ops->record != NULL && in->ops->parse != NULL;
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cv, NULL);
	/* Signals stay with the calling thread. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&a->th, NULL, reader, a);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		err_set(e, "starting the reader thread: %s", strerror(rc));
		pthread_cond_destroy(&a->cv);
		pthread_mutex_destroy(&a->mu);
		free(a);
		return NULL;
	}
	return a;
}

/*
 * The next batch in order, ready: parses it here when the reader has not
 * started it, and parses later ones while the reader finishes it.
 */
static struct batch *
next_batch(struct ahead *a)
{
	struct batch *b, *o;

	pthread_mutex_lock(&a->mu);
	for (;;) {
		if (a->head != a->tail) {
			b = &a->ring[a->tail % AHEAD_RING];
			if (b->state == B_READY)
				break;
			if (b->state == B_RAW) {
				b->state = B_PARSING;
				parse_claimed(a, b, &a->sc);
				break;
			}
		}
		if ((o = claim(a)) != NULL)
			parse_claimed(a, o, &a->sc);
		else
			pthread_cond_wait(&a->cv, &a->mu);
	}
	pthread_mutex_unlock(&a->mu);
	return b;
}

int
ahead_next(struct ahead *a, const struct ahead_item **it, struct err *e)
{
	for (;;) {
		while (a->cur != NULL && a->pos < a->cur->n) {
			*it = &a->cur->items[a->pos++];
			if ((*it)->rc != 0)
				return 1;
		}
		if (a->cur != NULL) {
			if (a->cur->last) {
				if (a->fail.set)
					err_set(e, "%s", a->fail.msg);
				return 0;
			}
			pthread_mutex_lock(&a->mu);
			a->cur->state = B_FREE;
			a->tail++;
			pthread_cond_broadcast(&a->cv);
			pthread_mutex_unlock(&a->mu);
		}
		a->cur = next_batch(a);
		a->pos = 0;
	}
}

const struct alert *
ahead_peek(const struct ahead *a, size_t k)
{
	const struct ahead_item *it;

	if (a->cur == NULL || a->pos + k - 1 >= a->cur->n)
		return NULL;
	it = &a->cur->items[a->pos + k - 1];
	return it->rc == 1 ? &it->al : NULL;
}

void
ahead_prefetch(const struct ahead *a, size_t k)
{
	const char *p;
	size_t off;

	if (a->cur == NULL || a->pos + k - 1 >= a->cur->n)
		return;
	p = (const char *)&a->cur->items[a->pos + k - 1];
	/* The item's head, the alert's engine fields and its category. */
	for (off = 0; off < offsetof(struct ahead_item, al) +
	    offsetof(struct alert, category) + 64; off += 64)
		__builtin_prefetch(p + off);
}

void
ahead_stop(struct ahead *a)
{
	size_t i;

	if (a == NULL)
		return;
	pthread_mutex_lock(&a->mu);
	a->stop = 1;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
	pthread_join(a->th, NULL);
	add_counts(&a->in->stats, &a->counted);
	for (i = 0; i < AHEAD_RING; i++) {
		free(a->ring[i].records.p);
		free(a->ring[i].arena.p);
	}
	alert_scratch_free(&a->sc);
	pthread_cond_destroy(&a->cv);
	pthread_mutex_destroy(&a->mu);
	free(a);
}

int
ahead_useful(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) != 0)
		return 0;
	return CPU_COUNT(&set) >= 2;
}
