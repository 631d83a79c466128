/* SPDX-License-Identifier: MIT */
/*
 * What a report to our own team says of local containment: from the
 * incident's notes (lockacct's steps), the accounts locked with what the
 * attacker's address held of each, the processes ended, an unlock since,
 * the intruder coming back, the accounts refused, and every note as a
 * line. Only report_build's team reports get it: local account names
 * never go to an outside abuse desk.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report.h"
#include "template.h"
#include "xmalloc.h"

/* One account of the incident's notes. */
struct tacct {
	const char	*user;
	int		 locked, expired, sessions, conns, held;
	size_t		 term, kill;
	const char	*unlocked;	/* the latest unlock note, NULL none */
};

static struct tacct *
tacct_of(struct tacct *v, size_t *n, const char *user)
{
	size_t	i;

	for (i = 0; i < *n; i++)
		if (strcmp(v[i].user, user) == 0)
			return &v[i];
	memset(&v[*n], 0, sizeof(v[0]));
	v[*n].user = user;
	return &v[(*n)++];
}

/* "a login session and 2 connections" */
static void
held_text(const struct tacct *a, char *buf, size_t len)
{
	char	s[48] = "", c[48] = "";

	if (a->sessions == 1)
		snprintf(s, sizeof(s), "a login session");
	else if (a->sessions > 1)
		snprintf(s, sizeof(s), "%d login sessions", a->sessions);
	if (a->conns == 1)
		snprintf(c, sizeof(c), "a connection");
	else if (a->conns > 1)
		snprintf(c, sizeof(c), "%d connections", a->conns);
	snprintf(buf, len, "%s%s%s", s, s[0] && c[0] ? " and " : "", c);
}

static void
note_time(int64_t usec, char *buf, size_t len)
{
	time_t		t = (time_t)(usec / 1000000);
	struct tm	tm;

	if (localtime_r(&t, &tm) == NULL ||
	    strftime(buf, len, "%Y-%m-%d %H:%M:%S %Z", &tm) == 0)
		strlcpy_r(buf, "?", len);
}

size_t
report_team_ctx(struct tmpl_ctx *ic, const struct report_incident *ri,
    char *names, size_t nameslen)
{
	struct tacct	*v = xcalloc(ri->nnotes + 1, sizeof(*v)), *a;
	struct tmpl_ctx	*x;
	char		 buf[700];
	size_t		 i, n = 0, m = 0, l, cnt;
	int		 ns, nc;

	tmpl_ctx_list(ic, "accounts");
	tmpl_ctx_list(ic, "refused");
	tmpl_ctx_list(ic, "back");
	tmpl_ctx_list(ic, "notes");
	for (i = 0; i < ri->nnotes; i++) {
		const struct note_row *nr = &ri->notes[i];
		const char *t = nr->text;

		note_time(nr->at_usec, buf, sizeof(buf));
		l = strlen(buf);
		snprintf(buf + l, sizeof(buf) - l, "  %s: %s", nr->source, t);
		tmpl_ctx_set(tmpl_ctx_add(ic, "notes"), "line", buf);
		if (nr->subject[0] == '\0')
			continue;
		a = tacct_of(v, &n, nr->subject);
		if (strncmp(t, "locked ", 7) == 0) {
			a->locked = 1;
			a->expired = strstr(t, "(expired)") != NULL;
			a->unlocked = NULL;
		} else if (strncmp(t, "unlocked ", 9) == 0)
			a->unlocked = t;
		else if (sscanf(t, "SIGTERM to %zu", &cnt) == 1)
			a->term += cnt;
		else if (sscanf(t, "SIGKILL to %zu", &cnt) == 1)
			a->kill += cnt;
		else if (strstr(t, " came back: ") != NULL)
			tmpl_ctx_set(tmpl_ctx_add(ic, "back"), "line", t);
		else if (strncmp(t, "refused: ", 9) == 0)
			tmpl_ctx_set(tmpl_ctx_add(ic, "refused"), "line",
			    t + 9);
		else if (!a->held && sscanf(t, "%*s holds %d session%*[s] and "
		    "%d connection", &ns, &nc) == 2) {
			a->held = 1;
			a->sessions = ns;
			a->conns = nc;
		}
	}
	if (nameslen > 0)
		names[0] = '\0';
	for (i = 0; i < n; i++) {
		a = &v[i];
		if (!a->locked)
			continue;
		x = tmpl_ctx_add(ic, "accounts");
		tmpl_ctx_set(x, "user", a->user);
		tmpl_ctx_set(x, "expired", a->expired ? "yes" : "");
		held_text(a, buf, sizeof(buf));
		tmpl_ctx_set(x, "held", a->held ? buf : "");
		tmpl_ctx_setf(x, "term", "%zu", a->term);
		tmpl_ctx_set(x, "kill", "");
		if (a->kill > 0)
			tmpl_ctx_setf(x, "kill", "%zu", a->kill);
		tmpl_ctx_set(x, "unlocked", a->unlocked ? a->unlocked : "");
		l = strlen(names);
		if (l + strlen(a->user) + 3 < nameslen)
			snprintf(names + l, nameslen - l, "%s%s", l ? ", " :
			    "", a->user);
		m++;
	}
	free(v);
	return m;
}
