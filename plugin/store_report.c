/* SPDX-License-Identifier: MIT */
/*
 * The report area of the state store: report rows with their review and
 * delivery state, the incidents each report covers, per-recipient SMTP
 * results, and every query on them.
 */
#include <string.h>

#include "store_report.h"
#include "xmalloc.h"

const char store_sql_report[] =
	"CREATE TABLE report ("
	" id INTEGER PRIMARY KEY,"
	" state TEXT NOT NULL,"
	" recipient TEXT NOT NULL,"
	" rcpt TEXT NOT NULL,"
	" kind TEXT NOT NULL,"
	" message_id TEXT NOT NULL UNIQUE,"
	" in_reply_to TEXT NOT NULL DEFAULT '',"
	" subject TEXT NOT NULL,"
	" path TEXT NOT NULL DEFAULT '',"
	" low_confidence INTEGER NOT NULL DEFAULT 0,"
	" created_usec INTEGER NOT NULL,"
	" updated_usec INTEGER NOT NULL,"
	" period_end_usec INTEGER NOT NULL DEFAULT 0,"
	" attempts INTEGER NOT NULL DEFAULT 0,"
	" next_attempt_usec INTEGER NOT NULL DEFAULT 0,"
	" last_error TEXT NOT NULL DEFAULT '',"
	" reason TEXT NOT NULL DEFAULT '');"
	"CREATE INDEX report_state ON report (state, next_attempt_usec);"
	"CREATE INDEX report_rcpt_time ON report (rcpt, created_usec);"
	"CREATE TABLE report_incident ("
	" report_id INTEGER NOT NULL REFERENCES report(id),"
	" incident_id INTEGER NOT NULL,"
	" src TEXT NOT NULL,"
	" PRIMARY KEY (report_id, incident_id));"
	"CREATE INDEX report_incident_src ON report_incident (src);"
	"CREATE TABLE report_result ("
	" report_id INTEGER NOT NULL REFERENCES report(id),"
	" rcpt TEXT NOT NULL,"
	" state TEXT NOT NULL,"
	" code INTEGER NOT NULL,"
	" reply TEXT NOT NULL,"
	" usec INTEGER NOT NULL,"
	" PRIMARY KEY (report_id, rcpt));";

/* Schema 2: every message handed to the relay, per recipient domain, so
 * that the hourly limits hold across restarts and separate runs. */
const char store_sql_report_v2[] =
	"CREATE TABLE mail_rate ("
	" usec INTEGER NOT NULL,"
	" report_id INTEGER NOT NULL,"
	" attempt INTEGER NOT NULL,"
	" domain TEXT NOT NULL);"
	"CREATE INDEX mail_rate_usec ON mail_rate (usec);"
	"CREATE INDEX mail_rate_domain ON mail_rate (domain, usec);";

#define REPORT_COLS							\
	"id, state, recipient, rcpt, kind, message_id, in_reply_to,"	\
	" subject, path, low_confidence, created_usec, updated_usec,"	\
	" period_end_usec, attempts, next_attempt_usec, last_error, reason"

static void
col_text(sqlite3_stmt *st, int i, char *buf, size_t len)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	strlcpy_r(buf, t != NULL ? (const char *)t : "", len);
}

static void
row_read(sqlite3_stmt *st, struct report_row *r)
{
	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(st, 0);
	col_text(st, 1, r->state, sizeof(r->state));
	col_text(st, 2, r->recipient, sizeof(r->recipient));
	col_text(st, 3, r->rcpt, sizeof(r->rcpt));
	col_text(st, 4, r->kind, sizeof(r->kind));
	col_text(st, 5, r->message_id, sizeof(r->message_id));
	col_text(st, 6, r->in_reply_to, sizeof(r->in_reply_to));
	col_text(st, 7, r->subject, sizeof(r->subject));
	col_text(st, 8, r->path, sizeof(r->path));
	r->low_confidence = sqlite3_column_int(st, 9);
	r->created_usec = sqlite3_column_int64(st, 10);
	r->updated_usec = sqlite3_column_int64(st, 11);
	r->period_end_usec = sqlite3_column_int64(st, 12);
	r->attempts = sqlite3_column_int(st, 13);
	r->next_attempt_usec = sqlite3_column_int64(st, 14);
	col_text(st, 15, r->last_error, sizeof(r->last_error));
	col_text(st, 16, r->reason, sizeof(r->reason));
}

