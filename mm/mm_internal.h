/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xmsg mm: declarations shared by the files of mm/ only, and the inline
 * fast paths of bare blocks (see block.c).
 *
 * Locking: a pool has no lock and no per-CPU cache.  Its free stack top
 * (pool->top with pool->tid) changes only with xmsg_cmpxchg_pair(), a block's
 * state byte with cmpxchg on release and a plain store by the get that
 * popped it; the counters are atomics.  Every function here is lock-free
 * and may run in any context, hard IRQ included.
 */
#ifndef _XMSG_MM_INTERNAL_H
#define _XMSG_MM_INTERNAL_H

#include <linux/atomic.h>
#include <linux/bug.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/preempt.h>
#include <linux/spinlock.h>
#include <xmsg/mm.h>

/* The free stack top packs a block index and a count in one long. */
#ifndef CONFIG_64BIT
#error "xmsg needs a 64-bit kernel"
#endif

struct kmem_cache;
struct dentry;

#define XMSG_MCB_CHUNK		32

/* pool->top: the first free block (XMSG_TOP_NONE: none) and the free count */
#define XMSG_TOP_NONE		U32_MAX
#define XMSG_TOP_HEAD(t)	((u32)(t))
#define XMSG_TOP_NFREE(t)	((u32)((t) >> 32))
#define XMSG_TOP_MK(h, n)	((unsigned long)(h) | (unsigned long)(n) << 32)

/**
 * struct xmsg_pool - a pool of fixed-size blocks in one mappable region
 * @top: top of the free stack: first free block and number of free
 *	blocks (see XMSG_TOP_MK()).  Changed with xmsg_cmpxchg_pair() only,
 *	together with @tid.
 * @tid: transaction id, bumped by every change of @top
 * @next: free stack links, one per block (meaningful while it is free)
 * @state: one byte per block, 1 while it is out, 0 while it is free
 * @high_water: most blocks out at once (raised with cmpxchg)
 * @failed_gets: gets that found the pool empty
 * @bad_rels: releases refused
 * @region: the blocks, from xmsg_region_alloc() (memcg-charged, mappable)
 * @stride: bytes from one block start to the next
 * @shift: log2(@stride) when @stride is a power of two, else -1
 * @span: @count * @stride, the bytes holding blocks
 * @count: number of blocks
 * @mapped: live user mappings of @region
 * @block_size: block size asked for at creation
 * @mcbs: per-block MCB slots, in chunks of XMSG_MCB_CHUNK allocated on first
 *	use (installed with cmpxchg, freed with the pool)
 * @nchunks: entries of @mcbs
 * @dentry: the pool's debugfs file
 * @closed: closed to users (xmsg_pool_close()); read and written with
 *	READ_ONCE()/WRITE_ONCE()
 * @name: the pool's name
 */
struct xmsg_pool {
	unsigned long top __aligned(16);	/* for xmsg_cmpxchg_pair() */
	unsigned long tid;
	u32 *next;
	u8 *state;
	u32 high_water;
	atomic_long_t failed_gets;
	atomic_long_t bad_rels;
	void *region;
	size_t stride;
	int shift;
	size_t span;
	u32 count;
	atomic_t mapped;
	size_t block_size;
	struct xmsg_msg **mcbs;
	u32 nchunks;
	struct dentry *dentry;
	bool closed;
	char name[XMSG_NAME_MAX];
};

/**
 * xmsg_pool_index() - block index of a pointer into a pool's region
 * @pool: the pool
 * @p: any pointer
 *
 * Return: the index of the block starting at @p, or -1 when @p is
 * outside the region or not at a block start.
 */
static inline long xmsg_pool_index(const struct xmsg_pool *pool,
				   const void *p)
{
	unsigned long off = (unsigned long)p - (unsigned long)pool->region;
	unsigned long idx;

	if (off >= pool->span)
		return -1;
	if (likely(pool->shift >= 0))
		idx = off >> pool->shift;
	else
		idx = off / pool->stride;
	if (idx * pool->stride != off)
		return -1;
	return idx;
}

