// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg_nic.ko in the VM: frames sent with AF_PACKET on eth1 reach eth0
 * through the QEMU hub, where xmsg_nic makes them messages; in echo mode
 * the module's kernel receiver sends every message to the tx exchange, so
 * each frame goes back out of eth0 without a copy and is read again on
 * eth1.  Counters come from /sys/kernel/debug/xmsg/nic/stats.  The genl_*
 * cases attach, detach and read counters through the module's generic
 * netlink family (libxmsg's xm_nic_*()) and compare them with debugfs.
 *
 * SKIPs when eth0/eth1 or the module are missing (the stock-kernel run).
 */
#include <sched.h>
#include <linux/netlink.h>

#include "nic_common.h"

/* Echo: each frame comes back, same bytes, in order; counters agree. */
static void echo_check(struct __test_metadata *_metadata, int fd,
		       const unsigned char *mac, const char *how,
		       unsigned int n, bool copied)
{
	unsigned char want[1514], got[2048];
	unsigned int i;
	ssize_t len;

	ASSERT_EQ(0, nic_attach(how));
	ASSERT_EQ(1, nic_pools(RX_DEV));
	for (i = 0; i < n; i++) {
		ASSERT_EQ(1, send_frames(fd, mac, i, 1));
		frame_fill(want, mac, i, frame_len(i));
		len = pkt_recv(fd, got, sizeof(got), 2000);
		ASSERT_EQ((ssize_t)frame_len(i), len) TH_LOG("frame %u", i);
		ASSERT_EQ(0, memcmp(want, got, len)) TH_LOG("frame %u", i);
	}
	EXPECT_EQ(n, nic_stat(RX_DEV, "rx_frames"));
	EXPECT_EQ(n, nic_stat(RX_DEV, "rx_made"));
	EXPECT_EQ(n, wait_stat(RX_DEV, "rx_delivered", n, 2000));
	EXPECT_EQ(n, wait_stat(RX_DEV, "echoed", n, 2000));
	EXPECT_EQ(n, wait_stat(RX_DEV, "tx_msgs", n, 2000));
	EXPECT_EQ(n, wait_stat(RX_DEV, "tx_sent", n, 2000));
	EXPECT_EQ(copied ? n : 0,
		  wait_stat(RX_DEV, "tx_copied", copied ? n : 0, 2000));
	EXPECT_EQ(copied ? 0 : n,
		  wait_stat(RX_DEV, "tx_completed", copied ? 0 : n, 2000));
	EXPECT_EQ(0, wait_stat(RX_DEV, "tx_inflight", 0, 2000));
	EXPECT_EQ(0, wait_stat(RX_DEV, "rx_zc_live", 0, 2000));
	EXPECT_EQ(0, wait_stat(RX_DEV, "pool_in_use", 0, 2000));
	EXPECT_EQ(0, nic_stat(RX_DEV, "rx_drop_noblock"));
	EXPECT_EQ(0, nic_stat(RX_DEV, "rx_drop_full"));
	EXPECT_EQ(0, nic_stat(RX_DEV, "tx_drop_bad"));
	ASSERT_EQ(0, nic_detach(RX_DEV));
	EXPECT_EQ(-1, nic_stat(RX_DEV, "rx_frames"));
	EXPECT_EQ(0, nic_pools(RX_DEV));
}

/* Pool mode: copy into a block, message, tx by unmake + page frags. */
TEST_F(nic, echo_pool)
{
	echo_check(_metadata, self->fd, self->mac, RX_DEV " pool echo", 64,
		   false);
}

/* Zero-copy mode: the body is the skb; tx of a non-pool body copies. */
TEST_F(nic, echo_zc)
{
	echo_check(_metadata, self->fd, self->mac, RX_DEV " zc echo", 64,
		   true);
}

/* Attach errors: unknown device, twice, bad words. */
TEST_F(nic, attach_errors)
{
	EXPECT_EQ(-ENODEV, nic_attach("nosuchdev0 pool"));
	EXPECT_EQ(-EINVAL, nic_attach(RX_DEV " bogus"));
	EXPECT_EQ(-ENODEV, nic_detach(RX_DEV));
	ASSERT_EQ(0, nic_attach(RX_DEV " pool"));
	EXPECT_EQ(-EEXIST, nic_attach(RX_DEV " zc"));
	EXPECT_EQ(0, nic_detach(RX_DEV));
	EXPECT_EQ(0, nic_pools(RX_DEV));
}

/*
 * Attach and detach need CAP_NET_ADMIN, in the writer and in the opener of
 * the debugfs file: without it EPERM, and nothing is attached or detached.
 */
TEST_F(nic, attach_needs_net_admin)
{
	const char *how = RX_DEV " pool";
	int fd;

	ASSERT_EQ(0, cap_net_admin(0));
	EXPECT_EQ(-EPERM, nic_attach(how));
	EXPECT_EQ(-1, nic_stat(RX_DEV, "rx_frames"));
	/* opened without the right, written with it */
	fd = open(NIC_DIR "/attach", O_WRONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, cap_net_admin(1));
	EXPECT_EQ(-1, write(fd, how, strlen(how)));
	EXPECT_EQ(EPERM, errno);
	close(fd);
	EXPECT_EQ(-1, nic_stat(RX_DEV, "rx_frames"));
	EXPECT_EQ(0, nic_pools(RX_DEV));
	/* attached with it; no detach without it */
	ASSERT_EQ(0, nic_attach(how));
	ASSERT_EQ(0, cap_net_admin(0));
	EXPECT_EQ(-EPERM, nic_detach(RX_DEV));
	ASSERT_EQ(0, cap_net_admin(1));
	EXPECT_EQ(0, nic_stat(RX_DEV, "rx_frames"));
	EXPECT_EQ(0, nic_detach(RX_DEV));
	EXPECT_EQ(0, nic_pools(RX_DEV));
}

/* Frames of another EtherType are left to the stack, not counted. */
TEST_F(nic, other_ethertype)
{
	ASSERT_EQ(0, nic_attach(RX_DEV " pool 0x88b6"));
	ASSERT_EQ(8, send_frames(self->fd, self->mac, 0, 8));
	usleep(300000);
	EXPECT_EQ(0, nic_stat(RX_DEV, "rx_frames"));
	EXPECT_EQ(0, nic_stat(RX_DEV, "pool_in_use"));
}

/* Nobody receives: the rx exchange holds the messages, blocks are out. */
TEST_F(nic, rx_queued_then_detach)
{
	ASSERT_EQ(0, nic_attach(RX_DEV " pool"));
	ASSERT_EQ(40, send_frames(self->fd, self->mac, 0, 40));
	EXPECT_EQ(40, wait_stat(RX_DEV, "rx_delivered", 40, 3000));
	EXPECT_EQ(40, nic_stat(RX_DEV, "pool_in_use"));
	/* detach destroys the exchange: its messages give their blocks back */
	ASSERT_EQ(0, nic_detach(RX_DEV));
	EXPECT_EQ(0, nic_pools(RX_DEV));
}

/* Pool exhausted: counted drops, the rest delivered. */
TEST_F(nic, pool_exhausted)
{
	set_param("pool_blocks", 8);
	ASSERT_EQ(0, nic_attach(RX_DEV " pool"));
	ASSERT_EQ(20, send_frames(self->fd, self->mac, 0, 20));
	EXPECT_EQ(20, wait_stat(RX_DEV, "rx_frames", 20, 3000));
	EXPECT_EQ(8, wait_stat(RX_DEV, "rx_delivered", 8, 2000));
	EXPECT_EQ(12, wait_stat(RX_DEV, "rx_drop_noblock", 12, 2000));
	EXPECT_EQ(8, wait_stat(RX_DEV, "pool_in_use", 8, 2000));
	EXPECT_EQ(0, nic_stat(RX_DEV, "pool_free"));
	ASSERT_EQ(0, nic_detach(RX_DEV));
	EXPECT_EQ(0, nic_pools(RX_DEV));
}

/* Exchange full: counted drops, the dropped messages' blocks come back. */
TEST_F(nic, exchange_full)
{
	set_param("xchg_limit", 4);
	ASSERT_EQ(0, nic_attach(RX_DEV " pool"));
	ASSERT_EQ(10, send_frames(self->fd, self->mac, 0, 10));
	EXPECT_EQ(10, wait_stat(RX_DEV, "rx_frames", 10, 3000));
	EXPECT_EQ(10, wait_stat(RX_DEV, "rx_made", 10, 2000));
	EXPECT_EQ(4, wait_stat(RX_DEV, "rx_delivered", 4, 2000));
	EXPECT_EQ(6, wait_stat(RX_DEV, "rx_drop_full", 6, 2000));
	EXPECT_EQ(4, wait_stat(RX_DEV, "pool_in_use", 4, 2000));
}

/* Exchange full in zc mode: the dropped messages release their skbs. */
TEST_F(nic, exchange_full_zc)
{
	set_param("xchg_limit", 4);
	ASSERT_EQ(0, nic_attach(RX_DEV " zc"));
	ASSERT_EQ(10, send_frames(self->fd, self->mac, 0, 10));
	EXPECT_EQ(10, wait_stat(RX_DEV, "rx_frames", 10, 3000));
	EXPECT_EQ(4, wait_stat(RX_DEV, "rx_delivered", 4, 2000));
	EXPECT_EQ(6, wait_stat(RX_DEV, "rx_drop_full", 6, 2000));
	EXPECT_EQ(4, wait_stat(RX_DEV, "rx_zc_live", 4, 2000));
	ASSERT_EQ(0, nic_detach(RX_DEV));
}

/* Frames larger than a block: counted, smaller ones delivered. */
TEST_F(nic, oversize)
{
	unsigned int i, small = 0;

	set_param("block_size", 256);
	ASSERT_EQ(0, nic_attach(RX_DEV " pool"));
	ASSERT_EQ(16, send_frames(self->fd, self->mac, 0, 16));
	for (i = 0; i < 16; i++)
		small += frame_len(i) <= 256;
	EXPECT_EQ(16, wait_stat(RX_DEV, "rx_frames", 16, 3000));
	EXPECT_EQ(small, wait_stat(RX_DEV, "rx_delivered", small, 2000));
	EXPECT_EQ(16 - small,
		  wait_stat(RX_DEV, "rx_drop_oversize", 16 - small, 2000));
	EXPECT_EQ(small, wait_stat(RX_DEV, "pool_in_use", small, 2000));
}

/* A device that goes away is detached by the netdevice notifier. */
TEST_F(nic, device_unregister)
{
	if (system("ip link add xnv0 type veth peer name xnv1 2>/dev/null") &&
	    system("ip link add xnv0 type veth 2>/dev/null"))
		SKIP(return, "cannot create a veth pair");
	ASSERT_EQ(0, nic_attach("xnv0 pool echo"));
	EXPECT_EQ(0, nic_stat("xnv0", "rx_frames"));
	EXPECT_EQ(1, nic_pools("xnv0"));
	ASSERT_EQ(0, system("ip link del xnv0"));
	EXPECT_EQ(-1, nic_stat("xnv0", "rx_frames"));
	EXPECT_EQ(0, nic_pools("xnv0"));
	EXPECT_EQ(-ENODEV, nic_detach("xnv0"));
}

/* ---- generic netlink (xm_nic_*()) ------------------------------------ */

/* Every counter the family reports equals the debugfs file's. */
static void genl_match_debugfs(struct __test_metadata *_metadata,
			       const struct xm_nic_stats *st)
{
	unsigned int i, n = 0;
	const char *name;

	for (i = 0; i <= XMSG_NIC_STAT_MAX; i++) {
		name = xm_nic_stat_name(i);
		if (!name)
			continue;
		n++;
		EXPECT_EQ(nic_stat(st->ifname, name), (long)st->stat[i])
			TH_LOG("counter %s", name);
	}
	EXPECT_EQ(XMSG_NIC_STAT_BLOCK_SIZE - XMSG_NIC_STAT_RX_FRAMES + 1u, n);
}

/* The entry of @dev in a dump of every attachment, or NULL. */
static const struct xm_nic_stats *genl_find(const struct xm_nic_stats *st,
					    size_t n, const char *dev)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(st[i].ifname, dev))
			return &st[i];
	return NULL;
}

