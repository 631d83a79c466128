/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the bounded per-key table: every key inserted is found
 * again while the table grows and rehashes, whatever the memory it grows
 * into held before; deleted keys are gone and their slots reused; at
 * the cap a heavy hitter survives a flood of one-off keys.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tracker.h"

static void
make_key(uint8_t *k, uint8_t tag, uint32_t i)
{
	memset(k, 0, 17);
	k[0] = tag;
	memcpy(k + 1, &i, sizeof(i));
}

/*
 * Leaves freed blocks of non-zero bytes on the heap, of the sizes the
 * table's arrays grow to, so that growth reuses dirty memory (as in a
 * long-running process) rather than fresh zeroed pages.
 */
static void
dirty_heap(void)
{
	void *b[16];
	size_t n, k = 0;

	for (n = 1024; n <= (1u << 20) && k < 16; n *= 2) {
		b[k] = malloc(n * sizeof(uint32_t));
		assert_non_null(b[k]);
		memset(b[k], 0xa5, n * sizeof(uint32_t));
		k++;
	}
	while (k > 0)
		free(b[--k]);
}

/*
 * One table: every key found after inserts, deletes and slot reuse. A
 * table that grew into dirty memory once lost keys of a bucket (the slot
 * being filled was taken as in use by the rehash): which bucket depends
 * on the keys, hence several key sets.
 */
static void
one_table(uint8_t tag)
{
	struct tracker *t;
	uint8_t k[17];
	uint32_t i, n = 50000;
	uint64_t *v;
	int fresh;

	dirty_heap();
	t = tracker_new(sizeof(uint64_t), 0, NULL, NULL);
	for (i = 0; i < n; i++) {
		make_key(k, tag, i);
		v = tracker_get(t, k, sizeof(k), &fresh);
		assert_int_equal(fresh, 1);
		assert_int_equal(*v, 0);
		*v = i;
	}
	for (i = 0; i < n; i++) {
		make_key(k, tag, i);
		v = tracker_get(t, k, sizeof(k), &fresh);
		assert_int_equal(fresh, 0);
		assert_int_equal(*v, i);
		assert_int_equal(tracker_hits(t, k, sizeof(k)), 2);
	}
	/* Deleted keys are gone; their slots take new keys. */
	for (i = 0; i < n; i += 2) {
		make_key(k, tag, i);
		tracker_del(t, k, sizeof(k));
		assert_null(tracker_find(t, k, sizeof(k)));
	}
	for (i = n; i < n + n / 2; i++) {
		make_key(k, tag, i);
		v = tracker_get(t, k, sizeof(k), &fresh);
		assert_int_equal(fresh, 1);
		*v = i;
	}
	for (i = 1; i < n + n / 2; i += (i < n ? 2 : 1)) {
		make_key(k, tag, i);
		v = tracker_find(t, k, sizeof(k));
		assert_non_null(v);
		assert_int_equal(*v, i);
	}
	tracker_free(t);
}

static void
test_tracker_finds_every_key(void **state)
{
	uint8_t tag;

	(void)state;
	for (tag = 1; tag <= 20; tag++)
		one_table(tag);
}

static void
test_tracker_heavy_hitter_survives_flood(void **state)
{
	struct tracker *t;
	struct tracker_stats st;
	uint8_t k[17], heavy[17];
	uint32_t i;
	uint64_t *v;
	int fresh;

	(void)state;
	t = tracker_new(64, 64 << 10, NULL, NULL);	/* a few hundred keys */
	make_key(heavy, 'S', UINT32_MAX);
	for (i = 0; i < 20000; i++) {
		make_key(k, 'S', i);
		tracker_get(t, k, sizeof(k), &fresh);
		v = tracker_get(t, heavy, sizeof(heavy), &fresh);
		(*v)++;
	}
	v = tracker_find(t, heavy, sizeof(heavy));
	assert_non_null(v);
	assert_int_equal(*v, 20000);
	tracker_stats(t, &st);
	assert_true(st.evictions > 0);
	assert_true(st.entries <= st.max_entries);
	tracker_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tracker_finds_every_key),
		cmocka_unit_test(test_tracker_heavy_hitter_survives_flood),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
