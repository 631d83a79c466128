/* SPDX-License-Identifier: MIT */
/*
 * The reviewed outbox: a Maildir (tmp/ new/ cur/) of report drafts that
 * mutt or any mail reader can open; each file is one complete message.
 * Review and delivery state lives in the store (store_report.h), not in
 * the file names.
 */
#ifndef REDRESS_OUTBOX_H
#define REDRESS_OUTBOX_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

/* Creates dir and its tmp/ new/ cur/ (mode 0700) when missing. */
int	outbox_init(const char *dir, struct err *);
/*
 * Writes msg to tmp/, fsyncs it, and moves it into new/ under a unique
 * Maildir name. The final path is copied to path (size len).
 */
int	outbox_write(const char *dir, const char *msg, size_t msglen,
	    char *path, size_t len, struct err *);
/*
 * Lets group gid (reviewers) read the outbox: dirs 2750 with that group,
 * so that the files written there, 0640, are theirs to read. Reviewers
 * change a report with `redress queue`, not by renaming its file.
 */
int	outbox_init_group(const char *dir, gid_t gid, struct err *);
/* The name of report <id>'s file: OUTBOX_PREFIX "<id>:2,<flags>". */
#define OUTBOX_PREFIX	"redress-"
/*
 * Writes report id's draft as cur/redress-<id>:2,D (through tmp/, fsynced,
 * replacing one left by a crash); the path is copied to path.
 */
int	outbox_draft(const char *dir, int64_t id, const char *msg,
	    size_t msglen, char *path, size_t len, struct err *);
/*
 * Gives a draft the Maildir flags `flags` ("S" sent, "T" rejected, "D"
 * draft, "F" failed) by renaming it in cur/; the new path goes to out.
 * A file under another name is left alone (out = path).
 */
int	outbox_flag(const char *path, const char *flags, char *out,
	    size_t len, struct err *);
/* Replaces the message at path atomically (same name). */
int	outbox_replace(const char *path, const char *msg, size_t msglen,
	    struct err *);
/* Reads a whole message (at most 64 MiB); caller frees *out. */
int	outbox_read(const char *path, char **out, size_t *outlen,
	    struct err *);

#endif
