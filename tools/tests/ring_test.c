// SPDX-License-Identifier: GPL-2.0
/*
 * XMSG_IOC_RING (libxmsg xm_ring_*()): receive rings.  Messages arrive in
 * the ring in order with their offsets, lengths and priorities; the kernel
 * releases them only once the consumer index passed them; a full ring
 * leaves messages queued and takes them later in order; messages the ring
 * cannot hold stay at the exchange; a garbage consumer index is ignored;
 * closing the ring, killing its process or destroying the exchange loses
 * nothing; wake_min/wake_us batch the wake-ups; every documented error.
 */
#include <poll.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include "kselftest_harness.h"
#include "xm_test.h"

#define BS	256
#define NBLK	32

FIXTURE(rg) {
	struct xm *x;
	int pool, xchg;
	char pname[XMSG_NAME_MAX], xname[XMSG_NAME_MAX];
};

FIXTURE_SETUP(rg)
{
	ASSERT_EQ(0, xm_open(&self->x, NULL)) TH_LOG("no /dev/xmsg?");
	self->pool = xm_pool_create(self->x, xt_name(self->pname, "rgpool"),
				    BS, NBLK, 0600, XMSG_CREATE_EXCL);
	ASSERT_LT(0, self->pool);
	self->xchg = xm_xchg_create(self->x, xt_name(self->xname, "rgxchg"),
				    XMSG_XCHG_KIND_NORMAL, 0, 0600,
				    XMSG_CREATE_EXCL);
	ASSERT_LT(0, self->xchg);
}

FIXTURE_TEARDOWN(rg)
{
	if (!self->x)
		return;
	xm_close(self->x);
	if (!xm_open(&self->x, NULL)) {
		int p = xm_pool_open(self->x, self->pname, XMSG_ACC_RDWR);
		int e = xm_xchg_open(self->x, self->xname, XMSG_ACC_RDWR);

		if (e > 0)
			xm_destroy(self->x, e);
		if (p > 0)
			xm_pool_destroy(self->x, p);
		xm_close(self->x);
	}
}

/* Send a message of @len bytes, every byte @tag, at priority @prio. */
static int send_tagged(struct xm *x, int pool, int xchg, size_t len,
		       unsigned char tag, unsigned int prio)
{
	struct xm_msg m;
	int ret = xm_msg_get(x, pool, &m);

	if (ret)
		return ret;
	memset(m.body, tag, len);
	return xm_send(x, xchg, m.handle, prio, 0, 0);
}

static uint64_t pool_in_use(struct xm *x, int pool)
{
	struct xmsg_info in;

	if (xm_info(x, pool, &in))
		return ~0ULL;
	return in.u.pool.in_use;
}

static int ring_setup(struct xm *x, uint32_t xchg, uint32_t pool,
		      uint32_t entries, uint32_t wake_min, uint32_t wake_us,
		      struct xmsg_ring_setup *rs)
{
	memset(rs, 0, sizeof(*rs));
	rs->size = sizeof(*rs);
	rs->xchg = xchg;
	rs->pool = pool;
	rs->entries = entries;
	rs->wake_min = wake_min;
	rs->wake_us = wake_us;
	return ioctl(xm_fd(x), XMSG_IOC_RING, rs) ? -errno : 0;
}

/* Is every byte of @e's body @tag, with @len bytes? */
static int entry_is(struct xm_ring *r, unsigned int i, size_t len,
		    unsigned char tag)
{
	const struct xmsg_ring_entry *e = xm_ring_entry(r, i);
	const unsigned char *p = xm_ring_body(r, e);
	size_t k;

	if (!p || e->length != len)
		return 0;
	for (k = 0; k < len; k++)
		if (p[k] != tag)
			return 0;
	return 1;
}

TEST_F(rg, feature_bit)
{
	struct xmsg_features f;

	ASSERT_EQ(0, xm_features(self->x, &f));
	EXPECT_NE(0ULL, f.features & XMSG_FEAT_RING);
}

