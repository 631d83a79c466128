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
#include "store.h"
#include "store_note.h"

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
	struct store		*st;
	char			 who[128], text[256];
	int64_t			 inc;
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
	unlock_operator(who, sizeof(who));
	log_info("lockacct: %s unlocked by %s%s", b.user, who, r->dry_run ?
	    " (dry-run)" : "");
	/* On the record of the incident that locked it. */
	if (!r->dry_run && cli_open_store(cli, NULL, &st) == 0) {
		snprintf(text, sizeof(text), "unlocked %s by hand: %s", b.user,
		    who);
		if ((inc = store_note_last_incident(st, r->name, b.user,
		    &e)) < 0 || store_note_add(st, inc, r->name, b.user, text,
		    &e) < 0)
			cli_error("the unlock is done but not recorded: %s",
			    e.msg);
		store_close(st);
	}
	if (!cli->quiet)
		fprintf(stderr, "unlocked %s%s\n", b.user, r->dry_run ?
		    " (dry-run)" : "");
	return 0;
}
