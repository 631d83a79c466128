/* SPDX-License-Identifier: MIT */
/*
 * whois answer parser: RIPE/AFRINIC/APNIC RPSL (abuse-mailbox, the "% Abuse
 * contact for ... is" comment, abuse-c/admin-c/tech-c handles resolved to
 * e-mail: of the referenced object), ARIN (OrgAbuseEmail, RAbuseEmail,
 * ReferralServer), LACNIC (abuse-c to nic-hdl-br), IANA refer:/whois:,
 * free-form "abuse ... x@y" remarks, remarks that name a security contact,
 * and rate-limit notices. A role's e-mail: stands in for its abuse-mailbox
 * only when it has none; a person's e-mail: is marked personal. Every value
 * is hostile: only valid mailboxes are kept, the rest is quoted evidence.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "contact.h"
#include "log.h"
#include "whois_parse.h"
#include "xmalloc.h"

#define LINE_MAX_LEN	1024
#define MAX_PENDING	64
#define MAX_BLOCKS	64

struct pending {
	char	email[256];
	int	line, block;
};

struct ref {
	char	handle[64];
	char	role[16];
	int	level;
};

struct pstate {
	struct whois_result	*r;
	struct pending		 pend[MAX_PENDING];
	size_t			 npend;
	char			 bhandle[MAX_BLOCKS][64];
	int			 blevel[MAX_BLOCKS];
	char			 bperson[MAX_BLOCKS];	/* person: object */
	char			 babuse[MAX_BLOCKS];	/* has abuse-mailbox: */
	struct ref		 refs[WHOIS_MAX_REFS];
	size_t			 nrefs;
	int			 block;		/* index of current block */
	int			 in_block;
	int			 block_is_net;
	int			 have_range;	/* at this level */
	int			 have_country;
};

static void
evidence(struct pstate *p, int line, const char *what, const char *v,
    size_t vlen)
{
	char	esc[160], *n;

	/* Counted always, quoted for the first few only. */
	if (p->r->rejected++ >= WHOIS_MAX_EVIDENCE)
		return;
	log_esc(v, vlen > 100 ? 100 : vlen, esc, sizeof(esc));
	n = xasprintf("%sline %d %s: \"%s\"%s\n", p->r->evidence ?
	    p->r->evidence : "", line, what, esc, vlen > 100 ? "..." : "");
	free(p->r->evidence);
	p->r->evidence = n;
}

static struct whois_found *
found(struct pstate *p, const char *email, size_t elen, const char *role,
    const char *field, int line, int level, int low)
{
	struct whois_found	*f;
	size_t			 i;

	if (!contact_mailbox_ok(email, elen)) {
		evidence(p, line, field, email, elen);
		return NULL;
	}
	for (i = 0; i < p->r->nfound; i++) {
		f = &p->r->found[i];
		if (strlen(f->email) == elen &&
		    strncasecmp(f->email, email, elen) == 0 &&
		    strcmp(f->role, role) == 0 && f->level == level) {
			if (!low)
				f->low_confidence = 0;
			return f;
		}
	}
	if (p->r->nfound >= WHOIS_MAX_FOUND)
		return NULL;
	f = &p->r->found[p->r->nfound++];
	memset(f, 0, sizeof(*f));
	for (i = 0; i < elen; i++)
		f->email[i] = (char)tolower((unsigned char)email[i]);
	strlcpy_r(f->role, role, sizeof(f->role));
	strlcpy_r(f->field, field, sizeof(f->field));
	f->line = line;
	f->level = level;
	f->low_confidence = low;
	return f;
}

static int
ci_contains(const char *hay, const char *needle)
{
	return strcasestr(hay, needle) != NULL;
}

static void
set_str(char *dst, size_t size, const char *v)
{
	size_t i, j = 0;

	/* Printable ASCII only; names are shown in reports. */
	for (i = 0; v[i] && j < size - 1; i++)
		if ((unsigned char)v[i] >= 0x20 && (unsigned char)v[i] < 0x7f)
			dst[j++] = v[i];
	dst[j] = '\0';
}

