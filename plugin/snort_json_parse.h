/* SPDX-License-Identifier: MIT */
/*
 * One Snort 3 alert_json line into a struct alert. Snort writes its own
 * field names (src_addr, dst_addr or src_ap/dst_ap "addr:port", gid, sid,
 * rev or rule "gid:sid:rev", msg, class, priority, proto, action, iface,
 * b64_data, seconds) and a timestamp "[YY/]MM/DD-hh:mm:ss.uuuuuu" in the
 * sensor's local time unless it runs with -U; the caller says which zone.
 */
#ifndef REDRESS_SNORT_JSON_PARSE_H
#define REDRESS_SNORT_JSON_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "alert.h"
#include "err.h"

struct snort_json_opts {
	int16_t	tz_min;		/* the sensor's UTC offset (0: UTC) */
	int64_t	now_usec;	/* for timestamps without a year */
};

/*
 * 1: an alert in *al. -1: invalid, e says why. The input fields (input,
 * file, offset, line, raw) are left to the caller.
 */
int	snort_json_parse(const char *line, size_t len, struct alert *al,
	    const struct snort_json_opts *o, struct err *e);
/*
 * Parses a Snort timestamp "[YY/]MM/DD-hh:mm:ss[.frac]" written at UTC
 * offset tz_min. Without a year the one that puts it nearest before
 * now_usec (+1 day) is taken. 0 ok, -1 bad.
 */
int	snort_json_time(const char *s, size_t n, int16_t tz_min,
	    int64_t now_usec, int64_t *ts_usec);

#endif
