// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg character device: send, receive and call at exchanges, batches of
 * them (XMSG_IOC_XFER), and withdrawing a broadcast message.
 *
 * Locking
 * -------
 * Everything that looks a handle up runs under the file's lock
 * (xmsg_file.lock), which also makes "use the message, then drop its
 * handle" atomic against other threads of the file.  The mm and ipc calls
 * made under it do not sleep for long (allocations only).  A blocking
 * receive drops the lock while it sleeps, holding its own reference on
 * the exchange and a reserved handle slot; the message it gets is owned
 * by the file's owner as soon as the ipc layer hands it over, so a
 * signal, kill -9 or a failed copy never loses it.
 */
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "cdev.h"

/* ---- send ------------------------------------------------------------ */

/**
 * struct xmsg_send_args - a send, from XMSG_IOC_SEND or XMSG_IOC_CALL
 * @flags: XMSG_SEND_CLOSE_XCHG or 0
 * @xchg: exchange handle
 * @msg: message handle
 * @prio: priority
 * @reply: reply handle or 0
 * @tag: the message's tag, 0 for untagged (only XMSG_IOC_SEND tags)
 * @proxy: send a new proxy of the whole message instead (XMSG_IOC_XFER)
 * @withdraw: XMSG_SEND_BCAST_WITHDRAW (XMSG_IOC_SEND only)
 */
struct xmsg_send_args {
	bool withdraw;
	u32 flags;
	u32 xchg;
	u32 msg;
	u32 prio;
	u32 reply;
	u64 tag;
	bool proxy;
};

/* Set @msg's reply object to @robj; *@old keeps the previous one alive. */
static int xmsg_cdev_set_reply(struct xmsg_msg *msg, struct xmsg_obj *robj,
			       struct xmsg_obj **old)
{
	*old = xmsg_msg_reply_obj(msg);
	xmsg_obj_get(*old);
	return xmsg_msg_set_reply_obj(msg, robj);
}

static bool __xmsg_cdev_post_known(struct xmsg_file *cf, struct xmsg_obj *obj)
{
	struct xmsg_file_post *cp;

	lockdep_assert_held(&cf->lock);
	list_for_each_entry(cp, &cf->posts, link)
		if (cp->obj == obj)
			return true;
	return false;
}

/*
 * A send to a broadcast exchange this file has not posted to yet needs an
 * entry for @cf->posts.  The file keeps one spare: a send allocates it
 * before taking the lock when the file has none (a hint, read without the
 * lock), and __xmsg_cdev_post_stock() keeps it under the lock.  Only a
 * send that finds the spare taken by another thread of the file allocates
 * under the lock (the file's lock allows allocations).
 */
static struct xmsg_file_post *xmsg_cdev_post_prealloc(struct xmsg_file *cf)
{
	if (READ_ONCE(cf->post_spare))
		return NULL;
	return kzalloc(sizeof(struct xmsg_file_post), GFP_KERNEL_ACCOUNT);
}

/* Keep @cp (or NULL) as the spare if there is none; else free it. */
static void __xmsg_cdev_post_stock(struct xmsg_file *cf,
				   struct xmsg_file_post *cp)
{
	lockdep_assert_held(&cf->lock);
	if (!cf->post_spare)
		WRITE_ONCE(cf->post_spare, cp);
	else
		kfree(cp);
}

/* Make sure a spare entry is there for a first post; -ENOMEM if not. */
static int __xmsg_cdev_post_reserve(struct xmsg_file *cf)
{
	lockdep_assert_held(&cf->lock);
	if (!cf->post_spare)
		WRITE_ONCE(cf->post_spare,
			   kzalloc(sizeof(struct xmsg_file_post),
				   GFP_KERNEL_ACCOUNT));
	return cf->post_spare ? 0 : -ENOMEM;
}

/*
 * Remember a broadcast exchange this file posts to (the spare entry), and
 * whether releasing @withdraw (or NULL) withdraws the post.
 */
static void __xmsg_cdev_note_post(struct xmsg_file *cf, struct xmsg_obj *obj,
				  struct xmsg_msg *withdraw)
{
	struct xmsg_file_post *cp;

	list_for_each_entry(cp, &cf->posts, link) {
		if (cp->obj == obj) {
			cp->withdraw = withdraw;
			return;
		}
	}
	cp = cf->post_spare;
	WRITE_ONCE(cf->post_spare, NULL);
	xmsg_obj_get(obj);
	cp->obj = obj;
	cp->withdraw = withdraw;
	list_add(&cp->link, &cf->posts);
}

/*
 * @msg leaves the file's hands: forget the posts it was to withdraw, and
 * with @withdraw (a release) withdraw them.
 */
