// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg receive rings: an exchange's standing receiver in shared memory.
 *
 * A ring is the standing receiver of one normal or pass exchange.  A
 * message sent to the exchange that finds no waiting receiver and an
 * empty queue, whose body lies in the ring's pool and that carries no
 * reply handle, goes into the ring instead of the queue: its control
 * block is kept in @slot, and an entry (body offset in the pool mapping,
 * length, priority) is written into memory shared with user space,
 * followed by a store-release of the producer index.  The receiver reads
 * the entries and the bodies without a system call and advances the
 * consumer index when done; the kernel releases the messages the consumer
 * index passed at the next send to the exchange or poll() of the ring
 * (the block goes back to its pool).  This is an exchange with the
 * receiver's side of the queue in shared memory, much as a TPACKET or
 * AF_XDP ring is for a socket.
 *
 * This file is the producer half, part of the exchange engine; the char
 * device (ipc/cdev/ring.c) gives a ring its file, its mapping and its
 * ioctls.
 *
 * Wake-ups: a sender wakes the ring's poller (if any) when @wake_min
 * entries are ready, else starts a timer of @wake_ns that wakes it (so a
 * receiver that polls is woken once per batch, like a TPACKET_V3 reader
 * once per block).  A send ring's drain does so once, when it ends
 * (xmsg_xchg_wake_pollers()), not at each of its sends: a poller on the
 * drain's CPU would otherwise preempt it at the first entry and read one
 * entry per wake-up.  A poller on another CPU thus sees a drain's entries
 * when it ends (at most XMSG_TXRING_BATCH_MAX sends), and a ring smaller
 * than the batch may fill before its reader wakes.
 *
 * Locking
 * -------
 * The exchange's lock (@lock, set at attach) protects the fields marked
 * so: the exchange calls the __xmsg_ring_*() functions with it held.  The
 * shared memory is written by the kernel only under that lock; of it, the
 * kernel reads only the consumer index, never trusting it.  The messages
 * taken out of the ring are released after the lock is dropped (their
 * release is never done under an exchange lock).  A sender wakes the
 * poller after dropping the lock, inside rcu_read_lock(); the ring's
 * destroy detaches it under the lock and waits for a grace period before
 * it frees the ring.  The timer is only started under the lock while the
 * ring is attached or polled, and cancelled after the detach.
 */
#include <linux/err.h>
#include <linux/hrtimer.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>
#include <linux/xmsg.h>
#include <xmsg/trace.h>
#include "xmsg_ipc_priv.h"

/* Entries reclaimed at most under one hold of the exchange lock */
#define XMSG_RING_RECLAIM_MAX	1024

/**
 * struct xmsg_ring - a receive ring
 * @lock: the exchange's lock, NULL until attached
 * @xchg: the exchange (a reference), NULL until xmsg_ring_attach()
 * @pool: the pool whose messages go into the ring (kept alive by the
 *	caller of xmsg_ring_attach() until xmsg_ring_destroy())
 * @hdr: the shared memory (xmsg_region_alloc(): charged to the creator's
 *	memory cgroup): header, then the entries
 * @ent: the entries, in @hdr's memory
 * @slot: the message of each entry, NULL when none or taken
 *	(xmsg_ring_take())
 * @map_size: bytes of @hdr's memory
 * @mask: entries - 1
 * @prod: entries put so far.  Protected by @lock.
 * @done: entries reclaimed so far.  Protected by @lock.
 * @wake_min: wake the poller at this many ready entries
 * @wake_ns: else this long after it found fewer (0: never)
 * @flags: XMSG_RING_F_* as published in @hdr.  Protected by @lock.
 * @overflows: as published in @hdr.  Protected by @lock.
 * @timed_out: the timer fired since the ring was last empty.  Written by
 *	the timer, read and cleared under @lock.
 * @dead: the exchange is destroyed or the ring detached.  Protected by
 *	@lock.
 * @timer: the @wake_ns timer
 * @wq: poll() waiters
 */
struct xmsg_ring {
	spinlock_t *lock;	/* the exchange's, see Locking above */
	struct xmsg_xchg *xchg;
	struct xmsg_pool *pool;
	struct xmsg_ring_hdr *hdr;
	struct xmsg_ring_entry *ent;
	struct xmsg_msg **slot;
	size_t map_size;
	u32 mask;
	u32 prod;
	u32 done;
	u32 wake_min;
	u32 flags;
	u32 overflows;
	u64 wake_ns;
	bool timed_out;
	bool dead;
	struct hrtimer timer;
	wait_queue_head_t wq;
};

/* ---- called by the exchange, its lock held ---------------------------- */

