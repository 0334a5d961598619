// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg mm: heaps for variable-size message bodies.
 *
 * A heap is one vmalloc'ed region managed by the kernel's genalloc with a
 * granule of 2^min_order bytes.  Message bodies of any size are carved
 * from it and go back to it when their message is released.
 *
 * Locking: genalloc allocates and frees lock-free (cmpxchg on its bitmap,
 * RCU for its chunk list), so taking and giving back chunks works in any
 * context.  heap->out counts chunks out (atomic).  Creating and
 * destroying a heap may sleep.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/genalloc.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include "mm_internal.h"

#define XMSG_HEAP_MAX_ORDER	16

/**
 * struct xmsg_heap - a genalloc heap for message bodies
 * @gp: the allocator
 * @base: the memory
 * @size: bytes of @base
 * @out: chunks out
 * @name: for warnings
 */
struct xmsg_heap {
	struct gen_pool *gp;
	void *base;
	size_t size;
	atomic_long_t out;
	char name[32];
};

/**
 * xmsg_heap_create() - create a heap for variable-size message bodies
 * @name: for warnings (copied), may be NULL
 * @size: bytes of memory to manage
 * @min_order: log2 of the allocation granule (e.g. 6 for 64 bytes),
 *	at most 16
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
	heap->base = vmalloc(size);
	if (!heap->base)
		goto free_heap;
	heap->gp = gen_pool_create(min_order, NUMA_NO_NODE);
	if (!heap->gp)
		goto free_base;
	if (gen_pool_add(heap->gp, (unsigned long)heap->base, size,
			 NUMA_NO_NODE))
		goto free_gp;
	atomic_long_set(&heap->out, 0);
	return heap;

free_gp:
	gen_pool_destroy(heap->gp);
free_base:
	vfree(heap->base);
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
 * Return: 0 when destroyed (or @heap is NULL), -EBUSY while any body is
 * still out (nothing changes).
 */
int xmsg_heap_destroy(struct xmsg_heap *heap)
{
	if (!heap)
		return 0;
	might_sleep();
	if (atomic_long_read(&heap->out)) {
		pr_warn_ratelimited("heap %s busy (%ld bodies out), not destroyed\n",
				    heap->name, atomic_long_read(&heap->out));
		return -EBUSY;
	}
	gen_pool_destroy(heap->gp);
	vfree(heap->base);
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

void *xmsg_heap_take(struct xmsg_heap *heap, size_t size)
{
	unsigned long addr = gen_pool_alloc(heap->gp, size);

	if (!addr)
		return NULL;
	atomic_long_inc(&heap->out);
	return (void *)addr;
}

void xmsg_heap_put(struct xmsg_heap *heap, void *body, size_t size)
{
	gen_pool_free(heap->gp, (unsigned long)body, size);
	atomic_long_dec(&heap->out);
}
