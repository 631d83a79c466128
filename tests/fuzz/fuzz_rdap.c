/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the RDAP parser and the bootstrap registry:
 * arbitrary bytes as an RDAP IP network, entity or bootstrap answer must
 * give a result or an error, never a crash, and only valid mailboxes.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bootstrap.h"
#include "contact.h"
#include "log.h"
#include "rdap_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rdap_result	 r;
	struct err		 e = { "", 0 };
	struct bootstrap	*b;
	struct addr		 a;
	size_t			 i;

	log_set_level(LOG_LEVEL_ERROR);
	if (rdap_parse_ip((const char *)data, size, &r, &e) == 0) {
		(void)rdap_parse_entity((const char *)data, size, "abuse", &r,
		    &e);
		for (i = 0; i < r.nfound; i++)
			if (!contact_mailbox_ok(r.found[i].email,
			    strlen(r.found[i].email)))
				__builtin_trap();
		if (strpbrk(r.network_name, "\r\n") != NULL)
			__builtin_trap();
		rdap_result_clear(&r);
	} else if (!e.set)
		__builtin_trap();	/* a refusal must say why */
	b = bootstrap_new();
	if (bootstrap_parse(b, (const char *)data, size, &e) == 0) {
		addr_parse("192.0.2.1", &a);
		(void)bootstrap_lookup(b, &a);
	}
	bootstrap_free(b);
	return 0;
}
