/* SPDX-License-Identifier: MIT */
/* Unit tests of incident aggregation, classification and its JSON forms. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "incident.h"

static void
mk(struct alert *a, const char *src, const char *dst, int dport,
    uint32_t sid, const char *category)
{
	memset(a, 0, sizeof(*a));
	a->ts_usec = 1715670000LL * 1000000;
	a->gid = 1;
	a->sid = sid;
	a->proto = 6;
	snprintf(a->category, sizeof(a->category), "%s", category);
	addr_parse(src, &a->src);
	addr_parse(dst, &a->dst);
	a->dport = (uint16_t)dport;
	a->established = ALERT_EST_YES;
}

static void
test_incident_classtype_names(void **state)
{
	(void)state;
	assert_string_equal(incident_classtype(
	    "Attempted Administrator Privilege Gain"), "attempted-admin");
	assert_string_equal(incident_classtype("web application attack"),
	    "web-application-attack");
	assert_string_equal(incident_classtype("trojan-activity"),
	    "trojan-activity");
	assert_string_equal(incident_classtype("Something New"),
	    "Something New");
}

static void
test_incident_alert_kind_mapping(void **state)
{
	struct incident_map m;
	struct alert a;

	(void)state;
	incident_map_defaults(&m);
	mk(&a, "203.0.113.1", "10.0.0.1", 80, 1, "Web Application Attack");
	assert_int_equal(incident_alert_kind(&m, &a, NULL, 0),
	    INCIDENT_EXPLOIT);
	mk(&a, "203.0.113.1", "10.0.0.1", 80, 1, "Executable code was "
	    "detected");
	assert_int_equal(incident_alert_kind(&m, &a, NULL, 0),
	    INCIDENT_EXPLOIT);
	mk(&a, "10.0.0.1", "203.0.113.1", 80, 1, "A Network Trojan was "
	    "detected");
	assert_int_equal(incident_alert_kind(&m, &a, NULL, 1),
	    INCIDENT_COMPROMISE);
	assert_int_equal(incident_alert_kind(&m, &a, NULL, 0),
	    INCIDENT_EXPLOIT);
	mk(&a, "203.0.113.1", "10.0.0.1", 80, 1, "Attempted Denial of "
	    "Service");
	assert_int_equal(incident_alert_kind(&m, &a, NULL, 0),
	    INCIDENT_DOS);
	mk(&a, "203.0.113.1", "10.0.0.1", 80, 1, "Misc activity");
	assert_int_equal(incident_alert_kind(&m, &a, NULL, 0),
	    INCIDENT_OTHER);
	/* An explicit sid mapping wins over the classtype. */
	m.sid_kind_sid = malloc(sizeof(uint32_t));
	m.sid_kind_kind = malloc(1);
	m.sid_kind_sid[0] = 1;
	m.sid_kind_kind[0] = INCIDENT_DOS;
	m.nsid_kind = 1;
	assert_int_equal(incident_alert_kind(&m, &a, NULL, 0),
	    INCIDENT_DOS);
	incident_map_free(&m);
}

static void
test_incident_classify_shapes(void **state)
{
	struct incident_map m;
	struct inc_state s;
	struct alert a;
	char host[32];
	int i;

	(void)state;
	incident_map_defaults(&m);
	memset(&s, 0, sizeof(s));
	mk(&a, "203.0.113.1", "10.0.0.1", 8080, 1, "Misc activity");
	incident_add(&s, &m, &a, NULL);
	assert_int_equal(incident_classify(&s, &m, INCIDENT_OTHER),
	    INCIDENT_PROBE);
	for (i = 1; i < 5; i++) {
		mk(&a, "203.0.113.1", "10.0.0.1", 8080 + i, 1, "Misc activity");
		incident_add(&s, &m, &a, NULL);
		s.kind = (uint8_t)incident_classify(&s, &m, INCIDENT_OTHER);
	}
	assert_int_equal(s.kind, INCIDENT_SCAN);
	/* Never goes down: a later exploit upgrades, probes do not
	 * downgrade. */
	assert_int_equal(incident_classify(&s, &m, INCIDENT_EXPLOIT),
	    INCIDENT_EXPLOIT);
	memset(&s, 0, sizeof(s));
	for (i = 0; i < 5; i++) {
		snprintf(host, sizeof(host), "10.0.0.%d", i + 1);
		mk(&a, "203.0.113.1", host, 23, 1, "Misc activity");
		incident_add(&s, &m, &a, NULL);
	}
	assert_int_equal(incident_classify(&s, &m, INCIDENT_OTHER),
	    INCIDENT_SWEEP);
	memset(&s, 0, sizeof(s));
	for (i = 0; i < 5; i++) {
		mk(&a, "203.0.113.1", "10.0.0.1", 22, 1, "Misc activity");
		incident_add(&s, &m, &a, NULL);
	}
	assert_int_equal(incident_classify(&s, &m, INCIDENT_OTHER),
	    INCIDENT_BRUTE_FORCE);
	assert_int_equal(s.alerts, 5);
	assert_int_equal(incident_ports(&s), 1);
	incident_map_free(&m);
}

