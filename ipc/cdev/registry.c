// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg named objects: the pools, heaps, exchanges and semaphores user space
 * creates through /dev/xmsg, their names (one registry per IPC namespace),
 * permissions and per-user limits.
 *
 * A registry is keyed by its IPC namespace and holds a reference on it
 * (get_ipc_ns()) while it names anything, so a namespace pointer is never
 * reused under us.  The reference is dropped through the namespace's own
 * operations (ns.ops->put(), what nsfs does; put_ipc_ns() is not exported
 * to modules) when the registry empties.
 *
 * Names live as long as their namespace can be reached.  When the
 * registry's reference is the last one (no task lives in the namespace and
 * no nsfs file or bind mount names it), nobody can ever look a name up
 * again: xmsg_cdev_reg_reap() unlinks every name there, and the registry lets
 * the namespace go.  An exchange or semaphore still held by a handle lives
 * on unnamed, like an unlinked file, and is uncharged from its creator
 * when the last handle closes; a pool (heap) is destroyed once it is idle (no
 * block out, no mapping), as XMSG_IOC_DESTROY would.  The reap runs
 * before every create and whenever a file of /dev/xmsg is released, so a
 * user who loops "unshare -Ui; create" neither pins namespaces nor burns
 * their quota for good.
 *
 * Capabilities (CAP_IPC_OWNER) are checked against the user namespace that
 * owns the IPC namespace an object was created in (@user_ns, recorded at
 * creation), never against the caller's current one: a user who unshares a
 * new user namespace is root there, not over the objects of the old one.
 *
 * Locking
 * -------
 * xmsg_reg_lock (mutex) protects every registry (list, id tables, name
 * hashes), the @reg/@id/@hnode members of every struct xmsg_cdev_obj and the
 * @dead flag of exchanges and semaphores.  A pool's @dead is set under its
 * @rwsem held for writing.  xmsg_user_lock (spinlock) protects the
 * per-user counters; it nests inside nothing and nothing nests inside it.
 * A uobj's last reference is dropped in process context (handle close,
 * file release, poll fd release), never under a lock of ours.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/ctype.h>
#include <linux/cred.h>
#include <linux/hashtable.h>
#include <linux/ipc_namespace.h>
#include <linux/nsproxy.h>
#include <linux/proc_ns.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/stringhash.h>
#include <linux/user_namespace.h>
#include "cdev.h"

#define XMSG_REG_HASH_BITS	6

/**
 * struct xmsg_registry - the named objects of one IPC namespace
 * @ns: the namespace (a reference while @nr > 0)
 * @link: on xmsg_regs
 * @ids: id -> struct xmsg_cdev_obj, for XMSG_IOC_LIST cursors
 * @names: name hash
 * @nr: objects named
 * @pinned: we hold a reference on @ns
 */
struct xmsg_registry {
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
 * @others: other charges (receive rings)
 * @bytes: bytes of kernel memory counted: pool regions and metadata,
 *	exchange queues, receive rings
 */
struct xmsg_user {
	kuid_t uid;
	struct list_head link;
	u32 pools;
	u32 objects;
	u32 others;
	u64 bytes;
};

/* Protects every registry and the naming members of every uobj. */
DEFINE_MUTEX(xmsg_reg_lock);
static LIST_HEAD(xmsg_regs);
static DEFINE_SPINLOCK(xmsg_user_lock);
static LIST_HEAD(xmsg_users);

/**
 * xmsg_cdev_name_check() - validate a name from user space
 * @name: char[XMSG_NAME_MAX]
 * @may_be_empty: an all-zero name (anonymous object) is fine
 *
 * Context: any context.
 * Return: 0, or -EINVAL when @name is empty (and may not be), has no NUL,
 * a byte outside [A-Za-z0-9._-], starts with '.', or a non-zero byte after
 * its NUL.
 */
int xmsg_cdev_name_check(const char *name, bool may_be_empty)
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

static struct xmsg_user *xmsg_cdev_user_find(kuid_t uid)
{
	struct xmsg_user *u;

