/* SPDX-License-Identifier: MIT */
/*
 * Reverse DNS for the resolver: a PTR query built by hand and sent over UDP
 * to resolver.dns_server (or the first nameserver of /etc/resolv.conf),
 * with a timeout, then a forward A/AAAA query of the name to confirm it
 * points back at the address. Answers are hostile: names are checked
 * label by label and compression loops are bounded.
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "resolver.h"
#include "xmalloc.h"

#define DNS_T_A		1
#define DNS_T_PTR	12
#define DNS_T_TXT	16
#define DNS_T_AAAA	28
#define DNS_MAX		4096

static int
server_addr(const struct resolver_conf *rc, struct sockaddr_storage *ss,
    socklen_t *sl, struct err *e)
{
	char		 host[128] = "", *colon;
	const char	*spec = rc->dns_server;
	long		 port = 53;
	struct sockaddr_in	*s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*s6 = (struct sockaddr_in6 *)ss;

	if (spec == NULL || spec[0] == '\0') {
		FILE	*f = fopen("/etc/resolv.conf", "r");
		char	 line[256];

		while (f != NULL && fgets(line, sizeof(line), f) != NULL)
			if (sscanf(line, "nameserver %127s", host) == 1)
				break;
		if (f != NULL)
			fclose(f);
		if (host[0] == '\0')
			strlcpy_r(host, "127.0.0.1", sizeof(host));
	} else if (spec[0] == '[') {
		strlcpy_r(host, spec + 1, sizeof(host));
		if ((colon = strchr(host, ']')) == NULL)
			return err_set(e, "dns_server \"%s\": missing ]", spec);
		*colon = '\0';
		if (colon[1] == ':')
			port = strtol(colon + 2, NULL, 10);
	} else {
		strlcpy_r(host, spec, sizeof(host));
		colon = strchr(host, ':');
		if (colon != NULL && strchr(colon + 1, ':') == NULL) {
			*colon = '\0';
			port = strtol(colon + 1, NULL, 10);
		}
	}
	if (port < 1 || port > 65535)
		return err_set(e, "dns_server \"%s\": bad port", spec);
	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		*sl = sizeof(*s4);
	} else if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		*sl = sizeof(*s6);
	} else
		return err_set(e, "DNS server \"%s\" is not an address", host);
	return 0;
}

static size_t
put_name(uint8_t *p, size_t max, const char *name)
{
	size_t		 o = 0;
	const char	*s = name, *dot;

	while (*s) {
		size_t l;

		dot = strchr(s, '.');
		l = dot ? (size_t)(dot - s) : strlen(s);
		if (l == 0 || l > 63 || o + l + 2 > max)
			return 0;
		p[o++] = (uint8_t)l;
		memcpy(p + o, s, l);
		o += l;
		s += l;
		if (*s == '.')
			s++;
	}
	if (o + 1 > max)
		return 0;
	p[o++] = 0;
	return o;
}

/* Reads a (possibly compressed) name at off into out; returns the offset
 * after it in the message, or 0 on a malformed name. */
static size_t
get_name(const uint8_t *m, size_t len, size_t off, char *out, size_t outlen)
{
	size_t	 o = 0, end = 0, jumps = 0;

	for (;;) {
		uint8_t l;

		if (off >= len)
			return 0;
		l = m[off];
		if ((l & 0xc0) == 0xc0) {
			if (off + 1 >= len || ++jumps > 16)
				return 0;
			if (end == 0)
				end = off + 2;
			off = (size_t)((l & 0x3f) << 8 | m[off + 1]);
			continue;
		}
		if (l & 0xc0)
			return 0;
		if (l == 0) {
			if (end == 0)
				end = off + 1;
			break;
		}
		if (off + 1 + l > len || o + l + 2 > outlen)
			return 0;
		if (o > 0)
			out[o++] = '.';
		memcpy(out + o, m + off + 1, l);
		o += l;
		off += 1 + (size_t)l;
	}
	out[o] = '\0';
	return end;
}

