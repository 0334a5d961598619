// SPDX-License-Identifier: GPL-2.0
/* xmsg NIC sample, receive: the device's rx_handler turns each frame of
 * our EtherType into a message at the rx exchange (pool mode: one copy
 * into a pool block; zero-copy mode: the skb is the body), reusing the
 * messages user receivers gave back, with coalesced wake-ups on request.
 */

#include <linux/etherdevice.h>
#include <linux/module.h>
#include <linux/rcupdate.h>

#include "nic.h"
#include "nic_trace.h"

/* Count a frame of @len bytes dropped for @why (an RX_DROP counter). */
static void xmsg_nic_rx_drop(struct xmsg_nic *nic, enum xmsg_nic_stat why,
			     unsigned int len)
{
	trace_xmsg_nic_rx_drop(nic->name, len, why);
	xmsg_nic_inc(nic, why);
}

/* Release the spare messages (detach, after the rx_handler is gone). */
void xmsg_nic_spares_release(struct xmsg_nic *nic)
{
	struct xmsg_nic_spares *sp;
	int cpu;

	for_each_possible_cpu(cpu) {
		sp = per_cpu_ptr(nic->spares, cpu);
		while (sp->n)
			xmsg_msg_rel(sp->msg[--sp->n]);
	}
}

/* Wake the receivers handed a frame since the coalescing timer started. */
static void xmsg_nic_wake_now(struct xmsg_nic *nic)
{
	LIST_HEAD(wake);

	spin_lock_bh(&nic->wake_lock);
	list_splice_init(&nic->wake, &wake);
	spin_unlock_bh(&nic->wake_lock);
	xmsg_xchg_wake(&wake);
}

enum hrtimer_restart xmsg_nic_wake_timer(struct hrtimer *t)
{
	xmsg_nic_wake_now(container_of(t, struct xmsg_nic, wake_timer));
	return HRTIMER_NORESTART;
}

/* Detach: no frame comes any more; wake whoever still waits for one. */
void xmsg_nic_wake_flush(struct xmsg_nic *nic)
{
	hrtimer_cancel(&nic->wake_timer);
	xmsg_nic_wake_now(nic);
}

/* Coalescing: a receiver handed a frame is woken by the timer, so that it
 * finds the frames of the next @coalesce_ns queued too and takes them in
 * one batch (as a TPACKET_V3 reader is woken once per ring block).
 */
static int xmsg_nic_rx_send_defer(struct xmsg_nic *nic, struct xmsg_msg *msg,
				  struct list_head *spares, unsigned int room)
{
	int err;

	spin_lock_bh(&nic->wake_lock);
	err = xmsg_xchg_send_reuse_many(nic->rx, msg, NULL, 0, &nic->wake,
					spares, room);
	if (!err && !list_empty(&nic->wake) &&
	    !hrtimer_is_queued(&nic->wake_timer))
		hrtimer_start(&nic->wake_timer, ns_to_ktime(nic->coalesce_ns),
			      HRTIMER_MODE_REL_SOFT);
	spin_unlock_bh(&nic->wake_lock);
	return err;
}

/* This CPU's spare message for the next frame (pool mode), or NULL. */
static struct xmsg_msg *xmsg_nic_spare_take(struct xmsg_nic *nic)
{
	struct xmsg_nic_spares *sp = this_cpu_ptr(nic->spares);

	return sp->n ? sp->msg[--sp->n] : NULL;
}

/* Room on this CPU's stack of spares (none in zero-copy mode). */
static unsigned int xmsg_nic_spare_room(struct xmsg_nic *nic)
{
	if (nic->mode != XMSG_NIC_MODE_POOL)
		return 0;
	return XMSG_NIC_SPARES - this_cpu_ptr(nic->spares)->n;
}

/* Keep the messages the rx exchange's ring gave back (pool mode) as this
 * CPU's spares, to carry the next frames; release any other.
 */
static void xmsg_nic_spares_put(struct xmsg_nic *nic,
				struct list_head *spares)
{
	struct xmsg_nic_spares *sp = this_cpu_ptr(nic->spares);
	struct xmsg_msg *msg, *tmp;

	list_for_each_entry_safe(msg, tmp, spares, link) {
		list_del_init(&msg->link);
		if (msg->pool == nic->pool && sp->n < XMSG_NIC_SPARES)
			sp->msg[sp->n++] = msg;
		else
			xmsg_msg_rel(msg);
	}
}

