/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xmsg inter-task layer: helpers shared by exchange.c, bcast.c, ring.c,
 * sem.c, reply.c, obj.c and waiter.c.  Not for other layers; they use <xmsg/ipc.h>.
 */
#ifndef _XMSG_IPC_PRIV_H
#define _XMSG_IPC_PRIV_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/poll.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <xmsg/ipc.h>

struct dentry;

/**
 * enum xmsg_waiter_state - where a waiting task stands
 * @XMSG_WAITER_PENDING: on its object's wait list, not chosen yet
 * @XMSG_WAITER_CLAIMED: taken off the wait list by a waker that will
 *	publish the result after dropping the object lock
 * @XMSG_WAITER_DONE: @xmsg_waiter.result (and the payload) is valid; the
 *	waker no longer touches the waiter
 */
enum xmsg_waiter_state {
	XMSG_WAITER_PENDING,
	XMSG_WAITER_CLAIMED,
	XMSG_WAITER_DONE,
};

/**
 * struct xmsg_waiter - a task waiting at an exchange or a semaphore
 * @link: on the object's wait list (protected by the object lock), then
 *	on a waker's private wake list
 * @prio: the wait list's sort key, set by __xmsg_waiter_queue() (lower
 *	is served first)
 * @task: the waiting task
 * @state: enum xmsg_waiter_state.  PENDING -> CLAIMED under the object
 *	lock; CLAIMED -> DONE by smp_store_release() in xmsg_waiters_wake()
 *	(XMSG_WAKE_BARRIER)
 * @result: 0 or a negative errno, set when claimed
 * @spin_ns: in: how long xmsg_waiter_wait() may spin before it sleeps
 *	(0: not at all)
 * @spun: out: claimed while spinning
 * @start_ns: in: local_clock() when the wait began, or 0: then
 *	@claimed_ns is not set
 * @claimed_ns: out: local_clock() when a waker claimed it (set under the
 *	object lock)
 *
 * Lives on the waiting task's stack: once @state is DONE the waiter may
 * return and the memory is gone.
 */
struct xmsg_waiter {
	struct list_head link;
	int prio;
	struct task_struct *task;
	int state;
	int result;
	u32 spin_ns;
	bool spun;
	u64 start_ns;
	u64 claimed_ns;
};

void __xmsg_waiter_queue(struct xmsg_waiter *w, struct list_head *head);
void __xmsg_waiter_claim(struct xmsg_waiter *w, struct list_head *wake,
			 int result);
void __xmsg_waiters_claim_all(struct list_head *waiters,
			      struct list_head *wake, int result);
bool __xmsg_waiter_ids(struct list_head *waiters, struct pid_namespace *ns,
		       pid_t *pid, pid_t *tid);
void xmsg_waiters_wake(struct list_head *wake);
int xmsg_waiter_wait(struct xmsg_waiter *w, spinlock_t *lock,
		     unsigned long flags, ktime_t timeout) __releases(lock);

/*
 * Exchanges: exchange.c (normal and pass exchanges, waiting, poll) and
 * bcast.c (broadcast exchanges).  Locking: see exchange.c.
 */
struct xmsg_xchg_post;

