// SPDX-License-Identifier: GPL-2.0
/*
 * Moving a queued message to another priority (XMSG_IOC_XCHG_BUMP) through
 * /dev/xmsg and libxmsg: messages sent with a tag (xmsg_send.tag) are found
 * by it and queued again at the new priority, behind those already there;
 * the receiver sees the tag (xmsg_recv.tag) and the new priority.  A
 * message received, cleared or never sent is not found (-ENOENT); a read
 * handle (-EACCES) or a reply handle (-EPERM) may not bump, another
 * process with the write right may; every bad argument gets its errno and
 * changes nothing.
 */
#include <sys/ioctl.h>
#include "kselftest_harness.h"
#include "xm_test.h"

#define BS	64

FIXTURE(bump) {
	struct xm *x;
	int pool, xchg, pass, bcast;
	char n_pool[XMSG_NAME_MAX], n_xchg[XMSG_NAME_MAX];
	char n_pass[XMSG_NAME_MAX], n_bcast[XMSG_NAME_MAX];
};

FIXTURE_SETUP(bump)
{
	struct xmsg_features f;

	if (!xt_have_device())
		SKIP(return, "no /dev/xmsg");
	ASSERT_EQ(0, xm_open(&self->x, NULL));
	ASSERT_EQ(0, xm_features(self->x, &f));
	if (!(f.features & XMSG_FEAT_BUMP))
		SKIP(return, "kernel without XMSG_FEAT_BUMP");
	self->pool = xm_pool_create(self->x, xt_name(self->n_pool, "pool"),
				    BS, 16, 0644, XMSG_CREATE_EXCL);
	ASSERT_LT(0, self->pool);
	self->xchg = xm_xchg_create(self->x, xt_name(self->n_xchg, "q"),
				    XMSG_XCHG_KIND_NORMAL, 0, 0644,
				    XMSG_CREATE_EXCL);
	ASSERT_LT(0, self->xchg);
	self->pass = xm_xchg_create(self->x, xt_name(self->n_pass, "pass"),
				    XMSG_XCHG_KIND_PASS, 0, 0644,
				    XMSG_CREATE_EXCL);
	ASSERT_LT(0, self->pass);
	self->bcast = xm_xchg_create(self->x, xt_name(self->n_bcast, "bc"),
				     XMSG_XCHG_KIND_BCAST, 0, 0644,
				     XMSG_CREATE_EXCL);
	ASSERT_LT(0, self->bcast);
}

FIXTURE_TEARDOWN(bump)
{
	if (!self->x)
		return;
	xm_destroy(self->x, self->bcast);
	xm_destroy(self->x, self->pass);
	xm_destroy(self->x, self->xchg);
	xm_pool_destroy(self->x, self->pool);
	xm_close(self->x);
}

/* A message of @pool whose body starts with @id; its handle or -errno. */
static int new_msg(struct xm *x, int pool, uint32_t id)
{
	struct xm_msg m;
	int ret = xm_msg_get(x, pool, &m);

	if (ret)
		return ret;
	if (!m.body)
		return -ENOMEM;
	memcpy(m.body, &id, sizeof(id));
	return (int)m.handle;
}

/* Send message @id at @prio with tag 100 + @id. */
static int send_id(struct xm *x, int pool, int xchg, uint32_t id,
		   uint32_t prio)
{
	int h = new_msg(x, pool, id);

	if (h < 0)
		return h;
	return xm_send_tagged(x, xchg, h, prio, 0, 0, 100 + id);
}

/*
 * Receive the next message (without waiting): 0 when its body id,
 * priority and tag are @id, @prio and @tag, else what differs (> 0) or
 * -errno.
 */
