// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: xmsg send rings, driven through the engine (no char device).  The
 * test plays the sender: it takes offsets from the fill ring, writes
 * descriptors and the send producer index into the ring's shared memory,
 * kicks, and reads the completion ring; what was sent is received at the
 * exchange.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/poll.h>
#include "xmsg_ipc_test.h"

/* A send ring to an exchange, with the shared memory as the sender sees it. */
struct txr_t {
	struct ipc_t_env *env;
	struct xmsg_xchg *xchg;		/* NULL once destroyed by the test */
	struct xmsg_txring *ring;	/* likewise */
	struct xmsg_txring_hdr *hdr;
	struct xmsg_txring_desc *send;
	struct xmsg_txring_comp *comp;
	u64 *fill;
	u32 entries;
	u32 stride;
};

/* The ring first, then the exchange; the pool goes with the env after. */
static void txr_t_exit(struct kunit_resource *res)
{
	struct txr_t *t = res->data;

	xmsg_txring_destroy(t->ring);
	xmsg_xchg_destroy(t->xchg);
	kfree(t);
}

/* A ring of @entries entries keeping @blocks blocks of a new env's pool. */
static struct txr_t *txr_t(struct kunit *test, u32 limit, u32 entries,
			   u32 blocks)
{
	struct ipc_t_env *env = ipc_t_env(test);
	u64 map_size, send_off, comp_off, fill_off;
	struct txr_t *t;

	t = kzalloc(sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, t);
	t->env = env;
	t->xchg = xmsg_xchg_create("kunit-txring", XMSG_XCHG_KIND_NORMAL,
				   limit);
	if (IS_ERR(t->xchg)) {
		kfree(t);
		KUNIT_ASSERT_TRUE_MSG(test, false, "exchange create failed");
	}
	t->ring = xmsg_txring_create(t->xchg, env->pool, entries, blocks);
	if (IS_ERR(t->ring)) {
		xmsg_xchg_destroy(t->xchg);
		kfree(t);
		KUNIT_ASSERT_TRUE_MSG(test, false, "send ring create failed");
	}
	kunit_alloc_resource(test, NULL, txr_t_exit, GFP_KERNEL, t);
	xmsg_txring_layout(t->ring, &map_size, &send_off, &comp_off,
			   &fill_off);
	KUNIT_ASSERT_GE(test, map_size,
			fill_off + (u64)entries * sizeof(*t->fill));
	t->hdr = xmsg_txring_hdr(t->ring);
	t->send = (void *)t->hdr + send_off;
	t->comp = (void *)t->hdr + comp_off;
	t->fill = (void *)t->hdr + fill_off;
	t->entries = entries;
	t->stride = xmsg_pool_block_size(env->pool);
	return t;
}

/* Kick; return what was sent, and what was refused in *@refused. */
static u32 txr_t_kick(struct txr_t *t, bool lease, u32 *refused)
{
	u32 sent, dummy;

	xmsg_txring_kick(t->ring, lease, &sent, refused ?: &dummy);
	return sent;
}

/* Take the next offset from the fill ring, as a sender does. */
static u64 txr_t_take(struct kunit *test, struct txr_t *t)
{
	u32 cons = t->hdr->fill_consumer;

	/* pairs with the kernel's store-release after the fill entries */
	KUNIT_ASSERT_NE(test, smp_load_acquire(&t->hdr->fill_producer),
			cons);
	t->hdr->fill_consumer = cons + 1;
	return READ_ONCE(t->fill[cons & (t->entries - 1)]);
}

/* Write a descriptor without publishing it. */
static void txr_t_write(struct txr_t *t, u32 at, u64 offset, u32 len,
			u16 prio, u16 flags)
{
	struct xmsg_txring_desc *d = &t->send[at & (t->entries - 1)];

	d->offset = offset;
	d->len = len;
	d->prio = prio;
	d->flags = flags;
}

/* Post a descriptor: write it, then the producer index (release). */
static void txr_t_post(struct txr_t *t, u64 offset, u32 len, u16 prio,
		       u16 flags)
{
	u32 prod = t->hdr->send_producer;

	txr_t_write(t, prod, offset, len, prio, flags);
	/* the descriptor before the index, as user space must */
	smp_store_release(&t->hdr->send_producer, prod + 1);
}

/* Completion @i (counted from the ring's start). */
static const struct xmsg_txring_comp *txr_t_comp(struct txr_t *t, u32 i)
{
	return &t->comp[i & (t->entries - 1)];
}

static struct xmsg_txring_stats txr_t_stats(struct txr_t *t)
{
	struct xmsg_txring_stats st;

	xmsg_txring_get_stats(t->ring, &st);
	return st;
}

/*
 * Wait (up to 5 s) for the drain due after a pull: it sets NEED_WAKEUP
 * before its last look at the send producer index, then ends; a
 * snapshot of the ring's counters takes the ring's lock, so this returns
 * after that drain has ended.  Return: whether the flag was set.
 */
static bool txr_t_drain_due_done(struct txr_t *t)
{
	unsigned int i;

	for (i = 0; i < 250 && !(READ_ONCE(t->hdr->flags) &
				 XMSG_TXRING_F_NEED_WAKEUP); i++)
		msleep(20);
	return txr_t_stats(t).flags & XMSG_TXRING_F_NEED_WAKEUP;
}

static u64 txr_t_pool_free(struct txr_t *t)
{
	struct xmsg_pool_stats st;

	xmsg_pool_get_stats(t->env->pool, &st);
	return st.free;
}

/* Blocks leased, fill entries published, pool blocks in use: as expected. */
static void txr_t_expect_lease(struct kunit *test, struct txr_t *t,
			       u32 leased, u32 fill_producer, u64 in_use)
{
	KUNIT_EXPECT_EQ(test, xmsg_txring_leased(t->ring), leased);
	KUNIT_EXPECT_EQ(test, t->hdr->fill_producer, fill_producer);
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(t->env->pool), in_use);
}

static void txring_create_einval(struct kunit *test)
{
	struct ipc_t_env *env = ipc_t_env(test);
	struct xmsg_xchg *xchg = ipc_t_xchg(test, XMSG_XCHG_KIND_NORMAL, 0);
	struct xmsg_xchg *bc = ipc_t_xchg(test, XMSG_XCHG_KIND_BCAST, 0);

	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_txring_create(bc, env->pool, 8,
							 4)), (long)-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_txring_create(xchg, env->pool, 0,
							 1)), (long)-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_txring_create(xchg, env->pool, 12,
							 4)), (long)-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_txring_create(xchg, env->pool,
							 XMSG_TXRING_ENTRIES_MAX * 2,
							 4)), (long)-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_txring_create(xchg, env->pool, 8,
							 0)), (long)-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_txring_create(xchg, env->pool, 8,
							 9)), (long)-EINVAL);
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(env->pool), 0ULL);
	xmsg_xchg_destroy(bc);
	xmsg_xchg_destroy(xchg);
}

