/* SPDX-License-Identifier: MIT */
/*
 * check-config's deep checks: what the daemon will need beyond a
 * well-formed file, checked as the user that runs them (the daemon's own
 * user: root's commands switch to it first). The file itself and the
 * inputs can be read, every template parses (and which incident kinds
 * each one covers), the RDAP bootstrap files load, the signing key is in
 * the keyring that user has, and the state directory and the outbox are
 * writable by it. Each problem is an error at file:line:col of the
 * setting behind it (or of its section when the setting is a default).
 */
#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bootstrap.h"
#include "conf_check.h"
#include "input.h"
#include "input_conf.h"
#include "report.h"
#include "resolver.h"
#include "template.h"
#include "xmalloc.h"

/* The node of section.key, else of the section, else the root. */
static const struct conf_node *
at(const struct config *cfg, const char *section, const char *key)
{
	const struct conf_node *s, *k;

	if (cfg->root == NULL)
		return NULL;
	if ((s = conf_get(cfg->root, section)) == NULL)
		return cfg->root;
	if (key != NULL && (k = conf_get(s, key)) != NULL)
		return k;
	return s;
}

static void __attribute__((format(printf, 2, 3)))
note(char **notes, const char *fmt, ...)
{
	char	 line[1024], *all;
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	all = xasprintf("%s%s\n", *notes ? *notes : "", line);
	free(*notes);
	*notes = all;
}

/* Who "the daemon's user" is here: the user these checks run as. */
static void
who(char *buf, size_t len)
{
	struct passwd	*pw = getpwuid(geteuid());

	if (pw != NULL)
		snprintf(buf, len, "user %s", pw->pw_name);
	else
		snprintf(buf, len, "uid %lu", (unsigned long)geteuid());
}

/*
 * dir, or the nearest ancestor that exists when the daemon would create
 * it, must be a directory this user can write. NULL or a phrase in buf.
 */
static const char *
writable(const char *dir, char *buf, size_t len)
{
	char		 p[4096], u[128], *s;
	struct stat	 sb;

	who(u, sizeof(u));
	if (strlen(dir) >= sizeof(p))
		return "path too long";
	memcpy(p, dir, strlen(dir) + 1);
	while (stat(p, &sb) < 0) {
		if (errno != ENOENT || (s = strrchr(p, '/')) == NULL) {
			snprintf(buf, len, "%s: %s", p, strerror(errno));
			return buf;
		}
		if (s == p)
			s[1] = '\0';
		else
			*s = '\0';
	}
	if (!S_ISDIR(sb.st_mode)) {
		snprintf(buf, len, "%s: not a directory", p);
		return buf;
	}
	if (access(p, W_OK | X_OK) < 0) {
		snprintf(buf, len, "%s%s: not writable by %s (the daemon's "
		    "user): %s", strcmp(p, dir) == 0 ? "" : "cannot create it: ",
		    p, u, strerror(errno));
		return buf;
	}
	return NULL;
}

/*
 * Each input can be read by this user: an alert file (when it is there
 * already: the IDS may not have started) and its directory, a unified2
 * spool directory, the directory an eve_socket is created in.
 */
static void
check_inputs(const struct config *cfg, struct diag *d, char **notes)
{
	const struct conf_node *n;
	const struct input *in;
	char	 u[128], dir[4096], *s;
	size_t	 i;
	int	 sock, spool;

	if (cfg->inputs == NULL)
		return;
	who(u, sizeof(u));
	for (i = 0; i < cfg->inputs->n; i++) {
		in = cfg->inputs->v[i];
		if (in->path == NULL || strlen(in->path) >= sizeof(dir))
			continue;
		n = in->conf ? conf_get(in->conf, "path") : NULL;
		if (n == NULL)
			n = in->conf ? in->conf : cfg->root;
		sock = strcmp(in->ops->name, "eve_socket") == 0;
		spool = strcmp(in->ops->name, "unified2") == 0;
		memcpy(dir, in->path, strlen(in->path) + 1);
		if (!spool && (s = strrchr(dir, '/')) != NULL)
			s == dir ? (void)(s[1] = '\0') : (void)(*s = '\0');
		else if (!spool)
			memcpy(dir, ".", 2);
		if (sock) {
			if (access(dir, W_OK | X_OK) < 0)
				conf_error(d, n, "%s: not writable by %s (the "
				    "daemon's user), which creates the socket "
				    "there: %s", dir, u, strerror(errno));
			else
				note(notes, "input %s %s: its directory "
				    "writable by %s", in->ops->name, in->path,
				    u);
			continue;
		}
		if (access(dir, (spool ? R_OK : 0) | X_OK) < 0) {
			if (errno == ENOENT)
				continue;	/* not there yet */
			conf_error(d, n, "%s: not readable by %s (the daemon's "
			    "user): %s (give it the IDS's group: "
			    "SupplementaryGroups=)", dir, u, strerror(errno));
			continue;
		}
		if (!spool && access(in->path, R_OK) < 0) {
			if (errno != ENOENT)
				conf_error(d, n, "%s: not readable by %s (the "
				    "daemon's user): %s (give it the IDS's "
				    "group: SupplementaryGroups=)", in->path, u,
				    strerror(errno));
			continue;
		}
		note(notes, "input %s %s: readable by %s", in->ops->name,
		    in->path, u);
	}
}

