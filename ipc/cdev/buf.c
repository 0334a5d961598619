// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg character device: bare blocks, standard blocks, messages and
 * proxies (XMSG_IOC_BUF_*), and the dispatch of the heap commands on
 * struct xmsg_buf (their work is in heap.c); send and receive are in
 * sendrecv.c, semaphores in sem.c.
 *
 * Locking
 * -------
 * Everything that looks a handle up runs under the file's lock
 * (xmsg_file.lock).  The mm calls made under it do not sleep for long
 * (allocations only).  A pool's rwsem is held for reading while blocks
 * are taken from it (destroy holds it for writing).
 */
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "cdev.h"

/**
 * xmsg_cdev_buf_describe() - where a message, BCB, bare block or chunk lies
 * @cf: the file
 * @h: a handle of type XMSG_TYPE_MSG, _BCB, _BLOCK or _CHUNK
 * @bi: filled in (pool handle, offset, length, flags, priority)
 *
 * Context: @cf->lock held.
 */
void xmsg_cdev_buf_describe(struct xmsg_file *cf, struct xmsg_handle *h,
			    struct xmsg_buf_info *bi)
{
	struct xmsg_pool *pool = NULL;
	struct xmsg_msg *real;
	size_t len = 0;
	void *p = NULL;

	memset(bi, 0, sizeof(*bi));
	switch (h->type) {
	case XMSG_TYPE_BLOCK:
		pool = h->blk.pool;
		p = h->blk.dbp;
		len = xmsg_pool_block_size(pool);
		break;
	case XMSG_TYPE_BCB:
		pool = h->bcb->pool;
		p = h->bcb->dbp;
		len = xmsg_pool_block_size(pool);
		break;
	case XMSG_TYPE_CHUNK:
		bi->length = h->chunk.size;
		xmsg_cdev_heap_describe(cf, h->chunk.heap, h->chunk.p, bi);
		return;
	case XMSG_TYPE_MSG:
		real = xmsg_msg_real(h->msg);
		if (real->origin == XMSG_ORIGIN_POOL)
			pool = real->pool;
		if (h->msg->origin == XMSG_ORIGIN_PROXY)
			bi->msg_flags |= XMSG_MSGF_PROXY;
		p = h->msg->body;
		len = h->msg->size;
		bi->prio = h->prio;
		if (real->origin == XMSG_ORIGIN_HEAP) {
			bi->length = len;
			xmsg_cdev_heap_describe(cf, real->heap, p, bi);
			return;
		}
		break;
	}
	bi->length = len;
	if (pool && xmsg_pool_owns(pool, p, len)) {
		bi->offset = xmsg_pool_offset(pool, p);
		bi->pool = __xmsg_cdev_pool_handle(cf, pool);
	}
	if (!bi->pool)
		bi->msg_flags |= XMSG_MSGF_NOPOOL;
}

static void xmsg_cdev_buf_out(struct xmsg_file *cf, struct xmsg_handle *h,
			      struct xmsg_buf *b)
{
	struct xmsg_buf_info bi;

	xmsg_cdev_buf_describe(cf, h, &bi);
	b->dst = h->id;
	b->pool = bi.pool;
	b->msg_flags = bi.msg_flags;
	b->offset = bi.offset;
	b->length = bi.length;
}

/**
 * __xmsg_cdev_src_writable() - the object of a handle to take memory from
 * @cf: the file
 * @src: a pool or heap handle from user space
 * @type: XMSG_TYPE_POOL or XMSG_TYPE_HEAP
 * @err: out: -EBADF (unknown), -EINVAL (not @type), -EACCES (not both
 *	the read and the write right)
 *
 * Context: @cf->lock held.
 * Return: the pool or heap, or NULL with *@err set.
 */
struct xmsg_cdev_obj *__xmsg_cdev_src_writable(struct xmsg_file *cf, u32 src,
					       u8 type, int *err)
{
	struct xmsg_handle *hp = __xmsg_cdev_handle_find(cf, src, type, err);

	/* a block or chunk may hold what its last user wrote: read too */
	if (hp && (hp->rights & XMSG_ACC_RDWR) != XMSG_ACC_RDWR) {
		*err = -EACCES;
		hp = NULL;
	}
	return hp ? hp->uobj : NULL;
}

