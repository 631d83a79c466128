/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer harness for the unified2 decoder: arbitrary bytes as a spool
 * file must give alerts, "need more" or corrupt-record reports followed
 * by a resync (u2_resync), never a crash or a read outside the buffer. The same bytes fed in small pieces
 * (as a file that is still being written) must give the same alerts at the
 * same offsets as the whole buffer.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "unified2_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define MAXA	4096

/* Walks data with `avail` growing by `chunk` bytes; returns alerts. */
static size_t
run(const uint8_t *data, size_t size, size_t chunk, uint64_t *offs,
    uint32_t *sids)
{
	struct u2_reader r;
	struct u2_step st;
	struct alert al;
	size_t off = 0, avail = chunk < size ? chunk : size, na = 0;
	int guard = 0;

	u2_reader_init(&r, NULL);
	while (guard++ < 1000000) {
		enum u2_step_rc rc = u2_reader_step(&r, data + off,
		    avail - off, off, &st);

		if (rc == U2_OK) {
			if (U2_HDR_LEN + (size_t)st.len > avail - off)
				__builtin_trap();
			off += U2_HDR_LEN + st.len;
			continue;
		}
		if (rc == U2_CORRUPT) {
			size_t from = 1, at;
			int rs;

			if (st.why[0] == '\0')
				__builtin_trap();
			/* as input_unified2.c: on to the next record */
			for (;;) {
				rs = u2_resync(data + off, avail - off, from,
				    avail == size, &at);
				if (at > avail - off)
					__builtin_trap();
				off += at;
				if (rs != 0)
					break;
				if (avail == size)
					__builtin_trap();
				from = 0;
				avail = avail + chunk < size ? avail + chunk :
				    size;
			}
			continue;
		} else if (rc == U2_NEED && avail < size) {
			avail = avail + chunk < size ? avail + chunk : size;
			continue;
		}
		if (!u2_reader_take(&r, &al))
			break;
		if (al.packet_len && (al.packet == NULL ||
		    al.packet_len > size))
			__builtin_trap();
		if (al.offset >= size || al.signature[0] == '\0')
			__builtin_trap();
		if (na < MAXA) {
			offs[na] = al.offset;
			sids[na] = al.sid;
		}
		na++;
	}
	u2_reader_free(&r);
	return na;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint64_t o1[MAXA], o2[MAXA];
	static uint32_t s1[MAXA], s2[MAXA];
	struct u2_pktinfo pi;
	size_t n1, n2, i, chunk = size ? (size_t)data[0] % 37 + 1 : 1;

	n1 = run(data, size, size ? size : 1, o1, s1);
	n2 = run(data, size, chunk, o2, s2);
	if (n1 != n2)
		__builtin_trap();
	for (i = 0; i < n1 && i < MAXA; i++)
		if (o1[i] != o2[i] || s1[i] != s2[i])
			__builtin_trap();
	u2_packet_info(data, size, 1, &pi);
	u2_packet_info(data, size, 101, &pi);
	u2_packet_info(data, size, 113, &pi);
	if (pi.payload > size)
		__builtin_trap();
	return 0;
}
