// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg exchanges: where tasks and messages meet.
 *
 * A normal or pass exchange holds either a priority queue of messages (one
 * list per priority and a bitmap of non-empty lists: O(1) send and
 * receive) or a list of waiting receivers, highest scheduling priority
 * first and FIFO among equals (waiter.c).  A send with a receiver waiting
 * hands the message straight to the first.  A broadcast exchange holds one
 * posted message (struct xmsg_xchg_post: the exchange's own proxy of the
 * sent message) and a list of waiting receivers; a send wakes all of them at
 * once and each makes its own proxy of the post in its own context
 * (bcast.c).
 *
 * Locking
 * -------
 * @xmsg_xchg.lock (spinlock, taken irqsave) protects everything in the
 * exchange that changes: the queues, the wait list, the post, the counters
 * and @dead.  Nothing else is taken under it: ownership moves
 * (xmsg_msg_set_owner()), proxy making and message releases happen before
 * or after it, and waiters are woken after it is dropped
 * (xmsg_waiters_wake(), see waiter.c for XMSG_WAKE_BARRIER) -- by the
 * sender itself, possibly after more sends (xmsg_xchg_send_defer()).
 * Broadcast posts are reference counted, see bcast.c.
 * The list of all exchanges (for debugfs) is protected by
 * xmsg_xchg_list_lock (mutex), so create and destroy may sleep.
 * A blocking receive holds a reference on the exchange while it sleeps, so
 * a concurrent destroy cannot free it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "xmsg_ipc_priv.h"
#include <xmsg/trace.h>

/* Receivers' adaptive spin, see xmsg_xchg_spin_ns() */
#define XMSG_SPIN_MIN_NS	2000
#define XMSG_SPIN_PROBE		16

static unsigned int xmsg_spin_max_ns = 50000;
module_param_named(spin_max_ns, xmsg_spin_max_ns, uint, 0644);
MODULE_PARM_DESC(spin_max_ns,
		 "Longest spin of a receiver before it sleeps, ns (0: never spin; default 50000)");

static LIST_HEAD(xmsg_xchg_list);
static DEFINE_MUTEX(xmsg_xchg_list_lock);

static const char * const xmsg_xchg_kind_names[] = {
	[XMSG_XCHG_KIND_NORMAL] = "normal",
	[XMSG_XCHG_KIND_PASS] = "pass",
	[XMSG_XCHG_KIND_BCAST] = "bcast",
};

/* ---- create, destroy, free ------------------------------------------ */

/**
 * xmsg_xchg_create - create an exchange
 * @name: name for debugfs, may be NULL (truncated to 31 characters)
 * @kind: XMSG_XCHG_KIND_NORMAL, XMSG_XCHG_KIND_PASS or XMSG_XCHG_KIND_BCAST
 * @limit: most messages queued at once, 0 for the default (1024), at most
 *	1 << 20; ignored by a broadcast exchange (one posted message)
 *
 * The caller holds the creator's reference, dropped by
 * xmsg_xchg_destroy().  Others take references with xmsg_obj_get().
 *
 * Context: process context, may sleep.
 * Return: the exchange, ERR_PTR(-EINVAL) for a bad @kind or @limit,
 * ERR_PTR(-ENOMEM).
 */
struct xmsg_xchg *xmsg_xchg_create(const char *name, u32 kind,
				   u32 limit)
{
	return xmsg_xchg_create_flags(name, kind, limit, 0);
}
EXPORT_SYMBOL_NS_GPL(xmsg_xchg_create, XMSG_NS);

/**
 * xmsg_xchg_create_flags - create an exchange, with options
 * @name: as for xmsg_xchg_create()
 * @kind: as for xmsg_xchg_create()
 * @limit: as for xmsg_xchg_create()
 * @flags: 0 or XMSG_XCHG_PASS_SCHED (pass exchanges only): a receiver
 *	runs at a scheduling priority derived from the priority of the
 *	message it received until its next receive there (see prio.c and
 *	xmsg_xchg_recv())
 *
 * Context: process context, may sleep.
 * Return: as xmsg_xchg_create(); ERR_PTR(-EINVAL) too for unknown @flags
 * or XMSG_XCHG_PASS_SCHED on another kind than XMSG_XCHG_KIND_PASS.
 */
struct xmsg_xchg *xmsg_xchg_create_flags(const char *name, u32 kind,
					 u32 limit, u32 flags)
{
	struct xmsg_xchg *xchg;
	int p;

	BUILD_BUG_ON(XMSG_MSG_PRIO_MAX >= 32);
	if (kind > XMSG_XCHG_KIND_BCAST || limit > XMSG_XCHG_LIMIT_MAX)
		return ERR_PTR(-EINVAL);
	if ((flags & ~XMSG_XCHG_PASS_SCHED) ||
	    ((flags & XMSG_XCHG_PASS_SCHED) && kind != XMSG_XCHG_KIND_PASS))
		return ERR_PTR(-EINVAL);
	xchg = kzalloc(sizeof(*xchg), GFP_KERNEL_ACCOUNT);
	if (!xchg)
		return ERR_PTR(-ENOMEM);
	kref_init(&xchg->obj.ref);
	xchg->obj.type = XMSG_TYPE_XCHG;
	spin_lock_init(&xchg->lock);
	xchg->kind = kind;
	xchg->flags = flags;
	xchg->limit = xmsg_xchg_limit_of(kind, limit);
	for (p = 0; p <= XMSG_MSG_PRIO_MAX; p++)
		INIT_LIST_HEAD(&xchg->queue[p]);
	INIT_LIST_HEAD(&xchg->waiters);
	INIT_LIST_HEAD(&xchg->passed);
	INIT_LIST_HEAD(&xchg->senders);
	mutex_init(&xchg->txring_lock);
	INIT_LIST_HEAD(&xchg->txrings);
	init_waitqueue_head(&xchg->poll_wq);
	strscpy(xchg->name, name ?: "", sizeof(xchg->name));

	mutex_lock(&xmsg_xchg_list_lock);
	list_add_tail(&xchg->all, &xmsg_xchg_list);
	mutex_unlock(&xmsg_xchg_list_lock);
	return xchg;
}
EXPORT_SYMBOL_NS_GPL(xmsg_xchg_create_flags, XMSG_NS);

/**
 * xmsg_xchg_queue_bytes() - kernel memory a full exchange may hold
 * @kind: XMSG_XCHG_KIND_NORMAL, XMSG_XCHG_KIND_PASS or XMSG_XCHG_KIND_BCAST
 * @limit: as for xmsg_xchg_create()
 *
 * Counted as a control block per message it may queue (a proxy sent
 * there is allocated), for callers that limit what users make the kernel
 * hold.
 *
 * Context: any context.
 * Return: the bytes.
 */
u64 xmsg_xchg_queue_bytes(u32 kind, u32 limit)
{
	u64 n = xmsg_xchg_limit_of(kind, limit);

	return sizeof(struct xmsg_xchg) + n * sizeof(struct xmsg_msg);
}
EXPORT_SYMBOL_NS_GPL(xmsg_xchg_queue_bytes, XMSG_NS);

/* Take everything out of a dying exchange: messages, post, waiters. */
static struct xmsg_xchg_post *__xmsg_xchg_kill(struct xmsg_xchg *xchg,
					       struct list_head *msgs,
					       struct list_head *wake,
					       struct xmsg_ring **ring)
{
	struct xmsg_waiter *w, *next;
	struct xmsg_xchg_post *post;
	int p;

	lockdep_assert_held(&xchg->lock);
	WRITE_ONCE(xchg->dead, true);
	for (p = 0; p <= XMSG_MSG_PRIO_MAX; p++)
		list_splice_tail_init(&xchg->queue[p], msgs);
	xchg->prio_map = 0;
	WRITE_ONCE(xchg->queued, 0);
	post = xchg->post;
	xchg->post = NULL;
	*ring = xchg->ring;
	xchg->ring = NULL;
	if (*ring)
		__xmsg_ring_kill(*ring);
	list_for_each_entry_safe(w, next, &xchg->waiters, link)
		__xmsg_waiter_claim(w, wake, -EIDRM);
	__xmsg_waiters_claim_all(&xchg->senders, wake, -EIDRM);
	return post;
}

