/* SPDX-License-Identifier: MIT */
/*
 * The exact Snort 2.9 and Suricata threshold semantics on one tracker's
 * state (threshold.c): limit/threshold/both, rate_filter, suppress
 * matching, and the per-rule track keys. Time is event time in µs, so a
 * replay gives the same answers every time.
 */
#ifndef REDRESS_THRESHOLD_H
#define REDRESS_THRESHOLD_H

#include <stdint.h>

#include "addr.h"
#include "threshold_parse.h"

enum thr_engine {
	THR_ENGINE_SURICATA = 0,
	THR_ENGINE_SNORT,
};

/*
 * One tracker: window start and count; rate_filter: Snort, the action's
 * end (INT64_MAX = never reverts), Suricata, its start (tv_timeout, 0
 * none); backoff: t0_usec is the next count that alerts.
 */
struct thr_state {
	int64_t	t0_usec;
	int64_t	count;
	int64_t	until_usec;
};

const char	*thr_engine_name(enum thr_engine);
int		 thr_engine_parse(const char *, enum thr_engine *);

/*
 * threshold/event_filter: the event at now on a tracker (fresh = the
 * tracker did not exist; st is then initialized). Returns 1 if the event
 * passes (alerts), 0 if it is filtered.
 */
int	thr_filter(const struct thr_rule *, enum thr_engine,
	    struct thr_state *st, int fresh, int64_t now_usec);
/*
 * rate_filter: counts the event; returns 1 while new_action applies.
 * Snort: from the event that exceeds count until timeout seconds later
 * (0: never reverts), then a fresh window. Suricata (ThresholdCheckUpdate
 * TYPE_RATE): while secs(now) - secs(start) <= timeout, whole seconds;
 * the old window and count are kept after it (see threshold.c).
 */
int	thr_rate(const struct thr_rule *, enum thr_engine,
	    struct thr_state *st, int fresh, int64_t now_usec);
/*
 * detection_filter (Suricata ThresholdCheckUpdate TYPE_DETECTION): passes
 * the events past count within the window (the first event of a window
 * never). unique_on: count distinct ports; port_seen is the caller's slot
 * for (tracker, port), 0 when new; it records the window the port was
 * last counted in. NULL: every event counts.
 */
int	thr_detection(const struct thr_rule *, enum thr_engine,
	    struct thr_state *st, int fresh, int64_t now_usec,
	    int64_t *port_seen);
/* suppress: 1 if the event at src->dst is suppressed by r. */
int	thr_suppressed(const struct thr_rule *, const struct addr *src,
	    const struct addr *dst);
/* 1 if a sid/gid rule selects gid:sid (0 = any). */
int	thr_selects_sid(const struct thr_rule *, uint32_t gid, uint32_t sid);

#endif
