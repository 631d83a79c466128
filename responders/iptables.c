/* SPDX-License-Identifier: MIT */
/*
 * The plain iptables responder, for hosts without sets: a chain of
 * redress's own (default REDRESS) in the filter table, jumped to from
 * INPUT, holding one `-s NET -j DROP` rule per block. A batch of blocks
 * or removals is one iptables-restore --noflush run per family (stdin fed
 * by us), not one process per rule; iptables and the restore programs run
 * as argv vectors with -w through spawn, never a shell. Rules have no
 * timeout: redress's own timer removes them.
 */
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resp_spawn.h"
#include "responder.h"
#include "xmalloc.h"

#define IPT_LIST_MAX	(64u << 20)

struct ipt_priv {
	struct resp_common	 common;
	char			*chain, *parent;
	char			*iptables, *ip6tables;
	char			*iptables_restore, *ip6tables_restore;
	int64_t			 timeout_ms;
};

#define F(f)	offsetof(struct ipt_priv, f)
static const struct conf_field ipt_fields[] = {
	RESP_COMMON_FIELDS(struct ipt_priv),
	{ "chain", CK_STRING, F(chain), "REDRESS", 0, 0, NULL, 0 },
	{ "parent", CK_STRING, F(parent), "INPUT", 0, 0, NULL, 0 },
	{ "iptables", CK_STRING, F(iptables), "/usr/sbin/iptables", 0, 0, NULL,
	    0 },
	{ "ip6tables", CK_STRING, F(ip6tables), "/usr/sbin/ip6tables", 0, 0,
	    NULL, 0 },
	{ "iptables_restore", CK_STRING, F(iptables_restore),
	    "/usr/sbin/iptables-restore", 0, 0, NULL, 0 },
	{ "ip6tables_restore", CK_STRING, F(ip6tables_restore),
	    "/usr/sbin/ip6tables-restore", 0, 0, NULL, 0 },
	{ "timeout", CK_MSEC, F(timeout_ms), "10s", 0, 0, NULL, 0 },
	{ NULL, 0, 0, NULL, 0, 0, NULL, 0 },
};
#undef F

static size_t
ipt_configure(struct responder *r, const struct conf_node *map,
    struct diag *d)
{
	struct ipt_priv *p = r->priv;
	size_t errs = conf_apply(map, ipt_fields, p, d);

	if (errs)
		return errs;
	if (!responder_name_ok(p->chain, 28) ||
	    !responder_name_ok(p->parent, 28) ||
	    strcmp(p->chain, p->parent) == 0) {
		conf_error(d, map, "chain/parent: two different chain names");
		errs++;
	}
	if (p->iptables[0] != '/' || p->ip6tables[0] != '/' ||
	    p->iptables_restore[0] != '/' || p->ip6tables_restore[0] != '/') {
		conf_error(d, map, "iptables/ip6tables(_restore): absolute "
		    "paths");
		errs++;
	}
	return errs;
}

/* Runs prog -w ARGS...; returns the exit status or -1. */
static int
ipt_run(struct responder *r, const char *prog, const char *const *args,
    char *errbuf, size_t errlen, struct err *e)
{
	struct ipt_priv *p = r->priv;
	char *argv[16];
	size_t i, n = 0;

	argv[n++] = (char *)prog;
	argv[n++] = "-w";
	for (i = 0; args[i] && n < 15; i++)
		argv[n++] = (char *)args[i];
	argv[n] = NULL;
	if (r->dry_run) {
		for (i = 0; i < n; i++)
			fprintf(r->dry_out, "%s%s", i ? " " : "", argv[i]);
		fputc('\n', r->dry_out);
		fflush(r->dry_out);
		return 0;
	}
	return spawn_run(argv, NULL, (int)p->timeout_ms, errbuf, errlen, e);
}

static int
ipt_fail(struct err *e, const char *prog, const char *what, int rc,
    char *errbuf)
{
	errbuf[strcspn(errbuf, "\n")] = '\0';
	if (rc < 0)
		return -1;
	return err_set(e, "%s %s: exit %d: %s", prog, what, rc, errbuf);
}

