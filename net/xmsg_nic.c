// SPDX-License-Identifier: GPL-2.0
/* xmsg NIC sample: received frames become xmsg messages, messages sent to
 * a transmit exchange leave through the NIC without being copied.
 *
 * This is the seed's I/O story on a real Linux network path: an "ISR"
 * (here the device's rx_handler, softirq context) gets a bare block, fills
 * it (the DMA step: one copy of the frame), makes it a message and sends
 * it to an exchange; on output a message is unmade back into a bare block
 * that the driver transmits and that returns to its pool when the driver
 * frees the skb.
 *
 * Attach a device at load time (ifname=eth0 mode=pool) or at run time
 * (CAP_NET_ADMIN needed, by the opener and the writer of the file):
 *
 *	echo "eth0 pool" > /sys/kernel/debug/xmsg/nic/attach
 *	echo eth0 > /sys/kernel/debug/xmsg/nic/detach
 *	cat /sys/kernel/debug/xmsg/nic/stats
 *
 * See docs/nic.md for the design, what is and is not zero-copy, and the
 * figures.
 */

#include <linux/capability.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/etherdevice.h>
#include <linux/hrtimer.h>
#include <linux/if_arp.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/seq_file.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>
#include <net/net_namespace.h>

#include <xmsg/mm.h>
#include <xmsg/ipc.h>
#include <xmsg/registry.h>

/* Locking
 *
 * - xmsg_nic_list and every attach/detach are protected by the RTNL
 *   (netdev_rx_handler_register() needs it anyway, and the netdevice
 *   notifier that detaches a vanishing device runs under it).
 * - The rx path (xmsg_nic_rx(), softirq) reaches its struct xmsg_nic
 *   through dev->rx_handler_data under RCU; detach unregisters the handler
 *   and netdev_rx_handler_unregister() waits (synchronize_net()) for every
 *   running handler before the attachment is torn down.
 * - The tx kthread is the only user of the tx exchange's receive side; it
 *   is stopped with kthread_stop() before the device reference is dropped.
 * - Counters are per-CPU longs (this_cpu_inc()), summed without a lock
 *   when read (a snapshot).
 * - @spare (per CPU): a message the rx exchange's ring gave back for the
 *   next frame (xmsg_xchg_send_reuse()); taken and put with
 *   this_cpu_xchg() by the rx path only, emptied at detach once the
 *   rx_handler is gone.
 * - wake_lock (spinlock, BHs off) protects the list of rx receivers handed
 *   a frame whose wake-up is deferred (rx_coalesce_us); it nests outside
 *   the rx exchange's lock (xmsg_xchg_send_defer() under it) and the
 *   wake-up itself runs without it.  Detach flushes the list after the
 *   rx_handler is gone and before the threads and exchanges go.
 * - xmsg_nic_grave_lock (mutex) protects the list of pools whose destroy
 *   was refused at detach (blocks still out); the reaper work retries them.
 *   It nests inside the RTNL (detach buries a pool under it).
 * - The registry functions (xmsg_reg_publish_*()) are called in process
 *   context under the RTNL; they take the registry's own mutex.
 * - Lifetime: struct xmsg_nic is reference counted (@ref).  The list holds
 *   one reference, every zero-copy rx message and every in-flight tx skb
 *   one more, so a late skb free or message release never touches freed
 *   memory.  Each of those also holds a module reference, because their
 *   callbacks are code of this module.  It is taken with try_module_get()
 *   (xmsg_nic_pin()), which fails once rmmod has begun: from then on a
 *   zero-copy frame is dropped (rx_drop_unload) and a tx message is sent
 *   by copy, so nothing armed during the unload outlives it.  The
 *   callbacks are reached through xmsg.ko (xmsg_mod_cb_call(),
 *   xmsg_mod_ubuf_done()), which drops the module reference only after
 *   our code has returned.  rmmod is refused (-EWOULDBLOCK) while any of
 *   them is out; once it goes ahead there is none, and none can come.
 */

#define XMSG_NIC_ETHERTYPE	0x88B5	/* IEEE 802 local experimental 1 */
#define XMSG_NIC_TX_POLL	(HZ / 10)

static char *ifname;
module_param(ifname, charp, 0444);
MODULE_PARM_DESC(ifname, "device to attach at load time (empty: none)");

static char *mode = "pool";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "receive mode for ifname=: pool or zc");

static ushort ethertype = XMSG_NIC_ETHERTYPE;
module_param(ethertype, ushort, 0644);
MODULE_PARM_DESC(ethertype, "EtherType taken from the device (default 0x88B5); other frames pass");

static uint block_size = 2048;
module_param(block_size, uint, 0644);
MODULE_PARM_DESC(block_size, "pool block size in bytes (default 2048)");

static uint pool_blocks = 512;
module_param(pool_blocks, uint, 0644);
MODULE_PARM_DESC(pool_blocks, "blocks in the pool of each attachment (default 512)");

static ushort obj_mode = 0600;
module_param(obj_mode, ushort, 0644);
MODULE_PARM_DESC(obj_mode, "permission bits of the pool and exchanges as /dev/xmsg names (default 0600)");

static uint rx_coalesce_us;
module_param(rx_coalesce_us, uint, 0644);
MODULE_PARM_DESC(rx_coalesce_us, "wake an rx receiver at most this long after the frame that it gets (interrupt coalescing; default 0: at once)");

static uint xchg_limit = 256;
module_param(xchg_limit, uint, 0644);
MODULE_PARM_DESC(xchg_limit, "queue limit of the rx and tx exchanges (default 256)");

enum xmsg_nic_mode {
	XMSG_NIC_POOL,
	XMSG_NIC_ZC,
};

static const char * const xmsg_nic_mode_names[] = {
	[XMSG_NIC_POOL] = "pool",
	[XMSG_NIC_ZC] = "zc",
};

