/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the resolver chain against an in-process whois server on
 * loopback: gate, referrals, recipient choice, placeholders, the range
 * cache in the store, and backoff after "query limit exceeded".
 */
#include <sys/socket.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "config.h"
#include "config_sections.h"
#include "contact.h"
#include "executor.h"
#include "log.h"
#include "resolver.h"
#include "store.h"
#include "store_policy.h"
#include "store_report.h"
#include "xmalloc.h"

/* ---------------------------------------------------------- fake server */

struct fake {
	int		 fd;
	int		 port;
	pthread_t	 th;
	const char	*reply;		/* answer to every query */
	int		 queries;
	char		 last[256];
};

static void *
fake_main(void *arg)
{
	struct fake *f = arg;
	int c;

	while ((c = accept(f->fd, NULL, NULL)) != -1) {
		char	buf[256];
		ssize_t	n = read(c, buf, sizeof(buf) - 1);

		if (n > 0) {
			buf[n] = '\0';
			buf[strcspn(buf, "\r\n")] = '\0';
			snprintf(f->last, sizeof(f->last), "%s", buf);
		}
		f->queries++;
		if (write(c, f->reply, strlen(f->reply)) < 0)
			f->queries += 1000;	/* fails the counts */
		close(c);
	}
	return NULL;
}

static void
fake_start(struct fake *f, const char *reply)
{
	struct sockaddr_in	sin;
	socklen_t		sl = sizeof(sin);

	memset(f, 0, sizeof(*f));
	f->reply = reply;
	f->fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(f->fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(f->fd, 8), 0);
	getsockname(f->fd, (struct sockaddr *)&sin, &sl);
	f->port = ntohs(sin.sin_port);
	pthread_create(&f->th, NULL, fake_main, f);
}

static void
fake_stop(struct fake *f)
{
	shutdown(f->fd, SHUT_RDWR);
	close(f->fd);
	pthread_join(f->th, NULL);
}

/* ---------------------------------------------------------------- setup */

static struct resolver_server	servers[4];
static struct resolver_conf	conf;

static void
setup_conf(struct fake *iana, struct fake *rir)
{
	conf = *resolver_conf_default();
	conf.use_ptr = 0;
	conf.use_rdap = 0;
	conf.timeout_ms = 2000;
	conf.whois_iana = "whois.iana.org";
	servers[0].name = "whois.iana.org";
	servers[0].host = "127.0.0.1";
	servers[0].port = iana->port;
	servers[1].name = "whois.ripe.net";
	servers[1].host = "127.0.0.1";
	servers[1].port = rir != NULL ? rir->port : 1;
	conf.whois_servers = servers;
	conf.nwhois_servers = 2;
}

static const char iana_to_ripe[] =
    "% IANA WHOIS server\n\nrefer:        whois.ripe.net\n\n"
    "inetnum:      62.0.0.0 - 62.255.255.255\n";

static const char ripe_answer[] =
    "% Abuse contact for '62.239.237.0 - 62.239.237.255' is "
    "'protect@bt.com'\n\n"
    "inetnum:        62.239.237.0 - 62.239.237.255\n"
    "netname:        BT-CORPORATE\ncountry:        GB\n"
    "admin-c:        BTCR1-RIPE\n\n"
    "role:           BT Corporate Registry\n"
    "nic-hdl:        BTCR1-RIPE\n"
    "e-mail:         registry@bt.com\n"
    "abuse-mailbox:  protect@bt.com\n";

static void
test_resolve_addr_gate_special(void **state)
{
	struct resolver	*r;
	struct contact	 c;
	struct addr	 a, lo, hi;
	struct err	 e = { "", 0 };

	(void)state;
	r = resolver_new(NULL);
	addr_parse("10.1.2.3", &a);
	assert_int_equal(resolve_addr(r, &a, &c, &lo, &hi, &e), 0);
	assert_int_equal(c.naddrs, 0);
	assert_int_equal(resolver_queries(r), 0);
	assert_non_null(strstr(c.chain, "gate"));
	contact_clear(&c);
	addr_parse("2001:db8::1", &a);
	assert_int_equal(resolve_addr(r, &a, &c, &lo, &hi, &e), 0);
	assert_int_equal(resolver_queries(r), 0);
	contact_clear(&c);
	resolver_free(r);
}

