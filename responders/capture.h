/* SPDX-License-Identifier: MIT */
/*
 * The capture responder's extra entry point: waiting for its background
 * captures to end (tests, orderly shutdown).
 */
#ifndef REDRESS_CAPTURE_H
#define REDRESS_CAPTURE_H

#include "responder.h"

/*
 * Waits until no capture of r is running, at most timeout_ms. Returns 0
 * when idle, -1 on timeout. Finished threads are joined.
 */
int	 capture_wait_idle(struct responder *r, int timeout_ms);

#endif
