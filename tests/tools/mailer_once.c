/* SPDX-License-Identifier: MIT */
/*
 * Test helper: runs one pass of the mailer executor over a store with the
 * smtp/reports sections of a configuration file, as the daemon's mailer
 * thread would; prints how many reports it handled.
 *
 * usage: mailer_once CONFIG DB
 */
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include "config.h"
#include "executor.h"
#include "xmalloc.h"

int
main(int argc, char *argv[])
{
	struct diag	 d;
	struct config	*cfg;
	struct store	*st;
	struct executor	 ex;
	struct err	 e = { "", 0 };
	char		 buf[1024];
	size_t		 i;
	int		 n;

	if (argc != 3) {
		fprintf(stderr, "usage: mailer_once CONFIG DB\n");
		return 2;
	}
	diag_init(&d);
	if ((cfg = config_load(argv[1], &d)) == NULL) {
		for (i = 0; i < d.n; i++) {
			diag_format(&d, i, buf, sizeof(buf));
			fprintf(stderr, "%s\n", buf);
		}
		return 1;
	}
	if (store_open(argv[2], &st, &e) == -1) {
		fprintf(stderr, "mailer_once: %s\n", e.msg);
		return 1;
	}
	memset(&ex, 0, sizeof(ex));
	ex.ops = &executor_mailer;
	ex.cfg = cfg;
	ex.priv = xcalloc(1, executor_mailer.priv_size);
	ex.dry_run = 0;
	if (executor_mailer.start(&ex, st, &e) == -1 ||
	    (n = executor_mailer.run(&ex, st, store_now_usec(), &e)) == -1) {
		fprintf(stderr, "mailer_once: %s\n", e.msg);
		return 1;
	}
	executor_mailer.stop(&ex);
	printf("%d\n", n);
	free(ex.priv);
	store_close(st);
	config_free(cfg);
	diag_clear(&d);
	return 0;
}
