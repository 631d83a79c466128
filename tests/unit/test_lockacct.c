/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the lock-account responder without privileges: opt-in,
 * refusal of root, low uids, the never list, names not allowed or not
 * names at all, the exact commands in dry-run, and exit statuses of the
 * programs it runs (stand-ins from /bin).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pwd.h>
#include <cmocka.h>

#include "responder.h"
#include "xmalloc.h"

struct fix {
	struct conf_node	*root;
	struct responder	 r;
	struct diag		 d;
	char			*out;
	size_t			 outlen;
	struct err		 e;
};

static size_t
fix_conf(struct fix *f, const char *yaml, int dry)
{
	memset(f, 0, sizeof(*f));
	diag_init(&f->d);
	f->root = conf_parse("l.yaml", yaml, strlen(yaml), &f->d);
	assert_non_null(f->root);
	f->r.ops = &resp_lockacct;
	f->r.conf = f->root;
	f->r.dry_run = dry;
	f->r.dry_out = open_memstream(&f->out, &f->outlen);
	f->r.priv = xcalloc(1, resp_lockacct.priv_size);
	return resp_lockacct.configure(&f->r, f->root, &f->d);
}

static void
fix_free(struct fix *f)
{
	f->r.ops->close(&f->r);
	f->r.ops->release(&f->r);
	free(f->r.priv);
	fclose(f->r.dry_out);
	free(f->out);
	conf_free(f->root);
	diag_clear(&f->d);
}

/* Applies (or reverts) one block naming user; returns apply's result. */
static int
run(struct fix *f, const char *user, int revert)
{
	struct resp_block	b;

	memset(&b, 0, sizeof(b));
	assert_int_equal(cidr_parse("192.0.2.1", &b.net), 0);
	b.incident_id = 5;
	strlcpy_r(b.user, user, sizeof(b.user));
	err_clear(&f->e);
	return revert ? f->r.ops->revert(&f->r, &b, 1, &f->e) :
	    f->r.ops->apply(&f->r, &b, 1, &f->e);
}

static const char *
out(struct fix *f)
{
	fflush(f->r.dry_out);
	return f->out != NULL ? f->out : "";
}

/* A user the responder may act on: nobody (uid 65534), if present. */
static const char *
high_user(void)
{
	struct passwd	*pw = getpwnam("nobody");

	return pw != NULL && pw->pw_uid >= 1000 ? "nobody" : NULL;
}

static void
test_lockacct_opt_in(void **state)
{
	struct fix	f;
	char		buf[256];

	(void)state;
	assert_int_equal(fix_conf(&f, "type: lockacct\n", 1), 1);
	diag_format(&f.d, 0, buf, sizeof(buf));
	assert_non_null(strstr(buf, "opt-in"));
	assert_non_null(strstr(buf, "enabled: true"));
	/* Even if the caller ignores that, nothing is done. */
	assert_int_equal(run(&f, "nobody", 0), -1);
	assert_non_null(strstr(f.e.msg, "not enabled"));
	assert_string_equal(out(&f), "");
	fix_free(&f);

	assert_int_equal(fix_conf(&f, "enabled: false\n", 1), 1);
	fix_free(&f);
	assert_int_equal(fix_conf(&f, "enabled: true\nusermod: usermod\n", 1),
	    1);
	fix_free(&f);
	assert_int_equal(fix_conf(&f, "enabled: true\nusers_allowed: "
	    "[alice, \"-rf\"]\n", 1), 1);
	fix_free(&f);
}

static void
test_lockacct_refuses_root_and_low_uid(void **state)
{
	struct fix	 f;
	struct passwd	*pw;

	(void)state;
	assert_int_equal(fix_conf(&f, "enabled: true\n", 1), 0);
	assert_int_equal(run(&f, "root", 0), -1);
	assert_string_equal(f.e.msg, "lockacct: refused: root is on the never "
	    "list");
	if ((pw = getpwuid(1)) != NULL) {
		assert_int_equal(run(&f, pw->pw_name, 0), -1);
		assert_non_null(strstr(f.e.msg, "under min_uid 1000"));
	}
	assert_string_equal(out(&f), "");
	fix_free(&f);

	/* An empty never list still never locks uid 0. */
	assert_int_equal(fix_conf(&f, "enabled: true\nnever: []\n"
	    "users_allowed: [root]\n", 1), 0);
	assert_int_equal(run(&f, "root", 0), -1);
	assert_string_equal(f.e.msg, "lockacct: refused: root has uid 0");
	assert_int_equal(run(&f, "root", 1), -1);
	assert_string_equal(out(&f), "");
	fix_free(&f);
}

