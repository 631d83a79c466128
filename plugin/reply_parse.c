/* SPDX-License-Identifier: MIT */
/*
 * Classifies mail returned to the reports' address (reply.h). GMime parses
 * the MIME structure and every header block, including the field groups
 * of message/delivery-status (RFC 3464) and message/feedback-report
 * (RFC 5965), which have the syntax of a header. Only the human text of a
 * non-standard bounce (qmail, Exim, Exchange) is searched for words and
 * mailboxes. Everything read is hostile: copied fields are bounded and
 * control bytes replaced; nothing here touches the store.
 */
#include <ctype.h>
#include <gmime/gmime.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "contact.h"
#include "reply.h"
#include "xmalloc.h"

static pthread_once_t reply_once = PTHREAD_ONCE_INIT;

static void
reply_setup(void)
{
	g_mime_init();
}

const char *
reply_kind_name(enum reply_kind k)
{
	switch (k) {
	case REPLY_HUMAN:	return "reply";
	case REPLY_ACK:		return "ack";
	case REPLY_FEEDBACK:	return "feedback";
	case REPLY_BOUNCE:	return "bounce";
	case REPLY_DELAY:	return "delay";
	case REPLY_NOTICE:	return "notice";
	}
	return "reply";
}

/* Copies s into dst, control bytes as '?'; returns 1 if any was found. */
static int
copy_clean(char *dst, size_t len, const char *s)
{
	size_t	i;
	int	bad = 0;

	if (len == 0)
		return 0;
	if (s == NULL)
		s = "";
	for (i = 0; s[i] != '\0' && i + 1 < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f) {
			dst[i] = c == '\t' ? ' ' : '?';
			bad |= c != '\t';
		} else
			dst[i] = (char)c;
	}
	dst[i] = '\0';
	return bad;
}

/* Runs of blanks (left by unfolding) become one space. */
static void
squeeze(char *s)
{
	char *w = s;

	for (; *s != '\0'; s++)
		if (*s != ' ' || w == s || w[-1] != ' ')
			*w++ = *s;
	*w = '\0';
}

static void
note(struct reply *r, const char *what)
{
	if (r->anomaly[0] == '\0')
		strlcpy_r(r->anomaly, what, sizeof(r->anomaly));
}

/* A raw header value with CR or LF left in it after unfolding. */
static void
check_header(struct reply *r, GMimeObject *o, const char *name)
{
	const char *v = g_mime_object_get_header(o, name);
	char	    buf[80];

	if (v != NULL && strpbrk(v, "\r\n") != NULL) {
		snprintf(buf, sizeof(buf), "CR/LF in the %s header", name);
		note(r, buf);
	}
}

/*
 * The header block as received: a CR not followed by LF (a header split
 * in two for one reader and not for another) or a NUL byte.
 */
static void
raw_header_check(struct reply *r, const char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (buf[i] == '\n' && (i + 1 == len || buf[i + 1] == '\n' ||
		    (buf[i + 1] == '\r' && i + 2 < len &&
		    buf[i + 2] == '\n')))
			return;		/* end of the header */
		if (buf[i] == '\r' && (i + 1 == len || buf[i + 1] != '\n')) {
			note(r, "a bare CR in the header (header injection?)");
			return;
		}
		if (buf[i] == '\0') {
			note(r, "a NUL byte in the header");
			return;
		}
	}
}

