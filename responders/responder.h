/* SPDX-License-Identifier: MIT */
/*
 * The one small interface every containment backend implements (nftables,
 * ipset, iptables, hosts.deny, exec, capture, lockacct): open from its YAML
 * mapping, apply and revert blocks in batches, list what it holds, close.
 * In dry-run a backend prints to r->dry_out exactly what it would do (the
 * nft commands, ipset/iptables argv, hosts.deny lines ...) and touches
 * nothing. The containment executor (plugin/containment.c) owns the
 * whitelist recheck, the rate cap, expiry and reconcile; backends only act.
 */
#ifndef REDRESS_RESPONDER_H
#define REDRESS_RESPONDER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "addr.h"
#include "conf.h"
#include "err.h"

/* One block: a network, how long, and why. */
struct resp_block {
	struct cidr	 net;		/* host address = full-length prefix */
	int64_t		 duration_s;	/* remaining time; kernel timeout */
	int64_t		 incident_id;	/* 0 for `redress block` by hand */
	char		 reason[256];
	char		 user[64];	/* lockacct: local user, "" none */
	char		 evidence_dir[256];	/* capture: where the pcap goes */
	/*
	 * 1: may already be held (re-block, reconcile re-timing): backends
	 * with kernel timeouts replace its timeout. 0: new, plain add.
	 */
	int		 refresh;
};

/* Called by list() once per element the backend holds (that redress made). */
typedef int (*resp_list_cb)(void *arg, const struct cidr *net,
    int64_t remaining_s);	/* -1: no kernel timeout / unknown */

struct responder;
struct protect;

/* An account a backend acted on and still holds so (lockacct: locked). */
struct resp_watch {
	int64_t	 incident_id;	/* the incident that locked it */
	char	 user[64];
};

/*
 * Called by watch() for an account found coming back: from is the remote
 * address of a session or connection it holds now (NULL: processes of it
 * run, from nowhere remote).
 */
typedef void (*resp_back_fn)(void *arg, const struct responder *,
    int64_t incident_id, const char *user, const struct addr *from);
struct whitelist;

struct responder_ops {
	const char	*name;		/* "type:" in YAML */
	size_t		 priv_size;	/* core callocs r->priv */
	/* Longest kernel timeout the backend holds, 0: none (redress's timer). */
	int64_t		 max_timeout_s;
	/* Validates its YAML mapping; no side effects. Returns errors added. */
	size_t	(*configure)(struct responder *, const struct conf_node *,
		    struct diag *);
	/* Creates what it owns (table, sets, chain) if missing. */
	int	(*open)(struct responder *, struct err *);
	/* Applies n blocks in one batch; re-applying refreshes the timeout. */
	int	(*apply)(struct responder *, const struct resp_block *, size_t n,
		    struct err *);
	int	(*revert)(struct responder *, const struct resp_block *,
		    size_t n, struct err *);
	/* What it holds now (may be NULL: nothing to reconcile). */
	int	(*list)(struct responder *, resp_list_cb, void *, struct err *);
	void	(*close)(struct responder *);
	void	(*release)(struct responder *);	/* frees what configure kept */
	/*
	 * The accounts v[0..n) it acted on, checked again (may be NULL):
	 * each one found with a session or processes is acted on again and
	 * reported through back. Not called in dry-run.
	 */
	int	(*watch)(struct responder *, const struct resp_watch *v,
		    size_t n, resp_back_fn back, void *arg, struct err *);
};

/*
 * A step a backend took beyond the block itself (lockacct: an account
 * locked, processes ended, a refusal), for the store's record of the
 * incident. Set by the containment executor; NULL: nobody listens.
 */
typedef void (*resp_note_fn)(void *arg, const struct responder *,
    int64_t incident_id, const char *subject, const char *text);

struct responder {
	const struct responder_ops	*ops;
	char				 name[64];	/* "nftables", or its "name:" */
	const struct conf_node		*conf;
	int				 dry_run;
	FILE				*dry_out;	/* dry-run: what it would do */
	resp_note_fn			 note;		/* not called in dry-run */
	void				*note_arg;
	/* The whitelist, for backends that check it once more (exabgp). */
	const struct whitelist		*wl;
	void				*priv;
	/* Never blocked whatever the caller asks (NULL: not checked). */
	struct protect			*guard;
};

extern const struct responder_ops resp_nftables;
extern const struct responder_ops resp_ipset;
extern const struct responder_ops resp_iptables;
extern const struct responder_ops resp_hostsdeny;
extern const struct responder_ops resp_exec;
extern const struct responder_ops resp_capture;
extern const struct responder_ops resp_lockacct;
extern const struct responder_ops resp_exabgp;

const struct responder_ops	*responder_lookup(const char *name);
/* The names of every backend, ", "-separated, for messages. */
const char			*responder_names(void);
/*
 * A responder of ops from its YAML mapping (name from "name:", else the
 * type), configured by ops->configure; errors go to d. NULL on errors.
 */
struct responder	*responder_new(const struct responder_ops *,
			    const struct conf_node *, struct diag *);
void			 responder_free(struct responder *);
/*
 * ops->apply on the blocks of v that r->guard allows: every backend goes
 * through this, so a protected address never reaches a firewall. -1 with
 * e naming the first refused block (the rest applied), or the backend's
 * error.
 */
int			 responder_apply(struct responder *,
			    const struct resp_block *, size_t n, struct err *);
/*
 * 1 if s is a firewall object name redress may use (table, set, chain):
 * 1 to max characters of letters, digits, '_' and '-'.
 */
int			 responder_name_ok(const char *s, size_t max);

/*
 * Every backend mapping also holds "type:" and an optional "name:"; a
 * backend whose priv starts with struct resp_common puts
 * RESP_COMMON_FIELDS(its priv type) first in its conf_field table so that
 * conf_apply accepts them.
 */
struct resp_common {
	const struct conf_node	*type, *name;
};
#define RESP_COMMON_FIELDS(T)						\
	{ "type", CK_NODE, offsetof(T, common.type), NULL, 0, 0, NULL, 0 }, \
	{ "name", CK_NODE, offsetof(T, common.name), NULL, 0, 0, NULL, 0 }

#endif