static void
test_resolve_addr_referral_two_hops(void **state)
{
	struct fake	 iana, ripe;
	struct resolver	*r;
	struct contact	 c;
	struct addr	 a, lo, hi;
	struct err	 e = { "", 0 };
	char		 buf[ADDR_STRLEN];

	(void)state;
	fake_start(&iana, iana_to_ripe);
	fake_start(&ripe, ripe_answer);
	setup_conf(&iana, &ripe);
	r = resolver_new(&conf);
	addr_parse("62.239.237.1", &a);
	assert_int_equal(resolve_addr(r, &a, &c, &lo, &hi, &e), 1);
	assert_int_equal(iana.queries, 1);
	assert_int_equal(ripe.queries, 1);
	assert_string_equal(ripe.last, "-r 62.239.237.1");
	assert_int_equal(c.naddrs, 1);
	assert_string_equal(c.addrs[0].email, "protect@bt.com");
	assert_string_equal(c.addrs[0].role, "abuse");
	assert_non_null(strstr(c.addrs[0].source, "whois whois.ripe.net"));
	assert_int_equal(c.low_confidence, 0);
	assert_string_equal(c.network_name, "BT-CORPORATE");
	assert_string_equal(c.country, "GB");
	assert_string_equal(addr_format(&lo, buf, sizeof(buf)), "62.239.237.0");
	assert_string_equal(addr_format(&hi, buf, sizeof(buf)),
	    "62.239.237.255");
	assert_non_null(strstr(c.chain, "refers to whois.ripe.net"));
	contact_clear(&c);
	resolver_free(r);
	fake_stop(&iana);
	fake_stop(&ripe);
}

static void
test_resolve_addr_admin_only_is_low_confidence(void **state)
{
	static const char answer[] =
	    "refer: whois.ripe.net\n\n"
	    "inetnum: 192.88.10.0 - 192.88.10.255\nnetname: NOABUSE\n"
	    "admin-c: AD1\ntech-c: TE1\n\n"
	    "nic-hdl: AD1\ne-mail: boss@noabuse.test\n\n"
	    "nic-hdl: TE1\ne-mail: hostmaster@ripe.net\n";
	struct fake	 iana;
	struct resolver	*r;
	struct contact	 c;
	struct addr	 a, lo, hi;
	struct err	 e = { "", 0 };

	(void)state;
	fake_start(&iana, answer);
	setup_conf(&iana, &iana);
	r = resolver_new(&conf);
	addr_parse("192.88.10.5", &a);
	assert_int_equal(resolve_addr(r, &a, &c, &lo, &hi, &e), 1);
	assert_int_equal(c.naddrs, 1);
	assert_string_equal(c.addrs[0].email, "boss@noabuse.test");
	assert_int_equal(c.addrs[0].low_confidence, 1);
	assert_int_equal(c.low_confidence, 1);
	/* The registry's own mailbox was dropped, with a note. */
	assert_non_null(strstr(c.chain, "dropped hostmaster@ripe.net"));
	contact_clear(&c);
	resolver_free(r);
	fake_stop(&iana);
}

static void
test_resolve_addr_caps_recipients(void **state)
{
	static const char answer[] =
	    "inetnum: 192.88.11.0 - 192.88.11.255\n"
	    "abuse-mailbox: a1@isp.test\nabuse-mailbox: a2@isp.test\n"
	    "abuse-mailbox: A1@ISP.test\nabuse-mailbox: a3@isp.test\n"
	    "abuse-mailbox: a4@isp.test\n";
	struct fake	 iana;
	struct resolver	*r;
	struct contact	 c;
	struct addr	 a, lo, hi;
	struct err	 e = { "", 0 };
	char		*cc[] = { "noc@our-isp.test" };

	(void)state;
	fake_start(&iana, answer);
	setup_conf(&iana, NULL);
	conf.copy_to.v = cc;
	conf.copy_to.n = 1;
	r = resolver_new(&conf);
	addr_parse("192.88.11.5", &a);
	assert_int_equal(resolve_addr(r, &a, &c, &lo, &hi, &e), 1);
	assert_int_equal(c.naddrs, 4);	/* 3 + copy */
	assert_string_equal(c.addrs[0].email, "a1@isp.test");
	assert_string_equal(c.addrs[2].email, "a3@isp.test");
	assert_string_equal(c.addrs[3].email, "noc@our-isp.test");
	assert_string_equal(c.addrs[3].role, "cc");
	contact_clear(&c);
	resolver_free(r);
	fake_stop(&iana);
}

