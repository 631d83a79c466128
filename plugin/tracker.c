/* SPDX-License-Identifier: MIT */
/*
 * Bounded per-key state: open hashing with chained entries in one array
 * under a byte cap, sampled-LFU eviction protecting heavy hitters. The
 * hit counts sit in their own dense array: at the cap every insertion
 * samples SAMPLE of them, which must not cost SAMPLE cache misses into
 * the entries.
 */
#include <stdlib.h>
#include <string.h>

#include "tracker.h"
#include "xmalloc.h"

#define NIL		UINT32_MAX
#define SAMPLE		8

struct tent {
	uint64_t	hash;
	uint32_t	next;		/* chain, or free list */
	uint8_t		keylen;
	uint8_t		key[TRACKER_KEY_MAX];
	/* value follows, at TENT_HDR */
};

/* Bytes of an entry before its value. */
#define TENT_HDR	((sizeof(struct tent) + 7) & ~(size_t)7)

struct tracker {
	unsigned char	*ents;
	size_t		 esize;		/* entry + value */
	size_t		 vsize;
	uint32_t	 nalloc;	/* entries allocated */
	uint32_t	 nused;		/* slots ever used (high mark) */
	uint32_t	 live;
	uint32_t	 max;		/* entries under the cap */
	uint32_t	 freelist;
	uint32_t	*hits;		/* per entry; 0 = slot free */
	uint32_t	*buckets;
	uint32_t	 nbuckets;	/* power of two */
	uint64_t	 evictions;
	uint64_t	 rng;
	uint64_t	 cap;
	tracker_evict_cb cb;
	void		*arg;
};

/* Keys are 17 to 40 bytes: mixed eight bytes at a time. */
static uint64_t
hash_key(const void *k, size_t n)
{
	const unsigned char *p = k;
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w;

	for (; n >= 8; n -= 8, p += 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
		h ^= h >> 31;
	}
	if (n) {
		w = 0;
		memcpy(&w, p, n);
		h = (h ^ w) * 0xbf58476d1ce4e5b9ULL;
	}
	h ^= h >> 29;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 32;
	return h;
}

static struct tent *
ent(const struct tracker *t, uint32_t i)
{
	return (struct tent *)(t->ents + (size_t)i * t->esize);
}

static void *
val(struct tent *e)
{
	return (unsigned char *)e + TENT_HDR;
}

struct tracker *
tracker_new(size_t value_size, uint64_t cap, tracker_evict_cb cb, void *arg)
{
	struct tracker *t = xcalloc(1, sizeof(*t));
	uint64_t per;

	t->vsize = value_size;
	t->esize = TENT_HDR + ((value_size + 7) & ~(size_t)7);
	if (cap == 0)
		cap = TRACKER_DEFAULT_CAP;
	t->cap = cap;
	/* An entry costs its bytes, its hit count and two bucket slots
	 * at most. */
	per = t->esize + 3 * sizeof(uint32_t);
	t->max = cap / per > UINT32_MAX - 1 ? UINT32_MAX - 1 :
	    (uint32_t)(cap / per);
	if (t->max < 16)
		t->max = 16;
	t->freelist = NIL;
	t->rng = 0x9e3779b97f4a7c15ULL;
	t->cb = cb;
	t->arg = arg;
	return t;
}

void
tracker_free(struct tracker *t)
{
	if (t == NULL)
		return;
	free(t->ents);
	free(t->hits);
	free(t->buckets);
	free(t);
}

static void
rehash(struct tracker *t, uint32_t nb)
{
	uint32_t i, b;
	struct tent *e;

	free(t->buckets);
	t->buckets = xreallocarray(NULL, nb, sizeof(uint32_t));
	memset(t->buckets, 0xff, (size_t)nb * sizeof(uint32_t));
	t->nbuckets = nb;
	for (i = 0; i < t->nused; i++) {
		if (t->hits[i] == 0)
			continue;
		e = ent(t, i);
		b = (uint32_t)(e->hash & (nb - 1));
		e->next = t->buckets[b];
		t->buckets[b] = i;
	}
}

static uint32_t
lookup(const struct tracker *t, const void *key, size_t keylen, uint64_t h,
    uint32_t *prev)
{
	uint32_t i, p = NIL;
	struct tent *e;

	if (t->nbuckets == 0)
		return NIL;
	for (i = t->buckets[h & (t->nbuckets - 1)]; i != NIL; i = e->next) {
		e = ent(t, i);
		if (e->hash == h && e->keylen == keylen &&
		    memcmp(e->key, key, keylen) == 0) {
			if (prev)
				*prev = p;
			return i;
		}
		p = i;
	}
	return NIL;
}

void *
tracker_find(const struct tracker *t, const void *key, size_t keylen)
{
	uint32_t i;

	if (keylen > TRACKER_KEY_MAX)
		return NULL;
	i = lookup(t, key, keylen, hash_key(key, keylen), NULL);
	return i == NIL ? NULL : val(ent(t, i));
}

void
tracker_prefetch(const struct tracker *t, const void *key, size_t keylen,
    int stage, size_t nbytes)
{
	const unsigned char *e;
	uint32_t b, i;
	size_t off;

	if (t->nbuckets == 0 || keylen > TRACKER_KEY_MAX)
		return;
	b = (uint32_t)(hash_key(key, keylen) & (t->nbuckets - 1));
	if (stage == 0) {
		__builtin_prefetch(&t->buckets[b]);
		return;
	}
	if ((i = t->buckets[b]) == NIL)
		return;
	e = (const unsigned char *)ent(t, i);
	for (off = 0; off < sizeof(struct tent) + nbytes && off < t->esize;
	    off += 64)
		__builtin_prefetch(e + off);
}

