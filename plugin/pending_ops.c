/* TEMPORARY link placeholder while status/control/metrics/privdrop are written. Delete me. */
#include <string.h>
#include "config.h"
#include "status.h"
#include "control.h"
#include "metrics.h"
#include "privdrop.h"
void status_init(struct daemon_status *s) { memset(s, 0, sizeof(*s)); }
void status_count_alerts(struct daemon_status *s, uint64_t n, int64_t now) { (void)s; (void)n; (void)now; }
void status_set_input(struct daemon_status *s, size_t i, const struct input *in, int open) { (void)s; (void)i; (void)in; (void)open; }
void status_update(struct daemon_status *s, const struct config *c, struct store *st, int f) { (void)s; (void)c; (void)st; (void)f; }
struct control *control_open(const char *p, struct err *e) { (void)p; (void)e; return NULL; }
int control_fd(struct control *c) { (void)c; return -1; }
void control_handle(struct control *c, const struct daemon_status *s) { (void)c; (void)s; }
void control_close(struct control *c) { (void)c; }
struct metrics *metrics_open(const struct config *c, struct err *e) { (void)c; (void)e; return NULL; }
int metrics_fd(struct metrics *m) { (void)m; return -1; }
void metrics_handle(struct metrics *m, const struct daemon_status *s) { (void)m; (void)s; }
void metrics_close(struct metrics *m) { (void)m; }
int privdrop_apply(const struct general_conf *g, struct err *e) { (void)g; (void)e; return 0; }
#include "cmd.h"
#include "config_sections.h"
int cmd_status(struct cli *c, int a, char **v) { (void)c; (void)a; (void)v; return 1; }
void metrics_conf_load(struct config *c, const struct conf_node *n, struct diag *d) { (void)c; (void)n; (void)d; }
void metrics_conf_free(struct config *c) { (void)c; }
