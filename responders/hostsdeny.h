/* SPDX-License-Identifier: MIT */
/*
 * The hosts.deny responder's file handling: a marked block of redress's
 * own entries, the rest of the file kept byte for byte, atomic replace.
 */
#ifndef REDRESS_HOSTSDENY_H
#define REDRESS_HOSTSDENY_H

#include <stddef.h>

#include "err.h"

#define HOSTSDENY_BEGIN	"# BEGIN redress managed block, do not edit\n"
#define HOSTSDENY_END	"# END redress managed block\n"

/*
 * Returns a malloc'd copy of old (len bytes) with the marked block replaced
 * by one "ALL: pattern" line per entry (block removed when n == 0, appended
 * when absent); *outlen gets its length.
 */
char	*hostsdeny_render(const char *old, size_t len, const char *const *pats,
	    size_t n, size_t *outlen);
/* Rewrites path through a temp file + fsync + rename. */
int	 hostsdeny_write(const char *path, const char *const *pats, size_t n,
	    struct err *e);

#endif