static int
hostname_ok(const char *s)
{
	size_t i, lab = 0, n = strlen(s);

	if (n == 0 || n > 253)
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (lab == 0)
				return 0;
			lab = 0;
		} else if (isalnum((unsigned char)s[i]) || s[i] == '-' ||
		    s[i] == '_')
			lab++;
		else
			return 0;
	}
	return 1;
}

/*
 * One query; calls back for each answer record of type qtype with its
 * rdata. Returns the number of answers, or -1.
 */
static int
dns_query(struct resolver *r, const char *qname, int qtype,
    int (*cb)(const uint8_t *, size_t, size_t, size_t, void *), void *arg,
    struct err *e)
{
	const struct resolver_conf	*rc = resolver_conf_of(r);
	struct sockaddr_storage		 ss;
	socklen_t			 sl = 0;
	uint8_t				 q[512], m[DNS_MAX];
	size_t				 ql, off, i;
	uint16_t			 id;
	int				 fd, n, an, found = 0;
	struct pollfd			 pfd;
	struct timespec			 ts;

	if (server_addr(rc, &ss, &sl, e) == -1)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	id = (uint16_t)(ts.tv_nsec ^ getpid() ^ (long)qtype);
	memset(q, 0, 12);
	q[0] = (uint8_t)(id >> 8);
	q[1] = (uint8_t)id;
	q[2] = 0x01;	/* RD */
	q[5] = 1;	/* QDCOUNT */
	if ((ql = put_name(q + 12, sizeof(q) - 16, qname)) == 0)
		return err_set(e, "DNS: bad query name %s", qname);
	ql += 12;
	q[ql++] = 0;
	q[ql++] = (uint8_t)qtype;
	q[ql++] = 0;
	q[ql++] = 1;	/* IN */
	resolver_count_query(r);
	fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return err_set(e, "DNS: socket: %s", strerror(errno));
	if (sendto(fd, q, ql, 0, (struct sockaddr *)&ss, sl) != (ssize_t)ql) {
		err_set(e, "DNS: send: %s", strerror(errno));
		close(fd);
		return -1;
	}
	for (;;) {
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, (int)rc->timeout_ms) != 1) {
			close(fd);
			return err_set(e, "DNS: no answer for %s within %lld "
			    "ms", qname, (long long)rc->timeout_ms);
		}
		n = (int)recv(fd, m, sizeof(m), 0);
		if (n >= 12 && m[0] == (uint8_t)(id >> 8) &&
		    m[1] == (uint8_t)id && (m[2] & 0x80))
			break;	/* else a stray datagram: keep waiting */
	}
	close(fd);
	if ((m[3] & 0x0f) == 3)		/* NXDOMAIN */
		return 0;
	if ((m[3] & 0x0f) != 0)
		return err_set(e, "DNS: %s: rcode %d", qname, m[3] & 0x0f);
	an = m[6] << 8 | m[7];
	off = 12;
	for (i = 0; i < (size_t)(m[4] << 8 | m[5]); i++) {
		char tmp[300];

		off = get_name(m, (size_t)n, off, tmp, sizeof(tmp));
		if (off == 0 ||
		    off + 4 > (size_t)n)
			return err_set(e, "DNS: %s: malformed answer", qname);
		off += 4;
	}
	for (i = 0; i < (size_t)an; i++) {
		char	tmp[300];
		size_t	rdlen;
		int	type;

		off = get_name(m, (size_t)n, off, tmp, sizeof(tmp));
		if (off == 0 ||
		    off + 10 > (size_t)n)
			return err_set(e, "DNS: %s: malformed answer", qname);
		type = m[off] << 8 | m[off + 1];
		rdlen = (size_t)(m[off + 8] << 8 | m[off + 9]);
		off += 10;
		if (off + rdlen > (size_t)n)
			return err_set(e, "DNS: %s: truncated record", qname);
		if (type == qtype && cb(m, (size_t)n, off, rdlen, arg) > 0)
			found++;
		off += rdlen;
	}
	return found;
}

struct ptr_arg {
	char	*name;
	size_t	 len;
};

