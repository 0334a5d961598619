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
#include "xt_exec.h"
#include "xt_json.h"

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

/* Queue a pool message of @len bytes whose block holds a whole header. */
static int send_short(struct xm *x, int pool, int xchg, size_t len)
{
	static const unsigned char src[ETH_ALEN] = { 2, 0, 0, 0, 0, 1 };
	struct xm_msg m;

	if (xm_msg_get(x, pool, &m) || !m.body)
		return -1;
	frame_fill(m.body, src, 0, 60);
	if (xm_msg_set_length(x, m.handle, len) ||
	    xm_send(x, xchg, m.handle, 0, 0, 0))
		return -1;
	return 0;
}

/*
 * The sink receiver reads the EtherType in place: a message shorter than
 * an Ethernet header (a user may queue one at nic.eth0.rx) is counted in
 * sink_short, never read past its length; a 14-byte one is read.
 */
TEST_F(nic, sink_short)
{
	int pool, xchg;
	struct xm *x;

	ASSERT_EQ(0, nic_attach(RX_DEV " pool sink"));
	ASSERT_EQ(0, user_open(&x, "nic." RX_DEV ".rx", XMSG_ACC_RDWR, &pool,
			       &xchg));
	ASSERT_EQ(0, send_short(x, pool, xchg, 1));
	EXPECT_EQ(1, wait_stat(RX_DEV, "sink_short", 1, 2000));
	EXPECT_EQ(0, nic_stat(RX_DEV, "sunk"));
	ASSERT_EQ(0, send_short(x, pool, xchg, ETH_HLEN - 1));
	EXPECT_EQ(2, wait_stat(RX_DEV, "sink_short", 2, 2000));
	ASSERT_EQ(0, send_short(x, pool, xchg, ETH_HLEN));
	EXPECT_EQ(1, wait_stat(RX_DEV, "sunk", 1, 2000));
	EXPECT_EQ(2, nic_stat(RX_DEV, "sink_short"));
	EXPECT_EQ(0, wait_stat(RX_DEV, "pool_in_use", 0, 2000));
	xm_close(x);
	EXPECT_EQ(0, nic_detach(RX_DEV));
	EXPECT_EQ(0, nic_pools(RX_DEV));
}

/*
 * Send @n frames as pool messages to nic.eth0.tx, each given its length
 * by a proxy of the slice (@set_len false) or by XMSG_IOC_MSG_SET_LENGTH
 * on the whole message, and read each on eth1.  Returns -1 when all came
 * with their exact bytes, else the number of the first frame that did not.
 */
static int tx_frames(struct xm *x, int pool, int xchg, int fd, bool set_len,
		     unsigned int n)
{
	static const unsigned char src[ETH_ALEN] = { 2, 0, 0, 0, 0, 1 };
	unsigned char got[2048], want[1514];
	struct xm_msg m, p;
	unsigned int i;
	size_t flen;

	for (i = 0; i < n; i++) {
		flen = frame_len(i);
		if (xm_msg_get(x, pool, &m) || !m.body)
			return i;
		frame_fill(m.body, src, i, flen);
		if (set_len) {
			if (xm_msg_set_length(x, m.handle, flen) ||
			    xm_send(x, xchg, m.handle, 0, 0, 0))
				return i;
		} else if (xm_msg_proxy(x, m.handle, 0, flen, &p) ||
			   xm_send(x, xchg, p.handle, 0, 0, 0) ||
			   xm_msg_rel(x, m.handle)) {
			return i;
		}
		frame_fill(want, src, i, flen);
		if (pkt_recv(fd, got, sizeof(got), 2000) != (ssize_t)flen ||
		    memcmp(want, got, flen))
			return i;
	}
	return -1;
}

/*
 * Transmit: a user process fills pool messages, gives each frame its length
 * with a proxy of the slice, and sends the proxy to the tx exchange; the
 * module transmits from the block without a copy; eth1 gets the bytes.
 */
TEST_F(nic, tx_user_pool)
{
	int pool, xchg;
	struct xm *x;

	ASSERT_EQ(0, nic_attach(RX_DEV " pool"));
	ASSERT_EQ(0, user_open(&x, "nic." RX_DEV ".tx",
			       XMSG_ACC_READ | XMSG_ACC_WRITE, &pool, &xchg));
	EXPECT_EQ(-1, tx_frames(x, pool, xchg, self->fd, false, 48));
	EXPECT_EQ(48, wait_stat(RX_DEV, "tx_sent", 48, 2000));
	EXPECT_EQ(0, nic_stat(RX_DEV, "tx_copied"));
	EXPECT_EQ(0, wait_stat(RX_DEV, "tx_inflight", 0, 2000));
	EXPECT_EQ(0, wait_stat(RX_DEV, "pool_in_use", 0, 2000));
	xm_close(x);
}

/*
 * Transmit whole messages whose length was set (XMSG_IOC_MSG_SET_LENGTH):
 * no proxy needed; the block is unmade and leaves eth0 without a copy.
 */
TEST_F(nic, tx_user_set_length)
{
	int pool, xchg;
	struct xm *x;

	ASSERT_EQ(0, nic_attach(RX_DEV " pool"));
	ASSERT_EQ(0, user_open(&x, "nic." RX_DEV ".tx",
			       XMSG_ACC_READ | XMSG_ACC_WRITE, &pool, &xchg));
	EXPECT_EQ(-1, tx_frames(x, pool, xchg, self->fd, true, 16));
	EXPECT_EQ(16, wait_stat(RX_DEV, "tx_sent", 16, 2000));
	EXPECT_EQ(0, nic_stat(RX_DEV, "tx_copied"));
	EXPECT_EQ(0, nic_stat(RX_DEV, "tx_drop_bad"));
	EXPECT_EQ(0, wait_stat(RX_DEV, "pool_in_use", 0, 2000));
	xm_close(x);
}

/*
 * Zero-copy receive: each body is the received skb (external memory, not
 * in any pool: XMSG_MSGF_NOPOOL, nothing to map); the user reads the exact
 * frame bytes with the copy-out call XMSG_IOC_MSG_READ.
 */
