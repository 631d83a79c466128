/* SPDX-License-Identifier: MIT */
/*
 * The nftables responder (libnftables): a table of redress's own with one
 * set per family (flags interval, timeout; `interval: false` makes host-
 * only hash sets, faster for very large sets) and a chain hooked at input
 * (and forward, if asked) dropping traffic from the sets. Blocks are set
 * elements carrying their timeout; a batch is one nft transaction (a
 * prefix replaces the elements inside it in the same transaction). Nothing
 * outside the own table is ever touched.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <nftables/libnftables.h>

#include "responder.h"
#include "xmalloc.h"

/* Kernel timeouts are 64-bit ms; past ten years redress's timer acts. */
#define NFT_MAX_TIMEOUT_S	(10LL * 365 * 86400)
#define NFT_CHUNK		65536	/* elements per command line */

struct nft_priv {
	struct resp_common	 common;
	char			*table;		/* "inet redress" */
	char			*set4, *set6;
	int			 input, forward;
	int			 interval;
	long long		 priority;
	/* derived */
	char			 family[16], name[64];
	struct nft_ctx		*nft;
};

#define F(f)	offsetof(struct nft_priv, f)
static const struct conf_field nft_fields[] = {
	RESP_COMMON_FIELDS(struct nft_priv),
	{ "table", CK_STRING, F(table), "inet redress", 0, 0, NULL, 0 },
	{ "set4", CK_STRING, F(set4), "blocked4", 0, 0, NULL, 0 },
	{ "set6", CK_STRING, F(set6), "blocked6", 0, 0, NULL, 0 },
	{ "input", CK_BOOL, F(input), "true", 0, 0, NULL, 0 },
	{ "forward", CK_BOOL, F(forward), "false", 0, 0, NULL, 0 },
	{ "interval", CK_BOOL, F(interval), "true", 0, 0, NULL, 0 },
	{ "priority", CK_INT, F(priority), "-10", -1000, 1000, NULL, 0 },
	{ NULL, 0, 0, NULL, 0, 0, NULL, 0 },
};
#undef F

static size_t
nft_configure(struct responder *r, const struct conf_node *map,
    struct diag *d)
{
	struct nft_priv *p = r->priv;
	size_t errs = conf_apply(map, nft_fields, p, d);
	const char *sp;

	if (errs)
		return errs;
	sp = strchr(p->table, ' ');
	if (sp == NULL || (size_t)(sp - p->table) >= sizeof(p->family) ||
	    strlen(sp + 1) >= sizeof(p->name)) {
		conf_error(d, conf_get(map, "table"), "table: expected "
		    "\"FAMILY NAME\" such as \"inet redress\"");
		return 1;
	}
	memcpy(p->family, p->table, (size_t)(sp - p->table));
	p->family[sp - p->table] = '\0';
	strlcpy_r(p->name, sp + 1, sizeof(p->name));
	if (strcmp(p->family, "inet") != 0 && strcmp(p->family, "ip") != 0 &&
	    strcmp(p->family, "ip6") != 0) {
		conf_error(d, conf_get(map, "table"), "table family must be "
		    "inet, ip or ip6");
		errs++;
	}
	if (!responder_name_ok(p->name, 31)) {
		conf_error(d, conf_get(map, "table"), "bad table name");
		errs++;
	}
	if (!responder_name_ok(p->set4, 31) ||
	    !responder_name_ok(p->set6, 31) ||
	    strcmp(p->set4, p->set6) == 0) {
		conf_error(d, map, "set4/set6: two different names of letters, "
		    "digits, _ or -");
		errs++;
	}
	if (!p->input && !p->forward) {
		conf_error(d, map, "input and forward both false: the sets "
		    "would drop nothing");
		errs++;
	}
	return errs;
}

static int
nft_has(const struct nft_priv *p, int v6)
{
	if (strcmp(p->family, "inet") == 0)
		return 1;
	return v6 ? strcmp(p->family, "ip6") == 0 :
	    strcmp(p->family, "ip") == 0;
}

/* Runs buf in one transaction (or prints it in dry-run). */
static int
nft_run(struct responder *r, const char *buf, struct err *e)
{
	struct nft_priv *p = r->priv;
	const char *msg;
	size_t l;

	if (r->dry_run) {
		fputs(buf, r->dry_out);
		fflush(r->dry_out);
		return 0;
	}
	if (p->nft == NULL)
		return err_set(e, "nftables: not open");
	if (nft_run_cmd_from_buffer(p->nft, buf) != 0) {
		msg = nft_ctx_get_error_buffer(p->nft);
		l = msg ? strcspn(msg, "\n") : 0;
		return err_set(e, "nftables: %.*s", (int)(l > 300 ? 300 : l),
		    msg ? msg : "failed");
	}
	return 0;
}

