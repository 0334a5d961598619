// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg_obj: the reference counted head of exchanges and semaphores, and
 * init/exit of the ipc layer.
 *
 * Locking
 * -------
 * @xmsg_obj.ref is a kref: get and put from any context.  The last put
 * frees the object through its type's free function, which must not
 * sleep (the last put may come from xmsg_msg_rel() of a message whose
 * reply handle names the object, in any context).
 */
#include <linux/debugfs.h>
#include <linux/module.h>
#include "xmsg_ipc_priv.h"

static void xmsg_obj_release(struct kref *ref)
{
	struct xmsg_obj *obj = container_of(ref, struct xmsg_obj, ref);

	switch (obj->type) {
	case XMSG_TYPE_XCHG:
		xmsg_xchg_free(obj);
		break;
	case XMSG_TYPE_SEM:
		xmsg_sem_free(obj);
		break;
	}
}

/**
 * xmsg_obj_get - take a reference on an exchange or semaphore
 * @obj: the object, or NULL (no-op)
 *
 * The caller must already hold a reference (or know the object alive).
 *
 * Context: any context.
 */
void xmsg_obj_get(struct xmsg_obj *obj)
{
	if (obj)
		kref_get(&obj->ref);
}
EXPORT_SYMBOL_NS_GPL(xmsg_obj_get, XMSG_NS);

/**
 * xmsg_obj_put - drop a reference on an exchange or semaphore
 * @obj: the object, or NULL (no-op)
 *
 * The object is freed with the last reference.  Destroying it (dropping
 * the creator's reference) is xmsg_xchg_destroy() / xmsg_sem_destroy().
 *
 * Context: any context.
 */
void xmsg_obj_put(struct xmsg_obj *obj)
{
	if (obj)
		kref_put(&obj->ref, xmsg_obj_release);
}
EXPORT_SYMBOL_NS_GPL(xmsg_obj_put, XMSG_NS);

/**
 * xmsg_obj_dead - has an exchange or semaphore been destroyed?
 * @obj: the object
 *
 * Context: any context.
 * Return: true once xmsg_xchg_destroy() / xmsg_sem_destroy() has run.
 */
bool xmsg_obj_dead(struct xmsg_obj *obj)
{
	switch (obj->type) {
	case XMSG_TYPE_XCHG:
		return xmsg_xchg_dead(xmsg_obj_xchg(obj));
	case XMSG_TYPE_SEM:
		return xmsg_sem_dead(xmsg_obj_sem(obj));
	}
	return true;
}
EXPORT_SYMBOL_NS_GPL(xmsg_obj_dead, XMSG_NS);

static struct dentry *xmsg_ipc_dbg_xchg, *xmsg_ipc_dbg_sem;

/**
 * xmsg_ipc_init - bring up the ipc layer (debugfs files)
 * @root: the module's debugfs directory (an ERR_PTR when debugfs is
 *	unavailable)
 *
 * Context: process context, module init.
 * Return: 0 (debugfs is optional).
 */
int xmsg_ipc_init(struct dentry *root)
{
	if (IS_ERR_OR_NULL(root))
		return 0;
	xmsg_ipc_dbg_xchg = xmsg_xchg_debugfs_create(root);
	xmsg_ipc_dbg_sem = xmsg_sem_debugfs_create(root);
	return 0;
}

/**
 * xmsg_ipc_exit - tear down the ipc layer
 *
 * Every exchange and semaphore should be gone by now (their users are
 * other modules or open files, which pin this module).
 *
 * Context: process context, module exit.
 */
void xmsg_ipc_exit(void)
{
	debugfs_remove(xmsg_ipc_dbg_sem);
	debugfs_remove(xmsg_ipc_dbg_xchg);
	xmsg_ipc_dbg_sem = NULL;
	xmsg_ipc_dbg_xchg = NULL;
}