static void
test_resolve_addr_rate_limit_backs_off(void **state)
{
	static const char answer[] = "% whois\n\nQuery rate limit exceeded\n";
	struct fake	 iana;
	struct resolver	*r;
	struct contact	 c;
	struct addr	 a, lo, hi;
	struct err	 e = { "", 0 };

	(void)state;
	fake_start(&iana, answer);
	setup_conf(&iana, NULL);
	r = resolver_new(&conf);
	addr_parse("192.88.12.5", &a);
	assert_int_equal(resolve_addr(r, &a, &c, &lo, &hi, &e), -1);
	assert_non_null(strstr(e.msg, "limit exceeded"));
	contact_clear(&c);
	err_clear(&e);
	/* The second lookup does not even connect. */
	assert_int_equal(resolve_addr(r, &a, &c, &lo, &hi, &e), -1);
	assert_non_null(strstr(e.msg, "backing off"));
	assert_int_equal(iana.queries, 1);
	contact_clear(&c);
	resolver_free(r);
	fake_stop(&iana);
}

/*
 * IANA refers, the registry says "limit exceeded": no answer (not "no
 * contact", which would be cached), retried after the back-off.
 */
static void
test_resolve_addr_rate_limit_after_referral(void **state)
{
	static const char limit[] = "% Joint Whois\n\nQuery rate limit "
	    "exceeded\n";
	struct fake	 iana, ripe;
	struct resolver	*r;
	struct contact	 c;
	struct addr	 a, lo, hi;
	struct err	 e = { "", 0 };
	int64_t		 after;

	(void)state;
	fake_start(&iana, iana_to_ripe);
	fake_start(&ripe, limit);
	setup_conf(&iana, &ripe);
	conf.backoff_s = 300;
	r = resolver_new(&conf);
	addr_parse("62.239.237.1", &a);
	assert_int_equal(resolve_addr(r, &a, &c, &lo, &hi, &e), -1);
	assert_non_null(strstr(e.msg, "rate-limited"));
	after = resolver_retry_after_s(r);
	assert_true(after > 290 && after <= 300);
	assert_int_equal(iana.queries, 1);
	assert_int_equal(ripe.queries, 1);
	contact_clear(&c);
	resolver_free(r);
	fake_stop(&ripe);
	fake_stop(&iana);
}

/* The security contact takes exploit and compromise reports. */
static void
test_contact_to_by_kind(void **state)
{
	struct contact c;

	(void)state;
	memset(&c, 0, sizeof(c));
	contact_add(&c, "abuse@bora.test", "abuse", "t", 0);
	contact_add(&c, "security@bora.test", "security", "t", 0);
	contact_add(&c, "cert@cert.test", "cert", "t", 0);
	assert_int_equal(contact_to(&c, 0, 0), 1);
	assert_int_equal(contact_to(&c, 1, 0), 0);
	assert_int_equal(contact_to(&c, 0, 1), 0);
	assert_int_equal(contact_to(&c, 1, 1), 1);
	assert_int_equal(contact_to(&c, 2, 1), 0);
	contact_clear(&c);
	/* No security contact: the abuse desk takes every kind. */
	contact_add(&c, "abuse@isp.test", "abuse", "t", 0);
	assert_int_equal(contact_to(&c, 0, 1), 1);
	contact_clear(&c);
}

static void
test_resolve_cached_one_lookup_per_range(void **state)
{
	struct fake	 iana;
	struct resolver	*r;
	struct store	*st;
	struct contact	 c;
	struct addr	 a;
	struct err	 e = { "", 0 };
	int		 i;

	(void)state;
	fake_start(&iana, ripe_answer);
	setup_conf(&iana, NULL);
	r = resolver_new(&conf);
	assert_int_equal(store_open(":memory:", &st, &e), 0);
	for (i = 1; i < 255; i += 7) {
		char s[32];

		snprintf(s, sizeof(s), "62.239.237.%d", i);
		addr_parse(s, &a);
		assert_int_equal(resolve_cached(r, st, &a, 0, &c, &e), 1);
		assert_string_equal(c.addrs[0].email, "protect@bt.com");
		contact_clear(&c);
	}
	assert_int_equal(iana.queries, 1);
	/* Outside the range: not cached. */
	addr_parse("62.239.238.1", &a);
	assert_int_equal(store_contact_lookup(st, &a, &c, &e), 0);
	store_close(st);
	resolver_free(r);
	fake_stop(&iana);
}

