/* SPDX-License-Identifier: MIT */
/*
 * One Suricata EVE JSON line into a struct alert. eve_parse_jansson() is
 * the reference: a full parse with jansson. eve_parse_fast() (eve_fast.c)
 * extracts the same fields without building a tree and gives up on
 * anything unusual; eve_parse() tries it first and falls back. Both leave
 * the input fields (input, file, offset, line, raw) to the caller.
 */
#ifndef REDRESS_EVE_PARSE_H
#define REDRESS_EVE_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "alert.h"
#include "err.h"

#define EVE_FALLBACK	(-2)

/*
 * 1: an alert in *al. 0: a valid event of another type (flow, http, dns,
 * stats ...). -1: invalid, e says why ("missing src_ip").
 */
int	eve_parse_jansson(const char *line, size_t len, struct alert *al,
	    struct alert_scratch *sc, struct err *e);
/* As eve_parse_jansson, or EVE_FALLBACK when the line needs the full parser. */
int	eve_parse_fast(const char *line, size_t len, struct alert *al,
	    struct alert_scratch *sc);
/* Fast path, then jansson on EVE_FALLBACK. */
int	eve_parse(const char *line, size_t len, struct alert *al,
	    struct alert_scratch *sc, struct err *e);
/*
 * Compares the fields a parser fills (not the input fields); NULL when
 * equal, else the name of the first field that differs. For the tests and
 * the differential fuzz harness.
 */
const char *eve_alert_diff(const struct alert *, const struct alert *);

/* Helpers shared by both parsers (and snort_json_parse.c). */
/*
 * Hostile bytes (eve_text.c). eve_copy_str() copies a string's bytes
 * into a fixed field as text: printable ASCII and valid UTF-8 as they
 * are, any other byte (NUL, control, DEL, invalid UTF-8, the bytes of a
 * lone surrogate) as \xNN; a cut never splits a character or a \xNN.
 */
void	eve_copy_str(char *dst, size_t size, const char *s, size_t len);
/*
 * The line with each NUL escape, lone surrogate escape, raw control byte
 * or invalid UTF-8 byte inside a string rewritten as the JSON text of
 * "\xNN", and each number jansson refuses as out of range rewritten as a
 * string of its text (malloc'd, *out_len set), or NULL when there is
 * none: jansson
 * then reads the same field text as eve_copy_str() makes of the bytes.
 */
char	*eve_launder(const char *line, size_t len, size_t *out_len);
/*
 * The bytes the raw text of a JSON string (p, n; its escapes already
 * checked) stands for, into buf: at most cap bytes, stopping before a
 * character that does not fit (*cut set then). A surrogate pair is one
 * UTF-8 character; a lone surrogate becomes its three bytes (WTF-8) and
 * \u0000 a NUL byte, both then written \xNN by eve_copy_str().
 */
size_t	eve_unescape(const char *p, size_t n, char *buf, size_t cap,
	    int *cut);
/* Optional members of a JSON object (jansson): 0 absent, 1 set, -1 of
 * the wrong type or out of [0, max]. Strings go through eve_copy_str. */
int	eve_get_uint(const json_t *, const char *key, uint64_t max,
	    uint64_t *out);
int	eve_get_str(const json_t *, const char *key, char *dst, size_t size);
/* One line as a JSON object (caller json_decref()s), or NULL and e. */
json_t	*eve_load_object(const char *line, size_t len, struct err *);
/* Base64 (RFC 4648, padded) into sc; 0 ok, -1 not valid base64. */
int	eve_b64_decode(const char *s, size_t len, struct alert_scratch *sc,
	    size_t *out_len);
/* The spoof guard verdict from the flow facts (enum alert_est). */
int8_t	eve_established(const struct alert *al, int have_flow);

#endif
