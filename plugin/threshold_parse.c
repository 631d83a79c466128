/* SPDX-License-Identifier: MIT */
/*
 * Parser of threshold.config lines: threshold, event_filter, suppress and
 * rate_filter with every field validated as Snort and Suricata do, plus
 * redress's classtype/kind selectors and contain/report/ignore actions.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "threshold_parse.h"
#include "xmalloc.h"

static const char *const dir_names[] = {
	"threshold", "event_filter", "suppress", "rate_filter",
	"detection_filter",
};
static const char *const type_names[] = {
	"", "limit", "threshold", "both", "backoff",
};
static const char *const track_names[] = {
	"", "by_src", "by_dst", "by_rule", "by_both", "by_either", "by_flow",
};
static const char *const action_names[] = {
	"", "contain", "report", "ignore", "alert", "drop", "pass", "log",
	"sdrop", "reject",
};

const char *
thr_dir_name(enum thr_dir d)
{
	return (unsigned)d < 5 ? dir_names[d] : "?";
}

const char *
thr_type_name(enum thr_type t)
{
	return (unsigned)t < 4 ? type_names[t] : "?";
}

const char *
thr_track_name(enum thr_track t)
{
	return (unsigned)t < 7 ? track_names[t] : "?";
}

const char *
thr_action_name(enum thr_action a)
{
	return (unsigned)a < 10 ? action_names[a] : "?";
}

static int
lookup(const char *const *names, size_t n, const char *s)
{
	size_t i;

	for (i = 1; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

static char *
trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

static int
parse_u32(const char *v, uint32_t *out)
{
	char *end;
	unsigned long long x;

	if (!isdigit((unsigned char)*v))
		return -1;
	errno = 0;
	x = strtoull(v, &end, 10);
	if (errno || *end || x > UINT32_MAX)
		return -1;
	*out = (uint32_t)x;
	return 0;
}

#define VAR_DEPTH	16

static int	group(const char *, const struct thr_vars *, int,
		    struct thr_rule *, struct err *);

/* One element: an address, a CIDR, "any", or $VAR (recursively). */
static int
element(char *tok, const struct thr_vars *vars, int depth,
    struct thr_rule *r, struct err *e)
{
	struct cidr c;
	const char *v;

	if (*tok == '$') {
		if (vars == NULL || vars->source == NULL)
			return err_set(e, "ip \"%s\": address variables need "
			    "a suricata.yaml (policy.suricata_yaml)", tok);
		if ((v = thr_vars_get(vars, tok + 1)) == NULL)
			return err_set(e, "ip \"%s\": not defined in %s "
			    "vars.address-groups", tok, vars->source);
		if (depth >= VAR_DEPTH)
			return err_set(e, "ip \"%s\": variables nested more "
			    "than %d deep (a loop?)", tok, VAR_DEPTH);
		return group(v, vars, depth + 1, r, e);
	}
	if (*tok == '!')
		return err_set(e, "ip \"%s\": negation is not supported",
		    tok);
	if (strcmp(tok, "any") == 0) {
		cidr_parse("0.0.0.0/0", &c);
		r->ips = xreallocarray(r->ips, r->nips + 1, sizeof(*r->ips));
		r->ips[r->nips++] = c;
		cidr_parse("::/0", &c);
	} else if (cidr_parse(tok, &c) < 0)
		return err_set(e, "ip \"%s\": not an address or CIDR", tok);
	r->ips = xreallocarray(r->ips, r->nips + 1, sizeof(*r->ips));
	r->ips[r->nips++] = c;
	return 0;
}

/* "a", "[a, b, [c, $V]]": elements split at commas outside brackets. */
static int
group(const char *v, const struct thr_vars *vars, int depth,
    struct thr_rule *r, struct err *e)
{
	char *buf = xstrdup(v), *p = trim(buf), *tok;
	size_t len = strlen(p), i;
	int lvl = 0, rc = 0;

