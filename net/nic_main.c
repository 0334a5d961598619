// SPDX-License-Identifier: GPL-2.0
/* xmsg NIC sample: received frames become xmsg messages, messages sent to
 * a transmit exchange leave through the NIC without being copied.
 *
 * This is the input/output model of exchange messaging on a real Linux
 * network path: an interrupt handler (here the device's rx_handler,
 * softirq context) gets a bare block, fills it (the DMA step: one copy
 * of the frame), makes it a message and sends it to an exchange; on
 * output a message is unmade back into a bare block
 * that the driver transmits and that returns to its pool when the driver
 * frees the skb.
 *
 * Attach a device at load time (ifname=eth0 mode=pool) or at run time
 * (CAP_NET_ADMIN needed) through the generic netlink family "xmsg_nic"
 * (<linux/xmsg_nic.h>, libxmsg's xm_nic_attach()) or through debugfs
 * (by the opener and the writer of the file):
 *
 *	echo "eth0 pool" > /sys/kernel/debug/xmsg/nic/attach
 *	echo eth0 > /sys/kernel/debug/xmsg/nic/detach
 *	cat /sys/kernel/debug/xmsg/nic/stats
 *
 * This file: module parameters, attach and detach, the lifetime of an
 * attachment, module init and exit.  The locking rules are in nic.h.
 * See docs/nic.md for the design, what is and is not zero-copy, and the
 * figures.
 */

#include <linux/delay.h>
#include <linux/err.h>
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>

#include "nic.h"
#define CREATE_TRACE_POINTS
#include "nic_trace.h"

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

/* The exchanges' own modes, -1: obj_mode.  Receiving (read on .rx),
 * returning (write on .free) and transmitting raw frames (write on .tx)
 * are different rights; the pool holds the frames of both directions, so
 * it has the one mode obj_mode.
 */
static int xmsg_nic_obj_mode_set(const char *val, const struct kernel_param *kp)
{
	int m, err = kstrtoint(val, 0, &m);

	if (err)
		return err;
	if (m < -1 || m > 0777)
		return -EINVAL;
	*(int *)kp->arg = m;
	return 0;
}

static const struct kernel_param_ops xmsg_nic_obj_mode_ops = {
	.set = xmsg_nic_obj_mode_set,
	.get = param_get_int,
};

static int rx_obj_mode = -1;
module_param_cb(rx_obj_mode, &xmsg_nic_obj_mode_ops, &rx_obj_mode, 0644);
MODULE_PARM_DESC(rx_obj_mode, "permission bits of nic.<dev>.rx, 0 to 0777 (default -1: obj_mode)");

static int tx_obj_mode = -1;
module_param_cb(tx_obj_mode, &xmsg_nic_obj_mode_ops, &tx_obj_mode, 0644);
MODULE_PARM_DESC(tx_obj_mode, "permission bits of nic.<dev>.tx, 0 to 0777 (default -1: obj_mode)");

static int free_obj_mode = -1;
module_param_cb(free_obj_mode, &xmsg_nic_obj_mode_ops, &free_obj_mode, 0644);
MODULE_PARM_DESC(free_obj_mode, "permission bits of nic.<dev>.free, 0 to 0777 (default -1: obj_mode)");

/* The mode of an object whose parameter is *@param (NULL or -1: obj_mode). */
static umode_t xmsg_nic_obj_mode(const int *param)
{
	int m = param ? READ_ONCE(*param) : -1;

	return (m < 0 ? READ_ONCE(obj_mode) : m) & 0777;
}

static uint rx_coalesce_us;
module_param(rx_coalesce_us, uint, 0644);
MODULE_PARM_DESC(rx_coalesce_us, "wake an rx receiver at most this long after the frame that it gets (interrupt coalescing; default 0: at once)");

static uint xchg_limit = 256;
module_param(xchg_limit, uint, 0644);
MODULE_PARM_DESC(xchg_limit, "queue limit of the rx and tx exchanges (default 256)");

/* Each live zero-copy message pins an skb that is charged to nobody: at
 * most about 4.5 KiB for a full-size frame that had to be linearized
 * (a 2 KiB head, struct skb_shared_info, the sk_buff and the message), so
 * the default bounds what one attachment pins to about 18 MiB.  4096 is
 * as many frames as a pool of 4096 blocks or a TPACKET_V3 ring of 8 x 1 MiB
 * blocks holds at 2 KiB a frame (what nic_bench gives each receiver), so
 * a receiver that keeps up never meets the cap.
 */
static uint zc_max_live = 4096;
module_param(zc_max_live, uint, 0644);
MODULE_PARM_DESC(zc_max_live, "zero-copy mode: received messages alive at once per attachment; frames over it are dropped as full (default 4096)");

LIST_HEAD(xmsg_nic_list);