/* The first kick leases @blocks distinct blocks and publishes them. */
static void txring_fill_lease(struct kunit *test)
{
	struct txr_t *t = txr_t(test, 0, 16, 8);
	DECLARE_BITMAP(seen, IPC_T_BLOCKS) = { 0 };
	struct xmsg_txring_stats st;
	u32 refused, i;
	u64 off;

	KUNIT_EXPECT_EQ(test, t->hdr->entries, 16U);
	KUNIT_EXPECT_EQ(test, t->hdr->blocks, 8U);
	txr_t_expect_lease(test, t, 0, 0, 0);

	KUNIT_EXPECT_EQ(test, txr_t_kick(t, true, &refused), 0U);
	KUNIT_EXPECT_EQ(test, refused, 0U);
	txr_t_expect_lease(test, t, 8, 8, 8);
	KUNIT_EXPECT_EQ(test, txr_t_pool_free(t), (u64)IPC_T_BLOCKS - 8);
	KUNIT_ASSERT_EQ(test, t->hdr->fill_producer, 8U);
	for (i = 0; i < 8; i++) {
		off = txr_t_take(test, t);
		KUNIT_ASSERT_LT(test, off, (u64)IPC_T_BLOCKS * t->stride);
		KUNIT_EXPECT_EQ(test, (u32)off % t->stride, 0U);
		KUNIT_EXPECT_FALSE(test, test_and_set_bit((u32)off / t->stride,
							  seen));
	}
	st = txr_t_stats(t);
	KUNIT_EXPECT_EQ(test, st.entries, 16U);
	KUNIT_EXPECT_EQ(test, st.blocks, 8U);
	KUNIT_EXPECT_EQ(test, st.leased, 8U);
	KUNIT_EXPECT_EQ(test, st.fill_producer, 8U);
	KUNIT_EXPECT_EQ(test, st.sent, 0ULL);

	/* a kick with nothing posted and all blocks leased leases no more */
	KUNIT_EXPECT_EQ(test, txr_t_kick(t, true, NULL), 0U);
	txr_t_expect_lease(test, t, 8, 8, 8);
}

/* A pool with fewer free blocks than @blocks: the ring takes what is free. */
static void txring_fill_pool_short(struct kunit *test)
{
	struct txr_t *t = txr_t(test, 0, 128, 100);

	txr_t_kick(t, true, NULL);
	txr_t_expect_lease(test, t, IPC_T_BLOCKS, IPC_T_BLOCKS, IPC_T_BLOCKS);
	KUNIT_EXPECT_EQ(test, txr_t_pool_free(t), 0ULL);
}

/* Receive the next message at @t's exchange as env->b, without waiting. */
static struct xmsg_msg *txr_t_recv(struct kunit *test, struct txr_t *t)
{
	struct xmsg_msg *msg = xmsg_xchg_recv(t->xchg, &t->env->b, 0, 0,
					      NULL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, msg);
	return msg;
}

/*
 * Descriptors of one priority arrive in the order sent, each its block
 * with its length; of several priorities, highest first.
 */
static void txring_send_order(struct kunit *test)
{
	static const u16 prios[] = { 1, 7, XMSG_MSG_PRIO_MAX, 0 };
	static const u16 order[] = { 2, 1, 0, 3 };	/* prios[] served */
	struct txr_t *t = txr_t(test, 0, 16, 8);
	struct xmsg_txring_stats st;
	struct xmsg_msg *msg;
	u64 off[8];
	u32 refused, i;

	txr_t_kick(t, true, NULL);
	for (i = 0; i < 8; i++) {
		off[i] = txr_t_take(test, t);
		*(u32 *)xmsg_pool_block_at(t->env->pool, off[i]) = 100 + i;
		txr_t_post(t, off[i], 4 + i, 3, 0);
	}
	KUNIT_EXPECT_EQ(test, txr_t_kick(t, true, &refused), 8U);
	KUNIT_EXPECT_EQ(test, refused, 0U);
	KUNIT_EXPECT_EQ(test, t->hdr->send_consumer, 8U);
	KUNIT_ASSERT_EQ(test, t->hdr->comp_producer, 8U);
	for (i = 0; i < 8; i++) {
		KUNIT_EXPECT_EQ(test, txr_t_comp(t, i)->offset, off[i]);
		KUNIT_EXPECT_EQ(test, txr_t_comp(t, i)->err, 0);
	}
	/* 8 leased again, 8 queued */
	txr_t_expect_lease(test, t, 8, 16, 16);
	KUNIT_EXPECT_EQ(test, ipc_t_xchg_queued(t->xchg), 8U);
	st = txr_t_stats(t);
	KUNIT_EXPECT_EQ(test, st.sent, 8ULL);
	KUNIT_EXPECT_EQ(test, st.send_consumer, 8U);
	KUNIT_EXPECT_EQ(test, st.comp_producer, 8U);

	for (i = 0; i < 8; i++) {
		msg = txr_t_recv(test, t);
		KUNIT_EXPECT_PTR_EQ(test, msg->body,
				    xmsg_pool_block_at(t->env->pool, off[i]));
		KUNIT_EXPECT_EQ(test, ipc_t_tag(msg), 100 + i);
		KUNIT_EXPECT_EQ(test, msg->size, (size_t)(4 + i));
		KUNIT_EXPECT_EQ(test, msg->prio, 3);
		KUNIT_EXPECT_PTR_EQ(test, msg->owner, &t->env->b);
		KUNIT_EXPECT_EQ(test, xmsg_msg_rel(msg), 0);
	}
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(t->env->pool), 8ULL);

	for (i = 0; i < ARRAY_SIZE(prios); i++) {
		off[i] = txr_t_take(test, t);
		txr_t_post(t, off[i], 10 + i, prios[i], 0);
	}
	KUNIT_EXPECT_EQ(test, txr_t_kick(t, true, NULL), 4U);
	for (i = 0; i < ARRAY_SIZE(order); i++) {
		msg = txr_t_recv(test, t);
		KUNIT_EXPECT_PTR_EQ(test, msg->body,
				    xmsg_pool_block_at(t->env->pool,
						       off[order[i]]));
		KUNIT_EXPECT_EQ(test, msg->size, (size_t)(10 + order[i]));
		KUNIT_EXPECT_EQ(test, msg->prio, prios[order[i]]);
		KUNIT_EXPECT_EQ(test, xmsg_msg_rel(msg), 0);
	}
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_xchg_recv(t->xchg, &t->env->b, 0,
						     0, NULL)), (long)-EAGAIN);
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(t->env->pool), 8ULL);
}

/* An offset of the pool whose block is not leased to @t. */
static u64 txr_t_unleased(struct kunit *test, struct txr_t *t,
			  const u64 *leased, u32 n)
{
	u32 blk, i;

	for (blk = 0; blk < IPC_T_BLOCKS; blk++) {
		for (i = 0; i < n; i++)
			if (leased[i] == (u64)blk * t->stride)
				break;
		if (i == n)
			return (u64)blk * t->stride;
	}
	KUNIT_FAIL(test, "every block leased");
	return 0;
}

