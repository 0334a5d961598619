// SPDX-License-Identifier: GPL-2.0
/*
 * timeout_bench: how late a 1 ms timeout ends a wait that nothing
 * satisfies, for xmsg receives and semaphore waits next to POSIX
 * mq_timedreceive() and a futex wait, in the same run.
 *
 *   timeout_bench [-n ROUNDS] [-t TIMEOUT_US]
 *
 * Each round does one wait of every kind in turn (so that all see the same
 * load), each timed with clock_gettime(CLOCK_MONOTONIC) around the call.
 * Printed per kind: how far past the requested time the call returned
 * (min, median, 99th percentile, max, in microseconds) and how many
 * returned early (must be 0).
 *
 * What the kernel does with a timeout: xmsg and POSIX message queues sleep
 * on an hrtimer with no slack; a futex wait adds the task's timer slack
 * (printed; 50 us by default, 0 for real-time tasks).  mq_timedreceive()
 * takes an absolute CLOCK_REALTIME time, made here from the current one.
 * Uses raw ioctls (not libxmsg) so that only the kernel is measured.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <linux/xmsg.h>
#include <mqueue.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define NSEC	1000000000LL

enum tb_kind {
	TB_XMSG_RECV,
	TB_XMSG_RECV_ABS,
	TB_XMSG_SEM,
	TB_MQ,
	TB_FUTEX,
	TB_KINDS,
};

static const char *const tb_names[TB_KINDS] = {
	[TB_XMSG_RECV] = "xmsg XMSG_IOC_RECV, relative",
	[TB_XMSG_RECV_ABS] = "xmsg XMSG_IOC_RECV, absolute",
	[TB_XMSG_SEM] = "xmsg XMSG_IOC_SEM_WAIT, relative",
	[TB_MQ] = "POSIX mq_timedreceive",
	[TB_FUTEX] = "futex FUTEX_WAIT, relative",
};

struct tb {
	int fd;			/* /dev/xmsg, or -1 */
	uint32_t xchg, sem;
	mqd_t mq;		/* or (mqd_t)-1 */
	uint32_t futex_word;
	int64_t timeout_ns;
	const char *why[TB_KINDS];	/* set: not measured, and why */
};

static int64_t tb_clock(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return ts.tv_sec * NSEC + ts.tv_nsec;
}

static struct timespec tb_ts(int64_t ns)
{
	struct timespec ts = { ns / NSEC, ns % NSEC };

	return ts;
}

static void tb_setup_xmsg(struct tb *b)
{
	const char *dev = getenv("XMSG_DEVICE");
	struct xmsg_xchg_create xc = {
		.size = sizeof(xc), .mode = 0600, .access = XMSG_ACC_RDWR,
		.kind = XMSG_XCHG_KIND_NORMAL,
	};
	struct xmsg_sem_create sc = {
		.size = sizeof(sc), .mode = 0600, .access = XMSG_ACC_RDWR,
		.kind = XMSG_SEM_KIND_COUNT,
	};

	b->fd = open(dev && *dev ? dev : "/dev/xmsg", O_RDWR | O_CLOEXEC);
	if (b->fd < 0 || ioctl(b->fd, XMSG_IOC_XCHG_CREATE, &xc) ||
	    ioctl(b->fd, XMSG_IOC_SEM_CREATE, &sc)) {
		b->why[TB_XMSG_RECV] = b->why[TB_XMSG_RECV_ABS] =
			b->why[TB_XMSG_SEM] = strerror(errno);
		return;
	}
	b->xchg = xc.handle;	/* anonymous: gone when the file closes */
	b->sem = sc.handle;
}

static void tb_setup_mq(struct tb *b)
{
	struct mq_attr attr = { .mq_maxmsg = 1, .mq_msgsize = 8 };
	char name[64];

	snprintf(name, sizeof(name), "/xmsg-timeout-bench.%d", (int)getpid());
	b->mq = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600, &attr);
	if (b->mq == (mqd_t)-1) {
		b->why[TB_MQ] = strerror(errno);
		return;
	}
	mq_unlink(name);
}

