/* SPDX-License-Identifier: MIT */
/* Unit tests of address and prefix parsing, formatting and matching. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "addr.h"

static void
test_addr_parse_v4_mapped_is_v4(void **state)
{
	struct addr a, b;
	char buf[ADDR_STRLEN];

	(void)state;
	assert_int_equal(addr_parse("192.0.2.7", &a), 0);
	assert_int_equal(addr_parse("::ffff:192.0.2.7", &b), 0);
	assert_int_equal(b.family, AF_INET);
	assert_int_equal(addr_cmp(&a, &b), 0);
	assert_string_equal(addr_format(&b, buf, sizeof(buf)), "192.0.2.7");
}

static void
test_addr_parse_v6_full_form(void **state)
{
	struct addr a;
	char buf[ADDR_STRLEN];

	(void)state;
	/* Suricata 7 prints IPv6 in full with leading zeroes. */
	assert_int_equal(addr_parse("2001:0db8:0000:0000:0000:0000:0000:0001", &a), 0);
	assert_string_equal(addr_format(&a, buf, sizeof(buf)), "2001:db8::1");
}

static void
test_addr_parse_rejects(void **state)
{
	struct addr a;

	(void)state;
	assert_int_equal(addr_parse("", &a), -1);
	assert_int_equal(addr_parse("256.1.1.1", &a), -1);
	assert_int_equal(addr_parse("1.2.3", &a), -1);
	assert_int_equal(addr_parse("192.0.2.1\r\nX-Evil: 1", &a), -1);
	assert_int_equal(addr_parse("::g", &a), -1);
}

static void
test_cidr_parse_and_contains(void **state)
{
	struct cidr c;
	struct addr a;
	char buf[CIDR_STRLEN];

	(void)state;
	assert_int_equal(cidr_parse("192.0.2.77/24", &c), 0);
	assert_string_equal(cidr_format(&c, buf, sizeof(buf)), "192.0.2.0/24");
	addr_parse("192.0.2.200", &a);
	assert_true(cidr_contains(&c, &a));
	addr_parse("::ffff:192.0.2.1", &a);
	assert_true(cidr_contains(&c, &a));
	addr_parse("192.0.3.1", &a);
	assert_false(cidr_contains(&c, &a));
	addr_parse("2001:db8::1", &a);
	assert_false(cidr_contains(&c, &a));
	assert_int_equal(cidr_parse("2001:db8:abcd::/33", &c), 0);
	assert_string_equal(cidr_format(&c, buf, sizeof(buf)), "2001:db8:8000::/33");
	assert_int_equal(cidr_parse("10.0.0.0/33", &c), -1);
	assert_int_equal(cidr_parse("10.0.0.0/", &c), -1);
	assert_int_equal(cidr_parse("10.0.0.0/8x", &c), -1);
	assert_int_equal(cidr_parse("::ffff:10.0.0.0/104", &c), 0);
	assert_int_equal(c.len, 8);
}

static void
test_addr_special_and_private(void **state)
{
	struct addr a;

	(void)state;
	addr_parse("127.0.0.1", &a);
	assert_true(addr_is_special(&a));
	addr_parse("fe80::1", &a);
	assert_true(addr_is_special(&a));
	addr_parse("ff02::1", &a);
	assert_true(addr_is_special(&a));
	addr_parse("10.1.2.3", &a);
	assert_false(addr_is_special(&a));
	assert_true(addr_is_private(&a));
	addr_parse("fd00::1", &a);
	assert_true(addr_is_private(&a));
	addr_parse("198.51.100.1", &a);
	assert_false(addr_is_private(&a));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr_parse_v4_mapped_is_v4),
		cmocka_unit_test(test_addr_parse_v6_full_form),
		cmocka_unit_test(test_addr_parse_rejects),
		cmocka_unit_test(test_cidr_parse_and_contains),
		cmocka_unit_test(test_addr_special_and_private),
	};

	return cmocka_run_group_tests_name("addr", tests, NULL, NULL);
}
