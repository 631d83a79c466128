/* SPDX-License-Identifier: MIT */
/*
 * unified2 record decoding and the event/packet pairing state machine.
 * Nothing here touches files: input_unified2.c feeds it bytes.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "sidmap.h"
#include "unified2_parse.h"
#include "xmalloc.h"

static inline uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static inline uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

void
u2_header(const uint8_t *p, uint32_t *type, uint32_t *len)
{
	*type = be32(p);
	*len = be32(p + 4);
}

void
u2_reader_init(struct u2_reader *r, const struct sidmap *map)
{
	memset(r, 0, sizeof(*r));
	r->map = map;
}

void
u2_reader_free(struct u2_reader *r)
{
	free(r->pkt);
	r->pkt = NULL;
	r->pkt_cap = 0;
}

void
u2_reader_reset(struct u2_reader *r)
{
	r->have = 0;
	r->have_pkt = 0;
	r->pkt_len = 0;
}

int
u2_is_event(uint32_t type)
{
	return u2_event_min(type) != 0;
}

size_t
u2_event_min(uint32_t type)
{
	switch (type) {
	case U2_EVENT:
		return U2_EVENT_LEN;
	case U2_EVENT6:
		return U2_EVENT6_LEN;
	case U2_EVENT_MPLS:
	case U2_EVENT_V2:
	case U2_EVENT_APPID:
		return U2_EVENT_V2_LEN;
	case U2_EVENT6_MPLS:
	case U2_EVENT6_V2:
	case U2_EVENT6_APPID:
		return U2_EVENT6_V2_LEN;
	case U2_EVENT3:
		return U2_EVENT3_MIN;
	}
	return 0;
}

static void
app_name(struct u2_event *ev, const uint8_t *b, size_t len, size_t at)
{
	size_t n = 0;

	if (len > at) {
		const uint8_t *s = b + at;
		size_t max = len - at < U2_APPNAME_LEN ? len - at :
		    U2_APPNAME_LEN;

		while (n < max && s[n] && s[n] >= 0x20 && s[n] < 0x7f)
			n++;
		memcpy(ev->app_name, s, n);
	}
	ev->app_name[n] = '\0';
}

int
u2_event_decode(uint32_t type, const uint8_t *b, size_t len,
    struct u2_event *ev)
{
	size_t min = u2_event_min(type), p;
	int v6;

	if (min == 0 || len < min)
		return -1;
	ev->type = type;
	ev->sensor_id = be32(b);
	ev->event_id = be32(b + 4);
	ev->sec = be32(b + 8);
	ev->usec = be32(b + 12);
	ev->mpls = 0;
	ev->vlan = 0;
	if (type == U2_EVENT3) {
		uint8_t ver;

		ev->gid = be32(b + 16);
		ev->sid = be32(b + 20);
		ev->rev = be32(b + 24);
		ev->class_id = be32(b + 28);
		ev->priority = be32(b + 32);
		/* 36..47: policy ids; 48: src[16], 64: dst[16] */
		ver = b[92];
		if ((ver >> 4) == 4)
			addr_from_v4(&ev->src, b + 48 + 12);
		else
			addr_from_v6(&ev->src, b + 48);
		if ((ver & 15) == 4)
			addr_from_v4(&ev->dst, b + 64 + 12);
		else
			addr_from_v6(&ev->dst, b + 64);
		ev->mpls = be32(b + 80);
		ev->sport = be16(b + 84);
		ev->dport = be16(b + 86);
		ev->vlan = be16(b + 88);
		ev->proto = b[93];
		/* snort_status 94 (2: would), snort_action 95 (0: pass) */
		ev->blocked = b[95] != 0 && b[94] != 2;
		app_name(ev, b, len, 96);
		return 0;
	}
	/* Snort 2.9: signature_id comes before generator_id. */
	ev->sid = be32(b + 16);
	ev->gid = be32(b + 20);
	ev->rev = be32(b + 24);
	ev->class_id = be32(b + 28);
	ev->priority = be32(b + 32);
	v6 = type == U2_EVENT6 || type == U2_EVENT6_MPLS ||
	    type == U2_EVENT6_V2 || type == U2_EVENT6_APPID;
	if (v6) {
		addr_from_v6(&ev->src, b + 36);
		addr_from_v6(&ev->dst, b + 52);
		p = 68;
	} else {
		addr_from_v4(&ev->src, b + 36);
		addr_from_v4(&ev->dst, b + 40);
		p = 44;
	}
	ev->sport = be16(b + p);
	ev->dport = be16(b + p + 2);
	ev->proto = b[p + 4];
	/* impact_flag p+5, impact p+6, blocked p+7 */
	ev->blocked = b[p + 7] == 1;
	if (min > p + 8) {
		ev->mpls = be32(b + p + 8);
		ev->vlan = be16(b + p + 12);
	}
	app_name(ev, b, len, min);
	return 0;
}

