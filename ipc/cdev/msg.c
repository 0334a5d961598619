// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg character device: bare blocks, standard blocks, messages and
 * proxies, send / receive / call at exchanges, semaphores.
 *
 * Locking
 * -------
 * Everything that looks a handle up runs under the file's lock
 * (xmsg_cfile.lock), which also makes "use the message, then drop its
 * handle" atomic against other threads of the file.  The mm and ipc calls
 * made under it do not sleep for long (allocations only).  A blocking
 * receive or semaphore wait drops the lock while it sleeps, holding its
 * own reference on the object and a reserved handle slot; the message it
 * gets is owned by the file's owner as soon as the ipc layer hands it over,
 * so a signal, kill -9 or a failed copy never loses it.  A pool's rwsem is
 * held for reading while blocks are taken from it (destroy holds it for
 * writing).
 */
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "cdev.h"

/**
 * xmsg_buf_describe() - where a message, BCB or bare block lies
 * @cf: the file
 * @h: a handle of type XMSG_TYPE_MSG, _BCB or _BLOCK
 * @bi: filled in (pool handle, offset, length, flags, priority)
 *
 * Context: @cf->lock held.
 */
void xmsg_buf_describe(struct xmsg_cfile *cf, struct xmsg_hent *h,
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
	case XMSG_TYPE_MSG:
		real = xmsg_msg_real(h->msg);
		if (real->origin == XMSG_ORIGIN_POOL)
			pool = real->pool;
		if (h->msg->origin == XMSG_ORIGIN_PROXY)
			bi->msg_flags |= XMSG_MSGF_PROXY;
		p = h->msg->body;
		len = h->msg->size;
		bi->prio = h->prio;
		break;
	}
	bi->length = len;
	if (pool && xmsg_pool_owns(pool, p, len)) {
		bi->offset = xmsg_pool_offset(pool, p);
		bi->pool = __xmsg_pool_handle(cf, pool);
	}
	if (!bi->pool)
		bi->msg_flags |= XMSG_MSGF_NOPOOL;
}

static void xmsg_buf_out(struct xmsg_cfile *cf, struct xmsg_hent *h,
			 struct xmsg_buf *b)
{
	struct xmsg_buf_info bi;

	xmsg_buf_describe(cf, h, &bi);
	b->dst = h->id;
	b->pool = bi.pool;
	b->msg_flags = bi.msg_flags;
	b->offset = bi.offset;
	b->length = bi.length;
}

/* Look up a pool handle with the write right, and take a block from it. */
static int __xmsg_take_block(struct xmsg_cfile *cf, u32 src,
			     struct xmsg_pool **poolp, void **dbpp)
{
	struct xmsg_hent *hp;
	struct xmsg_uobj *uobj;
	int err = 0;

	hp = __xmsg_hent_find(cf, src, XMSG_TYPE_POOL, &err);
	if (!hp)
		return err;
	if (!(hp->rights & XMSG_ACC_WRITE))
		return -EACCES;
	uobj = hp->uobj;
	down_read(&uobj->rwsem);
	*dbpp = uobj->dead ? NULL : xmsg_block_get(uobj->pool);
	if (!*dbpp)
		err = uobj->dead ? -EIDRM : -ENOBUFS;
	up_read(&uobj->rwsem);
	*poolp = uobj->pool;
	return err;
}

/* BLOCK_GET, BCB_GET, MSG_GET: a new block, standard block or message. */
static int __xmsg_buf_get(struct xmsg_cfile *cf, unsigned int nr,
			  struct xmsg_buf *b, struct xmsg_hent *hn)
{
	struct xmsg_pool *pool;
	struct xmsg_msg *msg;
	struct xmsg_bcb *bcb;
	void *dbp;
	int err;

	err = __xmsg_take_block(cf, b->src, &pool, &dbp);
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
static int __xmsg_buf_make(struct xmsg_cfile *cf, unsigned int nr,
			   struct xmsg_buf *b, struct xmsg_hent *hn)
{
	struct xmsg_hent *h;
	struct xmsg_msg *msg;
	struct xmsg_bcb *bcb;
	int err;

	h = __xmsg_hent_find(cf, b->src, XMSG_TYPE_BLOCK, &err);
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
	__xmsg_hent_remove(cf, h);
	kfree(h);
	return 0;
}

/* BCB_UNMAKE, MSG_UNMAKE: back to a bare block.  Frees the source. */
static int __xmsg_buf_unmake(struct xmsg_cfile *cf, unsigned int nr,
			     struct xmsg_buf *b, struct xmsg_hent *hn)
{
	bool bcb = nr == _IOC_NR(XMSG_IOC_BCB_UNMAKE);
	struct xmsg_pool *pool = NULL;
	struct xmsg_hent *h;
	void *dbp;
	int err;

	h = __xmsg_hent_find(cf, b->src, bcb ? XMSG_TYPE_BCB : XMSG_TYPE_MSG,
			     &err);
	if (!h)
		return err;
	if (bcb) {
		dbp = xmsg_bcb_unmake(h->bcb, &pool);
	} else {
		if (h->msg->origin != XMSG_ORIGIN_POOL)
			return -EINVAL;
		/* a bare block is the whole block: see __xmsg_pool_writable() */
		if (!__xmsg_pool_writable(cf, h->msg->pool))
			return -EACCES;
		dbp = xmsg_msg_unmake(h->msg, &pool);
	}
	if (IS_ERR(dbp))
		return PTR_ERR(dbp);
	hn->blk.dbp = dbp;
	hn->blk.pool = pool;
	__xmsg_hent_remove(cf, h);
	kfree(h);
	return 0;
}

static int __xmsg_buf_proxy(struct xmsg_cfile *cf, struct xmsg_buf *b,
			    struct xmsg_hent *hn)
{
	struct xmsg_msg *proxy;
	struct xmsg_hent *h;
	u64 len;
	int err;

