/* SPDX-License-Identifier: MIT */
/*
 * log_* to stderr or syslog, fatal/fatalx, and log_esc for hostile text.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "log.h"

static int		log_foreground = 1;
static int		log_facility = LOG_DAEMON;
static enum log_level	log_level = LOG_LEVEL_INFO;
static pthread_mutex_t	log_mtx = PTHREAD_MUTEX_INITIALIZER;

#define LOG_RING	16
static char		log_ring[LOG_RING][256];
static size_t		log_ring_n;

void
log_init(int foreground, int facility)
{
	log_foreground = foreground;
	log_facility = facility;
	if (!foreground)
		openlog("redress", LOG_PID | LOG_NDELAY, facility);
}

void
log_reopen(void)
{
	if (!log_foreground) {
		closelog();
		openlog("redress", LOG_PID | LOG_NDELAY, log_facility);
	}
}

void
log_set_level(enum log_level l)
{
	log_level = l;
}

enum log_level
log_get_level(void)
{
	return log_level;
}

int
log_level_parse(const char *s, enum log_level *l)
{
	static const char *names[] = { "error", "warning", "info", "debug" };
	size_t i;

	for (i = 0; i < 4; i++)
		if (strcmp(s, names[i]) == 0) {
			*l = (enum log_level)i;
			return 0;
		}
	return -1;
}

static void	log_vwrite(enum log_level, const char *, va_list, int)
		    __attribute__((format(printf, 2, 0)));

static void
log_vwrite(enum log_level l, const char *fmt, va_list ap, int with_errno)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	char msg[2048];
	int saved = errno;
	size_t n;

	if (l > log_level)
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (with_errno) {
		n = strlen(msg);
		snprintf(msg + n, sizeof(msg) - n, ": %s", strerror(saved));
	}
	pthread_mutex_lock(&log_mtx);
	if (l <= LOG_LEVEL_WARNING) {
		snprintf(log_ring[log_ring_n % LOG_RING], 256, "%s", msg);
		log_ring_n++;
	}
	if (log_foreground)
		fprintf(stderr, "redress: %s\n", msg);
	else
		syslog(prio[l], "%s", msg);
	pthread_mutex_unlock(&log_mtx);
	errno = saved;
}

size_t
log_last_errors(char (*out)[256], size_t max)
{
	size_t n, i, start;

	pthread_mutex_lock(&log_mtx);
	n = log_ring_n < LOG_RING ? log_ring_n : LOG_RING;
	if (n > max)
		n = max;
	start = log_ring_n - n;
	for (i = 0; i < n; i++)
		memcpy(out[i], log_ring[(start + i) % LOG_RING], 256);
	pthread_mutex_unlock(&log_mtx);
	return n;
}

#define LOG_FN(name, level, e)				\
void							\
name(const char *fmt, ...)				\
{							\
	va_list ap;					\
							\
	va_start(ap, fmt);				\
	log_vwrite(level, fmt, ap, e);			\
	va_end(ap);					\
}

LOG_FN(log_warn, LOG_LEVEL_WARNING, 1)
LOG_FN(log_warnx, LOG_LEVEL_WARNING, 0)
LOG_FN(log_info, LOG_LEVEL_INFO, 0)
LOG_FN(log_debug, LOG_LEVEL_DEBUG, 0)

void
fatal(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_LEVEL_ERROR, fmt, ap, 1);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_LEVEL_ERROR, fmt, ap, 0);
	va_end(ap);
	exit(1);
}

char *
log_esc(const char *src, size_t srclen, char *buf, size_t buflen)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, o = 0;

	if (buflen == 0)
		return buf;
	for (i = 0; i < srclen && src[i] != '\0'; i++) {
		unsigned char c = (unsigned char)src[i];

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			if (o + 1 >= buflen)
				break;
			buf[o++] = (char)c;
		} else {
			if (o + 4 >= buflen)
				break;
			buf[o++] = '\\';
			buf[o++] = 'x';
			buf[o++] = hex[c >> 4];
			buf[o++] = hex[c & 15];
		}
	}
	buf[o] = '\0';
	return buf;
}
