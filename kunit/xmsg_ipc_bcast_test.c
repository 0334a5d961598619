// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: xmsg broadcast exchanges (sticky message, proxies per receiver,
 * generations, clear, destroy, waiters woken at once) and the master/slave
 * broadcast protocol with a threshold and a gate semaphore.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include "xmsg_ipc_test.h"

static void bcast_post_recv(struct kunit *test)
{
	struct ipc_t_env *env = ipc_t_env(test);
	struct xmsg_xchg *xchg = ipc_t_xchg(test, XMSG_XCHG_KIND_BCAST, 0);
	struct xmsg_msg *msg = ipc_t_msg(test, env, &env->a, 7), *p1, *p2;
	u64 gen = 0;

	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_xchg_recv(xchg, &env->b, 0, 0,
						     NULL)), (long)-EAGAIN);
	KUNIT_ASSERT_EQ(test, xmsg_xchg_send(xchg, msg, &env->a, 4), 0);
	/* the sender stays the owner */
	KUNIT_EXPECT_PTR_EQ(test, msg->owner, &env->a);
	p1 = xmsg_xchg_recv(xchg, &env->b, 0, XMSG_RECV_NEWER, &gen);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p1);
	KUNIT_EXPECT_EQ(test, gen, 1ULL);
	KUNIT_EXPECT_PTR_NE(test, p1, msg);
	KUNIT_EXPECT_PTR_EQ(test, p1->body, msg->body);
	KUNIT_EXPECT_EQ(test, p1->size, msg->size);
	KUNIT_EXPECT_PTR_EQ(test, p1->owner, &env->b);
	KUNIT_EXPECT_PTR_EQ(test, xmsg_msg_real(p1), msg);
	KUNIT_EXPECT_EQ(test, p1->prio, 4);
	/* sticky: a later receiver gets it at once */
	p2 = xmsg_xchg_recv(xchg, &env->b, 0, 0, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p2);
	KUNIT_EXPECT_PTR_EQ(test, p2->body, msg->body);
	/* ...but not as "newer" than what we have */
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_xchg_recv(xchg, &env->b, 0,
						     XMSG_RECV_NEWER, &gen)),
			(long)-EAGAIN);
	KUNIT_EXPECT_EQ(test, ipc_t_pm(xmsg_xchg_poll(xchg, NULL, NULL, gen) &
				       EPOLLIN), 0U);
	KUNIT_EXPECT_EQ(test, ipc_t_pm(xmsg_xchg_poll(xchg, NULL, NULL, 0) &
				       EPOLLIN), ipc_t_pm(EPOLLIN));
	xmsg_msg_rel(p1);
	xmsg_msg_rel(p2);
	xmsg_xchg_destroy(xchg);
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(env->pool), 1ULL);
	xmsg_msg_rel(msg);
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(env->pool), 0ULL);
}

/* The body outlives the sender's release while posted. */
static void bcast_sender_releases(struct kunit *test)
{
	struct ipc_t_env *env = ipc_t_env(test);
	struct xmsg_xchg *xchg = ipc_t_xchg(test, XMSG_XCHG_KIND_BCAST, 0);
	struct xmsg_msg *msg = ipc_t_msg(test, env, &env->a, 0x5a5a), *p;

	KUNIT_ASSERT_EQ(test, xmsg_xchg_send(xchg, msg, &env->a, 0), 0);
	KUNIT_EXPECT_EQ(test, xmsg_msg_rel(msg), 0);
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(env->pool), 1ULL);
	p = xmsg_xchg_recv(xchg, &env->b, 0, 0, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	KUNIT_EXPECT_EQ(test, ipc_t_tag(p), 0x5a5aU);
	xmsg_xchg_destroy(xchg);
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(env->pool), 1ULL);
	xmsg_msg_rel(p);
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(env->pool), 0ULL);
}