/* Counters; the names are what the stats file prints. */
enum xmsg_nic_stat {
	NIC_RX_FRAMES,		/* frames of our EtherType seen */
	NIC_RX_MADE,		/* messages made from frames */
	NIC_RX_DELIVERED,	/* messages sent to the rx exchange */
	NIC_RX_DROP_NOBLOCK,	/* pool empty */
	NIC_RX_DROP_OVERSIZE,	/* frame larger than a block */
	NIC_RX_DROP_FULL,	/* rx exchange full */
	NIC_RX_DROP_NOMEM,	/* MCB or skb allocation failed */
	NIC_RX_DROP_OTHER,	/* exchange refused the message otherwise */
	NIC_RX_DROP_UNLOAD,	/* zc: rmmod has begun, no message made */
	NIC_RX_LINEARIZED,	/* zc: non-linear frame linearized (a copy) */
	NIC_RX_ZC_LIVE,		/* zc: messages alive that pin an skb */
	NIC_RX_RECYCLED,	/* pool: messages reused from the free exchange */
	NIC_RX_RING_REUSED,	/* pool: messages reused from the rx ring */
	NIC_RX_FREE_RELEASED,	/* other messages found there, released */
	NIC_TX_MSGS,		/* messages received from the tx exchange */
	NIC_TX_SENT,		/* skbs handed to dev_queue_xmit() and taken */
	NIC_TX_DROP_BAD,	/* not a pool body, too short or too long */
	NIC_TX_DROP_NOMEM,	/* skb or context allocation failed */
	NIC_TX_DROP_XMIT,	/* dev_queue_xmit() dropped it */
	NIC_TX_COMPLETED,	/* blocks given back after the skb was freed */
	NIC_TX_INFLIGHT,	/* blocks out in skbs now */
	NIC_TX_COPIED,		/* non-pool bodies sent by copy */
	NIC_ECHOED,		/* echo: rx messages passed to tx */
	NIC_ECHO_DROP,		/* echo: tx exchange refused them */
	NIC_SUNK,		/* sink: rx messages read and released */
	NIC_SINK_SHORT,		/* sink: shorter than an Ethernet header */
	NIC_NR_STATS,
};

static const char * const xmsg_nic_stat_names[NIC_NR_STATS] = {
	[NIC_RX_FRAMES] = "rx_frames",
	[NIC_RX_MADE] = "rx_made",
	[NIC_RX_DELIVERED] = "rx_delivered",
	[NIC_RX_DROP_NOBLOCK] = "rx_drop_noblock",
	[NIC_RX_DROP_OVERSIZE] = "rx_drop_oversize",
	[NIC_RX_DROP_FULL] = "rx_drop_full",
	[NIC_RX_DROP_NOMEM] = "rx_drop_nomem",
	[NIC_RX_DROP_OTHER] = "rx_drop_other",
	[NIC_RX_DROP_UNLOAD] = "rx_drop_unload",
	[NIC_RX_LINEARIZED] = "rx_linearized",
	[NIC_RX_ZC_LIVE] = "rx_zc_live",
	[NIC_RX_RECYCLED] = "rx_recycled",
	[NIC_RX_RING_REUSED] = "rx_ring_reused",
	[NIC_RX_FREE_RELEASED] = "rx_free_released",
	[NIC_TX_MSGS] = "tx_msgs",
	[NIC_TX_SENT] = "tx_sent",
	[NIC_TX_DROP_BAD] = "tx_drop_bad",
	[NIC_TX_DROP_NOMEM] = "tx_drop_nomem",
	[NIC_TX_DROP_XMIT] = "tx_drop_xmit",
	[NIC_TX_COMPLETED] = "tx_completed",
	[NIC_TX_INFLIGHT] = "tx_inflight",
	[NIC_TX_COPIED] = "tx_copied",
	[NIC_ECHOED] = "echoed",
	[NIC_ECHO_DROP] = "echo_drop",
	[NIC_SUNK] = "sunk",
	[NIC_SINK_SHORT] = "sink_short",
};

/* Per-CPU counters of an attachment, indexed by enum xmsg_nic_stat */
struct xmsg_nic_stats {
	long v[NIC_NR_STATS];
};

/**
 * struct xmsg_nic - one attached network device
 * @ref: references (list, zero-copy rx messages, in-flight tx skbs)
 * @node: on xmsg_nic_list.  Protected by the RTNL.
 * @dev: the device; a reference is held while attached
 * @tracker: for netdev_hold()/netdev_put()
 * @mode: receive mode
 * @ethertype: EtherType taken (network order)
 * @pool: blocks for received frames (pool mode) and for messages that
 *	user space sends to @tx
 * @rx: received frames are sent here
 * @tx: messages sent here are transmitted
 * @free: user receivers send the messages they are done with here instead
 *	of releasing them (XMSG_IOC_XFER does it for a whole batch in the
 *	same call that receives the next one); the rx path reuses them
 * @pool_u: @pool's object in the /dev/xmsg registry (its name)
 * @rx_u: @rx's object in the registry
 * @tx_u: @tx's object in the registry
 * @free_u: @free's object in the registry
 * @idle: woken when a tx block comes back (detach waits for them)
 * @coalesce_ns: rx_coalesce_us at attach time, in ns; 0: wake at once
 * @wake_lock: protects @wake (softirq; process context with BHs off)
 * @wake: receivers of @rx handed a frame but not woken yet (coalescing)
 * @wake_timer: wakes them, @coalesce_ns after the first of them
 * @tx_thread: receives from @tx and transmits
 * @echo_thread: echo or sink only: the kernel receiver at @rx
 * @sink: @echo_thread releases what it receives instead of sending it on
 * @stats: per-CPU counters, see enum xmsg_nic_stat
 * @spare: per-CPU message given back by the rx exchange's ring, for the
 *	next frame (pool mode), or NULL
 * @name: the device name at attach time
 */
