/* SPDX-License-Identifier: MIT */
/*
 * libyaml events -> struct conf_node tree with positions, and the
 * schema-driven setters of conf_apply(). libyaml marks are 0-based; every
 * node stores them 1-based so messages match what editors show.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "conf.h"
#include "xmalloc.h"

#define CONF_MAX_DEPTH	64
#define CONF_MAX_STRING	1024	/* names, addresses, URLs */
#define CONF_MAX_STRING_S "1024"
#define CONF_MAX_KEY	64	/* longer keys get no suggestion */
#define CONF_MAX_BYTES	(16u << 20)

static struct conf_node *
node_new(enum conf_type t, const char *file, const yaml_mark_t *m)
{
	struct conf_node *n = xcalloc(1, sizeof(*n));

	n->type = t;
	n->file = file;
	n->line = (int)m->line + 1;
	n->col = (int)m->column + 1;
	return n;
}

void
conf_free(struct conf_node *n)
{
	struct conf_node *c, *next;
	int root;

	if (n == NULL)
		return;
	root = n->parent == NULL;
	for (c = n->child; c; c = next) {
		next = c->next;
		conf_free(c);
	}
	if (root)
		free((char *)n->file);
	free(n->key);
	free(n->value);
	free(n->path);
	free(n);
}

static void
node_append(struct conf_node *parent, struct conf_node *n)
{
	size_t idx = parent->nchild++;

	if (parent->last)
		parent->last->next = n;
	else
		parent->child = n;
	parent->last = n;
	n->parent = parent;
	if (parent->type == CONF_SEQ)
		n->path = parent->path ? xasprintf("%s[%zu]", parent->path, idx)
		    : xasprintf("[%zu]", idx);
	else
		n->path = parent->path ? xasprintf("%s.%s", parent->path,
		    n->key) : xstrdup(n->key);
}

/*
 * The keys of every mapping seen so far, hashed by (mapping, key), so
 * that a duplicate is found in O(1) however many keys a mapping has.
 */
struct keyset {
	const struct conf_node	**v;	/* map entries; NULL free */
	size_t			  n, cap;
};

static size_t
key_hash(const struct conf_node *map, const char *k)
{
	size_t h = (size_t)(uintptr_t)map * 0x9e3779b97f4a7c15ull;

	for (; *k; k++)
		h = (h ^ (unsigned char)*k) * 0x100000001b3ull;
	return h;
}

static const struct conf_node *
keyset_find(const struct keyset *ks, const struct conf_node *map,
    const char *k)
{
	size_t i;

	if (ks->cap == 0)
		return NULL;
	for (i = key_hash(map, k) & (ks->cap - 1); ks->v[i];
	    i = (i + 1) & (ks->cap - 1))
		if (ks->v[i]->parent == map && strcmp(ks->v[i]->key, k) == 0)
			return ks->v[i];
	return NULL;
}

static void
keyset_add(struct keyset *ks, const struct conf_node *n)
{
	const struct conf_node **old = ks->v;
	size_t i, oldcap = ks->cap;

	if (2 * (ks->n + 1) > ks->cap) {
		ks->cap = ks->cap ? ks->cap * 2 : 64;
		ks->v = xcalloc(ks->cap, sizeof(*ks->v));
		ks->n = 0;
		for (i = 0; i < oldcap; i++)
			if (old[i])
				keyset_add(ks, old[i]);
		free(old);
	}
	for (i = key_hash(n->parent, n->key) & (ks->cap - 1); ks->v[i];
	    i = (i + 1) & (ks->cap - 1))
		;
	ks->v[i] = n;
	ks->n++;
}

/*
 * libyaml's reader errors (bytes that are not UTF-8) carry only a byte
 * offset: the line and column (in characters) are counted here. A tab
 * where a token should start is named as such.
 */
