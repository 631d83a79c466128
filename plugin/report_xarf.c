/* SPDX-License-Identifier: MIT */
/*
 * The machine-readable parts of a report: the X-ARF 0.2 report.txt (YAML
 * after the published xarf-schemata, one schema per kind that has one)
 * and the XARF JSON of the abusix/xarf schemas, version 3. Kinds without
 * a schema that is true of them get no such part. The MIME layout around
 * them (three parts, PLAIN or SECURE) is report_mime.c's.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "report.h"
#include "xmalloc.h"

#define XARF_SAMPLES	20	/* evidence lines in the JSON */

/* X-ARF 0.2 Report-Type and schema file per kind; NULL: none fits. */
static const char *const xarf02_type[INCIDENT_KIND_MAX] = {
	[INCIDENT_BRUTE_FORCE] = "login-attack",
	[INCIDENT_EXPLOIT] = "malware-attack",
};
static const char *const xarf02_schema[INCIDENT_KIND_MAX] = {
	[INCIDENT_BRUTE_FORCE] = "abuse_login-attack_0.1.2.json",
	[INCIDENT_EXPLOIT] = "abuse_malware-attack_0.1.4.json",
};
/* XARF JSON (schema version 3) ReportType per kind; NULL: none fits. */
static const char *const xarf3_type[INCIDENT_KIND_MAX] = {
	[INCIDENT_PROBE] = "PortScan", [INCIDENT_SWEEP] = "PortScan",
	[INCIDENT_SCAN] = "PortScan", [INCIDENT_BRUTE_FORCE] = "LoginAttack",
	[INCIDENT_EXPLOIT] = "Exploit",
};

const char *
report_xarf02_type(enum incident_kind k)
{
	return (unsigned)k < INCIDENT_KIND_MAX ? xarf02_type[k] : NULL;
}

const char *
report_xarf3_type(enum incident_kind k)
{
	return (unsigned)k < INCIDENT_KIND_MAX ? xarf3_type[k] : NULL;
}

static void
rfc3339(int64_t usec, char *buf, size_t len)
{
	time_t		t = (time_t)(usec / 1000000);
	struct tm	tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		strlcpy_r(buf, "1970-01-01T00:00:00Z", len);
}

/* The domain of our reports: message_id_domain, else From's domain. */
static const char *
our_domain(const struct report_conf *rc)
{
	const char *at;

	if (rc->message_id_domain != NULL && rc->message_id_domain[0])
		return rc->message_id_domain;
	at = rc->from != NULL ? strrchr(rc->from, '@') : NULL;
	return at != NULL && at[1] ? at + 1 : "localhost";
}

char *
report_xarf_id(const struct report_conf *rc, const struct incident_row *in)
{
	return xasprintf("redress-%lld-%llx@%s", (long long)in->id,
	    (unsigned long long)in->first_usec, our_domain(rc));
}

/*
 * 1 when the incidents of a report can be one machine report: one
 * source, one kind (X-ARF 0.2 describes a single source; bulk reports
 * are not written).
 */
static int
one_source(const struct report_incident *inc, size_t n)
{
	size_t i;

	for (i = 1; i < n; i++)
		if (strcmp(inc[i].row->src, inc[0].row->src) != 0 ||
		    inc[i].row->kind != inc[0].row->kind)
			return 0;
	return inc[0].row->src[0] != '\0';
}

static long long
occurrences(const struct report_incident *inc, size_t n)
{
	long long a = 0;
	size_t i;

	for (i = 0; i < n; i++)
		a += inc[i].row->alerts;
	return a;
}

static const char *
ip_type(const char *ip)
{
	return strchr(ip, ':') != NULL ? "ipv6" : "ipv4";
}

/* The X-ARF 0.2 second part (YAML) for the schema of the kind. */
static char *
xarf02_text(const struct report_conf *rc, const struct report_incident *inc,
    size_t n, const char *service, int port)
{
	const struct incident_row *in = inc[0].row;
	char date[40], *id, *s;
	FILE *f;
	size_t len = 0;

	s = NULL;
	if ((f = open_memstream(&s, &len)) == NULL)
		return NULL;
	rfc3339(in->first_usec, date, sizeof(date));
	id = report_xarf_id(rc, in);
	fprintf(f, "Reported-From: %s\n", rc->from);
	fprintf(f, "Report-ID: %s\n", id);
	fprintf(f, "Category: abuse\n");
	fprintf(f, "Report-Type: %s\n", xarf02_type[in->kind]);
	if (in->kind == INCIDENT_BRUTE_FORCE) {
		fprintf(f, "Service: %s\n", service[0] ? service : "unknown");
		fprintf(f, "Port: %d\n", port);
	}
	fprintf(f, "User-Agent: redress\n");
	fprintf(f, "Date: %s\n", date);
	fprintf(f, "Source: %s\n", in->src);
	fprintf(f, "Source-Type: %s\n", ip_type(in->src));
	if (in->kind == INCIDENT_BRUTE_FORCE && in->dst[0]) {
		fprintf(f, "Destination: %s\n", in->dst);
		fprintf(f, "Destination-Type: %s\n", ip_type(in->dst));
	}
	if (in->kind == INCIDENT_EXPLOIT)
		fprintf(f, "Destination-System: real-world\n");
	fprintf(f, "Attachment: text/plain\n");
	fprintf(f, "Schema-URL: http://www.x-arf.org/schema/%s\n",
	    xarf02_schema[in->kind]);
	fprintf(f, "Version: 0.2\n");
	fprintf(f, "Occurrences: %lld\n", occurrences(inc, n));
	free(id);
	if (fclose(f) != 0) {
		free(s);
		return NULL;
	}
	return s;
}

