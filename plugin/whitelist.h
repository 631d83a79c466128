/* SPDX-License-Identifier: MIT */
/*
 * Protected addresses (whitelist.c): a binary radix tree over the 128-bit
 * address form, so IPv4-mapped IPv6 matches as IPv4 and lookups stay fast
 * with 100,000 prefixes.
 */
#ifndef REDRESS_WHITELIST_H
#define REDRESS_WHITELIST_H

#include <stddef.h>

#include "addr.h"

struct whitelist;

struct whitelist	*whitelist_new(void);
void			 whitelist_free(struct whitelist *);
int			 whitelist_add(struct whitelist *, const struct cidr *);
/* 1 if the address is inside a whitelisted prefix, else 0. */
int			 whitelist_contains(const struct whitelist *,
			    const struct addr *);
/* 1 if the prefix contains or is inside any whitelisted prefix. */
int			 whitelist_overlaps(const struct whitelist *,
			    const struct cidr *);
size_t			 whitelist_count(const struct whitelist *);

#endif
