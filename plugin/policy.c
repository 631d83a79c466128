/* SPDX-License-Identifier: MIT */
/*
 * The decision engine: suppression, whitelist, optional sensor
 * thresholds, incident aggregation and classification, redress's own
 * threshold rules (rate_filter new_action contain/report/ignore, gated by
 * threshold/event_filter) on event time, the default policies and prefix
 * widening. Incidents close on the event clock (the latest event time
 * fed; policy_clock_idle moves it on for a quiet sensor), so that the
 * daemon and a replay of the same lines make the same incidents. Per-key
 * state lives in bounded trackers; policy_state.c saves it for a restart,
 * policy_rules.c holds the rule lists.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "log.h"
#include "policy_int.h"
#include "protect.h"
#include "whitelist.h"
#include "xmalloc.h"

static void
inc_evicted(void *arg, const void *key, size_t keylen, void *value)
{
	struct policy *p = arg;
	struct inc_state *s = value;
	struct incident_row r;

	if (p->evicting && s->id && (s->flags & INC_F_DIRTY)) {
		/* A written incident leaves memory: bring its row up to
		 * date; an error surfaces from the next policy_feed. */
		incident_row_fill(&r, s, policy_inc_state_name(s, 0));
		store_incident_update(p->st, &r, &p->evict_err);
		incident_row_clear(&r);
	}
	if (p->evicting)
		policy_forget_saved(p, key, keylen, s, &p->evict_err);
	if (s->pending) {
		p->pending_bytes -= strlen(s->pending) + 1;
		free(s->pending);
		s->pending = NULL;
	}
}

static int
in_home(const struct policy *p, const struct addr *a)
{
	size_t i;

	for (i = 0; i < p->pc->home_net.n; i++)
		if (cidr_contains(&p->pc->home_net.v[i], a))
			return 1;
	return 0;
}

static const char *
alert_to_json(struct policy *p, const struct alert *a)
{
	size_t n = alert_json(a, p->buf, p->buflen);

	if (n >= p->buflen) {
		p->buflen = n + 1024;
		p->buf = xreallocarray(p->buf, p->buflen, 1);
		alert_json(a, p->buf, p->buflen);
	}
	return p->buf;
}

/* ---------------------------------------------------------------- store */

const char *
policy_inc_state_name(const struct inc_state *s, int closing)
{
	if (s->flags & INC_F_CONTAINED)
		return INCIDENT_STATE_CONTAINED;
	return closing ? INCIDENT_STATE_CLOSED : INCIDENT_STATE_OPEN;
}

static void
emit_incident(struct policy *p, const struct incident_row *r,
    const struct policy_sink *sink)
{
	char *j;

	(void)p;
	if (sink == NULL || sink->incident == NULL)
		return;
	j = incident_json(r);
	sink->incident(sink->arg, r, j);
	free(j);
}

/* Writes (inserting the first time) the incident row. */
int
policy_inc_write(struct policy *p, struct inc_state *s, int closing,
    const struct policy_sink *sink, struct err *e)
{
	struct incident_row r;
	struct evidence_row ev;
	int rc;

	incident_row_fill(&r, s, policy_inc_state_name(s, closing));
	if (s->id == 0) {
		rc = store_incident_insert(p->st, &r, e);
		s->id = r.id;
		if (rc == 0 && s->pending) {
			memset(&ev, 0, sizeof(ev));
			ev.incident_id = s->id;
			ev.ts_usec = s->first_usec;
			ev.alert_json = s->pending;
			rc = store_evidence_add(p->st, &ev, e);
			s->evidence++;
		}
		if (s->pending) {
			p->pending_bytes -= strlen(s->pending) + 1;
			free(s->pending);
			s->pending = NULL;
		}
	} else
		rc = store_incident_update(p->st, &r, e);
	if (rc == 0) {
		s->flags &= ~INC_F_DIRTY;
		emit_incident(p, &r, sink);
	}
	incident_row_clear(&r);
	return rc;
}

static int
decide(struct policy *p, struct inc_state *s, const char *action,
    const char *target, const char *recipient, int64_t duration,
    int64_t event_usec, const char *reason, const struct policy_sink *sink,
    struct err *e)
{
	struct decision_row d;
	json_t *o;
	char *j;

