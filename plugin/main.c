/* SPDX-License-Identifier: MIT */
/*
 * The redress binary: global options, then one subcommand from the table
 * below. Each command is implemented in plugin/cmd_<name>.c. Commands
 * that touch the store, the outbox or the keyring, run as root, act as
 * general.user (privdrop_command) from the start.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "conf_check.h"
#include "privdrop.h"
#include "store.h"
#include "log.h"

#ifndef REDRESS_VERSION
#define REDRESS_VERSION	"unknown"
#endif

/*
 * Commands that, run as root, become general.user; those marked 1 keep
 * CAP_NET_ADMIN (they change the firewall). run drops by itself (after
 * its pid file); update-bootstrap writes root's configuration directory.
 */
static const struct {
	const char	*name;
	int		 net_admin;
} as_user[] = {
	{ "block", 1 }, { "blocks", 0 }, { "check-config", 0 },
	{ "incident", 0 }, { "incidents", 0 }, { "queue", 0 },
	{ "replay", 0 }, { "status", 0 }, { "unblock", 1 }, { "whois", 0 },
	{ NULL, 0 },
};

struct command {
	const char	*name;
	int		(*fn)(struct cli *, int, char **);
	const char	*usage;
};

static const struct command commands[] = {
	{ "block", cmd_block, "block [--store DB] ADDR[/LEN] --for DURATION "
	    "--reason TEXT" },
	{ "blocks", cmd_blocks, "blocks [--store DB] [--all] [--json]" },
	{ "check-config", cmd_check_config, "check-config" },
	{ "exabgp-helper", cmd_exabgp_helper, "exabgp-helper SOCKET" },
	{ "followup", cmd_followup, "followup [--store DB] scan|list" },
	{ "incident", cmd_incident, "incident [--store DB] [--json] ID" },
	{ "incidents", cmd_incidents, "incidents [--store DB] [--open] "
	    "[--since TIME] [--json]" },
	{ "queue", cmd_queue, "queue [--store DB] list [--state STATE] "
	    "[--json]|show [--raw] ID|edit ID|approve ID...|--all|"
	    "reject ID... [--reason TEXT]|send|retry ID...|"
	    "close ID --reason TEXT" },
	{ "replay", cmd_replay, "replay [--store DB] [--no-policy] "
	    "[--no-alerts] [--single-thread] FILE..." },
	{ "run", cmd_run, "run [-d] [--once]" },
	{ "status", cmd_status, "status [--json] [--socket PATH]" },
	{ "unblock", cmd_unblock, "unblock [--store DB] ADDR[/LEN]" },
	{ "unlock", cmd_unlock, "unlock USER" },
	{ "update-bootstrap", cmd_update_bootstrap,
	    "update-bootstrap [--url URL] [--dir DIR]" },
	{ "whois", cmd_whois, "whois [--store DB] [--no-cache] [--json] ADDR" },
	{ NULL, NULL, NULL },
};

static void
usage(FILE *f)
{
	const struct command *c;

	fprintf(f, "usage: redress [-c FILE] [-v] [-q] COMMAND [ARGS]\n"
	    "       redress --version\n\n"
	    "  -c FILE   configuration (default %s)\n"
	    "  -v        more detail (debug logging)\n"
	    "  -q        errors only\n\ncommands:\n", CONFIG_DEFAULT_PATH);
	for (c = commands; c->name; c++)
		fprintf(f, "  redress %s\n", c->usage);
}

