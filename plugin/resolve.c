/* SPDX-License-Identifier: MIT */
/*
 * The resolver chain: gate (special, private and skipped addresses are not
 * resolved), cache per network range, PTR with forward confirmation, RDAP
 * via the IANA bootstrap, whois from IANA following referrals, the RFC 2142
 * fallback at the PTR name's registrable domain (libpsl), then the choice
 * of recipients (resolve_pick.c) and copy-to and CERT copies. After
 * RIPE's RDAP, RIPE's whois is asked too (its abuse-mailbox is the desk).
 * A rate-limit or "try later" anywhere without a recipient is no answer
 * (not cached), retried after the registry's back-off. Each step is
 * written to the contact's chain.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libpsl.h>

#include "bootstrap.h"
#include "log.h"
#include "monotime.h"
#include "rdap_parse.h"
#include "resolve_pick.h"
#include "resolver.h"
#include "whois_parse.h"
#include "xmalloc.h"

#define MAX_BUCKETS	32
#define WHOIS_MAX_HOPS	4
#define RIPE_RDAP	"https://rdap.db.ripe.net/"

struct bucket {
	char	server[128];
	double	tokens;
	int64_t	last_ms;
	int64_t	backoff_until_ms;
};

struct resolver {
	const struct resolver_conf	*rc;
	struct bucket			 b[MAX_BUCKETS];
	size_t				 nb;
	uint64_t			 queries;
	struct bootstrap		*bs;
	int				 bs_tried;
	int64_t				 deferred_until_ms;	/* this lookup */
};

struct resolver *
resolver_new(const struct resolver_conf *rc)
{
	struct resolver *r = xcalloc(1, sizeof(*r));

	r->rc = rc != NULL ? rc : resolver_conf_default();
	return r;
}

void
resolver_free(struct resolver *r)
{
	if (r == NULL)
		return;
	bootstrap_free(r->bs);
	free(r);
}

const struct resolver_conf *
resolver_conf_of(const struct resolver *r)
{
	return r->rc;
}

void
resolver_count_query(struct resolver *r)
{
	r->queries++;
}

uint64_t
resolver_queries(const struct resolver *r)
{
	return r->queries;
}

static struct bucket *
bucket(struct resolver *r, const char *server)
{
	size_t i;

	for (i = 0; i < r->nb; i++)
		if (strcasecmp(r->b[i].server, server) == 0)
			return &r->b[i];
	if (r->nb == MAX_BUCKETS)
		i = 0;	/* reuse the oldest slot */
	else
		i = r->nb++;
	memset(&r->b[i], 0, sizeof(r->b[i]));
	strlcpy_r(r->b[i].server, server, sizeof(r->b[i].server));
	r->b[i].tokens = (double)r->rc->rate_per_minute;
	r->b[i].last_ms = monotime_ms();
	return &r->b[i];
}

int
resolver_rate_wait(struct resolver *r, const char *server, struct err *e)
{
	struct bucket	*b = bucket(r, server);
	int64_t		 now = monotime_ms(), wait;
	double		 rate = (double)r->rc->rate_per_minute / 60000.0;

	if (b->backoff_until_ms > now) {
		if (b->backoff_until_ms > r->deferred_until_ms)
			r->deferred_until_ms = b->backoff_until_ms;
		return err_set(e, "%s: backing off for %lld s after a "
		    "rate-limit answer", server,
		    (long long)(b->backoff_until_ms - now + 999) / 1000);
	}
	b->tokens += (double)(now - b->last_ms) * rate;
	if (b->tokens > (double)r->rc->rate_per_minute)
		b->tokens = (double)r->rc->rate_per_minute;
	b->last_ms = now;
	if (b->tokens < 1.0) {
		wait = (int64_t)((1.0 - b->tokens) / rate) + 1;
		if (wait > r->rc->timeout_ms)
			return err_set(e, "%s: rate limit (%lld queries a "
			    "minute) reached", server,
			    r->rc->rate_per_minute);
		{
			struct timespec ts = { wait / 1000,
			    (long)(wait % 1000) * 1000000 };

			nanosleep(&ts, NULL);
		}
		b->tokens = 1.0;
		b->last_ms = monotime_ms();
	}
	b->tokens -= 1.0;
	return 0;
}

