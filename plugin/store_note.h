/* SPDX-License-Identifier: MIT */
/*
 * The note area of the state store: what a responder did for an incident
 * beyond the block itself (accounts locked, processes ended, an unlock
 * and who ran it), one row a step, kept with the incident for the record.
 */
#ifndef REDRESS_STORE_NOTE_H
#define REDRESS_STORE_NOTE_H

#include <stdint.h>

#include "err.h"
#include "store.h"

/* Records one step; incident_id 0 for none. Returns its row id or -1. */
int64_t	 store_note_add(struct store *, int64_t incident_id,
	    const char *source, const char *subject, const char *text,
	    struct err *);

struct note_row {
	int64_t	 id;
	int64_t	 incident_id;
	int64_t	 at_usec;
	char	 source[64];	/* the responder's name */
	char	 subject[64];	/* what it acted on: a user name */
	char	 text[512];
};

typedef int (*store_note_cb)(void *arg, const struct note_row *);
/* Every note of incident_id, oldest first. 0 or -1. */
int	 store_note_list(struct store *, int64_t incident_id, store_note_cb,
	    void *arg, struct err *);
/* The incident of the latest note about subject from source, 0 none, -1. */
int64_t	 store_note_last_incident(struct store *, const char *source,
	    const char *subject, struct err *);

/*
 * The accounts source holds locked now: per subject, its latest "locked
 * USER" note when no "unlocked USER" note came after it (so a restart
 * keeps watching them). 0 or -1.
 */
int	 store_note_locked(struct store *, const char *source, store_note_cb,
	    void *arg, struct err *);

extern const char store_sql_note[];

#endif
