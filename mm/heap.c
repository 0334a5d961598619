// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg mm: heaps for variable-size message bodies.
 *
 * A heap is one user-mappable region (xmsg_region_alloc(): zeroed pages
 * charged to the creator's memory cgroup, mapped with VM_USERMAP so that
 * remap_vmalloc_range() accepts it) managed by the kernel's genalloc with
 * a granule of 2^min_order bytes.  Chunks of any size are carved from it:
 * message bodies (xmsg_msg_get_heap(), xmsg_msg_make_heap()) and bare
 * chunks (xmsg_heap_chunk_get()), and go back to it when their message is
 * released or the chunk is freed.
 *
 * genalloc's own bitmap (one bit per granule) is charged to the creator's
 * memory cgroup too: xmsg_heap_gp_add() sets up its chunk instead of
 * gen_pool_add(), which would not charge it.
 *
 * Beside the region, a bitmap has one bit per granule, set while a chunk
 * starts there: a free of a pointer that is not the start of a chunk out
 * (a foreign pointer, or a chunk freed already) is refused instead of
 * corrupting genalloc's bitmap.
 *
 * Locking: genalloc allocates and frees lock-free (cmpxchg on its bitmap,
 * RCU for its chunk list), the start bitmap uses atomic bit operations,
 * and the counters are atomics, so taking and giving back chunks works in
 * any context.  @mapped is changed by the vm_ops of the user mappings
 * (mmap_lock held by the mm core).  Creating and destroying a heap may
 * sleep.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/genalloc.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/rculist.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include "mm_internal.h"

#define XMSG_HEAP_MAX_ORDER	16

/*
 * gen_pool_add() with genalloc's chunk (its descriptor and allocation
 * bitmap, one bit per granule: 1/64 of the region at the finest granule)
 * charged to the caller's memory cgroup.  gen_pool_add() allocates it with
 * vzalloc_node(), never charged, and takes no gfp mask; so the chunk is
 * set up here as gen_pool_add() does it, from __vmalloc() with
 * __GFP_ACCOUNT, and gen_pool_destroy() frees it with vfree() as its own.
 * Only the members <linux/genalloc.h> declares are used.
 */
static int xmsg_heap_gp_add(struct gen_pool *gp, void *base, size_t size)
{
	unsigned long nbits = size >> gp->min_alloc_order;
	struct gen_pool_chunk *chunk;

	chunk = __vmalloc(struct_size(chunk, bits, BITS_TO_LONGS(nbits)),
			  GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!chunk)
		return -ENOMEM;
	chunk->phys_addr = -1;	/* as gen_pool_add(): no physical address */
	chunk->start_addr = (unsigned long)base;
	chunk->end_addr = chunk->start_addr + size - 1;
	chunk->owner = NULL;
	atomic_long_set(&chunk->avail, size);
	spin_lock(&gp->lock);
	list_add_rcu(&chunk->next_chunk, &gp->chunks);
	spin_unlock(&gp->lock);
	return 0;
}

/**
 * struct xmsg_heap - a genalloc heap for message bodies
 * @gp: the allocator
 * @base: the memory, from xmsg_region_alloc()
 * @size: bytes of @base managed
 * @min_order: log2 of the granule
 * @starts: one bit per granule, set where a chunk out starts
 * @out: chunks out (bare or message bodies)
 * @failed_gets: gets that found no room
 * @mapped: live user mappings of @base
 * @name: for warnings
 */
struct xmsg_heap {
	struct gen_pool *gp;
	void *base;
	size_t size;
	unsigned int min_order;
	unsigned long *starts;
	atomic_long_t out;
	atomic_long_t failed_gets;
	atomic_t mapped;
	char name[XMSG_NAME_MAX];
};

/**
 * xmsg_heap_create() - create a heap for variable-size message bodies
 * @name: for warnings (copied), may be NULL
 * @size: bytes of memory to manage
 * @min_order: log2 of the allocation granule (e.g. 6 for 64 bytes),
 *	at most 16
 *
 * The memory is zeroed, charged to the caller's memory cgroup and can be
 * mapped into user space with xmsg_heap_mmap().
 *
 * Context: process context, may sleep.
 * Return: the heap, ERR_PTR(-EINVAL) for a zero @size, a @min_order above
 * 16 or a @size below one granule, ERR_PTR(-ENOMEM) when memory runs out
 * (or @size is not below the RAM size).
 */
