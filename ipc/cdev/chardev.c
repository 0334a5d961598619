// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg character device /dev/xmsg: open files, handle tables, ioctl
 * dispatch, mmap and module parameters.  The commands themselves are in
 * object.c (objects), buf.c (blocks and messages), sendrecv.c (send and
 * receive), sem.c (semaphores), read.c and ring.c; named objects in
 * registry.c.  The uAPI is uapi/linux/xmsg.h, documented in docs/uapi.md.
 *
 * Every open file is an owner (struct xmsg_file).  What it holds is in
 * its handle table, an array of struct xmsg_handle pointers indexed by
 * handle with a bitmap of used handles (like a file descriptor table; it
 * grows by doubling): references to pools, exchanges and semaphores, and
 * the messages, BCBs and bare blocks it owns.  Handles are small integers
 * from 1, the lowest free one first; no kernel address reaches user space.
 * A command validates everything, allocates, and only then publishes a
 * handle (xmsg_cdev_handle_reserve() takes the number first, which may grow the
 * table; publishing into the reserved slot cannot fail).  Freed entries
 * are kept as spares (a few per file), so that sending a message and
 * receiving the next does not cost an allocation.
 *
 * Locking
 * -------
 * xmsg_file.lock (mutex) serialises every use of a file's handle table:
 * looking a handle up and using what it names happen under it, so two
 * threads cannot both send (and free) the same message.  It is never held
 * across a user copy (so mmap_lock -> cfile.lock, taken by mmap, has no
 * inverse) nor across a sleep for a message or a semaphore: a blocking
 * receive reserves its handle, takes its own reference on the exchange,
 * drops the lock, sleeps, and retakes it to publish (a message already
 * queued is taken without dropping it).  Lock order:
 * cfile.lock -> uobj.rwsem (read) -> xmsg_reg_lock -> mm and ipc locks.
 */
#include <linux/bitmap.h>
#include <linux/capability.h>
#include <linux/compat.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include "cdev.h"

unsigned int xmsg_max_pools = 64;
module_param_named(max_pools, xmsg_max_pools, uint, 0644);
MODULE_PARM_DESC(max_pools, "Most pools one user may create (default 64)");

unsigned int xmsg_max_objects = 4096;
module_param_named(max_objects, xmsg_max_objects, uint, 0644);
MODULE_PARM_DESC(max_objects,
		 "Most exchanges + semaphores one user may create (default 4096)");

unsigned long xmsg_max_pool_bytes = 64UL << 20;
module_param_named(max_pool_bytes, xmsg_max_pool_bytes, ulong, 0644);
MODULE_PARM_DESC(max_pool_bytes,
		 "Most bytes of pools (regions and metadata), exchange queues and receive rings one user may make the kernel hold (default 64 MiB)");

unsigned int xmsg_max_handles = 65536;
module_param_named(max_handles, xmsg_max_handles, uint, 0644);
MODULE_PARM_DESC(max_handles, "Most handles per open file (default 65536)");

unsigned int xmsg_max_block_count = 1U << 20;
module_param_named(max_block_count, xmsg_max_block_count, uint, 0644);
MODULE_PARM_DESC(max_block_count, "Most blocks in one pool (default 1M)");

/*
 * The gate.  /dev/xmsg is created (by devtmpfs) with @dev_mode; its group
 * comes from a udev rule (udev/60-xmsg.rules), since devtmpfs gives every
 * node group root.  @create_gid, when set, lets only that group's members
 * (and CAP_IPC_OWNER in the initial user namespace) create objects; the
 * others may still open what they are given access to.
 */
static ushort xmsg_dev_mode = 0666;
module_param_named(dev_mode, xmsg_dev_mode, ushort, 0444);
MODULE_PARM_DESC(dev_mode, "Mode of /dev/xmsg at load time (default 0666)");

static int xmsg_create_gid = -1;
module_param_named(create_gid, xmsg_create_gid, int, 0644);
MODULE_PARM_DESC(create_gid,
		 "Group whose members may create objects (default -1: anyone)");

/**
 * xmsg_cdev_may_create() - does the gate let the current task create objects?
 *
 * Context: process context.
 * Return: 0, or -EPERM when create_gid is set, the caller is not in that
 * group and has no CAP_IPC_OWNER in the initial user namespace.
 */
int xmsg_cdev_may_create(void)
{
	int gid = READ_ONCE(xmsg_create_gid);
	kgid_t kgid;

	if (gid < 0)
		return 0;
	kgid = make_kgid(&init_user_ns, gid);
	if ((gid_valid(kgid) && in_group_p(kgid)) || capable(CAP_IPC_OWNER))
		return 0;
	return -EPERM;
}