/* Block @idx is the body of a message whose MCB is its slot. */
static inline bool xmsg_pool_slot_busy(const struct xmsg_pool *pool, long idx)
{
	struct xmsg_msg *chunk = READ_ONCE(pool->mcbs[idx / XMSG_MCB_CHUNK]);

	return chunk && READ_ONCE(chunk[idx % XMSG_MCB_CHUNK].body);
}

static inline void *xmsg_pool_addr(const struct xmsg_pool *pool, u32 idx)
{
	if (likely(pool->shift >= 0))
		return pool->region + ((size_t)idx << pool->shift);
	return pool->region + (size_t)idx * pool->stride;
}

/*
 * The fast paths of block.c, inline here because msg.c uses them too (an
 * out-of-line call costs about as much as the work itself).  See the
 * Locking comment of block.c.
 */

/* Raise the high-water mark to @out blocks out, if it is higher. */
static __always_inline void xmsg_pool_raise_hw(struct xmsg_pool *pool,
					       u32 out)
{
	u32 hw = READ_ONCE(pool->high_water);

	while (unlikely(out > hw) &&
	       !try_cmpxchg_relaxed(&pool->high_water, &hw, out))
		;
}

/* Get a block and its index; NULL when empty (a failed get). */
void xmsg_pool_get_failed(struct xmsg_pool *pool);

static __always_inline void *xmsg_block_take(struct xmsg_pool *pool,
					     u32 *idxp)
{
	unsigned long top, tid, new;
	u32 idx, nfree;

	do {
		tid = READ_ONCE(pool->tid);
		top = READ_ONCE(pool->top);
		nfree = XMSG_TOP_NFREE(top);
		if (unlikely(!nfree)) {
			xmsg_pool_get_failed(pool);
			return NULL;
		}
		idx = XMSG_TOP_HEAD(top);
		new = XMSG_TOP_MK(READ_ONCE(pool->next[idx]), nfree - 1);
	} while (unlikely(!xmsg_cmpxchg_pair(&pool->top, top, tid, new,
					     tid + 1)));
	WRITE_ONCE(pool->state[idx], 1);
	xmsg_pool_raise_hw(pool, pool->count - nfree + 1);
	*idxp = idx;
	return xmsg_pool_addr(pool, idx);
}

/* Push block @idx, whose state was just cleared, on the free stack. */
static __always_inline void xmsg_block_push(struct xmsg_pool *pool, u32 idx)
{
	unsigned long top, tid;

	do {
		tid = READ_ONCE(pool->tid);
		top = READ_ONCE(pool->top);
		WRITE_ONCE(pool->next[idx], XMSG_TOP_HEAD(top));
	} while (unlikely(!xmsg_cmpxchg_pair(&pool->top, top, tid,
					     XMSG_TOP_MK(idx,
							 XMSG_TOP_NFREE(top) + 1),
					     tid + 1)));
}

/* Give back block @idx, known to be out; a free one is an xmsg bug. */
static __always_inline void xmsg_block_give(struct xmsg_pool *pool, u32 idx)
{
	if (WARN_ON_ONCE(cmpxchg_relaxed(&pool->state[idx], 1, 0) != 1))
		return;
	xmsg_block_push(pool, idx);
}

/*
 * Give back a block known to be out (a body or a BCB's block, whose slot
 * is free): only its state is checked, and a mismatch is an xmsg bug.
 */
static __always_inline void xmsg_pool_put(struct xmsg_pool *pool, void *dbp)
{
	long idx = xmsg_pool_index(pool, dbp);

	if (WARN_ON_ONCE(idx < 0))
		return;
	xmsg_block_give(pool, idx);
}

struct xmsg_msg *xmsg_pool_mcb_alloc(struct xmsg_pool *pool, u32 idx,
				     gfp_t gfp);

