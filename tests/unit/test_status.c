/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the daemon status: the alert rate over the last minute,
 * the counts read from a real store (and their once-a-second refresh),
 * the last warnings, the JSON document, and one request over the
 * control socket.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <jansson.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "control.h"
#include "cli_fmt.h"
#include "log.h"
#include "status.h"
#include "store.h"
#include "xmalloc.h"

#define SEC	1000000LL
#define T0	(1700000000LL * SEC)

static void
test_status_rate_minute(void **state)
{
	struct daemon_status s;
	int64_t t;

	(void)state;
	status_init(&s);
	s.start_usec = T0 - 600 * SEC;
	/* 10 alerts a second for a whole minute: 10/s. */
	for (t = T0 - 59 * SEC; t <= T0; t += SEC) {
		status_count_alerts(&s, 4, t);
		status_count_alerts(&s, 6, t + SEC / 2);
	}
	assert_int_equal(s.alerts_total, 600);
	assert_true(status_alert_rate(&s, T0) > 9.999 &&
	    status_alert_rate(&s, T0) < 10.001);
	/* Half a minute of silence: half of it has dropped out. */
	assert_true(status_alert_rate(&s, T0 + 30 * SEC) > 4.999 &&
	    status_alert_rate(&s, T0 + 30 * SEC) < 5.001);
	/* A whole minute later nothing is left. */
	assert_true(status_alert_rate(&s, T0 + 60 * SEC) == 0.0);
	/* A slot reused a minute later starts again from zero. */
	status_count_alerts(&s, 120, T0 + 60 * SEC);
	assert_true(status_alert_rate(&s, T0 + 60 * SEC) > 1.999 &&
	    status_alert_rate(&s, T0 + 60 * SEC) < 2.001);
	assert_int_equal(s.alerts_total, 720);
}

static void
test_status_rate_short_uptime(void **state)
{
	struct daemon_status s;

	(void)state;
	status_init(&s);
	s.start_usec = T0 - 10 * SEC;
	status_count_alerts(&s, 50, T0 - 5 * SEC);
	/* Up 10 s: 50 alerts are 5/s, not 50/60. */
	assert_true(status_alert_rate(&s, T0) > 4.999 &&
	    status_alert_rate(&s, T0) < 5.001);
	status_count_alerts(&s, 0, T0);
	assert_int_equal(s.alerts_total, 50);
}

static void
exec_ok(struct store *st, const char *sql)
{
	struct err e = { 0 };

	if (store_exec(st, sql, &e) < 0)
		fail_msg("%s: %s", sql, e.msg);
}

static void
test_status_store_counts(void **state)
{
	struct daemon_status s;
	struct store *st;
	struct err e = { 0 };
	char sql[1024];
	int64_t now = store_now_usec();

	(void)state;
	assert_int_equal(store_open(":memory:", &st, &e), 0);
	exec_ok(st, "INSERT INTO incident (kind, state, src, dst, first_usec,"
	    " last_usec) VALUES ('scan','open','198.51.100.1','',1,1),"
	    " ('exploit','contained','198.51.100.2','',1,1),"
	    " ('scan','drafted','198.51.100.3','',1,1),"
	    " ('probe','closed','198.51.100.4','',1,1)");
	snprintf(sql, sizeof(sql), "INSERT INTO block (responder, cidr,"
	    " created_usec, expires_usec, removed_usec) VALUES"
	    " ('nftables','198.51.100.1/32',1,%lld,NULL),"
	    " ('nftables','198.51.100.2/32',1,%lld,NULL),"
	    " ('nftables','198.51.100.3/32',1,%lld,5),"
	    " ('nftables','198.51.100.4/32',1,%lld,NULL)",
	    (long long)(now + 3600 * SEC), (long long)(now + 60 * SEC),
	    (long long)(now + 3600 * SEC), (long long)(now - SEC));
	exec_ok(st, sql);
	exec_ok(st, "INSERT INTO decision (incident_id, action, target, state,"
	    " event_usec, created_usec) VALUES"
	    " (1,'contain','198.51.100.1','pending',1,1),"
	    " (1,'report','198.51.100.1','pending',1,1),"
	    " (2,'report','198.51.100.2','pending',1,1),"
	    " (2,'contain','198.51.100.2','done',1,1)");
	exec_ok(st, "INSERT INTO report (state, recipient, rcpt, kind,"
	    " message_id, subject, created_usec, updated_usec) VALUES"
	    " ('draft','source','a@x','scan','<1@x>','s',1,1),"
	    " ('draft','source','a@x','scan','<2@x>','s',1,1),"
	    " ('approved','source','a@x','scan','<3@x>','s',1,1),"
	    " ('queued','source','a@x','scan','<4@x>','s',1,1),"
	    " ('sent','source','a@x','scan','<5@x>','s',1,1),"
	    " ('failed','source','a@x','scan','<6@x>','s',1,1),"
	    " ('rejected','source','a@x','scan','<7@x>','s',1,1)");
	snprintf(sql, sizeof(sql), "INSERT INTO contact (lo, hi, naddrs,"
	    " data, resolved_usec, expires_usec) VALUES"
	    " (x'01',x'02',2,'{}',1,%lld), (x'03',x'04',2,'{}',1,1)",
	    (long long)(now + 3600 * SEC));
	exec_ok(st, sql);

	status_init(&s);
	status_update(&s, NULL, st, 1);
	assert_int_equal(s.open_incidents, 3);
	assert_int_equal(s.active_blocks, 2);
	assert_int_equal(s.pending_contain, 1);
	assert_int_equal(s.pending_report, 2);
	assert_int_equal(s.drafts_waiting, 2);
	assert_int_equal(s.mail_approved, 2);
	assert_int_equal(s.mail_sent, 1);
	assert_int_equal(s.mail_failed, 1);
	assert_int_equal(s.contacts_cached, 1);

	/* Within the second the store is not asked again... */
	exec_ok(st, "UPDATE incident SET state = 'closed' WHERE id = 1");
	status_update(&s, NULL, st, 0);
	assert_int_equal(s.open_incidents, 3);
	/* ...unless forced. */
	status_update(&s, NULL, st, 1);
	assert_int_equal(s.open_incidents, 2);
	store_close(st);
}

