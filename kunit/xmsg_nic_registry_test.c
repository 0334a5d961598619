// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the registry's kernel-side publish API (ipc/cdev/publish.c),
 * which the NIC sample (net/xmsg_nic.c) uses to name its pool and
 * exchanges for user space: success, every documented errno, and the
 * lifetime rules (a pool given back only once idle; the last reference to
 * a published exchange destroys it), and the names reserved for kernel
 * publishers.
 */
#include <kunit/test.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/stat.h>
#include <xmsg/mm.h>
#include <xmsg/ipc.h>
#include <xmsg/registry.h>

static struct xmsg_pool *mk_pool(struct kunit *test)
{
	struct xmsg_pool_params p = {
		.name = "kunit-nicreg", .block_size = 64, .count = 4,
	};
	struct xmsg_pool *pool = xmsg_pool_create(&p);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pool);
	return pool;
}

static struct xmsg_xchg *mk_xchg(struct kunit *test)
{
	struct xmsg_xchg *x = xmsg_xchg_create("kunit-nicreg",
					       XMSG_XCHG_KIND_NORMAL, 0);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, x);
	return x;
}

/* Publish, -EEXIST for the same name, free again after unpublish. */
static void publish_xchg_eexist(struct kunit *test)
{
	struct xmsg_xchg *a = mk_xchg(test), *b = mk_xchg(test);
	struct xmsg_cdev_obj *ua, *ub;

	ua = xmsg_reg_publish_xchg("kunit.nicreg.x", 0600, a);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ua);
	ub = xmsg_reg_publish_xchg("kunit.nicreg.x", 0600, b);
	KUNIT_EXPECT_EQ(test, PTR_ERR(ub), -EEXIST);
	xmsg_xchg_destroy(a);
	KUNIT_EXPECT_EQ(test, xmsg_reg_unpublish(ua), 0);
	ub = xmsg_reg_publish_xchg("kunit.nicreg.x", 0644, b);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ub);
	xmsg_xchg_destroy(b);
	KUNIT_EXPECT_EQ(test, xmsg_reg_unpublish(ub), 0);
}

/* Pools: -EEXIST among pools; pools and exchanges have separate names. */
static void publish_pool_eexist(struct kunit *test)
{
	struct xmsg_pool *p = mk_pool(test), *q = mk_pool(test);
	struct xmsg_xchg *x = mk_xchg(test);
	struct xmsg_cdev_obj *up, *uq, *ux;

	up = xmsg_reg_publish_pool("kunit.nicreg.p", 0600, p);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, up);
	uq = xmsg_reg_publish_pool("kunit.nicreg.p", 0600, q);
	KUNIT_EXPECT_EQ(test, PTR_ERR(uq), -EEXIST);
	KUNIT_EXPECT_EQ(test, xmsg_pool_destroy(q), 0);	/* still ours */
	ux = xmsg_reg_publish_xchg("kunit.nicreg.p", 0600, x);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, ux);
	xmsg_xchg_destroy(x);
	if (!IS_ERR(ux))
		KUNIT_EXPECT_EQ(test, xmsg_reg_unpublish(ux), 0);
	KUNIT_EXPECT_EQ(test, xmsg_reg_unpublish(up), 0);	/* p goes */
}

static long perr_pool(const char *name, umode_t mode, struct xmsg_pool *p)
{
	return PTR_ERR(xmsg_reg_publish_pool(name, mode, p));
}

static long perr_xchg(const char *name, umode_t mode, struct xmsg_xchg *x)
{
	return PTR_ERR(xmsg_reg_publish_xchg(name, mode, x));
}

/* -EINVAL: names, mode bits, NULL objects; nothing changes. */
static void publish_einval(struct kunit *test)
{
	static const char * const bad[] = {
		"", ".hidden", "a/b", "sp ace", "x\n",
		"0123456789012345678901234567890123",	/* too long */
	};
	struct xmsg_pool *p = mk_pool(test);
	struct xmsg_xchg *x = mk_xchg(test);
	struct xmsg_cdev_obj *u;
	int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		KUNIT_EXPECT_EQ_MSG(test, perr_pool(bad[i], 0600, p), -EINVAL,
				    "name '%s'", bad[i]);
		KUNIT_EXPECT_EQ_MSG(test, perr_xchg(bad[i], 0600, x), -EINVAL,
				    "name '%s'", bad[i]);
	}
	KUNIT_EXPECT_EQ(test, perr_pool(NULL, 0600, p), -EINVAL);
	KUNIT_EXPECT_EQ(test, perr_xchg(NULL, 0600, x), -EINVAL);
	KUNIT_EXPECT_EQ(test, perr_pool("kunit.nicreg.e", S_ISVTX | 0600, p),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, perr_xchg("kunit.nicreg.e", 01000, x), -EINVAL);
	KUNIT_EXPECT_EQ(test, perr_pool("kunit.nicreg.e", 0600, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, perr_xchg("kunit.nicreg.e", 0600, NULL), -EINVAL);
	/* the longest valid name is fine */
	u = xmsg_reg_publish_xchg("k123456789012345678901234567890", 0, x);
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, u);
	xmsg_xchg_destroy(x);
	if (!IS_ERR(u))
		KUNIT_EXPECT_EQ(test, xmsg_reg_unpublish(u), 0);
	KUNIT_EXPECT_EQ(test, xmsg_pool_destroy(p), 0);	/* still ours */
}