struct txr_bad {
	const char *what;
	u64 offset;
	u32 len;
	u16 prio;
	u16 flags;
	int err;
};

/*
 * Every refusal reason, in one batch: counted in hdr->refused[] (and the
 * stats), completed with its errno; the refused descriptors' blocks stay
 * leased, one posted twice is sent once.
 */
static void txring_refuse(struct kunit *test)
{
	struct txr_t *t = txr_t(test, 0, 16, 4);
	u32 want[XMSG_TXRING_REFUSED_NR] = {
		[XMSG_TXRING_REFUSED_RANGE] = 1,
		[XMSG_TXRING_REFUSED_ALIGN] = 1,
		[XMSG_TXRING_REFUSED_LEASE] = 2,
		[XMSG_TXRING_REFUSED_LEN] = 2,
		[XMSG_TXRING_REFUSED_PRIO] = 1,
		[XMSG_TXRING_REFUSED_FLAGS] = 1,
	};
	struct xmsg_txring_stats st;
	struct txr_bad bad[10];
	struct xmsg_msg *msg;
	u32 i, n, refused;
	u64 off[4];

	txr_t_kick(t, true, NULL);
	for (i = 0; i < 4; i++)
		off[i] = txr_t_take(test, t);
	n = 0;
	bad[n++] = (struct txr_bad){ "range", (u64)IPC_T_BLOCKS * t->stride,
				     8, 0, 0, -ERANGE };
	bad[n++] = (struct txr_bad){ "align", off[0] + 1, 8, 0, 0, -EINVAL };
	bad[n++] = (struct txr_bad){ "not leased",
				     txr_t_unleased(test, t, off, 4), 8, 0, 0,
				     -EBADF };
	bad[n++] = (struct txr_bad){ "len 0", off[0], 0, 0, 0, -EMSGSIZE };
	bad[n++] = (struct txr_bad){ "len > stride", off[0], t->stride + 1,
				     0, 0, -EMSGSIZE };
	bad[n++] = (struct txr_bad){ "prio", off[0], 8,
				     XMSG_MSG_PRIO_MAX + 1, 0, -EINVAL };
	bad[n++] = (struct txr_bad){ "flags", off[0], 8, 0, 1, -EINVAL };
	bad[n++] = (struct txr_bad){ "sent", off[1], t->stride, 0, 0, 0 };
	bad[n++] = (struct txr_bad){ "posted twice", off[1], 8, 0, 0,
				     -EBADF };
	for (i = 0; i < n; i++)
		txr_t_post(t, bad[i].offset, bad[i].len, bad[i].prio,
			   bad[i].flags);
	KUNIT_EXPECT_EQ(test, txr_t_kick(t, true, &refused), 1U);
	KUNIT_EXPECT_EQ(test, refused, n - 1);
	KUNIT_ASSERT_EQ(test, t->hdr->comp_producer, n);
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ_MSG(test, txr_t_comp(t, i)->offset,
				    bad[i].offset, "%s", bad[i].what);
		KUNIT_EXPECT_EQ_MSG(test, txr_t_comp(t, i)->err, bad[i].err,
				    "%s", bad[i].what);
	}
	st = txr_t_stats(t);
	for (i = 0; i < XMSG_TXRING_REFUSED_NR; i++) {
		KUNIT_EXPECT_EQ_MSG(test, t->hdr->refused[i], want[i],
				    "reason %u", i);
		KUNIT_EXPECT_EQ_MSG(test, st.refused[i], want[i], "reason %u",
				    i);
	}
	KUNIT_EXPECT_EQ(test, st.sent, 1ULL);
	/* only off[1] left the ring (and was replaced) */
	KUNIT_EXPECT_EQ(test, ipc_t_xchg_queued(t->xchg), 1U);
	KUNIT_EXPECT_EQ(test, xmsg_txring_leased(t->ring), 4U);
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(t->env->pool), 5ULL);
	msg = txr_t_recv(test, t);
	KUNIT_EXPECT_PTR_EQ(test, msg->body,
			    xmsg_pool_block_at(t->env->pool, off[1]));
	KUNIT_EXPECT_EQ(test, msg->size, (size_t)t->stride);
	KUNIT_EXPECT_EQ(test, xmsg_msg_rel(msg), 0);

	/* off[0], refused five times, is still leased: it can be sent */
	txr_t_post(t, off[0], 1, XMSG_MSG_PRIO_MAX, 0);
	KUNIT_EXPECT_EQ(test, txr_t_kick(t, true, &refused), 1U);
	KUNIT_EXPECT_EQ(test, refused, 0U);
	KUNIT_EXPECT_EQ(test, txr_t_comp(t, n)->err, 0);
	msg = txr_t_recv(test, t);
	KUNIT_EXPECT_PTR_EQ(test, msg->body,
			    xmsg_pool_block_at(t->env->pool, off[0]));
	KUNIT_EXPECT_EQ(test, msg->prio, XMSG_MSG_PRIO_MAX);
	KUNIT_EXPECT_EQ(test, xmsg_msg_rel(msg), 0);
	KUNIT_EXPECT_EQ(test, t->hdr->refused[XMSG_TXRING_REFUSED_LEASE], 2U);
}

/* The exchange at its limit refuses the send: -ENOSPC, the block stays. */
static void txring_refuse_xchg_full(struct kunit *test)
{
	struct txr_t *t = txr_t(test, 1, 8, 2);
	u64 a, b;
	u32 refused;

	txr_t_kick(t, true, NULL);
	a = txr_t_take(test, t);
	b = txr_t_take(test, t);
	txr_t_post(t, a, 8, 0, 0);
	txr_t_post(t, b, 8, 0, 0);
	KUNIT_EXPECT_EQ(test, txr_t_kick(t, true, &refused), 1U);
	KUNIT_EXPECT_EQ(test, refused, 1U);
	KUNIT_EXPECT_EQ(test, txr_t_comp(t, 0)->err, 0);
	KUNIT_EXPECT_EQ(test, txr_t_comp(t, 1)->err, -ENOSPC);
	KUNIT_EXPECT_EQ(test, t->hdr->refused[XMSG_TXRING_REFUSED_SEND], 1U);
	KUNIT_EXPECT_EQ(test, t->hdr->flags & XMSG_TXRING_F_DEAD, 0U);
	/* b kept, a replaced: 2 leased, 1 queued */
	KUNIT_EXPECT_EQ(test, xmsg_txring_leased(t->ring), 2U);
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(t->env->pool), 3ULL);
	KUNIT_EXPECT_EQ(test, xmsg_msg_rel(txr_t_recv(test, t)), 0);
	txr_t_post(t, b, 8, 0, 0);
	KUNIT_EXPECT_EQ(test, txr_t_kick(t, true, NULL), 1U);
	KUNIT_EXPECT_EQ(test, txr_t_comp(t, 2)->err, 0);
}

