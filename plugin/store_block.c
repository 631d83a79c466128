/* SPDX-License-Identifier: MIT */
/*
 * The block area of the state store: its tables and every query on them.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "store.h"
#include "store_block.h"

const char store_sql_block[] =
	"CREATE TABLE block ("
	" id INTEGER PRIMARY KEY,"
	" responder TEXT NOT NULL,"
	" cidr TEXT NOT NULL,"
	" incident_id INTEGER,"
	" created_usec INTEGER NOT NULL,"
	" expires_usec INTEGER NOT NULL,"
	" removed_usec INTEGER,"
	" reason TEXT NOT NULL DEFAULT '');"
	"CREATE INDEX block_cidr ON block (cidr);"
	"CREATE INDEX block_active ON block (removed_usec, expires_usec);"
	"CREATE INDEX block_created ON block (created_usec);";

static int
step_done(struct store *s, sqlite3_stmt *st, const char *what, struct err *e)
{
	char w[96];

	snprintf(w, sizeof(w), "block %s", what);
	if (store_step_done(s, st, w, e) < 0)
		return -1;
	return sqlite3_changes(store_db(s));
}

int64_t
store_block_add(struct store *s, const char *responder, const char *cidr,
    int64_t incident_id, int64_t expires_usec, const char *reason,
    struct err *e)
{
	static const char sql[] =
	    "INSERT INTO block (responder, cidr, incident_id, created_usec,"
	    " expires_usec, reason) VALUES (?, ?, ?, ?, ?, ?)";
	sqlite3_stmt *st = store_stmt(s, sql, e);

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, responder, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, cidr, -1, SQLITE_STATIC);
	if (incident_id > 0)
		sqlite3_bind_int64(st, 3, incident_id);
	else
		sqlite3_bind_null(st, 3);
	sqlite3_bind_int64(st, 4, store_now_usec());
	sqlite3_bind_int64(st, 5, expires_usec);
	sqlite3_bind_text(st, 6, reason ? reason : "", -1, SQLITE_STATIC);
	if (step_done(s, st, cidr, e) < 0)
		return -1;
	return sqlite3_last_insert_rowid(store_db(s));
}

int
store_block_remove(struct store *s, const char *cidr, struct err *e)
{
	static const char sql[] =
	    "UPDATE block SET removed_usec = ?"
	    " WHERE cidr = ? AND removed_usec IS NULL";
	sqlite3_stmt *st = store_stmt(s, sql, e);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, store_now_usec());
	sqlite3_bind_text(st, 2, cidr, -1, SQLITE_STATIC);
	return step_done(s, st, cidr, e);
}

int
store_block_count(struct store *s, const char *cidr, struct err *e)
{
	static const char sql[] = "SELECT count(*) FROM block WHERE cidr = ?";
	sqlite3_stmt *st = store_stmt(s, sql, e);
	int n;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, cidr, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_ROW) {
		err_set(e, "store: block %s: %s", cidr,
		    sqlite3_errmsg(store_db(s)));
		sqlite3_reset(st);
		return -1;
	}
	n = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return n;
}

int
store_block_active(struct store *s, const char *cidr, int64_t now_usec,
    int64_t *expires_usec, struct err *e)
{
	static const char sql[] =
	    "SELECT max(expires_usec) FROM block WHERE cidr = ?"
	    " AND removed_usec IS NULL AND expires_usec > ?";
	sqlite3_stmt *st = store_stmt(s, sql, e);
	int found = 0;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, cidr, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now_usec);
	if (sqlite3_step(st) != SQLITE_ROW) {
		err_set(e, "store: block %s: %s", cidr,
		    sqlite3_errmsg(store_db(s)));
		sqlite3_reset(st);
		return -1;
	}
	if (sqlite3_column_type(st, 0) != SQLITE_NULL) {
		found = 1;
		if (expires_usec != NULL)
			*expires_usec = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	return found;
}

int
store_block_expire(struct store *s, int64_t now_usec, struct err *e)
{
	static const char sql[] =
	    "UPDATE block SET removed_usec = ?"
	    " WHERE removed_usec IS NULL AND expires_usec <= ?";
	sqlite3_stmt *st = store_stmt(s, sql, e);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now_usec);
	sqlite3_bind_int64(st, 2, now_usec);
	return step_done(s, st, "expire", e);
}

int
store_block_list(struct store *s, enum block_list_which which,
    int64_t now_usec, block_cb cb, void *arg, struct err *e)
{
	static const char sql_active[] =
	    "SELECT id, responder, cidr, incident_id, created_usec,"
	    " expires_usec, removed_usec, reason FROM block"
	    " WHERE removed_usec IS NULL AND expires_usec > ?"
	    " ORDER BY expires_usec, id";
	static const char sql_due[] =
	    "SELECT id, responder, cidr, incident_id, created_usec,"
	    " expires_usec, removed_usec, reason FROM block"
	    " WHERE removed_usec IS NULL AND expires_usec <= ?"
	    " ORDER BY expires_usec, id";
	static const char sql_all[] =
	    "SELECT id, responder, cidr, incident_id, created_usec,"
	    " expires_usec, removed_usec, reason FROM block"
	    " WHERE ? IS NOT NULL ORDER BY id DESC";
	sqlite3_stmt *st = store_stmt(s, which == BLOCK_LIST_ACTIVE ?
	    sql_active : which == BLOCK_LIST_DUE ? sql_due : sql_all, e);
	struct block_row r;
	const unsigned char *t;
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now_usec);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&r, 0, sizeof(r));
		r.id = sqlite3_column_int64(st, 0);
		if ((t = sqlite3_column_text(st, 1)) != NULL)
			snprintf(r.responder, sizeof(r.responder), "%s", t);
		if ((t = sqlite3_column_text(st, 2)) != NULL)
			snprintf(r.cidr, sizeof(r.cidr), "%s", t);
		r.incident_id = sqlite3_column_int64(st, 3);
		r.created_usec = sqlite3_column_int64(st, 4);
		r.expires_usec = sqlite3_column_int64(st, 5);
		r.removed_usec = sqlite3_column_int64(st, 6);
		if ((t = sqlite3_column_text(st, 7)) != NULL)
			snprintf(r.reason, sizeof(r.reason), "%s", t);
		if (cb(arg, &r) != 0) {
			sqlite3_reset(st);
			return 0;
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return err_set(e, "store: block list: %s",
		    sqlite3_errmsg(store_db(s)));
	return 0;
}

int
store_block_recent(struct store *s, int64_t since_usec, struct err *e)
{
	static const char sql[] =
	    "SELECT count(*) FROM block WHERE created_usec >= ?";
	sqlite3_stmt *st = store_stmt(s, sql, e);
	int n;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, since_usec);
	if (sqlite3_step(st) != SQLITE_ROW) {
		err_set(e, "store: block recent: %s",
		    sqlite3_errmsg(store_db(s)));
		sqlite3_reset(st);
		return -1;
	}
	n = sqlite3_column_int(st, 0);
	sqlite3_reset(st);
	return n;
}

int
store_block_drop(struct store *s, int64_t id, struct err *e)
{
	static const char sql[] = "DELETE FROM block WHERE id = ?";
	sqlite3_stmt *st = store_stmt(s, sql, e);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return step_done(s, st, "drop", e) < 0 ? -1 : 0;
}

int
store_block_set_responder(struct store *s, int64_t id, const char *responder,
    struct err *e)
{
	static const char sql[] = "UPDATE block SET responder = ? WHERE id = ?";
	sqlite3_stmt *st = store_stmt(s, sql, e);

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, responder, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	return step_done(s, st, "responder", e) < 0 ? -1 : 0;
}
