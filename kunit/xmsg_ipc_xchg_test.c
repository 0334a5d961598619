// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: xmsg normal exchanges (create, destroy, send, receive, priority
 * order, limits, timeouts, signals, poll, receiver kthreads).
 */
#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include "xmsg_ipc_test.h"

struct rx_ctx {
	struct xmsg_xchg *xchg;
	int want;
	s64 timeout;	/* ns from the call, or XMSG_WAIT_FOREVER */
};

/* Receive ctx->want messages (blocking); record their tags. */
static int rx_fn(struct ipc_t_thr *thr)
{
	struct rx_ctx *ctx = thr->ctx;
	struct xmsg_msg *msg;

	while (thr->got < ctx->want) {
		msg = xmsg_xchg_recv(ctx->xchg, &thr->owner,
				     xmsg_wait_ns(ctx->timeout), 0, NULL);
		if (IS_ERR(msg))
			return PTR_ERR(msg);
		if (msg->owner != &thr->owner)
			return -EBADMSG;
		thr->tags[thr->got++] = ipc_t_tag(msg);
		xmsg_msg_rel(msg);
	}
	return 0;
}

static void xchg_create_destroy(struct kunit *test)
{
	struct xmsg_xchg_stats st;
	struct xmsg_xchg *xchg;

	xchg = ipc_t_xchg(test, XMSG_XCHG_KIND_NORMAL, 0);
	xmsg_xchg_get_stats(xchg, &st);
	KUNIT_EXPECT_EQ(test, st.kind, (u32)XMSG_XCHG_KIND_NORMAL);
	KUNIT_EXPECT_EQ(test, st.limit, 1024U);
	KUNIT_EXPECT_EQ(test, st.queued, 0U);
	KUNIT_EXPECT_EQ(test, st.waiters, 0U);
	KUNIT_EXPECT_EQ(test, xmsg_xchg_kind(xchg), XMSG_XCHG_KIND_NORMAL);
	KUNIT_EXPECT_PTR_EQ(test, xmsg_obj_xchg(xmsg_xchg_obj(xchg)), xchg);
	KUNIT_EXPECT_NULL(test, xmsg_obj_sem(xmsg_xchg_obj(xchg)));
	KUNIT_EXPECT_FALSE(test, xmsg_obj_dead(xmsg_xchg_obj(xchg)));
	xmsg_xchg_destroy(xchg);
	xmsg_xchg_destroy(NULL);
}

static void xchg_create_einval(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_xchg_create("x", 7, 0)),
			(long)-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_xchg_create("x", XMSG_XCHG_KIND_NORMAL,
						       (1U << 20) + 1)),
			(long)-EINVAL);
}

static void xchg_send_recv(struct kunit *test)
{
	struct ipc_t_env *env = ipc_t_env(test);
	struct xmsg_xchg *xchg = ipc_t_xchg(test, XMSG_XCHG_KIND_NORMAL, 0);
	struct xmsg_msg *msg = ipc_t_msg(test, env, &env->a, 42), *got;

	KUNIT_EXPECT_EQ(test, xmsg_xchg_send(xchg, msg, &env->a, 5), 0);
	KUNIT_EXPECT_NULL(test, msg->owner);
	KUNIT_EXPECT_EQ(test, env->a.nr, 0UL);
	KUNIT_EXPECT_EQ(test, ipc_t_xchg_queued(xchg), 1U);
	got = xmsg_xchg_recv(xchg, &env->b, 0, 0, NULL);
	KUNIT_ASSERT_PTR_EQ(test, got, msg);
	KUNIT_EXPECT_PTR_EQ(test, got->owner, &env->b);
	KUNIT_EXPECT_EQ(test, env->b.nr, 1UL);
	KUNIT_EXPECT_EQ(test, got->prio, 5);
	KUNIT_EXPECT_EQ(test, ipc_t_tag(got), 42U);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_xchg_recv(xchg, &env->b, 0, 0,
						     NULL)), (long)-EAGAIN);
	KUNIT_EXPECT_EQ(test, xmsg_msg_rel(got), 0);
	xmsg_xchg_destroy(xchg);
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(env->pool), 0ULL);
}

