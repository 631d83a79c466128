/* SPDX-License-Identifier: MIT */
/*
 * The "followup:" section of redress.yaml: the reply Maildirs and after
 * how long a quiet source closes its thread (until then a source that
 * attacks again after reports.repeat_after is followed up in the same
 * thread). Each Maildir must exist with its cur/ and new/ at
 * check-config time.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "config.h"
#include "config_sections.h"
#include "followup.h"
#include "xmalloc.h"

#define F(f)	offsetof(struct followup_conf, f)
static const struct conf_field followup_fields[] = {
	{ "maildirs", CK_STRLIST, F(maildirs), NULL, 0, 0, NULL, 0 },
	{ "close_after", CK_SECONDS, F(close_after_s), "30d", 0, 0, NULL, 0 },
	{ NULL, 0, 0, NULL, 0, 0, NULL, 0 },
};
#undef F

static int
is_dir(const char *dir, const char *sub)
{
	struct stat	sb;
	char		p[4096];

	snprintf(p, sizeof(p), "%s/%s", dir, sub);
	return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

void
followup_conf_load(struct config *cfg, const struct conf_node *n,
    struct diag *d)
{
	struct followup_conf	*fc = xcalloc(1, sizeof(*fc));
	size_t			 i;

	cfg->followup = fc;
	if (n != NULL && n->type != CONF_MAP) {
		conf_error(d, n, "expected a mapping (followup: maildirs: "
		    "...)");
		n = NULL;
	}
	/* Every problem in one run: the Maildirs are checked even when
	 * another key was wrong. */
	conf_apply(n, followup_fields, fc, d);
	if (n == NULL)
		return;
	for (i = 0; i < fc->maildirs.n; i++)
		if (!is_dir(fc->maildirs.v[i], "new") ||
		    !is_dir(fc->maildirs.v[i], "cur"))
			conf_error(d, conf_get(n, "maildirs"), "%s: not a "
			    "Maildir (needs new/ and cur/)",
			    fc->maildirs.v[i]);
}

void
followup_conf_free(struct config *cfg)
{
	if (cfg->followup == NULL)
		return;
	conf_release(followup_fields, cfg->followup);
	free(cfg->followup);
	cfg->followup = NULL;
}