/* A mailbox "local@domain", lowercased, into out; 0, -1 not valid. */
static int
mailbox(const char *s, char *out, size_t len)
{
	size_t	n, i;

	if (s == NULL)
		return -1;
	while (*s == ' ' || *s == '<')
		s++;
	n = strcspn(s, "> \t\r\n;");
	if (n == 0 || n >= len || !contact_mailbox_ok(s, n))
		return -1;
	for (i = 0; i < n; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	out[n] = '\0';
	return 0;
}

static void
add_ref(struct reply *r, const char *id)
{
	char	buf[256];
	size_t	i;

	if (id == NULL || id[0] == '\0' || r->nrefs == REPLY_MAX_REFS ||
	    strlen(id) + 3 > sizeof(buf) || strpbrk(id, "<> \t\r\n") != NULL)
		return;
	snprintf(buf, sizeof(buf), "<%s>", id);
	for (i = 0; i < r->nrefs; i++)
		if (strcmp(r->refs[i], buf) == 0)
			return;
	strlcpy_r(r->refs[r->nrefs++], buf, sizeof(r->refs[0]));
}

static void
add_refs_header(struct reply *r, const char *v, int newest_first)
{
	GMimeReferences	*refs;
	int		 n, i;

	if (v == NULL)
		return;
	if ((refs = g_mime_references_parse(NULL, v)) == NULL)
		return;
	n = g_mime_references_length(refs);
	for (i = 0; i < n; i++)
		add_ref(r, g_mime_references_get_message_id(refs,
		    newest_first ? n - 1 - i : i));
	g_mime_references_free(refs);
}

/* Parses buf as a message; NULL when GMime finds none. */
static GMimeMessage *
parse_buf(const char *buf, size_t len)
{
	GMimeStream	*s;
	GMimeParser	*p;
	GMimeMessage	*m;

	s = g_mime_stream_mem_new_with_buffer(buf, len);
	p = g_mime_parser_new_with_stream(s);
	m = g_mime_parser_construct_message(p, NULL);
	g_object_unref(p);
	g_object_unref(s);
	return m;
}

/*
 * The decoded content of a leaf part, or the raw text of a message part,
 * as a NUL-terminated buffer the caller frees with g_byte_array_free
 * (at most REPLY_MAX_BYTES).
 */
static GByteArray *
part_bytes(GMimeObject *o)
{
	GMimeStream	*s = g_mime_stream_mem_new();
	GByteArray	*a, *out;

	if (GMIME_IS_PART(o)) {
		GMimeDataWrapper *w = g_mime_part_get_content(GMIME_PART(o));

		if (w != NULL)
			g_mime_data_wrapper_write_to_stream(w, s);
	} else if (GMIME_IS_MESSAGE_PART(o)) {
		GMimeMessage *m = g_mime_message_part_get_message(
		    GMIME_MESSAGE_PART(o));

		if (m != NULL)
			g_mime_object_write_to_stream(GMIME_OBJECT(m), NULL,
			    s);
	}
	a = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(s));
	out = g_byte_array_new();
	if (a != NULL)
		g_byte_array_append(out, a->data, a->len > REPLY_MAX_BYTES ?
		    REPLY_MAX_BYTES : a->len);
	g_byte_array_append(out, (const guint8 *)"", 1);
	g_object_unref(s);
	return out;
}

/* A "type; value" field (Final-Recipient: rfc822; a@b) without type. */
static const char *
typed_value(const char *v)
{
	const char *p;

	if (v == NULL)
		return NULL;
	if ((p = strchr(v, ';')) != NULL)
		v = p + 1;
	while (*v == ' ' || *v == '\t')
		v++;
	return v;
}

/*
 * The field groups of a delivery-status or feedback-report body: GMime
 * reads each group as the header of a message whose body is the rest.
 * cb gets each group's header object; at most 1 + REPLY_MAX_RCPTS groups.
 */
typedef void (*group_cb)(struct reply *, GMimeObject *, int first);

