/* SPDX-License-Identifier: MIT */
/* Unit tests of the whois answer parser and of mailbox validation. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "contact.h"
#include "whois_parse.h"

static const struct whois_found *
find(const struct whois_result *r, const char *email)
{
	size_t i;

	for (i = 0; i < r->nfound; i++)
		if (strcmp(r->found[i].email, email) == 0)
			return &r->found[i];
	return NULL;
}

static void
parse(const char *s, struct whois_result *r)
{
	assert_int_equal(whois_parse(s, strlen(s), r), 0);
}

static void
test_whois_parse_ripe_abuse_comment(void **state)
{
	struct whois_result r;
	const struct whois_found *f;

	(void)state;
	parse("% Information related to '62.239.237.0 - 62.239.237.255'\n"
	    "\n"
	    "% Abuse contact for '62.239.237.0 - 62.239.237.255' is "
	    "'protect@bt.com'\n"
	    "\n"
	    "inetnum:        62.239.237.0 - 62.239.237.255\n"
	    "netname:        BT-CORPORATE\n"
	    "country:        GB\n"
	    "remarks:        Please send abuse notification to btcertcc@bt.com\n"
	    "\n"
	    "route:          62.239.0.0/16\n"
	    "origin:         AS2856\n", &r);
	assert_string_equal(r.network_name, "BT-CORPORATE");
	assert_string_equal(r.range, "62.239.237.0 - 62.239.237.255");
	assert_string_equal(r.country, "GB");
	assert_int_equal(r.origin_as, 2856);
	f = find(&r, "protect@bt.com");
	assert_non_null(f);
	assert_string_equal(f->role, "abuse");
	assert_int_equal(f->low_confidence, 0);
	assert_int_equal(f->line, 3);
	/* The remark is free text: kept, but only as a guess. */
	f = find(&r, "btcertcc@bt.com");
	assert_non_null(f);
	assert_int_equal(f->low_confidence, 1);
	whois_result_clear(&r);
}

static void
test_whois_parse_arin_org_and_referral(void **state)
{
	struct whois_result r;
	const struct whois_found *f;

	(void)state;
	parse("NetRange:       174.0.0.0 - 174.7.255.255\n"
	    "CIDR:           174.0.0.0/13\n"
	    "NetName:        SHAW-COMM\n"
	    "NetHandle:      NET-174-0-0-0-1\n"
	    "OriginAS:       AS6327\n"
	    "\n"
	    "OrgName:        Shaw Communications Inc.\n"
	    "Country:        CA\n"
	    "ReferralServer:  rwhois://rwhois.shawcable.net:4321\n"
	    "\n"
	    "OrgAbuseEmail:  internet.abuse@sjrb.ca\n"
	    "OrgTechEmail:  jing.zhu@sjrb.ca\n", &r);
	assert_string_equal(r.network_name, "SHAW-COMM");
	assert_string_equal(r.handle, "NET-174-0-0-0-1");
	assert_string_equal(r.country, "CA");
	assert_int_equal(r.origin_as, 6327);
	assert_string_equal(r.refer_host, "rwhois.shawcable.net");
	assert_int_equal(r.refer_port, 4321);
	assert_int_equal(r.refer_rwhois, 1);
	f = find(&r, "internet.abuse@sjrb.ca");
	assert_non_null(f);
	assert_string_equal(f->role, "abuse");
	assert_string_equal(f->field, "OrgAbuseEmail");
	f = find(&r, "jing.zhu@sjrb.ca");
	assert_non_null(f);
	assert_string_equal(f->role, "tech");
	whois_result_clear(&r);
}

static void
test_whois_parse_arin_reassignment_more_specific(void **state)
{
	struct whois_result r;

	(void)state;
	parse("NetRange: 63.95.254.0 - 63.95.255.255\n"
	    "OrgAbuseEmail:  noc@accelecom.net\n"
	    "RAbuseEmail:  akeem@accelecom.net\n", &r);
	assert_true(find(&r, "akeem@accelecom.net")->level >
	    find(&r, "noc@accelecom.net")->level);
	whois_result_clear(&r);
}

