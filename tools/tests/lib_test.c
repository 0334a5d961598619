// SPDX-License-Identifier: GPL-2.0
/*
 * libxmsg: one or more cases per library call, through the real device.
 */
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include "kselftest_harness.h"
#include "xm_test.h"

#define BS	200
#define NBLK	6

FIXTURE(lib) {
	struct xm *x;
	int pool, xchg;
	char pname[XMSG_NAME_MAX], xname[XMSG_NAME_MAX];
	struct xmsg_pool_info pi;
};

FIXTURE_SETUP(lib)
{
	ASSERT_EQ(0, xm_open(&self->x, NULL)) TH_LOG("no /dev/xmsg?");
	self->pool = xm_pool_create(self->x, xt_name(self->pname, "pool"),
				    BS, NBLK, 0600, XMSG_CREATE_EXCL);
	ASSERT_LT(0, self->pool);
	self->xchg = xm_xchg_create(self->x, xt_name(self->xname, "xchg"),
				    XMSG_XCHG_KIND_NORMAL, 0, 0600,
				    XMSG_CREATE_EXCL);
	ASSERT_LT(0, self->xchg);
	ASSERT_EQ(0, xm_pool_info(self->x, self->pool, &self->pi));
}

FIXTURE_TEARDOWN(lib)
{
	if (!self->x)
		return;
	xm_destroy(self->x, self->xchg);
	xm_pool_destroy(self->x, self->pool);
	xm_close(self->x);
}

static uint64_t pool_free(FIXTURE_DATA(lib) *self)
{
	struct xmsg_pool_info pi;

	if (xm_pool_info(self->x, self->pool, &pi))
		return ~0ULL;
	return pi.free;
}

/* contexts */

TEST(open_close)
{
	struct xm *x = NULL;

	ASSERT_EQ(-ENOENT, xm_open(&x, "/dev/no-such-xmsg"));
	ASSERT_EQ(NULL, x);
	ASSERT_EQ(-EINVAL, xm_open(NULL, NULL));
	ASSERT_EQ(0, xm_open(&x, NULL));
	ASSERT_LE(0, xm_fd(x));
	xm_close(x);
	xm_close(NULL);			/* a no-op */
	ASSERT_EQ(-EINVAL, xm_fd(NULL));
}

TEST(version)
{
	ASSERT_EQ(LIBXMSG_VERSION_MAJOR, xm_version_major());
	ASSERT_EQ(LIBXMSG_VERSION_MINOR, xm_version_minor());
	ASSERT_EQ(0, xm_check_version(LIBXMSG_VERSION_MAJOR,
				      LIBXMSG_VERSION_MINOR));
	ASSERT_EQ(0, xm_check_version(LIBXMSG_VERSION_MAJOR, 0));
	ASSERT_EQ(-ENOTSUP, xm_check_version(LIBXMSG_VERSION_MAJOR,
					     LIBXMSG_VERSION_MINOR + 1));
	ASSERT_EQ(-ENOTSUP, xm_check_version(LIBXMSG_VERSION_MAJOR + 1, 0));
	ASSERT_TRUE(LIBXMSG_CHECK_VERSION(LIBXMSG_VERSION_MAJOR, 0));
	ASSERT_FALSE(LIBXMSG_CHECK_VERSION(LIBXMSG_VERSION_MAJOR,
					   LIBXMSG_VERSION_MINOR + 1));
}

TEST_F(lib, features)
{
	struct xmsg_features f;
	const uint64_t need = XMSG_FEAT_POOL | XMSG_FEAT_MSG |
			      XMSG_FEAT_XCHG | XMSG_FEAT_SEM;

	ASSERT_EQ(0, xm_features(self->x, &f));
	ASSERT_EQ((uint32_t)XMSG_API_VERSION, f.api_version);
	ASSERT_EQ((uint32_t)XMSG_NAME_MAX, f.name_max);
	ASSERT_EQ((uint32_t)XMSG_MSG_PRIO_MAX, f.prio_max);
	ASSERT_EQ((uint32_t)XMSG_MMAP_SHIFT, f.mmap_shift);
	ASSERT_EQ(need, f.features & need);
}

/* names and create/open */

TEST_F(lib, names)
{
	char longname[XMSG_NAME_MAX + 8];

	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = 0;
	ASSERT_EQ(-ENAMETOOLONG, xm_pool_create(self->x, longname, 64, 1,
						0600, 0));
	longname[XMSG_NAME_MAX - 1] = 0;	/* 31 bytes: the longest */
	ASSERT_EQ(-ENOENT, xm_xchg_open(self->x, longname, XMSG_ACC_READ));
	ASSERT_EQ(-EINVAL, xm_xchg_create(self->x, "bad/name",
					  XMSG_XCHG_KIND_NORMAL, 0, 0600, 0));
	ASSERT_EQ(-EINVAL, xm_xchg_create(self->x, ".hidden",
					  XMSG_XCHG_KIND_NORMAL, 0, 0600, 0));
	/* pools must be named */
	ASSERT_EQ(-EINVAL, xm_pool_create(self->x, NULL, 64, 1, 0600, 0));
}