static void bcast_resend_replaces(struct kunit *test)
{
	struct ipc_t_env *env = ipc_t_env(test);
	struct xmsg_xchg *xchg = ipc_t_xchg(test, XMSG_XCHG_KIND_BCAST, 0);
	struct xmsg_msg *m1 = ipc_t_msg(test, env, &env->a, 1);
	struct xmsg_msg *m2 = ipc_t_msg(test, env, &env->a, 2), *p;
	struct xmsg_xchg_stats st;
	u64 gen = 0;

	KUNIT_ASSERT_EQ(test, xmsg_xchg_send(xchg, m1, &env->a, 0), 0);
	KUNIT_ASSERT_EQ(test, xmsg_xchg_send(xchg, m2, &env->a, 0), 0);
	xmsg_msg_rel(m1);
	/* m1's proxy was dropped by the replacement: m1's block is back */
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(env->pool), 1ULL);
	p = xmsg_xchg_recv(xchg, &env->b, 0, XMSG_RECV_NEWER, &gen);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	KUNIT_EXPECT_EQ(test, ipc_t_tag(p), 2U);
	KUNIT_EXPECT_EQ(test, gen, 2ULL);
	xmsg_msg_rel(p);
	/* same message, changed body, sent again: new information */
	*(u32 *)m2->body = 3;
	KUNIT_ASSERT_EQ(test, xmsg_xchg_send(xchg, m2, &env->a, 0), 0);
	p = xmsg_xchg_recv(xchg, &env->b, 0, XMSG_RECV_NEWER, &gen);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	KUNIT_EXPECT_EQ(test, ipc_t_tag(p), 3U);
	KUNIT_EXPECT_EQ(test, gen, 3ULL);
	xmsg_msg_rel(p);
	xmsg_xchg_get_stats(xchg, &st);
	KUNIT_EXPECT_EQ(test, st.gen, 3ULL);
	KUNIT_EXPECT_EQ(test, st.sent, 3ULL);
	KUNIT_EXPECT_EQ(test, st.received, 2ULL);
	KUNIT_EXPECT_EQ(test, st.queued, 1U);
	xmsg_xchg_destroy(xchg);
	xmsg_msg_rel(m2);
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(env->pool), 0ULL);
}

static void bcast_clear(struct kunit *test)
{
	struct ipc_t_env *env = ipc_t_env(test);
	struct xmsg_xchg *xchg = ipc_t_xchg(test, XMSG_XCHG_KIND_BCAST, 0);
	struct xmsg_xchg *normal = ipc_t_xchg(test, XMSG_XCHG_KIND_NORMAL, 0);
	struct xmsg_msg *msg = ipc_t_msg(test, env, &env->a, 1);

	KUNIT_EXPECT_EQ(test, xmsg_xchg_bcast_clear(xchg, &env->a), -ENOENT);
	KUNIT_EXPECT_EQ(test, xmsg_xchg_bcast_clear(normal, &env->a), -EINVAL);
	KUNIT_EXPECT_EQ(test, xmsg_xchg_bcast_clear(NULL, &env->a), -EINVAL);
	KUNIT_ASSERT_EQ(test, xmsg_xchg_send(xchg, msg, &env->a, 0), 0);
	KUNIT_EXPECT_EQ(test, xmsg_xchg_bcast_clear(xchg, &env->b), -EPERM);
	KUNIT_EXPECT_EQ(test, xmsg_xchg_bcast_clear(xchg, &env->a), 0);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_xchg_recv(xchg, &env->b, 0, 0,
						     NULL)), (long)-EAGAIN);
	xmsg_msg_rel(msg);
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(env->pool), 0ULL);
	xmsg_xchg_destroy(xchg);
	xmsg_xchg_destroy(normal);
}

