/* SPDX-License-Identifier: MIT */
/*
 * Report threads on the command line: `redress queue close ID --reason
 * TEXT` (called from cmd_queue.c) closes a sent report's thread by hand;
 * `redress followup [--store DB] scan` reads the reply Maildirs once as
 * the daemon does; `redress followup [--store DB] list` prints every
 * thread; `redress incident ID` prints the threads of its reports.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "executor.h"
#include "followup.h"
#include "log.h"
#include "store_report.h"
#include "store_thread.h"
#include "xmalloc.h"

static int
thread_id(const char *s, int64_t *id)
{
	char		*end;
	long long	 v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v <= 0)
		return -1;
	*id = v;
	return 0;
}

int
cmd_queue_close(struct store *st, const char *arg, const char *reason)
{
	struct report_row	r;
	struct err		e = { "", 0 };
	int64_t			id;
	int			rc;

	if (thread_id(arg, &id) == -1) {
		cli_error("\"%s\" is not a report number", arg);
		return 2;
	}
	if (reason == NULL || reason[0] == '\0' || strpbrk(reason, "\r\n")) {
		cli_error("queue close %s: needs --reason TEXT (one line)",
		    arg);
		return 2;
	}
	if ((rc = store_report_get(st, id, &r, &e)) != 1) {
		cli_error("report %s: %s", arg, rc == 0 ? "no such report" :
		    e.msg);
		return 1;
	}
	if (strcmp(r.state, REPORT_SENT) != 0) {
		cli_error("report %s is %s, not sent: it has no thread (reject "
		    "a draft instead)", arg, r.state);
		return 1;
	}
	if (store_thread_open_sent(st, store_now_usec(), &e) < 0 ||
	    (rc = store_thread_close(st, id, reason, store_now_usec(),
	    &e)) < 0) {
		cli_error("%s", e.msg);
		return 1;
	}
	if (rc == 0) {
		cli_error("report %s: thread already closed", arg);
		return 1;
	}
	printf("report %s: thread closed\n", arg);
	return 0;
}

static int
print_one(void *arg, int64_t id)
{
	struct store	*st = arg;
	struct err	 e = { "", 0 };

	printf("Report:    %" PRId64 "\n", id);
	if (followup_print(stdout, st, id, &e) == 0)
		printf("Thread:    none (not sent)\n");
	return 0;
}

int
cmd_thread_incident(struct store *st, int64_t incident_id)
{
	struct err e = { "", 0 };

	if (store_thread_incident_reports(st, incident_id, print_one, st,
	    &e) < 0) {
		cli_error("%s", e.msg);
		return -1;
	}
	return 0;
}

static int
list_report(void *arg, const struct report_row *r)
{
	struct store *st = arg;

	if (strcmp(r->state, REPORT_SENT) == 0)
		print_one(st, r->id);
	return 0;
}

static int
scan(struct cli *cli, struct store *st)
{
	struct executor		ex;
	struct followup_stats	fs;
	struct err		e = { "", 0 };
	int			n;

	if (cli->cfg->followup == NULL || cli->cfg->followup->maildirs.n == 0)
		cli_error("no followup.maildirs configured: closing quiet "
		    "threads only");
	memset(&ex, 0, sizeof(ex));
	ex.ops = &executor_followup;
	ex.cfg = cli->cfg;
	if ((n = followup_pass(&ex, st, store_now_usec(), &fs, &e)) < 0) {
		cli_error("%s", e.msg);
		return 1;
	}
	printf("read %d, threaded %d, not attached %d, unreadable %d, "
	    "re-routed %d, closed %d\n", fs.read, fs.threaded, fs.unmatched,
	    fs.bad, fs.rerouted, fs.closed);
	return 0;
}

int
cmd_followup(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "store", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	const char	*path = NULL;
	struct store	*st;
	struct err	 e = { "", 0 };
	int		 ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 's')
			path = optarg;
		else
			return 2;
	}
	if (optind + 1 != argc || (strcmp(argv[optind], "scan") != 0 &&
	    strcmp(argv[optind], "list") != 0)) {
		cli_error("usage: redress followup [--store DB] scan|list");
		return 2;
	}
	if (strcmp(argv[optind], "scan") == 0 && cli_load_config(cli) < 0)
		return 1;
	if (cli_open_store(cli, path, &st) < 0)
		return 1;
	if (strcmp(argv[optind], "scan") == 0)
		rc = scan(cli, st);
	else if (store_thread_open_sent(st, store_now_usec(), &e) < 0 ||
	    store_report_list(st, REPORT_SENT, list_report, st, &e) < 0) {
		cli_error("%s", e.msg);
		rc = 1;
	} else
		rc = 0;
	store_close(st);
	return rc;
}
