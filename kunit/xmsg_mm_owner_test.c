// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: xmsg owners (lists of control blocks, release all).
 */
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <xmsg/mm.h>

static int ext_released;

static void ext_release(void *ctx)
{
	ext_released++;
}

static u64 in_use(struct xmsg_pool *pool)
{
	struct xmsg_pool_stats st;

	xmsg_pool_get_stats(pool, &st);
	return st.in_use;
}

static struct xmsg_pool *mk_pool(struct kunit *test, u32 count)
{
	struct xmsg_pool_params p = {
		.name = "kunit-owner", .block_size = 64, .count = count,
	};
	struct xmsg_pool *pool = xmsg_pool_create(&p);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pool);
	return pool;
}

static void owner_init(struct kunit *test)
{
	struct xmsg_owner o;

	memset(&o, 0xff, sizeof(o));
	xmsg_owner_init(&o, "kunit");
	KUNIT_EXPECT_TRUE(test, list_empty(&o.bcbs));
	KUNIT_EXPECT_TRUE(test, list_empty(&o.msgs));
	KUNIT_EXPECT_EQ(test, o.nr, 0UL);
	KUNIT_EXPECT_STREQ(test, o.name, "kunit");
}

static void owner_release_all_mixed(struct kunit *test)
{
	struct xmsg_pool *pool = mk_pool(test, 16);
	struct xmsg_heap *heap = xmsg_heap_create("kunit-owner", 4096, 6);
	struct xmsg_ext_body ext = { .release = ext_release };
	static char ext_body[8];
	struct xmsg_owner o;
	struct xmsg_msg *real, *m;
	struct xmsg_bcb *b;
	void *dbp;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, heap);
	xmsg_owner_init(&o, "kunit");
	ext_released = 0;
	b = xmsg_bcb_get(pool, &o, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b);
	dbp = xmsg_block_get(pool);
	KUNIT_ASSERT_NOT_NULL(test, dbp);
	b = xmsg_bcb_make(pool, dbp, &o, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b);
	real = xmsg_msg_get(pool, &o, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, real);
	m = xmsg_msg_make_proxy(real, 0, 8, &o, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, m);
	m = xmsg_msg_make_proxy(m, 0, 4, &o, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, m);
	m = xmsg_msg_get_heap(heap, 500, &o, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, m);
	m = xmsg_msg_make_ext(ext_body, 8, &ext, &o, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, m);
	dbp = xmsg_block_get(pool);
	KUNIT_ASSERT_NOT_NULL(test, dbp);
	m = xmsg_msg_make(pool, dbp, &o, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, m);
	/* a dead real message with a live proxy of the same owner */
	real = xmsg_msg_get(pool, &o, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, real);
	m = xmsg_msg_make_proxy(real, 8, 8, &o, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, m);
	KUNIT_EXPECT_EQ(test, xmsg_msg_rel(real), 0);

	KUNIT_EXPECT_EQ(test, o.nr, 9UL);
	KUNIT_EXPECT_EQ(test, in_use(pool), 5ULL);
	xmsg_owner_release_all(&o);
	KUNIT_EXPECT_EQ(test, o.nr, 0UL);
	KUNIT_EXPECT_TRUE(test, list_empty(&o.bcbs));
	KUNIT_EXPECT_TRUE(test, list_empty(&o.msgs));
	KUNIT_EXPECT_EQ(test, in_use(pool), 0ULL);
	KUNIT_EXPECT_EQ(test, xmsg_heap_avail(heap), (size_t)4096);
	KUNIT_EXPECT_EQ(test, ext_released, 1);
	KUNIT_EXPECT_EQ(test, xmsg_pool_destroy(pool), 0);
	KUNIT_EXPECT_EQ(test, xmsg_heap_destroy(heap), 0);
}

static void owner_release_all_empty(struct kunit *test)
{
	struct xmsg_owner o;

	xmsg_owner_init(&o, "kunit");
	xmsg_owner_release_all(&o);
	xmsg_owner_release_all(NULL);
	KUNIT_EXPECT_EQ(test, o.nr, 0UL);
}

static void owner_release_all_many(struct kunit *test)
{
	struct xmsg_pool *pool = mk_pool(test, 2000);
	struct xmsg_owner o, keep;
	struct xmsg_msg *m;
	int i;

	xmsg_owner_init(&o, "kunit");
	xmsg_owner_init(&keep, "kunit-keep");
	for (i = 0; i < 1000; i++) {
		m = xmsg_msg_get(pool, &o, GFP_KERNEL);
		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, m);
		if (i % 10 == 0)
			KUNIT_ASSERT_EQ(test, xmsg_msg_set_owner(m, &o, &keep),
					0);
		else if (i % 2)
			KUNIT_ASSERT_NOT_ERR_OR_NULL(test,
						     xmsg_bcb_get(pool, &o,
								  GFP_KERNEL));
	}
	KUNIT_EXPECT_EQ(test, o.nr, 900UL + 500);
	KUNIT_EXPECT_EQ(test, keep.nr, 100UL);
	xmsg_owner_release_all(&o);
	KUNIT_EXPECT_EQ(test, o.nr, 0UL);
	KUNIT_EXPECT_EQ(test, in_use(pool), 100ULL);
	KUNIT_EXPECT_EQ(test, xmsg_pool_destroy(pool), -EBUSY);
	xmsg_owner_release_all(&keep);
	KUNIT_EXPECT_EQ(test, in_use(pool), 0ULL);
	KUNIT_EXPECT_EQ(test, xmsg_pool_destroy(pool), 0);
}

static struct kunit_case xmsg_mm_owner_cases[] = {
	KUNIT_CASE(owner_init),
	KUNIT_CASE(owner_release_all_mixed),
	KUNIT_CASE(owner_release_all_empty),
	KUNIT_CASE(owner_release_all_many),
	{}
};

static struct kunit_suite xmsg_mm_owner_suite = {
	.name = "xmsg_mm_owner",
	.test_cases = xmsg_mm_owner_cases,
};

kunit_test_suite(xmsg_mm_owner_suite);

MODULE_DESCRIPTION("KUnit tests for xmsg owners");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(XMSG_NS);