void
resolver_backoff(struct resolver *r, const char *server)
{
	resolver_backoff_for(r, server, 0);
}

void
resolver_backoff_for(struct resolver *r, const char *server, int64_t secs)
{
	struct bucket *b = bucket(r, server);

	b->backoff_until_ms = monotime_ms() + (secs > 0 ? secs :
	    r->rc->backoff_s) * 1000;
	b->tokens = 0;
	if (b->backoff_until_ms > r->deferred_until_ms)
		r->deferred_until_ms = b->backoff_until_ms;
}

int64_t
resolver_retry_after_s(const struct resolver *r)
{
	int64_t now = monotime_ms();

	if (r->deferred_until_ms <= now)
		return 0;
	return (r->deferred_until_ms - now + 999) / 1000;
}

/* ---------------------------------------------------------------- steps */

static int
looks_dynamic(const char *name)
{
	static const char *const w[] = { "dyn", "dial", "pool", "dsl",
		"cable", "ppp", "dhcp", "broadband", "dip", "cust",
		"residential", "client", "host-", NULL };
	char	lower[256];
	size_t	i;

	for (i = 0; name[i] && i < sizeof(lower) - 1; i++)
		lower[i] = (char)tolower((unsigned char)name[i]);
	lower[i] = '\0';
	for (i = 0; w[i]; i++)
		if (strstr(lower, w[i]) != NULL)
			return 1;
	return 0;
}

static void
step_ptr(struct run *u, const struct addr *a)
{
	struct err	e = { "", 0 };
	int		rc;

	if (u->r->rc->offline && (u->r->rc->dns_server == NULL ||
	    u->r->rc->dns_server[0] == '\0')) {
		contact_chain(u->c, "PTR: skipped (offline, no dns_server)");
		return;
	}
	rc = resolve_dns_ptr(u->r, a, u->c->ptr, sizeof(u->c->ptr),
	    &u->c->ptr_confirmed, &e);
	if (rc == -1) {
		contact_chain(u->c, "PTR: %s", e.msg);
		return;
	}
	if (rc == 0) {
		contact_chain(u->c, "PTR: none");
		return;
	}
	u->c->dynamic = looks_dynamic(u->c->ptr);
	contact_chain(u->c, "PTR: %s (%s%s)", u->c->ptr, u->c->ptr_confirmed ?
	    "forward-confirmed" : "NOT forward-confirmed: not trusted",
	    u->c->dynamic ? ", looks dynamic/residential" : "");
}

static void
set_net(struct run *u, const char *name, const char *handle,
    const char *range, const char *country, uint32_t as, int level)
{
	struct contact *c = u->c;

	if (range[0] == '\0' || level < u->net_level)
		return;
	u->net_level = level;
	strlcpy_r(c->network_name, name, sizeof(c->network_name));
	strlcpy_r(c->handle, handle, sizeof(c->handle));
	strlcpy_r(c->range, range, sizeof(c->range));
	if (country[0])
		strlcpy_r(c->country, country, sizeof(c->country));
	if (as)
		c->origin_as = as;
}

static void
chain_evidence(struct run *u, const char *what, const char *ev)
{
	const char *p = ev, *nl;

	while (p != NULL && *p) {
		nl = strchr(p, '\n');
		contact_chain(u->c, "  %s rejected: %.*s", what,
		    (int)(nl ? nl - p : (long)strlen(p)), p);
		p = nl ? nl + 1 : NULL;
	}
}

static void
add_rdap(struct run *u, struct rdap_result *rr, const char *url, int level)
{
	size_t	i;
	char	src[160];

	for (i = 0; i < rr->nfound; i++) {
		snprintf(src, sizeof(src), "rdap %.90s %s", url,
		    rr->found[i].field);
		resolve_cand_add(u, &rr->found[i], level + rr->found[i].level, src);
		contact_chain(u->c, "  %s: %s (%s)", rr->found[i].field,
		    rr->found[i].email, rr->found[i].role);
	}
	chain_evidence(u, "RDAP", rr->evidence);
}

