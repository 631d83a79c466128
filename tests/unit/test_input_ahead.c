/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of reading ahead on a second thread: the items come in the
 * order and with the content that reading in one thread gives (alerts,
 * bad-record messages, the evidence bytes an alert borrows), across
 * batches; a failing input ends the stream with its error; stopping
 * early does not hang; peeking shows the alerts to come. An input that
 * splits reading and parsing gives, parsed on both threads, the stream
 * and the counts its own next() gives.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "input_ahead.h"

/* A synthetic input: item k is a bad record when k % 7 == 3, else an
 * alert with sid k whose packet and raw line live in buffers the next
 * call overwrites (as a real input's do). */
struct fake {
	unsigned	k, n;
	int		fail;		/* end with -2 instead of 0 */
	uint8_t		pkt[64];
	char		raw[64];
	char		file[32];	/* the split input's file name */
};

static int
fake_next(struct input *in, struct alert *al, struct err *e)
{
	struct fake *f = in->priv;
	unsigned k;

	if (f->k == f->n) {
		if (f->fail)
			return err_set(e, "fake: disk gone at item %u", f->k) -
			    1;
		return 0;
	}
	k = f->k++;
	in->stats.bytes += 10;
	if (k % 7 == 3)
		return err_set(e, "fake: line %u: broken", k);
	memset(al, 0, sizeof(*al));
	al->sid = k;
	al->offset = 10ULL * k;
	memset(f->pkt, (int)(k & 0xff), sizeof(f->pkt));
	al->packet = f->pkt;
	al->packet_len = 1 + k % 60;
	snprintf(f->raw, sizeof(f->raw), "{\"line\":%u}", k);
	al->raw = f->raw;
	al->raw_len = strlen(f->raw);
	return 1;
}

static const struct input_ops fake_ops = {
	.name = "fake",
	.priv_size = sizeof(struct fake),
	.next = fake_next,
};

/*
 * A synthetic input in two halves (record, parse). Record k: skipped
 * unread when k % 11 == 5, bad when k % 7 == 3, not an alert when
 * k % 5 == 2, else an alert with sid k, its packet decoded into the
 * scratch; the file name changes every 300 records. Its next() is the
 * two in a row, as a real input's.
 */
static int
split_record(struct input *in, struct input_record *r, struct err *e)
{
	struct fake *f = in->priv;
	unsigned k;

	if (f->k == f->n) {
		if (f->fail)
			return err_set(e, "split: disk gone at record %u",
			    f->k) - 1;
		return 0;
	}
	k = f->k++;
	in->stats.bytes += 10;
	if (k % 11 == 5)
		return err_set(e, "split: line %u: too long", k);
	snprintf(f->raw, sizeof(f->raw), "{\"line\":%u}", k);
	snprintf(f->file, sizeof(f->file), "split-%u", k / 300);
	r->p = f->raw;
	r->len = strlen(f->raw);
	r->file = f->file;
	r->offset = 10ULL * k;
	r->line = k + 1;
	return 1;
}

static int
split_parse(const struct input *in, const struct input_record *r,
    struct alert *al, struct alert_scratch *sc, struct err *e)
{
	unsigned k;

	(void)in;
	if (sscanf(r->p, "{\"line\":%u}", &k) != 1)
		return err_set(e, "%s: not a record", r->file);
	if (k % 7 == 3)
		return err_set(e, "%s:%llu: broken", r->file,
		    (unsigned long long)r->line);
	if (k % 5 == 2)
		return 0;
	memset(al, 0, sizeof(*al));
	al->sid = k;
	al->offset = r->offset;
	al->line = r->line;
	snprintf(al->file, sizeof(al->file), "%s", r->file);
	if (sc->cap < 64) {
		sc->pkt = realloc(sc->pkt, 64);
		assert_non_null(sc->pkt);
		sc->cap = 64;
	}
	memset(sc->pkt, (int)(k & 0xff), 64);
	al->packet = sc->pkt;
	al->packet_len = 1 + k % 60;
	al->raw = r->p;
	al->raw_len = r->len;
	return 1;
}

static int
split_next(struct input *in, struct alert *al, struct err *e)
{
	static struct alert_scratch sc;
	struct input_record r;
	int rc;

	for (;;) {
		if ((rc = split_record(in, &r, e)) != 1)
			return rc;
		rc = split_parse(in, &r, al, &sc, e);
		input_count(&in->stats, rc);
		if (rc != 0)
			return rc;
	}
}

static const struct input_ops split_ops = {
	.name = "split",
	.priv_size = sizeof(struct fake),
	.next = split_next,
	.record = split_record,
	.parse = split_parse,
};

/* A split input of records of BIG_LEN bytes that start with their number. */
#define BIG_LEN		(100 * 1024)

