// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: xmsg messages (get, make, make_ext, unmake, release, owners,
 * reply handles).
 */
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <xmsg/mm.h>

struct ctx {
	struct xmsg_pool *pool;
	struct xmsg_heap *heap;
	struct xmsg_owner owner;
	struct xmsg_owner other;
	int ext_released;
	int reply_puts;
	void *last_put;
};

static int msg_init(struct kunit *test)
{
	struct xmsg_pool_params p = {
		.name = "kunit-msg", .block_size = 100, .count = 4,
	};
	struct ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	if (!c)
		return -ENOMEM;
	c->pool = xmsg_pool_create(&p);
	if (IS_ERR(c->pool))
		return PTR_ERR(c->pool);
	c->heap = xmsg_heap_create("kunit-msg", 4096, 6);
	if (IS_ERR(c->heap)) {
		xmsg_pool_destroy(c->pool);
		return PTR_ERR(c->heap);
	}
	xmsg_owner_init(&c->owner, "kunit-msg");
	xmsg_owner_init(&c->other, "kunit-msg-other");
	test->priv = c;
	return 0;
}

static void msg_exit(struct kunit *test)
{
	struct ctx *c = test->priv;

	xmsg_owner_release_all(&c->owner);
	xmsg_owner_release_all(&c->other);
	KUNIT_EXPECT_EQ(test, xmsg_pool_destroy(c->pool), 0);
	KUNIT_EXPECT_EQ(test, xmsg_heap_destroy(c->heap), 0);
}

static u64 in_use(struct xmsg_pool *pool)
{
	struct xmsg_pool_stats st;

	xmsg_pool_get_stats(pool, &st);
	return st.in_use;
}

static void ext_release(void *ctx)
{
	struct ctx *c = ctx;

	c->ext_released++;
}

static void reply_put(void *reply)
{
	struct ctx *c = *(struct ctx **)reply;

	c->reply_puts++;
	c->last_put = reply;
}

static void msg_get_rel(struct kunit *test)
{
	struct ctx *c = test->priv;
	struct xmsg_msg *msg = xmsg_msg_get(c->pool, &c->owner, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, msg);
	KUNIT_EXPECT_EQ(test, msg->origin, XMSG_ORIGIN_POOL);
	KUNIT_EXPECT_PTR_EQ(test, msg->pool, c->pool);
	KUNIT_EXPECT_EQ(test, msg->size, (size_t)128);
	KUNIT_EXPECT_TRUE(test, xmsg_pool_owns(c->pool, msg->body, msg->size));
	KUNIT_EXPECT_PTR_EQ(test, msg->owner, &c->owner);
	KUNIT_EXPECT_EQ(test, msg->prio, 0);
	KUNIT_EXPECT_FALSE(test, msg->released);
	KUNIT_EXPECT_NULL(test, msg->reply);
	KUNIT_EXPECT_EQ(test, refcount_read(&msg->body_ref), 1);
	KUNIT_EXPECT_EQ(test, c->owner.nr, 1UL);
	KUNIT_EXPECT_EQ(test, in_use(c->pool), 1ULL);
	KUNIT_EXPECT_EQ(test, xmsg_msg_rel(msg), 0);
	KUNIT_EXPECT_EQ(test, in_use(c->pool), 0ULL);
	KUNIT_EXPECT_EQ(test, c->owner.nr, 0UL);
	KUNIT_EXPECT_TRUE(test, list_empty(&c->owner.msgs));
}

static void msg_get_einval(struct kunit *test)
{
	struct ctx *c = test->priv;

	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_msg_get(NULL, &c->owner,
						   GFP_KERNEL)), -EINVAL);
}

static void msg_get_enomem(struct kunit *test)
{
	struct ctx *c = test->priv;
	struct xmsg_msg *m[4];
	int i;

	for (i = 0; i < 4; i++) {
		m[i] = xmsg_msg_get(c->pool, NULL, GFP_KERNEL);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, m[i]);
	}
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_msg_get(c->pool, &c->owner,
						   GFP_KERNEL)), -ENOMEM);
	KUNIT_EXPECT_EQ(test, c->owner.nr, 0UL);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, xmsg_msg_rel(m[i]), 0);
	KUNIT_EXPECT_EQ(test, in_use(c->pool), 0ULL);
}

