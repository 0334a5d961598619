/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xmsg memory management engine: pools, bare blocks, block and message
 * control blocks, heaps, make/unmake, proxies and owners.
 */
#ifndef _XMSG_MM_H
#define _XMSG_MM_H

/**
 * DOC: xmsg memory management engine
 *
 * A *pool* is N blocks of one size carved from one virtually contiguous,
 * user-mappable region.  Nothing is ever stored inside a block: the free
 * stack and a state byte per block live beside the region, so a bare
 * block release can be validated (wrong pool, not a block start, already
 * free) without trusting the caller.
 *
 * A *bare block* is just a data block pointer.
 * xmsg_block_get() and xmsg_block_rel() are O(1), lock-free and may be
 * called from any context, hard IRQ included.
 *
 * A *standard block* has a block control block (struct xmsg_bcb) that
 * records its data block, its pool and its owner.  xmsg_bcb_make() turns a
 * bare block into a standard block without copying; xmsg_bcb_unmake() turns
 * it back.
 *
 * A *message* has a message control block (struct xmsg_msg, the MCB) that
 * records its body, its origin (pool, heap, external, or the real message
 * of a proxy), its owner, a priority, a reply handle and queue links.
 * Releasing a message returns the body to its origin and frees the MCB,
 * whoever releases it.  (A pool message uses its block's own MCB slot,
 * kept beside the pool; other MCBs come from an MCB kmem_cache.)
 * xmsg_msg_make() makes a message from a bare block (no copy),
 * xmsg_msg_unmake() turns it back into a bare block.
 *
 * A *proxy* shares the body (or a slice of it) of a real message.  The
 * real body is reference counted: the real message holds one reference and
 * each proxy one more.  Releasing a proxy frees only its MCB; the body goes
 * back to its origin when the real message and every proxy are released,
 * in any order.
 *
 * An *owner* (struct xmsg_owner) is whoever holds BCBs and MCBs: an open
 * file of /dev/xmsg or a kernel user.  Each owner keeps its control blocks
 * on a list, so xmsg_owner_release_all() is O(owned).  A message queued at
 * an exchange has no owner (NULL).  The owner's lock leaves interrupts on,
 * so control blocks with an owner are handled in task context only; those
 * without owner in any context the functions allow.
 */

#include <linux/types.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/refcount.h>
#include <linux/xmsg.h>
#include <xmsg/compat.h>

struct xmsg_pool;
struct xmsg_heap;
struct vm_area_struct;
struct seq_file;

/**
 * struct xmsg_owner - holder of block and message control blocks
 * @lock: protects @bcbs, @msgs and @nr, and the owner field of the
 *	control blocks on them; a plain spinlock, taken in task context only
 * @bcbs: standard blocks owned.  Protected by @lock.
 * @msgs: messages owned.  Protected by @lock.
 * @nr: number of control blocks owned.  Protected by @lock.
 * @name: for debugging and warnings
 */
struct xmsg_owner {
	spinlock_t lock; /* see @lock above */
	struct list_head bcbs;
	struct list_head msgs;
	unsigned long nr;
	const char *name;
};

/**
 * struct xmsg_pool_params - how to create a pool
 * @name: name shown in debugfs (copied)
 * @block_size: bytes per block, >= 1
 * @count: number of blocks, >= 1
 * @align: block alignment, a power of two, 0 for the default (64 bytes,
 *	or PAGE_SIZE when @block_size is a multiple of PAGE_SIZE)
 */
struct xmsg_pool_params {
	const char *name;
	size_t block_size;
	u32 count;
	u32 align;
};

/**
 * struct xmsg_pool_stats - a snapshot of a pool's counters
 * @block_size: bytes per block (after alignment: the stride)
 * @count: blocks in the pool
 * @free: blocks free now
 * @in_use: blocks out now (bare, standard or message bodies)
 * @high_water: most blocks ever out at once
 * @failed_gets: gets that found the pool empty
 * @bad_rels: releases refused as invalid
 * @mapped: live user mappings of the region
 * @region_size: bytes in the mappable region
 */
struct xmsg_pool_stats {
	u64 block_size;
	u64 count;
	u64 free;
	u64 in_use;
	u64 high_water;
	u64 failed_gets;
	u64 bad_rels;
	u64 mapped;
	u64 region_size;
};

/**
 * struct xmsg_heap_stats - a snapshot of a heap's counters
 * @size: bytes the heap manages (the largest chunk one get may ask for)
 * @granule: allocation granule in bytes: chunks are rounded up to it
 * @avail: bytes free now (possibly fragmented)
 * @out: chunks out now (bare chunks and message bodies)
 * @failed_gets: gets that found no room
 * @mapped: live user mappings of the heap's memory
 * @region_size: bytes of the mappable region (@size rounded up to pages)
 */
