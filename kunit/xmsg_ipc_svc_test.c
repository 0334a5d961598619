// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: xmsg services beyond send, receive, signal and wait:
 * signal-and-wait, sends that wait for room, clearing exchanges and
 * semaphores, peeking at them.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <linux/pid_namespace.h>
#include <linux/sched/signal.h>
#include "xmsg_ipc_test.h"

static u32 svc_sem_count(struct xmsg_sem *sem)
{
	struct xmsg_sem_stats st;

	xmsg_sem_get_stats(sem, &st);
	return st.count;
}

static u32 svc_senders(struct xmsg_xchg *xchg)
{
	struct xmsg_xchg_stats st;

	xmsg_xchg_get_stats(xchg, &st);
	return st.senders;
}

static bool svc_wait_senders(struct xmsg_xchg *xchg, u32 n)
{
	unsigned long end = jiffies + IPC_T_WAIT;

	while (svc_senders(xchg) != n) {
		if (time_after(jiffies, end))
			return false;
		usleep_range(200, 1000);
	}
	return true;
}

/* ---- signal-and-wait ------------------------------------------------ */

static void svc_signal_wait_pass(struct kunit *test)
{
	struct xmsg_sem *a = ipc_t_sem(test, XMSG_SEM_KIND_COUNT, 0, 0);
	struct xmsg_sem *b = ipc_t_sem(test, XMSG_SEM_KIND_COUNT, 1, 0);
	bool sig;

	/* @b ready: signal @a, pass @b at once, even without waiting */
	KUNIT_EXPECT_EQ(test, xmsg_sem_signal_wait(a, b, 0, &sig), 0);
	KUNIT_EXPECT_TRUE(test, sig);
	KUNIT_EXPECT_EQ(test, svc_sem_count(a), 1U);
	KUNIT_EXPECT_EQ(test, svc_sem_count(b), 0U);
	/* not ready and no waiting: nothing signalled */
	KUNIT_EXPECT_EQ(test, xmsg_sem_signal_wait(a, b, 0, &sig), -EAGAIN);
	KUNIT_EXPECT_FALSE(test, sig);
	KUNIT_EXPECT_EQ(test, svc_sem_count(a), 1U);
	/* not ready: signal, then time out at @b */
	KUNIT_EXPECT_EQ(test, xmsg_sem_signal_wait(a, b, xmsg_wait_ns(2000000),
						   &sig), -ETIMEDOUT);
	KUNIT_EXPECT_TRUE(test, sig);
	KUNIT_EXPECT_EQ(test, svc_sem_count(a), 2U);
	KUNIT_EXPECT_EQ(test, ipc_t_sem_waiters(b), 0U);
	xmsg_sem_destroy(a);
	xmsg_sem_destroy(b);
}

static void svc_signal_wait_errors(struct kunit *test)
{
	struct xmsg_sem *a = ipc_t_sem(test, XMSG_SEM_KIND_COUNT, U32_MAX, 0);
	struct xmsg_sem *b = ipc_t_sem(test, XMSG_SEM_KIND_COUNT, 1, 0);
	bool sig = true;

	KUNIT_EXPECT_EQ(test, xmsg_sem_signal_wait(NULL, b, 0, &sig), -EINVAL);
	KUNIT_EXPECT_FALSE(test, sig);
	KUNIT_EXPECT_EQ(test, xmsg_sem_signal_wait(a, NULL, 0, &sig), -EINVAL);
	KUNIT_EXPECT_EQ(test, xmsg_sem_signal_wait(b, b, 0, &sig), -EINVAL);
	KUNIT_EXPECT_EQ(test, xmsg_sem_signal_wait(a, b, -1, &sig), -EINVAL);
	/* a full count: nothing changes, @b is not taken */
	KUNIT_EXPECT_EQ(test, xmsg_sem_signal_wait(a, b, 0, &sig),
			-EOVERFLOW);
	KUNIT_EXPECT_FALSE(test, sig);
	KUNIT_EXPECT_EQ(test, svc_sem_count(a), U32_MAX);
	KUNIT_EXPECT_EQ(test, svc_sem_count(b), 1U);
	xmsg_sem_destroy(a);
	KUNIT_EXPECT_EQ(test, xmsg_sem_signal_wait(a, b, 0, &sig), -EIDRM);
	KUNIT_EXPECT_EQ(test, xmsg_sem_signal_wait(b, a, 0, &sig), -EIDRM);
	KUNIT_EXPECT_EQ(test, svc_sem_count(b), 1U);
	xmsg_sem_destroy(b);
}

/*
 * The broadcast protocol's interlock without polling: each slave signals
 * "done" (threshold = slaves) and waits at the gate in one step; the
 * master, released by "done", opens the gate at once.  Were a slave not
 * yet waiting at the gate, its signal would be lost and it would time out.
 */
#define SVC_SLAVES	4
#define SVC_ROUNDS	100