/* Finishes the detaches the netdevice notifier begins under the RTNL. */
static struct workqueue_struct *xmsg_nic_wq;

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

static void xmsg_nic_free_mem(struct xmsg_nic *nic)
{
	free_percpu(nic->spares);
	free_percpu(nic->stats);
	kfree(nic);
}

static void xmsg_nic_free(struct kref *ref)
{
	xmsg_nic_free_mem(container_of(ref, struct xmsg_nic, ref));
}

void xmsg_nic_put(struct xmsg_nic *nic)
{
	kref_put(&nic->ref, xmsg_nic_free);
}

/* Take the references that a callback armed for @nic needs: the
 * module's, which fails once rmmod has begun, and the attachment's.  The
 * callback, run by xmsg_mod_cb_call(), drops the attachment's itself and
 * the module's is dropped by xmsg.ko after it returned.
 */
bool xmsg_nic_pin(struct xmsg_nic *nic)
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
void xmsg_nic_unpin(struct xmsg_nic *nic)
{
	xmsg_nic_put(nic);
	module_put(THIS_MODULE);
}

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
	u = xmsg_reg_publish_xchg(name, xmsg_nic_obj_mode(&rx_obj_mode),
				  nic->rx);
	if (IS_ERR(u))
		return PTR_ERR(u);
	nic->rx_u = u;
	snprintf(name, sizeof(name), "nic.%s.tx", nic->name);
	u = xmsg_reg_publish_xchg(name, xmsg_nic_obj_mode(&tx_obj_mode),
				  nic->tx);
	if (IS_ERR(u))
		return PTR_ERR(u);
	nic->tx_u = u;
	snprintf(name, sizeof(name), "nic.%s.free", nic->name);
	u = xmsg_reg_publish_xchg(name, xmsg_nic_obj_mode(&free_obj_mode),
				  nic->free);
	if (IS_ERR(u))
		return PTR_ERR(u);
	nic->free_u = u;
	snprintf(name, sizeof(name), "nic.%s", nic->name);
	u = xmsg_reg_publish_pool(name, xmsg_nic_obj_mode(NULL), nic->pool);
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
			   !xmsg_nic_stat(nic, XMSG_NIC_STAT_TX_INFLIGHT),
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

/* The attachment of the device named @name at attach time in @net. */
static struct xmsg_nic *__xmsg_nic_find_name(struct net *net, const char *name)
{
	struct xmsg_nic *nic;

	ASSERT_RTNL();
	list_for_each_entry(nic, &xmsg_nic_list, node)
		if (!nic->detaching && net_eq(dev_net(nic->dev), net) &&
		    !strcmp(nic->name, name))
			return nic;
	return NULL;
}

/* The first attachment not being detached, or NULL. */
static struct xmsg_nic *__xmsg_nic_first_live(void)
{
	struct xmsg_nic *nic;

	ASSERT_RTNL();
	list_for_each_entry(nic, &xmsg_nic_list, node)
		if (!nic->detaching)
			return nic;
	return NULL;
}

/* The attachment of @dev, being detached or not. */
static struct xmsg_nic *__xmsg_nic_find_any(const struct net_device *dev)
{
	struct xmsg_nic *nic;

	ASSERT_RTNL();
	list_for_each_entry(nic, &xmsg_nic_list, node)
		if (nic->dev == dev)
			return nic;
	return NULL;
}

/**
 * __xmsg_nic_find_dev() - the attachment of a device
 * @dev: the device
 *
 * Context: caller holds the RTNL.
 * Return: the attachment, or NULL when @dev is not attached (or is being
 * detached).
 */
struct xmsg_nic *__xmsg_nic_find_dev(const struct net_device *dev)
{
	struct xmsg_nic *nic = __xmsg_nic_find_any(dev);

	return nic && !nic->detaching ? nic : NULL;
}

static void xmsg_nic_threads_stop(struct xmsg_nic *nic)
{
	if (nic->echo_thread)
		kthread_stop(nic->echo_thread);
	kthread_stop(nic->tx_thread);
}

/**
 * __xmsg_nic_unlink() - the part of a detach that needs the RTNL
 * @nic: an attachment on xmsg_nic_list, not being detached
 *
 * Unregisters the rx_handler (waiting for running handlers) and marks
 * @nic as being detached: from now on commands do not find it (attach of
 * its device fails with -EBUSY, detach and get with -ENOENT or -ENODEV)
 * and the netdevice notifier leaves it alone.  @nic stays on the list,
 * with its device reference, until xmsg_nic_teardown() finished it; the
 * caller must call that once the RTNL is dropped.
 *
 * Context: process context, caller holds the RTNL; sleeps.
 */
void __xmsg_nic_unlink(struct xmsg_nic *nic)
{
	ASSERT_RTNL();
	WARN_ON_ONCE(nic->detaching);
	netdev_rx_handler_unregister(nic->dev);	/* waits for handlers */
	nic->detaching = true;
}

