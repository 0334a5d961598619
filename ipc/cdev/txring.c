// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg send rings, the char device's side: XMSG_IOC_TXRING and
 * XMSG_IOC_TXRING_KICK.
 *
 * A send ring (ipc/txring.c, part of the exchange engine) sends blocks of
 * a pool it holds on lease to one exchange, from descriptors user space
 * posts in shared memory.  It is held by a file descriptor of its own (an
 * anonymous inode) that user space maps.  This file gives the ring that
 * file: it checks the request and the rights (write on the exchange, read
 * and write on the pool, as a send of a message got from the pool needs),
 * counts the ring against the user's limit, takes references on the
 * exchange and the pool the handles name, and kicks the ring.
 *
 * Rights are those of the handles at setup: a handle's rights never
 * change, so a kick only needs the exchange alive, which the send checks.
 *
 * Locking: the open file's lock (xmsg_file.lock) around the handle
 * lookups; the pool's rwsem held for reading while blocks are leased (as
 * every block get of the char device), so a pool destroy sees it idle;
 * the ring's own locking is txring.c's.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include "cdev.h"

/**
 * struct xmsg_txring_file - what a send ring's file holds
 * @ring: the ring
 * @xchg: the exchange (a reference)
 * @xuobj: the exchange as user space named it (a reference), or NULL for
 *	a reply handle
 * @puobj: the pool (a reference)
 * @user: the user whose limit counts the ring
 * @charge: the bytes counted
 */
struct xmsg_txring_file {
	struct xmsg_txring *ring;
	struct xmsg_xchg *xchg;
	struct xmsg_cdev_obj *xuobj;
	struct xmsg_cdev_obj *puobj;
	struct xmsg_user *user;
	u64 charge;
};

/* The ring first: its leased blocks go back while the pool is alive. */
static void xmsg_cdev_txring_file_free(struct xmsg_txring_file *tf)
{
	xmsg_txring_destroy(tf->ring);
	if (tf->xchg)
		xmsg_obj_put(xmsg_xchg_obj(tf->xchg));
	xmsg_cdev_obj_put(tf->xuobj);
	xmsg_cdev_obj_put(tf->puobj);
	xmsg_cdev_user_uncharge_bytes(tf->user, tf->charge);
	kfree(tf);
}

static int xmsg_cdev_txring_file_release(struct inode *inode,
					 struct file *file)
{
	xmsg_cdev_txring_file_free(file->private_data);
	return 0;
}

static int xmsg_cdev_txring_file_mmap(struct file *file,
				      struct vm_area_struct *vma)
{
	struct xmsg_txring_file *tf = file->private_data;

	return xmsg_txring_mmap(tf->ring, vma);
}

/*
 * /proc/<pid>/fdinfo/<fd> of a send ring: what it sends to and where its
 * indexes and counters stand.  A snapshot taken under the ring's lock;
 * names, never addresses.
 */
static void xmsg_cdev_txring_file_show_fdinfo(struct seq_file *m,
					      struct file *file)
{
	struct xmsg_txring_file *tf = file->private_data;
	struct xmsg_txring_stats st;

	xmsg_txring_get_stats(tf->ring, &st);
	seq_printf(m, "xchg:\t%s\n", tf->xuobj ? tf->xuobj->name : "");
	seq_printf(m, "pool:\t%s\n", tf->puobj->name);
	seq_printf(m, "entries:\t%u\n", st.entries);
	seq_printf(m, "blocks:\t%u\n", st.blocks);
	seq_printf(m, "leased:\t%u\n", st.leased);
	seq_printf(m, "send_producer:\t%u\n", st.send_producer);
	seq_printf(m, "send_consumer:\t%u\n", st.send_consumer);
	seq_printf(m, "comp_producer:\t%u\n", st.comp_producer);
	seq_printf(m, "comp_consumer:\t%u\n", st.comp_consumer);
	seq_printf(m, "fill_producer:\t%u\n", st.fill_producer);
	seq_printf(m, "ring_flags:\t%#x\n", st.flags);
	seq_printf(m, "sent:\t%llu\n", st.sent);
	seq_printf(m, "refused:\t%u %u %u %u %u %u %u %u\n", st.refused[0],
		   st.refused[1], st.refused[2], st.refused[3], st.refused[4],
		   st.refused[5], st.refused[6], st.refused[7]);
}