void __xmsg_ring_attached(struct xmsg_ring *ring, spinlock_t *lock)
{
	lockdep_assert_held(lock);
	ring->lock = lock;
}

/*
 * Whether @msg may go into the ring now: a body of the ring's pool (a
 * proxy's slice too), no reply handle, room left, the pool not closed to
 * users.
 */
bool __xmsg_ring_fits(struct xmsg_ring *ring, struct xmsg_msg *msg)
{
	struct xmsg_msg *real = xmsg_msg_real(msg);

	lockdep_assert_held(ring->lock);
	return !ring->dead && ring->prod - ring->done <= ring->mask &&
	       real->origin == XMSG_ORIGIN_POOL && real->pool == ring->pool &&
	       !msg->reply && msg->size <= U32_MAX &&
	       !xmsg_pool_closed(ring->pool);
}

/*
 * Put @msg (checked by __xmsg_ring_fits()) in the next entry.
 * Return: the producer index of the entry.
 */
u32 __xmsg_ring_store(struct xmsg_ring *ring, struct xmsg_msg *msg)
{
	u32 i = ring->prod & ring->mask;
	struct xmsg_ring_entry *e = &ring->ent[i];

	lockdep_assert_held(ring->lock);
	ring->slot[i] = msg;
	e->offset = xmsg_pool_offset(ring->pool, msg->body);
	e->length = msg->size;
	e->prio = msg->prio;
	/* the entry before the index that makes it visible */
	smp_store_release(&ring->hdr->producer, ++ring->prod);
	return ring->prod - 1;
}

/*
 * A message of @len bytes for the ring found it full (it waits at the
 * exchange instead): count it in the header's @overflows.  The kernel
 * keeps its own count and only writes the header's: user space may write
 * there too.
 */
void __xmsg_ring_overflow(struct xmsg_ring *ring, size_t len)
{
	lockdep_assert_held(ring->lock);
	if (ring->dead || ring->prod - ring->done <= ring->mask)
		return;
	WRITE_ONCE(ring->hdr->overflows, ++ring->overflows);
	trace_xmsg_ring_full(ring->xchg->name, ring->prod, len);
}

/*
 * The consumer index user space wrote, if it is in [@done, @prod] (else
 * @done: garbage is ignored).  Acquire: user space's reads of the bodies
 * come before the blocks are reused.
 */
static u32 __xmsg_ring_consumer(struct xmsg_ring *ring)
{
	u32 cons;

	/* pairs with user space's store-release of the consumer index */
	cons = smp_load_acquire(&ring->hdr->consumer);
	if (cons - ring->done > ring->prod - ring->done)
		return ring->done;
	return cons;
}

/* Move up to @max of the messages user space is done with to @done. */
static void __xmsg_ring_reclaim_max(struct xmsg_ring *ring,
				    struct list_head *done, u32 max)
{
	u32 cons = __xmsg_ring_consumer(ring);
	u32 i;

	lockdep_assert_held(ring->lock);
	if (cons - ring->done > max)
		cons = ring->done + max;
	while (ring->done != cons) {
		i = ring->done++ & ring->mask;
		if (ring->slot[i])
			list_add_tail(&ring->slot[i]->link, done);
		ring->slot[i] = NULL;
	}
}

/*
 * Move the messages user space is done with to @done (released later), at
 * most XMSG_RING_RECLAIM_MAX of them: the exchange lock is held with
 * interrupts off, and a ring of 65536 entries consumed at once would keep
 * them off for the whole walk.  The rest goes at the next send or poll.
 */
void __xmsg_ring_reclaim(struct xmsg_ring *ring, struct list_head *done)
{
	__xmsg_ring_reclaim_max(ring, done, XMSG_RING_RECLAIM_MAX);
}

/*
 * For the puts of a batch, after one __xmsg_ring_reclaim() before the
 * first: when the ring is full, take back one entry its reader has read
 * since (room for this put), so a batch keeps interrupts off for at most
 * XMSG_RING_RECLAIM_MAX messages taken back plus one per put.
 */
void __xmsg_ring_reclaim_full(struct xmsg_ring *ring, struct list_head *done)
{
	lockdep_assert_held(ring->lock);
	if (ring->prod - ring->done > ring->mask)
		__xmsg_ring_reclaim_max(ring, done, 1);
}

/* The message of entry @index, taken out of the ring, or NULL. */
struct xmsg_msg *__xmsg_ring_take(struct xmsg_ring *ring, u32 index)
{
	struct xmsg_msg *msg;
	u32 i = index & ring->mask;

	lockdep_assert_held(ring->lock);
	if (index - ring->done >= ring->prod - ring->done)
		return NULL;
	msg = ring->slot[i];
	ring->slot[i] = NULL;
	return msg;
}

