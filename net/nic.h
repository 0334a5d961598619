/* SPDX-License-Identifier: GPL-2.0 */
/* xmsg NIC sample: what the files of xmsg_nic.ko share (not installed).
 *
 * nic_main.c	attach, detach, lifetime, module init and exit
 * nic_rx.c	the rx_handler: frames to messages, coalesced wake-ups
 * nic_tx.c	the tx kthread: messages out of the device in place; the
 *		echo and sink kernel receivers
 * nic_debugfs.c	control and statistics in debugfs
 * nic_genl.c	control and statistics through generic netlink
 */
#ifndef XMSG_NIC_H
#define XMSG_NIC_H

#include <linux/hrtimer.h>
#include <linux/if.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/netdevice.h>
#include <linux/percpu.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/xmsg_nic.h>

#include <xmsg/mm.h>
#include <xmsg/ipc.h>
#include <xmsg/registry.h>

/* Locking
 *
 * - xmsg_nic_list, @detaching and every attach are protected by the RTNL
 *   (netdev_rx_handler_register() needs it anyway, and the netdevice
 *   notifier that detaches a vanishing device runs under it).  A detach
 *   has two parts: under the RTNL __xmsg_nic_unlink() unregisters the
 *   rx_handler and sets @detaching; then, without it,
 *   xmsg_nic_teardown() stops the threads, waits for the device to give
 *   back the blocks it transmits from, destroys the objects, drops the
 *   device reference and finally takes the RTNL again for a moment to
 *   take the attachment off the list.  Only the one who set @detaching
 *   tears down (the notifier through a work item on xmsg_nic_wq, drained
 *   at module exit); everyone else skips an attachment being detached.
 * - The rx path (xmsg_nic_rx(), softirq) reaches its struct xmsg_nic
 *   through dev->rx_handler_data under RCU; detach unregisters the handler
 *   and netdev_rx_handler_unregister() waits (synchronize_net()) for every
 *   running handler before the attachment is torn down.
 * - The tx kthread is the only user of the tx exchange's receive side; it
 *   is stopped with kthread_stop() before the device reference is dropped.
 * - Counters are per-CPU longs (this_cpu_inc()), summed without a lock
 *   when read (a snapshot), except @zc_live: an atomic_t that the rx path
 *   raises only while it is below @zc_max_live (atomic_add_unless()) and
 *   the zero-copy release callback lowers, so that it is a hard cap.
 * - @spares (per CPU): messages the rx exchange's ring gave back for the
 *   next frames (xmsg_xchg_send_reuse_many()); used by the rx path only,
 *   which runs with BHs off, so the CPU's stack is its own; emptied at
 *   detach once the rx_handler is gone.
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

/* The counters (enum xmsg_nic_stat) kept per CPU end here; the pool's
 * figures after them are read from the pool.
 */
#define XMSG_NIC_NR_COUNTERS	XMSG_NIC_STAT_POOL_FREE

/* Per-CPU counters of an attachment, indexed by enum xmsg_nic_stat */
struct xmsg_nic_stats {
	long v[XMSG_NIC_NR_COUNTERS];
};

/* Spare messages kept per CPU: a receive ring's reader frees in batches */
#define XMSG_NIC_SPARES	16

/**
 * struct xmsg_nic_spares - one CPU's stack of spare messages
 * @n: messages in @msg
 * @msg: whole messages of the attachment's pool, owner NULL, each to
 *	carry a frame
 */
