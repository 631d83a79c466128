/* SPDX-License-Identifier: MIT */
/*
 * u2write: writes unified2 files for tests from a tiny text spec on stdin,
 * one record a line ('#' comments):
 *
 *   event4 src=A dst=A sport=N dport=N proto=N gid=N sid=N rev=N class=N
 *          prio=N ts=SEC[.USEC] id=N [sensor=N] [blocked=1] [v1]
 *   event6 (same keys, IPv6 addresses; v1 = legacy type 72)
 *   event3 (same keys, Snort 3 type 114; v4 or v6 addresses) [app=NAME]
 *   packet id=N src=A dst=A sport=N dport=N [proto=6|17] [flags=SA]
 *          [payload=TEXT] [ts=..] [linktype=1|101]
 *   extra id=N [type=9] [data=TEXT]
 *   unknown type=N len=N
 *   garbage [huge]     an impossible event record (short, or 2 GiB)
 *   truncate N         drop the last N bytes written so far
 *
 * Usage: u2write [-a] -o FILE < spec, or u2write -n RECORDS -o FILE for a
 * benchmark file of RECORDS/2 events, each followed by its packet.
 * tests/unit/test_unified2.c includes this file with U2WRITE_NO_MAIN to
 * build its records with the same code.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define U2W_FN	static __attribute__((unused))

struct u2buf {
	uint8_t	*p;
	size_t	 len, cap;
};

U2W_FN void
u2b_grow(struct u2buf *b, size_t n)
{
	if (b->len + n <= b->cap)
		return;
	while (b->len + n > b->cap)
		b->cap = b->cap ? b->cap * 2 : 4096;
	b->p = realloc(b->p, b->cap);
	if (b->p == NULL) {
		perror("u2write");
		exit(1);
	}
}

U2W_FN void
u2b_put(struct u2buf *b, const void *d, size_t n)
{
	u2b_grow(b, n);
	memcpy(b->p + b->len, d, n);
	b->len += n;
}

U2W_FN void
u2b_u32(struct u2buf *b, uint32_t v)
{
	uint8_t x[4] = { v >> 24, v >> 16, v >> 8, v };

	u2b_put(b, x, 4);
}

U2W_FN void
u2b_u16(struct u2buf *b, uint16_t v)
{
	uint8_t x[2] = { v >> 8, v };

	u2b_put(b, x, 2);
}

U2W_FN void
u2b_u8(struct u2buf *b, uint8_t v)
{
	u2b_put(b, &v, 1);
}

U2W_FN void
u2b_zero(struct u2buf *b, size_t n)
{
	u2b_grow(b, n);
	memset(b->p + b->len, 0, n);
	b->len += n;
}

/* Everything a spec line can say. */
struct u2w_rec {
	char		 src[64], dst[64], payload[2048], data[2048], app[64];
	char		 flags[16];
	uint32_t	 sport, dport, proto, gid, sid, rev, cls, prio;
	uint32_t	 sec, usec, id, sensor, blocked, v1, type, len;
	uint32_t	 linktype, huge;
};

/* key=value words; returns NULL or what is wrong. */
U2W_FN const char *
u2w_parse(char *s, struct u2w_rec *r)
{
	char *w, *v, *save = NULL;

	memset(r, 0, sizeof(*r));
	r->gid = 1;
	r->rev = 1;
	r->proto = 6;
	r->prio = 2;
	r->linktype = 1;
	r->sec = 1700000000;
	r->id = 1;
	snprintf(r->src, sizeof(r->src), "192.0.2.1");
	snprintf(r->dst, sizeof(r->dst), "198.51.100.2");
	snprintf(r->flags, sizeof(r->flags), "A");
	for (w = strtok_r(s, " \t", &save); w; w = strtok_r(NULL, " \t",
	    &save)) {
		unsigned long x;

		if ((v = strchr(w, '=')) == NULL) {
			if (strcmp(w, "v1") == 0)
				r->v1 = 1;
			else if (strcmp(w, "huge") == 0)
				r->huge = 1;
			else
				return "expected key=value";
			continue;
		}
		*v++ = '\0';
#define STR(k, f) if (strcmp(w, k) == 0) { \
	snprintf(r->f, sizeof(r->f), "%s", v); continue; }
		STR("src", src) STR("dst", dst) STR("payload", payload)
		STR("data", data) STR("flags", flags) STR("app", app)
#undef STR
		if (strcmp(w, "ts") == 0) {
			char *dot = strchr(v, '.');

			r->sec = (uint32_t)strtoul(v, NULL, 10);
			if (dot) {
				char us[7] = "000000";
				size_t n = strlen(dot + 1);

				memcpy(us, dot + 1, n > 6 ? 6 : n);
				r->usec = (uint32_t)strtoul(us, NULL, 10);
			}
			continue;
		}
		x = strtoul(v, NULL, 10);
#define NUM(k, f) if (strcmp(w, k) == 0) { r->f = (uint32_t)x; continue; }
		NUM("sport", sport) NUM("dport", dport) NUM("proto", proto)
		NUM("gid", gid) NUM("sid", sid) NUM("rev", rev)
		NUM("class", cls) NUM("prio", prio) NUM("id", id)
		NUM("sensor", sensor) NUM("blocked", blocked)
		NUM("type", type) NUM("len", len) NUM("linktype", linktype)
#undef NUM
		return "unknown key";
	}
	return NULL;
}

