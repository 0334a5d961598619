// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: xmsg pass (priority pass) exchanges: the message priority goes to
 * the receiver, in priority order, to 1, 2 and 8 receiver kthreads; with
 * XMSG_XCHG_PASS_SCHED the receiving thread runs at a priority derived
 * from it (the mapping, and a receive that sets and restores it).
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <linux/sched/prio.h>
#include "xmsg_ipc_test.h"

struct prx_ctx {
	struct xmsg_xchg *xchg;
	int want;
};

/* Receive; the tag is the priority the sender used: check it came along. */
static int prx_fn(struct ipc_t_thr *thr)
{
	struct prx_ctx *ctx = thr->ctx;
	struct xmsg_msg *msg;

	while (thr->got < ctx->want) {
		msg = xmsg_xchg_recv(ctx->xchg, &thr->owner, ipc_t_wait(), 0,
				     NULL);
		if (IS_ERR(msg))
			return PTR_ERR(msg);
		if (msg->prio != ipc_t_tag(msg) % (XMSG_MSG_PRIO_MAX + 1))
			return -EBADMSG;
		thr->tags[thr->got++] = ipc_t_tag(msg);
		xmsg_msg_rel(msg);
	}
	return 0;
}

static void pass_create(struct kunit *test)
{
	struct xmsg_xchg *xchg = ipc_t_xchg(test, XMSG_XCHG_KIND_PASS, 8);
	struct xmsg_xchg_stats st;

	KUNIT_EXPECT_EQ(test, xmsg_xchg_kind(xchg), XMSG_XCHG_KIND_PASS);
	xmsg_xchg_get_stats(xchg, &st);
	KUNIT_EXPECT_EQ(test, st.kind, (u32)XMSG_XCHG_KIND_PASS);
	KUNIT_EXPECT_EQ(test, st.limit, 8U);
	xmsg_xchg_destroy(xchg);
}

static void pass_prio_returned(struct kunit *test)
{
	static const u8 prio[] = { 0, 17, 31, 5, 17 };
	static const u32 want[] = { 2, 1, 4, 3, 0 };
	struct ipc_t_env *env = ipc_t_env(test);
	struct xmsg_xchg *xchg = ipc_t_xchg(test, XMSG_XCHG_KIND_PASS, 0);
	struct xmsg_msg *msg;
	int i;

	for (i = 0; i < ARRAY_SIZE(prio); i++) {
		msg = ipc_t_msg(test, env, &env->a, i);
		msg->prio = 3;	/* overridden by the send */
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

static void pass_errors(struct kunit *test)
{
	struct ipc_t_env *env = ipc_t_env(test);
	struct xmsg_xchg *xchg = ipc_t_xchg(test, XMSG_XCHG_KIND_PASS, 1);
	struct xmsg_msg *m1 = ipc_t_msg(test, env, &env->a, 1);
	struct xmsg_msg *m2 = ipc_t_msg(test, env, &env->a, 2);

	KUNIT_EXPECT_EQ(test, xmsg_xchg_send(xchg, m1, &env->b, 1), -EPERM);
	KUNIT_EXPECT_EQ(test, xmsg_xchg_send(xchg, m1, &env->a, 99), -EINVAL);
	KUNIT_EXPECT_EQ(test, xmsg_xchg_send(xchg, m1, &env->a, 1), 0);
	KUNIT_EXPECT_EQ(test, xmsg_xchg_send(xchg, m2, &env->a, 1), -ENOSPC);
	KUNIT_EXPECT_PTR_EQ(test, m2->owner, &env->a);
	KUNIT_EXPECT_PTR_EQ(test, xmsg_xchg_recv(xchg, &env->b, 0, 0, NULL),
			    m1);
	KUNIT_EXPECT_EQ(test, m1->prio, 1);
	xmsg_msg_rel(m1);
	xmsg_msg_rel(m2);
	xmsg_xchg_destroy(xchg);
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(env->pool), 0ULL);
}

static void pass_receivers(struct kunit *test, int n, int per)
{
	struct ipc_t_env *env = ipc_t_env(test);
	struct xmsg_xchg *xchg = ipc_t_xchg(test, XMSG_XCHG_KIND_PASS, 0);
	struct prx_ctx ctx = { .xchg = xchg, .want = per };
	struct ipc_t_thr *thr[8];
	struct xmsg_msg *msg;
	int i, total = 0;

	for (i = 0; i < n; i++)
		thr[i] = ipc_t_thr_start(test, prx_fn, &ctx, i);
	KUNIT_EXPECT_TRUE(test, ipc_t_xchg_wait_waiters(xchg, n));
	for (i = 0; i < n * per; i++) {
		msg = ipc_t_msg(test, env, &env->a, i);
		KUNIT_EXPECT_EQ(test, xmsg_xchg_send(xchg, msg, &env->a,
						     i % (XMSG_MSG_PRIO_MAX + 1)),
				0);
	}
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ(test, ipc_t_thr_join(test, thr[i]), 0);
		total += thr[i]->got;
		ipc_t_thr_free(thr[i]);
	}
	KUNIT_EXPECT_EQ(test, total, n * per);
	xmsg_xchg_destroy(xchg);
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(env->pool), 0ULL);
}

