/* SPDX-License-Identifier: MIT */
/*
 * Alert helpers: protocol names, EVE timestamps, and the JSON line form
 * `redress replay` prints (EVE field names plus redress.input).
 */
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "alert.h"
#include "jbuf.h"

const char *
alert_input_name(enum alert_input in)
{
	switch (in) {
	case ALERT_INPUT_UNIFIED2:	return "unified2";
	case ALERT_INPUT_EVE:		return "eve";
	case ALERT_INPUT_SNORT_JSON:	return "snort_json";
	default:			return "none";
	}
}

static const struct { uint8_t p; const char *n; } protos[] = {
	{ IPPROTO_TCP, "TCP" }, { IPPROTO_UDP, "UDP" },
	{ IPPROTO_ICMP, "ICMP" }, { IPPROTO_ICMPV6, "IPv6-ICMP" },
	{ IPPROTO_SCTP, "SCTP" }, { IPPROTO_GRE, "GRE" },
	{ IPPROTO_ESP, "ESP" }, { IPPROTO_AH, "AH" },
};

const char *
alert_proto_name(uint8_t p, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (protos[i].p == p)
			return protos[i].n;
	snprintf(buf, len, "%03u", p);
	return buf;
}

int
alert_proto_parse(const char *s, uint8_t *p)
{
	size_t i;
	unsigned v;
	char *end;

	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (strcasecmp(s, protos[i].n) == 0) {
			*p = protos[i].p;
			return 0;
		}
	if (strcasecmp(s, "ICMPV6") == 0 || strcasecmp(s, "ICMP6") == 0) {
		*p = IPPROTO_ICMPV6;
		return 0;
	}
	v = (unsigned)strtoul(s, &end, 10);
	if (*s && *end == '\0' && v < 256) {
		*p = (uint8_t)v;
		return 0;
	}
	return -1;
}

static void
put_digits(char *p, unsigned long v, int n)
{
	while (n-- > 0) {
		p[n] = (char)('0' + v % 10);
		v /= 10;
	}
}

/*
 * Alerts come in time order, many within one second: the date and time
 * of the last second are kept per thread and only the microseconds and
 * the zone are written each time (gmtime_r and printf are the costly
 * part of printing an alert).
 */
char *
alert_time_format(int64_t ts_usec, int tz_min, char *buf, size_t len)
{
	static _Thread_local time_t	 last_t = -1;
	static _Thread_local char	 last[20];
	time_t t = (time_t)(ts_usec / 1000000) + (time_t)tz_min * 60;
	long us = (long)(ts_usec % 1000000);
	struct tm tm;
	int a = tz_min < 0 ? -tz_min : tz_min;
	char out[32];

	if (us < 0) {
		us += 1000000;
		t--;
	}
	if (t != last_t) {
		if (gmtime_r(&t, &tm) == NULL || tm.tm_year + 1900 > 9999 ||
		    tm.tm_year + 1900 < 0) {
			snprintf(buf, len, "%lld.%06ld", (long long)t, us);
			return buf;
		}
		put_digits(last, (unsigned long)(tm.tm_year + 1900), 4);
		last[4] = '-';
		put_digits(last + 5, (unsigned long)tm.tm_mon + 1, 2);
		last[7] = '-';
		put_digits(last + 8, (unsigned long)tm.tm_mday, 2);
		last[10] = 'T';
		put_digits(last + 11, (unsigned long)tm.tm_hour, 2);
		last[13] = ':';
		put_digits(last + 14, (unsigned long)tm.tm_min, 2);
		last[16] = ':';
		put_digits(last + 17, (unsigned long)tm.tm_sec, 2);
		last_t = t;
	}
	memcpy(out, last, 19);
	out[19] = '.';
	put_digits(out + 20, (unsigned long)us, 6);
	out[26] = tz_min < 0 ? '-' : '+';
	put_digits(out + 27, (unsigned long)(a / 60 % 100), 2);
	put_digits(out + 29, (unsigned long)(a % 60), 2);
	out[31] = '\0';
	if (len > 0) {
		size_t n = len - 1 < 31 ? len - 1 : 31;

		memcpy(buf, out, n);
		buf[n] = '\0';
	}
	return buf;
}

