/* SPDX-License-Identifier: MIT */
/*
 * Snort 3 alert_json lines into struct alert (see snort_json_parse.h).
 * Parsed with jansson: Snort's JSON is not Suricata's volume, and its
 * loose quoting (msg is written as is) is best judged by a real parser.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "eve_parse.h"
#include "snort_json_parse.h"

static int
two(const char *s, int *v)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	*v = (s[0] - '0') * 10 + (s[1] - '0');
	return 0;
}

static int
iso_time(int y, int mo, int d, const char *hms, size_t hn, int16_t tz,
    int64_t *ts)
{
	char iso[64];
	int16_t tzo;
	int a = tz < 0 ? -tz : tz, n;

	n = snprintf(iso, sizeof(iso), "%04d-%02d-%02dT%.*s%c%02d%02d", y, mo,
	    d, (int)hn, hms, tz < 0 ? '-' : '+', a / 60, a % 60);
	if (n < 0 || (size_t)n >= sizeof(iso))
		return -1;
	return alert_time_parse(iso, (size_t)n, ts, &tzo);
}

int
snort_json_time(const char *s, size_t n, int16_t tz_min, int64_t now_usec,
    int64_t *ts)
{
	int y = -1, mo, d, cy;
	const char *hms;
	time_t now;
	struct tm tm;

	if (n >= 9 && s[2] == '/' && s[5] == '/' && s[8] == '-') {
		if (two(s, &y) || two(s + 3, &mo) || two(s + 6, &d))
			return -1;
		y += 2000;
		hms = s + 9;
	} else if (n >= 6 && s[2] == '/' && s[5] == '-') {
		if (two(s, &mo) || two(s + 3, &d))
			return -1;
		hms = s + 6;
	} else
		return -1;
	n -= (size_t)(hms - s);
	if (n < 8 || n > 20)
		return -1;
	if (y >= 0)
		return iso_time(y, mo, d, hms, n, tz_min, ts);
	now = (time_t)(now_usec / 1000000) + (time_t)tz_min * 60;
	gmtime_r(&now, &tm);
	cy = tm.tm_year + 1900;
	if (iso_time(cy, mo, d, hms, n, tz_min, ts) < 0)
		return -1;
	if (*ts > now_usec + (int64_t)86400 * 1000000)
		return iso_time(cy - 1, mo, d, hms, n, tz_min, ts);
	return 0;
}

/* "addr:port" (IPv6 too: the port follows the last colon). */
static int
parse_ap(const char *s, struct addr *a, uint16_t *port)
{
	const char *c = strrchr(s, ':');
	char *end;
	unsigned long p;

	if (c == NULL)
		return -1;
	p = strtoul(c + 1, &end, 10);
	if (c[1] == '\0' || *end || p > 65535)
		return -1;
	if (c - s > 1 && s[0] == '[' && c[-1] == ']') {
		if (addr_parse_n(s + 1, (size_t)(c - s) - 2, a) < 0)
			return -1;
	} else if (addr_parse_n(s, (size_t)(c - s), a) < 0)
		return -1;
	*port = (uint16_t)p;
	return 0;
}

static int
endpoint(const json_t *o, const char *akey, const char *pkey,
    const char *apkey, struct addr *a, uint16_t *port, struct err *e)
{
	const json_t *v = json_object_get(o, akey);
	uint64_t p = 0;

	if (v) {
		if (!json_is_string(v) || addr_parse(json_string_value(v), a) < 0)
			return err_set(e, "bad %s", akey);
		if (eve_get_uint(o, pkey, 65535, &p) < 0)
			return err_set(e, "bad %s", pkey);
		*port = (uint16_t)p;
		if (p || json_object_get(o, pkey))
			return 0;
	}
	v = json_object_get(o, apkey);
	if (v) {
		struct addr tmp;

		if (!json_is_string(v) ||
		    parse_ap(json_string_value(v), &tmp, port) < 0)
			return err_set(e, "bad %s", apkey);
		if (a->family == 0)
			*a = tmp;
		return 0;
	}
	if (a->family)
		return 0;
	return err_set(e, "missing %s", akey);
}

static int
parse_obj(const json_t *o, struct alert *al, const struct snort_json_opts *op,
    struct err *e)
{
	const json_t *v;
	uint64_t u;
	char proto[16];

