// SPDX-License-Identifier: GPL-2.0
/*
 * Cross-process zero copy: a body written by one process is read in place
 * by another, and a change made after the receive is seen through both
 * mappings (it is one piece of memory, not a copy).
 */
#include "kselftest_harness.h"
#include "xm_test.h"

#define BS	4096
#define NBLK	8

FIXTURE(zc) {
	struct xm *x;
	int pool, xchg;
	char pname[XMSG_NAME_MAX], xname[XMSG_NAME_MAX];
};

FIXTURE_SETUP(zc)
{
	ASSERT_EQ(0, xm_open(&self->x, NULL)) TH_LOG("no /dev/xmsg?");
	self->pool = xm_pool_create(self->x, xt_name(self->pname, "pool"),
				    BS, NBLK, 0600, XMSG_CREATE_EXCL);
	ASSERT_LT(0, self->pool);
	self->xchg = xm_xchg_create(self->x, xt_name(self->xname, "xchg"),
				    XMSG_XCHG_KIND_NORMAL, 0, 0600,
				    XMSG_CREATE_EXCL);
	ASSERT_LT(0, self->xchg);
}

FIXTURE_TEARDOWN(zc)
{
	if (!self->x)
		return;
	if (self->xchg > 0)
		EXPECT_EQ(0, xm_destroy(self->x, self->xchg));
	if (self->pool > 0)
		EXPECT_EQ(0, xm_pool_destroy(self->x, self->pool));
	xm_close(self->x);
}

static void fill(unsigned char *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 7 + seed);
}

static int check(const unsigned char *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != (unsigned char)(i * 7 + seed))
			return -1;
	return 0;
}

/* The child: get, fill, send; then look at the body through its own
 * mapping after the parent changed it, and change it back.
 */
static void zc_child(const char *pname, const char *xname, int rd, int wr)
{
	struct xm *x;
	struct xm_msg m;
	uint64_t v;
	int pool, xchg;
	unsigned char *body;

	CHILD_CHECK(xm_open(&x, NULL) == 0, 10);
	pool = xm_pool_open(x, pname, XMSG_ACC_RDWR);
	xchg = xm_xchg_open(x, xname, XMSG_ACC_WRITE);
	CHILD_CHECK(pool > 0 && xchg > 0, 11);
	CHILD_CHECK(xm_msg_get(x, pool, &m) == 0, 12);
	CHILD_CHECK(m.body && m.length >= BS, 13);
	body = m.body;
	fill(body, m.length, 42);
	CHILD_CHECK(xt_put(wr, m.offset) == 0, 14);
	CHILD_CHECK(xm_send(x, xchg, m.handle, 3, 0, 0) == 0, 15);
	/* the parent has received it and written "parent" at byte 0 */
	CHILD_CHECK(xt_get(rd, &v) == 0 && v == 1, 16);
	CHILD_CHECK(!memcmp(body, "parent wrote this", 18), 17);
	CHILD_CHECK(check(body + 64, m.length - 64, 42 + 64 * 7) == 0, 18);
	memcpy(body + 100, "child wrote back", 17);
	CHILD_CHECK(xt_put(wr, 2) == 0, 19);
	CHILD_CHECK(xt_get(rd, &v) == 0 && v == 3, 20);
	xm_close(x);
	_exit(0);
}

TEST_F(zc, cross_process_in_place)
{
	int p2c[2], c2p[2];
	struct xm_msg m = { 0 };
	uint64_t off, v;
	pid_t pid;

	ASSERT_EQ(0, pipe(p2c));
	ASSERT_EQ(0, pipe(c2p));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		xm_close(self->x);	/* the inherited context */
		zc_child(self->pname, self->xname, p2c[0], c2p[1]);
	}
	ASSERT_EQ(0, xt_get(c2p[0], &off));
	ASSERT_EQ(0, xm_recv(self->x, self->xchg, XM_MS(10000), 0, &m));
	ASSERT_EQ(off, m.offset);
	ASSERT_EQ((uint32_t)self->pool, m.pool);
	ASSERT_EQ(3U, m.prio);
	ASSERT_GE(m.length, (uint64_t)BS);
	ASSERT_NE(NULL, m.body);
	/* read in place what the other process wrote */
	ASSERT_EQ(0, check(m.body, m.length, 42));
	/* a change after the receive is seen through the child's mapping */
	memcpy(m.body, "parent wrote this", 18);
	ASSERT_EQ(0, xt_put(p2c[1], 1));
	ASSERT_EQ(0, xt_get(c2p[0], &v));
	ASSERT_EQ(2U, v);
	/* and the child's change is seen through ours */
	ASSERT_EQ(0, memcmp((char *)m.body + 100, "child wrote back", 17));
	ASSERT_EQ(0, xt_put(p2c[1], 3));
	ASSERT_EQ(0, xt_wait(pid));
	ASSERT_EQ(0, xm_msg_rel(self->x, m.handle));
}