TEST_F(lib, create_excl_and_open_existing)
{
	struct xmsg_info in;
	int h;

	ASSERT_EQ(-EEXIST, xm_pool_create(self->x, self->pname, BS, NBLK,
					  0600, XMSG_CREATE_EXCL));
	ASSERT_EQ(-EEXIST, xm_xchg_create(self->x, self->xname,
					  XMSG_XCHG_KIND_NORMAL, 0, 0600,
					  XMSG_CREATE_EXCL));
	h = xm_pool_create(self->x, self->pname, BS, NBLK, 0600, 0);
	ASSERT_LT(0, h);
	ASSERT_NE(self->pool, h);
	ASSERT_EQ(0, xm_info(self->x, h, &in));
	ASSERT_EQ((uint32_t)XMSG_TYPE_POOL, in.type);
	ASSERT_STREQ(self->pname, in.name);
	ASSERT_EQ(0, xm_handle_close(self->x, h));
	ASSERT_EQ(-EBADF, xm_handle_close(self->x, h));
	h = xm_obj_open(self->x, XMSG_TYPE_XCHG, self->xname, XMSG_ACC_READ);
	ASSERT_LT(0, h);
	ASSERT_EQ(0, xm_info(self->x, h, &in));
	ASSERT_EQ((uint32_t)XMSG_ACC_READ, in.rights);
	ASSERT_EQ(-EINVAL, xm_obj_open(self->x, XMSG_TYPE_MSG, self->xname,
				       XMSG_ACC_READ));
	ASSERT_EQ(-EINVAL, xm_obj_open(self->x, XMSG_TYPE_XCHG, self->xname,
				       0));
}

TEST_F(lib, list)
{
	struct xmsg_list_entry *v;
	int found_p = 0, found_x = 0;
	size_t n, i;

	ASSERT_EQ(0, xm_list(self->x, 0, &v, &n));
	for (i = 0; i < n; i++) {
		if (!strcmp(v[i].name, self->pname)) {
			found_p++;
			EXPECT_EQ((uint32_t)XMSG_TYPE_POOL, v[i].type);
			EXPECT_EQ(0600U, v[i].mode);
		}
		if (!strcmp(v[i].name, self->xname)) {
			found_x++;
			EXPECT_EQ((uint32_t)XMSG_TYPE_XCHG, v[i].type);
		}
	}
	free(v);
	ASSERT_EQ(1, found_p);
	ASSERT_EQ(1, found_x);
	ASSERT_EQ(0, xm_list(self->x, XMSG_TYPE_SEM, &v, &n));
	for (i = 0; i < n; i++)
		ASSERT_EQ((uint32_t)XMSG_TYPE_SEM, v[i].type);
	free(v);
	ASSERT_STREQ("pool", xm_type_name(XMSG_TYPE_POOL));
	ASSERT_STREQ("?", xm_type_name(99));
}

/* pools and mappings */

TEST_F(lib, pool_info_and_map)
{
	void *b1, *b2;
	size_t s1, s2;

	ASSERT_EQ((uint64_t)NBLK, self->pi.count);
	ASSERT_EQ((uint64_t)NBLK, self->pi.free);
	ASSERT_EQ(0U, self->pi.in_use);
	ASSERT_LE((uint64_t)BS, self->pi.block_size);
	ASSERT_LE(self->pi.count * self->pi.block_size, self->pi.region_size);
	ASSERT_EQ(0, xm_pool_map(self->x, self->pool, &b1, &s1));
	ASSERT_EQ(self->pi.region_size, (uint64_t)s1);
	ASSERT_EQ(0, xm_pool_map(self->x, self->pool, &b2, &s2));
	ASSERT_EQ(b1, b2);		/* mapped once */
	ASSERT_EQ((char *)b1 + 10, (char *)xm_ptr(self->x, self->pool, 10));
	ASSERT_EQ(NULL, xm_ptr(self->x, self->pool, s1));
	ASSERT_EQ(ERANGE, errno);
	ASSERT_EQ(NULL, xm_ptr(self->x, 0, 0));
	ASSERT_EQ(EINVAL, errno);
	ASSERT_EQ(-EINVAL, xm_pool_map(self->x, self->xchg, &b1, &s1));
	ASSERT_EQ(-EINVAL, xm_pool_info(self->x, self->xchg, &self->pi));
	ASSERT_EQ(0, xm_pool_unmap(self->x, self->pool));
	ASSERT_EQ(0, xm_pool_map(self->x, self->pool, &b1, &s1));
}

TEST_F(lib, pool_destroy_refused_while_busy)
{
	struct xm_msg m;
	void *p;
	int h;

	ASSERT_EQ(0, xm_msg_get(self->x, self->pool, &m));
	ASSERT_EQ(-EBUSY, xm_pool_destroy(self->x, self->pool));
	ASSERT_EQ(0, xm_msg_rel(self->x, m.handle));
	/* a mapping of our own, not through the library */
	p = mmap(NULL, self->pi.region_size, PROT_READ, MAP_SHARED,
		 xm_fd(self->x), (off_t)XMSG_MMAP_OFFSET(self->pool));
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(-EBUSY, xm_pool_destroy(self->x, self->pool));
	ASSERT_EQ(0, munmap(p, self->pi.region_size));
	h = xm_pool_open(self->x, self->pname, XMSG_ACC_READ);
	ASSERT_LT(0, h);
	ASSERT_EQ(0, xm_pool_destroy(self->x, self->pool));
	self->pool = 0;
	/* gone by name; other handles see it destroyed */
	ASSERT_EQ(-ENOENT, xm_pool_open(self->x, self->pname, XMSG_ACC_READ));
	ASSERT_EQ(-EIDRM, xm_destroy(self->x, h));
}

/*
 * xm_strerror(): the errors the kernel really returns read in xmsg terms,
 * either sign; other errnos as strerror().
 */
