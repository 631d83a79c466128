/* SPDX-License-Identifier: MIT */
/*
 * sid-msg.map, gen-msg.map and classification.config: loading (every bad
 * line reported as file:line) and fast lookup by (gid, sid) in an
 * open-addressing hash table.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sidmap.h"
#include "xmalloc.h"

struct sidmap_ent {
	uint64_t	 key;		/* gid << 32 | sid */
	char		*msg;		/* NULL: empty slot */
};

struct sidmap {
	struct sidmap_ent	*tab;
	size_t			 cap, n;	/* cap: power of two */
	struct sidmap_class	*cls;		/* index id - 1 */
	size_t			 ncls;
};

/* Snort 2.9's etc/classification.config, in its order (ids 1..38). */
static const struct sidmap_class builtin_classes[] = {
	{ "not-suspicious", "Not Suspicious Traffic", 3 },
	{ "unknown", "Unknown Traffic", 3 },
	{ "bad-unknown", "Potentially Bad Traffic", 2 },
	{ "attempted-recon", "Attempted Information Leak", 2 },
	{ "successful-recon-limited", "Information Leak", 2 },
	{ "successful-recon-largescale", "Large Scale Information Leak", 2 },
	{ "attempted-dos", "Attempted Denial of Service", 2 },
	{ "successful-dos", "Denial of Service", 2 },
	{ "attempted-user", "Attempted User Privilege Gain", 1 },
	{ "unsuccessful-user", "Unsuccessful User Privilege Gain", 1 },
	{ "successful-user", "Successful User Privilege Gain", 1 },
	{ "attempted-admin", "Attempted Administrator Privilege Gain", 1 },
	{ "successful-admin", "Successful Administrator Privilege Gain", 1 },
	{ "rpc-portmap-decode", "Decode of an RPC Query", 2 },
	{ "shellcode-detect", "Executable code was detected", 1 },
	{ "string-detect", "A suspicious string was detected", 3 },
	{ "suspicious-filename-detect", "A suspicious filename was detected",
	    2 },
	{ "suspicious-login", "An attempted login using a suspicious "
	    "username was detected", 2 },
	{ "system-call-detect", "A system call was detected", 2 },
	{ "tcp-connection", "A TCP connection was detected", 4 },
	{ "trojan-activity", "A Network Trojan was detected", 1 },
	{ "unusual-client-port-connection", "A client was using an unusual "
	    "port", 2 },
	{ "network-scan", "Detection of a Network Scan", 3 },
	{ "denial-of-service", "Detection of a Denial of Service Attack", 2 },
	{ "non-standard-protocol", "Detection of a non-standard protocol or "
	    "event", 2 },
	{ "protocol-command-decode", "Generic Protocol Command Decode", 3 },
	{ "web-application-activity", "access to a potentially vulnerable "
	    "web application", 2 },
	{ "web-application-attack", "Web Application Attack", 1 },
	{ "misc-activity", "Misc activity", 3 },
	{ "misc-attack", "Misc Attack", 2 },
	{ "icmp-event", "Generic ICMP event", 3 },
	{ "inappropriate-content", "Inappropriate Content was Detected", 1 },
	{ "policy-violation", "Potential Corporate Privacy Violation", 1 },
	{ "default-login-attempt", "Attempt to login by a default username "
	    "and password", 2 },
	{ "sdf", "Sensitive Data was Transmitted Across the Network", 2 },
	{ "file-format", "Known malicious file or file based exploit", 1 },
	{ "malware-cnc", "Known malware command and control traffic", 1 },
	{ "client-side-exploit", "Known client side exploit attempt", 1 },
};

struct sidmap *
sidmap_new(void)
{
	struct sidmap *sm = xcalloc(1, sizeof(*sm));

	sm->cap = 1024;
	sm->tab = xcalloc(sm->cap, sizeof(*sm->tab));
	return sm;
}

void
sidmap_free(struct sidmap *sm)
{
	size_t i;

	if (sm == NULL)
		return;
	for (i = 0; i < sm->cap; i++)
		free(sm->tab[i].msg);
	for (i = 0; i < sm->ncls; i++) {
		free((char *)sm->cls[i].name);
		free((char *)sm->cls[i].desc);
	}
	free(sm->cls);
	free(sm->tab);
	free(sm);
}

