// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg mm: messages (message control blocks, MCBs) and proxies.
 *
 * An MCB records the body, where the body comes from (pool, heap,
 * external owner, or the real message of a proxy), the owner, a priority
 * and a reply handle.  A message whose body is a pool block uses that
 * block's own MCB slot (struct xmsg_pool.mcbs, allocated a chunk at a time
 * on first use), so getting and releasing it costs little more than a bare
 * block; every other MCB (and a pool message whose slot chunk could not be
 * allocated) comes from the MCB kmem_cache.  A slot MCB is free when its
 * body is NULL, and is freed before its block goes back to the pool.
 *
 * Body lifetime: a real message (pool, heap or external origin) starts
 * with body_ref == 1, its own reference.  Each proxy takes one more on the
 * root real message (a proxy of a proxy refers to the root directly).
 * Releasing the real message marks it released and drops its reference;
 * releasing a proxy frees the proxy's MCB and drops its reference.  When
 * body_ref reaches zero the body goes back to its origin and the real MCB
 * is freed, whichever release came last.  Unmake needs body_ref == 1 (no
 * proxy) and takes it to zero atomically, so no proxy can appear after.
 *
 * Locking: no lock of its own.  body_ref is a refcount_t.  The owner's
 * lock guards owner lists and ->owner (not taken for a message without
 * owner); it leaves interrupts on, so a message with an owner (or getting
 * one) is handled in task context only (see owner.c).  Blocks are got and
 * given back lock-free (see block.c, whose fast paths are inlined here
 * from mm_internal.h, as are the owner list updates); genalloc is
 * lock-free.  No lock is held while the ext release or reply_put
 * callbacks run.  MCB allocation uses the caller's gfp, before any lock.
 * Without an owner, everything here may run in any context allowed by the
 * gfp argument; release and unmake in any context, hard IRQ included,
 * provided the ext release and reply_put callbacks allow it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/module.h>
#include <linux/slab.h>
#include "mm_internal.h"

/* The trace events of xmsg.ko (include/trace/events/xmsg.h) live here. */
#define CREATE_TRACE_POINTS
#include <xmsg/trace.h>

struct kmem_cache *xmsg_msg_cache;

static __always_inline void xmsg_mcb_init(struct xmsg_msg *msg, void *body,
					  size_t size, enum xmsg_origin origin,
					  bool in_pool)
{
	msg->body = body;
	msg->size = size;
	msg->origin = origin;
	refcount_set(&msg->body_ref, 1);
	msg->owner = NULL;
	INIT_LIST_HEAD(&msg->owner_link);
	INIT_LIST_HEAD(&msg->link);
	msg->prio = 0;
	msg->released = false;
	msg->in_pool = in_pool;
	msg->tag = 0;
	msg->reply = NULL;
	msg->reply_put = NULL;
}

static struct xmsg_msg *xmsg_mcb_new(void *body, size_t size,
				     enum xmsg_origin origin, gfp_t gfp)
{
	struct xmsg_msg *msg = kmem_cache_alloc(xmsg_msg_cache, gfp);

	if (msg)
		xmsg_mcb_init(msg, body, size, origin, false);
	return msg;
}

/* An MCB for block @idx of @pool: its slot if free, else from the cache. */
static __always_inline struct xmsg_msg *
xmsg_mcb_for_block(struct xmsg_pool *pool, u32 idx, void *dbp, gfp_t gfp)
{
	struct xmsg_msg *msg = xmsg_pool_mcb(pool, idx, gfp);

	if (likely(msg)) {
		if (unlikely(READ_ONCE(msg->body)))
			return ERR_PTR(-EINVAL);	/* already a message */
		xmsg_mcb_init(msg, dbp, pool->stride, XMSG_ORIGIN_POOL, true);
	} else {
		msg = xmsg_mcb_new(dbp, pool->stride, XMSG_ORIGIN_POOL, gfp);
		if (!msg)
			return ERR_PTR(-ENOMEM);
	}
	msg->pool = pool;
	return msg;
}