/**
 * xmsg_xchg_destroy - destroy an exchange
 * @xchg: the exchange, or NULL (no-op)
 *
 * Marks it dead, releases its queued messages and its posted broadcast
 * message, wakes every waiting receiver with -EIDRM and pollers with
 * EPOLLERR | EPOLLHUP, gives receivers running at a passed priority
 * their own back (XMSG_XCHG_PASS_SCHED), and drops the creator's
 * reference.  The memory goes
 * when the last reference does.  Destroying twice is a caller bug; the
 * second call only warns.
 *
 * Context: process context, may sleep.
 */
void xmsg_xchg_destroy(struct xmsg_xchg *xchg)
{
	struct xmsg_xchg_post *post;
	struct xmsg_msg *msg, *tmp;
	struct xmsg_ring *ring;
	unsigned long flags;
	LIST_HEAD(passed);
	LIST_HEAD(msgs);
	LIST_HEAD(wake);

	if (!xchg)
		return;
	might_sleep();
	rcu_read_lock();	/* for @ring, see ring.c */
	spin_lock_irqsave(&xchg->lock, flags);
	if (xchg->dead) {
		spin_unlock_irqrestore(&xchg->lock, flags);
		rcu_read_unlock();
		pr_warn_ratelimited("exchange %s destroyed twice\n",
				    xchg->name);
		return;
	}
	post = __xmsg_xchg_kill(xchg, &msgs, &wake, &ring);
	list_splice_init(&xchg->passed, &passed);
	spin_unlock_irqrestore(&xchg->lock, flags);
	if (ring)
		xmsg_ring_wake(ring, EPOLLIN | EPOLLHUP);
	rcu_read_unlock();

	xmsg_waiters_wake(&wake);
	wake_up_interruptible_poll(&xchg->poll_wq, EPOLLERR | EPOLLHUP);
	list_for_each_entry_safe(msg, tmp, &msgs, link) {
		list_del_init(&msg->link);
		xmsg_msg_rel(msg);
	}
	xmsg_xchg_post_put(post);
	xmsg_prio_restore_list(&passed);

	mutex_lock(&xmsg_xchg_list_lock);
	list_del(&xchg->all);
	mutex_unlock(&xmsg_xchg_list_lock);
	xmsg_obj_put(&xchg->obj);
}
EXPORT_SYMBOL_NS_GPL(xmsg_xchg_destroy, XMSG_NS);

/*
 * Last reference gone (xmsg_obj_put()); any context.  A poller may still
 * sit on @poll_wq (epoll on a file that named the exchange): tell it and
 * free after a grace period.
 */
void xmsg_xchg_free(struct xmsg_obj *obj)
{
	struct xmsg_xchg *xchg = container_of(obj, struct xmsg_xchg, obj);

	if (!READ_ONCE(xchg->dead))
		pr_warn_ratelimited("exchange %s freed alive\n",
				    xchg->name);
	/* every send ring holds a reference: none is left */
	WARN_ON_ONCE(!list_empty(&xchg->txrings));
	wake_up_pollfree(&xchg->poll_wq);
	kfree_rcu(xchg, rcu);
}

bool xmsg_xchg_dead(struct xmsg_xchg *xchg)
{
	return READ_ONCE(xchg->dead);
}

/* ---- accessors ------------------------------------------------------ */

/**
 * xmsg_xchg_obj - the object head of an exchange
 * @xchg: the exchange
 *
 * Context: any context.
 * Return: &xchg->obj, for xmsg_obj_get()/xmsg_obj_put() and reply handles.
 */
struct xmsg_obj *xmsg_xchg_obj(struct xmsg_xchg *xchg)
{
	return &xchg->obj;
}
EXPORT_SYMBOL_NS_GPL(xmsg_xchg_obj, XMSG_NS);

/**
 * xmsg_obj_xchg - the exchange an object head belongs to
 * @obj: an object head, or NULL
 *
 * Context: any context.
 * Return: the exchange, or NULL when @obj is NULL or not an exchange.
 */
struct xmsg_xchg *xmsg_obj_xchg(struct xmsg_obj *obj)
{
	if (!obj || obj->type != XMSG_TYPE_XCHG)
		return NULL;
	return container_of(obj, struct xmsg_xchg, obj);
}
EXPORT_SYMBOL_NS_GPL(xmsg_obj_xchg, XMSG_NS);

/**
 * xmsg_xchg_kind - the kind of an exchange
 * @xchg: the exchange
 *
 * Context: any context.
 * Return: its u32 (fixed at creation).
 */
u32 xmsg_xchg_kind(const struct xmsg_xchg *xchg)
{
	return xchg->kind;
}
EXPORT_SYMBOL_NS_GPL(xmsg_xchg_kind, XMSG_NS);

/* ---- poll ----------------------------------------------------------- */

void xmsg_xchg_poll_wake(struct xmsg_xchg *xchg, __poll_t mask)
{
	/* wq_has_sleeper() orders our queue change before the check. */
	if (wq_has_sleeper(&xchg->poll_wq))
		wake_up_interruptible_poll(&xchg->poll_wq, mask);
}

static __poll_t __xmsg_xchg_poll_mask(struct xmsg_xchg *xchg, u64 gen)
{
	__poll_t mask = 0;

	lockdep_assert_held(&xchg->lock);
	if (xchg->dead)
		return EPOLLERR | EPOLLHUP;
	if (xchg->kind == XMSG_XCHG_KIND_BCAST)
		return __xmsg_xchg_bcast_poll_mask(xchg, gen);
	if (xchg->queued)
		mask |= EPOLLIN | EPOLLRDNORM;
	if (xchg->queued < xchg->limit)
		mask |= EPOLLOUT | EPOLLWRNORM;
	return mask;
}

/**
 * xmsg_xchg_poll - poll an exchange
 * @xchg: the exchange
 * @file: the file being polled
 * @pt: poll table
 * @gen: broadcast: the last generation the caller has seen (0: none);
 *	ignored by other kinds
 *
 * Context: process context (a file's ->poll()).
 * Return: EPOLLIN | EPOLLRDNORM when a receive would not block (broadcast:
 * a message newer than @gen is posted), EPOLLOUT | EPOLLWRNORM when a send
 * would not fail with -ENOSPC, EPOLLERR | EPOLLHUP once destroyed.
 */
__poll_t xmsg_xchg_poll(struct xmsg_xchg *xchg, struct file *file,
			poll_table *pt, u64 gen)
{
	unsigned long flags;
	__poll_t mask;

	poll_wait(file, &xchg->poll_wq, pt);
	spin_lock_irqsave(&xchg->lock, flags);
	mask = __xmsg_xchg_poll_mask(xchg, gen);
	spin_unlock_irqrestore(&xchg->lock, flags);
	return mask;
}
EXPORT_SYMBOL_NS_GPL(xmsg_xchg_poll, XMSG_NS);

/* ---- normal and pass exchanges ------------------------------------- */

static void __xmsg_xchg_enqueue(struct xmsg_xchg *xchg, struct xmsg_msg *msg)
{
	lockdep_assert_held(&xchg->lock);
	list_add_tail(&msg->link, &xchg->queue[msg->prio]);
	xchg->prio_map |= BIT(msg->prio);
	WRITE_ONCE(xchg->queued, xchg->queued + 1);
}

static struct xmsg_msg *__xmsg_xchg_dequeue(struct xmsg_xchg *xchg)
{
	struct xmsg_msg *msg;
	int p;

	lockdep_assert_held(&xchg->lock);
	if (!xchg->prio_map)
		return NULL;
	p = fls(xchg->prio_map) - 1;
	msg = list_first_entry(&xchg->queue[p], struct xmsg_msg, link);
	list_del_init(&msg->link);
	if (list_empty(&xchg->queue[p]))
		xchg->prio_map &= ~BIT(p);
	WRITE_ONCE(xchg->queued, xchg->queued - 1);
	xchg->received++;
	return msg;
}

/*
 * Move queued messages into the ring, in queue order, while the one at
 * the head fits.
 */
