/* SPDX-License-Identifier: MIT */
/*
 * The "metrics:" section (metrics_conf.c): whether the Prometheus
 * endpoint runs and where it listens.
 */
#ifndef REDRESS_METRICS_CONF_H
#define REDRESS_METRICS_CONF_H

#include "addr.h"
#include "conf.h"

struct metrics_conf {
	int		 enabled;
	char		*listen;	/* "127.0.0.1:9911", "[::1]:9911" or
					   "unix:/run/redress/metrics.sock" */
	/* Derived from listen. */
	int		 is_unix;
	char		*unix_path;
	struct addr	 addr;
	int		 port;
};

/*
 * Parses a listen string into mc's derived fields; NULL or a phrase for
 * the error.
 */
const char	*metrics_listen_parse(struct metrics_conf *, const char *);

#endif