/* An address in 16-byte form; *v6 says which family it was. */
U2W_FN int
u2w_addr(const char *s, uint8_t a[16], int *v6)
{
	memset(a, 0, 16);
	if (inet_pton(AF_INET, s, a + 12) == 1) {
		a[10] = a[11] = 0xff;
		*v6 = 0;
		return 0;
	}
	*v6 = 1;
	return inet_pton(AF_INET6, s, a) == 1 ? 0 : -1;
}

/* kind: 4, 6 or 3 (Snort 3). */
U2W_FN const char *
u2w_event(struct u2buf *b, const struct u2w_rec *r, int kind)
{
	uint8_t s[16], d[16];
	int s6, d6;
	uint32_t type, len;

	if (u2w_addr(r->src, s, &s6) < 0 || u2w_addr(r->dst, d, &d6) < 0)
		return "bad address";
	if (kind == 3) {
		char app[64] = { 0 };

		u2b_u32(b, 114);
		u2b_u32(b, 160);
		u2b_u32(b, r->sensor);
		u2b_u32(b, r->id);
		u2b_u32(b, r->sec);
		u2b_u32(b, r->usec);
		u2b_u32(b, r->gid);
		u2b_u32(b, r->sid);
		u2b_u32(b, r->rev);
		u2b_u32(b, r->cls);
		u2b_u32(b, r->prio);
		u2b_zero(b, 12);
		u2b_put(b, s, 16);
		u2b_put(b, d, 16);
		u2b_u32(b, 0);
		u2b_u16(b, (uint16_t)r->sport);
		u2b_u16(b, (uint16_t)r->dport);
		u2b_u16(b, 0);
		u2b_u16(b, 0);
		u2b_u8(b, (uint8_t)((s6 ? 0x60 : 0x40) | (d6 ? 6 : 4)));
		u2b_u8(b, (uint8_t)r->proto);
		u2b_u8(b, 0);
		u2b_u8(b, r->blocked ? 1 : 0);
		snprintf(app, sizeof(app), "%s", r->app);
		u2b_put(b, app, 64);
		return NULL;
	}
	if (kind == 4) {
		type = r->v1 ? 7 : 104;
		len = r->v1 ? 52 : 60;
	} else {
		type = r->v1 ? 72 : 105;
		len = r->v1 ? 76 : 84;
	}
	u2b_u32(b, type);
	u2b_u32(b, len);
	u2b_u32(b, r->sensor);
	u2b_u32(b, r->id);
	u2b_u32(b, r->sec);
	u2b_u32(b, r->usec);
	u2b_u32(b, r->sid);
	u2b_u32(b, r->gid);
	u2b_u32(b, r->rev);
	u2b_u32(b, r->cls);
	u2b_u32(b, r->prio);
	if (kind == 4) {
		u2b_put(b, s + 12, 4);
		u2b_put(b, d + 12, 4);
	} else {
		u2b_put(b, s, 16);
		u2b_put(b, d, 16);
	}
	u2b_u16(b, (uint16_t)r->sport);
	u2b_u16(b, (uint16_t)r->dport);
	u2b_u8(b, (uint8_t)r->proto);
	u2b_u8(b, 0);
	u2b_u8(b, 0);
	u2b_u8(b, (uint8_t)r->blocked);
	if (!r->v1)
		u2b_zero(b, 8);		/* mpls, vlan, pad */
	return NULL;
}

