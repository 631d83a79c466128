/* SPDX-License-Identifier: MIT */
/*
 * The ipset responder (libipset): one hash:net (or hash:ip) set per family
 * with timeout support, filled in one restore batch, plus the iptables /
 * ip6tables rule that drops traffic from each set (inserted only when
 * `-C` says it is absent). ipset timeouts stop at 2147483 s; longer blocks
 * are added without a timeout and expired by redress's own timer.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libipset/ipset.h>

#include "resp_spawn.h"
#include "responder.h"
#include "xmalloc.h"

#define IPSET_MAX_TIMEOUT_S	2147483LL

struct ipset_priv {
	struct resp_common	 common;
	char			*set4, *set6;
	int			 settype;	/* 0 hash:net, 1 hash:ip */
	long long		 maxelem;
	int			 rule;		/* add the iptables rule */
	char			*chain;
	char			*iptables, *ip6tables;
	int64_t			 timeout_ms;
	/* runtime */
	struct ipset		*h;
	char			 errmsg[256];
	char			*out;		/* list output */
	size_t			 outlen, outcap;
};

static const char *const settypes[] = { "hash:net", "hash:ip", NULL };

#define F(f)	offsetof(struct ipset_priv, f)
static const struct conf_field ipset_fields[] = {
	RESP_COMMON_FIELDS(struct ipset_priv),
	{ "set4", CK_STRING, F(set4), "redress4", 0, 0, NULL, 0 },
	{ "set6", CK_STRING, F(set6), "redress6", 0, 0, NULL, 0 },
	{ "set_type", CK_ENUM, F(settype), "hash:net", 0, 0, settypes, 0 },
	{ "maxelem", CK_INT, F(maxelem), "1048576", 1, 1LL << 30, NULL, 0 },
	{ "iptables_rule", CK_BOOL, F(rule), "true", 0, 0, NULL, 0 },
	{ "chain", CK_STRING, F(chain), "INPUT", 0, 0, NULL, 0 },
	{ "iptables", CK_STRING, F(iptables), "/usr/sbin/iptables", 0, 0, NULL,
	    0 },
	{ "ip6tables", CK_STRING, F(ip6tables), "/usr/sbin/ip6tables", 0, 0,
	    NULL, 0 },
	{ "timeout", CK_MSEC, F(timeout_ms), "10s", 0, 0, NULL, 0 },
	{ NULL, 0, 0, NULL, 0, 0, NULL, 0 },
};
#undef F

static size_t
ips_configure(struct responder *r, const struct conf_node *map,
    struct diag *d)
{
	struct ipset_priv *p = r->priv;
	size_t errs = conf_apply(map, ipset_fields, p, d);

	if (errs)
		return errs;
	if (!responder_name_ok(p->set4, 31) ||
	    !responder_name_ok(p->set6, 31) ||
	    strcmp(p->set4, p->set6) == 0) {
		conf_error(d, map, "set4/set6: two different names of at most "
		    "31 letters, digits, _ or -");
		errs++;
	}
	if (!responder_name_ok(p->chain, 28)) {
		conf_error(d, conf_get(map, "chain"), "bad chain name");
		errs++;
	}
	if (p->iptables[0] != '/' || p->ip6tables[0] != '/') {
		conf_error(d, map, "iptables/ip6tables: absolute paths");
		errs++;
	}
	return errs;
}

/* ---------------------------------------------------------- libipset */

static int	ips_custom_error(struct ipset *, void *, int, const char *, ...)
		    __attribute__((format(printf, 4, 5)));
static int	ips_outfn(struct ipset_session *, void *, const char *, ...)
		    __attribute__((format(printf, 3, 4)));

static int
ips_custom_error(struct ipset *h, void *arg, int status, const char *fmt,
    ...)
{
	struct ipset_priv *p = arg;
	va_list ap;

	(void)h;
	if (p->errmsg[0] == '\0') {
		va_start(ap, fmt);
		vsnprintf(p->errmsg, sizeof(p->errmsg), fmt, ap);
		va_end(ap);
	}
	return status ? -1 : 0;
}

static int
ips_standard_error(struct ipset *h, void *arg)
{
	struct ipset_priv *p = arg;
	struct ipset_session *s = ipset_session(h);
	enum ipset_err_type t = ipset_session_report_type(s);

	if (t == IPSET_ERROR && p->errmsg[0] == '\0')
		strlcpy_r(p->errmsg, ipset_session_report_msg(s),
		    sizeof(p->errmsg));
	ipset_session_report_reset(s);
	return t == IPSET_ERROR ? -1 : 0;
}

