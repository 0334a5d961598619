// SPDX-License-Identifier: GPL-2.0
/* xmsg NIC sample, transmit: the tx kthread receives from the tx exchange
 * and sends each pool message out of the device from its own block (page
 * frags and a zero-copy completion that gives the block back), copying
 * only what is not a whole pool block; and the echo and sink kernel
 * receivers at the rx exchange.
 */

#include <linux/etherdevice.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "nic.h"
#include "nic_trace.h"

/**
 * struct xmsg_nic_txctx - one body out in an skb
 * @mu: zero-copy completion, called (through xmsg.ko, holding a module
 *	reference) when the skb data is freed
 * @nic: the attachment (a reference is held)
 * @msg: a message held until then (a proxy of a pool body), or NULL
 * @pool: else: the bare block's pool
 * @dbp: the frame: the bare block, or @msg's body
 * @len: the frame's length
 */
struct xmsg_nic_txctx {
	struct xmsg_mod_ubuf mu;
	struct xmsg_nic *nic;
	struct xmsg_msg *msg;
	struct xmsg_pool *pool;
	void *dbp;
	unsigned int len;
};

/**
 * xmsg_nic_tx_done() - zero-copy completion of a transmitted body
 * @cb: &struct xmsg_nic_txctx.mu.cb
 *
 * Run by xmsg_mod_ubuf_done() (xmsg.ko) for the last skb that referenced
 * the context: gives the block back to its pool (or releases the held
 * proxy) and drops the attachment reference the block held; xmsg.ko drops
 * the module reference after this returned.
 *
 * Context: any context: softirq (driver tx completion), process context
 * (qdisc purge), possibly with interrupts disabled.
 */
static void xmsg_nic_tx_done(struct xmsg_mod_cb *cb)
{
	struct xmsg_nic_txctx *ctx =
		container_of(cb, struct xmsg_nic_txctx, mu.cb);
	struct xmsg_nic *nic = ctx->nic;

	trace_xmsg_nic_tx_complete(nic->name, ctx->len, !!ctx->msg);
	if (ctx->msg)
		xmsg_msg_rel(ctx->msg);
	else
		xmsg_block_rel(ctx->pool, ctx->dbp);
	kfree(ctx);
	xmsg_nic_inc(nic, XMSG_NIC_STAT_TX_COMPLETED);
	xmsg_nic_dec(nic, XMSG_NIC_STAT_TX_INFLIGHT);
	wake_up(&nic->idle);
	xmsg_nic_put(nic);
}

/* Point the skb's frags at the block's vmalloc pages, from @off to @len. */
static int xmsg_nic_tx_frags(struct sk_buff *skb, void *dbp,
			     unsigned int off, unsigned int len)
{
	int i = 0;

	while (off < len) {
		void *p = dbp + off;
		unsigned int poff = offset_in_page(p);
		unsigned int chunk = min_t(unsigned int, len - off,
					   PAGE_SIZE - poff);
		struct page *page = is_vmalloc_addr(p) ? vmalloc_to_page(p) :
				    virt_to_page(p);

		if (i == MAX_SKB_FRAGS || !page)
			return -EMSGSIZE;
		get_page(page);
		skb_fill_page_desc(skb, i++, page, poff, chunk);
		skb->len += chunk;
		skb->data_len += chunk;
		skb->truesize += chunk;
		off += chunk;
	}
	return 0;
}

/* Build an skb for a block: the Ethernet header is copied into the skb head
 * (as AF_PACKET's tx ring does), the rest of the frame stays in the block
 * and is referenced by page frags.  The block is released by
 * xmsg_nic_tx_done() when the skb's data is freed.  On failure the block
 * is released here and NULL is returned; either way @ctx and the
 * references taken for it (xmsg_nic_pin()) are consumed.
 */