	if (s->id == 0 || (s->flags & INC_F_DIRTY)) {
		if (strcmp(action, DECISION_CONTAIN) == 0)
			s->flags |= INC_F_CONTAINED;
		if (policy_inc_write(p, s, 0, sink, e) < 0)
			return -1;
	}
	memset(&d, 0, sizeof(d));
	d.incident_id = s->id;
	strlcpy_r(d.action, action, sizeof(d.action));
	strlcpy_r(d.target, target, sizeof(d.target));
	d.duration_s = duration;
	strlcpy_r(d.reason, reason, sizeof(d.reason));
	strlcpy_r(d.recipient, recipient ? recipient : "",
	    sizeof(d.recipient));
	d.event_usec = event_usec;
	if (store_decision_insert(p->st, &d, e) < 0)
		return -1;
	if (strcmp(action, DECISION_CONTAIN) == 0)
		p->contains++;
	if (sink && sink->decision) {
		o = json_object();
		json_object_set_new(o, "type", json_string("decision"));
		json_object_set_new(o, "id", json_integer(d.id));
		json_object_set_new(o, "incident_id",
		    json_integer(d.incident_id));
		json_object_set_new(o, "action", json_string(d.action));
		json_object_set_new(o, "target", json_string(d.target));
		if (recipient == NULL)
			json_object_set_new(o, "duration",
			    json_integer(d.duration_s));
		else
			json_object_set_new(o, "recipient",
			    json_string(d.recipient));
		json_object_set_new(o, "reason", json_string(d.reason));
		j = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
		json_decref(o);
		if (j == NULL)
			fatalx("policy: out of memory");
		sink->decision(sink->arg, &d, j);
		free(j);
	}
	return 0;
}

/* --------------------------------------------------------------- gates */

static int
quiet_probe(const struct policy *p, const struct inc_state *s)
{
	size_t i;

	if (s->proto == 1 || s->proto == 58) {
		/* ICMP echo request: the port field carries the type. */
		if (p->pc->report_icmp_echo)
			return 0;
		return s->flags & INC_F_UNREPORTABLE_PROBE;
	}
	if (s->nports != 1 || s->ports_over)
		return 0;
	for (i = 0; i < p->pc->nquiet; i++)
		if (s->ports[0].port == p->pc->quiet_ports[i])
			return 1;
	return 0;
}

/* Report target and recipient, or NULL with why in *why. */
static const char *
report_allowed(struct policy *p, const struct inc_state *s, char *target,
    size_t tlen, const char **why)
{
	if (s->kind == INCIDENT_DOS) {
		addr_format(&s->dst, target, tlen);
		return RECIPIENT_UPSTREAM;
	}
	addr_format(&s->src, target, tlen);
	if (s->kind == INCIDENT_COMPROMISE)
		return RECIPIENT_INTERNAL;
	if (addr_is_private(&s->src) || addr_is_special(&s->src)) {
		*why = "private source";
		return NULL;
	}
	if (p->pc->require_handshake && s->proto == 6 &&
	    !(s->flags & INC_F_ESTABLISHED)) {
		*why = "no completed handshake";
		return NULL;
	}
	if (s->kind == INCIDENT_PROBE && quiet_probe(p, s)) {
		*why = "quiet probe";
		return NULL;
	}
	return RECIPIENT_SOURCE;
}

/* 1 if a is our own side (protect.c), said at debug level. */
static int
protect_src(struct policy *p, const struct addr *a)
{
	struct cidr c;
	char why[PROTECT_WHY_LEN];

	if (cidr_from_addr(&c, a, addr_maxlen(a)) < 0 ||
	    !protect_check(p->guard, &c, why, sizeof(why)))
		return 0;
	log_debug("policy: not containing: %s", why);
	return 1;
}

