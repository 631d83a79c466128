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

/* The remote address of a utmp record (address field, else host); 0 none. */
static int
utmp_addr(const struct utmpx *u, struct addr *a)
{
	char		host[sizeof(u->ut_host) + 1];
	size_t		l;

	if (u->ut_addr_v6[1] == 0 && u->ut_addr_v6[2] == 0 &&
	    u->ut_addr_v6[3] == 0 && u->ut_addr_v6[0] != 0) {
		addr_from_v4(a, &u->ut_addr_v6[0]);
		return 1;
	}
	if (u->ut_addr_v6[0] | u->ut_addr_v6[1] | u->ut_addr_v6[2] |
	    u->ut_addr_v6[3]) {
		addr_from_v6(a, u->ut_addr_v6);
		return 1;
	}
	memcpy(host, u->ut_host, sizeof(u->ut_host));
	host[sizeof(u->ut_host)] = '\0';
	l = strcspn(host, " ");
	host[l] = '\0';
	return addr_parse(host, a) == 0;
}

/* Whether a utmp record's remote host is src (address field or host). */
static int
utmp_from(const struct utmpx *u, const struct addr *src)
{
	struct addr	a;
	char		host[sizeof(u->ut_host) + 1];
	size_t		l;

	if (utmp_addr(u, &a) && addr_cmp(&a, src) == 0)
		return 1;
	/* The address field may differ from a host naming src. */
	memcpy(host, u->ut_host, sizeof(u->ut_host));
	host[sizeof(u->ut_host)] = '\0';
	l = strcspn(host, " ");
	host[l] = '\0';
	return addr_parse(host, &a) == 0 && addr_cmp(&a, src) == 0;
}

