/* SPDX-License-Identifier: MIT */
/*
 * RDAP answer parser (jansson): the IP network object (RFC 9083 5.4) and
 * entity objects (5.1), abuse role search through nested entities, jCard
 * email values, and the links to follow. Hostile input: only valid
 * mailboxes are kept, everything else is quoted evidence.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "contact.h"
#include "log.h"
#include "rdap_parse.h"
#include "xmalloc.h"

#define MAX_DEPTH	6

static void
evidence(struct rdap_result *r, const char *path, const char *v)
{
	char	esc[160], *n;
	size_t	vlen = strlen(v);

	if (r->rejected++ >= WHOIS_MAX_EVIDENCE)
		return;
	log_esc(v, vlen > 100 ? 100 : vlen, esc, sizeof(esc));
	n = xasprintf("%s%s: \"%s\"%s\n", r->evidence ? r->evidence : "",
	    path, esc, vlen > 100 ? "..." : "");
	free(r->evidence);
	r->evidence = n;
}

static void
set_str(char *dst, size_t size, const char *v)
{
	size_t i, j = 0;

	if (v == NULL)
		return;
	for (i = 0; v[i] && j < size - 1; i++)
		if ((unsigned char)v[i] >= 0x20 && (unsigned char)v[i] < 0x7f)
			dst[j++] = v[i];
	dst[j] = '\0';
}

static void
add(struct rdap_result *r, const char *email, size_t elen, const char *role,
    const char *path, int level, int personal)
{
	struct whois_found	*f;
	size_t			 i;

	for (i = 0; i < r->nfound; i++)
		if (strlen(r->found[i].email) == elen &&
		    strncasecmp(r->found[i].email, email, elen) == 0 &&
		    strcmp(r->found[i].role, role) == 0)
			return;
	if (r->nfound >= WHOIS_MAX_FOUND)
		return;
	f = &r->found[r->nfound++];
	memset(f, 0, sizeof(*f));
	for (i = 0; i < elen; i++)
		f->email[i] = (char)tolower((unsigned char)email[i]);
	strlcpy_r(f->role, role, sizeof(f->role));
	set_str(f->field, sizeof(f->field), path);
	f->level = level;
	f->personal = personal;
}

/* 1 if the jCard property's parameters say {"type": "abuse"}. */
static int
typed_abuse(json_t *prop)
{
	json_t		*t = json_object_get(json_array_get(prop, 1), "type"), *v;
	size_t		 i;

	if (json_is_string(t))
		return strcasecmp(json_string_value(t), "abuse") == 0;
	json_array_foreach(t, i, v)
		if (json_is_string(v) &&
		    strcasecmp(json_string_value(v), "abuse") == 0)
			return 1;
	return 0;
}

/* 1 if the jCard's kind is "individual" (a person, not a role). */
static int
vcard_individual(json_t *props)
{
	json_t	*p;
	size_t	 i;

	json_array_foreach(props, i, p) {
		const char *name = json_string_value(json_array_get(p, 0));
		const char *v = json_string_value(json_array_get(p, 3));

		if (name != NULL && v != NULL && strcmp(name, "kind") == 0)
			return strcasecmp(v, "individual") == 0;
	}
	return 0;
}

/* The role an entity's contacts get, "" for one we do not use. */
static const char *
entity_role(json_t *roles, const char *inherited)
{
	size_t		 i;
	json_t		*v;
	int		 abuse = 0, tech = 0, admin = 0;

	json_array_foreach(roles, i, v) {
		const char *s = json_string_value(v);

		if (s == NULL)
			continue;
		if (strcmp(s, "abuse") == 0)
			abuse = 1;
		else if (strcmp(s, "technical") == 0 || strcmp(s, "noc") == 0)
			tech = 1;
		else if (strcmp(s, "administrative") == 0 ||
		    strcmp(s, "registrant") == 0)
			admin = 1;
	}
	if (abuse)
		return "abuse";
	if (admin)
		return "admin";
	if (tech)
		return "tech";
	return json_array_size(roles) == 0 && inherited ? inherited : "";
}

static size_t
vcard_emails(struct rdap_result *r, json_t *ent, const char *role,
    const char *path, int level)
{
	json_t		*vc, *props, *p;
	size_t		 i, n = 0;
	char		 where[96];
	int		 typed = 0, personal;

	vc = json_object_get(ent, "vcardArray");
	if (!json_is_array(vc) || json_array_size(vc) < 2)
		return 0;
	props = json_array_get(vc, 1);
	personal = strcmp(role, "abuse") != 0 && vcard_individual(props);
	json_array_foreach(props, i, p) {
		const char *name = json_string_value(json_array_get(p, 0));

		if (name != NULL && strcmp(name, "email") == 0 &&
		    typed_abuse(p))
			typed = 1;
	}
	if (typed && strcmp(role, "abuse") == 0)
		r->abuse_typed = 1;
	json_array_foreach(props, i, p) {
		const char *name = json_string_value(json_array_get(p, 0));
		const char *v = json_string_value(json_array_get(p, 3));

		if (name == NULL || strcmp(name, "email") != 0)
			continue;
		snprintf(where, sizeof(where), "%s vcard email", path);
		if (v == NULL) {
			evidence(r, where, "(not a string)");
			continue;
		}
		if (!contact_mailbox_ok(v, strlen(v))) {
			evidence(r, where, v);
			continue;
		}
		add(r, v, strlen(v), typed && strcmp(role, "abuse") == 0 &&
		    !typed_abuse(p) ? "role-email" : role, where, level,
		    personal);
		n++;
	}
	return n;
}

