/* SPDX-License-Identifier: MIT */
/*
 * Report templates: a small mustache-like language ({{var}}, {{&var}},
 * {{#list}}...{{/list}}, {{^empty}}...{{/empty}}, {{! comment}}) whose
 * values are escaped by where they land (header lines or body), with
 * file:line errors. The syntax is described in docs/templates.md.
 */
#ifndef REDRESS_TEMPLATE_H
#define REDRESS_TEMPLATE_H

#include <stddef.h>

#include "err.h"

struct tmpl;
struct tmpl_ctx;

/* Parses text; name is used in errors ("probe.tmpl:12: ..."). */
int	 tmpl_parse(const char *name, const char *text, struct tmpl **,
	    struct err *);
/* Reads and parses a file. */
int	 tmpl_load(const char *path, struct tmpl **, struct err *);
void	 tmpl_free(struct tmpl *);

/*
 * Renders into a new string (caller frees). A template is a header part
 * ("Subject: ..." lines) and, after the first empty line, a body. Values
 * in the header part lose every control character (no CR/LF ever reaches
 * a header); in the body {{var}} turns control characters into spaces and
 * {{&var}} keeps line feeds (for multi-line blocks) but drops the rest.
 * A {{var}} that is not set is an error naming the template line.
 */
char	*tmpl_render(const struct tmpl *, const struct tmpl_ctx *,
	    struct err *);

/* Values: scalars and lists of nested contexts. */
struct tmpl_ctx	*tmpl_ctx_new(void);
void		 tmpl_ctx_free(struct tmpl_ctx *);
void		 tmpl_ctx_set(struct tmpl_ctx *, const char *name,
		    const char *value);
void		 tmpl_ctx_setf(struct tmpl_ctx *, const char *name,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Appends one item to list `name` (created empty on first use). */
struct tmpl_ctx	*tmpl_ctx_add(struct tmpl_ctx *, const char *name);
/* Declares list `name` even when it gets no items. */
void		 tmpl_ctx_list(struct tmpl_ctx *, const char *name);
const char	*tmpl_ctx_get(const struct tmpl_ctx *, const char *name);

/* Splits rendered text at the first empty line: header part, body. */
void	 tmpl_split(char *text, char **headers, char **body);

#endif
