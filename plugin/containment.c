/* SPDX-License-Identifier: MIT */
/*
 * The containment executor: carries out pending "contain" decisions on
 * every configured responder (our own side checked again, a cap on new
 * blocks a minute, longer blocks for repeat offenders), records each block,
 * expires blocks that have no kernel timeout (or whose timeout the
 * backend had to cap), and reconciles the store with what the backends
 * hold. Log lines are key=value: "block addr=... prefix=... duration=...
 * incident=... responder=...".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "containment.h"
#include "containment_watch.h"
#include "executor.h"
#include "log.h"
#include "policy.h"
#include "protect.h"
#include "responder.h"
#include "store_note.h"
#include "responders_conf.h"
#include "store_block.h"
#include "store_policy.h"
#include "xmalloc.h"

#define CONTAIN_BATCH	100000	/* decisions taken per pass */
#define DRY_PREFIX	"dry-run:"

struct containment {
	const struct config		*cfg;
	const struct responders_conf	*rc;
	struct responders_conf		*own_rc;
	struct protect			*guard;	/* never blocked */
	struct responder		**v;	/* opened backends */
	size_t				 n;
	int				 dry_run;
	FILE				*dry_out;
	struct containment_stats	 stats;
	struct cnote			*notes;	/* steps to record, next commit */
	size_t				 nnotes;
};

/* A backend's step beyond the block (resp_note_fn), until recorded. */
struct cnote {
	int64_t	 incident_id;
	char	 source[64], subject[64], text[512];
};

#define CONTAIN_NOTES	1024	/* pending steps kept; the log has all */

static void
containment_note(void *arg, const struct responder *r, int64_t incident_id,
    const char *subject, const char *text)
{
	struct containment	*c = arg;
	struct cnote		*n;

	if (c->nnotes == CONTAIN_NOTES)
		return;
	if (c->notes == NULL)
		c->notes = xcalloc(CONTAIN_NOTES, sizeof(*c->notes));
	n = &c->notes[c->nnotes++];
	n->incident_id = incident_id;
	strlcpy_r(n->source, r->name, sizeof(n->source));
	strlcpy_r(n->subject, subject ? subject : "", sizeof(n->subject));
	strlcpy_r(n->text, text, sizeof(n->text));
}

/* One block being applied. */
struct item {
	struct resp_block	 b;
	int64_t			 decision_id;	/* 0: by hand */
	char			 cidr[CIDR_STRLEN];
	int			 state;		/* ITEM_* */
	char			 done_by[128];
};

enum { ITEM_TODO, ITEM_DONE, ITEM_REFUSED, ITEM_FAILED, ITEM_SKIP };

struct containment *
containment_open(const struct config *cfg, int dry_run, FILE *dry_out,
    int strict, struct err *e)
{
	struct containment *c = xcalloc(1, sizeof(*c));
	struct responder *r;
	struct err e2;
	size_t i;

	c->cfg = cfg;
	c->dry_run = dry_run;
	c->dry_out = dry_out ? dry_out : stdout;
	c->rc = cfg->responders;
	if (c->rc == NULL)
		c->rc = c->own_rc = responders_conf_defaults();
	c->guard = protect_new(cfg);
	c->v = xcalloc(c->rc->n + 1, sizeof(*c->v));
	for (i = 0; i < c->rc->n; i++) {
		r = c->rc->v[i];
		r->dry_run = dry_run;
		r->dry_out = dry_out ? dry_out : stdout;
		r->note = containment_note;
		r->note_arg = c;
		r->guard = c->guard;
		r->wl = policy_whitelist(cfg);
		memset(&e2, 0, sizeof(e2));
		if (r->ops->open != NULL && r->ops->open(r, &e2) < 0) {
			if (strict) {
				err_set(e, "responder %s: %s", r->name,
				    e2.msg);
				containment_close(c);
				return NULL;
			}
			log_warnx("containment: responder %s: not opened: %s",
			    r->name, e2.msg);
			if (r->ops->close)
				r->ops->close(r);
			continue;
		}
		c->v[c->n++] = r;
	}
	return c;
}

void
containment_close(struct containment *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++) {
		c->v[i]->note = NULL;
		if (c->v[i]->ops->close != NULL)
			c->v[i]->ops->close(c->v[i]);
	}
	free(c->notes);
	for (i = 0; i < c->rc->n; i++)
		c->rc->v[i]->guard = NULL;
	free(c->v);
	protect_free(c->guard);
	responders_conf_release(c->own_rc);
	free(c);
}

