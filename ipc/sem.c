// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg semaphores: counting, threshold and gate.
 *
 * - counting: a signal adds one to the count, a wait takes one (a
 *   threshold semaphore with threshold 1);
 * - threshold: signals add to the count; when it
 *   reaches the threshold the first waiter is released and the threshold
 *   is taken off the count; with nobody waiting the count stays and the
 *   next waiter passes at once;
 * - gate: a signal releases every task waiting now;
 *   with nobody waiting it is lost.  A gate has no count.
 *
 * A signal to a counting or threshold semaphore with waiters hands the
 * count straight to the first waiter -- the highest scheduling priority
 * one, FIFO among equals (waiter.c) -- which then returns 0 even if a
 * signal or its timeout arrives at the same moment.
 *
 * Locking
 * -------
 * @xmsg_sem.lock (spinlock, taken irqsave: xmsg_sem_signal() may be called
 * from any context, hard IRQ included) protects the count, the wait list,
 * the counters and @dead.  Waiters are woken after it is dropped
 * (xmsg_waiters_wake(), XMSG_WAKE_BARRIER in waiter.c).  A waiting task
 * holds a reference on the semaphore.  The list of all semaphores (for
 * debugfs) is protected by xmsg_sem_list_lock (mutex).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "xmsg_ipc_priv.h"
#include <xmsg/trace.h>

/**
 * struct xmsg_sem - a semaphore
 * @obj: reference counted head; first member
 * @lock: protects the members below marked so
 * @kind: u32
 * @dead: destroyed.  Protected by @lock.
 * @count: current count (0 for a gate).  Protected by @lock.
 * @threshold: count a waiter takes (1 for counting, 0 for a gate)
 * @waiters: waiting tasks (struct xmsg_waiter), highest scheduling
 *	priority first, FIFO among equals.  Protected by @lock.
 * @signals: signals so far.  Protected by @lock.
 * @poll_wq: poll() waiters; woken with the lock dropped
 * @all: on xmsg_sem_list.  Protected by xmsg_sem_list_lock.
 * @rcu: RCU-delayed free (wake_up_pollfree() needs it)
 * @name: for debugfs
 */
struct xmsg_sem {
	struct xmsg_obj obj;
	spinlock_t lock;	/* see Locking above */
	u32 kind;
	bool dead;
	u32 count;
	u32 threshold;
	struct list_head waiters;
	u64 signals;
	wait_queue_head_t poll_wq;
	struct list_head all;
	struct rcu_head rcu;
	char name[XMSG_NAME_MAX];
};

static LIST_HEAD(xmsg_sem_list);
static DEFINE_MUTEX(xmsg_sem_list_lock);

static const char * const xmsg_sem_kind_names[] = {
	[XMSG_SEM_KIND_COUNT] = "count",
	[XMSG_SEM_KIND_THRESHOLD] = "threshold",
	[XMSG_SEM_KIND_GATE] = "gate",
};

/**
 * xmsg_sem_create - create a semaphore
 * @name: name for debugfs, may be NULL (truncated to 31 characters)
 * @kind: XMSG_SEM_KIND_COUNT, XMSG_SEM_KIND_THRESHOLD or XMSG_SEM_KIND_GATE
 * @count: initial count; ignored by a gate
 * @threshold: XMSG_SEM_KIND_THRESHOLD: count that releases a waiter, >= 1;
 *	ignored by the other kinds
 *
 * The caller holds the creator's reference, dropped by xmsg_sem_destroy().
 *
 * Context: process context, may sleep.
 * Return: the semaphore, ERR_PTR(-EINVAL) for a bad @kind or a threshold
 * semaphore with @threshold 0, ERR_PTR(-ENOMEM).
 */
struct xmsg_sem *xmsg_sem_create(const char *name, u32 kind,
				 u32 count, u32 threshold)
{
	struct xmsg_sem *sem;

	if (kind > XMSG_SEM_KIND_GATE ||
	    (kind == XMSG_SEM_KIND_THRESHOLD && !threshold))
		return ERR_PTR(-EINVAL);
	sem = kzalloc(sizeof(*sem), GFP_KERNEL_ACCOUNT);
	if (!sem)
		return ERR_PTR(-ENOMEM);
	kref_init(&sem->obj.ref);
	sem->obj.type = XMSG_TYPE_SEM;
	spin_lock_init(&sem->lock);
	sem->kind = kind;
	sem->count = kind == XMSG_SEM_KIND_GATE ? 0 : count;
	sem->threshold = kind == XMSG_SEM_KIND_THRESHOLD ? threshold :
			 kind == XMSG_SEM_KIND_COUNT ? 1 : 0;
	INIT_LIST_HEAD(&sem->waiters);
	init_waitqueue_head(&sem->poll_wq);
	strscpy(sem->name, name ?: "", sizeof(sem->name));

	mutex_lock(&xmsg_sem_list_lock);
	list_add_tail(&sem->all, &xmsg_sem_list);
	mutex_unlock(&xmsg_sem_list_lock);
	return sem;
}
EXPORT_SYMBOL_NS_GPL(xmsg_sem_create, XMSG_NS);