static void
referral(struct pstate *p, const char *v, int line)
{
	struct whois_result	*r = p->r;
	const char		*h = v, *e;
	char			 host[256];
	size_t			 n;
	long			 port = 0;
	int			 rw = 0;

	if (strncasecmp(v, "whois://", 8) == 0)
		h = v + 8;
	else if (strncasecmp(v, "rwhois://", 9) == 0) {
		h = v + 9;
		rw = 1;
	} else if (strstr(v, "://") != NULL) {
		evidence(p, line, "referral (unsupported)", v, strlen(v));
		return;
	}
	n = strcspn(h, ":/ \t");
	if (n == 0 || n >= sizeof(host)) {
		evidence(p, line, "referral", v, strlen(v));
		return;
	}
	memcpy(host, h, n);
	host[n] = '\0';
	for (e = host; *e; e++)
		if (!isalnum((unsigned char)*e) && *e != '.' && *e != '-') {
			evidence(p, line, "referral", v, strlen(v));
			return;
		}
	if (h[n] == ':') {
		char *end;

		port = strtol(h + n + 1, &end, 10);
		if (port <= 0 || port > 65535)
			port = 0;
	}
	strlcpy_r(r->refer_host, host, sizeof(r->refer_host));
	r->refer_port = (int)port;
	r->refer_rwhois = rw;
}

static void
end_block(struct pstate *p)
{
	if (p->in_block && p->block < MAX_BLOCKS - 1)
		p->block++;
	p->in_block = 0;
	p->block_is_net = 0;
}

/* "% Abuse contact for '62.239.237.0 - 62.239.237.255' is 'protect@bt.com'" */
static void
abuse_comment(struct pstate *p, const char *s, int line)
{
	const char *is, *q1, *q2;

	if ((is = strstr(s, "' is '")) == NULL)
		return;
	q1 = is + 6;
	if ((q2 = strchr(q1, '\'')) == NULL)
		return;
	found(p, q1, (size_t)(q2 - q1), "abuse", "Abuse contact comment",
	    line, p->r->level + 1, 0);
}

/*
 * Free-form: "Please send abuse reports to abuse@example.net." gives an
 * abuse guess; "If related with security, send mail to security@x.net"
 * (a line naming security or incidents, not abuse) the network's security
 * contact for exploit and compromise reports.
 */
static void
free_form(struct pstate *p, const char *s, int line)
{
	const char	*at, *b, *e, *role = "abuse";
	int		 low = 1;

	if (!ci_contains(s, "abuse")) {
		if (!ci_contains(s, "security") && !ci_contains(s, "incident") &&
		    !ci_contains(s, "csirt"))
			return;
		role = "security";
		low = 0;
	}
	for (at = strchr(s, '@'); at != NULL; at = strchr(at + 1, '@')) {
		b = at;
		while (b > s && !strchr(" \t<>()[],;:\"'", b[-1]))
			b--;
		e = at;
		while (*e && !strchr(" \t<>()[],;:\"'", *e))
			e++;
		while (e > at && (e[-1] == '.'))
			e--;
		if (contact_mailbox_ok(b, (size_t)(e - b)))
			found(p, b, (size_t)(e - b), role, role[0] == 's' ?
			    "security remark" : "free-form", line, p->r->level,
			    low);
	}
}

