// SPDX-License-Identifier: GPL-2.0
/* xmsg NIC sample, debugfs: attach and detach by writing a line, the
 * counters of every attachment as one line each.
 *
 *	echo "eth0 pool" > /sys/kernel/debug/xmsg/nic/attach
 *	echo eth0 > /sys/kernel/debug/xmsg/nic/detach
 *	cat /sys/kernel/debug/xmsg/nic/stats
 */

#include <linux/capability.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/rtnetlink.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <net/net_namespace.h>

#include "nic.h"

static const char * const xmsg_nic_mode_names[] = {
	[XMSG_NIC_MODE_POOL] = "pool",
	[XMSG_NIC_MODE_ZC] = "zc",
};

static const char * const xmsg_nic_stat_names[XMSG_NIC_NR_COUNTERS] = {
	[XMSG_NIC_STAT_RX_FRAMES] = "rx_frames",
	[XMSG_NIC_STAT_RX_MADE] = "rx_made",
	[XMSG_NIC_STAT_RX_DELIVERED] = "rx_delivered",
	[XMSG_NIC_STAT_RX_DROP_NOBLOCK] = "rx_drop_noblock",
	[XMSG_NIC_STAT_RX_DROP_OVERSIZE] = "rx_drop_oversize",
	[XMSG_NIC_STAT_RX_DROP_FULL] = "rx_drop_full",
	[XMSG_NIC_STAT_RX_DROP_NOMEM] = "rx_drop_nomem",
	[XMSG_NIC_STAT_RX_DROP_OTHER] = "rx_drop_other",
	[XMSG_NIC_STAT_RX_DROP_UNLOAD] = "rx_drop_unload",
	[XMSG_NIC_STAT_RX_LINEARIZED] = "rx_linearized",
	[XMSG_NIC_STAT_RX_ZC_LIVE] = "rx_zc_live",
	[XMSG_NIC_STAT_RX_RECYCLED] = "rx_recycled",
	[XMSG_NIC_STAT_RX_RING_REUSED] = "rx_ring_reused",
	[XMSG_NIC_STAT_RX_FREE_RELEASED] = "rx_free_released",
	[XMSG_NIC_STAT_TX_MSGS] = "tx_msgs",
	[XMSG_NIC_STAT_TX_SENT] = "tx_sent",
	[XMSG_NIC_STAT_TX_DROP_BAD] = "tx_drop_bad",
	[XMSG_NIC_STAT_TX_DROP_NOMEM] = "tx_drop_nomem",
	[XMSG_NIC_STAT_TX_DROP_XMIT] = "tx_drop_xmit",
	[XMSG_NIC_STAT_TX_COMPLETED] = "tx_completed",
	[XMSG_NIC_STAT_TX_INFLIGHT] = "tx_inflight",
	[XMSG_NIC_STAT_TX_COPIED] = "tx_copied",
	[XMSG_NIC_STAT_ECHOED] = "echoed",
	[XMSG_NIC_STAT_ECHO_DROP] = "echo_drop",
	[XMSG_NIC_STAT_SUNK] = "sunk",
	[XMSG_NIC_STAT_SINK_SHORT] = "sink_short",
};

static struct dentry *xmsg_nic_dir;

static void xmsg_nic_show_one(struct seq_file *m, struct xmsg_nic *nic)
{
	struct xmsg_pool_stats ps;
	int i;

	xmsg_pool_get_stats(nic->pool, &ps);
	seq_printf(m, "dev=%s mode=%s ethertype=0x%04x pool=nic.%s rx=nic.%s.rx tx=nic.%s.tx free=nic.%s.free",
		   nic->name, xmsg_nic_mode_names[nic->mode],
		   ntohs(nic->ethertype), nic->name, nic->name, nic->name,
		   nic->name);
	for (i = XMSG_NIC_STAT_RX_FRAMES; i < XMSG_NIC_NR_COUNTERS; i++)
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
		if (!nic->detaching)
			xmsg_nic_show_one(m, nic);
	rtnl_unlock();
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(xmsg_nic_stats);

/* One kernel receiver at the most: echo and sink exclude each other. */
static int xmsg_nic_set_krecv(struct xmsg_nic_cfg *cfg,
			      enum xmsg_nic_krecv krecv)
{
	if (cfg->krecv != XMSG_NIC_KRECV_NONE && cfg->krecv != krecv)
		return -EINVAL;
	cfg->krecv = krecv;
	return 0;
}

/* One word of an attach line: a mode, "echo", "sink" or an EtherType. */
int xmsg_nic_parse_word(const char *w, struct xmsg_nic_cfg *cfg)
{
	int i = sysfs_match_string(xmsg_nic_mode_names, w);

	if (i >= 0) {
		cfg->mode = i;
		return 0;
	}
	if (!strcmp(w, "echo"))
		return xmsg_nic_set_krecv(cfg, XMSG_NIC_KRECV_ECHO);
	if (!strcmp(w, "sink"))
		return xmsg_nic_set_krecv(cfg, XMSG_NIC_KRECV_SINK);
	return kstrtou16(w, 0, &cfg->type);
}

/* "IFNAME [pool|zc] [ETHERTYPE] [echo|sink]", words after IFNAME in any
 * order.
 */
static int xmsg_nic_parse_attach(char *buf)
{
	struct xmsg_nic_cfg cfg;
	char *name, *w;
	int err;

	xmsg_nic_cfg_init(&cfg);
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

void xmsg_nic_debugfs_init(void)
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

void xmsg_nic_debugfs_exit(void)
{
	debugfs_remove(xmsg_nic_dir);
}