static int recv_is(struct xm *x, int xchg, uint32_t id, uint32_t prio,
		   uint64_t tag)
{
	struct xm_msg m = { 0 };
	uint64_t got_tag = ~0ULL;
	uint32_t got_id = ~0U;
	int ret;

	ret = xm_recv_tagged(x, xchg, XM_NOWAIT, 0, &m, &got_tag);
	if (ret)
		return ret;
	if (m.body)
		memcpy(&got_id, m.body, sizeof(got_id));
	xm_msg_rel(x, m.handle);
	if (got_id != id)
		return 1;
	if (m.prio != prio)
		return 2;
	return got_tag == tag ? 0 : 3;
}

static int raw_bump(struct xm *x, struct xmsg_bump *b)
{
	return ioctl(xm_fd(x), XMSG_IOC_XCHG_BUMP, b) ? -errno : 0;
}

static void bump_init(struct xmsg_bump *b, uint32_t xchg, uint64_t tag,
		      uint32_t prio)
{
	memset(b, 0, sizeof(*b));
	b->size = sizeof(*b);
	b->xchg = xchg;
	b->tag = tag;
	b->prio = prio;
}

TEST_F(bump, order)
{
	uint32_t id;

	/* ids 1, 2 at 2; 3, 4 at 5; 5 at 0 */
	for (id = 1; id <= 5; id++)
		ASSERT_EQ(0, send_id(self->x, self->pool, self->xchg, id,
				     id <= 2 ? 2 : id <= 4 ? 5 : 0));
	/* up: the lowest goes first */
	ASSERT_EQ(0, xm_xchg_bump(self->x, self->xchg, 105, 9));
	/* down: behind everything else */
	ASSERT_EQ(0, xm_xchg_bump(self->x, self->xchg, 103, 1));
	/* to a priority in use: behind the message already there (4) */
	ASSERT_EQ(0, xm_xchg_bump(self->x, self->xchg, 101, 5));
	/* to its own priority: to the back of it (behind 1) */
	ASSERT_EQ(0, xm_xchg_bump(self->x, self->xchg, 104, 5));
	EXPECT_EQ(0, recv_is(self->x, self->xchg, 5, 9, 105));
	EXPECT_EQ(0, recv_is(self->x, self->xchg, 1, 5, 101));
	EXPECT_EQ(0, recv_is(self->x, self->xchg, 4, 5, 104));
	EXPECT_EQ(0, recv_is(self->x, self->xchg, 2, 2, 102));
	EXPECT_EQ(0, recv_is(self->x, self->xchg, 3, 1, 103));
	EXPECT_EQ(-EAGAIN, recv_is(self->x, self->xchg, 0, 0, 0));
}

TEST_F(bump, same_tag_moves_the_first)
{
	int h;

	/* two messages with tag 106: the one a receive takes first moves */
	ASSERT_EQ(0, send_id(self->x, self->pool, self->xchg, 6, 3));
	ASSERT_EQ(0, send_id(self->x, self->pool, self->xchg, 7, 4));
	h = new_msg(self->x, self->pool, 8);
	ASSERT_LT(0, h);
	ASSERT_EQ(0, xm_send_tagged(self->x, self->xchg, h, 4, 0, 0, 106));
	ASSERT_EQ(0, xm_xchg_bump(self->x, self->xchg, 106, 3));
	EXPECT_EQ(0, recv_is(self->x, self->xchg, 7, 4, 107));
	EXPECT_EQ(0, recv_is(self->x, self->xchg, 6, 3, 106));
	EXPECT_EQ(0, recv_is(self->x, self->xchg, 8, 3, 106));
}

TEST_F(bump, pass_exchange_passes_the_new_priority)
{
	ASSERT_EQ(0, send_id(self->x, self->pool, self->pass, 1, 3));
	ASSERT_EQ(0, send_id(self->x, self->pool, self->pass, 2, 7));
	ASSERT_EQ(0, xm_xchg_bump(self->x, self->pass, 101, 20));
	EXPECT_EQ(0, recv_is(self->x, self->pass, 1, 20, 101));
	EXPECT_EQ(0, recv_is(self->x, self->pass, 2, 7, 102));
}