struct xmsg_nic {
	struct kref ref;
	struct list_head node;
	struct net_device *dev;
	netdevice_tracker tracker;
	enum xmsg_nic_mode mode;
	__be16 ethertype;
	struct xmsg_pool *pool;
	struct xmsg_xchg *rx;
	struct xmsg_xchg *tx;
	struct xmsg_xchg *free;
	struct xmsg_cdev_obj *pool_u;
	struct xmsg_cdev_obj *rx_u;
	struct xmsg_cdev_obj *tx_u;
	struct xmsg_cdev_obj *free_u;
	wait_queue_head_t idle;
	u64 coalesce_ns;
	spinlock_t wake_lock;	/* see above */
	struct list_head wake;
	struct hrtimer wake_timer;
	struct task_struct *tx_thread;
	struct task_struct *echo_thread;
	bool sink;
	struct xmsg_nic_stats __percpu *stats;
	struct xmsg_msg * __percpu *spare;
	char name[IFNAMSIZ];
};

/**
 * struct xmsg_nic_txctx - one body out in an skb
 * @mu: zero-copy completion, called (through xmsg.ko, holding a module
 *	reference) when the skb data is freed
 * @nic: the attachment (a reference is held)
 * @msg: a message held until then (a proxy of a pool body), or NULL
 * @pool: else: the bare block's pool
 * @dbp: the frame: the bare block, or @msg's body
 */
struct xmsg_nic_txctx {
	struct xmsg_mod_ubuf mu;
	struct xmsg_nic *nic;
	struct xmsg_msg *msg;
	struct xmsg_pool *pool;
	void *dbp;
};

static LIST_HEAD(xmsg_nic_list);
static struct dentry *xmsg_nic_dir;

/* Pools that were not idle at detach (a late tx completion, a user holding
 * a received message or a mapping): their names are gone and users can no
 * longer get blocks from them, but the registry is given back our
 * reference only once they are idle (xmsg_reg_unpublish() says -EBUSY
 * until then); retried by xmsg_nic_reaper.  Protected by
 * xmsg_nic_grave_lock.
 */
struct xmsg_nic_grave {
	struct list_head node;
	struct xmsg_cdev_obj *pool_u;
};

static LIST_HEAD(xmsg_nic_graves);
static DEFINE_MUTEX(xmsg_nic_grave_lock);
static void xmsg_nic_reap_work(struct work_struct *work);
static DECLARE_DELAYED_WORK(xmsg_nic_reaper, xmsg_nic_reap_work);

static void xmsg_nic_inc(struct xmsg_nic *nic, enum xmsg_nic_stat s)
{
	this_cpu_inc(nic->stats->v[s]);
}

static void xmsg_nic_dec(struct xmsg_nic *nic, enum xmsg_nic_stat s)
{
	this_cpu_dec(nic->stats->v[s]);
}

static long xmsg_nic_stat(struct xmsg_nic *nic, enum xmsg_nic_stat s)
{
	long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu_ptr(nic->stats, cpu)->v[s];
	return sum;
}

/* Release the spare messages (detach, after the rx_handler is gone). */
static void xmsg_nic_spares_release(struct xmsg_nic *nic)
{
	struct xmsg_msg *msg;
	int cpu;

	for_each_possible_cpu(cpu) {
		msg = xchg(per_cpu_ptr(nic->spare, cpu), NULL);
		if (msg)
			xmsg_msg_rel(msg);
	}
}

static void xmsg_nic_free_mem(struct xmsg_nic *nic)
{
	free_percpu(nic->spare);
	free_percpu(nic->stats);
	kfree(nic);
}

static void xmsg_nic_free(struct kref *ref)
{
	xmsg_nic_free_mem(container_of(ref, struct xmsg_nic, ref));
}

static void xmsg_nic_put(struct xmsg_nic *nic)
{
	kref_put(&nic->ref, xmsg_nic_free);
}

/* Take the references that a callback armed for @nic needs: the
 * module's, which fails once rmmod has begun, and the attachment's.  The
 * callback, run by xmsg_mod_cb_call(), drops the attachment's itself and
 * the module's is dropped by xmsg.ko after it returned.
 */
static bool xmsg_nic_pin(struct xmsg_nic *nic)
{
	if (!try_module_get(THIS_MODULE))
		return false;
	kref_get(&nic->ref);
	return true;
}

/* Undo xmsg_nic_pin() when the callback was not armed after all.  Only
 * from the rx_handler or a kthread of @nic: detach waits for both before
 * the module can go.
 */
static void xmsg_nic_unpin(struct xmsg_nic *nic)
{
	xmsg_nic_put(nic);
	module_put(THIS_MODULE);
}

/* ---- receive ---------------------------------------------------------- */

/* Wake the receivers handed a frame since the coalescing timer started. */
static void xmsg_nic_wake_now(struct xmsg_nic *nic)
{
	LIST_HEAD(wake);

	spin_lock_bh(&nic->wake_lock);
	list_splice_init(&nic->wake, &wake);
	spin_unlock_bh(&nic->wake_lock);
	xmsg_xchg_wake(&wake);
}

static enum hrtimer_restart xmsg_nic_wake_timer(struct hrtimer *t)
{
	xmsg_nic_wake_now(container_of(t, struct xmsg_nic, wake_timer));
	return HRTIMER_NORESTART;
}

/* Detach: no frame comes any more; wake whoever still waits for one. */
static void xmsg_nic_wake_flush(struct xmsg_nic *nic)
{
	hrtimer_cancel(&nic->wake_timer);
	xmsg_nic_wake_now(nic);
}

/* Coalescing: a receiver handed a frame is woken by the timer, so that it
 * finds the frames of the next @coalesce_ns queued too and takes them in
 * one batch (as a TPACKET_V3 reader is woken once per ring block).
 */
static int xmsg_nic_rx_send_defer(struct xmsg_nic *nic, struct xmsg_msg *msg,
				  struct xmsg_msg **spare)
{
	int err;

	spin_lock_bh(&nic->wake_lock);
	err = xmsg_xchg_send_reuse(nic->rx, msg, NULL, 0, &nic->wake, spare);
	if (!err && !list_empty(&nic->wake) &&
	    !hrtimer_is_queued(&nic->wake_timer))
		hrtimer_start(&nic->wake_timer, ns_to_ktime(nic->coalesce_ns),
			      HRTIMER_MODE_REL_SOFT);
	spin_unlock_bh(&nic->wake_lock);
	return err;
}