	v = json_object_get(o, "timestamp");
	if (v && (!json_is_string(v) || snort_json_time(json_string_value(v),
	    json_string_length(v), op->tz_min, op->now_usec, &al->ts_usec) < 0))
		return err_set(e, "bad timestamp");
	if (eve_get_uint(o, "seconds", INT32_MAX * 4ULL, &u) < 0)
		return err_set(e, "bad seconds");
	if (json_object_get(o, "seconds"))
		/* UTC seconds from the packet, the fraction from timestamp */
		al->ts_usec = (int64_t)u * 1000000 + (v ? al->ts_usec %
		    1000000 : 0);
	else if (v == NULL)
		return err_set(e, "missing timestamp");
	al->tz_min = op->tz_min;
	if (endpoint(o, "src_addr", "src_port", "src_ap", &al->src, &al->sport,
	    e) < 0 || endpoint(o, "dst_addr", "dst_port", "dst_ap", &al->dst,
	    &al->dport, e) < 0)
		return -1;
	u = 1;
	if (eve_get_uint(o, "gid", UINT32_MAX, &u) < 0)
		return err_set(e, "bad gid");
	al->gid = (uint32_t)u;
	u = 0;
	if (eve_get_uint(o, "rev", UINT32_MAX, &u) < 0)
		return err_set(e, "bad rev");
	al->rev = (uint32_t)u;
	if (eve_get_uint(o, "sid", UINT32_MAX, &u) > 0) {
		al->sid = (uint32_t)u;
	} else if ((v = json_object_get(o, "rule")) && json_is_string(v)) {
		unsigned g, s, r;
		int n = 0;

		if (sscanf(json_string_value(v), "%u:%u:%u%n", &g, &s, &r,
		    &n) != 3 || json_string_value(v)[n] != '\0')
			return err_set(e, "bad rule");
		al->gid = g;
		al->sid = s;
		al->rev = r;
	} else
		return err_set(e, "missing sid");
	if (eve_get_str(o, "msg", al->signature, sizeof(al->signature)) < 0)
		return err_set(e, "bad msg");
	if (eve_get_str(o, "class", al->category, sizeof(al->category)) < 0)
		return err_set(e, "bad class");
	if (strcmp(al->category, "none") == 0)
		al->category[0] = '\0';
	u = 0;
	if (eve_get_uint(o, "priority", 255, &u) < 0)
		return err_set(e, "bad priority");
	al->severity = (int)u;
	if (eve_get_str(o, "action", al->action, sizeof(al->action)) < 0)
		return err_set(e, "bad action");
	if (eve_get_str(o, "iface", al->iface, sizeof(al->iface)) < 0)
		return err_set(e, "bad iface");
	if (eve_get_str(o, "service", al->app_proto, sizeof(al->app_proto)) < 0)
		return err_set(e, "bad service");
	if (strcmp(al->app_proto, "unknown") == 0)
		al->app_proto[0] = '\0';
	if (eve_get_str(o, "proto", proto, sizeof(proto)) < 0)
		return err_set(e, "bad proto");
	if (proto[0] && alert_proto_parse(proto, &al->proto) < 0)
		al->proto = 0;	/* "IP", "ARP" ...: no transport */
	if (al->sport == 0 && al->dport == 0) {
		uint64_t t = 0, c = 0;

		if (eve_get_uint(o, "icmp_type", 255, &t) > 0) {
			eve_get_uint(o, "icmp_code", 255, &c);
			al->sport = (uint16_t)t;
			al->dport = (uint16_t)c;
		}
	}
	v = json_object_get(o, "b64_data");
	al->has_payload = json_is_string(v) && json_string_length(v) > 0;
	al->established = ALERT_EST_UNKNOWN;
	return 1;
}

int
snort_json_parse(const char *line, size_t len, struct alert *al,
    const struct snort_json_opts *op, struct err *e)
{
	json_t *o;
	int rc;

	memset(al, 0, sizeof(*al));
	al->established = ALERT_EST_UNKNOWN;
	if ((o = eve_load_object(line, len, e)) == NULL)
		return -1;
	rc = parse_obj(o, al, op, e);
	json_decref(o);
	return rc;
}