static const char *
link_href(json_t *o, const char *rel)
{
	json_t	*links = json_object_get(o, "links"), *l;
	size_t	 i;

	json_array_foreach(links, i, l) {
		const char *re = json_string_value(json_object_get(l, "rel"));
		const char *h = json_string_value(json_object_get(l, "href"));

		if (re != NULL && h != NULL && strcmp(re, rel) == 0 &&
		    (strncmp(h, "https://", 8) == 0 ||
		    strncmp(h, "http://", 7) == 0) && strlen(h) < 512 &&
		    strpbrk(h, " \r\n\t\"") == NULL)
			return h;
	}
	return NULL;
}

static void
walk(struct rdap_result *r, json_t *ents, const char *path, int depth,
    const char *inherited)
{
	json_t		*ent;
	size_t		 i;
	char		 p[96];

	if (depth > MAX_DEPTH || !json_is_array(ents))
		return;
	json_array_foreach(ents, i, ent) {
		const char *role;

		if (!json_is_object(ent))
			continue;
		snprintf(p, sizeof(p), "%s[%zu]", path, i);
		role = entity_role(json_object_get(ent, "roles"), inherited);
		if (role[0] != '\0' && vcard_emails(r, ent, role, p,
		    depth == 0 ? 2 : 1) == 0 &&
		    strcmp(role, "abuse") == 0 &&
		    r->nentity_urls < RDAP_MAX_LINKS) {
			const char *h = link_href(ent, "self");

			if (h != NULL)
				strlcpy_r(r->entity_urls[r->nentity_urls++], h,
				    sizeof(r->entity_urls[0]));
		}
		snprintf(p, sizeof(p), "%s[%zu].entities", path, i);
		walk(r, json_object_get(ent, "entities"), p, depth + 1, NULL);
	}
}

static json_t *
load(const char *json, size_t len, struct err *e)
{
	json_error_t	 je;
	json_t		*o;

	o = json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
	if (o == NULL) {
		err_set(e, "RDAP: bad JSON at line %d column %d: %s", je.line,
		    je.column, je.text);
		return NULL;
	}
	if (!json_is_object(o)) {
		json_decref(o);
		err_set(e, "RDAP: answer is not a JSON object");
		return NULL;
	}
	return o;
}

int
rdap_parse_ip(const char *json, size_t len, struct rdap_result *r,
    struct err *e)
{
	json_t		*o;
	const char	*cls, *s, *t, *h;

	memset(r, 0, sizeof(*r));
	if ((o = load(json, len, e)) == NULL)
		return -1;
	cls = json_string_value(json_object_get(o, "objectClassName"));
	if (cls != NULL && strcmp(cls, "ip network") != 0) {
		char esc[64];

		log_esc(cls, strlen(cls) > 40 ? 40 : strlen(cls), esc,
		    sizeof(esc));
		json_decref(o);
		return err_set(e, "RDAP: object class \"%s\", not an IP "
		    "network", esc);
	}
	if (cls == NULL && json_object_get(o, "startAddress") == NULL) {
		const char *title = json_string_value(json_object_get(o,
		    "title"));
		long long code = json_integer_value(json_object_get(o,
		    "errorCode"));

		json_decref(o);
		if (code != 0 || title != NULL)
			return err_set(e, "RDAP: error answer %lld", code);
		return err_set(e, "RDAP: not an IP network object");
	}
	set_str(r->network_name, sizeof(r->network_name),
	    json_string_value(json_object_get(o, "name")));
	set_str(r->handle, sizeof(r->handle),
	    json_string_value(json_object_get(o, "handle")));
	set_str(r->parent_handle, sizeof(r->parent_handle),
	    json_string_value(json_object_get(o, "parentHandle")));
	s = json_string_value(json_object_get(o, "startAddress"));
	t = json_string_value(json_object_get(o, "endAddress"));
	if (s != NULL && t != NULL && strlen(s) < 46 && strlen(t) < 46)
		snprintf(r->range, sizeof(r->range), "%s - %s", s, t);
	s = json_string_value(json_object_get(o, "country"));
	if (s != NULL && strlen(s) == 2 && isalpha((unsigned char)s[0]) &&
	    isalpha((unsigned char)s[1])) {
		r->country[0] = (char)toupper((unsigned char)s[0]);
		r->country[1] = (char)toupper((unsigned char)s[1]);
	}
	if ((h = link_href(o, "up")) != NULL)
		strlcpy_r(r->up_url, h, sizeof(r->up_url));
	walk(r, json_object_get(o, "entities"), "entities", 0, NULL);
	json_decref(o);
	return 0;
}

int
rdap_parse_entity(const char *json, size_t len, const char *role,
    struct rdap_result *r, struct err *e)
{
	json_t		*o;
	const char	*own;

	if ((o = load(json, len, e)) == NULL)
		return -1;
	own = entity_role(json_object_get(o, "roles"), role);
	if (own[0] == '\0')
		own = role;
	vcard_emails(r, o, own, "entity", 1);
	walk(r, json_object_get(o, "entities"), "entity.entities", 1, NULL);
	json_decref(o);
	return 0;
}

void
rdap_result_clear(struct rdap_result *r)
{
	free(r->evidence);
	memset(r, 0, sizeof(*r));
}
