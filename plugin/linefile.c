/* SPDX-License-Identifier: MIT */
/*
 * Follows a line-oriented log file like `tail -F` (see linefile.h): a
 * bounded buffer read in LINEFILE_CHUNK pieces, rotation by rename and by
 * copytruncate, and a bookmark that recognises a replaced file.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "linefile.h"
#include "monotime.h"
#include "xmalloc.h"

#define LINEFILE_DIR_SCAN_MAX	10000

struct linefile {
	char		*path;		/* the followed path */
	char		*cur;		/* the file read now: path or a rotated one */
	int		 fd;
	int		 follow;
	int		 old;		/* reading a rotated file found at open */
	size_t		 max_line;
	char		*buf;
	size_t		 cap, start, end, scan;
	uint64_t	 buf_off;	/* file offset of buf[0] */
	uint64_t	 lineno;	/* lines consumed in this file */
	uint64_t	 mark_off;	/* after the last line consumed */
	uint64_t	 ino, dev;
	uint64_t	 hash;		/* first line, 0 unknown */
	int		 skipping;	/* inside a line over max_line */
	int64_t		 rot_seen;	/* ms a new file at path was first seen */
	int		 ifd;		/* inotify on the directory, -1 none */
	/* the last bytes read, ending at buf_off + end: what a rotated copy
	 * must hold at that offset to be this file's copy */
	char		 tail[LINEFILE_TAIL];
	size_t		 tail_len;
	uint64_t	 seen_size;	/* largest size fstat showed */
	struct linefile_stats st;
};

uint64_t
linefile_hash(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len && i < LINEFILE_HASH_BYTES && s[i] != '\n'; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h ? h : 1;
}

/* Hash of the first line of fd, 0 while it is shorter than known. */
static uint64_t
hash_probe(int fd)
{
	char b[LINEFILE_HASH_BYTES];
	ssize_t n = pread(fd, b, sizeof(b), 0);

	if (n <= 0)
		return 0;
	if ((size_t)n < sizeof(b) && memchr(b, '\n', (size_t)n) == NULL)
		return 0;
	return linefile_hash(b, (size_t)n);
}

int
linefile_bookmark_parse(const char *s, uint64_t *ino, uint64_t *off,
    uint64_t *line, uint64_t *hash)
{
	unsigned long long a, b, c, d;
	int n = 0;

	if (sscanf(s, "%llu:%llu:%llu:%llx%n", &a, &b, &c, &d, &n) != 4 ||
	    s[n] != '\0')
		return -1;
	*ino = a;
	*off = b;
	*line = c;
	*hash = d;
	return 0;
}

static void
reset_buffer(struct linefile *lf, uint64_t off, uint64_t line)
{
	lf->start = lf->end = lf->scan = 0;
	lf->buf_off = lf->mark_off = off;
	lf->lineno = line;
	lf->skipping = 0;
	lf->tail_len = 0;
}

/* Keeps the last LINEFILE_TAIL bytes read, p[0..n) being the newest. */
static void
keep_tail(struct linefile *lf, const char *p, size_t n)
{
	if (n >= LINEFILE_TAIL) {
		memcpy(lf->tail, p + n - LINEFILE_TAIL, LINEFILE_TAIL);
		lf->tail_len = LINEFILE_TAIL;
		return;
	}
	if (lf->tail_len + n > LINEFILE_TAIL) {
		size_t drop = lf->tail_len + n - LINEFILE_TAIL;

		memmove(lf->tail, lf->tail + drop, lf->tail_len - drop);
		lf->tail_len -= drop;
	}
	memcpy(lf->tail + lf->tail_len, p, n);
	lf->tail_len += n;
}