static void __xmsg_xchg_ring_drain(struct xmsg_xchg *xchg,
				   struct xmsg_ring *ring)
{
	struct xmsg_msg *msg;

	lockdep_assert_held(&xchg->lock);
	while (xchg->prio_map) {
		msg = list_first_entry(&xchg->queue[fls(xchg->prio_map) - 1],
				       struct xmsg_msg, link);
		if (!__xmsg_ring_fits(ring, msg))
			break;
		msg = __xmsg_xchg_dequeue(xchg);
		trace_xmsg_ring_publish(xchg->name,
					__xmsg_ring_store(ring, msg), msg->size);
	}
	__xmsg_ring_set_queued(ring, xchg->queued);
}

/*
 * Put @msg (owner already NULL) at the exchange, with @prio and @tag:
 * straight to the first waiting receiver, into the ring, or on the queue.
 * Messages a ring gives back go on @done, to be released once the lock is
 * dropped; when the caller @looked for them already under this lock hold
 * (a batch, before its first put), only a ring that looks full is looked
 * at again.
 * Return: 0 handed to a receiver, 1 queued, 2 put in the ring, or -errno.
 */
static int __xmsg_xchg_put(struct xmsg_xchg *xchg, struct xmsg_msg *msg,
			   u8 prio, u64 tag, struct list_head *wake,
			   struct list_head *done, bool looked)
{
	struct xmsg_ring *ring = xchg->ring;
	struct xmsg_xchg_waiter *xw;

	lockdep_assert_held(&xchg->lock);
	if (xchg->dead)
		return -EIDRM;
	xw = list_first_entry_or_null(&xchg->waiters, struct xmsg_xchg_waiter,
				      w.link);
	if (!xw && ring) {
		if (looked)
			__xmsg_ring_reclaim_full(ring, done);
		else
			__xmsg_ring_reclaim(ring, done);
		if (!xchg->queued && __xmsg_ring_fits(ring, msg)) {
			msg->prio = prio;
			msg->tag = tag;
			xchg->sent++;
			xchg->received++;
			trace_xmsg_ring_publish(xchg->name,
						__xmsg_ring_store(ring, msg),
						msg->size);
			return 2;
		}
		__xmsg_ring_overflow(ring, msg->size);
	}
	if (!xw && xchg->queued >= xchg->limit) {
		xchg->refused++;
		trace_xmsg_xchg_full(xchg->name, xchg->queued, xchg->limit);
		return -ENOSPC;
	}
	msg->prio = prio;
	msg->tag = tag;
	xchg->sent++;
	if (!xw) {
		__xmsg_xchg_enqueue(xchg, msg);
		if (ring)
			__xmsg_xchg_ring_drain(xchg, ring);
		return 1;
	}
	xw->msg = msg;
	xchg->received++;
	__xmsg_waiter_claim(&xw->w, wake, 0);
	return 0;
}

/* Move @msg from @from to the exchange (owner NULL). */
static int xmsg_xchg_take(struct xmsg_msg *msg, struct xmsg_owner *from)
{
	if (READ_ONCE(msg->owner) != from)
		return -EPERM;
	if (!from)
		return 0;
	return xmsg_msg_set_owner(msg, from, NULL);
}

static void xmsg_xchg_untake(struct xmsg_msg *msg, struct xmsg_owner *from)
{
	if (from)
		xmsg_msg_set_owner(msg, NULL, from);
}

/*
 * Of the messages a ring gave back, up to @max the sender can fill again
 * instead of getting and making new ones: whole pool messages whose body
 * nobody else shares and that have no reply handle.  They move from @done
 * to @spares.
 */
static void xmsg_xchg_pick_spares(struct list_head *done,
				  struct list_head *spares, unsigned int max)
{
	struct xmsg_msg *msg, *tmp;

	list_for_each_entry_safe(msg, tmp, done, link) {
		if (!max)
			return;
		if (msg->origin == XMSG_ORIGIN_POOL && !msg->reply &&
		    refcount_read(&msg->body_ref) == 1) {
			list_move_tail(&msg->link, spares);
			max--;
		}
	}
}

/*
 * @wake: the caller's wake list (woken later), or NULL to wake now
 * @spares: NULL, or gets up to @max messages given back by the ring
 * @quiet: the pollers of the ring and of the exchange are not woken: the
 *	caller calls xmsg_xchg_wake_pollers()
 */
static int xmsg_xchg_send_queue(struct xmsg_xchg *xchg, struct xmsg_msg *msg,
				struct xmsg_owner *from, u8 prio, u64 tag,
				struct list_head *wake,
				struct list_head *spares, unsigned int max,
				bool quiet)
{
	/* read now: once put, the message may be received and released */
	size_t len = msg->size;
	struct list_head *wl = wake;
	struct xmsg_ring *ring;
	bool ring_wake = false;
	unsigned long flags;
	LIST_HEAD(done);
	LIST_HEAD(now);
	int ret;

	if (!wl)
		wl = &now;
	ret = xmsg_xchg_take(msg, from);
	if (ret)
		return ret;
	rcu_read_lock();	/* for @ring, see ring.c */
	spin_lock_irqsave(&xchg->lock, flags);
	ret = __xmsg_xchg_put(xchg, msg, prio, tag, wl, &done, false);
	ring = xchg->ring;
	if (ring && ret > 0 && !quiet)
		ring_wake = __xmsg_ring_wake_needed(ring);
	spin_unlock_irqrestore(&xchg->lock, flags);
	if (ring_wake)
		xmsg_ring_wake(ring, EPOLLIN | EPOLLRDNORM);
	rcu_read_unlock();
	trace_xmsg_msg_send(xchg->name, prio, len, ret);
	if (spares)
		xmsg_xchg_pick_spares(&done, spares, max);
	xmsg_ring_release_msgs(&done);
	if (ret < 0) {
		xmsg_xchg_untake(msg, from);
		return ret;
	}
	if (ret == 1 && !quiet)
		xmsg_xchg_poll_wake(xchg, EPOLLIN | EPOLLRDNORM);
	else if (!wake)
		xmsg_waiters_wake(&now);
	return 0;
}

/* Every send: checks, then a broadcast post or a queue send. */
static int xmsg_xchg_send_any(struct xmsg_xchg *xchg, struct xmsg_msg *msg,
			      struct xmsg_owner *from, u8 prio, u64 tag,
			      struct list_head *wake, struct list_head *spares,
			      unsigned int max, bool quiet)
{
	if (!xchg || !msg || prio > XMSG_MSG_PRIO_MAX)
		return -EINVAL;
	if (READ_ONCE(msg->released) || !list_empty_careful(&msg->link)) {
		pr_warn_ratelimited("send of a released or queued message\n");
		return -EINVAL;
	}
	if (xchg->kind == XMSG_XCHG_KIND_BCAST)
		return tag ? -EINVAL :
		       xmsg_xchg_send_bcast(xchg, msg, from, prio, wake);
	return xmsg_xchg_send_queue(xchg, msg, from, prio, tag, wake, spares,
				    max, quiet);
}

/**
 * xmsg_xchg_send - send a message to an exchange
 * @xchg: the exchange
 * @msg: the message, owned by @from
 * @from: the sender's owner (NULL for a kernel user that does not track
 *	ownership; then @msg must have no owner)
 * @prio: priority, 0 (lowest) to XMSG_MSG_PRIO_MAX; stored in @msg->prio
 *
 * Normal and pass exchanges: ownership moves to the exchange (owner NULL)
 * and then to the receiver.  A waiting receiver gets @msg at once; else it
 * queues behind every message of the same or higher priority.  The caller
 * must not touch @msg after success.
 *
 * Broadcast exchanges: @from stays the owner and may change the body and
 * send again, or release @msg.  The exchange keeps its own proxy of the
 * whole body (so the body lives on while posted), replaces the message
 * posted before (a new generation), and wakes every waiting receiver.
 *
 * Context: normal and pass: any context when @from is NULL (no
 * allocation); process context with an owner @from, whose lock is taken
 * with interrupts enabled (xmsg_msg_set_owner()).  Broadcast: process
 * context, allocates with GFP_KERNEL_ACCOUNT (charged to the caller).
 * Return: 0; -EINVAL for NULL @xchg or @msg or @prio > XMSG_MSG_PRIO_MAX;
 * -EPERM when @from does not own @msg; -EIDRM when @xchg is destroyed;
 * -EINVAL too for a released message or one that is queued at an exchange
 * already (a kernel caller bug: warns, rate-limited); -ENOSPC when the
 * queue is at its limit; broadcast only: -ENOMEM or another error of
 * xmsg_msg_make_proxy().  On error nothing changed.
 */