/* Keep a message the rx exchange's ring gave back (pool mode) as this
 * CPU's spare, to carry the next frame.
 */
static void xmsg_nic_spare_put(struct xmsg_nic *nic, struct xmsg_msg *msg)
{
	if (!msg)
		return;
	if (nic->mode == XMSG_NIC_POOL && msg->pool == nic->pool)
		msg = this_cpu_xchg(*nic->spare, msg);
	if (msg)
		xmsg_msg_rel(msg);
}

/* Send a message made from a frame; drop and count on failure. */
static void xmsg_nic_rx_send(struct xmsg_nic *nic, struct xmsg_msg *msg)
{
	struct xmsg_msg *spare;
	int err;

	xmsg_nic_inc(nic, NIC_RX_MADE);
	if (nic->coalesce_ns)
		err = xmsg_nic_rx_send_defer(nic, msg, &spare);
	else
		err = xmsg_xchg_send_reuse(nic->rx, msg, NULL, 0, NULL,
					   &spare);
	xmsg_nic_spare_put(nic, spare);
	if (likely(!err)) {
		xmsg_nic_inc(nic, NIC_RX_DELIVERED);
		return;
	}
	xmsg_nic_inc(nic, err == -ENOSPC || err == -EAGAIN || err == -ENOBUFS ?
		     NIC_RX_DROP_FULL : NIC_RX_DROP_OTHER);
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
		if (nic->mode == XMSG_NIC_POOL && xmsg_nic_reusable(nic, msg)) {
			xmsg_nic_inc(nic, NIC_RX_RECYCLED);
			return msg;
		}
		xmsg_nic_inc(nic, NIC_RX_FREE_RELEASED);
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
		xmsg_nic_inc(nic, NIC_RX_DROP_NOMEM);
		kfree_skb(skb);
		return;
	}
	msg->size = len;
	consume_skb(skb);
	xmsg_nic_rx_send(nic, msg);
}

/* Pool mode: the seed's ISR get.  Take a bare block, copy the frame into it
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
		xmsg_nic_inc(nic, NIC_RX_DROP_OVERSIZE);
		goto free_skb;
	}
	msg = this_cpu_xchg(*nic->spare, NULL);
	if (msg) {
		xmsg_nic_inc(nic, NIC_RX_RING_REUSED);
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
		xmsg_nic_inc(nic, NIC_RX_DROP_NOBLOCK);
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
	xmsg_nic_inc(nic, NIC_RX_DROP_NOMEM);
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
	xmsg_nic_dec(nic, NIC_RX_ZC_LIVE);
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

	if (skb_is_nonlinear(skb)) {
		if (skb_linearize(skb)) {
			xmsg_nic_inc(nic, NIC_RX_DROP_NOMEM);
			goto free_skb;
		}
		xmsg_nic_inc(nic, NIC_RX_LINEARIZED);
	}
	if (unlikely(!xmsg_nic_pin(nic))) {	/* rmmod has begun */
		xmsg_nic_inc(nic, NIC_RX_DROP_UNLOAD);
		goto free_skb;
	}
	zc->cb.fn = xmsg_nic_zc_release;
	zc->cb.owner = THIS_MODULE;
	zc->nic = nic;
	zc->skb = skb;
	msg = xmsg_msg_make_ext(skb_mac_header(skb), len, &ext, NULL,
				GFP_ATOMIC);
	if (IS_ERR(msg)) {
		xmsg_nic_unpin(nic);
		xmsg_nic_inc(nic, NIC_RX_DROP_NOMEM);
		goto free_skb;
	}
	/* From here the skb belongs to the message. */
	skb->dev = NULL;
	xmsg_nic_inc(nic, NIC_RX_ZC_LIVE);
	xmsg_nic_rx_send(nic, msg);
	return;

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
static rx_handler_result_t xmsg_nic_rx(struct sk_buff **pskb)
{
	struct sk_buff *skb = *pskb;
	struct xmsg_nic *nic = rcu_dereference(skb->dev->rx_handler_data);
	unsigned int len;

	if (skb->protocol != nic->ethertype ||
	    unlikely(skb->pkt_type == PACKET_LOOPBACK))
		return RX_HANDLER_PASS;
	xmsg_nic_inc(nic, NIC_RX_FRAMES);
	len = skb->len + skb->mac_len;
	if (nic->mode == XMSG_NIC_POOL) {
		xmsg_nic_rx_pool(nic, skb, len);
		return RX_HANDLER_CONSUMED;
	}
	xmsg_nic_rx_reuse(nic);	/* zc: releases what users returned */
	skb = skb_share_check(skb, GFP_ATOMIC);
	if (unlikely(!skb)) {
		xmsg_nic_inc(nic, NIC_RX_DROP_NOMEM);
		return RX_HANDLER_CONSUMED;
	}
	xmsg_nic_rx_zc(nic, skb, len);
	return RX_HANDLER_CONSUMED;
}