static void bcast_send_errors(struct kunit *test)
{
	struct ipc_t_env *env = ipc_t_env(test);
	struct xmsg_xchg *xchg = ipc_t_xchg(test, XMSG_XCHG_KIND_BCAST, 0);
	struct xmsg_msg *msg = ipc_t_msg(test, env, &env->a, 1), *proxy;
	struct xmsg_obj *obj = xmsg_xchg_obj(xchg);

	KUNIT_EXPECT_EQ(test, xmsg_xchg_send(xchg, msg, &env->b, 0), -EPERM);
	KUNIT_EXPECT_EQ(test, xmsg_xchg_send(xchg, msg, &env->a, 32), -EINVAL);
	/* a released real message (kept alive by a proxy) cannot be sent */
	proxy = xmsg_msg_make_proxy(msg, 0, 4, &env->b, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, proxy);
	xmsg_msg_rel(msg);
	KUNIT_EXPECT_EQ(test, xmsg_xchg_send(xchg, msg, NULL, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, ipc_t_xchg_queued(xchg), 0U);
	xmsg_obj_get(obj);
	xmsg_xchg_destroy(xchg);
	KUNIT_EXPECT_EQ(test, xmsg_xchg_send(xchg, proxy, &env->b, 0), -EIDRM);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_xchg_recv(xchg, &env->b, 0, 0,
						     NULL)), (long)-EIDRM);
	KUNIT_EXPECT_EQ(test, xmsg_xchg_bcast_clear(xchg, &env->b), -EIDRM);
	xmsg_obj_put(obj);
	xmsg_msg_rel(proxy);
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(env->pool), 0ULL);
}

struct brx_ctx {
	struct xmsg_xchg *xchg;
	s64 timeout;	/* ns from the call, or XMSG_WAIT_FOREVER */
	unsigned int flags;
};

/* Receive one broadcast; record its tag and generation. */
static int brx_fn(struct ipc_t_thr *thr)
{
	struct brx_ctx *ctx = thr->ctx;
	struct xmsg_msg *p;

	p = xmsg_xchg_recv(ctx->xchg, &thr->owner, xmsg_wait_ns(ctx->timeout),
			   ctx->flags, &thr->gen);
	if (IS_ERR(p))
		return PTR_ERR(p);
	if (p->owner != &thr->owner)
		return -EBADMSG;
	thr->tags[thr->got++] = ipc_t_tag(p);
	xmsg_msg_rel(p);
	return 0;
}

/* @n receivers wait; one send wakes them all with the same message. */
static void bcast_waiters(struct kunit *test, int n)
{
	struct ipc_t_env *env = ipc_t_env(test);
	struct xmsg_xchg *xchg = ipc_t_xchg(test, XMSG_XCHG_KIND_BCAST, 0);
	struct brx_ctx ctx = { .xchg = xchg, .timeout = IPC_T_WAIT_NS,
			       .flags = XMSG_RECV_NEWER };
	struct xmsg_msg *msg = ipc_t_msg(test, env, &env->a, 0xb0);
	struct ipc_t_thr *thr[8];
	struct xmsg_xchg_stats st;
	int i;

	for (i = 0; i < n; i++)
		thr[i] = ipc_t_thr_start(test, brx_fn, &ctx, i);
	KUNIT_EXPECT_TRUE(test, ipc_t_xchg_wait_waiters(xchg, n));
	KUNIT_EXPECT_EQ(test, xmsg_xchg_send(xchg, msg, &env->a, 0), 0);
	/* all were woken by the one send: nobody waits any more */
	KUNIT_EXPECT_EQ(test, ipc_t_xchg_waiters(xchg), 0U);
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ(test, ipc_t_thr_join(test, thr[i]), 0);
		KUNIT_EXPECT_EQ(test, thr[i]->got, 1);
		KUNIT_EXPECT_EQ(test, thr[i]->tags[0], 0xb0U);
		KUNIT_EXPECT_EQ(test, thr[i]->gen, 1ULL);
		ipc_t_thr_free(thr[i]);
	}
	xmsg_xchg_get_stats(xchg, &st);
	KUNIT_EXPECT_EQ(test, st.received, (u64)n);
	xmsg_xchg_destroy(xchg);
	xmsg_msg_rel(msg);
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(env->pool), 0ULL);
}

static void bcast_waiters_1(struct kunit *test)
{
	bcast_waiters(test, 1);
}

static void bcast_waiters_2(struct kunit *test)
{
	bcast_waiters(test, 2);
}

static void bcast_waiters_8(struct kunit *test)
{
	bcast_waiters(test, 8);
}