/* Steps a SELECT of REPORT_COLS, calling cb per row. */
static int
each_row(struct store *s, sqlite3_stmt *st, report_cb cb, void *arg,
    struct err *e)
{
	struct report_row	r;
	int			rc, n = 0;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row_read(st, &r);
		n++;
		if (cb(arg, &r) != 0)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sqlite3_reset(st);
		return err_set(e, "store: reports: %s",
		    sqlite3_errmsg(store_db(s)));
	}
	sqlite3_reset(st);
	return n;
}

static void
bind_mutable(sqlite3_stmt *st, const struct report_row *r)
{
	sqlite3_bind_text(st, 1, r->state, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->recipient, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, r->rcpt, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, r->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, r->message_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, r->in_reply_to, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, r->subject, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, r->path, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 9, r->low_confidence);
	sqlite3_bind_int64(st, 10, r->period_end_usec);
	sqlite3_bind_int(st, 11, r->attempts);
	sqlite3_bind_int64(st, 12, r->next_attempt_usec);
	sqlite3_bind_text(st, 13, r->last_error, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 14, r->reason, -1, SQLITE_STATIC);
}

int
store_report_insert(struct store *s, struct report_row *r, struct err *e)
{
	static const char sql[] =
	    "INSERT INTO report (state, recipient, rcpt, kind, message_id,"
	    " in_reply_to, subject, path, low_confidence, period_end_usec,"
	    " attempts, next_attempt_usec, last_error, reason, created_usec,"
	    " updated_usec) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
	sqlite3_stmt	*st = store_stmt(s, sql, e);
	int64_t		 now = store_now_usec();

	if (st == NULL)
		return -1;
	if (r->created_usec == 0)
		r->created_usec = now;
	r->updated_usec = now;
	bind_mutable(st, r);
	sqlite3_bind_int64(st, 15, r->created_usec);
	sqlite3_bind_int64(st, 16, r->updated_usec);
	if (store_step_done(s, st, "report insert", e) == -1)
		return -1;
	r->id = sqlite3_last_insert_rowid(store_db(s));
	return 0;
}

int
store_report_update(struct store *s, const struct report_row *r,
    struct err *e)
{
	static const char sql[] =
	    "UPDATE report SET state = ?1, recipient = ?2, rcpt = ?3,"
	    " kind = ?4, message_id = ?5, in_reply_to = ?6, subject = ?7,"
	    " path = ?8, low_confidence = ?9, period_end_usec = ?10,"
	    " attempts = ?11, next_attempt_usec = ?12, last_error = ?13,"
	    " reason = ?14, updated_usec = ?15 WHERE id = ?16";
	sqlite3_stmt	*st = store_stmt(s, sql, e);

	if (st == NULL)
		return -1;
	bind_mutable(st, r);
	sqlite3_bind_int64(st, 15, store_now_usec());
	sqlite3_bind_int64(st, 16, r->id);
	return store_step_done(s, st, "report update", e);
}

int
store_report_get(struct store *s, int64_t id, struct report_row *r,
    struct err *e)
{
	static const char sql[] =
	    "SELECT " REPORT_COLS " FROM report WHERE id = ?";
	sqlite3_stmt	*st = store_stmt(s, sql, e);
	int		 rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		row_read(st, r);
		sqlite3_reset(st);
		return 1;
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return 0;
	return err_set(e, "store: report %lld: %s", (long long)id,
	    sqlite3_errmsg(store_db(s)));
}

