/* SPDX-License-Identifier: MIT */
/*
 * What a restart of the policy needs, kept in the store's policy_window
 * table: the state of incidents, rule windows and widening counts, and
 * the event clock. The daemon saves every key its alerts changed in the
 * commit that carries their input bookmark (policy_checkpoint), so a
 * kill -9 after any commit resumes exactly there; keys that leave memory
 * (closed, evicted) leave the store in the same way. Saves and deletes are
 * appended to the store's policy log; each checkpoint trims its oldest
 * rows, saving again the keys among them that memory still holds, so the
 * log stays within about twice the keys held.
 */
#include <stdlib.h>
#include <string.h>

#include "policy_int.h"
#include "xmalloc.h"

/* The key of the saved event clock. */
static const uint8_t clock_key[3] = { STATE_VERSION, 'C', 0 };

struct saved_clock {
	int64_t	clock, wall;
};

/* Puts key on the changed list once (*listed says it is there). */
void
policy_list_changed(struct policy *p, uint8_t tag, const void *key,
    size_t len, uint8_t *listed)
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
void
policy_list_changed_inc(struct policy *p, struct inc_state *s,
    const uint8_t *key)
{
	uint8_t listed = (s->flags & INC_F_LISTED) != 0;

	policy_list_changed(p, 'I', key, 17, &listed);
	if (listed)
		s->flags |= INC_F_LISTED;
}

static int
delete_saved(struct policy *p, char tag, const void *key, size_t keylen,
    struct err *e)
{
	uint8_t k[TRACKER_KEY_MAX + 2];

	k[0] = STATE_VERSION;
	k[1] = (uint8_t)tag;
	memcpy(k + 2, key, keylen);
	p->log_rows++;
	return store_window_delete(p->st, k, keylen + 2, e);
}

/* Deletes the saved state of an incident that leaves memory. */
int
policy_forget_saved(struct policy *p, const void *key, size_t keylen,
    struct inc_state *s, struct err *e)
{
	if (!p->persist || !(s->flags & INC_F_SAVED))
		return 0;
	s->flags &= ~INC_F_SAVED;
	return delete_saved(p, 'I', key, keylen, e);
}

/*
 * A rule window or widening count evicted at the memory cap: its saved
 * copy goes too, else a restart would bring back what memory dropped and
 * the table would grow under a flood. Errors surface from the next feed.
 */
static void
evicted_saved(struct policy *p, char tag, const void *key, size_t keylen,
    uint8_t *saved)
{
	if (!p->persist || p->loading || !*saved)
		return;
	*saved = 0;
	if (!p->evict_err.set)
		delete_saved(p, tag, key, keylen, &p->evict_err);
}

void
policy_win_evicted(void *arg, const void *key, size_t keylen, void *value)
{
	evicted_saved(arg, 'W', key, keylen, &((struct win_val *)value)->saved);
}

void
policy_wide_evicted(void *arg, const void *key, size_t keylen, void *value)
{
	evicted_saved(arg, 'P', key, keylen,
	    &((struct widen_val *)value)->saved);
}

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
	} else {
		if (sv->tag == 'W')
			((struct win_val *)value)->saved = 1;
		else
			((struct widen_val *)value)->saved = 1;
		rc = store_window_save(sv->p->st, k, keylen + 2, value,
		    sv->tag == 'W' ? sizeof(struct win_val) :
		    sizeof(struct widen_val), sv->e);
	}
	if (rc < 0) {
		sv->rc = -1;
		return 1;
	}
	sv->p->log_rows++;
	return 0;
}

static int
save_clock(struct policy *p, struct err *e)
{
	/* Events read since the last idle call were read about now. */
	struct saved_clock c = { p->clock, p->clock_wall ? p->clock_wall :
	    store_now_usec() };

	p->clock_moved = 0;
	p->log_rows++;
	return store_window_save(p->st, clock_key, sizeof(clock_key), &c,
	    sizeof(c), e);
}

/*
 * Rewrites the saved state. full=0 (periodic, without save_changes)
 * skips one-off keys, which under a flood are the bulk and would be
 * evicted soon anyway.
 */
int
policy_state_save(struct policy *p, int full, struct err *e)
{
	struct saver sv = { p, e, NULL, full ? 0 : 2, 0, 0 };

	if (store_begin(p->st, e) < 0)
		return -1;
	if (store_window_clear(p->st, e) < 0)
		goto fail;
	p->log_rows = 0;
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
	if (sv.rc < 0 || save_clock(p, e) < 0)
		goto fail;
	p->last_save = store_now_usec();
	return store_commit(p->st, e);
fail:
	store_rollback(p->st);
	return -1;
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
	case 'C': {
		struct saved_clock c;

		if (keylen != sizeof(clock_key) || statelen != sizeof(c))
			return 0;
		memcpy(&c, state, sizeof(c));
		p->clock = c.clock;
		p->clock_wall = c.wall;
		break;
	}
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
		wv.saved = 1;
		memcpy(wk, k + 2, keylen - 2);
		if (wv.rule_fp &&
		    !policy_rules_place(p, wk, keylen - 2, wv.rule_fp))
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
		((struct widen_val *)v)->saved = 1;
		break;
	}
	return 0;
}

int
policy_state_load(struct policy *p, struct err *e)
{
	int rc;

	p->loading = 1;
	rc = store_window_load(p->st, load_one, p, e);
	p->loading = 0;
	p->log_rows = 0;	/* folded into the table by the load */
	return rc;
}

