/* SPDX-License-Identifier: MIT */
/*
 * A line reader that follows a growing file like `tail -F`: it survives
 * rotation by rename (the old descriptor is read to its end, then the new
 * file at the path is opened) and by copytruncate (the file shrinks below
 * the read offset, or its first line changes: what was not yet read when
 * it was copied is read from the copy at path.1, recognised by content,
 * then the file from 0; without a copy the loss is reported). Its position
 * is a text bookmark "inode:offset:line:hash", hash being FNV-1a 64 of the
 * first line (up to 256 bytes), so that a file replaced while redress was
 * down is recognised and the old one, found renamed next to it, finished
 * first. Memory is bounded: lines over max_line are skipped unbuffered.
 */
#ifndef REDRESS_LINEFILE_H
#define REDRESS_LINEFILE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define LINEFILE_CHUNK		(256 * 1024)
#define LINEFILE_READ		(64 * 1024)	/* bytes per read(2) */
#define LINEFILE_HASH_BYTES	256
#define LINEFILE_GRACE_MS	1000	/* wait on the old file after rename */
#define LINEFILE_TAIL		64	/* bytes that recognise a copy */

struct linefile;

struct linefile_line {
	const char	*p;		/* not NUL-terminated, no newline */
	size_t		 len;
	uint64_t	 offset;	/* byte offset of the line in its file */
	uint64_t	 lineno;	/* 1-based line number in its file */
	const char	*file;		/* path it was read from */
};

struct linefile_stats {
	uint64_t	lines;		/* lines returned */
	uint64_t	too_long;	/* lines skipped over max_line */
	uint64_t	bytes;		/* bytes consumed */
	uint64_t	rotations;	/* renames and truncations followed */
	uint64_t	lost_bytes;	/* truncated away before read, no copy */
};

/*
 * Opens path and resumes after `bookmark` (NULL or "" for the start).
 * follow 0: read to the end once, a last line without newline is returned;
 * follow 1: wait for more, follow rotation. Returns NULL with e set.
 */
struct linefile	*linefile_open(const char *path, const char *bookmark,
		    int follow, size_t max_line, struct err *e);
/*
 * 1: *l holds the next line (valid until the next call). 0: nothing more
 * now. -1: a line over max_line was skipped, e says "file:line: ...".
 * -2: a read error (e says why). -3: the file was truncated before it
 * was read to its end and no copy holds the rest: e says how much was
 * lost; reading goes on from its start.
 */
int		 linefile_next(struct linefile *, struct linefile_line *l,
		    struct err *e);
/* Writes "inode:offset:line:hash" of the position after the last line. */
void		 linefile_bookmark(const struct linefile *, char *buf,
		    size_t len);
/* Bytes in the file not yet read (0 when unknown). */
uint64_t	 linefile_lag(const struct linefile *);
const struct linefile_stats *linefile_stats(const struct linefile *);
void		 linefile_close(struct linefile *);
/*
 * Following: a descriptor (inotify on the file's directory) that becomes
 * readable when the file may have new lines, or -1; linefile_woken()
 * drains it and says whether the followed file was touched.
 */
int		 linefile_watch_fd(struct linefile *);
int		 linefile_woken(struct linefile *);

/* FNV-1a 64 of the first line of s (up to LINEFILE_HASH_BYTES bytes). */
uint64_t	 linefile_hash(const char *s, size_t len);
/* Parses a bookmark; 0 ok, -1 malformed. */
int		 linefile_bookmark_parse(const char *, uint64_t *ino,
		    uint64_t *off, uint64_t *line, uint64_t *hash);

#endif
