/* SPDX-License-Identifier: MIT */
/*
 * The decision engine: suppression, whitelist, optional sensor
 * thresholds, incident aggregation and classification, redress's own
 * threshold rules (rate_filter new_action contain/report/ignore, gated by
 * threshold/event_filter) on event time, the default policies and prefix
 * widening. Per-key state lives in bounded trackers and is saved to the
 * store so that a restart continues half-reached windows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "incident.h"
#include "log.h"
#include "policy.h"
#include "policy_conf.h"
#include "protect.h"
#include "threshold.h"
#include "tracker.h"
#include "whitelist.h"
#include "xmalloc.h"

#define STATE_VERSION	1
#define WIDEN_MAX	16
#define DOS_GUARD_ALERTS 100	/* DoS alerts that mark a flood target */

struct win_val {
	struct thr_state	st;
	uint8_t			listed;	/* on the changed list */
	uint32_t		rule_fp; /* rule_fp() of its rule, 0 unknown */
};

struct widen_val {
	int64_t		t0_usec;
	uint32_t	h[WIDEN_MAX];
	uint8_t		n;
	uint8_t		done;
	uint8_t		listed;
};

/* Saved blobs keep their size: older ones (fp 0) load as before. */
_Static_assert(sizeof(struct win_val) == 32, "saved window size");

/* A key whose state changed since the last checkpoint. */
struct changed {
	uint8_t		tag;	/* 'I' incident, 'W' window, 'P' prefix */
	uint8_t		len;
	uint8_t		key[TRACKER_KEY_MAX];
};

struct policy {
	const struct policy_conf *pc;
	struct store		*st;
	enum thr_engine		 eng;
	struct tracker		*inc;	/* 'S'/'D' + address -> inc_state */
	struct tracker		*win;	/* rule windows */
	struct tracker		*wide;	/* widening per prefix */
	struct protect		*guard;	/* never contained: our own side */
	uint64_t		 pending_bytes, pending_cap;
	int			 persist;
	char			*buf;
	size_t			 buflen;
	struct err		*cb_err;	/* flush callback errors */
	const struct policy_sink *cb_sink;
	int64_t			 cb_now;
	int			 cb_final;
	int			 cb_rc;
	uint8_t			 cb_pass;	/* 'S' sources, then 'D' */
	int64_t			 last_save;	/* wall clock */
	int			 evicting;	/* inc_evicted writes rows */
	struct err		 evict_err;
	int			 no_evidence;	/* nothing would read it */
	int8_t			*rule_kind;	/* "kind NAME" rules: the kind */
	const char		**rule_ct;	/* "classtype NAME": the table's
						 * string, or NULL if unknown */
	/*
	 * Rules that need no window: a rate_filter of count 0 acts from the
	 * first alert and, when its timeout ends, again from the next one,
	 * so it applies to every alert whatever its window holds.
	 */
	uint8_t			*stateless;
	/* rule_fp() of each own and sensor rule: a saved window finds its
	 * rule again after a reload moved it in the file. */
	uint32_t		*rule_fp, *sensor_fp;
	/*
	 * Rule indices, worked out once in policy_new (these run for every
	 * alert): the suppress rules, and per incident kind the other rules
	 * that may select an alert of that kind, in file order.
	 */
	size_t			*supp, nsupp;
	size_t			*klist[INCIDENT_KIND_MAX];
	size_t			 nklist[INCIDENT_KIND_MAX];
	/* Keys of stored incidents changed since the last checkpoint. */
	uint8_t			(*dirty)[17];
	size_t			 ndirty, dirtycap;
	/* With save_changes: every key whose state changed since then. */
	int			 save_changes;
	struct changed		*changed;
	size_t			 nchanged, changedcap;
};

/* Puts key on the changed list once (*listed says it is there). */
static void
list_changed(struct policy *p, uint8_t tag, const void *key, size_t len,
    uint8_t *listed)
{
	struct changed *c;

	if (!p->save_changes || *listed)
		return;
	if (p->nchanged == p->changedcap) {
		p->changedcap = p->changedcap ? p->changedcap * 2 : 256;
		p->changed = xreallocarray(p->changed, p->changedcap,
		    sizeof(*p->changed));
	}
	c = &p->changed[p->nchanged++];
	c->tag = tag;
	c->len = (uint8_t)len;
	memcpy(c->key, key, len);
	*listed = 1;
}