struct svc_gate_ctx {
	struct xmsg_sem *done, *gate;
	atomic_t rounds[SVC_SLAVES];
};

static int svc_gate_slave(struct ipc_t_thr *thr)
{
	struct svc_gate_ctx *ctx = thr->ctx;
	bool sig;
	int r, ret;

	for (r = 0; r < SVC_ROUNDS; r++) {
		atomic_inc(&ctx->rounds[thr->idx]);
		ret = xmsg_sem_signal_wait(ctx->done, ctx->gate, ipc_t_wait(),
					   &sig);
		if (ret)
			return ret;
	}
	return 0;
}

static void svc_signal_wait_gate(struct kunit *test)
{
	struct ipc_t_thr *thr[SVC_SLAVES];
	struct svc_gate_ctx ctx = {};
	int i, r, ret = 0;

	ctx.done = ipc_t_sem(test, XMSG_SEM_KIND_THRESHOLD, 0, SVC_SLAVES);
	ctx.gate = ipc_t_sem(test, XMSG_SEM_KIND_GATE, 0, 0);
	for (i = 0; i < SVC_SLAVES; i++)
		thr[i] = ipc_t_thr_start(test, svc_gate_slave, &ctx, i);
	for (r = 0; r < SVC_ROUNDS && !ret; r++) {
		ret = xmsg_sem_wait(ctx.done, ipc_t_wait());
		if (ret)
			break;
		/* every slave is in round r and waits at the gate already */
		for (i = 0; i < SVC_SLAVES; i++)
			KUNIT_EXPECT_EQ(test, atomic_read(&ctx.rounds[i]),
					r + 1);
		KUNIT_EXPECT_EQ(test, ipc_t_sem_waiters(ctx.gate),
				(u32)SVC_SLAVES);
		ret = xmsg_sem_signal(ctx.gate);
	}
	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_EQ(test, r, SVC_ROUNDS);
	if (ret)	/* unblock the slaves */
		xmsg_sem_destroy(ctx.gate);
	for (i = 0; i < SVC_SLAVES; i++) {
		KUNIT_EXPECT_EQ(test, ipc_t_thr_join(test, thr[i]), 0);
		ipc_t_thr_free(thr[i]);
	}
	if (!ret)
		xmsg_sem_destroy(ctx.gate);
	xmsg_sem_destroy(ctx.done);
}

/* ---- semaphore clear ------------------------------------------------ */

struct svc_ctx {
	struct xmsg_sem *sem;
	struct xmsg_xchg *xchg;
	struct xmsg_msg *msg;
	struct xmsg_owner *owner;
	s64 timeout_ns;		/* XMSG_WAIT_FOREVER: for ever */
	unsigned int flags;
	u64 gen;
};

static ktime_t svc_timeout(const struct svc_ctx *ctx)
{
	return ctx->timeout_ns == XMSG_WAIT_FOREVER ? XMSG_WAIT_FOREVER :
	       xmsg_wait_ns(ctx->timeout_ns);
}

static int svc_sem_waiter(struct ipc_t_thr *thr)
{
	struct svc_ctx *ctx = thr->ctx;

	return xmsg_sem_wait(ctx->sem, ipc_t_wait());
}

static void svc_sem_clear(struct kunit *test)
{
	struct svc_ctx ctx = {};
	struct ipc_t_thr *thr[3];
	int i;

	ctx.sem = ipc_t_sem(test, XMSG_SEM_KIND_COUNT, 5, 0);
	KUNIT_EXPECT_EQ(test, xmsg_sem_clear(ctx.sem), 0);
	KUNIT_EXPECT_EQ(test, svc_sem_count(ctx.sem), 0U);
	for (i = 0; i < 3; i++)
		thr[i] = ipc_t_thr_start(test, svc_sem_waiter, &ctx, i);
	KUNIT_ASSERT_TRUE(test, ipc_t_sem_wait_waiters(ctx.sem, 3));
	KUNIT_EXPECT_EQ(test, xmsg_sem_clear(ctx.sem), 0);
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_EQ(test, ipc_t_thr_join(test, thr[i]), -ECANCELED);
		ipc_t_thr_free(thr[i]);
	}
	KUNIT_EXPECT_EQ(test, ipc_t_sem_waiters(ctx.sem), 0U);
	/* still usable */
	KUNIT_EXPECT_EQ(test, xmsg_sem_signal(ctx.sem), 0);
	KUNIT_EXPECT_EQ(test, xmsg_sem_wait(ctx.sem, 0), 0);
	KUNIT_EXPECT_EQ(test, xmsg_sem_clear(NULL), -EINVAL);
	xmsg_sem_destroy(ctx.sem);
	KUNIT_EXPECT_EQ(test, xmsg_sem_clear(ctx.sem), -EIDRM);
}

/* ---- sends that wait for room --------------------------------------- */

