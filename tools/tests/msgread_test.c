// SPDX-License-Identifier: GPL-2.0
/*
 * XMSG_IOC_MSG_READ (libxmsg xm_msg_read()): copy-out read of a message
 * body.  Whole bodies and slices, proxies, a receiver without a handle of
 * the body's pool (XMSG_MSGF_NOPOOL, no mapping), and every documented
 * error.  The zero-copy NIC receive path (external skb bodies) is tested
 * in nic_user_test.
 */
#include <stdint.h>
#include <sys/ioctl.h>
#include "kselftest_harness.h"
#include "xm_test.h"

#define BS	256
#define NBLK	4

FIXTURE(rd) {
	struct xm *x;
	int pool, xchg;
	struct xm_msg m;
	char pname[XMSG_NAME_MAX], xname[XMSG_NAME_MAX];
};

static void fill(unsigned char *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(i * 13 + seed);
}

FIXTURE_SETUP(rd)
{
	ASSERT_EQ(0, xm_open(&self->x, NULL)) TH_LOG("no /dev/xmsg?");
	self->pool = xm_pool_create(self->x, xt_name(self->pname, "rdpool"),
				    BS, NBLK, 0600, XMSG_CREATE_EXCL);
	ASSERT_LT(0, self->pool);
	self->xchg = xm_xchg_create(self->x, xt_name(self->xname, "rdxchg"),
				    XMSG_XCHG_KIND_NORMAL, 0, 0600,
				    XMSG_CREATE_EXCL);
	ASSERT_LT(0, self->xchg);
	ASSERT_EQ(0, xm_msg_get(self->x, self->pool, &self->m));
	ASSERT_NE(NULL, self->m.body);
	ASSERT_EQ((uint64_t)BS, self->m.length);
	fill(self->m.body, BS, 5);
}