static uint8_t
u2w_flags(const char *f)
{
	uint8_t v = 0;

	for (; *f; f++)
		switch (*f) {
		case 'F': v |= 0x01; break;
		case 'S': v |= 0x02; break;
		case 'R': v |= 0x04; break;
		case 'P': v |= 0x08; break;
		case 'A': v |= 0x10; break;
		case 'U': v |= 0x20; break;
		}
	return v;
}

/* A packet record: Ethernet (or raw) + IPv4/IPv6 + TCP/UDP + payload. */
U2W_FN const char *
u2w_packet(struct u2buf *b, const struct u2w_rec *r)
{
	uint8_t s[16], d[16], pk[4096];
	size_t n = 0, pl = strlen(r->payload), l4 = r->proto == 17 ? 8 : 20;
	int s6, d6;

	if (u2w_addr(r->src, s, &s6) < 0 || u2w_addr(r->dst, d, &d6) < 0 ||
	    s6 != d6)
		return "bad address";
	memset(pk, 0, sizeof(pk));
	if (r->linktype == 1) {
		memcpy(pk, "\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb",
		    12);
		pk[12] = s6 ? 0x86 : 0x08;
		pk[13] = s6 ? 0xdd : 0x00;
		n = 14;
	}
	if (!s6) {
		size_t tot = 20 + l4 + pl;

		pk[n] = 0x45;
		pk[n + 2] = (uint8_t)(tot >> 8);
		pk[n + 3] = (uint8_t)tot;
		pk[n + 8] = 64;
		pk[n + 9] = (uint8_t)r->proto;
		memcpy(pk + n + 12, s + 12, 4);
		memcpy(pk + n + 16, d + 12, 4);
		n += 20;
	} else {
		size_t plen = l4 + pl;

		pk[n] = 0x60;
		pk[n + 4] = (uint8_t)(plen >> 8);
		pk[n + 5] = (uint8_t)plen;
		pk[n + 6] = (uint8_t)r->proto;
		pk[n + 7] = 64;
		memcpy(pk + n + 8, s, 16);
		memcpy(pk + n + 24, d, 16);
		n += 40;
	}
	pk[n] = (uint8_t)(r->sport >> 8);
	pk[n + 1] = (uint8_t)r->sport;
	pk[n + 2] = (uint8_t)(r->dport >> 8);
	pk[n + 3] = (uint8_t)r->dport;
	if (r->proto == 17) {
		pk[n + 4] = (uint8_t)((8 + pl) >> 8);
		pk[n + 5] = (uint8_t)(8 + pl);
	} else {
		pk[n + 12] = 0x50;
		pk[n + 13] = u2w_flags(r->flags);
	}
	n += l4;
	memcpy(pk + n, r->payload, pl);
	n += pl;
	u2b_u32(b, 2);
	u2b_u32(b, (uint32_t)(28 + n));
	u2b_u32(b, r->sensor);
	u2b_u32(b, r->id);
	u2b_u32(b, r->sec);
	u2b_u32(b, r->sec);
	u2b_u32(b, r->usec);
	u2b_u32(b, r->linktype);
	u2b_u32(b, (uint32_t)n);
	u2b_put(b, pk, n);
	return NULL;
}

U2W_FN void
u2w_extra(struct u2buf *b, const struct u2w_rec *r)
{
	size_t dl = strlen(r->data);

	u2b_u32(b, 110);
	u2b_u32(b, (uint32_t)(32 + dl));
	u2b_u32(b, 4);				/* EVENT_TYPE_EXTRA_DATA */
	u2b_u32(b, (uint32_t)(32 + dl));
	u2b_u32(b, r->sensor);
	u2b_u32(b, r->id);
	u2b_u32(b, r->sec);
	u2b_u32(b, r->type ? r->type : 9);	/* HTTP URI */
	u2b_u32(b, 1);				/* blob */
	u2b_u32(b, (uint32_t)(8 + dl));
	u2b_put(b, r->data, dl);
}

