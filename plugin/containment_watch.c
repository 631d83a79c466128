/* SPDX-License-Identifier: MIT */
/*
 * The intruder coming back: the accounts a responder locked (the store's
 * notes say which, so a restart keeps watching) are checked by the
 * responder's watch; each remote address a session or connection of
 * one comes from is contained for the incident that locked it, through
 * the normal decision path and its checks. And the report to our own
 * team for incidents whose accounts were locked or came back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "containment_watch.h"
#include "log.h"
#include "protect.h"
#include "report.h"
#include "responder.h"
#include "store_block.h"
#include "store_note.h"
#include "store_policy.h"
#include "xmalloc.h"

struct locked {
	struct resp_watch	*v;
	size_t			 n, cap;
};

static int
locked_cb(void *arg, const struct note_row *nr)
{
	struct locked *l = arg;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	memset(&l->v[l->n], 0, sizeof(l->v[0]));
	l->v[l->n].incident_id = nr->incident_id;
	strlcpy_r(l->v[l->n].user, nr->subject, sizeof(l->v[0].user));
	l->n++;
	return 0;
}

static void
back_cb(void *arg, const struct responder *r, int64_t incident_id,
    const char *user, const struct addr *from)
{
	struct cwatch		*w = arg;
	struct cwatch_back	*b;

	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 8;
		w->v = xreallocarray(w->v, w->cap, sizeof(*w->v));
	}
	b = &w->v[w->n++];
	memset(b, 0, sizeof(*b));
	b->incident_id = incident_id;
	strlcpy_r(b->source, r->name, sizeof(b->source));
	strlcpy_r(b->user, user, sizeof(b->user));
	if (from != NULL) {
		b->from = *from;
		b->has_from = 1;
	}
}

int
cwatch_run(struct responder *r, struct store *st, struct cwatch *w,
    struct err *e)
{
	struct locked	l = { NULL, 0, 0 };
	int		rc = 0;

	if (r->ops->watch == NULL || r->dry_run)
		return 0;
	if (store_note_locked(st, r->name, locked_cb, &l, e) == -1)
		return -1;
	if (l.n > 0)
		rc = r->ops->watch(r, l.v, l.n, back_cb, w, e);
	free(l.v);
	return rc;
}

int
cwatch_decide(const struct cwatch *w, struct protect *guard,
    struct store *st, int64_t now, struct err *e)
{
	struct decision_row	 d;
	struct cidr		 net;
	char			 a[CIDR_STRLEN], why[PROTECT_WHY_LEN], t[512];
	char			 ad[ADDR_STRLEN];
	size_t			 i;
	int			 act;

	for (i = 0; i < w->n; i++) {
		const struct cwatch_back *b = &w->v[i];

		if (!b->has_from)
			continue;
		net.net = b->from;
		net.len = addr_maxlen(&b->from);
		cidr_format(&net, a, sizeof(a));
		addr_format(&b->from, ad, sizeof(ad));
		why[0] = '\0';
		if (guard != NULL && protect_check(guard, &net, why,
		    sizeof(why))) {
			log_warnx("block refused addr=%s reason=whitelisted "
			    "incident=%lld why=\"%s\" (%s came back)", ad,
			    (long long)b->incident_id, why, b->user);
			snprintf(t, sizeof(t), "%s not blocked: our own side "
			    "(%s)", ad, why);
			if (store_note_add(st, b->incident_id, b->source,
			    b->user, t, e) < 0)
				return -1;
			continue;
		}
		if ((act = store_block_active(st, a, now, NULL, e)) < 0)
			return -1;
		if (act)
			continue;
		memset(&d, 0, sizeof(d));
		d.incident_id = b->incident_id;
		strlcpy_r(d.action, DECISION_CONTAIN, sizeof(d.action));
		strlcpy_r(d.target, ad, sizeof(d.target));
		snprintf(d.reason, sizeof(d.reason), "%s came back from %s",
		    b->user, ad);
		d.event_usec = now;
		if (store_decision_insert(st, &d, e) < 0)
			return -1;
		log_info("containment: %s came back from %s incident=%lld: "
		    "contained", b->user, ad, (long long)b->incident_id);
	}
	return 0;
}

void
cwatch_free(struct cwatch *w)
{
	free(w->v);
	memset(w, 0, sizeof(*w));
}

/* Whether an internal report decision of the incident is still pending. */
static int
pending_internal(void *arg, const struct decision_row *d)
{
	int *found = arg;

	if (strcmp(d->action, DECISION_REPORT) == 0 &&
	    strcmp(d->recipient, RECIPIENT_INTERNAL) == 0 &&
	    strcmp(d->state, DECISION_PENDING) == 0)
		*found = 1;
	return 0;
}

int
cwatch_team_reports(const struct config *cfg, struct store *st,
    const int64_t *ids, size_t n, struct err *e)
{
	struct decision_row	d;
	struct incident_row	in;
	size_t			i, j;
	int			found, rc;

	if (cfg == NULL || cfg->reports == NULL ||
	    cfg->reports->team_address == NULL ||
	    cfg->reports->team_address[0] == '\0')
		return 0;
	for (i = 0; i < n; i++) {
		for (j = 0; j < i && ids[j] != ids[i]; j++)
			;
		if (j < i || ids[i] <= 0)
			continue;	/* said already, or no incident */
		found = 0;
		if (store_decision_list_incident(st, ids[i], pending_internal,
		    &found, e) < 0)
			return -1;
		if (found)
			continue;
		memset(&in, 0, sizeof(in));
		if ((rc = store_incident_get(st, ids[i], &in, e)) < 0)
			return -1;
		if (rc == 0)
			continue;
		memset(&d, 0, sizeof(d));
		d.incident_id = ids[i];
		strlcpy_r(d.action, DECISION_REPORT, sizeof(d.action));
		strlcpy_r(d.target, in.src, sizeof(d.target));
		strlcpy_r(d.recipient, RECIPIENT_INTERNAL,
		    sizeof(d.recipient));
		strlcpy_r(d.reason, "local accounts locked", sizeof(d.reason));
		d.event_usec = in.last_usec;
		incident_row_clear(&in);
		if (store_decision_insert(st, &d, e) < 0)
			return -1;
	}
	return 0;
}
