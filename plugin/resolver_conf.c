/* SPDX-License-Identifier: MIT */
/*
 * The "resolver:" section of redress.yaml: timeouts, cache TTLs, registry
 * server overrides (whois host:port, RDAP base URL rewrites), the DNS
 * server, RFC 2142 fallback, copy-to addresses, the CERT table by country,
 * recipient cap and rate limits.
 */
#include <ctype.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config.h"
#include "config_sections.h"
#include "contact.h"
#include "log.h"
#include "resolver.h"
#include "xmalloc.h"

#define R(f)	offsetof(struct resolver_conf, f)
static const struct conf_field resolver_fields[] = {
	{ "enabled", CK_BOOL, R(enabled), "true", 0, 0, NULL, 0 },
	{ "offline", CK_BOOL, R(offline), "false", 0, 0, NULL, 0 },
	{ "timeout", CK_MSEC, R(timeout_ms), "10s", 0, 0, NULL, 0 },
	{ "positive_ttl", CK_SECONDS, R(positive_ttl_s), "7d", 0, 0, NULL, 0 },
	{ "negative_ttl", CK_SECONDS, R(negative_ttl_s), "6h", 0, 0, NULL, 0 },
	{ "retry_after", CK_SECONDS, R(retry_s), "15m", 0, 0, NULL, 0 },
	{ "ptr", CK_BOOL, R(use_ptr), "true", 0, 0, NULL, 0 },
	{ "rdap", CK_BOOL, R(use_rdap), "true", 0, 0, NULL, 0 },
	{ "whois", CK_BOOL, R(use_whois), "true", 0, 0, NULL, 0 },
	{ "dns_server", CK_STRING, R(dns_server), NULL, 0, 0, NULL, 0 },
	{ "whois_iana", CK_STRING, R(whois_iana), "whois.iana.org", 0, 0,
	    NULL, 0 },
	{ "abusix_zone", CK_STRING, R(abusix_zone), NULL, 0, 0, NULL, 0 },
	{ "follow_rwhois", CK_BOOL, R(follow_rwhois), "true", 0, 0, NULL, 0 },
	{ "whois_max_bytes", CK_SIZE, R(whois_max_bytes), "1M", 0, 0, NULL,
	    0 },
	{ "rdap_max_bytes", CK_SIZE, R(rdap_max_bytes), "4M", 0, 0, NULL, 0 },
	{ "rdap_max_redirects", CK_INT, R(rdap_max_redirects), "5", 0, 20,
	    NULL, 0 },
	{ "rate_per_minute", CK_INT, R(rate_per_minute), "10", 1, 100000,
	    NULL, 0 },
	{ "backoff", CK_SECONDS, R(backoff_s), "10m", 0, 0, NULL, 0 },
	{ "bootstrap_dir", CK_PATH, R(bootstrap_dir),
	    REDRESS_SYSCONFDIR "/redress/rdap-bootstrap", 0, 0, NULL, 0 },
	{ "bootstrap_url", CK_STRING, R(bootstrap_url),
	    "https://data.iana.org/rdap/", 0, 0, NULL, 0 },
	{ "rfc2142_fallback", CK_BOOL, R(rfc2142), "false", 0, 0, NULL, 0 },
	{ "rfc2142_roles", CK_STRLIST, R(rfc2142_roles), NULL, 0, 0, NULL,
	    0 },
	{ "max_recipients", CK_INT, R(max_recipients), "3", 1,
	    CONTACT_MAX_ADDRS, NULL, 0 },
	{ "copy_to", CK_STRLIST, R(copy_to), NULL, 0, 0, NULL, 0 },
	{ "drop", CK_STRLIST, R(drop), NULL, 0, 0, NULL, 0 },
	{ "skip", CK_CIDRLIST, R(skip), NULL, 0, 0, NULL, 0 },
	{ "whois_servers", CK_NODE, R(servers_node), NULL, 0, 0, NULL, 0 },
	{ "rdap_servers", CK_NODE, R(rdap_node), NULL, 0, 0, NULL, 0 },
	{ "cert", CK_NODE, R(cert_node), NULL, 0, 0, NULL, 0 },
	{ NULL, 0, 0, NULL, 0, 0, NULL, 0 },
};
#undef R

static const char *const forbidden_roles[] = { "postmaster", "root",
	"hostmaster", "webmaster", NULL };

static void
load_whois_servers(struct resolver_conf *rc, const struct conf_node *n,
    struct diag *d)
{
	const struct conf_node	*k;
	struct resolver_server	*s;

	if (n == NULL)
		return;
	if (n->type != CONF_MAP) {
		conf_error(d, n, "expected a mapping of server name to "
		    "host:port (whois.ripe.net: 127.0.0.1:4301)");
		return;
	}
	rc->whois_servers = xcalloc(conf_count(n) + 1, sizeof(*s));
	for (k = n->child; k != NULL; k = k->next) {
		const char	*v = k->value, *colon;
		char		*end;
		long		 port = 43;

		if (k->type != CONF_SCALAR || v == NULL || v[0] == '\0') {
			conf_error(d, k, "expected host:port");
			continue;
		}
		colon = strrchr(v, ':');
		if (colon != NULL) {
			port = strtol(colon + 1, &end, 10);
			if (end == colon + 1 || *end != '\0' || port < 1 ||
			    port > 65535) {
				conf_error(d, k, "bad port in \"%s\"", v);
				continue;
			}
		}
		s = &rc->whois_servers[rc->nwhois_servers++];
		s->name = xstrdup(k->key);
		s->host = colon ? xstrndup(v, (size_t)(colon - v)) :
		    xstrdup(v);
		s->port = (int)port;
	}
}

static void
load_rdap_servers(struct resolver_conf *rc, const struct conf_node *n,
    struct diag *d)
{
	const struct conf_node	*k;
	struct resolver_server	*s;