int
u2_packet_decode(const uint8_t *b, size_t len, struct u2_packet *pk)
{
	if (len < U2_PACKET_HDR)
		return -1;
	pk->sensor_id = be32(b);
	pk->event_id = be32(b + 4);
	pk->event_sec = be32(b + 8);
	pk->sec = be32(b + 12);
	pk->usec = be32(b + 16);
	pk->linktype = be32(b + 20);
	pk->length = be32(b + 24);
	if (pk->length > len - U2_PACKET_HDR)
		return -1;
	pk->data = b + U2_PACKET_HDR;
	return 0;
}

int
u2_extra_decode(const uint8_t *b, size_t len, struct u2_extra *ex)
{
	uint32_t bl;

	if (len < U2_EXTRA_HDR)
		return -1;
	/* b[0..7]: event_type (4) and event_length of the extra header */
	ex->sensor_id = be32(b + 8);
	ex->event_id = be32(b + 12);
	ex->event_sec = be32(b + 16);
	ex->type = be32(b + 20);
	ex->data_type = be32(b + 24);
	ex->blob_len = bl = be32(b + 28);
	/* blob_length counts itself and data_type (8 bytes) */
	ex->data = b + U2_EXTRA_HDR;
	ex->len = len - U2_EXTRA_HDR;
	if (bl >= 8 && bl - 8 < ex->len)
		ex->len = bl - 8;
	return 0;
}

void
u2_packet_info(const uint8_t *p, size_t len, uint32_t linktype,
    struct u2_pktinfo *pi)
{
	size_t off = 0, ihl, end, thl;
	unsigned et = 0;
	int vlans = 0;

	memset(pi, 0, sizeof(*pi));
	switch (linktype) {
	case 1:				/* Ethernet */
		if (len < 14)
			return;
		et = be16(p + 12);
		off = 14;
		while ((et == 0x8100 || et == 0x88a8) && vlans++ < 2 &&
		    len >= off + 4) {
			et = be16(p + off + 2);
			off += 4;
		}
		break;
	case 113:			/* Linux cooked */
		if (len < 16)
			return;
		et = be16(p + 14);
		off = 16;
		break;
	case 0:				/* BSD loopback: host-order AF */
		if (len < 4)
			return;
		off = 4;
		break;
	case 12:			/* raw IP */
	case 14:
	case 101:
	case 228:
	case 229:
		break;
	default:
		return;
	}
	if (et && et != 0x0800 && et != 0x86dd)
		return;
	if (len < off + 1)
		return;
	if ((p[off] >> 4) == 4) {
		if (len < off + 20)
			return;
		ihl = (size_t)(p[off] & 15) * 4;
		if (ihl < 20 || len < off + ihl)
			return;
		pi->ip = 4;
		pi->proto = p[off + 9];
		end = off + be16(p + off + 2);
		/* a later fragment has no transport header */
		if (be16(p + off + 6) & 0x1fff)
			return;
		off += ihl;
	} else if ((p[off] >> 4) == 6) {
		if (len < off + 40)
			return;
		pi->ip = 6;
		pi->proto = p[off + 6];
		end = off + 40 + be16(p + off + 4);
		off += 40;
	} else
		return;
	if (end > len)
		end = len;
	if (pi->proto != 6 || end < off + 20)
		return;
	thl = (size_t)(p[off + 12] >> 4) * 4;
	pi->tcp_flags = p[off + 13];
	if (thl >= 20 && end >= off + thl)
		pi->payload = end - off - thl;
}