/* The tag of svc_sender()'s message: queued by a receive, it keeps it. */
#define SVC_SEND_TAG	0x5e7d

static int svc_sender(struct ipc_t_thr *thr)
{
	struct svc_ctx *ctx = thr->ctx;

	allow_signal(SIGUSR1);
	return xmsg_xchg_send_wait(ctx->xchg, ctx->msg, ctx->owner, 3,
				   SVC_SEND_TAG, svc_timeout(ctx));
}

static int svc_receiver(struct ipc_t_thr *thr)
{
	struct svc_ctx *ctx = thr->ctx;
	struct xmsg_msg *msg;
	u64 gen = ctx->gen;

	msg = xmsg_xchg_recv(ctx->xchg, &thr->owner, ipc_t_wait(),
			     ctx->flags, &gen);
	if (IS_ERR(msg))
		return PTR_ERR(msg);
	thr->tags[thr->got++] = ipc_t_tag(msg);
	xmsg_msg_rel(msg);
	return 0;
}

static void svc_send_wait(struct kunit *test)
{
	struct ipc_t_env *env = ipc_t_env(test);
	struct svc_ctx ctx = { .timeout_ns = XMSG_WAIT_FOREVER };
	struct xmsg_msg *m1, *m3, *got;
	struct ipc_t_thr *thr;

	ctx.xchg = ipc_t_xchg(test, XMSG_XCHG_KIND_NORMAL, 1);
	m1 = ipc_t_msg(test, env, &env->a, 1);
	m3 = ipc_t_msg(test, env, &env->a, 3);
	ctx.msg = ipc_t_msg(test, env, &env->b, 2);
	ctx.owner = &env->b;
	KUNIT_ASSERT_EQ(test, xmsg_xchg_send(ctx.xchg, m1, &env->a, 0), 0);
	/* full: a send that does not wait fails at once */
	KUNIT_EXPECT_EQ(test, xmsg_xchg_send_wait(ctx.xchg, m3, &env->a, 0, 0, 0),
			-ENOSPC);
	thr = ipc_t_thr_start(test, svc_sender, &ctx, 0);
	KUNIT_ASSERT_TRUE(test, svc_wait_senders(ctx.xchg, 1));
	KUNIT_EXPECT_NULL(test, READ_ONCE(ctx.msg->owner));
	/* a new send does not overtake the waiting one */
	KUNIT_EXPECT_EQ(test, xmsg_xchg_send(ctx.xchg, m3, &env->a, 0),
			-ENOSPC);
	got = xmsg_xchg_recv(ctx.xchg, &env->a, 0, 0, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, got);
	KUNIT_EXPECT_EQ(test, ipc_t_tag(got), 1U);
	xmsg_msg_rel(got);
	/* the receive queued the waiting sender's message in its place */
	KUNIT_EXPECT_EQ(test, ipc_t_thr_join(test, thr), 0);
	ipc_t_thr_free(thr);
	KUNIT_EXPECT_EQ(test, svc_senders(ctx.xchg), 0U);
	KUNIT_EXPECT_EQ(test, ipc_t_xchg_queued(ctx.xchg), 1U);
	got = xmsg_xchg_recv(ctx.xchg, &env->a, 0, 0, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, got);
	KUNIT_EXPECT_EQ(test, ipc_t_tag(got), 2U);
	KUNIT_EXPECT_EQ(test, got->prio, 3);
	KUNIT_EXPECT_EQ(test, got->tag, SVC_SEND_TAG);
	xmsg_msg_rel(got);
	/* room: no wait at all */
	KUNIT_EXPECT_EQ(test, xmsg_xchg_send_wait(ctx.xchg, m3, &env->a, 0, 0,
						  ipc_t_wait()), 0);
	KUNIT_EXPECT_EQ(test, xmsg_xchg_send_wait(ctx.xchg, m3, &env->a, 0, 0,
						  -1), -EINVAL);
	xmsg_xchg_destroy(ctx.xchg);
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(env->pool), 0ULL);
}

