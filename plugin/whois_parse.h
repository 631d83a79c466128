/* SPDX-License-Identifier: MIT */
/*
 * whois (RFC 3912) answers of the registries as hostile text: the abuse
 * and other contact mailboxes with the line they came from, the network's
 * name, range, country and origin AS, the referral to the next server
 * (IANA refer:/whois:, ARIN ReferralServer whois:// and rwhois://), and
 * rate-limit or "try later" notices. Pure: no I/O.
 */
#ifndef REDRESS_WHOIS_PARSE_H
#define REDRESS_WHOIS_PARSE_H

#include <stddef.h>
#include <stdint.h>

#define WHOIS_MAX_FOUND		16
#define WHOIS_MAX_REFS		32
#define WHOIS_MAX_EVIDENCE	20	/* rejected values quoted */

struct whois_found {
	char	email[256];
	char	role[16];	/* abuse security admin tech */
	char	field[64];	/* "abuse-mailbox", "OrgAbuseEmail", ... */
	int	line;		/* 1-based line in the answer */
	int	level;		/* number of network objects before it */
	int	low_confidence;	/* free-form guess */
	int	personal;	/* a person's mailbox (admin-c/tech-c) */
};

struct whois_result {
	struct whois_found	 found[WHOIS_MAX_FOUND];
	size_t			 nfound;
	char			 network_name[128];
	char			 handle[64];
	char			 range[100];
	char			 country[3];
	uint32_t		 origin_as;
	int			 level;		/* network objects seen */
	char			 refer_host[256];	/* "" none */
	int			 refer_port;		/* 0: 43 */
	int			 refer_rwhois;
	int			 rate_limited;	/* "query limit exceeded" */
	size_t			 rejected;	/* values not kept */
	char			*evidence;	/* quoted, for the chain */
};

/* Parses len bytes of an answer. Returns 0 (never fails on bad text). */
int	whois_parse(const char *buf, size_t len, struct whois_result *);
void	whois_result_clear(struct whois_result *);

#endif