/* Publish @flags in the header (never read back from there). */
static void __xmsg_ring_set_flags(struct xmsg_ring *ring, u32 flags)
{
	lockdep_assert_held(ring->lock);
	if (ring->flags == flags)
		return;
	ring->flags = flags;
	WRITE_ONCE(ring->hdr->flags, flags);
}

void __xmsg_ring_set_queued(struct xmsg_ring *ring, bool queued)
{
	__xmsg_ring_set_flags(ring, queued ?
			      ring->flags | XMSG_RING_F_QUEUED :
			      ring->flags & ~XMSG_RING_F_QUEUED);
}

static void __xmsg_ring_arm(struct xmsg_ring *ring)
{
	if (ring->wake_ns && !READ_ONCE(ring->timed_out) &&
	    !hrtimer_active(&ring->timer))
		hrtimer_start(&ring->timer, ns_to_ktime(ring->wake_ns),
			      HRTIMER_MODE_REL);
}

/*
 * After stores: whether to wake the poller (then xmsg_ring_wake() once
 * the lock is dropped).  A poller added itself to @wq before it took the
 * lock to look at the ring, so under the lock its presence is certain.
 */
bool __xmsg_ring_wake_needed(struct xmsg_ring *ring)
{
	u32 ready;

	lockdep_assert_held(ring->lock);
	/* a poller adds itself before it takes the lock: no barrier needed */
	if (!waitqueue_active(&ring->wq))
		return false;
	ready = ring->prod - __xmsg_ring_consumer(ring);
	if (!ready)
		return false;
	if (ready >= ring->wake_min || READ_ONCE(ring->timed_out))
		return true;
	__xmsg_ring_arm(ring);
	return false;
}

/* The exchange is destroyed: no more entries. */
void __xmsg_ring_kill(struct xmsg_ring *ring)
{
	lockdep_assert_held(ring->lock);
	ring->dead = true;
	__xmsg_ring_set_flags(ring, (ring->flags | XMSG_RING_F_DEAD) &
			      ~XMSG_RING_F_QUEUED);
}

/* Detach: every message still in the ring goes to @msgs. */
void __xmsg_ring_take_all(struct xmsg_ring *ring, struct list_head *msgs)
{
	u32 i;

	lockdep_assert_held(ring->lock);
	__xmsg_ring_kill(ring);
	while (ring->done != ring->prod) {
		i = ring->done++ & ring->mask;
		if (ring->slot[i])
			list_add_tail(&ring->slot[i]->link, msgs);
		ring->slot[i] = NULL;
	}
}

__poll_t __xmsg_ring_poll_mask(struct xmsg_ring *ring)
{
	u32 ready = ring->prod - __xmsg_ring_consumer(ring);
	__poll_t mask = 0;

	lockdep_assert_held(ring->lock);
	if (!ready)
		WRITE_ONCE(ring->timed_out, false);
	else if (ring->dead || ready >= ring->wake_min ||
		 READ_ONCE(ring->timed_out))
		mask |= EPOLLIN | EPOLLRDNORM;
	else
		__xmsg_ring_arm(ring);
	if (ring->dead)
		mask |= EPOLLHUP;
	return mask;
}

/* ---- without the lock -------------------------------------------------- */

/* Wake the poller; the caller is in an RCU read-side section or owns @ring */
void xmsg_ring_wake(struct xmsg_ring *ring, __poll_t mask)
{
	wake_up_interruptible_poll(&ring->wq, mask);
}

/* Release messages taken out of a ring (any context, no exchange lock) */
void xmsg_ring_release_msgs(struct list_head *done)
{
	struct xmsg_msg *msg, *tmp;

	list_for_each_entry_safe(msg, tmp, done, link) {
		list_del_init(&msg->link);
		xmsg_msg_rel(msg);
	}
}

static enum hrtimer_restart xmsg_ring_timer(struct hrtimer *timer)
{
	struct xmsg_ring *ring = container_of(timer, struct xmsg_ring, timer);

	WRITE_ONCE(ring->timed_out, true);
	wake_up_interruptible_poll(&ring->wq, EPOLLIN | EPOLLRDNORM);
	return HRTIMER_NORESTART;
}

/* ---- the ring's life ---------------------------------------------------- */

static size_t xmsg_ring_map_bytes(u32 entries)
{
	return PAGE_ALIGN(XMSG_RING_ENTRIES_OFFSET +
			  (size_t)entries * sizeof(struct xmsg_ring_entry));
}

