/* SPDX-License-Identifier: MIT */
/*
 * Incidents, their evidence alerts, and decisions in the state store
 * (store_policy.c). Decisions are the outbox rows that drive every side
 * effect: containment executors take the pending "contain" rows, the
 * resolver and reporter take the pending "report" rows.
 */
#ifndef REDRESS_STORE_POLICY_H
#define REDRESS_STORE_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

enum incident_kind {
	INCIDENT_PROBE = 0,
	INCIDENT_SWEEP,
	INCIDENT_SCAN,
	INCIDENT_BRUTE_FORCE,
	INCIDENT_EXPLOIT,
	INCIDENT_COMPROMISE,
	INCIDENT_DOS,
	INCIDENT_OTHER,
	INCIDENT_KIND_MAX
};

const char	*incident_kind_name(enum incident_kind);
int		 incident_kind_parse(const char *, enum incident_kind *);

/* open -> contained -> resolved -> drafted -> approved -> sent -> followed-up */
#define INCIDENT_STATE_OPEN		"open"
#define INCIDENT_STATE_CONTAINED	"contained"
#define INCIDENT_STATE_RESOLVED		"resolved"
#define INCIDENT_STATE_DRAFTED		"drafted"
#define INCIDENT_STATE_APPROVED		"approved"
#define INCIDENT_STATE_SENT		"sent"
#define INCIDENT_STATE_FOLLOWED_UP	"followed-up"
#define INCIDENT_STATE_CLOSED		"closed"

struct incident_row {
	int64_t			 id;
	enum incident_kind	 kind;
	char			 state[16];
	char			 src[50];	/* attacker address (or DoS: "") */
	char			 dst[50];	/* our host hit (DoS: the target) */
	int64_t			 first_usec, last_usec;	/* event time */
	int			 tz_min;	/* sensor offset of the evidence */
	int64_t			 alerts;	/* alerts counted */
	int			 internal;	/* 1: about our own host */
	char			*summary_json;	/* counts by signature, dst, port */
};

void	incident_row_clear(struct incident_row *);

/* Evidence: one alert as its normalized JSON line, packet bytes if any. */
struct evidence_row {
	int64_t		 incident_id;
	int64_t		 ts_usec;
	char		*alert_json;
	unsigned char	*packet;
	size_t		 packet_len;
	int		 linktype;
	int		 tail;		/* add: one of the last alerts */
};

#define DECISION_CONTAIN	"contain"
#define DECISION_REPORT		"report"

#define RECIPIENT_SOURCE	"source"	/* the source network's abuse desk */
#define RECIPIENT_UPSTREAM	"upstream"	/* our own ISP (DoS) */
#define RECIPIENT_INTERNAL	"internal"	/* our own team (compromise) */

#define DECISION_PENDING	"pending"
#define DECISION_DONE		"done"
#define DECISION_REFUSED	"refused"
#define DECISION_FAILED		"failed"

struct decision_row {
	int64_t		 id;
	int64_t		 incident_id;
	char		 action[12];	/* DECISION_CONTAIN / DECISION_REPORT */
	char		 target[50];	/* address or prefix, "192.0.2.0/24" */
	int64_t		 duration_s;	/* contain: block time; 0 = default */
	char		 reason[256];
	char		 recipient[12];	/* RECIPIENT_* (report) */
	char		 state[12];	/* DECISION_* */
	int64_t		 event_usec;	/* event time that caused it */
	int64_t		 created_usec;	/* wall clock */
};

/* Inserts; sets row->id. */
int	store_incident_insert(struct store *, struct incident_row *,
	    struct err *);
int	store_incident_update(struct store *, const struct incident_row *,
	    struct err *);
int	store_incident_set_state(struct store *, int64_t id, const char *state,
	    struct err *);
/* 1 found (row filled; caller clears), 0 none, -1 error. */
int	store_incident_get(struct store *, int64_t id, struct incident_row *,
	    struct err *);
typedef int (*incident_cb)(void *, const struct incident_row *);
/* Newest first; open_only: state not closed; since_usec: last_usec >=. */
int	store_incident_list(struct store *, int open_only, int64_t since_usec,
	    incident_cb, void *, struct err *);

/*
 * Evidence (store_evidence.c). add writes a row, or with row->tail holds
 * it among the incident's last `last` alerts until a commit writes
 * them (store_evidence_flush, called by store_commit) and trims the
 * incident's rows to the `first` oldest plus the `last` newest.
 */
int	store_evidence_add(struct store *, const struct evidence_row *,
	    struct err *);
/* 1: an end alert of this incident at ts_usec would be kept. */
int	store_evidence_want(struct store *, int64_t incident_id,
	    int64_t ts_usec);
int	store_evidence_config(struct store *, size_t first, size_t last,
	    int64_t retention_s, struct err *);
/* Writes the held end alerts when due (force: now); inside a txn. */
int	store_evidence_flush(struct store *, int force, struct err *);
void	store_evidence_rollback(struct store *);
struct store_evidence;
/* The store's evidence state; create: make it when there is none. */
struct store_evidence *store_evidence_state(struct store *, int create);
struct store_evidence *store_evidence_new(void);
void	store_evidence_free(struct store_evidence *);
typedef int (*evidence_cb)(void *, const struct evidence_row *);
/* In event-time order; at most `max` rows (0: all). */
int	store_evidence_list(struct store *, int64_t incident_id, size_t max,
	    evidence_cb, void *, struct err *);

int	store_decision_insert(struct store *, struct decision_row *,
	    struct err *);
int	store_decision_set_state(struct store *, int64_t id, const char *state,
	    struct err *);
typedef int (*decision_cb)(void *, const struct decision_row *);
/* Pending rows of one action, oldest first, at most max (0: all). */
int	store_decision_pending(struct store *, const char *action, size_t max,
	    decision_cb, void *, struct err *);
int	store_decision_list_incident(struct store *, int64_t incident_id,
	    decision_cb, void *, struct err *);

/* Additions (policy engine): open incidents for a restart, and the
 * threshold windows that survive one. */
int	store_incident_list_open(struct store *, incident_cb, void *,
	    struct err *);
typedef int (*window_cb)(void *, const void *key, size_t keylen,
    const void *state, size_t statelen);
/* Policy state that survives a restart (thresholds, open incidents). */
int	store_window_save(struct store *, const void *key, size_t keylen,
	    const void *state, size_t statelen, struct err *);
int	store_window_load(struct store *, window_cb, void *, struct err *);
int	store_window_clear(struct store *, struct err *);
int	store_window_delete(struct store *, const void *key, size_t keylen,
	    struct err *);
/* The oldest saves and deletes still logged (cb gets each key, state
 * NULL), and the id of the last one; trimming drops them up to that id. */
int	store_window_oldest(struct store *, size_t limit, window_cb, void *,
	    int64_t *last_id, struct err *);
int	store_window_trim(struct store *, int64_t last_id, struct err *);

#endif
