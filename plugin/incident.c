/* SPDX-License-Identifier: MIT */
/*
 * Incident aggregation and classification: counts by signature, host and
 * port in a fixed-size state, classtype/sid/port mapping to incident kinds
 * with the documented defaults, and the incident JSON line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "incident.h"
#include "jbuf.h"
#include "log.h"
#include "xmalloc.h"

/* Snort/ET classification.config: short name and description. */
static const char *const classtypes[][2] = {
	{ "attempted-admin", "Attempted Administrator Privilege Gain" },
	{ "attempted-user", "Attempted User Privilege Gain" },
	{ "web-application-attack", "Web Application Attack" },
	{ "shellcode-detect", "Executable code was detected" },
	{ "successful-admin", "Successful Administrator Privilege Gain" },
	{ "successful-user", "Successful User Privilege Gain" },
	{ "unsuccessful-user", "Unsuccessful User Privilege Gain" },
	{ "trojan-activity", "A Network Trojan was detected" },
	{ "command-and-control", "Malware Command and Control Activity "
	    "Detected" },
	{ "domain-c2", "Domain Observed Used for C2 Detected" },
	{ "credential-theft", "Successful Credential Theft Detected" },
	{ "exploit-kit", "Exploit Kit Activity Detected" },
	{ "attempted-dos", "Attempted Denial of Service" },
	{ "successful-dos", "Denial of Service" },
	{ "denial-of-service", "Detection of a Denial of Service Attack" },
	{ "attempted-recon", "Attempted Information Leak" },
	{ "successful-recon-limited", "Information Leak" },
	{ "successful-recon-largescale", "Large Scale Information Leak" },
	{ "network-scan", "Detection of a Network Scan" },
	{ "bad-unknown", "Potentially Bad Traffic" },
	{ "misc-attack", "Misc Attack" },
	{ "misc-activity", "Misc activity" },
	{ "protocol-command-decode", "Generic Protocol Command Decode" },
	{ "policy-violation", "Potential Corporate Privacy Violation" },
	{ "suspicious-login", "An attempted login using a suspicious "
	    "username was detected" },
	{ "default-login-attempt", "Attempt to login by a default username "
	    "and password" },
	{ "string-detect", "A suspicious string was detected" },
	{ "suspicious-filename-detect", "A suspicious filename was detected" },
	{ "unknown", "Unknown Traffic" },
	{ "not-suspicious", "Not Suspicious Traffic" },
	{ "rpc-portmap-decode", "Decode of an RPC Query" },
	{ "system-call-detect", "A system call was detected" },
	{ "tcp-connection", "A TCP connection was detected" },
	{ "icmp-event", "Generic ICMP event" },
	{ "kickass-porn", "SCORE! Get the lotion!" },
	{ "inappropriate-content", "Inappropriate Content was Detected" },
	{ "sdf", "Sensitive Data was Transmitted Across the Network" },
	{ "targeted-activity", "Targeted Malicious Activity was Detected" },
	{ "external-ip-check", "Device Retrieving External IP Address "
	    "Detected" },
	{ "coin-mining", "Crypto Currency Mining Activity Detected" },
	{ "social-engineering", "Possible Social Engineering Attempted" },
};

uint64_t
incident_map_gen(void)
{
	static uint64_t gen;

	return __atomic_add_fetch(&gen, 1, __ATOMIC_RELAXED);
}

/* 1 when ct is one of the table's own strings (stable pointers). */
static int
ct_is_known(const char *ct)
{
	size_t i;

	for (i = 0; i < sizeof(classtypes) / sizeof(classtypes[0]); i++)
		if (ct == classtypes[i][0])
			return 1;
	return 0;
}

#define CLASS_CACHE	64	/* slots, a power of two */

/*
 * The classtype of a category text. A sensor's alerts use a few dozen
 * categories, so the answers are kept per thread in a small table
 * indexed by a hash of the text (this runs for every alert).
 */
