/* SPDX-License-Identifier: MIT */
/*
 * Test helper: builds one report from the templates for a made-up exploit
 * incident and a contact given on the command line, signs it with the
 * given key through report_mime(), and writes it into a Maildir outbox;
 * prints the file's path. Lets the integration tests check the PGP/MIME
 * signature and header escaping of real messages.
 *
 * usage: report_draft OUTBOX TEMPLATES FROM TO NETWORK [SIGN_KEY]
 * With REDRESS_TEST_STORE=DB in the environment it also records the draft
 * as a report row in that store (for the queue commands), writes it as
 * the reporter does (cur/redress-<id>:2,D) and prints its number after
 * the path. REDRESS_TEST_KIND=KIND makes the incident of that kind
 * instead (brute-force, scan, ...).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outbox.h"
#include "report.h"
#include "store.h"
#include "store_report.h"
#include "xmalloc.h"

int
main(int argc, char *argv[])
{
	static char ev[] = "{\"timestamp\":\"2024-03-01T10:15:02.123456+0000\","
	    "\"src_ip\":\"212.64.110.94\",\"src_port\":40123,"
	    "\"dest_ip\":\"192.0.2.10\",\"dest_port\":21,\"proto\":\"TCP\","
	    "\"alert\":{\"gid\":1,\"signature_id\":2101378,"
	    "\"signature\":\"GPL FTP wu-ftp bad file completion attempt\"}}";
	char			*evs[] = { ev };
	struct report_conf	 rc;
	struct incident_row	 in;
	struct report_incident	 ri = { &in, evs, 1, NULL, 0, 0, NULL, 0 };
	struct report_contact	 c;
	struct report		 r;
	struct err		 e = { "", 0 };
	char			 path[1024], *msg;
	size_t			 len;

	if (argc < 6 || argc > 7) {
		fprintf(stderr, "usage: report_draft OUTBOX TEMPLATES FROM TO "
		    "NETWORK [SIGN_KEY]\n");
		return 2;
	}
	memset(&rc, 0, sizeof(rc));
	rc.name = "Test Reporter";
	rc.organisation = "Example Org";
	rc.role = "network security team";
	rc.from = argv[3];
	rc.template_dir = argv[2];
	rc.key_url = "https://example.org/pgp.asc";
	rc.xarf = XARF_BOTH;
	rc.sign_key = argc == 7 ? argv[6] : NULL;
	memset(&in, 0, sizeof(in));
	in.kind = INCIDENT_EXPLOIT;
	/* REDRESS_TEST_KIND=brute-force etc.: the incident's kind. */
	if (getenv("REDRESS_TEST_KIND") != NULL &&
	    incident_kind_parse(getenv("REDRESS_TEST_KIND"), &in.kind) == -1) {
		fprintf(stderr, "report_draft: bad REDRESS_TEST_KIND\n");
		return 2;
	}
	strlcpy_r(in.src, "212.64.110.94", sizeof(in.src));
	strlcpy_r(in.dst, "192.0.2.10", sizeof(in.dst));
	in.first_usec = in.last_usec = 1709288102123456LL;
	in.alerts = 1;
	memset(&c, 0, sizeof(c));
	strlcpy_r(c.address, argv[4], sizeof(c.address));
	strlcpy_r(c.network, argv[5], sizeof(c.network));
	if (report_sign_check(&rc, &e) == -1 ||
	    report_build(&rc, &ri, 1, &c, store_now_usec(), &r, &e) == -1) {
		fprintf(stderr, "report_draft: %s\n", e.msg);
		return 1;
	}
	r.message_id = report_message_id("example.org", 1);
	if (report_mime(&rc, &r, store_now_usec(), &msg, &len, &e) == -1 ||
	    (getenv("REDRESS_TEST_STORE") == NULL &&
	    outbox_write(argv[1], msg, len, path, sizeof(path), &e) == -1)) {
		fprintf(stderr, "report_draft: %s\n", e.msg);
		return 1;
	}
	if (getenv("REDRESS_TEST_STORE") != NULL) {
		struct store		*st;
		struct report_row	 row;

		memset(&row, 0, sizeof(row));
		strlcpy_r(row.state, REPORT_DRAFT, sizeof(row.state));
		strlcpy_r(row.recipient, RECIPIENT_SOURCE,
		    sizeof(row.recipient));
		strlcpy_r(row.rcpt, r.to, sizeof(row.rcpt));
		strlcpy_r(row.kind, "exploit", sizeof(row.kind));
		strlcpy_r(row.message_id, r.message_id,
		    sizeof(row.message_id));
		strlcpy_r(row.subject, r.subject, sizeof(row.subject));
		/* As the reporter does: the row, then its file by its id. */
		if (store_open(getenv("REDRESS_TEST_STORE"), &st, &e) == -1 ||
		    store_report_insert(st, &row, &e) == -1 ||
		    outbox_draft(argv[1], row.id, msg, len, path, sizeof(path),
		    &e) == -1 ||
		    (strlcpy_r(row.path, path, sizeof(row.path)),
		    store_report_update(st, &row, &e)) == -1 ||
		    store_report_link(st, row.id, 1, in.src, &e) == -1) {
			fprintf(stderr, "report_draft: %s\n", e.msg);
			return 1;
		}
		store_close(st);
		printf("%s %lld\n", path, (long long)row.id);
	} else
		printf("%s\n", path);
	free(msg);
	report_free(&r);
	return 0;
}