static int
contain_allowed(struct policy *p, const struct inc_state *s)
{
	if (s->kind == INCIDENT_DOS || s->kind == INCIDENT_COMPROMISE)
		return 0;
	if (addr_is_special(&s->src))
		return 0;
	if (protect_src(p, &s->src))
		return 0;
	if (addr_is_private(&s->src) && !p->pc->contain_private)
		return 0;
	if (s->proto == 6 && !(s->flags & INC_F_ESTABLISHED) &&
	    !p->pc->contain_unestablished)
		return 0;
	return 1;
}

static uint32_t
addr_hash(const struct addr *a)
{
	uint32_t h = 2166136261u;
	int i;

	for (i = 0; i < 16; i++) {
		h ^= a->a[i];
		h *= 16777619u;
	}
	return h;
}

/* After containing s->src: contain its prefix once K sources are. */
static int
widen(struct policy *p, struct inc_state *s, int64_t now,
    const struct policy_sink *sink, struct err *e)
{
	const struct policy_conf *pc = p->pc;
	struct widen_val *w;
	struct cidr c;
	uint8_t key[TRACKER_KEY_MAX];
	uint32_t h = addr_hash(&s->src);
	long long k = pc->widen_sources;
	unsigned len;
	char pfx[CIDR_STRLEN], reason[256], why[PROTECT_WHY_LEN];
	int fresh, i;

	if (k <= 0)
		return 0;
	if (k > WIDEN_MAX)
		k = WIDEN_MAX;
	len = (unsigned)(addr_is_v4(&s->src) ? pc->widen_prefix4 :
	    pc->widen_prefix6);
	if (cidr_from_addr(&c, &s->src, len) < 0)
		return 0;
	key[0] = 'P';
	memcpy(key + 1, c.net.a, 16);
	key[17] = c.len;
	w = tracker_get(p->wide, key, 18, &fresh);
	if (fresh || now - w->t0_usec > pc->widen_window * 1000000) {
		uint8_t saved = w->saved;

		memset(w, 0, sizeof(*w));
		w->t0_usec = now;
		w->saved = saved;
	}
	policy_list_changed(p, 'P', key, 18, &w->listed);
	if (w->done)
		return 0;
	for (i = 0; i < w->n; i++)
		if (w->h[i] == h)
			return 0;
	if (w->n < WIDEN_MAX)
		w->h[w->n++] = h;
	if (w->n < k)
		return 0;
	w->done = 1;
	/* Never over a protected address: narrower, or not at all. */
	if (!protect_widest(p->guard, &s->src, &c, why, sizeof(why))) {
		log_info("policy: not widening around %s: %s",
		    addr_format(&s->src, pfx, sizeof(pfx)), why);
		return 0;
	}
	cidr_format(&c, pfx, sizeof(pfx));
	snprintf(reason, sizeof(reason), "%d sources from %s contained "
	    "within %llds%s%.120s%s", w->n, pfx, (long long)pc->widen_window,
	    why[0] ? " (narrowed: " : "", why, why[0] ? ")" : "");
	return decide(p, s, DECISION_CONTAIN, pfx, NULL, pc->contain_duration,
	    now, reason, sink, e);
}

/* ------------------------------------------------------------- closing */

/*
 * 1 if dst is the target of a DoS incident: one-off probes hitting it
 * from many sources are part of the flood and probably spoofed.
 */
static int
dos_target(const struct policy *p, const struct addr *dst)
{
	const struct inc_state *d;
	uint8_t k[17];

	k[0] = 'D';
	memcpy(k + 1, dst->a, 16);
	d = tracker_find(p->inc, k, sizeof(k));
	return d != NULL && (d->alerts >= DOS_GUARD_ALERTS ||
	    (d->flags & INC_F_REPORTED));
}

