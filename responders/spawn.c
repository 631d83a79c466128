/* SPDX-License-Identifier: MIT */
/*
 * posix_spawn of an argv vector with a fixed environment, a timeout and
 * captured stderr; used by every responder that runs a program.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "monotime.h"
#include "resp_spawn.h"
#include "xmalloc.h"

/* Waits for pid; its exit status, or -1 (timed out, killed). */
static int
spawn_reap(pid_t pid, int timedout, const char *prog, int timeout_ms,
    struct err *e)
{
	int st;

	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	if (timedout)
		return err_set(e, "spawn: %s: timed out after %d ms", prog,
		    timeout_ms);
	if (WIFSIGNALED(st))
		return err_set(e, "spawn: %s: killed by signal %d", prog,
		    WTERMSIG(st));
	return WEXITSTATUS(st);
}

/*
 * Reads what the child wrote to fd: into errbuf (NUL-terminated, got
 * bytes so far) while it has room, then discarded. read()'s result.
 */
static ssize_t
err_read(int fd, char *errbuf, size_t errlen, size_t *got)
{
	char	junk[512];
	ssize_t	n;

	if (errbuf == NULL || *got + 1 >= errlen)
		return read(fd, junk, sizeof(junk));
	n = read(fd, errbuf + *got, errlen - 1 - *got);
	if (n > 0) {
		*got += (size_t)n;
		errbuf[*got] = '\0';
	}
	return n;
}

int
spawn_run(char *const argv[], char *const envp[], int timeout_ms,
    char *errbuf, size_t errlen, struct err *e)
{
	static char *const	 noenv[] = { NULL };
	posix_spawn_file_actions_t fa;
	pid_t			 pid;
	int			 p[2], rc, timedout = 0;
	size_t			 got = 0;
	long			 deadline = monotime_ms() + timeout_ms;

	if (errbuf != NULL && errlen > 0)
		errbuf[0] = '\0';
	if (pipe2(p, O_CLOEXEC) == -1)
		return err_set(e, "spawn: %s: pipe: %s", argv[0],
		    strerror(errno));
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, p[1], 2);
	rc = posix_spawn(&pid, argv[0], &fa, NULL, argv,
	    envp != NULL ? envp : noenv);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (rc != 0) {
		close(p[0]);
		return err_set(e, "spawn: %s: %s", argv[0], strerror(rc));
	}
	for (;;) {
		struct pollfd	pfd = { .fd = p[0], .events = POLLIN };
		long		left = deadline - monotime_ms();

		if (left <= 0) {
			timedout = 1;
			kill(pid, SIGKILL);
			break;
		}
		if (poll(&pfd, 1, (int)left) <= 0)
			continue;
		if (err_read(p[0], errbuf, errlen, &got) <= 0)
			break;
	}
	close(p[0]);
	return spawn_reap(pid, timedout, argv[0], timeout_ms, e);
}

int
spawn_run_output(char *const argv[], char *const envp[], int timeout_ms,
    char **out, size_t max, struct err *e)
{
	static char *const	 noenv[] = { NULL };
	posix_spawn_file_actions_t fa;
	pid_t			 pid;
	int			 p[2], rc, timedout = 0;
	size_t			 got = 0, cap = 4096;
	long			 deadline = monotime_ms() + timeout_ms;
	char			*buf;

	*out = buf = xmalloc(cap);
	buf[0] = '\0';
	if (pipe2(p, O_CLOEXEC) == -1)
		return err_set(e, "spawn: %s: pipe: %s", argv[0],
		    strerror(errno));
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	rc = posix_spawn(&pid, argv[0], &fa, NULL, argv,
	    envp != NULL ? envp : noenv);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (rc != 0) {
		close(p[0]);
		return err_set(e, "spawn: %s: %s", argv[0], strerror(rc));
	}
	for (;;) {
		struct pollfd	pfd = { .fd = p[0], .events = POLLIN };
		long		left = deadline - monotime_ms();
		char		junk[4096];
		ssize_t		n;

		if (left <= 0) {
			timedout = 1;
			kill(pid, SIGKILL);
			break;
		}
		if (poll(&pfd, 1, (int)left) <= 0)
			continue;
		if (got + 1 >= cap && cap < max + 1) {
			cap = cap * 2 > max + 1 ? max + 1 : cap * 2;
			*out = buf = xreallocarray(buf, cap, 1);
		}
		if (got + 1 < cap)
			n = read(p[0], buf + got, cap - 1 - got);
		else
			n = read(p[0], junk, sizeof(junk));
		if (n <= 0)
			break;
		if (got + 1 < cap) {
			got += (size_t)n;
			buf[got] = '\0';
		}
	}
	close(p[0]);
	return spawn_reap(pid, timedout, argv[0], timeout_ms, e);
}

int
spawn_run_input(char *const argv[], char *const envp[], int timeout_ms,
    const char *in, size_t inlen, char *errbuf, size_t errlen,
    struct err *e)
{
	static char *const	 noenv[] = { NULL };
	posix_spawn_file_actions_t fa;
	pid_t			 pid;
	int			 ip[2], ep[2], rc, timedout = 0;
	size_t			 got = 0, off = 0;
	long			 deadline = monotime_ms() + timeout_ms;

	if (errbuf != NULL && errlen > 0)
		errbuf[0] = '\0';
	if (pipe2(ip, O_CLOEXEC) == -1)
		return err_set(e, "spawn: %s: pipe: %s", argv[0],
		    strerror(errno));
	if (pipe2(ep, O_CLOEXEC) == -1) {
		close(ip[0]);
		close(ip[1]);
		return err_set(e, "spawn: %s: pipe: %s", argv[0],
		    strerror(errno));
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, ip[0], 0);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, ep[1], 2);
	rc = posix_spawn(&pid, argv[0], &fa, NULL, argv,
	    envp != NULL ? envp : noenv);
	posix_spawn_file_actions_destroy(&fa);
	close(ip[0]);
	close(ep[1]);
	if (rc != 0) {
		close(ip[1]);
		close(ep[0]);
		return err_set(e, "spawn: %s: %s", argv[0], strerror(rc));
	}
	fcntl(ip[1], F_SETFL, O_NONBLOCK);
	signal(SIGPIPE, SIG_IGN);	/* a child that exits early */
	if (inlen == 0) {
		close(ip[1]);
		ip[1] = -1;
	}
	for (;;) {
		struct pollfd	pfd[2] = { { .fd = ep[0], .events = POLLIN },
				    { .fd = ip[1], .events = POLLOUT } };
		long		left = deadline - monotime_ms();
		ssize_t		n;

		if (left <= 0) {
			timedout = 1;
			kill(pid, SIGKILL);
			break;
		}
		if (poll(pfd, ip[1] >= 0 ? 2 : 1, (int)left) <= 0)
			continue;
		if (ip[1] >= 0 && (pfd[1].revents & (POLLOUT | POLLERR |
		    POLLHUP))) {
			n = write(ip[1], in + off, inlen - off);
			if (n > 0)
				off += (size_t)n;
			if ((n < 0 && errno != EAGAIN && errno != EINTR) ||
			    off == inlen) {
				close(ip[1]);
				ip[1] = -1;
			}
		}
		if (!(pfd[0].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		if (err_read(ep[0], errbuf, errlen, &got) <= 0)
			break;
	}
	if (ip[1] >= 0)
		close(ip[1]);
	close(ep[0]);
	return spawn_reap(pid, timedout, argv[0], timeout_ms, e);
}