TEST_F(rg, in_order_then_released)
{
	struct xm_ring r;
	unsigned int i;
	struct xm_msg m;

	ASSERT_EQ(0, xm_ring_open(self->x, self->xchg, self->pool, 16, 0, 0,
				  &r));
	EXPECT_EQ(16u, r.hdr->entries);
	EXPECT_EQ(0u, xm_ring_ready(&r));
	for (i = 0; i < 10; i++) {
		ASSERT_EQ(0, xm_msg_get(self->x, self->pool, &m));
		memset(m.body, 'a' + i, 10 + i);
		ASSERT_EQ(0, xm_send(self->x, self->xchg, m.handle, i % 4, 0,
				     0));
	}
	ASSERT_EQ(10u, xm_ring_ready(&r));
	for (i = 0; i < 10; i++) {
		const struct xmsg_ring_entry *e = xm_ring_entry(&r, i);

		EXPECT_EQ((uint32_t)BS, e->length) TH_LOG("a whole block is sent");
		EXPECT_EQ(i % 4, e->prio);
		EXPECT_EQ(0u, e->offset % BS);
		EXPECT_EQ('a' + i, *(unsigned char *)xm_ring_body(&r, e));
	}
	/* still the ring's: nothing went back to the pool */
	EXPECT_EQ(10u, pool_in_use(self->x, self->pool));
	xm_ring_done(&r, 4);
	EXPECT_EQ(10u, pool_in_use(self->x, self->pool))
		TH_LOG("released only at the next send or poll");
	EXPECT_EQ(1, xm_ring_wait(&r, 0));
	EXPECT_EQ(6u, pool_in_use(self->x, self->pool));
	xm_ring_done(&r, 6);
	EXPECT_EQ(0, xm_ring_wait(&r, 0)) TH_LOG("empty: not readable");
	EXPECT_EQ(0u, pool_in_use(self->x, self->pool));
	xm_ring_close(&r);
}

TEST_F(rg, proxy_slice_and_length)
{
	struct xm_msg m, px;
	struct xm_ring r;
	const struct xmsg_ring_entry *e;

	ASSERT_EQ(0, xm_ring_open(self->x, self->xchg, self->pool, 4, 0, 0,
				  &r));
	ASSERT_EQ(0, xm_msg_get(self->x, self->pool, &m));
	memset(m.body, 'p', BS);
	memset((char *)m.body + 40, 'q', 20);
	ASSERT_EQ(0, xm_msg_proxy(self->x, m.handle, 40, 20, &px));
	ASSERT_EQ(0, xm_send(self->x, self->xchg, px.handle, 7, 0, 0));
	ASSERT_EQ(1u, xm_ring_ready(&r));
	e = xm_ring_entry(&r, 0);
	EXPECT_EQ(m.offset + 40, e->offset);
	EXPECT_EQ(20u, e->length);
	EXPECT_EQ(7u, e->prio);
	EXPECT_TRUE(entry_is(&r, 0, 20, 'q'));
	xm_ring_done(&r, 1);
	EXPECT_EQ(0, xm_ring_wait(&r, 0));
	/* the proxy is gone, the real message is still ours */
	EXPECT_EQ(0, xm_msg_rel(self->x, m.handle));
	EXPECT_EQ(0u, pool_in_use(self->x, self->pool));
	xm_ring_close(&r);
}

TEST_F(rg, full_ring_queues_in_order)
{
	struct xmsg_info in;
	struct xm_ring r;
	unsigned int i, seen = 0, n;
	struct xm_msg m;

	ASSERT_EQ(0, xm_ring_open(self->x, self->xchg, self->pool, 4, 0, 0,
				  &r));
	for (i = 0; i < 10; i++) {
		ASSERT_EQ(0, xm_msg_get(self->x, self->pool, &m));
		memset(m.body, 'A' + i, BS);
		ASSERT_EQ(0, xm_send(self->x, self->xchg, m.handle, 0, 0, 0));
	}
	EXPECT_EQ(4u, xm_ring_ready(&r));
	ASSERT_EQ(0, xm_info(self->x, self->xchg, &in));
	EXPECT_EQ(6u, in.u.xchg.queued);
	/* the 5th to 10th send found the ring full */
	EXPECT_EQ(6u, r.hdr->overflows);
	EXPECT_EQ(0u, in.u.xchg.refused);
	EXPECT_NE(0u, r.hdr->flags & XMSG_RING_F_QUEUED);
	while (seen < 10) {
		n = xm_ring_ready(&r);
		ASSERT_LT(0u, n) TH_LOG("stalled after %u", seen);
		for (i = 0; i < n; i++)
			EXPECT_TRUE(entry_is(&r, i, BS, 'A' + seen + i));
		seen += n;
		xm_ring_done(&r, n);
		xm_ring_wait(&r, 0);	/* room made: queued ones move in */
	}
	EXPECT_EQ(0u, xm_ring_ready(&r));
	EXPECT_EQ(0u, r.hdr->flags & XMSG_RING_F_QUEUED);
	EXPECT_EQ(0u, pool_in_use(self->x, self->pool));
	xm_ring_close(&r);
}

