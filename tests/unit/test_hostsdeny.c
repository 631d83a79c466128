/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the hosts.deny marked block: append, replace, remove,
 * unrelated lines kept byte for byte, atomic write to a real file.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sched.h>
#include <sys/mount.h>
#include <cmocka.h>

#include "hostsdeny.h"

static const char orig[] = "# local\nsshd: 10.0.0.1\n\tweird  line no newline";

static void
test_hostsdeny_render_roundtrip(void **state)
{
	const char	*p[] = { "198.51.100.7", "[2001:db8::1]" };
	char		*a, *b, *c;
	size_t		 la, lb, lc;

	(void)state;
	a = hostsdeny_render(orig, strlen(orig), p, 2, &la);
	assert_memory_equal(a, orig, strlen(orig));
	assert_non_null(strstr(a, "ALL: 198.51.100.7\nALL: [2001:db8::1]\n"));
	b = hostsdeny_render(a, la, p, 1, &lb);
	assert_null(strstr(b, "2001:db8"));
	assert_non_null(strstr(b, "ALL: 198.51.100.7\n"));
	c = hostsdeny_render(b, lb, NULL, 0, &lc);
	/* Only the separating newline added on first append remains. */
	assert_int_equal(lc, strlen(orig) + 1);
	assert_memory_equal(c, orig, strlen(orig));
	free(a);
	free(b);
	free(c);
}

/* The text of the file at path, NUL-ended, into buf. */
static void
read_text(const char *path, char *buf, size_t size)
{
	FILE	*f = fopen(path, "r");
	size_t	 n;

	assert_non_null(f);
	n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
}

static void
test_hostsdeny_write_file(void **state)
{
	char		 path[] = "/tmp/redress-hd-XXXXXX", buf[512];
	const char	*p[] = { "198.51.100.9" };
	struct err	 e = { 0 };
	int		 fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "a: b\n", 5), 5);
	close(fd);
	assert_int_equal(hostsdeny_write(path, p, 1, &e), 0);
	read_text(path, buf, sizeof(buf));
	assert_string_equal(buf, "a: b\n" HOSTSDENY_BEGIN
	    "ALL: 198.51.100.9\n" HOSTSDENY_END);
	assert_int_equal(hostsdeny_write(path, NULL, 0, &e), 0);
	read_text(path, buf, sizeof(buf));
	assert_string_equal(buf, "a: b\n");
	unlink(path);
}

/*
 * hosts.deny bind-mounted into a read-only tree (as the systemd unit's
 * ReadWritePaths does): rename onto it fails, the file is rewritten in
 * place and the change shows through the mount. Needs a private mount
 * namespace (root); skipped otherwise.
 */
static void
test_hostsdeny_write_bind_mount(void **state)
{
	char dir[] = "/tmp/redress-hd.XXXXXX", src[256], dst[256], buf[512];
	const char *pats[] = { "198.51.100.7" };
	struct err e = { "", 0 };
	FILE *f;

	(void)state;
	if (unshare(CLONE_NEWNS) == -1 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == -1) {
		skip();
		return;
	}
	assert_non_null(mkdtemp(dir));
	snprintf(src, sizeof(src), "%s/real", dir);
	snprintf(dst, sizeof(dst), "%s/hosts.deny", dir);
	f = fopen(src, "w");
	assert_non_null(f);
	fputs("sshd: 192.0.2.1\n", f);
	fclose(f);
	f = fopen(dst, "w");
	assert_non_null(f);
	fclose(f);
	assert_int_equal(mount(src, dst, NULL, MS_BIND, NULL), 0);
	assert_int_equal(hostsdeny_write(dst, pats, 1, &e), 0);
	read_text(src, buf, sizeof(buf));
	assert_non_null(strstr(buf, "sshd: 192.0.2.1\n"));
	assert_non_null(strstr(buf, "ALL: 198.51.100.7"));
	umount(dst);
	unlink(dst);
	unlink(src);
	snprintf(buf, sizeof(buf), "%s/hosts.deny.redress-tmp", dir);
	assert_int_equal(access(buf, F_OK), -1);	/* no leftover */
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hostsdeny_render_roundtrip),
		cmocka_unit_test(test_hostsdeny_write_file),
		cmocka_unit_test(test_hostsdeny_write_bind_mount),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
