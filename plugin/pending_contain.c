/* TEMPORARY link placeholder while containment is written. Delete me. */
#include "executor.h"
const struct executor_ops executor_containment = { .name = "containment" };
#include "cmd.h"
#include "config_sections.h"
int cmd_block(struct cli *c, int a, char **v) { (void)c; (void)a; (void)v; return 1; }
int cmd_blocks(struct cli *c, int a, char **v) { (void)c; (void)a; (void)v; return 1; }
int cmd_unblock(struct cli *c, int a, char **v) { (void)c; (void)a; (void)v; return 1; }
void responders_conf_load(struct config *c, const struct conf_node *n, struct diag *d) { (void)c; (void)n; (void)d; }
void responders_conf_free(struct config *c) { (void)c; }
