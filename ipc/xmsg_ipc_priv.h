/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xmsg inter-task layer: helpers shared by exchange.c, ring.c, sem.c,
 * reply.c, obj.c and waiter.c.  Not for other layers; they use <xmsg/ipc.h>.
 */
#ifndef _XMSG_IPC_PRIV_H
#define _XMSG_IPC_PRIV_H

#include <linux/list.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
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
	struct task_struct *task;
	int state;
	int result;
	u32 spin_ns;
	bool spun;
	u64 start_ns;
	u64 claimed_ns;
};

void __xmsg_waiter_claim(struct xmsg_waiter *w, struct list_head *wake,
			 int result);
void xmsg_waiters_wake(struct list_head *wake);
int xmsg_waiter_wait(struct xmsg_waiter *w, spinlock_t *lock,
		     unsigned long flags, ktime_t timeout) __releases(lock);

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
bool __xmsg_ring_overflow(struct xmsg_ring *ring);
void __xmsg_ring_reclaim(struct xmsg_ring *ring, struct list_head *done);
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