/* A probe is only known to be single when its incident closes. */
static int
close_probe(struct policy *p, struct inc_state *s, struct err *e)
{
	const struct thr_rule *r;
	const char *rcpt, *why = NULL;
	char target[CIDR_STRLEN], reason[256];
	size_t i;

	if (s->kind != INCIDENT_PROBE || (s->flags & INC_F_REPORTED))
		return 0;
	for (i = 0; i < p->pc->rules.n; i++) {
		r = &p->pc->rules.v[i];
		if (r->dir == THR_RATE_FILTER && r->sel == THR_SEL_KIND &&
		    r->new_action == THR_ACT_REPORT &&
		    strcmp(r->name, "probe") == 0 &&
		    s->alerts > (int64_t)r->count)
			break;
	}
	if (i == p->pc->rules.n)
		return 0;
	if (dos_target(p, &s->dst))
		return 0;	/* counted toward the DoS, probably spoofed */
	if ((rcpt = report_allowed(p, s, target, sizeof(target), &why)) ==
	    NULL)
		return 0;
	snprintf(reason, sizeof(reason), "probe: %lld alert%s to one port "
	    "(rule line %d)", (long long)s->alerts, s->alerts == 1 ? "" : "s",
	    r->line);
	s->flags |= INC_F_REPORTED;
	return decide(p, s, DECISION_REPORT, target, rcpt, 0, s->last_usec,
	    reason, p->cb_sink, e);
}

/* Closes the incident s of key: its last decisions, row and saved state. */
static int
close_incident(struct policy *p, const void *key, size_t keylen,
    struct inc_state *s, const struct policy_sink *sink, struct err *e)
{
	const struct policy_sink *saved = p->cb_sink;
	int rc = 0;

	p->cb_sink = sink;
	if (close_probe(p, s, e) < 0 ||
	    ((s->id || s->alerts >= 2) &&
	    policy_inc_write(p, s, 1, sink, e) < 0) ||
	    policy_forget_saved(p, key, keylen, s, e) < 0)
		rc = -1;
	p->cb_sink = saved;
	if (rc < 0)
		return -1;
	inc_evicted(p, key, keylen, s);
	tracker_del(p->inc, key, keylen);
	return 0;
}

/* Idle longer than incident_timeout at event time now? */
static int
inc_idle(const struct policy *p, const struct inc_state *s, int64_t now)
{
	return s->last_usec + p->pc->incident_timeout * 1000000 < now;
}

/* ---------------------------------------------------------------- feed */