/* A sender whose wait ends unsent gets its message back, unchanged. */
static void svc_send_wait_fail(struct kunit *test)
{
	struct ipc_t_env *env = ipc_t_env(test);
	struct svc_ctx ctx = { .timeout_ns = 2000000 };
	struct ipc_t_thr *thr;
	struct xmsg_msg *m1;

	ctx.xchg = ipc_t_xchg(test, XMSG_XCHG_KIND_PASS, 1);
	m1 = ipc_t_msg(test, env, &env->a, 1);
	ctx.msg = ipc_t_msg(test, env, &env->b, 2);
	ctx.owner = &env->b;
	KUNIT_ASSERT_EQ(test, xmsg_xchg_send(ctx.xchg, m1, &env->a, 0), 0);

	thr = ipc_t_thr_start(test, svc_sender, &ctx, 0);
	KUNIT_EXPECT_EQ(test, ipc_t_thr_join(test, thr), -ETIMEDOUT);
	ipc_t_thr_free(thr);
	KUNIT_EXPECT_PTR_EQ(test, READ_ONCE(ctx.msg->owner), &env->b);

	ctx.timeout_ns = XMSG_WAIT_FOREVER;
	thr = ipc_t_thr_start(test, svc_sender, &ctx, 1);
	KUNIT_ASSERT_TRUE(test, svc_wait_senders(ctx.xchg, 1));
	send_sig(SIGUSR1, thr->task, 0);
	KUNIT_EXPECT_EQ(test, ipc_t_thr_join(test, thr), -ERESTARTSYS);
	ipc_t_thr_free(thr);
	KUNIT_EXPECT_PTR_EQ(test, READ_ONCE(ctx.msg->owner), &env->b);

	thr = ipc_t_thr_start(test, svc_sender, &ctx, 2);
	KUNIT_ASSERT_TRUE(test, svc_wait_senders(ctx.xchg, 1));
	xmsg_xchg_destroy(ctx.xchg);
	KUNIT_EXPECT_EQ(test, ipc_t_thr_join(test, thr), -EIDRM);
	ipc_t_thr_free(thr);
	KUNIT_EXPECT_PTR_EQ(test, READ_ONCE(ctx.msg->owner), &env->b);
	KUNIT_EXPECT_TRUE(test, list_empty(&ctx.msg->link));
	xmsg_msg_rel(ctx.msg);
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(env->pool), 0ULL);
}

/* ---- exchange clear ------------------------------------------------- */

static void svc_xchg_clear(struct kunit *test)
{
	struct ipc_t_env *env = ipc_t_env(test);
	struct svc_ctx ctx = { .timeout_ns = XMSG_WAIT_FOREVER };
	struct ipc_t_thr *thr[2];
	struct xmsg_msg *m, *got;
	int i;

	ctx.xchg = ipc_t_xchg(test, XMSG_XCHG_KIND_NORMAL, 2);
	for (i = 0; i < 2; i++) {
		m = ipc_t_msg(test, env, &env->a, i);
		KUNIT_ASSERT_EQ(test, xmsg_xchg_send(ctx.xchg, m, &env->a, i), 0);
	}
	ctx.msg = ipc_t_msg(test, env, &env->b, 9);
	ctx.owner = &env->b;
	thr[0] = ipc_t_thr_start(test, svc_sender, &ctx, 0);
	KUNIT_ASSERT_TRUE(test, svc_wait_senders(ctx.xchg, 1));
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(env->pool), 3ULL);
	/* queued messages go back to the pool, the waiting sender keeps its */
	KUNIT_EXPECT_EQ(test, xmsg_xchg_clear(ctx.xchg, NULL), 0);
	KUNIT_EXPECT_EQ(test, ipc_t_thr_join(test, thr[0]), -ECANCELED);
	ipc_t_thr_free(thr[0]);
	KUNIT_EXPECT_EQ(test, ipc_t_xchg_queued(ctx.xchg), 0U);
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(env->pool), 1ULL);
	KUNIT_EXPECT_PTR_EQ(test, READ_ONCE(ctx.msg->owner), &env->b);

	/* waiting receivers are cancelled */
	for (i = 0; i < 2; i++)
		thr[i] = ipc_t_thr_start(test, svc_receiver, &ctx, i);
	KUNIT_ASSERT_TRUE(test, ipc_t_xchg_wait_waiters(ctx.xchg, 2));
	KUNIT_EXPECT_EQ(test, xmsg_xchg_clear(ctx.xchg, NULL), 0);
	for (i = 0; i < 2; i++) {
		KUNIT_EXPECT_EQ(test, ipc_t_thr_join(test, thr[i]), -ECANCELED);
		ipc_t_thr_free(thr[i]);
	}
	KUNIT_EXPECT_EQ(test, ipc_t_xchg_waiters(ctx.xchg), 0U);

	/* still usable */
	KUNIT_EXPECT_EQ(test, xmsg_xchg_send(ctx.xchg, ctx.msg, &env->b, 1), 0);
	got = xmsg_xchg_recv(ctx.xchg, &env->a, 0, 0, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, got);
	KUNIT_EXPECT_EQ(test, ipc_t_tag(got), 9U);
	xmsg_msg_rel(got);
	KUNIT_EXPECT_EQ(test, xmsg_xchg_clear(NULL, NULL), -EINVAL);
	xmsg_xchg_destroy(ctx.xchg);
	KUNIT_EXPECT_EQ(test, xmsg_xchg_clear(ctx.xchg, NULL), -EIDRM);
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(env->pool), 0ULL);
}