static void __xmsg_cdev_posts_drop(struct xmsg_file *cf, struct xmsg_msg *msg,
				   bool withdraw)
{
	struct xmsg_file_post *cp;

	lockdep_assert_held(&cf->lock);
	list_for_each_entry(cp, &cf->posts, link) {
		if (cp->withdraw != msg)
			continue;
		cp->withdraw = NULL;
		/* -ENOENT: replaced or cleared meanwhile, nothing to do */
		if (withdraw)
			xmsg_xchg_bcast_withdraw(xmsg_obj_xchg(cp->obj), msg,
						 &cf->owner);
	}
}

/**
 * __xmsg_cdev_posts_released() - a message handle is being released
 * @cf: the file
 * @h: the handle (any type), taken out of the table
 *
 * A message this file posted with XMSG_SEND_BCAST_WITHDRAW takes its post
 * with it.
 *
 * Context: @cf->lock held.
 */
void __xmsg_cdev_posts_released(struct xmsg_file *cf, struct xmsg_handle *h)
{
	if (h->type == XMSG_TYPE_MSG)
		__xmsg_cdev_posts_drop(cf, h->msg, true);
}

/**
 * __xmsg_cdev_posts_forget() - a message leaves the file other than released
 * @cf: the file
 * @msg: the message of a handle being consumed: sent to a normal or pass
 *	exchange (a send, call or batch, waiting or not) or unmade back to
 *	a block or chunk
 *
 * A post @msg was to withdraw stays, as if sent without
 * XMSG_SEND_BCAST_WITHDRAW: the file no longer holds the message, so no
 * later release of its own can stand for it (the message may come back
 * under a new handle, or its control block be reused for another).  Every
 * path that takes a message handle out of the table without releasing it
 * must call this.
 *
 * Context: @cf->lock held.
 */
void __xmsg_cdev_posts_forget(struct xmsg_file *cf, struct xmsg_msg *msg)
{
	__xmsg_cdev_posts_drop(cf, msg, false);
}

/* With XMSG_XFER_PROXY: a proxy of @hm's whole message, owned by @cf. */
static struct xmsg_msg *xmsg_cdev_send_proxy(struct xmsg_file *cf,
					     struct xmsg_handle *hm, bool bcast)
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

/* Look up and check the handles of a send: exchange, message, reply. */
static int __xmsg_cdev_send_find(struct xmsg_file *cf,
				 const struct xmsg_send_args *a,
				 struct xmsg_handle **hxp,
				 struct xmsg_handle **hmp,
				 struct xmsg_handle **hrp)
{
	struct xmsg_handle *hx, *hm, *hr = NULL;
	int err;

	lockdep_assert_held(&cf->lock);
	hx = __xmsg_cdev_handle_find(cf, a->xchg, XMSG_TYPE_XCHG, &err);
	if (!hx)
		return err;
	if (!(hx->rights & XMSG_ACC_WRITE))
		return -EACCES;
	hm = __xmsg_cdev_handle_find(cf, a->msg, XMSG_TYPE_MSG, &err);
	if (!hm)
		return err;
	if (a->reply) {
		hr = __xmsg_cdev_handle_find(cf, a->reply, 0, &err);
		if (!hr)
			return err;
		if (hr->type != XMSG_TYPE_XCHG && hr->type != XMSG_TYPE_SEM)
			return -EINVAL;
		/* the receiver gets the write right: the sender must have it */
		if (!(hr->rights & XMSG_ACC_WRITE))
			return -EACCES;
	}
	*hxp = hx;
	*hmp = hm;
	*hrp = hr;
	return 0;
}

/*
 * Send a->msg (or a new proxy of it) to a->xchg.  @wake: receivers to
 * wake are put there (xmsg_xchg_send_defer()), or NULL to wake at once.
 */
