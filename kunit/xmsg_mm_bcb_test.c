// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: xmsg standard blocks (block control blocks, make and unmake).
 */
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <xmsg/mm.h>

struct ctx {
	struct xmsg_pool *pool;
	struct xmsg_owner owner;
};

static int bcb_init(struct kunit *test)
{
	struct xmsg_pool_params p = {
		.name = "kunit-bcb", .block_size = 64, .count = 4,
	};
	struct ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	if (!c)
		return -ENOMEM;
	c->pool = xmsg_pool_create(&p);
	if (IS_ERR(c->pool))
		return PTR_ERR(c->pool);
	xmsg_owner_init(&c->owner, "kunit-bcb");
	test->priv = c;
	return 0;
}

static void bcb_exit(struct kunit *test)
{
	struct ctx *c = test->priv;

	xmsg_owner_release_all(&c->owner);
	KUNIT_EXPECT_EQ(test, xmsg_pool_destroy(c->pool), 0);
}

static u64 in_use(struct xmsg_pool *pool)
{
	struct xmsg_pool_stats st;

	xmsg_pool_get_stats(pool, &st);
	return st.in_use;
}

static void bcb_get_rel(struct kunit *test)
{
	struct ctx *c = test->priv;
	struct xmsg_bcb *bcb = xmsg_bcb_get(c->pool, &c->owner, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, bcb);
	KUNIT_EXPECT_PTR_EQ(test, bcb->pool, c->pool);
	KUNIT_EXPECT_PTR_EQ(test, bcb->owner, &c->owner);
	KUNIT_EXPECT_TRUE(test, xmsg_pool_owns(c->pool, bcb->dbp, 64));
	KUNIT_EXPECT_EQ(test, c->owner.nr, 1UL);
	KUNIT_EXPECT_FALSE(test, list_empty(&c->owner.bcbs));
	KUNIT_EXPECT_EQ(test, in_use(c->pool), 1ULL);
	KUNIT_EXPECT_EQ(test, xmsg_bcb_rel(bcb), 0);
	KUNIT_EXPECT_EQ(test, in_use(c->pool), 0ULL);
	KUNIT_EXPECT_EQ(test, c->owner.nr, 0UL);
	KUNIT_EXPECT_TRUE(test, list_empty(&c->owner.bcbs));
}

static void bcb_get_no_owner(struct kunit *test)
{
	struct ctx *c = test->priv;
	struct xmsg_bcb *bcb = xmsg_bcb_get(c->pool, NULL, GFP_ATOMIC);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, bcb);
	KUNIT_EXPECT_NULL(test, bcb->owner);
	KUNIT_EXPECT_EQ(test, xmsg_bcb_rel(bcb), 0);
	KUNIT_EXPECT_EQ(test, in_use(c->pool), 0ULL);
}

static void bcb_get_einval(struct kunit *test)
{
	struct ctx *c = test->priv;

	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_bcb_get(NULL, &c->owner,
						   GFP_KERNEL)), -EINVAL);
	KUNIT_EXPECT_EQ(test, c->owner.nr, 0UL);
}

static void bcb_get_enomem(struct kunit *test)
{
	struct ctx *c = test->priv;
	struct xmsg_bcb *bcb[4];
	struct xmsg_pool_stats st;
	int i;

	for (i = 0; i < 4; i++) {
		bcb[i] = xmsg_bcb_get(c->pool, &c->owner, GFP_KERNEL);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, bcb[i]);
	}
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_bcb_get(c->pool, &c->owner,
						   GFP_KERNEL)), -ENOMEM);
	xmsg_pool_get_stats(c->pool, &st);
	KUNIT_EXPECT_EQ(test, st.failed_gets, 1ULL);
	KUNIT_EXPECT_EQ(test, c->owner.nr, 4UL);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, xmsg_bcb_rel(bcb[i]), 0);
	KUNIT_EXPECT_EQ(test, in_use(c->pool), 0ULL);
}

static void bcb_rel_einval(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, xmsg_bcb_rel(NULL), -EINVAL);
}

