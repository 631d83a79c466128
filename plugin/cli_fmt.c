/* SPDX-License-Identifier: MIT */
/*
 * The time format and counted nouns every command prints: times are ISO
 * 8601 with the offset written out (RFC 3339, seconds), in the local zone
 * for wall-clock times and in the sensor's offset for event times, so
 * scripts parse one format and people see their own clock.
 */
#include <stdio.h>
#include <time.h>

#include "cli_fmt.h"

static const char *
fmt_tm(const struct tm *tm, long off_s, char *buf, size_t len)
{
	long a = off_s < 0 ? -off_s : off_s;

	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d%c%02ld:%02ld",
	    tm->tm_year + 1900, tm->tm_mon + 1, tm->tm_mday, tm->tm_hour,
	    tm->tm_min, tm->tm_sec, off_s < 0 ? '-' : '+', a / 3600,
	    a / 60 % 60);
	return buf;
}

const char *
cli_fmt_time(int64_t usec, char *buf, size_t len)
{
	time_t t = (time_t)(usec / 1000000);
	struct tm tm;

	if (usec == 0 || localtime_r(&t, &tm) == NULL) {
		snprintf(buf, len, "-");
		return buf;
	}
	return fmt_tm(&tm, tm.tm_gmtoff, buf, len);
}

const char *
cli_fmt_time_at(int64_t usec, int tz_min, char *buf, size_t len)
{
	time_t t = (time_t)(usec / 1000000) + (time_t)tz_min * 60;
	struct tm tm;

	if (usec == 0 || gmtime_r(&t, &tm) == NULL) {
		snprintf(buf, len, "-");
		return buf;
	}
	return fmt_tm(&tm, (long)tz_min * 60, buf, len);
}

const char *
cli_fmt_count(long long n, const char *one, const char *many, char *buf,
    size_t len)
{
	snprintf(buf, len, "%lld %s", n, n == 1 ? one : many);
	return buf;
}
