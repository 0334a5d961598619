// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg character device: commands on objects (pools, heaps, exchanges,
 * semaphores): create, open, destroy, info, list, poll fds, and mmap of a
 * pool's or heap's region.
 *
 * Locking
 * -------
 * As chardev.c: the file's lock around handle lookups and publishing,
 * never across user copies.  xmsg_reg_lock (registry.c) around name
 * lookups, creation of a named object and destroy of an exchange or
 * semaphore; a pool's (heap's) rwsem (write) around its destroy.  Order:
 * cfile.lock -> uobj.rwsem -> xmsg_reg_lock.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/ipc_namespace.h>
#include <linux/mm.h>
#include <linux/nsproxy.h>
#include <linux/pid_namespace.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <xmsg/registry.h>
#include "cdev.h"

/**
 * struct xmsg_create_args - what to create
 * @type: XMSG_TYPE_POOL, _XCHG, _SEM or _HEAP
 * @flags: XMSG_CREATE_*
 * @name: checked name ("" for anonymous)
 * @mode: permission bits
 * @access: rights for the handle
 * @pp: pool parameters
 * @stride: pool: bytes from one block to the next
 * @bytes: bytes to count against the user's limit (pool region and
 *	metadata, exchange queue)
 * @kind: exchange or semaphore kind
 * @limit: exchange queue limit
 * @xchg_flags: exchange: XMSG_XCHG_PASS_SCHED or 0
 * @count: semaphore count
 * @threshold: semaphore threshold
 * @heap_size: heap bytes
 * @min_order: heap granule order
 */
struct xmsg_create_args {
	u32 type;
	u32 flags;
	const char *name;
	u32 mode;
	u32 access;
	struct xmsg_pool_params pp;
	u64 stride;
	u64 bytes;
	u32 kind;
	u32 limit;
	u32 xchg_flags;
	u32 count;
	u32 threshold;
	u64 heap_size;
	u32 min_order;
};

static struct ipc_namespace *xmsg_cdev_cur_ns(void)
{
	return current->nsproxy->ipc_ns;
}

static bool xmsg_cdev_access_ok(u32 access)
{
	return access && !(access & ~XMSG_ACC_RDWR);
}

/* Build the object itself (not named, not charged yet). */
static struct xmsg_cdev_obj *
xmsg_cdev_create_new(const struct xmsg_create_args *mk)
{
	struct xmsg_cdev_obj *uobj = xmsg_cdev_obj_alloc(mk->type, mk->name,
							 mk->mode);
	struct xmsg_pool *pool;
	struct xmsg_heap *heap;
	struct xmsg_xchg *xchg;
	struct xmsg_sem *sem;
	int err;

	if (!uobj)
		return ERR_PTR(-ENOMEM);
	err = xmsg_cdev_may_create();
	if (err)
		goto put;
	err = xmsg_cdev_obj_charge(uobj, mk->bytes);
	if (err)
		goto put;
	switch (mk->type) {
	case XMSG_TYPE_POOL:
		pool = xmsg_pool_create(&mk->pp);
		err = PTR_ERR_OR_ZERO(pool);
		if (!err)
			uobj->pool = pool;
		break;
	case XMSG_TYPE_HEAP:
		heap = xmsg_heap_create(mk->name, mk->heap_size, mk->min_order);
		err = PTR_ERR_OR_ZERO(heap);
		if (!err)
			uobj->heap = heap;
		break;
	case XMSG_TYPE_XCHG:
		xchg = xmsg_xchg_create_flags(mk->name, mk->kind, mk->limit,
					      mk->xchg_flags);
		err = PTR_ERR_OR_ZERO(xchg);
		if (!err)
			uobj->obj = xmsg_xchg_obj(xchg);
		break;
	default:
		sem = xmsg_sem_create(mk->name, mk->kind, mk->count,
				      mk->threshold);
		err = PTR_ERR_OR_ZERO(sem);
		if (!err)
			uobj->obj = xmsg_sem_obj(sem);
		break;
	}
	if (err)
		goto put;
	/* The creator's reference goes with destroy; this one with uobj. */
	if (!xmsg_cdev_type_has_region(mk->type))
		xmsg_obj_get(uobj->obj);
	return uobj;
put:
	xmsg_cdev_obj_put(uobj);
	return ERR_PTR(err);
}

/*
 * Is @uobj what @mk would create?  Compared as XMSG_IOC_INFO reports them:
 * a pool's stride and block count; a heap's size and granule; an
 * exchange's kind, flags and queue limit; a semaphore's kind and
 * threshold (its count is state, not a parameter).
 */
static bool xmsg_cdev_create_matches(struct xmsg_cdev_obj *uobj,
				     const struct xmsg_create_args *mk)
{
	struct xmsg_pool_stats ps;
	struct xmsg_heap_stats hs;
	struct xmsg_xchg_stats xs;
	struct xmsg_sem_stats ss;

	switch (mk->type) {
	case XMSG_TYPE_POOL:
		xmsg_pool_get_stats(uobj->pool, &ps);
		return ps.block_size == mk->stride && ps.count == mk->pp.count;
	case XMSG_TYPE_HEAP:
		xmsg_heap_get_stats(uobj->heap, &hs);
		return hs.size == mk->heap_size &&
		       hs.granule == 1ULL << mk->min_order;
	case XMSG_TYPE_XCHG:
		xmsg_xchg_get_stats(xmsg_obj_xchg(uobj->obj), &xs);
		return xs.kind == mk->kind && xs.flags == mk->xchg_flags &&
		       xs.limit == xmsg_xchg_limit_of(mk->kind, mk->limit);
	default:
		xmsg_sem_get_stats(xmsg_obj_sem(uobj->obj), &ss);
		return ss.kind == mk->kind &&
		       (mk->kind != XMSG_SEM_KIND_THRESHOLD ||
			ss.threshold == mk->threshold);
	}
}

