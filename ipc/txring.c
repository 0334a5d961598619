// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg send rings: messages sent from shared memory, without a system
 * call per message.
 *
 * A send ring sends to one normal or pass exchange the blocks of one pool
 * that it holds on lease.  Its memory, shared with user space, holds three
 * rings (see struct xmsg_txring_hdr in the uAPI header):
 *
 * - the fill ring, produced by the kernel: offsets of blocks leased to the
 *   ring, free for the sender to fill;
 * - the send ring, produced by user space: descriptors {offset, len, prio}
 *   of filled blocks;
 * - the completion ring, produced by the kernel: {offset, errno} of every
 *   descriptor the kernel took.
 *
 * A drain (a kick, a pull or the drain due later; see below) takes
 * descriptors in order.  Each is read once into a local copy, then
 * checked: the offset must be the start of a block of the pool whose bit
 * is set in @lease (the blocks leased and not sent yet), the length 1 to
 * the block size, the priority in range, the flags 0.  The bit is cleared
 * when the descriptor is taken, so posting a block twice (or a block of
 * another ring) finds it clear and is refused.  An accepted block becomes
 * a message (xmsg_msg_make(), no owner: the ring's) at once; the
 * messages of up to XMSG_TXRING_LOCK_BATCH accepted descriptors in a row
 * are sent together with xmsg_xchg_send_quiet_many() (one exchange lock
 * round for them all), and a refused descriptor is completed after the
 * batch before it, so completions keep the descriptors' order.  From
 * there a message goes the way of every message,
 * back to the pool when its receiver releases it.  The receivers and
 * pollers a drain's sends choose are woken once, when it ends.  A refused
 * descriptor is counted per reason (@refused: the kernel's counts,
 * written to the shared header, never read back) and its block, if it was
 * leased, stays leased.  Blocks are leased again until @blocks are: the
 * spare messages the sends take back from the exchange's receive ring
 * (every one its reader is done with; leased when the drain ends, after
 * every refused block is), then, after the descriptors of a kick, blocks
 * from the pool.
 *
 * Nothing user space writes is trusted: of the shared memory the kernel
 * reads only the send producer index and descriptors (checked as above)
 * and the completion consumer index (ignored when outside [the last one
 * accepted, the completion producer index]).  The fill consumer index is
 * never read: at most @blocks <= @entries fill entries are ever
 * outstanding for a sender that only posts blocks it took from the fill
 * ring; one that posts other offsets only confuses its own fill ring.
 *
 * Two kinds of drain take descriptors: the sender's kick
 * (xmsg_txring_kick()), and a receiver's pull (xmsg_txring_pull()): a
 * receiver of the exchange that finds nothing (its receive ring polled,
 * or a receive that finds the queue empty) drains the exchange's send
 * rings itself, so a sender whose receiver keeps up makes no system call
 * at all.  A pull leases no block from the pool; spares it gets back are
 * leased as by a kick.  It refuses nothing and never sleeps to allocate:
 * a descriptor a kick would refuse, or that cannot be sent at once, stays
 * posted for the sender's kick (or the drain due); and one pull takes at
 * most a batch from at most XMSG_TXRING_PULL_RINGS rings, so senders
 * cannot make a receiver's poll() or receive long.  What any drain allocates is charged
 * to the memory cgroup of the ring's creator.  A posted descriptor may
 * thus be sent at any time, by whichever drain comes first.
 *
 * Wake-ups follow io_uring's submission queue: XMSG_TXRING_F_NEED_WAKEUP
 * is clear while a drain runs.  Before it leaves, a drain sets it, issues
 * a full barrier and looks at the send producer index once more, so a
 * sender that stores the index, issues a full barrier and then finds the
 * flag set knows that a kick is needed.  A pull that sent something
 * leaves the flag clear instead: its receiver is likely to pull again when
 * it runs dry; in case it does not (it stopped receiving, or waits in
 * edge-triggered epoll), a drain is due XMSG_TXRING_LATER later (@later,
 * pushed back by every such pull), which sets the flag as a kick does.
 * A drain that spends its budget sending, with descriptors still posted,
 * leaves the flag clear too and queues @later for the rest: a sender that
 * posted while it was clear did not kick.  So the flag is clear only while
 * a drain runs or is due.
 *
 * Locking: @lock (a mutex: drains run in process context) protects every
 * field marked so and every kernel write to the shared memory.  A pull
 * only tries it (a kick in progress sends what the pull would).  The
 * exchange's txring_lock protects its list of send rings (@link) and is
 * taken before @lock (a pull only tries it too, so it may run under the
 * caller's own mutexes, such as epoll's); the exchange's spinlock nests
 * inside @lock.  No drain runs under an exchange lock.  The pool is kept
 * alive by the caller (the char device's pool reference); blocks are
 * leased from it only while the caller of a kick knows the pool is not
 * being destroyed (its @lease).  The exchange is referenced.
 */
#include <linux/bitmap.h>
#include <linux/err.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <linux/xmsg.h>
#include <xmsg/trace.h>
#include "xmsg_ipc_priv.h"

/*
 * Send rings one pull locks at most, and four times as many it looks at
 * (the next pull goes on from there)
 */
#define XMSG_TXRING_PULL_RINGS	32

/*
 * Descriptors a drain sends with one hold of the exchange lock (which
 * keeps interrupts off meanwhile)
 */
#define XMSG_TXRING_LOCK_BATCH	16
/* How long a pull's receiver has to come back before a drain is due */
#define XMSG_TXRING_LATER	max(1UL, msecs_to_jiffies(2))

/**
 * struct xmsg_txring - a send ring
 * @lock: see Locking above
 * @link: on the exchange's txrings list.  Protected by its txring_lock.
 * @xchg: the exchange (a reference)
 * @memcg: the creator's memory cgroup (a reference, or NULL), charged
 *	for what a pull or @later allocates
 * @later: the drain due after a pull left XMSG_TXRING_F_NEED_WAKEUP clear
 * @pool: the pool whose blocks are leased (kept alive by the creator)
 * @hdr: the shared memory (xmsg_region_alloc(): charged to the creator's
 *	memory cgroup)
 * @send: the send ring, in @hdr's memory
 * @comp: the completion ring, in @hdr's memory
 * @fill: the fill ring, in @hdr's memory
 * @lease: a bit per block of the pool: leased to the ring and not sent.
 *	Protected by @lock.
 * @map_size: bytes of @hdr's memory
 * @stride: the pool's block size (its stride)
 * @leasing: blocks may be leased (xmsg_txring_kick()'s @lease).
 *	Protected by @lock.
 * @nblk: blocks of the pool
 * @mask: entries - 1
 * @blocks: blocks to keep leased
 * @leased: bits set in @lease.  Protected by @lock.
 * @send_cons: descriptors taken.  Protected by @lock.
 * @comp_prod: completion entries written.  Protected by @lock.
 * @comp_cons: the last completion consumer index accepted.  Protected by
 *	@lock.
 * @fill_prod: fill entries written.  Protected by @lock.
 * @flags: XMSG_TXRING_F_* as published.  Protected by @lock.
 * @sent: descriptors sent.  Protected by @lock.
 * @refused: descriptors refused, per reason, as published.  Protected by
 *	@lock.
 * @spares: messages the drain's sends took back from the receive ring,
 *	leased or released when it ends.  Protected by @lock.
 * @nspares: how many.  Protected by @lock.
 * @nbatch: messages made and not sent yet, in @batch.  Protected by @lock.
 * @batch: those messages, in the order of their descriptors.  Protected
 *	by @lock.
 * @batch_off: the offset of each (its completion).  Protected by @lock.
 * @batch_idx: the block of each.  Protected by @lock.
 */
struct xmsg_txring {
	struct mutex lock;	/* see Locking above */
	struct list_head link;
	struct xmsg_xchg *xchg;
	struct mem_cgroup *memcg;
	struct delayed_work later;
	struct xmsg_pool *pool;
	struct xmsg_txring_hdr *hdr;
	struct xmsg_txring_desc *send;
	struct xmsg_txring_comp *comp;
	u64 *fill;
	unsigned long *lease;
	size_t map_size;
	u32 stride;
	bool leasing;
	u32 nblk;
	u32 mask;
	u32 blocks;
	u32 leased;
	u32 send_cons;
	u32 comp_prod;
	u32 comp_cons;
	u32 fill_prod;
	u32 flags;
	u64 sent;
	u32 refused[XMSG_TXRING_REFUSED_NR];
	struct list_head spares;
	u32 nspares;
	u32 nbatch;
	struct xmsg_xchg_batch batch[XMSG_TXRING_LOCK_BATCH];
	u64 batch_off[XMSG_TXRING_LOCK_BATCH];
	unsigned long batch_idx[XMSG_TXRING_LOCK_BATCH];
};

/* The errno a descriptor refused for @reason completes with. */
static const int xmsg_txring_errno[XMSG_TXRING_REFUSED_NR] = {
	[XMSG_TXRING_REFUSED_RANGE] = -ERANGE,
	[XMSG_TXRING_REFUSED_ALIGN] = -EINVAL,
	[XMSG_TXRING_REFUSED_LEASE] = -EBADF,
	[XMSG_TXRING_REFUSED_LEN] = -EMSGSIZE,
	[XMSG_TXRING_REFUSED_PRIO] = -EINVAL,
	[XMSG_TXRING_REFUSED_FLAGS] = -EINVAL,
};

static size_t xmsg_txring_comp_offset(u32 entries)
{
	return XMSG_TXRING_SEND_OFFSET +
	       (size_t)entries * sizeof(struct xmsg_txring_desc);
}

static size_t xmsg_txring_fill_offset(u32 entries)
{
	return xmsg_txring_comp_offset(entries) +
	       (size_t)entries * sizeof(struct xmsg_txring_comp);
}

static size_t xmsg_txring_map_bytes(u32 entries)
{
	return PAGE_ALIGN(xmsg_txring_fill_offset(entries) +
			  (size_t)entries * sizeof(u64));
}

/* ---- under @lock ---------------------------------------------------- */

/* Publish @flags in the header (never read back from there). */
static void __xmsg_txring_set_flags(struct xmsg_txring *ring, u32 flags)
{
	lockdep_assert_held(&ring->lock);
	if (ring->flags == flags)
		return;
	ring->flags = flags;
	WRITE_ONCE(ring->hdr->flags, flags);
}

/* The exchange is destroyed: say so in the header. */
static void __xmsg_txring_dead(struct xmsg_txring *ring)
{
	__xmsg_txring_set_flags(ring, ring->flags | XMSG_TXRING_F_DEAD);
}

/* Lease block @idx (out of the pool, bare) and publish it. */
static void __xmsg_txring_lease(struct xmsg_txring *ring, unsigned long idx)
{
	lockdep_assert_held(&ring->lock);
	__set_bit(idx, ring->lease);
	ring->leased++;
	WRITE_ONCE(ring->fill[ring->fill_prod++ & ring->mask],
		   (u64)idx * ring->stride);
}

/*
 * Check descriptor @d (a copy).  Return: the reason it is refused
 * (XMSG_TXRING_REFUSED_*), or -1 when it is accepted: its block's lease
 * then ended (bit cleared) and *@idx is the block.
 */
static int __xmsg_txring_check(struct xmsg_txring *ring,
			       const struct xmsg_txring_desc *d,
			       unsigned long *idx)
{
	u32 rem;

	lockdep_assert_held(&ring->lock);
	if (d->flags)
		return XMSG_TXRING_REFUSED_FLAGS;
	if (d->offset >= (u64)ring->nblk * ring->stride)
		return XMSG_TXRING_REFUSED_RANGE;
	*idx = div_u64_rem(d->offset, ring->stride, &rem);
	if (rem)
		return XMSG_TXRING_REFUSED_ALIGN;
	if (!d->len || d->len > ring->stride)
		return XMSG_TXRING_REFUSED_LEN;
	if (d->prio > XMSG_MSG_PRIO_MAX)
		return XMSG_TXRING_REFUSED_PRIO;
	if (!__test_and_clear_bit(*idx, ring->lease))
		return XMSG_TXRING_REFUSED_LEASE;
	ring->leased--;
	return -1;
}

/*
 * A spare message the exchange's receive ring gave back (with or without
 * the send going through): leased to the ring when it is a block of the
 * ring's pool and the ring wants one, else released.
 */
static void __xmsg_txring_spare(struct xmsg_txring *ring,
				struct xmsg_msg *spare)
{
	void *dbp = NULL;

	lockdep_assert_held(&ring->lock);
	if (ring->leasing && spare->origin == XMSG_ORIGIN_POOL &&
	    spare->pool == ring->pool && ring->leased < ring->blocks)
		dbp = xmsg_msg_unmake(spare, NULL);
	if (IS_ERR_OR_NULL(dbp))
		xmsg_msg_rel(spare);
	else
		__xmsg_txring_lease(ring,
				    div_u64(xmsg_pool_offset(ring->pool, dbp),
					    ring->stride));
}

/*
 * Keep the messages of @spares for the end of the drain: a block whose
 * send fails later in the drain is leased again first, so that leasing
 * them then keeps the ring at @blocks.
 */
static void __xmsg_txring_spares(struct xmsg_txring *ring,
				 struct list_head *spares)
{
	struct xmsg_msg *spare, *tmp;

	lockdep_assert_held(&ring->lock);
	list_for_each_entry_safe(spare, tmp, spares, link) {
		list_move_tail(&spare->link, &ring->spares);
		ring->nspares++;
	}
}

/* The drain ends: lease or release each spare (__xmsg_txring_spare()). */
static void __xmsg_txring_spares_settle(struct xmsg_txring *ring)
{
	struct xmsg_msg *spare, *tmp;

	lockdep_assert_held(&ring->lock);
	list_for_each_entry_safe(spare, tmp, &ring->spares, link) {
		list_del_init(&spare->link);
		__xmsg_txring_spare(ring, spare);
	}
	ring->nspares = 0;
}

/* How many more spares the ring can lease. */
static unsigned int __xmsg_txring_want(struct xmsg_txring *ring)
{
	u32 have = ring->leased + ring->nspares;

	lockdep_assert_held(&ring->lock);
	return ring->leasing && have < ring->blocks ? ring->blocks - have : 0;
}

/* Block @idx, whose lease a descriptor ended, was not sent: lease it again. */
static void __xmsg_txring_relet(struct xmsg_txring *ring, unsigned long idx)
{
	lockdep_assert_held(&ring->lock);
	__set_bit(idx, ring->lease);
	ring->leased++;
}

/* A message made of a block of the ring's pool (no proxy, no owner). */
static struct xmsg_msg *__xmsg_txring_make(struct xmsg_txring *ring,
					   const struct xmsg_txring_desc *d,
					   gfp_t gfp)
{
	struct xmsg_msg *msg;

	msg = xmsg_msg_make(ring->pool,
			    xmsg_pool_block_at(ring->pool, d->offset), NULL,
			    gfp);
	if (!IS_ERR(msg))
		xmsg_msg_set_length(msg, d->len); /* 1 to the stride: no error */
	return msg;
}

/*
 * Send @msg, made of block @idx, alone.  Return: 0, or the send's error
 * (the message is unmade and the block leased again).  The spare
 * messages the exchange's receive ring gave back (as many as the ring
 * has room to lease) are leased or released either way.
 */
static int __xmsg_txring_send_msg(struct xmsg_txring *ring,
				  struct xmsg_msg *msg, u8 prio,
				  unsigned long idx, struct list_head *wake)
{
	LIST_HEAD(spares);
	int err;

	lockdep_assert_held(&ring->lock);
	err = xmsg_xchg_send_quiet(ring->xchg, msg, prio, wake, &spares,
				   __xmsg_txring_want(ring));
	if (err) {
		xmsg_msg_unmake(msg, NULL);	/* ours, no proxy: cannot fail */
		__xmsg_txring_relet(ring, idx);
	}
	__xmsg_txring_spares(ring, &spares);
	return err;
}

/*
 * Send block @idx (its lease ended) as a message of @d->len bytes, alone:
 * its control block could not be allocated without sleeping (@msg, the
 * error of that attempt).  Receivers chosen by earlier sends of the drain
 * wait on @wake; they are woken, and the allocation may then sleep,
 * except in a @pull (the receiver's time is not the sender's to spend on
 * reclaim).
 * Return: 0, or the error (the block is leased again).
 */
static int __xmsg_txring_send(struct xmsg_txring *ring,
			      const struct xmsg_txring_desc *d,
			      unsigned long idx, struct list_head *wake,
			      bool pull, struct xmsg_msg *msg)
{
	lockdep_assert_held(&ring->lock);
	if (msg == ERR_PTR(-ENOMEM) && !pull) {
		xmsg_xchg_wake(wake);
		xmsg_xchg_wake_pollers(ring->xchg);
		msg = __xmsg_txring_make(ring, d, GFP_KERNEL_ACCOUNT);
	}
	if (IS_ERR(msg)) {
		__xmsg_txring_relet(ring, idx);
		return PTR_ERR(msg);
	}
	return __xmsg_txring_send_msg(ring, msg, d->prio, idx, wake);
}

/* Write the completion of @d; there is room (checked before). */
static void __xmsg_txring_complete(struct xmsg_txring *ring, u64 offset,
				   int err)
{
	struct xmsg_txring_comp *c = &ring->comp[ring->comp_prod++ &
						 ring->mask];

	lockdep_assert_held(&ring->lock);
	WRITE_ONCE(c->offset, offset);
	WRITE_ONCE(c->err, err);
}

/* Completion entries free, after a look at user space's consumer index. */
static u32 __xmsg_txring_comp_room(struct xmsg_txring *ring)
{
	u32 cons;

	lockdep_assert_held(&ring->lock);
	/* pairs with user space's store-release after reading entries */
	cons = smp_load_acquire(&ring->hdr->comp_consumer);
	if (cons - ring->comp_cons <= ring->comp_prod - ring->comp_cons)
		ring->comp_cons = cons;	/* else garbage: ignored */
	return ring->mask + 1 - (ring->comp_prod - ring->comp_cons);
}

/* Descriptors posted and not taken (0 when the index is garbage). */
static u32 __xmsg_txring_posted(struct xmsg_txring *ring)
{
	u32 prod;

	lockdep_assert_held(&ring->lock);
	/* pairs with user space's store-release after the descriptors */
	prod = smp_load_acquire(&ring->hdr->send_producer);
	if (prod - ring->send_cons > ring->mask + 1)
		return 0;
	return prod - ring->send_cons;
}

/*
 * The descriptor at @offset was sent (@err 0) or not: count it, and
 * write its completion.  @reason is why it was refused, or -1 when it
 * was accepted (then an error is the send's).
 */
static void __xmsg_txring_result(struct xmsg_txring *ring, u64 offset,
				 int reason, int err, u32 *sent)
{
	lockdep_assert_held(&ring->lock);
	if (!err) {
		ring->sent++;
		(*sent)++;
	} else {
		if (reason < 0) {
			reason = XMSG_TXRING_REFUSED_SEND;
			if (err == -EIDRM)
				__xmsg_txring_dead(ring);
		}
		WRITE_ONCE(ring->hdr->refused[reason],
			   ++ring->refused[reason]);
		trace_xmsg_txring_refuse(ring->xchg->name, offset, err);
	}
	__xmsg_txring_complete(ring, offset, err);
}

/*
 * Send the messages made and not sent yet (@batch), with one hold of the
 * exchange lock, and write their completions.  From the first one the
 * exchange does not take: a @pull gives it and the rest back (unmade,
 * their blocks leased again, their descriptors posted still), sets
 * *@left and returns false; a kick sends each of them alone (completing
 * it with its error when it fails).
 * Return: false when a @pull gave descriptors back, else true.
 */
static bool __xmsg_txring_flush(struct xmsg_txring *ring, u32 *sent,
				struct list_head *wake, bool pull, bool *left)
{
	struct xmsg_xchg_batch *b = ring->batch;
	u32 n = ring->nbatch, done, k;
	LIST_HEAD(spares);
	int err;

	lockdep_assert_held(&ring->lock);
	if (!n)
		return true;
	ring->nbatch = 0;
	done = xmsg_xchg_send_quiet_many(ring->xchg, b, n, wake, &spares,
					 __xmsg_txring_want(ring));
	for (k = 0; k < n; k++) {
		if (k >= done && pull) {
			for (; k < n; k++) {
				xmsg_msg_unmake(b[k].msg, NULL);
				__xmsg_txring_relet(ring, ring->batch_idx[k]);
				ring->send_cons--;
			}
			__xmsg_txring_spares(ring, &spares);
			*left = true;
			return false;
		}
		if (k < done) {
			err = 0;
		} else if (b[k].ret < 0) {	/* refused by the exchange */
			err = b[k].ret;
			xmsg_msg_unmake(b[k].msg, NULL);
			__xmsg_txring_relet(ring, ring->batch_idx[k]);
		} else {
			err = __xmsg_txring_send_msg(ring, b[k].msg, b[k].prio,
						     ring->batch_idx[k], wake);
		}
		__xmsg_txring_result(ring, ring->batch_off[k], -1, err, sent);
	}
	__xmsg_txring_spares(ring, &spares);
	return true;
}

/*
 * Take up to @budget descriptors; return how many were taken.  Accepted
 * descriptors become messages at once and are sent in batches of up to
 * XMSG_TXRING_LOCK_BATCH (__xmsg_txring_flush()); the batch is sent before a
 * descriptor that is refused, or whose message cannot be made without
 * sleeping, is dealt with alone, so completions keep the descriptors'
 * order.  A @pull refuses nothing: the first descriptor that would be
 * refused (by its check or by the send: a full queue, no memory) is
 * given back, posted still, *@left is set and the drain stops; the
 * sender's own kick (or the drain due, which acts as one) deals with it.
 * So a receiver never spends its time on another's garbage, nor fails a
 * sender's descriptors itself; it stops too, before it makes messages,
 * when the exchange's queue is full.
 */
static u32 __xmsg_txring_drain(struct xmsg_txring *ring, u32 budget,
			       u32 *sent, struct list_head *wake, bool pull,
			       bool *left)
{
	u32 n, i, room, first = ring->send_cons;
	const struct xmsg_txring_desc *e;
	struct xmsg_txring_desc d;
	struct xmsg_msg *msg;
	unsigned long idx;
	int reason, err;

	lockdep_assert_held(&ring->lock);
	n = min(budget, __xmsg_txring_posted(ring));
	room = __xmsg_txring_comp_room(ring);
	n = min(n, room);
	for (i = 0; i < n; i++) {
		if (pull && xmsg_xchg_full(ring->xchg)) {
			/* would be given back: make no more messages */
			if (__xmsg_txring_flush(ring, sent, wake, pull, left))
				*left = true;
			return ring->send_cons - first;
		}
		e = &ring->send[ring->send_cons++ & ring->mask];
		d.offset = READ_ONCE(e->offset);
		d.len = READ_ONCE(e->len);
		d.prio = READ_ONCE(e->prio);
		d.flags = READ_ONCE(e->flags);
		reason = __xmsg_txring_check(ring, &d, &idx);
		msg = NULL;
		if (reason < 0)
			msg = __xmsg_txring_make(ring, &d, GFP_NOWAIT |
						 __GFP_ACCOUNT | __GFP_NOWARN);
		if (!IS_ERR_OR_NULL(msg)) {
			ring->batch[ring->nbatch] = (struct xmsg_xchg_batch) {
				.msg = msg, .prio = d.prio,
			};
			ring->batch_off[ring->nbatch] = d.offset;
			ring->batch_idx[ring->nbatch++] = idx;
			if (ring->nbatch == XMSG_TXRING_LOCK_BATCH &&
			    !__xmsg_txring_flush(ring, sent, wake, pull, left))
				return ring->send_cons - first;
			continue;
		}
		/* alone, after the batch */
		if (!__xmsg_txring_flush(ring, sent, wake, pull, left)) {
			if (reason < 0)
				__xmsg_txring_relet(ring, idx);
			ring->send_cons--;
			return ring->send_cons - first;
		}
		err = reason < 0 ?
		      __xmsg_txring_send(ring, &d, idx, wake, pull, msg) :
		      xmsg_txring_errno[reason];
		if (pull && err) {
			/* the block, if leased, is leased still */
			ring->send_cons--;
			*left = true;
			return ring->send_cons - first;
		}
		__xmsg_txring_result(ring, d.offset, reason, err, sent);
	}
	__xmsg_txring_flush(ring, sent, wake, pull, left);
	return ring->send_cons - first;
}

/*
 * A drain: take up to @budget descriptors, with NEED_WAKEUP clear
 * meanwhile; a @pull leaves the flag as it found it until it has sent
 * something (a sender that finds it set kicks and waits for the lock, so
 * nothing a pull gives back is left to nobody; found clear, a drain is
 * due already).  After a @pull that sent something, or when the budget
 * is spent on a batch that sent all it took with descriptors still
 * posted, it stays clear and *@due is set: the caller queues @later
 * (see Wake-ups above).  (A batch with refusals does not: garbage posted
 * again and again must not keep a worker busy.)  Else
 * it is set and the producer index looked at once more, also after a pass
 * that took nothing: a sender that posted after the pass looked may have
 * seen the flag clear and not kicked.  A pass that takes nothing after
 * such a look ends the drain (the completion ring is full: the sender
 * reaps, finds the flag set and kicks; or the index went back: garbage).
 * A @pull that gave a descriptor back (see __xmsg_txring_drain()) sets
 * the flag and stops: the sender kicks.  *@sent gets the number sent;
 * the receivers chosen are woken, and when something was sent, the
 * pollers of the exchange and of its receive ring, once.
 * Return: the number taken.
 */
static u32 __xmsg_txring_run(struct xmsg_txring *ring, bool pull,
			     u32 budget, u32 *sent, bool *due)
{
	bool again = false, left = false;
	u32 taken = 0, n;
	LIST_HEAD(wake);

	lockdep_assert_held(&ring->lock);
	*sent = 0;
	for (;;) {
		if (!pull)
			__xmsg_txring_set_flags(ring, ring->flags &
						~XMSG_TXRING_F_NEED_WAKEUP);
		n = __xmsg_txring_drain(ring, budget, sent, &wake, pull, &left);
		taken += n;
		budget -= n;
		*due = !left && *sent &&
		       (pull || (!budget && taken == *sent &&
				 __xmsg_txring_posted(ring)));
		if (*due) {
			__xmsg_txring_set_flags(ring, ring->flags &
						~XMSG_TXRING_F_NEED_WAKEUP);
			break;
		}
		__xmsg_txring_set_flags(ring, ring->flags |
					XMSG_TXRING_F_NEED_WAKEUP);
		/* the flag before the last look at the producer index */
		smp_mb();
		if (left || !budget || (again && !n) ||
		    !__xmsg_txring_posted(ring))
			break;
		again = true;
	}
	__xmsg_txring_spares_settle(ring);
	/* the descriptors read before the index that frees their slots */
	smp_store_release(&ring->hdr->send_consumer, ring->send_cons);
	/* the completion entries before the index that makes them visible */
	smp_store_release(&ring->hdr->comp_producer, ring->comp_prod);
	xmsg_xchg_wake(&wake);
	if (*sent)
		xmsg_xchg_wake_pollers(ring->xchg);
	return taken;
}

/* Make the fill entries written visible; trace the drain. */
static void __xmsg_txring_publish(struct xmsg_txring *ring, u32 sent,
				  u32 taken)
{
	lockdep_assert_held(&ring->lock);
	/* the entries before the index that makes them visible */
	smp_store_release(&ring->hdr->fill_producer, ring->fill_prod);
	trace_xmsg_txring_drain(ring->xchg->name, sent, taken - sent,
				ring->leased);
}

/* The drain due after a pull (@later): as a kick's, with no lease. */
static void xmsg_txring_later(struct work_struct *work)
{
	struct xmsg_txring *ring = container_of(to_delayed_work(work),
						struct xmsg_txring, later);
	struct mem_cgroup *old;
	u32 sent, taken;
	bool due;

	mutex_lock(&ring->lock);
	old = set_active_memcg(ring->memcg);
	taken = __xmsg_txring_run(ring, false, XMSG_TXRING_BATCH_MAX, &sent,
				  &due);
	set_active_memcg(old);
	__xmsg_txring_publish(ring, sent, taken);
	mutex_unlock(&ring->lock);
	if (due)	/* the budget spent: the rest in the next drain */
		mod_delayed_work(system_wq, &ring->later, XMSG_TXRING_LATER);
}

/* ---- the ring's life ---------------------------------------------- */

/**
 * xmsg_txring_bytes() - memory a send ring takes
 * @entries: entries of each of its rings
 * @nblk: blocks of its pool
 *
 * Context: any context.
 * Return: the bytes xmsg_txring_create() allocates, to count against a
 * user's limit before.
 */
u64 xmsg_txring_bytes(u32 entries, u32 nblk)
{
	return sizeof(struct xmsg_txring) + xmsg_txring_map_bytes(entries) +
	       BITS_TO_LONGS(nblk) * sizeof(long);
}

static void xmsg_txring_free(struct xmsg_txring *ring)
{
	vfree(ring->hdr);
	bitmap_free(ring->lease);
	kfree(ring);
}

/**
 * xmsg_txring_create() - a send ring, with no block leased yet
 * @xchg: a normal or pass exchange; the ring takes a reference
 * @pool: the pool to lease blocks of; the caller keeps it alive until
 *	xmsg_txring_destroy()
 * @entries: entries of each ring, a power of two, 1 to
 *	XMSG_TXRING_ENTRIES_MAX
 * @blocks: blocks to keep leased, 1 to @entries
 *
 * The shared memory is charged to the caller's memory cgroup.  Blocks are
 * leased by the first xmsg_txring_kick().
 *
 * Context: process context, may sleep.
 * Return: the ring; ERR_PTR(-EINVAL) for a broadcast exchange or bad
 * sizes, ERR_PTR(-ENOMEM).
 */
struct xmsg_txring *xmsg_txring_create(struct xmsg_xchg *xchg,
				       struct xmsg_pool *pool, u32 entries,
				       u32 blocks)
{
	struct xmsg_pool_stats st;
	struct xmsg_txring *ring;

	if (xmsg_xchg_kind(xchg) == XMSG_XCHG_KIND_BCAST || !entries ||
	    entries > XMSG_TXRING_ENTRIES_MAX || !is_power_of_2(entries) ||
	    !blocks || blocks > entries)
		return ERR_PTR(-EINVAL);
	xmsg_pool_get_stats(pool, &st);
	ring = kzalloc(sizeof(*ring), GFP_KERNEL_ACCOUNT);
	if (!ring)
		return ERR_PTR(-ENOMEM);
	ring->map_size = xmsg_txring_map_bytes(entries);
	ring->hdr = xmsg_region_alloc(ring->map_size);	/* memcg-charged */
	ring->lease = bitmap_zalloc(st.count, GFP_KERNEL_ACCOUNT |
				    __GFP_NOWARN);
	if (!ring->hdr || !ring->lease) {
		xmsg_txring_free(ring);
		return ERR_PTR(-ENOMEM);
	}
	mutex_init(&ring->lock);
	INIT_LIST_HEAD(&ring->spares);
	INIT_DELAYED_WORK(&ring->later, xmsg_txring_later);
	ring->send = (void *)ring->hdr + XMSG_TXRING_SEND_OFFSET;
	ring->comp = (void *)ring->hdr + xmsg_txring_comp_offset(entries);
	ring->fill = (void *)ring->hdr + xmsg_txring_fill_offset(entries);
	ring->pool = pool;
	ring->stride = xmsg_pool_block_size(pool);
	ring->nblk = st.count;
	ring->mask = entries - 1;
	ring->blocks = blocks;
	ring->flags = XMSG_TXRING_F_NEED_WAKEUP;
	ring->hdr->flags = ring->flags;
	ring->hdr->entries = entries;
	ring->hdr->blocks = blocks;
	ring->memcg = get_mem_cgroup_from_mm(current->mm);
	xmsg_obj_get(xmsg_xchg_obj(xchg));
	ring->xchg = xchg;
	mutex_lock(&xchg->txring_lock);
	list_add_tail(&ring->link, &xchg->txrings);
	mutex_unlock(&xchg->txring_lock);
	return ring;
}
EXPORT_SYMBOL_NS_GPL(xmsg_txring_create, XMSG_NS);

/**
 * xmsg_txring_destroy() - give every leased block back and free a ring
 * @ring: the ring, or NULL (no-op)
 *
 * Messages sent from the ring are the exchange's or their receivers' and
 * go their usual way.
 *
 * Context: process context, may sleep.
 */
void xmsg_txring_destroy(struct xmsg_txring *ring)
{
	unsigned long idx;

	if (!ring)
		return;
	mutex_lock(&ring->xchg->txring_lock);
	list_del(&ring->link);
	mutex_unlock(&ring->xchg->txring_lock);
	/* no pull queues it now; kicks are the caller's, done by now */
	cancel_delayed_work_sync(&ring->later);
	for_each_set_bit(idx, ring->lease, ring->nblk)
		xmsg_block_rel(ring->pool,
			       xmsg_pool_block_at(ring->pool,
						  (unsigned long)idx *
						  ring->stride));
	xmsg_obj_put(xmsg_xchg_obj(ring->xchg));
	mem_cgroup_put(ring->memcg);
	xmsg_txring_free(ring);
}
EXPORT_SYMBOL_NS_GPL(xmsg_txring_destroy, XMSG_NS);

/**
 * xmsg_txring_kick() - send what a send ring holds, lease blocks again
 * @ring: the ring
 * @lease: whether blocks may be taken from the pool (false while the
 *	pool is being destroyed)
 * @sent: out: descriptors sent
 * @refused: out: descriptors refused
 *
 * Takes up to XMSG_TXRING_BATCH_MAX posted descriptors (fewer when the
 * completion ring is full), then leases blocks (from the pool, or a spare
 * message its sends got back) until the ring holds its number of blocks or
 * the pool has none free.  Descriptors left over when the batch is spent
 * are taken by a drain due XMSG_TXRING_LATER later, NEED_WAKEUP clear
 * until then.  Not to be called once xmsg_txring_destroy() has begun.
 *
 * Context: process context, may sleep; takes the ring's lock.
 */
void xmsg_txring_kick(struct xmsg_txring *ring, bool lease, u32 *sent,
		      u32 *refused)
{
	struct mem_cgroup *old;
	u32 taken;
	void *dbp;
	bool due;

	mutex_lock(&ring->lock);
	ring->leasing = lease;
	old = set_active_memcg(ring->memcg);
	taken = __xmsg_txring_run(ring, false, XMSG_TXRING_BATCH_MAX, sent,
				  &due);
	set_active_memcg(old);
	while (lease && ring->leased < ring->blocks) {
		dbp = xmsg_block_get(ring->pool);
		if (!dbp)
			break;
		__xmsg_txring_lease(ring,
				    div_u64(xmsg_pool_offset(ring->pool, dbp),
					    ring->stride));
	}
	__xmsg_txring_publish(ring, *sent, taken);
	mutex_unlock(&ring->lock);
	if (due)	/* the budget spent: the rest in a drain due later */
		mod_delayed_work(system_wq, &ring->later, XMSG_TXRING_LATER);
	*refused = taken - *sent;
}
EXPORT_SYMBOL_NS_GPL(xmsg_txring_kick, XMSG_NS);

/**
 * xmsg_txring_any() - whether an exchange has send rings
 * @xchg: the exchange
 *
 * Context: any context; a hint (a ring may come or go right after).
 * Return: true when a send ring sends to @xchg.
 */
bool xmsg_txring_any(struct xmsg_xchg *xchg)
{
	return !list_empty(&xchg->txrings);
}

/**
 * xmsg_txring_pull() - send what an exchange's send rings hold, for a
 *	receiver that found nothing
 * @xchg: the exchange
 *
 * Takes up to XMSG_TXRING_BATCH_MAX descriptors in all from up to
 * XMSG_TXRING_PULL_RINGS send rings of @xchg whose lock is free (one held
 * is being drained), as a kick does, but leases no block from the pool,
 * never sleeps to allocate and refuses nothing itself: a descriptor a kick
 * would refuse (or could not send now) stays posted, and its ring's
 * NEED_WAKEUP is set for its sender to kick (or, when it was clear, the
 * drain already due takes it as a kick would).  Nothing is done when another receiver
 * is pulling.  The allocations are charged to each ring's creator; the
 * rings are served in turn from one pull to the next.  A ring that sent
 * something is left without XMSG_TXRING_F_NEED_WAKEUP until a later pull,
 * kick, or the drain due XMSG_TXRING_LATER after this one.
 *
 * Context: process context, may sleep; tries the exchange's txring_lock
 * and each ring's lock.  The caller holds no exchange, ring or send ring
 * lock; it may hold its own mutexes (epoll's, for a poll()), since this
 * only tries locks.
 * Return: the number of descriptors sent.
 */
u32 xmsg_txring_pull(struct xmsg_xchg *xchg)
{
	u32 budget = XMSG_TXRING_BATCH_MAX, total = 0, visits = 0, looks = 0;
	struct xmsg_txring *ring, *stop = NULL;
	u32 sent, taken, cons, flags;
	struct mem_cgroup *old;
	bool due;

	might_sleep();
	/*
	 * Hints: a ring added after the look waits for its sender's kick;
	 * another receiver pulling now serves the rings.
	 */
	if (!xmsg_txring_any(xchg) || !mutex_trylock(&xchg->txring_lock))
		return 0;
	list_for_each_entry(ring, &xchg->txrings, link) {
		if (!budget || visits == XMSG_TXRING_PULL_RINGS ||
		    looks++ == 4 * XMSG_TXRING_PULL_RINGS) {
			stop = ring;
			break;
		}
		/*
		 * Racy reads, hints checked under the lock: a ring whose
		 * sender kicks (NEED_WAKEUP set) and that has nothing new is
		 * skipped unlocked; one a drain holds is skipped too (it
		 * ends with the flag set or a drain due).  A ring with the
		 * flag clear is drained even with nothing posted: the drain
		 * sets the flag before this receiver sleeps.
		 */
		cons = data_race(ring->send_cons);	/* a hint, see above */
		flags = data_race(ring->flags);		/* a hint, see above */
		if (((flags & XMSG_TXRING_F_NEED_WAKEUP) &&
		     READ_ONCE(ring->hdr->send_producer) == cons) ||
		    !mutex_trylock(&ring->lock))
			continue;
		visits++;
		old = set_active_memcg(ring->memcg);
		taken = __xmsg_txring_run(ring, true, budget, &sent, &due);
		set_active_memcg(old);
		__xmsg_txring_publish(ring, sent, taken);
		mutex_unlock(&ring->lock);
		if (due)	/* NEED_WAKEUP left clear: a drain is due */
			mod_delayed_work(system_wq, &ring->later,
					 XMSG_TXRING_LATER);
		budget -= taken;
		total += sent;
	}
	/* the next pull starts where this one stopped */
	if (stop)
		list_rotate_to_front(&stop->link, &xchg->txrings);
	mutex_unlock(&xchg->txring_lock);
	return total;
}
EXPORT_SYMBOL_NS_GPL(xmsg_txring_pull, XMSG_NS);

/**
 * xmsg_txring_leased() - blocks a send ring holds on lease
 * @ring: the ring
 *
 * Context: any context; a snapshot.
 * Return: the number of blocks.
 */
u32 xmsg_txring_leased(struct xmsg_txring *ring)
{
	return READ_ONCE(ring->leased);
}
EXPORT_SYMBOL_NS_GPL(xmsg_txring_leased, XMSG_NS);

/**
 * xmsg_txring_layout() - where the rings are in a send ring's mapping
 * @ring: the ring
 * @map_size: out: bytes to map (a multiple of PAGE_SIZE)
 * @send_off: out: offset of the send ring
 * @comp_off: out: offset of the completion ring
 * @fill_off: out: offset of the fill ring
 *
 * Context: any context.
 */
void xmsg_txring_layout(const struct xmsg_txring *ring, u64 *map_size,
			u64 *send_off, u64 *comp_off, u64 *fill_off)
{
	*map_size = ring->map_size;
	*send_off = XMSG_TXRING_SEND_OFFSET;
	*comp_off = xmsg_txring_comp_offset(ring->mask + 1);
	*fill_off = xmsg_txring_fill_offset(ring->mask + 1);
}
EXPORT_SYMBOL_NS_GPL(xmsg_txring_layout, XMSG_NS);

/**
 * xmsg_txring_mmap() - map a send ring's shared memory
 * @ring: the ring
 * @vma: a shared mapping from offset 0, at most the map size
 *
 * Context: process context, mmap lock held (a file's ->mmap()).
 * Return: 0; -EINVAL for a private, offset or too long mapping; the
 * errors of remap_vmalloc_range().
 */
int xmsg_txring_mmap(struct xmsg_txring *ring, struct vm_area_struct *vma)
{
	if (!(vma->vm_flags & VM_SHARED) || vma->vm_pgoff ||
	    vma->vm_end - vma->vm_start > ring->map_size)
		return -EINVAL;
	return remap_vmalloc_range(vma, ring->hdr, 0);
}

/**
 * xmsg_txring_get_stats() - a snapshot of a send ring's indexes and counters
 * @ring: the ring
 * @st: filled in
 *
 * Context: process context, may sleep (takes the ring's lock).
 */
void xmsg_txring_get_stats(struct xmsg_txring *ring,
			   struct xmsg_txring_stats *st)
{
	mutex_lock(&ring->lock);
	st->entries = ring->mask + 1;
	st->blocks = ring->blocks;
	st->leased = ring->leased;
	st->send_producer = READ_ONCE(ring->hdr->send_producer);
	st->send_consumer = ring->send_cons;
	st->comp_producer = ring->comp_prod;
	st->comp_consumer = ring->comp_cons;
	st->fill_producer = ring->fill_prod;
	st->flags = ring->flags;
	st->sent = ring->sent;
	memcpy(st->refused, ring->refused, sizeof(st->refused));
	mutex_unlock(&ring->lock);
}
EXPORT_SYMBOL_NS_GPL(xmsg_txring_get_stats, XMSG_NS);

/**
 * xmsg_txring_hdr() - the kernel's address of a send ring's shared memory
 * @ring: the ring
 *
 * For an in-kernel sender (and the KUnit suite) playing the part user
 * space plays through the mapping: the send, completion and fill rings are
 * at the offsets xmsg_txring_layout() gives from this address.  The ring
 * reads what is written there as it reads user space's writes: untrusted.
 *
 * Context: any context.
 * Return: the header; valid until xmsg_txring_destroy().
 */
struct xmsg_txring_hdr *xmsg_txring_hdr(struct xmsg_txring *ring)
{
	return ring->hdr;
}
EXPORT_SYMBOL_NS_GPL(xmsg_txring_hdr, XMSG_NS);