static int
digits(const char *s, size_t n, int *out)
{
	size_t i;
	int v = 0;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t
days_from_civil(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int
alert_time_parse(const char *s, size_t n, int64_t *ts, int16_t *tz)
{
	int Y, M, D, h, m, sec, usec = 0, tzh = 0, tzm = 0, sign = 1;
	size_t i = 19, fd = 0;

	if (n < 19 || s[4] != '-' || s[7] != '-' ||
	    (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':')
		return -1;
	if (digits(s, 4, &Y) || digits(s + 5, 2, &M) || digits(s + 8, 2, &D) ||
	    digits(s + 11, 2, &h) || digits(s + 14, 2, &m) ||
	    digits(s + 17, 2, &sec))
		return -1;
	if (M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || sec > 60)
		return -1;
	if (i < n && s[i] == '.') {
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++, fd++)
			if (fd < 6)
				usec = usec * 10 + (s[i] - '0');
		if (fd == 0)
			return -1;
		for (; fd < 6; fd++)
			usec *= 10;
	}
	if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
		i++;
	} else if (i < n && (s[i] == '+' || s[i] == '-')) {
		sign = s[i] == '-' ? -1 : 1;
		i++;
		if (i + 2 > n || digits(s + i, 2, &tzh))
			return -1;
		i += 2;
		if (i < n && s[i] == ':')
			i++;
		if (i + 2 <= n && digits(s + i, 2, &tzm) == 0)
			i += 2;
		else
			return -1;
		if (tzh > 23 || tzm > 59)
			return -1;
	}
	if (i != n)
		return -1;
	*tz = (int16_t)(sign * (tzh * 60 + tzm));
	*ts = ((days_from_civil(Y, M, D) * 86400 + h * 3600 + m * 60 + sec) -
	    (int64_t)*tz * 60) * 1000000 + usec;
	return 0;
}

static void
str_copy(char *dst, const char *src, size_t size)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* b comes right after a in struct alert (padding aside). */
#define FOLLOWS(a, b) \
	(offsetof(struct alert, b) >= offsetof(struct alert, a) + \
	    sizeof(((struct alert *)0)->a) && \
	offsetof(struct alert, b) < offsetof(struct alert, a) + \
	    sizeof(((struct alert *)0)->a) + 8)
_Static_assert(FOLLOWS(bytes_toclient, category) &&
    FOLLOWS(category, signature) && FOLLOWS(signature, action) &&
    FOLLOWS(action, app_proto) && FOLLOWS(app_proto, iface) &&
    FOLLOWS(iface, sensor) && FOLLOWS(sensor, http_method) &&
    FOLLOWS(http_method, http_host) && FOLLOWS(http_host, http_url) &&
    FOLLOWS(http_url, packet) &&
    FOLLOWS(input, file) && FOLLOWS(file, offset),
    "alert_copy knows every string of struct alert");

void
alert_copy(struct alert *dst, const struct alert *src)
{
	memcpy(dst, src, offsetof(struct alert, category));
	str_copy(dst->category, src->category, sizeof(dst->category));
	str_copy(dst->signature, src->signature, sizeof(dst->signature));
	str_copy(dst->action, src->action, sizeof(dst->action));
	str_copy(dst->app_proto, src->app_proto, sizeof(dst->app_proto));
	str_copy(dst->iface, src->iface, sizeof(dst->iface));
	str_copy(dst->sensor, src->sensor, sizeof(dst->sensor));
	str_copy(dst->http_method, src->http_method,
	    sizeof(dst->http_method));
	str_copy(dst->http_host, src->http_host, sizeof(dst->http_host));
	str_copy(dst->http_url, src->http_url, sizeof(dst->http_url));
	memcpy(&dst->packet, &src->packet, offsetof(struct alert, file) -
	    offsetof(struct alert, packet));
	str_copy(dst->file, src->file, sizeof(dst->file));
	memcpy(&dst->offset, &src->offset, sizeof(struct alert) -
	    offsetof(struct alert, offset));
}

void
alert_scratch_free(struct alert_scratch *sc)
{
	free(sc->pkt);
	sc->pkt = NULL;
	sc->cap = 0;
	free(sc->txt);
	sc->txt = NULL;
	sc->txt_cap = 0;
}

size_t
alert_json(const struct alert *al, char *buf, size_t len)
{
	struct jbuf b = { buf, len, 0 };
	char t[64], a[ADDR_STRLEN], pb[8];

	JB_LIT(&b, "{\"timestamp\":\"");
	jb_puts(&b, alert_time_format(al->ts_usec, al->tz_min, t, sizeof(t)));
	JB_LIT(&b, "\",\"event_type\":\"alert\",\"src_ip\":\"");
	jb_puts(&b, addr_format(&al->src, a, sizeof(a)));
	JB_LIT(&b, "\",\"src_port\":");
	jb_u64(&b, al->sport);
	JB_LIT(&b, ",\"dest_ip\":\"");
	jb_puts(&b, addr_format(&al->dst, a, sizeof(a)));
	JB_LIT(&b, "\",\"dest_port\":");
	jb_u64(&b, al->dport);
	JB_LIT(&b, ",\"proto\":\"");
	jb_puts(&b, alert_proto_name(al->proto, pb, sizeof(pb)));
	JB_LIT(&b, "\"");
	if (al->flow_id) {
		JB_LIT(&b, ",\"flow_id\":");
		jb_u64(&b, al->flow_id);
	}
	if (al->app_proto[0]) {
		JB_LIT(&b, ",\"app_proto\":");
		jb_str(&b, al->app_proto);
	}
	if (al->iface[0]) {
		JB_LIT(&b, ",\"in_iface\":");
		jb_str(&b, al->iface);
	}
	if (al->sensor[0]) {	/* EVE's name of the sensor */
		JB_LIT(&b, ",\"host\":");
		jb_str(&b, al->sensor);
	}
	JB_LIT(&b, ",\"alert\":{");
	if (al->action[0]) {
		JB_LIT(&b, "\"action\":");
		jb_str(&b, al->action);
		JB_LIT(&b, ",");
	}
	JB_LIT(&b, "\"gid\":");
	jb_u64(&b, al->gid);
	JB_LIT(&b, ",\"signature_id\":");
	jb_u64(&b, al->sid);
	JB_LIT(&b, ",\"rev\":");
	jb_u64(&b, al->rev);
	JB_LIT(&b, ",\"signature\":");
	jb_str(&b, al->signature);
	JB_LIT(&b, ",\"category\":");
	jb_str(&b, al->category);
	JB_LIT(&b, ",\"severity\":");
	jb_u64(&b, (unsigned)(al->severity < 0 ? 0 : al->severity));
	JB_LIT(&b, "}");
	if (al->pkts_toserver || al->pkts_toclient) {
		JB_LIT(&b, ",\"flow\":{\"pkts_toserver\":");
		jb_u64(&b, al->pkts_toserver);
		JB_LIT(&b, ",\"pkts_toclient\":");
		jb_u64(&b, al->pkts_toclient);
		JB_LIT(&b, ",\"bytes_toserver\":");
		jb_u64(&b, al->bytes_toserver);
		JB_LIT(&b, ",\"bytes_toclient\":");
		jb_u64(&b, al->bytes_toclient);
		JB_LIT(&b, "}");
	}
	if (al->http_method[0] || al->http_host[0] || al->http_url[0]) {
		const char *sep = "";

		JB_LIT(&b, ",\"http\":{");
		if (al->http_host[0]) {
			JB_LIT(&b, "\"hostname\":");
			jb_str(&b, al->http_host);
			sep = ",";
		}
		if (al->http_url[0]) {
			jb_puts(&b, sep);
			JB_LIT(&b, "\"url\":");
			jb_str(&b, al->http_url);
			sep = ",";
		}
		if (al->http_method[0]) {
			jb_puts(&b, sep);
			JB_LIT(&b, "\"http_method\":");
			jb_str(&b, al->http_method);
		}
		JB_LIT(&b, "}");
	}
	JB_LIT(&b, ",\"redress\":{\"input\":{\"type\":\"");
	jb_puts(&b, alert_input_name(al->input));
	JB_LIT(&b, "\",\"file\":");
	jb_str(&b, al->file);
	JB_LIT(&b, ",\"offset\":");
	jb_u64(&b, al->offset);
	if (al->line) {
		JB_LIT(&b, ",\"line\":");
		jb_u64(&b, al->line);
	}
	JB_LIT(&b, "},\"established\":");
	jb_puts(&b, al->established == ALERT_EST_YES ? "true" :
	    al->established == ALERT_EST_NO ? "false" : "null");
	if (al->packet_len) {
		JB_LIT(&b, ",\"packet_len\":");
		jb_u64(&b, al->packet_len);
	}
	JB_LIT(&b, "}}");
	if (b.off < len)
		buf[b.off] = '\0';
	else if (len)
		buf[len - 1] = '\0';
	return b.off;
}