TEST_F(bump, not_queued_is_enoent)
{
	struct xm_msg m = { 0 };
	uint64_t tag = 0;

	EXPECT_EQ(-ENOENT, xm_xchg_bump(self->x, self->xchg, 101, 3));
	ASSERT_EQ(0, send_id(self->x, self->pool, self->xchg, 1, 2));
	EXPECT_EQ(-ENOENT, xm_xchg_bump(self->x, self->xchg, 102, 3));
	/* received: gone from the queue, the receiver saw the tag */
	ASSERT_EQ(0, xm_recv_tagged(self->x, self->xchg, XM_NOWAIT, 0, &m,
				    &tag));
	EXPECT_EQ(101ULL, tag);
	EXPECT_EQ(-ENOENT, xm_xchg_bump(self->x, self->xchg, 101, 3));
	/* sent on untagged: the old tag does not follow it */
	ASSERT_EQ(0, xm_send(self->x, self->xchg, m.handle, 4, 0, 0));
	EXPECT_EQ(-ENOENT, xm_xchg_bump(self->x, self->xchg, 101, 3));
	EXPECT_EQ(0, recv_is(self->x, self->xchg, 1, 4, 0));
	/* cleared: gone */
	ASSERT_EQ(0, send_id(self->x, self->pool, self->xchg, 2, 2));
	ASSERT_EQ(0, xm_xchg_clear(self->x, self->xchg));
	EXPECT_EQ(-ENOENT, xm_xchg_bump(self->x, self->xchg, 102, 3));
}

TEST_F(bump, recv_tag_in_is_ignored)
{
	struct xmsg_recv r;

	ASSERT_EQ(0, send_id(self->x, self->pool, self->xchg, 1, 2));
	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	r.xchg = self->xchg;
	r.tag = 12345;		/* out only */
	ASSERT_EQ(0, ioctl(xm_fd(self->x), XMSG_IOC_RECV, &r));
	EXPECT_EQ(101ULL, r.tag);
	EXPECT_EQ(2u, r.prio);
	/* still reserved after it */
	ASSERT_EQ(0, send_id(self->x, self->pool, self->xchg, 2, 2));
	r.reserved[0] = 1;
	EXPECT_EQ(-1, ioctl(xm_fd(self->x), XMSG_IOC_RECV, &r));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(0, recv_is(self->x, self->xchg, 2, 2, 102));
}

TEST_F(bump, rights)
{
	struct xm_msg m = { 0 };
	int ro, h;

	ASSERT_EQ(0, send_id(self->x, self->pool, self->xchg, 1, 2));
	ASSERT_EQ(0, send_id(self->x, self->pool, self->xchg, 2, 2));
	/* a read-only handle */
	ro = xm_xchg_open(self->x, self->n_xchg, XMSG_ACC_READ);
	ASSERT_LT(0, ro);
	EXPECT_EQ(-EACCES, xm_xchg_bump(self->x, ro, 102, 9));
	/* a reply handle (write right, handed over by a peer) */
	h = new_msg(self->x, self->pool, 3);
	ASSERT_LT(0, h);
	ASSERT_EQ(0, xm_send(self->x, self->pass, h, 0, self->xchg, 0));
	ASSERT_EQ(0, xm_recv(self->x, self->pass, XM_NOWAIT, 0, &m));
	ASSERT_LT(0u, m.reply);
	EXPECT_EQ(-EPERM, xm_xchg_bump(self->x, m.reply, 102, 9));
	/* nothing moved */
	EXPECT_EQ(0, recv_is(self->x, self->xchg, 1, 2, 101));
	EXPECT_EQ(0, recv_is(self->x, self->xchg, 2, 2, 102));
	xm_handle_close(self->x, m.reply);
	xm_msg_rel(self->x, m.handle);
	xm_handle_close(self->x, ro);
}

