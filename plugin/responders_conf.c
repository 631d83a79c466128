/* SPDX-License-Identifier: MIT */
/*
 * The "responders:" section: the executor's keys and the list of backends,
 * each checked by its own configure(); every problem with file:line:col.
 *
 *   responders:
 *     cap_per_minute: 600
 *     repeat_factor: 2
 *     max_duration: 1w
 *     default_duration: 1h
 *     reconcile_interval: 5m
 *     backends:
 *       - type: nftables
 *
 * A plain list (responders: [- type: nftables]) takes the defaults.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config_sections.h"
#include "responder.h"
#include "responders_conf.h"
#include "xmalloc.h"

#define R(f)	offsetof(struct responders_conf, f)
static const struct conf_field responders_fields[] = {
	{ "cap_per_minute", CK_INT, R(cap_per_minute), "600", 1, 1000000,
	    NULL, 0 },
	{ "repeat_factor", CK_INT, R(repeat_factor), "2", 1, 100, NULL, 0 },
	{ "max_duration", CK_SECONDS, R(max_duration), "1w", 0, 0, NULL, 0 },
	{ "default_duration", CK_SECONDS, R(default_duration), "1h", 0, 0,
	    NULL, 0 },
	{ "reconcile_interval", CK_SECONDS, R(reconcile_interval), "5m", 0, 0,
	    NULL, 0 },
	{ "expire_interval", CK_SECONDS, R(expire_interval), "1s", 0, 0, NULL,
	    0 },
	{ "backends", CK_NODE, R(backends), NULL, 0, 0, NULL, 0 },
	{ NULL, 0, 0, NULL, 0, 0, NULL, 0 },
};
#undef R

struct responders_conf *
responders_conf_defaults(void)
{
	struct responders_conf *rc = xcalloc(1, sizeof(*rc));
	struct diag d;

	diag_init(&d);
	conf_apply(NULL, responders_fields, rc, &d);
	diag_clear(&d);
	return rc;
}

int64_t
responders_escalate(const struct responders_conf *rc, int64_t base, int n)
{
	int64_t cap = rc->max_duration > 0 ? rc->max_duration : INT64_MAX;
	int64_t d;
	int i;

	if (base <= 0)
		base = rc->default_duration;
	if (base >= cap)
		return base;	/* asked for explicitly: never shortened */
	d = base;
	for (i = 0; i < n && d < cap; i++) {
		if (d > cap / rc->repeat_factor)
			return cap;
		d *= rc->repeat_factor;
	}
	return d > cap ? cap : d;
}

static void
load_backends(struct responders_conf *rc, const struct conf_node *seq,
    struct diag *d)
{
	const struct conf_node *c, *t;
	const struct responder_ops *ops;
	struct responder *r;
	size_t i;

	if (seq->type == CONF_SCALAR && seq->value[0] == '\0')
		return;
	if (seq->type != CONF_SEQ) {
		conf_error(d, seq, "expected a list of backends "
		    "(- type: nftables ...)");
		return;
	}
	rc->v = xcalloc(conf_count(seq) + 1, sizeof(*rc->v));
	for (c = seq->child; c; c = c->next) {
		if (c->type != CONF_MAP) {
			conf_error(d, c, "expected a mapping with type:");
			continue;
		}
		t = conf_get(c, "type");
		if (t == NULL || t->type != CONF_SCALAR) {
			conf_error(d, t ? t : c, "type: missing (one of %s)",
			    responder_names());
			continue;
		}
		if ((ops = responder_lookup(t->value)) == NULL) {
			conf_error(d, t, "unknown responder type \"%s\" "
			    "(one of %s)", t->value, responder_names());
			continue;
		}
		if ((r = responder_new(ops, c, d)) == NULL)
			continue;
		for (i = 0; i < rc->n; i++)
			if (strcmp(rc->v[i]->name, r->name) == 0)
				break;
		if (i < rc->n) {
			conf_error(d, c, "a second responder named \"%s\"; "
			    "give each a different name:", r->name);
			responder_free(r);
			continue;
		}
		rc->v[rc->n++] = r;
	}
}

void
responders_conf_load(struct config *cfg, const struct conf_node *n,
    struct diag *d)
{
	struct responders_conf *rc = xcalloc(1, sizeof(*rc));

	cfg->responders = rc;
	if (n != NULL && n->type == CONF_SEQ) {
		conf_apply(NULL, responders_fields, rc, d);
		rc->backends = n;
	} else if (n != NULL && n->type == CONF_SCALAR && n->value[0] == '\0')
		conf_apply(NULL, responders_fields, rc, d);
	else if (n != NULL && n->type != CONF_MAP) {
		conf_error(d, n, "expected a list of backends or a mapping "
		    "with backends:");
		conf_apply(NULL, responders_fields, rc, d);
	} else
		conf_apply(n, responders_fields, rc, d);
	if (rc->max_duration > 0 && rc->default_duration > rc->max_duration)
		conf_error(d, n, "default_duration is longer than "
		    "max_duration");
	if (rc->backends != NULL)
		load_backends(rc, rc->backends, d);
}

void
responders_conf_release(struct responders_conf *rc)
{
	size_t i;

	if (rc == NULL)
		return;
	for (i = 0; i < rc->n; i++)
		responder_free(rc->v[i]);
	free(rc->v);
	conf_release(responders_fields, rc);
	free(rc);
}

void
responders_conf_free(struct config *cfg)
{
	responders_conf_release(cfg->responders);
	cfg->responders = NULL;
}
