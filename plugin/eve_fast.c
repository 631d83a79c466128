/* SPDX-License-Identifier: MIT */
/*
 * The fast EVE path: one pass over the line that validates the JSON
 * syntax as jansson would (strings and their escapes, numbers, nesting,
 * trailing bytes) while pulling out only the alert fields, without
 * building a tree. Escapes in needed strings are decoded here (\uXXXX and
 * surrogate pairs too); hostile bytes in strings (NUL, lone surrogates,
 * invalid UTF-8, raw control bytes) are kept as eve_text.c says. On
 * anything it does not handle exactly like eve_parse_jansson() (an
 * escape in a key, a duplicate needed key, a type it does not expect, a
 * missing required field, numbers near the limits) it returns
 * EVE_FALLBACK and the caller runs the full parser. Events that are not
 * alerts are classified from "event_type" at once. tests/fuzz/fuzz_eve.c
 * checks every alert it returns against jansson.
 */
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "eve_parse.h"
#include "xmalloc.h"

#define FAST_DEPTH_MAX	64
#define FAST_INT_DIGITS	18

/* Bytes that end a run inside a JSON string. */
static const unsigned char str_stop[256] = { ['"'] = 1, ['\\'] = 1 };

#define SWAR(c)		(0x0101010101010101ULL * (uint64_t)(c))
/* Non-zero when a byte of w is zero. */
#define haszero(w)	(((w) - SWAR(1)) & ~(w) & SWAR(0x80))

struct scan {
	const char	*p, *end;
};

static void
ws_slow(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' ||
	    *s->p == '\n' || *s->p == '\r'))
		s->p++;
}

/* Compact JSON has no blanks: one test on the way. */
static inline void
ws(struct scan *s)
{
	if (s->p < s->end && (unsigned char)*s->p > ' ')
		return;
	ws_slow(s);
}

