/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the YAML tree (positions, duplicates, aliases) and of the
 * schema setters (types, bounds, unknown keys), and of config_parse().
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

#include "conf.h"
#include "config.h"

struct sample {
	char		*name;
	long long	 count;
	int		 on;
	int64_t		 window_s;
	int64_t		 timeout_ms;
	uint64_t	 cap;
	int		 mode;
	struct cidr	 net;
	struct conf_strlist	 tags;
	struct conf_cidrlist	 nets;
	int		 perm;
};

static const char *const modes[] = { "suricata", "snort", NULL };

static const struct conf_field fields[] = {
	{ "name", CK_STRING, offsetof(struct sample, name), "anon", 0, 0, NULL, 0 },
	{ "count", CK_INT, offsetof(struct sample, count), "5", 1, 100, NULL, 0 },
	{ "on", CK_BOOL, offsetof(struct sample, on), "false", 0, 0, NULL, 0 },
	{ "window", CK_SECONDS, offsetof(struct sample, window_s), "1h", 0, 0, NULL, 0 },
	{ "timeout", CK_MSEC, offsetof(struct sample, timeout_ms), "2s", 0, 0, NULL, 0 },
	{ "cap", CK_SIZE, offsetof(struct sample, cap), "256M", 0, 0, NULL, 0 },
	{ "mode", CK_ENUM, offsetof(struct sample, mode), "suricata", 0, 0, modes, 0 },
	{ "net", CK_CIDR, offsetof(struct sample, net), NULL, 0, 0, NULL, 0 },
	{ "tags", CK_STRLIST, offsetof(struct sample, tags), NULL, 0, 0, NULL, 0 },
	{ "nets", CK_CIDRLIST, offsetof(struct sample, nets), NULL, 0, 0, NULL, 0 },
	{ "perm", CK_MODE, offsetof(struct sample, perm), "0660", 0, 0, NULL, 0 },
	{ NULL, 0, 0, NULL, 0, 0, NULL, 0 },
};

static struct conf_node *
parse(const char *text, struct diag *d)
{
	diag_init(d);
	return conf_parse("t.yaml", text, strlen(text), d);
}

static void
test_conf_parse_positions(void **state)
{
	struct diag d;
	struct conf_node *root = parse("a:\n  b: 1\n  list:\n    - x\n    - y: 2\n", &d);
	const struct conf_node *a, *b, *l;

	(void)state;
	assert_non_null(root);
	a = conf_get(root, "a");
	assert_non_null(a);
	b = conf_get(a, "b");
	assert_int_equal(b->line, 2);
	assert_int_equal(b->col, 6);
	assert_string_equal(b->path, "a.b");
	l = conf_get(a, "list");
	assert_int_equal(conf_count(l), 2);
	assert_string_equal(l->child->path, "a.list[0]");
	assert_string_equal(l->child->next->child->path, "a.list[1].y");
	conf_free(root);
	diag_clear(&d);
}

static void
test_conf_parse_duplicate_key(void **state)
{
	struct diag d;
	char buf[512];

	(void)state;
	assert_null(parse("a: 1\nb: 2\na: 3\n", &d));
	assert_int_equal(d.errors, 1);
	diag_format(&d, 0, buf, sizeof(buf));
	assert_string_equal(buf, "t.yaml:3:1: a: duplicate key (first at line 1)");
	diag_clear(&d);
}

static void
test_conf_parse_syntax_error(void **state)
{
	struct diag d;
	char buf[512];

	(void)state;
	assert_null(parse("a: [1, 2\nb: 3\n", &d));
	assert_true(d.errors >= 1);
	diag_format(&d, 0, buf, sizeof(buf));
	assert_true(strncmp(buf, "t.yaml:", 7) == 0);
	diag_clear(&d);
}

/* A byte that is not UTF-8 is named at its own line and column. */
static void
test_conf_parse_not_utf8_position(void **state)
{
	struct diag d;
	char buf[512];

	(void)state;
	assert_null(parse("a: 1\nreports:\n  name: \"J\xff\"\n", &d));
	assert_int_equal(d.errors, 1);
	diag_format(&d, 0, buf, sizeof(buf));
	assert_string_equal(buf, "t.yaml:3:11: not UTF-8: byte 0xFF "
	    "(invalid leading UTF-8 octet)");
	diag_clear(&d);
}

