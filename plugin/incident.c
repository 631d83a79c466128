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

#define CLASS_CACHE	8

/*
 * The classtype of a category text. A sensor's alerts use a handful of
 * categories, so the last few answers are kept per thread (this runs
 * for every alert).
 */
const char *
incident_classtype(const char *category)
{
	static _Thread_local struct {
		char	cat[64];
		int	idx;		/* -1: not a known category */
	} cache[CLASS_CACHE];
	static _Thread_local unsigned next;
	size_t i, n = sizeof(classtypes) / sizeof(classtypes[0]);
	int found = -1;

	for (i = 0; i < CLASS_CACHE; i++)
		if (cache[i].cat[0] != '\0' &&
		    strcmp(cache[i].cat, category) == 0)
			return cache[i].idx < 0 ? category :
			    classtypes[cache[i].idx][0];
	for (i = 0; i < n; i++)
		if (strcasecmp(category, classtypes[i][1]) == 0 ||
		    strcasecmp(category, classtypes[i][0]) == 0) {
			found = (int)i;
			break;
		}
	if (category[0] != '\0' && strlen(category) < sizeof(cache[0].cat)) {
		i = next++ % CLASS_CACHE;
		memcpy(cache[i].cat, category, strlen(category) + 1);
		cache[i].idx = found;
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

#define KIND_CACHE	8

/*
 * The kind a classtype stands for in map m. The classtype strings of
 * known classes are the table's own, so the last answers are kept per
 * thread by pointer (this runs for every alert).
 */
static enum incident_kind
class_kind(const struct incident_map *m, const char *ct, int outbound)
{
	static _Thread_local struct {
		uint64_t			 gen;
		const char			*ct;
		uint8_t				 comp, dos, expl;
	} cache[KIND_CACHE];
	static _Thread_local unsigned next;
	size_t i;
	int comp, dos, expl;

	for (i = 0; i < KIND_CACHE; i++)
		if (cache[i].gen == m->gen && cache[i].ct == ct)
			break;
	if (i < KIND_CACHE) {
		comp = cache[i].comp;
		dos = cache[i].dos;
		expl = cache[i].expl;
	} else {
		comp = in_strv(m->compromise_classes, ct);
		dos = in_strv(m->dos_classes, ct);
		expl = in_strv(m->exploit_classes, ct);
		if (m->gen != 0 && ct_is_known(ct)) {
			i = next++ % KIND_CACHE;
			cache[i].gen = m->gen;
			cache[i].ct = ct;
			cache[i].comp = (uint8_t)comp;
			cache[i].dos = (uint8_t)dos;
			cache[i].expl = (uint8_t)expl;
		}
	}
	if (comp)
		return outbound ? INCIDENT_COMPROMISE : INCIDENT_EXPLOIT;
	if (dos)
		return INCIDENT_DOS;
	if (expl)
		return INCIDENT_EXPLOIT;
	return INCIDENT_OTHER;
}

enum incident_kind
incident_alert_kind(const struct incident_map *m, const struct alert *a,
    int outbound)
{
	const char *ct;
	size_t i;

	for (i = 0; i < m->nsid_kind; i++)
		if (m->sid_kind_sid[i] == a->sid)
			return (enum incident_kind)m->sid_kind_kind[i];
	ct = incident_classtype(a->category);
	return class_kind(m, ct, outbound);
}

static int
is_auth(const struct incident_map *m, const struct alert *a)
{
	size_t i;
	const char *ct = incident_classtype(a->category);

	if (strcmp(ct, "suspicious-login") == 0 ||
	    strcmp(ct, "default-login-attempt") == 0 ||
	    strcmp(ct, "unsuccessful-user") == 0)
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

void
incident_add(struct inc_state *s, const struct incident_map *m,
    const struct alert *a)
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
	s->flags &= ~INC_F_SAVED;
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
	if (is_auth(m, a))
		s->auth++;
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
incident_classify(const struct inc_state *s, const struct incident_map *m,
    enum incident_kind ak)
{
	enum incident_kind k, cur = (enum incident_kind)s->kind;

	if (ak == INCIDENT_COMPROMISE || ak == INCIDENT_EXPLOIT ||
	    ak == INCIDENT_DOS)
		k = ak;
	else if (incident_ports(s) >= m->scan_ports)
		k = INCIDENT_SCAN;
	else if (incident_hosts(s) >= m->sweep_hosts)
		k = INCIDENT_SWEEP;
	else if (s->auth >= m->brute_force_count)
		k = INCIDENT_BRUTE_FORCE;
	else if (incident_hosts(s) <= 1 && incident_ports(s) <= 1)
		k = INCIDENT_PROBE;
	else
		k = INCIDENT_OTHER;
	if (s->alerts > 1 && rank(cur) > rank(k))
		return cur;
	return k;
}

char *
incident_summary_json(const struct inc_state *s)
{
	json_t *o = json_object(), *sigs = json_object(),
	    *ports = json_object();
	char key[32];
	char *out;
	int i;

	for (i = 0; i < s->nsigs; i++) {
		snprintf(key, sizeof(key), "%u:%u", s->sigs[i].gid,
		    s->sigs[i].sid);
		json_object_set_new(sigs, key, json_integer(s->sigs[i].n));
	}
	if (s->sig_other)
		json_object_set_new(sigs, "other", json_integer(s->sig_other));
	for (i = 0; i < s->nports; i++) {
		snprintf(key, sizeof(key), "%u", s->ports[i].port);
		json_object_set_new(ports, key, json_integer(s->ports[i].n));
	}
	json_object_set_new(o, "signatures", sigs);
	json_object_set_new(o, "dest_ports", ports);
	json_object_set_new(o, "dest_port_count",
	    json_integer(incident_ports(s)));
	json_object_set_new(o, "dest_hosts", json_integer(incident_hosts(s)));
	json_object_set_new(o, "established",
	    json_boolean(s->flags & INC_F_ESTABLISHED));
	out = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (out == NULL)
		fatalx("incident: out of memory");
	return out;
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

char *
incident_json(const struct incident_row *r)
{
	json_t *o = json_object(), *sum;
	json_error_t je;
	char t1[64], t2[64];
	const char *k;
	json_t *v;
	char *out;

	json_object_set_new(o, "type", json_string("incident"));
	json_object_set_new(o, "id", json_integer(r->id));
	json_object_set_new(o, "kind",
	    json_string(incident_kind_name(r->kind)));
	json_object_set_new(o, "state", json_string(r->state));
	json_object_set_new(o, "src_ip", json_string(r->src));
	json_object_set_new(o, "dest_ip", json_string(r->dst));
	json_object_set_new(o, "first_seen", json_string(
	    alert_time_format(r->first_usec, r->tz_min, t1, sizeof(t1))));
	json_object_set_new(o, "last_seen", json_string(
	    alert_time_format(r->last_usec, r->tz_min, t2, sizeof(t2))));
	json_object_set_new(o, "alerts", json_integer(r->alerts));
	if (r->internal)
		json_object_set_new(o, "internal", json_true());
	sum = r->summary_json ? json_loads(r->summary_json, 0, &je) : NULL;
	if (sum && json_is_object(sum))
		json_object_foreach(sum, k, v)
			json_object_set(o, k, v);
	json_decref(sum);
	out = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (out == NULL)
		fatalx("incident: out of memory");
	return out;
}