/**
 * xmsg_ring_bytes() - memory a ring of @entries entries takes
 * @entries: entries of the ring
 *
 * Context: any context.
 * Return: the bytes xmsg_ring_create() allocates, to count against a
 * user's limit before.
 */
u64 xmsg_ring_bytes(u32 entries)
{
	return sizeof(struct xmsg_ring) + xmsg_ring_map_bytes(entries) +
	       (u64)entries * sizeof(struct xmsg_msg *);
}

static void xmsg_ring_free(struct xmsg_ring *ring)
{
	vfree(ring->hdr);
	kvfree(ring->slot);
	kfree(ring);
}

/**
 * xmsg_ring_create() - allocate a receive ring, not attached yet
 * @entries: entries, a power of two, at most XMSG_RING_ENTRIES_MAX
 * @wake_min: wake a poller at this many ready entries (0 counts as 1)
 * @wake_ns: else this long after it found fewer (0: never)
 *
 * The shared memory is charged to the caller's memory cgroup.
 *
 * Context: process context, may sleep.
 * Return: the ring, or ERR_PTR(-ENOMEM).
 */
struct xmsg_ring *xmsg_ring_create(u32 entries, u32 wake_min, u64 wake_ns)
{
	struct xmsg_ring *ring;

	ring = kzalloc(sizeof(*ring), GFP_KERNEL_ACCOUNT);
	if (!ring)
		return ERR_PTR(-ENOMEM);
	ring->map_size = xmsg_ring_map_bytes(entries);
	ring->hdr = xmsg_region_alloc(ring->map_size);	/* memcg-charged */
	ring->slot = kvcalloc(entries, sizeof(*ring->slot),
			      GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!ring->hdr || !ring->slot) {
		xmsg_ring_free(ring);
		return ERR_PTR(-ENOMEM);
	}
	ring->ent = (void *)ring->hdr + XMSG_RING_ENTRIES_OFFSET;
	ring->hdr->entries = entries;
	ring->mask = entries - 1;
	ring->wake_min = max_t(u32, wake_min, 1);
	ring->wake_ns = wake_ns;
	xmsg_hrtimer_setup(&ring->timer, xmsg_ring_timer, CLOCK_MONOTONIC,
			   HRTIMER_MODE_REL);
	init_waitqueue_head(&ring->wq);
	return ring;
}
EXPORT_SYMBOL_NS_GPL(xmsg_ring_create, XMSG_NS);

/**
 * xmsg_ring_destroy() - detach a ring, release what it holds, free it
 * @ring: the ring, or NULL (no-op)
 *
 * Context: process context, may sleep (waits for an RCU grace period when
 * the ring was attached).
 */
void xmsg_ring_destroy(struct xmsg_ring *ring)
{
	LIST_HEAD(msgs);

	if (!ring)
		return;
	if (ring->lock) {	/* attached: nothing else changes @lock */
		xmsg_xchg_ring_detach(ring->xchg, ring, &msgs);
		/* senders that saw the ring attached are done with it */
		synchronize_rcu();
	}
	hrtimer_cancel(&ring->timer);
	xmsg_ring_release_msgs(&msgs);
	if (ring->xchg)
		xmsg_obj_put(xmsg_xchg_obj(ring->xchg));
	xmsg_ring_free(ring);
}
EXPORT_SYMBOL_NS_GPL(xmsg_ring_destroy, XMSG_NS);

/**
 * xmsg_ring_attach() - make a ring the standing receiver of an exchange
 * @ring: from xmsg_ring_create(), not attached yet
 * @xchg: a normal or pass exchange; the ring takes a reference
 * @pool: the pool whose messages may go into the ring; the caller keeps
 *	it alive until xmsg_ring_destroy()
 *
 * Messages already queued move into the ring as far as they fit.  Called
 * once per ring, whatever its result; xmsg_ring_destroy() undoes it.
 *
 * Context: process context.
 * Return: 0; -EINVAL for a broadcast exchange, -EIDRM when destroyed,
 * -EBUSY when it has a ring already.
 */
int xmsg_ring_attach(struct xmsg_ring *ring, struct xmsg_xchg *xchg,
		     struct xmsg_pool *pool)
{
	if (WARN_ON_ONCE(ring->xchg))
		return -EINVAL;
	xmsg_obj_get(xmsg_xchg_obj(xchg));
	ring->xchg = xchg;
	ring->pool = pool;
	return xmsg_xchg_ring_attach(xchg, ring);
}
EXPORT_SYMBOL_NS_GPL(xmsg_ring_attach, XMSG_NS);

/**
 * xmsg_ring_map_size() - bytes of a ring's shared memory
 * @ring: the ring
 *
 * Context: any context.
 * Return: the size to map (a multiple of PAGE_SIZE).
 */