TEST_F(lib, strerror_explains_errors)
{
	struct xm_msg m[NBLK + 1];
	char n[XMSG_NAME_MAX];
	struct xmsg_info in;
	int i, lx, other, ret;

	for (i = 0; i < NBLK; i++)
		ASSERT_EQ(0, xm_msg_get(self->x, self->pool, &m[i]));
	ret = xm_msg_get(self->x, self->pool, &m[NBLK]);
	ASSERT_EQ(-ENOBUFS, ret);
	EXPECT_STREQ("pool empty: no free block", xm_strerror(ret));
	EXPECT_STREQ(xm_strerror(ret), xm_strerror(-ret));
	ret = xm_pool_destroy(self->x, self->pool);
	ASSERT_EQ(-EBUSY, ret);
	EXPECT_EQ(0, strncmp(xm_strerror(ret), "pool busy", 9));
	lx = xm_xchg_create(self->x, xt_name(n, "strerr"),
			    XMSG_XCHG_KIND_NORMAL, 1, 0600, XMSG_CREATE_EXCL);
	ASSERT_LT(0, lx);
	ASSERT_EQ(0, xm_send(self->x, lx, m[0].handle, 0, 0, 0));
	ret = xm_send(self->x, lx, m[1].handle, 0, 0, 0);
	ASSERT_EQ(-ENOSPC, ret);
	EXPECT_EQ(0, strncmp(xm_strerror(ret), "exchange queue full", 19));
	other = xm_xchg_open(self->x, n, XMSG_ACC_WRITE);
	ASSERT_LT(0, other);
	ASSERT_EQ(0, xm_destroy(self->x, lx));
	ret = xm_send(self->x, other, m[1].handle, 0, 0, 0);
	ASSERT_EQ(-EIDRM, ret);
	EXPECT_STREQ("object destroyed", xm_strerror(ret));
	ret = xm_send(self->x, 999999, m[1].handle, 0, 0, 0);
	ASSERT_EQ(-EBADF, ret);
	EXPECT_STREQ("no such handle in this context", xm_strerror(ret));
	EXPECT_EQ(0, strncmp(xm_strerror(-EMFILE), "handle limit", 12));
	/* not an xmsg error: the C library's text */
	EXPECT_STREQ(strerror(EPIPE), xm_strerror(-EPIPE));
	EXPECT_STREQ(strerror(EPIPE), xm_strerror(EPIPE));
	EXPECT_NE(NULL, xm_strerror(0));
	EXPECT_NE(NULL, xm_strerror(-100000));
	for (i = 1; i < NBLK; i++)
		ASSERT_EQ(0, xm_msg_rel(self->x, m[i].handle));
	ASSERT_EQ(0, xm_handle_close(self->x, other));
	ASSERT_EQ(0, XT_WAIT_INFO(self->x, self->pool, in,
				  in.u.pool.free == NBLK, 1000));
}

/* bare and standard blocks */

TEST_F(lib, blocks)
{
	struct xm_msg b, c, d;

	ASSERT_EQ(0, xm_block_get(self->x, self->pool, &b));
	ASSERT_NE(NULL, b.body);
	ASSERT_EQ((uint32_t)self->pool, b.pool);
	ASSERT_LE((uint64_t)BS, b.length);
	ASSERT_EQ(NBLK - 1U, pool_free(self));
	memset(b.body, 1, b.length);		/* writable */
	ASSERT_EQ(0, xm_block_rel(self->x, b.handle));
	ASSERT_EQ(-EBADF, xm_block_rel(self->x, b.handle));
	ASSERT_EQ((uint64_t)NBLK, pool_free(self));

	ASSERT_EQ(0, xm_bcb_get(self->x, self->pool, &c));
	ASSERT_EQ(-EINVAL, xm_block_rel(self->x, c.handle));	/* a BCB */
	ASSERT_EQ(0, xm_bcb_rel(self->x, c.handle));

	ASSERT_EQ(0, xm_block_get(self->x, self->pool, &b));
	ASSERT_EQ(0, xm_bcb_make(self->x, b.handle, &c));
	ASSERT_EQ(b.offset, c.offset);
	ASSERT_EQ(-EBADF, xm_block_rel(self->x, b.handle));	/* consumed */
	ASSERT_EQ(0, xm_bcb_unmake(self->x, c.handle, &d));
	ASSERT_EQ(b.offset, d.offset);
	ASSERT_EQ(-EBADF, xm_bcb_rel(self->x, c.handle));
	ASSERT_EQ(0, xm_block_rel(self->x, d.handle));
	ASSERT_EQ(-EINVAL, xm_block_get(self->x, self->xchg, &b));
	ASSERT_EQ(-EBADF, xm_block_get(self->x, 9999, &b));
	ASSERT_EQ((uint64_t)NBLK, pool_free(self));
}

TEST_F(lib, pool_exhaustion)
{
	struct xm_msg m[NBLK], extra;
	struct xmsg_pool_info pi;
	int i;

	for (i = 0; i < NBLK; i++)
		ASSERT_EQ(0, xm_msg_get(self->x, self->pool, &m[i]));
	ASSERT_EQ(-ENOBUFS, xm_msg_get(self->x, self->pool, &extra));
	ASSERT_EQ(-ENOBUFS, xm_block_get(self->x, self->pool, &extra));
	ASSERT_EQ(0, xm_pool_info(self->x, self->pool, &pi));
	ASSERT_EQ(0U, pi.free);
	ASSERT_EQ((uint64_t)NBLK, pi.high_water);
	ASSERT_LE(2U, pi.failed_gets);
	/* closing a message handle releases the message */
	for (i = 0; i < NBLK; i++)
		ASSERT_EQ(0, xm_handle_close(self->x, m[i].handle));
	ASSERT_EQ((uint64_t)NBLK, pool_free(self));
}

/* messages */

TEST_F(lib, msg_get_info_rel)
{
	struct xm_msg m, i;

	ASSERT_EQ(0, xm_msg_get(self->x, self->pool, &m));
	ASSERT_NE(NULL, m.body);
	ASSERT_EQ(0U, m.flags & XMSG_MSGF_PROXY);
	ASSERT_EQ(0, xm_msg_info(self->x, m.handle, &i));
	ASSERT_EQ(m.offset, i.offset);
	ASSERT_EQ(m.length, i.length);
	ASSERT_EQ(m.body, i.body);
	ASSERT_EQ(-EINVAL, xm_msg_info(self->x, self->pool, &i));
	ASSERT_EQ(-EINVAL, xm_msg_rel(self->x, self->pool));
	ASSERT_EQ(0, xm_msg_rel(self->x, m.handle));
	ASSERT_EQ(-EBADF, xm_msg_rel(self->x, m.handle));
	ASSERT_EQ(-EBADF, xm_msg_rel(self->x, 0));
}