struct xmsg_heap *xmsg_heap_create(const char *name, size_t size,
				   unsigned int min_order)
{
	struct xmsg_heap *heap;

	might_sleep();
	if (!size || min_order > XMSG_HEAP_MAX_ORDER ||
	    size < (1UL << min_order))
		return ERR_PTR(-EINVAL);
	if (size >> PAGE_SHIFT >= totalram_pages())
		return ERR_PTR(-ENOMEM);
	heap = kzalloc(sizeof(*heap), GFP_KERNEL_ACCOUNT);
	if (!heap)
		return ERR_PTR(-ENOMEM);
	strscpy(heap->name, name ?: "heap", sizeof(heap->name));
	heap->size = size;
	heap->min_order = min_order;
	heap->starts = kvcalloc(BITS_TO_LONGS(size >> min_order),
				sizeof(long), GFP_KERNEL_ACCOUNT);
	if (!heap->starts)
		goto free_heap;
	heap->base = xmsg_region_alloc(size);
	if (!heap->base)
		goto free_starts;
	heap->gp = gen_pool_create(min_order, NUMA_NO_NODE);
	if (!heap->gp)
		goto free_base;
	if (xmsg_heap_gp_add(heap->gp, heap->base, size))
		goto free_gp;
	atomic_long_set(&heap->out, 0);
	atomic_long_set(&heap->failed_gets, 0);
	atomic_set(&heap->mapped, 0);
	return heap;

free_gp:
	gen_pool_destroy(heap->gp);
free_base:
	vfree(heap->base);
free_starts:
	kvfree(heap->starts);
free_heap:
	kfree(heap);
	return ERR_PTR(-ENOMEM);
}
EXPORT_SYMBOL_NS_GPL(xmsg_heap_create, XMSG_NS);

/**
 * xmsg_heap_destroy() - destroy a heap
 * @heap: the heap, or NULL
 *
 * Context: process context, may sleep.
 * Return: 0 when destroyed (or @heap is NULL), -EBUSY while any chunk is
 * still out or the heap is mapped by a user process (nothing changes).
 */
