/* SPDX-License-Identifier: MIT */
/*
 * Builds an abuse report from incidents, their evidence and a contact:
 * renders the incident kind's template into subject and polite text,
 * turns evidence alerts into readable log lines in our time zone, and
 * writes the X-ARF v0.2 report.txt and the XARF v4 JSON parts.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alert.h"
#include "report.h"
#include "template.h"
#include "xmalloc.h"

static const struct {
	int		 port;
	const char	*name;
} services[] = {
	{ 21, "FTP" }, { 22, "SSH" }, { 23, "Telnet" }, { 25, "SMTP" },
	{ 53, "DNS" }, { 80, "HTTP" }, { 110, "POP3" }, { 111, "RPC" },
	{ 135, "MSRPC" }, { 139, "NetBIOS" }, { 143, "IMAP" },
	{ 443, "HTTPS" }, { 445, "SMB" }, { 465, "SMTPS" }, { 587, "SMTP" },
	{ 993, "IMAPS" }, { 995, "POP3S" }, { 1433, "MSSQL" },
	{ 3306, "MySQL" }, { 3389, "RDP" }, { 5060, "SIP" },
	{ 5432, "PostgreSQL" }, { 5900, "VNC" }, { 8080, "HTTP" },
};

const char *
report_service_name(int port, const char *proto)
{
	size_t	i;

	(void)proto;
	for (i = 0; i < sizeof(services) / sizeof(services[0]); i++)
		if (services[i].port == port)
			return services[i].name;
	return "";
}

/* How the subject names each kind: "[SECURITY] FTP exploit attempt ..." */
static const char *const kind_phrase[INCIDENT_KIND_MAX] = {
	[INCIDENT_PROBE] = "probe",
	[INCIDENT_SWEEP] = "address sweep",
	[INCIDENT_SCAN] = "port scan",
	[INCIDENT_BRUTE_FORCE] = "password guessing",
	[INCIDENT_EXPLOIT] = "exploit attempt",
	[INCIDENT_COMPROMISE] = "compromised host",
	[INCIDENT_DOS] = "denial of service",
	[INCIDENT_OTHER] = "attack",
};

static const char *const kind_file[INCIDENT_KIND_MAX] = {
	[INCIDENT_PROBE] = "probe", [INCIDENT_SWEEP] = "sweep",
	[INCIDENT_SCAN] = "scan", [INCIDENT_BRUTE_FORCE] = "brute-force",
	[INCIDENT_EXPLOIT] = "exploit", [INCIDENT_COMPROMISE] = "compromise",
	[INCIDENT_DOS] = "dos", [INCIDENT_OTHER] = "default",
};

/* X-ARF v0.2 report type and XARF v4 class/type per kind. */
static const char *const xarf02_type[INCIDENT_KIND_MAX] = {
	[INCIDENT_PROBE] = "info", [INCIDENT_SWEEP] = "info",
	[INCIDENT_SCAN] = "info", [INCIDENT_BRUTE_FORCE] = "login-attack",
	[INCIDENT_EXPLOIT] = "malware-attack",
	[INCIDENT_COMPROMISE] = "malware-attack", [INCIDENT_DOS] = "info",
	[INCIDENT_OTHER] = "info",
};
static const char *const xarf4_type[INCIDENT_KIND_MAX] = {
	[INCIDENT_PROBE] = "PortScan", [INCIDENT_SWEEP] = "PortScan",
	[INCIDENT_SCAN] = "PortScan", [INCIDENT_BRUTE_FORCE] = "LoginAttack",
	[INCIDENT_EXPLOIT] = "Exploit", [INCIDENT_COMPROMISE] = "Exploit",
	[INCIDENT_DOS] = "DDoS", [INCIDENT_OTHER] = "Activity",
};

/* Local time with zone name and UTC offset: "2024-01-02 03:04:05 CET (UTC+0100)". */
static void
local_time(int64_t usec, char *buf, size_t len)
{
	time_t		t = (time_t)(usec / 1000000);
	struct tm	tm;

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d %H:%M:%S %Z (UTC%z)", &tm) == 0)
		strlcpy_r(buf, "?", len);
}

