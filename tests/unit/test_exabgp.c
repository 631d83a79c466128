/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the exabgp responder: the exact API lines for IPv4 and
 * IPv6 blocks (one prefix: "announce route", several: grouped by family,
 * at most `batch` a line), configuration errors with their place, the
 * whitelist checked once more inside the responder, and the helper
 * protocol with a fake helper: the routes held are announced when it
 * connects, and ExaBGP's "error" fails the block.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <cmocka.h>

#include "config.h"
#include "responder.h"
#include "responders_conf.h"
#include "whitelist.h"

static struct config *
parse(const char *yaml, struct diag *d)
{
	diag_init(d);
	return config_parse("t.yaml", yaml, strlen(yaml), d);
}

static struct responder *
exabgp(struct config **cfg, const char *extra)
{
	char yaml[1024];
	struct diag d;

	snprintf(yaml, sizeof(yaml), "responders:\n  backends:\n"
	    "    - type: exabgp\n      socket: /tmp/redress-test-xb-%d.sock\n"
	    "%s", (int)getpid(), extra);
	*cfg = parse(yaml, &d);
	assert_non_null(*cfg);
	diag_clear(&d);
	assert_int_equal((*cfg)->responders->n, 1);
	return (*cfg)->responders->v[0];
}

static void
blocks(struct resp_block *v, const char *const *s, size_t n)
{
	size_t i;

	memset(v, 0, n * sizeof(*v));
	for (i = 0; i < n; i++)
		assert_int_equal(cidr_parse(s[i], &v[i].net), 0);
}

/* What apply and revert print in dry-run. */
static char *
dry(struct responder *r, const struct resp_block *v, size_t n, int revert)
{
	char *buf = NULL;
	size_t len = 0;
	struct err e = { 0 };

	r->dry_run = 1;
	r->dry_out = open_memstream(&buf, &len);
	assert_int_equal(r->ops->open(r, &e), 0);
	assert_int_equal((revert ? r->ops->revert : r->ops->apply)(r, v, n,
	    &e), 0);
	r->ops->close(r);
	fclose(r->dry_out);
	return buf;
}

static void
test_lines_grouped(void **state)
{
	static const char *const nets[] = { "198.51.100.7", "2001:db8::5",
		"198.51.100.8", "203.0.113.0/24", "2001:db8:1::/48" };
	struct config *cfg;
	struct responder *r = exabgp(&cfg, "      batch: 2\n");
	struct resp_block v[5];
	char *out;

	(void)state;
	blocks(v, nets, 5);
	out = dry(r, v, 5, 0);
	assert_string_equal(out,
	    "exabgp announce attributes next-hop 192.0.2.1 community "
	    "[65535:666] nlri 198.51.100.7/32 198.51.100.8/32\n"
	    "exabgp announce route 203.0.113.0/24 next-hop 192.0.2.1 "
	    "community [65535:666]\n"
	    "exabgp announce attributes next-hop 100::1 community "
	    "[65535:666] nlri 2001:db8::5/128 2001:db8:1::/48\n");
	free(out);
	out = dry(r, v, 1, 1);
	assert_string_equal(out, "exabgp withdraw route 198.51.100.7/32 "
	    "next-hop 192.0.2.1 community [65535:666]\n");
	free(out);
	config_free(cfg);
}

static void
test_lines_options(void **state)
{
	static const char *const nets[] = { "2001:db8::9" };
	struct config *cfg;
	struct responder *r = exabgp(&cfg, "      next_hop6: 2001:db8:ff::1\n"
	    "      communities: [\"65535:666\", \"64512:42\"]\n"
	    "      neighbor: 10.0.0.1\n");
	struct resp_block v[1];
	char *out;

	(void)state;
	blocks(v, nets, 1);
	out = dry(r, v, 1, 0);
	assert_string_equal(out, "exabgp neighbor 10.0.0.1 announce route "
	    "2001:db8::9/128 next-hop 2001:db8:ff::1 community "
	    "[65535:666 64512:42]\n");
	free(out);
	config_free(cfg);
}

static void
test_conf_errors(void **state)
{
	struct diag d;
	struct config *cfg = parse("responders:\n  backends:\n"
	    "    - type: exabgp\n      next_hop: 2001:db8::1\n"
	    "      communities: [\"65535:70000\"]\n      neighbor: x\n", &d);
	char buf[512];
	size_t i;
	int nh = 0, comm = 0, nb = 0;

	(void)state;
	assert_null(cfg);
	for (i = 0; i < d.n; i++) {
		diag_format(&d, i, buf, sizeof(buf));
		nh += strstr(buf, "t.yaml:4:") && strstr(buf, "IPv4") != NULL;
		comm += strstr(buf, "t.yaml:5:") &&
		    strstr(buf, "65535:70000") != NULL;
		nb += strstr(buf, "t.yaml:6:") && strstr(buf, "neighbor") !=
		    NULL;
	}
	assert_int_equal(nh, 1);
	assert_int_equal(comm, 1);
	assert_int_equal(nb, 1);
	diag_clear(&d);
}

