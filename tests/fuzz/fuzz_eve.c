/* SPDX-License-Identifier: MIT */
/*
 * Differential libFuzzer harness for the EVE parsers: whenever the fast
 * path (eve_fast.c) returns an alert, jansson (eve_parse_jansson) must
 * return the same alert, field by field; and no parsed string may keep a
 * control character. Any disagreement aborts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eve_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
no_ctl(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct alert_scratch s1, s2;
	struct alert fa, ja;
	struct err e = { 0 };
	int rf, rj;

	rf = eve_parse_fast((const char *)data, size, &fa, &s1);
	rj = eve_parse_jansson((const char *)data, size, &ja, &s2, &e);
	if (rf == 1) {
		const char *d;

		if (rj != 1) {
			fprintf(stderr, "fast: alert, jansson: %d (%s)\n", rj,
			    e.msg);
			abort();
		}
		if ((d = eve_alert_diff(&fa, &ja)) != NULL) {
			fprintf(stderr, "fast and jansson differ in %s\n", d);
			abort();
		}
	}
	if (rf != 1 && rf != 0 && rf != EVE_FALLBACK)
		abort();
	if (rj == 1) {
		no_ctl(ja.signature);
		no_ctl(ja.category);
		no_ctl(ja.action);
		no_ctl(ja.app_proto);
		no_ctl(ja.iface);
		no_ctl(ja.sensor);
	}
	return 0;
}