TEST_F(nic, rx_user_zc_read)
{
	unsigned char want[1514], got[1600];
	const unsigned int n = 48;
	struct xm_msg m;
	unsigned int i, seq;
	struct xm *x;
	int xchg;

	ASSERT_EQ(0, nic_attach(RX_DEV " zc"));
	ASSERT_EQ(0, xm_open(&x, NULL));
	xchg = xm_xchg_open(x, "nic." RX_DEV ".rx", XMSG_ACC_READ);
	ASSERT_LT(0, xchg);
	ASSERT_EQ(n, send_frames(self->fd, self->mac, 0, n));
	for (i = 0; i < n; i++) {
		ASSERT_EQ(0, xm_recv(x, xchg, XM_MS(2000), 0, &m))
			TH_LOG("frame %u", i);
		EXPECT_NE(0, !!(m.flags & XMSG_MSGF_NOPOOL));
		EXPECT_EQ(NULL, m.body);
		ASSERT_EQ(frame_len(i), m.length);
		memset(got, 0, sizeof(got));
		ASSERT_EQ(0, xm_msg_read(x, m.handle, 0, got, m.length));
		frame_fill(want, self->mac, i, frame_len(i));
		ASSERT_EQ(0, memcmp(want, got, m.length)) TH_LOG("frame %u", i);
		/* a slice: the sequence number after the Ethernet header */
		ASSERT_EQ(0, xm_msg_read(x, m.handle, ETH_HLEN, &seq,
					 sizeof(seq)));
		EXPECT_EQ(i, seq);
		EXPECT_EQ(-ERANGE, xm_msg_read(x, m.handle, 1, got, m.length));
		ASSERT_EQ(0, xm_msg_rel(x, m.handle));
	}
	EXPECT_EQ(n, nic_stat(RX_DEV, "rx_delivered"));
	EXPECT_EQ(0, wait_stat(RX_DEV, "rx_zc_live", 0, 2000));
	xm_close(x);
	EXPECT_EQ(0, nic_detach(RX_DEV));
	EXPECT_EQ(0, nic_pools(RX_DEV));
}

/* Return messages to @free in one XMSG_IOC_XFER without a receive. */
static int give_back(struct xm *x, uint32_t free_x, const struct xm_msg *m,
		     unsigned int n)
{
	struct xmsg_xfer_send back[XMSG_XFER_MAX];
	unsigned int i, sent;

	memset(back, 0, sizeof(back));
	for (i = 0; i < n; i++) {
		back[i].xchg = free_x;
		back[i].msg = m[i].handle;
	}
	return xm_xfer(x, back, n, 0, NULL, 0, 0, &sent) ? -1 : (int)sent;
}

/*
 * Batched receive with recycling: a user receives each round of 16 frames
 * with one XMSG_IOC_XFER and returns the batch to nic.eth0.free with
 * another; the rx path carries the next round's frames in the returned
 * messages (no block get, no make), so 48 frames use 16 blocks.
 */
TEST_F(nic, rx_user_batch_recycle)
{
	struct xm_msg m[XMSG_XFER_MAX];
	unsigned char want[1514];
	int pool, xchg, free_x, n, i;
	unsigned int r, seq;
	struct xm *x;

	ASSERT_EQ(0, nic_attach(RX_DEV " pool"));
	ASSERT_EQ(0, user_open(&x, "nic." RX_DEV ".rx", XMSG_ACC_READ, &pool,
			       &xchg));
	free_x = xm_xchg_open(x, "nic." RX_DEV ".free", XMSG_ACC_WRITE);
	ASSERT_LT(0, free_x);
	for (r = 0; r < 3; r++) {
		ASSERT_EQ(16, send_frames(self->fd, self->mac, r * 16, 16));
		ASSERT_EQ((r + 1) * 16, wait_stat(RX_DEV, "rx_delivered",
						  (r + 1) * 16, 2000));
		n = xm_xfer(x, NULL, 0, xchg, m, XMSG_XFER_MAX, XM_MS(2000),
			    NULL);
		ASSERT_EQ(16, n);
		for (i = 0; i < n; i++) {
			seq = r * 16 + i;
			frame_fill(want, self->mac, seq, frame_len(seq));
			ASSERT_EQ(frame_len(seq), m[i].length);
			ASSERT_NE(NULL, m[i].body);
			ASSERT_EQ(0, memcmp(want, m[i].body, m[i].length))
				TH_LOG("frame %u", seq);
		}
		ASSERT_EQ(16, give_back(x, free_x, m, n));
	}
	EXPECT_EQ(48, nic_stat(RX_DEV, "rx_delivered"));
	EXPECT_EQ(32, nic_stat(RX_DEV, "rx_recycled"));
	EXPECT_EQ(0, nic_stat(RX_DEV, "rx_free_released"));
	EXPECT_EQ(16, nic_stat(RX_DEV, "pool_in_use"));	/* 16 at free */
	xm_close(x);
	EXPECT_EQ(0, nic_detach(RX_DEV));	/* free's queue goes back */
	EXPECT_EQ(0, nic_pools(RX_DEV));
}

/*
 * Receive through a ring (XMSG_IOC_RING at nic.eth0.rx): every frame, in
 * order, with its exact bytes, read in place without a system call a
 * frame.  The messages the reader is done with come back to the rx path
 * as the next frames' messages (rx_ring_reused: no block get, no make),
 * all of a batch at once (a stack of up to 16 per CPU), so 3 rounds of
 * 16 frames keep at most 16 + 1 blocks out.
 */
