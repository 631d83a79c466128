/* SPDX-License-Identifier: MIT */
/*
 * The file-following half of the line inputs (EVE file, Snort 3
 * alert_json): open at the bookmark, wake on inotify or poll at the end,
 * count bytes and over-long lines, save the bookmark and the lag. The
 * inputs add only their line parser.
 */
#ifndef REDRESS_INPUT_FILE_H
#define REDRESS_INPUT_FILE_H

#include <stdint.h>

#include "input.h"
#include "linefile.h"

struct input_file {
	struct linefile	*lf;
	int64_t		 next_poll;	/* ms, set at the end of the file */
	int64_t		 poll_ms;	/* the input's poll_ms */
};

int	input_file_open(struct input_file *, struct input *, struct err *);
int	input_file_fd(struct input_file *);
/*
 * The next line as the record half of input_ops (input_ops.record).
 * 1: r holds it. 0: nothing now (end of data; a replay sets
 * in->once_eof). -1: a line over max_line was skipped (e says where).
 * -2: the file failed (e says why).
 */
int	input_file_record(struct input_file *, struct input *,
	    struct input_record *r, struct err *);
void	input_file_bookmark(struct input_file *, struct input *);
void	input_file_stat(struct input_file *, struct input *);
void	input_file_close(struct input_file *);

#endif
