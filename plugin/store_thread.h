/* SPDX-License-Identifier: MIT */
/*
 * Report threads in the state store (store_thread.c): what came back for
 * each sent report (replies, acknowledgements, feedback, bounces), its
 * state, the desk's ticket number, and whether and why it was closed;
 * and the recipients that bounced (the contact cache's "undeliverable").
 * Rows are never deleted: a closed thread is kept for the record.
 */
#ifndef REDRESS_STORE_THREAD_H
#define REDRESS_STORE_THREAD_H

#include <stdint.h>

#include "store.h"

/* open -> answered | acknowledged | bounced; any -> closed (closed_usec) */
#define THREAD_OPEN		"open"
#define THREAD_ANSWERED		"answered"
#define THREAD_ACKED		"acknowledged"
#define THREAD_BOUNCED		"bounced"

struct thread_row {
	int64_t	 report_id;
	char	 state[16];
	char	 ticket[64];		/* e.g. "Ticket#123" */
	int	 messages;		/* received in the thread */
	int64_t	 opened_usec, updated_usec;
	int64_t	 closed_usec;		/* 0: open */
	char	 close_reason[256];
	int64_t	 rerouted_to;		/* draft to the next one */
	int64_t	 followup_id;		/* newest follow-up */
};

struct thread_msg {
	int64_t	 id, report_id;
	char	 msg_key[256];		/* Message-ID, or "file:NAME" */
	char	 kind[12];		/* reply_kind_name() */
	char	 sender[256];
	int64_t	 date_usec, received_usec;
	char	 ticket[64];
	char	 subject[256];
	char	 detail[512];		/* bounce: "addr status diag" */
	char	 file[256];		/* the Maildir file name */
};

/* A thread row for every sent report that has none; returns how many. */
int	store_thread_open_sent(struct store *, int64_t now_usec,
	    struct err *);
/* 1 found, 0 none, -1 error. */
int	store_thread_get(struct store *, int64_t report_id,
	    struct thread_row *, struct err *);
/* Inserts or rewrites row->report_id. */
int	store_thread_put(struct store *, const struct thread_row *,
	    struct err *);
/* 1 recorded, 0 already recorded (same msg_key), -1 error. */
int	store_thread_msg_add(struct store *, struct thread_msg *,
	    struct err *);
typedef int (*thread_msg_cb)(void *, const struct thread_msg *);
/* Oldest first. */
int	store_thread_msgs(struct store *, int64_t report_id, thread_msg_cb,
	    void *, struct err *);
/*
 * The report a Message-ID ("<...>") belongs to: a report's own, or that
 * of a message already recorded in its thread. Returns the report id, 0
 * none, -1 error.
 */
int64_t	store_thread_find(struct store *, const char *message_id,
	    struct err *);
/* The newest sent first report with exactly this subject; 0 none. */
int64_t	store_thread_find_subject(struct store *, const char *subject,
	    struct err *);
/* cb(report_id) for every report that covers incident_id. */
int	store_thread_incident_reports(struct store *, int64_t incident_id,
	    int (*cb)(void *, int64_t), void *, struct err *);
/* The first report of id's chain of In-Reply-To (id itself if none). */
int64_t	store_thread_root(struct store *, int64_t id, struct err *);
/*
 * The newest sent first report to rcpt naming src whose thread is open
 * and did not bounce (no thread row yet counts as open); 0 none.
 */
int64_t	store_thread_reopen(struct store *, const char *rcpt,
	    const char *src, struct err *);
/* The recipients of the draft a bounced report to rcpt went to; 1. */
int	store_thread_rerouted_rcpt(struct store *, const char *rcpt,
	    char *out, size_t len, struct err *);
/* Closes report_id's thread: 1 closed, 0 no such or already closed. */
int	store_thread_close(struct store *, int64_t report_id,
	    const char *reason, int64_t now_usec, struct err *);
typedef int (*thread_cb)(void *, const struct thread_row *);
/*
 * Open threads whose report was last updated and whose incidents were
 * last seen before before_usec (the source stayed quiet).
 */
int	store_thread_quiet(struct store *, int64_t before_usec, thread_cb,
	    void *, struct err *);
/* Threads of sent reports by state; closed ones apart. */
struct thread_counts {
	int64_t	open;		/* no answer yet */
	int64_t	answered;	/* answered or acknowledged */
	int64_t	bounced;
	int64_t	closed;
};
int	store_thread_counts(struct store *, struct thread_counts *,
	    struct err *);

/* Recipient addresses that bounced permanently. */
int	store_bounce_mark(struct store *, const char *email,
	    const char *status, const char *reason, int64_t report_id,
	    int64_t now_usec, struct err *);
/* 1 the address bounced (reason copied if non-NULL), 0 no, -1 error. */
int	store_bounce_get(struct store *, const char *email, char *reason,
	    size_t reasonlen, struct err *);

#endif