	list_for_each_entry(u, &xmsg_users, link)
		if (uid_eq(u->uid, uid))
			return u;
	return NULL;
}

/* What one charge is: a pool, an exchange or semaphore, or other bytes. */
enum xmsg_charge_kind {
	XMSG_CHARGE_POOL,
	XMSG_CHARGE_OBJECT,
	XMSG_CHARGE_BYTES,
};

static bool xmsg_cdev_user_idle(const struct xmsg_user *u)
{
	return !u->pools && !u->objects && !u->others;
}

/* Charge one @kind and @bytes to the current fsuid: the user charged. */
static struct xmsg_user *xmsg_cdev_user_charge(enum xmsg_charge_kind kind,
					       u64 bytes)
{
	struct xmsg_user *u, *fresh;
	kuid_t uid = current_fsuid();
	int err = 0;

	fresh = kzalloc(sizeof(*fresh), GFP_KERNEL_ACCOUNT);
	if (!fresh)
		return ERR_PTR(-ENOMEM);
	spin_lock(&xmsg_user_lock);
	u = xmsg_cdev_user_find(uid);
	if (!u) {
		u = fresh;
		fresh = NULL;
		u->uid = uid;
		list_add(&u->link, &xmsg_users);
	}
	if (kind == XMSG_CHARGE_POOL && u->pools >= xmsg_max_pools)
		err = -EMFILE;
	else if (kind == XMSG_CHARGE_OBJECT && u->objects >= xmsg_max_objects)
		err = -EMFILE;
	else if (bytes > xmsg_max_pool_bytes ||
		 u->bytes > xmsg_max_pool_bytes - bytes)
		err = -ENOSPC;
	if (!err) {
		u->pools += kind == XMSG_CHARGE_POOL;
		u->objects += kind == XMSG_CHARGE_OBJECT;
		u->others += kind == XMSG_CHARGE_BYTES;
		u->bytes += bytes;
	} else if (xmsg_cdev_user_idle(u)) {
		list_del(&u->link);
		fresh = u;
	}
	spin_unlock(&xmsg_user_lock);
	kfree(fresh);
	return err ? ERR_PTR(err) : u;
}

static void xmsg_cdev_user_uncharge(struct xmsg_user *u,
				    enum xmsg_charge_kind kind,
				    u64 bytes)
{
	if (!u)
		return;
	spin_lock(&xmsg_user_lock);
	u->pools -= kind == XMSG_CHARGE_POOL;
	u->objects -= kind == XMSG_CHARGE_OBJECT;
	u->others -= kind == XMSG_CHARGE_BYTES;
	u->bytes -= bytes;
	if (xmsg_cdev_user_idle(u))
		list_del(&u->link);
	else
		u = NULL;
	spin_unlock(&xmsg_user_lock);
	kfree(u);
}

static enum xmsg_charge_kind xmsg_uobj_charge_kind(struct xmsg_cdev_obj *uobj)
{
	/* a heap counts as a pool */
	return xmsg_cdev_type_has_region(uobj->type) ? XMSG_CHARGE_POOL :
	       XMSG_CHARGE_OBJECT;
}

/**
 * xmsg_cdev_user_charge_bytes() - count kernel memory against the current user
 * @bytes: bytes the caller is about to make the kernel hold (a receive
 *	ring, say), counted against max_pool_bytes
 *
 * Context: process context.
 * Return: the user charged, to pass to xmsg_cdev_user_uncharge_bytes();
 * ERR_PTR(-ENOSPC) above the limit, ERR_PTR(-ENOMEM).
 */
struct xmsg_user *xmsg_cdev_user_charge_bytes(u64 bytes)
{
	return xmsg_cdev_user_charge(XMSG_CHARGE_BYTES, bytes);
}

/**
 * xmsg_cdev_user_uncharge_bytes() - undo xmsg_cdev_user_charge_bytes()
 * @u: the user it returned, or NULL (a no-op)
 * @bytes: the same bytes
 *
 * Context: any context but hard IRQ; takes xmsg_user_lock.
 */
void xmsg_cdev_user_uncharge_bytes(struct xmsg_user *u, u64 bytes)
{
	xmsg_cdev_user_uncharge(u, XMSG_CHARGE_BYTES, bytes);
}

/**
 * xmsg_cdev_obj_alloc() - a new, empty user object
 * @type: XMSG_TYPE_POOL, XMSG_TYPE_XCHG or XMSG_TYPE_SEM
 * @name: its (checked) name, "" for anonymous
 * @mode: permission bits
 *
 * Owned by the caller's fsuid/fsgid, under the user namespace that owns
 * the caller's IPC namespace.  The caller sets @pool or @obj, then
 * charges it (xmsg_cdev_obj_charge()).
 *
 * Context: process context.
 * Return: the object with one reference, or NULL (no memory).
 */
struct xmsg_cdev_obj *xmsg_cdev_obj_alloc(u32 type, const char *name,
					  umode_t mode)
{
	struct xmsg_cdev_obj *uobj = kzalloc(sizeof(*uobj), GFP_KERNEL_ACCOUNT);

	if (!uobj)
		return NULL;
	kref_init(&uobj->ref);
	uobj->type = type;
	uobj->mode = mode;
	uobj->uid = current_fsuid();
	uobj->gid = current_fsgid();
	uobj->user_ns = get_user_ns(current->nsproxy->ipc_ns->user_ns);
	strscpy(uobj->name, name, sizeof(uobj->name));
	INIT_HLIST_NODE(&uobj->hnode);
	INIT_LIST_HEAD(&uobj->reap_link);
	init_rwsem(&uobj->rwsem);
	return uobj;
}

/**
 * xmsg_cdev_obj_discard() - free a new object that was never charged or named
 * @uobj: from xmsg_cdev_obj_alloc(), with its only reference; what it wraps
 *	stays the caller's
 *
 * Context: process context.
 */
void xmsg_cdev_obj_discard(struct xmsg_cdev_obj *uobj)
{
	WARN_ON_ONCE(uobj->user || uobj->reg || kref_read(&uobj->ref) != 1);
	put_user_ns(uobj->user_ns);
	kfree(uobj);
}

/**
 * xmsg_cdev_obj_charge() - charge a new object to the current user
 * @uobj: the object, not charged yet
 * @bytes: pool region bytes (0 for exchanges and semaphores)
 *
 * Context: process context.
 * Return: 0; -EMFILE when the user has xmsg_max_pools pools (or
 * xmsg_max_objects exchanges and semaphores); -ENOSPC when @bytes would
 * take the user above xmsg_max_pool_bytes; -ENOMEM.
 */
int xmsg_cdev_obj_charge(struct xmsg_cdev_obj *uobj, u64 bytes)
{
	struct xmsg_user *u;

	u = xmsg_cdev_user_charge(xmsg_uobj_charge_kind(uobj), bytes);
	if (IS_ERR(u))
		return PTR_ERR(u);
	uobj->user = u;
	uobj->charge = bytes;
	return 0;
}

/**
 * xmsg_cdev_obj_get() - take a reference on a user object
 * @uobj: the object (the caller holds a reference or xmsg_reg_lock)
 *
 * Context: any context.
 */
void xmsg_cdev_obj_get(struct xmsg_cdev_obj *uobj)
{
	kref_get(&uobj->ref);
}

static void xmsg_cdev_obj_release(struct kref *ref)
{
	struct xmsg_cdev_obj *uobj = container_of(ref, struct xmsg_cdev_obj,
						  ref);
	int err;

	switch (uobj->type) {
	case XMSG_TYPE_POOL:
		err = xmsg_pool_destroy(uobj->pool);
		if (err)	/* only if our accounting is wrong */
			pr_warn_ratelimited("pool %s leaked (%d)\n",
					    uobj->name, err);
		break;
	case XMSG_TYPE_HEAP:
		err = xmsg_heap_destroy(uobj->heap);
		if (err)	/* only if our accounting is wrong */
			pr_warn_ratelimited("heap %s leaked (%d)\n",
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
	xmsg_cdev_user_uncharge(uobj->user, xmsg_uobj_charge_kind(uobj),
				uobj->charge);
	put_user_ns(uobj->user_ns);
	kfree(uobj);
}

/**
 * xmsg_cdev_obj_put() - drop a reference on a user object
 * @uobj: the object, or NULL
 *
 * The last reference destroys what it wraps if XMSG_IOC_DESTROY has not
 * (an anonymous exchange or semaphore), frees a destroyed pool, and
 * uncharges the user.
 *
 * Context: process context, may sleep; no xmsg lock held.
 */
void xmsg_cdev_obj_put(struct xmsg_cdev_obj *uobj)
{
	if (uobj)
		kref_put(&uobj->ref, xmsg_cdev_obj_release);
}

/**
 * xmsg_cdev_obj_perm() - may the current task open an object with @access?
 * @uobj: the object
 * @access: XMSG_ACC_* wanted
 *
 * Like ipcperms(): the owner's, group's or others' bits of the mode, by
 * fsuid and groups; CAP_IPC_OWNER in the user namespace owning the IPC
 * namespace the object was created in overrides.
 *
 * Context: process context.
 * Return: 0, or -EACCES.
 */
int xmsg_cdev_obj_perm(struct xmsg_cdev_obj *uobj, u32 access)
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
	    !ns_capable(uobj->user_ns, CAP_IPC_OWNER))
		return -EACCES;
	return 0;
}

/**
 * xmsg_cdev_obj_may_destroy() - may the current task destroy @uobj?
 * @uobj: the object
 *
 * Context: process context.
 * Return: true for its owner (fsuid) or with CAP_IPC_OWNER over the
 * object's namespace.
 */
bool xmsg_cdev_obj_may_destroy(struct xmsg_cdev_obj *uobj)
{
	return uid_eq(current_fsuid(), uobj->uid) ||
	       ns_capable(uobj->user_ns, CAP_IPC_OWNER);
}

static struct xmsg_registry *__xmsg_cdev_reg_find(struct ipc_namespace *ns)
{
	struct xmsg_registry *reg;

