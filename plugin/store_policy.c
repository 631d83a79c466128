/* SPDX-License-Identifier: MIT */
/*
 * The policy area of the state store: incidents, their evidence alerts,
 * decisions (the outbox rows of every side effect) and the threshold
 * windows that must survive a restart, with every query on them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store_policy.h"
#include "xmalloc.h"

const char store_sql_policy[] =
	"CREATE TABLE incident ("
	" id INTEGER PRIMARY KEY,"
	" kind TEXT NOT NULL,"
	" state TEXT NOT NULL,"
	" src TEXT NOT NULL,"
	" dst TEXT NOT NULL,"
	" first_usec INTEGER NOT NULL,"
	" last_usec INTEGER NOT NULL,"
	" tz_min INTEGER NOT NULL DEFAULT 0,"
	" alerts INTEGER NOT NULL DEFAULT 0,"
	" internal INTEGER NOT NULL DEFAULT 0,"
	" summary TEXT NOT NULL DEFAULT '{}');"
	"CREATE INDEX incident_state ON incident (state, last_usec);"
	"CREATE INDEX incident_last ON incident (last_usec);"
	"CREATE TABLE evidence ("
	" id INTEGER PRIMARY KEY,"
	" incident_id INTEGER NOT NULL REFERENCES incident(id),"
	" ts_usec INTEGER NOT NULL,"
	" alert TEXT NOT NULL,"
	" packet BLOB,"
	" linktype INTEGER NOT NULL DEFAULT 0);"
	"CREATE INDEX evidence_incident ON evidence (incident_id, ts_usec);"
	"CREATE TABLE decision ("
	" id INTEGER PRIMARY KEY,"
	" incident_id INTEGER NOT NULL,"
	" action TEXT NOT NULL,"
	" target TEXT NOT NULL,"
	" duration_s INTEGER NOT NULL DEFAULT 0,"
	" reason TEXT NOT NULL DEFAULT '',"
	" recipient TEXT NOT NULL DEFAULT '',"
	" state TEXT NOT NULL,"
	" event_usec INTEGER NOT NULL,"
	" created_usec INTEGER NOT NULL);"
	"CREATE INDEX decision_pending ON decision (action, state, id);"
	"CREATE INDEX decision_incident ON decision (incident_id);"
	"CREATE TABLE policy_window ("
	" key BLOB PRIMARY KEY,"
	" state BLOB NOT NULL);";

static const char *const kind_names[INCIDENT_KIND_MAX] = {
	"probe", "sweep", "scan", "brute-force", "exploit", "compromise",
	"dos", "other",
};

const char *
incident_kind_name(enum incident_kind k)
{
	if ((unsigned)k >= INCIDENT_KIND_MAX)
		return "other";
	return kind_names[k];
}

int
incident_kind_parse(const char *s, enum incident_kind *k)
{
	int i;

	for (i = 0; i < INCIDENT_KIND_MAX; i++)
		if (strcmp(s, kind_names[i]) == 0) {
			*k = (enum incident_kind)i;
			return 0;
		}
	if (strcmp(s, "brute_force") == 0 || strcmp(s, "bruteforce") == 0) {
		*k = INCIDENT_BRUTE_FORCE;
		return 0;
	}
	return -1;
}

void
incident_row_clear(struct incident_row *r)
{
	free(r->summary_json);
	r->summary_json = NULL;
}

static int
db_err(struct store *s, struct err *e, const char *what)
{
	return err_set(e, "store: %s: %s", what,
	    sqlite3_errmsg(store_db(s)));
}

static void
col_text(sqlite3_stmt *st, int i, char *buf, size_t len)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	strlcpy_r(buf, t != NULL ? (const char *)t : "", len);
}

int
store_incident_insert(struct store *s, struct incident_row *r, struct err *e)
{
	static const char sql[] = "INSERT INTO incident (kind, state, src,"
	    " dst, first_usec, last_usec, tz_min, alerts, internal, summary)"
	    " VALUES (?,?,?,?,?,?,?,?,?,?)";
	sqlite3_stmt *st = store_stmt(s, sql, e);

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, incident_kind_name(r->kind), -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->state[0] ? r->state : INCIDENT_STATE_OPEN,
	    -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, r->src, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, r->dst, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 5, r->first_usec);
	sqlite3_bind_int64(st, 6, r->last_usec);
	sqlite3_bind_int(st, 7, r->tz_min);
	sqlite3_bind_int64(st, 8, r->alerts);
	sqlite3_bind_int(st, 9, r->internal);
	sqlite3_bind_text(st, 10, r->summary_json ? r->summary_json : "{}",
	    -1, SQLITE_TRANSIENT);
	if (store_step_done(s, st, "insert incident", e) < 0)
		return -1;
	r->id = sqlite3_last_insert_rowid(store_db(s));
	if (!r->state[0])
		strlcpy_r(r->state, INCIDENT_STATE_OPEN, sizeof(r->state));
	return 0;
}

int
store_incident_update(struct store *s, const struct incident_row *r,
    struct err *e)
{
	static const char sql[] = "UPDATE incident SET kind = ?, state = ?,"
	    " src = ?, dst = ?, first_usec = ?, last_usec = ?, tz_min = ?,"
	    " alerts = ?, internal = ?, summary = ? WHERE id = ?";
	sqlite3_stmt *st = store_stmt(s, sql, e);

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, incident_kind_name(r->kind), -1,
	    SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->state, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, r->src, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 4, r->dst, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 5, r->first_usec);
	sqlite3_bind_int64(st, 6, r->last_usec);
	sqlite3_bind_int(st, 7, r->tz_min);
	sqlite3_bind_int64(st, 8, r->alerts);
	sqlite3_bind_int(st, 9, r->internal);
	sqlite3_bind_text(st, 10, r->summary_json ? r->summary_json : "{}",
	    -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 11, r->id);
	return store_step_done(s, st, "update incident", e);
}

/* UPDATE <table> SET state = ? WHERE id = ?; a missing row is an error. */
static int
set_state(struct store *s, const char *sql, const char *table, int64_t id,
    const char *state, struct err *e)
{
	char what[32];
	sqlite3_stmt *st = store_stmt(s, sql, e);

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, state, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, id);
	snprintf(what, sizeof(what), "%s state", table);
	if (store_step_done(s, st, what, e) < 0)
		return -1;
	if (sqlite3_changes(store_db(s)) == 0)
		return err_set(e, "store: no %s %lld", table, (long long)id);
	return 0;
}