	h = __xmsg_hent_find(cf, b->src, XMSG_TYPE_MSG, &err);
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
static long xmsg_buf_rel(struct xmsg_cfile *cf, unsigned int nr,
			 struct xmsg_buf *b)
{
	u8 type = nr == _IOC_NR(XMSG_IOC_BLOCK_REL) ? XMSG_TYPE_BLOCK :
		  nr == _IOC_NR(XMSG_IOC_BCB_REL) ? XMSG_TYPE_BCB :
		  XMSG_TYPE_MSG;
	struct xmsg_hent *h;
	int err;

	mutex_lock(&cf->lock);
	h = __xmsg_hent_find(cf, b->src, type, &err);
	if (h)
		__xmsg_hent_remove(cf, h);
	mutex_unlock(&cf->lock);
	if (!h)
		return err;
	xmsg_hent_drop(h);
	return 0;
}

static u8 xmsg_buf_dst_type(unsigned int nr)
{
	switch (nr) {
	case _IOC_NR(XMSG_IOC_BLOCK_GET):
	case _IOC_NR(XMSG_IOC_BCB_UNMAKE):
	case _IOC_NR(XMSG_IOC_MSG_UNMAKE):
		return XMSG_TYPE_BLOCK;
	case _IOC_NR(XMSG_IOC_BCB_GET):
	case _IOC_NR(XMSG_IOC_BCB_MAKE):
		return XMSG_TYPE_BCB;
	default:
		return XMSG_TYPE_MSG;
	}
}

/**
 * xmsg_ioc_buf() - the block and message commands (struct xmsg_buf)
 * @cf: the file
 * @arg: struct xmsg_buf
 * @cmd: XMSG_IOC_BLOCK_*, XMSG_IOC_BCB_*, XMSG_IOC_MSG_*
 *
 * A new handle is published before the copy out; if that copy fails after
 * a *_GET, the get is undone, otherwise (make, unmake, proxy) the new
 * handle stays in the table and is released on close.
 *
 * Context: process context.
 * Return: 0; -EFAULT, -EINVAL, -E2BIG; -EBADF; -EACCES; -EIDRM; -ENOBUFS;
 * -EBUSY; -EMFILE; -ENOMEM.
 */
long xmsg_ioc_buf(struct xmsg_cfile *cf, void __user *arg, unsigned int cmd)
{
	unsigned int nr = _IOC_NR(cmd);
	struct xmsg_hent *hn;
	struct xmsg_buf b;
	u64 gen;
	int err;
	u32 id;

	err = xmsg_copy_in(&b, sizeof(b), sizeof(b), arg, cmd);
	if (err)
		return err;
	if (b.flags || memchr_inv(b.reserved, 0, sizeof(b.reserved)) ||
	    (nr != _IOC_NR(XMSG_IOC_MSG_PROXY) &&
	     (b.slice_offset || b.slice_length)))
		return -EINVAL;
	if (nr == _IOC_NR(XMSG_IOC_BLOCK_REL) ||
	    nr == _IOC_NR(XMSG_IOC_BCB_REL) || nr == _IOC_NR(XMSG_IOC_MSG_REL))
		return xmsg_buf_rel(cf, nr, &b);

	hn = xmsg_hent_alloc(xmsg_buf_dst_type(nr));
	if (!hn)
		return -ENOMEM;
	mutex_lock(&cf->lock);
	err = xmsg_hent_reserve(cf, &id);
	if (err)
		goto unlock;
	switch (nr) {
	case _IOC_NR(XMSG_IOC_BLOCK_GET):
	case _IOC_NR(XMSG_IOC_BCB_GET):
	case _IOC_NR(XMSG_IOC_MSG_GET):
		err = __xmsg_buf_get(cf, nr, &b, hn);
		break;
	case _IOC_NR(XMSG_IOC_BCB_MAKE):
	case _IOC_NR(XMSG_IOC_MSG_MAKE):
		err = __xmsg_buf_make(cf, nr, &b, hn);
		break;
	case _IOC_NR(XMSG_IOC_BCB_UNMAKE):
	case _IOC_NR(XMSG_IOC_MSG_UNMAKE):
		err = __xmsg_buf_unmake(cf, nr, &b, hn);
		break;
	default:
		err = __xmsg_buf_proxy(cf, &b, hn);
		break;
	}
	if (err) {
		xmsg_hent_unreserve(cf, id);
		goto unlock;
	}
	xmsg_hent_publish(cf, hn, id);
	gen = hn->gen;
	xmsg_buf_out(cf, hn, &b);
	mutex_unlock(&cf->lock);
	err = xmsg_copy_out(arg, &b, sizeof(b));
	if (err && (nr == _IOC_NR(XMSG_IOC_BLOCK_GET) ||
		    nr == _IOC_NR(XMSG_IOC_BCB_GET) ||
		    nr == _IOC_NR(XMSG_IOC_MSG_GET))) {
		mutex_lock(&cf->lock);
		hn = __xmsg_hent_again(cf, id, gen);
		if (hn)
			__xmsg_hent_remove(cf, hn);
		mutex_unlock(&cf->lock);
		xmsg_hent_drop(hn);
	}
	return err;

unlock:
	mutex_unlock(&cf->lock);
	kfree(hn);
	return err;
}

/* ---- send ------------------------------------------------------------ */

/**
 * struct xmsg_send_args - a send, from XMSG_IOC_SEND or XMSG_IOC_CALL
 * @flags: XMSG_SEND_CLOSE_XCHG or 0
 * @xchg: exchange handle
 * @msg: message handle
 * @prio: priority
 * @reply: reply handle or 0
 * @proxy: send a new proxy of the whole message instead (XMSG_IOC_XFER)
 */
struct xmsg_send_args {
	u32 flags;
	u32 xchg;
	u32 msg;
	u32 prio;
	u32 reply;
	bool proxy;
};

/* Set @msg's reply object to @robj; *@old keeps the previous one alive. */
static int xmsg_set_reply(struct xmsg_msg *msg, struct xmsg_obj *robj,
			  struct xmsg_obj **old)
{
	*old = xmsg_msg_reply_obj(msg);
	xmsg_obj_get(*old);
	return xmsg_msg_set_reply_obj(msg, robj);
}

/* __xmsg_send(): allocate a struct xmsg_cpost and call again */
#define XMSG_NEED_CPOST	1

static bool __xmsg_post_known(struct xmsg_cfile *cf, struct xmsg_obj *obj)
{
	struct xmsg_cpost *cp;

	lockdep_assert_held(&cf->lock);
	list_for_each_entry(cp, &cf->posts, link)
		if (cp->obj == obj)
			return true;
	return false;
}

/*
 * Remember a broadcast exchange this file posts to; *@cpp is a spare
 * entry, used (and cleared) if the exchange is new to the list.
 */
static void __xmsg_note_post(struct xmsg_cfile *cf, struct xmsg_obj *obj,
			     struct xmsg_cpost **cpp)
{
	struct xmsg_cpost *cp;

