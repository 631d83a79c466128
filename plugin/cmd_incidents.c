/* SPDX-License-Identifier: MIT */
/*
 * `redress incidents [--store DB] [--open] [--since TIME] [--json]` lists
 * incidents from the state store; `redress incident [--store DB] ID`
 * shows one with its decisions and evidence alerts.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "cmd.h"
#include "incident.h"
#include "store.h"
#include "store_policy.h"

struct list_ctx {
	int	json;
	size_t	n;
};

static int
print_incident(void *arg, const struct incident_row *r)
{
	struct list_ctx *c = arg;
	char t[64];
	char *j;

	if (c->json) {
		j = incident_json(r);
		printf("%s\n", j);
		free(j);
	} else {
		if (c->n == 0)
			printf("%6s  %-11s  %-10s  %-39s  %8s  %s\n", "id",
			    "kind", "state", "source / target", "alerts",
			    "last seen");
		printf("%6lld  %-11s  %-10s  %-39s  %8lld  %s\n",
		    (long long)r->id, incident_kind_name(r->kind), r->state,
		    r->src[0] ? r->src : r->dst, (long long)r->alerts,
		    alert_time_format(r->last_usec, r->tz_min, t, sizeof(t)));
	}
	c->n++;
	return 0;
}

/* An EVE/ISO timestamp, or a duration back from now ("24h", "7d"). */
static int
parse_since(const char *s, int64_t *out)
{
	int16_t tz;
	int64_t ms;

	if (alert_time_parse(s, strlen(s), out, &tz) == 0)
		return 0;
	if (conf_to_msec(s, &ms) == NULL) {
		*out = store_now_usec() - ms * 1000;
		return 0;
	}
	return -1;
}

int
cmd_incidents(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "store", required_argument, NULL, 's' },
		{ "open", no_argument, NULL, 'o' },
		{ "since", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL;
	struct list_ctx c = { 0, 0 };
	struct store *st;
	struct err e = { "", 0 };
	int64_t since = INT64_MIN;
	int ch, open_only = 0, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			path = optarg;
			break;
		case 'o':
			open_only = 1;
			break;
		case 't':
			if (parse_since(optarg, &since) < 0) {
				cli_error("--since \"%s\": expected a time "
				    "such as 2024-05-14T07:00:00Z or a "
				    "duration such as 24h", optarg);
				return 2;
			}
			break;
		case 'j':
			c.json = 1;
			break;
		default:
			return 2;
		}
	}
	if (optind != argc) {
		cli_error("usage: redress incidents [--store DB] [--open] "
		    "[--since TIME] [--json]");
		return 2;
	}
	if (cli_open_store(cli, path, &st) < 0)
		return 1;
	rc = store_incident_list(st, open_only, since, print_incident, &c,
	    &e);
	if (rc < 0)
		cli_error("%s", e.msg);
	else if (!c.json)
		fprintf(stderr, "%zu incident%s\n", c.n, c.n == 1 ? "" : "s");
	store_close(st);
	return rc < 0;
}

static int
print_decision(void *arg, const struct decision_row *d)
{
	(void)arg;
	printf("decision %lld: %s %s", (long long)d->id, d->action,
	    d->target);
	if (strcmp(d->action, DECISION_CONTAIN) == 0)
		printf(" for %llds", (long long)d->duration_s);
	else
		printf(" to %s", d->recipient);
	printf(" [%s] %s\n", d->state, d->reason);
	return 0;
}

static int
print_evidence(void *arg, const struct evidence_row *ev)
{
	(void)arg;
	printf("evidence: %s%s\n", ev->alert_json,
	    ev->packet_len ? " (+packet)" : "");
	return 0;
}

int
cmd_incident(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "store", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL;
	struct incident_row r;
	struct store *st;
	struct err e = { "", 0 };
	char *end, *j;
	long long id;
	int ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 's')
			path = optarg;
		else
			return 2;
	}
	if (optind + 1 != argc) {
		cli_error("usage: redress incident [--store DB] ID");
		return 2;
	}
	errno = 0;
	id = strtoll(argv[optind], &end, 10);
	if (errno || *end || end == argv[optind] || id <= 0) {
		cli_error("incident \"%s\": not an incident id", argv[optind]);
		return 2;
	}
	if (cli_open_store(cli, path, &st) < 0)
		return 1;
	rc = store_incident_get(st, id, &r, &e);
	if (rc == 0) {
		cli_error("no incident %lld", id);
		store_close(st);
		return 1;
	}
	if (rc < 0)
		goto fail;
	j = incident_json(&r);
	printf("%s\n", j);
	free(j);
	incident_row_clear(&r);
	if (store_decision_list_incident(st, id, print_decision, NULL,
	    &e) < 0 ||
	    store_evidence_list(st, id, 0, print_evidence, NULL, &e) < 0)
		goto fail;
	rc = cmd_thread_incident(st, id);
	store_close(st);
	return rc < 0;
fail:
	cli_error("%s", e.msg);
	store_close(st);
	return 1;
}
