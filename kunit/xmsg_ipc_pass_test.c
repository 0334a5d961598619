// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: xmsg pass (priority pass) exchanges: the message priority goes to
 * the receiver, in priority order, to 1, 2 and 8 receiver kthreads.
 */
#include <kunit/test.h>
#include <linux/module.h>
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

static struct kunit_case xmsg_ipc_pass_cases[] = {
	KUNIT_CASE(pass_create),
	KUNIT_CASE(pass_prio_returned),
	KUNIT_CASE(pass_errors),
	KUNIT_CASE(pass_receivers_1),
	KUNIT_CASE(pass_receivers_2),
	KUNIT_CASE(pass_receivers_8),
	KUNIT_CASE(pass_destroy_wakes),
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
