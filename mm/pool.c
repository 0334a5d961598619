// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg mm: block pools.
 *
 * A pool is @count blocks of @stride bytes in one region from
 * xmsg_region_alloc() (mm/region.c), so it can be mapped into user
 * processes; the region and the metadata are charged to the creator's
 * memory cgroup.  The free stack (linked through pool->next[], see
 * block.c) and the per-block state bytes live beside the region; nothing
 * is ever stored inside a block.
 *
 * Locking: no lock.  The free stack (pool->top, pool->tid, pool->next[])
 * and the block states are changed lock-free by block.c (xmsg_cmpxchg_pair()
 * and cmpxchg), so blocks can be got and released in any context, hard
 * IRQ included.  The counters are atomics read without a lock.
 * pool->mapped is an atomic counter, changed by the vm_ops of the user
 * mappings (mmap_lock held by the mm core).  The chunks of per-block MCB
 * slots (pool->mcbs) are installed lock-free with cmpxchg and freed with
 * the pool.  Creating and destroying a pool may sleep; destroying one
 * while another thread still uses it is a caller bug, as for any object.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include "mm_internal.h"
#include <xmsg/trace.h>

#define XMSG_POOL_DEFAULT_ALIGN	64

static atomic_t xmsg_pool_ids = ATOMIC_INIT(0);

static int xmsg_pool_stats_show(struct seq_file *m, void *v)
{
	struct dentry *d = m->file->f_path.dentry;
	struct xmsg_pool *pool = m->private;
	struct xmsg_pool_stats st;
	int ret;

	/* the file is "unsafe": hold off xmsg_pool_destroy() while we look */
	ret = debugfs_file_get(d);
	if (ret)
		return ret;
	xmsg_pool_get_stats(pool, &st);
	seq_printf(m, "name:        %s\n", pool->name);
	debugfs_file_put(d);
	seq_printf(m, "block_size:  %llu\n", st.block_size);
	seq_printf(m, "count:       %llu\n", st.count);
	seq_printf(m, "free:        %llu\n", st.free);
	seq_printf(m, "in_use:      %llu\n", st.in_use);
	seq_printf(m, "high_water:  %llu\n", st.high_water);
	seq_printf(m, "failed_gets: %llu\n", st.failed_gets);
	seq_printf(m, "bad_rels:    %llu\n", st.bad_rels);
	seq_printf(m, "mapped:      %llu\n", st.mapped);
	seq_printf(m, "region_size: %llu\n", st.region_size);
	return 0;
}

static int xmsg_pool_stats_open(struct inode *inode, struct file *file)
{
	return single_open(file, xmsg_pool_stats_show, inode->i_private);
}

/* read_iter only, so that kernel_read() works too (the KUnit test) */
static const struct file_operations xmsg_pool_stats_fops = {
	.owner = THIS_MODULE,
	.open = xmsg_pool_stats_open,
	.read_iter = seq_read_iter,
	.llseek = seq_lseek,
	.release = single_release,
};

/*
 * The stats file is pools/<name>, or pools/<name>-<id> when that name is
 * taken ('/' becomes '_').  The mutex makes lookup and create atomic.
 */
static void xmsg_pool_debugfs_add(struct xmsg_pool *pool)
{
	static DEFINE_MUTEX(lock);
	struct dentry *dir = xmsg_debugfs_pools_dir(), *old;
	char fname[XMSG_NAME_MAX + 12];
	char *c;

	if (IS_ERR_OR_NULL(dir))
		return;
	strscpy(fname, pool->name, sizeof(fname));
	for (c = fname; *c; c++)
		if (*c == '/')
			*c = '_';
	mutex_lock(&lock);
	old = debugfs_lookup(fname, dir);
	if (old) {
		dput(old);
		snprintf(fname + strlen(fname), 12, "-%d",
			 atomic_inc_return(&xmsg_pool_ids));
	}
	pool->dentry = debugfs_create_file_unsafe(fname, 0444, dir, pool,
						  &xmsg_pool_stats_fops);
	mutex_unlock(&lock);
}

static int xmsg_pool_check(const struct xmsg_pool_params *params,
			   size_t *stride, size_t *span)
{
	size_t align;

	if (!params || !params->block_size || !params->count)
		return -EINVAL;
	align = params->align;
	if (!align)
		align = IS_ALIGNED(params->block_size, PAGE_SIZE) ?
			PAGE_SIZE : XMSG_POOL_DEFAULT_ALIGN;
	if (!is_power_of_2(align) || align > PAGE_SIZE)
		return -EINVAL;
	if (params->block_size > SIZE_MAX - align)
		return -EINVAL;
	*stride = round_up(params->block_size, align);
	if (check_mul_overflow(*stride, (size_t)params->count, span) ||
	    *span > SIZE_MAX - PAGE_SIZE)
		return -EINVAL;
	if (PAGE_ALIGN(*span) >> PAGE_SHIFT > totalram_pages())
		return -ENOMEM;
	return 0;
}

