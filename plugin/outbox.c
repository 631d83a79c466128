/* SPDX-License-Identifier: MIT */
/*
 * Maildir outbox: unique names (time.Mpid_counter_random.host), write to
 * tmp/ with fsync, then rename into new/ and fsync the directory, so a
 * crash leaves either no file or a complete one.
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

/* Writes msg into tmp file `tmp`, fsynced. */
static int
write_tmp(const char *tmp, const char *msg, size_t len, struct err *e)
{
	int	fd;

	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) == -1)
		return err_set(e, "outbox %s: %s", tmp, strerror(errno));
	if (fd_write_all(fd, msg, len) == -1 || fsync(fd) == -1) {
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
