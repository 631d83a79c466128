/* SPDX-License-Identifier: MIT */
/* Unit tests of the whitelist radix tree: prefixes, overlaps, mapped IPv6. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "addr.h"
#include "whitelist.h"

static void
add(struct whitelist *w, const char *s)
{
	struct cidr c;

	assert_int_equal(cidr_parse(s, &c), 0);
	assert_int_equal(whitelist_add(w, &c), 0);
}

static int
has(struct whitelist *w, const char *s)
{
	struct addr a;

	assert_int_equal(addr_parse(s, &a), 0);
	return whitelist_contains(w, &a);
}

static int
ovl(struct whitelist *w, const char *s)
{
	struct cidr c;

	assert_int_equal(cidr_parse(s, &c), 0);
	return whitelist_overlaps(w, &c);
}

static void
test_whitelist_contains_overlapping_cidrs(void **state)
{
	struct whitelist *w = whitelist_new();

	(void)state;
	add(w, "10.0.0.0/8");
	add(w, "10.1.0.0/16");
	add(w, "10.1.2.3");
	add(w, "192.0.2.128/25");
	add(w, "10.1.0.0/16");		/* duplicate counts once */
	assert_int_equal(whitelist_count(w), 4);
	assert_true(has(w, "10.200.1.1"));
	assert_true(has(w, "10.1.2.3"));
	assert_true(has(w, "10.1.2.4"));
	assert_false(has(w, "11.0.0.1"));
	assert_true(has(w, "192.0.2.128"));
	assert_true(has(w, "192.0.2.255"));
	assert_false(has(w, "192.0.2.127"));
	assert_false(has(w, "9.255.255.255"));
	whitelist_free(w);
}

static void
test_whitelist_contains_mapped_v6(void **state)
{
	struct whitelist *w = whitelist_new();

	(void)state;
	add(w, "198.51.100.0/24");
	add(w, "2001:db8::/32");
	assert_true(has(w, "::ffff:198.51.100.9"));
	assert_true(has(w, "198.51.100.9"));
	assert_false(has(w, "::198.51.100.9"));	/* compatible, not mapped */
	assert_true(has(w, "2001:db8:ffff::1"));
	assert_false(has(w, "2001:db9::1"));
	whitelist_free(w);
	/* A mapped prefix added as IPv6 text protects IPv4 too. */
	w = whitelist_new();
	add(w, "::ffff:203.0.113.0/120");
	assert_true(has(w, "203.0.113.77"));
	whitelist_free(w);
}

static void
test_whitelist_add_refuses_slash0(void **state)
{
	struct whitelist *w = whitelist_new();
	struct cidr c;

	(void)state;
	assert_int_equal(cidr_parse("0.0.0.0/0", &c), 0);
	assert_int_equal(whitelist_add(w, &c), -1);
	assert_int_equal(cidr_parse("::/0", &c), 0);
	assert_int_equal(whitelist_add(w, &c), -1);
	assert_int_equal(whitelist_count(w), 0);
	assert_false(has(w, "1.2.3.4"));
	whitelist_free(w);
}

static void
test_whitelist_overlaps_both_ways(void **state)
{
	struct whitelist *w = whitelist_new();

	(void)state;
	add(w, "192.0.2.7");
	add(w, "198.51.100.0/22");
	assert_true(ovl(w, "192.0.2.0/24"));	/* contains an entry */
	assert_false(ovl(w, "192.0.3.0/24"));
	assert_true(ovl(w, "198.51.101.0/24"));	/* inside an entry */
	assert_true(ovl(w, "198.51.96.0/19"));
	assert_false(ovl(w, "198.51.104.0/24"));
	assert_false(ovl(w, "2001:db8::/48"));
	whitelist_free(w);
}

static void
test_whitelist_contains_100k_entries(void **state)
{
	struct whitelist *w = whitelist_new();
	struct cidr c;
	struct addr a;
	uint32_t i, x = 12345;
	char buf[64];
	struct timespec t0, t1;
	double ns;

	(void)state;
	for (i = 0; i < 100000; i++) {
		x = x * 1103515245u + 12345u;
		snprintf(buf, sizeof(buf), "%u.%u.%u.0/24", 1 + (x >> 24) % 223,
		    (x >> 16) & 255, (x >> 8) & 255);
		assert_int_equal(cidr_parse(buf, &c), 0);
		assert_int_equal(whitelist_add(w, &c), 0);
		if (i % 10 == 0) {
			snprintf(buf, sizeof(buf), "2001:db8:%x:%x::/64",
			    x & 0xffff, i & 0xffff);
			assert_int_equal(cidr_parse(buf, &c), 0);
			assert_int_equal(whitelist_add(w, &c), 0);
		}
	}
	assert_true(whitelist_count(w) > 100000);
	/* Every added prefix matches, a lookup stays in the µs range. */
	x = 12345;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < 100000; i++) {
		x = x * 1103515245u + 12345u;
		snprintf(buf, sizeof(buf), "%u.%u.%u.77", 1 + (x >> 24) % 223,
		    (x >> 16) & 255, (x >> 8) & 255);
		assert_int_equal(addr_parse(buf, &a), 0);
		assert_int_equal(whitelist_contains(w, &a), 1);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ns = ((t1.tv_sec - t0.tv_sec) * 1e9 + (t1.tv_nsec - t0.tv_nsec)) / 1e5;
	assert_true(ns < 5000.0);
	assert_false(has(w, "224.0.0.1"));
	whitelist_free(w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whitelist_contains_overlapping_cidrs),
		cmocka_unit_test(test_whitelist_contains_mapped_v6),
		cmocka_unit_test(test_whitelist_add_refuses_slash0),
		cmocka_unit_test(test_whitelist_overlaps_both_ways),
		cmocka_unit_test(test_whitelist_contains_100k_entries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