static int
nft_open(struct responder *r, struct err *e)
{
	struct nft_priv *p = r->priv;
	char *buf, *t;
	static const char *const hooks[] = { "input", "forward" };
	int i, rc;

	if (!r->dry_run && p->nft == NULL) {
		if ((p->nft = nft_ctx_new(NFT_CTX_DEFAULT)) == NULL)
			return err_set(e, "nftables: nft_ctx_new failed");
		nft_ctx_buffer_output(p->nft);
		nft_ctx_buffer_error(p->nft);
	}
	buf = xasprintf("add table %s %s\n", p->family, p->name);
	if (nft_has(p, 0)) {
		t = xasprintf("%sadd set %s %s %s { type ipv4_addr; "
		    "flags %stimeout; }\n", buf, p->family, p->name,
		    p->set4, p->interval ? "interval, " : "");
		free(buf);
		buf = t;
	}
	if (nft_has(p, 1)) {
		t = xasprintf("%sadd set %s %s %s { type ipv6_addr; "
		    "flags %stimeout; }\n", buf, p->family, p->name,
		    p->set6, p->interval ? "interval, " : "");
		free(buf);
		buf = t;
	}
	for (i = 0; i < 2; i++) {
		if ((i == 0 && !p->input) || (i == 1 && !p->forward))
			continue;
		/* Own chain: flushed and rewritten, so re-open is idempotent. */
		t = xasprintf("%sadd chain %s %s %s { type filter hook %s "
		    "priority %lld; policy accept; }\nflush chain %s %s %s\n",
		    buf, p->family, p->name, hooks[i], hooks[i], p->priority,
		    p->family, p->name, hooks[i]);
		free(buf);
		buf = t;
		if (nft_has(p, 0)) {
			t = xasprintf("%sadd rule %s %s %s ip saddr @%s drop\n",
			    buf, p->family, p->name, hooks[i], p->set4);
			free(buf);
			buf = t;
		}
		if (nft_has(p, 1)) {
			t = xasprintf("%sadd rule %s %s %s ip6 saddr @%s "
			    "drop\n", buf, p->family, p->name, hooks[i],
			    p->set6);
			free(buf);
			buf = t;
		}
	}
	rc = nft_run(r, buf, e);
	free(buf);
	return rc;
}

/* A growing text buffer. */
struct sbuf {
	char	*s;
	size_t	 len, cap;
};

static void
sb_add(struct sbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
sb_add(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(b->s ? b->s + b->len : NULL,
		    b->s ? b->cap - b->len : 0, fmt, ap);
		va_end(ap);
		if (b->s != NULL && (size_t)n < b->cap - b->len) {
			b->len += (size_t)n;
			return;
		}
		b->cap = (b->cap + (size_t)n + 1) * 2;
		b->s = xreallocarray(b->s, b->cap, 1);
		if (b->len == 0)
			b->s[0] = '\0';
	}
}

/*
 * One command over the elements of one family (only those with
 * refresh == which, or all when which is -1): verb "add"/"delete",
 * timeouts included when with_to.
 */
static size_t
nft_elems(struct nft_priv *p, struct sbuf *b, const char *verb, int v6,
    const struct resp_block *v, size_t n, int which, int with_to)
{
	char c[CIDR_STRLEN];
	char a[ADDR_STRLEN];
	size_t i, k = 0;

	for (i = 0; i < n; i++) {
		if ((v[i].net.net.family == AF_INET6) != v6 ||
		    (which >= 0 && (v[i].refresh != 0) != which))
			continue;
		if (k % NFT_CHUNK == 0)
			sb_add(b, "%s%s element %s %s %s { ", k ? " }\n" : "",
			    verb, p->family, p->name, v6 ? p->set6 : p->set4);
		else
			sb_add(b, ", ");
		if (v[i].net.len == addr_maxlen(&v[i].net.net))
			sb_add(b, "%s", addr_format(&v[i].net.net, a,
			    sizeof(a)));
		else
			sb_add(b, "%s", cidr_format(&v[i].net, c, sizeof(c)));
		if (with_to && v[i].duration_s > 0 &&
		    v[i].duration_s <= NFT_MAX_TIMEOUT_S)
			sb_add(b, " timeout %llds",
			    (long long)v[i].duration_s);
		k++;
	}
	if (k)
		sb_add(b, " }\n");
	return k;
}

static int	nft_list(struct responder *, resp_list_cb, void *,
		    struct err *);

/* Adds the elements of v (refreshes replacing their timeout) to b. */
static void
nft_adds(struct nft_priv *p, struct sbuf *b, const struct resp_block *v,
    size_t n)
{
	int f;

	for (f = 0; f < 2; f++) {
		if (!nft_has(p, f))
			continue;
		/* New elements: one plain add (fast on any set size). */
		nft_elems(p, b, "add", f, v, n, 0, 1);
		/*
		 * Refreshes: add (no-op when present), delete, add with the
		 * new timeout, in the same transaction. A delete makes nft
		 * read the whole interval set, so only for these.
		 */
		if (nft_elems(p, b, "add", f, v, n, 1, 0)) {
			nft_elems(p, b, "delete", f, v, n, 1, 0);
			nft_elems(p, b, "add", f, v, n, 1, 1);
		}
	}
}