int
policy_feed(struct policy *p, const struct alert *a,
    const struct policy_sink *sink, struct err *e)
{
	const struct policy_conf *pc = p->pc;
	const struct thr_rule *r;
	const char *classtype, *rcpt, *why = NULL;
	struct inc_state *s;
	struct win_val *w;
	enum incident_kind ak, kind, guess;
	uint8_t key[TRACKER_KEY_MAX], ikey[17];
	char target[CIDR_STRLEN], reason[256];
	size_t i, j, n;
	int fresh, outbound, gate = 1, ignore = 0, want_contain = 0,
	    want_report = 0, changed;
	const struct thr_rule *crule = NULL, *rrule = NULL;

	if (a->src.family == 0 || a->dst.family == 0)
		return 0;
	if (a->ts_usec > p->clock) {
		p->clock = a->ts_usec;
		p->clock_wall = 0;	/* read now: policy_clock_idle says when */
		p->clock_moved = 1;
	}
	classtype = incident_classtype(a->category);
	outbound = in_home(p, &a->src) && !in_home(p, &a->dst);
	ak = incident_alert_kind(&pc->map, a, classtype, outbound);
	/* Suppression first: sid, classtype, or the alert's own kind. */
	for (j = 0; j < p->nsupp; j++) {
		i = p->supp[j];
		r = &pc->rules.v[i];
		if (policy_rule_selects(p, i, a, classtype, ak) &&
		    thr_suppressed(r, &a->src, &a->dst))
			return 0;
	}
	if (pc->apply_sensor_thresholds && pc->sensor_rules.n &&
	    !policy_sensor_filter(p, a))
		return 0;
	if (ak != INCIDENT_DOS && whitelist_contains(pc->wl, &a->src))
		return 0;
	if (ak == INCIDENT_DOS && whitelist_contains(pc->wl, &a->dst))
		return 0;

	ikey[0] = ak == INCIDENT_DOS ? 'D' : 'S';
	memcpy(ikey + 1, ak == INCIDENT_DOS ? a->dst.a : a->src.a, 16);
	p->evicting = 1;
	s = tracker_get(p->inc, ikey, sizeof(ikey), &fresh);
	if (!fresh && inc_idle(p, s, a->ts_usec)) {
		/*
		 * Back after more than incident_timeout of event time: the
		 * old incident closes here as policy_flush would have closed
		 * it, whenever (and whether) it ran; a new one starts.
		 */
		p->evicting = 0;
		if (close_incident(p, ikey, sizeof(ikey), s, sink, e) < 0)
			return -1;
		p->evicting = 1;
		s = tracker_get(p->inc, ikey, sizeof(ikey), &fresh);
	}
	p->evicting = 0;
	if (p->evict_err.set) {
		err_set(e, "%s", p->evict_err.msg);
		err_clear(&p->evict_err);
		return -1;
	}
	if (fresh) {
		s->src = a->src;
		s->dst = a->dst;
		if (ak == INCIDENT_COMPROMISE)
			s->flags |= INC_F_INTERNAL;
	}
	policy_list_changed_inc(p, s, ikey);
	if ((a->proto == 1 && a->sport == 8) ||
	    (a->proto == 58 && a->sport == 128))
		s->flags |= INC_F_UNREPORTABLE_PROBE;
	/*
	 * Start fetching the windows of the rules that select the alert as
	 * its incident's kind so far, while the incident is counted.
	 */
	guess = fresh ? ak : (enum incident_kind)s->kind;
	for (j = 0; j < p->nklist[guess]; j++) {
		i = p->klist[guess][j];
		if (p->stateless[i] ||
		    !policy_rule_selects(p, i, a, classtype, guess))
			continue;
		n = policy_track_key(&pc->rules.v[i], 'W', i, a, key);
		tracker_prefetch(p->win, key, n, 0, 0);
	}
	if (s->id && !(s->flags & INC_F_DIRTY)) {
		if (p->ndirty == p->dirtycap) {
			p->dirtycap = p->dirtycap ? p->dirtycap * 2 : 256;
			p->dirty = xreallocarray(p->dirty, p->dirtycap,
			    sizeof(*p->dirty));
		}
		memcpy(p->dirty[p->ndirty++], ikey, sizeof(ikey));
	}
	incident_add(s, &pc->map, a, classtype);
	kind = incident_classify(s, &pc->map, ak);
	changed = kind != (enum incident_kind)s->kind && s->alerts > 1;
	s->kind = (uint8_t)kind;
	if (ak == INCIDENT_COMPROMISE)
		s->flags |= INC_F_INTERNAL;

	/* Evidence: the first N alerts of each incident, then the last M
	 * (held by the store until the commit). */
	if (!p->no_evidence && s->id && (s->evidence < pc->evidence_max ||
	    store_evidence_want(p->st, s->id, a->ts_usec))) {
		struct evidence_row ev = { 0 };

		ev.tail = s->evidence >= pc->evidence_max;
		ev.incident_id = s->id;
		ev.ts_usec = a->ts_usec;
		ev.alert_json = (char *)alert_to_json(p, a);
		ev.packet = (unsigned char *)a->packet;
		ev.packet_len = a->packet_len;
		ev.linktype = a->linktype;
		if (store_evidence_add(p->st, &ev, e) < 0)
			return -1;
		if (!ev.tail)
			s->evidence++;
	} else if (!p->no_evidence && s->id == 0 && s->pending == NULL &&
	    pc->evidence_max &&
	    p->pending_bytes < p->pending_cap) {
		const char *js = alert_to_json(p, a);

		s->pending = xstrdup(js);
		p->pending_bytes += strlen(js) + 1;
	}

	/* Own rules: threshold/event_filter gate, rate_filter decides. */
	for (j = 0; j < p->nklist[kind]; j++) {
		i = p->klist[kind][j];
		r = &pc->rules.v[i];
		if (!policy_rule_selects(p, i, a, classtype, kind))
			continue;
		if (p->stateless[i])
			w = NULL;
		else {
			n = policy_track_key(r, 'W', i, a, key);
			w = tracker_get(p->win, key, n, &fresh);
			if (fresh)
				w->rule_fp = p->rule_fp[i];
			policy_list_changed(p, 'W', key, n, &w->listed);
		}
		if (r->dir == THR_RATE_FILTER) {
			if (w && !thr_rate(r, p->eng, &w->st, fresh,
			    a->ts_usec))
				continue;
			if (r->new_action == THR_ACT_IGNORE)
				ignore = 1;
			else if (r->new_action == THR_ACT_CONTAIN &&
			    !want_contain) {
				want_contain = 1;
				crule = r;
			} else if (r->new_action == THR_ACT_REPORT &&
			    !want_report) {
				want_report = 1;
				rrule = r;
			}
		} else if (!thr_filter(r, p->eng, &w->st, fresh, a->ts_usec))
			gate = 0;
	}
	if (ignore || !gate)
		want_contain = want_report = 0;
	/* s stays put: only p->win grew since it was looked up. */
	if (want_contain && !(s->flags & INC_F_CONTAINED) &&
	    contain_allowed(p, s)) {
		addr_format(&s->src, target, sizeof(target));
		snprintf(reason, sizeof(reason), "%s from %s: %lld alert%s "
		    "(rule line %d)", incident_kind_name(kind), target,
		    (long long)s->alerts, s->alerts == 1 ? "" : "s",
		    crule->line);
		s->flags |= INC_F_CONTAINED | INC_F_DIRTY;
		if (decide(p, s, DECISION_CONTAIN, target, NULL,
		    pc->contain_duration, a->ts_usec, reason, sink, e) < 0)
			return -1;
		if (widen(p, s, a->ts_usec, sink, e) < 0)
			return -1;
		changed = 0;
	}
	if (want_report && !(s->flags & INC_F_REPORTED) &&
	    kind != INCIDENT_PROBE &&
	    (rcpt = report_allowed(p, s, target, sizeof(target), &why))) {
		snprintf(reason, sizeof(reason), "%s: %lld alert%s, %u host%s, "
		    "%u port%s (rule line %d)", incident_kind_name(kind),
		    (long long)s->alerts, s->alerts == 1 ? "" : "s",
		    incident_hosts(s), incident_hosts(s) == 1 ? "" : "s",
		    incident_ports(s), incident_ports(s) == 1 ? "" : "s",
		    rrule->line);
		s->flags |= INC_F_REPORTED;
		if (decide(p, s, DECISION_REPORT, target, rcpt, 0, a->ts_usec,
		    reason, sink, e) < 0)
			return -1;
		changed = 0;
	}
	if (changed && s->id)
		return policy_inc_write(p, s, 0, sink, e);
	return 0;
}