TEST_F(lib, msg_make_unmake)
{
	struct xm_msg b, m, u;

	ASSERT_EQ(0, xm_block_get(self->x, self->pool, &b));
	strcpy(b.body, "kept across make");
	ASSERT_EQ(0, xm_msg_make(self->x, b.handle, &m));
	ASSERT_EQ(b.offset, m.offset);
	ASSERT_STREQ("kept across make", (char *)m.body);
	ASSERT_EQ(-EBADF, xm_block_rel(self->x, b.handle));
	ASSERT_EQ(0, xm_msg_unmake(self->x, m.handle, &u));
	ASSERT_EQ(b.offset, u.offset);
	ASSERT_STREQ("kept across make", (char *)u.body);
	ASSERT_EQ(-EBADF, xm_msg_rel(self->x, m.handle));
	ASSERT_EQ(0, xm_block_rel(self->x, u.handle));
	ASSERT_EQ((uint64_t)NBLK, pool_free(self));
}

TEST_F(lib, proxies)
{
	struct xm_msg m, whole, slice, u;

	ASSERT_EQ(0, xm_msg_get(self->x, self->pool, &m));
	ASSERT_EQ(0, xm_msg_proxy(self->x, m.handle, 0, 0, &whole));
	ASSERT_EQ(m.offset, whole.offset);
	ASSERT_EQ(m.length, whole.length);
	ASSERT_NE(0U, whole.flags & XMSG_MSGF_PROXY);
	ASSERT_EQ(0, xm_msg_proxy(self->x, m.handle, 10, 20, &slice));
	ASSERT_EQ(m.offset + 10, slice.offset);
	ASSERT_EQ(20U, slice.length);
	/* slices outside the body */
	ASSERT_EQ(-EINVAL, xm_msg_proxy(self->x, m.handle, m.length + 1, 0,
					&u));
	ASSERT_EQ(-EINVAL, xm_msg_proxy(self->x, m.handle, 10, m.length,
					&u));
	/* the body is shared: no unmake */
	ASSERT_EQ(-EBUSY, xm_msg_unmake(self->x, m.handle, &u));
	/* release the real message first: the block stays out */
	ASSERT_EQ(0, xm_msg_rel(self->x, m.handle));
	ASSERT_EQ(NBLK - 1U, pool_free(self));
	ASSERT_EQ(0, xm_msg_rel(self->x, whole.handle));
	ASSERT_EQ(NBLK - 1U, pool_free(self));
	ASSERT_EQ(0, xm_msg_rel(self->x, slice.handle));
	ASSERT_EQ((uint64_t)NBLK, pool_free(self));
}

/* send / receive */

TEST_F(lib, send_recv_priority_order)
{
	static const uint32_t prios[] = { 1, 5, 3, 5, 0 };
	static const int want[] = { 1, 3, 2, 0, 4 };	/* by index */
	struct xm_msg m, r;
	int i;

	for (i = 0; i < 5; i++) {
		ASSERT_EQ(0, xm_msg_get(self->x, self->pool, &m));
		*(int *)m.body = i;
		ASSERT_EQ(0, xm_send(self->x, self->xchg, m.handle, prios[i],
				     0, 0));
		ASSERT_EQ(-EBADF, xm_msg_rel(self->x, m.handle));  /* sent */
	}
	for (i = 0; i < 5; i++) {
		memset(&r, 0, sizeof(r));
		ASSERT_EQ(0, xm_recv(self->x, self->xchg, XM_NOWAIT, 0, &r));
		ASSERT_EQ(want[i], *(int *)r.body);
		ASSERT_EQ(prios[want[i]], r.prio);
		ASSERT_EQ(0U, r.reply);
		ASSERT_EQ(0, xm_msg_rel(self->x, r.handle));
	}
	ASSERT_EQ(-EAGAIN, xm_recv(self->x, self->xchg, XM_NOWAIT, 0, &r));
}

TEST_F(lib, send_recv_errors)
{
	struct xm_msg m, r = { 0 };
	double t0;

	ASSERT_EQ(0, xm_msg_get(self->x, self->pool, &m));
	ASSERT_EQ(-EINVAL, xm_send(self->x, self->xchg, m.handle,
				   XMSG_MSG_PRIO_MAX + 1, 0, 0));
	ASSERT_EQ(-EBADF, xm_send(self->x, 0, m.handle, 0, 0, 0));
	ASSERT_EQ(-EINVAL, xm_send(self->x, self->pool, m.handle, 0, 0, 0));
	ASSERT_EQ(-EINVAL, xm_send(self->x, self->xchg, self->xchg, 0, 0, 0));
	ASSERT_EQ(-EINVAL, xm_send(self->x, self->xchg, m.handle, 0,
				   self->pool, 0));	/* reply: a pool */
	ASSERT_EQ(-EINVAL, xm_send(self->x, self->xchg, m.handle, 0, 0,
				   0x80000000u));	/* unknown flag */
	ASSERT_EQ(-EINVAL, xm_recv(self->x, self->xchg, XM_NOWAIT,
				   0x80000000u, &r));
	ASSERT_EQ(-EINVAL, xm_recv(self->x, self->pool, XM_NOWAIT, 0, &r));
	/* the failed sends changed nothing: still ours */
	ASSERT_EQ(0, xm_msg_rel(self->x, m.handle));
	t0 = xt_now();
	ASSERT_EQ(-ETIMEDOUT, xm_recv(self->x, self->xchg, XM_MS(100), 0,
				      &r));
	ASSERT_LE(0.09, xt_now() - t0);
}

