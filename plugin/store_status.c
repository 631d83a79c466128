/* SPDX-License-Identifier: MIT */
/*
 * The counts `redress status` shows, straight from the store tables
 * (incident, block, decision, report, contact), and the deferred mail
 * with its last error. Each is one indexed or small-table query; the
 * daemon asks at most once a second.
 */
#include <stdio.h>
#include <string.h>

#include "store_policy.h"
#include "store_report.h"
#include "store_status.h"

static int
count(struct store *s, const char *sql, int64_t now_usec, int64_t *out,
    struct err *e)
{
	sqlite3_stmt *st = store_stmt(s, sql, e);
	int rc;

	if (st == NULL)
		return -1;
	if (sqlite3_bind_parameter_count(st) > 0)
		sqlite3_bind_int64(st, 1, now_usec);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		err_set(e, "store: status: %s", sqlite3_errmsg(store_db(s)));
		sqlite3_reset(st);
		return -1;
	}
	*out = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return 0;
}

static int
by_state(struct store *s, const char *sql, const char *const *names,
    int64_t *const *outs, struct err *e)
{
	sqlite3_stmt *st = store_stmt(s, sql, e);
	const char *k;
	size_t i;
	int rc;

	if (st == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		k = (const char *)sqlite3_column_text(st, 0);
		if (k == NULL)
			continue;
		for (i = 0; names[i] != NULL; i++)
			if (strcmp(k, names[i]) == 0)
				*outs[i] += sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return err_set(e, "store: status: %s",
		    sqlite3_errmsg(store_db(s)));
	return 0;
}

/* Reports queued again after an attempt: how many, the latest's error. */
static int
deferred(struct store *s, struct store_counts *c, struct err *e)
{
	static const char sql[] =
	    "SELECT count(*) OVER (), id, next_attempt_usec, last_error"
	    " FROM report WHERE state = '" REPORT_QUEUED "'"
	    " AND (attempts > 0 OR last_error <> '')"
	    " ORDER BY id DESC LIMIT 1";
	sqlite3_stmt *st = store_stmt(s, sql, e);
	const char *msg;
	int rc;

	if (st == NULL)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		c->mail_deferred = sqlite3_column_int64(st, 0);
		c->deferred_id = sqlite3_column_int64(st, 1);
		c->deferred_next_usec = sqlite3_column_int64(st, 2);
		msg = (const char *)sqlite3_column_text(st, 3);
		snprintf(c->deferred_error, sizeof(c->deferred_error), "%s",
		    msg != NULL ? msg : "");
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return err_set(e, "store: status: %s",
		    sqlite3_errmsg(store_db(s)));
	return 0;
}

int
store_status_counts(struct store *s, int64_t now_usec, struct store_counts *c,
    struct err *e)
{
	static const char sql_inc[] =
	    "SELECT count(*) FROM incident WHERE state <> '"
	    INCIDENT_STATE_CLOSED "'";
	static const char sql_block[] =
	    "SELECT count(*) FROM block WHERE removed_usec IS NULL"
	    " AND expires_usec > ?1";
	static const char sql_contact[] =
	    "SELECT count(*) FROM contact WHERE expires_usec > ?1";
	static const char sql_dec[] =
	    "SELECT action, count(*) FROM decision WHERE state = '"
	    DECISION_PENDING "' GROUP BY action";
	static const char sql_rep[] =
	    "SELECT state, count(*) FROM report GROUP BY state";
	static const char *const dec_names[] = {
		DECISION_CONTAIN, DECISION_REPORT, NULL,
	};
	static const char *const rep_names[] = {
		REPORT_DRAFT, REPORT_APPROVED, REPORT_QUEUED, REPORT_SENDING,
		REPORT_SENT, REPORT_FAILED, NULL,
	};
	int64_t *const dec_outs[] = { &c->pending_contain, &c->pending_report };
	int64_t *const rep_outs[] = {
		&c->drafts_waiting, &c->mail_queue, &c->mail_queue,
		&c->mail_queue, &c->mail_sent, &c->mail_failed,
	};

	memset(c, 0, sizeof(*c));
	if (count(s, sql_inc, now_usec, &c->incidents_open, e) < 0 ||
	    count(s, sql_block, now_usec, &c->blocks_active, e) < 0 ||
	    count(s, sql_contact, now_usec, &c->contacts_cached, e) < 0 ||
	    by_state(s, sql_dec, dec_names, dec_outs, e) < 0 ||
	    by_state(s, sql_rep, rep_names, rep_outs, e) < 0 ||
	    deferred(s, c, e) < 0 ||
	    store_thread_counts(s, &c->threads, e) < 0)
		return -1;
	return 0;
}