	if (__xmsg_post_known(cf, obj))
		return;
	cp = *cpp;
	*cpp = NULL;
	xmsg_obj_get(obj);
	cp->obj = obj;
	list_add(&cp->link, &cf->posts);
}

/* With XMSG_XFER_PROXY: a proxy of @hm's whole message, owned by @cf. */
static struct xmsg_msg *xmsg_send_proxy(struct xmsg_cfile *cf,
					struct xmsg_hent *hm, bool bcast)
{
	struct xmsg_msg *proxy;

	if (bcast)	/* it would stay ours, without a handle */
		return ERR_PTR(-EINVAL);
	proxy = xmsg_msg_make_proxy(hm->msg, 0, hm->msg->size, &cf->owner,
				    GFP_KERNEL_ACCOUNT);
	if (!IS_ERR(proxy))
		proxy->prio = hm->prio;
	return proxy;
}

/*
 * Send a->msg (or a new proxy of it) to a->xchg.  @wake: receivers to
 * wake are put there (xmsg_xchg_send_defer()), or NULL to wake at once.
 */
static int __xmsg_send(struct xmsg_cfile *cf, const struct xmsg_send_args *a,
		       struct xmsg_cpost **cpp, struct xmsg_hent **closep,
		       struct list_head *wake)
{
	struct xmsg_hent *hx, *hm, *hr = NULL;
	struct xmsg_obj *old = NULL;
	struct xmsg_xchg *xchg;
	struct xmsg_msg *msg;
	bool bcast;
	int err;

