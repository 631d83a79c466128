/* SPDX-License-Identifier: MIT */
/*
 * SQLite connection, WAL setup, schema migrations, nestable transactions
 * and a per-connection cache of prepared statements.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store.h"
#include "store_note.h"
#include "store_policy.h"
#include "log.h"
#include "xmalloc.h"

#define STMT_CACHE	64

struct store {
	sqlite3		*db;
	int		 depth;
	struct {
		const char	*sql;
		sqlite3_stmt	*st;
	}		 cache[STMT_CACHE];
	size_t		 ncache;
	struct store_evidence *evidence;	/* store_evidence.c */
};

struct store_evidence *
store_evidence_state(struct store *s, int create)
{
	if (s->evidence == NULL && create)
		s->evidence = store_evidence_new();
	return s->evidence;
}

sqlite3 *
store_db(struct store *s)
{
	return s->db;
}

int64_t
store_now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int
store_exec(struct store *s, const char *sql, struct err *e)
{
	char *msg = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		err_set(e, "store: %s", msg ? msg : sqlite3_errmsg(s->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int
store_step_done(struct store *s, sqlite3_stmt *st, const char *what,
    struct err *e)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return err_set(e, "store: %s: %s", what, sqlite3_errmsg(s->db));
	return 0;
}

sqlite3_stmt *
store_stmt(struct store *s, const char *sql, struct err *e)
{
	sqlite3_stmt *st;
	size_t i;

	for (i = 0; i < s->ncache; i++)
		if (s->cache[i].sql == sql) {
			sqlite3_reset(s->cache[i].st);
			sqlite3_clear_bindings(s->cache[i].st);
			return s->cache[i].st;
		}
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		err_set(e, "store: prepare: %s", sqlite3_errmsg(s->db));
		return NULL;
	}
	if (s->ncache < STMT_CACHE) {
		s->cache[s->ncache].sql = sql;
		s->cache[s->ncache].st = st;
		s->ncache++;
	} else {
		/* Cache full: evict the oldest entry. */
		sqlite3_finalize(s->cache[0].st);
		memmove(&s->cache[0], &s->cache[1],
		    (STMT_CACHE - 1) * sizeof(s->cache[0]));
		s->cache[STMT_CACHE - 1].sql = sql;
		s->cache[STMT_CACHE - 1].st = st;
	}
	return st;
}

int
store_version(struct store *s)
{
	sqlite3_stmt *st;
	int v = 0;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st,
	    NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

static int
store_migrate(struct store *s, struct err *e)
{
	const char *v1[] = { store_sql_input, store_sql_policy,
	    store_sql_block, store_sql_contact, store_sql_report, NULL };
	char pragma[64];
	int v = store_version(s), i;

	if (v < 0)
		return err_set(e, "store: cannot read schema version: %s",
		    sqlite3_errmsg(s->db));
	if (v > STORE_SCHEMA_VERSION)
		return err_set(e, "store: schema version %d is newer than "
		    "this redress (%d); refusing to touch it", v,
		    STORE_SCHEMA_VERSION);
	if (v == STORE_SCHEMA_VERSION)
		return 0;
	if (store_exec(s, "BEGIN IMMEDIATE", e) < 0)
		return -1;
	if (v < 1)
		for (i = 0; v1[i]; i++)
			if (store_exec(s, v1[i], e) < 0)
				goto fail;
	if (v < 2 && store_exec(s, store_sql_report_v2, e) < 0)
		goto fail;
	if (v < 3 && store_exec(s, store_sql_note, e) < 0)
		goto fail;
	if (v < 4 && store_exec(s, store_sql_thread, e) < 0)
		goto fail;
	/* Later migrations go here: if (v < 5) ... */
	snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d",
	    STORE_SCHEMA_VERSION);
	if (store_exec(s, pragma, e) < 0 || store_exec(s, "COMMIT", e) < 0)
		goto fail;
	return 0;
fail:
	err_prefix(e, "schema migration to version %d: ",
	    STORE_SCHEMA_VERSION);
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

int
store_open(const char *path, struct store **out, struct err *e)
{
	struct store *s = xcalloc(1, sizeof(*s));

	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
		err_set(e, "store: %s: %s", path, s->db ?
		    sqlite3_errmsg(s->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_timeout(s->db, 10000);
	sqlite3_extended_result_codes(s->db, 1);
	if (store_exec(s, "PRAGMA journal_mode=WAL", e) < 0 ||
	    store_exec(s, "PRAGMA synchronous=NORMAL", e) < 0 ||
	    store_exec(s, "PRAGMA foreign_keys=ON", e) < 0 ||
	    store_migrate(s, e) < 0) {
		err_prefix(e, "%s: ", path);
		goto fail;
	}
	*out = s;
	return 0;
fail:
	store_close(s);
	return -1;
}

void
store_close(struct store *s)
{
	size_t i;

	if (s == NULL)
		return;
	if (s->evidence != NULL && s->depth == 0 && s->db != NULL) {
		struct err e = { 0 };

		/* The end alerts still held: written, or lost with a note. */
		if (store_exec(s, "BEGIN IMMEDIATE", &e) < 0 ||
		    store_evidence_flush(s, 1, &e) < 0 ||
		    store_exec(s, "COMMIT", &e) < 0) {
			sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
			log_warnx("%s", e.msg);
		}
	}
	store_evidence_free(s->evidence);
	for (i = 0; i < s->ncache; i++)
		sqlite3_finalize(s->cache[i].st);
	if (s->db)
		sqlite3_close(s->db);
	free(s);
}

int
store_begin(struct store *s, struct err *e)
{
	if (s->depth++ > 0)
		return 0;
	if (store_exec(s, "BEGIN IMMEDIATE", e) < 0) {
		s->depth = 0;
		return -1;
	}
	return 0;
}

int
store_commit(struct store *s, struct err *e)
{
	if (s->depth == 0)
		return 0;
	if (--s->depth > 0)
		return 0;
	if (store_evidence_flush(s, 0, e) < 0 ||
	    store_exec(s, "COMMIT", e) < 0) {
		store_evidence_rollback(s);
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

void
store_rollback(struct store *s)
{
	if (s->depth == 0)
		return;
	s->depth = 0;
	store_evidence_rollback(s);
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

int
store_in_txn(struct store *s)
{
	return s->depth > 0;
}
