// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: multicast (proxies of one real message sent to several
 * exchanges) and distributed message assembly (servers fill their slice
 * of a proxy and signal the client through the reply handle), with the
 * real message released before or after its proxies.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include "xmsg_ipc_test.h"

#define NSERVERS	4
#define SLICE		(IPC_T_BSIZE / NSERVERS)

struct srv_ctx {
	struct xmsg_xchg *xchg[NSERVERS];
	u32 expect;		/* multicast: tag every proxy must show */
	bool fill;		/* assembly: fill own slice with its index */
};

/* One server: receive one proxy, check or fill it, reply, release it. */
static int srv_fn(struct ipc_t_thr *thr)
{
	struct srv_ctx *ctx = thr->ctx;
	struct xmsg_msg *p;
	int ret;

	p = xmsg_xchg_recv(ctx->xchg[thr->idx], &thr->owner, ipc_t_wait(), 0,
			   NULL);
	if (IS_ERR(p))
		return PTR_ERR(p);
	ret = 0;
	if (ctx->fill && p->size != SLICE)
		ret = -EMSGSIZE;
	else if (ctx->fill)
		memset(p->body, 0x10 + thr->idx, p->size);
	else
		thr->tags[thr->got++] = ipc_t_tag(p);
	if (!ret)
		ret = xmsg_reply(p, NULL, &thr->owner);
	xmsg_msg_rel(p);
	return ret;
}

/* Exchanges of different kinds: the proxies go to 4 of them. */
static void mk_servers(struct kunit *test, struct srv_ctx *ctx)
{
	int i;

	for (i = 0; i < NSERVERS; i++)
		ctx->xchg[i] = ipc_t_xchg(test, i & 1 ? XMSG_XCHG_KIND_PASS :
					  XMSG_XCHG_KIND_NORMAL, 0);
}

static void rm_servers(struct srv_ctx *ctx)
{
	int i;

	for (i = 0; i < NSERVERS; i++)
		xmsg_xchg_destroy(ctx->xchg[i]);
}

static void multicast(struct kunit *test, bool real_first)
{
	struct ipc_t_env *env = ipc_t_env(test);
	struct srv_ctx ctx = { .expect = 0xcafe };
	struct xmsg_msg *msg = ipc_t_msg(test, env, &env->a, 0xcafe), *p;
	struct xmsg_sem *sem_t;
	struct ipc_t_thr *thr[NSERVERS];
	int i;

	mk_servers(test, &ctx);
	sem_t = ipc_t_sem(test, XMSG_SEM_KIND_THRESHOLD, 0, NSERVERS);
	for (i = 0; i < NSERVERS; i++) {
		p = xmsg_msg_make_proxy(msg, 0, msg->size, &env->a,
					GFP_KERNEL);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
		KUNIT_EXPECT_EQ(test,
				xmsg_msg_set_reply_obj(p, xmsg_sem_obj(sem_t)),
				0);
		KUNIT_EXPECT_EQ(test, xmsg_xchg_send(ctx.xchg[i], p, &env->a,
						     i), 0);
	}
	if (real_first) {
		/* the real message goes first; the proxies keep the body */
		KUNIT_EXPECT_EQ(test, xmsg_msg_rel(msg), 0);
		KUNIT_EXPECT_EQ(test, ipc_t_in_use(env->pool), 1ULL);
	}
	for (i = 0; i < NSERVERS; i++)
		thr[i] = ipc_t_thr_start(test, srv_fn, &ctx, i);
	/* the interlock: all viewers have seen it */
	KUNIT_EXPECT_EQ(test, xmsg_sem_wait(sem_t, ipc_t_wait()), 0);
	for (i = 0; i < NSERVERS; i++) {
		KUNIT_EXPECT_EQ(test, ipc_t_thr_join(test, thr[i]), 0);
		KUNIT_EXPECT_EQ(test, thr[i]->got, 1);
		KUNIT_EXPECT_EQ(test, thr[i]->tags[0], 0xcafeU);
		ipc_t_thr_free(thr[i]);
	}
	if (!real_first) {
		KUNIT_EXPECT_EQ(test, ipc_t_in_use(env->pool), 1ULL);
		KUNIT_EXPECT_EQ(test, xmsg_msg_rel(msg), 0);
	}
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(env->pool), 0ULL);
	KUNIT_EXPECT_EQ(test, env->a.nr, 0UL);
	rm_servers(&ctx);
	/* the reply handles' references are gone with the proxies */
	KUNIT_EXPECT_EQ(test, kref_read(&xmsg_sem_obj(sem_t)->ref), 1U);
	xmsg_sem_destroy(sem_t);
}

static void multicast_real_after(struct kunit *test)
{
	multicast(test, false);
}

static void multicast_real_before(struct kunit *test)
{
	multicast(test, true);
}

/*
 * Distributed assembly: each server fills its slice of the client's
 * message through a proxy and signals the client; the client then sends
 * the assembled real message on to an output exchange.
 */