/*
 * A bad EtherType is refused; attach (pool mode, echo) by name, echo 24
 * frames, read the counters (one device, and a dump), detach by ifindex;
 * a second detach and a read of a detached device say ENOENT.
 */
TEST_F(nic, genl_attach_stats_detach)
{
	struct xm_nic_attach_opts o = {
		.mode = XMSG_NIC_MODE_POOL,
		.krecv = XMSG_NIC_KRECV_ECHO,
		.ethertype = NIC_TYPE,
	};
	unsigned int i, n = 24, ifindex = if_nametoindex(RX_DEV);
	const struct xm_nic_stats *e;
	struct xm_nic_stats st, *all;
	unsigned char got[2048];
	size_t nall;

	ASSERT_LT(0u, ifindex);
	/* an EtherType below 0x0600 is a length: refused, nothing made */
	o.ethertype = 0x05ff;
	EXPECT_EQ(-ERANGE, xm_nic_attach(RX_DEV, 0, &o));
	EXPECT_EQ(0, nic_pools(RX_DEV));
	o.ethertype = NIC_TYPE;
	ASSERT_EQ(0, xm_nic_attach(RX_DEV, 0, &o));
	EXPECT_EQ(1, nic_pools(RX_DEV));
	EXPECT_EQ(-EEXIST, xm_nic_attach(NULL, ifindex, &o));
	for (i = 0; i < n; i++) {
		ASSERT_EQ(1, send_frames(self->fd, self->mac, i, 1));
		ASSERT_EQ((ssize_t)frame_len(i),
			  pkt_recv(self->fd, got, sizeof(got), 2000));
	}
	EXPECT_EQ(n, wait_stat(RX_DEV, "tx_completed", n, 2000));
	EXPECT_EQ(0, wait_stat(RX_DEV, "pool_in_use", 0, 2000));

	ASSERT_EQ(0, xm_nic_stats(RX_DEV, 0, &st));
	EXPECT_EQ(ifindex, st.ifindex);
	EXPECT_STREQ(RX_DEV, st.ifname);
	EXPECT_EQ((uint32_t)XMSG_NIC_MODE_POOL, st.mode);
	EXPECT_EQ((uint32_t)XMSG_NIC_KRECV_ECHO, st.krecv);
	EXPECT_EQ(NIC_TYPE, st.ethertype);
	EXPECT_EQ(n, st.stat[XMSG_NIC_STAT_RX_FRAMES]);
	EXPECT_EQ(n, st.stat[XMSG_NIC_STAT_ECHOED]);
	EXPECT_EQ(n, st.stat[XMSG_NIC_STAT_TX_SENT]);
	EXPECT_EQ(512u, st.stat[XMSG_NIC_STAT_POOL_COUNT]);
	EXPECT_EQ(512u, st.stat[XMSG_NIC_STAT_POOL_FREE]);
	EXPECT_EQ(2048u, st.stat[XMSG_NIC_STAT_BLOCK_SIZE]);
	genl_match_debugfs(_metadata, &st);

	ASSERT_EQ(0, xm_nic_stats_all(&all, &nall));
	e = genl_find(all, nall, RX_DEV);
	ASSERT_NE(NULL, e);
	EXPECT_EQ(ifindex, e->ifindex);
	EXPECT_EQ(0, memcmp(st.stat, e->stat, sizeof(st.stat)));
	free(all);

	ASSERT_EQ(0, xm_nic_detach(NULL, ifindex));
	EXPECT_EQ(-1, nic_stat(RX_DEV, "rx_frames"));
	EXPECT_EQ(0, nic_pools(RX_DEV));
	EXPECT_EQ(-ENOENT, xm_nic_detach(RX_DEV, 0));
	EXPECT_EQ(-ENOENT, xm_nic_stats(RX_DEV, ifindex, &st));
	ASSERT_EQ(0, xm_nic_stats_all(&all, &nall));
	EXPECT_EQ(NULL, genl_find(all, nall, RX_DEV));
	free(all);
}

