/* SPDX-License-Identifier: MIT */
/*
 * `redress replay FILE...`: read unified2, EVE or Snort 3 JSON files once
 * (format detected from content), print normalized alerts, incidents and
 * decisions as JSON lines on stdout; counts, errors and a progress bar on
 * stderr. Nothing is contained or mailed: replay only shows decisions.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli_fmt.h"
#include "cmd.h"
#include "input.h"
#include "input_ahead.h"
#include "log.h"
#include "policy.h"
#include "store.h"
#include "store_policy.h"
#include "xmalloc.h"

#define REPLAY_BATCH	5000
#define REPLAY_TABLE	40	/* incidents listed in the summary table */

struct replay {
	int		 alerts_out;	/* print alerts */
	int		 tty;		/* stderr is a terminal */
	int		 ahead;		/* parse on a second thread */
	uint64_t	 incidents, decisions, contain, report;
	struct store	*st;
	char		*buf;
	size_t		 buflen;
	/* summary table: the last state of the first incidents */
	struct replay_inc {
		int64_t	id;
		char	line[200];
	}		 inc[REPLAY_TABLE];
	size_t		 ninc;
	/* ids of the incidents seen, to count them (open addressing) */
	int64_t		*ids;
	size_t		 nids, capids;
};

/* Adds id (> 0) to the set; 1 if it was not there. */
static int
replay_id_add(struct replay *r, int64_t id)
{
	size_t i, k, mask;
	int64_t *old;

	if (id <= 0)
		return 0;
	if (2 * (r->nids + 1) > r->capids) {
		old = r->ids;
		k = r->capids;
		r->capids = k ? 2 * k : 1024;
		r->ids = xcalloc(r->capids, sizeof(*r->ids));
		r->nids = 0;
		for (i = 0; i < k; i++)
			if (old[i])
				replay_id_add(r, old[i]);
		free(old);
	}
	mask = r->capids - 1;
	for (i = (size_t)((uint64_t)id * 0x9e3779b97f4a7c15ULL >> 20) & mask;
	    r->ids[i]; i = (i + 1) & mask)
		if (r->ids[i] == id)
			return 0;
	r->ids[i] = id;
	r->nids++;
	return 1;
}

static void
replay_incident(void *arg, const struct incident_row *ir, const char *json)
{
	struct replay *r = arg;
	size_t i;

	fputs(json, stdout);
	fputc('\n', stdout);
	if (replay_id_add(r, ir->id)) {
		r->incidents++;
		if (r->ninc < REPLAY_TABLE)
			r->inc[r->ninc++].id = ir->id;
	}
	for (i = 0; i < r->ninc; i++)
		if (r->inc[i].id == ir->id)
			break;
	if (i == r->ninc)
		return;
	snprintf(r->inc[i].line, sizeof(r->inc[i].line),
	    "%6lld  %-11s  %-39s  %8lld  %s", (long long)ir->id,
	    incident_kind_name(ir->kind), ir->src[0] ? ir->src : ir->dst,
	    (long long)ir->alerts, ir->state);
}

static void
replay_decision(void *arg, const struct decision_row *dr, const char *json)
{
	struct replay *r = arg;

	fputs(json, stdout);
	fputc('\n', stdout);
	r->decisions++;
	if (strcmp(dr->action, DECISION_CONTAIN) == 0)
		r->contain++;
	else
		r->report++;
}

static void
progress(const char *path, uint64_t done, uint64_t total, uint64_t alerts)
{
	int pct = total ? (int)(done * 100 / total) : 100, i;
	char bar[31];

	for (i = 0; i < 30; i++)
		bar[i] = i < pct * 30 / 100 ? '#' : '.';
	bar[30] = '\0';
	fprintf(stderr, "\r%-30.30s [%s] %3d%% %llu alerts", path, bar, pct,
	    (unsigned long long)alerts);
}

static double
now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * The next result of in as input_ops.next gives it (1, 0, -1 or -2, with
 * e), read ahead on the other thread when ah is set. *al is buf or the
 * read-ahead copy; *bytes the input bytes consumed so far.
 */
static int
replay_next(struct input *in, struct ahead *ah, struct alert *buf,
    const struct alert **al, uint64_t *bytes, struct err *e)
{
	const struct ahead_item *it;
	int rc;

	if (ah == NULL) {
		rc = in->ops->next(in, buf, e);
		*al = buf;
		*bytes = in->stats.bytes;
		return rc;
	}
	if (ahead_next(ah, &it, e) == 0)
		return e->set ? -2 : 0;
	*bytes = it->bytes;
	if (it->rc < 0)
		return err_set(e, "%s", it->msg);
	*al = &it->al;
	return 1;
}

