// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg mm: owners of block and message control blocks.
 *
 * Every BCB and MCB records its owner and sits on that owner's list, so
 * an owner (an open file of /dev/xmsg, or a kernel user) can release all
 * it holds in O(owned) without scanning any pool.
 *
 * Locking: owner->lock (spin_lock_irqsave, so control blocks may change
 * hands in any context) protects the owner's lists, its count and the
 * ->owner field of the control blocks on them.  No other lock of xmsg is
 * taken while it is held, and only one owner lock is held at a time.
 * Releasing the control blocks happens after the lock is dropped.
 */
#include <linux/module.h>
#include <linux/sched.h>
#include "mm_internal.h"

/**
 * xmsg_owner_init() - initialise an owner
 * @owner: the owner to set up, owning nothing
 * @name: for warnings and debugging (not copied)
 *
 * Context: any context.
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
	unsigned long flags;

	bcb->owner = owner;
	if (!owner) {
		INIT_LIST_HEAD(&bcb->owner_link);
		return;
	}
	spin_lock_irqsave(&owner->lock, flags);
	list_add_tail(&bcb->owner_link, &owner->bcbs);
	owner->nr++;
	spin_unlock_irqrestore(&owner->lock, flags);
}

void xmsg_owner_del_bcb(struct xmsg_bcb *bcb)
{
	struct xmsg_owner *owner = bcb->owner;
	unsigned long flags;

	if (!owner)
		return;
	spin_lock_irqsave(&owner->lock, flags);
	list_del_init(&bcb->owner_link);
	owner->nr--;
	bcb->owner = NULL;
	spin_unlock_irqrestore(&owner->lock, flags);
}

void xmsg_owner_add_msg(struct xmsg_owner *owner, struct xmsg_msg *msg)
{
	unsigned long flags;

	if (!owner) {
		WRITE_ONCE(msg->owner, NULL);
		INIT_LIST_HEAD(&msg->owner_link);
		return;
	}
	spin_lock_irqsave(&owner->lock, flags);
	list_add_tail(&msg->owner_link, &owner->msgs);
	owner->nr++;
	WRITE_ONCE(msg->owner, owner);
	spin_unlock_irqrestore(&owner->lock, flags);
}

void xmsg_owner_del_msg(struct xmsg_msg *msg)
{
	struct xmsg_owner *owner = READ_ONCE(msg->owner);
	unsigned long flags;

	if (!owner)
		return;
	spin_lock_irqsave(&owner->lock, flags);
	list_del_init(&msg->owner_link);
	owner->nr--;
	WRITE_ONCE(msg->owner, NULL);
	spin_unlock_irqrestore(&owner->lock, flags);
}

static struct xmsg_bcb *xmsg_owner_pop_bcb(struct xmsg_owner *owner)
{
	struct xmsg_bcb *bcb;
	unsigned long flags;

	spin_lock_irqsave(&owner->lock, flags);
	bcb = list_first_entry_or_null(&owner->bcbs, struct xmsg_bcb,
				       owner_link);
	if (bcb) {
		list_del_init(&bcb->owner_link);
		owner->nr--;
		bcb->owner = NULL;
	}
	spin_unlock_irqrestore(&owner->lock, flags);
	return bcb;
}

static struct xmsg_msg *xmsg_owner_pop_msg(struct xmsg_owner *owner)
{
	struct xmsg_msg *msg;
	unsigned long flags;

	spin_lock_irqsave(&owner->lock, flags);
	msg = list_first_entry_or_null(&owner->msgs, struct xmsg_msg,
				       owner_link);
	if (msg) {
		list_del_init(&msg->owner_link);
		owner->nr--;
		WRITE_ONCE(msg->owner, NULL);
	}
	spin_unlock_irqrestore(&owner->lock, flags);
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
