// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: xmsg semaphores (counting, threshold, gate; timeouts, signals,
 * destroy, poll, signal from hard IRQ).
 */
#include <kunit/test.h>
#include <linux/hrtimer.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include "xmsg_ipc_test.h"

struct sem_ctx {
	struct xmsg_sem *sem;
	s64 timeout;	/* ns from the call, or XMSG_WAIT_FOREVER */
	atomic_t passed;
};

static int waiter_fn(struct ipc_t_thr *thr)
{
	struct sem_ctx *ctx = thr->ctx;
	int ret;

	allow_signal(SIGUSR1);
	ret = xmsg_sem_wait(ctx->sem, xmsg_wait_ns(ctx->timeout));
	if (!ret)
		atomic_inc(&ctx->passed);
	return ret;
}

/* Wait at the priority of the thread's index; note when it passed. */
static int waiter_prio_fn(struct ipc_t_thr *thr)
{
	struct sem_ctx *ctx = thr->ctx;
	int ret = ipc_t_set_fifo(ipc_t_prios[thr->idx]);

	if (ret)
		return ret;
	ret = xmsg_sem_wait(ctx->sem, xmsg_wait_ns(ctx->timeout));
	if (!ret)
		thr->got = atomic_inc_return(&ctx->passed);
	return ret;
}

static void sem_create_destroy(struct kunit *test)
{
	struct xmsg_sem_stats st;
	struct xmsg_sem *sem;

	sem = ipc_t_sem(test, XMSG_SEM_KIND_COUNT, 3, 99);
	xmsg_sem_get_stats(sem, &st);
	KUNIT_EXPECT_EQ(test, st.kind, (u32)XMSG_SEM_KIND_COUNT);
	KUNIT_EXPECT_EQ(test, st.count, 3U);
	KUNIT_EXPECT_EQ(test, st.threshold, 1U);
	KUNIT_EXPECT_PTR_EQ(test, xmsg_obj_sem(xmsg_sem_obj(sem)), sem);
	KUNIT_EXPECT_NULL(test, xmsg_obj_xchg(xmsg_sem_obj(sem)));
	xmsg_sem_destroy(sem);
	sem = ipc_t_sem(test, XMSG_SEM_KIND_GATE, 5, 2);
	xmsg_sem_get_stats(sem, &st);
	KUNIT_EXPECT_EQ(test, st.count, 0U);
	xmsg_sem_destroy(sem);
	xmsg_sem_destroy(NULL);
}

static void sem_create_einval(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_sem_create("s", XMSG_SEM_KIND_THRESHOLD,
						      0, 0)), (long)-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_sem_create("s", 9, 0, 1)),
			(long)-EINVAL);
	KUNIT_EXPECT_EQ(test, xmsg_sem_signal(NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, xmsg_sem_wait(NULL, 0), -EINVAL);
}

static void sem_count(struct kunit *test)
{
	struct xmsg_sem *sem = ipc_t_sem(test, XMSG_SEM_KIND_COUNT, 2, 0);

	KUNIT_EXPECT_EQ(test, xmsg_sem_wait(sem, 0), 0);
	KUNIT_EXPECT_EQ(test, xmsg_sem_wait(sem, 0), 0);
	KUNIT_EXPECT_EQ(test, xmsg_sem_wait(sem, 0), -EAGAIN);
	KUNIT_EXPECT_EQ(test, xmsg_sem_wait(sem, -1), -EINVAL);
	KUNIT_EXPECT_EQ(test, xmsg_sem_signal(sem), 0);
	KUNIT_EXPECT_EQ(test, xmsg_sem_wait(sem, 0), 0);
	xmsg_sem_destroy(sem);
}

static void sem_threshold(struct kunit *test)
{
	struct xmsg_sem *sem = ipc_t_sem(test, XMSG_SEM_KIND_THRESHOLD, 0, 3);
	struct xmsg_sem_stats st;
	int i;

	for (i = 0; i < 2; i++)
		KUNIT_EXPECT_EQ(test, xmsg_sem_signal(sem), 0);
	KUNIT_EXPECT_EQ(test, xmsg_sem_wait(sem, 0), -EAGAIN);
	KUNIT_EXPECT_EQ(test, xmsg_sem_signal(sem), 0);
	/* nobody waited: the count stays and the next waiter passes */
	KUNIT_EXPECT_EQ(test, xmsg_sem_wait(sem, 0), 0);
	xmsg_sem_get_stats(sem, &st);
	KUNIT_EXPECT_EQ(test, st.count, 0U);
	KUNIT_EXPECT_EQ(test, st.threshold, 3U);
	KUNIT_EXPECT_EQ(test, st.signals, 3ULL);
	xmsg_sem_destroy(sem);
}

