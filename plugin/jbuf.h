/* SPDX-License-Identifier: MIT */
/*
 * A JSON text writer into a caller's fixed buffer, snprintf-like: writes
 * what fits and counts what it needed, so the caller can retry with a
 * buffer of jbuf.off + 1 bytes. Used for the lines written per alert and
 * per incident, where building a jansson tree costs more than the rest
 * of the work together.
 */
#ifndef REDRESS_JBUF_H
#define REDRESS_JBUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct jbuf {
	char	*p;
	size_t	 len, off;	/* off: bytes written or needed */
};

void	jb_putn(struct jbuf *, const char *, size_t);

/* jb_putn inlined, for the fixed text of a line: JB_LIT(b, "\"x\":"). */
static inline void
jb_putn_inline(struct jbuf *b, const char *s, size_t n)
{
	if (b->off <= b->len && b->len - b->off >= n)
		memcpy(b->p + b->off, s, n);
	else if (b->off < b->len)
		memcpy(b->p + b->off, s, b->len - b->off);
	b->off += n;
}
#define JB_LIT(b, lit)	jb_putn_inline((b), (lit), sizeof(lit) - 1)
void	jb_puts(struct jbuf *, const char *);
/*
 * A JSON string: quoted, with quote, backslash and controls escaped,
 * U+2028 and U+2029 as \u2028 and \u2029, a byte that is not UTF-8 as
 * the text \xNN: the output is always valid UTF-8 JSON.
 */
void	jb_str(struct jbuf *, const char *);
void	jb_u64(struct jbuf *, unsigned long long);
void	jb_i64(struct jbuf *, long long);
/* NUL-ends the text (within len); returns the length it needed. */
size_t	jb_end(struct jbuf *);

#endif
