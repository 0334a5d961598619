// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg waiters: how a task sleeps at an exchange or a semaphore and how a
 * sender or signaller hands it a result.
 *
 * A wait list is ordered as futexes order their waiters: by the waiting
 * task's normal priority when it queued (min(normal_prio, MAX_RT_PRIO):
 * real-time and deadline tasks by their priority, every other task alike),
 * first come first served among equals.  A waker that serves one waiter
 * serves the head: the highest priority task that has waited longest.
 * The kernel's plist would do the sorting but is not exported to modules;
 * a list sorted on insertion from the tail costs O(1) for the common case
 * (a waiter of the lowest priority present) and O(waiters) at worst.
 *
 * The kernel's wake_q is not exported to modules, so xmsg keeps the same
 * idea with the waiters themselves: under the object lock a waker takes
 * each chosen waiter off the wait list onto a private wake list (CLAIMED)
 * and stores its payload; after dropping the lock it publishes DONE and
 * wakes the task.  A claimed waiter always gets its result, even when a
 * signal or its timeout arrives at the same moment: a message handed to a
 * receiver is never lost.
 *
 * Locking
 * -------
 * @xmsg_waiter.link and PENDING -> CLAIMED: the object lock (the
 * exchange's or semaphore's spinlock, taken irqsave).
 * CLAIMED -> DONE: no lock (a spinning waiter polls for DONE).
 * XMSG_WAKE_BARRIER: the smp_store_release() of DONE in
 * xmsg_waiters_wake() pairs with the smp_load_acquire() in
 * xmsg_waiter_wait(), xmsg_waiter_spin() and xmsg_waiter_done(), so a
 * waiter that sees DONE sees the payload and result.  After the store the waker touches only
 * the task, on which it holds a reference.
 */
#include <linux/cpumask.h>
#include <linux/hrtimer.h>
#include <linux/minmax.h>
#include <linux/preempt.h>
#include <linux/sched/prio.h>
#include <linux/sched/clock.h>
#include <linux/sched/signal.h>
#include <linux/sched/stat.h>
#include <linux/sched/task.h>
#include "xmsg_ipc_priv.h"

/* Wake-ups done with preemption disabled at a time */
#define XMSG_WAKE_BATCH	16

/**
 * __xmsg_waiter_queue - put the current task on a wait list
 * @w: the waiter, on the caller's stack
 * @head: the object's wait list
 *
 * Sets @w->task to current and @w->state to PENDING, and queues @w behind
 * every waiter of the same or a higher priority.  The key is the task's
 * normal priority capped at MAX_RT_PRIO, as futex_q_init() keys futex
 * waiters: real-time tasks are served by priority, all others in arrival
 * order.  A priority change while waiting does not requeue.
 *
 * Context: the object lock of @head held.
 */
void __xmsg_waiter_queue(struct xmsg_waiter *w, struct list_head *head)
{
	struct xmsg_waiter *pos;

	w->task = current;
	w->state = XMSG_WAITER_PENDING;
	w->prio = min(current->normal_prio, MAX_RT_PRIO);
	list_for_each_entry_reverse(pos, head, link) {
		if (pos->prio <= w->prio) {
			list_add(&w->link, &pos->link);
			return;
		}
	}
	list_add(&w->link, head);
}

/**
 * __xmsg_waiter_claim - choose a waiter to be woken with @result
 * @w: waiter, on its object's wait list
 * @wake: the caller's wake list, woken by xmsg_waiters_wake() later
 * @result: what xmsg_waiter_wait() returns to the waiter
 *
 * Context: the object lock of @w held.
 */
void __xmsg_waiter_claim(struct xmsg_waiter *w, struct list_head *wake,
			 int result)
{
	list_move_tail(&w->link, wake);
	w->result = result;
	w->state = XMSG_WAITER_CLAIMED;
	if (w->start_ns)	/* the waiter measures its claim latency */
		w->claimed_ns = local_clock();
}

/**
 * xmsg_waiters_wake - publish the results of claimed waiters, wake them
 * @wake: list built by __xmsg_waiter_claim()
 *
 * The woken tasks run (or preempt the caller) once all of them (or each
 * batch of XMSG_WAKE_BATCH) are woken.
 *
 * Context: any context, no object lock held.
 */
void xmsg_waiters_wake(struct list_head *wake)
{
	struct xmsg_waiter *w, *next;
	struct task_struct *t;
	unsigned int n = 0;

	/*
	 * As the kernel's rwsem does around wake_up_q(): a woken task must
	 * not preempt us before the others are woken too (on one CPU a
	 * broadcast to 8 would cost 16 context switches instead of 9).
	 * Preemption is let through every XMSG_WAKE_BATCH wake-ups.
	 */
	preempt_disable();
	list_for_each_entry_safe(w, next, wake, link) {
		t = w->task;
		get_task_struct(t);
		/* XMSG_WAKE_BARRIER: @w may vanish after this store. */
		smp_store_release(&w->state, XMSG_WAITER_DONE);
		wake_up_process(t);
		put_task_struct(t);
		if (!(++n % XMSG_WAKE_BATCH)) {
			preempt_enable();
			preempt_disable();
		}
	}
	preempt_enable();
}

