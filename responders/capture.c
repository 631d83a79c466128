/* SPDX-License-Identifier: MIT */
/*
 * The capture responder: when an incident is contained, records the
 * attacker's traffic on one interface into incident-<id>.pcap, kept with
 * the incident's evidence, through libdaq (the acquisition library Snort
 * uses, pcap or afpacket module). Each capture runs in a thread of its own,
 * bounded by time and packet count, writes a temp file and renames it when
 * complete. Nothing to revert: captures end by themselves.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <daq.h>
#include <pcap/pcap.h>

#include "capture.h"
#include "monotime.h"
#include "xmalloc.h"

/* DAQ read timeout and deadline tick: how late a capture may stop. */
#define CAPTURE_READ_MS		100
#define CAPTURE_DEF_STATE	"/var/lib/redress"

#if defined(__x86_64__)
#define CAPTURE_MULTIARCH	"x86_64-linux-gnu"
#elif defined(__aarch64__)
#define CAPTURE_MULTIARCH	"aarch64-linux-gnu"
#elif defined(__i386__)
#define CAPTURE_MULTIARCH	"i386-linux-gnu"
#elif defined(__arm__)
#define CAPTURE_MULTIARCH	"arm-linux-gnueabihf"
#else
#define CAPTURE_MULTIARCH	"."
#endif
#define CAPTURE_MODULE_DIR	"/usr/lib/" CAPTURE_MULTIARCH "/daq"

enum { CAP_PCAP, CAP_AFPACKET };
static const char *const cap_modules[] = { "pcap", "afpacket", NULL };

struct capture_conf {
	struct resp_common	 common;	/* type, name */
	char			*interface;
	int			 module;
	int64_t			 seconds;
	long long		 packets, snaplen, max_concurrent;
	char			*dir;
	char			*module_dir;
	int			 promisc;
};

#define C(f)	offsetof(struct capture_conf, f)
static const struct conf_field capture_fields[] = {
	RESP_COMMON_FIELDS(struct capture_conf),
	{ "interface", CK_STRING, C(interface), NULL, 0, 0, NULL, 1 },
	{ "module", CK_ENUM, C(module), "pcap", 0, 0, cap_modules, 0 },
	{ "seconds", CK_SECONDS, C(seconds), "60", 1, 86400, NULL, 0 },
	{ "packets", CK_INT, C(packets), "1000", 1, 10000000, NULL, 0 },
	{ "snaplen", CK_INT, C(snaplen), "65535", 64, 262144, NULL, 0 },
	{ "max_concurrent", CK_INT, C(max_concurrent), "4", 1, 64, NULL,
	    0 },
	{ "dir", CK_PATH, C(dir), NULL, 0, 200, NULL, 0 },
	{ "module_dir", CK_PATH, C(module_dir), CAPTURE_MODULE_DIR, 0, 0,
	    NULL, 0 },
	{ "promisc", CK_BOOL, C(promisc), "true", 0, 0, NULL, 0 },
	{ NULL, 0, 0, NULL, 0, 0, NULL, 0 },
};
#undef C

struct capture;

struct cap_job {
	struct capture		*cap;
	pthread_t		 th;
	void			*h;		/* DAQ instance */
	pcap_t			*dead;
	pcap_dumper_t		*dump;
	char			*tmp, *path;
	int64_t			 incident;
	long long		 max_pkts, got;
	long			 deadline_ms;
	atomic_int		 stop;
	int			 done;		/* under cap->lk */
	struct cap_job		*next;
};

struct capture {
	struct capture_conf	 c;
	char			*dir;	/* where pcaps go */
	const DAQ_Module_t	*mod;
	pthread_mutex_t		 lk;
	pthread_cond_t		 cv;
	pthread_t		 ticker;
	int			 opened, quit;
	int			 running;
	struct cap_job		*jobs;
};

/* daq_load_modules and BPF compilation keep global state. */
static pthread_mutex_t	daq_lk = PTHREAD_MUTEX_INITIALIZER;
static char		*daq_loaded;	/* module_dir loaded last */

