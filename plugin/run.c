/* SPDX-License-Identifier: MIT */
/*
 * `redress run`: the daemon. Opens the store and the configured inputs
 * (resuming from their bookmarks), feeds every alert to the policy, and
 * commits decisions together with the input bookmarks in group commits.
 * Idle incidents close on the policy's event clock, as in replay.
 * After each commit the containment executor runs inline (blocks land in
 * milliseconds); the resolver, reporter and mailer run in threads of their
 * own with their own store connections. SIGTERM commits and stops, SIGHUP
 * reloads the configuration (a bad one is reported and the old one kept).
 * `--once` reads the inputs to their current end, runs every executor until
 * nothing is left to do, and exits (the demo and tests use it).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "conf_check.h"
#include "control.h"
#include "executor.h"
#include "input.h"
#include "input_conf.h"
#include "log.h"
#include "metrics.h"
#include "metrics_conf.h"
#include "monotime.h"
#include "policy.h"
#include "reload.h"
#include "privdrop.h"
#include "responder.h"
#include "responders_conf.h"
#include "status.h"
#include "store.h"
#include "store_input.h"
#include "xmalloc.h"

#define RUN_RETRY_SEC	5
#define RUN_FLUSH_MS	1000
#define RUN_MAX_FDS	64
#define RUN_NBG		4	/* background executors (bg_ops) */
#define RUN_CONTAIN_MS	2	/* a contain decision waits at most for a commit */
#define RUN_SLICE_MS	2	/* one input read at a time, then the next */
#define RUN_CACHE_KB	"32768"	/* SQLite page cache of the main connection */

struct bg_exec {
	struct executor		 ex;
	pthread_t		 th;
	int			 started;
	struct run		*run;
};

struct run_input {
	struct input	*in;
	int		 open;
	int		 dirty;		/* alerts since the last bookmark */
	int		 ack;		/* bookmark in the txn: committed() */
	int		 idle;		/* last next() said nothing more */
	int64_t		 retry_at;	/* monotonic ms */
};

struct run {
	struct cli		*cli;
	struct config		*cfg;
	struct store		*st;
	struct policy		*pol;
	struct run_input	*inputs;
	size_t			 ninputs;
	struct executor		 contain;
	int			 contain_ok;
	struct bg_exec		 bg[RUN_NBG];
	pthread_mutex_t		 mtx;
	pthread_cond_t		 cv;
	int			 bg_stop;
	unsigned		 bg_gen;
	int			 once;
	int			 sigfd;
	int			 signalled;	/* atomic: SIGTERM or SIGINT */
	struct control		*ctl;
	struct metrics		*met;
	struct daemon_status	 status;
	uint64_t		 pending;	/* alerts in the open txn */
	int			 urgent;	/* commit after this drain */
	int64_t			 contain_at;	/* monotonic ms of the first
						 * contain in the open txn */
	int64_t			 txn_started;	/* monotonic ms */
	int64_t			 last_flush;
	int64_t			 status_at;	/* monotonic ms */
};

static const struct executor_ops *const bg_ops[RUN_NBG] = {
	&executor_resolver, &executor_reporter, &executor_mailer,
	&executor_followup,
};

static void
executor_init(struct executor *ex, const struct executor_ops *ops,
    const struct config *cfg)
{
	memset(ex, 0, sizeof(*ex));
	ex->ops = ops;
	ex->cfg = cfg;
	ex->dry_run = cfg->general.dry_run;
	if (ops->priv_size)
		ex->priv = xcalloc(1, ops->priv_size);
}

static void
executor_fini(struct executor *ex)
{
	free(ex->priv);
	ex->priv = NULL;
}

/* ------------------------------------------------ background executors */