/* One evidence sample: the log line, its sensor when it named itself. */
static json_t *
sample(const char *alert_json)
{
	char line[1024], *desc;
	struct err e = { "", 0 };
	const char *host = NULL;
	json_t *o, *a, *s;

	if (report_evidence_line(alert_json, NULL, line, sizeof(line),
	    &e) == -1)
		return NULL;
	o = json_loads(alert_json, 0, NULL);
	a = json_object_get(o, "alert");
	if (json_is_string(json_object_get(o, "host")))
		host = json_string_value(json_object_get(o, "host"));
	desc = xasprintf("intrusion detection alert %lld:%lld%s%s, as the "
	    "sensor logged it (time in our zone)",
	    (long long)json_integer_value(json_object_get(a, "gid")),
	    (long long)json_integer_value(json_object_get(a,
	    "signature_id")), host ? " of sensor " : "", host ? host : "");
	s = json_pack("{s:s, s:s, s:s}", "ContentType", "text/plain",
	    "Description", desc, "Payload", line);
	free(desc);
	json_decref(o);
	return s;
}

/* ReporterInfo: the organisation, its domain and address. */
static json_t *
reporter_info(const struct report_conf *rc)
{
	const char *org = rc->organisation;
	json_t *ri;

	if (org == NULL || strlen(org) < 3)
		org = our_domain(rc);
	ri = json_pack("{s:s, s:s, s:s, s:s}", "ReporterType", "Org",
	    "ReporterOrg", org, "ReporterOrgDomain", our_domain(rc),
	    "ReporterOrgEmail", rc->from);
	if (rc->name != NULL && strlen(rc->name) >= 3)
		json_object_set_new(ri, "ReporterContactName",
		    json_string(rc->name));
	return ri;
}

static char *
xarf3_json(const struct report_conf *rc, const struct report_incident *inc,
    size_t n, const char *service, int port, const char *proto)
{
	const struct incident_row *in = inc[0].row;
	json_t *o, *rep, *samples, *smp;
	char first[40], last[40], *id, *s;
	int64_t lo = in->first_usec, hi = in->last_usec;
	size_t i, j;

	for (i = 1; i < n; i++) {
		if (inc[i].row->first_usec < lo)
			lo = inc[i].row->first_usec;
		if (inc[i].row->last_usec > hi)
			hi = inc[i].row->last_usec;
	}
	rfc3339(lo, first, sizeof(first));
	rfc3339(hi, last, sizeof(last));
	id = report_xarf_id(rc, in);
	rep = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}",
	    "ReportClass", "Activity", "ReportType", xarf3_type[in->kind],
	    "ReporterCaseID", id, "Date", last, "FirstSeen", first,
	    "SourceIp", in->src);
	free(id);
	if (in->dst[0] && in->kind != INCIDENT_SWEEP)
		json_object_set_new(rep, "DestinationIp", json_string(in->dst));
	if (port > 0 && port <= 65535)
		json_object_set_new(rep, "DestinationPort", json_integer(port));
	if (in->kind == INCIDENT_EXPLOIT) {
		if (strcasecmp(proto, "tcp") == 0 ||
		    strcasecmp(proto, "udp") == 0) {
			char p[4] = { 0 };

			for (i = 0; i < 3; i++)
				p[i] = (char)(proto[i] | 0x20);
			json_object_set_new(rep, "TransportProtocol",
			    json_string(p));
		}
		if (service[0])
			json_object_set_new(rep, "Service",
			    json_pack("{s:s}", "ServiceName", service));
	}
	samples = json_array();
	for (i = 0; i < n; i++)
		for (j = 0; j < inc[i].nevidence &&
		    json_array_size(samples) < XARF_SAMPLES; j++)
			if ((smp = sample(inc[i].evidence[j])) != NULL)
				json_array_append_new(samples, smp);
	if (json_array_size(samples) > 0)
		json_object_set_new(rep, "Samples", samples);
	else
		json_decref(samples);
	o = json_pack("{s:s, s:o, s:b, s:o}", "Version", "3",
	    "ReporterInfo", reporter_info(rc), "Disclosure", 1,
	    "Report", rep);
	s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(o);
	return s;
}

static void
part_add(struct report *r, const char *name, const char *type, char *data,
    int inline_text)
{
	struct report_part	*p;

	r->parts = xreallocarray(r->parts, r->nparts + 1, sizeof(*r->parts));
	p = &r->parts[r->nparts++];
	p->filename = xstrdup(name);
	p->content_type = xstrdup(type);
	p->data = (unsigned char *)data;
	p->len = strlen(data);
	p->inline_text = inline_text;
}

int
report_xarf_parts(const struct report_conf *rc,
    const struct report_incident *inc, size_t n, const char *service,
    int port, const char *proto, int more_parts, struct report *r)
{
	enum incident_kind k = inc[0].row->kind;
	char *x;

	if (n == 0 || !one_source(inc, n) || (unsigned)k >= INCIDENT_KIND_MAX)
		return 0;
	if ((rc->xarf == XARF_V02 || rc->xarf == XARF_BOTH) &&
	    xarf02_type[k] != NULL && !more_parts) {
		if ((x = xarf02_text(rc, inc, n, service, port)) == NULL)
			return -1;
		r->xarf_v02 = 1;
		part_add(r, "report.txt", "text/plain; charset=utf-8", x, 1);
		return 0;
	}
	if ((rc->xarf == XARF_V4 || rc->xarf == XARF_BOTH) &&
	    xarf3_type[k] != NULL) {
		if ((x = xarf3_json(rc, inc, n, service, port, proto)) == NULL)
			return -1;
		part_add(r, "xarf.json", "application/json", x, 0);
	}
	return 0;
}
