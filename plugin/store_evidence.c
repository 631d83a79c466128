/* SPDX-License-Identifier: MIT */
/*
 * Evidence alerts in the state store. An incident keeps its first
 * alerts (written as they come, up to policy.evidence_max) and its last
 * policy.evidence_last ones, at most that many per minute of event time
 * (store_evidence_want says so before the alert is turned into JSON, so
 * a flood costs no work per alert): those are held in memory and
 * written by the next commit, with the bookmark that passed them, so
 * the rows of an incident stay bounded, a flood of alerts costs no
 * SQLite row per alert, and a crash loses no evidence the bookmark has
 * passed. Evidence of incidents whose
 * last alert is older than policy.evidence_retention before the newest
 * incident's (event time, as the policy counts it, so a replay of old
 * alerts keeps theirs) is deleted, at most once a minute, in a commit.
 */
#include <stdlib.h>
#include <string.h>

#include "store_policy.h"
#include "xmalloc.h"

#define TAIL_MAX	255	/* policy.evidence_last's upper bound */
#define PRUNE_EVERY_USEC	(60 * 1000000LL)
#define FLUSH_EVERY_USEC	0	/* every commit: kill -9 loses none */
#define WINDOW_USEC		(60 * 1000000LL)	/* end alerts per window */
#define TAIL_BYTES_MAX		(16u << 20)

struct tail_alert {
	int64_t		 ts_usec;
	char		*alert_json;
	unsigned char	*packet;
	size_t		 packet_len;
	int		 linktype;
};

/* The newest alerts of one incident since the last commit, a ring. */
struct tail {
	int64_t			 incident_id;
	size_t			 n, next;	/* held, next slot */
	int64_t			 win;		/* event-time window */
	size_t			 taken;		/* alerts taken in it */
	struct tail_alert	*a;
};

struct store_evidence {
	size_t		 first;		/* rows written as they come */
	size_t		 last;		/* alerts kept at the end */
	int64_t		 retention_usec;	/* 0: kept forever */
	int64_t		 last_prune, last_flush;
	size_t		 bytes;		/* held alert bytes */
	struct tail	*v;		/* open addressing on incident_id */
	size_t		 cap, used;
};

static void
alert_clear(struct tail_alert *t)
{
	free(t->alert_json);
	free(t->packet);
	memset(t, 0, sizeof(*t));
}

static void
tails_drop(struct store_evidence *se)
{
	size_t i, j;

	for (i = 0; i < se->cap; i++) {
		if (se->v[i].a == NULL)
			continue;
		for (j = 0; j < se->last; j++)
			alert_clear(&se->v[i].a[j]);
		free(se->v[i].a);
	}
	free(se->v);
	se->v = NULL;
	se->cap = se->used = se->bytes = 0;
}

struct store_evidence *
store_evidence_new(void)
{
	return xcalloc(1, sizeof(struct store_evidence));
}

void
store_evidence_free(struct store_evidence *se)
{
	if (se == NULL)
		return;
	tails_drop(se);
	free(se);
}

void
store_evidence_rollback(struct store *s)
{
	struct store_evidence *se = store_evidence_state(s, 0);

	if (se != NULL)
		tails_drop(se);
}

int
store_evidence_config(struct store *s, size_t first, size_t last,
    int64_t retention_s, struct err *e)
{
	struct store_evidence *se;

	if (last > TAIL_MAX)
		return err_set(e, "store: evidence_last %zu above %d", last,
		    TAIL_MAX);
	se = store_evidence_state(s, 1);
	if (last != se->last)
		tails_drop(se);
	se->first = first;
	se->last = last;
	se->retention_usec = retention_s * 1000000LL;
	return 0;
}

static struct tail *
tail_get(struct store_evidence *se, int64_t id)
{
	size_t i, j, ocap = se->cap;
	struct tail *old = se->v;

	if (se->used * 2 >= se->cap) {
		se->cap = ocap ? ocap * 2 : 64;
		se->v = xcalloc(se->cap, sizeof(*se->v));
		se->used = 0;
		for (i = 0; i < ocap; i++) {
			if (old[i].a == NULL)
				continue;
			j = (size_t)old[i].incident_id & (se->cap - 1);
			while (se->v[j].a != NULL)
				j = (j + 1) & (se->cap - 1);
			se->v[j] = old[i];
			se->used++;
		}
		free(old);
	}
	j = (size_t)id & (se->cap - 1);
	while (se->v[j].a != NULL && se->v[j].incident_id != id)
		j = (j + 1) & (se->cap - 1);
	if (se->v[j].a == NULL) {
		se->v[j].incident_id = id;
		se->v[j].a = xcalloc(se->last, sizeof(*se->v[j].a));
		se->used++;
	}
	return &se->v[j];
}

static int
insert_row(struct store *s, const struct evidence_row *r, struct err *e)
{
	static const char sql[] = "INSERT INTO evidence (incident_id,"
	    " ts_usec, alert, packet, linktype) VALUES (?,?,?,?,?)";
	sqlite3_stmt *st = store_stmt(s, sql, e);

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, r->incident_id);
	sqlite3_bind_int64(st, 2, r->ts_usec);
	sqlite3_bind_text(st, 3, r->alert_json ? r->alert_json : "{}", -1,
	    SQLITE_TRANSIENT);
	if (r->packet && r->packet_len)
		sqlite3_bind_blob(st, 4, r->packet, (int)r->packet_len,
		    SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, 4);
	sqlite3_bind_int(st, 5, r->linktype);
	return store_step_done(s, st, "insert evidence", e);
}

int
store_evidence_add(struct store *s, const struct evidence_row *r,
    struct err *e)
{
	struct store_evidence *se = store_evidence_state(s, 0);
	struct tail *t;
	struct tail_alert *a;