static int
expect(struct scan *s, char c)
{
	ws(s);
	if (s->p >= s->end || *s->p != c)
		return -1;
	s->p++;
	return 0;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * A string at s->p ('"'): its raw text between the quotes through str
 * and len (when str is set), and in *esc whether it holds an escape. Any
 * byte is taken (hostile bytes are evidence: eve_text.c makes text of
 * them, as jansson reads the line eve_launder() makes); escapes must be
 * JSON's.
 */
static inline __attribute__((always_inline)) int
scan_str(struct scan *s, const char **str, size_t *len, int *esc)
{
	const char *p = s->p, *end = s->end, *start;
	int e = 0;

	if (p >= end || *p != '"')
		return -1;
	start = ++p;
	for (;;) {
#ifdef __SSE2__
		/* Sixteen bytes at a time while none is '"' or '\\'. */
		while (end - p >= 16) {
			__m128i x = _mm_loadu_si128((const __m128i *)p);
			int m = _mm_movemask_epi8(_mm_or_si128(
			    _mm_cmpeq_epi8(x, _mm_set1_epi8('"')),
			    _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'))));

			if (m) {
				p += __builtin_ctz((unsigned)m);
				goto stop;
			}
			p += 16;
		}
#endif
		/* Eight bytes at a time while none is special. */
		while (end - p >= 8) {
			uint64_t w;

			memcpy(&w, p, 8);
			if (haszero(w ^ SWAR('"')) | haszero(w ^ SWAR('\\')))
				break;
			p += 8;
		}
		while (p < end && !str_stop[(unsigned char)*p])
			p++;
		if (p >= end)
			return -1;
#ifdef __SSE2__
stop:
#endif
		if (*p == '"') {
			if (str) {
				*str = start;
				*len = (size_t)(p - start);
			}
			if (esc)
				*esc = e;
			s->p = p + 1;
			return 0;
		}
		if (end - p < 2)
			return -1;
		switch (p[1]) {
		case '"': case '\\': case '/': case 'b': case 'f':
		case 'n': case 'r': case 't':
			p += 2;
			break;
		case 'u':
			if (end - p < 6 || hexval(p[2]) < 0 ||
			    hexval(p[3]) < 0 || hexval(p[4]) < 0 ||
			    hexval(p[5]) < 0)
				return -1;
			p += 6;
			break;
		default:
			return -1;
		}
		e = 1;
	}
}

/* A number by JSON's grammar, kept well inside jansson's limits. */
static int
skip_number(struct scan *s)
{
	const char *start = s->p;
	int digits = 0;

	if (s->p < s->end && *s->p == '-')
		s->p++;
	if (s->p >= s->end)
		return -1;
	if (*s->p == '0')
		s->p++, digits = 1;
	else if (*s->p >= '1' && *s->p <= '9')
		while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
			s->p++, digits++;
	else
		return -1;
	if (s->p < s->end && *s->p == '.') {
		s->p++;
		if (s->p >= s->end || *s->p < '0' || *s->p > '9')
			return -1;
		while (s->p < s->end && *s->p >= '0' && *s->p <= '9')
			s->p++;
	}
	if (s->p < s->end && (*s->p == 'e' || *s->p == 'E'))
		return -1;	/* exponents: let jansson judge overflow */
	if (digits > FAST_INT_DIGITS || s->p - start > 40)
		return -1;
	return 0;
}

/* An unsigned integer value (no sign, fraction or exponent) <= max. */
static int
scan_uint(struct scan *s, uint64_t max, uint64_t *out)
{
	const char *p, *end, *lim;
	uint64_t v = 0;

	ws(s);
	p = s->p;
	end = s->end;
	if (p >= end || *p < '0' || *p > '9')
		return -1;
	if (*p == '0' && p + 1 < end && p[1] >= '0' && p[1] <= '9')
		return -1;
	lim = end - p > FAST_INT_DIGITS ? p + FAST_INT_DIGITS : end;
	while (p < lim && (unsigned)(*p - '0') <= 9)
		v = v * 10 + (uint64_t)(*p++ - '0');
	if (p < end && ((unsigned)(*p - '0') <= 9 || *p == '.' ||
	    *p == 'e' || *p == 'E'))
		return -1;
	if (v > max)
		return -1;
	s->p = p;
	*out = v;
	return 0;
}

static int skip_value(struct scan *, int depth);

static int
skip_container(struct scan *s, int depth, char close, int keys)
{
	s->p++;
	if (depth > FAST_DEPTH_MAX)
		return -1;
	ws(s);
	if (s->p < s->end && *s->p == close) {
		s->p++;
		return 0;
	}
	for (;;) {
		if (keys) {
			ws(s);
			if (scan_str(s, NULL, NULL, NULL) < 0 || expect(s, ':') < 0)
				return -1;
		}
		if (skip_value(s, depth + 1) < 0)
			return -1;
		if (s->p < s->end && *s->p == ',') {
			s->p++;
			continue;
		}
		ws(s);
		if (s->p >= s->end)
			return -1;
		if (*s->p == ',') {
			s->p++;
			continue;
		}
		if (*s->p == close) {
			s->p++;
			return 0;
		}
		return -1;
	}
}

static int
skip_literal(struct scan *s, const char *lit, size_t n)
{
	if ((size_t)(s->end - s->p) < n || memcmp(s->p, lit, n) != 0)
		return -1;
	s->p += n;
	return 0;
}

static int
skip_value(struct scan *s, int depth)
{
	ws(s);
	if (s->p >= s->end)
		return -1;
	switch (*s->p) {
	case '"':
		return scan_str(s, NULL, NULL, NULL);
	case '{':
		return skip_container(s, depth, '}', 1);
	case '[':
		return skip_container(s, depth, ']', 0);
	case 't':
		return skip_literal(s, "true", 4);
	case 'f':
		return skip_literal(s, "false", 5);
	case 'n':
		return skip_literal(s, "null", 4);
	default:
		return skip_number(s);
	}
}

/*
 * A needed short string (timestamp, address, proto, event_type): its
 * text, decoded into buf (TEXT_MAX bytes) when it has escapes; -1 when
 * it is not a string or does not fit (jansson then judges).
 */
#define TEXT_MAX	64
static int
text_value(struct scan *s, char *buf, const char **str, size_t *len)
{
	int esc, cut;

	ws(s);
	if (scan_str(s, str, len, &esc) < 0)
		return -1;
	if (esc) {
		*len = eve_unescape(*str, *len, buf, TEXT_MAX, &cut);
		*str = buf;
		if (cut)
			return -1;
	}
	/* A NUL would end the text early for the C string parsers. */
	return memchr(*str, '\0', *len) != NULL ? -1 : 0;
}

/*
 * A member's key, escapes decoded into buf (KEY_MAX bytes): a key too
 * long for buf is longer than any the parser looks for.
 */
#define KEY_MAX		32
static inline __attribute__((always_inline)) int
scan_key(struct scan *s, char *buf, const char **k, size_t *kl)
{
	int esc, cut;

	ws(s);
	if (scan_str(s, k, kl, &esc) < 0)
		return -1;
	if (s->p < s->end && *s->p == ':')
		s->p++;
	else if (expect(s, ':') < 0)
		return -1;
	if (esc) {
		size_t n = eve_unescape(*k, *kl, buf, KEY_MAX, &cut);

		if (!cut) {
			*k = buf;
			*kl = n;
		}
	}
	return 0;
}

/*
 * An address: a dotted quad as inet_pton reads one (four octets of 1-3
 * digits, no leading zero, at most 255) without addr_parse_n()'s copy
 * and library call; anything else is addr_parse_n()'s to judge.
 */
static int
parse_addr(const char *s, size_t n, struct addr *a)
{
	uint8_t b[4];
	size_t i = 0;
	int k;

	for (k = 0; k < 4; k++) {
		unsigned v = 0, d = 0;

		if (k > 0 && (i >= n || s[i++] != '.'))
			return addr_parse_n(s, n, a);
		while (i < n && (unsigned)(s[i] - '0') <= 9 && d < 3)
			v = v * 10 + (unsigned)(s[i++] - '0'), d++;
		if (d == 0 || v > 255 || (d > 1 && s[i - d] == '0'))
			return addr_parse_n(s, n, a);
		b[k] = (uint8_t)v;
	}
	if (i != n)
		return addr_parse_n(s, n, a);
	addr_from_v4(a, b);
	return 0;
}

#define KEYIS(k, kl, lit) \
	((kl) == sizeof(lit) - 1 && memcmp((k), (lit), sizeof(lit) - 1) == 0)

/*
 * Walks an object whose members are all handled by cb (which returns 1
 * when it consumed the value, 0 to have it skipped, -1 to fall back).
 */
static int
walk_object(struct scan *s, int depth,
    int (*cb)(struct scan *, const char *, size_t, void *), void *arg)
{
	const char *k;
	size_t kl;
	char kb[KEY_MAX];
	int rc;

	if (expect(s, '{') < 0)
		return -1;
	ws(s);
	if (s->p < s->end && *s->p == '}') {
		s->p++;
		return 0;
	}
	for (;;) {
		if (scan_key(s, kb, &k, &kl) < 0)
			return -1;
		rc = cb(s, k, kl, arg);
		if (rc < 0)
			return -1;
		if (rc == 0 && skip_value(s, depth + 1) < 0)
			return -1;
		if (s->p < s->end && *s->p == ',') {
			s->p++;
			continue;
		}
		ws(s);
		if (s->p >= s->end)
			return -1;
		if (*s->p == ',') {
			s->p++;
			continue;
		}
		if (*s->p == '}') {
			s->p++;
			return 0;
		}
		return -1;
	}
}

/* Seen-key bits, for duplicate detection. */
enum {
	K_TS = 1 << 0, K_ET = 1 << 1, K_SRC = 1 << 2, K_DST = 1 << 3,
	K_SPORT = 1 << 4, K_DPORT = 1 << 5, K_ITYPE = 1 << 6,
	K_ICODE = 1 << 7, K_PROTO = 1 << 8, K_FLOWID = 1 << 9,
	K_APP = 1 << 10, K_IFACE = 1 << 11, K_HOST = 1 << 12,
	K_ALERT = 1 << 13, K_FLOW = 1 << 14, K_PAYLOAD = 1 << 15,
	K_PACKET = 1 << 16, K_PINFO = 1 << 17, K_HTTP = 1 << 18,
	/* inside alert / flow / packet_info */
	A_ACTION = 1 << 0, A_GID = 1 << 1, A_SID = 1 << 2, A_REV = 1 << 3,
	A_SIG = 1 << 4, A_CAT = 1 << 5, A_SEV = 1 << 6,
	F_PTS = 1 << 0, F_PTC = 1 << 1, F_BTS = 1 << 2, F_BTC = 1 << 3,
	P_LINK = 1 << 0,
	H_HOST = 1 << 0, H_URL = 1 << 1, H_METHOD = 1 << 2,
};

struct fast {
	struct alert	*al;
	uint32_t	 seen, aseen, fseen, pseen, hseen;
	int		 non_alert;
	uint64_t	 itype, icode, linktype;
	const char	*pkt;
	size_t		 pkt_len;
	int		 pkt_esc;
};

static int
mark(uint32_t *seen, uint32_t bit)
{
	if (*seen & bit)
		return -1;
	*seen |= bit;
	return 0;
}

/* A string into a field of size bytes, escapes decoded (eve_text.c). */
static int
str_field(struct scan *s, char *dst, size_t size)
{
	char buf[ALERT_SIG_MAX + 4];
	const char *v;
	size_t vl;
	int esc, cut;

	ws(s);
	if (scan_str(s, &v, &vl, &esc) < 0)
		return -1;
	if (esc) {
		/* What eve_copy_str() may look at to fill size bytes:
		 * a character starting before size - 1 ends by size + 2. */
		vl = eve_unescape(v, vl, buf, size + 3, &cut);
		v = buf;
	}
	eve_copy_str(dst, size, v, vl);
	return 1;
}

static int
u32_field(struct scan *s, uint64_t max, uint32_t *dst)
{
	uint64_t v;

	if (scan_uint(s, max, &v) < 0)
		return -1;
	*dst = (uint32_t)v;
	return 1;
}

static int
alert_cb(struct scan *s, const char *k, size_t kl, void *arg)
{
	struct fast *f = arg;
	struct alert *al = f->al;
	uint32_t sev;

	/* On the length first: one compare for most keys. */
	switch (kl) {
	case 3:
		if (KEYIS(k, kl, "gid"))
			return mark(&f->aseen, A_GID) < 0 ? -1 :
			    u32_field(s, UINT32_MAX, &al->gid);
		if (KEYIS(k, kl, "rev"))
			return mark(&f->aseen, A_REV) < 0 ? -1 :
			    u32_field(s, UINT32_MAX, &al->rev);
		break;
	case 6:
		if (KEYIS(k, kl, "action"))
			return mark(&f->aseen, A_ACTION) < 0 ? -1 :
			    str_field(s, al->action, sizeof(al->action));
		break;
	case 8:
		if (KEYIS(k, kl, "severity")) {
			if (mark(&f->aseen, A_SEV) < 0 ||
			    u32_field(s, 255, &sev) < 0)
				return -1;
			al->severity = (int)sev;
			return 1;
		}
		if (KEYIS(k, kl, "category"))
			return mark(&f->aseen, A_CAT) < 0 ? -1 :
			    str_field(s, al->category, sizeof(al->category));
		break;
	case 9:
		if (KEYIS(k, kl, "signature"))
			return mark(&f->aseen, A_SIG) < 0 ? -1 :
			    str_field(s, al->signature, sizeof(al->signature));
		break;
	case 12:
		if (KEYIS(k, kl, "signature_id"))
			return mark(&f->aseen, A_SID) < 0 ? -1 :
			    u32_field(s, UINT32_MAX, &al->sid);
		break;
	}
	return 0;
}

static int
flow_cb(struct scan *s, const char *k, size_t kl, void *arg)
{
	struct fast *f = arg;
	struct alert *al = f->al;

	if (kl < 13 || (k[0] != 'p' && k[0] != 'b'))
		return 0;
	if (KEYIS(k, kl, "pkts_toserver"))
		return mark(&f->fseen, F_PTS) < 0 ? -1 :
		    u32_field(s, UINT32_MAX, &al->pkts_toserver);
	if (KEYIS(k, kl, "pkts_toclient"))
		return mark(&f->fseen, F_PTC) < 0 ? -1 :
		    u32_field(s, UINT32_MAX, &al->pkts_toclient);
	if (KEYIS(k, kl, "bytes_toserver"))
		return mark(&f->fseen, F_BTS) < 0 ? -1 :
		    scan_uint(s, INT64_MAX, &al->bytes_toserver) < 0 ? -1 : 1;
	if (KEYIS(k, kl, "bytes_toclient"))
		return mark(&f->fseen, F_BTC) < 0 ? -1 :
		    scan_uint(s, INT64_MAX, &al->bytes_toclient) < 0 ? -1 : 1;
	return 0;
}

static int
pinfo_cb(struct scan *s, const char *k, size_t kl, void *arg)
{
	struct fast *f = arg;

	if (KEYIS(k, kl, "linktype"))
		return mark(&f->pseen, P_LINK) < 0 ? -1 :
		    scan_uint(s, INT32_MAX, &f->linktype) < 0 ? -1 : 1;
	return 0;
}

static int
http_cb(struct scan *s, const char *k, size_t kl, void *arg)
{
	struct fast *f = arg;
	struct alert *al = f->al;

	if (KEYIS(k, kl, "hostname"))
		return mark(&f->hseen, H_HOST) < 0 ? -1 :
		    str_field(s, al->http_host, sizeof(al->http_host));
	if (KEYIS(k, kl, "url"))
		return mark(&f->hseen, H_URL) < 0 ? -1 :
		    str_field(s, al->http_url, sizeof(al->http_url));
	if (KEYIS(k, kl, "http_method"))
		return mark(&f->hseen, H_METHOD) < 0 ? -1 :
		    str_field(s, al->http_method, sizeof(al->http_method));
	return 0;
}

static int
top_cb(struct scan *s, const char *k, size_t kl, void *arg)
{
	struct fast *f = arg;
	struct alert *al = f->al;
	const char *v;
	size_t vl;
	uint64_t u;
	char tb[TEXT_MAX];

	switch (kl) {
	case 4:
		if (KEYIS(k, kl, "flow")) {
			if (mark(&f->seen, K_FLOW) < 0)
				return -1;
			return walk_object(s, 1, flow_cb, f) < 0 ? -1 : 1;
		}
		if (KEYIS(k, kl, "host"))
			return mark(&f->seen, K_HOST) < 0 ? -1 :
			    str_field(s, al->sensor, sizeof(al->sensor));
		if (KEYIS(k, kl, "http")) {
			if (mark(&f->seen, K_HTTP) < 0)
				return -1;
			return walk_object(s, 1, http_cb, f) < 0 ? -1 : 1;
		}
		break;
	case 5:
		if (KEYIS(k, kl, "alert")) {
			if (mark(&f->seen, K_ALERT) < 0)
				return -1;
			return walk_object(s, 1, alert_cb, f) < 0 ? -1 : 1;
		}
		if (KEYIS(k, kl, "proto")) {
			char pb[16];

			if (mark(&f->seen, K_PROTO) < 0 ||
			    text_value(s, tb, &v, &vl) < 0 || vl >= sizeof(pb))
				return -1;
			memcpy(pb, v, vl);
			pb[vl] = '\0';
			return alert_proto_parse(pb, &al->proto) < 0 ? -1 : 1;
		}
		break;
	case 6:
		if (KEYIS(k, kl, "src_ip")) {
			if (mark(&f->seen, K_SRC) < 0 ||
			    text_value(s, tb, &v, &vl) < 0)
				return -1;
			return parse_addr(v, vl, &al->src) < 0 ? -1 : 1;
		}
		if (KEYIS(k, kl, "packet")) {
			if (mark(&f->seen, K_PACKET) < 0)
				return -1;
			ws(s);
			return scan_str(s, &f->pkt, &f->pkt_len,
			    &f->pkt_esc) < 0 ? -1 : 1;
		}
		break;
	case 7:
		if (KEYIS(k, kl, "dest_ip")) {
			if (mark(&f->seen, K_DST) < 0 ||
			    text_value(s, tb, &v, &vl) < 0)
				return -1;
			return parse_addr(v, vl, &al->dst) < 0 ? -1 : 1;
		}
		if (KEYIS(k, kl, "flow_id"))
			return mark(&f->seen, K_FLOWID) < 0 ? -1 :
			    scan_uint(s, INT64_MAX, &al->flow_id) < 0 ? -1 : 1;
		if (KEYIS(k, kl, "payload")) {
			ws(s);
			if (mark(&f->seen, K_PAYLOAD) < 0 ||
			    scan_str(s, &v, &vl, NULL) < 0)
				return -1;
			al->has_payload = vl > 0;
			return 1;
		}
		break;
	case 8:
		if (KEYIS(k, kl, "src_port")) {
			if (mark(&f->seen, K_SPORT) < 0 ||
			    scan_uint(s, 65535, &u) < 0)
				return -1;
			al->sport = (uint16_t)u;
			return 1;
		}
		if (KEYIS(k, kl, "in_iface"))
			return mark(&f->seen, K_IFACE) < 0 ? -1 :
			    str_field(s, al->iface, sizeof(al->iface));
		break;
	case 9:
		if (KEYIS(k, kl, "timestamp")) {
			if (mark(&f->seen, K_TS) < 0 ||
			    text_value(s, tb, &v, &vl) < 0)
				return -1;
			return alert_time_parse(v, vl, &al->ts_usec,
			    &al->tz_min) < 0 ? -1 : 1;
		}
		if (KEYIS(k, kl, "dest_port")) {
			if (mark(&f->seen, K_DPORT) < 0 ||
			    scan_uint(s, 65535, &u) < 0)
				return -1;
			al->dport = (uint16_t)u;
			return 1;
		}
		if (KEYIS(k, kl, "app_proto"))
			return mark(&f->seen, K_APP) < 0 ? -1 :
			    str_field(s, al->app_proto, sizeof(al->app_proto));
		if (KEYIS(k, kl, "icmp_type"))
			return mark(&f->seen, K_ITYPE) < 0 ? -1 :
			    scan_uint(s, 255, &f->itype) < 0 ? -1 : 1;
		if (KEYIS(k, kl, "icmp_code"))
			return mark(&f->seen, K_ICODE) < 0 ? -1 :
			    scan_uint(s, 255, &f->icode) < 0 ? -1 : 1;
		break;
	case 10:
		if (KEYIS(k, kl, "event_type")) {
			if (mark(&f->seen, K_ET) < 0 ||
			    text_value(s, tb, &v, &vl) < 0)
				return -1;
			if (!KEYIS(v, vl, "alert"))
				f->non_alert = 1;
			return 1;
		}
		break;
	case 11:
		if (KEYIS(k, kl, "packet_info")) {
			if (mark(&f->seen, K_PINFO) < 0)
				return -1;
			return walk_object(s, 1, pinfo_cb, f) < 0 ? -1 : 1;
		}
		break;
	}
	return 0;
}

/* The object closes on the last non-blank byte of the line. */
static int
ends_with_brace(const char *line, size_t len)
{
	while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t' ||
	    line[len - 1] == '\r' || line[len - 1] == '\n'))
		len--;
	return len > 0 && line[len - 1] == '}';
}

int
eve_parse_fast(const char *line, size_t len, struct alert *al,
    struct alert_scratch *sc)
{
	struct scan s = { line, line + len };
	struct fast f;
	const char *k;
	size_t kl;
	char kb[KEY_MAX];
	int rc;

	memset(al, 0, sizeof(*al));
	al->established = ALERT_EST_UNKNOWN;
	memset(&f, 0, sizeof(f));
	f.al = al;
	if (expect(&s, '{') < 0)
		return EVE_FALLBACK;
	ws(&s);
	if (s.p < s.end && *s.p == '}')
		return EVE_FALLBACK;
	for (;;) {
		if (scan_key(&s, kb, &k, &kl) < 0)
			return EVE_FALLBACK;
		rc = top_cb(&s, k, kl, &f);
		if (rc < 0)
			return EVE_FALLBACK;
		if (f.non_alert)
			return ends_with_brace(line, len) ? 0 : EVE_FALLBACK;
		if (rc == 0 && skip_value(&s, 1) < 0)
			return EVE_FALLBACK;
		if (s.p < s.end && *s.p == ',') {
			s.p++;
			continue;
		}
		ws(&s);
		if (s.p >= s.end)
			return EVE_FALLBACK;
		if (*s.p == ',') {
			s.p++;
			continue;
		}
		if (*s.p == '}') {
			s.p++;
			break;
		}
		return EVE_FALLBACK;
	}
	ws(&s);
	if (s.p != s.end)
		return EVE_FALLBACK;
	if ((f.seen & (K_ET | K_TS | K_SRC | K_DST | K_ALERT)) !=
	    (K_ET | K_TS | K_SRC | K_DST | K_ALERT) || !(f.aseen & A_SID))
		return EVE_FALLBACK;
	if (!(f.aseen & A_GID))
		al->gid = 1;
	if (!(f.seen & K_SPORT) && (f.seen & K_ITYPE))
		al->sport = (uint16_t)f.itype;
	if (!(f.seen & K_DPORT) && (f.seen & K_ICODE))
		al->dport = (uint16_t)f.icode;
	if (f.pkt && f.pkt_esc) {
		/* "\/" and the like, from writers that escape them. */
		int cut;

		if (sc->txt_cap < f.pkt_len + 1) {
			free(sc->txt);
			sc->txt_cap = f.pkt_len + 1 < 2048 ? 2048 : f.pkt_len + 1;
			sc->txt = xmalloc(sc->txt_cap);
		}
		f.pkt_len = eve_unescape(f.pkt, f.pkt_len, sc->txt, f.pkt_len,
		    &cut);
		f.pkt = sc->txt;
	}
	if (f.pkt && eve_b64_decode(f.pkt, f.pkt_len, sc,
	    &al->packet_len) == 0 && al->packet_len) {
		al->packet = sc->pkt;
		al->linktype = (int)f.linktype;
	} else
		al->packet_len = 0;
	al->established = eve_established(al, (f.seen & K_FLOW) != 0);
	return 1;
}
