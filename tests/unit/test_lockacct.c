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
#include <unistd.h>
#include <utmpx.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "holders.h"
#include "responder.h"
#include "store.h"
#include "store_note.h"
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
	    "lockacct: would run /usr/sbin/usermod -L -e 1 nobody\n"
	    "lockacct: would end the processes of nobody (SIGTERM, SIGKILL "
	    "after 5000ms)\n"
	    "lockacct: would run /usr/sbin/usermod -U -e '' nobody\n");
	fix_free(&f);

	assert_int_equal(fix_conf(&f, "enabled: true\nexpire: false\n"
	    "kill: false\nusers_allowed: [nobody]\n", 1), 0);
	assert_int_equal(run(&f, u, 0), 0);
	assert_int_equal(run(&f, u, 1), 0);
	assert_string_equal(out(&f),
	    "lockacct: would run /usr/sbin/usermod -L nobody\n"
	    "lockacct: would run /usr/sbin/usermod -U nobody\n");
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
	assert_int_equal(fix_conf(&f, "enabled: true\nusermod: /bin/true\n"
	    "kill: false\n", 0), 0);
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
	/* The account redress runs as is never locked. */
	if (getuid() != 0) {
		assert_int_equal(fix_conf(&f, "enabled: true\nmin_uid: 1\n"
		    "never: []\n", 1), 0);
		assert_int_equal(run(&f, getpwuid(getuid())->pw_name, 0), -1);
		assert_non_null(strstr(f.e.msg, "runs as"));
		fix_free(&f);
	}
}

/* Writes path with text, making its directory. */
static void
put(const char *dir, const char *name, const char *text)
{
	char	 path[512];
	FILE	*fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(fp = fopen(path, "w"));
	fputs(text, fp);
	fclose(fp);
}

/*
 * A /proc and a utmp made by the test: 203.0.113.7 holds a connection
 * owned by a process of nobody's (socket inode 4242, the kernel's hex
 * form of the address) and a login session; 198.51.100.9 holds nothing
 * but a connection of a process that is root's.
 */