static void
test_store_contact_lookup_expiry_and_specific(void **state)
{
	struct store	*st;
	struct contact	 c, got;
	struct addr	 lo, hi, a;
	struct err	 e = { "", 0 };
	int64_t		 now = store_now_usec();

	(void)state;
	assert_int_equal(store_open(":memory:", &st, &e), 0);
	memset(&c, 0, sizeof(c));
	contact_add(&c, "wide@isp.test", "abuse", "test", 0);
	strlcpy_r(c.network_name, "WIDE", sizeof(c.network_name));
	c.expires_usec = now + 60000000;
	contact_range_parse("198.51.0.0 - 198.51.255.255", &lo, &hi);
	assert_int_equal(store_contact_save(st, &lo, &hi, &c, &e), 0);
	contact_clear(&c);
	contact_add(&c, "narrow@isp.test", "abuse", "test", 0);
	contact_chain(&c, "line one");
	strlcpy_r(c.network_name, "NARROW", sizeof(c.network_name));
	c.expires_usec = now + 60000000;
	contact_range_parse("198.51.100.0/24", &lo, &hi);
	assert_int_equal(store_contact_save(st, &lo, &hi, &c, &e), 0);
	contact_clear(&c);
	addr_parse("198.51.100.7", &a);
	assert_int_equal(store_contact_lookup(st, &a, &got, &e), 1);
	assert_string_equal(got.network_name, "NARROW");
	assert_string_equal(got.chain, "line one\n");
	contact_clear(&got);
	addr_parse("198.51.7.7", &a);
	assert_int_equal(store_contact_lookup(st, &a, &got, &e), 1);
	assert_string_equal(got.addrs[0].email, "wide@isp.test");
	contact_clear(&got);
	/* Expired entries are not returned. */
	contact_add(&c, "old@isp.test", "abuse", "test", 0);
	c.expires_usec = now - 1;
	contact_range_parse("203.0.113.0/24", &lo, &hi);
	assert_int_equal(store_contact_save(st, &lo, &hi, &c, &e), 0);
	contact_clear(&c);
	addr_parse("203.0.113.9", &a);
	assert_int_equal(store_contact_lookup(st, &a, &got, &e), 0);
	store_close(st);
}

static int
count_pending(void *arg, const struct decision_row *d)
{
	(void)d;
	(*(int *)arg)++;
	return 0;
}

