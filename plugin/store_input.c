/* SPDX-License-Identifier: MIT */
/*
 * Input bookmarks: one row per input with its opaque position text, written
 * in the same transaction as the decisions of the alerts before it.
 */
#include <string.h>

#include "store_input.h"
#include "xmalloc.h"

const char store_sql_input[] =
	"CREATE TABLE bookmark ("
	" input_id TEXT PRIMARY KEY,"
	" position TEXT NOT NULL,"
	" updated_usec INTEGER NOT NULL);";

int
store_bookmark_get(struct store *s, const char *id, char *buf, size_t len,
    struct err *e)
{
	static const char sql[] =
	    "SELECT position FROM bookmark WHERE input_id = ?";
	sqlite3_stmt *st = store_stmt(s, sql, e);
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		strlcpy_r(buf, (const char *)sqlite3_column_text(st, 0), len);
		sqlite3_reset(st);
		return 1;
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return 0;
	return err_set(e, "store: bookmark %s: %s", id,
	    sqlite3_errmsg(store_db(s)));
}

int
store_bookmark_put(struct store *s, const char *id, const char *text,
    struct err *e)
{
	static const char sql[] =
	    "INSERT INTO bookmark (input_id, position, updated_usec)"
	    " VALUES (?, ?, ?) ON CONFLICT(input_id) DO UPDATE SET"
	    " position = excluded.position,"
	    " updated_usec = excluded.updated_usec";
	sqlite3_stmt *st = store_stmt(s, sql, e);

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, store_now_usec());
	if (sqlite3_step(st) != SQLITE_DONE) {
		err_set(e, "store: bookmark %s: %s", id,
		    sqlite3_errmsg(store_db(s)));
		sqlite3_reset(st);
		return -1;
	}
	sqlite3_reset(st);
	return 0;
}
