/* SPDX-License-Identifier: MIT */
/*
 * The "policy:" section: schema, defaults and the derived rule sets,
 * whitelist and classification map, every problem reported with its
 * file:line:col.
 */
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config_sections.h"
#include "policy.h"
#include "policy_conf.h"
#include "whitelist.h"
#include "xmalloc.h"

/*
 * Without rules of its own a site gets these: contain and report what
 * is clearly hostile once the incident has that kind; DoS goes to the
 * upstream, compromise to our own team; probes are reported at close.
 */
const char policy_default_rules[] =
	"rate_filter kind exploit, track by_src, count 0, seconds 3600, "
	"new_action contain, timeout 3600\n"
	"rate_filter kind exploit, track by_src, count 0, seconds 3600, "
	"new_action report, timeout 0\n"
	"rate_filter kind brute-force, track by_src, count 0, seconds 3600, "
	"new_action contain, timeout 3600\n"
	"rate_filter kind brute-force, track by_src, count 0, seconds 3600, "
	"new_action report, timeout 0\n"
	"rate_filter kind scan, track by_src, count 0, seconds 3600, "
	"new_action contain, timeout 3600\n"
	"rate_filter kind scan, track by_src, count 0, seconds 3600, "
	"new_action report, timeout 0\n"
	"rate_filter kind sweep, track by_src, count 0, seconds 3600, "
	"new_action contain, timeout 3600\n"
	"rate_filter kind sweep, track by_src, count 0, seconds 3600, "
	"new_action report, timeout 0\n"
	"rate_filter kind probe, track by_src, count 0, seconds 3600, "
	"new_action report, timeout 0\n"
	"rate_filter kind compromise, track by_src, count 0, seconds 3600, "
	"new_action report, timeout 0\n"
	"rate_filter kind dos, track by_dst, count 100, seconds 60, "
	"new_action report, timeout 0\n";

static const char *const engines[] = { "suricata", "snort", NULL };

#define P(f)	offsetof(struct policy_conf, f)
static const struct conf_field policy_fields[] = {
	{ "engine", CK_ENUM, P(engine), "suricata", 0, 0, engines, 0 },
	{ "thresholds", CK_NODE, P(thresholds), NULL, 0, 0, NULL, 0 },
	{ "threshold_files", CK_STRLIST, P(threshold_files), NULL, 0, 0, NULL,
	    0 },
	{ "sensor_thresholds", CK_FILE_R, P(sensor_thresholds), NULL, 0, 0,
	    NULL, 0 },
	{ "apply_sensor_thresholds", CK_BOOL, P(apply_sensor_thresholds),
	    "false", 0, 0, NULL, 0 },
	{ "suricata_yaml", CK_FILE_R, P(suricata_yaml), NULL, 0, 0, NULL, 0 },
	{ "whitelist", CK_CIDRLIST, P(whitelist), NULL, 0, 0, NULL, 0 },
	{ "whitelist_files", CK_STRLIST, P(whitelist_files), NULL, 0, 0,
	    NULL, 0 },
	{ "default_whitelist", CK_BOOL, P(default_whitelist), "true", 0, 0,
	    NULL, 0 },
	{ "home_net", CK_CIDRLIST, P(home_net), NULL, 0, 0, NULL, 0 },
	{ "contain_private", CK_BOOL, P(contain_private), "false", 0, 0,
	    NULL, 0 },
	{ "contain_unestablished", CK_BOOL, P(contain_unestablished), "true",
	    0, 0, NULL, 0 },
	{ "contain_duration", CK_SECONDS, P(contain_duration), "1h", 0, 0,
	    NULL, 0 },
	{ "incident_timeout", CK_SECONDS, P(incident_timeout), "1h", 0, 0,
	    NULL, 0 },
	{ "evidence_max", CK_INT, P(evidence_max), "20", 0, 255, NULL, 0 },
	{ "evidence_last", CK_INT, P(evidence_last), "10", 0, 255, NULL, 0 },
	{ "evidence_retention", CK_SECONDS, P(evidence_retention), "90d", 0, 0,
	    NULL, 0 },
	{ "sweep_hosts", CK_INT, P(sweep_hosts), "5", 2, 100000, NULL, 0 },
	{ "scan_ports", CK_INT, P(scan_ports), "5", 2, 65536, NULL, 0 },
	{ "brute_force_count", CK_INT, P(brute_force_count), "5", 1, 1000000,
	    NULL, 0 },
	{ "brute_force_connections", CK_INT, P(brute_force_connections), "10",
	    2, 65535, NULL, 0 },
	{ "brute_force_window", CK_SECONDS, P(brute_force_window), "10m", 0,
	    0, NULL, 0 },
	{ "quiet_probe_ports", CK_NODE, P(quiet_probe_ports), NULL, 0, 0, NULL,
	    0 },
	{ "report_icmp_echo", CK_BOOL, P(report_icmp_echo), "false", 0, 0,
	    NULL, 0 },
	{ "require_handshake", CK_BOOL, P(require_handshake), "true", 0, 0,
	    NULL, 0 },
	{ "upstream", CK_STRING, P(upstream), NULL, 0, 0, NULL, 0 },
	{ "widen_sources", CK_INT, P(widen_sources), "3", 0, 1000000, NULL,
	    0 },
	{ "widen_window", CK_SECONDS, P(widen_window), "1h", 0, 0, NULL, 0 },
	{ "widen_prefix4", CK_INT, P(widen_prefix4), "24", 8, 31, NULL, 0 },
	{ "widen_prefix6", CK_INT, P(widen_prefix6), "48", 16, 127, NULL, 0 },
	{ "widen_limit4", CK_INT, P(widen_limit4), "16", 8, 31, NULL, 0 },
	{ "widen_limit6", CK_INT, P(widen_limit6), "32", 16, 127, NULL, 0 },
	{ "memcap", CK_SIZE, P(memcap), "256M", 0, 0, NULL, 0 },
	{ "state_save_interval", CK_SECONDS, P(state_save_interval), "1m", 0,
	    0, NULL, 0 },
	{ "kinds", CK_NODE, P(kinds), NULL, 0, 0, NULL, 0 },
	{ NULL, 0, 0, NULL, 0, 0, NULL, 0 },
};
#undef P