TEST_F(rg, other_bodies_stay_queued)
{
	char name[XMSG_NAME_MAX];
	struct xm_ring r;
	struct xm_msg m, got;
	int other;

	other = xm_pool_create(self->x, xt_name(name, "rgother"), BS, 2, 0600,
			       XMSG_CREATE_EXCL);
	ASSERT_LT(0, other);
	ASSERT_EQ(0, xm_ring_open(self->x, self->xchg, self->pool, 4, 0, 0,
				  &r));
	ASSERT_EQ(0, xm_msg_get(self->x, other, &m));
	memset(m.body, 'o', BS);
	ASSERT_EQ(0, xm_send(self->x, self->xchg, m.handle, 0, 0, 0));
	EXPECT_EQ(0u, xm_ring_ready(&r));
	EXPECT_NE(0u, r.hdr->flags & XMSG_RING_F_QUEUED);
	/* a ring message behind it waits too: order is kept */
	ASSERT_EQ(0, send_tagged(self->x, self->pool, self->xchg, BS, 'r', 0));
	EXPECT_EQ(0u, xm_ring_ready(&r));
	ASSERT_EQ(0, xm_recv(self->x, self->xchg, XM_NOWAIT, 0, &got));
	EXPECT_EQ('o', *(unsigned char *)got.body);
	EXPECT_EQ(0, xm_msg_rel(self->x, got.handle));
	EXPECT_EQ(1, xm_ring_wait(&r, 0));
	ASSERT_EQ(1u, xm_ring_ready(&r));
	EXPECT_TRUE(entry_is(&r, 0, BS, 'r'));
	xm_ring_close(&r);
	EXPECT_EQ(0u, pool_in_use(self->x, other));
	EXPECT_EQ(0u, pool_in_use(self->x, self->pool));
	EXPECT_EQ(0, xm_pool_destroy(self->x, other));
}

TEST_F(rg, waiting_receiver_goes_first)
{
	struct xm_ring r;
	struct xm_msg got;
	pid_t pid;

	ASSERT_EQ(0, xm_ring_open(self->x, self->xchg, self->pool, 4, 0, 0,
				  &r));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct xm *c;
		int cx;

		CHILD_CHECK(!xm_open(&c, NULL), 10);
		cx = xm_xchg_open(c, self->xname, XMSG_ACC_READ);
		CHILD_CHECK(cx > 0, 11);
		CHILD_CHECK(!xm_recv(c, cx, XM_MS(5000), 0, &got), 12);
		CHILD_CHECK(!xm_msg_rel(c, got.handle), 13);
		_exit(0);
	}
	struct xmsg_info in;

	ASSERT_EQ(0, XT_WAIT_INFO(self->x, self->xchg, in,
				  in.u.xchg.waiters == 1, 5000));
	ASSERT_EQ(0, send_tagged(self->x, self->pool, self->xchg, BS, 'w', 0));
	EXPECT_EQ(0, xt_wait(pid));
	EXPECT_EQ(0u, xm_ring_ready(&r));
	xm_ring_close(&r);
}

TEST_F(rg, garbage_consumer_ignored)
{
	struct xm_ring r;
	unsigned int i;

	ASSERT_EQ(0, xm_ring_open(self->x, self->xchg, self->pool, 8, 0, 0,
				  &r));
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, send_tagged(self->x, self->pool, self->xchg, BS,
					 'g', 0));
	r.hdr->consumer = r.hdr->producer + 1000;
	EXPECT_EQ(1, xm_ring_wait(&r, 0));
	EXPECT_EQ(3u, pool_in_use(self->x, self->pool))
		TH_LOG("a consumer beyond the producer must be ignored");
	r.hdr->consumer = (uint32_t)-5;
	EXPECT_EQ(1, xm_ring_wait(&r, 0));
	EXPECT_EQ(3u, pool_in_use(self->x, self->pool));
	/* scribbled entries do not matter to the kernel */
	memset(r.ent, 0xff, 8 * sizeof(*r.ent));
	r.hdr->producer = 12345;
	xm_ring_done(&r, 0);	/* writes the valid consumer again */
	r.hdr->consumer = 2;
	EXPECT_EQ(1, xm_ring_wait(&r, 0));
	EXPECT_EQ(1u, pool_in_use(self->x, self->pool));
	xm_ring_close(&r);
	EXPECT_EQ(0u, pool_in_use(self->x, self->pool));
}

