/* SPDX-License-Identifier: MIT */
/*
 * The resolver: who is responsible for a source address. Its "resolver:"
 * configuration (resolver_conf.c), the chain gate -> cache -> PTR -> RDAP
 * -> whois -> RFC 2142 -> pick (resolve.c) and its network clients
 * (resolve_dns.c, resolve_whois.c, resolve_rdap.c, bootstrap.c).
 */
#ifndef REDRESS_RESOLVER_H
#define REDRESS_RESOLVER_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "conf.h"
#include "contact.h"
#include "err.h"
#include "store.h"

#ifndef REDRESS_SYSCONFDIR
#define REDRESS_SYSCONFDIR	"/etc"
#endif

/* A configured server name rewritten to a host:port (tests, demo). */
struct resolver_server {
	char	*name;		/* "whois.ripe.net" or an RDAP base URL */
	char	*host;		/* "127.0.0.1" or the replacement URL */
	int	 port;
};

struct resolver_cert {
	char	country[3];
	char	*email;
};

struct resolver_conf {
	int			 enabled;
	int			 offline;	/* only configured servers */
	int64_t			 timeout_ms;
	int64_t			 positive_ttl_s;
	int64_t			 negative_ttl_s;
	int64_t			 retry_s;	/* after an error */
	int			 use_ptr;
	int			 use_rdap;
	int			 use_whois;
	/* "127.0.0.1:5353"; NULL: the first of /etc/resolv.conf */
	char			*dns_server;
	char			*whois_iana;	/* first whois server */
	char			*abusix_zone;	/* TXT cross-check, NULL off */
	int			 follow_rwhois;
	uint64_t		 whois_max_bytes;
	uint64_t		 rdap_max_bytes;
	long long		 rdap_max_redirects;
	long long		 rate_per_minute;	/* per server */
	int64_t			 backoff_s;	/* after "limit exceeded"/429 */
	char			*bootstrap_dir;
	char			*bootstrap_url;
	int			 rfc2142;	/* fallback on/off */
	struct conf_strlist	 rfc2142_roles;	/* default abuse, security */
	long long		 max_recipients;
	struct conf_strlist	 copy_to;
	struct conf_strlist	 drop;		/* extra placeholders to drop */
	struct conf_cidrlist	 skip;		/* never resolved (own nets) */
	const struct conf_node	*servers_node;
	const struct conf_node	*cert_node;
	const struct conf_node	*rdap_node;
	struct resolver_server	*whois_servers;
	size_t			 nwhois_servers;
	struct resolver_server	*rdap_servers;	/* URL prefix rewrites */
	size_t			 nrdap_servers;
	struct resolver_cert	*certs;
	size_t			 ncerts;
};

struct resolver;

/* A resolver with its own rate-limit and backoff state (one per thread). */
struct resolver	*resolver_new(const struct resolver_conf *);
void		 resolver_free(struct resolver *);
/* The conf it uses; a default one when cfg has no resolver section. */
const struct resolver_conf *resolver_conf_default(void);

/*
 * The whole chain for a, without the cache. Fills c (caller clears) and
 * the network range lo..hi the answer covers. Returns 1 a recipient was
 * found, 0 an answer without one (cache negatively), -1 no answer (e
 * says why; do not cache).
 */
int	resolve_addr(struct resolver *, const struct addr *, struct contact *,
	    struct addr *lo, struct addr *hi, struct err *);
/*
 * With the store cache: a fresh cached contact for a is returned as is
 * (unless no_cache); otherwise resolves and saves it for the range.
 * Returns like resolve_addr, 1/0 also for cache hits.
 */
int	resolve_cached(struct resolver *, struct store *, const struct addr *,
	    int no_cache, struct contact *, struct err *);
/* Number of network queries made so far (whois + RDAP + DNS). */
uint64_t resolver_queries(const struct resolver *);

/* whois (RFC 3912): one query to server (its configured override). */
int	resolve_whois_query(struct resolver *, const char *server, int port,
	    const char *query, char **out, size_t *outlen, struct err *);
/* RDAP: GET url (rewritten by rdap_servers), JSON text in *out. */
int	resolve_rdap_get(struct resolver *, const char *url, char **out,
	    size_t *outlen, char *final_url, size_t final_len, struct err *);
/*
 * TXT strings of <reversed a>.<zone> (Abusix contact DB), split on commas
 * and spaces into out (NUL-separated, double-NUL ended). Returns the
 * number of strings, 0 none, -1 error.
 */
int	resolve_dns_txt(struct resolver *, const struct addr *,
	    const char *zone, char *out, size_t outlen, struct err *);
/* PTR of a, with forward confirmation. 1 name found, 0 none, -1 error. */
int	resolve_dns_ptr(struct resolver *, const struct addr *, char *name,
	    size_t namelen, int *confirmed, struct err *);

/* Internals shared by resolve*.c. */
int	resolver_rate_wait(struct resolver *, const char *server,
	    struct err *);
void	resolver_backoff(struct resolver *, const char *server);
/* Backs off server for secs (the registry's Retry-After; 0: backoff). */
void	resolver_backoff_for(struct resolver *, const char *server,
	    int64_t secs);
/*
 * Seconds until the back-off a registry asked for during the last lookup
 * ends (0 none): when resolve_addr failed on a rate limit, retry then.
 */
int64_t	resolver_retry_after_s(const struct resolver *);
const struct resolver_conf *resolver_conf_of(const struct resolver *);
void	resolver_count_query(struct resolver *);

#endif