static void
rfc3339(int64_t usec, char *buf, size_t len)
{
	time_t		t = (time_t)(usec / 1000000);
	struct tm	tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		strlcpy_r(buf, "?", len);
}

static const char *
jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "";
}

int
report_evidence_line(const char *alert_json, const char *tz, char *buf,
    size_t len, struct err *e)
{
	json_error_t	 je;
	json_t		*o, *a, *h;
	const char	*ts;
	int64_t		 usec;
	int16_t		 off;
	char		 when[96], *p;
	int		 n, m = 0;

	(void)tz;
	if ((o = json_loads(alert_json, 0, &je)) == NULL ||
	    !json_is_object(o)) {
		json_decref(o);
		return err_set(e, "evidence: not a JSON object: %s", je.text);
	}
	ts = jstr(o, "timestamp");
	if (alert_time_parse(ts, strlen(ts), &usec, &off) == -1) {
		err_set(e, "evidence: bad timestamp \"%.40s\"", ts);
		json_decref(o);
		return -1;
	}
	local_time(usec, when, sizeof(when));
	a = json_object_get(o, "alert");
	n = snprintf(buf, len, "%s  %s:%lld -> %s:%lld %s  [%lld:%lld] %s",
	    when, jstr(o, "src_ip"),
	    (long long)json_integer_value(json_object_get(o, "src_port")),
	    jstr(o, "dest_ip"),
	    (long long)json_integer_value(json_object_get(o, "dest_port")),
	    jstr(o, "proto"),
	    (long long)json_integer_value(json_object_get(a, "gid")),
	    (long long)json_integer_value(json_object_get(a,
	    "signature_id")), jstr(a, "signature"));
	/* The request, as the sensor logged it: "(HTTP GET host /url)". */
	h = json_object_get(o, "http");
	if (n >= 0 && (size_t)n < len && json_is_object(h) &&
	    (*jstr(h, "hostname") || *jstr(h, "url")))
		m = snprintf(buf + n, len - (size_t)n, "  (HTTP%s%s%s%s%s%s)",
		    *jstr(h, "http_method") ? " " : "", jstr(h, "http_method"),
		    *jstr(h, "hostname") ? " " : "", jstr(h, "hostname"),
		    *jstr(h, "url") ? " " : "", jstr(h, "url"));
	/* Several sensors (docs/multi-sensor.md): which one saw it. */
	if (n >= 0 && m >= 0 && (size_t)(n + m) < len && *jstr(o, "host"))
		snprintf(buf + n + m, len - (size_t)(n + m),
		    "  (seen by our sensor %s)", jstr(o, "host"));
	json_decref(o);
	if (n < 0 || m < 0)
		return err_set(e, "evidence: format error");
	/* One line whatever the stored texts hold. */
	for (p = buf; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return 0;
}

/* Destination port of the first evidence alert, 0 when none. */
static int
first_port(const struct report_incident *ri, char *proto, size_t plen)
{
	json_t	*o;
	int	 port = 0;

	proto[0] = '\0';
	if (ri->nevidence == 0 ||
	    (o = json_loads(ri->evidence[0], 0, NULL)) == NULL)
		return 0;
	port = (int)json_integer_value(json_object_get(o, "dest_port"));
	strlcpy_r(proto, jstr(o, "proto"), plen);
	json_decref(o);
	return port;
}

void
report_free(struct report *r)
{
	size_t	i;

	free(r->subject);
	free(r->to);
	free(r->cc);
	free(r->body);
	free(r->message_id);
	free(r->in_reply_to);
	for (i = 0; i < r->nparts; i++) {
		free(r->parts[i].filename);
		free(r->parts[i].content_type);
		free(r->parts[i].data);
	}
	free(r->parts);
	memset(r, 0, sizeof(*r));
}

static void
part_add(struct report *r, const char *name, const char *type, char *data,
    size_t len, int inline_text)
{
	struct report_part	*p;

	r->parts = xreallocarray(r->parts, r->nparts + 1, sizeof(*r->parts));
	p = &r->parts[r->nparts++];
	p->filename = xstrdup(name);
	p->content_type = xstrdup(type);
	p->data = (unsigned char *)data;
	p->len = len;
	p->inline_text = inline_text;
}

static struct tmpl *
load_template(const struct report_conf *rc, enum incident_kind k,
    struct err *e)
{
	struct tmpl	*t;
	char		*path;
	int		 rc2;

	path = xasprintf("%s/%s.tmpl", rc->template_dir, kind_file[k]);
	if (access(path, F_OK) != 0) {
		free(path);
		path = xasprintf("%s/default.tmpl", rc->template_dir);
	}
	rc2 = tmpl_load(path, &t, e);
	free(path);
	return rc2 == -1 ? NULL : t;
}

static char *
xarf02_text(const struct report_conf *rc, const struct report_incident *ri,
    const char *service, int port, const char *date)
{
	const struct incident_row *in = ri->row;

	return xasprintf(
	    "Reported-From: %s\n"
	    "Category: abuse\n"
	    "Report-Type: %s\n"
	    "Service: %s\n"
	    "Version: 0.2\n"
	    "User-Agent: redress\n"
	    "Date: %s\n"
	    "Source-Type: %s\n"
	    "Source: %s\n"
	    "Port: %d\n"
	    "Destination: %s\n"
	    "Occurrences: %lld\n"
	    "Attachment: text/plain\n"
	    "Schema-URL: http://www.x-arf.org/schema/abuse_%s_0.1.2.json\n",
	    rc->from, xarf02_type[in->kind], service[0] ? service : "unknown",
	    date, strchr(in->src, ':') != NULL ? "ipv6" : "ipv4", in->src,
	    port, in->dst, (long long)in->alerts, xarf02_type[in->kind]);
}

static char *
xarf4_json(const struct report_conf *rc, const struct report_incident *ri,
    int port, const char *proto, const char *date)
{
	const struct incident_row *in = ri->row;
	json_t	*o, *rep, *samples;
	char	*s;
	size_t	 i;

	samples = json_array();
	for (i = 0; i < ri->nevidence && i < 20; i++)
		json_array_append_new(samples, json_string(ri->evidence[i]));
	rep = json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:I, s:o}",
	    "ReportClass", "Activity", "ReportType", xarf4_type[in->kind],
	    "Date", date, "SourceIp", in->src, "SourcePort", 0,
	    "DestinationIp", in->dst, "DestinationPort", "",
	    "Occurrences", (json_int_t)in->alerts, "Samples", samples);
	json_object_set_new(rep, "DestinationPort", json_integer(port));
	json_object_del(rep, "SourcePort");
	if (proto[0] != '\0')
		json_object_set_new(rep, "Protocol", json_string(proto));
	o = json_pack("{s:s, s:{s:s, s:s, s:s}, s:b, s:o}",
	    "Version", "2",
	    "ReporterInfo", "ReporterOrg", rc->organisation,
	    "ReporterOrgEmail", rc->from, "ReporterContactName", rc->name,
	    "Disclosure", 1, "Report", rep);
	s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(o);
	return s;
}

