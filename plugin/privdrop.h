/* SPDX-License-Identifier: MIT */
/*
 * Dropping root (privdrop.c): switch to general.user/group keeping only
 * CAP_NET_ADMIN, or refuse to run as full root unless general.allow_root.
 */
#ifndef REDRESS_PRIVDROP_H
#define REDRESS_PRIVDROP_H

#include "config.h"
#include "err.h"

/* net_raw: also keep CAP_NET_RAW (a capture responder is configured). */
int	privdrop_apply(const struct general_conf *, int net_raw, struct err *);

#endif
