// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: xmsg pools (create, destroy, stats, geometry, mmap checks).
 */
#include <kunit/test.h>
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <xmsg/mm.h>

static struct xmsg_pool *mk_pool(struct kunit *test, size_t size, u32 count,
				 u32 align)
{
	struct xmsg_pool_params p = {
		.name = "kunit-pool", .block_size = size, .count = count,
		.align = align,
	};
	struct xmsg_pool *pool = xmsg_pool_create(&p);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pool);
	return pool;
}

static void stats(struct xmsg_pool *pool, struct xmsg_pool_stats *st)
{
	xmsg_pool_get_stats(pool, st);
}

static void pool_create_default_align(struct kunit *test)
{
	struct xmsg_pool *pool = mk_pool(test, 100, 10, 0);
	struct xmsg_pool_stats st;

	stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.block_size, 128ULL);
	KUNIT_EXPECT_EQ(test, st.count, 10ULL);
	KUNIT_EXPECT_EQ(test, st.free, 10ULL);
	KUNIT_EXPECT_EQ(test, st.in_use, 0ULL);
	KUNIT_EXPECT_EQ(test, st.high_water, 0ULL);
	KUNIT_EXPECT_EQ(test, st.failed_gets, 0ULL);
	KUNIT_EXPECT_EQ(test, st.bad_rels, 0ULL);
	KUNIT_EXPECT_EQ(test, st.mapped, 0ULL);
	KUNIT_EXPECT_EQ(test, st.region_size, (u64)PAGE_SIZE);
	KUNIT_EXPECT_STREQ(test, xmsg_pool_name(pool), "kunit-pool");
	KUNIT_EXPECT_EQ(test, xmsg_pool_destroy(pool), 0);
}

static void pool_create_page_align(struct kunit *test)
{
	struct xmsg_pool *pool = mk_pool(test, 2 * PAGE_SIZE, 3, 0);

	KUNIT_EXPECT_EQ(test, xmsg_pool_block_size(pool), 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, xmsg_pool_region_size(pool), 6 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, xmsg_pool_destroy(pool), 0);
}

static void pool_create_explicit_align(struct kunit *test)
{
	struct xmsg_pool *pool = mk_pool(test, 10, 7, 16);
	struct xmsg_pool *odd = mk_pool(test, 24, 5, 8);

	KUNIT_EXPECT_EQ(test, xmsg_pool_block_size(pool), (size_t)16);
	/* 24 is no power of two: the slow index path */
	KUNIT_EXPECT_EQ(test, xmsg_pool_block_size(odd), (size_t)24);
	KUNIT_EXPECT_PTR_EQ(test, xmsg_pool_block_at(odd, 48),
			    xmsg_pool_block_at(odd, 0) + 48);
	KUNIT_EXPECT_NULL(test, xmsg_pool_block_at(odd, 32));
	KUNIT_EXPECT_EQ(test, xmsg_pool_destroy(pool), 0);
	KUNIT_EXPECT_EQ(test, xmsg_pool_destroy(odd), 0);
}

static void pool_create_null_name(struct kunit *test)
{
	struct xmsg_pool_params p = { .block_size = 8, .count = 1 };
	struct xmsg_pool *pool = xmsg_pool_create(&p);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pool);
	KUNIT_EXPECT_STREQ(test, xmsg_pool_name(pool), "pool");
	KUNIT_EXPECT_EQ(test, xmsg_pool_destroy(pool), 0);
}

static void pool_create_einval(struct kunit *test)
{
	struct xmsg_pool_params bad[] = {
		{ .name = "zero-size", .block_size = 0, .count = 1 },
		{ .name = "zero-count", .block_size = 64, .count = 0 },
		{ .name = "align3", .block_size = 64, .count = 1, .align = 3 },
		{ .name = "align-big", .block_size = 64, .count = 1,
		  .align = 2 * PAGE_SIZE },
		{ .name = "size-ovf", .block_size = SIZE_MAX - 8, .count = 1 },
		{ .name = "mul-ovf", .block_size = 1UL << 40,
		  .count = 1U << 31 },
	};
	int i;

	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_pool_create(NULL)), -EINVAL);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_EQ_MSG(test, PTR_ERR(xmsg_pool_create(&bad[i])),
				    -EINVAL, "%s", bad[i].name);
}

static void pool_create_enomem(struct kunit *test)
{
	struct xmsg_pool_params p = {
		.name = "huge", .block_size = 1UL << 40, .count = 4,
	};

	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_pool_create(&p)), -ENOMEM);
}

static void pool_destroy_null(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, xmsg_pool_destroy(NULL), 0);
}

