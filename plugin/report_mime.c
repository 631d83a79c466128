/* SPDX-License-Identifier: MIT */
/*
 * Builds the report's MIME message with GMime 3: From/To/Subject with
 * CR/LF stripped and RFC 2047 encoding by GMime, Auto-Submitted, X-XARF,
 * a multipart/mixed of the text and the machine parts and attachments,
 * PGP/MIME-signed (RFC 3156) through GMime's gpgme context when a
 * signing key is configured (micalg then names the hash gpgme used). A
 * signed X-ARF 0.2 report is X-XARF: SECURE, its signed content the
 * PLAIN message in a message/rfc822 container (xarf.eml).
 */
#include <gmime/gmime.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report.h"
#include "xmalloc.h"

static pthread_once_t gmime_once = PTHREAD_ONCE_INIT;

static void
gmime_setup(void)
{
	g_mime_init();
}

/* A copy with CR, LF and other control characters removed. */
static char *
hdr_clean(const char *s)
{
	char	*o = xstrdup(s != NULL ? s : ""), *w = o;
	const unsigned char *p;

	for (p = (const unsigned char *)s; s != NULL && *p != '\0'; p++)
		if (*p >= 0x20 && *p != 0x7f)
			*w++ = (char)*p;
		else if (*p == '\t')
			*w++ = ' ';
	*w = '\0';
	return o;
}

static GMimeObject *
text_part(const char *text, const char *filename)
{
	GMimeTextPart	*tp = g_mime_text_part_new_with_subtype("plain");

	/* set_text picks a charset of its own (us-ascii): utf-8 after it,
	 * as X-ARF asks of its text parts. */
	g_mime_text_part_set_text(tp, text);
	g_mime_text_part_set_charset(tp, "utf-8");
	g_mime_part_set_content_encoding(GMIME_PART(tp),
	    GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE);
	if (filename != NULL) {
		g_mime_part_set_filename(GMIME_PART(tp), filename);
		g_mime_object_set_disposition(GMIME_OBJECT(tp), "inline");
	}
	return GMIME_OBJECT(tp);
}

static GMimeObject *
data_part(const struct report_part *p)
{
	GMimeContentType	*ct;
	GMimePart		*part;
	GMimeStream		*st;
	GMimeDataWrapper	*dw;

	if (strncmp(p->content_type, "text/plain", 10) == 0) {
		char *t = xstrndup((const char *)p->data, p->len);
		GMimeObject *o = text_part(t, p->filename);

		free(t);
		return o;
	}
	ct = g_mime_content_type_parse(NULL, p->content_type);
	part = g_mime_part_new_with_type(
	    g_mime_content_type_get_media_type(ct),
	    g_mime_content_type_get_media_subtype(ct));
	g_object_unref(ct);
	st = g_mime_stream_mem_new_with_buffer((const char *)p->data, p->len);
	dw = g_mime_data_wrapper_new_with_stream(st,
	    GMIME_CONTENT_ENCODING_DEFAULT);
	g_object_unref(st);
	g_mime_part_set_content(part, dw);
	g_object_unref(dw);
	g_mime_part_set_content_encoding(part, GMIME_CONTENT_ENCODING_BASE64);
	g_mime_part_set_filename(part, p->filename);
	g_mime_object_set_disposition(GMIME_OBJECT(part),
	    p->inline_text ? "inline" : "attachment");
	return GMIME_OBJECT(part);
}

static int
add_addresses(GMimeMessage *m, GMimeAddressType t, const char *list,
    struct err *e)
{
	InternetAddressList	*al;
	char			*clean = hdr_clean(list);

	al = internet_address_list_parse(NULL, clean);
	if (al == NULL || internet_address_list_length(al) == 0) {
		if (al != NULL)
			g_object_unref(al);
		err_set(e, "report: bad address list \"%s\"", clean);
		free(clean);
		return -1;
	}
	free(clean);
	internet_address_list_append(g_mime_message_get_addresses(m, t), al);
	g_object_unref(al);
	return 0;
}

/*
 * The addressing and identity headers of message m, the same on the
 * outer message and on the X-ARF container inside a signed one.
 */
static int
set_headers(GMimeMessage *m, const struct report_conf *rc,
    const struct report *r, int64_t date_usec, struct err *e)
{
	GDateTime	*dt;
	char		*s, *mid;
	size_t		 l;

	s = hdr_clean(rc->name);
	{
		char *addr = hdr_clean(rc->from);

		g_mime_message_add_mailbox(m, GMIME_ADDRESS_TYPE_FROM, s,
		    addr);
		free(addr);
	}
	free(s);
	if (add_addresses(m, GMIME_ADDRESS_TYPE_TO, r->to, e) == -1)
		return -1;
	if (r->cc != NULL && r->cc[0] != '\0' &&
	    add_addresses(m, GMIME_ADDRESS_TYPE_CC, r->cc, e) == -1)
		return -1;
	if (rc->reply_to != NULL && add_addresses(m,
	    GMIME_ADDRESS_TYPE_REPLY_TO, rc->reply_to, e) == -1)
		return -1;
	s = hdr_clean(r->subject);
	g_mime_message_set_subject(m, s, "utf-8");
	free(s);
	if (r->message_id != NULL) {
		mid = hdr_clean(r->message_id);
		l = strlen(mid);
		if (l > 2 && mid[0] == '<' && mid[l - 1] == '>') {
			mid[l - 1] = '\0';
			g_mime_message_set_message_id(m, mid + 1);
		} else
			g_mime_message_set_message_id(m, mid);
		free(mid);
	}
	if (r->in_reply_to != NULL && r->in_reply_to[0] != '\0') {
		s = hdr_clean(r->in_reply_to);
		g_mime_object_set_header(GMIME_OBJECT(m), "In-Reply-To", s,
		    NULL);
		g_mime_object_set_header(GMIME_OBJECT(m), "References", s,
		    NULL);
		free(s);
	}
	dt = g_date_time_new_from_unix_local(date_usec / 1000000);
	g_mime_message_set_date(m, dt);
	g_date_time_unref(dt);
	g_mime_object_set_header(GMIME_OBJECT(m), "Auto-Submitted",
	    "auto-generated", NULL);
	return 0;
}