	if (p[0] == '[') {
		if (len < 2 || p[len - 1] != ']') {
			err_set(e, "ip list \"%s\": missing ']'", v);
			free(buf);
			return -1;
		}
		p[len - 1] = '\0';
		p++;
	}
	for (tok = p, i = 0; rc == 0; i++) {
		if (p[i] == '[')
			lvl++;
		else if (p[i] == ']')
			lvl--;
		if (lvl < 0) {
			rc = err_set(e, "ip list \"%s\": unbalanced ']'", v);
			break;
		}
		if ((p[i] == ',' && lvl == 0) || p[i] == '\0') {
			int end = p[i] == '\0';

			p[i] = '\0';
			tok = trim(tok);
			if (*tok == '[')
				rc = group(tok, vars, depth, r, e);
			else if (*tok != '\0')
				rc = element(tok, vars, depth, r, e);
			tok = p + i + 1;
			if (end)
				break;
		}
	}
	if (rc == 0 && lvl != 0)
		rc = err_set(e, "ip list \"%s\": missing ']'", v);
	free(buf);
	return rc;
}

/* "1.2.3.4", "10.0.0.0/8", "[a, b/n, ...]", "$VAR" (from vars). */
static int
parse_iplist(const char *v, const struct thr_vars *vars, struct thr_rule *r,
    struct err *e)
{
	if (group(v, vars, 0, r, e) < 0)
		return -1;
	if (r->nips == 0)
		return err_set(e, "ip list \"%s\" is empty", v);
	return 0;
}

/* Splits at commas outside [...]; returns the number of parts. */
static size_t
split_fields(char *s, char **parts, size_t max)
{
	size_t n = 0;
	int depth = 0;
	char *start = s;

	for (; *s; s++) {
		if (*s == '[')
			depth++;
		else if (*s == ']' && depth > 0)
			depth--;
		else if (*s == ',' && depth == 0) {
			*s = '\0';
			if (n < max)
				parts[n] = start;
			n++;
			start = s + 1;
		}
	}
	if (n < max)
		parts[n] = start;
	return n + 1;
}

enum {
	F_GEN = 1 << 0, F_SIG = 1 << 1, F_TYPE = 1 << 2, F_TRACK = 1 << 3,
	F_COUNT = 1 << 4, F_SECONDS = 1 << 5, F_ACTION = 1 << 6,
	F_TIMEOUT = 1 << 7, F_IP = 1 << 8, F_APPLY = 1 << 9,
	F_CLASS = 1 << 10, F_KIND = 1 << 11, F_MULT = 1 << 12,
	F_UNIQUE = 1 << 13,
};

