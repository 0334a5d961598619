// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: xmsg bare blocks (get, release and every refused release).
 */
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <xmsg/mm.h>

#define NBLK	16

static struct xmsg_pool *mk_pool(struct kunit *test, size_t size, u32 count)
{
	struct xmsg_pool_params p = {
		.name = "kunit-block", .block_size = size, .count = count,
	};
	struct xmsg_pool *pool = xmsg_pool_create(&p);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pool);
	return pool;
}

static u64 in_use(struct xmsg_pool *pool)
{
	struct xmsg_pool_stats st;

	xmsg_pool_get_stats(pool, &st);
	return st.in_use;
}

static u64 bad_rels(struct xmsg_pool *pool)
{
	struct xmsg_pool_stats st;

	xmsg_pool_get_stats(pool, &st);
	return st.bad_rels;
}

static void block_get_all_rel_all(struct kunit *test)
{
	struct xmsg_pool *pool = mk_pool(test, 64, NBLK);
	void *blk[NBLK];
	struct xmsg_pool_stats st;
	int i, j;

	for (i = 0; i < NBLK; i++) {
		blk[i] = xmsg_block_get(pool);
		KUNIT_ASSERT_NOT_NULL(test, blk[i]);
		KUNIT_EXPECT_TRUE(test, xmsg_pool_owns(pool, blk[i], 64));
		KUNIT_EXPECT_EQ(test, xmsg_pool_offset(pool, blk[i]) % 64, 0UL);
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_PTR_NE(test, blk[i], blk[j]);
	}
	KUNIT_EXPECT_EQ(test, in_use(pool), (u64)NBLK);
	for (i = 0; i < NBLK; i++)
		KUNIT_EXPECT_EQ(test, xmsg_block_rel(pool, blk[i]), 0);
	xmsg_pool_get_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.in_use, 0ULL);
	KUNIT_EXPECT_EQ(test, st.free, (u64)NBLK);
	KUNIT_EXPECT_EQ(test, st.high_water, (u64)NBLK);
	KUNIT_EXPECT_EQ(test, st.bad_rels, 0ULL);
	KUNIT_EXPECT_EQ(test, xmsg_pool_destroy(pool), 0);
}

static void block_get_empty(struct kunit *test)
{
	struct xmsg_pool *pool = mk_pool(test, 64, 2);
	struct xmsg_pool_stats st;
	void *a = xmsg_block_get(pool), *b = xmsg_block_get(pool);

	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_EXPECT_NULL(test, xmsg_block_get(pool));
	KUNIT_EXPECT_NULL(test, xmsg_block_get(pool));
	xmsg_pool_get_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.failed_gets, 2ULL);
	KUNIT_EXPECT_EQ(test, st.in_use, 2ULL);
	KUNIT_EXPECT_EQ(test, xmsg_block_rel(pool, a), 0);
	/* the freed block comes back */
	KUNIT_EXPECT_PTR_EQ(test, xmsg_block_get(pool), a);
	KUNIT_EXPECT_EQ(test, xmsg_block_rel(pool, a), 0);
	KUNIT_EXPECT_EQ(test, xmsg_block_rel(pool, b), 0);
	KUNIT_EXPECT_EQ(test, xmsg_pool_destroy(pool), 0);
}

static void block_get_null(struct kunit *test)
{
	KUNIT_EXPECT_NULL(test, xmsg_block_get(NULL));
}

/* Nothing is stored inside blocks: contents survive release and reuse. */
static void block_nothing_inside(struct kunit *test)
{
	struct xmsg_pool *pool = mk_pool(test, 64, NBLK);
	void *blk[NBLK];
	u8 *c;
	int i, k;

	for (i = 0; i < NBLK; i++) {
		blk[i] = xmsg_block_get(pool);
		KUNIT_ASSERT_NOT_NULL(test, blk[i]);
		memset(blk[i], 0xa5, 64);
	}
	for (i = 0; i < NBLK; i++)
		KUNIT_EXPECT_EQ(test, xmsg_block_rel(pool, blk[i]), 0);
	for (i = 0; i < NBLK; i++) {
		c = xmsg_block_get(pool);
		KUNIT_ASSERT_NOT_NULL(test, c);
		for (k = 0; k < 64; k++)
			if (c[k] != 0xa5)
				break;
		KUNIT_EXPECT_EQ(test, k, 64);
		blk[i] = c;
	}
	for (i = 0; i < NBLK; i++)
		KUNIT_EXPECT_EQ(test, xmsg_block_rel(pool, blk[i]), 0);
	KUNIT_EXPECT_EQ(test, xmsg_pool_destroy(pool), 0);
}