static const struct file_operations xmsg_txring_fops = {
	.owner = THIS_MODULE,
	.mmap = xmsg_cdev_txring_file_mmap,
	.show_fdinfo = xmsg_cdev_txring_file_show_fdinfo,
	.release = xmsg_cdev_txring_file_release,
	.llseek = noop_llseek,
};

static int xmsg_cdev_txring_check(const struct xmsg_txring_setup *ts)
{
	if (ts->flags & ~XMSG_FD_CLOEXEC || ts->fd || ts->pad ||
	    ts->map_size || ts->send_offset || ts->comp_offset ||
	    ts->fill_offset || memchr_inv(ts->reserved, 0,
					  sizeof(ts->reserved)))
		return -EINVAL;
	if (!ts->entries || ts->entries > XMSG_TXRING_ENTRIES_MAX ||
	    !is_power_of_2(ts->entries) || !ts->blocks ||
	    ts->blocks > ts->entries)
		return -EINVAL;
	return 0;
}

/* Take references on the exchange and the pool that @ts names. */
static int xmsg_cdev_txring_lookup(struct xmsg_file *cf,
				   const struct xmsg_txring_setup *ts,
				   struct xmsg_txring_file *tf)
{
	struct xmsg_cdev_obj *puobj = NULL;
	struct xmsg_handle *hx;
	int err;

	mutex_lock(&cf->lock);
	hx = __xmsg_cdev_handle_find(cf, ts->xchg, XMSG_TYPE_XCHG, &err);
	if (hx && !(hx->rights & XMSG_ACC_WRITE)) {
		err = -EACCES;
		hx = NULL;
	} else if (hx && xmsg_obj_dead(hx->obj)) {
		err = -EIDRM;
		hx = NULL;
	}
	if (hx)
		puobj = __xmsg_cdev_src_writable(cf, ts->pool, XMSG_TYPE_POOL,
						 &err);
	if (puobj) {
		tf->xchg = xmsg_obj_xchg(hx->obj);
		xmsg_obj_get(hx->obj);
		tf->xuobj = hx->uobj;
		if (tf->xuobj)
			xmsg_cdev_obj_get(tf->xuobj);
		tf->puobj = puobj;
		xmsg_cdev_obj_get(puobj);
		err = 0;
	}
	mutex_unlock(&cf->lock);
	return err;
}

/* Kick @tf's ring; blocks are leased only while the pool is not dead. */
static void xmsg_cdev_txring_kick(struct xmsg_txring_file *tf, u32 *sent,
				  u32 *refused)
{
	down_read(&tf->puobj->rwsem);
	xmsg_txring_kick(tf->ring, !tf->puobj->dead, sent, refused);
	up_read(&tf->puobj->rwsem);
}

/* The ring, charged to the user, with its first blocks leased. */
static int xmsg_cdev_txring_create(struct xmsg_txring_file *tf,
				   const struct xmsg_txring_setup *ts)
{
	struct xmsg_pool_stats st;
	struct xmsg_user *user;
	u32 sent, refused;
	u64 charge;
	int err;

	xmsg_pool_get_stats(tf->puobj->pool, &st);
	charge = sizeof(*tf) + xmsg_txring_bytes(ts->entries, st.count);
	user = xmsg_cdev_user_charge_bytes(charge);
	if (IS_ERR(user))
		return PTR_ERR(user);
	tf->user = user;
	tf->charge = charge;
	tf->ring = xmsg_txring_create(tf->xchg, tf->puobj->pool, ts->entries,
				      ts->blocks);
	if (IS_ERR(tf->ring)) {
		err = PTR_ERR(tf->ring);
		tf->ring = NULL;
		return err;
	}
	down_read(&tf->puobj->rwsem);
	err = tf->puobj->dead ? -EIDRM : 0;
	if (!err)
		xmsg_txring_kick(tf->ring, true, &sent, &refused);
	up_read(&tf->puobj->rwsem);
	if (!err && !xmsg_txring_leased(tf->ring))
		err = -ENOBUFS;
	return err;
}

