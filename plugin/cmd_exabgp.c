/* SPDX-License-Identifier: MIT */
/*
 * `redress exabgp-helper SOCKET`: the process ExaBGP runs (its `process`
 * stanza) for the exabgp responder. It connects to the socket the daemon
 * listens on, says "helper", and relays lines: the daemon's announce and
 * withdraw commands to stdout (ExaBGP reads them), ExaBGP's "done" and
 * "error" from stdin back to the daemon. While the daemon is down it
 * retries every second and ExaBGP keeps its routes; it exits when ExaBGP
 * closes its stdin (ExaBGP stops or restarts it).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cmd.h"
#include "fdio.h"

static int
helper_connect(const char *path)
{
	struct sockaddr_un sa;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    fd_write_all(fd, "helper\n", 7) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Copies what fd has to out; -1 at end of file or error. */
static int
relay(int fd, int out)
{
	char buf[16384];
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n <= 0)
		return -1;
	return fd_write_all(out, buf, (size_t)n) < 0 ? -1 : 0;
}

int
cmd_exabgp_helper(struct cli *cli, int argc, char **argv)
{
	int sfd = -1, warned = 0;

	(void)cli;
	if (argc != 2 || strlen(argv[1]) >= sizeof(((struct sockaddr_un *)
	    0)->sun_path)) {
		cli_error("usage: exabgp-helper SOCKET (the exabgp "
		    "responder's socket)");
		return 2;
	}
	for (;;) {
		struct pollfd pf[2] = { { 0, POLLIN, 0 }, { -1, POLLIN, 0 } };

		if (sfd < 0) {
			sfd = helper_connect(argv[1]);
			if (sfd < 0 && !warned) {
				fprintf(stderr, "redress exabgp-helper: %s: "
				    "%s; retrying every second\n", argv[1],
				    strerror(errno));
				warned = 1;
			} else if (sfd >= 0)
				warned = 0;
		}
		pf[1].fd = sfd;
		if (poll(pf, 2, sfd < 0 ? 1000 : -1) < 0 && errno != EINTR)
			return 1;
		if (pf[0].revents & (POLLIN | POLLHUP)) {
			/* ExaBGP's acks; without the daemon they are moot. */
			char buf[16384];
			ssize_t n = read(0, buf, sizeof(buf));

			if (n <= 0)
				return 0;
			if (sfd >= 0 && fd_write_all(sfd, buf, (size_t)n) < 0) {
				close(sfd);
				sfd = -1;
			}
		}
		if (sfd >= 0 && (pf[1].revents & (POLLIN | POLLHUP | POLLERR)) &&
		    relay(sfd, 1) < 0) {
			close(sfd);
			sfd = -1;
		}
	}
}