static int
field(struct thr_rule *r, char *part, unsigned *seen,
    const struct thr_vars *vars, struct err *e)
{
	static const struct { const char *k; unsigned f; } keys[] = {
		{ "gen_id", F_GEN }, { "sig_id", F_SIG }, { "type", F_TYPE },
		{ "track", F_TRACK }, { "count", F_COUNT },
		{ "seconds", F_SECONDS }, { "new_action", F_ACTION },
		{ "timeout", F_TIMEOUT }, { "ip", F_IP },
		{ "apply_to", F_APPLY }, { "classtype", F_CLASS },
		{ "kind", F_KIND }, { "multiplier", F_MULT },
		{ "unique_on", F_UNIQUE },
	};
	char *k = trim(part), *v;
	unsigned f = 0;
	size_t i;
	int x;

	if (*k == '\0')
		return err_set(e, "empty field");
	v = k;
	while (*v && !isspace((unsigned char)*v))
		v++;
	if (*v)
		*v++ = '\0';
	v = trim(v);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(k, keys[i].k) == 0)
			f = keys[i].f;
	if (f == 0)
		return err_set(e, "unknown field \"%s\"", k);
	if (*seen & f)
		return err_set(e, "%s given twice", k);
	*seen |= f;
	if (*v == '\0')
		return err_set(e, "%s: missing value", k);
	switch (f) {
	case F_GEN:
		if (parse_u32(v, &r->gid) < 0)
			return err_set(e, "gen_id \"%s\": not a number", v);
		break;
	case F_SIG:
		if (parse_u32(v, &r->sid) < 0)
			return err_set(e, "sig_id \"%s\": not a number", v);
		break;
	case F_COUNT:
		if (parse_u32(v, &r->count) < 0)
			return err_set(e, "count \"%s\": not a number", v);
		break;
	case F_SECONDS:
		if (parse_u32(v, &r->seconds) < 0)
			return err_set(e, "seconds \"%s\": not a number", v);
		break;
	case F_TIMEOUT:
		if (parse_u32(v, &r->timeout) < 0)
			return err_set(e, "timeout \"%s\": not a number", v);
		break;
	case F_UNIQUE:
		if (strcmp(v, "src_port") == 0)
			r->unique_on = THR_UNIQUE_SRC_PORT;
		else if (strcmp(v, "dst_port") == 0)
			r->unique_on = THR_UNIQUE_DST_PORT;
		else
			return err_set(e, "unique_on \"%s\": expected src_port "
			    "or dst_port", v);
		break;
	case F_MULT:
		if (parse_u32(v, &r->multiplier) < 0)
			return err_set(e, "multiplier \"%s\": not a number",
			    v);
		break;
	case F_TYPE:
		if ((x = lookup(type_names, 5, v)) < 0)
			return err_set(e, "type \"%s\": expected limit, "
			    "threshold, both or backoff", v);
		r->type = (enum thr_type)x;
		break;
	case F_TRACK:
		if ((x = lookup(track_names, 7, v)) < 0)
			return err_set(e, "track \"%s\": expected by_src, "
			    "by_dst, by_rule, by_both, by_either or by_flow",
			    v);
		r->track = (enum thr_track)x;
		break;
	case F_ACTION:
		if ((x = lookup(action_names, 10, v)) < 0)
			return err_set(e, "new_action \"%s\": expected contain,"
			    " report, ignore, alert, drop, pass, log, sdrop or"
			    " reject", v);
		r->new_action = (enum thr_action)x;
		break;
	case F_IP:
	case F_APPLY:
		return parse_iplist(v, vars, r, e);
	case F_CLASS:
	case F_KIND:
		if (strlen(v) >= THR_NAME_MAX)
			return err_set(e, "%s: name too long", k);
		for (i = 0; v[i]; i++)
			if (!isalnum((unsigned char)v[i]) && v[i] != '-' &&
			    v[i] != '_')
				return err_set(e, "%s \"%s\": bad name", k, v);
		strlcpy_r(r->name, v, sizeof(r->name));
		r->sel = f == F_CLASS ? THR_SEL_CLASSTYPE : THR_SEL_KIND;
		break;
	}
	return 0;
}

static const char *const kinds[] = {
	"probe", "sweep", "scan", "brute-force", "exploit", "compromise",
	"dos", "other", NULL,
};