static void
test_lockacct_refuses_names(void **state)
{
	struct fix	f;

	(void)state;
	assert_int_equal(fix_conf(&f, "enabled: true\n", 1), 0);
	assert_int_equal(run(&f, "-rf", 0), -1);
	assert_non_null(strstr(f.e.msg, "not a user name"));
	assert_int_equal(run(&f, "a b", 0), -1);
	assert_int_equal(run(&f, "../etc", 0), -1);
	assert_int_equal(run(&f, "x;id", 0), -1);
	assert_int_equal(run(&f, "redress-no-such-user-zz", 0), -1);
	assert_non_null(strstr(f.e.msg, "no local user"));
	/* A block naming no user is not lockacct's business. */
	assert_int_equal(run(&f, "", 0), 0);
	assert_string_equal(out(&f), "");
	fix_free(&f);
}

static void
test_lockacct_dry_run_commands(void **state)
{
	struct fix	 f;
	const char	*u = high_user();

	(void)state;
	if (u == NULL)
		skip();
	assert_int_equal(fix_conf(&f, "type: lockacct\nname: lock\n"
	    "enabled: true\n", 1), 0);
	assert_int_equal(run(&f, u, 0), 0);
	assert_int_equal(run(&f, u, 1), 0);
	assert_string_equal(out(&f),
	    "lockacct: would run /usr/sbin/usermod -L nobody\n"
	    "lockacct: would run /usr/bin/pkill -KILL -u nobody\n"
	    "lockacct: would run /usr/sbin/usermod -U nobody\n");
	fix_free(&f);

	assert_int_equal(fix_conf(&f, "enabled: true\nexpire: true\n"
	    "kill: false\nusers_allowed: [nobody]\n", 1), 0);
	assert_int_equal(run(&f, u, 0), 0);
	assert_int_equal(run(&f, u, 1), 0);
	assert_string_equal(out(&f),
	    "lockacct: would run /usr/sbin/usermod -L nobody\n"
	    "lockacct: would run /usr/bin/chage -E 0 nobody\n"
	    "lockacct: would run /usr/sbin/usermod -U nobody\n"
	    "lockacct: would run /usr/bin/chage -E -1 nobody\n");
	fix_free(&f);
}

static void
test_lockacct_lists_and_min_uid(void **state)
{
	struct fix	 f;
	const char	*u = high_user();

	(void)state;
	if (u == NULL)
		skip();
	assert_int_equal(fix_conf(&f, "enabled: true\nusers_allowed: "
	    "[alice]\n", 1), 0);
	assert_int_equal(run(&f, u, 0), -1);
	assert_non_null(strstr(f.e.msg, "not in users_allowed"));
	fix_free(&f);
	assert_int_equal(fix_conf(&f, "enabled: true\nnever: [root, nobody]\n",
	    1), 0);
	assert_int_equal(run(&f, u, 0), -1);
	assert_non_null(strstr(f.e.msg, "never list"));
	fix_free(&f);
	assert_int_equal(fix_conf(&f, "enabled: true\nmin_uid: 70000\n", 1),
	    0);
	assert_int_equal(run(&f, u, 0), -1);
	assert_non_null(strstr(f.e.msg, "under min_uid 70000"));
	assert_string_equal(out(&f), "");
	fix_free(&f);
}

static void
test_lockacct_exit_status(void **state)
{
	struct fix	 f;
	const char	*u = high_user();

	(void)state;
	if (u == NULL)
		skip();
	/* pkill's exit 1 (no process matched) is success. */
	assert_int_equal(fix_conf(&f, "enabled: true\nusermod: /bin/true\n"
	    "pkill: /bin/false\n", 0), 0);
	assert_int_equal(f.r.ops->open(&f.r, &f.e), 0);
	assert_int_equal(run(&f, u, 0), 0);
	fix_free(&f);
	assert_int_equal(fix_conf(&f, "enabled: true\nusermod: /bin/false\n",
	    0), 0);
	assert_int_equal(run(&f, u, 0), -1);
	assert_string_equal(f.e.msg, "lockacct: /bin/false -L: exit 1");
	assert_int_equal(run(&f, u, 1), -1);
	assert_string_equal(f.e.msg, "lockacct: /bin/false -U: exit 1");
	assert_string_equal(out(&f), "");
	fix_free(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lockacct_opt_in),
		cmocka_unit_test(test_lockacct_refuses_root_and_low_uid),
		cmocka_unit_test(test_lockacct_refuses_names),
		cmocka_unit_test(test_lockacct_dry_run_commands),
		cmocka_unit_test(test_lockacct_lists_and_min_uid),
		cmocka_unit_test(test_lockacct_exit_status),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
