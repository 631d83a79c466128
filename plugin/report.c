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

char *
report_template_path(const struct report_conf *rc, enum incident_kind k)
{
	char	*path;

	path = xasprintf("%s/%s.tmpl", rc->template_dir, kind_file[k]);
	if (access(path, F_OK) != 0) {
		free(path);
		path = xasprintf("%s/default.tmpl", rc->template_dir);
	}
	return path;
}

static struct tmpl *
load_template(const struct report_conf *rc, enum incident_kind k, int team,
    struct err *e)
{
	struct tmpl	*t;
	char		*path;
	int		 rc2;

	/* Our own team hears what was done on our host (not the kind's
	 * text, which is written to the attacker's network). */
	if (team && k != INCIDENT_COMPROMISE) {
		path = xasprintf("%s/local-containment.tmpl",
		    rc->template_dir);
		if (access(path, F_OK) != 0) {
			free(path);
			path = report_template_path(rc, k);
		}
	} else
		path = report_template_path(rc, k);
	rc2 = tmpl_load(path, &t, e);
	free(path);
	return rc2 == -1 ? NULL : t;
}

/*
 * 1 when reports of this kind are approved without review (the
 * reporter still holds a low-confidence contact's report for review,
 * so "checked by a person" is said only where it always holds).
 */
static int
skips_review(const struct report_conf *rc, const char *kind)
{
	size_t i;

	for (i = 0; i < rc->skip_review.n; i++)
		if (strcmp(rc->skip_review.v[i], kind) == 0)
			return 1;
	return 0;
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
	char		 buf[1024], proto[16], *text, *hdr, *body;
	char		*p;
	const char	*service;
	size_t		 i, j;
	char		 names[256], host[256];
	int		 port, compromise = 0, pcaps = 0, contained = 0;
	long long	 alerts = 0;

	memset(r, 0, sizeof(*r));
	if (n == 0)
		return err_set(e, "report: no incidents");
	if ((t = load_template(rc, inc[0].row->kind, c->team, e)) == NULL)
		return -1;
	port = first_port(&inc[0], proto, sizeof(proto));
	service = report_service_name(port, proto);

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
	if (c->team) {
		if (gethostname(host, sizeof(host)) != 0)
			strlcpy_r(host, "?", sizeof(host));
		host[sizeof(host) - 1] = '\0';
		tmpl_ctx_set(ctx, "host", host);
	}
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
		tmpl_ctx_set(ic, "what", kind_phrase[in->kind]);
		alerts += in->alerts;
		/* Local account names: for our own team only. */
		if (c->team) {
			report_team_ctx(ic, &inc[i], names, sizeof(names));
			tmpl_ctx_set(ic, "locked", names);
			if (tmpl_ctx_get(ctx, "locked") == NULL ||
			    *tmpl_ctx_get(ctx, "locked") == '\0')
				tmpl_ctx_set(ctx, "locked", names);
		}
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
		/* Blocked: only what a responder really applied. */
		buf[0] = '\0';
		if (inc[i].contained_until > 0) {
			local_time(inc[i].contained_until, buf, sizeof(buf));
			contained++;
		}
		tmpl_ctx_set(ic, "contained", buf);
		if (inc[i].pcap != NULL && rc->attach_pcap) {
			tmpl_ctx_set(ctx, "pcap", "yes");
			pcaps++;
		}
	}
	tmpl_ctx_setf(ctx, "alerts", "%lld", alerts);
	tmpl_ctx_set(ctx, "compromise", compromise ? "yes" : "");
	/* "all_contained": every incident of the report is blocked. */
	tmpl_ctx_set(ctx, "all_contained", contained == (int)n ? "yes" : "");
	tmpl_ctx_set(ctx, "signed", rc->sign_key != NULL &&
	    rc->sign_key[0] != '\0' ? "yes" : "");
	tmpl_ctx_set(ctx, "reviewed", skips_review(rc,
	    incident_kind_name(inc[0].row->kind)) ? "" : "yes");

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

	/* Text, machine part, log lines: X-ARF's three parts. */
	if (report_xarf_parts(rc, inc, n, service, port, proto, pcaps > 0,
	    r) == -1) {
		report_free(r);
		return err_set(e, "report: out of memory");
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
		if (lg.s == NULL && r->xarf_v02)
			lg.s = xasprintf("(no log lines were kept; %lld "
			    "alerts)\n", alerts);
		if (lg.s != NULL)
			part_add(r, "logs.txt", "text/plain; charset=utf-8",
			    lg.s, strlen(lg.s), 1);
	}
	for (i = 0; i < n && rc->attach_pcap; i++)
		if (inc[i].pcap != NULL) {
			p = xmalloc(inc[i].pcap_len);
			memcpy(p, inc[i].pcap, inc[i].pcap_len);
			part_add(r, "evidence.pcap",
			    "application/vnd.tcpdump.pcap", p,
			    inc[i].pcap_len, 0);
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

const char *
report_mid_domain(const struct report_conf *rc)
{
	const char *at;

	if (rc->message_id_domain != NULL)
		return rc->message_id_domain;
	if (rc->from != NULL && (at = strrchr(rc->from, '@')) != NULL &&
	    at[1] != '\0')
		return at + 1;
	return "localhost";
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
