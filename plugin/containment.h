/* SPDX-License-Identifier: MIT */
/*
 * Containment (containment.c): the configured responders opened together,
 * and what the executor and the CLI do with them: block (whitelist
 * recheck, per-minute cap, repeat-offender escalation, apply to every
 * backend, record), unblock, expire, reconcile the store with what the
 * backends hold.
 */
#ifndef REDRESS_CONTAINMENT_H
#define REDRESS_CONTAINMENT_H

#include <stdint.h>
#include <stdio.h>

#include "addr.h"
#include "config.h"
#include "err.h"
#include "store.h"

struct containment;

struct containment_stats {
	uint64_t	applied, refused_whitelist, refused_cap, failed;
	uint64_t	expired, drift_missing, drift_extra, drift_retimed;
};

/*
 * Opens every configured backend (dry_run: they print to dry_out).
 * strict: a backend that cannot open is an error (CLI); else it is
 * logged and left out (daemon).
 */
struct containment	*containment_open(const struct config *, int dry_run,
			    FILE *dry_out, int strict, struct err *);
void			 containment_close(struct containment *);
size_t			 containment_backends(const struct containment *);

/* `redress block`: 0 applied, 1 refused (why in e), -1 error. */
int	containment_block(struct containment *, struct store *,
	    const struct cidr *, int64_t duration_s, const char *reason,
	    struct err *);
/* `redress unblock`: reverts everywhere; returns rows removed or -1. */
int	containment_unblock(struct containment *, struct store *,
	    const struct cidr *, struct err *);
/* 1 and its CIDR in buf when an active block is wider than net, 0, -1. */
int	containment_covering(struct store *, const struct cidr *, char *buf,
	    size_t len, struct err *);
/* Pending contain decisions; returns decisions handled or -1. */
int	containment_decisions(struct containment *, struct store *,
	    int64_t now_usec, struct err *);
/* Blocks past expiry; returns rows expired or -1. */
int	containment_expire(struct containment *, struct store *,
	    int64_t now_usec, struct err *);
/* Store vs backends; returns drift items fixed or -1. */
int	containment_reconcile(struct containment *, struct store *,
	    int64_t now_usec, struct err *);
const struct containment_stats *containment_stats(const struct containment *);

#endif
