/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the xmsg ipc KUnit suites: a pool and owners per test,
 * tagged messages, and kthreads that are joined safely.
 */
#ifndef _XMSG_IPC_TEST_H
#define _XMSG_IPC_TEST_H

#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <uapi/linux/sched/types.h>
#include <xmsg/mm.h>
#include <xmsg/ipc.h>

#define IPC_T_BLOCKS	64
#define IPC_T_BSIZE	64
#define IPC_T_WAIT	(10 * HZ)	/* generous: TCG + KASAN is slow */
#define IPC_T_WAIT_NS	(10LL * NSEC_PER_SEC)	/* the same in ns */

/* The timeout of an engine wait of IPC_T_WAIT_NS from now. */
static inline ktime_t ipc_t_wait(void)
{
	return xmsg_wait_ns(IPC_T_WAIT_NS);
}

/* A pool of IPC_T_BLOCKS blocks for one test; destroyed (checked) at exit. */
struct ipc_t_env {
	struct xmsg_pool *pool;
	struct xmsg_owner a, b;
};

static inline u64 ipc_t_in_use(struct xmsg_pool *pool)
{
	struct xmsg_pool_stats st;

	xmsg_pool_get_stats(pool, &st);
	return st.in_use;
}

static inline void ipc_t_env_exit(struct kunit_resource *res)
{
	struct ipc_t_env *env = res->data;

	xmsg_owner_release_all(&env->a);
	xmsg_owner_release_all(&env->b);
	xmsg_pool_destroy(env->pool);
	kfree(env);
}

static inline struct ipc_t_env *ipc_t_env(struct kunit *test)
{
	struct xmsg_pool_params p = {
		.name = "kunit-ipc", .block_size = IPC_T_BSIZE,
		.count = IPC_T_BLOCKS,
	};
	struct ipc_t_env *env = kzalloc(sizeof(*env), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, env);
	env->pool = xmsg_pool_create(&p);
	if (IS_ERR(env->pool)) {
		kfree(env);
		KUNIT_ASSERT_TRUE_MSG(test, false, "pool create failed");
	}
	xmsg_owner_init(&env->a, "kunit-a");
	xmsg_owner_init(&env->b, "kunit-b");
	kunit_alloc_resource(test, NULL, ipc_t_env_exit, GFP_KERNEL, env);
	return env;
}

/* A message owned by @owner whose body starts with @tag. */
static inline struct xmsg_msg *ipc_t_msg(struct kunit *test,
					 struct ipc_t_env *env,
					 struct xmsg_owner *owner, u32 tag)
{
	struct xmsg_msg *msg = xmsg_msg_get(env->pool, owner, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, msg);
	*(u32 *)msg->body = tag;
	return msg;
}

static inline u32 ipc_t_tag(struct xmsg_msg *msg)
{
	return *(u32 *)msg->body;
}

static inline struct xmsg_xchg *ipc_t_xchg(struct kunit *test,
					   u32 kind, u32 limit)
{
	struct xmsg_xchg *xchg = xmsg_xchg_create("kunit", kind, limit);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, xchg);
	return xchg;
}

static inline struct xmsg_sem *ipc_t_sem(struct kunit *test,
					 u32 kind, u32 count,
					 u32 threshold)
{
	struct xmsg_sem *sem = xmsg_sem_create("kunit", kind, count,
					       threshold);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, sem);
	return sem;
}

/*
 * Waiter priorities for the priority order cases: the kthread of index i
 * runs SCHED_FIFO at ipc_t_prios[i] (0: stays SCHED_NORMAL).  Queued in
 * index order, they must be served in the order ipc_t_prio_rank[i]
 * (0 first): the highest priority first, FIFO among equals (1 before 3),
 * SCHED_NORMAL last.
 */
#define IPC_T_PRIO_N	5
static const int ipc_t_prios[IPC_T_PRIO_N] = { 0, 10, 50, 10, 30 };
static const int ipc_t_prio_rank[IPC_T_PRIO_N] = { 4, 2, 0, 3, 1 };

/* Run the calling kthread at SCHED_FIFO @prio (0: leave it as it is). */
static inline int ipc_t_set_fifo(int prio)
{
	struct sched_attr attr = {
		.size = sizeof(attr),
		.sched_policy = SCHED_FIFO,
		.sched_priority = prio,
	};

	return prio ? sched_setattr_nocheck(current, &attr) : 0;
}