static void msg_rel_einval(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, xmsg_msg_rel(NULL), -EINVAL);
}

static void msg_make_unmake(struct kunit *test)
{
	struct ctx *c = test->priv;
	struct xmsg_pool *pool = NULL;
	struct xmsg_msg *msg;
	void *dbp = xmsg_block_get(c->pool);

	KUNIT_ASSERT_NOT_NULL(test, dbp);
	memset(dbp, 0x3c, 128);
	msg = xmsg_msg_make(c->pool, dbp, &c->owner, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, msg);
	KUNIT_EXPECT_PTR_EQ(test, msg->body, dbp);
	KUNIT_EXPECT_EQ(test, msg->origin, XMSG_ORIGIN_POOL);
	KUNIT_EXPECT_PTR_EQ(test, msg->pool, c->pool);
	KUNIT_EXPECT_EQ(test, ((u8 *)msg->body)[127], 0x3c);
	KUNIT_EXPECT_EQ(test, in_use(c->pool), 1ULL);
	KUNIT_EXPECT_EQ(test, c->owner.nr, 1UL);
	KUNIT_EXPECT_PTR_EQ(test, xmsg_msg_unmake(msg, &pool), dbp);
	KUNIT_EXPECT_PTR_EQ(test, pool, c->pool);
	KUNIT_EXPECT_EQ(test, c->owner.nr, 0UL);
	KUNIT_EXPECT_EQ(test, in_use(c->pool), 1ULL);
	/* a got message unmakes too, and the block goes home as bare */
	msg = xmsg_msg_get(c->pool, NULL, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, msg);
	dbp = xmsg_msg_unmake(msg, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(dbp));
	KUNIT_EXPECT_EQ(test, xmsg_block_rel(c->pool, dbp), 0);
	KUNIT_EXPECT_EQ(test, xmsg_block_rel(pool, xmsg_pool_block_at(pool, 0)),
			0);
	KUNIT_EXPECT_EQ(test, in_use(c->pool), 0ULL);
}

static void msg_make_einval(struct kunit *test)
{
	struct ctx *c = test->priv;
	struct xmsg_pool_params p = {
		.name = "kunit-msg2", .block_size = 64, .count = 2,
	};
	struct xmsg_pool *other = xmsg_pool_create(&p);
	void *dbp = xmsg_block_get(c->pool), *alien;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, other);
	KUNIT_ASSERT_NOT_NULL(test, dbp);
	alien = xmsg_block_get(other);
	KUNIT_ASSERT_NOT_NULL(test, alien);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_msg_make(NULL, dbp, &c->owner,
						    GFP_KERNEL)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_msg_make(c->pool, NULL, &c->owner,
						    GFP_KERNEL)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_msg_make(c->pool, dbp + 8,
						    &c->owner, GFP_KERNEL)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_msg_make(c->pool,
						    xmsg_pool_block_at(c->pool, 384),
						    &c->owner, GFP_KERNEL)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_msg_make(c->pool, alien, &c->owner,
						    GFP_KERNEL)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_msg_make(other, dbp, &c->owner,
						    GFP_KERNEL)), -EINVAL);
	KUNIT_EXPECT_EQ(test, c->owner.nr, 0UL);
	KUNIT_EXPECT_EQ(test, in_use(c->pool), 1ULL);
	KUNIT_EXPECT_EQ(test, xmsg_block_rel(c->pool, dbp), 0);
	KUNIT_EXPECT_EQ(test, xmsg_block_rel(other, alien), 0);
	KUNIT_EXPECT_EQ(test, xmsg_pool_destroy(other), 0);
}

