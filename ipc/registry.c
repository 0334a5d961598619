// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg named objects: the pools, exchanges and semaphores user space
 * creates through /dev/xmsg, their names (one registry per IPC namespace),
 * permissions and per-user limits.
 *
 * A registry is keyed by its IPC namespace and holds a reference on it
 * (get_ipc_ns()) while it names anything, so a namespace pointer is never
 * reused under us.  put_ipc_ns() is not exported to modules: an emptied
 * registry drops its reference only when it is not the last one
 * (refcount_dec_not_one()); otherwise it keeps it until the next use or
 * module unload.
 *
 * Locking
 * -------
 * xmsg_reg_lock (mutex) protects every registry (list, id tables, name
 * hashes), the @reg/@id/@hnode members of every struct xmsg_uobj and the
 * @dead flag of exchanges and semaphores.  A pool's @dead is set under its
 * @rwsem held for writing.  xmsg_user_lock (spinlock) protects the
 * per-user counters; it nests inside nothing and nothing nests inside it.
 * A uobj's last reference is dropped in process context (handle close,
 * file release, poll fd release), never under a lock of ours.
 */
#include <linux/capability.h>
#include <linux/ctype.h>
#include <linux/cred.h>
#include <linux/hashtable.h>
#include <linux/ipc_namespace.h>
#include <linux/nsproxy.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/stringhash.h>
#include <linux/user_namespace.h>
#include "xmsg_chardev.h"

#define XMSG_REG_HASH_BITS	6

/**
 * struct xmsg_ureg - the named objects of one IPC namespace
 * @ns: the namespace (a reference while @nr > 0)
 * @link: on xmsg_regs
 * @ids: id -> struct xmsg_uobj, for XMSG_IOC_LIST cursors
 * @names: name hash
 * @nr: objects named
 * @pinned: we hold a reference on @ns
 */
struct xmsg_ureg {
	struct ipc_namespace *ns;
	struct list_head link;
	struct xarray ids;
	DECLARE_HASHTABLE(names, XMSG_REG_HASH_BITS);
	u32 nr;
	bool pinned;
};

/**
 * struct xmsg_user - what one user has created
 * @uid: the user
 * @link: on xmsg_users
 * @pools: pools
 * @objects: exchanges and semaphores
 * @bytes: pool region bytes
 */
struct xmsg_user {
	kuid_t uid;
	struct list_head link;
	u32 pools;
	u32 objects;
	u64 bytes;
};

/* Protects every registry and the naming members of every uobj. */
DEFINE_MUTEX(xmsg_reg_lock);
static LIST_HEAD(xmsg_regs);
static DEFINE_SPINLOCK(xmsg_user_lock);
static LIST_HEAD(xmsg_users);

/**
 * xmsg_name_check() - validate a name from user space
 * @name: char[XMSG_NAME_MAX]
 * @may_be_empty: an all-zero name (anonymous object) is fine
 *
 * Context: any context.
 * Return: 0, or -EINVAL when @name is empty (and may not be), has no NUL,
 * a byte outside [A-Za-z0-9._-], starts with '.', or a non-zero byte after
 * its NUL.
 */
int xmsg_name_check(const char *name, bool may_be_empty)
{
	size_t len = strnlen(name, XMSG_NAME_MAX);
	size_t i;

	if (len == XMSG_NAME_MAX || (!len && !may_be_empty) || name[0] == '.')
		return -EINVAL;
	for (i = 0; i < len; i++)
		if (!isalnum(name[i]) && !strchr("._-", name[i]))
			return -EINVAL;
	for (i = len; i < XMSG_NAME_MAX; i++)
		if (name[i])
			return -EINVAL;
	return 0;
}

static struct xmsg_user *xmsg_user_find(kuid_t uid)
{
	struct xmsg_user *u;

	list_for_each_entry(u, &xmsg_users, link)
		if (uid_eq(u->uid, uid))
			return u;
	return NULL;
}