/* Look up a pool handle with read and write, and take a block from it. */
static int __xmsg_cdev_take_block(struct xmsg_file *cf, u32 src,
				  struct xmsg_pool **poolp, void **dbpp)
{
	struct xmsg_cdev_obj *uobj;
	int err = 0;

	uobj = __xmsg_cdev_src_writable(cf, src, XMSG_TYPE_POOL, &err);
	if (!uobj)
		return err;
	down_read(&uobj->rwsem);
	*dbpp = uobj->dead ? NULL : xmsg_block_get(uobj->pool);
	if (!*dbpp)
		err = uobj->dead ? -EIDRM : -ENOBUFS;
	up_read(&uobj->rwsem);
	*poolp = uobj->pool;
	return err;
}

/* BLOCK_GET, BCB_GET, MSG_GET: a new block, standard block or message. */
static int __xmsg_cdev_buf_get(struct xmsg_file *cf, unsigned int nr,
			       struct xmsg_buf *b, struct xmsg_handle *hn)
{
	struct xmsg_pool *pool;
	struct xmsg_msg *msg;
	struct xmsg_bcb *bcb;
	void *dbp;
	int err;

	err = __xmsg_cdev_take_block(cf, b->src, &pool, &dbp);
	if (err)
		return err;
	switch (nr) {
	case _IOC_NR(XMSG_IOC_BLOCK_GET):
		hn->blk.dbp = dbp;
		hn->blk.pool = pool;
		return 0;
	case _IOC_NR(XMSG_IOC_BCB_GET):
		bcb = xmsg_bcb_make(pool, dbp, &cf->owner, GFP_KERNEL_ACCOUNT);
		err = PTR_ERR_OR_ZERO(bcb);
		if (!err)
			hn->bcb = bcb;
		break;
	default:
		msg = xmsg_msg_make(pool, dbp, &cf->owner, GFP_KERNEL_ACCOUNT);
		err = PTR_ERR_OR_ZERO(msg);
		if (!err)
			hn->msg = msg;
		break;
	}
	if (err)
		xmsg_block_rel(pool, dbp);
	return err;
}

/* BCB_MAKE, MSG_MAKE: from a bare block.  Frees the source entry. */
static int __xmsg_cdev_buf_make(struct xmsg_file *cf, unsigned int nr,
				struct xmsg_buf *b, struct xmsg_handle *hn)
{
	struct xmsg_handle *h;
	struct xmsg_msg *msg;
	struct xmsg_bcb *bcb;
	int err;

	h = __xmsg_cdev_handle_find(cf, b->src, XMSG_TYPE_BLOCK, &err);
	if (!h)
		return err;
	if (nr == _IOC_NR(XMSG_IOC_BCB_MAKE)) {
		bcb = xmsg_bcb_make(h->blk.pool, h->blk.dbp, &cf->owner,
				    GFP_KERNEL_ACCOUNT);
		if (IS_ERR(bcb))
			return PTR_ERR(bcb);
		hn->bcb = bcb;
	} else {
		msg = xmsg_msg_make(h->blk.pool, h->blk.dbp, &cf->owner,
				    GFP_KERNEL_ACCOUNT);
		if (IS_ERR(msg))
			return PTR_ERR(msg);
		hn->msg = msg;
	}
	__xmsg_cdev_handle_remove(cf, h);
	kfree(h);
	return 0;
}

/* BCB_UNMAKE, MSG_UNMAKE: back to a bare block.  Frees the source. */
static int __xmsg_cdev_buf_unmake(struct xmsg_file *cf, unsigned int nr,
				  struct xmsg_buf *b, struct xmsg_handle *hn)
{
	bool bcb = nr == _IOC_NR(XMSG_IOC_BCB_UNMAKE);
	struct xmsg_msg *msg = NULL;
	struct xmsg_pool *pool = NULL;
	struct xmsg_handle *h;
	void *dbp;
	int err;

	h = __xmsg_cdev_handle_find(cf, b->src,
				    bcb ? XMSG_TYPE_BCB : XMSG_TYPE_MSG,
				    &err);
	if (!h)
		return err;
	if (bcb) {
		dbp = xmsg_bcb_unmake(h->bcb, &pool);
	} else {
		if (h->msg->origin != XMSG_ORIGIN_POOL)
			return -EINVAL;
		/*
		 * a bare block is the whole block: see
		 * __xmsg_cdev_pool_writable()
		 */
		if (!__xmsg_cdev_pool_writable(cf, h->msg->pool))
			return -EACCES;
		msg = h->msg;
		dbp = xmsg_msg_unmake(msg, &pool);
	}
	if (IS_ERR(dbp))
		return PTR_ERR(dbp);
	if (msg)	/* freed: only the pointer value is compared */
		__xmsg_cdev_posts_forget(cf, msg);
	hn->blk.dbp = dbp;
	hn->blk.pool = pool;
	__xmsg_cdev_handle_remove(cf, h);
	kfree(h);
	return 0;
}