size_t
containment_backends(const struct containment *c)
{
	return c->n;
}

const struct containment_stats *
containment_stats(const struct containment *c)
{
	return &c->stats;
}

/* 1 if name is in the comma list (a dry-run row's list has the prefix). */
static int
in_list(const char *list, const char *name)
{
	size_t l = strlen(name);
	const char *p;

	if (strncmp(list, DRY_PREFIX, strlen(DRY_PREFIX)) == 0)
		list += strlen(DRY_PREFIX);
	for (p = list; *p; ) {
		if (strncmp(p, name, l) == 0 && (p[l] == ',' || p[l] == '\0'))
			return 1;
		p = strchr(p, ',');
		if (p == NULL)
			break;
		p++;
	}
	return 0;
}

static void
add_name(char *buf, size_t len, const char *name)
{
	size_t o = strlen(buf);

	snprintf(buf + o, len - o, "%s%s", o ? "," : "", name);
}

/*
 * Applies the TODO items to every backend: one batch each; when a batch
 * fails, item by item so that one bad element does not fail the rest.
 */
static void
apply_all(struct containment *c, struct item *it, size_t n)
{
	struct resp_block *v = xcalloc(n + 1, sizeof(*v));
	size_t *idx = xcalloc(n + 1, sizeof(*idx));
	size_t i, k, m = 0;
	struct err e;

	for (i = 0; i < n; i++)
		if (it[i].state == ITEM_TODO) {
			v[m] = it[i].b;
			idx[m++] = i;
		}
	for (k = 0; k < c->n && m > 0; k++) {
		struct responder *r = c->v[k];

		if (r->ops->apply == NULL)
			continue;
		memset(&e, 0, sizeof(e));
		if (responder_apply(r, v, m, &e) == 0) {
			for (i = 0; i < m; i++)
				add_name(it[idx[i]].done_by,
				    sizeof(it[idx[i]].done_by), r->name);
			continue;
		}
		if (m == 1) {
			log_warnx("block failed addr=%s responder=%s error=%s",
			    it[idx[0]].cidr, r->name, e.msg);
			continue;
		}
		for (i = 0; i < m; i++) {
			memset(&e, 0, sizeof(e));
			if (responder_apply(r, &v[i], 1, &e) == 0)
				add_name(it[idx[i]].done_by,
				    sizeof(it[idx[i]].done_by), r->name);
			else
				log_warnx("block failed addr=%s responder=%s "
				    "error=%s", it[idx[i]].cidr, r->name,
				    e.msg);
		}
	}
	for (i = 0; i < m; i++) {
		struct item *x = &it[idx[i]];

		x->state = x->done_by[0] ? ITEM_DONE : ITEM_FAILED;
	}
	free(v);
	free(idx);
}

/*
 * Writes the pending steps (in the caller's transaction), and asks for
 * a report to our own team for each incident an account was locked or
 * came back for.
 */
static int
notes_flush(struct containment *c, struct store *st, struct err *e)
{
	int64_t	*ids = xcalloc(c->nnotes + 1, sizeof(*ids));
	size_t	 i, n = 0;
	int	 rc = 0;

	for (i = 0; i < c->nnotes && rc == 0; i++) {
		if (store_note_add(st, c->notes[i].incident_id,
		    c->notes[i].source, c->notes[i].subject, c->notes[i].text,
		    e) < 0)
			rc = -1;
		if (strncmp(c->notes[i].text, "locked ", 7) == 0 ||
		    strstr(c->notes[i].text, " came back: ") != NULL)
			ids[n++] = c->notes[i].incident_id;
	}
	if (rc == 0)
		rc = cwatch_team_reports(c->cfg, st, ids, n, e);
	free(ids);
	if (rc == 0)
		c->nnotes = 0;
	return rc;
}

/*
 * The accounts locked, checked for the intruder coming back: notes, a
 * contain decision for each new address (applied by the next decisions
 * pass), and the team's report, in one transaction.
 */
static int
containment_watch(struct containment *c, struct store *st, int64_t now,
    struct err *e)
{
	struct cwatch	w = { NULL, 0, 0 };
	struct err	e2 = { "", 0 };
	size_t		k;

