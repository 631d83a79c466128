/* SPDX-License-Identifier: MIT */
/*
 * `redress blocks [--store DB] [--all] [--json]` lists blocks from the
 * state store; `redress block [--store DB] ADDR[/LEN] --for DURATION
 * --reason TEXT` and `redress unblock [--store DB] ADDR[/LEN]` open the
 * configured responders, act at once and record it. With general.dry_run
 * the responders print what they would do.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "alert.h"
#include "cli_fmt.h"
#include "cmd.h"
#include "containment.h"
#include "store.h"
#include "store_block.h"
#include "utf8.h"
#include "xmalloc.h"

struct blocks_ctx {
	int	json;
	size_t	n;
	int64_t	now;
};

static int
print_block(void *arg, const struct block_row *b)
{
	struct blocks_ctx *c = arg;
	char t[64], rm[64];
	json_t *j;
	char *s;
	const char *state;

	state = b->removed_usec ? "removed" : b->expires_usec <= c->now ?
	    "expired" : "active";
	if (c->json) {
		j = json_pack("{s:I, s:s, s:s, s:s, s:I, s:s, s:s, s:s}",
		    "id", (json_int_t)b->id, "cidr", b->cidr, "responder",
		    b->responder, "state", state, "incident",
		    (json_int_t)b->incident_id, "created",
		    cli_fmt_time(b->created_usec, rm, sizeof(rm)),
		    "expires", cli_fmt_time(b->expires_usec, t, sizeof(t)),
		    "reason", b->reason);
		if (j == NULL)
			return -1;
		s = json_dumps(j, JSON_COMPACT);
		printf("%s\n", s ? s : "{}");
		free(s);
		json_decref(j);
	} else {
		if (c->n == 0)
			printf("%-43s  %-8s  %-25s  %-8s  %-7s  %s\n", "block",
			    "state", "expires", "incident", "left", "reason "
			    "(responders)");
		cli_fmt_time(b->expires_usec, t, sizeof(t));
		if (b->removed_usec == 0 && b->expires_usec > c->now)
			snprintf(rm, sizeof(rm), "%llds", (long long)
			    ((b->expires_usec - c->now) / 1000000));
		else
			snprintf(rm, sizeof(rm), "-");
		printf("%-43s  %-8s  %-25s  %-8lld  %-7s  %s (%s)\n", b->cidr,
		    state, t, (long long)b->incident_id, rm, b->reason,
		    b->responder);
	}
	c->n++;
	return 0;
}

int
cmd_blocks(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "store", required_argument, NULL, 's' },
		{ "all", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL;
	struct blocks_ctx c = { 0, 0, 0 };
	struct store *st;
	struct err e = { "", 0 };
	int ch, all = 0, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			path = optarg;
			break;
		case 'a':
			all = 1;
			break;
		case 'j':
			c.json = 1;
			break;
		default:
			return 2;
		}
	}
	if (optind != argc) {
		cli_error("usage: redress blocks [--store DB] [--all] "
		    "[--json]");
		return 2;
	}
	if (path == NULL && cli_load_config(cli) < 0)
		return 1;
	if (cli_open_store(cli, path, &st) < 0)
		return 1;
	c.now = store_now_usec();
	rc = store_block_list(st, all ? BLOCK_LIST_ALL : BLOCK_LIST_ACTIVE,
	    c.now, print_block, &c, &e);
	if (rc < 0)
		cli_error("%s", e.msg);
	else if (!c.json)
		fprintf(stderr, "%zu block%s\n", c.n, c.n == 1 ? "" : "s");
	store_close(st);
	return rc < 0;
}

/* Config (always: the responders), store, backends. */
static int
open_all(struct cli *cli, const char *path, struct store **st,
    struct containment **ct)
{
	struct err e = { "", 0 };

