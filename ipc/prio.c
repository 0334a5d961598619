// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg priority passing: a receiver at a pass exchange created with
 * XMSG_XCHG_PASS_SCHED runs at a scheduling priority derived from the
 * priority (0-31) of the message it received, until its next receive at
 * that exchange or the exchange's destruction.
 *
 * The mapping (xmsg_prio_pass_map()) only ever raises the thread's
 * priority, and never beyond what the thread could set itself with
 * setpriority() or sched_setscheduler():
 * - SCHED_OTHER and SCHED_BATCH threads: the nice value drops by
 *   prio / XMSG_PASS_NICE_DIV (prio 31: 15 steps), but not below the
 *   floor RLIMIT_NICE allows (MIN_NICE with CAP_SYS_NICE), as can_nice()
 *   checks;
 * - SCHED_FIFO and SCHED_RR threads: the real-time priority rises by
 *   prio, but not above RLIMIT_RTPRIO or the thread's own priority,
 *   whichever is higher (MAX_RT_PRIO - 1 with CAP_SYS_NICE), as the user
 *   checks of sched_setscheduler() allow;
 * - SCHED_IDLE and SCHED_DEADLINE threads are left alone.
 * The thread keeps its policy.
 *
 * What a receiver had before a passed priority, and what was set, is kept
 * in a record (struct xmsg_prio_rec) on the exchange.  The next receive at
 * that exchange by the same thread (whatever it returns) puts the
 * thread's own priority back before it looks for a message, and so does
 * the destruction of the exchange.  If the thread's priority was changed
 * meanwhile by someone else (it is no longer what xmsg set), the change
 * is kept and nothing is restored.
 *
 * Locking
 * -------
 * The records hang on @xmsg_xchg.passed, protected by @xmsg_xchg.lock.
 * Priorities are changed with no lock held: the exported scheduler calls
 * (set_user_nice(), sched_setattr_nocheck()) may sleep.
 */
#include <linux/capability.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/sched/prio.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <uapi/linux/sched/types.h>
#include "xmsg_ipc_priv.h"

/* A message priority lowers the nice value by prio / XMSG_PASS_NICE_DIV. */
#define XMSG_PASS_NICE_DIV	2

/**
 * struct xmsg_prio_rec - a receiver running at a passed priority
 * @link: on @xmsg_xchg.passed
 * @task: the receiver, with a reference
 * @own: its priority before, to restore
 * @set: the priority xmsg gave it
 */
struct xmsg_prio_rec {
	struct list_head link;
	struct task_struct *task;
	struct xmsg_sched own;
	struct xmsg_sched set;
};

static bool xmsg_prio_nice_policy(u32 policy)
{
	return policy == SCHED_NORMAL || policy == SCHED_BATCH;
}

static bool xmsg_prio_rt_policy(u32 policy)
{
	return policy == SCHED_FIFO || policy == SCHED_RR;
}

/**
 * xmsg_prio_pass_map() - the scheduling priority a message priority gives
 * @own: the thread's own policy and priority
 * @prio: the message's priority, 0 to XMSG_MSG_PRIO_MAX (larger values
 *	are taken as XMSG_MSG_PRIO_MAX)
 * @lim: what the thread may set itself (see xmsg_prio_limits())
 * @out: the priority to run at; equal to @own when nothing changes
 *
 * A pure function (see the file comment for the rules); exported for
 * the KUnit suite.
 *
 * Context: any context.
 * Return: true when @out differs from @own.
 */
bool xmsg_prio_pass_map(const struct xmsg_sched *own, u8 prio,
			const struct xmsg_sched_limits *lim,
			struct xmsg_sched *out)
{
	int floor, ceil;

	*out = *own;
	prio = min_t(u8, prio, XMSG_MSG_PRIO_MAX);
	if (xmsg_prio_nice_policy(own->policy)) {
		floor = clamp(lim->min_nice, MIN_NICE, MAX_NICE);
		out->nice = max(own->nice - prio / XMSG_PASS_NICE_DIV, floor);
		out->nice = min(out->nice, own->nice);
	} else if (xmsg_prio_rt_policy(own->policy)) {
		ceil = max(lim->max_rt_prio, own->rt_prio);
		ceil = min(ceil, MAX_RT_PRIO - 1);
		out->rt_prio = max(min(own->rt_prio + prio, ceil),
				   own->rt_prio);
	}
	return out->nice != own->nice || out->rt_prio != own->rt_prio;
}
EXPORT_SYMBOL_NS_GPL(xmsg_prio_pass_map, XMSG_NS);

static void xmsg_prio_get(struct task_struct *t, struct xmsg_sched *s)
{
	s->policy = READ_ONCE(t->policy);
	s->nice = task_nice(t);
	s->rt_prio = READ_ONCE(t->rt_priority);
}