/*
 * Feeds n connections from one source to host:port, one every gap_s
 * seconds, each of two alerts (an attempted-recon one and an
 * attempted-admin one) on the same source port, as Suricata's SSH
 * rules 2001219 and 2006546 fire; returns the kind after the last.
 */
static enum incident_kind
feed_connections(struct inc_state *s, const struct incident_map *m, int n,
    int port, int gap_s, int same_flow)
{
	struct alert a;
	enum incident_kind k = INCIDENT_OTHER;
	int i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < 2; j++) {
			mk(&a, "196.11.240.215", "203.0.113.11", port,
			    j ? 2006546 : 2001219, j ?
			    "Attempted Administrator Privilege Gain" :
			    "Attempted Information Leak");
			a.ts_usec += ((int64_t)i * gap_s + j) * 1000000;
			a.sport = (uint16_t)(40100 + (same_flow ? 0 : 3 * i));
			incident_add(s, m, &a, NULL);
			k = incident_classify(s, m, incident_alert_kind(m, &a,
			    NULL, 0));
			s->kind = (uint8_t)k;
		}
	return k;
}

static void
test_incident_classify_brute_force_by_connections(void **state)
{
	struct incident_map m;
	struct inc_state s;

	(void)state;
	incident_map_defaults(&m);
	/* The demo's incident 1: an exploit classtype at first, brute
	 * force once 10 connections went to port 22 within 10 minutes,
	 * and still brute force after 40. */
	memset(&s, 0, sizeof(s));
	assert_int_equal(feed_connections(&s, &m, 1, 22, 15, 0),
	    INCIDENT_EXPLOIT);
	memset(&s, 0, sizeof(s));
	assert_int_equal(feed_connections(&s, &m, 9, 22, 15, 0),
	    INCIDENT_EXPLOIT);
	memset(&s, 0, sizeof(s));
	assert_int_equal(feed_connections(&s, &m, 10, 22, 15, 0),
	    INCIDENT_BRUTE_FORCE);
	memset(&s, 0, sizeof(s));
	assert_int_equal(feed_connections(&s, &m, 40, 22, 15, 0),
	    INCIDENT_BRUTE_FORCE);
	assert_int_equal(s.svcs[0].total, 40);
	/* Ten connections spread over more than the window: not yet. */
	memset(&s, 0, sizeof(s));
	assert_int_equal(feed_connections(&s, &m, 10, 22, 70, 0),
	    INCIDENT_EXPLOIT);
	/* Many alerts of one connection are one attempt. */
	memset(&s, 0, sizeof(s));
	assert_int_equal(feed_connections(&s, &m, 20, 22, 15, 1),
	    INCIDENT_EXPLOIT);
	/* Exploit attempts on a web port stay exploits. */
	memset(&s, 0, sizeof(s));
	assert_int_equal(feed_connections(&s, &m, 20, 80, 15, 0),
	    INCIDENT_EXPLOIT);
	/* The settings are the map's: 3 connections within 10 s. */
	m.brute_force_flows = 3;
	m.brute_force_window_us = 10 * INT64_C(1000000);
	memset(&s, 0, sizeof(s));
	assert_int_equal(feed_connections(&s, &m, 3, 22, 5, 0),
	    INCIDENT_BRUTE_FORCE);
	memset(&s, 0, sizeof(s));
	assert_int_equal(feed_connections(&s, &m, 3, 22, 6, 0),
	    INCIDENT_EXPLOIT);
	incident_map_free(&m);
}

static void
test_incident_classify_compromise_stands(void **state)
{
	struct incident_map m;
	struct inc_state s;
	struct alert a;

	(void)state;
	incident_map_defaults(&m);
	memset(&s, 0, sizeof(s));
	feed_connections(&s, &m, 12, 22, 15, 0);
	mk(&a, "196.11.240.215", "203.0.113.11", 22, 7, "trojan-activity");
	incident_add(&s, &m, &a, NULL);
	assert_int_equal(incident_classify(&s, &m, INCIDENT_COMPROMISE),
	    INCIDENT_COMPROMISE);
	/* ... and is remembered: later alerts do not lower it. */
	assert_int_equal(incident_classify(&s, &m, INCIDENT_OTHER),
	    INCIDENT_COMPROMISE);
	incident_map_free(&m);
}

