/* SPDX-License-Identifier: MIT */
/*
 * Hostile bytes in EVE and alert_json strings: kept as evidence, never a
 * reason to drop the alert. A string's bytes become field text in which
 * what is not printable text (a NUL, a control character, DEL, a byte
 * that is not valid UTF-8, a lone surrogate's bytes) is written \xNN, as
 * Suricata's own EVE writer writes such bytes. eve_launder() rewrites a
 * line jansson would refuse for those reasons into one it accepts whose
 * strings decode to that same text, so both parsers agree; eve_unescape()
 * is the fast path's own decoder of a JSON string. A number jansson
 * cannot hold (past int64 or DBL_MAX) becomes a string of its text.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "eve_parse.h"
#include "utf8.h"
#include "xmalloc.h"

static const char hexd[] = "0123456789ABCDEF";

static int
is_hex(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

/*
 * The next unit of s (at most len bytes): how many input bytes it takes
 * (*in) and how many text bytes it becomes (returned). A literal "\xNN"
 * is one unit, so text cut from it is the same whichever parser decoded it.
 */
static size_t
unit(const unsigned char *s, size_t len, size_t *in)
{
	size_t n;

	if (s[0] == '\\' && len >= 4 && s[1] == 'x' && is_hex(s[2]) &&
	    is_hex(s[3])) {
		*in = 4;
		return 4;
	}
	if (s[0] >= 0x20 && s[0] < 0x7f) {
		*in = 1;
		return 1;
	}
	if (s[0] >= 0x80 && (n = utf8_len(s, len)) > 0) {
		*in = n;
		return n;
	}
	*in = 1;
	return 4;
}

#define PLAIN_SWAR(c)	(0x0101010101010101ULL * (uint64_t)(c))

void
eve_copy_str(char *dst, size_t size, const char *src, size_t len)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t i = 0, o = 0, in, out;

	while (i < len) {
		/* A run of plain printable ASCII at once. */
		if (s[i] >= 0x20 && s[i] < 0x7f && s[i] != '\\') {
			size_t j = i;

			/* Eight at a time while all are plain and fit. */
			while (len - j >= 8 && o + (j - i) + 8 < size) {
				uint64_t w, b;

				memcpy(&w, s + j, 8);
				b = w ^ PLAIN_SWAR('\\');
				if ((w | (w - PLAIN_SWAR(0x20)) |
				    (w + PLAIN_SWAR(1)) |
				    ((b - PLAIN_SWAR(1)) & ~b)) & PLAIN_SWAR(0x80))
					break;
				j += 8;
			}
			while (j < len && s[j] >= 0x20 && s[j] < 0x7f &&
			    s[j] != '\\' && o + (j - i) < size - 1)
				j++;
			memcpy(dst + o, s + i, j - i);
			o += j - i;
			i = j;
			if (o >= size - 1)
				break;
			continue;
		}
		out = unit(s + i, len - i, &in);
		if (o + out > size - 1)
			break;
		if (out == in)
			memcpy(dst + o, s + i, in);
		else {
			dst[o] = '\\';
			dst[o + 1] = 'x';
			dst[o + 2] = hexd[s[i] >> 4];
			dst[o + 3] = hexd[s[i] & 15];
		}
		o += out;
		i += in;
	}
	dst[o] = '\0';
}

struct obuf {
	char	*p;
	size_t	 len, cap;
};