static void
test_lockacct_finds_holders(void **state)
{
	char			 dir[] = "/tmp/redress-holders-XXXXXX", p[600];
	char			 utmp[700], status[128];
	struct passwd		*pw = getpwnam("nobody");
	struct holders		 hs;
	struct holders_where	 w;
	struct addr		 a;
	struct err		 e = { "", 0 };
	struct utmpx		 u;
	struct fix		 f;
	char			 yaml[1600];

	(void)state;
	if (pw == NULL || high_user() == NULL)
		skip();
	assert_non_null(mkdtemp(dir));
	snprintf(p, sizeof(p), "%s/net", dir);
	assert_int_equal(mkdir(p, 0755), 0);
	/* 203.0.113.7:51000 -> 192.0.2.1:22 established (st 01), inode 4242;
	 * the same address in LISTEN-less TIME_WAIT (06), inode 77. */
	put(dir, "net/tcp", "  sl  local_address rem_address   st tx_queue "
	    "rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
	    "   0: 010200C0:0016 077100CB:C738 01 00000000:00000000 "
	    "00:00000000 00000000     0        0 4242 1 0 20 4 0 0 0 0\n"
	    "   1: 010200C0:0016 077100CB:C739 06 00000000:00000000 "
	    "00:00000000 00000000     0        0 77 1 0 20 4 0 0 0 0\n"
	    "   2: 010200C0:0016 096433C6:C739 01 00000000:00000000 "
	    "00:00000000 00000000     0        0 88 1 0 20 4 0 0 0 0\n");
	put(dir, "net/tcp6", "  sl  local_address header\n");
	snprintf(p, sizeof(p), "%s/4194301", dir);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/4194301/fd", dir);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/4194301/fd/3", dir);
	assert_int_equal(symlink("socket:[4242]", p), 0);
	snprintf(status, sizeof(status), "Name:\tsshd\nUid:\t%u\t%u\t%u\t"
	    "%u\n", (unsigned)pw->pw_uid, (unsigned)pw->pw_uid,
	    (unsigned)pw->pw_uid, (unsigned)pw->pw_uid);
	put(dir, "4194301/status", status);
	snprintf(p, sizeof(p), "%s/4194302", dir);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/4194302/fd", dir);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/4194302/fd/5", dir);
	assert_int_equal(symlink("socket:[88]", p), 0);
	put(dir, "4194302/status", "Name:\tsshd\nUid:\t0\t0\t0\t0\n");

	/* A utmp with a live login session of nobody from 203.0.113.7. */
	snprintf(utmp, sizeof(utmp), "%s/utmp", dir);
	put(dir, "utmp", "");
	memset(&u, 0, sizeof(u));
	u.ut_type = USER_PROCESS;
	u.ut_pid = getpid();
	strcpy(u.ut_line, "pts/9");
	strcpy(u.ut_id, "ts/9");
	strcpy(u.ut_user, "nobody");
	strcpy(u.ut_host, "203.0.113.7");
	assert_int_equal(utmpxname(utmp), 0);
	setutxent();
	assert_non_null(pututxline(&u));
	endutxent();

	w.utmp = utmp;
	w.proc = dir;
	assert_int_equal(addr_parse("203.0.113.7", &a), 0);
	assert_int_equal(holders_find(&a, &w, &hs, &e), 0);
	assert_int_equal(hs.n, 1);
	assert_string_equal(hs.v[0].user, "nobody");
	assert_int_equal(hs.v[0].sessions, 1);
	assert_int_equal(hs.v[0].sockets, 1);
	assert_string_equal(hs.v[0].line, "pts/9");
	assert_int_equal(hs.v[0].npids, 2);
	holders_free(&hs);

	/* root's connection is found, and the responder refuses it. */
	assert_int_equal(addr_parse("198.51.100.9", &a), 0);
	assert_int_equal(holders_find(&a, &w, &hs, &e), 0);
	assert_int_equal(hs.n, 1);
	assert_string_equal(hs.v[0].user, "root");
	holders_free(&hs);

	/* The responder, given a block with no user, locks nobody only. */
	snprintf(yaml, sizeof(yaml), "enabled: true\nutmp: %s\nproc: %s\n",
	    utmp, dir);
	assert_int_equal(fix_conf(&f, yaml, 1), 0);
	assert_int_equal(run(&f, "", 0), 0);	/* 192.0.2.1: nobody there */
	assert_string_equal(out(&f), "");
	{
		struct resp_block b;

		memset(&b, 0, sizeof(b));
		assert_int_equal(cidr_parse("203.0.113.7", &b.net), 0);
		assert_int_equal(f.r.ops->apply(&f.r, &b, 1, &f.e), 0);
		assert_int_equal(cidr_parse("198.51.100.9", &b.net), 0);
		assert_int_equal(f.r.ops->apply(&f.r, &b, 1, &f.e), 0);
		/* A widened prefix names no one: nothing is looked up. */
		assert_int_equal(cidr_parse("203.0.113.0/24", &b.net), 0);
		assert_int_equal(f.r.ops->apply(&f.r, &b, 1, &f.e), 0);
		/* Expiry of the address's block unlocks no one. */
		assert_int_equal(cidr_parse("203.0.113.7", &b.net), 0);
		assert_int_equal(f.r.ops->revert(&f.r, &b, 1, &f.e), 0);
	}
	assert_string_equal(out(&f),
	    "lockacct: 203.0.113.7 holds 1 session and 1 connection of "
	    "nobody\n"
	    "lockacct: would run /usr/sbin/usermod -L -e 1 nobody\n"
	    "lockacct: would end the processes of nobody (SIGTERM, SIGKILL "
	    "after 5000ms)\n"
	    "lockacct: 198.51.100.9 holds 0 sessions and 1 connection of "
	    "root\n");
	fix_free(&f);

	snprintf(p, sizeof(p), "rm -rf '%s'", dir);
	assert_int_equal(system(p), 0);
}

/* What the responder noted and reported coming back, as text lines. */
struct seen;
static int locked_cb(void *arg, const struct note_row *nr);

struct seen {
	char	notes[2048];
	char	backs[512];
};

static void
seen_note(void *arg, const struct responder *r, int64_t incident_id,
    const char *subject, const char *text)
{
	struct seen	*s = arg;
	size_t		 l = strlen(s->notes);

	(void)r;
	snprintf(s->notes + l, sizeof(s->notes) - l, "%lld %s: %s\n",
	    (long long)incident_id, subject, text);
}

