/* SPDX-License-Identifier: MIT */
/* UTF-8 character checks (utf8.h). */
#include <stdint.h>

#include "utf8.h"

size_t
utf8_len(const unsigned char *u, size_t avail)
{
	size_t n, i;
	uint32_t v;

	if (u[0] < 0xc2)
		return 0;
	if (u[0] < 0xe0) {
		n = 2;
		v = u[0] & 0x1f;
	} else if (u[0] < 0xf0) {
		n = 3;
		v = u[0] & 0x0f;
	} else if (u[0] <= 0xf4) {
		n = 4;
		v = u[0] & 0x07;
	} else
		return 0;
	if (avail < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((u[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (u[i] & 0x3f);
	}
	if ((n == 3 && (v < 0x800 || (v >= 0xd800 && v <= 0xdfff))) ||
	    (n == 4 && (v < 0x10000 || v > 0x10ffff)))
		return 0;
	return n;
}

int
utf8_clean(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		/* NUL-ended: the check stops at the NUL. */
		size_t n = *p >= 0x80 ? utf8_len(p, SIZE_MAX) : 1;

		if (n == 0 || *p < 0x20 || *p == 0x7f)
			return 0;
		p += n;
	}
	return 1;
}
