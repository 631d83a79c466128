/* SPDX-License-Identifier: MIT */
/*
 * The lock-account responder, opt-in only: for an incident naming a local
 * user (an internal compromise) it locks the account (usermod -L, and
 * chage -E 0 when `expire` is set) and ends the user's processes
 * (pkill -KILL -u); revert unlocks. Never root, never a uid under min_uid,
 * never a name on the `never` list, and only names on `users_allowed` when
 * that list is given. Programs run as argv vectors, never through a shell.
 */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

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
	char			*usermod, *chage, *pkill;
	int64_t			 timeout_ms;
};

#define L(f)	offsetof(struct lockacct_conf, f)
static const struct conf_field lockacct_fields[] = {
	RESP_COMMON_FIELDS(struct lockacct_conf),
	{ "enabled", CK_BOOL, L(enabled), "false", 0, 0, NULL, 0 },
	{ "users_allowed", CK_STRLIST, L(users_allowed), NULL, 0, 0, NULL, 0 },
	{ "min_uid", CK_INT, L(min_uid), "1000", 1, 2147483647LL, NULL, 0 },
	{ "never", CK_STRLIST, L(never), NULL, 0, 0, NULL, 0 },
	{ "expire", CK_BOOL, L(expire), "false", 0, 0, NULL, 0 },
	{ "kill", CK_BOOL, L(kill), "true", 0, 0, NULL, 0 },
	{ "usermod", CK_PATH, L(usermod), "/usr/sbin/usermod", 0, 0, NULL, 0 },
	{ "chage", CK_PATH, L(chage), "/usr/bin/chage", 0, 0, NULL, 0 },
	{ "pkill", CK_PATH, L(pkill), "/usr/bin/pkill", 0, 0, NULL, 0 },
	{ "timeout", CK_MSEC, L(timeout_ms), "10s", 100, 600000, NULL, 0 },
	{ NULL, 0, 0, NULL, 0, 0, NULL, 0 },
};
#undef L

struct lockacct {
	struct lockacct_conf	 c;
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
	if ((why = lockacct_abs(p->c.usermod)) != NULL ||
	    (why = lockacct_abs(p->c.chage)) != NULL ||
	    (why = lockacct_abs(p->c.pkill)) != NULL) {
		conf_error(d, n, "usermod, chage, pkill: %s", why);
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
			fprintf(r->dry_out, " %s", av[i]);
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

static int
lockacct_one(struct responder *r, const char *user, int lock, struct err *e)
{
	struct lockacct	*p = r->priv;
	char		*u = (char *)user;
	char *const	 um[] = { p->c.usermod, lock ? "-L" : "-U", u,
			    NULL };
	char *const	 ch[] = { p->c.chage, "-E", lock ? "0" : "-1", u,
			    NULL };
	char *const	 pk[] = { p->c.pkill, "-KILL", "-u", u, NULL };

	if (lockacct_check(p, user, e) == -1)
		return -1;
	if (lockacct_run(r, um, 0, e) == -1)
		return -1;
	if (p->c.expire && lockacct_run(r, ch, 0, e) == -1)
		return -1;
	/* pkill: 1 means no process matched, which is fine. */
	if (lock && p->c.kill && lockacct_run(r, pk, 1, e) == -1)
		return -1;
	return 0;
}

static int
lockacct_apply(struct responder *r, const struct resp_block *v, size_t n,
    struct err *e)
{
	size_t	i;
	int	rc = 0;

	for (i = 0; i < n; i++)
		if (v[i].user[0] != '\0' &&
		    lockacct_one(r, v[i].user, 1, e) == -1)
			rc = -1;
	return rc;
}

static int
lockacct_revert(struct responder *r, const struct resp_block *v, size_t n,
    struct err *e)
{
	size_t	i;
	int	rc = 0;

	for (i = 0; i < n; i++)
		if (v[i].user[0] != '\0' &&
		    lockacct_one(r, v[i].user, 0, e) == -1)
			rc = -1;
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
};
