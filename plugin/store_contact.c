/* SPDX-License-Identifier: MIT */
/*
 * The contact area of the state store: resolved abuse contacts cached per
 * network range (lo..hi as 16-byte blobs, which SQLite compares bytewise)
 * with an expiry, positive for days and negative (no address) for hours.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "contact.h"
#include "store.h"
#include "log.h"
#include "xmalloc.h"

const char store_sql_contact[] =
    "CREATE TABLE contact (\n"
    "  id INTEGER PRIMARY KEY,\n"
    "  lo BLOB NOT NULL,\n"
    "  hi BLOB NOT NULL,\n"
    "  naddrs INTEGER NOT NULL,\n"
    "  data TEXT NOT NULL,\n"
    "  resolved_usec INTEGER NOT NULL,\n"
    "  expires_usec INTEGER NOT NULL,\n"
    "  UNIQUE (lo, hi)\n"
    ");\n"
    "CREATE INDEX contact_range ON contact (lo, hi);\n";

/*
 * The nearest ranges starting at or below the address, most specific
 * first. Bounded so that a miss costs an index probe, not a table scan:
 * a wide range hidden behind more than 64 cached ranges inside it is not
 * seen (the address is then resolved again, which is harmless).
 */
static const char sql_lookup[] =
    "SELECT data, resolved_usec, expires_usec FROM"
    " (SELECT * FROM contact WHERE lo <= ?1 ORDER BY lo DESC LIMIT 64)"
    " WHERE hi >= ?1 AND expires_usec > ?2"
    " ORDER BY lo DESC, hi ASC LIMIT 1";
static const char sql_purge[] =
    "DELETE FROM contact WHERE expires_usec < ?1";
static const char sql_save[] =
    "INSERT INTO contact (lo, hi, naddrs, data, resolved_usec,"
    " expires_usec) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
    " ON CONFLICT (lo, hi) DO UPDATE SET naddrs = excluded.naddrs,"
    " data = excluded.data, resolved_usec = excluded.resolved_usec,"
    " expires_usec = excluded.expires_usec";
static const char sql_flush[] = "DELETE FROM contact";

static void
jstr(char *dst, size_t size, json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	strlcpy_r(dst, s != NULL ? s : "", size);
}

static char *
contact_to_json(const struct contact *c)
{
	json_t	*o, *a;
	char	*s;
	size_t	 i;

	o = json_object();
	json_object_set_new(o, "network_name", json_string(c->network_name));
	json_object_set_new(o, "handle", json_string(c->handle));
	json_object_set_new(o, "range", json_string(c->range));
	json_object_set_new(o, "country", json_string(c->country));
	json_object_set_new(o, "origin_as", json_integer(c->origin_as));
	json_object_set_new(o, "ptr", json_string(c->ptr));
	json_object_set_new(o, "ptr_confirmed", json_boolean(c->ptr_confirmed));
	json_object_set_new(o, "dynamic", json_boolean(c->dynamic));
	json_object_set_new(o, "low_confidence",
	    json_boolean(c->low_confidence));
	json_object_set_new(o, "chain", json_string(c->chain ? c->chain : ""));
	a = json_array();
	for (i = 0; i < c->naddrs; i++) {
		json_t *e = json_object();

		json_object_set_new(e, "email", json_string(c->addrs[i].email));
		json_object_set_new(e, "role", json_string(c->addrs[i].role));
		json_object_set_new(e, "source",
		    json_string(c->addrs[i].source));
		json_object_set_new(e, "low_confidence",
		    json_boolean(c->addrs[i].low_confidence));
		json_array_append_new(a, e);
	}
	json_object_set_new(o, "addrs", a);
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (s == NULL)
		fatalx("contact: json_dumps: out of memory");
	return s;
}