/* A deferred hand-over: the receiver has the message only once woken. */
static void xchg_send_defer(struct kunit *test)
{
	struct ipc_t_env *env = ipc_t_env(test);
	struct xmsg_xchg *xchg = ipc_t_xchg(test, XMSG_XCHG_KIND_NORMAL, 0);
	struct rx_ctx ctx = { .xchg = xchg, .want = 1,
			      .timeout = IPC_T_WAIT_NS };
	struct ipc_t_thr *thr;
	struct xmsg_msg *msg;
	LIST_HEAD(wake);

	thr = ipc_t_thr_start(test, rx_fn, &ctx, 0);
	KUNIT_ASSERT_TRUE(test, ipc_t_xchg_wait_waiters(xchg, 1));
	msg = ipc_t_msg(test, env, &env->a, 7);
	KUNIT_EXPECT_EQ(test, xmsg_xchg_send_defer(xchg, msg, &env->a, 0,
						   &wake), 0);
	KUNIT_EXPECT_EQ(test, ipc_t_xchg_waiters(xchg), 0U);	/* chosen */
	KUNIT_EXPECT_EQ(test, ipc_t_xchg_queued(xchg), 0U);
	KUNIT_EXPECT_FALSE(test, list_empty(&wake));
	msleep(20);
	KUNIT_EXPECT_FALSE(test, completion_done(&thr->done));
	xmsg_xchg_wake(&wake);
	KUNIT_EXPECT_TRUE(test, list_empty(&wake));
	KUNIT_EXPECT_EQ(test, ipc_t_thr_join(test, thr), 0);
	KUNIT_EXPECT_EQ(test, thr->got, 1);
	KUNIT_EXPECT_EQ(test, thr->tags[0], 7U);
	ipc_t_thr_free(thr);

	/* nobody waiting: queued, nothing to wake; errors as a send's */
	msg = ipc_t_msg(test, env, &env->a, 8);
	KUNIT_EXPECT_EQ(test, xmsg_xchg_send_defer(NULL, msg, &env->a, 0,
						   &wake), -EINVAL);
	KUNIT_EXPECT_EQ(test, xmsg_xchg_send_defer(xchg, msg, &env->b, 0,
						   &wake), -EPERM);
	KUNIT_EXPECT_EQ(test, xmsg_xchg_send_defer(xchg, msg, &env->a, 0,
						   &wake), 0);
	KUNIT_EXPECT_TRUE(test, list_empty(&wake));
	KUNIT_EXPECT_EQ(test, ipc_t_xchg_queued(xchg), 1U);
	xmsg_xchg_wake(&wake);		/* empty: nothing happens */
	xmsg_xchg_destroy(xchg);
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(env->pool), 0ULL);
}

static void xchg_kernel_no_owner(struct kunit *test)
{
	struct ipc_t_env *env = ipc_t_env(test);
	struct xmsg_xchg *xchg = ipc_t_xchg(test, XMSG_XCHG_KIND_NORMAL, 0);
	struct xmsg_msg *msg = ipc_t_msg(test, env, NULL, 1), *got;

	KUNIT_EXPECT_EQ(test, xmsg_xchg_send(xchg, msg, NULL, 0), 0);
	got = xmsg_xchg_recv(xchg, NULL, 0, 0, NULL);
	KUNIT_EXPECT_PTR_EQ(test, got, msg);
	KUNIT_EXPECT_NULL(test, got->owner);
	xmsg_msg_rel(got);
	xmsg_xchg_destroy(xchg);
}

static void xchg_prio_order(struct kunit *test)
{
	static const u8 prio[] = { 3, 10, 0, 31, 10, 3, 31, 0 };
	static const u32 want[] = { 3, 6, 1, 4, 0, 5, 2, 7 };
	struct ipc_t_env *env = ipc_t_env(test);
	struct xmsg_xchg *xchg = ipc_t_xchg(test, XMSG_XCHG_KIND_NORMAL, 0);
	struct xmsg_msg *msg;
	int i;

	for (i = 0; i < ARRAY_SIZE(prio); i++) {
		msg = ipc_t_msg(test, env, &env->a, i);
		KUNIT_ASSERT_EQ(test, xmsg_xchg_send(xchg, msg, &env->a,
						     prio[i]), 0);
	}
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		msg = xmsg_xchg_recv(xchg, &env->b, 0, 0, NULL);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, msg);
		KUNIT_EXPECT_EQ(test, ipc_t_tag(msg), want[i]);
		KUNIT_EXPECT_EQ(test, msg->prio, prio[want[i]]);
		xmsg_msg_rel(msg);
	}
	xmsg_xchg_destroy(xchg);
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(env->pool), 0ULL);
}