/* A send producer index more than @entries ahead is ignored. */
static void txring_garbage_producer(struct kunit *test)
{
	struct txr_t *t = txr_t(test, 0, 8, 4);
	static const u32 bad[] = { 9, 0x80000000, 0xffffffff };
	u32 refused, i;
	u64 off;

	txr_t_kick(t, true, NULL);
	off = txr_t_take(test, t);
	/* every slot a valid descriptor: taking any would send it */
	for (i = 0; i < t->entries; i++)
		txr_t_write(t, i, off, 8, 0, 0);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		/* published as a sender would */
		smp_store_release(&t->hdr->send_producer, bad[i]);
		KUNIT_EXPECT_EQ(test, txr_t_kick(t, true, &refused), 0U);
		KUNIT_EXPECT_EQ(test, refused, 0U);
		KUNIT_EXPECT_EQ(test, t->hdr->send_consumer, 0U);
		KUNIT_EXPECT_EQ(test, t->hdr->comp_producer, 0U);
	}
	KUNIT_EXPECT_EQ(test, ipc_t_xchg_queued(t->xchg), 0U);
	KUNIT_EXPECT_EQ(test, txr_t_stats(t).send_producer, 0xffffffffU);
	KUNIT_EXPECT_EQ(test, txr_t_stats(t).send_consumer, 0U);

	/* a sane index again: the first descriptor goes, the rest refused */
	smp_store_release(&t->hdr->send_producer, 2);
	KUNIT_EXPECT_EQ(test, txr_t_kick(t, true, &refused), 1U);
	KUNIT_EXPECT_EQ(test, refused, 1U);
	KUNIT_EXPECT_EQ(test, txr_t_comp(t, 1)->err, -EBADF);
	KUNIT_EXPECT_EQ(test, ipc_t_xchg_queued(t->xchg), 1U);
}

/* A full completion ring stops the drain until the sender reads it. */
static void txring_comp_full(struct kunit *test)
{
	struct txr_t *t = txr_t(test, 0, 4, 4);
	u32 refused, i;
	u64 off[4];

	txr_t_kick(t, true, NULL);
	for (i = 0; i < 4; i++)
		txr_t_post(t, txr_t_take(test, t), 8, 0, 0);
	KUNIT_EXPECT_EQ(test, txr_t_kick(t, true, NULL), 4U);
	KUNIT_EXPECT_EQ(test, t->hdr->comp_producer, 4U);

	/* 4 completions unread: the ring is full */
	for (i = 0; i < 4; i++) {
		off[i] = txr_t_take(test, t);
		txr_t_post(t, off[i], 8, 0, 0);
	}
	KUNIT_EXPECT_EQ(test, txr_t_kick(t, true, &refused), 0U);
	KUNIT_EXPECT_EQ(test, refused, 0U);
	KUNIT_EXPECT_EQ(test, t->hdr->send_consumer, 4U);
	KUNIT_EXPECT_EQ(test, t->hdr->comp_producer, 4U);

	/* a consumer index beyond the producer is garbage: still full */
	smp_store_release(&t->hdr->comp_consumer, 5);
	KUNIT_EXPECT_EQ(test, txr_t_kick(t, true, NULL), 0U);
	KUNIT_EXPECT_EQ(test, txr_t_stats(t).comp_consumer, 0U);

	/* two read: two taken, in order */
	smp_store_release(&t->hdr->comp_consumer, 2);
	KUNIT_EXPECT_EQ(test, txr_t_kick(t, true, NULL), 2U);
	KUNIT_EXPECT_EQ(test, t->hdr->send_consumer, 6U);
	KUNIT_EXPECT_EQ(test, t->hdr->comp_producer, 6U);
	KUNIT_EXPECT_EQ(test, txr_t_comp(t, 4)->offset, off[0]);
	KUNIT_EXPECT_EQ(test, txr_t_comp(t, 5)->offset, off[1]);
	KUNIT_EXPECT_EQ(test, txr_t_stats(t).comp_consumer, 2U);

	/* all read: the rest */
	smp_store_release(&t->hdr->comp_consumer, 6);
	KUNIT_EXPECT_EQ(test, txr_t_kick(t, true, NULL), 2U);
	KUNIT_EXPECT_EQ(test, t->hdr->send_consumer, 8U);
	KUNIT_EXPECT_EQ(test, ipc_t_xchg_queued(t->xchg), 8U);
}

/* NEED_WAKEUP is published at create and after every kick. */
static void txring_need_wakeup(struct kunit *test)
{
	struct txr_t *t = txr_t(test, 0, 8, 4);

	KUNIT_EXPECT_EQ(test, t->hdr->flags, (u32)XMSG_TXRING_F_NEED_WAKEUP);
	/* the sender scribbles on the flags: the kernel's copy is kept */
	WRITE_ONCE(t->hdr->flags, XMSG_TXRING_F_DEAD);
	KUNIT_EXPECT_EQ(test, txr_t_stats(t).flags,
			(u32)XMSG_TXRING_F_NEED_WAKEUP);
	txr_t_kick(t, true, NULL);
	KUNIT_EXPECT_EQ(test, t->hdr->flags, (u32)XMSG_TXRING_F_NEED_WAKEUP);

	txr_t_post(t, txr_t_take(test, t), 8, 0, 0);
	WRITE_ONCE(t->hdr->flags, 0);
	KUNIT_EXPECT_EQ(test, txr_t_kick(t, true, NULL), 1U);
	KUNIT_EXPECT_EQ(test, t->hdr->flags, (u32)XMSG_TXRING_F_NEED_WAKEUP);
	KUNIT_EXPECT_EQ(test, txr_t_stats(t).flags,
			(u32)XMSG_TXRING_F_NEED_WAKEUP);
}

/* Destroy gives every leased block back; sent messages live on. */
static void txring_destroy_returns(struct kunit *test)
{
	struct txr_t *t = txr_t(test, 0, 16, 8);
	u32 i;

	txr_t_kick(t, true, NULL);
	for (i = 0; i < 2; i++)
		txr_t_post(t, txr_t_take(test, t), 8, 0, 0);
	KUNIT_EXPECT_EQ(test, txr_t_kick(t, true, NULL), 2U);
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(t->env->pool), 10ULL);

	xmsg_txring_destroy(t->ring);
	t->ring = NULL;
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(t->env->pool), 2ULL);
	for (i = 0; i < 2; i++)
		KUNIT_EXPECT_EQ(test, xmsg_msg_rel(txr_t_recv(test, t)), 0);
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(t->env->pool), 0ULL);
	KUNIT_EXPECT_EQ(test, txr_t_pool_free(t), (u64)IPC_T_BLOCKS);
}