/*
 * The object named like @mk in @ns, with a reference, if the caller may
 * have it; NULL if there is none.  ERR_PTR(-EEXIST) with
 * XMSG_CREATE_EXCL, or when it differs from what @mk would create (checked
 * after the permission, so that only who may open it learns that);
 * ERR_PTR(-EACCES).
 */
static struct xmsg_cdev_obj *
__xmsg_cdev_create_existing(struct ipc_namespace *ns,
			    const struct xmsg_create_args *mk)
{
	struct xmsg_cdev_obj *uobj = __xmsg_cdev_reg_lookup(ns, mk->type,
							    mk->name);
	int err;

	lockdep_assert_held(&xmsg_reg_lock);
	if (!uobj)
		return NULL;
	err = mk->flags & XMSG_CREATE_EXCL ? -EEXIST :
	      xmsg_cdev_obj_perm(uobj, mk->access);
	if (!err && !xmsg_cdev_create_matches(uobj, mk))
		err = -EEXIST;
	if (!err)
		return uobj;
	xmsg_cdev_obj_put(uobj);	/* not the last: the name holds one */
	return ERR_PTR(err);
}

/*
 * Create the object, or open the existing one of that name.  Return it
 * with a reference for the caller; *@created tells which.  The object is
 * built without xmsg_reg_lock (a pool region may take long to allocate),
 * so a create that loses a race to the same name drops its own and opens
 * (or, with XMSG_CREATE_EXCL, refuses) the winner's.
 */
static struct xmsg_cdev_obj *
xmsg_cdev_create_object(const struct xmsg_create_args *mk, bool *created)
{
	struct ipc_namespace *ns = xmsg_cdev_cur_ns();
	struct xmsg_cdev_obj *uobj, *fresh;
	int err;

	*created = false;
	if (!mk->name[0]) {
		*created = true;
		return xmsg_cdev_create_new(mk);
	}
	xmsg_cdev_reg_reap();	/* unreachable names give their quota back */
	if (mutex_lock_killable(&xmsg_reg_lock))
		return ERR_PTR(-EINTR);
	uobj = __xmsg_cdev_create_existing(ns, mk);
	mutex_unlock(&xmsg_reg_lock);
	if (uobj)
		return uobj;
	fresh = xmsg_cdev_create_new(mk);
	if (IS_ERR(fresh)) {	/* over a limit: the winner of a race? */
		mutex_lock(&xmsg_reg_lock);
		uobj = __xmsg_cdev_create_existing(ns, mk);
		mutex_unlock(&xmsg_reg_lock);
		return uobj ?: fresh;
	}
	err = mutex_lock_killable(&xmsg_reg_lock);
	if (err)
		goto put;
	uobj = __xmsg_cdev_create_existing(ns, mk);
	if (!uobj) {
		err = __xmsg_cdev_reg_insert(ns, fresh);
		uobj = err ? ERR_PTR(err) : fresh;
		*created = !err;
	}
	mutex_unlock(&xmsg_reg_lock);
	if (uobj == fresh)
		return fresh;
put:
	xmsg_cdev_obj_put(fresh);
	return err ? ERR_PTR(err) : uobj;
}

/* Undo xmsg_cdev_create_object() (the user never learnt of the handle). */
static void xmsg_cdev_create_undo(struct xmsg_cdev_obj *uobj, bool created)
{
	if (created && uobj->reg) {
		mutex_lock(&xmsg_reg_lock);
		if (uobj->reg) {
			__xmsg_cdev_reg_unlink(uobj);
			mutex_unlock(&xmsg_reg_lock);
			xmsg_cdev_obj_put(uobj);	/* the registry's */
		} else {
			mutex_unlock(&xmsg_reg_lock);
		}
	}
	xmsg_cdev_obj_put(uobj);
}

/*
 * Give @uobj (a reference passed in) a handle with @access, copy @karg out,
 * and only then publish the handle.  On failure everything is undone.
 */
static int xmsg_cdev_obj_handle(struct xmsg_file *cf,
				const struct xmsg_create_args *mk,
				void __user *arg, void *karg, size_t ksize,
				u32 *handle, u32 *result)
{
	struct xmsg_cdev_obj *uobj;
	struct xmsg_handle *h;
	bool created;
	int err;
	u32 id;

	h = xmsg_cdev_handle_alloc(mk->type);
	if (!h)
		return -ENOMEM;
	mutex_lock(&cf->lock);
	err = xmsg_cdev_handle_reserve(cf, &id);
	mutex_unlock(&cf->lock);
	if (err)
		goto free;
	uobj = xmsg_cdev_create_object(mk, &created);
	if (IS_ERR(uobj)) {
		err = PTR_ERR(uobj);
		goto unreserve;
	}
	h->uobj = uobj;
	h->obj = xmsg_cdev_type_has_region(mk->type) ? NULL : uobj->obj;
	h->rights = mk->access;
	*handle = id;
	if (result)
		*result = created ? XMSG_RESULT_CREATED : 0;
	if (mk->type == XMSG_TYPE_POOL) {
		struct xmsg_pool_create *pc = karg;

		pc->stride = xmsg_pool_block_size(uobj->pool);
		pc->region_size = xmsg_pool_region_size(uobj->pool);
	} else if (mk->type == XMSG_TYPE_HEAP) {
		struct xmsg_heap_create *hc = karg;
		struct xmsg_heap_stats st;

		xmsg_heap_get_stats(uobj->heap, &st);
		hc->region_size = st.region_size;
	}
	err = xmsg_cdev_copy_out(arg, karg, ksize);
	mutex_lock(&cf->lock);
	if (!err) {
		xmsg_cdev_handle_publish(cf, h, id);
		mutex_unlock(&cf->lock);
		return 0;
	}
	xmsg_cdev_handle_unreserve(cf, id);
	mutex_unlock(&cf->lock);
	xmsg_cdev_create_undo(uobj, created);
	kfree(h);
	return err;

unreserve:
	mutex_lock(&cf->lock);
	xmsg_cdev_handle_unreserve(cf, id);
	mutex_unlock(&cf->lock);
free:
	kfree(h);
	return err;
}