static void
test_status_last_errors(void **state)
{
	struct daemon_status s;
	int i;

	(void)state;
	log_set_level(LOG_LEVEL_WARNING);
	for (i = 0; i < 12; i++)
		log_warnx("status test warning %d", i);
	log_info("not a warning");
	status_init(&s);
	status_update(&s, NULL, NULL, 1);
	assert_int_equal(s.nerrors, STATUS_ERRORS);
	/* The last eight, oldest first. */
	assert_string_equal(s.errors[0], "status test warning 4");
	assert_string_equal(s.errors[STATUS_ERRORS - 1],
	    "status test warning 11");
}

static void
fill(struct daemon_status *s)
{
	status_init(s);
	s->pid = 4242;
	s->start_usec = T0 - 90 * SEC;
	s->ninputs = 1;
	strlcpy_r(s->inputs[0].id, "eve:/var/log/suricata/eve.json",
	    sizeof(s->inputs[0].id));
	strlcpy_r(s->inputs[0].type, "eve", sizeof(s->inputs[0].type));
	strlcpy_r(s->inputs[0].path, "/var/log/suricata/eve.json",
	    sizeof(s->inputs[0].path));
	strlcpy_r(s->inputs[0].bookmark, "ino=12 off=8192",
	    sizeof(s->inputs[0].bookmark));
	s->inputs[0].open = 1;
	s->inputs[0].alerts = 30;
	s->inputs[0].bytes = 8192;
	s->inputs[0].lag_bytes = 100;
	status_count_alerts(s, 120, T0 - 30 * SEC);
	s->open_incidents = 3;
	s->active_blocks = 2;
	s->pending_contain = 1;
	s->drafts_waiting = 4;
	s->mail_approved = 5;
	s->mail_sent = 6;
	s->mail_failed = 7;
	s->contacts_cached = 8;
	s->nerrors = 1;
	strlcpy_r(s->errors[0], "input eve: gone \"away\"",
	    sizeof(s->errors[0]));
}

static json_t *
jget(json_t *o, const char *a, const char *b)
{
	json_t *v = json_object_get(o, a);

	return b ? json_object_get(v, b) : v;
}