static void bcast_destroy_wakes(struct kunit *test)
{
	struct xmsg_xchg *xchg = ipc_t_xchg(test, XMSG_XCHG_KIND_BCAST, 0);
	struct brx_ctx ctx = { .xchg = xchg, .timeout = XMSG_WAIT_FOREVER };
	struct xmsg_obj *obj = xmsg_xchg_obj(xchg);
	struct ipc_t_thr *thr[4];
	int i;

	xmsg_obj_get(obj);
	for (i = 0; i < 4; i++)
		thr[i] = ipc_t_thr_start(test, brx_fn, &ctx, i);
	KUNIT_EXPECT_TRUE(test, ipc_t_xchg_wait_waiters(xchg, 4));
	xmsg_xchg_destroy(xchg);
	for (i = 0; i < 4; i++) {
		KUNIT_EXPECT_EQ(test, ipc_t_thr_join(test, thr[i]), -EIDRM);
		ipc_t_thr_free(thr[i]);
	}
	xmsg_obj_put(obj);
}

#define T_2MS	(2 * NSEC_PER_MSEC)

static void bcast_recv_timeout(struct kunit *test)
{
	struct ipc_t_env *env = ipc_t_env(test);
	struct xmsg_xchg *xchg = ipc_t_xchg(test, XMSG_XCHG_KIND_BCAST, 0);
	struct xmsg_msg *msg = ipc_t_msg(test, env, &env->a, 1);
	u64 gen = 0;

	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_xchg_recv(xchg, &env->b,
						     xmsg_wait_ns(T_2MS), 0,
						     NULL)), (long)-ETIMEDOUT);
	KUNIT_ASSERT_EQ(test, xmsg_xchg_send(xchg, msg, &env->a, 0), 0);
	gen = 1;
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_xchg_recv(xchg, &env->b,
						     xmsg_wait_ns(T_2MS),
						     XMSG_RECV_NEWER, &gen)),
			(long)-ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, gen, 1ULL);
	KUNIT_EXPECT_EQ(test, ipc_t_xchg_waiters(xchg), 0U);
	xmsg_xchg_destroy(xchg);
	xmsg_msg_rel(msg);
}

/*
 * The broadcast protocol: the master posts round r; each slave reads it,
 * signals the threshold semaphore (threshold = slaves) and waits at the
 * gate; when the threshold semaphore releases the master, every slave has
 * read round r, so the master changes the body, re-sends it and then
 * opens the gate.  Slaves receive
 * without XMSG_RECV_NEWER: only the interlock keeps them from reading a
 * round twice.  A gate signal with no waiter is lost, so each slave
 * signals the threshold semaphore and waits at the gate in one step
 * (xmsg_sem_signal_wait()): when the master is released, every slave
 * waits at the gate already, and the master opens it without polling.
 */
#define PROTO_SLAVES	4
#define PROTO_ROUNDS	50

struct proto_ctx {
	struct xmsg_xchg *bcast;
	struct xmsg_sem *thresh, *gate;
};

struct proto_body {
	u32 round;
	u32 seen[PROTO_SLAVES];
};

static int proto_slave(struct ipc_t_thr *thr)
{
	struct proto_ctx *ctx = thr->ctx;
	struct proto_body *body;
	struct xmsg_msg *p;
	u32 r, last = 0;
	bool signalled;
	int ret;

	for (r = 1; r <= PROTO_ROUNDS; r++) {
		p = xmsg_xchg_recv(ctx->bcast, &thr->owner, ipc_t_wait(), 0,
				   NULL);
		if (IS_ERR(p))
			return PTR_ERR(p);
		body = p->body;
		if (body->round != last + 1) {
			pr_err("slave %d: round %u after %u\n", thr->idx,
			       body->round, last);
			xmsg_msg_rel(p);
			return -EPROTO;
		}
		last = body->round;
		body->seen[thr->idx]++;	/* its own slice of the body */
		xmsg_msg_rel(p);
		thr->got++;
		/* at the gate before the master can see the signal */
		if (r < PROTO_ROUNDS)
			ret = xmsg_sem_signal_wait(ctx->thresh, ctx->gate,
						   ipc_t_wait(), &signalled);
		else
			ret = xmsg_sem_signal(ctx->thresh);
		if (ret)
			return ret;
	}
	return 0;
}

