/* SPDX-License-Identifier: MIT */
/*
 * What a SIGHUP checks before it replaces the running configuration
 * (reload.c): the new one must be fit to run and its containment backends
 * must start, or the old configuration and backends keep running.
 */
#ifndef REDRESS_RELOAD_H
#define REDRESS_RELOAD_H

#include "config.h"
#include "err.h"

/*
 * 0 if ncfg may replace the running one: it has inputs and every
 * configured backend opens (then closed again; the executor opens them
 * for real). -1 with e saying why, e.g. "responder iptables: spawn:
 * /usr/sbin/iptables: No such file or directory".
 */
int	reload_check(const struct config *ncfg, struct err *e);

#endif
