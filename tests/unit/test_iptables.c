/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the iptables responder with scripts in place of iptables
 * and iptables-restore (each logs its argv; restore also its stdin): a
 * batch of 2,000 blocks is one restore run per family, rules already
 * present are skipped, repeats in a batch go in once, and a removal
 * deletes every copy the chain holds.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "conf.h"
#include "responder.h"

static char dir[32], ipt[64], rst[64], calls[64], held[64];

static void
script(const char *path, const char *body)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fprintf(f, "#!/bin/sh\n%s", body);
	fclose(f);
	chmod(path, 0755);
}

/* What `iptables -S REDRESS` prints. */
static void
write_held(const char *text)
{
	FILE *f = fopen(held, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 1 << 20);
	size_t n;

	if (f == NULL)
		return buf;
	n = fread(buf, 1, (1 << 20) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static size_t
count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (; (hay = strstr(hay, needle)) != NULL; hay++)
		n++;
	return n;
}

static int
setup(void **state)
{
	char body[512];

	(void)state;
	strcpy(dir, "/tmp/redress-ti.XXXXXX");	/* lint: ok (test) */
	assert_non_null(mkdtemp(dir));
	snprintf(ipt, sizeof(ipt), "%s/iptables", dir);
	snprintf(rst, sizeof(rst), "%s/restore", dir);
	snprintf(calls, sizeof(calls), "%s/calls", dir);
	snprintf(held, sizeof(held), "%s/held", dir);
	/* -S prints the rules the test put in "held"; the rest succeeds. */
	snprintf(body, sizeof(body), "echo \"ipt $*\" >>%s\n"
	    "[ \"$2\" = -S ] && cat %s 2>/dev/null\nexit 0\n", calls, held);
	script(ipt, body);
	snprintf(body, sizeof(body), "echo \"restore $*\" >>%s\n"
	    "cat >>%s\n", calls, calls);
	script(rst, body);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	unlink(ipt);
	unlink(rst);
	unlink(calls);
	unlink(held);
	rmdir(dir);
	return 0;
}

static struct responder *
open_ipt(struct conf_node **root)
{
	char yaml[512];
	struct diag d;
	struct responder *r;

	snprintf(yaml, sizeof(yaml), "type: iptables\niptables: %s\n"
	    "ip6tables: %s\niptables_restore: %s\nip6tables_restore: %s\n",
	    ipt, ipt, rst, rst);
	diag_init(&d);
	*root = conf_parse("t.yaml", yaml, strlen(yaml), &d);
	assert_non_null(*root);
	r = responder_new(&resp_iptables, *root, &d);
	assert_int_equal(d.errors, 0);
	diag_clear(&d);
	assert_non_null(r);
	return r;
}

static void
test_iptables_one_restore_per_batch(void **state)
{
	struct conf_node *root;
	struct responder *r = open_ipt(&root);
	struct resp_block *v = calloc(2002, sizeof(*v));
	struct err e = { "", 0 };
	char a[64], *log;
	size_t i;

	(void)state;
	for (i = 0; i < 2000; i++) {
		snprintf(a, sizeof(a), "198.%zu.%zu.1", 18 + i / 250, i % 250);
		assert_int_equal(cidr_parse(a, &v[i].net), 0);
	}
	cidr_parse("2001:db8::7", &v[2000].net);
	cidr_parse("198.18.0.1", &v[2001].net);	/* a repeat */
	/* 198.18.1.1 is held already. */
	write_held("-N REDRESS\n-A REDRESS -s 198.18.1.1/32 -j DROP\n");
	unlink(calls);
	assert_int_equal(r->ops->apply(r, v, 2002, &e), 0);
	log = slurp(calls);
	assert_int_equal(count(log, "restore -w --noflush\n"), 2);
	assert_int_equal(count(log, "ipt "), 2);	/* the two -S lists */
	assert_int_equal(count(log, "*filter\n"), 2);
	assert_int_equal(count(log, "COMMIT\n"), 2);
	assert_int_equal(count(log, "-A REDRESS -s "), 2000);
	assert_int_equal(count(log, "-A REDRESS -s 198.18.0.1/32 -j DROP\n"),
	    1);
	assert_int_equal(count(log, "-A REDRESS -s 198.18.1.1/32 "), 0);
	assert_int_equal(count(log, "-A REDRESS -s 2001:db8::7/128 -j DROP\n"),
	    1);
	free(log);
	free(v);
	responder_free(r);
	conf_free(root);
}

static void
test_iptables_revert_every_copy(void **state)
{
	struct conf_node *root;
	struct responder *r = open_ipt(&root);
	struct resp_block v[2];
	struct err e = { "", 0 };
	char *log;

	(void)state;
	memset(v, 0, sizeof(v));
	cidr_parse("198.18.1.1", &v[0].net);
	cidr_parse("198.18.9.9", &v[1].net);	/* not there */
	write_held("-N REDRESS\n-A REDRESS -s 198.18.1.1/32 -j DROP\n"
	    "-A REDRESS -s 198.18.1.1/32 -j DROP\n");
	unlink(calls);
	assert_int_equal(r->ops->revert(r, v, 2, &e), 0);
	log = slurp(calls);
	assert_int_equal(count(log, "restore -w --noflush\n"), 1);
	assert_int_equal(count(log, "-D REDRESS -s 198.18.1.1/32 -j DROP\n"),
	    2);
	assert_int_equal(count(log, "198.18.9.9"), 0);
	free(log);
	responder_free(r);
	conf_free(root);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iptables_one_restore_per_batch),
		cmocka_unit_test(test_iptables_revert_every_copy),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