static void block_rel_double(struct kunit *test)
{
	struct xmsg_pool *pool = mk_pool(test, 64, 4);
	void *a = xmsg_block_get(pool), *b = xmsg_block_get(pool);

	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_EXPECT_EQ(test, xmsg_block_rel(pool, a), 0);
	KUNIT_EXPECT_EQ(test, xmsg_block_rel(pool, a), -EINVAL);
	KUNIT_EXPECT_EQ(test, in_use(pool), 1ULL);
	KUNIT_EXPECT_EQ(test, bad_rels(pool), 1ULL);
	/* a block never got is "already free" too */
	KUNIT_EXPECT_EQ(test, xmsg_block_rel(pool,
					     xmsg_pool_block_at(pool, 192)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, bad_rels(pool), 2ULL);
	KUNIT_EXPECT_EQ(test, xmsg_block_rel(pool, b), 0);
	KUNIT_EXPECT_EQ(test, in_use(pool), 0ULL);
	KUNIT_EXPECT_EQ(test, xmsg_pool_destroy(pool), 0);
}

/*
 * A block just released is on top of the free stack, the next one a get
 * returns: releasing it again is refused and must not put it on the stack
 * twice (every block is got exactly once afterwards).
 */
static void block_rel_double_on_top(struct kunit *test)
{
	struct xmsg_pool *pool = mk_pool(test, 64, NBLK);
	struct xmsg_pool_stats st;
	void *blk[NBLK + 1], *a;
	int i, j;

	a = xmsg_block_get(pool);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_EXPECT_EQ(test, xmsg_block_rel(pool, a), 0);
	KUNIT_EXPECT_EQ(test, xmsg_block_rel(pool, a), -EINVAL);
	KUNIT_EXPECT_EQ(test, xmsg_block_rel(pool, a), -EINVAL);
	xmsg_pool_get_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.bad_rels, 2ULL);
	KUNIT_EXPECT_EQ(test, st.free, (u64)NBLK);
	KUNIT_EXPECT_EQ(test, st.in_use, 0ULL);
	for (i = 0; i < NBLK; i++) {
		blk[i] = xmsg_block_get(pool);
		KUNIT_ASSERT_NOT_NULL(test, blk[i]);
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_PTR_NE(test, blk[i], blk[j]);
	}
	KUNIT_EXPECT_PTR_EQ(test, blk[0], a);
	blk[NBLK] = xmsg_block_get(pool);
	KUNIT_EXPECT_NULL(test, blk[NBLK]);
	for (i = 0; i < NBLK; i++)
		KUNIT_EXPECT_EQ(test, xmsg_block_rel(pool, blk[i]), 0);
	xmsg_pool_get_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.free, (u64)NBLK);
	KUNIT_EXPECT_EQ(test, st.high_water, (u64)NBLK);
	KUNIT_EXPECT_EQ(test, st.failed_gets, 1ULL);
	KUNIT_EXPECT_EQ(test, st.bad_rels, 2ULL);
	KUNIT_EXPECT_EQ(test, xmsg_pool_destroy(pool), 0);
}