/* Zero-copy mode and the sink, attached by ifindex and name together. */
TEST_F(nic, genl_attach_zc_sink)
{
	struct xm_nic_attach_opts o = {
		.mode = XMSG_NIC_MODE_ZC,
		.krecv = XMSG_NIC_KRECV_SINK,
	};
	struct xm_nic_stats st;

	ASSERT_EQ(0, xm_nic_attach(RX_DEV, if_nametoindex(RX_DEV), &o));
	ASSERT_EQ(16, send_frames(self->fd, self->mac, 0, 16));
	EXPECT_EQ(16, wait_stat(RX_DEV, "sunk", 16, 3000));
	EXPECT_EQ(0, wait_stat(RX_DEV, "rx_zc_live", 0, 2000));
	ASSERT_EQ(0, xm_nic_stats(RX_DEV, 0, &st));
	EXPECT_EQ((uint32_t)XMSG_NIC_MODE_ZC, st.mode);
	EXPECT_EQ((uint32_t)XMSG_NIC_KRECV_SINK, st.krecv);
	EXPECT_EQ(16u, st.stat[XMSG_NIC_STAT_SUNK]);
	genl_match_debugfs(_metadata, &st);
	/* debugfs detaches what netlink attached */
	ASSERT_EQ(0, nic_detach(RX_DEV));
	EXPECT_EQ(-ENOENT, xm_nic_stats(RX_DEV, 0, &st));
}

