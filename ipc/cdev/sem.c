// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg character device: XMSG_IOC_SEM_SIGNAL, XMSG_IOC_SEM_WAIT,
 * XMSG_IOC_SEM_SIGNAL_WAIT and XMSG_IOC_SEM_CLEAR.
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

/* The semaphore of handle @id with @right, with a reference; or NULL. */
static struct xmsg_obj *__xmsg_cdev_sem_get(struct xmsg_file *cf, u32 id,
					    u32 right, int *err)
{
	struct xmsg_handle *h;

	h = __xmsg_cdev_handle_find(cf, id, XMSG_TYPE_SEM, err);
	if (!h)
		return NULL;
	if (!(h->rights & right)) {
		*err = -EACCES;
		return NULL;
	}
	xmsg_obj_get(h->obj);
	return h->obj;
}

/**
 * xmsg_cdev_ioc_sem_signal_wait() - XMSG_IOC_SEM_SIGNAL_WAIT
 * @cf: the file
 * @arg: struct xmsg_sem_signal_wait
 * @cmd: the command
 *
 * Context: process context, may sleep.
 * Return: 0; -EFAULT, -EINVAL, -E2BIG; -EBADF; -EACCES; -EIDRM;
 * -EOVERFLOW; -EAGAIN; -ETIMEDOUT; -EINTR; -ECANCELED.  After the signal,
 * a failure writes XMSG_SEM_SIGNALLED to @result.
 */
long xmsg_cdev_ioc_sem_signal_wait(struct xmsg_file *cf, void __user *arg,
				   unsigned int cmd)
{
	struct xmsg_obj *sig = NULL, *wait = NULL;
	struct xmsg_sem_signal_wait sw;
	bool signalled = false;
	ktime_t deadline;
	long kind;
	int err;

	err = xmsg_cdev_copy_in(&sw, sizeof(sw), sizeof(sw), arg, cmd);
	if (err)
		return err;
	if (sw.flags & ~XMSG_TIMEOUT_ABS || sw.pad ||
	    memchr_inv(sw.reserved, 0, sizeof(sw.reserved)))
		return -EINVAL;
	kind = xmsg_cdev_timeout_deadline(sw.timeout_ns, sw.flags, &deadline);
	if (kind < 0)
		return kind;
	/* Fail an unwritable struct before anything is signalled. */
	if (put_user(sw.size, (u32 __user *)arg))
		return -EFAULT;
	mutex_lock(&cf->lock);
	sig = __xmsg_cdev_sem_get(cf, sw.signal, XMSG_ACC_WRITE, &err);
	if (sig)
		wait = __xmsg_cdev_sem_get(cf, sw.wait, XMSG_ACC_READ, &err);
	mutex_unlock(&cf->lock);
	if (wait)
		err = xmsg_sem_signal_wait(xmsg_obj_sem(sig), xmsg_obj_sem(wait),
					   deadline, &signalled);
	xmsg_obj_put(wait);
	xmsg_obj_put(sig);
	/* a call that signalled cannot be restarted */
	err = xmsg_cdev_wait_err(err, kind, !signalled);
	sw.result = signalled ? XMSG_SEM_SIGNALLED : 0;
	if (err && signalled &&
	    put_user(sw.result, (u32 __user *)(arg +
			offsetof(struct xmsg_sem_signal_wait, result))))
		return -EFAULT;
	if (err)
		return err;
	return xmsg_cdev_copy_out(arg, &sw, sizeof(sw));
}

/**
 * xmsg_cdev_ioc_sem_clear() - XMSG_IOC_SEM_CLEAR
 * @cf: the file
 * @arg: struct xmsg_handle_op
 * @cmd: the command
 *
 * Context: process context.
 * Return: 0; -EFAULT, -EINVAL, -E2BIG; -EBADF; -EACCES; -EPERM (a reply
 * handle); -EIDRM.
 */
long xmsg_cdev_ioc_sem_clear(struct xmsg_file *cf, void __user *arg,
			     unsigned int cmd)
{
	struct xmsg_obj *obj;
	int err;

	obj = xmsg_cdev_clear_target(cf, arg, cmd, XMSG_TYPE_SEM);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	err = xmsg_sem_clear(xmsg_obj_sem(obj));
	xmsg_obj_put(obj);
	return err;
}
