// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg mm: bare blocks (the seed's base blocks).
 *
 * A bare block is just a data block pointer.  Getting pops a block index
 * off the pool's free stack and sets its bit in the allocation bitmap;
 * releasing checks the pointer against the region, the block grid and the
 * bitmap before pushing the index back, so a foreign, misaligned or
 * already free pointer is refused and changes nothing.
 *
 * Locking: only pool->lock (raw, irqsave), held for a few instructions.
 * Both functions are O(1) and may be called in any context, hard IRQ and
 * NMI-free atomic sections included.
 */
#include <linux/module.h>
#include "mm/mm_internal.h"

/* Get a block and its index; NULL when empty (a failed get). */
void *xmsg_block_take(struct xmsg_pool *pool, u32 *idxp)
{
	unsigned long flags;
	u32 idx, out;

	raw_spin_lock_irqsave(&pool->lock, flags);
	if (unlikely(!pool->nfree)) {
		pool->failed_gets++;
		raw_spin_unlock_irqrestore(&pool->lock, flags);
		return NULL;
	}
	idx = pool->stack[--pool->nfree];
	__set_bit(idx, pool->map);
	out = pool->count - pool->nfree;
	if (out > pool->high_water)
		pool->high_water = out;
	raw_spin_unlock_irqrestore(&pool->lock, flags);
	*idxp = idx;
	return xmsg_pool_addr(pool, idx);
}

/**
 * xmsg_block_get() - get a bare block from a pool
 * @pool: the pool
 *
 * Context: any context, hard IRQ included.  Does not sleep.
 * Return: the data block pointer, or NULL when @pool is NULL or empty (an
 * empty pool counts a failed get).
 */
void *xmsg_block_get(struct xmsg_pool *pool)
{
	u32 idx;

	if (unlikely(!pool))
		return NULL;
	return xmsg_block_take(pool, &idx);
}
EXPORT_SYMBOL_NS_GPL(xmsg_block_get, XMSG);

/* Give back block @idx, known to be out; a free one is an xmsg bug. */
void xmsg_block_give(struct xmsg_pool *pool, u32 idx)
{
	unsigned long flags;
	bool was_out;

	raw_spin_lock_irqsave(&pool->lock, flags);
	was_out = __test_and_clear_bit(idx, pool->map);
	if (likely(was_out))
		pool->stack[pool->nfree++] = idx;
	raw_spin_unlock_irqrestore(&pool->lock, flags);
	WARN_ON_ONCE(!was_out);
}

static int xmsg_block_bad(struct xmsg_pool *pool, const void *dbp,
			  const char *why)
{
	unsigned long flags;

	if (pool) {
		raw_spin_lock_irqsave(&pool->lock, flags);
		pool->bad_rels++;
		raw_spin_unlock_irqrestore(&pool->lock, flags);
	}
	pr_warn_ratelimited("xmsg: bad block release to pool %s: %s\n",
			    pool ? pool->name : "(null)", why);
	return -EINVAL;
}

/**
 * xmsg_block_rel() - release a bare block to its pool
 * @pool: the pool it came from
 * @dbp: the data block pointer from xmsg_block_get() (or one left by an
 *	unmake)
 *
 * A refused release warns (rate-limited), counts a bad release and
 * changes nothing else.
 *
 * Context: any context, hard IRQ included.  Does not sleep.
 * Return: 0, or -EINVAL when @pool or @dbp is NULL, @dbp is not in
 * @pool's region, not at a block start, already free, or the body of a
 * live pool message (unmake it first).
 */
int xmsg_block_rel(struct xmsg_pool *pool, void *dbp)
{
	unsigned long flags;
	long idx;

	if (unlikely(!pool || !dbp))
		return xmsg_block_bad(pool, dbp, "NULL pointer");
	idx = xmsg_pool_index(pool, dbp);
	if (unlikely(idx < 0))
		return xmsg_block_bad(pool, dbp, "not a block start of this pool");
	if (unlikely(xmsg_pool_slot_busy(pool, idx)))
		return xmsg_block_bad(pool, dbp, "block is a message body");
	raw_spin_lock_irqsave(&pool->lock, flags);
	if (unlikely(!__test_and_clear_bit(idx, pool->map))) {
		pool->bad_rels++;
		raw_spin_unlock_irqrestore(&pool->lock, flags);
		pr_warn_ratelimited("xmsg: bad block release to pool %s: already free\n",
				    pool->name);
		return -EINVAL;
	}
	pool->stack[pool->nfree++] = idx;
	raw_spin_unlock_irqrestore(&pool->lock, flags);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(xmsg_block_rel, XMSG);