TEST_F(nic, rx_user_ring)
{
	const struct xmsg_ring_entry *e;
	unsigned char want[1514];
	unsigned int r, i, seq;
	struct xm_ring ring;
	int pool, xchg;
	struct xm *x;
	void *body;

	ASSERT_EQ(0, nic_attach(RX_DEV " pool"));
	ASSERT_EQ(0, user_open(&x, "nic." RX_DEV ".rx", XMSG_ACC_READ, &pool,
			       &xchg));
	ASSERT_EQ(0, xm_ring_open(x, xchg, pool, 64, 0, 0, &ring));
	for (r = 0; r < 3; r++) {
		ASSERT_EQ(16, send_frames(self->fd, self->mac, r * 16, 16));
		ASSERT_EQ((r + 1) * 16, wait_stat(RX_DEV, "rx_delivered",
						  (r + 1) * 16, 2000));
		ASSERT_EQ(16u, xm_ring_ready(&ring));
		for (i = 0; i < 16; i++) {
			seq = r * 16 + i;
			e = xm_ring_entry(&ring, i);
			body = xm_ring_body(&ring, e);
			frame_fill(want, self->mac, seq, frame_len(seq));
			ASSERT_EQ(frame_len(seq), e->length);
			ASSERT_NE(NULL, body);
			ASSERT_EQ(0, memcmp(want, body, e->length))
				TH_LOG("frame %u", seq);
		}
		xm_ring_done(&ring, 16);
		EXPECT_GE(17, nic_stat(RX_DEV, "pool_in_use"));
	}
	EXPECT_EQ(0u, xm_ring_ready(&ring));
	EXPECT_EQ(48, nic_stat(RX_DEV, "rx_delivered"));
	/* the first frame of rounds 2 and 3 takes back the 16 read before;
	 * they are kept (up to 16 per CPU) and carry the next frames: 31 on
	 * one CPU, at least 8 when the frames alternate between two (one
	 * spare per send gave 2)
	 */
	EXPECT_LE(8, nic_stat(RX_DEV, "rx_ring_reused"));
	EXPECT_EQ(0, nic_stat(RX_DEV, "rx_drop_full"));
	/* detach with 16 read entries still in the ring: nothing is lost */
	EXPECT_EQ(0, nic_detach(RX_DEV));
	EXPECT_NE(0u, ring.hdr->flags & XMSG_RING_F_DEAD);
	EXPECT_EQ(-EIDRM, xm_ring_wait(&ring, 0));
	xm_ring_close(&ring);
	xm_close(x);
	/* the pool was still mapped at detach: the reaper destroys it once
	 * it is idle and unmapped (it retries every 0.5 s)
	 */
	for (i = 0; i < 40 && nic_pools(RX_DEV); i++)
		usleep(100000);
	EXPECT_EQ(0, nic_pools(RX_DEV));
}

/*
 * A ring that is not read: the frames beyond it queue at the exchange up
 * to its limit, then are dropped and counted (rx_drop_full); the rx path
 * never blocks and nothing leaks.
 */
TEST_F(nic, rx_user_ring_full)
{
	struct xm_ring ring;
	int pool, xchg;
	struct xm *x;

	set_param("xchg_limit", 8);
	ASSERT_EQ(0, nic_attach(RX_DEV " pool"));
	set_param("xchg_limit", 256);
	ASSERT_EQ(0, user_open(&x, "nic." RX_DEV ".rx", XMSG_ACC_READ, &pool,
			       &xchg));
	ASSERT_EQ(0, xm_ring_open(x, xchg, pool, 16, 0, 0, &ring));
	ASSERT_EQ(40, send_frames(self->fd, self->mac, 0, 40));
	ASSERT_EQ(40, wait_stat(RX_DEV, "rx_frames", 40, 2000));
	EXPECT_EQ(16u, xm_ring_ready(&ring));
	EXPECT_NE(0u, ring.hdr->flags & XMSG_RING_F_QUEUED);
	EXPECT_EQ(24, wait_stat(RX_DEV, "rx_delivered", 24, 2000));
	EXPECT_EQ(16, wait_stat(RX_DEV, "rx_drop_full", 16, 2000));
	EXPECT_EQ(24, wait_stat(RX_DEV, "pool_in_use", 24, 2000));
	/* reading 16 moves the 8 queued ones in, in order */
	xm_ring_done(&ring, 16);
	EXPECT_EQ(1, xm_ring_wait(&ring, 0));
	EXPECT_EQ(8u, xm_ring_ready(&ring));
	EXPECT_EQ(8, nic_stat(RX_DEV, "pool_in_use"));
	xm_ring_close(&ring);
	EXPECT_EQ(0, nic_stat(RX_DEV, "pool_in_use"));
	xm_close(x);
	EXPECT_EQ(0, nic_detach(RX_DEV));
	EXPECT_EQ(0, nic_pools(RX_DEV));
}

/*
 * Zero-copy forwarding in user space: frames received through a ring are
 * taken out of it (XMSG_IOC_RING_TAKE) and sent to nic.eth0.tx as they
 * are: each leaves eth0 from the block it was received into (no copy on
 * either side) and arrives on eth1 with its exact bytes, in order.
 */
TEST_F(nic, rx_ring_forward_tx)
{
	unsigned char want[1514], got[2048];
	const unsigned int n = 16;
	struct xm_ring ring;
	int pool, rx, tx;
	struct xm_msg m;
	unsigned int i;
	struct xm *x;
	ssize_t len;

	ASSERT_EQ(0, nic_attach(RX_DEV " pool"));
	ASSERT_EQ(0, user_open(&x, "nic." RX_DEV ".rx", XMSG_ACC_READ, &pool,
			       &rx));
	tx = xm_xchg_open(x, "nic." RX_DEV ".tx", XMSG_ACC_WRITE);
	ASSERT_LT(0, tx);
	ASSERT_EQ(0, xm_ring_open(x, rx, pool, 32, 0, 0, &ring));
	ASSERT_EQ(n, send_frames(self->fd, self->mac, 0, n));
	ASSERT_EQ(n, wait_stat(RX_DEV, "rx_delivered", n, 2000));
	pkt_drain(self->fd);	/* our socket's copies of what eth1 sent */
	ASSERT_EQ(n, xm_ring_ready(&ring));
	for (i = 0; i < n; i++) {
		ASSERT_EQ(0, xm_ring_take(x, &ring, i, &m)) TH_LOG("entry %u", i);
		ASSERT_EQ(frame_len(i), m.length);
		ASSERT_EQ(0, xm_send(x, tx, m.handle, 0, 0, 0));
	}
	xm_ring_done(&ring, n);
	for (i = 0; i < n; i++) {
		len = pkt_recv(self->fd, got, sizeof(got), 2000);
		ASSERT_EQ((ssize_t)frame_len(i), len) TH_LOG("frame %u", i);
		frame_fill(want, self->mac, i, frame_len(i));
		ASSERT_EQ(0, memcmp(want, got, len)) TH_LOG("frame %u", i);
	}
	EXPECT_EQ(n, wait_stat(RX_DEV, "tx_sent", n, 2000));
	EXPECT_EQ(0, nic_stat(RX_DEV, "tx_copied"));
	EXPECT_EQ(0, wait_stat(RX_DEV, "tx_inflight", 0, 2000));
	EXPECT_EQ(0, wait_stat(RX_DEV, "pool_in_use", 0, 2000));
	xm_ring_close(&ring);
	xm_close(x);
	EXPECT_EQ(0, nic_detach(RX_DEV));
	EXPECT_EQ(0, nic_pools(RX_DEV));
}

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A child that waits (up to 10 s) for one frame at nic.eth0.rx. */
static pid_t waiting_receiver(void)
{
	struct xm_msg m;
	struct xm *x;
	pid_t pid;
	int xchg;

	pid = fork();
	if (pid)
		return pid;
	CHILD_CHECK(!xm_open(&x, NULL), 10);
	xchg = xm_xchg_open(x, "nic." RX_DEV ".rx", XMSG_ACC_READ);
	CHILD_CHECK(xchg > 0, 11);
	CHILD_CHECK(!xm_recv(x, xchg, XM_MS(10000), 0, &m), 12);
	CHILD_CHECK(m.length == frame_len(7), 13);
	_exit(0);
}

