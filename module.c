// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg module entry: creates the module's debugfs directory, brings up the
 * layers in order (mm, ipc, the char device) and tears them down in
 * reverse.
 *
 * /sys/kernel/debug/xmsg/ is the root of xmsg's debugfs files: the mm
 * layer puts pools/ there, the ipc layer exchanges and semaphores, and
 * other modules (the sample NIC) may add their own.
 *
 * Locking: none; init and exit run once, at module load and unload.
 */
#include <linux/debugfs.h>
#include <linux/module.h>
#include <xmsg/mm.h>
#include <xmsg/ipc.h>
#include "ipc/cdev/cdev.h"

static struct dentry *xmsg_dbg_root;

/**
 * xmsg_debugfs_root() - xmsg's debugfs directory
 *
 * Context: any context, between module init and exit.
 * Return: the dentry of /sys/kernel/debug/xmsg (an ERR_PTR when debugfs
 * is unavailable; debugfs functions accept it).
 */
struct dentry *xmsg_debugfs_root(void)
{
	return xmsg_dbg_root;
}
EXPORT_SYMBOL_NS_GPL(xmsg_debugfs_root, XMSG_NS);

static int __init xmsg_init(void)
{
	int err;

	xmsg_dbg_root = debugfs_create_dir("xmsg", NULL);
	err = xmsg_mm_init(xmsg_dbg_root);
	if (err)
		goto undo_debugfs;
	err = xmsg_ipc_init(xmsg_dbg_root);
	if (err)
		goto undo_mm;
	err = xmsg_cdev_init();
	if (err)
		goto undo_ipc;
	return 0;

undo_ipc:
	xmsg_ipc_exit();
undo_mm:
	xmsg_mm_exit();
undo_debugfs:
	debugfs_remove_recursive(xmsg_dbg_root);
	return err;
}
module_init(xmsg_init);

static void __exit xmsg_exit(void)
{
	xmsg_cdev_exit();
	xmsg_ipc_exit();
	xmsg_mm_exit();
	debugfs_remove_recursive(xmsg_dbg_root);
	xmsg_dbg_root = NULL;
}
module_exit(xmsg_exit);

MODULE_DESCRIPTION("xmsg: RTOS-style exchange messaging");
MODULE_AUTHOR("The xmsg developers");
MODULE_LICENSE("GPL");
