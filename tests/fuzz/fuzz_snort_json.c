/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the Snort 3 alert_json parser: arbitrary bytes as
 * one line must parse or be refused without a crash, and a parsed alert
 * must carry a valid source address and text without a control character
 * or a byte that is not UTF-8 (hostile bytes are kept as \xNN text).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "snort_json_parse.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
no_ctl(const char *s)
{
	if (!utf8_clean(s))
		__builtin_trap();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct snort_json_opts o = { 60, 1700000000LL * 1000000 };
	struct alert al;
	struct err e = { 0 };

	if (snort_json_parse((const char *)data, size, &al, &o, &e) == 1) {
		if (al.src.family == 0 || al.dst.family == 0)
			__builtin_trap();
		no_ctl(al.signature);
		no_ctl(al.category);
		no_ctl(al.action);
		no_ctl(al.iface);
		no_ctl(al.app_proto);
	} else if (e.msg[0] == '\0')
		__builtin_trap();
	return 0;
}