/* 1 answered, -1 no answer. */
static int
step_rdap(struct run *u, const struct addr *a, struct err *e)
{
	struct resolver	*r = u->r;
	struct rdap_result rr;
	const char	*base;
	char		 as[ADDR_STRLEN], *url, *body, final[512];
	size_t		 len, i;

	if (!r->bs_tried) {
		r->bs_tried = 1;
		r->bs = bootstrap_new();
		if (bootstrap_load(r->bs, r->rc->bootstrap_dir, e) == -1) {
			contact_chain(u->c, "RDAP bootstrap: %s", e->msg);
			err_clear(e);
		}
	}
	if ((base = bootstrap_lookup(r->bs, a)) == NULL) {
		contact_chain(u->c, "RDAP: no bootstrap entry for %s",
		    addr_format(a, as, sizeof(as)));
		return err_set(e, "RDAP: no bootstrap entry");
	}
	url = xasprintf("%sip/%s", base, addr_format(a, as, sizeof(as)));
	strlcpy_r(final, url, sizeof(final));
	if (resolve_rdap_get(r, url, &body, &len, final, sizeof(final),
	    e) == -1) {
		contact_chain(u->c, "RDAP GET %s: %s", url, e->msg);
		free(url);
		return -1;
	}
	if (strcmp(final, url) != 0)
		contact_chain(u->c, "RDAP GET %s: redirected to %s", url,
		    final);
	free(url);
	if (rdap_parse_ip(body, len, &rr, e) == -1) {
		contact_chain(u->c, "RDAP %s: %s", final, e->msg);
		free(body);
		return -1;
	}
	free(body);
	contact_chain(u->c, "RDAP %s: network %s handle %s range %s "
	    "country %s", final, rr.network_name, rr.handle, rr.range,
	    rr.country[0] ? rr.country : "-");
	set_net(u, rr.network_name, rr.handle, rr.range, rr.country, 0,
	    LEVEL_RDAP + 1);
	resolve_set_own(u, rr.network_name, 0);
	u->ripe_rdap = strncmp(final, RIPE_RDAP, strlen(RIPE_RDAP)) == 0;
	add_rdap(u, &rr, final, LEVEL_RDAP_NET);
	/* Abuse entities that came with only a link: fetch them. */
	for (i = 0; i < rr.nentity_urls && !resolve_has_abuse(u, LEVEL_RDAP); i++) {
		struct rdap_result	er;
		struct err		e2 = { "", 0 };
		char			f2[512];

		strlcpy_r(f2, rr.entity_urls[i], sizeof(f2));
		if (resolve_rdap_get(r, rr.entity_urls[i], &body, &len, f2,
		    sizeof(f2), &e2) == -1) {
			contact_chain(u->c, "RDAP entity %s: %s",
			    rr.entity_urls[i], e2.msg);
			continue;
		}
		memset(&er, 0, sizeof(er));
		if (rdap_parse_entity(body, len, "abuse", &er, &e2) == -1)
			contact_chain(u->c, "RDAP entity %s: %s", f2, e2.msg);
		else
			add_rdap(u, &er, f2, LEVEL_RDAP_NET);
		free(body);
		rdap_result_clear(&er);
	}
	/* No abuse role here: the parent network's. */
	if (!resolve_has_abuse(u, LEVEL_RDAP) && rr.up_url[0] != '\0') {
		struct rdap_result	pr;
		struct err		e2 = { "", 0 };
		char			f2[512];

		strlcpy_r(f2, rr.up_url, sizeof(f2));
		if (resolve_rdap_get(r, rr.up_url, &body, &len, f2,
		    sizeof(f2), &e2) == -1)
			contact_chain(u->c, "RDAP parent %s: %s", rr.up_url,
			    e2.msg);
		else {
			if (rdap_parse_ip(body, len, &pr, &e2) == -1)
				contact_chain(u->c, "RDAP parent %s: %s", f2,
				    e2.msg);
			else {
				contact_chain(u->c, "RDAP parent %s: network "
				    "%s", f2, pr.network_name);
				add_rdap(u, &pr, f2, LEVEL_RDAP);
			}
			rdap_result_clear(&pr);
			free(body);
		}
	}
	if (u->ripe_rdap && !rr.abuse_typed)
		resolve_ripe_untyped(u);
	u->own[0] = '\0';
	rdap_result_clear(&rr);
	return 1;
}