/* Every uAPI struct has one layout for 32- and 64-bit tasks. */
static_assert(sizeof(struct xmsg_features) == 88);
static_assert(sizeof(struct xmsg_pool_create) == 96);
static_assert(sizeof(struct xmsg_xchg_create) == 80);
static_assert(sizeof(struct xmsg_sem_create) == 88);
static_assert(sizeof(struct xmsg_heap_create) == 96);
static_assert(sizeof(struct xmsg_heap_info) <= sizeof(((struct xmsg_info *)0)->u));
static_assert(sizeof(struct xmsg_open) == 72);
static_assert(sizeof(struct xmsg_handle_op) == 32);
static_assert(sizeof(struct xmsg_buf) == 72);
static_assert(sizeof(struct xmsg_send) == 48);
static_assert(offsetof(struct xmsg_send, timeout_ns) == 40);
static_assert(sizeof(struct xmsg_sem_signal_wait) == 48);
static_assert(sizeof(struct xmsg_recv) == 80);
static_assert(sizeof(struct xmsg_call) == 104);
static_assert(sizeof(struct xmsg_xfer) == 80);
static_assert(sizeof(struct xmsg_xfer_send) == 24);
static_assert(sizeof(struct xmsg_xfer_recv) == 40);
static_assert(!(XMSG_XFER_PROXY & XMSG_SEND_CLOSE_XCHG));
static_assert(sizeof(struct xmsg_sem_op) == 40);
static_assert(sizeof(struct xmsg_poll_fd) == 40);
static_assert(sizeof(struct xmsg_info) == 216);
static_assert(offsetof(struct xmsg_info, u) == 72);
static_assert(sizeof(struct xmsg_xchg_info) == 80 &&
	      sizeof(struct xmsg_sem_info) == 40);
static_assert(sizeof(struct xmsg_list_entry) == 56);
static_assert(sizeof(struct xmsg_list) == 56);
static_assert(XMSG_MMAP_SHIFT >= PAGE_SHIFT);
static_assert(!(XMSG_RECV_NEWER & XMSG_TIMEOUT_ABS) &&
	      !(XMSG_SEND_CLOSE_XCHG & (XMSG_TIMEOUT_ABS | XMSG_RECV_NEWER)) &&
	      !(XMSG_SEND_WAIT & (XMSG_SEND_CLOSE_XCHG | XMSG_TIMEOUT_ABS |
				  XMSG_RECV_NEWER)) &&
	      !(XMSG_SEND_BCAST_WITHDRAW & (XMSG_SEND_WAIT |
					    XMSG_SEND_CLOSE_XCHG |
					    XMSG_TIMEOUT_ABS |
					    XMSG_RECV_NEWER)));

/* ---- user copies ----------------------------------------------------- */

/**
 * xmsg_cdev_copy_in() - copy an ioctl argument struct in
 * @karg: kernel struct, ksize bytes; its first member is __u32 size
 * @ksize: sizeof the kernel's struct
 * @ver0: size of the first version of the struct
 * @uarg: user pointer
 * @cmd: the ioctl command
 *
 * The user's size field must equal _IOC_SIZE(@cmd) and be at least @ver0;
 * a smaller struct is zero-extended, a larger one must have a zero tail.
 * On success karg->size is the user's size (for xmsg_cdev_copy_out()).
 *
 * Context: process context, no lock held (may fault).
 * Return: 0, -EFAULT, -EINVAL (size), or -E2BIG (non-zero tail).
 */
int xmsg_cdev_copy_in(void *karg, size_t ksize, size_t ver0,
		      const void __user *uarg, unsigned int cmd)
{
	u32 usize;
	int err;

	if (_IOC_SIZE(cmd) == ksize) {	/* the common case: one copy */
		if (copy_from_user(karg, uarg, ksize))
			return -EFAULT;
		return *(u32 *)karg == ksize ? 0 : -EINVAL;
	}
	if (get_user(usize, (const u32 __user *)uarg))
		return -EFAULT;
	if (usize != _IOC_SIZE(cmd) || usize < ver0)
		return -EINVAL;
	err = copy_struct_from_user(karg, ksize, uarg, usize);
	if (err)
		return err;
	*(u32 *)karg = usize;
	return 0;
}

/**
 * xmsg_cdev_copy_out() - copy an ioctl argument struct back out
 * @uarg: user pointer
 * @karg: kernel struct, fully initialised; karg->size is the user's size
 * @ksize: sizeof the kernel's struct
 *
 * Only the bytes the user's struct has are written.
 *
 * Context: process context, no lock held (may fault).
 * Return: 0 or -EFAULT.
 */
int xmsg_cdev_copy_out(void __user *uarg, const void *karg, size_t ksize)
{
	size_t n = min_t(size_t, *(const u32 *)karg, ksize);

	return copy_to_user(uarg, karg, n) ? -EFAULT : 0;
}

/**
 * xmsg_cdev_timeout_deadline() - convert a uAPI timeout
 * @ns: XMSG_TIMEOUT_NONE, XMSG_TIMEOUT_FOREVER or nanoseconds
 * @flags: XMSG_TIMEOUT_ABS makes @ns an absolute CLOCK_MONOTONIC time
 * @deadline: out: the timeout of the ipc layer's wait: 0 (do not wait),
 *	XMSG_WAIT_FOREVER, or the CLOCK_MONOTONIC time to give up at;
 *	relative timeouts count from now, to the nanosecond
 *
 * Context: any context.
 * Return: -EINVAL for a negative @ns other than XMSG_TIMEOUT_FOREVER (or
 * a non-positive absolute time); else a bit set: 1 when an absolute time
 * has passed already (an -EAGAIN is then a timeout), 2 when the timeout
 * is relative (an interrupted wait must not be restarted).
 */
long xmsg_cdev_timeout_deadline(s64 ns, u32 flags, ktime_t *deadline)
{
	*deadline = 0;
	if (flags & XMSG_TIMEOUT_ABS) {
		if (ns <= 0)
			return -EINVAL;
		if (ns <= ktime_get())
			return 1;
		*deadline = ns;
		return 0;
	}
	if (ns == XMSG_TIMEOUT_FOREVER) {
		*deadline = XMSG_WAIT_FOREVER;
		return 0;
	}
	if (ns < 0)
		return -EINVAL;
	*deadline = xmsg_wait_ns(ns);
	return ns ? 2 : 0;
}

