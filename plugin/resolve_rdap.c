/* SPDX-License-Identifier: MIT */
/*
 * RDAP client: libcurl GET with the redirects followed by hand (so that
 * each hop is rewritten by resolver.rdap_servers and counted against
 * rdap_max_redirects), a size cap, a timeout, and backoff on 429.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "resolver.h"
#include "xmalloc.h"

struct body {
	char		*buf;
	size_t		 len;
	uint64_t	 max;
	int		 too_big;
};

static size_t
body_write(char *p, size_t size, size_t n, void *arg)
{
	struct body	*b = arg;
	size_t		 len = size * n;

	if (b->len + len > b->max) {
		b->too_big = 1;
		return 0;
	}
	b->buf = xreallocarray(b->buf, b->len + len + 1, 1);
	memcpy(b->buf + b->len, p, len);
	b->len += len;
	b->buf[b->len] = '\0';
	return len;
}

/* Length of the scheme part "http://" or "https://", 0 for neither. */
static size_t
scheme_len(const char *u)
{
	if (strncmp(u, "https://", 8) == 0)
		return 8;
	if (strncmp(u, "http://", 7) == 0)
		return 7;
	return 0;
}

/*
 * The URL with a configured prefix replaced (tests, demo); http and https
 * of the same prefix match alike. NULL when offline and none matched.
 */
static char *
rewrite(const struct resolver_conf *rc, const char *url)
{
	size_t		 i, n, us = scheme_len(url);
	const char	*name;

	for (i = 0; i < rc->nrdap_servers; i++) {
		name = rc->rdap_servers[i].name;
		n = strlen(name) - scheme_len(name);
		if (us != 0 && strncmp(url + us, name + scheme_len(name),
		    n) == 0)
			return xasprintf("%s%s", rc->rdap_servers[i].host,
			    url + us + n);
	}
	if (rc->offline)
		return NULL;
	return xstrdup(url);
}

/* The server part of a URL, for the rate limit ("https://host"). */
static void
server_of(const char *url, char *buf, size_t len)
{
	const char	*p = strstr(url, "://");
	size_t		 n;

	p = p ? p + 3 : url;
	n = strcspn(p, "/?#");
	if (n >= len)
		n = len - 1;
	memcpy(buf, p, n);
	buf[n] = '\0';
}

int
resolve_rdap_get(struct resolver *r, const char *url0, char **out,
    size_t *outlen, char *final_url, size_t final_len, struct err *e)
{
	const struct resolver_conf	*rc = resolver_conf_of(r);
	struct body			 b;
	char				*url, *next, server[256];
	CURL				*c;
	CURLcode			 cc;
	long				 code, hops;

	*out = NULL;
	*outlen = 0;
	if ((c = curl_easy_init()) == NULL)
		return err_set(e, "RDAP: curl_easy_init failed");
	if ((url = rewrite(rc, url0)) == NULL) {
		curl_easy_cleanup(c);
		return err_set(e, "RDAP %s: not in rdap_servers (offline)",
		    url0);
	}
	for (hops = 0;; hops++) {
		char *loc = NULL;

		server_of(url0, server, sizeof(server));
		if (resolver_rate_wait(r, server, e) == -1)
			goto fail;
		resolver_count_query(r);
		memset(&b, 0, sizeof(b));
		b.max = rc->rdap_max_bytes;
		curl_easy_reset(c);
		curl_easy_setopt(c, CURLOPT_URL, url);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, body_write);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
		curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)rc->timeout_ms);
		curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
		    (long)rc->timeout_ms);
		curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
		curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
		curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(c, CURLOPT_USERAGENT, "redress resolver");
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
		cc = curl_easy_perform(c);
		if (b.too_big) {
			free(b.buf);
			err_set(e, "RDAP %s: answer larger than %llu bytes "
			    "(rdap_max_bytes); dropped", url,
			    (unsigned long long)rc->rdap_max_bytes);
			goto fail;
		}
		if (cc != CURLE_OK) {
			free(b.buf);
			err_set(e, "RDAP %s: %s", url, curl_easy_strerror(cc));
			goto fail;
		}
		code = 0;
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
		if (code == 429 || code == 503) {
			curl_off_t after = 0;

			/* "Too many requests" or "try later": the registry's
			 * Retry-After, else resolver.backoff. */
			free(b.buf);
			curl_easy_getinfo(c, CURLINFO_RETRY_AFTER, &after);
			resolver_backoff_for(r, server, after > 0 &&
			    after < 86400 ? (int64_t)after : 0);
			err_set(e, "RDAP %s: %ld %s; backing off %s", url, code,
			    code == 429 ? "Too Many Requests" :
			    "Service Unavailable", server);
			goto fail;
		}
		if (code >= 300 && code < 400) {
			free(b.buf);
			curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &loc);
			if (loc == NULL) {
				err_set(e, "RDAP %s: %ld without Location",
				    url, code);
				goto fail;
			}
			if (hops + 1 > rc->rdap_max_redirects) {
				err_set(e, "RDAP %s: more than %lld redirects",
				    url0, rc->rdap_max_redirects);
				goto fail;
			}
			next = xstrdup(loc);
			free(url);
			url = rewrite(rc, next);
			strlcpy_r(final_url, next, final_len);
			free(next);
			url0 = final_url;	/* the registry's own URL */
			if (url == NULL) {
				err_set(e, "RDAP redirect to %s: not in "
				    "rdap_servers (offline)", final_url);
				curl_easy_cleanup(c);
				return -1;
			}
			continue;
		}
		if (code != 200) {
			free(b.buf);
			err_set(e, "RDAP %s: HTTP status %ld", url, code);
			goto fail;
		}
		if (url0 != final_url)
			strlcpy_r(final_url, url0, final_len);
		*out = b.buf ? b.buf : xcalloc(1, 1);
		*outlen = b.len;
		free(url);
		curl_easy_cleanup(c);
		return 0;
	}
fail:
	free(url);
	curl_easy_cleanup(c);
	return -1;
}
