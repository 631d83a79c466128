/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the configuration mistakes an operator makes: an empty
 * file, no inputs, durations past ten years, sizes past the machine,
 * absurd lengths, misspelt keys and sections ("did you mean"), and 20,000
 * unknown keys checked in linear time. Each error is at file:line:col.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "conf.h"
#include "config.h"

/* Every message of d, one a line. */
static char *
messages(struct diag *d)
{
	char line[2048], *all = calloc(1, 1 << 16);
	size_t i, off = 0;

	for (i = 0; i < d->n && off < (1 << 16) - sizeof(line); i++) {
		diag_format(d, i, line, sizeof(line));
		off += (size_t)snprintf(all + off, (1 << 16) - off, "%s\n",
		    line);
	}
	return all;
}

/* Parses yaml; returns the messages (the config must fail to load). */
static char *
refused(const char *yaml)
{
	struct diag d;
	struct config *cfg;
	char *m;

	diag_init(&d);
	cfg = config_parse("t.yaml", yaml, strlen(yaml), &d);
	m = messages(&d);
	if (cfg != NULL)
		fail_msg("accepted: %s", yaml);
	diag_clear(&d);
	return m;
}

static void
expect(const char *yaml, const char *want)
{
	char *m = refused(yaml);

	if (strstr(m, want) == NULL)
		fail_msg("want \"%s\" in:\n%s", want, m);
	free(m);
}

#define REPORTS_WITH(x) "inputs:\n  - type: eve\n    path: /tmp/e.json\n" \
	"reports:\n  from: reports@example.org\n" x

/*
 * What goes into a report's headers and text from the configuration:
 * one line of text, real addresses, a domain, a time zone that exists.
 */
static void
test_config_report_values(void **state)
{
	(void)state;
	expect(REPORTS_WITH("  name: \"Jane\\r\\nBcc: x@example.net\"\n"),
	    "t.yaml:6:9: reports.name: a control character (U+000D)");
	expect(REPORTS_WITH("  organisation: \"Org\\tX\"\n"),
	    "t.yaml:6:17: reports.organisation: a control character (U+0009)");
	expect(REPORTS_WITH("  team_address: not an address\n"),
	    "t.yaml:6:17: reports.team_address: expected one address "
	    "(user@domain)");
	expect(REPORTS_WITH("  upstream_address: \"a@b.example, c@d.example\"\n"),
	    "reports.upstream_address: expected one address");
	expect(REPORTS_WITH("  reply_to: \"<a@b.example>\"\n"),
	    "reports.reply_to: expected one address");
	expect(REPORTS_WITH("  message_id_domain: \"x>y\"\n"),
	    "t.yaml:6:22: reports.message_id_domain: expected a domain name");
	expect(REPORTS_WITH("  timezone: Mars/Olympus\n"),
	    "t.yaml:6:13: reports.timezone: unknown time zone \"Mars/Olympus\"");
	expect(REPORTS_WITH("  timezone: ../../../etc/passwd\n"),
	    "reports.timezone: unknown time zone");
}

static void
test_config_empty_file(void **state)
{
	char path[] = "/tmp/redress-tcm.XXXXXX";
	struct diag d;
	int fd = mkstemp(path);
	char *m;

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "# nothing yet\n\n", 15), 15);
	close(fd);
	diag_init(&d);
	assert_null(config_load(path, &d));
	m = messages(&d);
	assert_non_null(strstr(m, ":1:1: the configuration is empty"));
	assert_non_null(strstr(m, path));
	free(m);
	diag_clear(&d);
	unlink(path);
}