static void bcb_make_unmake(struct kunit *test)
{
	struct ctx *c = test->priv;
	struct xmsg_pool *pool = NULL;
	struct xmsg_bcb *bcb;
	void *dbp = xmsg_block_get(c->pool), *back;

	KUNIT_ASSERT_NOT_NULL(test, dbp);
	memset(dbp, 0x5a, 64);
	bcb = xmsg_bcb_make(c->pool, dbp, &c->owner, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, bcb);
	KUNIT_EXPECT_PTR_EQ(test, bcb->dbp, dbp);
	KUNIT_EXPECT_PTR_EQ(test, bcb->pool, c->pool);
	KUNIT_EXPECT_EQ(test, ((u8 *)bcb->dbp)[63], 0x5a);
	KUNIT_EXPECT_EQ(test, in_use(c->pool), 1ULL);
	KUNIT_EXPECT_EQ(test, c->owner.nr, 1UL);
	back = xmsg_bcb_unmake(bcb, &pool);
	KUNIT_EXPECT_PTR_EQ(test, back, dbp);
	KUNIT_EXPECT_PTR_EQ(test, pool, c->pool);
	KUNIT_EXPECT_EQ(test, c->owner.nr, 0UL);
	/* still out, bare */
	KUNIT_EXPECT_EQ(test, in_use(c->pool), 1ULL);
	/* unmake with a NULL poolp */
	bcb = xmsg_bcb_make(c->pool, dbp, NULL, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, bcb);
	KUNIT_EXPECT_PTR_EQ(test, xmsg_bcb_unmake(bcb, NULL), dbp);
	KUNIT_EXPECT_EQ(test, xmsg_block_rel(c->pool, dbp), 0);
	KUNIT_EXPECT_EQ(test, in_use(c->pool), 0ULL);
}

static void bcb_make_einval(struct kunit *test)
{
	struct ctx *c = test->priv;
	struct xmsg_pool_params p = {
		.name = "kunit-bcb2", .block_size = 64, .count = 4,
	};
	struct xmsg_pool *other = xmsg_pool_create(&p);
	void *dbp = xmsg_block_get(c->pool);
	void *alien;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, other);
	KUNIT_ASSERT_NOT_NULL(test, dbp);
	alien = xmsg_block_get(other);
	KUNIT_ASSERT_NOT_NULL(test, alien);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_bcb_make(NULL, dbp, &c->owner,
						    GFP_KERNEL)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_bcb_make(c->pool, NULL, &c->owner,
						    GFP_KERNEL)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_bcb_make(c->pool, dbp + 1,
						    &c->owner, GFP_KERNEL)),
			-EINVAL);
	/* a free block */
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_bcb_make(c->pool,
						    xmsg_pool_block_at(c->pool, 192),
						    &c->owner, GFP_KERNEL)),
			-EINVAL);
	/* a message body */
	{
		struct xmsg_msg *m = xmsg_msg_get(c->pool, NULL, GFP_KERNEL);

		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, m);
		KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_bcb_make(c->pool, m->body,
							    &c->owner,
							    GFP_KERNEL)),
				-EINVAL);
		KUNIT_EXPECT_EQ(test, xmsg_msg_rel(m), 0);
	}
	/* a block of another pool */
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_bcb_make(c->pool, alien, &c->owner,
						    GFP_KERNEL)), -EINVAL);
	KUNIT_EXPECT_EQ(test, c->owner.nr, 0UL);
	KUNIT_EXPECT_EQ(test, in_use(c->pool), 1ULL);
	KUNIT_EXPECT_EQ(test, xmsg_block_rel(c->pool, dbp), 0);
	KUNIT_EXPECT_EQ(test, xmsg_block_rel(other, alien), 0);
	KUNIT_EXPECT_EQ(test, xmsg_pool_destroy(other), 0);
}

static void bcb_unmake_einval(struct kunit *test)
{
	struct xmsg_pool *pool = NULL;

	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_bcb_unmake(NULL, &pool)), -EINVAL);
	KUNIT_EXPECT_NULL(test, pool);
}

static void bcb_destroy_busy(struct kunit *test)
{
	struct ctx *c = test->priv;
	struct xmsg_bcb *bcb = xmsg_bcb_get(c->pool, &c->owner, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, bcb);
	KUNIT_EXPECT_EQ(test, xmsg_pool_destroy(c->pool), -EBUSY);
	KUNIT_EXPECT_EQ(test, xmsg_bcb_rel(bcb), 0);
}

static struct kunit_case xmsg_mm_bcb_cases[] = {
	KUNIT_CASE(bcb_get_rel),
	KUNIT_CASE(bcb_get_no_owner),
	KUNIT_CASE(bcb_get_einval),
	KUNIT_CASE(bcb_get_enomem),
	KUNIT_CASE(bcb_rel_einval),
	KUNIT_CASE(bcb_make_unmake),
	KUNIT_CASE(bcb_make_einval),
	KUNIT_CASE(bcb_unmake_einval),
	KUNIT_CASE(bcb_destroy_busy),
	{}
};

static struct kunit_suite xmsg_mm_bcb_suite = {
	.name = "xmsg_mm_bcb",
	.init = bcb_init,
	.exit = bcb_exit,
	.test_cases = xmsg_mm_bcb_cases,
};

kunit_test_suite(xmsg_mm_bcb_suite);

MODULE_DESCRIPTION("KUnit tests for xmsg standard blocks");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(XMSG_NS);
