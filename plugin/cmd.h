/* SPDX-License-Identifier: MIT */
/*
 * Subcommands of the redress binary. Each lives in plugin/cmd_<name>.c and
 * is listed in main.c's table. A command returns the process exit code:
 * 0 success, 1 failure (reported on stderr), 2 usage error.
 */
#ifndef REDRESS_CMD_H
#define REDRESS_CMD_H

#include "config.h"

struct cli {
	const char	*config_path;	/* -c, or the default */
	int		 config_given;	/* -c was used */
	int		 verbose;
	int		 quiet;
	struct config	*cfg;		/* loaded when the command wants it */
};

/*
 * Loads cli->config_path into cli->cfg, printing every error to stderr.
 * Returns 0 or -1.
 */
struct store;

int	cli_load_config(struct cli *);
/* Same, plus what `run` needs (config_check_daemon); errors printed. */
int	cli_load_daemon_config(struct cli *);
int	cli_open_store(struct cli *, const char *path, struct store **);
/* Prints "redress: <msg>" to stderr for command-level errors. */
void	cli_error(const char *, ...) __attribute__((format(printf, 1, 2)));

int	cmd_block(struct cli *, int, char **);
int	cmd_blocks(struct cli *, int, char **);
int	cmd_check_config(struct cli *, int, char **);
int	cmd_exabgp_helper(struct cli *, int, char **);
int	cmd_incident(struct cli *, int, char **);
int	cmd_incidents(struct cli *, int, char **);
int	cmd_followup(struct cli *, int, char **);
int	cmd_queue(struct cli *, int, char **);
int	cmd_replay(struct cli *, int, char **);
int	cmd_run(struct cli *, int, char **);
int	cmd_status(struct cli *, int, char **);
int	cmd_unblock(struct cli *, int, char **);
int	cmd_unlock(struct cli *, int, char **);
int	cmd_update_bootstrap(struct cli *, int, char **);
int	cmd_whois(struct cli *, int, char **);

/* cmd_thread.c: `queue close ID --reason TEXT`; an incident's threads. */
int	cmd_queue_close(struct store *, const char *id, const char *reason);
int	cmd_thread_incident(struct store *, int64_t incident_id);

#endif
