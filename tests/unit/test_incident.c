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
	assert_int_equal(incident_alert_kind(&m, &a, 0), INCIDENT_EXPLOIT);
	mk(&a, "203.0.113.1", "10.0.0.1", 80, 1, "Executable code was "
	    "detected");
	assert_int_equal(incident_alert_kind(&m, &a, 0), INCIDENT_EXPLOIT);
	mk(&a, "10.0.0.1", "203.0.113.1", 80, 1, "A Network Trojan was "
	    "detected");
	assert_int_equal(incident_alert_kind(&m, &a, 1), INCIDENT_COMPROMISE);
	assert_int_equal(incident_alert_kind(&m, &a, 0), INCIDENT_EXPLOIT);
	mk(&a, "203.0.113.1", "10.0.0.1", 80, 1, "Attempted Denial of "
	    "Service");
	assert_int_equal(incident_alert_kind(&m, &a, 0), INCIDENT_DOS);
	mk(&a, "203.0.113.1", "10.0.0.1", 80, 1, "Misc activity");
	assert_int_equal(incident_alert_kind(&m, &a, 0), INCIDENT_OTHER);
	/* An explicit sid mapping wins over the classtype. */
	m.sid_kind_sid = malloc(sizeof(uint32_t));
	m.sid_kind_kind = malloc(1);
	m.sid_kind_sid[0] = 1;
	m.sid_kind_kind[0] = INCIDENT_DOS;
	m.nsid_kind = 1;
	assert_int_equal(incident_alert_kind(&m, &a, 0), INCIDENT_DOS);
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
	incident_add(&s, &m, &a);
	assert_int_equal(incident_classify(&s, &m, INCIDENT_OTHER),
	    INCIDENT_PROBE);
	for (i = 1; i < 5; i++) {
		mk(&a, "203.0.113.1", "10.0.0.1", 8080 + i, 1, "Misc activity");
		incident_add(&s, &m, &a);
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
		incident_add(&s, &m, &a);
	}
	assert_int_equal(incident_classify(&s, &m, INCIDENT_OTHER),
	    INCIDENT_SWEEP);
	memset(&s, 0, sizeof(s));
	for (i = 0; i < 5; i++) {
		mk(&a, "203.0.113.1", "10.0.0.1", 22, 1, "Misc activity");
		incident_add(&s, &m, &a);
	}
	assert_int_equal(incident_classify(&s, &m, INCIDENT_OTHER),
	    INCIDENT_BRUTE_FORCE);
	assert_int_equal(s.alerts, 5);
	assert_int_equal(incident_ports(&s), 1);
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
	incident_add(&s, &m, &a);
	incident_add(&s, &m, &a);
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_incident_classtype_names),
		cmocka_unit_test(test_incident_alert_kind_mapping),
		cmocka_unit_test(test_incident_classify_shapes),
		cmocka_unit_test(test_incident_json_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
