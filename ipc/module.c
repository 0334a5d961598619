// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg module entry: brings up the layers in order and tears them down in
 * reverse.
 */
#include <linux/module.h>
#include "../mm/xmsg_mm.h"
#include "xmsg_ipc.h"
#include "xmsg_chardev.h"

static int __init xmsg_init(void)
{
	int err;

	err = xmsg_mm_init();
	if (err)
		return err;
	err = xmsg_ipc_init();
	if (err)
		goto undo_mm;
	err = xmsg_chardev_init();
	if (err)
		goto undo_ipc;
	return 0;

undo_ipc:
	xmsg_ipc_exit();
undo_mm:
	xmsg_mm_exit();
	return err;
}
module_init(xmsg_init);

static void __exit xmsg_exit(void)
{
	xmsg_chardev_exit();
	xmsg_ipc_exit();
	xmsg_mm_exit();
}
module_exit(xmsg_exit);

MODULE_DESCRIPTION("xmsg: RTOS-style exchange messaging");
MODULE_AUTHOR("The xmsg developers");
MODULE_LICENSE("GPL");
