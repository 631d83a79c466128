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
/* Serves the connections that are ready, never blocking. */
void		 control_handle(struct control *, const struct daemon_status *);
void		 control_close(struct control *);	/* NULL is fine */
/* Client side: the status JSON of the daemon at path (caller frees). */
char		*control_query(const char *path, struct err *);

/*
 * The one-request server under the control socket and the metrics
 * endpoint: a listening socket (non-blocking) and its connections in one
 * epoll instance, reqsrv_fd(), for the run loop to poll. reqsrv_handle()
 * accepts, reads and writes whatever is ready without blocking. A
 * request is complete when complete(buf, n) says so; answer(arg, req)
 * then returns the whole reply (malloc'd; NULL closes the connection).
 * req is NULL when the request outgrew REQSRV_REQ_MAX bytes.
 */
#define REQSRV_REQ_MAX	4096

struct reqsrv;
typedef char	*(*reqsrv_answer)(void *arg, const char *req);

/* On success owns lfd (reqsrv_free closes it); on error the caller does. */
struct reqsrv	*reqsrv_new(int lfd, int (*complete)(const char *, size_t),
		    reqsrv_answer, struct err *);
int		 reqsrv_fd(const struct reqsrv *);
void		 reqsrv_handle(struct reqsrv *, void *arg);
void		 reqsrv_free(struct reqsrv *);	/* NULL is fine */

#endif