static void
test_status_json(void **state)
{
	struct daemon_status s;
	json_error_t je;
	json_t *o, *in;
	char *out;

	(void)state;
	fill(&s);
	out = status_json(&s, T0);
	o = json_loads(out, 0, &je);
	assert_non_null(o);
	free(out);
	assert_int_equal(json_integer_value(jget(o, "pid", NULL)), 4242);
	assert_int_equal(json_integer_value(jget(o, "uptime_s", NULL)), 90);
	assert_int_equal(json_integer_value(jget(o, "alerts_total", NULL)),
	    120);
	assert_true(json_real_value(jget(o, "alerts_per_sec", NULL)) > 1.999
	    && json_real_value(jget(o, "alerts_per_sec", NULL)) < 2.001);
	assert_int_equal(json_array_size(jget(o, "inputs", NULL)), 1);
	in = json_array_get(jget(o, "inputs", NULL), 0);
	assert_string_equal(json_string_value(json_object_get(in, "path")),
	    "/var/log/suricata/eve.json");
	assert_string_equal(json_string_value(json_object_get(in,
	    "bookmark")), "ino=12 off=8192");
	assert_int_equal(json_integer_value(json_object_get(in, "lag_bytes")),
	    100);
	assert_true(json_is_true(json_object_get(in, "open")));
	assert_int_equal(json_integer_value(jget(o, "incidents_open", NULL)),
	    3);
	assert_int_equal(json_integer_value(jget(o, "blocks_active", NULL)),
	    2);
	assert_int_equal(json_integer_value(jget(o, "decisions_pending",
	    "contain")), 1);
	assert_int_equal(json_integer_value(jget(o, "reports",
	    "drafts_waiting")), 4);
	assert_int_equal(json_integer_value(jget(o, "reports", "mail_queue")),
	    5);
	assert_int_equal(json_integer_value(jget(o, "reports", "failed")), 7);
	assert_int_equal(json_integer_value(jget(o, "resolver",
	    "contacts_cached")), 8);
	/* No lookups yet: no rate rather than a made-up 0%. */
	assert_true(json_is_null(jget(o, "resolver", "cache_hit_rate")));
	assert_string_equal(json_string_value(json_array_get(jget(o, "errors",
	    NULL), 0)), "input eve: gone \"away\"");
	json_decref(o);

	s.resolver_hits = 3;
	s.resolver_misses = 1;
	out = status_json(&s, T0);
	o = json_loads(out, 0, &je);
	free(out);
	assert_non_null(o);
	assert_true(json_real_value(jget(o, "resolver", "cache_hit_rate")) ==
	    0.75);
	json_decref(o);
}

/* Mail queued again after a failure: counted, with the latest's error. */
static void
test_status_deferred(void **state)
{
	struct daemon_status s;
	struct store *st;
	struct err e = { 0 };
	json_error_t je;
	json_t *o;
	char *out, sql[1024];
	int64_t next = 1796000000LL * SEC;

	(void)state;
	assert_int_equal(store_open(":memory:", &st, &e), 0);
	snprintf(sql, sizeof(sql), "INSERT INTO report (state, recipient, rcpt,"
	    " kind, message_id, subject, created_usec, updated_usec, attempts,"
	    " next_attempt_usec, last_error) VALUES"
	    " ('queued','source','a@x','scan','<1@x>','s',1,1,0,0,''),"
	    " ('queued','source','b@x','scan','<2@x>','s',1,1,2,%lld,"
	    "'relay localhost:587: 451 4.3.0 try later'),"
	    " ('sent','source','c@x','scan','<3@x>','s',1,1,1,0,'')",
	    (long long)next);
	exec_ok(st, sql);
	status_init(&s);
	status_update(&s, NULL, st, 1);
	assert_int_equal(s.mail_approved, 2);
	assert_int_equal(s.mail_deferred, 1);
	assert_int_equal(s.deferred_id, 2);
	assert_string_equal(s.deferred_error,
	    "relay localhost:587: 451 4.3.0 try later");
	setenv("TZ", "UTC", 1);
	tzset();
	out = status_json(&s, store_now_usec());
	o = json_loads(out, 0, &je);
	free(out);
	assert_non_null(o);
	assert_int_equal(json_integer_value(jget(o, "reports", "deferred")), 1);
	assert_string_equal(json_string_value(jget(o, "reports",
	    "last_error")), "relay localhost:587: 451 4.3.0 try later");
	assert_string_equal(json_string_value(jget(o, "reports",
	    "next_attempt")), "2026-11-30T00:53:20+00:00");
	json_decref(o);
	store_close(st);
}

/* One time format for the commands: ISO 8601 with the offset. */
static void
test_status_cli_fmt(void **state)
{
	char b[64];

	(void)state;
	setenv("TZ", "Europe/Amsterdam", 1);
	tzset();
	assert_string_equal(cli_fmt_time(1796000000LL * SEC, b, sizeof(b)),
	    "2026-11-30T01:53:20+01:00");
	assert_string_equal(cli_fmt_time(0, b, sizeof(b)), "-");
	assert_string_equal(cli_fmt_time_at(1796000000LL * SEC, -330, b,
	    sizeof(b)), "2026-11-29T19:23:20-05:30");
	assert_string_equal(cli_fmt_count(1, "alert", "alerts", b, sizeof(b)),
	    "1 alert");
	assert_string_equal(cli_fmt_count(0, "alert", "alerts", b, sizeof(b)),
	    "0 alerts");
	setenv("TZ", "UTC", 1);
	tzset();
}

