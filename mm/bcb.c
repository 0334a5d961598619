// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg mm: standard blocks, i.e. blocks with a block control block (BCB).
 *
 * A BCB records the data block, its pool and its owner.  BCBs come from
 * their own kmem_cache.  Making a BCB from a bare block copies nothing;
 * unmaking it leaves the block out of its pool, bare again.
 *
 * Locking: the owner's lock is taken (interrupts left on: a BCB with an
 * owner is handled in task context only, see owner.c) to put a BCB on or
 * take it off its owner's list (not for a BCB without owner); blocks are
 * got and given back lock-free (see block.c).  Allocation happens before
 * the lock is taken.
 */
#include <linux/err.h>
#include <linux/module.h>
#include <linux/slab.h>
#include "mm_internal.h"

struct kmem_cache *xmsg_bcb_cache;

static struct xmsg_bcb *xmsg_bcb_new(struct xmsg_pool *pool, void *dbp,
				     struct xmsg_owner *owner, gfp_t gfp)
{
	struct xmsg_bcb *bcb = kmem_cache_alloc(xmsg_bcb_cache, gfp);

	if (!bcb)
		return NULL;
	bcb->dbp = dbp;
	bcb->pool = pool;
	if (owner) {
		xmsg_owner_add_bcb(owner, bcb);
	} else {
		bcb->owner = NULL;
		INIT_LIST_HEAD(&bcb->owner_link);
	}
	return bcb;
}

/**
 * xmsg_bcb_get() - get a standard block from a pool
 * @pool: the pool
 * @owner: the new owner, or NULL
 * @gfp: how to allocate the BCB (GFP_ATOMIC in atomic context)
 *
 * Context: any context allowed by @gfp; task context with an @owner.
 * Return: the BCB, ERR_PTR(-EINVAL) for a NULL @pool, ERR_PTR(-ENOMEM)
 * when the pool is empty or no BCB could be allocated.
 */
struct xmsg_bcb *xmsg_bcb_get(struct xmsg_pool *pool,
			      struct xmsg_owner *owner, gfp_t gfp)
{
	struct xmsg_bcb *bcb;
	void *dbp;
	u32 idx;

	if (!pool)
		return ERR_PTR(-EINVAL);
	dbp = xmsg_block_take(pool, &idx);
	if (!dbp)
		return ERR_PTR(-ENOMEM);
	bcb = xmsg_bcb_new(pool, dbp, owner, gfp);
	if (!bcb) {
		xmsg_block_give(pool, idx);
		return ERR_PTR(-ENOMEM);
	}
	return bcb;
}
EXPORT_SYMBOL_NS_GPL(xmsg_bcb_get, XMSG_NS);

/**
 * xmsg_bcb_rel() - release a standard block
 * @bcb: the BCB
 *
 * The block goes back to its pool and the BCB to its cache; the BCB leaves
 * its owner's list.  Releasing a BCB twice is a use after free.
 *
 * Context: any context; task context when @bcb has an owner.
 * Return: 0, or -EINVAL for a NULL @bcb.
 */
int xmsg_bcb_rel(struct xmsg_bcb *bcb)
{
	if (!bcb)
		return -EINVAL;
	if (bcb->owner)
		xmsg_owner_del_bcb(bcb);
	xmsg_pool_put(bcb->pool, bcb->dbp);
	kmem_cache_free(xmsg_bcb_cache, bcb);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(xmsg_bcb_rel, XMSG_NS);

/**
 * xmsg_bcb_make() - make a standard block from a bare block
 * @pool: the pool @dbp came from
 * @dbp: a bare block that is out of @pool
 * @owner: the new owner, or NULL
 * @gfp: how to allocate the BCB
 *
 * No data is copied; the block stays out of its pool and now belongs to
 * the BCB.
 *
 * Context: any context allowed by @gfp; task context with an @owner.
 * Return: the BCB, ERR_PTR(-EINVAL) when @pool or @dbp is NULL or @dbp is
 * not the start of a block that is out of @pool, ERR_PTR(-ENOMEM) when no
 * BCB could be allocated.
 */
struct xmsg_bcb *xmsg_bcb_make(struct xmsg_pool *pool, void *dbp,
			       struct xmsg_owner *owner, gfp_t gfp)
{
	struct xmsg_bcb *bcb;

	if (!xmsg_pool_is_out(pool, dbp))
		return ERR_PTR(-EINVAL);
	bcb = xmsg_bcb_new(pool, dbp, owner, gfp);
	return bcb ?: ERR_PTR(-ENOMEM);
}
EXPORT_SYMBOL_NS_GPL(xmsg_bcb_make, XMSG_NS);

/**
 * xmsg_bcb_unmake() - turn a standard block back into a bare block
 * @bcb: the BCB, freed here
 * @poolp: if not NULL, set to the block's pool
 *
 * The block stays out of its pool, bare; release it with
 * xmsg_block_rel() (or make it again).
 *
 * Context: any context; task context when @bcb has an owner.
 * Return: the data block pointer, or ERR_PTR(-EINVAL) for a NULL @bcb.
 */
void *xmsg_bcb_unmake(struct xmsg_bcb *bcb, struct xmsg_pool **poolp)
{
	void *dbp;

	if (!bcb)
		return ERR_PTR(-EINVAL);
	if (bcb->owner)
		xmsg_owner_del_bcb(bcb);
	dbp = bcb->dbp;
	if (poolp)
		*poolp = bcb->pool;
	kmem_cache_free(xmsg_bcb_cache, bcb);
	return dbp;
}
EXPORT_SYMBOL_NS_GPL(xmsg_bcb_unmake, XMSG_NS);