/* The exchange destroyed: descriptors complete -EIDRM, DEAD is set. */
static void txring_xchg_dead(struct kunit *test)
{
	struct txr_t *t = txr_t(test, 0, 8, 4);
	u32 refused;
	u64 off;

	txr_t_kick(t, true, NULL);
	off = txr_t_take(test, t);
	xmsg_xchg_destroy(t->xchg);
	t->xchg = NULL;
	KUNIT_EXPECT_EQ(test, t->hdr->flags & XMSG_TXRING_F_DEAD, 0U);

	txr_t_post(t, off, 8, 0, 0);
	KUNIT_EXPECT_EQ(test, txr_t_kick(t, true, &refused), 0U);
	KUNIT_EXPECT_EQ(test, refused, 1U);
	KUNIT_ASSERT_EQ(test, t->hdr->comp_producer, 1U);
	KUNIT_EXPECT_EQ(test, txr_t_comp(t, 0)->offset, off);
	KUNIT_EXPECT_EQ(test, txr_t_comp(t, 0)->err, -EIDRM);
	KUNIT_EXPECT_EQ(test, t->hdr->refused[XMSG_TXRING_REFUSED_SEND], 1U);
	KUNIT_EXPECT_NE(test, t->hdr->flags & XMSG_TXRING_F_DEAD, 0U);
	KUNIT_EXPECT_NE(test, txr_t_stats(t).flags & XMSG_TXRING_F_DEAD, 0U);
	/* the block stayed leased, nothing leaked */
	KUNIT_EXPECT_EQ(test, xmsg_txring_leased(t->ring), 4U);
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(t->env->pool), 4ULL);

	xmsg_txring_destroy(t->ring);
	t->ring = NULL;
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(t->env->pool), 0ULL);
}

/* A kick with lease false sends but leases nothing. */
static void txring_no_lease(struct kunit *test)
{
	struct txr_t *t = txr_t(test, 0, 16, 8);
	u32 i;

	KUNIT_EXPECT_EQ(test, txr_t_kick(t, false, NULL), 0U);
	txr_t_expect_lease(test, t, 0, 0, 0);

	txr_t_kick(t, true, NULL);
	KUNIT_ASSERT_EQ(test, xmsg_txring_leased(t->ring), 8U);
	for (i = 0; i < 3; i++)
		txr_t_post(t, txr_t_take(test, t), 8, 0, 0);
	KUNIT_EXPECT_EQ(test, txr_t_kick(t, false, NULL), 3U);
	txr_t_expect_lease(test, t, 5, 8, 8);

	/* leasing allowed again: back to 8 */
	txr_t_kick(t, true, NULL);
	txr_t_expect_lease(test, t, 8, 11, 11);
}

/*
 * A receiver's pull sends what is posted, with no kick, and leaves
 * NEED_WAKEUP clear; the drain due a little later sets it again.  That
 * drain waits for at least the next tick, so the flag is checked after
 * a pull that ended within the tick it started in (tried up to 10
 * times: a slow machine may see a tick during some of them).
 */
static void txring_pull_sends(struct kunit *test)
{
	struct txr_t *t = txr_t(test, 0, 8, 4);
	bool looked = false;
	unsigned long j;
	u32 flags, i, k;
	u64 off[3];

	for (k = 0; k < 10 && !looked; k++) {
		txr_t_kick(t, true, NULL);	/* 4 leased again */
		for (i = 0; i < 3; i++) {
			off[i] = txr_t_take(test, t);
			txr_t_post(t, off[i], 8 + i, 0, 0);
		}
		j = READ_ONCE(jiffies);
		KUNIT_EXPECT_EQ(test, xmsg_txring_pull(t->xchg), 3U);
		flags = READ_ONCE(t->hdr->flags);
		/* the flag before jiffies: a drain that set it ran after a tick */
		smp_rmb();
		looked = READ_ONCE(jiffies) == j;
		if (looked)
			KUNIT_EXPECT_EQ(test, flags & XMSG_TXRING_F_NEED_WAKEUP,
					0U);
		KUNIT_EXPECT_EQ(test, t->hdr->send_consumer, 3 * (k + 1));
		for (i = 0; i < 3; i++) {
			struct xmsg_msg *m = txr_t_recv(test, t);

			KUNIT_EXPECT_EQ(test,
					xmsg_pool_offset(t->env->pool, m->body),
					off[i]);
			KUNIT_EXPECT_EQ(test, m->size, (size_t)(8 + i));
			KUNIT_EXPECT_EQ(test, xmsg_msg_rel(m), 0);
		}
		/* the completions read, so that the next pull has room */
		smp_store_release(&t->hdr->comp_consumer,
				  READ_ONCE(t->hdr->comp_producer));
	}
	KUNIT_EXPECT_TRUE_MSG(test, looked, "no pull ended within its tick");
	KUNIT_EXPECT_TRUE(test, txr_t_drain_due_done(t));
	KUNIT_EXPECT_EQ(test, t->hdr->flags, (u32)XMSG_TXRING_F_NEED_WAKEUP);
	/* nothing posted, flag set: the pull leaves the ring alone */
	KUNIT_EXPECT_EQ(test, xmsg_txring_pull(t->xchg), 0U);
	KUNIT_EXPECT_EQ(test, t->hdr->flags, (u32)XMSG_TXRING_F_NEED_WAKEUP);
}

/*
 * A pull refuses nothing: a descriptor a kick would refuse, or one the
 * full exchange would refuse, stays posted with no completion, and the
 * flag is set for the sender's kick.
 */
static void txring_pull_refuses_nothing(struct kunit *test)
{
	struct txr_t *t = txr_t(test, 1, 8, 4);
	u32 refused, r;

	txr_t_kick(t, true, NULL);
	txr_t_post(t, 3, 8, 0, 0);	/* misaligned */
	KUNIT_EXPECT_EQ(test, xmsg_txring_pull(t->xchg), 0U);
	KUNIT_EXPECT_EQ(test, t->hdr->send_consumer, 0U);
	KUNIT_EXPECT_EQ(test, t->hdr->comp_producer, 0U);
	for (r = 0; r < XMSG_TXRING_REFUSED_NR; r++)
		KUNIT_EXPECT_EQ(test, t->hdr->refused[r], 0U);
	KUNIT_EXPECT_EQ(test, t->hdr->flags, (u32)XMSG_TXRING_F_NEED_WAKEUP);
	KUNIT_EXPECT_EQ(test, txr_t_kick(t, true, &refused), 0U);
	KUNIT_EXPECT_EQ(test, refused, 1U);

	/* the exchange (limit 1) full: the pull leaves the second one */
	txr_t_post(t, txr_t_take(test, t), 8, 0, 0);
	KUNIT_EXPECT_EQ(test, xmsg_txring_pull(t->xchg), 1U);
	/* the drain due after it (nothing to do) has ended */
	KUNIT_EXPECT_TRUE(test, txr_t_drain_due_done(t));
	txr_t_post(t, txr_t_take(test, t), 8, 0, 0);
	KUNIT_EXPECT_EQ(test, xmsg_txring_pull(t->xchg), 0U);
	KUNIT_EXPECT_EQ(test, t->hdr->send_consumer, 2U);
	KUNIT_EXPECT_EQ(test, t->hdr->comp_producer, 2U);
	KUNIT_EXPECT_EQ(test, t->hdr->refused[XMSG_TXRING_REFUSED_SEND], 0U);
	KUNIT_EXPECT_EQ(test, t->hdr->flags, (u32)XMSG_TXRING_F_NEED_WAKEUP);
	/* room again: the next pull sends it */
	KUNIT_EXPECT_EQ(test, xmsg_msg_rel(txr_t_recv(test, t)), 0);
	KUNIT_EXPECT_EQ(test, xmsg_txring_pull(t->xchg), 1U);
	KUNIT_EXPECT_EQ(test, xmsg_msg_rel(txr_t_recv(test, t)), 0);
}

