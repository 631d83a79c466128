/* SPDX-License-Identifier: MIT */
/*
 * Threshold semantics of Snort 2.9 (sfthd.c) and Suricata
 * (detect-engine-threshold.c), one tracker at a time, on event time.
 * The differences: Snort's window expires at now - t0 >= seconds,
 * Suricata's at now > t0 + seconds; Snort's `threshold` restarts the
 * window at the alert, Suricata's keeps t0; Snort's `both` with count 1
 * alerts only on the tracker's very first event; Suricata's rate_filter
 * timeout is whole seconds, inclusive, and keeps the old window and count
 * (ThresholdCheckUpdate, TYPE_RATE). `backoff` (Suricata 8) alerts at
 * count, count*M, count*M^2, ... on either engine (Snort has no backoff).
 */
#include <string.h>

#include "threshold.h"

const char *
thr_engine_name(enum thr_engine e)
{
	return e == THR_ENGINE_SNORT ? "snort" : "suricata";
}

int
thr_engine_parse(const char *s, enum thr_engine *e)
{
	if (strcmp(s, "suricata") == 0)
		*e = THR_ENGINE_SURICATA;
	else if (strcmp(s, "snort") == 0)
		*e = THR_ENGINE_SNORT;
	else
		return -1;
	return 0;
}

static int
expired(enum thr_engine eng, const struct thr_state *st, uint32_t seconds,
    int64_t now)
{
	int64_t w = (int64_t)seconds * 1000000;

	if (eng == THR_ENGINE_SNORT)
		return now - st->t0_usec >= w;
	return now > st->t0_usec + w;
}

static int
filter_snort(const struct thr_rule *r, struct thr_state *st, int fresh,
    int64_t now)
{
	int exp = 0;

	if (fresh) {
		st->t0_usec = now;
		st->count = 1;
	} else {
		st->count++;
		exp = expired(THR_ENGINE_SNORT, st, r->seconds, now);
	}
	switch (r->type) {
	case THR_TYPE_LIMIT:
		if (exp) {
			st->t0_usec = now;
			st->count = 1;
		}
		return st->count <= (int64_t)r->count;
	case THR_TYPE_THRESHOLD:
		if (exp) {
			st->t0_usec = now;
			st->count = 1;
		}
		if (st->count >= (int64_t)r->count) {
			st->count = 0;
			st->t0_usec = now;	/* window restarts */
			return 1;
		}
		return 0;
	case THR_TYPE_BOTH:
		if (exp) {
			st->t0_usec = now;
			st->count = 1;
			return 0;
		}
		return st->count == (int64_t)r->count;
	default:
		return 1;
	}
}

/*
 * backoff: the next count that alerts is kept in st->t0_usec (the type has
 * no window). Suricata's ThresholdSetup/ThresholdCheckUpdate: a new
 * tracker has count 1 and next = count; an event alerts when the count
 * reaches next, which then becomes next * multiplier (saturating at
 * UINT32_MAX, after which nothing alerts).
 */
static int
filter_backoff(const struct thr_rule *r, struct thr_state *st, int fresh)
{
	int64_t m = r->multiplier > 1 ? r->multiplier : 2;

	if (fresh) {
		st->count = 1;
		st->t0_usec = r->count;
	} else {
		if (st->count >= UINT32_MAX)
			return 0;
		st->count++;
	}
	if (st->count != st->t0_usec)
		return 0;
	st->t0_usec = st->t0_usec > UINT32_MAX / m ? UINT32_MAX :
	    st->t0_usec * m;
	return 1;
}

static int
filter_suricata(const struct thr_rule *r, struct thr_state *st, int fresh,
    int64_t now)
{
	if (fresh || expired(THR_ENGINE_SURICATA, st, r->seconds, now)) {
		st->t0_usec = now;
		st->count = 1;
		switch (r->type) {
		case THR_TYPE_LIMIT:
			return 1;
		case THR_TYPE_THRESHOLD:
			if (r->count <= 1) {
				st->count = 0;
				return 1;
			}
			return 0;
		case THR_TYPE_BOTH:
			return r->count == 1;
		default:
			return 1;
		}
	}
	st->count++;
	switch (r->type) {
	case THR_TYPE_LIMIT:
		return st->count <= (int64_t)r->count;
	case THR_TYPE_THRESHOLD:
		if (st->count >= (int64_t)r->count) {
			st->count = 0;	/* t0 kept */
			return 1;
		}
		return 0;
	case THR_TYPE_BOTH:
		return st->count == (int64_t)r->count;
	default:
		return 1;
	}
}