int xmsg_xchg_send(struct xmsg_xchg *xchg, struct xmsg_msg *msg,
		   struct xmsg_owner *from, u8 prio)
{
	return xmsg_xchg_send_defer(xchg, msg, from, prio, NULL);
}
EXPORT_SYMBOL_NS_GPL(xmsg_xchg_send, XMSG_NS);

/**
 * xmsg_xchg_send_defer - send a message, waking its receiver later
 * @xchg: the exchange
 * @msg: the message, owned by @from
 * @from: the sender's owner, or NULL (see xmsg_xchg_send())
 * @prio: priority, 0 (lowest) to XMSG_MSG_PRIO_MAX
 * @wake: a wake list (LIST_HEAD) of the caller, or NULL to wake at once
 *
 * As xmsg_xchg_send(), except that a receiver the message is handed to
 * (or, at a broadcast exchange, every receiver) is only chosen: it is put
 * on @wake and woken by the caller's xmsg_xchg_wake(@wake).  A sender of
 * several messages thus wakes their receivers once, after the last send
 * (a receiver woken at the first send would, on the same CPU, preempt the
 * sender and take one message at a time).  The caller must call
 * xmsg_xchg_wake() soon, and before it sleeps itself: until then the
 * chosen receivers stay asleep (uninterruptibly once they notice).
 *
 * Context: as xmsg_xchg_send().
 * Return: as xmsg_xchg_send().
 */
int xmsg_xchg_send_defer(struct xmsg_xchg *xchg, struct xmsg_msg *msg,
			 struct xmsg_owner *from, u8 prio,
			 struct list_head *wake)
{
	return xmsg_xchg_send_reuse(xchg, msg, from, prio, wake, NULL);
}
EXPORT_SYMBOL_NS_GPL(xmsg_xchg_send_defer, XMSG_NS);

/**
 * xmsg_xchg_send_reuse - send a message, taking back one to fill again
 * @xchg: the exchange
 * @msg: the message, owned by @from
 * @from: the sender's owner, or NULL (see xmsg_xchg_send())
 * @prio: priority, 0 (lowest) to XMSG_MSG_PRIO_MAX
 * @wake: a wake list, or NULL to wake at once (see xmsg_xchg_send_defer())
 * @spare: NULL, or where to put a message for the caller to reuse
 *
 * As xmsg_xchg_send_defer().  When the exchange has a receive ring
 * (XMSG_IOC_RING) whose reader is done with some messages, the send
 * releases them; with @spare, one of them that is a whole pool message
 * (no proxy shares its body, no reply handle) is not released but given to
 * the caller instead, owner NULL, in *@spare (NULL if none): a producer
 * such as a NIC receive path fills it with the next frame and sends it
 * again, saving a block get, a message make and a release.  The caller
 * must check that it is of the pool it expects, and release it if it does
 * not use it.
 *
 * Context: as xmsg_xchg_send().
 * Return: as xmsg_xchg_send(); *@spare is set in every case.
 */
int xmsg_xchg_send_reuse(struct xmsg_xchg *xchg, struct xmsg_msg *msg,
			 struct xmsg_owner *from, u8 prio,
			 struct list_head *wake, struct xmsg_msg **spare)
{
	LIST_HEAD(spares);
	int ret;

	if (!spare)
		return xmsg_xchg_send_any(xchg, msg, from, prio, 0, wake, NULL,
					  0, false);
	ret = xmsg_xchg_send_any(xchg, msg, from, prio, 0, wake, &spares, 1,
				 false);
	*spare = list_first_entry_or_null(&spares, struct xmsg_msg, link);
	if (*spare)
		list_del_init(&(*spare)->link);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(xmsg_xchg_send_reuse, XMSG_NS);

/**
 * xmsg_xchg_send_reuse_many() - send a message, taking back several to
 *	fill again
 * @xchg: the exchange
 * @msg: the message, owned by @from
 * @from: the sender's owner, or NULL (see xmsg_xchg_send())
 * @prio: priority, 0 (lowest) to XMSG_MSG_PRIO_MAX
 * @wake: a wake list, or NULL to wake at once (see xmsg_xchg_send_defer())
 * @spares: gets up to @max messages (linked by their link, owner NULL)
 * @max: how many the caller can use
 *
 * As xmsg_xchg_send_reuse(), for a producer that keeps a stock of blocks
 * (a send ring): every message the receive ring's reader is done with
 * that may be filled again, up to @max, is given back at once rather
 * than one per send.  The caller takes each off @spares (list_del_init())
 * before it uses or releases it.
 *
 * Context: as xmsg_xchg_send().
 * Return: as xmsg_xchg_send(); @spares may have gained messages in every
 * case.
 */
int xmsg_xchg_send_reuse_many(struct xmsg_xchg *xchg, struct xmsg_msg *msg,
			      struct xmsg_owner *from, u8 prio,
			      struct list_head *wake, struct list_head *spares,
			      unsigned int max)
{
	return xmsg_xchg_send_any(xchg, msg, from, prio, 0, wake, spares,
				  max, false);
}
EXPORT_SYMBOL_NS_GPL(xmsg_xchg_send_reuse_many, XMSG_NS);

/**
 * xmsg_xchg_send_quiet() - xmsg_xchg_send_reuse_many() for a batch
 * @xchg: a normal or pass exchange
 * @msg: the message, owner NULL
 * @prio: priority, 0 (lowest) to XMSG_MSG_PRIO_MAX
 * @wake: a wake list (see xmsg_xchg_send_defer())
 * @spares: gets up to @max messages (see xmsg_xchg_send_reuse_many())
 * @max: how many the caller can use
 *
 * As xmsg_xchg_send_reuse_many() with no owner, except that neither the
 * receive ring's poller nor the exchange's pollers are woken: the caller
 * calls xmsg_xchg_wake_pollers() after its last send (and before it
 * sleeps), so that a poller on the sender's CPU is woken once per batch
 * rather than preempting the sender at the first message (then taking
 * one message per wake-up).
 *
 * Context: as xmsg_xchg_send() with no owner; the exchange's lock not
 * held.
 * Return: as xmsg_xchg_send(); -EINVAL also for a broadcast exchange.
 */
int xmsg_xchg_send_quiet(struct xmsg_xchg *xchg, struct xmsg_msg *msg,
			 u8 prio, struct list_head *wake,
			 struct list_head *spares, unsigned int max)
{
	if (xchg && xchg->kind == XMSG_XCHG_KIND_BCAST)
		return -EINVAL;
	return xmsg_xchg_send_any(xchg, msg, NULL, prio, 0, wake, spares,
				  max, true);
}

/**
 * xmsg_xchg_send_quiet_many() - xmsg_xchg_send_quiet() of several messages
 *	under one hold of the exchange lock
 * @xchg: a normal or pass exchange
 * @batch: @n messages (owner NULL), each with its priority; .ret is 0
 * @n: how many
 * @wake: a wake list (see xmsg_xchg_send_defer())
 * @spares: gets up to @max messages (see xmsg_xchg_send_reuse_many())
 * @max: how many the caller can use
 *
 * Sends @batch in order as xmsg_xchg_send_quiet() would send each, with
 * one lock round (and one look at the receive ring's consumer index) for
 * them all.  It stops at the first message it does not send: the one the
 * exchange refused (its error in .ret, counted and traced as refused), or
 * one that fails the checks of every send (.ret left 0: the caller sends
 * it alone, which says why).  The interrupts stay off for the whole
 * batch: the receive ring is looked at once before the first put (at most
 * XMSG_RING_RECLAIM_MAX messages taken back), and again only by a put
 * that finds it full (one more), so the caller keeps @n small.
 *
 * Context: as xmsg_xchg_send_quiet().
 * Return: the number sent, @batch[0] to [ret - 1]: those are the
 * exchange's, the rest are still the caller's.
 */
u32 xmsg_xchg_send_quiet_many(struct xmsg_xchg *xchg,
			      struct xmsg_xchg_batch *batch, u32 n,
			      struct list_head *wake,
			      struct list_head *spares, unsigned int max)
{
	struct xmsg_msg *msg;
	unsigned long flags;
	LIST_HEAD(done);
	u32 i, sent;