static char *
whois_query_text(const char *server, const char *as)
{
	if (strcasecmp(server, "whois.arin.net") == 0)
		return xasprintf("n + %s", as);
	if (strcasecmp(server, "whois.ripe.net") == 0 ||
	    strcasecmp(server, "whois.afrinic.net") == 0)
		return xasprintf("-r %s", as);
	return xstrdup(as);
}

static int
step_whois(struct run *u, const struct addr *a, const char *start,
    struct err *e)
{
	struct resolver		*r = u->r;
	struct whois_result	 wr;
	char			 server[256], as[ADDR_STRLEN], *q, *text;
	char			 src[160];
	size_t			 len, i;
	int			 port = 0, hop, answered = 0, rwhois = 0;

	addr_format(a, as, sizeof(as));
	strlcpy_r(server, start, sizeof(server));
	for (hop = 0; hop < WHOIS_MAX_HOPS; hop++) {
		struct err e2 = { "", 0 };

		q = rwhois ? xstrdup(as) : whois_query_text(server, as);
		if (resolve_whois_query(r, server, port, q, &text, &len,
		    &e2) == -1) {
			contact_chain(u->c, "whois %s \"%s\": %s", server, q,
			    e2.msg);
			free(q);
			if (!rwhois)
				err_set(e, "%s", e2.msg);
			break;
		}
		whois_parse(text, len, &wr);
		free(text);
		contact_chain(u->c, "whois %s%s \"%s\": %zu bytes; network %s "
		    "range %s%s%s", rwhois ? "(rwhois) " : "", server, q,
		    len, wr.network_name[0] ? wr.network_name : "-",
		    wr.range[0] ? wr.range : "-",
		    wr.refer_host[0] ? "; refers to " : "", wr.refer_host);
		free(q);
		if (wr.rate_limited) {
			resolver_backoff(r, server);
			contact_chain(u->c, "whois %s: query limit exceeded; "
			    "backing off for %lld s", server,
			    (long long)r->rc->backoff_s);
			err_set(e, "whois %s: query limit exceeded", server);
			whois_result_clear(&wr);
			break;
		}
		answered = 1;
		err_clear(e);
		set_net(u, wr.network_name, wr.handle, wr.range, wr.country,
		    wr.origin_as, hop * LEVEL_HOP + wr.level);
		resolve_set_own(u, wr.network_name, wr.refer_host[0] != '\0');
		for (i = 0; i < wr.nfound; i++) {
			snprintf(src, sizeof(src), "whois %.80s %s line %d",
			    server, wr.found[i].field, wr.found[i].line);
			resolve_cand_add(u, &wr.found[i], hop * LEVEL_HOP +
			    wr.found[i].level, src);
			contact_chain(u->c, "  line %d %s: %s (%s%s)",
			    wr.found[i].line, wr.found[i].field,
			    wr.found[i].email, wr.found[i].role,
			    wr.found[i].low_confidence ? ", free text" : "");
		}
		chain_evidence(u, "whois", wr.evidence);
		u->own[0] = '\0';
		if (wr.refer_host[0] == '\0' ||
		    strcasecmp(wr.refer_host, server) == 0 ||
		    (wr.refer_rwhois && !r->rc->follow_rwhois)) {
			whois_result_clear(&wr);
			break;
		}
		strlcpy_r(server, wr.refer_host, sizeof(server));
		port = wr.refer_port;
		rwhois = wr.refer_rwhois;
		whois_result_clear(&wr);
	}
	return answered ? 1 : -1;
}