static void assembly(struct kunit *test)
{
	struct ipc_t_env *env = ipc_t_env(test);
	struct srv_ctx ctx = { .fill = true };
	struct xmsg_msg *msg = ipc_t_msg(test, env, &env->a, 0), *p, *out;
	struct xmsg_xchg *output;
	struct xmsg_sem *sem_t;
	struct ipc_t_thr *thr[NSERVERS];
	u8 *b;
	int i;

	mk_servers(test, &ctx);
	output = ipc_t_xchg(test, XMSG_XCHG_KIND_NORMAL, 0);
	sem_t = ipc_t_sem(test, XMSG_SEM_KIND_THRESHOLD, 0, NSERVERS);
	memset(msg->body, 0, msg->size);
	for (i = 0; i < NSERVERS; i++)
		thr[i] = ipc_t_thr_start(test, srv_fn, &ctx, i);
	for (i = 0; i < NSERVERS; i++) {
		p = xmsg_msg_make_proxy(msg, i * SLICE, SLICE, &env->a,
					GFP_KERNEL);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
		KUNIT_EXPECT_PTR_EQ(test, p->body, msg->body + i * SLICE);
		KUNIT_EXPECT_EQ(test,
				xmsg_msg_set_reply_obj(p, xmsg_sem_obj(sem_t)),
				0);
		KUNIT_EXPECT_EQ(test, xmsg_xchg_send(ctx.xchg[i], p, &env->a,
						     0), 0);
	}
	KUNIT_EXPECT_EQ(test, xmsg_sem_wait(sem_t, ipc_t_wait()), 0);
	b = msg->body;
	for (i = 0; i < IPC_T_BSIZE; i++)
		if (b[i] != 0x10 + i / SLICE)
			break;
	KUNIT_EXPECT_EQ(test, i, IPC_T_BSIZE);
	/* pass the assembled real message on, no copy */
	KUNIT_EXPECT_EQ(test, xmsg_xchg_send(output, msg, &env->a, 1), 0);
	out = xmsg_xchg_recv(output, &env->b, 0, 0, NULL);
	KUNIT_ASSERT_PTR_EQ(test, out, msg);
	KUNIT_EXPECT_EQ(test, ((u8 *)out->body)[IPC_T_BSIZE - 1],
			0x10 + NSERVERS - 1);
	for (i = 0; i < NSERVERS; i++) {
		KUNIT_EXPECT_EQ(test, ipc_t_thr_join(test, thr[i]), 0);
		ipc_t_thr_free(thr[i]);
	}
	KUNIT_EXPECT_EQ(test, xmsg_msg_rel(out), 0);
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(env->pool), 0ULL);
	KUNIT_EXPECT_EQ(test, env->a.nr, 0UL);
	KUNIT_EXPECT_EQ(test, env->b.nr, 0UL);
	rm_servers(&ctx);
	xmsg_xchg_destroy(output);
	xmsg_sem_destroy(sem_t);
}

/* Proxies queued at exchanges that are destroyed: released, balanced. */
static void proxies_destroyed_queued(struct kunit *test)
{
	struct ipc_t_env *env = ipc_t_env(test);
	struct srv_ctx ctx = {};
	struct xmsg_msg *msg = ipc_t_msg(test, env, &env->a, 1), *p;
	int i;

	mk_servers(test, &ctx);
	for (i = 0; i < NSERVERS; i++) {
		p = xmsg_msg_make_proxy(msg, 0, 8, &env->a, GFP_KERNEL);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
		KUNIT_EXPECT_EQ(test, xmsg_xchg_send(ctx.xchg[i], p, &env->a,
						     0), 0);
	}
	KUNIT_EXPECT_EQ(test, xmsg_msg_rel(msg), 0);
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(env->pool), 1ULL);
	rm_servers(&ctx);
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(env->pool), 0ULL);
}

/* A proxy of a released real message is refused; nothing changes. */
static void proxy_of_released(struct kunit *test)
{
	struct ipc_t_env *env = ipc_t_env(test);
	struct xmsg_msg *msg = ipc_t_msg(test, env, &env->a, 1), *p, *p2;

	p = xmsg_msg_make_proxy(msg, 0, 8, &env->b, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	xmsg_msg_rel(msg);	/* the MCB lives on while @p does */
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_msg_make_proxy(msg, 0, 8, &env->b,
							  GFP_KERNEL)),
			(long)-EINVAL);
	/* a proxy of the live proxy is still fine */
	p2 = xmsg_msg_make_proxy(p, 0, 4, &env->b, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p2);
	KUNIT_EXPECT_EQ(test, env->b.nr, 2UL);
	xmsg_msg_rel(p);
	xmsg_msg_rel(p2);
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(env->pool), 0ULL);
}

static struct kunit_case xmsg_ipc_proxy_cases[] = {
	KUNIT_CASE(multicast_real_after),
	KUNIT_CASE(multicast_real_before),
	KUNIT_CASE(assembly),
	KUNIT_CASE(proxies_destroyed_queued),
	KUNIT_CASE(proxy_of_released),
	{}
};

static struct kunit_suite xmsg_ipc_proxy_suite = {
	.name = "xmsg_ipc_proxy",
	.test_cases = xmsg_ipc_proxy_cases,
};

kunit_test_suite(xmsg_ipc_proxy_suite);

MODULE_DESCRIPTION("KUnit tests for xmsg multicast and distributed assembly");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(XMSG_NS);
