/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the containment executor with real backends that need no
 * root: exec (a script the test writes, logging its argv and environment)
 * and hosts.deny (a file in a temp dir). Whitelist refusal, the per-minute
 * cap, repeat-offender escalation, expiry by redress's own timer, dry-run
 * output, and reconcile (missing line re-added, foreign line removed,
 * unrelated lines kept byte for byte).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "config.h"
#include "containment.h"
#include "containment_watch.h"
#include "xmalloc.h"
#include "executor.h"
#include "store.h"
#include "store_block.h"
#include "store_note.h"
#include "store_policy.h"
#include "protect.h"
#include "report.h"

struct fx {
	char		 dir[64];
	char		 script[128], log[128], hd[128];
	struct config	*cfg;
	struct store	*st;
};

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;

	buf = calloc(1, 65536);
	if (f == NULL)
		return buf;
	n = fread(buf, 1, 65535, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void
fx_config(struct fx *x, const char *extra, const char *backends)
{
	struct diag d;
	char yaml[2048];
	size_t i;

	snprintf(yaml, sizeof(yaml),
	    "general:\n  state_dir: %s\n"
	    "policy:\n  whitelist: [192.0.2.0/24]\n"
	    "responders:\n%s  backends:\n%s", x->dir, extra, backends);
	diag_init(&d);
	x->cfg = config_parse("t.yaml", yaml, strlen(yaml), &d);
	for (i = 0; i < d.n; i++) {
		char b[512];

		diag_format(&d, i, b, sizeof(b));
		fprintf(stderr, "%s\n", b);
	}
	diag_clear(&d);
	assert_non_null(x->cfg);
}

static int
setup(void **state)
{
	struct fx *x = calloc(1, sizeof(*x));
	struct err e = { "", 0 };
	FILE *f;

	strcpy(x->dir, "/tmp/redress-tc.XXXXXX");	/* lint: ok (test) */
	assert_non_null(mkdtemp(x->dir));
	snprintf(x->script, sizeof(x->script), "%s/fw.sh", x->dir);
	snprintf(x->log, sizeof(x->log), "%s/fw.log", x->dir);
	snprintf(x->hd, sizeof(x->hd), "%s/hosts.deny", x->dir);
	f = fopen(x->script, "w");
	assert_non_null(f);
	fprintf(f, "#!/bin/sh\necho \"$*|$REDRESS_ADDR|$REDRESS_PREFIX|"
	    "$REDRESS_DURATION|$REDRESS_INCIDENT|$REDRESS_REASON\" >> %s\n",
	    x->log);
	fclose(f);
	chmod(x->script, 0755);
	assert_int_equal(store_open(":memory:", &x->st, &e), 0);
	*state = x;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *x = *state;
	char cmd[256];

	store_close(x->st);
	config_free(x->cfg);
	unlink(x->script);
	unlink(x->log);
	unlink(x->hd);
	snprintf(cmd, sizeof(cmd), "%s", x->dir);
	rmdir(cmd);
	free(x);
	return 0;
}

static void
exec_backend(struct fx *x, const char *extra)
{
	char b[512];

	snprintf(b, sizeof(b), "    - type: exec\n      program: %s\n",
	    x->script);
	fx_config(x, extra, b);
}

static int64_t
decide(struct fx *x, const char *target, int64_t dur)
{
	struct decision_row d;
	struct err e = { "", 0 };

	memset(&d, 0, sizeof(d));
	d.incident_id = 7;
	strcpy(d.action, DECISION_CONTAIN);		/* lint: ok (test) */
	snprintf(d.target, sizeof(d.target), "%s", target);
	d.duration_s = dur;
	snprintf(d.reason, sizeof(d.reason), "exploit\nattempt");
	strcpy(d.state, DECISION_PENDING);		/* lint: ok (test) */
	d.event_usec = d.created_usec = store_now_usec();
	assert_int_equal(store_decision_insert(x->st, &d, &e), 0);
	return d.id;
}

struct states {
	char	s[16][16];
	size_t	n;
};

static int
state_cb(void *arg, const struct decision_row *d)
{
	struct states *s = arg;

	if (s->n < 16)
		snprintf(s->s[s->n++], 16, "%s", d->state);
	return 0;
}

static void
test_apply_whitelist_escalate(void **state)
{
	struct fx *x = *state;
	struct containment *c;
	struct err e = { "", 0 };
	struct states s = { .n = 0 };
	int64_t now = store_now_usec(), exp;
	char *log;

	exec_backend(x, "");
	/* A block of .9 that ended: the next one is twice as long. */
	assert_true(store_block_add(x->st, "exec", "198.51.100.9/32", 1,
	    now - 1000, "old", &e) > 0);
	decide(x, "198.51.100.1", 60);
	decide(x, "192.0.2.7", 60);		/* whitelisted */
	decide(x, "198.51.100.9", 60);		/* repeat offender */
	decide(x, "not-an-address", 60);
	decide(x, "2001:db8::/64", 0);		/* default duration */
	c = containment_open(x->cfg, 0, NULL, 1, &e);
	assert_non_null(c);
	assert_int_equal(containment_decisions(c, x->st, now, &e), 5);
	store_decision_list_incident(x->st, 7, state_cb, &s, &e);
	assert_int_equal(s.n, 5);
	assert_string_equal(s.s[0], DECISION_DONE);
	assert_string_equal(s.s[1], DECISION_REFUSED);
	assert_string_equal(s.s[2], DECISION_DONE);
	assert_string_equal(s.s[3], DECISION_FAILED);
	assert_string_equal(s.s[4], DECISION_DONE);
	assert_int_equal(containment_stats(c)->refused_whitelist, 1);
	log = slurp(x->log);
	assert_non_null(strstr(log, "block 198.51.100.1 32 60 7|198.51.100.1|"
	    "32|60|7|exploit?attempt\n"));
	assert_non_null(strstr(log, "block 198.51.100.9 32 120 7|"));
	assert_non_null(strstr(log, "block 2001:db8:: 64 3600 7|"));
	assert_null(strstr(log, "192.0.2.7"));
	free(log);
	assert_int_equal(store_block_active(x->st, "198.51.100.9/32", now,
	    &exp, &e), 1);
	assert_true(exp >= now + 119000000 && exp <= now + 121000000);
	/* Nothing left: a second pass does nothing. */
	assert_int_equal(containment_decisions(c, x->st, now, &e), 0);
	/* By hand: whitelisted refused, others applied. */
	{
		struct cidr n;

		cidr_parse("192.0.2.8", &n);
		assert_int_equal(containment_block(c, x->st, &n, 30, "hand",
		    &e), 1);
		assert_non_null(strstr(e.msg, "whitelisted"));
	}
	containment_close(c);
}

static void
test_cap(void **state)
{
	struct fx *x = *state;
	struct containment *c;
	struct err e = { "", 0 };
	struct states s = { .n = 0 };
	int64_t now = store_now_usec();
	size_t i, done = 0, refused = 0;

	exec_backend(x, "  cap_per_minute: 3\n");
	for (i = 0; i < 5; i++) {
		char t[32];

		snprintf(t, sizeof(t), "198.51.100.%zu", 10 + i);
		decide(x, t, 60);
	}
	c = containment_open(x->cfg, 0, NULL, 1, &e);
	assert_int_equal(containment_decisions(c, x->st, now, &e), 5);
	store_decision_list_incident(x->st, 7, state_cb, &s, &e);
	for (i = 0; i < s.n; i++) {
		done += strcmp(s.s[i], DECISION_DONE) == 0;
		refused += strcmp(s.s[i], DECISION_REFUSED) == 0;
	}
	assert_int_equal(done, 3);
	assert_int_equal(refused, 2);
	assert_int_equal(containment_stats(c)->refused_cap, 2);
	/* Still within the minute: the next one is refused too. */
	decide(x, "198.51.100.99", 60);
	assert_int_equal(containment_decisions(c, x->st, now, &e), 1);
	assert_int_equal(containment_stats(c)->refused_cap, 3);
	/* A minute later there is room again. */
	decide(x, "198.51.100.98", 60);
	assert_int_equal(containment_decisions(c, x->st,
	    now + 61 * 1000000LL, &e), 1);
	assert_int_equal(containment_stats(c)->applied, 4);
	containment_close(c);
}

static void
test_expire(void **state)
{
	struct fx *x = *state;
	struct containment *c;
	struct err e = { "", 0 };
	int64_t now = store_now_usec();
	char *log;

	exec_backend(x, "");
	decide(x, "198.51.100.1", 60);
	decide(x, "198.51.100.2", 600);
	c = containment_open(x->cfg, 0, NULL, 1, &e);
	assert_int_equal(containment_decisions(c, x->st, now, &e), 2);
	assert_int_equal(containment_expire(c, x->st, now + 30000000, &e), 0);
	assert_int_equal(containment_expire(c, x->st, now + 61000000, &e), 1);
	log = slurp(x->log);
	assert_non_null(strstr(log, "unblock 198.51.100.1 32"));
	assert_null(strstr(log, "unblock 198.51.100.2"));
	free(log);
	assert_int_equal(store_block_active(x->st, "198.51.100.1/32",
	    now + 61000000, NULL, &e), 0);
	assert_int_equal(store_block_active(x->st, "198.51.100.2/32",
	    now + 61000000, NULL, &e), 1);
	assert_int_equal(containment_stats(c)->expired, 1);
	containment_close(c);
}

static int
first_row(void *arg, const struct block_row *b)
{
	snprintf(arg, 128, "%s", b->responder);
	return 1;
}

static void
test_dry_run(void **state)
{
	struct fx *x = *state;
	struct containment *c;
	struct err e = { "", 0 };
	char *out = NULL, *log;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	int64_t now = store_now_usec();

	exec_backend(x, "");
	decide(x, "198.51.100.1", 60);
	c = containment_open(x->cfg, 1, f, 1, &e);
	assert_int_equal(containment_decisions(c, x->st, now, &e), 1);
	fflush(f);
	assert_non_null(strstr(out, "block 198.51.100.1 32 60 7"));
	assert_non_null(strstr(out, x->script));
	log = slurp(x->log);
	assert_string_equal(log, "");		/* nothing was run */
	free(log);
	assert_int_equal(store_block_active(x->st, "198.51.100.1/32", now,
	    NULL, &e), 1);
	{
		char who[128] = "";

		store_block_list(x->st, BLOCK_LIST_ACTIVE, now, first_row, who,
		    &e);
		assert_string_equal(who, "dry-run:exec");
	}
	/* Reconcile never acts on dry-run rows. */
	assert_int_equal(containment_reconcile(c, x->st, now, &e), 0);
	containment_close(c);
	fclose(f);
	free(out);
}

static void
test_reconcile_hostsdeny(void **state)
{
	struct fx *x = *state;
	struct containment *c;
	struct err e = { "", 0 };
	struct cidr n;
	char b[256], *txt;
	FILE *f;
	static const char head[] = "sshd: 203.0.113.1\n# a comment\n";
	static const char tail[] = "in.telnetd: ALL\n";

	snprintf(b, sizeof(b), "    - type: hostsdeny\n      path: %s\n",
	    x->hd);
	fx_config(x, "", b);
	f = fopen(x->hd, "w");
	fputs(head, f);
	fclose(f);
	c = containment_open(x->cfg, 0, NULL, 1, &e);
	cidr_parse("198.51.100.0/24", &n);
	assert_int_equal(containment_block(c, x->st, &n, 600, "t", &e), 0);
	cidr_parse("2001:db8::1", &n);
	assert_int_equal(containment_block(c, x->st, &n, 600, "t", &e), 0);
	txt = slurp(x->hd);
	assert_non_null(strstr(txt, "ALL: 198.51.100.0/255.255.255.0\n"));
	assert_non_null(strstr(txt, "ALL: [2001:db8::1]\n"));
	assert_int_equal(strncmp(txt, head, strlen(head)), 0);
	free(txt);
	/* By hand: drop the v4 line, add a foreign one, a line after. */
	f = fopen(x->hd, "w");
	fprintf(f, "%s# BEGIN redress managed block, do not edit\n"
	    "ALL: [2001:db8::1]\nALL: 203.0.113.77\n"
	    "# END redress managed block\n%s", head, tail);
	fclose(f);
	assert_int_equal(containment_reconcile(c, x->st, store_now_usec(),
	    &e), 2);
	txt = slurp(x->hd);
	assert_non_null(strstr(txt, "ALL: 198.51.100.0/255.255.255.0\n"));
	assert_non_null(strstr(txt, "ALL: [2001:db8::1]\n"));
	assert_null(strstr(txt, "203.0.113.77"));
	assert_int_equal(strncmp(txt, head, strlen(head)), 0);
	assert_string_equal(txt + strlen(txt) - strlen(tail), tail);
	free(txt);
	assert_int_equal(containment_stats(c)->drift_missing, 1);
	assert_int_equal(containment_stats(c)->drift_extra, 1);
	/* In sync now. */
	assert_int_equal(containment_reconcile(c, x->st, store_now_usec(),
	    &e), 0);
	/* Unblock removes the line, keeps the rest. */
	cidr_parse("198.51.100.0/24", &n);
	assert_int_equal(containment_unblock(c, x->st, &n, &e), 1);
	txt = slurp(x->hd);
	assert_null(strstr(txt, "198.51.100.0"));
	assert_int_equal(strncmp(txt, head, strlen(head)), 0);
	free(txt);
	containment_close(c);
}

static void
test_executor(void **state)
{
	struct fx *x = *state;
	struct executor ex;
	struct err e = { "", 0 };
	char *log;

	exec_backend(x, "");
	memset(&ex, 0, sizeof(ex));
	ex.ops = &executor_containment;
	ex.cfg = x->cfg;
	ex.priv = calloc(1, executor_containment.priv_size);
	assert_int_equal(ex.ops->start(&ex, x->st, &e), 0);
	decide(x, "198.51.100.5", 1);
	assert_int_equal(ex.ops->run(&ex, x->st, store_now_usec(), &e), 1);
	/* Two seconds later the own timer runs "unblock". */
	assert_true(ex.ops->run(&ex, x->st, store_now_usec() + 2000000, &e)
	    >= 1);
	log = slurp(x->log);
	assert_non_null(strstr(log, "block 198.51.100.5 32 1 7"));
	assert_non_null(strstr(log, "unblock 198.51.100.5 32"));
	free(log);
	ex.ops->stop(&ex);
	free(ex.priv);
}

/* The incident's decisions as "action target recipient|reason" lines. */
static int
dec_line(void *arg, const struct decision_row *d)
{
	char	*buf = arg;
	size_t	 l = strlen(buf);

	snprintf(buf + l, 2048 - l, "%s %s %s|%s\n", d->action, d->target,
	    d->recipient, d->reason);
	return 0;
}

static int
note_line(void *arg, const struct note_row *n)
{
	char	*buf = arg;
	size_t	 l = strlen(buf);

	snprintf(buf + l, 2048 - l, "%s %s: %s\n", n->source, n->subject,
	    n->text);
	return 0;
}

/*
 * An account coming back from four places: our own side (whitelisted:
 * noted, not contained), an address blocked already (left alone), a new
 * one (a contain decision for the incident) and nowhere remote (nothing
 * to block). Our own team is asked once per incident, and only with
 * reports.team_address.
 */
static void
test_watch_decide(void **state)
{
	struct fx		*x = *state;
	struct err		 e = { "", 0 };
	struct incident_row	 in;
	struct cwatch		 w = { NULL, 0, 0 };
	struct cwatch_back	 b[4];
	struct protect		*g;
	struct config		 cfg;
	struct report_conf	 rc;
	int64_t			 now = store_now_usec(), ids[3];
	char			 got[2048] = "";
	static const char *const from[] = { "192.0.2.7", "198.51.100.9",
	    "198.51.100.4", NULL };
	size_t			 i;

	fx_config(x, "", "    - type: hostsdeny\n      path: /dev/null\n");
	memset(&in, 0, sizeof(in));
	in.kind = INCIDENT_EXPLOIT;
	strlcpy_r(in.src, "203.0.113.5", sizeof(in.src));
	strlcpy_r(in.dst, "192.0.2.10", sizeof(in.dst));
	assert_int_equal(store_incident_insert(x->st, &in, &e), 0);
	assert_true(store_block_add(x->st, "nftables", "198.51.100.9/32", 1,
	    now + 3600000000LL, "", &e) > 0);
	memset(b, 0, sizeof(b));
	for (i = 0; i < 4; i++) {
		b[i].incident_id = in.id;
		strlcpy_r(b[i].source, "lockacct", sizeof(b[i].source));
		strlcpy_r(b[i].user, "alice", sizeof(b[i].user));
		if (from[i] != NULL) {
			assert_int_equal(addr_parse(from[i], &b[i].from), 0);
			b[i].has_from = 1;
		}
	}
	w.v = b;
	w.n = 4;
	g = protect_new(x->cfg);
	assert_int_equal(cwatch_decide(&w, g, x->st, now, &e), 0);
	protect_free(g);
	assert_int_equal(store_decision_list_incident(x->st, in.id, dec_line,
	    got, &e), 0);
	assert_string_equal(got, "contain 198.51.100.4 |alice came back from "
	    "198.51.100.4\n");
	got[0] = '\0';
	assert_int_equal(store_note_list(x->st, in.id, note_line, got, &e), 0);
	assert_non_null(strstr(got, "lockacct alice: 192.0.2.7 not blocked: "
	    "our own side ("));
	assert_null(strstr(got, "198.51.100"));

	memset(&cfg, 0, sizeof(cfg));
	memset(&rc, 0, sizeof(rc));
	ids[0] = ids[1] = in.id;
	ids[2] = 0;
	assert_int_equal(cwatch_team_reports(&cfg, x->st, ids, 3, &e), 0);
	cfg.reports = &rc;
	assert_int_equal(cwatch_team_reports(&cfg, x->st, ids, 3, &e), 0);
	rc.team_address = "security@example.org";
	assert_int_equal(cwatch_team_reports(&cfg, x->st, ids, 3, &e), 0);
	assert_int_equal(cwatch_team_reports(&cfg, x->st, ids, 1, &e), 0);
	got[0] = '\0';
	assert_int_equal(store_decision_list_incident(x->st, in.id, dec_line,
	    got, &e), 0);
	assert_string_equal(got, "contain 198.51.100.4 |alice came back from "
	    "198.51.100.4\n"
	    "report 203.0.113.5 internal|local accounts locked\n");
	incident_row_clear(&in);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_apply_whitelist_escalate,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expire, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dry_run, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reconcile_hostsdeny,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_watch_decide, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_executor, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
