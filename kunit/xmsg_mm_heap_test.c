// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: xmsg heaps (genalloc-backed variable-size message bodies).
 */
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <xmsg/mm.h>

#define HEAP_SIZE	8192

static void heap_create_destroy(struct kunit *test)
{
	struct xmsg_heap *heap = xmsg_heap_create("kunit-heap", HEAP_SIZE, 6);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, heap);
	KUNIT_EXPECT_EQ(test, xmsg_heap_avail(heap), (size_t)HEAP_SIZE);
	KUNIT_EXPECT_EQ(test, xmsg_heap_destroy(heap), 0);
	heap = xmsg_heap_create(NULL, 64, 6);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, heap);
	KUNIT_EXPECT_EQ(test, xmsg_heap_destroy(heap), 0);
}

static void heap_create_einval(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_heap_create("h", 0, 6)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_heap_create("h", 4096, 17)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_heap_create("h", 32, 6)), -EINVAL);
}

static void heap_create_enomem(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_heap_create("h", SIZE_MAX, 6)),
			-ENOMEM);
}

static void heap_destroy_null(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, xmsg_heap_destroy(NULL), 0);
	KUNIT_EXPECT_EQ(test, xmsg_heap_avail(NULL), (size_t)0);
}

static void heap_get_rel(struct kunit *test)
{
	struct xmsg_heap *heap = xmsg_heap_create("kunit-heap", HEAP_SIZE, 6);
	struct xmsg_owner owner;
	struct xmsg_msg *msg;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, heap);
	xmsg_owner_init(&owner, "kunit-heap");
	msg = xmsg_msg_get_heap(heap, 100, &owner, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, msg);
	KUNIT_EXPECT_EQ(test, msg->origin, XMSG_ORIGIN_HEAP);
	KUNIT_EXPECT_PTR_EQ(test, msg->heap, heap);
	KUNIT_EXPECT_EQ(test, msg->size, (size_t)100);
	KUNIT_EXPECT_PTR_EQ(test, msg->owner, &owner);
	memset(msg->body, 0xee, 100);
	/* 100 bytes take two 64-byte granules */
	KUNIT_EXPECT_EQ(test, xmsg_heap_avail(heap), (size_t)HEAP_SIZE - 128);
	KUNIT_EXPECT_EQ(test, xmsg_msg_rel(msg), 0);
	KUNIT_EXPECT_EQ(test, xmsg_heap_avail(heap), (size_t)HEAP_SIZE);
	KUNIT_EXPECT_EQ(test, owner.nr, 0UL);
	KUNIT_EXPECT_EQ(test, xmsg_heap_destroy(heap), 0);
}

static void heap_get_einval(struct kunit *test)
{
	struct xmsg_heap *heap = xmsg_heap_create("kunit-heap", HEAP_SIZE, 6);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, heap);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_msg_get_heap(NULL, 10, NULL,
							GFP_KERNEL)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_msg_get_heap(heap, 0, NULL,
							GFP_KERNEL)), -EINVAL);
	KUNIT_EXPECT_EQ(test, xmsg_heap_avail(heap), (size_t)HEAP_SIZE);
	KUNIT_EXPECT_EQ(test, xmsg_heap_destroy(heap), 0);
}

