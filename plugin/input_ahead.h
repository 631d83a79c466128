/* SPDX-License-Identifier: MIT */
/*
 * Reading ahead on a second thread: a reader thread reads an input to the
 * end and hands what it gives (alerts, with the evidence bytes they
 * borrow copied, and bad-record messages) to the calling thread in order,
 * in batches. When the input splits next() in record() and parse(), the
 * reader only reads records and both threads parse batches of them,
 * whichever is free first; else the reader runs next(). `redress replay`
 * uses it so that parsing one part of a file and deciding on the part
 * before run at the same time; the decisions are those of reading in one
 * thread, alert for alert.
 */
#ifndef REDRESS_INPUT_AHEAD_H
#define REDRESS_INPUT_AHEAD_H

#include "err.h"
#include "input.h"

struct ahead;

struct ahead_item {
	int		 rc;	/* 1: al holds an alert; -1: a bad record;
				 * (0: not an alert, never returned) */
	uint64_t	 bytes;	/* input bytes consumed after this item */
	const char	*msg;	/* rc -1: where and why */
	struct alert	 al;	/* packet/raw point into the item's batch */
};

/*
 * Starts reading the opened input in (in->follow 0) on a new thread.
 * From then on only that thread touches in until ahead_stop. keep_raw 0:
 * the items' alerts carry no raw line (nothing after the parser reads
 * it, and copying it would cost as much as the rest).
 */
struct ahead	*ahead_start(struct input *in, int keep_raw, struct err *e);
/*
 * The next item, valid until the next call: 1 with *it set; 0 at the end,
 * e set when the input failed (next() returned -2).
 */
int		 ahead_next(struct ahead *, const struct ahead_item **it,
		    struct err *e);
/*
 * The alert k items after the one ahead_next returned last, when it is at
 * hand already (same batch), else NULL. For prefetching.
 */
const struct alert *ahead_peek(const struct ahead *, size_t k);
/*
 * Starts bringing the item k after the last one returned (and the head of
 * its alert, what the decision engine reads) into this CPU's cache.
 */
void		 ahead_prefetch(const struct ahead *, size_t k);
/*
 * Stops the reader (also before the end) and waits for it; adds the
 * events, alerts and bad records parsed on the threads to in->stats;
 * frees.
 */
void		 ahead_stop(struct ahead *);
/* 1 when a second CPU is there to read ahead on. */
int		 ahead_useful(void);

#endif