static int xmsg_cdev_create_common(struct xmsg_create_args *mk, u32 flags,
				   const char *name,
				   u32 mode, u32 access, bool may_be_anon)
{
	if (flags & ~XMSG_CREATE_EXCL)
		return -EINVAL;
	if (xmsg_cdev_name_check(name, may_be_anon))
		return -EINVAL;
	if (xmsg_reg_name_reserved(name))
		return -EPERM;
	if (mode & ~0777 || !xmsg_cdev_access_ok(access))
		return -EINVAL;
	mk->flags = flags;
	mk->name = name;
	mk->mode = mode;
	mk->access = access;
	return 0;
}

/* Same default as the mm layer: 64, or a page for page multiples. */
static int xmsg_cdev_pool_geometry(struct xmsg_pool_create *pc, u64 *stridep,
				   u64 *bytes)
{
	u64 align = pc->align, stride;

	if (!pc->block_size || !pc->count ||
	    pc->count > READ_ONCE(xmsg_max_block_count))
		return -EINVAL;
	if (!align)
		align = IS_ALIGNED(pc->block_size, PAGE_SIZE) ? PAGE_SIZE : 64;
	if (!is_power_of_2(align) || align > PAGE_SIZE)
		return -EINVAL;
	stride = round_up((u64)pc->block_size, align);
	/* the region, and what the kernel keeps beside it */
	*bytes = PAGE_ALIGN(stride * pc->count) +
		 xmsg_pool_meta_bytes(pc->count);
	*stridep = stride;
	return 0;
}

/**
 * xmsg_cdev_ioc_pool_create() - XMSG_IOC_POOL_CREATE
 * @cf: the file
 * @arg: struct xmsg_pool_create
 * @cmd: the command
 *
 * Context: process context.
 * Return: 0; -EFAULT, -EINVAL, -E2BIG (copy and validation); -EEXIST;
 * -EACCES; -EMFILE; -ENOSPC; -EPERM (the create_gid gate); -EINTR (fatal
 * signal); -ENOMEM.
 */
long xmsg_cdev_ioc_pool_create(struct xmsg_file *cf, void __user *arg,
			       unsigned int cmd)
{
	struct xmsg_pool_create pc;
	struct xmsg_create_args mk = { .type = XMSG_TYPE_POOL };
	int err;

	err = xmsg_cdev_copy_in(&pc, sizeof(pc), sizeof(pc), arg, cmd);
	if (err)
		return err;
	if (memchr_inv(pc.reserved, 0, sizeof(pc.reserved)))
		return -EINVAL;
	err = xmsg_cdev_create_common(&mk, pc.flags, pc.name, pc.mode,
				      pc.access,
				      false);
	if (err)
		return err;
	err = xmsg_cdev_pool_geometry(&pc, &mk.stride, &mk.bytes);
	if (err)
		return err;
	mk.pp.name = pc.name;
	mk.pp.block_size = pc.block_size;
	mk.pp.count = pc.count;
	mk.pp.align = pc.align;
	return xmsg_cdev_obj_handle(cf, &mk, arg, &pc, sizeof(pc), &pc.handle,
				    &pc.result);
}

/**
 * xmsg_cdev_ioc_xchg_create() - XMSG_IOC_XCHG_CREATE
 * @cf: the file
 * @arg: struct xmsg_xchg_create
 * @cmd: the command
 *
 * Context: process context.
 * Return: 0; -EFAULT, -EINVAL, -E2BIG; -EEXIST; -EACCES; -EMFILE; -ENOSPC;
 * -EPERM (the create_gid gate); -EINTR (fatal signal); -ENOMEM.
 */
long xmsg_cdev_ioc_xchg_create(struct xmsg_file *cf, void __user *arg,
			       unsigned int cmd)
{
	struct xmsg_xchg_create xc;
	struct xmsg_create_args mk = { .type = XMSG_TYPE_XCHG };
	int err;

	err = xmsg_cdev_copy_in(&xc, sizeof(xc), sizeof(xc), arg, cmd);
	if (err)
		return err;
	if (memchr_inv(xc.reserved, 0, sizeof(xc.reserved)) ||
	    xc.kind > XMSG_XCHG_KIND_BCAST || xc.limit > XMSG_XCHG_LIMIT_MAX)
		return -EINVAL;
	if ((xc.flags & XMSG_XCHG_F_PASS_SCHED) &&
	    xc.kind != XMSG_XCHG_KIND_PASS)
		return -EINVAL;
	err = xmsg_cdev_create_common(&mk, xc.flags & ~XMSG_XCHG_F_PASS_SCHED,
				      xc.name, xc.mode, xc.access, true);
	if (err)
		return err;
	if (xc.flags & XMSG_XCHG_F_PASS_SCHED)
		mk.xchg_flags = XMSG_XCHG_PASS_SCHED;
	mk.kind = xc.kind;
	mk.limit = xc.limit;
	mk.bytes = xmsg_xchg_queue_bytes(xc.kind, xc.limit);
	return xmsg_cdev_obj_handle(cf, &mk, arg, &xc, sizeof(xc), &xc.handle,
				    &xc.result);
}