	lockdep_assert_held(&xmsg_reg_lock);
	list_for_each_entry(reg, &xmsg_regs, link)
		if (reg->ns == ns)
			return reg;
	return NULL;
}

static u32 xmsg_cdev_name_hash(u32 type, const char *name)
{
	return full_name_hash(NULL, name, strlen(name)) ^ type;
}

/**
 * __xmsg_cdev_reg_lookup() - find a named object
 * @ns: IPC namespace
 * @type: XMSG_TYPE_POOL, _XCHG or _SEM
 * @name: a valid, non-empty name
 *
 * Context: xmsg_reg_lock held.
 * Return: the object with a new reference, or NULL.
 */
struct xmsg_cdev_obj *__xmsg_cdev_reg_lookup(struct ipc_namespace *ns, u32 type,
					     const char *name)
{
	struct xmsg_registry *reg = __xmsg_cdev_reg_find(ns);
	struct xmsg_cdev_obj *uobj;

	if (!reg)
		return NULL;
	hash_for_each_possible(reg->names, uobj, hnode,
			       xmsg_cdev_name_hash(type, name)) {
		if (uobj->type == type && !strcmp(uobj->name, name)) {
			xmsg_cdev_obj_get(uobj);
			return uobj;
		}
	}
	return NULL;
}

/*
 * Free an empty registry and let its namespace go.  put_ipc_ns() only
 * takes mq_lock (a spinlock) and defers the freeing to a work item, so it
 * is fine under xmsg_reg_lock.
 */
static void __xmsg_cdev_reg_maybe_free(struct xmsg_registry *reg)
{
	lockdep_assert_held(&xmsg_reg_lock);
	if (reg->nr)
		return;
	if (reg->pinned)
		reg->ns->ns.ops->put(&reg->ns->ns);
	list_del(&reg->link);
	xa_destroy(&reg->ids);
	kfree(reg);
}

/* Only our reference keeps @reg's namespace: no name there is reachable. */
static bool __xmsg_cdev_reg_unreachable(struct xmsg_registry *reg)
{
	lockdep_assert_held(&xmsg_reg_lock);
	return reg->pinned && refcount_read(&reg->ns->ns.count) == 1;
}

/*
 * Phase one of the reap: unlink the exchanges and semaphores of
 * unreachable registries onto @out, and queue their pools, with a
 * reference, on @pools.
 */
static void xmsg_cdev_reg_reap_collect(struct hlist_head *out,
				       struct list_head *pools)
{
	struct xmsg_registry *reg, *rtmp;
	struct xmsg_cdev_obj *uobj;
	unsigned long id;
	bool last;