/**
 * xmsg_cdev_wait_err() - map the error of a wait to the uAPI's
 * @err: what the ipc layer's wait returned
 * @kind: what xmsg_cdev_timeout_deadline() returned for the wait's timeout
 * @restart: whether an interrupted wait may be restarted at all
 *
 * Context: any context.
 * Return: @err, except -ETIMEDOUT for an -EAGAIN past an absolute time
 * and -EINTR for an interrupted wait that must not be restarted.
 */
int xmsg_cdev_wait_err(int err, long kind, bool restart)
{
	if (err == -EAGAIN && (kind & 1))
		return -ETIMEDOUT;
	if (err == -ERESTARTSYS && ((kind & 2) || !restart))
		return -EINTR;
	return err;
}

/* ---- handle table ---------------------------------------------------- */

/**
 * xmsg_cdev_handle_alloc() - a new handle table entry
 * @type: XMSG_TYPE_*
 *
 * Context: process context.
 * Return: the entry (charged to the memcg), or NULL.
 */
struct xmsg_handle *xmsg_cdev_handle_alloc(u8 type)
{
	struct xmsg_handle *h = kzalloc(sizeof(*h), GFP_KERNEL_ACCOUNT);

	if (h) {
		h->type = type;
		INIT_LIST_HEAD(&h->pool_link);
	}
	return h;
}

/**
 * __xmsg_cdev_handle_new() - a new handle table entry, from the file's spares
 * @cf: the file
 * @type: XMSG_TYPE_*
 *
 * Context: @cf->lock held; may sleep (allocates when no spare is left).
 * Return: a zeroed entry of @type, or NULL.
 */
struct xmsg_handle *__xmsg_cdev_handle_new(struct xmsg_file *cf, u8 type)
{
	struct xmsg_handle *h;

	lockdep_assert_held(&cf->lock);
	if (!cf->nspare)
		return xmsg_cdev_handle_alloc(type);
	h = cf->spare[--cf->nspare];
	memset(h, 0, sizeof(*h));
	h->type = type;
	INIT_LIST_HEAD(&h->pool_link);
	return h;
}

/**
 * __xmsg_cdev_handle_free() - free an entry that names nothing (any more)
 * @cf: the file
 * @h: an entry not in the table, or NULL
 *
 * Kept as a spare for __xmsg_cdev_handle_new() while there is room.
 *
 * Context: @cf->lock held.
 */
void __xmsg_cdev_handle_free(struct xmsg_file *cf, struct xmsg_handle *h)
{
	lockdep_assert_held(&cf->lock);
	if (!h)
		return;
	if (cf->nspare < XMSG_HANDLE_SPARE)
		cf->spare[cf->nspare++] = h;
	else
		kfree(h);
}

/* Most slots a handle table may grow to (handles are below 2^31 anyway). */
#define XMSG_HTAB_MAX	BIT(24)
#define XMSG_HTAB_MIN	64U