/* general.state_dir of the document the responder's mapping is in. */
static const char *
capture_state_dir(const struct conf_node *n)
{
	const struct conf_node *g, *s;

	if (n == NULL)
		return CAPTURE_DEF_STATE;
	while (n->parent != NULL)
		n = n->parent;
	if ((g = conf_get(n, "general")) != NULL &&
	    (s = conf_get(g, "state_dir")) != NULL &&
	    s->type == CONF_SCALAR && s->value[0] != '\0')
		return s->value;
	return CAPTURE_DEF_STATE;
}

static size_t
capture_configure(struct responder *r, const struct conf_node *n,
    struct diag *d)
{
	struct capture	*p = r->priv;
	size_t		 errs;

	errs = conf_apply(n, capture_fields, &p->c, d);
	if (p->c.interface != NULL && (p->c.interface[0] == '\0' ||
	    p->c.interface[0] == '-' || strlen(p->c.interface) >= 64)) {
		conf_error(d, conf_get(n, "interface"), "not an interface "
		    "name");
		errs++;
	}
	free(p->dir);
	p->dir = p->c.dir != NULL ? xstrdup(p->c.dir) :
	    xasprintf("%s/captures", capture_state_dir(n));
	return errs;
}

static void
capture_release(struct responder *r)
{
	struct capture *p = r->priv;

	conf_release(capture_fields, &p->c);
	free(p->dir);
	p->dir = NULL;
}

/* mkdir -p with mode 0750 for what it creates. */
static int
capture_mkdirs(const char *path, struct err *e)
{
	char	buf[256], *s;

	if (strlcpy_r(buf, path, sizeof(buf)) >= sizeof(buf))
		return err_set(e, "capture: %s: path too long", path);
	for (s = buf + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		if (s[-1] != '/') {
			char c = *s;

			*s = '\0';
			if (mkdir(buf, 0750) == -1 && errno != EEXIST)
				return err_set(e, "capture: %s: %s", buf,
				    strerror(errno));
			*s = c;
		}
		if (*s == '\0')
			return 0;
	}
}

/*
 * Enforces every capture's deadline: a DAQ read may block without a
 * timeout (the pcap module uses libpcap's immediate mode), so once a
 * capture is past its time or asked to stop, daq_breakloop() wakes it.
 */
static void *
capture_tick(void *arg)
{
	struct capture	*p = arg;
	struct cap_job	*j;
	struct timespec	 ts;
	long		 now;

	pthread_mutex_lock(&p->lk);
	while (!p->quit) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += CAPTURE_READ_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&p->cv, &p->lk, &ts);
		now = monotime_ms();
		for (j = p->jobs; j != NULL; j = j->next)
			if (j->h != NULL && (now >= j->deadline_ms ||
			    atomic_load(&j->stop)))
				daq_breakloop(p->mod, j->h);
	}
	pthread_mutex_unlock(&p->lk);
	return NULL;
}

