/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of privdrop_env (privdrop.c): after a drop the environment
 * is the user's. HOME, USER, LOGNAME, SHELL and PATH are set for it;
 * root's GNUPGHOME, XDG and SUDO variables and the rest are gone; the
 * locale, TZ and TERM stay, and the editor only for commands.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pwd.h>
#include <stdlib.h>
#include <string.h>

#include "privdrop.h"

static struct passwd pw = {
	.pw_name = "redress", .pw_dir = "/var/lib/redress",
	.pw_shell = "/usr/sbin/nologin",
};

static void
root_env(void)
{
	setenv("HOME", "/root", 1);
	setenv("USER", "root", 1);
	setenv("LOGNAME", "root", 1);
	setenv("GNUPGHOME", "/root/.gnupg", 1);
	setenv("XDG_CONFIG_HOME", "/root/.config", 1);
	setenv("SUDO_USER", "admin", 1);
	setenv("PATH", "/root/bin:/usr/bin", 1);
	setenv("TZ", "Europe/Amsterdam", 1);
	setenv("LC_TIME", "C.UTF-8", 1);
	setenv("TERM", "xterm", 1);
	setenv("EDITOR", "vi", 1);
}

static void
test_privdrop_env_daemon(void **state)
{
	struct err e = { "", 0 };

	(void)state;
	root_env();
	assert_int_equal(privdrop_env(&pw, 0, &e), 0);
	assert_string_equal(getenv("HOME"), "/var/lib/redress");
	assert_string_equal(getenv("USER"), "redress");
	assert_string_equal(getenv("LOGNAME"), "redress");
	assert_string_equal(getenv("SHELL"), "/usr/sbin/nologin");
	assert_null(strstr(getenv("PATH"), "/root"));
	assert_null(getenv("GNUPGHOME"));
	assert_null(getenv("XDG_CONFIG_HOME"));
	assert_null(getenv("SUDO_USER"));
	assert_null(getenv("EDITOR"));
	assert_string_equal(getenv("TZ"), "Europe/Amsterdam");
	assert_string_equal(getenv("LC_TIME"), "C.UTF-8");
	assert_string_equal(getenv("TERM"), "xterm");
}

static void
test_privdrop_env_command(void **state)
{
	struct err e = { "", 0 };

	(void)state;
	root_env();
	assert_int_equal(privdrop_env(&pw, 1, &e), 0);
	assert_string_equal(getenv("HOME"), "/var/lib/redress");
	assert_null(getenv("GNUPGHOME"));
	assert_string_equal(getenv("EDITOR"), "vi");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_privdrop_env_daemon),
		cmocka_unit_test(test_privdrop_env_command),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
