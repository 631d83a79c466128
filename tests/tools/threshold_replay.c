/* SPDX-License-Identifier: MIT */
/*
 * Test helper: applies a sensor threshold.config to a sequence of events
 * the way the engine does (suppress, first local else global
 * threshold/event_filter, first matching rate_filter) and prints how many
 * alerts (blocked/allowed) and drops result. Used to reproduce the
 * suricata-verify threshold cases from their pcaps; a `detection_filter`
 * line stands for the rule option of the same name (unique_on counts
 * distinct ports).
 *
 * usage: threshold_replay [-e snort|suricata] [-v suricata.yaml] FILE ACTION
 *            GID SID < events
 * events: one per line, "SECONDS.USEC SRC SPORT DST DPORT". -v: address
 * variables ($HOME_NET ...) from the yaml's vars.address-groups. The
 * engine is the policy engine's threshold.c, so both apply the same
 * rate_filter timeout and backoff.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "threshold.h"
#include "threshold_parse.h"
#include "tracker.h"

static size_t
key_of(const struct thr_rule *r, size_t idx, const struct addr *s,
    unsigned sp, const struct addr *d, unsigned dp, unsigned char *k)
{
	size_t n = 0;
	const struct addr *lo = s, *hi = d;
	unsigned lp = sp, hp = dp;

	k[n++] = (unsigned char)idx;
	if (memcmp(s->a, d->a, 16) > 0 || (memcmp(s->a, d->a, 16) == 0 &&
	    sp > dp)) {
		lo = d;
		hi = s;
		lp = dp;
		hp = sp;
	}
	switch (r->track) {
	case THR_TRACK_BY_SRC:
		memcpy(k + n, s->a, 16);
		n += 16;
		break;
	case THR_TRACK_BY_DST:
		memcpy(k + n, d->a, 16);
		n += 16;
		break;
	case THR_TRACK_BY_BOTH:
		memcpy(k + n, lo->a, 16);
		memcpy(k + n + 16, hi->a, 16);
		n += 32;
		break;
	case THR_TRACK_BY_FLOW:
		memcpy(k + n, lo->a + 12, 4);
		memcpy(k + n + 4, hi->a + 12, 4);
		k[n + 8] = (unsigned char)(lp >> 8);
		k[n + 9] = (unsigned char)lp;
		k[n + 10] = (unsigned char)(hp >> 8);
		k[n + 11] = (unsigned char)hp;
		n += 12;
		break;
	default:
		break;
	}
	return n;
}

int
main(int argc, char **argv)
{
	struct thr_set set = { 0 };
	struct thr_vars vars = { 0 };
	struct diag d;
	struct tracker *t;
	enum thr_engine eng = THR_ENGINE_SURICATA;
	enum thr_action act;
	const struct thr_rule *r, *filter, *rate, *det;
	struct thr_state *st;
	struct addr src, dst;
	unsigned char key[TRACKER_KEY_MAX];
	char line[512], s1[64], s2[64], msg[600];
	unsigned long gid, sid, alerts = 0, blocked = 0, allowed = 0,
	    drops = 0;
	unsigned sp, dp;
	double ts;
	size_t i, fi = 0, ri = 0, di = 0, n;
	int ch, fresh, pass, suppressed, errors;

	diag_init(&d);
	while ((ch = getopt(argc, argv, "e:v:")) != -1) {
		if (ch == 'v' && thr_vars_load(optarg, &vars, &d) == 0)
			continue;
		if (ch != 'e' || thr_engine_parse(optarg, &eng) < 0) {
			fprintf(stderr, "usage: threshold_replay [-e snort|"
			    "suricata] [-v suricata.yaml] FILE alert|drop GID "
			    "SID < events\n");
			return 2;
		}
	}
	if (argc - optind != 4)
		return 2;
	set.vars = &vars;
	set.allow_detection = 1;
	errors = thr_parse_file(argv[optind], &set, &d);
	for (i = 0; i < d.n; i++) {
		diag_format(&d, i, msg, sizeof(msg));
		fprintf(stderr, "%s\n", msg);
	}
	act = strcmp(argv[optind + 1], "drop") == 0 ? THR_ACT_DROP :
	    THR_ACT_ALERT;
	gid = strtoul(argv[optind + 2], NULL, 10);
	sid = strtoul(argv[optind + 3], NULL, 10);
	t = tracker_new(sizeof(struct thr_state), 1 << 20, NULL, NULL);
	filter = rate = det = NULL;
	for (i = 0; i < set.n; i++) {
		r = &set.v[i];
		if (!thr_selects_sid(r, (uint32_t)gid, (uint32_t)sid))
			continue;
		if ((r->dir == THR_THRESHOLD || r->dir == THR_EVENT_FILTER) &&
		    (filter == NULL || (filter->sid == 0 && r->sid != 0))) {
			filter = r;
			fi = i;
		}
		if (r->dir == THR_DETECTION_FILTER && det == NULL) {
			det = r;
			di = i;
		}
		if (r->dir == THR_RATE_FILTER && rate == NULL) {
			rate = r;
			ri = i;
		}
	}
	while (fgets(line, sizeof(line), stdin)) {
		int64_t now;

		if (sscanf(line, "%lf %63s %u %63s %u", &ts, s1, &sp, s2,
		    &dp) != 5 || addr_parse(s1, &src) < 0 ||
		    addr_parse(s2, &dst) < 0) {
			fprintf(stderr, "bad event line: %s", line);
			return 1;
		}
		now = (int64_t)(ts * 1e6 + 0.5);
		suppressed = 0;
		for (i = 0; i < set.n; i++) {
			r = &set.v[i];
			if (r->dir == THR_SUPPRESS &&
			    thr_selects_sid(r, (uint32_t)gid, (uint32_t)sid) &&
			    thr_suppressed(r, &src, &dst))
				suppressed = 1;
		}
		pass = 1;
		if (filter) {
			n = key_of(filter, fi, &src, sp, &dst, dp, key);
			st = tracker_get(t, key, n, &fresh);
			pass = thr_filter(filter, eng, st, fresh, now);
		}
		if (det) {
			unsigned char pk[TRACKER_KEY_MAX];
			int64_t seen = 0;
			size_t pn = 0;

			n = key_of(det, di + 64, &src, sp, &dst, dp, key);
			if (det->unique_on != THR_UNIQUE_NONE) {
				unsigned port = det->unique_on ==
				    THR_UNIQUE_SRC_PORT ? sp : dp;

				/* The (tracker, port) slot: when counted. */
				memcpy(pk, key, n);
				pk[0] ^= 0x80;
				pk[n] = (unsigned char)(port >> 8);
				pk[n + 1] = (unsigned char)port;
				pn = n + 2;
				st = tracker_get(t, pk, pn, &fresh);
				seen = fresh ? 0 : st->t0_usec;
			}
			st = tracker_get(t, key, n, &fresh);
			if (!thr_detection(det, eng, st, fresh, now, pn ? &seen :
			    NULL))
				pass = 0;
			if (pn) {
				/* Looked up again: the table may have moved. */
				st = tracker_get(t, pk, pn, &fresh);
				memset(st, 0, sizeof(*st));
				st->t0_usec = seen;
			}
		}
		ch = act;
		if (rate) {
			n = key_of(rate, ri + 128, &src, sp, &dst, dp, key);
			st = tracker_get(t, key, n, &fresh);
			if (thr_rate(rate, eng, st, fresh, now))
				ch = rate->new_action;
		}
		if (ch == THR_ACT_PASS)
			continue;
		if (ch == THR_ACT_DROP || ch == THR_ACT_REJECT ||
		    ch == THR_ACT_SDROP)
			drops++;
		if (suppressed || !pass)
			continue;
		alerts++;
		if (ch == THR_ACT_DROP || ch == THR_ACT_REJECT)
			blocked++;
		else
			allowed++;
	}
	printf("rules %zu errors %d alerts %lu blocked %lu allowed %lu "
	    "drops %lu\n", set.n, errors, alerts, blocked, allowed, drops);
	tracker_free(t);
	thr_set_free(&set);
	thr_vars_free(&vars);
	diag_clear(&d);
	return 0;
}