/* Abusix contact DB: names the allocation holder; ranks lowest. */
static void
step_abusix(struct run *u, const struct addr *a)
{
	struct err	 e = { "", 0 };
	char		 buf[1024], *p;
	int		 n;

	if (u->r->rc->offline && (u->r->rc->dns_server == NULL ||
	    u->r->rc->dns_server[0] == '\0'))
		return;
	n = resolve_dns_txt(u->r, a, u->r->rc->abusix_zone, buf, sizeof(buf),
	    &e);
	if (n == -1) {
		contact_chain(u->c, "abusix TXT: %s", e.msg);
		return;
	}
	contact_chain(u->c, "abusix TXT under %s: %d string(s)",
	    u->r->rc->abusix_zone, n);
	for (p = buf; *p; p += strlen(p) + 1) {
		struct whois_found f;

		if (!contact_mailbox_ok(p, strlen(p))) {
			char esc[160];

			log_esc(p, strlen(p) > 100 ? 100 : strlen(p), esc,
			    sizeof(esc));
			contact_chain(u->c, "  abusix rejected: \"%s\"", esc);
			continue;
		}
		memset(&f, 0, sizeof(f));
		strlcpy_r(f.email, p, sizeof(f.email));
		strlcpy_r(f.role, "abuse", sizeof(f.role));
		resolve_cand_add(u, &f, -1, "abusix TXT");
		contact_chain(u->c, "  abusix: %s", f.email);
	}
}

static void
step_rfc2142(struct run *u)
{
	const psl_ctx_t		*psl = psl_builtin();
	const char		*dom;
	size_t			 i;
	char			 email[300];

	if (!u->c->ptr_confirmed || psl == NULL)
		return;
	dom = psl_registrable_domain(psl, u->c->ptr);
	if (dom == NULL) {
		contact_chain(u->c, "RFC 2142: %s has no registrable domain",
		    u->c->ptr);
		return;
	}
	for (i = 0; i < u->r->rc->rfc2142_roles.n; i++) {
		struct whois_found f;

		snprintf(email, sizeof(email), "%s@%s",
		    u->r->rc->rfc2142_roles.v[i], dom);
		if (!contact_mailbox_ok(email, strlen(email)))
			continue;
		memset(&f, 0, sizeof(f));
		strlcpy_r(f.email, email, sizeof(f.email));
		strlcpy_r(f.role, "rfc2142", sizeof(f.role));
		f.low_confidence = 1;
		resolve_cand_add(u, &f, 0, "rfc2142 PTR registrable domain");
	}
	contact_chain(u->c, "RFC 2142 fallback at %s (confirmed PTR %s)", dom,
	    u->c->ptr);
}

static void
add_copies(struct run *u)
{
	const struct resolver_conf	*rc = u->r->rc;
	size_t				 i;

	for (i = 0; i < rc->copy_to.n; i++)
		if (contact_add(u->c, rc->copy_to.v[i], "cc", "config copy_to",
		    0) == 1)
			contact_chain(u->c, "copy to %s (config)",
			    rc->copy_to.v[i]);
	for (i = 0; i < rc->ncerts && u->c->country[0]; i++)
		if (strcasecmp(rc->certs[i].country, u->c->country) == 0 &&
		    contact_add(u->c, rc->certs[i].email, "cert",
		    "config cert table", 0) == 1)
			contact_chain(u->c, "national CERT for %s: %s",
			    u->c->country, rc->certs[i].email);
}

static int
primaries(const struct contact *c)
{
	size_t	i;
	int	n = 0;

	for (i = 0; i < c->naddrs; i++)
		if (strcmp(c->addrs[i].role, "cc") != 0 &&
		    strcmp(c->addrs[i].role, "cert") != 0)
			n++;
	return n;
}

/* RFC 6890 space that addr_is_special leaves to callers. */
static int
gate_extra(const struct addr *a)
{
	static const char *const nets[] = { "192.0.0.0/24", "192.0.2.0/24",
		"192.88.99.0/24", "198.18.0.0/15", "198.51.100.0/24",
		"203.0.113.0/24", "2001:db8::/32", "2001::/23", "100::/64",
		"2002::/16", NULL };
	struct cidr	c;
	size_t		i;

	for (i = 0; nets[i]; i++)
		if (cidr_parse(nets[i], &c) == 0 && cidr_contains(&c, a))
			return 1;
	return 0;
}

