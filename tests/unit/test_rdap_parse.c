/* SPDX-License-Identifier: MIT */
/* Unit tests of the RDAP answer parser and the bootstrap registry. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bootstrap.h"
#include "rdap_parse.h"

static const struct whois_found *
find(const struct rdap_result *r, const char *email)
{
	size_t i;

	for (i = 0; i < r->nfound; i++)
		if (strcmp(r->found[i].email, email) == 0)
			return &r->found[i];
	return NULL;
}

static const char arin_ip[] =
    "{\"objectClassName\":\"ip network\",\"handle\":\"NET-13-64-0-0-1\","
    "\"startAddress\":\"13.64.0.0\",\"endAddress\":\"13.107.255.255\","
    "\"name\":\"MSFT\",\"parentHandle\":\"NET-13-0-0-0-0\","
    "\"entities\":[{\"objectClassName\":\"entity\",\"handle\":\"MSFT\","
    "\"roles\":[\"registrant\"],\"vcardArray\":[\"vcard\",[[\"version\","
    "{},\"text\",\"4.0\"],[\"fn\",{},\"text\",\"Microsoft\"]]],"
    "\"entities\":[{\"handle\":\"ABUSE231-ARIN\",\"roles\":[\"abuse\"],"
    "\"vcardArray\":[\"vcard\",[[\"email\",{},\"text\","
    "\"Abuse@Microsoft.com\"]]]},{\"handle\":\"IOC\",\"roles\":"
    "[\"technical\"],\"vcardArray\":[\"vcard\",[[\"email\",{},\"text\","
    "\"ioc@microsoft.com\"]]]}]}],"
    "\"links\":[{\"rel\":\"up\",\"href\":\"https://rdap.arin.net/registry/"
    "ip/13.0.0.0/8\"}]}";

static void
test_rdap_parse_ip_nested_abuse(void **state)
{
	struct rdap_result	r;
	struct err		e = { "", 0 };
	const struct whois_found *f;

	(void)state;
	assert_int_equal(rdap_parse_ip(arin_ip, strlen(arin_ip), &r, &e), 0);
	assert_string_equal(r.network_name, "MSFT");
	assert_string_equal(r.handle, "NET-13-64-0-0-1");
	assert_string_equal(r.range, "13.64.0.0 - 13.107.255.255");
	assert_string_equal(r.parent_handle, "NET-13-0-0-0-0");
	assert_string_equal(r.up_url,
	    "https://rdap.arin.net/registry/ip/13.0.0.0/8");
	f = find(&r, "abuse@microsoft.com");
	assert_non_null(f);
	assert_string_equal(f->role, "abuse");
	assert_string_equal(f->field, "entities[0].entities[0] vcard email");
	f = find(&r, "ioc@microsoft.com");
	assert_non_null(f);
	assert_string_equal(f->role, "tech");
	rdap_result_clear(&r);
}

/*
 * RIPE's abuse role with its abuse-mailbox typed "abuse" beside e-mail:
 * attributes: only the typed one is an abuse address; an individual's
 * admin mailbox is personal; entities of the network rank above nested.
 */
static const char ripe_typed[] =
    "{\"objectClassName\":\"ip network\",\"handle\":\"130.59.0.0 - "
    "130.59.255.255\",\"startAddress\":\"130.59.0.0\",\"endAddress\":"
    "\"130.59.255.255\",\"name\":\"SWITCH-LAN\",\"entities\":["
    "{\"handle\":\"AR1-RIPE\",\"roles\":[\"abuse\"],\"vcardArray\":"
    "[\"vcard\",[[\"kind\",{},\"text\",\"group\"],[\"email\",{\"type\":"
    "\"email\"},\"text\",\"people@switch.test\"],[\"email\",{\"type\":"
    "\"abuse\"},\"text\",\"abuse@switch.test\"]]]},"
    "{\"handle\":\"JD1-RIPE\",\"roles\":[\"administrative\"],"
    "\"vcardArray\":[\"vcard\",[[\"kind\",{},\"text\",\"individual\"],"
    "[\"email\",{},\"text\",\"john@switch.test\"]]]}]}";