static void
key_value(struct pstate *p, const char *key, const char *v, size_t vlen,
    int line, int overlong)
{
	struct whois_result *r = p->r;

	if (overlong) {
		/* CR or NUL inside: quoted as evidence, never used. */
		evidence(p, line, key, v, strlen(v));
		return;
	}
	if (strcasecmp(key, "RAbuseEmail") == 0) {
		/* The reassignment POC is more specific than the org's. */
		found(p, v, vlen, "abuse", key, line, r->level + 1, 0);
	} else if (strcasecmp(key, "abuse-mailbox") == 0 ||
	    strcasecmp(key, "OrgAbuseEmail") == 0) {
		p->babuse[p->block] = 1;
		found(p, v, vlen, "abuse", key, line,
		    r->level, 0);
	} else if (strcasecmp(key, "OrgTechEmail") == 0 ||
	    strcasecmp(key, "RTechEmail") == 0 ||
	    strcasecmp(key, "OrgNOCEmail") == 0 ||
	    strcasecmp(key, "RNOCEmail") == 0) {
		found(p, v, vlen, "tech", key, line,
		    r->level, 0);
	} else if (strcasecmp(key, "OrgAdminEmail") == 0 ||
	    strcasecmp(key, "RAdminEmail") == 0) {
		found(p, v, vlen, "admin", key, line,
		    r->level, 0);
	} else if (strcasecmp(key, "e-mail") == 0 ||
	    strcasecmp(key, "email") == 0) {
		if (!contact_mailbox_ok(v, vlen))
			evidence(p, line, key, v, vlen);
		else if (p->npend < MAX_PENDING) {
			struct pending *pe = &p->pend[p->npend++];

			memcpy(pe->email, v, vlen);
			pe->email[vlen] = '\0';
			pe->line = line;
			pe->block = p->block;
		}
	} else if (strcasecmp(key, "person") == 0) {
		p->bperson[p->block] = 1;
	} else if (strcasecmp(key, "nic-hdl") == 0 ||
	    strcasecmp(key, "nic-hdl-br") == 0) {
		set_str(p->bhandle[p->block], sizeof(p->bhandle[0]), v);
		p->blevel[p->block] = r->level;
	} else if (strcasecmp(key, "abuse-c") == 0 ||
	    strcasecmp(key, "admin-c") == 0 ||
	    strcasecmp(key, "owner-c") == 0 ||
	    strcasecmp(key, "tech-c") == 0) {
		if (p->nrefs < WHOIS_MAX_REFS && vlen < 64) {
			struct ref *rf = &p->refs[p->nrefs++];

			set_str(rf->handle, sizeof(rf->handle), v);
			strlcpy_r(rf->role, strncasecmp(key, "abuse", 5) == 0 ?
			    "abuse" : strncasecmp(key, "tech", 4) == 0 ?
			    "tech" : "admin", sizeof(rf->role));
			rf->level = r->level;
		}
	} else if (strcasecmp(key, "inetnum") == 0 ||
	    strcasecmp(key, "inet6num") == 0 ||
	    strcasecmp(key, "NetRange") == 0) {
		r->level++;
		p->block_is_net = 1;
		p->have_range = 1;
		p->have_country = 0;
		set_str(r->range, sizeof(r->range), v);
		r->network_name[0] = '\0';
		r->handle[0] = '\0';
	} else if (strcasecmp(key, "CIDR") == 0) {
		if (!p->have_range)
			set_str(r->range, sizeof(r->range), v);
	} else if (strcasecmp(key, "netname") == 0 ||
	    strcasecmp(key, "NetName") == 0) {
		set_str(r->network_name, sizeof(r->network_name), v);
	} else if (strcasecmp(key, "owner") == 0 ||
	    strcasecmp(key, "OrgName") == 0) {
		if (r->network_name[0] == '\0')
			set_str(r->network_name, sizeof(r->network_name), v);
	} else if (strcasecmp(key, "NetHandle") == 0 ||
	    strcasecmp(key, "ownerid") == 0) {
		if (r->handle[0] == '\0')
			set_str(r->handle, sizeof(r->handle), v);
	} else if (strcasecmp(key, "country") == 0) {
		if (r->level > 0 && !p->have_country && vlen == 2 &&
		    isalpha((unsigned char)v[0]) &&
		    isalpha((unsigned char)v[1])) {
			r->country[0] = (char)toupper((unsigned char)v[0]);
			r->country[1] = (char)toupper((unsigned char)v[1]);
			r->country[2] = '\0';
			p->have_country = 1;
		}
	} else if (strcasecmp(key, "origin") == 0 ||
	    strcasecmp(key, "OriginAS") == 0) {
		const char *s = v;

		if (strncasecmp(s, "AS", 2) == 0)
			s += 2;
		if (r->origin_as == 0 && isdigit((unsigned char)*s)) {
			unsigned long long as = strtoull(s, NULL, 10);

			if (as > 0 && as <= UINT32_MAX)
				r->origin_as = (uint32_t)as;
		}
	} else if (strcasecmp(key, "refer") == 0 ||
	    strcasecmp(key, "ReferralServer") == 0) {
		referral(p, v, line);
	} else if (strcasecmp(key, "whois") == 0) {
		if (r->refer_host[0] == '\0')
			referral(p, v, line);
	} else if (strcasecmp(key, "remarks") == 0 ||
	    strcasecmp(key, "descr") == 0 || strcasecmp(key, "Comment") == 0) {
		char tmp[LINE_MAX_LEN + 1];

		memcpy(tmp, v, vlen);
		tmp[vlen] = '\0';
		free_form(p, tmp, line);
	}
}

static void
rate_limit_check(struct pstate *p, const char *s)
{
	if (ci_contains(s, "limit exceeded") ||
	    ci_contains(s, "rate limit notice") ||
	    ci_contains(s, "exceeded the query limit") ||
	    ci_contains(s, "too many requests") ||
	    ci_contains(s, "ERROR:201") ||
	    ci_contains(s, "access denied") ||
	    ci_contains(s, "try again later") ||
	    ci_contains(s, "please try later") ||
	    ci_contains(s, "query limit"))
		p->r->rate_limited = 1;
}

