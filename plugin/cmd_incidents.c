/* SPDX-License-Identifier: MIT */
/*
 * `redress incidents [--store DB] [--open] [--since TIME] [--json]` lists
 * incidents from the state store; `redress incident [--store DB] [--json]
 * ID` shows one with its decisions and evidence alerts: readable by
 * default (times as cli_fmt.c writes them, evidence as the log lines of a
 * report), one JSON document with --json.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "alert.h"
#include "cli_fmt.h"
#include "cmd.h"
#include "incident.h"
#include "store.h"
#include "store_note.h"
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
		    cli_fmt_time_at(r->last_usec, r->tz_min, t, sizeof(t)));
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

/* What `incident ID` prints: readable lines, or JSON arrays it fills. */
struct show_ctx {
	json_t	*decisions;	/* --json */
	json_t	*evidence;
	json_t	*notes;
	size_t	 n;
};

static int
print_decision(void *arg, const struct decision_row *d)
{
	struct show_ctx *c = arg;
	char t[64];

	if (c->decisions != NULL) {
		json_array_append_new(c->decisions, json_pack(
		    "{s:I, s:s, s:s, s:I, s:s, s:s, s:s, s:s}",
		    "id", (json_int_t)d->id, "action", d->action,
		    "target", d->target, "duration_s",
		    (json_int_t)d->duration_s, "recipient", d->recipient,
		    "state", d->state, "reason", d->reason,
		    "created", cli_fmt_time(d->created_usec, t, sizeof(t))));
		return 0;
	}
	if (c->n++ == 0)
		printf("\ndecisions:\n");
	printf("  %lld  %s %s", (long long)d->id, d->action, d->target);
	if (strcmp(d->action, DECISION_CONTAIN) == 0)
		printf(" for %llds", (long long)d->duration_s);
	else
		printf(" to %s", d->recipient);
	printf("  [%s]  %s\n", d->state, d->reason);
	return 0;
}

/* A string member of o, or dflt. */
static const char *
str_of(json_t *o, const char *key, const char *dflt)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v != NULL ? v : dflt;
}

/*
 * One evidence alert as "TIME SRC:PORT -> DST:PORT PROTO [gid:sid:rev]
 * signature", the time as every command prints it. 0, or -1 when the
 * stored line is not an alert.
 */
static int
evidence_line(const char *alert_json, char *buf, size_t len)
{
	json_t *o = json_loads(alert_json, 0, NULL), *al;
	const char *ts;
	char t[64];
	int64_t usec;
	int16_t tz;

	if (o == NULL)
		return -1;
	al = json_object_get(o, "alert");
	ts = str_of(o, "timestamp", NULL);
	if (ts == NULL || alert_time_parse(ts, strlen(ts), &usec, &tz) < 0) {
		json_decref(o);
		return -1;
	}
	snprintf(buf, len, "%s  %s:%lld -> %s:%lld %s  [%lld:%lld:%lld] %s",
	    cli_fmt_time_at(usec, tz, t, sizeof(t)),
	    str_of(o, "src_ip", "?"),
	    (long long)json_integer_value(json_object_get(o, "src_port")),
	    str_of(o, "dest_ip", "?"),
	    (long long)json_integer_value(json_object_get(o, "dest_port")),
	    str_of(o, "proto", "?"),
	    (long long)json_integer_value(json_object_get(al, "gid")),
	    (long long)json_integer_value(json_object_get(al,
	    "signature_id")),
	    (long long)json_integer_value(json_object_get(al, "rev")),
	    str_of(al, "signature", ""));
	json_decref(o);
	return 0;
}

/* What a responder did beyond the block: accounts locked, processes ended. */
static int
print_note(void *arg, const struct note_row *n)
{
	struct show_ctx *c = arg;
	char t[64];

	cli_fmt_time(n->at_usec, t, sizeof(t));
	if (c->notes != NULL) {
		json_array_append_new(c->notes, json_pack("{s:s, s:s, s:s, "
		    "s:s}", "time", t, "responder", n->source, "subject",
		    n->subject, "text", n->text));
		return 0;
	}
	if (c->n++ == 0)
		printf("\non this host:\n");
	printf("  %s  %s: %s\n", t, n->source, n->text);
	return 0;
}