size_t xmsg_ring_map_size(const struct xmsg_ring *ring)
{
	return ring->map_size;
}

/**
 * xmsg_ring_mmap() - map a ring's shared memory
 * @ring: the ring
 * @vma: a shared mapping from offset 0, at most xmsg_ring_map_size()
 *
 * Context: process context, mmap lock held (a file's ->mmap()).
 * Return: 0; -EINVAL for a private, offset or too long mapping; the
 * errors of remap_vmalloc_range().
 */
int xmsg_ring_mmap(struct xmsg_ring *ring, struct vm_area_struct *vma)
{
	if (!(vma->vm_flags & VM_SHARED) || vma->vm_pgoff ||
	    vma->vm_end - vma->vm_start > ring->map_size)
		return -EINVAL;
	return remap_vmalloc_range(vma, ring->hdr, 0);
}

/**
 * xmsg_ring_poll() - service a ring and say what poll() reports
 * @ring: the ring, attached
 * @file: the polled file
 * @pt: the poll table
 *
 * When the reader has read every entry, sends what the exchange's send
 * rings hold (xmsg_txring_pull()); releases the messages user space is
 * done with and moves queued messages into the room made.
 *
 * Context: process context (a file's ->poll()), may sleep.
 * Return: the poll mask of the ring (see struct xmsg_ring_setup).
 */
__poll_t xmsg_ring_poll(struct xmsg_ring *ring, struct file *file,
			poll_table *pt)
{
	poll_wait(file, &ring->wq, pt);
	/*
	 * The reader ran dry (a hint, without the lock): pull from the send
	 * rings, before the reclaim, so that the sends reuse what the
	 * reader is done with.
	 */
	if (READ_ONCE(ring->hdr->consumer) == data_race(ring->prod))
		xmsg_txring_pull(ring->xchg);
	return xmsg_xchg_ring_poll(ring->xchg, ring);
}
EXPORT_SYMBOL_NS_GPL(xmsg_ring_poll, XMSG_NS);

/**
 * xmsg_ring_take() - take the message of a ring entry out of the ring
 * @ring: the ring, attached
 * @index: the entry
 *
 * Context: any context.
 * Return: the message (owner NULL, now the caller's), or NULL when @index
 * is no entry the ring holds or its message was taken already.
 */
struct xmsg_msg *xmsg_ring_take(struct xmsg_ring *ring, u32 index)
{
	return xmsg_xchg_ring_take(ring->xchg, ring, index);
}

/* Fill @st; the exchange's lock held once @ring is attached. */
static void __xmsg_ring_get_stats(struct xmsg_ring *ring,
				  struct xmsg_ring_stats *st)
{
	st->entries = ring->mask + 1;
	st->producer = ring->prod;
	st->consumer = READ_ONCE(ring->hdr->consumer);
	st->reclaimed = ring->done;
	st->ready = ring->prod - __xmsg_ring_consumer(ring);
	st->flags = ring->flags;
	st->overflows = ring->overflows;
	st->wake_min = ring->wake_min;
	st->wake_ns = ring->wake_ns;
}

/**
 * xmsg_ring_get_stats() - a snapshot of a ring's indexes and counters
 * @ring: the ring
 * @st: filled in
 *
 * Taken under the exchange's lock once the ring is attached, so that the
 * indexes agree with each other; before, the ring is its creator's alone.
 *
 * Context: any context.
 */
void xmsg_ring_get_stats(struct xmsg_ring *ring, struct xmsg_ring_stats *st)
{
	unsigned long flags;

	if (!ring->lock) {	/* set once, at attach */
		__xmsg_ring_get_stats(ring, st);
		return;
	}
	spin_lock_irqsave(ring->lock, flags);
	__xmsg_ring_get_stats(ring, st);
	spin_unlock_irqrestore(ring->lock, flags);
}
EXPORT_SYMBOL_NS_GPL(xmsg_ring_get_stats, XMSG_NS);

/**
 * xmsg_ring_hdr() - the kernel's address of a receive ring's shared memory
 * @ring: the ring
 *
 * For an in-kernel reader (the benchmark module) playing the part user
 * space plays through the mapping: the entries follow the header.  The
 * ring reads the consumer index written there as it reads user space's:
 * untrusted.
 *
 * Context: any context.
 * Return: the header; valid until xmsg_ring_destroy().
 */
struct xmsg_ring_hdr *xmsg_ring_hdr(struct xmsg_ring *ring)
{
	return ring->hdr;
}
EXPORT_SYMBOL_NS_GPL(xmsg_ring_hdr, XMSG_NS);