void
cli_error(const char *fmt, ...)
{
	va_list ap;

	fputs("redress: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int
cli_load_config(struct cli *cli)
{
	struct diag d;
	char line[2048];
	size_t i;

	if (cli->cfg)
		return 0;
	diag_init(&d);
	cli->cfg = config_load(cli->config_path, &d);
	for (i = 0; i < d.n; i++) {
		diag_format(&d, i, line, sizeof(line));
		fprintf(stderr, "%s\n", line);
	}
	if (d.errors > d.n)
		fprintf(stderr, "... and %zu more errors\n", d.errors - d.n);
	diag_clear(&d);
	if (cli->cfg == NULL)
		return -1;
	if (cli->cfg->general.log_level && !cli->verbose && !cli->quiet) {
		enum log_level l;

		if (log_level_parse(cli->cfg->general.log_level, &l) == 0)
			log_set_level(l);
	}
	return 0;
}

int
cli_load_daemon_config(struct cli *cli)
{
	struct diag d;
	char line[2048];
	size_t i;

	if (cli_load_config(cli) < 0)
		return -1;
	diag_init(&d);
	config_check_daemon(cli->cfg, &d);
	for (i = 0; i < d.n; i++) {
		diag_format(&d, i, line, sizeof(line));
		fprintf(stderr, "%s\n", line);
	}
	i = d.errors;
	diag_clear(&d);
	return i ? -1 : 0;
}

/*
 * Opens the state store for a command: --store PATH when given, else the
 * configuration's general.database. Errors are printed; 0 or -1.
 */
int
cli_open_store(struct cli *cli, const char *path, struct store **st)
{
	struct err e = { "", 0 };

	if (path == NULL) {
		if (cli_load_config(cli) < 0)
			return -1;
		path = cli->cfg->general.database;
		if (path == NULL) {
			cli_error("no database: set general.state_dir or use "
			    "--store");
			return -1;
		}
	}
	if (store_open(path, st, &e) < 0) {
		cli_error("%s", e.msg);
		return -1;
	}
	return 0;
}

int
cmd_check_config(struct cli *cli, int argc, char **argv)
{
	struct diag d;
	char line[2048], *notes = NULL;
	size_t i;
	int rc;

	if (argc > 1) {
		cli_error("check-config takes no arguments");
		return 2;
	}
	if (cli_load_daemon_config(cli) < 0) {
		fprintf(stderr, "%s: configuration has errors\n",
		    cli->config_path);
		return 1;
	}
	diag_init(&d);
	rc = conf_check(cli->cfg, &d, &notes);
	for (i = 0; i < d.n; i++) {
		diag_format(&d, i, line, sizeof(line));
		fprintf(stderr, "%s\n", line);
	}
	diag_clear(&d);
	if (notes != NULL && !cli->quiet)
		fputs(notes, stdout);
	free(notes);
	if (rc < 0) {
		fprintf(stderr, "%s: configuration has errors\n",
		    cli->config_path);
		return 1;
	}
	printf("%s: configuration OK\n", cli->config_path);
	return 0;
}

/*
 * Run as root, a command of as_user[] becomes general.user when the
 * configuration names one that exists. Returns 0, or 1 (printed).
 */
static int
become_user(struct cli *cli, const char *name)
{
	struct err e = { "", 0 };
	int i, dropped;

	for (i = 0; as_user[i].name; i++)
		if (strcmp(as_user[i].name, name) == 0)
			break;
	if (as_user[i].name == NULL || (getuid() != 0 && geteuid() != 0))
		return 0;
	/* Without a configuration (queue --store DB) there is no user. */
	if (!cli->config_given && access(cli->config_path, F_OK) < 0)
		return 0;
	if (cli_load_config(cli) < 0) {
		fprintf(stderr, "%s: configuration has errors\n",
		    cli->config_path);
		return 1;
	}
	if (privdrop_command(&cli->cfg->general, as_user[i].net_admin,
	    &dropped, &e) < 0) {
		cli_error("%s", e.msg);
		return 1;
	}
	if (dropped)
		log_debug("%s: running as %s", name, cli->cfg->general.user);
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct cli cli = { .config_path = CONFIG_DEFAULT_PATH };
	const struct command *c;
	int ch, rc;

	log_init(1, 0);
	while ((ch = getopt_long(argc, argv, "+c:vqhV", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			cli.config_path = optarg;
			cli.config_given = 1;
			break;
		case 'v':
			cli.verbose++;
			log_set_level(LOG_LEVEL_DEBUG);
			break;
		case 'q':
			cli.quiet = 1;
			log_set_level(LOG_LEVEL_ERROR);
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("redress %s\n", REDRESS_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		usage(stderr);
		return 2;
	}
	for (c = commands; c->name; c++)
		if (strcmp(c->name, argv[0]) == 0)
			break;
	if (c->name == NULL) {
		cli_error("unknown command \"%s\"", argv[0]);
		usage(stderr);
		return 2;
	}
	optind = 1;
	rc = become_user(&cli, c->name);
	if (rc == 0)
		rc = c->fn(&cli, argc, argv);
	config_free(cli.cfg);
	return rc;
}
