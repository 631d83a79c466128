/* SPDX-License-Identifier: MIT */
/*
 * What a remote address holds on this host: the login sessions whose
 * remote host is that address (utmp, as `who` reads it) and the TCP
 * sockets connected to it (/proc/net/tcp and tcp6) with the processes and
 * accounts that own them. The lock-account responder asks it who to lock
 * when an incident names no local user. Read-only: it changes nothing.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utmpx.h>

#include "holders.h"
#include "xmalloc.h"

/* Grows a pid list by one, keeping it unique. */
static void
pid_add(struct holder *h, pid_t pid)
{
	size_t	i;

	for (i = 0; i < h->npids; i++)
		if (h->pids[i] == pid)
			return;
	if (h->npids == h->cappids) {
		h->cappids = h->cappids ? h->cappids * 2 : 4;
		h->pids = xreallocarray(h->pids, h->cappids, sizeof(pid_t));
	}
	h->pids[h->npids++] = pid;
}

/* The holder entry of uid, made when missing; NULL when uid has no name. */
static struct holder *
holder_of(struct holders *hs, uid_t uid)
{
	struct passwd	 pw, *res = NULL;
	char		 buf[4096];
	size_t		 i;

	for (i = 0; i < hs->n; i++)
		if (hs->v[i].uid == uid)
			return &hs->v[i];
	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) != 0 || res == NULL)
		return NULL;
	if (hs->n == hs->cap) {
		hs->cap = hs->cap ? hs->cap * 2 : 4;
		hs->v = xreallocarray(hs->v, hs->cap, sizeof(*hs->v));
	}
	memset(&hs->v[hs->n], 0, sizeof(hs->v[0]));
	hs->v[hs->n].uid = uid;
	snprintf(hs->v[hs->n].user, sizeof(hs->v[0].user), "%s", pw.pw_name);
	return &hs->v[hs->n++];
}

/* ---------------------------------------------------------------- utmp */

/* Whether a utmp record's remote host is src (address field or host). */
static int
utmp_from(const struct utmpx *u, const struct addr *src)
{
	struct addr	a;
	char		host[sizeof(u->ut_host) + 1];
	size_t		l;

	if (u->ut_addr_v6[1] == 0 && u->ut_addr_v6[2] == 0 &&
	    u->ut_addr_v6[3] == 0 && u->ut_addr_v6[0] != 0) {
		addr_from_v4(&a, &u->ut_addr_v6[0]);
		if (addr_cmp(&a, src) == 0)
			return 1;
	} else if (u->ut_addr_v6[0] | u->ut_addr_v6[1] | u->ut_addr_v6[2] |
	    u->ut_addr_v6[3]) {
		addr_from_v6(&a, u->ut_addr_v6);
		if (addr_cmp(&a, src) == 0)
			return 1;
	}
	memcpy(host, u->ut_host, sizeof(u->ut_host));
	host[sizeof(u->ut_host)] = '\0';
	l = strcspn(host, " ");
	host[l] = '\0';
	return addr_parse(host, &a) == 0 && addr_cmp(&a, src) == 0;
}

static int
holders_utmp(struct holders *hs, const struct addr *src, const char *path)
{
	struct utmpx	*u;
	struct passwd	 pw, *res;
	struct holder	*h;
	char		 name[sizeof(u->ut_user) + 1], buf[4096];

	if (path != NULL && utmpxname(path) == -1)
		return -1;
	setutxent();
	while ((u = getutxent()) != NULL) {
		if (u->ut_type != USER_PROCESS || !utmp_from(u, src))
			continue;
		if (u->ut_pid > 0 && kill(u->ut_pid, 0) == -1 &&
		    errno == ESRCH)
			continue;	/* a stale record: nobody is there */
		memcpy(name, u->ut_user, sizeof(u->ut_user));
		name[sizeof(u->ut_user)] = '\0';
		res = NULL;
		if (getpwnam_r(name, &pw, buf, sizeof(buf), &res) != 0 ||
		    res == NULL || (h = holder_of(hs, pw.pw_uid)) == NULL)
			continue;
		h->sessions++;
		if (h->line[0] == '\0')
			snprintf(h->line, sizeof(h->line), "%.*s",
			    (int)sizeof(u->ut_line), u->ut_line);
		if (u->ut_pid > 0)
			pid_add(h, u->ut_pid);
	}
	endutxent();
	return 0;
}

/* ------------------------------------------------------------- sockets */

/* Socket inodes of established TCP connections whose remote end is src. */
struct inodes {
	unsigned long	*v;
	size_t		 n, cap;
};

/* Parses /proc/net/tcp's hex address ("0100007F" or 32 hex digits). */
static int
hex_addr(const char *s, size_t len, struct addr *a)
{
	uint32_t	w[4];
	size_t		i, k;
	char		part[9];

	if (len != 8 && len != 32)
		return -1;
	for (k = 0; k < len / 8; k++) {
		memcpy(part, s + k * 8, 8);
		part[8] = '\0';
		for (i = 0; i < 8; i++)
			if (!isxdigit((unsigned char)part[i]))
				return -1;
		/* The kernel prints each 32-bit word in host byte order. */
		w[k] = (uint32_t)strtoul(part, NULL, 16);
	}
	if (len == 8)
		addr_from_v4(a, &w[0]);
	else
		addr_from_v6(a, w);
	return 0;
}