/**
 * struct xmsg_xchg - an exchange
 * @obj: reference counted head; first member
 * @lock: protects the members below marked so
 * @kind: u32
 * @flags: XMSG_XCHG_PASS_SCHED or 0, fixed at creation
 * @dead: destroyed.  Protected by @lock.
 * @limit: most messages queued at once (normal and pass)
 * @queued: messages queued.  Protected by @lock.
 * @prio_map: bit p set when @queue[p] is not empty.  Protected by @lock.
 * @queue: message queues, one per priority, linked by @xmsg_msg.link.
 *	Protected by @lock.
 * @waiters: waiting receivers (struct xmsg_xchg_waiter), highest
 *	scheduling priority first, FIFO among equals (waiter.c).
 *	Protected by @lock.
 * @senders: senders waiting for room in a full queue
 *	(xmsg_xchg_send_wait(), struct xmsg_xchg_sender), FIFO.  Protected
 *	by @lock.
 * @post: the posted broadcast message (bcast.c) or NULL.  Protected by
 *	@lock.
 * @ring: the receive ring (ring.c) or NULL.
 *	Protected by @lock; freed only after an RCU grace period once
 *	detached.
 * @txring_lock: protects @txrings (a mutex: send rings are drained in
 *	process context)
 * @txrings: the send rings sending here (struct xmsg_txring.link; see
 *	txring.c).  Protected by @txring_lock.
 * @passed: receivers running at a passed priority (prio.c).
 *	Protected by @lock.
 * @gen: broadcast generation.  Protected by @lock.
 * @sent: messages sent.  Protected by @lock.
 * @received: messages received.  Protected by @lock.
 * @refused: sends refused by a full queue.  Protected by @lock.
 * @poll_wq: poll() waiters; woken with the lock dropped
 * @all: on xmsg_xchg_list.  Protected by xmsg_xchg_list_lock.
 * @rcu: RCU-delayed free (wake_up_pollfree() needs it)
 * @wait_ns: moving average of how long receivers waited until a sender
 *	chose them, 0 while unknown (see xmsg_xchg_spin_ns()); read and
 *	written without lock (a hint)
 * @spin_probe: waits that did not spin, to spin now and then (a hint)
 * @name: for debugfs
 */
struct xmsg_xchg {
	struct xmsg_obj obj;
	spinlock_t lock;	/* see Locking in exchange.c */
	u32 kind;
	u32 flags;
	bool dead;
	u32 limit;
	u32 queued;
	u32 prio_map;
	struct list_head queue[XMSG_MSG_PRIO_MAX + 1];
	struct list_head waiters;
	struct list_head senders;
	struct xmsg_xchg_post *post;
	struct xmsg_ring *ring;
	struct mutex txring_lock;	/* @txrings; see txring.c */
	struct list_head txrings;
	struct list_head passed;
	u64 gen;
	u64 sent;
	u64 received;
	u64 refused;
	wait_queue_head_t poll_wq;
	struct list_head all;
	struct rcu_head rcu;
	u32 wait_ns;
	u32 spin_probe;
	char name[XMSG_NAME_MAX];
};

/**
 * struct xmsg_xchg_waiter - a receiver waiting at an exchange
 * @w: generic waiter (waiter.c)
 * @msg: normal/pass: the message handed over, set when claimed
 * @post: broadcast: the post, with a reference for us, set when claimed
 * @newer: broadcast: only a generation > @gen will do
 * @gen: broadcast: last generation the receiver has seen
 */
struct xmsg_xchg_waiter {
	struct xmsg_waiter w;
	struct xmsg_msg *msg;
	struct xmsg_xchg_post *post;
	bool newer;
	u64 gen;
};

void xmsg_xchg_poll_wake(struct xmsg_xchg *xchg, __poll_t mask);
int xmsg_xchg_send_quiet(struct xmsg_xchg *xchg, struct xmsg_msg *msg,
			 u8 prio, struct list_head *wake,
			 struct list_head *spares, unsigned int max);
/**
 * struct xmsg_xchg_batch - a message of xmsg_xchg_send_quiet_many()
 * @msg: the message
 * @len: its length, read before it is put
 * @prio: its priority
 * @ret: what the put returned (see xmsg_xchg_send_quiet_many())
 */
struct xmsg_xchg_batch {
	struct xmsg_msg *msg;
	size_t len;
	u8 prio;
	int ret;
};

u32 xmsg_xchg_send_quiet_many(struct xmsg_xchg *xchg,
			      struct xmsg_xchg_batch *batch, u32 n,
			      struct list_head *wake,
			      struct list_head *spares, unsigned int max);
