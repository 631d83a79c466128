/* SPDX-License-Identifier: MIT */
/*
 * The control socket of the running daemon (control.c): a unix stream
 * socket in the state directory answering one JSON status document per
 * connection, read by `redress status`.
 */
#ifndef REDRESS_CONTROL_H
#define REDRESS_CONTROL_H

#include "err.h"
#include "status.h"

struct control;

struct control	*control_open(const char *path, struct err *);
int		 control_fd(struct control *);
/* Accepts one pending connection and answers it. */
void		 control_handle(struct control *, const struct daemon_status *);
void		 control_close(struct control *);	/* NULL is fine */
/* Client side: the status JSON of the daemon at path (caller frees). */
char		*control_query(const char *path, struct err *);

#endif