	if (c->dry_run)
		return 0;
	for (k = 0; k < c->n; k++)
		if (cwatch_run(c->v[k], st, &w, &e2) < 0) {
			log_warnx("containment: watch responder=%s error=%s",
			    c->v[k]->name, e2.msg);
			err_clear(&e2);
		}
	if (w.n == 0 && c->nnotes == 0) {
		cwatch_free(&w);
		return 0;
	}
	if (store_begin(st, e) < 0)
		goto fail;
	if (cwatch_decide(&w, c->guard, st, now, e) < 0 ||
	    notes_flush(c, st, e) < 0 || store_commit(st, e) < 0) {
		store_rollback(st);
		goto fail;
	}
	k = w.n;
	cwatch_free(&w);
	return (int)k;
fail:
	cwatch_free(&w);
	return -1;
}

/* Writes the rows of applied items and the decision states. */
static int
record(struct containment *c, struct store *st, struct item *it, size_t n,
    int64_t now, struct err *e)
{
	static const char *const dstate[] = { DECISION_PENDING,
	    DECISION_DONE, DECISION_REFUSED, DECISION_FAILED, DECISION_DONE };
	char who[160], a[ADDR_STRLEN];
	size_t i;

	if (store_begin(st, e) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		struct item *x = &it[i];

		if (x->state == ITEM_DONE) {
			snprintf(who, sizeof(who), "%s%s",
			    c->dry_run ? DRY_PREFIX : "",
			    x->done_by[0] ? x->done_by : "none");
			if (store_block_add(st, who, x->cidr,
			    x->b.incident_id, now + x->b.duration_s * 1000000,
			    x->b.reason, e) < 0)
				goto fail;
			c->stats.applied++;
			log_info("block addr=%s prefix=%u duration=%lld "
			    "incident=%lld responder=%s",
			    addr_format(&x->b.net.net, a, sizeof(a)),
			    x->b.net.len, (long long)x->b.duration_s,
			    (long long)x->b.incident_id, who);
		} else if (x->state == ITEM_FAILED)
			c->stats.failed++;
		if (x->decision_id > 0 && x->state != ITEM_TODO &&
		    store_decision_set_state(st, x->decision_id,
		    dstate[x->state], e) < 0)
			goto fail;
	}
	if (notes_flush(c, st, e) < 0)
		goto fail;
	return store_commit(st, e);
fail:
	store_rollback(st);
	return -1;
}

/*
 * Refusals: our own side (protect.c: this host, its gateways, resolvers,
 * relay, the whitelist, special ranges; why says which), or (cap) more
 * new blocks this minute than responders.cap_per_minute allows.
 */
static int
screen(struct containment *c, struct store *st, struct item *x, int cap,
    int *recent, int64_t now, char *why, size_t whylen, struct err *e)
{
	char t[ADDR_STRLEN], w[PROTECT_WHY_LEN];
	int64_t exp;
	int rc;

	addr_format(&x->b.net.net, t, sizeof(t));
	if (protect_check(c->guard, &x->b.net, w, sizeof(w))) {
		c->stats.refused_whitelist++;
		log_warnx("block refused addr=%s prefix=%u reason=whitelisted "
		    "incident=%lld why=\"%s\"", t, x->b.net.len,
		    (long long)x->b.incident_id, w);
		if (why != NULL)
			snprintf(why, whylen, "%s", w);
		x->state = ITEM_REFUSED;
		return 0;
	}
	if (cap) {
		rc = store_block_active(st, x->cidr, now, &exp, e);
		if (rc < 0)
			return -1;
		if (rc == 1) {
			x->state = ITEM_SKIP;	/* already blocked */
			return 0;
		}
		if (*recent >= c->rc->cap_per_minute) {
			c->stats.refused_cap++;
			log_warnx("block refused addr=%s prefix=%u reason=cap "
			    "cap_per_minute=%lld refused=%llu incident=%lld",
			    t, x->b.net.len, c->rc->cap_per_minute,
			    (unsigned long long)c->stats.refused_cap,
			    (long long)x->b.incident_id);
			x->state = ITEM_REFUSED;
			return 0;
		}
		(*recent)++;
	}
	return 0;
}

int
containment_block(struct containment *c, struct store *st,
    const struct cidr *net, int64_t duration_s, const char *reason,
    struct err *e)
{
	struct item x;
	char who[160], a[ADDR_STRLEN], why[PROTECT_WHY_LEN] = "";
	size_t k;
	int recent = 0;
	int64_t now = store_now_usec(), id;

