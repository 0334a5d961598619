// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: xmsg proxies (shared slices of a real message body, body
 * reference counting, release in every order).
 */
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <xmsg/mm.h>

struct ctx {
	struct xmsg_pool *pool;
	struct xmsg_owner owner;
	int ext_released;
};

static int proxy_init(struct kunit *test)
{
	struct xmsg_pool_params p = {
		.name = "kunit-proxy", .block_size = 256, .count = 4,
	};
	struct ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	if (!c)
		return -ENOMEM;
	c->pool = xmsg_pool_create(&p);
	if (IS_ERR(c->pool))
		return PTR_ERR(c->pool);
	xmsg_owner_init(&c->owner, "kunit-proxy");
	test->priv = c;
	return 0;
}

static void proxy_exit(struct kunit *test)
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

static void ext_release(void *ctx)
{
	struct ctx *c = ctx;

	c->ext_released++;
}

static void proxy_make(struct kunit *test)
{
	struct ctx *c = test->priv;
	struct xmsg_msg *real = xmsg_msg_get(c->pool, &c->owner, GFP_KERNEL);
	struct xmsg_msg *p;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, real);
	real->prio = 7;
	p = xmsg_msg_make_proxy(real, 16, 32, &c->owner, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	KUNIT_EXPECT_EQ(test, p->origin, XMSG_ORIGIN_PROXY);
	KUNIT_EXPECT_PTR_EQ(test, p->real, real);
	KUNIT_EXPECT_PTR_EQ(test, p->body, real->body + 16);
	KUNIT_EXPECT_EQ(test, p->size, (size_t)32);
	KUNIT_EXPECT_EQ(test, p->prio, 7);
	KUNIT_EXPECT_PTR_EQ(test, p->owner, &c->owner);
	KUNIT_EXPECT_EQ(test, refcount_read(&real->body_ref), 2);
	KUNIT_EXPECT_EQ(test, c->owner.nr, 2UL);
	/* whole body */
	KUNIT_EXPECT_EQ(test, xmsg_msg_rel(p), 0);
	KUNIT_EXPECT_EQ(test, refcount_read(&real->body_ref), 1);
	p = xmsg_msg_make_proxy(real, 0, 256, NULL, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	KUNIT_EXPECT_NULL(test, p->owner);
	KUNIT_EXPECT_EQ(test, xmsg_msg_rel(p), 0);
	KUNIT_EXPECT_EQ(test, xmsg_msg_rel(real), 0);
	KUNIT_EXPECT_EQ(test, in_use(c->pool), 0ULL);
}

static void proxy_make_einval(struct kunit *test)
{
	struct ctx *c = test->priv;
	struct xmsg_msg *real = xmsg_msg_get(c->pool, &c->owner, GFP_KERNEL);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, real);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_msg_make_proxy(NULL, 0, 1, NULL,
							  GFP_KERNEL)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_msg_make_proxy(real, 0, 0, NULL,
							  GFP_KERNEL)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_msg_make_proxy(real, 0, 257, NULL,
							  GFP_KERNEL)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_msg_make_proxy(real, 200, 57, NULL,
							  GFP_KERNEL)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_msg_make_proxy(real, 257, 1, NULL,
							  GFP_KERNEL)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_msg_make_proxy(real, SIZE_MAX, 2,
							  NULL, GFP_KERNEL)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_msg_make_proxy(real, 1, SIZE_MAX,
							  NULL, GFP_KERNEL)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, refcount_read(&real->body_ref), 1);
	KUNIT_EXPECT_EQ(test, c->owner.nr, 1UL);
	KUNIT_EXPECT_EQ(test, xmsg_msg_rel(real), 0);
}

