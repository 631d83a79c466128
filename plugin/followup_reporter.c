/* SPDX-License-Identifier: MIT */
/*
 * What the reporter asks of follow-up (one call each): whether a source
 * reported to a desk before is still in an open thread (new evidence then
 * becomes a follow-up in that thread, In-Reply-To its first report,
 * instead of an unrelated complaint); which of the contact's addresses
 * bounced (left out; if all did, the address the bounce was re-routed
 * to, or the same, marked for review either way); and the
 * follow-up's subject and opening (the desk's ticket number, what
 * happened since). Errors are logged: a follow-up detail never stops a
 * report.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "followup.h"
#include "followup_route.h"
#include "log.h"
#include "report.h"
#include "store_report.h"
#include "store_thread.h"
#include "xmalloc.h"

#define FOLLOWUP_OPENING	"This follows our report of"

int
followup_reopen(struct store *st, const char *rcpt, const char *src,
    struct report_row *prev, struct err *e)
{
	int64_t id;

	if ((id = store_thread_reopen(st, rcpt, src, e)) <= 0)
		return id < 0 ? -1 : 0;
	return store_report_get(st, id, prev, e);
}

void
followup_contact(struct store *st, struct report_contact *c)
{
	struct err	 e = { "", 0 };
	char		 kept[sizeof(c->address)] = "", tok[256];
	const char	*p = c->address;
	int		 dropped = 0, rc;

	while (*p != '\0') {
		size_t l, k;

		while (*p == ' ' || *p == ',')
			p++;
		if ((l = strcspn(p, ", ")) == 0 || l >= sizeof(tok))
			break;
		memcpy(tok, p, l);
		tok[l] = '\0';
		p += l;
		if ((rc = store_bounce_get(st, tok, NULL, 0, &e)) == 1) {
			dropped++;
			continue;
		}
		if (rc < 0)
			log_warnx("followup: %s", e.msg);
		k = strlen(kept);
		if (k + 2 + l >= sizeof(kept))
			continue;
		if (k > 0) {
			memcpy(kept + k, ", ", 2);
			k += 2;
		}
		memcpy(kept + k, tok, l + 1);
	}
	if (dropped == 0)
		return;
	if (kept[0] == '\0') {
		/* Every address bounced: the next candidate the bounce was
		 * re-routed to, if any; a person checks either way. */
		c->low_confidence = 1;
		if (store_thread_rerouted_rcpt(st, c->address, kept,
		    sizeof(kept), &e) != 1)
			return;
	}
	strlcpy_r(c->address, kept, sizeof(c->address));
}

void
followup_annotate(struct store *st, const struct report_row *r,
    char **subject, char **body)
{
	struct report_row	root;
	struct thread_row	t;
	struct err		e = { "", 0 };
	char			date[32], tk[96] = "";
	struct tm		tm;
	time_t			when;
	int64_t			id;
	int			has_thread;
	char			*s;

	if (r->in_reply_to[0] == '\0')
		return;
	if ((id = store_thread_find(st, r->in_reply_to, &e)) <= 0 ||
	    (id = store_thread_root(st, id, &e)) <= 0 ||
	    store_report_get(st, id, &root, &e) != 1 ||
	    (has_thread = store_thread_get(st, id, &t, &e)) < 0) {
		if (e.msg[0] != '\0')
			log_warnx("followup: report %" PRId64 ": %s", r->id,
			    e.msg);
		return;
	}
	if (has_thread && t.ticket[0] != '\0') {
		snprintf(tk, sizeof(tk), ", your ticket %s", t.ticket);
		if (strstr(*subject, t.ticket) == NULL) {
			s = xasprintf("[%s] %s", t.ticket, *subject);
			free(*subject);
			*subject = s;
		}
	}
	if (strstr(*body, FOLLOWUP_OPENING) == NULL) {
		when = (time_t)(root.created_usec / 1000000);
		if (gmtime_r(&when, &tm) == NULL ||
		    strftime(date, sizeof(date), "%Y-%m-%d", &tm) == 0)
			strlcpy_r(date, "-", sizeof(date));
		s = xasprintf(FOLLOWUP_OPENING " %s (Message-ID %s%s).\n"
		    "The address has attacked us again since then; what "
		    "happened and the new log lines are below.\n\n%s", date,
		    root.message_id, tk, *body);
		free(*body);
		*body = s;
	}
	if (has_thread && t.followup_id != r->id) {
		t.followup_id = r->id;
		if (store_thread_put(st, &t, &e) < 0)
			log_warnx("followup: report %" PRId64 ": %s", r->id,
			    e.msg);
	}
}