/* Wait (up to 5 s) until @n receivers wait at nic.eth0.rx: 0, or -1. */
static int rx_waiters(unsigned int n)
{
	struct xmsg_info in;
	struct xm *x;
	int xchg, ret = -1;

	if (xm_open(&x, NULL))
		return -1;
	xchg = xm_xchg_open(x, "nic." RX_DEV ".rx", XMSG_ACC_READ);
	if (xchg > 0)
		ret = XT_WAIT_INFO(x, xchg, in, in.u.xchg.waiters == n, 5000);
	xm_close(x);
	return ret;
}

/*
 * rx_coalesce_us: a receiver waiting at the rx exchange is handed the
 * frame at once but woken only when the coalescing time is over; detach
 * wakes it at once.
 */
TEST_F(nic, rx_coalesce)
{
	double t0, dt;
	pid_t pid;

	set_param("rx_coalesce_us", 300000);	/* 300 ms */
	ASSERT_EQ(0, nic_attach(RX_DEV " pool"));
	set_param("rx_coalesce_us", 0);
	pid = waiting_receiver();
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, rx_waiters(1));
	t0 = mono();
	ASSERT_EQ(1, send_frames(self->fd, self->mac, 7, 1));
	ASSERT_EQ(0, xt_wait(pid));
	dt = mono() - t0;
	EXPECT_LE(0.25, dt) TH_LOG("woken after %.3f s", dt);
	EXPECT_GE(3.0, dt) TH_LOG("woken after %.3f s", dt);
	EXPECT_EQ(0, nic_detach(RX_DEV));

	/* a receiver handed a frame, not woken yet: detach wakes it */
	set_param("rx_coalesce_us", 8000000);	/* 8 s */
	ASSERT_EQ(0, nic_attach(RX_DEV " pool"));
	set_param("rx_coalesce_us", 0);
	pid = waiting_receiver();
	ASSERT_LT(0, pid);
	ASSERT_EQ(0, rx_waiters(1));
	ASSERT_EQ(1, send_frames(self->fd, self->mac, 7, 1));
	ASSERT_EQ(1, wait_stat(RX_DEV, "rx_delivered", 1, 2000));
	t0 = mono();
	EXPECT_EQ(0, nic_detach(RX_DEV));
	ASSERT_EQ(0, xt_wait(pid));
	dt = mono() - t0;
	EXPECT_GE(3.0, dt) TH_LOG("woken %.3f s after detach", dt);
	/* its message held the pool: the reaper gives it back */
	for (int i = 0; i < 40 && nic_pools(RX_DEV); i++)
		usleep(100 * 1000);
	EXPECT_EQ(0, nic_pools(RX_DEV));
}

/* Anything else sent to the free exchange is released by the rx path. */
TEST_F(nic, free_foreign_released)
{
	char pname[XMSG_NAME_MAX];
	struct xm_msg m, r;
	int mine, free_x, rx;
	struct xm *x;

	ASSERT_EQ(0, nic_attach(RX_DEV " pool"));
	ASSERT_EQ(0, xm_open(&x, NULL));
	snprintf(pname, sizeof(pname), "t%d.nicfree", (int)getpid());
	mine = xm_pool_create(x, pname, 128, 2, 0600, XMSG_CREATE_EXCL);
	ASSERT_LT(0, mine);
	free_x = xm_xchg_open(x, "nic." RX_DEV ".free", XMSG_ACC_WRITE);
	rx = xm_xchg_open(x, "nic." RX_DEV ".rx", XMSG_ACC_READ);
	ASSERT_LT(0, free_x);
	ASSERT_LT(0, rx);
	ASSERT_EQ(0, xm_msg_get(x, mine, &m));
	ASSERT_EQ(0, xm_send(x, free_x, m.handle, 0, 0, 0));
	ASSERT_EQ(1, send_frames(self->fd, self->mac, 0, 1));
	ASSERT_EQ(0, xm_recv(x, rx, XM_MS(2000), 0, &r));
	EXPECT_EQ(1, nic_stat(RX_DEV, "rx_free_released"));
	EXPECT_EQ(0, nic_stat(RX_DEV, "rx_recycled"));
	EXPECT_EQ(0, xm_msg_rel(x, r.handle));
	EXPECT_EQ(0, xm_pool_destroy(x, mine));	/* its block is back */
	xm_close(x);
	EXPECT_EQ(0, nic_detach(RX_DEV));
}

/* Is @name of @type in the registry listing?  Its mode, or -1. */
static int listed_mode(struct xm *x, uint32_t type, const char *name)
{
	struct xmsg_list_entry *e;
	size_t n, i;
	int mode = -1;

	if (xm_list(x, type, &e, &n))
		return -2;
	for (i = 0; i < n; i++)
		if (!strcmp(e[i].name, name))
			mode = e[i].mode;
	free(e);
	return mode;
}

