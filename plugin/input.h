/* SPDX-License-Identifier: MIT */
/*
 * One interface for every alert source (unified2 spool, EVE file, EVE unix
 * socket, Snort 3 alert_json file). The run loop polls input_fd(), calls
 * next() until it returns 0, and saves the bookmark text in the same store
 * transaction as the decisions those alerts caused, so a restart resumes
 * exactly after the last committed alert.
 */
#ifndef REDRESS_INPUT_H
#define REDRESS_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "alert.h"
#include "conf.h"
#include "err.h"

#define INPUT_BOOKMARK_MAX	1024

struct input_stats {
	uint64_t	events;		/* records or lines read */
	uint64_t	alerts;		/* alerts produced */
	uint64_t	bad;		/* invalid records or lines skipped */
	uint64_t	too_long;	/* lines over max_line skipped */
	uint64_t	bytes;		/* bytes consumed */
	uint64_t	lag_bytes;	/* bytes not yet read behind the end */
	uint64_t	lag_records;	/* queued at the source, not yet read */
	uint64_t	unacked;	/* read, not yet acknowledged at the
					 * source (committed or not) */
};

struct input;

/* One record read but not yet parsed (input_ops.record). */
struct input_record {
	const char	*p;		/* its bytes, valid until the next read */
	size_t		 len;
	const char	*file;		/* where it is: file name, */
	uint64_t	 offset;	/* byte offset, */
	uint64_t	 line;		/* line number (0 for none) */
};

struct input_ops {
	const char	*name;		/* value of "type:" in YAML */
	size_t		 priv_size;	/* core callocs in->priv */
	/* Validates its YAML mapping, no side effects. Returns errors added. */
	size_t	(*configure)(struct input *, const struct conf_node *,
		    struct diag *);
	/*
	 * Opens, resuming from in->bookmark when it is not empty. When
	 * in->follow is 0 (replay) the input reads to the end once.
	 */
	int	(*open)(struct input *, struct err *);
	/* A descriptor to poll for readability, or -1 to poll on a timer. */
	int	(*fd)(struct input *);
	/*
	 * 1: *al holds an alert. 0: nothing more now (end of data, or not an
	 * alert event and nothing else buffered). -1: one bad record skipped,
	 * e says where (file:line or record offset); call again. -2: the
	 * input failed (e says why); the core closes it and retries later.
	 */
	int	(*next)(struct input *, struct alert *al, struct err *);
	/*
	 * Optional, next() in two halves so that parsing can run on other
	 * threads (replay): record() reads the next record without parsing
	 * it (returns as next(), -1 for a record skipped unread, such as an
	 * over-long line); parse() does the rest of next() for one record.
	 * parse() may run on any thread, at the same time as record() and
	 * other parse()s: it reads nothing of in but its configuration,
	 * counts nothing in in->stats (the caller adds one event per record
	 * parsed, one bad per -1, one alert per 1) and decodes into sc.
	 * 1: *al holds an alert; 0: not an alert; -1: bad, e says where.
	 */
	int	(*record)(struct input *, struct input_record *, struct err *);
	int	(*parse)(const struct input *, const struct input_record *,
		    struct alert *al, struct alert_scratch *sc, struct err *);
	/* Writes the position after the last record returned into in->bookmark. */
	void	(*bookmark)(struct input *);
	/*
	 * Optional: the store commit that holds the bookmark() written last
	 * (and the effects of every record before it) is durable. An input
	 * whose source keeps records until told (Redis) acknowledges them
	 * now; a crash before that redelivers them, and the committed
	 * bookmark tells open() which ones to drop unread.
	 */
	void	(*committed)(struct input *);
	/* Fills stats lag etc.; may be NULL. */
	void	(*stat)(struct input *);
	void	(*close)(struct input *);
	void	(*release)(struct input *);	/* frees what configure kept */
};

struct input {
	const struct input_ops	*ops;
	char			 id[128];	/* "eve:/var/log/eve.json", the bookmark key */
	const struct conf_node	*conf;		/* its YAML mapping, may be NULL */
	char			*path;		/* file, spool dir or socket path */
	int			 follow;	/* 1: daemon, 0: replay once */
	int			 once_eof;	/* set when a replay reached the end */
	int			 poll_too;	/* fd() only wakes early: read on
						 * every pass as well */
	size_t			 max_line;	/* longest accepted line (bytes) */
	void			*priv;
	char			 bookmark[INPUT_BOOKMARK_MAX];
	struct input_stats	 stats;
};

extern const struct input_ops input_unified2;
extern const struct input_ops input_eve_file;
extern const struct input_ops input_eve_socket;
extern const struct input_ops input_snort_json;
extern const struct input_ops input_redis;

/* Registry lookup by name ("unified2", "eve", "eve_socket", "snort_json"). */
const struct input_ops	*input_lookup(const char *name);
/*
 * Detects the format of a file from its first bytes: returns the ops of
 * unified2, eve_file or snort_json, or NULL with e set.
 */
const struct input_ops	*input_detect(const char *path, struct err *e);

struct input	*input_new(const struct input_ops *, const char *path,
		    int follow);
/*
 * What one parse() result counts (input_ops.parse): an event, and a bad
 * record for -1 or an alert for 1.
 */
void		 input_count(struct input_stats *, int parse_rc);
/* Fills the alert's input fields (input, file, offset, line, raw) from r. */
void		 input_record_place(struct alert *, enum alert_input,
		    const struct input_record *r);
void		 input_free(struct input *);

#endif
