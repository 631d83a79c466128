/* SPDX-License-Identifier: MIT */
/*
 * The decision engine: turns normalized alerts into incidents and into
 * contain/report decisions (policy.c; rule lists in policy_rules.c, saved
 * state in policy_state.c). The run loop and `redress replay` feed it
 * inside their own store transaction, so decisions commit together with
 * the input bookmark that produced them.
 */
#ifndef REDRESS_POLICY_H
#define REDRESS_POLICY_H

#include <stdint.h>

#include "alert.h"
#include "config.h"
#include "err.h"
#include "store.h"
#include "store_policy.h"

struct policy;
struct whitelist;

struct policy_sink {
	void	(*incident)(void *arg, const struct incident_row *,
		    const char *json);
	void	(*decision)(void *arg, const struct decision_row *,
		    const char *json);
	void	*arg;
};

/*
 * Builds from cfg->policy (cfg may have no policy section: documented
 * defaults). Durable state goes to st (never NULL; replay uses ":memory:"
 * or --store). Reloads the state of open incidents and windows from st so
 * a restart does not reset a half-reached threshold.
 */
struct policy	*policy_new(const struct config *cfg, struct store *st,
		    struct err *);
void		 policy_free(struct policy *);
/*
 * One alert. Writes incident/evidence/decision rows into st inside the
 * caller's transaction and reports each new/updated incident and each
 * decision to sink (may be NULL). 0 or -1.
 */
int		 policy_feed(struct policy *, const struct alert *,
		    const struct policy_sink *, struct err *);
/*
 * Optional: an alert that policy_feed will get soon, so that the state
 * it needs is brought into the CPU cache meanwhile. Call with the alert
 * two ahead (stage 0), then with the one next (stage 1).
 */
void		 policy_prefetch(struct policy *, const struct alert *,
		    int stage);
/*
 * keep 0: store no evidence alerts (a replay into a throw-away in-memory
 * store, where nothing would read them). Default 1.
 */
void		 policy_keep_evidence(struct policy *, int keep);
/*
 * Writes the incidents alerts changed since the last call (counts, last
 * seen) inside the caller's transaction; called before each commit so
 * the stored counts match the committed bookmark. With
 * policy_save_changes on, also all the state those alerts changed
 * (incidents without a row yet, one-alert sources included, rule
 * windows, widening counts, the event clock), so that after a kill -9
 * the policy resumes exactly at the committed bookmark. 0 or -1.
 */
int		 policy_checkpoint(struct policy *, struct err *);
/* on 1: policy_checkpoint saves changed state too (the daemon). */
void		 policy_save_changes(struct policy *, int on);
/*
 * Event-time housekeeping: closes incidents idle longer than
 * incident_timeout at now_usec (the daemon passes policy_clock) and
 * emits decisions that depend on the whole incident. final=1 at the end
 * of a replay (close everything). An alert of a source idle that long
 * closes its incident itself, so when flush runs changes no incident.
 */
int		 policy_flush(struct policy *, int64_t now_usec, int final,
		    const struct policy_sink *, struct err *);
/*
 * The event clock: the latest event time fed (usec, 0 before the first
 * event), saved with the state. policy_clock_idle: all inputs are caught
 * up at wall time wall_usec; the clock goes on with wall time from the
 * last event read, never backwards.
 */
/* Contain decisions made so far (the daemon commits at once after one). */
uint64_t	 policy_contains(const struct policy *);
int64_t		 policy_clock(const struct policy *);
void		 policy_clock_idle(struct policy *, int64_t wall_usec);
/* The whitelist (with defaults) built from the config. Never NULL. */
const struct whitelist *policy_whitelist(const struct config *cfg);

/* Addition: tracker sizes and evictions (replay summary, bench). */
struct tracker_stats;
void	policy_stats(const struct policy *, struct tracker_stats *inc,
	    struct tracker_stats *win);

#endif