static int __xmsg_cdev_send(struct xmsg_file *cf,
			    const struct xmsg_send_args *a,
			    struct xmsg_handle **closep, struct list_head *wake)
	__must_hold(&cf->lock)
{
	struct xmsg_handle *hx, *hm, *hr;
	struct xmsg_obj *old = NULL;
	struct xmsg_xchg *xchg;
	struct xmsg_msg *msg;
	bool bcast;
	int err;

	err = __xmsg_cdev_send_find(cf, a, &hx, &hm, &hr);
	if (err)
		return err;
	xchg = xmsg_obj_xchg(hx->obj);
	bcast = xmsg_xchg_kind(xchg) == XMSG_XCHG_KIND_BCAST;
	/* a post that goes with the message: a real one, broadcast only */
	if (a->withdraw && (!bcast || xmsg_msg_real(hm->msg) != hm->msg))
		return -EINVAL;
	if (bcast && a->tag)	/* nothing is queued there */
		return -EINVAL;
	if (bcast && !a->proxy && !__xmsg_cdev_post_known(cf, hx->obj)) {
		err = __xmsg_cdev_post_reserve(cf);
		if (err)
			return err;
	}
	msg = a->proxy ? xmsg_cdev_send_proxy(cf, hm, bcast) : hm->msg;
	if (IS_ERR(msg))
		return PTR_ERR(msg);
	if (hr) {
		err = xmsg_cdev_set_reply(msg, hr->obj, &old);
		if (err)
			goto undo;
	}
	err = xmsg_xchg_send_tagged(xchg, msg, &cf->owner, a->prio, a->tag,
				    wake);
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
		__xmsg_cdev_note_post(cf, hx->obj,
				      a->withdraw ? hm->msg : NULL);
	} else if (!a->proxy) {	/* the message is the exchange's now */
		__xmsg_cdev_posts_forget(cf, hm->msg);
		__xmsg_cdev_handle_remove(cf, hm);
		__xmsg_cdev_handle_free(cf, hm);
	}
	if (a->flags & XMSG_SEND_CLOSE_XCHG) {
		__xmsg_cdev_handle_remove(cf, hx);
		*closep = hx;
	}
	return 0;
}

static int xmsg_cdev_send(struct xmsg_file *cf, const struct xmsg_send_args *a)
{
	struct xmsg_file_post *cp = xmsg_cdev_post_prealloc(cf);
	struct xmsg_handle *close = NULL;
	int err;

	mutex_lock(&cf->lock);
	__xmsg_cdev_post_stock(cf, cp);
	err = __xmsg_cdev_send(cf, a, &close, NULL);
	mutex_unlock(&cf->lock);
	xmsg_cdev_handle_drop(close);
	return err;
}

/*
 * The wait of XMSG_SEND_WAIT, @cf->lock held on entry and dropped on
 * return.  The queue was full: the message handle stays reserved but names
 * nothing while the lock is dropped for the wait (another thread gets
 * -EBADF, the number is not reused), and names the message again if it
 * was not sent.
 */
static int __xmsg_cdev_send_sleep(struct xmsg_file *cf,
				  const struct xmsg_send_args *a,
				  ktime_t deadline, struct xmsg_handle **closep)
{
	struct xmsg_handle *hx, *hm, *hr, *h;
	struct xmsg_obj *xobj, *old = NULL;
	struct xmsg_msg *msg;
	u64 xgen;
	u32 mid;
	int err;

	err = __xmsg_cdev_send_find(cf, a, &hx, &hm, &hr);
	if (err)
		goto unlock;
	msg = hm->msg;
	if (hr) {
		err = xmsg_cdev_set_reply(msg, hr->obj, &old);
		if (err)
			goto put;
	}
	xobj = hx->obj;
	xgen = hx->gen;
	mid = hm->id;
	xmsg_obj_get(xobj);
	xmsg_cdev_handle_unpublish(cf, hm);
	mutex_unlock(&cf->lock);
	err = xmsg_xchg_send_wait(xmsg_obj_xchg(xobj), msg, &cf->owner,
				  a->prio, a->tag, deadline);
	mutex_lock(&cf->lock);
	xmsg_obj_put(xobj);
	if (err) {
		if (hr)
			xmsg_msg_set_reply_obj(msg, old);
		xmsg_cdev_handle_publish(cf, hm, mid);
		goto put;
	}
	__xmsg_cdev_posts_forget(cf, msg);
	xmsg_cdev_handle_unreserve(cf, mid);
	__xmsg_cdev_handle_free(cf, hm);
	h = __xmsg_cdev_handle_again(cf, a->xchg, xgen);
	if (h && (a->flags & XMSG_SEND_CLOSE_XCHG)) {
		__xmsg_cdev_handle_remove(cf, h);
		*closep = h;
	}
put:
	xmsg_obj_put(old);
unlock:
	mutex_unlock(&cf->lock);
	return err;
}

/* XMSG_SEND_WAIT: as xmsg_cdev_send(), waiting for room if need be. */
static int xmsg_cdev_send_wait(struct xmsg_file *cf,
			       const struct xmsg_send_args *a,
			       s64 timeout_ns, u32 flags)
{
	struct xmsg_file_post *cp = xmsg_cdev_post_prealloc(cf);
	struct xmsg_handle *close = NULL;
	ktime_t deadline;
	long kind;
	int err;

	kind = xmsg_cdev_timeout_deadline(timeout_ns, flags, &deadline);
	if (kind < 0) {
		kfree(cp);
		return kind;
	}
	mutex_lock(&cf->lock);
	__xmsg_cdev_post_stock(cf, cp);
	err = __xmsg_cdev_send(cf, a, &close, NULL);
	if (err == -ENOSPC && deadline)
		err = __xmsg_cdev_send_sleep(cf, a, deadline, &close);
	else
		mutex_unlock(&cf->lock);
	xmsg_cdev_handle_drop(close);
	if (err == -ENOSPC && (kind & 1))	/* an absolute time passed */
		return -ETIMEDOUT;
	return xmsg_cdev_wait_err(err, kind, true);
}