int
resolve_addr(struct resolver *r, const struct addr *a, struct contact *c,
    struct addr *lo, struct addr *hi, struct err *e)
{
	const struct resolver_conf	*rc = r->rc;
	struct run			*u;
	char				 as[ADDR_STRLEN];
	size_t				 i;
	int				 answered = 0, rv;

	memset(c, 0, sizeof(*c));
	*lo = *a;
	*hi = *a;
	addr_format(a, as, sizeof(as));
	if (addr_is_special(a) || addr_is_private(a) || gate_extra(a)) {
		contact_chain(c, "gate: %s is special-purpose or private "
		    "space: not resolved", as);
		return 0;
	}
	for (i = 0; i < rc->skip.n; i++)
		if (cidr_contains(&rc->skip.v[i], a)) {
			contact_chain(c, "gate: %s is in resolver.skip: not "
			    "resolved", as);
			return 0;
		}
	u = xcalloc(1, sizeof(*u));
	u->r = r;
	u->c = c;
	u->net_level = -1;
	r->deferred_until_ms = 0;
	contact_chain(c, "resolve %s", as);
	if (rc->use_ptr)
		step_ptr(u, a);
	if (rc->use_rdap && step_rdap(u, a, e) == 1)
		answered = 1;
	if (rc->use_whois && (u->ripe_rdap || !resolve_has_abuse(u, LEVEL_RDAP))) {
		struct err e2 = { "", 0 };

		/* After RIPE's RDAP: RIPE's whois directly. */
		if (step_whois(u, a, u->ripe_rdap ? "whois.ripe.net" :
		    rc->whois_iana, &e2) == 1)
			answered = 1;
		else if (!answered)
			err_set(e, "%s", e2.msg);
		if (u->ripe_rdap)
			resolve_ripe_check(u);
	}
	if (rc->abusix_zone != NULL && rc->abusix_zone[0] != '\0' &&
	    !resolve_has_abuse(u, 0)) {
		step_abusix(u, a);
		if (resolve_has_abuse(u, -1))
			answered = 1;
	}
	if (answered)
		err_clear(e);
	if (rc->rfc2142 && !resolve_has_abuse(u, 0))
		step_rfc2142(u);
	resolve_pick(u);
	if (c->range[0] != '\0') {
		struct addr l, h;

		if (contact_range_parse(c->range, &l, &h) == 0 &&
		    addr_cmp(&l, a) <= 0 && addr_cmp(a, &h) <= 0) {
			*lo = l;
			*hi = h;
		} else
			contact_chain(c, "range \"%s\" does not cover %s: "
			    "cached for the address only", c->range, as);
	}
	add_copies(u);
	free(u);
	if (r->deferred_until_ms != 0 && primaries(c) == 0) {
		/* A registry said "later": no answer yet, not "no contact". */
		err_set(e, "a registry rate-limited the lookup of %s; retry in "
		    "%lld s", as, (long long)resolver_retry_after_s(r));
		contact_chain(c, "no answer: %s", e->msg);
		return -1;
	}
	if (!answered && primaries(c) == 0) {
		if (!e->set)
			err_set(e, "no registry answered for %s", as);
		contact_chain(c, "no answer: %s", e->msg);
		return -1;
	}
	rv = primaries(c) > 0;
	if (!rv)
		contact_chain(c, "no recipient found");
	return rv;
}

int
resolve_cached(struct resolver *r, struct store *st, const struct addr *a,
    int no_cache, struct contact *c, struct err *e)
{
	struct addr	lo, hi;
	int		rc;

	if (!no_cache && st != NULL) {
		rc = store_contact_lookup(st, a, c, e);
		if (rc == -1)
			return -1;
		if (rc == 1)
			return primaries(c) > 0;
	}
	rc = resolve_addr(r, a, c, &lo, &hi, e);
	if (rc == -1)
		return -1;
	c->resolved_usec = store_now_usec();
	c->expires_usec = c->resolved_usec + (rc == 1 ?
	    r->rc->positive_ttl_s : r->rc->negative_ttl_s) * 1000000;
	if (st != NULL && store_contact_save(st, &lo, &hi, c, e) == -1)
		return -1;
	return rc;
}
