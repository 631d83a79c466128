/* SPDX-License-Identifier: MIT */
/*
 * The policy's rules as it uses them per alert: the lists worked out once
 * from the configured rules (suppress rules, the rules per incident kind,
 * parsed kinds and classtypes, rules that need no window), each rule's
 * identity apart from its place in the file, the tracking keys of rule
 * windows, and the sensor's own threshold.config applied to an alert.
 */
#include <stdlib.h>
#include <string.h>

#include "policy_int.h"
#include "xmalloc.h"

size_t
policy_track_key(const struct thr_rule *r, char tag, size_t idx,
    const struct alert *a, uint8_t *k)
{
	size_t n = 0;

	k[n++] = (uint8_t)tag;
	k[n++] = (uint8_t)(idx >> 8);
	k[n++] = (uint8_t)idx;
	switch (r->track) {
	case THR_TRACK_BY_SRC:
		memcpy(k + n, a->src.a, 16);
		n += 16;
		break;
	case THR_TRACK_BY_DST:
		memcpy(k + n, a->dst.a, 16);
		n += 16;
		break;
	case THR_TRACK_BY_BOTH:
		/* Address pair, direction-insensitive. */
		if (memcmp(a->src.a, a->dst.a, 16) <= 0) {
			memcpy(k + n, a->src.a, 16);
			memcpy(k + n + 16, a->dst.a, 16);
		} else {
			memcpy(k + n, a->dst.a, 16);
			memcpy(k + n + 16, a->src.a, 16);
		}
		n += 32;
		break;
	case THR_TRACK_BY_FLOW:
		memcpy(k + n, &a->flow_id, sizeof(a->flow_id));
		n += sizeof(a->flow_id);
		break;
	default:
		break;
	}
	return n;
}

/*
 * Points a saved window's key (tag, rule index, tracked addresses) at
 * the rule it was counted for: the rule at the same index when it is the
 * same rule, else the first rule equal to it. 0 when there is none.
 */
int
policy_rules_place(const struct policy *p, uint8_t *key, size_t len,
    uint32_t fp)
{
	const uint32_t *fps;
	size_t n, idx, j;

	if (len < 3 || (key[0] != 'W' && key[0] != 'X'))
		return 0;
	fps = key[0] == 'X' ? p->sensor_fp : p->rule_fp;
	n = key[0] == 'X' ? p->pc->sensor_rules.n : p->pc->rules.n;
	idx = (size_t)key[1] << 8 | key[2];
	if (idx < n && fps[idx] == fp)
		return 1;
	for (j = 0; j < n; j++)
		if (fps[j] == fp) {
			key[1] = (uint8_t)(j >> 8);
			key[2] = (uint8_t)j;
			return 1;
		}
	return 0;
}

/* ------------------------------------------------------------ lifetime */

/* A rule's identity apart from its place in the file; never 0. */
static uint32_t
rule_fp(const struct thr_rule *r)
{
	uint32_t h = 2166136261u;
	const char *c;
	size_t i, b;

#define FP_MIX(v)	(h = (h ^ (uint32_t)(v)) * 16777619u)
	FP_MIX(r->dir);
	FP_MIX(r->sel);
	FP_MIX(r->gid);
	FP_MIX(r->sid);
	FP_MIX(r->type);
	FP_MIX(r->track);
	FP_MIX(r->count);
	FP_MIX(r->seconds);
	FP_MIX(r->new_action);
	FP_MIX(r->timeout);
	if (r->type == THR_TYPE_BACKOFF)
		FP_MIX(r->multiplier);
	for (c = r->name; *c; c++)
		FP_MIX((unsigned char)*c);
	for (i = 0; i < r->nips; i++) {
		FP_MIX(r->ips[i].net.family);
		FP_MIX(r->ips[i].len);
		for (b = 0; b < 16; b++)
			FP_MIX(r->ips[i].net.a[b]);
	}
#undef FP_MIX
	return h | 1;
}

/*
 * The sensor's own threshold.config, when configured: suppress, then the
 * first local gid:sid filter, else a global one (Snort's precedence).
 * Returns 1 when the alert passes.
 */
