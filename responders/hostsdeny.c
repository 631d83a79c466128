/* SPDX-License-Identifier: MIT */
/*
 * The hosts.deny responder's file handling: a marked block of redress's
 * own entries, the rest of the file kept byte for byte, atomic replace.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdio.h"
#include "hostsdeny.h"
#include "xmalloc.h"

static const char *
find_line(const char *s, size_t len, const char *line)
{
	size_t	ll = strlen(line), i = 0;

	while (i + ll <= len) {
		if (memcmp(s + i, line, ll) == 0)
			return s + i;
		while (i < len && s[i] != '\n')
			i++;
		i++;
	}
	return NULL;
}

char *
hostsdeny_render(const char *old, size_t len, const char *const *pats,
    size_t n, size_t *outlen)
{
	const char	*b = find_line(old, len, HOSTSDENY_BEGIN), *end;
	size_t		 head, tailoff, cap, o = 0, i;
	char		*out;

	head = b != NULL ? (size_t)(b - old) : len;
	tailoff = len;
	if (b != NULL) {
		end = find_line(b, len - head, HOSTSDENY_END);
		tailoff = end != NULL ? (size_t)(end - old) +
		    strlen(HOSTSDENY_END) : len;
	}
	cap = len + sizeof(HOSTSDENY_BEGIN) + sizeof(HOSTSDENY_END) + 2;
	for (i = 0; i < n; i++)
		cap += strlen(pats[i]) + 6;
	out = xmalloc(cap);
	memcpy(out, old, head);
	o = head;
	if (b == NULL && head > 0 && old[head - 1] != '\n' && n > 0)
		out[o++] = '\n';
	if (n > 0) {
		o += (size_t)snprintf(out + o, cap - o, "%s", HOSTSDENY_BEGIN);
		for (i = 0; i < n; i++)
			o += (size_t)snprintf(out + o, cap - o, "ALL: %s\n",
			    pats[i]);
		o += (size_t)snprintf(out + o, cap - o, "%s", HOSTSDENY_END);
	}
	memcpy(out + o, old + tailoff, len - tailoff);
	o += len - tailoff;
	*outlen = o;
	return out;
}

/*
 * The file rewritten through its own descriptor: not atomic (a reader may
 * see it half written for a moment), used only where the directory cannot
 * take a temporary file or the file is a bind mount.
 */
static int
rewrite_in_place(const char *path, const char *buf, size_t len,
    struct err *e)
{
	int	fd;

	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1)
		return err_set(e, "%s: %s", path, strerror(errno));
	if (fd_write_all(fd, buf, len) == -1 ||
	    ftruncate(fd, (off_t)len) == -1 || fsync(fd) == -1) {
		err_set(e, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int
hostsdeny_write(const char *path, const char *const *pats, size_t n,
    struct err *e)
{
	char		 tmp[4096], *old = NULL, *new;
	size_t		 len = 0, nl;
	struct stat	 sb;
	int		 fd, rc = -1;
	mode_t		 mode = 0644;
	FILE		*f;

	if ((f = fopen(path, "r")) != NULL) {
		if (fstat(fileno(f), &sb) == 0) {
			mode = sb.st_mode & 07777;
			old = xmalloc((size_t)sb.st_size + 1);
			len = fread(old, 1, (size_t)sb.st_size, f);
		}
		fclose(f);
	} else if (errno != ENOENT)
		return err_set(e, "%s: %s", path, strerror(errno));
	new = hostsdeny_render(old != NULL ? old : "", len, pats, n, &nl);
	free(old);
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.redress-tmp", path) >=
	    sizeof(tmp)) {
		free(new);
		return err_set(e, "%s: path too long", path);
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    mode)) == -1) {
		/* A directory we may not write (/etc under the systemd
		 * unit, or as an unprivileged user with a writable file):
		 * rewrite the file itself. */
		if (errno == EACCES || errno == EROFS || errno == EPERM) {
			rc = rewrite_in_place(path, new, nl, e);
			goto out;
		}
		err_set(e, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	if (fd_write_all(fd, new, nl) == -1 || fsync(fd) == -1) {
		err_set(e, "%s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		goto out;
	}
	close(fd);
	if (rename(tmp, path) == -1) {
		int saved = errno;

		unlink(tmp);
		if (saved == EBUSY || saved == EXDEV) {	/* a bind mount */
			rc = rewrite_in_place(path, new, nl, e);
			goto out;
		}
		err_set(e, "%s: rename: %s", path, strerror(saved));
		goto out;
	}
	rc = 0;
out:
	free(new);
	return rc;
}