/*
 * The X-ARF 0.2 container of a signed report (its Appendix A): the
 * whole PLAIN message, headers and its three parts, as a message/rfc822
 * part named xarf.eml. Takes a reference of mp.
 */
static GMimeObject *
xarf_container(const struct report_conf *rc, const struct report *r,
    int64_t date_usec, GMimeMultipart *mp, struct err *e)
{
	GMimeMessage	*in = g_mime_message_new(TRUE);
	GMimeMessagePart *part;

	if (set_headers(in, rc, r, date_usec, e) == -1) {
		g_object_unref(in);
		return NULL;
	}
	g_mime_object_set_header(GMIME_OBJECT(in), "X-XARF", "PLAIN", NULL);
	g_mime_object_set_header(GMIME_OBJECT(in), "User-Agent", "redress",
	    NULL);
	g_mime_message_set_mime_part(in, GMIME_OBJECT(mp));
	part = g_mime_message_part_new_with_message("rfc822", in);
	g_object_unref(in);
	g_mime_object_set_content_type_parameter(GMIME_OBJECT(part), "name",
	    "xarf.eml");
	g_mime_object_set_disposition(GMIME_OBJECT(part), "inline");
	g_mime_object_set_content_disposition_parameter(GMIME_OBJECT(part),
	    "filename", "xarf.eml");
	return GMIME_OBJECT(part);
}

int
report_mime(const struct report_conf *rc, const struct report *r,
    int64_t date_usec, char **out, size_t *outlen, struct err *e)
{
	GMimeMessage		*m;
	GMimeMultipart		*mp;
	GMimeObject		*top;
	GMimeStream		*st;
	GByteArray		*ba;
	size_t			 i;
	int			 sign = rc->sign_key != NULL &&
				    rc->sign_key[0] != '\0';

	*out = NULL;
	*outlen = 0;
	pthread_once(&gmime_once, gmime_setup);
	m = g_mime_message_new(TRUE);
	if (set_headers(m, rc, r, date_usec, e) == -1)
		goto fail;
	/* X-ARF 0.2: PLAIN, or SECURE around the signed container. */
	if (r->xarf_v02)
		g_mime_object_set_header(GMIME_OBJECT(m), "X-XARF", sign ?
		    "SECURE" : "PLAIN", NULL);
	g_mime_object_set_header(GMIME_OBJECT(m), "User-Agent", "redress",
	    NULL);

	mp = g_mime_multipart_new_with_subtype("mixed");
	{
		GMimeObject *o = text_part(r->body, NULL);

		g_mime_multipart_add(mp, o);
		g_object_unref(o);
	}
	for (i = 0; i < r->nparts; i++) {
		GMimeObject *o = data_part(&r->parts[i]);

		g_mime_multipart_add(mp, o);
		g_object_unref(o);
	}
	top = GMIME_OBJECT(mp);
	if (sign) {
		GMimeCryptoContext	*ctx;
		GMimeMultipartSigned	*ms;
		GError			*ge = NULL;

		if (r->xarf_v02) {
			top = xarf_container(rc, r, date_usec, mp, e);
			g_object_unref(mp);
			if (top == NULL)
				goto fail;
		}
		ctx = g_mime_gpg_context_new();
		ms = g_mime_multipart_signed_sign(ctx, top, rc->sign_key,
		    &ge);
		g_object_unref(ctx);
		g_object_unref(top);
		if (ms == NULL) {
			err_set(e, "report: signing with key \"%s\": %s",
			    rc->sign_key, ge != NULL ? ge->message : "failed");
			if (ge != NULL)
				g_error_free(ge);
			goto fail;
		}
		top = GMIME_OBJECT(ms);
	}
	g_mime_message_set_mime_part(m, top);
	g_object_unref(top);

	st = g_mime_stream_mem_new();
	if (g_mime_object_write_to_stream(GMIME_OBJECT(m), NULL, st) < 0) {
		g_object_unref(st);
		err_set(e, "report: writing the message failed");
		goto fail;
	}
	ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(st));
	*out = xmalloc(ba->len + 1);
	memcpy(*out, ba->data, ba->len);
	(*out)[ba->len] = '\0';
	*outlen = ba->len;
	g_object_unref(st);
	g_object_unref(m);
	return 0;
fail:
	g_object_unref(m);
	return -1;
}
