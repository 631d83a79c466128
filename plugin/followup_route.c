/* SPDX-License-Identifier: MIT */
/*
 * A report whose every recipient bounced goes back to review with the
 * next candidate: a new draft of the same incidents, addressed to the
 * first registry contact of the source that has not bounced, else to
 * abuse@ of the network's domain (RFC 2142: the bounced address's
 * registrable domain, then the PTR name's). The draft is rendered by the
 * reporter and marked low-confidence when it is such a guess; nothing is
 * approved or sent here.
 */
#include <ctype.h>
#include <inttypes.h>
#include <libpsl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "contact.h"
#include "executor.h"
#include "followup_route.h"
#include "report.h"
#include "store_policy.h"
#include "store_report.h"
#include "store_thread.h"
#include "xmalloc.h"

struct incs {
	int64_t	*ids;
	char	(*srcs)[64];
	size_t	 n;
};

static int
collect_inc(void *arg, int64_t id, const char *src)
{
	struct incs *l = arg;

	l->ids = xreallocarray(l->ids, l->n + 1, sizeof(*l->ids));
	l->srcs = xreallocarray(l->srcs, l->n + 1, sizeof(*l->srcs));
	strlcpy_r(l->srcs[l->n], src, sizeof(l->srcs[0]));
	l->ids[l->n++] = id;
	return 0;
}

/* 1 a usable candidate: not bounced and not one of rr's. */
static int
usable(struct store *st, const struct report_row *rr, const char *addr,
    struct err *e)
{
	int rc;

	if (addr[0] == '\0' || followup_rcpt_has(rr->rcpt, addr))
		return 0;
	if ((rc = store_bounce_get(st, addr, NULL, 0, e)) < 0)
		return -1;
	return rc == 0;
}

/* "abuse@" + the registrable domain of name (an address or a host). */
static void
rfc2142(const char *name, char *out, size_t len)
{
	const psl_ctx_t	*psl = psl_builtin();
	const char	*at = strrchr(name, '@'), *rd = NULL;
	char		 dom[240];
	size_t		 i;

	out[0] = '\0';
	strlcpy_r(dom, at != NULL ? at + 1 : name, sizeof(dom));
	for (i = 0; dom[i] != '\0'; i++)
		dom[i] = (char)tolower((unsigned char)dom[i]);
	if (i > 0 && dom[i - 1] == '.')
		dom[i - 1] = '\0';
	if (dom[0] == '\0' || strchr(dom, '.') == NULL)
		return;
	if (psl != NULL)
		rd = psl_registrable_domain(psl, dom);
	snprintf(out, len, "abuse@%s", rd != NULL ? rd : dom);
	if (!contact_mailbox_ok(out, strlen(out)))
		out[0] = '\0';
}

/* The next candidate into cand: 1 found (guess set when RFC 2142). */
static int
next_candidate(struct store *st, const struct report_row *rr,
    const char *src, char *cand, size_t len, int *guess, struct err *e)
{
	struct contact	ct;
	struct addr	a;
	const char	*p;
	size_t		i;
	int		rc, found = 0;

	memset(&ct, 0, sizeof(ct));
	*guess = 0;
	if (addr_parse(src, &a) == 0 &&
	    (rc = store_contact_lookup(st, &a, &ct, e)) < 0)
		return -1;
	for (i = 0; i < ct.naddrs && !found; i++) {
		if (strcmp(ct.addrs[i].role, "cc") == 0 ||
		    strcmp(ct.addrs[i].role, "cert") == 0)
			continue;
		if ((rc = usable(st, rr, ct.addrs[i].email, e)) < 0)
			goto fail;
		if (rc) {
			strlcpy_r(cand, ct.addrs[i].email, len);
			found = 1;
		}
	}
	/* RFC 2142: abuse@ the bounced domains, then the PTR name's. */
	for (p = rr->rcpt; !found && *p != '\0';) {
		char	tok[256];
		size_t	l;

		while (*p == ' ' || *p == ',')
			p++;
		if ((l = strcspn(p, ", ")) == 0 || l >= sizeof(tok))
			break;
		memcpy(tok, p, l);
		tok[l] = '\0';
		p += l;
		rfc2142(tok, cand, len);
		if ((rc = usable(st, rr, cand, e)) < 0)
			goto fail;
		found = *guess = rc;
	}
	if (!found && ct.ptr[0] != '\0') {
		rfc2142(ct.ptr, cand, len);
		if ((rc = usable(st, rr, cand, e)) < 0)
			goto fail;
		found = *guess = rc;
	}
	contact_clear(&ct);
	return found;
fail:
	contact_clear(&ct);
	return -1;
}

int
followup_reroute(struct executor *ex, struct store *st,
    const struct report_row *rr, int64_t now, int64_t *new_id, char *why,
    size_t whylen, struct err *e)
{
	const struct report_conf *rc = ex->cfg->reports;
	const char	*dom = rc != NULL && rc->message_id_domain != NULL ?
			    rc->message_id_domain : "localhost";
	struct incs	 l = { NULL, NULL, 0 };
	struct report_row r;
	char		 cand[256], *mid;
	size_t		 i;
	int		 found, guess;

	*new_id = 0;
	if (strcmp(rr->recipient, RECIPIENT_SOURCE) != 0) {
		snprintf(why, whylen, "it went to our own %s address: fix the "
		    "configuration", rr->recipient);
		return 0;
	}
	if (store_report_incidents(st, rr->id, collect_inc, &l, e) < 0)
		return -1;
	if (l.n == 0 || (found = next_candidate(st, rr, l.srcs[0], cand,
	    sizeof(cand), &guess, e)) <= 0) {
		found = l.n == 0 ? 0 : found;
		free(l.ids);
		free(l.srcs);
		if (found == 0)
			snprintf(why, whylen, "no further candidate");
		return found;
	}
	memset(&r, 0, sizeof(r));
	strlcpy_r(r.state, REPORT_DRAFT, sizeof(r.state));
	strlcpy_r(r.recipient, rr->recipient, sizeof(r.recipient));
	strlcpy_r(r.rcpt, cand, sizeof(r.rcpt));
	strlcpy_r(r.kind, rr->kind, sizeof(r.kind));
	strlcpy_r(r.subject, "(rendering)", sizeof(r.subject));
	r.low_confidence = guess || rr->low_confidence;
	snprintf(r.reason, sizeof(r.reason), "report %" PRId64 " bounced "
	    "(%.160s); sent to the next candidate%s", rr->id, rr->rcpt,
	    guess ? " (RFC 2142 guess)" : "");
	mid = report_message_id(dom, 0);
	strlcpy_r(r.message_id, mid, sizeof(r.message_id));
	free(mid);
	if (store_begin(st, e) < 0)
		goto out;
	if (store_report_insert(st, &r, e) < 0)
		goto rollback;
	mid = report_message_id(dom, r.id);
	strlcpy_r(r.message_id, mid, sizeof(r.message_id));
	free(mid);
	if (store_report_update(st, &r, e) < 0)
		goto rollback;
	for (i = 0; i < l.n; i++)
		if (store_report_link(st, r.id, l.ids[i], l.srcs[i], e) < 0)
			goto rollback;
	if (reporter_rerender(ex, st, r.id, now, e) < 0 ||
	    store_commit(st, e) < 0)
		goto rollback;
	*new_id = r.id;
	snprintf(why, whylen, "%s", cand);
	free(l.ids);
	free(l.srcs);
	return 0;
rollback:
	store_rollback(st);
out:
	free(l.ids);
	free(l.srcs);
	return -1;
}
