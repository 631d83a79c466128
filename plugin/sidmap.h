/* SPDX-License-Identifier: MIT */
/*
 * Snort's rule metadata files: sid-msg.map (v1 "sid || msg || refs" and
 * v2 "gid || sid || rev || classtype || priority || msg || refs"),
 * gen-msg.map ("gid || sid || msg") and classification.config
 * ("config classification: name,description,priority"). Lookups of
 * (gid, sid) -> message go through a hash table; classification ids are
 * the 1-based line order of classification.config, as Snort numbers them.
 */
#ifndef REDRESS_SIDMAP_H
#define REDRESS_SIDMAP_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct sidmap;

struct sidmap_class {
	const char	*name;		/* "web-application-attack" */
	const char	*desc;		/* "Web Application Attack" */
	int		 priority;
};

struct sidmap	*sidmap_new(void);
void		 sidmap_free(struct sidmap *);

/*
 * Loaders: every bad line is added to d as "file:line: problem" and
 * skipped. Return -1 when the file cannot be read, else 0.
 */
int	sidmap_load_sidmsg(struct sidmap *, const char *path, struct diag *d);
int	sidmap_load_genmsg(struct sidmap *, const char *path, struct diag *d);
int	sidmap_load_classes(struct sidmap *, const char *path, struct diag *d);

/* The message of (gid, sid), or NULL. sm may be NULL. */
const char	*sidmap_msg(const struct sidmap *, uint32_t gid, uint32_t sid);
/*
 * Classification by id: from the loaded classification.config, or when
 * none was loaded (or sm is NULL) from Snort 2.9's default one. NULL if
 * unknown.
 */
const struct sidmap_class *sidmap_class(const struct sidmap *, uint32_t id);
/* Number of (gid, sid) messages and classes loaded. */
size_t	sidmap_count(const struct sidmap *);
size_t	sidmap_nclasses(const struct sidmap *);

#endif