static void xchg_fifo_within_prio(struct kunit *test)
{
	struct ipc_t_env *env = ipc_t_env(test);
	struct xmsg_xchg *xchg = ipc_t_xchg(test, XMSG_XCHG_KIND_NORMAL, 0);
	struct xmsg_msg *msg;
	int i;

	for (i = 0; i < 32; i++) {
		msg = ipc_t_msg(test, env, &env->a, i);
		KUNIT_ASSERT_EQ(test, xmsg_xchg_send(xchg, msg, &env->a, 7),
				0);
	}
	for (i = 0; i < 32; i++) {
		msg = xmsg_xchg_recv(xchg, &env->b, 0, 0, NULL);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, msg);
		KUNIT_EXPECT_EQ(test, ipc_t_tag(msg), (u32)i);
		xmsg_msg_rel(msg);
	}
	xmsg_xchg_destroy(xchg);
}

static void xchg_send_einval(struct kunit *test)
{
	struct ipc_t_env *env = ipc_t_env(test);
	struct xmsg_xchg *xchg = ipc_t_xchg(test, XMSG_XCHG_KIND_NORMAL, 0);
	struct xmsg_msg *msg = ipc_t_msg(test, env, &env->a, 1);

	KUNIT_EXPECT_EQ(test, xmsg_xchg_send(NULL, msg, &env->a, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, xmsg_xchg_send(xchg, NULL, &env->a, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, xmsg_xchg_send(xchg, msg, &env->a,
					     XMSG_MSG_PRIO_MAX + 1), -EINVAL);
	KUNIT_EXPECT_PTR_EQ(test, msg->owner, &env->a);
	KUNIT_EXPECT_EQ(test, ipc_t_xchg_queued(xchg), 0U);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_xchg_recv(NULL, NULL, 0, 0, NULL)),
			(long)-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_xchg_recv(xchg, NULL, -1, 0, NULL)),
			(long)-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_xchg_recv(xchg, NULL, 0, 0x80,
						     NULL)), (long)-EINVAL);
	xmsg_msg_rel(msg);
	xmsg_xchg_destroy(xchg);
}

/* A kernel user (no owner) sending a queued message again is refused. */
static void xchg_send_queued_einval(struct kunit *test)
{
	struct ipc_t_env *env = ipc_t_env(test);
	struct xmsg_xchg *xchg = ipc_t_xchg(test, XMSG_XCHG_KIND_NORMAL, 0);
	struct xmsg_xchg *other = ipc_t_xchg(test, XMSG_XCHG_KIND_NORMAL, 0);
	struct xmsg_msg *msg = ipc_t_msg(test, env, NULL, 1);

	KUNIT_EXPECT_EQ(test, xmsg_xchg_send(xchg, msg, NULL, 0), 0);
	KUNIT_EXPECT_EQ(test, xmsg_xchg_send(xchg, msg, NULL, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, xmsg_xchg_send(other, msg, NULL, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, ipc_t_xchg_queued(xchg), 1U);
	KUNIT_EXPECT_EQ(test, ipc_t_xchg_queued(other), 0U);
	xmsg_xchg_destroy(xchg);
	xmsg_xchg_destroy(other);
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(env->pool), 0ULL);
}

static void xchg_send_eperm(struct kunit *test)
{
	struct ipc_t_env *env = ipc_t_env(test);
	struct xmsg_xchg *xchg = ipc_t_xchg(test, XMSG_XCHG_KIND_NORMAL, 0);
	struct xmsg_msg *msg = ipc_t_msg(test, env, &env->a, 1);

	KUNIT_EXPECT_EQ(test, xmsg_xchg_send(xchg, msg, &env->b, 0), -EPERM);
	KUNIT_EXPECT_EQ(test, xmsg_xchg_send(xchg, msg, NULL, 0), -EPERM);
	KUNIT_EXPECT_PTR_EQ(test, msg->owner, &env->a);
	KUNIT_EXPECT_EQ(test, env->a.nr, 1UL);
	KUNIT_EXPECT_EQ(test, ipc_t_xchg_queued(xchg), 0U);
	xmsg_msg_rel(msg);
	xmsg_xchg_destroy(xchg);
}

static void xchg_send_enospc(struct kunit *test)
{
	struct ipc_t_env *env = ipc_t_env(test);
	struct xmsg_xchg *xchg = ipc_t_xchg(test, XMSG_XCHG_KIND_NORMAL, 2);
	struct xmsg_msg *msg;
	__poll_t mask;
	int i;

	for (i = 0; i < 2; i++) {
		msg = ipc_t_msg(test, env, &env->a, i);
		KUNIT_ASSERT_EQ(test, xmsg_xchg_send(xchg, msg, &env->a, 0), 0);
	}
	mask = xmsg_xchg_poll(xchg, NULL, NULL, 0);
	KUNIT_EXPECT_FALSE(test, mask & EPOLLOUT);
	msg = ipc_t_msg(test, env, &env->a, 2);
	KUNIT_EXPECT_EQ(test, xmsg_xchg_send(xchg, msg, &env->a, 0), -ENOSPC);
	KUNIT_EXPECT_PTR_EQ(test, msg->owner, &env->a);
	KUNIT_EXPECT_EQ(test, env->a.nr, 1UL);
	KUNIT_EXPECT_EQ(test, ipc_t_xchg_queued(xchg), 2U);
	xmsg_msg_rel(msg);
	xmsg_xchg_destroy(xchg);
	/* destroy released the two queued messages */
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(env->pool), 0ULL);
}

