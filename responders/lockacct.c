/* SPDX-License-Identifier: MIT */
/*
 * The lock-account responder, opt-in only. For each contained source it
 * finds the local accounts that source holds on this host (login sessions
 * from it, processes owning connections to it: holders.c), or takes the
 * user an incident names, locks each account (usermod -L, and -e 1 to
 * expire it unless `expire: false`) and ends its processes (SIGTERM, then
 * SIGKILL after `grace`). An expiring block never unlocks an account
 * found that way: `redress unlock USER` does. Never root, never a uid
 * under min_uid, never a name on the `never` list, never the account
 * redress runs as, and only names on `users_allowed` when that list is
 * given. Programs run as argv vectors, never through a shell. watch()
 * looks at the accounts still locked for the intruder coming back.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "holders.h"
#include "log.h"
#include "monotime.h"

#include "resp_spawn.h"
#include "responder.h"
#include "xmalloc.h"

struct lockacct_conf {
	struct resp_common	 common;	/* type, name */
	int			 enabled;
	struct conf_strlist	 users_allowed;
	long long		 min_uid;
	struct conf_strlist	 never;
	int			 expire;
	int			 kill;
	char			*usermod;
	int64_t			 timeout_ms, grace_ms;
	char			*utmp, *proc;	/* tests point these elsewhere */
};

#define L(f)	offsetof(struct lockacct_conf, f)
static const struct conf_field lockacct_fields[] = {
	RESP_COMMON_FIELDS(struct lockacct_conf),
	{ "enabled", CK_BOOL, L(enabled), "false", 0, 0, NULL, 0 },
	{ "users_allowed", CK_STRLIST, L(users_allowed), NULL, 0, 0, NULL, 0 },
	{ "min_uid", CK_INT, L(min_uid), "1000", 1, 2147483647LL, NULL, 0 },
	{ "never", CK_STRLIST, L(never), NULL, 0, 0, NULL, 0 },
	{ "expire", CK_BOOL, L(expire), "true", 0, 0, NULL, 0 },
	{ "kill", CK_BOOL, L(kill), "true", 0, 0, NULL, 0 },
	{ "usermod", CK_PATH, L(usermod), "/usr/sbin/usermod", 0, 0, NULL, 0 },
	{ "timeout", CK_MSEC, L(timeout_ms), "10s", 100, 600000, NULL, 0 },
	{ "grace", CK_MSEC, L(grace_ms), "5s", 0, 600000, NULL, 0 },
	{ "utmp", CK_PATH, L(utmp), NULL, 0, 0, NULL, 0 },
	{ "proc", CK_PATH, L(proc), "/proc", 0, 0, NULL, 0 },
	{ NULL, 0, 0, NULL, 0, 0, NULL, 0 },
};
#undef L

/* An account last found coming back: the same processes soon after are
 * not news (one that outlives SIGKILL is tried again after a while). */
struct lockacct_seen {
	char		 user[64];
	uint64_t	 procs;		/* holders_back's procs_hash */
	int64_t		 at_ms;		/* monotonic */
};

#define LOCKACCT_SEEN		64
#define LOCKACCT_SEEN_MS	60000

struct lockacct {
	struct lockacct_conf	 c;
	struct lockacct_seen	 seen[LOCKACCT_SEEN];
};

static int
lockacct_in(const struct conf_strlist *l, const char *s)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return 1;
	return 0;
}

/* A POSIX-portable user name, not an option, not a path. */
static int
lockacct_name_ok(const char *s)
{
	size_t	i;

	if (s[0] == '\0' || s[0] == '-' || s[0] == '.' || strlen(s) > 32)
		return 0;
	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		    s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '_' || s[i] == '.' || s[i] == '-' ||
		    (s[i] == '$' && s[i + 1] == '\0')))
			return 0;
	return 1;
}

static const char *
lockacct_abs(const char *path)
{
	return path != NULL && path[0] == '/' ? NULL :
	    "expected an absolute path";
}