struct cidrs {
	struct cidr	*v;
	size_t		 n, cap;
};

static int
cidrs_add(void *arg, const struct cidr *c, int64_t remaining)
{
	struct cidrs *l = arg;

	(void)remaining;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	l->v[l->n++] = *c;
	return 0;
}

/* 1 if wide is a shorter prefix than c that contains it. */
static int
covers(const struct cidr *wide, const struct cidr *c)
{
	return wide->net.family == c->net.family && wide->len < c->len &&
	    cidr_contains(wide, &c->net);
}

static int
covered_by(const struct cidr *c, const struct cidr *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (covers(&v[i], c))
			return 1;
	return 0;
}

/*
 * An interval set refuses an element that overlaps one it holds
 * ("interval overlaps with an existing one"). A new prefix replaces the
 * elements inside it (deleted in the same transaction); a new element
 * inside a prefix already held or added is left out (the prefix holds
 * it).
 */
static int
nft_apply_interval(struct responder *r, const struct resp_block *v,
    size_t n, struct err *e)
{
	struct nft_priv *p = r->priv;
	struct cidrs held = { NULL, 0, 0 }, wide = { NULL, 0, 0 };
	struct resp_block *keep, *del;
	struct sbuf b = { NULL, 0, 0 };
	size_t i, nk = 0, nd = 0;
	int rc = 0;

	if (nft_list(r, cidrs_add, &held, e) < 0)
		return -1;
	for (i = 0; i < held.n; i++)
		if (held.v[i].len < addr_maxlen(&held.v[i].net))
			cidrs_add(&wide, &held.v[i], 0);
	for (i = 0; i < n; i++)
		if (v[i].net.len < addr_maxlen(&v[i].net.net))
			cidrs_add(&wide, &v[i].net, 0);
	keep = xcalloc(n + 1, sizeof(*keep));
	del = xcalloc(held.n + 1, sizeof(*del));
	for (i = 0; i < held.n; i++)
		if (covered_by(&held.v[i], wide.v, wide.n))
			del[nd++].net = held.v[i];
	for (i = 0; i < n; i++)
		if (!covered_by(&v[i].net, wide.v, wide.n))
			keep[nk++] = v[i];
	for (i = 0; i < 2; i++)
		if (nft_has(p, (int)i))
			nft_elems(p, &b, "delete", (int)i, del, nd, -1, 0);
	nft_adds(p, &b, keep, nk);
	if (b.s != NULL)
		rc = nft_run(r, b.s, e);
	free(b.s);
	free(keep);
	free(del);
	free(held.v);
	free(wide.v);
	return rc;
}

static int
nft_apply(struct responder *r, const struct resp_block *v, size_t n,
    struct err *e)
{
	struct nft_priv *p = r->priv;
	struct sbuf b = { NULL, 0, 0 };
	size_t i;
	int rc;

	if (p->interval && !r->dry_run)
		for (i = 0; i < n; i++)
			if (v[i].net.len < addr_maxlen(&v[i].net.net))
				return nft_apply_interval(r, v, n, e);
	nft_adds(p, &b, v, n);
	if (b.s == NULL)
		return 0;
	rc = nft_run(r, b.s, e);
	free(b.s);
	/* An element inside a prefix the set holds: leave it to the prefix. */
	if (rc < 0 && p->interval && !r->dry_run) {
		err_clear(e);
		rc = nft_apply_interval(r, v, n, e);
	}
	return rc;
}

/* 1 if a and b are the same prefix. */
static int
same_cidr(const struct cidr *a, const struct cidr *b)
{
	return a->net.family == b->net.family && a->len == b->len &&
	    cidr_contains(a, &b->net);
}

/*
 * An interval set refuses the add-then-delete below when the element
 * overlaps one it holds (a /24 over /32s, a /32 inside a /24): only the
 * elements it holds exactly are deleted.
 */
static int
nft_revert_interval(struct responder *r, const struct resp_block *v,
    size_t n, struct err *e)
{
	struct nft_priv *p = r->priv;
	struct cidrs held = { NULL, 0, 0 };
	struct resp_block *del;
	struct sbuf b = { NULL, 0, 0 };
	size_t i, j, nd = 0;
	int f, rc = 0;

	if (nft_list(r, cidrs_add, &held, e) < 0)
		return -1;
	del = xcalloc(n + 1, sizeof(*del));
	for (i = 0; i < n; i++)
		for (j = 0; j < held.n; j++)
			if (same_cidr(&held.v[j], &v[i].net)) {
				del[nd++] = v[i];
				break;
			}
	for (f = 0; f < 2; f++)
		if (nft_has(p, f))
			nft_elems(p, &b, "delete", f, del, nd, -1, 0);
	if (b.s != NULL)
		rc = nft_run(r, b.s, e);
	free(b.s);
	free(del);
	free(held.v);
	return rc;
}