/* ---- transmit --------------------------------------------------------- */

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

	if (ctx->msg)
		xmsg_msg_rel(ctx->msg);
	else
		xmsg_block_rel(ctx->pool, ctx->dbp);
	kfree(ctx);
	xmsg_nic_inc(nic, NIC_TX_COMPLETED);
	xmsg_nic_dec(nic, NIC_TX_INFLIGHT);
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
		xmsg_nic_inc(nic, NIC_TX_DROP_NOMEM);
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
	xmsg_nic_inc(nic, NIC_TX_COPIED);
	rc = dev_queue_xmit(skb);
	xmsg_nic_inc(nic, rc == NET_XMIT_SUCCESS ? NIC_TX_SENT :
		     NIC_TX_DROP_XMIT);
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

	xmsg_nic_inc(nic, NIC_TX_MSGS);
	if (!xmsg_nic_tx_ok(nic, msg)) {
		xmsg_nic_inc(nic, NIC_TX_DROP_BAD);
		xmsg_msg_rel(msg);
		return;
	}
	ctx = kmalloc(sizeof(*ctx), GFP_KERNEL);
	if (!ctx) {
		xmsg_nic_inc(nic, NIC_TX_DROP_NOMEM);
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
	xmsg_nic_inc(nic, NIC_TX_INFLIGHT);
	skb = xmsg_nic_tx_skb(nic, ctx, len);
	if (!skb) {
		xmsg_nic_inc(nic, NIC_TX_DROP_NOMEM);
		return;
	}
	rc = dev_queue_xmit(skb);
	xmsg_nic_inc(nic, rc == NET_XMIT_SUCCESS ? NIC_TX_SENT :
		     NIC_TX_DROP_XMIT);
	return;

copy:
	kfree(ctx);
	xmsg_nic_tx_copy(nic, msg);
}

/* Receive from @xchg, or NULL after a timeout or a spurious wake-up. */
static struct xmsg_msg *xmsg_nic_recv(struct xmsg_xchg *xchg)
{
	struct xmsg_msg *msg;

	msg = xmsg_xchg_recv(xchg, NULL, XMSG_NIC_TX_POLL, 0, NULL);
	if (!IS_ERR_OR_NULL(msg))
		return msg;
	if (PTR_ERR(msg) != -ETIMEDOUT && PTR_ERR(msg) != -EAGAIN &&
	    PTR_ERR(msg) != -ERESTARTSYS && PTR_ERR(msg) != -EINTR)
		schedule_timeout_interruptible(XMSG_NIC_TX_POLL);
	return NULL;
}

static int xmsg_nic_tx_thread(void *data)
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
		xmsg_nic_inc(nic, NIC_SINK_SHORT);
	else if (eh->h_proto == nic->ethertype)
		xmsg_nic_inc(nic, NIC_SUNK);
	xmsg_msg_rel(msg);
}

/* Echo mode: a kernel receiver that reads each received frame in place and
 * sends the message on to the tx exchange unchanged, so the frame goes back
 * out of the device it came from (pool mode: without a copy).  Sink mode:
 * the same receiver only reads and releases (for the benchmark).
 */
static int xmsg_nic_echo_thread(void *data)
{
	struct xmsg_nic *nic = data;
	struct xmsg_msg *msg;

	while (!kthread_should_stop()) {
		msg = xmsg_nic_recv(nic->rx);
		if (!msg)
			continue;
		if (nic->sink) {
			xmsg_nic_sink(nic, msg);
			continue;
		}
		if (xmsg_xchg_send(nic->tx, msg, NULL, 0)) {
			xmsg_nic_inc(nic, NIC_ECHO_DROP);
			xmsg_msg_rel(msg);
			continue;
		}
		xmsg_nic_inc(nic, NIC_ECHOED);
	}
	return 0;
}

/* ---- attach and detach ------------------------------------------------ */

/* Try to give every buried pool back; return how many are left. */
static unsigned int xmsg_nic_reap(void)
{
	struct xmsg_nic_grave *g, *tmp;
	unsigned int left = 0;

	mutex_lock(&xmsg_nic_grave_lock);
	list_for_each_entry_safe(g, tmp, &xmsg_nic_graves, node) {
		if (xmsg_reg_unpublish(g->pool_u)) {
			left++;
			continue;
		}
		list_del(&g->node);
		kfree(g);
	}
	mutex_unlock(&xmsg_nic_grave_lock);
	return left;
}

static void xmsg_nic_reap_work(struct work_struct *work)
{
	if (xmsg_nic_reap())
		schedule_delayed_work(&xmsg_nic_reaper, HZ / 2);
}

/* Give the pool back to the registry now, or bury it for the reaper while
 * blocks are out or users map it.
 */
static void xmsg_nic_pool_unpublish(struct xmsg_cdev_obj *pool_u, const char *name)
{
	struct xmsg_nic_grave *g;

	if (!xmsg_reg_unpublish(pool_u))
		return;
	g = kmalloc(sizeof(*g), GFP_KERNEL | __GFP_NOFAIL);
	g->pool_u = pool_u;
	mutex_lock(&xmsg_nic_grave_lock);
	list_add_tail(&g->node, &xmsg_nic_graves);
	mutex_unlock(&xmsg_nic_grave_lock);
	pr_info_ratelimited("xmsg_nic: %s: pool busy, destroyed when its blocks are back\n",
			    name);
	schedule_delayed_work(&xmsg_nic_reaper, HZ / 2);
}

/* Name the objects "nic.<dev>.rx", ".tx", ".free" and "nic.<dev>" in the
 * registry of /dev/xmsg (ipc/cdev/publish.c), so that user processes
 * open them by name; the pool last, because once named it belongs to the
 * registry.  On error the caller unwinds what was published (@rx_u,
 * @tx_u, @free_u) after destroying the exchanges.
 */
static int xmsg_nic_publish(struct xmsg_nic *nic)
{
	char name[IFNAMSIZ + 16];
	struct xmsg_cdev_obj *u;

	snprintf(name, sizeof(name), "nic.%s.rx", nic->name);
	u = xmsg_reg_publish_xchg(name, obj_mode & 0777, nic->rx);
	if (IS_ERR(u))
		return PTR_ERR(u);
	nic->rx_u = u;
	snprintf(name, sizeof(name), "nic.%s.tx", nic->name);
	u = xmsg_reg_publish_xchg(name, obj_mode & 0777, nic->tx);
	if (IS_ERR(u))
		return PTR_ERR(u);
	nic->tx_u = u;
	snprintf(name, sizeof(name), "nic.%s.free", nic->name);
	u = xmsg_reg_publish_xchg(name, obj_mode & 0777, nic->free);
	if (IS_ERR(u))
		return PTR_ERR(u);
	nic->free_u = u;
	snprintf(name, sizeof(name), "nic.%s", nic->name);
	u = xmsg_reg_publish_pool(name, obj_mode & 0777, nic->pool);
	if (IS_ERR(u))
		return PTR_ERR(u);
	nic->pool_u = u;
	return 0;
}