int
store_report_set_state(struct store *s, int64_t id, const char *from,
    const char *to, const char *note, struct err *e)
{
	static const char sql[] =
	    "UPDATE report SET state = ?1, updated_usec = ?2,"
	    " reason = CASE WHEN ?3 IS NULL THEN reason ELSE ?3 END"
	    " WHERE id = ?4 AND (?5 IS NULL OR state = ?5)";
	sqlite3_stmt	*st = store_stmt(s, sql, e);

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, to, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, store_now_usec());
	if (note != NULL)
		sqlite3_bind_text(st, 3, note, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, id);
	if (from != NULL)
		sqlite3_bind_text(st, 5, from, -1, SQLITE_STATIC);
	if (store_step_done(s, st, "report state", e) == -1)
		return -1;
	return sqlite3_changes(store_db(s)) > 0 ? 1 : 0;
}

int
store_report_list(struct store *s, const char *state, report_cb cb,
    void *arg, struct err *e)
{
	static const char sql[] =
	    "SELECT " REPORT_COLS " FROM report"
	    " WHERE ?1 IS NULL OR state = ?1 ORDER BY id";
	sqlite3_stmt	*st = store_stmt(s, sql, e);

	if (st == NULL)
		return -1;
	if (state != NULL)
		sqlite3_bind_text(st, 1, state, -1, SQLITE_STATIC);
	return each_row(s, st, cb, arg, e);
}

int
store_report_due(struct store *s, int64_t now, report_cb cb, void *arg,
    struct err *e)
{
	static const char sql[] =
	    "SELECT " REPORT_COLS " FROM report"
	    " WHERE state IN ('approved', 'queued')"
	    " AND next_attempt_usec <= ? ORDER BY next_attempt_usec, id";
	sqlite3_stmt	*st = store_stmt(s, sql, e);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	return each_row(s, st, cb, arg, e);
}

int
store_report_link(struct store *s, int64_t report_id, int64_t incident_id,
    const char *src, struct err *e)
{
	static const char sql[] =
	    "INSERT OR IGNORE INTO report_incident (report_id, incident_id,"
	    " src) VALUES (?, ?, ?)";
	sqlite3_stmt	*st = store_stmt(s, sql, e);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, report_id);
	sqlite3_bind_int64(st, 2, incident_id);
	sqlite3_bind_text(st, 3, src, -1, SQLITE_STATIC);
	return store_step_done(s, st, "report link", e);
}

int
store_report_incidents(struct store *s, int64_t report_id,
    report_incident_cb cb, void *arg, struct err *e)
{
	static const char sql[] =
	    "SELECT incident_id, src FROM report_incident"
	    " WHERE report_id = ? ORDER BY incident_id";
	sqlite3_stmt	*st = store_stmt(s, sql, e);
	int		 rc, n = 0;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, report_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		n++;
		if (cb(arg, sqlite3_column_int64(st, 0),
		    (const char *)sqlite3_column_text(st, 1)) != 0)
			break;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return err_set(e, "store: report incidents: %s",
		    sqlite3_errmsg(store_db(s)));
	return n;
}

int
store_report_find(struct store *s, const char *rcpt, const char *src,
    int open_draft, int64_t since, struct report_row *r, struct err *e)
{
	static const char sql_draft[] =
	    "SELECT " REPORT_COLS " FROM report WHERE rcpt = ?1"
	    " AND state = 'draft' AND period_end_usec > ?2"
	    " ORDER BY id DESC LIMIT 1";
	static const char sql_src[] =
	    "SELECT " REPORT_COLS " FROM report r WHERE rcpt = ?1"
	    " AND created_usec >= ?2 AND state NOT IN ('rejected')"
	    " AND EXISTS (SELECT 1 FROM report_incident i"
	    "  WHERE i.report_id = r.id AND i.src = ?3)"
	    " ORDER BY id DESC LIMIT 1";
	sqlite3_stmt	*st = store_stmt(s, open_draft ? sql_draft : sql_src, e);
	int		 rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, rcpt, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, since);
	if (!open_draft)
		sqlite3_bind_text(st, 3, src, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		row_read(st, r);
		sqlite3_reset(st);
		return 1;
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return 0;
	return err_set(e, "store: report find: %s",
	    sqlite3_errmsg(store_db(s)));
}

