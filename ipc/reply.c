// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg reply handles: a message's MCB may name an exchange or a semaphore
 * to answer through (its reply handle).  A server that got the
 * message (or a proxy of it) signals the semaphore or sends an answer to
 * the exchange with xmsg_reply(); e.g. in distributed message assembly
 * each server fills its slice of a proxy and signals the client's
 * threshold semaphore.
 *
 * Locking
 * -------
 * No lock of its own.  The reply handle holds a reference on the object
 * (xmsg_obj_get()), dropped by xmsg_reply_put() when the MCB is freed or
 * the handle replaced (mm calls it, in any context).  @msg->reply is read
 * by its owner only, so it cannot change under xmsg_reply().
 */
#include <linux/module.h>
#include "xmsg_ipc_priv.h"

static void xmsg_reply_put(void *reply)
{
	xmsg_obj_put(reply);
}

/**
 * xmsg_msg_set_reply_obj - set a message's reply handle
 * @msg: the message (real or proxy), held by the caller
 * @obj: an exchange or semaphore (xmsg_xchg_obj(), xmsg_sem_obj()), or
 *	NULL to clear the handle
 *
 * The handle takes its own reference on @obj; the message keeps it until
 * its MCB is freed or the handle is replaced.  Proxies do not inherit a
 * reply handle: set one on each.
 *
 * Context: any context.
 * Return: 0; -EINVAL for a NULL @msg; -EIDRM when @obj is destroyed.
 */
int xmsg_msg_set_reply_obj(struct xmsg_msg *msg, struct xmsg_obj *obj)
{
	if (!msg)
		return -EINVAL;
	if (!obj) {
		xmsg_msg_set_reply(msg, NULL, NULL);
		return 0;
	}
	if (xmsg_obj_dead(obj))
		return -EIDRM;
	xmsg_obj_get(obj);
	xmsg_msg_set_reply(msg, obj, xmsg_reply_put);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(xmsg_msg_set_reply_obj, XMSG_NS);

/**
 * xmsg_msg_reply_obj - the object a message's reply handle names
 * @msg: the message, held by the caller
 *
 * Context: any context.
 * Return: the object (no reference taken: valid while @msg keeps its
 * handle), or NULL when @msg has no reply handle set by
 * xmsg_msg_set_reply_obj().
 */
struct xmsg_obj *xmsg_msg_reply_obj(struct xmsg_msg *msg)
{
	if (!msg || !msg->reply || msg->reply_put != xmsg_reply_put)
		return NULL;
	return msg->reply;
}
EXPORT_SYMBOL_NS_GPL(xmsg_msg_reply_obj, XMSG_NS);

/**
 * xmsg_reply - answer a message through its reply handle
 * @msg: the message (or proxy) being answered, owned by @from
 * @answer: for an exchange: the answer message, owned by @from, sent with
 *	its own priority (ownership moves as for xmsg_xchg_send(); @answer
 *	may be @msg itself).  For a semaphore: must be NULL.
 * @from: the caller's owner (NULL for kernel users not tracking owners)
 *
 * A semaphore handle is signalled (xmsg_sem_signal()); an exchange handle
 * gets @answer (xmsg_xchg_send()).  The handle stays set, so a message may
 * be answered more than once.
 *
 * Context: semaphore handle: any context.  Exchange handle: as
 * xmsg_xchg_send().
 * Return: 0; -EINVAL for a NULL @msg, an @answer to a semaphore or none to
 * an exchange; -EPERM when @from does not own @msg (or @answer);
 * -ENOENT when @msg has no reply handle; -EIDRM when the object is
 * destroyed; -ENOSPC and the other errors of xmsg_xchg_send().
 */
int xmsg_reply(struct xmsg_msg *msg, struct xmsg_msg *answer,
	       struct xmsg_owner *from)
{
	struct xmsg_xchg *xchg;
	struct xmsg_obj *obj;
	struct xmsg_sem *sem;

	if (!msg)
		return -EINVAL;
	if (READ_ONCE(msg->owner) != from)
		return -EPERM;
	obj = xmsg_msg_reply_obj(msg);
	if (!obj)
		return -ENOENT;
	sem = xmsg_obj_sem(obj);
	if (sem)
		return answer ? -EINVAL : xmsg_sem_signal(sem);
	xchg = xmsg_obj_xchg(obj);
	if (!answer)
		return -EINVAL;
	return xmsg_xchg_send(xchg, answer, from, answer->prio);
}
EXPORT_SYMBOL_NS_GPL(xmsg_reply, XMSG_NS);