/*
 * A poller that counts its wake-ups instead of sleeping, of a receive
 * ring on a test's exchange or of the exchange itself; both go before the
 * exchange does.
 */
struct txr_t_poller {
	struct xmsg_ring *ring;
	poll_table pt;
	wait_queue_entry_t wait;
	wait_queue_head_t *head;
	atomic_t wakes;
};

static int txr_t_poller_wake(wait_queue_entry_t *wait, unsigned int mode,
			     int sync, void *key)
{
	atomic_inc(&container_of(wait, struct txr_t_poller, wait)->wakes);
	return 0;
}

static void txr_t_poller_queue(struct file *file, wait_queue_head_t *head,
			       poll_table *pt)
{
	struct txr_t_poller *p = container_of(pt, struct txr_t_poller, pt);

	p->head = head;
	init_waitqueue_func_entry(&p->wait, txr_t_poller_wake);
	add_wait_queue(head, &p->wait);
}

static void txr_t_poller_exit(struct kunit_resource *res)
{
	struct txr_t_poller *p = res->data;

	if (p->head)
		remove_wait_queue(p->head, &p->wait);
	xmsg_ring_destroy(p->ring);	/* NULL: no-op */
	kfree(p);
}

/*
 * A receive ring of @entries on @t's exchange, polled once (empty); with
 * @entries 0 the exchange polled instead.
 */
static struct txr_t_poller *txr_t_poller(struct kunit *test, struct txr_t *t,
					 u32 entries)
{
	struct txr_t_poller *p = kzalloc(sizeof(*p), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	init_poll_funcptr(&p->pt, txr_t_poller_queue);
	if (!entries) {
		kunit_alloc_resource(test, NULL, txr_t_poller_exit,
				     GFP_KERNEL, p);
		KUNIT_EXPECT_FALSE(test, xmsg_xchg_poll(t->xchg, NULL, &p->pt,
							0) & EPOLLIN);
		KUNIT_ASSERT_NOT_NULL(test, p->head);
		return p;
	}
	p->ring = xmsg_ring_create(entries, 1, 0);
	if (IS_ERR(p->ring) ||
	    xmsg_ring_attach(p->ring, t->xchg, t->env->pool)) {
		if (!IS_ERR(p->ring))
			xmsg_ring_destroy(p->ring);
		kfree(p);
		KUNIT_ASSERT_TRUE_MSG(test, false, "receive ring failed");
	}
	/* freed before @t (resources go in reverse order) */
	kunit_alloc_resource(test, NULL, txr_t_poller_exit, GFP_KERNEL, p);
	KUNIT_EXPECT_FALSE(test, xmsg_ring_poll(p->ring, NULL, &p->pt) &
			   EPOLLIN);
	KUNIT_ASSERT_NOT_NULL(test, p->head);
	return p;
}

/* Lease, post 8 blocks of 8 bytes, kick: the poller is woken once. */
static void txr_t_kick8_wakes_once(struct kunit *test, struct txr_t *t,
				   struct txr_t_poller *p)
{
	u32 i;

	txr_t_kick(t, true, NULL);
	for (i = 0; i < 8; i++)
		txr_t_post(t, txr_t_take(test, t), 8, 0, 0);
	KUNIT_EXPECT_EQ(test, txr_t_kick(t, true, NULL), 8U);
	KUNIT_EXPECT_EQ(test, atomic_read(&p->wakes), 1);
}

/*
 * A kick that puts a batch into the exchange's receive ring wakes the
 * ring's poller once, at the end: woken at the first message, a poller
 * on the sender's CPU would preempt the drain and take one at a time.
 */
static void txring_kick_wakes_once(struct kunit *test)
{
	struct txr_t *t = txr_t(test, 0, 16, 16);
	struct txr_t_poller *p = txr_t_poller(test, t, 16);
	struct xmsg_ring_stats st;

	txr_t_kick8_wakes_once(test, t, p);
	xmsg_ring_get_stats(p->ring, &st);
	KUNIT_EXPECT_EQ(test, st.producer, 8U);
}

/* So does a receiver's pull, and a kick that queues at the exchange. */
static void txring_pull_and_queue_wake_once(struct kunit *test)
{
	struct txr_t *t = txr_t(test, 0, 16, 16);
	struct txr_t_poller *p = txr_t_poller(test, t, 0);
	u32 i;

	txr_t_kick8_wakes_once(test, t, p);
	for (i = 0; i < 4; i++)
		txr_t_post(t, txr_t_take(test, t), 8, 0, 0);
	KUNIT_EXPECT_EQ(test, xmsg_txring_pull(t->xchg), 4U);
	KUNIT_EXPECT_EQ(test, atomic_read(&p->wakes), 2);
	for (i = 0; i < 12; i++)
		KUNIT_EXPECT_EQ(test, xmsg_msg_rel(txr_t_recv(test, t)), 0);
}

/*
 * Lease 24 blocks of @t and post each, descriptor i with i + 1 bytes
 * tagged 200 + i; the offsets go to @off.
 */
static void txr_t_post24(struct kunit *test, struct txr_t *t, u64 *off)
{
	u32 i;

	txr_t_kick(t, true, NULL);
	for (i = 0; i < 24; i++) {
		off[i] = txr_t_take(test, t);
		*(u32 *)xmsg_pool_block_at(t->env->pool, off[i]) = 200 + i;
		txr_t_post(t, off[i], 4 + i, 0, 0);
	}
}

/* Receive @n messages: those of descriptors @first on, in order. */
static void txr_t_recv_from(struct kunit *test, struct txr_t *t,
			    const u64 *off, u32 first, u32 n)
{
	struct xmsg_msg *msg;
	u32 i;

	for (i = first; i < first + n; i++) {
		msg = txr_t_recv(test, t);
		KUNIT_EXPECT_PTR_EQ(test, msg->body,
				    xmsg_pool_block_at(t->env->pool, off[i]));
		KUNIT_EXPECT_EQ(test, ipc_t_tag(msg), 200 + i);
		KUNIT_EXPECT_EQ(test, msg->size, (size_t)(4 + i));
		KUNIT_EXPECT_EQ(test, xmsg_msg_rel(msg), 0);
	}
}

/*
 * A drain sends its descriptors in batches under one exchange lock hold:
 * the exchange (limit 21) fills in the middle of the second batch; the
 * rest of that batch is refused one by one with -ENOSPC, in order, and
 * their blocks stay leased.
 */
static void txring_batch_full_midway(struct kunit *test)
{
	struct txr_t *t = txr_t(test, 21, 32, 24);
	struct xmsg_xchg_stats st;
	u32 refused, i;
	u64 off[24];

	txr_t_post24(test, t, off);
	KUNIT_EXPECT_EQ(test, txr_t_kick(t, true, &refused), 21U);
	KUNIT_EXPECT_EQ(test, refused, 3U);
	KUNIT_ASSERT_EQ(test, t->hdr->comp_producer, 24U);
	for (i = 0; i < 24; i++) {
		KUNIT_EXPECT_EQ(test, txr_t_comp(t, i)->offset, off[i]);
		KUNIT_EXPECT_EQ(test, txr_t_comp(t, i)->err,
				i < 21 ? 0 : -ENOSPC);
	}
	KUNIT_EXPECT_EQ(test, t->hdr->refused[XMSG_TXRING_REFUSED_SEND], 3U);
	KUNIT_EXPECT_EQ(test, ipc_t_xchg_queued(t->xchg), 21U);
	/* the exchange refused each once: none is tried twice */
	xmsg_xchg_get_stats(t->xchg, &st);
	KUNIT_EXPECT_EQ(test, st.refused, 3ULL);
	KUNIT_EXPECT_EQ(test, st.sent, 21ULL);
	/* 3 kept, 21 leased anew; 21 queued */
	txr_t_expect_lease(test, t, 24, 45, 45);
	txr_t_recv_from(test, t, off, 0, 21);
	for (i = 21; i < 24; i++)
		txr_t_post(t, off[i], 4 + i, 0, 0);
	KUNIT_EXPECT_EQ(test, txr_t_kick(t, true, &refused), 3U);
	KUNIT_EXPECT_EQ(test, refused, 0U);
	txr_t_recv_from(test, t, off, 21, 3);
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(t->env->pool), 24ULL);
}