int
store_incident_set_state(struct store *s, int64_t id, const char *state,
    struct err *e)
{
	static const char sql[] = "UPDATE incident SET state = ? WHERE id = ?";

	return set_state(s, sql, "incident", id, state, e);
}

#define INCIDENT_COLS	"id, kind, state, src, dst, first_usec, last_usec," \
	" tz_min, alerts, internal, summary"

static void
incident_read(sqlite3_stmt *st, struct incident_row *r)
{
	const unsigned char *t;

	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(st, 0);
	t = sqlite3_column_text(st, 1);
	if (t == NULL || incident_kind_parse((const char *)t, &r->kind) < 0)
		r->kind = INCIDENT_OTHER;
	col_text(st, 2, r->state, sizeof(r->state));
	col_text(st, 3, r->src, sizeof(r->src));
	col_text(st, 4, r->dst, sizeof(r->dst));
	r->first_usec = sqlite3_column_int64(st, 5);
	r->last_usec = sqlite3_column_int64(st, 6);
	r->tz_min = sqlite3_column_int(st, 7);
	r->alerts = sqlite3_column_int64(st, 8);
	r->internal = sqlite3_column_int(st, 9);
	t = sqlite3_column_text(st, 10);
	r->summary_json = xstrdup(t ? (const char *)t : "{}");
}

int
store_incident_get(struct store *s, int64_t id, struct incident_row *r,
    struct err *e)
{
	static const char sql[] = "SELECT " INCIDENT_COLS
	    " FROM incident WHERE id = ?";
	sqlite3_stmt *st = store_stmt(s, sql, e);
	int rc;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		incident_read(st, r);
		sqlite3_reset(st);
		return 1;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_err(s, e, "get incident");
	return 0;
}

/* Runs a prepared SELECT of INCIDENT_COLS and calls cb for each row. */
static int
incident_each(struct store *s, sqlite3_stmt *st, incident_cb cb, void *arg,
    struct err *e)
{
	struct incident_row r;
	int rc, stop = 0;

	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		incident_read(st, &r);
		stop = cb(arg, &r);
		incident_row_clear(&r);
	}
	sqlite3_reset(st);
	if (!stop && rc != SQLITE_DONE)
		return db_err(s, e, "list incidents");
	return stop < 0 ? -1 : 0;
}

