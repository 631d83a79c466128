/* SPDX-License-Identifier: MIT */
/*
 * The "reports:" and "smtp:" sections of redress.yaml: schema tables,
 * defaults, and the checks that must fail at load time (credential and
 * passphrase files private, known incident kinds, sane ports), each error
 * naming file:line:col of its setting. The signing key is checked by
 * check-config (conf_check.c) and at start, as the daemon's user, in the
 * keyring that user has.
 */
#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "config_sections.h"
#include "report.h"
#include "xmalloc.h"

static const char *const xarf_modes[] = { "none", "v0.2", "v4", "both",
	NULL };
static const char *const tls_modes[] = { "starttls", "tls", "none", NULL };

static const char *const kinds[] = { "probe", "sweep", "scan",
	"brute-force", "exploit", "compromise", "dos", "other", NULL };

#define R(f)	offsetof(struct report_conf, f)
static const struct conf_field report_fields[] = {
	{ "name", CK_STRING, R(name), "redress", 0, 0, NULL, 0 },
	{ "organisation", CK_STRING, R(organisation), "", 0, 0, NULL, 0 },
	{ "role", CK_STRING, R(role), "network security team", 0, 0, NULL, 0 },
	{ "from", CK_STRING, R(from), NULL, 0, 0, NULL, 0 },
	{ "reply_to", CK_STRING, R(reply_to), NULL, 0, 0, NULL, 0 },
	{ "team_address", CK_STRING, R(team_address), NULL, 0, 0, NULL, 0 },
	{ "upstream_address", CK_STRING, R(upstream_address), NULL, 0, 0,
	    NULL, 0 },
	{ "templates", CK_PATH, R(template_dir),
	    REDRESS_DATADIR "/templates", 0, 0, NULL, 0 },
	{ "outbox", CK_PATH, R(outbox), "/var/lib/redress/outbox", 0, 0,
	    NULL, 0 },
	{ "key_url", CK_STRING, R(key_url), NULL, 0, 0, NULL, 0 },
	{ "sign_key", CK_STRING, R(sign_key), NULL, 0, 0, NULL, 0 },
	{ "passphrase_file", CK_PATH, R(passphrase_file), NULL, 0, 0, NULL,
	    0 },
	{ "timezone", CK_STRING, R(timezone), NULL, 0, 0, NULL, 0 },
	{ "message_id_domain", CK_STRING, R(message_id_domain), NULL, 0, 0,
	    NULL, 0 },
	{ "reviewers_group", CK_STRING, R(reviewers_group), NULL, 0, 0, NULL,
	    0 },
	{ "xarf", CK_ENUM, R(xarf), "both", 0, 0, xarf_modes, 0 },
	{ "period", CK_SECONDS, R(period_s), "1h", 0, 0, NULL, 0 },
	{ "repeat_after", CK_SECONDS, R(repeat_s), "7d", 0, 0, NULL, 0 },
	{ "max_evidence", CK_INT, R(max_evidence), "50", 1, 10000, NULL, 0 },
	{ "skip_review", CK_STRLIST, R(skip_review), NULL, 0, 0, NULL, 0 },
	{ "attach_pcap", CK_BOOL, R(attach_pcap), "true", 0, 0, NULL, 0 },
	{ NULL, 0, 0, NULL, 0, 0, NULL, 0 },
};
#undef R

#define S(f)	offsetof(struct smtp_conf, f)
static const struct conf_field smtp_fields[] = {
	{ "relay", CK_STRING, S(relay), "localhost", 0, 0, NULL, 0 },
	{ "port", CK_INT, S(port), "587", 1, 65535, NULL, 0 },
	{ "tls", CK_ENUM, S(tls), "starttls", 0, 0, tls_modes, 0 },
	{ "require_tls", CK_BOOL, S(require_tls), "true", 0, 0, NULL, 0 },
	{ "ca_file", CK_FILE_R, S(ca_file), NULL, 0, 0, NULL, 0 },
	{ "auth_file", CK_PATH, S(auth_file), NULL, 0, 0, NULL, 0 },
	{ "helo", CK_STRING, S(helo), NULL, 0, 0, NULL, 0 },
	{ "timeout", CK_MSEC, S(timeout_ms), "60s", 0, 0, NULL, 0 },
	{ "backoff_min", CK_SECONDS, S(backoff_min_s), "1m", 0, 0, NULL, 0 },
	{ "backoff_max", CK_SECONDS, S(backoff_max_s), "6h", 0, 0, NULL, 0 },
	{ "max_attempts", CK_INT, S(max_attempts), "20", 1, 1000, NULL, 0 },
	{ "per_domain_per_hour", CK_INT, S(per_domain_per_hour), "20", 1,
	    100000, NULL, 0 },
	{ "per_hour", CK_INT, S(per_hour), "200", 1, 1000000, NULL, 0 },
	{ NULL, 0, 0, NULL, 0, 0, NULL, 0 },
};
#undef S

/* A secret file: must exist, be a regular file, and not be group/world
 * accessible. */
static void
check_private(struct diag *d, const struct conf_node *n, const char *path)
{
	struct stat	sb;

	if (stat(path, &sb) == -1)
		conf_error(d, n, "%s: %s", path, strerror(errno));
	else if (!S_ISREG(sb.st_mode))
		conf_error(d, n, "%s: not a regular file", path);
	else if ((sb.st_mode & 077) != 0)
		conf_error(d, n, "%s: mode %04o lets others read it; chmod 600",
		    path, (unsigned)(sb.st_mode & 07777));
}

static int
has_crlf(const char *s)
{
	return s != NULL && strpbrk(s, "\r\n") != NULL;
}

