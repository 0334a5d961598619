// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg mm: init and exit of the mm layer.
 *
 * Creates the kmem caches of the control blocks and messages, and the
 * debugfs directory pools/ under the module's root, where every pool puts
 * a stats file (pool.c).
 *
 * Locking: none; init and exit run once, at module load and unload.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/slab.h>
#include "mm_internal.h"

static struct dentry *xmsg_dbg_pools;

struct dentry *xmsg_debugfs_pools_dir(void)
{
	return xmsg_dbg_pools;
}

/**
 * xmsg_mm_init() - set up the mm layer
 * @root: the module's debugfs directory (an ERR_PTR when debugfs is
 *	unavailable; debugfs functions accept it)
 *
 * Context: module init.
 * Return: 0, -EOPNOTSUPP on a CPU without a double-word cmpxchg, or
 * -ENOMEM.
 */
int xmsg_mm_init(struct dentry *root)
{
	/* The lock-free free stack of block.c needs a double-word cmpxchg. */
	if (!xmsg_has_cmpxchg_pair()) {
		pr_err("this CPU has no double-word cmpxchg\n");
		return -EOPNOTSUPP;
	}
	xmsg_bcb_cache = KMEM_CACHE(xmsg_bcb, SLAB_ACCOUNT);
	if (!xmsg_bcb_cache)
		return -ENOMEM;
	xmsg_msg_cache = KMEM_CACHE(xmsg_msg, SLAB_HWCACHE_ALIGN | SLAB_ACCOUNT);
	if (!xmsg_msg_cache)
		goto destroy_bcb;
	xmsg_dbg_pools = debugfs_create_dir("pools", root);
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
	debugfs_remove_recursive(xmsg_dbg_pools);
	xmsg_dbg_pools = NULL;
	kmem_cache_destroy(xmsg_msg_cache);
	kmem_cache_destroy(xmsg_bcb_cache);
}
