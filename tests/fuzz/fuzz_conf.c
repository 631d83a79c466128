/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the configuration loader: arbitrary bytes as
 * redress.yaml must give a config or positioned errors, never a crash.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config *cfg;
	struct diag d;
	char line[2048];
	size_t i;

	log_set_level(LOG_LEVEL_ERROR);
	diag_init(&d);
	cfg = config_parse("fuzz.yaml", (const char *)data, size, &d);
	for (i = 0; i < d.n; i++)
		diag_format(&d, i, line, sizeof(line));
	if (cfg == NULL && d.errors == 0)
		__builtin_trap();	/* a refusal must say why */
	config_free(cfg);
	diag_clear(&d);
	return 0;
}