/* A poll mask as a plain number, for KUNIT_EXPECT_EQ(). */
static inline u32 ipc_t_pm(__poll_t mask)
{
	return (__force u32)mask;
}

static inline u32 ipc_t_xchg_poll(struct xmsg_xchg *xchg, u64 gen)
{
	return ipc_t_pm(xmsg_xchg_poll(xchg, NULL, NULL, gen));
}

static inline u32 ipc_t_xchg_waiters(struct xmsg_xchg *xchg)
{
	struct xmsg_xchg_stats st;

	xmsg_xchg_get_stats(xchg, &st);
	return st.waiters;
}

static inline u32 ipc_t_xchg_queued(struct xmsg_xchg *xchg)
{
	struct xmsg_xchg_stats st;

	xmsg_xchg_get_stats(xchg, &st);
	return st.queued;
}

static inline u32 ipc_t_sem_waiters(struct xmsg_sem *sem)
{
	struct xmsg_sem_stats st;

	xmsg_sem_get_stats(sem, &st);
	return st.waiters;
}

/* Wait (up to IPC_T_WAIT) until @n tasks wait at @xchg. */
static inline bool ipc_t_xchg_wait_waiters(struct xmsg_xchg *xchg, u32 n)
{
	unsigned long end = jiffies + IPC_T_WAIT;

	while (ipc_t_xchg_waiters(xchg) != n) {
		if (time_after(jiffies, end))
			return false;
		usleep_range(200, 1000);
	}
	return true;
}

static inline bool ipc_t_sem_wait_waiters(struct xmsg_sem *sem, u32 n)
{
	unsigned long end = jiffies + IPC_T_WAIT;

	while (ipc_t_sem_waiters(sem) != n) {
		if (time_after(jiffies, end))
			return false;
		usleep_range(200, 1000);
	}
	return true;
}

/*
 * A test thread.  ipc_t_thr_join() waits for @fn to finish, then reaps the
 * kthread (kthread_stop() on a thread that never ran would skip @fn).  If
 * @fn hangs, the join fails the test and leaks the thread instead of
 * hanging the run.
 */
struct ipc_t_thr {
	struct task_struct *task;
	struct completion done;
	int (*fn)(struct ipc_t_thr *thr);
	void *ctx;
	int idx;
	int ret;
	bool joined;
	/* for receivers */
	struct xmsg_owner owner;
	int got;
	u32 tags[64];
	u64 gen;
};

static inline int ipc_t_thr_main(void *p)
{
	struct ipc_t_thr *thr = p;

	thr->ret = thr->fn(thr);
	complete(&thr->done);
	return 0;
}

static inline struct ipc_t_thr *ipc_t_thr_start(struct kunit *test,
						int (*fn)(struct ipc_t_thr *),
						void *ctx, int idx)
{
	struct ipc_t_thr *thr = kzalloc(sizeof(*thr), GFP_KERNEL);
	struct task_struct *t;

	KUNIT_ASSERT_NOT_NULL(test, thr);
	init_completion(&thr->done);
	thr->fn = fn;
	thr->ctx = ctx;
	thr->idx = idx;
	xmsg_owner_init(&thr->owner, "kunit-thr");
	t = kthread_create(ipc_t_thr_main, thr, "xmsg-kunit/%d", idx);
	if (IS_ERR(t)) {
		kfree(thr);
		KUNIT_ASSERT_TRUE_MSG(test, false, "kthread_create failed");
	}
	get_task_struct(t);
	thr->task = t;
	wake_up_process(t);
	return thr;
}

/* Returns the thread's result, or -ETIME (test failed) if it hung. */
static inline int ipc_t_thr_join(struct kunit *test, struct ipc_t_thr *thr)
{
	int ret;

	if (!wait_for_completion_timeout(&thr->done, 3 * IPC_T_WAIT)) {
		KUNIT_FAIL(test, "thread %d hung", thr->idx);
		return -ETIME;
	}
	kthread_stop(thr->task);
	put_task_struct(thr->task);
	xmsg_owner_release_all(&thr->owner);
	thr->joined = true;
	ret = thr->ret;
	return ret;
}

static inline void ipc_t_thr_free(struct ipc_t_thr *thr)
{
	if (thr && thr->joined)
		kfree(thr);
}

#endif /* _XMSG_IPC_TEST_H */