int xmsg_heap_destroy(struct xmsg_heap *heap)
{
	if (!heap)
		return 0;
	might_sleep();
	if (atomic_long_read(&heap->out) || atomic_read(&heap->mapped)) {
		pr_warn_ratelimited("heap %s busy (%ld chunks out, %d mappings), not destroyed\n",
				    heap->name, atomic_long_read(&heap->out),
				    atomic_read(&heap->mapped));
		return -EBUSY;
	}
	gen_pool_destroy(heap->gp);
	vfree(heap->base);
	kvfree(heap->starts);
	kfree(heap);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(xmsg_heap_destroy, XMSG_NS);

/**
 * xmsg_heap_avail() - free bytes of a heap
 * @heap: the heap
 *
 * Context: any context.
 * Return: bytes not allocated (possibly fragmented), 0 for a NULL @heap.
 */
size_t xmsg_heap_avail(struct xmsg_heap *heap)
{
	return heap ? gen_pool_avail(heap->gp) : 0;
}
EXPORT_SYMBOL_NS_GPL(xmsg_heap_avail, XMSG_NS);

/**
 * xmsg_heap_get_stats() - read a heap's counters
 * @heap: the heap
 * @st: filled with a snapshot (zeroes for a NULL @heap)
 *
 * Context: any context.
 * Return: nothing.
 */
void xmsg_heap_get_stats(struct xmsg_heap *heap, struct xmsg_heap_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (!heap)
		return;
	st->size = heap->size;
	st->granule = 1UL << heap->min_order;
	st->avail = gen_pool_avail(heap->gp);
	st->out = atomic_long_read(&heap->out);
	st->failed_gets = atomic_long_read(&heap->failed_gets);
	st->mapped = atomic_read(&heap->mapped);
	st->region_size = PAGE_ALIGN(heap->size);
}
EXPORT_SYMBOL_NS_GPL(xmsg_heap_get_stats, XMSG_NS);

/**
 * xmsg_heap_size() - bytes a heap manages
 * @heap: the heap
 *
 * Context: any context.
 * Return: the size it was created with: the largest chunk one get may ask
 * for.
 */
size_t xmsg_heap_size(const struct xmsg_heap *heap)
{
	return heap->size;
}
EXPORT_SYMBOL_NS_GPL(xmsg_heap_size, XMSG_NS);

/**
 * xmsg_heap_owns() - does a byte range lie inside a heap's memory?
 * @heap: the heap
 * @p: start of the range
 * @len: bytes
 *
 * Context: any context.
 * Return: whether [@p, @p + @len) is inside the heap.
 */
bool xmsg_heap_owns(const struct xmsg_heap *heap, const void *p, size_t len)
{
	unsigned long off = (unsigned long)p - (unsigned long)heap->base;

	return off <= heap->size && len <= heap->size - off;
}
EXPORT_SYMBOL_NS_GPL(xmsg_heap_owns, XMSG_NS);

/**
 * xmsg_heap_offset() - offset of a pointer into a heap's mapping
 * @heap: the heap
 * @p: a pointer inside it (xmsg_heap_owns())
 *
 * Context: any context.
 * Return: bytes from the start of the heap's region.
 */
unsigned long xmsg_heap_offset(const struct xmsg_heap *heap, const void *p)
{
	return (unsigned long)p - (unsigned long)heap->base;
}
EXPORT_SYMBOL_NS_GPL(xmsg_heap_offset, XMSG_NS);

/* Granule index of @p if it is a granule start inside @heap, else -1. */
static long xmsg_heap_granule(const struct xmsg_heap *heap, const void *p)
{
	unsigned long off = (unsigned long)p - (unsigned long)heap->base;

	if (off >= heap->size || off & ((1UL << heap->min_order) - 1))
		return -1;
	return off >> heap->min_order;
}

void *xmsg_heap_take(struct xmsg_heap *heap, size_t size)
{
	unsigned long addr;

	if (size > heap->size)
		addr = 0;
	else
		addr = gen_pool_alloc(heap->gp, size);
	if (!addr) {
		atomic_long_inc(&heap->failed_gets);
		return NULL;
	}
	set_bit(xmsg_heap_granule(heap, (void *)addr), heap->starts);
	atomic_long_inc(&heap->out);
	return (void *)addr;
}

void xmsg_heap_put(struct xmsg_heap *heap, void *body, size_t size)
{
	clear_bit(xmsg_heap_granule(heap, body), heap->starts);
	gen_pool_free(heap->gp, (unsigned long)body, size);
	atomic_long_dec(&heap->out);
}

/*
 * Is @p the start of a chunk out of @heap?  With @claim, atomically mark
 * it no longer out (so that only one of two racing frees wins).
 */
bool xmsg_heap_is_out(struct xmsg_heap *heap, const void *p, bool claim)
{
	long g;

	if (!heap || !p)
		return false;
	g = xmsg_heap_granule(heap, p);
	if (g < 0)
		return false;
	if (claim)
		return test_and_clear_bit(g, heap->starts);
	return test_bit(g, heap->starts);
}

/**
 * xmsg_heap_chunk_get() - take a bare chunk from a heap
 * @heap: the heap
 * @size: bytes wanted, 1 to xmsg_heap_size()
 *
 * A bare chunk is just memory of the heap (zeroed when the heap was made,
 * else holding what its last user wrote); make it a message with
 * xmsg_msg_make_heap() or give it back with xmsg_heap_chunk_free(), with
 * the same @size.
 *
 * Context: any context.
 * Return: the chunk, or NULL for a NULL @heap, a zero @size, or no room.
 */
void *xmsg_heap_chunk_get(struct xmsg_heap *heap, size_t size)
{
	if (!heap || !size)
		return NULL;
	return xmsg_heap_take(heap, size);
}
EXPORT_SYMBOL_NS_GPL(xmsg_heap_chunk_get, XMSG_NS);

/**
 * xmsg_heap_chunk_free() - give a bare chunk back to its heap
 * @heap: the heap
 * @chunk: a bare chunk from xmsg_heap_chunk_get() or xmsg_msg_unmake_heap()
 * @size: the size it was got with
 *
 * A pointer that is not the start of a chunk out of @heap (another heap's,
 * a chunk freed already, the middle of a chunk) is refused and counted
 * nowhere; the heap is unchanged.  A wrong @size is not detected.
 *
 * Context: any context.
 * Return: 0, or -EINVAL (nothing changes).
 */
int xmsg_heap_chunk_free(struct xmsg_heap *heap, void *chunk, size_t size)
{
	if (!size || !xmsg_heap_owns(heap, chunk, size) ||
	    !xmsg_heap_is_out(heap, chunk, true))
		return -EINVAL;
	gen_pool_free(heap->gp, (unsigned long)chunk, size);
	atomic_long_dec(&heap->out);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(xmsg_heap_chunk_free, XMSG_NS);

/**
 * xmsg_heap_mmap() - map a heap's memory into a user process
 * @heap: the heap
 * @vma: the user mapping; @vma->vm_pgoff is the page offset into the heap
 *	(a caller that encodes something else in the file offset must
 *	rewrite vm_pgoff first)
 *
 * As xmsg_pool_mmap(): the mapping cannot grow, and the heap cannot be
 * destroyed while it, or a copy of it, exists.
 *
 * Context: process context, mmap_lock held (an f_op->mmap handler).
 * Return: 0, -EINVAL for NULL arguments or a range outside the heap's
 * pages, or the error of remap_vmalloc_range().
 */
int xmsg_heap_mmap(struct xmsg_heap *heap, struct vm_area_struct *vma)
{
	if (!heap || !vma)
		return -EINVAL;
	return xmsg_region_mmap(heap->base, heap->size, vma, &heap->mapped);
}
EXPORT_SYMBOL_NS_GPL(xmsg_heap_mmap, XMSG_NS);
