/* SPDX-License-Identifier: MIT */
/*
 * Abuse reports: the "reports:" configuration, and the builder that turns
 * incidents, their evidence and an abuse contact into the subject, the
 * polite human text and the X-ARF v0.2 / XARF v4 machine parts
 * (report.c); the MIME message and its PGP/MIME signature
 * (report_mime.c, report_sign.c).
 */
#ifndef REDRESS_REPORT_H
#define REDRESS_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "conf.h"
#include "err.h"
#include "store.h"
#include "store_note.h"
#include "store_policy.h"

struct config;

enum report_xarf { XARF_NONE, XARF_V02, XARF_V4, XARF_BOTH };

struct report_conf {
	char			*name;		/* who writes */
	char			*organisation;
	char			*role;		/* "Network security team" */
	char			*from;		/* From: address */
	char			*reply_to;
	char			*team_address;	/* "internal" recipient */
	char			*upstream_address; /* "upstream" recipient */
	char			*template_dir;	/* <kind>.tmpl, default.tmpl */
	char			*outbox;	/* Maildir */
	char			*key_url;	/* where our key can be fetched */
	char			*sign_key;	/* fingerprint/uid; NULL: unsigned */
	char			*passphrase_file; /* loopback pinentry */
	char			*timezone;	/* NULL: the system's */
	char			*message_id_domain; /* default: From's domain */
	char			*reviewers_group; /* may read the outbox */
	int			 xarf;		/* enum report_xarf */
	int64_t			 period_s;	/* gather per desk (1h) */
	int64_t			 repeat_s;	/* no new complaint (7d) */
	long long		 max_evidence;	/* log lines per incident */
	struct conf_strlist	 skip_review;	/* incident kinds */
	int			 attach_pcap;
	int			 sign_key_line;	/* for check errors */
	char			*sign_key_file;
	int			 sign_key_col;
};

enum smtp_tls { SMTP_STARTTLS, SMTP_TLS, SMTP_PLAIN };

/* The "smtp:" section: the relay approved reports are delivered through. */
struct smtp_conf {
	char		*relay;		/* host name or address */
	long long	 port;		/* 25, 587 or 465 */
	int		 tls;		/* enum smtp_tls */
	int		 require_tls;	/* refuse to send in clear (default) */
	char		*ca_file;	/* trust for the relay, NULL: system */
	char		*auth_file;	/* "user\npassword\n", mode 0600 */
	char		*helo;		/* default: host name */
	int64_t		 timeout_ms;
	int64_t		 backoff_min_s, backoff_max_s;
	long long	 max_attempts;	/* then "failed" */
	long long	 per_domain_per_hour;
	long long	 per_hour;
};

/* What the resolver found out about who is responsible for an address. */
struct report_contact {
	char	address[256];	/* abuse desk, "abuse@casema.net" */
	char	network[128];	/* "casema.net", the netname or org */
	char	source[16];	/* "rdap", "whois", "ptr", "config" */
	int	low_confidence;	/* guessed: always waits for review */
	char	cc[512];	/* the national CERT: Cc (with copy_to) */
	int	team;		/* our own team ("internal"): may read the
				 * incident's notes, local account names */
};

struct report_part {
	char		*filename;
	char		*content_type;	/* "text/plain; charset=utf-8" */
	unsigned char	*data;
	size_t		 len;
	int		 inline_text;	/* 1: shown inline */
};

struct report {
	char			*subject;
	char			*to;
	char			*cc;		/* NULL or "a@x, b@y" */
	char			*body;		/* the human text */
	char			*message_id;	/* "<...>", set by caller */
	char			*in_reply_to;	/* "" or "<...>" */
	struct report_part	*parts;		/* attachments */
	size_t			 nparts;
	int			 xarf_v02;	/* X-ARF 0.2: parts are text,
						 * report.txt, logs.txt */
};

void	report_free(struct report *);

/* One incident of a report with its evidence (EVE JSON lines). */
struct report_incident {
	const struct incident_row	 *row;
	char				**evidence;
	size_t				  nevidence;
	const unsigned char		 *pcap;	/* capture file, or NULL */
	size_t				  pcap_len;
	int64_t				  contained_until; /* µs: blocked
					   * (not dry-run) until, 0: not */
	const struct note_row		 *notes; /* the incident's record;
					   * only for a team report */
	size_t				  nnotes;
};

/*
 * Builds the report for incidents inc[0..n) (all to one desk) with
 * template `<kind>.tmpl` (else default.tmpl) of rc->template_dir, kind
 * being that of inc[0]; for our own team (c->team) and a kind other than
 * compromise, `local-containment.tmpl`, with the accounts the notes say
 * were locked (notes are read for team reports only). `now` is
 * wall-clock µs (the Date of the report).
 */
int	report_build(const struct report_conf *,
	    const struct report_incident *inc, size_t n,
	    const struct report_contact *, int64_t now_usec, struct report *,
	    struct err *);

