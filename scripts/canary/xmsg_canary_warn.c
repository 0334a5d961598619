// SPDX-License-Identifier: GPL-2.0
/*
 * Harness self-test: a module whose init triggers a WARN_ON.  Loaded only
 * by the harness self-test, which checks that the splat turns it red.
 */
#include <linux/bug.h>
#include <linux/module.h>

static int __init xmsg_canary_warn_init(void)
{
	WARN_ON(1);
	return 0;
}
module_init(xmsg_canary_warn_init);

static void __exit xmsg_canary_warn_exit(void)
{
}
module_exit(xmsg_canary_warn_exit);

MODULE_DESCRIPTION("xmsg harness self-test: a WARN_ON at load");
MODULE_LICENSE("GPL");