static void
parse_error(struct diag *d, const char *name, const yaml_parser_t *p,
    const char *buf, size_t len)
{
	const char *what = p->problem ? p->problem : "YAML syntax error";
	int line, col;
	size_t i, off;

	if (p->error == YAML_READER_ERROR) {
		off = p->problem_offset < len ? p->problem_offset : len;
		line = col = 1;
		for (i = 0; i < off; i++) {
			if (buf[i] == '\n') {
				line++;
				col = 1;
			} else if (((unsigned char)buf[i] & 0xc0) != 0x80)
				col++;
		}
		if (off < len)
			diag_add(d, name, line, col, "not UTF-8: byte 0x%02X "
			    "(%s)", (unsigned)(unsigned char)buf[off], what);
		else
			diag_add(d, name, line, col, "not UTF-8 (%s)", what);
		return;
	}
	line = (int)p->problem_mark.line + 1;
	col = (int)p->problem_mark.column + 1;
	off = p->problem_mark.index;
	diag_add(d, name, line, col, "%s%s%s%s", what, p->context ? " " : "",
	    p->context ? p->context : "", off < len && buf[off] == '\t' &&
	    strstr(what, "tab") == NULL ?
	    " (a tab: YAML indents with spaces)" : "");
}

/*
 * Builds the tree from events. Keys must be scalars; anchors and aliases
 * are refused (no billion-laughs expansion on an untrusted file).
 */