static int
ipt_open(struct responder *r, struct err *e)
{
	struct ipt_priv *p = r->priv;
	const char *progs[2] = { p->iptables, p->ip6tables };
	const char *newc[] = { "-N", p->chain, NULL };
	const char *chk[] = { "-C", p->parent, "-j", p->chain, NULL };
	const char *ins[] = { "-I", p->parent, "-j", p->chain, NULL };
	const char *lst[] = { "-S", p->chain, NULL };
	char errbuf[256];
	int i, rc;

	for (i = 0; i < 2; i++) {
		if (!r->dry_run && ipt_run(r, progs[i], lst, errbuf,
		    sizeof(errbuf), e) != 0) {
			err_clear(e);
			rc = ipt_run(r, progs[i], newc, errbuf, sizeof(errbuf),
			    e);
			if (rc != 0)
				return ipt_fail(e, progs[i], "-N", rc, errbuf);
		} else if (r->dry_run)
			ipt_run(r, progs[i], newc, errbuf, sizeof(errbuf), e);
		if (!r->dry_run &&
		    ipt_run(r, progs[i], chk, errbuf, sizeof(errbuf), e) == 0)
			continue;
		err_clear(e);
		rc = ipt_run(r, progs[i], ins, errbuf, sizeof(errbuf), e);
		if (rc != 0)
			return ipt_fail(e, progs[i], "-I", rc, errbuf);
	}
	return 0;
}

/* One callback per "-A CHAIN -s NET -j DROP" line of `-S CHAIN`. */
static int
ipt_list_prog(struct responder *r, const char *prog,
    int (*fn)(void *, const struct cidr *), void *arg, struct err *e)
{
	struct ipt_priv *p = r->priv;
	char *argv[] = { (char *)prog, "-w", "-S", p->chain, NULL };
	char *out = NULL, *s, *nl, pre[64], net[64];
	struct cidr c;
	int rc;

	rc = spawn_run_output(argv, NULL, (int)p->timeout_ms, &out,
	    IPT_LIST_MAX, e);
	if (rc != 0) {
		free(out);
		if (rc > 0)
			err_set(e, "%s -S %s: exit %d", prog, p->chain, rc);
		return -1;
	}
	snprintf(pre, sizeof(pre), "-A %s -s ", p->chain);
	for (s = out; *s; s = nl) {
		nl = s + strcspn(s, "\n");
		if (*nl)
			*nl++ = '\0';
		if (strncmp(s, pre, strlen(pre)) != 0)
			continue;
		s += strlen(pre);
		if (strcspn(s, " ") >= sizeof(net) ||
		    strcmp(s + strcspn(s, " "), " -j DROP") != 0)
			continue;
		memcpy(net, s, strcspn(s, " "));
		net[strcspn(s, " ")] = '\0';
		if (cidr_parse(net, &c) == 0 && (rc = fn(arg, &c)) != 0)
			break;
	}
	free(out);
	return rc < 0 ? -1 : 0;
}

/* The rules present now, as a sorted array of cidr text for bsearch. */
struct have {
	char	**v;
	size_t	  n, cap;
};

static int
have_add(void *arg, const struct cidr *c)
{
	struct have *h = arg;
	char buf[CIDR_STRLEN];

	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 64;
		h->v = xreallocarray(h->v, h->cap, sizeof(char *));
	}
	h->v[h->n++] = xstrdup(cidr_format(c, buf, sizeof(buf)));
	return 0;
}

static int
strp_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
have_free(struct have *h)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		free(h->v[i]);
	free(h->v);
}

/* A growing restore batch. */
struct batch {
	char	*s;
	size_t	 len, cap;
};

static void
batch_line(struct batch *b, const char *verb, const char *chain,
    const char *net)
{
	size_t need = strlen(verb) + strlen(chain) + strlen(net) + 24;

	if (b->len + need >= b->cap) {
		b->cap = (b->cap + need) * 2;
		b->s = xreallocarray(b->s, b->cap, 1);
	}
	b->len += (size_t)snprintf(b->s + b->len, b->cap - b->len,
	    "%s %s -s %s -j DROP\n", verb, chain, net);
}

/*
 * Feeds "*filter, the lines, COMMIT" to prog-restore -w --noflush: one
 * process and one kernel commit for the whole batch, all or nothing.
 */
static int
ipt_restore(struct responder *r, int v6, struct batch *b, size_t lines,
    struct err *e)
{
	struct ipt_priv *p = r->priv;
	const char *prog = v6 ? p->ip6tables_restore : p->iptables_restore;
	char *argv[] = { (char *)prog, "-w", "--noflush", NULL };
	char errbuf[256], *text;
	int rc;

	if (lines == 0)
		return 0;
	text = xasprintf("*filter\n%.*sCOMMIT\n", (int)b->len, b->s);
	if (r->dry_run) {
		fprintf(r->dry_out, "%s -w --noflush <<\n%s", prog, text);
		fflush(r->dry_out);
		free(text);
		return 0;
	}
	/* A second a 100,000 rules on top of the configured timeout. */
	rc = spawn_run_input(argv, NULL, (int)p->timeout_ms +
	    (int)(lines / 100), text, strlen(text), errbuf, sizeof(errbuf), e);
	free(text);
	if (rc != 0)
		return ipt_fail(e, prog, "batch", rc, errbuf);
	return 0;
}