const char *
incident_classtype(const char *category)
{
	static _Thread_local struct {
		char	cat[64];
		int	idx;		/* -1: not a known category */
	} cache[CLASS_CACHE];
	size_t i, n = sizeof(classtypes) / sizeof(classtypes[0]), len;
	uint32_t h = 2166136261u;
	int found = -1;
	const char *c;

	for (c = category; *c; c++) {
		h ^= (unsigned char)*c;
		h *= 16777619u;
	}
	len = (size_t)(c - category);
	h &= CLASS_CACHE - 1;
	if (cache[h].cat[0] != '\0' && strcmp(cache[h].cat, category) == 0)
		return cache[h].idx < 0 ? category :
		    classtypes[cache[h].idx][0];
	for (i = 0; i < n; i++)
		if (strcasecmp(category, classtypes[i][1]) == 0 ||
		    strcasecmp(category, classtypes[i][0]) == 0) {
			found = (int)i;
			break;
		}
	if (len > 0 && len < sizeof(cache[0].cat)) {
		memcpy(cache[h].cat, category, len + 1);
		cache[h].idx = found;
	}
	return found < 0 ? category : classtypes[found][0];
}

static char **
strv(const char *const *v)
{
	size_t n = 0, i;
	char **out;

	while (v[n])
		n++;
	out = xcalloc(n + 1, sizeof(char *));
	for (i = 0; i < n; i++)
		out[i] = xstrdup(v[i]);
	return out;
}

static void
strv_free(char **v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; v[i]; i++)
		free(v[i]);
	free(v);
}

void
incident_map_defaults(struct incident_map *m)
{
	static const char *const exploit[] = { "attempted-admin",
	    "attempted-user", "web-application-attack", "shellcode-detect",
	    "successful-admin", "successful-user", "exploit-kit", NULL };
	static const char *const compromise[] = { "trojan-activity",
	    "command-and-control", "domain-c2", "credential-theft",
	    "coin-mining", NULL };
	static const char *const dos[] = { "attempted-dos", "successful-dos",
	    "denial-of-service", NULL };
	static const char *const scan[] = { "attempted-recon",
	    "network-scan", NULL };
	static const uint16_t auth[] = { 21, 22, 23, 110, 143, 389, 445,
	    587, 993, 995, 1433, 3306, 3389, 5432, 5900 };

	memset(m, 0, sizeof(*m));
	m->exploit_classes = strv(exploit);
	m->compromise_classes = strv(compromise);
	m->dos_classes = strv(dos);
	m->scan_classes = strv(scan);
	m->nauth_ports = sizeof(auth) / sizeof(auth[0]);
	m->auth_ports = xreallocarray(NULL, m->nauth_ports, sizeof(uint16_t));
	memcpy(m->auth_ports, auth, sizeof(auth));
	m->gen = incident_map_gen();
	m->sweep_hosts = 5;
	m->scan_ports = 5;
	m->brute_force_count = 5;
	m->brute_force_flows = 10;
	m->brute_force_window_us = 600 * INT64_C(1000000);
}

void
incident_map_free(struct incident_map *m)
{
	strv_free(m->exploit_classes);
	strv_free(m->compromise_classes);
	strv_free(m->dos_classes);
	strv_free(m->scan_classes);
	free(m->sid_kind_sid);
	free(m->sid_kind_kind);
	free(m->auth_ports);
	memset(m, 0, sizeof(*m));
}

static int
in_strv(char **v, const char *s)
{
	size_t i;

	for (i = 0; v && v[i]; i++)
		if (strcasecmp(v[i], s) == 0)
			return 1;
	return 0;
}

#define KIND_CACHE	64	/* slots, a power of two */

/* What a classtype stands for in one incident map. */
struct class_info {
	uint8_t	comp, dos, expl;	/* in those class lists */
	uint8_t	auth;			/* an authentication classtype */
};

static int
auth_class(const char *ct)
{
	return strcmp(ct, "suspicious-login") == 0 ||
	    strcmp(ct, "default-login-attempt") == 0 ||
	    strcmp(ct, "unsuccessful-user") == 0;
}

/*
 * The class lists' answers for classtype ct. The classtype strings of
 * known classes are the table's own, so the answers are kept per thread
 * by pointer (this runs for every alert).
 */