static void xchg_recv_timeout(struct kunit *test)
{
	struct xmsg_xchg *xchg = ipc_t_xchg(test, XMSG_XCHG_KIND_NORMAL, 0);
	ktime_t deadline;
	int i;

	/* a timed-out receive never returns before its time */
	for (i = 0; i < 20; i++) {
		deadline = xmsg_wait_ns(NSEC_PER_MSEC);
		KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_xchg_recv(xchg, NULL,
							     deadline, 0,
							     NULL)),
				(long)-ETIMEDOUT);
		KUNIT_EXPECT_GE(test, ktime_get(), deadline);
	}
	/* a time already past: at once */
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_xchg_recv(xchg, NULL, ktime_get(),
						     0, NULL)),
			(long)-ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, ipc_t_xchg_waiters(xchg), 0U);
	xmsg_xchg_destroy(xchg);
}

static void xchg_destroyed_eidrm(struct kunit *test)
{
	struct ipc_t_env *env = ipc_t_env(test);
	struct xmsg_xchg *xchg = ipc_t_xchg(test, XMSG_XCHG_KIND_NORMAL, 0);
	struct xmsg_obj *obj = xmsg_xchg_obj(xchg);
	struct xmsg_msg *msg = ipc_t_msg(test, env, &env->a, 1);

	xmsg_obj_get(obj);
	xmsg_xchg_destroy(xchg);
	KUNIT_EXPECT_TRUE(test, xmsg_obj_dead(obj));
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_xchg_recv(xchg, &env->b, 0, 0,
						     NULL)), (long)-EIDRM);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_xchg_recv(xchg, &env->b,
						     xmsg_wait_ns(NSEC_PER_SEC),
						     0, NULL)), (long)-EIDRM);
	KUNIT_EXPECT_EQ(test, xmsg_xchg_send(xchg, msg, &env->a, 0), -EIDRM);
	KUNIT_EXPECT_PTR_EQ(test, msg->owner, &env->a);
	KUNIT_EXPECT_EQ(test, ipc_t_xchg_poll(xchg, 0),
			ipc_t_pm(EPOLLERR | EPOLLHUP));
	xmsg_obj_put(obj);
	xmsg_msg_rel(msg);
}

static void xchg_poll(struct kunit *test)
{
	struct ipc_t_env *env = ipc_t_env(test);
	struct xmsg_xchg *xchg = ipc_t_xchg(test, XMSG_XCHG_KIND_NORMAL, 0);
	struct xmsg_msg *msg = ipc_t_msg(test, env, &env->a, 1);

	KUNIT_EXPECT_EQ(test, ipc_t_xchg_poll(xchg, 0),
			ipc_t_pm(EPOLLOUT | EPOLLWRNORM));
	KUNIT_ASSERT_EQ(test, xmsg_xchg_send(xchg, msg, &env->a, 0), 0);
	KUNIT_EXPECT_EQ(test, ipc_t_xchg_poll(xchg, 0),
			ipc_t_pm(EPOLLIN | EPOLLRDNORM | EPOLLOUT |
				 EPOLLWRNORM));
	xmsg_xchg_destroy(xchg);
}

