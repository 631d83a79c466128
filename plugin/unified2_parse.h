/* SPDX-License-Identifier: MIT */
/*
 * Decoding of unified2 records (Snort 2.9, Snort 3 with and without
 * legacy_events), independent of files: the caller hands in bytes and a
 * file offset, one record at a time. An event is held until the packet
 * records of the same event_id that follow it have been seen, so the
 * alert it becomes carries its packet. All fields are big-endian.
 */
#ifndef REDRESS_UNIFIED2_PARSE_H
#define REDRESS_UNIFIED2_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "alert.h"

#define U2_HDR_LEN		8
#define U2_MAX_RECORD		(64u << 20)	/* longer is impossible */
#define U2_UNKNOWN_MAX		(4u << 20)	/* longer unknown type: corrupt */
#define U2_RESYNC_MAX		(1u << 20)	/* a resync lands on shorter */

/* Record types (Snort's Unified2_common.h and Snort 3's unified2.h). */
#define U2_PACKET		2
#define U2_BUFFER		3	/* Snort 3, !legacy_events */
#define U2_EVENT		7	/* IPv4 event v1 */
#define U2_EVENT6		72	/* IPv6 event v1 */
#define U2_EVENT_MPLS		99	/* Snort 2.8 name of the v2 layout */
#define U2_EVENT6_MPLS		100
#define U2_EVENT_V2		104	/* IPv4 event v2 (vlan, mpls) */
#define U2_EVENT6_V2		105	/* IPv6 event v2 */
#define U2_EXTRA		110	/* extra data */
#define U2_EVENT_APPID		111	/* v2 + app_name[64] */
#define U2_EVENT6_APPID		112
#define U2_EVENT3		114	/* Snort 3 event */

/* Extra data types the alerts carry (Snort's EVENT_INFO_*). */
#define U2_XDATA_HTTP_URI	9
#define U2_XDATA_HTTP_HOSTNAME	10

/* Fixed sizes of the record bodies. */
#define U2_EVENT_LEN		52
#define U2_EVENT6_LEN		76
#define U2_EVENT_V2_LEN		60
#define U2_EVENT6_V2_LEN	84
#define U2_EVENT3_MIN		96	/* without app_name */
#define U2_APPNAME_LEN		64
#define U2_PACKET_HDR		28
#define U2_EXTRA_HDR		32	/* event_type, event_length + 24 */

struct u2_event {
	uint32_t	type;
	uint32_t	sensor_id, event_id, sec, usec;
	uint32_t	gid, sid, rev, class_id, priority;
	struct addr	src, dst;
	uint16_t	sport, dport;
	uint8_t		proto;
	uint8_t		blocked;	/* 1: the packet was dropped */
	uint32_t	mpls;
	uint16_t	vlan;
	char		app_name[U2_APPNAME_LEN + 1];
};

struct u2_packet {
	uint32_t	sensor_id, event_id, event_sec;
	uint32_t	sec, usec, linktype, length;
	const uint8_t	*data;		/* length bytes */
};

struct u2_extra {
	uint32_t	sensor_id, event_id, event_sec;
	uint32_t	type, data_type, blob_len;
	const uint8_t	*data;
	size_t		 len;
};

/* What the packet bytes tell about the transport. */
struct u2_pktinfo {
	int		ip;		/* 4, 6, or 0 when not decoded */
	uint8_t		proto;
	uint8_t		tcp_flags;
	size_t		payload;	/* transport payload bytes */
};

struct sidmap;

struct u2_reader {
	const struct sidmap	*map;	/* may be NULL: "gid:sid:rev" */
	int			 have;	/* an event is pending */
	struct u2_event		 ev;
	uint64_t		 ev_off;	/* file offset of its record */
	uint8_t			*pkt;		/* copy of its first packet */
	size_t			 pkt_len, pkt_cap;
	uint32_t		 linktype;
	int			 have_pkt;
	uint32_t		 npkts, nextra;
	/* its HTTP request, from extra data, %XX-escaped */
	char			 http_host[ALERT_HOST_MAX];
	char			 http_url[ALERT_URL_MAX];
	/* counters since init */
	uint64_t		 records, events, packets, extras, unknown;
};

enum u2_step_rc {
	U2_NEED = 0,	/* more bytes needed (rec_len says how many if known) */
	U2_OK,		/* one record consumed (U2_HDR_LEN + rec_len bytes) */
	U2_EMIT,	/* an event record follows the pending one: take it */
	U2_CORRUPT,	/* impossible record; `skippable` if the length is sane */
};

struct u2_step {
	uint32_t	type, len;	/* of the record at the offset */
	int		skippable;
	char		why[128];	/* U2_CORRUPT: what is impossible */
};

void	u2_reader_init(struct u2_reader *, const struct sidmap *);
void	u2_reader_free(struct u2_reader *);
/* Drops the pending event (the caller re-reads from a bookmark). */
void	u2_reader_reset(struct u2_reader *);

/* Big-endian header at p (n >= 8). */
void	u2_header(const uint8_t *p, uint32_t *type, uint32_t *len);
/*
 * Looks at the record starting at p[0] (n bytes available), at file offset
 * `off`. U2_OK consumes it; U2_EMIT and U2_NEED consume nothing; on
 * U2_CORRUPT the caller skips U2_HDR_LEN + st->len when st->skippable, or
 * gives up the file.
 */
enum u2_step_rc	u2_reader_step(struct u2_reader *, const uint8_t *p, size_t n,
		    uint64_t off, struct u2_step *st);
/*
 * After a corrupt record at p[0] (n bytes there; eof: no more will come),
 * finds the next plausible record from p[from] on: a type Snort writes,
 * a length its type can have, its fixed fields in range (microseconds,
 * IP versions, packet length), and followed by another plausible record
 * or by the end of the data. 1: found at *at. 0: more bytes needed to
 * tell; the bytes before *at can go, look again from there. -1 (eof): none,
 * *at = n.
 */
int	u2_resync(const uint8_t *p, size_t n, size_t from, int eof,
	    size_t *at);
/*
 * Fills *al from the pending event and its packet (al->packet points into
 * the reader, valid until the next step) and clears it. 1 if there was
 * one, 0 if not. The caller sets al->file.
 */
int	u2_reader_take(struct u2_reader *, struct alert *al);

/* Decoders of one record body (len bytes). 0 ok, -1 too short. */
int	u2_event_decode(uint32_t type, const uint8_t *b, size_t len,
	    struct u2_event *);
int	u2_packet_decode(const uint8_t *b, size_t len, struct u2_packet *);
int	u2_extra_decode(const uint8_t *b, size_t len, struct u2_extra *);
/* 1 if `type` is one of the event record types. */
int	u2_is_event(uint32_t type);
/* Minimum body length of an event type, 0 if not an event. */
size_t	u2_event_min(uint32_t type);
/* Decodes link, IP and TCP headers of a packet (best effort). */
void	u2_packet_info(const uint8_t *p, size_t len, uint32_t linktype,
	    struct u2_pktinfo *);

#endif
