// SPDX-License-Identifier: GPL-2.0
/*
 * ipc_bench output, read by scripts/bench-report.py:
 *
 *   ROUNDS <measure> <peer> <param> <unit> <v1> ... <vn>
 *	the figure of each interleaved round, in round order (nan: failed)
 *   RESULT <measure> <peer> <param> <value> <unit>
 *	the figure: for a measurement in rounds, the median of the rounds
 *   RESULT <measure> <peer> <param> NA <why>
 *   RATIO <measure> <param> <peer> <other> <median> <min> <max> <rounds>
 *	peer / other from the rounds both measured, round by round
 *
 * then a table for people.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "ipc_bench.h"

#define MAX_RESULTS 512

struct result {
	char measure[24];
	char peer[16];
	unsigned long param;
	double value;
	char unit[8];
	double round[MAX_ROUNDS];
	int nround;
};

static struct result results[MAX_RESULTS];
static int nresults;

static struct result *store(const char *measure, const char *peer,
			    unsigned long param, double value,
			    const char *unit)
{
	struct result *r;

	if (nresults == MAX_RESULTS)
		return NULL;
	r = &results[nresults++];
	snprintf(r->measure, sizeof(r->measure), "%s", measure);
	snprintf(r->peer, sizeof(r->peer), "%s", peer);
	snprintf(r->unit, sizeof(r->unit), "%s", unit);
	r->param = param;
	r->value = value;
	r->nround = 0;
	return r;
}

/* Counts exactly, measured values to 6 digits. */
void result(const char *measure, const char *peer, unsigned long param,
	    double value, const char *unit)
{
	if (value == (uint64_t)value && value < 1e15)
		printf("RESULT %s %s %lu %.0f %s\n", measure, peer, param,
		       value, unit);
	else
		printf("RESULT %s %s %lu %.6g %s\n", measure, peer, param,
		       value, unit);
	store(measure, peer, param, value, unit);
}

void result_na(const char *measure, const char *peer, unsigned long param,
	       const char *why)
{
	printf("RESULT %s %s %lu NA %s\n", measure, peer, param, why);
}

/* The figure of a measurement in rounds: the median of the rounds. */
void result_rounds(const char *measure, const char *peer,
		   unsigned long param, const double *v, int n,
		   const char *unit)
{
	double ok[MAX_ROUNDS];
	struct result *r;
	int k = 0;

	printf("ROUNDS %s %s %lu %s", measure, peer, param, unit);
	for (int i = 0; i < n; i++) {
		printf(" %.6g", v[i]);
		if (!isnan(v[i]))
			ok[k++] = v[i];
	}
	printf("\n");
	if (!k) {
		result_na(measure, peer, param, "failed");
		return;
	}
	printf("RESULT %s %s %lu %.6g %s\n", measure, peer, param,
	       median(ok, k), unit);
	r = store(measure, peer, param, median(ok, k), unit);
	if (r) {
		memcpy(r->round, v, n * sizeof(*v));
		r->nround = n;
	}
}

static const struct result *find(const char *measure, const char *peer,
				 unsigned long param)
{
	for (int i = 0; i < nresults; i++)
		if (!strcmp(results[i].measure, measure) &&
		    !strcmp(results[i].peer, peer) && results[i].param == param)
			return &results[i];
	return NULL;
}

/*
 * a / b round by round, over the rounds both have; the median in *med,
 * the least and greatest in *lo and *hi.  Returns how many rounds.
 */
static int ratio_rounds(const struct result *a, const struct result *b,
			double *med, double *lo, double *hi)
{
	double q[MAX_ROUNDS];
	int n = 0;

	for (int i = 0; i < a->nround && i < b->nround; i++) {
		if (isnan(a->round[i]) || isnan(b->round[i]) ||
		    b->round[i] <= 0)
			continue;
		q[n++] = a->round[i] / b->round[i];
	}
	if (!n)
		return 0;
	*med = median(q, n);
	*lo = *hi = q[0];
	for (int i = 1; i < n; i++) {
		*lo = q[i] < *lo ? q[i] : *lo;
		*hi = q[i] > *hi ? q[i] : *hi;
	}
	return n;
}