static void
keep_packet(struct u2_reader *r, const struct u2_packet *pk)
{
	if (pk->length > r->pkt_cap || (r->pkt_cap > 65536 &&
	    pk->length <= 2048)) {
		free(r->pkt);
		r->pkt_cap = pk->length < 2048 ? 2048 : pk->length;
		r->pkt = xmalloc(r->pkt_cap);
	}
	if (pk->length > 0)	/* r->pkt may still be NULL */
		memcpy(r->pkt, pk->data, pk->length);
	r->pkt_len = pk->length;
	r->linktype = pk->linktype;
	r->have_pkt = 1;
}

/*
 * Extra data bytes (a URI or host name as the client sent it) as text:
 * printable ASCII as is (a client's own %XX too), any other byte %XX,
 * cut before what does not fit whole.
 */
static void
xdata_text(char *dst, size_t size, const uint8_t *p, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		if (p[i] > 0x20 && p[i] < 0x7f) {
			if (o + 1 >= size)
				break;
			dst[o++] = (char)p[i];
		} else {
			if (o + 3 >= size)
				break;
			dst[o++] = '%';
			dst[o++] = hex[p[i] >> 4];
			dst[o++] = hex[p[i] & 15];
		}
	}
	dst[o] = '\0';
}

/* Keeps what the extra data of the pending event says of its request. */
static void
keep_extra(struct u2_reader *r, const uint8_t *p, size_t len)
{
	struct u2_extra ex;

	if (!r->have || u2_extra_decode(p, len, &ex) < 0 ||
	    ex.event_id != r->ev.event_id)
		return;
	if (ex.type == U2_XDATA_HTTP_URI && !r->http_url[0])
		xdata_text(r->http_url, sizeof(r->http_url), ex.data, ex.len);
	else if (ex.type == U2_XDATA_HTTP_HOSTNAME && !r->http_host[0])
		xdata_text(r->http_host, sizeof(r->http_host), ex.data,
		    ex.len);
}

/* An IP version nibble of a Snort 3 event (0: the packet had no IP). */
static int
ip_version(unsigned v)
{
	return v == 0 || v == 4 || v == 6;
}

/*
 * Whether the body b (at least the bytes body_need() asks for) of a
 * record of a known type has its fixed fields in range: 0 yes, -1 no and
 * why says what is wrong.
 */
static int
body_plausible(uint32_t type, const uint8_t *b, uint32_t len, char *why,
    size_t wl)
{
	size_t min = u2_event_min(type);

	if (min) {
		uint32_t usec = be32(b + 12);

		if (len > min + U2_APPNAME_LEN) {
			snprintf(why, wl, "event record type %u has length %u "
			    "(at most %zu expected)", type, len,
			    min + U2_APPNAME_LEN);
			return -1;
		}
		if (usec >= 1000000) {
			snprintf(why, wl, "event record type %u has %u "
			    "microseconds", type, usec);
			return -1;
		}
		/* (not the blocked byte: Suricata wrote 0x20 there) */
		if (type == U2_EVENT3 && (!ip_version(b[92] >> 4) ||
		    !ip_version(b[92] & 15))) {
			snprintf(why, wl, "event record type %u has impossible "
			    "IP versions", type);
			return -1;
		}
		return 0;
	}
	if (type == U2_PACKET || type == U2_BUFFER) {
		if (len < U2_PACKET_HDR || be32(b + 24) != len - U2_PACKET_HDR) {
			snprintf(why, wl, "packet record of length %u cannot "
			    "hold its header and data", len);
			return -1;
		}
		if (be32(b + 16) >= 1000000) {
			snprintf(why, wl, "packet record has %u microseconds",
			    be32(b + 16));
			return -1;
		}
		return 0;
	}
	if (type == U2_EXTRA) {
		if (len < U2_EXTRA_HDR || be32(b) != 4) {
			snprintf(why, wl, "extra data record of length %u "
			    "(at least %u expected) or of event type %u", len,
			    U2_EXTRA_HDR, len >= 4 ? be32(b) : 0);
			return -1;
		}
		return 0;
	}
	return 0;
}

