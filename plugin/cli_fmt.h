/* SPDX-License-Identifier: MIT */
/*
 * Formatting shared by the commands (cli_fmt.c): one time format, ISO 8601
 * with its offset ("2026-12-01T23:40:02+01:00", RFC 3339), and counted
 * nouns ("1 alert", "2 alerts").
 */
#ifndef REDRESS_CLI_FMT_H
#define REDRESS_CLI_FMT_H

#include <stddef.h>
#include <stdint.h>

/* Wall-clock usec in the local zone (TZ, reports.timezone); "-" for 0. */
const char	*cli_fmt_time(int64_t usec, char *buf, size_t len);
/* Event-time usec at a fixed offset in minutes (the sensor's). */
const char	*cli_fmt_time_at(int64_t usec, int tz_min, char *buf,
		    size_t len);
/* "N one" or "N many" by n. */
const char	*cli_fmt_count(long long n, const char *one, const char *many,
		    char *buf, size_t len);

#endif