/* Threshold only (and required) for threshold sems; a gate has no count. */
static bool xmsg_cdev_sem_params_ok(const struct xmsg_sem_create *sc)
{
	switch (sc->kind) {
	case XMSG_SEM_KIND_COUNT:
		return !sc->threshold;
	case XMSG_SEM_KIND_THRESHOLD:
		return sc->threshold;
	case XMSG_SEM_KIND_GATE:
		return !sc->threshold && !sc->count;
	}
	return false;
}

/**
 * xmsg_cdev_ioc_sem_create() - XMSG_IOC_SEM_CREATE
 * @cf: the file
 * @arg: struct xmsg_sem_create
 * @cmd: the command
 *
 * Context: process context.
 * Return: 0; -EFAULT, -EINVAL, -E2BIG; -EEXIST; -EACCES; -EMFILE;
 * -EPERM (the create_gid gate); -EINTR (fatal signal); -ENOMEM.
 */
long xmsg_cdev_ioc_sem_create(struct xmsg_file *cf, void __user *arg,
			      unsigned int cmd)
{
	struct xmsg_sem_create sc;
	struct xmsg_create_args mk = { .type = XMSG_TYPE_SEM };
	int err;

	err = xmsg_cdev_copy_in(&sc, sizeof(sc), sizeof(sc), arg, cmd);
	if (err)
		return err;
	if (sc.pad || memchr_inv(sc.reserved, 0, sizeof(sc.reserved)) ||
	    !xmsg_cdev_sem_params_ok(&sc))
		return -EINVAL;
	err = xmsg_cdev_create_common(&mk, sc.flags, sc.name, sc.mode,
				      sc.access,
				      true);
	if (err)
		return err;
	mk.kind = sc.kind;
	mk.count = sc.count;
	mk.threshold = sc.threshold;
	return xmsg_cdev_obj_handle(cf, &mk, arg, &sc, sizeof(sc), &sc.handle,
				    &sc.result);
}

/**
 * xmsg_cdev_ioc_heap_create() - XMSG_IOC_HEAP_CREATE
 * @cf: the file
 * @arg: struct xmsg_heap_create
 * @cmd: the command
 *
 * Context: process context.
 * Return: 0; -EFAULT, -EINVAL, -E2BIG (copy and validation); -EEXIST;
 * -EACCES; -EMFILE; -ENOSPC; -EPERM (the create_gid gate); -EINTR (fatal
 * signal); -ENOMEM.
 */
long xmsg_cdev_ioc_heap_create(struct xmsg_file *cf, void __user *arg,
			       unsigned int cmd)
{
	struct xmsg_heap_create hc;
	struct xmsg_create_args mk = { .type = XMSG_TYPE_HEAP };
	u32 order;
	int err;

	err = xmsg_cdev_copy_in(&hc, sizeof(hc), sizeof(hc), arg, cmd);
	if (err)
		return err;
	order = hc.min_order ?: XMSG_HEAP_ORDER_DEFAULT;
	if (hc.pad || memchr_inv(hc.reserved, 0, sizeof(hc.reserved)) ||
	    order < XMSG_HEAP_ORDER_MIN || order > XMSG_HEAP_ORDER_MAX ||
	    hc.heap_size < (1ULL << order) ||
	    hc.heap_size > XMSG_HEAP_SIZE_MAX)
		return -EINVAL;
	err = xmsg_cdev_create_common(&mk, hc.flags, hc.name, hc.mode,
				      hc.access, false);
	if (err)
		return err;
	mk.heap_size = hc.heap_size;
	mk.min_order = order;
	/* the region, and the allocator's and our bitmaps beside it */
	mk.bytes = PAGE_ALIGN(hc.heap_size) +
		   2 * BITS_TO_LONGS(hc.heap_size >> order) * sizeof(long);
	return xmsg_cdev_obj_handle(cf, &mk, arg, &hc, sizeof(hc), &hc.handle,
				    &hc.result);
}

/* Open an existing named object: xmsg_cdev_create_object() with no create. */
static struct xmsg_cdev_obj *xmsg_cdev_open_object(u32 type, const char *name,
						   u32 access)
{
	struct xmsg_cdev_obj *uobj;
	int err;

	if (mutex_lock_killable(&xmsg_reg_lock))
		return ERR_PTR(-EINTR);
	uobj = __xmsg_cdev_reg_lookup(xmsg_cdev_cur_ns(), type, name);
	err = uobj ? xmsg_cdev_obj_perm(uobj, access) : -ENOENT;
	mutex_unlock(&xmsg_reg_lock);
	if (err) {
		xmsg_cdev_obj_put(uobj);
		return ERR_PTR(err);
	}
	return uobj;
}

/**
 * xmsg_cdev_ioc_open() - XMSG_IOC_OPEN
 * @cf: the file
 * @arg: struct xmsg_open
 * @cmd: the command
 *
 * Context: process context.
 * Return: 0; -EFAULT, -EINVAL, -E2BIG; -ENOENT; -EACCES; -EMFILE; -ENOMEM.
 */
