// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg_nic.ko in the VM: frames sent with AF_PACKET on eth1 reach eth0
 * through the QEMU hub, where xmsg_nic makes them messages; in echo mode
 * the module's kernel receiver sends every message to the tx exchange, so
 * each frame goes back out of eth0 without a copy and is read again on
 * eth1.  Counters come from /sys/kernel/debug/xmsg/nic/stats.
 *
 * SKIPs when eth0/eth1 or the module are missing (the stock-kernel run).
 */
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
	EXPECT_EQ(n, nic_stat(RX_DEV, "rx_delivered"));
	EXPECT_EQ(n, nic_stat(RX_DEV, "echoed"));
	EXPECT_EQ(n, nic_stat(RX_DEV, "tx_msgs"));
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
	EXPECT_EQ(8, nic_stat(RX_DEV, "rx_delivered"));
	EXPECT_EQ(12, nic_stat(RX_DEV, "rx_drop_noblock"));
	EXPECT_EQ(8, nic_stat(RX_DEV, "pool_in_use"));
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
	EXPECT_EQ(10, nic_stat(RX_DEV, "rx_made"));
	EXPECT_EQ(4, nic_stat(RX_DEV, "rx_delivered"));
	EXPECT_EQ(6, nic_stat(RX_DEV, "rx_drop_full"));
	EXPECT_EQ(4, nic_stat(RX_DEV, "pool_in_use"));
}

/* Exchange full in zc mode: the dropped messages release their skbs. */
TEST_F(nic, exchange_full_zc)
{
	set_param("xchg_limit", 4);
	ASSERT_EQ(0, nic_attach(RX_DEV " zc"));
	ASSERT_EQ(10, send_frames(self->fd, self->mac, 0, 10));
	EXPECT_EQ(10, wait_stat(RX_DEV, "rx_frames", 10, 3000));
	EXPECT_EQ(4, nic_stat(RX_DEV, "rx_delivered"));
	EXPECT_EQ(6, nic_stat(RX_DEV, "rx_drop_full"));
	EXPECT_EQ(4, nic_stat(RX_DEV, "rx_zc_live"));
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
	EXPECT_EQ(small, nic_stat(RX_DEV, "rx_delivered"));
	EXPECT_EQ(16 - small, nic_stat(RX_DEV, "rx_drop_oversize"));
	EXPECT_EQ(small, nic_stat(RX_DEV, "pool_in_use"));
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