static size_t
slot_of(uint64_t key, size_t cap)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdULL;
	key ^= key >> 33;
	return (size_t)key & (cap - 1);
}

static void
put(struct sidmap *sm, uint64_t key, const char *msg, size_t len)
{
	size_t i;

	if ((sm->n + 1) * 4 > sm->cap * 3) {
		struct sidmap_ent *old = sm->tab;
		size_t oldcap = sm->cap, j;

		sm->cap *= 2;
		sm->tab = xcalloc(sm->cap, sizeof(*sm->tab));
		for (j = 0; j < oldcap; j++) {
			if (old[j].msg == NULL)
				continue;
			i = slot_of(old[j].key, sm->cap);
			while (sm->tab[i].msg)
				i = (i + 1) & (sm->cap - 1);
			sm->tab[i] = old[j];
		}
		free(old);
	}
	i = slot_of(key, sm->cap);
	while (sm->tab[i].msg && sm->tab[i].key != key)
		i = (i + 1) & (sm->cap - 1);
	if (sm->tab[i].msg) {
		free(sm->tab[i].msg);	/* a later file wins */
	} else
		sm->n++;
	sm->tab[i].key = key;
	sm->tab[i].msg = xstrndup(msg, len);
}

const char *
sidmap_msg(const struct sidmap *sm, uint32_t gid, uint32_t sid)
{
	uint64_t key = (uint64_t)gid << 32 | sid;
	size_t i;

	if (sm == NULL || sm->n == 0)
		return NULL;
	i = slot_of(key, sm->cap);
	while (sm->tab[i].msg) {
		if (sm->tab[i].key == key)
			return sm->tab[i].msg;
		i = (i + 1) & (sm->cap - 1);
	}
	return NULL;
}

const struct sidmap_class *
sidmap_class(const struct sidmap *sm, uint32_t id)
{
	if (sm && sm->ncls)
		return id >= 1 && id <= sm->ncls ? &sm->cls[id - 1] : NULL;
	if (id >= 1 && id <= sizeof(builtin_classes) /
	    sizeof(builtin_classes[0]))
		return &builtin_classes[id - 1];
	return NULL;
}

size_t
sidmap_count(const struct sidmap *sm)
{
	return sm ? sm->n : 0;
}

size_t
sidmap_nclasses(const struct sidmap *sm)
{
	return sm ? sm->ncls : 0;
}

/* ------------------------------------------------------------ parsing */

struct field {
	const char	*s;
	size_t		 len;
};

/* Splits s at "||" into at most max trimmed fields; returns the count. */
static size_t
split_bars(const char *s, struct field *f, size_t max)
{
	size_t n = 0;
	const char *p, *e;

	while (n < max) {
		p = strstr(s, "||");
		e = p ? p : s + strlen(s);
		while (s < e && isspace((unsigned char)*s))
			s++;
		f[n].s = s;
		f[n].len = (size_t)(e - s);
		while (f[n].len && isspace((unsigned char)s[f[n].len - 1]))
			f[n].len--;
		n++;
		if (p == NULL)
			break;
		s = p + 2;
	}
	return n;
}

static int
field_u32(const struct field *f, uint32_t *v)
{
	uint64_t x = 0;
	size_t i;

	if (f->len == 0 || f->len > 10)
		return -1;
	for (i = 0; i < f->len; i++) {
		if (f->s[i] < '0' || f->s[i] > '9')
			return -1;
		x = x * 10 + (uint64_t)(f->s[i] - '0');
	}
	if (x > UINT32_MAX)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

enum map_kind { MAP_SIDMSG, MAP_GENMSG };

/* Reads path line by line; '#' starts a comment only at a line start. */
static int
each_line(const char *path, struct diag *d,
    const char *(*cb)(struct sidmap *, char *, void *), struct sidmap *sm,
    void *arg)
{
	char *line = NULL, *s, *e;
	size_t cap = 0;
	ssize_t len;
	int lineno = 0;
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		diag_add(d, path, 0, 0, "cannot open: %s", strerror(errno));
		return -1;
	}
	while ((len = getline(&line, &cap, f)) >= 0) {
		const char *why;

		lineno++;
		for (s = line; isspace((unsigned char)*s); s++)
			;
		e = line + len;
		while (e > s && isspace((unsigned char)e[-1]))
			*--e = '\0';
		if (*s == '\0' || *s == '#')
			continue;
		if ((why = cb(sm, s, arg)) != NULL)
			diag_add(d, path, lineno, 0, "%s", why);
	}
	free(line);
	fclose(f);
	return 0;
}

