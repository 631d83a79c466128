/* SPDX-License-Identifier: MIT */
/*
 * For unit tests: whether any entry of a struct diag, formatted as
 * "file:line:col: msg", contains a string.
 */
#ifndef REDRESS_TEST_DIAG_HAS_H
#define REDRESS_TEST_DIAG_HAS_H

#include <string.h>

#include "err.h"

static inline int
diag_has(const struct diag *d, const char *want)
{
	char	buf[1024];
	size_t	i;

	for (i = 0; i < d->n; i++) {
		diag_format(d, i, buf, sizeof(buf));
		if (strstr(buf, want) != NULL)
			return 1;
	}
	return 0;
}

#endif