static int
big_record(struct input *in, struct input_record *r, struct err *e)
{
	static char line[BIG_LEN];
	struct fake *f = in->priv;

	(void)e;
	if (f->k == f->n)
		return 0;
	memset(line, 'x', sizeof(line));
	snprintf(line, 16, "%u", f->k);
	r->p = line;
	r->len = sizeof(line);
	r->file = "big";
	r->offset = (uint64_t)f->k * BIG_LEN;
	r->line = ++f->k;
	return 1;
}

static int
big_parse(const struct input *in, const struct input_record *r,
    struct alert *al, struct alert_scratch *sc, struct err *e)
{
	(void)in;
	(void)sc;
	(void)e;
	memset(al, 0, sizeof(*al));
	al->sid = (uint32_t)strtoul(r->p, NULL, 10);
	return 1;
}

static const struct input_ops big_ops = {
	.name = "big",
	.priv_size = sizeof(struct fake),
	.record = big_record,
	.parse = big_parse,
};

static struct input *
fake_input(unsigned n, int fail)
{
	struct input *in = input_new(&fake_ops, "fake", 0);
	struct fake *f = in->priv;

	f->n = n;
	f->fail = fail;
	return in;
}

static void
check_stream(unsigned n, int fail, int keep_raw)
{
	struct input *in = fake_input(n, fail);
	struct ahead *a;
	const struct ahead_item *it;
	struct err e = { "", 0 };
	char want[64];
	unsigned k, i;

	a = ahead_start(in, keep_raw, &e);
	assert_non_null(a);
	for (k = 0; k < n; k++) {
		assert_int_equal(ahead_next(a, &it, &e), 1);
		assert_int_equal(it->bytes, 10ULL * (k + 1));
		if (k % 7 == 3) {
			assert_int_equal(it->rc, -1);
			snprintf(want, sizeof(want), "fake: line %u: broken",
			    k);
			assert_string_equal(it->msg, want);
			continue;
		}
		assert_int_equal(it->rc, 1);
		assert_int_equal(it->al.sid, k);
		assert_int_equal(it->al.offset, 10ULL * k);
		assert_int_equal(it->al.packet_len, 1 + k % 60);
		for (i = 0; i < it->al.packet_len; i++)
			assert_int_equal(it->al.packet[i], k & 0xff);
		if (keep_raw) {
			snprintf(want, sizeof(want), "{\"line\":%u}", k);
			assert_int_equal(it->al.raw_len, strlen(want));
			assert_memory_equal(it->al.raw, want, strlen(want));
		} else {
			assert_null(it->al.raw);
			assert_int_equal(it->al.raw_len, 0);
		}
	}
	assert_int_equal(ahead_next(a, &it, &e), 0);
	if (fail) {
		assert_true(e.set);
		snprintf(want, sizeof(want), "fake: disk gone at item %u", n);
		assert_string_equal(e.msg, want);
	} else
		assert_false(e.set);
	/* The end stays the end. */
	assert_int_equal(ahead_next(a, &it, &e), 0);
	ahead_stop(a);
	input_free(in);
}

static void
test_ahead_same_stream(void **state)
{
	(void)state;
	check_stream(0, 0, 0);
	check_stream(1, 0, 1);
	check_stream(1000, 0, 0);	/* many batches */
	check_stream(1000, 0, 1);
}

/* The split input read ahead against its own next() in one thread. */
static void
check_split(unsigned n, int fail, int keep_raw)
{
	struct input *in = input_new(&split_ops, "split", 0);
	struct input *ref = input_new(&split_ops, "split", 0);
	struct ahead *a;
	const struct ahead_item *it;
	struct alert al;
	struct err e = { "", 0 }, re = { "", 0 };
	unsigned items = 0;
	int rc;

	((struct fake *)in->priv)->n = ((struct fake *)ref->priv)->n = n;
	((struct fake *)in->priv)->fail = ((struct fake *)ref->priv)->fail =
	    fail;
	a = ahead_start(in, keep_raw, &e);
	assert_non_null(a);
	for (;;) {
		err_clear(&re);
		rc = split_next(ref, &al, &re);
		if (rc == 0 || rc == -2)
			break;
		assert_int_equal(ahead_next(a, &it, &e), 1);
		items++;
		assert_int_equal(it->bytes, ref->stats.bytes);
		assert_int_equal(it->rc, rc);
		if (rc < 0) {
			assert_string_equal(it->msg, re.msg);
			continue;
		}
		assert_int_equal(it->al.sid, al.sid);
		assert_int_equal(it->al.offset, al.offset);
		assert_int_equal(it->al.line, al.line);
		assert_string_equal(it->al.file, al.file);
		assert_int_equal(it->al.packet_len, al.packet_len);
		assert_memory_equal(it->al.packet, al.packet, al.packet_len);
		if (keep_raw) {
			assert_int_equal(it->al.raw_len, al.raw_len);
			assert_memory_equal(it->al.raw, al.raw, al.raw_len);
		} else
			assert_null(it->al.raw);
	}
	assert_int_equal(ahead_next(a, &it, &e), 0);
	assert_int_equal(e.set, rc == -2);
	if (rc == -2)
		assert_string_equal(e.msg, re.msg);
	ahead_stop(a);
	/* Stream and counts as one thread's, whoever parsed what. */
	assert_true(n < 50 || items > n / 2);
	assert_int_equal(in->stats.events, ref->stats.events);
	assert_int_equal(in->stats.alerts, ref->stats.alerts);
	assert_int_equal(in->stats.bad, ref->stats.bad);
	assert_int_equal(in->stats.bytes, ref->stats.bytes);
	input_free(in);
	input_free(ref);
}