int
store_incident_list(struct store *s, int open_only, int64_t since_usec,
    incident_cb cb, void *arg, struct err *e)
{
	static const char sql[] = "SELECT " INCIDENT_COLS " FROM incident"
	    " WHERE last_usec >= ? AND (? = 0 OR state != 'closed')"
	    " ORDER BY last_usec DESC, id DESC";
	sqlite3_stmt *st = store_stmt(s, sql, e);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, since_usec);
	sqlite3_bind_int(st, 2, open_only);
	return incident_each(s, st, cb, arg, e);
}

int
store_incident_list_open(struct store *s, incident_cb cb, void *arg,
    struct err *e)
{
	static const char sql[] = "SELECT " INCIDENT_COLS " FROM incident"
	    " WHERE state != 'closed' ORDER BY id";
	sqlite3_stmt *st = store_stmt(s, sql, e);

	if (st == NULL)
		return -1;
	return incident_each(s, st, cb, arg, e);
}

int
store_decision_insert(struct store *s, struct decision_row *r, struct err *e)
{
	static const char sql[] = "INSERT INTO decision (incident_id, action,"
	    " target, duration_s, reason, recipient, state, event_usec,"
	    " created_usec) VALUES (?,?,?,?,?,?,?,?,?)";
	sqlite3_stmt *st = store_stmt(s, sql, e);

	if (st == NULL)
		return -1;
	if (!r->state[0])
		strlcpy_r(r->state, DECISION_PENDING, sizeof(r->state));
	if (r->created_usec == 0)
		r->created_usec = store_now_usec();
	sqlite3_bind_int64(st, 1, r->incident_id);
	sqlite3_bind_text(st, 2, r->action, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 3, r->target, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, r->duration_s);
	sqlite3_bind_text(st, 5, r->reason, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 6, r->recipient, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 7, r->state, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 8, r->event_usec);
	sqlite3_bind_int64(st, 9, r->created_usec);
	if (store_step_done(s, st, "insert decision", e) < 0)
		return -1;
	r->id = sqlite3_last_insert_rowid(store_db(s));
	return 0;
}

int
store_decision_set_state(struct store *s, int64_t id, const char *state,
    struct err *e)
{
	static const char sql[] = "UPDATE decision SET state = ? WHERE id = ?";

	return set_state(s, sql, "decision", id, state, e);
}

#define DECISION_COLS	"id, incident_id, action, target, duration_s," \
	" reason, recipient, state, event_usec, created_usec"

static int
decision_each(struct store *s, sqlite3_stmt *st, decision_cb cb, void *arg,
    struct err *e)
{
	struct decision_row r;
	int rc, stop = 0;

	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&r, 0, sizeof(r));
		r.id = sqlite3_column_int64(st, 0);
		r.incident_id = sqlite3_column_int64(st, 1);
		col_text(st, 2, r.action, sizeof(r.action));
		col_text(st, 3, r.target, sizeof(r.target));
		r.duration_s = sqlite3_column_int64(st, 4);
		col_text(st, 5, r.reason, sizeof(r.reason));
		col_text(st, 6, r.recipient, sizeof(r.recipient));
		col_text(st, 7, r.state, sizeof(r.state));
		r.event_usec = sqlite3_column_int64(st, 8);
		r.created_usec = sqlite3_column_int64(st, 9);
		stop = cb(arg, &r);
	}
	sqlite3_reset(st);
	if (!stop && rc != SQLITE_DONE)
		return db_err(s, e, "list decisions");
	return stop < 0 ? -1 : 0;
}

int
store_decision_pending(struct store *s, const char *action, size_t max,
    decision_cb cb, void *arg, struct err *e)
{
	static const char sql[] = "SELECT " DECISION_COLS " FROM decision"
	    " WHERE action = ? AND state = 'pending' ORDER BY id LIMIT ?";
	sqlite3_stmt *st = store_stmt(s, sql, e);

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, action, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, max ? (int64_t)max : -1);
	return decision_each(s, st, cb, arg, e);
}

int
store_decision_list_incident(struct store *s, int64_t incident_id,
    decision_cb cb, void *arg, struct err *e)
{
	static const char sql[] = "SELECT " DECISION_COLS " FROM decision"
	    " WHERE incident_id = ? ORDER BY id";
	sqlite3_stmt *st = store_stmt(s, sql, e);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, incident_id);
	return decision_each(s, st, cb, arg, e);
}

