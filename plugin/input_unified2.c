/* SPDX-License-Identifier: MIT */
/*
 * The unified2 spool input: a directory of <prefix>.<unix-time> files
 * (or one file) read in timestamp order, like barnyard2. It waits at the
 * end of the newest file, moves on when a newer file appears, and keeps a
 * "BASENAME:OFFSET" bookmark of the record after the last alert returned.
 * Finished files may be archived or deleted once a later bookmark has been
 * committed.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "input.h"
#include "monotime.h"
#include "sidmap.h"
#include "unified2_parse.h"
#include "xmalloc.h"

#define U2_BUFSZ	(1u << 20)
#define U2_NAME_MAX	256

enum { ON_CORRUPT_SKIP, ON_CORRUPT_ABANDON };
enum { FIN_KEEP, FIN_ARCHIVE, FIN_DELETE };

struct u2_conf {
	char		*type, *path, *prefix;
	char		*sid_msg_map, *gen_msg_map, *classification;
	int		 on_corrupt, finished;
	char		*archive_dir;
	long long	 poll_ms;
};

struct u2_file {
	char		name[U2_NAME_MAX];
	uint64_t	ts;
};

struct u2_in {
	struct u2_conf	 c;
	int		 configured;
	struct sidmap	*map;
	struct u2_reader rd;
	int		 is_dir;
	int		 fd;		/* current file, -1 none */
	struct u2_file	 cur;
	char		 curpath[PATH_MAX];
	uint8_t		*buf;
	size_t		 cap, start, end;
	uint64_t	 pos;		/* file offset of buf[start] */
	int		 abandoned;	/* stop reading the current file */
	/* after a corrupt record: looking for the next plausible one */
	int		 resync, resync_eof;
	size_t		 resync_from;	/* index from buf[start] to look at */
	uint64_t	 resync_off;	/* file offset of the corrupt record */
	char		 resync_why[128];
	int		 truncated;	/* reported; do not report again */
	int		 done;		/* replay of a single file ended */
	int64_t		 eof_since;	/* ms at which EOF with a held event */
	int64_t		 last_scan;
	int		 newer_cached;
	/* bookmark */
	int		 bm_ok;
	struct u2_file	 bm;
	uint64_t	 bm_off;
	int		 prev_ok;	/* the bookmark before (committed) */
	struct u2_file	 prev;
	struct err	 note;		/* archive errors for next() */
};

static const char *const corrupt_enums[] = { "skip", "abandon", NULL };
static const char *const finished_enums[] = { "keep", "archive", "delete",
	NULL };

#define F(k, kind, m, def) \
	{ k, kind, offsetof(struct u2_conf, m), def, 0, 0, NULL, 0 }
static const struct conf_field u2_fields[] = {
	F("type", CK_STRING, type, NULL),
	F("path", CK_PATH, path, NULL),
	F("prefix", CK_STRING, prefix, NULL),
	F("sid_msg_map", CK_FILE_R, sid_msg_map, NULL),
	F("gen_msg_map", CK_FILE_R, gen_msg_map, NULL),
	F("classification_config", CK_FILE_R, classification, NULL),
	{ "on_corrupt", CK_ENUM, offsetof(struct u2_conf, on_corrupt), "skip",
	    0, 0, corrupt_enums, 0 },
	{ "finished", CK_ENUM, offsetof(struct u2_conf, finished), "keep",
	    0, 0, finished_enums, 0 },
	F("archive_dir", CK_DIR, archive_dir, NULL),
	{ "poll_ms", CK_INT, offsetof(struct u2_conf, poll_ms), "250", 10,
	    60000, NULL, 0 },
	{ NULL, 0, 0, NULL, 0, 0, NULL, 0 },
};
#undef F

/* ------------------------------------------------------------ configure */

static size_t
u2_configure(struct input *in, const struct conf_node *n, struct diag *d)
{
	struct u2_in *u = in->priv;
	size_t before = d->errors;

	u->fd = -1;
	conf_apply(n, u2_fields, &u->c, d);
	u->configured = 1;
	if (n && u->c.path == NULL)
		conf_error(d, n, "unified2: \"path\" (spool directory or "
		    "file) is required");
	if (u->c.finished == FIN_ARCHIVE && u->c.archive_dir == NULL)
		conf_error(d, conf_get(n, "finished"), "finished: archive "
		    "needs archive_dir");
	if (u->c.sid_msg_map || u->c.gen_msg_map || u->c.classification) {
		u->map = sidmap_new();
		if (u->c.gen_msg_map)
			sidmap_load_genmsg(u->map, u->c.gen_msg_map, d);
		if (u->c.sid_msg_map)
			sidmap_load_sidmsg(u->map, u->c.sid_msg_map, d);
		if (u->c.classification)
			sidmap_load_classes(u->map, u->c.classification, d);
	}
	return d->errors - before;
}