	hx = __xmsg_hent_find(cf, a->xchg, XMSG_TYPE_XCHG, &err);
	if (!hx)
		return err;
	if (!(hx->rights & XMSG_ACC_WRITE))
		return -EACCES;
	hm = __xmsg_hent_find(cf, a->msg, XMSG_TYPE_MSG, &err);
	if (!hm)
		return err;
	if (a->reply) {
		hr = __xmsg_hent_find(cf, a->reply, 0, &err);
		if (!hr)
			return err;
		if (hr->type != XMSG_TYPE_XCHG && hr->type != XMSG_TYPE_SEM)
			return -EINVAL;
		/* the receiver gets the write right: the sender must have it */
		if (!(hr->rights & XMSG_ACC_WRITE))
			return -EACCES;
	}
	xchg = xmsg_obj_xchg(hx->obj);
	bcast = xmsg_xchg_kind(xchg) == XMSG_XCHG_BCAST;
	if (bcast && !a->proxy && !*cpp && !__xmsg_post_known(cf, hx->obj))
		return XMSG_NEED_CPOST;
	msg = a->proxy ? xmsg_send_proxy(cf, hm, bcast) : hm->msg;
	if (IS_ERR(msg))
		return PTR_ERR(msg);
	if (hr) {
		err = xmsg_set_reply(msg, hr->obj, &old);
		if (err)
			goto undo;
	}
	err = xmsg_xchg_send_defer(xchg, msg, &cf->owner, a->prio, wake);
	if (err && hr)		/* put the old reply handle back */
		xmsg_msg_set_reply_obj(msg, old);
undo:
	xmsg_obj_put(old);
	if (err) {
		if (a->proxy)
			xmsg_msg_rel(msg);
		return err;
	}
	if (bcast) {		/* withdrawn when the file goes */
		__xmsg_note_post(cf, hx->obj, cpp);
	} else if (!a->proxy) {	/* the message is the exchange's now */
		__xmsg_hent_remove(cf, hm);
		__xmsg_hent_free(cf, hm);
	}
	if (a->flags & XMSG_SEND_CLOSE_XCHG) {
		__xmsg_hent_remove(cf, hx);
		*closep = hx;
	}
	return 0;
}

static int xmsg_send(struct xmsg_cfile *cf, const struct xmsg_send_args *a)
{
	struct xmsg_hent *close = NULL;
	struct xmsg_cpost *cp = NULL;
	int err;

	mutex_lock(&cf->lock);
	err = __xmsg_send(cf, a, &cp, &close, NULL);
	mutex_unlock(&cf->lock);
	if (err == XMSG_NEED_CPOST) {	/* first post to that exchange */
		cp = kzalloc(sizeof(*cp), GFP_KERNEL_ACCOUNT);
		if (!cp)
			return -ENOMEM;
		mutex_lock(&cf->lock);
		err = __xmsg_send(cf, a, &cp, &close, NULL);
		mutex_unlock(&cf->lock);
		if (err == XMSG_NEED_CPOST)	/* cannot happen: cp is set */
			err = -ENOMEM;
	}
	xmsg_hent_drop(close);
	kfree(cp);
	return err;
}

/**
 * xmsg_ioc_send() - XMSG_IOC_SEND
 * @cf: the file
 * @arg: struct xmsg_send
 * @cmd: the command
 *
 * Context: process context.
 * Return: 0; -EFAULT, -EINVAL, -E2BIG; -EBADF; -EACCES; -EIDRM; -ENOSPC
 * (queue full); -ENOMEM.
 */
long xmsg_ioc_send(struct xmsg_cfile *cf, void __user *arg, unsigned int cmd)
{
	struct xmsg_send_args a = {};
	struct xmsg_send s;
	int err;

	err = xmsg_copy_in(&s, sizeof(s), sizeof(s), arg, cmd);
	if (err)
		return err;
	if (s.flags & ~XMSG_SEND_CLOSE_XCHG || s.prio > XMSG_MSG_PRIO_MAX ||
	    memchr_inv(s.reserved, 0, sizeof(s.reserved)))
		return -EINVAL;
	a.flags = s.flags;
	a.xchg = s.xchg;
	a.msg = s.msg;
	a.prio = s.prio;
	a.reply = s.reply;
	return xmsg_send(cf, &a);
}

/* ---- receive --------------------------------------------------------- */

/**
 * struct xmsg_recv_args - a receive, for XMSG_IOC_RECV or XMSG_IOC_CALL
 * @flags: XMSG_TIMEOUT_ABS, XMSG_RECV_NEWER
 * @xchg: exchange handle
 * @timeout_ns: as the uAPI
 * @kind: what xmsg_timeout_jiffies() returned for @timeout_ns
 * @jiffies: @timeout_ns in jiffies
 * @gen: in/out broadcast generation
 * @msg: out: message handle
 * @reply: out: reply handle
 * @bi: out: where the body is
 * @wake: receivers chosen by the caller's sends, woken before the receive
 *	sleeps or at its end; NULL if none
 * @more: XMSG_IOC_XFER: room for @max - 1 more messages, taken after the
 *	first if already queued; NULL otherwise
 * @max: messages wanted, 1 or more
 * @got: out: messages received (1 + those in @more)
 */
struct xmsg_recv_args {
	u32 flags;
	u32 xchg;
	s64 timeout_ns;
	long kind;
	long jiffies;
	u64 gen;
	u32 msg;
	u32 reply;
	struct xmsg_buf_info bi;
	struct list_head *wake;
	struct xmsg_xfer_recv *more;
	u32 max;
	u32 got;
};

/**
 * struct xmsg_recv_slot - the handles a receive holds until it publishes
 * @hm: entry for the message
 * @hr: entry for its reply handle
 * @mid: handle reserved for @hm
 * @rid: handle reserved for @hr
 */
struct xmsg_recv_slot {
	struct xmsg_hent *hm;
	struct xmsg_hent *hr;
	u32 mid;
	u32 rid;
};

/* Map a wait's error to the uAPI's. */
static int xmsg_wait_err(int err, long kind, bool restart)
{
	if (err == -EAGAIN && (kind & 1))
		return -ETIMEDOUT;
	if (err == -ERESTARTSYS && ((kind & 2) || !restart))
		return -EINTR;
	return err;
}

/* Reserve the handles a receive may need (message and reply). */
static int __xmsg_recv_reserve(struct xmsg_cfile *cf, struct xmsg_recv_slot *rs)
{
	int err = -ENOMEM;

	rs->hm = __xmsg_hent_new(cf, XMSG_TYPE_MSG);
	rs->hr = __xmsg_hent_new(cf, XMSG_TYPE_XCHG);
	if (!rs->hm || !rs->hr)
		goto free;
	err = xmsg_hent_reserve(cf, &rs->mid);
	if (err)
		goto free;
	err = xmsg_hent_reserve(cf, &rs->rid);
	if (!err)
		return 0;
	xmsg_hent_unreserve(cf, rs->mid);
free:
	__xmsg_hent_free(cf, rs->hr);
	__xmsg_hent_free(cf, rs->hm);
	return err;
}

static void __xmsg_recv_unreserve(struct xmsg_cfile *cf,
				  struct xmsg_recv_slot *rs)
{
	xmsg_hent_unreserve(cf, rs->rid);
	xmsg_hent_unreserve(cf, rs->mid);
	__xmsg_hent_free(cf, rs->hr);
	__xmsg_hent_free(cf, rs->hm);
}

/* Publish a received message (and its reply handle); cannot fail. */
static void __xmsg_recv_publish(struct xmsg_cfile *cf, struct xmsg_msg *msg,
				struct xmsg_recv_slot *rs,
				struct xmsg_recv_args *a)
{
	struct xmsg_obj *robj = xmsg_msg_reply_obj(msg);
	struct xmsg_hent *hr = rs->hr;