struct conf_node *
conf_parse(const char *name, const char *buf, size_t len, struct diag *d)
{
	yaml_parser_t p;
	yaml_event_t ev;
	struct conf_node *root = NULL, *stack[CONF_MAX_DEPTH], *n;
	char *pending_key[CONF_MAX_DEPTH];
	yaml_mark_t key_mark[CONF_MAX_DEPTH];
	int depth = -1, done = 0, failed = 0;
	char *file = xstrdup(name);
	struct keyset ks = { NULL, 0, 0 };

	memset(pending_key, 0, sizeof(pending_key));
	if (!yaml_parser_initialize(&p))
		return NULL;
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	while (!done) {
		if (!yaml_parser_parse(&p, &ev)) {
			parse_error(d, name, &p, buf, len);
			failed = 1;
			break;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_ALIAS_EVENT:
			diag_add(d, name, (int)ev.start_mark.line + 1,
			    (int)ev.start_mark.column + 1,
			    "YAML aliases are not supported");
			failed = 1;
			done = 1;
			break;
		case YAML_SCALAR_EVENT:
		case YAML_MAPPING_START_EVENT:
		case YAML_SEQUENCE_START_EVENT: {
			struct conf_node *top = depth >= 0 ? stack[depth] : NULL;

			if (ev.type == YAML_SCALAR_EVENT && top &&
			    top->type == CONF_MAP && pending_key[depth] == NULL) {
				const char *k = (const char *)ev.data.scalar.value;
				const struct conf_node *c = keyset_find(&ks, top,
				    k);

				if (c) {
					diag_add(d, name,
					    (int)ev.start_mark.line + 1,
					    (int)ev.start_mark.column + 1,
					    "%s%s%s: duplicate key (first at "
					    "line %d)", top->path ? top->path
					    : "", top->path ? "." : "", k,
					    c->line);
					failed = 1;
				}
				pending_key[depth] = xstrdup(k);
				key_mark[depth] = ev.start_mark;
				break;
			}
			if (top && top->type == CONF_MAP &&
			    pending_key[depth] == NULL) {
				/* "? [a, b] : c" or "{a: b}: c" */
				diag_add(d, name, (int)ev.start_mark.line + 1,
				    (int)ev.start_mark.column + 1,
				    "a key must be a plain scalar, not a %s",
				    ev.type == YAML_MAPPING_START_EVENT ?
				    "mapping" : "list");
				failed = 1;
				done = 1;
				break;
			}
			if (ev.type == YAML_SCALAR_EVENT) {
				n = node_new(CONF_SCALAR, file, &ev.start_mark);
				n->value = xstrndup(
				    (const char *)ev.data.scalar.value,
				    ev.data.scalar.length);
				n->quoted = ev.data.scalar.style !=
				    YAML_PLAIN_SCALAR_STYLE;
			} else {
				n = node_new(ev.type == YAML_MAPPING_START_EVENT
				    ? CONF_MAP : CONF_SEQ, file, &ev.start_mark);
			}
			if (top == NULL) {
				if (root) {
					diag_add(d, name, n->line, n->col,
					    "only one YAML document is allowed");
					/* Not a root: the file name stays
					 * with the first document's. */
					n->parent = root;
					conf_free(n);
					failed = 1;
					done = 1;
					break;
				}
				root = n;
				n->file = file;
			} else {
				if (top->type == CONF_MAP) {
					n->key = pending_key[depth];
					n->kline = (int)key_mark[depth].line + 1;
					n->kcol = (int)key_mark[depth].column + 1;
					pending_key[depth] = NULL;
				}
				node_append(top, n);
				if (top->type == CONF_MAP)
					keyset_add(&ks, n);
			}
			if (n->type != CONF_SCALAR) {
				if (depth + 1 >= CONF_MAX_DEPTH) {
					diag_add(d, name, n->line, n->col,
					    "nesting deeper than %d",
					    CONF_MAX_DEPTH);
					failed = 1;
					done = 1;
					break;
				}
				stack[++depth] = n;
			}
			break;
		}
		case YAML_MAPPING_END_EVENT:
		case YAML_SEQUENCE_END_EVENT:
			if (depth >= 0) {
				free(pending_key[depth]);
				pending_key[depth] = NULL;
				depth--;
			}
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	if (!done)
		yaml_event_delete(&ev);
	yaml_parser_delete(&p);
	free(ks.v);
	for (; depth >= 0; depth--)
		free(pending_key[depth]);
	if (failed) {
		if (root)
			conf_free(root);
		else
			free(file);
		return NULL;
	}
	if (root == NULL) {
		/* An empty document is an empty mapping. */
		yaml_mark_t m = { 0, 0, 0 };

		root = node_new(CONF_MAP, file, &m);
		root->line = 1;
	}
	return root;
}

struct conf_node *
conf_load(const char *path, struct diag *d)
{
	struct conf_node *root;
	struct stat st;
	char *buf;
	size_t n = 0;
	ssize_t r;
	FILE *f;

	f = fopen(path, "r");
	if (f == NULL) {
		diag_add(d, path, 0, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	if (fstat(fileno(f), &st) == 0 && !S_ISREG(st.st_mode)) {
		diag_add(d, path, 0, 0, "not a regular file");
		fclose(f);
		return NULL;
	}
	buf = xmalloc(CONF_MAX_BYTES + 1);
	while ((r = (ssize_t)fread(buf + n, 1, CONF_MAX_BYTES + 1 - n, f)) > 0)
		n += (size_t)r;
	if (ferror(f)) {
		diag_add(d, path, 0, 0, "read error: %s", strerror(errno));
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	if (n > CONF_MAX_BYTES) {
		diag_add(d, path, 0, 0, "larger than %u bytes", CONF_MAX_BYTES);
		free(buf);
		return NULL;
	}
	root = conf_parse(path, buf, n, d);
	free(buf);
	if (root != NULL && root->type == CONF_MAP && root->child == NULL) {
		/* Nothing but comments: the default config was not written. */
		diag_add(d, path, 1, 1, "the configuration is empty (see "
		    "config/redress.yaml for every key)");
		conf_free(root);
		return NULL;
	}
	return root;
}

const struct conf_node *
conf_get(const struct conf_node *map, const char *key)
{
	const struct conf_node *c;

	if (map == NULL || map->type != CONF_MAP)
		return NULL;
	for (c = map->child; c; c = c->next)
		if (strcmp(c->key, key) == 0)
			return c;
	return NULL;
}

size_t
conf_count(const struct conf_node *n)
{
	const struct conf_node *c;
	size_t i = 0;

	if (n == NULL)
		return 0;
	for (c = n->child; c; c = c->next)
		i++;
	return i;
}

static void	conf_vreport(struct diag *, int, const struct conf_node *,
		    const char *, va_list) __attribute__((format(printf, 4, 0)));

static void
conf_vreport(struct diag *d, int warn, const struct conf_node *n,
    const char *fmt, va_list ap)
{
	char *msg = xvasprintf(fmt, ap);

	if (warn)
		diag_warn(d, n ? n->file : NULL, n ? n->line : 0,
		    n ? n->col : 0, "%s%s%s", n && n->path ? n->path : "",
		    n && n->path ? ": " : "", msg);
	else
		diag_add(d, n ? n->file : NULL, n ? n->line : 0,
		    n ? n->col : 0, "%s%s%s", n && n->path ? n->path : "",
		    n && n->path ? ": " : "", msg);
	free(msg);
}

void
conf_error(struct diag *d, const struct conf_node *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_vreport(d, 0, n, fmt, ap);
	va_end(ap);
}

void
conf_warning(struct diag *d, const struct conf_node *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_vreport(d, 1, n, fmt, ap);
	va_end(ap);
}

const char *
conf_to_int(const char *s, long long min, long long max, long long *out)
{
	static char buf[96];
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 0);
	if (*s == '\0' || *end != '\0' || errno)
		return "expected an integer";
	if (v < min || v > max) {
		snprintf(buf, sizeof(buf), "must be between %lld and %lld",
		    min, max);
		return buf;
	}
	*out = v;
	return NULL;
}

const char *
conf_to_bool(const char *s, int *out)
{
	if (!strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "on")) {
		*out = 1;
		return NULL;
	}
	if (!strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, "off")) {
		*out = 0;
		return NULL;
	}
	return "expected true or false";
}

const char *
conf_to_msec(const char *s, int64_t *out)
{
	static const struct { const char *u; int64_t ms; } units[] = {
		{ "ms", 1 }, { "s", 1000 }, { "m", 60000 },
		{ "h", 3600000 }, { "d", 86400000 }, { "w", 604800000 },
		{ "", 1000 },
	};
	char *end;
	double v;
	size_t i;

	errno = 0;
	if (!isdigit((unsigned char)*s))
		return "expected a duration such as 30s, 15m, 2h, 7d";
	v = strtod(s, &end);
	if (errno)
		return "expected a duration such as 30s, 15m, 2h, 7d";
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(end, units[i].u) == 0) {
			double ms = v * (double)units[i].ms;

			if (ms > (double)CONF_MAX_MSEC)
				return "duration past 10 years (at most 3650d)";
			*out = (int64_t)ms;
			return NULL;
		}
	return "expected a duration such as 30s, 15m, 2h, 7d";
}

/* The machine's memory: no buffer or cap can be larger. */
static uint64_t
machine_bytes(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), psz = sysconf(_SC_PAGESIZE);

	if (pages <= 0 || psz <= 0)
		return UINT64_MAX;
	return (uint64_t)pages * (uint64_t)psz;
}