static void xmsg_mcb_free(struct xmsg_msg *msg)
{
	if (msg->reply && msg->reply_put)
		msg->reply_put(msg->reply);
	if (msg->in_pool)
		WRITE_ONCE(msg->body, NULL);
	else
		kmem_cache_free(xmsg_msg_cache, msg);
}

/*
 * Free a real message's MCB, then give its body back to its origin (a
 * slot MCB must be free before its block can be got again).
 */
static noinline void xmsg_body_free(struct xmsg_msg *real)
{
	struct xmsg_msg o;

	o.origin = real->origin;
	o.body = real->body;
	o.size = real->size;
	o.ext = real->ext;	/* the largest member: copies pool/heap too */
	xmsg_mcb_free(real);
	switch (o.origin) {
	case XMSG_ORIGIN_POOL:
		xmsg_pool_put(o.pool, o.body);
		break;
	case XMSG_ORIGIN_HEAP:
		xmsg_heap_put(o.heap, o.body, o.size);
		break;
	case XMSG_ORIGIN_EXT:
		o.ext.release(o.ext.ctx);
		break;
	default:
		WARN_ON_ONCE(1);
	}
}

/*
 * Drop a reference to a real message's body; the last one frees the MCB
 * and gives the body back.  A pool message with its slot MCB, the common
 * case, is done inline.
 */
static __always_inline void xmsg_body_put(struct xmsg_msg *real)
{
	struct xmsg_pool *pool;
	void *body;

	/*
	 * A count of 1 is ours alone: proxies only come from holders of a
	 * reference, so nobody can add one now.  Skip the atomic then.
	 */
	if (refcount_read(&real->body_ref) == 1)
		smp_acquire__after_ctrl_dep();	/* see the others' releases */
	else if (!refcount_dec_and_test(&real->body_ref))
		return;
	if (unlikely(!real->in_pool)) {
		xmsg_body_free(real);
		return;
	}
	pool = real->pool;
	body = real->body;
	if (real->reply && real->reply_put)
		real->reply_put(real->reply);
	WRITE_ONCE(real->body, NULL);
	xmsg_pool_put(pool, body);
}

/**
 * xmsg_msg_get() - get a message whose body is a block of a pool
 * @pool: the pool
 * @owner: the new owner, or NULL
 * @gfp: how to allocate the MCB (GFP_ATOMIC in atomic context)
 *
 * The body is a whole block: @size is xmsg_pool_block_size(@pool).
 *
 * Context: any context allowed by @gfp; task context with an @owner.
 * Return: the message, ERR_PTR(-EINVAL) for a NULL @pool, ERR_PTR(-ENOMEM)
 * when the pool is empty or no MCB could be allocated.
 */
struct xmsg_msg *xmsg_msg_get(struct xmsg_pool *pool,
			      struct xmsg_owner *owner, gfp_t gfp)
{
	struct xmsg_msg *msg;
	void *dbp;
	u32 idx;

	if (unlikely(!pool))
		return ERR_PTR(-EINVAL);
	dbp = xmsg_block_take(pool, &idx);
	if (unlikely(!dbp))
		return ERR_PTR(-ENOMEM);
	msg = xmsg_mcb_for_block(pool, idx, dbp, gfp);
	if (IS_ERR(msg)) {
		xmsg_block_give(pool, idx);
		return ERR_PTR(-ENOMEM);
	}
	if (owner)	/* the MCB has none yet */
		xmsg_owner_add_msg(owner, msg);
	return msg;
}
EXPORT_SYMBOL_NS_GPL(xmsg_msg_get, XMSG_NS);