static int xmsg_pool_alloc_meta(struct xmsg_pool *pool)
{
	u32 i;

	pool->region = xmsg_region_alloc(pool->span);
	if (!pool->region)
		return -ENOMEM;
	/*
	 * vmalloc even for small pools: with kvmalloc() the arrays of a
	 * 1,000,000-block pool came from kmalloc and its gets and releases
	 * ran 15-30% slower under QEMU TCG (see docs/mm.md); from vmalloc
	 * they cost the same at every pool size.  Sized by user space: they
	 * fail with -ENOMEM, without a warning, as the region's pages do.
	 */
	pool->next = __vmalloc(array_size(pool->count, sizeof(u32)),
			       GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!pool->next)
		goto free_region;
	pool->state = __vmalloc(pool->count, GFP_KERNEL_ACCOUNT | __GFP_ZERO |
				__GFP_NOWARN);
	if (!pool->state)
		goto free_next;
	pool->nchunks = DIV_ROUND_UP(pool->count, XMSG_MCB_CHUNK);
	pool->mcbs = kvcalloc(pool->nchunks, sizeof(*pool->mcbs),
			      GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!pool->mcbs)
		goto free_state;
	/* Lowest block on top: gets come out in address order at first. */
	for (i = 0; i < pool->count; i++)
		pool->next[i] = i + 1 < pool->count ? i + 1 : XMSG_TOP_NONE;
	pool->top = XMSG_TOP_MK(0, pool->count);
	pool->tid = 0;
	return 0;

free_state:
	vfree(pool->state);
free_next:
	vfree(pool->next);
free_region:
	vfree(pool->region);
	return -ENOMEM;
}

static void xmsg_pool_free_meta(struct xmsg_pool *pool)
{
	u32 i;

	for (i = 0; i < pool->nchunks; i++)
		kfree(pool->mcbs[i]);
	kvfree(pool->mcbs);
	vfree(pool->state);
	vfree(pool->next);
	vfree(pool->region);
}

/**
 * xmsg_pool_create() - create a pool of fixed-size blocks
 * @params: name, block size, count and alignment
 *
 * The region holding the blocks is zeroed and can be mapped into user
 * space with xmsg_pool_mmap().  Block i starts at offset i * stride, where
 * stride is the block size rounded up to the alignment.
 *
 * Context: process context, may sleep.
 * Return: the new pool, ERR_PTR(-EINVAL) for a NULL @params, a zero block
 * size or count, an alignment that is not a power of two or is above
 * PAGE_SIZE, or a size that overflows; ERR_PTR(-ENOMEM) when memory runs
 * out (or the region would exceed RAM).
 */
struct xmsg_pool *xmsg_pool_create(const struct xmsg_pool_params *params)
{
	struct xmsg_pool *pool;
	size_t stride, span;
	int ret;

	might_sleep();
	ret = xmsg_pool_check(params, &stride, &span);
	if (ret)
		return ERR_PTR(ret);
	pool = kzalloc(sizeof(*pool), GFP_KERNEL_ACCOUNT);
	if (!pool)
		return ERR_PTR(-ENOMEM);
	BUILD_BUG_ON(sizeof(pool->top) != 8);
	atomic_long_set(&pool->failed_gets, 0);
	atomic_long_set(&pool->bad_rels, 0);
	pool->stride = stride;
	pool->shift = is_power_of_2(stride) ? ilog2(stride) : -1;
	pool->span = span;
	pool->count = params->count;
	pool->block_size = params->block_size;
	atomic_set(&pool->mapped, 0);
	strscpy(pool->name, params->name ?: "pool", sizeof(pool->name));
	ret = xmsg_pool_alloc_meta(pool);
	if (ret) {
		kfree(pool);
		return ERR_PTR(ret);
	}
	xmsg_pool_debugfs_add(pool);
	return pool;
}
EXPORT_SYMBOL_NS_GPL(xmsg_pool_create, XMSG_NS);

/*
 * A get found @pool empty: count it (XMSG_IOC_INFO's failed_gets) and trace
 * it.  Out of line: the inline get path stays small.
 */
void xmsg_pool_get_failed(struct xmsg_pool *pool)
{
	atomic_long_inc(&pool->failed_gets);
	trace_xmsg_pool_empty(pool->name, pool->block_size, pool->count);
}

/**
 * xmsg_pool_meta_bytes() - kernel memory a pool of @count blocks may pin
 * @count: blocks
 *
 * Besides its region, a pool holds a free-stack link and a state byte per
 * block, a chunk pointer per XMSG_MCB_CHUNK blocks and, once its blocks
 * have been messages, an MCB per block.  Users of the pool API who limit
 * what others make them allocate count this too.
 *
 * Context: any context.
 * Return: the bytes, at most.
 */