static void
field_groups(struct reply *r, const char *text, group_cb cb)
{
	const char	*p = text;
	int		 i;

	for (i = 0; i <= REPLY_MAX_RCPTS && *p != '\0'; i++) {
		GMimeMessage	*m;
		GMimeObject	*body;
		GByteArray	*rest;

		while (*p == '\r' || *p == '\n' || *p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' || (m = parse_buf(p, strlen(p))) == NULL)
			break;
		cb(r, GMIME_OBJECT(m), i == 0);
		body = g_mime_message_get_mime_part(m);
		if (body == NULL) {
			g_object_unref(m);
			break;
		}
		rest = part_bytes(body);
		g_object_unref(m);
		/* The rest is shorter than what was parsed, or we stop. */
		if (rest->len <= 1 || rest->len - 1 >= strlen(p)) {
			g_byte_array_free(rest, TRUE);
			break;
		}
		/* p points into text, which outlives rest: copy back. */
		memmove((char *)p, rest->data, rest->len);
		g_byte_array_free(rest, TRUE);
	}
}

static void
dsn_group(struct reply *r, GMimeObject *o, int first)
{
	const char		*rcpt, *action, *status, *diag;
	struct reply_rcpt	*x;

	if (first && g_mime_object_get_header(o, "Final-Recipient") == NULL)
		return;		/* the per-message fields */
	rcpt = typed_value(g_mime_object_get_header(o, "Final-Recipient"));
	if (rcpt == NULL)
		rcpt = typed_value(g_mime_object_get_header(o,
		    "Original-Recipient"));
	action = g_mime_object_get_header(o, "Action");
	status = g_mime_object_get_header(o, "Status");
	diag = typed_value(g_mime_object_get_header(o, "Diagnostic-Code"));
	if (rcpt == NULL || action == NULL || r->nrcpts == REPLY_MAX_RCPTS)
		return;
	while (*action == ' ')
		action++;
	x = &r->rcpts[r->nrcpts];
	memset(x, 0, sizeof(*x));
	if (mailbox(rcpt, x->addr, sizeof(x->addr)) == -1) {
		note(r, "a Final-Recipient that is no mailbox");
		return;
	}
	if (status != NULL) {
		while (*status == ' ')
			status++;
		copy_clean(x->status, sizeof(x->status), status);
		x->status[strspn(x->status, "0123456789.")] = '\0';
	}
	copy_clean(x->diag, sizeof(x->diag), diag);
	squeeze(x->diag);
	if (strncasecmp(action, "failed", 6) == 0 &&
	    (x->status[0] == '5' || x->status[0] == '\0')) {
		r->kind = REPLY_BOUNCE;
		r->nrcpts++;
	} else if (strncasecmp(action, "delayed", 7) == 0 ||
	    strncasecmp(action, "failed", 6) == 0) {
		if (r->kind != REPLY_BOUNCE)
			r->kind = REPLY_DELAY;
		r->nrcpts++;
	}
}

static void
arf_group(struct reply *r, GMimeObject *o, int first)
{
	const char *t = g_mime_object_get_header(o, "Feedback-Type");

	if (first && t != NULL) {
		while (*t == ' ')
			t++;
		copy_clean(r->feedback_type, sizeof(r->feedback_type), t);
		r->feedback_type[strcspn(r->feedback_type, " ;")] = '\0';
	}
}

struct walk {
	struct reply	*r;
	int		 report;	/* 1 delivery-status, 2 feedback */
	GByteArray	*notice;	/* first text/plain part */
};

static void
orig_headers(struct reply *r, GMimeMessage *m)
{
	const char *id;

	if (m == NULL)
		return;
	if ((id = g_mime_message_get_message_id(m)) != NULL)
		add_ref(r, id);
}

static void
walk_part(GMimeObject *parent, GMimeObject *part, gpointer arg)
{
	struct walk		*w = arg;
	GMimeContentType	*ct = g_mime_object_get_content_type(part);
	GByteArray		*b;

	(void)parent;
	if (ct == NULL)
		return;
	if (g_mime_content_type_is_type(ct, "message", "delivery-status") ||
	    g_mime_content_type_is_type(ct, "message",
	    "global-delivery-status")) {
		b = part_bytes(part);
		field_groups(w->r, (char *)b->data, dsn_group);
		g_byte_array_free(b, TRUE);
		w->report = 1;
	} else if (g_mime_content_type_is_type(ct, "message",
	    "feedback-report")) {
		b = part_bytes(part);
		field_groups(w->r, (char *)b->data, arf_group);
		g_byte_array_free(b, TRUE);
		w->report = 2;
	} else if (GMIME_IS_MESSAGE_PART(part)) {
		orig_headers(w->r, g_mime_message_part_get_message(
		    GMIME_MESSAGE_PART(part)));
	} else if (g_mime_content_type_is_type(ct, "text",
	    "rfc822-headers")) {
		GMimeMessage *m;

		b = part_bytes(part);
		if ((m = parse_buf((char *)b->data, b->len - 1)) != NULL) {
			orig_headers(w->r, m);
			g_object_unref(m);
		}
		g_byte_array_free(b, TRUE);
	} else if (w->notice == NULL && GMIME_IS_TEXT_PART(part) &&
	    g_mime_content_type_is_type(ct, "text", "plain")) {
		char *t = g_mime_text_part_get_text(GMIME_TEXT_PART(part));

		w->notice = g_byte_array_new();
		if (t != NULL)
			g_byte_array_append(w->notice, (guint8 *)t,
			    strlen(t) > REPLY_MAX_BYTES ? REPLY_MAX_BYTES :
			    strlen(t));
		g_byte_array_append(w->notice, (const guint8 *)"", 1);
		g_free(t);
	}
}

int
reply_ticket(const char *s, char *out, size_t outlen)
{
	static const char *const words[] = { "Ticket#", "Ticket #",
	    "Ticket:", "Ticket ", "RT #", "Case ", "Case#", "SR-", "SR#",
	    "INC", "#", NULL };
	const char *p, *q;
	size_t	    i, n, wl;

	if (s == NULL)
		return 0;
	for (p = s; *p != '\0'; p++) {
		if (*p != '[' && *p != '(')
			continue;
		q = p + 1;
		/* "[example.net #123]": a queue name before " #" */
		for (i = 0; words[i] != NULL; i++) {
			const char *w = q;

			if (strcmp(words[i], "#") == 0) {
				w = strchr(q, '#');
				if (w == NULL || w - q > 64 ||
				    memchr(q, ']', (size_t)(w - q)) != NULL)
					continue;
			}
			wl = strlen(words[i]);
			if (strncasecmp(w, words[i], wl) != 0)
				continue;
			n = strspn(w + wl, "0123456789");
			if (n == 0 || n > 24 || (w[wl + n] != ']' &&
			    w[wl + n] != ')'))
				continue;
			if (outlen < 2)
				return 0;
			n = (size_t)(w + wl + n - q);
			if (n >= outlen || n > 63)
				continue;
			copy_clean(out, n + 1, q);
			return 1;
		}
	}
	return 0;
}

static int
has_word(const char *s, const char *const *words)
{
	size_t i;

	for (i = 0; s != NULL && words[i] != NULL; i++)
		if (strcasestr(s, words[i]) != NULL)
			return 1;
	return 0;
}

/* Is the sender an MTA (MAILER-DAEMON, postmaster)? */
static int
from_mta(const char *from)
{
	return strncasecmp(from, "mailer-daemon@", 14) == 0 ||
	    strncasecmp(from, "postmaster@", 11) == 0 ||
	    strncasecmp(from, "mail-daemon@", 12) == 0;
}

/*
 * A bounce an MTA wrote as text: qmail ("Hi. This is the qmail-send
 * program"), Exim ("Mail delivery failed"), Exchange ("Delivery has
 * failed to these recipients"), sendmail ("Returned mail"). The notice
 * before the returned copy is searched for mailboxes and the first
 * status code; the Message-ID lines of the copy thread it.
 */
static int
text_bounce(struct reply *r, const char *subject, char *text)
{
	static const char *const subj[] = { "undeliverable",
	    "undelivered mail", "mail delivery failed", "failure notice",
	    "delivery status notification (failure)", "returned mail",
	    "delivery failure", "non remis", "unzustellbar", NULL };
	static const char *const body[] = { "This is the qmail-send program",
	    "could not be delivered to one or more",
	    "Delivery has failed to these recipients",
	    "couldn't be delivered", "Your message did not reach",
	    "The following addresses had permanent fatal errors",
	    "permanent error", NULL };
	static const char *const *permanent = body + 5;	/* the last two */
	static const char *const cut[] = {
	    "--- Below this line is a copy of the message",
	    "------ This is a copy of the message",
	    "----- Original message -----", "Original message headers:",
	    "----- Transcript of session follows", NULL };
	char	*p, *end, *id;
	size_t	 i;
	int	 by_subj = has_word(subject, subj);
	int	 by_body = has_word(text, body);

	/* An MTA's sender and one sign, or both signs from anyone. */
	if (!(from_mta(r->from) && (by_subj || by_body)) &&
	    !(by_subj && by_body))
		return 0;
	/* Message-IDs quoted in the returned copy or headers. */
	for (p = text; (p = strcasestr(p, "Message-ID:")) != NULL; p += 11) {
		char idbuf[256];
		size_t n;

		id = p + 11;
		while (*id == ' ' || *id == '\t')
			id++;
		if (*id != '<')
			continue;
		n = strcspn(id + 1, ">\r\n");
		if (id[1 + n] != '>' || n + 1 > sizeof(idbuf))
			continue;
		memcpy(idbuf, id + 1, n);
		idbuf[n] = '\0';
		add_ref(r, idbuf);
	}
	end = text + strlen(text);
	for (i = 0; cut[i] != NULL; i++)
		if ((p = strcasestr(text, cut[i])) != NULL && p < end)
			end = p;
	*end = '\0';
	r->kind = REPLY_BOUNCE;
	/* Every mailbox of the notice; followup.c keeps the report's. */
	for (p = text; *p != '\0' && r->nrcpts < REPLY_MAX_RCPTS; p++) {
		char	*a, *b, addr[256];
		size_t	 j;

		if (*p != '@')
			continue;
		for (a = p; a > text && (isalnum((unsigned char)a[-1]) ||
		    strchr("._%+-", a[-1]) != NULL); a--)
			;
		for (b = p + 1; isalnum((unsigned char)*b) || *b == '.' ||
		    *b == '-'; b++)
			;
		while (b > p + 1 && b[-1] == '.')
			b--;
		if ((size_t)(b - a) >= sizeof(addr) || a == p)
			continue;
		memcpy(addr, a, (size_t)(b - a));
		addr[b - a] = '\0';
		p = b - 1;
		if (mailbox(addr, addr, sizeof(addr)) == -1 ||
		    strcmp(addr, r->from) == 0)
			continue;
		for (j = 0; j < r->nrcpts; j++)
			if (strcmp(r->rcpts[j].addr, addr) == 0)
				break;
		if (j < r->nrcpts)
			continue;
		strlcpy_r(r->rcpts[r->nrcpts].addr, addr,
		    sizeof(r->rcpts[0].addr));
		r->nrcpts++;
	}
	/* The first enhanced status code of the notice, for each. */
	for (p = text; *p != '\0'; p++) {
		if ((*p == '5' || *p == '4') && p[1] == '.' &&
		    isdigit((unsigned char)p[2]) && (p == text ||
		    !isalnum((unsigned char)p[-1]))) {
			size_t n = strspn(p, "0123456789.");

			for (i = 0; i < r->nrcpts; i++)
				if (n < sizeof(r->rcpts[i].status))
					memcpy(r->rcpts[i].status, p, n);
			if (*p == '4' && !has_word(text, permanent))
				r->kind = REPLY_DELAY;
			break;
		}
	}
	return 1;
}

static int
auto_reply(GMimeObject *o, const char *subject)
{
	static const char *const subj[] = { "autoreply", "auto-reply",
	    "automatic reply", "auto reply", "out of office",
	    "automatische antwort", "abwesenheit", "received your",
	    "ticket created", "has been received", "acknowledg", NULL };
	const char *v;

	if ((v = g_mime_object_get_header(o, "Auto-Submitted")) != NULL) {
		while (*v == ' ')
			v++;
		if (strncasecmp(v, "no", 2) != 0)
			return 1;
	}
	if (g_mime_object_get_header(o, "X-Autoreply") != NULL ||
	    g_mime_object_get_header(o, "X-Autorespond") != NULL ||
	    g_mime_object_get_header(o, "X-Auto-Response-Suppress") != NULL)
		return 1;
	if ((v = g_mime_object_get_header(o, "Precedence")) != NULL &&
	    (strcasestr(v, "auto_reply") != NULL ||
	    strcasestr(v, "bulk") != NULL || strcasestr(v, "junk") != NULL))
		return 1;
	return has_word(subject, subj);
}

int
reply_parse(const char *buf, size_t len, struct reply *r, struct err *e)
{
	GMimeMessage		*m;
	GMimeObject		*o, *top;
	GMimeContentType	*ct;
	InternetAddressList	*from;
	GDateTime		*date;
	struct walk		 w;
	const char		*v;
	char			*subj;

	memset(r, 0, sizeof(*r));
	if (len == 0)
		return err_set(e, "empty file");
	if (len > REPLY_MAX_BYTES)
		return err_set(e, "%zu bytes, more than the %d read", len,
		    REPLY_MAX_BYTES);
	pthread_once(&reply_once, reply_setup);
	if ((m = parse_buf(buf, len)) == NULL)
		return err_set(e, "not a mail message");
	o = GMIME_OBJECT(m);
	if (g_mime_object_get_header(o, "From") == NULL &&
	    g_mime_object_get_header(o, "Message-ID") == NULL) {
		g_object_unref(m);
		return err_set(e, "no From or Message-ID header");
	}
	raw_header_check(r, buf, len);
	check_header(r, o, "From");
	check_header(r, o, "Subject");
	check_header(r, o, "In-Reply-To");
	check_header(r, o, "References");
	from = g_mime_message_get_from(m);
	if (from != NULL && internet_address_list_length(from) > 0) {
		InternetAddress *a = internet_address_list_get_address(from,
		    0);

		if (INTERNET_ADDRESS_IS_MAILBOX(a) &&
		    mailbox(internet_address_mailbox_get_addr(
		    INTERNET_ADDRESS_MAILBOX(a)), r->from,
		    sizeof(r->from)) == -1)
			note(r, "a From that is no mailbox");
	}
	if ((v = g_mime_message_get_message_id(m)) != NULL &&
	    strlen(v) + 3 <= sizeof(r->message_id) &&
	    strpbrk(v, "<> \t\r\n") == NULL)
		snprintf(r->message_id, sizeof(r->message_id), "<%s>", v);
	if (copy_clean(r->subject, sizeof(r->subject),
	    g_mime_message_get_subject(m)))
		note(r, "control characters in the Subject");
	if ((date = g_mime_message_get_date(m)) != NULL)
		r->date_usec = (int64_t)g_date_time_to_unix(date) * 1000000;
	add_refs_header(r, g_mime_object_get_header(o, "In-Reply-To"), 0);
	add_refs_header(r, g_mime_object_get_header(o, "References"), 1);
	r->orig_ref = r->nrefs;
	memset(&w, 0, sizeof(w));
	w.r = r;
	r->kind = REPLY_HUMAN;
	top = g_mime_message_get_mime_part(m);
	if (top != NULL) {
		if (GMIME_IS_MULTIPART(top))
			g_mime_multipart_foreach(GMIME_MULTIPART(top),
			    walk_part, &w);
		else
			walk_part(NULL, top, &w);
	}
	ct = top != NULL ? g_mime_object_get_content_type(top) : NULL;
	subj = r->subject;
	reply_ticket(subj, r->ticket, sizeof(r->ticket));
	if (w.report == 1) {
		r->dsn = 1;
		if (r->kind == REPLY_HUMAN)
			r->kind = REPLY_NOTICE;
	} else if (w.report == 2 || g_mime_object_get_header(o, "X-ARF") !=
	    NULL || g_mime_object_get_header(o, "X-XARF") != NULL) {
		r->kind = REPLY_FEEDBACK;
		if (r->feedback_type[0] == '\0')
			strlcpy_r(r->feedback_type, w.report == 2 ? "abuse" :
			    "x-arf", sizeof(r->feedback_type));
	} else if (w.notice != NULL && text_bounce(r, subj,
	    (char *)w.notice->data))
		;
	else if (auto_reply(o, subj))
		r->kind = REPLY_ACK;
	(void)ct;
	if (w.notice != NULL)
		g_byte_array_free(w.notice, TRUE);
	g_object_unref(m);
	return 0;
}