/* Alerts of an incident beyond the log lines it comes with (0 if none). */
static long long
more_alerts(const struct report_incident *ri)
{
	long long n = (long long)ri->row->alerts - (long long)ri->nevidence;

	return n > 0 ? n : 0;
}

int
report_build(const struct report_conf *rc, const struct report_incident *inc,
    size_t n, const struct report_contact *c, int64_t now, struct report *r,
    struct err *e)
{
	struct tmpl_ctx	*ctx;
	struct tmpl	*t;
	char		 buf[1024], proto[16], date[40], *text, *hdr, *body;
	char		*p;
	const char	*service;
	size_t		 i, j;
	int		 port, compromise = 0;
	long long	 alerts = 0;

	memset(r, 0, sizeof(*r));
	if (n == 0)
		return err_set(e, "report: no incidents");
	if ((t = load_template(rc, inc[0].row->kind, e)) == NULL)
		return -1;
	port = first_port(&inc[0], proto, sizeof(proto));
	service = report_service_name(port, proto);
	rfc3339(now, date, sizeof(date));

	ctx = tmpl_ctx_new();
	tmpl_ctx_set(ctx, "name", rc->name);
	tmpl_ctx_set(ctx, "organisation", rc->organisation);
	tmpl_ctx_set(ctx, "role", rc->role);
	tmpl_ctx_set(ctx, "from", rc->from);
	tmpl_ctx_set(ctx, "key_url", rc->key_url != NULL ? rc->key_url : "");
	tmpl_ctx_set(ctx, "network", c->network[0] ? c->network : c->address);
	tmpl_ctx_set(ctx, "contact", c->address);
	tmpl_ctx_set(ctx, "kind", kind_file[inc[0].row->kind]);
	tmpl_ctx_set(ctx, "kind_phrase", kind_phrase[inc[0].row->kind]);
	tmpl_ctx_set(ctx, "service", service);
	tmpl_ctx_setf(ctx, "port", "%d", port);
	tmpl_ctx_set(ctx, "proto", proto);
	local_time(now, buf, sizeof(buf));
	tmpl_ctx_set(ctx, "date", buf);
	tmpl_ctx_set(ctx, "src", inc[0].row->src);
	tmpl_ctx_set(ctx, "dst", inc[0].row->dst);
	tmpl_ctx_list(ctx, "incidents");
	for (i = 0; i < n; i++) {
		const struct incident_row *in = inc[i].row;
		struct tmpl_ctx *ic = tmpl_ctx_add(ctx, "incidents");

		tmpl_ctx_set(ic, "src", in->src);
		tmpl_ctx_set(ic, "dst", in->dst);
		local_time(in->first_usec, buf, sizeof(buf));
		tmpl_ctx_set(ic, "first", buf);
		local_time(in->last_usec, buf, sizeof(buf));
		tmpl_ctx_set(ic, "last", buf);
		tmpl_ctx_setf(ic, "alerts", "%lld", (long long)in->alerts);
		alerts += in->alerts;
		if (in->kind == INCIDENT_COMPROMISE)
			compromise = 1;
		tmpl_ctx_list(ic, "evidence");
		for (j = 0; j < inc[i].nevidence; j++) {
			struct err ee = { "", 0 };

			if (report_evidence_line(inc[i].evidence[j], NULL,
			    buf, sizeof(buf), &ee) == -1)
				continue;
			tmpl_ctx_set(tmpl_ctx_add(ic, "evidence"), "line",
			    buf);
		}
		if (more_alerts(&inc[i]) > 0)
			tmpl_ctx_setf(ic, "more", "%lld", more_alerts(&inc[i]));
		if (inc[i].pcap != NULL && rc->attach_pcap) {
			tmpl_ctx_set(ctx, "pcap", "yes");
			p = xmalloc(inc[i].pcap_len);
			memcpy(p, inc[i].pcap, inc[i].pcap_len);
			part_add(r, "evidence.pcap",
			    "application/vnd.tcpdump.pcap", p,
			    inc[i].pcap_len, 0);
		}
	}
	tmpl_ctx_setf(ctx, "alerts", "%lld", alerts);
	tmpl_ctx_set(ctx, "compromise", compromise ? "yes" : "");