/**
 * xmsg_sem_destroy - destroy a semaphore
 * @sem: the semaphore, or NULL (no-op)
 *
 * Marks it dead, wakes every waiter with -EIDRM and pollers with
 * EPOLLERR | EPOLLHUP, and drops the creator's reference.  Destroying
 * twice is a caller bug; the second call only warns.
 *
 * Context: process context, may sleep.
 */
void xmsg_sem_destroy(struct xmsg_sem *sem)
{
	struct xmsg_waiter *w, *next;
	unsigned long flags;
	LIST_HEAD(wake);

	if (!sem)
		return;
	might_sleep();
	spin_lock_irqsave(&sem->lock, flags);
	if (sem->dead) {
		spin_unlock_irqrestore(&sem->lock, flags);
		pr_warn_ratelimited("semaphore %s destroyed twice\n",
				    sem->name);
		return;
	}
	sem->dead = true;
	list_for_each_entry_safe(w, next, &sem->waiters, link)
		__xmsg_waiter_claim(w, &wake, -EIDRM);
	spin_unlock_irqrestore(&sem->lock, flags);

	xmsg_waiters_wake(&wake);
	wake_up_interruptible_poll(&sem->poll_wq, EPOLLERR | EPOLLHUP);
	mutex_lock(&xmsg_sem_list_lock);
	list_del(&sem->all);
	mutex_unlock(&xmsg_sem_list_lock);
	xmsg_obj_put(&sem->obj);
}
EXPORT_SYMBOL_NS_GPL(xmsg_sem_destroy, XMSG_NS);

/* Last reference gone (xmsg_obj_put()); any context. */
void xmsg_sem_free(struct xmsg_obj *obj)
{
	struct xmsg_sem *sem = container_of(obj, struct xmsg_sem, obj);

	if (!READ_ONCE(sem->dead))
		pr_warn_ratelimited("semaphore %s freed alive\n",
				    sem->name);
	wake_up_pollfree(&sem->poll_wq);
	kfree_rcu(sem, rcu);
}

bool xmsg_sem_dead(struct xmsg_sem *sem)
{
	return READ_ONCE(sem->dead);
}

/**
 * xmsg_sem_obj - the object head of a semaphore
 * @sem: the semaphore
 *
 * Context: any context.
 * Return: &sem->obj, for xmsg_obj_get()/xmsg_obj_put() and reply handles.
 */
struct xmsg_obj *xmsg_sem_obj(struct xmsg_sem *sem)
{
	return &sem->obj;
}
EXPORT_SYMBOL_NS_GPL(xmsg_sem_obj, XMSG_NS);

/**
 * xmsg_obj_sem - the semaphore an object head belongs to
 * @obj: an object head, or NULL
 *
 * Context: any context.
 * Return: the semaphore, or NULL when @obj is NULL or not a semaphore.
 */
struct xmsg_sem *xmsg_obj_sem(struct xmsg_obj *obj)
{
	if (!obj || obj->type != XMSG_TYPE_SEM)
		return NULL;
	return container_of(obj, struct xmsg_sem, obj);
}
EXPORT_SYMBOL_NS_GPL(xmsg_obj_sem, XMSG_NS);

/* Would a wait succeed at once? */
static bool __xmsg_sem_ready(struct xmsg_sem *sem)
{
	lockdep_assert_held(&sem->lock);
	return sem->kind != XMSG_SEM_KIND_GATE && sem->count >= sem->threshold;
}

/* Returns true when the count is left ready for a later waiter or poll. */
static bool __xmsg_sem_signal(struct xmsg_sem *sem, struct list_head *wake)
{
	struct xmsg_waiter *w, *next;

	lockdep_assert_held(&sem->lock);
	sem->signals++;
	if (sem->kind == XMSG_SEM_KIND_GATE) {
		list_for_each_entry_safe(w, next, &sem->waiters, link)
			__xmsg_waiter_claim(w, wake, 0);
		return false;
	}
	sem->count++;
	w = list_first_entry_or_null(&sem->waiters, struct xmsg_waiter, link);
	if (w && __xmsg_sem_ready(sem)) {
		sem->count -= sem->threshold;
		__xmsg_waiter_claim(w, wake, 0);
	}
	return __xmsg_sem_ready(sem);
}

