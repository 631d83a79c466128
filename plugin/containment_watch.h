/* SPDX-License-Identifier: MIT */
/*
 * After containment (containment_watch.c): the accounts a responder
 * locked are watched for the intruder coming back, and each address it
 * comes back from is contained for the same incident; the team hears of
 * every account locked or come back through an "internal" report.
 */
#ifndef REDRESS_CONTAINMENT_WATCH_H
#define REDRESS_CONTAINMENT_WATCH_H

#include <stdint.h>

#include "addr.h"
#include "err.h"
#include "store.h"

struct config;
struct protect;
struct responder;

/* One account found coming back, and from where. */
struct cwatch_back {
	int64_t		 incident_id;
	char		 source[64];	/* the responder's name */
	char		 user[64];
	struct addr	 from;
	int		 has_from;	/* 0: processes, no remote address */
};

struct cwatch {
	struct cwatch_back	*v;
	size_t			 n, cap;
};

/*
 * Runs r's watch on the accounts the store holds locked by it (notes:
 * store_note_locked); what came back is added to w. 0 or -1.
 */
int	 cwatch_run(struct responder *r, struct store *, struct cwatch *w,
	    struct err *);
/*
 * In the caller's transaction: a pending "contain" decision for each
 * address of w not on our own side (guard) and not blocked already; a
 * note for one that is protected. 0 or -1.
 */
int	 cwatch_decide(const struct cwatch *w, struct protect *guard,
	    struct store *, int64_t now_usec, struct err *);
void	 cwatch_free(struct cwatch *);
/*
 * In the caller's transaction: a pending "report" decision to our own
 * team (recipient internal) for each incident of ids when
 * reports.team_address is set, unless one is pending already. 0 or -1.
 */
int	 cwatch_team_reports(const struct config *, struct store *,
	    const int64_t *ids, size_t n, struct err *);

#endif
