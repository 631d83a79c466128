/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of sid-msg.map (v1 and v2), gen-msg.map and
 * classification.config loading: lookups, file:line errors, the built-in
 * Snort default classifications, and a large map.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <unistd.h>

#include "sidmap.h"

static char *
tmpfile_with(const char *text)
{
	static char paths[8][64];
	static int n;
	char *p = paths[n++ % 8];
	int fd;

	snprintf(p, 64, "/tmp/redress-sidmap.XXXXXX");
	fd = mkstemp(p);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return p;
}

static int
has_diag(const struct diag *d, const char *want)
{
	char buf[1024];
	size_t i;

	for (i = 0; i < d->n; i++) {
		diag_format(d, i, buf, sizeof(buf));
		if (strstr(buf, want))
			return 1;
	}
	return 0;
}

static void
test_sidmsg_v1_v2(void **state)
{
	struct sidmap *sm = sidmap_new();
	struct diag d;
	char *v1 = tmpfile_with(
	    "# comment\n"
	    "\n"
	    "498 || GPL ATTACK_RESPONSE id check returned root || "
	    "url,example.com\n"
	    "2003058 || ET TROJAN something #2 with a hash\r\n"
	    "abc || not a sid\n"
	    "17\n");
	char *v2 = tmpfile_with(
	    "#v2\n"
	    "1 || 2010001 || 3 || web-application-attack || 1 || "
	    "ET WEB test || url,x\n"
	    "3 || 19187 || 9 || attempted-admin || 0 || PROTOCOL-DNS v2 ||\n");
	char *gen = tmpfile_with(
	    "119 || 2 || (http_inspect) DOUBLE DECODING ATTACK\n"
	    "120 || 3 || (http_inspect) NO CONTENT-LENGTH\n"
	    "120 || x || bad\n");

	(void)state;
	diag_init(&d);
	assert_int_equal(sidmap_load_sidmsg(sm, v1, &d), 0);
	assert_int_equal(sidmap_load_sidmsg(sm, v2, &d), 0);
	assert_int_equal(sidmap_load_genmsg(sm, gen, &d), 0);
	assert_string_equal(sidmap_msg(sm, 1, 498),
	    "GPL ATTACK_RESPONSE id check returned root");
	assert_string_equal(sidmap_msg(sm, 1, 2003058),
	    "ET TROJAN something #2 with a hash");
	assert_string_equal(sidmap_msg(sm, 1, 2010001), "ET WEB test");
	assert_string_equal(sidmap_msg(sm, 3, 19187), "PROTOCOL-DNS v2");
	assert_string_equal(sidmap_msg(sm, 120, 3),
	    "(http_inspect) NO CONTENT-LENGTH");
	assert_null(sidmap_msg(sm, 1, 499));
	assert_null(sidmap_msg(sm, 2, 498));
	assert_null(sidmap_msg(NULL, 1, 498));
	assert_int_equal(sidmap_count(sm), 6);
	/* errors name the file and line */
	assert_int_equal(d.errors, 3);
	{
		char want[128];

		snprintf(want, sizeof(want), "%s:5:", v1);
		assert_true(has_diag(&d, want));
		snprintf(want, sizeof(want), "%s:6:", v1);
		assert_true(has_diag(&d, want));
		snprintf(want, sizeof(want), "%s:3:", gen);
		assert_true(has_diag(&d, want));
	}
	diag_clear(&d);
	sidmap_free(sm);
	unlink(v1);
	unlink(v2);
	unlink(gen);
}

static void
test_classification(void **state)
{
	struct sidmap *sm = sidmap_new();
	struct diag d;
	const struct sidmap_class *c;
	char *cf = tmpfile_with(
	    "# classification.config\n"
	    "config classification: not-suspicious,Not Suspicious Traffic,3\n"
	    "config classification: web-application-attack,Web Application "
	    "Attack,1\n"
	    "config reference: bugtraq http://x/\n"
	    "config classification: odd, Desc, with comma ,2\n"
	    "config classification: broken\n"
	    "config classification: x,y,notanumber\n");

	(void)state;
	/* without a file: Snort 2.9's default table */
	c = sidmap_class(NULL, 3);
	assert_non_null(c);
	assert_string_equal(c->name, "bad-unknown");
	assert_string_equal(c->desc, "Potentially Bad Traffic");
	assert_string_equal(sidmap_class(NULL, 21)->name, "trojan-activity");
	assert_string_equal(sidmap_class(NULL, 38)->name,
	    "client-side-exploit");
	assert_null(sidmap_class(NULL, 0));
	assert_null(sidmap_class(NULL, 39));

	diag_init(&d);
	assert_int_equal(sidmap_load_classes(sm, cf, &d), 0);
	assert_int_equal(sidmap_nclasses(sm), 3);
	c = sidmap_class(sm, 2);
	assert_string_equal(c->name, "web-application-attack");
	assert_string_equal(c->desc, "Web Application Attack");
	assert_int_equal(c->priority, 1);
	c = sidmap_class(sm, 3);
	assert_string_equal(c->name, "odd");
	assert_string_equal(c->desc, "Desc, with comma");
	assert_null(sidmap_class(sm, 4));
	assert_int_equal(d.errors, 2);
	diag_clear(&d);
	assert_int_equal(sidmap_load_classes(sm, "/nonexistent/c.config", &d),
	    -1);
	assert_true(has_diag(&d, "/nonexistent/c.config"));
	diag_clear(&d);
	sidmap_free(sm);
	unlink(cf);
}

static void
test_large_map(void **state)
{
	struct sidmap *sm = sidmap_new();
	struct diag d;
	char path[] = "/tmp/redress-sidmap-big.XXXXXX";
	char want[64];
	FILE *f;
	int fd = mkstemp(path);
	uint32_t i;

	(void)state;
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	for (i = 1; i <= 60000; i++)
		fprintf(f, "1 || %u || 1 || misc-activity || 3 || MSG %u ||\n",
		    i * 7, i);
	fclose(f);
	diag_init(&d);
	assert_int_equal(sidmap_load_sidmsg(sm, path, &d), 0);
	assert_int_equal(d.errors, 0);
	assert_int_equal(sidmap_count(sm), 60000);
	for (i = 1; i <= 60000; i += 997) {
		snprintf(want, sizeof(want), "MSG %u", i);
		assert_string_equal(sidmap_msg(sm, 1, i * 7), want);
		assert_null(sidmap_msg(sm, 1, i * 7 + 1));
	}
	diag_clear(&d);
	sidmap_free(sm);
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sidmsg_v1_v2),
		cmocka_unit_test(test_classification),
		cmocka_unit_test(test_large_map),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