static void heap_get_enomem(struct kunit *test)
{
	struct xmsg_heap *heap = xmsg_heap_create("kunit-heap", HEAP_SIZE, 6);
	struct xmsg_msg *m[HEAP_SIZE / 64];
	size_t sizes[] = { 1, 64, 65, 300, 1000, 17 };
	int n = 0, i;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, heap);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_msg_get_heap(heap, HEAP_SIZE + 1,
							NULL, GFP_KERNEL)),
			-ENOMEM);
	/* fill with mixed sizes until it runs dry */
	for (;;) {
		struct xmsg_msg *msg;

		msg = xmsg_msg_get_heap(heap, sizes[n % ARRAY_SIZE(sizes)],
					NULL, GFP_KERNEL);
		if (IS_ERR(msg)) {
			KUNIT_EXPECT_EQ(test, PTR_ERR(msg), -ENOMEM);
			break;
		}
		KUNIT_ASSERT_LT(test, n, (int)ARRAY_SIZE(m));
		memset(msg->body, n, msg->size);
		m[n++] = msg;
	}
	KUNIT_EXPECT_GT(test, n, 10);
	KUNIT_EXPECT_EQ(test, xmsg_heap_destroy(heap), -EBUSY);
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ(test, ((u8 *)m[i]->body)[m[i]->size - 1],
				(u8)i);
		KUNIT_EXPECT_EQ(test, xmsg_msg_rel(m[i]), 0);
	}
	KUNIT_EXPECT_EQ(test, xmsg_heap_avail(heap), (size_t)HEAP_SIZE);
	KUNIT_EXPECT_EQ(test, xmsg_heap_destroy(heap), 0);
}

static void heap_destroy_busy(struct kunit *test)
{
	struct xmsg_heap *heap = xmsg_heap_create("kunit-heap", HEAP_SIZE, 6);
	struct xmsg_msg *msg;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, heap);
	msg = xmsg_msg_get_heap(heap, 10, NULL, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, msg);
	KUNIT_EXPECT_EQ(test, xmsg_heap_destroy(heap), -EBUSY);
	KUNIT_EXPECT_EQ(test, xmsg_heap_avail(heap), (size_t)HEAP_SIZE - 64);
	KUNIT_EXPECT_EQ(test, xmsg_msg_rel(msg), 0);
	KUNIT_EXPECT_EQ(test, xmsg_heap_destroy(heap), 0);
}

static void heap_proxy_keeps_body(struct kunit *test)
{
	struct xmsg_heap *heap = xmsg_heap_create("kunit-heap", HEAP_SIZE, 6);
	struct xmsg_msg *msg, *p;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, heap);
	msg = xmsg_msg_get_heap(heap, 200, NULL, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, msg);
	p = xmsg_msg_make_proxy(msg, 100, 100, NULL, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	KUNIT_EXPECT_EQ(test, xmsg_msg_rel(msg), 0);
	KUNIT_EXPECT_EQ(test, xmsg_heap_avail(heap), (size_t)HEAP_SIZE - 256);
	KUNIT_EXPECT_EQ(test, xmsg_heap_destroy(heap), -EBUSY);
	KUNIT_EXPECT_EQ(test, xmsg_msg_rel(p), 0);
	KUNIT_EXPECT_EQ(test, xmsg_heap_avail(heap), (size_t)HEAP_SIZE);
	KUNIT_EXPECT_EQ(test, xmsg_heap_destroy(heap), 0);
}

static void heap_stats_owns_offset(struct kunit *test)
{
	struct xmsg_heap *heap = xmsg_heap_create("kunit-heap", HEAP_SIZE, 6);
	struct xmsg_heap_stats st;
	struct xmsg_msg *msg;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, heap);
	xmsg_heap_get_stats(heap, &st);
	KUNIT_EXPECT_EQ(test, st.size, (u64)HEAP_SIZE);
	KUNIT_EXPECT_EQ(test, st.granule, 64ULL);
	KUNIT_EXPECT_EQ(test, st.avail, (u64)HEAP_SIZE);
	KUNIT_EXPECT_EQ(test, st.out, 0ULL);
	KUNIT_EXPECT_EQ(test, st.region_size, (u64)PAGE_ALIGN(HEAP_SIZE));
	KUNIT_EXPECT_EQ(test, xmsg_heap_size(heap), (size_t)HEAP_SIZE);
	msg = xmsg_msg_get_heap(heap, 200, NULL, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, msg);
	KUNIT_EXPECT_TRUE(test, xmsg_heap_owns(heap, msg->body, 200));
	KUNIT_EXPECT_LT(test, xmsg_heap_offset(heap, msg->body),
			(unsigned long)HEAP_SIZE);
	KUNIT_EXPECT_FALSE(test,
			   xmsg_heap_owns(heap, msg->body, HEAP_SIZE + 1));
	KUNIT_EXPECT_FALSE(test, xmsg_heap_owns(heap, &st, 1));
	KUNIT_EXPECT_TRUE(test, IS_ERR(xmsg_msg_get_heap(heap, HEAP_SIZE,
							 NULL, GFP_KERNEL)));
	xmsg_heap_get_stats(heap, &st);
	KUNIT_EXPECT_EQ(test, st.out, 1ULL);
	KUNIT_EXPECT_EQ(test, st.failed_gets, 1ULL);
	KUNIT_EXPECT_EQ(test, st.avail, (u64)HEAP_SIZE - 256);
	KUNIT_EXPECT_EQ(test, xmsg_msg_rel(msg), 0);
	xmsg_heap_get_stats(heap, &st);
	KUNIT_EXPECT_EQ(test, st.out, 0ULL);
	KUNIT_EXPECT_EQ(test, xmsg_heap_destroy(heap), 0);
}

