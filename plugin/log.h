/* SPDX-License-Identifier: MIT */
/*
 * Logging for the daemon and the CLI: stderr in the foreground, syslog as a
 * daemon. One line per event, "subsystem: object: what happened". Library
 * code returns errors (err.h) instead of calling these.
 */
#ifndef REDRESS_LOG_H
#define REDRESS_LOG_H

#include <stddef.h>

enum log_level {
	LOG_LEVEL_ERROR = 0,
	LOG_LEVEL_WARNING,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
};

/* foreground: 1 stderr, 0 syslog with the given facility (LOG_DAEMON ...). */
void	log_init(int foreground, int facility);
void	log_set_level(enum log_level);
enum log_level log_get_level(void);
int	log_level_parse(const char *, enum log_level *);
/* Reopens the log target (SIGHUP). */
void	log_reopen(void);

void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Keeps the last few warnings for `redress status`; returns how many. */
size_t	log_last_errors(char (*out)[256], size_t max);

/*
 * Copies hostile text (PTR names, whois fields, alert strings) into buf with
 * control characters and non-ASCII bytes as \xNN; returns buf.
 */
char	*log_esc(const char *src, size_t srclen, char *buf, size_t buflen);

#endif
