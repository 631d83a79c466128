/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of check-config's deep checks (conf_check.c): a broken or
 * missing template is an error at reports.templates naming the kinds it
 * serves, a missing signing key names the keyring looked in, missing
 * RDAP bootstrap files and a state directory that is a file are errors at
 * their settings, and a good configuration says which template covers
 * which kinds. Uses the templates/ and config/rdap-bootstrap of the
 * source tree (run from the top directory).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "conf_check.h"
#include "diag_has.h"
#include "config.h"
#include "xmalloc.h"

static char	tmpdir[] = "/tmp/redress-cc.XXXXXX";

static void
write_file(const char *path, const char *text)
{
	FILE	*f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* A config with the given templates dir, sign_key line and state dir. */
static struct config *
load(const char *templates, const char *key, const char *state,
    const char *bootstrap, struct diag *d)
{
	char	*y = xasprintf(
	    "general:\n"
	    "  state_dir: %s\n"
	    "resolver:\n"
	    "  bootstrap_dir: %s\n"
	    "reports:\n"
	    "  from: reports@example.org\n"
	    "  templates: %s\n"
	    "  outbox: %s/outbox\n"
	    "%s", state, bootstrap, templates, tmpdir, key);
	struct config *cfg;

	diag_init(d);
	cfg = config_parse("c.yaml", y, strlen(y), d);
	free(y);
	assert_non_null(cfg);
	diag_clear(d);
	diag_init(d);
	return cfg;
}

static void
test_conf_check_good(void **state)
{
	struct diag	 d;
	struct config	*cfg;
	char		*notes = NULL;

	(void)state;
	cfg = load("templates", "", tmpdir, "config/rdap-bootstrap", &d);
	assert_int_equal(conf_check(cfg, &d, &notes), 0);
	assert_int_equal(d.errors, 0);
	assert_non_null(notes);
	assert_non_null(strstr(notes, "template templates/probe.tmpl: probe\n"));
	assert_non_null(strstr(notes,
	    "template templates/default.tmpl: other\n"));
	assert_non_null(strstr(notes, "RDAP bootstrap config/rdap-bootstrap"));
	free(notes);
	diag_clear(&d);
	config_free(cfg);
}

static void
test_conf_check_templates(void **state)
{
	struct diag	 d;
	struct config	*cfg;
	char		*notes = NULL, *dir, *p;

	(void)state;
	dir = xasprintf("%s/tmpl", tmpdir);
	assert_int_equal(mkdir(dir, 0700) == 0 || access(dir, F_OK) == 0, 1);
	p = xasprintf("%s/scan.tmpl", dir);
	write_file(p, "Subject: x\n\n{{#incidents}}no end\n");
	free(p);
	p = xasprintf("%s/probe.tmpl", dir);
	write_file(p, "Subject: probe {{src}}\n\nbody\n");
	free(p);
	cfg = load(dir, "", tmpdir, "config/rdap-bootstrap", &d);
	assert_int_equal(conf_check(cfg, &d, &notes), -1);
	/* c.yaml line 7, the value column of templates: */
	assert_true(diag_has(&d, "c.yaml:7:14: reports.templates: "));
	assert_true(diag_has(&d, "scan.tmpl"));
	assert_true(diag_has(&d, "(the template for scan)"));
	/* no default.tmpl: every kind without its own file is named */
	assert_true(diag_has(&d, "default.tmpl"));
	assert_true(diag_has(&d, "(the template for sweep, brute-force, "
	    "exploit, compromise, dos, other)"));
	assert_non_null(notes);
	assert_non_null(strstr(notes, "probe.tmpl: probe\n"));
	free(notes);
	diag_clear(&d);
	config_free(cfg);
	free(dir);
}

static void
test_conf_check_key_keyring(void **state)
{
	struct diag	 d;
	struct config	*cfg;
	char		*notes = NULL;

	(void)state;
	setenv("GNUPGHOME", "/nonexistent-redress-cc-gnupg", 1);
	cfg = load("templates", "  sign_key: \"no-such-key@invalid\"\n",
	    tmpdir, "config/rdap-bootstrap", &d);
	assert_int_equal(conf_check(cfg, &d, &notes), -1);
	assert_true(diag_has(&d, "c.yaml:9:13: reports.sign_key: "));
	assert_true(diag_has(&d, "in keyring /nonexistent-redress-cc-gnupg"));
	free(notes);
	diag_clear(&d);
	config_free(cfg);
	unsetenv("GNUPGHOME");
}

static void
test_conf_check_dirs(void **state)
{
	struct diag	 d;
	struct config	*cfg;
	char		*notes = NULL, *file, *bs;

	(void)state;
	file = xasprintf("%s/a-file", tmpdir);
	write_file(file, "x\n");
	bs = xasprintf("%s/no-bootstrap", tmpdir);
	cfg = load("templates", "", file, bs, &d);
	assert_int_equal(conf_check(cfg, &d, &notes), -1);
	assert_true(diag_has(&d, "c.yaml:2:14: general.state_dir: "));
	assert_true(diag_has(&d, "a-file: not a directory"));
	assert_true(diag_has(&d, "c.yaml:4:18: resolver.bootstrap_dir: "));
	assert_true(diag_has(&d, "no-bootstrap/ipv4.json"));
	free(notes);
	diag_clear(&d);
	config_free(cfg);
	free(file);
	free(bs);
}

static int
setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char	*cmd[] = { "rm", "-rf", tmpdir, NULL };
	pid_t	 pid;

	(void)state;
	if ((pid = fork()) == 0) {
		execvp(cmd[0], cmd);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conf_check_good),
		cmocka_unit_test(test_conf_check_templates),
		cmocka_unit_test(test_conf_check_key_keyring),
		cmocka_unit_test(test_conf_check_dirs),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
