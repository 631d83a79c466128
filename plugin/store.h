/* SPDX-License-Identifier: MIT */
/*
 * The state store: one SQLite database in WAL mode with a schema version and
 * migrations. All SQL lives in store.c and the store_<area>.c files (input,
 * policy, block, contact, report), each declaring its functions in its own
 * store_<area>.h. Every connection is used by one thread; threads that need
 * the store open their own connection with store_open().
 */
#ifndef REDRESS_STORE_H
#define REDRESS_STORE_H

#include <sqlite3.h>
#include <stdint.h>

#include "err.h"

#define STORE_SCHEMA_VERSION	4

struct store;

/*
 * Opens (creating if needed) the database at path (":memory:" allowed),
 * sets WAL, busy timeout and synchronous=NORMAL, and migrates the schema.
 */
int	 store_open(const char *path, struct store **out, struct err *);
void	 store_close(struct store *);
int	 store_version(struct store *);
/* Explicit transactions: nestable (only the outermost commits). */
int	 store_begin(struct store *, struct err *);
int	 store_commit(struct store *, struct err *);
void	 store_rollback(struct store *);
int	 store_in_txn(struct store *);
/* The handle, for store_<area>.c only. */
sqlite3	*store_db(struct store *);
/*
 * A prepared statement cached per connection by its SQL text (the pointer
 * identity of a static string). Reset and bindings cleared before return.
 */
sqlite3_stmt *store_stmt(struct store *, const char *sql, struct err *);
/* Runs SQL with no results. */
int	 store_exec(struct store *, const char *sql, struct err *);
/*
 * Steps a statement that returns no rows (INSERT, UPDATE, DELETE) and
 * resets it: 0, or -1 with e ("store: WHAT: why").
 */
int	 store_step_done(struct store *, sqlite3_stmt *, const char *what,
	    struct err *);
/* Wall-clock now in µs, the timestamps of rows that are not event time. */
int64_t	 store_now_usec(void);

/* Per-area schema text, run in order by migration 1. */
extern const char store_sql_input[];
extern const char store_sql_policy[];
extern const char store_sql_block[];
extern const char store_sql_contact[];
extern const char store_sql_report[];
extern const char store_sql_report_v2[];
/* Migration 2: report threads (store_thread.c). */
extern const char store_sql_thread[];

#endif