/* A tab in the indentation is called a tab. */
static void
test_conf_parse_tab_named(void **state)
{
	struct diag d;
	char buf[512];

	(void)state;
	assert_null(parse("general:\n\tstate_dir: /tmp\n", &d));
	assert_int_equal(d.errors, 1);
	diag_format(&d, 0, buf, sizeof(buf));
	assert_non_null(strstr(buf, "t.yaml:2:1: "));
	assert_non_null(strstr(buf, "a tab: YAML indents with spaces"));
	diag_clear(&d);
}

static void
test_conf_parse_alias_refused(void **state)
{
	struct diag d;

	(void)state;
	assert_null(parse("a: &x 1\nb: *x\n", &d));
	assert_int_equal(d.errors, 1);
	assert_non_null(strstr(d.v[0].msg, "aliases"));
	diag_clear(&d);
}

static void
test_conf_apply_defaults(void **state)
{
	struct sample s;
	struct diag d;

	(void)state;
	memset(&s, 0, sizeof(s));
	diag_init(&d);
	assert_int_equal(conf_apply(NULL, fields, &s, &d), 0);
	assert_string_equal(s.name, "anon");
	assert_int_equal(s.count, 5);
	assert_int_equal(s.window_s, 3600);
	assert_int_equal(s.timeout_ms, 2000);
	assert_int_equal(s.cap, 256u << 20);
	assert_int_equal(s.mode, 0);
	assert_int_equal(s.perm, 0660);
	conf_release(fields, &s);
	diag_clear(&d);
}

static void
test_conf_apply_values(void **state)
{
	struct sample s;
	struct diag d;
	struct conf_node *root = parse("name: x\ncount: 7\non: yes\n"
	    "window: 2d\ntimeout: 150ms\ncap: 1G\nmode: snort\n"
	    "net: 192.0.2.0/24\ntags: [a, b]\nnets: [10.0.0.0/8, '2001:db8::/32']\n"
	    "perm: '0600'\n", &d);
	char buf[64];

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(conf_apply(root, fields, &s, &d), 0);
	assert_string_equal(s.name, "x");
	assert_int_equal(s.count, 7);
	assert_int_equal(s.on, 1);
	assert_int_equal(s.window_s, 2 * 86400);
	assert_int_equal(s.timeout_ms, 150);
	assert_int_equal(s.cap, 1u << 30);
	assert_int_equal(s.mode, 1);
	assert_string_equal(cidr_format(&s.net, buf, sizeof(buf)), "192.0.2.0/24");
	assert_int_equal(s.tags.n, 2);
	assert_string_equal(s.tags.v[1], "b");
	assert_int_equal(s.nets.n, 2);
	assert_string_equal(cidr_format(&s.nets.v[1], buf, sizeof(buf)), "2001:db8::/32");
	assert_int_equal(s.perm, 0600);
	conf_release(fields, &s);
	conf_free(root);
	diag_clear(&d);
}

static void
test_conf_apply_every_error_reported(void **state)
{
	struct sample s;
	struct diag d;
	struct conf_node *root = parse("nmae: x\ncount: 700\non: maybe\n"
	    "window: 1.5s\nmode: bro\nnet: 0.0.0.0/0\nnets: [300.1.1.1]\n", &d);
	char buf[512];

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(conf_apply(root, fields, &s, &d), 7);
	diag_format(&d, 0, buf, sizeof(buf));
	assert_non_null(strstr(buf, "t.yaml:1:1: nmae: unknown key"));
	diag_format(&d, 1, buf, sizeof(buf));
	assert_string_equal(buf, "t.yaml:2:8: count: must be between 1 and 100");
	diag_format(&d, 2, buf, sizeof(buf));
	assert_string_equal(buf, "t.yaml:3:5: on: expected true or false");
	diag_format(&d, 3, buf, sizeof(buf));
	assert_string_equal(buf, "t.yaml:4:9: window: expected whole seconds");
	diag_format(&d, 4, buf, sizeof(buf));
	assert_non_null(strstr(buf, "t.yaml:5:7: mode: unknown value \"bro\"; expected one of: suricata, snort"));
	diag_format(&d, 5, buf, sizeof(buf));
	assert_non_null(strstr(buf, "t.yaml:6:6: net: a /0 prefix"));
	diag_format(&d, 6, buf, sizeof(buf));
	assert_non_null(strstr(buf, "t.yaml:7:8: nets[0]: expected an address"));
	conf_release(fields, &s);
	conf_free(root);
	diag_clear(&d);
}