static void
u2_release(struct input *in)
{
	struct u2_in *u = in->priv;

	if (u == NULL || !u->configured)
		return;
	if (u->fd >= 0)
		close(u->fd);
	u->fd = -1;
	conf_release(u2_fields, &u->c);
	sidmap_free(u->map);
	u->map = NULL;
	u2_reader_free(&u->rd);
	free(u->buf);
	u->buf = NULL;
}

/* ------------------------------------------------------------ spool dir */

static int
file_cmp(const struct u2_file *a, const struct u2_file *b)
{
	if (a->ts != b->ts)
		return a->ts < b->ts ? -1 : 1;
	return strcmp(a->name, b->name);
}

/* <prefix>.<digits>: 0 and *ts, or -1. */
static int
name_match(const struct u2_in *u, const char *name, uint64_t *ts)
{
	static const char *const defaults[] = { "snort.u2", "unified2.log",
		NULL };
	const char *one[2] = { u->c.prefix, NULL };
	const char *const *pv = u->c.prefix ? one : defaults;
	const char *s;
	size_t i, pl;
	uint64_t v;

	for (i = 0; pv[i]; i++) {
		pl = strlen(pv[i]);
		if (strncmp(name, pv[i], pl) != 0 || name[pl] != '.')
			continue;
		s = name + pl + 1;
		if (*s == '\0' || strlen(s) > 19)
			continue;
		for (v = 0; *s >= '0' && *s <= '9'; s++)
			v = v * 10 + (uint64_t)(*s - '0');
		if (*s == '\0') {
			*ts = v;
			return 0;
		}
	}
	return -1;
}

/*
 * The first spool file after `after` (or the first at all when after is
 * NULL). 1 found, 0 none, -1 error in e.
 */
static int
spool_next(struct u2_in *u, const char *dir, const struct u2_file *after,
    struct u2_file *out, struct err *e)
{
	DIR *dp = opendir(dir);
	struct dirent *de;
	struct u2_file f;
	int found = 0;

	if (dp == NULL)
		return err_set(e, "%s: %s", dir, strerror(errno));
	while ((de = readdir(dp)) != NULL) {
		if (strlen(de->d_name) >= sizeof(f.name) ||
		    name_match(u, de->d_name, &f.ts) < 0)
			continue;
		strlcpy_r(f.name, de->d_name, sizeof(f.name));
		if (after && file_cmp(&f, after) <= 0)
			continue;
		if (!found || file_cmp(&f, out) < 0)
			*out = f;
		found = 1;
	}
	closedir(dp);
	return found;
}

/* Archives or deletes every spool file before `upto` (committed). */
static void
finish_before(struct u2_in *u, const char *dir, const struct u2_file *upto)
{
	struct u2_file f;
	struct err e = { 0 };
	char from[PATH_MAX], to[PATH_MAX];

	if (u->c.finished == FIN_KEEP || !u->is_dir)
		return;
	while (spool_next(u, dir, NULL, &f, &e) == 1 &&
	    file_cmp(&f, upto) < 0) {
		snprintf(from, sizeof(from), "%s/%s", dir, f.name);
		if (u->c.finished == FIN_DELETE) {
			if (unlink(from) < 0) {
				err_set(&u->note, "finished "
				    "file %s: unlink: %s", from,
				    strerror(errno));
				return;
			}
		} else {
			snprintf(to, sizeof(to), "%s/%s", u->c.archive_dir,
			    f.name);
			if (rename(from, to) < 0) {
				err_set(&u->note, "finished "
				    "file %s: archive to %s: %s", from,
				    u->c.archive_dir, strerror(errno));
				return;
			}
		}
	}
}

/* ------------------------------------------------------------ open */

static int
open_file(struct input *in, const struct u2_file *f, uint64_t off,
    struct err *e)
{
	struct u2_in *u = in->priv;
	struct stat sb;

