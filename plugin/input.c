/* SPDX-License-Identifier: MIT */
/*
 * The input registry, the "inputs:" section of redress.yaml, and format
 * detection for `redress replay` (by content, never by file name).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "config_sections.h"
#include "input.h"
#include "input_conf.h"
#include "xmalloc.h"

static const struct input_ops *const inputs[] = {
	&input_unified2, &input_eve_file, &input_eve_socket, &input_snort_json,
	&input_redis, NULL,
};

const struct input_ops *
input_lookup(const char *name)
{
	size_t i;

	for (i = 0; inputs[i]; i++)
		if (strcmp(inputs[i]->name, name) == 0)
			return inputs[i];
	return NULL;
}

void
input_count(struct input_stats *st, int parse_rc)
{
	st->events++;
	if (parse_rc < 0)
		st->bad++;
	else if (parse_rc > 0)
		st->alerts++;
}

void
input_record_place(struct alert *al, enum alert_input kind,
    const struct input_record *r)
{
	al->input = kind;
	strlcpy_r(al->file, r->file, sizeof(al->file));
	al->offset = r->offset;
	al->line = r->line;
	al->raw = r->p;
	al->raw_len = r->len;
}

struct input *
input_new(const struct input_ops *ops, const char *path, int follow)
{
	struct input *in = xcalloc(1, sizeof(*in));

	in->ops = ops;
	in->path = path ? xstrdup(path) : NULL;
	in->follow = follow;
	in->max_line = 1u << 20;
	snprintf(in->id, sizeof(in->id), "%s:%s", ops->name,
	    path ? path : "-");
	if (ops->priv_size)
		in->priv = xcalloc(1, ops->priv_size);
	return in;
}

void
input_free(struct input *in)
{
	if (in == NULL)
		return;
	if (in->ops->release)
		in->ops->release(in);
	free(in->priv);
	free(in->path);
	free(in);
}

/*
 * unified2 starts with a big-endian record type (a small number) and a
 * length; JSON lines start with '{'. Among JSON, EVE has "event_type" and
 * Snort 3's alert_json has "src_addr"/"dst_addr" or "msg".
 */
const struct input_ops *
input_detect(const char *path, struct err *e)
{
	unsigned char buf[4096];
	ssize_t n;
	size_t i;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return err_set(e, "%s: %s", path, strerror(errno)), NULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return err_set(e, "%s: %s", path, strerror(errno)), NULL;
	if (n == 0)
		return err_set(e, "%s: empty file", path), NULL;
	buf[n] = '\0';
	for (i = 0; i < (size_t)n && (buf[i] == ' ' || buf[i] == '\n' ||
	    buf[i] == '\r' || buf[i] == '\t'); i++)
		;
	if (i < (size_t)n && buf[i] == '{') {
		const char *s = (const char *)buf + i;

		if (strstr(s, "\"event_type\""))
			return &input_eve_file;
		if (strstr(s, "\"src_addr\"") || strstr(s, "\"dst_addr\"") ||
		    strstr(s, "\"msg\"") || strstr(s, "\"src_ap\"") ||
		    strstr(s, "\"pkt_num\""))
			return &input_snort_json;
		return &input_eve_file;
	}
	/* A short file still shows its record type: the reader then says
	 * where it is truncated. */
	if (n >= 4 && buf[0] == 0 && buf[1] == 0 && buf[2] == 0 &&
	    buf[3] != 0 && (n < 5 || buf[4] == 0))
		return &input_unified2;
	return err_set(e, "%s: not unified2, EVE JSON or Snort 3 JSON "
	    "(first bytes do not match any)", path), NULL;
}

static const struct conf_field input_common[] = {
	{ "type", CK_STRING, 0, NULL, 0, 0, NULL, 1 },
	{ NULL, 0, 0, NULL, 0, 0, NULL, 0 },
};

void
input_conf_load(struct config *cfg, const struct conf_node *n,
    struct diag *d)
{
	struct input_conf *ic = xcalloc(1, sizeof(*ic));
	const struct conf_node *c, *t, *p;
	size_t i;

	(void)input_common;
	cfg->inputs = ic;
	if (n == NULL)
		return;
	if (n->type != CONF_SEQ) {
		conf_error(d, n, "expected a list of inputs (- type: eve ...)");
		return;
	}
	ic->v = xcalloc(conf_count(n) + 1, sizeof(*ic->v));
	for (c = n->child; c; c = c->next) {
		const struct input_ops *ops;
		struct input *in;

		if (c->type != CONF_MAP) {
			conf_error(d, c, "expected a mapping with a type");
			continue;
		}
		t = conf_get(c, "type");
		if (t == NULL || t->type != CONF_SCALAR) {
			conf_error(d, c, "missing \"type\" (one of: unified2, "
			    "eve, eve_socket, snort_json, redis)");
			continue;
		}
		ops = input_lookup(t->value);
		if (ops == NULL) {
			conf_error(d, t, "unknown input type \"%s\"; known: "
			    "unified2, eve, eve_socket, snort_json, redis", t->value);
			continue;
		}
		p = conf_get(c, "path");
		in = input_new(ops, p && p->type == CONF_SCALAR ? p->value :
		    NULL, 1);
		in->conf = c;
		if (ops->configure)
			ops->configure(in, c, d);
		for (i = 0; i < ic->n; i++)
			if (strcmp(ic->v[i]->id, in->id) == 0)
				conf_error(d, c, "input %s is configured twice",
				    in->id);
		ic->v[ic->n++] = in;
	}
}

void
input_conf_free(struct config *cfg)
{
	size_t i;

	if (cfg->inputs == NULL)
		return;
	for (i = 0; i < cfg->inputs->n; i++)
		input_free(cfg->inputs->v[i]);
	free(cfg->inputs->v);
	free(cfg->inputs);
	cfg->inputs = NULL;
}