/* The modes the registry lists for the four names (-1: not listed). */
static void expect_modes(struct __test_metadata *_metadata, struct xm *x,
			 int pool, int rx, int tx, int free_x)
{
	EXPECT_EQ(pool, listed_mode(x, XMSG_TYPE_POOL, "nic." RX_DEV));
	EXPECT_EQ(rx, listed_mode(x, XMSG_TYPE_XCHG, "nic." RX_DEV ".rx"));
	EXPECT_EQ(tx, listed_mode(x, XMSG_TYPE_XCHG, "nic." RX_DEV ".tx"));
	EXPECT_EQ(free_x, listed_mode(x, XMSG_TYPE_XCHG, "nic." RX_DEV ".free"));
}

/* Attach names the four objects (mode: obj_mode), detach unnames them. */
TEST_F(nic, registry_names)
{
	struct xm *x;

	set_param("obj_mode", 0640);
	ASSERT_EQ(0, nic_attach(RX_DEV " pool"));
	set_param("obj_mode", 0600);
	ASSERT_EQ(0, xm_open(&x, NULL));
	expect_modes(_metadata, x, 0640, 0640, 0640, 0640);
	EXPECT_EQ(0, nic_detach(RX_DEV));
	expect_modes(_metadata, x, -1, -1, -1, -1);
	EXPECT_EQ(-ENOENT, xm_xchg_open(x, "nic." RX_DEV ".rx", XMSG_ACC_READ));
	EXPECT_EQ(-ENOENT, xm_pool_open(x, "nic." RX_DEV, XMSG_ACC_READ));
	EXPECT_EQ(0, nic_pools(RX_DEV));
	xm_close(x);
}

/*
 * Each exchange may have its own mode (rx_obj_mode, tx_obj_mode,
 * free_obj_mode; -1: obj_mode), e.g. a group that receives and returns
 * messages but may not transmit; the pool keeps obj_mode.  A mode out of
 * 0..0777 is refused.
 */
TEST_F(nic, registry_modes)
{
	static const char * const p[] = { "rx_obj_mode", "tx_obj_mode",
					   "free_obj_mode" };
	char path[128];
	unsigned int i;
	struct xm *x;

	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), NIC_PARAMS "/%s", p[i]);
		EXPECT_EQ(-EINVAL, write_str(path, "01000"));
		EXPECT_EQ(-EINVAL, write_str(path, "-2"));
	}
	set_param("obj_mode", 0640);
	set_param("rx_obj_mode", 0640);
	set_param("tx_obj_mode", 0600);
	set_param("free_obj_mode", 0620);
	ASSERT_EQ(0, nic_attach(RX_DEV " pool"));
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), NIC_PARAMS "/%s", p[i]);
		EXPECT_EQ(0, write_str(path, "-1"));
	}
	set_param("obj_mode", 0600);
	ASSERT_EQ(0, xm_open(&x, NULL));
	expect_modes(_metadata, x, 0640, 0640, 0600, 0620);
	EXPECT_EQ(0, nic_detach(RX_DEV));
	/* back to obj_mode for all four */
	ASSERT_EQ(0, nic_attach(RX_DEV " pool"));
	expect_modes(_metadata, x, 0600, 0600, 0600, 0600);
	EXPECT_EQ(0, nic_detach(RX_DEV));
	xm_close(x);
}

/*
 * xmsg_reg_publish_*() -EEXIST: a name taken by a user object makes the
 * attach fail with EEXIST, and nothing of it stays named or allocated.
 */
TEST_F(nic, registry_eexist)
{
	struct xm *x;
	int h;

	ASSERT_EQ(0, xm_open(&x, NULL));
	h = xm_xchg_create(x, "nic." RX_DEV ".tx", XMSG_XCHG_KIND_NORMAL, 0,
			   0600, XMSG_CREATE_EXCL);
	ASSERT_LT(0, h);
	EXPECT_EQ(-EEXIST, nic_attach(RX_DEV " pool"));
	EXPECT_EQ(-1, nic_stat(RX_DEV, "rx_frames"));
	EXPECT_EQ(0, nic_pools(RX_DEV));
	EXPECT_EQ(-1, listed_mode(x, XMSG_TYPE_XCHG, "nic." RX_DEV ".rx"));
	EXPECT_EQ(0, xm_destroy(x, h));
	/* the pool is published last: rx and tx are unnamed again */
	h = xm_pool_create(x, "nic." RX_DEV, 64, 1, 0600, XMSG_CREATE_EXCL);
	ASSERT_LT(0, h);
	EXPECT_EQ(-EEXIST, nic_attach(RX_DEV " zc"));
	EXPECT_EQ(1, nic_pools(RX_DEV));	/* the user's only */
	EXPECT_EQ(-1, listed_mode(x, XMSG_TYPE_XCHG, "nic." RX_DEV ".rx"));
	EXPECT_EQ(-1, listed_mode(x, XMSG_TYPE_XCHG, "nic." RX_DEV ".tx"));
	EXPECT_EQ(0, xm_pool_destroy(x, h));
	/* and with the names free again, the attach works */
	EXPECT_EQ(0, nic_attach(RX_DEV " pool"));
	EXPECT_EQ(0, nic_detach(RX_DEV));
	EXPECT_EQ(0, nic_pools(RX_DEV));
	xm_close(x);
}

/*
 * The "nic." prefix is the module's: without CAP_NET_ADMIN a user may not
 * create a pool, exchange or semaphore of such a name (EPERM, nothing
 * made), so the attach that follows works; other names are not affected;
 * the published objects still open by their mode.
 */
