/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of report drafts in the outbox: one file per report row
 * named from its id (cur/redress-<id>:2,D), Maildir flags from the row's
 * state, and the start-up reconciliation of what a crash leaves behind.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "outbox.h"
#include "outbox_sync.h"
#include "store_report.h"
#include "xmalloc.h"

static char dir[64];

static int
setup(void **state)
{
	(void)state;
	strlcpy_r(dir, "/tmp/redress-osync-XXXXXX", sizeof(dir));
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int
is_file(const char *sub, const char *a)
{
	char		p[512];
	struct stat	sb;

	snprintf(p, sizeof(p), "%s/%s/%s", dir, sub, a);
	return stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

static void
put(const char *sub, const char *name)
{
	char	p[512];
	FILE	*fp;

	snprintf(p, sizeof(p), "%s/%s/%s", dir, sub, name);
	assert_non_null(fp = fopen(p, "w"));
	fputs("Subject: x\n\nbody\n", fp);
	fclose(fp);
}

/* A draft is cur/redress-<id>:2,D; a flag is a rename in cur/. */
static void
test_outbox_draft_flag(void **state)
{
	struct err	e = { "", 0 };
	char		path[512], want[512], out[512], *msg;
	size_t		len;

	(void)state;
	assert_int_equal(outbox_draft(dir, 7, "one", 3, path, sizeof(path),
	    &e), 0);
	snprintf(want, sizeof(want), "%s/cur/redress-7:2,D", dir);
	assert_string_equal(path, want);
	/* Written again (a crash before the row's commit): same file. */
	assert_int_equal(outbox_draft(dir, 7, "two", 3, path, sizeof(path),
	    &e), 0);
	assert_int_equal(outbox_read(path, &msg, &len, &e), 0);
	assert_string_equal(msg, "two");
	free(msg);
	assert_int_equal(outbox_flag(path, "S", out, sizeof(out), &e), 0);
	snprintf(want, sizeof(want), "%s/cur/redress-7:2,S", dir);
	assert_string_equal(out, want);
	assert_true(is_file("cur", "redress-7:2,S"));
	assert_false(is_file("cur", "redress-7:2,D"));
	assert_string_equal(outbox_state_flags(REPORT_REJECTED), "T");
	assert_string_equal(outbox_state_flags(REPORT_APPROVED), "D");
}

/* Reviewers: dirs 2750 with their group, drafts 0640; else 0600. */
static void
test_outbox_group(void **state)
{
	struct err	e = { "", 0 };
	struct stat	sb;
	char		path[512], sub[512];

	(void)state;
	assert_int_equal(outbox_draft(dir, 1, "x", 1, path, sizeof(path), &e),
	    0);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0600);
	assert_int_equal(outbox_init_group(dir, getgid(), &e), 0);
	snprintf(sub, sizeof(sub), "%s/cur", dir);
	assert_int_equal(stat(sub, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 02750);
	assert_int_equal(sb.st_gid, getgid());
	assert_int_equal(outbox_draft(dir, 2, "y", 1, path, sizeof(path), &e),
	    0);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0640);
	/* A replacement (queue edit) keeps it readable for them. */
	assert_int_equal(outbox_replace(path, "z", 1, &e), 0);
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0640);
}

static int64_t
row(struct store *st, const char *state, const char *mid)
{
	struct report_row	r;
	struct err		e = { "", 0 };

	memset(&r, 0, sizeof(r));
	strlcpy_r(r.state, state, sizeof(r.state));
	strlcpy_r(r.recipient, "source", sizeof(r.recipient));
	strlcpy_r(r.rcpt, "abuse@example.net", sizeof(r.rcpt));
	strlcpy_r(r.kind, "scan", sizeof(r.kind));
	strlcpy_r(r.message_id, mid, sizeof(r.message_id));
	strlcpy_r(r.subject, "s", sizeof(r.subject));
	assert_int_equal(store_report_insert(st, &r, &e), 0);
	return r.id;
}

static void
set_path(struct store *st, int64_t id, const char *path)
{
	struct report_row	r;
	struct err		e = { "", 0 };

	assert_int_equal(store_report_get(st, id, &r, &e), 1);
	strlcpy_r(r.path, path, sizeof(r.path));
	assert_int_equal(store_report_update(st, &r, &e), 0);
}

/* What a crash can leave, each case once; then one file per row. */
static void
test_outbox_reconcile(void **state)
{
	struct outbox_sync_count n;
	struct report_row	r;
	struct store		*st;
	struct err		e = { "", 0 };
	char			db[512], path[512], name[64], want[512];
	int64_t			a, b, c;

	(void)state;
	snprintf(db, sizeof(db), "%s/state.db", dir);
	assert_int_equal(store_open(db, &st, &e), 0);
	assert_int_equal(outbox_init(dir, &e), 0);
	a = row(st, REPORT_DRAFT, "<a@x>");
	b = row(st, REPORT_SENT, "<b@x>");
	c = row(st, REPORT_DRAFT, "<c@x>");
	/* a: recorded; b: sent, the rename to S not done; c: not recorded. */
	assert_int_equal(outbox_draft(dir, a, "a", 1, path, sizeof(path), &e),
	    0);
	set_path(st, a, path);
	assert_int_equal(outbox_draft(dir, b, "b", 1, path, sizeof(path), &e),
	    0);
	set_path(st, b, path);
	assert_int_equal(outbox_draft(dir, c, "c", 1, path, sizeof(path), &e),
	    0);
	/* A second file for a, a row never committed, a tmp/ orphan, a
	 * replacement never renamed, and mail that is not a report. */
	snprintf(name, sizeof(name), "redress-%lld", (long long)a);
	put("new", name);
	put("cur", "redress-999:2,D");
	put("tmp", "redress-5");
	snprintf(name, sizeof(name), "redress-%lld:2,D.4242.tmp", (long long)a);
	put("cur", name);
	put("new", "1700000000.M1P2Q3.host");
	assert_int_equal(outbox_reconcile(dir, st, &n, &e), 0);
	assert_int_equal(n.removed, 4);
	assert_int_equal(n.adopted, 1);
	snprintf(name, sizeof(name), "redress-%lld", (long long)a);
	assert_false(is_file("new", name));
	assert_false(is_file("cur", "redress-999:2,D"));
	assert_false(is_file("tmp", "redress-5"));
	assert_true(is_file("new", "1700000000.M1P2Q3.host"));
	assert_int_equal(store_report_get(st, b, &r, &e), 1);
	snprintf(want, sizeof(want), "%s/cur/redress-%lld:2,S", dir,
	    (long long)b);
	assert_string_equal(r.path, want);
	assert_int_equal(store_report_get(st, c, &r, &e), 1);
	snprintf(want, sizeof(want), "%s/cur/redress-%lld:2,D", dir,
	    (long long)c);
	assert_string_equal(r.path, want);
	/* Nothing left to do the second time. */
	assert_int_equal(outbox_reconcile(dir, st, &n, &e), 0);
	assert_int_equal(n.removed + n.adopted, 0);
	store_close(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_outbox_draft_flag, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_outbox_reconcile, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_outbox_group, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