/*
 * The MCB slot of block @idx: allocated a chunk at a time on first use
 * (with @gfp), then kept until the pool is destroyed.  NULL when the chunk
 * cannot be allocated (the caller falls back to the MCB cache).
 */
static __always_inline struct xmsg_msg *
xmsg_pool_mcb(struct xmsg_pool *pool, u32 idx, gfp_t gfp)
{
	struct xmsg_msg *chunk = READ_ONCE(pool->mcbs[idx / XMSG_MCB_CHUNK]);

	if (likely(chunk))
		return &chunk[idx % XMSG_MCB_CHUNK];
	return xmsg_pool_mcb_alloc(pool, idx, gfp);
}

extern struct kmem_cache *xmsg_bcb_cache;
extern struct kmem_cache *xmsg_msg_cache;

/* pool.c */
bool xmsg_pool_is_out(struct xmsg_pool *pool, const void *dbp);

/*
 * Owner lists (see owner.c), inline: msg.c and bcb.c put every control
 * block with an owner on and off a list, and a call costs about as much
 * as the list work.
 *
 * owner->lock is a plain spinlock, interrupts left on: a control block
 * with an owner is only ever touched in task context (the owners are
 * open files of /dev/xmsg and kernel users in process context), so no
 * interrupt handler can want the lock while a task holds it.  Control
 * blocks without owner (queued at an exchange, or of kernel users that
 * do not track ownership, such as the NIC sample in softirq) never take
 * it.  Lockdep reports a lock taken in IRQ context too; the check below
 * also catches a lone IRQ-context user on a kernel with lockdep.
 */
static __always_inline void xmsg_owner_lock(struct xmsg_owner *owner)
	__acquires(&owner->lock)
{
	if (IS_ENABLED(CONFIG_PROVE_LOCKING))
		WARN_ON_ONCE(!in_task());
	spin_lock(&owner->lock);
}

static __always_inline void xmsg_owner_unlock(struct xmsg_owner *owner)
	__releases(&owner->lock)
{
	spin_unlock(&owner->lock);
}

/* Put @msg, which has no owner, on @owner's list (NULL: leave it so). */
static __always_inline void xmsg_owner_add_msg(struct xmsg_owner *owner,
					       struct xmsg_msg *msg)
{
	if (!owner)
		return;
	xmsg_owner_lock(owner);
	list_add_tail(&msg->owner_link, &owner->msgs);
	owner->nr++;
	WRITE_ONCE(msg->owner, owner);
	xmsg_owner_unlock(owner);
}

/* Take @msg off the list of @owner, its owner. */
static __always_inline void __xmsg_owner_del_msg(struct xmsg_owner *owner,
						 struct xmsg_msg *msg)
	__must_hold(&owner->lock)
{
	lockdep_assert_held(&owner->lock);
	list_del_init(&msg->owner_link);
	owner->nr--;
	WRITE_ONCE(msg->owner, NULL);
}

/* Take @msg off its owner's list, if it has an owner. */
static __always_inline void xmsg_owner_del_msg(struct xmsg_msg *msg)
{
	struct xmsg_owner *owner = READ_ONCE(msg->owner);

	if (!owner)
		return;
	xmsg_owner_lock(owner);
	__xmsg_owner_del_msg(owner, msg);
	xmsg_owner_unlock(owner);
}

/* owner.c: the same for BCBs (not on a fast path) */
void xmsg_owner_add_bcb(struct xmsg_owner *owner, struct xmsg_bcb *bcb);
void xmsg_owner_del_bcb(struct xmsg_bcb *bcb);

/* heap.c */
void xmsg_heap_put(struct xmsg_heap *heap, void *body, size_t size);
void *xmsg_heap_take(struct xmsg_heap *heap, size_t size);
bool xmsg_heap_is_out(struct xmsg_heap *heap, const void *p, bool claim);

/* mm_init.c */
struct dentry *xmsg_debugfs_pools_dir(void);

/* mm/region.c */

#endif /* _XMSG_MM_INTERNAL_H */