TEST_F(lib, pass_exchange_gives_priority)
{
	struct xm_msg m, r = { 0 };
	char n[XMSG_NAME_MAX];
	int px;

	px = xm_xchg_create(self->x, xt_name(n, "pass"), XMSG_XCHG_KIND_PASS,
			    0, 0600, XMSG_CREATE_EXCL);
	ASSERT_LT(0, px);
	ASSERT_EQ(0, xm_msg_get(self->x, self->pool, &m));
	ASSERT_EQ(0, xm_send(self->x, px, m.handle, 17, 0, 0));
	ASSERT_EQ(0, xm_recv(self->x, px, XM_NOWAIT, 0, &r));
	ASSERT_EQ(17U, r.prio);
	ASSERT_EQ(0, xm_msg_rel(self->x, r.handle));
	ASSERT_EQ(0, xm_destroy(self->x, px));
}

TEST_F(lib, queue_limit)
{
	struct xmsg_info in;
	struct xm_msg m[3];
	char n[XMSG_NAME_MAX];
	int lx, i;

	lx = xm_xchg_create(self->x, xt_name(n, "limit2"),
			    XMSG_XCHG_KIND_NORMAL, 2, 0600, XMSG_CREATE_EXCL);
	ASSERT_LT(0, lx);
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, xm_msg_get(self->x, self->pool, &m[i]));
	ASSERT_EQ(0, xm_send(self->x, lx, m[0].handle, 0, 0, 0));
	ASSERT_EQ(0, xm_send(self->x, lx, m[1].handle, 0, 0, 0));
	ASSERT_EQ(-ENOSPC, xm_send(self->x, lx, m[2].handle, 0, 0, 0));
	ASSERT_EQ(0, xm_msg_rel(self->x, m[2].handle));
	/* destroying the exchange releases what is queued */
	ASSERT_EQ(0, xm_destroy(self->x, lx));
	ASSERT_EQ(0, XT_WAIT_INFO(self->x, self->pool, in,
				  in.u.pool.free == NBLK, 1000));
}

TEST_F(lib, call_and_reply)
{
	struct xm_msg m, a = { 0 }, r = { 0 };
	struct xmsg_info in;
	int mine, sent = -1, sem;

	/* a call to our own exchange receives what it sent */
	ASSERT_EQ(0, xm_msg_get(self->x, self->pool, &m));
	strcpy(m.body, "echo");
	ASSERT_EQ(0, xm_call(self->x, self->xchg, m.handle, 2, 0, self->xchg,
			     XM_NOWAIT, 0, &a, &sent));
	ASSERT_EQ(1, sent);
	ASSERT_EQ(m.offset, a.offset);
	ASSERT_STREQ("echo", (char *)a.body);
	ASSERT_EQ(2U, a.prio);

	/* sent, but nothing to receive: the error says so */
	mine = xm_xchg_create(self->x, NULL, XMSG_XCHG_KIND_NORMAL, 0, 0600,
			      0);
	ASSERT_LT(0, mine);
	sent = -1;
	ASSERT_EQ(-EAGAIN, xm_call(self->x, self->xchg, a.handle, 0, mine,
				   mine, XM_NOWAIT, 0, &r, &sent));
	ASSERT_EQ(1, sent);
	/* a failed send: nothing happened */
	sent = -1;
	ASSERT_EQ(-EBADF, xm_call(self->x, self->xchg, a.handle, 0, 0, mine,
				  XM_NOWAIT, 0, &r, &sent));
	ASSERT_EQ(0, sent);

	/* the server side: the request carries a write-only reply handle */
	ASSERT_EQ(0, xm_recv(self->x, self->xchg, XM_NOWAIT, 0, &r));
	ASSERT_NE(0U, r.reply);
	ASSERT_EQ(0, xm_info(self->x, r.reply, &in));
	ASSERT_EQ((uint32_t)XMSG_TYPE_XCHG, in.type);
	ASSERT_EQ((uint32_t)XMSG_ACC_WRITE, in.rights);
	ASSERT_NE(0U, in.obj_flags & XMSG_OBJF_REPLY);
	ASSERT_EQ(-EACCES, xm_recv(self->x, r.reply, XM_NOWAIT, 0, &a));
	ASSERT_EQ(-EPERM, xm_destroy(self->x, r.reply));
	ASSERT_EQ(0, xm_send(self->x, r.reply, r.handle, 0, 0,
			     XMSG_SEND_CLOSE_XCHG));
	ASSERT_EQ(-EBADF, xm_info(self->x, r.reply, &in));	/* closed */
	memset(&a, 0, sizeof(a));
	ASSERT_EQ(0, xm_recv(self->x, mine, XM_NOWAIT, 0, &a));
	ASSERT_STREQ("echo", (char *)a.body);

	/* a semaphore as reply handle */
	sem = xm_sem_create(self->x, NULL, XMSG_SEM_KIND_COUNT, 0, 0, 0600, 0);
	ASSERT_LT(0, sem);
	ASSERT_EQ(0, xm_send(self->x, self->xchg, a.handle, 0, sem, 0));
	memset(&r, 0, sizeof(r));
	ASSERT_EQ(0, xm_recv(self->x, self->xchg, XM_NOWAIT, 0, &r));
	ASSERT_EQ(0, xm_info(self->x, r.reply, &in));
	ASSERT_EQ((uint32_t)XMSG_TYPE_SEM, in.type);
	ASSERT_EQ(0, xm_sem_signal(self->x, r.reply, XMSG_SEM_CLOSE));
	ASSERT_EQ(-EBADF, xm_sem_signal(self->x, r.reply, 0));
	ASSERT_EQ(0, xm_sem_wait(self->x, sem, XM_NOWAIT));
	ASSERT_EQ(0, xm_msg_rel(self->x, r.handle));
	ASSERT_EQ(0, xm_destroy(self->x, sem));
	ASSERT_EQ(0, xm_destroy(self->x, mine));
	ASSERT_EQ((uint64_t)NBLK, pool_free(self));
}