	if (u->fd >= 0)
		close(u->fd);
	u->fd = -1;
	if (u->is_dir)
		snprintf(u->curpath, sizeof(u->curpath), "%s/%s", in->path,
		    f->name);
	else
		strlcpy_r(u->curpath, in->path, sizeof(u->curpath));
	u->fd = open(u->curpath, O_RDONLY | O_CLOEXEC);
	if (u->fd < 0)
		return err_set(e, "%s: %s", u->curpath, strerror(errno));
	if (fstat(u->fd, &sb) == 0 && (uint64_t)sb.st_size < off)
		off = 0;	/* replaced by a shorter file: start over */
	if (off && lseek(u->fd, (off_t)off, SEEK_SET) < 0) {
		err_set(e, "%s: seek: %s", u->curpath, strerror(errno));
		close(u->fd);
		u->fd = -1;
		return -1;
	}
	u->cur = *f;
	u->pos = off;
	u->start = u->end = 0;
	u->abandoned = u->truncated = 0;
	u->resync = 0;
	u->eof_since = 0;
	u->newer_cached = 0;
	u->last_scan = 0;
	u2_reader_reset(&u->rd);
	return 0;
}

/* "NAME:OFFSET" -> parts; -1 if malformed. */
static int
bookmark_parse(const char *s, struct u2_file *f, uint64_t *off)
{
	const char *c = strrchr(s, ':');
	char *end;
	unsigned long long v;

	if (c == NULL || c == s || (size_t)(c - s) >= sizeof(f->name))
		return -1;
	errno = 0;
	v = strtoull(c + 1, &end, 10);
	if (errno || *end || end == c + 1)
		return -1;
	memcpy(f->name, s, (size_t)(c - s));
	f->name[c - s] = '\0';
	*off = v;
	return 0;
}

static int
u2_open(struct input *in, struct err *e)
{
	struct u2_in *u = in->priv;
	struct stat sb;
	struct u2_file bm = { "", 0 }, f;
	uint64_t off = 0;
	int have_bm = 0, rc;
	const char *base;

	if (!u->configured) {
		struct diag d;

		diag_init(&d);
		u2_configure(in, NULL, &d);
		diag_clear(&d);
	}
	if (in->path == NULL)
		return err_set(e, "unified2: no path");
	if (stat(in->path, &sb) < 0)
		return err_set(e, "%s: %s", in->path, strerror(errno));
	u->is_dir = S_ISDIR(sb.st_mode);
	if (u->buf == NULL) {
		u->cap = U2_BUFSZ;
		u->buf = xmalloc(u->cap);
	}
	u2_reader_free(&u->rd);
	u2_reader_init(&u->rd, u->map);
	if (u->fd >= 0)
		close(u->fd);
	u->fd = -1;
	memset(&u->cur, 0, sizeof(u->cur));
	u->bm_ok = u->prev_ok = 0;
	u->done = 0;
	err_clear(&u->note);
	if (in->bookmark[0] && bookmark_parse(in->bookmark, &bm, &off) == 0)
		have_bm = 1;
	if (!u->is_dir) {
		base = strrchr(in->path, '/');
		base = base ? base + 1 : in->path;
		strlcpy_r(f.name, base, sizeof(f.name));
		f.ts = 0;
		if (!have_bm || strcmp(bm.name, f.name) != 0)
			off = 0;
		return open_file(in, &f, off, e);
	}
	if (have_bm && name_match(u, bm.name, &bm.ts) == 0) {
		u->prev = bm;
		u->prev_ok = 1;
		finish_before(u, in->path, &bm);
		snprintf(u->curpath, sizeof(u->curpath), "%s/%s", in->path,
		    bm.name);
		if (access(u->curpath, R_OK) == 0)
			return open_file(in, &bm, off, e);
		u->cur = bm;	/* gone (archived): take what follows it */
		rc = spool_next(u, in->path, &bm, &f, e);
	} else
		rc = spool_next(u, in->path, NULL, &f, e);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return 0;	/* empty spool: wait for Snort */
	return open_file(in, &f, 0, e);
}

/* ------------------------------------------------------------ reading */

/* Is there a spool file after the current one? Scans at most per poll. */
static int
newer_exists(struct input *in)
{
	struct u2_in *u = in->priv;
	struct u2_file f;
	struct err e = { 0 };
	int64_t now;

	if (!u->is_dir)
		return 0;
	if (u->newer_cached)
		return 1;
	now = monotime_ms();
	if (in->follow && u->last_scan && now - u->last_scan < u->c.poll_ms)
		return 0;
	u->last_scan = now;
	u->newer_cached = spool_next(u, in->path, u->fd >= 0 ? &u->cur :
	    NULL, &f, &e) == 1;
	return u->newer_cached;
}

