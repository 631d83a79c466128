/* SPDX-License-Identifier: MIT */
/*
 * Choice of recipients from the candidates of the resolver chain: every
 * abuse address of the most specific object (capped), admin/tech of roles
 * (never a person's) and RFC 2142 guesses only without one and then
 * low-confidence; registry and placeholder mailboxes dropped except in
 * the registry's own space; RIPE's RDAP abuse entity checked against its
 * whois abuse-mailbox; a security contact recorded beside the desk.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "resolve_pick.h"
#include "xmalloc.h"

static int	dropped(const struct resolver_conf *, const char *,
		    const char *own);

void
resolve_cand_add(struct run *u, const struct whois_found *f, int level,
    const char *source)
{
	struct cand *c;

	/* Placeholders and registry mailboxes never become candidates. */
	if (dropped(resolver_conf_of(u->r), f->email, u->own)) {
		contact_chain(u->c, "dropped %s (%s from %s): a registry or "
		    "placeholder mailbox", f->email, f->role, source);
		return;
	}
	/* A person's admin-c/tech-c mailbox is never a recipient. */
	if (f->personal) {
		contact_chain(u->c, "not a recipient: %s (%s from %s) is a "
		    "person's mailbox", f->email, f->role, source);
		return;
	}
	if (u->ncand >= MAX_CANDS)
		return;
	c = &u->cand[u->ncand++];
	strlcpy_r(c->email, f->email, sizeof(c->email));
	strlcpy_r(c->role, f->role, sizeof(c->role));
	strlcpy_r(c->source, source, sizeof(c->source));
	c->level = level;
	c->low = f->low_confidence;
	c->rdap = strncmp(source, "rdap", 4) == 0;
}

/*
 * The registry whose own space a network is: its name starts with the
 * registry's ("APNIC-LABS") and the answer refers nowhere else. There the
 * registry's mailbox is the network's own desk. "" otherwise.
 */
void
resolve_set_own(struct run *u, const char *netname, int refers)
{
	static const char *const reg[] = { "ripe", "arin", "apnic", "lacnic",
		"afrinic", NULL };
	size_t i, n;

	u->own[0] = '\0';
	if (refers)
		return;
	for (i = 0; reg[i]; i++) {
		n = strlen(reg[i]);
		if (strncasecmp(netname, reg[i], n) == 0 &&
		    (netname[n] == '-' || netname[n] == '\0')) {
			strlcpy_r(u->own, reg[i], sizeof(u->own));
			contact_chain(u->c, "network %s is %s's own space: its "
			    "registry mailboxes are its desk", netname,
			    reg[i]);
			return;
		}
	}
}

/* Registries' own mailboxes and placeholders: never an abuse desk. */
static int
dropped(const struct resolver_conf *rc, const char *email, const char *own)
{
	static const char *const rir[] = { "ripe.net", "arin.net",
		"apnic.net", "lacnic.net", "afrinic.net", "iana.org",
		"example.com", "example.net", "example.org", "invalid",
		"localhost", NULL };
	static const char *const nir[] = { "nic.ad.jp", "nic.or.kr",
		"kisa.or.kr", "twnic.net.tw", "twnic.tw", "cnnic.cn",
		"cnnic.net.cn", "nic.br", "registro.br", "idnic.net",
		"vnnic.vn", "irinn.in", NULL };
	static const char *const nir_local[] = { "hostmaster", "hm-changed",
		"ip-apnic", "ipadm", "ipas", NULL };
	const char	*at = strrchr(email, '@'), *dom;
	size_t		 i, ll;

	if (at == NULL)
		return 1;
	dom = at + 1;
	ll = (size_t)(at - email);
	for (i = 0; i < rc->drop.n; i++) {
		const char *d = rc->drop.v[i];

		if (strcasecmp(d, email) == 0 ||
		    (d[0] == '@' && strcasecmp(d + 1, dom) == 0))
			return 1;
	}
	for (i = 0; rir[i]; i++) {
		size_t dl = strlen(dom), rl = strlen(rir[i]);

		if (own[0] != '\0' && strncasecmp(rir[i], own,
		    strlen(own)) == 0 && rir[i][strlen(own)] == '.')
			continue;
		if (strcasecmp(dom, rir[i]) == 0 || (dl > rl &&
		    dom[dl - rl - 1] == '.' &&
		    strcasecmp(dom + dl - rl, rir[i]) == 0))
			return 1;
	}
	for (i = 0; nir[i]; i++)
		if (strcasecmp(dom, nir[i]) == 0) {
			size_t j;

			for (j = 0; nir_local[j]; j++)
				if (strlen(nir_local[j]) == ll &&
				    strncasecmp(email, nir_local[j], ll) == 0)
					return 1;
		}
	return 0;
}

