// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg's trace events (include/xmsg/trace.h), read back through
 * tracefs: a send that queues, a send refused by a full exchange, a
 * receive, a release, a get from an empty pool, a semaphore signal and
 * wait, a send into a receive ring and one that finds it full, a bump of
 * a queued message, a send ring's refusals and drains each leave one
 * event with the right fields.  Needs root and tracefs (mounted here when
 * it is not); skipped on a kernel without tracing.
 */
#include <inttypes.h>
#include <stdint.h>
#include "kselftest_harness.h"
#include "xm_test.h"
#include "xt_trace.h"

#define BS	128

FIXTURE(tr) {
	struct xm *x;
	int pool, xchg, sem;
	char pname[XMSG_NAME_MAX], xname[XMSG_NAME_MAX], sname[XMSG_NAME_MAX];
};

FIXTURE_SETUP(tr)
{
	int ret;

	if (geteuid() != 0)
		SKIP(return, "tracefs needs root");
	ret = xt_trace_find("xmsg");
	if (ret == -ENODEV)
		SKIP(return, "no tracefs on this kernel");
	ASSERT_EQ(0, ret) TH_LOG("tracefs at %s has no events/xmsg",
				 xt_tracefs);
	ASSERT_EQ(0, xm_open(&self->x, NULL));
	self->pool = xm_pool_create(self->x, xt_name(self->pname, "trpool"),
				    BS, 2, 0600, XMSG_CREATE_EXCL);
	ASSERT_LT(0, self->pool);
	self->xchg = xm_xchg_create(self->x, xt_name(self->xname, "trxchg"),
				    XMSG_XCHG_KIND_NORMAL, 1, 0600,
				    XMSG_CREATE_EXCL);
	ASSERT_LT(0, self->xchg);
	self->sem = xm_sem_create(self->x, xt_name(self->sname, "trsem"),
				  XMSG_SEM_KIND_COUNT, 0, 0, 0600,
				  XMSG_CREATE_EXCL);
	ASSERT_LT(0, self->sem);
	ASSERT_EQ(0, xt_trace_write("trace", ""));
	ASSERT_EQ(0, xt_trace_write("events/xmsg/enable", "1"));
	ASSERT_EQ(0, xt_trace_write("tracing_on", "1"));
}

FIXTURE_TEARDOWN(tr)
{
	if (!self->x)
		return;
	xt_trace_write("events/xmsg/enable", "0");
	xm_destroy(self->x, self->sem);
	xm_destroy(self->x, self->xchg);
	xm_pool_destroy(self->x, self->pool);
	xm_close(self->x);
}

TEST_F(tr, send_receive_release_and_refusals)
{
	struct xm_msg a, b, c, got;
	struct xmsg_info in;
	char want[128];
	char *trace;

	ASSERT_EQ(0, xm_msg_get(self->x, self->pool, &a));
	ASSERT_EQ(0, xm_msg_set_length(self->x, a.handle, 100));
	ASSERT_EQ(0, xm_msg_get(self->x, self->pool, &b));
	/* the pool has two blocks: the third get finds it empty */
	ASSERT_EQ(-ENOBUFS, xm_msg_get(self->x, self->pool, &c));
	ASSERT_EQ(0, xm_send(self->x, self->xchg, a.handle, 7, 0, 0));
	/* the exchange holds one message: the second send is refused */
	ASSERT_EQ(-ENOSPC, xm_send(self->x, self->xchg, b.handle, 3, 0, 0));
	ASSERT_EQ(0, xm_info(self->x, self->xchg, &in));
	EXPECT_EQ(1u, in.u.xchg.refused);
	ASSERT_EQ(0, xm_recv(self->x, self->xchg, 0, 0, &got));
	ASSERT_EQ(7u, got.prio);
	ASSERT_EQ(0, xm_msg_rel(self->x, got.handle));
	ASSERT_EQ(0, xm_msg_rel(self->x, b.handle));
	ASSERT_EQ(0, xm_sem_signal(self->x, self->sem, 0));
	ASSERT_EQ(0, xm_sem_wait(self->x, self->sem, 0));
	ASSERT_EQ(0, xt_trace_write("events/xmsg/enable", "0"));

	trace = xt_trace_read();
	ASSERT_NE(NULL, trace);
	snprintf(want, sizeof(want), "pool=%s block_size=%d count=2",
		 self->pname, BS);
	EXPECT_TRUE(xt_trace_has(trace, "xmsg_pool_empty", want));
	snprintf(want, sizeof(want), "xchg=%s prio=7 len=100 result=queued",
		 self->xname);
	EXPECT_TRUE(xt_trace_has(trace, "xmsg_msg_send", want));
	snprintf(want, sizeof(want), "xchg=%s queued=1 limit=1", self->xname);
	EXPECT_TRUE(xt_trace_has(trace, "xmsg_xchg_full", want));
	snprintf(want, sizeof(want), "xchg=%s prio=3 len=%d result=full",
		 self->xname, BS);
	EXPECT_TRUE(xt_trace_has(trace, "xmsg_msg_send", want));
	snprintf(want, sizeof(want), "xchg=%s prio=7 len=100", self->xname);
	EXPECT_TRUE(xt_trace_has(trace, "xmsg_msg_recv", want));
	EXPECT_TRUE(xt_trace_has(trace, "xmsg_msg_rel", "origin=pool len=100"));
	snprintf(want, sizeof(want), "origin=pool len=%d", BS);
	EXPECT_TRUE(xt_trace_has(trace, "xmsg_msg_rel", want));
	snprintf(want, sizeof(want), "sem=%s count=1 woke=0", self->sname);
	EXPECT_TRUE(xt_trace_has(trace, "xmsg_sem_signal", want));
	snprintf(want, sizeof(want), "sem=%s result=0", self->sname);
	EXPECT_TRUE(xt_trace_has(trace, "xmsg_sem_wait", want));
	free(trace);
}

