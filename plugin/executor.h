/* SPDX-License-Identifier: MIT */
/*
 * Executors carry out the side effects that durable rows ask for (the
 * outbox pattern): containment applies pending "contain" decisions and
 * expires/reconciles blocks, the resolver finds contacts for pending
 * "report" decisions, the reporter turns resolved incidents into drafts,
 * the mailer delivers approved reports. The run loop calls run() for the
 * containment executor right after each ingest commit (low latency) and
 * runs the others in background threads, each with its own store
 * connection, so network waits never hold up ingest.
 */
#ifndef REDRESS_EXECUTOR_H
#define REDRESS_EXECUTOR_H

#include <stdint.h>

#include "config.h"
#include "err.h"
#include "store.h"

struct executor {
	const struct executor_ops	*ops;
	const struct config		*cfg;
	void				*priv;	/* core callocs priv_size */
	int				 dry_run;	/* general.dry_run */
	int				 stopping;	/* atomic: daemon stops */
};

/* 1 once the daemon is stopping: a long pass returns what it has done. */
static inline int
executor_stopping(const struct executor *ex)
{
	return __atomic_load_n(&ex->stopping, __ATOMIC_ACQUIRE);
}

struct executor_ops {
	const char	*name;
	size_t		 priv_size;
	int		 inline_after_commit;	/* 1: containment */
	int64_t		 interval_ms;		/* periodic run() */
	/* Opens backends (firewall handles, gpg context ...). */
	int	(*start)(struct executor *, struct store *, struct err *);
	/*
	 * One pass over pending work at wall-clock now. Returns the number
	 * of items handled (0: nothing to do) or -1 with e set; a failure of
	 * one item is recorded on its row and does not fail the pass.
	 */
	int	(*run)(struct executor *, struct store *, int64_t now_usec,
		    struct err *);
	void	(*stop)(struct executor *);
};

extern const struct executor_ops executor_containment;
extern const struct executor_ops executor_resolver;
extern const struct executor_ops executor_reporter;
extern const struct executor_ops executor_mailer;
extern const struct executor_ops executor_followup;

#endif
