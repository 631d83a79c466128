/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the block area of the store: add, active lookup with
 * expiry, removal, expiry sweep and the repeat-offender count.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "store.h"
#include "store_block.h"

static void
test_store_block_add_active(void **state)
{
	struct store	*st;
	struct err	 e = { 0 };
	int64_t		 exp = 0, now = store_now_usec();

	(void)state;
	assert_int_equal(store_open(":memory:", &st, &e), 0);
	assert_true(store_block_add(st, "nftables", "198.51.100.7/32", 0,
	    now + 60000000, "test", &e) > 0);
	assert_int_equal(store_block_active(st, "198.51.100.7/32", now, &exp,
	    &e), 1);
	assert_int_equal(exp, now + 60000000);
	assert_int_equal(store_block_active(st, "198.51.100.8/32", now, NULL,
	    &e), 0);
	assert_int_equal(store_block_count(st, "198.51.100.7/32", &e), 1);
	store_close(st);
}

static void
test_store_block_remove_and_expire(void **state)
{
	struct store	*st;
	struct err	 e = { 0 };
	int64_t		 now = store_now_usec();

	(void)state;
	assert_int_equal(store_open(":memory:", &st, &e), 0);
	assert_true(store_block_add(st, "ipset", "2001:db8::1/128", 3,
	    now + 1000, "a", &e) > 0);
	assert_true(store_block_add(st, "ipset", "198.51.100.9/32", 0,
	    now + 1000000000, "b", &e) > 0);
	assert_int_equal(store_block_expire(st, now + 2000, &e), 1);
	assert_int_equal(store_block_active(st, "2001:db8::1/128", now, NULL,
	    &e), 0);
	assert_int_equal(store_block_remove(st, "198.51.100.9/32", &e), 1);
	assert_int_equal(store_block_remove(st, "198.51.100.9/32", &e), 0);
	assert_int_equal(store_block_active(st, "198.51.100.9/32", now, NULL,
	    &e), 0);
	/* History stays for escalation. */
	assert_int_equal(store_block_count(st, "198.51.100.9/32", &e), 1);
	store_close(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_store_block_add_active),
		cmocka_unit_test(test_store_block_remove_and_expire),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
