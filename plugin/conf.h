/* SPDX-License-Identifier: MIT */
/*
 * YAML configuration as a tree of nodes that remember where they were
 * written (file, 1-based line and column), and a table-driven schema that
 * fills a module's struct from a mapping node, reporting every problem as
 * "file:line:col: path: problem" into a struct diag. Unknown keys are
 * errors. Each module owns the schema of its own section.
 */
#ifndef REDRESS_CONF_H
#define REDRESS_CONF_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "err.h"

enum conf_type {
	CONF_SCALAR,
	CONF_MAP,
	CONF_SEQ,
};

struct conf_node {
	enum conf_type		 type;
	const char		*file;	/* shared, owned by the root */
	int			 line, col;	/* of the value */
	int			 kline, kcol;	/* of the key (map entries) */
	char			*key;	/* key of a map entry, else NULL */
	char			*value;	/* scalar text, else NULL */
	int			 quoted;/* scalar was quoted ("" or '') */
	char			*path;	/* "responders[1].type" for messages */
	struct conf_node	*child;	/* first entry of a map or seq */
	struct conf_node	*last;	/* last entry (appends in O(1)) */
	struct conf_node	*next;	/* next sibling */
	size_t			 nchild;
	struct conf_node	*parent;
};

/* Reads and parses a file; NULL with entries in d on failure. */
struct conf_node	*conf_load(const char *path, struct diag *d);
/* Parses a buffer; `name` is used as the file name in messages. */
struct conf_node	*conf_parse(const char *name, const char *buf,
			    size_t len, struct diag *d);
void			 conf_free(struct conf_node *);

/* Entry `key` of a mapping, or NULL. */
const struct conf_node	*conf_get(const struct conf_node *map, const char *key);
size_t			 conf_count(const struct conf_node *);
/* Records a positioned error about node n (may be NULL). */
void	conf_error(struct diag *, const struct conf_node *n, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
void	conf_warning(struct diag *, const struct conf_node *n, const char *,
	    ...) __attribute__((format(printf, 3, 4)));

/* Scalar conversions; each returns NULL or a phrase for the error. */
const char	*conf_to_int(const char *, long long min, long long max,
		    long long *);
const char	*conf_to_bool(const char *, int *);
/* Longest duration anything takes: ten years. */
#define CONF_MAX_MSEC	(3650LL * 86400 * 1000)
/* "90", "30s", "15m", "2h", "7d", "1w", "500ms" -> milliseconds. */
const char	*conf_to_msec(const char *, int64_t *);
/* "4096", "64k", "16M", "1G" (powers of 1024) -> bytes, at most the
 * machine's memory. */
const char	*conf_to_size(const char *, uint64_t *);

enum conf_kind {
	CK_STRING,	/* char * (xstrdup'd) */
	CK_INT,		/* long long, within [min, max] */
	CK_BOOL,	/* int */
	CK_SECONDS,	/* int64_t seconds, given as a duration */
	CK_MSEC,	/* int64_t milliseconds, given as a duration */
	CK_SIZE,	/* uint64_t bytes */
	CK_ENUM,	/* int: index into `enums` */
	CK_ADDR,	/* struct addr */
	CK_CIDR,	/* struct cidr; /0 refused unless min == -1 */
	CK_PATH,	/* char *: any path */
	CK_FILE_R,	/* char *: a file that must be readable now */
	CK_DIR,		/* char *: a directory that must exist now */
	CK_MODE,	/* int: octal file mode such as "0660" */
	CK_STRLIST,	/* struct conf_strlist */
	CK_CIDRLIST,	/* struct conf_cidrlist */
	CK_NODE,	/* const struct conf_node *: checked by the module */
};

struct conf_field {
	const char		*key;
	enum conf_kind		 kind;
	size_t			 offset;
	const char		*def;	/* default as YAML text, NULL none */
	long long		 min, max;
	const char *const	*enums;	/* NULL-terminated, CK_ENUM */
	int			 required;
};

struct conf_strlist {
	char	**v;
	size_t	  n;
};

struct conf_cidrlist {
	struct cidr	*v;
	size_t		 n;
};

/*
 * Fills `base` from mapping `map` (may be NULL: defaults only) by the
 * NULL-key-terminated `fields`. Every unknown key, wrong type, bad value or
 * missing required key is added to d. Returns the number of errors added.
 */
size_t	conf_apply(const struct conf_node *map, const struct conf_field *,
	    void *base, struct diag *d);
/* Frees what conf_apply allocated in base. */
void	conf_release(const struct conf_field *, void *base);

void	conf_strlist_free(struct conf_strlist *);

/*
 * The name closest to key by edit distance when close enough to be a
 * typo, else NULL. names points at the first name; the next is stride
 * bytes further (the key member of a table's rows); a NULL name ends.
 */
const char	*conf_did_you_mean(const char *key, const char *const *names,
		    size_t stride);

/*
 * Loads a list file: one entry a line, '#' comments, blank lines skipped.
 * Calls cb(line text, line number) for each; cb returns NULL or a phrase
 * that becomes "file:line: phrase" in d. -1 if the file is unreadable.
 */
int	conf_list_file(const char *path, const char *(*cb)(const char *,
	    int, void *), void *arg, struct diag *d);

#endif