static struct sk_buff *xmsg_nic_tx_skb(struct xmsg_nic *nic,
				       struct xmsg_nic_txctx *ctx,
				       unsigned int len)
{
	struct net_device *dev = nic->dev;
	int hr = LL_RESERVED_SPACE(dev);
	struct sk_buff *skb;

	refcount_set(&ctx->mu.ubuf.refcnt, 1);
	xmsg_ubuf_set_ops(&ctx->mu.ubuf, &xmsg_mod_ubuf_ops);
	ctx->mu.ubuf.flags = SKBFL_ZEROCOPY_FRAG;
	ctx->mu.cb.fn = xmsg_nic_tx_done;
	ctx->mu.cb.owner = THIS_MODULE;
	skb = alloc_skb(hr + ETH_HLEN + dev->needed_tailroom, GFP_KERNEL);
	if (!skb) {
		xmsg_mod_ubuf_done(NULL, &ctx->mu.ubuf, false);
		return NULL;
	}
	skb_reserve(skb, hr);
	skb_reset_mac_header(skb);
	skb_put_data(skb, ctx->dbp, ETH_HLEN);
	skb_set_network_header(skb, ETH_HLEN);
	skb->protocol = eth_hdr(skb)->h_proto;
	skb->dev = dev;
	/* The skb takes over the one reference set above. */
	skb_zcopy_init(skb, &ctx->mu.ubuf);
	/* The frags stay writable by user space (the pool is mapped into its
	 * users, who may keep writing to a block they sent): the stack must
	 * copy them before it checksums them or otherwise relies on their
	 * content.  SKBFL_ZEROCOPY_FRAG includes this flag; it is set in its
	 * own right here so that it does not depend on that.
	 */
	skb_shinfo(skb)->flags |= SKBFL_SHARED_FRAG;
	if (xmsg_nic_tx_frags(skb, ctx->dbp, ETH_HLEN, len)) {
		kfree_skb(skb);	/* calls xmsg_nic_tx_done() */
		return NULL;
	}
	return skb;
}

static bool xmsg_nic_tx_ok(struct xmsg_nic *nic, struct xmsg_msg *msg)
{
	unsigned int max = nic->dev->mtu + nic->dev->hard_header_len;

	return msg->size >= ETH_HLEN && msg->size <= max &&
	       (msg->origin != XMSG_ORIGIN_POOL ||
		msg->size <= xmsg_pool_block_size(msg->pool));
}

/* A body that is not a whole pool block (a zero-copy rx body, a heap body,
 * a proxy) cannot be unmade into a bare block: copy it into a new skb.
 */
static void xmsg_nic_tx_copy(struct xmsg_nic *nic, struct xmsg_msg *msg)
{
	struct net_device *dev = nic->dev;
	int hr = LL_RESERVED_SPACE(dev);
	struct sk_buff *skb;
	int rc;

	skb = alloc_skb(hr + msg->size + dev->needed_tailroom, GFP_KERNEL);
	if (!skb) {
		xmsg_nic_inc(nic, XMSG_NIC_STAT_TX_DROP_NOMEM);
		xmsg_msg_rel(msg);
		return;
	}
	skb_reserve(skb, hr);
	skb_reset_mac_header(skb);
	skb_put_data(skb, msg->body, msg->size);
	xmsg_msg_rel(msg);
	skb_set_network_header(skb, ETH_HLEN);
	skb->protocol = eth_hdr(skb)->h_proto;
	skb->dev = dev;
	xmsg_nic_inc(nic, XMSG_NIC_STAT_TX_COPIED);
	rc = dev_queue_xmit(skb);
	xmsg_nic_inc(nic, rc == NET_XMIT_SUCCESS ? XMSG_NIC_STAT_TX_SENT :
		     XMSG_NIC_STAT_TX_DROP_XMIT);
}

/* A proxy whose slice lies in a pool block (how user space gives a frame
 * its length) is sent in place too: the proxy is held until the skb is
 * freed.  Its reply handle is dropped now, in process context, so that no
 * object is put from the completion.
 */
static bool xmsg_nic_tx_hold(struct xmsg_msg *msg)
{
	struct xmsg_msg *real = xmsg_msg_real(msg);

	if (msg->origin != XMSG_ORIGIN_PROXY || !real ||
	    real->origin != XMSG_ORIGIN_POOL ||
	    !xmsg_pool_owns(real->pool, msg->body, msg->size))
		return false;
	xmsg_msg_set_reply(msg, NULL, NULL);
	return true;
}

/* Make the context of @msg: a bare block (unmade) or a held proxy. */
static int xmsg_nic_tx_ctx(struct xmsg_nic_txctx *ctx, struct xmsg_msg *msg)
{
	ctx->msg = NULL;
	if (msg->origin == XMSG_ORIGIN_POOL) {
		ctx->dbp = xmsg_msg_unmake(msg, &ctx->pool);
		return IS_ERR(ctx->dbp) ? PTR_ERR(ctx->dbp) : 0;
	}
	if (!xmsg_nic_tx_hold(msg))
		return -EINVAL;
	ctx->msg = msg;
	ctx->dbp = msg->body;
	return 0;
}

/**
 * xmsg_nic_tx_one() - transmit one message received from the tx exchange
 * @nic: the attachment
 * @msg: the message, owned by nobody (received with owner NULL); consumed
 *
 * A pool message is unmade and sent from its block, a pool-slice proxy is
 * sent from its slice and held, anything else is copied; so is everything
 * once rmmod has begun (the module reference cannot be taken any more).
 * Errors are counted, never returned.
 *
 * Context: the tx kthread (process context, may sleep).
 */