static int
ips_outfn(struct ipset_session *s, void *arg, const char *fmt, ...)
{
	struct ipset_priv *p = arg;
	va_list ap;
	int n;

	(void)s;
	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(p->out ? p->out + p->outlen : NULL,
		    p->out ? p->outcap - p->outlen : 0, fmt, ap);
		va_end(ap);
		if (n < 0)
			return -1;
		if (p->out != NULL && (size_t)n < p->outcap - p->outlen) {
			p->outlen += (size_t)n;
			return 0;
		}
		p->outcap = (p->outcap + (size_t)n + 1) * 2;
		p->out = xreallocarray(p->out, p->outcap, 1);
		if (p->outlen == 0)
			p->out[0] = '\0';
	}
}

static pthread_once_t types_once = PTHREAD_ONCE_INIT;

static void
load_types(void)
{
	ipset_load_types();
}

/* Runs restore-format lines (one batch), or prints them in dry-run. */
static int
ips_batch(struct responder *r, const char *text, size_t len, struct err *e)
{
	struct ipset_priv *p = r->priv;
	FILE *f;
	int rc;

	if (r->dry_run) {
		fwrite(text, 1, len, r->dry_out);
		fflush(r->dry_out);
		return 0;
	}
	if (p->h == NULL)
		return err_set(e, "ipset: not open");
	if ((f = fmemopen((void *)(uintptr_t)text, len, "r")) == NULL)
		return err_set(e, "ipset: fmemopen failed");
	p->errmsg[0] = '\0';
	rc = ipset_parse_stream(p->h, f);
	fclose(f);
	if (rc != 0)
		return err_set(e, "ipset: %s", p->errmsg[0] ? p->errmsg :
		    "restore failed");
	return 0;
}

/* ---------------------------------------------------- iptables rules */

static int
ips_rule(struct responder *r, const char *prog, const char *set,
    struct err *e)
{
	struct ipset_priv *p = r->priv;
	char *argv[] = { (char *)prog, "-w", "-C", p->chain, "-m", "set",
	    "--match-set", (char *)set, "src", "-j", "DROP", NULL };
	char errbuf[256];
	int rc;

	if (r->dry_run) {
		fprintf(r->dry_out, "%s -w -I %s -m set --match-set %s src "
		    "-j DROP\n", prog, p->chain, set);
		return 0;
	}
	rc = spawn_run(argv, NULL, (int)p->timeout_ms, errbuf,
	    sizeof(errbuf), e);
	if (rc == 0)
		return 0;	/* present */
	if (rc < 0)
		return -1;
	argv[2] = "-I";
	rc = spawn_run(argv, NULL, (int)p->timeout_ms, errbuf,
	    sizeof(errbuf), e);
	if (rc != 0) {
		errbuf[strcspn(errbuf, "\n")] = '\0';
		return err_set(e, "%s -I %s: %s", prog, p->chain,
		    rc < 0 ? "failed" : errbuf);
	}
	return 0;
}

static int
ips_open(struct responder *r, struct err *e)
{
	struct ipset_priv *p = r->priv;
	char *text;
	int rc;

	if (!r->dry_run && p->h == NULL) {
		pthread_once(&types_once, load_types);
		if ((p->h = ipset_init()) == NULL)
			return err_set(e, "ipset: ipset_init failed");
		ipset_custom_printf(p->h, ips_custom_error,
		    ips_standard_error, ips_outfn, p);
		ipset_envopt_set(ipset_session(p->h), IPSET_ENV_EXIST);
	}
	text = xasprintf("create %s %s family inet timeout 0 maxelem %lld\n"
	    "create %s %s family inet6 timeout 0 maxelem %lld\n", p->set4,
	    settypes[p->settype], p->maxelem, p->set6, settypes[p->settype],
	    p->maxelem);
	rc = ips_batch(r, text, strlen(text), e);
	free(text);
	if (rc < 0 || !p->rule)
		return rc;
	if (ips_rule(r, p->iptables, p->set4, e) < 0 ||
	    ips_rule(r, p->ip6tables, p->set6, e) < 0)
		return -1;
	return 0;
}

