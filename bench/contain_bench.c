/* SPDX-License-Identifier: MIT */
/*
 * Containment bench: how long N distinct IPv4 addresses take to apply
 * with the first responder of a configuration, measured twice: the
 * backend's batch apply() alone, and the whole executor pass (pending
 * decisions read from the store, whitelist, cap, escalation, apply, block
 * rows and decision states written). The elements are counted back with
 * list() so a silent partial apply shows. Run it where the backend may
 * act (bench/contain.sh runs it inside a network namespace).
 * MODE apply: the backend alone; executor: the whole pass; both start
 * from an empty backend (bench/contain.sh makes a new namespace each).
 * Usage: contain_bench CONFIG N WORKDIR apply|executor
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "containment.h"
#include "log.h"
#include "responder.h"
#include "responders_conf.h"
#include "store.h"
#include "store_policy.h"
#include "xmalloc.h"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
nth_addr(size_t i, struct cidr *c)
{
	char buf[32];

	/* 11.0.0.0 upwards: public, never in the default whitelist. */
	snprintf(buf, sizeof(buf), "%zu.%zu.%zu.%zu", 11 + (i >> 24),
	    (i >> 16) & 255, (i >> 8) & 255, i & 255);
	cidr_parse(buf, c);
}

static int
count_cb(void *arg, const struct cidr *c, int64_t rem)
{
	(void)c;
	(void)rem;
	(*(size_t *)arg)++;
	return 0;
}

static size_t
held(struct responder *r)
{
	struct err e = { "", 0 };
	size_t n = 0;

	if (r->ops->list == NULL || r->ops->list(r, count_cb, &n, &e) < 0)
		return (size_t)-1;
	return n;
}

int
main(int argc, char **argv)
{
	struct config *cfg;
	struct diag d;
	struct responder *r;
	struct resp_block *v;
	struct containment *c;
	struct store *st;
	struct err e = { "", 0 };
	char db[512], line[512];
	size_t n, i;
	double t0, t_apply, t_exec;

	if (argc != 5 || (strcmp(argv[4], "apply") != 0 &&
	    strcmp(argv[4], "executor") != 0)) {
		fprintf(stderr, "usage: contain_bench CONFIG N WORKDIR "
		    "apply|executor\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	log_init(1, 0);
	log_set_level(LOG_LEVEL_WARNING);
	n = strtoul(argv[2], NULL, 10);
	diag_init(&d);
	if ((cfg = config_load(argv[1], &d)) == NULL) {
		for (i = 0; i < d.n; i++) {
			diag_format(&d, i, line, sizeof(line));
			fprintf(stderr, "%s\n", line);
		}
		return 1;
	}
	diag_clear(&d);
	if (cfg->responders == NULL || cfg->responders->n == 0) {
		fprintf(stderr, "contain_bench: no responder configured\n");
		return 1;
	}
	r = cfg->responders->v[0];
	v = xcalloc(n, sizeof(*v));
	for (i = 0; i < n; i++) {
		nth_addr(i, &v[i].net);
		v[i].duration_s = 3600;
	}

	if (strcmp(argv[4], "apply") == 0) {
		/* The backend alone: one batch. */
		if (r->ops->open(r, &e) < 0) {
			fprintf(stderr, "contain_bench: open: %s\n", e.msg);
			return 1;
		}
		t0 = now_s();
		if (r->ops->apply(r, v, n, &e) < 0) {
			fprintf(stderr, "contain_bench: apply: %s\n", e.msg);
			return 1;
		}
		t_apply = now_s() - t0;
		printf("%s apply n=%zu seconds=%.3f per_s=%.0f held=%zd\n",
		    r->ops->name, n, t_apply, (double)n / t_apply,
		    (ssize_t)held(r));
		r->ops->close(r);
		config_free(cfg);
		free(v);
		return 0;
	}

	/* 2. The executor: decisions in the store to blocks and rows. */
	snprintf(db, sizeof(db), "%s/contain_bench.db", argv[3]);
	remove(db);
	if (store_open(db, &st, &e) < 0 || store_begin(st, &e) < 0) {
		fprintf(stderr, "contain_bench: %s\n", e.msg);
		return 1;
	}
	for (i = 0; i < n; i++) {
		struct decision_row dr;

		memset(&dr, 0, sizeof(dr));
		dr.incident_id = (int64_t)i + 1;
		snprintf(dr.action, sizeof(dr.action), "%s",
		    DECISION_CONTAIN);
		cidr_format(&v[i].net, dr.target, sizeof(dr.target));
		dr.duration_s = 3600;
		snprintf(dr.state, sizeof(dr.state), "%s", DECISION_PENDING);
		dr.event_usec = dr.created_usec = store_now_usec();
		if (store_decision_insert(st, &dr, &e) < 0) {
			fprintf(stderr, "contain_bench: %s\n", e.msg);
			return 1;
		}
	}
	if (store_commit(st, &e) < 0)
		return 1;
	if ((c = containment_open(cfg, 0, stdout, 1, &e)) == NULL) {
		fprintf(stderr, "contain_bench: %s\n", e.msg);
		return 1;
	}
	t0 = now_s();
	if (containment_decisions(c, st, store_now_usec(), &e) < 0) {
		fprintf(stderr, "contain_bench: executor: %s\n", e.msg);
		return 1;
	}
	t_exec = now_s() - t0;
	printf("%s executor n=%zu seconds=%.3f per_s=%.0f applied=%llu "
	    "held=%zd\n", r->ops->name, n, t_exec, (double)n / t_exec,
	    (unsigned long long)containment_stats(c)->applied,
	    (ssize_t)held(r));
	containment_close(c);
	store_close(st);
	remove(db);
	config_free(cfg);
	free(v);
	return 0;
}