static void *
bg_main(void *arg)
{
	struct bg_exec *b = arg;
	struct run *r = b->run;
	struct store *st = NULL;
	struct err e = { 0 };
	unsigned seen = 0;
	int64_t interval = b->ex.ops->interval_ms > 0 ?
	    b->ex.ops->interval_ms : 1000;

	if (store_open(r->cfg->general.database, &st, &e) < 0 ||
	    b->ex.ops->start(&b->ex, st, &e) < 0) {
		log_warnx("%s: not started: %s", b->ex.ops->name, e.msg);
		store_close(st);
		return NULL;
	}
	for (;;) {
		struct timespec ts;

		err_clear(&e);
		if (b->ex.ops->run(&b->ex, st, store_now_usec(), &e) < 0)
			log_warnx("%s: %s", b->ex.ops->name, e.msg);
		pthread_mutex_lock(&r->mtx);
		if (!r->bg_stop && seen == r->bg_gen) {
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_sec += interval / 1000;
			ts.tv_nsec += (interval % 1000) * 1000000;
			if (ts.tv_nsec >= 1000000000) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000;
			}
			pthread_cond_timedwait(&r->cv, &r->mtx, &ts);
		}
		seen = r->bg_gen;
		if (r->bg_stop) {
			pthread_mutex_unlock(&r->mtx);
			break;
		}
		pthread_mutex_unlock(&r->mtx);
	}
	if (b->ex.ops->stop)
		b->ex.ops->stop(&b->ex);
	store_close(st);
	return NULL;
}

static void
bg_wake(struct run *r)
{
	pthread_mutex_lock(&r->mtx);
	r->bg_gen++;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mtx);
}

static void
bg_start(struct run *r)
{
	size_t i;

	r->bg_stop = 0;
	for (i = 0; i < RUN_NBG; i++) {
		struct bg_exec *b = &r->bg[i];

		executor_init(&b->ex, bg_ops[i], r->cfg);
		b->run = r;
		b->started = pthread_create(&b->th, NULL, bg_main, b) == 0;
		if (!b->started)
			log_warn("%s: cannot start thread", bg_ops[i]->name);
	}
}

static void
bg_stop_all(struct run *r)
{
	size_t i;

	for (i = 0; i < RUN_NBG; i++)
		__atomic_store_n(&r->bg[i].ex.stopping, 1, __ATOMIC_RELEASE);
	pthread_mutex_lock(&r->mtx);
	r->bg_stop = 1;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mtx);
	for (i = 0; i < RUN_NBG; i++) {
		if (r->bg[i].started)
			pthread_join(r->bg[i].th, NULL);
		r->bg[i].started = 0;
		executor_fini(&r->bg[i].ex);
	}
}

/* ------------------------------------------------------------- inputs */

static void
input_try_open(struct run *r, struct run_input *ri)
{
	struct input *in = ri->in;
	struct err e = { 0 };

	in->bookmark[0] = '\0';
	if (store_bookmark_get(r->st, in->id, in->bookmark,
	    sizeof(in->bookmark), &e) < 0) {
		log_warnx("input %s: %s", in->id, e.msg);
		in->bookmark[0] = '\0';
	}
	err_clear(&e);
	if (in->ops->open(in, &e) < 0) {
		log_warnx("input %s: %s; retrying in %d s", in->id, e.msg,
		    RUN_RETRY_SEC);
		ri->retry_at = monotime_ms() + RUN_RETRY_SEC * 1000;
		return;
	}
	ri->open = 1;
	ri->idle = 0;
	log_info("input %s: opened%s%s", in->id, in->bookmark[0] ?
	    " at " : "", in->bookmark);
}

static void
inputs_open(struct run *r)
{
	size_t i;

	r->ninputs = r->cfg->inputs ? r->cfg->inputs->n : 0;
	r->inputs = xcalloc(r->ninputs + 1, sizeof(*r->inputs));
	for (i = 0; i < r->ninputs; i++) {
		r->inputs[i].in = r->cfg->inputs->v[i];
		r->inputs[i].in->follow = !r->once;
		input_try_open(r, &r->inputs[i]);
	}
}