/* Takes fd as the current file (closing the previous one) at off/line. */
static int
adopt(struct linefile *lf, int fd, const char *name, uint64_t off,
    uint64_t line, struct err *e)
{
	struct stat sb;

	if (fstat(fd, &sb) < 0) {
		close(fd);
		return err_set(e, "%s: %s", name, strerror(errno));
	}
	if (off && lseek(fd, (off_t)off, SEEK_SET) < 0) {
		close(fd);
		return err_set(e, "%s: seek: %s", name, strerror(errno));
	}
	if (lf->fd >= 0)
		close(lf->fd);
	lf->fd = fd;
	lf->ino = (uint64_t)sb.st_ino;
	lf->dev = (uint64_t)sb.st_dev;
	lf->hash = hash_probe(fd);
	if (lf->cur != name) {
		free(lf->cur);
		lf->cur = xstrdup(name);
	}
	lf->rot_seen = 0;
	lf->seen_size = 0;
	reset_buffer(lf, off, line);
	return 0;
}

/* Is fd (of stat sb) the file a bookmark named? */
static int
same_file(int fd, const struct stat *sb, uint64_t ino, uint64_t off,
    uint64_t hash, int need_ino)
{
	if (need_ino && (uint64_t)sb->st_ino != ino)
		return 0;
	if ((uint64_t)sb->st_size < off)
		return 0;
	if (hash && hash_probe(fd) != hash)
		return 0;
	return hash != 0 || (uint64_t)sb->st_ino == ino;
}

/*
 * Looks for the file a bookmark names, renamed next to path: path.1 (same
 * first line, as after rename or copytruncate), then any file of the
 * directory with the bookmark's inode. Returns an open fd and its name.
 */
static int
find_old(const char *path, uint64_t ino, uint64_t off, uint64_t hash,
    char **name)
{
	char *p1, *dir, *slash;
	const char *base;
	struct stat sb;
	struct dirent *de;
	DIR *d;
	int fd, scanned = 0;

	p1 = xasprintf("%s.1", path);
	fd = open(p1, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    same_file(fd, &sb, ino, off, hash, 0)) {
		*name = p1;
		return fd;
	}
	if (fd >= 0)
		close(fd);
	free(p1);
	dir = xstrdup(path);
	slash = strrchr(dir, '/');
	if (slash == NULL) {
		free(dir);
		dir = xstrdup(".");
		base = path;
	} else {
		base = path + (slash - dir) + 1;
		if (slash == dir)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
	d = opendir(dir);
	if (d == NULL) {
		free(dir);
		return -1;
	}
	fd = -1;
	while ((de = readdir(d)) != NULL && scanned++ < LINEFILE_DIR_SCAN_MAX) {
		char *cand;

		if ((uint64_t)de->d_ino != ino || strcmp(de->d_name, base) == 0)
			continue;
		cand = xasprintf("%s/%s", dir, de->d_name);
		fd = open(cand, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
		    same_file(fd, &sb, ino, off, hash, 1)) {
			*name = cand;
			break;
		}
		if (fd >= 0)
			close(fd);
		fd = -1;
		free(cand);
	}
	closedir(d);
	free(dir);
	return fd;
}

struct linefile *
linefile_open(const char *path, const char *bookmark, int follow,
    size_t max_line, struct err *e)
{
	struct linefile *lf;
	uint64_t ino = 0, off = 0, line = 0, hash = 0;
	struct stat sb;
	int fd, have = 0;

	if (max_line < 64)
		max_line = 64;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(e, "%s: %s", path, strerror(errno)), NULL;
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return err_set(e, "%s: not a regular file", path), NULL;
	}
	lf = xcalloc(1, sizeof(*lf));
	lf->path = xstrdup(path);
	lf->fd = -1;
	lf->ifd = -1;
	lf->follow = follow;
	lf->max_line = max_line;
	lf->cap = max_line + LINEFILE_CHUNK + 1;
	lf->buf = xmalloc(lf->cap);
	if (bookmark && bookmark[0] &&
	    linefile_bookmark_parse(bookmark, &ino, &off, &line, &hash) == 0)
		have = 1;
	if (have && (uint64_t)sb.st_ino == ino &&
	    same_file(fd, &sb, ino, off, hash, 1)) {
		if (adopt(lf, fd, path, off, line, e) < 0)
			goto fail;
		return lf;
	}
	if (have && off > 0) {
		char *oname = NULL;
		int ofd = find_old(path, ino, off, hash, &oname);

		if (ofd >= 0) {
			close(fd);
			if (adopt(lf, ofd, oname, off, line, e) < 0) {
				free(oname);
				goto fail;
			}
			free(oname);
			lf->old = 1;
			return lf;
		}
	}
	if (adopt(lf, fd, path, 0, 0, e) < 0)
		goto fail;
	return lf;
fail:
	linefile_close(lf);
	return NULL;
}

