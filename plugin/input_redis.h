/* SPDX-License-Identifier: MIT */
/*
 * What the Redis input's files share (input_redis.c: configuration, the
 * connection, channel mode; input_redis_list.c: list mode;
 * input_redis_stream.c: stream mode).
 * Not for other modules: they see input_redis in input.h.
 */
#ifndef REDRESS_INPUT_REDIS_H
#define REDRESS_INPUT_REDIS_H

#include <stddef.h>
#include <stdint.h>

#include <hiredis/hiredis.h>

#include "input.h"

#define RDS_ID_MAX	48	/* a stream ID: two 20-digit numbers and '-' */

enum redis_mode { RM_LIST, RM_RPUSH, RM_CHANNEL, RM_STREAM };

struct redis_conf {
	char		*type;
	char		*server;	/* "/path/to/redis.sock" or host:port */
	char		*key;
	int		 mode;		/* index into redis_modes */
	char		*group;		/* stream: consumer group */
	char		*consumer;	/* stream consumer, processing list */
	char		*processing;	/* list: the processing list's key */
	int64_t		 timeout_ms;
	int64_t		 claim_idle_ms;	/* stream: a consumer this idle is dead */
	long long	 fetch;		/* entries per round trip */
	uint64_t	 max_line;
	int		 format;	/* 0 EVE, 1 Snort 3 alert_json (UTC) */
};

/* One entry fetched: its value (EVE JSON) and, for streams, its ID. */
struct redis_item {
	const char	*p;		/* NULL: no "eve" field / deleted */
	size_t		 len;
	char		 id[RDS_ID_MAX];
};

/*
 * A batch of entries: how many, and its first and last entry (stream: the
 * IDs; list: the SHA-1 of the values), plus every ID of a stream batch.
 */
struct redis_batch {
	size_t		 n;
	char		 first[RDS_ID_MAX], last[RDS_ID_MAX];
	char		(*ids)[RDS_ID_MAX];	/* stream */
	size_t		 cap;
};

struct redis_priv {
	struct redis_conf	 c;
	enum redis_mode		 kind;
	struct alert_scratch	 sc;
	redisContext		*rc;
	int64_t			 retry_at, backoff_ms;
	int			 warned;	/* "down" logged once */
	int64_t			 hold_until, hold_ms;	/* after an error reply */
	int			 held;		/* an error reply logged */
	/* Fetched, served one by one; held by reply. */
	redisReply		*reply;
	redisReply		**rv;		/* list: one reply an entry */
	size_t			 nrv, rvcap;
	struct redis_item	*items;
	size_t			 nitems, pos, icap;
	redisReply		*msg;		/* channel: the message served */
	/* Read since the last bookmark(). */
	struct redis_batch	 txn;
	size_t			 txn_alerts;
	/* Bookmarked, acknowledged at committed() (or after a reconnect). */
	struct redis_batch	 ack;
	int			 ack_todo;
	/* Stream: reading our own pending entries (after a crash, claim). */
	int			 pel;
	char			 pel_from[RDS_ID_MAX];
	int64_t			 next_claim;
	uint64_t		 seq;		/* entries read: their "line" */
	char			 label[ALERT_PATH_MAX];	/* redis://server/key */
};

/* A command by argv; NULL with e set (connection error or error reply). */
redisReply	*redis_cmd(struct redis_priv *, struct err *, int argc,
		    const char **argv);
/* Drops the connection (the next next() reconnects after a back-off). */
void		 redis_drop(struct input *, const char *why);
/*
 * A command failed: an error reply (NOPERM, WRONGTYPE ...) keeps the
 * connection and pauses reading for a back-off; a lost connection drops.
 */
void		 redis_fail(struct input *, const char *why);

void		 redis_batch_reset(struct redis_batch *);
/* Adds an entry to a batch (hash of its value, or its ID). */
void		 redis_batch_add(struct redis_batch *, int stream,
		    const struct redis_item *);
void		 redis_batch_free(struct redis_batch *);
/* The SHA-1 of a value in hex (what Lua's redis.sha1hex gives). */
void		 redis_sha1_hex(const char *, size_t, char out[41]);
/* Frees the entries fetched (their replies). */
void		 redis_items_clear(struct redis_priv *);

/* List mode (input_redis_list.c); ack: 1 trimmed, 0 not there, -1. */
int		 redis_list_setup(struct input *, struct err *);
int		 redis_list_fetch(struct input *, struct err *);
int		 redis_list_ack(struct input *, const struct redis_batch *,
		    struct err *);

/* Stream mode (input_redis_stream.c). */
int		 redis_stream_setup(struct input *, struct err *);
int		 redis_stream_fetch(struct input *, struct err *);
int		 redis_stream_ack(struct input *, const struct redis_batch *,
		    struct err *);
void		 redis_stream_stat(struct input *);

#endif
