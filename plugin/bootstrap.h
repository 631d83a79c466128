/* SPDX-License-Identifier: MIT */
/*
 * The IANA RDAP bootstrap registry (RFC 9224) for IP addresses: ipv4.json
 * and ipv6.json loaded from a directory (a copy ships in
 * config/rdap-bootstrap/), longest-prefix lookup of the RDAP base URL, and
 * `redress update-bootstrap`'s download of fresh copies with libcurl.
 */
#ifndef REDRESS_BOOTSTRAP_H
#define REDRESS_BOOTSTRAP_H

#include <stddef.h>

#include "addr.h"
#include "err.h"

struct bootstrap;

struct bootstrap *bootstrap_new(void);
void	bootstrap_free(struct bootstrap *);
/* Adds the services of one bootstrap file's text; -1 with e if invalid. */
int	bootstrap_parse(struct bootstrap *, const char *json, size_t len,
	    struct err *);
/* Loads dir/ipv4.json and dir/ipv6.json. */
int	bootstrap_load(struct bootstrap *, const char *dir, struct err *);
size_t	bootstrap_count(const struct bootstrap *);
/* Base URL (https preferred, ends in '/') for a, or NULL. */
const char *bootstrap_lookup(const struct bootstrap *, const struct addr *);
/*
 * Downloads url_base + "ipv4.json" and "ipv6.json", checks each parses,
 * and replaces the files in dir atomically. Returns 0 or -1 with e.
 */
int	bootstrap_update(const char *url_base, const char *dir,
	    long timeout_ms, struct err *);

#endif