	memset(&x, 0, sizeof(x));
	x.b.net = *net;
	x.b.duration_s = duration_s > 0 ? duration_s :
	    c->rc->default_duration;
	strlcpy_r(x.b.reason, reason ? reason : "", sizeof(x.b.reason));
	cidr_format(net, x.cidr, sizeof(x.cidr));
	if (screen(c, st, &x, 0, &recent, now, why, sizeof(why), e) < 0)
		return -1;
	/* Blocked already: re-applying replaces the kernel timeout. */
	if ((x.b.refresh = store_block_active(st, x.cidr, now, NULL, e)) < 0)
		return -1;
	if (x.state == ITEM_REFUSED) {
		err_set(e, "refused: %s", why);
		return 1;
	}
	if (c->n == 0)
		return err_set(e, "no responder configured (responders: "
		    "backends:)");
	/*
	 * The row first, then the kernel: a running daemon's reconcile that
	 * sees the element also sees the row (it never removes it as
	 * foreign). Dropped again if every backend fails.
	 */
	who[0] = '\0';
	if (c->dry_run)
		strlcpy_r(who, DRY_PREFIX, sizeof(who));
	for (k = 0; k < c->n; k++)
		add_name(who + strlen(who), sizeof(who) - strlen(who),
		    c->v[k]->name);
	if ((id = store_block_add(st, who, x.cidr, 0, now + x.b.duration_s *
	    1000000, x.b.reason, e)) < 0)
		return -1;
	apply_all(c, &x, 1);
	if (x.state == ITEM_FAILED) {
		store_block_drop(st, id, e);
		return err_set(e, "%s: every responder failed (see the log)",
		    x.cidr);
	}
	snprintf(who, sizeof(who), "%s%s", c->dry_run ? DRY_PREFIX : "",
	    x.done_by);
	if (store_block_set_responder(st, id, who, e) < 0)
		return -1;
	c->stats.applied++;
	log_info("block addr=%s prefix=%u duration=%lld incident=0 "
	    "responder=%s", addr_format(&net->net, a, sizeof(a)), net->len,
	    (long long)x.b.duration_s, who);
	return 0;
}

struct rows {
	struct block_row	*v;
	size_t			 n, cap;
};

static int
rows_cb(void *arg, const struct block_row *r)
{
	struct rows *x = arg;

	if (x->n == x->cap) {
		x->cap = x->cap ? x->cap * 2 : 64;
		x->v = xreallocarray(x->v, x->cap, sizeof(*x->v));
	}
	x->v[x->n++] = *r;
	return 0;
}

/* Active rows inside (or, wide = 1, strictly around) a prefix. */
struct near {
	const struct cidr	*net;
	int			 wide;
	struct rows		 rows;
};

static int
near_cb(void *arg, const struct block_row *r)
{
	struct near *x = arg;
	struct cidr b;

	if (cidr_parse(r->cidr, &b) < 0 || b.net.family !=
	    x->net->net.family)
		return 0;
	if (x->wide ? b.len < x->net->len && cidr_contains(&b,
	    &x->net->net) : b.len > x->net->len && cidr_contains(x->net,
	    &b.net))
		return rows_cb(&x->rows, r);
	return 0;
}

/*
 * After a prefix is removed from the backends, the blocks inside it that
 * a backend left to the prefix (an interval set holds the prefix only)
 * go back in with the time they have left.
 */
static void
reapply_inside(struct containment *c, struct store *st,
    const struct cidr *net, int64_t now)
{
	struct near x = { net, 0, { NULL, 0, 0 } };
	struct resp_block *v;
	struct err e;
	size_t i, k, m;

	memset(&e, 0, sizeof(e));
	if (net->len == addr_maxlen(&net->net) || store_block_list(st,
	    BLOCK_LIST_ACTIVE, now, near_cb, &x, &e) < 0 || x.rows.n == 0) {
		free(x.rows.v);
		return;
	}
	v = xcalloc(x.rows.n, sizeof(*v));
	for (k = 0; k < c->n; k++) {
		for (i = m = 0; i < x.rows.n; i++) {
			const struct block_row *b = &x.rows.v[i];

			if (!in_list(b->responder, c->v[k]->name) ||
			    (b->expires_usec - now) / 1000000 < 1 ||
			    cidr_parse(b->cidr, &v[m].net) < 0)
				continue;
			v[m].duration_s = (b->expires_usec - now) / 1000000;
			v[m].incident_id = b->incident_id;
			v[m].refresh = 1;
			strlcpy_r(v[m].reason, b->reason, sizeof(v[m].reason));
			m++;
		}
		memset(&e, 0, sizeof(e));
		if (m && responder_apply(c->v[k], v, m, &e) < 0)
			log_warnx("unblock re-add failed responder=%s "
			    "error=%s", c->v[k]->name, e.msg);
	}
	free(v);
	free(x.rows.v);
}