static void
inputs_close(struct run *r)
{
	size_t i;

	for (i = 0; i < r->ninputs; i++)
		if (r->inputs[i].open) {
			r->inputs[i].in->ops->close(r->inputs[i].in);
			r->inputs[i].open = 0;
		}
	free(r->inputs);
	r->inputs = NULL;
	r->ninputs = 0;
}

/* ----------------------------------------------------------- status */

/*
 * Copies input positions and store counts into r->status, at most once a
 * second unless force (a `redress status` client is waiting).
 */
static void
run_status(struct run *r, int force)
{
	int64_t now = monotime_ms();
	size_t i;

	if (!force && now - r->status_at < 1000)
		return;
	r->status_at = now;
	r->status.ninputs = 0;
	for (i = 0; i < r->ninputs && i < STATUS_MAX_INPUTS; i++) {
		struct input *in = r->inputs[i].in;

		if (r->inputs[i].open && in->ops->stat)
			in->ops->stat(in);
		status_set_input(&r->status, i, in, r->inputs[i].open);
	}
	status_update(&r->status, r->cfg, r->st, force);
}

/* ---------------------------------------------------------- commits */

/*
 * Commits the open transaction: the bookmarks of inputs that produced
 * alerts, together with the decisions those alerts caused. Then runs the
 * containment executor at once and wakes the background executors.
 */
static int
run_commit(struct run *r)
{
	struct err e = { 0 };
	size_t i;

	if (!store_in_txn(r->st))
		return 0;
	if (r->pol != NULL && policy_checkpoint(r->pol, &e) < 0)
		goto fail;
	for (i = 0; i < r->ninputs; i++) {
		struct run_input *ri = &r->inputs[i];

		if (!ri->dirty)
			continue;
		ri->in->ops->bookmark(ri->in);
		if (ri->in->bookmark[0] && store_bookmark_put(r->st,
		    ri->in->id, ri->in->bookmark, &e) < 0)
			goto fail;
		ri->dirty = 0;
		ri->ack = 1;
	}
	if (store_commit(r->st, &e) < 0)
		goto fail;
	r->pending = 0;
	for (i = 0; i < r->ninputs; i++)
		if (r->inputs[i].ack) {
			r->inputs[i].ack = 0;
			if (r->inputs[i].in->ops->committed)
				r->inputs[i].in->ops->committed(
				    r->inputs[i].in);
		}
	r->urgent = 0;
	r->contain_at = 0;
	if (r->contain_ok) {
		err_clear(&e);
		if (r->contain.ops->run(&r->contain, r->st, store_now_usec(),
		    &e) < 0)
			log_warnx("containment: %s", e.msg);
	}
	bg_wake(r);
	return 0;
fail:
	/*
	 * The batch is lost from the store but not from the input: the
	 * bookmarks were not advanced, so the alerts are read again after a
	 * restart. Stop rather than run on with diverging state.
	 */
	log_warnx("store: commit failed: %s", e.msg);
	store_rollback(r->st);
	return -1;
}

static int
run_begin(struct run *r)
{
	struct err e = { 0 };

	if (store_in_txn(r->st))
		return 0;
	if (store_begin(r->st, &e) < 0) {
		log_warnx("%s", e.msg);
		return -1;
	}
	r->txn_started = monotime_ms();
	return 0;
}

