/* SPDX-License-Identifier: MIT */
/* The JSON text writer of jbuf.h. */
#include <stdint.h>
#include <string.h>

#include "jbuf.h"
#include "utf8.h"

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

	jb_putn(b, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		size_t n = 0;

		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\')
			continue;
		if (c >= 0x80) {
			/* NUL-ended: the check stops at the NUL. */
			n = utf8_len((const unsigned char *)s, SIZE_MAX);
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
	jb_putn(b, "\"", 1);
}

void
jb_u64(struct jbuf *b, unsigned long long v)
{
	char t[24];
	int i = 23;

	t[i] = '\0';
	do {
		t[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	jb_putn(b, t + i, (size_t)(23 - i));
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
