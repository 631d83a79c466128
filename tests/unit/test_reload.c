/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the SIGHUP gate: a configuration whose backend cannot
 * start (iptables at a path that does not exist) or that has no inputs is
 * refused with the reason; a good one and a dry-run one pass.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "config.h"
#include "reload.h"

static int
check(const char *backends, const char *extra, struct err *e)
{
	char yaml[1024];
	struct diag d;
	struct config *cfg;
	int rc;

	snprintf(yaml, sizeof(yaml), "general:\n  state_dir: /tmp\n%s"
	    "inputs:\n  - type: eve\n    path: /dev/null\n"
	    "responders:\n  backends:\n%s", extra, backends);
	diag_init(&d);
	cfg = config_parse("t.yaml", yaml, strlen(yaml), &d);
	assert_non_null(cfg);
	diag_clear(&d);
	rc = reload_check(cfg, e);
	config_free(cfg);
	return rc;
}

static void
test_reload_backend_that_cannot_start(void **state)
{
	struct err e = { "", 0 };

	(void)state;
	assert_int_equal(check("    - type: iptables\n"
	    "      iptables: /nonexistent/iptables\n"
	    "      ip6tables: /nonexistent/ip6tables\n", "", &e), -1);
	assert_non_null(strstr(e.msg, "responder iptables: "));
	assert_non_null(strstr(e.msg, "/nonexistent/iptables"));
}

static void
test_reload_good_and_dry_run(void **state)
{
	char hd[64], b[160];
	struct err e = { "", 0 };

	(void)state;
	snprintf(hd, sizeof(hd), "/tmp/redress-trl.%d", (int)getpid());
	snprintf(b, sizeof(b), "    - type: hostsdeny\n      path: %s\n", hd);
	assert_int_equal(check(b, "", &e), 0);
	unlink(hd);
	assert_int_equal(check("    - type: iptables\n"
	    "      iptables: /nonexistent/iptables\n",
	    "  dry_run: true\n", &e), 0);
}

static void
test_reload_no_inputs(void **state)
{
	static const char yaml[] = "general:\n  state_dir: /tmp\n";
	struct err e = { "", 0 };
	struct diag d;
	struct config *cfg;

	(void)state;
	diag_init(&d);
	cfg = config_parse("t.yaml", yaml, strlen(yaml), &d);
	assert_non_null(cfg);
	diag_clear(&d);
	assert_int_equal(reload_check(cfg, &e), -1);
	assert_non_null(strstr(e.msg, "no inputs"));
	config_free(cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reload_backend_that_cannot_start),
		cmocka_unit_test(test_reload_good_and_dry_run),
		cmocka_unit_test(test_reload_no_inputs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