static void proxy_of_proxy(struct kunit *test)
{
	struct ctx *c = test->priv;
	struct xmsg_msg *real = xmsg_msg_get(c->pool, &c->owner, GFP_KERNEL);
	struct xmsg_msg *p1, *p2;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, real);
	p1 = xmsg_msg_make_proxy(real, 100, 100, &c->owner, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p1);
	/* slice relative to p1's slice, bounded by it */
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_msg_make_proxy(p1, 50, 51, NULL,
							  GFP_KERNEL)), -EINVAL);
	p2 = xmsg_msg_make_proxy(p1, 50, 50, &c->owner, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p2);
	KUNIT_EXPECT_PTR_EQ(test, p2->body, real->body + 150);
	KUNIT_EXPECT_PTR_EQ(test, p2->real, real);
	KUNIT_EXPECT_PTR_EQ(test, xmsg_msg_real(p2), real);
	KUNIT_EXPECT_EQ(test, refcount_read(&real->body_ref), 3);
	/* the real message goes first, then p1: p2 keeps the body */
	KUNIT_EXPECT_EQ(test, xmsg_msg_rel(real), 0);
	KUNIT_EXPECT_EQ(test, xmsg_msg_rel(p1), 0);
	KUNIT_EXPECT_EQ(test, in_use(c->pool), 1ULL);
	KUNIT_EXPECT_EQ(test, refcount_read(&p2->real->body_ref), 1);
	KUNIT_EXPECT_EQ(test, xmsg_msg_rel(p2), 0);
	KUNIT_EXPECT_EQ(test, in_use(c->pool), 0ULL);
	KUNIT_EXPECT_EQ(test, c->owner.nr, 0UL);
}

/* Release the real message R and proxies P1, P2 in the given order. */
static void release_in_order(struct kunit *test, const char *order)
{
	struct ctx *c = test->priv;
	struct xmsg_msg *m[3];
	int i;

	m[0] = xmsg_msg_get(c->pool, &c->owner, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, m[0]);
	memset(m[0]->body, 0x77, 256);
	m[1] = xmsg_msg_make_proxy(m[0], 0, 128, &c->owner, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, m[1]);
	m[2] = xmsg_msg_make_proxy(m[0], 128, 128, &c->owner, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, m[2]);
	KUNIT_EXPECT_EQ(test, refcount_read(&m[0]->body_ref), 3);
	for (i = 0; i < 3; i++) {
		int k = order[i] - '0';

		KUNIT_EXPECT_EQ_MSG(test, in_use(c->pool), 1ULL, "order %s",
				    order);
		if (i < 2 && k != 0) {
			/* body still readable through the other proxies */
			KUNIT_EXPECT_EQ(test, ((u8 *)m[k]->body)[0], 0x77);
		}
		KUNIT_EXPECT_EQ_MSG(test, xmsg_msg_rel(m[k]), 0, "order %s",
				    order);
	}
	KUNIT_EXPECT_EQ_MSG(test, in_use(c->pool), 0ULL, "order %s", order);
	KUNIT_EXPECT_EQ(test, c->owner.nr, 0UL);
}

static void proxy_release_orders(struct kunit *test)
{
	static const char * const orders[] = {
		"012", "021", "102", "120", "201", "210",
	};
	int i;

	for (i = 0; i < ARRAY_SIZE(orders); i++)
		release_in_order(test, orders[i]);
}

static void proxy_real_released_twice(struct kunit *test)
{
	struct ctx *c = test->priv;
	struct xmsg_msg *real = xmsg_msg_get(c->pool, &c->owner, GFP_KERNEL);
	struct xmsg_msg *p;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, real);
	p = xmsg_msg_make_proxy(real, 0, 10, &c->owner, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	KUNIT_EXPECT_EQ(test, xmsg_msg_rel(real), 0);
	KUNIT_EXPECT_TRUE(test, real->released);
	KUNIT_EXPECT_EQ(test, xmsg_msg_rel(real), -EINVAL);
	KUNIT_EXPECT_EQ(test, refcount_read(&real->body_ref), 1);
	KUNIT_EXPECT_EQ(test, in_use(c->pool), 1ULL);
	/* a released real message can't be unmade, moved or proxied... */
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_msg_unmake(real, NULL)), -EINVAL);
	KUNIT_EXPECT_EQ(test, xmsg_msg_set_owner(real, NULL, &c->owner),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_msg_make_proxy(real, 0, 1, NULL,
							  GFP_KERNEL)), -EINVAL);
	KUNIT_EXPECT_EQ(test, refcount_read(&real->body_ref), 1);
	/* ...but its live proxy is a valid source */
	{
		struct xmsg_msg *q = xmsg_msg_make_proxy(p, 2, 4, &c->owner,
							 GFP_KERNEL);

		KUNIT_ASSERT_NOT_ERR_OR_NULL(test, q);
		KUNIT_EXPECT_PTR_EQ(test, q->real, real);
		KUNIT_EXPECT_EQ(test, refcount_read(&real->body_ref), 2);
		KUNIT_EXPECT_EQ(test, xmsg_msg_rel(p), 0);
		KUNIT_EXPECT_EQ(test, in_use(c->pool), 1ULL);
		KUNIT_EXPECT_EQ(test, xmsg_msg_rel(q), 0);
	}
	KUNIT_EXPECT_EQ(test, in_use(c->pool), 0ULL);
}

