/* SPDX-License-Identifier: MIT */
/* The "inputs:" section: the configured (not yet opened) inputs. */
#ifndef REDRESS_INPUT_CONF_H
#define REDRESS_INPUT_CONF_H

#include <stddef.h>

struct input;

struct input_conf {
	struct input	**v;
	size_t		  n;
};

#endif