int
containment_covering(struct store *st, const struct cidr *net, char *buf,
    size_t len, struct err *e)
{
	struct near x = { net, 1, { NULL, 0, 0 } };

	if (store_block_list(st, BLOCK_LIST_ACTIVE, store_now_usec(), near_cb,
	    &x, e) < 0) {
		free(x.rows.v);
		return -1;
	}
	if (x.rows.n)
		strlcpy_r(buf, x.rows.v[0].cidr, len);
	free(x.rows.v);
	return x.rows.n > 0;
}

int
containment_unblock(struct containment *c, struct store *st,
    const struct cidr *net, struct err *e)
{
	struct resp_block b;
	struct err e2;
	char t[CIDR_STRLEN];
	size_t k;
	int rc, failed = 0;

	memset(&b, 0, sizeof(b));
	b.net = *net;
	cidr_format(net, t, sizeof(t));
	/* The row first: a concurrent reconcile must not re-add it. */
	if ((rc = store_block_remove(st, t, e)) < 0)
		return -1;
	for (k = 0; k < c->n; k++) {
		struct responder *r = c->v[k];

		memset(&e2, 0, sizeof(e2));
		if (r->ops->revert != NULL && r->ops->revert(r, &b, 1, &e2) <
		    0) {
			log_warnx("unblock failed addr=%s responder=%s "
			    "error=%s", t, r->name, e2.msg);
			if (!failed)
				err_set(e, "%s: %s", r->name, e2.msg);
			failed = 1;
		}
	}
	if (!c->dry_run)
		reapply_inside(c, st, net, store_now_usec());
	log_info("unblock addr=%s prefix=%u reason=by-hand rows=%d",
	    addr_format(&net->net, t, sizeof(t)), net->len, rc);
	return failed ? -1 : rc;
}

/* ----------------------------------------------------------- decisions */

struct pend {
	struct item	*v;
	size_t		 n, cap;
};

static int
pend_cb(void *arg, const struct decision_row *d)
{
	struct pend *p = arg;
	struct item *x;

	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 64;
		p->v = xreallocarray(p->v, p->cap, sizeof(*p->v));
	}
	x = &p->v[p->n++];
	memset(x, 0, sizeof(*x));
	x->decision_id = d->id;
	x->b.incident_id = d->incident_id;
	x->b.duration_s = d->duration_s;
	strlcpy_r(x->b.reason, d->reason, sizeof(x->b.reason));
	if (cidr_parse(d->target, &x->b.net) < 0) {
		log_warnx("block failed decision=%lld target=\"%.49s\" "
		    "error=not an address", (long long)d->id, d->target);
		x->state = ITEM_FAILED;
	}
	return 0;
}

static int
item_cmp(const void *a, const void *b)
{
	const struct item *x = *(struct item *const *)a;
	const struct item *y = *(struct item *const *)b;
	int c = strcmp(x->cidr, y->cidr);

	if (c != 0)
		return c;
	return x->decision_id < y->decision_id ? -1 :
	    x->decision_id > y->decision_id;
}

/* The same network twice in one batch: the later decisions are skipped. */
static void
dedupe(struct item *v, size_t n)
{
	struct item **s = xcalloc(n + 1, sizeof(*s));
	size_t i, m = 0;

	for (i = 0; i < n; i++)
		if (v[i].state == ITEM_TODO) {
			cidr_format(&v[i].b.net, v[i].cidr,
			    sizeof(v[i].cidr));
			s[m++] = &v[i];
		}
	if (m > 1)
		qsort(s, m, sizeof(*s), item_cmp);
	for (i = 1; i < m; i++)
		if (strcmp(s[i]->cidr, s[i - 1]->cidr) == 0)
			s[i]->state = ITEM_SKIP;
	free(s);
}

int
containment_decisions(struct containment *c, struct store *st, int64_t now,
    struct err *e)
{
	struct pend p = { NULL, 0, 0 };
	size_t i;
	int recent, cnt, rc = -1;

