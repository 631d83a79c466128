/* SPDX-License-Identifier: MIT */
/*
 * Runs a program from an argv vector (never a shell) with a fixed
 * environment and a timeout, capturing the head of its stderr.
 */
#ifndef REDRESS_RESP_SPAWN_H
#define REDRESS_RESP_SPAWN_H

#include <stddef.h>

#include "err.h"

/*
 * Runs argv[0] (absolute path) with argv and envp (NULL = empty), waits at
 * most timeout_ms (killing it with SIGKILL after that). Returns the exit
 * status (0..255) or -1 with e set (spawn failure, signal, timeout); the
 * first errlen-1 bytes of its stderr go to errbuf when errbuf is not NULL.
 */
int	 spawn_run(char *const argv[], char *const envp[], int timeout_ms,
	    char *errbuf, size_t errlen, struct err *e);

/*
 * Same, capturing stdout instead: at most max bytes into a malloc'd,
 * NUL-terminated *out (caller frees; set even on failure).
 */
int	 spawn_run_output(char *const argv[], char *const envp[],
	    int timeout_ms, char **out, size_t max, struct err *e);

/*
 * Same as spawn_run, feeding the inlen bytes of in to its stdin (a
 * restore batch) while its stderr is read.
 */
int	 spawn_run_input(char *const argv[], char *const envp[],
	    int timeout_ms, const char *in, size_t inlen, char *errbuf,
	    size_t errlen, struct err *e);

#endif
