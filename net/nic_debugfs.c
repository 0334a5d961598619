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
	[XMSG_NIC_POOL] = "pool",
	[XMSG_NIC_ZC] = "zc",
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
int xmsg_nic_parse_word(const char *w, struct xmsg_nic_cfg *cfg)
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