static void
test_incident_json_fields(void **state)
{
	struct incident_map m;
	struct inc_state s;
	struct incident_row r;
	struct alert a;
	char *j;

	(void)state;
	incident_map_defaults(&m);
	memset(&s, 0, sizeof(s));
	mk(&a, "203.0.113.1", "10.0.0.1", 22, 2001219, "Misc activity");
	a.tz_min = 120;
	incident_add(&s, &m, &a, NULL);
	incident_add(&s, &m, &a, NULL);
	s.src = a.src;
	s.dst = a.dst;
	s.id = 7;
	s.kind = INCIDENT_SCAN;
	incident_row_fill(&r, &s, "open");
	j = incident_json(&r);
	assert_non_null(strstr(j, "\"type\":\"incident\",\"id\":7,"
	    "\"kind\":\"scan\",\"state\":\"open\",\"src_ip\":\"203.0.113.1\","
	    "\"dest_ip\":\"10.0.0.1\",\"first_seen\":\"2024-05-14T09:00:00"));
	assert_non_null(strstr(j, "+0200\""));
	assert_non_null(strstr(j, "\"alerts\":2"));
	assert_non_null(strstr(j, "\"signatures\":{\"1:2001219\":2}"));
	assert_non_null(strstr(j, "\"dest_ports\":{\"22\":2}"));
	assert_non_null(strstr(j, "\"dest_hosts\":1"));
	free(j);
	incident_row_clear(&r);
	incident_map_free(&m);
}

/* The hand-written JSON is what jansson reads back, at the caps too. */
static void
test_incident_json_parses(void **state)
{
	struct incident_map m;
	struct inc_state s;
	struct incident_row r;
	struct alert a;
	json_error_t je;
	json_t *o, *sigs, *ports;
	char *j;
	int i;

	(void)state;
	incident_map_defaults(&m);
	memset(&s, 0, sizeof(s));
	for (i = 0; i < 40; i++) {
		mk(&a, "2001:db8::1", "2001:db8:1::2", 1000 + i,
		    (uint32_t)(5000 + i), "Misc activity");
		incident_add(&s, &m, &a, NULL);
	}
	s.src = a.src;
	s.dst = a.dst;
	s.id = 42;
	s.kind = INCIDENT_SCAN;
	s.flags |= INC_F_INTERNAL;
	incident_row_fill(&r, &s, "contained");
	o = json_loads(r.summary_json, 0, &je);
	assert_non_null(o);
	assert_int_equal(json_integer_value(json_object_get(o,
	    "dest_port_count")), 40);
	json_decref(o);
	j = incident_json(&r);
	o = json_loads(j, 0, &je);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "kind")),
	    "scan");
	assert_string_equal(json_string_value(json_object_get(o, "src_ip")),
	    "2001:db8::1");
	assert_true(json_is_true(json_object_get(o, "internal")));
	assert_int_equal(json_integer_value(json_object_get(o, "alerts")), 40);
	sigs = json_object_get(o, "signatures");
	assert_int_equal(json_object_size(sigs), INC_SIGS + 1);
	assert_int_equal(json_integer_value(json_object_get(sigs, "other")),
	    40 - INC_SIGS);
	ports = json_object_get(o, "dest_ports");
	assert_int_equal(json_object_size(ports), INC_PORTS);
	assert_true(json_is_true(json_object_get(o, "established")));
	json_decref(o);
	free(j);
	incident_row_clear(&r);
	/* Longer than the first buffer: numbers at their widest. */
	for (i = 0; i < INC_SIGS; i++) {
		s.sigs[i].gid = 4000000000u + (uint32_t)i;
		s.sigs[i].sid = 4000000000u + (uint32_t)i;
		s.sigs[i].n = 4000000000u;
	}
	for (i = 0; i < INC_PORTS; i++) {
		s.ports[i].port = (uint16_t)(60000 + i);
		s.ports[i].n = 4000000000u;
	}
	addr_parse("2001:db8:1234:5678:9abc:def0:1234:5678", &s.src);
	addr_parse("2001:db8:8765:4321:9abc:def0:1234:5678", &s.dst);
	s.alerts = INT64_MAX;
	incident_row_fill(&r, &s, "contained");
	j = incident_json(&r);
	assert_true(strlen(j) > 1024);
	o = json_loads(j, 0, &je);
	assert_non_null(o);
	assert_int_equal(json_object_size(json_object_get(o, "signatures")),
	    INC_SIGS + 1);
	assert_int_equal(json_integer_value(json_object_get(o, "alerts")),
	    INT64_MAX);
	json_decref(o);
	free(j);
	/* A summary written some other way is merged through jansson; one
	 * that is not an object is left out. */
	free(r.summary_json);
	r.summary_json = strdup("{ \"dest_hosts\" : 3 }");
	j = incident_json(&r);
	assert_non_null(strstr(j, ",\"dest_hosts\":3}"));
	free(j);
	free(r.summary_json);
	r.summary_json = strdup("[1,2]");
	j = incident_json(&r);
	o = json_loads(j, 0, &je);
	assert_non_null(o);
	assert_null(json_object_get(o, "dest_hosts"));
	json_decref(o);
	free(j);
	incident_row_clear(&r);
	incident_map_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_incident_classtype_names),
		cmocka_unit_test(test_incident_alert_kind_mapping),
		cmocka_unit_test(test_incident_classify_shapes),
		cmocka_unit_test(
		    test_incident_classify_brute_force_by_connections),
		cmocka_unit_test(test_incident_classify_compromise_stands),
		cmocka_unit_test(test_incident_json_fields),
		cmocka_unit_test(test_incident_json_parses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
