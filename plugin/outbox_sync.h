/* SPDX-License-Identifier: MIT */
/*
 * The outbox kept in step with the report rows (outbox_sync.c): Maildir
 * flags from the state, and the start-up reconciliation after a crash.
 */
#ifndef REDRESS_OUTBOX_SYNC_H
#define REDRESS_OUTBOX_SYNC_H

#include "err.h"
#include "store_report.h"

struct outbox_sync_count {
	int	removed;	/* orphans and second copies deleted */
	int	adopted;	/* files recorded as their row's */
};

/* "D" draft (and approved, queued, sending), "S" sent, "T" rejected,
 * "F" failed. */
const char *outbox_state_flags(const char *state);
/* Renames r's file to its state's flags and records the new path. */
int	outbox_sync_state(struct store *, struct report_row *, struct err *);
/*
 * At start: empties tmp/, deletes half-written replacements, report
 * files whose row does not exist and second files for one row, adopts a
 * row's file whose path was not recorded, and gives each its flags.
 */
int	outbox_reconcile(const char *dir, struct store *,
	    struct outbox_sync_count *, struct err *);

#endif