/* A block that already is a message body can't be made again. */
static void msg_make_twice(struct kunit *test)
{
	struct ctx *c = test->priv;
	struct xmsg_msg *msg = xmsg_msg_get(c->pool, &c->owner, GFP_KERNEL);
	struct xmsg_msg *p;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, msg);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_msg_make(c->pool, msg->body,
						    &c->owner, GFP_KERNEL)),
			-EINVAL);
	/* nor released as a bare block */
	KUNIT_EXPECT_EQ(test, xmsg_block_rel(c->pool, msg->body), -EINVAL);
	KUNIT_EXPECT_EQ(test, in_use(c->pool), 1ULL);
	/* nor while only proxies keep it */
	p = xmsg_msg_make_proxy(msg, 0, 1, &c->owner, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	KUNIT_EXPECT_EQ(test, xmsg_msg_rel(msg), 0);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_msg_make(c->pool, p->body,
						    &c->owner, GFP_KERNEL)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, c->owner.nr, 1UL);
	KUNIT_EXPECT_EQ(test, xmsg_msg_rel(p), 0);
	KUNIT_EXPECT_EQ(test, in_use(c->pool), 0ULL);
}

static void msg_unmake_einval(struct kunit *test)
{
	struct ctx *c = test->priv;
	struct xmsg_ext_body ext = { .release = ext_release, .ctx = c };
	static char ext_body[32];
	struct xmsg_msg *hm, *em, *pm, *real;

	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_msg_unmake(NULL, NULL)), -EINVAL);
	hm = xmsg_msg_get_heap(c->heap, 100, &c->owner, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, hm);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_msg_unmake(hm, NULL)), -EINVAL);
	em = xmsg_msg_make_ext(ext_body, sizeof(ext_body), &ext, &c->owner,
			       GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, em);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_msg_unmake(em, NULL)), -EINVAL);
	real = xmsg_msg_get(c->pool, &c->owner, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, real);
	pm = xmsg_msg_make_proxy(real, 0, 8, &c->owner, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pm);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_msg_unmake(pm, NULL)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_msg_unmake(real, NULL)), -EBUSY);
	KUNIT_EXPECT_EQ(test, c->owner.nr, 4UL);
	KUNIT_EXPECT_EQ(test, xmsg_msg_rel(pm), 0);
	KUNIT_EXPECT_EQ(test, xmsg_msg_rel(real), 0);
	KUNIT_EXPECT_EQ(test, xmsg_msg_rel(hm), 0);
	KUNIT_EXPECT_EQ(test, xmsg_msg_rel(em), 0);
	KUNIT_EXPECT_EQ(test, c->ext_released, 1);
	KUNIT_EXPECT_EQ(test, in_use(c->pool), 0ULL);
}

static void msg_make_ext(struct kunit *test)
{
	struct ctx *c = test->priv;
	struct xmsg_ext_body ext = { .release = ext_release, .ctx = c };
	void *body = kunit_kzalloc(test, 256, GFP_KERNEL);
	struct xmsg_msg *msg;

	KUNIT_ASSERT_NOT_NULL(test, body);
	msg = xmsg_msg_make_ext(body, 256, &ext, &c->owner, GFP_ATOMIC);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, msg);
	KUNIT_EXPECT_EQ(test, msg->origin, XMSG_ORIGIN_EXT);
	KUNIT_EXPECT_PTR_EQ(test, msg->body, body);
	KUNIT_EXPECT_EQ(test, msg->size, (size_t)256);
	KUNIT_EXPECT_EQ(test, c->ext_released, 0);
	KUNIT_EXPECT_EQ(test, xmsg_msg_rel(msg), 0);
	KUNIT_EXPECT_EQ(test, c->ext_released, 1);
}

static void msg_make_ext_einval(struct kunit *test)
{
	struct ctx *c = test->priv;
	struct xmsg_ext_body ext = { .release = ext_release, .ctx = c };
	struct xmsg_ext_body noop = { .ctx = c };
	static char body[16];

	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_msg_make_ext(NULL, 16, &ext,
							&c->owner,
							GFP_KERNEL)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_msg_make_ext(body, 0, &ext,
							&c->owner,
							GFP_KERNEL)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_msg_make_ext(body, 16, NULL,
							&c->owner,
							GFP_KERNEL)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_msg_make_ext(body, 16, &noop,
							&c->owner,
							GFP_KERNEL)), -EINVAL);
	KUNIT_EXPECT_EQ(test, c->ext_released, 0);
	KUNIT_EXPECT_EQ(test, c->owner.nr, 0UL);
}

