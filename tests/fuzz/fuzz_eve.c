/* SPDX-License-Identifier: MIT */
/*
 * Differential libFuzzer harness for the EVE parsers: whenever the fast
 * path (eve_fast.c) returns an alert, jansson (eve_parse_jansson) must
 * return the same alert, field by field; no parsed string may keep a
 * control character or a byte that is not UTF-8 (hostile bytes are kept
 * as \xNN text); and the alert printed as JSON must load again. Any
 * disagreement aborts.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eve_parse.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
no_ctl(const char *s)
{
	if (!utf8_clean(s))
		__builtin_trap();
}

static void
check_text(const struct alert *al)
{
	static char out[16384];
	json_error_t je;
	json_t *o;
	size_t n;

	no_ctl(al->signature);
	no_ctl(al->category);
	no_ctl(al->action);
	no_ctl(al->app_proto);
	no_ctl(al->iface);
	no_ctl(al->sensor);
	no_ctl(al->http_method);
	no_ctl(al->http_host);
	no_ctl(al->http_url);
	n = alert_json(al, out, sizeof(out));
	if (n >= sizeof(out))
		return;
	if ((o = json_loadb(out, n, 0, &je)) == NULL) {
		fprintf(stderr, "alert JSON does not load: %s\n", je.text);
		abort();
	}
	json_decref(o);
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
	if (rj == 1)
		check_text(&ja);
	if (rf == 1)
		check_text(&fa);
	return 0;
}
