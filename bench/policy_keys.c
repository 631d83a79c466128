/* SPDX-License-Identifier: MIT */
/*
 * Bench helper: feeds N synthetic one-off sources (a spoofed flood) plus
 * one heavy hitter to the policy with the default configuration and an
 * in-memory store, then prints the state per tracked key, the entries
 * kept, the evictions, and whether the heavy hitter's count stayed exact.
 *
 * usage: policy_keys N [MEMCAP]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "policy.h"
#include "store.h"
#include "tracker.h"

struct heavy {
	int64_t	alerts;
};

static int
find_heavy(void *arg, const struct incident_row *r)
{
	struct heavy *h = arg;

	if (strcmp(r->src, "203.0.113.77") == 0)
		h->alerts = r->alerts;
	return 0;
}

int
main(int argc, char **argv)
{
	struct diag d;
	struct config *cfg;
	struct store *st;
	struct policy *pol;
	struct err e = { "", 0 };
	struct alert a;
	struct tracker_stats inc, win;
	struct heavy h = { 0 };
	struct timespec t0, t1;
	char yaml[128];
	unsigned long long n, i, heavy = 0;
	double s;

	if (argc < 2)
		return 2;
	n = strtoull(argv[1], NULL, 10);
	snprintf(yaml, sizeof(yaml), "policy:\n  memcap: %s\n",
	    argc > 2 ? argv[2] : "256M");
	diag_init(&d);
	if ((cfg = config_parse("bench", yaml, strlen(yaml), &d)) == NULL)
		return 1;
	if (store_open(":memory:", &st, &e) < 0 ||
	    (pol = policy_new(cfg, st, &e)) == NULL) {
		fprintf(stderr, "%s\n", e.msg);
		return 1;
	}
	memset(&a, 0, sizeof(a));
	a.gid = 1;
	a.proto = 17;
	a.dport = 53;
	snprintf(a.category, sizeof(a.category), "Misc activity");
	addr_parse("10.0.0.9", &a.dst);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	store_begin(st, &e);
	for (i = 0; i < n; i++) {
		a.ts_usec = 1715670000LL * 1000000 + (int64_t)i;
		if (i % 100 == 0) {
			addr_parse("203.0.113.77", &a.src);
			a.sid = 1500;
			heavy++;
		} else {
			uint32_t x = (uint32_t)(i * 2654435761u);

			memset(&a.src, 0, sizeof(a.src));
			a.src.family = AF_INET;
			a.src.a[10] = a.src.a[11] = 0xff;
			a.src.a[12] = (uint8_t)(1 + (x >> 24) % 223);
			a.src.a[13] = (uint8_t)(x >> 16);
			a.src.a[14] = (uint8_t)(x >> 8);
			a.src.a[15] = (uint8_t)x;
			a.sid = 1501;
		}
		if (policy_feed(pol, &a, NULL, &e) < 0) {
			fprintf(stderr, "%s\n", e.msg);
			return 1;
		}
		if (i % 100000 == 99999) {
			store_commit(st, &e);
			store_begin(st, &e);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	policy_stats(pol, &inc, &win);
	policy_flush(pol, 0, 1, NULL, &e);
	store_commit(st, &e);
	store_incident_list(st, 0, 0, find_heavy, &h, &e);
	s = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("keys fed %llu: %.0f alerts/s; incident state %llu bytes/key "
	    "(%llu kept of max %llu, %llu evicted, %.1f MB); window state "
	    "%llu bytes/key (%llu kept, %llu evicted, %.1f MB); heavy hitter "
	    "%lld of %llu alerts (%s)\n", n, n / s,
	    (unsigned long long)inc.entry_bytes,
	    (unsigned long long)inc.entries,
	    (unsigned long long)inc.max_entries,
	    (unsigned long long)inc.evictions, inc.bytes / 1048576.0,
	    (unsigned long long)win.entry_bytes,
	    (unsigned long long)win.entries,
	    (unsigned long long)win.evictions, win.bytes / 1048576.0,
	    (long long)h.alerts, heavy,
	    h.alerts == (int64_t)heavy ? "exact" : "NOT exact");
	policy_free(pol);
	store_close(st);
	config_free(cfg);
	diag_clear(&d);
	return h.alerts == (int64_t)heavy ? 0 : 1;
}