TEST_F(rg, close_releases)
{
	struct xm_ring r;
	unsigned int i;

	ASSERT_EQ(0, xm_ring_open(self->x, self->xchg, self->pool, 8, 0, 0,
				  &r));
	for (i = 0; i < 12; i++)
		ASSERT_EQ(0, send_tagged(self->x, self->pool, self->xchg, BS,
					 'c', 0));
	EXPECT_EQ(12u, pool_in_use(self->x, self->pool));
	xm_ring_close(&r);
	EXPECT_EQ(4u, pool_in_use(self->x, self->pool))
		TH_LOG("the 4 that did not fit stay queued at the exchange");
	/* a new ring takes them */
	ASSERT_EQ(0, xm_ring_open(self->x, self->xchg, self->pool, 8, 0, 0,
				  &r));
	EXPECT_EQ(4u, xm_ring_ready(&r));
	xm_ring_close(&r);
	EXPECT_EQ(0u, pool_in_use(self->x, self->pool));
}

TEST_F(rg, killed_process_loses_nothing)
{
	int go[2];
	uint64_t v;
	pid_t pid;
	unsigned int i;

	ASSERT_EQ(0, pipe(go));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct xm_ring r;
		struct xm *c;
		int cx, cp;

		CHILD_CHECK(!xm_open(&c, NULL), 10);
		cx = xm_xchg_open(c, self->xname, XMSG_ACC_READ);
		cp = xm_pool_open(c, self->pname, XMSG_ACC_READ);
		CHILD_CHECK(cx > 0 && cp > 0, 11);
		CHILD_CHECK(!xm_ring_open(c, cx, cp, 8, 0, 0, &r), 12);
		xt_put(go[1], 1);
		pause();
		_exit(0);
	}
	ASSERT_EQ(0, xt_get(go[0], &v));
	for (i = 0; i < 5; i++)
		ASSERT_EQ(0, send_tagged(self->x, self->pool, self->xchg, BS,
					 'k', 0));
	EXPECT_EQ(5u, pool_in_use(self->x, self->pool));
	kill(pid, SIGKILL);
	EXPECT_EQ(1000 + SIGKILL, xt_wait(pid));
	EXPECT_EQ(0u, pool_in_use(self->x, self->pool));
	/* the exchange has no ring any more: a new one may attach */
	struct xm_ring r;

	ASSERT_EQ(0, xm_ring_open(self->x, self->xchg, self->pool, 8, 0, 0,
				  &r));
	xm_ring_close(&r);
	close(go[0]);
	close(go[1]);
}

TEST_F(rg, exchange_destroyed)
{
	struct pollfd p;
	struct xm_ring r;

	ASSERT_EQ(0, xm_ring_open(self->x, self->xchg, self->pool, 8, 0, 0,
				  &r));
	ASSERT_EQ(0, send_tagged(self->x, self->pool, self->xchg, BS, 'd', 0));
	ASSERT_EQ(0, xm_destroy(self->x, self->xchg));
	EXPECT_NE(0u, r.hdr->flags & XMSG_RING_F_DEAD);
	p.fd = r.fd;
	p.events = POLLIN;
	ASSERT_EQ(1, poll(&p, 1, 0));
	EXPECT_TRUE(p.revents & POLLHUP);
	EXPECT_TRUE(p.revents & POLLIN) TH_LOG("the entry is still there");
	EXPECT_TRUE(entry_is(&r, 0, BS, 'd'));
	xm_ring_done(&r, 1);
	EXPECT_EQ(-EIDRM, xm_ring_wait(&r, 0));
	EXPECT_EQ(0u, pool_in_use(self->x, self->pool));
	xm_ring_close(&r);
}