bool xmsg_xchg_full(struct xmsg_xchg *xchg);
void xmsg_xchg_wake_pollers(struct xmsg_xchg *xchg);
int xmsg_xchg_wait(struct xmsg_xchg *xchg, struct xmsg_xchg_waiter *xw,
		   unsigned long flags, ktime_t timeout) __releases(&xchg->lock);

/* Broadcast exchanges: bcast.c, called by exchange.c. */
void xmsg_xchg_post_put(struct xmsg_xchg_post *post);
int __xmsg_xchg_bcast_unpost(struct xmsg_xchg *xchg, struct xmsg_owner *from,
			     struct xmsg_xchg_post **post);
struct xmsg_msg *__xmsg_xchg_bcast_posted(struct xmsg_xchg *xchg);
int xmsg_xchg_send_bcast(struct xmsg_xchg *xchg, struct xmsg_msg *msg,
			 struct xmsg_owner *from, u8 prio, struct list_head *wake);
struct xmsg_msg *xmsg_xchg_recv_bcast(struct xmsg_xchg *xchg,
				      struct xmsg_owner *to, ktime_t timeout,
				      bool newer, u64 *gen);
__poll_t __xmsg_xchg_bcast_poll_mask(struct xmsg_xchg *xchg, u64 gen);

/* Priority passing: prio.c, called by exchange.c with no lock held. */
void xmsg_prio_restore(struct xmsg_xchg *xchg);
void xmsg_prio_pass(struct xmsg_xchg *xchg, u8 prio);
void xmsg_prio_restore_list(struct list_head *recs);

/* Object types' release functions, called by xmsg_obj_put(). */
void xmsg_xchg_free(struct xmsg_obj *obj);
void xmsg_sem_free(struct xmsg_obj *obj);
bool xmsg_xchg_dead(struct xmsg_xchg *xchg);
bool xmsg_sem_dead(struct xmsg_sem *sem);

/*
 * Receive rings: ring.c, called by exchange.c with the exchange lock held
 * (the __ ones) or without it.
 */
void __xmsg_ring_attached(struct xmsg_ring *ring, spinlock_t *lock);
bool __xmsg_ring_fits(struct xmsg_ring *ring, struct xmsg_msg *msg);
u32 __xmsg_ring_store(struct xmsg_ring *ring, struct xmsg_msg *msg);
void __xmsg_ring_overflow(struct xmsg_ring *ring, size_t len);
void __xmsg_ring_reclaim(struct xmsg_ring *ring, struct list_head *done);
void __xmsg_ring_reclaim_full(struct xmsg_ring *ring, struct list_head *done);
void __xmsg_ring_set_queued(struct xmsg_ring *ring, bool queued);
bool __xmsg_ring_wake_needed(struct xmsg_ring *ring);
void __xmsg_ring_kill(struct xmsg_ring *ring);
struct xmsg_msg *__xmsg_ring_take(struct xmsg_ring *ring, u32 index);
void __xmsg_ring_take_all(struct xmsg_ring *ring, struct list_head *msgs);
__poll_t __xmsg_ring_poll_mask(struct xmsg_ring *ring);
void xmsg_ring_wake(struct xmsg_ring *ring, __poll_t mask);
void xmsg_ring_release_msgs(struct list_head *done);

/* Receive rings: exchange.c, called by ring.c. */
int xmsg_xchg_ring_attach(struct xmsg_xchg *xchg, struct xmsg_ring *ring);
void xmsg_xchg_ring_detach(struct xmsg_xchg *xchg, struct xmsg_ring *ring,
			   struct list_head *msgs);
__poll_t xmsg_xchg_ring_poll(struct xmsg_xchg *xchg, struct xmsg_ring *ring);
struct xmsg_msg *xmsg_xchg_ring_take(struct xmsg_xchg *xchg,
				     struct xmsg_ring *ring, u32 index);

struct dentry *xmsg_xchg_debugfs_create(struct dentry *root);
struct dentry *xmsg_sem_debugfs_create(struct dentry *root);

#endif /* _XMSG_IPC_PRIV_H */
