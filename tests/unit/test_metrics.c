/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the metrics endpoint: the Prometheus text format of a
 * filled status (every sample typed, label values escaped), the
 * "metrics:" section's checks with file:line, and one HTTP request of
 * each kind over a unix socket.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "config.h"
#include "control.h"
#include "metrics.h"
#include "metrics_conf.h"
#include "status.h"
#include "xmalloc.h"

#define SEC	1000000LL
#define T0	(1700000000LL * SEC)

static void
fill(struct daemon_status *s)
{
	status_init(s);
	s->start_usec = T0 - 90 * SEC;
	s->ninputs = 2;
	strlcpy_r(s->inputs[0].id, "eve:/var/log/suricata/eve.json",
	    sizeof(s->inputs[0].id));
	s->inputs[0].bytes = 8192;
	s->inputs[0].lag_bytes = 100;
	strlcpy_r(s->inputs[1].id, "unified2:/var/log/a\"b\\c\nd",
	    sizeof(s->inputs[1].id));
	s->inputs[1].bytes = 7;
	status_count_alerts(s, 42, T0 - SEC);
	s->open_incidents = 3;
	s->active_blocks = 2;
	s->pending_contain = 1;
	s->pending_report = 9;
	s->drafts_waiting = 4;
	s->mail_approved = 5;
	s->mail_sent = 6;
	s->mail_failed = 7;
	s->contacts_cached = 8;
	s->resolver_hits = 11;
	s->resolver_misses = 12;
}

static void
has_line(const char *text, const char *line)
{
	const char *p = text;
	size_t n = strlen(line);

	while ((p = strstr(p, line)) != NULL) {
		if ((p == text || p[-1] == '\n') && p[n] == '\n')
			return;
		p++;
	}
	fail_msg("no line \"%s\" in:\n%s", line, text);
}

static void
test_metrics_text(void **state)
{
	struct daemon_status s;
	regex_t sample, comment;
	char *t, *line, *save = NULL, *copy, typed[64][64];
	size_t ntyped = 0, i, nsamples = 0;
	int found;

	(void)state;
	fill(&s);
	t = metrics_text(&s, T0);
	has_line(t, "redress_up 1");
	has_line(t, "redress_alerts_total 42");
	has_line(t, "redress_input_bytes{input=\"eve:/var/log/suricata/"
	    "eve.json\"} 8192");
	has_line(t, "redress_input_lag_bytes{input=\"eve:/var/log/suricata/"
	    "eve.json\"} 100");
	has_line(t, "redress_input_bytes{input=\"unified2:/var/log/a\\\"b"
	    "\\\\c\\nd\"} 7");
	has_line(t, "redress_incidents_open 3");
	has_line(t, "redress_blocks_active 2");
	has_line(t, "redress_reports_waiting 4");
	has_line(t, "redress_mail_sent_total 6");
	has_line(t, "redress_mail_failed_total 7");
	has_line(t, "redress_resolver_cache_hits_total 11");
	has_line(t, "redress_resolver_cache_misses_total 12");
	has_line(t, "redress_decisions_pending{action=\"report\"} 9");
	has_line(t, "# TYPE redress_alerts_total counter");
	has_line(t, "# TYPE redress_blocks_active gauge");
	assert_int_equal(t[strlen(t) - 1], '\n');

	/* Every line is a comment or a sample of a metric typed before it. */
	assert_int_equal(regcomp(&sample, "^([a-z_]+)(\\{[a-z_]+=\"([^\"\\\\]|"
	    "\\\\.)*\"\\})? -?[0-9]+$", REG_EXTENDED), 0);
	assert_int_equal(regcomp(&comment, "^# (HELP|TYPE) [a-z_]+ .+$",
	    REG_EXTENDED), 0);
	copy = xstrdup(t);
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		regmatch_t m[2];

		if (strncmp(line, "# TYPE ", 7) == 0 && ntyped < 64) {
			sscanf(line + 7, "%63[a-z_]", typed[ntyped++]);
			assert_int_equal(regexec(&comment, line, 0, NULL, 0),
			    0);
			continue;
		}
		if (line[0] == '#') {
			assert_int_equal(regexec(&comment, line, 0, NULL, 0),
			    0);
			continue;
		}
		if (regexec(&sample, line, 2, m, 0) != 0)
			fail_msg("not a sample line: \"%s\"", line);
		found = 0;
		for (i = 0; i < ntyped; i++)
			if (strlen(typed[i]) == (size_t)(m[1].rm_eo -
			    m[1].rm_so) && strncmp(typed[i], line,
			    strlen(typed[i])) == 0)
				found = 1;
		if (!found)
			fail_msg("sample without # TYPE: \"%s\"", line);
		nsamples++;
	}
	assert_true(nsamples >= 17);
	regfree(&sample);
	regfree(&comment);
	free(copy);
	free(t);
}

static struct config *
parse(const char *text, struct diag *d)
{
	diag_init(d);
	return config_parse("m.yaml", text, strlen(text), d);
}

