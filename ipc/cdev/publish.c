// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg registry, kernel side: a kernel module (e.g. the NIC sample,
 * net/xmsg_nic.c) names a pool or an exchange it created, so that user
 * processes open it through /dev/xmsg (XMSG_IOC_OPEN) like an object
 * another process created.
 *
 * A published object is owned by the publishing task's fsuid/fsgid, has
 * the mode given, lives in the publishing task's IPC namespace and is not
 * charged to any user's limits.  Users with the right to (the owner, or
 * CAP_IPC_OWNER) may XMSG_IOC_DESTROY it like any object: a destroyed
 * exchange refuses the module's sends from then on (-EIDRM); a destroyed
 * pool only stops serving users, the module keeps getting blocks from it.
 *
 * A published pool is from then on destroyed by the registry, with the
 * last reference to its object (the publisher's, the name's, user
 * handles); the publisher must not destroy it itself.  xmsg_reg_unpublish()
 * first closes it to users (no more gets, no new mappings), and drops the
 * publisher's reference only once no block is out and no mapping is left,
 * so the pool is always idle when it is destroyed.
 *
 * A publisher that hands out memory with a release callback of its own
 * (the external body of a zero-copy message, the zero-copy completion of
 * an skb) wraps the callback in a struct xmsg_mod_cb (or struct
 * xmsg_mod_ubuf): the callback that the core or the network stack calls
 * is then code of xmsg.ko, which runs the publisher's and only after it
 * returns drops the module reference taken for it.  So the publisher's
 * text stays mapped for as long as its callback may run, and its module
 * cannot be unloaded before.
 *
 * Locking
 * -------
 * As in registry.c: xmsg_reg_lock (mutex) around the name table; a pool's
 * uobj rwsem (write) around marking it dead, taken before and never
 * inside xmsg_reg_lock.  Every function here may sleep.
 */
#include <linux/capability.h>
#include <linux/ipc_namespace.h>
#include <linux/module.h>
#include <linux/nsproxy.h>
#include <linux/sched.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <xmsg/registry.h>
#include "cdev.h"

/*
 * Name prefixes of kernel publishers: "nic." for net/xmsg_nic.c, which
 * publishes "nic.<dev>", "nic.<dev>.rx", ".tx" and ".free" at attach.
 */
static const char * const xmsg_reg_kernel_prefixes[] = {
	"nic.",
};

/**
 * xmsg_reg_name_reserved() - may the caller not create an object of @name?
 * @name: a name that passed xmsg_cdev_name_check()
 *
 * Names starting with a kernel publisher's prefix ("nic.") are kept for
 * that publisher, so that nobody makes its publish fail with -EEXIST by
 * creating one of its names first.  A task with CAP_NET_ADMIN over the
 * user namespace owning its IPC namespace (where the object would be
 * named) may still create them: it may attach and detach devices anyway.
 * Opening an existing object of such a name is not restricted here (its
 * mode decides).  The user create ioctls (pools, exchanges, semaphores)
 * call this after validating the name and fail with -EPERM when it
 * returns true.
 *
 * Context: process context (ns_capable() on the current task).
 * Return: true when @name is reserved and the caller may not create it,
 * false otherwise.
 */
bool xmsg_reg_name_reserved(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(xmsg_reg_kernel_prefixes); i++) {
		const char *p = xmsg_reg_kernel_prefixes[i];

		if (!strncmp(name, p, strlen(p)))
			return !ns_capable(current->nsproxy->ipc_ns->user_ns,
					   CAP_NET_ADMIN);
	}
	return false;
}
EXPORT_SYMBOL_NS_GPL(xmsg_reg_name_reserved, XMSG_NS);

/* Name @uobj in the current IPC namespace; the name takes a reference. */
static int xmsg_cdev_reg_publish(struct xmsg_cdev_obj *uobj)
{
	struct ipc_namespace *ns = current->nsproxy->ipc_ns;
	struct xmsg_cdev_obj *old;
	int err;

	mutex_lock(&xmsg_reg_lock);
	old = __xmsg_cdev_reg_lookup(ns, uobj->type, uobj->name);
	err = old ? -EEXIST : __xmsg_cdev_reg_insert(ns, uobj);
	mutex_unlock(&xmsg_reg_lock);
	xmsg_cdev_obj_put(old);
	return err;
}