TEST_F(nic, registry_reserved)
{
	struct xm *x;
	int h;

	ASSERT_EQ(0, xm_open(&x, NULL));
	ASSERT_EQ(0, cap_net_admin(0));
	h = xm_pool_create(x, "nic." RX_DEV, 64, 1, 0600, XMSG_CREATE_EXCL);
	EXPECT_EQ(-EPERM, h);
	if (h > 0)	/* named objects outlive the file: do not leave it */
		xm_destroy(x, h);
	h = xm_xchg_create(x, "nic." RX_DEV ".tx", XMSG_XCHG_KIND_NORMAL, 0,
			   0600, 0);
	EXPECT_EQ(-EPERM, h);
	if (h > 0)
		xm_destroy(x, h);
	h = xm_sem_create(x, "nic.x", XMSG_SEM_KIND_COUNT, 0, 0, 0600, 0);
	EXPECT_EQ(-EPERM, h);
	if (h > 0)
		xm_destroy(x, h);
	EXPECT_EQ(-EINVAL, xm_xchg_create(x, "nic+", XMSG_XCHG_KIND_NORMAL,
					  0, 0600, 0));
	h = xm_xchg_create(x, "nicx." RX_DEV, XMSG_XCHG_KIND_NORMAL, 0, 0600,
			   XMSG_CREATE_EXCL);
	EXPECT_LT(0, h);
	EXPECT_EQ(0, xm_destroy(x, h));
	h = xm_sem_create(x, "nic", XMSG_SEM_KIND_COUNT, 0, 0, 0600,
			  XMSG_CREATE_EXCL);
	EXPECT_LT(0, h);
	EXPECT_EQ(0, xm_destroy(x, h));
	ASSERT_EQ(0, cap_net_admin(1));
	ASSERT_EQ(0, nic_attach(RX_DEV " pool"));
	ASSERT_EQ(0, cap_net_admin(0));
	h = xm_xchg_open(x, "nic." RX_DEV ".rx", XMSG_ACC_READ);
	EXPECT_LT(0, h);
	EXPECT_EQ(-EPERM, xm_xchg_create(x, "nic." RX_DEV ".rx",
					 XMSG_XCHG_KIND_NORMAL, 0, 0600, 0));
	ASSERT_EQ(0, cap_net_admin(1));
	xm_close(x);
	EXPECT_EQ(0, nic_detach(RX_DEV));
	EXPECT_EQ(0, nic_pools(RX_DEV));
}

/* xmsg_reg_publish_*() -EINVAL: a device name that is no valid xmsg name. */
TEST_F(nic, registry_einval)
{
	if (system("ip link add xn+0 type veth peer name xn+1 2>/dev/null") &&
	    system("ip link add xn+0 type veth 2>/dev/null"))
		SKIP(return, "cannot create a veth pair");
	EXPECT_EQ(-EINVAL, nic_attach("xn+0 pool"));
	EXPECT_EQ(-1, nic_stat("xn+0", "rx_frames"));
	EXPECT_EQ(0, nic_pools("xn+0"));
	EXPECT_EQ(0, system("ip link del xn+0"));
}

/*
 * Detach while a user holds a handle of each object, a mapping, and a
 * received message: the names go at once; the user's exchange handle
 * reports -EIDRM, its pool handle gets no more blocks (-EIDRM); the held
 * body stays readable; the pool is destroyed once the message is released
 * and the mapping is gone (xmsg_reg_unpublish() -EBUSY until then).
 */
TEST_F(nic, registry_detach_held)
{
	unsigned char want[1514], got[1514];
	struct xm_msg m, b;
	int pool, xchg;
	struct xm *x;

	ASSERT_EQ(0, nic_attach(RX_DEV " pool"));
	ASSERT_EQ(0, user_open(&x, "nic." RX_DEV ".rx", XMSG_ACC_RDWR, &pool,
			       &xchg));
	ASSERT_EQ(1, send_frames(self->fd, self->mac, 5, 1));
	ASSERT_EQ(0, xm_recv(x, xchg, XM_MS(2000), 0, &m));
	ASSERT_NE(NULL, m.body);
	EXPECT_EQ(0, nic_detach(RX_DEV));
	EXPECT_EQ(-ENOENT, xm_xchg_open(x, "nic." RX_DEV ".rx", XMSG_ACC_READ));
	EXPECT_EQ(-ENOENT, xm_pool_open(x, "nic." RX_DEV, XMSG_ACC_READ));
	EXPECT_EQ(-EIDRM, xm_recv(x, xchg, XM_NOWAIT, 0, &b));
	EXPECT_EQ(-EIDRM, xm_msg_get(x, pool, &b));
	frame_fill(want, self->mac, 5, frame_len(5));
	ASSERT_EQ(frame_len(5), m.length);
	EXPECT_EQ(0, memcmp(want, m.body, m.length));
	ASSERT_EQ(0, xm_msg_read(x, m.handle, 0, got, m.length));
	EXPECT_EQ(0, memcmp(want, got, m.length));
	usleep(600 * 1000);	/* the reaper ran: still busy */
	EXPECT_EQ(1, nic_pools(RX_DEV));
	EXPECT_EQ(0, xm_msg_rel(x, m.handle));
	xm_close(x);		/* unmaps */
	for (int i = 0; i < 40 && nic_pools(RX_DEV); i++)
		usleep(100 * 1000);
	EXPECT_EQ(0, nic_pools(RX_DEV));
}

/*
 * The owner may destroy a published exchange: the module's sends to it
 * fail from then on and are counted; blocks come back; detach is clean.
 */
TEST_F(nic, registry_user_destroy)
{
	struct xm *x;
	int h;

	ASSERT_EQ(0, nic_attach(RX_DEV " pool"));
	ASSERT_EQ(0, xm_open(&x, NULL));
	h = xm_xchg_open(x, "nic." RX_DEV ".rx", XMSG_ACC_READ);
	ASSERT_LT(0, h);
	ASSERT_EQ(0, xm_destroy(x, h));
	ASSERT_EQ(4, send_frames(self->fd, self->mac, 0, 4));
	EXPECT_EQ(4, wait_stat(RX_DEV, "rx_drop_other", 4, 2000));
	EXPECT_EQ(0, nic_stat(RX_DEV, "rx_delivered"));
	EXPECT_EQ(0, nic_stat(RX_DEV, "pool_in_use"));
	xm_close(x);
	EXPECT_EQ(0, nic_detach(RX_DEV));
	EXPECT_EQ(0, nic_pools(RX_DEV));
}