/* One plain address, user@domain: what a To: or Reply-To: may hold. */
static int
one_address(const char *s)
{
	const char *at = strchr(s, '@');

	return at != NULL && at != s && at[1] != '\0' &&
	    strchr(at + 1, '@') == NULL && strpbrk(s, " \t<>,;:\"()[]\\") ==
	    NULL;
}

/* A domain name: letters, digits, '-' and '.', not starting with '.'. */
static int
domain_name(const char *s)
{
	size_t i;

	if (s[0] == '\0' || s[0] == '.' || s[0] == '-')
		return 0;
	for (i = 0; s[i]; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '.')
			return 0;
	return 1;
}

/* A zone tzdata has (TZDIR or /usr/share/zoneinfo), or UTC. */
static int
time_zone(const char *s)
{
	const char *dir = getenv("TZDIR");
	struct stat sb;
	char p[4096];

	if (strcmp(s, "UTC") == 0)
		return 1;
	if (s[0] == '/' || s[0] == ':' || strstr(s, "..") != NULL)
		return 0;
	snprintf(p, sizeof(p), "%s/%s", dir && dir[0] ? dir :
	    "/usr/share/zoneinfo", s);
	return stat(p, &sb) == 0 && S_ISREG(sb.st_mode);
}

void
report_conf_load(struct config *cfg, const struct conf_node *n,
    struct diag *d)
{
	struct report_conf	*rc = xcalloc(1, sizeof(*rc));
	const struct conf_node	*k;
	size_t			 i, j;

	cfg->reports = rc;
	if (n != NULL && n->type != CONF_MAP) {
		conf_error(d, n, "expected a mapping (reports: from: ...)");
		n = NULL;
	}
	if (conf_apply(n, report_fields, rc, d) != 0)
		return;
	if (n == NULL)
		return;
	if (rc->from == NULL || strchr(rc->from, '@') == NULL ||
	    has_crlf(rc->from))
		conf_error(d, (k = conf_get(n, "from")) != NULL ? k : n,
		    "needs the address reports are sent from "
		    "(user@domain)");
	for (i = 0; i < rc->skip_review.n; i++) {
		for (j = 0; kinds[j] != NULL; j++)
			if (strcmp(kinds[j], rc->skip_review.v[i]) == 0)
				break;
		if (kinds[j] == NULL)
			conf_error(d, conf_get(n, "skip_review"),
			    "unknown incident kind \"%s\""
			    " (probe, sweep, scan, brute-force, exploit, "
			    "compromise, dos, other)", rc->skip_review.v[i]);
	}
	if (rc->reviewers_group != NULL && getgrnam(rc->reviewers_group) ==
	    NULL)
		conf_error(d, conf_get(n, "reviewers_group"), "no such group "
		    "\"%s\"", rc->reviewers_group);
	if (rc->passphrase_file != NULL)
		check_private(d, conf_get(n, "passphrase_file"),
		    rc->passphrase_file);
	{
		static const char *const one[] = { "team_address",
		    "upstream_address", "reply_to", NULL };
		const char *v[] = { rc->team_address, rc->upstream_address,
		    rc->reply_to };

		for (i = 0; one[i] != NULL; i++)
			if (v[i] != NULL && v[i][0] != '\0' &&
			    !one_address(v[i]))
				conf_error(d, conf_get(n, one[i]), "expected "
				    "one address (user@domain)");
	}
	if (rc->message_id_domain != NULL &&
	    !domain_name(rc->message_id_domain))
		conf_error(d, conf_get(n, "message_id_domain"), "expected a "
		    "domain name (example.org)");
	if (rc->timezone != NULL && rc->timezone[0] != '\0' &&
	    !time_zone(rc->timezone)) {
		conf_error(d, conf_get(n, "timezone"), "unknown time zone "
		    "\"%s\" (a name of the tz database such as Europe/Berlin, "
		    "or UTC)", rc->timezone);
	} else if (rc->timezone != NULL && rc->timezone[0] != '\0')
		setenv("TZ", rc->timezone, 1);
}

void
report_conf_free(struct config *cfg)
{
	if (cfg->reports == NULL)
		return;
	conf_release(report_fields, cfg->reports);
	free(cfg->reports);
	cfg->reports = NULL;
}

void
smtp_conf_load(struct config *cfg, const struct conf_node *n,
    struct diag *d)
{
	struct smtp_conf	*sc = xcalloc(1, sizeof(*sc));

	cfg->smtp = sc;
	if (n != NULL && n->type != CONF_MAP) {
		conf_error(d, n, "expected a mapping (smtp: relay: ...)");
		n = NULL;
	}
	if (conf_apply(n, smtp_fields, sc, d) != 0 || n == NULL)
		return;
	if (sc->auth_file != NULL)
		check_private(d, conf_get(n, "auth_file"), sc->auth_file);
	if (sc->tls == SMTP_PLAIN && sc->require_tls)
		conf_error(d, conf_get(n, "tls"), "\"none\" "
		    "contradicts require_tls: true");
	if (sc->tls == SMTP_PLAIN && sc->auth_file != NULL)
		conf_error(d, conf_get(n, "auth_file"),
		    "credentials would be sent in clear (tls: none)");
	if (sc->backoff_max_s < sc->backoff_min_s)
		conf_error(d, conf_get(n, "backoff_max"),
		    "shorter than backoff_min");
}

void
smtp_conf_free(struct config *cfg)
{
	if (cfg->smtp == NULL)
		return;
	conf_release(smtp_fields, cfg->smtp);
	free(cfg->smtp);
	cfg->smtp = NULL;
}