/* A new object for @name, after the checks common to both types. */
static struct xmsg_cdev_obj *xmsg_cdev_reg_obj_new(u32 type, const char *name,
						   umode_t mode)
{
	char buf[XMSG_NAME_MAX] = {};
	struct xmsg_cdev_obj *uobj;
	int err;

	might_sleep();
	if (!name || strscpy(buf, name, sizeof(buf)) < 0 || (mode & ~0777))
		return ERR_PTR(-EINVAL);
	err = xmsg_cdev_name_check(buf, false);
	if (err)
		return ERR_PTR(err);
	uobj = xmsg_cdev_obj_alloc(type, buf, mode);
	return uobj ? uobj : ERR_PTR(-ENOMEM);
}

/**
 * xmsg_reg_publish_pool() - give a kernel-created pool a name
 * @name: the name, as for XMSG_IOC_POOL_CREATE (1 to XMSG_NAME_MAX - 1
 *	bytes of [A-Za-z0-9._-], not starting with '.')
 * @mode: permission bits (0 to 0777); the owner is the caller's fsuid/fsgid
 * @pool: the pool.  On success the registry destroys it with the last
 *	reference to the returned object; the caller keeps using it until
 *	xmsg_reg_unpublish() succeeds and must never destroy it itself.
 *
 * The name is made in the caller's IPC namespace.  The object is not
 * charged to the caller's per-user limits.
 *
 * Context: process context, may sleep.  Takes xmsg_reg_lock.
 * Return: the pool's object, with a reference for the caller (give it back
 * with xmsg_reg_unpublish()); ERR_PTR(-EINVAL) for a NULL @pool, a NULL
 * or invalid @name or bits outside 0777 in @mode; ERR_PTR(-EEXIST) when
 * a pool of that name exists in the namespace; ERR_PTR(-ENOSPC) when the
 * namespace has no id left; ERR_PTR(-ENOMEM).  On error nothing changed
 * and the caller still owns @pool.
 */
struct xmsg_cdev_obj *xmsg_reg_publish_pool(const char *name, umode_t mode,
					    struct xmsg_pool *pool)
{
	struct xmsg_cdev_obj *uobj;
	int err;

	if (!pool)
		return ERR_PTR(-EINVAL);
	uobj = xmsg_cdev_reg_obj_new(XMSG_TYPE_POOL, name, mode);
	if (IS_ERR(uobj))
		return uobj;
	uobj->pool = pool;
	err = xmsg_cdev_reg_publish(uobj);
	if (err) {
		/* the pool stays the caller's */
		xmsg_cdev_obj_discard(uobj);
		return ERR_PTR(err);
	}
	return uobj;
}
EXPORT_SYMBOL_NS_GPL(xmsg_reg_publish_pool, XMSG_NS);

/**
 * xmsg_reg_publish_xchg() - give a kernel-created exchange a name
 * @name: the name, as for XMSG_IOC_XCHG_CREATE (not empty)
 * @mode: permission bits (0 to 0777); the owner is the caller's fsuid/fsgid
 * @xchg: the exchange; the object takes a reference of its own.  The
 *	caller still destroys it (xmsg_xchg_destroy()) when done, and must
 *	do so *before* xmsg_reg_unpublish(): the last reference to the
 *	object destroys an exchange still alive (dropping its creator's
 *	reference, so the caller's pointer may then be freed at any time).
 *
 * The name is made in the caller's IPC namespace.  The object is not
 * charged to the caller's per-user limits.
 *
 * Context: process context, may sleep.  Takes xmsg_reg_lock.
 * Return: the exchange's object, with a reference for the caller (give it
 * back with xmsg_reg_unpublish()); ERR_PTR(-EINVAL) for a NULL @xchg, a
 * NULL or invalid @name or bits outside 0777 in @mode; ERR_PTR(-EEXIST)
 * when an exchange of that name exists in the namespace;
 * ERR_PTR(-ENOSPC) when the namespace has no id left; ERR_PTR(-ENOMEM).
 * On error nothing changed.
 */
struct xmsg_cdev_obj *xmsg_reg_publish_xchg(const char *name, umode_t mode,
					    struct xmsg_xchg *xchg)
{
	struct xmsg_cdev_obj *uobj;
	int err;

	if (!xchg)
		return ERR_PTR(-EINVAL);
	uobj = xmsg_cdev_reg_obj_new(XMSG_TYPE_XCHG, name, mode);
	if (IS_ERR(uobj))
		return uobj;
	uobj->obj = xmsg_xchg_obj(xchg);
	xmsg_obj_get(uobj->obj);
	err = xmsg_cdev_reg_publish(uobj);
	if (err) {
		xmsg_obj_put(uobj->obj);
		xmsg_cdev_obj_discard(uobj);
		return ERR_PTR(err);
	}
	return uobj;
}
EXPORT_SYMBOL_NS_GPL(xmsg_reg_publish_xchg, XMSG_NS);