static const char *
size_too_large(void)
{
	static __thread char buf[96];

	snprintf(buf, sizeof(buf), "size past this machine's memory (%llu "
	    "MiB)", (unsigned long long)(machine_bytes() >> 20));
	return buf;
}

const char *
conf_to_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	uint64_t mul = 1;

	errno = 0;
	if (!isdigit((unsigned char)*s))
		return "expected a size such as 4096, 64k, 16M, 1G";
	v = strtoull(s, &end, 10);
	if (errno)
		return size_too_large();
	switch (*end) {
	case '\0':				break;
	case 'k': case 'K':	mul = 1ull << 10; end++; break;
	case 'm': case 'M':	mul = 1ull << 20; end++; break;
	case 'g': case 'G':	mul = 1ull << 30; end++; break;
	default:		return "expected a size such as 4096, 64k, 16M, 1G";
	}
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end != '\0')
		return "expected a size such as 4096, 64k, 16M, 1G";
	if (v > UINT64_MAX / mul || v * mul > machine_bytes())
		return size_too_large();
	*out = v * mul;
	return NULL;
}

static char *
enum_list(const char *const *e)
{
	size_t len = 1, i, off = 0;
	char *s;

	for (i = 0; e[i]; i++)
		len += strlen(e[i]) + 2;
	s = xcalloc(1, len);
	for (i = 0; e[i]; i++)
		off += (size_t)snprintf(s + off, len - off, "%s%s",
		    i ? ", " : "", e[i]);
	return s;
}