TEST_F(lib, xfer_batches)
{
	struct xmsg_xfer_send se[4];
	struct xm_msg m[4], got[8];
	unsigned int sent = 99;
	int i, n, other;

	memset(se, 0, sizeof(se));
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, xm_msg_get(self->x, self->pool, &m[i]));
		sprintf(m[i].body, "m%d", i);
		se[i].xchg = self->xchg;
		se[i].msg = m[i].handle;
	}
	/* four sent and three of them received in one call */
	n = xm_xfer(self->x, se, 4, self->xchg, got, 3, XM_NOWAIT, &sent);
	ASSERT_EQ(3, n);
	ASSERT_EQ(4U, sent);
	for (i = 0; i < 3; i++) {
		char want[8];

		sprintf(want, "m%d", i);
		ASSERT_STREQ(want, (char *)got[i].body);
		ASSERT_EQ(0, xm_msg_rel(self->x, got[i].handle));
	}
	/* receive only: the last one */
	ASSERT_EQ(1, xm_xfer(self->x, NULL, 0, self->xchg, got, 8, XM_NOWAIT,
			     &sent));
	ASSERT_STREQ("m3", (char *)got[0].body);
	ASSERT_EQ(-EAGAIN, xm_xfer(self->x, NULL, 0, self->xchg, got, 8,
				   XM_NOWAIT, &sent));
	/* multicast: a proxy of it to two exchanges, send only */
	other = xm_xchg_create(self->x, NULL, XMSG_XCHG_KIND_NORMAL, 0, 0600,
			       0);
	ASSERT_LT(0, other);
	se[0].msg = got[0].handle;
	se[0].flags = XMSG_XFER_PROXY;
	se[1] = se[0];
	se[1].xchg = other;
	ASSERT_EQ(0, xm_xfer(self->x, se, 2, 0, NULL, 0, 0, &sent));
	ASSERT_EQ(2U, sent);
	ASSERT_EQ(1, xm_xfer(self->x, NULL, 0, other, &m[0], 1, XM_NOWAIT,
			     NULL));
	ASSERT_STREQ("m3", (char *)m[0].body);
	ASSERT_NE(0U, m[0].flags & XMSG_MSGF_PROXY);
	ASSERT_EQ(0, xm_msg_rel(self->x, m[0].handle));
	ASSERT_EQ(0, xm_recv(self->x, self->xchg, XM_NOWAIT, 0, &m[1]));
	ASSERT_EQ(0, xm_msg_rel(self->x, m[1].handle));
	ASSERT_EQ(0, xm_msg_rel(self->x, got[0].handle));
	/* a bad handle in the middle: the first is sent, then the error */
	ASSERT_EQ(0, xm_msg_get(self->x, self->pool, &m[0]));
	se[0].msg = m[0].handle;
	se[0].flags = 0;
	se[1].msg = 9999;
	ASSERT_EQ(-EBADF, xm_xfer(self->x, se, 2, 0, NULL, 0, 0, &sent));
	ASSERT_EQ(1U, sent);
	ASSERT_EQ(-EINVAL, xm_xfer(self->x, se, XMSG_XFER_MAX + 1, 0, NULL, 0,
				   0, &sent));
	ASSERT_EQ(0, xm_destroy(self->x, other));
}

/*
 * A signal while XMSG_IOC_XFER waits in its receive: -EINTR with every send
 * counted, and nothing sent again.  The signalling thread takes two
 * messages of its own in the same context first, so that a call issued
 * again after EINTR would either fail on the consumed handles (-EBADF,
 * *sent 0) or, where the handle numbers were given out again, send the
 * thread's messages.
 */
struct xfer_sig_arg {
	struct xm *x;
	int pool, rx;
	pthread_t target;
	struct xm_msg mine[2];
	int ret;
};

static void xfer_sig_handler(int sig)
{
}

static void *xfer_signaller(void *p)
{
	struct xfer_sig_arg *a = p;
	struct xmsg_info in;
	int i;

	a->ret = XT_WAIT_INFO(a->x, a->rx, in, in.u.xchg.waiters == 1, 5000);
	for (i = 0; !a->ret && i < 2; i++)
		a->ret = xm_msg_get(a->x, a->pool, &a->mine[i]);
	if (!a->ret)
		a->ret = pthread_kill(a->target, SIGUSR1);
	return NULL;
}

