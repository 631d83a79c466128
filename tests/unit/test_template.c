/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the report template language: variables, lists, inverted
 * sections, escaping of hostile values in headers and body, and the
 * file:line errors of broken templates.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "template.h"

static char *
run(const char *text, struct tmpl_ctx *c, struct err *e)
{
	struct tmpl	*t;
	char		*out;

	if (tmpl_parse("t.tmpl", text, &t, e) == -1)
		return NULL;
	out = tmpl_render(t, c, e);
	tmpl_free(t);
	return out;
}

static void
test_tmpl_render_vars(void **state)
{
	struct tmpl_ctx	*c = tmpl_ctx_new();
	struct err	 e = { "", 0 };
	char		*out;

	(void)state;
	tmpl_ctx_set(c, "src", "212.64.110.94");
	tmpl_ctx_setf(c, "n", "%d", 3);
	out = run("Subject: from {{src}} ({{ n }})\n\nHello {{src}}.\n", c,
	    &e);
	assert_non_null(out);
	assert_string_equal(out, "Subject: from 212.64.110.94 (3)\n\n"
	    "Hello 212.64.110.94.\n");
	free(out);
	tmpl_ctx_free(c);
}

static void
test_tmpl_render_list(void **state)
{
	struct tmpl_ctx	*c = tmpl_ctx_new(), *i;
	struct err	 e = { "", 0 };
	char		*out;

	(void)state;
	tmpl_ctx_set(c, "host", "ftp");
	i = tmpl_ctx_add(c, "ev");
	tmpl_ctx_set(i, "line", "a");
	i = tmpl_ctx_add(c, "ev");
	tmpl_ctx_set(i, "line", "b");
	tmpl_ctx_list(c, "none");
	out = run("\nLog:\n{{#ev}}\n  {{line}} on {{host}}\n{{/ev}}\n"
	    "{{^none}}\nno items\n{{/none}}\n{{#none}}x{{/none}}end\n", c, &e);
	assert_non_null(out);
	assert_string_equal(out, "\nLog:\n  a on ftp\n  b on ftp\n"
	    "no items\nend\n");
	free(out);
	tmpl_ctx_free(c);
}

static void
test_tmpl_render_scalar_section(void **state)
{
	struct tmpl_ctx	*c = tmpl_ctx_new();
	struct err	 e = { "", 0 };
	char		*out;

	(void)state;
	tmpl_ctx_set(c, "pcap", "yes");
	tmpl_ctx_set(c, "empty", "");
	out = run("{{#pcap}}P{{/pcap}}{{#empty}}E{{/empty}}"
	    "{{^empty}}N{{/empty}}{{#missing}}M{{/missing}}"
	    "{{! a comment }}", c, &e);
	assert_non_null(out);
	assert_string_equal(out, "PN");
	free(out);
	tmpl_ctx_free(c);
}

static void
test_tmpl_render_header_injection(void **state)
{
	struct tmpl_ctx	*c = tmpl_ctx_new();
	struct err	 e = { "", 0 };
	char		*out;

	(void)state;
	tmpl_ctx_set(c, "ptr", "evil.example\r\nBcc: victim@example.org");
	out = run("Subject: scan from {{&ptr}}\n\nbody {{ptr}}\n"
	    "raw {{&ptr}}\n", c, &e);
	assert_non_null(out);
	assert_string_equal(out,
	    "Subject: scan from evil.exampleBcc: victim@example.org\n\n"
	    "body evil.example  Bcc: victim@example.org\n"
	    "raw evil.example \nBcc: victim@example.org\n");
	free(out);
	tmpl_ctx_free(c);
}

/* Line breaks and bidi controls a mail reader honours, and bytes that
 * are not UTF-8, are shown as escapes in headers and body. */
static void
test_tmpl_render_unicode_controls(void **state)
{
	struct tmpl_ctx	*c = tmpl_ctx_new();
	struct err	 e = { "", 0 };
	char		*out;

	(void)state;
	tmpl_ctx_set(c, "v", "a\xe2\x80\xa8" "b\xe2\x80\xa9" "c\xc2\x85"
	    "d\xe2\x80\xae" "e\xe2\x81\xa6" "f\xff\xc3" "g\xc3\xa9");
	out = run("Subject: {{v}}\n\nbody {{v}}\nraw {{&v}}\n", c, &e);
	assert_non_null(out);
	assert_string_equal(out,
	    "Subject: a\\u2028b\\u2029c\\u0085d\\u202Ee\\u2066f\\xFF\\xC3g\xc3\xa9\n\n"
	    "body a\\u2028b\\u2029c\\u0085d\\u202Ee\\u2066f\\xFF\\xC3g\xc3\xa9\n"
	    "raw a\\u2028b\\u2029c\\u0085d\\u202Ee\\u2066f\\xFF\\xC3g\xc3\xa9\n");
	free(out);
	tmpl_ctx_free(c);
}

static void
test_tmpl_parse_errors(void **state)
{
	static const struct {
		const char	*text;
		const char	*msg;
	} bad[] = {
		{ "a\nb {{x", "t.tmpl:2: unclosed \"{{\"" },
		{ "a\n\n{{#l}}\nx\n{{/m}}\n",
		    "t.tmpl:5: \"{{/m}}\" closes section \"l\" opened at line 3" },
		{ "{{/l}}", "t.tmpl:1: \"{{/l}}\" closes no section" },
		{ "x\n{{#l}}\n", "t.tmpl:2: section \"l\" is never closed" },
		{ "\n\n\n{{a b}}", "t.tmpl:4: bad tag \"{{a b}}\"" },
	};
	struct tmpl	*t;
	struct err	 e;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err_clear(&e);
		assert_int_equal(tmpl_parse("t.tmpl", bad[i].text, &t, &e),
		    -1);
		assert_null(t);
		assert_string_equal(e.msg, bad[i].msg);
	}
}

static void
test_tmpl_render_unknown(void **state)
{
	struct tmpl_ctx	*c = tmpl_ctx_new();
	struct err	 e = { "", 0 };

	(void)state;
	assert_null(run("a\n\nb {{nope}}\n", c, &e));
	assert_string_equal(e.msg, "t.tmpl:3: {{nope}} is not a known value");
	tmpl_ctx_free(c);
}

static void
test_tmpl_split_parts(void **state)
{
	char	 s[] = "Subject: x\nX-A: y\n\nbody\n\nmore\n";
	char	*h, *b;

	(void)state;
	tmpl_split(s, &h, &b);
	assert_string_equal(h, "Subject: x\nX-A: y\n");
	assert_string_equal(b, "body\n\nmore\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tmpl_render_vars),
		cmocka_unit_test(test_tmpl_render_list),
		cmocka_unit_test(test_tmpl_render_scalar_section),
		cmocka_unit_test(test_tmpl_render_header_injection),
		cmocka_unit_test(test_tmpl_render_unicode_controls),
		cmocka_unit_test(test_tmpl_parse_errors),
		cmocka_unit_test(test_tmpl_render_unknown),
		cmocka_unit_test(test_tmpl_split_parts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