/* Reads what one input has now, up to the batch size. */
static int
run_drain(struct run *r, struct run_input *ri)
{
	struct input *in = ri->in;
	struct alert al;
	struct err e;
	long long batch = r->cfg->general.commit_batch;
	uint64_t contains = policy_contains(r->pol);
	int64_t start = r->ninputs > 1 ? monotime_ms() : 0;
	int n = 0, rc;

	/*
	 * A contain decision is committed (and executed) within
	 * RUN_CONTAIN_MS however far behind the inputs are, and no
	 * transaction stays open past commit_interval while reading: a
	 * backlog's batch does not hold a block back.
	 */
	while (r->pending < (uint64_t)batch && !r->urgent) {
		int64_t now;

		if ((n & 31) == 31 && r->pending) {
			now = monotime_ms();
			if (now - r->txn_started >=
			    r->cfg->general.commit_interval_ms ||
			    (r->contain_at && now - r->contain_at >=
			    RUN_CONTAIN_MS)) {
				r->urgent = 1;
				break;
			}
			/* The other inputs' turn (their alerts may be the
			 * urgent ones). */
			if (start && now - start >= RUN_SLICE_MS)
				return n;
		}
		err_clear(&e);
		rc = in->ops->next(in, &al, &e);
		if (rc == 0) {
			ri->idle = 1;
			return n;
		}
		ri->idle = 0;
		if (rc == -1) {
			log_warnx("input %s: %s", in->id, e.msg);
			continue;
		}
		if (rc == -2) {
			log_warnx("input %s: %s; reopening in %d s", in->id,
			    e.msg, RUN_RETRY_SEC);
			in->ops->close(in);
			ri->open = 0;
			ri->retry_at = monotime_ms() + RUN_RETRY_SEC * 1000;
			return n;
		}
		if (run_begin(r) < 0)
			return -1;
		err_clear(&e);
		if (policy_feed(r->pol, &al, NULL, &e) < 0)
			log_warnx("policy: %s:%llu: %s", al.file,
			    (unsigned long long)(al.line ? al.line :
			    al.offset), e.msg);
		ri->dirty = 1;
		r->pending++;
		n++;
		if (policy_contains(r->pol) != contains && !r->contain_at)
			r->contain_at = monotime_ms();
	}
	return n;
}

/* Has every open input said it has nothing more for now? */
static int
run_caught_up(const struct run *r)
{
	size_t i;

	for (i = 0; i < r->ninputs; i++)
		if (r->inputs[i].open && !r->inputs[i].idle)
			return 0;
	return 1;
}

/*
 * Closes idle incidents on the event clock, as replay does: a backlog
 * read at any speed makes replay's incidents. Caught up, the clock goes
 * on with wall time, so a quiet sensor's incidents still close.
 */
static int
run_flush_policy(struct run *r, int final)
{
	struct err e = { 0 };

	if (run_begin(r) < 0)
		return -1;
	if (!final && run_caught_up(r))
		policy_clock_idle(r->pol, store_now_usec());
	if (policy_flush(r->pol, policy_clock(r->pol), final, NULL, &e) < 0)
		log_warnx("policy: %s", e.msg);
	r->last_flush = monotime_ms();
	return 0;
}

/* ------------------------------------------------------ start and stop */

static int
run_start(struct run *r)
{
	struct err e = { 0 };
	char path[1024];

	if (r->st == NULL && store_open(r->cfg->general.database, &r->st,
	    &e) < 0) {
		log_warnx("%s", e.msg);
		return -1;
	}
	/*
	 * A bigger page cache for the daemon's connection: every commit
	 * touches the state and incident B-trees, which the default 2 MB
	 * read back from the file again and again.
	 */
	if (store_exec(r->st, "PRAGMA cache_size=-" RUN_CACHE_KB, &e) < 0)
		log_warnx("%s", e.msg);
	err_clear(&e);
	r->pol = policy_new(r->cfg, r->st, &e);
	if (r->pol == NULL) {
		log_warnx("policy: %s", e.msg);
		return -1;
	}
	/* Each commit saves the threshold state its alerts changed. */
	policy_save_changes(r->pol, 1);
	inputs_open(r);
	executor_init(&r->contain, &executor_containment, r->cfg);
	err_clear(&e);
	if (executor_containment.start(&r->contain, r->st, &e) < 0)
		log_warnx("containment: not started: %s", e.msg);
	else
		r->contain_ok = 1;
	if (!r->once) {
		snprintf(path, sizeof(path), "%s/control.sock",
		    r->cfg->general.state_dir);
		err_clear(&e);
		r->ctl = control_open(path, &e);
		if (r->ctl == NULL)
			log_warnx("control: %s: %s", path, e.msg);
		err_clear(&e);
		r->met = metrics_open(r->cfg, &e);
		if (r->met == NULL && e.set)
			log_warnx("metrics: %s", e.msg);
		else if (r->met != NULL)
			log_info("metrics: listening on %s",
			    r->cfg->metrics->listen);
		bg_start(r);
	}
	return 0;
}