/* One waiter, released by the threshold-th signal and not before. */
static void sem_threshold_waiter(struct kunit *test)
{
	struct xmsg_sem *sem = ipc_t_sem(test, XMSG_SEM_KIND_THRESHOLD, 0, 4);
	struct sem_ctx ctx = { .sem = sem, .timeout = IPC_T_WAIT_NS };
	struct ipc_t_thr *thr;
	int i;

	thr = ipc_t_thr_start(test, waiter_fn, &ctx, 0);
	KUNIT_EXPECT_TRUE(test, ipc_t_sem_wait_waiters(sem, 1));
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, xmsg_sem_signal(sem), 0);
	msleep(20);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx.passed), 0);
	KUNIT_EXPECT_EQ(test, ipc_t_sem_waiters(sem), 1U);
	KUNIT_EXPECT_EQ(test, xmsg_sem_signal(sem), 0);
	KUNIT_EXPECT_EQ(test, ipc_t_thr_join(test, thr), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx.passed), 1);
	ipc_t_thr_free(thr);
	xmsg_sem_destroy(sem);
}

static void sem_count_waiters(struct kunit *test, int n)
{
	struct xmsg_sem *sem = ipc_t_sem(test, XMSG_SEM_KIND_COUNT, 0, 0);
	struct sem_ctx ctx = { .sem = sem, .timeout = IPC_T_WAIT_NS };
	struct ipc_t_thr *thr[8];
	int i;

	for (i = 0; i < n; i++)
		thr[i] = ipc_t_thr_start(test, waiter_fn, &ctx, i);
	KUNIT_EXPECT_TRUE(test, ipc_t_sem_wait_waiters(sem, n));
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, xmsg_sem_signal(sem), 0);
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ(test, ipc_t_thr_join(test, thr[i]), 0);
		ipc_t_thr_free(thr[i]);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx.passed), n);
	KUNIT_EXPECT_EQ(test, xmsg_sem_wait(sem, 0), -EAGAIN);
	xmsg_sem_destroy(sem);
}

static void sem_count_waiters_1(struct kunit *test)
{
	sem_count_waiters(test, 1);
}

static void sem_count_waiters_8(struct kunit *test)
{
	sem_count_waiters(test, 8);
}

/*
 * Waiters of different scheduling priorities queue one after the other;
 * each release (@per signals) frees the highest priority one, FIFO among
 * equals.
 */
static void sem_waiters_prio(struct kunit *test, u32 kind, u32 per)
{
	struct xmsg_sem *sem = ipc_t_sem(test, kind, 0,
					 kind == XMSG_SEM_KIND_THRESHOLD ?
					 per : 0);
	struct sem_ctx ctx = { .sem = sem, .timeout = IPC_T_WAIT_NS };
	struct ipc_t_thr *thr[IPC_T_PRIO_N];
	unsigned long end;
	int i, j;

	for (i = 0; i < IPC_T_PRIO_N; i++) {
		thr[i] = ipc_t_thr_start(test, waiter_prio_fn, &ctx, i);
		KUNIT_EXPECT_TRUE(test, ipc_t_sem_wait_waiters(sem, i + 1));
	}
	/* one release at a time: each waiter notes its turn before the next */
	for (i = 0; i < IPC_T_PRIO_N; i++) {
		for (j = 0; j < per; j++)
			KUNIT_EXPECT_EQ(test, xmsg_sem_signal(sem), 0);
		end = jiffies + IPC_T_WAIT;
		while (atomic_read(&ctx.passed) < i + 1 &&
		       time_before(jiffies, end))
			usleep_range(200, 1000);
		KUNIT_EXPECT_EQ(test, atomic_read(&ctx.passed), i + 1);
	}
	for (i = 0; i < IPC_T_PRIO_N; i++) {
		KUNIT_EXPECT_EQ(test, ipc_t_thr_join(test, thr[i]), 0);
		KUNIT_EXPECT_EQ_MSG(test, thr[i]->got, ipc_t_prio_rank[i] + 1,
				    "waiter %d (prio %d)", i, ipc_t_prios[i]);
		ipc_t_thr_free(thr[i]);
	}
	xmsg_sem_destroy(sem);
}

static void sem_count_waiters_prio(struct kunit *test)
{
	sem_waiters_prio(test, XMSG_SEM_KIND_COUNT, 1);
}