/*
 * Most alerts count under their source. The state of a few thousand
 * sources is out of the CPU cache after the parsing of each alert, and a
 * flood's is out of it anyway: fetch the bucket, then the incident.
 */
void
policy_prefetch(struct policy *p, const struct alert *a, int stage)
{
	uint8_t ikey[17];

	ikey[0] = 'S';
	memcpy(ikey + 1, a->src.a, 16);
	tracker_prefetch(p->inc, ikey, sizeof(ikey), stage,
	    sizeof(struct inc_state));
}

/* --------------------------------------------------------------- flush */

static int
flush_one(void *arg, const void *key, size_t keylen, void *value)
{
	struct policy *p = arg;
	struct inc_state *s = value;

	if (((const uint8_t *)key)[0] != p->cb_pass)
		return 0;
	if (!p->cb_final && !inc_idle(p, s, p->cb_now))
		return 0;
	if (close_incident(p, key, keylen, s, p->cb_sink, p->cb_err) < 0) {
		p->cb_rc = -1;
		return 1;
	}
	return 0;
}

int
policy_flush(struct policy *p, int64_t now_usec, int final,
    const struct policy_sink *sink, struct err *e)
{
	p->cb_err = e;
	p->cb_sink = sink;
	p->cb_now = now_usec;
	p->cb_final = final;
	p->cb_rc = 0;
	/* Sources first, while the DoS incidents they may belong to are
	 * still open. */
	p->cb_pass = 'S';
	tracker_each(p->inc, flush_one, p);
	p->cb_pass = 'D';
	if (p->cb_rc == 0)
		tracker_each(p->inc, flush_one, p);
	if (p->cb_rc < 0)
		return -1;
	/* The daemon saves what changed at each commit instead. */
	if (!final && p->persist && !p->save_changes &&
	    store_now_usec() - p->last_save >=
	    p->pc->state_save_interval * 1000000)
		return policy_state_save(p, 0, e);
	return 0;
}
/* ------------------------------------------------------------ lifetime */

