/* SPDX-License-Identifier: MIT */
/*
 * The "responders:" section of redress.yaml (responders_conf.c): the
 * backends that carry out containment, each validated by its configure(),
 * and the executor's keys (rate cap, repeat-offender escalation, default
 * duration, reconcile interval). Either a plain list of backends or a
 * mapping with the keys and a "backends:" list.
 */
#ifndef REDRESS_RESPONDERS_CONF_H
#define REDRESS_RESPONDERS_CONF_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"

struct responder;

struct responders_conf {
	long long		 cap_per_minute;	/* new blocks a minute */
	long long		 repeat_factor;		/* bantime increment */
	int64_t			 max_duration;		/* s, escalation cap */
	int64_t			 default_duration;	/* s, decision says 0 */
	int64_t			 reconcile_interval;	/* s */
	int64_t			 expire_interval;	/* s, own timer pass */
	const struct conf_node	*backends;
	struct responder	**v;
	size_t			 n;
};

/* Defaults with no backend (no section, tests). Caller frees. */
struct responders_conf	*responders_conf_defaults(void);
void			 responders_conf_release(struct responders_conf *);
/*
 * Duration of the n-th block of one network (n = blocks before it):
 * base * factor^n, capped at max_duration (a longer base is kept).
 */
int64_t			 responders_escalate(const struct responders_conf *,
			    int64_t base_s, int n);

#endif