/* Mark a published pool dead for users; is it idle (no block, no map)? */
static bool xmsg_cdev_reg_pool_close(struct xmsg_cdev_obj *uobj)
{
	struct xmsg_pool_stats st;

	down_write(&uobj->rwsem);
	uobj->dead = true;
	xmsg_pool_close(uobj->pool);
	xmsg_pool_get_stats(uobj->pool, &st);
	up_write(&uobj->rwsem);
	return !st.in_use && !st.mapped;
}

/**
 * xmsg_reg_unpublish() - remove a name and give back the publisher's object
 * @uobj: from xmsg_reg_publish_pool() or xmsg_reg_publish_xchg(), or NULL
 *
 * The name goes at once (it may be published again).  Users that opened
 * the object keep their handles; the object goes with the last of them.
 * An exchange is then destroyed if its creator has not done so.
 *
 * A pool is first closed to users: their gets and new mappings fail with
 * -EIDRM from now on.  While blocks of it are still out (messages users
 * hold, skbs in flight) or a mapping of it exists, the caller's reference
 * is kept and -EBUSY returned: call again later (nothing else is needed;
 * repeating is harmless).  Once it returns 0 the caller must not touch
 * the pool again.
 *
 * Context: process context, may sleep.  Takes the pool's rwsem and
 * xmsg_reg_lock.
 * Return: 0 when the caller's reference is dropped (also for NULL),
 * -EBUSY for a pool that is not idle yet (the caller keeps @uobj).
 */
int xmsg_reg_unpublish(struct xmsg_cdev_obj *uobj)
{
	bool named, idle = true;

	if (!uobj)
		return 0;
	might_sleep();
	if (uobj->type == XMSG_TYPE_POOL)
		idle = xmsg_cdev_reg_pool_close(uobj);
	mutex_lock(&xmsg_reg_lock);
	named = uobj->reg;
	__xmsg_cdev_reg_unlink(uobj);
	mutex_unlock(&xmsg_reg_lock);
	if (named)
		xmsg_cdev_obj_put(uobj);	/* the name's reference */
	if (!idle)
		return -EBUSY;
	xmsg_cdev_obj_put(uobj);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(xmsg_reg_unpublish, XMSG_NS);

/**
 * xmsg_mod_cb_call() - run a module's callback, then drop its reference
 * @ctx: a struct xmsg_mod_cb whose @owner reference was taken with
 *	try_module_get() when the callback was armed
 *
 * Calls @ctx->fn(@ctx) (which may free @ctx), then module_put() on the
 * owner, from this module's text: the owner cannot be unloaded before
 * its callback has returned.  Has the type of struct xmsg_ext_body's
 * @release, with @ctx as its @ctx.
 *
 * Context: whatever context @fn allows; this adds none of its own.
 */
void xmsg_mod_cb_call(void *ctx)
{
	struct xmsg_mod_cb *cb = ctx;
	struct module *owner = cb->owner;

	cb->fn(cb);
	module_put(owner);
}
EXPORT_SYMBOL_NS_GPL(xmsg_mod_cb_call, XMSG_NS);

/**
 * xmsg_mod_ubuf_done() - zero-copy completion of a struct xmsg_mod_ubuf
 * @skb: the skb whose data is being freed, or NULL
 * @ubuf: &struct xmsg_mod_ubuf.ubuf
 * @zerocopy_success: false when the frags were copied first
 *
 * The completion of xmsg_mod_ubuf_ops: runs once per skb that
 * references @ubuf; the last one calls xmsg_mod_cb_call() on its @cb.
 *
 * Context: any context (softirq, process, interrupts disabled).
 */
void xmsg_mod_ubuf_done(struct sk_buff *skb, struct ubuf_info *ubuf,
			bool zerocopy_success)
{
	struct xmsg_mod_ubuf *mu = container_of(ubuf, struct xmsg_mod_ubuf,
						ubuf);

	if (refcount_dec_and_test(&ubuf->refcnt))
		xmsg_mod_cb_call(&mu->cb);
}
EXPORT_SYMBOL_NS_GPL(xmsg_mod_ubuf_done, XMSG_NS);

/* The zero-copy ops of a struct xmsg_mod_ubuf: see xmsg_mod_ubuf_done(). */
const struct xmsg_ubuf_ops xmsg_mod_ubuf_ops = {
	.complete = xmsg_mod_ubuf_done,
};
EXPORT_SYMBOL_NS_GPL(xmsg_mod_ubuf_ops, XMSG_NS);