static void block_rel_null(struct kunit *test)
{
	struct xmsg_pool *pool = mk_pool(test, 64, 4);
	void *a = xmsg_block_get(pool);

	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_EXPECT_EQ(test, xmsg_block_rel(pool, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, xmsg_block_rel(NULL, a), -EINVAL);
	KUNIT_EXPECT_EQ(test, bad_rels(pool), 1ULL);
	KUNIT_EXPECT_EQ(test, in_use(pool), 1ULL);
	KUNIT_EXPECT_EQ(test, xmsg_block_rel(pool, a), 0);
	KUNIT_EXPECT_EQ(test, xmsg_pool_destroy(pool), 0);
}

static void block_rel_foreign(struct kunit *test)
{
	struct xmsg_pool *pool = mk_pool(test, 64, 4);
	void *heap = kunit_kzalloc(test, 64, GFP_KERNEL);
	char on_stack[64];

	KUNIT_ASSERT_NOT_NULL(test, heap);
	KUNIT_EXPECT_EQ(test, xmsg_block_rel(pool, heap), -EINVAL);
	KUNIT_EXPECT_EQ(test, xmsg_block_rel(pool, on_stack), -EINVAL);
	KUNIT_EXPECT_EQ(test, bad_rels(pool), 2ULL);
	KUNIT_EXPECT_EQ(test, in_use(pool), 0ULL);
	KUNIT_EXPECT_EQ(test, xmsg_pool_destroy(pool), 0);
}

static void block_rel_wrong_pool(struct kunit *test)
{
	struct xmsg_pool *p1 = mk_pool(test, 64, 4);
	struct xmsg_pool *p2 = mk_pool(test, 64, 4);
	void *a = xmsg_block_get(p1);

	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_EXPECT_EQ(test, xmsg_block_rel(p2, a), -EINVAL);
	KUNIT_EXPECT_EQ(test, bad_rels(p2), 1ULL);
	KUNIT_EXPECT_EQ(test, bad_rels(p1), 0ULL);
	KUNIT_EXPECT_EQ(test, in_use(p1), 1ULL);
	KUNIT_EXPECT_EQ(test, in_use(p2), 0ULL);
	KUNIT_EXPECT_EQ(test, xmsg_block_rel(p1, a), 0);
	KUNIT_EXPECT_EQ(test, xmsg_pool_destroy(p1), 0);
	KUNIT_EXPECT_EQ(test, xmsg_pool_destroy(p2), 0);
}

static void block_rel_misaligned(struct kunit *test)
{
	struct xmsg_pool *pool = mk_pool(test, 64, 4);
	void *a = xmsg_block_get(pool);

	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_EXPECT_EQ(test, xmsg_block_rel(pool, a + 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, xmsg_block_rel(pool, a + 63), -EINVAL);
	KUNIT_EXPECT_EQ(test, xmsg_block_rel(pool, a - 1), -EINVAL);
	/* one past the last block */
	KUNIT_EXPECT_EQ(test,
			xmsg_block_rel(pool, xmsg_pool_block_at(pool, 0) + 256),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, bad_rels(pool), 4ULL);
	KUNIT_EXPECT_EQ(test, in_use(pool), 1ULL);
	KUNIT_EXPECT_EQ(test, xmsg_block_rel(pool, a), 0);
	KUNIT_EXPECT_EQ(test, xmsg_pool_destroy(pool), 0);
}

static void block_odd_stride(struct kunit *test)
{
	struct xmsg_pool_params p = {
		.name = "odd", .block_size = 24, .count = 5, .align = 8,
	};
	struct xmsg_pool *pool = xmsg_pool_create(&p);
	void *blk[5];
	int i;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pool);
	for (i = 0; i < 5; i++) {
		blk[i] = xmsg_block_get(pool);
		KUNIT_ASSERT_NOT_NULL(test, blk[i]);
		KUNIT_EXPECT_EQ(test, xmsg_pool_offset(pool, blk[i]) % 24, 0UL);
	}
	KUNIT_EXPECT_EQ(test, xmsg_block_rel(pool, blk[1] + 8), -EINVAL);
	for (i = 0; i < 5; i++)
		KUNIT_EXPECT_EQ(test, xmsg_block_rel(pool, blk[i]), 0);
	KUNIT_EXPECT_EQ(test, xmsg_pool_destroy(pool), 0);
}

static struct kunit_case xmsg_mm_block_cases[] = {
	KUNIT_CASE(block_get_all_rel_all),
	KUNIT_CASE(block_get_empty),
	KUNIT_CASE(block_get_null),
	KUNIT_CASE(block_nothing_inside),
	KUNIT_CASE(block_rel_double),
	KUNIT_CASE(block_rel_double_on_top),
	KUNIT_CASE(block_rel_null),
	KUNIT_CASE(block_rel_foreign),
	KUNIT_CASE(block_rel_wrong_pool),
	KUNIT_CASE(block_rel_misaligned),
	KUNIT_CASE(block_odd_stride),
	{}
};

static struct kunit_suite xmsg_mm_block_suite = {
	.name = "xmsg_mm_block",
	.test_cases = xmsg_mm_block_cases,
};

kunit_test_suite(xmsg_mm_block_suite);

MODULE_DESCRIPTION("KUnit tests for xmsg bare blocks");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(XMSG_NS);
