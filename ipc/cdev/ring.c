// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg receive rings, the char device's side: XMSG_IOC_RING and
 * XMSG_IOC_RING_TAKE.
 *
 * A ring (ipc/ring.c, part of the exchange engine) is the standing
 * receiver of one normal or pass exchange, held by a file descriptor of
 * its own (an anonymous inode) that user space maps to read the entries.
 * This file gives the ring that file: it checks the request, counts the
 * ring against the user's limit, takes references on the exchange and
 * the pool the handles name (the pool is kept alive by them), and takes
 * entries out into handles.
 *
 * Locking: the open file's lock (xmsg_file.lock) around the handle
 * lookups; the ring's own locking is ring.c's (its fdinfo is a snapshot
 * taken under the exchange's lock).
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include "cdev.h"

/**
 * struct xmsg_ring_file - what a ring's file holds
 * @ring: the ring
 * @xchg: the exchange (a reference)
 * @xuobj: the exchange as user space named it (a reference), or NULL for
 *	a reply handle
 * @puobj: the pool (a reference)
 * @user: the user whose limit counts the ring (xmsg_cdev_user_charge_bytes())
 * @charge: the bytes counted
 */
struct xmsg_ring_file {
	struct xmsg_ring *ring;
	struct xmsg_xchg *xchg;
	struct xmsg_cdev_obj *xuobj;
	struct xmsg_cdev_obj *puobj;
	struct xmsg_user *user;
	u64 charge;
};

/*
 * The ring first: it releases the messages it holds while the pool is
 * still alive, then the references, the charge and @rf.
 */
static void xmsg_cdev_ring_file_free(struct xmsg_ring_file *rf)
{
	xmsg_ring_destroy(rf->ring);
	if (rf->xchg)
		xmsg_obj_put(xmsg_xchg_obj(rf->xchg));
	xmsg_cdev_obj_put(rf->xuobj);
	xmsg_cdev_obj_put(rf->puobj);
	xmsg_cdev_user_uncharge_bytes(rf->user, rf->charge);
	kfree(rf);
}

static int xmsg_cdev_ring_file_release(struct inode *inode, struct file *file)
{
	xmsg_cdev_ring_file_free(file->private_data);
	return 0;
}

static __poll_t xmsg_cdev_ring_file_poll(struct file *file, poll_table *pt)
{
	struct xmsg_ring_file *rf = file->private_data;

	return xmsg_ring_poll(rf->ring, file, pt);
}

static int xmsg_cdev_ring_file_mmap(struct file *file,
				    struct vm_area_struct *vma)
{
	struct xmsg_ring_file *rf = file->private_data;

	return xmsg_ring_mmap(rf->ring, vma);
}

/*
 * /proc/<pid>/fdinfo/<fd> of a ring: what it is attached to and where its
 * indexes stand.  A snapshot taken under the exchange's lock
 * (xmsg_ring_get_stats()); names, never addresses.
 */
static void xmsg_cdev_ring_file_show_fdinfo(struct seq_file *m,
					    struct file *file)
{
	struct xmsg_ring_file *rf = file->private_data;
	struct xmsg_ring_stats st;

	xmsg_ring_get_stats(rf->ring, &st);
	seq_printf(m, "xchg:\t%s\n", rf->xuobj ? rf->xuobj->name : "");
	seq_printf(m, "pool:\t%s\n", rf->puobj->name);
	seq_printf(m, "entries:\t%u\n", st.entries);
	seq_printf(m, "producer:\t%u\n", st.producer);
	seq_printf(m, "consumer:\t%u\n", st.consumer);
	seq_printf(m, "reclaimed:\t%u\n", st.reclaimed);
	seq_printf(m, "ready:\t%u\n", st.ready);
	seq_printf(m, "ring_flags:\t%#x\n", st.flags);
	seq_printf(m, "overflows:\t%u\n", st.overflows);
	seq_printf(m, "wake_min:\t%u\n", st.wake_min);
	seq_printf(m, "wake_us:\t%llu\n", div_u64(st.wake_ns, NSEC_PER_USEC));
}

static const struct file_operations xmsg_ring_fops = {
	.owner = THIS_MODULE,
	.poll = xmsg_cdev_ring_file_poll,
	.mmap = xmsg_cdev_ring_file_mmap,
	.show_fdinfo = xmsg_cdev_ring_file_show_fdinfo,
	.release = xmsg_cdev_ring_file_release,
	.llseek = noop_llseek,
};

static int xmsg_cdev_ring_check(const struct xmsg_ring_setup *ro)
{
	bool batch = ro->wake_min > 1;

	if (ro->flags & ~XMSG_FD_CLOEXEC || ro->fd || ro->map_size ||
	    memchr_inv(ro->reserved, 0, sizeof(ro->reserved)))
		return -EINVAL;
	if (!ro->entries || ro->entries > XMSG_RING_ENTRIES_MAX ||
	    !is_power_of_2(ro->entries) || ro->wake_min > ro->entries ||
	    ro->wake_us > XMSG_RING_WAKE_US_MAX ||
	    batch != !!ro->wake_us)
		return -EINVAL;
	return 0;
}

static struct xmsg_ring_file *
xmsg_cdev_ring_file_alloc(const struct xmsg_ring_setup *ro)
{
	struct xmsg_ring_file *rf;
	struct xmsg_user *user;
	u64 charge;

	charge = sizeof(*rf) + xmsg_ring_bytes(ro->entries);
	user = xmsg_cdev_user_charge_bytes(charge);
	if (IS_ERR(user))
		return ERR_CAST(user);
	rf = kzalloc(sizeof(*rf), GFP_KERNEL_ACCOUNT);
	if (!rf) {
		xmsg_cdev_user_uncharge_bytes(user, charge);
		return ERR_PTR(-ENOMEM);
	}
	rf->user = user;
	rf->charge = charge;
	rf->ring = xmsg_ring_create(ro->entries, ro->wake_min,
				    (u64)ro->wake_us * NSEC_PER_USEC);
	if (IS_ERR(rf->ring)) {
		rf->ring = NULL;
		xmsg_cdev_ring_file_free(rf);
		return ERR_PTR(-ENOMEM);
	}
	return rf;
}

/* Take references on the exchange and the pool that @ro names. */
static int xmsg_cdev_ring_lookup(struct xmsg_file *cf,
				 const struct xmsg_ring_setup *ro,
				 struct xmsg_ring_file *rf)
{
	struct xmsg_handle *hx, *hp;
	int err;

	mutex_lock(&cf->lock);
	hx = __xmsg_cdev_handle_find(cf, ro->xchg, XMSG_TYPE_XCHG, &err);
	hp = hx ? __xmsg_cdev_handle_find(cf, ro->pool, XMSG_TYPE_POOL,
					  &err) : NULL;
	if (hp && (!(hx->rights & XMSG_ACC_READ) ||
		   !(hp->rights & XMSG_ACC_READ))) {
		err = -EACCES;
		hp = NULL;
	}
	if (hp) {
		rf->xchg = xmsg_obj_xchg(hx->obj);
		xmsg_obj_get(hx->obj);
		rf->xuobj = hx->uobj;
		if (rf->xuobj)
			xmsg_cdev_obj_get(rf->xuobj);
		rf->puobj = hp->uobj;
		xmsg_cdev_obj_get(rf->puobj);
		err = 0;
	}
	mutex_unlock(&cf->lock);
	return err;
}

/**
 * xmsg_cdev_ioc_ring() - XMSG_IOC_RING
 * @cf: the file
 * @arg: struct xmsg_ring_setup
 * @cmd: the command
 *
 * Context: process context.
 * Return: 0; -EFAULT, -EINVAL, -E2BIG; -EBADF; -EACCES; -EBUSY; -EIDRM;
 * -EMFILE; -ENOSPC (the user's max_pool_bytes); -ENOMEM.
 */
long xmsg_cdev_ioc_ring(struct xmsg_file *cf, void __user *arg,
			unsigned int cmd)
{
	struct xmsg_ring_setup ro;
	struct xmsg_ring_file *rf;
	struct file *file;
	int err, fd;

	err = xmsg_cdev_copy_in(&ro, sizeof(ro), sizeof(ro), arg, cmd);
	if (err)
		return err;
	err = xmsg_cdev_ring_check(&ro);
	if (err)
		return err;
	rf = xmsg_cdev_ring_file_alloc(&ro);
	if (IS_ERR(rf))
		return PTR_ERR(rf);
	err = xmsg_cdev_ring_lookup(cf, &ro, rf);
	if (err) {
		xmsg_cdev_ring_file_free(rf);
		return err;
	}
	down_read(&rf->puobj->rwsem);
	err = rf->puobj->dead ? -EIDRM : 0;
	up_read(&rf->puobj->rwsem);
	if (err)
		goto put;
	fd = get_unused_fd_flags(O_RDWR |
				 (ro.flags & XMSG_FD_CLOEXEC ? O_CLOEXEC : 0));
	if (fd < 0) {
		err = fd;
		goto put;
	}
	file = anon_inode_getfile("[xmsg-ring]", &xmsg_ring_fops, rf, O_RDWR);
	if (IS_ERR(file)) {
		err = PTR_ERR(file);
		goto put_fd;
	}
	/*
	 * Attach last: it moves queued messages into the ring, which only
	 * a ring user space will see may hold, so nothing can fail after it.
	 */
	ro.fd = fd;
	ro.map_size = xmsg_ring_map_size(rf->ring);
	err = xmsg_cdev_copy_out(arg, &ro, sizeof(ro));
	if (!err)
		err = xmsg_ring_attach(rf->ring, rf->xchg, rf->puobj->pool);
	if (err) {
		put_unused_fd(fd);
		fput(file);	/* frees the ring, never attached */
		return err;
	}
	fd_install(fd, file);
	return 0;

put_fd:
	put_unused_fd(fd);
put:
	xmsg_cdev_ring_file_free(rf);
	return err;
}

/**
 * xmsg_cdev_ioc_ring_take() - XMSG_IOC_RING_TAKE
 * @cf: the file
 * @arg: struct xmsg_ring_take
 * @cmd: the command
 *
 * Context: process context.
 * Return: 0; -EFAULT, -EINVAL, -E2BIG; -EBADF; -ENOENT; -EMFILE; -ENOMEM.
 */
long xmsg_cdev_ioc_ring_take(struct xmsg_file *cf, void __user *arg,
			     unsigned int cmd)
{
	struct xmsg_ring_take rt;
	struct xmsg_ring_file *rf;
	struct xmsg_handle *hm;
	struct xmsg_msg *msg;
	struct fd f;
	int err;
	u32 id;

	err = xmsg_cdev_copy_in(&rt, sizeof(rt), sizeof(rt), arg, cmd);
	if (err)
		return err;
	if (rt.flags || rt.pad || rt.msg ||
	    memchr_inv(rt.reserved, 0, sizeof(rt.reserved)))
		return -EINVAL;
	f = fdget(rt.ring_fd);
	if (!xmsg_fd_file(f))
		return -EBADF;
	err = -EBADF;
	if (xmsg_fd_file(f)->f_op != &xmsg_ring_fops)
		goto put;
	rf = xmsg_fd_file(f)->private_data;
	err = -ENOMEM;
	hm = xmsg_cdev_handle_alloc(XMSG_TYPE_MSG);
	if (!hm)
		goto put;
	mutex_lock(&cf->lock);
	err = xmsg_cdev_handle_reserve(cf, &id);
	if (err)
		goto unlock;
	msg = xmsg_ring_take(rf->ring, rt.index);
	if (!msg) {
		xmsg_cdev_handle_unreserve(cf, id);
		err = -ENOENT;
		goto unlock;
	}
	/* owner NULL (the ring's) -> this file's; cannot fail from NULL */
	xmsg_msg_set_owner(msg, NULL, &cf->owner);
	hm->msg = msg;
	hm->prio = msg->prio;
	xmsg_cdev_handle_publish(cf, hm, id);
	hm = NULL;
	rt.msg = id;
unlock:
	mutex_unlock(&cf->lock);
	kfree(hm);
	if (!err)
		err = xmsg_cdev_copy_out(arg, &rt, sizeof(rt));
put:
	fdput(f);
	return err;
}
