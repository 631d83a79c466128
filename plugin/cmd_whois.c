/* SPDX-License-Identifier: MIT */
/*
 * redress whois [--store DB] [--no-cache] [--json] ADDR
 *	resolves who is responsible for ADDR and prints the whole chain
 *	(each query, server, the lines or fields that mattered) and the
 *	final recipients, or all of it as one JSON document; the result is
 *	cached like the daemon's.
 * redress update-bootstrap [--url URL] [--dir DIR]
 *	downloads fresh IANA RDAP bootstrap files (ipv4.json, ipv6.json).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "bootstrap.h"
#include "cli_fmt.h"
#include "cmd.h"
#include "config.h"
#include "contact.h"
#include "resolver.h"
#include "store.h"

static const struct resolver_conf *
resolver_conf_cli(struct cli *cli, int *failed)
{
	*failed = 0;
	if (!cli->config_given && access(cli->config_path, R_OK) != 0)
		return resolver_conf_default();
	if (cli_load_config(cli) < 0) {
		*failed = 1;
		return NULL;
	}
	return cli->cfg->resolver != NULL ? cli->cfg->resolver :
	    resolver_conf_default();
}

static void
print_contact(const struct contact *c, int rv, int cached)
{
	size_t i;

	if (c->chain != NULL)
		fputs(c->chain, stdout);
	printf("network: %s\nhandle: %s\nrange: %s\ncountry: %s\n",
	    c->network_name[0] ? c->network_name : "-",
	    c->handle[0] ? c->handle : "-", c->range[0] ? c->range : "-",
	    c->country[0] ? c->country : "-");
	if (c->origin_as)
		printf("origin: AS%u\n", c->origin_as);
	if (c->ptr[0])
		printf("ptr: %s%s%s\n", c->ptr, c->ptr_confirmed ?
		    " (confirmed)" : " (not confirmed)", c->dynamic ?
		    " dynamic" : "");
	if (cached)
		printf("cached: yes\n");
	for (i = 0; i < c->naddrs; i++)
		printf("recipient: %s role=%s%s source=\"%s\"\n",
		    c->addrs[i].email, c->addrs[i].role,
		    c->addrs[i].low_confidence ? " low-confidence" : "",
		    c->addrs[i].source);
	if (c->low_confidence)
		printf("review: required (recipients are guesses)\n");
	if (rv == 0)
		printf("recipient: none\n");
}

/* The same as one JSON document; the chain as an array of its lines. */
static void
print_contact_json(const char *addr, const struct contact *c, int rv,
    int cached, unsigned long long queries, const char *error)
{
	json_t *o, *rcpt, *chain;
	char t1[64], t2[64], *s, *line, *save;
	size_t i;

	chain = json_array();
	if (c->chain != NULL) {
		s = strdup(c->chain);
		for (line = s ? strtok_r(s, "\n", &save) : NULL; line != NULL;
		    line = strtok_r(NULL, "\n", &save))
			json_array_append_new(chain, json_string(line));
		free(s);
	}
	rcpt = json_array();
	for (i = 0; rv >= 0 && i < c->naddrs; i++)
		json_array_append_new(rcpt, json_pack("{s:s, s:s, s:b, s:s}",
		    "email", c->addrs[i].email, "role", c->addrs[i].role,
		    "low_confidence", c->addrs[i].low_confidence,
		    "source", c->addrs[i].source));
	o = json_pack("{s:s, s:o, s:o, s:b, s:b, s:I}", "address", addr,
	    "chain", chain, "recipients", rcpt, "cached", cached,
	    "review_required", rv >= 0 && c->low_confidence,
	    "queries", (json_int_t)queries);
	if (o == NULL)
		return;
	if (error != NULL)
		json_object_set_new(o, "error", json_string(error));
	if (rv >= 0) {
		json_object_set_new(o, "network", json_string(c->network_name));
		json_object_set_new(o, "handle", json_string(c->handle));
		json_object_set_new(o, "range", json_string(c->range));
		json_object_set_new(o, "country", json_string(c->country));
		if (c->origin_as)
			json_object_set_new(o, "origin_as",
			    json_integer(c->origin_as));
		if (c->ptr[0])
			json_object_set_new(o, "ptr", json_pack("{s:s, s:b, "
			    "s:b}", "name", c->ptr, "confirmed",
			    c->ptr_confirmed, "dynamic", c->dynamic));
		if (c->resolved_usec)
			json_object_set_new(o, "resolved", json_string(
			    cli_fmt_time(c->resolved_usec, t1, sizeof(t1))));
		if (c->expires_usec)
			json_object_set_new(o, "expires", json_string(
			    cli_fmt_time(c->expires_usec, t2, sizeof(t2))));
	}
	s = json_dumps(o, JSON_COMPACT);
	printf("%s\n", s != NULL ? s : "{}");
	free(s);
	json_decref(o);
}