static void
test_executor_resolver_run_stores_contacts(void **state)
{
	struct fake		 iana;
	struct store		*st;
	struct config		 cfg;
	struct executor		 ex;
	struct incident_row	 in;
	struct decision_row	 d;
	struct contact		 c;
	struct addr		 a;
	struct err		 e = { "", 0 };
	const char		*src[] = { "62.239.237.1", "62.239.237.9",
	    "62.239.237.77" };
	size_t			 i;
	int			 pending = 0;

	(void)state;
	fake_start(&iana, ripe_answer);
	setup_conf(&iana, NULL);
	assert_int_equal(store_open(":memory:", &st, &e), 0);
	for (i = 0; i < 3; i++) {
		memset(&in, 0, sizeof(in));
		in.kind = INCIDENT_SCAN;
		strlcpy_r(in.state, INCIDENT_STATE_OPEN, sizeof(in.state));
		strlcpy_r(in.src, src[i], sizeof(in.src));
		strlcpy_r(in.dst, "192.0.2.10", sizeof(in.dst));
		assert_int_equal(store_incident_insert(st, &in, &e), 0);
		memset(&d, 0, sizeof(d));
		d.incident_id = in.id;
		strlcpy_r(d.action, DECISION_REPORT, sizeof(d.action));
		strlcpy_r(d.target, src[i], sizeof(d.target));
		strlcpy_r(d.recipient, i == 2 ? RECIPIENT_UPSTREAM :
		    RECIPIENT_SOURCE,
		    sizeof(d.recipient));
		strlcpy_r(d.state, DECISION_PENDING, sizeof(d.state));
		assert_int_equal(store_decision_insert(st, &d, &e), 0);
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.resolver = &conf;
	memset(&ex, 0, sizeof(ex));
	ex.ops = &executor_resolver;
	ex.cfg = &cfg;
	ex.priv = calloc(1, executor_resolver.priv_size);
	assert_int_equal(ex.ops->start(&ex, st, &e), 0);
	/* Two source decisions in one /24: one lookup, one contact. */
	assert_int_equal(ex.ops->run(&ex, st, store_now_usec(), &e), 1);
	assert_int_equal(iana.queries, 1);
	addr_parse("62.239.237.9", &a);
	assert_int_equal(store_contact_lookup(st, &a, &c, &e), 1);
	assert_string_equal(c.addrs[0].email, "protect@bt.com");
	contact_clear(&c);
	/* Nothing left to do; the decisions stay for the reporter. */
	assert_int_equal(ex.ops->run(&ex, st, store_now_usec(), &e), 0);
	assert_int_equal(iana.queries, 1);
	assert_int_equal(store_decision_pending(st, DECISION_REPORT, 0,
	    count_pending, &pending, &e), 0);
	assert_int_equal(pending, 3);
	ex.ops->stop(&ex);
	free(ex.priv);
	store_close(st);
	fake_stop(&iana);
}

static int
first_report(void *arg, const struct report_row *r)
{
	struct report_row *out = arg;

	if (out->id == 0)
		*out = *r;
	return 0;
}

/*
 * The whole path: a pending "source" report decision waits while no
 * contact exists, the resolver stores one, the reporter drafts the report
 * to it (contact_for in reporter.c reads store_contact_lookup).
 */
/*
 * The resolver executor resolves the decision's target through a whois
 * server answering `answer`, then the reporter drafts the report of an
 * incident of `kind`: its To is want.
 */
static void
reporter_case(const char *answer, enum incident_kind kind, const char *want)
{
	struct fake		 iana;
	struct store		*st;
	struct config		 cfgs, *cfg = &cfgs;
	struct conf_node	*root;
	struct diag		 dg;
	struct executor		 rx, rp;
	struct incident_row	 in;
	struct decision_row	 d;
	struct evidence_row	 ev;
	struct report_row	 r;
	struct err		 e = { "", 0 };
	char			 dir[] = "/tmp/redress-tr.XXXXXX", *yaml;

	assert_non_null(mkdtemp(dir));
	fake_start(&iana, answer);
	yaml = xasprintf("resolver:\n  offline: true\n  ptr: false\n"
	    "  rdap: false\n  timeout: 2s\n  whois_servers:\n"
	    "    whois.iana.org: \"127.0.0.1:%d\"\n"
	    "reports:\n  from: reports@example.org\n"
	    "  templates: templates\n  outbox: %s/outbox\n", iana.port, dir);
	/* Only the two sections this path needs (not config_parse). */
	diag_init(&dg);
	memset(&cfgs, 0, sizeof(cfgs));
	root = conf_parse("t.yaml", yaml, strlen(yaml), &dg);
	assert_non_null(root);
	resolver_conf_load(cfg, conf_get(root, "resolver"), &dg);
	report_conf_load(cfg, conf_get(root, "reports"), &dg);
	if (dg.errors > 0) {
		char line[512];

		diag_format(&dg, 0, line, sizeof(line));
		fail_msg("%s", line);
	}
	diag_clear(&dg);
	free(yaml);
	assert_int_equal(store_open(":memory:", &st, &e), 0);
	memset(&in, 0, sizeof(in));
	in.kind = kind;
	strlcpy_r(in.state, INCIDENT_STATE_OPEN, sizeof(in.state));
	strlcpy_r(in.src, "62.239.237.1", sizeof(in.src));
	strlcpy_r(in.dst, "192.0.2.10", sizeof(in.dst));
	in.first_usec = in.last_usec = store_now_usec();
	in.alerts = 1;
	assert_int_equal(store_incident_insert(st, &in, &e), 0);
	memset(&ev, 0, sizeof(ev));
	ev.incident_id = in.id;
	ev.ts_usec = in.first_usec;
	ev.alert_json = "{\"timestamp\":\"2024-03-01T10:15:02.123456+0000\","
	    "\"src_ip\":\"62.239.237.1\",\"src_port\":40123,"
	    "\"dest_ip\":\"192.0.2.10\",\"dest_port\":22,\"proto\":\"TCP\","
	    "\"alert\":{\"gid\":1,\"signature_id\":2001219,\"rev\":1,"
	    "\"signature\":\"ET SCAN Potential SSH Scan\"}}";
	assert_int_equal(store_evidence_add(st, &ev, &e), 0);
	memset(&d, 0, sizeof(d));
	d.incident_id = in.id;
	strlcpy_r(d.action, DECISION_REPORT, sizeof(d.action));
	strlcpy_r(d.target, "62.239.237.1", sizeof(d.target));
	strlcpy_r(d.recipient, RECIPIENT_SOURCE, sizeof(d.recipient));
	strlcpy_r(d.state, DECISION_PENDING, sizeof(d.state));
	assert_int_equal(store_decision_insert(st, &d, &e), 0);

	memset(&rp, 0, sizeof(rp));
	rp.ops = &executor_reporter;
	rp.cfg = cfg;
	rp.priv = calloc(1, executor_reporter.priv_size + 1);
	assert_int_equal(rp.ops->start(&rp, st, &e), 0);
	/* No contact yet: the decision waits, nothing drafted. */
	assert_int_equal(rp.ops->run(&rp, st, store_now_usec(), &e), 0);
	memset(&r, 0, sizeof(r));
	assert_int_equal(store_report_list(st, NULL, first_report, &r, &e), 0);
	assert_int_equal(r.id, 0);

	memset(&rx, 0, sizeof(rx));
	rx.ops = &executor_resolver;
	rx.cfg = cfg;
	rx.priv = calloc(1, executor_resolver.priv_size);
	assert_int_equal(rx.ops->start(&rx, st, &e), 0);
	assert_int_equal(rx.ops->run(&rx, st, store_now_usec(), &e), 1);
	rx.ops->stop(&rx);
	free(rx.priv);

	assert_int_equal(rp.ops->run(&rp, st, store_now_usec(), &e), 1);
	memset(&r, 0, sizeof(r));
	assert_int_equal(store_report_list(st, NULL, first_report, &r, &e), 1);
	assert_true(r.id > 0);
	assert_string_equal(r.rcpt, want);
	assert_string_equal(r.recipient, RECIPIENT_SOURCE);
	assert_int_equal(r.low_confidence, 0);
	rp.ops->stop(&rp);
	free(rp.priv);
	store_close(st);
	resolver_conf_free(cfg);
	report_conf_free(cfg);
	conf_free(root);
	fake_stop(&iana);
	{
		char *cmd[] = { "rm", "-rf", dir, NULL };
		pid_t pid = fork();

		if (pid == 0) {
			execvp(cmd[0], cmd);
			_exit(127);
		}
		waitpid(pid, NULL, 0);
	}
}

static void
test_executor_reporter_uses_resolved_contact(void **state)
{
	(void)state;
	if (access("templates/scan.tmpl", R_OK) != 0)
		skip();
	reporter_case(ripe_answer, INCIDENT_SCAN, "protect@bt.com");
}

/*
 * APNIC 210.107.73.73's kind of answer: an abuse desk, and a remark that
 * names the security contact. Exploit and compromise reports go to the
 * security contact, the other kinds to the abuse desk.
 */
static void
test_executor_reporter_security_contact_by_kind(void **state)
{
	static const char answer[] =
	    "inetnum:        62.239.237.0 - 62.239.237.255\n"
	    "netname:        BORANET\n"
	    "abuse-mailbox:  abuse@bora.test\n"
	    "remarks:        If related with security, send mail to "
	    "security@bora.test\n";

	(void)state;
	if (access("templates/scan.tmpl", R_OK) != 0 ||
	    access("templates/exploit.tmpl", R_OK) != 0)
		skip();
	reporter_case(answer, INCIDENT_SCAN, "abuse@bora.test");
	reporter_case(answer, INCIDENT_EXPLOIT, "security@bora.test");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolve_addr_gate_special),
		cmocka_unit_test(test_resolve_addr_referral_two_hops),
		cmocka_unit_test(test_resolve_addr_admin_only_is_low_confidence),
		cmocka_unit_test(test_resolve_addr_caps_recipients),
		cmocka_unit_test(test_resolve_addr_rate_limit_backs_off),
		cmocka_unit_test(test_resolve_addr_rate_limit_after_referral),
		cmocka_unit_test(test_contact_to_by_kind),
		cmocka_unit_test(test_resolve_cached_one_lookup_per_range),
		cmocka_unit_test(test_store_contact_lookup_expiry_and_specific),
		cmocka_unit_test(test_executor_resolver_run_stores_contacts),
		cmocka_unit_test(test_executor_reporter_uses_resolved_contact),
		cmocka_unit_test(test_executor_reporter_security_contact_by_kind),
	};

	log_set_level(LOG_LEVEL_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
