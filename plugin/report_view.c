/* SPDX-License-Identifier: MIT */
/*
 * A draft as a reviewer reads it (`redress queue show`): the addressing
 * headers decoded, every text/plain part decoded from its transfer
 * encoding, and the other parts listed by name, type and size, so a
 * person can check a report without a mail reader.
 */
#include <gmime/gmime.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "report.h"

static pthread_once_t view_once = PTHREAD_ONCE_INIT;

static void
view_setup(void)
{
	g_mime_init();
}

/* The message in msg, parsed; NULL when it is not one. */
static GMimeMessage *
parse_message(const char *msg, size_t len)
{
	GMimeStream	*s;
	GMimeParser	*p;
	GMimeMessage	*m;

	pthread_once(&view_once, view_setup);
	s = g_mime_stream_mem_new_with_buffer(msg, len);
	p = g_mime_parser_new_with_stream(s);
	m = g_mime_parser_construct_message(p, NULL);
	g_object_unref(p);
	g_object_unref(s);
	return m;
}

struct view {
	FILE	*out;
	int	 texts;
};

static void
print_addrs(FILE *out, const char *name, InternetAddressList *l)
{
	char *s;

	if (l == NULL || internet_address_list_length(l) == 0)
		return;
	s = internet_address_list_to_string(l, NULL, FALSE);
	fprintf(out, "%-9s %s\n", name, s ? s : "");
	g_free(s);
}

static void
view_part(GMimeObject *parent, GMimeObject *part, gpointer arg)
{
	struct view	*v = arg;
	GMimeContentType *ct = g_mime_object_get_content_type(part);
	const char	*fn;
	char		*mt, *text;

	(void)parent;
	if (GMIME_IS_MESSAGE_PART(part)) {	/* X-ARF's xarf.eml */
		GMimeMessage *in = g_mime_message_part_get_message(
		    GMIME_MESSAGE_PART(part));

		if (in != NULL)
			g_mime_message_foreach(in, view_part, arg);
		return;
	}
	if (!GMIME_IS_PART(part))
		return;
	mt = g_mime_content_type_get_mime_type(ct);
	if (GMIME_IS_TEXT_PART(part) &&
	    g_mime_content_type_is_type(ct, "text", "plain") &&
	    g_mime_part_get_filename(GMIME_PART(part)) == NULL) {
		text = g_mime_text_part_get_text(GMIME_TEXT_PART(part));
		fprintf(v->out, "\n%s", text ? text : "");
		if (text && text[0] && text[strlen(text) - 1] != '\n')
			fputc('\n', v->out);
		g_free(text);
		v->texts++;
	} else {
		GMimeDataWrapper *w = g_mime_part_get_content(GMIME_PART(part));
		GMimeStream *ns = g_mime_stream_null_new();
		gint64 n = 0;

		if (w != NULL) {
			g_mime_data_wrapper_write_to_stream(w, ns);
			n = (gint64)GMIME_STREAM_NULL(ns)->written;
		}
		g_object_unref(ns);
		fn = g_mime_part_get_filename(GMIME_PART(part));
		fprintf(v->out, "\n[attachment: %s, %s, %lld bytes]\n",
		    fn ? fn : "(no name)", mt, (long long)n);
	}
	g_free(mt);
}

int
report_view(const char *msg, size_t len, FILE *out, struct err *e)
{
	GMimeMessage	*m;
	struct view	 v = { out, 0 };
	const char	*h;

	m = parse_message(msg, len);
	if (m == NULL)
		return err_set(e, "the draft does not parse as a mail message");
	print_addrs(out, "From:", g_mime_message_get_from(m));
	print_addrs(out, "To:", g_mime_message_get_to(m));
	print_addrs(out, "Cc:", g_mime_message_get_cc(m));
	if ((h = g_mime_message_get_subject(m)) != NULL)
		fprintf(out, "%-9s %s\n", "Subject:", h);
	if ((h = g_mime_object_get_header(GMIME_OBJECT(m), "Date")) != NULL)
		fprintf(out, "%-9s %s\n", "Date:", h);
	if (GMIME_IS_MULTIPART_SIGNED(g_mime_message_get_mime_part(m)))
		fprintf(out, "%-9s PGP/MIME signed (check it with gpg "
		    "--verify, or open the file with a mail reader)\n",
		    "Signed:");
	g_mime_message_foreach(m, view_part, &v);
	g_object_unref(m);
	return 0;
}

int
report_cc_list(const char *msg, size_t len, char *out, size_t outlen)
{
	GMimeMessage		*m;
	InternetAddressList	*l;
	InternetAddress		*a;
	size_t			 off = 0;
	int			 i, n, rv = 0;

	if (outlen == 0)
		return -1;
	out[0] = '\0';
	m = parse_message(msg, len);
	if (m == NULL)
		return -1;
	l = g_mime_message_get_cc(m);
	n = l ? internet_address_list_length(l) : 0;
	for (i = 0; i < n && rv == 0; i++) {
		const char *addr;
		int w;

		a = internet_address_list_get_address(l, i);
		if (!INTERNET_ADDRESS_IS_MAILBOX(a))
			continue;
		addr = internet_address_mailbox_get_addr(
		    INTERNET_ADDRESS_MAILBOX(a));
		w = snprintf(out + off, outlen - off, "%s%s", off ? ", " : "",
		    addr);
		if (w < 0 || (size_t)w >= outlen - off)
			rv = -1;
		else
			off += (size_t)w;
	}
	g_object_unref(m);
	return rv;
}

struct first_text {
	char	*text;
};

static void
find_text(GMimeObject *parent, GMimeObject *part, gpointer arg)
{
	struct first_text	*t = arg;
	GMimeContentType	*ct;

	(void)parent;
	if (t->text == NULL && GMIME_IS_MESSAGE_PART(part)) {
		GMimeMessage *in = g_mime_message_part_get_message(
		    GMIME_MESSAGE_PART(part));

		if (in != NULL)
			g_mime_message_foreach(in, find_text, arg);
		return;
	}
	if (t->text != NULL || !GMIME_IS_TEXT_PART(part))
		return;
	ct = g_mime_object_get_content_type(part);
	if (g_mime_content_type_is_type(ct, "text", "plain") &&
	    g_mime_part_get_filename(GMIME_PART(part)) == NULL)
		t->text = g_mime_text_part_get_text(GMIME_TEXT_PART(part));
}

char *
report_text(const char *msg, size_t len)
{
	GMimeMessage		*m;
	struct first_text	 t = { NULL };
	char			*out;

	m = parse_message(msg, len);
	if (m == NULL)
		return NULL;
	g_mime_message_foreach(m, find_text, &t);
	g_object_unref(m);
	if (t.text == NULL)
		return NULL;
	out = strdup(t.text);
	g_free(t.text);
	return out;
}
