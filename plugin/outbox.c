/* SPDX-License-Identifier: MIT */
/*
 * Maildir outbox: a report's draft is cur/redress-<id>:2,D (one name per
 * report row, its state in the Maildir flags), written to tmp/ with
 * fsync, then renamed into place and the directory fsynced, so a crash
 * leaves either no file or a complete one. outbox_write keeps unique
 * Maildir names (time.Mpid_counter_random.host) in new/ for other mail.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "fdio.h"
#include "outbox.h"
#include "xmalloc.h"

#define OUTBOX_MAX	(64u << 20)

static int
mkdir_p(const char *d, struct err *e)
{
	if (mkdir(d, 0700) == -1 && errno != EEXIST)
		return err_set(e, "outbox %s: %s", d, strerror(errno));
	return 0;
}

int
outbox_init(const char *dir, struct err *e)
{
	char		p[PATH_MAX];
	const char	*sub[] = { "tmp", "new", "cur" };
	size_t		i;

	if (mkdir_p(dir, e) == -1)
		return -1;
	for (i = 0; i < 3; i++) {
		if ((size_t)snprintf(p, sizeof(p), "%s/%s", dir, sub[i]) >=
		    sizeof(p))
			return err_set(e, "outbox %s: path too long", dir);
		if (mkdir_p(p, e) == -1)
			return -1;
	}
	return 0;
}

static void
fsync_dir(const char *path)
{
	char	d[PATH_MAX], *s;
	int	fd;

	strlcpy_r(d, path, sizeof(d));
	if ((s = strrchr(d, '/')) != NULL)
		*s = '\0';
	if ((fd = open(d, O_RDONLY | O_DIRECTORY)) != -1) {
		(void)fsync(fd);
		close(fd);
	}
}

/* 0640 in a directory its group may read (reviewers), else 0600. */
static mode_t
file_mode(const char *path)
{
	char		d[PATH_MAX], *s;
	struct stat	sb;

	strlcpy_r(d, path, sizeof(d));
	if ((s = strrchr(d, '/')) != NULL)
		*s = '\0';
	return stat(d, &sb) == 0 && (sb.st_mode & 0050) == 0050 ? 0640 : 0600;
}

/* Writes msg into tmp file `tmp`, fsynced. */
static int
write_tmp(const char *tmp, const char *msg, size_t len, struct err *e)
{
	int	fd;

	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) == -1)
		return err_set(e, "outbox %s: %s", tmp, strerror(errno));
	if (fchmod(fd, file_mode(tmp)) == -1 || fd_write_all(fd, msg,
	    len) == -1 || fsync(fd) == -1) {
		err_set(e, "outbox %s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return -1;
	}
	if (close(fd) == -1) {
		unlink(tmp);
		return err_set(e, "outbox %s: %s", tmp, strerror(errno));
	}
	return 0;
}

int
outbox_write(const char *dir, const char *msg, size_t msglen, char *path,
    size_t len, struct err *e)
{
	static unsigned	 counter;
	char		 host[256], name[512], tmp[PATH_MAX], fin[PATH_MAX];
	struct timeval	 tv;
	unsigned	 rnd = 0;
	FILE		*fp;
	char		*s;

	if (outbox_init(dir, e) == -1)
		return -1;
	if (gethostname(host, sizeof(host)) == -1)
		strlcpy_r(host, "localhost", sizeof(host));
	host[sizeof(host) - 1] = '\0';
	for (s = host; *s != '\0'; s++)
		if (*s == '/' || *s == ':')
			*s = '_';
	if ((fp = fopen("/dev/urandom", "r")) != NULL) {
		if (fread(&rnd, sizeof(rnd), 1, fp) != 1)
			rnd = 0;
		fclose(fp);
	}
	gettimeofday(&tv, NULL);
	snprintf(name, sizeof(name), "%lld.M%ldP%ldQ%uR%08x.%s",
	    (long long)tv.tv_sec, (long)tv.tv_usec, (long)getpid(),
	    __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED), rnd, host);
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/tmp/%s", dir, name) >=
	    sizeof(tmp) || (size_t)snprintf(fin, sizeof(fin), "%s/new/%s",
	    dir, name) >= sizeof(fin))
		return err_set(e, "outbox %s: path too long", dir);
	if (write_tmp(tmp, msg, msglen, e) == -1)
		return -1;
	if (rename(tmp, fin) == -1) {
		err_set(e, "outbox %s: %s", fin, strerror(errno));
		unlink(tmp);
		return -1;
	}
	fsync_dir(fin);
	if (strlcpy_r(path, fin, len) >= len)
		return err_set(e, "outbox %s: path too long", fin);
	return 0;
}