	if (store_decision_pending(st, DECISION_CONTAIN, CONTAIN_BATCH,
	    pend_cb, &p, e) < 0)
		return -1;
	if (p.n == 0)
		return 0;
	if ((recent = store_block_recent(st, now - 60 * 1000000LL, e)) < 0)
		goto out;
	dedupe(p.v, p.n);
	for (i = 0; i < p.n; i++) {
		struct item *x = &p.v[i];

		if (x->state != ITEM_TODO)
			continue;
		cidr_format(&x->b.net, x->cidr, sizeof(x->cidr));
		snprintf(x->b.evidence_dir, sizeof(x->b.evidence_dir),
		    "%s/evidence/%lld", c->cfg->general.state_dir ?
		    c->cfg->general.state_dir : ".",
		    (long long)x->b.incident_id);
		if (screen(c, st, x, 1, &recent, now, NULL, 0, e) < 0)
			goto out;
		if (x->state != ITEM_TODO)
			continue;
		if ((cnt = store_block_count(st, x->cidr, e)) < 0)
			goto out;
		x->b.duration_s = responders_escalate(c->rc, x->b.duration_s,
		    cnt);
		if (c->n == 0 && c->dry_run) {
			/* Nothing to print the commands: say what it would. */
			fprintf(c->dry_out, "block %s duration=%llds "
			    "incident=%lld (no responder configured)\n",
			    x->cidr, (long long)x->b.duration_s,
			    (long long)x->b.incident_id);
			x->state = ITEM_DONE;
		} else if (c->n == 0) {
			log_warnx("block refused addr=%s reason=no-responders "
			    "incident=%lld", x->cidr,
			    (long long)x->b.incident_id);
			x->state = ITEM_REFUSED;
		}
	}
	apply_all(c, p.v, p.n);
	if (record(c, st, p.v, p.n, now, e) < 0)
		goto out;
	rc = (int)p.n;
out:
	free(p.v);
	return rc;
}

/* -------------------------------------------------------------- expiry */

/* The backend holds this block only until redress's own timer says so. */
static int
needs_timer(const struct responder *r, const struct block_row *b)
{
	int64_t dur = (b->expires_usec - b->created_usec) / 1000000;

	return r->ops->max_timeout_s == 0 || dur > r->ops->max_timeout_s;
}

int
containment_expire(struct containment *c, struct store *st, int64_t now,
    struct err *e)
{
	struct rows due = { NULL, 0, 0 };
	struct resp_block *v;
	struct err e2;
	size_t i, k, m;
	int rc = -1, act;

	if (store_block_list(st, BLOCK_LIST_DUE, now, rows_cb, &due, e) < 0)
		return -1;
	if (due.n == 0)
		return 0;
	v = xcalloc(due.n, sizeof(*v));
	for (k = 0; k < c->n; k++) {
		struct responder *r = c->v[k];

		if (r->ops->revert == NULL)
			continue;
		for (i = m = 0; i < due.n; i++) {
			struct block_row *b = &due.v[i];

			if (!in_list(b->responder, r->name) ||
			    !needs_timer(r, b) || cidr_parse(b->cidr,
			    &v[m].net) < 0)
				continue;
			/* Blocked again since: the newer row holds it. */
			if ((act = store_block_active(st, b->cidr, now, NULL,
			    e)) < 0)
				goto out;
			if (act)
				continue;
			v[m].incident_id = b->incident_id;
			strlcpy_r(v[m].reason, b->reason, sizeof(v[m].reason));
			m++;
		}
		memset(&e2, 0, sizeof(e2));
		if (m && r->ops->revert(r, v, m, &e2) < 0)
			log_warnx("unblock failed responder=%s count=%zu "
			    "error=%s", r->name, m, e2.msg);
	}
	for (i = 0; i < due.n; i++)
		log_info("unblock addr=%s reason=expired incident=%lld "
		    "responder=%s", due.v[i].cidr,
		    (long long)due.v[i].incident_id, due.v[i].responder);
	if ((rc = store_block_expire(st, now, e)) >= 0)
		c->stats.expired += (uint64_t)rc;
out:
	free(v);
	free(due.v);
	return rc;
}

/* ----------------------------------------------------------- reconcile */

struct held {
	char	cidr[CIDR_STRLEN];
	int64_t	remaining;	/* -1: no timeout */
	int	seen;
};