/* What @t may set itself: the checks of can_nice() and sched_setscheduler(). */
static void xmsg_prio_limits(struct task_struct *t,
			     struct xmsg_sched_limits *lim)
{
	unsigned long nice_rlim = task_rlimit(t, RLIMIT_NICE);
	unsigned long rt_rlim = task_rlimit(t, RLIMIT_RTPRIO);

	if (has_capability_noaudit(t, CAP_SYS_NICE)) {
		lim->min_nice = MIN_NICE;
		lim->max_rt_prio = MAX_RT_PRIO - 1;
		return;
	}
	/* can_nice(): nice n needs RLIMIT_NICE >= 20 - n */
	lim->min_nice = rlimit_to_nice(min_t(unsigned long, nice_rlim,
					     MAX_NICE - MIN_NICE + 1));
	lim->max_rt_prio = min_t(unsigned long, rt_rlim, MAX_RT_PRIO - 1);
}

static void xmsg_prio_set(struct task_struct *t, const struct xmsg_sched *s)
{
	struct sched_attr attr = {
		.size = sizeof(attr),
		.sched_policy = s->policy,
		.sched_priority = s->rt_prio,
	};

	if (xmsg_prio_nice_policy(s->policy)) {
		set_user_nice(t, s->nice);
		return;
	}
	if (t->sched_reset_on_fork)
		attr.sched_flags |= SCHED_FLAG_RESET_ON_FORK;
	if (sched_setattr_nocheck(t, &attr))
		pr_warn_ratelimited("xmsg: cannot set the priority of %d\n",
				    task_pid_nr(t));
}

/* Give @rec's task its own priority back, if it still has ours; free @rec. */
static void xmsg_prio_rec_restore(struct xmsg_prio_rec *rec)
{
	struct task_struct *t = rec->task;
	struct xmsg_sched now;

	xmsg_prio_get(t, &now);
	if (!(t->flags & PF_EXITING) && now.policy == rec->set.policy &&
	    now.nice == rec->set.nice && now.rt_prio == rec->set.rt_prio)
		xmsg_prio_set(t, &rec->own);
	put_task_struct(t);
	kfree(rec);
}

/**
 * xmsg_prio_restore_list() - restore and free the records on a list
 * @recs: records taken off an exchange
 *
 * Context: process context, no exchange lock held.
 */
void xmsg_prio_restore_list(struct list_head *recs)
{
	struct xmsg_prio_rec *rec, *next;

	list_for_each_entry_safe(rec, next, recs, link) {
		list_del(&rec->link);
		xmsg_prio_rec_restore(rec);
	}
}

/**
 * xmsg_prio_restore() - a receiver at @xchg gets its own priority back
 * @xchg: an exchange created with XMSG_XCHG_PASS_SCHED
 *
 * Also drops the records of threads that exited.
 *
 * Context: process context, may sleep; no exchange lock held.
 */
void xmsg_prio_restore(struct xmsg_xchg *xchg)
{
	struct xmsg_prio_rec *rec, *next;
	unsigned long flags;
	LIST_HEAD(recs);

	spin_lock_irqsave(&xchg->lock, flags);
	list_for_each_entry_safe(rec, next, &xchg->passed, link) {
		if (rec->task == current || (rec->task->flags & PF_EXITING))
			list_move_tail(&rec->link, &recs);
	}
	spin_unlock_irqrestore(&xchg->lock, flags);
	xmsg_prio_restore_list(&recs);
}

/**
 * xmsg_prio_pass() - run the current thread at a message's priority
 * @xchg: an exchange created with XMSG_XCHG_PASS_SCHED, where the thread
 *	has just received a message (and has no record: xmsg_prio_restore()
 *	came first)
 * @prio: the message's priority
 *
 * Nothing happens when the mapping leaves the thread's priority as it is,
 * or when the record cannot be allocated (the thread then keeps its own
 * priority; the message is received all the same).
 *
 * Context: process context, may sleep; no exchange lock held.
 */
void xmsg_prio_pass(struct xmsg_xchg *xchg, u8 prio)
{
	struct xmsg_sched_limits lim;
	struct xmsg_prio_rec *rec;
	struct xmsg_sched own, set;
	unsigned long flags;
	bool dead;

	xmsg_prio_get(current, &own);
	xmsg_prio_limits(current, &lim);
	if (!xmsg_prio_pass_map(&own, prio, &lim, &set))
		return;
	rec = kmalloc(sizeof(*rec), GFP_KERNEL_ACCOUNT);
	if (!rec)
		return;
	rec->task = get_task_struct(current);
	rec->own = own;
	rec->set = set;
	/*
	 * Set first, publish after: a destroy that took the records before
	 * ours went on would not restore us, so a dead exchange is seen here
	 * and we restore ourselves.
	 */
	xmsg_prio_set(current, &set);
	spin_lock_irqsave(&xchg->lock, flags);
	dead = xchg->dead;
	if (!dead)
		list_add_tail(&rec->link, &xchg->passed);
	spin_unlock_irqrestore(&xchg->lock, flags);
	if (dead)
		xmsg_prio_rec_restore(rec);
}
