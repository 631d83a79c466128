/* SPDX-License-Identifier: MIT */
/*
 * Reading a reply Maildir (reply_maildir.h): new/ then cur/, oldest name
 * first, every message not yet flagged S (seen: handled) or F (flagged:
 * left for a person). The callback decides the flag; the file is then
 * moved to cur/ with that flag added (Maildir "NAME:2,FLAGS", flags in
 * ASCII order). Nothing is ever deleted.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "reply_maildir.h"
#include "xmalloc.h"

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Flags of a Maildir name: what follows ":2,", or "". */
static const char *
name_flags(const char *name)
{
	const char *p = strstr(name, ":2,");

	return p != NULL ? p + 3 : "";
}

/* Builds cur/ name: the base, ":2,", the old flags plus flag, sorted. */
static void
flagged_name(const char *name, char flag, char *out, size_t len)
{
	const char	*p = strstr(name, ":2,");
	size_t		 base = p != NULL ? (size_t)(p - name) : strlen(name);
	char		 flags[32] = "";
	size_t		 n = 0, i, j;

	if (p != NULL)
		for (p += 3; *p != '\0' && n + 2 < sizeof(flags); p++)
			if (strchr(flags, *p) == NULL)
				flags[n++] = *p;
	if (strchr(flags, flag) == NULL)
		flags[n++] = flag;
	flags[n] = '\0';
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && flags[j - 1] > flags[j]; j--) {
			char t = flags[j];

			flags[j] = flags[j - 1];
			flags[j - 1] = t;
		}
	snprintf(out, len, "%.*s:2,%s", (int)base, name, flags);
}

/* Reads path whole (at most max + 1 bytes, to tell it is larger). */
static char *
read_file(const char *path, size_t max, size_t *len, int *toobig)
{
	struct stat	 sb;
	char		*buf;
	size_t		 got = 0;
	ssize_t		 n;
	int		 fd;

	*toobig = 0;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return NULL;
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		close(fd);
		errno = EINVAL;
		return NULL;
	}
	if ((size_t)sb.st_size > max) {
		*toobig = 1;
		*len = (size_t)sb.st_size;
		close(fd);
		return xstrdup("");
	}
	buf = xmalloc((size_t)sb.st_size + 1);
	while (got < (size_t)sb.st_size) {
		n = read(fd, buf + got, (size_t)sb.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	*len = got;
	return buf;
}

static int
scan_sub(const char *dir, const char *sub, size_t max_bytes, size_t *left,
    maildir_cb cb, void *arg, struct err *e)
{
	char	 path[4096], to[4096], newname[512];
	char	**names = NULL;
	size_t	 n = 0, i;
	int	 done = 0;
	DIR	*d;
	struct dirent *de;

	snprintf(path, sizeof(path), "%s/%s", dir, sub);
	if ((d = opendir(path)) == NULL)
		return err_set(e, "%s: %s", path, strerror(errno));
	while ((de = readdir(d)) != NULL) {
		const char *fl = name_flags(de->d_name);

		if (de->d_name[0] == '.' || strchr(fl, 'S') != NULL ||
		    strchr(fl, 'F') != NULL || strchr(fl, 'T') != NULL)
			continue;
		names = xreallocarray(names, n + 1, sizeof(*names));
		names[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(*names), cmp_name);
	for (i = 0; i < n; i++) {
		size_t	 len = 0;
		int	 toobig, flag;
		char	*buf;

		if (*left == 0)
			break;
		snprintf(path, sizeof(path), "%s/%s/%s", dir, sub, names[i]);
		if ((buf = read_file(path, max_bytes, &len, &toobig)) == NULL)
			continue;	/* gone or not a file */
		(*left)--;
		flag = cb(arg, path, names[i], buf, len, toobig);
		free(buf);
		if (flag < 0) {
			err_set(e, "%s: not handled", path);
			done = -1;
			break;
		}
		if (flag == 0)
			continue;
		flagged_name(names[i], (char)flag, newname, sizeof(newname));
		snprintf(to, sizeof(to), "%s/cur/%s", dir, newname);
		if (rename(path, to) == -1) {
			err_set(e, "%s: cannot move to cur/: %s", path,
			    strerror(errno));
			done = -1;
			break;
		}
		done++;
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return done;
}

int
reply_maildir_scan(const char *dir, size_t max_bytes, size_t max_msgs,
    maildir_cb cb, void *arg, struct err *e)
{
	size_t	left = max_msgs;
	int	a, b;

	if ((a = scan_sub(dir, "new", max_bytes, &left, cb, arg, e)) < 0)
		return -1;
	if ((b = scan_sub(dir, "cur", max_bytes, &left, cb, arg, e)) < 0)
		return -1;
	return a + b;
}
