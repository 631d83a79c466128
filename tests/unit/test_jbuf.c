/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the word-at-a-time string paths: jb_str() and
 * eve_copy_str() with every kind of byte that ends a plain run (control,
 * DEL, quote, backslash, 0x80 and up, UTF-8 of 2-4 bytes, U+2028) at every
 * position of strings up to 40 bytes, checked against a byte-by-byte
 * model of their documented output; truncation to every buffer size;
 * jb_u64() against printf at the digit-count edges.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "eve_parse.h"
#include "jbuf.h"

static const char *specials[] = {
	"\x01", "\x1f", "\"", "\\", "\x7f", "\x80", "\xff", "\xc3\xa9",
	"\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xe2\x80\xa8", "\xe2\x80\xa9",
	"\n", "\t", "\xc3", "\\x41",
};
#define NSPEC	(sizeof(specials) / sizeof(specials[0]))

/* jb_str's output for one byte or character, as jbuf.h documents it. */
static size_t
model_jb_unit(const unsigned char *s, size_t avail, char *out)
{
	unsigned c = s[0];

	if (c == '"' || c == '\\')
		return (size_t)sprintf(out, "\\%c", c);
	if (c == '\n')
		return (size_t)sprintf(out, "\\n");
	if (c == '\t')
		return (size_t)sprintf(out, "\\t");
	if (c < 0x20)
		return (size_t)sprintf(out, "\\u%04x", c);
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (avail >= 3 && c == 0xe2 && s[1] == 0x80 && (s[2] & 0xfe) == 0xa8)
		return (size_t)sprintf(out, "\\u%s", s[2] == 0xa8 ? "2028" :
		    "2029");
	return (size_t)sprintf(out, "\\\\x%02X", c);
}

static size_t
model_jb_str(const char *str, char *out)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t o = 0, n = strlen(str), i = 0;

	out[o++] = '"';
	while (i < n) {
		size_t u = 1;

		/* the UTF-8 sequences of specials[] pass whole */
		if (s[i] == 0xc3 && i + 1 < n && s[i + 1] == 0xa9)
			u = 2;
		else if (s[i] == 0xe2 && i + 2 < n && s[i + 1] == 0x82)
			u = 3;
		else if (s[i] == 0xf0 && i + 3 < n)
			u = 4;
		if (u > 1) {
			memcpy(out + o, s + i, u);
			o += u;
		} else if (s[i] == 0xe2 && i + 2 < n) {
			o += model_jb_unit(s + i, n - i, out + o);
			u = 3;
		} else
			o += model_jb_unit(s + i, n - i, out + o);
		i += u;
	}
	out[o++] = '"';
	out[o] = '\0';
	return o;
}

/* A plain text of len bytes with sp at pos (pos == len: none). */
static size_t
make(char *buf, size_t len, size_t pos, const char *sp)
{
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		if (i == pos) {
			memcpy(buf + o, sp, strlen(sp));
			o += strlen(sp);
		}
		buf[o++] = (char)('a' + (i % 26));
	}
	if (pos == len) {
		memcpy(buf + o, sp, strlen(sp));
		o += strlen(sp);
	}
	buf[o] = '\0';
	return o;
}

static void
test_jb_str_every_position(void **state)
{
	char in[128], want[1024], got[1024];
	size_t len, pos, k, wl, gl;

	(void)state;
	for (k = 0; k < NSPEC; k++)
		for (len = 0; len <= 40; len++)
			for (pos = 0; pos <= len; pos++) {
				struct jbuf b = { got, sizeof(got), 0 };

				make(in, len, pos, specials[k]);
				wl = model_jb_str(in, want);
				jb_str(&b, in);
				gl = jb_end(&b);
				if (gl != wl || strcmp(got, want) != 0)
					fail_msg("special %zu len %zu pos %zu: "
					    "got %s want %s", k, len, pos, got,
					    want);
			}
}

