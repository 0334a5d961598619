// SPDX-License-Identifier: GPL-2.0
/*
 * Harness self-test: a KUnit case that always fails.  Loaded only by the
 * harness self-test, which checks that the result turns red.
 */
#include <kunit/test.h>
#include <linux/module.h>

static void xmsg_canary_fails(struct kunit *test)
{
	KUNIT_EXPECT_EQ_MSG(test, 1, 2, "canary: this case must fail");
}

static struct kunit_case xmsg_canary_cases[] = {
	KUNIT_CASE(xmsg_canary_fails),
	{}
};

static struct kunit_suite xmsg_canary_suite = {
	.name = "xmsg_canary",
	.test_cases = xmsg_canary_cases,
};

kunit_test_suite(xmsg_canary_suite);

MODULE_DESCRIPTION("xmsg harness self-test: a failing KUnit case");
MODULE_LICENSE("GPL");