/* Send a message made from a frame; drop and count on failure. */
static void xmsg_nic_rx_send(struct xmsg_nic *nic, struct xmsg_msg *msg)
{
	unsigned int room = xmsg_nic_spare_room(nic);
	enum xmsg_nic_stat why;
	LIST_HEAD(spares);
	int err;

	xmsg_nic_inc(nic, XMSG_NIC_STAT_RX_MADE);
	if (nic->coalesce_ns)
		err = xmsg_nic_rx_send_defer(nic, msg, &spares, room);
	else
		err = xmsg_xchg_send_reuse_many(nic->rx, msg, NULL, 0, NULL,
						&spares, room);
	xmsg_nic_spares_put(nic, &spares);
	if (likely(!err)) {
		xmsg_nic_inc(nic, XMSG_NIC_STAT_RX_DELIVERED);
		return;
	}
	why = err == -ENOSPC || err == -EAGAIN || err == -ENOBUFS ?
	      XMSG_NIC_STAT_RX_DROP_FULL : XMSG_NIC_STAT_RX_DROP_OTHER;
	xmsg_nic_rx_drop(nic, why, msg->size);
	xmsg_msg_rel(msg);
}

/* Can @msg, taken from the free exchange, carry the next frame as it is?
 * A whole message of our pool, its body shared by no proxy, no reply.
 * Nobody else references it: it was queued, now it is ours.
 */
static bool xmsg_nic_reusable(struct xmsg_nic *nic, struct xmsg_msg *msg)
{
	return msg->origin == XMSG_ORIGIN_POOL && msg->pool == nic->pool &&
	       refcount_read(&msg->body_ref) == 1 && !msg->reply;
}

/* A message returned to the free exchange, to carry the next frame, or
 * NULL.  Anything else found there is released (any context is allowed);
 * at most a few, to bound the time spent in softirq.
 */
static struct xmsg_msg *xmsg_nic_rx_reuse(struct xmsg_nic *nic)
{
	struct xmsg_msg *msg;
	int i;

	for (i = 0; i < 4; i++) {
		msg = xmsg_xchg_recv(nic->free, NULL, 0, 0, NULL);
		if (IS_ERR(msg))
			return NULL;
		if (nic->mode == XMSG_NIC_MODE_POOL && xmsg_nic_reusable(nic, msg)) {
			xmsg_nic_inc(nic, XMSG_NIC_STAT_RX_RECYCLED);
			return msg;
		}
		xmsg_nic_inc(nic, XMSG_NIC_STAT_RX_FREE_RELEASED);
		xmsg_msg_rel(msg);
	}
	return NULL;
}

/* Pool mode, a returned message: copy the frame into its block. */
static void xmsg_nic_rx_recycled(struct xmsg_nic *nic, struct sk_buff *skb,
				 unsigned int len, struct xmsg_msg *msg)
{
	if (skb_copy_bits(skb, -skb->mac_len, msg->body, len)) {
		xmsg_msg_rel(msg);
		xmsg_nic_rx_drop(nic, XMSG_NIC_STAT_RX_DROP_NOMEM, len);
		kfree_skb(skb);
		return;
	}
	msg->size = len;
	consume_skb(skb);
	xmsg_nic_rx_send(nic, msg);
}

/* Pool mode: the interrupt-time get.  Take a bare block, copy the frame into it
 * (the DMA step of a real NIC), make it a message.  A message a user
 * returned to the free exchange is used instead when there is one (no
 * get, no make).  Never sleeps.
 */
static void xmsg_nic_rx_pool(struct xmsg_nic *nic, struct sk_buff *skb,
			     unsigned int len)
{
	struct xmsg_msg *msg;
	void *dbp;

	if (unlikely(len > xmsg_pool_block_size(nic->pool))) {
		xmsg_nic_rx_drop(nic, XMSG_NIC_STAT_RX_DROP_OVERSIZE, len);
		goto free_skb;
	}
	msg = xmsg_nic_spare_take(nic);
	if (msg) {
		xmsg_nic_inc(nic, XMSG_NIC_STAT_RX_RING_REUSED);
		xmsg_nic_rx_recycled(nic, skb, len, msg);
		return;
	}
	msg = xmsg_nic_rx_reuse(nic);
	if (msg) {
		xmsg_nic_rx_recycled(nic, skb, len, msg);
		return;
	}
	dbp = xmsg_block_get(nic->pool);
	if (unlikely(!dbp)) {
		xmsg_nic_rx_drop(nic, XMSG_NIC_STAT_RX_DROP_NOBLOCK, len);
		goto free_skb;
	}
	if (skb_copy_bits(skb, -skb->mac_len, dbp, len))
		goto rel_block;
	msg = xmsg_msg_make(nic->pool, dbp, NULL, GFP_ATOMIC);
	if (IS_ERR(msg))
		goto rel_block;
	msg->size = len;
	consume_skb(skb);
	xmsg_nic_rx_send(nic, msg);
	return;

rel_block:
	xmsg_block_rel(nic->pool, dbp);
	xmsg_nic_rx_drop(nic, XMSG_NIC_STAT_RX_DROP_NOMEM, len);
free_skb:
	kfree_skb(skb);
}

/**
 * struct xmsg_nic_zc - a zero-copy rx body, kept in its skb's @cb
 * @cb: the release callback, run through xmsg_mod_cb_call()
 * @nic: the attachment (a reference is held)
 * @skb: the skb that holds the body
 */
struct xmsg_nic_zc {
	struct xmsg_mod_cb cb;
	struct xmsg_nic *nic;
	struct sk_buff *skb;
};