/* Destroy an exchange unless a user with the right to did already. */
static void xmsg_nic_xchg_destroy(struct xmsg_xchg *xchg)
{
	if (!xmsg_obj_dead(xmsg_xchg_obj(xchg)))
		xmsg_xchg_destroy(xchg);
}

static void xmsg_nic_objs_destroy(struct xmsg_nic *nic)
{
	/* Queued messages go back to their origin (blocks to the pool). */
	xmsg_nic_xchg_destroy(nic->rx);
	xmsg_nic_xchg_destroy(nic->tx);
	xmsg_nic_xchg_destroy(nic->free);
	xmsg_reg_unpublish(nic->rx_u);
	xmsg_reg_unpublish(nic->tx_u);
	xmsg_reg_unpublish(nic->free_u);
	nic->rx = NULL;
	nic->tx = NULL;
	nic->free = NULL;
	/* The driver frees tx skbs soon; do not bury a pool for them. */
	wait_event_timeout(nic->idle,
			   !xmsg_nic_stat(nic, NIC_TX_INFLIGHT),
			   2 * HZ);
	/* The registry destroys the pool once it is idle and unused. */
	xmsg_nic_pool_unpublish(nic->pool_u, nic->name);
	nic->pool = NULL;
	nic->pool_u = NULL;
}

static int xmsg_nic_objs_create(struct xmsg_nic *nic)
{
	struct xmsg_pool_params pp = {
		.block_size = block_size,
		.count = pool_blocks,
	};
	char name[IFNAMSIZ + 16];
	int err;

	snprintf(name, sizeof(name), "nic.%s", nic->name);
	pp.name = name;
	nic->pool = xmsg_pool_create(&pp);
	if (IS_ERR(nic->pool))
		return PTR_ERR(nic->pool);
	snprintf(name, sizeof(name), "nic.%s.rx", nic->name);
	nic->rx = xmsg_xchg_create(name, XMSG_XCHG_KIND_NORMAL, xchg_limit);
	if (IS_ERR(nic->rx)) {
		err = PTR_ERR(nic->rx);
		goto destroy_pool;
	}
	snprintf(name, sizeof(name), "nic.%s.tx", nic->name);
	nic->tx = xmsg_xchg_create(name, XMSG_XCHG_KIND_NORMAL, xchg_limit);
	if (IS_ERR(nic->tx)) {
		err = PTR_ERR(nic->tx);
		goto destroy_rx;
	}
	/* Room for every block of the pool: returning one never fails. */
	snprintf(name, sizeof(name), "nic.%s.free", nic->name);
	nic->free = xmsg_xchg_create(name, XMSG_XCHG_KIND_NORMAL, pool_blocks);
	if (IS_ERR(nic->free)) {
		err = PTR_ERR(nic->free);
		goto destroy_tx;
	}
	err = xmsg_nic_publish(nic);
	if (err)
		goto destroy_free;
	return 0;

destroy_free:
	xmsg_xchg_destroy(nic->free);
destroy_tx:
	xmsg_xchg_destroy(nic->tx);
destroy_rx:
	xmsg_xchg_destroy(nic->rx);
	/* Only now: the last reference to a named exchange destroys it. */
	xmsg_reg_unpublish(nic->free_u);
	xmsg_reg_unpublish(nic->tx_u);
	xmsg_reg_unpublish(nic->rx_u);
	nic->free_u = NULL;
	nic->tx_u = NULL;
	nic->rx_u = NULL;
destroy_pool:
	xmsg_pool_destroy(nic->pool);
	return err;
}

static struct xmsg_nic *__xmsg_nic_find(const char *name)
{
	struct xmsg_nic *nic;

	ASSERT_RTNL();
	list_for_each_entry(nic, &xmsg_nic_list, node)
		if (!strcmp(nic->name, name))
			return nic;
	return NULL;
}

static void xmsg_nic_threads_stop(struct xmsg_nic *nic)
{
	if (nic->echo_thread)
		kthread_stop(nic->echo_thread);
	kthread_stop(nic->tx_thread);
}

/**
 * __xmsg_nic_detach() - undo everything __xmsg_nic_attach() did
 * @nic: an attachment on xmsg_nic_list
 *
 * Unregisters the rx_handler (waiting for running handlers), stops the
 * kthreads, drops the device, destroys the exchanges (queued messages go
 * back to their origin), waits up to 2 s for blocks in flight, then
 * destroys (or buries) the pool and drops the list's reference.
 *
 * Context: process context, caller holds the RTNL; sleeps.
 */
static void __xmsg_nic_detach(struct xmsg_nic *nic)
{
	ASSERT_RTNL();
	netdev_rx_handler_unregister(nic->dev);	/* waits for handlers */
	xmsg_nic_spares_release(nic);
	xmsg_nic_wake_flush(nic);
	xmsg_nic_threads_stop(nic);
	list_del(&nic->node);
	netdev_put(nic->dev, &nic->tracker);
	xmsg_nic_objs_destroy(nic);
	xmsg_nic_put(nic);
}

/**
 * struct xmsg_nic_cfg - what an attach asks for
 * @mode: receive mode
 * @type: EtherType taken (host order)
 * @echo: start the echo kernel receiver (rx exchange -> tx exchange)
 * @sink: start the sink kernel receiver (rx exchange -> released)
 */
struct xmsg_nic_cfg {
	enum xmsg_nic_mode mode;
	u16 type;
	bool echo;
	bool sink;
};