/* Charge @uobj (not yet charged) to the current fsuid. */
static int xmsg_user_charge(struct xmsg_uobj *uobj, u64 bytes)
{
	struct xmsg_user *u, *fresh;
	kuid_t uid = current_fsuid();
	bool pool = uobj->type == XMSG_TYPE_POOL;
	int err = 0;

	fresh = kzalloc(sizeof(*fresh), GFP_KERNEL_ACCOUNT);
	if (!fresh)
		return -ENOMEM;
	spin_lock(&xmsg_user_lock);
	u = xmsg_user_find(uid);
	if (!u) {
		u = fresh;
		fresh = NULL;
		u->uid = uid;
		list_add(&u->link, &xmsg_users);
	}
	if (pool && u->pools >= xmsg_max_pools)
		err = -EMFILE;
	else if (!pool && u->objects >= xmsg_max_objects)
		err = -EMFILE;
	else if (bytes > xmsg_max_pool_bytes ||
		 u->bytes > xmsg_max_pool_bytes - bytes)
		err = -ENOSPC;
	if (!err) {
		if (pool)
			u->pools++;
		else
			u->objects++;
		u->bytes += bytes;
		uobj->user = u;
		uobj->charge = bytes;
	} else if (!u->pools && !u->objects) {
		list_del(&u->link);
		fresh = u;
	}
	spin_unlock(&xmsg_user_lock);
	kfree(fresh);
	return err;
}

static void xmsg_user_uncharge(struct xmsg_uobj *uobj)
{
	struct xmsg_user *u = uobj->user;

	if (!u)
		return;
	spin_lock(&xmsg_user_lock);
	if (uobj->type == XMSG_TYPE_POOL)
		u->pools--;
	else
		u->objects--;
	u->bytes -= uobj->charge;
	if (!u->pools && !u->objects)
		list_del(&u->link);
	else
		u = NULL;
	spin_unlock(&xmsg_user_lock);
	kfree(u);
	uobj->user = NULL;
}

/**
 * xmsg_uobj_alloc() - a new, empty user object
 * @type: XMSG_TYPE_POOL, XMSG_TYPE_XCHG or XMSG_TYPE_SEM
 * @name: its (checked) name, "" for anonymous
 * @mode: permission bits
 *
 * Owned by the caller's fsuid/fsgid.  The caller sets @pool or @obj, then
 * charges it (xmsg_uobj_charge()).
 *
 * Context: process context.
 * Return: the object with one reference, or NULL (no memory).
 */
struct xmsg_uobj *xmsg_uobj_alloc(u32 type, const char *name, umode_t mode)
{
	struct xmsg_uobj *uobj = kzalloc(sizeof(*uobj), GFP_KERNEL_ACCOUNT);

	if (!uobj)
		return NULL;
	kref_init(&uobj->ref);
	uobj->type = type;
	uobj->mode = mode;
	uobj->uid = current_fsuid();
	uobj->gid = current_fsgid();
	strscpy(uobj->name, name, sizeof(uobj->name));
	INIT_HLIST_NODE(&uobj->hnode);
	init_rwsem(&uobj->rwsem);
	return uobj;
}

/**
 * xmsg_uobj_charge() - charge a new object to the current user
 * @uobj: the object, not charged yet
 * @bytes: pool region bytes (0 for exchanges and semaphores)
 *
 * Context: process context.
 * Return: 0; -EMFILE when the user has xmsg_max_pools pools (or
 * xmsg_max_objects exchanges and semaphores); -ENOSPC when @bytes would
 * take the user above xmsg_max_pool_bytes; -ENOMEM.
 */
int xmsg_uobj_charge(struct xmsg_uobj *uobj, u64 bytes)
{
	return xmsg_user_charge(uobj, bytes);
}

/**
 * xmsg_uobj_get() - take a reference on a user object
 * @uobj: the object (the caller holds a reference or xmsg_reg_lock)
 *
 * Context: any context.
 */
void xmsg_uobj_get(struct xmsg_uobj *uobj)
{
	kref_get(&uobj->ref);
}

static void xmsg_uobj_release(struct kref *ref)
{
	struct xmsg_uobj *uobj = container_of(ref, struct xmsg_uobj, ref);
	int err;

	switch (uobj->type) {
	case XMSG_TYPE_POOL:
		err = xmsg_pool_destroy(uobj->pool);
		if (err)	/* only if our accounting is wrong */
			pr_warn_ratelimited("xmsg: pool %s leaked (%d)\n",
					    uobj->name, err);
		break;
	case XMSG_TYPE_XCHG:
		if (uobj->obj && !xmsg_obj_dead(uobj->obj))
			xmsg_xchg_destroy(xmsg_obj_xchg(uobj->obj));
		xmsg_obj_put(uobj->obj);
		break;
	case XMSG_TYPE_SEM:
		if (uobj->obj && !xmsg_obj_dead(uobj->obj))
			xmsg_sem_destroy(xmsg_obj_sem(uobj->obj));
		xmsg_obj_put(uobj->obj);
		break;
	}
	xmsg_user_uncharge(uobj);
	kfree(uobj);
}

/**
 * xmsg_uobj_put() - drop a reference on a user object
 * @uobj: the object, or NULL
 *
 * The last reference destroys what it wraps if XMSG_IOC_DESTROY has not
 * (an anonymous exchange or semaphore), frees a destroyed pool, and
 * uncharges the user.
 *
 * Context: process context, may sleep; no xmsg lock held.
 */
