/* SPDX-License-Identifier: MIT */
/*
 * Incident aggregation and classification (incident.c): the fixed-size
 * per-incident state kept in the tracker (first/last seen, counts by
 * signature, destination host and port), the mapping from classtypes,
 * sids and ports to incident kinds, and the incident JSON line.
 */
#ifndef REDRESS_INCIDENT_H
#define REDRESS_INCIDENT_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "alert.h"
#include "store_policy.h"

#define INC_SIGS	12
#define INC_PORTS	16
#define INC_HOSTS	16
#define INC_SVCS	4	/* services followed for brute force */

/* Per-incident flags. */
#define INC_F_CONTAINED		0x01
#define INC_F_REPORTED		0x02
#define INC_F_ESTABLISHED	0x04	/* handshake evidence seen */
#define INC_F_INTERNAL		0x08	/* about our own host */
#define INC_F_DIRTY		0x10	/* row needs an update */
#define INC_F_UNREPORTABLE_PROBE 0x20	/* port 25/80 or ICMP echo */
#define INC_F_SAVED		0x40	/* its state may be in the store */
#define INC_F_LISTED		0x80	/* on the policy's changed list */

struct inc_sig {
	uint32_t	gid, sid;
	uint32_t	n;
};

struct inc_port {
	uint16_t	port;
	uint16_t	pad;
	uint32_t	n;
};

/*
 * Connections to one service (host:port) of ours on an authentication
 * port or with a login classtype: the window of brute-force counting.
 */
struct inc_svc {
	uint32_t	host;		/* hash of the host */
	uint16_t	port;
	uint16_t	flows;		/* connections in the window */
	uint32_t	total;		/* connections in all */
	uint32_t	win_s;		/* first connection of the window, s */
	uint64_t	last_flow;	/* flow id, or source port + 1 */
};

/* The incident under construction; lives in a tracker entry. */
struct inc_state {
	int64_t		id;		/* store row, 0 = not written yet */
	int64_t		first_usec, last_usec;
	int64_t		alerts;
	int16_t		tz_min;
	uint8_t		kind;		/* enum incident_kind */
	uint8_t		flags;
	uint8_t		proto;
	uint8_t		nsigs, nports, nhosts;
	uint8_t		evidence;	/* evidence rows written */
	uint8_t		akind;		/* strongest classtype kind seen */
	uint8_t		brute;		/* 1: brute-force shape was seen */
	uint8_t		nsvcs;
	uint32_t	sig_other;	/* alerts of signatures past INC_SIGS */
	uint32_t	ports_over;	/* distinct ports past INC_PORTS */
	uint32_t	hosts_over;	/* distinct hosts past INC_HOSTS */
	uint32_t	auth;		/* alerts on authentication ports */
	struct addr	src, dst;	/* dst: first host hit, or DoS target */
	struct inc_sig	sigs[INC_SIGS];
	struct inc_port	ports[INC_PORTS];
	uint32_t	hosts[INC_HOSTS];	/* hashes of the hosts hit */
	struct inc_svc	svcs[INC_SVCS];
	char		*pending;	/* first alert's JSON until written */
};

/* How alerts map to kinds, with the documented defaults. */
struct incident_map {
	char		**exploit_classes;	/* short classtype names */
	char		**compromise_classes;
	char		**dos_classes;
	char		**scan_classes;		/* recon: counted by shape */
	uint32_t	 *sid_kind_sid;		/* explicit sid -> kind */
	uint8_t		 *sid_kind_kind;
	size_t		  nsid_kind;
	uint16_t	 *auth_ports;		/* brute-force */
	size_t		  nauth_ports;
	uint32_t	  sweep_hosts;		/* distinct hosts, default 5 */
	uint32_t	  scan_ports;		/* distinct ports, default 5 */
	uint32_t	  brute_force_count;	/* auth alerts, default 5 */
	uint32_t	  brute_force_flows;	/* connections, default 10 */
	int64_t		  brute_force_window_us; /* ... within, default 10m */
	uint64_t	  gen;			/* changes with the class lists */
};

/* A new value for incident_map.gen (after changing its class lists). */
uint64_t	incident_map_gen(void);

/* The short classtype name of an alert's category ("Attempted
 * Administrator Privilege Gain" -> "attempted-admin"); or the text. */
const char	*incident_classtype(const char *category);
/*
 * Classtype-level kind of one alert: EXPLOIT, COMPROMISE, DOS or OTHER.
 * classtype: incident_classtype() of its category when the caller has it
 * already, or NULL.
 */
enum incident_kind incident_alert_kind(const struct incident_map *,
		    const struct alert *, const char *classtype,
		    int outbound);

void	incident_map_defaults(struct incident_map *);
void	incident_map_free(struct incident_map *);

/* Adds the alert to s (first alert: s zeroed); classtype as above. */
void	incident_add(struct inc_state *, const struct incident_map *,
	    const struct alert *, const char *classtype);
/*
 * Kind from the aggregate, after incident_add() of the alert whose
 * classtype-level kind is alert_kind (remembered in s as the strongest
 * seen). Compromise and dos stand; then the brute-force shape (at least
 * brute_force_flows connections to one host:port of ours, on an
 * authentication port or with a login classtype, within
 * brute_force_window of the first of them) whatever the classtypes say;
 * then exploit, scan, sweep, brute force by count, probe, other. The
 * kind follows the evidence: it can be corrected (exploit to brute
 * force), not only raised.
 */
enum incident_kind incident_classify(struct inc_state *,
		    const struct incident_map *, enum incident_kind alert_kind);
/* Distinct hosts/ports seen (saturating at the caps, plus overflow). */
uint32_t incident_hosts(const struct inc_state *);
uint32_t incident_ports(const struct inc_state *);

/* Summary JSON object (signatures, dest_ports, dest_hosts); malloc'd. */
char	*incident_summary_json(const struct inc_state *);
/* Fills a store row (summary_json malloc'd; caller clears). */
void	incident_row_fill(struct incident_row *, const struct inc_state *,
	    const char *state);
/* The incident line for sinks; malloc'd. */
char	*incident_json(const struct incident_row *);

#endif
