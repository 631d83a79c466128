/* SPDX-License-Identifier: MIT */
/*
 * Test helper: configures one capture or lockacct responder from a small
 * YAML mapping given on the command line (or a file holding one), applies
 * (or with -r reverts) one block as the containment executor would, waits
 * for captures to end, and closes it. -n: dry-run, to stdout.
 *
 * usage: capture_once [-n] [-r] [-w MS] YAML TARGET[,TARGET...] [INCIDENT
 *	  [DIR]]
 *   `type: capture` (default) takes addresses or prefixes, `type: lockacct`
 *   local user names; several targets go in one batch, with incident ids
 *   INCIDENT, INCIDENT+1, ...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "responder.h"
#include "xmalloc.h"

static int
usage(void)
{
	fprintf(stderr, "usage: capture_once [-n] [-r] [-w MS] YAML "
	    "TARGET[,TARGET...] [INCIDENT [DIR]]\n");
	return 2;
}

int
main(int argc, char *argv[])
{
	struct diag		 d;
	struct conf_node	*root;
	const struct conf_node	*t;
	struct responder	 r;
	struct resp_block	 b[8];
	struct err		 e = { "", 0 };
	char			 buf[1024], *tgt, *next;
	int			 ch, dry = 0, rev = 0, wait_ms = -1, rc;
	size_t			 i, nb = 0;

	while ((ch = getopt(argc, argv, "nrw:")) != -1) {
		switch (ch) {
		case 'n':
			dry = 1;
			break;
		case 'r':
			rev = 1;
			break;
		case 'w':
			wait_ms = (int)strtol(optarg, NULL, 10);
			break;
		default:
			return usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 2 || argc > 4)
		return usage();
	diag_init(&d);
	if (access(argv[0], R_OK) == 0)
		root = conf_load(argv[0], &d);
	else
		root = conf_parse("argv", argv[0], strlen(argv[0]), &d);
	memset(&r, 0, sizeof(r));
	memset(b, 0, sizeof(b));
	r.ops = &resp_capture;
	if (root != NULL && (t = conf_get(root, "type")) != NULL &&
	    t->value != NULL && strcmp(t->value, "lockacct") == 0)
		r.ops = &resp_lockacct;
	strlcpy_r(r.name, r.ops->name, sizeof(r.name));
	r.conf = root;
	r.dry_run = dry;
	r.dry_out = stdout;
	r.priv = xcalloc(1, r.ops->priv_size);
	rc = -1;
	if (root == NULL || r.ops->configure(&r, root, &d) > 0) {
		for (i = 0; i < d.n; i++) {
			diag_format(&d, i, buf, sizeof(buf));
			fprintf(stderr, "%s\n", buf);
		}
		goto out;
	}
	for (tgt = argv[1]; tgt != NULL && nb < 8; tgt = next, nb++) {
		if ((next = strchr(tgt, ',')) != NULL)
			*next++ = '\0';
		if (r.ops == &resp_lockacct)
			strlcpy_r(b[nb].user, tgt, sizeof(b[nb].user));
		else if (cidr_parse(tgt, &b[nb].net) == -1) {
			fprintf(stderr, "capture_once: bad address %s\n", tgt);
			goto out;
		}
		b[nb].duration_s = 600;
		b[nb].incident_id = argc > 2 ? strtoll(argv[2], NULL, 10) +
		    (int64_t)nb : 0;
		if (argc > 3)
			strlcpy_r(b[nb].evidence_dir, argv[3],
			    sizeof(b[nb].evidence_dir));
		strlcpy_r(b[nb].reason, "capture_once", sizeof(b[nb].reason));
	}
	if (r.ops->open(&r, &e) == -1) {
		fprintf(stderr, "capture_once: %s\n", e.msg);
		goto out;
	}
	rc = rev ? r.ops->revert(&r, b, nb, &e) : r.ops->apply(&r, b, nb, &e);
	if (rc == -1)
		fprintf(stderr, "capture_once: %s\n", e.msg);
	if (rc == 0 && r.ops == &resp_capture && wait_ms != 0 &&
	    capture_wait_idle(&r, wait_ms > 0 ? wait_ms : 120000) == -1) {
		fprintf(stderr, "capture_once: capture still running\n");
		rc = -1;
	}
	r.ops->close(&r);
out:
	if (root != NULL)
		r.ops->release(&r);
	free(r.priv);
	conf_free(root);
	diag_clear(&d);
	return rc == 0 ? 0 : 1;
}