struct xmsg_heap_stats {
	u64 size;
	u64 granule;
	u64 avail;
	u64 out;
	u64 failed_gets;
	u64 mapped;
	u64 region_size;
};

/**
 * struct xmsg_bcb - block control block of a standard block
 * @dbp: the data block
 * @pool: its pool of origin
 * @owner: who holds it.  Changed under @owner->lock.
 * @owner_link: on @owner->bcbs.  Protected by @owner->lock.
 */
struct xmsg_bcb {
	void *dbp;
	struct xmsg_pool *pool;
	struct xmsg_owner *owner;
	struct list_head owner_link;
};

/**
 * enum xmsg_origin - where a message body comes from and goes back to
 * @XMSG_ORIGIN_POOL: a block of @xmsg_msg.pool
 * @XMSG_ORIGIN_HEAP: a chunk of @xmsg_msg.heap
 * @XMSG_ORIGIN_EXT: someone else's memory, given back by @xmsg_msg.ext
 * @XMSG_ORIGIN_PROXY: a slice of @xmsg_msg.real's body
 */
enum xmsg_origin {
	XMSG_ORIGIN_POOL,
	XMSG_ORIGIN_HEAP,
	XMSG_ORIGIN_EXT,
	XMSG_ORIGIN_PROXY,
};

/**
 * struct xmsg_ext_body - an external body and how to give it back
 * @release: called once, in any context, when the last reference to the
 *	body goes away
 * @ctx: passed to @release
 */
struct xmsg_ext_body {
	void (*release)(void *ctx);
	void *ctx;
};

/**
 * struct xmsg_msg - message control block (MCB)
 * @body: the message body (for a proxy: the start of its slice)
 * @size: bytes of @body
 * @origin: what @pool/@heap/@ext/@real mean
 * @pool: origin pool (XMSG_ORIGIN_POOL)
 * @heap: origin heap (XMSG_ORIGIN_HEAP)
 * @ext: external body (XMSG_ORIGIN_EXT)
 * @real: the real message (XMSG_ORIGIN_PROXY)
 * @body_ref: references to the body of a real message: one for the real
 *	message while it is not released, one per live proxy.  The MCB of a
 *	real message stays allocated (but dead) until this reaches zero.
 * @owner: who holds it, or NULL while queued at an exchange.  Changed
 *	under @owner->lock.
 * @owner_link: on @owner->msgs.  Protected by @owner->lock.
 * @link: queue link for the current holder (exchange queue, user list).
 *	Protected by the holder's lock.
 * @prio: priority, 0 (lowest) to XMSG_MSG_PRIO_MAX
 * @released: the real message itself was released (proxies may live on)
 * @in_pool: the MCB is its pool block's own MCB slot (pool messages), not
 *	from the MCB cache; it lives and dies with the body
 * @tag: the tag of the send that queued it (xmsg_xchg_send_tagged()), 0
 *	when untagged: what xmsg_xchg_bump() looks for.  Set by the send,
 *	under the exchange lock while queued; the receiver may read it.
 * @reply: reply object (an exchange or a semaphore), or NULL
 * @reply_put: drops the reference @reply holds, called when the MCB is freed
 */
struct xmsg_msg {
	void *body;
	size_t size;
	enum xmsg_origin origin;
	refcount_t body_ref;
	union {
		struct xmsg_pool *pool;
		struct xmsg_heap *heap;
		struct xmsg_ext_body ext;
		struct xmsg_msg *real;
	};
	struct xmsg_owner *owner;
	struct list_head owner_link;
	struct list_head link;
	u8 prio;
	bool released;
	bool in_pool;
	u64 tag;
	void *reply;
	void (*reply_put)(void *reply);
};

/* owner.c */
void xmsg_owner_init(struct xmsg_owner *owner, const char *name);
void xmsg_owner_release_all(struct xmsg_owner *owner);

/* region.c */
void *xmsg_region_alloc(size_t size);
int xmsg_region_mmap(void *region, size_t size, struct vm_area_struct *vma,
		     atomic_t *mapped);

