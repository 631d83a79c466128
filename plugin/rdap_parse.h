/* SPDX-License-Identifier: MIT */
/*
 * RDAP (RFC 9083) answers as hostile JSON: the IP network object's name,
 * handle, start/end address, country and parentHandle, its entities with
 * their roles (searching nested entities) and vCard (jCard) email, links to
 * the parent network ("up") and to entities that came without contacts.
 * Pure: no I/O. Candidates reuse struct whois_found (line is 0, field the
 * JSON path, level 2 for entities of the network itself and 1 for nested
 * ones, personal for an individual's admin/tech mailbox). Where an abuse
 * entity marks mailboxes {"type": "abuse"} (RIPE's abuse-mailbox) only
 * those are abuse addresses; its other e-mails get role "role-email".
 */
#ifndef REDRESS_RDAP_PARSE_H
#define REDRESS_RDAP_PARSE_H

#include <stddef.h>

#include "err.h"
#include "whois_parse.h"

#define RDAP_MAX_LINKS	4

struct rdap_result {
	struct whois_found	 found[WHOIS_MAX_FOUND];
	size_t			 nfound;
	char			 network_name[128];
	char			 handle[64];
	char			 range[100];	/* "start - end" */
	char			 country[3];
	char			 parent_handle[64];
	char			 up_url[512];	/* links rel "up", "" none */
	/* Abuse entities that had no email here: their self links. */
	char			 entity_urls[RDAP_MAX_LINKS][512];
	size_t			 nentity_urls;
	int			 abuse_typed;	/* an email {"type":"abuse"} */
	size_t			 rejected;
	char			*evidence;
};

/* An IP network object. -1 with e set when it is not one. */
int	rdap_parse_ip(const char *json, size_t len, struct rdap_result *,
	    struct err *);
/*
 * An entity object fetched on its own: its email (and nested entities')
 * are added with the given role when the entity has no roles of its own.
 */
int	rdap_parse_entity(const char *json, size_t len, const char *role,
	    struct rdap_result *, struct err *);
void	rdap_result_clear(struct rdap_result *);

#endif