TEST_F(lib, xfer_signal_in_receive)
{
	struct sigaction sa = { .sa_handler = xfer_sig_handler };
	struct xfer_sig_arg a = { .x = self->x, .pool = self->pool };
	struct xmsg_xfer_send se[2];
	struct xm_msg m[2], got[2];
	struct xmsg_info in;
	unsigned int sent = 99;
	char n[XMSG_NAME_MAX];
	pthread_t t;
	int i, ret;

	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0;		/* no SA_RESTART */
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
	a.rx = xm_xchg_create(self->x, xt_name(n, "rx"), XMSG_XCHG_KIND_NORMAL,
			      0, 0600, XMSG_CREATE_EXCL);
	ASSERT_LT(0, a.rx);
	memset(se, 0, sizeof(se));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, xm_msg_get(self->x, self->pool, &m[i]));
		se[i].xchg = self->xchg;
		se[i].msg = m[i].handle;
	}
	a.target = pthread_self();
	a.ret = -1;
	ASSERT_EQ(0, pthread_create(&t, NULL, xfer_signaller, &a));
	/* both sent, then the receive from the empty rx waits */
	ret = xm_xfer(self->x, se, 2, a.rx, got, 2, XM_MS(5000), &sent);
	pthread_join(t, NULL);
	ASSERT_EQ(0, a.ret);
	EXPECT_EQ(-EINTR, ret);
	EXPECT_EQ(2U, sent);
	/* exactly the two messages are queued; the thread still has its own */
	ASSERT_EQ(0, xm_info(self->x, self->xchg, &in));
	EXPECT_EQ(2U, in.u.xchg.queued);
	for (i = 0; i < 2; i++) {
		struct xm_msg r;

		ASSERT_EQ(0, xm_msg_info(self->x, a.mine[i].handle, &r));
		EXPECT_EQ(a.mine[i].offset, r.offset);
		ASSERT_EQ(0, xm_recv(self->x, self->xchg, XM_NOWAIT, 0, &r));
		EXPECT_EQ(m[i].offset, r.offset);
		ASSERT_EQ(0, xm_msg_rel(self->x, r.handle));
		ASSERT_EQ(0, xm_msg_rel(self->x, a.mine[i].handle));
	}
	ASSERT_EQ(-EAGAIN, xm_recv(self->x, self->xchg, XM_NOWAIT, 0, &got[0]));
	ASSERT_EQ(0, xm_destroy(self->x, a.rx));
	ASSERT_EQ((uint64_t)NBLK, pool_free(self));
}

TEST_F(lib, broadcast_generations)
{
	struct xm_msg m, r = { 0 }, r2;
	char n[XMSG_NAME_MAX];
	int bx;
	uint64_t g;

	bx = xm_xchg_create(self->x, xt_name(n, "bc"), XMSG_XCHG_KIND_BCAST, 0,
			    0600, XMSG_CREATE_EXCL);
	ASSERT_LT(0, bx);
	ASSERT_EQ(-ENOENT, xm_bcast_clear(self->x, bx));
	ASSERT_EQ(-EINVAL, xm_bcast_clear(self->x, self->xchg));
	ASSERT_EQ(0, xm_msg_get(self->x, self->pool, &m));
	strcpy(m.body, "gen one");
	ASSERT_EQ(0, xm_send(self->x, bx, m.handle, 0, 0, 0));
	/* the sender keeps its handle */
	ASSERT_EQ(0, xm_recv(self->x, bx, XM_NOWAIT, 0, &r));
	ASSERT_STREQ("gen one", (char *)r.body);
	ASSERT_EQ(m.offset, r.offset);
	ASSERT_LT(0U, r.gen);
	g = r.gen;
	/* sticky: received again, same generation */
	r2.gen = 0;
	ASSERT_EQ(0, xm_recv(self->x, bx, XM_NOWAIT, 0, &r2));
	ASSERT_EQ(g, r2.gen);
	ASSERT_EQ(0, xm_msg_rel(self->x, r2.handle));
	/* only newer */
	r2.gen = g;
	ASSERT_EQ(-EAGAIN, xm_recv(self->x, bx, XM_NOWAIT, XMSG_RECV_NEWER,
				   &r2));
	strcpy(m.body, "gen two");
	ASSERT_EQ(0, xm_send(self->x, bx, m.handle, 0, 0, 0));
	r2.gen = g;
	ASSERT_EQ(0, xm_recv(self->x, bx, XM_NOWAIT, XMSG_RECV_NEWER, &r2));
	ASSERT_LT(g, r2.gen);
	ASSERT_STREQ("gen two", (char *)r2.body);
	ASSERT_EQ(0, xm_msg_rel(self->x, r2.handle));
	ASSERT_EQ(0, xm_msg_rel(self->x, r.handle));
	ASSERT_EQ(0, xm_bcast_clear(self->x, bx));
	ASSERT_EQ(-EAGAIN, xm_recv(self->x, bx, XM_NOWAIT, 0, &r2));
	ASSERT_EQ(0, xm_msg_rel(self->x, m.handle));
	ASSERT_EQ(0, xm_destroy(self->x, bx));
	ASSERT_EQ((uint64_t)NBLK, pool_free(self));
}

/* semaphores */

TEST_F(lib, sem_counting)
{
	struct xmsg_info in;
	int s;

	s = xm_sem_create(self->x, NULL, XMSG_SEM_KIND_COUNT, 1, 0, 0600, 0);
	ASSERT_LT(0, s);
	ASSERT_EQ(0, xm_sem_signal(self->x, s, 0));
	ASSERT_EQ(0, xm_info(self->x, s, &in));
	ASSERT_EQ(2U, in.u.sem.count);
	ASSERT_EQ(0, xm_sem_wait(self->x, s, XM_NOWAIT));
	ASSERT_EQ(0, xm_sem_wait(self->x, s, XM_NOWAIT));
	ASSERT_EQ(-EAGAIN, xm_sem_wait(self->x, s, XM_NOWAIT));
	ASSERT_EQ(-ETIMEDOUT, xm_sem_wait(self->x, s, XM_MS(50)));
	ASSERT_EQ(-EINVAL, xm_sem_signal(self->x, s, 0x80000000u));
	ASSERT_EQ(-EINVAL, xm_sem_wait(self->x, self->xchg, XM_NOWAIT));
	ASSERT_EQ(0, xm_destroy(self->x, s));
}

TEST_F(lib, sem_threshold)
{
	int s, i;

	ASSERT_EQ(-EINVAL, xm_sem_create(self->x, NULL,
					 XMSG_SEM_KIND_THRESHOLD, 0, 0, 0600,
					 0));
	s = xm_sem_create(self->x, NULL, XMSG_SEM_KIND_THRESHOLD, 0, 3, 0600,
			  0);
	ASSERT_LT(0, s);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, xm_sem_signal(self->x, s, 0));
		ASSERT_EQ(-EAGAIN, xm_sem_wait(self->x, s, XM_NOWAIT));
	}
	ASSERT_EQ(0, xm_sem_signal(self->x, s, 0));
	ASSERT_EQ(0, xm_sem_wait(self->x, s, XM_NOWAIT));
	ASSERT_EQ(-EAGAIN, xm_sem_wait(self->x, s, XM_NOWAIT));
	ASSERT_EQ(0, xm_destroy(self->x, s));
}