TEST_F(rg, batched_wakeup)
{
	struct xm_ring r;
	double t0, dt;
	pid_t pid;
	int go[2];
	uint64_t v;

	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, xm_ring_open(self->x, self->xchg, self->pool, 16, 4,
				  300000, &r));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct xm *c;
		int i, cx, cp;

		CHILD_CHECK(!xm_open(&c, NULL), 10);
		cx = xm_xchg_open(c, self->xname, XMSG_ACC_WRITE);
		cp = xm_pool_open(c, self->pname, XMSG_ACC_RDWR);
		CHILD_CHECK(cx > 0 && cp > 0, 11);
		/* round 1: one message; round 2: four */
		CHILD_CHECK(!xt_get(go[0], &v), 12);
		CHILD_CHECK(!send_tagged(c, cp, cx, BS, '1', 0), 13);
		CHILD_CHECK(!xt_get(go[0], &v), 14);
		for (i = 0; i < 4; i++)
			CHILD_CHECK(!send_tagged(c, cp, cx, BS, '2', 0), 15);
		_exit(0);
	}
	/* one entry: the poller is woken by the 300 ms timer, not before */
	xt_put(go[1], 1);
	t0 = xt_now();
	EXPECT_EQ(1, xm_ring_wait(&r, 10000));
	dt = xt_now() - t0;
	EXPECT_LE(0.25, dt) TH_LOG("woken after %.3f s, wanted >= 0.3", dt);
	EXPECT_EQ(1u, xm_ring_ready(&r));
	xm_ring_done(&r, 1);
	/* four entries: woken by the fourth, well before the timer */
	xt_sleep_ms(20);
	EXPECT_EQ(0, xm_ring_wait(&r, 0));
	xt_put(go[1], 2);
	EXPECT_EQ(1, xm_ring_wait(&r, 10000));
	EXPECT_EQ(0, xt_wait(pid));
	EXPECT_LE(4u, xm_ring_ready(&r)) TH_LOG("woken at %u", xm_ring_ready(&r));
	xm_ring_close(&r);
	close(go[0]);
	close(go[1]);
}

TEST_F(rg, take_forwards_without_copy)
{
	struct xmsg_ring_take rt;
	struct xm_msg t, got;
	struct xm_ring r;
	char name[XMSG_NAME_MAX];
	int other, p[2];

	other = xm_xchg_create(self->x, xt_name(name, "rgfwd"),
			       XMSG_XCHG_KIND_NORMAL, 0, 0600,
			       XMSG_CREATE_EXCL);
	ASSERT_LT(0, other);
	ASSERT_EQ(0, xm_ring_open(self->x, self->xchg, self->pool, 8, 0, 0,
				  &r));
	ASSERT_EQ(0, send_tagged(self->x, self->pool, self->xchg, BS, 'f', 3));
	ASSERT_EQ(0, send_tagged(self->x, self->pool, self->xchg, BS, 'g', 0));
	ASSERT_EQ(2u, xm_ring_ready(&r));
	/* take entry 1 out of the ring: the same body, now ours */
	ASSERT_EQ(0, xm_ring_take(self->x, &r, 1, &t));
	EXPECT_EQ(xm_ring_entry(&r, 1)->offset, t.offset);
	EXPECT_EQ((uint64_t)BS, t.length);
	EXPECT_EQ('g', *(unsigned char *)t.body);
	EXPECT_EQ(-ENOENT, xm_ring_take(self->x, &r, 1, &got))
		TH_LOG("an entry is taken once");
	EXPECT_EQ(-ENOENT, xm_ring_take(self->x, &r, 2, &got))
		TH_LOG("no entry 2 yet");
	/* the ring passes both entries: only the untaken one is released */
	xm_ring_done(&r, 2);
	EXPECT_EQ(0, xm_ring_wait(&r, 0));
	EXPECT_EQ(1u, pool_in_use(self->x, self->pool));
	EXPECT_EQ(-ENOENT, xm_ring_take(self->x, &r, 0, &got))
		TH_LOG("a released entry cannot be taken");
	/* forward it to another exchange, no copy */
	ASSERT_EQ(0, xm_send(self->x, other, t.handle, 0, 0, 0));
	ASSERT_EQ(0, xm_recv(self->x, other, XM_NOWAIT, 0, &got));
	EXPECT_EQ(t.offset, got.offset);
	EXPECT_EQ('g', *(unsigned char *)got.body);
	EXPECT_EQ(0, xm_msg_rel(self->x, got.handle));
	EXPECT_EQ(0u, pool_in_use(self->x, self->pool));
	/* bad arguments */
	memset(&rt, 0, sizeof(rt));
	rt.size = sizeof(rt);
	rt.ring_fd = xm_fd(self->x);
	EXPECT_EQ(-1, ioctl(xm_fd(self->x), XMSG_IOC_RING_TAKE, &rt));
	EXPECT_EQ(EBADF, errno) TH_LOG("/dev/xmsg is no ring");
	ASSERT_EQ(0, pipe(p));
	rt.ring_fd = p[0];
	EXPECT_EQ(-1, ioctl(xm_fd(self->x), XMSG_IOC_RING_TAKE, &rt));
	EXPECT_EQ(EBADF, errno);
	rt.ring_fd = -1;
	EXPECT_EQ(-1, ioctl(xm_fd(self->x), XMSG_IOC_RING_TAKE, &rt));
	EXPECT_EQ(EBADF, errno);
	rt.ring_fd = r.fd;
	rt.reserved[0] = 1;
	EXPECT_EQ(-1, ioctl(xm_fd(self->x), XMSG_IOC_RING_TAKE, &rt));
	EXPECT_EQ(EINVAL, errno);
	rt.reserved[0] = 0;
	rt.msg = 5;
	EXPECT_EQ(-1, ioctl(xm_fd(self->x), XMSG_IOC_RING_TAKE, &rt));
	EXPECT_EQ(EINVAL, errno);
	close(p[0]);
	close(p[1]);
	/* a taken message outlives the ring's close */
	ASSERT_EQ(0, send_tagged(self->x, self->pool, self->xchg, BS, 'h', 0));
	ASSERT_EQ(0, xm_ring_take(self->x, &r, 0, &t));
	xm_ring_close(&r);
	EXPECT_EQ('h', *(unsigned char *)t.body);
	EXPECT_EQ(1u, pool_in_use(self->x, self->pool));
	EXPECT_EQ(0, xm_msg_rel(self->x, t.handle));
	EXPECT_EQ(0, xm_destroy(self->x, other));
}

