/* SPDX-License-Identifier: MIT */
/* The JSON text writer of jbuf.h. */
#include <string.h>

#include "jbuf.h"

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
	static const char hex[] = "0123456789abcdef";
	const char *run = s;
	char esc[7];

	jb_putn(b, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
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
