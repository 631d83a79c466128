/* SPDX-License-Identifier: MIT */
/*
 * The block area of the state store: its tables and every query on them.
 */
#include <sqlite3.h>

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
	"CREATE INDEX block_active ON block (removed_usec, expires_usec);";

static int
step_done(struct store *s, sqlite3_stmt *st, const char *what, struct err *e)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return err_set(e, "store: block %s: %s", what,
		    sqlite3_errmsg(store_db(s)));
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