static void pass_receivers_1(struct kunit *test)
{
	pass_receivers(test, 1, 8);
}

static void pass_receivers_2(struct kunit *test)
{
	pass_receivers(test, 2, 8);
}

static void pass_receivers_8(struct kunit *test)
{
	pass_receivers(test, 8, 4);
}

static void pass_destroy_wakes(struct kunit *test)
{
	struct xmsg_xchg *xchg = ipc_t_xchg(test, XMSG_XCHG_KIND_PASS, 0);
	struct prx_ctx ctx = { .xchg = xchg, .want = 1 };
	struct xmsg_obj *obj = xmsg_xchg_obj(xchg);
	struct ipc_t_thr *thr[2];
	int i;

	xmsg_obj_get(obj);
	for (i = 0; i < 2; i++)
		thr[i] = ipc_t_thr_start(test, prx_fn, &ctx, i);
	KUNIT_EXPECT_TRUE(test, ipc_t_xchg_wait_waiters(xchg, 2));
	xmsg_xchg_destroy(xchg);
	for (i = 0; i < 2; i++) {
		KUNIT_EXPECT_EQ(test, ipc_t_thr_join(test, thr[i]), -EIDRM);
		ipc_t_thr_free(thr[i]);
	}
	xmsg_obj_put(obj);
}

struct pass_map_case {
	struct xmsg_sched own;
	u8 prio;
	struct xmsg_sched_limits lim;
	int want;	/* nice or rt_prio */
};

#define PM_NICE(n, p, floor, w) \
	{ { SCHED_NORMAL, n, 0 }, p, { floor, 0 }, w }
#define PM_RT(r, p, ceil, w) \
	{ { SCHED_FIFO, 0, r }, p, { MAX_NICE, ceil }, w }

/* The mapping: bounded by the limits, never lower than the thread's own. */
static void pass_sched_map(struct kunit *test)
{
	static const struct pass_map_case cases[] = {
		PM_NICE(0, 0, MIN_NICE, 0),	/* prio 0: nothing */
		PM_NICE(0, 1, MIN_NICE, 0),
		PM_NICE(0, 10, MIN_NICE, -5),
		PM_NICE(0, 31, MIN_NICE, -15),
		PM_NICE(0, 255, MIN_NICE, -15),	/* taken as 31 */
		PM_NICE(-10, 31, MIN_NICE, MIN_NICE),
		PM_NICE(5, 31, 0, 0),		/* RLIMIT_NICE floor */
		PM_NICE(-5, 31, 0, -5),		/* below the floor: stays */
		PM_NICE(10, 31, 21, 10),	/* RLIMIT_NICE 0 */
		PM_RT(10, 0, 99, 10),
		PM_RT(10, 31, 99, 41),
		PM_RT(90, 31, 99, 99),		/* MAX_RT_PRIO - 1 */
		PM_RT(10, 31, 20, 20),		/* RLIMIT_RTPRIO */
		PM_RT(30, 5, 20, 30),		/* above RLIMIT_RTPRIO: stays */
		PM_RT(50, 31, 200, 81),		/* a bad limit is capped */
	};
	static const u32 other[] = { SCHED_IDLE, SCHED_DEADLINE };
	struct xmsg_sched_limits lim = { MIN_NICE, MAX_RT_PRIO - 1 };
	struct xmsg_sched own, out;
	const struct pass_map_case *c;
	int i, got;
	bool changed;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		c = &cases[i];
		changed = xmsg_prio_pass_map(&c->own, c->prio, &c->lim, &out);
		got = c->own.policy == SCHED_FIFO ? out.rt_prio : out.nice;
		KUNIT_EXPECT_EQ_MSG(test, got, c->want, "case %d", i);
		KUNIT_EXPECT_EQ_MSG(test, out.policy, c->own.policy,
				    "case %d", i);
		KUNIT_EXPECT_EQ_MSG(test, changed,
				    got != (c->own.policy == SCHED_FIFO ?
					    c->own.rt_prio : c->own.nice),
				    "case %d", i);
	}
	for (i = 0; i < ARRAY_SIZE(other); i++) {
		own = (struct xmsg_sched){ other[i], 0, 0 };
		KUNIT_EXPECT_FALSE(test, xmsg_prio_pass_map(&own, 31, &lim,
							    &out));
		KUNIT_EXPECT_EQ(test, out.nice, 0);
		KUNIT_EXPECT_EQ(test, out.rt_prio, 0);
	}
}

static void pass_sched_einval(struct kunit *test)
{
	static const u32 bad[][2] = {
		{ XMSG_XCHG_KIND_NORMAL, XMSG_XCHG_PASS_SCHED },
		{ XMSG_XCHG_KIND_BCAST, XMSG_XCHG_PASS_SCHED },
		{ XMSG_XCHG_KIND_PASS, 0x80 },
	};
	struct xmsg_xchg *xchg;
	int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		xchg = xmsg_xchg_create_flags(NULL, bad[i][0], 0, bad[i][1]);
		KUNIT_EXPECT_EQ_MSG(test, PTR_ERR(xchg), -EINVAL, "case %d", i);
	}
	xchg = xmsg_xchg_create_flags(NULL, XMSG_XCHG_KIND_PASS, 0,
				      XMSG_XCHG_PASS_SCHED);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, xchg);
	xmsg_xchg_destroy(xchg);
}

