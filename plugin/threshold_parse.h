/* SPDX-License-Identifier: MIT */
/*
 * threshold.config lines (threshold, event_filter, suppress, rate_filter)
 * parsed into rules, with every field checked and file:line errors
 * (threshold_parse.c). Pure: no engine state here. redress extends the
 * selector: besides gen_id/sig_id a rule may name `classtype NAME` or
 * `kind NAME` (an incident kind), and rate_filter's new_action may be
 * contain, report or ignore. Suricata 8's `type backoff` (count,
 * multiplier) and address variables from suricata.yaml are accepted.
 */
#ifndef REDRESS_THRESHOLD_PARSE_H
#define REDRESS_THRESHOLD_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "err.h"

enum thr_dir {
	THR_THRESHOLD,		/* "threshold" (Snort 2.8 name) */
	THR_EVENT_FILTER,	/* same semantics */
	THR_SUPPRESS,
	THR_RATE_FILTER,
	THR_DETECTION_FILTER,	/* a rule option; test replay only */
};

enum thr_unique {
	THR_UNIQUE_NONE = 0,
	THR_UNIQUE_SRC_PORT,
	THR_UNIQUE_DST_PORT,
};

enum thr_type {
	THR_TYPE_NONE = 0,
	THR_TYPE_LIMIT,
	THR_TYPE_THRESHOLD,
	THR_TYPE_BOTH,
	THR_TYPE_BACKOFF,	/* Suricata 8: count, count*M, count*M^2 ... */
};

enum thr_track {
	THR_TRACK_NONE = 0,
	THR_TRACK_BY_SRC,
	THR_TRACK_BY_DST,
	THR_TRACK_BY_RULE,
	THR_TRACK_BY_BOTH,
	THR_TRACK_BY_EITHER,	/* suppress only */
	THR_TRACK_BY_FLOW,	/* Suricata: the flow (sensor files) */
};

enum thr_action {
	THR_ACT_NONE = 0,
	THR_ACT_CONTAIN,
	THR_ACT_REPORT,
	THR_ACT_IGNORE,
	/* engine actions, accepted in a sensor's file */
	THR_ACT_ALERT,
	THR_ACT_DROP,
	THR_ACT_PASS,
	THR_ACT_LOG,
	THR_ACT_SDROP,
	THR_ACT_REJECT,
};

enum thr_select {
	THR_SEL_SID,		/* gen_id / sig_id (0 = all) */
	THR_SEL_CLASSTYPE,
	THR_SEL_KIND,
};

#define THR_NAME_MAX	64

struct thr_rule {
	enum thr_dir	 dir;
	enum thr_select	 sel;
	uint32_t	 gid, sid;
	char		 name[THR_NAME_MAX];	/* classtype or kind */
	enum thr_type	 type;
	enum thr_track	 track;
	uint32_t	 count;
	uint32_t	 seconds;
	enum thr_action	 new_action;
	uint32_t	 timeout;
	uint32_t	 multiplier;	/* backoff */
	enum thr_unique	 unique_on;	/* detection_filter */
	struct cidr	*ips;		/* suppress ip / rate_filter apply_to */
	size_t		 nips;
	int		 line;
};

/*
 * Suricata's address variables (suricata.yaml vars.address-groups,
 * include: files merged in), threshold_vars.c. An ip list may name them
 * ($HOME_NET, [$A, 10.0.0.0/8]); they expand recursively.
 */
struct thr_vars {
	char	**name;
	char	**value;
	size_t	  n;
	char	 *source;	/* the yaml path, for messages */
};

/* Loads path's vars.address-groups into v; errors go to d. -1 unread. */
int		 thr_vars_load(const char *path, struct thr_vars *v,
		    struct diag *d);
const char	*thr_vars_get(const struct thr_vars *, const char *name);
void		 thr_vars_free(struct thr_vars *);

struct thr_set {
	struct thr_rule	*v;
	size_t		 n, cap;
	const struct thr_vars *vars;	/* for $VAR in ip lists, or NULL */
	int		 allow_detection;	/* detection_filter lines */
};

const char	*thr_dir_name(enum thr_dir);
const char	*thr_type_name(enum thr_type);
const char	*thr_track_name(enum thr_track);
const char	*thr_action_name(enum thr_action);

/*
 * One logical line. Returns 1 with r filled (caller frees with
 * thr_rule_free), 0 for a blank or comment line, -1 with a message in e
 * (without the file:line, which the caller adds).
 */
int	thr_parse_line(const char *line, struct thr_rule *r, struct err *e);
/* The same, resolving $VAR ip lists from vars (NULL: none defined). */
int	thr_parse_line_vars(const char *line, const struct thr_vars *vars,
	    struct thr_rule *r, struct err *e);
void	thr_rule_free(struct thr_rule *);

/*
 * Whole buffers and files: backslash continuations joined, every bad line
 * reported as "name:line: msg" into d; good lines are kept. Returns the
 * number of errors (or -1 when the file cannot be read).
 */
int	thr_parse_buf(const char *name, const char *buf, size_t len,
	    struct thr_set *, struct diag *d);
int	thr_parse_file(const char *path, struct thr_set *, struct diag *d);
/* Adds a copy of r (taking ownership of r->ips). */
void	thr_set_add(struct thr_set *, struct thr_rule *r);
void	thr_set_free(struct thr_set *);

#endif