/* Moves to the next spool file. 1 switched, 0 none, -1 error. */
static int
switch_file(struct input *in, struct err *e)
{
	struct u2_in *u = in->priv;
	struct u2_file f;
	int rc;

	if (!u->is_dir)
		return 0;
	rc = spool_next(u, in->path, u->fd >= 0 || u->cur.name[0] ? &u->cur :
	    NULL, &f, e);
	if (rc <= 0)
		return rc;
	return open_file(in, &f, 0, e) < 0 ? -1 : 1;
}

/* Reads more bytes into the buffer: >0 read, 0 EOF, -1 error. */
static ssize_t
fill(struct u2_in *u, size_t need, struct err *e)
{
	ssize_t n;

	if (u->start == u->end && u->cap > U2_BUFSZ && need <= U2_BUFSZ) {
		/* one huge record grew the buffer: give the memory back */
		free(u->buf);
		u->cap = U2_BUFSZ;
		u->buf = xmalloc(u->cap);
		u->start = u->end = 0;
	}
	if (u->start > 0 && (u->end == u->cap || u->start == u->end ||
	    u->cap - u->start < need)) {
		memmove(u->buf, u->buf + u->start, u->end - u->start);
		u->end -= u->start;
		u->start = 0;
	}
	if (need > u->cap) {
		u->cap = need;
		u->buf = xreallocarray(u->buf, u->cap, 1);
	}
	do
		n = read(u->fd, u->buf + u->end, u->cap - u->end);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return err_set(e, "%s: read: %s", u->curpath, strerror(errno));
	u->end += (size_t)n;
	return n;
}

static int
emit(struct input *in, struct alert *al, uint64_t after)
{
	struct u2_in *u = in->priv;

	if (!u2_reader_take(&u->rd, al))
		return 0;
	strlcpy_r(al->file, u->curpath, sizeof(al->file));
	u->bm = u->cur;
	u->bm_off = after;
	u->bm_ok = 1;
	u->eof_since = 0;
	in->stats.alerts++;
	return 1;
}

/* At the end of the data: 1 alert, 0 nothing now, -1 reported, 2 retry. */
static int
at_eof(struct input *in, struct alert *al, struct err *e)
{
	struct u2_in *u = in->priv;
	size_t part = u->end - u->start;
	int newer = in->follow ? newer_exists(in) : 0, rc;

	if (u->rd.have) {
		int64_t now = monotime_ms();

		if (!in->follow || newer || u->abandoned) {
			if (emit(in, al, u->pos))
				return 1;
		}
		if (u->eof_since == 0)
			u->eof_since = now;
		if (now - u->eof_since >= u->c.poll_ms && emit(in, al, u->pos))
			return 1;
		return 0;
	}
	if (part && !u->truncated && (!in->follow || newer ||
	    u->abandoned)) {
		u->truncated = 1;
		in->stats.bad++;
		return err_set(e, "truncated record at %s offset %llu (%zu "
		    "bytes of a record left at the end of the file)",
		    u->curpath, (unsigned long long)u->pos, part);
	}
	if (!in->follow) {
		if (u->is_dir && u->fd >= 0) {
			rc = switch_file(in, e);
			if (rc < 0)
				return -2;
			if (rc == 1)
				return 2;
		}
		in->once_eof = 1;
		u->done = 1;
		return 0;
	}
	if (newer) {
		rc = switch_file(in, e);
		if (rc < 0)
			return -2;
		if (rc == 1)
			return 2;
	}
	return 0;
}

/*
 * A step of the resync after a corrupt record: -1 with e when it ended
 * (the next plausible record found, or none before the end of the
 * file), 0 when the file has no more bytes now, 2 to go on.
 */
static int
resync_step(struct input *in, struct err *e)
{
	struct u2_in *u = in->priv;
	size_t at;
	ssize_t n;
	int rc;

	rc = u2_resync(u->buf + u->start, u->end - u->start, u->resync_from,
	    u->resync_eof, &at);
	u->start += at;
	u->pos += at;
	in->stats.bytes += at;
	if (rc != 0) {
		u->resync = 0;
		if (rc > 0)
			return err_set(e, "corrupt at %s offset %llu: %s; "
			    "skipped %llu bytes to the next record at offset "
			    "%llu", u->curpath,
			    (unsigned long long)u->resync_off, u->resync_why,
			    (unsigned long long)(u->pos - u->resync_off),
			    (unsigned long long)u->pos);
		u->truncated = 1;	/* said here */
		return err_set(e, "corrupt at %s offset %llu: %s; skipped "
		    "%llu bytes, no record after it", u->curpath,
		    (unsigned long long)u->resync_off, u->resync_why,
		    (unsigned long long)(u->pos - u->resync_off));
	}
	u->resync_from = 0;	/* the candidate at buf[start], again */
	n = fill(u, u->end - u->start + 65536, e);
	if (n < 0)
		return -2;
	if (n > 0)
		return 2;
	if (!in->follow || newer_exists(in)) {
		u->resync_eof = 1;
		return 2;
	}
	return 0;
}

