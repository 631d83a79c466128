/* SPDX-License-Identifier: MIT */
/*
 * The policy's private state, shared by its three files: policy.c
 * (feeding and deciding, closing on the event clock), policy_rules.c (the
 * rule lists worked out once, rule identity and tracking keys) and
 * policy_state.c (what a restart needs: saving and loading state).
 */
#ifndef REDRESS_POLICY_INT_H
#define REDRESS_POLICY_INT_H

#include <string.h>

#include "incident.h"
#include "policy.h"
#include "policy_conf.h"
#include "threshold.h"
#include "tracker.h"

#define STATE_VERSION	1
#define WIDEN_MAX	16
#define DOS_GUARD_ALERTS 100	/* DoS alerts that mark a flood target */

struct win_val {
	struct thr_state	st;
	uint8_t			listed;	/* on the changed list */
	uint8_t			saved;	/* its state may be in the store */
	uint32_t		rule_fp; /* rule_fp() of its rule, 0 unknown */
};

struct widen_val {
	int64_t		t0_usec;
	uint32_t	h[WIDEN_MAX];
	uint8_t		n;
	uint8_t		done;
	uint8_t		listed;
	uint8_t		saved;
};

/* Saved blobs keep their size: older ones (fp 0) load as before. */
_Static_assert(sizeof(struct win_val) == 32, "saved window size");
_Static_assert(sizeof(struct widen_val) == 80, "saved widening size");

/* A key whose state changed since the last checkpoint. */
struct changed {
	uint8_t		tag;	/* 'I' incident, 'W' window, 'P' prefix */
	uint8_t		len;
	uint8_t		key[TRACKER_KEY_MAX];
};

struct protect;

struct policy {
	const struct policy_conf *pc;
	struct store		*st;
	enum thr_engine		 eng;
	struct tracker		*inc;	/* 'S'/'D' + address -> inc_state */
	struct tracker		*win;	/* rule windows */
	struct tracker		*wide;	/* widening per prefix */
	struct protect		*guard;	/* never contained: our own side */
	uint64_t		 pending_bytes, pending_cap;
	int			 persist;
	char			*buf;
	size_t			 buflen;
	struct err		*cb_err;	/* flush callback errors */
	const struct policy_sink *cb_sink;
	int64_t			 cb_now;
	int			 cb_final;
	int			 cb_rc;
	uint8_t			 cb_pass;	/* 'S' sources, then 'D' */
	int64_t			 last_save;	/* wall clock */
	int			 evicting;	/* inc_evicted writes rows */
	int			 loading;	/* evictions delete no rows */
	struct err		 evict_err;
	int			 no_evidence;	/* nothing would read it */
	/*
	 * The event clock: the latest event time fed (clock), the wall
	 * time it stood for (clock_wall; 0 after events read since the
	 * last policy_clock_idle), and whether it moved since the last
	 * checkpoint saved it.
	 */
	int64_t			 clock, clock_wall;
	int			 clock_moved;
	int8_t			*rule_kind;	/* "kind NAME" rules: the kind */
	const char		**rule_ct;	/* "classtype NAME": the table's
						 * string, or NULL if unknown */
	/*
	 * Rules that need no window: a rate_filter of count 0 acts from the
	 * first alert and, when its timeout ends, again from the next one,
	 * so it applies to every alert whatever its window holds.
	 */
	uint8_t			*stateless;
	/* rule_fp() of each own and sensor rule: a saved window finds its
	 * rule again after a reload moved it in the file. */
	uint32_t		*rule_fp, *sensor_fp;
	/*
	 * Rule indices, worked out once in policy_new (these run for every
	 * alert): the suppress rules, and per incident kind the other rules
	 * that may select an alert of that kind, in file order.
	 */
	size_t			*supp, nsupp;
	size_t			*klist[INCIDENT_KIND_MAX];
	size_t			 nklist[INCIDENT_KIND_MAX];
	/* Keys of stored incidents changed since the last checkpoint. */
	uint8_t			(*dirty)[17];
	size_t			 ndirty, dirtycap;
	/* With save_changes: every key whose state changed since then. */
	int			 save_changes;
	struct changed		*changed;
	size_t			 nchanged, changedcap;
	uint64_t		 contains;	/* contain decisions made */
	/* Rows in the store's policy log (appended since the last fold). */
	uint64_t		 log_rows;
};

/* Does rule i select the alert (of that classtype, as that kind)? */
static inline int
policy_rule_selects(const struct policy *p, size_t i, const struct alert *a,
    const char *classtype, enum incident_kind kind)
{
	const struct thr_rule *r = &p->pc->rules.v[i];

	switch (r->sel) {
	case THR_SEL_SID:
		return thr_selects_sid(r, a->gid, a->sid);
	case THR_SEL_CLASSTYPE:
		/* A known classtype is the table's own string; an unknown
		 * category can only equal an unknown name. */
		if (p->rule_ct[i] != NULL)
			return p->rule_ct[i] == classtype;
		return strcmp(r->name, classtype) == 0;
	case THR_SEL_KIND:
		/* Parsed once in policy_new: this runs per alert and rule. */
		return p->rule_kind[i] == (int8_t)kind;
	}
	return 0;
}

/* policy.c */
int	policy_inc_write(struct policy *, struct inc_state *, int closing,
	    const struct policy_sink *, struct err *);
const char *policy_inc_state_name(const struct inc_state *, int closing);

/* policy_rules.c */
size_t	policy_track_key(const struct thr_rule *, char tag, size_t idx,
	    const struct alert *, uint8_t *key);
void	policy_rules_build(struct policy *);
int	policy_sensor_filter(struct policy *, const struct alert *);
void	policy_rules_free(struct policy *);
int	policy_rules_place(const struct policy *, uint8_t *key, size_t len,
	    uint32_t fp);

/* policy_state.c */
void	policy_list_changed(struct policy *, uint8_t tag, const void *key,
	    size_t len, uint8_t *listed);
void	policy_list_changed_inc(struct policy *, struct inc_state *,
	    const uint8_t *key);
int	policy_forget_saved(struct policy *, const void *key, size_t keylen,
	    struct inc_state *, struct err *);
void	policy_win_evicted(void *arg, const void *key, size_t keylen,
	    void *value);
void	policy_wide_evicted(void *arg, const void *key, size_t keylen,
	    void *value);
int	policy_state_save(struct policy *, int full, struct err *);
int	policy_state_load(struct policy *, struct err *);

#endif