int
policy_sensor_filter(struct policy *p, const struct alert *a)
{
	const struct thr_set *s = &p->pc->sensor_rules;
	const struct thr_rule *r, *local = NULL, *global = NULL;
	struct win_val *w;
	uint8_t key[TRACKER_KEY_MAX];
	size_t i, li = 0, gi = 0, n;
	int fresh;

	for (i = 0; i < s->n; i++) {
		r = &s->v[i];
		if (r->sel != THR_SEL_SID ||
		    !thr_selects_sid(r, a->gid, a->sid))
			continue;
		if (r->dir == THR_SUPPRESS) {
			if (thr_suppressed(r, &a->src, &a->dst))
				return 0;
			continue;
		}
		if (r->dir != THR_THRESHOLD && r->dir != THR_EVENT_FILTER)
			continue;
		if (r->gid != 0 && r->sid != 0) {
			if (local == NULL) {
				local = r;
				li = i;
			}
		} else if (global == NULL) {
			global = r;
			gi = i;
		}
	}
	if (local == NULL) {
		local = global;
		li = gi;
	}
	if (local != NULL) {
		n = policy_track_key(local, 'X', li, a, key);
		w = tracker_get(p->win, key, n, &fresh);
		if (fresh)
			w->rule_fp = p->sensor_fp[li];
		policy_list_changed(p, 'W', key, n, &w->listed);
		if (!thr_filter(local, p->eng, &w->st, fresh, a->ts_usec))
			return 0;
	}
	/* The first applicable rate_filter; new_action pass drops the
	 * alert (the sensor would not have logged it). */
	for (i = 0; i < s->n; i++) {
		r = &s->v[i];
		if (r->dir != THR_RATE_FILTER || r->sel != THR_SEL_SID ||
		    !thr_selects_sid(r, a->gid, a->sid))
			continue;
		n = policy_track_key(r, 'X', i, a, key);
		w = tracker_get(p->win, key, n, &fresh);
		if (fresh)
			w->rule_fp = p->sensor_fp[i];
		policy_list_changed(p, 'W', key, n, &w->listed);
		if (thr_rate(r, p->eng, &w->st, fresh, a->ts_usec) &&
		    r->new_action == THR_ACT_PASS)
			return 0;
		break;
	}
	return 1;
}

/* What policy_new works out once from the rules (see struct policy). */
void
policy_rules_build(struct policy *p)
{
	const struct thr_set *rs = &p->pc->rules;
	const struct thr_rule *r;
	enum incident_kind k;
	const char *ct;
	size_t i, n = rs->n + 1;
	int kk;

	p->rule_kind = xcalloc(n, sizeof(*p->rule_kind));
	p->rule_ct = xcalloc(n, sizeof(*p->rule_ct));
	p->stateless = xcalloc(n, sizeof(*p->stateless));
	p->rule_fp = xcalloc(n, sizeof(*p->rule_fp));
	p->sensor_fp = xcalloc(p->pc->sensor_rules.n + 1,
	    sizeof(*p->sensor_fp));
	for (i = 0; i < p->pc->sensor_rules.n; i++)
		p->sensor_fp[i] = rule_fp(&p->pc->sensor_rules.v[i]);
	p->supp = xcalloc(n, sizeof(*p->supp));
	for (kk = 0; kk < INCIDENT_KIND_MAX; kk++)
		p->klist[kk] = xcalloc(n, sizeof(*p->klist[kk]));
	for (i = 0; i < rs->n; i++) {
		r = &rs->v[i];
		p->rule_kind[i] = -1;	/* an unknown kind selects nothing */
		if (r->sel == THR_SEL_KIND &&
		    incident_kind_parse(r->name, &k) == 0)
			p->rule_kind[i] = (int8_t)k;
		if (r->sel == THR_SEL_CLASSTYPE &&
		    (ct = incident_classtype(r->name)) != r->name)
			p->rule_ct[i] = ct;
		p->stateless[i] = r->dir == THR_RATE_FILTER && r->count == 0;
		p->rule_fp[i] = rule_fp(r);
		if (r->dir == THR_SUPPRESS) {
			p->supp[p->nsupp++] = i;
			continue;
		}
		for (kk = 0; kk < INCIDENT_KIND_MAX; kk++)
			if (r->sel != THR_SEL_KIND || p->rule_kind[i] == kk)
				p->klist[kk][p->nklist[kk]++] = i;
	}
}

void
policy_rules_free(struct policy *p)
{
	int k;

	free(p->rule_kind);
	free(p->rule_ct);
	free(p->stateless);
	free(p->rule_fp);
	free(p->sensor_fp);
	free(p->supp);
	for (k = 0; k < INCIDENT_KIND_MAX; k++)
		free(p->klist[k]);
}