	rs->hm->msg = msg;
	rs->hm->prio = msg->prio;
	xmsg_hent_publish(cf, rs->hm, rs->mid);
	a->msg = rs->mid;
	a->reply = 0;
	if (robj) {
		xmsg_obj_get(robj);
		hr->type = xmsg_obj_xchg(robj) ? XMSG_TYPE_XCHG : XMSG_TYPE_SEM;
		hr->obj = robj;
		hr->rights = XMSG_ACC_WRITE;
		xmsg_hent_publish(cf, hr, rs->rid);
		a->reply = rs->rid;
	} else {
		xmsg_hent_unreserve(cf, rs->rid);
		__xmsg_hent_free(cf, hr);
	}
	xmsg_buf_describe(cf, rs->hm, &a->bi);
}

static void xmsg_xfer_fill(struct xmsg_xfer_recv *e,
			   const struct xmsg_recv_args *a)
{
	e->msg = a->msg;
	e->pool = a->bi.pool;
	e->offset = a->bi.offset;
	e->length = a->bi.length;
	e->prio = a->bi.prio;
	e->reply = a->reply;
	e->msg_flags = a->bi.msg_flags;
	e->pad = 0;
}

/* Take what is queued already, up to a->max messages in all. */
static void __xmsg_recv_more(struct xmsg_cfile *cf, struct xmsg_xchg *xchg,
			     struct xmsg_recv_args *a)
{
	struct xmsg_recv_args one = {};
	struct xmsg_recv_slot rs;
	struct xmsg_msg *msg;

	while (a->got < a->max) {
		if (__xmsg_recv_reserve(cf, &rs))
			return;
		msg = xmsg_xchg_recv(xchg, &cf->owner, 0, 0, NULL);
		if (IS_ERR(msg)) {
			__xmsg_recv_unreserve(cf, &rs);
			return;
		}
		__xmsg_recv_publish(cf, msg, &rs, &one);
		xmsg_xfer_fill(&a->more[a->got - 1], &one);
		a->got++;
	}
}

/*
 * The receive of XMSG_IOC_RECV, XMSG_IOC_CALL and XMSG_IOC_XFER: called
 * with @cf->lock held, returns with it dropped.  A message already queued
 * (or posted) is taken and published under that same lock hold; only when
 * there is none is the lock dropped to sleep, with a reference on the
 * exchange.  The caller's deferred wakes (a->wake) are done once the lock
 * is dropped, before any sleep.
 */
static int xmsg_recv_locked(struct xmsg_cfile *cf, struct xmsg_recv_args *a,
			    bool restart)
{
	unsigned int flags = a->flags & XMSG_RECV_NEWER ? XMSG_RECV_NEWER : 0;
	struct xmsg_obj *obj = NULL;
	struct xmsg_recv_slot rs;
	struct xmsg_xchg *xchg;
	struct xmsg_hent *hx;
	struct xmsg_msg *msg;
	int err;

	lockdep_assert_held(&cf->lock);
	hx = __xmsg_hent_find(cf, a->xchg, XMSG_TYPE_XCHG, &err);
	if (!hx)
		goto unlock;
	err = -EACCES;
	if (!(hx->rights & XMSG_ACC_READ))
		goto unlock;
	err = __xmsg_recv_reserve(cf, &rs);
	if (err)
		goto unlock;
	xchg = xmsg_obj_xchg(hx->obj);
	if (xmsg_xchg_kind(xchg) != XMSG_XCHG_BCAST)
		a->gen = 0;
	/*
	 * A receiver chosen by our own send has not answered yet: go
	 * straight to the blocking receive (which looks at the queue first).
	 */
	if (a->jiffies && a->wake && !list_empty(a->wake))
		msg = ERR_PTR(-EAGAIN);
	else
		msg = xmsg_xchg_recv(xchg, &cf->owner, 0, flags, &a->gen);
	if (msg == ERR_PTR(-EAGAIN) && a->jiffies) {
		obj = hx->obj;	/* held until the end: @hx may go */
		xmsg_obj_get(obj);
		mutex_unlock(&cf->lock);
		if (a->wake)
			xmsg_xchg_wake(a->wake);
		msg = xmsg_xchg_recv(xchg, &cf->owner, a->jiffies, flags,
				     &a->gen);
		mutex_lock(&cf->lock);
	}
	if (IS_ERR(msg)) {
		err = xmsg_wait_err(PTR_ERR(msg), a->kind, restart);
		__xmsg_recv_unreserve(cf, &rs);
		goto unlock;
	}
	__xmsg_recv_publish(cf, msg, &rs, a);
	a->got = 1;
	if (a->more && xmsg_xchg_kind(xchg) != XMSG_XCHG_BCAST)
		__xmsg_recv_more(cf, xchg, a);
unlock:
	mutex_unlock(&cf->lock);
	if (a->wake)
		xmsg_xchg_wake(a->wake);
	xmsg_obj_put(obj);
	return err;
}

static int xmsg_recv(struct xmsg_cfile *cf, struct xmsg_recv_args *a,
		     bool restart)
{
	a->kind = xmsg_timeout_jiffies(a->timeout_ns, a->flags, &a->jiffies);
	if (a->kind < 0)
		return a->kind;
	mutex_lock(&cf->lock);
	return xmsg_recv_locked(cf, a, restart);
}

/**
 * xmsg_ioc_recv() - XMSG_IOC_RECV
 * @cf: the file
 * @arg: struct xmsg_recv
 * @cmd: the command
 *
 * If the final copy out fails (-EFAULT), the message stays in the handle
 * table (it is never lost) and is released on close.
 *
 * Context: process context, may sleep.
 * Return: 0; -EFAULT, -EINVAL, -E2BIG; -EBADF; -EACCES; -EAGAIN;
 * -ETIMEDOUT; -EINTR (or a restart for waits without a relative timeout);
 * -EIDRM; -EMFILE; -ENOMEM.
 */
long xmsg_ioc_recv(struct xmsg_cfile *cf, void __user *arg, unsigned int cmd)
{
	struct xmsg_recv_args a = {};
	struct xmsg_recv r;
	int err;

	err = xmsg_copy_in(&r, sizeof(r), sizeof(r), arg, cmd);
	if (err)
		return err;
	if (r.flags & ~(XMSG_TIMEOUT_ABS | XMSG_RECV_NEWER) ||
	    memchr_inv(r.reserved, 0, sizeof(r.reserved)))
		return -EINVAL;
	/* Fail an unwritable struct before a message is taken. */
	if (put_user(r.size, (u32 __user *)arg))
		return -EFAULT;
	a.flags = r.flags;
	a.xchg = r.xchg;
	a.timeout_ns = r.timeout_ns;
	a.gen = r.gen;
	err = xmsg_recv(cf, &a, true);
	if (err)
		return err;
	r.msg = a.msg;
	r.gen = a.gen;
	r.pool = a.bi.pool;
	r.prio = a.bi.prio;
	r.offset = a.bi.offset;
	r.length = a.bi.length;
	r.reply = a.reply;
	r.msg_flags = a.bi.msg_flags;
	return xmsg_copy_out(arg, &r, sizeof(r));
}

/*
 * The send part of XMSG_IOC_CALL, after checking the receive side, so
 * that nothing is sent when the receive cannot even start.  Returns 0 with
 * @cf->lock held (the receive goes on under the same hold), or the error
 * with the lock dropped.  *@cpp: a spare broadcast post entry, allocated
 * here when needed; the caller frees what is left of it.
 */
static int xmsg_call_send(struct xmsg_cfile *cf, u32 recv_xchg,
			  const struct xmsg_send_args *sa,
			  struct xmsg_cpost **cpp, struct xmsg_hent **closep,
			  struct list_head *wake)
{
	struct xmsg_hent *hx;
	int err;