/* Without a speaker the routes wait in the table list() reports. */
static int
count_cb(void *arg, const struct cidr *net, int64_t remaining)
{
	(void)net;
	(void)remaining;
	(*(int *)arg)++;
	return 0;
}

static void
test_whitelist_inside(void **state)
{
	static const char *const nets[] = { "10.1.2.3", "198.51.100.7" };
	struct config *cfg;
	struct responder *r = exabgp(&cfg, "");
	struct whitelist *wl = whitelist_new();
	struct resp_block v[2];
	struct cidr own;
	struct err e = { 0 };
	int n = 0;

	(void)state;
	assert_int_equal(cidr_parse("10.0.0.0/8", &own), 0);
	whitelist_add(wl, &own);
	r->wl = wl;
	blocks(v, nets, 2);
	assert_int_equal(r->ops->open(r, &e), 0);
	assert_int_equal(r->ops->apply(r, v, 2, &e), -1);
	assert_non_null(strstr(e.msg, "10.1.2.3/32 is whitelisted"));
	assert_int_equal(r->ops->list(r, count_cb, &n, &e), 0);
	assert_int_equal(n, 1);		/* only 198.51.100.7 */
	r->ops->close(r);
	whitelist_free(wl);
	config_free(cfg);
}

/* Reads one line from fd into buf (bounded), 0 or -1. */
static int
read_line(int fd, char *buf, size_t len)
{
	size_t n = 0;

	while (n + 1 < len) {
		if (read(fd, buf + n, 1) != 1)
			return -1;
		if (buf[n++] == '\n')
			break;
	}
	buf[n] = '\0';
	return 0;
}

struct fake {
	int	fd;
	char	line[1024];
};

/* ExaBGP's side for one command: reads it, answers "error". */
static void *
fake_error(void *arg)
{
	struct fake *f = arg;

	if (read_line(f->fd, f->line, sizeof(f->line)) == 0)
		(void)!write(f->fd, "error\n", 6);
	return NULL;
}

static void
test_helper_protocol(void **state)
{
	static const char *const nets[] = { "198.51.100.7", "198.51.100.8",
		"203.0.113.9" };
	struct config *cfg;
	struct responder *r = exabgp(&cfg, "      timeout: 2s\n");
	struct resp_block v[3];
	struct sockaddr_un sa;
	struct err e = { 0 };
	struct fake f;
	pthread_t th;
	char line[1024];
	int fd, n;

	(void)state;
	blocks(v, nets, 3);
	assert_int_equal(r->ops->open(r, &e), 0);
	/* Before any speaker: held, announced when it connects. */
	assert_int_equal(r->ops->apply(r, v, 2, &e), 0);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path),
	    "/tmp/redress-test-xb-%d.sock", (int)getpid());
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(write(fd, "helper\n", 7), 7);
	assert_int_equal(read_line(fd, line, sizeof(line)), 0);
	assert_string_equal(line, "clear adj-rib out\n");
	assert_int_equal(read_line(fd, line, sizeof(line)), 0);
	assert_string_equal(line, "announce attributes next-hop 192.0.2.1 "
	    "community [65535:666] nlri 198.51.100.7/32 198.51.100.8/32\n");
	assert_int_equal(write(fd, "done\ndone\n", 10), 10);
	/* A new block while connected; ExaBGP refuses it. */
	f.fd = fd;
	assert_int_equal(pthread_create(&th, NULL, fake_error, &f), 0);
	assert_int_equal(r->ops->apply(r, &v[2], 1, &e), -1);
	pthread_join(th, NULL);
	assert_string_equal(f.line, "announce route 203.0.113.9/32 next-hop "
	    "192.0.2.1 community [65535:666]\n");
	assert_non_null(strstr(e.msg, "answered \"error\""));
	n = 0;
	assert_int_equal(r->ops->list(r, count_cb, &n, &e), 0);
	assert_int_equal(n, 2);		/* the refused one is not held */
	close(fd);
	r->ops->close(r);
	config_free(cfg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines_grouped),
		cmocka_unit_test(test_lines_options),
		cmocka_unit_test(test_conf_errors),
		cmocka_unit_test(test_whitelist_inside),
		cmocka_unit_test(test_helper_protocol),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