static struct class_info
class_info(const struct incident_map *m, const char *ct)
{
	static _Thread_local struct {
		uint64_t		 gen;
		const char		*ct;
		struct class_info	 ci;
	} cache[KIND_CACHE];
	struct class_info ci;
	size_t i = ((uintptr_t)ct >> 3) & (KIND_CACHE - 1);

	if (cache[i].gen == m->gen && cache[i].ct == ct)
		return cache[i].ci;
	ci.comp = (uint8_t)in_strv(m->compromise_classes, ct);
	ci.dos = (uint8_t)in_strv(m->dos_classes, ct);
	ci.expl = (uint8_t)in_strv(m->exploit_classes, ct);
	ci.auth = (uint8_t)auth_class(ct);
	if (m->gen != 0 && ct_is_known(ct)) {
		cache[i].gen = m->gen;
		cache[i].ct = ct;
		cache[i].ci = ci;
	}
	return ci;
}

enum incident_kind
incident_alert_kind(const struct incident_map *m, const struct alert *a,
    const char *ct, int outbound)
{
	struct class_info ci;
	size_t i;

	for (i = 0; i < m->nsid_kind; i++)
		if (m->sid_kind_sid[i] == a->sid)
			return (enum incident_kind)m->sid_kind_kind[i];
	ci = class_info(m, ct ? ct : incident_classtype(a->category));
	if (ci.comp)
		return outbound ? INCIDENT_COMPROMISE : INCIDENT_EXPLOIT;
	if (ci.dos)
		return INCIDENT_DOS;
	if (ci.expl)
		return INCIDENT_EXPLOIT;
	return INCIDENT_OTHER;
}

/* 1 if the alert is on an authentication port or of a login classtype. */
static int
is_auth(const struct incident_map *m, const struct alert *a, const char *ct)
{
	size_t i;

	if (class_info(m, ct ? ct : incident_classtype(a->category)).auth)
		return 1;
	if (a->proto != 6)
		return 0;
	for (i = 0; i < m->nauth_ports; i++)
		if (m->auth_ports[i] == a->dport)
			return 1;
	return 0;
}

static uint32_t
host_hash(const struct addr *a)
{
	uint32_t h = 2166136261u;
	int i;

	for (i = 0; i < 16; i++) {
		h ^= a->a[i];
		h *= 16777619u;
	}
	return h ? h : 1;
}

/*
 * Counts a connection to the alert's service (host hash h, port) when
 * the alert is of another flow than the last one seen there: its flow id
 * when the sensor gives one, else its source port. A connection more
 * than the window after the first of the window starts a new window;
 * reaching brute_force_flows within one marks the incident's shape.
 * Services past INC_SVCS are not followed.
 */
static void
svc_count(struct inc_state *s, const struct incident_map *m,
    const struct alert *a, uint32_t h)
{
	struct inc_svc *v;
	uint64_t flow = a->flow_id ? a->flow_id : (uint64_t)a->sport + 1;
	uint32_t t = (uint32_t)(a->ts_usec / 1000000);
	int i;

	for (i = 0; i < s->nsvcs; i++)
		if (s->svcs[i].host == h && s->svcs[i].port == a->dport)
			break;
	if (i == s->nsvcs) {
		if (s->nsvcs == INC_SVCS)
			return;
		v = &s->svcs[s->nsvcs++];
		memset(v, 0, sizeof(*v));
		v->host = h;
		v->port = a->dport;
	} else {
		v = &s->svcs[i];
		if (v->last_flow == flow)
			return;
	}
	v->last_flow = flow;
	v->total++;
	if (v->flows == 0 || (int64_t)t - v->win_s >
	    m->brute_force_window_us / 1000000) {
		v->win_s = t;
		v->flows = 0;
	}
	if (v->flows < UINT16_MAX)
		v->flows++;
	if (m->brute_force_flows && v->flows >= m->brute_force_flows)
		s->brute = 1;
}