struct policy *
policy_new(const struct config *cfg, struct store *st, struct err *e)
{
	struct policy *p = xcalloc(1, sizeof(*p));
	const char *fn;
	uint64_t cap;

	p->pc = cfg && cfg->policy ? cfg->policy : policy_conf_builtin();
	p->st = st;
	if (st != NULL && store_evidence_config(st, (size_t)p->pc->evidence_max,
	    (size_t)p->pc->evidence_last, p->pc->evidence_retention, e) < 0) {
		free(p);
		return NULL;
	}
	p->eng = (enum thr_engine)p->pc->engine;
	cap = p->pc->memcap ? p->pc->memcap : TRACKER_DEFAULT_CAP;
	/*
	 * Shares of the cap: incidents 3/8, windows 3/16, widening 1/32,
	 * first alerts waiting for their incident row 1/16; the rest is
	 * headroom for the growth of the tables (realloc copies) and the
	 * allocator, so that the process stays under the cap.
	 */
	p->inc = tracker_new(sizeof(struct inc_state), cap / 8 * 3,
	    inc_evicted, p);
	p->win = tracker_new(sizeof(struct win_val), cap / 16 * 3,
	    policy_win_evicted, p);
	p->wide = tracker_new(sizeof(struct widen_val), cap / 32,
	    policy_wide_evicted, p);
	p->guard = protect_new(cfg);
	p->pending_cap = cap / 16;
	policy_rules_build(p);
	p->buflen = 8192;
	p->buf = xmalloc(p->buflen);
	fn = sqlite3_db_filename(store_db(st), "main");
	p->persist = fn != NULL && fn[0] != '\0';
	if (p->persist && policy_state_load(p, e) < 0) {
		p->persist = 0;		/* keep what is saved */
		policy_free(p);
		return NULL;
	}
	p->last_save = store_now_usec();
	return p;
}

static int
free_pending(void *arg, const void *key, size_t keylen, void *value)
{
	inc_evicted(arg, key, keylen, value);
	return 0;
}

void
policy_free(struct policy *p)
{
	struct err e = { 0 };

	if (p == NULL)
		return;
	if (p->persist && policy_state_save(p, 1, &e) < 0)
		log_warnx("policy: saving state: %s", e.msg);
	tracker_each(p->inc, free_pending, p);
	tracker_free(p->inc);
	tracker_free(p->win);
	tracker_free(p->wide);
	protect_free(p->guard);
	policy_rules_free(p);
	free(p->dirty);
	free(p->changed);
	free(p->buf);
	free(p);
}

void
policy_keep_evidence(struct policy *p, int keep)
{
	p->no_evidence = !keep;
}

/* Tracker statistics for `redress replay` and the bench. */
void
policy_stats(const struct policy *p, struct tracker_stats *inc,
    struct tracker_stats *win)
{
	tracker_stats(p->inc, inc);
	tracker_stats(p->win, win);
}

/* ---------------------------------------------------------- the clock */

uint64_t
policy_contains(const struct policy *p)
{
	return p->contains;
}

int64_t
policy_clock(const struct policy *p)
{
	return p->clock;
}

/*
 * Every input is caught up: event time goes on with wall time from the
 * last event read (never backwards), so that a quiet sensor's incidents
 * still close on time. The first call after events were read notes when
 * (the daemon calls this each second: no clock read per alert). Nothing
 * moves before the first event.
 */
void
policy_clock_idle(struct policy *p, int64_t wall_usec)
{
	int64_t t;

	if (p->clock == 0)
		return;
	if (p->clock_wall == 0) {
		p->clock_wall = wall_usec;
		p->clock_moved = 1;
		return;
	}
	if (wall_usec <= p->clock_wall)
		return;
	t = p->clock + (wall_usec - p->clock_wall);
	if (t > p->clock) {
		p->clock = t;
		p->clock_wall = wall_usec;
		p->clock_moved = 1;
	}
}