static void ratio_print(const char *measure, unsigned long param,
			const char *na, const char *nb, const struct result *a,
			const struct result *b)
{
	double med, lo, hi;
	int n;

	if (!a || !b)
		return;
	n = ratio_rounds(a, b, &med, &lo, &hi);
	if (n)
		printf("RATIO %s %lu %s %s %.4g %.4g %.4g %d\n", measure,
		       param, na, nb, med, lo, hi, n);
}

static void ratio(const char *measure, unsigned long param, const char *pa,
		  const char *pb)
{
	ratio_print(measure, param, pa, pb, find(measure, pa, param),
		    find(measure, pb, param));
}

static const char *const all_peers[] = {
	"xmsg", "xmsg-call", "xmsg-stream", "pipe", "unix", "mq", "shmring",
	"shmpool",
};
#define NALL (sizeof(all_peers) / sizeof(all_peers[0]))
#define NXMSG 3

static void fmt(char *s, size_t len, const struct result *r)
{
	double v;

	if (!r) {
		snprintf(s, len, "n/a");
		return;
	}
	v = r->value;
	if (!strcmp(r->unit, "ns"))
		snprintf(s, len, "%.1f us", v / 1e3);
	else if (!strcmp(r->unit, "B/s"))
		snprintf(s, len, "%.1f MB/s", v / 1e6);
	else if (!strcmp(r->unit, "msg/s"))
		snprintf(s, len, "%.0f/s", v);
	else
		snprintf(s, len, "%.4g %s", v, r->unit);
}

static void table(const char *measure)
{
	char s[32];

	printf("\n%-12s %-9s", measure, "size");
	for (size_t j = 0; j < NALL; j++)
		printf(" %12s", all_peers[j]);
	printf("\n");
	for (size_t i = 0; i < nsizes; i++) {
		printf("%-12s %-9zu", "", sizes[i]);
		for (size_t j = 0; j < NALL; j++) {
			fmt(s, sizeof(s), find(measure, all_peers[j],
					       sizes[i]));
			printf(" %12s", s);
		}
		printf("\n");
	}
}

static const char *const fan_peers[] = {
	"xmsg-bcast", "xmsg-proxy", "shmpool", "pipe",
};

static void fanout_table(void)
{
	char s[32];

	printf("\n%-12s %-9s", "fanout 1MiB", "rx");
	for (size_t j = 0; j < 4; j++)
		printf(" %12s", fan_peers[j]);
	printf("\n");
	for (int n = 1; n <= MAX_RX; n *= 2) {
		printf("%-12s %-9d", "", n);
		for (size_t j = 0; j < 4; j++) {
			fmt(s, sizeof(s), find("fanout_median", fan_peers[j],
					       n));
			printf(" %12s", s);
		}
		printf("\n");
	}
}

static void exit_table(void)
{
	printf("\n%-12s %-9s %13s %13s\n", "cleanup", "held", "close(fd)",
	       "one by one");
	for (size_t i = 0; i < EXIT_NHELD; i++) {
		unsigned long n = exit_held(i);
		const struct result *c = find("exit_close", "xmsg", n);
		const struct result *r = find("exit_release", "xmsg", n);

		printf("%-12s %-9lu %10.3f ms %10.3f ms\n", "", n,
		       c ? c->value / 1e6 : NAN, r ? r->value / 1e6 : NAN);
	}
}

void summary(void)
{
	static const char *const m[] = { "rtt_median", "tput_msgs" };

	printf("\n# ratios peer/other: median, min, max over rounds\n");
	for (size_t i = 0; i < 2; i++)
		for (size_t s = 0; s < nsizes; s++)
			for (size_t x = 0; x < NXMSG; x++)
				for (size_t j = NXMSG; j < NALL; j++)
					ratio(m[i], sizes[s], all_peers[x],
					      all_peers[j]);
	for (int n = 1; n <= MAX_RX; n *= 2)
		for (size_t j = 0; j < 3; j++)
			ratio("fanout_median", n, fan_peers[j], "pipe");
	for (size_t i = 0; i < EXIT_NHELD; i++)
		ratio_print("exit", exit_held(i), "close", "release",
			    find("exit_close", "xmsg", exit_held(i)),
			    find("exit_release", "xmsg", exit_held(i)));
	printf("\n# table (TCG-emulated times: compare ratios only)\n");
	table("rtt_median");
	table("rtt_p99");
	table("tput_msgs");
	table("tput_bytes");
	fanout_table();
	exit_table();
	fflush(stdout);
}
