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
 * its recipients or shares the registrable domain of one (libpsl; not
 * for public mailbox providers such as gmail.com, where only the very
 * address counts); a bounce or DSN only through a failed recipient that
 * is one of them.
 */
int	followup_sender_ok(const struct reply *r, const struct report_row *rr);
/*
 * The reporter's calls (followup_reporter.c). followup_reopen: 1 with
 * prev when src was reported to rcpt in a thread still open and not
 * bounced (new evidence follows up in it), 0 none, -1 error.
 * followup_contact: drops bounced addresses from c->address (all
 * bounced: kept, low-confidence). followup_annotate: a follow-up's
 * subject gets the desk's ticket number and its text an opening naming
 * the first report.
 */
struct report_contact;
int	followup_reopen(struct store *, const char *rcpt, const char *src,
	    struct report_row *prev, struct err *e);
void	followup_contact(struct store *, struct report_contact *c);
void	followup_annotate(struct store *, const struct report_row *r,
	    char **subject, char **body);
/* Prints report_id's thread ("Thread:" and one line a message). */
int	followup_print(FILE *, struct store *, int64_t report_id,
	    struct err *);


#endif