/* Not the sender: another process with the write right. */
TEST_F(bump, another_process)
{
	pid_t pid;

	ASSERT_EQ(0, send_id(self->x, self->pool, self->xchg, 1, 2));
	ASSERT_EQ(0, send_id(self->x, self->pool, self->xchg, 2, 2));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct xm *x;
		int h;

		CHILD_CHECK(xm_open(&x, NULL) == 0, 10);
		h = xm_xchg_open(x, self->n_xchg, XMSG_ACC_WRITE);
		CHILD_CHECK(h > 0, 11);
		CHILD_CHECK(xm_xchg_bump(x, h, 102, 6) == 0, 12);
		CHILD_CHECK(xm_xchg_bump(x, h, 109, 6) == -ENOENT, 13);
		xm_close(x);
		_exit(0);
	}
	ASSERT_EQ(0, xt_wait(pid));
	EXPECT_EQ(0, recv_is(self->x, self->xchg, 2, 6, 102));
	EXPECT_EQ(0, recv_is(self->x, self->xchg, 1, 2, 101));
}

TEST_F(bump, bad_arguments_change_nothing)
{
	struct xmsg_bump b;
	int h, other;

	ASSERT_EQ(0, send_id(self->x, self->pool, self->xchg, 1, 2));
	ASSERT_EQ(0, send_id(self->x, self->pool, self->xchg, 2, 2));
	bump_init(&b, self->xchg, 102, 9);
	b.tag = 0;
	EXPECT_EQ(-EINVAL, raw_bump(self->x, &b));
	bump_init(&b, self->xchg, 102, XMSG_MSG_PRIO_MAX + 1);
	EXPECT_EQ(-EINVAL, raw_bump(self->x, &b));
	bump_init(&b, self->xchg, 102, 9);
	b.flags = 1;
	EXPECT_EQ(-EINVAL, raw_bump(self->x, &b));
	bump_init(&b, self->xchg, 102, 9);
	b.reserved[0] = 1;
	EXPECT_EQ(-EINVAL, raw_bump(self->x, &b));
	bump_init(&b, self->xchg, 102, 9);
	b.reserved[1] = 1;
	EXPECT_EQ(-EINVAL, raw_bump(self->x, &b));
	bump_init(&b, self->xchg, 102, 9);
	b.size = 8;
	EXPECT_EQ(-EINVAL, raw_bump(self->x, &b));
	bump_init(&b, 777, 102, 9);
	EXPECT_EQ(-EBADF, raw_bump(self->x, &b));
	bump_init(&b, 0, 102, 9);
	EXPECT_EQ(-EBADF, raw_bump(self->x, &b));
	/* not an exchange; a broadcast exchange */
	EXPECT_EQ(-EINVAL, xm_xchg_bump(self->x, self->pool, 102, 9));
	EXPECT_EQ(-EINVAL, xm_xchg_bump(self->x, self->bcast, 102, 9));
	/* a tag to a broadcast exchange: refused, the message stays ours */
	h = new_msg(self->x, self->pool, 3);
	ASSERT_LT(0, h);
	EXPECT_EQ(-EINVAL, xm_send_tagged(self->x, self->bcast, h, 0, 0, 0,
					  103));
	EXPECT_EQ(0, xm_msg_rel(self->x, h));
	/* nothing moved */
	EXPECT_EQ(0, recv_is(self->x, self->xchg, 1, 2, 101));
	EXPECT_EQ(0, recv_is(self->x, self->xchg, 2, 2, 102));

	/* destroyed, through another handle */
	other = xm_xchg_open(self->x, self->n_pass, XMSG_ACC_RDWR);
	ASSERT_LT(0, other);
	ASSERT_EQ(0, xm_destroy(self->x, self->pass));
	EXPECT_EQ(-EIDRM, xm_xchg_bump(self->x, other, 101, 3));
	self->pass = other;	/* the teardown's destroy fails: harmless */
}

TEST_HARNESS_MAIN