static const char *
sidmsg_line(struct sidmap *sm, char *s, void *arg)
{
	struct field f[8];
	uint32_t gid, sid, rev, prio;
	size_t n = split_bars(s, f, 8);
	int kind = *(int *)arg;

	if (kind == MAP_GENMSG) {
		if (n < 3)
			return "expected \"gid || sid || message\"";
		if (field_u32(&f[0], &gid) < 0 || field_u32(&f[1], &sid) < 0)
			return "gid and sid must be numbers";
		put(sm, (uint64_t)gid << 32 | sid, f[2].s, f[2].len);
		return NULL;
	}
	/* v2: gid || sid || rev || classtype || priority || msg || refs */
	if (n >= 6 && field_u32(&f[0], &gid) == 0 &&
	    field_u32(&f[1], &sid) == 0 && field_u32(&f[2], &rev) == 0 &&
	    field_u32(&f[4], &prio) == 0) {
		put(sm, (uint64_t)gid << 32 | sid, f[5].s, f[5].len);
		return NULL;
	}
	/* v1: sid || msg || refs */
	if (n < 2)
		return "expected \"sid || message [|| reference...]\" (v1) or "
		    "\"gid || sid || rev || classtype || priority || message\" "
		    "(v2)";
	if (field_u32(&f[0], &sid) < 0)
		return "sid must be a number";
	put(sm, (uint64_t)1 << 32 | sid, f[1].s, f[1].len);
	return NULL;
}

int
sidmap_load_sidmsg(struct sidmap *sm, const char *path, struct diag *d)
{
	int kind = MAP_SIDMSG;

	return each_line(path, d, sidmsg_line, sm, &kind);
}

int
sidmap_load_genmsg(struct sidmap *sm, const char *path, struct diag *d)
{
	int kind = MAP_GENMSG;

	return each_line(path, d, sidmsg_line, sm, &kind);
}

static const char *
class_line(struct sidmap *sm, char *s, void *arg)
{
	static const char kw[] = "config classification:";
	char *c1, *c2, *e;
	long prio;
	struct sidmap_class *c;

	(void)arg;
	if (strncmp(s, kw, sizeof(kw) - 1) != 0)
		return NULL;	/* other "config" lines are not ours */
	s += sizeof(kw) - 1;
	while (isspace((unsigned char)*s))
		s++;
	c1 = strchr(s, ',');
	c2 = strrchr(s, ',');
	if (c1 == NULL || c2 == c1)
		return "expected \"config classification: name,description,"
		    "priority\"";
	errno = 0;
	prio = strtol(c2 + 1, &e, 10);
	while (isspace((unsigned char)*e))
		e++;
	if (errno || *e || e == c2 + 1 || prio < 0 || prio > 1000000)
		return "priority must be a number";
	while (c1 > s && isspace((unsigned char)c1[-1]))
		c1--;
	if (c1 == s)
		return "empty classification name";
	sm->cls = xreallocarray(sm->cls, sm->ncls + 1, sizeof(*sm->cls));
	c = &sm->cls[sm->ncls++];
	c->name = xstrndup(s, (size_t)(c1 - s));
	s = strchr(s, ',') + 1;
	while (isspace((unsigned char)*s))
		s++;
	e = c2;
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	c->desc = xstrndup(s, (size_t)(e - s));
	c->priority = (int)prio;
	return NULL;
}

int
sidmap_load_classes(struct sidmap *sm, const char *path, struct diag *d)
{
	return each_line(path, d, class_line, sm, NULL);
}