static int
u2_next(struct input *in, struct alert *al, struct err *e)
{
	struct u2_in *u = in->priv;
	struct u2_step st;
	enum u2_step_rc rc;
	ssize_t n;
	int r;

	if (u->note.set) {
		err_set(e, "%s", u->note.msg);
		err_clear(&u->note);
		return -1;
	}
	if (u->done)
		return 0;
	if (u->fd < 0) {
		/* empty spool at open: look for the first file */
		if (!u->is_dir)
			return 0;
		r = switch_file(in, e);
		if (r <= 0)
			return r < 0 ? -2 : 0;
	}
	for (;;) {
		if (u->abandoned) {
			r = at_eof(in, al, e);
			if (r == 2)
				continue;
			return r;
		}
		if (u->resync) {
			r = resync_step(in, e);
			if (r == 2)
				continue;
			if (r == 0 && u->rd.have && emit(in, al, u->pos))
				return 1;
			return r;
		}
		rc = u2_reader_step(&u->rd, u->buf + u->start,
		    u->end - u->start, u->pos, &st);
		switch (rc) {
		case U2_OK:
			u->start += U2_HDR_LEN + st.len;
			u->pos += U2_HDR_LEN + st.len;
			in->stats.events++;
			in->stats.bytes += U2_HDR_LEN + st.len;
			continue;
		case U2_EMIT:
			return emit(in, al, u->pos);
		case U2_CORRUPT:
			in->stats.bad++;
			if (u->c.on_corrupt == ON_CORRUPT_SKIP) {
				/* scan on to the next plausible record */
				u->resync = 1;
				u->resync_eof = 0;
				u->resync_from = 1;
				u->resync_off = u->pos;
				strlcpy_r(u->resync_why, st.why,
				    sizeof(u->resync_why));
				continue;
			}
			err_set(e, "corrupt at %s offset %llu: %s; abandoning "
			    "the file", u->curpath,
			    (unsigned long long)u->pos, st.why);
			u->abandoned = 1;
			u->truncated = 1;	/* nothing more to say */
			return -1;
		case U2_NEED:
			break;
		}
		n = fill(u, U2_HDR_LEN + (size_t)st.len, e);
		if (n < 0)
			return -2;
		if (n > 0)
			continue;
		r = at_eof(in, al, e);
		if (r == 2)
			continue;
		return r;
	}
}

/* ------------------------------------------------------------ the rest */

static int
u2_fd(struct input *in)
{
	(void)in;
	return -1;
}

static void
u2_bookmark(struct input *in)
{
	struct u2_in *u = in->priv;

	if (!u->bm_ok)
		return;
	snprintf(in->bookmark, sizeof(in->bookmark), "%s:%llu", u->bm.name,
	    (unsigned long long)u->bm_off);
	/* The bookmark given last time is committed now: files before it
	 * are finished. */
	if (u->prev_ok && u->is_dir)
		finish_before(u, in->path, &u->prev);
	u->prev = u->bm;
	u->prev_ok = 1;
}

static void
u2_stat(struct input *in)
{
	struct u2_in *u = in->priv;
	struct stat sb;

	in->stats.lag_bytes = 0;
	if (u->fd >= 0 && fstat(u->fd, &sb) == 0 &&
	    (uint64_t)sb.st_size > u->pos)
		in->stats.lag_bytes = (uint64_t)sb.st_size - u->pos;
}

static void
u2_close(struct input *in)
{
	struct u2_in *u = in->priv;

	if (u->fd >= 0)
		close(u->fd);
	u->fd = -1;
	u2_reader_reset(&u->rd);
}

const struct input_ops input_unified2 = {
	.name = "unified2",
	.priv_size = sizeof(struct u2_in),
	.configure = u2_configure,
	.open = u2_open,
	.fd = u2_fd,
	.next = u2_next,
	.bookmark = u2_bookmark,
	.stat = u2_stat,
	.close = u2_close,
	.release = u2_release,
};