/**
 * xmsg_cdev_ioc_send() - XMSG_IOC_SEND
 * @cf: the file
 * @arg: struct xmsg_send
 * @cmd: the command
 *
 * Context: process context; with XMSG_SEND_WAIT may sleep.
 * Return: 0; -EFAULT, -EINVAL, -E2BIG; -EBADF; -EACCES; -EIDRM; -ENOSPC
 * (queue full); -ENOMEM; with XMSG_SEND_WAIT also -ETIMEDOUT, -EINTR (or a
 * restart), -ECANCELED.
 */
long xmsg_cdev_ioc_send(struct xmsg_file *cf, void __user *arg,
			unsigned int cmd)
{
	const u32 known = XMSG_SEND_CLOSE_XCHG | XMSG_SEND_WAIT |
			  XMSG_TIMEOUT_ABS | XMSG_SEND_BCAST_WITHDRAW;
	struct xmsg_send_args a = {};
	struct xmsg_send s;
	bool wait;
	int err;

	err = xmsg_cdev_copy_in(&s, sizeof(s),
				offsetof(struct xmsg_send, timeout_ns), arg, cmd);
	if (err)
		return err;
	wait = s.flags & XMSG_SEND_WAIT;
	if (s.flags & ~known || s.prio > XMSG_MSG_PRIO_MAX ||
	    memchr_inv(s.reserved, 0, sizeof(s.reserved)))
		return -EINVAL;
	/* XMSG_SEND_WAIT needs @timeout_ns; without it, nothing of it */
	if (wait ? s.size < sizeof(s) :
	    s.timeout_ns || (s.flags & XMSG_TIMEOUT_ABS))
		return -EINVAL;
	a.flags = s.flags & XMSG_SEND_CLOSE_XCHG;
	a.withdraw = s.flags & XMSG_SEND_BCAST_WITHDRAW;
	a.xchg = s.xchg;
	a.msg = s.msg;
	a.prio = s.prio;
	a.reply = s.reply;
	a.tag = s.tag;
	if (wait)
		return xmsg_cdev_send_wait(cf, &a, s.timeout_ns, s.flags);
	return xmsg_cdev_send(cf, &a);
}

/* ---- receive --------------------------------------------------------- */

/**
 * struct xmsg_recv_args - a receive, for XMSG_IOC_RECV or XMSG_IOC_CALL
 * @flags: XMSG_TIMEOUT_ABS, XMSG_RECV_NEWER
 * @xchg: exchange handle
 * @timeout_ns: as the uAPI
 * @kind: what xmsg_cdev_timeout_deadline() returned for @timeout_ns
 * @deadline: @timeout_ns as the ipc layer's timeout: 0, XMSG_WAIT_FOREVER
 *	or a CLOCK_MONOTONIC time
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
 * @tag: out: the first message's tag
 */
struct xmsg_recv_args {
	u32 flags;
	u32 xchg;
	s64 timeout_ns;
	long kind;
	ktime_t deadline;
	u64 gen;
	u32 msg;
	u32 reply;
	struct xmsg_buf_info bi;
	struct list_head *wake;
	struct xmsg_xfer_recv *more;
	u32 max;
	u32 got;
	u64 tag;
};

/**
 * struct xmsg_recv_slot - the handles a receive holds until it publishes
 * @hm: entry for the message
 * @hr: entry for its reply handle
 * @mid: handle reserved for @hm
 * @rid: handle reserved for @hr
 */
struct xmsg_recv_slot {
	struct xmsg_handle *hm;
	struct xmsg_handle *hr;
	u32 mid;
	u32 rid;
};

/* Reserve the handles a receive may need (message and reply). */
static int __xmsg_cdev_recv_reserve(struct xmsg_file *cf,
				    struct xmsg_recv_slot *rs)
{
	int err = -ENOMEM;

