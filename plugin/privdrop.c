/* SPDX-License-Identifier: MIT */
/*
 * Dropping root. `redress run` started as root without systemd hands the
 * state directory to general.user, switches to that user and group (with
 * its supplementary groups, e.g. to read the IDS logs) and keeps only
 * CAP_NET_ADMIN, and CAP_NET_RAW when a capture responder needs it
 * (permitted, effective, inheritable and ambient, so the iptables/ipset
 * children get it too; the bounding set is cut to it). Run as root with no
 * user to switch to, it refuses unless general.allow_root says so. Must
 * run before any thread is started: capabilities are per thread.
 * Commands a sysadmin runs as root (queue, status, incidents, ...) switch
 * to the same user the way `sudo -u` would, so nothing they write changes
 * owner. After either drop the environment is the user's: HOME, USER,
 * LOGNAME, SHELL and PATH are set for it, everything else is removed but
 * the locale, TZ and TERM (and the editor, for commands).
 */
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include <errno.h>
#include <ftw.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "privdrop.h"

#define CHOWN_MAX	100000	/* entries walked in the state directory */

static uid_t	walk_uid;
static gid_t	walk_gid;
static size_t	walk_n;
static int	walk_errno;

static int
walk_cb(const char *path, const struct stat *sb, int flag, struct FTW *f)
{
	(void)flag;
	(void)f;
	if (++walk_n > CHOWN_MAX)
		return 1;
	if (sb->st_uid == 0 && lchown(path, walk_uid, walk_gid) < 0 &&
	    walk_errno == 0)
		walk_errno = errno;
	return 0;
}

/* Gives root-owned entries under dir (not following links) to uid:gid. */
static int
chown_tree(const char *dir, uid_t uid, gid_t gid, struct err *e)
{
	struct stat sb;

	if (dir == NULL || lstat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode))
		return 0;
	walk_uid = uid;
	walk_gid = gid;
	walk_n = 0;
	walk_errno = 0;
	if (nftw(dir, walk_cb, 16, FTW_PHYS) < 0)
		return err_set(e, "state_dir %s: %s", dir, strerror(errno));
	if (walk_errno)
		return err_set(e, "state_dir %s: chown: %s", dir,
		    strerror(walk_errno));
	return 0;
}

/* The database and its WAL files when they live outside state_dir. */
static int
chown_db(const char *db, uid_t uid, gid_t gid, struct err *e)
{
	static const char *const sfx[] = { "", "-wal", "-shm", "-journal",
	    NULL };
	char path[4096];
	struct stat sb;
	size_t i;

	if (db == NULL || strcmp(db, ":memory:") == 0)
		return 0;
	for (i = 0; sfx[i]; i++) {
		if ((size_t)snprintf(path, sizeof(path), "%s%s", db, sfx[i]) >=
		    sizeof(path))
			return 0;
		if (lstat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    sb.st_uid == 0 && lchown(path, uid, gid) < 0)
			return err_set(e, "database %s: chown: %s", path,
			    strerror(errno));
	}
	return 0;
}

static int
keep_caps(const cap_value_t *keep, int n, struct err *e)
{
	cap_t caps;
	int rc, i;

	caps = cap_init();
	if (caps == NULL)
		return err_set(e, "privdrop: cap_init: %s", strerror(errno));
	rc = cap_set_flag(caps, CAP_PERMITTED, n, keep, CAP_SET) < 0 ||
	    cap_set_flag(caps, CAP_EFFECTIVE, n, keep, CAP_SET) < 0 ||
	    cap_set_flag(caps, CAP_INHERITABLE, n, keep, CAP_SET) < 0 ||
	    cap_set_proc(caps) < 0;
	cap_free(caps);
	if (rc)
		return err_set(e, "privdrop: cannot keep CAP_NET_ADMIN%s: %s",
		    n > 1 ? " and CAP_NET_RAW" : "", strerror(errno));
	for (i = 0; i < n; i++)
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, keep[i], 0,
		    0) < 0)
			return err_set(e, "privdrop: cannot raise ambient "
			    "capability %d: %s", (int)keep[i], strerror(errno));
	return 0;
}

/* Variables kept across the drop; the rest are root's business. */
static int
env_keep(const char *kv, int editor)
{
	static const char *const keep[] = { "TZ=", "TERM=", "LANG=",
	    "LANGUAGE=", "LC_", NULL };
	static const char *const ed[] = { "EDITOR=", "VISUAL=", "PAGER=",
	    NULL };
	size_t i;

	for (i = 0; keep[i]; i++)
		if (strncmp(kv, keep[i], strlen(keep[i])) == 0)
			return 1;
	for (i = 0; editor && ed[i]; i++)
		if (strncmp(kv, ed[i], strlen(ed[i])) == 0)
			return 1;
	return 0;
}

int
privdrop_env(const struct passwd *pw, int editor, struct err *e)
{
	extern char **environ;
	char **old = environ, **kept;
	size_t n, i, k = 0;

	for (n = 0; old != NULL && old[n] != NULL; n++)
		;
	if ((kept = calloc(n + 1, sizeof(*kept))) == NULL)
		return err_set(e, "privdrop: environment: %s",
		    strerror(errno));
	for (i = 0; i < n; i++)
		if (env_keep(old[i], editor))
			kept[k++] = old[i];	/* putenv strings stay valid */
	if (clearenv() != 0) {
		free(kept);
		return err_set(e, "privdrop: clearenv failed");
	}
	for (i = 0; i < k; i++)
		putenv(kept[i]);
	free(kept);
	if (setenv("HOME", pw->pw_dir, 1) < 0 ||
	    setenv("USER", pw->pw_name, 1) < 0 ||
	    setenv("LOGNAME", pw->pw_name, 1) < 0 ||
	    setenv("SHELL", pw->pw_shell && pw->pw_shell[0] ? pw->pw_shell :
	    "/bin/sh", 1) < 0 ||
	    setenv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:"
	    "/usr/bin:/sbin:/bin", 1) < 0)
		return err_set(e, "privdrop: environment: %s",
		    strerror(errno));
	return 0;
}