	mutex_lock(&xmsg_reg_lock);
	list_for_each_entry_safe(reg, rtmp, &xmsg_regs, link) {
		if (!__xmsg_cdev_reg_unreachable(reg))
			continue;
		/* the last unlink frees @reg (@rtmp is read already) */
		xa_for_each(&reg->ids, id, uobj) {	/* safe to erase */
			if (xmsg_cdev_type_has_region(uobj->type)) {
				xmsg_cdev_obj_get(uobj);
				list_add_tail(&uobj->reap_link, pools);
				continue;
			}
			last = reg->nr == 1;
			__xmsg_cdev_reg_unlink(uobj);
			/* unhashed now: @hnode is ours until the put */
			hlist_add_head(&uobj->hnode, out);
			if (last)	/* @reg is freed */
				break;
		}
	}
	mutex_unlock(&xmsg_reg_lock);
}

/* Phase two: a pool that is idle now is destroyed and unlinked. */
static void xmsg_cdev_reg_reap_pool(struct xmsg_cdev_obj *uobj)
{
	bool named = false;
	int err;

	err = xmsg_cdev_obj_kill(uobj);
	if (err && err != -EIDRM)
		return;		/* blocks out or mapped: next time */
	mutex_lock(&xmsg_reg_lock);
	if (uobj->reg) {
		named = true;
		__xmsg_cdev_reg_unlink(uobj);
	}
	mutex_unlock(&xmsg_reg_lock);
	if (named)
		xmsg_cdev_obj_put(uobj);	/* the registry's */
}

/**
 * xmsg_cdev_reg_reap() - unlink the names of namespaces nobody can reach
 *
 * A namespace whose only reference is its registry's has no task in it,
 * and no nsfs file or mount of it, so no xmsg lookup can reach it again
 * (lookups go through current->nsproxy; other kernel users of the
 * namespace may still take references, which only makes it reachable
 * again for them, never for us).  Its exchanges and semaphores are
 * unlinked first and their registry references dropped (destroying those
 * no handle holds, which releases what they queued); then each of its
 * pools that is idle is destroyed as by XMSG_IOC_DESTROY and unlinked.
 * A pool with blocks out or mapped stays named, and pins the namespace,
 * until a later reap finds it idle.  The emptied registry drops the
 * namespace.
 *
 * Context: process context, may sleep; takes xmsg_reg_lock and pool
 * rwsems, no xmsg lock held.
 */
void xmsg_cdev_reg_reap(void)
{
	struct xmsg_cdev_obj *uobj, *tmp;
	struct hlist_node *n;
	HLIST_HEAD(reaped);
	LIST_HEAD(pools);

	might_sleep();
	xmsg_cdev_reg_reap_collect(&reaped, &pools);
	hlist_for_each_entry_safe(uobj, n, &reaped, hnode) {
		hlist_del_init(&uobj->hnode);
		xmsg_cdev_obj_put(uobj);
	}
	list_for_each_entry_safe(uobj, tmp, &pools, reap_link) {
		list_del(&uobj->reap_link);
		xmsg_cdev_reg_reap_pool(uobj);
		xmsg_cdev_obj_put(uobj);
	}
}

/**
 * __xmsg_cdev_reg_insert() - name an object in a namespace
 * @ns: IPC namespace
 * @uobj: the object, with a name not in use there; the registry takes a
 *	reference
 *
 * Context: xmsg_reg_lock held.
 * Return: 0, or -ENOMEM.
 */
int __xmsg_cdev_reg_insert(struct ipc_namespace *ns, struct xmsg_cdev_obj *uobj)
{
	struct xmsg_registry *reg = __xmsg_cdev_reg_find(ns);
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
		__xmsg_cdev_reg_maybe_free(reg);
		return err == -EBUSY ? -ENOSPC : err;
	}
	if (!reg->pinned && IS_ENABLED(CONFIG_IPC_NS)) {
		get_ipc_ns(ns);
		reg->pinned = true;
	}
	hash_add(reg->names, &uobj->hnode, xmsg_cdev_name_hash(uobj->type,
							       uobj->name));
	reg->nr++;
	uobj->reg = reg;
	xmsg_cdev_obj_get(uobj);
	return 0;
}