static int
inodes_scan(struct inodes *in, const char *path, const struct addr *src)
{
	FILE		*fp;
	char		 line[512], rem[64];
	unsigned long	 ino;
	unsigned	 st;
	struct addr	 a;
	char		*colon;

	if ((fp = fopen(path, "r")) == NULL)
		return errno == ENOENT ? 0 : -1;
	if (fgets(line, sizeof(line), fp) == NULL) {	/* the header */
		fclose(fp);
		return 0;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		/* sl local rem st tx:rx tr:when retr uid timeout inode */
		if (sscanf(line, "%*s %*s %63s %x %*s %*s %*s %*s %*s %lu",
		    rem, &st, &ino) != 3)
			continue;
		if (st != 1 || ino == 0)	/* TCP_ESTABLISHED */
			continue;
		if ((colon = strchr(rem, ':')) == NULL ||
		    hex_addr(rem, (size_t)(colon - rem), &a) == -1 ||
		    addr_cmp(&a, src) != 0)
			continue;
		if (in->n == in->cap) {
			in->cap = in->cap ? in->cap * 2 : 8;
			in->v = xreallocarray(in->v, in->cap, sizeof(*in->v));
		}
		in->v[in->n++] = ino;
	}
	fclose(fp);
	return 0;
}

static int
inode_in(const struct inodes *in, unsigned long ino)
{
	size_t	i;

	for (i = 0; i < in->n; i++)
		if (in->v[i] == ino)
			return 1;
	return 0;
}

/* The real uid of a process, from /proc/PID/status; -1 when gone. */
static long long
proc_uid(const char *proc, pid_t pid)
{
	char		path[PATH_MAX], line[256];
	FILE		*fp;
	long long	uid = -1;

	snprintf(path, sizeof(path), "%s/%d/status", proc, (int)pid);
	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (strncmp(line, "Uid:", 4) == 0) {
			uid = strtoll(line + 4, NULL, 10);
			break;
		}
	fclose(fp);
	return uid;
}

/* Adds every process holding one of the inodes, under its owner. */
static void
holders_procs(struct holders *hs, const struct inodes *in, const char *proc)
{
	DIR		*d, *fd;
	struct dirent	*de, *fe;
	char		 path[PATH_MAX], link[64];
	ssize_t		 l;
	unsigned long	 ino;
	long long	 uid;
	struct holder	*h;
	pid_t		 pid;

	if ((d = opendir(proc)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		pid = (pid_t)strtol(de->d_name, NULL, 10);
		snprintf(path, sizeof(path), "%s/%s/fd", proc, de->d_name);
		if ((fd = opendir(path)) == NULL)
			continue;
		while ((fe = readdir(fd)) != NULL) {
			if (fe->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s/fd/%s", proc,
			    de->d_name, fe->d_name);
			if ((l = readlink(path, link, sizeof(link) - 1)) <= 0)
				continue;
			link[l] = '\0';
			if (sscanf(link, "socket:[%lu]", &ino) != 1 ||
			    !inode_in(in, ino))
				continue;
			if ((uid = proc_uid(proc, pid)) < 0 ||
			    (h = holder_of(hs, (uid_t)uid)) == NULL)
				break;
			h->sockets++;
			pid_add(h, pid);
			break;
		}
		closedir(fd);
	}
	closedir(d);
}

int
holders_find(const struct addr *src, const struct holders_where *w,
    struct holders *out, struct err *e)
{
	struct inodes	 in = { NULL, 0, 0 };
	char		 path[PATH_MAX];
	const char	*proc = w != NULL && w->proc != NULL ? w->proc : "/proc";
	const char	*utmp = w != NULL ? w->utmp : NULL;

	memset(out, 0, sizeof(*out));
	if (holders_utmp(out, src, utmp) == -1) {
		err_set(e, "%s: %s", utmp, strerror(errno));
		holders_free(out);
		return -1;
	}
	snprintf(path, sizeof(path), "%s/net/tcp", proc);
	if (inodes_scan(&in, path, src) == -1)
		goto fail;
	snprintf(path, sizeof(path), "%s/net/tcp6", proc);
	if (inodes_scan(&in, path, src) == -1)
		goto fail;
	if (in.n > 0)
		holders_procs(out, &in, proc);
	free(in.v);
	return 0;
fail:
	err_set(e, "%s: %s", path, strerror(errno));
	free(in.v);
	holders_free(out);
	return -1;
}

void
holders_free(struct holders *hs)
{
	size_t	i;

	for (i = 0; i < hs->n; i++)
		free(hs->v[i].pids);
	free(hs->v);
	memset(hs, 0, sizeof(*hs));
}