static struct xmsg_nic *xmsg_nic_alloc(struct net_device *dev,
				       const struct xmsg_nic_cfg *cfg)
{
	struct xmsg_nic *nic;
	int err;

	nic = kzalloc(sizeof(*nic), GFP_KERNEL);
	if (!nic)
		return ERR_PTR(-ENOMEM);
	nic->stats = alloc_percpu(struct xmsg_nic_stats);
	nic->spare = alloc_percpu(struct xmsg_msg *);
	if (!nic->stats || !nic->spare) {
		xmsg_nic_free_mem(nic);
		return ERR_PTR(-ENOMEM);
	}
	kref_init(&nic->ref);
	init_waitqueue_head(&nic->idle);
	spin_lock_init(&nic->wake_lock);
	INIT_LIST_HEAD(&nic->wake);
	xmsg_hrtimer_setup(&nic->wake_timer, xmsg_nic_wake_timer,
			   CLOCK_MONOTONIC, HRTIMER_MODE_REL_SOFT);
	nic->coalesce_ns = (u64)READ_ONCE(rx_coalesce_us) * NSEC_PER_USEC;
	nic->dev = dev;
	nic->mode = cfg->mode;
	nic->ethertype = htons(cfg->type);
	nic->sink = cfg->sink;
	strscpy(nic->name, dev->name, sizeof(nic->name));
	err = xmsg_nic_objs_create(nic);
	if (err) {
		xmsg_nic_free_mem(nic);
		return ERR_PTR(err);
	}
	return nic;
}

/* Create (not yet run) the tx thread and, with @echo, the echo thread. */
static int xmsg_nic_threads_create(struct xmsg_nic *nic, bool echo)
{
	struct task_struct *t;

	t = kthread_create(xmsg_nic_tx_thread, nic, "xmsg_nic_tx/%s",
			   nic->name);
	if (IS_ERR(t))
		return PTR_ERR(t);
	nic->tx_thread = t;
	if (!echo)
		return 0;
	t = kthread_create(xmsg_nic_echo_thread, nic, "xmsg_nic_echo/%s",
			   nic->name);
	if (IS_ERR(t)) {
		kthread_stop(nic->tx_thread);
		return PTR_ERR(t);
	}
	nic->echo_thread = t;
	return 0;
}

static void xmsg_nic_threads_wake(struct xmsg_nic *nic)
{
	wake_up_process(nic->tx_thread);
	if (nic->echo_thread)
		wake_up_process(nic->echo_thread);
}

/**
 * __xmsg_nic_attach() - take a device's frames of one EtherType
 * @name: device name
 * @cfg: mode, EtherType, echo
 *
 * Creates the pool "nic.@name" and the exchanges "nic.@name.rx" and
 * "nic.@name.tx", registers the rx_handler and starts the tx thread (and
 * the echo thread).
 *
 * Context: process context, caller holds the RTNL.
 * Return: 0, -ENODEV (no such device), -EEXIST (already attached here),
 * -EBUSY (the device has another rx_handler), -EINVAL (not an Ethernet
 * device), -ENOMEM, or an error of xmsg_pool_create(), xmsg_xchg_create()
 * or kthread_create().
 */
static int __xmsg_nic_attach(const char *name, const struct xmsg_nic_cfg *cfg)
{
	struct net_device *dev;
	struct xmsg_nic *nic;
	int err;

	ASSERT_RTNL();
	if (__xmsg_nic_find(name))
		return -EEXIST;
	dev = __dev_get_by_name(&init_net, name);
	if (!dev)
		return -ENODEV;
	if (dev->type != ARPHRD_ETHER || dev->hard_header_len != ETH_HLEN)
		return -EINVAL;
	nic = xmsg_nic_alloc(dev, cfg);
	if (IS_ERR(nic))
		return PTR_ERR(nic);
	err = xmsg_nic_threads_create(nic, cfg->echo || cfg->sink);
	if (err)
		goto destroy_objs;
	err = netdev_rx_handler_register(dev, xmsg_nic_rx, nic);
	if (err)
		goto stop_threads;
	netdev_hold(dev, &nic->tracker, GFP_KERNEL);
	list_add_tail(&nic->node, &xmsg_nic_list);
	xmsg_nic_threads_wake(nic);
	return 0;

stop_threads:
	xmsg_nic_threads_stop(nic);
destroy_objs:
	xmsg_nic_objs_destroy(nic);
	xmsg_nic_free_mem(nic);
	return err;
}

static int xmsg_nic_attach(const char *name, const struct xmsg_nic_cfg *cfg)
{
	int err;

	rtnl_lock();
	err = __xmsg_nic_attach(name, cfg);
	rtnl_unlock();
	return err;
}

static int xmsg_nic_detach(const char *name)
{
	struct xmsg_nic *nic;
	int err = 0;

	rtnl_lock();
	nic = __xmsg_nic_find(name);
	if (nic)
		__xmsg_nic_detach(nic);
	else
		err = -ENODEV;
	rtnl_unlock();
	return err;
}

static int xmsg_nic_event(struct notifier_block *nb, unsigned long event,
			  void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct xmsg_nic *nic, *tmp;

	if (event != NETDEV_UNREGISTER)
		return NOTIFY_DONE;
	list_for_each_entry_safe(nic, tmp, &xmsg_nic_list, node)
		if (nic->dev == dev)
			__xmsg_nic_detach(nic);
	return NOTIFY_DONE;
}

static struct notifier_block xmsg_nic_notifier = {
	.notifier_call = xmsg_nic_event,
};

/* ---- debugfs ---------------------------------------------------------- */

static void xmsg_nic_show_one(struct seq_file *m, struct xmsg_nic *nic)
{
	struct xmsg_pool_stats ps;
	int i;

	xmsg_pool_get_stats(nic->pool, &ps);
	seq_printf(m, "dev=%s mode=%s ethertype=0x%04x pool=nic.%s rx=nic.%s.rx tx=nic.%s.tx free=nic.%s.free",
		   nic->name, xmsg_nic_mode_names[nic->mode],
		   ntohs(nic->ethertype), nic->name, nic->name, nic->name,
		   nic->name);
	for (i = 0; i < NIC_NR_STATS; i++)
		seq_printf(m, " %s=%ld", xmsg_nic_stat_names[i],
			   xmsg_nic_stat(nic, i));
	seq_printf(m, " pool_free=%llu pool_in_use=%llu pool_count=%llu block_size=%llu\n",
		   ps.free, ps.in_use, ps.count, ps.block_size);
}

