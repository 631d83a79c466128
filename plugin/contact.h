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

#endif