/*
 * Four sender processes, 500 messages each, into one ring of 8 entries
 * (so most messages queue first and move in as room is made), one reader
 * that takes every third message out of the ring and releases it itself:
 * every message arrives once, each sender's in order, nothing leaks.
 */
TEST_F(rg, concurrent_senders)
{
	const unsigned int nsend = 4, per = 500;
	unsigned int next[4] = { 0 }, got = 0, i, n, s, seq;
	const struct xmsg_ring_entry *e;
	struct xm_ring r;
	struct xm_msg t;
	pid_t pid[4];
	uint32_t *b;
	double end;

	ASSERT_EQ(0, xm_ring_open(self->x, self->xchg, self->pool, 8, 0, 0,
				  &r));
	for (s = 0; s < nsend; s++) {
		pid[s] = fork();
		ASSERT_LE(0, pid[s]);
		if (pid[s])
			continue;
		struct xm *c;
		struct xm_msg m;
		int cx, cp, ret;

		CHILD_CHECK(!xm_open(&c, NULL), 10);
		cx = xm_xchg_open(c, self->xname, XMSG_ACC_WRITE);
		cp = xm_pool_open(c, self->pname, XMSG_ACC_RDWR);
		CHILD_CHECK(cx > 0 && cp > 0, 11);
		for (i = 0; i < per; i++) {
			while ((ret = xm_msg_get(c, cp, &m)) == -ENOBUFS)
				usleep(100);	/* pool of 32 shared by all */
			CHILD_CHECK(!ret, 12);
			((uint32_t *)m.body)[0] = s;
			((uint32_t *)m.body)[1] = i;
			while ((ret = xm_send(c, cx, m.handle, 0, 0, 0)) ==
			       -ENOSPC)
				usleep(100);
			CHILD_CHECK(!ret, 13);
		}
		_exit(0);
	}
	end = xt_now() + 60;
	while (got < nsend * per && xt_now() < end) {
		n = xm_ring_ready(&r);
		if (!n) {
			xm_ring_wait(&r, 100);
			continue;
		}
		for (i = 0; i < n; i++) {
			e = xm_ring_entry(&r, i);
			b = xm_ring_body(&r, e);
			ASSERT_NE(NULL, b);
			s = b[0];
			seq = b[1];
			ASSERT_GT(nsend, s);
			ASSERT_EQ(next[s], seq) TH_LOG("sender %u", s);
			next[s]++;
			if (got++ % 3)
				continue;
			ASSERT_EQ(0, xm_ring_take(self->x, &r, i, &t));
			ASSERT_EQ(0, xm_msg_rel(self->x, t.handle));
		}
		xm_ring_done(&r, n);
	}
	EXPECT_EQ(nsend * per, got);
	for (s = 0; s < nsend; s++)
		EXPECT_EQ(0, xt_wait(pid[s]));
	xm_ring_wait(&r, 0);
	EXPECT_EQ(0u, pool_in_use(self->x, self->pool));
	xm_ring_close(&r);
	EXPECT_EQ(0u, pool_in_use(self->x, self->pool));
}

