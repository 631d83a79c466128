/* SPDX-License-Identifier: MIT */
/*
 * The report template language: parser into a node tree, value contexts,
 * and the renderer that escapes each value for header or body.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "template.h"
#include "utf8.h"
#include "xmalloc.h"

enum tnode_kind { TN_TEXT, TN_VAR, TN_RAW, TN_SECTION, TN_INVERTED };

struct tnode {
	enum tnode_kind	 kind;
	char		*s;		/* text, or variable name */
	size_t		 len;		/* text length */
	int		 line;
	int		 header;	/* 1: inside the header part */
	struct tnode	*kids;		/* sections */
	size_t		 nkids;
};

struct tmpl {
	char		*name;
	struct tnode	 root;
};

struct tval {
	char		*name;
	char		*str;		/* scalar, or NULL for a list */
	struct tmpl_ctx	**items;
	size_t		 nitems;
};

struct tmpl_ctx {
	struct tval		*v;
	size_t			 n;
	const struct tmpl_ctx	*parent;
};

static struct tnode *
kid_add(struct tnode *p)
{
	struct tnode	*k;

	p->kids = xreallocarray(p->kids, p->nkids + 1, sizeof(*p->kids));
	k = &p->kids[p->nkids++];
	memset(k, 0, sizeof(*k));
	return k;
}

static void
tnode_clear(struct tnode *n)
{
	size_t	i;

	for (i = 0; i < n->nkids; i++)
		tnode_clear(&n->kids[i]);
	free(n->kids);
	free(n->s);
}

static int
name_ok(const char *s, size_t len)
{
	size_t	i;

	if (len == 0)
		return 0;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '-' ||
		    c == '.'))
			return 0;
	}
	return 1;
}

/* A section tag alone on its line takes its line feed with it. */
static int
standalone(const char *text, const char *ts, const char *after)
{
	return (ts == text || ts[-1] == '\n') && *after == '\n';
}

int
tmpl_parse(const char *name, const char *text, struct tmpl **out,
    struct err *e)
{
	struct tmpl	*t;
	struct tnode	*stack[32];
	int		 open_line[32];
	size_t		 depth = 0;
	const char	*p = text, *q, *end, *hdr_end;
	int		 line = 1;

	*out = NULL;
	t = xcalloc(1, sizeof(*t));
	t->name = xstrdup(name);
	stack[0] = &t->root;
	hdr_end = strstr(text, "\n\n");
	if (strncmp(text, "\n", 1) == 0)
		hdr_end = text;

	while (*p != '\0') {
		struct tnode	*n;
		const char	*b, *ne, *ts;
		char		 sig;
		int		 tline;

		q = strstr(p, "{{");
		end = q != NULL ? q : p + strlen(p);
		if (end > p) {
			n = kid_add(stack[depth]);
			n->kind = TN_TEXT;
			n->s = xstrndup(p, end - p);
			n->len = end - p;
			n->line = line;
			n->header = hdr_end != NULL && p < hdr_end;
			for (b = p; b < end; b++)
				if (*b == '\n')
					line++;
		}
		if (q == NULL)
			break;
		tline = line;
		ts = q;
		b = q + 2;
		ne = strstr(b, "}}");
		if (ne == NULL) {
			err_set(e, "%s:%d: unclosed \"{{\"", name, tline);
			goto fail;
		}
		if (memchr(b, '\n', ne - b) != NULL && *b != '!') {
			err_set(e, "%s:%d: tag spans lines", name, tline);
			goto fail;
		}
		for (q = b; q < ne; q++)
			if (*q == '\n')
				line++;
		p = ne + 2;
		sig = *b;
		if (sig == '!') {
			if (standalone(text, ts, p)) {
				p++;
				line++;
			}
			continue;
		}
		if (sig == '#' || sig == '^' || sig == '/' || sig == '&')
			b++;
		while (b < ne && *b == ' ')
			b++;
		q = ne;
		while (q > b && q[-1] == ' ')
			q--;
		if (!name_ok(b, q - b)) {
			err_set(e, "%s:%d: bad tag \"{{%.*s}}\"", name, tline,
			    (int)(ne - ts - 2), ts + 2);
			goto fail;
		}
		if (sig == '/') {
			struct tnode *s = stack[depth];

			if (depth == 0) {
				err_set(e, "%s:%d: \"{{/%.*s}}\" closes no "
				    "section", name, tline, (int)(q - b), b);
				goto fail;
			}
			if (strlen(s->s) != (size_t)(q - b) ||
			    strncmp(s->s, b, q - b) != 0) {
				err_set(e, "%s:%d: \"{{/%.*s}}\" closes section "
				    "\"%s\" opened at line %d", name, tline,
				    (int)(q - b), b, s->s, open_line[depth]);
				goto fail;
			}
			depth--;
			if (standalone(text, ts, p)) {
				p++;
				line++;
			}
			continue;
		}
		n = kid_add(stack[depth]);
		n->s = xstrndup(b, q - b);
		n->line = tline;
		n->header = hdr_end != NULL && ne < hdr_end;
		if (sig == '#' || sig == '^') {
			n->kind = sig == '#' ? TN_SECTION : TN_INVERTED;
			if (depth + 1 >= sizeof(stack) / sizeof(stack[0])) {
				err_set(e, "%s:%d: sections nested too deep",
				    name, tline);
				goto fail;
			}
			stack[++depth] = n;
			open_line[depth] = tline;
			if (standalone(text, ts, p)) {
				p++;
				line++;
			}
		} else
			n->kind = sig == '&' ? TN_RAW : TN_VAR;
	}
	if (depth != 0) {
		err_set(e, "%s:%d: section \"%s\" is never closed", name,
		    open_line[depth], stack[depth]->s);
		goto fail;
	}
	*out = t;
	return 0;
fail:
	tmpl_free(t);
	return -1;
}

