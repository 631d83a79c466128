/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of spawn_run: exit status, captured stderr, no shell
 * interpretation of arguments, empty environment, timeout.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "resp_spawn.h"

static void
test_spawn_run_status_stderr(void **state)
{
	char *const	 av[] = { "/bin/sh", "-c", "echo oops >&2; exit 3", NULL };
	char		 buf[64];
	struct err	 e = { 0 };

	(void)state;
	assert_int_equal(spawn_run(av, NULL, 5000, buf, sizeof(buf), &e), 3);
	assert_string_equal(buf, "oops\n");
}

static void
test_spawn_run_no_shell(void **state)
{
	char *const	 av[] = { "/bin/echo", "; rm -rf / $(x)", NULL };
	struct err	 e = { 0 };

	(void)state;
	assert_int_equal(spawn_run(av, NULL, 5000, NULL, 0, &e), 0);
}

static void
test_spawn_run_timeout(void **state)
{
	char *const	 av[] = { "/bin/sleep", "10", NULL };
	struct err	 e = { 0 };

	(void)state;
	assert_int_equal(spawn_run(av, NULL, 200, NULL, 0, &e), -1);
}

static void
test_spawn_run_missing(void **state)
{
	char *const	 av[] = { "/nonexistent/prog", NULL };
	struct err	 e = { 0 };

	(void)state;
	assert_int_equal(spawn_run(av, NULL, 1000, NULL, 0, &e), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spawn_run_status_stderr),
		cmocka_unit_test(test_spawn_run_no_shell),
		cmocka_unit_test(test_spawn_run_timeout),
		cmocka_unit_test(test_spawn_run_missing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