/* Bare chunks: any size up to the heap's, written, freed once. */
static void heap_chunk_get_free(struct kunit *test)
{
	struct xmsg_heap *heap = xmsg_heap_create("kunit-heap", HEAP_SIZE, 6);
	struct xmsg_heap *other = xmsg_heap_create("kunit-other", HEAP_SIZE,
						   6);
	u8 *a, *b, *o;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, heap);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, other);
	KUNIT_EXPECT_NULL(test, xmsg_heap_chunk_get(heap, 0));
	KUNIT_EXPECT_NULL(test, xmsg_heap_chunk_get(NULL, 10));
	KUNIT_EXPECT_NULL(test, xmsg_heap_chunk_get(heap, HEAP_SIZE + 1));
	a = xmsg_heap_chunk_get(heap, HEAP_SIZE);
	KUNIT_ASSERT_NOT_NULL(test, a);
	memset(a, 0x11, HEAP_SIZE);
	KUNIT_EXPECT_NULL(test, xmsg_heap_chunk_get(heap, 1));
	KUNIT_EXPECT_EQ(test, xmsg_heap_chunk_free(heap, a, HEAP_SIZE), 0);
	a = xmsg_heap_chunk_get(heap, 100);
	b = xmsg_heap_chunk_get(heap, 1);
	o = xmsg_heap_chunk_get(other, 64);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_NOT_NULL(test, o);
	/* foreign, middle-of-chunk and outside pointers: refused */
	KUNIT_EXPECT_EQ(test, xmsg_heap_chunk_free(heap, o, 64), -EINVAL);
	KUNIT_EXPECT_EQ(test, xmsg_heap_chunk_free(heap, a + 64, 36),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, xmsg_heap_chunk_free(heap, a + 1, 10), -EINVAL);
	KUNIT_EXPECT_EQ(test, xmsg_heap_chunk_free(heap, test, 10), -EINVAL);
	KUNIT_EXPECT_EQ(test, xmsg_heap_chunk_free(heap, a, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, xmsg_heap_avail(heap), (size_t)HEAP_SIZE - 192);
	KUNIT_EXPECT_EQ(test, xmsg_heap_chunk_free(heap, a, 100), 0);
	/* double free: refused, nothing corrupted */
	KUNIT_EXPECT_EQ(test, xmsg_heap_chunk_free(heap, a, 100), -EINVAL);
	KUNIT_EXPECT_EQ(test, xmsg_heap_avail(heap), (size_t)HEAP_SIZE - 64);
	KUNIT_EXPECT_EQ(test, xmsg_heap_destroy(heap), -EBUSY);
	KUNIT_EXPECT_EQ(test, xmsg_heap_chunk_free(heap, b, 1), 0);
	KUNIT_EXPECT_EQ(test, xmsg_heap_chunk_free(other, o, 64), 0);
	KUNIT_EXPECT_EQ(test, xmsg_heap_avail(heap), (size_t)HEAP_SIZE);
	KUNIT_EXPECT_EQ(test, xmsg_heap_destroy(heap), 0);
	KUNIT_EXPECT_EQ(test, xmsg_heap_destroy(other), 0);
}

