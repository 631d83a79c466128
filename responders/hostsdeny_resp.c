/* SPDX-License-Identifier: MIT */
/*
 * The hosts.deny responder (TCP wrappers): one "ALL: NET" line per block
 * inside redress's marked block of the file (hostsdeny.c keeps the rest
 * byte for byte and replaces the file atomically). IPv4 networks are
 * written n.n.n.n/m.m.m.m, IPv6 ones [x::]/len, as hosts_access(5) reads
 * them. No timeout: redress's own timer removes lines.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hostsdeny.h"
#include "responder.h"
#include "xmalloc.h"

struct hd_priv {
	struct resp_common	 common;
	char			*path;
};

#define F(f)	offsetof(struct hd_priv, f)
static const struct conf_field hd_fields[] = {
	RESP_COMMON_FIELDS(struct hd_priv),
	{ "path", CK_PATH, F(path), "/etc/hosts.deny", 0, 0, NULL, 0 },
	{ NULL, 0, 0, NULL, 0, 0, NULL, 0 },
};
#undef F

static size_t
hd_configure(struct responder *r, const struct conf_node *map,
    struct diag *d)
{
	return conf_apply(map, hd_fields, r->priv, d);
}

static int
hd_open(struct responder *r, struct err *e)
{
	(void)r;
	(void)e;
	return 0;
}

/* The hosts_access(5) pattern of a network. */
static void
hd_pattern(const struct cidr *c, char *buf, size_t len)
{
	char a[ADDR_STRLEN];
	uint32_t m;

	addr_format(&c->net, a, sizeof(a));
	if (c->net.family == AF_INET6) {
		if (c->len == 128)
			snprintf(buf, len, "[%s]", a);
		else
			snprintf(buf, len, "[%s]/%u", a, c->len);
		return;
	}
	if (c->len == 32) {
		snprintf(buf, len, "%s", a);
		return;
	}
	m = c->len ? 0xffffffffu << (32 - c->len) : 0;
	snprintf(buf, len, "%s/%u.%u.%u.%u", a, m >> 24, (m >> 16) & 0xff,
	    (m >> 8) & 0xff, m & 0xff);
}

/* Back from a pattern to a network; -1 if not one redress writes. */
static int
hd_unpattern(const char *s, struct cidr *c)
{
	char buf[128], *sl;
	struct in_addr m;
	uint32_t mask;
	unsigned len = 0;

	if (strlen(s) >= sizeof(buf))
		return -1;
	if (s[0] == '[') {
		strlcpy_r(buf, s + 1, sizeof(buf));
		if ((sl = strchr(buf, ']')) == NULL)
			return -1;
		*sl = '\0';
		if (sl[1] == '/' && sl[2] != '\0') {
			/* "[x::]/len" -> "x::/len" */
			memmove(sl, sl + 1, strlen(sl + 1) + 1);
		} else if (sl[1] != '\0')
			return -1;
		return cidr_parse(buf, c);
	}
	strlcpy_r(buf, s, sizeof(buf));
	if ((sl = strchr(buf, '/')) == NULL)
		return cidr_parse(buf, c);
	*sl++ = '\0';
	if (inet_pton(AF_INET, sl, &m) != 1)
		return -1;
	mask = ntohl(m.s_addr);
	while (len < 32 && (mask & (0x80000000u >> len)))
		len++;
	if (len < 32 && (mask << len) != 0)
		return -1;
	snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "/%u", len);
	return cidr_parse(buf, c);
}

/* The patterns inside the marked block now (malloc'd array). */
static int
hd_read(const char *path, char ***pats, size_t *n, struct err *e)
{
	FILE *f;
	char line[512];
	int in = 0;
	size_t cap = 0;

	*pats = NULL;
	*n = 0;
	if ((f = fopen(path, "r")) == NULL) {
		if (errno == ENOENT)
			return 0;
		return err_set(e, "%s: %s", path, strerror(errno));
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strcmp(line, HOSTSDENY_BEGIN) == 0) {
			in = 1;
			continue;
		}
		if (strcmp(line, HOSTSDENY_END) == 0)
			break;
		if (!in || strncmp(line, "ALL: ", 5) != 0)
			continue;
		line[strcspn(line, "\n")] = '\0';
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*pats = xreallocarray(*pats, cap, sizeof(char *));
		}
		(*pats)[(*n)++] = xstrdup(line + 5);
	}
	fclose(f);
	return 0;
}

static void
hd_free(char **pats, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(pats[i]);
	free(pats);
}

/* Adds (add=1) or removes the patterns of v, then rewrites the file. */
static int
hd_change(struct responder *r, const struct resp_block *v, size_t n, int add,
    struct err *e)
{
	struct hd_priv *p = r->priv;
	char **pats, pat[128];
	size_t np, i, j, changed = 0;
	int rc;

	if (r->dry_run) {
		for (i = 0; i < n; i++) {
			hd_pattern(&v[i].net, pat, sizeof(pat));
			fprintf(r->dry_out, "%s: %s \"ALL: %s\"\n", p->path,
			    add ? "add" : "remove", pat);
		}
		fflush(r->dry_out);
		return 0;
	}
	if (hd_read(p->path, &pats, &np, e) < 0)
		return -1;
	pats = xreallocarray(pats, np + n + 1, sizeof(char *));
	for (i = 0; i < n; i++) {
		hd_pattern(&v[i].net, pat, sizeof(pat));
		for (j = 0; j < np; j++)
			if (strcmp(pats[j], pat) == 0)
				break;
		if (add && j == np) {
			pats[np++] = xstrdup(pat);
			changed++;
		} else if (!add && j < np) {
			free(pats[j]);
			pats[j] = pats[--np];
			changed++;
		}
	}
	rc = changed ? hostsdeny_write(p->path, (const char *const *)pats,
	    np, e) : 0;
	hd_free(pats, np);
	return rc;
}

static int
hd_apply(struct responder *r, const struct resp_block *v, size_t n,
    struct err *e)
{
	return hd_change(r, v, n, 1, e);
}

static int
hd_revert(struct responder *r, const struct resp_block *v, size_t n,
    struct err *e)
{
	return hd_change(r, v, n, 0, e);
}

static int
hd_list(struct responder *r, resp_list_cb cb, void *arg, struct err *e)
{
	struct hd_priv *p = r->priv;
	struct cidr c;
	char **pats;
	size_t np, i;
	int rc = 0;

	if (r->dry_run)
		return 0;
	if (hd_read(p->path, &pats, &np, e) < 0)
		return -1;
	for (i = 0; i < np && rc == 0; i++)
		if (hd_unpattern(pats[i], &c) == 0)
			rc = cb(arg, &c, -1);
	hd_free(pats, np);
	return rc < 0 ? -1 : 0;
}

static void
hd_close(struct responder *r)
{
	(void)r;
}

static void
hd_release(struct responder *r)
{
	conf_release(hd_fields, r->priv);
}

const struct responder_ops resp_hostsdeny = {
	.name = "hostsdeny",
	.priv_size = sizeof(struct hd_priv),
	.max_timeout_s = 0,
	.configure = hd_configure,
	.open = hd_open,
	.apply = hd_apply,
	.revert = hd_revert,
	.list = hd_list,
	.close = hd_close,
	.release = hd_release,
};
