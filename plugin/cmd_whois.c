/* SPDX-License-Identifier: MIT */
/*
 * redress whois [--store DB] [--no-cache] ADDR
 *	resolves who is responsible for ADDR and prints the whole chain
 *	(each query, server, the lines or fields that mattered) and the
 *	final recipients; the result is cached like the daemon's.
 * redress update-bootstrap [--url URL] [--dir DIR]
 *	downloads fresh IANA RDAP bootstrap files (ipv4.json, ipv6.json).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bootstrap.h"
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

int
cmd_whois(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "store", required_argument, NULL, 's' },
		{ "no-cache", no_argument, NULL, 'n' },
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
	int				 cached = 0;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
			store_path = optarg;
			break;
		case 'n':
			no_cache = 1;
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
		if (rv >= 0 && st == NULL)
			printf("(no store: result not cached)\n");
	} else {
		size_t i;

		rv = 0;
		for (i = 0; i < c.naddrs; i++)
			if (strcmp(c.addrs[i].role, "cc") != 0 &&
			    strcmp(c.addrs[i].role, "cert") != 0)
				rv = 1;
	}
	if (rv == -1) {
		if (c.chain != NULL)
			fputs(c.chain, stdout);
		cli_error("whois %s: %s", argv[optind], e.msg);
	} else
		print_contact(&c, rv, cached);
	printf("queries: %llu\n", (unsigned long long)resolver_queries(r));
	contact_clear(&c);
	resolver_free(r);
	store_close(st);
	return rv == -1 ? 1 : 0;
usage:
	cli_error("usage: redress whois [--store DB] [--no-cache] ADDR");
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