static const char *
set_cidr(const char *v, const struct conf_field *f, struct cidr *c)
{
	if (cidr_parse(v, c) < 0)
		return "expected an address or CIDR prefix (192.0.2.0/24, "
		    "2001:db8::/32)";
	if (c->len == 0 && f->min != -1)
		return "a /0 prefix would cover every address; refused";
	return NULL;
}

/*
 * A string setting is one line of text (names, addresses, URLs end up in
 * mail headers and report text): the first control character, or NULL.
 */
static const char *
control_char(const char *v)
{
	static __thread char buf[96];
	const unsigned char *u;

	for (u = (const unsigned char *)v; *u; u++)
		if (*u < 0x20 || *u == 0x7f) {
			snprintf(buf, sizeof(buf), "a control character "
			    "(U+%04X) in what must be one line of text", *u);
			return buf;
		}
	return NULL;
}

/* Sets one field from a node; NULL or a phrase. Scalars may be NULL
 * (defaults) only for scalar kinds. */
static const char *
conf_set(const struct conf_field *f, const struct conf_node *n,
    const char *v, void *base, struct diag *d)
{
	void *p = (char *)base + f->offset;
	const char *why = NULL;
	struct stat st;
	long long ll;

	if (n && (f->kind == CK_STRLIST || f->kind == CK_CIDRLIST)) {
		const struct conf_node *c;
		size_t i = 0;

		if (n->type == CONF_SCALAR && n->value[0] == '\0' && !n->quoted)
			return NULL;
		if (n->type != CONF_SEQ)
			return "expected a list";
		if (f->kind == CK_STRLIST) {
			struct conf_strlist *l = p;

			conf_strlist_free(l);
			l->v = xcalloc(conf_count(n) + 1, sizeof(char *));
			for (c = n->child; c; c = c->next) {
				if (c->type != CONF_SCALAR) {
					conf_error(d, c, "expected a string");
					continue;
				}
				l->v[i++] = xstrdup(c->value);
			}
			l->n = i;
		} else {
			struct conf_cidrlist *l = p;

			free(l->v);
			l->v = xcalloc(conf_count(n) + 1, sizeof(struct cidr));
			for (c = n->child; c; c = c->next) {
				const char *w = "expected an address or prefix";

				if (c->type == CONF_SCALAR)
					w = set_cidr(c->value, f, &l->v[i]);
				if (w)
					conf_error(d, c, "%s", w);
				else
					i++;
			}
			l->n = i;
		}
		return NULL;
	}
	if (f->kind == CK_NODE) {
		*(const struct conf_node **)p = n;
		return NULL;
	}
	if (n && n->type != CONF_SCALAR)
		return "expected a single value, not a list or mapping";
	if (v == NULL)
		return NULL;
	switch (f->kind) {
	case CK_STRING:
	case CK_PATH:
	case CK_FILE_R:
	case CK_DIR:
		if (f->kind == CK_FILE_R && n && access(v, R_OK) < 0) {
			static __thread char why_buf[128];

			snprintf(why_buf, sizeof(why_buf), "cannot read: %s",
			    strerror(errno));
			return why_buf;
		}
		if (f->kind == CK_DIR && n && (stat(v, &st) < 0 ||
		    !S_ISDIR(st.st_mode)))
			return "directory does not exist";
		if (f->max && (long long)strlen(v) > f->max)
			return "too long";
		if (f->kind == CK_STRING && strlen(v) > CONF_MAX_STRING)
			return "longer than " CONF_MAX_STRING_S " characters";
		if (f->kind == CK_STRING && (why = control_char(v)) != NULL)
			return why;
		if (f->kind != CK_STRING && strlen(v) >= PATH_MAX)
			return "path longer than PATH_MAX";
		free(*(char **)p);
		*(char **)p = xstrdup(v);
		return NULL;
	case CK_INT:
		why = conf_to_int(v, f->min, f->max ? f->max : LLONG_MAX, &ll);
		if (why == NULL)
			*(long long *)p = ll;
		return why;
	case CK_BOOL:
		return conf_to_bool(v, (int *)p);
	case CK_SECONDS:
	case CK_MSEC: {
		int64_t ms;

		why = conf_to_msec(v, &ms);
		if (why)
			return why;
		if (f->kind == CK_SECONDS) {
			if (ms % 1000)
				return "expected whole seconds";
			ms /= 1000;
		}
		if ((f->min && ms < f->min) || (f->max && ms > f->max))
			return "duration out of range";
		*(int64_t *)p = ms;
		return NULL;
	}
	case CK_SIZE:
		why = conf_to_size(v, (uint64_t *)p);
		if (why == NULL && f->max &&
		    *(uint64_t *)p > (uint64_t)f->max)
			return "size too large";
		if (why == NULL && f->min &&
		    *(uint64_t *)p < (uint64_t)f->min)
			return "size too small";
		return why;
	case CK_ENUM: {
		int i;

		for (i = 0; f->enums[i]; i++)
			if (strcmp(f->enums[i], v) == 0) {
				*(int *)p = i;
				return NULL;
			}
		return "unknown value";
	}
	case CK_ADDR:
		if (addr_parse(v, (struct addr *)p) < 0)
			return "expected an IPv4 or IPv6 address";
		return NULL;
	case CK_CIDR:
		return set_cidr(v, f, (struct cidr *)p);
	case CK_MODE: {
		char *end;
		long m = strtol(v, &end, 8);

		if (*v == '\0' || *end || m < 0 || m > 07777)
			return "expected an octal mode such as 0660";
		*(int *)p = (int)m;
		return NULL;
	}
	default:
		return "internal: unknown field kind";
	}
}