/**
 * xmsg_cdev_ioc_txring() - XMSG_IOC_TXRING
 * @cf: the file
 * @arg: struct xmsg_txring_setup
 * @cmd: the command
 *
 * Context: process context.
 * Return: 0; -EFAULT, -EINVAL, -E2BIG; -EBADF; -EACCES; -EIDRM; -ENOBUFS;
 * -EMFILE; -ENOSPC (the user's max_pool_bytes); -ENOMEM.
 */
long xmsg_cdev_ioc_txring(struct xmsg_file *cf, void __user *arg,
			  unsigned int cmd)
{
	struct xmsg_txring_setup ts;
	struct xmsg_txring_file *tf;
	struct file *file;
	int err, fd;

	err = xmsg_cdev_copy_in(&ts, sizeof(ts), sizeof(ts), arg, cmd);
	if (err)
		return err;
	err = xmsg_cdev_txring_check(&ts);
	if (err)
		return err;
	tf = kzalloc(sizeof(*tf), GFP_KERNEL_ACCOUNT);
	if (!tf)
		return -ENOMEM;
	err = xmsg_cdev_txring_lookup(cf, &ts, tf);
	if (!err)
		err = xmsg_cdev_txring_create(tf, &ts);
	if (err)
		goto free;
	fd = get_unused_fd_flags(O_RDWR |
				 (ts.flags & XMSG_FD_CLOEXEC ? O_CLOEXEC : 0));
	if (fd < 0) {
		err = fd;
		goto free;
	}
	file = anon_inode_getfile("[xmsg-txring]", &xmsg_txring_fops, tf,
				  O_RDWR);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		err = PTR_ERR(file);
		goto free;
	}
	ts.fd = fd;
	xmsg_txring_layout(tf->ring, &ts.map_size, &ts.send_offset,
			   &ts.comp_offset, &ts.fill_offset);
	err = xmsg_cdev_copy_out(arg, &ts, sizeof(ts));
	if (err) {
		put_unused_fd(fd);
		fput(file);	/* frees the ring and its leases */
		return err;
	}
	fd_install(fd, file);
	return 0;

free:
	xmsg_cdev_txring_file_free(tf);
	return err;
}

/**
 * xmsg_cdev_ioc_txring_kick() - XMSG_IOC_TXRING_KICK
 * @cf: the file
 * @arg: struct xmsg_txring_kick
 * @cmd: the command
 *
 * Context: process context.
 * Return: 0; -EFAULT, -EINVAL, -E2BIG; -EBADF.
 */
long xmsg_cdev_ioc_txring_kick(struct xmsg_file *cf, void __user *arg,
			       unsigned int cmd)
{
	struct xmsg_txring_kick tk;
	struct fd f;
	int err;

	err = xmsg_cdev_copy_in(&tk, sizeof(tk), sizeof(tk), arg, cmd);
	if (err)
		return err;
	if (tk.flags || tk.sent || tk.refused || tk.pad ||
	    memchr_inv(tk.reserved, 0, sizeof(tk.reserved)))
		return -EINVAL;
	f = fdget(tk.ring_fd);
	if (!xmsg_fd_file(f))
		return -EBADF;
	err = -EBADF;
	if (xmsg_fd_file(f)->f_op == &xmsg_txring_fops) {
		xmsg_cdev_txring_kick(xmsg_fd_file(f)->private_data, &tk.sent,
				      &tk.refused);
		err = xmsg_cdev_copy_out(arg, &tk, sizeof(tk));
	}
	fdput(f);
	return err;
}