/* Body bytes body_plausible() reads of a record of this type. */
static size_t
body_need(uint32_t type)
{
	size_t min = u2_event_min(type);

	if (min)
		return min;
	if (type == U2_PACKET || type == U2_BUFFER)
		return U2_PACKET_HDR;
	if (type == U2_EXTRA)
		return U2_EXTRA_HDR;
	return 0;
}

/* Types Snort writes (a resync lands on these only). */
static int
type_known(uint32_t type)
{
	return u2_event_min(type) || type == U2_PACKET ||
	    type == U2_BUFFER || type == U2_EXTRA;
}

/*
 * The record at p (n bytes) as a resync candidate: a known type, a
 * length its type can have (at most U2_RESYNC_MAX), the fixed fields in
 * range. 1 yes, 0 no, -1 more bytes needed to tell.
 */
static int
candidate(const uint8_t *p, size_t n, int any_type)
{
	uint32_t type, len;
	size_t need;
	char why[128];

	if (n < U2_HDR_LEN)
		return -1;
	u2_header(p, &type, &len);
	if (!type_known(type))
		return any_type && len <= U2_UNKNOWN_MAX;
	need = body_need(type);
	if (len < need || len > U2_RESYNC_MAX)
		return 0;
	if (n - U2_HDR_LEN < need)
		return -1;
	return body_plausible(type, p + U2_HDR_LEN, len, why,
	    sizeof(why)) == 0;
}

int
u2_resync(const uint8_t *p, size_t n, size_t from, int eof, size_t *at)
{
	size_t k, next;
	uint32_t type, len;
	int rc;

	for (k = from; k < n; k++) {
		rc = candidate(p + k, n - k, 0);
		if (rc < 0)
			break;
		if (rc == 0)
			continue;
		/* ... and what follows it is a record too (or the end) */
		u2_header(p + k, &type, &len);
		next = k + U2_HDR_LEN + len;
		rc = next <= n ? candidate(p + next, n - next, 1) : -1;
		if (rc == 1 || (rc < 0 && eof && next <= n)) {
			*at = k;
			return 1;
		}
		if (rc < 0 && !eof) {
			*at = k;
			return 0;
		}
	}
	if (!eof) {
		*at = k;
		return 0;
	}
	*at = n;
	return -1;
}

enum u2_step_rc
u2_reader_step(struct u2_reader *r, const uint8_t *p, size_t n,
    uint64_t off, struct u2_step *st)
{
	size_t min;

	st->skippable = 0;
	st->why[0] = '\0';
	if (n < U2_HDR_LEN) {
		st->len = 0;
		return U2_NEED;
	}
	u2_header(p, &st->type, &st->len);
	if (st->len > U2_MAX_RECORD) {
		snprintf(st->why, sizeof(st->why), "record type %u has length "
		    "%u (over %u)", st->type, st->len, U2_MAX_RECORD);
		return U2_CORRUPT;
	}
	min = u2_event_min(st->type);
	if (!type_known(st->type) && st->len > U2_UNKNOWN_MAX) {
		snprintf(st->why, sizeof(st->why), "unknown record type %u "
		    "has length %u", st->type, st->len);
		return U2_CORRUPT;
	}
	if (min && st->len < min) {
		st->skippable = 1;
		snprintf(st->why, sizeof(st->why), "event record type %u has "
		    "length %u (at least %zu expected)", st->type, st->len,
		    min);
		return U2_CORRUPT;
	}
	if (min && r->have)
		return U2_EMIT;
	if (n - U2_HDR_LEN < st->len)
		return U2_NEED;
	p += U2_HDR_LEN;
	if (type_known(st->type) && st->len >= body_need(st->type) &&
	    body_plausible(st->type, p, st->len, st->why,
	    sizeof(st->why)) < 0)
		return U2_CORRUPT;
	r->records++;
	if (min) {
		u2_event_decode(st->type, p, st->len, &r->ev);
		r->have = 1;
		r->have_pkt = 0;
		r->pkt_len = 0;
		r->npkts = r->nextra = 0;
		r->http_host[0] = r->http_url[0] = '\0';
		r->ev_off = off;
		r->events++;
		return U2_OK;
	}
	switch (st->type) {
	case U2_PACKET: {
		struct u2_packet pk;

		if (u2_packet_decode(p, st->len, &pk) < 0) {
			r->records--;
			st->skippable = 1;
			snprintf(st->why, sizeof(st->why), "packet record of "
			    "length %u cannot hold its header and data",
			    st->len);
			return U2_CORRUPT;
		}
		r->packets++;
		if (r->have && pk.event_id == r->ev.event_id) {
			if (!r->have_pkt)
				keep_packet(r, &pk);
			r->npkts++;
		}
		return U2_OK;
	}
	case U2_EXTRA:
		if (st->len < U2_EXTRA_HDR) {
			r->records--;
			st->skippable = 1;
			snprintf(st->why, sizeof(st->why), "extra data record "
			    "of length %u (at least %u expected)", st->len,
			    U2_EXTRA_HDR);
			return U2_CORRUPT;
		}
		r->extras++;
		if (r->have)
			r->nextra++;
		keep_extra(r, p, st->len);
		return U2_OK;
	default:
		r->unknown++;
		return U2_OK;
	}
}

