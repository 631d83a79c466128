/* SPDX-License-Identifier: MIT */
/*
 * A reply Maildir (reply_maildir.c): the messages not yet handled, and
 * the move of each to cur/ with the flag its handler chose.
 */
#ifndef REDRESS_REPLY_MAILDIR_H
#define REDRESS_REPLY_MAILDIR_H

#include <stddef.h>

#include "err.h"

/*
 * Called per message with its path and Maildir name and its bytes (an
 * empty buffer and toobig=1 when it has more than max_bytes; len is then
 * its size). Returns 'S' (handled), 'F' (left for a person), 0 (leave
 * it where it is, try again later) or -1 (stop the scan: store error).
 */
typedef int (*maildir_cb)(void *arg, const char *path, const char *name,
	    const char *buf, size_t len, int toobig);

/*
 * new/ then cur/ of dir, at most max_msgs messages. Returns the number
 * of messages moved, or -1 with e.
 */
int	reply_maildir_scan(const char *dir, size_t max_bytes, size_t max_msgs,
	    maildir_cb, void *arg, struct err *e);

#endif
