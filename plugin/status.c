/* SPDX-License-Identifier: MIT */
/*
 * What the running daemon knows about itself: input positions and lag,
 * the alert rate over the last minute (one slot a second), counts from
 * the store refreshed at most once a second (with the deferred mail and
 * its last error), resolver cache hits, and the last warnings. status_json() is what the control socket answers.
 */
#include <jansson.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli_fmt.h"
#include "log.h"
#include "status.h"
#include "store_status.h"
#include "xmalloc.h"

static _Atomic uint64_t resolver_hits, resolver_misses;

void
status_init(struct daemon_status *s)
{
	memset(s, 0, sizeof(*s));
	s->pid = getpid();
	s->start_usec = store_now_usec();
}

void
status_resolver_note(int hit)
{
	if (hit)
		atomic_fetch_add(&resolver_hits, 1);
	else
		atomic_fetch_add(&resolver_misses, 1);
}

void
status_count_alerts(struct daemon_status *s, uint64_t n, int64_t now_usec)
{
	int64_t sec = now_usec / 1000000;
	size_t slot = (size_t)(sec % STATUS_RATE_SLOTS);

	if (n == 0)
		return;
	if (s->rate_sec[slot] != sec) {
		s->rate_sec[slot] = sec;
		s->rate[slot] = 0;
	}
	s->rate[slot] += n;
	s->alerts_total += n;
}

/*
 * Alerts of the last STATUS_RATE_SLOTS whole seconds before now, over
 * that minute or over the time the daemon has run when it is shorter.
 */
double
status_alert_rate(const struct daemon_status *s, int64_t now_usec)
{
	int64_t sec = now_usec / 1000000, up, span = STATUS_RATE_SLOTS;
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < STATUS_RATE_SLOTS; i++)
		if (s->rate_sec[i] > sec - STATUS_RATE_SLOTS &&
		    s->rate_sec[i] <= sec)
			sum += s->rate[i];
	if (s->start_usec > 0) {
		up = (now_usec - s->start_usec + 999999) / 1000000;
		if (up < span)
			span = up < 1 ? 1 : up;
	}
	return (double)sum / (double)span;
}

void
status_set_input(struct daemon_status *s, size_t i, const struct input *in,
    int open)
{
	struct status_input *si;

	if (i >= STATUS_MAX_INPUTS)
		return;
	si = &s->inputs[i];
	strlcpy_r(si->id, in->id, sizeof(si->id));
	strlcpy_r(si->type, in->ops->name, sizeof(si->type));
	strlcpy_r(si->path, in->path ? in->path : "", sizeof(si->path));
	strlcpy_r(si->bookmark, in->bookmark, sizeof(si->bookmark));
	si->alerts = in->stats.alerts;
	si->bad = in->stats.bad;
	si->bytes = in->stats.bytes;
	si->lag_bytes = in->stats.lag_bytes;
	si->lag_records = in->stats.lag_records;
	si->unacked = in->stats.unacked;
	si->open = open;
	if (i >= s->ninputs)
		s->ninputs = i + 1;
}

void
status_update(struct daemon_status *s, const struct config *cfg,
    struct store *st, int force)
{
	struct store_counts c;
	struct err e = { 0 };
	int64_t now = store_now_usec();

	s->dry_run = cfg != NULL && cfg->general.dry_run;
	s->resolver_hits = atomic_load(&resolver_hits);
	s->resolver_misses = atomic_load(&resolver_misses);
	s->nerrors = log_last_errors(s->errors, STATUS_ERRORS);
	if (st == NULL || (!force && now - s->store_refreshed_usec < 1000000 &&
	    now >= s->store_refreshed_usec))
		return;
	s->store_refreshed_usec = now;
	if (store_status_counts(st, now, &c, &e) < 0)
		return;		/* the old counts stay; the error is transient */
	s->open_incidents = c.incidents_open;
	s->active_blocks = c.blocks_active;
	s->pending_contain = c.pending_contain;
	s->pending_report = c.pending_report;
	s->drafts_waiting = c.drafts_waiting;
	s->mail_approved = c.mail_queue;
	s->mail_sent = c.mail_sent;
	s->mail_failed = c.mail_failed;
	s->mail_deferred = c.mail_deferred;
	s->deferred_id = c.deferred_id;
	s->deferred_next_usec = c.deferred_next_usec;
	memcpy(s->deferred_error, c.deferred_error, sizeof(s->deferred_error));
	s->contacts_cached = c.contacts_cached;
	s->threads = c.threads;
}