	if (!xchg || xchg->kind == XMSG_XCHG_KIND_BCAST)
		return 0;
	for (i = 0; i < n; i++) {
		msg = batch[i].msg;
		if (batch[i].prio > XMSG_MSG_PRIO_MAX ||
		    READ_ONCE(msg->owner) || READ_ONCE(msg->released) ||
		    !list_empty_careful(&msg->link))
			break;
		/* read now: once put, the message may be released */
		batch[i].len = msg->size;
	}
	n = i;
	rcu_read_lock();	/* for the ring, see ring.c */
	spin_lock_irqsave(&xchg->lock, flags);
	if (xchg->ring)
		__xmsg_ring_reclaim(xchg->ring, &done);
	for (sent = 0; sent < n; sent++) {
		batch[sent].ret = __xmsg_xchg_put(xchg, batch[sent].msg,
						  batch[sent].prio, 0, wake,
						  &done, true);
		if (batch[sent].ret < 0)
			break;
	}
	spin_unlock_irqrestore(&xchg->lock, flags);
	rcu_read_unlock();
	for (i = 0; i < sent; i++)
		trace_xmsg_msg_send(xchg->name, batch[i].prio, batch[i].len,
				    batch[i].ret);
	if (sent < n)
		trace_xmsg_msg_send(xchg->name, batch[sent].prio,
				    batch[sent].len, batch[sent].ret);
	xmsg_xchg_pick_spares(&done, spares, max);
	xmsg_ring_release_msgs(&done);
	return sent;
}

/**
 * xmsg_xchg_full() - whether the exchange's queue is at its limit
 * @xchg: a normal or pass exchange
 *
 * A hint, read without the lock: then every send but one to a waiting
 * receiver (there is none while messages are queued) is refused.
 *
 * Context: any context.
 * Return: true when the queue was full as this looked.
 */
bool xmsg_xchg_full(struct xmsg_xchg *xchg)
{
	/* a hint: a stale value only costs the caller a refused send */
	u32 limit = data_race(xchg->limit);

	/* as above */
	return limit && data_race(xchg->queued) >= limit;
}

/**
 * xmsg_xchg_wake_pollers() - wake the pollers xmsg_xchg_send_quiet() left
 * @xchg: the exchange
 *
 * The receive ring's poller when its ring has what it waits for (or the
 * ring's timer started, see ring.c), and the exchange's pollers when
 * messages are queued.  A poller adds itself to its wait queue before it
 * looks under the exchange lock, so one that this misses finds the
 * messages itself.
 *
 * Context: any context; the exchange's lock not held.
 */
void xmsg_xchg_wake_pollers(struct xmsg_xchg *xchg)
{
	struct xmsg_ring *ring;
	bool ring_wake = false;
	unsigned long flags;
	u32 queued;

	rcu_read_lock();	/* for @ring, see ring.c */
	spin_lock_irqsave(&xchg->lock, flags);
	ring = xchg->ring;
	if (ring)
		ring_wake = __xmsg_ring_wake_needed(ring);
	queued = xchg->queued;
	spin_unlock_irqrestore(&xchg->lock, flags);
	if (ring_wake)
		xmsg_ring_wake(ring, EPOLLIN | EPOLLRDNORM);
	rcu_read_unlock();
	if (queued)
		xmsg_xchg_poll_wake(xchg, EPOLLIN | EPOLLRDNORM);
}

/**
 * xmsg_xchg_send_tagged - send a message with a tag
 * @xchg: a normal or pass exchange
 * @msg: the message, owned by @from
 * @from: the sender's owner, or NULL (see xmsg_xchg_send())
 * @prio: priority, 0 (lowest) to XMSG_MSG_PRIO_MAX
 * @tag: stored in @msg->tag while it is queued (0: untagged), for
 *	xmsg_xchg_bump() to find it; the receiver may read it
 * @wake: a wake list, or NULL to wake at once (see xmsg_xchg_send_defer())
 *
 * As xmsg_xchg_send_defer().  Every other send leaves its message
 * untagged (tag 0), whatever tag an earlier send gave it.
 *
 * Context: as xmsg_xchg_send().
 * Return: as xmsg_xchg_send(); -EINVAL also for a non-zero @tag at a
 * broadcast exchange (nothing is queued there).
 */
int xmsg_xchg_send_tagged(struct xmsg_xchg *xchg, struct xmsg_msg *msg,
			  struct xmsg_owner *from, u8 prio, u64 tag,
			  struct list_head *wake)
{
	return xmsg_xchg_send_any(xchg, msg, from, prio, tag, wake, NULL, 0,
				  false);
}
EXPORT_SYMBOL_NS_GPL(xmsg_xchg_send_tagged, XMSG_NS);

/**
 * xmsg_xchg_wake - wake the receivers chosen by xmsg_xchg_send_defer()
 * @wake: the wake list; empty afterwards (and reusable)
 *
 * Context: any context; no exchange lock held.
 */
void xmsg_xchg_wake(struct list_head *wake)
{
	if (list_empty(wake))
		return;
	xmsg_waiters_wake(wake);
	INIT_LIST_HEAD(wake);
}
EXPORT_SYMBOL_NS_GPL(xmsg_xchg_wake, XMSG_NS);

/* ---- blocking send and clear ---------------------------------------- */

/**
 * struct xmsg_xchg_sender - a sender waiting for room at a full exchange
 * @w: generic waiter (waiter.c); claimed with 0 once @msg is queued
 * @msg: the message (owner NULL while it waits)
 * @prio: its priority
 * @tag: its tag
 */
struct xmsg_xchg_sender {
	struct xmsg_waiter w;
	struct xmsg_msg *msg;
	u8 prio;
	u64 tag;
};

/*
 * Room was made in the queue (a receive, a ring drain): queue the
 * messages of waiting senders in the places freed, oldest sender first,
 * and choose those senders for waking.  A new send thus cannot overtake a
 * sender that waits.
 */
static void __xmsg_xchg_admit(struct xmsg_xchg *xchg, struct list_head *wake)
{
	struct xmsg_xchg_sender *xs;

	lockdep_assert_held(&xchg->lock);
	while (xchg->queued < xchg->limit) {
		xs = list_first_entry_or_null(&xchg->senders,
					      struct xmsg_xchg_sender, w.link);
		if (!xs)
			break;
		xs->msg->prio = xs->prio;
		xs->msg->tag = xs->tag;
		xchg->sent++;
		__xmsg_xchg_enqueue(xchg, xs->msg);
		__xmsg_waiter_claim(&xs->w, wake, 0);
	}
}

/* Queue full, nobody waiting to receive: wait for room (lock dropped). */
static int xmsg_xchg_send_sleep(struct xmsg_xchg *xchg, struct xmsg_msg *msg,
				u8 prio, u64 tag, ktime_t timeout)
{
	struct xmsg_xchg_sender xs = { .msg = msg, .prio = prio, .tag = tag };
	unsigned long flags;
	int ret;

	spin_lock_irqsave(&xchg->lock, flags);
	if (xchg->dead) {
		spin_unlock_irqrestore(&xchg->lock, flags);
		return -EIDRM;
	}
	if (xchg->queued < xchg->limit || !list_empty(&xchg->waiters)) {
		spin_unlock_irqrestore(&xchg->lock, flags);
		return -EAGAIN;		/* room already: send again */
	}
	xs.w.task = current;
	xs.w.state = XMSG_WAITER_PENDING;
	list_add_tail(&xs.w.link, &xchg->senders);
	xmsg_obj_get(&xchg->obj);
	ret = xmsg_waiter_wait(&xs.w, &xchg->lock, flags, timeout);
	xmsg_obj_put(&xchg->obj);
	return ret;
}

/**
 * xmsg_xchg_send_wait - send a message, waiting for room if the queue is full
 * @xchg: the exchange; the caller holds a reference
 * @msg: the message, owned by @from
 * @from: the sender's owner, or NULL (see xmsg_xchg_send())
 * @prio: priority, 0 (lowest) to XMSG_MSG_PRIO_MAX
 * @tag: 0, or a tag as for xmsg_xchg_send_tagged()
 * @timeout: 0 does not wait (as xmsg_xchg_send()), XMSG_WAIT_FOREVER, or
 *	the CLOCK_MONOTONIC time to give up at (see xmsg_wait_ns())
 *
 * As xmsg_xchg_send_tagged() with no wake list, except that at a normal or pass exchange whose
 * queue is at its limit the sender waits (FIFO with other waiting
 * senders) instead of failing with -ENOSPC.  A receive that takes a
 * message out of a full queue queues the first waiting sender's message
 * in its place and wakes that sender: once queued the message is sent
 * (0), even if a signal or the timeout comes at the same moment.  While
 * it waits the message belongs to no one (owner NULL); on any error it is
 * @from's again, unchanged.  A broadcast exchange never waits.
 *
 * Context: process context, may sleep when @timeout != 0.
 * Return: as xmsg_xchg_send(); -EINVAL also for a negative @timeout; when
 * waiting: -ETIMEDOUT, -ERESTARTSYS, -EIDRM (destroyed meanwhile),
 * -ECANCELED (xmsg_xchg_clear() meanwhile).
 */
int xmsg_xchg_send_wait(struct xmsg_xchg *xchg, struct xmsg_msg *msg,
			struct xmsg_owner *from, u8 prio, u64 tag,
			ktime_t timeout)
{
	size_t len;
	int ret;

	if (timeout < 0)
		return -EINVAL;
	for (;;) {
		ret = xmsg_xchg_send_tagged(xchg, msg, from, prio, tag, NULL);
		if (ret != -ENOSPC || !timeout)
			return ret;
		might_sleep();
		ret = xmsg_xchg_take(msg, from);
		if (ret)
			return ret;
		len = msg->size;	/* once queued it may go at once */
		ret = xmsg_xchg_send_sleep(xchg, msg, prio, tag, timeout);
		if (ret != -EAGAIN)
			break;
		xmsg_xchg_untake(msg, from);
	}
	if (ret) {
		xmsg_xchg_untake(msg, from);
		return ret;
	}
	trace_xmsg_msg_send(xchg->name, prio, len, 1);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(xmsg_xchg_send_wait, XMSG_NS);

/**
 * xmsg_xchg_clear - empty an exchange, cancelling everyone waiting there
 * @xchg: the exchange
 * @from: broadcast exchanges: the owner that posted (see
 *	xmsg_xchg_bcast_clear()); ignored by other kinds
 *
 * Normal and pass exchanges: every queued message is released (its block
 * goes back to its pool); messages already in a receive ring stay there.
 * Broadcast exchanges: the post is withdrawn as by xmsg_xchg_bcast_clear()
 * (receivers keep their proxies).  Every waiting receiver and every
 * sender waiting for room (xmsg_xchg_send_wait(); its message stays its
 * own) returns -ECANCELED, an errno no other path of a receive returns.
 * The exchange stays usable.
 *
 * Context: process context (releases messages).
 * Return: 0; -EINVAL for NULL @xchg; -EIDRM when destroyed; broadcast:
 * -EPERM when another owner posted the message (nothing changed).
 */
int xmsg_xchg_clear(struct xmsg_xchg *xchg, struct xmsg_owner *from)
{
	struct xmsg_xchg_post *post = NULL;
	struct xmsg_msg *msg, *tmp;
	unsigned long flags;
	LIST_HEAD(msgs);
	LIST_HEAD(wake);
	int ret = 0, p;

	if (!xchg)
		return -EINVAL;
	might_sleep();
	spin_lock_irqsave(&xchg->lock, flags);
	if (xchg->dead)
		ret = -EIDRM;
	else if (xchg->kind == XMSG_XCHG_KIND_BCAST)
		ret = __xmsg_xchg_bcast_unpost(xchg, from, &post);
	if (ret && ret != -ENOENT) {
		spin_unlock_irqrestore(&xchg->lock, flags);
		return ret;
	}
	for (p = 0; p <= XMSG_MSG_PRIO_MAX; p++)
		list_splice_tail_init(&xchg->queue[p], &msgs);
	xchg->prio_map = 0;
	WRITE_ONCE(xchg->queued, 0);
	if (xchg->ring)
		__xmsg_ring_set_queued(xchg->ring, 0);
	__xmsg_waiters_claim_all(&xchg->waiters, &wake, -ECANCELED);
	__xmsg_waiters_claim_all(&xchg->senders, &wake, -ECANCELED);
	spin_unlock_irqrestore(&xchg->lock, flags);

	xmsg_xchg_wake(&wake);
	xmsg_xchg_poll_wake(xchg, EPOLLOUT | EPOLLWRNORM);
	list_for_each_entry_safe(msg, tmp, &msgs, link) {
		list_del_init(&msg->link);
		xmsg_msg_rel(msg);
	}
	xmsg_xchg_post_put(post);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(xmsg_xchg_clear, XMSG_NS);

/* The first queued message with @tag, in the order receives take them. */
static struct xmsg_msg *__xmsg_xchg_find_tag(struct xmsg_xchg *xchg, u64 tag)
{
	unsigned long map;
	struct xmsg_msg *msg;
	int p;

	lockdep_assert_held(&xchg->lock);
	map = xchg->prio_map;
	while (map) {
		p = __fls(map);
		list_for_each_entry(msg, &xchg->queue[p], link)
			if (msg->tag == tag)
				return msg;
		__clear_bit(p, &map);
	}
	return NULL;
}

/**
 * xmsg_xchg_bump - move a queued message to another priority
 * @xchg: a normal or pass exchange
 * @tag: the tag the message was sent with (xmsg_xchg_send_tagged()),
 *	not 0
 * @prio: the new priority, 0 (lowest) to XMSG_MSG_PRIO_MAX
 * @old_prio: if not NULL, gets the priority the message had
 *
 * Finds the first message queued with @tag, in the order receives take
 * them (highest priority first, oldest first), sets its priority to @prio
 * and queues it behind the messages queued at @prio already: the same
 * place a send at @prio would give it, also when @prio is its priority
 * already.  A receive sees @prio in @msg->prio (a pass exchange passes it
 * on).  Messages handed to a receiver, in a receive ring or held by a
 * sender waiting for room are not queued and not found.  The queue
 * length does not change: no waiter, poller or ring is woken (a ring
 * takes the new head of the queue at its next drain).  O(messages queued)
 * to find the message.
 *
 * Context: any context; takes the exchange lock.
 * Return: 0; -EINVAL for NULL @xchg, @tag 0, @prio above
 * XMSG_MSG_PRIO_MAX or a broadcast exchange; -EIDRM when destroyed;
 * -ENOENT when no message with @tag is queued.
 */
int xmsg_xchg_bump(struct xmsg_xchg *xchg, u64 tag, u8 prio, u8 *old_prio)
{
	struct xmsg_msg *msg;
	unsigned long flags;
	u8 old;

	if (!xchg || !tag || prio > XMSG_MSG_PRIO_MAX ||
	    xchg->kind == XMSG_XCHG_KIND_BCAST)
		return -EINVAL;
	spin_lock_irqsave(&xchg->lock, flags);
	if (xchg->dead) {
		spin_unlock_irqrestore(&xchg->lock, flags);
		return -EIDRM;
	}
	msg = __xmsg_xchg_find_tag(xchg, tag);
	if (!msg) {
		spin_unlock_irqrestore(&xchg->lock, flags);
		return -ENOENT;
	}
	old = msg->prio;
	list_del(&msg->link);
	if (list_empty(&xchg->queue[old]))
		xchg->prio_map &= ~BIT(old);
	msg->prio = prio;
	list_add_tail(&msg->link, &xchg->queue[prio]);
	xchg->prio_map |= BIT(prio);
	trace_xmsg_msg_bump(xchg->name, tag, old, prio);
	spin_unlock_irqrestore(&xchg->lock, flags);
	if (old_prio)
		*old_prio = old;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(xmsg_xchg_bump, XMSG_NS);

/* ---- receive -------------------------------------------------------- */

/*
 * Adaptive spin before sleeping (only ever with more than one CPU, see
 * xmsg_waiter_wait()).  A receiver that waits notes when it started; the
 * sender that hands it a message notes when (__xmsg_waiter_claim()).  The
 * exchange keeps a moving average of that claim latency (@wait_ns, 1/8
 * weight per wait): how long a spin would have had to last.  A receiver
 * spins for twice the average when that is at most the spin_max_ns
 * parameter, else it sleeps at once (a long spin would likely be in
 * vain), except one wait in XMSG_SPIN_PROBE, which spins for spin_max_ns
 * (so does the first wait, while nothing is known): a peer that spins
 * answers faster than one that must be woken, so two processes on two
 * CPUs find their way to spinning from both sides.
 */
static u32 xmsg_xchg_spin_ns(struct xmsg_xchg *xchg)
{
	u32 max = READ_ONCE(xmsg_spin_max_ns);
	u32 avg = READ_ONCE(xchg->wait_ns);
	u32 probe;

	if (num_online_cpus() < 2 || max < XMSG_SPIN_MIN_NS)
		return 0;
	if (avg && 2 * (u64)avg <= max)
		return max_t(u32, 2 * avg, XMSG_SPIN_MIN_NS);
	probe = READ_ONCE(xchg->spin_probe) + 1;
	WRITE_ONCE(xchg->spin_probe, probe);
	return !avg || !(probe % XMSG_SPIN_PROBE) ? max : 0;
}

static void xmsg_xchg_spin_done(struct xmsg_xchg *xchg,
				const struct xmsg_waiter *w)
{
	u64 lat;
	u32 avg;

	if (!w->start_ns || !w->claimed_ns)
		return;
	lat = w->claimed_ns > w->start_ns ? w->claimed_ns - w->start_ns : 0;
	lat = min_t(u64, lat, U32_MAX / 2);
	avg = READ_ONCE(xchg->wait_ns);
	avg = avg ? avg - avg / 8 + (u32)lat / 8 : (u32)lat;
	WRITE_ONCE(xchg->wait_ns, avg ?: 1);
}

/* Sleep at @xchg until claimed; @flags: the saved state of the lock. */
int xmsg_xchg_wait(struct xmsg_xchg *xchg, struct xmsg_xchg_waiter *xw,
		   unsigned long flags, ktime_t timeout)
	__releases(&xchg->lock)
{
	int ret;

	xw->w.spin_ns = xmsg_xchg_spin_ns(xchg);
	/* SMP with spinning allowed: measure the claim latency */
	if (num_online_cpus() > 1 && READ_ONCE(xmsg_spin_max_ns))
		xw->w.start_ns = local_clock();
	__xmsg_waiter_queue(&xw->w, &xchg->waiters);
	xmsg_obj_get(&xchg->obj);
	ret = xmsg_waiter_wait(&xw->w, &xchg->lock, flags, timeout);
	if (!ret)
		xmsg_xchg_spin_done(xchg, &xw->w);
	xmsg_obj_put(&xchg->obj);
	return ret;
}

static struct xmsg_msg *xmsg_xchg_recv_queue(struct xmsg_xchg *xchg,
					     struct xmsg_owner *to,
					     ktime_t timeout)
{
	struct xmsg_xchg_waiter xw = {};
	unsigned long flags;
	struct xmsg_msg *msg;
	LIST_HEAD(wake);
	bool was_full;
	int ret;

	/*
	 * Nothing queued: a non-blocking receive need not take the lock (a
	 * send racing with it may as well have come just after it).
	 */
	if (!timeout && !READ_ONCE(xchg->queued) && !READ_ONCE(xchg->dead))
		return ERR_PTR(-EAGAIN);
	spin_lock_irqsave(&xchg->lock, flags);
	if (xchg->dead) {
		spin_unlock_irqrestore(&xchg->lock, flags);
		return ERR_PTR(-EIDRM);
	}
	was_full = xchg->queued >= xchg->limit;
	msg = __xmsg_xchg_dequeue(xchg);
	if (msg && was_full)
		__xmsg_xchg_admit(xchg, &wake);
	if (msg || !timeout) {
		spin_unlock_irqrestore(&xchg->lock, flags);
		if (!msg)
			return ERR_PTR(-EAGAIN);
		xmsg_xchg_wake(&wake);
		if (was_full && READ_ONCE(xchg->queued) < xchg->limit)
			xmsg_xchg_poll_wake(xchg, EPOLLOUT | EPOLLWRNORM);
	} else {
		ret = xmsg_xchg_wait(xchg, &xw, flags, timeout);
		if (ret)
			return ERR_PTR(ret);
		msg = xw.msg;
	}
	if (to)
		xmsg_msg_set_owner(msg, NULL, to);
	return msg;
}

/**
 * xmsg_xchg_recv - receive a message from an exchange
 * @xchg: the exchange; the caller holds a reference
 * @to: the receiver's owner (NULL for a kernel user that does not track
 *	ownership)
 * @timeout: 0 never blocks, XMSG_WAIT_FOREVER waits for ever, else the
 *	CLOCK_MONOTONIC time to give up at (see xmsg_wait_ns())
 * @flags: 0 or XMSG_RECV_NEWER
 * @gen: broadcast: in, the last generation seen (with XMSG_RECV_NEWER only
 *	a newer one is returned); out, the generation returned.  May be NULL.
 *	Ignored by other kinds.
 *
 * Normal and pass exchanges: returns the highest priority message, oldest
 * first, now owned by @to.  @msg->prio is the priority it was sent with.
 * Waiting receivers are served highest scheduling priority first (see
 * waiter.c).  At a pass exchange created with XMSG_XCHG_PASS_SCHED the
 * calling thread first gets its own scheduling priority back if an
 * earlier receive there had changed it, and after a successful receive
 * runs at the priority derived from @msg->prio (prio.c) until its next
 * receive there or the exchange's destruction.  At other exchanges the
 * thread's priority is never changed.
 * Broadcast exchanges: returns a new proxy of the whole posted message,
 * owned by @to, at once when a (newer) message is posted, else after the
 * next send.  Release it with xmsg_msg_rel() like any message.
 *
 * A message handed to a waiting receiver is never lost: if a signal or the
 * timeout comes after the hand-over, the message is returned anyway.
 *
 * Context: process context, may sleep, when @timeout != 0, for a
 * broadcast exchange (allocates the proxy) or at an exchange created with
 * XMSG_XCHG_PASS_SCHED.  Any other non-blocking receive at a normal or
 * pass exchange may be called from any context.
 * Return: the message; ERR_PTR(-EINVAL) for NULL @xchg, negative @timeout
 * or unknown @flags; ERR_PTR(-EAGAIN) when @timeout is 0 and nothing is
 * there; ERR_PTR(-ETIMEDOUT); ERR_PTR(-ERESTARTSYS) on a signal;
 * ERR_PTR(-EIDRM) when the exchange is or gets destroyed; broadcast:
 * ERR_PTR(-ENOMEM) or another error of xmsg_msg_make_proxy().
 */
struct xmsg_msg *xmsg_xchg_recv(struct xmsg_xchg *xchg,
				struct xmsg_owner *to, ktime_t timeout,
				unsigned int flags, u64 *gen)
{
	struct xmsg_msg *msg;
	bool pass;

	if (!xchg || timeout < 0 || (flags & ~XMSG_RECV_NEWER))
		return ERR_PTR(-EINVAL);
	pass = xchg->flags & XMSG_XCHG_PASS_SCHED;
	if (timeout || pass)
		might_sleep();
	if (pass)
		xmsg_prio_restore(xchg);
	if (xchg->kind == XMSG_XCHG_KIND_BCAST)
		msg = xmsg_xchg_recv_bcast(xchg, to, timeout,
					   flags & XMSG_RECV_NEWER, gen);
	else
		msg = xmsg_xchg_recv_queue(xchg, to, timeout);
	if (IS_ERR(msg))
		return msg;
	trace_xmsg_msg_recv(xchg->name, msg->prio, msg->size);
	if (pass)
		xmsg_prio_pass(xchg, msg->prio);
	return msg;
}
EXPORT_SYMBOL_NS_GPL(xmsg_xchg_recv, XMSG_NS);

/* ---- receive rings ------------------------------------------------- */

/**
 * xmsg_xchg_ring_attach() - make a ring the exchange's standing receiver
 * @xchg: a normal or pass exchange
 * @ring: the ring (ring.c)
 *
 * Messages already queued move into the ring as far as they fit.
 *
 * Context: process context.
 * Return: 0; -EINVAL for a broadcast exchange, -EIDRM when destroyed,
 * -EBUSY when it has a ring already.
 */
int xmsg_xchg_ring_attach(struct xmsg_xchg *xchg, struct xmsg_ring *ring)
{
	unsigned long flags;
	int ret = 0;

	if (xchg->kind == XMSG_XCHG_KIND_BCAST)
		return -EINVAL;
	spin_lock_irqsave(&xchg->lock, flags);
	if (xchg->dead) {
		ret = -EIDRM;
	} else if (xchg->ring) {
		ret = -EBUSY;
	} else {
		__xmsg_ring_attached(ring, &xchg->lock);
		xchg->ring = ring;
		__xmsg_xchg_ring_drain(xchg, ring);
	}
	spin_unlock_irqrestore(&xchg->lock, flags);
	return ret;
}

/**
 * xmsg_xchg_ring_detach() - take a ring off its exchange
 * @xchg: the exchange it was attached to (perhaps destroyed since)
 * @ring: the ring
 * @msgs: gets every message still in the ring, to release
 *
 * The caller must wait for an RCU grace period before freeing @ring.
 *
 * Context: process context.
 */
void xmsg_xchg_ring_detach(struct xmsg_xchg *xchg, struct xmsg_ring *ring,
			   struct list_head *msgs)
{
	unsigned long flags;

	spin_lock_irqsave(&xchg->lock, flags);
	if (xchg->ring == ring)
		xchg->ring = NULL;
	__xmsg_ring_take_all(ring, msgs);
	spin_unlock_irqrestore(&xchg->lock, flags);
}

/**
 * xmsg_xchg_ring_poll() - service a ring and say what poll() reports
 * @xchg: the exchange it was attached to
 * @ring: the ring
 *
 * Releases the messages user space is done with and moves queued messages
 * into the room made.
 *
 * Context: process context (the ring file's ->poll()).
 * Return: the poll mask of the ring (see struct xmsg_ring_setup).
 */
__poll_t xmsg_xchg_ring_poll(struct xmsg_xchg *xchg, struct xmsg_ring *ring)
{
	unsigned long flags;
	bool was_full, room;
	LIST_HEAD(done);
	LIST_HEAD(wake);
	__poll_t mask;

	spin_lock_irqsave(&xchg->lock, flags);
	__xmsg_ring_reclaim(ring, &done);
	was_full = xchg->queued >= xchg->limit;
	if (xchg->ring == ring)
		__xmsg_xchg_ring_drain(xchg, ring);
	if (was_full)
		__xmsg_xchg_admit(xchg, &wake);
	room = xchg->queued < xchg->limit;
	mask = __xmsg_ring_poll_mask(ring);
	spin_unlock_irqrestore(&xchg->lock, flags);
	xmsg_xchg_wake(&wake);
	xmsg_ring_release_msgs(&done);
	if (was_full && room)
		xmsg_xchg_poll_wake(xchg, EPOLLOUT | EPOLLWRNORM);
	return mask;
}

/**
 * xmsg_xchg_ring_take() - take the message of a ring entry out of the ring
 * @xchg: the exchange the ring was attached to
 * @ring: the ring
 * @index: the entry
 *
 * Context: any context.
 * Return: the message (owner NULL, now the caller's), or NULL when @index
 * is no entry the ring holds or its message was taken already.
 */
struct xmsg_msg *xmsg_xchg_ring_take(struct xmsg_xchg *xchg,
				     struct xmsg_ring *ring, u32 index)
{
	struct xmsg_msg *msg;
	unsigned long flags;

	spin_lock_irqsave(&xchg->lock, flags);
	msg = __xmsg_ring_take(ring, index);
	spin_unlock_irqrestore(&xchg->lock, flags);
	return msg;
}

/* ---- statistics and debugfs ----------------------------------------- */

/**
 * xmsg_xchg_get_stats - a snapshot of an exchange's counters
 * @xchg: the exchange
 * @st: filled in
 *
 * Context: any context.
 */
void xmsg_xchg_get_stats(struct xmsg_xchg *xchg, struct xmsg_xchg_stats *st)
{
	struct xmsg_waiter *w;
	unsigned long flags;

	memset(st, 0, sizeof(*st));
	spin_lock_irqsave(&xchg->lock, flags);
	st->kind = xchg->kind;
	st->flags = xchg->flags;
	st->queued = xchg->kind == XMSG_XCHG_KIND_BCAST ? !!xchg->post :
		     xchg->queued;
	list_for_each_entry(w, &xchg->waiters, link)
		st->waiters++;
	list_for_each_entry(w, &xchg->senders, link)
		st->senders++;
	st->limit = xchg->limit;
	st->sent = xchg->sent;
	st->received = xchg->received;
	st->refused = xchg->refused;
	st->gen = xchg->gen;
	spin_unlock_irqrestore(&xchg->lock, flags);
}
EXPORT_SYMBOL_NS_GPL(xmsg_xchg_get_stats, XMSG_NS);

/**
 * xmsg_xchg_peek - what a receive at an exchange would find, taking nothing
 * @xchg: the exchange
 * @ns: the PID namespace to report the first waiter's IDs in
 * @pk: filled in: one snapshot, under the exchange lock
 *
 * Context: any context.
 */
void xmsg_xchg_peek(struct xmsg_xchg *xchg, struct pid_namespace *ns,
		    struct xmsg_xchg_peek *pk)
{
	struct xmsg_waiter *w;
	struct xmsg_msg *msg = NULL;
	unsigned long flags;

	memset(pk, 0, sizeof(*pk));
	spin_lock_irqsave(&xchg->lock, flags);
	if (xchg->kind == XMSG_XCHG_KIND_BCAST) {
		msg = __xmsg_xchg_bcast_posted(xchg);
		pk->queued = !!msg;
	} else {
		if (xchg->prio_map)
			msg = list_first_entry(&xchg->queue[fls(xchg->prio_map) - 1],
					       struct xmsg_msg, link);
		pk->queued = xchg->queued;
	}
	if (msg) {
		pk->has_msg = true;
		pk->prio = msg->prio;
		pk->length = msg->size;
	}
	list_for_each_entry(w, &xchg->waiters, link)
		pk->waiters++;
	pk->has_waiter = __xmsg_waiter_ids(&xchg->waiters, ns, &pk->pid,
					   &pk->tid);
	spin_unlock_irqrestore(&xchg->lock, flags);
}
EXPORT_SYMBOL_NS_GPL(xmsg_xchg_peek, XMSG_NS);

static int xmsg_xchg_debugfs_show(struct seq_file *m, void *v)
{
	struct xmsg_xchg_stats st;
	struct xmsg_xchg *xchg;

	seq_puts(m, "name kind queued waiters limit sent received gen\n");
	mutex_lock(&xmsg_xchg_list_lock);
	list_for_each_entry(xchg, &xmsg_xchg_list, all) {
		xmsg_xchg_get_stats(xchg, &st);
		seq_printf(m, "%s %s %u %u %u %llu %llu %llu\n",
			   xchg->name[0] ? xchg->name : "-",
			   xmsg_xchg_kind_names[st.kind], st.queued,
			   st.waiters, st.limit, st.sent, st.received, st.gen);
	}
	mutex_unlock(&xmsg_xchg_list_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(xmsg_xchg_debugfs);

struct dentry *xmsg_xchg_debugfs_create(struct dentry *root)
{
	return debugfs_create_file("exchanges", 0400, root, NULL,
				   &xmsg_xchg_debugfs_fops);
}
