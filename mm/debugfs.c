// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg mm: debugfs root and init/exit of the mm layer.
 *
 * /sys/kernel/debug/xmsg/ is the root of xmsg's debugfs files; the pools
 * put one stats file each under pools/, other layers may add their own.
 *
 * Locking: none; init and exit run once, at module load and unload.
 */
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/slab.h>
#include "mm/mm_internal.h"

static struct dentry *xmsg_dbg_root;
static struct dentry *xmsg_dbg_pools;

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

struct dentry *xmsg_debugfs_pools_dir(void)
{
	return xmsg_dbg_pools;
}

/**
 * xmsg_mm_init() - set up the mm layer
 *
 * Context: module init.
 * Return: 0, -EOPNOTSUPP on a CPU without a double-word cmpxchg, or
 * -ENOMEM.
 */
int xmsg_mm_init(void)
{
	/* The lock-free free stack of block.c needs a double-word cmpxchg. */
	if (!xmsg_has_cmpxchg_pair()) {
		pr_err("xmsg: this CPU has no double-word cmpxchg\n");
		return -EOPNOTSUPP;
	}
	xmsg_bcb_cache = KMEM_CACHE(xmsg_bcb, SLAB_ACCOUNT);
	if (!xmsg_bcb_cache)
		return -ENOMEM;
	xmsg_msg_cache = KMEM_CACHE(xmsg_msg, SLAB_HWCACHE_ALIGN | SLAB_ACCOUNT);
	if (!xmsg_msg_cache)
		goto destroy_bcb;
	xmsg_dbg_root = debugfs_create_dir("xmsg", NULL);
	xmsg_dbg_pools = debugfs_create_dir("pools", xmsg_dbg_root);
	return 0;

destroy_bcb:
	kmem_cache_destroy(xmsg_bcb_cache);
	return -ENOMEM;
}

/**
 * xmsg_mm_exit() - tear down the mm layer
 *
 * Every pool and heap must be destroyed and every control block released
 * before (slab reports leftovers).
 *
 * Context: module exit.
 */
void xmsg_mm_exit(void)
{
	debugfs_remove_recursive(xmsg_dbg_root);
	xmsg_dbg_root = NULL;
	xmsg_dbg_pools = NULL;
	kmem_cache_destroy(xmsg_msg_cache);
	kmem_cache_destroy(xmsg_bcb_cache);
}