	rs->hm = __xmsg_cdev_handle_new(cf, XMSG_TYPE_MSG);
	rs->hr = __xmsg_cdev_handle_new(cf, XMSG_TYPE_XCHG);
	if (!rs->hm || !rs->hr)
		goto free;
	err = xmsg_cdev_handle_reserve(cf, &rs->mid);
	if (err)
		goto free;
	err = xmsg_cdev_handle_reserve(cf, &rs->rid);
	if (!err)
		return 0;
	xmsg_cdev_handle_unreserve(cf, rs->mid);
free:
	__xmsg_cdev_handle_free(cf, rs->hr);
	__xmsg_cdev_handle_free(cf, rs->hm);
	return err;
}

static void __xmsg_cdev_recv_unreserve(struct xmsg_file *cf,
				       struct xmsg_recv_slot *rs)
{
	xmsg_cdev_handle_unreserve(cf, rs->rid);
	xmsg_cdev_handle_unreserve(cf, rs->mid);
	__xmsg_cdev_handle_free(cf, rs->hr);
	__xmsg_cdev_handle_free(cf, rs->hm);
}

/* Publish a received message (and its reply handle); cannot fail. */
static void __xmsg_cdev_recv_publish(struct xmsg_file *cf, struct xmsg_msg *msg,
				     struct xmsg_recv_slot *rs,
				     struct xmsg_recv_args *a)
{
	struct xmsg_obj *robj = xmsg_msg_reply_obj(msg);
	struct xmsg_handle *hr = rs->hr;

	rs->hm->msg = msg;
	rs->hm->prio = msg->prio;
	xmsg_cdev_handle_publish(cf, rs->hm, rs->mid);
	a->msg = rs->mid;
	a->tag = msg->tag;
	a->reply = 0;
	if (robj) {
		xmsg_obj_get(robj);
		hr->type = xmsg_obj_xchg(robj) ? XMSG_TYPE_XCHG : XMSG_TYPE_SEM;
		hr->obj = robj;
		hr->rights = XMSG_ACC_WRITE;
		xmsg_cdev_handle_publish(cf, hr, rs->rid);
		a->reply = rs->rid;
	} else {
		xmsg_cdev_handle_unreserve(cf, rs->rid);
		__xmsg_cdev_handle_free(cf, hr);
	}
	xmsg_cdev_buf_describe(cf, rs->hm, &a->bi);
}