TEST_F(rg, errors)
{
	struct {
		struct xmsg_ring_setup rs;
		uint64_t tail;
	} big;
	struct xmsg_ring_setup rs;
	char name[XMSG_NAME_MAX];
	struct xm_ring r;
	int bc, wo, ro, sem;
	void *p;

	EXPECT_EQ(-EINVAL, ring_setup(self->x, self->xchg, self->pool, 0, 0,
				      0, &rs));
	EXPECT_EQ(-EINVAL, ring_setup(self->x, self->xchg, self->pool, 3, 0,
				      0, &rs));
	EXPECT_EQ(-EINVAL, ring_setup(self->x, self->xchg, self->pool,
				      2 * XMSG_RING_ENTRIES_MAX, 0, 0, &rs));
	EXPECT_EQ(-EINVAL, ring_setup(self->x, self->xchg, self->pool, 8, 4,
				      0, &rs)) TH_LOG("wake_min needs wake_us");
	EXPECT_EQ(-EINVAL, ring_setup(self->x, self->xchg, self->pool, 8, 1,
				      100, &rs)) TH_LOG("wake_us needs wake_min");
	EXPECT_EQ(-EINVAL, ring_setup(self->x, self->xchg, self->pool, 8, 9,
				      100, &rs));
	EXPECT_EQ(-EINVAL, ring_setup(self->x, self->xchg, self->pool, 8, 2,
				      XMSG_RING_WAKE_US_MAX + 1, &rs));
	EXPECT_EQ(-EBADF, ring_setup(self->x, 999, self->pool, 8, 0, 0, &rs));
	EXPECT_EQ(-EBADF, ring_setup(self->x, self->xchg, 999, 8, 0, 0, &rs));
	EXPECT_EQ(-EINVAL, ring_setup(self->x, self->pool, self->pool, 8, 0, 0,
				      &rs));
	EXPECT_EQ(-EINVAL, ring_setup(self->x, self->xchg, self->xchg, 8, 0, 0,
				      &rs));
	sem = xm_sem_create(self->x, NULL, XMSG_SEM_KIND_COUNT, 0, 0, 0600, 0);
	ASSERT_LT(0, sem);
	EXPECT_EQ(-EINVAL, ring_setup(self->x, sem, self->pool, 8, 0, 0, &rs));
	/* reserved fields, flags, output fields set on input */
	memset(&rs, 0, sizeof(rs));
	rs.size = sizeof(rs);
	rs.xchg = self->xchg;
	rs.pool = self->pool;
	rs.entries = 8;
	rs.reserved[1] = 1;
	EXPECT_EQ(-1, ioctl(xm_fd(self->x), XMSG_IOC_RING, &rs));
	EXPECT_EQ(EINVAL, errno);
	rs.reserved[1] = 0;
	rs.flags = 0x80;
	EXPECT_EQ(-1, ioctl(xm_fd(self->x), XMSG_IOC_RING, &rs));
	EXPECT_EQ(EINVAL, errno);
	rs.flags = 0;
	rs.size = 8;
	EXPECT_EQ(-1, ioctl(xm_fd(self->x), XMSG_IOC_RING, &rs));
	EXPECT_EQ(EINVAL, errno);
	/* a bad pointer; a newer, larger struct with a non-zero tail */
	EXPECT_EQ(-1, ioctl(xm_fd(self->x), XMSG_IOC_RING, (void *)8));
	EXPECT_EQ(EFAULT, errno);
	memset(&big, 0, sizeof(big));
	big.rs.size = sizeof(big);
	big.rs.xchg = self->xchg;
	big.rs.pool = self->pool;
	big.rs.entries = 8;
	big.tail = 1;
	EXPECT_EQ(-1, ioctl(xm_fd(self->x), _IOC(_IOC_READ | _IOC_WRITE,
						 XMSG_IOC_MAGIC,
						 _IOC_NR(XMSG_IOC_RING),
						 sizeof(big)), &big));
	EXPECT_EQ(E2BIG, errno);
	/* a broadcast exchange */
	bc = xm_xchg_create(self->x, xt_name(name, "rgbc"),
			    XMSG_XCHG_KIND_BCAST, 0, 0600, XMSG_CREATE_EXCL);
	ASSERT_LT(0, bc);
	EXPECT_EQ(-EINVAL, ring_setup(self->x, bc, self->pool, 8, 0, 0, &rs));
	EXPECT_EQ(0, xm_destroy(self->x, bc));
	/* no read right on the exchange */
	wo = xm_xchg_open(self->x, self->xname, XMSG_ACC_WRITE);
	ASSERT_LT(0, wo);
	EXPECT_EQ(-EACCES, ring_setup(self->x, wo, self->pool, 8, 0, 0, &rs));
	/* one ring per exchange */
	ASSERT_EQ(0, xm_ring_open(self->x, self->xchg, self->pool, 8, 0, 0,
				  &r));
	EXPECT_EQ(-EBUSY, ring_setup(self->x, self->xchg, self->pool, 8, 0, 0,
				     &rs));
	/* mappings: private, too long, not at 0 */
	p = mmap(NULL, r.map_size, PROT_READ, MAP_PRIVATE, r.fd, 0);
	EXPECT_EQ(MAP_FAILED, p);
	p = mmap(NULL, r.map_size + 4096 * 16, PROT_READ, MAP_SHARED, r.fd, 0);
	EXPECT_EQ(MAP_FAILED, p);
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, r.fd, 4096 * 16);
	EXPECT_EQ(MAP_FAILED, p);
	/* the ring fd is no /dev/xmsg: ioctls on it fail */
	EXPECT_EQ(-1, ioctl(r.fd, XMSG_IOC_RING, &rs));
	xm_ring_close(&r);
	/* after close the exchange takes a ring again */
	ASSERT_EQ(0, xm_ring_open(self->x, self->xchg, self->pool, 8, 0, 0,
				  &r));
	xm_ring_close(&r);
	/* a destroyed exchange, through a second handle */
	ro = xm_xchg_open(self->x, self->xname, XMSG_ACC_READ);
	ASSERT_LT(0, ro);
	ASSERT_EQ(0, xm_destroy(self->x, self->xchg));
	EXPECT_EQ(-EIDRM, ring_setup(self->x, ro, self->pool, 8, 0, 0, &rs));
}