FIXTURE_TEARDOWN(rd)
{
	if (!self->x)
		return;
	xm_close(self->x);	/* releases messages, destroys nothing named */
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

/* The raw ioctl, for the fields libxmsg never sets. */
static int rd_ioctl(struct xm *x, struct xmsg_msg_read *rd)
{
	return ioctl(xm_fd(x), XMSG_IOC_MSG_READ, rd) ? -errno : 0;
}

static void rd_init(struct xmsg_msg_read *rd, uint32_t h, void *buf,
		    uint64_t off, uint64_t len)
{
	memset(rd, 0, sizeof(*rd));
	rd->size = sizeof(*rd);
	rd->handle = h;
	rd->offset = off;
	rd->length = len;
	rd->buf = (uintptr_t)buf;
}

TEST_F(rd, feature_bit)
{
	struct xmsg_features f;

	ASSERT_EQ(0, xm_features(self->x, &f));
	EXPECT_NE(0, !!(f.features & XMSG_FEAT_MSG_READ));
}

TEST_F(rd, whole_body)
{
	unsigned char buf[BS + 8];

	memset(buf, 0xee, sizeof(buf));
	ASSERT_EQ(0, xm_msg_read(self->x, self->m.handle, 0, buf, BS));
	EXPECT_EQ(0, memcmp(buf, self->m.body, BS));
	EXPECT_EQ(0xee, buf[BS]);	/* not one byte more */
}

TEST_F(rd, slices)
{
	unsigned char buf[BS];
	unsigned int off, len;

	for (off = 0; off < BS; off += 37) {
		len = BS - off > 50 ? 50 : BS - off;
		memset(buf, 0, sizeof(buf));
		ASSERT_EQ(0, xm_msg_read(self->x, self->m.handle, off, buf,
					 len));
		ASSERT_EQ(0, memcmp(buf, (char *)self->m.body + off, len))
			TH_LOG("offset %u", off);
	}
	/* the last byte alone */
	ASSERT_EQ(0, xm_msg_read(self->x, self->m.handle, BS - 1, buf, 1));
	EXPECT_EQ(((unsigned char *)self->m.body)[BS - 1], buf[0]);
}

/* Length 0 copies nothing and touches no buffer, even at the very end. */
TEST_F(rd, zero_length)
{
	EXPECT_EQ(0, xm_msg_read(self->x, self->m.handle, 0, NULL, 0));
	EXPECT_EQ(0, xm_msg_read(self->x, self->m.handle, BS, NULL, 0));
}

TEST_F(rd, erange)
{
	unsigned char buf[BS + 1];
	uint32_t h = self->m.handle;

	EXPECT_EQ(-ERANGE, xm_msg_read(self->x, h, 0, buf, BS + 1));
	EXPECT_EQ(-ERANGE, xm_msg_read(self->x, h, 1, buf, BS));
	EXPECT_EQ(-ERANGE, xm_msg_read(self->x, h, BS, buf, 1));
	EXPECT_EQ(-ERANGE, xm_msg_read(self->x, h, BS + 1, buf, 0));
	EXPECT_EQ(-ERANGE, xm_msg_read(self->x, h, UINT64_MAX, buf, 1));
	EXPECT_EQ(-ERANGE, xm_msg_read(self->x, h, 1, buf, UINT64_MAX));
	EXPECT_EQ(-ERANGE, xm_msg_read(self->x, h, UINT64_MAX, buf,
				       UINT64_MAX));
	/* the message is untouched and still ours */
	EXPECT_EQ(0, xm_msg_read(self->x, h, 0, buf, BS));
	EXPECT_EQ(0, memcmp(buf, self->m.body, BS));
}

TEST_F(rd, einval_fields)
{
	struct xmsg_msg_read r;
	unsigned char buf[BS];

	rd_init(&r, self->m.handle, buf, 0, 8);
	EXPECT_EQ(0, rd_ioctl(self->x, &r));
	r.flags = 1;
	EXPECT_EQ(-EINVAL, rd_ioctl(self->x, &r));
	r.flags = 0x80000000;
	EXPECT_EQ(-EINVAL, rd_ioctl(self->x, &r));
	rd_init(&r, self->m.handle, buf, 0, 8);
	r.pad = 1;
	EXPECT_EQ(-EINVAL, rd_ioctl(self->x, &r));
	rd_init(&r, self->m.handle, buf, 0, 8);
	r.reserved[0] = 1;
	EXPECT_EQ(-EINVAL, rd_ioctl(self->x, &r));
	rd_init(&r, self->m.handle, buf, 0, 8);
	r.reserved[1] = 1;
	EXPECT_EQ(-EINVAL, rd_ioctl(self->x, &r));
	rd_init(&r, self->m.handle, buf, 0, 8);
	r.size = sizeof(r) - 8;	/* != _IOC_SIZE(cmd) */
	EXPECT_EQ(-EINVAL, rd_ioctl(self->x, &r));
}

/* Handles: unknown -EBADF, not a message -EINVAL. */
TEST_F(rd, handles)
{
	unsigned char buf[8];
	struct xm_msg b;

	EXPECT_EQ(-EBADF, xm_msg_read(self->x, 0, 0, buf, 1));
	EXPECT_EQ(-EBADF, xm_msg_read(self->x, 12345, 0, buf, 1));
	EXPECT_EQ(-EINVAL, xm_msg_read(self->x, self->pool, 0, buf, 1));
	EXPECT_EQ(-EINVAL, xm_msg_read(self->x, self->xchg, 0, buf, 1));
	ASSERT_EQ(0, xm_block_get(self->x, self->pool, &b));
	EXPECT_EQ(-EINVAL, xm_msg_read(self->x, b.handle, 0, buf, 1));
	EXPECT_EQ(0, xm_block_rel(self->x, b.handle));
	ASSERT_EQ(0, xm_bcb_get(self->x, self->pool, &b));
	EXPECT_EQ(-EINVAL, xm_msg_read(self->x, b.handle, 0, buf, 1));
	EXPECT_EQ(0, xm_bcb_rel(self->x, b.handle));
	/* a released message's handle is gone */
	ASSERT_EQ(0, xm_msg_get(self->x, self->pool, &b));
	ASSERT_EQ(0, xm_msg_rel(self->x, b.handle));
	EXPECT_EQ(-EBADF, xm_msg_read(self->x, b.handle, 0, buf, 1));
}

/* A bad buffer: -EFAULT, and the message is still ours, unchanged. */
TEST_F(rd, efault)
{
	unsigned char buf[BS];

	EXPECT_EQ(-EFAULT, xm_msg_read(self->x, self->m.handle, 0,
				       (void *)16, 8));
	EXPECT_EQ(-EFAULT, xm_msg_read(self->x, self->m.handle, 0,
				       (void *)(uintptr_t)-4096, 8));
	ASSERT_EQ(0, xm_msg_read(self->x, self->m.handle, 0, buf, BS));
	EXPECT_EQ(0, memcmp(buf, self->m.body, BS));
	EXPECT_EQ(0, xm_msg_rel(self->x, self->m.handle));
}

/* A proxy reads its own slice; it outlives the real message. */
TEST_F(rd, proxy)
{
	unsigned char buf[BS];
	unsigned char want[32];
	struct xm_msg p;

	memcpy(want, (char *)self->m.body + 16, 32);
	ASSERT_EQ(0, xm_msg_proxy(self->x, self->m.handle, 16, 32, &p));
	ASSERT_EQ((uint64_t)32, p.length);
	ASSERT_EQ(0, xm_msg_read(self->x, p.handle, 0, buf, 32));
	EXPECT_EQ(0, memcmp(buf, want, 32));
	EXPECT_EQ(-ERANGE, xm_msg_read(self->x, p.handle, 0, buf, 33));
	EXPECT_EQ(-ERANGE, xm_msg_read(self->x, p.handle, 32, buf, 1));
	ASSERT_EQ(0, xm_msg_rel(self->x, self->m.handle));
	memset(buf, 0, sizeof(buf));
	ASSERT_EQ(0, xm_msg_read(self->x, p.handle, 8, buf, 24));
	EXPECT_EQ(0, memcmp(buf, want + 8, 24));
	EXPECT_EQ(0, xm_msg_rel(self->x, p.handle));
}

/*
 * A receiver with no handle of the body's pool gets XMSG_MSGF_NOPOOL and
 * no mapping; it reads the bytes with a copy.  Another file's message
 * handle means nothing to it.
 */
TEST_F(rd, receiver_without_pool)
{
	unsigned char want[BS], buf[BS];
	struct xm_msg r;
	struct xm *y;
	int xchg;

	memcpy(want, self->m.body, BS);
	ASSERT_EQ(0, xm_open(&y, NULL));
	xchg = xm_xchg_open(y, self->xname, XMSG_ACC_READ);
	ASSERT_LT(0, xchg);
	EXPECT_EQ(-EBADF, xm_msg_read(y, self->m.handle + 100, 0, buf, 1));
	ASSERT_EQ(0, xm_send(self->x, self->xchg, self->m.handle, 0, 0, 0));
	ASSERT_EQ(0, xm_recv(y, xchg, XM_MS(1000), 0, &r));
	EXPECT_NE(0, !!(r.flags & XMSG_MSGF_NOPOOL));
	EXPECT_EQ(NULL, r.body);
	ASSERT_EQ((uint64_t)BS, r.length);
	ASSERT_EQ(0, xm_msg_read(y, r.handle, 0, buf, BS));
	EXPECT_EQ(0, memcmp(buf, want, BS));
	EXPECT_EQ(0, xm_msg_rel(y, r.handle));
	xm_close(y);
}

/* XMSG_IOC_MSG_SET_LENGTH: what receivers, proxies and reads then see. */
TEST_F(rd, set_length)
{
	struct xmsg_msg_length ml;
	struct xm_msg got, px, info;
	unsigned char buf[BS];

	ASSERT_EQ(0, xm_msg_set_length(self->x, self->m.handle, 100));
	ASSERT_EQ(0, xm_msg_info(self->x, self->m.handle, &info));
	EXPECT_EQ(100u, info.length);
	EXPECT_EQ(-ERANGE, xm_msg_read(self->x, self->m.handle, 0, buf, 101));
	EXPECT_EQ(0, xm_msg_read(self->x, self->m.handle, 0, buf, 100));
	/* a proxy of the whole message is 100 bytes */
	ASSERT_EQ(0, xm_msg_proxy(self->x, self->m.handle, 0, 0, &px));
	EXPECT_EQ(100u, px.length);
	EXPECT_EQ(-EINVAL, xm_msg_set_length(self->x, px.handle, 10))
		TH_LOG("a proxy's slice is fixed");
	EXPECT_EQ(0, xm_msg_rel(self->x, px.handle));
	/* the receiver sees the length */
	ASSERT_EQ(0, xm_send(self->x, self->xchg, self->m.handle, 0, 0, 0));
	ASSERT_EQ(0, xm_recv(self->x, self->xchg, XM_NOWAIT, 0, &got));
	EXPECT_EQ(100u, got.length);
	ASSERT_NE(NULL, got.body);
	EXPECT_EQ(0, memcmp(got.body, buf, 100));
	/* back to the whole block, beyond it, and 0 */
	EXPECT_EQ(0, xm_msg_set_length(self->x, got.handle, BS));
	EXPECT_EQ(-ERANGE, xm_msg_set_length(self->x, got.handle, 1ULL << 33));
	EXPECT_EQ(0, xm_msg_set_length(self->x, got.handle, 0));
	ASSERT_EQ(0, xm_msg_info(self->x, got.handle, &info));
	EXPECT_EQ(0u, info.length);
	EXPECT_EQ(-EBADF, xm_msg_set_length(self->x, 999, 1));
	EXPECT_EQ(-EINVAL, xm_msg_set_length(self->x, self->pool, 1))
		TH_LOG("not a message handle");
	memset(&ml, 0, sizeof(ml));
	ml.size = sizeof(ml);
	ml.handle = got.handle;
	ml.flags = 1;
	EXPECT_EQ(-1, ioctl(xm_fd(self->x), XMSG_IOC_MSG_SET_LENGTH, &ml));
	EXPECT_EQ(EINVAL, errno);
	ml.flags = 0;
	ml.reserved[1] = 1;
	EXPECT_EQ(-1, ioctl(xm_fd(self->x), XMSG_IOC_MSG_SET_LENGTH, &ml));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, xm_msg_rel(self->x, got.handle));
}

int main(int argc, char **argv)
{
	if (!xt_have_device()) {
		printf("1..0 # SKIP no /dev/xmsg\n");
		return KSFT_SKIP;
	}
	return test_harness_run(argc, argv);
}