static const char *const default_wl[] = {
	"127.0.0.0/8", "::1/128", "169.254.0.0/16", "fe80::/10",
	"224.0.0.0/4", "ff00::/8", "255.255.255.255/32", NULL,
};

static const char *const default_home[] = {
	"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7", NULL,
};

static const char *
wl_line(const char *text, int line, void *arg)
{
	struct cidr c;

	(void)line;
	if (cidr_parse(text, &c) < 0)
		return "not an address or CIDR prefix";
	if (c.len == 0)
		return "a /0 prefix would protect everything; refused";
	whitelist_add(arg, &c);
	return NULL;
}

static int
has_decision_rules(const struct thr_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->v[i].dir == THR_RATE_FILTER &&
		    (s->v[i].new_action == THR_ACT_CONTAIN ||
		    s->v[i].new_action == THR_ACT_REPORT))
			return 1;
	return 0;
}

static void
load_thresholds(struct policy_conf *pc, struct diag *d)
{
	const struct conf_node *c;
	struct thr_rule r;
	struct err e;
	size_t i;

	/* $HOME_NET, $SUPPRESS ... in ip lists: the sensor's variables. */
	if (pc->suricata_yaml != NULL)
		thr_vars_load(pc->suricata_yaml, &pc->vars, d);
	pc->rules.vars = pc->sensor_rules.vars = &pc->vars;
	if (pc->thresholds) {
		if (pc->thresholds->type != CONF_SEQ &&
		    !(pc->thresholds->type == CONF_SCALAR &&
		    pc->thresholds->value[0] == '\0'))
			conf_error(d, pc->thresholds, "expected a list of "
			    "threshold.config lines");
		else if (pc->thresholds->type == CONF_SEQ)
			for (c = pc->thresholds->child; c; c = c->next) {
				memset(&e, 0, sizeof(e));
				if (c->type != CONF_SCALAR) {
					conf_error(d, c, "expected a "
					    "threshold.config line");
					continue;
				}
				if (thr_parse_line_vars(c->value, &pc->vars,
				    &r, &e) < 0)
					conf_error(d, c, "%s", e.msg);
				else if (r.dir == THR_DETECTION_FILTER) {
					conf_error(d, c, "detection_filter is "
					    "a rule option of the sensor, not "
					    "a threshold.config directive");
					thr_rule_free(&r);
				}
				else if (r.dir == THR_RATE_FILTER ||
				    r.dir == THR_SUPPRESS ||
				    r.dir == THR_THRESHOLD ||
				    r.dir == THR_EVENT_FILTER) {
					r.line = c->line;
					thr_set_add(&pc->rules, &r);
				}
			}
	}
	for (i = 0; i < pc->threshold_files.n; i++)
		thr_parse_file(pc->threshold_files.v[i], &pc->rules, d);
	if (!has_decision_rules(&pc->rules))
		thr_parse_buf("(built-in rules)", policy_default_rules,
		    strlen(policy_default_rules), &pc->rules, d);
	if (pc->apply_sensor_thresholds && pc->sensor_thresholds)
		thr_parse_file(pc->sensor_thresholds, &pc->sensor_rules, d);
}