/* Grow @cf's table to at least @need slots. */
static int __xmsg_cdev_htab_grow(struct xmsg_file *cf, unsigned long need)
{
	unsigned long *used;
	struct xmsg_handle **tab;
	u32 cap = max(cf->cap, XMSG_HTAB_MIN);

	while (cap < need && cap < XMSG_HTAB_MAX)
		cap *= 2;
	if (cap < need)
		return -EMFILE;
	tab = kvcalloc(cap, sizeof(*tab), GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	used = kvcalloc(BITS_TO_LONGS(cap), sizeof(*used),
			GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!tab || !used) {
		kvfree(tab);
		kvfree(used);
		return -ENOMEM;
	}
	if (cf->cap) {
		memcpy(tab, cf->tab, cf->cap * sizeof(*tab));
		bitmap_copy(used, cf->used, cf->cap);
	} else {
		__set_bit(0, used);	/* 0 is never a handle */
	}
	kvfree(cf->tab);
	kvfree(cf->used);
	cf->tab = tab;
	cf->used = used;
	cf->cap = cap;
	return 0;
}

/**
 * xmsg_cdev_handle_reserve() - reserve a handle number
 * @cf: the file, lock held
 * @id: out: the handle, the lowest free one
 *
 * Context: @cf->lock held; may sleep (grows the table).
 * Return: 0, -EMFILE (xmsg_max_handles reached) or -ENOMEM.
 */
int xmsg_cdev_handle_reserve(struct xmsg_file *cf, u32 *id)
{
	unsigned long i;
	int err;

	lockdep_assert_held(&cf->lock);
	if (cf->nr >= xmsg_max_handles)
		return -EMFILE;
	i = cf->cap ? find_next_zero_bit(cf->used, cf->cap, cf->next) : 1;
	if (i >= cf->cap) {
		err = __xmsg_cdev_htab_grow(cf, i + 1);
		if (err)
			return err;
	}
	__set_bit(i, cf->used);
	cf->tab[i] = NULL;
	cf->next = i + 1;
	cf->nr++;
	*id = i;
	return 0;
}

/**
 * xmsg_cdev_handle_publish() - fill a reserved handle
 * @cf: the file
 * @h: the entry
 * @id: a handle from xmsg_cdev_handle_reserve()
 *
 * Context: @cf->lock held.  Cannot fail.
 */
void xmsg_cdev_handle_publish(struct xmsg_file *cf, struct xmsg_handle *h,
			      u32 id)
{
	lockdep_assert_held(&cf->lock);
	h->id = id;
	h->gen = ++cf->gen;
	cf->tab[id] = h;
	if (xmsg_cdev_type_has_region(h->type))
		list_add_tail(&h->pool_link, &cf->pools);
}

/**
 * xmsg_cdev_handle_unpublish() - make a published handle reserved again
 * @cf: the file
 * @h: a published entry; it keeps its number (h->id) but is no longer
 *	found, until xmsg_cdev_handle_publish() or _unreserve()
 *
 * Context: @cf->lock held.
 */
void xmsg_cdev_handle_unpublish(struct xmsg_file *cf, struct xmsg_handle *h)
{
	lockdep_assert_held(&cf->lock);
	cf->tab[h->id] = NULL;
}

/* Free slot @id of the table. */
static void __xmsg_cdev_htab_clear(struct xmsg_file *cf, u32 id)
{
	cf->tab[id] = NULL;
	__clear_bit(id, cf->used);
	if (id < cf->next)
		cf->next = id;
	cf->nr--;
}

/**
 * xmsg_cdev_handle_unreserve() - give back a reserved, unpublished handle
 * @cf: the file
 * @id: the handle
 *
 * Context: @cf->lock held.
 */
void xmsg_cdev_handle_unreserve(struct xmsg_file *cf, u32 id)
{
	lockdep_assert_held(&cf->lock);
	__xmsg_cdev_htab_clear(cf, id);
}

/**
 * __xmsg_cdev_handle_at() - the entry published at a handle
 * @cf: the file
 * @id: any number
 *
 * Context: @cf->lock held.
 * Return: the entry, or NULL (free, reserved or out of range).
 */
struct xmsg_handle *__xmsg_cdev_handle_at(struct xmsg_file *cf, u32 id)
{
	lockdep_assert_held(&cf->lock);
	return id < cf->cap ? cf->tab[id] : NULL;
}

/**
 * __xmsg_cdev_handle_again() - the entry a caller saw before dropping the lock
 * @cf: the file
 * @id: its handle
 * @gen: its generation (xmsg_handle.gen), read under the lock back then
 *
 * An entry closed meanwhile may have been freed and its memory reused for
 * a new entry at the same handle: comparing pointers cannot tell, the
 * generation can.
 *
 * Context: @cf->lock held.
 * Return: the entry, or NULL if it is not the one published back then.
 */
struct xmsg_handle *__xmsg_cdev_handle_again(struct xmsg_file *cf, u32 id,
					     u64 gen)
{
	struct xmsg_handle *h = __xmsg_cdev_handle_at(cf, id);

	return h && h->gen == gen ? h : NULL;
}

/**
 * __xmsg_cdev_handle_find() - look a handle up
 * @cf: the file
 * @id: the handle from user space
 * @type: XMSG_TYPE_* wanted, or 0 for any
 * @err: out: -EBADF for an unknown handle, -EINVAL for a wrong type
 *
 * Context: @cf->lock held.
 * Return: the entry, or NULL with *@err set.
 */
struct xmsg_handle *__xmsg_cdev_handle_find(struct xmsg_file *cf, u32 id,
					    u8 type, int *err)
{
	struct xmsg_handle *h = __xmsg_cdev_handle_at(cf, id);

	if (!h) {
		*err = -EBADF;
		return NULL;
	}
	if (type && h->type != type) {
		*err = -EINVAL;
		return NULL;
	}
	return h;
}

/**
 * __xmsg_cdev_handle_remove() - take an entry out of the table
 * @cf: the file
 * @h: a published entry
 *
 * What @h names is untouched (see xmsg_cdev_handle_drop()).
 *
 * Context: @cf->lock held.
 */
void __xmsg_cdev_handle_remove(struct xmsg_file *cf, struct xmsg_handle *h)
{
	lockdep_assert_held(&cf->lock);
	__xmsg_cdev_htab_clear(cf, h->id);
	list_del_init(&h->pool_link);
}

/**
 * xmsg_cdev_handle_drop() - release what an entry names, and the entry
 * @h: an entry no longer in a table, or NULL
 *
 * Messages, BCBs and bare blocks are released; references to objects
 * dropped.
 *
 * Context: process context, may sleep (the last reference to an object
 * destroys it).
 */
void xmsg_cdev_handle_drop(struct xmsg_handle *h)
{
	if (!h)
		return;
	switch (h->type) {
	case XMSG_TYPE_MSG:
		xmsg_msg_rel(h->msg);
		break;
	case XMSG_TYPE_BCB:
		xmsg_bcb_rel(h->bcb);
		break;
	case XMSG_TYPE_BLOCK:
		xmsg_block_rel(h->blk.pool, h->blk.dbp);
		break;
	case XMSG_TYPE_CHUNK:
		xmsg_heap_chunk_free(h->chunk.heap, h->chunk.p, h->chunk.size);
		break;
	default:
		if (h->uobj)
			xmsg_cdev_obj_put(h->uobj);
		else
			xmsg_obj_put(h->obj);
		break;
	}
	kfree(h);
}

/**
 * __xmsg_cdev_pool_handle() - this file's handle for a pool
 * @cf: the file
 * @pool: a pool
 *
 * Context: @cf->lock held.
 * Return: the oldest pool handle of @cf naming @pool, or 0.
 */
u32 __xmsg_cdev_pool_handle(struct xmsg_file *cf, struct xmsg_pool *pool)
{
	struct xmsg_handle *h;

	lockdep_assert_held(&cf->lock);
	list_for_each_entry(h, &cf->pools, pool_link)
		if (h->type == XMSG_TYPE_POOL && h->uobj->pool == pool)
			return h->id;
	return 0;
}

/**
 * __xmsg_cdev_heap_handle() - this file's handle for a heap
 * @cf: the file
 * @heap: a heap
 *
 * Context: @cf->lock held.
 * Return: the oldest heap handle of @cf naming @heap, or 0.
 */
u32 __xmsg_cdev_heap_handle(struct xmsg_file *cf, struct xmsg_heap *heap)
{
	struct xmsg_handle *h;

	lockdep_assert_held(&cf->lock);
	list_for_each_entry(h, &cf->pools, pool_link)
		if (h->type == XMSG_TYPE_HEAP && h->uobj->heap == heap)
			return h->id;
	return 0;
}

/**
 * __xmsg_cdev_pool_writable() - may this file see and reuse all of @pool?
 * @cf: the file
 * @pool: a pool
 *
 * A handle of @pool with the write right lets its holder take blocks and
 * map the whole region writable, so it may also grow a message past the
 * length it was given, or unmake it into a bare block.  Without one, a
 * message received is all the holder may see of its block.
 *
 * Context: @cf->lock held.
 * Return: whether @cf holds a handle of @pool with the write right.
 */
bool __xmsg_cdev_pool_writable(struct xmsg_file *cf, struct xmsg_pool *pool)
{
	struct xmsg_handle *h;

	lockdep_assert_held(&cf->lock);
	list_for_each_entry(h, &cf->pools, pool_link)
		if (h->type == XMSG_TYPE_POOL && h->uobj->pool == pool &&
		    (h->rights & XMSG_ACC_RDWR) == XMSG_ACC_RDWR)
			return true;
	return false;
}

/* ---- commands without a home elsewhere ------------------------------- */

static long xmsg_cdev_ioc_features(struct xmsg_file *cf, void __user *arg,
				   unsigned int cmd)
{
	struct xmsg_features f;
	int err;

	err = xmsg_cdev_copy_in(&f, sizeof(f), sizeof(f), arg, cmd);
	if (err)
		return err;
	if (f.flags || memchr_inv(f.reserved, 0, sizeof(f.reserved)))
		return -EINVAL;
	f.api_version = XMSG_API_VERSION;
	f.name_max = XMSG_NAME_MAX;
	f.features = XMSG_FEAT_POOL | XMSG_FEAT_MSG | XMSG_FEAT_XCHG |
		     XMSG_FEAT_SEM | XMSG_FEAT_CALL | XMSG_FEAT_POLL_FD |
		     XMSG_FEAT_LIST | XMSG_FEAT_ABSTIME | XMSG_FEAT_MSG_READ |
		     XMSG_FEAT_XFER | XMSG_FEAT_RING | XMSG_FEAT_MSG_LENGTH |
		     XMSG_FEAT_COUNTERS | XMSG_FEAT_PRIO_WAIT |
		     XMSG_FEAT_PRIO_PASS | XMSG_FEAT_SEM_SIGNAL_WAIT |
		     XMSG_FEAT_SEND_WAIT | XMSG_FEAT_CLEAR | XMSG_FEAT_PEEK |
		     XMSG_FEAT_HEAP;
	f.features |= XMSG_FEAT_BUMP;
	/* send rings */
	f.features |= XMSG_FEAT_TXRING;
	f.prio_max = XMSG_MSG_PRIO_MAX;
	f.mmap_shift = XMSG_MMAP_SHIFT;
	f.max_pools = READ_ONCE(xmsg_max_pools);
	f.max_objects = READ_ONCE(xmsg_max_objects);
	f.max_pool_bytes = READ_ONCE(xmsg_max_pool_bytes);
	f.max_handles = READ_ONCE(xmsg_max_handles);
	f.max_block_count = READ_ONCE(xmsg_max_block_count);
	return xmsg_cdev_copy_out(arg, &f, sizeof(f));
}

static long xmsg_cdev_ioc_close(struct xmsg_file *cf, void __user *arg,
				unsigned int cmd)
{
	struct xmsg_handle_op op;
	struct xmsg_handle *h;
	int err;

	err = xmsg_cdev_copy_in(&op, sizeof(op), sizeof(op), arg, cmd);
	if (err)
		return err;
	if (op.flags || op.pad || memchr_inv(op.reserved, 0,
					     sizeof(op.reserved)))
		return -EINVAL;
	mutex_lock(&cf->lock);
	h = __xmsg_cdev_handle_find(cf, op.handle, 0, &err);
	if (h) {
		__xmsg_cdev_handle_remove(cf, h);
		__xmsg_cdev_posts_released(cf, h);
	}
	mutex_unlock(&cf->lock);
	xmsg_cdev_handle_drop(h);
	return h ? 0 : err;
}

/* ---- file operations ------------------------------------------------- */

/**
 * struct xmsg_ioc_desc - one command
 * @fn: its handler
 * @dir: _IOC_DIR it must have
 */
struct xmsg_ioc_desc {
	long (*fn)(struct xmsg_file *cf, void __user *arg, unsigned int cmd);
	u32 dir;
};

#define XMSG_IOC(nr, c, f) \
	[nr] = { .fn = (f), .dir = _IOC_DIR(c) }

static const struct xmsg_ioc_desc xmsg_iocs[] = {
	XMSG_IOC(_IOC_NR(XMSG_IOC_FEATURES), XMSG_IOC_FEATURES, xmsg_cdev_ioc_features),
	XMSG_IOC(_IOC_NR(XMSG_IOC_POOL_CREATE), XMSG_IOC_POOL_CREATE, xmsg_cdev_ioc_pool_create),
	XMSG_IOC(_IOC_NR(XMSG_IOC_XCHG_CREATE), XMSG_IOC_XCHG_CREATE, xmsg_cdev_ioc_xchg_create),
	XMSG_IOC(_IOC_NR(XMSG_IOC_SEM_CREATE), XMSG_IOC_SEM_CREATE, xmsg_cdev_ioc_sem_create),
	XMSG_IOC(_IOC_NR(XMSG_IOC_OPEN), XMSG_IOC_OPEN, xmsg_cdev_ioc_open),
	XMSG_IOC(_IOC_NR(XMSG_IOC_CLOSE), XMSG_IOC_CLOSE, xmsg_cdev_ioc_close),
	XMSG_IOC(_IOC_NR(XMSG_IOC_DESTROY), XMSG_IOC_DESTROY, xmsg_cdev_ioc_destroy),
	XMSG_IOC(_IOC_NR(XMSG_IOC_INFO), XMSG_IOC_INFO, xmsg_cdev_ioc_info),
	XMSG_IOC(_IOC_NR(XMSG_IOC_LIST), XMSG_IOC_LIST, xmsg_cdev_ioc_list),
	XMSG_IOC(_IOC_NR(XMSG_IOC_BLOCK_GET), XMSG_IOC_BLOCK_GET, xmsg_cdev_ioc_buf),
	XMSG_IOC(_IOC_NR(XMSG_IOC_BLOCK_REL), XMSG_IOC_BLOCK_REL, xmsg_cdev_ioc_buf),
	XMSG_IOC(_IOC_NR(XMSG_IOC_BCB_GET), XMSG_IOC_BCB_GET, xmsg_cdev_ioc_buf),
	XMSG_IOC(_IOC_NR(XMSG_IOC_BCB_REL), XMSG_IOC_BCB_REL, xmsg_cdev_ioc_buf),
	XMSG_IOC(_IOC_NR(XMSG_IOC_BCB_MAKE), XMSG_IOC_BCB_MAKE, xmsg_cdev_ioc_buf),
	XMSG_IOC(_IOC_NR(XMSG_IOC_BCB_UNMAKE), XMSG_IOC_BCB_UNMAKE, xmsg_cdev_ioc_buf),
	XMSG_IOC(_IOC_NR(XMSG_IOC_MSG_GET), XMSG_IOC_MSG_GET, xmsg_cdev_ioc_buf),
	XMSG_IOC(_IOC_NR(XMSG_IOC_MSG_REL), XMSG_IOC_MSG_REL, xmsg_cdev_ioc_buf),
	XMSG_IOC(_IOC_NR(XMSG_IOC_MSG_MAKE), XMSG_IOC_MSG_MAKE, xmsg_cdev_ioc_buf),
	XMSG_IOC(_IOC_NR(XMSG_IOC_MSG_UNMAKE), XMSG_IOC_MSG_UNMAKE, xmsg_cdev_ioc_buf),
	XMSG_IOC(_IOC_NR(XMSG_IOC_MSG_PROXY), XMSG_IOC_MSG_PROXY, xmsg_cdev_ioc_buf),
	XMSG_IOC(_IOC_NR(XMSG_IOC_SEND), XMSG_IOC_SEND, xmsg_cdev_ioc_send),
	XMSG_IOC(_IOC_NR(XMSG_IOC_RECV), XMSG_IOC_RECV, xmsg_cdev_ioc_recv),
	XMSG_IOC(_IOC_NR(XMSG_IOC_CALL), XMSG_IOC_CALL, xmsg_cdev_ioc_call),
	XMSG_IOC(_IOC_NR(XMSG_IOC_XFER), XMSG_IOC_XFER, xmsg_cdev_ioc_xfer),
	XMSG_IOC(_IOC_NR(XMSG_IOC_BCAST_CLEAR), XMSG_IOC_BCAST_CLEAR, xmsg_cdev_ioc_bcast_clear),
	XMSG_IOC(_IOC_NR(XMSG_IOC_XCHG_CLEAR), XMSG_IOC_XCHG_CLEAR, xmsg_cdev_ioc_xchg_clear),
	XMSG_IOC(_IOC_NR(XMSG_IOC_XCHG_BUMP), XMSG_IOC_XCHG_BUMP, xmsg_cdev_ioc_xchg_bump),
	XMSG_IOC(_IOC_NR(XMSG_IOC_SEM_SIGNAL), XMSG_IOC_SEM_SIGNAL, xmsg_cdev_ioc_sem),
	XMSG_IOC(_IOC_NR(XMSG_IOC_SEM_WAIT), XMSG_IOC_SEM_WAIT, xmsg_cdev_ioc_sem),
	XMSG_IOC(_IOC_NR(XMSG_IOC_SEM_SIGNAL_WAIT), XMSG_IOC_SEM_SIGNAL_WAIT,
		 xmsg_cdev_ioc_sem_signal_wait),
	XMSG_IOC(_IOC_NR(XMSG_IOC_SEM_CLEAR), XMSG_IOC_SEM_CLEAR, xmsg_cdev_ioc_sem_clear),
	XMSG_IOC(_IOC_NR(XMSG_IOC_POLL_FD), XMSG_IOC_POLL_FD, xmsg_cdev_ioc_poll_fd),
	XMSG_IOC(_IOC_NR(XMSG_IOC_MSG_READ), XMSG_IOC_MSG_READ, xmsg_cdev_ioc_msg_read),
	XMSG_IOC(_IOC_NR(XMSG_IOC_MSG_SET_LENGTH), XMSG_IOC_MSG_SET_LENGTH,
		 xmsg_cdev_ioc_msg_set_length),
	XMSG_IOC(_IOC_NR(XMSG_IOC_RING), XMSG_IOC_RING, xmsg_cdev_ioc_ring),
	XMSG_IOC(_IOC_NR(XMSG_IOC_RING_TAKE), XMSG_IOC_RING_TAKE, xmsg_cdev_ioc_ring_take),
	/* send rings */
	XMSG_IOC(_IOC_NR(XMSG_IOC_TXRING), XMSG_IOC_TXRING, xmsg_cdev_ioc_txring),
	XMSG_IOC(_IOC_NR(XMSG_IOC_TXRING_KICK), XMSG_IOC_TXRING_KICK, xmsg_cdev_ioc_txring_kick),
	XMSG_IOC(_IOC_NR(XMSG_IOC_HEAP_CREATE), XMSG_IOC_HEAP_CREATE, xmsg_cdev_ioc_heap_create),
	XMSG_IOC(_IOC_NR(XMSG_IOC_HEAP_MSG_GET), XMSG_IOC_HEAP_MSG_GET, xmsg_cdev_ioc_buf),
	XMSG_IOC(_IOC_NR(XMSG_IOC_HEAP_CHUNK_GET), XMSG_IOC_HEAP_CHUNK_GET, xmsg_cdev_ioc_buf),
	XMSG_IOC(_IOC_NR(XMSG_IOC_HEAP_CHUNK_FREE), XMSG_IOC_HEAP_CHUNK_FREE, xmsg_cdev_ioc_buf),
	XMSG_IOC(_IOC_NR(XMSG_IOC_HEAP_MSG_MAKE), XMSG_IOC_HEAP_MSG_MAKE, xmsg_cdev_ioc_buf),
	XMSG_IOC(_IOC_NR(XMSG_IOC_HEAP_MSG_UNMAKE), XMSG_IOC_HEAP_MSG_UNMAKE, xmsg_cdev_ioc_buf),
};

/*
 * Commands are picked by _IOC_NR so that a program built with an older,
 * smaller struct (a different _IOC_SIZE) still finds its command; the
 * size itself is checked against the struct's size field.
 */
static long xmsg_cdev_ioctl(struct file *file, unsigned int cmd,
			    unsigned long arg)
{
	struct xmsg_file *cf = file->private_data;
	const struct xmsg_ioc_desc *d;
	unsigned int nr = _IOC_NR(cmd);

	if (_IOC_TYPE(cmd) != XMSG_IOC_MAGIC || nr >= ARRAY_SIZE(xmsg_iocs))
		return -ENOTTY;
	d = &xmsg_iocs[nr];
	if (!d->fn || d->dir != _IOC_DIR(cmd))
		return -ENOTTY;
	return d->fn(cf, (void __user *)arg, cmd);
}

static int xmsg_cdev_open(struct inode *inode, struct file *file)
{
	struct xmsg_file *cf = kzalloc(sizeof(*cf), GFP_KERNEL_ACCOUNT);

	if (!cf)
		return -ENOMEM;
	xmsg_owner_init(&cf->owner, "xmsg-file");
	mutex_init(&cf->lock);
	cf->next = 1;
	INIT_LIST_HEAD(&cf->pools);
	INIT_LIST_HEAD(&cf->posts);
	file->private_data = cf;
	return 0;
}

/* Withdraw what this file still has posted at broadcast exchanges. */
static void xmsg_cdev_release_posts(struct xmsg_file *cf)
{
	struct xmsg_file_post *cp, *tmp;

	list_for_each_entry_safe(cp, tmp, &cf->posts, link) {
		/* -EPERM/-ENOENT: someone else's post, or none: fine */
		xmsg_xchg_bcast_clear(xmsg_obj_xchg(cp->obj), &cf->owner);
		xmsg_obj_put(cp->obj);
		kfree(cp);
	}
}

/*
 * Last reference to the file (close, exit, kill -9; mappings hold the file
 * too, so no mapping of ours is left).  Broadcast posts are withdrawn and
 * bare blocks and chunks go back first, then every BCB and message the owner holds,
 * then the object references.
 */
static int xmsg_cdev_release(struct inode *inode, struct file *file)
{
	struct xmsg_file *cf = file->private_data;
	struct xmsg_handle *h;
	unsigned long id;

	xmsg_cdev_release_posts(cf);

	for (id = 1; id < cf->cap; id++) {
		h = cf->tab[id];
		if (!h || (h->type != XMSG_TYPE_BLOCK &&
			   h->type != XMSG_TYPE_MSG &&
			   h->type != XMSG_TYPE_BCB &&
			   h->type != XMSG_TYPE_CHUNK))
			continue;
		if (h->type == XMSG_TYPE_BLOCK)
			xmsg_block_rel(h->blk.pool, h->blk.dbp);
		if (h->type == XMSG_TYPE_CHUNK)
			xmsg_heap_chunk_free(h->chunk.heap, h->chunk.p,
					     h->chunk.size);
		cf->tab[id] = NULL;
		kfree(h);
		if (!(id & 1023))
			cond_resched();
	}
	xmsg_owner_release_all(&cf->owner);
	for (id = 1; id < cf->cap; id++) {
		h = cf->tab[id];
		if (!h)
			continue;
		xmsg_cdev_handle_drop(h);
		if (!(id & 63))
			cond_resched();
	}
	kvfree(cf->tab);
	kvfree(cf->used);
	while (cf->nspare)
		kfree(cf->spare[--cf->nspare]);
	kfree(cf->post_spare);
	mutex_destroy(&cf->lock);
	kfree(cf);
	/* a process that leaves its IPC namespace may leave it unreachable */
	xmsg_cdev_reg_reap();
	return 0;
}

static int xmsg_cdev_file_mmap(struct file *file, struct vm_area_struct *vma)
{
	return xmsg_cdev_pool_mmap(file->private_data, vma);
}

/**
 * struct xmsg_file_census - what an open file holds, for its fdinfo
 * @nr: handles in use (published or reserved)
 * @count: published handles per XMSG_TYPE_* (every type, up to
 *	XMSG_CDEV_TYPE_LAST), reply handles apart
 * @replies: reply handles (exchange handles without a name's object)
 * @msg_bytes: bytes in the messages held (their lengths)
 * @posts: broadcast exchanges posted to
 */
struct xmsg_file_census {
	u32 nr;
	u32 count[XMSG_CDEV_TYPE_LAST + 1];
	u32 replies;
	u64 msg_bytes;
	u32 posts;
};

/* Count what @cf holds; a walk of the used handles under @cf->lock. */
static void xmsg_cdev_census(struct xmsg_file *cf, struct xmsg_file_census *c)
{
	struct xmsg_file_post *cp;
	struct xmsg_handle *h;
	unsigned long id;

	memset(c, 0, sizeof(*c));
	mutex_lock(&cf->lock);
	c->nr = cf->nr;
	for_each_set_bit(id, cf->used, cf->cap) {
		h = cf->tab[id];
		if (!h)
			continue;
		/* a type added without raising XMSG_CDEV_TYPE_LAST */
		if (WARN_ON_ONCE(h->type >= ARRAY_SIZE(c->count)))
			continue;
		if (h->type == XMSG_TYPE_XCHG && !h->uobj)
			c->replies++;
		else
			c->count[h->type]++;
		if (h->type == XMSG_TYPE_MSG)
			c->msg_bytes += h->msg->size;
		if (!(id & 1023))
			cond_resched();
	}
	list_for_each_entry(cp, &cf->posts, link)
		c->posts++;
	mutex_unlock(&cf->lock);
}

/*
 * /proc/<pid>/fdinfo/<fd>: what the file holds by type, and who opened it
 * (the effective uid and gid of the opener, in the reader's user
 * namespace; a file passed to another process keeps them).  Counted under
 * the file's lock, printed after it; numbers, never addresses.
 */
static void xmsg_cdev_show_fdinfo(struct seq_file *m, struct file *file)
{
	struct user_namespace *ns = seq_user_ns(m);
	struct xmsg_file_census c;

	xmsg_cdev_census(file->private_data, &c);
	seq_printf(m, "handles:\t%u\n", c.nr);
	seq_printf(m, "pools:\t%u\n", c.count[XMSG_TYPE_POOL]);
	seq_printf(m, "xchgs:\t%u\n", c.count[XMSG_TYPE_XCHG]);
	seq_printf(m, "sems:\t%u\n", c.count[XMSG_TYPE_SEM]);
	seq_printf(m, "replies:\t%u\n", c.replies);
	seq_printf(m, "msgs:\t%u\n", c.count[XMSG_TYPE_MSG]);
	seq_printf(m, "msg_bytes:\t%llu\n", c.msg_bytes);
	seq_printf(m, "bcbs:\t%u\n", c.count[XMSG_TYPE_BCB]);
	seq_printf(m, "blocks:\t%u\n", c.count[XMSG_TYPE_BLOCK]);
	seq_printf(m, "heaps:\t%u\n", c.count[XMSG_TYPE_HEAP]);
	seq_printf(m, "chunks:\t%u\n", c.count[XMSG_TYPE_CHUNK]);
	seq_printf(m, "posts:\t%u\n", c.posts);
	seq_printf(m, "uid:\t%u\n",
		   from_kuid_munged(ns, file->f_cred->euid));
	seq_printf(m, "gid:\t%u\n",
		   from_kgid_munged(ns, file->f_cred->egid));
}

static const struct file_operations xmsg_fops = {
	.owner = THIS_MODULE,
	.open = xmsg_cdev_open,
	.release = xmsg_cdev_release,
	.unlocked_ioctl = xmsg_cdev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = xmsg_cdev_file_mmap,
	.show_fdinfo = xmsg_cdev_show_fdinfo,
	.llseek = noop_llseek,
};

static struct miscdevice xmsg_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "xmsg",
	.fops = &xmsg_fops,
};

/**
 * xmsg_cdev_init() - register /dev/xmsg
 *
 * Context: process context, module init.
 * Return: 0, or the error of misc_register().
 */
int xmsg_cdev_init(void)
{
	xmsg_miscdev.mode = xmsg_dev_mode & 0666;
	return misc_register(&xmsg_miscdev);
}

/**
 * xmsg_cdev_exit() - unregister /dev/xmsg and destroy what is left
 *
 * Context: process context, module exit.  No file is open (each one pins
 * the module), but named objects may remain: they are destroyed.
 */
void xmsg_cdev_exit(void)
{
	misc_deregister(&xmsg_miscdev);
	xmsg_cdev_reg_exit();
}
