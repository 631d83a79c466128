/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the reply classifier: arbitrary bytes as a mail
 * returned to the reports' address must parse without a crash; every
 * field kept must be free of CR/LF, every reference "<...>" and every
 * bounced recipient a valid mailbox.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "contact.h"
#include "reply.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reply	r;
	struct err	e = { "", 0 };
	size_t		i, l;

	if (reply_parse((const char *)data, size, &r, &e) == -1)
		return 0;
	if (strpbrk(r.from, "\r\n") != NULL ||
	    strpbrk(r.subject, "\r\n") != NULL ||
	    strpbrk(r.ticket, "\r\n") != NULL ||
	    strpbrk(r.message_id, "\r\n ") != NULL)
		__builtin_trap();
	if (r.from[0] != '\0' && !contact_mailbox_ok(r.from, strlen(r.from)))
		__builtin_trap();
	for (i = 0; i < r.nrefs; i++) {
		l = strlen(r.refs[i]);
		if (l < 3 || r.refs[i][0] != '<' || r.refs[i][l - 1] != '>' ||
		    strpbrk(r.refs[i], "\r\n \t") != NULL)
			__builtin_trap();
	}
	for (i = 0; i < r.nrcpts; i++)
		if (!contact_mailbox_ok(r.rcpts[i].addr,
		    strlen(r.rcpts[i].addr)) ||
		    strpbrk(r.rcpts[i].diag, "\r\n") != NULL)
			__builtin_trap();
	return 0;
}
