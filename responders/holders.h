/* SPDX-License-Identifier: MIT */
/*
 * The local accounts a remote address holds on this host: login sessions
 * from it (utmp) and processes owning TCP connections to it; and the other
 * way round, what one account holds now and from where (holders_back).
 */
#ifndef REDRESS_HOLDERS_H
#define REDRESS_HOLDERS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "addr.h"
#include "err.h"

struct holder {
	char	 user[33];
	uid_t	 uid;
	int	 sessions;	/* utmp login sessions from the address */
	int	 sockets;	/* processes with a connection to it */
	char	 line[33];	/* first session's terminal, "" none */
	pid_t	*pids;		/* session leaders and socket owners */
	size_t	 npids, cappids;
};

struct holders {
	struct holder	*v;
	size_t		 n, cap;
};

/* Where to look; NULL members mean the system's (utmp, /proc). */
struct holders_where {
	const char	*utmp;
	const char	*proc;
};

/* Fills out with every account src holds; 0, or -1 with e set. */
int	holders_find(const struct addr *src, const struct holders_where *,
	    struct holders *out, struct err *e);
void	holders_free(struct holders *);

/*
 * What a (locked) account has on this host now: its live login sessions
 * (utmp) and processes, and the remote addresses they come from (the
 * sessions' hosts, the peers of the TCP connections its processes hold).
 */
struct holders_back {
	int		 sessions;	/* live utmp login sessions */
	size_t		 nprocs;	/* processes running as the uid */
	uint64_t	 procs_hash;	/* of their pids, in any order */
	struct addr	*from;		/* unique remote addresses */
	int		*from_session;	/* 1: from[i] is a session's host */
	size_t		 nfrom, capfrom;
};

/* Fills out for user (uid); 0, or -1 with e set. */
int	holders_back_find(const char *user, uid_t uid,
	    const struct holders_where *, struct holders_back *out,
	    struct err *e);
void	holders_back_free(struct holders_back *);
/* The real uid of process pid under proc ("/proc"); -1 gone or a zombie. */
long long holders_proc_uid(const char *proc, pid_t pid);

#endif