static void msg_set_owner(struct kunit *test)
{
	struct ctx *c = test->priv;
	struct xmsg_msg *msg = xmsg_msg_get(c->pool, &c->owner, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, msg);
	KUNIT_EXPECT_EQ(test, xmsg_msg_set_owner(msg, &c->other, NULL), -EPERM);
	KUNIT_EXPECT_EQ(test, xmsg_msg_set_owner(msg, NULL, &c->other), -EPERM);
	KUNIT_EXPECT_PTR_EQ(test, msg->owner, &c->owner);
	KUNIT_EXPECT_EQ(test, xmsg_msg_set_owner(msg, &c->owner, &c->other), 0);
	KUNIT_EXPECT_PTR_EQ(test, msg->owner, &c->other);
	KUNIT_EXPECT_EQ(test, c->owner.nr, 0UL);
	KUNIT_EXPECT_EQ(test, c->other.nr, 1UL);
	KUNIT_EXPECT_EQ(test, xmsg_msg_set_owner(msg, &c->other, NULL), 0);
	KUNIT_EXPECT_NULL(test, msg->owner);
	KUNIT_EXPECT_EQ(test, c->other.nr, 0UL);
	KUNIT_EXPECT_EQ(test, xmsg_msg_set_owner(msg, NULL, &c->owner), 0);
	KUNIT_EXPECT_EQ(test, c->owner.nr, 1UL);
	KUNIT_EXPECT_EQ(test, xmsg_msg_set_owner(NULL, NULL, &c->owner),
			-EINVAL);
	/* release_all of the old owner leaves the moved message alone */
	KUNIT_EXPECT_EQ(test, xmsg_msg_set_owner(msg, &c->owner, &c->other), 0);
	xmsg_owner_release_all(&c->owner);
	KUNIT_EXPECT_EQ(test, in_use(c->pool), 1ULL);
	KUNIT_EXPECT_EQ(test, xmsg_msg_rel(msg), 0);
	KUNIT_EXPECT_EQ(test, c->other.nr, 0UL);
	KUNIT_EXPECT_EQ(test, in_use(c->pool), 0ULL);
}

static void msg_set_reply(struct kunit *test)
{
	struct ctx *c = test->priv;
	struct ctx *r1 = c, *r2 = c;
	struct xmsg_msg *msg = xmsg_msg_get(c->pool, &c->owner, GFP_KERNEL);
	struct xmsg_msg *m2;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, msg);
	xmsg_msg_set_reply(msg, &r1, reply_put);
	KUNIT_EXPECT_PTR_EQ(test, msg->reply, (void *)&r1);
	KUNIT_EXPECT_EQ(test, c->reply_puts, 0);
	xmsg_msg_set_reply(msg, &r2, reply_put);
	KUNIT_EXPECT_EQ(test, c->reply_puts, 1);
	KUNIT_EXPECT_PTR_EQ(test, c->last_put, (void *)&r1);
	KUNIT_EXPECT_EQ(test, xmsg_msg_rel(msg), 0);
	KUNIT_EXPECT_EQ(test, c->reply_puts, 2);
	KUNIT_EXPECT_PTR_EQ(test, c->last_put, (void *)&r2);
	/* cleared reply: nothing put; unmake puts the reply too */
	m2 = xmsg_msg_get(c->pool, &c->owner, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, m2);
	xmsg_msg_set_reply(m2, &r1, reply_put);
	xmsg_msg_set_reply(m2, NULL, NULL);
	KUNIT_EXPECT_EQ(test, c->reply_puts, 3);
	xmsg_msg_set_reply(m2, &r2, reply_put);
	msg = xmsg_msg_unmake(m2, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(msg));
	KUNIT_EXPECT_EQ(test, c->reply_puts, 4);
	KUNIT_EXPECT_EQ(test, xmsg_block_rel(c->pool, msg), 0);
	xmsg_msg_set_reply(NULL, &r1, reply_put);
	KUNIT_EXPECT_EQ(test, c->reply_puts, 4);
}

static void msg_real(struct kunit *test)
{
	struct ctx *c = test->priv;
	struct xmsg_msg *msg = xmsg_msg_get(c->pool, &c->owner, GFP_KERNEL);
	struct xmsg_msg *p;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, msg);
	KUNIT_EXPECT_PTR_EQ(test, xmsg_msg_real(msg), msg);
	p = xmsg_msg_make_proxy(msg, 4, 4, &c->owner, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	KUNIT_EXPECT_PTR_EQ(test, xmsg_msg_real(p), msg);
	KUNIT_EXPECT_NULL(test, xmsg_msg_real(NULL));
	KUNIT_EXPECT_EQ(test, xmsg_msg_rel(p), 0);
	KUNIT_EXPECT_EQ(test, xmsg_msg_rel(msg), 0);
}