static void
ips_lines(struct ipset_priv *p, const char *verb, const struct resp_block *v,
    size_t n, int with_to, char **out, size_t *outlen)
{
	char c[CIDR_STRLEN];
	FILE *f;
	size_t i;

	f = open_memstream(out, outlen);
	if (f == NULL)
		abort();
	for (i = 0; i < n; i++) {
		int v6 = v[i].net.net.family == AF_INET6;

		fprintf(f, "%s %s %s", verb, v6 ? p->set6 : p->set4,
		    cidr_format(&v[i].net, c, sizeof(c)));
		if (with_to)
			fprintf(f, " timeout %lld", v[i].duration_s > 0 &&
			    v[i].duration_s <= IPSET_MAX_TIMEOUT_S ?
			    (long long)v[i].duration_s : 0LL);
		fputc('\n', f);
	}
	fclose(f);
}

static int
ips_apply(struct responder *r, const struct resp_block *v, size_t n,
    struct err *e)
{
	struct ipset_priv *p = r->priv;
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (p->settype == 1 && v[i].net.len !=
		    addr_maxlen(&v[i].net.net))
			return err_set(e, "ipset: set_type hash:ip holds "
			    "addresses, not networks");
	ips_lines(p, "add", v, n, 1, &text, &len);
	rc = ips_batch(r, text, len, e);
	free(text);
	return rc;
}

static int
ips_revert(struct responder *r, const struct resp_block *v, size_t n,
    struct err *e)
{
	struct ipset_priv *p = r->priv;
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (n == 0)
		return 0;
	/* -exist: deleting what is already gone is not an error. */
	ips_lines(p, "del", v, n, 0, &text, &len);
	rc = ips_batch(r, text, len, e);
	free(text);
	return rc;
}

static int
ips_list_set(struct responder *r, const char *set, resp_list_cb cb,
    void *arg, struct err *e)
{
	struct ipset_priv *p = r->priv;
	char line[128], *s, *nl, *t;
	struct cidr c;
	long long rem;
	int rc = 0;

	p->outlen = 0;
	if (p->out)
		p->out[0] = '\0';
	p->errmsg[0] = '\0';
	ipset_session_output(ipset_session(p->h), IPSET_LIST_SAVE);
	snprintf(line, sizeof(line), "list %s", set);
	if (ipset_parse_line(p->h, line) != 0) {
		ipset_session_output(ipset_session(p->h), IPSET_LIST_NONE);
		return err_set(e, "ipset: list %s: %s", set, p->errmsg);
	}
	ipset_session_output(ipset_session(p->h), IPSET_LIST_NONE);
	for (s = p->out; s != NULL && *s && rc == 0; s = nl) {
		nl = strchr(s, '\n');
		if (nl != NULL)
			*nl++ = '\0';
		if (strncmp(s, "add ", 4) != 0)
			continue;
		s += 4;
		if ((t = strchr(s, ' ')) == NULL)
			continue;
		s = t + 1;
		rem = -1;
		if ((t = strchr(s, ' ')) != NULL) {
			*t++ = '\0';
			if (sscanf(t, "timeout %lld", &rem) == 1 && rem == 0)
				rem = -1;
		}
		if (cidr_parse(s, &c) == 0)
			rc = cb(arg, &c, rem);
	}
	return rc < 0 ? -1 : 0;
}

static int
ips_list(struct responder *r, resp_list_cb cb, void *arg, struct err *e)
{
	struct ipset_priv *p = r->priv;

	if (r->dry_run)
		return 0;
	if (ips_list_set(r, p->set4, cb, arg, e) < 0 ||
	    ips_list_set(r, p->set6, cb, arg, e) < 0)
		return -1;
	return 0;
}

static void
ips_close(struct responder *r)
{
	struct ipset_priv *p = r->priv;

	if (p->h != NULL)
		ipset_fini(p->h);
	p->h = NULL;
	free(p->out);
	p->out = NULL;
	p->outlen = p->outcap = 0;
}

static void
ips_release(struct responder *r)
{
	ips_close(r);
	conf_release(ipset_fields, r->priv);
}

const struct responder_ops resp_ipset = {
	.name = "ipset",
	.priv_size = sizeof(struct ipset_priv),
	.max_timeout_s = IPSET_MAX_TIMEOUT_S,
	.configure = ips_configure,
	.open = ips_open,
	.apply = ips_apply,
	.revert = ips_revert,
	.list = ips_list,
	.close = ips_close,
	.release = ips_release,
};
