/* SPDX-License-Identifier: MIT */
/*
 * struct err (one message, first wins) and struct diag (every positioned
 * problem of a file). Nothing here prints; callers decide where it goes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "xmalloc.h"

int
err_set(struct err *e, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL || e->set)
		return -1;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	e->set = 1;
	return -1;
}

void
err_prefix(struct err *e, const char *fmt, ...)
{
	char pre[ERR_MSG_MAX], old[ERR_MSG_MAX];
	va_list ap;

	if (e == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(pre, sizeof(pre), fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof(old));
	{
		size_t n = strlen(pre);

		if (n >= sizeof(e->msg))
			n = sizeof(e->msg) - 1;
		memcpy(e->msg, pre, n);
		strlcpy_r(e->msg + n, old, sizeof(e->msg) - n);
	}
	e->set = 1;
}

void
err_clear(struct err *e)
{
	if (e == NULL)
		return;
	e->msg[0] = '\0';
	e->set = 0;
}

void
diag_init(struct diag *d)
{
	memset(d, 0, sizeof(*d));
}

void
diag_clear(struct diag *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].msg);
	}
	free(d->v);
	memset(d, 0, sizeof(*d));
}

static void	diag_vadd(struct diag *, int, const char *, int, int,
		    const char *, va_list) __attribute__((format(printf, 6, 0)));

static void
diag_vadd(struct diag *d, int warning, const char *file, int line, int col,
    const char *fmt, va_list ap)
{
	struct diag_entry *de;
	size_t max = d->max ? d->max : 1000;

	if (!warning)
		d->errors++;
	if (d->n >= max)
		return;
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 8;
		d->v = xreallocarray(d->v, d->cap, sizeof(*d->v));
	}
	de = &d->v[d->n++];
	de->file = file ? xstrdup(file) : NULL;
	de->line = line;
	de->col = col;
	de->warning = warning;
	de->msg = xvasprintf(fmt, ap);
}

void
diag_add(struct diag *d, const char *file, int line, int col,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(d, 0, file, line, col, fmt, ap);
	va_end(ap);
}

void
diag_warn(struct diag *d, const char *file, int line, int col,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(d, 1, file, line, col, fmt, ap);
	va_end(ap);
}

void
diag_format(const struct diag *d, size_t i, char *buf, size_t len)
{
	const struct diag_entry *de = &d->v[i];
	const char *w = de->warning ? "warning: " : "";

	if (de->file && de->line && de->col)
		snprintf(buf, len, "%s:%d:%d: %s%s", de->file, de->line,
		    de->col, w, de->msg);
	else if (de->file && de->line)
		snprintf(buf, len, "%s:%d: %s%s", de->file, de->line, w,
		    de->msg);
	else if (de->file)
		snprintf(buf, len, "%s: %s%s", de->file, w, de->msg);
	else
		snprintf(buf, len, "%s%s", w, de->msg);
}
