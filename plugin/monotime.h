/* SPDX-License-Identifier: MIT */
/* The monotonic clock in milliseconds, for timeouts and intervals. */
#ifndef REDRESS_MONOTIME_H
#define REDRESS_MONOTIME_H

#include <stdint.h>

int64_t	monotime_ms(void);

#endif