void xmsg_uobj_put(struct xmsg_uobj *uobj)
{
	if (uobj)
		kref_put(&uobj->ref, xmsg_uobj_release);
}

static struct ipc_namespace *xmsg_uobj_ns(void)
{
	return current->nsproxy->ipc_ns;
}

/**
 * xmsg_uobj_perm() - may the current task open an object with @access?
 * @uobj: the object
 * @access: XMSG_ACC_* wanted
 *
 * Like ipcperms(): the owner's, group's or others' bits of the mode, by
 * fsuid and groups; CAP_IPC_OWNER in the namespace's user namespace
 * overrides.
 *
 * Context: process context.
 * Return: 0, or -EACCES.
 */
int xmsg_uobj_perm(struct xmsg_uobj *uobj, u32 access)
{
	int want = 0, granted = uobj->mode;

	if (access & XMSG_ACC_READ)
		want |= 4;
	if (access & XMSG_ACC_WRITE)
		want |= 2;
	if (uid_eq(current_fsuid(), uobj->uid))
		granted >>= 6;
	else if (in_group_p(uobj->gid))
		granted >>= 3;
	if ((want & ~granted & 7) &&
	    !ns_capable(xmsg_uobj_ns()->user_ns, CAP_IPC_OWNER))
		return -EACCES;
	return 0;
}

/**
 * xmsg_uobj_may_destroy() - may the current task destroy @uobj?
 * @uobj: the object
 *
 * Context: process context.
 * Return: true for its owner (fsuid) or with CAP_IPC_OWNER.
 */
bool xmsg_uobj_may_destroy(struct xmsg_uobj *uobj)
{
	return uid_eq(current_fsuid(), uobj->uid) ||
	       ns_capable(xmsg_uobj_ns()->user_ns, CAP_IPC_OWNER);
}

static struct xmsg_ureg *__xmsg_reg_find(struct ipc_namespace *ns)
{
	struct xmsg_ureg *reg;

	lockdep_assert_held(&xmsg_reg_lock);
	list_for_each_entry(reg, &xmsg_regs, link)
		if (reg->ns == ns)
			return reg;
	return NULL;
}

static u32 xmsg_name_hash(u32 type, const char *name)
{
	return full_name_hash(NULL, name, strlen(name)) ^ type;
}

/**
 * __xmsg_reg_lookup() - find a named object
 * @ns: IPC namespace
 * @type: XMSG_TYPE_POOL, _XCHG or _SEM
 * @name: a valid, non-empty name
 *
 * Context: xmsg_reg_lock held.
 * Return: the object with a new reference, or NULL.
 */
struct xmsg_uobj *__xmsg_reg_lookup(struct ipc_namespace *ns, u32 type,
				    const char *name)
{
	struct xmsg_ureg *reg = __xmsg_reg_find(ns);
	struct xmsg_uobj *uobj;

	if (!reg)
		return NULL;
	hash_for_each_possible(reg->names, uobj, hnode,
			       xmsg_name_hash(type, name)) {
		if (uobj->type == type && !strcmp(uobj->name, name)) {
			xmsg_uobj_get(uobj);
			return uobj;
		}
	}
	return NULL;
}

static void __xmsg_reg_maybe_free(struct xmsg_ureg *reg)
{
	if (reg->nr)
		return;
	if (reg->pinned && refcount_dec_not_one(&reg->ns->ns.count))
		reg->pinned = false;
	if (reg->pinned)	/* we would be the last: keep it for later */
		return;
	list_del(&reg->link);
	xa_destroy(&reg->ids);
	kfree(reg);
}

/**
 * __xmsg_reg_insert() - name an object in a namespace
 * @ns: IPC namespace
 * @uobj: the object, with a name not in use there; the registry takes a
 *	reference
 *
 * Context: xmsg_reg_lock held.
 * Return: 0, or -ENOMEM.
 */