u64 xmsg_pool_meta_bytes(u32 count)
{
	u64 chunks = DIV_ROUND_UP((u64)count, XMSG_MCB_CHUNK);

	return sizeof(struct xmsg_pool) + (u64)count * (sizeof(u32) + 1) +
	       chunks * (sizeof(struct xmsg_msg *) +
			 XMSG_MCB_CHUNK * sizeof(struct xmsg_msg));
}
EXPORT_SYMBOL_NS_GPL(xmsg_pool_meta_bytes, XMSG_NS);

/**
 * xmsg_pool_destroy() - destroy a pool
 * @pool: the pool, or NULL
 *
 * Refused while any block is out (bare, standard or a message body) or
 * the region is mapped by a user process: the caller keeps the pool and
 * may try again later.
 *
 * Context: process context, may sleep.
 * Return: 0 when destroyed (or @pool is NULL), -EBUSY while blocks are
 * out or the region is mapped (nothing changes).
 */
int xmsg_pool_destroy(struct xmsg_pool *pool)
{
	int mapped;
	u32 out;

	if (!pool)
		return 0;
	might_sleep();
	out = pool->count - XMSG_TOP_NFREE(READ_ONCE(pool->top));
	mapped = atomic_read(&pool->mapped);
	if (out || mapped) {
		pr_warn_ratelimited("pool %s busy (%u blocks out, %d mappings), not destroyed\n",
				    pool->name, out, mapped);
		return -EBUSY;
	}
	debugfs_remove(pool->dentry);
	xmsg_pool_free_meta(pool);
	kfree(pool);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(xmsg_pool_destroy, XMSG_NS);

/**
 * xmsg_pool_get_stats() - read a pool's counters
 * @pool: the pool
 * @st: filled with a snapshot (free and in use are read at one instant; a
 *	get or release running meanwhile may show in one counter and not yet
 *	in another)
 *
 * Context: any context.
 * Return: nothing.
 */
void xmsg_pool_get_stats(struct xmsg_pool *pool, struct xmsg_pool_stats *st)
{
	memset(st, 0, sizeof(*st));
	if (!pool)
		return;
	st->free = XMSG_TOP_NFREE(READ_ONCE(pool->top));
	st->in_use = pool->count - st->free;
	st->high_water = READ_ONCE(pool->high_water);
	st->failed_gets = atomic_long_read(&pool->failed_gets);
	st->bad_rels = atomic_long_read(&pool->bad_rels);
	st->block_size = pool->stride;
	st->count = pool->count;
	st->mapped = atomic_read(&pool->mapped);
	st->region_size = PAGE_ALIGN(pool->span);
}
EXPORT_SYMBOL_NS_GPL(xmsg_pool_get_stats, XMSG_NS);

/**
 * xmsg_pool_block_size() - bytes per block of a pool
 * @pool: the pool
 *
 * Context: any context.
 * Return: the stride (block size rounded up to the alignment).
 */
size_t xmsg_pool_block_size(const struct xmsg_pool *pool)
{
	return pool->stride;
}
EXPORT_SYMBOL_NS_GPL(xmsg_pool_block_size, XMSG_NS);

/**
 * xmsg_pool_region_size() - bytes of a pool's mappable region
 * @pool: the pool
 *
 * Context: any context.
 * Return: count * stride rounded up to PAGE_SIZE.
 */
size_t xmsg_pool_region_size(const struct xmsg_pool *pool)
{
	return PAGE_ALIGN(pool->span);
}
EXPORT_SYMBOL_NS_GPL(xmsg_pool_region_size, XMSG_NS);

/**
 * xmsg_pool_name() - a pool's name
 * @pool: the pool
 *
 * Context: any context.
 * Return: the name given at creation (truncated to 31 characters).
 */
const char *xmsg_pool_name(const struct xmsg_pool *pool)
{
	return pool->name;
}
EXPORT_SYMBOL_NS_GPL(xmsg_pool_name, XMSG_NS);

/**
 * xmsg_pool_close() - close a pool to users
 * @pool: the pool
 *
 * Marks the pool as destroyed or withdrawn for user space: whoever hands
 * blocks of it to users (a receive ring) asks xmsg_pool_closed() first.
 * The pool itself keeps working for the blocks already out.  Not undone.
 *
 * Context: any context.
 */
void xmsg_pool_close(struct xmsg_pool *pool)
{
	WRITE_ONCE(pool->closed, true);
}

/**
 * xmsg_pool_closed() - whether a pool is closed to users
 * @pool: the pool
 *
 * Context: any context; a hint unless the caller orders it against
 * xmsg_pool_close().
 * Return: true once xmsg_pool_close() was called.
 */
bool xmsg_pool_closed(const struct xmsg_pool *pool)
{
	return READ_ONCE(pool->closed);
}

/**
 * xmsg_pool_owns() - whether a byte range lies inside a pool's blocks
 * @pool: the pool
 * @p: start of the range
 * @len: bytes in the range
 *
 * Context: any context.
 * Return: true when [@p, @p + @len) lies within the blocks of @pool.
 */
bool xmsg_pool_owns(const struct xmsg_pool *pool, const void *p, size_t len)
{
	unsigned long off;

	if (!pool || !p)
		return false;
	off = (unsigned long)p - (unsigned long)pool->region;
	return p >= pool->region && off < pool->span &&
	       len <= pool->span - off;
}
EXPORT_SYMBOL_NS_GPL(xmsg_pool_owns, XMSG_NS);

/**
 * xmsg_pool_offset() - offset of a pointer in a pool's region
 * @pool: the pool
 * @p: a pointer for which xmsg_pool_owns(@pool, @p, 0) is true
 *
 * This is the offset user space sees in its mapping of the region.
 *
 * Context: any context.
 * Return: the byte offset of @p from the start of the region.
 */
unsigned long xmsg_pool_offset(const struct xmsg_pool *pool, const void *p)
{
	return (unsigned long)p - (unsigned long)pool->region;
}
EXPORT_SYMBOL_NS_GPL(xmsg_pool_offset, XMSG_NS);

/**
 * xmsg_pool_block_at() - the block starting at an offset of the region
 * @pool: the pool
 * @offset: byte offset into the region (e.g. from user space)
 *
 * Whether the block is free or out is not checked.
 *
 * Context: any context.
 * Return: the data block pointer, or NULL when @offset is outside the
 * blocks or not at a block start.
 */
void *xmsg_pool_block_at(struct xmsg_pool *pool, unsigned long offset)
{
	unsigned long idx;

	if (!pool || offset >= pool->span)
		return NULL;
	idx = pool->shift >= 0 ? offset >> pool->shift : offset / pool->stride;
	if (idx * pool->stride != offset)
		return NULL;
	return xmsg_pool_addr(pool, idx);
}
EXPORT_SYMBOL_NS_GPL(xmsg_pool_block_at, XMSG_NS);

/*
 * A bare block that is out: in this pool, at a block start, bit set, and
 * not the body of a message that uses the block's MCB slot.
 */
bool xmsg_pool_is_out(struct xmsg_pool *pool, const void *dbp)
{
	long idx;

	if (!pool || !dbp)
		return false;
	idx = xmsg_pool_index(pool, dbp);
	if (idx < 0 || xmsg_pool_slot_busy(pool, idx))
		return false;
	return READ_ONCE(pool->state[idx]);
}

/**
 * xmsg_pool_mmap() - map a pool's region into a user process
 * @pool: the pool
 * @vma: the user mapping; @vma->vm_pgoff is the page offset into the
 *	region (a caller that encodes something else in the file offset
 *	must rewrite vm_pgoff first)
 *
 * The mapping cannot grow (VM_DONTEXPAND) and the pool cannot be
 * destroyed while it, or any copy of it (fork, split), exists.  This sets
 * @vma->vm_ops and @vma->vm_private_data.
 *
 * Context: process context, mmap_lock held (an f_op->mmap handler).
 * Return: 0, -EINVAL for NULL arguments or a range outside the region,
 * or the error of remap_vmalloc_range().
 */
int xmsg_pool_mmap(struct xmsg_pool *pool, struct vm_area_struct *vma)
{
	if (!pool || !vma)
		return -EINVAL;
	return xmsg_region_mmap(pool->region, pool->span, vma, &pool->mapped);
}
EXPORT_SYMBOL_NS_GPL(xmsg_pool_mmap, XMSG_NS);

/* Slow path of xmsg_pool_mcb(): the chunk of block @idx is not there yet. */
struct xmsg_msg *xmsg_pool_mcb_alloc(struct xmsg_pool *pool, u32 idx,
				     gfp_t gfp)
{
	struct xmsg_msg **slot = &pool->mcbs[idx / XMSG_MCB_CHUNK];
	struct xmsg_msg *chunk = READ_ONCE(*slot), *old;

	if (unlikely(!chunk)) {
		chunk = kcalloc(XMSG_MCB_CHUNK, sizeof(*chunk),
				gfp | __GFP_NOWARN | __GFP_ACCOUNT);
		if (!chunk)
			return NULL;
		old = cmpxchg(slot, NULL, chunk);
		if (old) {
			kfree(chunk);
			chunk = old;
		}
	}
	return &chunk[idx % XMSG_MCB_CHUNK];
}
