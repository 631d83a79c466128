/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of reading ahead on a second thread: the items come in the
 * order and with the content that reading in one thread gives (alerts,
 * bad-record messages, the evidence bytes an alert borrows), across
 * batches; a failing input ends the stream with its error; stopping
 * early does not hang; peeking shows the alerts to come.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
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
		cmocka_unit_test(test_ahead_stop_early),
		cmocka_unit_test(test_ahead_peek),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