static void
load_whitelist(struct policy_conf *pc, struct diag *d)
{
	struct cidr c;
	size_t i;

	pc->wl = whitelist_new();
	if (pc->default_whitelist)
		for (i = 0; default_wl[i]; i++) {
			cidr_parse(default_wl[i], &c);
			whitelist_add(pc->wl, &c);
		}
	for (i = 0; i < pc->whitelist.n; i++)
		whitelist_add(pc->wl, &pc->whitelist.v[i]);
	for (i = 0; i < pc->whitelist_files.n; i++)
		if (conf_list_file(pc->whitelist_files.v[i], wl_line, pc->wl,
		    d) < 0)
			diag_add(d, pc->whitelist_files.v[i], 0, 0,
			    "cannot read whitelist file");
	if (pc->home_net.n == 0) {
		for (i = 0; default_home[i]; i++)
			;
		pc->home_net.v = xcalloc(i, sizeof(struct cidr));
		for (i = 0; default_home[i]; i++)
			cidr_parse(default_home[i], &pc->home_net.v[i]);
		pc->home_net.n = i;
	}
}

static int
port_of(const struct conf_node *c, struct diag *d, uint16_t *out)
{
	long long v;
	const char *w;

	if (c->type != CONF_SCALAR) {
		conf_error(d, c, "expected a port number");
		return -1;
	}
	if ((w = conf_to_int(c->value, 0, 65535, &v)) != NULL) {
		conf_error(d, c, "%s", w);
		return -1;
	}
	*out = (uint16_t)v;
	return 0;
}

static char **
strv_of(const struct conf_node *n, struct diag *d)
{
	const struct conf_node *c;
	char **v;
	size_t i = 0;

	if (n->type != CONF_SEQ) {
		conf_error(d, n, "expected a list of classtypes");
		return NULL;
	}
	v = xcalloc(conf_count(n) + 1, sizeof(char *));
	for (c = n->child; c; c = c->next)
		if (c->type == CONF_SCALAR)
			v[i++] = xstrdup(c->value);
		else
			conf_error(d, c, "expected a classtype name");
	return v;
}

static void
replace_strv(char ***dst, char **v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; (*dst) && (*dst)[i]; i++)
		free((*dst)[i]);
	free(*dst);
	*dst = v;
}

static void
load_kinds(struct policy_conf *pc, struct diag *d)
{
	const struct conf_node *k, *f, *c;
	enum incident_kind kind;
	uint16_t port;
	long long sid;

	incident_map_defaults(&pc->map);
	pc->map.sweep_hosts = (uint32_t)pc->sweep_hosts;
	pc->map.scan_ports = (uint32_t)pc->scan_ports;
	pc->map.brute_force_count = (uint32_t)pc->brute_force_count;
	pc->map.brute_force_flows = (uint32_t)pc->brute_force_connections;
	pc->map.brute_force_window_us = pc->brute_force_window * 1000000;
	if (pc->kinds == NULL)
		return;
	if (pc->kinds->type != CONF_MAP) {
		conf_error(d, pc->kinds, "expected a mapping of incident "
		    "kinds");
		return;
	}
	for (k = pc->kinds->child; k; k = k->next) {
		if (incident_kind_parse(k->key, &kind) < 0) {
			conf_error(d, k, "unknown incident kind \"%s\"",
			    k->key);
			continue;
		}
		if (k->type != CONF_MAP) {
			conf_error(d, k, "expected classtypes/sids/ports");
			continue;
		}
		for (f = k->child; f; f = f->next) {
			if (strcmp(f->key, "classtypes") == 0) {
				if (kind == INCIDENT_EXPLOIT)
					replace_strv(&pc->map.exploit_classes,
					    strv_of(f, d));
				else if (kind == INCIDENT_COMPROMISE)
					replace_strv(
					    &pc->map.compromise_classes,
					    strv_of(f, d));
				else if (kind == INCIDENT_DOS)
					replace_strv(&pc->map.dos_classes,
					    strv_of(f, d));
				else
					conf_error(d, f, "classtypes map only "
					    "to exploit, compromise or dos");
				pc->map.gen = incident_map_gen();
			} else if (strcmp(f->key, "sids") == 0) {
				if (f->type != CONF_SEQ) {
					conf_error(d, f, "expected a list of "
					    "sids");
					continue;
				}
				for (c = f->child; c; c = c->next) {
					const char *w = "expected a sid";

					if (c->type == CONF_SCALAR)
						w = conf_to_int(c->value, 1,
						    UINT32_MAX, &sid);

					if (w) {
						conf_error(d, c, "%s", w);
						continue;
					}
					pc->map.sid_kind_sid = xreallocarray(
					    pc->map.sid_kind_sid,
					    pc->map.nsid_kind + 1,
					    sizeof(uint32_t));
					pc->map.sid_kind_kind = xreallocarray(
					    pc->map.sid_kind_kind,
					    pc->map.nsid_kind + 1, 1);
					pc->map.sid_kind_sid[pc->map.nsid_kind]
					    = (uint32_t)sid;
					pc->map.sid_kind_kind[
					    pc->map.nsid_kind++] =
					    (uint8_t)kind;
				}
			} else if (strcmp(f->key, "ports") == 0 &&
			    kind == INCIDENT_BRUTE_FORCE) {
				if (f->type != CONF_SEQ) {
					conf_error(d, f, "expected a list of "
					    "ports");
					continue;
				}
				pc->map.nauth_ports = 0;
				pc->map.auth_ports = xreallocarray(
				    pc->map.auth_ports, conf_count(f) + 1,
				    sizeof(uint16_t));
				for (c = f->child; c; c = c->next)
					if (port_of(c, d, &port) == 0)
						pc->map.auth_ports[
						    pc->map.nauth_ports++] =
						    port;
			} else
				conf_error(d, f, "unknown key \"%s\" (expected "
				    "classtypes, sids%s)", f->key,
				    kind == INCIDENT_BRUTE_FORCE ?
				    " or ports" : "");
		}
	}
}

