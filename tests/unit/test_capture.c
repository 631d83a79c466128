/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the capture responder without privileges: configuration
 * errors and defaults, the pcap's place (state_dir, dir, evidence_dir),
 * the BPF filter for hosts and prefixes, and dry-run output.
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

#include "capture.h"
#include "responder.h"
#include "xmalloc.h"
#include "diag_has.h"

struct fix {
	struct conf_node	*root;
	struct responder	 r;
	struct diag		 d;
	char			*out;
	size_t			 outlen;
};

/* Configures from YAML: the root mapping, or with in_list the first entry
 * of a top-level `responders:` list. Returns the errors added. */
static size_t
fix_conf(struct fix *f, const char *yaml, int in_list, int dry)
{
	const struct conf_node	*n;

	memset(f, 0, sizeof(*f));
	diag_init(&f->d);
	f->root = conf_parse("t.yaml", yaml, strlen(yaml), &f->d);
	assert_non_null(f->root);
	n = f->root;
	if (in_list) {
		n = conf_get(f->root, "responders");
		assert_non_null(n);
		n = n->child;
	}
	f->r.ops = &resp_capture;
	f->r.conf = n;
	f->r.dry_run = dry;
	f->r.dry_out = open_memstream(&f->out, &f->outlen);
	f->r.priv = xcalloc(1, resp_capture.priv_size);
	return resp_capture.configure(&f->r, n, &f->d);
}

static void
fix_free(struct fix *f)
{
	f->r.ops->close(&f->r);
	f->r.ops->release(&f->r);
	free(f->r.priv);
	fclose(f->r.dry_out);
	free(f->out);
	conf_free(f->root);
	diag_clear(&f->d);
}

static struct resp_block
blk(const char *net, int64_t id, const char *evdir)
{
	struct resp_block	b;

	memset(&b, 0, sizeof(b));
	assert_int_equal(cidr_parse(net, &b.net), 0);
	b.incident_id = id;
	b.duration_s = 3600;
	if (evdir != NULL)
		strlcpy_r(b.evidence_dir, evdir, sizeof(b.evidence_dir));
	return b;
}

/* Applies one block in dry-run and returns the output (static copy). */
static const char *
dry(struct fix *f, const struct resp_block *b)
{
	static char	 copy[1024];
	struct err	 e = { "", 0 };

	assert_int_equal(f->r.ops->apply(&f->r, b, 1, &e), 0);
	fflush(f->r.dry_out);
	strlcpy_r(copy, f->out != NULL ? f->out : "", sizeof(copy));
	return copy;
}

static void
test_capture_configure_errors(void **state)
{
	struct fix	f;

	(void)state;
	assert_true(fix_conf(&f, "type: capture\nseconds: 5\n", 0, 1) > 0);
	assert_true(diag_has(&f.d, "missing required key \"interface\""));
	fix_free(&f);

	assert_true(fix_conf(&f, "interface: eth0\nmodule: dpdk\n", 0, 1) > 0);
	assert_true(diag_has(&f.d, "t.yaml:2:9: module: unknown value "
	    "\"dpdk\""));
	fix_free(&f);

	assert_int_equal(fix_conf(&f, "interface: eth0\nseconds: 0\n"
	    "packets: 0\nsnaplen: 10\nmax_concurrent: 1000\n", 0, 1), 4);
	assert_true(diag_has(&f.d, "seconds: duration out of range"));
	fix_free(&f);

	assert_true(fix_conf(&f, "interface: eth0\nfilter: tcp\n", 0, 1) > 0);
	assert_true(diag_has(&f.d, "filter: unknown key"));
	fix_free(&f);

	assert_true(fix_conf(&f, "interface: -i\n", 0, 1) > 0);
	assert_true(diag_has(&f.d, "not an interface name"));
	fix_free(&f);

	assert_int_equal(fix_conf(&f, "type: capture\nname: ev\ninterface: "
	    "eth0\nmodule: afpacket\nseconds: 2m\npackets: 5\n", 0, 1), 0);
	fix_free(&f);
}

static void
test_capture_dry_run_defaults(void **state)
{
	struct fix		f;
	struct resp_block	b = blk("198.51.100.7", 42, NULL);
	struct err		e = { "", 0 };

	(void)state;
	assert_int_equal(fix_conf(&f, "interface: eth0\n", 0, 1), 0);
	assert_int_equal(f.r.ops->open(&f.r, &e), 0);
	assert_string_equal(dry(&f, &b), "capture: would capture host "
	    "198.51.100.7 on eth0 for 60s/1000 packets into "
	    "/var/lib/redress/captures/incident-42.pcap\n");
	/* Nothing to revert, nothing said. */
	assert_int_equal(f.r.ops->revert(&f.r, &b, 1, &e), 0);
	assert_int_equal(capture_wait_idle(&f.r, 10), 0);
	fix_free(&f);
}