static int
ipt_have(struct responder *r, struct have have[2], struct err *e)
{
	struct ipt_priv *p = r->priv;
	const char *progs[2] = { p->iptables, p->ip6tables };
	int f;

	for (f = 0; f < 2 && !r->dry_run; f++) {
		if (ipt_list_prog(r, progs[f], have_add, &have[f], e) < 0)
			return -1;
		if (have[f].n > 1)
			qsort(have[f].v, have[f].n, sizeof(char *),
			    strp_cmp);
	}
	return 0;
}

/* How many copies of the rule for net are there now (sorted have). */
static size_t
have_count(const struct have *h, const char *net)
{
	char *const *lo, *const *x;
	const char *key = net;
	size_t k = 0;

	if (h->n == 0 || (x = bsearch(&key, h->v, h->n, sizeof(char *),
	    strp_cmp)) == NULL)
		return 0;
	for (lo = x; lo > h->v && strcmp(lo[-1], net) == 0; lo--)
		;
	while (lo + k < h->v + h->n && strcmp(lo[k], net) == 0)
		k++;
	return k;
}

/* One network of a batch: family and text, sorted to drop repeats. */
struct bnet {
	int	v6;
	char	net[CIDR_STRLEN];
};

static int
bnet_cmp(const void *a, const void *b)
{
	const struct bnet *x = a, *y = b;

	if (x->v6 != y->v6)
		return x->v6 - y->v6;
	return strcmp(x->net, y->net);
}

/*
 * Blocks not present yet (rules have no timeout to refresh) and removals
 * of every copy present, each as one restore batch per family.
 */
static int
ipt_batch(struct responder *r, const struct resp_block *v, size_t n,
    int add, struct err *e)
{
	struct ipt_priv *p = r->priv;
	struct have have[2] = { { NULL, 0, 0 }, { NULL, 0, 0 } };
	struct batch b[2] = { { NULL, 0, 0 }, { NULL, 0, 0 } };
	struct bnet *u = xcalloc(n + 1, sizeof(*u));
	size_t lines[2] = { 0, 0 }, i, k, c;
	int f, rc = 0;

	if (ipt_have(r, have, e) < 0) {
		rc = -1;
		goto out;
	}
	for (i = 0; i < n; i++) {
		u[i].v6 = v[i].net.net.family == AF_INET6;
		cidr_format(&v[i].net, u[i].net, sizeof(u[i].net));
	}
	if (n > 1)
		qsort(u, n, sizeof(*u), bnet_cmp);
	for (i = 0; i < n; i++) {
		if (i > 0 && bnet_cmp(&u[i], &u[i - 1]) == 0)
			continue;
		f = u[i].v6;
		c = have_count(&have[f], u[i].net);
		if (add && c == 0) {
			batch_line(&b[f], "-A", p->chain, u[i].net);
			lines[f]++;
		}
		for (k = 0; !add && k < (r->dry_run ? 1 : c); k++) {
			batch_line(&b[f], "-D", p->chain, u[i].net);
			lines[f]++;
		}
	}
	for (f = 0; f < 2 && rc == 0; f++)
		rc = ipt_restore(r, f, &b[f], lines[f], e);
out:
	free(u);
	free(b[0].s);
	free(b[1].s);
	have_free(&have[0]);
	have_free(&have[1]);
	return rc;
}

static int
ipt_apply(struct responder *r, const struct resp_block *v, size_t n,
    struct err *e)
{
	return ipt_batch(r, v, n, 1, e);
}

static int
ipt_revert(struct responder *r, const struct resp_block *v, size_t n,
    struct err *e)
{
	return ipt_batch(r, v, n, 0, e);
}

struct list_arg {
	resp_list_cb	 cb;
	void		*arg;
};

static int
list_one(void *arg, const struct cidr *c)
{
	struct list_arg *la = arg;

	return la->cb(la->arg, c, -1);
}

static int
ipt_list(struct responder *r, resp_list_cb cb, void *arg, struct err *e)
{
	struct ipt_priv *p = r->priv;
	struct list_arg la = { cb, arg };

	if (r->dry_run)
		return 0;
	if (ipt_list_prog(r, p->iptables, list_one, &la, e) < 0 ||
	    ipt_list_prog(r, p->ip6tables, list_one, &la, e) < 0)
		return -1;
	return 0;
}

static void
ipt_close(struct responder *r)
{
	(void)r;
}

static void
ipt_release(struct responder *r)
{
	conf_release(ipt_fields, r->priv);
}

const struct responder_ops resp_iptables = {
	.name = "iptables",
	.priv_size = sizeof(struct ipt_priv),
	.max_timeout_s = 0,
	.configure = ipt_configure,
	.open = ipt_open,
	.apply = ipt_apply,
	.revert = ipt_revert,
	.list = ipt_list,
	.close = ipt_close,
	.release = ipt_release,
};