static void sem_threshold_waiters_prio(struct kunit *test)
{
	sem_waiters_prio(test, XMSG_SEM_KIND_THRESHOLD, 3);
}

static void sem_gate(struct kunit *test, int n)
{
	struct xmsg_sem *sem = ipc_t_sem(test, XMSG_SEM_KIND_GATE, 0, 0);
	struct sem_ctx ctx = { .sem = sem, .timeout = IPC_T_WAIT_NS };
	struct ipc_t_thr *thr[8];
	int i;

	/* no waiter: the signal is lost */
	KUNIT_EXPECT_EQ(test, xmsg_sem_signal(sem), 0);
	KUNIT_EXPECT_EQ(test, xmsg_sem_wait(sem, 0), -EAGAIN);
	for (i = 0; i < n; i++)
		thr[i] = ipc_t_thr_start(test, waiter_fn, &ctx, i);
	KUNIT_EXPECT_TRUE(test, ipc_t_sem_wait_waiters(sem, n));
	KUNIT_EXPECT_EQ(test, xmsg_sem_signal(sem), 0);	/* one for all */
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ(test, ipc_t_thr_join(test, thr[i]), 0);
		ipc_t_thr_free(thr[i]);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx.passed), n);
	KUNIT_EXPECT_EQ(test, ipc_t_sem_waiters(sem), 0U);
	xmsg_sem_destroy(sem);
}

static void sem_gate_1(struct kunit *test)
{
	sem_gate(test, 1);
}

static void sem_gate_2(struct kunit *test)
{
	sem_gate(test, 2);
}

static void sem_gate_8(struct kunit *test)
{
	sem_gate(test, 8);
}

static void sem_timeout(struct kunit *test)
{
	struct xmsg_sem *sem = ipc_t_sem(test, XMSG_SEM_KIND_THRESHOLD, 1, 2);
	ktime_t deadline;
	int i;

	/* a timed-out wait never returns before its time */
	for (i = 0; i < 20; i++) {
		deadline = xmsg_wait_ns(NSEC_PER_MSEC);
		KUNIT_EXPECT_EQ(test, xmsg_sem_wait(sem, deadline), -ETIMEDOUT);
		KUNIT_EXPECT_GE(test, ktime_get(), deadline);
	}
	/* a time already past: at once */
	KUNIT_EXPECT_EQ(test, xmsg_sem_wait(sem, ktime_get()), -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, ipc_t_sem_waiters(sem), 0U);
	xmsg_sem_destroy(sem);
}

static void sem_signal_interrupts(struct kunit *test)
{
	struct xmsg_sem *sem = ipc_t_sem(test, XMSG_SEM_KIND_COUNT, 0, 0);
	struct sem_ctx ctx = { .sem = sem, .timeout = XMSG_WAIT_FOREVER };
	struct ipc_t_thr *thr;

	thr = ipc_t_thr_start(test, waiter_fn, &ctx, 0);
	KUNIT_EXPECT_TRUE(test, ipc_t_sem_wait_waiters(sem, 1));
	send_sig(SIGUSR1, thr->task, 1);
	KUNIT_EXPECT_EQ(test, ipc_t_thr_join(test, thr), -ERESTARTSYS);
	ipc_t_thr_free(thr);
	/* the count is untouched: a later signal is kept */
	KUNIT_EXPECT_EQ(test, xmsg_sem_signal(sem), 0);
	KUNIT_EXPECT_EQ(test, xmsg_sem_wait(sem, 0), 0);
	xmsg_sem_destroy(sem);
}

static void sem_destroy_wakes(struct kunit *test)
{
	struct xmsg_sem *sem = ipc_t_sem(test, XMSG_SEM_KIND_GATE, 0, 0);
	struct sem_ctx ctx = { .sem = sem, .timeout = XMSG_WAIT_FOREVER };
	struct xmsg_obj *obj = xmsg_sem_obj(sem);
	struct ipc_t_thr *thr[4];
	int i;

	xmsg_obj_get(obj);
	for (i = 0; i < 4; i++)
		thr[i] = ipc_t_thr_start(test, waiter_fn, &ctx, i);
	KUNIT_EXPECT_TRUE(test, ipc_t_sem_wait_waiters(sem, 4));
	xmsg_sem_destroy(sem);
	for (i = 0; i < 4; i++) {
		KUNIT_EXPECT_EQ(test, ipc_t_thr_join(test, thr[i]), -EIDRM);
		ipc_t_thr_free(thr[i]);
	}
	KUNIT_EXPECT_TRUE(test, xmsg_obj_dead(obj));
	KUNIT_EXPECT_EQ(test, xmsg_sem_signal(sem), -EIDRM);
	KUNIT_EXPECT_EQ(test, xmsg_sem_wait(sem, 0), -EIDRM);
	KUNIT_EXPECT_EQ(test, xmsg_sem_wait(sem, xmsg_wait_ns(NSEC_PER_SEC)),
			-EIDRM);
	KUNIT_EXPECT_EQ(test, ipc_t_pm(xmsg_sem_poll(sem, NULL, NULL)),
			ipc_t_pm(EPOLLERR | EPOLLHUP));
	xmsg_obj_put(obj);
}

