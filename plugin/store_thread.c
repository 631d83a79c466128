/* SPDX-License-Identifier: MIT */
/*
 * The thread area of the state store (store_thread.h): report threads,
 * the messages received in them, and bounced recipient addresses. It
 * reads the report, report_incident and incident tables of the other
 * areas and writes only its own.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "store_thread.h"
#include "xmalloc.h"

const char store_sql_thread[] =
	"CREATE TABLE thread ("
	" report_id INTEGER PRIMARY KEY,"
	" state TEXT NOT NULL,"
	" ticket TEXT NOT NULL DEFAULT '',"
	" messages INTEGER NOT NULL DEFAULT 0,"
	" opened_usec INTEGER NOT NULL,"
	" updated_usec INTEGER NOT NULL,"
	" closed_usec INTEGER NOT NULL DEFAULT 0,"
	" close_reason TEXT NOT NULL DEFAULT '',"
	" rerouted_to INTEGER NOT NULL DEFAULT 0,"
	" followup_id INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX thread_open ON thread (closed_usec, updated_usec);"
	"CREATE TABLE thread_msg ("
	" id INTEGER PRIMARY KEY,"
	" report_id INTEGER NOT NULL,"
	" msg_key TEXT NOT NULL UNIQUE,"
	" kind TEXT NOT NULL,"
	" sender TEXT NOT NULL,"
	" date_usec INTEGER NOT NULL,"
	" received_usec INTEGER NOT NULL,"
	" ticket TEXT NOT NULL DEFAULT '',"
	" subject TEXT NOT NULL DEFAULT '',"
	" detail TEXT NOT NULL DEFAULT '',"
	" file TEXT NOT NULL DEFAULT '');"
	"CREATE INDEX thread_msg_report ON thread_msg (report_id, id);"
	"CREATE TABLE contact_bounce ("
	" email TEXT PRIMARY KEY,"
	" status TEXT NOT NULL,"
	" reason TEXT NOT NULL,"
	" report_id INTEGER NOT NULL,"
	" usec INTEGER NOT NULL);";

#define THREAD_COLS							\
	"report_id, state, ticket, messages, opened_usec, updated_usec,"	\
	" closed_usec, close_reason, rerouted_to, followup_id"

static void
col_text(sqlite3_stmt *st, int i, char *buf, size_t len)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	strlcpy_r(buf, t != NULL ? (const char *)t : "", len);
}

static void
thread_read(sqlite3_stmt *st, int c, struct thread_row *t)
{
	memset(t, 0, sizeof(*t));
	t->report_id = sqlite3_column_int64(st, c);
	col_text(st, c + 1, t->state, sizeof(t->state));
	col_text(st, c + 2, t->ticket, sizeof(t->ticket));
	t->messages = sqlite3_column_int(st, c + 3);
	t->opened_usec = sqlite3_column_int64(st, c + 4);
	t->updated_usec = sqlite3_column_int64(st, c + 5);
	t->closed_usec = sqlite3_column_int64(st, c + 6);
	col_text(st, c + 7, t->close_reason, sizeof(t->close_reason));
	t->rerouted_to = sqlite3_column_int64(st, c + 8);
	t->followup_id = sqlite3_column_int64(st, c + 9);
}

static int
fail(struct store *s, sqlite3_stmt *st, const char *what, struct err *e)
{
	sqlite3_reset(st);
	return err_set(e, "store: %s: %s", what, sqlite3_errmsg(store_db(s)));
}

int
store_thread_open_sent(struct store *s, int64_t now, struct err *e)
{
	static const char sql[] =
	    "INSERT OR IGNORE INTO thread (report_id, state, opened_usec,"
	    " updated_usec) SELECT id, 'open', updated_usec, ? FROM report"
	    " WHERE state = 'sent' AND in_reply_to = '' AND id NOT IN"
	    " (SELECT report_id FROM thread)";
	sqlite3_stmt *st = store_stmt(s, sql, e);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	if (store_step_done(s, st, "thread open", e) < 0)
		return -1;
	return sqlite3_changes(store_db(s));
}

int
store_thread_get(struct store *s, int64_t id, struct thread_row *t,
    struct err *e)
{
	static const char sql[] =
	    "SELECT " THREAD_COLS " FROM thread WHERE report_id = ?";
	sqlite3_stmt	*st = store_stmt(s, sql, e);
	int		 rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		thread_read(st, 0, t);
		sqlite3_reset(st);
		return 1;
	}
	if (rc != SQLITE_DONE)
		return fail(s, st, "thread get", e);
	sqlite3_reset(st);
	return 0;
}

int
store_thread_put(struct store *s, const struct thread_row *t, struct err *e)
{
	static const char sql[] =
	    "INSERT OR REPLACE INTO thread (" THREAD_COLS ") VALUES"
	    " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *st = store_stmt(s, sql, e);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, t->report_id);
	sqlite3_bind_text(st, 2, t->state, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, t->ticket, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, t->messages);
	sqlite3_bind_int64(st, 5, t->opened_usec);
	sqlite3_bind_int64(st, 6, t->updated_usec);
	sqlite3_bind_int64(st, 7, t->closed_usec);
	sqlite3_bind_text(st, 8, t->close_reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, t->rerouted_to);
	sqlite3_bind_int64(st, 10, t->followup_id);
	return store_step_done(s, st, "thread put", e);
}

int
store_thread_msg_add(struct store *s, struct thread_msg *m, struct err *e)
{
	static const char sql[] =
	    "INSERT OR IGNORE INTO thread_msg (report_id, msg_key, kind,"
	    " sender, date_usec, received_usec, ticket, subject, detail, file)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *st = store_stmt(s, sql, e);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, m->report_id);
	sqlite3_bind_text(st, 2, m->msg_key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, m->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, m->sender, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, m->date_usec);
	sqlite3_bind_int64(st, 6, m->received_usec);
	sqlite3_bind_text(st, 7, m->ticket, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, m->subject, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, m->detail, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, m->file, -1, SQLITE_STATIC);
	if (store_step_done(s, st, "thread message", e) < 0)
		return -1;
	if (sqlite3_changes(store_db(s)) == 0)
		return 0;
	m->id = sqlite3_last_insert_rowid(store_db(s));
	return 1;
}

int
store_thread_msgs(struct store *s, int64_t id, thread_msg_cb cb, void *arg,
    struct err *e)
{
	static const char sql[] =
	    "SELECT id, report_id, msg_key, kind, sender, date_usec,"
	    " received_usec, ticket, subject, detail, file FROM thread_msg"
	    " WHERE report_id = ? ORDER BY id";
	sqlite3_stmt	*st = store_stmt(s, sql, e);
	struct thread_msg m;
	int		 rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&m, 0, sizeof(m));
		m.id = sqlite3_column_int64(st, 0);
		m.report_id = sqlite3_column_int64(st, 1);
		col_text(st, 2, m.msg_key, sizeof(m.msg_key));
		col_text(st, 3, m.kind, sizeof(m.kind));
		col_text(st, 4, m.sender, sizeof(m.sender));
		m.date_usec = sqlite3_column_int64(st, 5);
		m.received_usec = sqlite3_column_int64(st, 6);
		col_text(st, 7, m.ticket, sizeof(m.ticket));
		col_text(st, 8, m.subject, sizeof(m.subject));
		col_text(st, 9, m.detail, sizeof(m.detail));
		col_text(st, 10, m.file, sizeof(m.file));
		if (cb(arg, &m) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(s, st, "thread messages", e);
	sqlite3_reset(st);
	return 0;
}

int64_t
store_thread_find(struct store *s, const char *mid, struct err *e)
{
	static const char sql[] =
	    "SELECT id FROM report WHERE message_id = ?1 UNION ALL"
	    " SELECT report_id FROM thread_msg WHERE msg_key = ?1 LIMIT 1";
	sqlite3_stmt	*st = store_stmt(s, sql, e);
	int64_t		 id = 0;
	int		 rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, mid, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE)
		return fail(s, st, "thread find", e);
	sqlite3_reset(st);
	return id;
}

int
store_thread_close(struct store *s, int64_t id, const char *reason,
    int64_t now, struct err *e)
{
	static const char sql[] =
	    "UPDATE thread SET closed_usec = ?, close_reason = ?,"
	    " updated_usec = ? WHERE report_id = ? AND closed_usec = 0";
	sqlite3_stmt *st = store_stmt(s, sql, e);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_text(st, 2, reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, id);
	if (store_step_done(s, st, "thread close", e) < 0)
		return -1;
	return sqlite3_changes(store_db(s)) > 0;
}

int
store_thread_quiet(struct store *s, int64_t before, thread_cb cb, void *arg,
    struct err *e)
{
	static const char sql[] =
	    "SELECT " THREAD_COLS " FROM thread t WHERE closed_usec = 0"
	    " AND updated_usec < ?1 AND NOT EXISTS (SELECT 1 FROM"
	    " report_incident ri JOIN incident i ON i.src = ri.src WHERE"
	    " ri.report_id = t.report_id AND i.last_usec >= ?1)"
	    " ORDER BY report_id";
	sqlite3_stmt		*st = store_stmt(s, sql, e);
	struct thread_row	 t;
	int			 rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, before);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		thread_read(st, 0, &t);
		if (cb(arg, &t) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(s, st, "thread quiet", e);
	sqlite3_reset(st);
	return 0;
}

int
store_thread_counts(struct store *s, struct thread_counts *c, struct err *e)
{
	static const char sql[] =
	    "SELECT COALESCE(SUM(closed_usec = 0 AND state = 'open'), 0),"
	    " COALESCE(SUM(closed_usec = 0 AND state IN ('answered',"
	    " 'acknowledged')), 0),"
	    " COALESCE(SUM(closed_usec = 0 AND state = 'bounced'), 0),"
	    " COALESCE(SUM(closed_usec <> 0), 0) FROM thread";
	sqlite3_stmt	*st = store_stmt(s, sql, e);
	int		 rc;

	if (st == NULL)
		return -1;
	if ((rc = sqlite3_step(st)) != SQLITE_ROW)
		return fail(s, st, "thread counts", e);
	c->open = sqlite3_column_int64(st, 0);
	c->answered = sqlite3_column_int64(st, 1);
	c->bounced = sqlite3_column_int64(st, 2);
	c->closed = sqlite3_column_int64(st, 3);
	sqlite3_reset(st);
	return 0;
}

int
store_bounce_mark(struct store *s, const char *email, const char *status,
    const char *reason, int64_t report_id, int64_t now, struct err *e)
{
	static const char sql[] =
	    "INSERT OR REPLACE INTO contact_bounce (email, status, reason,"
	    " report_id, usec) VALUES (lower(?), ?, ?, ?, ?)";
	sqlite3_stmt *st = store_stmt(s, sql, e);

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, report_id);
	sqlite3_bind_int64(st, 5, now);
	return store_step_done(s, st, "bounce mark", e);
}

int
store_bounce_get(struct store *s, const char *email, char *reason,
    size_t len, struct err *e)
{
	static const char sql[] =
	    "SELECT status || ' ' || reason FROM contact_bounce"
	    " WHERE email = lower(?)";
	sqlite3_stmt	*st = store_stmt(s, sql, e);
	int		 rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, email, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		if (reason != NULL)
			col_text(st, 0, reason, len);
		sqlite3_reset(st);
		return 1;
	}
	if (rc != SQLITE_DONE)
		return fail(s, st, "bounce get", e);
	sqlite3_reset(st);
	return 0;
}

int64_t
store_thread_find_subject(struct store *s, const char *subject,
    struct err *e)
{
	static const char sql[] =
	    "SELECT id FROM report WHERE subject = ? AND state = 'sent'"
	    " AND in_reply_to = '' ORDER BY id DESC LIMIT 1";
	sqlite3_stmt	*st = store_stmt(s, sql, e);
	int64_t		 id = 0;
	int		 rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, subject, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE)
		return fail(s, st, "thread find subject", e);
	sqlite3_reset(st);
	return id;
}

int
store_thread_incident_reports(struct store *s, int64_t incident_id,
    int (*cb)(void *, int64_t report_id), void *arg, struct err *e)
{
	static const char sql[] =
	    "SELECT report_id FROM report_incident WHERE incident_id = ?"
	    " ORDER BY report_id";
	sqlite3_stmt	*st = store_stmt(s, sql, e);
	int64_t		*ids = NULL;
	size_t		 n = 0, i;
	int		 rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, incident_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		ids = xreallocarray(ids, n + 1, sizeof(*ids));
		ids[n++] = sqlite3_column_int64(st, 0);
	}
	if (rc != SQLITE_DONE) {
		free(ids);
		return fail(s, st, "incident reports", e);
	}
	sqlite3_reset(st);
	/* The statement is done before cb queries the store again. */
	for (i = 0; i < n && cb(arg, ids[i]) == 0; i++)
		;
	free(ids);
	return 0;
}

