/* SPDX-License-Identifier: MIT */
/*
 * Resolver bench: whois and RDAP parser throughput over the recorded
 * answers in a directory (answers/s and MB/s), and contact cache lookups
 * per second with 10,000 cached /24 ranges in an on-disk store.
 * Usage: resolve_bench [DATA_DIR (default tests/data/resolve)] [WORKDIR]
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "contact.h"
#include "log.h"
#include "rdap_parse.h"
#include "store.h"
#include "whois_parse.h"
#include "xmalloc.h"

struct file {
	char	*buf;
	size_t	 len;
};

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t
load(const char *dir, struct file **out)
{
	DIR		*d;
	struct dirent	*de;
	struct file	*v = NULL;
	size_t		 n = 0;

	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		char	*p;
		FILE	*f;

		if (de->d_name[0] == '.')
			continue;
		p = xasprintf("%s/%s", dir, de->d_name);
		if ((f = fopen(p, "rb")) != NULL) {
			v = xreallocarray(v, n + 1, sizeof(*v));
			v[n].buf = xmalloc(1 << 20);
			v[n].len = fread(v[n].buf, 1, 1 << 20, f);
			fclose(f);
			n++;
		}
		free(p);
	}
	closedir(d);
	*out = v;
	return n;
}

static void
bench_parse(const char *dir, int rdap)
{
	struct file	*v;
	size_t		 n = load(dir, &v), i, bytes = 0, answers = 0;
	double		 t0 = now_s(), t;

	if (n == 0) {
		printf("%s: no files in %s\n", rdap ? "rdap" : "whois", dir);
		return;
	}
	do {
		for (i = 0; i < n; i++) {
			if (rdap) {
				struct rdap_result	r;
				struct err		e = { "", 0 };

				if (rdap_parse_ip(v[i].buf, v[i].len, &r,
				    &e) == 0)
					rdap_result_clear(&r);
			} else {
				struct whois_result r;

				whois_parse(v[i].buf, v[i].len, &r);
				whois_result_clear(&r);
			}
			bytes += v[i].len;
			answers++;
		}
		t = now_s() - t0;
	} while (t < 1.0);
	printf("%s parse: %.0f answers/s, %.1f MB/s (%zu files)\n",
	    rdap ? "rdap" : "whois", (double)answers / t,
	    (double)bytes / t / 1e6, n);
	for (i = 0; i < n; i++)
		free(v[i].buf);
	free(v);
}

static void
bench_cache(const char *work)
{
	struct store	*st;
	struct err	 e = { "", 0 };
	struct contact	 c;
	struct addr	 lo, hi, a;
	char		*path, range[64], as[32];
	int		 i, hits = 0, n = 200000;
	double		 t0, t;

	path = xasprintf("%s/resolve_bench.db", work);
	unlink(path);
	if (store_open(path, &st, &e) == -1) {
		printf("cache: %s\n", e.msg);
		free(path);
		return;
	}
	memset(&c, 0, sizeof(c));
	contact_add(&c, "abuse@isp.example.net", "abuse", "bench", 0);
	c.expires_usec = store_now_usec() + 3600000000LL;
	store_begin(st, &e);
	for (i = 0; i < 10000; i++) {
		snprintf(range, sizeof(range), "%d.%d.%d.0/24", 1 + i / 65536,
		    (i / 256) % 256, i % 256);
		contact_range_parse(range, &lo, &hi);
		store_contact_save(st, &lo, &hi, &c, &e);
	}
	store_commit(st, &e);
	contact_clear(&c);
	srand(1);
	t0 = now_s();
	for (i = 0; i < n; i++) {
		int k = rand() % 20000;	/* half of them miss */

		snprintf(as, sizeof(as), "%d.%d.%d.%d", 1 + k / 65536,
		    (k / 256) % 256, k % 256, rand() % 256);
		addr_parse(as, &a);
		if (store_contact_lookup(st, &a, &c, &e) == 1)
			hits++;
		contact_clear(&c);
	}
	t = now_s() - t0;
	printf("cache lookup: %.0f lookups/s over 10000 cached /24 ranges "
	    "(%d%% hits)\n", (double)n / t, hits * 100 / n);
	store_close(st);
	unlink(path);
	free(path);
}

int
main(int argc, char **argv)
{
	const char	*data = argc > 1 ? argv[1] : "tests/data/resolve";
	const char	*work = argc > 2 ? argv[2] : "/tmp";
	char		*d;

	log_set_level(LOG_LEVEL_ERROR);
	d = xasprintf("%s/whois", data);
	bench_parse(d, 0);
	free(d);
	d = xasprintf("%s/rdap", data);
	bench_parse(d, 1);
	free(d);
	bench_cache(work);
	return 0;
}