static void sem_poll(struct kunit *test)
{
	struct xmsg_sem *sem = ipc_t_sem(test, XMSG_SEM_KIND_THRESHOLD, 0, 2);
	struct xmsg_sem *gate = ipc_t_sem(test, XMSG_SEM_KIND_GATE, 0, 0);

	KUNIT_EXPECT_FALSE(test, xmsg_sem_poll(sem, NULL, NULL) & EPOLLIN);
	xmsg_sem_signal(sem);
	KUNIT_EXPECT_FALSE(test, xmsg_sem_poll(sem, NULL, NULL) & EPOLLIN);
	xmsg_sem_signal(sem);
	KUNIT_EXPECT_TRUE(test, xmsg_sem_poll(sem, NULL, NULL) & EPOLLIN);
	xmsg_sem_signal(gate);
	KUNIT_EXPECT_FALSE(test, xmsg_sem_poll(gate, NULL, NULL) & EPOLLIN);
	xmsg_sem_destroy(sem);
	xmsg_sem_destroy(gate);
}

struct irq_sig {
	struct hrtimer timer;
	struct xmsg_sem *sem;
	int ret;
	bool in_hardirq;
};

static enum hrtimer_restart irq_sig_fn(struct hrtimer *t)
{
	struct irq_sig *s = container_of(t, struct irq_sig, timer);

	s->in_hardirq = in_hardirq();
	s->ret = xmsg_sem_signal(s->sem);
	return HRTIMER_NORESTART;
}

/* xmsg_sem_signal() from a hard IRQ timer releases a waiting task. */
static void sem_signal_hardirq(struct kunit *test)
{
	struct irq_sig s = { .ret = 1 };

	s.sem = ipc_t_sem(test, XMSG_SEM_KIND_COUNT, 0, 0);
	xmsg_hrtimer_setup_on_stack(&s.timer, irq_sig_fn, CLOCK_MONOTONIC,
				    HRTIMER_MODE_REL_HARD);
	hrtimer_start(&s.timer, ms_to_ktime(5), HRTIMER_MODE_REL_HARD);
	KUNIT_EXPECT_EQ(test, xmsg_sem_wait(s.sem, xmsg_wait_ns(IPC_T_WAIT_NS)),
			0);
	hrtimer_cancel(&s.timer);
	destroy_hrtimer_on_stack(&s.timer);
	KUNIT_EXPECT_EQ(test, s.ret, 0);
	KUNIT_EXPECT_TRUE(test, s.in_hardirq);
	xmsg_sem_destroy(s.sem);
}

static struct kunit_case xmsg_ipc_sem_cases[] = {
	KUNIT_CASE(sem_create_destroy),
	KUNIT_CASE(sem_create_einval),
	KUNIT_CASE(sem_count),
	KUNIT_CASE(sem_threshold),
	KUNIT_CASE(sem_threshold_waiter),
	KUNIT_CASE(sem_count_waiters_1),
	KUNIT_CASE(sem_count_waiters_8),
	KUNIT_CASE(sem_count_waiters_prio),
	KUNIT_CASE(sem_threshold_waiters_prio),
	KUNIT_CASE(sem_gate_1),
	KUNIT_CASE(sem_gate_2),
	KUNIT_CASE(sem_gate_8),
	KUNIT_CASE(sem_timeout),
	KUNIT_CASE(sem_signal_interrupts),
	KUNIT_CASE(sem_destroy_wakes),
	KUNIT_CASE(sem_poll),
	KUNIT_CASE(sem_signal_hardirq),
	{}
};

static struct kunit_suite xmsg_ipc_sem_suite = {
	.name = "xmsg_ipc_sem",
	.test_cases = xmsg_ipc_sem_cases,
};

kunit_test_suite(xmsg_ipc_sem_suite);

MODULE_DESCRIPTION("KUnit tests for xmsg semaphores");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(XMSG_NS);
