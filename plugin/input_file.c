/* SPDX-License-Identifier: MIT */
/*
 * The file-following half shared by the line inputs (input_file.h): the
 * calls every file input makes around linefile.c, in one place.
 */
#include <time.h>

#include "input_file.h"
#include "monotime.h"

int
input_file_open(struct input_file *f, struct input *in, struct err *e)
{
	if (in->path == NULL)
		return err_set(e, "%s: no path", in->ops->name);
	f->lf = linefile_open(in->path, in->bookmark, in->follow, in->max_line,
	    e);
	if (f->lf == NULL)
		return -1;
	f->next_poll = 0;
	in->once_eof = 0;
	in->poll_too = 1;	/* inotify only wakes early */
	return 0;
}

int
input_file_fd(struct input_file *f)
{
	return f->lf ? linefile_watch_fd(f->lf) : -1;
}

int
input_file_record(struct input_file *f, struct input *in,
    struct input_record *r, struct err *e)
{
	struct linefile_line l;
	int rc;

	if (f->lf == NULL)
		return err_set(e, "%s: not open", in->path) - 1;
	if (in->follow && f->next_poll && monotime_ms() < f->next_poll &&
	    !linefile_woken(f->lf))
		return 0;
	rc = linefile_next(f->lf, &l, e);
	in->stats.bytes = linefile_stats(f->lf)->bytes;
	if (rc == 0) {
		if (in->follow)
			f->next_poll = monotime_ms() + f->poll_ms;
		else
			in->once_eof = 1;
		return 0;
	}
	if (rc == -1) {
		in->stats.too_long++;
		return -1;
	}
	if (rc == -3)		/* lines lost to a copytruncate: e says */
		return -1;
	if (rc < 0)
		return -2;
	r->p = l.p;
	r->len = l.len;
	r->file = l.file;
	r->offset = l.offset;
	r->line = l.lineno;
	return 1;
}

void
input_file_bookmark(struct input_file *f, struct input *in)
{
	if (f->lf)
		linefile_bookmark(f->lf, in->bookmark, sizeof(in->bookmark));
}

void
input_file_stat(struct input_file *f, struct input *in)
{
	if (f->lf)
		in->stats.lag_bytes = linefile_lag(f->lf);
}

void
input_file_close(struct input_file *f)
{
	linefile_close(f->lf);
	f->lf = NULL;
}