static void
test_rdap_parse_typed_abuse_mailbox_and_person(void **state)
{
	struct rdap_result	r;
	struct err		e = { "", 0 };

	(void)state;
	assert_int_equal(rdap_parse_ip(ripe_typed, strlen(ripe_typed), &r,
	    &e), 0);
	assert_int_equal(r.abuse_typed, 1);
	assert_string_equal(find(&r, "abuse@switch.test")->role, "abuse");
	assert_int_equal(find(&r, "abuse@switch.test")->level, 2);
	assert_string_equal(find(&r, "people@switch.test")->role,
	    "role-email");
	assert_string_equal(find(&r, "john@switch.test")->role, "admin");
	assert_int_equal(find(&r, "john@switch.test")->personal, 1);
	rdap_result_clear(&r);
	/* The ARIN answer: nested abuse, no typed mailbox. */
	assert_int_equal(rdap_parse_ip(arin_ip, strlen(arin_ip), &r, &e), 0);
	assert_int_equal(r.abuse_typed, 0);
	assert_int_equal(find(&r, "abuse@microsoft.com")->level, 1);
	assert_int_equal(find(&r, "abuse@microsoft.com")->personal, 0);
	rdap_result_clear(&r);
}

static void
test_rdap_parse_ip_abuse_without_email_gives_link(void **state)
{
	static const char j[] = "{\"objectClassName\":\"ip network\","
	    "\"startAddress\":\"192.0.2.0\",\"endAddress\":\"192.0.2.255\","
	    "\"country\":\"nl\",\"entities\":[{\"handle\":\"AB-1\",\"roles\":"
	    "[\"abuse\"],\"links\":[{\"rel\":\"self\",\"href\":"
	    "\"https://rdap.example/entity/AB-1\"}]}]}";
	static const char ent[] = "{\"objectClassName\":\"entity\","
	    "\"handle\":\"AB-1\",\"vcardArray\":[\"vcard\",[[\"email\",{},"
	    "\"text\",\"abuse@example.nl\"]]]}";
	struct rdap_result	r;
	struct err		e = { "", 0 };

	(void)state;
	assert_int_equal(rdap_parse_ip(j, strlen(j), &r, &e), 0);
	assert_string_equal(r.country, "NL");
	assert_int_equal(r.nfound, 0);
	assert_int_equal(r.nentity_urls, 1);
	assert_string_equal(r.entity_urls[0], "https://rdap.example/entity/AB-1");
	assert_int_equal(rdap_parse_entity(ent, strlen(ent), "abuse", &r, &e),
	    0);
	assert_non_null(find(&r, "abuse@example.nl"));
	assert_string_equal(find(&r, "abuse@example.nl")->role, "abuse");
	rdap_result_clear(&r);
}

static void
test_rdap_parse_hostile_values(void **state)
{
	char			*j, *big;
	struct rdap_result	 r;
	struct err		 e = { "", 0 };
	size_t			 i;

	(void)state;
	big = malloc(5001);
	for (i = 0; i < 4990; i++)
		big[i] = 'a';
	memcpy(big + 4990, "@evil.test", 11);
	j = malloc(6000);
	snprintf(j, 6000, "{\"objectClassName\":\"ip network\","
	    "\"startAddress\":\"192.0.2.0\",\"endAddress\":\"192.0.2.255\","
	    "\"name\":\"EVIL\\r\\nBcc: x@y.test\",\"entities\":[{\"roles\":"
	    "[\"abuse\"],\"vcardArray\":[\"vcard\",[[\"email\",{},\"text\","
	    "\"a@b.test\\r\\nBcc: victim@c.test\"],[\"email\",{},\"text\","
	    "\"%s\"],[\"email\",{},\"text\",42],[\"email\",{},\"text\","
	    "\"ok@isp.test\"]]]}]}", big);
	assert_int_equal(rdap_parse_ip(j, strlen(j), &r, &e), 0);
	assert_int_equal(r.nfound, 1);
	assert_string_equal(r.found[0].email, "ok@isp.test");
	assert_null(strpbrk(r.network_name, "\r\n"));
	assert_int_equal(r.rejected, 3);
	assert_null(strpbrk(r.evidence, "\r"));
	rdap_result_clear(&r);
	free(j);
	free(big);
}