static void
test_metrics_conf(void **state)
{
	struct config *c;
	struct diag d;
	char line[1024];

	(void)state;
	c = parse("general:\n  state_dir: /tmp\n", &d);
	assert_non_null(c);
	assert_non_null(c->metrics);
	assert_false(c->metrics->enabled);
	assert_string_equal(c->metrics->listen, "127.0.0.1:9911");
	assert_int_equal(c->metrics->port, 9911);
	config_free(c);
	diag_clear(&d);

	c = parse("metrics:\n  enabled: true\n  listen: \"[::1]:9100\"\n", &d);
	assert_non_null(c);
	assert_int_equal(c->metrics->port, 9100);
	assert_int_equal(c->metrics->is_unix, 0);
	config_free(c);
	diag_clear(&d);

	c = parse("metrics:\n  enabled: true\n"
	    "  listen: unix:/run/redress/metrics.sock\n", &d);
	assert_non_null(c);
	assert_int_equal(c->metrics->is_unix, 1);
	assert_string_equal(c->metrics->unix_path,
	    "/run/redress/metrics.sock");
	config_free(c);
	diag_clear(&d);

	/* Unknown key and bad listen: both reported with their place. */
	c = parse("metrics:\n  enabled: true\n  port: 9\n"
	    "  listen: localhost:99999\n", &d);
	assert_null(c);
	assert_int_equal(d.errors, 2);
	diag_format(&d, 0, line, sizeof(line));
	assert_non_null(strstr(line, "m.yaml:3:"));
	assert_non_null(strstr(line, "port"));
	diag_clear(&d);
	c = parse("metrics:\n  listen: localhost:9911\n", &d);
	assert_null(c);
	diag_format(&d, 0, line, sizeof(line));
	assert_non_null(strstr(line, "m.yaml:2:"));
	assert_non_null(strstr(line, "not an IP address"));
	diag_clear(&d);
	c = parse("metrics:\n  listen: unix:relative.sock\n", &d);
	assert_null(c);
	diag_clear(&d);

	/* Enabled beyond loopback: allowed, with a warning. */
	c = parse("metrics:\n  enabled: true\n  listen: 0.0.0.0:9911\n", &d);
	assert_non_null(c);
	assert_int_equal(d.n, 1);
	assert_true(d.v[0].warning);
	config_free(c);
	diag_clear(&d);
}

/* Sends req over the metrics socket and returns the whole answer. */
static char *
roundtrip(struct metrics *m, const char *path, const char *req,
    const struct daemon_status *s)
{
	struct sockaddr_un sun;
	char *buf = xmalloc(65536);
	size_t n = 0;
	ssize_t r;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strlcpy_r(sun.sun_path, path, sizeof(sun.sun_path));
	assert_int_equal(connect(fd, (struct sockaddr *)&sun, sizeof(sun)),
	    0);
	assert_int_equal(write(fd, req, strlen(req)), (ssize_t)strlen(req));
	metrics_handle(m, s);
	while (n < 65535 && (r = read(fd, buf + n, 65535 - n)) > 0)
		n += (size_t)r;
	buf[n] = '\0';
	close(fd);
	return buf;
}

static void
test_metrics_http(void **state)
{
	struct daemon_status s;
	struct config *c;
	struct metrics *m;
	struct diag d;
	struct err e = { 0 };
	char dir[] = "/tmp/redress-met.XXXXXX", path[128], yaml[256], *r;
	char big[REQSRV_REQ_MAX + 100];

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/metrics.sock", dir);
	snprintf(yaml, sizeof(yaml), "metrics:\n  enabled: true\n"
	    "  listen: unix:%s\n", path);
	c = parse(yaml, &d);
	assert_non_null(c);
	diag_clear(&d);
	m = metrics_open(c, &e);
	assert_non_null(m);
	fill(&s);

	r = roundtrip(m, path, "GET /metrics HTTP/1.1\r\nHost: x\r\n"
	    "Accept: */*\r\n\r\n", &s);
	assert_true(strncmp(r, "HTTP/1.0 200 OK\r\n", 17) == 0);
	assert_non_null(strstr(r, "Content-Type: text/plain; version=0.0.4"));
	assert_non_null(strstr(r, "\r\n\r\n# HELP redress_up"));
	assert_non_null(strstr(r, "\nredress_alerts_total 42\n"));
	free(r);
	r = roundtrip(m, path, "GET / HTTP/1.0\r\n\r\n", &s);
	assert_true(strncmp(r, "HTTP/1.0 404 ", 13) == 0);
	free(r);
	r = roundtrip(m, path, "POST /metrics HTTP/1.0\r\n\r\n", &s);
	assert_true(strncmp(r, "HTTP/1.0 405 ", 13) == 0);
	free(r);
	r = roundtrip(m, path, "GET /metricsX HTTP/1.0\r\n\r\n", &s);
	assert_true(strncmp(r, "HTTP/1.0 404 ", 13) == 0);
	free(r);
	/* A head that never ends within REQSRV_REQ_MAX bytes: 400. */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "GET /metrics HTTP/1.0\r\nX: ", 26);
	r = roundtrip(m, path, big, &s);
	assert_true(strncmp(r, "HTTP/1.0 400 ", 13) == 0);
	free(r);
	metrics_close(m);
	assert_int_equal(access(path, F_OK), -1);
	config_free(c);
	rmdir(dir);

	/* Off by default: no socket and no error. */
	c = parse("general:\n  state_dir: /tmp\n", &d);
	diag_clear(&d);
	err_clear(&e);
	assert_null(metrics_open(c, &e));
	assert_false(e.set);
	config_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_metrics_text),
		cmocka_unit_test(test_metrics_conf),
		cmocka_unit_test(test_metrics_http),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