/*
 * Policy state is kept in two tables: policy_window, the state as of the
 * last load (one row per key), and policy_log, every save and delete since
 * then in the order made (a NULL state deletes the key). A save appends a
 * row at the end of one B-tree instead of rewriting a page at a random key
 * (measured: 1.4 pages written per flood alert before), so a commit writes
 * about as many pages as its rows fill. Loading folds the log into
 * policy_window first, the latest row of a key winning; the daemon trims
 * the oldest log rows as it goes (store_window_oldest, _trim).
 */
static int
window_log_create(struct store *s, struct err *e)
{
	return store_exec(s, "CREATE TABLE IF NOT EXISTS policy_log ("
	    " id INTEGER PRIMARY KEY, key BLOB NOT NULL, state BLOB)", e);
}

int
store_window_save(struct store *s, const void *key, size_t keylen,
    const void *state, size_t statelen, struct err *e)
{
	static const char sql[] = "INSERT INTO policy_log"
	    " (key, state) VALUES (?,?)";
	sqlite3_stmt *st = store_stmt(s, sql, e);

	if (st == NULL)
		return -1;
	sqlite3_bind_blob(st, 1, key, (int)keylen, SQLITE_TRANSIENT);
	if (state == NULL)
		sqlite3_bind_null(st, 2);
	else
		sqlite3_bind_blob(st, 2, state, (int)statelen,
		    SQLITE_TRANSIENT);
	return store_step_done(s, st, "save policy state", e);
}

/* Folds policy_log into policy_window (latest row of a key wins). */
#define WINDOW_LATEST "(SELECT key, state, max(id) FROM policy_log" \
	" GROUP BY key)"
static int
window_fold(struct store *s, struct err *e)
{
	if (store_begin(s, e) < 0)
		return -1;
	if (window_log_create(s, e) < 0 ||
	    store_exec(s, "INSERT OR REPLACE INTO policy_window (key, state)"
	    " SELECT key, state FROM " WINDOW_LATEST
	    " WHERE state IS NOT NULL", e) < 0 ||
	    store_exec(s, "DELETE FROM policy_window WHERE key IN"
	    " (SELECT key FROM " WINDOW_LATEST " WHERE state IS NULL)",
	    e) < 0 ||
	    store_exec(s, "DELETE FROM policy_log", e) < 0) {
		store_rollback(s);
		return -1;
	}
	return store_commit(s, e);
}

int
store_window_load(struct store *s, window_cb cb, void *arg, struct err *e)
{
	static const char sql[] = "SELECT key, state FROM policy_window";
	sqlite3_stmt *st;
	int rc, stop = 0;

	if (window_fold(s, e) < 0)
		return -1;
	if ((st = store_stmt(s, sql, e)) == NULL)
		return -1;
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW)
		stop = cb(arg, sqlite3_column_blob(st, 0),
		    (size_t)sqlite3_column_bytes(st, 0),
		    sqlite3_column_blob(st, 1),
		    (size_t)sqlite3_column_bytes(st, 1));
	sqlite3_reset(st);
	if (!stop && rc != SQLITE_DONE)
		return db_err(s, e, "load policy state");
	return stop < 0 ? -1 : 0;
}

int
store_window_clear(struct store *s, struct err *e)
{
	if (window_log_create(s, e) < 0 ||
	    store_exec(s, "DELETE FROM policy_log", e) < 0)
		return -1;
	return store_exec(s, "DELETE FROM policy_window", e);
}

int
store_window_delete(struct store *s, const void *key, size_t keylen,
    struct err *e)
{
	return store_window_save(s, key, keylen, NULL, 0, e);
}

int
store_window_oldest(struct store *s, size_t limit, window_cb cb, void *arg,
    int64_t *last_id, struct err *e)
{
	static const char sql[] = "SELECT id, key FROM policy_log"
	    " ORDER BY id LIMIT ?";
	sqlite3_stmt *st = store_stmt(s, sql, e);
	int rc, stop = 0;

	*last_id = 0;
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)limit);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		*last_id = sqlite3_column_int64(st, 0);
		stop = cb(arg, sqlite3_column_blob(st, 1),
		    (size_t)sqlite3_column_bytes(st, 1), NULL, 0);
	}
	sqlite3_reset(st);
	if (!stop && rc != SQLITE_DONE)
		return db_err(s, e, "read policy log");
	return stop < 0 ? -1 : 0;
}

int
store_window_trim(struct store *s, int64_t last_id, struct err *e)
{
	static const char sql[] = "DELETE FROM policy_log WHERE id <= ?";
	sqlite3_stmt *st = store_stmt(s, sql, e);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, last_id);
	return store_step_done(s, st, "trim policy log", e);
}