	if (n == NULL)
		return;
	if (n->type != CONF_MAP) {
		conf_error(d, n, "expected a mapping of RDAP base URL to "
		    "replacement URL");
		return;
	}
	rc->rdap_servers = xcalloc(conf_count(n) + 1, sizeof(*s));
	for (k = n->child; k != NULL; k = k->next) {
		if (k->type != CONF_SCALAR || k->value == NULL ||
		    (strncmp(k->value, "http://", 7) != 0 &&
		    strncmp(k->value, "https://", 8) != 0)) {
			conf_error(d, k, "expected an http:// or https:// URL");
			continue;
		}
		s = &rc->rdap_servers[rc->nrdap_servers++];
		s->name = xstrdup(k->key);
		s->host = xstrdup(k->value);
	}
}

static void
load_certs(struct resolver_conf *rc, const struct conf_node *n,
    struct diag *d)
{
	const struct conf_node	*k;

	if (n == NULL)
		return;
	if (n->type != CONF_MAP) {
		conf_error(d, n, "expected a mapping of country code to CERT "
		    "address (NL: cert@ncsc.nl)");
		return;
	}
	rc->certs = xcalloc(conf_count(n) + 1, sizeof(*rc->certs));
	for (k = n->child; k != NULL; k = k->next) {
		struct resolver_cert *c;

		if (strlen(k->key) != 2 || !isalpha((unsigned char)k->key[0]) ||
		    !isalpha((unsigned char)k->key[1])) {
			conf_error(d, k, "\"%s\": expected a two-letter "
			    "country code", k->key);
			continue;
		}
		if (k->type != CONF_SCALAR || k->value == NULL ||
		    !contact_mailbox_ok(k->value, strlen(k->value))) {
			conf_error(d, k, "expected a mailbox (user@domain)");
			continue;
		}
		c = &rc->certs[rc->ncerts++];
		c->country[0] = (char)toupper((unsigned char)k->key[0]);
		c->country[1] = (char)toupper((unsigned char)k->key[1]);
		c->email = xstrdup(k->value);
	}
}

static void
check_mail_list(const struct conf_strlist *l, const struct conf_node *n,
    struct diag *d)
{
	char	esc[300];
	size_t	i;

	for (i = 0; i < l->n; i++)
		if (!contact_mailbox_ok(l->v[i], strlen(l->v[i]))) {
			log_esc(l->v[i], strlen(l->v[i]), esc, sizeof(esc));
			conf_error(d, n, "\"%s\" is not a mailbox "
			    "(user@domain)", esc);
		}
}

static void
resolver_conf_fill(struct resolver_conf *rc, const struct conf_node *n,
    struct diag *d)
{
	size_t i, j;

	/* Keep going after schema errors: every problem in one run. */
	(void)conf_apply(n, resolver_fields, rc, d);
	load_whois_servers(rc, rc->servers_node, d);
	load_rdap_servers(rc, rc->rdap_node, d);
	load_certs(rc, rc->cert_node, d);
	check_mail_list(&rc->copy_to, n ? conf_get(n, "copy_to") : NULL, d);
	if (rc->rfc2142_roles.n == 0) {
		rc->rfc2142_roles.v = xcalloc(3, sizeof(char *));
		rc->rfc2142_roles.v[0] = xstrdup("abuse");
		rc->rfc2142_roles.v[1] = xstrdup("security");
		rc->rfc2142_roles.n = 2;
	}
	for (i = 0; i < rc->rfc2142_roles.n; i++) {
		const char *r = rc->rfc2142_roles.v[i];

		if (!contact_mailbox_ok(r, strlen(r)) &&
		    strpbrk(r, "@ \t\r\n") != NULL)
			conf_error(d, n ? conf_get(n, "rfc2142_roles") : NULL,
			    "\"%s\" is not a mailbox local part", r);
		for (j = 0; forbidden_roles[j]; j++)
			if (strcasecmp(r, forbidden_roles[j]) == 0)
				conf_warning(d, conf_get(n, "rfc2142_roles"),
				    "%s@ is not an abuse desk; only use it if "
				    "that network asked for it", r);
	}
}

void
resolver_conf_load(struct config *cfg, const struct conf_node *n,
    struct diag *d)
{
	struct resolver_conf *rc = xcalloc(1, sizeof(*rc));

	cfg->resolver = rc;
	if (n != NULL && n->type != CONF_MAP) {
		conf_error(d, n, "expected a mapping (resolver: timeout: ...)");
		n = NULL;
	}
	resolver_conf_fill(rc, n, d);
}

static void
servers_free(struct resolver_server *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].host);
	}
	free(v);
}

static void
resolver_conf_release(struct resolver_conf *rc)
{
	size_t i;

	conf_release(resolver_fields, rc);
	servers_free(rc->whois_servers, rc->nwhois_servers);
	servers_free(rc->rdap_servers, rc->nrdap_servers);
	for (i = 0; i < rc->ncerts; i++)
		free(rc->certs[i].email);
	free(rc->certs);
}

void
resolver_conf_free(struct config *cfg)
{
	if (cfg->resolver == NULL)
		return;
	resolver_conf_release(cfg->resolver);
	free(cfg->resolver);
	cfg->resolver = NULL;
}

static struct resolver_conf	default_conf;
static pthread_once_t		default_once = PTHREAD_ONCE_INIT;

static void
default_init(void)
{
	struct diag d;

	diag_init(&d);
	resolver_conf_fill(&default_conf, NULL, &d);
	diag_clear(&d);
}

/* The built-in defaults, for a configuration without "resolver:". */
const struct resolver_conf *
resolver_conf_default(void)
{
	pthread_once(&default_once, default_init);
	return &default_conf;
}
