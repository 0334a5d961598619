/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xmsg receive rings (XMSG_IOC_RING): the part the exchange code calls.
 * Shared by ipc/exchange.c and ipc/chardev_ring.c only.
 */
#ifndef _XMSG_RING_H
#define _XMSG_RING_H

#include <linux/list.h>
#include <linux/poll.h>
#include <linux/spinlock.h>
#include "../mm/xmsg_mm.h"

struct xmsg_ring;
struct xmsg_xchg;

/* chardev_ring.c: with the exchange lock held */
void __xmsg_ring_attached(struct xmsg_ring *ring, spinlock_t *lock);
bool __xmsg_ring_fits(struct xmsg_ring *ring, struct xmsg_msg *msg);
void __xmsg_ring_store(struct xmsg_ring *ring, struct xmsg_msg *msg);
void __xmsg_ring_reclaim(struct xmsg_ring *ring, struct list_head *done);
void __xmsg_ring_set_queued(struct xmsg_ring *ring, bool queued);
bool __xmsg_ring_wake_needed(struct xmsg_ring *ring);
void __xmsg_ring_kill(struct xmsg_ring *ring);
struct xmsg_msg *__xmsg_ring_take(struct xmsg_ring *ring, u32 index);
void __xmsg_ring_take_all(struct xmsg_ring *ring, struct list_head *msgs);
__poll_t __xmsg_ring_poll_mask(struct xmsg_ring *ring);
/* chardev_ring.c: without it */
void xmsg_ring_wake(struct xmsg_ring *ring, __poll_t mask);
void xmsg_ring_release_msgs(struct list_head *done);

/* exchange.c */
int xmsg_xchg_ring_attach(struct xmsg_xchg *xchg, struct xmsg_ring *ring);
void xmsg_xchg_ring_detach(struct xmsg_xchg *xchg, struct xmsg_ring *ring,
			   struct list_head *msgs);
__poll_t xmsg_xchg_ring_poll(struct xmsg_xchg *xchg, struct xmsg_ring *ring);
struct xmsg_msg *xmsg_xchg_ring_take(struct xmsg_xchg *xchg,
				     struct xmsg_ring *ring, u32 index);

#endif /* _XMSG_RING_H */