/* One spec line; NULL ok, or what is wrong. */
U2W_FN const char *
u2w_line(struct u2buf *b, const char *line)
{
	char buf[8192], *cmd, *rest;
	struct u2w_rec r;
	const char *why;

	snprintf(buf, sizeof(buf), "%s", line);
	buf[strcspn(buf, "\r\n#")] = '\0';
	cmd = buf + strspn(buf, " \t");
	if (*cmd == '\0')
		return NULL;
	rest = cmd + strcspn(cmd, " \t");
	if (*rest)
		*rest++ = '\0';
	if (strcmp(cmd, "truncate") == 0) {
		size_t n = strtoul(rest, NULL, 10);

		b->len = n > b->len ? 0 : b->len - n;
		return NULL;
	}
	if ((why = u2w_parse(rest, &r)) != NULL)
		return why;
	if (strcmp(cmd, "event4") == 0)
		return u2w_event(b, &r, 4);
	if (strcmp(cmd, "event6") == 0)
		return u2w_event(b, &r, 6);
	if (strcmp(cmd, "event3") == 0)
		return u2w_event(b, &r, 3);
	if (strcmp(cmd, "packet") == 0)
		return u2w_packet(b, &r);
	if (strcmp(cmd, "extra") == 0) {
		u2w_extra(b, &r);
		return NULL;
	}
	if (strcmp(cmd, "unknown") == 0) {
		u2b_u32(b, r.type ? r.type : 999);
		u2b_u32(b, r.len);
		u2b_zero(b, r.len);
		return NULL;
	}
	if (strcmp(cmd, "garbage") == 0) {
		u2b_u32(b, 104);
		if (r.huge) {
			u2b_u32(b, 0x80000000u);
		} else {
			u2b_u32(b, 10);
			u2b_put(b, "GARBAGE!!!", 10);
		}
		return NULL;
	}
	return "unknown command";
}

#ifndef U2WRITE_NO_MAIN
static int
bench(FILE *out, unsigned long records)
{
	struct u2buf b = { 0 };
	struct u2w_rec r;
	unsigned long i;
	char spec[] = "";

	u2w_parse(spec, &r);
	snprintf(r.payload, sizeof(r.payload), "GET /index.php?id=1%%27 "
	    "HTTP/1.1\r\nHost: www.example.com\r\n\r\n");
	snprintf(r.flags, sizeof(r.flags), "PA");
	for (i = 0; i < records / 2; i++) {
		r.id = (uint32_t)i + 1;
		r.sec = 1700000000 + (uint32_t)(i / 1000);
		r.usec = (uint32_t)(i % 1000) * 1000;
		r.sid = 2000000 + (uint32_t)(i % 50);
		r.cls = 1 + (uint32_t)(i % 30);
		r.sport = 1024 + (uint32_t)(i % 60000);
		r.dport = 80;
		snprintf(r.src, sizeof(r.src), "203.0.%lu.%lu",
		    (i / 250) % 250, i % 250 + 1);
		snprintf(r.dst, sizeof(r.dst), "10.0.0.%lu", i % 200 + 1);
		u2w_event(&b, &r, 4);
		u2w_packet(&b, &r);
		if (b.len > (1u << 20)) {
			if (fwrite(b.p, 1, b.len, out) != b.len)
				return -1;
			b.len = 0;
		}
	}
	if (fwrite(b.p, 1, b.len, out) != b.len)
		return -1;
	free(b.p);
	return 0;
}

int
main(int argc, char **argv)
{
	struct u2buf b = { 0 };
	const char *outp = NULL, *mode = "w";
	unsigned long nbench = 0;
	char *line = NULL;
	size_t cap = 0;
	int ch, lineno = 0;
	FILE *out;

	while ((ch = getopt(argc, argv, "ao:n:")) != -1) {
		switch (ch) {
		case 'a':
			mode = "a";
			break;
		case 'o':
			outp = optarg;
			break;
		case 'n':
			nbench = strtoul(optarg, NULL, 10);
			break;
		default:
			fprintf(stderr, "usage: u2write [-a] [-n RECORDS] "
			    "-o FILE < spec\n");
			return 2;
		}
	}
	if (outp == NULL) {
		fprintf(stderr, "usage: u2write [-a] [-n RECORDS] -o FILE "
		    "< spec\n");
		return 2;
	}
	if ((out = fopen(outp, mode)) == NULL) {
		fprintf(stderr, "u2write: %s: %s\n", outp, strerror(errno));
		return 1;
	}
	if (nbench) {
		if (bench(out, nbench) < 0 || fclose(out) != 0) {
			fprintf(stderr, "u2write: %s: write failed\n", outp);
			return 1;
		}
		return 0;
	}
	while (getline(&line, &cap, stdin) >= 0) {
		const char *why;

		lineno++;
		if ((why = u2w_line(&b, line)) != NULL) {
			fprintf(stderr, "u2write: stdin:%d: %s\n", lineno, why);
			return 1;
		}
	}
	free(line);
	if (fwrite(b.p, 1, b.len, out) != b.len || fclose(out) != 0) {
		fprintf(stderr, "u2write: %s: write failed\n", outp);
		return 1;
	}
	free(b.p);
	return 0;
}
#endif
