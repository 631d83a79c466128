/* SPDX-License-Identifier: MIT */
/* Unit tests of EVE timestamps, the alert JSON line and alert_copy. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>
#include <netinet/in.h>

#include "alert.h"

static void
test_alert_time_parse_offsets(void **state)
{
	int64_t ts;
	int16_t tz;
	char buf[64];
	const char *s = "2023-03-14T15:09:26.535897+0100";

	(void)state;
	assert_int_equal(alert_time_parse(s, strlen(s), &ts, &tz), 0);
	/* 2023-03-14T14:09:26Z = 1678802966 (date -u -d ... +%s) */
	assert_int_equal(ts, 1678802966LL * 1000000 + 535897);
	assert_int_equal(tz, 60);
	assert_string_equal(alert_time_format(ts, tz, buf, sizeof(buf)), s);
	s = "2023-03-14T14:09:26.5Z";
	assert_int_equal(alert_time_parse(s, strlen(s), &ts, &tz), 0);
	assert_int_equal(ts, 1678802966LL * 1000000 + 500000);
	s = "2023-03-14T08:39:26.535897-05:30";
	assert_int_equal(alert_time_parse(s, strlen(s), &ts, &tz), 0);
	assert_int_equal(tz, -330);
	assert_int_equal(ts, 1678802966LL * 1000000 + 535897);
	s = "2023-13-14T08:39:26";
	assert_int_equal(alert_time_parse(s, strlen(s), &ts, &tz), -1);
	s = "2023-03-14T08:39:26.+0100";
	assert_int_equal(alert_time_parse(s, strlen(s), &ts, &tz), -1);
	s = "2023-03-14T08:39:26+01";
	assert_int_equal(alert_time_parse(s, strlen(s), &ts, &tz), -1);
}

static void
test_alert_json_is_valid_json(void **state)
{
	struct alert al;
	char buf[4096];
	json_t *j;
	json_error_t je;
	size_t n;

	(void)state;
	memset(&al, 0, sizeof(al));
	al.ts_usec = 1678802966LL * 1000000 + 1;
	al.tz_min = 60;
	al.gid = 1;
	al.sid = 2001219;
	al.rev = 20;
	al.severity = 2;
	strcpy(al.signature, "ET SCAN \"quoted\"\r\nX-Injected: yes\x01");
	strcpy(al.category, "Attempted Information Leak");
	al.proto = IPPROTO_TCP;
	addr_parse("2001:db8::7", &al.src);
	addr_parse("192.0.2.1", &al.dst);
	al.sport = 40000;
	al.dport = 22;
	al.input = ALERT_INPUT_EVE;
	strcpy(al.file, "/var/log/eve.json");
	al.line = 12;
	al.established = ALERT_EST_YES;
	n = alert_json(&al, buf, sizeof(buf));
	assert_true(n < sizeof(buf));
	assert_null(strchr(buf, '\n'));
	j = json_loads(buf, 0, &je);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(j, "timestamp")),
	    "2023-03-14T15:09:26.000001+0100");
	assert_string_equal(json_string_value(json_object_get(j, "src_ip")), "2001:db8::7");
	assert_string_equal(json_string_value(json_object_get(j, "proto")), "TCP");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j,
	    "alert"), "signature_id")), 2001219);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j,
	    "alert"), "signature")), al.signature);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(
	    json_object_get(j, "redress"), "input"), "line")), 12);
	json_decref(j);
	/* Too small a buffer: the needed length comes back, terminated. */
	assert_int_equal(alert_json(&al, buf, 10), n);
	assert_int_equal(strlen(buf), 9);
}

/* alert_copy gives an alert that reads as its source, field for field,
 * over a destination full of another alert's bytes. */
static void
test_alert_copy_fields(void **state)
{
	static const uint8_t pkt[3] = { 1, 2, 3 };
	struct alert src, dst;
	char a[4096], b[4096];

	(void)state;
	memset(&src, 0x5a, sizeof(src));
	memset(&dst, 0xee, sizeof(dst));
	src.ts_usec = 1715670000123456LL;
	src.tz_min = -300;
	src.gid = 1;
	src.sid = 2010001;
	src.rev = 7;
	src.severity = 2;
	src.proto = IPPROTO_TCP;
	addr_parse("2001:db8::7", &src.src);
	addr_parse("192.0.2.1", &src.dst);
	src.sport = 40001;
	src.dport = 443;
	src.flow_id = 123456789;
	src.pkts_toserver = 3;
	src.pkts_toclient = 2;
	src.bytes_toserver = 300;
	src.bytes_toclient = 200;
	src.tcp_flags = 0x18;
	src.established = ALERT_EST_YES;
	src.has_payload = 1;
	strcpy(src.category, "Web Application Attack");
	strcpy(src.signature, "ET WEB_SERVER test \"quoted\"");
	strcpy(src.action, "allowed");
	strcpy(src.app_proto, "http");
	strcpy(src.iface, "eth0");
	strcpy(src.sensor, "sensor-1");
	strcpy(src.http_method, "POST");
	strcpy(src.http_host, "www.example.org");
	strcpy(src.http_url, "/cgi-bin/.%2e/bin/sh");
	src.packet = pkt;
	src.packet_len = sizeof(pkt);
	src.linktype = 1;
	src.raw = NULL;
	src.raw_len = 0;
	src.input = ALERT_INPUT_EVE;
	strcpy(src.file, "/var/log/suricata/eve.json");
	src.offset = 4096;
	src.line = 12;
	alert_copy(&dst, &src);
	assert_int_equal(alert_json(&src, a, sizeof(a)),
	    alert_json(&dst, b, sizeof(b)));
	assert_string_equal(a, b);
	assert_memory_equal(&dst, &src, offsetof(struct alert, category));
	assert_string_equal(dst.category, src.category);
	assert_string_equal(dst.signature, src.signature);
	assert_string_equal(dst.sensor, src.sensor);
	assert_string_equal(dst.http_method, "POST");
	assert_string_equal(dst.http_host, "www.example.org");
	assert_string_equal(dst.http_url, "/cgi-bin/.%2e/bin/sh");
	assert_non_null(strstr(a, ",\"http\":{\"hostname\":\"www.example.org\","
	    "\"url\":\"/cgi-bin/.%2e/bin/sh\",\"http_method\":\"POST\"}"));
	/* The sensor under EVE's name for it (sensor-name -> "host"). */
	assert_non_null(strstr(a, ",\"host\":\"sensor-1\""));
	assert_ptr_equal(dst.packet, pkt);
	assert_int_equal(dst.packet_len, 3);
	assert_int_equal(dst.linktype, 1);
	assert_int_equal(dst.input, ALERT_INPUT_EVE);
	assert_string_equal(dst.file, src.file);
	assert_int_equal(dst.offset, 4096);
	assert_int_equal(dst.line, 12);
	/* A string at its full size stays ended. */
	memset(src.sensor, 'x', sizeof(src.sensor));
	alert_copy(&dst, &src);
	assert_int_equal(strlen(dst.sensor), sizeof(dst.sensor) - 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alert_time_parse_offsets),
		cmocka_unit_test(test_alert_json_is_valid_json),
		cmocka_unit_test(test_alert_copy_fields),
	};

	return cmocka_run_group_tests_name("alert", tests, NULL, NULL);
}
