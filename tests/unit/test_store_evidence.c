/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the evidence area of the store: an incident keeps its
 * first and its last alerts (the end ones held until a commit, trimmed to
 * the newest), a rollback drops what was held, closing the store writes
 * it, and the evidence of incidents older than the retention is deleted.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "store.h"
#include "store_policy.h"

static int64_t
incident(struct store *st, int64_t last_usec)
{
	struct incident_row r;
	struct err e = { 0 };

	memset(&r, 0, sizeof(r));
	strcpy(r.src, "198.51.100.7");
	strcpy(r.dst, "192.0.2.1");
	r.first_usec = r.last_usec = last_usec;
	assert_int_equal(store_incident_insert(st, &r, &e), 0);
	return r.id;
}

/*
 * Adds alert number n (its JSON is {"n":n}) at ts_usec, by default a
 * minute apart; tail: one of the end ones.
 */
static int64_t ts_step = 61000000;

static void
add(struct store *st, int64_t id, int n, int tail)
{
	struct evidence_row r;
	struct err e = { 0 };
	char js[32];

	memset(&r, 0, sizeof(r));
	snprintf(js, sizeof(js), "{\"n\":%d}", n);
	r.incident_id = id;
	r.ts_usec = n * ts_step;
	r.alert_json = js;
	r.tail = tail;
	assert_int_equal(store_evidence_add(st, &r, &e), 0);
}

struct seen {
	char	 s[256];
};

static int
collect(void *arg, const struct evidence_row *r)
{
	struct seen *v = arg;

	strncat(v->s, r->alert_json, sizeof(v->s) - strlen(v->s) - 1);
	return 0;
}

static const char *
list(struct store *st, int64_t id, struct seen *v)
{
	struct err e = { 0 };

	v->s[0] = '\0';
	assert_int_equal(store_evidence_list(st, id, 0, collect, v, &e), 0);
	return v->s;
}

static void
test_store_evidence_first_and_last(void **state)
{
	struct store *st;
	struct err e = { 0 };
	struct seen v;
	int64_t id;
	int n;

	(void)state;
	assert_int_equal(store_open(":memory:", &st, &e), 0);
	assert_int_equal(store_evidence_config(st, 3, 2, 0, &e), 0);
	id = incident(st, store_now_usec());
	assert_int_equal(store_begin(st, &e), 0);
	for (n = 1; n <= 10; n++)
		add(st, id, n, n > 3);
	assert_int_equal(store_commit(st, &e), 0);
	assert_string_equal(list(st, id, &v),
	    "{\"n\":1}{\"n\":2}{\"n\":3}{\"n\":9}{\"n\":10}");
	/* A rollback forgets the end alerts it held. */
	assert_int_equal(store_begin(st, &e), 0);
	add(st, id, 11, 1);
	store_rollback(st);
	assert_int_equal(store_evidence_flush(st, 1, &e), 0);
	assert_string_equal(list(st, id, &v),
	    "{\"n\":1}{\"n\":2}{\"n\":3}{\"n\":9}{\"n\":10}");
	/* A forced flush writes them and keeps the newest two. */
	assert_int_equal(store_begin(st, &e), 0);
	add(st, id, 12, 1);
	assert_int_equal(store_evidence_flush(st, 1, &e), 0);
	assert_int_equal(store_commit(st, &e), 0);
	assert_string_equal(list(st, id, &v),
	    "{\"n\":1}{\"n\":2}{\"n\":3}{\"n\":10}{\"n\":12}");
	store_close(st);
}

static void
test_store_evidence_commit_writes_held(void **state)
{
	char path[] = "/tmp/test_store_evidence.XXXXXX";
	char db[64];
	struct store *st;
	struct err e = { 0 };
	struct seen v;
	int64_t id;
	int fd, n;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	snprintf(db, sizeof(db), "%s.db", path);
	assert_int_equal(store_open(db, &st, &e), 0);
	assert_int_equal(store_evidence_config(st, 1, 3, 0, &e), 0);
	id = incident(st, store_now_usec());
	assert_int_equal(store_begin(st, &e), 0);
	add(st, id, 1, 0);
	assert_int_equal(store_commit(st, &e), 0);	/* first flush: due */
	assert_int_equal(store_begin(st, &e), 0);
	for (n = 2; n <= 6; n++)
		add(st, id, n, 1);
	/* The commit that passes them writes the end alerts with it. */
	assert_int_equal(store_commit(st, &e), 0);
	assert_string_equal(list(st, id, &v),
	    "{\"n\":1}{\"n\":4}{\"n\":5}{\"n\":6}");
	store_close(st);
	assert_int_equal(store_open(db, &st, &e), 0);
	assert_string_equal(list(st, id, &v),
	    "{\"n\":1}{\"n\":4}{\"n\":5}{\"n\":6}");
	store_close(st);
	unlink(db);
	snprintf(db, sizeof(db), "%s.db-wal", path);
	unlink(db);
	snprintf(db, sizeof(db), "%s.db-shm", path);
	unlink(db);
}

/* At most `last` end alerts per minute of event time, the minute's first. */
static void
test_store_evidence_per_minute(void **state)
{
	struct store *st;
	struct err e = { 0 };
	struct seen v;
	int64_t id;
	int n;

	(void)state;
	assert_int_equal(store_open(":memory:", &st, &e), 0);
	assert_int_equal(store_evidence_config(st, 1, 2, 0, &e), 0);
	id = incident(st, store_now_usec());
	ts_step = 1000000;	/* a second apart */
	assert_int_equal(store_begin(st, &e), 0);
	add(st, id, 1, 0);
	assert_int_equal(store_evidence_want(st, id, 2000000), 1);
	for (n = 2; n <= 5; n++)
		add(st, id, n, 1);
	assert_int_equal(store_evidence_want(st, id, 6000000), 0);
	assert_int_equal(store_evidence_want(st, id, 61000000), 1);
	assert_int_equal(store_commit(st, &e), 0);
	assert_string_equal(list(st, id, &v), "{\"n\":1}{\"n\":2}{\"n\":3}");
	ts_step = 61000000;
	store_close(st);
}

static void
test_store_evidence_retention(void **state)
{
	struct store *st;
	struct err e = { 0 };
	struct seen v;
	int64_t now = store_now_usec(), old, young;

	(void)state;
	assert_int_equal(store_open(":memory:", &st, &e), 0);
	assert_int_equal(store_evidence_config(st, 5, 0, 3600, &e), 0);
	old = incident(st, now - 7200 * 1000000LL);
	young = incident(st, now - 60 * 1000000LL);
	assert_int_equal(store_begin(st, &e), 0);
	add(st, old, 1, 0);
	add(st, young, 2, 0);
	assert_int_equal(store_commit(st, &e), 0);
	assert_string_equal(list(st, old, &v), "");
	assert_string_equal(list(st, young, &v), "{\"n\":2}");
	assert_int_not_equal(store_evidence_config(st, 5, 256, 0, &e), 0);
	store_close(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_store_evidence_first_and_last),
		cmocka_unit_test(test_store_evidence_commit_writes_held),
		cmocka_unit_test(test_store_evidence_per_minute),
		cmocka_unit_test(test_store_evidence_retention),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