static int
capture_open(struct responder *r, struct err *e)
{
	struct capture	*p = r->priv;
	const char	*dirs[] = { p->c.module_dir, NULL };
	const char	*mname = cap_modules[p->c.module];
	struct stat	 sb;

	if (r->dry_run)
		return 0;
	if (capture_mkdirs(p->dir, e) == -1)
		return -1;
	/* libdaq prints about a missing directory: look first. */
	if (stat(p->c.module_dir, &sb) == -1 || !S_ISDIR(sb.st_mode))
		return err_set(e, "capture: DAQ module_dir %s: not a "
		    "directory", p->c.module_dir);
	pthread_mutex_lock(&daq_lk);
	daq_set_verbosity(0);
	if ((p->mod = daq_find_module(mname)) == NULL &&
	    (daq_loaded == NULL || strcmp(daq_loaded, p->c.module_dir) != 0) &&
	    daq_load_modules(dirs) == DAQ_SUCCESS) {
		free(daq_loaded);
		daq_loaded = xstrdup(p->c.module_dir);
		p->mod = daq_find_module(mname);
	}
	pthread_mutex_unlock(&daq_lk);
	if (p->mod == NULL)
		return err_set(e, "capture: no DAQ module \"%s\" in %s", mname,
		    p->c.module_dir);
	if (!(daq_get_type(p->mod) & DAQ_TYPE_INTF_CAPABLE))
		return err_set(e, "capture: DAQ module %s cannot open "
		    "interfaces", mname);
	if (!p->opened) {
		pthread_mutex_init(&p->lk, NULL);
		pthread_cond_init(&p->cv, NULL);
		p->quit = 0;
		if ((errno = pthread_create(&p->ticker, NULL, capture_tick,
		    p)) != 0) {
			pthread_cond_destroy(&p->cv);
			pthread_mutex_destroy(&p->lk);
			return err_set(e, "capture: thread: %s",
			    strerror(errno));
		}
		p->opened = 1;
	}
	return 0;
}

/* "host ADDR" or "net NET/LEN": the BPF filter and its words. */
static void
capture_filter(const struct cidr *net, char *buf, size_t len)
{
	char	a[CIDR_STRLEN];

	if (net->len == addr_maxlen(&net->net))
		snprintf(buf, len, "host %s", addr_format(&net->net, a,
		    sizeof(a)));
	else
		snprintf(buf, len, "net %s", cidr_format(net, a, sizeof(a)));
}

/* Final file name: incident-<id>.pcap, or for a block by hand (id 0) one
 * named by address and time. */
static char *
capture_path(struct capture *p, const struct resp_block *b)
{
	const char	*dir = b->evidence_dir[0] != '\0' ? b->evidence_dir :
			    p->dir;
	char		 a[CIDR_STRLEN], *s;

	if (b->incident_id > 0)
		return xasprintf("%s/incident-%lld.pcap", dir,
		    (long long)b->incident_id);
	cidr_format(&b->net, a, sizeof(a));
	for (s = a; *s != '\0'; s++)
		if (*s == ':' || *s == '/')
			*s = '_';
	return xasprintf("%s/capture-%s-%lld.pcap", dir, a,
	    (long long)time(NULL));
}

static DAQ_Verdict
capture_packet(void *arg, const DAQ_PktHdr_t *h, const uint8_t *data)
{
	struct cap_job		*j = arg;
	struct pcap_pkthdr	 ph;

	if (j->got >= j->max_pkts)
		return DAQ_VERDICT_PASS;
	ph.ts = h->ts;
	ph.caplen = h->caplen;
	ph.len = h->pktlen;
	pcap_dump((u_char *)j->dump, &ph, data);
	j->got++;
	return DAQ_VERDICT_PASS;
}

/* Flushes, syncs and closes the dump; renames it into place if ok. */
static void
capture_finish_file(struct cap_job *j, int ok)
{
	FILE	*f;

	if (j->dump != NULL) {
		f = pcap_dump_file(j->dump);
		if (pcap_dump_flush(j->dump) == -1 || fsync(fileno(f)) == -1)
			ok = 0;
		pcap_dump_close(j->dump);
		j->dump = NULL;
	}
	if (j->dead != NULL) {
		pcap_close(j->dead);
		j->dead = NULL;
	}
	if (!ok || rename(j->tmp, j->path) == -1)
		unlink(j->tmp);
}

static void *
capture_run(void *arg)
{
	struct cap_job	*j = arg;
	struct capture	*p = j->cap;
	void		*h = j->h;

	while (!atomic_load(&j->stop) && j->got < j->max_pkts &&
	    monotime_ms() < j->deadline_ms)
		if (daq_acquire(p->mod, h, (int)(j->max_pkts - j->got),
		    capture_packet, j) != DAQ_SUCCESS)
			break;
	/* close() may call daq_breakloop(j->h) under the lock. */
	pthread_mutex_lock(&p->lk);
	j->h = NULL;
	pthread_mutex_unlock(&p->lk);
	daq_stop(p->mod, h);
	daq_shutdown(p->mod, h);
	capture_finish_file(j, 1);
	pthread_mutex_lock(&p->lk);
	j->done = 1;
	p->running--;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->lk);
	return NULL;
}

