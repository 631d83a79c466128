/* SPDX-License-Identifier: MIT */
/* The monotonic clock in milliseconds, for timeouts and intervals. */
#ifndef REDRESS_MONOTIME_H
#define REDRESS_MONOTIME_H

#include <stdint.h>

int64_t	monotime_ms(void);
/* The same clock in microseconds, for short windows that are measured. */
int64_t	monotime_us(void);

#endif
