// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg mm: bare blocks.
 *
 * A bare block is just a data block pointer.  The free blocks of a pool
 * form a stack linked through pool->next[] (beside the region, never
 * inside a block).  Its top is one double word, pool->top: the first free
 * block and the number of free blocks, next to a transaction id bumped by
 * every change.  Getting pops and releasing pushes with one 16-byte
 * cmpxchg (xmsg_cmpxchg_pair()); the id makes a cmpxchg from a stale reading
 * fail (the ABA problem), so no lock is needed and no interrupt is masked.
 * The free count lives in the same word, so a get fails exactly when the
 * pool is empty at that instant, and the free, in-use and high-water
 * figures are exact.
 *
 * pool->state[] holds one byte per block, 1 while it is out.  A release
 * checks the pointer against the region and the block grid, then clears
 * that byte with cmpxchg: a foreign, misaligned or already free pointer
 * (two racing releases of one block included) is refused and changes
 * nothing.
 *
 * Why not per-CPU caches in front of a shared list: exact statistics
 * (in use, high-water mark) and "fails only when truly empty" need one
 * global atomic per get and per release anyway (a per-CPU count cannot
 * give an exact global high-water mark), and that atomic can carry the
 * free list itself; per-CPU caches would add a second atomic and a
 * preemption toggle to every operation.
 *
 * The fast paths (xmsg_block_take(), xmsg_block_push(), xmsg_block_give())
 * are inline in mm_internal.h, for msg.c and bcb.c to use as well.
 *
 * Locking: none.  pool->top and pool->tid change only with
 * xmsg_cmpxchg_pair() (fully ordered, so a block's next[] link and state are
 * visible before the block is), pool->state[] bytes with cmpxchg (release)
 * or a plain store by the get that popped the block (the only one that can
 * touch it then); high_water is raised with cmpxchg; failed_gets and
 * bad_rels are atomics.  Both functions are lock-free (a cmpxchg that
 * loses a race is retried, and a lost race means another CPU made
 * progress), O(1) per attempt whatever the pool size, and never sleep;
 * they may be called in any context, hard IRQ included (they would not
 * deadlock in NMI either, but that is not tested).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/module.h>
#include "mm_internal.h"

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
EXPORT_SYMBOL_NS_GPL(xmsg_block_get, XMSG_NS);

static int xmsg_block_bad(struct xmsg_pool *pool, const char *why)
{
	if (pool)
		atomic_long_inc(&pool->bad_rels);
	pr_warn_ratelimited("bad block release to pool %s: %s\n",
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
 * @pool's region, not at a block start, already free (or being released
 * by someone else at the same time), or the body of a live pool message
 * (unmake it first).
 */
int xmsg_block_rel(struct xmsg_pool *pool, void *dbp)
{
	long idx;

	if (unlikely(!pool || !dbp))
		return xmsg_block_bad(pool, "NULL pointer");
	idx = xmsg_pool_index(pool, dbp);
	if (unlikely(idx < 0))
		return xmsg_block_bad(pool, "not a block start of this pool");
	if (unlikely(xmsg_pool_slot_busy(pool, idx)))
		return xmsg_block_bad(pool, "block is a message body");
	if (unlikely(cmpxchg_relaxed(&pool->state[idx], 1, 0) != 1))
		return xmsg_block_bad(pool, "already free");
	xmsg_block_push(pool, idx);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(xmsg_block_rel, XMSG_NS);
