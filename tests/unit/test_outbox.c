/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of the Maildir outbox (layout, unique names, atomic replace,
 * read limits) and of the unsigned MIME message it stores (headers,
 * no header injection, X-ARF parts).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "outbox.h"
#include "report.h"
#include "xmalloc.h"

static char dir[64];

static int
setup(void **state)
{
	(void)state;
	strlcpy_r(dir, "/tmp/redress-outbox-XXXXXX", sizeof(dir));
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static void
rm_tree(const char *d)
{
	const char	*sub[] = { "tmp", "new", "cur" };
	char		 p[512];
	size_t		 i;

	/* The tests unlink their own files; only the empty dirs remain. */
	for (i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s/%s", d, sub[i]);
		rmdir(p);
	}
	rmdir(d);
}

static int
teardown(void **state)
{
	(void)state;
	rm_tree(dir);
	return 0;
}

static void
test_outbox_write_read(void **state)
{
	struct err	 e = { "", 0 };
	char		 p1[512], p2[512], *buf;
	size_t		 len;
	struct stat	 sb;

	(void)state;
	assert_int_equal(outbox_write(dir, "Subject: a\n\nx\n", 14, p1,
	    sizeof(p1), &e), 0);
	assert_int_equal(outbox_write(dir, "Subject: b\n\ny\n", 14, p2,
	    sizeof(p2), &e), 0);
	assert_string_not_equal(p1, p2);
	assert_non_null(strstr(p1, "/new/"));
	assert_int_equal(stat(p1, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(outbox_read(p1, &buf, &len, &e), 0);
	assert_int_equal(len, 14);
	assert_string_equal(buf, "Subject: a\n\nx\n");
	free(buf);
	assert_int_equal(outbox_replace(p1, "Subject: c\n\n", 12, &e), 0);
	assert_int_equal(outbox_read(p1, &buf, &len, &e), 0);
	assert_string_equal(buf, "Subject: c\n\n");
	free(buf);
	unlink(p1);
	unlink(p2);
}

static void
test_outbox_read_missing(void **state)
{
	struct err	 e = { "", 0 };
	char		*buf;
	size_t		 len;

	(void)state;
	assert_int_equal(outbox_read("/nonexistent/x", &buf, &len, &e), -1);
	assert_non_null(strstr(e.msg, "/nonexistent/x"));
	assert_null(buf);
}

static void
test_report_mime_headers(void **state)
{
	struct report_conf	 rc;
	struct report		 r;
	struct report_part	 part;
	struct err		 e = { "", 0 };
	char			*msg, *hdr_end;
	size_t			 len;

	(void)state;
	memset(&rc, 0, sizeof(rc));
	rc.name = "Jane\r\nBcc: evil@example.net";
	rc.from = "reports@example.org";
	memset(&r, 0, sizeof(r));
	r.subject = xstrdup("[SECURITY] scan from evil\r\nBcc: x@example.net"
	    " (192.0.2.1) \xc3\xa9");
	r.to = xstrdup("abuse@example.com");
	r.body = xstrdup("Dear team,\nline two\n");
	r.message_id = xstrdup("<redress.1.abc@example.org>");
	r.in_reply_to = xstrdup("");
	r.xarf_v02 = 1;
	part.filename = xstrdup("report.txt");
	part.content_type = xstrdup("text/plain; charset=utf-8");
	part.data = (unsigned char *)xstrdup("Version: 0.2\n");
	part.len = strlen((char *)part.data);
	part.inline_text = 1;
	r.parts = xmalloc(sizeof(part));
	r.parts[0] = part;
	r.nparts = 1;
	assert_int_equal(report_mime(&rc, &r, 1709290000000000LL, &msg, &len,
	    &e), 0);
	hdr_end = strstr(msg, "\n\n");
	assert_non_null(hdr_end);
	*hdr_end = '\0';
	assert_null(strstr(msg, "\nBcc:"));
	assert_non_null(strstr(msg, "Message-Id: <redress.1.abc@example.org>"));
	assert_non_null(strstr(msg, "Auto-Submitted: auto-generated"));
	assert_non_null(strstr(msg, "X-XARF: PLAIN"));
	assert_non_null(strstr(msg, "To: abuse@example.com"));
	assert_non_null(strstr(msg, "=?UTF-8?B?w6k=?="));
	assert_non_null(strstr(hdr_end + 2, "report.txt"));
	free(msg);
	report_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_outbox_write_read),
		cmocka_unit_test(test_outbox_read_missing),
		cmocka_unit_test(test_report_mime_headers),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
