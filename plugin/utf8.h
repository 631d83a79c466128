/* SPDX-License-Identifier: MIT */
/*
 * UTF-8 checks shared by the parsers and the writers of JSON and report
 * text: what counts as one valid character (jansson's rules: no overlong
 * forms, no surrogates, nothing past U+10FFFF).
 */
#ifndef REDRESS_UTF8_H
#define REDRESS_UTF8_H

#include <stddef.h>

/* Length of the valid UTF-8 sequence at u (lead byte >= 0x80, avail
 * bytes readable), or 0 when it is not one. */
size_t	utf8_len(const unsigned char *u, size_t avail);
/* 1 when the NUL-ended s is valid UTF-8 without C0 controls or DEL. */
int	utf8_clean(const char *s);

#endif