static void
test_whois_parse_iana_refer(void **state)
{
	struct whois_result r;

	(void)state;
	parse("% IANA WHOIS server\n\nrefer:        whois.apnic.net\n\n"
	    "inetnum:      171.0.0.0 - 171.255.255.255\n"
	    "whois:        whois.apnic.net\n", &r);
	assert_string_equal(r.refer_host, "whois.apnic.net");
	assert_int_equal(r.refer_port, 0);
	assert_int_equal(r.refer_rwhois, 0);
	whois_result_clear(&r);
	/* IPv6 answers sometimes carry only whois: */
	parse("inet6num: 2001:200::/23\nwhois:        whois.apnic.net\n", &r);
	assert_string_equal(r.refer_host, "whois.apnic.net");
	whois_result_clear(&r);
}

static void
test_whois_parse_arin_erx_to_ripe(void **state)
{
	struct whois_result r;

	(void)state;
	parse("NetRange:       151.0.0.0 - 151.255.255.255\n"
	    "NetType:        Early Registrations, Transferred to RIPE NCC\n"
	    "ReferralServer:  whois://whois.ripe.net\n"
	    "OrgAbuseEmail:  abuse@ripe.net\n", &r);
	assert_string_equal(r.refer_host, "whois.ripe.net");
	assert_int_equal(r.refer_rwhois, 0);
	whois_result_clear(&r);
}

static void
test_whois_parse_lacnic_abuse_c(void **state)
{
	struct whois_result r;
	const struct whois_found *f;

	(void)state;
	parse("inetnum:     200.57.128/19\n"
	    "owner:       Triara.com, S.A. de C.V.\n"
	    "ownerid:     MX-TSCV6-LACNIC\n"
	    "country:     MX\n"
	    "owner-c:     OWN1\n"
	    "abuse-c:     RYT2\n"
	    "\n"
	    "nic-hdl:     RYT2\n"
	    "e-mail:      operacion.redes@TRIARA.COM\n"
	    "\n"
	    "nic-hdl-br:  OWN1\n"
	    "e-mail:      owner@triara.com\n", &r);
	assert_string_equal(r.network_name, "Triara.com, S.A. de C.V.");
	assert_string_equal(r.range, "200.57.128/19");
	f = find(&r, "operacion.redes@triara.com");
	assert_non_null(f);
	assert_string_equal(f->role, "abuse");
	f = find(&r, "owner@triara.com");
	assert_non_null(f);
	assert_string_equal(f->role, "admin");
	whois_result_clear(&r);
}

static void
test_whois_parse_apnic_irt(void **state)
{
	struct whois_result r;
	const struct whois_found *f;

	(void)state;
	parse("inetnum:        171.0.0.0 - 171.1.255.255\n"
	    "mnt-irt:        IRT-STARHUBINTERNET-SG\n\n"
	    "irt:            IRT-STARHUBINTERNET-SG\n"
	    "e-mail:         abuse@starhub.com\n"
	    "abuse-mailbox:  abuse@starhub.com\n", &r);
	f = find(&r, "abuse@starhub.com");
	assert_non_null(f);
	assert_string_equal(f->role, "abuse");
	assert_string_equal(f->field, "abuse-mailbox");
	whois_result_clear(&r);
}

static void
test_whois_parse_rate_limit(void **state)
{
	struct whois_result r;

	(void)state;
	parse("% Joint Whois - whois.lacnic.net\n\nQuery rate limit exceeded\n",
	    &r);
	assert_int_equal(r.rate_limited, 1);
	whois_result_clear(&r);
	parse("%ERROR:201: access denied for 192.0.2.1\n", &r);
	assert_int_equal(r.rate_limited, 1);
	whois_result_clear(&r);
	parse("inetnum: 192.0.2.0 - 192.0.2.255\n", &r);
	assert_int_equal(r.rate_limited, 0);
	whois_result_clear(&r);
}