long xmsg_cdev_ioc_open(struct xmsg_file *cf, void __user *arg,
			unsigned int cmd)
{
	struct xmsg_open op;
	struct xmsg_cdev_obj *uobj;
	struct xmsg_handle *h;
	int err;
	u32 id;

	err = xmsg_cdev_copy_in(&op, sizeof(op), sizeof(op), arg, cmd);
	if (err)
		return err;
	if (op.flags || op.pad || memchr_inv(op.reserved, 0,
					     sizeof(op.reserved)) ||
	    !xmsg_cdev_type_is_obj(op.type) ||
	    !xmsg_cdev_access_ok(op.access) || xmsg_cdev_name_check(op.name,
								    false))
		return -EINVAL;
	h = xmsg_cdev_handle_alloc(op.type);
	if (!h)
		return -ENOMEM;
	mutex_lock(&cf->lock);
	err = xmsg_cdev_handle_reserve(cf, &id);
	mutex_unlock(&cf->lock);
	if (err)
		goto free;
	uobj = xmsg_cdev_open_object(op.type, op.name, op.access);
	err = PTR_ERR_OR_ZERO(uobj);
	if (!err) {
		h->uobj = uobj;
		h->obj = xmsg_cdev_type_has_region(op.type) ? NULL : uobj->obj;
		h->rights = op.access;
		op.handle = id;
		err = xmsg_cdev_copy_out(arg, &op, sizeof(op));
	}
	mutex_lock(&cf->lock);
	if (!err)
		xmsg_cdev_handle_publish(cf, h, id);
	else
		xmsg_cdev_handle_unreserve(cf, id);
	mutex_unlock(&cf->lock);
	if (!err)
		return 0;
	if (!IS_ERR(uobj))
		xmsg_cdev_obj_put(uobj);
free:
	kfree(h);
	return err;
}

/**
 * xmsg_cdev_obj_kill() - mark an object destroyed
 * @uobj: the object
 *
 * An exchange or semaphore is destroyed at once (its waiters fail with
 * -EIDRM, its queue is released); a pool or heap only when idle, and then
 * no block (chunk) goes out of it and no mapping is made any more.  The name and
 * the references are the caller's business.
 *
 * Context: process context; takes the pool's rwsem or xmsg_reg_lock.
 * Return: 0; -EIDRM when destroyed already; -EBUSY for a pool (heap) with
 * blocks (chunks) out or mapped.
 */
int xmsg_cdev_obj_kill(struct xmsg_cdev_obj *uobj)
{
	struct xmsg_heap_stats hs;
	struct xmsg_pool_stats st;
	bool busy;
	int err = 0;

	if (xmsg_cdev_type_has_region(uobj->type)) {
		down_write(&uobj->rwsem);
		if (uobj->type == XMSG_TYPE_POOL) {
			xmsg_pool_get_stats(uobj->pool, &st);
			busy = st.in_use || st.mapped;
		} else {
			xmsg_heap_get_stats(uobj->heap, &hs);
			busy = hs.out || hs.mapped;
		}
		if (uobj->dead)
			err = -EIDRM;
		else if (busy)
			err = -EBUSY;
		else
			uobj->dead = true;
		if (!err && uobj->type == XMSG_TYPE_POOL)
			xmsg_pool_close(uobj->pool);
		up_write(&uobj->rwsem);
		return err;
	}
	mutex_lock(&xmsg_reg_lock);
	if (uobj->dead || xmsg_obj_dead(uobj->obj))
		err = -EIDRM;
	else
		uobj->dead = true;
	mutex_unlock(&xmsg_reg_lock);
	if (err)
		return err;
	if (uobj->type == XMSG_TYPE_XCHG)
		xmsg_xchg_destroy(xmsg_obj_xchg(uobj->obj));
	else
		xmsg_sem_destroy(xmsg_obj_sem(uobj->obj));
	return 0;
}

/**
 * xmsg_cdev_ioc_destroy() - XMSG_IOC_DESTROY
 * @cf: the file
 * @arg: struct xmsg_handle_op
 * @cmd: the command
 *
 * Context: process context.
 * Return: 0; -EFAULT, -EINVAL, -E2BIG; -EBADF; -EPERM; -EBUSY; -EIDRM.
 */
long xmsg_cdev_ioc_destroy(struct xmsg_file *cf, void __user *arg,
			   unsigned int cmd)
{
	struct xmsg_handle_op op;
	struct xmsg_cdev_obj *uobj = NULL;
	struct xmsg_handle *h;
	bool named;
	u64 gen = 0;
	int err;

	err = xmsg_cdev_copy_in(&op, sizeof(op), sizeof(op), arg, cmd);
	if (err)
		return err;
	if (op.flags || op.pad || memchr_inv(op.reserved, 0,
					     sizeof(op.reserved)))
		return -EINVAL;
	mutex_lock(&cf->lock);
	h = __xmsg_cdev_handle_find(cf, op.handle, 0, &err);
	if (h && !xmsg_cdev_type_is_obj(h->type))
		err = -EINVAL;
	else if (h && !h->uobj)
		err = -EPERM;
	else if (h)
		uobj = h->uobj;
	if (uobj) {
		xmsg_cdev_obj_get(uobj);
		gen = h->gen;
	}
	mutex_unlock(&cf->lock);
	if (!uobj)
		return err;
	err = xmsg_cdev_obj_may_destroy(uobj) ? xmsg_cdev_obj_kill(uobj) :
						-EPERM;
	if (err)
		goto put;
	mutex_lock(&xmsg_reg_lock);
	named = uobj->reg;
	__xmsg_cdev_reg_unlink(uobj);
	mutex_unlock(&xmsg_reg_lock);
	if (named)
		xmsg_cdev_obj_put(uobj);	/* the registry's */
	/* Close the handle, unless another thread did already. */
	mutex_lock(&cf->lock);
	h = __xmsg_cdev_handle_again(cf, op.handle, gen);
	if (h)
		__xmsg_cdev_handle_remove(cf, h);
	mutex_unlock(&cf->lock);
	xmsg_cdev_handle_drop(h);
put:
	xmsg_cdev_obj_put(uobj);
	return err;
}