/* "gid:sid:rev" without printf: this runs for every alert. */
static void
sig_numbers(char *out, uint32_t gid, uint32_t sid, uint32_t rev)
{
	uint32_t v[3] = { gid, sid, rev };
	char tmp[10];
	size_t o = 0, n, i;

	for (i = 0; i < 3; i++) {
		n = 0;
		do {
			tmp[n++] = (char)('0' + v[i] % 10);
			v[i] /= 10;
		} while (v[i]);
		while (n)
			out[o++] = tmp[--n];
		out[o++] = i < 2 ? ':' : '\0';
	}
}

int
u2_reader_take(struct u2_reader *r, struct alert *al)
{
	const struct u2_event *ev = &r->ev;
	const struct sidmap_class *c;
	const char *msg;

	if (!r->have)
		return 0;
	r->have = 0;
	memset(al, 0, offsetof(struct alert, file));
	al->ts_usec = (int64_t)ev->sec * 1000000 + ev->usec;
	al->gid = ev->gid;
	al->sid = ev->sid;
	al->rev = ev->rev;
	al->severity = (int)(ev->priority > 255 ? 255 : ev->priority);
	msg = sidmap_msg(r->map, ev->gid, ev->sid);
	if (msg)
		strlcpy_r(al->signature, msg, sizeof(al->signature));
	else
		sig_numbers(al->signature, ev->gid, ev->sid, ev->rev);
	if ((c = sidmap_class(r->map, ev->class_id)) != NULL)
		strlcpy_r(al->category, c->desc, sizeof(al->category));
	strlcpy_r(al->action, ev->blocked ? "blocked" : "allowed",
	    sizeof(al->action));
	al->proto = ev->proto;
	al->src = ev->src;
	al->dst = ev->dst;
	al->sport = ev->sport;
	al->dport = ev->dport;
	if (ev->app_name[0])
		strlcpy_r(al->app_proto, ev->app_name, sizeof(al->app_proto));
	if (r->http_host[0])
		strlcpy_r(al->http_host, r->http_host, sizeof(al->http_host));
	if (r->http_url[0])
		strlcpy_r(al->http_url, r->http_url, sizeof(al->http_url));
	al->established = ALERT_EST_UNKNOWN;
	if (r->have_pkt) {
		struct u2_pktinfo pi;

		al->packet = r->pkt;
		al->packet_len = r->pkt_len;
		al->linktype = (int)r->linktype;
		u2_packet_info(r->pkt, r->pkt_len, r->linktype, &pi);
		if (pi.ip && pi.proto == 6) {
			al->tcp_flags = pi.tcp_flags;
			al->has_payload = pi.payload > 0;
			if ((pi.tcp_flags & 0x10) && pi.payload > 0)
				al->established = ALERT_EST_YES;
			else if ((pi.tcp_flags & 0x12) == 0x02)
				al->established = ALERT_EST_NO;
		} else if (pi.ip)
			al->has_payload = pi.payload > 0;
	}
	al->input = ALERT_INPUT_UNIFIED2;
	al->offset = r->ev_off;
	al->line = 0;
	return 1;
}