static int
check_rule(struct thr_rule *r, unsigned seen, struct err *e)
{
	const char *d = thr_dir_name(r->dir);
	size_t i;

	if ((seen & (F_CLASS | F_KIND)) == (F_CLASS | F_KIND))
		return err_set(e, "%s: classtype and kind are exclusive", d);
	if (seen & (F_CLASS | F_KIND)) {
		if (seen & (F_GEN | F_SIG))
			return err_set(e, "%s: gen_id/sig_id cannot be combined"
			    " with %s", d, seen & F_CLASS ? "classtype" :
			    "kind");
		if (seen & F_KIND) {
			for (i = 0; kinds[i]; i++)
				if (strcmp(kinds[i], r->name) == 0)
					break;
			if (kinds[i] == NULL)
				return err_set(e, "kind \"%s\": expected probe,"
				    " sweep, scan, brute-force, exploit, "
				    "compromise, dos or other", r->name);
		}
	} else {
		if (!(seen & F_GEN))
			return err_set(e, "%s: gen_id missing", d);
		if (!(seen & F_SIG))
			return err_set(e, "%s: sig_id missing", d);
		if (r->gid == 0 && r->sid != 0)
			return err_set(e, "%s: sig_id %u with gen_id 0", d,
			    r->sid);
	}
	if ((seen & F_UNIQUE) && r->dir != THR_DETECTION_FILTER)
		return err_set(e, "%s: unique_on is for detection_filter", d);
	switch (r->dir) {
	case THR_DETECTION_FILTER:
		/* Suricata's rule option (detect-detection-filter.c). */
		if (!(seen & F_TRACK))
			return err_set(e, "%s: track missing", d);
		if (!(seen & F_COUNT))
			return err_set(e, "%s: count missing", d);
		if (!(seen & F_SECONDS))
			return err_set(e, "%s: seconds missing", d);
		if (seen & (F_TYPE | F_ACTION | F_TIMEOUT | F_IP | F_APPLY |
		    F_MULT))
			return err_set(e, "%s takes gen_id, sig_id, track, "
			    "count, seconds and unique_on", d);
		if (r->track == THR_TRACK_BY_EITHER)
			return err_set(e, "%s: track by_either is for "
			    "suppress", d);
		if (r->seconds == 0)
			return err_set(e, "%s: seconds must be nonzero", d);
		break;
	case THR_THRESHOLD:
	case THR_EVENT_FILTER:
		if (!(seen & F_TYPE))
			return err_set(e, "%s: type missing", d);
		if (!(seen & F_TRACK))
			return err_set(e, "%s: track missing", d);
		if (!(seen & F_COUNT))
			return err_set(e, "%s: count missing", d);
		if (r->type == THR_TYPE_BACKOFF) {
			/* Suricata 8 (detect-threshold.c): count and
			 * multiplier, no seconds. */
			if (!(seen & F_MULT))
				return err_set(e, "%s: type backoff needs "
				    "multiplier", d);
			if (seen & F_SECONDS)
				return err_set(e, "%s: type backoff takes no "
				    "seconds", d);
			if (r->count == 0 || r->count > 65535)
				return err_set(e, "%s: backoff count %u: must "
				    "be 1-65535", d, r->count);
			if (r->multiplier < 2 || r->multiplier > 65535)
				return err_set(e, "%s: multiplier %u: must be "
				    "2-65535", d, r->multiplier);
		} else if (seen & F_MULT)
			return err_set(e, "%s: multiplier is for type "
			    "backoff", d);
		else if (!(seen & F_SECONDS))
			return err_set(e, "%s: seconds missing", d);
		if (seen & (F_ACTION | F_TIMEOUT | F_IP | F_APPLY))
			return err_set(e, "%s: new_action, timeout, ip and "
			    "apply_to belong to other directives", d);
		if (r->track == THR_TRACK_BY_EITHER)
			return err_set(e, "%s: track by_either is for "
			    "suppress", d);
		if (r->count == 0)
			return err_set(e, "%s: count must be nonzero", d);
		if (r->seconds == 0 && r->type != THR_TYPE_BACKOFF)
			return err_set(e, "%s: seconds must be nonzero", d);
		break;
	case THR_SUPPRESS:
		if (seen & (F_TYPE | F_COUNT | F_SECONDS | F_ACTION |
		    F_TIMEOUT | F_APPLY | F_MULT))
			return err_set(e, "suppress takes only gen_id, sig_id,"
			    " track and ip");
		if ((seen & F_TRACK) && !(seen & F_IP))
			return err_set(e, "suppress: track without ip");
		if ((seen & F_IP) && !(seen & F_TRACK))
			return err_set(e, "suppress: ip without track");
		if ((seen & F_TRACK) && r->track != THR_TRACK_BY_SRC &&
		    r->track != THR_TRACK_BY_DST &&
		    r->track != THR_TRACK_BY_EITHER)
			return err_set(e, "suppress: track must be by_src, "
			    "by_dst or by_either");
		break;
	case THR_RATE_FILTER:
		if (!(seen & F_TRACK))
			return err_set(e, "rate_filter: track missing");
		if (!(seen & F_COUNT))
			return err_set(e, "rate_filter: count missing");
		if (!(seen & F_SECONDS))
			return err_set(e, "rate_filter: seconds missing");
		if (!(seen & F_ACTION))
			return err_set(e, "rate_filter: new_action missing");
		if (!(seen & F_TIMEOUT))
			return err_set(e, "rate_filter: timeout missing");
		if (seen & (F_TYPE | F_IP | F_MULT))
			return err_set(e, "rate_filter takes no type, ip or "
			    "multiplier");
		if (r->track == THR_TRACK_BY_EITHER)
			return err_set(e, "rate_filter: track by_either is "
			    "for suppress");
		if (r->seconds == 0 && r->gid != 135)
			return err_set(e, "rate_filter: seconds 0 is allowed"
			    " only for gen_id 135");
		break;
	}
	return 0;
}

void
thr_rule_free(struct thr_rule *r)
{
	free(r->ips);
	r->ips = NULL;
	r->nips = 0;
}

int
thr_parse_line(const char *line, struct thr_rule *r, struct err *e)
{
	return thr_parse_line_vars(line, NULL, r, e);
}