static int
nft_revert(struct responder *r, const struct resp_block *v, size_t n,
    struct err *e)
{
	struct nft_priv *p = r->priv;
	struct sbuf b = { NULL, 0, 0 };
	int f, rc;

	if (p->interval && !r->dry_run)
		return nft_revert_interval(r, v, n, e);
	/* add-then-delete: no error for an element already gone. */
	for (f = 0; f < 2; f++) {
		if (!nft_has(p, f))
			continue;
		if (!r->dry_run)
			nft_elems(p, &b, "add", f, v, n, -1, 0);
		nft_elems(p, &b, "delete", f, v, n, -1, 0);
	}
	if (b.s == NULL)
		return 0;
	rc = nft_run(r, b.s, e);
	free(b.s);
	return rc;
}

static int
nft_elem_cb(json_t *el, resp_list_cb cb, void *arg)
{
	json_t *val = el, *o;
	struct cidr c;
	int64_t rem = -1;
	const char *s;
	char buf[CIDR_STRLEN];

	if (json_is_object(el) && (o = json_object_get(el, "elem")) != NULL) {
		val = json_object_get(o, "val");
		if (json_is_integer(json_object_get(o, "expires")))
			rem = json_integer_value(json_object_get(o,
			    "expires"));
	}
	if (json_is_string(val)) {
		s = json_string_value(val);
	} else if (json_is_object(val) &&
	    (o = json_object_get(val, "prefix")) != NULL &&
	    json_is_string(json_object_get(o, "addr"))) {
		snprintf(buf, sizeof(buf), "%s/%lld",
		    json_string_value(json_object_get(o, "addr")),
		    (long long)json_integer_value(json_object_get(o, "len")));
		s = buf;
	} else
		return 0;	/* ranges: not made by redress */
	if (cidr_parse(s, &c) < 0)
		return 0;
	return cb(arg, &c, rem);
}

static int
nft_list_set(struct responder *r, const char *set, resp_list_cb cb,
    void *arg, struct err *e)
{
	struct nft_priv *p = r->priv;
	json_t *root, *arr, *it, *s, *elems, *el;
	json_error_t je;
	char cmd[160];
	const char *out;
	size_t i, j;
	int rc = 0;

	snprintf(cmd, sizeof(cmd), "list set %s %s %s", p->family, p->name,
	    set);
	nft_ctx_output_set_flags(p->nft, NFT_CTX_OUTPUT_JSON);
	rc = nft_run(r, cmd, e);
	nft_ctx_output_set_flags(p->nft, 0);
	out = nft_ctx_get_output_buffer(p->nft);
	if (rc < 0)
		return -1;
	if ((root = json_loads(out ? out : "", 0, &je)) == NULL)
		return err_set(e, "nftables: list %s: bad JSON: %s", set,
		    je.text);
	arr = json_object_get(root, "nftables");
	json_array_foreach(arr, i, it) {
		if ((s = json_object_get(it, "set")) == NULL)
			continue;
		elems = json_object_get(s, "elem");
		json_array_foreach(elems, j, el)
			if ((rc = nft_elem_cb(el, cb, arg)) != 0)
				goto out;
	}
out:
	json_decref(root);
	return rc < 0 ? -1 : 0;
}

static int
nft_list(struct responder *r, resp_list_cb cb, void *arg, struct err *e)
{
	struct nft_priv *p = r->priv;

	if (r->dry_run)
		return 0;
	if (nft_has(p, 0) && nft_list_set(r, p->set4, cb, arg, e) < 0)
		return -1;
	if (nft_has(p, 1) && nft_list_set(r, p->set6, cb, arg, e) < 0)
		return -1;
	return 0;
}

static void
nft_close(struct responder *r)
{
	struct nft_priv *p = r->priv;

	if (p->nft != NULL)
		nft_ctx_free(p->nft);
	p->nft = NULL;
}

static void
nft_release(struct responder *r)
{
	nft_close(r);
	conf_release(nft_fields, r->priv);
}

const struct responder_ops resp_nftables = {
	.name = "nftables",
	.priv_size = sizeof(struct nft_priv),
	.max_timeout_s = NFT_MAX_TIMEOUT_S,
	.configure = nft_configure,
	.open = nft_open,
	.apply = nft_apply,
	.revert = nft_revert,
	.list = nft_list,
	.close = nft_close,
	.release = nft_release,
};
