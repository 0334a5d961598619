// SPDX-License-Identifier: GPL-2.0
/*
 * Priorities: SCHED_FIFO threads of different priorities that wait in a
 * random order at an exchange or a semaphore get the messages (or pass)
 * highest priority first (XMSG_FEAT_PRIO_WAIT); a receiver at a pass
 * exchange created with XMSG_XCHG_F_PASS_SCHED runs at a priority derived
 * from the message it holds and returns to its own at its next receive,
 * never beyond its RLIMIT_NICE / RLIMIT_RTPRIO without CAP_SYS_NICE
 * (XMSG_FEAT_PRIO_PASS).  Every thread is pinned to one CPU, so the order
 * is decided by xmsg and not by who gets there first.  Needs root (real-time
 * priorities).
 */
#include <linux/capability.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include "kselftest_harness.h"
#include "xm_test.h"

#define NTHR	6
#define WAIT_NS	(10LL * 1000000000LL)

/* struct sched_attr of sched_getattr(2), under our own name (libc may have it) */
struct xt_sched_attr {
	uint32_t size;
	uint32_t sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime, sched_deadline, sched_period;
	uint32_t sched_util_min, sched_util_max;
};

/* The calling thread's policy, nice value and real-time priority. */
static int get_sched(struct xt_sched_attr *a)
{
	memset(a, 0, sizeof(*a));
	return syscall(SYS_sched_getattr, 0, a, sizeof(*a), 0);
}

static int set_fifo(int prio)
{
	struct sched_param sp = { .sched_priority = prio };

	return pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp);
}