static void xmsg_cdev_xfer_fill(struct xmsg_xfer_recv *e,
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
static void __xmsg_cdev_recv_more(struct xmsg_file *cf, struct xmsg_xchg *xchg,
				  struct xmsg_recv_args *a)
{
	struct xmsg_recv_args one = {};
	struct xmsg_recv_slot rs;
	struct xmsg_msg *msg;

	while (a->got < a->max) {
		if (__xmsg_cdev_recv_reserve(cf, &rs))
			return;
		msg = xmsg_xchg_recv(xchg, &cf->owner, 0, 0, NULL);
		if (IS_ERR(msg)) {
			__xmsg_cdev_recv_unreserve(cf, &rs);
			return;
		}
		__xmsg_cdev_recv_publish(cf, msg, &rs, &one);
		xmsg_cdev_xfer_fill(&a->more[a->got - 1], &one);
		a->got++;
	}
}

/*
 * The receive of XMSG_IOC_RECV, XMSG_IOC_CALL and XMSG_IOC_XFER: called
 * with @cf->lock held, always returns with it released (a mutex: sparse
 * does not track it, so no __releases).  A message already queued
 * (or posted) is taken and published under that same lock hold; only when
 * there is none is the lock dropped, with a reference on the exchange, to
 * pull from the exchange's send rings (xmsg_txring_pull()) and to sleep.
 * The caller's deferred wakes (a->wake) are done once the lock is
 * dropped, before either.
 */
static int __xmsg_cdev_recv(struct xmsg_file *cf, struct xmsg_recv_args *a,
			    bool restart)
{
	unsigned int flags = a->flags & XMSG_RECV_NEWER ? XMSG_RECV_NEWER : 0;
	struct xmsg_obj *obj = NULL;
	struct xmsg_recv_slot rs;
	struct xmsg_xchg *xchg;
	struct xmsg_handle *hx;
	struct xmsg_msg *msg;
	int err;

	lockdep_assert_held(&cf->lock);
	hx = __xmsg_cdev_handle_find(cf, a->xchg, XMSG_TYPE_XCHG, &err);
	if (!hx)
		goto unlock;
	err = -EACCES;
	if (!(hx->rights & XMSG_ACC_READ))
		goto unlock;
	err = __xmsg_cdev_recv_reserve(cf, &rs);
	if (err)
		goto unlock;
	xchg = xmsg_obj_xchg(hx->obj);
	if (xmsg_xchg_kind(xchg) != XMSG_XCHG_KIND_BCAST)
		a->gen = 0;
	/*
	 * A receiver chosen by our own send has not answered yet: go
	 * straight to the blocking receive (which looks at the queue first).
	 */
	if (a->deadline && a->wake && !list_empty(a->wake))
		msg = ERR_PTR(-EAGAIN);
	else
		msg = xmsg_xchg_recv(xchg, &cf->owner, 0, flags, &a->gen);
	if (msg == ERR_PTR(-EAGAIN) &&
	    (a->deadline || xmsg_txring_any(xchg))) {
		obj = hx->obj;	/* held until the end: @hx may go */
		xmsg_obj_get(obj);
		mutex_unlock(&cf->lock);
		if (a->wake)
			xmsg_xchg_wake(a->wake);
		/* none queued: the exchange's send rings may hold some */
		if (xmsg_txring_pull(xchg))
			msg = xmsg_xchg_recv(xchg, &cf->owner, 0, flags,
					     &a->gen);
		if (msg == ERR_PTR(-EAGAIN) && a->deadline)
			msg = xmsg_xchg_recv(xchg, &cf->owner, a->deadline,
					     flags, &a->gen);
		mutex_lock(&cf->lock);
	}
	if (IS_ERR(msg)) {
		err = xmsg_cdev_wait_err(PTR_ERR(msg), a->kind, restart);
		__xmsg_cdev_recv_unreserve(cf, &rs);
		goto unlock;
	}
	__xmsg_cdev_recv_publish(cf, msg, &rs, a);
	a->got = 1;
	if (a->more && xmsg_xchg_kind(xchg) != XMSG_XCHG_KIND_BCAST)
		__xmsg_cdev_recv_more(cf, xchg, a);
unlock:
	mutex_unlock(&cf->lock);
	if (a->wake)
		xmsg_xchg_wake(a->wake);
	xmsg_obj_put(obj);
	return err;
}

static int xmsg_cdev_recv(struct xmsg_file *cf, struct xmsg_recv_args *a,
			  bool restart)
{
	a->kind = xmsg_cdev_timeout_deadline(a->timeout_ns, a->flags,
					     &a->deadline);
	if (a->kind < 0)
		return a->kind;
	mutex_lock(&cf->lock);
	return __xmsg_cdev_recv(cf, a, restart);
}

/**
 * xmsg_cdev_ioc_recv() - XMSG_IOC_RECV
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
long xmsg_cdev_ioc_recv(struct xmsg_file *cf, void __user *arg,
			unsigned int cmd)
{
	struct xmsg_recv_args a = {};
	struct xmsg_recv r;
	int err;

	err = xmsg_cdev_copy_in(&r, sizeof(r), sizeof(r), arg, cmd);
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
	err = xmsg_cdev_recv(cf, &a, true);
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
	r.tag = a.tag;
	return xmsg_cdev_copy_out(arg, &r, sizeof(r));
}

/*
 * The send part of XMSG_IOC_CALL, after checking the receive side, so
 * that nothing is sent when the receive cannot even start.  The receive
 * goes on under the same hold of @cf->lock.
 */
static int __xmsg_cdev_call_send(struct xmsg_file *cf, u32 recv_xchg,
				 const struct xmsg_send_args *sa,
				 struct xmsg_handle **closep)
	__must_hold(&cf->lock)
{
	struct xmsg_handle *hx;
	int err;

	hx = __xmsg_cdev_handle_find(cf, recv_xchg, XMSG_TYPE_XCHG, &err);
	if (!hx)
		return err;
	if (!(hx->rights & XMSG_ACC_READ))
		return -EACCES;
	/*
	 * One send: its receiver is woken at once (it may preempt us, which
	 * on one CPU lets it answer before our receive looks), not deferred.
	 */
	return __xmsg_cdev_send(cf, sa, closep, NULL);
}

/**
 * xmsg_cdev_ioc_call() - XMSG_IOC_CALL: send, then receive
 * @cf: the file
 * @arg: struct xmsg_call
 * @cmd: the command
 *
 * Context: process context, may sleep.
 * Return: as xmsg_cdev_ioc_send() if the send fails (nothing happened); else as
 * xmsg_cdev_ioc_recv() with XMSG_CALL_SENT written to @result on failure.
 */
long xmsg_cdev_ioc_call(struct xmsg_file *cf, void __user *arg,
			unsigned int cmd)
{
	struct xmsg_recv_args ra = {};
	struct xmsg_handle *close = NULL;
	struct xmsg_send_args sa = {};
	struct xmsg_file_post *cp;
	struct xmsg_call c;
	int err;

	err = xmsg_cdev_copy_in(&c, sizeof(c), sizeof(c), arg, cmd);
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
	ra.kind = xmsg_cdev_timeout_deadline(c.timeout_ns, c.flags, &ra.deadline);
	if (ra.kind < 0)
		return -EINVAL;
	if (put_user(c.size, (u32 __user *)arg))
		return -EFAULT;
	sa.flags = c.flags & XMSG_SEND_CLOSE_XCHG;
	sa.xchg = c.send_xchg;
	sa.msg = c.send_msg;
	sa.prio = c.send_prio;
	sa.reply = c.send_reply;
	cp = xmsg_cdev_post_prealloc(cf);
	mutex_lock(&cf->lock);
	__xmsg_cdev_post_stock(cf, cp);
	err = __xmsg_cdev_call_send(cf, c.recv_xchg, &sa, &close);
	if (err) {
		mutex_unlock(&cf->lock);
		return err;
	}
	err = __xmsg_cdev_recv(cf, &ra, false);
	xmsg_cdev_handle_drop(close);
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
	return xmsg_cdev_copy_out(arg, &c, sizeof(c));
}

/* ---- batches --------------------------------------------------------- */

/* Check an XMSG_IOC_XFER argument; entries are checked once copied in. */
static int xmsg_cdev_xfer_check(const struct xmsg_xfer *x)
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

static int xmsg_cdev_xfer_check_sends(const struct xmsg_xfer_send *e, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++)
		if (e[i].flags & ~XMSG_XFER_PROXY || e[i].pad ||
		    e[i].prio > XMSG_MSG_PRIO_MAX)
			return -EINVAL;
	return 0;
}

