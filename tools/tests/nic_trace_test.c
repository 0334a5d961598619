// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg_nic.ko's trace events (net/nic_trace.h, system xmsg_nic), read
 * back through tracefs: every frame dropped for an empty pool, for being
 * larger than a block or for a full rx exchange leaves one
 * xmsg_nic_rx_drop with its device, length and reason; every body sent
 * in place (echoed from a block, or a user's proxy of a slice) leaves one
 * xmsg_nic_tx_complete with its device, length and kind once the device
 * is done with it; bodies sent by copy leave none.
 *
 * Needs root, tracefs, eth0/eth1 and the module (the VM's --net run);
 * SKIPs otherwise.
 */
#include "nic_common.h"
#include "xt_trace.h"

#define NFR	16	/* frames per case */

/* Start tracing the module's events, on an empty trace. */
static int nic_trace_start(void)
{
	int err = xt_trace_find("xmsg_nic");

	if (err)
		return err;
	err = xt_trace_write("trace", "");
	if (!err)
		err = xt_trace_write("events/xmsg_nic/enable", "1");
	if (!err)
		err = xt_trace_write("tracing_on", "1");
	return err;
}

/* Stop tracing them and return the trace (free() it), or NULL. */
static char *nic_trace_stop(void)
{
	if (xt_trace_write("events/xmsg_nic/enable", "0"))
		return NULL;
	return xt_trace_read();
}

#define NIC_TRACE_START() do {						\
	int err_ = nic_trace_start();					\
									\
	if (err_ == -ENODEV || geteuid())				\
		SKIP(return, "no tracefs, or not root");		\
	ASSERT_EQ(0, err_) TH_LOG("tracefs has no events/xmsg_nic");	\
} while (0)

/* Occurrences of @s in @trace. */
static long count_str(const char *trace, const char *s)
{
	long n = 0;

	for (; (trace = strstr(trace, s)); trace += strlen(s))
		n++;
	return n;
}

/*
 * Of frames @first to @last (sent by send_frames() from 0), how many
 * have @len bytes.
 */
static int frames_of_len(unsigned int first, unsigned int last, size_t len)
{
	unsigned int i;
	int n = 0;

	for (i = first; i <= last; i++)
		n += frame_len(i) == len;
	return n;
}

/*
 * One xmsg_nic_rx_drop with @reason for each of frames @first to @last,
 * with its length, and none for the others: the lines are counted per
 * length over the lengths frame_len() cycles through.
 */
static void check_drops(struct __test_metadata *_metadata, const char *trace,
			unsigned int first, unsigned int last,
			const char *reason)
{
	char want[128];
	unsigned int i;
	int total = 0;

	for (i = 0; i < 8; i++) {
		size_t len = frame_len(i);

		snprintf(want, sizeof(want), "dev=%s len=%zu reason=%s",
			 RX_DEV, len, reason);
		EXPECT_EQ(frames_of_len(first, last, len),
			  xt_trace_count(trace, "xmsg_nic_rx_drop", want))
			TH_LOG("%s", want);
		total += xt_trace_count(trace, "xmsg_nic_rx_drop", want);
	}
	EXPECT_EQ((int)(last - first + 1), total);
}

/*
 * With module parameter @param at @v, send frames 0 to @last: frames
 * @first on are dropped, counted in @stat, each traced with @reason.
 */
static void drop_case(struct __test_metadata *_metadata, int fd,
		      const unsigned char *mac, const char *param,
		      unsigned int v, unsigned int first, unsigned int last,
		      const char *stat, const char *reason)
{
	long drops = last - first + 1;
	char *trace;

	set_param(param, v);
	ASSERT_EQ(0, nic_attach(RX_DEV " pool"));
	ASSERT_EQ((int)last + 1, send_frames(fd, mac, 0, last + 1));
	EXPECT_EQ(drops, wait_stat(RX_DEV, stat, drops, 3000));
	trace = nic_trace_stop();
	ASSERT_NE(NULL, trace);
	check_drops(_metadata, trace, first, last, reason);
	EXPECT_EQ(drops, count_str(trace, "xmsg_nic_rx_drop:"));
	free(trace);
}

/* The pool has 8 blocks and nobody receives: frames 8 on find it empty. */
TEST_F(nic, rx_drop_pool_empty)
{
	NIC_TRACE_START();
	drop_case(_metadata, self->fd, self->mac, "pool_blocks", 8, 8, 19,
		  "rx_drop_noblock", "pool-empty");
}

/* Blocks of 256 bytes: the longer frames are dropped, each with its length. */
TEST_F(nic, rx_drop_too_big)
{
	unsigned int i, big = 0;
	char want[128], *trace;

	NIC_TRACE_START();
	set_param("block_size", 256);
	ASSERT_EQ(0, nic_attach(RX_DEV " pool"));
	ASSERT_EQ(NFR, send_frames(self->fd, self->mac, 0, NFR));
	for (i = 0; i < NFR; i++)
		big += frame_len(i) > 256;
	ASSERT_LT(0u, big);
	EXPECT_EQ(big, wait_stat(RX_DEV, "rx_drop_oversize", big, 3000));
	trace = nic_trace_stop();
	ASSERT_NE(NULL, trace);
	for (i = 0; i < 8; i++) {
		size_t len = frame_len(i);

		snprintf(want, sizeof(want), "dev=%s len=%zu reason=too-big",
			 RX_DEV, len);
		EXPECT_EQ(len > 256 ? frames_of_len(0, NFR - 1, len) : 0,
			  xt_trace_count(trace, "xmsg_nic_rx_drop", want))
			TH_LOG("%s", want);
	}
	EXPECT_EQ(big, count_str(trace, "xmsg_nic_rx_drop:"));
	free(trace);
}

/* The rx exchange holds 4: the messages of frames 4 on are refused. */
TEST_F(nic, rx_drop_full)
{
	NIC_TRACE_START();
	drop_case(_metadata, self->fd, self->mac, "xchg_limit", 4, 4, 9,
		  "rx_drop_full", "full");
}

/*
 * Zero-copy mode, at most 8 messages alive (zc_max_live): a receiver takes
 * frames 0-7 and holds them, so frames 8-19 are dropped as "full" although
 * the rx exchange (limit 256) has room; the netlink counters agree.  Once
 * the receiver releases what it holds, frames are received again.
 */
TEST_F(nic, rx_drop_zc_cap)
{
	const unsigned int cap = 8, n = 20;
	struct xm_msg m[8];
	struct xm_nic_stats st;
	unsigned int i;
	struct xm *x;
	char *trace;
	int xchg;

	NIC_TRACE_START();
	set_param("zc_max_live", cap);
	ASSERT_EQ(0, nic_attach(RX_DEV " zc"));
	ASSERT_EQ(0, xm_open(&x, NULL));
	xchg = xm_xchg_open(x, "nic." RX_DEV ".rx", XMSG_ACC_READ);
	ASSERT_LT(0, xchg);
	ASSERT_EQ((int)cap, send_frames(self->fd, self->mac, 0, cap));
	for (i = 0; i < cap; i++)
		ASSERT_EQ(0, xm_recv(x, xchg, XM_MS(2000), 0, &m[i]))
			TH_LOG("frame %u", i);
	ASSERT_EQ((int)(n - cap),
		  send_frames(self->fd, self->mac, cap, n - cap));
	EXPECT_EQ(n - cap, wait_stat(RX_DEV, "rx_drop_full", n - cap, 3000));
	EXPECT_EQ(cap, wait_stat(RX_DEV, "rx_zc_live", cap, 2000));
	EXPECT_EQ(cap, wait_stat(RX_DEV, "rx_delivered", cap, 2000));
	EXPECT_EQ(n, nic_stat(RX_DEV, "rx_frames"));
	trace = nic_trace_stop();
	ASSERT_NE(NULL, trace);
	check_drops(_metadata, trace, cap, n - 1, "full");
	EXPECT_EQ(n - cap, count_str(trace, "xmsg_nic_rx_drop:"));
	free(trace);
	ASSERT_EQ(0, xm_nic_stats(RX_DEV, 0, &st));
	EXPECT_EQ(n - cap, st.stat[XMSG_NIC_STAT_RX_DROP_FULL]);
	EXPECT_EQ(cap, st.stat[XMSG_NIC_STAT_RX_ZC_LIVE]);
	/* nothing more was queued behind the held ones */
	EXPECT_EQ(-EAGAIN, xm_recv(x, xchg, 0, 0, &m[0]));

	for (i = 0; i < cap; i++)
		ASSERT_EQ(0, xm_msg_rel(x, m[i].handle));
	EXPECT_EQ(0, wait_stat(RX_DEV, "rx_zc_live", 0, 2000));
	/* reception resumes: the next frames arrive, in order */
	ASSERT_EQ((int)cap, send_frames(self->fd, self->mac, n, cap));
	for (i = 0; i < cap; i++) {
		unsigned int seq;

		ASSERT_EQ(0, xm_recv(x, xchg, XM_MS(2000), 0, &m[i]))
			TH_LOG("frame %u", n + i);
		ASSERT_EQ(0, xm_msg_read(x, m[i].handle, ETH_HLEN, &seq,
					 sizeof(seq)));
		EXPECT_EQ(n + i, seq);
		ASSERT_EQ(0, xm_msg_rel(x, m[i].handle));
	}
	EXPECT_EQ(n - cap, nic_stat(RX_DEV, "rx_drop_full"));
	EXPECT_EQ(2 * cap, nic_stat(RX_DEV, "rx_delivered"));
	EXPECT_EQ(0, wait_stat(RX_DEV, "rx_zc_live", 0, 2000));
	xm_close(x);
	EXPECT_EQ(0, nic_detach(RX_DEV));
	EXPECT_EQ(0, nic_pools(RX_DEV));
}

/*
 * One xmsg_nic_tx_complete per frame of @n sent from 0, with its length
 * and @proxy; none with the other kind.
 */
static void check_completions(struct __test_metadata *_metadata,
			      const char *trace, unsigned int n, int proxy)
{
	char want[128];
	unsigned int i;

	for (i = 0; i < 8; i++) {
		size_t len = frame_len(i);

		snprintf(want, sizeof(want), "dev=%s len=%zu proxy=%d",
			 RX_DEV, len, proxy);
		EXPECT_EQ(frames_of_len(0, n - 1, len),
			  xt_trace_count(trace, "xmsg_nic_tx_complete", want))
			TH_LOG("%s", want);
		snprintf(want, sizeof(want), "dev=%s len=%zu proxy=%d",
			 RX_DEV, len, !proxy);
		EXPECT_EQ(0, xt_trace_count(trace, "xmsg_nic_tx_complete",
					    want))
			TH_LOG("%s", want);
	}
}

/* Echo in pool mode: each frame leaves eth0 from its block. */
TEST_F(nic, tx_complete_block)
{
	char *trace;

	NIC_TRACE_START();
	ASSERT_EQ(0, nic_attach(RX_DEV " pool echo"));
	ASSERT_EQ(NFR, send_frames(self->fd, self->mac, 0, NFR));
	EXPECT_EQ(NFR, wait_stat(RX_DEV, "tx_completed", NFR, 3000));
	EXPECT_EQ(0, wait_stat(RX_DEV, "tx_inflight", 0, 2000));
	trace = nic_trace_stop();
	ASSERT_NE(NULL, trace);
	check_completions(_metadata, trace, NFR, 0);
	EXPECT_EQ(0, count_str(trace, "xmsg_nic_rx_drop:"));
	free(trace);
}

/* A user's proxies of pool slices: held until the device is done. */
TEST_F(nic, tx_complete_proxy)
{
	static const unsigned char src[ETH_ALEN] = { 2, 0, 0, 0, 0, 1 };
	struct xm_msg m, p;
	int pool, xchg;
	unsigned int i;
	struct xm *x;
	char *trace;

	NIC_TRACE_START();
	ASSERT_EQ(0, nic_attach(RX_DEV " pool"));
	ASSERT_EQ(0, user_open(&x, "nic." RX_DEV ".tx",
			       XMSG_ACC_READ | XMSG_ACC_WRITE, &pool, &xchg));
	for (i = 0; i < NFR; i++) {
		ASSERT_EQ(0, xm_msg_get(x, pool, &m));
		ASSERT_NE(NULL, m.body);
		frame_fill(m.body, src, i, frame_len(i));
		ASSERT_EQ(0, xm_msg_proxy(x, m.handle, 0, frame_len(i), &p));
		ASSERT_EQ(0, xm_send(x, xchg, p.handle, 0, 0, 0));
		ASSERT_EQ(0, xm_msg_rel(x, m.handle));
	}
	EXPECT_EQ(NFR, wait_stat(RX_DEV, "tx_completed", NFR, 3000));
	EXPECT_EQ(0, nic_stat(RX_DEV, "tx_copied"));
	trace = nic_trace_stop();
	ASSERT_NE(NULL, trace);
	check_completions(_metadata, trace, NFR, 1);
	free(trace);
	xm_close(x);
}

/* Echo in zero-copy mode: the skb bodies are sent by copy, no completion. */
TEST_F(nic, tx_copy_no_completion)
{
	char *trace;

	NIC_TRACE_START();
	ASSERT_EQ(0, nic_attach(RX_DEV " zc echo"));
	ASSERT_EQ(NFR, send_frames(self->fd, self->mac, 0, NFR));
	EXPECT_EQ(NFR, wait_stat(RX_DEV, "tx_copied", NFR, 3000));
	EXPECT_EQ(NFR, wait_stat(RX_DEV, "tx_sent", NFR, 2000));
	trace = nic_trace_stop();
	ASSERT_NE(NULL, trace);
	EXPECT_EQ(0, count_str(trace, "xmsg_nic_tx_complete:"));
	free(trace);
}

TEST_HARNESS_MAIN