/* Joins and frees finished jobs; caller holds p->lk. */
static void
capture_reap(struct capture *p)
{
	struct cap_job	**jp = &p->jobs, *j;

	while ((j = *jp) != NULL) {
		if (!j->done) {
			jp = &j->next;
			continue;
		}
		*jp = j->next;
		pthread_join(j->th, NULL);
		free(j->tmp);
		free(j->path);
		free(j);
	}
}

/* Opens the pcap temp file (0640, not following links) on the DLT. */
static int
capture_dump_open(struct cap_job *j, int dlt, int snaplen, struct err *e)
{
	FILE	*f;
	int	 fd;

	unlink(j->tmp);
	if ((fd = open(j->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0640)) == -1)
		return err_set(e, "capture: %s: %s", j->tmp, strerror(errno));
	if ((f = fdopen(fd, "wb")) == NULL) {
		close(fd);
		return err_set(e, "capture: %s: %s", j->tmp, strerror(errno));
	}
	if ((j->dead = pcap_open_dead(dlt, snaplen)) == NULL ||
	    (j->dump = pcap_dump_fopen(j->dead, f)) == NULL) {
		err_set(e, "capture: %s: %s", j->tmp, j->dead != NULL ?
		    pcap_geterr(j->dead) : "pcap_open_dead failed");
		fclose(f);
		return -1;
	}
	return 0;
}

/* Sets up the DAQ instance, filter and file, then starts the thread. */
static int
capture_start(struct capture *p, const struct resp_block *b, char *path,
    struct err *e)
{
	struct cap_job	*j = xcalloc(1, sizeof(*j));
	DAQ_Config_t	 dc;
	char		 filter[80], ebuf[256] = "", *slash;
	int		 rc;

	j->cap = p;
	j->path = path;
	slash = strrchr(path, '/');
	j->tmp = xasprintf("%.*s/.%s.tmp", (int)(slash - path), path,
	    slash + 1);
	j->incident = b->incident_id;
	j->max_pkts = p->c.packets;
	capture_filter(&b->net, filter, sizeof(filter));
	memset(&dc, 0, sizeof(dc));
	dc.name = p->c.interface;
	dc.snaplen = (int)p->c.snaplen;
	dc.timeout = CAPTURE_READ_MS;
	dc.mode = DAQ_MODE_PASSIVE;
	dc.flags = p->c.promisc ? DAQ_CFG_PROMISC : 0;
	if (daq_initialize(p->mod, &dc, &j->h, ebuf, sizeof(ebuf)) !=
	    DAQ_SUCCESS) {
		err_set(e, "capture: %s: %s", p->c.interface, ebuf[0] ? ebuf :
		    "DAQ initialize failed");
		j->h = NULL;
		goto fail;
	}
	pthread_mutex_lock(&daq_lk);
	rc = daq_set_filter(p->mod, j->h, filter);
	pthread_mutex_unlock(&daq_lk);
	if (rc != DAQ_SUCCESS) {
		err_set(e, "capture: filter \"%s\": %s", filter,
		    daq_get_error(p->mod, j->h));
		goto fail;
	}
	if (daq_start(p->mod, j->h) != DAQ_SUCCESS) {
		err_set(e, "capture: %s: %s", p->c.interface,
		    daq_get_error(p->mod, j->h));
		goto fail;
	}
	if (capture_dump_open(j, daq_get_datalink_type(p->mod, j->h),
	    (int)p->c.snaplen, e) == -1)
		goto fail;
	j->deadline_ms = monotime_ms() + (long)p->c.seconds * 1000L;
	j->next = p->jobs;
	p->jobs = j;
	p->running++;
	if ((rc = pthread_create(&j->th, NULL, capture_run, j)) != 0) {
		p->jobs = j->next;
		p->running--;
		err_set(e, "capture: thread: %s", strerror(rc));
		goto fail;
	}
	return 0;
fail:
	if (j->h != NULL) {
		daq_stop(p->mod, j->h);
		daq_shutdown(p->mod, j->h);
	}
	capture_finish_file(j, 0);
	free(j->tmp);
	free(j->path);
	free(j);
	return -1;
}