/*
 * Refused descriptors in the middle of batches (bad flags, length 0) are
 * completed in their place; the descriptors around them are sent, in
 * order.
 */
static void txring_batch_refused_midway(struct kunit *test)
{
	struct txr_t *t = txr_t(test, 0, 32, 24);
	struct xmsg_msg *msg;
	u32 refused, i;
	u64 off[24];

	txr_t_post24(test, t, off);
	/* rewritten before the kick reads them: bad flags, no length */
	txr_t_write(t, 10, off[10], 14, 0, 1);
	txr_t_write(t, 20, off[20], 0, 0, 0);
	KUNIT_EXPECT_EQ(test, txr_t_kick(t, true, &refused), 22U);
	KUNIT_EXPECT_EQ(test, refused, 2U);
	KUNIT_ASSERT_EQ(test, t->hdr->comp_producer, 24U);
	for (i = 0; i < 24; i++) {
		KUNIT_EXPECT_EQ(test, txr_t_comp(t, i)->offset, off[i]);
		KUNIT_EXPECT_EQ(test, txr_t_comp(t, i)->err,
				i == 10 ? -EINVAL : i == 20 ? -EMSGSIZE : 0);
	}
	KUNIT_EXPECT_EQ(test, t->hdr->refused[XMSG_TXRING_REFUSED_FLAGS], 1U);
	KUNIT_EXPECT_EQ(test, t->hdr->refused[XMSG_TXRING_REFUSED_LEN], 1U);
	txr_t_expect_lease(test, t, 24, 46, 46);
	for (i = 0; i < 24; i++) {
		if (i == 10 || i == 20)
			continue;
		msg = txr_t_recv(test, t);
		KUNIT_EXPECT_PTR_EQ(test, msg->body,
				    xmsg_pool_block_at(t->env->pool, off[i]));
		KUNIT_EXPECT_EQ(test, ipc_t_tag(msg), 200 + i);
		KUNIT_EXPECT_EQ(test, xmsg_msg_rel(msg), 0);
	}
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_xchg_recv(t->xchg, &t->env->b, 0,
						     0, NULL)), (long)-EAGAIN);
}

/*
 * A pull whose batch the exchange (limit 21) stops midway gives the rest
 * back: posted still, no completion, no refusal, the blocks leased; once
 * there is room, the next pull sends them.
 */
static void txring_pull_batch_gives_back(struct kunit *test)
{
	struct txr_t *t = txr_t(test, 21, 32, 24);
	u32 r;
	u64 off[24];

	txr_t_post24(test, t, off);
	KUNIT_EXPECT_EQ(test, xmsg_txring_pull(t->xchg), 21U);
	KUNIT_EXPECT_EQ(test, t->hdr->send_consumer, 21U);
	KUNIT_EXPECT_EQ(test, t->hdr->comp_producer, 21U);
	for (r = 0; r < XMSG_TXRING_REFUSED_NR; r++)
		KUNIT_EXPECT_EQ(test, t->hdr->refused[r], 0U);
	KUNIT_EXPECT_EQ(test, t->hdr->flags, (u32)XMSG_TXRING_F_NEED_WAKEUP);
	/* a pull leases nothing from the pool: the 3 given back are held */
	txr_t_expect_lease(test, t, 3, 24, 24);
	txr_t_recv_from(test, t, off, 0, 3);
	KUNIT_EXPECT_EQ(test, xmsg_txring_pull(t->xchg), 3U);
	KUNIT_EXPECT_EQ(test, t->hdr->comp_producer, 24U);
	KUNIT_EXPECT_EQ(test, txr_t_comp(t, 23)->offset, off[23]);
	txr_t_recv_from(test, t, off, 3, 21);
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(t->env->pool), 0ULL);
}

/*
 * A pull whose first batch of 16 the exchange (limit 10) stops at its
 * 11th message gives back the rest of the batch: descriptors 10 on stay
 * posted with no completion, every block not sent still leased.
 */
static void txring_pull_batch_stops_in_first(struct kunit *test)
{
	struct txr_t *t = txr_t(test, 10, 32, 24);
	u64 off[24];
	u32 r;

	txr_t_post24(test, t, off);
	KUNIT_EXPECT_EQ(test, xmsg_txring_pull(t->xchg), 10U);
	KUNIT_EXPECT_EQ(test, t->hdr->send_consumer, 10U);
	KUNIT_EXPECT_EQ(test, t->hdr->comp_producer, 10U);
	for (r = 0; r < XMSG_TXRING_REFUSED_NR; r++)
		KUNIT_EXPECT_EQ(test, t->hdr->refused[r], 0U);
	txr_t_expect_lease(test, t, 14, 24, 24);
	/* the sender's kick: the exchange is still full */
	KUNIT_EXPECT_EQ(test, txr_t_kick(t, true, NULL), 0U);
	KUNIT_ASSERT_EQ(test, t->hdr->comp_producer, 24U);
	KUNIT_EXPECT_EQ(test, txr_t_comp(t, 10)->offset, off[10]);
	KUNIT_EXPECT_EQ(test, txr_t_comp(t, 23)->err, -ENOSPC);
	txr_t_recv_from(test, t, off, 0, 10);
}

