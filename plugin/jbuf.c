/* SPDX-License-Identifier: MIT */
/* The JSON text writer of jbuf.h. */
#include <stdint.h>
#include <string.h>

#include "jbuf.h"
#include "utf8.h"

#define SWAR8(c)	(0x0101010101010101ULL * (uint64_t)(c))

void
jb_putn(struct jbuf *b, const char *s, size_t n)
{
	if (b->off < b->len) {
		size_t room = b->len - b->off;

		memcpy(b->p + b->off, s, n < room ? n : room);
	}
	b->off += n;
}

void
jb_puts(struct jbuf *b, const char *s)
{
	jb_putn(b, s, strlen(s));
}

void
jb_str(struct jbuf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef", HEX[] = "0123456789ABCDEF";
	const char *run = s;
	char esc[7];

	const char *end = s + strlen(s);

	jb_putn_inline(b, "\"", 1);
	for (; s < end; s++) {
		unsigned char c;
		size_t n = 0;
		uint64_t w, q, k;

		/* Eight at a time while none is a control, '"', '\\' or
		 * 0x80 and up (has-zero tests of the word). */
		while (end - s >= 8) {
			memcpy(&w, s, 8);
			q = w ^ SWAR8('"');
			k = w ^ SWAR8('\\');
			if ((w | (w - SWAR8(0x20)) | ((q - SWAR8(1)) & ~q) |
			    ((k - SWAR8(1)) & ~k)) & SWAR8(0x80))
				break;
			s += 8;
		}
		if (s >= end)
			break;
		c = (unsigned char)*s;
		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\')
			continue;
		if (c >= 0x80) {
			n = utf8_len((const unsigned char *)s,
			    (size_t)(end - s));
			if (n > 0 && !(n == 3 && c == 0xe2 &&
			    (unsigned char)s[1] == 0x80 &&
			    ((unsigned char)s[2] & 0xfe) == 0xa8)) {
				s += n - 1;
				continue;
			}
		}
		jb_putn(b, run, (size_t)(s - run));
		run = s + 1;
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			jb_putn(b, esc, 2);
		} else if (c == '\n') {
			jb_putn(b, "\\n", 2);
		} else if (c == '\r') {
			jb_putn(b, "\\r", 2);
		} else if (c == '\t') {
			jb_putn(b, "\\t", 2);
		} else if (n == 3) {
			/* U+2028, U+2029: line breaks to JavaScript */
			jb_putn(b, (unsigned char)s[2] == 0xa8 ? "\\u2028" :
			    "\\u2029", 6);
			s += 2;
			run = s + 1;
		} else if (c >= 0x80) {
			/* not UTF-8: the byte as \xNN text (eve_text.c) */
			memcpy(esc, "\\\\x", 3);
			esc[3] = HEX[c >> 4];
			esc[4] = HEX[c & 15];
			jb_putn(b, esc, 5);
		} else {
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			jb_putn(b, esc, 6);
		}
	}
	jb_putn(b, run, (size_t)(s - run));
	jb_putn_inline(b, "\"", 1);
}

void
jb_u64(struct jbuf *b, unsigned long long v)
{
	static const char d2[] =
	    "00010203040506070809101112131415161718192021222324252627282930"
	    "31323334353637383940414243444546474849505152535455565758596061"
	    "6263646566676869707172737475767778798081828384858687888990919293"
	    "949596979899";
	char t[24];
	int i = 24;

	/* Two digits a division. */
	while (v >= 100) {
		unsigned r = (unsigned)(v % 100);

		v /= 100;
		i -= 2;
		memcpy(t + i, d2 + 2 * r, 2);
	}
	if (v >= 10) {
		i -= 2;
		memcpy(t + i, d2 + 2 * v, 2);
	} else
		t[--i] = (char)('0' + v);
	jb_putn_inline(b, t + i, (size_t)(24 - i));
}

void
jb_i64(struct jbuf *b, long long v)
{
	if (v < 0) {
		jb_putn(b, "-", 1);
		jb_u64(b, 0ULL - (unsigned long long)v);
	} else
		jb_u64(b, (unsigned long long)v);
}

size_t
jb_end(struct jbuf *b)
{
	if (b->len)
		b->p[b->off < b->len ? b->off : b->len - 1] = '\0';
	return b->off;
}