static int xmsg_nic_stats_show(struct seq_file *m, void *v)
{
	struct xmsg_nic *nic;

	rtnl_lock();
	list_for_each_entry(nic, &xmsg_nic_list, node)
		xmsg_nic_show_one(m, nic);
	rtnl_unlock();
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(xmsg_nic_stats);

/* One word of an attach line: a mode, "echo" or an EtherType. */
static int xmsg_nic_parse_word(const char *w, struct xmsg_nic_cfg *cfg)
{
	int i = sysfs_match_string(xmsg_nic_mode_names, w);

	if (i >= 0) {
		cfg->mode = i;
		return 0;
	}
	if (!strcmp(w, "echo")) {
		cfg->echo = true;
		return 0;
	}
	if (!strcmp(w, "sink")) {
		cfg->sink = true;
		return 0;
	}
	return kstrtou16(w, 0, &cfg->type);
}

/* "IFNAME [pool|zc] [ETHERTYPE] [echo|sink]", words after IFNAME in any
 * order.
 */
static int xmsg_nic_parse_attach(char *buf)
{
	struct xmsg_nic_cfg cfg = {
		.mode = XMSG_NIC_POOL,
		.type = ethertype,
	};
	char *name, *w;
	int err;

	name = strsep(&buf, " \t\n");
	if (!name || !*name)
		return -EINVAL;
	while ((w = strsep(&buf, " \t\n"))) {
		if (!*w)
			continue;
		err = xmsg_nic_parse_word(w, &cfg);
		if (err)
			return -EINVAL;
	}
	if (cfg.echo && cfg.sink)
		return -EINVAL;
	return xmsg_nic_attach(name, &cfg);
}

/* Attach and detach decide what becomes of a device's traffic: they need
 * CAP_NET_ADMIN over the devices' network namespace (every attachment is
 * in init_net), both in the task that opened the file and in the writer,
 * so that a file opened without the right cannot be handed to a
 * privileged program to write to.
 */
static bool xmsg_nic_may_admin(struct file *f)
{
	struct user_namespace *ns = init_net.user_ns;

	return file_ns_capable(f, ns, CAP_NET_ADMIN) &&
	       ns_capable(ns, CAP_NET_ADMIN);
}

static ssize_t xmsg_nic_write(struct file *f, const char __user *ubuf,
			      size_t len, bool attach)
{
	char buf[64];
	char *s;
	int err;

	if (!xmsg_nic_may_admin(f))
		return -EPERM;
	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	if (attach) {
		err = xmsg_nic_parse_attach(buf);
	} else {
		s = strim(buf);
		err = xmsg_nic_detach(s);
	}
	return err ? err : len;
}

static ssize_t xmsg_nic_attach_write(struct file *f, const char __user *ubuf,
				     size_t len, loff_t *ppos)
{
	return xmsg_nic_write(f, ubuf, len, true);
}

static ssize_t xmsg_nic_detach_write(struct file *f, const char __user *ubuf,
				     size_t len, loff_t *ppos)
{
	return xmsg_nic_write(f, ubuf, len, false);
}

static const struct file_operations xmsg_nic_attach_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = xmsg_nic_attach_write,
	.llseek = noop_llseek,
};

static const struct file_operations xmsg_nic_detach_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = xmsg_nic_detach_write,
	.llseek = noop_llseek,
};

static void xmsg_nic_debugfs_init(void)
{
	struct dentry *root = xmsg_debugfs_root();

	if (IS_ERR_OR_NULL(root))
		return;
	xmsg_nic_dir = debugfs_create_dir("nic", root);
	debugfs_create_file("attach", 0200, xmsg_nic_dir, NULL,
			    &xmsg_nic_attach_fops);
	debugfs_create_file("detach", 0200, xmsg_nic_dir, NULL,
			    &xmsg_nic_detach_fops);
	debugfs_create_file("stats", 0400, xmsg_nic_dir, NULL,
			    &xmsg_nic_stats_fops);
}

/* ---- module ----------------------------------------------------------- */

static void xmsg_nic_detach_all(void)
{
	struct xmsg_nic *nic, *tmp;

	rtnl_lock();
	list_for_each_entry_safe(nic, tmp, &xmsg_nic_list, node)
		__xmsg_nic_detach(nic);
	rtnl_unlock();
}

static int __init xmsg_nic_load_attach(void)
{
	struct xmsg_nic_cfg cfg = {
		.type = ethertype,
	};
	int err;

	err = xmsg_nic_parse_word(mode, &cfg);
	if (err || cfg.echo || cfg.sink)
		return -EINVAL;
	return xmsg_nic_attach(ifname, &cfg);
}

static int __init xmsg_nic_init(void)
{
	int err;

	err = register_netdevice_notifier(&xmsg_nic_notifier);
	if (err)
		return err;
	if (ifname && *ifname) {
		err = xmsg_nic_load_attach();
		if (err) {
			unregister_netdevice_notifier(&xmsg_nic_notifier);
			return err;
		}
	}
	xmsg_nic_debugfs_init();
	return 0;
}
module_init(xmsg_nic_init);

static void __exit xmsg_nic_exit(void)
{
	int i;

	debugfs_remove(xmsg_nic_dir);
	xmsg_nic_detach_all();
	unregister_netdevice_notifier(&xmsg_nic_notifier);
	cancel_delayed_work_sync(&xmsg_nic_reaper);
	for (i = 0; i < 50 && xmsg_nic_reap(); i++)
		msleep(100);
	if (xmsg_nic_reap())
		pr_warn("xmsg_nic: pools still in use at unload, left behind\n");
}
module_exit(xmsg_nic_exit);

MODULE_DESCRIPTION("xmsg NIC sample: frames to messages and back, zero-copy");
MODULE_AUTHOR("The xmsg developers");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(XMSG_NS);
