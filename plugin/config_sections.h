/* SPDX-License-Identifier: MIT */
/*
 * The module sections of redress.yaml, in the order they are loaded. Each
 * module declares its loader here and adds one line to the list; the key is
 * the YAML section name.
 */
#ifndef REDRESS_CONFIG_SECTIONS_H
#define REDRESS_CONFIG_SECTIONS_H

struct config;
struct conf_node;
struct diag;

#define SECTION_DECL(name)						\
void	name##_conf_load(struct config *, const struct conf_node *,	\
	    struct diag *);						\
void	name##_conf_free(struct config *);

SECTION_DECL(input)
SECTION_DECL(policy)
SECTION_DECL(responders)
SECTION_DECL(resolver)
SECTION_DECL(report)
SECTION_DECL(smtp)
SECTION_DECL(metrics)
SECTION_DECL(followup)

#define CONFIG_MODULE_SECTIONS						\
	{ "inputs", input_conf_load, input_conf_free },			\
	{ "policy", policy_conf_load, policy_conf_free },		\
	{ "responders", responders_conf_load, responders_conf_free },	\
	{ "resolver", resolver_conf_load, resolver_conf_free },	\
	{ "reports", report_conf_load, report_conf_free },	\
	{ "smtp", smtp_conf_load, smtp_conf_free },			\
	{ "metrics", metrics_conf_load, metrics_conf_free },		\
	{ "followup", followup_conf_load, followup_conf_free },

#endif
