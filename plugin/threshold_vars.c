/* SPDX-License-Identifier: MIT */
/*
 * Suricata's address variables for threshold.config ip lists: the
 * `vars: address-groups:` map of a suricata.yaml, with `include: FILE`
 * entries (relative to the yaml's directory, one file or a list) merged
 * in the way Suricata's conf-yaml loader does: the included file's
 * top-level keys become keys of the map that names it. Later definitions
 * replace earlier ones. Values are kept as text and expanded by
 * threshold_parse.c where a rule names them.
 */
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "threshold_parse.h"
#include "xmalloc.h"

#define INCLUDE_DEPTH	8

const char *
thr_vars_get(const struct thr_vars *v, const char *name)
{
	size_t i;

	for (i = 0; v != NULL && i < v->n; i++)
		if (strcmp(v->name[i], name) == 0)
			return v->value[i];
	return NULL;
}

static void
set(struct thr_vars *v, const char *name, const char *value)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		if (strcmp(v->name[i], name) == 0) {
			free(v->value[i]);
			v->value[i] = xstrdup(value);
			return;
		}
	v->name = xreallocarray(v->name, v->n + 1, sizeof(*v->name));
	v->value = xreallocarray(v->value, v->n + 1, sizeof(*v->value));
	v->name[v->n] = xstrdup(name);
	v->value[v->n++] = xstrdup(value);
}

static void	add_map(struct thr_vars *, const struct conf_node *,
		    const char *dir, int depth, struct diag *);

static void
include(struct thr_vars *v, const struct conf_node *n, const char *dir,
    int depth, struct diag *d)
{
	struct conf_node	*root;
	char			*path, *copy;

	if (n->type != CONF_SCALAR) {
		conf_error(d, n, "include: expected a file name");
		return;
	}
	if (depth >= INCLUDE_DEPTH) {
		conf_error(d, n, "include \"%s\": nested more than %d deep",
		    n->value, INCLUDE_DEPTH);
		return;
	}
	path = n->value[0] == '/' ? xstrdup(n->value) :
	    xasprintf("%s/%s", dir, n->value);
	if ((root = conf_load(path, d)) == NULL) {
		conf_error(d, n, "include \"%s\": cannot be read", path);
		free(path);
		return;
	}
	copy = xstrdup(path);
	if (root->type == CONF_MAP)
		add_map(v, root, dirname(copy), depth + 1, d);
	else if (root->child != NULL || root->value != NULL)
		conf_error(d, root, "%s: expected a map of address groups",
		    path);
	free(copy);
	free(path);
	conf_free(root);
}

static void
add_map(struct thr_vars *v, const struct conf_node *map, const char *dir,
    int depth, struct diag *d)
{
	const struct conf_node *c, *i;

	for (c = map->child; c != NULL; c = c->next) {
		if (strcmp(c->key, "include") == 0) {
			if (c->type == CONF_SEQ)
				for (i = c->child; i != NULL; i = i->next)
					include(v, i, dir, depth, d);
			else
				include(v, c, dir, depth, d);
			continue;
		}
		if (c->type != CONF_SCALAR) {
			conf_error(d, c, "address group %s: expected a string",
			    c->key);
			continue;
		}
		set(v, c->key, c->value);
	}
}

int
thr_vars_load(const char *path, struct thr_vars *v, struct diag *d)
{
	struct conf_node	*root;
	const struct conf_node	*vars, *ag;
	char			*copy;

	if ((root = conf_load(path, d)) == NULL)
		return -1;
	free(v->source);
	v->source = xstrdup(path);
	vars = conf_get(root, "vars");
	ag = vars != NULL ? conf_get(vars, "address-groups") : NULL;
	/* A yaml without address groups defines none (not an error). */
	if (ag != NULL && ag->type == CONF_MAP) {
		copy = xstrdup(path);
		add_map(v, ag, dirname(copy), 0, d);
		free(copy);
	}
	conf_free(root);
	return 0;
}

void
thr_vars_free(struct thr_vars *v)
{
	size_t i;

	for (i = 0; i < v->n; i++) {
		free(v->name[i]);
		free(v->value[i]);
	}
	free(v->name);
	free(v->value);
	free(v->source);
	memset(v, 0, sizeof(*v));
}
