/* SPDX-License-Identifier: MIT */
/*
 * SMTP submission to the configured relay (mail_smtp.c), with libcurl:
 * STARTTLS or implicit TLS, AUTH, one connection reused for every message
 * of a pass, and the relay's reply to each RCPT and to the end of DATA.
 */
#ifndef REDRESS_MAIL_SMTP_H
#define REDRESS_MAIL_SMTP_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "report.h"

#define MAIL_RCPT_MAX	32

struct mail_reply {
	int	code;		/* 0: no reply (not reached) */
	char	text[200];	/* the reply line, without the code */
};

struct mail_result {
	struct mail_reply rcpt[MAIL_RCPT_MAX];	/* one per recipient */
	struct mail_reply data;		/* reply to the end of the data */
	int64_t	accepted_usec;	/* monotonic: when data's 2xx was read */
	int	session_error;	/* 1: no SMTP status (connect, TLS, AUTH) */
	char	error[512];	/* what went wrong, "" when all was 2xx */
};

struct mail_smtp;

/*
 * A client for sc's relay; helo is the EHLO name, user/pass NULL for no
 * AUTH. Nothing is connected until the first message.
 */
int	mail_smtp_open(const struct smtp_conf *sc, const char *helo,
	    const char *user, const char *pass, struct mail_smtp **,
	    struct err *);
/*
 * One transaction: MAIL FROM:<from>, RCPT TO each of rcpt[0..n), the
 * message (CRLF line ends). Fills res; returns 0 when the relay gave an
 * SMTP status for the transaction, -1 when the session failed before
 * (res->session_error, res->error say why).
 */
int	mail_smtp_send(struct mail_smtp *, const char *from,
	    char *const *rcpt, size_t n, const char *msg, size_t len,
	    struct mail_result *res);
/* Says QUIT when connected and frees the client. */
void	mail_smtp_close(struct mail_smtp *);

#endif