static void
test_ahead_split_same_stream(void **state)
{
	(void)state;
	check_split(0, 0, 0);
	check_split(1, 0, 1);
	check_split(6, 1, 0);
	check_split(5000, 0, 0);	/* many batches, a few files */
	check_split(5000, 0, 1);
	check_split(3000, 1, 1);
}

/*
 * Long records fill a batch by bytes before they fill it by count: what
 * is read ahead of the caller stays near 8 MB (8 batches of 1 MB), not
 * 8 x 128 records of any length.
 */
static void
test_ahead_long_records_bounded(void **state)
{
	struct input *in = input_new(&big_ops, "big", 0);
	struct ahead *a;
	const struct ahead_item *it;
	struct err e = { "", 0 };
	struct timespec ts = { 0, 300 * 1000000L };
	unsigned k, per_batch = (1u << 20) / BIG_LEN + 1;

	(void)state;
	((struct fake *)in->priv)->n = 2000;
	a = ahead_start(in, 0, &e);
	assert_non_null(a);
	assert_int_equal(ahead_next(a, &it, &e), 1);
	assert_int_equal(it->al.sid, 0);
	nanosleep(&ts, NULL);	/* the reader fills the ring and waits */
	ahead_stop(a);
	k = ((struct fake *)in->priv)->k;
	assert_true(k >= 1);
	assert_true(k <= 8 * per_batch);
	input_free(in);
	/* And read to the end, in order. */
	in = input_new(&big_ops, "big", 0);
	((struct fake *)in->priv)->n = 300;
	a = ahead_start(in, 1, &e);
	assert_non_null(a);
	for (k = 0; k < 300; k++) {
		assert_int_equal(ahead_next(a, &it, &e), 1);
		assert_int_equal(it->al.sid, k);
	}
	assert_int_equal(ahead_next(a, &it, &e), 0);
	ahead_stop(a);
	assert_int_equal(in->stats.alerts, 300);
	input_free(in);
}

static void
test_ahead_input_failure(void **state)
{
	(void)state;
	check_stream(300, 1, 0);
	check_stream(0, 1, 0);
}

static void
test_ahead_stop_early(void **state)
{
	struct input *in = fake_input(100000, 0);
	struct ahead *a;
	const struct ahead_item *it;
	struct err e = { "", 0 };
	int i;

	(void)state;
	a = ahead_start(in, 0, &e);
	assert_non_null(a);
	for (i = 0; i < 10; i++)
		assert_int_equal(ahead_next(a, &it, &e), 1);
	ahead_stop(a);		/* the reader waits on a full ring: it ends */
	assert_true(((struct fake *)in->priv)->k < 100000);
	input_free(in);
	/* Stopped before anything was taken. */
	in = fake_input(100000, 0);
	a = ahead_start(in, 0, &e);
	assert_non_null(a);
	ahead_stop(a);
	input_free(in);
}

static void
test_ahead_peek(void **state)
{
	struct input *in = fake_input(50, 0);
	struct ahead *a;
	const struct ahead_item *it;
	const struct alert *p;
	struct err e = { "", 0 };

	(void)state;
	a = ahead_start(in, 0, &e);
	assert_non_null(a);
	assert_null(ahead_peek(a, 1));		/* nothing taken yet */
	assert_int_equal(ahead_next(a, &it, &e), 1);	/* item 0 */
	p = ahead_peek(a, 1);
	assert_non_null(p);
	assert_int_equal(p->sid, 1);
	p = ahead_peek(a, 2);
	assert_non_null(p);
	assert_int_equal(p->sid, 2);
	assert_null(ahead_peek(a, 3));		/* item 3 is a bad record */
	assert_null(ahead_peek(a, 500));	/* beyond the input */
	ahead_stop(a);
	input_free(in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ahead_same_stream),
		cmocka_unit_test(test_ahead_input_failure),
		cmocka_unit_test(test_ahead_split_same_stream),
		cmocka_unit_test(test_ahead_long_records_bounded),
		cmocka_unit_test(test_ahead_stop_early),
		cmocka_unit_test(test_ahead_peek),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