static void svc_bcast_clear(struct kunit *test)
{
	struct ipc_t_env *env = ipc_t_env(test);
	struct svc_ctx ctx = { .flags = XMSG_RECV_NEWER, .gen = 1 };
	struct xmsg_msg *m, *got;
	struct ipc_t_thr *thr;

	ctx.xchg = ipc_t_xchg(test, XMSG_XCHG_KIND_BCAST, 0);
	/* nothing posted, nobody waiting: no error */
	KUNIT_EXPECT_EQ(test, xmsg_xchg_clear(ctx.xchg, &env->a), 0);
	m = ipc_t_msg(test, env, &env->a, 5);
	KUNIT_ASSERT_EQ(test, xmsg_xchg_send(ctx.xchg, m, &env->a, 0), 0);
	/* only the poster withdraws the post; nothing changed */
	KUNIT_EXPECT_EQ(test, xmsg_xchg_clear(ctx.xchg, &env->b), -EPERM);
	got = xmsg_xchg_recv(ctx.xchg, &env->b, 0, 0, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, got);
	xmsg_msg_rel(got);
	/* a receiver waiting for a newer generation is cancelled */
	thr = ipc_t_thr_start(test, svc_receiver, &ctx, 0);
	KUNIT_ASSERT_TRUE(test, ipc_t_xchg_wait_waiters(ctx.xchg, 1));
	KUNIT_EXPECT_EQ(test, xmsg_xchg_clear(ctx.xchg, &env->a), 0);
	KUNIT_EXPECT_EQ(test, ipc_t_thr_join(test, thr), -ECANCELED);
	ipc_t_thr_free(thr);
	KUNIT_EXPECT_PTR_EQ(test, xmsg_xchg_recv(ctx.xchg, &env->b, 0, 0, NULL),
			    ERR_PTR(-EAGAIN));
	xmsg_msg_rel(m);
	xmsg_xchg_destroy(ctx.xchg);
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(env->pool), 0ULL);
}

/* A master's release withdraws its post: only its own, only that one's. */
static void svc_bcast_withdraw(struct kunit *test)
{
	struct ipc_t_env *env = ipc_t_env(test);
	struct xmsg_msg *m, *m2, *got;
	struct xmsg_xchg *bc;

	bc = ipc_t_xchg(test, XMSG_XCHG_KIND_BCAST, 0);
	m = ipc_t_msg(test, env, &env->a, 1);
	m2 = ipc_t_msg(test, env, &env->a, 2);
	KUNIT_EXPECT_EQ(test, xmsg_xchg_bcast_withdraw(bc, m, &env->a),
			-ENOENT);
	KUNIT_ASSERT_EQ(test, xmsg_xchg_send(bc, m, &env->a, 0), 0);
	got = xmsg_xchg_recv(bc, &env->b, 0, 0, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, got);
	/* another owner, another message: nothing changes */
	KUNIT_EXPECT_EQ(test, xmsg_xchg_bcast_withdraw(bc, m, &env->b),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, xmsg_xchg_bcast_withdraw(bc, m2, &env->a),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, ipc_t_xchg_queued(bc), 1U);
	KUNIT_EXPECT_EQ(test, xmsg_xchg_bcast_withdraw(bc, m, &env->a), 0);
	KUNIT_EXPECT_EQ(test, ipc_t_xchg_queued(bc), 0U);
	KUNIT_EXPECT_PTR_EQ(test, xmsg_xchg_recv(bc, &env->b, 0, 0, NULL),
			    ERR_PTR(-EAGAIN));
	xmsg_msg_rel(m);
	/* the receiver's proxy still holds the body */
	KUNIT_EXPECT_EQ(test, ipc_t_tag(got), 1U);
	xmsg_msg_rel(got);
	/* replaced by another message's post: not withdrawn */
	m = ipc_t_msg(test, env, &env->a, 3);
	KUNIT_ASSERT_EQ(test, xmsg_xchg_send(bc, m, &env->a, 0), 0);
	KUNIT_ASSERT_EQ(test, xmsg_xchg_send(bc, m2, &env->a, 0), 0);
	KUNIT_EXPECT_EQ(test, xmsg_xchg_bcast_withdraw(bc, m, &env->a),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, ipc_t_xchg_queued(bc), 1U);
	KUNIT_EXPECT_EQ(test, xmsg_xchg_bcast_withdraw(NULL, m, &env->a),
			-EINVAL);
	xmsg_msg_rel(m);
	xmsg_msg_rel(m2);
	xmsg_xchg_destroy(bc);
	KUNIT_EXPECT_EQ(test, xmsg_xchg_bcast_withdraw(bc, m2, &env->a),
			-EIDRM);
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(env->pool), 0ULL);
}

/* ---- peek ---------------------------------------------------------- */