/* Make a message from a chunk (no copy), unmake it back, free it. */
static void heap_make_unmake(struct kunit *test)
{
	struct xmsg_heap *heap = xmsg_heap_create("kunit-heap", HEAP_SIZE, 6);
	struct xmsg_heap *hp = NULL;
	struct xmsg_owner owner;
	struct xmsg_msg *msg, *p;
	size_t size = 0;
	u8 *c, *back;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, heap);
	xmsg_owner_init(&owner, "kunit-heap");
	c = xmsg_heap_chunk_get(heap, 500);
	KUNIT_ASSERT_NOT_NULL(test, c);
	memset(c, 0x42, 500);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_msg_make_heap(heap, c + 64, 10,
							 &owner, GFP_KERNEL)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_msg_make_heap(heap, c, 0, &owner,
							 GFP_KERNEL)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_msg_make_heap(NULL, c, 500, &owner,
							 GFP_KERNEL)),
			-EINVAL);
	msg = xmsg_msg_make_heap(heap, c, 500, &owner, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, msg);
	KUNIT_EXPECT_PTR_EQ(test, msg->body, (void *)c);
	KUNIT_EXPECT_EQ(test, msg->size, (size_t)500);
	KUNIT_EXPECT_EQ(test, msg->origin, XMSG_ORIGIN_HEAP);
	KUNIT_EXPECT_EQ(test, owner.nr, 1UL);
	p = xmsg_msg_make_proxy(msg, 0, 10, NULL, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_msg_unmake_heap(msg, NULL, NULL)),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_msg_unmake_heap(p, NULL, NULL)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_msg_unmake(msg, NULL)), -EINVAL);
	KUNIT_EXPECT_EQ(test, xmsg_msg_rel(p), 0);
	back = xmsg_msg_unmake_heap(msg, &hp, &size);
	KUNIT_ASSERT_FALSE(test, IS_ERR(back));
	KUNIT_EXPECT_PTR_EQ(test, back, c);
	KUNIT_EXPECT_PTR_EQ(test, hp, heap);
	KUNIT_EXPECT_EQ(test, size, (size_t)500);
	KUNIT_EXPECT_EQ(test, owner.nr, 0UL);
	KUNIT_EXPECT_EQ(test, back[499], 0x42);
	KUNIT_EXPECT_EQ(test, xmsg_heap_chunk_free(heap, back, size), 0);
	KUNIT_EXPECT_EQ(test, xmsg_heap_avail(heap), (size_t)HEAP_SIZE);
	KUNIT_EXPECT_EQ(test, xmsg_heap_destroy(heap), 0);
}

static struct kunit_case xmsg_mm_heap_cases[] = {
	KUNIT_CASE(heap_stats_owns_offset),
	KUNIT_CASE(heap_chunk_get_free),
	KUNIT_CASE(heap_make_unmake),
	KUNIT_CASE(heap_create_destroy),
	KUNIT_CASE(heap_create_einval),
	KUNIT_CASE(heap_create_enomem),
	KUNIT_CASE(heap_destroy_null),
	KUNIT_CASE(heap_get_rel),
	KUNIT_CASE(heap_get_einval),
	KUNIT_CASE(heap_get_enomem),
	KUNIT_CASE(heap_destroy_busy),
	KUNIT_CASE(heap_proxy_keeps_body),
	{}
};

static struct kunit_suite xmsg_mm_heap_suite = {
	.name = "xmsg_mm_heap",
	.test_cases = xmsg_mm_heap_cases,
};

kunit_test_suite(xmsg_mm_heap_suite);

MODULE_DESCRIPTION("KUnit tests for xmsg heaps");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(XMSG_NS);