int
tmpl_load(const char *path, struct tmpl **out, struct err *e)
{
	FILE	*fp;
	char	*buf = NULL;
	size_t	 len = 0, cap = 0, n;
	int	 rc;

	*out = NULL;
	if ((fp = fopen(path, "r")) == NULL)
		return err_set(e, "%s: %s", path, strerror(errno));
	for (;;) {
		if (len + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			if (cap > (1 << 20)) {
				fclose(fp);
				free(buf);
				return err_set(e, "%s: template larger than "
				    "1 MiB", path);
			}
			buf = xreallocarray(buf, cap, 1);
		}
		n = fread(buf + len, 1, 4096, fp);
		len += n;
		if (n < 4096)
			break;
	}
	if (ferror(fp)) {
		fclose(fp);
		free(buf);
		return err_set(e, "%s: read error", path);
	}
	fclose(fp);
	buf[len] = '\0';
	if (strlen(buf) != len) {
		free(buf);
		return err_set(e, "%s: NUL byte in template", path);
	}
	rc = tmpl_parse(path, buf, out, e);
	free(buf);
	return rc;
}

void
tmpl_free(struct tmpl *t)
{
	if (t == NULL)
		return;
	tnode_clear(&t->root);
	free(t->name);
	free(t);
}

/* ---- contexts ---- */

struct tmpl_ctx *
tmpl_ctx_new(void)
{
	return xcalloc(1, sizeof(struct tmpl_ctx));
}

void
tmpl_ctx_free(struct tmpl_ctx *c)
{
	size_t	i, j;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++) {
		free(c->v[i].name);
		free(c->v[i].str);
		for (j = 0; j < c->v[i].nitems; j++)
			tmpl_ctx_free(c->v[i].items[j]);
		free(c->v[i].items);
	}
	free(c->v);
	free(c);
}

static struct tval *
ctx_find(const struct tmpl_ctx *c, const char *name)
{
	size_t	i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->v[i].name, name) == 0)
			return &c->v[i];
	return NULL;
}

static struct tval *
ctx_slot(struct tmpl_ctx *c, const char *name)
{
	struct tval	*v;

	if ((v = ctx_find(c, name)) != NULL)
		return v;
	c->v = xreallocarray(c->v, c->n + 1, sizeof(*c->v));
	v = &c->v[c->n++];
	memset(v, 0, sizeof(*v));
	v->name = xstrdup(name);
	return v;
}

void
tmpl_ctx_set(struct tmpl_ctx *c, const char *name, const char *value)
{
	struct tval	*v = ctx_slot(c, name);

	free(v->str);
	v->str = xstrdup(value != NULL ? value : "");
}

void
tmpl_ctx_setf(struct tmpl_ctx *c, const char *name, const char *fmt, ...)
{
	struct tval	*v = ctx_slot(c, name);
	va_list		 ap;

	free(v->str);
	va_start(ap, fmt);
	v->str = xvasprintf(fmt, ap);
	va_end(ap);
}

void
tmpl_ctx_list(struct tmpl_ctx *c, const char *name)
{
	struct tval	*v = ctx_slot(c, name);

	free(v->str);
	v->str = NULL;
}

struct tmpl_ctx *
tmpl_ctx_add(struct tmpl_ctx *c, const char *name)
{
	struct tval	*v = ctx_slot(c, name);
	struct tmpl_ctx	*k;

	free(v->str);
	v->str = NULL;
	k = tmpl_ctx_new();
	k->parent = c;
	v->items = xreallocarray(v->items, v->nitems + 1,
	    sizeof(*v->items));
	v->items[v->nitems++] = k;
	return k;
}

static const struct tval *
ctx_lookup(const struct tmpl_ctx *c, const char *name)
{
	const struct tval	*v;

	for (; c != NULL; c = c->parent)
		if ((v = ctx_find(c, name)) != NULL)
			return v;
	return NULL;
}