size_t
conf_apply(const struct conf_node *map, const struct conf_field *fields,
    void *base, struct diag *d)
{
	const struct conf_field *f;
	const struct conf_node *c;
	size_t before = d->errors;

	if (map && map->type != CONF_MAP) {
		if (map->type == CONF_SCALAR && map->value[0] == '\0')
			map = NULL;
		else {
			conf_error(d, map, "expected a mapping of keys");
			map = NULL;
		}
	}
	for (c = map ? map->child : NULL; c; c = c->next) {
		for (f = fields; f->key; f++)
			if (strcmp(f->key, c->key) == 0)
				break;
		if (f->key == NULL) {
			char *known, *p;
			const char *near;
			size_t len = 1;

			for (f = fields; f->key; f++)
				len += strlen(f->key) + 2;
			known = p = xcalloc(1, len);
			for (f = fields; f->key; f++)
				p += snprintf(p, len - (size_t)(p - known),
				    "%s%s", p == known ? "" : ", ", f->key);
			near = conf_did_you_mean(c->key, &fields[0].key,
			    sizeof(fields[0]));
			diag_add(d, c->file, c->kline, c->kcol, "%s: unknown "
			    "key%s%s%s; known keys: %s", c->path, near ?
			    "; did you mean \"" : "", near ? near : "", near ?
			    "\"?" : "", known);
			free(known);
		}
	}
	for (f = fields; f->key; f++) {
		const char *why;

		c = conf_get(map, f->key);
		if (c == NULL) {
			if (f->required)
				conf_error(d, map, "missing required key \"%s\"",
				    f->key);
			else if (f->def)
				conf_set(f, NULL, f->def, base, d);
			continue;
		}
		why = conf_set(f, c, c->type == CONF_SCALAR ? c->value : NULL,
		    base, d);
		if (why && f->kind == CK_ENUM) {
			char *l = enum_list(f->enums);

			conf_error(d, c, "unknown value \"%s\"; expected one "
			    "of: %s", c->value, l);
			free(l);
		} else if (why) {
			conf_error(d, c, "%s", why);
		}
	}
	return d->errors - before;
}