/*
 * A pull stopped by the exchange (limit 3) in the batch before a
 * descriptor it would refuse (bad flags) gives back both; the sender's
 * kick then completes them in order: -ENOSPC, -ENOSPC, -EINVAL.
 */
static void txring_pull_stops_before_refused(struct kunit *test)
{
	struct txr_t *t = txr_t(test, 3, 16, 6);
	u32 refused, i;
	u64 off[6];

	txr_t_kick(t, true, NULL);
	for (i = 0; i < 6; i++) {
		off[i] = txr_t_take(test, t);
		txr_t_post(t, off[i], 8, 0, i == 5);
	}
	KUNIT_EXPECT_EQ(test, xmsg_txring_pull(t->xchg), 3U);
	KUNIT_EXPECT_EQ(test, t->hdr->send_consumer, 3U);
	KUNIT_EXPECT_EQ(test, t->hdr->comp_producer, 3U);
	KUNIT_EXPECT_EQ(test, t->hdr->refused[XMSG_TXRING_REFUSED_FLAGS], 0U);
	txr_t_expect_lease(test, t, 3, 6, 6);
	KUNIT_EXPECT_EQ(test, txr_t_kick(t, true, &refused), 0U);
	KUNIT_EXPECT_EQ(test, refused, 3U);
	KUNIT_ASSERT_EQ(test, t->hdr->comp_producer, 6U);
	for (i = 3; i < 6; i++)
		KUNIT_EXPECT_EQ(test, txr_t_comp(t, i)->offset, off[i]);
	KUNIT_EXPECT_EQ(test, txr_t_comp(t, 3)->err, -ENOSPC);
	KUNIT_EXPECT_EQ(test, txr_t_comp(t, 4)->err, -ENOSPC);
	KUNIT_EXPECT_EQ(test, txr_t_comp(t, 5)->err, -EINVAL);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ(test, xmsg_msg_rel(txr_t_recv(test, t)), 0);
}

/*
 * A pull that fills the exchange (limit 16) with its first batch stops
 * there: it makes no message of descriptor 16 on, so the exchange
 * refuses nothing; a second pull takes nothing.
 */
static void txring_pull_stops_at_full_queue(struct kunit *test)
{
	struct txr_t *t = txr_t(test, 16, 32, 24);
	struct xmsg_xchg_stats st;
	u64 off[24];

	txr_t_post24(test, t, off);
	KUNIT_EXPECT_EQ(test, xmsg_txring_pull(t->xchg), 16U);
	KUNIT_EXPECT_EQ(test, xmsg_txring_pull(t->xchg), 0U);
	KUNIT_EXPECT_EQ(test, t->hdr->send_consumer, 16U);
	xmsg_xchg_get_stats(t->xchg, &st);
	KUNIT_EXPECT_EQ(test, st.refused, 0ULL);
	KUNIT_EXPECT_EQ(test, st.sent, 16ULL);
	txr_t_expect_lease(test, t, 8, 24, 24);
	txr_t_recv_from(test, t, off, 0, 16);
}

/*
 * A batch refused by a full queue while the receive ring's reader gave
 * 16 messages back: the refused blocks are leased again first, so the
 * ring never holds more than @blocks (the spares go back to the pool).
 */
static void txring_batch_lease_bound(struct kunit *test)
{
	struct txr_t *t = txr_t(test, 1, 64, 17);
	struct txr_t_poller *p = txr_t_poller(test, t, 16);
	u32 refused, i;

	txr_t_kick(t, true, NULL);
	for (i = 0; i < 17; i++)
		txr_t_post(t, txr_t_take(test, t), 8, 0, 0);
	/* 16 into the receive ring, the 17th queued: the queue is full */
	KUNIT_EXPECT_EQ(test, txr_t_kick(t, true, NULL), 17U);
	KUNIT_EXPECT_EQ(test, ipc_t_xchg_queued(t->xchg), 1U);
	/* the reader is done with the 16 */
	smp_store_release(&xmsg_ring_hdr(p->ring)->consumer, 16);
	for (i = 0; i < 16; i++)
		txr_t_post(t, txr_t_take(test, t), 8, 0, 0);
	KUNIT_EXPECT_EQ(test, txr_t_kick(t, true, &refused), 0U);
	KUNIT_EXPECT_EQ(test, refused, 16U);
	KUNIT_EXPECT_EQ(test, xmsg_txring_leased(t->ring), 17U);
	/* 17 leased, 1 queued; the ring's 16 released */
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(t->env->pool), 18ULL);
	KUNIT_EXPECT_EQ(test, xmsg_msg_rel(txr_t_recv(test, t)), 0);
}

static struct kunit_case xmsg_ipc_txring_cases[] = {
	KUNIT_CASE(txring_create_einval),
	KUNIT_CASE(txring_fill_lease),
	KUNIT_CASE(txring_fill_pool_short),
	KUNIT_CASE(txring_send_order),
	KUNIT_CASE(txring_refuse),
	KUNIT_CASE(txring_refuse_xchg_full),
	KUNIT_CASE(txring_garbage_producer),
	KUNIT_CASE(txring_comp_full),
	KUNIT_CASE(txring_need_wakeup),
	KUNIT_CASE(txring_destroy_returns),
	KUNIT_CASE(txring_xchg_dead),
	KUNIT_CASE(txring_no_lease),
	KUNIT_CASE(txring_pull_sends),
	KUNIT_CASE(txring_pull_refuses_nothing),
	KUNIT_CASE(txring_kick_wakes_once),
	KUNIT_CASE(txring_pull_and_queue_wake_once),
	KUNIT_CASE(txring_batch_full_midway),
	KUNIT_CASE(txring_batch_refused_midway),
	KUNIT_CASE(txring_pull_batch_gives_back),
	KUNIT_CASE(txring_pull_batch_stops_in_first),
	KUNIT_CASE(txring_pull_stops_before_refused),
	KUNIT_CASE(txring_batch_lease_bound),
	KUNIT_CASE(txring_pull_stops_at_full_queue),
	{}
};

static struct kunit_suite xmsg_ipc_txring_suite = {
	.name = "xmsg_ipc_txring",
	.test_cases = xmsg_ipc_txring_cases,
};

kunit_test_suite(xmsg_ipc_txring_suite);

MODULE_DESCRIPTION("KUnit tests for xmsg send rings");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(XMSG_NS);