/* @n receivers wait first, then get @per messages each, handed over. */
static void xchg_receivers(struct kunit *test, int n, int per)
{
	struct ipc_t_env *env = ipc_t_env(test);
	struct xmsg_xchg *xchg = ipc_t_xchg(test, XMSG_XCHG_KIND_NORMAL, 0);
	struct rx_ctx ctx = { .xchg = xchg, .want = per,
			      .timeout = IPC_T_WAIT_NS };
	DECLARE_BITMAP(seen, 64) = {};
	struct ipc_t_thr *thr[8];
	struct xmsg_msg *msg;
	int i, j;

	for (i = 0; i < n; i++)
		thr[i] = ipc_t_thr_start(test, rx_fn, &ctx, i);
	/* everybody waits: the first n sends are hand-overs */
	KUNIT_EXPECT_TRUE(test, ipc_t_xchg_wait_waiters(xchg, n));
	for (i = 0; i < n * per; i++) {
		msg = ipc_t_msg(test, env, &env->a, i);
		KUNIT_EXPECT_EQ(test, xmsg_xchg_send(xchg, msg, &env->a,
						     i % 4), 0);
	}
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ(test, ipc_t_thr_join(test, thr[i]), 0);
		KUNIT_EXPECT_EQ(test, thr[i]->got, per);
		for (j = 0; j < thr[i]->got; j++) {
			KUNIT_EXPECT_FALSE(test, test_bit(thr[i]->tags[j],
							  seen));
			__set_bit(thr[i]->tags[j], seen);
		}
		ipc_t_thr_free(thr[i]);
	}
	KUNIT_EXPECT_EQ(test, bitmap_weight(seen, 64), (unsigned int)(n * per));
	KUNIT_EXPECT_EQ(test, ipc_t_xchg_queued(xchg), 0U);
	xmsg_xchg_destroy(xchg);
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(env->pool), 0ULL);
}

static void xchg_receivers_1(struct kunit *test)
{
	xchg_receivers(test, 1, 8);
}

static void xchg_receivers_2(struct kunit *test)
{
	xchg_receivers(test, 2, 8);
}

static void xchg_receivers_8(struct kunit *test)
{
	xchg_receivers(test, 8, 4);
}

static int rx_prio_fn(struct ipc_t_thr *thr)
{
	int err = ipc_t_set_fifo(ipc_t_prios[thr->idx]);

	return err ?: rx_fn(thr);
}

/*
 * Receivers of different scheduling priorities queue one after the other;
 * the messages go to the highest priority first, FIFO among equals.
 */
static void xchg_receivers_prio(struct kunit *test, u32 kind)
{
	struct ipc_t_env *env = ipc_t_env(test);
	struct xmsg_xchg *xchg = ipc_t_xchg(test, kind, 0);
	struct rx_ctx ctx = { .xchg = xchg, .want = 1,
			      .timeout = IPC_T_WAIT_NS };
	struct ipc_t_thr *thr[IPC_T_PRIO_N];
	struct xmsg_msg *msg;
	int i;

	for (i = 0; i < IPC_T_PRIO_N; i++) {
		thr[i] = ipc_t_thr_start(test, rx_prio_fn, &ctx, i);
		KUNIT_EXPECT_TRUE(test, ipc_t_xchg_wait_waiters(xchg, i + 1));
	}
	for (i = 0; i < IPC_T_PRIO_N; i++) {
		msg = ipc_t_msg(test, env, &env->a, i);
		KUNIT_EXPECT_EQ(test, xmsg_xchg_send(xchg, msg, &env->a, 0), 0);
	}
	for (i = 0; i < IPC_T_PRIO_N; i++) {
		KUNIT_EXPECT_EQ(test, ipc_t_thr_join(test, thr[i]), 0);
		KUNIT_EXPECT_EQ(test, thr[i]->got, 1);
		KUNIT_EXPECT_EQ_MSG(test, thr[i]->tags[0],
				    (u32)ipc_t_prio_rank[i],
				    "receiver %d (prio %d)", i, ipc_t_prios[i]);
		ipc_t_thr_free(thr[i]);
	}
	xmsg_xchg_destroy(xchg);
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(env->pool), 0ULL);
}

static void xchg_receivers_prio_normal(struct kunit *test)
{
	xchg_receivers_prio(test, XMSG_XCHG_KIND_NORMAL);
}

static void xchg_receivers_prio_pass(struct kunit *test)
{
	xchg_receivers_prio(test, XMSG_XCHG_KIND_PASS);
}