int
thr_parse_line_vars(const char *line, const struct thr_vars *vars,
    struct thr_rule *r, struct err *e)
{
	static const char *const dirs[] = { "", "threshold",
	    "event_filter", "suppress", "rate_filter", "detection_filter" };
	char *buf, *s, *word, *parts[32];
	size_t n, i;
	unsigned seen = 0;
	int d;

	memset(r, 0, sizeof(*r));
	buf = xstrdup(line);
	s = trim(buf);
	if (*s == '\0' || *s == '#') {
		free(buf);
		return 0;
	}
	word = s;
	while (*s && !isspace((unsigned char)*s))
		s++;
	if (*s)
		*s++ = '\0';
	if ((d = lookup(dirs, 6, word)) < 0) {
		err_set(e, "unknown directive \"%s\" (expected threshold, "
		    "event_filter, suppress or rate_filter)", word);
		free(buf);
		return -1;
	}
	r->dir = (enum thr_dir)(d - 1);
	n = split_fields(s, parts, 32);
	if (n > 32) {
		err_set(e, "too many fields");
		goto bad;
	}
	for (i = 0; i < n; i++)
		if (field(r, parts[i], &seen, vars, e) < 0)
			goto bad;
	if (check_rule(r, seen, e) < 0)
		goto bad;
	free(buf);
	return 1;
bad:
	free(buf);
	thr_rule_free(r);
	return -1;
}

void
thr_set_add(struct thr_set *s, struct thr_rule *r)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->v = xreallocarray(s->v, s->cap, sizeof(*s->v));
	}
	s->v[s->n++] = *r;
	r->ips = NULL;
	r->nips = 0;
}

void
thr_set_free(struct thr_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		thr_rule_free(&s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

int
thr_parse_buf(const char *name, const char *buf, size_t len,
    struct thr_set *set, struct diag *d)
{
	char *logical = NULL;
	size_t llen = 0, i = 0, start;
	int lineno = 0, first = 0, errors = 0, rc;
	struct thr_rule r;
	struct err e;

	while (i < len) {
		size_t end;
		int cont;

		start = i;
		while (i < len && buf[i] != '\n')
			i++;
		end = i;
		if (i < len)
			i++;
		lineno++;
		if (end > start && buf[end - 1] == '\r')
			end--;
		if (memchr(buf + start, '\0', end - start) != NULL) {
			diag_add(d, name, lineno, 0, "NUL byte in line");
			errors++;
			continue;
		}
		cont = end > start && buf[end - 1] == '\\';
		if (cont)
			end--;
		if (logical == NULL)
			first = lineno;
		logical = xreallocarray(logical, llen + (end - start) + 2, 1);
		memcpy(logical + llen, buf + start, end - start);
		llen += end - start;
		logical[llen] = '\0';
		if (cont && i < len) {
			logical[llen++] = ' ';
			logical[llen] = '\0';
			continue;
		}
		memset(&e, 0, sizeof(e));
		rc = thr_parse_line_vars(logical, set->vars, &r, &e);
		if (rc < 0) {
			diag_add(d, name, first, 0, "%s", e.msg);
			errors++;
		} else if (rc > 0 && r.dir == THR_DETECTION_FILTER &&
		    !set->allow_detection) {
			diag_add(d, name, first, 0, "detection_filter is a rule "
			    "option of the sensor, not a threshold.config "
			    "directive");
			errors++;
			thr_rule_free(&r);
		} else if (rc > 0) {
			r.line = first;
			thr_set_add(set, &r);
		}
		free(logical);
		logical = NULL;
		llen = 0;
	}
	free(logical);
	return errors;
}

int
thr_parse_file(const char *path, struct thr_set *set, struct diag *d)
{
	FILE *f;
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	int rc;

	if ((f = fopen(path, "r")) == NULL) {
		diag_add(d, path, 0, 0, "cannot open: %s", strerror(errno));
		return -1;
	}
	for (;;) {
		if (cap - len < 65536) {
			cap = cap ? cap * 2 : 65536;
			buf = xreallocarray(buf, cap, 1);
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		diag_add(d, path, 0, 0, "read error: %s", strerror(errno));
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	rc = thr_parse_buf(path, buf, len, set, d);
	free(buf);
	return rc;
}
