/* SPDX-License-Identifier: MIT */
/*
 * A report's thread as `redress queue show` and `redress incident` print
 * it: the thread's state, ticket number and closing, then one line per
 * message received (date, kind, sender, ticket or bounce detail, the
 * Maildir file). Received text is escaped before it is printed.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "followup.h"
#include "log.h"
#include "store_thread.h"
#include "xmalloc.h"

static void
when(int64_t usec, char *buf, size_t len)
{
	time_t		t = (time_t)(usec / 1000000);
	struct tm	tm;

	if (usec == 0 || gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d %H:%M:%SZ", &tm) == 0)
		strlcpy_r(buf, "-", len);
}

static int
print_msg(void *arg, const struct thread_msg *m)
{
	FILE	*out = arg;
	char	 w[32], a[300], b[600], c[300];

	when(m->date_usec ? m->date_usec : m->received_usec, w, sizeof(w));
	fprintf(out, "  %s  %-8s %s", w, m->kind, log_esc(m->sender,
	    strlen(m->sender), a, sizeof(a)));
	if (m->detail[0] != '\0')
		fprintf(out, "  %s", log_esc(m->detail, strlen(m->detail), b,
		    sizeof(b)));
	else if (m->ticket[0] != '\0')
		fprintf(out, "  %s", log_esc(m->ticket, strlen(m->ticket), b,
		    sizeof(b)));
	fprintf(out, "  (%s)\n", log_esc(m->file, strlen(m->file), c,
	    sizeof(c)));
	return 0;
}

int
followup_print(FILE *out, struct store *st, int64_t id, struct err *e)
{
	struct thread_row	t;
	char			w[32], a[600];
	int			rc;

	if ((rc = store_thread_get(st, id, &t, e)) <= 0)
		return rc;
	fprintf(out, "Thread:    %s, %d message%s", t.state, t.messages,
	    t.messages == 1 ? "" : "s");
	if (t.ticket[0] != '\0')
		fprintf(out, ", ticket %s", log_esc(t.ticket,
		    strlen(t.ticket), a, sizeof(a)));
	fprintf(out, "\n");
	if (t.closed_usec != 0) {
		when(t.closed_usec, w, sizeof(w));
		fprintf(out, "Closed:    %s: %s\n", w, log_esc(t.close_reason,
		    strlen(t.close_reason), a, sizeof(a)));
	}
	if (t.rerouted_to != 0)
		fprintf(out, "Rerouted:  report %" PRId64 " (next candidate, "
		    "waits for review)\n", t.rerouted_to);
	if (t.followup_id != 0)
		fprintf(out, "Follow-up: report %" PRId64 "\n", t.followup_id);
	return store_thread_msgs(st, id, print_msg, out, e) < 0 ? -1 : 1;
}
