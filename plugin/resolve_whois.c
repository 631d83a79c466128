/* SPDX-License-Identifier: MIT */
/*
 * whois client (RFC 3912, TCP port 43): one query per connection, server
 * names rewritten to host:port by resolver.whois_servers (tests point them
 * to loopback), a deadline for connect and the whole answer, a size cap,
 * and the per-server rate limit and backoff of resolve.c.
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "monotime.h"
#include "resolver.h"
#include "xmalloc.h"

static int
remaining(int64_t deadline)
{
	int64_t left = deadline - monotime_ms();

	return left < 0 ? 0 : left > 3600000 ? 3600000 : (int)left;
}

static int
dial(const char *host, int port, int64_t deadline, struct err *e)
{
	struct addrinfo	 hints, *res = NULL, *ai;
	char		 pbuf[8];
	int		 fd = -1, rc, soerr;
	socklen_t	 sl;
	struct pollfd	 pfd;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG;
	snprintf(pbuf, sizeof(pbuf), "%d", port);
	if ((rc = getaddrinfo(host, pbuf, &hints, &res)) != 0)
		return err_set(e, "%s: %s", host, gai_strerror(rc));
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, ai->ai_protocol);
		if (fd == -1)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		if (errno == EINPROGRESS) {
			pfd.fd = fd;
			pfd.events = POLLOUT;
			rc = poll(&pfd, 1, remaining(deadline));
			sl = sizeof(soerr);
			if (rc == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR,
			    &soerr, &sl) == 0 && soerr == 0)
				break;
			if (rc == 0)
				err_set(e, "%s port %d: connect timed out",
				    host, port);
			else
				err_set(e, "%s port %d: connect: %s", host,
				    port, strerror(rc == 1 ? soerr : errno));
		} else
			err_set(e, "%s port %d: connect: %s", host, port,
			    strerror(errno));
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1) {
		err_set(e, "%s port %d: no address to connect to", host, port);
		return -1;
	}
	return fd;
}

int
resolve_whois_query(struct resolver *r, const char *server, int port,
    const char *query, char **out, size_t *outlen, struct err *e)
{
	const struct resolver_conf	*rc = resolver_conf_of(r);
	const char			*host = server;
	char				*line, *buf = NULL;
	size_t				 i, len = 0, cap = 0, sent = 0, qlen;
	int64_t				 deadline;
	int				 fd, n;
	struct pollfd			 pfd;

	*out = NULL;
	*outlen = 0;
	if (port == 0)
		port = 43;
	for (i = 0; i < rc->nwhois_servers; i++)
		if (strcasecmp(rc->whois_servers[i].name, server) == 0) {
			host = rc->whois_servers[i].host;
			port = rc->whois_servers[i].port;
			break;
		}
	if (host == server && rc->offline)
		return err_set(e, "whois %s: not in whois_servers (offline)",
		    server);
	if (strpbrk(query, "\r\n") != NULL)
		return err_set(e, "whois %s: query contains CR/LF", server);
	if (resolver_rate_wait(r, server, e) == -1)
		return -1;
	resolver_count_query(r);
	deadline = monotime_ms() + rc->timeout_ms;
	if ((fd = dial(host, port, deadline, e)) == -1) {
		err_prefix(e, "whois %s: ", server);
		return -1;
	}
	line = xasprintf("%s\r\n", query);
	qlen = strlen(line);
	while (sent < qlen) {
		pfd.fd = fd;
		pfd.events = POLLOUT;
		if (poll(&pfd, 1, remaining(deadline)) != 1) {
			err_set(e, "whois %s: sending the query timed out",
			    server);
			goto fail;
		}
		n = (int)write(fd, line + sent, qlen - sent);
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			err_set(e, "whois %s: write: %s", server,
			    strerror(errno));
			goto fail;
		}
		if (n > 0)
			sent += (size_t)n;
	}
	for (;;) {
		int rcp;

		pfd.fd = fd;
		pfd.events = POLLIN;
		rcp = poll(&pfd, 1, remaining(deadline));
		if (rcp == 0) {
			err_set(e, "whois %s: no complete answer within "
			    "%lld ms (%zu bytes read)", server,
			    (long long)rc->timeout_ms, len);
			goto fail;
		}
		if (rcp < 0) {
			if (errno == EINTR)
				continue;
			err_set(e, "whois %s: poll: %s", server,
			    strerror(errno));
			goto fail;
		}
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 16384;
			buf = xreallocarray(buf, cap + 1, 1);
		}
		n = (int)read(fd, buf + len, cap - len);
		if (n == 0)
			break;
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				continue;
			err_set(e, "whois %s: read: %s", server,
			    strerror(errno));
			goto fail;
		}
		len += (size_t)n;
		if (len > rc->whois_max_bytes) {
			err_set(e, "whois %s: answer larger than %llu bytes "
			    "(whois_max_bytes); dropped", server,
			    (unsigned long long)rc->whois_max_bytes);
			goto fail;
		}
	}
	close(fd);
	free(line);
	if (buf == NULL)
		buf = xcalloc(1, 1);
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	return 0;
fail:
	close(fd);
	free(line);
	free(buf);
	return -1;
}
