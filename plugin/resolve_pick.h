/* SPDX-License-Identifier: MIT */
/*
 * The resolver's candidates and the choice of recipients (resolve_pick.c),
 * shared by the chain in resolve.c: every address an answer names, with
 * its role, source and level (how specific its object is), and the rules
 * that turn them into the contact's recipients. Internal to resolve*.c.
 */
#ifndef REDRESS_RESOLVE_PICK_H
#define REDRESS_RESOLVE_PICK_H

#include "contact.h"
#include "resolver.h"
#include "whois_parse.h"

#define MAX_CANDS	48
#define LEVEL_HOP	100	/* per whois referral hop */
#define LEVEL_RDAP	1000
#define LEVEL_RDAP_NET	(LEVEL_RDAP + 10)	/* the network; parent below */

struct cand {
	char	email[256];
	char	role[16];
	char	source[160];
	int	level;
	int	low;
	int	rdap;		/* from an RDAP answer */
};

struct run {
	struct resolver	*r;
	struct contact	*c;
	struct cand	 cand[MAX_CANDS];
	size_t		 ncand;
	int		 net_level;	/* level the network info came from */
	char		 own[16];	/* registry whose own space this is */
	int		 ripe_rdap;	/* the RDAP answer came from RIPE */
};

/* Adds f unless it is a registry/placeholder or a person's mailbox. */
void	resolve_cand_add(struct run *, const struct whois_found *f,
	    int level, const char *source);
/* Notes whether netname is its registry's own space (see resolve_pick.c). */
void	resolve_set_own(struct run *, const char *netname, int refers);
/* 1 if a non-guess abuse candidate at min_level or above exists. */
int	resolve_has_abuse(const struct run *, int min_level);
/* RIPE RDAP without a typed abuse mailbox: its e-mails are no desk. */
void	resolve_ripe_untyped(struct run *);
/* RIPE: whois's abuse-mailbox over RDAP's where they differ. */
void	resolve_ripe_check(struct run *);
/* The recipients: the abuse desk (or guesses), and a security contact. */
void	resolve_pick(struct run *);

#endif