/*
 * The copy copytruncate left at path.1, when it holds this file's bytes up
 * to where we read: same first line, at least as long, and the last bytes
 * we read at the same offset. Then the reader goes on in it from there
 * (the partial line in the buffer stays) and returns 1; else 0.
 */
static int
follow_copy(struct linefile *lf, uint64_t pos)
{
	char *p1 = xasprintf("%s.1", lf->path), b[LINEFILE_TAIL];
	struct stat sb;
	int fd;

	fd = open(p1, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) ||
	    (uint64_t)sb.st_ino == lf->ino || (uint64_t)sb.st_size < pos ||
	    (lf->hash && hash_probe(fd) != lf->hash) ||
	    pread(fd, b, lf->tail_len, (off_t)(pos - lf->tail_len)) !=
	    (ssize_t)lf->tail_len || memcmp(b, lf->tail, lf->tail_len) != 0 ||
	    lseek(fd, (off_t)pos, SEEK_SET) < 0) {
		if (fd >= 0)
			close(fd);
		free(p1);
		return 0;
	}
	close(lf->fd);
	lf->fd = fd;
	lf->ino = (uint64_t)sb.st_ino;
	lf->dev = (uint64_t)sb.st_dev;
	free(lf->cur);
	lf->cur = p1;
	lf->old = 1;
	lf->rot_seen = 0;
	lf->seen_size = (uint64_t)sb.st_size;
	return 1;
}

/*
 * Copytruncate: the file is shorter than what was read, or its first line
 * changed. The bytes not yet read when it was copied are read from the
 * copy at path.1 when it is there (1); else the reader restarts at 0 and
 * says how many bytes and about how many lines were lost (2, e set).
 * 0: not truncated.
 */
static int
check_truncate(struct linefile *lf, struct err *e)
{
	struct stat sb;
	uint64_t h, pos = lf->buf_off + lf->end, from, lost, avg;

	if (lf->old || fstat(lf->fd, &sb) < 0)
		return 0;
	h = lf->hash ? hash_probe(lf->fd) : 0;
	if ((uint64_t)sb.st_size >= pos && (h == 0 || h == lf->hash)) {
		if ((uint64_t)sb.st_size > lf->seen_size)
			lf->seen_size = (uint64_t)sb.st_size;
		return 0;
	}
	lf->st.rotations++;
	if (pos > 0 && follow_copy(lf, pos))
		return 1;
	from = lf->buf_off + lf->start;	/* the partial line goes too */
	lost = (lf->seen_size > pos ? lf->seen_size : pos) - from;
	if (lseek(lf->fd, 0, SEEK_SET) < 0)
		return err_set(e, "%s: seek: %s", lf->cur, strerror(errno));
	lf->hash = hash_probe(lf->fd);
	reset_buffer(lf, 0, 0);
	lf->seen_size = 0;
	if (lost == 0)
		return 1;
	avg = lf->st.lines ? lf->st.bytes / lf->st.lines : 0;
	lf->st.lost_bytes += lost;
	return err_set(e, "%s: truncated (copytruncate) with %llu bytes not "
	    "yet read at offset %llu and no copy of them in %s.1: about "
	    "%llu lines lost", lf->path, (unsigned long long)lost,
	    (unsigned long long)from, lf->path,
	    (unsigned long long)(avg ? (lost + avg - 1) / avg : 1)), 2;
}

/*
 * At the end of the data in follow mode: has the file been truncated
 * (copytruncate) or replaced at the path (rename)? 1 when the reader moved
 * to a new position or file, 0 when there is nothing to do now, -1 error.
 */