/*
 * The sends of an XMSG_IOC_XFER, in order; wakes are deferred to @wake.
 * Return: 0, or the error of the failing send.  *@sent: sends done.
 */
static int __xmsg_cdev_xfer_sends(struct xmsg_file *cf,
				  const struct xmsg_xfer_send *e, u32 n,
				  u32 *sent, struct list_head *wake)
	__must_hold(&cf->lock)
{
	struct xmsg_send_args sa = {};
	int err;

	for (*sent = 0; *sent < n; (*sent)++) {
		sa.xchg = e[*sent].xchg;
		sa.msg = e[*sent].msg;
		sa.prio = e[*sent].prio;
		sa.reply = e[*sent].reply;
		sa.proxy = e[*sent].flags & XMSG_XFER_PROXY;
		err = __xmsg_cdev_send(cf, &sa, NULL, wake);
		if (err)
			return err;
	}
	return 0;
}

/*
 * Copy the sends in, do them, receive.  @ents: room for x->recv_max
 * received entries, then x->send_count send entries.
 */
static int xmsg_cdev_xfer_do(struct xmsg_file *cf, struct xmsg_xfer *x,
			     struct xmsg_xfer_recv *ents)
{
	struct xmsg_xfer_send *sends = (void *)(ents + x->recv_max);
	struct xmsg_recv_args ra = {};
	struct xmsg_file_post *cp;
	LIST_HEAD(wake);
	int err;

	if (copy_from_user(sends, u64_to_user_ptr(x->send),
			   x->send_count * sizeof(*sends)))
		return -EFAULT;
	err = xmsg_cdev_xfer_check_sends(sends, x->send_count);
	if (err)
		return err;
	if (x->recv_max) {
		ra.kind = xmsg_cdev_timeout_deadline(x->timeout_ns, x->flags,
						     &ra.deadline);
		if (ra.kind < 0)
			return -EINVAL;
	}
	cp = xmsg_cdev_post_prealloc(cf);
	mutex_lock(&cf->lock);
	__xmsg_cdev_post_stock(cf, cp);
	err = __xmsg_cdev_xfer_sends(cf, sends, x->send_count, &x->sent,
				     &wake);
	if (err || !x->recv_max) {
		mutex_unlock(&cf->lock);
		xmsg_xchg_wake(&wake);
		return err;
	}
	ra.flags = x->flags;
	ra.xchg = x->recv_xchg;
	ra.wake = &wake;
	ra.more = ents + 1;
	ra.max = x->recv_max;
	err = __xmsg_cdev_recv(cf, &ra, false);
	if (err)
		return err;
	xmsg_cdev_xfer_fill(ents, &ra);
	x->received = ra.got;
	return 0;
}