static void xchg_destroy_wakes(struct kunit *test, int n)
{
	struct xmsg_xchg *xchg = ipc_t_xchg(test, XMSG_XCHG_KIND_NORMAL, 0);
	struct rx_ctx ctx = { .xchg = xchg, .want = 1,
			      .timeout = XMSG_WAIT_FOREVER };
	struct xmsg_obj *obj = xmsg_xchg_obj(xchg);
	struct ipc_t_thr *thr[8];
	int i;

	xmsg_obj_get(obj);	/* the threads use xchg after destroy */
	for (i = 0; i < n; i++)
		thr[i] = ipc_t_thr_start(test, rx_fn, &ctx, i);
	KUNIT_EXPECT_TRUE(test, ipc_t_xchg_wait_waiters(xchg, n));
	xmsg_xchg_destroy(xchg);
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ(test, ipc_t_thr_join(test, thr[i]), -EIDRM);
		ipc_t_thr_free(thr[i]);
	}
	xmsg_obj_put(obj);
}

static void xchg_destroy_wakes_1(struct kunit *test)
{
	xchg_destroy_wakes(test, 1);
}

static void xchg_destroy_wakes_8(struct kunit *test)
{
	xchg_destroy_wakes(test, 8);
}

static int rx_sig_fn(struct ipc_t_thr *thr)
{
	allow_signal(SIGUSR1);
	return rx_fn(thr);
}

static void xchg_recv_signal(struct kunit *test)
{
	struct xmsg_xchg *xchg = ipc_t_xchg(test, XMSG_XCHG_KIND_NORMAL, 0);
	struct rx_ctx ctx = { .xchg = xchg, .want = 1,
			      .timeout = XMSG_WAIT_FOREVER };
	struct ipc_t_thr *thr;

	thr = ipc_t_thr_start(test, rx_sig_fn, &ctx, 0);
	KUNIT_EXPECT_TRUE(test, ipc_t_xchg_wait_waiters(xchg, 1));
	send_sig(SIGUSR1, thr->task, 1);
	KUNIT_EXPECT_EQ(test, ipc_t_thr_join(test, thr), -ERESTARTSYS);
	KUNIT_EXPECT_EQ(test, ipc_t_xchg_waiters(xchg), 0U);
	ipc_t_thr_free(thr);
	xmsg_xchg_destroy(xchg);
}

/* A signal right after the hand-over must not lose the message. */
static void xchg_handoff_then_signal(struct kunit *test)
{
	struct ipc_t_env *env = ipc_t_env(test);
	struct xmsg_xchg *xchg = ipc_t_xchg(test, XMSG_XCHG_KIND_NORMAL, 0);
	struct rx_ctx ctx = { .xchg = xchg, .want = 1,
			      .timeout = XMSG_WAIT_FOREVER };
	struct ipc_t_thr *thr;
	int round;

	for (round = 0; round < 8; round++) {
		thr = ipc_t_thr_start(test, rx_sig_fn, &ctx, round);
		KUNIT_EXPECT_TRUE(test, ipc_t_xchg_wait_waiters(xchg, 1));
		KUNIT_EXPECT_EQ(test,
				xmsg_xchg_send(xchg, ipc_t_msg(test, env,
							       &env->a, round),
					       &env->a, 0), 0);
		send_sig(SIGUSR1, thr->task, 1);
		KUNIT_EXPECT_EQ(test, ipc_t_thr_join(test, thr), 0);
		KUNIT_EXPECT_EQ(test, thr->got, 1);
		KUNIT_EXPECT_EQ(test, thr->tags[0], (u32)round);
		ipc_t_thr_free(thr);
	}
	KUNIT_EXPECT_EQ(test, ipc_t_xchg_queued(xchg), 0U);
	xmsg_xchg_destroy(xchg);
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(env->pool), 0ULL);
}

/* Messages sent before the receivers start queue and are all received. */
static void xchg_queue_then_receivers(struct kunit *test)
{
	struct ipc_t_env *env = ipc_t_env(test);
	struct xmsg_xchg *xchg = ipc_t_xchg(test, XMSG_XCHG_KIND_NORMAL, 0);
	struct rx_ctx ctx = { .xchg = xchg, .want = 4,
			      .timeout = IPC_T_WAIT_NS };
	struct ipc_t_thr *thr[2];
	int i;

	for (i = 0; i < 8; i++)
		KUNIT_ASSERT_EQ(test,
				xmsg_xchg_send(xchg, ipc_t_msg(test, env,
							       &env->a, i),
					       &env->a, 0), 0);
	for (i = 0; i < 2; i++)
		thr[i] = ipc_t_thr_start(test, rx_fn, &ctx, i);
	for (i = 0; i < 2; i++) {
		KUNIT_EXPECT_EQ(test, ipc_t_thr_join(test, thr[i]), 0);
		ipc_t_thr_free(thr[i]);
	}
	KUNIT_EXPECT_EQ(test, ipc_t_xchg_queued(xchg), 0U);
	xmsg_xchg_destroy(xchg);
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(env->pool), 0ULL);
}