int
store_report_rcpt_set(struct store *s, int64_t report_id, const char *rcpt,
    const char *state, int code, const char *reply, struct err *e)
{
	static const char sql[] =
	    "INSERT INTO report_result (report_id, rcpt, state, code, reply,"
	    " usec) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(report_id, rcpt)"
	    " DO UPDATE SET state = excluded.state, code = excluded.code,"
	    " reply = excluded.reply, usec = excluded.usec";
	sqlite3_stmt	*st = store_stmt(s, sql, e);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, report_id);
	sqlite3_bind_text(st, 2, rcpt, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, state, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, code);
	sqlite3_bind_text(st, 5, reply != NULL ? reply : "", -1,
	    SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, store_now_usec());
	return store_step_done(s, st, "report result", e);
}

int
store_report_rcpts(struct store *s, int64_t report_id, report_rcpt_cb cb,
    void *arg, struct err *e)
{
	static const char sql[] =
	    "SELECT rcpt, state, code, reply FROM report_result"
	    " WHERE report_id = ? ORDER BY rcpt";
	sqlite3_stmt	*st = store_stmt(s, sql, e);
	int		 rc, n = 0;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, report_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		n++;
		if (cb(arg, (const char *)sqlite3_column_text(st, 0),
		    (const char *)sqlite3_column_text(st, 1),
		    sqlite3_column_int(st, 2),
		    (const char *)sqlite3_column_text(st, 3)) != 0)
			break;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return err_set(e, "store: report results: %s",
		    sqlite3_errmsg(store_db(s)));
	return n;
}

int
store_report_rate_add(struct store *s, int64_t report_id, int attempt,
    const char *domain, int64_t usec, struct err *e)
{
	static const char sql[] =
	    "INSERT INTO mail_rate (usec, report_id, attempt, domain)"
	    " VALUES (?, ?, ?, lower(?))";
	static const char prune[] =
	    "DELETE FROM mail_rate WHERE usec < ?";
	sqlite3_stmt	*st = store_stmt(s, sql, e);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, usec);
	sqlite3_bind_int64(st, 2, report_id);
	sqlite3_bind_int(st, 3, attempt);
	sqlite3_bind_text(st, 4, domain, -1, SQLITE_STATIC);
	if (store_step_done(s, st, "mail rate", e) == -1)
		return -1;
	if ((st = store_stmt(s, prune, e)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, usec - 2 * 3600000000LL);
	return store_step_done(s, st, "mail rate prune", e);
}

int
store_report_rate_drop(struct store *s, int64_t report_id, int attempt,
    struct err *e)
{
	static const char sql[] =
	    "DELETE FROM mail_rate WHERE report_id = ? AND attempt = ?";
	sqlite3_stmt	*st = store_stmt(s, sql, e);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, report_id);
	sqlite3_bind_int(st, 2, attempt);
	return store_step_done(s, st, "mail rate drop", e);
}

static int
count_one(struct store *s, sqlite3_stmt *st, long *out, struct err *e)
{
	int rc = sqlite3_step(st);

	*out = rc == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return err_set(e, "store: mail rate: %s",
		    sqlite3_errmsg(store_db(s)));
	return 0;
}

int
store_report_rate_count(struct store *s, int64_t since, const char *domain,
    long *total, long *in_domain, struct err *e)
{
	static const char sql_total[] =
	    "SELECT count(*) FROM (SELECT DISTINCT report_id, attempt"
	    " FROM mail_rate WHERE usec > ?)";
	static const char sql_dom[] =
	    "SELECT count(*) FROM mail_rate WHERE domain = lower(?) AND"
	    " usec > ?";
	sqlite3_stmt	*st = store_stmt(s, sql_total, e);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, since);
	if (count_one(s, st, total, e) == -1)
		return -1;
	if ((st = store_stmt(s, sql_dom, e)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, domain, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, since);
	return count_one(s, st, in_domain, e);
}