static void msg_set_length(struct kunit *test)
{
	struct ctx *c = test->priv;
	struct xmsg_msg *msg = xmsg_msg_get(c->pool, &c->owner, GFP_KERNEL);
	struct xmsg_msg *p, *h;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, msg);
	KUNIT_EXPECT_EQ(test, xmsg_msg_set_length(msg, 10), 0);
	KUNIT_EXPECT_EQ(test, msg->size, (size_t)10);
	/* a proxy of "the whole" message is 10 bytes now */
	KUNIT_EXPECT_TRUE(test, IS_ERR(xmsg_msg_make_proxy(msg, 0, 11,
							   &c->owner,
							   GFP_KERNEL)));
	p = xmsg_msg_make_proxy(msg, 0, 10, &c->owner, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	KUNIT_EXPECT_EQ(test, xmsg_msg_set_length(p, 4), -EINVAL);
	/* up to the block (128: the stride of 100-byte blocks), not beyond */
	KUNIT_EXPECT_EQ(test, xmsg_msg_set_length(msg, 128), 0);
	KUNIT_EXPECT_EQ(test, xmsg_msg_set_length(msg, 129), -EINVAL);
	KUNIT_EXPECT_EQ(test, msg->size, (size_t)128);
	KUNIT_EXPECT_EQ(test, xmsg_msg_set_length(msg, 0), 0);
	KUNIT_EXPECT_EQ(test, xmsg_msg_set_length(NULL, 0), -EINVAL);
	/* heap bodies keep their size: the heap needs it back */
	h = xmsg_msg_get_heap(c->heap, 64, &c->owner, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, h);
	KUNIT_EXPECT_EQ(test, xmsg_msg_set_length(h, 8), -EINVAL);
	KUNIT_EXPECT_EQ(test, h->size, (size_t)64);
	KUNIT_EXPECT_EQ(test, xmsg_msg_rel(h), 0);
	KUNIT_EXPECT_EQ(test, xmsg_msg_rel(p), 0);
	KUNIT_EXPECT_EQ(test, xmsg_msg_rel(msg), 0);
	/* the block went back whole */
	KUNIT_EXPECT_EQ(test, in_use(c->pool), 0ULL);
}

static void msg_destroy_busy(struct kunit *test)
{
	struct ctx *c = test->priv;
	struct xmsg_msg *msg = xmsg_msg_get(c->pool, &c->owner, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, msg);
	KUNIT_EXPECT_EQ(test, xmsg_pool_destroy(c->pool), -EBUSY);
	KUNIT_EXPECT_EQ(test, xmsg_msg_rel(msg), 0);
}

static struct kunit_case xmsg_mm_msg_cases[] = {
	KUNIT_CASE(msg_get_rel),
	KUNIT_CASE(msg_get_einval),
	KUNIT_CASE(msg_get_enomem),
	KUNIT_CASE(msg_rel_einval),
	KUNIT_CASE(msg_make_unmake),
	KUNIT_CASE(msg_make_einval),
	KUNIT_CASE(msg_make_twice),
	KUNIT_CASE(msg_unmake_einval),
	KUNIT_CASE(msg_make_ext),
	KUNIT_CASE(msg_make_ext_einval),
	KUNIT_CASE(msg_set_owner),
	KUNIT_CASE(msg_set_reply),
	KUNIT_CASE(msg_real),
	KUNIT_CASE(msg_set_length),
	KUNIT_CASE(msg_destroy_busy),
	{}
};

static struct kunit_suite xmsg_mm_msg_suite = {
	.name = "xmsg_mm_msg",
	.init = msg_init,
	.exit = msg_exit,
	.test_cases = xmsg_mm_msg_cases,
};

kunit_test_suite(xmsg_mm_msg_suite);

MODULE_DESCRIPTION("KUnit tests for xmsg messages");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(XMSG_NS);