/* Reads one file to its end. Returns 0, or -1 when it could not be read. */
static int
replay_file(struct replay *r, const char *path, struct policy *pol,
    const struct policy_sink *sink, uint64_t *alerts_total, uint64_t *bad)
{
	const struct input_ops *ops;
	struct input *in;
	struct ahead *ah = NULL;
	struct alert buf;
	const struct alert *al = NULL;
	struct err e = { 0 };
	struct stat sb;
	uint64_t total = 0, batch = 0, bytes = 0;
	double last = 0;
	char c1[40], c2[40];
	int rc;

	ops = input_detect(path, &e);
	if (ops == NULL) {
		cli_error("%s", e.msg);
		return -1;
	}
	if (stat(path, &sb) == 0)
		total = (uint64_t)sb.st_size;
	in = input_new(ops, path, 0);
	if (ops->configure) {
		struct diag d;

		diag_init(&d);
		ops->configure(in, NULL, &d);
		diag_clear(&d);
	}
	if (ops->open(in, &e) < 0) {
		cli_error("%s", e.msg);
		input_free(in);
		return -1;
	}
	if (pol && store_begin(r->st, &e) < 0)
		goto fail;
	/* Parsing on a second thread pays when this one has work too. */
	if ((pol || r->alerts_out) && r->ahead &&
	    (ah = ahead_start(in, 0, &e)) == NULL)
		goto fail;
	for (;;) {
		err_clear(&e);
		rc = replay_next(in, ah, &buf, &al, &bytes, &e);
		if (rc == 0)
			break;
		if (rc == -2) {
			cli_error("%s", e.msg);
			break;
		}
		if (rc < 0) {
			(*bad)++;
			if (r->tty)
				fputc('\n', stderr);
			cli_error("%s", e.msg);
			continue;
		}
		(*alerts_total)++;
		if (r->alerts_out) {
			size_t n = alert_json(al, r->buf, r->buflen);

			if (n >= r->buflen) {
				r->buflen = n + 1024;
				r->buf = xreallocarray(r->buf, r->buflen, 1);
				alert_json(al, r->buf, r->buflen);
			}
			r->buf[n] = '\n';
			fwrite(r->buf, 1, n + 1, stdout);
		}
		if (pol) {
			const struct alert *next;

			/* A pipeline: the alert three ahead comes from the
			 * reader's CPU, two ahead its incident's bucket, the
			 * next one its incident. */
			if (ah) {
				ahead_prefetch(ah, 3);
				if ((next = ahead_peek(ah, 2)) != NULL)
					policy_prefetch(pol, next, 0);
				if ((next = ahead_peek(ah, 1)) != NULL)
					policy_prefetch(pol, next, 1);
			}
			if (policy_feed(pol, al, sink, &e) < 0) {
				cli_error("%s: offset %llu: %s", path,
				    (unsigned long long)al->offset, e.msg);
				err_clear(&e);
			}
			if (++batch == REPLAY_BATCH) {
				batch = 0;
				if (store_commit(r->st, &e) < 0 ||
				    store_begin(r->st, &e) < 0)
					goto fail;
			}
		}
		if (r->tty && ((*alerts_total) & 1023) == 0 &&
		    now_sec() - last > 0.2) {
			last = now_sec();
			progress(path, bytes, total, *alerts_total);
		}
	}
	ahead_stop(ah);
	ah = NULL;
	if (pol && store_commit(r->st, &e) < 0)
		goto fail;
	if (r->tty) {
		progress(path, total, total, *alerts_total);
		fputc('\n', stderr);
	}
	fprintf(stderr, "replay: %s: %s, %s, %s, %llu bad, %llu over "
	    "max_line\n", path, ops->name,
	    cli_fmt_count((long long)in->stats.events, "event", "events", c1,
	    sizeof(c1)), cli_fmt_count((long long)in->stats.alerts, "alert",
	    "alerts", c2, sizeof(c2)),
	    (unsigned long long)in->stats.bad,
	    (unsigned long long)in->stats.too_long);
	ops->close(in);
	input_free(in);
	return 0;
fail:
	ahead_stop(ah);
	cli_error("%s", e.msg);
	if (pol)
		store_rollback(r->st);
	ops->close(in);
	input_free(in);
	return -1;
}