static void xchg_stats(struct kunit *test)
{
	struct ipc_t_env *env = ipc_t_env(test);
	struct xmsg_xchg *xchg = ipc_t_xchg(test, XMSG_XCHG_KIND_NORMAL, 16);
	struct xmsg_xchg_stats st;
	struct xmsg_msg *msg;

	KUNIT_ASSERT_EQ(test, xmsg_xchg_send(xchg, ipc_t_msg(test, env,
							     &env->a, 1),
					     &env->a, 0), 0);
	KUNIT_ASSERT_EQ(test, xmsg_xchg_send(xchg, ipc_t_msg(test, env,
							     &env->a, 2),
					     &env->a, 0), 0);
	msg = xmsg_xchg_recv(xchg, NULL, 0, 0, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, msg);
	xmsg_xchg_get_stats(xchg, &st);
	KUNIT_EXPECT_EQ(test, st.limit, 16U);
	KUNIT_EXPECT_EQ(test, st.queued, 1U);
	KUNIT_EXPECT_EQ(test, st.sent, 2ULL);
	KUNIT_EXPECT_EQ(test, st.received, 1ULL);
	KUNIT_EXPECT_EQ(test, st.gen, 0ULL);
	xmsg_msg_rel(msg);
	xmsg_xchg_destroy(xchg);
}

/*
 * Stress: senders and receivers race; receivers wait 1 jiffy at a time and
 * get signals now and then, so timeouts and signals collide with
 * hand-overs.  Every message must arrive exactly once.
 */
#define ST_SENDERS	3
#define ST_RECEIVERS	3
#define ST_PER		100
#define ST_TOTAL	(ST_SENDERS * ST_PER)

struct st_ctx {
	struct ipc_t_env *env;
	struct xmsg_xchg *xchg;
	atomic_t received;
	atomic_t dups;
	atomic_t interrupted;
	DECLARE_BITMAP(seen, ST_TOTAL);
};

static int st_send_fn(struct ipc_t_thr *thr)
{
	struct st_ctx *ctx = thr->ctx;
	struct xmsg_msg *msg;
	unsigned long end = jiffies + 3 * IPC_T_WAIT;
	int i, ret;

	for (i = 0; i < ST_PER; i++) {
		do {
			if (time_after(jiffies, end))
				return -ETIMEDOUT;
			msg = xmsg_msg_get(ctx->env->pool, &thr->owner,
					   GFP_KERNEL);
			if (IS_ERR(msg)) {
				cond_resched();
				continue;
			}
			*(u32 *)msg->body = thr->idx * ST_PER + i;
			do {
				ret = xmsg_xchg_send(ctx->xchg, msg,
						     &thr->owner, i % 8);
				if (ret == -ENOSPC)
					usleep_range(50, 200);
			} while (ret == -ENOSPC && !time_after(jiffies, end));
			if (ret)
				return ret;
		} while (IS_ERR(msg));
	}
	return 0;
}

static int st_recv_fn(struct ipc_t_thr *thr)
{
	struct st_ctx *ctx = thr->ctx;
	unsigned long end = jiffies + 3 * IPC_T_WAIT;
	struct xmsg_msg *msg;
	u32 tag;

	allow_signal(SIGUSR1);
	while (atomic_read(&ctx->received) < ST_TOTAL) {
		if (time_after(jiffies, end))
			return -ETIMEDOUT;
		msg = xmsg_xchg_recv(ctx->xchg, &thr->owner,
				     xmsg_wait_ns(NSEC_PER_MSEC), 0, NULL);
		if (PTR_ERR(msg) == -ERESTARTSYS) {
			flush_signals(current);
			atomic_inc(&ctx->interrupted);
			continue;
		}
		if (PTR_ERR(msg) == -ETIMEDOUT)
			continue;
		if (IS_ERR(msg))
			return PTR_ERR(msg);
		tag = ipc_t_tag(msg);
		if (tag >= ST_TOTAL || test_and_set_bit(tag, ctx->seen))
			atomic_inc(&ctx->dups);
		thr->got++;
		xmsg_msg_rel(msg);
		atomic_inc(&ctx->received);
	}
	return 0;
}

