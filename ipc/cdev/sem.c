// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg character device: XMSG_IOC_SEM_SIGNAL and XMSG_IOC_SEM_WAIT.
 *
 * Locking: the handle is looked up under the file's lock
 * (xmsg_file.lock); a wait drops it before it sleeps, holding its own
 * reference on the semaphore.
 */
#include <linux/uaccess.h>
#include "cdev.h"

static int xmsg_cdev_sem_do_signal(struct xmsg_file *cf,
				   const struct xmsg_sem_op *op)
{
	struct xmsg_handle *h, *close = NULL;
	int err;

	mutex_lock(&cf->lock);
	h = __xmsg_cdev_handle_find(cf, op->handle, XMSG_TYPE_SEM, &err);
	if (!h)
		goto unlock;
	err = -EACCES;
	if (!(h->rights & XMSG_ACC_WRITE))
		goto unlock;
	err = xmsg_sem_signal(xmsg_obj_sem(h->obj));
	if (!err && op->flags & XMSG_SEM_CLOSE) {
		__xmsg_cdev_handle_remove(cf, h);
		close = h;
	}
unlock:
	mutex_unlock(&cf->lock);
	xmsg_cdev_handle_drop(close);
	return err;
}

static int xmsg_cdev_sem_do_wait(struct xmsg_file *cf,
				 const struct xmsg_sem_op *op)
{
	struct xmsg_obj *obj = NULL;
	struct xmsg_handle *h;
	ktime_t deadline;
	long kind;
	int err;

	kind = xmsg_cdev_timeout_deadline(op->timeout_ns, op->flags,
					  &deadline);
	if (kind < 0)
		return kind;
	mutex_lock(&cf->lock);
	h = __xmsg_cdev_handle_find(cf, op->handle, XMSG_TYPE_SEM, &err);
	if (h && !(h->rights & XMSG_ACC_READ))
		err = -EACCES;
	else if (h)
		obj = h->obj;
	xmsg_obj_get(obj);
	mutex_unlock(&cf->lock);
	if (!obj)
		return err;
	err = xmsg_sem_wait(xmsg_obj_sem(obj), deadline);
	xmsg_obj_put(obj);
	return xmsg_cdev_wait_err(err, kind, true);
}

/**
 * xmsg_cdev_ioc_sem() - XMSG_IOC_SEM_SIGNAL and XMSG_IOC_SEM_WAIT
 * @cf: the file
 * @arg: struct xmsg_sem_op
 * @cmd: the command
 *
 * Context: process context; a wait may sleep.
 * Return: 0; -EFAULT, -EINVAL, -E2BIG; -EBADF; -EACCES; -EIDRM; signal:
 * -EOVERFLOW; wait: -EAGAIN, -ETIMEDOUT, -EINTR.
 */
long xmsg_cdev_ioc_sem(struct xmsg_file *cf, void __user *arg, unsigned int cmd)
{
	bool signal = _IOC_NR(cmd) == _IOC_NR(XMSG_IOC_SEM_SIGNAL);
	struct xmsg_sem_op op;
	int err;

	err = xmsg_cdev_copy_in(&op, sizeof(op), sizeof(op), arg, cmd);
	if (err)
		return err;
	if (op.pad || memchr_inv(op.reserved, 0, sizeof(op.reserved)))
		return -EINVAL;
	if (signal && (op.flags & ~XMSG_SEM_CLOSE || op.timeout_ns))
		return -EINVAL;
	if (!signal && op.flags & ~XMSG_TIMEOUT_ABS)
		return -EINVAL;
	if (signal)
		return xmsg_cdev_sem_do_signal(cf, &op);
	return xmsg_cdev_sem_do_wait(cf, &op);
}