static void
test_jb_str_truncated(void **state)
{
	char in[64], want[512], got[512];
	size_t wl, cap, k;

	(void)state;
	for (k = 0; k < NSPEC; k++) {
		make(in, 30, 13, specials[k]);
		wl = model_jb_str(in, want);
		for (cap = 1; cap <= wl + 2; cap++) {
			struct jbuf b = { got, cap, 0 };

			memset(got, 'Z', sizeof(got));
			jb_str(&b, in);
			assert_int_equal(jb_end(&b), wl);
			/* what fits, NUL-ended, nothing written past cap */
			assert_int_equal(strlen(got), cap - 1 < wl ? cap - 1 :
			    wl);
			assert_memory_equal(got, want, strlen(got));
			assert_int_equal(got[cap], 'Z');
		}
	}
}

static void
test_jb_u64(void **state)
{
	unsigned long long v[] = { 0, 1, 9, 10, 11, 99, 100, 101, 999, 1000,
	    65535, 4294967295ULL, 999999999999ULL, 1000000000000ULL,
	    9223372036854775807ULL, 18446744073709551615ULL };
	char want[32], got[32];
	unsigned long long p;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct jbuf b = { got, sizeof(got), 0 };

		snprintf(want, sizeof(want), "%llu", v[i]);
		jb_u64(&b, v[i]);
		jb_end(&b);
		assert_string_equal(got, want);
	}
	for (p = 1; p < 10000000000000000000ULL; p *= 10) {
		struct jbuf b = { got, sizeof(got), 0 };

		snprintf(want, sizeof(want), "%llu", p - 1);
		jb_u64(&b, p - 1);
		jb_end(&b);
		assert_string_equal(got, want);
	}
}

/* eve_copy_str's text of one unit: printable ASCII as is, a literal
 * \xNN whole, valid UTF-8 whole, any other byte as \xNN. */
static size_t
model_copy_unit(const unsigned char *s, size_t n, char *out, size_t *in)
{
	*in = 1;
	if (n >= 4 && s[0] == '\\' && s[1] == 'x' && s[2] == '4' &&
	    s[3] == '1') {
		memcpy(out, s, 4);
		*in = 4;
		return 4;
	}
	if (s[0] >= 0x20 && s[0] < 0x7f) {
		out[0] = (char)s[0];
		return 1;
	}
	if (n >= 2 && s[0] == 0xc3 && s[1] == 0xa9)
		*in = 2;
	else if (n >= 3 && s[0] == 0xe2 && (s[1] == 0x82 || s[1] == 0x80))
		*in = 3;
	else if (n >= 4 && s[0] == 0xf0)
		*in = 4;
	if (*in > 1) {
		memcpy(out, s, *in);
		return *in;
	}
	return (size_t)sprintf(out, "\\x%02X", s[0]);
}

static void
test_copy_str_every_position(void **state)
{
	char in[128], want[512], got[512], u[8];
	size_t len, pos, k, n, size, i, o, ul, used;

	(void)state;
	for (k = 0; k < NSPEC; k++)
		for (len = 0; len <= 40; len++)
			for (pos = 0; pos <= len; pos++) {
				n = make(in, len, pos, specials[k]);
				for (size = 1; size <= n * 4 + 2; size++) {
					for (i = o = 0; i < n; i += used) {
						ul = model_copy_unit(
						    (unsigned char *)in + i,
						    n - i, u, &used);
						if (o + ul > size - 1)
							break;
						memcpy(want + o, u, ul);
						o += ul;
					}
					want[o] = '\0';
					memset(got, 'Z', sizeof(got));
					eve_copy_str(got, size, in, n);
					if (strcmp(got, want) != 0 ||
					    got[size] != 'Z')
						fail_msg("special %zu len %zu "
						    "pos %zu size %zu: got %s "
						    "want %s", k, len, pos, size,
						    got, want);
				}
			}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jb_str_every_position),
		cmocka_unit_test(test_jb_str_truncated),
		cmocka_unit_test(test_jb_u64),
		cmocka_unit_test(test_copy_str_every_position),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
