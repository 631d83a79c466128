/* SPDX-License-Identifier: MIT */
/*
 * Follow-up of sent reports (followup.c): the "followup:" section, one
 * pass over the reply Maildirs (thread, record, re-route bounces) and
 * the closing of threads whose source stayed quiet. The executor
 * executor_followup runs the pass in the daemon; `redress followup scan`
 * runs it once. Threads are kept in the store (store_thread.h).
 */
#ifndef REDRESS_FOLLOWUP_H
#define REDRESS_FOLLOWUP_H

#include <stdint.h>
#include <stdio.h>

#include "conf.h"
#include "err.h"
#include "store.h"

struct followup_conf {
	struct conf_strlist	 maildirs;	/* where replies arrive */
	int64_t			 close_after_s;	/* quiet source: close */
	int64_t			 repeat_after_s;	/* follow-up draft after */
};

struct config;
struct executor;
struct reply;
struct report_row;

struct followup_stats {
	int	read;		/* messages looked at */
	int	threaded;	/* recorded in a thread */
	int	unmatched;	/* no report, or a sender not allowed */
	int	bad;		/* not a message, too large */
	int	rerouted;	/* drafts to a next candidate */
	int	closed;		/* threads closed as quiet */
};

/*
 * One pass at now: every Maildir's new/ then cur/ (messages without the
 * S or F flag), then the quiet threads. ex gives the configuration and,
 * for re-routed drafts, the reporter's rendering. Returns the number of
 * messages and threads handled, or -1 with e.
 */
int	followup_pass(struct executor *ex, struct store *st, int64_t now,
	    struct followup_stats *, struct err *e);
/*
 * May the sender of r attach to report rr? Yes when the sender is one of
 * its recipients or shares the registrable domain of one (libpsl); a
 * bounce or DSN only through a failed recipient that is one of them.
 */
int	followup_sender_ok(const struct reply *r, const struct report_row *rr);
/* Prints report_id's thread ("Thread:" and one line a message). */
int	followup_print(FILE *, struct store *, int64_t report_id,
	    struct err *);


#endif
