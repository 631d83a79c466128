/* SPDX-License-Identifier: MIT */
/*
 * Protected addresses: a path-compressed binary radix (patricia) tree over
 * the 128-bit address form. IPv4 prefixes live under ::ffff:0:0/96, so an
 * IPv4-mapped IPv6 address matches as IPv4.
 */
#include <stdlib.h>
#include <endian.h>
#include <string.h>

#include "whitelist.h"
#include "xmalloc.h"

struct wl_node {
	struct wl_node	*child[2];
	uint8_t		 key[16];	/* bits past blen are zero */
	uint8_t		 blen;		/* absolute, 0..128 */
	uint8_t		 entry;		/* 1: a whitelisted prefix ends here */
};

struct whitelist {
	struct wl_node	*root;
	size_t		 count;
};

static int
bit_at(const uint8_t *k, unsigned i)
{
	return (k[i >> 3] >> (7 - (i & 7))) & 1;
}

/* 64 bits of a key, most significant first. */
static uint64_t
word_at(const uint8_t *k, unsigned w)
{
	uint64_t v;

	memcpy(&v, k + 8 * w, 8);
	return be64toh(v);
}

/* Number of leading bits (at most max) that a and b share. */
static unsigned
common_bits(const uint8_t *a, const uint8_t *b, unsigned max)
{
	unsigned w, n;
	uint64_t x;

	for (w = 0; w < 2 && 64 * w < max; w++) {
		x = word_at(a, w) ^ word_at(b, w);
		if (x != 0) {
			n = 64 * w + (unsigned)__builtin_clzll(x);
			return n < max ? n : max;
		}
	}
	return max;
}

static void
mask_key(uint8_t *k, unsigned blen)
{
	unsigned i;

	for (i = blen; i < 128; i++)
		k[i >> 3] &= (uint8_t)~(0x80 >> (i & 7));
}

static struct wl_node *
node_new(const uint8_t *key, unsigned blen, int entry)
{
	struct wl_node *n = xcalloc(1, sizeof(*n));

	memcpy(n->key, key, 16);
	mask_key(n->key, blen);
	n->blen = (uint8_t)blen;
	n->entry = (uint8_t)entry;
	return n;
}

struct whitelist *
whitelist_new(void)
{
	return xcalloc(1, sizeof(struct whitelist));
}

static void
node_free(struct wl_node *n)
{
	/* Iterative on the right spine keeps recursion depth at 128. */
	while (n) {
		struct wl_node *r = n->child[1];

		node_free(n->child[0]);
		free(n);
		n = r;
	}
}

void
whitelist_free(struct whitelist *w)
{
	if (w == NULL)
		return;
	node_free(w->root);
	free(w);
}

/* Absolute prefix length in the 128-bit form. */
static unsigned
abs_len(const struct cidr *c)
{
	return addr_is_v4(&c->net) ? 96u + c->len : c->len;
}

int
whitelist_add(struct whitelist *w, const struct cidr *c)
{
	struct wl_node **pp = &w->root, *p, *k, *g;
	uint8_t key[16];
	unsigned plen, m, cb;

	if (c->len == 0 || c->len > addr_maxlen(&c->net))
		return -1;	/* /0 would protect everything */
	plen = abs_len(c);
	memcpy(key, c->net.a, 16);
	mask_key(key, plen);
	for (;;) {
		p = *pp;
		if (p == NULL) {
			*pp = node_new(key, plen, 1);
			w->count++;
			return 0;
		}
		m = plen < p->blen ? plen : p->blen;
		cb = common_bits(key, p->key, m);
		if (cb == p->blen && cb == plen) {
			if (!p->entry)
				w->count++;
			p->entry = 1;
			return 0;
		}
		if (cb == p->blen) {
			pp = &p->child[bit_at(key, p->blen)];
			continue;
		}
		if (cb == plen) {
			k = node_new(key, plen, 1);
			k->child[bit_at(p->key, plen)] = p;
			*pp = k;
			w->count++;
			return 0;
		}
		g = node_new(key, cb, 0);
		k = node_new(key, plen, 1);
		g->child[bit_at(key, cb)] = k;
		g->child[bit_at(p->key, cb)] = p;
		*pp = g;
		w->count++;
		return 0;
	}
}

int
whitelist_contains(const struct whitelist *w, const struct addr *a)
{
	const struct wl_node *p = w->root;

	if (a->family == 0)
		return 0;
	while (p) {
		if (common_bits(a->a, p->key, p->blen) < p->blen)
			return 0;
		if (p->entry)
			return 1;
		if (p->blen >= 128)
			return 0;
		p = p->child[bit_at(a->a, p->blen)];
	}
	return 0;
}

int
whitelist_overlaps(const struct whitelist *w, const struct cidr *c)
{
	const struct wl_node *p = w->root;
	unsigned plen, m;

	if (c->net.family == 0)
		return 0;
	plen = abs_len(c);
	while (p) {
		m = plen < p->blen ? plen : p->blen;
		if (common_bits(c->net.a, p->key, m) < m)
			return 0;
		/* p lies inside the prefix: it or a descendant is an entry. */
		if (p->blen >= plen)
			return 1;
		if (p->entry)
			return 1;
		p = p->child[bit_at(c->net.a, p->blen)];
	}
	return 0;
}

size_t
whitelist_count(const struct whitelist *w)
{
	return w->count;
}