	for (;;) {
		mutex_lock(&cf->lock);
		hx = __xmsg_hent_find(cf, recv_xchg, XMSG_TYPE_XCHG, &err);
		if (hx && !(hx->rights & XMSG_ACC_READ))
			err = -EACCES;
		else if (hx)
			err = __xmsg_send(cf, sa, cpp, closep, wake);
		if (err != XMSG_NEED_CPOST || *cpp)
			break;
		/* first post of this file to that broadcast exchange */
		mutex_unlock(&cf->lock);
		*cpp = kzalloc(sizeof(**cpp), GFP_KERNEL_ACCOUNT);
		if (!*cpp)
			return -ENOMEM;
	}
	if (err == XMSG_NEED_CPOST)	/* cannot happen: *cpp is set */
		err = -ENOMEM;
	if (err)
		mutex_unlock(&cf->lock);
	return err;
}

/**
 * xmsg_ioc_call() - XMSG_IOC_CALL: send, then receive
 * @cf: the file
 * @arg: struct xmsg_call
 * @cmd: the command
 *
 * Context: process context, may sleep.
 * Return: as xmsg_ioc_send() if the send fails (nothing happened); else as
 * xmsg_ioc_recv() with XMSG_CALL_SENT written to @result on failure.
 */
long xmsg_ioc_call(struct xmsg_cfile *cf, void __user *arg, unsigned int cmd)
{
	struct xmsg_recv_args ra = {};
	struct xmsg_hent *close = NULL;
	struct xmsg_send_args sa = {};
	struct xmsg_cpost *cp = NULL;
	struct xmsg_call c;
	int err;

	err = xmsg_copy_in(&c, sizeof(c), sizeof(c), arg, cmd);
	if (err)
		return err;
	if (c.flags & ~(XMSG_SEND_CLOSE_XCHG | XMSG_TIMEOUT_ABS |
			XMSG_RECV_NEWER) ||
	    c.send_prio > XMSG_MSG_PRIO_MAX || c.pad ||
	    memchr_inv(c.reserved, 0, sizeof(c.reserved)))
		return -EINVAL;
	ra.flags = c.flags & (XMSG_TIMEOUT_ABS | XMSG_RECV_NEWER);
	ra.xchg = c.recv_xchg;
	ra.timeout_ns = c.timeout_ns;
	ra.gen = c.gen;
	ra.kind = xmsg_timeout_jiffies(c.timeout_ns, c.flags, &ra.jiffies);
	if (ra.kind < 0)
		return -EINVAL;
	if (put_user(c.size, (u32 __user *)arg))
		return -EFAULT;
	sa.flags = c.flags & XMSG_SEND_CLOSE_XCHG;
	sa.xchg = c.send_xchg;
	sa.msg = c.send_msg;
	sa.prio = c.send_prio;
	sa.reply = c.send_reply;
	/*
	 * One send: its receiver is woken at once (it may preempt us, which
	 * on one CPU lets it answer before our receive looks), not deferred.
	 */
	err = xmsg_call_send(cf, c.recv_xchg, &sa, &cp, &close, NULL);
	kfree(cp);
	if (err)
		return err;
	err = xmsg_recv_locked(cf, &ra, false);
	xmsg_hent_drop(close);
	if (err) {
		if (put_user(XMSG_CALL_SENT, (u32 __user *)
			     (arg + offsetof(struct xmsg_call, result))))
			return -EFAULT;
		return err;
	}
	c.result = XMSG_CALL_SENT;
	c.gen = ra.gen;
	c.msg = ra.msg;
	c.pool = ra.bi.pool;
	c.offset = ra.bi.offset;
	c.length = ra.bi.length;
	c.prio = ra.bi.prio;
	c.reply = ra.reply;
	c.msg_flags = ra.bi.msg_flags;
	return xmsg_copy_out(arg, &c, sizeof(c));
}

/* ---- batches --------------------------------------------------------- */

/* Check an XMSG_IOC_XFER argument; entries are checked once copied in. */
static int xmsg_xfer_check(const struct xmsg_xfer *x)
{
	if (x->flags & ~XMSG_TIMEOUT_ABS || x->pad ||
	    memchr_inv(x->reserved, 0, sizeof(x->reserved)))
		return -EINVAL;
	if (x->send_count > XMSG_XFER_MAX || x->recv_max > XMSG_XFER_MAX)
		return -EINVAL;
	if (x->send_count && x->send_size != sizeof(struct xmsg_xfer_send))
		return -EINVAL;
	if (!x->send_count && (x->send_size || x->send))
		return -EINVAL;
	if (x->recv_max && (x->recv_size != sizeof(struct xmsg_xfer_recv) ||
			    !x->recv_xchg))
		return -EINVAL;
	if (!x->recv_max && (x->recv_size || x->recv || x->recv_xchg ||
			     x->timeout_ns || x->flags))
		return -EINVAL;
	if (!x->send_count && !x->recv_max)
		return -EINVAL;
	return 0;
}

static int xmsg_xfer_check_sends(const struct xmsg_xfer_send *e, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++)
		if (e[i].flags & ~XMSG_XFER_PROXY || e[i].pad ||
		    e[i].prio > XMSG_MSG_PRIO_MAX)
			return -EINVAL;
	return 0;
}

/*
 * The sends of an XMSG_IOC_XFER, in order, under @cf->lock; wakes are
 * deferred to @wake.  Returns 0 with the lock held, or the error of the
 * failing send with the lock dropped.  *@sent: sends done.
 */
static int xmsg_xfer_sends(struct xmsg_cfile *cf,
			   const struct xmsg_xfer_send *e, u32 n, u32 *sent,
			   struct list_head *wake)
{
	struct xmsg_send_args sa = {};
	struct xmsg_cpost *cp = NULL;
	int err = 0;