static void
run_stop(struct run *r)
{
	if (!r->once)
		bg_stop_all(r);
	if (r->contain_ok && r->contain.ops->stop)
		r->contain.ops->stop(&r->contain);
	r->contain_ok = 0;
	executor_fini(&r->contain);
	inputs_close(r);
	policy_free(r->pol);
	r->pol = NULL;
	control_close(r->ctl);
	r->ctl = NULL;
	metrics_close(r->met);
	r->met = NULL;
}

static int
streq_null(const char *a, const char *b)
{
	return (a == NULL || b == NULL) ? a == b : strcmp(a, b) == 0;
}

static void
run_reload(struct run *r)
{
	struct config *ncfg;
	struct diag d;
	struct err re = { 0 };
	char line[2048];
	size_t i;

	diag_init(&d);
	ncfg = config_load(r->cli->config_path, &d);
	/* The reporter would not start without its key: refuse it here. */
	if (ncfg != NULL && conf_check_key(ncfg, &d) < 0) {
		config_free(ncfg);
		ncfg = NULL;
	}
	for (i = 0; i < d.n; i++) {
		diag_format(&d, i, line, sizeof(line));
		log_warnx("reload: %s", line);
	}
	diag_clear(&d);
	if (ncfg == NULL) {
		log_warnx("reload: %s has errors; keeping the running "
		    "configuration", r->cli->config_path);
		return;
	}
	if (reload_check(ncfg, &re) < 0) {
		log_warnx("reload: %s: %s; keeping the running configuration "
		    "and backends", r->cli->config_path, re.msg);
		config_free(ncfg);
		return;
	}
	if (strcmp(ncfg->general.database, r->cfg->general.database) != 0)
		log_warnx("reload: general.database changed; it takes effect "
		    "at the next restart");
	if (!streq_null(ncfg->general.user, r->cfg->general.user) ||
	    !streq_null(ncfg->general.group, r->cfg->general.group) ||
	    strcmp(ncfg->general.state_dir, r->cfg->general.state_dir) != 0)
		log_warnx("reload: general.user, group and state_dir changes "
		    "take effect at the next restart");
	if (!r->cli->verbose && !r->cli->quiet && ncfg->general.log_level) {
		enum log_level l;

		if (log_level_parse(ncfg->general.log_level, &l) == 0)
			log_set_level(l);
	}
	run_commit(r);
	run_stop(r);
	free(ncfg->general.database);
	ncfg->general.database = xstrdup(r->cfg->general.database);
	free(ncfg->general.state_dir);
	ncfg->general.state_dir = xstrdup(r->cfg->general.state_dir);
	config_free(r->cfg);
	r->cfg = r->cli->cfg = ncfg;
	log_reopen();
	if (run_start(r) < 0)
		fatalx("reload: cannot start with the new configuration");
	log_info("reload: configuration %s loaded", r->cli->config_path);
}

/* ---------------------------------------------------------- pid file */

/* Opens and locks the pid file (before dropping root and daemon()). */
static int
pidfile_open(const char *path)
{
	char buf[32];
	int fd, n;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0) {
		log_warn("pid file %s", path);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		n = (int)read(fd, buf, sizeof(buf) - 1);
		buf[n > 0 ? n : 0] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		log_warnx("pid file %s: locked by a running redress (pid %s)",
		    path, buf);
		close(fd);
		return -1;
	}
	return fd;
}