static void
test_rdap_parse_rejects(void **state)
{
	struct rdap_result	r;
	struct err		e = { "", 0 };

	(void)state;
	assert_int_equal(rdap_parse_ip("{", 1, &r, &e), -1);
	assert_non_null(strstr(e.msg, "bad JSON"));
	err_clear(&e);
	assert_int_equal(rdap_parse_ip("[1]", 3, &r, &e), -1);
	err_clear(&e);
	assert_int_equal(rdap_parse_ip("{\"errorCode\":404,\"title\":\"x\"}",
	    29, &r, &e), -1);
	assert_non_null(strstr(e.msg, "404"));
	err_clear(&e);
	assert_int_equal(rdap_parse_ip("{\"objectClassName\":\"entity\"}", 28,
	    &r, &e), -1);
	assert_non_null(strstr(e.msg, "entity"));
}

static void
test_bootstrap_lookup_longest_prefix(void **state)
{
	static const char v4[] = "{\"services\":[[[\"41.0.0.0/8\"],"
	    "[\"http://rdap.afrinic.net/rdap/\",\"https://rdap.afrinic.net/"
	    "rdap/\"]],[[\"62.0.0.0/8\"],[\"https://rdap.db.ripe.net/\"]],"
	    "[[\"62.239.0.0/16\"],[\"https://rdap.example/x\"]]]}";
	static const char v6[] = "{\"services\":[[[\"2001:4200::/23\"],"
	    "[\"https://rdap.afrinic.net/rdap/\"]]]}";
	struct bootstrap	*b = bootstrap_new();
	struct err		 e = { "", 0 };
	struct addr		 a;

	(void)state;
	assert_int_equal(bootstrap_parse(b, v4, strlen(v4), &e), 0);
	assert_int_equal(bootstrap_parse(b, v6, strlen(v6), &e), 0);
	addr_parse("41.1.2.3", &a);
	assert_string_equal(bootstrap_lookup(b, &a),
	    "https://rdap.afrinic.net/rdap/");
	addr_parse("62.1.2.3", &a);
	assert_string_equal(bootstrap_lookup(b, &a), "https://rdap.db.ripe.net/");
	addr_parse("62.239.237.1", &a);
	assert_string_equal(bootstrap_lookup(b, &a), "https://rdap.example/x/");
	addr_parse("2001:43f8:7b0::1", &a);
	assert_string_equal(bootstrap_lookup(b, &a),
	    "https://rdap.afrinic.net/rdap/");
	addr_parse("8.8.8.8", &a);
	assert_null(bootstrap_lookup(b, &a));
	assert_int_equal(bootstrap_parse(b, "{\"services\":[]}", 15, &e), -1);
	bootstrap_free(b);
}

static void
test_bootstrap_load_shipped_copy(void **state)
{
	struct bootstrap	*b = bootstrap_new();
	struct err		 e = { "", 0 };
	struct addr		 a;

	(void)state;
	if (bootstrap_load(b, "config/rdap-bootstrap", &e) == -1) {
		bootstrap_free(b);
		skip();
	}
	assert_true(bootstrap_count(b) > 100);
	addr_parse("62.239.237.1", &a);
	assert_string_equal(bootstrap_lookup(b, &a), "https://rdap.db.ripe.net/");
	addr_parse("2001:4860:4860::8888", &a);
	assert_string_equal(bootstrap_lookup(b, &a),
	    "https://rdap.arin.net/registry/");
	bootstrap_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rdap_parse_ip_nested_abuse),
		cmocka_unit_test(test_rdap_parse_ip_abuse_without_email_gives_link),
		cmocka_unit_test(test_rdap_parse_typed_abuse_mailbox_and_person),
		cmocka_unit_test(test_rdap_parse_hostile_values),
		cmocka_unit_test(test_rdap_parse_rejects),
		cmocka_unit_test(test_bootstrap_lookup_longest_prefix),
		cmocka_unit_test(test_bootstrap_load_shipped_copy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
