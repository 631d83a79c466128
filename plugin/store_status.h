/* SPDX-License-Identifier: MIT */
/*
 * Counts for `redress status` and the metrics endpoint, read from the
 * state store in one pass (store_status.c).
 */
#ifndef REDRESS_STORE_STATUS_H
#define REDRESS_STORE_STATUS_H

#include <stdint.h>

#include "err.h"
#include "store.h"
#include "store_thread.h"

struct store_counts {
	int64_t	incidents_open;		/* state not closed */
	int64_t	blocks_active;		/* not removed, not expired */
	int64_t	pending_contain;	/* decisions waiting to run */
	int64_t	pending_report;
	int64_t	drafts_waiting;		/* reports in draft: need review */
	int64_t	mail_queue;		/* approved, queued or sending */
	int64_t	mail_sent;
	int64_t	mail_failed;
	int64_t	contacts_cached;	/* fresh contact cache entries */
	/* Deferred: queued again after a failed attempt. */
	int64_t	mail_deferred;
	int64_t	deferred_id;		/* the latest deferred report */
	int64_t	deferred_next_usec;	/* its next attempt */
	char	deferred_error[256];	/* its last error */
	struct thread_counts threads;	/* sent reports' threads */
};

/* Fills c from the store at wall-clock now_usec. 0 or -1 (e set). */
int	store_status_counts(struct store *, int64_t now_usec,
	    struct store_counts *c, struct err *);

#endif