static int __xmsg_cdev_buf_proxy(struct xmsg_file *cf, struct xmsg_buf *b,
				 struct xmsg_handle *hn)
{
	struct xmsg_msg *proxy;
	struct xmsg_handle *h;
	u64 len;
	int err;

	h = __xmsg_cdev_handle_find(cf, b->src, XMSG_TYPE_MSG, &err);
	if (!h)
		return err;
	if (b->slice_offset >= h->msg->size)
		return -EINVAL;
	len = b->slice_length ?: h->msg->size - b->slice_offset;
	if (len > h->msg->size - b->slice_offset)
		return -EINVAL;
	proxy = xmsg_msg_make_proxy(h->msg, b->slice_offset, len, &cf->owner,
				    GFP_KERNEL_ACCOUNT);
	if (IS_ERR(proxy))
		return PTR_ERR(proxy);
	hn->msg = proxy;
	hn->prio = h->prio;
	return 0;
}

/* BLOCK_REL, BCB_REL, MSG_REL */
static long xmsg_cdev_buf_rel(struct xmsg_file *cf, unsigned int nr,
			      struct xmsg_buf *b)
{
	u8 type = nr == _IOC_NR(XMSG_IOC_BLOCK_REL) ? XMSG_TYPE_BLOCK :
		  nr == _IOC_NR(XMSG_IOC_BCB_REL) ? XMSG_TYPE_BCB :
		  nr == _IOC_NR(XMSG_IOC_HEAP_CHUNK_FREE) ? XMSG_TYPE_CHUNK :
		  XMSG_TYPE_MSG;
	struct xmsg_handle *h;
	int err;

	mutex_lock(&cf->lock);
	h = __xmsg_cdev_handle_find(cf, b->src, type, &err);
	if (h) {
		__xmsg_cdev_handle_remove(cf, h);
		__xmsg_cdev_posts_released(cf, h);
	}
	mutex_unlock(&cf->lock);
	if (!h)
		return err;
	xmsg_cdev_handle_drop(h);
	return 0;
}

static u8 xmsg_cdev_buf_dst_type(unsigned int nr)
{
	switch (nr) {
	case _IOC_NR(XMSG_IOC_BLOCK_GET):
	case _IOC_NR(XMSG_IOC_BCB_UNMAKE):
	case _IOC_NR(XMSG_IOC_MSG_UNMAKE):
		return XMSG_TYPE_BLOCK;
	case _IOC_NR(XMSG_IOC_BCB_GET):
	case _IOC_NR(XMSG_IOC_BCB_MAKE):
		return XMSG_TYPE_BCB;
	case _IOC_NR(XMSG_IOC_HEAP_CHUNK_GET):
	case _IOC_NR(XMSG_IOC_HEAP_MSG_UNMAKE):
		return XMSG_TYPE_CHUNK;
	default:
		return XMSG_TYPE_MSG;
	}
}

/* The *_GET commands: a copy-out failure undoes them. */
static bool xmsg_cdev_buf_is_get(unsigned int nr)
{
	return nr == _IOC_NR(XMSG_IOC_BLOCK_GET) ||
	       nr == _IOC_NR(XMSG_IOC_BCB_GET) ||
	       nr == _IOC_NR(XMSG_IOC_MSG_GET) ||
	       nr == _IOC_NR(XMSG_IOC_HEAP_MSG_GET) ||
	       nr == _IOC_NR(XMSG_IOC_HEAP_CHUNK_GET);
}

