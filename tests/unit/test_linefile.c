/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the tail -F line reader: line numbers and offsets, CRLF
 * and blank lines, the partial last line (returned in replay, waited for
 * when following), lines over max_line skipped across reads, bookmark
 * resume, rotation by rename and by copytruncate, and a file replaced
 * while redress was down (the renamed old one is finished first).
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

#include "linefile.h"

static char dir[64], path[128], path1[128];

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/redress-lf.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/eve.json", dir);
	snprintf(path1, sizeof(path1), "%s/eve.json.1", dir);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[200];

	(void)state;
	unlink(path);
	unlink(path1);
	snprintf(cmd, sizeof(cmd), "%s/other", dir);
	unlink(cmd);
	rmdir(dir);
	return 0;
}

static void
put(const char *p, const char *mode, const char *s)
{
	FILE *f = fopen(p, mode);

	assert_non_null(f);
	fputs(s, f);
	fclose(f);
}

/* Next line as a string ("" when none now); rc in *rcp. */
static const char *
next(struct linefile *lf, int *rcp, uint64_t *lineno)
{
	static char buf[600];
	struct linefile_line l;
	struct err e = { 0 };
	int rc = linefile_next(lf, &l, &e);

	if (rcp)
		*rcp = rc;
	if (rc != 1) {
		snprintf(buf, sizeof(buf), "%s", rc == -1 ? e.msg : "");
		return buf;
	}
	snprintf(buf, sizeof(buf), "%.*s", (int)l.len, l.p);
	if (lineno)
		*lineno = l.lineno;
	return buf;
}

static void
test_lines(void **state)
{
	struct linefile *lf;
	struct linefile_line l;
	struct err e = { 0 };
	uint64_t n = 0;
	int rc;

	(void)state;
	put(path, "w", "one\r\n\ntwo\nthree");
	lf = linefile_open(path, NULL, 0, 1024, &e);
	assert_non_null(lf);
	assert_string_equal(next(lf, &rc, &n), "one");
	assert_int_equal(n, 1);
	assert_int_equal(linefile_next(lf, &l, &e), 1);
	assert_int_equal(l.lineno, 3);		/* the blank line counts */
	assert_int_equal(l.offset, 6);
	assert_memory_equal(l.p, "two", 3);
	/* replay: the last line without newline is returned */
	assert_string_equal(next(lf, &rc, &n), "three");
	assert_int_equal(n, 4);
	next(lf, &rc, NULL);
	assert_int_equal(rc, 0);
	linefile_close(lf);

	/* follow: the partial line waits for its newline */
	put(path, "w", "a\nhalf");
	lf = linefile_open(path, NULL, 1, 1024, &e);
	assert_string_equal(next(lf, &rc, NULL), "a");
	next(lf, &rc, NULL);
	assert_int_equal(rc, 0);
	put(path, "a", "-done\n");
	assert_string_equal(next(lf, &rc, &n), "half-done");
	assert_int_equal(n, 2);
	linefile_close(lf);
}

static void
test_too_long(void **state)
{
	struct linefile *lf;
	struct err e = { 0 };
	char *big;
	size_t bl = 600 * 1024;
	FILE *f;
	uint64_t n = 0;
	int rc;

	(void)state;
	big = malloc(bl + 1);
	memset(big, 'x', bl);
	big[bl] = '\0';
	f = fopen(path, "w");
	fprintf(f, "short\n%s\nafter\n%.100s\nlast\n", big, big);
	fclose(f);
	free(big);
	lf = linefile_open(path, NULL, 0, 64, &e);
	assert_string_equal(next(lf, &rc, NULL), "short");
	/* 600 KiB: over two read chunks, never buffered whole */
	assert_non_null(strstr(next(lf, &rc, NULL), "eve.json:2: line longer "
	    "than max_line (64 bytes)"));
	assert_int_equal(rc, -1);
	assert_string_equal(next(lf, &rc, &n), "after");
	assert_int_equal(n, 3);
	/* 100 bytes, inside one chunk */
	assert_non_null(strstr(next(lf, &rc, NULL), "eve.json:4: line longer"));
	assert_string_equal(next(lf, &rc, &n), "last");
	assert_int_equal(n, 5);
	assert_int_equal(linefile_stats(lf)->too_long, 2);
	linefile_close(lf);
}

