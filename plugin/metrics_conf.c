/* SPDX-License-Identifier: MIT */
/*
 * The "metrics:" section: off by default; listen on a loopback TCP port
 * or a unix socket. Every problem is reported with its file:line:col.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "config.h"
#include "config_sections.h"
#include "metrics_conf.h"
#include "xmalloc.h"

#define M(f)	offsetof(struct metrics_conf, f)
static const struct conf_field metrics_fields[] = {
	{ "enabled", CK_BOOL, M(enabled), "false", 0, 0, NULL, 0 },
	{ "listen", CK_STRING, M(listen), "127.0.0.1:9911", 0, 0, NULL, 0 },
	{ NULL, 0, 0, NULL, 0, 0, NULL, 0 },
};
#undef M

static int
is_loopback(const struct addr *a)
{
	static const uint8_t v6lo[16] = { [15] = 1 };

	if (a->family == AF_INET)
		return a->a[12] == 127;
	return memcmp(a->a, v6lo, 16) == 0;
}

const char *
metrics_listen_parse(struct metrics_conf *mc, const char *s)
{
	struct sockaddr_un sun;
	const char *colon, *host;
	size_t hostlen;
	long long port;
	char buf[ADDR_STRLEN + 1];

	free(mc->unix_path);
	mc->unix_path = NULL;
	mc->is_unix = 0;
	if (strncmp(s, "unix:", 5) == 0) {
		if (s[5] != '/')
			return "a unix socket needs an absolute path "
			    "(unix:/run/redress/metrics.sock)";
		if (strlen(s + 5) >= sizeof(sun.sun_path))
			return "unix socket path too long";
		mc->is_unix = 1;
		mc->unix_path = xstrdup(s + 5);
		return NULL;
	}
	colon = strrchr(s, ':');
	if (colon == NULL || colon == s)
		return "expected ADDRESS:PORT, [IPv6]:PORT or unix:PATH";
	host = s;
	hostlen = (size_t)(colon - s);
	if (host[0] == '[') {
		if (hostlen < 3 || host[hostlen - 1] != ']')
			return "expected [IPv6]:PORT";
		host++;
		hostlen -= 2;
	}
	if (hostlen > ADDR_STRLEN)
		return "not an IP address";
	memcpy(buf, host, hostlen);
	buf[hostlen] = '\0';
	if (addr_parse(buf, &mc->addr) < 0)
		return "not an IP address (host names are not resolved)";
	if (conf_to_int(colon + 1, 1, 65535, &port) != NULL)
		return "port must be a number from 1 to 65535";
	mc->port = (int)port;
	return NULL;
}

void
metrics_conf_load(struct config *cfg, const struct conf_node *n,
    struct diag *d)
{
	struct metrics_conf *mc = xcalloc(1, sizeof(*mc));
	const char *why;

	cfg->metrics = mc;
	conf_apply(n, metrics_fields, mc, d);
	if (mc->listen == NULL)
		return;
	if ((why = metrics_listen_parse(mc, mc->listen)) != NULL) {
		conf_error(d, conf_get(n, "listen"), "\"%s\": %s", mc->listen,
		    why);
		return;
	}
	if (!mc->is_unix && !is_loopback(&mc->addr) && mc->enabled)
		conf_warning(d, conf_get(n, "listen"), "%s is not a loopback "
		    "address: the metrics have no authentication",
		    mc->listen);
}

void
metrics_conf_free(struct config *cfg)
{
	if (cfg->metrics == NULL)
		return;
	conf_release(metrics_fields, cfg->metrics);
	free(cfg->metrics->unix_path);
	free(cfg->metrics);
	cfg->metrics = NULL;
}