/* Writes our pid (after daemon()) into the locked pid file. */
static int
pidfile_write(int fd, const char *path)
{
	char buf[32];
	int n;

	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || write(fd, buf, (size_t)n) != n) {
		log_warn("pid file %s", path);
		close(fd);
		return -1;
	}
	return fd;	/* kept open: the lock lives as long as we do */
}

/* ---------------------------------------------------------- the loop */

/*
 * While --once runs the executors in the main thread, a second thread
 * reads the signals: SIGTERM or SIGINT makes each executor return after
 * the item at hand (a lookup may still wait out its timeout).
 */
struct once_watch {
	struct run	*r;
	struct executor	*ex;
	int		 nex;
	int		 done;		/* atomic */
};

static void *
once_watch(void *arg)
{
	struct once_watch *w = arg;
	struct pollfd p = { w->r->sigfd, POLLIN, 0 };
	struct signalfd_siginfo si;
	int i;

	while (!__atomic_load_n(&w->done, __ATOMIC_ACQUIRE)) {
		if (poll(&p, 1, 100) <= 0)
			continue;
		while (read(w->r->sigfd, &si, sizeof(si)) ==
		    (ssize_t)sizeof(si)) {
			if (si.ssi_signo != SIGTERM && si.ssi_signo != SIGINT)
				continue;
			log_info("signal %d: stopping", si.ssi_signo);
			__atomic_store_n(&w->r->signalled, 1, __ATOMIC_RELEASE);
			__atomic_store_n(&w->r->contain.stopping, 1,
			    __ATOMIC_RELEASE);
			for (i = 0; i < w->nex; i++)
				__atomic_store_n(&w->ex[i].stopping, 1,
				    __ATOMIC_RELEASE);
		}
	}
	return NULL;
}

static int
run_once_executors(struct run *r)
{
	struct executor ex[RUN_NBG];
	struct store *st = r->st;
	struct err e;
	struct once_watch watch = { 0 };
	pthread_t wt;
	int round, i, total, started[RUN_NBG] = { 0 }, watching;

	for (i = 0; i < RUN_NBG; i++) {
		executor_init(&ex[i], bg_ops[i], r->cfg);
		err_clear(&e);
		if (bg_ops[i]->start(&ex[i], st, &e) < 0)
			log_warnx("%s: not started: %s", bg_ops[i]->name, e.msg);
		else
			started[i] = 1;
	}
	watch.r = r;
	watch.ex = ex;
	watch.nex = RUN_NBG;
	watching = pthread_create(&wt, NULL, once_watch, &watch) == 0;
	for (round = 0; round < 50; round++) {
		if (__atomic_load_n(&r->signalled, __ATOMIC_ACQUIRE))
			break;
		total = 0;
		if (r->contain_ok) {
			err_clear(&e);
			i = r->contain.ops->run(&r->contain, st,
			    store_now_usec(), &e);
			if (i < 0)
				log_warnx("containment: %s", e.msg);
			else
				total += i;
		}
		for (i = 0; i < RUN_NBG; i++) {
			int n;

			if (!started[i])
				continue;
			err_clear(&e);
			n = bg_ops[i]->run(&ex[i], st, store_now_usec(), &e);
			if (n < 0)
				log_warnx("%s: %s", bg_ops[i]->name, e.msg);
			else
				total += n;
		}
		if (total == 0)
			break;
	}
	if (watching) {
		__atomic_store_n(&watch.done, 1, __ATOMIC_RELEASE);
		pthread_join(wt, NULL);
	}
	for (i = 0; i < RUN_NBG; i++) {
		if (started[i] && bg_ops[i]->stop)
			bg_ops[i]->stop(&ex[i]);
		executor_fini(&ex[i]);
	}
	return 0;
}