/*
 * report_xarf.c: adds the machine-readable part of incidents inc[0..n)
 * to r (after its text, before the log lines): X-ARF 0.2 report.txt
 * (sets r->xarf_v02) for a kind with an X-ARF 0.2 schema (brute-force:
 * login-attack, exploit: malware-attack) when rc->xarf asks for it and
 * no part beyond the three of X-ARF follows (more_parts: a pcap); else
 * the XARF JSON (abusix/xarf schema version 3: PortScan, LoginAttack,
 * Exploit) when asked for. Nothing for kinds no schema fits (dos,
 * compromise, other) or for incidents of several sources. 0, -1 (out
 * of memory).
 */
int	report_xarf_parts(const struct report_conf *,
	    const struct report_incident *inc, size_t n, const char *service,
	    int port, const char *proto, int more_parts, struct report *r);
/* The X-ARF Report-ID of an incident, "redress-ID-HEX@domain"; malloc'd. */
char	*report_xarf_id(const struct report_conf *,
	    const struct incident_row *);
/* The X-ARF 0.2 Report-Type / XARF JSON ReportType of a kind, or NULL. */
const char *report_xarf02_type(enum incident_kind);
const char *report_xarf3_type(enum incident_kind);

/*
 * report_team.c: sets an incident's "accounts" (user, expired, held,
 * term, kill, unlocked), "refused", "back" and "notes" lists from
 * ri->notes; names gets the accounts locked, ", "-separated. Returns
 * how many accounts were locked.
 */
struct tmpl_ctx;
size_t	 report_team_ctx(struct tmpl_ctx *ic, const struct report_incident *ri,
	    char *names, size_t nameslen);

/* One evidence alert (EVE JSON) as a readable log line in our zone. */
int	report_evidence_line(const char *alert_json, const char *tz,
	    char *buf, size_t len, struct err *);

/* "FTP" for 21/tcp, "" when unknown. */
const char *report_service_name(int port, const char *proto);

/*
 * What a reviewer's edited text lacks: a "P.S." naming incidents
 * inc[0..n), with their evidence, that joined the report after the
 * edit, as the templates name each incident. Caller frees; NULL when n
 * is 0 or memory ran out.
 */
char	*report_addendum(const struct report_incident *inc, size_t n);

/* A new Message-ID "<redress.<id>.<rand>@domain>". Caller frees. */
char	*report_message_id(const char *domain, int64_t id);
/* The domain of Message-IDs: reports.message_id_domain, else From's. */
const char *report_mid_domain(const struct report_conf *);

/*
 * The MIME message (report_mime.c): multipart/mixed of the text, the
 * machine parts and attachments, PGP/MIME-signed when rc->sign_key is
 * set. Header values have CR/LF removed and are RFC 2047-encoded. Returns
 * the whole message as bytes (caller frees).
 */
int	report_mime(const struct report_conf *, const struct report *,
	    int64_t date_usec, char **out, size_t *outlen, struct err *);

/*
 * report_sign.c: checks that rc->sign_key names one usable secret key
 * that can sign and is not expired or revoked.
 */
/*
 * reporter.c: a reviewer's edited text of report id (`redress queue
 * edit`) is kept in <state_dir>/edited/report-<id>.txt, with the ids of
 * the incidents the report had then in report-<id>.incidents, and
 * replaces the template's text whenever the report is written again;
 * incidents that joined later are named in a P.S. (report_addendum).
 */
struct config;
struct executor;
char	*reporter_edited_text(const struct config *, int64_t id);
int	 reporter_edited_save(const struct config *, struct store *,
	    int64_t id, const char *text, struct err *);
/* Writes report id's message again (after an edit), signed. */
int	 reporter_rerender(struct executor *, struct store *, int64_t id,
	    int64_t now_usec, struct err *);
/*
 * The first text/plain part of a message (not an attachment), decoded;
 * caller frees. NULL when there is none.
 */
char	*report_text(const char *msg, size_t len);
/*
 * Prints a draft for review (report_view.c): decoded addressing headers,
 * the decoded text parts, and a line per attachment.
 */
int	report_view(const char *msg, size_t len, FILE *out, struct err *);
/*
 * The Cc addresses of a built message ("a@x, b@y", "" none) into out:
 * the mailer delivers to what the reviewer saw. 0, or -1 when the
 * message does not parse or the list does not fit.
 */
int	report_cc_list(const char *msg, size_t len, char *out, size_t outlen);
int	report_sign_check(const struct report_conf *, struct err *);
/* The keyring gpgme uses (GnuPG home directory), for messages. */
const char *report_sign_keyring(void);
/* The template file used for kind k: <kind>.tmpl, else default.tmpl
 * (caller frees). */
char	*report_template_path(const struct report_conf *, enum incident_kind);

#endif
