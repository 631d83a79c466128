/* SPDX-License-Identifier: MIT */
/*
 * Dropping root (privdrop.c): the daemon switches to general.user/group
 * keeping only CAP_NET_ADMIN, or refuses to run as full root unless
 * general.allow_root; root's commands switch to the same user.
 */
#ifndef REDRESS_PRIVDROP_H
#define REDRESS_PRIVDROP_H

#include "config.h"
#include "err.h"

struct passwd;

/* net_raw: also keep CAP_NET_RAW (a capture responder is configured). */
int	privdrop_apply(const struct general_conf *, int net_raw, struct err *);
/*
 * For a command run as root: becomes general.user (when it exists and is
 * not root) as `sudo -u` would, keeping CAP_NET_ADMIN only if net_admin.
 * *dropped tells whether it did. 0 or -1.
 */
int	privdrop_command(const struct general_conf *, int net_admin,
	    int *dropped, struct err *);
/* The environment of pw: HOME, USER, LOGNAME, SHELL, PATH; the locale,
 * TZ and TERM kept (and EDITOR, VISUAL, PAGER when editor). */
int	privdrop_env(const struct passwd *, int editor, struct err *);

#endif