static void
seen_back(void *arg, const struct responder *r, int64_t incident_id,
    const char *user, const struct addr *from)
{
	struct seen	*s = arg;
	size_t		 l = strlen(s->backs);
	char		 a[ADDR_STRLEN] = "-";

	(void)r;
	if (from != NULL)
		addr_format(from, a, sizeof(a));
	snprintf(s->backs + l, sizeof(s->backs) - l, "%lld %s %s\n",
	    (long long)incident_id, user, a);
}

static volatile sig_atomic_t	reaped;
static int			reaped_status;
static pid_t			reap_pid;

/* Reaps the child as its parent would (a zombie still answers kill 0). */
static void
on_chld(int sig)
{
	int	ws;

	(void)sig;
	if (reap_pid > 0 && waitpid(reap_pid, &ws, WNOHANG) == reap_pid) {
		reaped_status = ws;
		reaped = 1;
	}
}

/*
 * The intruder coming back to a locked account: a live login session of
 * it (utmp, from 203.0.113.9) and a process of its uid holding a
 * connection from 198.51.100.4 (a /proc made by the test, the process a
 * real child running as nobody, its /proc entry owned by root as a
 * set-uid program's is). Both addresses are reported, the
 * account is locked again and the process ended; the same process
 * again soon after is not noted again; once it is gone, nothing more; an account on the never list is not looked at.
 */
static void
test_lockacct_watch_comes_back(void **state)
{
	char			 dir[] = "/tmp/redress-watch-XXXXXX", p[700];
	char			 utmp[700], status[160], yaml[1600];
	struct passwd		*pw = getpwnam("nobody");
	struct resp_watch	 w[2];
	struct utmpx		 u;
	struct seen		 s;
	struct fix		 f;
	struct sigaction	 sa;
	pid_t			 child;

	(void)state;
	if (getuid() != 0 || pw == NULL || high_user() == NULL)
		skip();
	assert_non_null(mkdtemp(dir));
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_chld;
	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGCHLD, &sa, NULL), 0);
	if ((child = fork()) == 0) {
		alarm(30);	/* gone even if the test fails before it */
		if (setgid(pw->pw_gid) == 0 && setuid(pw->pw_uid) == 0)
			pause();
		_exit(1);
	}
	assert_true(child > 0);
	reap_pid = child;
	snprintf(p, sizeof(p), "%s/net", dir);
	assert_int_equal(mkdir(p, 0755), 0);
	put(dir, "net/tcp", "  sl  local_address rem_address   st tx_queue "
	    "rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
	    "   0: 010200C0:0016 046433C6:C738 01 00000000:00000000 "
	    "00:00000000 00000000 65534        0 5151 1 0 20 4 0 0 0 0\n");
	snprintf(p, sizeof(p), "%s/%d", dir, (int)child);
	/* Owned by root, real uid nobody: a set-uid program (sudo) that
	 * the account started is one of its processes too. */
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/%d/fd", dir, (int)child);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%s/%d/fd/3", dir, (int)child);
	assert_int_equal(symlink("socket:[5151]", p), 0);
	snprintf(status, sizeof(status), "Name:\tsh\nState:\tS (sleeping)\n"
	    "Uid:\t%u\t%u\t%u\t%u\n", (unsigned)pw->pw_uid,
	    (unsigned)pw->pw_uid, (unsigned)pw->pw_uid, (unsigned)pw->pw_uid);
	snprintf(p, sizeof(p), "%d/status", (int)child);
	put(dir, p, status);
	snprintf(utmp, sizeof(utmp), "%s/utmp", dir);
	put(dir, "utmp", "");
	memset(&u, 0, sizeof(u));
	u.ut_type = USER_PROCESS;
	u.ut_pid = child;
	strcpy(u.ut_line, "pts/8");
	strcpy(u.ut_id, "ts/8");
	strcpy(u.ut_user, "nobody");
	strcpy(u.ut_host, "203.0.113.9");
	assert_int_equal(utmpxname(utmp), 0);
	setutxent();
	assert_non_null(pututxline(&u));
	endutxent();

	snprintf(yaml, sizeof(yaml), "enabled: true\nusermod: /bin/true\n"
	    "grace: 200ms\nutmp: %s\nproc: %s\n", utmp, dir);
	assert_int_equal(fix_conf(&f, yaml, 0), 0);
	assert_int_equal(f.r.ops->open(&f.r, &f.e), 0);
	memset(&s, 0, sizeof(s));
	f.r.note = seen_note;
	f.r.note_arg = &s;
	memset(w, 0, sizeof(w));
	w[0].incident_id = 3;
	strcpy(w[0].user, "root");
	w[1].incident_id = 9;
	strcpy(w[1].user, "nobody");
	assert_int_equal(f.r.ops->watch(&f.r, w, 2, seen_back, &s, &f.e), 0);
	assert_string_equal(s.backs, "9 nobody 203.0.113.9\n"
	    "9 nobody 198.51.100.4\n");
	assert_string_equal(s.notes,
	    "9 nobody: nobody came back: session from 203.0.113.9\n"
	    "9 nobody: nobody came back: connection from 198.51.100.4\n"
	    "9 nobody: locked nobody (expired)\n"
	    "9 nobody: SIGTERM to 1 process of nobody\n");
	assert_true(reaped);
	assert_true(WIFSIGNALED(reaped_status) &&
	    WTERMSIG(reaped_status) == SIGTERM);
	signal(SIGCHLD, SIG_DFL);

	/* A process that outlives its signals (here: its /proc entry stays)
	 * is not news on the next pass: not noted again every 2 s. */
	memset(&s, 0, sizeof(s));
	assert_int_equal(f.r.ops->watch(&f.r, w, 2, seen_back, &s, &f.e), 0);
	assert_string_equal(s.backs, "");
	assert_string_equal(s.notes, "");

	/* The kernel drops the dead process: nothing comes back now. */
	snprintf(p, sizeof(p), "rm -rf '%s/%d'", dir, (int)child);
	assert_int_equal(system(p), 0);
	memset(&s, 0, sizeof(s));
	assert_int_equal(f.r.ops->watch(&f.r, w, 2, seen_back, &s, &f.e), 0);
	assert_string_equal(s.backs, "");
	assert_string_equal(s.notes, "");
	/* Dry-run watches nothing. */
	f.r.dry_run = 1;
	assert_int_equal(f.r.ops->watch(&f.r, w, 2, seen_back, &s, &f.e), 0);
	assert_string_equal(out(&f), "");
	fix_free(&f);
	snprintf(p, sizeof(p), "rm -rf '%s'", dir);
	assert_int_equal(system(p), 0);
}