static void
test_whois_parse_hostile_values(void **state)
{
	struct whois_result	 r;
	char			*big, *text;
	size_t			 i;

	(void)state;
	/* CR inside, header injection, NUL, and a 5,000-character mailbox. */
	big = malloc(5001);
	for (i = 0; i < 4990; i++)
		big[i] = 'a';
	memcpy(big + 4990, "@evil.test", 11);
	text = malloc(6000 + 200);
	snprintf(text, 6200,
	    "inetnum: 192.0.2.0 - 192.0.2.255\n"
	    "abuse-mailbox: abuse@x.test\rBcc: all@victim.test\n"
	    "abuse-mailbox: x@y.test\nBcc: z@victim.test\n"
	    "OrgAbuseEmail: %s\n"
	    "abuse-mailbox: good@isp.test\n"
	    "abuse-mailbox: Good@ISP.test\n"
	    "abuse-mailbox: two@@isp.test\n"
	    "abuse-mailbox: <script>@isp.test\n", big);
	parse(text, &r);
	assert_null(find(&r, "abuse@x.test"));
	assert_null(find(&r, "all@victim.test"));
	assert_null(find(&r, "z@victim.test"));	/* a line of its own, no key */
	assert_non_null(find(&r, "x@y.test"));
	assert_non_null(find(&r, "good@isp.test"));
	for (i = 0; i < r.nfound; i++) {
		assert_true(strlen(r.found[i].email) < 255);
		assert_null(strpbrk(r.found[i].email, "\r\n<>"));
	}
	/* good@ and Good@ merged case-insensitively. */
	assert_int_equal(r.nfound, 2);
	assert_true(r.rejected >= 4);
	assert_non_null(r.evidence);
	assert_null(strchr(r.evidence, '\r'));
	whois_result_clear(&r);
	free(text);
	free(big);
}

static void
test_whois_parse_binary_garbage(void **state)
{
	struct whois_result	r;
	char			buf[4096];
	size_t			i;

	(void)state;
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (char)(i * 131 + 7);
	assert_int_equal(whois_parse(buf, sizeof(buf), &r), 0);
	whois_result_clear(&r);
}

/* abuse-c names a role with abuse-mailbox: and e-mail:: only the mailbox. */
static void
test_whois_parse_abuse_role_email_not_its_mailbox(void **state)
{
	struct whois_result r;

	(void)state;
	parse("inetnum:        192.0.2.0 - 192.0.2.255\n"
	    "abuse-c:        AR1-TEST\n"
	    "admin-c:        JD1-TEST\n"
	    "tech-c:         NOC1-TEST\n"
	    "\n"
	    "role:           Abuse Role\n"
	    "e-mail:         people@isp.test\n"
	    "abuse-mailbox:  abuse@isp.test\n"
	    "nic-hdl:        AR1-TEST\n"
	    "\n"
	    "person:         John Doe\n"
	    "e-mail:         john.doe@isp.test\n"
	    "nic-hdl:        JD1-TEST\n"
	    "\n"
	    "role:           NOC\n"
	    "e-mail:         noc@isp.test\n"
	    "nic-hdl:        NOC1-TEST\n", &r);
	assert_non_null(find(&r, "abuse@isp.test"));
	assert_string_equal(find(&r, "abuse@isp.test")->role, "abuse");
	assert_null(find(&r, "people@isp.test"));
	/* admin-c is a person: marked, never a recipient; a role is not. */
	assert_non_null(find(&r, "john.doe@isp.test"));
	assert_int_equal(find(&r, "john.doe@isp.test")->personal, 1);
	assert_non_null(find(&r, "noc@isp.test"));
	assert_string_equal(find(&r, "noc@isp.test")->role, "tech");
	assert_int_equal(find(&r, "noc@isp.test")->personal, 0);
	whois_result_clear(&r);
	/* Without an abuse-mailbox: the abuse-c's e-mail: is its address. */
	parse("inetnum:        192.0.2.0 - 192.0.2.255\n"
	    "abuse-c:        AR1-TEST\n\n"
	    "role:           Abuse Role\n"
	    "e-mail:         desk@isp.test\n"
	    "nic-hdl:        AR1-TEST\n", &r);
	assert_non_null(find(&r, "desk@isp.test"));
	assert_string_equal(find(&r, "desk@isp.test")->role, "abuse");
	whois_result_clear(&r);
}

/* APNIC 210.107.73.73: "If related with security, send mail to ...". */
static void
test_whois_parse_security_remark(void **state)
{
	struct whois_result r;
	const struct whois_found *f;

	(void)state;
	parse("inetnum:        210.107.0.0 - 210.107.127.255\n"
	    "remarks:        If related with spam, send mail to abuse@bora.net\n"
	    "remarks:        If related with security, send mail to "
	    "security@bora.net\n"
	    "remarks:        BT Security Computer Emergency Response Team\n",
	    &r);
	f = find(&r, "security@bora.net");
	assert_non_null(f);
	assert_string_equal(f->role, "security");
	assert_int_equal(f->line, 3);
	f = find(&r, "abuse@bora.net");
	assert_non_null(f);
	assert_string_equal(f->role, "abuse");
	assert_int_equal(f->low_confidence, 1);
	assert_int_equal(r.nfound, 2);
	whois_result_clear(&r);
}