static int
run_loop(struct run *r)
{
	struct pollfd pfd[RUN_MAX_FDS];
	struct run_input *map[RUN_MAX_FDS];
	int stop = 0;

	while (!stop) {
		int64_t now = monotime_ms(), timeout = 100;
		int nfd = 0, n, all_idle = 1, any_open = 0;
		size_t i;

		pfd[nfd].fd = r->sigfd;
		pfd[nfd].events = POLLIN;
		map[nfd++] = NULL;
		if (r->ctl) {
			pfd[nfd].fd = control_fd(r->ctl);
			pfd[nfd].events = POLLIN;
			map[nfd++] = NULL;
		}
		if (r->met) {
			pfd[nfd].fd = metrics_fd(r->met);
			pfd[nfd].events = POLLIN;
			map[nfd++] = NULL;
		}
		for (i = 0; i < r->ninputs; i++) {
			struct run_input *ri = &r->inputs[i];
			int fd;

			if (!ri->open) {
				if (!r->once && now >= ri->retry_at)
					input_try_open(r, ri);
				if (!ri->open)
					continue;
			}
			any_open = 1;
			if (!ri->idle)
				all_idle = 0;
			fd = ri->in->ops->fd(ri->in);
			if (fd >= 0 && nfd < RUN_MAX_FDS) {
				pfd[nfd].fd = fd;
				pfd[nfd].events = POLLIN;
				map[nfd++] = ri;
			}
		}
		if (!all_idle)
			timeout = 0;
		if (r->pending) {
			int64_t left = r->txn_started +
			    r->cfg->general.commit_interval_ms - now;

			if (left < timeout)
				timeout = left < 0 ? 0 : left;
		}
		if (r->once && all_idle && r->pending == 0)
			break;
		n = poll(pfd, (nfds_t)nfd, (int)timeout);
		if (n < 0 && errno != EINTR)
			fatal("poll");
		if (n > 0 && (pfd[0].revents & POLLIN)) {
			struct signalfd_siginfo si;

			while (read(r->sigfd, &si, sizeof(si)) ==
			    (ssize_t)sizeof(si)) {
				if (si.ssi_signo == SIGHUP) {
					log_info("SIGHUP: reloading");
					run_reload(r);
					goto next;
				}
				log_info("signal %d: stopping", si.ssi_signo);
				__atomic_store_n(&r->signalled, 1,
				    __ATOMIC_RELEASE);
				stop = 1;
			}
		}
		for (i = 1; i < (size_t)nfd; i++) {
			if (!(pfd[i].revents & (POLLIN | POLLHUP)))
				continue;
			if (r->ctl && pfd[i].fd == control_fd(r->ctl)) {
				run_status(r, 1);
				control_handle(r->ctl, &r->status);
			} else if (r->met && pfd[i].fd == metrics_fd(r->met)) {
				run_status(r, 1);
				metrics_handle(r->met, &r->status);
			}
			else if (map[i])
				map[i]->idle = 0;
		}
		/* Drain every open input (fd-less ones are polled by time). */
		for (i = 0; i < r->ninputs && !stop; i++) {
			struct run_input *ri = &r->inputs[i];

			if (!ri->open)
				continue;
			/* Idle inputs with a descriptor wait for poll; the
			 * others are read on every pass (at most each 100 ms). */
			if (ri->idle && ri->in->ops->fd(ri->in) >= 0 &&
			    !ri->in->poll_too && !r->once)
				continue;
			n = run_drain(r, ri);
			if (n < 0)
				return 1;
			status_count_alerts(&r->status, (uint64_t)n,
			    store_now_usec());
			if ((r->pending >= (uint64_t)r->cfg->general.commit_batch
			    || r->urgent) && run_commit(r) < 0)
				return 1;
		}
		now = monotime_ms();
		if (r->pending && (now - r->txn_started >=
		    r->cfg->general.commit_interval_ms || all_idle)) {
			if (run_commit(r) < 0)
				return 1;
		}
		if (!r->once && now - r->last_flush >= RUN_FLUSH_MS) {
			run_flush_policy(r, 0);
			if (run_commit(r) < 0)
				return 1;
		}
		run_status(r, 0);
		(void)any_open;
next:
		;
	}
	if (r->once) {
		run_flush_policy(r, 1);
	}
	if (run_commit(r) < 0)
		return 1;
	/* Stopped by a signal: the executors' work waits for the next run. */
	if (r->once && !__atomic_load_n(&r->signalled, __ATOMIC_ACQUIRE))
		run_once_executors(r);
	return 0;
}

