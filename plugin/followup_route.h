/* SPDX-License-Identifier: MIT */
/*
 * Where a bounced report goes next (followup_route.c), and the helpers
 * the follow-up files share.
 */
#ifndef REDRESS_FOLLOWUP_ROUTE_H
#define REDRESS_FOLLOWUP_ROUTE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "store.h"

struct executor;
struct report_row;

/*
 * Every recipient of rr bounced: a new draft of the same incidents to
 * the next candidate (the source's cached registry contacts that have
 * not bounced, then abuse@ of the bounced domain and of the PTR name's
 * registrable domain, RFC 2142), rendered and waiting for review, never
 * approved here. Returns 0 with *new_id (0: no candidate, why says so;
 * else why names the candidate) or -1 with e.
 */
int	followup_reroute(struct executor *, struct store *,
	    const struct report_row *rr, int64_t now, int64_t *new_id,
	    char *why, size_t whylen, struct err *e);
/* Is addr one of the comma-separated list (case-insensitive)? */
int	followup_rcpt_has(const char *list, const char *addr);

#endif
