/* SPDX-License-Identifier: MIT */
/* Input bookmarks in the state store (store_input.c). */
#ifndef REDRESS_STORE_INPUT_H
#define REDRESS_STORE_INPUT_H

#include <stddef.h>
#include "store.h"

/* 1 found (text copied into buf), 0 none, -1 error. */
int	store_bookmark_get(struct store *, const char *input_id, char *buf,
	    size_t len, struct err *);
int	store_bookmark_put(struct store *, const char *input_id,
	    const char *text, struct err *);

#endif
