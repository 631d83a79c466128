/* SPDX-License-Identifier: MIT */
/*
 * The reporter executor: turns pending "report" decisions into signed
 * drafts in the Maildir outbox. One report per abuse desk per period
 * (reports.period): incidents of the same desk join the open draft. No
 * new complaint about the same source to the same desk within
 * reports.repeat_after: later events join that report while it is still
 * a draft, else become a follow-up (In-Reply-To/References). "internal"
 * reports go to reports.team_address only (with what lockacct did on
 * our host: the incident's notes), "upstream" to
 * reports.upstream_address; "source" waits until the resolver has stored
 * a contact. Kinds in reports.skip_review are approved at once unless the
 * contact is low-confidence. An evidence capture of the incident
 * (<state_dir>/evidence/<id>/incident-<id>.pcap, written by the capture
 * responder) is attached when reports.attach_pcap is on.
 */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

#include "executor.h"
#include "log.h"
#include "contact.h"
#include "followup.h"
#include "outbox.h"
#include "outbox_sync.h"
#include "report.h"
#include "resolver.h"
#include "store_block.h"
#include "store_note.h"
#include "store_policy.h"
#include "store_report.h"
#include "xmalloc.h"

struct dlist {
	struct decision_row	*v;
	size_t			 n;
};

static int
collect_decision(void *arg, const struct decision_row *d)
{
	struct dlist *l = arg;

	l->v = xreallocarray(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = *d;
	return 0;
}

struct inc_set {
	struct store		*st;
	const struct report_conf *rc;
	struct incident_row	*rows;
	struct report_incident	*ri;
	size_t			 n;
	struct err		*e;
	int			 failed;
};

static int
collect_note(void *arg, const struct note_row *nr)
{
	struct report_incident *ri = arg;
	struct note_row *v = (struct note_row *)ri->notes;

	v = xreallocarray(v, ri->nnotes + 1, sizeof(*v));
	v[ri->nnotes++] = *nr;
	ri->notes = v;
	return 0;
}

static int
collect_evidence(void *arg, const struct evidence_row *ev)
{
	struct report_incident *ri = arg;

	ri->evidence = xreallocarray(ri->evidence, ri->nevidence + 1,
	    sizeof(*ri->evidence));
	ri->evidence[ri->nevidence++] = xstrdup(ev->alert_json);
	return 0;
}

/* The latest expiry of an applied block of incident ri (not dry-run). */
static int
block_of_incident(void *arg, const struct block_row *b)
{
	struct report_incident *ri = arg;

	if (b->incident_id == ri->row->id && b->removed_usec == 0 &&
	    b->responder[0] != '\0' && strcmp(b->responder, "none") != 0 &&
	    strncmp(b->responder, "dry-run:", 8) != 0 &&
	    b->expires_usec > ri->contained_until)
		ri->contained_until = b->expires_usec;
	return 0;
}

static int
collect_incident(void *arg, int64_t id, const char *src)
{
	struct inc_set	*s = arg;
	int		 rc;

	(void)src;
	s->rows = xreallocarray(s->rows, s->n + 1, sizeof(*s->rows));
	s->ri = xreallocarray(s->ri, s->n + 1, sizeof(*s->ri));
	memset(&s->rows[s->n], 0, sizeof(s->rows[s->n]));
	memset(&s->ri[s->n], 0, sizeof(s->ri[s->n]));
	rc = store_incident_get(s->st, id, &s->rows[s->n], s->e);
	if (rc != 1) {
		if (rc == 0)
			err_set(s->e, "incident %lld is gone", (long long)id);
		s->failed = 1;
		return 1;
	}
	s->n++;
	return 0;
}

static void
inc_set_free(struct inc_set *s)
{
	size_t	i, j;

	for (i = 0; i < s->n; i++) {
		for (j = 0; j < s->ri[i].nevidence; j++)
			free(s->ri[i].evidence[j]);
		free(s->ri[i].evidence);
		free((void *)s->ri[i].pcap);
		free((void *)s->ri[i].notes);
		incident_row_clear(&s->rows[i]);
	}
	free(s->rows);
	free(s->ri);
}

static int
kind_skips_review(const struct report_conf *rc, const char *kind)
{
	size_t	i;

	for (i = 0; i < rc->skip_review.n; i++)
		if (strcmp(rc->skip_review.v[i], kind) == 0)
			return 1;
	return 0;
}

/*
 * Cc of a report to a source network: resolver.copy_to (our own ISP's
 * abuse desk, as the classic advice says), always as configured now,
 * then the national CERT the resolver chose (cert). NULL when none.
 */
static char *
cc_list(const struct config *cfg, const char *recipient, const char *cert)
{
	char	*out = NULL, *t;
	size_t	 i;

	if (strcmp(recipient, RECIPIENT_SOURCE) != 0)
		return NULL;
	for (i = 0; cfg->resolver != NULL && i < cfg->resolver->copy_to.n;
	    i++) {
		t = xasprintf("%s%s%s", out ? out : "", out ? ", " : "",
		    cfg->resolver->copy_to.v[i]);
		free(out);
		out = t;
	}
	if (cert[0] != '\0') {
		t = xasprintf("%s%s%s", out ? out : "", out ? ", " : "", cert);
		free(out);
		out = t;
	}
	return out;
}

#define CAPTURE_ATTACH_MAX	(8u << 20)

/*
 * Reads the incident's capture file when there is one (and it is not
 * larger than a mail should carry). 0 none or too large (logged), 1 read.
 */
static int
read_capture(const char *state_dir, int64_t id, struct report_incident *ri)
{
	char		 path[4096], *buf;
	struct stat	 sb;
	struct err	 e = { "", 0 };
	size_t		 len;

	if (state_dir == NULL)
		return 0;
	snprintf(path, sizeof(path), "%s/evidence/%lld/incident-%lld.pcap",
	    state_dir, (long long)id, (long long)id);
	if (stat(path, &sb) < 0 || !S_ISREG(sb.st_mode) || sb.st_size <= 24)
		return 0;
	if ((uintmax_t)sb.st_size > CAPTURE_ATTACH_MAX) {
		log_warnx("report: %s is %lld bytes, over %u; not attached",
		    path, (long long)sb.st_size, CAPTURE_ATTACH_MAX);
		return 0;
	}
	if (outbox_read(path, &buf, &len, &e) == -1) {
		log_warnx("report: %s; not attached", e.msg);
		return 0;
	}
	ri->pcap = (unsigned char *)buf;
	ri->pcap_len = len;
	return 1;
}

/* <state_dir>/edited/report-<id>.<ext>: the text, and the incidents it covers. */
static char *
edited_path(const struct config *cfg, int64_t id, const char *ext)
{
	if (cfg->general.state_dir == NULL)
		return NULL;
	return xasprintf("%s/edited/report-%lld.%s", cfg->general.state_dir,
	    (long long)id, ext);
}

char *
reporter_edited_text(const struct config *cfg, int64_t id)
{
	char		*path = edited_path(cfg, id, "txt"), *buf = NULL;
	struct stat	 sb;
	struct err	 e = { "", 0 };
	size_t		 len;

	if (path != NULL && stat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    sb.st_size <= (1 << 20) && outbox_read(path, &buf, &len, &e) == -1)
		log_warnx("report %lld: %s", (long long)id, e.msg);
	free(path);
	return buf;
}

/* The incident ids of a report, one per line. */
struct id_list {
	char	*s;
	size_t	 len;
};

static int
list_incident(void *arg, int64_t id, const char *src)
{
	struct id_list	*l = arg;
	char		 num[24];
	int		 n;

	(void)src;
	n = snprintf(num, sizeof(num), "%lld\n", (long long)id);
	l->s = xreallocarray(l->s, l->len + (size_t)n + 1, 1);
	memcpy(l->s + l->len, num, (size_t)n + 1);
	l->len += (size_t)n;
	return 0;
}

int
reporter_edited_save(const struct config *cfg, struct store *st, int64_t id,
    const char *text, struct err *e)
{
	char		*path = edited_path(cfg, id, "txt"), *slash;
	struct id_list	 l = { xstrdup(""), 0 };
	int		 rv = -1;

	if (path == NULL) {
		free(l.s);
		return err_set(e, "general.state_dir is not set");
	}
	slash = strrchr(path, '/');
	*slash = '\0';
	if (mkdir(path, 0700) == -1 && errno != EEXIST) {
		err_set(e, "%s: %s", path, strerror(errno));
		goto out;
	}
	*slash = '/';
	/* The text first: should the list fail, the older list makes the
	 * P.S. name more incidents, never fewer. */
	if (store_report_incidents(st, id, list_incident, &l, e) < 0 ||
	    outbox_replace(path, text, strlen(text), e) == -1)
		goto out;
	free(path);
	path = edited_path(cfg, id, "incidents");
	rv = outbox_replace(path, l.s, l.len, e);
out:
	free(path);
	free(l.s);
	return rv;
}

/*
 * Whether incident iid is in list, the ids an edited text was written
 * for (1 as well when no list was kept: a text edited before lists were).
 */
static int
edited_covers(const char *list, int64_t iid)
{
	const char	*p;
	char		*end;
	long long	 v;

	if (list == NULL)
		return 1;
	for (p = list; *p != '\0'; p = end) {
		v = strtoll(p, &end, 10);
		if (end == p) {
			end = (char *)p + 1;
			continue;
		}
		if (v == iid)
			return 1;
	}
	return 0;
}

/*
 * The reviewer's text of report id with a P.S. for the incidents of
 * s that joined after the edit; NULL when it was never edited.
 */
static char *
edited_body(const struct config *cfg, int64_t id, const struct inc_set *s)
{
	char		*text, *path, *list = NULL, *ps, *out;
	struct report_incident *added;
	struct err	 e = { "", 0 };
	size_t		 len, i, n = 0;

	if ((text = reporter_edited_text(cfg, id)) == NULL)
		return NULL;
	path = edited_path(cfg, id, "incidents");
	if (access(path, F_OK) == 0 && outbox_read(path, &list, &len,
	    &e) == -1)
		log_warnx("report %lld: %s", (long long)id, e.msg);
	free(path);
	added = xreallocarray(NULL, s->n + 1, sizeof(*added));
	for (i = 0; i < s->n; i++)
		if (!edited_covers(list, s->rows[i].id))
			added[n++] = s->ri[i];
	free(list);
	if (n == 0 || (ps = report_addendum(added, n)) == NULL) {
		free(added);
		return text;
	}
	free(added);
	out = xasprintf("%s%s%s", text, text[0] && text[strlen(text) - 1] !=
	    '\n' ? "\n" : "", ps);
	free(text);
	free(ps);
	return out;
}

/* (Re)writes the message of report row r from all its incidents. */
static int
render_row(struct executor *ex, struct store *st, struct report_row *r,
    const struct report_contact *c, int64_t now, struct err *e)
{
	const struct report_conf *rc = ex->cfg->reports;
	struct inc_set	 s = { st, rc, NULL, NULL, 0, e, 0 };
	struct report	 rep;
	char		*msg, *edited;
	size_t		 len, i;
	int		 rv = -1;

	if (store_report_incidents(st, r->id, collect_incident, &s, e) < 0 ||
	    s.failed)
		goto out;
	for (i = 0; i < s.n; i++) {
		s.ri[i].row = &s.rows[i];
		if (store_evidence_list(st, s.rows[i].id,
		    (size_t)rc->max_evidence, collect_evidence, &s.ri[i],
		    e) < 0)
			goto out;
		if (rc->attach_pcap)
			read_capture(ex->cfg->general.state_dir,
			    s.rows[i].id, &s.ri[i]);
		if (store_block_list(st, BLOCK_LIST_ACTIVE, now,
		    block_of_incident, &s.ri[i], e) < 0)
			goto out;
		/* What was done on our host: for our own team only. */
		if (c->team && store_note_list(st, s.rows[i].id, collect_note,
		    &s.ri[i], e) < 0)
			goto out;
	}
	if (report_build(rc, s.ri, s.n, c, now, &rep, e) == -1)
		goto out;
	if ((edited = edited_body(ex->cfg, r->id, &s)) != NULL) {
		free(rep.body);
		rep.body = edited;
	}
	free(rep.to);
	rep.to = xstrdup(r->rcpt);
	rep.cc = cc_list(ex->cfg, r->recipient, c->cc);
	rep.message_id = xstrdup(r->message_id);
	free(rep.in_reply_to);
	rep.in_reply_to = xstrdup(r->in_reply_to);
	followup_annotate(st, r, &rep.subject, &rep.body);
	if (report_mime(rc, &rep, now, &msg, &len, e) == -1) {
		report_free(&rep);
		goto out;
	}
	strlcpy_r(r->subject, rep.subject, sizeof(r->subject));
	report_free(&rep);
	if (r->path[0] != '\0')
		rv = outbox_replace(r->path, msg, len, e);
	else
		rv = outbox_draft(rc->outbox, r->id, msg, len, r->path,
		    sizeof(r->path), e);
	free(msg);
	if (rv == 0)
		rv = store_report_update(st, r, e);
out:
	inc_set_free(&s);
	return rv;
}

/*
 * The contact for a decision: 1 found, 0 not yet (stays pending), -1
 * refused (no address configured).
 */
static int
contact_for(struct executor *ex, struct store *st,
    const struct decision_row *d, const struct incident_row *in,
    struct report_contact *c, struct err *e)
{
	const struct report_conf *rc = ex->cfg->reports;

	memset(c, 0, sizeof(*c));
	if (strcmp(d->recipient, RECIPIENT_INTERNAL) == 0 ||
	    strcmp(d->recipient, RECIPIENT_UPSTREAM) == 0) {
		const char *a = strcmp(d->recipient, RECIPIENT_INTERNAL) == 0 ?
		    rc->team_address : rc->upstream_address;

		if (a == NULL || a[0] == '\0') {
			err_set(e, "no reports.%s configured",
			    strcmp(d->recipient, RECIPIENT_INTERNAL) == 0 ?
			    "team_address" : "upstream_address");
			return -1;
		}
		strlcpy_r(c->address, a, sizeof(c->address));
		strlcpy_r(c->network, rc->organisation != NULL &&
		    rc->organisation[0] ? rc->organisation : a,
		    sizeof(c->network));
		strlcpy_r(c->source, "config", sizeof(c->source));
		c->team = strcmp(d->recipient, RECIPIENT_INTERNAL) == 0;
		return 1;
	}
	/*
	 * "source": the resolver's cached contact for the target address.
	 * No fresh contact yet (or one without a recipient): stay pending,
	 * the resolver executor is working on it.
	 */
	if (strcmp(d->recipient, RECIPIENT_SOURCE) == 0) {
		struct contact	ct;
		struct addr	a;
		struct cidr	net;
		size_t		i;
		int		found, sec;

		if (addr_parse(d->target, &a) == -1) {
			if (cidr_parse(d->target, &net) == -1)
				return err_set(e, "target \"%s\" is not an "
				    "address", d->target);
			a = net.net;
		}
		if ((found = store_contact_lookup(st, &a, &ct, e)) != 1)
			return found;
		sec = in->kind == INCIDENT_EXPLOIT ||
		    in->kind == INCIDENT_COMPROMISE;
		for (i = 0; i < ct.naddrs; i++)
			if (contact_to(&ct, i, sec))
				break;
		if (i == ct.naddrs) {
			contact_clear(&ct);
			return 0;
		}
		strlcpy_r(c->address, ct.addrs[i].email, sizeof(c->address));
		/* The network's national CERT, as the resolver chose it,
		 * goes in Cc (with copy_to, see cc_list). */
		for (size_t j = 0; j < ct.naddrs; j++) {
			size_t l = strlen(c->cc);

			if (strcmp(ct.addrs[j].role, "cert") != 0 ||
			    l + 2 + strlen(ct.addrs[j].email) >= sizeof(c->cc))
				continue;
			snprintf(c->cc + l, sizeof(c->cc) - l, "%s%s",
			    l ? ", " : "", ct.addrs[j].email);
		}
		/* Every abuse address the resolver kept for the network
		 * (resolver.max_recipients) goes in To. */
		for (size_t j = i + 1; j < ct.naddrs; j++) {
			size_t l = strlen(c->address);

			if (!contact_to(&ct, j, sec) ||
			    strstr(c->address, ct.addrs[j].email) != NULL ||
			    l + 2 + strlen(ct.addrs[j].email) >=
			    sizeof(c->address))
				continue;
			snprintf(c->address + l, sizeof(c->address) - l,
			    ", %s", ct.addrs[j].email);
		}
		strlcpy_r(c->network, ct.network_name[0] ? ct.network_name :
		    strchr(ct.addrs[i].email, '@') + 1, sizeof(c->network));
		strlcpy_r(c->source, strncmp(ct.addrs[i].source, "rdap", 4) ==
		    0 ? "rdap" : strncmp(ct.addrs[i].source, "whois", 5) == 0 ?
		    "whois" : "ptr", sizeof(c->source));
		c->low_confidence = ct.low_confidence ||
		    ct.addrs[i].low_confidence;
		contact_clear(&ct);
		return 1;
	}
	(void)in;
	return err_set(e, "unknown recipient \"%s\"", d->recipient);
}


static int
handle(struct executor *ex, struct store *st, const struct decision_row *d,
    int64_t now, struct err *e)
{
	const struct report_conf *rc = ex->cfg->reports;
	struct incident_row	 in;
	struct report_contact	 c;
	struct report_row	 r, prev;
	int			 rc2, found;

	memset(&in, 0, sizeof(in));
	if ((rc2 = store_incident_get(st, d->incident_id, &in, e)) != 1) {
		if (rc2 == 0)
			return store_decision_set_state(st, d->id,
			    DECISION_FAILED, e) == -1 ? -1 : 1;
		return -1;
	}
	rc2 = contact_for(ex, st, d, &in, &c, e);
	if (rc2 <= 0) {
		incident_row_clear(&in);
		if (rc2 == 0)
			return 0;
		log_warnx("reporter: decision %lld: %s", (long long)d->id,
		    e->msg);
		err_clear(e);
		return store_decision_set_state(st, d->id, DECISION_FAILED,
		    e) == -1 ? -1 : 1;
	}
	followup_contact(st, &c);	/* bounced addresses left out */
	if (store_begin(st, e) == -1)
		goto fail;
	memset(&r, 0, sizeof(r));
	/* Same source, same desk, within repeat_after? */
	found = store_report_find(st, c.address, in.src, 0,
	    now - rc->repeat_s * 1000000, &prev, e);
	/* Later, but the desk's thread is still open: follow up in it. */
	if (found == 0)
		found = followup_reopen(st, c.address, in.src, &prev, e);
	if (found == -1)
		goto rollback;
	if (found && strcmp(prev.state, REPORT_DRAFT) == 0)
		r = prev;
	else {
		if (!found) {
			/* Gather: the desk's open draft of this period. */
			found = store_report_find(st, c.address, NULL, 1, now,
			    &prev, e);
			if (found == -1)
				goto rollback;
		} else
			found = 2;	/* follow-up of a report sent */
		if (found == 1)
			r = prev;
		else {
			char *mid;

			strlcpy_r(r.state, REPORT_DRAFT, sizeof(r.state));
			strlcpy_r(r.recipient, d->recipient,
			    sizeof(r.recipient));
			strlcpy_r(r.rcpt, c.address, sizeof(r.rcpt));
			strlcpy_r(r.kind, incident_kind_name(in.kind),
			    sizeof(r.kind));
			strlcpy_r(r.subject, "(rendering)", sizeof(r.subject));
			if (found == 2)
				strlcpy_r(r.in_reply_to, prev.message_id,
				    sizeof(r.in_reply_to));
			r.low_confidence = c.low_confidence;
			r.period_end_usec = now + rc->period_s * 1000000;
			/* Unique placeholder until the id is known. */
			mid = report_message_id(report_mid_domain(rc), 0);
			strlcpy_r(r.message_id, mid, sizeof(r.message_id));
			free(mid);
			if (store_report_insert(st, &r, e) == -1)
				goto rollback;
			mid = report_message_id(report_mid_domain(rc), r.id);
			strlcpy_r(r.message_id, mid, sizeof(r.message_id));
			free(mid);
		}
	}
	if (c.low_confidence)
		r.low_confidence = 1;
	if (store_report_link(st, r.id, in.id, in.src, e) == -1 ||
	    render_row(ex, st, &r, &c, now, e) == -1)
		goto rollback;
	if (!r.low_confidence && kind_skips_review(rc, r.kind) &&
	    strcmp(r.state, REPORT_DRAFT) == 0 &&
	    store_report_set_state(st, r.id, REPORT_DRAFT, REPORT_APPROVED,
	    NULL, e) == -1)
		goto rollback;
	if (store_decision_set_state(st, d->id, DECISION_DONE, e) == -1 ||
	    store_incident_set_state(st, in.id, INCIDENT_STATE_DRAFTED,
	    e) == -1 || store_commit(st, e) == -1)
		goto rollback;
	log_info("reporter: incident %lld -> report %lld to %s",
	    (long long)in.id, (long long)r.id, r.rcpt);
	incident_row_clear(&in);
	return 1;
rollback:
	store_rollback(st);
fail:
	incident_row_clear(&in);
	return -1;
}

static int
reporter_start(struct executor *ex, struct store *st, struct err *e)
{
	const struct report_conf	*rc = ex->cfg->reports;
	struct outbox_sync_count	 n;

	if (rc == NULL || rc->from == NULL)
		return err_set(e, "reporter: no reports section with from");
	if (outbox_init(rc->outbox, e) == -1)
		return -1;
	if (rc->reviewers_group != NULL) {
		struct group *g = getgrnam(rc->reviewers_group);

		if (g == NULL)
			return err_set(e, "reports.reviewers_group: no such "
			    "group \"%s\"", rc->reviewers_group);
		if (outbox_init_group(rc->outbox, g->gr_gid, e) == -1)
			return -1;
	}
	/* What a crash left: one file per report, named from its row. */
	if (outbox_reconcile(rc->outbox, st, &n, e) == -1)
		return -1;
	if (n.removed > 0 || n.adopted > 0)
		log_info("reporter: outbox %s: %d stale files removed, %d "
		    "adopted", rc->outbox, n.removed, n.adopted);
	return report_sign_check(rc, e);
}

static int
reporter_run(struct executor *ex, struct store *st, int64_t now,
    struct err *e)
{
	struct dlist	l = { NULL, 0 };
	size_t		i;
	int		n = 0, rc;

	if (store_decision_pending(st, DECISION_REPORT, 100, collect_decision,
	    &l, e) < 0)
		return -1;
	for (i = 0; i < l.n && !executor_stopping(ex); i++) {
		struct err e2 = { "", 0 };

		rc = handle(ex, st, &l.v[i], now, &e2);
		if (rc == -1)
			log_warnx("reporter: decision %lld: %s",
			    (long long)l.v[i].id, e2.msg);
		else
			n += rc;
	}
	free(l.v);
	return n;
}

static void
reporter_stop(struct executor *ex)
{
	(void)ex;
}

struct first_inc {
	int64_t	id;
	char	src[64];
};

static int
first_incident(void *arg, int64_t id, const char *src)
{
	struct first_inc *f = arg;

	f->id = id;
	strlcpy_r(f->src, src, sizeof(f->src));
	return 1;
}

int
reporter_rerender(struct executor *ex, struct store *st, int64_t id,
    int64_t now, struct err *e)
{
	struct report_row	r;
	struct report_contact	c;
	struct decision_row	d;
	struct incident_row	in;
	struct first_inc	f = { 0, "" };
	int			rc;

	if ((rc = store_report_get(st, id, &r, e)) != 1)
		return rc == 0 ? err_set(e, "no report %lld", (long long)id) :
		    -1;
	if (store_report_incidents(st, id, first_incident, &f, e) == -1)
		return -1;
	if (f.id == 0)
		return err_set(e, "report %lld has no incident", (long long)id);
	memset(&in, 0, sizeof(in));
	if ((rc = store_incident_get(st, f.id, &in, e)) != 1)
		return rc == 0 ? err_set(e, "incident %lld is gone",
		    (long long)f.id) : -1;
	memset(&d, 0, sizeof(d));
	strlcpy_r(d.recipient, r.recipient, sizeof(d.recipient));
	strlcpy_r(d.target, f.src, sizeof(d.target));
	d.incident_id = f.id;
	rc = contact_for(ex, st, &d, &in, &c, e);
	incident_row_clear(&in);
	if (rc != 1)
		return rc == 0 ? err_set(e, "report %lld: its contact is no "
		    "longer cached; wait for the resolver", (long long)id) : -1;
	/* The recipients the reviewer saw stay as they were. */
	strlcpy_r(c.address, r.rcpt, sizeof(c.address));
	if (store_begin(st, e) == -1)
		return -1;
	if (render_row(ex, st, &r, &c, now, e) == -1) {
		store_rollback(st);
		return -1;
	}
	return store_commit(st, e);
}

const struct executor_ops executor_reporter = {
	.name = "reporter",
	.priv_size = 0,
	.inline_after_commit = 0,
	.interval_ms = 10000,
	.start = reporter_start,
	.run = reporter_run,
	.stop = reporter_stop,
};