static void
load_quiet(struct policy_conf *pc, struct diag *d)
{
	const struct conf_node *c;
	uint16_t port;

	if (pc->quiet_probe_ports == NULL) {
		pc->quiet_ports = xcalloc(2, sizeof(uint16_t));
		pc->quiet_ports[0] = 25;
		pc->quiet_ports[1] = 80;
		pc->nquiet = 2;
		return;
	}
	if (pc->quiet_probe_ports->type == CONF_SCALAR &&
	    pc->quiet_probe_ports->value[0] == '\0')
		return;
	if (pc->quiet_probe_ports->type != CONF_SEQ) {
		conf_error(d, pc->quiet_probe_ports, "expected a list of "
		    "ports");
		return;
	}
	pc->quiet_ports = xcalloc(conf_count(pc->quiet_probe_ports) + 1,
	    sizeof(uint16_t));
	for (c = pc->quiet_probe_ports->child; c; c = c->next)
		if (port_of(c, d, &port) == 0)
			pc->quiet_ports[pc->nquiet++] = port;
}

static void
derive(struct policy_conf *pc, struct diag *d)
{
	load_thresholds(pc, d);
	load_whitelist(pc, d);
	load_kinds(pc, d);
	load_quiet(pc, d);
	if (pc->widen_prefix4 < pc->widen_limit4)
		diag_add(d, NULL, 0, 0, "policy: widen_prefix4 /%lld is wider "
		    "than widen_limit4 /%lld", pc->widen_prefix4,
		    pc->widen_limit4);
	if (pc->widen_prefix6 < pc->widen_limit6)
		diag_add(d, NULL, 0, 0, "policy: widen_prefix6 /%lld is wider "
		    "than widen_limit6 /%lld", pc->widen_prefix6,
		    pc->widen_limit6);
}

void
policy_conf_load(struct config *cfg, const struct conf_node *n,
    struct diag *d)
{
	struct policy_conf *pc = xcalloc(1, sizeof(*pc));

	conf_apply(n, policy_fields, pc, d);
	derive(pc, d);
	cfg->policy = pc;
}

int
policy_conf_defaults(struct policy_conf *pc, struct diag *d)
{
	size_t before = d->errors;

	memset(pc, 0, sizeof(*pc));
	conf_apply(NULL, policy_fields, pc, d);
	derive(pc, d);
	return d->errors > before ? -1 : 0;
}

void
policy_conf_release(struct policy_conf *pc)
{
	conf_release(policy_fields, pc);
	thr_set_free(&pc->rules);
	thr_set_free(&pc->sensor_rules);
	thr_vars_free(&pc->vars);
	whitelist_free(pc->wl);
	incident_map_free(&pc->map);
	free(pc->quiet_ports);
	if (pc->home_net.v) {
		free(pc->home_net.v);
		pc->home_net.v = NULL;
	}
}

void
policy_conf_free(struct config *cfg)
{
	if (cfg->policy == NULL)
		return;
	policy_conf_release(cfg->policy);
	free(cfg->policy);
	cfg->policy = NULL;
}

static struct policy_conf default_pc;
static pthread_once_t default_once = PTHREAD_ONCE_INIT;

static void
default_init(void)
{
	struct diag d;

	diag_init(&d);
	policy_conf_defaults(&default_pc, &d);
	diag_clear(&d);
}

/* The default policy configuration, built once (thread-safe). */
const struct policy_conf *
policy_conf_builtin(void)
{
	pthread_once(&default_once, default_init);
	return &default_pc;
}

const struct whitelist *
policy_whitelist(const struct config *cfg)
{
	if (cfg && cfg->policy && cfg->policy->wl)
		return cfg->policy->wl;
	return policy_conf_builtin()->wl;
}
