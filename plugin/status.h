/* SPDX-License-Identifier: MIT */
/*
 * What the running daemon knows about itself (status.c): inputs and their
 * lag, the alert rate over the last minute, counts from the store, recent
 * errors. The run loop fills it; the control socket and the metrics
 * endpoint print it.
 */
#ifndef REDRESS_STATUS_H
#define REDRESS_STATUS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"
#include "input.h"
#include "store.h"
#include "store_thread.h"

#define STATUS_MAX_INPUTS	32
#define STATUS_RATE_SLOTS	60
#define STATUS_ERRORS		8

struct status_input {
	char		 id[128];
	char		 type[16];	/* input_ops name */
	char		 path[512];	/* file, spool dir or socket */
	char		 bookmark[256];
	uint64_t	 alerts, bad, bytes, lag_bytes;
	uint64_t	 lag_records, unacked;
	int		 open;
};

struct daemon_status {
	pid_t			 pid;
	int64_t			 start_usec;
	int			 dry_run;
	struct status_input	 inputs[STATUS_MAX_INPUTS];
	size_t			 ninputs;
	uint64_t		 alerts_total;
	uint64_t		 rate[STATUS_RATE_SLOTS];	/* per second */
	int64_t			 rate_sec[STATUS_RATE_SLOTS];
	/* From the store, refreshed at most once a second. */
	int64_t			 store_refreshed_usec;
	int64_t			 open_incidents;
	int64_t			 active_blocks;
	int64_t			 pending_contain, pending_report;
	int64_t			 drafts_waiting;
	int64_t			 mail_approved;	/* the queue: approved, queued,
						   sending */
	int64_t			 mail_sent, mail_failed;
	int64_t			 mail_deferred;	/* queued after a failure */
	int64_t			 deferred_id, deferred_next_usec;
	char			 deferred_error[256];
	int64_t			 contacts_cached;
	struct thread_counts	 threads;	/* store_thread.h */
	uint64_t		 resolver_hits, resolver_misses;
	/* The last warnings logged, oldest first (log_last_errors). */
	char			 errors[STATUS_ERRORS][256];
	size_t			 nerrors;
};

void	status_init(struct daemon_status *);
/* n alerts ingested at wall-clock now_usec. */
void	status_count_alerts(struct daemon_status *, uint64_t n,
	    int64_t now_usec);
/* Alerts per second averaged over the last minute. */
double	status_alert_rate(const struct daemon_status *, int64_t now_usec);
/* Copies one input's position and counters into slot i. */
void	status_set_input(struct daemon_status *, size_t i,
	    const struct input *, int open);
/*
 * Refreshes the counts read from the store (at most once a second unless
 * force). Errors leave the old counts.
 */
void	status_update(struct daemon_status *, const struct config *,
	    struct store *, int force);
/* The status as one JSON document (caller frees). */
char	*status_json(const struct daemon_status *, int64_t now_usec);
/*
 * Counts one contact lookup of the resolver cache (any thread); hit 1
 * when a fresh cached contact answered. status_update copies the totals.
 */
void	status_resolver_note(int hit);

#endif
