/* SPDX-License-Identifier: MIT */
/*
 * Contact records: mailbox validation of hostile registry text, adding
 * recipients with case-insensitive merging, the provenance chain, and
 * network range parsing for the per-range cache.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "contact.h"
#include "xmalloc.h"

void
contact_clear(struct contact *c)
{
	if (c == NULL)
		return;
	free(c->chain);
	memset(c, 0, sizeof(*c));
}

static int
local_char(int ch)
{
	return isalnum(ch) || strchr("!#$%&'*+/=?^_`{|}~.-", ch) != NULL;
}

int
contact_mailbox_ok(const char *s, size_t len)
{
	const char	*at = NULL;
	size_t		 i, lab = 0, dots = 0;

	if (len == 0 || len > 254)
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] == '@') {
			if (at != NULL)
				return 0;
			at = s + i;
		}
	}
	if (at == NULL || at == s || (size_t)(at - s) > 64 ||
	    at + 1 >= s + len)
		return 0;
	for (i = 0; s + i < at; i++)
		if (!local_char((unsigned char)s[i]))
			return 0;
	if (s[0] == '.' || at[-1] == '.' || strstr(s, "..") != NULL)
		return 0;
	for (i = (size_t)(at - s) + 1; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '.') {
			if (lab == 0 || s[i - 1] == '-')
				return 0;
			lab = 0;
			dots++;
		} else if (isalnum(ch) || ch == '-') {
			if (lab == 0 && ch == '-')
				return 0;
			if (++lab > 63)
				return 0;
		} else
			return 0;
	}
	return lab > 0 && dots > 0 && s[len - 1] != '-';
}

static int
role_rank(const char *r)
{
	static const char *const order[] = { "abuse", "cert", "cc",
	    "security", "admin", "tech", "rfc2142", NULL };
	int i;

	for (i = 0; order[i]; i++)
		if (strcmp(order[i], r) == 0)
			return i;
	return i;
}

int
contact_add(struct contact *c, const char *email, const char *role,
    const char *source, int low_confidence)
{
	struct contact_addr	*a;
	size_t			 i, len = strlen(email);

	if (!contact_mailbox_ok(email, len))
		return -1;
	for (i = 0; i < c->naddrs; i++) {
		a = &c->addrs[i];
		if (strcasecmp(a->email, email) != 0)
			continue;
		if (role_rank(role) < role_rank(a->role)) {
			strlcpy_r(a->role, role, sizeof(a->role));
			strlcpy_r(a->source, source, sizeof(a->source));
		}
		if (!low_confidence)
			a->low_confidence = 0;
		return 0;
	}
	if (c->naddrs >= CONTACT_MAX_ADDRS)
		return 0;
	a = &c->addrs[c->naddrs++];
	memset(a, 0, sizeof(*a));
	for (i = 0; i < len && i < sizeof(a->email) - 1; i++)
		a->email[i] = (char)tolower((unsigned char)email[i]);
	strlcpy_r(a->role, role, sizeof(a->role));
	strlcpy_r(a->source, source, sizeof(a->source));
	a->low_confidence = low_confidence;
	return 1;
}

static int
contact_has(const struct contact *c, int security)
{
	size_t i;

	for (i = 0; i < c->naddrs; i++)
		if (strcmp(c->addrs[i].role, "cc") != 0 &&
		    strcmp(c->addrs[i].role, "cert") != 0 &&
		    (strcmp(c->addrs[i].role, "security") == 0) == security)
			return 1;
	return 0;
}

int
contact_to(const struct contact *c, size_t i, int security_kind)
{
	const char	*r = c->addrs[i].role;
	int		 sec;

	if (strcmp(r, "cc") == 0 || strcmp(r, "cert") == 0)
		return 0;
	sec = strcmp(r, "security") == 0;
	/* The kind's own address where the network named one. */
	if (contact_has(c, security_kind))
		return sec == security_kind;
	return 1;
}

void
contact_chain(struct contact *c, const char *fmt, ...)
{
	va_list	 ap;
	char	*line, *n;

	va_start(ap, fmt);
	line = xvasprintf(fmt, ap);
	va_end(ap);
	if (c->chain == NULL)
		n = xasprintf("%s\n", line);
	else
		n = xasprintf("%s%s\n", c->chain, line);
	free(c->chain);
	free(line);
	c->chain = n;
}

/* Host bits set to 0 (lo) or 1 (hi) beyond len of the 128-bit form. */
static void
prefix_bounds(const struct addr *a, unsigned len, struct addr *lo,
    struct addr *hi)
{
	unsigned bit;

	*lo = *a;
	*hi = *a;
	for (bit = len; bit < 128; bit++) {
		lo->a[bit / 8] &= (uint8_t)~(0x80 >> (bit % 8));
		hi->a[bit / 8] |= (uint8_t)(0x80 >> (bit % 8));
	}
}

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
	    e[-1] == '\n'))
		*--e = '\0';
	return s;
}

/* One end of a range: "/32" suffixes and IPv4 leading zeros dropped. */
static int
range_end(char *s, struct addr *a)
{
	char	 buf[64], *slash, *p, *o;
	int	 lead = 1;

	s = trim(s);
	if ((slash = strchr(s, '/')) != NULL)
		*slash = '\0';
	if (strchr(s, ':') != NULL || strlen(s) >= sizeof(buf))
		return addr_parse(s, a);
	for (p = s, o = buf; *p; p++) {
		if (*p == '0' && lead && p[1] != '.' && p[1] != '\0')
			continue;
		lead = *p == '.';
		*o++ = *p;
	}
	*o = '\0';
	return addr_parse(buf, a);
}

int
contact_range_parse(const char *text, struct addr *lo, struct addr *hi)
{
	char		 buf[128], *s, *dash, *slash;
	struct addr	 a;
	long		 len;
	char		*end;

	if (strlen(text) >= sizeof(buf))
		return -1;
	strlcpy_r(buf, text, sizeof(buf));
	s = trim(buf);
	/* "a, b" lists (LACNIC CIDR lines): take the first. */
	if ((dash = strchr(s, ',')) != NULL)
		*dash = '\0';
	if ((dash = strstr(s, " - ")) != NULL) {
		*dash = '\0';
		if (range_end(s, lo) == -1 || range_end(dash + 3, hi) == -1 ||
		    lo->family != hi->family || addr_cmp(lo, hi) > 0)
			return -1;
		return 0;
	}
	if ((slash = strchr(s, '/')) == NULL)
		return -1;
	*slash = '\0';
	len = strtol(slash + 1, &end, 10);
	if (end == slash + 1 || *trim(end) != '\0' || len < 0)
		return -1;
	if (strchr(s, ':') == NULL) {
		/* IPv4, possibly abbreviated: "200.57.128". */
		char	full[32];
		int	dots = 0;
		char	*p;

		for (p = s; *p; p++)
			if (*p == '.')
				dots++;
		if (dots > 3 || strlen(s) > 15)
			return -1;
		strlcpy_r(full, s, sizeof(full));
		while (dots++ < 3) {
			size_t l = strlen(full);

			memcpy(full + l, ".0", 3);	/* 15 + 6 < 32 */
		}
		if (addr_parse(full, &a) == -1 || len > 32)
			return -1;
		prefix_bounds(&a, 96 + (unsigned)len, lo, hi);
		return 0;
	}
	if (addr_parse(s, &a) == -1 || len > 128)
		return -1;
	prefix_bounds(&a, a.family == AF_INET ? 96 + (unsigned)len :
	    (unsigned)len, lo, hi);
	return 0;
}