/*
 * Runs in a kthread at SCHED_NORMAL with all capabilities: a receive
 * lowers its nice value by prio / 2, the next receive puts it back (even
 * one that finds nothing), and so does a destroy.  Without the flag the
 * priority is left alone.
 */
static int pass_sched_fn(struct ipc_t_thr *thr)
{
	static const u8 prio[] = { 20, 6, 31 };
	struct ipc_t_env *env = thr->ctx;
	struct xmsg_xchg *xchg, *plain;
	int own = task_nice(current);
	struct xmsg_msg *msg;
	int i, ret = 0;

	xchg = xmsg_xchg_create_flags(NULL, XMSG_XCHG_KIND_PASS, 0,
				      XMSG_XCHG_PASS_SCHED);
	plain = xmsg_xchg_create(NULL, XMSG_XCHG_KIND_PASS, 0);
	if (IS_ERR(xchg) || IS_ERR(plain))
		return -ENOMEM;
	for (i = 0; i < ARRAY_SIZE(prio); i++) {
		msg = xmsg_msg_get(env->pool, NULL, GFP_KERNEL);
		if (IS_ERR_OR_NULL(msg) ||
		    xmsg_xchg_send(xchg, msg, NULL, prio[i]))
			return -ENOMEM;
	}
	for (i = 0; i < ARRAY_SIZE(prio); i++) {
		msg = xmsg_xchg_recv(xchg, NULL, 0, 0, NULL);
		if (IS_ERR(msg))
			return PTR_ERR(msg);
		/* received highest first: 31, 20, 6 */
		thr->tags[thr->got++] = own - task_nice(current);
		xmsg_msg_rel(msg);
	}
	/* nothing there: back to its own */
	if (!IS_ERR(xmsg_xchg_recv(xchg, NULL, 0, 0, NULL)))
		ret = -EBADMSG;
	thr->tags[thr->got++] = own - task_nice(current);
	/* destroy restores too */
	msg = xmsg_msg_get(env->pool, NULL, GFP_KERNEL);
	if (IS_ERR_OR_NULL(msg) || xmsg_xchg_send(xchg, msg, NULL, 31))
		return -ENOMEM;
	msg = xmsg_xchg_recv(xchg, NULL, 0, 0, NULL);
	if (IS_ERR(msg))
		return PTR_ERR(msg);
	xmsg_msg_rel(msg);
	thr->tags[thr->got++] = own - task_nice(current);
	xmsg_xchg_destroy(xchg);
	thr->tags[thr->got++] = own - task_nice(current);
	/* a pass exchange without the flag */
	msg = xmsg_msg_get(env->pool, NULL, GFP_KERNEL);
	if (IS_ERR_OR_NULL(msg) || xmsg_xchg_send(plain, msg, NULL, 31))
		return -ENOMEM;
	msg = xmsg_xchg_recv(plain, NULL, 0, 0, NULL);
	if (IS_ERR(msg))
		return PTR_ERR(msg);
	xmsg_msg_rel(msg);
	thr->tags[thr->got++] = own - task_nice(current);
	xmsg_xchg_destroy(plain);
	return ret;
}

static void pass_sched_nice(struct kunit *test)
{
	static const u32 want[] = { 15, 10, 3, 0, 15, 0, 0 };
	struct ipc_t_env *env = ipc_t_env(test);
	struct ipc_t_thr *thr;
	int i;

	thr = ipc_t_thr_start(test, pass_sched_fn, env, 0);
	KUNIT_EXPECT_EQ(test, ipc_t_thr_join(test, thr), 0);
	KUNIT_EXPECT_EQ(test, thr->got, (int)ARRAY_SIZE(want));
	for (i = 0; i < thr->got && i < ARRAY_SIZE(want); i++)
		KUNIT_EXPECT_EQ_MSG(test, thr->tags[i], want[i], "step %d", i);
	ipc_t_thr_free(thr);
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(env->pool), 0ULL);
}

static struct kunit_case xmsg_ipc_pass_cases[] = {
	KUNIT_CASE(pass_create),
	KUNIT_CASE(pass_prio_returned),
	KUNIT_CASE(pass_errors),
	KUNIT_CASE(pass_receivers_1),
	KUNIT_CASE(pass_receivers_2),
	KUNIT_CASE(pass_receivers_8),
	KUNIT_CASE(pass_destroy_wakes),
	KUNIT_CASE(pass_sched_map),
	KUNIT_CASE(pass_sched_einval),
	KUNIT_CASE(pass_sched_nice),
	{}
};

static struct kunit_suite xmsg_ipc_pass_suite = {
	.name = "xmsg_ipc_pass",
	.test_cases = xmsg_ipc_pass_cases,
};

kunit_test_suite(xmsg_ipc_pass_suite);

MODULE_DESCRIPTION("KUnit tests for xmsg pass exchanges");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(XMSG_NS);