/**
 * xmsg_cdev_ioc_buf() - the block and message commands (struct xmsg_buf)
 * @cf: the file
 * @arg: struct xmsg_buf
 * @cmd: XMSG_IOC_BLOCK_*, XMSG_IOC_BCB_*, XMSG_IOC_MSG_*, and the heap
 *	commands XMSG_IOC_HEAP_MSG_GET, _CHUNK_GET, _CHUNK_FREE, _MSG_MAKE,
 *	_MSG_UNMAKE
 *
 * A new handle is published before the copy out; if that copy fails after
 * a *_GET, the get is undone, otherwise (make, unmake, proxy) the new
 * handle stays in the table and is released on close.
 *
 * Context: process context.
 * Return: 0; -EFAULT, -EINVAL, -E2BIG; -EBADF; -EACCES; -EIDRM; -ENOBUFS;
 * -EBUSY; -EMFILE; -ENOMEM.
 */
long xmsg_cdev_ioc_buf(struct xmsg_file *cf, void __user *arg, unsigned int cmd)
{
	unsigned int nr = _IOC_NR(cmd);
	struct xmsg_handle *hn;
	struct xmsg_buf b;
	u64 gen;
	int err;
	u32 id;

	err = xmsg_cdev_copy_in(&b, sizeof(b), sizeof(b), arg, cmd);
	if (err)
		return err;
	if (b.flags || memchr_inv(b.reserved, 0, sizeof(b.reserved)) ||
	    (nr != _IOC_NR(XMSG_IOC_MSG_PROXY) &&
	     (b.slice_offset || b.slice_length)))
		return -EINVAL;
	if (nr == _IOC_NR(XMSG_IOC_BLOCK_REL) ||
	    nr == _IOC_NR(XMSG_IOC_BCB_REL) || nr == _IOC_NR(XMSG_IOC_MSG_REL) ||
	    nr == _IOC_NR(XMSG_IOC_HEAP_CHUNK_FREE))
		return xmsg_cdev_buf_rel(cf, nr, &b);

	hn = xmsg_cdev_handle_alloc(xmsg_cdev_buf_dst_type(nr));
	if (!hn)
		return -ENOMEM;
	mutex_lock(&cf->lock);
	err = xmsg_cdev_handle_reserve(cf, &id);
	if (err)
		goto unlock;
	switch (nr) {
	case _IOC_NR(XMSG_IOC_BLOCK_GET):
	case _IOC_NR(XMSG_IOC_BCB_GET):
	case _IOC_NR(XMSG_IOC_MSG_GET):
		err = __xmsg_cdev_buf_get(cf, nr, &b, hn);
		break;
	case _IOC_NR(XMSG_IOC_BCB_MAKE):
	case _IOC_NR(XMSG_IOC_MSG_MAKE):
		err = __xmsg_cdev_buf_make(cf, nr, &b, hn);
		break;
	case _IOC_NR(XMSG_IOC_BCB_UNMAKE):
	case _IOC_NR(XMSG_IOC_MSG_UNMAKE):
		err = __xmsg_cdev_buf_unmake(cf, nr, &b, hn);
		break;
	case _IOC_NR(XMSG_IOC_HEAP_MSG_GET):
	case _IOC_NR(XMSG_IOC_HEAP_CHUNK_GET):
		err = __xmsg_cdev_heap_get(cf, nr, &b, hn);
		break;
	case _IOC_NR(XMSG_IOC_HEAP_MSG_MAKE):
		err = __xmsg_cdev_heap_make(cf, &b, hn);
		break;
	case _IOC_NR(XMSG_IOC_HEAP_MSG_UNMAKE):
		err = __xmsg_cdev_heap_unmake(cf, &b, hn);
		break;
	default:
		err = __xmsg_cdev_buf_proxy(cf, &b, hn);
		break;
	}
	if (err) {
		xmsg_cdev_handle_unreserve(cf, id);
		goto unlock;
	}
	xmsg_cdev_handle_publish(cf, hn, id);
	gen = hn->gen;
	xmsg_cdev_buf_out(cf, hn, &b);
	mutex_unlock(&cf->lock);
	err = xmsg_cdev_copy_out(arg, &b, sizeof(b));
	if (err && xmsg_cdev_buf_is_get(nr)) {
		mutex_lock(&cf->lock);
		hn = __xmsg_cdev_handle_again(cf, id, gen);
		if (hn) {	/* another thread may have posted it meanwhile */
			__xmsg_cdev_handle_remove(cf, hn);
			__xmsg_cdev_posts_released(cf, hn);
		}
		mutex_unlock(&cf->lock);
		xmsg_cdev_handle_drop(hn);
	}
	return err;

unlock:
	mutex_unlock(&cf->lock);
	kfree(hn);
	return err;
}
