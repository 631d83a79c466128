/* SPDX-License-Identifier: MIT */
/*
 * The "snort_json" input: a Snort 3 alert_json file (alert_json.txt),
 * followed like `tail -F` with the same rotation handling and bookmark as
 * the EVE file input (linefile.c); each line goes through
 * snort_json_parse(). Snort writes local time unless run with -U, so the
 * sensor's UTC offset is a key ("utc_offset: +01:00", default UTC).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "input.h"
#include "linefile.h"
#include "snort_json_parse.h"
#include "xmalloc.h"

struct sj_priv {
	char			*type;
	char			*path;
	uint64_t		 max_line;
	int64_t			 poll_ms;
	char			*utc_offset;
	struct snort_json_opts	 opts;
	struct linefile		*lf;
	int64_t			 next_poll;
};

#define OFF(f)	offsetof(struct sj_priv, f)
static const struct conf_field sj_fields[] = {
	{ "type", CK_STRING, OFF(type), NULL, 0, 0, NULL, 1 },
	{ "path", CK_PATH, OFF(path), NULL, 0, 0, NULL, 1 },
	{ "max_line", CK_SIZE, OFF(max_line), "1M", 256, 64 << 20, NULL, 0 },
	{ "poll_ms", CK_MSEC, OFF(poll_ms), "100ms", 0, 60000, NULL, 0 },
	{ "utc_offset", CK_STRING, OFF(utc_offset), "+00:00", 0, 0, NULL, 0 },
	{ NULL, 0, 0, NULL, 0, 0, NULL, 0 },
};
#undef OFF

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* "+01:00", "-0500", "Z", "UTC" -> minutes east of UTC. */
static int
parse_offset(const char *s, int16_t *out)
{
	int64_t ts;
	int16_t tz;
	char iso[48];
	int n;

	if (strcmp(s, "Z") == 0 || strcmp(s, "UTC") == 0) {
		*out = 0;
		return 0;
	}
	n = snprintf(iso, sizeof(iso), "2000-01-01T00:00:00%s", s);
	if (n < 0 || (size_t)n >= sizeof(iso) || (s[0] != '+' && s[0] != '-'))
		return -1;
	if (alert_time_parse(iso, (size_t)n, &ts, &tz) < 0)
		return -1;
	*out = tz;
	return 0;
}

static size_t
sj_configure(struct input *in, const struct conf_node *n, struct diag *d)
{
	struct sj_priv *p = in->priv;
	size_t errs = conf_apply(n, sj_fields, p, d);

	if (p->max_line)
		in->max_line = (size_t)p->max_line;
	if (p->utc_offset && parse_offset(p->utc_offset, &p->opts.tz_min) < 0) {
		conf_error(d, n ? conf_get(n, "utc_offset") : NULL,
		    "expected a UTC offset such as +01:00, -0500 or UTC");
		errs++;
	}
	return errs;
}

static int
sj_open(struct input *in, struct err *e)
{
	struct sj_priv *p = in->priv;

	if (in->path == NULL)
		return err_set(e, "snort_json: no path");
	p->lf = linefile_open(in->path, in->bookmark, in->follow, in->max_line,
	    e);
	if (p->lf == NULL)
		return -1;
	p->next_poll = 0;
	in->once_eof = 0;
	in->poll_too = 1;
	return 0;
}

static int
sj_fd(struct input *in)
{
	struct sj_priv *p = in->priv;

	return p->lf ? linefile_watch_fd(p->lf) : -1;
}

static int
sj_next(struct input *in, struct alert *al, struct err *e)
{
	struct sj_priv *p = in->priv;
	struct linefile_line l;
	struct timespec now;
	int rc;

	if (p->lf == NULL)
		return err_set(e, "%s: not open", in->path) - 1;
	if (in->follow && p->next_poll && mono_ms() < p->next_poll &&
	    !linefile_woken(p->lf))
		return 0;
	clock_gettime(CLOCK_REALTIME, &now);
	p->opts.now_usec = (int64_t)now.tv_sec * 1000000 +
	    now.tv_nsec / 1000;
	for (;;) {
		rc = linefile_next(p->lf, &l, e);
		in->stats.bytes = linefile_stats(p->lf)->bytes;
		if (rc == 0) {
			if (in->follow)
				p->next_poll = mono_ms() + p->poll_ms;
			else
				in->once_eof = 1;
			return 0;
		}
		if (rc == -1) {
			in->stats.too_long++;
			return -1;
		}
		if (rc < 0)
			return -2;
		in->stats.events++;
		if (snort_json_parse(l.p, l.len, al, &p->opts, e) < 0) {
			in->stats.bad++;
			err_prefix(e, "%s:%llu: ", l.file,
			    (unsigned long long)l.lineno);
			return -1;
		}
		al->input = ALERT_INPUT_SNORT_JSON;
		strlcpy_r(al->file, l.file, sizeof(al->file));
		al->offset = l.offset;
		al->line = l.lineno;
		al->raw = l.p;
		al->raw_len = l.len;
		in->stats.alerts++;
		return 1;
	}
}

static void
sj_bookmark(struct input *in)
{
	struct sj_priv *p = in->priv;

	if (p->lf)
		linefile_bookmark(p->lf, in->bookmark, sizeof(in->bookmark));
}

static void
sj_stat(struct input *in)
{
	struct sj_priv *p = in->priv;

	if (p->lf)
		in->stats.lag_bytes = linefile_lag(p->lf);
}

static void
sj_close(struct input *in)
{
	struct sj_priv *p = in->priv;

	linefile_close(p->lf);
	p->lf = NULL;
}

static void
sj_release(struct input *in)
{
	if (in->priv)
		conf_release(sj_fields, in->priv);
}

const struct input_ops input_snort_json = {
	.name = "snort_json",
	.priv_size = sizeof(struct sj_priv),
	.configure = sj_configure,
	.open = sj_open,
	.fd = sj_fd,
	.next = sj_next,
	.bookmark = sj_bookmark,
	.stat = sj_stat,
	.close = sj_close,
	.release = sj_release,
};