static void
test_capture_dry_run_state_dir(void **state)
{
	struct fix		f;
	struct resp_block	b = blk("2001:db8::66", 7, NULL);

	(void)state;
	assert_int_equal(fix_conf(&f, "general:\n  state_dir: /srv/rd\n"
	    "responders:\n  - type: capture\n    interface: eth1\n"
	    "    seconds: 30\n    packets: 50\n", 1, 1), 0);
	assert_string_equal(dry(&f, &b), "capture: would capture host "
	    "2001:db8::66 on eth1 for 30s/50 packets into "
	    "/srv/rd/captures/incident-7.pcap\n");
	fix_free(&f);
}

static void
test_capture_dry_run_dir_evidence_net(void **state)
{
	struct fix		f;
	struct resp_block	b1 = blk("203.0.113.0/24", 9, NULL);
	struct resp_block	b2 = blk("192.0.2.1", 10, "/var/ev/10");
	struct resp_block	b3 = blk("2001:db8:1::/48", 11, NULL);
	struct err		e = { "", 0 };

	(void)state;
	assert_int_equal(fix_conf(&f, "interface: eth2\ndir: /cap\n"
	    "seconds: 5\npackets: 20\n", 0, 1), 0);
	assert_int_equal(f.r.ops->apply(&f.r, &b1, 1, &e), 0);
	assert_int_equal(f.r.ops->apply(&f.r, &b2, 1, &e), 0);
	assert_string_equal(dry(&f, &b3),
	    "capture: would capture net 203.0.113.0/24 on eth2 for 5s/20 "
	    "packets into /cap/incident-9.pcap\n"
	    "capture: would capture host 192.0.2.1 on eth2 for 5s/20 "
	    "packets into /var/ev/10/incident-10.pcap\n"
	    "capture: would capture net 2001:db8:1::/48 on eth2 for 5s/20 "
	    "packets into /cap/incident-11.pcap\n");
	fix_free(&f);
}

static void
test_capture_dry_run_manual_block(void **state)
{
	struct fix		f;
	struct resp_block	b = blk("2001:db8::/64", 0, NULL);
	const char		*out, *p;

	(void)state;
	assert_int_equal(fix_conf(&f, "interface: eth0\ndir: /c\n", 0, 1), 0);
	out = dry(&f, &b);
	p = "capture: would capture net 2001:db8::/64 on eth0 for 60s/1000 "
	    "packets into /c/capture-2001_db8___64-";
	assert_memory_equal(out, p, strlen(p));
	assert_non_null(strstr(out, ".pcap\n"));
	fix_free(&f);
}

static void
test_capture_not_open(void **state)
{
	struct fix		f;
	struct resp_block	b = blk("192.0.2.1", 1, NULL);
	struct err		e = { "", 0 };
	char			dir[] = "/tmp/redress-cap-XXXXXX", *y;

	(void)state;
	assert_non_null(mkdtemp(dir));
	y = xasprintf("interface: lo\ndir: %s/a/b\nmodule_dir: %s/none\n",
	    dir, dir);
	assert_int_equal(fix_conf(&f, y, 0, 0), 0);
	assert_int_equal(f.r.ops->apply(&f.r, &b, 1, &e), -1);
	assert_string_equal(e.msg, "capture: not open");
	err_clear(&e);
	assert_int_equal(f.r.ops->open(&f.r, &e), -1);
	assert_non_null(strstr(e.msg, "module_dir"));
	assert_null(f.out != NULL && f.out[0] != '\0' ? f.out : NULL);
	fix_free(&f);
	free(y);
	/* open() made the capture dir, parents included, then refused. */
	y = xasprintf("%s/a/b", dir);
	assert_int_equal(rmdir(y), 0);
	free(y);
	y = xasprintf("%s/a", dir);
	assert_int_equal(rmdir(y), 0);
	free(y);
	assert_int_equal(rmdir(dir), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_capture_configure_errors),
		cmocka_unit_test(test_capture_dry_run_defaults),
		cmocka_unit_test(test_capture_dry_run_state_dir),
		cmocka_unit_test(test_capture_dry_run_dir_evidence_net),
		cmocka_unit_test(test_capture_dry_run_manual_block),
		cmocka_unit_test(test_capture_not_open),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