/* "Try again later" is a rate limit too, not an empty answer. */
static void
test_whois_parse_try_later(void **state)
{
	struct whois_result r;

	(void)state;
	parse("% Server busy. Please try again later.\n", &r);
	assert_int_equal(r.rate_limited, 1);
	whois_result_clear(&r);
	parse("inetnum: 192.0.2.0 - 192.0.2.255\nremarks: try our web site\n",
	    &r);
	assert_int_equal(r.rate_limited, 0);
	whois_result_clear(&r);
}

static void
test_contact_mailbox_ok_cases(void **state)
{
	(void)state;
	assert_true(contact_mailbox_ok("abuse@example.net", 17));
	assert_true(contact_mailbox_ok("a.b+c@sub.example.co.uk", 23));
	assert_false(contact_mailbox_ok("abuse@localhost", 15));
	assert_false(contact_mailbox_ok("a@b@c.d", 7));
	assert_false(contact_mailbox_ok("@example.net", 12));
	assert_false(contact_mailbox_ok("a..b@example.net", 16));
	assert_false(contact_mailbox_ok("a@-x.net", 8));
	assert_false(contact_mailbox_ok("a b@x.net", 9));
	assert_false(contact_mailbox_ok("a@x.net\r", 8));
}

static void
test_contact_range_parse_forms(void **state)
{
	struct addr	lo, hi;
	char		a[ADDR_STRLEN], b[ADDR_STRLEN];

	(void)state;
	assert_int_equal(contact_range_parse("62.239.237.0 - 62.239.237.255",
	    &lo, &hi), 0);
	assert_string_equal(addr_format(&hi, b, sizeof(b)), "62.239.237.255");
	assert_int_equal(contact_range_parse("200.57.128/19", &lo, &hi), 0);
	assert_string_equal(addr_format(&lo, a, sizeof(a)), "200.57.128.0");
	assert_string_equal(addr_format(&hi, b, sizeof(b)), "200.57.159.255");
	assert_int_equal(contact_range_parse("074.125.000.000 - "
	    "074.125.255.255", &lo, &hi), 0);
	assert_string_equal(addr_format(&lo, a, sizeof(a)), "74.125.0.0");
	assert_int_equal(contact_range_parse("2001:630:d0::/48", &lo, &hi), 0);
	assert_string_equal(addr_format(&hi, b, sizeof(b)),
	    "2001:630:d0:ffff:ffff:ffff:ffff:ffff");
	assert_int_equal(contact_range_parse("62.239.237.0/32 - "
	    "62.239.237.255/32", &lo, &hi), 0);
	assert_int_equal(contact_range_parse("10.0.0.9 - 10.0.0.1", &lo, &hi),
	    -1);
	assert_int_equal(contact_range_parse("garbage", &lo, &hi), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whois_parse_ripe_abuse_comment),
		cmocka_unit_test(test_whois_parse_arin_org_and_referral),
		cmocka_unit_test(test_whois_parse_arin_reassignment_more_specific),
		cmocka_unit_test(test_whois_parse_iana_refer),
		cmocka_unit_test(test_whois_parse_arin_erx_to_ripe),
		cmocka_unit_test(test_whois_parse_lacnic_abuse_c),
		cmocka_unit_test(test_whois_parse_apnic_irt),
		cmocka_unit_test(test_whois_parse_rate_limit),
		cmocka_unit_test(test_whois_parse_hostile_values),
		cmocka_unit_test(test_whois_parse_binary_garbage),
		cmocka_unit_test(test_whois_parse_abuse_role_email_not_its_mailbox),
		cmocka_unit_test(test_whois_parse_security_remark),
		cmocka_unit_test(test_whois_parse_try_later),
		cmocka_unit_test(test_contact_mailbox_ok_cases),
		cmocka_unit_test(test_contact_range_parse_forms),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