/* Append attribute @type with @len bytes of @data to @buf at *@off. */
static void nla_add(void *buf, size_t *off, unsigned short type,
		    const void *data, unsigned short len)
{
	struct nlattr *a = (struct nlattr *)((char *)buf + *off);

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((char *)a + NLA_HDRLEN, data, len);
	memset((char *)a + NLA_HDRLEN + len, 0, NLA_ALIGN(len) - len);
	*off += NLA_HDRLEN + NLA_ALIGN(len);
}

/* Bad requests: each a clear errno, and nothing attached or detached. */
TEST_F(nic, genl_errors)
{
	struct xm_nic_attach_opts o = {};
	unsigned int lo = if_nametoindex("lo");
	uint64_t wide = if_nametoindex(RX_DEV);
	struct xm_nic_stats st;
	uint32_t mode = 0;
	char buf[256];
	size_t off;

	ASSERT_LT(0u, lo);
	EXPECT_EQ(-EINVAL, xm_nic_attach(NULL, 0, NULL));	/* no device */
	EXPECT_EQ(-ENODEV, xm_nic_attach("nosuchdev0", 0, NULL));
	EXPECT_EQ(-ENODEV, xm_nic_attach(NULL, 0x7fffffff, NULL));
	EXPECT_EQ(-EINVAL, xm_nic_attach(RX_DEV, lo, NULL)); /* two devices */
	EXPECT_EQ(-EINVAL, xm_nic_attach("lo", 0, NULL));	/* not Ethernet */
	EXPECT_EQ(-EINVAL, xm_nic_attach("0123456789abcdef0", 0, NULL));
	o.mode = 7;
	EXPECT_EQ(-ERANGE, xm_nic_attach(RX_DEV, 0, &o));
	o.mode = 0;
	o.krecv = 3;
	EXPECT_EQ(-ERANGE, xm_nic_attach(RX_DEV, 0, &o));
	EXPECT_EQ(-1, nic_stat(RX_DEV, "rx_frames"));

	/* an attribute the family does not know */
	off = 0;
	nla_add(buf, &off, XMSG_NIC_A_IFNAME, RX_DEV, sizeof(RX_DEV));
	nla_add(buf, &off, XMSG_NIC_A_MAX + 1, &mode, sizeof(mode));
	EXPECT_EQ(-EINVAL, xm_nic_request(XMSG_NIC_CMD_ATTACH, buf, off));
	/* one the command does not take */
	off = 0;
	nla_add(buf, &off, XMSG_NIC_A_IFNAME, RX_DEV, sizeof(RX_DEV));
	nla_add(buf, &off, XMSG_NIC_A_MODE, &mode, sizeof(mode));
	EXPECT_EQ(-EINVAL, xm_nic_request(XMSG_NIC_CMD_DETACH, buf, off));
	/* a u32 sent as 8 bytes */
	off = 0;
	nla_add(buf, &off, XMSG_NIC_A_IFINDEX, &wide, sizeof(wide));
	EXPECT_EQ(-EINVAL, xm_nic_request(XMSG_NIC_CMD_ATTACH, buf, off));
	/* no such command */
	EXPECT_EQ(-EOPNOTSUPP, xm_nic_request(XMSG_NIC_CMD_MAX + 1, NULL, 0));
	EXPECT_EQ(-1, nic_stat(RX_DEV, "rx_frames"));
	EXPECT_EQ(0, nic_pools(RX_DEV));

	/* detach and read what is not attached */
	EXPECT_EQ(-ENOENT, xm_nic_detach(RX_DEV, 0));
	EXPECT_EQ(-ENODEV, xm_nic_detach("nosuchdev0", 0));
	EXPECT_EQ(-ENOENT, xm_nic_stats(RX_DEV, 0, &st));
	EXPECT_EQ(-ENODEV, xm_nic_stats(NULL, 0x7fffffff, &st));

	/* attached through debugfs: netlink sees it, and refuses a second */
	ASSERT_EQ(0, nic_attach(RX_DEV " pool"));
	EXPECT_EQ(-EEXIST, xm_nic_attach(RX_DEV, 0, NULL));
	EXPECT_EQ(0, xm_nic_stats(RX_DEV, 0, &st));
	EXPECT_EQ(0, xm_nic_detach(RX_DEV, 0));
	EXPECT_EQ(0, nic_pools(RX_DEV));
}