static json_t *
input_json(const struct status_input *si)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:b, s:I, s:I, s:I, s:I, s:I, "
	    "s:I}",
	    "id", si->id, "type", si->type, "path", si->path,
	    "bookmark", si->bookmark, "open", si->open,
	    "alerts", (json_int_t)si->alerts, "bad", (json_int_t)si->bad,
	    "bytes", (json_int_t)si->bytes,
	    "lag_bytes", (json_int_t)si->lag_bytes,
	    "lag_records", (json_int_t)si->lag_records,
	    "unacked", (json_int_t)si->unacked);
}

char *
status_json(const struct daemon_status *s, int64_t now_usec)
{
	json_t *o, *ins, *errs, *hr, *rep;
	char t[64];
	uint64_t lookups = s->resolver_hits + s->resolver_misses;
	char *out;
	size_t i;

	ins = json_array();
	for (i = 0; i < s->ninputs && i < STATUS_MAX_INPUTS; i++)
		json_array_append_new(ins, input_json(&s->inputs[i]));
	errs = json_array();
	for (i = 0; i < s->nerrors && i < STATUS_ERRORS; i++)
		json_array_append_new(errs, json_string(s->errors[i]));
	hr = lookups ? json_real((double)s->resolver_hits / (double)lookups) :
	    json_null();
	o = json_pack("{s:I, s:I, s:b, s:I, s:f, s:o, s:I, s:I,"
	    " s:{s:I, s:I}, s:{s:I, s:I, s:I, s:I},"
	    " s:{s:I, s:I, s:I, s:o}, s:o}",
	    "pid", (json_int_t)s->pid,
	    "uptime_s", (json_int_t)((now_usec - s->start_usec) / 1000000),
	    "dry_run", s->dry_run,
	    "alerts_total", (json_int_t)s->alerts_total,
	    "alerts_per_sec", status_alert_rate(s, now_usec),
	    "inputs", ins,
	    "incidents_open", (json_int_t)s->open_incidents,
	    "blocks_active", (json_int_t)s->active_blocks,
	    "decisions_pending",
		"contain", (json_int_t)s->pending_contain,
		"report", (json_int_t)s->pending_report,
	    "reports",
		"drafts_waiting", (json_int_t)s->drafts_waiting,
		"mail_queue", (json_int_t)s->mail_approved,
		"sent", (json_int_t)s->mail_sent,
		"failed", (json_int_t)s->mail_failed,
	    "resolver",
		"contacts_cached", (json_int_t)s->contacts_cached,
		"cache_hits", (json_int_t)s->resolver_hits,
		"cache_misses", (json_int_t)s->resolver_misses,
		"cache_hit_rate", hr,
	    "errors", errs);
	if (o == NULL)
		return xstrdup("{}");
	rep = json_object_get(o, "reports");
	json_object_set_new(rep, "deferred", json_integer(s->mail_deferred));
	if (s->mail_deferred > 0) {
		json_object_set_new(rep, "deferred_report",
		    json_integer(s->deferred_id));
		json_object_set_new(rep, "next_attempt", json_string(
		    cli_fmt_time(s->deferred_next_usec, t, sizeof(t))));
		json_object_set_new(rep, "last_error",
		    json_string(s->deferred_error));
	}
	json_object_set_new(o, "threads", json_pack("{s:I, s:I, s:I, s:I}",
	    "open", (json_int_t)s->threads.open,
	    "answered", (json_int_t)s->threads.answered,
	    "bounced", (json_int_t)s->threads.bounced,
	    "closed", (json_int_t)s->threads.closed));
	out = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (out == NULL)
		return xstrdup("{}");
	/* Ours to free with free(): jansson uses malloc by default. */
	return out;
}