static void pool_destroy_ebusy(struct kunit *test)
{
	struct xmsg_pool *pool = mk_pool(test, 64, 4, 0);
	struct xmsg_pool_stats a, b;
	void *p = xmsg_block_get(pool);

	KUNIT_ASSERT_NOT_NULL(test, p);
	stats(pool, &a);
	KUNIT_EXPECT_EQ(test, xmsg_pool_destroy(pool), -EBUSY);
	stats(pool, &b);
	KUNIT_EXPECT_EQ(test, memcmp(&a, &b, sizeof(a)), 0);
	KUNIT_EXPECT_EQ(test, xmsg_block_rel(pool, p), 0);
	KUNIT_EXPECT_EQ(test, xmsg_pool_destroy(pool), 0);
}

static void pool_get_stats(struct kunit *test)
{
	struct xmsg_pool *pool = mk_pool(test, 64, 4, 0);
	struct xmsg_pool_stats st;
	void *a, *b;

	a = xmsg_block_get(pool);
	b = xmsg_block_get(pool);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_EXPECT_EQ(test, xmsg_block_rel(pool, a), 0);
	stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.in_use, 1ULL);
	KUNIT_EXPECT_EQ(test, st.free, 3ULL);
	KUNIT_EXPECT_EQ(test, st.high_water, 2ULL);
	KUNIT_EXPECT_EQ(test, xmsg_block_rel(pool, b), 0);
	stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.in_use, 0ULL);
	KUNIT_EXPECT_EQ(test, st.high_water, 2ULL);
	/* NULL pool: zeroed snapshot, no crash */
	xmsg_pool_get_stats(NULL, &st);
	KUNIT_EXPECT_EQ(test, st.count, 0ULL);
	KUNIT_EXPECT_EQ(test, xmsg_pool_destroy(pool), 0);
}

static void pool_owns_offset(struct kunit *test)
{
	struct xmsg_pool *pool = mk_pool(test, 64, 8, 0);
	void *base = xmsg_pool_block_at(pool, 0);
	char on_stack;

	KUNIT_ASSERT_NOT_NULL(test, base);
	KUNIT_EXPECT_TRUE(test, xmsg_pool_owns(pool, base, 512));
	KUNIT_EXPECT_TRUE(test, xmsg_pool_owns(pool, base + 100, 10));
	KUNIT_EXPECT_TRUE(test, xmsg_pool_owns(pool, base + 511, 1));
	KUNIT_EXPECT_FALSE(test, xmsg_pool_owns(pool, base, 513));
	KUNIT_EXPECT_FALSE(test, xmsg_pool_owns(pool, base + 512, 0));
	KUNIT_EXPECT_FALSE(test, xmsg_pool_owns(pool, base - 1, 1));
	KUNIT_EXPECT_FALSE(test, xmsg_pool_owns(pool, base + 8, SIZE_MAX));
	KUNIT_EXPECT_FALSE(test, xmsg_pool_owns(pool, &on_stack, 1));
	KUNIT_EXPECT_FALSE(test, xmsg_pool_owns(pool, NULL, 1));
	KUNIT_EXPECT_FALSE(test, xmsg_pool_owns(NULL, base, 1));
	KUNIT_EXPECT_EQ(test, xmsg_pool_offset(pool, base), 0UL);
	KUNIT_EXPECT_EQ(test, xmsg_pool_offset(pool, base + 200), 200UL);
	KUNIT_EXPECT_EQ(test, xmsg_pool_destroy(pool), 0);
}

static void pool_block_at(struct kunit *test)
{
	struct xmsg_pool *pool = mk_pool(test, 64, 8, 0);
	void *p = xmsg_block_get(pool);

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_PTR_EQ(test,
			    xmsg_pool_block_at(pool, xmsg_pool_offset(pool, p)),
			    p);
	KUNIT_EXPECT_PTR_EQ(test, xmsg_pool_block_at(pool, 64),
			    xmsg_pool_block_at(pool, 0) + 64);
	KUNIT_EXPECT_NULL(test, xmsg_pool_block_at(pool, 1));
	KUNIT_EXPECT_NULL(test, xmsg_pool_block_at(pool, 63));
	KUNIT_EXPECT_NULL(test, xmsg_pool_block_at(pool, 512));
	KUNIT_EXPECT_NULL(test, xmsg_pool_block_at(pool, ULONG_MAX - 63));
	KUNIT_EXPECT_NULL(test, xmsg_pool_block_at(NULL, 0));
	KUNIT_EXPECT_EQ(test, xmsg_block_rel(pool, p), 0);
	KUNIT_EXPECT_EQ(test, xmsg_pool_destroy(pool), 0);
}