uint64_t
tracker_hits(const struct tracker *t, const void *key, size_t keylen)
{
	uint32_t i;

	if (keylen > TRACKER_KEY_MAX)
		return 0;
	i = lookup(t, key, keylen, hash_key(key, keylen), NULL);
	return i == NIL ? 0 : t->hits[i];
}

uint64_t
tracker_value_hits(const struct tracker *t, const void *v)
{
	size_t off = (size_t)((const unsigned char *)v - t->ents) - TENT_HDR;

	return t->hits[off / t->esize];
}

static void
unlink_slot(struct tracker *t, uint32_t i)
{
	struct tent *e = ent(t, i);
	uint32_t b = (uint32_t)(e->hash & (t->nbuckets - 1)), p;

	if (t->buckets[b] == i)
		t->buckets[b] = e->next;
	else {
		for (p = t->buckets[b]; ent(t, p)->next != i;
		    p = ent(t, p)->next)
			;
		ent(t, p)->next = e->next;
	}
	t->hits[i] = 0;
	e->next = t->freelist;
	t->freelist = i;
	t->live--;
}

void
tracker_del(struct tracker *t, const void *key, size_t keylen)
{
	uint32_t i;

	if (keylen > TRACKER_KEY_MAX)
		return;
	i = lookup(t, key, keylen, hash_key(key, keylen), NULL);
	if (i != NIL)
		unlink_slot(t, i);
}

static uint64_t
rnd(struct tracker *t)
{
	t->rng ^= t->rng << 13;
	t->rng ^= t->rng >> 7;
	t->rng ^= t->rng << 17;
	return t->rng;
}

/* Evicts the entry with the fewest hits among a random sample. */
static void
evict_one(struct tracker *t)
{
	uint32_t best = NIL, i;
	int k, tries;
	struct tent *e;

	for (k = 0, tries = 0; k < SAMPLE && tries < SAMPLE * 8; tries++) {
		i = (uint32_t)(rnd(t) % t->nused);
		if (t->hits[i] == 0)
			continue;
		k++;
		if (best == NIL || t->hits[i] < t->hits[best])
			best = i;
	}
	if (best == NIL)
		return;
	e = ent(t, best);
	if (t->cb)
		t->cb(t->arg, e->key, e->keylen, val(e));
	unlink_slot(t, best);
	t->evictions++;
}

void *
tracker_get(struct tracker *t, const void *key, size_t keylen, int *fresh)
{
	uint64_t h;
	uint32_t i, b, n;
	struct tent *e;

	if (keylen > TRACKER_KEY_MAX)
		keylen = TRACKER_KEY_MAX;
	h = hash_key(key, keylen);
	i = lookup(t, key, keylen, h, NULL);
	if (i != NIL) {
		e = ent(t, i);
		if (t->hits[i] < UINT32_MAX)
			t->hits[i]++;
		if (fresh)
			*fresh = 0;
		return val(e);
	}
	if (t->live >= t->max)
		evict_one(t);
	if (t->freelist != NIL) {
		i = t->freelist;
		t->freelist = ent(t, i)->next;
	} else {
		if (t->nused == t->nalloc) {
			n = t->nalloc ? t->nalloc * 2 : 1024;
			if (n > t->max)
				n = t->max;
			if (n <= t->nalloc)
				n = t->nalloc + 1;
			t->ents = xreallocarray(t->ents, n, t->esize);
			t->hits = xreallocarray(t->hits, n,
			    sizeof(*t->hits));
			t->nalloc = n;
		}
		i = t->nused++;
	}
	e = ent(t, i);
	memset(e, 0, t->esize);
	t->hits[i] = 0;		/* not in use until filled: rehash skips it */
	if (t->nbuckets < 2 * (uint64_t)t->nused && t->nbuckets < (1u << 31)) {
		uint32_t nb = t->nbuckets ? t->nbuckets : 1024;

		while (nb < 2 * (uint64_t)t->nused && nb < (1u << 31))
			nb *= 2;
		rehash(t, nb);
	}
	e = ent(t, i);
	e->hash = h;
	t->hits[i] = 1;
	e->keylen = (uint8_t)keylen;
	memcpy(e->key, key, keylen);
	b = (uint32_t)(h & (t->nbuckets - 1));
	e->next = t->buckets[b];
	t->buckets[b] = i;
	t->live++;
	if (fresh)
		*fresh = 1;
	return val(e);
}

int
tracker_each(struct tracker *t, tracker_each_cb cb, void *arg)
{
	uint32_t i;
	struct tent *e;
	int rc;

	for (i = 0; i < t->nused; i++) {
		if (t->hits[i] == 0)
			continue;
		e = ent(t, i);
		if ((rc = cb(arg, e->key, e->keylen, val(e))) != 0)
			return rc;
	}
	return 0;
}

void
tracker_stats(const struct tracker *t, struct tracker_stats *s)
{
	s->entries = t->live;
	s->max_entries = t->max;
	s->evictions = t->evictions;
	s->bytes = (uint64_t)t->nalloc * (t->esize + sizeof(uint32_t)) +
	    (uint64_t)t->nbuckets * sizeof(uint32_t);
	s->entry_bytes = t->esize + 3 * sizeof(uint32_t);
}