/* One wait of kind @k that must time out; 0 or an errno. */
static int tb_wait(struct tb *b, enum tb_kind k, int64_t start)
{
	struct xmsg_recv r = { .size = sizeof(r), .xchg = b->xchg };
	struct xmsg_sem_op op = { .size = sizeof(op), .handle = b->sem };
	struct timespec ts;
	char buf[8];

	switch (k) {
	case TB_XMSG_RECV:
		r.timeout_ns = b->timeout_ns;
		return ioctl(b->fd, XMSG_IOC_RECV, &r) ? errno : 0;
	case TB_XMSG_RECV_ABS:
		r.flags = XMSG_TIMEOUT_ABS;
		r.timeout_ns = start + b->timeout_ns;
		return ioctl(b->fd, XMSG_IOC_RECV, &r) ? errno : 0;
	case TB_XMSG_SEM:
		op.timeout_ns = b->timeout_ns;
		return ioctl(b->fd, XMSG_IOC_SEM_WAIT, &op) ? errno : 0;
	case TB_MQ:
		ts = tb_ts(tb_clock(CLOCK_REALTIME) + b->timeout_ns);
		return mq_timedreceive(b->mq, buf, sizeof(buf), NULL, &ts) < 0 ?
			errno : 0;
	case TB_FUTEX:
		ts = tb_ts(b->timeout_ns);
		return syscall(SYS_futex, &b->futex_word, FUTEX_WAIT_PRIVATE,
			       0, &ts, NULL, 0) ? errno : 0;
	default:
		return EINVAL;
	}
}

static int tb_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

static void usage(const char *argv0)
{
	fprintf(stderr, "usage: %s [-n ROUNDS] [-t TIMEOUT_US]\n", argv0);
	exit(2);
}

int main(int argc, char **argv)
{
	struct tb b = { .fd = -1, .mq = (mqd_t)-1, .timeout_ns = 1000000 };
	int64_t *late[TB_KINDS], start, t1;
	int rounds = 1000, early[TB_KINDS] = { 0 };
	int c, i, k, err, bad = 0;

	while ((c = getopt(argc, argv, "n:t:")) != -1) {
		switch (c) {
		case 'n':
			rounds = atoi(optarg);
			break;
		case 't':
			b.timeout_ns = atoll(optarg) * 1000;
			break;
		default:
			usage(argv[0]);
		}
	}
	if (rounds < 1 || b.timeout_ns < 1000)
		usage(argv[0]);
	tb_setup_xmsg(&b);
	tb_setup_mq(&b);
	for (k = 0; k < TB_KINDS; k++) {
		late[k] = calloc(rounds, sizeof(int64_t));
		if (!late[k])
			return 1;
	}
	for (i = 0; i < rounds; i++) {
		for (k = 0; k < TB_KINDS; k++) {
			if (b.why[k])
				continue;
			start = tb_clock(CLOCK_MONOTONIC);
			err = tb_wait(&b, k, start);
			t1 = tb_clock(CLOCK_MONOTONIC);
			if (err != ETIMEDOUT) {
				b.why[k] = err ? strerror(err) :
					"did not time out";
				bad = 1;
				continue;
			}
			late[k][i] = t1 - start - b.timeout_ns;
			early[k] += late[k][i] < 0;
		}
	}
	printf("timeout_bench: %lld us timeouts, %d rounds, each kind once per round; timer slack %d ns; us past the requested time\n",
	       (long long)b.timeout_ns / 1000, rounds,
	       prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0));
	printf("%-34s %9s %9s %9s %9s %6s\n", "wait", "min", "median", "p99",
	       "max", "early");
	for (k = 0; k < TB_KINDS; k++) {
		int64_t *v = late[k];

		if (b.why[k]) {
			printf("%-34s NA (%s)\n", tb_names[k], b.why[k]);
			continue;
		}
		qsort(v, rounds, sizeof(v[0]), tb_cmp);
		printf("%-34s %9.1f %9.1f %9.1f %9.1f %6d\n", tb_names[k],
		       v[0] / 1e3, v[rounds / 2] / 1e3,
		       v[(int64_t)rounds * 99 / 100] / 1e3,
		       v[rounds - 1] / 1e3, early[k]);
		bad |= early[k] != 0;
	}
	return bad;
}