static size_t
lockacct_configure(struct responder *r, const struct conf_node *n,
    struct diag *d)
{
	struct lockacct	*p = r->priv;
	size_t		 errs, i;
	const char	*why;

	errs = conf_apply(n, lockacct_fields, &p->c, d);
	if (conf_get(n, "never") == NULL) {
		p->c.never.v = xcalloc(2, sizeof(char *));
		p->c.never.v[0] = xstrdup("root");
		p->c.never.n = 1;
	}
	if (!p->c.enabled) {
		conf_error(d, n, "lockacct locks local accounts and is opt-in: "
		    "set \"enabled: true\" to use it");
		errs++;
	}
	for (i = 0; i < p->c.users_allowed.n; i++)
		if (!lockacct_name_ok(p->c.users_allowed.v[i])) {
			conf_error(d, conf_get(n, "users_allowed"), "\"%s\" is "
			    "not a user name", p->c.users_allowed.v[i]);
			errs++;
		}
	if ((why = lockacct_abs(p->c.usermod)) != NULL) {
		conf_error(d, n, "usermod: %s", why);
		errs++;
	}
	return errs;
}

static void
lockacct_release(struct responder *r)
{
	struct lockacct *p = r->priv;

	conf_release(lockacct_fields, &p->c);
}

static int
lockacct_open(struct responder *r, struct err *e)
{
	struct lockacct *p = r->priv;

	if (!p->c.enabled)
		return err_set(e, "lockacct: not enabled");
	return 0;
}

/* Whether user may be locked; -1 with the reason in e when not. */
static int
lockacct_check(const struct lockacct *p, const char *user, struct err *e)
{
	struct passwd	 pw, *res = NULL;
	char		 buf[4096];
	int		 rc;

	if (!p->c.enabled)
		return err_set(e, "lockacct: not enabled (opt-in)");
	if (!lockacct_name_ok(user))
		return err_set(e, "lockacct: refused: not a user name");
	if (lockacct_in(&p->c.never, user))
		return err_set(e, "lockacct: refused: %s is on the never list",
		    user);
	if ((rc = getpwnam_r(user, &pw, buf, sizeof(buf), &res)) != 0 ||
	    res == NULL)
		return err_set(e, "lockacct: no local user %s%s%s", user,
		    rc ? ": " : "", rc ? strerror(rc) : "");
	if (pw.pw_uid == 0)
		return err_set(e, "lockacct: refused: %s has uid 0", user);
	if (pw.pw_uid == getuid() || pw.pw_uid == geteuid())
		return err_set(e, "lockacct: refused: %s is the account redress "
		    "runs as", user);
	if ((long long)pw.pw_uid < p->c.min_uid)
		return err_set(e, "lockacct: refused: %s has uid %lu, under "
		    "min_uid %lld", user, (unsigned long)pw.pw_uid,
		    p->c.min_uid);
	if (p->c.users_allowed.n > 0 && !lockacct_in(&p->c.users_allowed,
	    user))
		return err_set(e, "lockacct: refused: %s is not in "
		    "users_allowed", user);
	return 0;
}