static void
test_status_resolver_note(void **state)
{
	struct daemon_status s;
	uint64_t h0, m0;

	(void)state;
	status_init(&s);
	status_update(&s, NULL, NULL, 0);
	h0 = s.resolver_hits;
	m0 = s.resolver_misses;
	status_resolver_note(1);
	status_resolver_note(1);
	status_resolver_note(0);
	status_update(&s, NULL, NULL, 0);
	assert_int_equal(s.resolver_hits - h0, 2);
	assert_int_equal(s.resolver_misses - m0, 1);
}

struct query {
	const char	*path;
	char		*out;
	struct err	 e;
	_Atomic int	 done;
};

static void *
query_main(void *arg)
{
	struct query *q = arg;

	q->out = control_query(q->path, &q->e);
	q->done = 1;
	return NULL;
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Serves c until the client thread has its answer (at most 5 s). */
static void
serve_until_done(struct control *c, struct daemon_status *s,
    struct query *q)
{
	struct pollfd p;
	int i;

	for (i = 0; i < 500 && !q->done; i++) {
		p.fd = control_fd(c);
		p.events = POLLIN;
		if (poll(&p, 1, 10) > 0)
			control_handle(c, s);
	}
}

static int
unix_connect(const char *path)
{
	struct sockaddr_un sun;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strlcpy_r(sun.sun_path, path, sizeof(sun.sun_path));
	assert_int_equal(connect(fd, (struct sockaddr *)&sun, sizeof(sun)),
	    0);
	return fd;
}

static void
test_status_control_socket(void **state)
{
	struct daemon_status s;
	struct control *c;
	struct query q;
	struct err e = { 0 };
	char dir[] = "/tmp/redress-ctl.XXXXXX", path[128];
	pthread_t th;
	json_error_t je;
	json_t *o;
	char buf[8192];
	ssize_t n = 0;
	int64_t t;
	int i, fd, silent;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/control.sock", dir);
	/* Nobody there yet: the client says so. */
	memset(&q, 0, sizeof(q));
	assert_null(control_query(path, &q.e));
	assert_non_null(strstr(q.e.msg, "no daemon on"));
	c = control_open(path, &e);
	assert_non_null(c);
	assert_int_equal(access(path, F_OK), 0);
	fill(&s);

	/* A client that connects and says nothing blocks nobody. */
	silent = unix_connect(path);
	t = now_ms();
	for (i = 0; i < 5; i++)
		control_handle(c, &s);
	assert_true(now_ms() - t < 50);

	q.path = path;
	assert_int_equal(pthread_create(&th, NULL, query_main, &q), 0);
	serve_until_done(c, &s, &q);
	pthread_join(th, NULL);
	assert_non_null(q.out);
	o = json_loads(q.out, 0, &je);
	assert_non_null(o);
	assert_int_equal(json_integer_value(json_object_get(o, "pid")), 4242);
	json_decref(o);
	free(q.out);

	/* A request split over two writes, and an unknown one. */
	fd = unix_connect(path);
	assert_int_equal(write(fd, "sta", 3), 3);
	control_handle(c, &s);
	assert_int_equal(write(fd, "tus\n", 4), 4);
	for (i = 0; i < 100 && (n = recv(fd, buf, sizeof(buf) - 1,
	    MSG_DONTWAIT)) <= 0; i++) {
		control_handle(c, &s);
		usleep(10000);
	}
	assert_true(n > 0);
	buf[n] = '\0';
	assert_non_null(strstr(buf, "\"pid\":4242"));
	close(fd);
	fd = unix_connect(path);
	assert_int_equal(write(fd, "reboot\n", 7), 7);
	for (i = 0; i < 100 && (n = recv(fd, buf, sizeof(buf) - 1,
	    MSG_DONTWAIT)) <= 0; i++) {
		control_handle(c, &s);
		usleep(10000);
	}
	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, "{\"error\":\"unknown request\"}\n");
	close(fd);
	close(silent);
	control_close(c);
	assert_int_equal(access(path, F_OK), -1);
	rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_rate_minute),
		cmocka_unit_test(test_status_rate_short_uptime),
		cmocka_unit_test(test_status_store_counts),
		cmocka_unit_test(test_status_deferred),
		cmocka_unit_test(test_status_cli_fmt),
		cmocka_unit_test(test_status_last_errors),
		cmocka_unit_test(test_status_json),
		cmocka_unit_test(test_status_resolver_note),
		cmocka_unit_test(test_status_control_socket),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
