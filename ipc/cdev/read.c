// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg character device: XMSG_IOC_MSG_SET_LENGTH, the length of a message,
 * and XMSG_IOC_MSG_READ, a copy-out read of a message body.  Bodies are
 * normally read in place through the mapping of their pool; the read is
 * for bodies that cannot be mapped (external memory such as
 * a received network frame, heap bodies) or in a pool the caller has no
 * handle for, and for callers that simply want a copy.
 *
 * Locking
 * -------
 * The message is looked up under xmsg_file.lock, which must not be held
 * across a user copy (see chardev.c).  So, still under the lock, the slice
 * to copy is pinned with a kernel-internal proxy (owner NULL): it holds a
 * reference on the body, which then stays valid even if another thread
 * releases the message or closes the file meanwhile.  The lock is dropped,
 * the bytes are copied, and the proxy is released (the last reference
 * returns the body to its origin, in process context).
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include "cdev.h"

static_assert(sizeof(struct xmsg_msg_read) == 56);
static_assert(sizeof(struct xmsg_msg_length) == 40);

/* Pin the slice @rd asks for; *@pin stays NULL for an empty one. */
static int __xmsg_cdev_read_pin(struct xmsg_file *cf,
				const struct xmsg_msg_read *rd,
				struct xmsg_msg **pin)
{
	struct xmsg_handle *h;
	struct xmsg_msg *msg, *p;
	int err;

	h = __xmsg_cdev_handle_find(cf, rd->handle, XMSG_TYPE_MSG, &err);
	if (!h)
		return err;
	msg = h->msg;
	if (rd->offset > msg->size || rd->length > msg->size - rd->offset)
		return -ERANGE;
	if (!rd->length)
		return 0;
	p = xmsg_msg_make_proxy(msg, rd->offset, rd->length, NULL, GFP_KERNEL);
	if (IS_ERR(p))
		return PTR_ERR(p);
	*pin = p;
	return 0;
}

/**
 * xmsg_cdev_ioc_msg_read() - XMSG_IOC_MSG_READ
 * @cf: the file
 * @arg: struct xmsg_msg_read
 * @cmd: the command
 *
 * Context: process context; takes and drops @cf->lock, may sleep.
 * Return: 0; -EFAULT; -EINVAL (size, flags, pad, reserved, not a message
 * handle); -E2BIG; -EBADF; -ERANGE (slice beyond the body); -ENOMEM.
 */
long xmsg_cdev_ioc_msg_read(struct xmsg_file *cf, void __user *arg,
			    unsigned int cmd)
{
	struct xmsg_msg *pin = NULL;
	struct xmsg_msg_read rd;
	int err;

	err = xmsg_cdev_copy_in(&rd, sizeof(rd), sizeof(rd), arg, cmd);
	if (err)
		return err;
	if (rd.flags || rd.pad || memchr_inv(rd.reserved, 0,
					     sizeof(rd.reserved)))
		return -EINVAL;
	mutex_lock(&cf->lock);
	err = __xmsg_cdev_read_pin(cf, &rd, &pin);
	mutex_unlock(&cf->lock);
	if (err || !pin)
		return err;
	if (copy_to_user(u64_to_user_ptr(rd.buf), pin->body, rd.length))
		err = -EFAULT;
	xmsg_msg_rel(pin);
	return err;
}

/**
 * xmsg_cdev_ioc_msg_set_length() - XMSG_IOC_MSG_SET_LENGTH
 * @cf: the file
 * @arg: struct xmsg_msg_length
 * @cmd: the command
 *
 * Context: process context; takes @cf->lock (the message is the file's, so
 * nothing else uses it meanwhile).
 * Growing a message past its length takes a handle of its pool with the
 * write right (__xmsg_cdev_pool_writable()): a receiver sees what it was sent,
 * not the stale bytes behind it.
 *
 * Return: 0; -EFAULT; -EINVAL (size, flags, pad, reserved, not a message
 * handle, a proxy or a body not in a pool); -E2BIG; -EBADF; -ERANGE;
 * -EACCES (growing it without the pool's write right).
 */
long xmsg_cdev_ioc_msg_set_length(struct xmsg_file *cf, void __user *arg,
				  unsigned int cmd)
{
	struct xmsg_msg_length ml;
	struct xmsg_handle *h;
	struct xmsg_msg *msg;
	int err;

	err = xmsg_cdev_copy_in(&ml, sizeof(ml), sizeof(ml), arg, cmd);
	if (err)
		return err;
	if (ml.flags || ml.pad || memchr_inv(ml.reserved, 0,
					     sizeof(ml.reserved)))
		return -EINVAL;
	mutex_lock(&cf->lock);
	h = __xmsg_cdev_handle_find(cf, ml.handle, XMSG_TYPE_MSG, &err);
	if (h) {
		msg = h->msg;
		if (msg->origin != XMSG_ORIGIN_POOL)
			err = -EINVAL;
		else if (ml.length > xmsg_pool_block_size(msg->pool))
			err = -ERANGE;
		else if (ml.length > msg->size &&
			 !__xmsg_cdev_pool_writable(cf, msg->pool))
			err = -EACCES;	/* would show more than was sent */
		else
			err = xmsg_msg_set_length(msg, ml.length);
	}
	mutex_unlock(&cf->lock);
	return err;
}
