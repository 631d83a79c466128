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
#include "input_file.h"
#include "snort_json_parse.h"
#include "xmalloc.h"

struct sj_priv {
	char			*type;
	char			*path;
	uint64_t		 max_line;
	int64_t			 poll_ms;
	char			*utc_offset;
	struct snort_json_opts	 opts;
	struct input_file	 f;
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

	p->f.poll_ms = p->poll_ms;
	return input_file_open(&p->f, in, e);
}

static int
sj_fd(struct input *in)
{
	return input_file_fd(&((struct sj_priv *)in->priv)->f);
}

static int
sj_record(struct input *in, struct input_record *r, struct err *e)
{
	return input_file_record(&((struct sj_priv *)in->priv)->f, in, r, e);
}

/* One line through the parser, on any thread (input_ops.parse). */
static int
sj_parse(const struct input *in, const struct input_record *r,
    struct alert *al, struct alert_scratch *sc, struct err *e)
{
	const struct sj_priv *p = in->priv;
	struct snort_json_opts o = p->opts;
	struct timespec now;

	(void)sc;
	clock_gettime(CLOCK_REALTIME, &now);
	o.now_usec = (int64_t)now.tv_sec * 1000000 + now.tv_nsec / 1000;
	if (snort_json_parse(r->p, r->len, al, &o, e) < 0) {
		err_prefix(e, "%s:%llu: ", r->file,
		    (unsigned long long)r->line);
		return -1;
	}
	input_record_place(al, ALERT_INPUT_SNORT_JSON, r);
	return 1;
}

static int
sj_next(struct input *in, struct alert *al, struct err *e)
{
	struct input_record r;
	int rc;

	if ((rc = sj_record(in, &r, e)) != 1)
		return rc;
	rc = sj_parse(in, &r, al, NULL, e);
	input_count(&in->stats, rc);
	return rc;
}

static void
sj_bookmark(struct input *in)
{
	input_file_bookmark(&((struct sj_priv *)in->priv)->f, in);
}

static void
sj_stat(struct input *in)
{
	input_file_stat(&((struct sj_priv *)in->priv)->f, in);
}

static void
sj_close(struct input *in)
{
	struct sj_priv *p = in->priv;

	input_file_close(&p->f);
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
	.record = sj_record,
	.parse = sj_parse,
	.bookmark = sj_bookmark,
	.stat = sj_stat,
	.close = sj_close,
	.release = sj_release,
};
