/* SPDX-License-Identifier: MIT */
/*
 * Notes of what responders did for an incident beyond blocking (see
 * store_note.h): written in the transaction that records the block.
 */
#include <string.h>

#include <sqlite3.h>

#include "store_note.h"
#include "xmalloc.h"

const char store_sql_note[] =
	"CREATE TABLE note ("
	" id INTEGER PRIMARY KEY,"
	" incident_id INTEGER NOT NULL DEFAULT 0,"
	" at_usec INTEGER NOT NULL,"
	" source TEXT NOT NULL,"
	" subject TEXT NOT NULL DEFAULT '',"
	" text TEXT NOT NULL);"
	"CREATE INDEX note_incident ON note (incident_id);"
	"CREATE INDEX note_subject ON note (source, subject);";

int64_t
store_note_add(struct store *s, int64_t incident_id, const char *source,
    const char *subject, const char *text, struct err *e)
{
	static const char sql[] = "INSERT INTO note (incident_id, at_usec, "
	    "source, subject, text) VALUES (?, ?, ?, ?, ?)";
	sqlite3_stmt *st;

	if ((st = store_stmt(s, sql, e)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, incident_id);
	sqlite3_bind_int64(st, 2, store_now_usec());
	sqlite3_bind_text(st, 3, source, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, subject ? subject : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, text, -1, SQLITE_STATIC);
	if (store_step_done(s, st, "note", e) < 0)
		return -1;
	return sqlite3_last_insert_rowid(store_db(s));
}

static void
col_copy(sqlite3_stmt *st, int i, char *buf, size_t len)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	strlcpy_r(buf, t ? (const char *)t : "", len);
}

/* A row of "SELECT id, incident_id, at_usec, source, subject, text". */
static void
note_read(sqlite3_stmt *st, struct note_row *r)
{
	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(st, 0);
	r->incident_id = sqlite3_column_int64(st, 1);
	r->at_usec = sqlite3_column_int64(st, 2);
	col_copy(st, 3, r->source, sizeof(r->source));
	col_copy(st, 4, r->subject, sizeof(r->subject));
	col_copy(st, 5, r->text, sizeof(r->text));
}

int
store_note_list(struct store *s, int64_t incident_id, store_note_cb cb,
    void *arg, struct err *e)
{
	static const char sql[] = "SELECT id, incident_id, at_usec, source, "
	    "subject, text FROM note WHERE incident_id = ? ORDER BY id";
	sqlite3_stmt *st;
	struct note_row r;
	int rc;

	if ((st = store_stmt(s, sql, e)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, incident_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		note_read(st, &r);
		if (cb(arg, &r) != 0) {
			sqlite3_reset(st);
			return 0;
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return err_set(e, "store: notes: %s",
		    sqlite3_errmsg(store_db(s)));
	return 0;
}

int64_t
store_note_last_incident(struct store *s, const char *source,
    const char *subject, struct err *e)
{
	static const char sql[] = "SELECT incident_id FROM note WHERE "
	    "source = ? AND subject = ? ORDER BY id DESC LIMIT 1";
	sqlite3_stmt *st;
	int64_t id = 0;
	int rc;

	if ((st = store_stmt(s, sql, e)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, subject, -1, SQLITE_STATIC);
	if ((rc = sqlite3_step(st)) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return err_set(e, "store: notes: %s",
		    sqlite3_errmsg(store_db(s)));
	return id;
}

int
store_note_locked(struct store *s, const char *source, store_note_cb cb,
    void *arg, struct err *e)
{
	/* Per subject, the latest lock or unlock; those that are a lock. */
	static const char sql[] = "SELECT n.id, n.incident_id, n.at_usec, "
	    "n.source, n.subject, n.text FROM note n WHERE n.source = ?1 AND "
	    "n.text LIKE 'locked %' AND n.id = (SELECT MAX(m.id) FROM note m "
	    "WHERE m.source = ?1 AND m.subject = n.subject AND (m.text LIKE "
	    "'locked %' OR m.text LIKE 'unlocked %')) ORDER BY n.id";
	sqlite3_stmt *st;
	struct note_row r;
	int rc;

	if ((st = store_stmt(s, sql, e)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, source, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		note_read(st, &r);
		if (cb(arg, &r) != 0)
			break;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return err_set(e, "store: notes: %s",
		    sqlite3_errmsg(store_db(s)));
	return 0;
}
