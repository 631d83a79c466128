/* SPDX-License-Identifier: MIT */
/*
 * The outbox and the store agree (outbox_sync.h): a report's file carries
 * the Maildir flags of its row's state, and at start files a crash left
 * behind are removed (tmp/, half-written replacements, a draft whose row
 * was never committed, a second file for one row) or adopted (the row's
 * own file under its name, the path not yet recorded).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outbox.h"
#include "outbox_sync.h"
#include "xmalloc.h"

const char *
outbox_state_flags(const char *state)
{
	if (strcmp(state, REPORT_SENT) == 0)
		return "S";
	if (strcmp(state, REPORT_REJECTED) == 0)
		return "T";
	if (strcmp(state, REPORT_FAILED) == 0)
		return "F";
	return "D";
}

int
outbox_sync_state(struct store *st, struct report_row *r, struct err *e)
{
	char	path[sizeof(r->path)];

	if (r->path[0] == '\0')
		return 0;
	if (outbox_flag(r->path, outbox_state_flags(r->state), path,
	    sizeof(path), e) == -1)
		return -1;
	if (strcmp(path, r->path) == 0)
		return 0;
	strlcpy_r(r->path, path, sizeof(r->path));
	return store_report_update(st, r, e);
}

/* The report id in "redress-<id>[:2,...]"; 0 when not one of ours. */
static int64_t
name_id(const char *name)
{
	const char	*p = name + strlen(OUTBOX_PREFIX);
	char		*end;
	long long	 v;

	if (strncmp(name, OUTBOX_PREFIX, strlen(OUTBOX_PREFIX)) != 0 ||
	    *p < '1' || *p > '9')
		return 0;
	v = strtoll(p, &end, 10);
	return (*end == '\0' || *end == ':') && v > 0 ? v : 0;
}

static int
exists(const char *path)
{
	struct stat sb;

	return path[0] != '\0' && stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* One file of cur/ or new/ against its row. */
static int
sync_file(struct store *st, const char *path, const char *name,
    struct outbox_sync_count *n, struct err *e)
{
	struct report_row	r;
	int64_t			id;
	size_t			nl = strlen(name);
	int			rc;

	if (nl > 4 && strcmp(name + nl - 4, ".tmp") == 0 &&
	    strncmp(name, OUTBOX_PREFIX, strlen(OUTBOX_PREFIX)) == 0) {
		n->removed++;		/* a replacement never renamed */
		return unlink(path);
	}
	if ((id = name_id(name)) == 0)
		return 0;		/* not a report file */
	if ((rc = store_report_get(st, id, &r, e)) == -1)
		return -1;
	if (rc == 0) {
		n->removed++;		/* its row was never committed */
		return unlink(path);
	}
	if (strcmp(r.path, path) == 0)
		return outbox_sync_state(st, &r, e);
	if (exists(r.path)) {
		n->removed++;		/* a second file for one row */
		return unlink(path);
	}
	n->adopted++;
	strlcpy_r(r.path, path, sizeof(r.path));
	if (store_report_update(st, &r, e) == -1)
		return -1;
	return outbox_sync_state(st, &r, e);
}

static int
sync_dir(struct store *st, const char *dir, const char *sub, int purge,
    struct outbox_sync_count *n, struct err *e)
{
	char		 d[PATH_MAX], path[PATH_MAX];
	DIR		*dp;
	struct dirent	*de;
	int		 rv = 0;

	snprintf(d, sizeof(d), "%s/%s", dir, sub);
	if ((dp = opendir(d)) == NULL)
		return errno == ENOENT ? 0 :
		    err_set(e, "outbox %s: %s", d, strerror(errno));
	while (rv == 0 && (de = readdir(dp)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", d,
		    de->d_name) >= sizeof(path))
			continue;
		if (purge) {
			/* tmp/: nothing there survives a restart. */
			if (unlink(path) == 0)
				n->removed++;
			continue;
		}
		if (sync_file(st, path, de->d_name, n, e) == -1 &&
		    e->msg[0] == '\0')
			err_set(e, "outbox %s: %s", path, strerror(errno));
		if (e->msg[0] != '\0')
			rv = -1;
	}
	closedir(dp);
	return rv;
}

int
outbox_reconcile(const char *dir, struct store *st,
    struct outbox_sync_count *n, struct err *e)
{
	memset(n, 0, sizeof(*n));
	err_clear(e);
	if (sync_dir(st, dir, "tmp", 1, n, e) == -1 ||
	    sync_dir(st, dir, "new", 0, n, e) == -1 ||
	    sync_dir(st, dir, "cur", 0, n, e) == -1)
		return -1;
	return 0;
}