int
cmd_whois(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "store", required_argument, NULL, 's' },
		{ "no-cache", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	const struct resolver_conf	*rc;
	const char			*store_path = NULL;
	struct store			*st = NULL;
	struct resolver			*r;
	struct contact			 c;
	struct addr			 a;
	struct err			 e = { "", 0 };
	int				 ch, no_cache = 0, rv, failed;
	int				 cached = 0, json = 0;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			store_path = optarg;
			break;
		case 'n':
			no_cache = 1;
			break;
		case 'j':
			json = 1;
			break;
		default:
			goto usage;
		}
	}
	if (optind + 1 != argc)
		goto usage;
	if (addr_parse(argv[optind], &a) == -1) {
		cli_error("whois: \"%s\" is not an IPv4 or IPv6 address",
		    argv[optind]);
		return 2;
	}
	if ((rc = resolver_conf_cli(cli, &failed)) == NULL)
		return 1;
	if (store_path == NULL && cli->cfg != NULL)
		store_path = cli->cfg->general.database;
	if (store_path != NULL && store_open(store_path, &st, &e) < 0) {
		cli_error("%s", e.msg);
		return 1;
	}
	r = resolver_new(rc);
	if (st != NULL && !no_cache) {
		rv = store_contact_lookup(st, &a, &c, &e);
		if (rv == 1)
			cached = 1;
		else
			contact_clear(&c);
	}
	if (!cached) {
		rv = resolve_cached(r, st, &a, 1, &c, &e);
		if (rv >= 0 && st == NULL && !json)
			printf("(no store: result not cached)\n");
	} else {
		size_t i;

		rv = 0;
		for (i = 0; i < c.naddrs; i++)
			if (strcmp(c.addrs[i].role, "cc") != 0 &&
			    strcmp(c.addrs[i].role, "cert") != 0)
				rv = 1;
	}
	if (json)
		print_contact_json(argv[optind], &c, rv, cached,
		    (unsigned long long)resolver_queries(r),
		    rv == -1 ? e.msg : NULL);
	if (rv == -1) {
		if (c.chain != NULL && !json)
			fputs(c.chain, stdout);
		cli_error("whois %s: %s", argv[optind], e.msg);
	} else if (!json)
		print_contact(&c, rv, cached);
	if (!json)
		printf("queries: %llu\n",
		    (unsigned long long)resolver_queries(r));
	contact_clear(&c);
	resolver_free(r);
	store_close(st);
	return rv == -1 ? 1 : 0;
usage:
	cli_error("usage: redress whois [--store DB] [--no-cache] [--json] "
	    "ADDR");
	return 2;
}

int
cmd_update_bootstrap(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "url", required_argument, NULL, 'u' },
		{ "dir", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	const struct resolver_conf	*rc;
	const char			*url = NULL, *dir = NULL;
	struct err			 e = { "", 0 };
	int				 ch, failed;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'u':
			url = optarg;
			break;
		case 'd':
			dir = optarg;
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc)
		goto usage;
	if ((rc = resolver_conf_cli(cli, &failed)) == NULL)
		return 1;
	if (url == NULL)
		url = rc->bootstrap_url;
	if (dir == NULL)
		dir = rc->bootstrap_dir;
	if (bootstrap_update(url, dir, (long)rc->timeout_ms, &e) == -1) {
		cli_error("update-bootstrap: %s", e.msg);
		return 1;
	}
	printf("updated %s/ipv4.json and %s/ipv6.json from %s\n", dir, dir,
	    url);
	return 0;
usage:
	cli_error("usage: redress update-bootstrap [--url URL] [--dir DIR]");
	return 2;
}