int __xmsg_reg_insert(struct ipc_namespace *ns, struct xmsg_uobj *uobj)
{
	struct xmsg_ureg *reg = __xmsg_reg_find(ns);
	int err;

	lockdep_assert_held(&xmsg_reg_lock);
	if (!reg) {
		reg = kzalloc(sizeof(*reg), GFP_KERNEL_ACCOUNT);
		if (!reg)
			return -ENOMEM;
		reg->ns = ns;
		xa_init_flags(&reg->ids, XA_FLAGS_ALLOC1);
		hash_init(reg->names);
		list_add(&reg->link, &xmsg_regs);
	}
	err = xa_alloc(&reg->ids, &uobj->id, uobj, xa_limit_32b,
		       GFP_KERNEL_ACCOUNT);
	if (err) {
		__xmsg_reg_maybe_free(reg);
		return err == -EBUSY ? -ENOSPC : err;
	}
	if (!reg->pinned && IS_ENABLED(CONFIG_IPC_NS)) {
		get_ipc_ns(ns);
		reg->pinned = true;
	}
	hash_add(reg->names, &uobj->hnode, xmsg_name_hash(uobj->type,
							  uobj->name));
	reg->nr++;
	uobj->reg = reg;
	xmsg_uobj_get(uobj);
	return 0;
}

/**
 * __xmsg_reg_unlink() - remove an object's name
 * @uobj: the object; a no-op when it is not named
 *
 * The registry's reference passes to the caller, who must drop it with
 * xmsg_uobj_put() after dropping xmsg_reg_lock.
 *
 * Context: xmsg_reg_lock held.
 */
void __xmsg_reg_unlink(struct xmsg_uobj *uobj)
{
	struct xmsg_ureg *reg = uobj->reg;

	lockdep_assert_held(&xmsg_reg_lock);
	if (!reg)
		return;
	hash_del(&uobj->hnode);
	xa_erase(&reg->ids, uobj->id);
	uobj->reg = NULL;
	reg->nr--;
	__xmsg_reg_maybe_free(reg);
}

/**
 * xmsg_reg_list() - list named objects
 * @ns: IPC namespace
 * @type: 0 for all, or one XMSG_TYPE_POOL, _XCHG, _SEM
 * @cursor: in: first id; out: next id to ask for, 0 when done
 * @ents: room for *@count entries
 * @count: in: room; out: entries written
 *
 * Context: process context, takes xmsg_reg_lock.
 * Return: 0.
 */
int xmsg_reg_list(struct ipc_namespace *ns, u32 type, u64 *cursor,
		  struct xmsg_list_entry *ents, u32 *count)
{
	struct user_namespace *uns = current_user_ns();
	struct xmsg_uobj *uobj;
	struct xmsg_ureg *reg;
	unsigned long id;
	u32 n = 0;

	mutex_lock(&xmsg_reg_lock);
	reg = __xmsg_reg_find(ns);
	if (!reg || *cursor > U32_MAX) {
		*cursor = 0;
		goto out;
	}
	id = *cursor;
	*cursor = 0;
	xa_for_each_start(&reg->ids, id, uobj, id) {
		if (type && uobj->type != type)
			continue;
		if (n == *count) {
			*cursor = id;
			break;
		}
		ents[n].type = uobj->type;
		ents[n].mode = uobj->mode;
		ents[n].uid = from_kuid_munged(uns, uobj->uid);
		ents[n].gid = from_kgid_munged(uns, uobj->gid);
		memcpy(ents[n].name, uobj->name, XMSG_NAME_MAX);
		ents[n].id = id;
		n++;
	}
out:
	mutex_unlock(&xmsg_reg_lock);
	*count = n;
	return 0;
}

/**
 * xmsg_reg_exit() - destroy every object still named, at module unload
 *
 * Context: process context, module exit.  No file of /dev/xmsg is open any
 * more (each one pins the module), so only the registries hold references.
 * Exchanges and semaphores go first: they may hold messages whose bodies
 * are in pools.
 */
void xmsg_reg_exit(void)
{
	struct xmsg_ureg *reg, *rtmp;
	struct xmsg_uobj *uobj, *u;
	unsigned long id;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		for (;;) {
			uobj = NULL;
			mutex_lock(&xmsg_reg_lock);
			list_for_each_entry(reg, &xmsg_regs, link) {
				xa_for_each(&reg->ids, id, u) {
					if (pass == !!(u->type == XMSG_TYPE_POOL)) {
						uobj = u;
						break;
					}
				}
				if (uobj)
					break;
			}
			if (uobj) {
				uobj->dead = true;
				__xmsg_reg_unlink(uobj);
			}
			mutex_unlock(&xmsg_reg_lock);
			if (!uobj)
				break;
			xmsg_uobj_put(uobj);
		}
	}
	mutex_lock(&xmsg_reg_lock);
	list_for_each_entry_safe(reg, rtmp, &xmsg_regs, link) {
		if (reg->pinned && !refcount_dec_not_one(&reg->ns->ns.count))
			pr_warn("xmsg: leaving an IPC namespace pinned\n");
		list_del(&reg->link);
		xa_destroy(&reg->ids);
		kfree(reg);
	}
	mutex_unlock(&xmsg_reg_lock);
}
