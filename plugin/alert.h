/* SPDX-License-Identifier: MIT */
/*
 * The normalized alert every input produces, whatever the sensor. Fields
 * are fixed-size so alerts cross modules by value; `packet` and `raw` are
 * borrowed from the input and valid only until its next read. Printed as
 * JSON it uses Suricata EVE's names (alert_json.c).
 */
#ifndef REDRESS_ALERT_H
#define REDRESS_ALERT_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"

enum alert_input {
	ALERT_INPUT_NONE = 0,
	ALERT_INPUT_UNIFIED2,
	ALERT_INPUT_EVE,
	ALERT_INPUT_SNORT_JSON,
};

/* Evidence of a completed TCP handshake (spoof guard). */
enum alert_est {
	ALERT_EST_UNKNOWN = -1,
	ALERT_EST_NO = 0,
	ALERT_EST_YES = 1,
};

#define ALERT_SIG_MAX	256
#define ALERT_CAT_MAX	128
#define ALERT_PATH_MAX	256
#define ALERT_HOST_MAX	128
#define ALERT_URL_MAX	256

struct alert {
	/*
	 * What the decision engine reads of every alert comes first, in a
	 * few cache lines: read ahead on another CPU, each line it touches
	 * has to travel.
	 */
	int64_t		 ts_usec;	/* event time, µs since the epoch, UTC */
	int16_t		 tz_min;	/* sensor's UTC offset in minutes */
	uint8_t		 proto;		/* IPPROTO_*, 0 unknown */
	int8_t		 established;	/* enum alert_est */
	uint32_t	 gid, sid, rev;
	int		 severity;	/* EVE severity / Snort priority, 0 unknown */
	struct addr	 src, dst;
	uint16_t	 sport, dport;	/* or ICMP type, code */
	uint8_t		 tcp_flags;	/* of the packet, when known */
	uint8_t		 has_payload;
	uint64_t	 flow_id;
	uint32_t	 pkts_toserver, pkts_toclient;
	uint64_t	 bytes_toserver, bytes_toclient;
	char		 category[ALERT_CAT_MAX];

	char		 signature[ALERT_SIG_MAX];
	char		 action[16];	/* allowed, blocked, "" */
	char		 app_proto[24];
	char		 iface[24];
	char		 sensor[64];	/* host name, sensor id */
	/* The HTTP request, when the sensor logged it (EVE "http", Snort
	 * extra data): evidence for the report. */
	char		 http_method[16];
	char		 http_host[ALERT_HOST_MAX];
	char		 http_url[ALERT_URL_MAX];

	/* Evidence, borrowed until the input's next read. */
	const uint8_t	*packet;	/* link-layer or IP packet bytes */
	size_t		 packet_len;
	int		 linktype;	/* DLT_* of packet, 0 unknown */
	const char	*raw;		/* the raw line (EVE, JSON), not NUL-ended */
	size_t		 raw_len;

	/* Where it came from. */
	enum alert_input input;
	char		 file[ALERT_PATH_MAX];
	uint64_t	 offset;	/* byte offset of the record / line */
	uint64_t	 line;		/* line number, 0 for unified2 */
};

const char	*alert_input_name(enum alert_input);
const char	*alert_proto_name(uint8_t proto, char *buf, size_t len);
int		 alert_proto_parse(const char *, uint8_t *);

/*
 * Formats ts_usec/tz_min as EVE does: 2024-01-02T03:04:05.123456+0100.
 * Returns buf.
 */
char	*alert_time_format(int64_t ts_usec, int tz_min, char *buf, size_t len);
/*
 * Parses an ISO 8601 timestamp with fraction and zone ("+0100", "+01:00",
 * "Z", or none = UTC). 0 ok, -1 bad.
 */
int	 alert_time_parse(const char *, size_t, int64_t *ts_usec, int16_t *tz);

/*
 * Appends the alert as one JSON object (no newline) to buf; returns the
 * length written, or the length needed when it did not fit (snprintf-like).
 */
size_t	 alert_json(const struct alert *, char *buf, size_t len);
/*
 * Copies src to dst, each string only up to its end: what lies past a
 * string's NUL in dst is left as it was (nothing reads it). Writes a few
 * hundred bytes where a struct copy writes all of them.
 */
void	 alert_copy(struct alert *dst, const struct alert *src);

/*
 * Space a parser decodes an alert's evidence into (packet bytes): the
 * caller's, one per thread, reused for each alert; alert_scratch_free()
 * when done.
 */
struct alert_scratch {
	uint8_t	*pkt;
	size_t	 cap;
	char	*txt;		/* an escaped string decoded (EVE packet) */
	size_t	 txt_cap;
};

void	 alert_scratch_free(struct alert_scratch *);

#endif