/**
 * __xmsg_cdev_manage_find() - an object handle that may change what others
 *	queued there (XMSG_IOC_XCHG_CLEAR, _SEM_CLEAR, _XCHG_BUMP)
 * @cf: the file
 * @id: the handle
 * @type: XMSG_TYPE_XCHG or XMSG_TYPE_SEM
 * @err: set when NULL is returned
 *
 * Such a command throws away or reorders what others sent or signalled:
 * it needs the write right, and a handle the caller opened or created (a
 * reply handle, which a peer handed over, is refused).
 *
 * Context: @cf->lock held.
 * Return: the handle, or NULL with *@err: -EBADF, -EINVAL (another
 * type), -EACCES (no write right), -EPERM (a reply handle).
 */
struct xmsg_handle *__xmsg_cdev_manage_find(struct xmsg_file *cf, u32 id,
					    u32 type, int *err)
{
	struct xmsg_handle *h;

	lockdep_assert_held(&cf->lock);
	h = __xmsg_cdev_handle_find(cf, id, type, err);
	if (h && !(h->rights & XMSG_ACC_WRITE))
		*err = -EACCES;
	else if (h && !h->uobj)
		*err = -EPERM;
	else
		return h;
	return NULL;
}

/**
 * xmsg_cdev_clear_target() - the object of XMSG_IOC_XCHG_CLEAR / _SEM_CLEAR
 * @cf: the file
 * @arg: struct xmsg_handle_op
 * @cmd: the command
 * @type: XMSG_TYPE_XCHG or XMSG_TYPE_SEM
 *
 * A clear throws away what others sent or signalled and cancels their
 * waits: see __xmsg_cdev_manage_find() for the handle it needs.
 *
 * Context: process context.
 * Return: the object with a reference, or ERR_PTR(): -EFAULT, -EINVAL,
 * -E2BIG, -EBADF, -EACCES, -EPERM.
 */
struct xmsg_obj *xmsg_cdev_clear_target(struct xmsg_file *cf,
					void __user *arg, unsigned int cmd,
					u32 type)
{
	struct xmsg_obj *obj = NULL;
	struct xmsg_handle_op op;
	struct xmsg_handle *h;
	int err;

	err = xmsg_cdev_copy_in(&op, sizeof(op), sizeof(op), arg, cmd);
	if (err)
		return ERR_PTR(err);
	if (op.flags || op.pad || memchr_inv(op.reserved, 0,
					     sizeof(op.reserved)))
		return ERR_PTR(-EINVAL);
	mutex_lock(&cf->lock);
	h = __xmsg_cdev_manage_find(cf, op.handle, type, &err);
	if (h)
		obj = h->obj;
	xmsg_obj_get(obj);
	mutex_unlock(&cf->lock);
	return obj ?: ERR_PTR(err);
}

/*
 * The peek fields (read right only): a snapshot of what a receive or wait
 * would find, whose counts replace those of the statistics.
 */
static void xmsg_cdev_info_peek(struct xmsg_handle *h, struct xmsg_info *in)
{
	struct pid_namespace *ns = task_active_pid_ns(current);
	struct xmsg_xchg_peek xp;
	struct xmsg_sem_peek sp;

	if (h->type == XMSG_TYPE_XCHG) {
		xmsg_xchg_peek(xmsg_obj_xchg(h->obj), ns, &xp);
		in->u.xchg.queued = xp.queued;
		in->u.xchg.waiters = xp.waiters;
		if (xp.has_msg) {
			in->u.xchg.peek |= XMSG_PEEK_MSG;
			in->u.xchg.first_prio = xp.prio;
			in->u.xchg.first_length = xp.length;
		}
		if (xp.has_waiter) {
			in->u.xchg.peek |= XMSG_PEEK_WAITER;
			in->u.xchg.waiter_pid = xp.pid;
			in->u.xchg.waiter_tid = xp.tid;
		}
		return;
	}
	xmsg_sem_peek(xmsg_obj_sem(h->obj), ns, &sp);
	in->u.sem.count = sp.count;
	in->u.sem.waiters = sp.waiters;
	if (sp.has_waiter) {
		in->u.sem.peek = XMSG_PEEK_WAITER;
		in->u.sem.waiter_pid = sp.pid;
		in->u.sem.waiter_tid = sp.tid;
	}
}