static void pool_mmap_einval(struct kunit *test)
{
	struct xmsg_pool *pool = mk_pool(test, 64, 100, 0);
	struct vm_area_struct *vma = kunit_kzalloc(test, sizeof(*vma),
						   GFP_KERNEL);
	struct xmsg_pool_stats st;

	KUNIT_ASSERT_NOT_NULL(test, vma);
	/* region: 6400 bytes -> 2 pages */
	vma->vm_start = 0x10000;
	vma->vm_end = vma->vm_start + 3 * PAGE_SIZE;
	KUNIT_EXPECT_EQ(test, xmsg_pool_mmap(pool, vma), -EINVAL);
	vma->vm_end = vma->vm_start + PAGE_SIZE;
	vma->vm_pgoff = 2;
	KUNIT_EXPECT_EQ(test, xmsg_pool_mmap(pool, vma), -EINVAL);
	vma->vm_pgoff = ULONG_MAX;
	KUNIT_EXPECT_EQ(test, xmsg_pool_mmap(pool, vma), -EINVAL);
	vma->vm_end = vma->vm_start + 2 * PAGE_SIZE;
	vma->vm_pgoff = 1;
	KUNIT_EXPECT_EQ(test, xmsg_pool_mmap(pool, vma), -EINVAL);
	KUNIT_EXPECT_EQ(test, xmsg_pool_mmap(NULL, vma), -EINVAL);
	KUNIT_EXPECT_EQ(test, xmsg_pool_mmap(pool, NULL), -EINVAL);
	KUNIT_EXPECT_NULL(test, vma->vm_ops);
	xmsg_pool_get_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.mapped, 0ULL);
	KUNIT_EXPECT_EQ(test, xmsg_pool_destroy(pool), 0);
}

static void pool_debugfs(struct kunit *test)
{
	struct dentry *root = xmsg_debugfs_root();
	struct dentry *pools;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, root);
	pools = debugfs_lookup("pools", root);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, pools);
	dput(pools);
}

#define DBG_DIR "/sys/kernel/debug/xmsg/pools/"

static ssize_t read_file(const char *path, char *buf, size_t len)
{
	struct file *f = filp_open(path, O_RDONLY, 0);
	loff_t pos = 0;
	ssize_t n;

	if (IS_ERR(f))
		return PTR_ERR(f);
	n = kernel_read(f, buf, len - 1, &pos);
	filp_close(f, NULL);
	if (n >= 0)
		buf[n] = 0;
	return n;
}

/* One stats file per pool, named after it, gone with it. */
static void pool_debugfs_file(struct kunit *test)
{
	struct xmsg_pool_params p = {
		.name = "kunit/dbgfs", .block_size = 64, .count = 5,
	};
	char *buf = kunit_kzalloc(test, 1024, GFP_KERNEL);
	struct xmsg_pool *pool, *twin;
	void *blk;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	pool = xmsg_pool_create(&p);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pool);
	twin = xmsg_pool_create(&p);	/* same name: gets a suffix */
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, twin);
	blk = xmsg_block_get(pool);
	KUNIT_ASSERT_NOT_NULL(test, blk);
	KUNIT_EXPECT_GT(test, read_file(DBG_DIR "kunit_dbgfs", buf, 1024), 0L);
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "name:        kunit/dbgfs\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "count:       5\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "in_use:      1\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "free:        4\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "block_size:  64\n"));
	KUNIT_EXPECT_EQ(test, xmsg_block_rel(pool, blk), 0);
	KUNIT_EXPECT_EQ(test, xmsg_pool_destroy(pool), 0);
	KUNIT_EXPECT_EQ(test, read_file(DBG_DIR "kunit_dbgfs", buf, 1024),
			(ssize_t)-ENOENT);
	KUNIT_EXPECT_EQ(test, xmsg_pool_destroy(twin), 0);
}

static struct kunit_case xmsg_mm_pool_cases[] = {
	KUNIT_CASE(pool_create_default_align),
	KUNIT_CASE(pool_create_page_align),
	KUNIT_CASE(pool_create_explicit_align),
	KUNIT_CASE(pool_create_null_name),
	KUNIT_CASE(pool_create_einval),
	KUNIT_CASE(pool_create_enomem),
	KUNIT_CASE(pool_destroy_null),
	KUNIT_CASE(pool_destroy_ebusy),
	KUNIT_CASE(pool_get_stats),
	KUNIT_CASE(pool_owns_offset),
	KUNIT_CASE(pool_block_at),
	KUNIT_CASE(pool_mmap_einval),
	KUNIT_CASE(pool_debugfs),
	KUNIT_CASE(pool_debugfs_file),
	{}
};

static struct kunit_suite xmsg_mm_pool_suite = {
	.name = "xmsg_mm_pool",
	.test_cases = xmsg_mm_pool_cases,
};

kunit_test_suite(xmsg_mm_pool_suite);

MODULE_DESCRIPTION("KUnit tests for xmsg pools");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(XMSG_NS);