/**
 * __xmsg_cdev_reg_unlink() - remove an object's name
 * @uobj: the object; a no-op when it is not named
 *
 * The registry's reference passes to the caller, who must drop it with
 * xmsg_cdev_obj_put() after dropping xmsg_reg_lock.
 *
 * Context: xmsg_reg_lock held.
 */
void __xmsg_cdev_reg_unlink(struct xmsg_cdev_obj *uobj)
{
	struct xmsg_registry *reg = uobj->reg;

	lockdep_assert_held(&xmsg_reg_lock);
	if (!reg)
		return;
	hash_del(&uobj->hnode);
	xa_erase(&reg->ids, uobj->id);
	uobj->reg = NULL;
	reg->nr--;
	__xmsg_cdev_reg_maybe_free(reg);
}

/**
 * xmsg_cdev_reg_list() - list named objects
 * @ns: IPC namespace
 * @type: 0 for all, or one XMSG_TYPE_POOL, _XCHG, _SEM
 * @cursor: in: first id; out: next id to ask for, 0 when done
 * @ents: room for *@count entries
 * @count: in: room; out: entries written
 *
 * Context: process context, takes xmsg_reg_lock.
 * Return: 0.
 */
int xmsg_cdev_reg_list(struct ipc_namespace *ns, u32 type, u64 *cursor,
		       struct xmsg_list_entry *ents, u32 *count)
{
	struct user_namespace *uns = current_user_ns();
	struct xmsg_cdev_obj *uobj;
	struct xmsg_registry *reg;
	unsigned long id;
	u32 n = 0;