static void unpublish_null(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, xmsg_reg_unpublish(NULL), 0);
}

/*
 * A pool with a block out: -EBUSY, the name is gone at once, the caller
 * keeps its reference; once the block is back, 0.
 */
static void unpublish_pool_ebusy(struct kunit *test)
{
	struct xmsg_pool *p = mk_pool(test), *q = mk_pool(test);
	struct xmsg_cdev_obj *up, *uq;
	void *dbp;

	up = xmsg_reg_publish_pool("kunit.nicreg.b", 0600, p);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, up);
	dbp = xmsg_block_get(p);
	KUNIT_ASSERT_NOT_NULL(test, dbp);
	KUNIT_EXPECT_EQ(test, xmsg_reg_unpublish(up), -EBUSY);
	KUNIT_EXPECT_EQ(test, xmsg_reg_unpublish(up), -EBUSY);	/* repeatable */
	uq = xmsg_reg_publish_pool("kunit.nicreg.b", 0600, q);	/* name free */
	KUNIT_EXPECT_NOT_ERR_OR_NULL(test, uq);
	if (IS_ERR(uq))
		KUNIT_EXPECT_EQ(test, xmsg_pool_destroy(q), 0);
	else
		KUNIT_EXPECT_EQ(test, xmsg_reg_unpublish(uq), 0);
	KUNIT_EXPECT_EQ(test, xmsg_block_rel(p, dbp), 0);
	KUNIT_EXPECT_EQ(test, xmsg_reg_unpublish(up), 0);
}

/* The last reference to a published exchange still alive destroys it. */
static void unpublish_destroys_live_xchg(struct kunit *test)
{
	struct xmsg_xchg *x = mk_xchg(test);
	struct xmsg_obj *obj = xmsg_xchg_obj(x);
	struct xmsg_cdev_obj *u;

	u = xmsg_reg_publish_xchg("kunit.nicreg.l", 0600, x);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, u);
	xmsg_obj_get(obj);	/* to look at it afterwards */
	KUNIT_EXPECT_FALSE(test, xmsg_obj_dead(obj));
	KUNIT_EXPECT_EQ(test, xmsg_reg_unpublish(u), 0);
	KUNIT_EXPECT_TRUE(test, xmsg_obj_dead(obj));
	xmsg_obj_put(obj);
}

/* xmsg_reg_name_reserved() with the caller's CAP_NET_ADMIN lowered. */
static bool reserved_without_net_admin(struct kunit *test, const char *name)
{
	const struct cred *old;
	struct cred *cred;
	bool r;

	cred = prepare_creds();
	KUNIT_ASSERT_NOT_NULL(test, cred);
	cap_lower(cred->cap_effective, CAP_NET_ADMIN);
	old = override_creds(cred);
	r = xmsg_reg_name_reserved(name);
	revert_creds(old);
	put_cred(cred);
	return r;
}

/* "nic." is reserved unless the caller has CAP_NET_ADMIN; nothing else. */
static void name_reserved(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, reserved_without_net_admin(test, "nic.eth0"));
	KUNIT_EXPECT_TRUE(test, reserved_without_net_admin(test, "nic.a.rx"));
	KUNIT_EXPECT_TRUE(test, reserved_without_net_admin(test, "nic."));
	KUNIT_EXPECT_FALSE(test, reserved_without_net_admin(test, "nic"));
	KUNIT_EXPECT_FALSE(test, reserved_without_net_admin(test, "nicx.a"));
	KUNIT_EXPECT_FALSE(test, reserved_without_net_admin(test, "NIC.a"));
	KUNIT_EXPECT_FALSE(test, reserved_without_net_admin(test, "a.nic.b"));
	KUNIT_EXPECT_FALSE(test, reserved_without_net_admin(test, ""));
	/* the test thread has every capability */
	KUNIT_EXPECT_FALSE(test, xmsg_reg_name_reserved("nic.eth0"));
}

static struct kunit_case xmsg_nic_registry_cases[] = {
	KUNIT_CASE(publish_xchg_eexist),
	KUNIT_CASE(publish_pool_eexist),
	KUNIT_CASE(publish_einval),
	KUNIT_CASE(unpublish_null),
	KUNIT_CASE(unpublish_pool_ebusy),
	KUNIT_CASE(unpublish_destroys_live_xchg),
	KUNIT_CASE(name_reserved),
	{}
};

static struct kunit_suite xmsg_nic_registry_suite = {
	.name = "xmsg_nic_registry",
	.test_cases = xmsg_nic_registry_cases,
};

kunit_test_suite(xmsg_nic_registry_suite);

MODULE_DESCRIPTION("KUnit tests for the xmsg registry publish API (NIC sample)");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(XMSG_NS);
