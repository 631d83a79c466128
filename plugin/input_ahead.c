/* SPDX-License-Identifier: MIT */
/*
 * The read-ahead thread of input_ahead.h: a ring of AHEAD_RING batches
 * under one mutex. The reader fills a free batch, copying the bytes an
 * alert borrows from the input into the batch's arena, and publishes it
 * whole; the caller walks it and gives it back. One lock round trip per
 * batch, none per alert.
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "input_ahead.h"
#include "xmalloc.h"

#define AHEAD_BATCH	128	/* items per batch */
#define AHEAD_RING	4	/* batches in flight */

struct batch {
	struct ahead_item items[AHEAD_BATCH];
	/* arena offsets of the copies, SIZE_MAX = none */
	size_t		  off_pkt[AHEAD_BATCH], off_raw[AHEAD_BATCH],
			  off_msg[AHEAD_BATCH];
	size_t		  n;
	unsigned char	 *arena;
	size_t		  alen, acap;
	int		  last;		/* nothing follows this batch */
};

struct ahead {
	struct input	*in;
	int		 keep_raw;
	pthread_t	 th;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	struct batch	 ring[AHEAD_RING];
	unsigned	 head;		/* batches published (reader) */
	unsigned	 tail;		/* batches given back (caller) */
	int		 stop;		/* the caller wants no more */
	struct err	 fail;		/* next() returned -2 */
	/* The caller's place. */
	struct batch	*cur;
	size_t		 pos;
};

/* Copies n bytes into b's arena; returns their offset. */
static size_t
arena_put(struct batch *b, const void *p, size_t n)
{
	size_t off = b->alen;

	if (b->alen + n + 1 > b->acap) {
		b->acap = (b->alen + n + 1) * 2;
		b->arena = xreallocarray(b->arena, b->acap, 1);
	}
	memcpy(b->arena + b->alen, p, n);
	b->arena[b->alen + n] = '\0';
	b->alen += n + 1;
	return off;
}

/* Reads into b until it is full or the input ends; returns 1 at the end. */
static int
fill(struct ahead *a, struct batch *b)
{
	const struct input_ops *ops = a->in->ops;
	struct ahead_item *it;
	struct alert al;	/* parsed here, in this CPU's cache */
	struct err e = { 0 };
	size_t i;
	int rc, end = 0;

	b->n = 0;
	b->alen = 0;
	while (b->n < AHEAD_BATCH) {
		i = b->n;
		it = &b->items[i];
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
		b->off_pkt[i] = b->off_raw[i] = b->off_msg[i] = SIZE_MAX;
		if (it->rc < 0)
			b->off_msg[i] = arena_put(b, e.msg, strlen(e.msg));
		else {
			/* The item's lines travel to the other CPU: write
			 * only the bytes in use. */
			alert_copy(&it->al, &al);
			if (it->al.packet && it->al.packet_len)
				b->off_pkt[i] = arena_put(b, it->al.packet,
				    it->al.packet_len);
			if (a->keep_raw && it->al.raw && it->al.raw_len)
				b->off_raw[i] = arena_put(b, it->al.raw,
				    it->al.raw_len);
		}
		b->n++;
	}
	/* The arena has its final place now: point into it. */
	for (i = 0; i < b->n; i++) {
		it = &b->items[i];
		it->msg = b->off_msg[i] == SIZE_MAX ? NULL :
		    (const char *)b->arena + b->off_msg[i];
		if (it->rc < 0)
			continue;
		if (b->off_pkt[i] == SIZE_MAX) {
			it->al.packet = NULL;
			it->al.packet_len = 0;
		} else
			it->al.packet = b->arena + b->off_pkt[i];
		if (b->off_raw[i] == SIZE_MAX) {
			it->al.raw = NULL;
			it->al.raw_len = 0;
		} else
			it->al.raw = (const char *)b->arena + b->off_raw[i];
	}
	return end;
}

static void *
reader(void *arg)
{
	struct ahead *a = arg;
	struct batch *b;
	int end = 0;

	while (!end) {
		pthread_mutex_lock(&a->mu);
		while (a->head - a->tail == AHEAD_RING && !a->stop)
			pthread_cond_wait(&a->cv, &a->mu);
		if (a->stop) {
			pthread_mutex_unlock(&a->mu);
			break;
		}
		b = &a->ring[a->head % AHEAD_RING];
		pthread_mutex_unlock(&a->mu);
		end = fill(a, b);
		b->last = end;
		pthread_mutex_lock(&a->mu);
		a->head++;
		pthread_cond_broadcast(&a->cv);
		pthread_mutex_unlock(&a->mu);
	}
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

int
ahead_next(struct ahead *a, const struct ahead_item **it, struct err *e)
{
	for (;;) {
		if (a->cur != NULL && a->pos < a->cur->n) {
			*it = &a->cur->items[a->pos++];
			return 1;
		}
		if (a->cur != NULL) {
			if (a->cur->last) {
				if (a->fail.set)
					err_set(e, "%s", a->fail.msg);
				return 0;
			}
			pthread_mutex_lock(&a->mu);
			a->tail++;
			pthread_cond_broadcast(&a->cv);
			pthread_mutex_unlock(&a->mu);
			a->cur = NULL;
		}
		pthread_mutex_lock(&a->mu);
		while (a->head == a->tail)
			pthread_cond_wait(&a->cv, &a->mu);
		a->cur = &a->ring[a->tail % AHEAD_RING];
		pthread_mutex_unlock(&a->mu);
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
	for (i = 0; i < AHEAD_RING; i++)
		free(a->ring[i].arena);
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
