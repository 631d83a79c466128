/* SPDX-License-Identifier: MIT */
/*
 * The whole configuration: the general section here, and one pointer per
 * module section whose struct and schema the module owns. config_load()
 * runs every section loader so that all errors show in one run.
 */
#ifndef REDRESS_CONFIG_H
#define REDRESS_CONFIG_H

#include <stdint.h>

#include "conf.h"
#include "err.h"

#ifndef REDRESS_SYSCONFDIR
#define REDRESS_SYSCONFDIR	"/etc"
#endif
#define CONFIG_DEFAULT_PATH	REDRESS_SYSCONFDIR "/redress/redress.yaml"
#ifndef REDRESS_DATADIR
#define REDRESS_DATADIR		"/usr/share/redress"	/* templates/ */
#endif

struct general_conf {
	char		*state_dir;	/* /var/lib/redress */
	char		*database;	/* default state_dir/state.db */
	char		*pid_file;
	char		*user, *group;	/* to drop privileges to */
	char		*log_level;
	char		*syslog_facility;
	char		*sensor_name;	/* default: host name */
	int64_t		 commit_interval_ms;
	long long	 commit_batch;
	int		 allow_root;
	int		 dry_run;	/* responders print instead of acting */
};

struct input_conf;
struct policy_conf;
struct responders_conf;
struct resolver_conf;
struct report_conf;
struct smtp_conf;
struct metrics_conf;
struct followup_conf;

struct config {
	char			*path;
	struct conf_node	*root;	/* kept: CK_NODE fields point in it */
	struct general_conf	 general;
	struct input_conf	*inputs;
	struct policy_conf	*policy;
	struct responders_conf	*responders;
	struct resolver_conf	*resolver;
	struct report_conf	*reports;
	struct smtp_conf	*smtp;
	struct metrics_conf	*metrics;
	struct followup_conf	*followup;
};

/* A top-level section: its key and loader. Loaders add errors to d. */
struct config_section {
	const char	*key;
	void		(*load)(struct config *, const struct conf_node *,
			    struct diag *);
	void		(*free)(struct config *);
};

/*
 * Loads and checks path. Returns NULL when any error was found (all of
 * them are in d); warnings alone do not fail.
 */
struct config	*config_load(const char *path, struct diag *d);
/* Same from a buffer (tests, fuzzing); name is used in messages. */
struct config	*config_parse(const char *name, const char *buf, size_t len,
		    struct diag *d);
void		 config_free(struct config *);
/*
 * What `redress run` and check-config need beyond a valid file (at least
 * one input). Returns the errors added to d.
 */
size_t		 config_check_daemon(const struct config *, struct diag *);

#endif