/**
 * xmsg_msg_get_heap() - get a message whose body comes from a heap
 * @heap: the heap
 * @size: bytes of body wanted
 * @owner: the new owner, or NULL
 * @gfp: how to allocate the MCB
 *
 * Context: any context allowed by @gfp; task context with an @owner.
 * Return: the message, ERR_PTR(-EINVAL) for a NULL @heap or a zero
 * @size, ERR_PTR(-ENOMEM) when the heap has no room or no MCB could be
 * allocated.
 */
struct xmsg_msg *xmsg_msg_get_heap(struct xmsg_heap *heap, size_t size,
				   struct xmsg_owner *owner, gfp_t gfp)
{
	struct xmsg_msg *msg;
	void *body;

	if (!heap || !size)
		return ERR_PTR(-EINVAL);
	body = xmsg_heap_take(heap, size);
	if (!body)
		return ERR_PTR(-ENOMEM);
	msg = xmsg_mcb_new(body, size, XMSG_ORIGIN_HEAP, gfp);
	if (!msg) {
		xmsg_heap_put(heap, body, size);
		return ERR_PTR(-ENOMEM);
	}
	msg->heap = heap;
	xmsg_owner_add_msg(owner, msg);
	return msg;
}
EXPORT_SYMBOL_NS_GPL(xmsg_msg_get_heap, XMSG_NS);

/**
 * xmsg_msg_make() - make a message from a bare block, without copying
 * @pool: the pool @dbp came from (recorded as the origin)
 * @dbp: a bare block out of @pool
 * @owner: the new owner, or NULL
 * @gfp: how to allocate the MCB
 *
 * Context: any context allowed by @gfp; task context with an @owner.
 * Return: the message, ERR_PTR(-EINVAL) when @pool or @dbp is NULL, @dbp
 * is not the start of a block that is out of @pool, or the block already
 * is the body of a message (one whose MCB is the block's slot);
 * ERR_PTR(-ENOMEM) when no MCB could be allocated.
 */
struct xmsg_msg *xmsg_msg_make(struct xmsg_pool *pool, void *dbp,
			       struct xmsg_owner *owner, gfp_t gfp)
{
	struct xmsg_msg *msg;

	if (!xmsg_pool_is_out(pool, dbp))
		return ERR_PTR(-EINVAL);
	msg = xmsg_mcb_for_block(pool, xmsg_pool_index(pool, dbp), dbp, gfp);
	if (!IS_ERR(msg))
		xmsg_owner_add_msg(owner, msg);
	return msg;
}
EXPORT_SYMBOL_NS_GPL(xmsg_msg_make, XMSG_NS);

/**
 * xmsg_msg_make_heap() - make a message from a bare heap chunk, without
 *	copying
 * @heap: the heap @chunk came from (recorded as the origin)
 * @chunk: a bare chunk out of @heap (xmsg_heap_chunk_get())
 * @size: the size it was got with: the body's size
 * @owner: the new owner, or NULL
 * @gfp: how to allocate the MCB
 *
 * Context: any context allowed by @gfp; task context with an @owner.
 * Return: the message, ERR_PTR(-EINVAL) when @heap or @chunk is NULL,
 * @size is zero or @chunk is not the start of a chunk out of @heap;
 * ERR_PTR(-ENOMEM) when no MCB could be allocated (the chunk stays the
 * caller's).
 */
struct xmsg_msg *xmsg_msg_make_heap(struct xmsg_heap *heap, void *chunk,
				    size_t size, struct xmsg_owner *owner,
				    gfp_t gfp)
{
	struct xmsg_msg *msg;

	if (!size || !xmsg_heap_is_out(heap, chunk, false) ||
	    !xmsg_heap_owns(heap, chunk, size))
		return ERR_PTR(-EINVAL);
	msg = xmsg_mcb_new(chunk, size, XMSG_ORIGIN_HEAP, gfp);
	if (!msg)
		return ERR_PTR(-ENOMEM);
	msg->heap = heap;
	xmsg_owner_add_msg(owner, msg);
	return msg;
}
EXPORT_SYMBOL_NS_GPL(xmsg_msg_make_heap, XMSG_NS);