int
thr_filter(const struct thr_rule *r, enum thr_engine eng,
    struct thr_state *st, int fresh, int64_t now)
{
	if (fresh)
		st->until_usec = 0;
	if (r->type == THR_TYPE_BACKOFF)
		return filter_backoff(r, st, fresh);
	if (eng == THR_ENGINE_SNORT)
		return filter_snort(r, st, fresh, now);
	return filter_suricata(r, st, fresh, now);
}

/* Whole seconds of an event time, as SCTIME_SECS (floor). */
static int64_t
secs(int64_t usec)
{
	return usec >= 0 ? usec / 1000000 : -((-usec + 999999) / 1000000);
}

/*
 * Suricata's TYPE_RATE: st->until_usec holds tv_timeout, the event time
 * the new action started (0: none; an action started at time 0 is kept
 * as 1 µs, the same whole second). A new tracker starts at count 1 and
 * keeps the old action. While a timeout runs the new action applies as
 * long as secs(now) - secs(tv_timeout) <= timeout; the first event past
 * it ends the timeout with the old action and changes nothing else, so
 * with the window still open the next event re-triggers at once.
 * Otherwise: in the window (now <= t0 + seconds, inclusive) count++, and
 * count > count_limit starts the timeout; past the window t0 = now,
 * count = 1.
 */
static int
rate_suricata(const struct thr_rule *r, struct thr_state *st, int fresh,
    int64_t now)
{
	if (fresh) {
		st->t0_usec = now;
		st->count = 1;
		st->until_usec = 0;
		return 0;
	}
	if (st->until_usec != 0) {
		if (secs(now) - secs(st->until_usec) > (int64_t)r->timeout) {
			st->until_usec = 0;
			return 0;
		}
		return 1;
	}
	if (now <= st->t0_usec + (int64_t)r->seconds * 1000000) {
		st->count++;
		if (st->count > (int64_t)r->count) {
			st->until_usec = now != 0 ? now : 1;
			return 1;
		}
		return 0;
	}
	st->t0_usec = now;
	st->count = 1;
	return 0;
}

int
thr_rate(const struct thr_rule *r, enum thr_engine eng, struct thr_state *st,
    int fresh, int64_t now)
{
	/* count 0: every event (redress's own rules keep no window). */
	if (r->count == 0)
		return 1;
	if (eng == THR_ENGINE_SURICATA)
		return rate_suricata(r, st, fresh, now);
	if (fresh) {
		st->t0_usec = now;
		st->count = 0;
		st->until_usec = 0;
	}
	if (st->until_usec && (st->until_usec == INT64_MAX ||
	    now < st->until_usec))
		return 1;
	if (st->until_usec) {
		/* The new action reverted: a fresh window starts here. */
		st->until_usec = 0;
		st->t0_usec = now;
		st->count = 0;
	}
	if (!fresh && r->seconds &&
	    expired(eng, st, r->seconds, now)) {
		st->t0_usec = now;
		st->count = 0;
	}
	st->count++;
	if (st->count > (int64_t)r->count) {
		st->until_usec = r->timeout ?
		    now + (int64_t)r->timeout * 1000000 : INT64_MAX;
		return 1;
	}
	return 0;
}

int
thr_detection(const struct thr_rule *r, enum thr_engine eng,
    struct thr_state *st, int fresh, int64_t now, int64_t *port_seen)
{
	int newport;

	if (fresh || expired(eng, st, r->seconds, now)) {
		/* A new window: this event (its port) is its first. */
		st->t0_usec = now;
		st->count = 1;
		if (port_seen != NULL)
			*port_seen = now + 1;
		return 0;
	}
	newport = port_seen == NULL || *port_seen != st->t0_usec + 1;
	if (port_seen != NULL)
		*port_seen = st->t0_usec + 1;
	if (newport)
		st->count++;
	return st->count > (int64_t)r->count;
}

static int
in_list(const struct thr_rule *r, const struct addr *a)
{
	size_t i;

	for (i = 0; i < r->nips; i++)
		if (cidr_contains(&r->ips[i], a))
			return 1;
	return 0;
}

int
thr_suppressed(const struct thr_rule *r, const struct addr *src,
    const struct addr *dst)
{
	switch (r->track) {
	case THR_TRACK_NONE:
		return 1;
	case THR_TRACK_BY_SRC:
		return in_list(r, src);
	case THR_TRACK_BY_DST:
		return in_list(r, dst);
	case THR_TRACK_BY_EITHER:
		return in_list(r, src) || in_list(r, dst);
	default:
		return 0;
	}
}

int
thr_selects_sid(const struct thr_rule *r, uint32_t gid, uint32_t sid)
{
	if (r->sel != THR_SEL_SID)
		return 0;
	if (r->gid == 0)
		return 1;
	if (r->gid != gid)
		return 0;
	return r->sid == 0 || r->sid == sid;
}