static int
capture_one(struct responder *r, const struct resp_block *b, struct err *e)
{
	struct capture	*p = r->priv;
	struct cap_job	*j;
	struct stat	 sb;
	char		 filter[80], *path;
	int		 rc = 0;

	capture_filter(&b->net, filter, sizeof(filter));
	path = capture_path(p, b);
	if (r->dry_run) {
		fprintf(r->dry_out, "capture: would capture %s on %s for "
		    "%llds/%lld packets into %s\n", filter, p->c.interface,
		    (long long)p->c.seconds, p->c.packets, path);
		free(path);
		return 0;
	}
	if (!p->opened || p->mod == NULL) {
		free(path);
		return err_set(e, "capture: not open");
	}
	if (b->evidence_dir[0] != '\0' &&
	    capture_mkdirs(b->evidence_dir, e) == -1) {
		free(path);
		return -1;
	}
	pthread_mutex_lock(&p->lk);
	capture_reap(p);
	for (j = p->jobs; j != NULL; j = j->next)
		if (b->incident_id > 0 && j->incident == b->incident_id)
			break;
	if (j != NULL || (b->incident_id > 0 && stat(path, &sb) == 0)) {
		/* Already captured or capturing: a refresh, not new work. */
		free(path);
	} else if (p->running >= p->c.max_concurrent) {
		rc = err_set(e, "capture: %d captures already running "
		    "(max_concurrent)", p->running);
		free(path);
	} else
		rc = capture_start(p, b, path, e);
	pthread_mutex_unlock(&p->lk);
	return rc;
}

static int
capture_apply(struct responder *r, const struct resp_block *v, size_t n,
    struct err *e)
{
	size_t	i;
	int	rc = 0;

	for (i = 0; i < n; i++)
		if (capture_one(r, &v[i], e) == -1)
			rc = -1;
	return rc;
}

static int
capture_revert(struct responder *r, const struct resp_block *v, size_t n,
    struct err *e)
{
	return 0;
}

int
capture_wait_idle(struct responder *r, int timeout_ms)
{
	struct capture	*p = r->priv;
	struct timespec	 ts;
	int		 rc = 0;

	if (!p->opened)
		return 0;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += timeout_ms / 1000;
	ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&p->lk);
	while (p->running > 0 && rc == 0)
		if (pthread_cond_timedwait(&p->cv, &p->lk, &ts) != 0)
			rc = -1;
	if (p->running == 0)
		rc = 0;
	capture_reap(p);
	pthread_mutex_unlock(&p->lk);
	return rc;
}

static void
capture_close(struct responder *r)
{
	struct capture	*p = r->priv;
	struct cap_job	*j;

	if (!p->opened)
		return;
	/* The ticker wakes each capture within one tick. */
	pthread_mutex_lock(&p->lk);
	for (j = p->jobs; j != NULL; j = j->next)
		atomic_store(&j->stop, 1);
	pthread_mutex_unlock(&p->lk);
	while (capture_wait_idle(r, 1000) == -1)
		;
	pthread_mutex_lock(&p->lk);
	p->quit = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->lk);
	pthread_join(p->ticker, NULL);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->lk);
	p->opened = 0;
}

const struct responder_ops resp_capture = {
	.name = "capture",
	.priv_size = sizeof(struct capture),
	.max_timeout_s = 0,
	.configure = capture_configure,
	.open = capture_open,
	.apply = capture_apply,
	.revert = capture_revert,
	.list = NULL,
	.close = capture_close,
	.release = capture_release,
};