struct heldset {
	struct held	*v;
	size_t		 n, cap;
	struct cidr	*wide;	/* the prefixes among them */
	size_t		 nwide, capwide;
};

/* 1 if a prefix the backend holds covers cidr text t (widening). */
static int
held_covers(const struct heldset *h, const char *t)
{
	struct cidr c;
	size_t i;

	if (h->nwide == 0 || cidr_parse(t, &c) < 0)
		return 0;
	for (i = 0; i < h->nwide; i++)
		if (h->wide[i].net.family == c.net.family &&
		    h->wide[i].len < c.len && cidr_contains(&h->wide[i],
		    &c.net))
			return 1;
	return 0;
}

static int
held_cb(void *arg, const struct cidr *net, int64_t remaining)
{
	struct heldset *h = arg;

	if (h->n == h->cap) {
		h->cap = h->cap ? h->cap * 2 : 256;
		h->v = xreallocarray(h->v, h->cap, sizeof(*h->v));
	}
	if (net->len < addr_maxlen(&net->net)) {
		if (h->nwide == h->capwide) {
			h->capwide = h->capwide ? h->capwide * 2 : 16;
			h->wide = xreallocarray(h->wide, h->capwide,
			    sizeof(*h->wide));
		}
		h->wide[h->nwide++] = *net;
	}
	cidr_format(net, h->v[h->n].cidr, sizeof(h->v[h->n].cidr));
	h->v[h->n].remaining = remaining;
	h->v[h->n].seen = 0;
	h->n++;
	return 0;
}

static int
held_cmp(const void *a, const void *b)
{
	return strcmp(((const struct held *)a)->cidr,
	    ((const struct held *)b)->cidr);
}

/* Kernel time may lag the store's by this much before it is re-asserted. */
#define RETIME_SLACK_S	5

/*
 * The backend is listed before the store is read: `redress block` writes
 * its row before it applies, so an element seen here has its row.
 */
static int
reconcile_one(struct containment *c, struct responder *r, struct store *st,
    int64_t now)
{
	struct heldset h = { NULL, 0, 0, NULL, 0, 0 };
	struct rows actrows = { NULL, 0, 0 }, *act = &actrows;
	struct resp_block *add, *del;
	struct held key, *f;
	struct err e;
	size_t i, na = 0, nd = 0, nret = 0;
	int64_t rem;

	memset(&e, 0, sizeof(e));
	if (r->ops->list(r, held_cb, &h, &e) < 0) {
		log_warnx("reconcile responder=%s error=%s", r->name, e.msg);
		free(h.v);
		free(h.wide);
		return 0;
	}
	if (store_block_list(st, BLOCK_LIST_ACTIVE, now, rows_cb, act, &e) <
	    0) {
		log_warnx("reconcile responder=%s error=%s", r->name, e.msg);
		free(h.v);
		free(h.wide);
		return 0;
	}
	if (h.n > 1)
		qsort(h.v, h.n, sizeof(*h.v), held_cmp);
	add = xcalloc(act->n + 1, sizeof(*add));
	del = xcalloc(h.n + 1, sizeof(*del));
	memset(&key, 0, sizeof(key));
	for (i = 0; i < act->n; i++) {
		const struct block_row *b = &act->v[i];

		if (strncmp(b->responder, DRY_PREFIX, strlen(DRY_PREFIX)) ==
		    0)
			continue;
		rem = (b->expires_usec - now) / 1000000;
		strlcpy_r(key.cidr, b->cidr, sizeof(key.cidr));
		f = h.n ? bsearch(&key, h.v, h.n, sizeof(*h.v), held_cmp) :
		    NULL;
		if (f != NULL)
			f->seen = 1;	/* still active: never "extra" */
		if (rem < 1)
			continue;	/* about to expire anyway */
		if (f == NULL && held_covers(&h, b->cidr))
			continue;	/* inside a widened prefix */
		if (f != NULL) {
			/* Timeout shorter than the store says: re-assert. */
			if (f->remaining < 0 || rem > r->ops->max_timeout_s ||
			    r->ops->max_timeout_s == 0 ||
			    rem - f->remaining <= RETIME_SLACK_S)
				continue;
			nret++;
		}
		if (cidr_parse(b->cidr, &add[na].net) < 0)
			continue;
		add[na].refresh = f != NULL;
		add[na].duration_s = rem;
		add[na].incident_id = b->incident_id;
		strlcpy_r(add[na].reason, b->reason, sizeof(add[na].reason));
		na++;
	}
	for (i = 0; i < h.n; i++)
		if (!h.v[i].seen && cidr_parse(h.v[i].cidr, &del[nd].net) == 0)
			nd++;
	if (na) {
		memset(&e, 0, sizeof(e));
		if (responder_apply(r, add, na, &e) < 0)
			log_warnx("reconcile responder=%s re-add error=%s",
			    r->name, e.msg);
	}
	if (nd && r->ops->revert != NULL) {
		memset(&e, 0, sizeof(e));
		if (r->ops->revert(r, del, nd, &e) < 0)
			log_warnx("reconcile responder=%s remove error=%s",
			    r->name, e.msg);
	}
	if (na || nd)
		log_warnx("reconcile responder=%s drift missing=%zu "
		    "retimed=%zu extra=%zu held=%zu active=%zu", r->name,
		    na - nret, nret, nd, h.n, act->n);
	else
		log_debug("reconcile responder=%s in sync held=%zu", r->name,
		    h.n);
	c->stats.drift_missing += na - nret;
	c->stats.drift_retimed += nret;
	c->stats.drift_extra += nd;
	free(add);
	free(del);
	free(h.v);
	free(h.wide);
	free(actrows.v);
	return (int)(na + nd);
}

