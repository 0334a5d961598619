// SPDX-License-Identifier: GPL-2.0
/*
 * ipc_bench measurement "exit": cleanup of held messages.  A child
 * process opens /dev/xmsg, takes @held messages from a pool and either
 * closes the file (the owner's cleanup releases them all) or releases
 * them one by one; the time of that close() or of that loop is the
 * figure.  The pools are created by the parent on its own file, so the
 * child's close does not also tear a pool down.  Each round measures
 * every count both ways and the count held from an 8x bigger pool, so
 * that the ratios compare figures taken side by side.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "ipc_bench.h"

#define EXIT_POOL	50000
#define EXIT_BIGPOOL	(8 * EXIT_POOL)
#define EXIT_BIGHELD	10000

static const unsigned int held_full[EXIT_NHELD] = { 1000, 10000, 50000 };
#define NHELD EXIT_NHELD

/* The @i-th count of messages held, scaled down by -e. */
unsigned long exit_held(size_t i)
{
	return held_full[i] / opt.exit_div;
}

struct exit_res {
	_Atomic uint64_t ns;
	_Atomic int err;
};

static int exit_child(const char *pname, unsigned int n, bool close_it,
		      struct exit_res *res)
{
	uint32_t pool, *h = calloc(n, sizeof(*h));
	uint64_t off, t0;
	int fd = xb_open(), r;

	if (!h || fd < 0)
		return 1;
	r = xb_pool_open(fd, pname, &pool);
	for (unsigned int i = 0; !r && i < n; i++)
		r = xb_get(fd, pool, &h[i], &off);
	if (r) {
		atomic_store(&res->err, -r);
		return 2;
	}
	t0 = now_ns();
	if (close_it) {
		close(fd);
	} else {
		for (unsigned int i = 0; !r && i < n; i++)
			r = xb_rel(fd, h[i]);
	}
	atomic_store(&res->ns, now_ns() - t0);
	return r ? 3 : 0;
}

/* One cleanup in a child: its time in ns, NAN on failure. */
static double exit_once(const char *pname, unsigned int n, bool close_it,
			struct exit_res *res)
{
	pid_t pid;

	memset(res, 0, sizeof(*res));
	pid = fork();
	if (!pid)
		_exit(exit_child(pname, n, close_it, res));
	if (reap(pid, false))
		return NAN;
	return atomic_load(&res->ns);
}

static void exit_emit(const char *measure, unsigned int n, const double *v,
		      int rounds)
{
	for (int i = 0; i < rounds; i++) {
		if (isnan(v[i])) {
			result_na(measure, "xmsg", n, "failed");
			return;
		}
	}
	result_rounds(measure, "xmsg", n, v, rounds, "ns");
}

/*
 * One round on a pool of @blocks created for it on a file of its own, so
 * that it is gone when the round ends (two at once may exceed the user's
 * max_pool_bytes): each of @n counts closed, and released one by one when
 * @rel is set.  0 or -errno.
 */
static int exit_round(const char *pname, unsigned int blocks,
		      const unsigned int *n, size_t nn, double (*c)[MAX_ROUNDS],
		      double (*rel)[MAX_ROUNDS], int k, struct exit_res *res)
{
	uint32_t pool;
	int fd = xb_open(), r;

	if (fd < 0)
		return fd;
	r = xb_pool_create(fd, pname, 64, blocks, &pool);
	if (r) {
		close(fd);
		return r;
	}
	for (size_t i = 0; i < nn; i++) {
		c[i][k] = exit_once(pname, n[i], true, res);
		if (rel)
			rel[i][k] = exit_once(pname, n[i], false, res);
	}
	xb_pool_destroy(fd, pool);
	close(fd);
	return 0;
}

#define MAX_POOL_BYTES "/sys/module/xmsg/parameters/max_pool_bytes"

/*
 * The 400,000-block pool and its metadata can exceed the default
 * max_pool_bytes of one user (64 MiB); as root, raise it for the
 * measurement and give back the old value after (*old: 0 if unchanged).
 */
static void pool_limit_raise(unsigned long *old)
{
	FILE *f = fopen(MAX_POOL_BYTES, "r");

	*old = 0;
	if (!f)
		return;
	if (fscanf(f, "%lu", old) != 1)
		*old = 0;
	fclose(f);
	if (*old >= 1UL << 30 || !(f = fopen(MAX_POOL_BYTES, "w"))) {
		*old = 0;
		return;
	}
	fprintf(f, "%lu\n", 1UL << 30);
	if (fclose(f))
		*old = 0;
}

static void pool_limit_restore(unsigned long old)
{
	FILE *f = old ? fopen(MAX_POOL_BYTES, "w") : NULL;

	if (f) {
		fprintf(f, "%lu\n", old);
		fclose(f);
	}
}

void cleanup_all(void)
{
	const unsigned int bigheld[] = { EXIT_BIGHELD / opt.exit_div };
	unsigned int held[NHELD];
	struct exit_res *res = shm_alloc(sizeof(*res));
	double c[NHELD][MAX_ROUNDS], rel[NHELD][MAX_ROUNDS];
	double big[1][MAX_ROUNDS];
	char pname[XNAME];
	int r = res ? 0 : -ENOMEM;
	unsigned long old_limit;

	for (size_t i = 0; i < NHELD; i++)
		held[i] = exit_held(i);
	snprintf(pname, sizeof(pname), "ipcb.%d.exit", getpid());
	pool_limit_raise(&old_limit);
	arm_watchdog();
	for (int k = 0; !r && k < opt.rounds; k++) {
		r = exit_round(pname, EXIT_POOL / opt.exit_div, held, NHELD,
			       c, rel, k, res);
		if (!r)
			r = exit_round(pname, EXIT_BIGPOOL / opt.exit_div,
				       bigheld, 1, big, NULL, k, res);
	}
	alarm(0);
	pool_limit_restore(old_limit);
	if (r) {
		const char *why = r == -ENOENT ? xb_why : strerror(-r);

		for (size_t i = 0; i < NHELD; i++) {
			result_na("exit_close", "xmsg", held[i], why);
			result_na("exit_release", "xmsg", held[i], why);
		}
		result_na("exit_close_bigpool", "xmsg", bigheld[0], why);
	} else {
		for (size_t i = 0; i < NHELD; i++) {
			exit_emit("exit_close", held[i], c[i], opt.rounds);
			exit_emit("exit_release", held[i], rel[i], opt.rounds);
		}
		exit_emit("exit_close_bigpool", bigheld[0], big[0],
			  opt.rounds);
	}
	if (res)
		munmap(res, sizeof(*res));
}