	mutex_lock(&cf->lock);
	for (*sent = 0; *sent < n; ) {
		sa.xchg = e[*sent].xchg;
		sa.msg = e[*sent].msg;
		sa.prio = e[*sent].prio;
		sa.reply = e[*sent].reply;
		sa.proxy = e[*sent].flags & XMSG_XFER_PROXY;
		err = __xmsg_send(cf, &sa, &cp, NULL, wake);
		if (err == XMSG_NEED_CPOST && !cp) {
			mutex_unlock(&cf->lock);
			cp = kzalloc(sizeof(*cp), GFP_KERNEL_ACCOUNT);
			mutex_lock(&cf->lock);
			if (cp)
				continue;
			err = -ENOMEM;
		}
		if (err == XMSG_NEED_CPOST)	/* cannot happen: cp is set */
			err = -ENOMEM;
		if (err)
			break;
		(*sent)++;
	}
	kfree(cp);
	if (err)
		mutex_unlock(&cf->lock);
	return err;
}

/*
 * Copy the sends in, do them, receive.  @ents: room for x->recv_max
 * received entries, then x->send_count send entries.
 */
static int xmsg_xfer_do(struct xmsg_cfile *cf, struct xmsg_xfer *x,
			struct xmsg_xfer_recv *ents)
{
	struct xmsg_xfer_send *sends = (void *)(ents + x->recv_max);
	struct xmsg_recv_args ra = {};
	LIST_HEAD(wake);
	int err;