static size_t
pick_level(struct run *u, const char *role1, const char *role2, int low,
    int *level)
{
	size_t	i, n = 0;
	int	best = -1000000;

	for (i = 0; i < u->ncand; i++) {
		struct cand *c = &u->cand[i];

		if (c->low != low || (strcmp(c->role, role1) != 0 &&
		    (role2 == NULL || strcmp(c->role, role2) != 0)))
			continue;
		if (c->level > best)
			best = c->level;
		n++;
	}
	*level = best;
	return n;
}

static void
take(struct run *u, const char *role1, const char *role2, int low,
    int level, int mark_low)
{
	const struct resolver_conf	*rc = resolver_conf_of(u->r);
	size_t				 i, taken = 0;

	for (i = 0; i < u->ncand && taken < (size_t)rc->max_recipients;
	    i++) {
		struct cand *c = &u->cand[i];

		if (c->low != low || c->level != level ||
		    (strcmp(c->role, role1) != 0 &&
		    (role2 == NULL || strcmp(c->role, role2) != 0)))
			continue;
		if (contact_add(u->c, c->email, c->role, c->source,
		    mark_low) == 1) {
			taken++;
			contact_chain(u->c, "recipient %s (%s%s) from %s",
			    c->email, c->role, mark_low ?
			    ", low confidence: review" : "", c->source);
		}
	}
}

/* A security contact named by the network goes beside its abuse desk. */
static void
pick_security(struct run *u)
{
	int level;

	if (pick_level(u, "security", NULL, 0, &level) > 0) {
		contact_chain(u->c, "security contact for exploit and "
		    "compromise reports:");
		take(u, "security", NULL, 0, level, 0);
	}
}

static void
pick_desk(struct run *u)
{
	int	level;

	if (pick_level(u, "abuse", NULL, 0, &level) > 0) {
		take(u, "abuse", NULL, 0, level, 0);
		return;
	}
	u->c->low_confidence = 1;
	if (pick_level(u, "abuse", NULL, 1, &level) > 0) {
		contact_chain(u->c, "no abuse role; using abuse addresses "
		    "named in free text");
		take(u, "abuse", NULL, 1, level, 1);
		return;
	}
	if (pick_level(u, "admin", "tech", 0, &level) > 0) {
		contact_chain(u->c, "no abuse role; using admin/tech "
		    "contacts");
		take(u, "admin", "tech", 0, level, 1);
		return;
	}
	if (pick_level(u, "rfc2142", NULL, 1, &level) > 0) {
		contact_chain(u->c, "no registry contact; RFC 2142 role "
		    "addresses");
		take(u, "rfc2142", NULL, 1, level, 1);
		return;
	}
	u->c->low_confidence = 0;
}

void
resolve_pick(struct run *u)
{
	pick_desk(u);
	pick_security(u);
}

int
resolve_has_abuse(const struct run *u, int min_level)
{
	size_t i;

	for (i = 0; i < u->ncand; i++)
		if (u->cand[i].level >= min_level && !u->cand[i].low &&
		    strcmp(u->cand[i].role, "abuse") == 0)
			return 1;
	return 0;
}

/*
 * RIPE's RDAP lists a role's e-mail: attributes (often its people's) and,
 * in newer answers, its abuse-mailbox as {"type": "abuse"}. Without the
 * latter the abuse entity's mailboxes are not the abuse desk: whois says.
 */
/* RDAP's abuse candidates become no recipient; why goes to the chain. */
static void
demote_rdap_abuse(struct run *u, const char *why)
{
	size_t i;

	for (i = 0; i < u->ncand; i++)
		if (u->cand[i].rdap && strcmp(u->cand[i].role, "abuse") == 0) {
			contact_chain(u->c, "RIPE: RDAP abuse %s %s",
			    u->cand[i].email, why);
			strlcpy_r(u->cand[i].role, "role-email",
			    sizeof(u->cand[i].role));
		}
}

void
resolve_ripe_untyped(struct run *u)
{
	demote_rdap_abuse(u, "is the abuse role's e-mail:, not its "
	    "abuse-mailbox; asking whois");
}

/*
 * RIPE: the RDAP abuse mailbox checked against whois's abuse-mailbox;
 * where they differ whois's is the registry's abuse contact.
 */
void
resolve_ripe_check(struct run *u)
{
	size_t	i, j;
	int	differ = 0, whois = 0;

	for (i = 0; i < u->ncand; i++) {
		if (u->cand[i].rdap || u->cand[i].low ||
		    strcmp(u->cand[i].role, "abuse") != 0)
			continue;
		whois = 1;
		for (j = 0; j < u->ncand; j++)
			if (u->cand[j].rdap &&
			    strcmp(u->cand[j].role, "abuse") == 0 &&
			    strcasecmp(u->cand[j].email, u->cand[i].email) == 0)
				break;
		if (j == u->ncand)
			differ = 1;
	}
	if (whois && differ)
		demote_rdap_abuse(u, "differs from whois abuse-mailbox: using "
		    "whois's");
}