static void
ob_put(struct obuf *b, const void *s, size_t n)
{
	if (n == 0)
		return;
	if (b->len + n > b->cap) {
		while (b->len + n > b->cap)
			b->cap = b->cap ? b->cap * 2 : 256;
		b->p = xreallocarray(b->p, b->cap, 1);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

/* A byte as the JSON text of "\xNN": a backslash escape, then xNN. */
static void
ob_byte(struct obuf *b, unsigned char c)
{
	char t[5] = { '\\', '\\', 'x', hexd[c >> 4], hexd[c & 15] };

	ob_put(b, t, sizeof(t));
}

static int
hex4(const unsigned char *s, unsigned *v)
{
	int i;

	*v = 0;
	for (i = 0; i < 4; i++) {
		if (!is_hex(s[i]))
			return -1;
		*v = *v << 4 | (unsigned)(s[i] <= '9' ? s[i] - '0' :
		    (s[i] | 0x20) - 'a' + 10);
	}
	return 0;
}

size_t
eve_unescape(const char *p, size_t n, char *buf, size_t cap, int *cut)
{
	const char *end = p + n;
	size_t o = 0, tl;
	unsigned v, w;
	char t[4];

	*cut = 0;
	while (p < end) {
		if (*p != '\\') {
			const char *q = memchr(p, '\\', (size_t)(end - p));
			size_t run = (size_t)((q ? q : end) - p);

			if (run > cap - o) {
				memcpy(buf + o, p, cap - o);
				o = cap;
				*cut = 1;
				break;
			}
			memcpy(buf + o, p, run);
			o += run;
			p += run;
			continue;
		}
		tl = 1;
		switch (p[1]) {
		case 'b': t[0] = '\b'; break;
		case 'f': t[0] = '\f'; break;
		case 'n': t[0] = '\n'; break;
		case 'r': t[0] = '\r'; break;
		case 't': t[0] = '\t'; break;
		case 'u':
			hex4((const unsigned char *)p + 2, &v);
			p += 4;
			if (v >= 0xd800 && v <= 0xdbff && end - p >= 8 &&
			    p[2] == '\\' && p[3] == 'u' &&
			    hex4((const unsigned char *)p + 4, &w) == 0 &&
			    w >= 0xdc00 && w <= 0xdfff) {
				v = 0x10000 + ((v - 0xd800) << 10) +
				    (w - 0xdc00);
				p += 6;
				t[0] = (char)(0xf0 | v >> 18);
				t[1] = (char)(0x80 | (v >> 12 & 0x3f));
				t[2] = (char)(0x80 | (v >> 6 & 0x3f));
				t[3] = (char)(0x80 | (v & 0x3f));
				tl = 4;
			} else if (v < 0x80) {
				t[0] = (char)v;
			} else if (v < 0x800) {
				t[0] = (char)(0xc0 | v >> 6);
				t[1] = (char)(0x80 | (v & 0x3f));
				tl = 2;
			} else {
				t[0] = (char)(0xe0 | v >> 12);
				t[1] = (char)(0x80 | (v >> 6 & 0x3f));
				t[2] = (char)(0x80 | (v & 0x3f));
				tl = 3;
			}
			break;
		default: t[0] = p[1]; break;	/* " \ / */
		}
		if (tl > cap - o) {
			*cut = 1;
			break;
		}
		memcpy(buf + o, t, tl);
		o += tl;
		p += 2;
	}
	return o;
}

/* The bytes a lone surrogate (or U+0000) stands for, as "\xNN" text. */
static void
ob_wtf8(struct obuf *b, unsigned v)
{
	if (v == 0) {
		ob_byte(b, 0);
		return;
	}
	ob_byte(b, (unsigned char)(0xe0 | v >> 12));
	ob_byte(b, (unsigned char)(0x80 | (v >> 6 & 0x3f)));
	ob_byte(b, (unsigned char)(0x80 | (v & 0x3f)));
}

/*
 * The length of the JSON number at s (0 when none) and whether jansson
 * would refuse it as out of range: an integer past int64, a real past
 * DBL_MAX.
 */
static size_t
number_out_of_range(const unsigned char *s, size_t len, int *big)
{
	char tmp[64];
	size_t n = 0;
	int real = 0;

	*big = 0;
	while (n < len && (s[n] == '-' || s[n] == '+' || s[n] == '.' ||
	    s[n] == 'e' || s[n] == 'E' || (s[n] >= '0' && s[n] <= '9'))) {
		if (s[n] == '.' || s[n] == 'e' || s[n] == 'E')
			real = 1;
		n++;
	}
	if (n == 0)
		return 0;
	if (n >= sizeof(tmp)) {
		*big = 1;
		return n;
	}
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	errno = 0;
	if (real) {
		double d = strtod(tmp, NULL);

		*big = errno == ERANGE && (d == HUGE_VAL || d == -HUGE_VAL);
	} else {
		(void)strtoll(tmp, NULL, 10);
		*big = errno == ERANGE;
	}
	return n;
}

char *
eve_launder(const char *line, size_t len, size_t *out_len)
{
	const unsigned char *s = (const unsigned char *)line;
	struct obuf b = { NULL, 0, 0 };
	size_t i = 0, start = 0, n;
	int in_str = 0, changed = 0;
	unsigned v, w;

	/* Flushes the verbatim bytes before i, then continues after k. */
#define FLUSH()	ob_put(&b, s + start, i - start)
	while (i < len) {
		unsigned char c = s[i];

		if (!in_str) {
			int big;

			if (c == '"')
				in_str = 1;
			else if ((c == '-' || (c >= '0' && c <= '9')) &&
			    (n = number_out_of_range(s + i, len - i, &big)) &&
			    big) {
				/* kept as its text: a string the field
				 * parsers refuse where they need a number */
				FLUSH();
				ob_put(&b, "\"", 1);
				ob_put(&b, s + i, n);
				ob_put(&b, "\"", 1);
				i += n;
				start = i;
				changed = 1;
				continue;
			}
			i++;
			continue;
		}
		if (c == '"') {
			in_str = 0;
			i++;
		} else if (c == '\\' && i + 1 < len && s[i + 1] == 'u' &&
		    i + 6 <= len && hex4(s + i + 2, &v) == 0) {
			if (v >= 0xd800 && v <= 0xdbff && i + 12 <= len &&
			    s[i + 6] == '\\' && s[i + 7] == 'u' &&
			    hex4(s + i + 8, &w) == 0 && w >= 0xdc00 &&
			    w <= 0xdfff) {
				i += 12;
			} else if (v == 0 || (v >= 0xd800 && v <= 0xdfff)) {
				FLUSH();
				ob_wtf8(&b, v);
				i += 6;
				start = i;
				changed = 1;
			} else
				i += 6;
		} else if (c == '\\') {
			i += i + 1 < len ? 2 : 1;
		} else if (c < 0x20) {
			FLUSH();
			ob_byte(&b, c);
			start = ++i;
			changed = 1;
		} else if (c >= 0x80) {
			if ((n = utf8_len(s + i, len - i)) > 0) {
				i += n;
			} else {
				FLUSH();
				ob_byte(&b, c);
				start = ++i;
				changed = 1;
			}
		} else
			i++;
	}
	if (!changed) {
		free(b.p);
		return NULL;
	}
	FLUSH();
#undef FLUSH
	*out_len = b.len;
	return b.p;
}