int
containment_reconcile(struct containment *c, struct store *st, int64_t now,
    struct err *e)
{
	size_t k;
	int total = 0;

	(void)e;
	if (c->dry_run)
		return 0;
	for (k = 0; k < c->n; k++)
		if (c->v[k]->ops->list != NULL && c->v[k]->ops->apply != NULL)
			total += reconcile_one(c, c->v[k], st, now);
	return total;
}

/* ------------------------------------------------------------ executor */

struct contain_exec {
	struct containment	*c;
	int64_t			 next_expire, next_reconcile;	/* µs */
	int64_t			 next_watch;
};

#define WATCH_INTERVAL_US	(2 * 1000000LL)	/* locked accounts */

static int
cx_start(struct executor *ex, struct store *st, struct err *e)
{
	struct contain_exec *x = ex->priv;
	int64_t now = store_now_usec();

	x->c = containment_open(ex->cfg, ex->dry_run, stdout, 0, e);
	if (x->c == NULL)
		return -1;
	if (containment_expire(x->c, st, now, e) < 0)
		log_warnx("containment: expire: %s", e->msg);
	err_clear(e);
	if (containment_reconcile(x->c, st, now, e) < 0)
		log_warnx("containment: reconcile: %s", e->msg);
	err_clear(e);
	x->next_expire = now + x->c->rc->expire_interval * 1000000;
	x->next_reconcile = now + x->c->rc->reconcile_interval * 1000000;
	log_info("containment: %zu responder%s%s", x->c->n,
	    x->c->n == 1 ? "" : "s", ex->dry_run ? " (dry-run)" : "");
	return 0;
}

static int
cx_run(struct executor *ex, struct store *st, int64_t now, struct err *e)
{
	struct contain_exec *x = ex->priv;
	int n, total;

	if (x == NULL || x->c == NULL)
		return 0;
	/* First: an address an account came back from is blocked below. */
	if (now >= x->next_watch) {
		x->next_watch = now + WATCH_INTERVAL_US;
		if (containment_watch(x->c, st, now, e) < 0)
			return -1;
	}
	if ((total = containment_decisions(x->c, st, now, e)) < 0)
		return -1;
	if (now >= x->next_expire) {
		x->next_expire = now + x->c->rc->expire_interval * 1000000;
		if ((n = containment_expire(x->c, st, now, e)) < 0)
			return -1;
		total += n;
	}
	if (x->c->rc->reconcile_interval > 0 && now >= x->next_reconcile) {
		x->next_reconcile = now + x->c->rc->reconcile_interval *
		    1000000;
		if (containment_reconcile(x->c, st, now, e) < 0)
			return -1;
	}
	return total;
}

static void
cx_stop(struct executor *ex)
{
	struct contain_exec *x = ex->priv;

	if (x == NULL)
		return;
	containment_close(x->c);
	x->c = NULL;
}

const struct executor_ops executor_containment = {
	.name = "containment",
	.priv_size = sizeof(struct contain_exec),
	.inline_after_commit = 1,
	.interval_ms = 1000,
	.start = cx_start,
	.run = cx_run,
	.stop = cx_stop,
};