/* Value of counter @key in xmsgctl nic output ("  key   value"), or -1. */
static long ctl_counter(const char *out, const char *key)
{
	char k[64];
	const char *p;

	snprintf(k, sizeof(k), "\n  %s ", key);
	p = strstr(out, k);
	return p ? strtol(p + strlen(k), NULL, 10) : -1;
}

#define CTL_OUT	8192

/* xmsgctl nic [DEV]: the module's statistics; errors with exit codes. */
TEST_F(nic, xmsgctl_nic)
{
	char ctl[PATH_MAX], out[CTL_OUT];
	char *all[] = { ctl, "nic", NULL };
	char *one[] = { ctl, "nic", RX_DEV, NULL };
	char *other[] = { ctl, "nic", TX_DEV, NULL };
	char *two[] = { ctl, "nic", RX_DEV, TX_DEV, NULL };

	if (xt_tool(ctl, sizeof(ctl), "bin", "xmsgctl"))
		SKIP(return, "no xmsgctl next to the tests");
	ASSERT_EQ(0, nic_attach(RX_DEV " pool"));
	ASSERT_EQ(6, send_frames(self->fd, self->mac, 0, 6));
	ASSERT_EQ(6, wait_stat(RX_DEV, "rx_delivered", 6, 2000));
	ASSERT_EQ(0, xt_run(NULL, out, sizeof(out), (uid_t)-1, all));
	ASSERT_EQ(0, strncmp(out, RX_DEV ":\n", strlen(RX_DEV) + 2)) TH_LOG("%s", out);
	EXPECT_EQ(6, ctl_counter(out, "rx_frames"));
	EXPECT_EQ(6, ctl_counter(out, "rx_delivered"));
	EXPECT_EQ(0, ctl_counter(out, "rx_drop_noblock"));
	EXPECT_EQ(6, ctl_counter(out, "pool_in_use"));
	EXPECT_EQ(nic_stat(RX_DEV, "pool_free"), ctl_counter(out, "pool_free"));
	EXPECT_NE(NULL, strstr(out, "\n  mode               pool\n"));
	ASSERT_EQ(0, xt_run(NULL, out, sizeof(out), (uid_t)-1, one));
	EXPECT_EQ(6, ctl_counter(out, "rx_made"));
	EXPECT_EQ(4, xt_run(NULL, out, sizeof(out), (uid_t)-1, other));
	EXPECT_EQ(2, xt_run(NULL, out, sizeof(out), (uid_t)-1, two));
	EXPECT_EQ(0, nic_detach(RX_DEV));
	ASSERT_EQ(0, xt_run(NULL, out, sizeof(out), (uid_t)-1, all));
	EXPECT_NE(NULL, strstr(out, "no device attached"));
}

static struct xt_jnode ctl_nodes[256];
static struct xt_json ctl_jp = { .nodes = ctl_nodes, .max = 256 };

/*
 * Does the JSON object @o of xmsgctl -j nic stats describe @st: the
 * device, its settings and every counter the library names?  The first
 * difference is logged; returns the number of differences.
 */
static int ctl_json_differs(struct __test_metadata *_metadata,
			    const struct xt_jnode *o,
			    const struct xm_nic_stats *st)
{
	static const char *const modes[] = { "pool", "zc" };
	static const char *const krecvs[] = { "none", "echo", "sink" };
	const char *name, *s;
	unsigned int i;
	uint64_t v;
	int bad = 0;

	s = xt_json_str(o, "dev");
	bad += !s || strcmp(s, st->ifname);
	bad += xt_json_num(o, "ifindex") != st->ifindex;
	bad += xt_json_num(o, "ethertype") != st->ethertype;
	s = xt_json_str(o, "mode");
	bad += !s || st->mode > 1 || strcmp(s, modes[st->mode]);
	s = xt_json_str(o, "krecv");
	bad += !s || st->krecv > 2 || strcmp(s, krecvs[st->krecv]);
	s = xt_json_str(o, "rx");
	bad += !s || strncmp(s, "nic.", 4) || strncmp(s + 4, st->ifname,
						       strlen(st->ifname)) ||
		strcmp(s + 4 + strlen(st->ifname), ".rx");
	if (bad)
		TH_LOG("settings differ from xm_nic_stats()");
	for (i = 0; i <= XMSG_NIC_STAT_MAX; i++) {
		name = xm_nic_stat_name(i);
		if (!name)
			continue;
		if (xt_json_u64(xt_json_get(o, name), &v) ||
		    v != st->stat[i]) {
			TH_LOG("%s: xm_nic_stats() %llu", name,
			       (unsigned long long)st->stat[i]);
			bad++;
		}
	}
	return bad;
}

/*
 * xmsgctl nic attach / stats / detach through the netlink family: the
 * attachment it makes is the one asked for, its JSON statistics are those
 * of xm_nic_stats(), and errors (attached twice, not attached, no such
 * device, bad option) give an error line and their exit code.
 */
