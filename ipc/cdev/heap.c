// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg character device: heap messages and bare heap chunks
 * (XMSG_IOC_HEAP_MSG_GET, _CHUNK_GET, _MSG_MAKE, _MSG_UNMAKE; their
 * handles are published, released and reported by buf.c).  Heaps
 * themselves are created, opened, destroyed and mapped like pools, in
 * object.c.
 *
 * Locking
 * -------
 * As buf.c: everything runs under the file's lock; a heap's rwsem is held
 * for reading while a chunk is taken from it (destroy holds it for
 * writing and refuses while any chunk is out).
 */
#include <linux/slab.h>
#include "cdev.h"

/**
 * xmsg_cdev_heap_describe() - where a heap body or chunk lies
 * @cf: the file
 * @heap: the heap holding it
 * @p: the body or chunk
 * @bi: @bi->length set already; gets the heap handle, offset and
 *	XMSG_MSGF_HEAP, or XMSG_MSGF_NOPOOL when @cf has no handle of @heap
 *
 * Context: @cf->lock held.
 */
void xmsg_cdev_heap_describe(struct xmsg_file *cf, struct xmsg_heap *heap,
			     const void *p, struct xmsg_buf_info *bi)
{
	bi->pool = __xmsg_cdev_heap_handle(cf, heap);
	if (!bi->pool || !xmsg_heap_owns(heap, p, bi->length)) {
		bi->pool = 0;
		bi->msg_flags |= XMSG_MSGF_NOPOOL;
		return;
	}
	bi->msg_flags |= XMSG_MSGF_HEAP;
	bi->offset = xmsg_heap_offset(heap, p);
}

/**
 * xmsg_cdev_heap_info() - the heap part of XMSG_IOC_INFO
 * @heap: the heap
 * @hi: filled in
 *
 * Context: any context.
 */
void xmsg_cdev_heap_info(struct xmsg_heap *heap, struct xmsg_heap_info *hi)
{
	struct xmsg_heap_stats st;

	xmsg_heap_get_stats(heap, &st);
	hi->heap_size = st.size;
	hi->granule = st.granule;
	hi->free = st.avail;
	hi->chunks_out = st.out;
	hi->failed_gets = st.failed_gets;
	hi->mapped = st.mapped;
	hi->region_size = st.region_size;
}

/*
 * Look up a heap handle with the write right, and take a chunk of @size
 * bytes from it.
 */
static int __xmsg_cdev_heap_take(struct xmsg_file *cf, u32 src, u64 size,
				 struct xmsg_heap **heapp, void **pp)
{
	struct xmsg_cdev_obj *uobj;
	int err = 0;

	uobj = __xmsg_cdev_src_writable(cf, src, XMSG_TYPE_HEAP, &err);
	if (!uobj)
		return err;
	if (!size || size > xmsg_heap_size(uobj->heap))
		return -EINVAL;
	down_read(&uobj->rwsem);
	*pp = uobj->dead ? NULL : xmsg_heap_chunk_get(uobj->heap, size);
	if (!*pp)
		err = uobj->dead ? -EIDRM : -ENOBUFS;
	up_read(&uobj->rwsem);
	*heapp = uobj->heap;
	return err;
}

/**
 * __xmsg_cdev_heap_get() - XMSG_IOC_HEAP_MSG_GET, XMSG_IOC_HEAP_CHUNK_GET
 * @cf: the file
 * @nr: _IOC_NR() of the command
 * @b: the argument: @b->src a heap handle, @b->length the bytes wanted
 * @hn: the new entry: gets the message or the chunk
 *
 * Context: @cf->lock held.
 * Return: 0; -EBADF, -EINVAL (not a heap, @b->length 0 or above the
 * heap's size), -EACCES, -EIDRM, -ENOBUFS (no room), -ENOMEM.
 */
int __xmsg_cdev_heap_get(struct xmsg_file *cf, unsigned int nr,
			 struct xmsg_buf *b, struct xmsg_handle *hn)
{
	struct xmsg_heap *heap;
	struct xmsg_msg *msg;
	void *p;
	int err;

	lockdep_assert_held(&cf->lock);
	err = __xmsg_cdev_heap_take(cf, b->src, b->length, &heap, &p);
	if (err)
		return err;
	if (nr == _IOC_NR(XMSG_IOC_HEAP_CHUNK_GET)) {
		hn->chunk.p = p;
		hn->chunk.heap = heap;
		hn->chunk.size = b->length;
		return 0;
	}
	msg = xmsg_msg_make_heap(heap, p, b->length, &cf->owner,
				 GFP_KERNEL_ACCOUNT);
	if (IS_ERR(msg)) {
		xmsg_heap_chunk_free(heap, p, b->length);
		return PTR_ERR(msg);
	}
	hn->msg = msg;
	return 0;
}

/**
 * __xmsg_cdev_heap_make() - XMSG_IOC_HEAP_MSG_MAKE: a message from a chunk
 * @cf: the file
 * @b: the argument: @b->src a bare chunk handle, consumed on success
 * @hn: the new entry: gets the message
 *
 * Context: @cf->lock held.
 * Return: 0; -EBADF, -EINVAL (not a chunk), -ENOMEM.
 */
int __xmsg_cdev_heap_make(struct xmsg_file *cf, struct xmsg_buf *b,
			  struct xmsg_handle *hn)
{
	struct xmsg_handle *h;
	struct xmsg_msg *msg;
	int err;

	lockdep_assert_held(&cf->lock);
	h = __xmsg_cdev_handle_find(cf, b->src, XMSG_TYPE_CHUNK, &err);
	if (!h)
		return err;
	msg = xmsg_msg_make_heap(h->chunk.heap, h->chunk.p, h->chunk.size,
				 &cf->owner, GFP_KERNEL_ACCOUNT);
	if (IS_ERR(msg))
		return PTR_ERR(msg);
	hn->msg = msg;
	__xmsg_cdev_handle_remove(cf, h);
	kfree(h);
	return 0;
}

/**
 * __xmsg_cdev_heap_unmake() - XMSG_IOC_HEAP_MSG_UNMAKE: back to a chunk
 * @cf: the file
 * @b: the argument: @b->src a heap message handle, consumed on success
 * @hn: the new entry: gets the chunk (the body, same bytes)
 *
 * Context: @cf->lock held.
 * Return: 0; -EBADF, -EINVAL (not a message, not a heap message, a
 * proxy), -EBUSY (proxies of it live).
 */
int __xmsg_cdev_heap_unmake(struct xmsg_file *cf, struct xmsg_buf *b,
			    struct xmsg_handle *hn)
{
	struct xmsg_msg *msg;
	struct xmsg_heap *heap;
	struct xmsg_handle *h;
	size_t size;
	void *p;
	int err;

	lockdep_assert_held(&cf->lock);
	h = __xmsg_cdev_handle_find(cf, b->src, XMSG_TYPE_MSG, &err);
	if (!h)
		return err;
	msg = h->msg;
	p = xmsg_msg_unmake_heap(msg, &heap, &size);
	if (IS_ERR(p))
		return PTR_ERR(p);
	__xmsg_cdev_posts_forget(cf, msg);	/* freed: compared only */
	hn->chunk.p = p;
	hn->chunk.heap = heap;
	hn->chunk.size = size;
	__xmsg_cdev_handle_remove(cf, h);
	kfree(h);
	return 0;
}
