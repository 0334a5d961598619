// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg pool regions.
 *
 * A pool's blocks live in one region that user processes can mmap().  The
 * region is built from zeroed order-0 pages allocated with __GFP_ACCOUNT,
 * so it is charged to the memory cgroup of the task that creates the pool
 * (a user process through /dev/xmsg; the root cgroup for kernel threads),
 * and mapped contiguously in the kernel with vmap(VM_USERMAP) so that
 * remap_vmalloc_range() accepts it.  vmalloc_user() would give the same
 * mapping but cannot be asked to account, and __vmalloc_node_range() is not
 * exported to modules.
 *
 * __GFP_RETRY_MAYFAIL: a pool that does not fit (in memory or under the
 * cgroup's memory.max) fails with -ENOMEM instead of invoking the OOM
 * killer on the creator's behalf.
 *
 * VM_MAP_PUT_PAGES hands the page array and the pages to the vmap area:
 * vfree() of the region frees both, and the pages are uncharged as they
 * are freed.
 *
 * Locking: none.  A region belongs to one pool (or heap); it is allocated
 * before the pool is visible and freed after its last user is gone.  The
 * mapping counter of xmsg_region_mmap() is an atomic, changed by the
 * vm_ops of the user mappings (mmap_lock held by the mm core).
 */

#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include "mm_internal.h"

/**
 * xmsg_region_alloc() - allocate a region user space may map
 * @size: bytes needed (rounded up to whole pages)
 *
 * For pool regions, and for other memory shared with a process through
 * remap_vmalloc_range() (the receive rings of /dev/xmsg): zeroed, charged
 * to the calling task's memory cgroup, failing instead of invoking the OOM
 * killer.
 *
 * Context: process context, may sleep.
 * Return: the zeroed region, to be released with vfree(), or NULL when
 * memory (or the caller's memory cgroup) is exhausted or the caller got
 * a fatal signal.
 */
void *xmsg_region_alloc(size_t size)
{
	unsigned long n = PAGE_ALIGN(size) >> PAGE_SHIFT;
	struct page **pages;
	unsigned long i;
	void *region;

	might_sleep();
	if (!n || n > UINT_MAX)
		return NULL;
	pages = kvmalloc_array(n, sizeof(*pages),
			       GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!pages)
		return NULL;
	for (i = 0; i < n; i++) {
		pages[i] = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO |
				      __GFP_NOWARN | __GFP_RETRY_MAYFAIL);
		if (!pages[i])
			goto free_pages;
		if (fatal_signal_pending(current))	/* a killed creator */
			goto free_pages_i;
		cond_resched();
	}
	region = vmap(pages, n, VM_MAP | VM_USERMAP | VM_MAP_PUT_PAGES,
		      PAGE_KERNEL);
	if (!region)
		goto free_pages;
	return region;

free_pages_i:
	i++;
free_pages:
	while (i--)
		__free_page(pages[i]);
	kvfree(pages);
	return NULL;
}
EXPORT_SYMBOL_NS_GPL(xmsg_region_alloc, XMSG_NS);

static void xmsg_region_vm_open(struct vm_area_struct *vma)
{
	atomic_t *mapped = vma->vm_private_data;

	atomic_inc(mapped);
}

static void xmsg_region_vm_close(struct vm_area_struct *vma)
{
	atomic_t *mapped = vma->vm_private_data;

	atomic_dec(mapped);
}

static const struct vm_operations_struct xmsg_region_vm_ops = {
	.open = xmsg_region_vm_open,
	.close = xmsg_region_vm_close,
};

/**
 * xmsg_region_mmap() - map (part of) a region into a user process
 * @region: from xmsg_region_alloc()
 * @size: bytes of @region in use (the mapping may cover their last page)
 * @vma: the user mapping; @vma->vm_pgoff is the page offset into @region
 * @mapped: counts the live mappings: raised now and by every copy of
 *	the mapping (fork, split), lowered as each goes
 *
 * The mapping cannot grow (VM_DONTEXPAND) nor be dumped.  This sets
 * @vma->vm_ops and @vma->vm_private_data.
 *
 * Context: process context, mmap_lock held (an f_op->mmap handler).
 * Return: 0, -EINVAL for a range outside the region's pages, or the error
 * of remap_vmalloc_range().
 */
int xmsg_region_mmap(void *region, size_t size, struct vm_area_struct *vma,
		     atomic_t *mapped)
{
	unsigned long pages = PAGE_ALIGN(size) >> PAGE_SHIFT;
	unsigned long npages = vma_pages(vma);
	int ret;

	if (vma->vm_pgoff >= pages || npages > pages - vma->vm_pgoff)
		return -EINVAL;
	ret = remap_vmalloc_range(vma, region, vma->vm_pgoff);
	if (ret)
		return ret;
	xmsg_vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_private_data = mapped;
	vma->vm_ops = &xmsg_region_vm_ops;
	atomic_inc(mapped);
	return 0;
}