static void bcast_threshold_gate(struct kunit *test)
{
	struct ipc_t_env *env = ipc_t_env(test);
	struct proto_ctx ctx;
	struct ipc_t_thr *thr[PROTO_SLAVES];
	struct proto_body *body;
	struct xmsg_msg *msg;
	int i, s, r;

	ctx.bcast = ipc_t_xchg(test, XMSG_XCHG_KIND_BCAST, 0);
	ctx.thresh = ipc_t_sem(test, XMSG_SEM_KIND_THRESHOLD, 0, PROTO_SLAVES);
	ctx.gate = ipc_t_sem(test, XMSG_SEM_KIND_GATE, 0, 0);
	msg = ipc_t_msg(test, env, &env->a, 0);
	body = msg->body;
	memset(body, 0, sizeof(*body));
	for (i = 0; i < PROTO_SLAVES; i++)
		thr[i] = ipc_t_thr_start(test, proto_slave, &ctx, i);

	body->round = 1;
	r = xmsg_xchg_send(ctx.bcast, msg, &env->a, 0) ? 0 : 1;
	for (; r && r <= PROTO_ROUNDS; r++) {
		if (xmsg_sem_wait(ctx.thresh, ipc_t_wait()))
			break;
		/* every slave read round r exactly once */
		for (s = 0; s < PROTO_SLAVES; s++)
			if (body->seen[s] != r)
				break;
		if (s < PROTO_SLAVES)
			break;
		if (r == PROTO_ROUNDS)
			continue;
		/* new information, then open the gate */
		body->round = r + 1;
		if (xmsg_xchg_send(ctx.bcast, msg, &env->a, 0))
			break;
		/* every slave waits at the gate: it signalled and waited at once */
		KUNIT_EXPECT_EQ(test, ipc_t_sem_waiters(ctx.gate),
				(u32)PROTO_SLAVES);
		xmsg_sem_signal(ctx.gate);
	}
	KUNIT_EXPECT_EQ(test, r, PROTO_ROUNDS + 1);
	if (r <= PROTO_ROUNDS)	/* unblock the slaves on failure */
		xmsg_xchg_destroy(ctx.bcast);
	for (i = 0; i < PROTO_SLAVES; i++) {
		KUNIT_EXPECT_EQ(test, ipc_t_thr_join(test, thr[i]), 0);
		KUNIT_EXPECT_EQ(test, thr[i]->got, PROTO_ROUNDS);
		KUNIT_EXPECT_EQ(test, body->seen[i], (u32)PROTO_ROUNDS);
		ipc_t_thr_free(thr[i]);
	}
	if (r > PROTO_ROUNDS)
		xmsg_xchg_destroy(ctx.bcast);
	xmsg_sem_destroy(ctx.thresh);
	xmsg_sem_destroy(ctx.gate);
	xmsg_msg_rel(msg);
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(env->pool), 0ULL);
}

static struct kunit_case xmsg_ipc_bcast_cases[] = {
	KUNIT_CASE(bcast_post_recv),
	KUNIT_CASE(bcast_sender_releases),
	KUNIT_CASE(bcast_resend_replaces),
	KUNIT_CASE(bcast_clear),
	KUNIT_CASE(bcast_send_errors),
	KUNIT_CASE(bcast_recv_timeout),
	KUNIT_CASE(bcast_waiters_1),
	KUNIT_CASE(bcast_waiters_2),
	KUNIT_CASE(bcast_waiters_8),
	KUNIT_CASE(bcast_destroy_wakes),
	KUNIT_CASE(bcast_threshold_gate),
	{}
};

static struct kunit_suite xmsg_ipc_bcast_suite = {
	.name = "xmsg_ipc_bcast",
	.test_cases = xmsg_ipc_bcast_cases,
};

kunit_test_suite(xmsg_ipc_bcast_suite);

MODULE_DESCRIPTION("KUnit tests for xmsg broadcast exchanges");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(XMSG_NS);