/* Runs (or in dry-run prints) one command; ok_max: highest good exit. */
static int
lockacct_run(struct responder *r, char *const av[], int ok_max,
    struct err *e)
{
	struct lockacct		*p = r->priv;
	static char *const	 env[] = {
		"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL };
	char			 ebuf[256];
	size_t			 i, l;
	int			 rc;

	if (r->dry_run) {
		fprintf(r->dry_out, "lockacct: would run");
		for (i = 0; av[i] != NULL; i++)
			fprintf(r->dry_out, " %s", av[i][0] ? av[i] : "''");
		fputc('\n', r->dry_out);
		return 0;
	}
	rc = spawn_run(av, env, (int)p->c.timeout_ms, ebuf, sizeof(ebuf), e);
	if (rc == -1)
		return -1;
	if (rc > ok_max) {
		l = strlen(ebuf);
		while (l > 0 && (ebuf[l - 1] == '\n' || ebuf[l - 1] == '\r'))
			ebuf[--l] = '\0';
		return err_set(e, "lockacct: %s %s: exit %d%s%s", av[0], av[1],
		    rc, l ? ": " : "", ebuf);
	}
	return 0;
}

/* Logs one step and hands it to the store's record of the incident. */
static void
lockacct_note(struct responder *r, int64_t incident, const char *user,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
lockacct_note(struct responder *r, int64_t incident, const char *user,
    const char *fmt, ...)
{
	char	text[512];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	log_info("lockacct: %s incident=%lld", text, (long long)incident);
	if (r->note != NULL)
		r->note(r->note_arg, r, incident, user, text);
}

/* Whether /proc/PID says the process is a zombie (ended, not reaped). */
static int
lockacct_zombie(const char *dir)
{
	char	 path[600], line[128];
	FILE	*fp;
	int	 z = 0;

	snprintf(path, sizeof(path), "%s/status", dir);
	if ((fp = fopen(path, "r")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (strncmp(line, "State:", 6) == 0) {
			z = line[6 + strspn(line + 6, " \t")] == 'Z';
			break;
		}
	fclose(fp);
	return z;
}

/* Sends sig to every process of uid; returns how many it reached. */
static size_t
lockacct_signal(const struct lockacct *p, uid_t uid, int sig)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 sb;
	char		 path[512];
	pid_t		 pid;
	size_t		 n = 0;

	if ((d = opendir(p->c.proc)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "%s/%s", p->c.proc, de->d_name);
		pid = (pid_t)strtol(de->d_name, NULL, 10);
		/* A zombie has ended already. */
		if (stat(path, &sb) == -1 || lockacct_zombie(path))
			continue;
		/* /proc/PID is owned by the effective uid; a set-uid program
		 * the account started (su, sudo) has it as its real uid. */
		if (sb.st_uid != uid && holders_proc_uid(p->c.proc, pid) !=
		    (long long)uid)
			continue;
		if (pid == getpid())
			continue;
		if (kill(pid, sig) == 0)
			n++;
	}
	closedir(d);
	return n;
}

/* SIGTERM to the account's processes, SIGKILL to what is left after grace. */
static void
lockacct_end(struct responder *r, const char *user, uid_t uid,
    int64_t incident)
{
	struct lockacct		*p = r->priv;
	struct timespec		 ts = { 0, 100 * 1000 * 1000 };
	int64_t			 until;
	size_t			 n;

	if (r->dry_run) {
		fprintf(r->dry_out, "lockacct: would end the processes of %s "
		    "(SIGTERM, SIGKILL after %lldms)\n", user,
		    (long long)p->c.grace_ms);
		return;
	}
	n = lockacct_signal(p, uid, SIGTERM);
	lockacct_note(r, incident, user, "SIGTERM to %zu process%s of %s", n,
	    n == 1 ? "" : "es", user);
	until = monotime_ms() + p->c.grace_ms;
	while (n > 0 && monotime_ms() < until) {
		nanosleep(&ts, NULL);
		n = lockacct_signal(p, uid, 0);
	}
	if (n > 0) {
		n = lockacct_signal(p, uid, SIGKILL);
		lockacct_note(r, incident, user, "SIGKILL to %zu process%s of "
		    "%s still running after %lldms", n, n == 1 ? "" : "es",
		    user, (long long)p->c.grace_ms);
	}
}

static int
lockacct_one(struct responder *r, const char *user, int lock,
    int64_t incident, struct err *e)
{
	struct lockacct	*p = r->priv;
	struct passwd	*pw;
	char		*u = (char *)user;
	char		 never[] = "1", empty[] = "";
	char *const	 um[] = { p->c.usermod, lock ? "-L" : "-U",
			    p->c.expire ? "-e" : NULL, lock ? never : empty,
			    u, NULL };
	char *const	 um_noexp[] = { p->c.usermod, lock ? "-L" : "-U", u,
			    NULL };
	uid_t		 uid;

	if (lockacct_check(p, user, e) == -1)
		return -1;
	if ((pw = getpwnam(user)) == NULL)
		return err_set(e, "lockacct: no local user %s", user);
	uid = pw->pw_uid;
	if (lockacct_run(r, p->c.expire ? um : um_noexp, 0, e) == -1)
		return -1;
	if (!r->dry_run)
		lockacct_note(r, incident, user, "%s %s%s", lock ? "locked" :
		    "unlocked", user, p->c.expire ? (lock ? " (expired)" :
		    " (expiry cleared)") : "");
	if (lock && p->c.kill)
		lockacct_end(r, user, uid, incident);
	return 0;
}

/* Locks every account the block's source holds on this host. */
static int
lockacct_holders(struct responder *r, const struct resp_block *b,
    struct err *e)
{
	struct lockacct		*p = r->priv;
	struct holders_where	 w = { p->c.utmp, p->c.proc };
	struct holders		 hs;
	struct err		 e1 = { "", 0 };
	char			 a[ADDR_STRLEN];
	size_t			 i;
	int			 rc = 0;

	if (b->net.len != addr_maxlen(&b->net.net))
		return 0;	/* a widened prefix names no one source */
	if (holders_find(&b->net.net, &w, &hs, e) == -1)
		return -1;
	addr_format(&b->net.net, a, sizeof(a));
	for (i = 0; i < hs.n; i++) {
		err_clear(&e1);
		if (r->dry_run)
			fprintf(r->dry_out, "lockacct: %s holds %d session%s "
			    "and %d connection%s of %s\n", a,
			    hs.v[i].sessions, hs.v[i].sessions == 1 ? "" : "s",
			    hs.v[i].sockets, hs.v[i].sockets == 1 ? "" : "s",
			    hs.v[i].user);
		if (lockacct_check(p, hs.v[i].user, &e1) == -1) {
			/* sshd, www-data, root: refused, and said so. */
			if (!r->dry_run)
				lockacct_note(r, b->incident_id, hs.v[i].user,
				    "%s (held by %s)", e1.msg +
				    strlen("lockacct: "), a);
			continue;
		}
		if (!r->dry_run)
			lockacct_note(r, b->incident_id, hs.v[i].user, "%s "
			    "holds %d session%s and %d connection%s of %s", a,
			    hs.v[i].sessions, hs.v[i].sessions == 1 ? "" : "s",
			    hs.v[i].sockets, hs.v[i].sockets == 1 ? "" : "s",
			    hs.v[i].user);
		if (lockacct_one(r, hs.v[i].user, 1, b->incident_id,
		    &e1) == -1) {
			err_set(e, "%s", e1.msg);
			rc = -1;
		}
	}
	holders_free(&hs);
	return rc;
}

static int
lockacct_apply(struct responder *r, const struct resp_block *v, size_t n,
    struct err *e)
{
	size_t	i;
	int	rc = 0;

	for (i = 0; i < n; i++) {
		if (v[i].user[0] != '\0') {
			if (lockacct_one(r, v[i].user, 1, v[i].incident_id,
			    e) == -1)
				rc = -1;
		} else if (lockacct_holders(r, &v[i], e) == -1)
			rc = -1;
	}
	return rc;
}

/*
 * Only a block naming its user unlocks it: an account found holding a
 * session stays locked when the address's block expires, until a person
 * runs `redress unlock USER`.
 */
static int
lockacct_revert(struct responder *r, const struct resp_block *v, size_t n,
    struct err *e)
{
	size_t	i;
	int	rc = 0;

	for (i = 0; i < n; i++)
		if (v[i].user[0] != '\0' &&
		    lockacct_one(r, v[i].user, 0, v[i].incident_id, e) == -1)
			rc = -1;
	return rc;
}

/*
 * Whether what user holds now is news: not the very processes it was
 * found with less than LOCKACCT_SEEN_MS ago. Remembers it.
 */
static int
lockacct_news(struct lockacct *p, const char *user,
    const struct holders_back *hb)
{
	struct lockacct_seen	*s = NULL, *old = &p->seen[0];
	int64_t			 now = monotime_ms();
	size_t			 i;

	for (i = 0; i < LOCKACCT_SEEN && s == NULL; i++)
		if (strcmp(p->seen[i].user, user) == 0)
			s = &p->seen[i];
		else if (p->seen[i].at_ms < old->at_ms)
			old = &p->seen[i];
	if (s != NULL && s->procs == hb->procs_hash &&
	    now - s->at_ms < LOCKACCT_SEEN_MS)
		return 0;
	if (s == NULL) {
		s = old;
		strlcpy_r(s->user, user, sizeof(s->user));
	}
	s->procs = hb->procs_hash;
	s->at_ms = now;
	return 1;
}

/*
 * The accounts it locked, coming back: an intruder with a backdoor
 * unlocks the account (or never needed the password), and a session or
 * a process of it appears, from the old address or another. Each is
 * noted, locked again and its processes ended; back hears every remote
 * address it came from, for the containment executor to block.
 */
static int
lockacct_watch(struct responder *r, const struct resp_watch *v, size_t n,
    resp_back_fn back, void *arg, struct err *e)
{
	struct lockacct		*p = r->priv;
	struct holders_where	 w = { p->c.utmp, p->c.proc };
	struct holders_back	 hb;
	struct passwd		*pw;
	struct err		 e1 = { "", 0 };
	char			 a[ADDR_STRLEN];
	size_t			 i, k;
	int			 rc = 0;

	if (r->dry_run)
		return 0;
	for (i = 0; i < n; i++) {
		err_clear(&e1);
		/* Refused now (the never list grew): not ours to touch. */
		if (lockacct_check(p, v[i].user, &e1) == -1 ||
		    (pw = getpwnam(v[i].user)) == NULL)
			continue;
		if (holders_back_find(v[i].user, pw->pw_uid, &w, &hb,
		    &e1) == -1) {
			err_set(e, "%s", e1.msg);
			rc = -1;
			continue;
		}
		if ((hb.sessions == 0 && hb.nprocs == 0) ||
		    !lockacct_news(p, v[i].user, &hb)) {
			holders_back_free(&hb);
			continue;
		}
		for (k = 0; k < hb.nfrom; k++)
			lockacct_note(r, v[i].incident_id, v[i].user, "%s came "
			    "back: %s from %s", v[i].user, hb.from_session[k] ?
			    "session" : "connection", addr_format(&hb.from[k],
			    a, sizeof(a)));
		if (hb.nfrom == 0)
			lockacct_note(r, v[i].incident_id, v[i].user, "%s came "
			    "back: %zu process%s running", v[i].user,
			    hb.nprocs, hb.nprocs == 1 ? "" : "es");
		if (back != NULL)
			for (k = 0; k < hb.nfrom || (k == 0 && hb.nfrom == 0);
			    k++)
				back(arg, r, v[i].incident_id, v[i].user,
				    hb.nfrom ? &hb.from[k] : NULL);
		holders_back_free(&hb);
		/* Locked again (a backdoor may have unlocked it), then ended. */
		if (lockacct_one(r, v[i].user, 1, v[i].incident_id,
		    &e1) == -1) {
			err_set(e, "%s", e1.msg);
			rc = -1;
		}
	}
	return rc;
}

static void
lockacct_close(struct responder *r)
{
}

const struct responder_ops resp_lockacct = {
	.name = "lockacct",
	.priv_size = sizeof(struct lockacct),
	.max_timeout_s = 0,
	.configure = lockacct_configure,
	.open = lockacct_open,
	.apply = lockacct_apply,
	.revert = lockacct_revert,
	.list = NULL,
	.close = lockacct_close,
	.release = lockacct_release,
	.watch = lockacct_watch,
};