int
outbox_init_group(const char *dir, gid_t gid, struct err *e)
{
	char		p[PATH_MAX];
	const char	*sub[] = { "", "/tmp", "/new", "/cur" };
	size_t		i;

	if (outbox_init(dir, e) == -1)
		return -1;
	for (i = 0; i < 4; i++) {
		snprintf(p, sizeof(p), "%s%s", dir, sub[i]);
		/* setgid: files made here get the reviewers' group. */
		if (chown(p, (uid_t)-1, gid) == -1 || chmod(p, 02750) == -1)
			return err_set(e, "outbox %s: %s", p, strerror(errno));
	}
	return 0;
}

int
outbox_draft(const char *dir, int64_t id, const char *msg, size_t msglen,
    char *path, size_t len, struct err *e)
{
	char	tmp[PATH_MAX], fin[PATH_MAX];

	if (outbox_init(dir, e) == -1)
		return -1;
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s/tmp/" OUTBOX_PREFIX "%lld",
	    dir, (long long)id) >= sizeof(tmp) ||
	    (size_t)snprintf(fin, sizeof(fin), "%s/cur/" OUTBOX_PREFIX
	    "%lld:2,D", dir, (long long)id) >= sizeof(fin))
		return err_set(e, "outbox %s: path too long", dir);
	unlink(tmp);	/* left by a crash */
	if (write_tmp(tmp, msg, msglen, e) == -1)
		return -1;
	if (rename(tmp, fin) == -1) {
		err_set(e, "outbox %s: %s", fin, strerror(errno));
		unlink(tmp);
		return -1;
	}
	fsync_dir(fin);
	if (strlcpy_r(path, fin, len) >= len)
		return err_set(e, "outbox %s: path too long", fin);
	return 0;
}

int
outbox_flag(const char *path, const char *flags, char *out, size_t len,
    struct err *e)
{
	char		 fin[PATH_MAX];
	const char	*info = strstr(path, ":2,"), *base;
	size_t		 keep;

	base = strrchr(path, '/');
	if (base == NULL || info == NULL || info < base ||
	    (size_t)(base - path) < 4 || strncmp(base - 4, "/cur", 4) != 0) {
		/* Not one of our drafts (an older name): left where it is. */
		if (strlcpy_r(out, path, len) >= len)
			return err_set(e, "outbox %s: path too long", path);
		return 0;
	}
	keep = (size_t)(info - path);
	if ((size_t)snprintf(fin, sizeof(fin), "%.*s:2,%s", (int)keep, path,
	    flags) >= sizeof(fin) || strlen(fin) >= len)
		return err_set(e, "outbox %s: path too long", path);
	if (strcmp(fin, path) != 0) {
		if (rename(path, fin) == -1)
			return err_set(e, "outbox %s: %s", path,
			    strerror(errno));
		fsync_dir(fin);
	}
	strlcpy_r(out, fin, len);
	return 0;
}

int
outbox_replace(const char *path, const char *msg, size_t msglen,
    struct err *e)
{
	char	tmp[PATH_MAX];

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path,
	    (long)getpid()) >= sizeof(tmp))
		return err_set(e, "outbox %s: path too long", path);
	if (write_tmp(tmp, msg, msglen, e) == -1)
		return -1;
	if (rename(tmp, path) == -1) {
		err_set(e, "outbox %s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	fsync_dir(path);
	return 0;
}

int
outbox_read(const char *path, char **out, size_t *outlen, struct err *e)
{
	struct stat	 sb;
	char		*buf;
	ssize_t		 r;
	size_t		 got = 0;
	int		 fd;

	*out = NULL;
	*outlen = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return err_set(e, "outbox %s: %s", path, strerror(errno));
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode) ||
	    (size_t)sb.st_size > OUTBOX_MAX) {
		close(fd);
		return err_set(e, "outbox %s: not a regular file of at most "
		    "64 MiB", path);
	}
	buf = xmalloc((size_t)sb.st_size + 1);
	while (got < (size_t)sb.st_size) {
		r = read(fd, buf + got, (size_t)sb.st_size - got);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	if (got != (size_t)sb.st_size) {
		free(buf);
		return err_set(e, "outbox %s: short read", path);
	}
	buf[got] = '\0';
	*out = buf;
	*outlen = got;
	return 0;
}