/* pool.c */
struct xmsg_pool *xmsg_pool_create(const struct xmsg_pool_params *params);
int xmsg_pool_destroy(struct xmsg_pool *pool);
void xmsg_pool_get_stats(struct xmsg_pool *pool, struct xmsg_pool_stats *st);
size_t xmsg_pool_block_size(const struct xmsg_pool *pool);
size_t xmsg_pool_region_size(const struct xmsg_pool *pool);
u64 xmsg_pool_meta_bytes(u32 count);
const char *xmsg_pool_name(const struct xmsg_pool *pool);
void xmsg_pool_close(struct xmsg_pool *pool);
bool xmsg_pool_closed(const struct xmsg_pool *pool);
bool xmsg_pool_owns(const struct xmsg_pool *pool, const void *p, size_t len);
unsigned long xmsg_pool_offset(const struct xmsg_pool *pool, const void *p);
void *xmsg_pool_block_at(struct xmsg_pool *pool, unsigned long offset);
int xmsg_pool_mmap(struct xmsg_pool *pool, struct vm_area_struct *vma);

/* block.c: bare blocks */
void *xmsg_block_get(struct xmsg_pool *pool);
int xmsg_block_rel(struct xmsg_pool *pool, void *dbp);

/* bcb.c: standard blocks */
struct xmsg_bcb *xmsg_bcb_get(struct xmsg_pool *pool,
			      struct xmsg_owner *owner, gfp_t gfp);
int xmsg_bcb_rel(struct xmsg_bcb *bcb);
struct xmsg_bcb *xmsg_bcb_make(struct xmsg_pool *pool, void *dbp,
			       struct xmsg_owner *owner, gfp_t gfp);
void *xmsg_bcb_unmake(struct xmsg_bcb *bcb, struct xmsg_pool **poolp);

/* heap.c: genalloc-backed heaps for variable-size bodies */
struct xmsg_heap *xmsg_heap_create(const char *name, size_t size,
				   unsigned int min_order);
int xmsg_heap_destroy(struct xmsg_heap *heap);
size_t xmsg_heap_avail(struct xmsg_heap *heap);
void xmsg_heap_get_stats(struct xmsg_heap *heap, struct xmsg_heap_stats *st);
size_t xmsg_heap_size(const struct xmsg_heap *heap);
bool xmsg_heap_owns(const struct xmsg_heap *heap, const void *p, size_t len);
unsigned long xmsg_heap_offset(const struct xmsg_heap *heap, const void *p);
void *xmsg_heap_chunk_get(struct xmsg_heap *heap, size_t size);
int xmsg_heap_chunk_free(struct xmsg_heap *heap, void *chunk, size_t size);
int xmsg_heap_mmap(struct xmsg_heap *heap, struct vm_area_struct *vma);

/* msg.c: messages */
struct xmsg_msg *xmsg_msg_get(struct xmsg_pool *pool,
			      struct xmsg_owner *owner, gfp_t gfp);
struct xmsg_msg *xmsg_msg_get_heap(struct xmsg_heap *heap, size_t size,
				   struct xmsg_owner *owner, gfp_t gfp);
struct xmsg_msg *xmsg_msg_make(struct xmsg_pool *pool, void *dbp,
			       struct xmsg_owner *owner, gfp_t gfp);
struct xmsg_msg *xmsg_msg_make_heap(struct xmsg_heap *heap, void *chunk,
				    size_t size, struct xmsg_owner *owner,
				    gfp_t gfp);
struct xmsg_msg *xmsg_msg_make_ext(void *body, size_t size,
				   const struct xmsg_ext_body *ext,
				   struct xmsg_owner *owner, gfp_t gfp);
struct xmsg_msg *xmsg_msg_make_proxy(struct xmsg_msg *real,
				     size_t offset, size_t len,
				     struct xmsg_owner *owner, gfp_t gfp);
void *xmsg_msg_unmake(struct xmsg_msg *msg, struct xmsg_pool **poolp);
void *xmsg_msg_unmake_heap(struct xmsg_msg *msg, struct xmsg_heap **heapp,
			   size_t *sizep);
int xmsg_msg_rel(struct xmsg_msg *msg);
int xmsg_msg_set_owner(struct xmsg_msg *msg, struct xmsg_owner *from,
		       struct xmsg_owner *to);
void xmsg_msg_set_reply(struct xmsg_msg *msg, void *reply,
			void (*reply_put)(void *reply));
struct xmsg_msg *xmsg_msg_real(struct xmsg_msg *msg);
int xmsg_msg_set_length(struct xmsg_msg *msg, size_t len);

/* module.c: the module's debugfs directory */
struct dentry *xmsg_debugfs_root(void);

/* mm_init.c: module init/exit of the mm layer */
int xmsg_mm_init(struct dentry *root);
void xmsg_mm_exit(void);

#endif /* _XMSG_MM_H */
