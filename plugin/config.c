/* SPDX-License-Identifier: MIT */
/*
 * Top level of redress.yaml: the list of sections, the general section's
 * schema, and the driver that runs every section loader.
 */
#include <limits.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "config_sections.h"
#include "input_conf.h"
#include "xmalloc.h"

static const char *const log_levels[] = { "error", "warning", "info",
    "debug", NULL };

#define G(k, kind, field, def) \
	{ k, kind, offsetof(struct general_conf, field), def, 0, 0, NULL, 0 }

static const struct conf_field general_fields[] = {
	G("state_dir", CK_PATH, state_dir, "/var/lib/redress"),
	G("database", CK_PATH, database, NULL),
	G("pid_file", CK_PATH, pid_file, "/run/redress/redress.pid"),
	G("user", CK_STRING, user, "redress"),
	G("group", CK_STRING, group, "redress"),
	{ "log_level", CK_STRING, offsetof(struct general_conf, log_level),
	    "info", 0, 0, NULL, 0 },
	G("syslog_facility", CK_STRING, syslog_facility, "daemon"),
	G("sensor_name", CK_STRING, sensor_name, NULL),
	{ "commit_interval", CK_MSEC, offsetof(struct general_conf,
	    commit_interval_ms), "200ms", 1, 60000, NULL, 0 },
	{ "commit_batch", CK_INT, offsetof(struct general_conf,
	    commit_batch), "2000", 1, 1000000, NULL, 0 },
	G("allow_root", CK_BOOL, allow_root, "false"),
	G("dry_run", CK_BOOL, dry_run, "false"),
	{ NULL, 0, 0, NULL, 0, 0, NULL, 0 },
};

static void
general_load(struct config *cfg, const struct conf_node *n, struct diag *d)
{
	struct general_conf *g = &cfg->general;
	const struct conf_node *lv = conf_get(n, "log_level");
	size_t i;
	int ok = 0;

	conf_apply(n, general_fields, g, d);
	if (g->log_level) {
		for (i = 0; log_levels[i]; i++)
			if (strcmp(g->log_level, log_levels[i]) == 0)
				ok = 1;
		if (!ok)
			conf_error(d, lv, "unknown value \"%s\"; expected one "
			    "of: error, warning, info, debug", g->log_level);
	}
	if (g->database == NULL && g->state_dir)
		g->database = xasprintf("%s/state.db", g->state_dir);
	if (g->sensor_name == NULL) {
		char host[HOST_NAME_MAX + 1] = "sensor";

		gethostname(host, sizeof(host));
		host[HOST_NAME_MAX] = '\0';
		g->sensor_name = xstrdup(host);
	}
}

static void
general_free(struct config *cfg)
{
	conf_release(general_fields, &cfg->general);
}

static const struct config_section sections[] = {
	{ "general", general_load, general_free },
	CONFIG_MODULE_SECTIONS
	{ NULL, NULL, NULL },
};

static struct config *
config_build(struct conf_node *root, const char *path, struct diag *d)
{
	struct config *cfg = xcalloc(1, sizeof(*cfg));
	const struct config_section *s;
	const struct conf_node *c;
	size_t before = d->errors;

	cfg->path = xstrdup(path);
	cfg->root = root;
	if (root->type != CONF_MAP)
		conf_error(d, root, "the top level must be a mapping of "
		    "sections (general, inputs, policy, ...)");
	else
		for (c = root->child; c; c = c->next) {
			for (s = sections; s->key; s++)
				if (strcmp(s->key, c->key) == 0)
					break;
			if (s->key == NULL) {
				char known[512] = "";
				size_t off = 0;

				for (s = sections; s->key; s++)
					off += (size_t)snprintf(known + off,
					    sizeof(known) - off, "%s%s",
					    off ? ", " : "", s->key);
				const char *near = conf_did_you_mean(c->key,
				    &sections[0].key, sizeof(sections[0]));

				diag_add(d, c->file, c->kline, c->kcol,
				    "%s: unknown section%s%s%s; known: %s",
				    c->key, near ? "; did you mean \"" : "",
				    near ? near : "", near ? "\"?" : "", known);
			}
		}
	for (s = sections; s->key; s++)
		s->load(cfg, root->type == CONF_MAP ? conf_get(root, s->key) :
		    NULL, d);
	if (d->errors > before) {
		config_free(cfg);
		return NULL;
	}
	return cfg;
}

struct config *
config_parse(const char *name, const char *buf, size_t len, struct diag *d)
{
	struct conf_node *root = conf_parse(name, buf, len, d);

	return root ? config_build(root, name, d) : NULL;
}

struct config *
config_load(const char *path, struct diag *d)
{
	struct conf_node *root = conf_load(path, d);

	return root ? config_build(root, path, d) : NULL;
}

void
config_free(struct config *cfg)
{
	const struct config_section *s;

	if (cfg == NULL)
		return;
	for (s = sections; s->key; s++)
		if (s->free)
			s->free(cfg);
	conf_free(cfg->root);
	free(cfg->path);
	free(cfg);
}

size_t
config_check_daemon(const struct config *cfg, struct diag *d)
{
	const struct conf_node *n = conf_get(cfg->root, "inputs");

	if (cfg->inputs != NULL && cfg->inputs->n > 0)
		return 0;
	if (n != NULL)
		conf_error(d, n, "no input configured: redress run would read "
		    "nothing (unified2, eve, eve_socket, snort_json)");
	else
		diag_add(d, cfg->path, 1, 1, "no inputs: section: redress run "
		    "would read nothing (unified2, eve, eve_socket, "
		    "snort_json)");
	return 1;
}