static int
locked_cb(void *arg, const struct note_row *nr)
{
	struct seen	*s = arg;
	size_t		 l = strlen(s->notes);

	snprintf(s->notes + l, sizeof(s->notes) - l, "%lld %s\n",
	    (long long)nr->incident_id, nr->subject);
	return 0;
}

/* Locked now: the latest lock or unlock of each account is a lock. */
static void
test_lockacct_locked_from_notes(void **state)
{
	struct store	*st;
	struct err	 e = { "", 0 };
	struct seen	 s;

	(void)state;
	assert_int_equal(store_open(":memory:", &st, &e), 0);
	assert_true(store_note_add(st, 1, "lockacct", "alice",
	    "locked alice (expired)", &e) > 0);
	assert_true(store_note_add(st, 1, "lockacct", "alice",
	    "SIGTERM to 1 process of alice", &e) > 0);
	assert_true(store_note_add(st, 1, "lockacct", "bob",
	    "locked bob (expired)", &e) > 0);
	assert_true(store_note_add(st, 1, "lockacct", "bob",
	    "unlocked bob by hand: carol", &e) > 0);
	assert_true(store_note_add(st, 2, "lockacct", "carl",
	    "locked carl", &e) > 0);
	assert_true(store_note_add(st, 2, "lockacct", "carl",
	    "unlocked carl by hand: carol", &e) > 0);
	assert_true(store_note_add(st, 4, "lockacct", "carl",
	    "locked carl (expired)", &e) > 0);
	assert_true(store_note_add(st, 2, "lockacct", "dave",
	    "refused: dave is on the never list (held by 192.0.2.1)",
	    &e) > 0);
	assert_true(store_note_add(st, 2, "other", "erin",
	    "locked erin", &e) > 0);
	memset(&s, 0, sizeof(s));
	assert_int_equal(store_note_locked(st, "lockacct", locked_cb, &s,
	    &e), 0);
	assert_string_equal(s.notes, "1 alice\n4 carl\n");
	store_close(st);
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
		cmocka_unit_test(test_lockacct_finds_holders),
		cmocka_unit_test(test_lockacct_watch_comes_back),
		cmocka_unit_test(test_lockacct_locked_from_notes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