	if (copy_from_user(sends, u64_to_user_ptr(x->send),
			   x->send_count * sizeof(*sends)))
		return -EFAULT;
	err = xmsg_xfer_check_sends(sends, x->send_count);
	if (err)
		return err;
	if (x->recv_max) {
		ra.kind = xmsg_timeout_jiffies(x->timeout_ns, x->flags,
					       &ra.jiffies);
		if (ra.kind < 0)
			return -EINVAL;
	}
	err = xmsg_xfer_sends(cf, sends, x->send_count, &x->sent, &wake);
	if (err) {
		xmsg_xchg_wake(&wake);
		return err;
	}
	if (!x->recv_max) {
		mutex_unlock(&cf->lock);
		xmsg_xchg_wake(&wake);
		return 0;
	}
	ra.flags = x->flags;
	ra.xchg = x->recv_xchg;
	ra.wake = &wake;
	ra.more = ents + 1;
	ra.max = x->recv_max;
	err = xmsg_recv_locked(cf, &ra, false);
	if (err)
		return err;
	xmsg_xfer_fill(ents, &ra);
	x->received = ra.got;
	return 0;
}

/**
 * xmsg_ioc_xfer() - XMSG_IOC_XFER: a batch of sends, then of receives
 * @cf: the file
 * @arg: struct xmsg_xfer
 * @cmd: the command
 *
 * On failure only @sent is written back.  If the final copy of the
 * received entries fails, the messages stay in the handle table.
 *
 * Context: process context, may sleep.
 * Return: 0; -EFAULT, -EINVAL, -E2BIG; a send's error (-EBADF, -EINVAL,
 * -EACCES, -EIDRM, -ENOSPC, -ENOMEM); the receive's (-EBADF, -EACCES,
 * -EAGAIN, -ETIMEDOUT, -EINTR, -EIDRM, -EMFILE, -ENOMEM).
 */
long xmsg_ioc_xfer(struct xmsg_cfile *cf, void __user *arg, unsigned int cmd)
{
	struct xmsg_xfer_recv *ents;
	struct xmsg_xfer x;
	int err;

	err = xmsg_copy_in(&x, sizeof(x), sizeof(x), arg, cmd);
	if (err)
		return err;
	err = xmsg_xfer_check(&x);
	if (err)
		return err;
	x.sent = 0;		/* outputs: whatever the caller left there */
	x.received = 0;
	/* Fail an unwritable struct before anything is sent. */
	if (put_user(x.size, (u32 __user *)arg))
		return -EFAULT;
	ents = kmalloc_array(XMSG_XFER_MAX, sizeof(*ents) +
			     sizeof(struct xmsg_xfer_send), GFP_KERNEL_ACCOUNT);
	if (!ents)
		return -ENOMEM;
	err = xmsg_xfer_do(cf, &x, ents);
	if (err) {
		if (put_user(x.sent, (u32 __user *)
			     (arg + offsetof(struct xmsg_xfer, sent))))
			err = -EFAULT;
	} else if (copy_to_user(u64_to_user_ptr(x.recv), ents,
				x.received * sizeof(*ents))) {
		err = -EFAULT;
	} else {
		err = xmsg_copy_out(arg, &x, sizeof(x));
	}
	kfree(ents);
	return err;
}

/**
 * xmsg_ioc_bcast_clear() - XMSG_IOC_BCAST_CLEAR
 * @cf: the file
 * @arg: struct xmsg_handle_op
 * @cmd: the command
 *
 * Context: process context.
 * Return: 0; -EFAULT, -EINVAL, -E2BIG; -EBADF; -EACCES; -EIDRM; -ENOENT;
 * -EPERM (posted by another file).
 */
long xmsg_ioc_bcast_clear(struct xmsg_cfile *cf, void __user *arg,
			  unsigned int cmd)
{
	struct xmsg_handle_op op;
	struct xmsg_xchg *xchg;
	struct xmsg_hent *h;
	int err;

	err = xmsg_copy_in(&op, sizeof(op), sizeof(op), arg, cmd);
	if (err)
		return err;
	if (op.flags || op.pad || memchr_inv(op.reserved, 0, sizeof(op.reserved)))
		return -EINVAL;
	mutex_lock(&cf->lock);
	h = __xmsg_hent_find(cf, op.handle, XMSG_TYPE_XCHG, &err);
	if (!h)
		goto unlock;
	err = -EACCES;
	if (!(h->rights & XMSG_ACC_WRITE))
		goto unlock;
	xchg = xmsg_obj_xchg(h->obj);
	err = -EINVAL;
	if (xmsg_xchg_kind(xchg) != XMSG_XCHG_BCAST)
		goto unlock;
	err = xmsg_xchg_bcast_clear(xchg, &cf->owner);
unlock:
	mutex_unlock(&cf->lock);
	return err;
}

/* ---- semaphores ------------------------------------------------------ */

static int xmsg_sem_do_signal(struct xmsg_cfile *cf,
			      const struct xmsg_sem_op *op)
{
	struct xmsg_hent *h, *close = NULL;
	int err;

	mutex_lock(&cf->lock);
	h = __xmsg_hent_find(cf, op->handle, XMSG_TYPE_SEM, &err);
	if (!h)
		goto unlock;
	err = -EACCES;
	if (!(h->rights & XMSG_ACC_WRITE))
		goto unlock;
	err = xmsg_sem_signal(xmsg_obj_sem(h->obj));
	if (!err && op->flags & XMSG_SEM_CLOSE) {
		__xmsg_hent_remove(cf, h);
		close = h;
	}
unlock:
	mutex_unlock(&cf->lock);
	xmsg_hent_drop(close);
	return err;
}

static int xmsg_sem_do_wait(struct xmsg_cfile *cf,
			    const struct xmsg_sem_op *op)
{
	struct xmsg_obj *obj = NULL;
	struct xmsg_hent *h;
	long kind, jiffies;
	int err;

	kind = xmsg_timeout_jiffies(op->timeout_ns, op->flags, &jiffies);
	if (kind < 0)
		return kind;
	mutex_lock(&cf->lock);
	h = __xmsg_hent_find(cf, op->handle, XMSG_TYPE_SEM, &err);
	if (h && !(h->rights & XMSG_ACC_READ))
		err = -EACCES;
	else if (h)
		obj = h->obj;
	xmsg_obj_get(obj);
	mutex_unlock(&cf->lock);
	if (!obj)
		return err;
	err = xmsg_sem_wait(xmsg_obj_sem(obj), jiffies);
	xmsg_obj_put(obj);
	return xmsg_wait_err(err, kind, true);
}

/**
 * xmsg_ioc_sem() - XMSG_IOC_SEM_SIGNAL and XMSG_IOC_SEM_WAIT
 * @cf: the file
 * @arg: struct xmsg_sem_op
 * @cmd: the command
 *
 * Context: process context; a wait may sleep.
 * Return: 0; -EFAULT, -EINVAL, -E2BIG; -EBADF; -EACCES; -EIDRM; signal:
 * -EOVERFLOW; wait: -EAGAIN, -ETIMEDOUT, -EINTR.
 */
long xmsg_ioc_sem(struct xmsg_cfile *cf, void __user *arg, unsigned int cmd)
{
	bool signal = _IOC_NR(cmd) == _IOC_NR(XMSG_IOC_SEM_SIGNAL);
	struct xmsg_sem_op op;
	int err;

	err = xmsg_copy_in(&op, sizeof(op), sizeof(op), arg, cmd);
	if (err)
		return err;
	if (op.pad || memchr_inv(op.reserved, 0, sizeof(op.reserved)))
		return -EINVAL;
	if (signal && (op.flags & ~XMSG_SEM_CLOSE || op.timeout_ns))
		return -EINVAL;
	if (!signal && op.flags & ~XMSG_TIMEOUT_ABS)
		return -EINVAL;
	return signal ? xmsg_sem_do_signal(cf, &op) : xmsg_sem_do_wait(cf, &op);
}
