/* SPDX-License-Identifier: MIT */
/*
 * Abuse reports in the state store (store_report.c): one row per message
 * with its review/delivery state, the incidents it covers, and the result
 * per recipient. The Message-ID is fixed when the draft is written, so a
 * delivery that has to be retried after a crash reuses it.
 */
#ifndef REDRESS_STORE_REPORT_H
#define REDRESS_STORE_REPORT_H

#include <stdint.h>

#include "store.h"

/* draft -> approved -> queued -> sending -> sent | failed; draft -> rejected */
#define REPORT_DRAFT		"draft"
#define REPORT_APPROVED		"approved"
#define REPORT_QUEUED		"queued"
#define REPORT_SENDING		"sending"
#define REPORT_SENT		"sent"
#define REPORT_FAILED		"failed"
#define REPORT_REJECTED		"rejected"

struct report_row {
	int64_t	 id;
	char	 state[12];
	char	 recipient[12];		/* RECIPIENT_* of store_policy.h */
	char	 rcpt[256];		/* To: addresses, comma separated */
	char	 kind[16];		/* incident kind name */
	char	 message_id[128];	/* "<...@host>" */
	char	 in_reply_to[128];	/* follow-up of, or "" */
	char	 subject[256];
	char	 path[512];		/* the Maildir file, or "" */
	int	 low_confidence;	/* contact needs review */
	int64_t	 created_usec, updated_usec;
	int64_t	 period_end_usec;	/* more events join until then */
	int	 attempts;
	int64_t	 next_attempt_usec;
	char	 last_error[256];
	char	 reason[256];		/* reject reason */
};

/* Inserts; sets row->id. */
int	store_report_insert(struct store *, struct report_row *, struct err *);
/* Rewrites every mutable column of row->id. */
int	store_report_update(struct store *, const struct report_row *,
	    struct err *);
/* 1 found, 0 none, -1 error. */
int	store_report_get(struct store *, int64_t id, struct report_row *,
	    struct err *);
/*
 * Moves id from state `from` (NULL: any) to `to`; 1 moved, 0 the row was
 * not in `from` (or does not exist), -1 error.
 */
int	store_report_set_state(struct store *, int64_t id, const char *from,
	    const char *to, const char *note, struct err *);
typedef int (*report_cb)(void *, const struct report_row *);
/* Oldest first; state NULL: all. */
int	store_report_list(struct store *, const char *state, report_cb,
	    void *, struct err *);
/* Reports due for delivery: approved/queued with next attempt <= now. */
int	store_report_due(struct store *, int64_t now_usec, report_cb, void *,
	    struct err *);

int	store_report_link(struct store *, int64_t report_id,
	    int64_t incident_id, const char *src, struct err *);
typedef int (*report_incident_cb)(void *, int64_t incident_id,
	    const char *src);
int	store_report_incidents(struct store *, int64_t report_id,
	    report_incident_cb, void *, struct err *);
/*
 * The newest report to rcpt created since since_usec that is still a
 * draft (open_draft=1) or that named src (open_draft=0). 1 found.
 */
int	store_report_find(struct store *, const char *rcpt, const char *src,
	    int open_draft, int64_t since_usec, struct report_row *,
	    struct err *);

/* Per-recipient SMTP result: state "sent", "failed" (5xx), "deferred". */
int	store_report_rcpt_set(struct store *, int64_t report_id,
	    const char *rcpt, const char *state, int code, const char *reply,
	    struct err *);
typedef int (*report_rcpt_cb)(void *, const char *rcpt, const char *state,
	    int code, const char *reply);
int	store_report_rcpts(struct store *, int64_t report_id, report_rcpt_cb,
	    void *, struct err *);

/*
 * Hourly limits, kept in the store: a message handed to the relay is one
 * row per recipient domain (attempt: the report's attempt number);
 * rate_drop forgets an attempt that reached no recipient; rate_count
 * gives the messages since `since` and those to `domain`.
 */
int	store_report_rate_add(struct store *, int64_t report_id, int attempt,
	    const char *domain, int64_t usec, struct err *);
int	store_report_rate_drop(struct store *, int64_t report_id, int attempt,
	    struct err *);
int	store_report_rate_count(struct store *, int64_t since,
	    const char *domain, long *total, long *in_domain, struct err *);

#endif
