// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg broadcast exchanges: one posted message, many receivers.
 *
 * A broadcast exchange holds one posted message (struct xmsg_xchg_post:
 * the exchange's own proxy of the sent message) and a FIFO of waiting
 * receivers; a send replaces the post (a new generation) and wakes every
 * fitting receiver at once, and each makes its own proxy of the post in its
 * own context.  The exchange itself (create, destroy, poll, the waiting
 * and the locking rules) is exchange.c's.
 *
 * A post is reference counted (@xmsg_xchg_post.ref): the exchange holds
 * one reference, and a receiver takes one under the exchange lock before
 * making its proxy outside it, so a concurrent send or destroy cannot free
 * the post under it.
 */

#include <linux/err.h>
#include <linux/kref.h>
#include <linux/module.h>
#include <linux/slab.h>
#include "xmsg_ipc_priv.h"
#include <xmsg/trace.h>

/**
 * struct xmsg_xchg_post - the message posted at a broadcast exchange
 * @ref: references: the exchange while posted, plus receivers making a
 *	proxy of it
 * @proxy: the exchange's own proxy of the whole sent message (owner NULL);
 *	keeps the body alive while posted
 * @from: owner that posted it (only it may clear the post)
 * @gen: generation: the exchange's send count when posted
 */
struct xmsg_xchg_post {
	struct kref ref;
	struct xmsg_msg *proxy;
	struct xmsg_owner *from;
	u64 gen;
};

static void xmsg_xchg_post_release(struct kref *ref)
{
	struct xmsg_xchg_post *post =
		container_of(ref, struct xmsg_xchg_post, ref);

	xmsg_msg_rel(post->proxy);
	kfree(post);
}

void xmsg_xchg_post_put(struct xmsg_xchg_post *post)
{
	if (post)
		kref_put(&post->ref, xmsg_xchg_post_release);
}

static struct xmsg_xchg_post *xmsg_xchg_post_alloc(struct xmsg_msg *msg,
						   struct xmsg_owner *from)
{
	struct xmsg_xchg_post *post;
	struct xmsg_msg *proxy;

	post = kzalloc(sizeof(*post), GFP_KERNEL_ACCOUNT);
	if (!post)
		return ERR_PTR(-ENOMEM);
	proxy = xmsg_msg_make_proxy(msg, 0, msg->size, NULL,
				    GFP_KERNEL_ACCOUNT);
	if (IS_ERR(proxy)) {
		kfree(post);
		return ERR_CAST(proxy);
	}
	kref_init(&post->ref);
	post->proxy = proxy;
	post->from = from;
	return post;
}

static bool xmsg_xchg_post_fits(struct xmsg_xchg_post *post, bool newer,
				u64 gen)
{
	return post && (!newer || post->gen > gen);
}

static struct xmsg_xchg_post *__xmsg_xchg_repost(struct xmsg_xchg *xchg,
						 struct xmsg_xchg_post *post,
						 u8 prio, struct list_head *wake)
{
	struct xmsg_xchg_waiter *xw, *next;
	struct xmsg_xchg_post *old = xchg->post;

	lockdep_assert_held(&xchg->lock);
	post->gen = ++xchg->gen;
	post->proxy->prio = prio;
	xchg->post = post;
	xchg->sent++;
	list_for_each_entry_safe(xw, next, &xchg->waiters, w.link) {
		if (!xmsg_xchg_post_fits(post, xw->newer, xw->gen))
			continue;
		kref_get(&post->ref);
		xw->post = post;
		xchg->received++;
		__xmsg_waiter_claim(&xw->w, wake, 0);
	}
	return old;
}

int xmsg_xchg_send_bcast(struct xmsg_xchg *xchg, struct xmsg_msg *msg,
			 struct xmsg_owner *from, u8 prio, struct list_head *wake)
{
	struct xmsg_xchg_post *post, *old;
	struct list_head *wl = wake;
	unsigned long flags;
	LIST_HEAD(now);

	might_sleep();
	if (READ_ONCE(msg->owner) != from)
		return -EPERM;
	post = xmsg_xchg_post_alloc(msg, from);
	if (IS_ERR(post))
		return PTR_ERR(post);
	spin_lock_irqsave(&xchg->lock, flags);
	if (xchg->dead) {
		spin_unlock_irqrestore(&xchg->lock, flags);
		xmsg_xchg_post_put(post);
		trace_xmsg_msg_send(xchg->name, prio, msg->size, -EIDRM);
		return -EIDRM;
	}
	if (!wl)
		wl = &now;
	old = __xmsg_xchg_repost(xchg, post, prio, wl);
	spin_unlock_irqrestore(&xchg->lock, flags);
	trace_xmsg_msg_send(xchg->name, prio, msg->size,
			    XMSG_TRACE_SEND_POSTED);

	if (!wake)
		xmsg_waiters_wake(&now);
	xmsg_xchg_poll_wake(xchg, EPOLLIN | EPOLLRDNORM);
	xmsg_xchg_post_put(old);
	return 0;
}

/*
 * Take the post off a live broadcast exchange into *@post (the caller
 * drops it with xmsg_xchg_post_put() once the lock is dropped).
 * Return: 0, -ENOENT (nothing posted), -EPERM (posted by another owner).
 */
int __xmsg_xchg_bcast_unpost(struct xmsg_xchg *xchg, struct xmsg_owner *from,
			     struct xmsg_xchg_post **post)
{
	lockdep_assert_held(&xchg->lock);
	if (!xchg->post)
		return -ENOENT;
	if (xchg->post->from != from)
		return -EPERM;
	*post = xchg->post;
	xchg->post = NULL;
	return 0;
}

/* The exchange's proxy of the post, or NULL; for a look, not to keep. */
struct xmsg_msg *__xmsg_xchg_bcast_posted(struct xmsg_xchg *xchg)
{
	lockdep_assert_held(&xchg->lock);
	return xchg->post ? xchg->post->proxy : NULL;
}

/**
 * xmsg_xchg_bcast_clear - take the posted message off a broadcast exchange
 * @xchg: a broadcast exchange
 * @from: the owner that posted it
 *
 * Receivers that already have a proxy keep it.
 *
 * Context: process context.
 * Return: 0; -EINVAL for NULL @xchg or not a broadcast exchange; -EIDRM
 * when destroyed; -ENOENT when nothing is posted; -EPERM when @from did not
 * post the message.
 */
int xmsg_xchg_bcast_clear(struct xmsg_xchg *xchg, struct xmsg_owner *from)
{
	struct xmsg_xchg_post *post = NULL;
	unsigned long flags;
	int ret;

	if (!xchg || xchg->kind != XMSG_XCHG_KIND_BCAST)
		return -EINVAL;
	spin_lock_irqsave(&xchg->lock, flags);
	ret = xchg->dead ? -EIDRM : __xmsg_xchg_bcast_unpost(xchg, from, &post);
	spin_unlock_irqrestore(&xchg->lock, flags);
	xmsg_xchg_post_put(post);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(xmsg_xchg_bcast_clear, XMSG_NS);

/**
 * xmsg_xchg_bcast_withdraw - withdraw the post of a message being released
 * @xchg: a broadcast exchange
 * @msg: a real message that @from posted there and is about to release
 * @from: its owner
 *
 * For a master that asked for its post to go with its message: the post
 * is taken off only if it is still @msg's (its proxy's real message is
 * @msg) and @from's.  Receivers keep their proxies.
 *
 * Context: process context.
 * Return: 0 withdrawn; -EINVAL for NULL or not a broadcast exchange;
 * -EIDRM when destroyed; -ENOENT when @xchg holds no post of @msg by
 * @from (replaced or cleared meanwhile).
 */
int xmsg_xchg_bcast_withdraw(struct xmsg_xchg *xchg, struct xmsg_msg *msg,
			     struct xmsg_owner *from)
{
	struct xmsg_xchg_post *post = NULL;
	unsigned long flags;
	int ret = -ENOENT;

	if (!xchg || !msg || xchg->kind != XMSG_XCHG_KIND_BCAST)
		return -EINVAL;
	spin_lock_irqsave(&xchg->lock, flags);
	if (xchg->dead)
		ret = -EIDRM;
	else if (xchg->post && xchg->post->proxy->real == msg)
		ret = __xmsg_xchg_bcast_unpost(xchg, from, &post);
	spin_unlock_irqrestore(&xchg->lock, flags);
	xmsg_xchg_post_put(post);
	return ret == -EPERM ? -ENOENT : ret;
}
EXPORT_SYMBOL_NS_GPL(xmsg_xchg_bcast_withdraw, XMSG_NS);

/* Get a reference on a fitting post, waiting for one if need be. */
static struct xmsg_xchg_post *xmsg_xchg_bcast_take(struct xmsg_xchg *xchg,
						   struct xmsg_xchg_waiter *xw,
						   ktime_t timeout)
{
	struct xmsg_xchg_post *post;
	unsigned long flags;
	int ret;

	spin_lock_irqsave(&xchg->lock, flags);
	post = xchg->post;
	if (xchg->dead) {
		post = ERR_PTR(-EIDRM);
	} else if (xmsg_xchg_post_fits(post, xw->newer, xw->gen)) {
		kref_get(&post->ref);
		xchg->received++;
	} else if (!timeout) {
		post = ERR_PTR(-EAGAIN);
	} else {
		ret = xmsg_xchg_wait(xchg, xw, flags, timeout);
		return ret ? ERR_PTR(ret) : xw->post;
	}
	spin_unlock_irqrestore(&xchg->lock, flags);
	return post;
}

struct xmsg_msg *xmsg_xchg_recv_bcast(struct xmsg_xchg *xchg,
				      struct xmsg_owner *to, ktime_t timeout,
				      bool newer, u64 *gen)
{
	struct xmsg_xchg_waiter xw = { .newer = newer, .gen = gen ? *gen : 0 };
	struct xmsg_xchg_post *post;
	struct xmsg_msg *proxy;

	might_sleep();
	post = xmsg_xchg_bcast_take(xchg, &xw, timeout);
	if (IS_ERR(post))
		return ERR_CAST(post);
	/*
	 * Charged to the receiver, who may queue proxies anywhere: at its
	 * memory cgroup's limit the receive fails (-ENOMEM), no OOM kill.
	 */
	proxy = xmsg_msg_make_proxy(post->proxy, 0, post->proxy->size, to,
				    GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL |
				    __GFP_NOWARN);
	if (!IS_ERR(proxy)) {
		proxy->prio = post->proxy->prio;
		if (gen)
			*gen = post->gen;
	} else {		/* not received after all */
		unsigned long flags;

		spin_lock_irqsave(&xchg->lock, flags);
		xchg->received--;
		spin_unlock_irqrestore(&xchg->lock, flags);
	}
	xmsg_xchg_post_put(post);
	return proxy;
}

/* Poll mask of a live broadcast exchange; see xmsg_xchg_poll(). */
__poll_t __xmsg_xchg_bcast_poll_mask(struct xmsg_xchg *xchg, u64 gen)
{
	__poll_t mask = 0;

	lockdep_assert_held(&xchg->lock);
	if (xchg->post && xchg->post->gen > gen)
		mask |= EPOLLIN | EPOLLRDNORM;
	return mask | EPOLLOUT | EPOLLWRNORM;
}