	if (cli_load_config(cli) < 0)
		return -1;
	if (cli_open_store(cli, path, st) < 0)
		return -1;
	*ct = containment_open(cli->cfg, cli->cfg->general.dry_run, stdout, 1,
	    &e);
	if (*ct == NULL) {
		cli_error("%s", e.msg);
		store_close(*st);
		return -1;
	}
	return 0;
}

static int
parse_target(const char *s, struct cidr *c)
{
	if (cidr_parse(s, c) < 0) {
		cli_error("\"%s\": expected an address or ADDR/LEN", s);
		return -1;
	}
	if (c->len == 0) {
		cli_error("%s: a /0 would block everything; refused", s);
		return -1;
	}
	return 0;
}

int
cmd_block(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "store", required_argument, NULL, 's' },
		{ "for", required_argument, NULL, 'f' },
		{ "reason", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL, *reason = "blocked by hand", *w;
	struct containment *ct;
	struct store *st;
	struct cidr net;
	struct err e = { "", 0 };
	char t[CIDR_STRLEN];
	int64_t ms = 0;
	int ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			path = optarg;
			break;
		case 'f':
			if ((w = conf_to_msec(optarg, &ms)) != NULL ||
			    ms < 1000) {
				cli_error("--for \"%s\": %s", optarg, w ? w :
				    "at least 1s");
				return 2;
			}
			break;
		case 'r':
			reason = optarg;
			/* one line of text: it is listed, logged, stored */
			if (!utf8_clean(reason) || strlen(reason) >=
			    sizeof(((struct block_row *)0)->reason)) {
				cli_error("--reason: one line of UTF-8 text "
				    "without control characters, at most "
				    "%zu bytes", sizeof(((struct block_row *)
				    0)->reason) - 1);
				return 2;
			}
			break;
		default:
			return 2;
		}
	}
	if (optind + 1 != argc) {
		cli_error("usage: redress block [--store DB] ADDR[/LEN] "
		    "--for DURATION --reason TEXT");
		return 2;
	}
	if (parse_target(argv[optind], &net) < 0)
		return 2;
	if (open_all(cli, path, &st, &ct) < 0)
		return 1;
	rc = containment_block(ct, st, &net, ms / 1000, reason, &e);
	if (rc != 0)
		cli_error("block %s: %s", cidr_format(&net, t, sizeof(t)),
		    e.msg);
	else if (!cli->quiet)
		fprintf(stderr, "blocked %s%s\n", cidr_format(&net, t,
		    sizeof(t)), cli->cfg->general.dry_run ? " (dry-run)" :
		    "");
	containment_close(ct);
	store_close(st);
	return rc != 0;
}

int
cmd_unblock(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "store", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL;
	struct containment *ct;
	struct store *st;
	struct cidr net;
	struct err e = { "", 0 };
	char t[CIDR_STRLEN], wide[CIDR_STRLEN];
	int ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			path = optarg;
			break;
		default:
			return 2;
		}
	}
	if (optind + 1 != argc) {
		cli_error("usage: redress unblock [--store DB] ADDR[/LEN]");
		return 2;
	}
	if (parse_target(argv[optind], &net) < 0)
		return 2;
	if (open_all(cli, path, &st, &ct) < 0)
		return 1;
	rc = containment_unblock(ct, st, &net, &e);
	cidr_format(&net, t, sizeof(t));
	if (rc < 0)
		cli_error("unblock %s: %s", t, e.msg);
	else if (!cli->quiet)
		fprintf(stderr, "unblocked %s (%d block%s)\n", t, rc,
		    rc == 1 ? "" : "s");
	if (rc >= 0 && containment_covering(st, &net, wide, sizeof(wide),
	    &e) == 1) {
		char a[ADDR_STRLEN];

		fprintf(stderr, "redress: %s is still blocked by %s (redress "
		    "unblock %s)\n", net.len == addr_maxlen(&net.net) ?
		    addr_format(&net.net, a, sizeof(a)) : t, wide, wide);
	}
	containment_close(ct);
	store_close(st);
	return rc < 0;
}
