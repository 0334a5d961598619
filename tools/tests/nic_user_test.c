// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg_nic.ko with user-space receivers and senders through /dev/xmsg:
 * frames sent with AF_PACKET on eth1 reach eth0, where xmsg_nic (pool mode)
 * makes them messages that a user process receives from the exchange
 * nic.eth0.rx and reads in place through the mapping of the pool nic.eth0;
 * messages a user process sends to nic.eth0.tx leave eth0 from their pool
 * block and are read on eth1.
 *
 * SKIPs when eth0/eth1 or the module are missing, or when the module's
 * exchanges cannot be opened by name through /dev/xmsg.
 */
#include "nic_common.h"

/*
 * Open the attachment's pool (mapped) and one of its exchanges through
 * /dev/xmsg.  Returns 0, or -ENOENT when the module's objects are not
 * reachable from user space.
 */
static int user_open(struct xm **x, const char *xname, uint32_t acc,
		     int *pool, int *xchg)
{
	void *base;
	size_t size;
	int err;

	err = xm_open(x, NULL);
	if (err)
		return err;
	*pool = xm_pool_open(*x, "nic." RX_DEV, acc);
	*xchg = xm_xchg_open(*x, xname, acc);
	if (*pool <= 0 || *xchg <= 0) {
		xm_close(*x);
		return -ENOENT;
	}
	return xm_pool_map(*x, *pool, &base, &size);
}

/* Receive: a user process gets every frame as a message, read in place. */
TEST_F(nic, rx_user_pool)
{
	unsigned char want[1514];
	const unsigned int n = 48;
	struct xm_msg m;
	int pool, xchg, err;
	unsigned int i;
	struct xm *x;

	ASSERT_EQ(0, nic_attach(RX_DEV " pool"));
	err = user_open(&x, "nic." RX_DEV ".rx", XMSG_ACC_READ, &pool, &xchg);
	ASSERT_EQ(0, err);
	ASSERT_EQ(n, send_frames(self->fd, self->mac, 0, n));
	for (i = 0; i < n; i++) {
		ASSERT_EQ(0, xm_recv(x, xchg, XM_MS(2000), 0, &m))
			TH_LOG("frame %u", i);
		frame_fill(want, self->mac, i, frame_len(i));
		ASSERT_EQ(frame_len(i), m.length);
		ASSERT_NE(NULL, m.body);
		ASSERT_EQ(0, memcmp(want, m.body, m.length));
		ASSERT_EQ(0, xm_msg_rel(x, m.handle));
	}
	EXPECT_EQ(-ETIMEDOUT, xm_recv(x, xchg, XM_MS(100), 0, &m));
	EXPECT_EQ(n, nic_stat(RX_DEV, "rx_frames"));
	EXPECT_EQ(n, nic_stat(RX_DEV, "rx_delivered"));
	EXPECT_EQ(0, nic_stat(RX_DEV, "pool_in_use"));
	xm_close(x);
	EXPECT_EQ(0, nic_detach(RX_DEV));
	EXPECT_EQ(0, nic_pools(RX_DEV));
}

/*
 * Transmit: a user process fills pool messages, gives each frame its length
 * with a proxy of the slice, and sends the proxy to the tx exchange; the
 * module transmits from the block without a copy; eth1 gets the bytes.
 */
TEST_F(nic, tx_user_pool)
{
	static const unsigned char src[ETH_ALEN] = { 2, 0, 0, 0, 0, 1 };
	unsigned char got[2048], want[1514];
	const unsigned int n = 48;
	struct xm_msg m, p;
	int pool, xchg, err;
	unsigned int i;
	struct xm *x;
	ssize_t len;

	ASSERT_EQ(0, nic_attach(RX_DEV " pool"));
	err = user_open(&x, "nic." RX_DEV ".tx", XMSG_ACC_READ | XMSG_ACC_WRITE,
			&pool, &xchg);
	ASSERT_EQ(0, err);
	for (i = 0; i < n; i++) {
		ASSERT_EQ(0, xm_msg_get(x, pool, &m));
		ASSERT_NE(NULL, m.body);
		frame_fill(m.body, src, i, frame_len(i));
		ASSERT_EQ(0, xm_msg_proxy(x, m.handle, 0, frame_len(i), &p));
		ASSERT_EQ(0, xm_send(x, xchg, p.handle, 0, 0, 0));
		ASSERT_EQ(0, xm_msg_rel(x, m.handle));
		len = pkt_recv(self->fd, got, sizeof(got), 2000);
		ASSERT_EQ((ssize_t)frame_len(i), len) TH_LOG("frame %u", i);
		frame_fill(want, src, i, frame_len(i));
		ASSERT_EQ(0, memcmp(want, got, len));
	}
	EXPECT_EQ(n, nic_stat(RX_DEV, "tx_sent"));
	EXPECT_EQ(0, nic_stat(RX_DEV, "tx_copied"));
	EXPECT_EQ(0, wait_stat(RX_DEV, "tx_inflight", 0, 2000));
	EXPECT_EQ(0, wait_stat(RX_DEV, "pool_in_use", 0, 2000));
	xm_close(x);
}

/* Can a user process open the module's objects by name? */
static int user_reachable(void)
{
	struct xm *x;
	int ok = 0;

	if (nic_attach(RX_DEV " pool"))
		return 0;
	if (!xm_open(&x, NULL)) {
		ok = xm_xchg_open(x, "nic." RX_DEV ".rx", XMSG_ACC_READ) > 0;
		xm_close(x);
	}
	nic_detach(RX_DEV);
	return ok;
}

int main(int argc, char **argv)
{
	if (!have_nics()) {
		printf("1..0 # SKIP no eth0/eth1 or no xmsg_nic module\n");
		return KSFT_SKIP;
	}
	if (!user_reachable()) {
		printf("1..0 # SKIP nic.eth0.rx cannot be opened through /dev/xmsg\n");
		return KSFT_SKIP;
	}
	return test_harness_run(argc, argv);
}
