/* SPDX-License-Identifier: MIT */
/*
 * The reference EVE parser: one line through jansson into a struct alert,
 * plus the helpers the fast path shares with it (string copy, base64,
 * established verdict). Its verdicts define what eve_fast.c must match.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "eve_parse.h"
#include "xmalloc.h"

/* 1 + the base64 value of each byte; 0 for "not in the alphabet". */
static const uint8_t b64_tab[256] = {
	['A'] = 1, ['B'] = 2, ['C'] = 3, ['D'] = 4, ['E'] = 5, ['F'] = 6,
	['G'] = 7, ['H'] = 8, ['I'] = 9, ['J'] = 10, ['K'] = 11, ['L'] = 12,
	['M'] = 13, ['N'] = 14, ['O'] = 15, ['P'] = 16, ['Q'] = 17,
	['R'] = 18, ['S'] = 19, ['T'] = 20, ['U'] = 21, ['V'] = 22,
	['W'] = 23, ['X'] = 24, ['Y'] = 25, ['Z'] = 26, ['a'] = 27,
	['b'] = 28, ['c'] = 29, ['d'] = 30, ['e'] = 31, ['f'] = 32,
	['g'] = 33, ['h'] = 34, ['i'] = 35, ['j'] = 36, ['k'] = 37,
	['l'] = 38, ['m'] = 39, ['n'] = 40, ['o'] = 41, ['p'] = 42,
	['q'] = 43, ['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47,
	['v'] = 48, ['w'] = 49, ['x'] = 50, ['y'] = 51, ['z'] = 52,
	['0'] = 53, ['1'] = 54, ['2'] = 55, ['3'] = 56, ['4'] = 57,
	['5'] = 58, ['6'] = 59, ['7'] = 60, ['8'] = 61, ['9'] = 62,
	['+'] = 63, ['/'] = 64,
};

static int
b64_val(unsigned char c)
{
	return (int)b64_tab[c] - 1;
}

int
eve_b64_decode(const char *s, size_t len, struct alert_scratch *sc,
    size_t *out_len)
{
	size_t i, o = 0, need;

	*out_len = 0;
	if (len % 4)
		return -1;
	need = len / 4 * 3 + 1;
	if (sc->cap < need) {
		free(sc->pkt);
		sc->cap = need < 2048 ? 2048 : need;
		sc->pkt = xmalloc(sc->cap);
	}
	for (i = 0; i < len; i += 4) {
		int a = b64_val((unsigned char)s[i]);
		int b = b64_val((unsigned char)s[i + 1]);
		int c = b64_val((unsigned char)s[i + 2]);
		int d = b64_val((unsigned char)s[i + 3]);
		int last = i + 4 == len;

		if (a < 0 || b < 0)
			return -1;
		if (last && s[i + 2] == '=' && s[i + 3] == '=') {
			sc->pkt[o++] = (uint8_t)(a << 2 | b >> 4);
			break;
		}
		if (last && s[i + 3] == '=' && c >= 0) {
			sc->pkt[o++] = (uint8_t)(a << 2 | b >> 4);
			sc->pkt[o++] = (uint8_t)((b & 15) << 4 | c >> 2);
			break;
		}
		if (c < 0 || d < 0)
			return -1;
		sc->pkt[o++] = (uint8_t)(a << 2 | b >> 4);
		sc->pkt[o++] = (uint8_t)((b & 15) << 4 | c >> 2);
		sc->pkt[o++] = (uint8_t)((c & 3) << 6 | d);
	}
	*out_len = o;
	return 0;
}

int8_t
eve_established(const struct alert *al, int have_flow)
{
	if (al->pkts_toserver > 0 && al->pkts_toclient > 0)
		return ALERT_EST_YES;
	if (al->app_proto[0] && strcmp(al->app_proto, "failed") != 0)
		return ALERT_EST_YES;
	if (have_flow && al->pkts_toclient == 0)
		return ALERT_EST_NO;
	return ALERT_EST_UNKNOWN;
}

const char *
eve_alert_diff(const struct alert *a, const struct alert *b)
{
#define F(x)	if (a->x != b->x) return #x
#define S(x)	if (strcmp(a->x, b->x) != 0) return #x
	F(ts_usec); F(tz_min); F(gid); F(sid); F(rev); F(severity);
	S(signature); S(category); S(action); F(proto);
	if (addr_cmp(&a->src, &b->src) != 0 || a->src.family != b->src.family)
		return "src";
	if (addr_cmp(&a->dst, &b->dst) != 0 || a->dst.family != b->dst.family)
		return "dst";
	F(sport); F(dport); S(app_proto); S(iface); S(sensor);
	S(http_method); S(http_host); S(http_url); F(flow_id);
	F(pkts_toserver); F(pkts_toclient); F(bytes_toserver);
	F(bytes_toclient); F(tcp_flags); F(established); F(has_payload);
	F(packet_len); F(linktype);
	if (a->packet_len && memcmp(a->packet, b->packet, a->packet_len) != 0)
		return "packet";
	return NULL;
#undef F
#undef S
}

/* An optional integer member in [0, max]: 0 absent, 1 set, -1 bad. */
int
eve_get_uint(const json_t *o, const char *key, uint64_t max, uint64_t *out)
{
	const json_t *v = json_object_get(o, key);
	json_int_t i;

	if (v == NULL)
		return 0;
	if (!json_is_integer(v))
		return -1;
	i = json_integer_value(v);
	if (i < 0 || (uint64_t)i > max)
		return -1;
	*out = (uint64_t)i;
	return 1;
}

/* An optional string member: 0 absent, 1 copied, -1 not a string. */
int
eve_get_str(const json_t *o, const char *key, char *dst, size_t size)
{
	const json_t *v = json_object_get(o, key);

	if (v == NULL)
		return 0;
	if (!json_is_string(v))
		return -1;
	eve_copy_str(dst, size, json_string_value(v), json_string_length(v));
	return 1;
}

/*
 * The HTTP request of an alert ("http": hostname, url, http_method).
 * Evidence only: a member of another type is left out, not the alert.
 */
static void
parse_http_obj(const json_t *h, struct alert *al)
{
	if (!json_is_object(h))
		return;
	eve_get_str(h, "hostname", al->http_host, sizeof(al->http_host));
	eve_get_str(h, "url", al->http_url, sizeof(al->http_url));
	eve_get_str(h, "http_method", al->http_method,
	    sizeof(al->http_method));
}

static int
parse_alert_obj(const json_t *a, struct alert *al, struct err *e)
{
	uint64_t v;

	if (!json_is_object(a))
		return err_set(e, "missing alert");
	if (eve_get_uint(a, "signature_id", UINT32_MAX, &v) <= 0)
		return err_set(e, "missing or bad alert.signature_id");
	al->sid = (uint32_t)v;
	v = 1;
	if (eve_get_uint(a, "gid", UINT32_MAX, &v) < 0)
		return err_set(e, "bad alert.gid");
	al->gid = (uint32_t)v;
	v = 0;
	if (eve_get_uint(a, "rev", UINT32_MAX, &v) < 0)
		return err_set(e, "bad alert.rev");
	al->rev = (uint32_t)v;
	v = 0;
	if (eve_get_uint(a, "severity", 255, &v) < 0)
		return err_set(e, "bad alert.severity");
	al->severity = (int)v;
	if (eve_get_str(a, "signature", al->signature, sizeof(al->signature)) < 0)
		return err_set(e, "bad alert.signature");
	if (eve_get_str(a, "category", al->category, sizeof(al->category)) < 0)
		return err_set(e, "bad alert.category");
	if (eve_get_str(a, "action", al->action, sizeof(al->action)) < 0)
		return err_set(e, "bad alert.action");
	return 0;
}

static int
parse_flow_obj(const json_t *f, struct alert *al, struct err *e)
{
	uint64_t v;

	if (!json_is_object(f))
		return err_set(e, "bad flow");
	v = 0;
	if (eve_get_uint(f, "pkts_toserver", UINT32_MAX, &v) < 0)
		return err_set(e, "bad flow.pkts_toserver");
	al->pkts_toserver = (uint32_t)v;
	v = 0;
	if (eve_get_uint(f, "pkts_toclient", UINT32_MAX, &v) < 0)
		return err_set(e, "bad flow.pkts_toclient");
	al->pkts_toclient = (uint32_t)v;
	if (eve_get_uint(f, "bytes_toserver", INT64_MAX, &al->bytes_toserver) < 0)
		return err_set(e, "bad flow.bytes_toserver");
	if (eve_get_uint(f, "bytes_toclient", INT64_MAX, &al->bytes_toclient) < 0)
		return err_set(e, "bad flow.bytes_toclient");
	return 0;
}

static int
parse_addr(const json_t *o, const char *key, struct addr *a, struct err *e)
{
	const json_t *v = json_object_get(o, key);

	if (v == NULL)
		return err_set(e, "missing %s", key);
	if (!json_is_string(v) || addr_parse_n(json_string_value(v),
	    json_string_length(v), a) < 0)
		return err_set(e, "bad %s", key);
	return 0;
}

static int
parse_event(const json_t *o, struct alert *al, struct alert_scratch *sc,
    struct err *e)
{
	const json_t *v, *f, *pi;
	uint64_t u;
	int rc;

	v = json_object_get(o, "event_type");
	if (!json_is_string(v))
		return err_set(e, "missing event_type");
	if (strcmp(json_string_value(v), "alert") != 0)
		return 0;
	v = json_object_get(o, "timestamp");
	if (!json_is_string(v))
		return err_set(e, "missing timestamp");
	if (alert_time_parse(json_string_value(v), json_string_length(v),
	    &al->ts_usec, &al->tz_min) < 0)
		return err_set(e, "bad timestamp");
	if (parse_addr(o, "src_ip", &al->src, e) < 0 ||
	    parse_addr(o, "dest_ip", &al->dst, e) < 0)
		return -1;
	u = 0;
	if ((rc = eve_get_uint(o, "src_port", 65535, &u)) < 0)
		return err_set(e, "bad src_port");
	al->sport = (uint16_t)u;
	if (rc == 0) {
		if (eve_get_uint(o, "icmp_type", 255, &u) < 0)
			return err_set(e, "bad icmp_type");
		al->sport = (uint16_t)u;
	}
	u = 0;
	if ((rc = eve_get_uint(o, "dest_port", 65535, &u)) < 0)
		return err_set(e, "bad dest_port");
	al->dport = (uint16_t)u;
	if (rc == 0) {
		if (eve_get_uint(o, "icmp_code", 255, &u) < 0)
			return err_set(e, "bad icmp_code");
		al->dport = (uint16_t)u;
	}
	v = json_object_get(o, "proto");
	if (json_is_string(v)) {
		if (alert_proto_parse(json_string_value(v), &al->proto) < 0)
			return err_set(e, "bad proto");
	} else if (v) {
		if (eve_get_uint(o, "proto", 255, &u) <= 0)
			return err_set(e, "bad proto");
		al->proto = (uint8_t)u;
	}
	if (eve_get_uint(o, "flow_id", INT64_MAX, &al->flow_id) < 0)
		return err_set(e, "bad flow_id");
	if (eve_get_str(o, "app_proto", al->app_proto, sizeof(al->app_proto)) < 0)
		return err_set(e, "bad app_proto");
	if (eve_get_str(o, "in_iface", al->iface, sizeof(al->iface)) < 0)
		return err_set(e, "bad in_iface");
	if (eve_get_str(o, "host", al->sensor, sizeof(al->sensor)) < 0)
		return err_set(e, "bad host");
	if (parse_alert_obj(json_object_get(o, "alert"), al, e) < 0)
		return -1;
	f = json_object_get(o, "flow");
	if (f && parse_flow_obj(f, al, e) < 0)
		return -1;
	parse_http_obj(json_object_get(o, "http"), al);
	v = json_object_get(o, "payload");
	if (v && !json_is_string(v))
		return err_set(e, "bad payload");
	al->has_payload = v && json_string_length(v) > 0;
	v = json_object_get(o, "packet");
	if (v) {
		if (!json_is_string(v))
			return err_set(e, "bad packet");
		if (eve_b64_decode(json_string_value(v), json_string_length(v),
		    sc, &al->packet_len) == 0 && al->packet_len) {
			al->packet = sc->pkt;
			pi = json_object_get(o, "packet_info");
			u = 0;
			if (pi && (!json_is_object(pi) ||
			    eve_get_uint(pi, "linktype", INT32_MAX, &u) < 0))
				return err_set(e, "bad packet_info");
			al->linktype = (int)u;
		} else
			al->packet_len = 0;
	}
	al->established = eve_established(al, f != NULL);
	return 1;
}

json_t *
eve_load_object(const char *line, size_t len, struct err *e)
{
	json_error_t je;
	json_t *o;

	o = json_loadb(line, len, 0, &je);
	if (o == NULL) {
		/* Hostile bytes in a string are evidence, not a reason to
		 * refuse the line: read it again with them as \xNN text. */
		size_t ll;
		char *l = eve_launder(line, len, &ll);

		if (l != NULL) {
			json_error_t je2;

			o = json_loadb(l, ll, 0, &je2);
			free(l);
		}
	}
	if (o == NULL)
		return err_set(e, "invalid JSON at column %d: %s", je.column,
		    je.text), NULL;
	if (!json_is_object(o)) {
		json_decref(o);
		return err_set(e, "not a JSON object"), NULL;
	}
	return o;
}

int
eve_parse_jansson(const char *line, size_t len, struct alert *al,
    struct alert_scratch *sc, struct err *e)
{
	json_t *o;
	int rc;

	memset(al, 0, sizeof(*al));
	al->established = ALERT_EST_UNKNOWN;
	if ((o = eve_load_object(line, len, e)) == NULL)
		return -1;
	rc = parse_event(o, al, sc, e);
	json_decref(o);
	if (rc < 0) {
		int8_t keep = ALERT_EST_UNKNOWN;

		memset(al, 0, sizeof(*al));
		al->established = keep;
	}
	return rc;
}

int
eve_parse(const char *line, size_t len, struct alert *al,
    struct alert_scratch *sc, struct err *e)
{
	int rc = eve_parse_fast(line, len, al, sc);

	if (rc != EVE_FALLBACK)
		return rc;
	return eve_parse_jansson(line, len, al, sc, e);
}