static void
test_bookmark_resume(void **state)
{
	struct linefile *lf;
	struct err e = { 0 };
	char bm[128];
	uint64_t n = 0, ino, off, line, hash;
	int rc;

	(void)state;
	put(path, "w", "l1\nl2\nl3\n");
	lf = linefile_open(path, NULL, 1, 1024, &e);
	next(lf, &rc, NULL);
	next(lf, &rc, NULL);
	linefile_bookmark(lf, bm, sizeof(bm));
	linefile_close(lf);
	assert_int_equal(linefile_bookmark_parse(bm, &ino, &off, &line,
	    &hash), 0);
	assert_int_equal(off, 6);
	assert_int_equal(line, 2);
	assert_true(hash == linefile_hash("l1\n", 3));
	lf = linefile_open(path, bm, 1, 1024, &e);
	assert_string_equal(next(lf, &rc, &n), "l3");
	assert_int_equal(n, 3);
	linefile_close(lf);
	assert_int_equal(linefile_bookmark_parse("1:2:3", &ino, &off, &line,
	    &hash), -1);
}

static void
test_rename_rotation(void **state)
{
	struct linefile *lf;
	struct err e = { 0 };
	uint64_t n = 0;
	int rc, i;

	(void)state;
	put(path, "w", "old1\nold2\n");
	lf = linefile_open(path, NULL, 1, 1024, &e);
	assert_string_equal(next(lf, &rc, NULL), "old1");
	assert_string_equal(next(lf, &rc, NULL), "old2");
	assert_int_equal(rename(path, path1), 0);
	put(path, "w", "new1\n");
	/* the writer appends to the renamed file before it reopens */
	put(path1, "a", "old3\n");
	assert_string_equal(next(lf, &rc, NULL), "old3");
	/* after the grace period the new file is read from its start */
	for (i = 0; i < 30; i++) {
		const char *s = next(lf, &rc, &n);

		if (rc == 1) {
			assert_string_equal(s, "new1");
			break;
		}
		usleep(100 * 1000);
	}
	assert_int_equal(rc, 1);
	assert_int_equal(n, 1);
	assert_int_equal(linefile_stats(lf)->rotations, 1);
	linefile_close(lf);
}

static void
test_copytruncate(void **state)
{
	struct linefile *lf;
	struct err e = { 0 };
	uint64_t n = 0;
	int rc;

	(void)state;
	put(path, "w", "first line here\nsecond\n");
	lf = linefile_open(path, NULL, 1, 1024, &e);
	next(lf, &rc, NULL);
	next(lf, &rc, NULL);
	next(lf, &rc, NULL);
	assert_int_equal(rc, 0);
	/* truncated to 0, then a shorter line written */
	put(path, "w", "x1\n");
	assert_string_equal(next(lf, &rc, &n), "x1");
	assert_int_equal(n, 1);
	/* truncated and refilled past the old offset: first line differs */
	put(path, "w", "another first line\nand a second, longer one\n");
	assert_string_equal(next(lf, &rc, &n), "another first line");
	assert_int_equal(n, 1);
	assert_int_equal(linefile_stats(lf)->rotations, 2);
	linefile_close(lf);
}

