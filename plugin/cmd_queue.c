/* SPDX-License-Identifier: MIT */
/*
 * `redress queue`: the review of report drafts in the outbox.
 *   queue [--store DB] list [--state STATE] [--json]
 *   queue [--store DB] show ID
 *   queue [--store DB] approve ID... | --all
 *   queue [--store DB] reject ID... [--reason TEXT]
 *   queue [--store DB] edit ID   ($EDITOR on the text, then signed again)
 *   queue [--store DB] send      (one delivery pass now, as the daemon's
 *                                 mailer would; needs the smtp section)
 *   queue [--store DB] retry ID...  (a failed report queued again; its
 *                                 file given back to the outbox's owner)
 * State changes are guarded by the current state (only drafts can be
 * approved, only drafts or approved reports rejected), so a report the
 * mailer has started on is never changed under it.
 */
#include <sys/stat.h>
#include <sys/wait.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli_fmt.h"
#include "cmd.h"
#include "executor.h"
#include "fdio.h"
#include "log.h"
#include "outbox.h"
#include "outbox_sync.h"
#include "followup.h"
#include "report.h"
#include "store_report.h"
#include "utf8.h"
#include "xmalloc.h"

/* The time format of every command (cli_fmt.c). */
static void
fmt_time(int64_t usec, char *buf, size_t len)
{
	cli_fmt_time(usec, buf, len);
}

static int
print_row(void *arg, const struct report_row *r)
{
	char	when[40], esc[300], esc2[300];

	(void)arg;
	fmt_time(r->created_usec, when, sizeof(when));
	printf("%-6" PRId64 " %-9s %-25s %-11s %s%s\n", r->id, r->state, when,
	    r->kind, log_esc(r->rcpt, strlen(r->rcpt), esc, sizeof(esc)),
	    r->low_confidence ? " (low-confidence contact)" : "");
	printf("       %s\n", log_esc(r->subject, strlen(r->subject), esc2,
	    sizeof(esc2)));
	return 0;
}

static int
print_rcpt(void *arg, const char *rcpt, const char *state, int code,
    const char *reply)
{
	char	a[300], b[600];

	(void)arg;
	printf("Result:    %s %s %d %s\n", log_esc(rcpt, strlen(rcpt), a,
	    sizeof(a)), state, code, log_esc(reply, strlen(reply), b,
	    sizeof(b)));
	return 0;
}

static int
print_incident(void *arg, int64_t id, const char *src)
{
	(void)arg;
	printf("Incident:  %" PRId64 " from %s\n", id, src);
	return 0;
}

static int
parse_id(const char *s, int64_t *id)
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

/* ISO 8601 with the offset as +hh:mm; "" for 0. */
static void
iso_time(int64_t usec, char *buf, size_t len)
{
	time_t		t = (time_t)(usec / 1000000);
	struct tm	tm;
	size_t		n;

	buf[0] = '\0';
	if (usec == 0 || localtime_r(&t, &tm) == NULL ||
	    (n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S%z", &tm)) < 5 ||
	    n + 2 > len)
		return;
	memmove(buf + n - 1, buf + n - 2, 3);	/* +0100 -> +01:00 */
	buf[n - 2] = ':';
}

static int
json_row(void *arg, const struct report_row *r)
{
	json_t	*a = arg, *o;
	char	 created[40], updated[40], next[40];

	iso_time(r->created_usec, created, sizeof(created));
	iso_time(r->updated_usec, updated, sizeof(updated));
	iso_time(r->next_attempt_usec, next, sizeof(next));
	o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b,"
	    " s:i, s:s, s:s, s:s, s:s}", "id", (json_int_t)r->id,
	    "state", r->state, "kind", r->kind, "recipient", r->recipient,
	    "rcpt", r->rcpt, "subject", r->subject, "message_id",
	    r->message_id, "created", created, "updated", updated,
	    "low_confidence", r->low_confidence, "attempts", r->attempts,
	    "next_attempt", next, "last_error", r->last_error,
	    "reason", r->reason, "file", r->path);
	if (o == NULL)
		return -1;	/* not UTF-8: stops the list with an error */
	json_array_append_new(a, o);
	return 0;
}

static int
list_json(struct store *st, const char *state)
{
	json_t		*a = json_array();
	struct err	 e = { "", 0 };
	int		 rc;

	rc = store_report_list(st, state, json_row, a, &e);
	if (rc < 0)
		cli_error("%s", e.msg);
	else {
		json_dumpf(a, stdout, JSON_INDENT(2) | JSON_ENSURE_ASCII);
		putchar('\n');
	}
	json_decref(a);
	return rc < 0;
}

