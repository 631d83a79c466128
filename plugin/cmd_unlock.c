/* SPDX-License-Identifier: MIT */
/*
 * redress unlock USER: undoes what the lock-account responder did to an
 * account (usermod -U, and its expiry cleared), through the configured
 * lockacct responder and its refusals, and logs who asked for it.
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "log.h"
#include "responder.h"
#include "responders_conf.h"

/* Who ran the command: the sudo caller when there is one. */
static const char *
unlock_operator(char *buf, size_t len)
{
	const char	*s = getenv("SUDO_USER");
	struct passwd	*pw;

	if (s != NULL && s[0] != '\0' && strlen(s) < 64)
		snprintf(buf, len, "%s (through sudo)", s);
	else if ((pw = getpwuid(getuid())) != NULL)
		snprintf(buf, len, "%s", pw->pw_name);
	else
		snprintf(buf, len, "uid %lu", (unsigned long)getuid());
	return buf;
}

int
cmd_unlock(struct cli *cli, int argc, char **argv)
{
	struct responder	*r = NULL;
	struct resp_block	 b;
	struct err		 e = { "", 0 };
	char			 who[128];
	size_t			 i;
	int			 rc;

	if (argc != 2 || argv[1][0] == '-') {
		cli_error("usage: redress unlock USER");
		return 2;
	}
	if (cli_load_config(cli) < 0)
		return 1;
	for (i = 0; cli->cfg->responders != NULL &&
	    i < cli->cfg->responders->n; i++)
		if (cli->cfg->responders->v[i]->ops == &resp_lockacct)
			r = cli->cfg->responders->v[i];
	if (r == NULL) {
		cli_error("no lockacct responder is configured: nothing of "
		    "redress's to undo");
		return 1;
	}
	r->dry_run = cli->cfg->general.dry_run;
	r->dry_out = stdout;
	if (r->ops->open(r, &e) == -1) {
		cli_error("%s", e.msg);
		return 1;
	}
	memset(&b, 0, sizeof(b));
	if (strlen(argv[1]) >= sizeof(b.user)) {
		cli_error("\"%.64s...\": not a user name", argv[1]);
		r->ops->close(r);
		return 2;
	}
	memcpy(b.user, argv[1], strlen(argv[1]) + 1);
	rc = r->ops->revert(r, &b, 1, &e);
	r->ops->close(r);
	if (rc == -1) {
		cli_error("unlock %s: %s", b.user, e.msg);
		return 1;
	}
	log_info("lockacct: %s unlocked by %s%s", b.user,
	    unlock_operator(who, sizeof(who)), r->dry_run ? " (dry-run)" : "");
	if (!cli->quiet)
		fprintf(stderr, "unlocked %s%s\n", b.user, r->dry_run ?
		    " (dry-run)" : "");
	return 0;
}