/* Lines "L0000 ..." of about 100 bytes, FIRST.. COUNT of them. */
static void
put_lines(const char *p, const char *mode, int first, int count)
{
	FILE *f = fopen(p, mode);
	int i;

	assert_non_null(f);
	for (i = first; i < first + count; i++)
		fprintf(f, "L%05d %.*s\n", i, 90, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
	fclose(f);
}

/*
 * Copytruncate while behind (the reader has 64 KiB of a 300 KiB file):
 * the rest comes from the copy at path.1, then the new lines of the
 * truncated file; without the copy the loss is reported.
 */
static void
test_copytruncate_behind(void **state)
{
	struct linefile *lf;
	struct err e = { 0 };
	char cmd[400], want[16];
	const char *s;
	int rc, i, got = 0, seen_lost = 0;

	(void)state;
	put_lines(path, "w", 0, 3000);
	lf = linefile_open(path, NULL, 1, 1024, &e);
	assert_non_null(lf);
	for (i = 0; i < 10; i++)
		assert_memory_equal(next(lf, &rc, NULL), "L0000", 4);
	got = 10;
	snprintf(cmd, sizeof(cmd), "cp %s %s", path, path1);
	assert_int_equal(system(cmd), 0);
	put_lines(path, "w", 5000, 20);
	for (i = 0; i < 5000; i++) {
		s = next(lf, &rc, NULL);
		if (rc != 1)
			break;
		snprintf(want, sizeof(want), "L%05d", got < 3000 ? got :
		    got - 3000 + 5000);
		if (strncmp(s, want, 6) != 0)
			fail_msg("line %d: \"%.6s\", want %s", got, s, want);
		got++;
	}
	assert_int_equal(got, 3020);
	assert_int_equal(linefile_stats(lf)->lost_bytes, 0);
	linefile_close(lf);

	/* the same without the copy: the loss is said, then the new lines */
	unlink(path1);
	put_lines(path, "w", 0, 3000);
	lf = linefile_open(path, NULL, 1, 1024, &e);
	for (i = 0; i < 10; i++)
		next(lf, &rc, NULL);
	put_lines(path, "w", 5000, 20);
	got = 0;
	for (i = 0; i < 5000; i++) {
		struct linefile_line l;

		err_clear(&e);
		rc = linefile_next(lf, &l, &e);
		if (rc == -3) {
			assert_non_null(strstr(e.msg, "truncated (copytruncate)"));
			assert_non_null(strstr(e.msg, "lines lost"));
			seen_lost++;
			continue;
		}
		if (rc != 1)
			break;
		/* what was read before the truncation, then the new lines */
		assert_memory_equal(l.p, seen_lost ? "L05" : "L00", 3);
		got += seen_lost;
	}
	assert_int_equal(seen_lost, 1);
	assert_int_equal(got, 20);
	assert_true(linefile_stats(lf)->lost_bytes > 200000);
	linefile_close(lf);
}

static void
test_replaced_while_down(void **state)
{
	struct linefile *lf;
	struct err e = { 0 };
	char bm[128];
	uint64_t n = 0;
	int rc, i;

	(void)state;
	put(path, "w", "a1\na2\n");
	lf = linefile_open(path, NULL, 1, 1024, &e);
	next(lf, &rc, NULL);
	linefile_bookmark(lf, bm, sizeof(bm));
	linefile_close(lf);
	/* while down: rotated by rename (with one more line), new file */
	put(path, "a", "a3\n");
	assert_int_equal(rename(path, path1), 0);
	put(path, "w", "b1\n");
	lf = linefile_open(path, bm, 1, 1024, &e);
	assert_non_null(lf);
	assert_string_equal(next(lf, &rc, &n), "a2");
	assert_int_equal(n, 2);
	assert_string_equal(next(lf, &rc, NULL), "a3");
	for (i = 0; i < 5 && rc != 1; i++)
		next(lf, &rc, NULL);
	assert_string_equal(next(lf, &rc, &n), "b1");
	assert_int_equal(n, 1);
	linefile_close(lf);

	/* the old file gone and a different one in place: from the start */
	unlink(path1);
	put(path, "w", "c1\nc2\nc3\n");
	lf = linefile_open(path, NULL, 1, 1024, &e);
	next(lf, &rc, NULL);
	linefile_bookmark(lf, bm, sizeof(bm));
	linefile_close(lf);
	unlink(path);
	put(path, "w", "d1 is longer\nd2\n");
	lf = linefile_open(path, bm, 1, 1024, &e);
	assert_string_equal(next(lf, &rc, &n), "d1 is longer");
	assert_int_equal(n, 1);
	linefile_close(lf);

	/* same inode, copytruncate while down: different first line */
	lf = linefile_open(path, NULL, 1, 1024, &e);
	next(lf, &rc, NULL);
	linefile_bookmark(lf, bm, sizeof(bm));
	linefile_close(lf);
	put(path, "w", "e1 also long enough\ne2\n");
	lf = linefile_open(path, bm, 1, 1024, &e);
	assert_string_equal(next(lf, &rc, &n), "e1 also long enough");
	linefile_close(lf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_long, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bookmark_resume, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rename_rotation, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_copytruncate, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_copytruncate_behind, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_replaced_while_down, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