static void
one_line(struct pstate *p, char *s, size_t len, int line, int overlong)
{
	char	*colon, *v, *e;
	size_t	 klen, i;

	while (len > 0 && (s[len - 1] == '\r' || s[len - 1] == ' ' ||
	    s[len - 1] == '\t'))
		s[--len] = '\0';
	if (len == 0 && !overlong) {
		end_block(p);
		return;
	}
	if (s[0] == '%' || s[0] == '#') {
		rate_limit_check(p, s);
		if (strncmp(s, "% Abuse contact for", 19) == 0)
			abuse_comment(p, s, line);
		return;
	}
	rate_limit_check(p, s);
	p->in_block = 1;
	colon = memchr(s, ':', len);
	if (colon == NULL || colon == s || s[0] == ' ' || s[0] == '\t') {
		free_form(p, s, line);
		return;
	}
	klen = (size_t)(colon - s);
	for (i = 0; i < klen; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' &&
		    s[i] != '_')
			break;
	if (i < klen || klen > 40) {
		free_form(p, s, line);
		return;
	}
	*colon = '\0';
	v = colon + 1;
	while (*v == ' ' || *v == '\t')
		v++;
	e = s + len;
	/* Embedded NUL or CR: the value is not clean text. */
	if (memchr(v, '\r', (size_t)(e - v)) != NULL ||
	    strlen(v) != (size_t)(e - v))
		overlong = 1;
	/* A quoted value ("x@y" or 'x@y') is unquoted once. */
	if (e - v >= 2 && ((v[0] == '"' && e[-1] == '"') ||
	    (v[0] == '\'' && e[-1] == '\''))) {
		v++;
		*--e = '\0';
	}
	key_value(p, s, v, (size_t)(e - v), line, overlong);
}

static void
resolve_refs(struct pstate *p)
{
	size_t	i, j;
	int	b;

	for (i = 0; i < p->npend; i++) {
		struct pending *pe = &p->pend[i];
		int matched = 0;

		b = pe->block;
		if (p->bhandle[b][0] == '\0')
			continue;
		/*
		 * Strongest role first: abuse, then admin, then tech. The
		 * e-mail: of an abuse-c that has an abuse-mailbox: is not its
		 * abuse address (the mailbox was found on its own line).
		 */
		for (j = 0; j < p->nrefs; j++)
			if (strcasecmp(p->refs[j].handle, p->bhandle[b]) == 0 &&
			    strcmp(p->refs[j].role, "abuse") == 0) {
				matched = 1;
				if (p->babuse[b])
					continue;
				found(p, pe->email, strlen(pe->email), "abuse",
				    "abuse-c e-mail", pe->line,
				    p->refs[j].level, 0);
			}
		if (matched)
			continue;
		for (j = 0; j < p->nrefs; j++)
			if (strcasecmp(p->refs[j].handle, p->bhandle[b]) == 0) {
				struct whois_found *f;

				f = found(p, pe->email, strlen(pe->email),
				    p->refs[j].role, p->refs[j].role[0] == 't' ?
				    "tech-c e-mail" : "admin-c e-mail",
				    pe->line, p->refs[j].level, 0);
				if (f != NULL && p->bperson[b])
					f->personal = 1;
				break;
			}
	}
}

int
whois_parse(const char *buf, size_t len, struct whois_result *r)
{
	struct pstate	*p;
	char		 line[LINE_MAX_LEN + 1];
	size_t		 off = 0, n;
	int		 lineno = 0;

	memset(r, 0, sizeof(*r));
	p = xcalloc(1, sizeof(*p));
	p->r = r;
	while (off < len) {
		const char *nl = memchr(buf + off, '\n', len - off);
		size_t ll = nl ? (size_t)(nl - (buf + off)) : len - off;
		int overlong = ll > LINE_MAX_LEN;

		lineno++;
		n = overlong ? LINE_MAX_LEN : ll;
		memcpy(line, buf + off, n);
		line[n] = '\0';
		if (overlong) {
			/* Keep the key for the message, not the value. */
			char *colon = strchr(line, ':');

			evidence(p, lineno, "overlong line", line, 60);
			if (colon != NULL && (size_t)(colon - line) < 40) {
				rate_limit_check(p, line);
			}
		} else
			one_line(p, line, n, lineno, 0);
		off += ll + (nl ? 1 : 0);
	}
	resolve_refs(p);
	free(p);
	return 0;
}

void
whois_result_clear(struct whois_result *r)
{
	free(r->evidence);
	memset(r, 0, sizeof(*r));
}