static void svc_peek(struct kunit *test)
{
	struct ipc_t_env *env = ipc_t_env(test);
	struct svc_ctx ctx = {};
	struct xmsg_xchg_peek xp;
	struct xmsg_sem_peek sp;
	struct xmsg_msg *m1, *m2, *got;
	struct xmsg_xchg *bc;
	struct ipc_t_thr *thr;

	ctx.xchg = ipc_t_xchg(test, XMSG_XCHG_KIND_NORMAL, 0);
	ctx.sem = ipc_t_sem(test, XMSG_SEM_KIND_COUNT, 0, 0);
	xmsg_xchg_peek(ctx.xchg, &init_pid_ns, &xp);
	KUNIT_EXPECT_EQ(test, xp.queued, 0U);
	KUNIT_EXPECT_FALSE(test, xp.has_msg);
	KUNIT_EXPECT_FALSE(test, xp.has_waiter);
	m1 = ipc_t_msg(test, env, &env->a, 1);
	m2 = ipc_t_msg(test, env, &env->a, 2);
	KUNIT_ASSERT_EQ(test, xmsg_msg_set_length(m2, 10), 0);
	KUNIT_ASSERT_EQ(test, xmsg_xchg_send(ctx.xchg, m1, &env->a, 2), 0);
	KUNIT_ASSERT_EQ(test, xmsg_xchg_send(ctx.xchg, m2, &env->a, 5), 0);
	/* the highest priority first: m2; nothing is taken */
	xmsg_xchg_peek(ctx.xchg, &init_pid_ns, &xp);
	KUNIT_EXPECT_EQ(test, xp.queued, 2U);
	KUNIT_EXPECT_TRUE(test, xp.has_msg);
	KUNIT_EXPECT_EQ(test, xp.prio, 5);
	KUNIT_EXPECT_EQ(test, xp.length, 10ULL);
	KUNIT_EXPECT_EQ(test, ipc_t_xchg_queued(ctx.xchg), 2U);
	got = xmsg_xchg_recv(ctx.xchg, &env->a, 0, 0, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, got);
	KUNIT_EXPECT_EQ(test, ipc_t_tag(got), 2U);
	xmsg_msg_rel(got);
	got = xmsg_xchg_recv(ctx.xchg, &env->a, 0, 0, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, got);
	xmsg_msg_rel(got);

	/* the first waiting receiver, by its IDs */
	thr = ipc_t_thr_start(test, svc_receiver, &ctx, 0);
	KUNIT_ASSERT_TRUE(test, ipc_t_xchg_wait_waiters(ctx.xchg, 1));
	xmsg_xchg_peek(ctx.xchg, &init_pid_ns, &xp);
	KUNIT_EXPECT_TRUE(test, xp.has_waiter);
	KUNIT_EXPECT_FALSE(test, xp.has_msg);
	KUNIT_EXPECT_EQ(test, xp.waiters, 1U);
	KUNIT_EXPECT_EQ(test, xp.pid, task_tgid_nr(thr->task));
	KUNIT_EXPECT_EQ(test, xp.tid, task_pid_nr(thr->task));
	m1 = ipc_t_msg(test, env, &env->a, 3);
	KUNIT_ASSERT_EQ(test, xmsg_xchg_send(ctx.xchg, m1, &env->a, 0), 0);
	KUNIT_EXPECT_EQ(test, ipc_t_thr_join(test, thr), 0);
	ipc_t_thr_free(thr);

	thr = ipc_t_thr_start(test, svc_sem_waiter, &ctx, 1);
	KUNIT_ASSERT_TRUE(test, ipc_t_sem_wait_waiters(ctx.sem, 1));
	xmsg_sem_peek(ctx.sem, &init_pid_ns, &sp);
	KUNIT_EXPECT_TRUE(test, sp.has_waiter);
	KUNIT_EXPECT_EQ(test, sp.waiters, 1U);
	KUNIT_EXPECT_EQ(test, sp.threshold, 1U);
	KUNIT_EXPECT_EQ(test, sp.tid, task_pid_nr(thr->task));
	KUNIT_EXPECT_EQ(test, xmsg_sem_signal(ctx.sem), 0);
	KUNIT_EXPECT_EQ(test, ipc_t_thr_join(test, thr), 0);
	ipc_t_thr_free(thr);
	xmsg_sem_peek(ctx.sem, &init_pid_ns, &sp);
	KUNIT_EXPECT_FALSE(test, sp.has_waiter);
	KUNIT_EXPECT_EQ(test, sp.count, 0U);

	/* a broadcast exchange: the post */
	bc = ipc_t_xchg(test, XMSG_XCHG_KIND_BCAST, 0);
	m1 = ipc_t_msg(test, env, &env->a, 4);
	KUNIT_ASSERT_EQ(test, xmsg_xchg_send(bc, m1, &env->a, 7), 0);
	xmsg_xchg_peek(bc, &init_pid_ns, &xp);
	KUNIT_EXPECT_EQ(test, xp.queued, 1U);
	KUNIT_EXPECT_TRUE(test, xp.has_msg);
	KUNIT_EXPECT_EQ(test, xp.prio, 7);
	KUNIT_EXPECT_EQ(test, xp.length, (u64)IPC_T_BSIZE);
	xmsg_xchg_destroy(bc);
	xmsg_msg_rel(m1);
	xmsg_sem_destroy(ctx.sem);
	xmsg_xchg_destroy(ctx.xchg);
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(env->pool), 0ULL);
}