	text = tmpl_render(t, ctx, e);
	tmpl_ctx_free(ctx);
	tmpl_free(t);
	if (text == NULL)
		return -1;
	tmpl_split(text, &hdr, &body);
	if (strncasecmp(hdr, "Subject:", 8) != 0) {
		free(text);
		report_free(r);
		return err_set(e, "report: template has no \"Subject:\" "
		    "header line");
	}
	p = hdr + 8;
	p += strspn(p, " \t");
	r->subject = xstrndup(p, strcspn(p, "\r\n"));
	r->body = xstrdup(body);
	free(text);
	r->to = xstrdup(c->address);
	r->in_reply_to = xstrdup("");

	if (rc->xarf == XARF_V02 || rc->xarf == XARF_BOTH) {
		char *x = xarf02_text(rc, &inc[0], service, port, date);

		r->xarf_v02 = 1;
		part_add(r, "report.txt", "text/plain; charset=utf-8", x,
		    strlen(x), 1);
	}
	if (rc->xarf == XARF_V4 || rc->xarf == XARF_BOTH) {
		char *x = xarf4_json(rc, &inc[0], port, proto, date);

		part_add(r, "xarf.json", "application/json", x, strlen(x),
		    0);
	}
	{
		/* The evidence as plain log lines (X-ARF's third part). */
		struct { char *s; size_t len, cap; } lg = { NULL, 0, 0 };

		for (i = 0; i < n; i++)
			for (j = 0; j < inc[i].nevidence; j++) {
				struct err ee = { "", 0 };
				size_t l;

				if (report_evidence_line(inc[i].evidence[j],
				    NULL, buf, sizeof(buf), &ee) == -1)
					continue;
				l = strlen(buf);
				if (lg.len + l + 2 > lg.cap) {
					lg.cap = (lg.len + l + 2) * 2;
					lg.s = xreallocarray(lg.s, lg.cap, 1);
				}
				memcpy(lg.s + lg.len, buf, l);
				lg.len += l;
				lg.s[lg.len++] = '\n';
				lg.s[lg.len] = '\0';
			}
		if (lg.s != NULL)
			part_add(r, "logs.txt", "text/plain; charset=utf-8",
			    lg.s, lg.len, 1);
	}
	return 0;
}