/* A capture responder reads packets: it needs CAP_NET_RAW after the drop. */
static int
needs_net_raw(const struct config *cfg)
{
	size_t i;

	if (cfg->responders == NULL || cfg->general.dry_run)
		return 0;
	for (i = 0; i < cfg->responders->n; i++)
		if (cfg->responders->v[i]->ops == &resp_capture)
			return 1;
	return 0;
}

int
cmd_run(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "daemon", no_argument, NULL, 'd' },
		{ "once", no_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 },
	};
	struct run r;
	struct err e = { 0 };
	sigset_t mask;
	int ch, daemonize = 0, pidfd = -1, rc, facility = LOG_DAEMON;

	memset(&r, 0, sizeof(r));
	while ((ch = getopt_long(argc, argv, "d", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			daemonize = 1;
			break;
		case 'o':
			r.once = 1;
			break;
		default:
			return 2;
		}
	}
	if (cli_load_daemon_config(cli) < 0)
		return 1;
	r.cli = cli;
	r.cfg = cli->cfg;
	pthread_mutex_init(&r.mtx, NULL);
	pthread_cond_init(&r.cv, NULL);
	status_init(&r.status);

	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	r.sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (r.sigfd < 0)
		fatal("signalfd");

	if (mkdir(cli->cfg->general.state_dir, 0750) < 0 && errno != EEXIST) {
		cli_error("state_dir %s: %s", cli->cfg->general.state_dir,
		    strerror(errno));
		return 1;
	}
	/*
	 * Root is dropped before the store is opened (its files must belong
	 * to the user) and before any thread starts (capabilities are per
	 * thread); the pid file is locked first, as root, in /run.
	 */
	if (!r.once && cli->cfg->general.pid_file &&
	    (pidfd = pidfile_open(cli->cfg->general.pid_file)) < 0 &&
	    daemonize)
		return 1;
	if (!r.once && privdrop_apply(&cli->cfg->general,
	    needs_net_raw(cli->cfg), &e) < 0) {
		cli_error("%s", e.msg);
		return 1;
	}
	if (store_open(cli->cfg->general.database, &r.st, &e) < 0) {
		cli_error("%s", e.msg);
		return 1;
	}
	if (daemonize) {
		if (daemon(0, 0) < 0)
			fatal("daemon");
		if (strcmp(cli->cfg->general.syslog_facility, "local0") == 0)
			facility = LOG_LOCAL0;
		log_init(0, facility);
	}
	if (pidfd >= 0 && pidfile_write(pidfd, cli->cfg->general.pid_file) <
	    0) {
		close(pidfd);
		pidfd = -1;
		if (daemonize)
			return 1;
	}
	if (run_start(&r) < 0) {
		run_stop(&r);
		store_close(r.st);
		return 1;
	}
	run_status(&r, 1);
	log_info("running: %zu input%s%s", r.ninputs, r.ninputs == 1 ? "" : "s",
	    r.once ? ", once" : "");
	rc = run_loop(&r);
	run_stop(&r);
	store_close(r.st);
	if (pidfd >= 0) {
		unlink(cli->cfg->general.pid_file);
		close(pidfd);
	}
	close(r.sigfd);
	log_info("stopped");
	return rc;
}