struct xmsg_nic_spares {
	unsigned int n;
	struct xmsg_msg *msg[XMSG_NIC_SPARES];
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
 * @zc_live: zero-copy messages alive now (each pins an skb); raised by the
 *	rx path below @zc_max_live only, lowered by their release callback
 * @zc_max_live: zc_max_live at attach time
 * @wake_lock: protects @wake (softirq; process context with BHs off)
 * @wake: receivers of @rx handed a frame but not woken yet (coalescing)
 * @wake_timer: wakes them, @coalesce_ns after the first of them
 * @tx_thread: receives from @tx and transmits
 * @echo_thread: echo or sink only: the kernel receiver at @rx
 * @krecv: what @echo_thread does: echo (send on to @tx) or sink (release)
 * @stats: per-CPU counters, see enum xmsg_nic_stat
 * @spares: per-CPU messages given back by the rx exchange's ring, for
 *	the next frames (pool mode)
 * @detaching: set under the RTNL by __xmsg_nic_unlink(): the rx_handler
 *	is gone and xmsg_nic_teardown() is finishing the detach without the
 *	RTNL; commands and the notifier skip @nic, an attach of @dev fails
 * @teardown: runs xmsg_nic_teardown() for the netdevice notifier
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
	atomic_t zc_live;
	unsigned int zc_max_live;
	spinlock_t wake_lock;	/* see above */
	struct list_head wake;
	struct hrtimer wake_timer;
	struct task_struct *tx_thread;
	struct task_struct *echo_thread;
	enum xmsg_nic_krecv krecv;
	struct xmsg_nic_stats __percpu *stats;
	struct xmsg_nic_spares __percpu *spares;
	bool detaching;
	struct work_struct teardown;
	char name[IFNAMSIZ];
};

/**
 * struct xmsg_nic_cfg - what an attach asks for
 * @mode: receive mode
 * @type: EtherType taken (host order)
 * @krecv: a kernel receiver at the rx exchange: none, echo (sends on to
 *	the tx exchange) or sink (releases)
 */
struct xmsg_nic_cfg {
	enum xmsg_nic_mode mode;
	u16 type;
	enum xmsg_nic_krecv krecv;
};

/* Every attachment; protected by the RTNL. */
extern struct list_head xmsg_nic_list;

static inline void xmsg_nic_inc(struct xmsg_nic *nic, enum xmsg_nic_stat s)
{
	this_cpu_inc(nic->stats->v[s]);
}

static inline void xmsg_nic_dec(struct xmsg_nic *nic, enum xmsg_nic_stat s)
{
	this_cpu_dec(nic->stats->v[s]);
}

static inline long xmsg_nic_stat(struct xmsg_nic *nic, enum xmsg_nic_stat s)
{
	long sum = 0;
	int cpu;

	/* A gauge the rx path compares with its cap: one atomic, not per CPU */
	if (s == XMSG_NIC_STAT_RX_ZC_LIVE)
		return atomic_read(&nic->zc_live);
	for_each_possible_cpu(cpu)
		sum += per_cpu_ptr(nic->stats, cpu)->v[s];
	return sum;
}

/* nic_main.c */
void xmsg_nic_put(struct xmsg_nic *nic);
bool xmsg_nic_pin(struct xmsg_nic *nic);
void xmsg_nic_unpin(struct xmsg_nic *nic);
void xmsg_nic_cfg_init(struct xmsg_nic_cfg *cfg);
int xmsg_nic_attach(const char *name, const struct xmsg_nic_cfg *cfg);
int xmsg_nic_detach(const char *name);
int __xmsg_nic_attach(struct net_device *dev, const struct xmsg_nic_cfg *cfg);
void __xmsg_nic_unlink(struct xmsg_nic *nic);
void xmsg_nic_teardown(struct xmsg_nic *nic);
struct xmsg_nic *__xmsg_nic_find_dev(const struct net_device *dev);

/* nic_rx.c */
rx_handler_result_t xmsg_nic_rx(struct sk_buff **pskb);
enum hrtimer_restart xmsg_nic_wake_timer(struct hrtimer *t);
void xmsg_nic_wake_flush(struct xmsg_nic *nic);
void xmsg_nic_spares_release(struct xmsg_nic *nic);

/* nic_tx.c */
int xmsg_nic_tx_thread(void *data);
int xmsg_nic_echo_thread(void *data);

/* nic_debugfs.c */
int xmsg_nic_parse_word(const char *w, struct xmsg_nic_cfg *cfg);
void xmsg_nic_debugfs_init(void);
void xmsg_nic_debugfs_exit(void);

/* nic_genl.c */
int xmsg_nic_genl_init(void);
void xmsg_nic_genl_exit(void);

#endif /* XMSG_NIC_H */