static struct xmsg_nic_zc *xmsg_nic_skb_zc(struct sk_buff *skb)
{
	BUILD_BUG_ON(sizeof(struct xmsg_nic_zc) > sizeof(skb->cb));
	return (struct xmsg_nic_zc *)skb->cb;
}

/**
 * xmsg_nic_zc_release() - give back the skb under a zero-copy rx body
 * @cb: &struct xmsg_nic_zc.cb, in the skb
 *
 * The external-body release of zero-copy messages, called once through
 * xmsg_mod_cb_call() when the last reference to the body goes away; that
 * drops the module reference after this returned.
 *
 * Context: any context (dev_kfree_skb_any()).
 */
static void xmsg_nic_zc_release(struct xmsg_mod_cb *cb)
{
	struct xmsg_nic_zc *zc = container_of(cb, struct xmsg_nic_zc, cb);
	struct xmsg_nic *nic = zc->nic;

	dev_kfree_skb_any(zc->skb);	/* @zc with it */
	atomic_dec(&nic->zc_live);
	xmsg_nic_put(nic);
}

static void xmsg_nic_rx_zc(struct xmsg_nic *nic, struct sk_buff *skb,
			   unsigned int len)
{
	struct xmsg_nic_zc *zc = xmsg_nic_skb_zc(skb);
	struct xmsg_ext_body ext = {
		.release = xmsg_mod_cb_call,
		.ctx = &zc->cb,
	};
	struct xmsg_msg *msg;

	/* A receiver that never releases must not pin skbs without bound:
	 * a frame over the cap is dropped as if the exchange were full.
	 */
	if (unlikely(!atomic_add_unless(&nic->zc_live, 1, nic->zc_max_live))) {
		xmsg_nic_rx_drop(nic, XMSG_NIC_STAT_RX_DROP_FULL, len);
		goto free_skb;
	}
	if (skb_is_nonlinear(skb)) {
		if (skb_linearize(skb)) {
			xmsg_nic_rx_drop(nic, XMSG_NIC_STAT_RX_DROP_NOMEM, len);
			goto unlive;
		}
		xmsg_nic_inc(nic, XMSG_NIC_STAT_RX_LINEARIZED);
	}
	if (unlikely(!xmsg_nic_pin(nic))) {	/* rmmod has begun */
		xmsg_nic_rx_drop(nic, XMSG_NIC_STAT_RX_DROP_UNLOAD, len);
		goto unlive;
	}
	zc->cb.fn = xmsg_nic_zc_release;
	zc->cb.owner = THIS_MODULE;
	zc->nic = nic;
	zc->skb = skb;
	msg = xmsg_msg_make_ext(skb_mac_header(skb), len, &ext, NULL,
				GFP_ATOMIC);
	if (IS_ERR(msg)) {
		xmsg_nic_unpin(nic);
		xmsg_nic_rx_drop(nic, XMSG_NIC_STAT_RX_DROP_NOMEM, len);
		goto unlive;
	}
	/* From here the skb belongs to the message; its release lowers
	 * @zc_live (xmsg_nic_zc_release()), a refused send included.
	 */
	skb->dev = NULL;
	xmsg_nic_rx_send(nic, msg);
	return;

unlive:
	atomic_dec(&nic->zc_live);
free_skb:
	kfree_skb(skb);
}

/**
 * xmsg_nic_rx() - the device's rx_handler
 * @pskb: the received frame
 *
 * Frames of another EtherType pass untouched; ours are consumed, whatever
 * becomes of them (a message at the rx exchange, or a counted drop).
 * Never sleeps, never blocks.
 *
 * Context: softirq (NAPI), under rcu_read_lock().
 * Return: RX_HANDLER_CONSUMED for our EtherType, else RX_HANDLER_PASS.
 */
rx_handler_result_t xmsg_nic_rx(struct sk_buff **pskb)
{
	struct sk_buff *skb = *pskb;
	struct xmsg_nic *nic = rcu_dereference(skb->dev->rx_handler_data);
	unsigned int len;

	if (skb->protocol != nic->ethertype ||
	    unlikely(skb->pkt_type == PACKET_LOOPBACK))
		return RX_HANDLER_PASS;
	xmsg_nic_inc(nic, XMSG_NIC_STAT_RX_FRAMES);
	len = skb->len + skb->mac_len;
	if (nic->mode == XMSG_NIC_MODE_POOL) {
		xmsg_nic_rx_pool(nic, skb, len);
		return RX_HANDLER_CONSUMED;
	}
	xmsg_nic_rx_reuse(nic);	/* zc: releases what users returned */
	skb = skb_share_check(skb, GFP_ATOMIC);
	if (unlikely(!skb)) {
		xmsg_nic_rx_drop(nic, XMSG_NIC_STAT_RX_DROP_NOMEM, len);
		return RX_HANDLER_CONSUMED;
	}
	xmsg_nic_rx_zc(nic, skb, len);
	return RX_HANDLER_CONSUMED;
}