/*
 * A ring of one entry at the exchange: the first message goes into it,
 * the second finds it full and waits at the exchange.
 */
TEST_F(tr, ring_publish_and_full)
{
	struct xm_msg a, b;
	struct xm_ring r;
	char want[128];
	char *trace;

	ASSERT_EQ(0, xm_ring_open(self->x, self->xchg, self->pool, 1, 0, 0,
				  &r));
	ASSERT_EQ(0, xm_msg_get(self->x, self->pool, &a));
	ASSERT_EQ(0, xm_msg_set_length(self->x, a.handle, 50));
	ASSERT_EQ(0, xm_msg_get(self->x, self->pool, &b));
	ASSERT_EQ(0, xm_send(self->x, self->xchg, a.handle, 1, 0, 0));
	ASSERT_EQ(0, xm_send(self->x, self->xchg, b.handle, 2, 0, 0));
	EXPECT_EQ(1u, xm_ring_ready(&r));
	EXPECT_EQ(1u, r.hdr->overflows);
	ASSERT_EQ(0, xt_trace_write("events/xmsg/enable", "0"));
	xm_ring_close(&r);

	trace = xt_trace_read();
	ASSERT_NE(NULL, trace);
	snprintf(want, sizeof(want), "xchg=%s index=0 len=50", self->xname);
	EXPECT_TRUE(xt_trace_has(trace, "xmsg_ring_publish", want));
	snprintf(want, sizeof(want), "xchg=%s prio=1 len=50 result=ring",
		 self->xname);
	EXPECT_TRUE(xt_trace_has(trace, "xmsg_msg_send", want));
	/* index: the producer index, the entry it would have been */
	snprintf(want, sizeof(want), "xchg=%s index=1 len=%d", self->xname,
		 BS);
	EXPECT_TRUE(xt_trace_has(trace, "xmsg_ring_full", want));
	snprintf(want, sizeof(want), "xchg=%s prio=2 len=%d result=queued",
		 self->xname, BS);
	EXPECT_TRUE(xt_trace_has(trace, "xmsg_msg_send", want));
	free(trace);
}

/* A bump of a queued message: its tag, old and new priority. */
TEST_F(tr, bump)
{
	struct xmsg_features f;
	struct xm_msg a, got;
	uint64_t tag = 0;
	char want[128];
	char *trace;

	ASSERT_EQ(0, xm_features(self->x, &f));
	if (!(f.features & XMSG_FEAT_BUMP))
		SKIP(return, "kernel without XMSG_FEAT_BUMP");
	ASSERT_EQ(0, xm_msg_get(self->x, self->pool, &a));
	ASSERT_EQ(0, xm_send_tagged(self->x, self->xchg, a.handle, 2, 0, 0,
				    77));
	ASSERT_EQ(0, xm_xchg_bump(self->x, self->xchg, 77, 9));
	ASSERT_EQ(-ENOENT, xm_xchg_bump(self->x, self->xchg, 78, 9));
	ASSERT_EQ(0, xm_recv_tagged(self->x, self->xchg, 0, 0, &got, &tag));
	EXPECT_EQ(9u, got.prio);
	EXPECT_EQ(77u, tag);
	ASSERT_EQ(0, xm_msg_rel(self->x, got.handle));
	ASSERT_EQ(0, xt_trace_write("events/xmsg/enable", "0"));

	trace = xt_trace_read();
	ASSERT_NE(NULL, trace);
	snprintf(want, sizeof(want), "xchg=%s tag=77 old_prio=2 prio=9",
		 self->xname);
	EXPECT_EQ(1, xt_trace_count(trace, "xmsg_msg_bump", want));
	/* only the bump that moved something */
	EXPECT_EQ(NULL, strstr(trace, "tag=78"));
	snprintf(want, sizeof(want), "xchg=%s prio=9 len=%d", self->xname,
		 BS);
	EXPECT_TRUE(xt_trace_has(trace, "xmsg_msg_recv", want));
	free(trace);
}