void
conf_strlist_free(struct conf_strlist *l)
{
	size_t i;

	if (l->v)
		for (i = 0; i < l->n; i++)
			free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void
conf_release(const struct conf_field *fields, void *base)
{
	const struct conf_field *f;

	for (f = fields; f->key; f++) {
		void *p = (char *)base + f->offset;

		switch (f->kind) {
		case CK_STRING: case CK_PATH: case CK_FILE_R: case CK_DIR:
			free(*(char **)p);
			*(char **)p = NULL;
			break;
		case CK_STRLIST:
			conf_strlist_free(p);
			break;
		case CK_CIDRLIST:
			free(((struct conf_cidrlist *)p)->v);
			((struct conf_cidrlist *)p)->v = NULL;
			((struct conf_cidrlist *)p)->n = 0;
			break;
		default:
			break;
		}
	}
}

int
conf_list_file(const char *path, const char *(*cb)(const char *, int,
    void *), void *arg, struct diag *d)
{
	char *line = NULL, *s, *e;
	size_t cap = 0;
	ssize_t len;
	int lineno = 0;
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		diag_add(d, path, 0, 0, "cannot open: %s", strerror(errno));
		return -1;
	}
	while ((len = getline(&line, &cap, f)) >= 0) {
		const char *why;

		lineno++;
		if ((s = strchr(line, '#')) != NULL)
			*s = '\0';
		for (s = line; isspace((unsigned char)*s); s++)
			;
		e = s + strlen(s);
		while (e > s && isspace((unsigned char)e[-1]))
			*--e = '\0';
		if (*s == '\0')
			continue;
		why = cb(s, lineno, arg);
		if (why)
			diag_add(d, path, lineno, 0, "%s", why);
	}
	free(line);
	fclose(f);
	return 0;
}

/* Levenshtein distance of a and b, both at most CONF_MAX_KEY long. */
static size_t
edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, row[CONF_MAX_KEY + 1];
	size_t diag, up;

	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		diag = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			up = row[j];
			row[j] = a[i - 1] == b[j - 1] ? diag : 1 + (diag <
			    up ? (diag < row[j - 1] ? diag : row[j - 1]) :
			    (up < row[j - 1] ? up : row[j - 1]));
			diag = up;
		}
	}
	return row[lb];
}

const char *
conf_did_you_mean(const char *key, const char *const *names, size_t stride)
{
	const char *best = NULL, *name;
	size_t d, bestd = SIZE_MAX, lk = strlen(key), ln, limit;

	if (lk > CONF_MAX_KEY)
		return NULL;
	for (; (name = *names) != NULL; names = (const char *const *)(const
	    void *)((const char *)names + stride)) {
		ln = strlen(name);
		limit = ln / 3 > 1 ? ln / 3 : 1;
		if (ln > CONF_MAX_KEY || (ln > lk ? ln - lk : lk - ln) > limit)
			continue;
		d = edit_distance(key, name);
		if (d <= limit && d < bestd) {
			bestd = d;
			best = name;
		}
	}
	return best;
}
