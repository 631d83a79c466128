/* SPDX-License-Identifier: MIT */
/*
 * check-config's deep checks (conf_check.c): templates, RDAP bootstrap,
 * signing key, writable state directory and outbox, as the current user.
 */
#ifndef REDRESS_CONF_CHECK_H
#define REDRESS_CONF_CHECK_H

#include "config.h"

/*
 * Adds each problem to d at the position of its setting; *notes gets a
 * malloc'd text of what was found (one line each, caller frees, may be
 * NULL). Returns 0, or -1 when an error was added.
 */
int	conf_check(const struct config *, struct diag *d, char **notes);
/* The signing key alone (what a reload must not lose): 0 or -1. */
int	conf_check_key(const struct config *, struct diag *d);

#endif
