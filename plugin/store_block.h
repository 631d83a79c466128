/* SPDX-License-Identifier: MIT */
/*
 * The block area of the state store: one row per address/network that a
 * responder has blocked, with its expiry, used by containment for expiry,
 * escalation of repeat offenders and reconciliation.
 */
#ifndef REDRESS_STORE_BLOCK_H
#define REDRESS_STORE_BLOCK_H

#include <stdint.h>

#include "err.h"
#include "store.h"

/* Records a block; returns its row id or -1. */
int64_t	 store_block_add(struct store *, const char *responder,
	    const char *cidr, int64_t incident_id, int64_t expires_usec,
	    const char *reason, struct err *);
/* Marks every active block of cidr removed; returns rows changed or -1. */
int	 store_block_remove(struct store *, const char *cidr, struct err *);
/* Number of blocks (active or not) ever recorded for cidr, or -1. */
int	 store_block_count(struct store *, const char *cidr, struct err *);
/* 1 and *expires if cidr is actively blocked at now_usec, 0 if not, -1. */
int	 store_block_active(struct store *, const char *cidr, int64_t now_usec,
	    int64_t *expires_usec, struct err *);
/* Marks blocks expired at now_usec removed; returns rows changed or -1. */
int	 store_block_expire(struct store *, int64_t now_usec, struct err *);

/* Deletes row id (a block whose apply failed everywhere). 0 or -1. */
int	 store_block_drop(struct store *, int64_t id, struct err *);
/* Replaces the responder list of row id. 0 or -1. */
int	 store_block_set_responder(struct store *, int64_t id,
	    const char *responder, struct err *);

/* One block row. */
struct block_row {
	int64_t		 id;
	char		 responder[128];
	char		 cidr[64];
	int64_t		 incident_id;		/* 0: by hand */
	int64_t		 created_usec, expires_usec;
	int64_t		 removed_usec;		/* 0: not removed */
	char		 reason[256];
};

enum block_list_which {
	BLOCK_LIST_ACTIVE,	/* not removed, expires > now */
	BLOCK_LIST_DUE,		/* not removed, expires <= now */
	BLOCK_LIST_ALL,		/* every row, newest first */
};
typedef int (*block_cb)(void *, const struct block_row *);
/* Rows in expiry order (ALL: newest first); cb != 0 stops. 0 or -1. */
int	 store_block_list(struct store *, enum block_list_which,
	    int64_t now_usec, block_cb, void *, struct err *);
/* Blocks created at or after since_usec (the per-minute cap), or -1. */
int	 store_block_recent(struct store *, int64_t since_usec, struct err *);

#endif
