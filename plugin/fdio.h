/* SPDX-License-Identifier: MIT */
/* Writing a whole buffer to a file descriptor. */
#ifndef REDRESS_FDIO_H
#define REDRESS_FDIO_H

#include <stddef.h>

/* Writes all n bytes of p, again after a short write or EINTR: 0, or -1
 * with errno set. */
int	fd_write_all(int fd, const void *p, size_t n);

#endif
