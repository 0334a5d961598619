/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xmsg_fuzz: shared declarations of the structure-aware /dev/xmsg fuzzer.
 *
 * The supervisor (xmsg_fuzz.c) forks worker processes, kills and replaces
 * them, signals them and at the end checks that every object is gone and
 * every pool is full again.  The workers (ops.c) issue well-formed calls on
 * handles they harvested, with one field mutated now and then.  Counters
 * live in one MAP_SHARED anonymous page set, updated with atomics.
 */
#ifndef XMSG_FUZZ_H
#define XMSG_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/xmsg.h>

/* Names of the shared objects: "fz.p0" .. "fz.p7", "fz.x0" .., "fz.s0" .. */
#define FZ_PREFIX	"fz."
#define FZ_NAMES	8

/* Operations, for the per-operation counters. */
enum fz_op {
	OP_FEATURES, OP_POOL_CREATE, OP_XCHG_CREATE, OP_SEM_CREATE, OP_OPEN,
	OP_CLOSE, OP_DESTROY, OP_INFO, OP_LIST, OP_GET, OP_REL, OP_MAKE,
	OP_UNMAKE, OP_PROXY, OP_SEND, OP_RECV, OP_CALL, OP_XFER, OP_BCLEAR,
	OP_SIGNAL, OP_WAIT, OP_POLL_FD, OP_POLL, OP_MSG_READ, OP_SET_LEN,
	OP_RING, OP_RING_TAKE, OP_RING_MMAP, OP_MMAP, OP_RAW, OP_XCLEAR,
	OP_SIGWAIT, OP_SCLEAR, OP_HEAP_CREATE, OP_HEAP_GET, OP_HEAP_CHUNK,
	OP_BUMP,
	/* send rings */
	OP_TXRING, OP_TXRING_KICK,
	OP_NR
};

struct fz_count {
	unsigned long calls;
	unsigned long ok;
};

/* Reasons a run is red besides the counters. */
#define FZ_ANOM_MAX	16

/**
 * struct fz_shared - the supervisor's and workers' common page(s)
 * @stop: set by the supervisor: workers finish their call and exit
 * @op: per-operation calls and successes
 * @kills: workers killed with SIGKILL by the supervisor
 * @signals: SIGUSR1 sent to interrupt waits
 * @eintr: calls that returned -EINTR
 * @forks: helper processes that shared a worker's file
 * @anomalies: calls that succeeded although a reserved field was non-zero
 * @anom: text of the first anomalies
 */
struct fz_shared {
	int stop;
	struct fz_count op[OP_NR];
	unsigned long kills;
	unsigned long signals;
	unsigned long eintr;
	unsigned long forks;
	unsigned long anomalies;
	char anom[FZ_ANOM_MAX][96];
};

extern struct fz_shared *fz_sh;

/* Worker roles */
#define FZ_ROLE_NOBODY	0x1	/* setuid(65534) after open */
#define FZ_ROLE_NS	0x2	/* in the second (user +) IPC namespace */

/**
 * struct fz_worker_cfg - what a new worker process is told
 * @seed: its PRNG seed
 * @role: FZ_ROLE_* bits
 * @dev: the device path
 * @ns_user: fd of the second namespace's user namespace, or -1
 * @ns_ipc: fd of the second namespace's IPC namespace, or -1
 * @skip: operations to leave out (comma separated; also "bcast_kind" and
 *	"mutate"), or NULL
 */
struct fz_worker_cfg {
	uint64_t seed;
	int role;
	const char *dev;
	int ns_user;
	int ns_ipc;
	const char *skip;
};

/* ops.c */
void fz_worker(const struct fz_worker_cfg *cfg) __attribute__((noreturn));
const char *fz_op_name(int op);

/* A small fast PRNG (xorshift64*), one per process. */
static inline uint64_t fz_next(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545F4914F6CDD1DULL;
}

static inline uint64_t fz_mix(uint64_t x)
{
	x += 0x9E3779B97F4A7C15ULL;
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
	x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
	return (x ^ (x >> 31)) | 1;
}

static inline void fz_add(unsigned long *p, unsigned long v)
{
	__atomic_fetch_add(p, v, __ATOMIC_RELAXED);
}

static inline unsigned long fz_load(unsigned long *p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}

#endif /* XMSG_FUZZ_H */