TEST_F(nic, xmsgctl_nic_netlink)
{
	char ctl[PATH_MAX], out[CTL_OUT];
	char *attach[] = { ctl, "nic", "attach", RX_DEV, "--mode", "pool",
			   NULL };
	char *attach_zc[] = { ctl, "nic", "attach", RX_DEV, "-m", "zc",
			      "--krecv", "sink", "--ethertype", "0x88b6",
			      NULL };
	char *attach_bad[] = { ctl, "nic", "attach", RX_DEV, "--krecv",
			       "loop", NULL };
	char *attach_none[] = { ctl, "nic", "attach", "xmnone0", NULL };
	char *detach[] = { ctl, "nic", "detach", RX_DEV, NULL };
	char *stats[] = { ctl, "-j", "nic", "stats", RX_DEV, NULL };
	char *stats_all[] = { ctl, "nic", "stats", "-j", NULL };
	char *stats_text[] = { ctl, "nic", "stats", RX_DEV, NULL };
	const struct xt_jnode *d;
	struct xm_nic_stats st;

	if (xt_tool(ctl, sizeof(ctl), "bin", "xmsgctl"))
		SKIP(return, "no xmsgctl next to the tests");
	ASSERT_EQ(0, xt_run(NULL, out, sizeof(out), (uid_t)-1, attach));
	ASSERT_EQ(0, xm_nic_stats(RX_DEV, 0, &st));
	EXPECT_EQ((uint32_t)XMSG_NIC_MODE_POOL, st.mode);
	EXPECT_EQ((uint32_t)XMSG_NIC_KRECV_NONE, st.krecv);
	EXPECT_EQ(NIC_TYPE, st.ethertype);
	/* attached twice: EEXIST, exit 1, the attachment unchanged */
	EXPECT_EQ(1, xt_run_fd(2, NULL, out, sizeof(out), (uid_t)-1, attach));
	EXPECT_NE(NULL, strstr(out, "cannot attach '" RX_DEV "'")) TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "attached already")) TH_LOG("%s", out);

	ASSERT_EQ(5, send_frames(self->fd, self->mac, 0, 5));
	ASSERT_EQ(5, wait_stat(RX_DEV, "rx_delivered", 5, 2000));
	ASSERT_EQ(0, xt_run(NULL, out, sizeof(out), (uid_t)-1, stats));
	ASSERT_EQ(0, xm_nic_stats(RX_DEV, 0, &st));
	d = xt_json_parse(&ctl_jp, out, NULL);
	ASSERT_NE(NULL, d) TH_LOG("not JSON: %s", out);
	ASSERT_EQ(XT_JOBJ, d->type);
	EXPECT_EQ(0, ctl_json_differs(_metadata, d, &st)) TH_LOG("%s", out);
	EXPECT_EQ(5, xt_json_num(d, "rx_delivered"));
	EXPECT_EQ(5, xt_json_num(d, "pool_in_use"));
	EXPECT_LT(0, xt_json_num(d, "pool_count"));

	/* every device: an array of one */
	ASSERT_EQ(0, xt_run(NULL, out, sizeof(out), (uid_t)-1, stats_all));
	d = xt_json_parse(&ctl_jp, out, NULL);
	ASSERT_NE(NULL, d) TH_LOG("not JSON: %s", out);
	ASSERT_EQ(XT_JARR, d->type);
	ASSERT_EQ((size_t)1, d->n);
	EXPECT_EQ(0, ctl_json_differs(_metadata, xt_json_at(d, 0), &st));

	ASSERT_EQ(0, xt_run(NULL, out, sizeof(out), (uid_t)-1, detach));
	EXPECT_EQ(-ENOENT, xm_nic_stats(RX_DEV, 0, &st));
	EXPECT_EQ(0, nic_pools(RX_DEV));
	/* not attached: an error line, exit 4, nothing on standard output */
	EXPECT_EQ(4, xt_run(NULL, out, sizeof(out), (uid_t)-1, stats));
	EXPECT_STREQ("", out);
	EXPECT_EQ(4, xt_run_fd(2, NULL, out, sizeof(out), (uid_t)-1,
			       stats_text));
	EXPECT_NE(NULL, strstr(out, RX_DEV "': not attached to xmsg_nic\n"))
		TH_LOG("%s", out);
	EXPECT_EQ(4, xt_run_fd(2, NULL, out, sizeof(out), (uid_t)-1, detach));
	EXPECT_NE(NULL, strstr(out, "cannot detach '" RX_DEV "'"))
		TH_LOG("%s", out);
	ASSERT_EQ(0, xt_run(NULL, out, sizeof(out), (uid_t)-1, stats_all));
	EXPECT_STREQ("[]\n", out);
	EXPECT_EQ(4, xt_run_fd(2, NULL, out, sizeof(out), (uid_t)-1,
			       attach_none));
	EXPECT_NE(NULL, strstr(out, "no such network device"))
		TH_LOG("%s", out);
	EXPECT_EQ(2, xt_run(NULL, out, sizeof(out), (uid_t)-1, attach_bad));
	EXPECT_EQ(-ENOENT, xm_nic_stats(RX_DEV, 0, &st));

	/* the options reach the module */
	ASSERT_EQ(0, xt_run(NULL, out, sizeof(out), (uid_t)-1, attach_zc));
	ASSERT_EQ(0, xt_run(NULL, out, sizeof(out), (uid_t)-1, stats));
	ASSERT_EQ(0, xm_nic_stats(RX_DEV, 0, &st));
	EXPECT_EQ((uint32_t)XMSG_NIC_MODE_ZC, st.mode);
	EXPECT_EQ((uint32_t)XMSG_NIC_KRECV_SINK, st.krecv);
	EXPECT_EQ(0x88b6, st.ethertype);
	d = xt_json_parse(&ctl_jp, out, NULL);
	ASSERT_NE(NULL, d) TH_LOG("not JSON: %s", out);
	EXPECT_EQ(0, ctl_json_differs(_metadata, d, &st)) TH_LOG("%s", out);
	EXPECT_EQ(0x88b6, xt_json_num(d, "ethertype"));
	EXPECT_EQ(0, xt_run(NULL, out, sizeof(out), (uid_t)-1, detach));
	EXPECT_EQ(-ENOENT, xm_nic_stats(RX_DEV, 0, &st));
}

/* xmsgctl recv prints a zero-copy frame (not mappable: read by copy). */
TEST_F(nic, xmsgctl_recv_zc)
{
	char ctl[PATH_MAX], out[CTL_OUT];
	char *recv[] = { ctl, "recv", "nic." RX_DEV ".rx", "-T", "2000", "-R",
			 NULL };
	unsigned char want[1514];

	if (xt_tool(ctl, sizeof(ctl), "bin", "xmsgctl"))
		SKIP(return, "no xmsgctl next to the tests");
	ASSERT_EQ(0, nic_attach(RX_DEV " zc"));
	ASSERT_EQ(1, send_frames(self->fd, self->mac, 3, 1));
	ASSERT_EQ(1, wait_stat(RX_DEV, "rx_delivered", 1, 2000));
	memset(out, 0, sizeof(out));
	ASSERT_EQ(0, xt_run(NULL, out, sizeof(out), (uid_t)-1, recv));
	frame_fill(want, self->mac, 3, frame_len(3));
	EXPECT_EQ(0, memcmp(want, out, frame_len(3)));
	EXPECT_EQ(0, wait_stat(RX_DEV, "rx_zc_live", 0, 2000));
	EXPECT_EQ(0, nic_detach(RX_DEV));
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
