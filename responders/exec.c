/* SPDX-License-Identifier: MIT */
/*
 * The exec responder, for sites with a firewall API of their own: runs
 * PROGRAM [ARGS...] block|unblock ADDR PREFIXLEN DURATION INCIDENT as an
 * argv vector (no shell) with REDRESS_ADDR, REDRESS_PREFIX,
 * REDRESS_DURATION, REDRESS_INCIDENT and REDRESS_REASON in a fixed
 * environment, one run per block, each bounded by a timeout. The program
 * keeps no timeout for redress: redress's own timer runs "unblock".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resp_spawn.h"
#include "responder.h"
#include "xmalloc.h"

#define EXEC_MAX_ARGS	16

struct exec_priv {
	struct resp_common	 common;
	char			*program;
	struct conf_strlist	 args;
	int64_t			 timeout_ms;
};

#define F(f)	offsetof(struct exec_priv, f)
static const struct conf_field exec_fields[] = {
	RESP_COMMON_FIELDS(struct exec_priv),
	{ "program", CK_PATH, F(program), NULL, 0, 0, NULL, 1 },
	{ "args", CK_STRLIST, F(args), NULL, 0, 0, NULL, 0 },
	{ "timeout", CK_MSEC, F(timeout_ms), "10s", 0, 0, NULL, 0 },
	{ NULL, 0, 0, NULL, 0, 0, NULL, 0 },
};
#undef F

static size_t
exec_configure(struct responder *r, const struct conf_node *map,
    struct diag *d)
{
	struct exec_priv *p = r->priv;
	size_t errs = conf_apply(map, exec_fields, p, d);

	if (errs)
		return errs;
	if (p->program[0] != '/') {
		conf_error(d, conf_get(map, "program"), "program: an absolute "
		    "path (no shell, no PATH search)");
		errs++;
	}
	if (p->args.n > EXEC_MAX_ARGS) {
		conf_error(d, conf_get(map, "args"), "at most %d args",
		    EXEC_MAX_ARGS);
		errs++;
	}
	if (p->timeout_ms <= 0) {
		conf_error(d, conf_get(map, "timeout"), "timeout must be "
		    "positive");
		errs++;
	}
	return errs;
}

static int
exec_open(struct responder *r, struct err *e)
{
	(void)r;
	(void)e;
	return 0;
}

/* Control characters in the reason (alert text) become '?'. */
static void
clean(char *dst, const char *src, size_t len)
{
	size_t i;

	strlcpy_r(dst, src, len);
	for (i = 0; dst[i]; i++)
		if ((unsigned char)dst[i] < 0x20 || dst[i] == 0x7f)
			dst[i] = '?';
}

static int
exec_one(struct responder *r, const char *verb, const struct resp_block *b,
    struct err *e)
{
	struct exec_priv *p = r->priv;
	char addr[ADDR_STRLEN], pfx[8], dur[24], inc[24], reason[256];
	char env[6][320], *envp[7], *argv[EXEC_MAX_ARGS + 8], errbuf[256];
	size_t n = 0, i;
	int rc;

	addr_format(&b->net.net, addr, sizeof(addr));
	snprintf(pfx, sizeof(pfx), "%u", b->net.len);
	snprintf(dur, sizeof(dur), "%lld", (long long)b->duration_s);
	snprintf(inc, sizeof(inc), "%lld", (long long)b->incident_id);
	clean(reason, b->reason, sizeof(reason));
	argv[n++] = p->program;
	for (i = 0; i < p->args.n; i++)
		argv[n++] = p->args.v[i];
	argv[n++] = (char *)verb;
	argv[n++] = addr;
	argv[n++] = pfx;
	argv[n++] = dur;
	argv[n++] = inc;
	argv[n] = NULL;
	if (r->dry_run) {
		fprintf(r->dry_out, "exec");
		for (i = 0; i < n; i++)
			fprintf(r->dry_out, " %s", argv[i]);
		fputc('\n', r->dry_out);
		fflush(r->dry_out);
		return 0;
	}
	snprintf(env[0], sizeof(env[0]), "REDRESS_ADDR=%s", addr);
	snprintf(env[1], sizeof(env[1]), "REDRESS_PREFIX=%s", pfx);
	snprintf(env[2], sizeof(env[2]), "REDRESS_DURATION=%s", dur);
	snprintf(env[3], sizeof(env[3]), "REDRESS_INCIDENT=%s", inc);
	snprintf(env[4], sizeof(env[4]), "REDRESS_REASON=%s", reason);
	snprintf(env[5], sizeof(env[5]), "PATH=/usr/sbin:/usr/bin:/sbin:/bin");
	for (i = 0; i < 6; i++)
		envp[i] = env[i];
	envp[6] = NULL;
	rc = spawn_run(argv, envp, (int)p->timeout_ms, errbuf, sizeof(errbuf),
	    e);
	if (rc < 0)
		return -1;
	if (rc != 0) {
		errbuf[strcspn(errbuf, "\n")] = '\0';
		return err_set(e, "exec %s %s %s: exit %d%s%s", p->program,
		    verb, addr, rc, errbuf[0] ? ": " : "", errbuf);
	}
	return 0;
}

static int
exec_apply(struct responder *r, const struct resp_block *v, size_t n,
    struct err *e)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (exec_one(r, "block", &v[i], e) < 0)
			return -1;
	return 0;
}

static int
exec_revert(struct responder *r, const struct resp_block *v, size_t n,
    struct err *e)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (exec_one(r, "unblock", &v[i], e) < 0)
			return -1;
	return 0;
}

static void
exec_close(struct responder *r)
{
	(void)r;
}

static void
exec_release(struct responder *r)
{
	conf_release(exec_fields, r->priv);
}

const struct responder_ops resp_exec = {
	.name = "exec",
	.priv_size = sizeof(struct exec_priv),
	.max_timeout_s = 0,
	.configure = exec_configure,
	.open = exec_open,
	.apply = exec_apply,
	.revert = exec_revert,
	.list = NULL,
	.close = exec_close,
	.release = exec_release,
};