static void
test_config_no_inputs(void **state)
{
	static const char none[] = "general:\n  state_dir: /tmp\n";
	static const char empty[] = "general:\n  state_dir: /tmp\ninputs: []\n";
	static const char one[] = "inputs:\n  - type: eve\n    path: /dev/null\n";
	struct diag d;
	struct config *cfg;
	char *m;

	(void)state;
	diag_init(&d);
	cfg = config_parse("t.yaml", none, strlen(none), &d);
	assert_non_null(cfg);
	assert_int_equal(config_check_daemon(cfg, &d), 1);
	m = messages(&d);
	assert_non_null(strstr(m, "t.yaml:1:1: no inputs: section"));
	free(m);
	config_free(cfg);
	diag_clear(&d);
	diag_init(&d);
	cfg = config_parse("t.yaml", empty, strlen(empty), &d);
	assert_non_null(cfg);
	assert_int_equal(config_check_daemon(cfg, &d), 1);
	m = messages(&d);
	assert_non_null(strstr(m, "t.yaml:3:9: inputs: no input configured"));
	free(m);
	config_free(cfg);
	diag_clear(&d);
	diag_init(&d);
	cfg = config_parse("t.yaml", one, strlen(one), &d);
	assert_non_null(cfg);
	assert_int_equal(config_check_daemon(cfg, &d), 0);
	config_free(cfg);
	diag_clear(&d);
}

static void
test_config_bounds(void **state)
{
	char yaml[5200];

	(void)state;
	expect("policy:\n  contain_duration: 9000000000000000s\n",
	    "t.yaml:2:21: policy.contain_duration: duration past 10 years");
	expect("policy:\n  incident_timeout: 3651d\n",
	    "t.yaml:2:21: policy.incident_timeout: duration past 10 years");
	expect("policy:\n  memcap: 1048576G\n",
	    "t.yaml:2:11: policy.memcap: size past this machine's memory");
	snprintf(yaml, sizeof(yaml), "smtp:\n  relay: %02000d\n", 7);
	expect(yaml, "t.yaml:2:10: smtp.relay: longer than 1024 characters");
	memset(yaml, 0, sizeof(yaml));
	strcpy(yaml, "general:\n  state_dir: /");	/* lint: ok (test) */
	memset(yaml + strlen(yaml), 'a', 5000);
	strcat(yaml, "\n");			/* lint: ok (test) */
	expect(yaml, "t.yaml:2:14: general.state_dir: path longer than "
	    "PATH_MAX");
}

static void
test_config_did_you_mean(void **state)
{
	(void)state;
	expect("policy:\n  contain_duraton: 1h\n", "t.yaml:2:3: "
	    "policy.contain_duraton: unknown key; did you mean "
	    "\"contain_duration\"?");
	expect("polcy:\n  contain_duration: 1h\n", "t.yaml:1:1: polcy: "
	    "unknown section; did you mean \"policy\"?");
	expect("responders:\n  cap_per_minutes: 5\n", "did you mean "
	    "\"cap_per_minute\"?");
	/* Nothing close: no guess, the known keys only. */
	expect("policy:\n  zzzzzzzz: 1\n", "policy.zzzzzzzz: unknown key; "
	    "known keys: ");
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Parse and schema time of n unknown keys in one mapping. */
static double
unknown_keys_time(size_t n)
{
	size_t cap = n * 32 + 64, off, i;
	char *yaml = malloc(cap);
	struct diag d;
	double t0;

	off = (size_t)snprintf(yaml, cap, "policy:\n");
	for (i = 0; i < n; i++)
		off += (size_t)snprintf(yaml + off, cap - off,
		    "  bogus_key_%06zu: 1\n", i);
	diag_init(&d);
	t0 = now_s();
	assert_null(config_parse("t.yaml", yaml, off, &d));
	t0 = now_s() - t0;
	assert_int_equal(d.errors, n);
	diag_clear(&d);
	free(yaml);
	return t0;
}

static void
test_config_20k_unknown_keys_linear(void **state)
{
	double t2, t20;

	(void)state;
	t2 = unknown_keys_time(2000);
	t20 = unknown_keys_time(20000);
	/* 10x the keys: about 10x the time, never the 100x of a square. */
	if (t20 > 2.0 || t20 > 25 * t2 + 0.05)
		fail_msg("20k unknown keys: %.3f s (2k: %.3f s)", t20, t2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_report_values),
		cmocka_unit_test(test_config_empty_file),
		cmocka_unit_test(test_config_no_inputs),
		cmocka_unit_test(test_config_bounds),
		cmocka_unit_test(test_config_did_you_mean),
		cmocka_unit_test(test_config_20k_unknown_keys_linear),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