int
cmd_replay(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "store", required_argument, NULL, 's' },
		{ "no-policy", no_argument, NULL, 'n' },
		{ "no-alerts", no_argument, NULL, 'a' },
		{ "single-thread", no_argument, NULL, '1' },
		{ NULL, 0, NULL, 0 },
	};
	struct replay r = { .alerts_out = 1 };
	struct policy_sink sink = { replay_incident, replay_decision, &r };
	struct policy *pol = NULL;
	const char *store_path = ":memory:";
	struct err e = { 0 };
	uint64_t alerts = 0, bad = 0;
	int ch, i, use_policy = 1, failed = 0, single = 0;
	static char obuf[1 << 16];

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			store_path = optarg;
			break;
		case 'n':
			use_policy = 0;
			break;
		case 'a':
			r.alerts_out = 0;
			break;
		case '1':
			single = 1;
			break;
		default:
			return 2;
		}
	}
	if (optind >= argc) {
		cli_error("usage: redress replay [--store DB] [--no-policy] "
		    "[--no-alerts] [--single-thread] FILE...");
		return 2;
	}
	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	r.tty = isatty(STDERR_FILENO);
	r.ahead = !single && ahead_useful();
	r.buflen = 1 << 16;
	r.buf = xmalloc(r.buflen);
	if (use_policy) {
		/* The configuration is optional for replay: without -c and
		 * without the default file, documented defaults apply. */
		if (cli->config_given || access(cli->config_path, R_OK) == 0) {
			if (cli_load_config(cli) < 0)
				return 1;
		} else {
			struct diag d;

			diag_init(&d);
			cli->cfg = config_parse("(defaults)", "", 0, &d);
			diag_clear(&d);
			if (cli->cfg == NULL)
				return 1;
		}
		if (store_open(store_path, &r.st, &e) < 0 ||
		    (pol = policy_new(cli->cfg, r.st, &e)) == NULL) {
			cli_error("%s", e.msg);
			store_close(r.st);
			free(r.buf);
			return 1;
		}
		/* Without --store the store is thrown away at exit: the
		 * evidence alerts would be written for nobody. */
		if (strcmp(store_path, ":memory:") == 0)
			policy_keep_evidence(pol, 0);
	}
	for (i = optind; i < argc; i++)
		if (replay_file(&r, argv[i], pol, &sink, &alerts, &bad) < 0)
			failed++;
	if (pol) {
		int64_t now = store_now_usec();

		err_clear(&e);
		if (store_begin(r.st, &e) < 0 ||
		    policy_flush(pol, now, 1, &sink, &e) < 0 ||
		    store_commit(r.st, &e) < 0) {
			cli_error("%s", e.msg);
			failed++;
		}
	}
	fflush(stdout);
	if (pol) {
		char c1[40], c2[40], c3[40];

		fprintf(stderr, "replay: %s, %llu bad, %s, %s (%llu contain, "
		    "%llu report)\n", cli_fmt_count((long long)alerts, "alert",
		    "alerts", c1, sizeof(c1)), (unsigned long long)bad,
		    cli_fmt_count((long long)r.incidents, "incident",
		    "incidents", c2, sizeof(c2)),
		    cli_fmt_count((long long)r.decisions, "decision",
		    "decisions", c3, sizeof(c3)),
		    (unsigned long long)r.contain,
		    (unsigned long long)r.report);
		if (r.tty && r.ninc) {
			size_t k;

			fprintf(stderr, "\n%6s  %-11s  %-39s  %8s  %s\n", "id",
			    "kind", "source", "alerts", "state");
			for (k = 0; k < r.ninc; k++)
				fprintf(stderr, "%s\n", r.inc[k].line);
			if (r.incidents > r.ninc)
				fprintf(stderr, "... %llu more\n",
				    (unsigned long long)(r.incidents - r.ninc));
		}
		policy_free(pol);
	} else {
		char c1[40];

		fprintf(stderr, "replay: %s, %llu bad\n",
		    cli_fmt_count((long long)alerts, "alert", "alerts", c1,
		    sizeof(c1)), (unsigned long long)bad);
	}
	store_close(r.st);
	free(r.ids);
	free(r.buf);
	return failed ? 1 : 0;
}