const char *
tmpl_ctx_get(const struct tmpl_ctx *c, const char *name)
{
	const struct tval	*v = ctx_lookup(c, name);

	return v != NULL ? v->str : NULL;
}

/* ---- rendering ---- */

struct sbuf {
	char	*s;
	size_t	 len, cap;
};

static void
sb_add(struct sbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		while (b->len + n + 1 > b->cap)
			b->cap = b->cap ? b->cap * 2 : 1024;
		b->s = xreallocarray(b->s, b->cap, 1);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* Characters that break or reorder lines in a mail reader. */
static int
line_control(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) ||		/* C1, NEL */
	    cp == 0x2028 || cp == 0x2029 ||		/* line, paragraph */
	    (cp >= 0x202a && cp <= 0x202e) ||		/* bidi embeddings */
	    (cp >= 0x2066 && cp <= 0x2069) ||		/* bidi isolates */
	    cp == 0x200e || cp == 0x200f || cp == 0x061c;	/* marks */
}

/*
 * One value into the text; alert fields are attacker's text. Control
 * characters never reach it raw: C0 and DEL become a space (a line feed
 * stays in a raw body value, and a header loses CR and LF), the
 * characters of line_control() are written \uXXXX and a byte that is not
 * UTF-8 \xNN, so the text stays valid UTF-8 and its lines stay lines.
 */
static void
sb_value(struct sbuf *b, const char *s, int header, int raw)
{
	const unsigned char *p = (const unsigned char *)s;
	char t[12];
	uint32_t cp;
	size_t n, i;

	while (*p != '\0') {
		char c = (char)*p;

		if (*p >= 0x80) {
			/* NUL-ended: the check stops at the NUL. */
			n = utf8_len(p, SIZE_MAX);
			if (n == 0) {
				snprintf(t, sizeof(t), "\\x%02X", *p);
				sb_add(b, t, 4);
				p++;
				continue;
			}
			cp = p[0] & (0xff >> (n + 1));
			for (i = 1; i < n; i++)
				cp = cp << 6 | (p[i] & 0x3f);
			if (line_control(cp)) {
				snprintf(t, sizeof(t), "\\u%04X", (unsigned)cp);
				sb_add(b, t, 6);
			} else
				sb_add(b, (const char *)p, n);
			p += n;
			continue;
		}
		if (*p == '\n' && raw && !header)
			;
		else if (*p < 0x20 || *p == 0x7f) {
			if (header && (*p == '\r' || *p == '\n')) {
				p++;
				continue;
			}
			c = ' ';
		}
		sb_add(b, &c, 1);
		p++;
	}
}

static int
render(const struct tmpl *t, const struct tnode *n, const struct tmpl_ctx *c,
    struct sbuf *b, struct err *e)
{
	const struct tval	*v;
	size_t			 i, j;

	for (i = 0; i < n->nkids; i++) {
		const struct tnode *k = &n->kids[i];

		switch (k->kind) {
		case TN_TEXT:
			sb_add(b, k->s, k->len);
			break;
		case TN_VAR:
		case TN_RAW:
			v = ctx_lookup(c, k->s);
			if (v == NULL || v->str == NULL)
				return err_set(e, "%s:%d: {{%s}} is %s",
				    t->name, k->line, k->s, v == NULL ?
				    "not a known value" : "a list");
			sb_value(b, v->str, k->header, k->kind == TN_RAW);
			break;
		case TN_SECTION:
			v = ctx_lookup(c, k->s);
			if (v == NULL)
				break;
			if (v->str != NULL) {
				if (v->str[0] != '\0' &&
				    render(t, k, c, b, e) == -1)
					return -1;
				break;
			}
			for (j = 0; j < v->nitems; j++)
				if (render(t, k, v->items[j], b, e) == -1)
					return -1;
			break;
		case TN_INVERTED:
			v = ctx_lookup(c, k->s);
			if (v == NULL || (v->str != NULL && v->str[0] == '\0') ||
			    (v->str == NULL && v->nitems == 0))
				if (render(t, k, c, b, e) == -1)
					return -1;
			break;
		}
	}
	return 0;
}

char *
tmpl_render(const struct tmpl *t, const struct tmpl_ctx *c, struct err *e)
{
	struct sbuf	b = { NULL, 0, 0 };

	sb_add(&b, "", 0);
	if (render(t, &t->root, c, &b, e) == -1) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

void
tmpl_split(char *text, char **headers, char **body)
{
	char	*p;

	if (text[0] == '\n') {
		text[0] = '\0';
		*headers = text;
		*body = text + 1;
		return;
	}
	if ((p = strstr(text, "\n\n")) == NULL) {
		*headers = text;
		*body = text + strlen(text);
		return;
	}
	p[1] = '\0';
	*headers = text;
	*body = p + 2;
}
