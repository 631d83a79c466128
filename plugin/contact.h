/* SPDX-License-Identifier: MIT */
/*
 * Who is responsible for an address: the result of the resolver chain
 * (PTR, RDAP, whois, RFC 2142 fallback) and its cache in the store
 * (store_contact.c). The reporter reads it with store_contact_lookup.
 */
#ifndef REDRESS_CONTACT_H
#define REDRESS_CONTACT_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "err.h"
#include "store.h"

#define CONTACT_MAX_ADDRS	8

struct contact_addr {
	char	email[256];
	char	role[16];	/* abuse security admin tech rfc2142 cc cert */
	char	source[160];	/* where it was read, e.g. "whois whois.ripe.net abuse-mailbox line 34" */
	int	low_confidence;
};

struct contact {
	char			 network_name[128];
	char			 handle[64];
	char			 range[100];	/* "192.0.2.0 - 192.0.2.255" */
	char			 country[3];
	uint32_t		 origin_as;
	char			 ptr[256];
	int			 ptr_confirmed;
	int			 dynamic;	/* PTR looks dyn/dial/pool/dsl/cable/ppp */
	struct contact_addr	 addrs[CONTACT_MAX_ADDRS];
	size_t			 naddrs;
	int			 low_confidence;	/* report must wait for review */
	char			*chain;	/* how it was found (freed by contact_clear) */
	int64_t			 resolved_usec, expires_usec;
};

void	contact_clear(struct contact *);
/* 1 fresh contact for this address found, 0 none or expired, -1 error. */
int	store_contact_lookup(struct store *, const struct addr *,
	    struct contact *, struct err *);

/* Added by the resolver: helpers shared by the parsers and the chain. */
/*
 * 1 if s (len bytes) is a syntactically valid mailbox "local@domain" of
 * printable ASCII without CR/LF, local part <= 64, whole <= 254 bytes.
 */
int	contact_mailbox_ok(const char *s, size_t len);
/*
 * Adds a recipient (lowercased; duplicates merged case-insensitively, a
 * merged entry keeps the stronger role). Returns 1 added, 0 merged or
 * full, -1 not a valid mailbox.
 */
int	contact_add(struct contact *, const char *email, const char *role,
	    const char *source, int low_confidence);
/*
 * 1 if recipient i goes in To of a report; security_kind: an exploit or
 * compromise report. The network's security contact (role "security")
 * takes those where it has one, its abuse desk the others; cc and cert
 * copies never go in To.
 */
int	contact_to(const struct contact *, size_t i, int security_kind);
/* Appends one line to c->chain. */
void	contact_chain(struct contact *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* Stores (replaces) the contact for the range lo..hi until expires_usec. */
int	store_contact_save(struct store *, const struct addr *lo,
	    const struct addr *hi, const struct contact *, struct err *);
/* Drops every cached contact (--no-cache refresh, tests). */
int	store_contact_flush(struct store *, struct err *);
/* Parses "a - b", "a/len" or LACNIC "200.57.128/19" into lo..hi. */
int	contact_range_parse(const char *, struct addr *lo, struct addr *hi);

#endif