/* A USER_PROCESS record whose session leader still runs. */
static int
utmp_live(const struct utmpx *u)
{
	return u->ut_type == USER_PROCESS && !(u->ut_pid > 0 &&
	    kill(u->ut_pid, 0) == -1 && errno == ESRCH);
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
		/* A stale record (its leader gone): nobody is there. */
		if (!utmp_live(u) || !utmp_from(u, src))
			continue;
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

static void
inodes_add(struct inodes *in, unsigned long ino)
{
	if (in->n == in->cap) {
		in->cap = in->cap ? in->cap * 2 : 8;
		in->v = xreallocarray(in->v, in->cap, sizeof(*in->v));
	}
	in->v[in->n++] = ino;
}

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

/* One line of /proc/net/tcp: the peer and inode of an established socket. */
static int
tcp_line(const char *line, struct addr *a, unsigned long *ino)
{
	char		 rem[64], *colon;
	unsigned	 st;

	/* sl local rem st tx:rx tr:when retr uid timeout inode */
	if (sscanf(line, "%*s %*s %63s %x %*s %*s %*s %*s %*s %lu", rem, &st,
	    ino) != 3 || st != 1 || *ino == 0)	/* TCP_ESTABLISHED */
		return -1;
	if ((colon = strchr(rem, ':')) == NULL)
		return -1;
	return hex_addr(rem, (size_t)(colon - rem), a);
}

static int
inodes_scan(struct inodes *in, const char *path, const struct addr *src)
{
	FILE		*fp;
	char		 line[512];
	unsigned long	 ino;
	struct addr	 a;

	if ((fp = fopen(path, "r")) == NULL)
		return errno == ENOENT ? 0 : -1;
	if (fgets(line, sizeof(line), fp) == NULL) {	/* the header */
		fclose(fp);
		return 0;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (tcp_line(line, &a, &ino) == -1 || addr_cmp(&a, src) != 0)
			continue;
		inodes_add(in, ino);
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

/* The real uid of a process, from /proc/PID/status; -1 when gone or a
 * zombie (it holds nothing and only waits for its parent). */
long long
holders_proc_uid(const char *proc, pid_t pid)
{
	char		path[PATH_MAX], line[256];
	FILE		*fp;
	long long	uid = -1;

	snprintf(path, sizeof(path), "%s/%d/status", proc, (int)pid);
	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (strncmp(line, "State:", 6) == 0 &&
		    line[6 + strspn(line + 6, " \t")] == 'Z')
			break;
		if (strncmp(line, "Uid:", 4) == 0) {
			uid = strtoll(line + 4, NULL, 10);
			break;
		}
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
			if ((uid = holders_proc_uid(proc, pid)) < 0 ||
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

/* --------------------------------------------------------- coming back */

static void
back_add(struct holders_back *b, const struct addr *a, int session)
{
	size_t	i;

	for (i = 0; i < b->nfrom; i++)
		if (addr_cmp(&b->from[i], a) == 0) {
			b->from_session[i] |= session;
			return;
		}
	if (b->nfrom == b->capfrom) {
		b->capfrom = b->capfrom ? b->capfrom * 2 : 4;
		b->from = xreallocarray(b->from, b->capfrom,
		    sizeof(*b->from));
		b->from_session = xreallocarray(b->from_session, b->capfrom,
		    sizeof(*b->from_session));
	}
	b->from[b->nfrom] = *a;
	b->from_session[b->nfrom++] = session;
}

/* A pid spread over 64 bits (splitmix64), for an order-free sum. */
static uint64_t
pid_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* The socket inodes every process of uid holds; counts the processes. */
static void
back_procs(struct holders_back *b, struct inodes *in, uid_t uid,
    const char *proc)
{
	DIR		*d, *fd;
	struct dirent	*de, *fe;
	char		 path[PATH_MAX], link[64];
	unsigned long	 ino;
	ssize_t		 l;

	if ((d = opendir(proc)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (!isdigit((unsigned char)de->d_name[0]) ||
		    holders_proc_uid(proc, (pid_t)strtol(de->d_name, NULL,
		    10)) !=
		    (long long)uid)
			continue;
		b->nprocs++;
		b->procs_hash += pid_mix((uint64_t)strtoull(de->d_name, NULL,
		    10));
		snprintf(path, sizeof(path), "%s/%s/fd", proc, de->d_name);
		if ((fd = opendir(path)) == NULL)
			continue;
		while ((fe = readdir(fd)) != NULL) {
			snprintf(path, sizeof(path), "%s/%s/fd/%s", proc,
			    de->d_name, fe->d_name);
			if (fe->d_name[0] == '.' || (l = readlink(path, link,
			    sizeof(link) - 1)) <= 0)
				continue;
			link[l] = '\0';
			if (sscanf(link, "socket:[%lu]", &ino) == 1 &&
			    !inode_in(in, ino))
				inodes_add(in, ino);
		}
		closedir(fd);
	}
	closedir(d);
}

/* Adds the peers of the established connections among the inodes. */
static int
back_peers(struct holders_back *b, const struct inodes *in, const char *path)
{
	FILE		*fp;
	char		 line[512];
	unsigned long	 ino;
	struct addr	 a;

	if ((fp = fopen(path, "r")) == NULL)
		return errno == ENOENT ? 0 : -1;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (tcp_line(line, &a, &ino) == 0 && inode_in(in, ino))
			back_add(b, &a, 0);
	fclose(fp);
	return 0;
}

int
holders_back_find(const char *user, uid_t uid, const struct holders_where *w,
    struct holders_back *out, struct err *e)
{
	struct inodes	 in = { NULL, 0, 0 };
	struct utmpx	*u;
	struct addr	 a;
	char		 path[PATH_MAX];
	const char	*proc = w != NULL && w->proc != NULL ? w->proc : "/proc";
	const char	*utmp = w != NULL ? w->utmp : NULL;

	memset(out, 0, sizeof(*out));
	if (utmp != NULL && utmpxname(utmp) == -1)
		return err_set(e, "%s: %s", utmp, strerror(errno));
	setutxent();
	while ((u = getutxent()) != NULL) {
		if (!utmp_live(u) || strncmp(u->ut_user, user,
		    sizeof(u->ut_user)) != 0)
			continue;
		out->sessions++;
		if (utmp_addr(u, &a))
			back_add(out, &a, 1);
	}
	endutxent();
	back_procs(out, &in, uid, proc);
	if (in.n > 0) {
		snprintf(path, sizeof(path), "%s/net/tcp", proc);
		if (back_peers(out, &in, path) == -1)
			goto fail;
		snprintf(path, sizeof(path), "%s/net/tcp6", proc);
		if (back_peers(out, &in, path) == -1)
			goto fail;
	}
	free(in.v);
	return 0;
fail:
	err_set(e, "%s: %s", path, strerror(errno));
	free(in.v);
	holders_back_free(out);
	return -1;
}

void
holders_back_free(struct holders_back *b)
{
	free(b->from);
	free(b->from_session);
	memset(b, 0, sizeof(*b));
}