/**
 * xmsg_cdev_ioc_xfer() - XMSG_IOC_XFER: a batch of sends, then of receives
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
long xmsg_cdev_ioc_xfer(struct xmsg_file *cf, void __user *arg,
			unsigned int cmd)
{
	struct xmsg_xfer_recv *ents;
	struct xmsg_xfer x;
	int err;

	err = xmsg_cdev_copy_in(&x, sizeof(x), sizeof(x), arg, cmd);
	if (err)
		return err;
	err = xmsg_cdev_xfer_check(&x);
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
	err = xmsg_cdev_xfer_do(cf, &x, ents);
	if (err) {
		if (put_user(x.sent, (u32 __user *)
			     (arg + offsetof(struct xmsg_xfer, sent))))
			err = -EFAULT;
	} else if (copy_to_user(u64_to_user_ptr(x.recv), ents,
				x.received * sizeof(*ents))) {
		err = -EFAULT;
	} else {
		err = xmsg_cdev_copy_out(arg, &x, sizeof(x));
	}
	kfree(ents);
	return err;
}

/**
 * xmsg_cdev_ioc_bcast_clear() - XMSG_IOC_BCAST_CLEAR
 * @cf: the file
 * @arg: struct xmsg_handle_op
 * @cmd: the command
 *
 * Context: process context.
 * Return: 0; -EFAULT, -EINVAL, -E2BIG; -EBADF; -EACCES; -EIDRM; -ENOENT;
 * -EPERM (posted by another file).
 */
long xmsg_cdev_ioc_bcast_clear(struct xmsg_file *cf, void __user *arg,
			       unsigned int cmd)
{
	struct xmsg_handle_op op;
	struct xmsg_xchg *xchg;
	struct xmsg_handle *h;
	int err;

	err = xmsg_cdev_copy_in(&op, sizeof(op), sizeof(op), arg, cmd);
	if (err)
		return err;
	if (op.flags || op.pad || memchr_inv(op.reserved, 0,
					     sizeof(op.reserved)))
		return -EINVAL;
	mutex_lock(&cf->lock);
	h = __xmsg_cdev_handle_find(cf, op.handle, XMSG_TYPE_XCHG, &err);
	if (!h)
		goto unlock;
	err = -EACCES;
	if (!(h->rights & XMSG_ACC_WRITE))
		goto unlock;
	xchg = xmsg_obj_xchg(h->obj);
	err = -EINVAL;
	if (xmsg_xchg_kind(xchg) != XMSG_XCHG_KIND_BCAST)
		goto unlock;
	err = xmsg_xchg_bcast_clear(xchg, &cf->owner);
unlock:
	mutex_unlock(&cf->lock);
	return err;
}

/**
 * xmsg_cdev_ioc_xchg_clear() - XMSG_IOC_XCHG_CLEAR
 * @cf: the file
 * @arg: struct xmsg_handle_op
 * @cmd: the command
 *
 * Context: process context.
 * Return: 0; -EFAULT, -EINVAL, -E2BIG; -EBADF; -EACCES; -EPERM (a reply
 * handle, or a broadcast post of another file); -EIDRM.
 */
long xmsg_cdev_ioc_xchg_clear(struct xmsg_file *cf, void __user *arg,
			      unsigned int cmd)
{
	struct xmsg_obj *obj;
	int err;

	obj = xmsg_cdev_clear_target(cf, arg, cmd, XMSG_TYPE_XCHG);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	err = xmsg_xchg_clear(xmsg_obj_xchg(obj), &cf->owner);
	xmsg_obj_put(obj);
	return err;
}

static_assert(sizeof(struct xmsg_bump) == 40);
static_assert(offsetof(struct xmsg_send, tag) == 24);
static_assert(offsetof(struct xmsg_recv, tag) == 64);

/**
 * xmsg_cdev_ioc_xchg_bump() - XMSG_IOC_XCHG_BUMP
 * @cf: the file
 * @arg: struct xmsg_bump
 * @cmd: the command
 *
 * Context: process context.
 * Return: 0; -EFAULT, -EINVAL, -E2BIG; -EBADF; -EACCES; -EPERM (a reply
 * handle); -EIDRM; -ENOENT (no message with that tag queued).
 */
long xmsg_cdev_ioc_xchg_bump(struct xmsg_file *cf, void __user *arg,
			     unsigned int cmd)
{
	struct xmsg_handle *h;
	struct xmsg_bump b;
	int err;

	err = xmsg_cdev_copy_in(&b, sizeof(b), sizeof(b), arg, cmd);
	if (err)
		return err;
	if (b.flags || !b.tag || b.prio > XMSG_MSG_PRIO_MAX ||
	    memchr_inv(b.reserved, 0, sizeof(b.reserved)))
		return -EINVAL;
	mutex_lock(&cf->lock);
	h = __xmsg_cdev_manage_find(cf, b.xchg, XMSG_TYPE_XCHG, &err);
	if (h)
		err = xmsg_xchg_bump(xmsg_obj_xchg(h->obj), b.tag, b.prio,
				     NULL);
	mutex_unlock(&cf->lock);
	return err;
}
