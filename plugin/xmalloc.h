/* SPDX-License-Identifier: MIT */
/*
 * Allocators that end the program on out-of-memory, so callers never check.
 * A char * returned by these belongs to the caller (free(3) it).
 */
#ifndef REDRESS_XMALLOC_H
#define REDRESS_XMALLOC_H

#include <stdarg.h>
#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
char	*xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));
char	*xvasprintf(const char *, va_list) __attribute__((format(printf, 1, 0)));

/* Bounded copy that always terminates; returns the source length. */
size_t	 strlcpy_r(char *dst, const char *src, size_t size);

#endif