static int
contact_from_json(const char *text, struct contact *c, struct err *e)
{
	json_error_t	 je;
	json_t		*o, *a, *x;
	size_t		 i;
	const char	*chain;

	memset(c, 0, sizeof(*c));
	if ((o = json_loads(text, 0, &je)) == NULL || !json_is_object(o)) {
		json_decref(o);
		return err_set(e, "contact cache: bad row: %s", je.text);
	}
	jstr(c->network_name, sizeof(c->network_name), o, "network_name");
	jstr(c->handle, sizeof(c->handle), o, "handle");
	jstr(c->range, sizeof(c->range), o, "range");
	jstr(c->country, sizeof(c->country), o, "country");
	jstr(c->ptr, sizeof(c->ptr), o, "ptr");
	c->origin_as = (uint32_t)json_integer_value(json_object_get(o,
	    "origin_as"));
	c->ptr_confirmed = json_is_true(json_object_get(o, "ptr_confirmed"));
	c->dynamic = json_is_true(json_object_get(o, "dynamic"));
	c->low_confidence = json_is_true(json_object_get(o, "low_confidence"));
	chain = json_string_value(json_object_get(o, "chain"));
	if (chain != NULL && chain[0] != '\0')
		c->chain = xstrdup(chain);
	a = json_object_get(o, "addrs");
	json_array_foreach(a, i, x) {
		struct contact_addr *ca;

		if (c->naddrs >= CONTACT_MAX_ADDRS)
			break;
		ca = &c->addrs[c->naddrs++];
		jstr(ca->email, sizeof(ca->email), x, "email");
		jstr(ca->role, sizeof(ca->role), x, "role");
		jstr(ca->source, sizeof(ca->source), x, "source");
		ca->low_confidence = json_is_true(json_object_get(x,
		    "low_confidence"));
	}
	json_decref(o);
	return 0;
}

int
store_contact_lookup(struct store *st, const struct addr *a,
    struct contact *c, struct err *e)
{
	sqlite3_stmt	*s;
	int		 rc;

	memset(c, 0, sizeof(*c));
	if ((s = store_stmt(st, sql_lookup, e)) == NULL)
		return -1;
	sqlite3_bind_blob(s, 1, a->a, sizeof(a->a), SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, store_now_usec());
	rc = sqlite3_step(s);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return err_set(e, "contact lookup: %s",
		    sqlite3_errmsg(store_db(st)));
	if (contact_from_json((const char *)sqlite3_column_text(s, 0), c,
	    e) == -1) {
		sqlite3_reset(s);
		return -1;
	}
	c->resolved_usec = sqlite3_column_int64(s, 1);
	c->expires_usec = sqlite3_column_int64(s, 2);
	sqlite3_reset(s);
	return 1;
}

int
store_contact_save(struct store *st, const struct addr *lo,
    const struct addr *hi, const struct contact *c, struct err *e)
{
	sqlite3_stmt	*s;
	char		*json;
	int		 rc;

	if ((s = store_stmt(st, sql_save, e)) == NULL)
		return -1;
	json = contact_to_json(c);
	sqlite3_bind_blob(s, 1, lo->a, sizeof(lo->a), SQLITE_STATIC);
	sqlite3_bind_blob(s, 2, hi->a, sizeof(hi->a), SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)c->naddrs);
	sqlite3_bind_text(s, 4, json, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 5, c->resolved_usec);
	sqlite3_bind_int64(s, 6, c->expires_usec);
	rc = sqlite3_step(s);
	free(json);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return err_set(e, "contact save: %s",
		    sqlite3_errmsg(store_db(st)));
	/* Entries expired for a day go (they are only kept for `whois`). */
	if ((s = store_stmt(st, sql_purge, e)) == NULL)
		return -1;
	sqlite3_bind_int64(s, 1, store_now_usec() - 86400LL * 1000000);
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return err_set(e, "contact purge: %s",
		    sqlite3_errmsg(store_db(st)));
	return 0;
}

int
store_contact_flush(struct store *st, struct err *e)
{
	return store_exec(st, sql_flush, e);
}
