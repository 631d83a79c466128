/* SPDX-License-Identifier: MIT */
/*
 * Error reporting without printing: a struct err carries one message from a
 * failing callee to the caller (first message wins, as curl's failf), and a
 * struct diag collects every file:line:col problem of a config or data file
 * so that all of them can be shown in one run.
 */
#ifndef REDRESS_ERR_H
#define REDRESS_ERR_H

#include <stddef.h>

#define ERR_MSG_MAX	512

struct err {
	char	msg[ERR_MSG_MAX];
	int	set;
};

/* Sets the message unless one is already set; always returns -1. */
int	err_set(struct err *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* Prefixes context to an existing message ("block 192.0.2.1: " + msg). */
void	err_prefix(struct err *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	err_clear(struct err *);

struct diag_entry {
	char	*file;
	int	 line;		/* 1-based, 0 when unknown */
	int	 col;		/* 1-based, 0 when unknown */
	int	 warning;	/* 1: a warning, does not refuse the file */
	char	*msg;
};

struct diag {
	struct diag_entry	*v;
	size_t			 n, cap;
	size_t			 errors;
	size_t			 max;	/* stop recording past this, 0: 1000 */
};

void	diag_init(struct diag *);
void	diag_clear(struct diag *);
/* Records "file:line:col: msg". file may be NULL. */
void	diag_add(struct diag *, const char *file, int line, int col,
	    const char *, ...) __attribute__((format(printf, 5, 6)));
void	diag_warn(struct diag *, const char *file, int line, int col,
	    const char *, ...) __attribute__((format(printf, 5, 6)));
/* Formats entry i as "file:line:col: [warning: ]msg" into buf. */
void	diag_format(const struct diag *, size_t i, char *buf, size_t len);

#endif
