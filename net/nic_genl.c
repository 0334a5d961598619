// SPDX-License-Identifier: GPL-2.0
/* xmsg NIC sample, generic netlink: the family "xmsg_nic"
 * (<linux/xmsg_nic.h>) attaches, detaches and reports on devices of the
 * requester's network namespace.  ATTACH and DETACH need CAP_NET_ADMIN
 * (GENL_ADMIN_PERM); GET does not.  Every command runs under the RTNL,
 * which protects the list of attachments; a DETACH finishes without it
 * (xmsg_nic_teardown()).
 */

#include <linux/if_ether.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "nic.h"

static struct genl_family xmsg_nic_genl_family;

/* One policy; DETACH and GET take only the attributes up to the device
 * (their maxattr), so anything else in them is refused.
 */
static const struct nla_policy xmsg_nic_policy[XMSG_NIC_A_KRECV + 1] = {
	[XMSG_NIC_A_IFINDEX] = { .type = NLA_U32 },
	[XMSG_NIC_A_IFNAME] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[XMSG_NIC_A_MODE] = NLA_POLICY_MAX(NLA_U32, XMSG_NIC_MODE_ZC),
	/* below 0x0600 it is a length: no frame would match */
	[XMSG_NIC_A_ETHERTYPE] = NLA_POLICY_MIN(NLA_U16, ETH_P_802_3_MIN),
	[XMSG_NIC_A_KRECV] = NLA_POLICY_MAX(NLA_U32, XMSG_NIC_KRECV_SINK),
};

/* The device the request names in the requester's network namespace. */
static struct net_device *xmsg_nic_genl_dev(struct genl_info *info)
{
	struct nlattr *index = info->attrs[XMSG_NIC_A_IFINDEX];
	struct nlattr *name = info->attrs[XMSG_NIC_A_IFNAME];
	struct net *net = genl_info_net(info);
	struct net_device *dev = NULL, *named;

	ASSERT_RTNL();
	if (!index && !name) {
		NL_SET_ERR_MSG(info->extack, "no device: give its ifindex or ifname");
		return ERR_PTR(-EINVAL);
	}
	if (index) {
		dev = __dev_get_by_index(net, nla_get_u32(index));
		if (!dev) {
			NL_SET_ERR_MSG_ATTR(info->extack, index, "no such device");
			return ERR_PTR(-ENODEV);
		}
	}
	if (!name)
		return dev;
	named = __dev_get_by_name(net, nla_data(name));
	if (!named) {
		NL_SET_ERR_MSG_ATTR(info->extack, name, "no such device");
		return ERR_PTR(-ENODEV);
	}
	if (dev && dev != named) {
		NL_SET_ERR_MSG_ATTR(info->extack, name,
				    "ifindex and ifname name different devices");
		return ERR_PTR(-EINVAL);
	}
	return named;
}

/* The attachment of the device the request names, or an ERR_PTR. */
static struct xmsg_nic *xmsg_nic_genl_find(struct genl_info *info)
{
	struct net_device *dev = xmsg_nic_genl_dev(info);
	struct xmsg_nic *nic;

	if (IS_ERR(dev))
		return ERR_CAST(dev);
	nic = __xmsg_nic_find_dev(dev);
	if (!nic) {
		NL_SET_ERR_MSG(info->extack, "device not attached");
		return ERR_PTR(-ENOENT);
	}
	return nic;
}

static int xmsg_nic_genl_attach(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **a = info->attrs;
	struct xmsg_nic_cfg cfg;
	struct net_device *dev;
	int err;

	xmsg_nic_cfg_init(&cfg);
	if (a[XMSG_NIC_A_MODE])
		cfg.mode = nla_get_u32(a[XMSG_NIC_A_MODE]);
	if (a[XMSG_NIC_A_ETHERTYPE])
		cfg.type = nla_get_u16(a[XMSG_NIC_A_ETHERTYPE]);
	if (a[XMSG_NIC_A_KRECV])
		cfg.krecv = nla_get_u32(a[XMSG_NIC_A_KRECV]);
	rtnl_lock();
	dev = xmsg_nic_genl_dev(info);
	err = IS_ERR(dev) ? PTR_ERR(dev) : __xmsg_nic_attach(dev, &cfg);
	rtnl_unlock();
	if (err == -EEXIST)
		NL_SET_ERR_MSG(info->extack, "attached already, or an object name is taken");
	else if (err == -EBUSY)
		NL_SET_ERR_MSG(info->extack, "the device has another rx_handler");
	else if (err == -EINVAL && !IS_ERR(dev))
		NL_SET_ERR_MSG(info->extack,
			       "not Ethernet, or its name is no valid xmsg name");
	return err;
}

static int xmsg_nic_genl_detach(struct sk_buff *skb, struct genl_info *info)
{
	struct xmsg_nic *nic;

	rtnl_lock();
	nic = xmsg_nic_genl_find(info);
	if (!IS_ERR(nic))
		__xmsg_nic_unlink(nic);
	rtnl_unlock();
	if (IS_ERR(nic))
		return PTR_ERR(nic);
	xmsg_nic_teardown(nic);	/* its waits without the RTNL */
	return 0;
}

