// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg mm: owners of block and message control blocks.
 *
 * Every BCB and MCB records its owner and sits on that owner's list, so
 * an owner (an open file of /dev/xmsg, or a kernel user) can release all
 * it holds in O(owned) without scanning any pool.
 *
 * Locking: owner->lock protects the owner's lists, its count and the
 * ->owner field of the control blocks on them (written with WRITE_ONCE():
 * callers read a message's owner without the lock to check who holds it).
 * It is a plain spinlock, interrupts left on (xmsg_owner_lock() in
 * mm_internal.h): a control block with an owner is got, made, moved,
 * unmade and released in task context only, never in IRQ or softirq
 * context, so no interrupt handler can spin on it.  Masking interrupts
 * cost more than the rest of an owner's list update.  No other lock of
 * xmsg is taken while it is held, and only one owner lock is held at a
 * time.  Releasing the control blocks happens after the lock is dropped.
 */
#include <linux/module.h>
#include <linux/sched.h>
#include "mm_internal.h"

/**
 * xmsg_owner_init() - initialise an owner
 * @owner: the owner to set up, owning nothing
 * @name: for warnings and debugging (not copied)
 *
 * Context: any context.  The owner may then be used in task context only
 * (see the Locking comment above).
 * Return: nothing.
 */
void xmsg_owner_init(struct xmsg_owner *owner, const char *name)
{
	spin_lock_init(&owner->lock);
	INIT_LIST_HEAD(&owner->bcbs);
	INIT_LIST_HEAD(&owner->msgs);
	owner->nr = 0;
	owner->name = name;
}
EXPORT_SYMBOL_NS_GPL(xmsg_owner_init, XMSG_NS);

void xmsg_owner_add_bcb(struct xmsg_owner *owner, struct xmsg_bcb *bcb)
{
	bcb->owner = owner;
	if (!owner) {
		INIT_LIST_HEAD(&bcb->owner_link);
		return;
	}
	xmsg_owner_lock(owner);
	list_add_tail(&bcb->owner_link, &owner->bcbs);
	owner->nr++;
	xmsg_owner_unlock(owner);
}

static void __xmsg_owner_del_bcb(struct xmsg_owner *owner,
				 struct xmsg_bcb *bcb)
	__must_hold(&owner->lock)
{
	lockdep_assert_held(&owner->lock);
	list_del_init(&bcb->owner_link);
	owner->nr--;
	bcb->owner = NULL;
}

void xmsg_owner_del_bcb(struct xmsg_bcb *bcb)
{
	struct xmsg_owner *owner = bcb->owner;

	if (!owner)
		return;
	xmsg_owner_lock(owner);
	__xmsg_owner_del_bcb(owner, bcb);
	xmsg_owner_unlock(owner);
}

static struct xmsg_bcb *xmsg_owner_pop_bcb(struct xmsg_owner *owner)
{
	struct xmsg_bcb *bcb;

	xmsg_owner_lock(owner);
	bcb = list_first_entry_or_null(&owner->bcbs, struct xmsg_bcb,
				       owner_link);
	if (bcb)
		__xmsg_owner_del_bcb(owner, bcb);
	xmsg_owner_unlock(owner);
	return bcb;
}

static struct xmsg_msg *xmsg_owner_pop_msg(struct xmsg_owner *owner)
{
	struct xmsg_msg *msg;

	xmsg_owner_lock(owner);
	msg = list_first_entry_or_null(&owner->msgs, struct xmsg_msg,
				       owner_link);
	if (msg)
		__xmsg_owner_del_msg(owner, msg);
	xmsg_owner_unlock(owner);
	return msg;
}

/**
 * xmsg_owner_release_all() - release every control block an owner holds
 * @owner: the owner (e.g. a /dev/xmsg file being closed)
 *
 * Each standard block goes back to its pool with its BCB; each message is
 * released as by xmsg_msg_rel() (a real message with live proxies stays
 * dead until its last proxy goes; a proxy drops its body reference).  The
 * caller must make sure nobody else releases or moves this owner's control
 * blocks at the same time (e.g. no ioctl in flight on the file).  Takes
 * O(owned) time and looks at no pool.
 *
 * Context: process context; may sleep between control blocks.
 * Return: nothing.
 */
void xmsg_owner_release_all(struct xmsg_owner *owner)
{
	struct xmsg_bcb *bcb;
	struct xmsg_msg *msg;

	if (!owner)
		return;
	might_sleep();
	while ((bcb = xmsg_owner_pop_bcb(owner))) {
		xmsg_bcb_rel(bcb);
		cond_resched();
	}
	while ((msg = xmsg_owner_pop_msg(owner))) {
		xmsg_msg_rel(msg);
		cond_resched();
	}
}
EXPORT_SYMBOL_NS_GPL(xmsg_owner_release_all, XMSG_NS);