/*
 * Saves the state on the changed list, as policy_state_save would and
 * inside the caller's transaction: every key an alert touched since the
 * last checkpoint, one-off sources included (a lone alert is a count, an
 * incident and maybe a block that a kill -9 must not lose), and the
 * event clock.
 */
static int
save_changed(struct policy *p, struct err *e)
{
	struct saver sv = { p, e, NULL, 0, 0, 0 };
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
	if (sv.rc == 0 && p->save_changes && p->clock_moved &&
	    save_clock(p, e) < 0)
		return -1;
	return sv.rc;
}

/* The oldest log rows' keys, read before any is saved again. */
struct trimmer {
	uint8_t		(*key)[TRACKER_KEY_MAX + 2];
	uint8_t		*len;
	size_t		 n, cap;
};

static int
trim_read(void *arg, const void *key, size_t keylen, const void *state,
    size_t statelen)
{
	struct trimmer *t = arg;

	(void)state;
	(void)statelen;
	if (t->n == t->cap)
		return 1;
	t->len[t->n] = (uint8_t)(keylen <= TRACKER_KEY_MAX + 2 ? keylen : 0);
	memcpy(t->key[t->n], key, t->len[t->n]);
	t->n++;
	return 0;
}

/*
 * A key among the oldest log rows is saved again (appended) when memory
 * holds it as saved, so trimming its older rows loses nothing; otherwise
 * its state is gone (its last row is a delete) and its rows may go.
 * mark=0 takes the marks of the keys saved off again.
 */
static int
trim_one(struct policy *p, struct saver *sv, const uint8_t *k,
    size_t keylen, int *clock, int mark)
{
	void *v;

	if (keylen < 3 || k[0] != STATE_VERSION)
		return 0;
	if (k[1] == 'C') {
		*clock = 1;
		return 0;
	}
	sv->tag = (char)k[1];
	sv->t = k[1] == 'I' ? p->inc : k[1] == 'W' ? p->win :
	    k[1] == 'P' ? p->wide : NULL;
	if (sv->t == NULL ||
	    (v = tracker_find(sv->t, k + 2, keylen - 2)) == NULL)
		return 0;
	if (k[1] == 'I' ? !(((struct inc_state *)v)->flags & INC_F_SAVED) :
	    k[1] == 'W' ? !((struct win_val *)v)->saved :
	    !((struct widen_val *)v)->saved)
		return 0;
	/* Once per trim: the list marks are free after save_changed. */
	if (k[1] == 'I') {
		struct inc_state *s = v;

		if (!mark) {
			s->flags &= ~INC_F_LISTED;
			return 0;
		}
		if (s->flags & INC_F_LISTED)
			return 0;
		s->flags |= INC_F_LISTED;
	} else {
		uint8_t *listed = k[1] == 'W' ? &((struct win_val *)v)->listed :
		    &((struct widen_val *)v)->listed;

		if (!mark) {
			*listed = 0;
			return 0;
		}
		if (*listed)
			return 0;
		*listed = 1;
	}
	save_one(sv, k + 2, keylen - 2, v);
	return sv->rc;
}

/* Log rows allowed beyond twice the keys memory holds. */
#define LOG_SLACK	4096

/*
 * Trims the policy log when it holds more than twice the keys in memory
 * (and some slack): the oldest rows, twice as many as this checkpoint
 * appended, so the log shrinks while the work stays in proportion.
 */
static int
trim_log(struct policy *p, uint64_t appended, struct err *e)
{
	struct tracker_stats a, b, c;
	struct saver sv = { p, e, NULL, 0, 0, 0 };
	struct trimmer t;
	uint64_t held;
	int64_t last;
	size_t i;
	int clock = 0, rc = -1;

	tracker_stats(p->inc, &a);
	tracker_stats(p->win, &b);
	tracker_stats(p->wide, &c);
	held = a.entries + b.entries + c.entries;
	if (p->log_rows <= 2 * held + LOG_SLACK)
		return 0;
	t.n = 0;
	t.cap = (size_t)(2 * appended + 256);
	t.key = xreallocarray(NULL, t.cap, sizeof(*t.key));
	t.len = xmalloc(t.cap);
	if (store_window_oldest(p->st, t.cap, trim_read, &t, &last, e) < 0)
		goto out;
	for (i = 0; i < t.n; i++)
		if (trim_one(p, &sv, t.key[i], t.len[i], &clock, 1) < 0)
			break;
	for (i = 0; i < t.n; i++)
		trim_one(p, &sv, t.key[i], t.len[i], &clock, 0);
	if (sv.rc < 0)
		goto out;
	if (last != 0 && ((clock && save_clock(p, e) < 0) ||
	    store_window_trim(p->st, last, e) < 0))
		goto out;
	p->log_rows -= t.n < p->log_rows ? t.n : p->log_rows;
	rc = 0;
out:
	free(t.key);
	free(t.len);
	return rc;
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
	uint64_t before;
	size_t i;

	if (p->evict_err.set) {
		err_set(e, "%s", p->evict_err.msg);
		err_clear(&p->evict_err);
		return -1;
	}
	for (i = 0; i < p->ndirty; i++) {
		s = tracker_find(p->inc, p->dirty[i], sizeof(p->dirty[i]));
		if (s != NULL && s->id && (s->flags & INC_F_DIRTY) &&
		    policy_inc_write(p, s, 0, NULL, e) < 0)
			return -1;
	}
	p->ndirty = 0;
	before = p->log_rows;
	if (save_changed(p, e) < 0)
		return -1;
	return p->save_changes ? trim_log(p, p->log_rows - before, e) : 0;
}

void
policy_save_changes(struct policy *p, int on)
{
	p->save_changes = on && p->persist;
}