TEST_F(zc, two_contexts_one_memory)
{
	struct xm *b;
	struct xm_msg m, r = { 0 };
	int bpool, bxchg;
	void *abase, *bbase;
	size_t asz, bsz;

	ASSERT_EQ(0, xm_open(&b, NULL));
	bpool = xm_pool_open(b, self->pname, XMSG_ACC_RDWR);
	bxchg = xm_xchg_open(b, self->xname, XMSG_ACC_READ);
	ASSERT_LT(0, bpool);
	ASSERT_LT(0, bxchg);
	ASSERT_EQ(0, xm_msg_get(self->x, self->pool, &m));
	fill(m.body, m.length, 9);
	ASSERT_EQ(0, xm_send(self->x, self->xchg, m.handle, 0, 0, 0));
	ASSERT_EQ(0, xm_recv(b, bxchg, XM_NOWAIT, 0, &r));
	ASSERT_EQ(m.offset, r.offset);
	ASSERT_EQ((uint32_t)bpool, r.pool);
	/* two mappings, two addresses, one memory */
	ASSERT_EQ(0, xm_pool_map(self->x, self->pool, &abase, &asz));
	ASSERT_EQ(0, xm_pool_map(b, bpool, &bbase, &bsz));
	ASSERT_EQ(asz, bsz);
	ASSERT_NE(abase, bbase);
	ASSERT_EQ((char *)bbase + r.offset, (char *)r.body);
	ASSERT_EQ(0, check(r.body, r.length, 9));
	((unsigned char *)r.body)[5] = 0xa5;
	ASSERT_EQ(0xa5, ((unsigned char *)abase)[r.offset + 5]);
	ASSERT_EQ(0, xm_msg_rel(b, r.handle));
	xm_close(b);
}

TEST_F(zc, proxy_slice_is_the_body)
{
	struct xm_msg m, p, r = { 0 };

	ASSERT_EQ(0, xm_msg_get(self->x, self->pool, &m));
	ASSERT_EQ(0, xm_msg_proxy(self->x, m.handle, 100, 200, &p));
	ASSERT_EQ(m.offset + 100, p.offset);
	ASSERT_EQ(200U, p.length);
	ASSERT_NE(0U, p.flags & XMSG_MSGF_PROXY);
	ASSERT_EQ((char *)m.body + 100, (char *)p.body);
	memset(m.body, 0, m.length);
	memcpy(p.body, "through the proxy", 18);
	ASSERT_EQ(0, memcmp((char *)m.body + 100, "through the proxy", 18));
	/* the proxy travels; the receiver sees the slice of the same block */
	ASSERT_EQ(0, xm_send(self->x, self->xchg, p.handle, 1, 0, 0));
	ASSERT_EQ(0, xm_recv(self->x, self->xchg, XM_NOWAIT, 0, &r));
	ASSERT_EQ(m.offset + 100, r.offset);
	ASSERT_EQ(200U, r.length);
	/* release the real message first: the body lives on in the proxy */
	ASSERT_EQ(0, xm_msg_rel(self->x, m.handle));
	ASSERT_EQ(0, memcmp(r.body, "through the proxy", 18));
	ASSERT_EQ(0, xm_msg_rel(self->x, r.handle));
}

TEST_F(zc, broadcast_receivers_share_the_body)
{
	char bname[XMSG_NAME_MAX];
	struct xm_msg m;
	int bx, i, c2p[2];
	pid_t pid[2];
	uint64_t off;

	bx = xm_xchg_create(self->x, xt_name(bname, "bcast"),
			    XMSG_XCHG_KIND_BCAST, 0, 0600, XMSG_CREATE_EXCL);
	ASSERT_LT(0, bx);
	ASSERT_EQ(0, pipe(c2p));
	ASSERT_EQ(0, xm_msg_get(self->x, self->pool, &m));
	fill(m.body, m.length, 77);
	ASSERT_EQ(0, xm_send(self->x, bx, m.handle, 0, 0, 0));
	for (i = 0; i < 2; i++) {
		pid[i] = fork();
		ASSERT_LE(0, pid[i]);
		if (pid[i] == 0) {
			struct xm *x;
			struct xm_msg r = { 0 };
			int h;

			xm_close(self->x);
			CHILD_CHECK(xm_open(&x, NULL) == 0, 10);
			CHILD_CHECK(xm_pool_open(x, self->pname,
						 XMSG_ACC_READ) > 0, 11);
			h = xm_xchg_open(x, bname, XMSG_ACC_READ);
			CHILD_CHECK(h > 0, 12);
			CHILD_CHECK(xm_recv(x, h, XM_MS(10000), 0, &r) == 0,
				    13);
			CHILD_CHECK(r.body && r.length == m.length, 14);
			CHILD_CHECK(check(r.body, r.length, 77) == 0, 15);
			CHILD_CHECK(xt_put(c2p[1], r.offset) == 0, 16);
			xm_close(x);
			_exit(0);
		}
	}
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, xt_get(c2p[0], &off));
		EXPECT_EQ(m.offset, off);
		ASSERT_EQ(0, xt_wait(pid[i]));
	}
	ASSERT_EQ(0, xm_bcast_clear(self->x, bx));
	ASSERT_EQ(0, xm_msg_rel(self->x, m.handle));
	ASSERT_EQ(0, xm_destroy(self->x, bx));
}

TEST_F(zc, pool_back_to_full)
{
	struct xmsg_pool_info pi;
	struct xm_msg m[NBLK];
	int i;

	for (i = 0; i < NBLK; i++)
		ASSERT_EQ(0, xm_msg_get(self->x, self->pool, &m[i]));
	ASSERT_EQ(0, xm_pool_info(self->x, self->pool, &pi));
	ASSERT_EQ(0U, pi.free);
	ASSERT_EQ((uint64_t)NBLK, pi.in_use);
	for (i = 0; i < NBLK; i++) {
		/* distinct blocks inside the region */
		ASSERT_LE(m[i].offset + m[i].length, pi.region_size);
		if (i)
			ASSERT_NE(m[i - 1].offset, m[i].offset);
		ASSERT_EQ(0, xm_msg_rel(self->x, m[i].handle));
	}
	ASSERT_EQ(0, xm_pool_info(self->x, self->pool, &pi));
	ASSERT_EQ((uint64_t)NBLK, pi.free);
}

TEST_HARNESS_MAIN