static int
check_rotation(struct linefile *lf, struct err *e)
{
	struct stat ps;
	int fd, rc;

	if ((rc = check_truncate(lf, e)) != 0)
		return rc;
	if (stat(lf->path, &ps) < 0)
		return 0;	/* renamed away, not yet recreated */
	if ((uint64_t)ps.st_ino == lf->ino && (uint64_t)ps.st_dev == lf->dev)
		return 0;
	if (!lf->old) {
		/* The writer may still append to the renamed file until it
		 * reopens: keep reading it for a grace period. */
		if (lf->rot_seen == 0)
			lf->rot_seen = monotime_ms();
		if (monotime_ms() - lf->rot_seen < LINEFILE_GRACE_MS)
			return 0;
	}
	fd = open(lf->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (adopt(lf, fd, lf->path, 0, 0, e) < 0)
		return -1;
	lf->old = 0;
	lf->st.rotations++;
	return 1;
}

static void
consumed(struct linefile *lf, size_t next_start)
{
	lf->st.bytes += next_start - lf->start;
	lf->start = lf->scan = next_start;
	lf->lineno++;
	lf->mark_off = lf->buf_off + lf->start;
	if (lf->hash == 0)
		lf->hash = hash_probe(lf->fd);
}

static int
too_long(struct linefile *lf, uint64_t line, struct err *e)
{
	lf->st.too_long++;
	return err_set(e, "%s:%llu: line longer than max_line (%zu bytes), "
	    "skipped", lf->cur, (unsigned long long)line, lf->max_line);
}

int
linefile_next(struct linefile *lf, struct linefile_line *l, struct err *e)
{
	for (;;) {
		char *nl;
		ssize_t n;

		if (lf->skipping) {
			nl = memchr(lf->buf + lf->start, '\n',
			    lf->end - lf->start);
			if (nl) {
				lf->skipping = 0;
				consumed(lf, (size_t)(nl - lf->buf) + 1);
				return too_long(lf, lf->lineno, e);
			}
			lf->st.bytes += lf->end - lf->start;
			lf->buf_off += lf->end;
			lf->start = lf->end = lf->scan = 0;
		} else {
			nl = memchr(lf->buf + lf->scan, '\n',
			    lf->end - lf->scan);
			if (nl) {
				size_t s = lf->start, len;

				len = (size_t)(nl - lf->buf) - s;
				l->offset = lf->buf_off + s;
				consumed(lf, (size_t)(nl - lf->buf) + 1);
				if (len && lf->buf[s + len - 1] == '\r')
					len--;
				if (len == 0)
					continue;
				if (len > lf->max_line)
					return too_long(lf, lf->lineno, e);
				l->p = lf->buf + s;
				l->len = len;
				l->lineno = lf->lineno;
				l->file = lf->cur;
				lf->st.lines++;
				return 1;
			}
			lf->scan = lf->end;
			if (lf->end - lf->start > lf->max_line) {
				lf->skipping = 1;
				continue;
			}
		}
		/*
		 * Move the partial line to the front once it is shorter than
		 * what was consumed (cheap), and read in LINEFILE_READ pieces:
		 * the bytes in use stay in the CPU cache for the parser.
		 */
		if (lf->start > 0 && (lf->cap - lf->end < LINEFILE_CHUNK ||
		    lf->end - lf->start <= lf->start)) {
			memmove(lf->buf, lf->buf + lf->start,
			    lf->end - lf->start);
			lf->buf_off += lf->start;
			lf->end -= lf->start;
			lf->scan -= lf->start;
			lf->start = 0;
		}
		/* Following: is it still the same file before reading on? */
		if (lf->follow) {
			int tr = check_truncate(lf, e);

			if (tr < 0)
				return -2;
			if (tr == 2)
				return -3;
		}
		n = read(lf->fd, lf->buf + lf->end,
		    lf->cap - lf->end < LINEFILE_READ ? lf->cap - lf->end :
		    LINEFILE_READ);
		if (n > 0) {
			keep_tail(lf, lf->buf + lf->end, (size_t)n);
			lf->end += (size_t)n;
			lf->rot_seen = 0;
			continue;
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return err_set(e, "%s: read: %s", lf->cur,
			    strerror(errno)) - 1;
		}
		/* End of the data for now. */
		if (lf->skipping && !lf->follow) {
			lf->skipping = 0;
			lf->lineno++;
			lf->mark_off = lf->buf_off + lf->end;
			return too_long(lf, lf->lineno, e);
		}
		if (!lf->skipping && lf->end > lf->start && (!lf->follow ||
		    lf->rot_seen || lf->old)) {
			/* A last line without newline: returned in replay,
			 * and from a rotated file nobody writes any more
			 * (check_rotation decides below, on the next call). */
			int fin = !lf->follow;

			if (!fin) {
				struct stat ps;

				fin = stat(lf->path, &ps) == 0 &&
				    ((uint64_t)ps.st_ino != lf->ino) &&
				    (lf->old || monotime_ms() - lf->rot_seen >=
				    LINEFILE_GRACE_MS);
			}
			if (fin) {
				size_t s = lf->start, len = lf->end - s;

				l->offset = lf->buf_off + s;
				consumed(lf, lf->end);
				l->p = lf->buf + s;
				l->len = len;
				l->lineno = lf->lineno;
				l->file = lf->cur;
				lf->st.lines++;
				return 1;
			}
		}
		if (!lf->follow)
			return 0;
		switch (check_rotation(lf, e)) {
		case 1:
			continue;
		case 0:
			return 0;
		case 2:
			return -3;
		default:
			return -2;
		}
	}
}

void
linefile_bookmark(const struct linefile *lf, char *buf, size_t len)
{
	snprintf(buf, len, "%llu:%llu:%llu:%016llx",
	    (unsigned long long)lf->ino, (unsigned long long)lf->mark_off,
	    (unsigned long long)lf->lineno, (unsigned long long)lf->hash);
}

uint64_t
linefile_lag(const struct linefile *lf)
{
	struct stat sb;
	uint64_t pos = lf->buf_off + lf->end;

	if (fstat(lf->fd, &sb) < 0 || (uint64_t)sb.st_size < pos)
		return 0;
	return (uint64_t)sb.st_size - pos + (lf->end - lf->start);
}

const struct linefile_stats *
linefile_stats(const struct linefile *lf)
{
	return &lf->st;
}

void
linefile_close(struct linefile *lf)
{
	if (lf == NULL)
		return;
	if (lf->fd >= 0)
		close(lf->fd);
	if (lf->ifd >= 0)
		close(lf->ifd);
	free(lf->buf);
	free(lf->path);
	free(lf->cur);
	free(lf);
}

/*
 * Written lines, a rename or a truncation in the file's directory wake
 * the reader at once instead of at its next poll (the poll stays, for
 * file systems without inotify such as NFS).
 */
int
linefile_watch_fd(struct linefile *lf)
{
	char *dir, *slash;

	if (!lf->follow)
		return -1;
	if (lf->ifd >= 0)
		return lf->ifd;
	dir = xstrdup(lf->path);
	slash = strrchr(dir, '/');
	if (slash == NULL) {
		free(dir);
		dir = xstrdup(".");
	} else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	lf->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (lf->ifd >= 0 && inotify_add_watch(lf->ifd, dir, IN_MODIFY |
	    IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE |
	    IN_CLOSE_WRITE | IN_ATTRIB) < 0) {
		close(lf->ifd);
		lf->ifd = -1;
	}
	free(dir);
	return lf->ifd;
}

static int
name_is(const char *name, const char *path)
{
	const char *b;

	if (path == NULL)
		return 0;
	b = strrchr(path, '/');
	return strcmp(name, b ? b + 1 : path) == 0;
}

int
linefile_woken(struct linefile *lf)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	const struct inotify_event *ev;
	ssize_t n;
	int woken = 0, rounds = 0;

	if (lf->ifd < 0)
		return 0;
	while (rounds++ < 64 && (n = read(lf->ifd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; p < buf + n;
		    p += sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)p;
			if (ev->len == 0 || (ev->mask & IN_Q_OVERFLOW) ||
			    name_is(ev->name, lf->path) ||
			    name_is(ev->name, lf->cur))
				woken = 1;
		}
	}
	return woken;
}