static void
test_conf_to_msec_units(void **state)
{
	int64_t ms;

	(void)state;
	assert_null(conf_to_msec("90", &ms));
	assert_int_equal(ms, 90000);
	assert_null(conf_to_msec("15m", &ms));
	assert_int_equal(ms, 900000);
	assert_null(conf_to_msec("1w", &ms));
	assert_int_equal(ms, 604800000);
	assert_non_null(conf_to_msec("-1s", &ms));
	assert_non_null(conf_to_msec("5 parsecs", &ms));
	assert_non_null(conf_to_msec("", &ms));
}

static const char *
list_cb(const char *line, int lineno, void *arg)
{
	int *n = arg;
	struct cidr c;

	(void)lineno;
	if (cidr_parse(line, &c) < 0)
		return "not an address or prefix";
	(*n)++;
	return NULL;
}

static void
test_conf_list_file_positions(void **state)
{
	char path[] = "/tmp/redress-test-list-XXXXXX";
	int fd = mkstemp(path), n = 0;
	struct diag d;
	char buf[256];
	static const char text[] = "# our networks\n192.0.2.0/24\n\n"
	    "  2001:db8::/32   # lab\nbogus\n";

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, sizeof(text) - 1), sizeof(text) - 1);
	close(fd);
	diag_init(&d);
	assert_int_equal(conf_list_file(path, list_cb, &n, &d), 0);
	assert_int_equal(n, 2);
	assert_int_equal(d.errors, 1);
	diag_format(&d, 0, buf, sizeof(buf));
	assert_string_equal(buf + strlen(path), ":5: not an address or prefix");
	unlink(path);
	assert_int_equal(conf_list_file(path, list_cb, &n, &d), -1);
	diag_clear(&d);
}

static void
test_config_parse_unknown_section(void **state)
{
	struct diag d;
	struct config *cfg;
	static const char text[] = "general:\n  state_dir: /tmp/x\n"
	    "  log_level: loud\nbogus: 1\n";

	(void)state;
	diag_init(&d);
	cfg = config_parse("r.yaml", text, sizeof(text) - 1, &d);
	assert_null(cfg);
	assert_int_equal(d.errors, 2);
	assert_non_null(strstr(d.v[0].msg, "bogus: unknown section"));
	assert_int_equal(d.v[0].line, 4);
	assert_non_null(strstr(d.v[1].msg, "log_level: unknown value \"loud\""));
	assert_int_equal(d.v[1].line, 3);
	diag_clear(&d);
}

static void
test_config_parse_defaults(void **state)
{
	struct diag d;
	struct config *cfg;

	(void)state;
	diag_init(&d);
	cfg = config_parse("empty.yaml", "", 0, &d);
	assert_non_null(cfg);
	assert_string_equal(cfg->general.database, "/var/lib/redress/state.db");
	assert_int_equal(cfg->general.commit_batch, 2000);
	assert_int_equal(cfg->general.commit_interval_ms, 200);
	config_free(cfg);
	diag_clear(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conf_parse_positions),
		cmocka_unit_test(test_conf_parse_duplicate_key),
		cmocka_unit_test(test_conf_parse_syntax_error),
		cmocka_unit_test(test_conf_parse_not_utf8_position),
		cmocka_unit_test(test_conf_parse_tab_named),
		cmocka_unit_test(test_conf_parse_alias_refused),
		cmocka_unit_test(test_conf_apply_defaults),
		cmocka_unit_test(test_conf_apply_values),
		cmocka_unit_test(test_conf_apply_every_error_reported),
		cmocka_unit_test(test_conf_to_msec_units),
		cmocka_unit_test(test_conf_list_file_positions),
		cmocka_unit_test(test_config_parse_unknown_section),
		cmocka_unit_test(test_config_parse_defaults),
	};

	return cmocka_run_group_tests_name("conf", tests, NULL, NULL);
}