/* What a child running as nobody (uid 65534, no capability) gets. */
static int genl_as_nobody(void)
{
	struct xm_nic_stats st;
	pid_t pid = fork();
	int status;

	if (!pid) {
		if (setgid(65534) || setuid(65534))
			_exit(10);
		if (xm_nic_attach(RX_DEV, 0, NULL) != -EPERM)
			_exit(11);
		if (xm_nic_detach(RX_DEV, 0) != -EPERM)
			_exit(12);
		if (xm_nic_stats(RX_DEV, 0, &st) || st.ifindex == 0)
			_exit(13);	/* reading needs no privilege */
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/*
 * Attach and detach need CAP_NET_ADMIN: without it EPERM and nothing
 * changes; reading the counters needs nothing.
 */
TEST_F(nic, genl_needs_net_admin)
{
	struct xm_nic_stats st, *all;
	size_t n;

	ASSERT_EQ(0, cap_net_admin(0));
	EXPECT_EQ(-EPERM, xm_nic_attach(RX_DEV, 0, NULL));
	EXPECT_EQ(-1, nic_stat(RX_DEV, "rx_frames"));
	EXPECT_EQ(0, xm_nic_stats_all(&all, &n));
	free(all);
	ASSERT_EQ(0, cap_net_admin(1));
	ASSERT_EQ(0, xm_nic_attach(RX_DEV, 0, NULL));
	ASSERT_EQ(0, cap_net_admin(0));
	EXPECT_EQ(-EPERM, xm_nic_detach(RX_DEV, 0));
	EXPECT_EQ(0, xm_nic_stats(RX_DEV, 0, &st));
	ASSERT_EQ(0, cap_net_admin(1));
	EXPECT_EQ(0, genl_as_nobody());
	EXPECT_EQ(0, nic_stat(RX_DEV, "rx_frames"));	/* still attached */
	EXPECT_EQ(0, xm_nic_detach(RX_DEV, 0));
	EXPECT_EQ(0, nic_pools(RX_DEV));
}

/*
 * In a network namespace of its own, a child attaches a veth device of
 * that namespace and sees only it; the initial namespace does not see it
 * and cannot name it.  The namespace going away detaches it.
 */
static int genl_netns_child(int ready, int go)
{
	struct xm_nic_stats st, *all;
	size_t n;
	char c;

	if (unshare(CLONE_NEWNET))
		return 10;
	if (system("ip link add xnn0 type veth peer name xnn1 2>/dev/null") &&
	    system("ip link add xnn0 type veth 2>/dev/null"))
		return 4;	/* no veth: SKIP */
	if (xm_nic_attach(RX_DEV, 0, NULL) != -ENODEV)
		return 11;	/* not in this namespace */
	if (xm_nic_attach("xnn0", 0, NULL))
		return 12;
	if (xm_nic_stats("xnn0", 0, &st) ||
	    st.ifindex != if_nametoindex("xnn0"))
		return 13;
	if (xm_nic_stats_all(&all, &n))
		return 14;
	free(all);
	if (n != 1)
		return 15;
	if (write(ready, "r", 1) != 1 || read(go, &c, 1) != 1)
		return 16;
	return 0;
}

TEST_F(nic, genl_netns)
{
	int ready[2], go[2], status = -1, i;
	struct xm_nic_stats st, *all;
	pid_t pid;
	size_t n;
	char c;

	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(go));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		_exit(genl_netns_child(ready[1], go[0]));
	close(ready[1]);
	close(go[0]);
	if (read(ready[0], &c, 1) == 1) {
		/* the initial namespace has no xnn0: neither named nor listed */
		EXPECT_EQ(-ENODEV, xm_nic_stats("xnn0", 0, &st));
		EXPECT_EQ(-ENODEV, xm_nic_detach("xnn0", 0));
		ASSERT_EQ(0, xm_nic_stats_all(&all, &n));
		EXPECT_EQ(NULL, genl_find(all, n, "xnn0"));
		free(all);
		/* debugfs shows every attachment */
		EXPECT_EQ(0, nic_stat("xnn0", "rx_frames"));
		EXPECT_EQ(1, write(go[1], "g", 1));
	}
	close(go[1]);
	close(ready[0]);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	if (WEXITSTATUS(status) == 4)
		SKIP(return, "cannot create a veth pair");
	ASSERT_EQ(0, WEXITSTATUS(status));
	/* the namespace is cleaned up asynchronously */
	for (i = 0; i < 100 && nic_stat("xnn0", "rx_frames") != -1; i++)
		usleep(50000);
	EXPECT_EQ(-1, nic_stat("xnn0", "rx_frames"));
	EXPECT_EQ(0, nic_pools("xnn0"));
}

/* A child floods eth1 until killed. */
static pid_t flood_start(int fd, const unsigned char *mac)
{
	pid_t pid = fork();
	unsigned int seq = 0;

	if (pid)
		return pid;
	for (;;)
		seq += send_frames(fd, mac, seq, 16);
}

static void flood_stop(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* Attach and detach over and over while frames arrive and echo. */
TEST_F(nic, detach_during_traffic)
{
	pid_t pid;
	int i;

	pid = flood_start(self->fd, self->mac);
	ASSERT_LT(0, pid);
	for (i = 0; i < 20; i++) {
		ASSERT_EQ(0, nic_attach(i & 1 ? RX_DEV " zc echo" :
					RX_DEV " pool echo"));
		usleep(50000);
		ASSERT_EQ(0, nic_detach(RX_DEV));
	}
	flood_stop(pid);
	EXPECT_EQ(0, nic_pools(RX_DEV));
}

/* rmmod while frames arrive and echo; then load it again. */
TEST_F(nic, unload_during_traffic)
{
	int i, rc = -1;
	pid_t pid;

	if (access(NIC_KO, R_OK))
		SKIP(return, "no %s to load again", NIC_KO);
	ASSERT_EQ(0, nic_attach(RX_DEV " pool echo"));
	pid = flood_start(self->fd, self->mac);
	ASSERT_LT(0, pid);
	usleep(200000);
	/* In-flight tx skbs hold module references: rmmod may say busy. */
	for (i = 0; i < 100 && rc; i++) {
		rc = system("rmmod xmsg_nic 2>/dev/null");
		if (rc)
			usleep(20000);
	}
	flood_stop(pid);
	EXPECT_EQ(0, rc);
	EXPECT_EQ(0, nic_pools(RX_DEV));
	ASSERT_EQ(0, system("insmod " NIC_KO));
	ASSERT_TRUE(have_nics());
}

int main(int argc, char **argv)
{
	if (!have_nics()) {
		printf("1..0 # SKIP no eth0/eth1 or no xmsg_nic module\n");
		return KSFT_SKIP;
	}
	return test_harness_run(argc, argv);
}