struct gate_arg {
	struct xm *x;
	int sem;
	int ret;
};

static void *gate_waiter(void *p)
{
	struct gate_arg *a = p;

	a->ret = xm_sem_wait(a->x, a->sem, XM_MS(10000));
	return NULL;
}

TEST_F(lib, sem_gate_releases_all)
{
	struct gate_arg a[3];
	struct xmsg_info in;
	pthread_t t[3];
	int s, i;

	s = xm_sem_create(self->x, NULL, XMSG_SEM_KIND_GATE, 0, 0, 0600, 0);
	ASSERT_LT(0, s);
	/* no waiter: the signal is lost */
	ASSERT_EQ(0, xm_sem_signal(self->x, s, 0));
	ASSERT_EQ(-EAGAIN, xm_sem_wait(self->x, s, XM_NOWAIT));
	for (i = 0; i < 3; i++) {
		a[i].x = self->x;
		a[i].sem = s;
		a[i].ret = 1;
		ASSERT_EQ(0, pthread_create(&t[i], NULL, gate_waiter, &a[i]));
	}
	ASSERT_EQ(0, XT_WAIT_INFO(self->x, s, in, in.u.sem.waiters == 3,
				  5000));
	ASSERT_EQ(0, xm_sem_signal(self->x, s, 0));
	for (i = 0; i < 3; i++) {
		pthread_join(t[i], NULL);
		ASSERT_EQ(0, a[i].ret);
	}
	ASSERT_EQ(0, xm_destroy(self->x, s));
}

TEST_F(lib, destroy_wakes_waiters)
{
	struct gate_arg a = { self->x, 0, 1 };
	struct xmsg_info in;
	pthread_t t;

	a.sem = xm_sem_create(self->x, NULL, XMSG_SEM_KIND_COUNT, 0, 0, 0600,
			      0);
	ASSERT_LT(0, a.sem);
	ASSERT_EQ(0, pthread_create(&t, NULL, gate_waiter, &a));
	ASSERT_EQ(0, XT_WAIT_INFO(self->x, a.sem, in, in.u.sem.waiters == 1,
				  5000));
	ASSERT_EQ(0, xm_destroy(self->x, a.sem));
	pthread_join(t, NULL);
	ASSERT_EQ(-EIDRM, a.ret);
}

/* poll */

TEST_F(lib, poll_fd)
{
	struct xm_msg m, r = { 0 };
	int fd, sfd, s;

	fd = xm_poll_fd(self->x, self->xchg, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, xm_poll_wait(fd, 0));
	ASSERT_EQ(0, xm_msg_get(self->x, self->pool, &m));
	ASSERT_EQ(0, xm_send(self->x, self->xchg, m.handle, 0, 0, 0));
	ASSERT_EQ(1, xm_poll_wait(fd, 1000));
	ASSERT_EQ(0, xm_recv(self->x, self->xchg, XM_NOWAIT, 0, &r));
	ASSERT_EQ(0, xm_poll_wait(fd, 0));
	ASSERT_EQ(0, xm_msg_rel(self->x, r.handle));

	s = xm_sem_create(self->x, NULL, XMSG_SEM_KIND_COUNT, 0, 0, 0600, 0);
	ASSERT_LT(0, s);
	sfd = xm_poll_fd(self->x, s, 0);
	ASSERT_LE(0, sfd);
	ASSERT_EQ(0, xm_poll_wait(sfd, 0));
	ASSERT_EQ(0, xm_sem_signal(self->x, s, 0));
	ASSERT_EQ(1, xm_poll_wait(sfd, 1000));
	/* the fd outlives the handle; destroy shows as an error */
	ASSERT_EQ(0, xm_destroy(self->x, s));
	ASSERT_EQ(-EIDRM, xm_poll_wait(sfd, 1000));
	close(sfd);
	close(fd);
	ASSERT_EQ(-EINVAL, xm_poll_fd(self->x, self->pool, 0));
	ASSERT_EQ(-EBADF, xm_poll_fd(self->x, 12345, 0));
}

TEST_F(lib, epoll_many)
{
	struct epoll_event ev, out[4];
	char n[XMSG_NAME_MAX];
	int x[3], fd[3], ep, i;
	struct xm_msg m;

	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	for (i = 0; i < 3; i++) {
		char tag[8];

		snprintf(tag, sizeof(tag), "e%d", i);
		x[i] = xm_xchg_create(self->x, xt_name(n, tag),
				      XMSG_XCHG_KIND_NORMAL, 0, 0600,
				      XMSG_CREATE_EXCL);
		ASSERT_LT(0, x[i]);
		fd[i] = xm_poll_fd(self->x, x[i], 0);
		ASSERT_LE(0, fd[i]);
		ev.events = EPOLLIN;
		ev.data.u32 = i;
		ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, fd[i], &ev));
	}
	ASSERT_EQ(0, epoll_wait(ep, out, 4, 0));
	ASSERT_EQ(0, xm_msg_get(self->x, self->pool, &m));
	ASSERT_EQ(0, xm_send(self->x, x[1], m.handle, 0, 0, 0));
	ASSERT_EQ(1, epoll_wait(ep, out, 4, 1000));
	ASSERT_EQ(1U, out[0].data.u32);
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, xm_destroy(self->x, x[i]));	/* frees m */
		close(fd[i]);
	}
	close(ep);
	ASSERT_EQ((uint64_t)NBLK, pool_free(self));
}

TEST_HARNESS_MAIN