	if (!r->tail)
		return insert_row(s, r, e);
	if (se == NULL || se->last == 0)
		return 0;
	t = tail_get(se, r->incident_id);
	if (r->ts_usec / WINDOW_USEC != t->win) {
		t->win = r->ts_usec / WINDOW_USEC;
		t->taken = 0;
	}
	if (t->taken >= se->last)
		return 0;
	t->taken++;
	a = &t->a[t->next];
	if (a->alert_json != NULL)
		se->bytes -= strlen(a->alert_json) + a->packet_len;
	alert_clear(a);
	a->ts_usec = r->ts_usec;
	a->alert_json = xstrdup(r->alert_json ? r->alert_json : "{}");
	if (r->packet && r->packet_len) {
		a->packet = xmalloc(r->packet_len);
		memcpy(a->packet, r->packet, r->packet_len);
		a->packet_len = r->packet_len;
	}
	a->linktype = r->linktype;
	se->bytes += strlen(a->alert_json) + a->packet_len;
	t->next = (t->next + 1) % se->last;
	if (t->n < se->last)
		t->n++;
	return 0;
}

int
store_evidence_want(struct store *s, int64_t incident_id, int64_t ts_usec)
{
	struct store_evidence *se = store_evidence_state(s, 0);
	struct tail *t;

	if (se == NULL || se->last == 0)
		return 0;
	t = tail_get(se, incident_id);
	return ts_usec / WINDOW_USEC != t->win || t->taken < se->last;
}

/*
 * Writes one incident's held alerts, oldest first, then deletes its
 * end rows older than the newest `last` (the `first` oldest rows, written
 * by store_evidence_add without `tail`, stay).
 */
static int
tail_flush(struct store *s, struct store_evidence *se, struct tail *t,
    struct err *e)
{
	static const char sql[] = "DELETE FROM evidence WHERE incident_id = ?1"
	    " AND id IN (SELECT id FROM evidence WHERE incident_id = ?1"
	    " ORDER BY id LIMIT -1 OFFSET ?2) AND id NOT IN (SELECT id FROM"
	    " evidence WHERE incident_id = ?1 ORDER BY id DESC LIMIT ?3)";
	struct evidence_row r;
	sqlite3_stmt *st;
	size_t k, i;

	for (k = 0; k < t->n; k++) {
		i = (t->next + se->last - t->n + k) % se->last;
		memset(&r, 0, sizeof(r));
		r.incident_id = t->incident_id;
		r.ts_usec = t->a[i].ts_usec;
		r.alert_json = t->a[i].alert_json;
		r.packet = t->a[i].packet;
		r.packet_len = t->a[i].packet_len;
		r.linktype = t->a[i].linktype;
		if (insert_row(s, &r, e) < 0)
			return -1;
	}
	if ((st = store_stmt(s, sql, e)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, t->incident_id);
	sqlite3_bind_int64(st, 2, (int64_t)se->first);
	sqlite3_bind_int64(st, 3, (int64_t)se->last);
	return store_step_done(s, st, "trim evidence", e);
}

static int
prune(struct store *s, struct store_evidence *se, struct err *e)
{
	static const char sql[] = "DELETE FROM evidence WHERE incident_id IN"
	    " (SELECT id FROM incident WHERE last_usec <"
	    " (SELECT max(last_usec) FROM incident) - ?)";
	int64_t now = store_now_usec();
	sqlite3_stmt *st;

	if (se->retention_usec <= 0 || now - se->last_prune < PRUNE_EVERY_USEC)
		return 0;
	se->last_prune = now;
	if ((st = store_stmt(s, sql, e)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, se->retention_usec);
	return store_step_done(s, st, "prune evidence", e);
}

int
store_evidence_flush(struct store *s, int force, struct err *e)
{
	struct store_evidence *se = store_evidence_state(s, 0);
	int64_t now = store_now_usec();
	size_t i;

	if (se == NULL || (!force && se->bytes < TAIL_BYTES_MAX &&
	    now - se->last_flush < FLUSH_EVERY_USEC))
		return 0;
	se->last_flush = now;
	for (i = 0; i < se->cap; i++)
		if (se->v[i].a != NULL && se->v[i].n > 0 &&
		    tail_flush(s, se, &se->v[i], e) < 0)
			return -1;
	tails_drop(se);
	return prune(s, se, e);
}

int
store_evidence_list(struct store *s, int64_t incident_id, size_t max,
    evidence_cb cb, void *arg, struct err *e)
{
	static const char sql[] = "SELECT ts_usec, alert, packet, linktype"
	    " FROM evidence WHERE incident_id = ? ORDER BY ts_usec, id"
	    " LIMIT ?";
	sqlite3_stmt *st = store_stmt(s, sql, e);
	struct evidence_row r;
	int rc, stop = 0;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, incident_id);
	sqlite3_bind_int64(st, 2, max ? (int64_t)max : -1);
	while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&r, 0, sizeof(r));
		r.incident_id = incident_id;
		r.ts_usec = sqlite3_column_int64(st, 0);
		r.alert_json = (char *)sqlite3_column_text(st, 1);
		r.packet = (unsigned char *)sqlite3_column_blob(st, 2);
		r.packet_len = (size_t)sqlite3_column_bytes(st, 2);
		r.linktype = sqlite3_column_int(st, 3);
		stop = cb(arg, &r);
	}
	sqlite3_reset(st);
	if (!stop && rc != SQLITE_DONE)
		return err_set(e, "store: list evidence: %s",
		    sqlite3_errmsg(store_db(s)));
	return stop < 0 ? -1 : 0;
}
