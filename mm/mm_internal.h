/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xmsg mm: declarations shared by the files of mm/ only.
 */
#ifndef _XMSG_MM_INTERNAL_H
#define _XMSG_MM_INTERNAL_H

#include "mm/xmsg_mm.h"

struct kmem_cache;
struct dentry;

#define XMSG_POOL_NAME_MAX	32
#define XMSG_MCB_CHUNK		32

/**
 * struct xmsg_pool - a pool of fixed-size blocks in one mappable region
 * @lock: protects @nfree, @stack, @map and the counters.  Innermost lock
 *	of xmsg, taken with interrupts disabled (hard-IRQ safe).
 * @region: the blocks, from xmsg_region_alloc() (memcg-charged, mappable)
 * @stride: bytes from one block start to the next
 * @shift: log2(@stride) when @stride is a power of two, else -1
 * @span: @count * @stride, the bytes holding blocks
 * @count: number of blocks
 * @nfree: number of indices on @stack.  Protected by @lock.
 * @stack: indices of the free blocks.  Protected by @lock.
 * @map: allocation bitmap, a set bit is a block that is out.  Protected
 *	by @lock.
 * @high_water: most blocks out at once.  Protected by @lock.
 * @failed_gets: gets that found the pool empty.  Protected by @lock.
 * @bad_rels: releases refused.  Protected by @lock.
 * @mapped: live user mappings of @region
 * @block_size: block size asked for at creation
 * @mcbs: per-block MCB slots, in chunks of XMSG_MCB_CHUNK allocated on first
 *	use (installed with cmpxchg, freed with the pool)
 * @nchunks: entries of @mcbs
 * @dentry: the pool's debugfs file
 * @name: the pool's name
 */
struct xmsg_pool {
	raw_spinlock_t lock;
	void *region;
	size_t stride;
	int shift;
	size_t span;
	u32 count;
	u32 nfree;
	u32 *stack;
	unsigned long *map;
	u32 high_water;
	u64 failed_gets;
	u64 bad_rels;
	atomic_t mapped;
	size_t block_size;
	struct xmsg_msg **mcbs;
	u32 nchunks;
	struct dentry *dentry;
	char name[XMSG_POOL_NAME_MAX];
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

extern struct kmem_cache *xmsg_bcb_cache;
extern struct kmem_cache *xmsg_msg_cache;

/* pool.c */
bool xmsg_pool_is_out(struct xmsg_pool *pool, const void *dbp);
void *xmsg_block_take(struct xmsg_pool *pool, u32 *idx);
void xmsg_block_give(struct xmsg_pool *pool, u32 idx);
struct xmsg_msg *xmsg_pool_mcb(struct xmsg_pool *pool, u32 idx, gfp_t gfp);
void xmsg_pool_put(struct xmsg_pool *pool, void *dbp);

/* owner.c */
void xmsg_owner_add_bcb(struct xmsg_owner *owner, struct xmsg_bcb *bcb);
void xmsg_owner_del_bcb(struct xmsg_bcb *bcb);
void xmsg_owner_add_msg(struct xmsg_owner *owner, struct xmsg_msg *msg);
void xmsg_owner_del_msg(struct xmsg_msg *msg);

/* heap.c */
void xmsg_heap_put(struct xmsg_heap *heap, void *body, size_t size);
void *xmsg_heap_take(struct xmsg_heap *heap, size_t size);

/* debugfs.c */
struct dentry *xmsg_debugfs_pools_dir(void);

/* mm/region.c */
void *xmsg_region_alloc(size_t size);

#endif /* _XMSG_MM_INTERNAL_H */