int64_t
store_thread_root(struct store *s, int64_t id, struct err *e)
{
	static const char sql[] =
	    "WITH RECURSIVE up(id, irt, depth) AS ("
	    " SELECT id, in_reply_to, 0 FROM report WHERE id = ?1"
	    " UNION ALL SELECT r.id, r.in_reply_to, up.depth + 1 FROM report r"
	    " JOIN up ON r.message_id = up.irt"
	    " WHERE up.irt <> '' AND up.depth < 32)"
	    " SELECT id FROM up ORDER BY depth DESC LIMIT 1";
	sqlite3_stmt	*st = store_stmt(s, sql, e);
	int64_t		 root = 0;
	int		 rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		root = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE)
		return fail(s, st, "thread root", e);
	sqlite3_reset(st);
	return root;
}

int64_t
store_thread_reopen(struct store *s, const char *rcpt, const char *src,
    struct err *e)
{
	static const char sql[] =
	    "SELECT r.id FROM report r LEFT JOIN thread t ON t.report_id = r.id"
	    " WHERE r.rcpt = ?1 AND r.state = 'sent' AND r.in_reply_to = ''"
	    " AND (t.report_id IS NULL OR (t.closed_usec = 0 AND"
	    " t.state <> 'bounced')) AND EXISTS (SELECT 1 FROM"
	    " report_incident i WHERE i.report_id = r.id AND i.src = ?2)"
	    " ORDER BY r.id DESC LIMIT 1";
	sqlite3_stmt	*st = store_stmt(s, sql, e);
	int64_t		 id = 0;
	int		 rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, rcpt, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, src, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	else if (rc != SQLITE_DONE)
		return fail(s, st, "thread reopen", e);
	sqlite3_reset(st);
	return id;
}

int
store_thread_rerouted_rcpt(struct store *s, const char *rcpt, char *out,
    size_t len, struct err *e)
{
	static const char sql[] =
	    "SELECT r2.rcpt FROM thread t JOIN report r1 ON r1.id = t.report_id"
	    " JOIN report r2 ON r2.id = t.rerouted_to WHERE r1.rcpt = ?"
	    " AND r2.state <> 'rejected' ORDER BY t.report_id DESC LIMIT 1";
	sqlite3_stmt	*st = store_stmt(s, sql, e);
	int		 rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, rcpt, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		col_text(st, 0, out, len);
		sqlite3_reset(st);
		return 1;
	}
	if (rc != SQLITE_DONE)
		return fail(s, st, "thread rerouted", e);
	sqlite3_reset(st);
	return 0;
}
