/* SPDX-License-Identifier: MIT */
/*
 * `redress status [--json] [--socket PATH]`: asks the running daemon over
 * its control socket (general.state_dir/control.sock) and prints a human
 * summary, or the raw JSON document with --json.
 */
#include <ctype.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_fmt.h"
#include "cmd.h"
#include "control.h"
#include "xmalloc.h"

static json_t *
lookup(json_t *o, const char *path)
{
	json_t *v = o;
	char key[64];
	const char *p = path, *dot;

	while (v != NULL && *p) {
		dot = strchr(p, '.');
		strlcpy_r(key, p, dot && (size_t)(dot - p) < sizeof(key) ?
		    (size_t)(dot - p) + 1 : sizeof(key));
		v = json_object_get(v, key);
		p = dot ? dot + 1 : p + strlen(p);
	}
	return v;
}

static long long
geti(json_t *o, const char *path)
{
	json_t *v = lookup(o, path);

	return json_is_integer(v) ? (long long)json_integer_value(v) : 0;
}

static const char *
gets_(json_t *o, const char *path)
{
	const char *s = json_string_value(lookup(o, path));

	return s ? s : "";
}

static void
human_bytes(unsigned long long b, char *buf, size_t len)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)b;
	size_t u = 0;

	while (v >= 1024 && u < 4) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%llu B", b);
	else
		snprintf(buf, len, "%.1f %s", v, unit[u]);
}

static void
human_duration(long long s, char *buf, size_t len)
{
	if (s < 60)
		snprintf(buf, len, "%llds", s);
	else if (s < 3600)
		snprintf(buf, len, "%lldm%02llds", s / 60, s % 60);
	else if (s < 86400)
		snprintf(buf, len, "%lldh%02lldm", s / 3600, s % 3600 / 60);
	else
		snprintf(buf, len, "%lldd%02lldh", s / 86400, s % 86400 / 3600);
}

static void
print_human(json_t *o)
{
	json_t *ins = json_object_get(o, "inputs"), *in, *errs, *hr, *v;
	char up[32], b1[32], b2[32], n1[64], n2[64];
	size_t i;

	human_duration(geti(o, "uptime_s"), up, sizeof(up));
	printf("redress: pid %lld, up %s%s\n", geti(o, "pid"), up,
	    json_is_true(json_object_get(o, "dry_run")) ? ", dry run" : "");
	printf("inputs:%s\n", json_array_size(ins) ? "" : " none");
	json_array_foreach(ins, i, in) {
		human_bytes((unsigned long long)geti(in, "bytes"), b1,
		    sizeof(b1));
		human_bytes((unsigned long long)geti(in, "lag_bytes"), b2,
		    sizeof(b2));
		printf("  %s %s (%s)\n", gets_(in, "type"), gets_(in, "path"),
		    json_is_true(json_object_get(in, "open")) ? "open" :
		    "not open, retrying");
		printf("    position %s, read %s, lag %s, %s, %lld bad\n",
		    *gets_(in, "bookmark") ? gets_(in, "bookmark") : "start",
		    b1, b2, cli_fmt_count(geti(in, "alerts"), "alert",
		    "alerts", n1, sizeof(n1)), geti(in, "bad"));
		if (geti(in, "lag_records") || geti(in, "unacked"))
			printf("    queued %lld, unacknowledged %lld\n",
			    geti(in, "lag_records"), geti(in, "unacked"));
	}
	v = json_object_get(o, "alerts_per_sec");
	printf("alerts: %.2f/s over the last minute, %lld since start\n",
	    json_is_number(v) ? json_number_value(v) : 0.0,
	    geti(o, "alerts_total"));
	printf("incidents open: %lld\n", geti(o, "incidents_open"));
	printf("blocks active: %lld\n", geti(o, "blocks_active"));
	printf("decisions pending: %lld contain, %lld report\n",
	    geti(o, "decisions_pending.contain"),
	    geti(o, "decisions_pending.report"));
	printf("reports: %s waiting for review (redress queue list)\n",
	    cli_fmt_count(geti(o, "reports.drafts_waiting"), "draft",
	    "drafts", n1, sizeof(n1)));
	printf("mail queue: %lld to send, %lld sent, %lld failed\n",
	    geti(o, "reports.mail_queue"), geti(o, "reports.sent"),
	    geti(o, "reports.failed"));
	if (geti(o, "reports.deferred") > 0)
		printf("  deferred: %s, next attempt %s (report %lld)\n"
		    "  last error: %s\n", cli_fmt_count(
		    geti(o, "reports.deferred"), "report", "reports", n1,
		    sizeof(n1)), gets_(o, "reports.next_attempt"),
		    geti(o, "reports.deferred_report"),
		    gets_(o, "reports.last_error"));
	printf("threads: %lld open, %lld answered, %lld bounced, %lld "
	    "closed\n", geti(o, "threads.open"), geti(o, "threads.answered"),
	    geti(o, "threads.bounced"), geti(o, "threads.closed"));
	hr = json_object_get(json_object_get(o, "resolver"), "cache_hit_rate");
	printf("resolver: %s cached, ", cli_fmt_count(
	    geti(o, "resolver.contacts_cached"), "contact", "contacts", n1,
	    sizeof(n1)));
	if (json_is_number(hr))
		printf("cache hit rate %.0f%% (%s, %s)\n",
		    json_number_value(hr) * 100.0,
		    cli_fmt_count(geti(o, "resolver.cache_hits"), "hit",
		    "hits", n1, sizeof(n1)),
		    cli_fmt_count(geti(o, "resolver.cache_misses"), "miss",
		    "misses", n2, sizeof(n2)));
	else
		printf("no cache lookups yet\n");
	errs = json_object_get(o, "errors");
	printf("last errors:%s\n", json_array_size(errs) ? "" : " none");
	json_array_foreach(errs, i, v)
		printf("  %s\n", json_string_value(v) ? json_string_value(v) :
		    "?");
}

int
cmd_status(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "socket", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	struct err e = { "", 0 };
	const char *sock = NULL;
	char *path = NULL, *out;
	json_t *o;
	json_error_t je;
	int ch, json = 0;

	while ((ch = getopt_long(argc, argv, "js:", opts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			json = 1;
			break;
		case 's':
			sock = optarg;
			break;
		default:
			return 2;
		}
	}
	if (optind != argc) {
		cli_error("status takes no arguments");
		return 2;
	}
	if (sock == NULL) {
		if (cli_load_config(cli) < 0)
			return 1;
		path = xasprintf("%s/control.sock",
		    cli->cfg->general.state_dir);
		sock = path;
	}
	out = control_query(sock, &e);
	free(path);
	if (out == NULL) {
		/* "connection refused", not "Connection refused". */
		char *p = strstr(e.msg, ": ");

		if (p != NULL && isupper((unsigned char)p[2]))
			p[2] = (char)tolower((unsigned char)p[2]);
		cli_error("%s", e.msg);
		return 1;
	}
	if (json) {
		fputs(out, stdout);
		free(out);
		return 0;
	}
	o = json_loads(out, 0, &je);
	free(out);
	if (o == NULL || !json_is_object(o)) {
		cli_error("status: the daemon sent something that is not "
		    "JSON: %s", je.text);
		json_decref(o);
		return 1;
	}
	print_human(o);
	json_decref(o);
	return 0;
}
