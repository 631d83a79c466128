/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the whois answer parser: arbitrary bytes as a
 * registry answer must parse without a crash, and every kept address must
 * be a valid mailbox without CR/LF; referrals must be plain host names.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "contact.h"
#include "log.h"
#include "whois_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct whois_result	r;
	size_t			i;

	log_set_level(LOG_LEVEL_ERROR);
	whois_parse((const char *)data, size, &r);
	for (i = 0; i < r.nfound; i++)
		if (!contact_mailbox_ok(r.found[i].email,
		    strlen(r.found[i].email)) ||
		    strpbrk(r.found[i].email, "\r\n") != NULL)
			__builtin_trap();
	if (strpbrk(r.refer_host, " \t\r\n:/") != NULL)
		__builtin_trap();
	if (strpbrk(r.network_name, "\r\n") != NULL ||
	    strpbrk(r.range, "\r\n") != NULL)
		__builtin_trap();
	if (r.evidence != NULL && strchr(r.evidence, '\r') != NULL)
		__builtin_trap();
	whois_result_clear(&r);
	return 0;
}