static void xmsg_cdev_info_obj(struct xmsg_handle *h, struct xmsg_info *in)
{
	struct user_namespace *uns = current_user_ns();
	struct xmsg_cdev_obj *uobj = h->uobj;
	struct xmsg_pool_stats ps;
	struct xmsg_xchg_stats xs;
	struct xmsg_sem_stats ss;

	in->rights = h->rights;
	if (uobj) {
		in->mode = uobj->mode;
		in->uid = from_kuid_munged(uns, uobj->uid);
		in->gid = from_kgid_munged(uns, uobj->gid);
		memcpy(in->name, uobj->name, XMSG_NAME_MAX);
		if (READ_ONCE(uobj->dead))
			in->obj_flags |= XMSG_OBJF_DEAD;
	} else {
		in->obj_flags |= XMSG_OBJF_REPLY;
	}
	switch (h->type) {
	case XMSG_TYPE_POOL:
		xmsg_pool_get_stats(uobj->pool, &ps);
		in->u.pool.block_size = ps.block_size;
		in->u.pool.count = ps.count;
		in->u.pool.free = ps.free;
		in->u.pool.in_use = ps.in_use;
		in->u.pool.high_water = ps.high_water;
		in->u.pool.failed_gets = ps.failed_gets;
		in->u.pool.bad_rels = ps.bad_rels;
		in->u.pool.mapped = ps.mapped;
		in->u.pool.region_size = ps.region_size;
		return;
	case XMSG_TYPE_HEAP:
		xmsg_cdev_heap_info(uobj->heap, &in->u.heap);
		return;
	case XMSG_TYPE_XCHG:
		xmsg_xchg_get_stats(xmsg_obj_xchg(h->obj), &xs);
		in->u.xchg.kind = xs.kind;
		in->u.xchg.queued = xs.queued;
		in->u.xchg.waiters = xs.waiters;
		in->u.xchg.limit = xs.limit;
		in->u.xchg.sent = xs.sent;
		in->u.xchg.received = xs.received;
		in->u.xchg.gen = xs.gen;
		in->u.xchg.refused = xs.refused;
		in->u.xchg.senders = xs.senders;
		if (xs.flags & XMSG_XCHG_PASS_SCHED)
			in->u.xchg.flags |= XMSG_XCHG_F_PASS_SCHED;
		break;
	default:
		xmsg_sem_get_stats(xmsg_obj_sem(h->obj), &ss);
		in->u.sem.kind = ss.kind;
		in->u.sem.count = ss.count;
		in->u.sem.threshold = ss.threshold;
		in->u.sem.waiters = ss.waiters;
		in->u.sem.signals = ss.signals;
		break;
	}
	if (h->rights & XMSG_ACC_READ)
		xmsg_cdev_info_peek(h, in);
	if (xmsg_obj_dead(h->obj))
		in->obj_flags |= XMSG_OBJF_DEAD;
}

/**
 * xmsg_cdev_ioc_info() - XMSG_IOC_INFO
 * @cf: the file
 * @arg: struct xmsg_info
 * @cmd: the command
 *
 * Context: process context.
 * Return: 0; -EFAULT, -EINVAL, -E2BIG; -EBADF.
 */
long xmsg_cdev_ioc_info(struct xmsg_file *cf, void __user *arg,
			unsigned int cmd)
{
	struct xmsg_info in;
	struct xmsg_handle *h;
	u32 handle, usize;
	int err;

	err = xmsg_cdev_copy_in(&in, sizeof(in), sizeof(in), arg, cmd);
	if (err)
		return err;
	if (in.flags || in.pad || memchr_inv(in.reserved, 0,
					     sizeof(in.reserved)))
		return -EINVAL;
	handle = in.handle;
	usize = in.size;
	memset(&in, 0, sizeof(in));
	in.size = usize;
	in.handle = handle;
	mutex_lock(&cf->lock);
	h = __xmsg_cdev_handle_find(cf, handle, 0, &err);
	if (h) {
		in.type = h->type;
		if (xmsg_cdev_type_is_obj(h->type))
			xmsg_cdev_info_obj(h, &in);
		else
			xmsg_cdev_buf_describe(cf, h, &in.u.buf);
	}
	mutex_unlock(&cf->lock);
	if (!h)
		return err;
	return xmsg_cdev_copy_out(arg, &in, sizeof(in));
}

#define XMSG_LIST_MAX	256

/**
 * xmsg_cdev_ioc_list() - XMSG_IOC_LIST
 * @cf: the file
 * @arg: struct xmsg_list
 * @cmd: the command
 *
 * Context: process context.
 * Return: 0; -EFAULT, -EINVAL, -E2BIG; -ENOMEM.
 */
long xmsg_cdev_ioc_list(struct xmsg_file *cf, void __user *arg,
			unsigned int cmd)
{
	struct xmsg_list_entry *ents;
	struct xmsg_list ls;
	u32 n;
	int err;

	err = xmsg_cdev_copy_in(&ls, sizeof(ls), sizeof(ls), arg, cmd);
	if (err)
		return err;
	if (ls.flags || ls.pad || memchr_inv(ls.reserved, 0,
					     sizeof(ls.reserved)) ||
	    (ls.type && !xmsg_cdev_type_is_obj(ls.type)) ||
	    ls.entry_size != sizeof(*ents) ||
	    (ls.count && !ls.entries))
		return -EINVAL;
	n = min_t(u32, ls.count, XMSG_LIST_MAX);
	ents = kcalloc(max_t(u32, n, 1), sizeof(*ents), GFP_KERNEL_ACCOUNT);
	if (!ents)
		return -ENOMEM;
	xmsg_cdev_reg_list(xmsg_cdev_cur_ns(), ls.type, &ls.cursor, ents, &n);
	ls.count = n;
	err = 0;
	if (n && copy_to_user(u64_to_user_ptr(ls.entries), ents,
			      n * sizeof(*ents)))
		err = -EFAULT;
	kfree(ents);
	return err ?: xmsg_cdev_copy_out(arg, &ls, sizeof(ls));
}

/* ---- poll fds -------------------------------------------------------- */

/**
 * struct xmsg_poll_file - an fd that polls one exchange or semaphore
 * @uobj: reference, or NULL for a reply handle
 * @obj: reference
 * @gen: broadcast generation already seen
 */
struct xmsg_poll_file {
	struct xmsg_cdev_obj *uobj;
	struct xmsg_obj *obj;
	u64 gen;
};

static __poll_t xmsg_cdev_poll_file_poll(struct file *file, poll_table *pt)
{
	struct xmsg_poll_file *pfd = file->private_data;
	struct xmsg_xchg *xchg = xmsg_obj_xchg(pfd->obj);

	if (xchg)
		return xmsg_xchg_poll(xchg, file, pt, pfd->gen);
	return xmsg_sem_poll(xmsg_obj_sem(pfd->obj), file, pt);
}