/* ---- bump: a queued message to another priority ---------------------- */

/* Receive the next message and check its body id, priority and tag. */
static void svc_expect_next(struct kunit *test, struct xmsg_xchg *xchg,
			    struct xmsg_owner *to, u32 id, u8 prio, u64 tag)
{
	struct xmsg_msg *got = xmsg_xchg_recv(xchg, to, 0, 0, NULL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, got);
	KUNIT_EXPECT_EQ(test, ipc_t_tag(got), id);
	KUNIT_EXPECT_EQ(test, got->prio, prio);
	KUNIT_EXPECT_EQ(test, got->tag, tag);
	xmsg_msg_rel(got);
}

/* Send message @id (body) with priority @prio and tag 10 + @id. */
static void svc_send_tagged(struct kunit *test, struct ipc_t_env *env,
			    struct xmsg_xchg *xchg, u32 id, u8 prio)
{
	struct xmsg_msg *m = ipc_t_msg(test, env, &env->a, id);

	KUNIT_ASSERT_EQ(test, xmsg_xchg_send_tagged(xchg, m, &env->a, prio,
						    10 + id, NULL), 0);
}

static void svc_bump_order(struct kunit *test)
{
	struct ipc_t_env *env = ipc_t_env(test);
	struct xmsg_xchg *xchg;
	u8 old = 99;

	xchg = ipc_t_xchg(test, XMSG_XCHG_KIND_NORMAL, 0);
	svc_send_tagged(test, env, xchg, 1, 2);
	svc_send_tagged(test, env, xchg, 2, 2);
	svc_send_tagged(test, env, xchg, 3, 5);
	svc_send_tagged(test, env, xchg, 4, 5);
	svc_send_tagged(test, env, xchg, 5, 0);
	/* up: the lowest goes first */
	KUNIT_EXPECT_EQ(test, xmsg_xchg_bump(xchg, 15, 9, &old), 0);
	KUNIT_EXPECT_EQ(test, old, 0);
	/* down: behind what is left at 5 and 2 */
	KUNIT_EXPECT_EQ(test, xmsg_xchg_bump(xchg, 13, 1, &old), 0);
	KUNIT_EXPECT_EQ(test, old, 5);
	/* up to a priority in use: behind the message already there */
	KUNIT_EXPECT_EQ(test, xmsg_xchg_bump(xchg, 11, 5, NULL), 0);
	/* to its own priority: to the back of it */
	KUNIT_EXPECT_EQ(test, xmsg_xchg_bump(xchg, 14, 5, &old), 0);
	KUNIT_EXPECT_EQ(test, old, 5);
	KUNIT_EXPECT_EQ(test, ipc_t_xchg_queued(xchg), 5U);
	svc_expect_next(test, xchg, &env->a, 5, 9, 15);
	svc_expect_next(test, xchg, &env->a, 1, 5, 11);
	svc_expect_next(test, xchg, &env->a, 4, 5, 14);
	svc_expect_next(test, xchg, &env->a, 2, 2, 12);
	svc_expect_next(test, xchg, &env->a, 3, 1, 13);
	KUNIT_EXPECT_EQ(test, ipc_t_xchg_queued(xchg), 0U);

	/* the same tag twice: the first in queue order moves */
	svc_send_tagged(test, env, xchg, 6, 3);
	svc_send_tagged(test, env, xchg, 7, 4);
	svc_send_tagged(test, env, xchg, 6, 4);
	KUNIT_EXPECT_EQ(test, xmsg_xchg_bump(xchg, 16, 3, &old), 0);
	KUNIT_EXPECT_EQ(test, old, 4);
	svc_expect_next(test, xchg, &env->a, 7, 4, 17);
	svc_expect_next(test, xchg, &env->a, 6, 3, 16);
	svc_expect_next(test, xchg, &env->a, 6, 3, 16);
	xmsg_xchg_destroy(xchg);
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(env->pool), 0ULL);
}

static void svc_bump_pass(struct kunit *test)
{
	struct ipc_t_env *env = ipc_t_env(test);
	struct xmsg_xchg *xchg;

	/* a pass exchange hands the new priority on */
	xchg = ipc_t_xchg(test, XMSG_XCHG_KIND_PASS, 0);
	svc_send_tagged(test, env, xchg, 1, 3);
	svc_send_tagged(test, env, xchg, 2, 7);
	KUNIT_EXPECT_EQ(test, xmsg_xchg_bump(xchg, 11, 20, NULL), 0);
	svc_expect_next(test, xchg, &env->a, 1, 20, 11);
	svc_expect_next(test, xchg, &env->a, 2, 7, 12);
	xmsg_xchg_destroy(xchg);
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(env->pool), 0ULL);
}

