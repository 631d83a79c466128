/* SPDX-License-Identifier: MIT */
/*
 * Mail that comes back to the reports' From address (reply_parse.c): one
 * message parsed with GMime into what follow-up needs: its kind (human
 * reply, auto-acknowledgement, ARF/X-ARF feedback, bounce, delay), the
 * sender, the Message-IDs it refers to (In-Reply-To, References and the
 * returned original of a bounce or feedback report), the desk's ticket
 * number and, for bounces, the failed recipients. Threading and what a
 * message changes are followup.c's.
 */
#ifndef REDRESS_REPLY_H
#define REDRESS_REPLY_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

enum reply_kind {
	REPLY_HUMAN,		/* a person answered */
	REPLY_ACK,		/* auto-acknowledgement (ticket system) */
	REPLY_FEEDBACK,		/* ARF (RFC 5965) or X-ARF report */
	REPLY_BOUNCE,		/* permanent failure (DSN or MTA text) */
	REPLY_DELAY,		/* transient: delayed, still trying */
	REPLY_NOTICE,		/* other DSN (delivered, relayed) */
};

#define REPLY_MAX_REFS		16
#define REPLY_MAX_RCPTS		8
#define REPLY_MAX_BYTES		(10 * 1024 * 1024)

struct reply_rcpt {
	char	addr[256];	/* lowercased mailbox */
	char	status[16];	/* "5.1.1", or "" when not given */
	char	diag[256];	/* Diagnostic-Code or the MTA's words */
};

struct reply {
	enum reply_kind	 kind;
	char		 from[256];	/* lowercased; "" not a mailbox */
	char		 message_id[256];	/* "<...>", or "" */
	char		 subject[256];	/* decoded, control bytes '?' */
	char		 ticket[64];	/* e.g. "Ticket#123" */
	char		 feedback_type[32];	/* ARF Feedback-Type */
	int64_t		 date_usec;	/* Date:, 0 missing or bad */
	/* "<id>" referred to: In-Reply-To, References (newest first), then
	 * the returned original's Message-ID (bounce, feedback). */
	char		 refs[REPLY_MAX_REFS][256];
	size_t		 nrefs;
	size_t		 orig_ref;	/* refs[orig_ref..]: the original */
	/* Bounce/delay: failed recipients (DSN), or every mailbox named in
	 * a non-standard bounce's notice (followup.c keeps the report's). */
	struct reply_rcpt rcpts[REPLY_MAX_RCPTS];
	size_t		 nrcpts;
	int		 dsn;		/* 1: RFC 3464, 0: MTA text */
	char		 anomaly[256];	/* what was odd (a bare CR) */
};

/*
 * Parses one message of len bytes. Returns 0, or -1 with e when it is
 * not a message at all (empty, larger than REPLY_MAX_BYTES, no header).
 * Oddities that do not stop parsing go into r->anomaly.
 */
int		 reply_parse(const char *buf, size_t len, struct reply *r,
		    struct err *e);
const char	*reply_kind_name(enum reply_kind);
/*
 * The ticket number in a subject ("[Ticket#2024120210000087]",
 * "[RT #123]", "[example.net #123]", "(Case 00123)", "[SR-1234]"):
 * copies e.g. "Ticket#2024120210000087" into out and returns 1, 0 none.
 */
int		 reply_ticket(const char *subject, char *out, size_t outlen);

#endif