void
incident_add(struct inc_state *s, const struct incident_map *m,
    const struct alert *a, const char *ct)
{
	uint32_t h;
	int i;

	if (s->alerts == 0) {
		s->first_usec = a->ts_usec;
		s->tz_min = a->tz_min;
		s->proto = a->proto;
	}
	if (a->ts_usec > s->last_usec || s->alerts == 0)
		s->last_usec = a->ts_usec;
	if (a->ts_usec < s->first_usec)
		s->first_usec = a->ts_usec;
	s->alerts++;
	s->flags |= INC_F_DIRTY;
	if (a->established == ALERT_EST_YES)
		s->flags |= INC_F_ESTABLISHED;
	for (i = 0; i < s->nsigs; i++)
		if (s->sigs[i].sid == a->sid && s->sigs[i].gid == a->gid)
			break;
	if (i < s->nsigs)
		s->sigs[i].n++;
	else if (s->nsigs < INC_SIGS) {
		s->sigs[s->nsigs].gid = a->gid;
		s->sigs[s->nsigs].sid = a->sid;
		s->sigs[s->nsigs++].n = 1;
	} else
		s->sig_other++;
	if (a->proto == 6 || a->proto == 17 || a->proto == 132) {
		for (i = 0; i < s->nports; i++)
			if (s->ports[i].port == a->dport)
				break;
		if (i < s->nports)
			s->ports[i].n++;
		else if (s->nports < INC_PORTS) {
			s->ports[s->nports].port = a->dport;
			s->ports[s->nports++].n = 1;
		} else
			s->ports_over++;
	}
	h = host_hash(&a->dst);
	for (i = 0; i < s->nhosts; i++)
		if (s->hosts[i] == h)
			break;
	if (i == s->nhosts) {
		if (s->nhosts < INC_HOSTS)
			s->hosts[s->nhosts++] = h;
		else
			s->hosts_over++;
	}
	if (is_auth(m, a, ct)) {
		s->auth++;
		svc_count(s, m, a, h);
	}
}

uint32_t
incident_hosts(const struct inc_state *s)
{
	return s->nhosts + s->hosts_over;
}

uint32_t
incident_ports(const struct inc_state *s)
{
	return s->nports + s->ports_over;
}

static int
rank(enum incident_kind k)
{
	switch (k) {
	case INCIDENT_PROBE:
		return 0;
	case INCIDENT_OTHER:
		return 1;
	case INCIDENT_SWEEP:
		return 2;
	case INCIDENT_SCAN:
		return 3;
	case INCIDENT_BRUTE_FORCE:
		return 4;
	case INCIDENT_EXPLOIT:
	case INCIDENT_DOS:
		return 5;
	case INCIDENT_COMPROMISE:
		return 6;
	default:
		return 1;
	}
}

enum incident_kind
incident_classify(struct inc_state *s, const struct incident_map *m,
    enum incident_kind ak)
{
	enum incident_kind sk = (enum incident_kind)s->akind;

	if ((ak == INCIDENT_COMPROMISE || ak == INCIDENT_EXPLOIT ||
	    ak == INCIDENT_DOS) && rank(ak) > rank(sk))
		s->akind = (uint8_t)(sk = ak);
	if (sk == INCIDENT_COMPROMISE || sk == INCIDENT_DOS)
		return sk;
	if (s->brute)
		return INCIDENT_BRUTE_FORCE;
	if (sk == INCIDENT_EXPLOIT)
		return sk;
	if (incident_ports(s) >= m->scan_ports)
		return INCIDENT_SCAN;
	if (incident_hosts(s) >= m->sweep_hosts)
		return INCIDENT_SWEEP;
	if (s->auth >= m->brute_force_count)
		return INCIDENT_BRUTE_FORCE;
	if (incident_hosts(s) <= 1 && incident_ports(s) <= 1)
		return INCIDENT_PROBE;
	return INCIDENT_OTHER;
}

/* Runs fill into a buffer big enough for it; returns the malloc'd text. */
static char *
jb_build(void (*fill)(struct jbuf *, const void *), const void *arg)
{
	struct jbuf b = { xmalloc(1024), 1024, 0 };
	size_t need;

	fill(&b, arg);
	if ((need = jb_end(&b)) >= b.len) {
		free(b.p);
		b.len = need + 1;
		b.p = xmalloc(b.len);
		b.off = 0;
		fill(&b, arg);
		jb_end(&b);
	}
	return b.p;
}