static int
print_evidence(void *arg, const struct evidence_row *ev)
{
	struct show_ctx *c = arg;
	char line[2048];
	json_t *j;

	if (c->evidence != NULL) {
		j = json_loads(ev->alert_json, 0, NULL);
		json_array_append_new(c->evidence, j != NULL ? j :
		    json_string(ev->alert_json));
		return 0;
	}
	if (c->n++ == 0)
		printf("\nevidence:\n");
	if (evidence_line(ev->alert_json, line, sizeof(line)) < 0)
		snprintf(line, sizeof(line), "%s", ev->alert_json);
	printf("  %s%s\n", line, ev->packet_len ? " (+packet)" : "");
	return 0;
}

static void
print_header(const struct incident_row *r)
{
	char t1[64], t2[64], n[64];

	printf("incident %lld: %s, %s%s\n", (long long)r->id,
	    incident_kind_name(r->kind), r->state,
	    r->internal ? " (about our own host)" : "");
	if (r->src[0])
		printf("  source:      %s\n", r->src);
	if (r->dst[0])
		printf("  target:      %s\n", r->dst);
	printf("  first seen:  %s\n  last seen:   %s\n  alerts:      %s\n",
	    cli_fmt_time_at(r->first_usec, r->tz_min, t1, sizeof(t1)),
	    cli_fmt_time_at(r->last_usec, r->tz_min, t2, sizeof(t2)),
	    cli_fmt_count(r->alerts, "alert", "alerts", n, sizeof(n)));
}

/* The incident, its decisions and evidence as one JSON document. */
static int
show_json(struct store *st, const struct incident_row *r, struct err *e)
{
	struct show_ctx c = { json_array(), json_array(), json_array(), 0 };
	char *j = incident_json(r), *out;
	json_t *o = json_loads(j, 0, NULL);
	int rc = -1;

	free(j);
	if (o == NULL) {
		err_set(e, "incident %lld: bad JSON", (long long)r->id);
		goto out;
	}
	if (store_decision_list_incident(st, r->id, print_decision, &c,
	    e) < 0 || store_note_list(st, r->id, print_note, &c, e) < 0 ||
	    store_evidence_list(st, r->id, 0, print_evidence, &c, e) < 0)
		goto out;
	json_object_set(o, "decisions", c.decisions);
	json_object_set(o, "local", c.notes);
	json_object_set(o, "evidence", c.evidence);
	out = json_dumps(o, JSON_COMPACT);
	printf("%s\n", out != NULL ? out : "{}");
	free(out);
	rc = 0;
out:
	json_decref(o);
	json_decref(c.decisions);
	json_decref(c.evidence);
	json_decref(c.notes);
	return rc;
}

int
cmd_incident(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "store", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL;
	struct incident_row r;
	struct show_ctx c = { NULL, NULL, NULL, 0 };
	struct store *st;
	struct err e = { "", 0 };
	char *end;
	long long id;
	int ch, rc, json = 0;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 's')
			path = optarg;
		else if (ch == 'j')
			json = 1;
		else
			return 2;
	}
	if (optind + 1 != argc) {
		cli_error("usage: redress incident [--store DB] [--json] ID");
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
	if (json) {
		rc = show_json(st, &r, &e);
		incident_row_clear(&r);
		if (rc < 0)
			goto fail;
		store_close(st);
		return 0;
	}
	print_header(&r);
	incident_row_clear(&r);
	if (store_decision_list_incident(st, id, print_decision, &c,
	    &e) < 0)
		goto fail;
	c.n = 0;
	if (store_note_list(st, id, print_note, &c, &e) < 0)
		goto fail;
	c.n = 0;
	if (store_evidence_list(st, id, 0, print_evidence, &c, &e) < 0)
		goto fail;
	rc = cmd_thread_incident(st, id);
	store_close(st);
	return rc < 0;
fail:
	cli_error("%s", e.msg);
	store_close(st);
	return 1;
}