/*
 * A send ring of one leased block at the exchange of limit 1: a kick
 * sends one descriptor and refuses one that is not a block start; the
 * next, for the block leased again, finds the exchange full.  Each
 * refusal and each kick leave their event.
 */
TEST_F(tr, txring_refuse_and_drain)
{
	struct xmsg_features f;
	struct xm_txring t;
	struct xm_msg got;
	uint32_t sent = 9, refused = 9;
	uint64_t off, off2;
	char want[160];
	char *p, *trace;

	ASSERT_EQ(0, xm_features(self->x, &f));
	if (!(f.features & XMSG_FEAT_TXRING))
		SKIP(return, "kernel without XMSG_FEAT_TXRING");
	ASSERT_EQ(0, xm_txring_open(self->x, self->xchg, self->pool, 4, 1,
				    &t));
	p = xm_txring_block(&t, &off);
	ASSERT_NE(NULL, p);
	memset(p, 'a', 40);
	ASSERT_EQ(0, xm_txring_post(&t, off, 40, 4));
	ASSERT_EQ(0, xm_txring_post(&t, off + 1, 8, 0));
	ASSERT_EQ(0, xm_txring_kick(&t, &sent, &refused));
	EXPECT_EQ(1u, sent);
	EXPECT_EQ(1u, refused);
	/* the pool's other block, leased by that kick */
	p = xm_txring_block(&t, &off2);
	ASSERT_NE(NULL, p);
	EXPECT_NE(off, off2);
	ASSERT_EQ(0, xm_txring_post(&t, off2, 10, 2));
	ASSERT_EQ(0, xm_txring_kick(&t, &sent, &refused));
	EXPECT_EQ(0u, sent);
	EXPECT_EQ(1u, refused);
	ASSERT_EQ(0, xt_trace_write("events/xmsg/enable", "0"));
	ASSERT_EQ(0, xm_recv(self->x, self->xchg, 0, 0, &got));
	EXPECT_EQ(40u, got.length);
	EXPECT_EQ(4u, got.prio);
	ASSERT_EQ(0, xm_msg_rel(self->x, got.handle));
	xm_txring_close(&t);

	trace = xt_trace_read();
	ASSERT_NE(NULL, trace);
	snprintf(want, sizeof(want), "xchg=%s prio=4 len=40 result=queued",
		 self->xname);
	EXPECT_TRUE(xt_trace_has(trace, "xmsg_msg_send", want));
	snprintf(want, sizeof(want), "xchg=%s offset=%" PRIu64 " err=%d",
		 self->xname, off + 1, -EINVAL);
	EXPECT_EQ(1, xt_trace_count(trace, "xmsg_txring_refuse", want));
	snprintf(want, sizeof(want), "xchg=%s sent=1 refused=1 leased=1",
		 self->xname);
	EXPECT_EQ(1, xt_trace_count(trace, "xmsg_txring_drain", want));
	/* the exchange refused the second: full, the block still leased */
	snprintf(want, sizeof(want), "xchg=%s queued=1 limit=1", self->xname);
	EXPECT_TRUE(xt_trace_has(trace, "xmsg_xchg_full", want));
	snprintf(want, sizeof(want), "xchg=%s offset=%" PRIu64 " err=%d",
		 self->xname, off2, -ENOSPC);
	EXPECT_EQ(1, xt_trace_count(trace, "xmsg_txring_refuse", want));
	snprintf(want, sizeof(want), "xchg=%s sent=0 refused=1 leased=1",
		 self->xname);
	EXPECT_EQ(1, xt_trace_count(trace, "xmsg_txring_drain", want));
	free(trace);
}

TEST_HARNESS_MAIN