static void xmsg_nic_tx_one(struct xmsg_nic *nic, struct xmsg_msg *msg)
{
	struct xmsg_nic_txctx *ctx;
	unsigned int len = msg->size;
	struct sk_buff *skb;
	int rc;

	xmsg_nic_inc(nic, XMSG_NIC_STAT_TX_MSGS);
	if (!xmsg_nic_tx_ok(nic, msg)) {
		xmsg_nic_inc(nic, XMSG_NIC_STAT_TX_DROP_BAD);
		xmsg_msg_rel(msg);
		return;
	}
	ctx = kmalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx) {
		xmsg_nic_inc(nic, XMSG_NIC_STAT_TX_DROP_NOMEM);
		xmsg_msg_rel(msg);
		return;
	}
	/* Once rmmod has begun no skb may carry our callback: copy. */
	if (unlikely(!xmsg_nic_pin(nic)))
		goto copy;
	if (xmsg_nic_tx_ctx(ctx, msg)) {	/* e.g. proxies of it live */
		xmsg_nic_unpin(nic);
		goto copy;
	}
	ctx->nic = nic;
	ctx->len = len;
	xmsg_nic_inc(nic, XMSG_NIC_STAT_TX_INFLIGHT);
	skb = xmsg_nic_tx_skb(nic, ctx, len);
	if (!skb) {
		xmsg_nic_inc(nic, XMSG_NIC_STAT_TX_DROP_NOMEM);
		return;
	}
	rc = dev_queue_xmit(skb);
	xmsg_nic_inc(nic, rc == NET_XMIT_SUCCESS ? XMSG_NIC_STAT_TX_SENT :
		     XMSG_NIC_STAT_TX_DROP_XMIT);
	return;

copy:
	kfree(ctx);
	xmsg_nic_tx_copy(nic, msg);
}

/* Receive from @xchg, or NULL after a timeout or a spurious wake-up. */
static struct xmsg_msg *xmsg_nic_recv(struct xmsg_xchg *xchg)
{
	struct xmsg_msg *msg;

	msg = xmsg_xchg_recv(xchg, NULL,
			     xmsg_wait_ns(jiffies_to_nsecs(XMSG_NIC_TX_POLL)), 0,
			     NULL);
	if (!IS_ERR_OR_NULL(msg))
		return msg;
	if (PTR_ERR(msg) != -ETIMEDOUT && PTR_ERR(msg) != -EAGAIN &&
	    PTR_ERR(msg) != -ERESTARTSYS && PTR_ERR(msg) != -EINTR)
		schedule_timeout_interruptible(XMSG_NIC_TX_POLL);
	return NULL;
}

int xmsg_nic_tx_thread(void *data)
{
	struct xmsg_nic *nic = data;
	struct xmsg_msg *msg;

	while (!kthread_should_stop()) {
		msg = xmsg_nic_recv(nic->tx);
		if (msg)
			xmsg_nic_tx_one(nic, msg);
	}
	return 0;
}

/* Sink: read the frame in place (its EtherType), release the message.
 * Anyone with write access to the rx exchange may send it a message of
 * any length: one shorter than an Ethernet header is counted, not read.
 */
static void xmsg_nic_sink(struct xmsg_nic *nic, struct xmsg_msg *msg)
{
	const struct ethhdr *eh = msg->body;

	if (unlikely(!eh || msg->size < ETH_HLEN))
		xmsg_nic_inc(nic, XMSG_NIC_STAT_SINK_SHORT);
	else if (eh->h_proto == nic->ethertype)
		xmsg_nic_inc(nic, XMSG_NIC_STAT_SUNK);
	xmsg_msg_rel(msg);
}

/* Echo mode: a kernel receiver that reads each received frame in place and
 * sends the message on to the tx exchange unchanged, so the frame goes back
 * out of the device it came from (pool mode: without a copy).  Sink mode:
 * the same receiver only reads and releases (for the benchmark).
 */
int xmsg_nic_echo_thread(void *data)
{
	struct xmsg_nic *nic = data;
	struct xmsg_msg *msg;

	while (!kthread_should_stop()) {
		msg = xmsg_nic_recv(nic->rx);
		if (!msg)
			continue;
		if (nic->krecv == XMSG_NIC_KRECV_SINK) {
			xmsg_nic_sink(nic, msg);
			continue;
		}
		if (xmsg_xchg_send(nic->tx, msg, NULL, 0)) {
			xmsg_nic_inc(nic, XMSG_NIC_STAT_ECHO_DROP);
			xmsg_msg_rel(msg);
			continue;
		}
		xmsg_nic_inc(nic, XMSG_NIC_STAT_ECHOED);
	}
	return 0;
}