static void svc_bump_errors(struct kunit *test)
{
	struct ipc_t_env *env = ipc_t_env(test);
	struct xmsg_xchg *xchg, *bc;
	struct xmsg_msg *m, *got;
	u8 old = 99;

	xchg = ipc_t_xchg(test, XMSG_XCHG_KIND_NORMAL, 0);
	KUNIT_EXPECT_EQ(test, xmsg_xchg_bump(xchg, 11, 3, &old), -ENOENT);
	svc_send_tagged(test, env, xchg, 1, 2);
	KUNIT_EXPECT_EQ(test, xmsg_xchg_bump(xchg, 0, 3, &old), -EINVAL);
	KUNIT_EXPECT_EQ(test, xmsg_xchg_bump(xchg, 11, XMSG_MSG_PRIO_MAX + 1,
					     &old), -EINVAL);
	KUNIT_EXPECT_EQ(test, xmsg_xchg_bump(NULL, 11, 3, &old), -EINVAL);
	KUNIT_EXPECT_EQ(test, xmsg_xchg_bump(xchg, 12, 3, &old), -ENOENT);
	/* nothing changed by the failures */
	KUNIT_EXPECT_EQ(test, old, 99);
	/* received: no longer queued */
	got = xmsg_xchg_recv(xchg, &env->a, 0, 0, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, got);
	KUNIT_EXPECT_EQ(test, got->tag, 11ULL);
	KUNIT_EXPECT_EQ(test, xmsg_xchg_bump(xchg, 11, 3, &old), -ENOENT);
	/* sent again untagged: the old tag is gone */
	KUNIT_ASSERT_EQ(test, xmsg_xchg_send(xchg, got, &env->a, 1), 0);
	KUNIT_EXPECT_EQ(test, xmsg_xchg_bump(xchg, 11, 3, &old), -ENOENT);
	svc_expect_next(test, xchg, &env->a, 1, 1, 0);
	/* cleared: gone */
	svc_send_tagged(test, env, xchg, 2, 2);
	KUNIT_EXPECT_EQ(test, xmsg_xchg_clear(xchg, NULL), 0);
	KUNIT_EXPECT_EQ(test, xmsg_xchg_bump(xchg, 12, 3, &old), -ENOENT);
	/* destroyed, still referenced */
	xmsg_obj_get(xmsg_xchg_obj(xchg));
	svc_send_tagged(test, env, xchg, 3, 2);
	xmsg_xchg_destroy(xchg);
	KUNIT_EXPECT_EQ(test, xmsg_xchg_bump(xchg, 13, 3, &old), -EIDRM);
	xmsg_obj_put(xmsg_xchg_obj(xchg));

	/* broadcast: nothing queued, no tags */
	bc = ipc_t_xchg(test, XMSG_XCHG_KIND_BCAST, 0);
	m = ipc_t_msg(test, env, &env->a, 4);
	KUNIT_EXPECT_EQ(test, xmsg_xchg_send_tagged(bc, m, &env->a, 1, 14,
						    NULL), -EINVAL);
	KUNIT_ASSERT_EQ(test, xmsg_xchg_send(bc, m, &env->a, 1), 0);
	KUNIT_EXPECT_EQ(test, xmsg_xchg_bump(bc, 14, 3, &old), -EINVAL);
	KUNIT_EXPECT_EQ(test, old, 99);
	xmsg_xchg_destroy(bc);
	xmsg_msg_rel(m);
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(env->pool), 0ULL);
}

static struct kunit_case xmsg_ipc_svc_cases[] = {
	KUNIT_CASE(svc_signal_wait_pass),
	KUNIT_CASE(svc_signal_wait_errors),
	KUNIT_CASE(svc_signal_wait_gate),
	KUNIT_CASE(svc_sem_clear),
	KUNIT_CASE(svc_send_wait),
	KUNIT_CASE(svc_send_wait_fail),
	KUNIT_CASE(svc_xchg_clear),
	KUNIT_CASE(svc_bcast_clear),
	KUNIT_CASE(svc_bcast_withdraw),
	KUNIT_CASE(svc_peek),
	KUNIT_CASE(svc_bump_order),
	KUNIT_CASE(svc_bump_pass),
	KUNIT_CASE(svc_bump_errors),
	{}
};

static struct kunit_suite xmsg_ipc_svc_suite = {
	.name = "xmsg_ipc_svc",
	.test_cases = xmsg_ipc_svc_cases,
};

kunit_test_suite(xmsg_ipc_svc_suite);

MODULE_DESCRIPTION("KUnit tests for xmsg signal-and-wait, waiting sends, clears and bumps");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(XMSG_NS);
