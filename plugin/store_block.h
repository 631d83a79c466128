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

#endif
