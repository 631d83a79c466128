/* SPDX-License-Identifier: MIT */
/*
 * The "policy:" section of redress.yaml (policy_conf.c): engine mode,
 * redress's own thresholds (threshold.config lines inline or in files),
 * the optional sensor threshold.config, whitelist and home networks,
 * classification mapping, default policies, widening and the state cap.
 */
#ifndef REDRESS_POLICY_CONF_H
#define REDRESS_POLICY_CONF_H

#include <stdint.h>

#include "conf.h"
#include "incident.h"
#include "threshold.h"
#include "threshold_parse.h"

struct whitelist;

struct policy_conf {
	int			 engine;	/* enum thr_engine */
	const struct conf_node	*thresholds;	/* list of lines */
	struct conf_strlist	 threshold_files;
	char			*sensor_thresholds;
	int			 apply_sensor_thresholds;
	char			*suricata_yaml;	/* vars for $VAR ip lists */
	struct conf_cidrlist	 whitelist;
	struct conf_strlist	 whitelist_files;
	int			 default_whitelist;
	struct conf_cidrlist	 home_net;
	int			 contain_private;
	int			 contain_unestablished;
	int64_t			 contain_duration;	/* seconds */
	int64_t			 incident_timeout;	/* seconds */
	long long		 evidence_max;	/* first alerts kept */
	long long		 evidence_last;	/* and the last ones */
	int64_t			 evidence_retention;	/* seconds, 0: forever */
	long long		 sweep_hosts, scan_ports, brute_force_count;
	long long		 brute_force_connections;
	int64_t			 brute_force_window;	/* seconds */
	const struct conf_node	*quiet_probe_ports;
	int			 report_icmp_echo;
	int			 require_handshake;
	char			*upstream;
	long long		 widen_sources;
	int64_t			 widen_window;
	long long		 widen_prefix4, widen_prefix6;
	long long		 widen_limit4, widen_limit6;
	uint64_t		 memcap;
	int64_t			 state_save_interval;	/* seconds */
	const struct conf_node	*kinds;

	/* Derived at load. */
	struct thr_set		 rules;		/* own (defaults if none) */
	struct thr_set		 sensor_rules;
	struct thr_vars		 vars;		/* from suricata_yaml */
	struct whitelist	*wl;
	struct incident_map	 map;
	uint16_t		*quiet_ports;
	size_t			 nquiet;
};

/* Built-in decision rules used when the configuration names none. */
extern const char policy_default_rules[];

/*
 * Fills pc with defaults and loads the derived parts (for callers with no
 * configuration). 0 or -1 with messages in d.
 */
int	policy_conf_defaults(struct policy_conf *pc, struct diag *d);
void	policy_conf_release(struct policy_conf *pc);
/* The built-in defaults (no policy section), built once. */
const struct policy_conf *policy_conf_builtin(void);

#endif
