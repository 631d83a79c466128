/* SPDX-License-Identifier: MIT */
/*
 * The SIGHUP gate: a configuration that loads is still refused when
 * `redress run` could not work with it (no inputs) or when one of its
 * containment backends cannot start (a missing program, no nftables
 * support, a table it may not create). The run loop keeps its old
 * configuration and backends then; swapping is the run loop's job.
 */
#include <stdio.h>

#include "containment.h"
#include "reload.h"

int
reload_check(const struct config *ncfg, struct err *e)
{
	struct containment *c;
	struct diag d;
	char line[1024];
	size_t n;

	diag_init(&d);
	n = config_check_daemon(ncfg, &d);
	if (n > 0) {
		diag_format(&d, 0, line, sizeof(line));
		diag_clear(&d);
		return err_set(e, "%s", line);
	}
	diag_clear(&d);
	/* Dry-run backends only print: nothing there can fail to start. */
	if (ncfg->general.dry_run)
		return 0;
	c = containment_open(ncfg, 0, NULL, 1, e);
	if (c == NULL)
		return -1;
	containment_close(c);
	return 0;
}
