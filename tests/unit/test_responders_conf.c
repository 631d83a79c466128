/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the "responders:" section: defaults, both forms (list and
 * mapping), every backend's keys checked with file:line, unknown types and
 * keys refused, duplicate names, and the repeat-offender escalation.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "config.h"
#include "responder.h"
#include "responders_conf.h"

static struct config *
parse(const char *yaml, struct diag *d)
{
	diag_init(d);
	return config_parse("t.yaml", yaml, strlen(yaml), d);
}

/* 1 if some diagnostic contains both needles. */
static int
has_diag(const struct diag *d, const char *a, const char *b)
{
	char buf[1024];
	size_t i;

	for (i = 0; i < d->n; i++) {
		diag_format(d, i, buf, sizeof(buf));
		if (strstr(buf, a) && (b == NULL || strstr(buf, b)))
			return 1;
	}
	return 0;
}

static void
test_defaults(void **state)
{
	struct diag d;
	struct config *cfg = parse("general:\n  state_dir: /tmp\n", &d);

	(void)state;
	assert_non_null(cfg);
	assert_non_null(cfg->responders);
	assert_int_equal(cfg->responders->n, 0);
	assert_int_equal(cfg->responders->cap_per_minute, 600);
	assert_int_equal(cfg->responders->repeat_factor, 2);
	assert_int_equal(cfg->responders->max_duration, 7 * 86400);
	assert_int_equal(cfg->responders->reconcile_interval, 300);
	assert_int_equal(cfg->responders->default_duration, 3600);
	config_free(cfg);
	diag_clear(&d);
}

static void
test_mapping_form(void **state)
{
	struct diag d;
	struct config *cfg = parse(
	    "responders:\n"
	    "  cap_per_minute: 5\n"
	    "  repeat_factor: 3\n"
	    "  max_duration: 1d\n"
	    "  reconcile_interval: 30s\n"
	    "  backends:\n"
	    "    - type: nftables\n"
	    "      table: ip fw\n"
	    "      set4: bad4\n"
	    "    - type: ipset\n"
	    "      maxelem: 1000\n"
	    "    - type: iptables\n"
	    "    - type: hostsdeny\n"
	    "      path: /tmp/hd\n"
	    "    - type: exec\n"
	    "      name: site\n"
	    "      program: /bin/true\n"
	    "      args: [--zone, dmz]\n", &d);

	(void)state;
	assert_non_null(cfg);
	assert_int_equal(d.errors, 0);
	assert_int_equal(cfg->responders->cap_per_minute, 5);
	assert_int_equal(cfg->responders->repeat_factor, 3);
	assert_int_equal(cfg->responders->max_duration, 86400);
	assert_int_equal(cfg->responders->reconcile_interval, 30);
	assert_int_equal(cfg->responders->n, 5);
	assert_string_equal(cfg->responders->v[0]->name, "nftables");
	assert_ptr_equal(cfg->responders->v[0]->ops, &resp_nftables);
	assert_ptr_equal(cfg->responders->v[1]->ops, &resp_ipset);
	assert_ptr_equal(cfg->responders->v[2]->ops, &resp_iptables);
	assert_ptr_equal(cfg->responders->v[3]->ops, &resp_hostsdeny);
	assert_string_equal(cfg->responders->v[4]->name, "site");
	assert_ptr_equal(cfg->responders->v[4]->ops, &resp_exec);
	config_free(cfg);
	diag_clear(&d);
}

static void
test_list_form(void **state)
{
	struct diag d;
	struct config *cfg = parse("responders:\n  - type: nftables\n"
	    "  - type: iptables\n    chain: RDR\n", &d);

	(void)state;
	assert_non_null(cfg);
	assert_int_equal(cfg->responders->n, 2);
	assert_int_equal(cfg->responders->cap_per_minute, 600);
	config_free(cfg);
	diag_clear(&d);
}

static void
test_errors(void **state)
{
	struct diag d;
	struct config *cfg = parse(
	    "responders:\n"
	    "  cap_per_minit: 5\n"			/* 2 */
	    "  backends:\n"
	    "    - type: pf\n"				/* 4 */
	    "    - type: nftables\n"
	    "      set6: other6\n"			/* 6 */
	    "    - type: exec\n"
	    "      program: relative/path\n"		/* 8 */
	    "    - type: nftables\n"			/* 9: duplicate */
	    "    - type: ipset\n"
	    "      set4: \"a b\"\n"			/* 11 */
	    "    - type: iptables\n"
	    "      chain: INPUT\n"			/* 13: = parent */
	    "    - type: exec\n"			/* 14: no program */
	    "      name: other\n"
	    "    - type: nftables\n"
	    "      name: n2\n"
	    "      input: false\n"		/* input and forward off */
	    "    - type: hostsdeny\n"
	    "      tabel: inet x\n", &d);		/* 20 */

	(void)state;
	assert_null(cfg);
	assert_true(has_diag(&d, "t.yaml:2:", "cap_per_minit"));
	assert_true(has_diag(&d, "t.yaml:4:", "unknown responder type"));
	assert_true(has_diag(&d, "t.yaml:20:", "tabel"));
	assert_true(has_diag(&d, "t.yaml:8:", "absolute"));
	assert_true(has_diag(&d, "t.yaml:9:", "second responder"));
	assert_true(has_diag(&d, "set4/set6", NULL));
	assert_true(has_diag(&d, "chain/parent", NULL));
	assert_true(has_diag(&d, "program", NULL));
	assert_true(has_diag(&d, "drop nothing", NULL));
	diag_clear(&d);
}

static void
test_escalate(void **state)
{
	struct responders_conf *rc = responders_conf_defaults();

	(void)state;
	rc->repeat_factor = 2;
	rc->max_duration = 86400;
	assert_int_equal(responders_escalate(rc, 3600, 0), 3600);
	assert_int_equal(responders_escalate(rc, 3600, 1), 7200);
	assert_int_equal(responders_escalate(rc, 3600, 3), 28800);
	assert_int_equal(responders_escalate(rc, 3600, 5), 86400);
	assert_int_equal(responders_escalate(rc, 3600, 1000), 86400);
	/* 0: the default duration */
	assert_int_equal(responders_escalate(rc, 0, 0), 3600);
	/* asked for longer than the cap: kept, not shortened */
	assert_int_equal(responders_escalate(rc, 2 * 86400, 2), 2 * 86400);
	rc->repeat_factor = 1;
	assert_int_equal(responders_escalate(rc, 600, 9), 600);
	responders_conf_release(rc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_mapping_form),
		cmocka_unit_test(test_list_form),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_escalate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