	mutex_lock(&xmsg_reg_lock);
	reg = __xmsg_cdev_reg_find(ns);
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
 * xmsg_cdev_reg_exit() - destroy every object still named, at module unload
 *
 * Context: process context, module exit.  No file of /dev/xmsg is open any
 * more (each one pins the module), so only the registries hold references.
 * Exchanges and semaphores go first: they may hold messages whose bodies
 * are in pools.
 */
void xmsg_cdev_reg_exit(void)
{
	struct xmsg_registry *reg, *rtmp;
	struct xmsg_cdev_obj *uobj, *u;
	unsigned long id;
	int pass;

	xmsg_cdev_reg_reap();
	for (pass = 0; pass < 2; pass++) {
		for (;;) {
			uobj = NULL;
			mutex_lock(&xmsg_reg_lock);
			list_for_each_entry(reg, &xmsg_regs, link) {
				xa_for_each(&reg->ids, id, u) {
					if (pass == xmsg_cdev_type_has_region(u->type)) {
						uobj = u;
						break;
					}
				}
				if (uobj)
					break;
			}
			if (uobj) {
				uobj->dead = true;
				if (uobj->type == XMSG_TYPE_POOL)
					xmsg_pool_close(uobj->pool);
				__xmsg_cdev_reg_unlink(uobj);
			}
			mutex_unlock(&xmsg_reg_lock);
			if (!uobj)
				break;
			xmsg_cdev_obj_put(uobj);
		}
	}
	mutex_lock(&xmsg_reg_lock);
	list_for_each_entry_safe(reg, rtmp, &xmsg_regs, link) {
		WARN_ON_ONCE(reg->nr);
		reg->nr = 0;
		__xmsg_cdev_reg_maybe_free(reg);
	}
	mutex_unlock(&xmsg_reg_lock);
}