/* The same for an incident, whose mark is a flag. */
static void
list_changed_inc(struct policy *p, struct inc_state *s, const uint8_t *key)
{
	uint8_t listed = (s->flags & INC_F_LISTED) != 0;

	list_changed(p, 'I', key, 17, &listed);
	if (listed)
		s->flags |= INC_F_LISTED;
}

/* Deletes the saved state of an incident that leaves memory. */
static int
forget_saved(struct policy *p, const void *key, size_t keylen,
    struct inc_state *s, struct err *e)
{
	uint8_t k[TRACKER_KEY_MAX + 2];

	if (!p->persist || !(s->flags & INC_F_SAVED))
		return 0;
	k[0] = STATE_VERSION;
	k[1] = 'I';
	memcpy(k + 2, key, keylen);
	s->flags &= ~INC_F_SAVED;
	return store_window_delete(p->st, k, keylen + 2, e);
}

static const char *inc_state_name(const struct inc_state *, int);

static void
inc_evicted(void *arg, const void *key, size_t keylen, void *value)
{
	struct policy *p = arg;
	struct inc_state *s = value;
	struct incident_row r;

	if (p->evicting && s->id && (s->flags & INC_F_DIRTY)) {
		/* A written incident leaves memory: bring its row up to
		 * date; an error surfaces from the next policy_feed. */
		incident_row_fill(&r, s, inc_state_name(s, 0));
		store_incident_update(p->st, &r, &p->evict_err);
		incident_row_clear(&r);
	}
	if (p->evicting)
		forget_saved(p, key, keylen, s, &p->evict_err);
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

static const char *
inc_state_name(const struct inc_state *s, int closing)
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
static int
inc_write(struct policy *p, struct inc_state *s, int closing,
    const struct policy_sink *sink, struct err *e)
{
	struct incident_row r;
	struct evidence_row ev;
	int rc;

	incident_row_fill(&r, s, inc_state_name(s, closing));
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
		if (inc_write(p, s, 0, sink, e) < 0)
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

/* ----------------------------------------------------------- selection */

static int
rule_selects(const struct policy *p, size_t i, const struct alert *a,
    const char *classtype, enum incident_kind kind)
{
	const struct thr_rule *r = &p->pc->rules.v[i];

	switch (r->sel) {
	case THR_SEL_SID:
		return thr_selects_sid(r, a->gid, a->sid);
	case THR_SEL_CLASSTYPE:
		/* A known classtype is the table's own string; an unknown
		 * category can only equal an unknown name. */
		if (p->rule_ct[i] != NULL)
			return p->rule_ct[i] == classtype;
		return strcmp(r->name, classtype) == 0;
	case THR_SEL_KIND:
		/* Parsed once in policy_new: this runs per alert and rule. */
		return p->rule_kind[i] == (int8_t)kind;
	}
	return 0;
}

static size_t
track_key(const struct thr_rule *r, char tag, size_t idx,
    const struct alert *a, uint8_t *k)
{
	size_t n = 0;

	k[n++] = (uint8_t)tag;
	k[n++] = (uint8_t)(idx >> 8);
	k[n++] = (uint8_t)idx;
	switch (r->track) {
	case THR_TRACK_BY_SRC:
		memcpy(k + n, a->src.a, 16);
		n += 16;
		break;
	case THR_TRACK_BY_DST:
		memcpy(k + n, a->dst.a, 16);
		n += 16;
		break;
	case THR_TRACK_BY_BOTH:
		/* Address pair, direction-insensitive. */
		if (memcmp(a->src.a, a->dst.a, 16) <= 0) {
			memcpy(k + n, a->src.a, 16);
			memcpy(k + n + 16, a->dst.a, 16);
		} else {
			memcpy(k + n, a->dst.a, 16);
			memcpy(k + n + 16, a->src.a, 16);
		}
		n += 32;
		break;
	case THR_TRACK_BY_FLOW:
		memcpy(k + n, &a->flow_id, sizeof(a->flow_id));
		n += sizeof(a->flow_id);
		break;
	default:
		break;
	}
	return n;
}

/*
 * The sensor's own threshold.config, when configured: suppress, then the
 * first local gid:sid filter, else a global one (Snort's precedence).
 * Returns 1 when the alert passes.
 */
static int
sensor_filter(struct policy *p, const struct alert *a)
{
	const struct thr_set *s = &p->pc->sensor_rules;
	const struct thr_rule *r, *local = NULL, *global = NULL;
	struct win_val *w;
	uint8_t key[TRACKER_KEY_MAX];
	size_t i, li = 0, gi = 0, n;
	int fresh;

	for (i = 0; i < s->n; i++) {
		r = &s->v[i];
		if (r->sel != THR_SEL_SID ||
		    !thr_selects_sid(r, a->gid, a->sid))
			continue;
		if (r->dir == THR_SUPPRESS) {
			if (thr_suppressed(r, &a->src, &a->dst))
				return 0;
			continue;
		}
		if (r->dir != THR_THRESHOLD && r->dir != THR_EVENT_FILTER)
			continue;
		if (r->gid != 0 && r->sid != 0) {
			if (local == NULL) {
				local = r;
				li = i;
			}
		} else if (global == NULL) {
			global = r;
			gi = i;
		}
	}
	if (local == NULL) {
		local = global;
		li = gi;
	}
	if (local != NULL) {
		n = track_key(local, 'X', li, a, key);
		w = tracker_get(p->win, key, n, &fresh);
		if (fresh)
			w->rule_fp = p->sensor_fp[li];
		list_changed(p, 'W', key, n, &w->listed);
		if (!thr_filter(local, p->eng, &w->st, fresh, a->ts_usec))
			return 0;
	}
	/* The first applicable rate_filter; new_action pass drops the
	 * alert (the sensor would not have logged it). */
	for (i = 0; i < s->n; i++) {
		r = &s->v[i];
		if (r->dir != THR_RATE_FILTER || r->sel != THR_SEL_SID ||
		    !thr_selects_sid(r, a->gid, a->sid))
			continue;
		n = track_key(r, 'X', i, a, key);
		w = tracker_get(p->win, key, n, &fresh);
		if (fresh)
			w->rule_fp = p->sensor_fp[i];
		list_changed(p, 'W', key, n, &w->listed);
		if (thr_rate(r, p->eng, &w->st, fresh, a->ts_usec) &&
		    r->new_action == THR_ACT_PASS)
			return 0;
		break;
	}
	return 1;
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
		memset(w, 0, sizeof(*w));
		w->t0_usec = now;
	}
	list_changed(p, 'P', key, 18, &w->listed);
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
	classtype = incident_classtype(a->category);
	outbound = in_home(p, &a->src) && !in_home(p, &a->dst);
	ak = incident_alert_kind(&pc->map, a, classtype, outbound);
	/* Suppression first: sid, classtype, or the alert's own kind. */
	for (j = 0; j < p->nsupp; j++) {
		i = p->supp[j];
		r = &pc->rules.v[i];
		if (rule_selects(p, i, a, classtype, ak) &&
		    thr_suppressed(r, &a->src, &a->dst))
			return 0;
	}
	if (pc->apply_sensor_thresholds && pc->sensor_rules.n &&
	    !sensor_filter(p, a))
		return 0;
	if (ak != INCIDENT_DOS && whitelist_contains(pc->wl, &a->src))
		return 0;
	if (ak == INCIDENT_DOS && whitelist_contains(pc->wl, &a->dst))
		return 0;

	ikey[0] = ak == INCIDENT_DOS ? 'D' : 'S';
	memcpy(ikey + 1, ak == INCIDENT_DOS ? a->dst.a : a->src.a, 16);
	p->evicting = 1;
	s = tracker_get(p->inc, ikey, sizeof(ikey), &fresh);
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
	list_changed_inc(p, s, ikey);
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
		    !rule_selects(p, i, a, classtype, guess))
			continue;
		n = track_key(&pc->rules.v[i], 'W', i, a, key);
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
		if (!rule_selects(p, i, a, classtype, kind))
			continue;
		if (p->stateless[i])
			w = NULL;
		else {
			n = track_key(r, 'W', i, a, key);
			w = tracker_get(p->win, key, n, &fresh);
			if (fresh)
				w->rule_fp = p->rule_fp[i];
			list_changed(p, 'W', key, n, &w->listed);
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
		return inc_write(p, s, 0, sink, e);
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

static int
flush_one(void *arg, const void *key, size_t keylen, void *value)
{
	struct policy *p = arg;
	struct inc_state *s = value;

	if (((const uint8_t *)key)[0] != p->cb_pass)
		return 0;
	if (!p->cb_final && s->last_usec + p->pc->incident_timeout * 1000000 >=
	    p->cb_now)
		return 0;
	if (close_probe(p, s, p->cb_err) < 0)
		goto fail;
	if ((s->id || s->alerts >= 2) &&
	    inc_write(p, s, 1, p->cb_sink, p->cb_err) < 0)
		goto fail;
	if (forget_saved(p, key, keylen, s, p->cb_err) < 0)
		goto fail;
	inc_evicted(p, key, keylen, s);
	tracker_del(p->inc, key, keylen);
	return 0;
fail:
	p->cb_rc = -1;
	return 1;
}

static int save_state(struct policy *, int, struct err *);

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
	if (!final && p->persist && store_now_usec() - p->last_save >=
	    p->pc->state_save_interval * 1000000)
		return save_state(p, 0, e);
	return 0;
}

/* ------------------------------------------------------ restart state */

struct saver {
	struct policy	*p;
	struct err	*e;
	struct tracker	*t;
	uint64_t	 min_hits;
	char		 tag;
	int		 rc;
};

static int
save_one(void *arg, const void *key, size_t keylen, void *value)
{
	struct saver *sv = arg;
	uint8_t k[TRACKER_KEY_MAX + 2];
	size_t vlen;
	unsigned char *blob;
	int rc;

	if (sv->min_hits && tracker_value_hits(sv->t, value) < sv->min_hits)
		return 0;
	k[0] = STATE_VERSION;
	k[1] = (uint8_t)sv->tag;
	memcpy(k + 2, key, keylen);
	if (sv->tag == 'I') {
		struct inc_state *s = value, copy;
		size_t pl = s->pending ? strlen(s->pending) : 0;

		s->flags |= INC_F_SAVED;
		copy = *s;
		copy.pending = NULL;
		vlen = sizeof(copy) + pl;
		blob = xmalloc(vlen);
		memcpy(blob, &copy, sizeof(copy));
		if (pl)
			memcpy(blob + sizeof(copy), s->pending, pl);
		rc = store_window_save(sv->p->st, k, keylen + 2, blob, vlen,
		    sv->e);
		free(blob);
	} else
		rc = store_window_save(sv->p->st, k, keylen + 2, value,
		    sv->tag == 'W' ? sizeof(struct win_val) :
		    sizeof(struct widen_val), sv->e);
	if (rc < 0) {
		sv->rc = -1;
		return 1;
	}
	return 0;
}

/*
 * Rewrites the saved state. full=0 (periodic) skips one-off keys, which
 * under a flood are the bulk and would be evicted soon anyway.
 */
static int
save_state(struct policy *p, int full, struct err *e)
{
	struct saver sv = { p, e, NULL, full ? 0 : 2, 0, 0 };

	if (store_begin(p->st, e) < 0)
		return -1;
	if (store_window_clear(p->st, e) < 0)
		goto fail;
	sv.tag = 'I';
	sv.t = p->inc;
	tracker_each(p->inc, save_one, &sv);
	sv.tag = 'W';
	sv.t = p->win;
	if (sv.rc == 0)
		tracker_each(p->win, save_one, &sv);
	sv.tag = 'P';
	sv.t = p->wide;
	if (sv.rc == 0)
		tracker_each(p->wide, save_one, &sv);
	if (sv.rc < 0)
		goto fail;
	p->last_save = store_now_usec();
	return store_commit(p->st, e);
fail:
	store_rollback(p->st);
	return -1;
}

/*
 * Points a saved window's key (tag, rule index, tracked addresses) at
 * the rule it was counted for: the rule at the same index when it is the
 * same rule, else the first rule equal to it. 0 when there is none.
 */
static int
rule_place(const struct policy *p, uint8_t *key, size_t len, uint32_t fp)
{
	const uint32_t *fps;
	size_t n, idx, j;

	if (len < 3 || (key[0] != 'W' && key[0] != 'X'))
		return 0;
	fps = key[0] == 'X' ? p->sensor_fp : p->rule_fp;
	n = key[0] == 'X' ? p->pc->sensor_rules.n : p->pc->rules.n;
	idx = (size_t)key[1] << 8 | key[2];
	if (idx < n && fps[idx] == fp)
		return 1;
	for (j = 0; j < n; j++)
		if (fps[j] == fp) {
			key[1] = (uint8_t)(j >> 8);
			key[2] = (uint8_t)j;
			return 1;
		}
	return 0;
}

static int
load_one(void *arg, const void *key, size_t keylen, const void *state,
    size_t statelen)
{
	struct policy *p = arg;
	const uint8_t *k = key;
	void *v;
	int fresh;

	if (keylen < 3 || keylen > TRACKER_KEY_MAX + 2 ||
	    k[0] != STATE_VERSION)
		return 0;
	switch (k[1]) {
	case 'I':
		if (statelen < sizeof(struct inc_state))
			return 0;
		v = tracker_get(p->inc, k + 2, keylen - 2, &fresh);
		memcpy(v, state, sizeof(struct inc_state));
		((struct inc_state *)v)->pending = NULL;
		((struct inc_state *)v)->flags |= INC_F_SAVED;
		((struct inc_state *)v)->flags &= ~INC_F_LISTED;
		if (statelen > sizeof(struct inc_state)) {
			size_t pl = statelen - sizeof(struct inc_state);
			char *j = xmalloc(pl + 1);

			memcpy(j, (const char *)state +
			    sizeof(struct inc_state), pl);
			j[pl] = '\0';
			((struct inc_state *)v)->pending = j;
			p->pending_bytes += pl + 1;
		}
		break;
	case 'W': {
		struct win_val wv;
		uint8_t wk[TRACKER_KEY_MAX];

		/* Saved before windows had their list mark: the state only. */
		memset(&wv, 0, sizeof(wv));
		if (statelen == sizeof(struct win_val))
			memcpy(&wv, state, statelen);
		else if (statelen == sizeof(struct thr_state))
			memcpy(&wv.st, state, statelen);
		else
			return 0;
		wv.listed = 0;
		memcpy(wk, k + 2, keylen - 2);
		if (wv.rule_fp && !rule_place(p, wk, keylen - 2, wv.rule_fp))
			return 0;	/* its rule is gone, or changed */
		v = tracker_get(p->win, wk, keylen - 2, &fresh);
		memcpy(v, &wv, sizeof(wv));
		break;
	}
	case 'P':
		if (statelen != sizeof(struct widen_val))
			return 0;
		v = tracker_get(p->wide, k + 2, keylen - 2, &fresh);
		memcpy(v, state, statelen);
		((struct widen_val *)v)->listed = 0;
		break;
	}
	return 0;
}

/* ------------------------------------------------------------ lifetime */

/* A rule's identity apart from its place in the file; never 0. */
static uint32_t
rule_fp(const struct thr_rule *r)
{
	uint32_t h = 2166136261u;
	const char *c;
	size_t i, b;

#define FP_MIX(v)	(h = (h ^ (uint32_t)(v)) * 16777619u)
	FP_MIX(r->dir);
	FP_MIX(r->sel);
	FP_MIX(r->gid);
	FP_MIX(r->sid);
	FP_MIX(r->type);
	FP_MIX(r->track);
	FP_MIX(r->count);
	FP_MIX(r->seconds);
	FP_MIX(r->new_action);
	FP_MIX(r->timeout);
	if (r->type == THR_TYPE_BACKOFF)
		FP_MIX(r->multiplier);
	for (c = r->name; *c; c++)
		FP_MIX((unsigned char)*c);
	for (i = 0; i < r->nips; i++) {
		FP_MIX(r->ips[i].net.family);
		FP_MIX(r->ips[i].len);
		for (b = 0; b < 16; b++)
			FP_MIX(r->ips[i].net.a[b]);
	}
#undef FP_MIX
	return h | 1;
}

/* What policy_new works out once from the rules (see struct policy). */
static void
rule_lists(struct policy *p)
{
	const struct thr_set *rs = &p->pc->rules;
	const struct thr_rule *r;
	enum incident_kind k;
	const char *ct;
	size_t i, n = rs->n + 1;
	int kk;

	p->rule_kind = xcalloc(n, sizeof(*p->rule_kind));
	p->rule_ct = xcalloc(n, sizeof(*p->rule_ct));
	p->stateless = xcalloc(n, sizeof(*p->stateless));
	p->rule_fp = xcalloc(n, sizeof(*p->rule_fp));
	p->sensor_fp = xcalloc(p->pc->sensor_rules.n + 1,
	    sizeof(*p->sensor_fp));
	for (i = 0; i < p->pc->sensor_rules.n; i++)
		p->sensor_fp[i] = rule_fp(&p->pc->sensor_rules.v[i]);
	p->supp = xcalloc(n, sizeof(*p->supp));
	for (kk = 0; kk < INCIDENT_KIND_MAX; kk++)
		p->klist[kk] = xcalloc(n, sizeof(*p->klist[kk]));
	for (i = 0; i < rs->n; i++) {
		r = &rs->v[i];
		p->rule_kind[i] = -1;	/* an unknown kind selects nothing */
		if (r->sel == THR_SEL_KIND &&
		    incident_kind_parse(r->name, &k) == 0)
			p->rule_kind[i] = (int8_t)k;
		if (r->sel == THR_SEL_CLASSTYPE &&
		    (ct = incident_classtype(r->name)) != r->name)
			p->rule_ct[i] = ct;
		p->stateless[i] = r->dir == THR_RATE_FILTER && r->count == 0;
		p->rule_fp[i] = rule_fp(r);
		if (r->dir == THR_SUPPRESS) {
			p->supp[p->nsupp++] = i;
			continue;
		}
		for (kk = 0; kk < INCIDENT_KIND_MAX; kk++)
			if (r->sel != THR_SEL_KIND || p->rule_kind[i] == kk)
				p->klist[kk][p->nklist[kk]++] = i;
	}
}

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
	p->win = tracker_new(sizeof(struct win_val), cap / 16 * 3, NULL,
	    NULL);
	p->wide = tracker_new(sizeof(struct widen_val), cap / 32, NULL, NULL);
	p->guard = protect_new(cfg);
	p->pending_cap = cap / 16;
	rule_lists(p);
	p->buflen = 8192;
	p->buf = xmalloc(p->buflen);
	fn = sqlite3_db_filename(store_db(st), "main");
	p->persist = fn != NULL && fn[0] != '\0';
	if (p->persist && store_window_load(st, load_one, p, e) < 0) {
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
	if (p->persist && save_state(p, 1, &e) < 0)
		log_warnx("policy: saving state: %s", e.msg);
	tracker_each(p->inc, free_pending, p);
	tracker_free(p->inc);
	tracker_free(p->win);
	tracker_free(p->wide);
	protect_free(p->guard);
	free(p->rule_kind);
	free(p->rule_ct);
	free(p->stateless);
	free(p->rule_fp);
	free(p->sensor_fp);
	free(p->supp);
	for (int k = 0; k < INCIDENT_KIND_MAX; k++)
		free(p->klist[k]);
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

/*
 * Saves the state on the changed list, as save_state would and inside
 * the caller's transaction. Keys hit once are left out, as by the
 * periodic save: under a spoofed flood they are the bulk, and one alert
 * of a single source changes no decision but a lone probe's report.
 */
static int
save_changed(struct policy *p, struct err *e)
{
	struct saver sv = { p, e, NULL, 2, 0, 0 };
	struct changed *c;
	struct inc_state *s;
	struct win_val *w;
	struct widen_val *wv;
	void *v;
	size_t i;

	for (i = 0; i < p->nchanged && sv.rc == 0; i++) {
		c = &p->changed[i];
		sv.tag = (char)c->tag;
		sv.t = c->tag == 'I' ? p->inc : c->tag == 'W' ? p->win :
		    p->wide;
		if ((v = tracker_find(sv.t, c->key, c->len)) == NULL)
			continue;	/* closed or evicted since */
		if (c->tag == 'I') {
			s = v;
			s->flags &= ~INC_F_LISTED;
		} else if (c->tag == 'W') {
			w = v;
			w->listed = 0;
		} else {
			wv = v;
			wv->listed = 0;
		}
		save_one(&sv, c->key, c->len, v);
	}
	p->nchanged = 0;
	return sv.rc;
}

/*
 * Brings the rows of stored incidents that alerts changed since the last
 * checkpoint up to date, inside the caller's transaction: with the input
 * bookmark in the same commit, a crash loses no count and a restart
 * counts no alert twice.
 */
int
policy_checkpoint(struct policy *p, struct err *e)
{
	struct inc_state *s;
	size_t i;

	for (i = 0; i < p->ndirty; i++) {
		s = tracker_find(p->inc, p->dirty[i], sizeof(p->dirty[i]));
		if (s != NULL && s->id && (s->flags & INC_F_DIRTY) &&
		    inc_write(p, s, 0, NULL, e) < 0)
			return -1;
	}
	p->ndirty = 0;
	return save_changed(p, e);
}

void
policy_save_changes(struct policy *p, int on)
{
	p->save_changes = on && p->persist;
}

/* Tracker statistics for `redress replay` and the bench. */
void
policy_stats(const struct policy *p, struct tracker_stats *inc,
    struct tracker_stats *win)
{
	tracker_stats(p->inc, inc);
	tracker_stats(p->win, win);
}