static void xchg_stress(struct kunit *test)
{
	struct st_ctx *ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	struct ipc_t_thr *rx[ST_RECEIVERS], *tx[ST_SENDERS];
	int i, n;

	KUNIT_ASSERT_NOT_NULL(test, ctx);
	ctx->env = ipc_t_env(test);
	ctx->xchg = ipc_t_xchg(test, XMSG_XCHG_KIND_NORMAL, 8);
	for (i = 0; i < ST_RECEIVERS; i++)
		rx[i] = ipc_t_thr_start(test, st_recv_fn, ctx, i);
	for (i = 0; i < ST_SENDERS; i++)
		tx[i] = ipc_t_thr_start(test, st_send_fn, ctx, i);
	for (n = 0; n < 200 && atomic_read(&ctx->received) < ST_TOTAL; n++) {
		send_sig(SIGUSR1, rx[n % ST_RECEIVERS]->task, 1);
		usleep_range(500, 1000);
	}
	for (i = 0; i < ST_SENDERS; i++) {
		KUNIT_EXPECT_EQ(test, ipc_t_thr_join(test, tx[i]), 0);
		ipc_t_thr_free(tx[i]);
	}
	for (i = 0; i < ST_RECEIVERS; i++) {
		KUNIT_EXPECT_EQ(test, ipc_t_thr_join(test, rx[i]), 0);
		ipc_t_thr_free(rx[i]);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->received), ST_TOTAL);
	KUNIT_EXPECT_EQ(test, atomic_read(&ctx->dups), 0);
	KUNIT_EXPECT_EQ(test, bitmap_weight(ctx->seen, ST_TOTAL),
			(unsigned int)ST_TOTAL);
	KUNIT_EXPECT_EQ(test, ipc_t_xchg_queued(ctx->xchg), 0U);
	kunit_info(test, "%d receive waits interrupted by signals\n",
		   atomic_read(&ctx->interrupted));
	xmsg_xchg_destroy(ctx->xchg);
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(ctx->env->pool), 0ULL);
}

/* The debugfs listings exist when debugfs does. */
static void xchg_debugfs(struct kunit *test)
{
	struct dentry *root = xmsg_debugfs_root(), *d;

	if (IS_ERR_OR_NULL(root))
		kunit_skip(test, "no debugfs");
	d = debugfs_lookup("exchanges", root);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, d);
	dput(d);
	d = debugfs_lookup("semaphores", root);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, d);
	dput(d);
}

static struct kunit_case xmsg_ipc_xchg_cases[] = {
	KUNIT_CASE(xchg_create_destroy),
	KUNIT_CASE(xchg_create_einval),
	KUNIT_CASE(xchg_send_recv),
	KUNIT_CASE(xchg_send_defer),
	KUNIT_CASE(xchg_kernel_no_owner),
	KUNIT_CASE(xchg_prio_order),
	KUNIT_CASE(xchg_fifo_within_prio),
	KUNIT_CASE(xchg_send_einval),
	KUNIT_CASE(xchg_send_queued_einval),
	KUNIT_CASE(xchg_send_eperm),
	KUNIT_CASE(xchg_send_enospc),
	KUNIT_CASE(xchg_recv_timeout),
	KUNIT_CASE(xchg_destroyed_eidrm),
	KUNIT_CASE(xchg_poll),
	KUNIT_CASE(xchg_stats),
	KUNIT_CASE(xchg_debugfs),
	KUNIT_CASE(xchg_receivers_1),
	KUNIT_CASE(xchg_receivers_2),
	KUNIT_CASE(xchg_receivers_8),
	KUNIT_CASE(xchg_queue_then_receivers),
	KUNIT_CASE(xchg_receivers_prio_normal),
	KUNIT_CASE(xchg_receivers_prio_pass),
	KUNIT_CASE(xchg_destroy_wakes_1),
	KUNIT_CASE(xchg_destroy_wakes_8),
	KUNIT_CASE(xchg_recv_signal),
	KUNIT_CASE(xchg_handoff_then_signal),
	KUNIT_CASE(xchg_stress),
	{}
};

static struct kunit_suite xmsg_ipc_xchg_suite = {
	.name = "xmsg_ipc_xchg",
	.test_cases = xmsg_ipc_xchg_cases,
};

kunit_test_suite(xmsg_ipc_xchg_suite);

MODULE_DESCRIPTION("KUnit tests for xmsg normal exchanges");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(XMSG_NS);