/*
 * Switches to pw (group gid) keeping the nkeep capabilities in keep (none:
 * all are gone with root) and cuts the bounding set to them.
 */
static int
drop_to(const struct passwd *pw, gid_t gid, const cap_value_t *keep,
    int nkeep, struct err *e)
{
	uid_t uid = pw->pw_uid;
	cap_value_t c;
	int i, kept;

	/* Nothing but what is kept can ever come back, even via exec. */
	for (c = 0; c <= CAP_LAST_CAP; c++) {
		for (kept = 0, i = 0; i < nkeep; i++)
			kept |= keep[i] == c;
		if (!kept && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 &&
		    errno != EINVAL)
			return err_set(e, "privdrop: bounding set: %s",
			    strerror(errno));
	}
	if (initgroups(pw->pw_name, gid) < 0)
		return err_set(e, "privdrop: initgroups %s: %s", pw->pw_name,
		    strerror(errno));
	if (setresgid(gid, gid, gid) < 0)
		return err_set(e, "privdrop: setresgid %lu: %s",
		    (unsigned long)gid, strerror(errno));
	if (nkeep > 0 && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return err_set(e, "privdrop: keepcaps: %s", strerror(errno));
	if (setresuid(uid, uid, uid) < 0)
		return err_set(e, "privdrop: setresuid %lu: %s",
		    (unsigned long)uid, strerror(errno));
	prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
	if (nkeep > 0 && keep_caps(keep, nkeep, e) < 0)
		return -1;
	/* Paranoia: root must be gone for good. */
	if (setuid(0) == 0 || seteuid(0) == 0)
		return err_set(e, "privdrop: could regain root after "
		    "dropping it");
	return 0;
}

/* general.user (uid != 0) and the gid to use: 1, 0 none, -1 error. */
static int
lookup_user(const struct general_conf *g, struct passwd **pwp, gid_t *gid,
    struct err *e)
{
	static struct passwd pwbuf;	/* lives past initgroups() */
	static char buf[16384];
	struct passwd *pw = NULL;
	struct group *gr;
	int rc;

	rc = getpwnam_r(g->user, &pwbuf, buf, sizeof(buf), &pw);
	if (pw == NULL) {
		if (rc == 0 || rc == ENOENT || rc == ESRCH)
			return 0;
		return err_set(e, "general.user \"%s\": %s", g->user,
		    strerror(rc));
	}
	if (pw->pw_uid == 0)
		return err_set(e, "general.user \"%s\" has uid 0", g->user);
	*gid = pw->pw_gid;
	if (g->group != NULL && g->group[0] != '\0') {
		errno = 0;
		if ((gr = getgrnam(g->group)) == NULL)
			return err_set(e, "general.group \"%s\": %s", g->group,
			    errno ? strerror(errno) : "no such group");
		*gid = gr->gr_gid;
	}
	*pwp = pw;
	return 1;
}

int
privdrop_command(const struct general_conf *g, int net_admin, int *dropped,
    struct err *e)
{
	cap_value_t keep[] = { CAP_NET_ADMIN };
	struct passwd *pw = NULL;
	gid_t gid = 0;
	int rc;

	*dropped = 0;
	if (getuid() != 0 && geteuid() != 0)
		return 0;
	if (g->user == NULL || g->user[0] == '\0' ||
	    strcmp(g->user, "root") == 0)
		return 0;
	/* No such user (not yet created): the command stays root's. */
	if ((rc = lookup_user(g, &pw, &gid, e)) <= 0)
		return rc;
	if (drop_to(pw, gid, keep, net_admin ? 1 : 0, e) < 0 ||
	    privdrop_env(pw, 1, e) < 0)
		return -1;
	*dropped = 1;
	return 0;
}

int
privdrop_apply(const struct general_conf *g, int net_raw, struct err *e)
{
	cap_value_t keep[] = { CAP_NET_ADMIN, CAP_NET_RAW };
	int nkeep = net_raw ? 2 : 1;
	struct passwd *pw = NULL;
	gid_t gid = 0;
	int rc;

	if (getuid() != 0 && geteuid() != 0)
		return 0;	/* systemd User= or setpriv already did it */
	if (g->user == NULL || g->user[0] == '\0' ||
	    strcmp(g->user, "root") == 0) {
		if (g->allow_root)
			return 0;
		return err_set(e, "refusing to run as root with every "
		    "capability: set general.user to an unprivileged user "
		    "(redress keeps only CAP_NET_ADMIN), or general.allow_root:"
		    " true");
	}
	if ((rc = lookup_user(g, &pw, &gid, e)) < 0)
		return -1;
	if (rc == 0)
		return err_set(e, "general.user \"%s\": no such user (create "
		    "it, e.g. systemd-sysusers redress.sysusers or useradd "
		    "--system)", g->user);
	if (chown_tree(g->state_dir, pw->pw_uid, gid, e) < 0 ||
	    chown_db(g->database, pw->pw_uid, gid, e) < 0)
		return -1;
	if (drop_to(pw, gid, keep, nkeep, e) < 0)
		return -1;
	return privdrop_env(pw, 0, e);
}
