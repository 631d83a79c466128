/* SPDX-License-Identifier: MIT */
/*
 * Bounded per-key state (tracker.c): a hash table of fixed-size entries
 * under a byte cap. At the cap a new key evicts the entry with the fewest
 * hits among a random sample (sampled LFU), so a spoofed flood of
 * one-off sources recycles its own entries while heavy hitters keep their
 * exact state. Evictions are counted and reported to a callback.
 */
#ifndef REDRESS_TRACKER_H
#define REDRESS_TRACKER_H

#include <stddef.h>
#include <stdint.h>

#define TRACKER_KEY_MAX		40
#define TRACKER_DEFAULT_CAP	(256ULL << 20)

struct tracker;

struct tracker_stats {
	uint64_t	entries;
	uint64_t	max_entries;
	uint64_t	evictions;
	uint64_t	bytes;		/* allocated now */
	uint64_t	entry_bytes;	/* per key, table share included */
};

typedef void (*tracker_evict_cb)(void *arg, const void *key, size_t keylen,
    void *value);
/* Returns nonzero to stop. */
typedef int (*tracker_each_cb)(void *arg, const void *key, size_t keylen,
    void *value);

struct tracker	*tracker_new(size_t value_size, uint64_t cap_bytes,
		    tracker_evict_cb, void *arg);
void		 tracker_free(struct tracker *);
/*
 * The value of key, inserted (zeroed, *fresh = 1) when absent, evicting
 * at the cap. Counts a hit. The pointer is valid until the next
 * tracker_get or tracker_del on the same tracker.
 */
void		*tracker_get(struct tracker *, const void *key, size_t keylen,
		    int *fresh);
void		*tracker_find(const struct tracker *, const void *key,
		    size_t keylen);
/*
 * Says that key will be looked up soon, so that the lookup does not wait
 * for memory: stage 0 fetches its bucket; stage 1, some work later, reads
 * the bucket and fetches the entry it points to (and nbytes of its value).
 */
void		 tracker_prefetch(const struct tracker *, const void *key,
		    size_t keylen, int stage, size_t nbytes);
uint64_t	 tracker_hits(const struct tracker *, const void *key,
		    size_t keylen);
void		 tracker_del(struct tracker *, const void *key, size_t keylen);
/* Hits of the entry whose value is v (a pointer from this tracker). */
uint64_t	 tracker_value_hits(const struct tracker *, const void *v);
int		 tracker_each(struct tracker *, tracker_each_cb, void *arg);
void		 tracker_stats(const struct tracker *, struct tracker_stats *);

#endif
