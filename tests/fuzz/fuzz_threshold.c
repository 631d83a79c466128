/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the threshold.config parser and the threshold
 * engine: arbitrary bytes as a threshold file must give rules or
 * file:line errors, and every parsed rule must run in both engine modes
 * on an event sequence without crashing or counting backwards.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "log.h"
#include "threshold.h"
#include "threshold_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct thr_set s = { 0 };
	struct thr_state st;
	struct diag d;
	struct addr a, b;
	char line[2048];
	size_t i, k;
	int rc, eng;
	int64_t now;

	log_set_level(LOG_LEVEL_ERROR);
	diag_init(&d);
	rc = thr_parse_buf("fuzz.config", (const char *)data, size, &s, &d);
	if (rc != (int)d.errors && d.n < 1000)
		__builtin_trap();	/* every error is recorded */
	for (i = 0; i < d.n; i++)
		diag_format(&d, i, line, sizeof(line));
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	addr_parse("192.0.2.1", &a);
	addr_parse("2001:db8::1", &b);
	for (i = 0; i < s.n && i < 64; i++) {
		const struct thr_rule *r = &s.v[i];

		if (r->dir == THR_SUPPRESS) {
			(void)thr_suppressed(r, &a, &b);
			continue;
		}
		for (eng = 0; eng < 2; eng++) {
			memset(&st, 0, sizeof(st));
			now = 1700000000LL * 1000000;
			for (k = 0; k < 32; k++) {
				now += (int64_t)(data[k % size] % 7) * 1000000;
				if (r->dir == THR_RATE_FILTER)
					thr_rate(r, eng, &st, k == 0, now);
				else
					thr_filter(r, eng, &st, k == 0, now);
				if (st.count < 0)
					__builtin_trap();
			}
		}
	}
	thr_set_free(&s);
	diag_clear(&d);
	return 0;
}