char *
report_addendum(const struct report_incident *inc, size_t n)
{
	char	*out = NULL, buf[1024];
	size_t	 len = 0, i, j;
	FILE	*f;

	if (n == 0 || (f = open_memstream(&out, &len)) == NULL)
		return NULL;
	fprintf(f, "\nP.S. Since this text was written, %s joined "
	    "this report:\n", n == 1 ? "one more incident has" :
	    "more incidents have");
	for (i = 0; i < n; i++) {
		const struct incident_row *in = inc[i].row;

		fprintf(f, "\nSource address:  %s\n", in->src);
		fprintf(f, "Our host:        %s\n", in->dst);
		fprintf(f, "What:            %s\n", kind_phrase[in->kind]);
		local_time(in->first_usec, buf, sizeof(buf));
		fprintf(f, "First seen:      %s\n", buf);
		local_time(in->last_usec, buf, sizeof(buf));
		fprintf(f, "Last seen:       %s\n", buf);
		fprintf(f, "Alerts:          %lld\n\n", (long long)in->alerts);
		for (j = 0; j < inc[i].nevidence; j++) {
			struct err ee = { "", 0 };

			if (report_evidence_line(inc[i].evidence[j], NULL,
			    buf, sizeof(buf), &ee) == 0)
				fprintf(f, "  %s\n", buf);
		}
		if (more_alerts(&inc[i]) > 0)
			fprintf(f, "  ... and %lld more alerts\n",
			    more_alerts(&inc[i]));
	}
	if (fclose(f) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

char *
report_message_id(const char *domain, int64_t id)
{
	unsigned char	rnd[8];
	FILE		*fp;
	unsigned long long v = 0;
	size_t		i;

	if ((fp = fopen("/dev/urandom", "r")) != NULL) {
		if (fread(rnd, 1, sizeof(rnd), fp) == sizeof(rnd))
			for (i = 0; i < sizeof(rnd); i++)
				v = v << 8 | rnd[i];
		fclose(fp);
	}
	if (v == 0)
		v = (unsigned long long)time(NULL) ^
		    ((unsigned long long)getpid() << 32);
	return xasprintf("<redress.%lld.%016llx@%s>", (long long)id, v,
	    domain);
}