/*
 * A ring set up with an argument the kernel can read but not write back
 * fails with EFAULT, and the messages queued at the exchange stay queued
 * (a failed call changes nothing; the attach used to move them into the
 * ring and release them with it).
 */
TEST_F(rg, failed_setup_keeps_queued_messages)
{
	struct xmsg_ring_setup *rs;
	struct xm_msg r;
	long pg = sysconf(_SC_PAGESIZE);
	int i;

	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, send_tagged(self->x, self->pool, self->xchg, 8,
					 'a' + i, 0));
	rs = mmap(NULL, pg, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, rs);
	rs->size = sizeof(*rs);
	rs->xchg = self->xchg;
	rs->pool = self->pool;
	rs->entries = 8;
	ASSERT_EQ(0, mprotect(rs, pg, PROT_READ));
	EXPECT_EQ(-1, ioctl(xm_fd(self->x), XMSG_IOC_RING, rs));
	EXPECT_EQ(EFAULT, errno);
	munmap(rs, pg);
	EXPECT_EQ(3U, pool_in_use(self->x, self->pool));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, xm_recv(self->x, self->xchg, XM_NOWAIT, 0, &r));
		EXPECT_EQ('a' + i, ((char *)r.body)[0]);
		EXPECT_EQ(0, xm_msg_rel(self->x, r.handle));
	}
	/* and a ring can still be set up there */
	{
		struct xm_ring ring;

		ASSERT_EQ(0, xm_ring_open(self->x, self->xchg, self->pool, 8, 0,
					  0, &ring));
		xm_ring_close(&ring);
	}
}

TEST_HARNESS_MAIN