static int
ptr_cb(const uint8_t *m, size_t len, size_t off, size_t rdlen, void *arg)
{
	struct ptr_arg	*p = arg;
	char		 tmp[300];

	if (p->name[0] != '\0')
		return 0;
	if (get_name(m, len, off, tmp, sizeof(tmp)) == 0 || !hostname_ok(tmp))
		return 0;
	strlcpy_r(p->name, tmp, p->len);
	return 1;
}

static int
addr_cb(const uint8_t *m, size_t len, size_t off, size_t rdlen, void *arg)
{
	const struct addr	*a = arg;
	struct addr		 b;

	if (rdlen == 4)
		addr_from_v4(&b, m + off);
	else if (rdlen == 16)
		addr_from_v6(&b, m + off);
	else
		return 0;
	return addr_cmp(&b, a) == 0;
}

/* The reverse name of a: "4.3.2.1.in-addr.arpa" or ip6.arpa nibbles. */
static void
reverse_name(const struct addr *a, const char *zone, char *q, size_t len)
{
	size_t	o = 0;
	int	i;

	if (addr_is_v4(a))
		o = (size_t)snprintf(q, len, "%u.%u.%u.%u.", a->a[15],
		    a->a[14], a->a[13], a->a[12]);
	else
		for (i = 15; i >= 0 && o < len; i--)
			o += (size_t)snprintf(q + o, len - o, "%x.%x.",
			    a->a[i] & 0xf, a->a[i] >> 4);
	if (o < len)
		strlcpy_r(q + o, zone != NULL ? zone : addr_is_v4(a) ?
		    "in-addr.arpa" : "ip6.arpa", len - o);
}

struct txt_arg {
	char	*out;
	size_t	 len, used;
	int	 n;
};

static int
txt_cb(const uint8_t *m, size_t len, size_t off, size_t rdlen, void *arg)
{
	struct txt_arg	*t = arg;
	size_t		 p = off, end = off + rdlen, i;

	(void)len;
	while (p < end) {
		size_t l = m[p++];

		if (p + l > end)
			return 0;
		/* Split on commas and spaces; keep printable ASCII only. */
		for (i = 0; i <= l; i++) {
			int sep = i == l || m[p + i] == ',' || m[p + i] == ' ';

			if (sep) {
				if (t->used > 0 && t->out[t->used - 1] != '\0' &&
				    t->used + 2 < t->len) {
					t->out[t->used++] = '\0';
					t->n++;
				}
				continue;
			}
			if (m[p + i] < 0x21 || m[p + i] > 0x7e ||
			    t->used + 3 >= t->len)
				return 0;
			t->out[t->used++] = (char)m[p + i];
		}
		p += l;
	}
	return 1;
}

int
resolve_dns_txt(struct resolver *r, const struct addr *a, const char *zone,
    char *out, size_t outlen, struct err *e)
{
	char		q[300];
	struct txt_arg	t = { out, outlen, 0, 0 };

	if (outlen < 2)
		return err_set(e, "DNS TXT: no room");
	reverse_name(a, zone, q, sizeof(q));
	memset(out, 0, outlen);
	if (dns_query(r, q, DNS_T_TXT, txt_cb, &t, e) == -1)
		return -1;
	return t.n;
}

int
resolve_dns_ptr(struct resolver *r, const struct addr *a, char *name,
    size_t namelen, int *confirmed, struct err *e)
{
	char		 q[80];
	struct ptr_arg	 pa = { name, namelen };
	int		 rc;

	*confirmed = 0;
	name[0] = '\0';
	reverse_name(a, NULL, q, sizeof(q));
	if ((rc = dns_query(r, q, DNS_T_PTR, ptr_cb, &pa, e)) <= 0)
		return rc;
	rc = dns_query(r, name, addr_is_v4(a) ? DNS_T_A : DNS_T_AAAA,
	    addr_cb, (void *)(uintptr_t)a, e);
	if (rc == -1)
		return -1;
	*confirmed = rc > 0;
	return 1;
}