static void proxy_unmake_ebusy(struct kunit *test)
{
	struct ctx *c = test->priv;
	struct xmsg_msg *real = xmsg_msg_get(c->pool, &c->owner, GFP_KERNEL);
	struct xmsg_msg *p;
	void *dbp;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, real);
	p = xmsg_msg_make_proxy(real, 0, 10, &c->owner, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	KUNIT_EXPECT_EQ(test, PTR_ERR(xmsg_msg_unmake(real, NULL)), -EBUSY);
	KUNIT_EXPECT_EQ(test, refcount_read(&real->body_ref), 2);
	KUNIT_EXPECT_FALSE(test, real->released);
	KUNIT_EXPECT_EQ(test, c->owner.nr, 2UL);
	KUNIT_EXPECT_EQ(test, xmsg_msg_rel(p), 0);
	dbp = xmsg_msg_unmake(real, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(dbp));
	KUNIT_EXPECT_EQ(test, in_use(c->pool), 1ULL);
	KUNIT_EXPECT_EQ(test, xmsg_block_rel(c->pool, dbp), 0);
}

static void proxy_ext_callback_once(struct kunit *test)
{
	struct ctx *c = test->priv;
	struct xmsg_ext_body ext = { .release = ext_release, .ctx = c };
	void *body = kunit_kzalloc(test, 64, GFP_KERNEL);
	struct xmsg_msg *real, *p1, *p2;

	KUNIT_ASSERT_NOT_NULL(test, body);
	real = xmsg_msg_make_ext(body, 64, &ext, &c->owner, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, real);
	p1 = xmsg_msg_make_proxy(real, 0, 32, &c->owner, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p1);
	p2 = xmsg_msg_make_proxy(real, 32, 32, &c->owner, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p2);
	KUNIT_EXPECT_EQ(test, xmsg_msg_rel(p1), 0);
	KUNIT_EXPECT_EQ(test, xmsg_msg_rel(real), 0);
	KUNIT_EXPECT_EQ(test, c->ext_released, 0);
	KUNIT_EXPECT_EQ(test, xmsg_msg_rel(p2), 0);
	KUNIT_EXPECT_EQ(test, c->ext_released, 1);
}

static void proxy_owner_release_all(struct kunit *test)
{
	struct ctx *c = test->priv;
	struct xmsg_owner other;
	struct xmsg_msg *real, *p;

	xmsg_owner_init(&other, "kunit-proxy-other");
	real = xmsg_msg_get(c->pool, &c->owner, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, real);
	p = xmsg_msg_make_proxy(real, 0, 10, &other, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, p);
	/* the real message's owner closes: the proxy keeps the body */
	xmsg_owner_release_all(&c->owner);
	KUNIT_EXPECT_EQ(test, in_use(c->pool), 1ULL);
	KUNIT_EXPECT_EQ(test, other.nr, 1UL);
	xmsg_owner_release_all(&other);
	KUNIT_EXPECT_EQ(test, in_use(c->pool), 0ULL);
	KUNIT_EXPECT_EQ(test, other.nr, 0UL);
}

static struct kunit_case xmsg_mm_proxy_cases[] = {
	KUNIT_CASE(proxy_make),
	KUNIT_CASE(proxy_make_einval),
	KUNIT_CASE(proxy_of_proxy),
	KUNIT_CASE(proxy_release_orders),
	KUNIT_CASE(proxy_real_released_twice),
	KUNIT_CASE(proxy_unmake_ebusy),
	KUNIT_CASE(proxy_ext_callback_once),
	KUNIT_CASE(proxy_owner_release_all),
	{}
};

static struct kunit_suite xmsg_mm_proxy_suite = {
	.name = "xmsg_mm_proxy",
	.init = proxy_init,
	.exit = proxy_exit,
	.test_cases = xmsg_mm_proxy_cases,
};

kunit_test_suite(xmsg_mm_proxy_suite);

MODULE_DESCRIPTION("KUnit tests for xmsg proxies");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(XMSG_NS);