/**
 * xmsg_msg_make_ext() - make a message from someone else's memory
 * @body: the body
 * @size: bytes of @body
 * @ext: release callback and its context (copied)
 * @owner: the new owner, or NULL
 * @gfp: how to allocate the MCB
 *
 * @ext->release(@ext->ctx) is called exactly once, in whatever context
 * drops the last reference to the body (possibly hard IRQ).  On failure
 * it is not called: the body stays the caller's.
 *
 * Context: any context allowed by @gfp; task context with an @owner.
 * Return: the message, ERR_PTR(-EINVAL) when @body, @ext or
 * @ext->release is NULL or @size is zero, ERR_PTR(-ENOMEM) when no MCB
 * could be allocated.
 */
struct xmsg_msg *xmsg_msg_make_ext(void *body, size_t size,
				   const struct xmsg_ext_body *ext,
				   struct xmsg_owner *owner, gfp_t gfp)
{
	struct xmsg_msg *msg;

	if (!body || !size || !ext || !ext->release)
		return ERR_PTR(-EINVAL);
	msg = xmsg_mcb_new(body, size, XMSG_ORIGIN_EXT, gfp);
	if (!msg)
		return ERR_PTR(-ENOMEM);
	msg->ext = *ext;
	xmsg_owner_add_msg(owner, msg);
	return msg;
}
EXPORT_SYMBOL_NS_GPL(xmsg_msg_make_ext, XMSG_NS);

/**
 * xmsg_msg_make_proxy() - make a proxy sharing a slice of a message body
 * @real: the source message: a real message not yet released, or a live
 *	proxy (then the slice is relative to the proxy's slice, and the new
 *	proxy refers to the root real message)
 * @offset: start of the slice in @real's body
 * @len: bytes of the slice, at least 1
 * @owner: the new owner, or NULL
 * @gfp: how to allocate the MCB
 *
 * The proxy takes a reference on the root real message's body, which
 * therefore stays out of its origin until the proxy is released, even if
 * the real message is released first.  The proxy inherits the priority.
 *
 * Context: any context allowed by @gfp; task context with an @owner.
 * Return: the proxy, ERR_PTR(-EINVAL) when @real is NULL or a released
 * real message, @len is zero or the slice is outside @real's body,
 * ERR_PTR(-ENOMEM) when no MCB could be allocated.
 */
struct xmsg_msg *xmsg_msg_make_proxy(struct xmsg_msg *real,
				     size_t offset, size_t len,
				     struct xmsg_owner *owner, gfp_t gfp)
{
	struct xmsg_msg *root, *proxy;

	if (!real || !len || offset > real->size || len > real->size - offset)
		return ERR_PTR(-EINVAL);
	root = xmsg_msg_real(real);
	if (real == root && READ_ONCE(real->released))
		return ERR_PTR(-EINVAL);
	proxy = xmsg_mcb_new(real->body + offset, len, XMSG_ORIGIN_PROXY, gfp);
	if (!proxy)
		return ERR_PTR(-ENOMEM);
	if (!refcount_inc_not_zero(&root->body_ref)) {
		kmem_cache_free(xmsg_msg_cache, proxy);
		return ERR_PTR(-EINVAL);
	}
	proxy->real = root;
	proxy->prio = real->prio;
	xmsg_owner_add_msg(owner, proxy);
	return proxy;
}
EXPORT_SYMBOL_NS_GPL(xmsg_msg_make_proxy, XMSG_NS);

/*
 * Unmake @msg, a real message of @origin: free its MCB and return its
 * body, still out of its origin, which *@o receives a copy of.
 */
