/* SPDX-License-Identifier: MIT */
/*
 * The resolver executor: in its background thread, takes pending "report"
 * decisions addressed to the source network, and for each target address
 * without a fresh cached contact runs the resolver chain and stores the
 * contact for the network range. It never marks a decision done: the
 * reporter does that once it sees the contact. An address whose lookup
 * failed (no answer) is retried after resolver.retry_after, one a registry
 * rate-limited when its back-off ends.
 */
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "contact.h"
#include "executor.h"
#include "log.h"
#include "resolver.h"
#include "status.h"
#include "store_policy.h"
#include "xmalloc.h"

#define RETRY_SLOTS	256

struct retry {
	struct addr	a;
	int64_t		until_usec;
};

struct rpriv {
	struct resolver	*r;
	struct retry	 retry[RETRY_SLOTS];
	size_t		 next;
};

struct targets {
	struct addr	*v;
	size_t		 n;
};

static int
collect(void *arg, const struct decision_row *d)
{
	struct targets	*t = arg;
	struct addr	 a;
	size_t		 i;

	if (strcmp(d->recipient, RECIPIENT_SOURCE) != 0)
		return 0;
	if (addr_parse(d->target, &a) == -1) {
		struct cidr c;

		/* A prefix target: resolve its network address. */
		if (cidr_parse(d->target, &c) == -1)
			return 0;
		a = c.net;
	}
	for (i = 0; i < t->n; i++)
		if (addr_cmp(&t->v[i], &a) == 0)
			return 0;
	t->v = xreallocarray(t->v, t->n + 1, sizeof(*t->v));
	t->v[t->n++] = a;
	return 0;
}

static const struct resolver_conf *
conf_of(const struct executor *ex)
{
	return ex->cfg != NULL && ex->cfg->resolver != NULL ?
	    ex->cfg->resolver : resolver_conf_default();
}

static int
resolver_start(struct executor *ex, struct store *st, struct err *e)
{
	struct rpriv *p = ex->priv;

	(void)st;
	(void)e;
	p->r = resolver_new(conf_of(ex));
	return 0;
}

static int
retry_blocked(struct rpriv *p, const struct addr *a, int64_t now)
{
	size_t i;

	for (i = 0; i < RETRY_SLOTS; i++)
		if (p->retry[i].until_usec > now &&
		    addr_cmp(&p->retry[i].a, a) == 0)
			return 1;
	return 0;
}

static int
resolver_run(struct executor *ex, struct store *st, int64_t now,
    struct err *e)
{
	struct rpriv		*p = ex->priv;
	const struct resolver_conf *rc = conf_of(ex);
	struct targets		 t = { NULL, 0 };
	size_t			 i;
	int			 n = 0;

	if (!rc->enabled)
		return 0;
	if (store_decision_pending(st, DECISION_REPORT, 500, collect, &t,
	    e) < 0)
		return -1;
	for (i = 0; i < t.n && !executor_stopping(ex); i++) {
		struct contact	c;
		struct err	e2 = { "", 0 };
		char		as[ADDR_STRLEN];
		int		rv;

		addr_format(&t.v[i], as, sizeof(as));
		rv = store_contact_lookup(st, &t.v[i], &c, &e2);
		if (rv >= 0)
			status_resolver_note(rv == 1);
		contact_clear(&c);
		if (rv == 1)
			continue;	/* fresh: cached for its range */
		if (rv == -1) {
			log_warnx("resolver: %s: %s", as, e2.msg);
			continue;
		}
		if (retry_blocked(p, &t.v[i], now))
			continue;
		rv = resolve_cached(p->r, st, &t.v[i], 1, &c, &e2);
		if (rv == -1) {
			/* A registry's back-off, else retry_after. */
			int64_t wait = resolver_retry_after_s(p->r);

			if (wait <= 0)
				wait = rc->retry_s;
			log_warnx("resolver: %s: %s (retry in %lld s)", as,
			    e2.msg, (long long)wait);
			p->retry[p->next].a = t.v[i];
			p->retry[p->next].until_usec = now + wait * 1000000;
			p->next = (p->next + 1) % RETRY_SLOTS;
		} else {
			log_info("resolver: %s: %s%s%s (%s)", as,
			    c.naddrs ? c.addrs[0].email : "no contact",
			    c.network_name[0] ? " network " : "",
			    c.network_name, c.range);
			n++;
		}
		contact_clear(&c);
	}
	free(t.v);
	return n;
}

static void
resolver_stop(struct executor *ex)
{
	struct rpriv *p = ex->priv;

	resolver_free(p->r);
	p->r = NULL;
}

const struct executor_ops executor_resolver = {
	.name = "resolver",
	.priv_size = sizeof(struct rpriv),
	.inline_after_commit = 0,
	.interval_ms = 2000,
	.start = resolver_start,
	.run = resolver_run,
	.stop = resolver_stop,
};