/*
 * A failed report's file, readable by the daemon again: when root runs
 * this, the file gets the owner and group of the directory it is in (the
 * outbox's, the daemon user's) and mode 0640, undoing an edit that left
 * it root's.
 */
static int
retry_file(const char *path, char *why, size_t len)
{
	char		 dir[sizeof(((struct report_row *)0)->path)], *s;
	struct stat	 sb, db;
	int		 fd;

	strlcpy_r(dir, path, sizeof(dir));
	if ((s = strrchr(dir, '/')) != NULL)
		*s = '\0';
	if (stat(path, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		snprintf(why, len, "%s: %s", path, errno ? strerror(errno) :
		    "not a regular file");
		return -1;
	}
	if (geteuid() == 0 && stat(dir, &db) == 0 &&
	    (sb.st_uid != db.st_uid || sb.st_gid != db.st_gid ||
	    (sb.st_mode & 0777) != 0640)) {
		if (chown(path, db.st_uid, db.st_gid) == -1 ||
		    chmod(path, 0640) == -1) {
			snprintf(why, len, "%s: %s", path, strerror(errno));
			return -1;
		}
		printf("%s: owner %u:%u, mode 0640\n", path,
		    (unsigned)db.st_uid, (unsigned)db.st_gid);
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(why, len, "%s: %s", path, strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

static int
retry(struct store *st, int argc, char **argv)
{
	struct report_row	 r;
	struct err		 e = { "", 0 };
	char			 why[600];
	int64_t			 id;
	int			 i, rc, bad = 0;

	for (i = 0; i < argc; i++) {
		if (parse_id(argv[i], &id) == -1) {
			cli_error("\"%s\" is not a report number", argv[i]);
			return 2;
		}
		if ((rc = store_report_get(st, id, &r, &e)) != 1) {
			cli_error("report %" PRId64 ": %s", id, rc == 0 ?
			    "no such report" : e.msg);
			bad = 1;
			continue;
		}
		if (strcmp(r.state, REPORT_FAILED) != 0) {
			cli_error("report %" PRId64 " is %s, not failed", id,
			    r.state);
			bad = 1;
			continue;
		}
		if (r.path[0] != '\0' && retry_file(r.path, why,
		    sizeof(why)) == -1) {
			cli_error("report %" PRId64 ": %s; not retried", id,
			    why);
			bad = 1;
			continue;
		}
		/* Guarded: the row is still failed when it changes. */
		rc = store_report_set_state(st, id, REPORT_FAILED,
		    REPORT_QUEUED, NULL, &e);
		if (rc == 1 && store_report_get(st, id, &r, &e) == 1) {
			r.attempts = 0;
			r.next_attempt_usec = 0;
			snprintf(r.last_error, sizeof(r.last_error),
			    "retried by hand");
			if (store_report_update(st, &r, &e) == -1 ||
			    outbox_sync_state(st, &r, &e) == -1)
				rc = -1;
		}
		if (rc != 1) {
			cli_error("report %" PRId64 ": %s", id, rc == 0 ?
			    "changed meanwhile" : e.msg);
			bad = 1;
		} else
			printf("report %" PRId64 " queued again\n", id);
	}
	return bad;
}

static int
show(struct store *st, int64_t id, int raw)
{
	struct report_row	 r;
	struct err		 e = { "", 0 };
	char			 when[40], *msg;
	size_t			 len;
	int			 rc;

	if ((rc = store_report_get(st, id, &r, &e)) != 1) {
		cli_error("report %" PRId64 ": %s", id, rc == 0 ?
		    "no such report" : e.msg);
		return 1;
	}
	printf("Report:    %" PRId64 "\nState:     %s\n", r.id, r.state);
	printf("Recipient: %s (%s)%s\n", r.rcpt, r.recipient,
	    r.low_confidence ? " low-confidence contact: check it" : "");
	printf("Message-ID: %s\n", r.message_id);
	if (r.in_reply_to[0] != '\0')
		printf("Follows:   %s\n", r.in_reply_to);
	fmt_time(r.created_usec, when, sizeof(when));
	printf("Created:   %s\n", when);
	printf("Attempts:  %d", r.attempts);
	if (r.next_attempt_usec != 0) {
		fmt_time(r.next_attempt_usec, when, sizeof(when));
		printf(", next %s", when);
	}
	printf("\n");
	if (r.last_error[0] != '\0')
		printf("Error:     %s\n", r.last_error);
	if (r.reason[0] != '\0')
		printf("Reason:    %s\n", r.reason);
	printf("File:      %s\n", r.path[0] ? r.path : "-");
	if (store_report_incidents(st, id, print_incident, NULL, &e) == -1 ||
	    store_report_rcpts(st, id, print_rcpt, NULL, &e) == -1 ||
	    followup_print(stdout, st, id, &e) == -1) {
		cli_error("%s", e.msg);
		return 1;
	}
	if (r.path[0] != '\0') {
		if (outbox_read(r.path, &msg, &len, &e) == -1) {
			cli_error("%s", e.msg);
			return 1;
		}
		printf("\n");
		if (raw)
			fwrite(msg, 1, len, stdout);
		else if (report_view(msg, len, stdout, &e) == -1) {
			cli_error("%s: %s", r.path, e.msg);
			free(msg);
			return 1;
		}
		free(msg);
	}
	return 0;
}

struct approve_all {
	int64_t	*ids;
	size_t	 n;
};

static int
collect(void *arg, const struct report_row *r)
{
	struct approve_all *a = arg;

	a->ids = xreallocarray(a->ids, a->n + 1, sizeof(*a->ids));
	a->ids[a->n++] = r->id;
	return 0;
}

static int
transition(struct store *st, int argc, char **argv, int all, int reject,
    const char *reason)
{
	struct approve_all	 a = { NULL, 0 };
	struct err		 e = { "", 0 };
	struct report_row	 r;
	int			 i, rc, bad = 0;
	size_t			 k;

	if (all && store_report_list(st, REPORT_DRAFT, collect, &a, &e) < 0) {
		cli_error("%s", e.msg);
		return 1;
	}
	for (i = 0; i < argc; i++) {
		int64_t id;

		if (parse_id(argv[i], &id) == -1) {
			cli_error("\"%s\" is not a report number", argv[i]);
			free(a.ids);
			return 2;
		}
		collect(&a, &(struct report_row){ .id = id });
	}
	for (k = 0; k < a.n; k++) {
		rc = store_report_get(st, a.ids[k], &r, &e);
		if (rc != 1) {
			cli_error("report %" PRId64 ": %s", a.ids[k],
			    rc == 0 ? "no such report" : e.msg);
			bad = 1;
			continue;
		}
		if (reject) {
			rc = store_report_set_state(st, r.id, REPORT_DRAFT,
			    REPORT_REJECTED, reason != NULL ? reason : "", &e);
			if (rc == 0)
				rc = store_report_set_state(st, r.id,
				    REPORT_APPROVED, REPORT_REJECTED,
				    reason != NULL ? reason : "", &e);
		} else
			rc = store_report_set_state(st, r.id, REPORT_DRAFT,
			    REPORT_APPROVED, NULL, &e);
		if (rc == -1) {
			cli_error("report %" PRId64 ": %s", r.id, e.msg);
			bad = 1;
		} else if (rc == 0) {
			cli_error("report %" PRId64 " is %s, not %s", r.id,
			    r.state, reject ? "a draft or approved" :
			    "a draft");
			bad = 1;
		} else {
			printf("report %" PRId64 " %s\n", r.id,
			    reject ? "rejected" : "approved");
			/* The reviewer's mail reader shows it trashed (T). */
			if (reject && store_report_get(st, r.id, &r, &e) == 1 &&
			    outbox_sync_state(st, &r, &e) == -1)
				cli_error("report %" PRId64 ": %s", r.id,
				    e.msg);
		}
	}
	free(a.ids);
	return bad;
}

/* Runs $VISUAL, $EDITOR or vi on path (split on blanks, no shell). */
static int
run_editor(const char *path)
{
	const char	*ed = getenv("VISUAL");
	char		*copy, *argv[16], *tok, *save;
	int		 argc = 0, status;
	pid_t		 pid;

	if (ed == NULL || *ed == '\0')
		ed = getenv("EDITOR");
	if (ed == NULL || *ed == '\0')
		ed = "vi";
	copy = xstrdup(ed);
	for (tok = strtok_r(copy, " \t", &save); tok != NULL && argc < 14;
	    tok = strtok_r(NULL, " \t", &save))
		argv[argc++] = tok;
	argv[argc++] = (char *)path;
	argv[argc] = NULL;
	if ((pid = fork()) < 0) {
		cli_error("fork: %s", strerror(errno));
		free(copy);
		return -1;
	}
	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "redress: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	free(copy);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		cli_error("editor %s failed; the report is unchanged", ed);
		return -1;
	}
	return 0;
}

/*
 * `queue edit ID`: the report's text in $EDITOR; the edited text is kept
 * (incidents that join the draft later are named in a P.S.) and the
 * message is written again and signed. An approved report goes back to
 * draft.
 */
static int
edit(struct cli *cli, struct store *st, int64_t id)
{
	struct report_row	 r;
	struct executor		 ex;
	struct err		 e = { "", 0 };
	char			 tmp[4096], *msg = NULL, *text = NULL;
	char			*after = NULL;
	size_t			 len;
	int			 fd = -1, rc, rv = 1;

	if (cli->cfg == NULL && cli_load_config(cli) < 0)
		return 1;
	if ((rc = store_report_get(st, id, &r, &e)) != 1) {
		cli_error("report %" PRId64 ": %s", id, rc == 0 ?
		    "no such report" : e.msg);
		return 1;
	}
	if (strcmp(r.state, REPORT_DRAFT) != 0 &&
	    strcmp(r.state, REPORT_APPROVED) != 0) {
		cli_error("report %" PRId64 " is %s: only drafts and approved "
		    "reports can be edited", id, r.state);
		return 1;
	}
	/* Taken back from the mailer first: a report being sent is never
	 * rewritten under it. */
	if (strcmp(r.state, REPORT_APPROVED) == 0) {
		if (store_report_set_state(st, id, REPORT_APPROVED,
		    REPORT_DRAFT, NULL, &e) != 1) {
			cli_error("report %" PRId64 " is being sent; not "
			    "edited", id);
			return 1;
		}
		printf("report %" PRId64 ": back to draft; approve it again "
		    "after the edit\n", id);
	}
	/* The text as it will be sent: an earlier edit with the P.S. of
	 * the incidents that joined since, for the reviewer to fold in. */
	if (r.path[0] != '\0' && outbox_read(r.path, &msg, &len, &e) == 0) {
		text = report_text(msg, len);
		free(msg);
	}
	if (text == NULL && (text = reporter_edited_text(cli->cfg,
	    id)) == NULL) {
		cli_error("report %" PRId64 ": %s", id, r.path[0] == '\0' ?
		    "no message yet" : e.set ? e.msg : "no text part");
		return 1;
	}
	snprintf(tmp, sizeof(tmp), "%s/redress-report-%" PRId64 "-XXXXXX.txt",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", id);
	if ((fd = mkstemps(tmp, 4)) < 0) {
		cli_error("%s: %s", tmp, strerror(errno));
		goto out;
	}
	if (fd_write_all(fd, text, strlen(text)) < 0) {
		cli_error("%s: %s", tmp, strerror(errno));
		goto out;
	}
	close(fd);
	fd = -1;
	if (run_editor(tmp) < 0)
		goto out;
	if (outbox_read(tmp, &after, &len, &e) == -1) {
		cli_error("%s", e.msg);
		goto out;
	}
	if (strcmp(after, text) == 0) {
		printf("report %" PRId64 ": unchanged\n", id);
		rv = 0;
		goto out;
	}
	if (reporter_edited_save(cli->cfg, st, id, after, &e) == -1) {
		cli_error("report %" PRId64 ": %s", id, e.msg);
		goto out;
	}
	memset(&ex, 0, sizeof(ex));
	ex.ops = &executor_reporter;
	ex.cfg = cli->cfg;
	if (reporter_rerender(&ex, st, id, store_now_usec(), &e) == -1) {
		cli_error("report %" PRId64 ": %s (the edited text is kept "
		    "and used when the report is written again)", id, e.msg);
		goto out;
	}
	printf("report %" PRId64 ": edited and signed again\n", id);
	rv = 0;
out:
	if (fd >= 0)
		close(fd);
	if (tmp[0] != '\0')
		unlink(tmp);
	free(text);
	free(after);
	return rv;
}

static int
send_now(struct cli *cli, struct store *st)
{
	struct executor	 ex;
	struct err	 e = { "", 0 };
	int		 n;

	if (cli->cfg == NULL && cli_load_config(cli) < 0)
		return 1;
	memset(&ex, 0, sizeof(ex));
	ex.ops = &executor_mailer;
	ex.cfg = cli->cfg;
	ex.priv = xcalloc(1, executor_mailer.priv_size);
	ex.dry_run = cli->cfg->general.dry_run;
	if (executor_mailer.start(&ex, st, &e) == -1 ||
	    (n = executor_mailer.run(&ex, st, store_now_usec(), &e)) == -1) {
		cli_error("%s", e.msg);
		free(ex.priv);
		return 1;
	}
	executor_mailer.stop(&ex);
	free(ex.priv);
	printf("%d report(s) handled\n", n);
	return 0;
}

static int
known_sub(const char *s)
{
	static const char *const v[] = { "list", "show", "edit", "approve",
	    "reject", "send", "retry", "close", NULL };
	size_t i;

	for (i = 0; v[i]; i++)
		if (strcmp(s, v[i]) == 0)
			return 1;
	return 0;
}

static int
known_state(const char *s)
{
	static const char *const v[] = { REPORT_DRAFT, REPORT_APPROVED,
	    REPORT_QUEUED, REPORT_SENDING, REPORT_SENT, REPORT_FAILED,
	    REPORT_REJECTED, NULL };
	size_t i;

	for (i = 0; v[i]; i++)
		if (strcmp(s, v[i]) == 0)
			return 1;
	return 0;
}

int
cmd_queue(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "store", required_argument, NULL, 's' },
		{ "state", required_argument, NULL, 'S' },
		{ "all", no_argument, NULL, 'a' },
		{ "reason", required_argument, NULL, 'r' },
		{ "raw", no_argument, NULL, 'R' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	const char	*store_path = NULL, *state = NULL, *reason = NULL;
	const char	*sub;
	struct store	*st = NULL;
	struct err	 e = { "", 0 };
	int		 ch, all = 0, raw = 0, json = 0, rc;

	/* GNU getopt permutes: options may come before or after the
	 * subcommand and its numbers. optind 0 re-initialises it. */
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			store_path = optarg;
			break;
		case 'S':
			state = optarg;
			if (!known_state(state)) {
				cli_error("--state \"%s\": one of draft, "
				    "approved, queued, sending, sent, failed, "
				    "rejected", state);
				return 2;
			}
			break;
		case 'a':
			all = 1;
			break;
		case 'r':
			reason = optarg;
			/* one line: shown by queue show, logged, stored */
			if (!utf8_clean(reason) || strlen(reason) >=
			    sizeof(((struct report_row *)0)->reason)) {
				cli_error("--reason: one line of UTF-8 text "
				    "without control characters, at most 255 "
				    "bytes");
				return 2;
			}
			break;
		case 'R':
			raw = 1;
			break;
		case 'j':
			json = 1;
			break;
		default:
			return 2;
		}
	}
	if (optind >= argc)
		goto usage;
	sub = argv[optind++];
	argc -= optind;
	argv += optind;
	if (!known_sub(sub)) {
		cli_error("queue: unknown command \"%s\"", sub);
		goto usage;
	}
	if (cli_open_store(cli, store_path, &st) < 0)
		return 1;
	if (strcmp(sub, "list") == 0 && argc == 0 && json)
		rc = list_json(st, state);
	else if (strcmp(sub, "list") == 0 && argc == 0) {
		rc = store_report_list(st, state, print_row, NULL, &e);
		if (rc < 0)
			cli_error("%s", e.msg);
		rc = rc < 0;
	} else if ((strcmp(sub, "show") == 0 || strcmp(sub, "edit") == 0) &&
	    argc == 1) {
		int64_t id;

		if (parse_id(argv[0], &id) == -1) {
			cli_error("\"%s\" is not a report number", argv[0]);
			rc = 2;
		} else
			rc = strcmp(sub, "show") == 0 ? show(st, id, raw) :
			    edit(cli, st, id);
	} else if (strcmp(sub, "approve") == 0 && (argc > 0) != all)
		rc = transition(st, argc, argv, all, 0, NULL);
	else if (strcmp(sub, "reject") == 0 && argc > 0)
		rc = transition(st, argc, argv, 0, 1, reason);
	else if (strcmp(sub, "send") == 0 && argc == 0)
		rc = send_now(cli, st);
	else if (strcmp(sub, "retry") == 0 && argc > 0)
		rc = retry(st, argc, argv);
	else if (strcmp(sub, "close") == 0 && argc == 1)
		rc = cmd_queue_close(st, argv[0], reason);
	else {
		store_close(st);
		goto usage;
	}
	store_close(st);
	return rc;
usage:
	cli_error("usage: redress queue [--store DB] list [--state STATE] "
	    "[--json] | show [--raw] ID | edit ID | approve ID...|--all | "
	    "reject ID... [--reason TEXT] | send | retry ID... | "
	    "close ID --reason TEXT");
	return 2;
}