static void
summary_fill(struct jbuf *b, const void *arg)
{
	const struct inc_state *s = arg;
	int i;

	jb_puts(b, "{\"signatures\":{");
	for (i = 0; i < s->nsigs; i++) {
		jb_puts(b, i ? ",\"" : "\"");
		jb_u64(b, s->sigs[i].gid);
		jb_putn(b, ":", 1);
		jb_u64(b, s->sigs[i].sid);
		jb_puts(b, "\":");
		jb_i64(b, s->sigs[i].n);
	}
	if (s->sig_other) {
		jb_puts(b, s->nsigs ? ",\"other\":" : "\"other\":");
		jb_u64(b, s->sig_other);
	}
	jb_puts(b, "},\"dest_ports\":{");
	for (i = 0; i < s->nports; i++) {
		jb_puts(b, i ? ",\"" : "\"");
		jb_u64(b, s->ports[i].port);
		jb_puts(b, "\":");
		jb_i64(b, s->ports[i].n);
	}
	jb_puts(b, "},\"dest_port_count\":");
	jb_u64(b, incident_ports(s));
	jb_puts(b, ",\"dest_hosts\":");
	jb_u64(b, incident_hosts(s));
	jb_puts(b, s->flags & INC_F_ESTABLISHED ? ",\"established\":true}" :
	    ",\"established\":false}");
}

/*
 * Written by hand rather than with jansson: it runs for every write of
 * an incident, and only numbers and fixed keys go in.
 */
char *
incident_summary_json(const struct inc_state *s)
{
	return jb_build(summary_fill, s);
}

void
incident_row_fill(struct incident_row *r, const struct inc_state *s,
    const char *state)
{
	memset(r, 0, sizeof(*r));
	r->id = s->id;
	r->kind = (enum incident_kind)s->kind;
	strlcpy_r(r->state, state, sizeof(r->state));
	if (s->kind == INCIDENT_DOS)
		r->src[0] = '\0';
	else
		addr_format(&s->src, r->src, sizeof(r->src));
	if (s->dst.family)
		addr_format(&s->dst, r->dst, sizeof(r->dst));
	r->first_usec = s->first_usec;
	r->last_usec = s->last_usec;
	r->tz_min = s->tz_min;
	r->alerts = s->alerts;
	r->internal = (s->flags & INC_F_INTERNAL) != 0;
	r->summary_json = incident_summary_json(s);
}

/*
 * The members of a summary object, without its braces: the text itself
 * when incident_summary_json wrote it, else re-encoded by jansson (a row
 * from an older store), else nothing. Returns a malloc'd string or NULL.
 */
static char *
summary_members(const char *sum)
{
	json_error_t je;
	json_t *o;
	char *t = NULL, *m;
	size_t n;

	if (sum == NULL)
		return NULL;
	n = strlen(sum);
	if (strncmp(sum, "{\"signatures\":{", 15) != 0 || sum[n - 1] != '}') {
		o = json_loads(sum, 0, &je);
		if (o && json_is_object(o))
			t = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
		json_decref(o);
		if (t == NULL)
			return NULL;
		sum = t;
		n = strlen(sum);
	}
	m = n > 2 ? xstrndup(sum + 1, n - 2) : NULL;
	free(t);
	return m;
}

static void
incident_fill(struct jbuf *b, const void *arg)
{
	const struct incident_row *r = ((const void *const *)arg)[0];
	const char *members = ((const void *const *)arg)[1];
	char t[64];

	jb_puts(b, "{\"type\":\"incident\",\"id\":");
	jb_i64(b, r->id);
	jb_puts(b, ",\"kind\":");
	jb_str(b, incident_kind_name(r->kind));
	jb_puts(b, ",\"state\":");
	jb_str(b, r->state);
	jb_puts(b, ",\"src_ip\":");
	jb_str(b, r->src);
	jb_puts(b, ",\"dest_ip\":");
	jb_str(b, r->dst);
	jb_puts(b, ",\"first_seen\":");
	jb_str(b, alert_time_format(r->first_usec, r->tz_min, t, sizeof(t)));
	jb_puts(b, ",\"last_seen\":");
	jb_str(b, alert_time_format(r->last_usec, r->tz_min, t, sizeof(t)));
	jb_puts(b, ",\"alerts\":");
	jb_i64(b, r->alerts);
	if (r->internal)
		jb_puts(b, ",\"internal\":true");
	if (members) {
		jb_putn(b, ",", 1);
		jb_puts(b, members);
	}
	jb_putn(b, "}", 1);
}

char *
incident_json(const struct incident_row *r)
{
	char *members = summary_members(r->summary_json), *out;
	const void *arg[2] = { r, members };

	out = jb_build(incident_fill, arg);
	free(members);
	return out;
}