/* The counters of @nic, nested; the per-CPU ones as a snapshot. */
static int xmsg_nic_genl_put_stats(struct sk_buff *msg, struct xmsg_nic *nic)
{
	struct xmsg_pool_stats ps;
	struct nlattr *nest;
	int i;

	nest = nla_nest_start(msg, XMSG_NIC_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	/* A gauge summed over CPUs may be caught between inc and dec. */
	for (i = XMSG_NIC_STAT_RX_FRAMES; i < XMSG_NIC_NR_COUNTERS; i++)
		if (nla_put_u64_64bit(msg, i, max(xmsg_nic_stat(nic, i), 0L),
				      XMSG_NIC_STAT_PAD))
			return -EMSGSIZE;
	xmsg_pool_get_stats(nic->pool, &ps);
	if (nla_put_u64_64bit(msg, XMSG_NIC_STAT_POOL_FREE, ps.free,
			      XMSG_NIC_STAT_PAD) ||
	    nla_put_u64_64bit(msg, XMSG_NIC_STAT_POOL_IN_USE, ps.in_use,
			      XMSG_NIC_STAT_PAD) ||
	    nla_put_u64_64bit(msg, XMSG_NIC_STAT_POOL_COUNT, ps.count,
			      XMSG_NIC_STAT_PAD) ||
	    nla_put_u64_64bit(msg, XMSG_NIC_STAT_BLOCK_SIZE, ps.block_size,
			      XMSG_NIC_STAT_PAD))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

/* One GET reply: the device, its configuration and its counters. */
static int xmsg_nic_genl_fill(struct sk_buff *msg, struct xmsg_nic *nic,
			      u32 portid, u32 seq, int flags)
{
	void *hdr;

	ASSERT_RTNL();
	hdr = genlmsg_put(msg, portid, seq, &xmsg_nic_genl_family, flags,
			  XMSG_NIC_CMD_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(msg, XMSG_NIC_A_IFINDEX, nic->dev->ifindex) ||
	    nla_put_string(msg, XMSG_NIC_A_IFNAME, nic->name) ||
	    nla_put_u32(msg, XMSG_NIC_A_MODE, nic->mode) ||
	    nla_put_u16(msg, XMSG_NIC_A_ETHERTYPE, ntohs(nic->ethertype)) ||
	    nla_put_u32(msg, XMSG_NIC_A_KRECV, nic->krecv) ||
	    xmsg_nic_genl_put_stats(msg, nic)) {
		genlmsg_cancel(msg, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return 0;
}

static int xmsg_nic_genl_get(struct sk_buff *skb, struct genl_info *info)
{
	struct xmsg_nic *nic;
	struct sk_buff *msg;
	int err;

	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	rtnl_lock();
	nic = xmsg_nic_genl_find(info);
	err = PTR_ERR_OR_ZERO(nic);
	if (!err)
		err = xmsg_nic_genl_fill(msg, nic, info->snd_portid,
					 info->snd_seq, 0);
	rtnl_unlock();
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/* Every attachment of the requester's network namespace; cb->args[0]
 * counts those already sent.
 */
static int xmsg_nic_genl_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct net *net = sock_net(skb->sk);
	struct xmsg_nic *nic;
	long i = 0;
	int err = 0;

	rtnl_lock();
	list_for_each_entry(nic, &xmsg_nic_list, node) {
		if (nic->detaching || !net_eq(dev_net(nic->dev), net) ||
		    i++ < cb->args[0])
			continue;
		err = xmsg_nic_genl_fill(skb, nic,
					 NETLINK_CB(cb->skb).portid,
					 cb->nlh->nlmsg_seq, NLM_F_MULTI);
		if (err) {
			i--;
			break;
		}
	}
	rtnl_unlock();
	cb->args[0] = i;
	/* Full: send what fits, the rest comes in the next part. */
	return skb->len ? skb->len : err;
}

static const struct genl_ops xmsg_nic_genl_ops[] = {
	{
		.cmd = XMSG_NIC_CMD_ATTACH,
		.flags = GENL_ADMIN_PERM,
		.doit = xmsg_nic_genl_attach,
		.policy = xmsg_nic_policy,
		.maxattr = XMSG_NIC_A_KRECV,
	},
	{
		.cmd = XMSG_NIC_CMD_DETACH,
		.flags = GENL_ADMIN_PERM,
		.doit = xmsg_nic_genl_detach,
		.policy = xmsg_nic_policy,
		.maxattr = XMSG_NIC_A_IFNAME,
	},
	{
		.cmd = XMSG_NIC_CMD_GET,
		.doit = xmsg_nic_genl_get,
		.dumpit = xmsg_nic_genl_dump,
		.policy = xmsg_nic_policy,
		.maxattr = XMSG_NIC_A_IFNAME,
	},
};

static struct genl_family xmsg_nic_genl_family __ro_after_init = {
	.name = XMSG_NIC_GENL_NAME,
	.version = XMSG_NIC_GENL_VERSION,
	.netnsok = true,
	.parallel_ops = true,	/* the RTNL serializes what must be */
	.module = THIS_MODULE,
	.ops = xmsg_nic_genl_ops,
	.n_ops = ARRAY_SIZE(xmsg_nic_genl_ops),
};

/**
 * xmsg_nic_genl_init() - register the generic netlink family
 *
 * Context: process context (module init).
 * Return: 0 or the error of genl_register_family().
 */
int xmsg_nic_genl_init(void)
{
	return genl_register_family(&xmsg_nic_genl_family);
}

/**
 * xmsg_nic_genl_exit() - unregister the family
 *
 * Waits for the commands in progress; none starts after it returned.
 *
 * Context: process context (module exit), not under the RTNL.
 */
void xmsg_nic_genl_exit(void)
{
	genl_unregister_family(&xmsg_nic_genl_family);
}
