/* SPDX-License-Identifier: MIT */
/*
 * Prometheus text-format metrics on a local TCP port or unix socket
 * (metrics.c), off unless the "metrics" section enables it.
 */
#ifndef REDRESS_METRICS_H
#define REDRESS_METRICS_H

#include "config.h"
#include "err.h"
#include "status.h"

struct metrics;

/* NULL with e unset when metrics are off; NULL with e set on error. */
struct metrics	*metrics_open(const struct config *, struct err *);
int		 metrics_fd(struct metrics *);
/* Accepts one pending connection and answers it. */
void		 metrics_handle(struct metrics *, const struct daemon_status *);
void		 metrics_close(struct metrics *);	/* NULL is fine */
/* The status in Prometheus text exposition format 0.0.4 (caller frees). */
char		*metrics_text(const struct daemon_status *, int64_t now_usec);

#endif