static void *xmsg_msg_unmake_origin(struct xmsg_msg *msg,
				    enum xmsg_origin origin,
				    struct xmsg_msg *o)
{
	if (!msg || msg->origin != origin || READ_ONCE(msg->released))
		return ERR_PTR(-EINVAL);
	if (!refcount_dec_if_one(&msg->body_ref))
		return ERR_PTR(-EBUSY);
	xmsg_owner_del_msg(msg);
	o->body = msg->body;
	o->size = msg->size;
	o->ext = msg->ext;	/* the largest member: copies pool/heap too */
	xmsg_mcb_free(msg);
	return o->body;
}

/**
 * xmsg_msg_unmake() - turn a pool message back into a bare block
 * @msg: a real message with a pool body and no live proxy; its MCB is
 *	freed (after its reply handle is put)
 * @poolp: if not NULL, set to the block's pool
 *
 * Context: any context; task context when @msg has an owner.
 * Return: the data block pointer (still out of its pool, now bare),
 * ERR_PTR(-EINVAL) when @msg is NULL, a proxy, has a heap or external
 * body, or was released; ERR_PTR(-EBUSY) while proxies of it live
 * (nothing changes).
 */
void *xmsg_msg_unmake(struct xmsg_msg *msg, struct xmsg_pool **poolp)
{
	struct xmsg_msg o;
	void *dbp = xmsg_msg_unmake_origin(msg, XMSG_ORIGIN_POOL, &o);

	if (!IS_ERR(dbp) && poolp)
		*poolp = o.pool;
	return dbp;
}
EXPORT_SYMBOL_NS_GPL(xmsg_msg_unmake, XMSG_NS);

/**
 * xmsg_msg_unmake_heap() - turn a heap message back into a bare chunk
 * @msg: a real message with a heap body and no live proxy; its MCB is
 *	freed (after its reply handle is put)
 * @heapp: if not NULL, set to the chunk's heap
 * @sizep: if not NULL, set to the chunk's size (to free it with)
 *
 * Context: any context; task context when @msg has an owner.
 * Return: the chunk (still out of its heap, now bare), ERR_PTR(-EINVAL)
 * when @msg is NULL, a proxy, has no heap body, or was released;
 * ERR_PTR(-EBUSY) while proxies of it live (nothing changes).
 */
void *xmsg_msg_unmake_heap(struct xmsg_msg *msg, struct xmsg_heap **heapp,
			   size_t *sizep)
{
	struct xmsg_msg o;
	void *chunk = xmsg_msg_unmake_origin(msg, XMSG_ORIGIN_HEAP, &o);

	if (IS_ERR(chunk))
		return chunk;
	if (heapp)
		*heapp = o.heap;
	if (sizep)
		*sizep = o.size;
	return chunk;
}
EXPORT_SYMBOL_NS_GPL(xmsg_msg_unmake_heap, XMSG_NS);

/**
 * xmsg_msg_rel() - release a message
 * @msg: the message
 *
 * The message leaves its owner's list.  A proxy's MCB is freed and its
 * reference on the real body dropped.  A real message is marked released
 * and drops its own reference.  When the last reference goes, the body
 * returns to its origin (pool, heap, or the external release callback)
 * and the real MCB is freed (its reply handle put).  Releasing a real
 * message twice is detected only while one of its proxies lives (later it
 * is a use after free); a proxy released twice is a use after free.
 *
 * Context: any context (the ext release and reply_put callbacks may run);
 * task context when @msg has an owner.
 * Return: 0, or -EINVAL for a NULL @msg or a real message already
 * released (nothing changes).
 */