static int pin_cpu0(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

struct waiter {
	pthread_t tid;
	struct xm *x;
	uint32_t obj;
	int is_sem;
	int prio;		/* SCHED_FIFO priority */
	int ret;
	uint32_t got;		/* tag received, or turn at the semaphore */
	atomic_int *turns;
};

static void *waiter_main(void *p)
{
	struct waiter *w = p;
	struct xm_msg m;

	w->ret = set_fifo(w->prio);
	if (w->ret)
		return NULL;
	if (w->is_sem) {
		w->ret = xm_sem_wait(w->x, w->obj, WAIT_NS);
		if (!w->ret)
			w->got = atomic_fetch_add(w->turns, 1);
		return NULL;
	}
	w->ret = xm_recv(w->x, w->obj, WAIT_NS, 0, &m);
	if (!w->ret) {
		memcpy(&w->got, m.body, sizeof(w->got));
		w->ret = xm_msg_rel(w->x, m.handle);
	}
	return NULL;
}

static uint32_t waiters_now(struct xm *x, uint32_t obj, int is_sem)
{
	struct xmsg_info info;

	if (xm_info(x, obj, &info))
		return UINT32_MAX;
	return is_sem ? info.u.sem.waiters : info.u.xchg.waiters;
}

/* Wait up to 10 s until @n tasks wait at @obj. */
static int wait_waiters(struct xm *x, uint32_t obj, int is_sem, uint32_t n)
{
	double end = xt_now() + 10;

	while (waiters_now(x, obj, is_sem) != n) {
		if (xt_now() > end)
			return -1;
		xt_sleep_ms(1);
	}
	return 0;
}

FIXTURE(prio) {
	struct xm *x;
	int pool;
	char pname[XMSG_NAME_MAX];
	struct waiter w[NTHR];
	atomic_int turns;
	unsigned int seed;
};

FIXTURE_SETUP(prio)
{
	struct xmsg_features f;

	if (geteuid() != 0)
		SKIP(return, "needs root for real-time priorities");
	ASSERT_EQ(0, xm_open(&self->x, NULL)) TH_LOG("no /dev/xmsg?");
	ASSERT_EQ(0, xm_features(self->x, &f));
	if (!(f.features & XMSG_FEAT_PRIO_WAIT) ||
	    !(f.features & XMSG_FEAT_PRIO_PASS))
		SKIP(return, "kernel without XMSG_FEAT_PRIO_WAIT/PASS");
	self->pool = xm_pool_create(self->x, xt_name(self->pname, "pool"), 64,
				    32, 0600, XMSG_CREATE_EXCL);
	ASSERT_LT(0, self->pool);
	ASSERT_EQ(0, pin_cpu0());
	self->seed = (unsigned int)getpid() ^ (unsigned int)time(NULL);
	srand(self->seed);
}

FIXTURE_TEARDOWN(prio)
{
	if (!self->x)
		return;
	xm_pool_destroy(self->x, self->pool);
	xm_close(self->x);
}

/*
 * Start NTHR waiters at @obj with the priorities 10, 20, ... 60 in a random
 * order, each after the one before waits.  The caller runs above them
 * (SCHED_FIFO 90), so none runs between its sends or signals.
 */
static void start_waiters(struct __test_metadata *_metadata,
			  FIXTURE_DATA(prio) *self, uint32_t obj, int is_sem)
{
	int order[NTHR], i, j, t;

	for (i = 0; i < NTHR; i++)
		order[i] = (i + 1) * 10;
	for (i = NTHR - 1; i > 0; i--) {
		j = rand() % (i + 1);
		t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	TH_LOG("seed %u, queue order %d %d %d %d %d %d", self->seed,
	       order[0], order[1], order[2], order[3], order[4], order[5]);
	ASSERT_EQ(0, set_fifo(90));
	for (i = 0; i < NTHR; i++) {
		self->w[i] = (struct waiter){ .x = self->x, .obj = obj,
					      .is_sem = is_sem,
					      .prio = order[i],
					      .turns = &self->turns };
		ASSERT_EQ(0, pthread_create(&self->w[i].tid, NULL, waiter_main,
					    &self->w[i]));
		ASSERT_EQ(0, wait_waiters(self->x, obj, is_sem, i + 1));
	}
}

/* Join the waiters: the one of priority p got turn or tag (60 - p) / 10. */
static void check_waiters(struct __test_metadata *_metadata,
			  FIXTURE_DATA(prio) *self)
{
	int i;

	for (i = 0; i < NTHR; i++) {
		ASSERT_EQ(0, pthread_join(self->w[i].tid, NULL));
		EXPECT_EQ(0, self->w[i].ret);
		EXPECT_EQ((uint32_t)(60 - self->w[i].prio) / 10,
			  self->w[i].got)
			TH_LOG("waiter of priority %d", self->w[i].prio);
	}
}

static void recv_order(struct __test_metadata *_metadata,
		       FIXTURE_DATA(prio) *self, uint32_t kind)
{
	char name[XMSG_NAME_MAX];
	struct xm_msg m;
	uint32_t i;
	int xchg;

	xchg = xm_xchg_create(self->x, xt_name(name, "x"), kind, 0, 0600,
			      XMSG_CREATE_EXCL);
	ASSERT_LT(0, xchg);
	start_waiters(_metadata, self, xchg, 0);
	for (i = 0; i < NTHR; i++) {
		ASSERT_EQ(0, xm_msg_get(self->x, self->pool, &m));
		memcpy(m.body, &i, sizeof(i));
		/* the same message priority for all: only the waiters' count */
		ASSERT_EQ(0, xm_send(self->x, xchg, m.handle, 3, 0, 0));
	}
	check_waiters(_metadata, self);
	EXPECT_EQ(0, xm_destroy(self->x, xchg));
}

TEST_F_TIMEOUT(prio, recv_order_normal, 60)
{
	recv_order(_metadata, self, XMSG_XCHG_KIND_NORMAL);
}

TEST_F_TIMEOUT(prio, recv_order_pass, 60)
{
	recv_order(_metadata, self, XMSG_XCHG_KIND_PASS);
}

static void sem_order(struct __test_metadata *_metadata,
		      FIXTURE_DATA(prio) *self, uint32_t kind,
		      uint32_t per)
{
	char name[XMSG_NAME_MAX];
	double end;
	int sem, i, j;

	sem = xm_sem_create(self->x, xt_name(name, "s"), kind, 0,
			    kind == XMSG_SEM_KIND_THRESHOLD ? per : 0, 0600,
			    XMSG_CREATE_EXCL);
	ASSERT_LT(0, sem);
	start_waiters(_metadata, self, sem, 1);
	/* one release at a time, each noted before the next */
	for (i = 0; i < NTHR; i++) {
		for (j = 0; j < (int)per; j++)
			ASSERT_EQ(0, xm_sem_signal(self->x, sem, 0));
		end = xt_now() + 10;
		while (atomic_load(&self->turns) < i + 1 && xt_now() < end)
			xt_sleep_ms(1);
		ASSERT_EQ(i + 1, atomic_load(&self->turns));
	}
	check_waiters(_metadata, self);
	EXPECT_EQ(0, xm_destroy(self->x, sem));
}

TEST_F_TIMEOUT(prio, sem_order_count, 60)
{
	sem_order(_metadata, self, XMSG_SEM_KIND_COUNT, 1);
}

TEST_F_TIMEOUT(prio, sem_order_threshold, 60)
{
	sem_order(_metadata, self, XMSG_SEM_KIND_THRESHOLD, 2);
}

/* XMSG_XCHG_F_PASS_SCHED is for pass exchanges only. */
TEST_F(prio, pass_sched_einval)
{
	char name[XMSG_NAME_MAX];

	EXPECT_EQ(-EINVAL, xm_xchg_create(self->x, xt_name(name, "n"),
					  XMSG_XCHG_KIND_NORMAL, 0, 0600,
					  XMSG_XCHG_F_PASS_SCHED));
	EXPECT_EQ(-EINVAL, xm_xchg_create(self->x, xt_name(name, "b"),
					  XMSG_XCHG_KIND_BCAST, 0, 0600,
					  XMSG_XCHG_F_PASS_SCHED));
	EXPECT_EQ(-EINVAL, xm_xchg_create(self->x, xt_name(name, "u"),
					  XMSG_XCHG_KIND_PASS, 0, 0600, 0x80));
}

/*
 * Send messages of @prio[] to a new pass exchange with priority passing,
 * then receive them one by one (held, not released) and note the
 * receiving thread's nice value or real-time priority after each; then a
 * receive that finds nothing: back to its own.  @got[n + 1].
 */
static int pass_sched_run(struct xm *x, int pool, const uint32_t *prio,
			  int n, int *got)
{
	char name[XMSG_NAME_MAX];
	struct xt_sched_attr a;
	struct xm_msg m, held[8];
	int xchg, i, ret;

	xchg = xm_xchg_create(x, xt_name(name, "p"), XMSG_XCHG_KIND_PASS, 0,
			      0600, XMSG_CREATE_EXCL | XMSG_XCHG_F_PASS_SCHED);
	if (xchg < 0)
		return xchg;
	for (i = 0; i < n; i++) {
		ret = xm_msg_get(x, pool, &m);
		if (!ret)
			ret = xm_send(x, xchg, m.handle, prio[i], 0, 0);
		if (ret)
			return ret;
	}
	for (i = 0; i <= n; i++) {
		ret = xm_recv(x, xchg, 0, 0, &held[i]);
		if (ret != (i < n ? 0 : -EAGAIN))
			return ret ?: -EBADMSG;
		if (get_sched(&a))
			return -errno;
		got[i] = a.sched_policy == SCHED_FIFO ? (int)a.sched_priority :
			 a.sched_nice;
	}
	for (i = 0; i < n; i++)
		xm_msg_rel(x, held[i].handle);
	return xm_destroy(x, xchg);
}

/* SCHED_OTHER at nice 0 with CAP_SYS_NICE: nice 0 - prio / 2. */
TEST_F(prio, pass_sched_nice)
{
	static const uint32_t prio[] = { 6, 31, 20 };
	struct xt_sched_attr a;
	int got[4];

	ASSERT_EQ(0, setpriority(PRIO_PROCESS, syscall(SYS_gettid), 0));
	ASSERT_EQ(0, pass_sched_run(self->x, self->pool, prio, 3, got));
	/* held highest first: 31, 20, 6; then its own again */
	EXPECT_EQ(-15, got[0]);
	EXPECT_EQ(-10, got[1]);
	EXPECT_EQ(-3, got[2]);
	EXPECT_EQ(0, got[3]);
	ASSERT_EQ(0, get_sched(&a));
	EXPECT_EQ((uint32_t)SCHED_OTHER, a.sched_policy);
}

/* SCHED_FIFO 10 with CAP_SYS_NICE: 10 + prio, at most 99. */
TEST_F(prio, pass_sched_rt)
{
	static const uint32_t prio[] = { 6, 31, 20 };
	int got[4];

	ASSERT_EQ(0, set_fifo(10));
	ASSERT_EQ(0, pass_sched_run(self->x, self->pool, prio, 3, got));
	EXPECT_EQ(41, got[0]);
	EXPECT_EQ(30, got[1]);
	EXPECT_EQ(16, got[2]);
	EXPECT_EQ(10, got[3]);
	ASSERT_EQ(0, set_fifo(80));
	ASSERT_EQ(0, pass_sched_run(self->x, self->pool, prio, 3, got));
	EXPECT_EQ(99, got[0]);
	EXPECT_EQ(99, got[1]);
	EXPECT_EQ(86, got[2]);
	EXPECT_EQ(80, got[3]);
}

/* Drop CAP_SYS_NICE from the calling (single-threaded) process. */
static int drop_sys_nice(void)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -1;
	d[CAP_SYS_NICE / 32].effective &= ~(1U << (CAP_SYS_NICE % 32));
	d[CAP_SYS_NICE / 32].permitted &= ~(1U << (CAP_SYS_NICE % 32));
	d[CAP_SYS_NICE / 32].inheritable &= ~(1U << (CAP_SYS_NICE % 32));
	return syscall(SYS_capset, &h, d);
}

/*
 * Without CAP_SYS_NICE, RLIMIT_NICE 23 (nice -3 at best) and RLIMIT_RTPRIO
 * 15: the passed priority stops there; with RLIMIT_NICE 0 nothing moves.
 */
TEST_F(prio, pass_sched_limited)
{
	static const uint32_t prio[] = { 31, 4 };
	struct rlimit nice = { 23, 23 }, rt = { 15, 15 }, none = { 0, 0 };
	struct sched_param sp0 = { 0 };
	int got[3];
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		CHILD_CHECK(set_fifo(10) == 0, 10);
		CHILD_CHECK(setrlimit(RLIMIT_RTPRIO, &rt) == 0, 11);
		CHILD_CHECK(setrlimit(RLIMIT_NICE, &nice) == 0, 12);
		CHILD_CHECK(drop_sys_nice() == 0, 13);
		/* the limits hold for the thread itself */
		CHILD_CHECK(set_fifo(16) != 0, 14);
		CHILD_CHECK(pass_sched_run(self->x, self->pool, prio, 2,
					   got) == 0, 20);
		CHILD_CHECK(got[0] == 15 && got[1] == 14 && got[2] == 10, 21);
		CHILD_CHECK(sched_setscheduler(0, SCHED_OTHER, &sp0) == 0, 30);
		CHILD_CHECK(setpriority(PRIO_PROCESS, 0, -4) != 0, 31);
		CHILD_CHECK(pass_sched_run(self->x, self->pool, prio, 2,
					   got) == 0, 32);
		CHILD_CHECK(got[0] == -3 && got[1] == -2 && got[2] == 0, 33);
		CHILD_CHECK(setrlimit(RLIMIT_NICE, &none) == 0, 40);
		CHILD_CHECK(pass_sched_run(self->x, self->pool, prio, 2,
					   got) == 0, 41);
		CHILD_CHECK(got[0] == 0 && got[1] == 0 && got[2] == 0, 42);
		_exit(0);
	}
	ASSERT_EQ(0, xt_wait(pid));
}

TEST_HARNESS_MAIN