/* Each template file the kinds use parses; notes which kinds it covers. */
static void
check_templates(const struct config *cfg, struct diag *d, char **notes)
{
	const struct report_conf *rc = cfg->reports;
	char		*path[INCIDENT_KIND_MAX], kinds[256];
	struct tmpl	*t;
	struct err	 e;
	int		 k, j;

	for (k = 0; k < INCIDENT_KIND_MAX; k++)
		path[k] = report_template_path(rc, (enum incident_kind)k);
	for (k = 0; k < INCIDENT_KIND_MAX; k++) {
		for (j = 0; j < k; j++)
			if (strcmp(path[j], path[k]) == 0)
				break;
		if (j < k)
			continue;	/* already checked */
		kinds[0] = '\0';
		for (j = k; j < INCIDENT_KIND_MAX; j++)
			if (strcmp(path[j], path[k]) == 0)
				snprintf(kinds + strlen(kinds), sizeof(kinds) -
				    strlen(kinds), "%s%s", kinds[0] ? ", " : "",
				    incident_kind_name((enum incident_kind)j));
		memset(&e, 0, sizeof(e));
		if (tmpl_load(path[k], &t, &e) < 0) {
			conf_error(d, at(cfg, "reports", "templates"),
			    "%s (the template for %s)",
			    e.msg, kinds);
			continue;
		}
		tmpl_free(t);
		note(notes, "template %s: %s", path[k], kinds);
	}
	for (k = 0; k < INCIDENT_KIND_MAX; k++)
		free(path[k]);
}

static void
check_bootstrap(const struct config *cfg, struct diag *d, char **notes)
{
	const struct resolver_conf *rs = cfg->resolver;
	struct bootstrap	*b;
	struct err		 e = { "", 0 };

	if (rs == NULL || !rs->enabled || !rs->use_rdap)
		return;
	b = bootstrap_new();
	if (bootstrap_load(b, rs->bootstrap_dir, &e) < 0)
		conf_error(d, at(cfg, "resolver", "bootstrap_dir"),
		    "%s (fetch it with redress update-bootstrap, or set "
		    "resolver.rdap: false)", e.msg);
	else
		note(notes, "RDAP bootstrap %s: ipv4.json, ipv6.json",
		    rs->bootstrap_dir);
	bootstrap_free(b);
}

static void
check_key(const struct config *cfg, struct diag *d, char **notes)
{
	const struct report_conf *rc = cfg->reports;

	if (rc->sign_key == NULL || rc->sign_key[0] == '\0') {
		note(notes, "reports are not signed (no reports.sign_key)");
		return;
	}
	if (conf_check_key(cfg, d) == 0)
		note(notes, "signing key %s: in keyring %s", rc->sign_key,
		    report_sign_keyring());
}

int
conf_check_key(const struct config *cfg, struct diag *d)
{
	const struct report_conf *rc = cfg->reports;
	struct err	 e = { "", 0 };

	if (rc == NULL || rc->from == NULL || rc->sign_key == NULL ||
	    rc->sign_key[0] == '\0')
		return 0;
	if (report_sign_check(rc, &e) < 0) {
		conf_error(d, at(cfg, "reports", "sign_key"), "%s", e.msg);
		return -1;
	}
	return 0;
}

int
conf_check(const struct config *cfg, struct diag *d, char **notes)
{
	const struct report_conf *rc = cfg->reports;
	size_t		 before = d->errors;
	char		 buf[512];
	const char	*why;

	*notes = NULL;
	/* Root read it; the unit starts the daemon as this user. */
	if (cfg->path != NULL && access(cfg->path, R_OK) < 0 &&
	    errno != ENOENT) {
		who(buf, sizeof(buf));
		conf_error(d, cfg->root, "%s: not readable by %s (the daemon's "
		    "user, as the unit starts it): %s (chgrp %s %s; chmod "
		    "0640 %s)", cfg->path, buf, strerror(errno),
		    cfg->general.group ? cfg->general.group : "redress",
		    cfg->path, cfg->path);
	}
	if (cfg->general.state_dir != NULL &&
	    (why = writable(cfg->general.state_dir, buf, sizeof(buf))) != NULL)
		conf_error(d, at(cfg, "general", "state_dir"), "%s", why);
	check_inputs(cfg, d, notes);
	check_bootstrap(cfg, d, notes);
	/* Reports are written only with a sender; without one, no checks. */
	if (rc != NULL && rc->from != NULL) {
		check_templates(cfg, d, notes);
		check_key(cfg, d, notes);
		if ((why = writable(rc->outbox, buf, sizeof(buf))) != NULL)
			conf_error(d, at(cfg, "reports", "outbox"), "%s",
			    why);
	}
	return d->errors > before ? -1 : 0;
}