/**
 * xmsg_nic_teardown() - finish the detach __xmsg_nic_unlink() began
 * @nic: the attachment
 *
 * Stops the kthreads, destroys the exchanges (queued messages go back to
 * their origin), waits up to 2 s for the blocks the device still holds,
 * destroys (or buries) the pool, drops the device, takes @nic off the list
 * and drops the list's reference.  The waits happen without the RTNL, so
 * a device slow to complete its transmits stalls no other network
 * configuration; the device reference is dropped only after them, so an
 * unregister of the device waits for them (netdev_wait_allrefs()).
 *
 * Context: process context, not under the RTNL (it takes it); sleeps.
 */
void xmsg_nic_teardown(struct xmsg_nic *nic)
{
	might_sleep();
	xmsg_nic_spares_release(nic);
	xmsg_nic_wake_flush(nic);
	xmsg_nic_threads_stop(nic);
	xmsg_nic_objs_destroy(nic);
	netdev_put(nic->dev, &nic->tracker);
	rtnl_lock();
	list_del(&nic->node);
	rtnl_unlock();
	xmsg_nic_put(nic);
}

static void xmsg_nic_teardown_work(struct work_struct *work)
{
	xmsg_nic_teardown(container_of(work, struct xmsg_nic, teardown));
}

static struct xmsg_nic *xmsg_nic_alloc(struct net_device *dev,
				       const struct xmsg_nic_cfg *cfg)
{
	struct xmsg_nic *nic;
	int err;

	nic = kzalloc(sizeof(*nic), GFP_KERNEL);
	if (!nic)
		return ERR_PTR(-ENOMEM);
	nic->stats = alloc_percpu(struct xmsg_nic_stats);
	nic->spares = alloc_percpu(struct xmsg_nic_spares);
	if (!nic->stats || !nic->spares) {
		xmsg_nic_free_mem(nic);
		return ERR_PTR(-ENOMEM);
	}
	kref_init(&nic->ref);
	INIT_WORK(&nic->teardown, xmsg_nic_teardown_work);
	init_waitqueue_head(&nic->idle);
	spin_lock_init(&nic->wake_lock);
	INIT_LIST_HEAD(&nic->wake);
	xmsg_hrtimer_setup(&nic->wake_timer, xmsg_nic_wake_timer,
			   CLOCK_MONOTONIC, HRTIMER_MODE_REL_SOFT);
	nic->coalesce_ns = (u64)READ_ONCE(rx_coalesce_us) * NSEC_PER_USEC;
	nic->zc_max_live = READ_ONCE(zc_max_live);
	atomic_set(&nic->zc_live, 0);
	nic->dev = dev;
	nic->mode = cfg->mode;
	nic->ethertype = htons(cfg->type);
	nic->krecv = cfg->krecv;
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
 * @dev: the device
 * @cfg: mode, EtherType, kernel receiver
 *
 * Creates the pool "nic.<dev>" and the exchanges "nic.<dev>.rx", ".tx"
 * and ".free", named in the caller's IPC namespace, registers the
 * rx_handler and starts the tx thread (and the kernel receiver).
 *
 * Context: process context, caller holds the RTNL.
 * Return: 0, -EEXIST (already attached, or a name is taken), -EBUSY (the
 * device has another rx_handler, or is still being detached), -EINVAL
 * (not an Ethernet device, or
 * its name is no valid xmsg name), -ENOMEM, or an error of
 * xmsg_pool_create(), xmsg_xchg_create() or kthread_create().
 */
int __xmsg_nic_attach(struct net_device *dev, const struct xmsg_nic_cfg *cfg)
{
	struct xmsg_nic *nic;
	int err;

	ASSERT_RTNL();
	nic = __xmsg_nic_find_any(dev);
	if (nic)
		return nic->detaching ? -EBUSY : -EEXIST;
	if (dev->type != ARPHRD_ETHER || dev->hard_header_len != ETH_HLEN)
		return -EINVAL;
	nic = xmsg_nic_alloc(dev, cfg);
	if (IS_ERR(nic))
		return PTR_ERR(nic);
	err = xmsg_nic_threads_create(nic, cfg->krecv != XMSG_NIC_KRECV_NONE);
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

/**
 * xmsg_nic_attach() - attach a device of the initial network namespace
 * @name: its name
 * @cfg: mode, EtherType, kernel receiver
 *
 * Context: process context; takes the RTNL.
 * Return: 0, -ENODEV (no such device), or an error of __xmsg_nic_attach().
 */
int xmsg_nic_attach(const char *name, const struct xmsg_nic_cfg *cfg)
{
	struct net_device *dev;
	int err = -ENODEV;

	rtnl_lock();
	dev = __dev_get_by_name(&init_net, name);
	if (dev)
		err = __xmsg_nic_attach(dev, cfg);
	rtnl_unlock();
	return err;
}

/**
 * xmsg_nic_detach() - detach a device of the initial network namespace
 * @name: its name when it was attached
 *
 * Context: process context; takes the RTNL.
 * Return: 0, or -ENODEV when no such device is attached.
 */
int xmsg_nic_detach(const char *name)
{
	struct xmsg_nic *nic;
	int err = 0;

	rtnl_lock();
	nic = __xmsg_nic_find_name(&init_net, name);
	if (nic)
		__xmsg_nic_unlink(nic);
	else
		err = -ENODEV;
	rtnl_unlock();
	if (nic)
		xmsg_nic_teardown(nic);
	return err;
}

static int xmsg_nic_event(struct notifier_block *nb, unsigned long event,
			  void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct xmsg_nic *nic;

	if (event != NETDEV_UNREGISTER)
		return NOTIFY_DONE;
	/* Under the RTNL: the waits of the teardown are left to a work
	 * item, and the unregister waits for our device reference.
	 */
	nic = __xmsg_nic_find_dev(dev);
	if (nic) {
		__xmsg_nic_unlink(nic);
		queue_work(xmsg_nic_wq, &nic->teardown);
	}
	return NOTIFY_DONE;
}

static struct notifier_block xmsg_nic_notifier = {
	.notifier_call = xmsg_nic_event,
};

/* ---- module ----------------------------------------------------------- */

/* Detach every device; those the notifier began to detach are finished
 * by xmsg_nic_wq, which the caller drains.
 */
static void xmsg_nic_detach_all(void)
{
	struct xmsg_nic *nic;

	do {
		rtnl_lock();
		nic = __xmsg_nic_first_live();
		if (nic)
			__xmsg_nic_unlink(nic);
		rtnl_unlock();
		if (nic)
			xmsg_nic_teardown(nic);
	} while (nic);
}

/**
 * xmsg_nic_cfg_init() - the defaults of an attach
 * @cfg: set to pool mode, the ethertype parameter, no kernel receiver
 *
 * Context: any context.
 */
void xmsg_nic_cfg_init(struct xmsg_nic_cfg *cfg)
{
	*cfg = (struct xmsg_nic_cfg){
		.mode = XMSG_NIC_MODE_POOL,
		.type = READ_ONCE(ethertype),
	};
}

static int __init xmsg_nic_load_attach(void)
{
	struct xmsg_nic_cfg cfg;
	int err;

	xmsg_nic_cfg_init(&cfg);
	err = xmsg_nic_parse_word(mode, &cfg);
	if (err || cfg.krecv != XMSG_NIC_KRECV_NONE)
		return -EINVAL;
	return xmsg_nic_attach(ifname, &cfg);
}

/* Give every buried pool back, waiting up to 5 s for the busy ones. */
static void xmsg_nic_reap_all(void)
{
	int i;

	cancel_delayed_work_sync(&xmsg_nic_reaper);
	for (i = 0; i < 50 && xmsg_nic_reap(); i++)
		msleep(100);
	if (xmsg_nic_reap())
		pr_warn("xmsg_nic: pools still in use at unload, left behind\n");
}

static int __init xmsg_nic_init(void)
{
	int err;

	xmsg_nic_wq = alloc_workqueue("xmsg_nic", 0, 0);
	if (!xmsg_nic_wq)
		return -ENOMEM;
	err = register_netdevice_notifier(&xmsg_nic_notifier);
	if (err)
		goto destroy_wq;
	if (ifname && *ifname) {
		err = xmsg_nic_load_attach();
		if (err)
			goto unregister_notifier;
	}
	xmsg_nic_debugfs_init();
	err = xmsg_nic_genl_init();
	if (err)
		goto detach;
	return 0;

detach:
	xmsg_nic_debugfs_exit();
	xmsg_nic_detach_all();
unregister_notifier:
	unregister_netdevice_notifier(&xmsg_nic_notifier);
destroy_wq:
	destroy_workqueue(xmsg_nic_wq);	/* finishes the teardowns queued */
	xmsg_nic_reap_all();
	return err;
}
module_init(xmsg_nic_init);

static void __exit xmsg_nic_exit(void)
{
	xmsg_nic_genl_exit();
	xmsg_nic_debugfs_exit();
	xmsg_nic_detach_all();
	unregister_netdevice_notifier(&xmsg_nic_notifier);
	destroy_workqueue(xmsg_nic_wq);	/* finishes the teardowns queued */
	xmsg_nic_reap_all();
}
module_exit(xmsg_nic_exit);

MODULE_DESCRIPTION("xmsg NIC sample: frames to messages and back, zero-copy");
MODULE_AUTHOR("The xmsg developers");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(XMSG_NS);