/**
 * xmsg_sem_signal - signal a semaphore
 * @sem: the semaphore
 *
 * Counting: adds one to the count or releases the first waiter (the
 * highest priority one, FIFO among equals).
 * Threshold: adds one; when the count reaches the threshold and a task
 * waits, the first waiter is released and the threshold taken off.
 * Gate: releases every task waiting now; lost when none waits.
 *
 * Context: any context, hard IRQ included.
 * Return: 0; -EINVAL for NULL @sem; -EIDRM when destroyed; -EOVERFLOW
 * when the count is at U32_MAX (nothing changed).
 */
int xmsg_sem_signal(struct xmsg_sem *sem)
{
	unsigned long flags;
	LIST_HEAD(wake);
	bool ready;

	if (!sem)
		return -EINVAL;
	spin_lock_irqsave(&sem->lock, flags);
	if (sem->dead || sem->count == U32_MAX) {
		spin_unlock_irqrestore(&sem->lock, flags);
		return sem->dead ? -EIDRM : -EOVERFLOW;
	}
	ready = __xmsg_sem_signal(sem, &wake);
	trace_xmsg_sem_signal(sem->name, sem->count, !list_empty(&wake));
	spin_unlock_irqrestore(&sem->lock, flags);

	xmsg_waiters_wake(&wake);
	/* wq_has_sleeper() orders the count change before the check. */
	if (ready && wq_has_sleeper(&sem->poll_wq))
		wake_up_interruptible_poll(&sem->poll_wq, EPOLLIN | EPOLLRDNORM);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(xmsg_sem_signal, XMSG_NS);

/**
 * xmsg_sem_wait - wait at a semaphore
 * @sem: the semaphore; the caller holds a reference
 * @timeout: 0 never blocks, XMSG_WAIT_FOREVER waits for ever, else the
 *	CLOCK_MONOTONIC time to give up at (see xmsg_wait_ns())
 *
 * Counting and threshold: passes at once when the count is at least the
 * threshold (taking it off), else waits for signals.  Gate: waits for the
 * next signal (a gate never passes without waiting).
 *
 * Context: process context, may sleep, when @timeout != 0; a non-blocking
 * wait may be called from any context.
 * Return: 0; -EINVAL for NULL @sem or negative @timeout; -EAGAIN when
 * @timeout is 0 and the semaphore is not ready (always for a gate);
 * -ETIMEDOUT; -ERESTARTSYS on a signal; -EIDRM when the semaphore is or
 * gets destroyed.
 */
int xmsg_sem_wait(struct xmsg_sem *sem, ktime_t timeout)
{
	struct xmsg_waiter w = {};
	unsigned long flags;
	int ret;

	if (!sem || timeout < 0)
		return -EINVAL;
	if (timeout)
		might_sleep();
	spin_lock_irqsave(&sem->lock, flags);
	if (sem->dead) {
		ret = -EIDRM;
	} else if (__xmsg_sem_ready(sem)) {
		sem->count -= sem->threshold;
		ret = 0;
	} else if (!timeout) {
		ret = -EAGAIN;
	} else {
		__xmsg_waiter_queue(&w, &sem->waiters);
		xmsg_obj_get(&sem->obj);
		ret = xmsg_waiter_wait(&w, &sem->lock, flags, timeout);
		xmsg_obj_put(&sem->obj);
		trace_xmsg_sem_wait(sem->name, ret);
		return ret;
	}
	spin_unlock_irqrestore(&sem->lock, flags);
	trace_xmsg_sem_wait(sem->name, ret);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(xmsg_sem_wait, XMSG_NS);

/*
 * Take both locks, in address order (@a != @b), so that two tasks that
 * signal-and-wait on the same pair in opposite roles cannot deadlock.
 * The saved interrupt state is the first lock's.
 */
static void xmsg_sem_lock_pair(struct xmsg_sem *a, struct xmsg_sem *b,
			       unsigned long *flags)
	__acquires(&a->lock) __acquires(&b->lock)
{
	if (a > b)
		swap(a, b);
	spin_lock_irqsave(&a->lock, *flags);
	spin_lock_nested(&b->lock, SINGLE_DEPTH_NESTING);
}

/* Checks and the signal of xmsg_sem_signal_wait(), both locks held. */
static int __xmsg_sem_signal_wait_start(struct xmsg_sem *sig,
					struct xmsg_sem *wait,
					ktime_t timeout, struct list_head *wake,
					bool *ready)
{
	lockdep_assert_held(&sig->lock);
	lockdep_assert_held(&wait->lock);
	if (sig->dead || wait->dead)
		return -EIDRM;
	if (sig->count == U32_MAX)
		return -EOVERFLOW;
	if (!timeout && !__xmsg_sem_ready(wait))
		return -EAGAIN;
	*ready = __xmsg_sem_signal(sig, wake);
	trace_xmsg_sem_signal(sig->name, sig->count, !list_empty(wake));
	return 0;
}

/**
 * xmsg_sem_signal_wait - signal one semaphore and wait at another, atomically
 * @sig: the semaphore to signal
 * @wait: the semaphore to wait at (not @sig); the caller holds a reference
 * @timeout: as for xmsg_sem_wait()
 * @signalled: out: whether @sig was signalled (also when the wait then
 *	fails: timeout, signal, @wait destroyed)
 *
 * With both semaphores locked, @sig is signalled and the caller is queued
 * at @wait (or passes it at once when it is ready): whoever is released
 * by the signal finds the caller already waiting at @wait.  This closes
 * the race of the broadcast protocol: a slave that signals "done" and
 * then waits at a gate could miss the gate's signal (lost, with nobody
 * waiting) if the master ran in between.  The tasks released by @sig are
 * woken before the caller sleeps, while @wait's lock is still held (so
 * the caller cannot be claimed before it sleeps).
 *
 * With @timeout 0 nothing happens unless @wait is ready at once (-EAGAIN;
 * always for a gate).  An error before the signal changes nothing.
 *
 * Context: process context, may sleep when @timeout != 0.
 * Return: 0 (signalled and passed @wait); -EINVAL for NULL or equal
 * semaphores or a negative @timeout; -EIDRM when either is destroyed;
 * -EOVERFLOW when @sig's count is at U32_MAX; -EAGAIN; then, with
 * *@signalled set: -ETIMEDOUT, -ERESTARTSYS, -EIDRM (@wait destroyed
 * while waiting), -ECANCELED (@wait cleared, xmsg_sem_clear()).
 */
int xmsg_sem_signal_wait(struct xmsg_sem *sig, struct xmsg_sem *wait,
			 ktime_t timeout, bool *signalled)
{
	struct xmsg_waiter w = {};
	bool ready = false;
	unsigned long flags;
	LIST_HEAD(wake);
	int ret;

	*signalled = false;
	if (!sig || !wait || sig == wait || timeout < 0)
		return -EINVAL;
	if (timeout)
		might_sleep();
	xmsg_sem_lock_pair(sig, wait, &flags);
	ret = __xmsg_sem_signal_wait_start(sig, wait, timeout, &wake, &ready);
	spin_unlock(&sig->lock);
	if (ret) {
		spin_unlock_irqrestore(&wait->lock, flags);
		return ret;
	}
	*signalled = true;
	/* the released tasks need neither lock; ours keeps @w unclaimed */
	xmsg_waiters_wake(&wake);
	if (ready && wq_has_sleeper(&sig->poll_wq))
		wake_up_interruptible_poll(&sig->poll_wq, EPOLLIN | EPOLLRDNORM);
	if (__xmsg_sem_ready(wait)) {
		wait->count -= wait->threshold;
		spin_unlock_irqrestore(&wait->lock, flags);
		trace_xmsg_sem_wait(wait->name, 0);
		return 0;
	}
	__xmsg_waiter_queue(&w, &wait->waiters);
	xmsg_obj_get(&wait->obj);
	ret = xmsg_waiter_wait(&w, &wait->lock, flags, timeout);
	xmsg_obj_put(&wait->obj);
	trace_xmsg_sem_wait(wait->name, ret);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(xmsg_sem_signal_wait, XMSG_NS);

/**
 * xmsg_sem_clear - reset a semaphore: count 0, every waiter cancelled
 * @sem: the semaphore
 *
 * Every task waiting at @sem returns -ECANCELED (an errno no other path
 * of a wait returns); the semaphore stays usable.
 *
 * Context: any context (no allocation, spinlock irqsave).
 * Return: 0; -EINVAL for NULL @sem; -EIDRM when destroyed.
 */
int xmsg_sem_clear(struct xmsg_sem *sem)
{
	unsigned long flags;
	LIST_HEAD(wake);

	if (!sem)
		return -EINVAL;
	spin_lock_irqsave(&sem->lock, flags);
	if (sem->dead) {
		spin_unlock_irqrestore(&sem->lock, flags);
		return -EIDRM;
	}
	sem->count = 0;
	__xmsg_waiters_claim_all(&sem->waiters, &wake, -ECANCELED);
	spin_unlock_irqrestore(&sem->lock, flags);
	xmsg_waiters_wake(&wake);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(xmsg_sem_clear, XMSG_NS);

/**
 * xmsg_sem_poll - poll a semaphore
 * @sem: the semaphore
 * @file: the file being polled
 * @pt: poll table
 *
 * Context: process context (a file's ->poll()).
 * Return: EPOLLIN | EPOLLRDNORM when a wait would pass at once (never for
 * a gate: it only releases tasks already waiting), EPOLLOUT | EPOLLWRNORM
 * while alive (a signal would succeed), EPOLLERR | EPOLLHUP once
 * destroyed.
 */
__poll_t xmsg_sem_poll(struct xmsg_sem *sem, struct file *file,
		       poll_table *pt)
{
	unsigned long flags;
	__poll_t mask;

	poll_wait(file, &sem->poll_wq, pt);
	spin_lock_irqsave(&sem->lock, flags);
	if (sem->dead)
		mask = EPOLLERR | EPOLLHUP;
	else if (__xmsg_sem_ready(sem))
		mask = EPOLLIN | EPOLLRDNORM | EPOLLOUT | EPOLLWRNORM;
	else
		mask = EPOLLOUT | EPOLLWRNORM;
	spin_unlock_irqrestore(&sem->lock, flags);
	return mask;
}
EXPORT_SYMBOL_NS_GPL(xmsg_sem_poll, XMSG_NS);

/**
 * xmsg_sem_get_stats - a snapshot of a semaphore
 * @sem: the semaphore
 * @st: filled in
 *
 * Context: any context.
 */
void xmsg_sem_get_stats(struct xmsg_sem *sem, struct xmsg_sem_stats *st)
{
	struct xmsg_waiter *w;
	unsigned long flags;

	memset(st, 0, sizeof(*st));
	spin_lock_irqsave(&sem->lock, flags);
	st->kind = sem->kind;
	st->count = sem->count;
	st->threshold = sem->threshold;
	list_for_each_entry(w, &sem->waiters, link)
		st->waiters++;
	st->signals = sem->signals;
	spin_unlock_irqrestore(&sem->lock, flags);
}
EXPORT_SYMBOL_NS_GPL(xmsg_sem_get_stats, XMSG_NS);

/**
 * xmsg_sem_peek - a semaphore and its first waiter, taking nothing
 * @sem: the semaphore
 * @ns: the PID namespace to report the first waiter's IDs in
 * @pk: filled in: one snapshot, under the semaphore lock
 *
 * Context: any context.
 */
void xmsg_sem_peek(struct xmsg_sem *sem, struct pid_namespace *ns,
		   struct xmsg_sem_peek *pk)
{
	struct xmsg_waiter *w;
	unsigned long flags;

	memset(pk, 0, sizeof(*pk));
	spin_lock_irqsave(&sem->lock, flags);
	pk->count = sem->count;
	pk->threshold = sem->threshold;
	list_for_each_entry(w, &sem->waiters, link)
		pk->waiters++;
	pk->has_waiter = __xmsg_waiter_ids(&sem->waiters, ns, &pk->pid,
					   &pk->tid);
	spin_unlock_irqrestore(&sem->lock, flags);
}
EXPORT_SYMBOL_NS_GPL(xmsg_sem_peek, XMSG_NS);

static int xmsg_sem_debugfs_show(struct seq_file *m, void *v)
{
	struct xmsg_sem_stats st;
	struct xmsg_sem *sem;

	seq_puts(m, "name kind count threshold waiters signals\n");
	mutex_lock(&xmsg_sem_list_lock);
	list_for_each_entry(sem, &xmsg_sem_list, all) {
		xmsg_sem_get_stats(sem, &st);
		seq_printf(m, "%s %s %u %u %u %llu\n",
			   sem->name[0] ? sem->name : "-",
			   xmsg_sem_kind_names[st.kind], st.count,
			   st.threshold, st.waiters, st.signals);
	}
	mutex_unlock(&xmsg_sem_list_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(xmsg_sem_debugfs);

struct dentry *xmsg_sem_debugfs_create(struct dentry *root)
{
	return debugfs_create_file("semaphores", 0400, root, NULL,
				   &xmsg_sem_debugfs_fops);
}