static int xmsg_cdev_poll_file_release(struct inode *inode, struct file *file)
{
	struct xmsg_poll_file *pfd = file->private_data;

	xmsg_obj_put(pfd->obj);
	xmsg_cdev_obj_put(pfd->uobj);
	kfree(pfd);
	return 0;
}

static const struct file_operations xmsg_pfd_fops = {
	.owner = THIS_MODULE,
	.poll = xmsg_cdev_poll_file_poll,
	.release = xmsg_cdev_poll_file_release,
	.llseek = noop_llseek,
};

/**
 * xmsg_cdev_ioc_poll_fd() - XMSG_IOC_POLL_FD
 * @cf: the file
 * @arg: struct xmsg_poll_fd
 * @cmd: the command
 *
 * Context: process context.
 * Return: 0; -EFAULT, -EINVAL, -E2BIG; -EBADF; -EACCES; -EMFILE; -ENOMEM.
 */
long xmsg_cdev_ioc_poll_fd(struct xmsg_file *cf, void __user *arg,
			   unsigned int cmd)
{
	struct xmsg_poll_fd pf;
	struct xmsg_poll_file *pfd;
	struct xmsg_handle *h;
	struct file *file;
	int err, fd;

	err = xmsg_cdev_copy_in(&pf, sizeof(pf), sizeof(pf), arg, cmd);
	if (err)
		return err;
	if (pf.flags & ~XMSG_FD_CLOEXEC ||
	    memchr_inv(pf.reserved, 0, sizeof(pf.reserved)))
		return -EINVAL;
	pfd = kzalloc(sizeof(*pfd), GFP_KERNEL_ACCOUNT);
	if (!pfd)
		return -ENOMEM;
	mutex_lock(&cf->lock);
	h = __xmsg_cdev_handle_find(cf, pf.handle, 0, &err);
	if (h && h->type != XMSG_TYPE_XCHG && h->type != XMSG_TYPE_SEM) {
		err = -EINVAL;
		h = NULL;
	} else if (h && !(h->rights & XMSG_ACC_READ)) {
		err = -EACCES;
		h = NULL;
	}
	if (h) {
		pfd->uobj = h->uobj;
		pfd->obj = h->obj;
		if (pfd->uobj)
			xmsg_cdev_obj_get(pfd->uobj);
		xmsg_obj_get(pfd->obj);
	}
	mutex_unlock(&cf->lock);
	if (!h) {
		kfree(pfd);
		return err;
	}
	pfd->gen = pf.gen;
	fd = get_unused_fd_flags(O_RDONLY |
				 (pf.flags & XMSG_FD_CLOEXEC ? O_CLOEXEC : 0));
	if (fd < 0) {
		err = fd;
		goto put;
	}
	file = anon_inode_getfile("[xmsg]", &xmsg_pfd_fops, pfd, O_RDONLY);
	if (IS_ERR(file)) {
		err = PTR_ERR(file);
		goto put_fd;
	}
	pf.fd = fd;
	err = xmsg_cdev_copy_out(arg, &pf, sizeof(pf));
	if (err) {
		fput(file);	/* releases pfd */
		put_unused_fd(fd);
		return err;
	}
	fd_install(fd, file);
	return 0;

put_fd:
	put_unused_fd(fd);
put:
	xmsg_obj_put(pfd->obj);
	xmsg_cdev_obj_put(pfd->uobj);
	kfree(pfd);
	return err;
}

/* ---- mmap ------------------------------------------------------------ */

/**
 * xmsg_cdev_pool_mmap() - map a pool's (or heap's) region
 * @cf: the file
 * @vma: the mapping; its offset is XMSG_MMAP_OFFSET(pool or heap handle)
 *
 * The region (or a prefix of it) is mapped from its start, MAP_SHARED
 * only.  A handle without the write right gets a mapping that can never
 * become writable.
 *
 * Context: process context, mmap_lock held.
 * Return: 0; -EINVAL for a bad offset, MAP_PRIVATE, a handle that is not a
 * pool or heap or a length beyond the region; -EBADF for an unknown handle;
 * -EACCES without the read right, or for PROT_WRITE without the write
 * right; -EIDRM for a destroyed
 * pool; the errors of remap_vmalloc_range().
 */
int xmsg_cdev_pool_mmap(struct xmsg_file *cf, struct vm_area_struct *vma)
{
	unsigned int shift = XMSG_MMAP_SHIFT - PAGE_SHIFT;
	unsigned long handle = vma->vm_pgoff >> shift;
	struct xmsg_cdev_obj *uobj;
	struct xmsg_handle *h;
	int err;

	if (vma->vm_pgoff & ((1UL << shift) - 1) || handle > U32_MAX ||
	    !(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	mutex_lock(&cf->lock);
	h = __xmsg_cdev_handle_find(cf, handle, 0, &err);
	if (!h)
		goto unlock;
	err = -EINVAL;
	if (!xmsg_cdev_type_has_region(h->type))
		goto unlock;
	err = -EACCES;
	if (!(h->rights & XMSG_ACC_READ))
		goto unlock;
	if (!(h->rights & XMSG_ACC_WRITE)) {
		if (vma->vm_flags & VM_WRITE)
			goto unlock;
		xmsg_vm_flags_clear(vma, VM_MAYWRITE);
	}
	uobj = h->uobj;
	down_read(&uobj->rwsem);
	if (uobj->dead) {
		err = -EIDRM;
	} else {
		vma->vm_pgoff = 0;
		if (h->type == XMSG_TYPE_HEAP)
			err = xmsg_heap_mmap(uobj->heap, vma);
		else
			err = xmsg_pool_mmap(uobj->pool, vma);
	}
	up_read(&uobj->rwsem);
unlock:
	mutex_unlock(&cf->lock);
	return err;
}
