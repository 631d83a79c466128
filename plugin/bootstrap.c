/* SPDX-License-Identifier: MIT */
/*
 * RDAP bootstrap registry: parse, longest-prefix lookup, and the download
 * that `redress update-bootstrap` runs (libcurl; the new files are checked
 * and renamed into place, so a failed download keeps the old ones).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "bootstrap.h"
#include "xmalloc.h"

#define BOOTSTRAP_MAX_BYTES	(4u << 20)

struct bs_entry {
	struct cidr	 net;
	char		*url;
};

struct bootstrap {
	struct bs_entry	*v;
	size_t		 n, cap;
};

struct bootstrap *
bootstrap_new(void)
{
	return xcalloc(1, sizeof(struct bootstrap));
}

void
bootstrap_free(struct bootstrap *b)
{
	size_t i;

	if (b == NULL)
		return;
	for (i = 0; i < b->n; i++)
		free(b->v[i].url);
	free(b->v);
	free(b);
}

size_t
bootstrap_count(const struct bootstrap *b)
{
	return b->n;
}

static const char *
pick_url(json_t *urls)
{
	json_t		*u;
	size_t		 i;
	const char	*http = NULL;

	json_array_foreach(urls, i, u) {
		const char *s = json_string_value(u);

		if (s == NULL || strlen(s) > 400 ||
		    strpbrk(s, " \t\r\n\"") != NULL)
			continue;
		if (strncmp(s, "https://", 8) == 0)
			return s;
		if (strncmp(s, "http://", 7) == 0 && http == NULL)
			http = s;
	}
	return http;
}

int
bootstrap_parse(struct bootstrap *b, const char *json, size_t len,
    struct err *e)
{
	json_error_t	 je;
	json_t		*o, *svcs, *svc, *nets, *n;
	size_t		 i, j, added = 0;

	if ((o = json_loadb(json, len, 0, &je)) == NULL)
		return err_set(e, "bootstrap: bad JSON at line %d column %d: "
		    "%s", je.line, je.column, je.text);
	svcs = json_object_get(o, "services");
	if (!json_is_array(svcs)) {
		json_decref(o);
		return err_set(e, "bootstrap: no \"services\" array");
	}
	json_array_foreach(svcs, i, svc) {
		const char *url = pick_url(json_array_get(svc, 1));

		nets = json_array_get(svc, 0);
		if (url == NULL || !json_is_array(nets))
			continue;
		json_array_foreach(nets, j, n) {
			struct cidr	 c;
			const char	*s = json_string_value(n);

			if (s == NULL || cidr_parse(s, &c) == -1)
				continue;
			if (b->n == b->cap) {
				b->cap = b->cap ? b->cap * 2 : 256;
				b->v = xreallocarray(b->v, b->cap,
				    sizeof(*b->v));
			}
			b->v[b->n].net = c;
			b->v[b->n].url = url[strlen(url) - 1] == '/' ?
			    xstrdup(url) : xasprintf("%s/", url);
			b->n++;
			added++;
		}
	}
	json_decref(o);
	if (added == 0)
		return err_set(e, "bootstrap: no usable service entries");
	return 0;
}

static int
load_file(struct bootstrap *b, const char *path, struct err *e)
{
	FILE	*f;
	char	*buf;
	size_t	 n;
	int	 rc;

	if ((f = fopen(path, "rb")) == NULL)
		return err_set(e, "%s: %s", path, strerror(errno));
	buf = xmalloc(BOOTSTRAP_MAX_BYTES + 1);
	n = fread(buf, 1, BOOTSTRAP_MAX_BYTES + 1, f);
	fclose(f);
	if (n > BOOTSTRAP_MAX_BYTES) {
		free(buf);
		return err_set(e, "%s: larger than %u bytes", path,
		    BOOTSTRAP_MAX_BYTES);
	}
	rc = bootstrap_parse(b, buf, n, e);
	free(buf);
	if (rc == -1)
		err_prefix(e, "%s: ", path);
	return rc;
}

int
bootstrap_load(struct bootstrap *b, const char *dir, struct err *e)
{
	char	*p;
	int	 rc;

	p = xasprintf("%s/ipv4.json", dir);
	rc = load_file(b, p, e);
	free(p);
	if (rc == -1)
		return -1;
	p = xasprintf("%s/ipv6.json", dir);
	rc = load_file(b, p, e);
	free(p);
	return rc;
}

const char *
bootstrap_lookup(const struct bootstrap *b, const struct addr *a)
{
	const struct bs_entry	*best = NULL;
	size_t			 i;

	for (i = 0; i < b->n; i++)
		if (cidr_contains(&b->v[i].net, a) &&
		    (best == NULL || b->v[i].net.len > best->net.len))
			best = &b->v[i];
	return best ? best->url : NULL;
}

struct dl {
	char	*buf;
	size_t	 len;
	int	 too_big;
};

static size_t
dl_write(char *p, size_t size, size_t n, void *arg)
{
	struct dl	*d = arg;
	size_t		 len = size * n;

	if (d->len + len > BOOTSTRAP_MAX_BYTES) {
		d->too_big = 1;
		return 0;
	}
	d->buf = xreallocarray(d->buf, d->len + len + 1, 1);
	memcpy(d->buf + d->len, p, len);
	d->len += len;
	return len;
}

static int
fetch_one(const char *url, long timeout_ms, struct dl *d, struct err *e)
{
	CURL		*c;
	CURLcode	 cc;
	long		 code = 0;

	memset(d, 0, sizeof(*d));
	if ((c = curl_easy_init()) == NULL)
		return err_set(e, "curl_easy_init failed");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, dl_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, d);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "redress update-bootstrap");
	cc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_cleanup(c);
	if (d->too_big)
		return err_set(e, "%s: larger than %u bytes", url,
		    BOOTSTRAP_MAX_BYTES);
	if (cc != CURLE_OK)
		return err_set(e, "%s: %s", url, curl_easy_strerror(cc));
	if (code != 200)
		return err_set(e, "%s: HTTP status %ld", url, code);
	return 0;
}

int
bootstrap_update(const char *url_base, const char *dir, long timeout_ms,
    struct err *e)
{
	static const char *const names[] = { "ipv4.json", "ipv6.json" };
	struct dl	 d[2];
	size_t		 i;
	int		 rc = -1;

	memset(d, 0, sizeof(d));
	for (i = 0; i < 2; i++) {
		char			*url;
		struct bootstrap	*b;

		url = xasprintf("%s%s%s", url_base,
		    url_base[0] && url_base[strlen(url_base) - 1] == '/' ?
		    "" : "/", names[i]);
		if (fetch_one(url, timeout_ms, &d[i], e) == -1) {
			free(url);
			goto out;
		}
		b = bootstrap_new();
		if (bootstrap_parse(b, d[i].buf ? d[i].buf : "",
		    d[i].len, e) == -1) {
			err_prefix(e, "%s: ", url);
			bootstrap_free(b);
			free(url);
			goto out;
		}
		bootstrap_free(b);
		free(url);
	}
	for (i = 0; i < 2; i++) {
		char	*tmp = xasprintf("%s/.%s.new", dir, names[i]);
		char	*dst = xasprintf("%s/%s", dir, names[i]);
		int	 fd, ok;

		fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		ok = fd != -1 && write(fd, d[i].buf, d[i].len) ==
		    (ssize_t)d[i].len && fsync(fd) == 0;
		if (fd != -1)
			close(fd);
		if (!ok || rename(tmp, dst) == -1) {
			err_set(e, "%s: %s", ok ? dst : tmp, strerror(errno));
			unlink(tmp);
			free(tmp);
			free(dst);
			goto out;
		}
		free(tmp);
		free(dst);
	}
	rc = 0;
out:
	free(d[0].buf);
	free(d[1].buf);
	return rc;
}