int xmsg_msg_rel(struct xmsg_msg *msg)
{
	struct xmsg_msg *real;

	if (!msg)
		return -EINVAL;
	trace_xmsg_msg_rel(msg->origin, msg->size);
	if (msg->origin == XMSG_ORIGIN_PROXY) {
		xmsg_owner_del_msg(msg);
		real = msg->real;
		xmsg_mcb_free(msg);
		xmsg_body_put(real);
		return 0;
	}
	if (READ_ONCE(msg->released)) {
		pr_warn_ratelimited("message released twice\n");
		return -EINVAL;
	}
	if (READ_ONCE(msg->owner))
		xmsg_owner_del_msg(msg);
	WRITE_ONCE(msg->released, true);
	xmsg_body_put(msg);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(xmsg_msg_rel, XMSG_NS);

/**
 * xmsg_msg_set_owner() - hand a message from one owner to another
 * @msg: the message
 * @from: its current owner, or NULL (queued at an exchange, kernel)
 * @to: its new owner, or NULL
 *
 * Context: task context when @from or @to is not NULL, else any context.
 * Return: 0, -EINVAL for a NULL @msg or a released real message, -EPERM
 * when @msg is not owned by @from (nothing changes).
 */
int xmsg_msg_set_owner(struct xmsg_msg *msg, struct xmsg_owner *from,
		       struct xmsg_owner *to)
{
	if (!msg || READ_ONCE(msg->released))
		return -EINVAL;
	if (from) {
		xmsg_owner_lock(from);
		if (msg->owner != from) {
			xmsg_owner_unlock(from);
			return -EPERM;
		}
		__xmsg_owner_del_msg(from, msg);
		xmsg_owner_unlock(from);
	} else if (READ_ONCE(msg->owner)) {
		return -EPERM;
	}
	xmsg_owner_add_msg(to, msg);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(xmsg_msg_set_owner, XMSG_NS);

/**
 * xmsg_msg_set_reply() - set a message's reply handle
 * @msg: the message
 * @reply: the reply object (exchange or semaphore), or NULL; the caller
 *	passes in a reference that @reply_put drops
 * @reply_put: drops the reference on @reply; called when the MCB is freed
 *	or the reply is replaced, in any context
 *
 * A previous reply handle is put first.
 *
 * Context: any context.
 * Return: nothing.
 */
void xmsg_msg_set_reply(struct xmsg_msg *msg, void *reply,
			void (*reply_put)(void *reply))
{
	void *old;
	void (*old_put)(void *reply);

	if (!msg)
		return;
	old = msg->reply;
	old_put = msg->reply_put;
	msg->reply = reply;
	msg->reply_put = reply_put;
	if (old && old_put)
		old_put(old);
}
EXPORT_SYMBOL_NS_GPL(xmsg_msg_set_reply, XMSG_NS);

/**
 * xmsg_msg_real() - the real message behind a message
 * @msg: a message
 *
 * Context: any context.
 * Return: the root real message of a proxy, @msg itself for a real
 * message, NULL for NULL.
 */
struct xmsg_msg *xmsg_msg_real(struct xmsg_msg *msg)
{
	if (msg && msg->origin == XMSG_ORIGIN_PROXY)
		return msg->real;
	return msg;
}
EXPORT_SYMBOL_NS_GPL(xmsg_msg_real, XMSG_NS);

/**
 * xmsg_msg_set_length() - set how many bytes of its block a message carries
 * @msg: a real message (not a proxy) whose body is a pool block
 * @len: 0 to the pool's block size
 *
 * A message got or made from a pool block carries the whole block; a
 * producer that filled only part of it says so here, and receivers,
 * proxies of the whole message and the NIC sample's transmit see @len
 * bytes.  The block itself is unchanged and goes back to its pool whole.
 * Proxies made before keep their slices.  Heap and external bodies keep
 * their size (their origin needs it to take them back).
 *
 * Context: any context.  The caller owns @msg: nobody else may use it
 * meanwhile (it is not queued at an exchange).
 * Return: 0; -EINVAL for NULL, a proxy, a released message, a body that
 * is not a pool block, or @len beyond the block.
 */
int xmsg_msg_set_length(struct xmsg_msg *msg, size_t len)
{
	if (!msg || msg->origin != XMSG_ORIGIN_POOL ||
	    READ_ONCE(msg->released) ||
	    len > xmsg_pool_block_size(msg->pool))
		return -EINVAL;
	WRITE_ONCE(msg->size, len);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(xmsg_msg_set_length, XMSG_NS);