/* A waker claimed @w and is about to publish DONE; wait for it. */
static int xmsg_waiter_done(struct xmsg_waiter *w)
{
	for (;;) {
		set_current_state(TASK_UNINTERRUPTIBLE);
		/* XMSG_WAKE_BARRIER */
		if (smp_load_acquire(&w->state) == XMSG_WAITER_DONE)
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
	return w->result;
}

/*
 * Spin (up to @w->spin_ns, preemption enabled) while @w may still be
 * claimed soon: by a waker running on another CPU, since ours has nothing
 * else to run.  Stops at need_resched(), a signal, or another runnable task
 * here.  XMSG_WAKE_BARRIER: true once DONE is seen.
 */
static bool xmsg_waiter_spin(struct xmsg_waiter *w)
{
	u64 end = local_clock() + w->spin_ns;
	unsigned int i = 0;

	for (;;) {
		/* XMSG_WAKE_BARRIER */
		if (smp_load_acquire(&w->state) == XMSG_WAITER_DONE)
			return true;
		if (need_resched() || signal_pending(current))
			return false;
		if (!(++i & 15) &&
		    (local_clock() > end || !single_task_running()))
			return false;
		cpu_relax();
	}
}

/**
 * xmsg_waiter_wait - sleep until claimed, signalled or timed out
 * @w: waiter, queued by __xmsg_waiter_queue()
 * @lock: the object lock, held (taken with spin_lock_irqsave(@flags))
 * @flags: the saved interrupt state of @lock
 * @timeout: the CLOCK_MONOTONIC time to give up at (> 0), or
 *	XMSG_WAIT_FOREVER
 *
 * Sleeps as wq_sleep() of ipc/mqueue.c does: the task state is set before
 * @lock is dropped, so a waker that claims @w after the unlock cannot be
 * missed; the sleep is on an absolute high-resolution timer with no slack
 * (schedule_hrtimeout_range()), so a timed-out wait never returns before
 * @timeout, and after a spurious wake-up it sleeps again to the same time.
 *
 * With @w->spin_ns set, and more than one CPU online and nothing else to
 * run on this one, it first spins (still on the wait list, lock dropped,
 * preemption enabled) for at most @w->spin_ns, in case the waker is
 * running on another CPU and comes soon: a wake-up and two context
 * switches saved.  @w->spun tells whether that happened.
 *
 * Context: process context; @lock held on entry and dropped on return.
 * Return: @w->result if a waker claimed @w (even when a signal or the
 * timeout came too), -ERESTARTSYS on a signal, -ETIMEDOUT on timeout; in
 * the last two cases @w is off the wait list.
 */
int xmsg_waiter_wait(struct xmsg_waiter *w, spinlock_t *lock,
		     unsigned long flags, ktime_t timeout)
	__releases(lock)
{
	ktime_t *expires = timeout == XMSG_WAIT_FOREVER ? NULL : &timeout;
	bool expired;
	int err;

	w->spun = false;
	if (w->spin_ns && num_online_cpus() > 1 && single_task_running()) {
		spin_unlock_irqrestore(lock, flags);
		w->spun = xmsg_waiter_spin(w);
		if (w->spun)
			return w->result;
		spin_lock_irqsave(lock, flags);
		if (w->state != XMSG_WAITER_PENDING) {
			spin_unlock_irqrestore(lock, flags);
			return xmsg_waiter_done(w);
		}
	}
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		spin_unlock_irqrestore(lock, flags);
		expired = !schedule_hrtimeout_range(expires, 0,
						    HRTIMER_MODE_ABS);
		/* XMSG_WAKE_BARRIER */
		if (smp_load_acquire(&w->state) == XMSG_WAITER_DONE)
			return w->result;
		spin_lock_irqsave(lock, flags);
		if (w->state != XMSG_WAITER_PENDING) {
			spin_unlock_irqrestore(lock, flags);
			return xmsg_waiter_done(w);
		}
		if (signal_pending(current)) {
			err = -ERESTARTSYS;
			break;
		}
		if (expired) {
			err = -ETIMEDOUT;
			break;
		}
	}
	list_del(&w->link);
	spin_unlock_irqrestore(lock, flags);
	__set_current_state(TASK_RUNNING);
	return err;
}

/**
 * __xmsg_waiters_claim_all - choose every waiter of a wait list
 * @waiters: an object's wait list
 * @wake: the caller's wake list
 * @result: what each waiter's xmsg_waiter_wait() returns
 *
 * Context: the object lock of @waiters held.
 */
void __xmsg_waiters_claim_all(struct list_head *waiters,
			      struct list_head *wake, int result)
{
	struct xmsg_waiter *w, *next;

	list_for_each_entry_safe(w, next, waiters, link)
		__xmsg_waiter_claim(w, wake, result);
}

/**
 * __xmsg_waiter_ids - who waits first on a wait list
 * @waiters: an object's wait list (struct xmsg_waiter.link)
 * @ns: the PID namespace to give the IDs in
 * @pid: out: the first waiter's thread group ID in @ns (0: not visible)
 * @tid: out: its thread ID in @ns (0: not visible)
 *
 * A waiter on the list is asleep in xmsg_waiter_wait() (or about to be),
 * so its task is alive.
 *
 * Context: the object lock of @waiters held.
 * Return: whether anyone waits.
 */
bool __xmsg_waiter_ids(struct list_head *waiters, struct pid_namespace *ns,
		       pid_t *pid, pid_t *tid)
{
	struct xmsg_waiter *w;

	w = list_first_entry_or_null(waiters, struct xmsg_waiter, link);
	if (!w)
		return false;
	*pid = task_tgid_nr_ns(w->task, ns);
	*tid = task_pid_nr_ns(w->task, ns);
	return true;
}
