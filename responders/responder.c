/* SPDX-License-Identifier: MIT */
/*
 * The registry of containment backends: lookup by the YAML "type:" name,
 * creating/freeing a configured responder, and the one way to apply
 * blocks (the protected set checked again in front of every backend).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protect.h"
#include "responder.h"
#include "xmalloc.h"

static const struct responder_ops *const backends[] = {
	&resp_nftables, &resp_ipset, &resp_iptables, &resp_hostsdeny,
	&resp_exec, &resp_capture, &resp_lockacct, &resp_exabgp, NULL,
};

const struct responder_ops *
responder_lookup(const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; backends[i]; i++)
		if (strcmp(backends[i]->name, name) == 0)
			return backends[i];
	return NULL;
}

const char *
responder_names(void)
{
	return "nftables, ipset, iptables, hostsdeny, exec, capture, lockacct, "
	    "exabgp";
}

struct responder *
responder_new(const struct responder_ops *ops, const struct conf_node *map,
    struct diag *d)
{
	struct responder *r;
	const struct conf_node *n;

	r = xcalloc(1, sizeof(*r));
	r->ops = ops;
	r->conf = map;
	r->dry_out = stdout;
	n = map != NULL ? conf_get(map, "name") : NULL;
	strlcpy_r(r->name, n != NULL && n->type == CONF_SCALAR ? n->value :
	    ops->name, sizeof(r->name));
	if (ops->priv_size)
		r->priv = xcalloc(1, ops->priv_size);
	if (ops->configure != NULL && ops->configure(r, map, d) > 0) {
		responder_free(r);
		return NULL;
	}
	return r;
}

void
responder_free(struct responder *r)
{
	if (r == NULL)
		return;
	if (r->ops->release != NULL)
		r->ops->release(r);
	free(r->priv);
	free(r);
}

int
responder_name_ok(const char *s, size_t max)
{
	size_t i;

	if (s == NULL || s[0] == '\0' || strlen(s) > max)
		return 0;
	for (i = 0; s[i]; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' &&
		    s[i] != '-')
			return 0;
	return 1;
}

int
responder_apply(struct responder *r, const struct resp_block *v, size_t n,
    struct err *e)
{
	struct resp_block *ok;
	char why[PROTECT_WHY_LEN], first[PROTECT_WHY_LEN] = "";
	size_t i, m = 0;
	int rc;

	if (r->guard == NULL)
		return r->ops->apply(r, v, n, e);
	for (i = 0; i < n; i++)
		if (protect_check(r->guard, &v[i].net, why, sizeof(why)))
			break;
	if (i == n)
		return r->ops->apply(r, v, n, e);
	ok = xcalloc(n, sizeof(*ok));
	for (i = 0; i < n; i++) {
		if (!protect_check(r->guard, &v[i].net, why, sizeof(why))) {
			ok[m++] = v[i];
			continue;
		}
		if (first[0] == '\0')
			snprintf(first, sizeof(first), "%s", why);
	}
	rc = m ? r->ops->apply(r, ok, m, e) : 0;
	free(ok);
	if (rc < 0)
		return -1;
	return err_set(e, "%s: refused: %s", r->name, first);
}
