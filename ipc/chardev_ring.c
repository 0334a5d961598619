// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg receive rings: XMSG_IOC_RING.
 *
 * A ring is the standing receiver of one normal or pass exchange, held by
 * a file descriptor of its own (an anonymous inode).  A message sent to
 * the exchange that finds no waiting receiver and an empty queue, whose
 * body lies in the ring's pool and that carries no reply handle, goes into
 * the ring instead of the queue: its control block is kept in @slot, and
 * an entry (body offset in the pool mapping, length, priority) is written
 * into memory shared with user space, followed by a store-release of the
 * producer index.  The receiver reads the entries and the bodies without a
 * system call and advances the consumer index when done; the kernel
 * releases the messages the consumer index passed at the next send to the
 * exchange or poll() of the ring (the block goes back to its pool).  This
 * is the seed's exchange with the receiver's side of the queue in shared
 * memory, much as a TPACKET or AF_XDP ring is for a socket.
 *
 * Wake-ups: a sender wakes the ring's poller (if any) when @wake_min
 * entries are ready, else starts a timer of @wake_ns that wakes it (so a
 * receiver that polls is woken once per batch, like a TPACKET_V3 reader
 * once per block).
 *
 * Locking
 * -------
 * The exchange's lock (@lock, set at attach) protects the fields marked
 * so: the exchange calls the __xmsg_ring_*() functions with it held.  The
 * shared memory is written by the kernel only under that lock; of it, the
 * kernel reads only the consumer index, never trusting it.  The messages
 * taken out of the ring are released after the lock is dropped (their
 * release is never done under an exchange lock).  A sender wakes the
 * poller after dropping the lock, inside rcu_read_lock(); the ring's
 * release detaches it under the lock and waits for a grace period before
 * it frees the ring.  The timer is only started under the lock while the
 * ring is attached or polled, and cancelled after the detach.
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/hrtimer.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>
#include "xmsg_chardev.h"
#include "xmsg_ring.h"

/**
 * struct xmsg_ring - a receive ring
 * @lock: the exchange's lock, NULL until attached
 * @xchg: the exchange (a reference)
 * @xuobj: the exchange as user space named it (a reference), or NULL for
 *	a reply handle
 * @puobj: the pool (a reference)
 * @pool: @puobj's pool
 * @hdr: the shared memory (xmsg_region_alloc(): charged to the opener's
 *	memory cgroup): header, then the entries
 * @ent: the entries, in @hdr's memory
 * @slot: the message of each entry, NULL when none or taken
 *	(XMSG_IOC_RING_TAKE)
 * @map_size: bytes of @hdr's memory
 * @user: the user whose limit counts the ring (xmsg_user_charge_bytes())
 * @charge: the bytes counted
 * @mask: entries - 1
 * @prod: entries put so far.  Protected by @lock.
 * @done: entries reclaimed so far.  Protected by @lock.
 * @wake_min: wake the poller at this many ready entries
 * @wake_ns: else this long after it found fewer (0: never)
 * @timed_out: the timer fired since the ring was last empty.  Written by
 *	the timer, read and cleared under @lock.
 * @dead: the exchange is destroyed or the ring detached.  Protected by
 *	@lock.
 * @timer: the @wake_ns timer
 * @wq: poll() waiters
 */
struct xmsg_ring {
	spinlock_t *lock;	/* the exchange's, see Locking above */
	struct xmsg_xchg *xchg;
	struct xmsg_uobj *xuobj;
	struct xmsg_uobj *puobj;
	struct xmsg_pool *pool;
	struct xmsg_ring_hdr *hdr;
	struct xmsg_ring_entry *ent;
	struct xmsg_msg **slot;
	size_t map_size;
	struct xmsg_user *user;
	u64 charge;
	u32 mask;
	u32 prod;
	u32 done;
	u32 wake_min;
	u64 wake_ns;
	bool timed_out;
	bool dead;
	struct hrtimer timer;
	wait_queue_head_t wq;
};

/* ---- called by the exchange, its lock held ---------------------------- */

void __xmsg_ring_attached(struct xmsg_ring *ring, spinlock_t *lock)
{
	lockdep_assert_held(lock);
	ring->lock = lock;
}

/*
 * Whether @msg may go into the ring now: a body of the ring's pool (a
 * proxy's slice too), no reply handle, room left.
 */
bool __xmsg_ring_fits(struct xmsg_ring *ring, struct xmsg_msg *msg)
{
	struct xmsg_msg *real = xmsg_msg_real(msg);

	lockdep_assert_held(ring->lock);
	return !ring->dead && ring->prod - ring->done <= ring->mask &&
	       real->origin == XMSG_ORIGIN_POOL && real->pool == ring->pool &&
	       !msg->reply && msg->size <= U32_MAX &&
	       !READ_ONCE(ring->puobj->dead);
}

/* Put @msg (checked by __xmsg_ring_fits()) in the next entry. */
void __xmsg_ring_store(struct xmsg_ring *ring, struct xmsg_msg *msg)
{
	u32 i = ring->prod & ring->mask;
	struct xmsg_ring_entry *e = &ring->ent[i];

	lockdep_assert_held(ring->lock);
	ring->slot[i] = msg;
	e->offset = xmsg_pool_offset(ring->pool, msg->body);
	e->length = msg->size;
	e->prio = msg->prio;
	/* the entry before the index that makes it visible */
	smp_store_release(&ring->hdr->producer, ++ring->prod);
}

/*
 * The consumer index user space wrote, if it is in [@done, @prod] (else
 * @done: garbage is ignored).  Acquire: user space's reads of the bodies
 * come before the blocks are reused.
 */
static u32 __xmsg_ring_consumer(struct xmsg_ring *ring)
{
	u32 cons;

	/* pairs with user space's store-release of the consumer index */
	cons = smp_load_acquire(&ring->hdr->consumer);
	if (cons - ring->done > ring->prod - ring->done)
		return ring->done;
	return cons;
}

/* Move the messages user space is done with to @done (released later). */
void __xmsg_ring_reclaim(struct xmsg_ring *ring, struct list_head *done)
{
	u32 cons = __xmsg_ring_consumer(ring);
	u32 i;

	lockdep_assert_held(ring->lock);
	while (ring->done != cons) {
		i = ring->done++ & ring->mask;
		if (ring->slot[i])
			list_add_tail(&ring->slot[i]->link, done);
		ring->slot[i] = NULL;
	}
}

/* The message of entry @index, taken out of the ring, or NULL. */
struct xmsg_msg *__xmsg_ring_take(struct xmsg_ring *ring, u32 index)
{
	struct xmsg_msg *msg;
	u32 i = index & ring->mask;

	lockdep_assert_held(ring->lock);
	if (index - ring->done >= ring->prod - ring->done)
		return NULL;
	msg = ring->slot[i];
	ring->slot[i] = NULL;
	return msg;
}

void __xmsg_ring_set_queued(struct xmsg_ring *ring, bool queued)
{
	u32 flags = READ_ONCE(ring->hdr->flags);

	lockdep_assert_held(ring->lock);
	if (!!(flags & XMSG_RING_F_QUEUED) != queued)
		WRITE_ONCE(ring->hdr->flags, flags ^ XMSG_RING_F_QUEUED);
}

static void __xmsg_ring_arm(struct xmsg_ring *ring)
{
	if (ring->wake_ns && !READ_ONCE(ring->timed_out) &&
	    !hrtimer_active(&ring->timer))
		hrtimer_start(&ring->timer, ns_to_ktime(ring->wake_ns),
			      HRTIMER_MODE_REL);
}

/*
 * After stores: whether to wake the poller (then xmsg_ring_wake() once
 * the lock is dropped).  A poller added itself to @wq before it took the
 * lock to look at the ring, so under the lock its presence is certain.
 */
bool __xmsg_ring_wake_needed(struct xmsg_ring *ring)
{
	u32 ready;

	lockdep_assert_held(ring->lock);
	/* a poller adds itself before it takes the lock: no barrier needed */
	if (!waitqueue_active(&ring->wq))
		return false;
	ready = ring->prod - __xmsg_ring_consumer(ring);
	if (!ready)
		return false;
	if (ready >= ring->wake_min || READ_ONCE(ring->timed_out))
		return true;
	__xmsg_ring_arm(ring);
	return false;
}

/* The exchange is destroyed: no more entries. */
void __xmsg_ring_kill(struct xmsg_ring *ring)
{
	lockdep_assert_held(ring->lock);
	ring->dead = true;
	WRITE_ONCE(ring->hdr->flags,
		   (READ_ONCE(ring->hdr->flags) | XMSG_RING_F_DEAD) &
		   ~XMSG_RING_F_QUEUED);
}

/* Detach: every message still in the ring goes to @msgs. */
void __xmsg_ring_take_all(struct xmsg_ring *ring, struct list_head *msgs)
{
	u32 i;

	lockdep_assert_held(ring->lock);
	__xmsg_ring_kill(ring);
	while (ring->done != ring->prod) {
		i = ring->done++ & ring->mask;
		if (ring->slot[i])
			list_add_tail(&ring->slot[i]->link, msgs);
		ring->slot[i] = NULL;
	}
}

__poll_t __xmsg_ring_poll_mask(struct xmsg_ring *ring)
{
	u32 ready = ring->prod - __xmsg_ring_consumer(ring);
	__poll_t mask = 0;

	lockdep_assert_held(ring->lock);
	if (!ready)
		WRITE_ONCE(ring->timed_out, false);
	else if (ring->dead || ready >= ring->wake_min ||
		 READ_ONCE(ring->timed_out))
		mask |= EPOLLIN | EPOLLRDNORM;
	else
		__xmsg_ring_arm(ring);
	if (ring->dead)
		mask |= EPOLLHUP;
	return mask;
}

/* ---- without the lock -------------------------------------------------- */

/* Wake the poller; the caller is in an RCU read-side section or owns @ring */
void xmsg_ring_wake(struct xmsg_ring *ring, __poll_t mask)
{
	wake_up_interruptible_poll(&ring->wq, mask);
}

/* Release messages taken out of a ring (any context, no exchange lock) */
void xmsg_ring_release_msgs(struct list_head *done)
{
	struct xmsg_msg *msg, *tmp;

	list_for_each_entry_safe(msg, tmp, done, link) {
		list_del_init(&msg->link);
		xmsg_msg_rel(msg);
	}
}

static enum hrtimer_restart xmsg_ring_timer(struct hrtimer *timer)
{
	struct xmsg_ring *ring = container_of(timer, struct xmsg_ring, timer);

	WRITE_ONCE(ring->timed_out, true);
	wake_up_interruptible_poll(&ring->wq, EPOLLIN | EPOLLRDNORM);
	return HRTIMER_NORESTART;
}

/* ---- the file ----------------------------------------------------------- */

static void xmsg_ring_free(struct xmsg_ring *ring)
{
	xmsg_user_uncharge_bytes(ring->user, ring->charge);
	vfree(ring->hdr);
	kvfree(ring->slot);
	kfree(ring);
}

static void xmsg_ring_put_refs(struct xmsg_ring *ring)
{
	xmsg_obj_put(xmsg_xchg_obj(ring->xchg));
	xmsg_uobj_put(ring->xuobj);
	xmsg_uobj_put(ring->puobj);
}

/* Detach, release what is in the ring, free it. */
static void xmsg_ring_destroy(struct xmsg_ring *ring)
{
	LIST_HEAD(msgs);

	if (ring->lock) {	/* attached: nothing else changes @lock */
		xmsg_xchg_ring_detach(ring->xchg, ring, &msgs);
		/* senders that saw the ring attached are done with it */
		synchronize_rcu();
	}
	hrtimer_cancel(&ring->timer);
	xmsg_ring_release_msgs(&msgs);
	xmsg_ring_put_refs(ring);
	xmsg_ring_free(ring);
}

static int xmsg_ring_release(struct inode *inode, struct file *file)
{
	xmsg_ring_destroy(file->private_data);
	return 0;
}

static __poll_t xmsg_ring_poll(struct file *file, poll_table *pt)
{
	struct xmsg_ring *ring = file->private_data;

	poll_wait(file, &ring->wq, pt);
	return xmsg_xchg_ring_poll(ring->xchg, ring);
}

static int xmsg_ring_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct xmsg_ring *ring = file->private_data;

	if (!(vma->vm_flags & VM_SHARED) || vma->vm_pgoff ||
	    vma->vm_end - vma->vm_start > ring->map_size)
		return -EINVAL;
	return remap_vmalloc_range(vma, ring->hdr, 0);
}

static const struct file_operations xmsg_ring_fops = {
	.owner = THIS_MODULE,
	.poll = xmsg_ring_poll,
	.mmap = xmsg_ring_mmap,
	.release = xmsg_ring_release,
	.llseek = noop_llseek,
};

static int xmsg_ring_check(const struct xmsg_ring_setup *ro)
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

static struct xmsg_ring *xmsg_ring_alloc(const struct xmsg_ring_setup *ro)
{
	struct xmsg_user *user;
	struct xmsg_ring *ring;
	size_t map_size;
	u64 charge;

	map_size = PAGE_ALIGN(XMSG_RING_ENTRIES_OFFSET +
			      (size_t)ro->entries *
			      sizeof(struct xmsg_ring_entry));
	charge = sizeof(*ring) + map_size +
		 (u64)ro->entries * sizeof(*ring->slot);
	user = xmsg_user_charge_bytes(charge);
	if (IS_ERR(user))
		return ERR_CAST(user);
	ring = kzalloc(sizeof(*ring), GFP_KERNEL_ACCOUNT);
	if (!ring) {
		xmsg_user_uncharge_bytes(user, charge);
		return ERR_PTR(-ENOMEM);
	}
	ring->user = user;
	ring->charge = charge;
	ring->map_size = map_size;
	ring->hdr = xmsg_region_alloc(ring->map_size);	/* memcg-charged */
	ring->slot = kvcalloc(ro->entries, sizeof(*ring->slot),
			      GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!ring->hdr || !ring->slot) {
		xmsg_ring_free(ring);
		return ERR_PTR(-ENOMEM);
	}
	ring->ent = (void *)ring->hdr + XMSG_RING_ENTRIES_OFFSET;
	ring->hdr->entries = ro->entries;
	ring->mask = ro->entries - 1;
	ring->wake_min = max_t(u32, ro->wake_min, 1);
	ring->wake_ns = (u64)ro->wake_us * NSEC_PER_USEC;
	xmsg_hrtimer_setup(&ring->timer, xmsg_ring_timer, CLOCK_MONOTONIC,
			   HRTIMER_MODE_REL);
	init_waitqueue_head(&ring->wq);
	return ring;
}

/* Take references on the exchange and the pool that @ro names. */
static int xmsg_ring_lookup(struct xmsg_cfile *cf,
			    const struct xmsg_ring_setup *ro,
			    struct xmsg_ring *ring)
{
	struct xmsg_hent *hx, *hp;
	int err;

	mutex_lock(&cf->lock);
	hx = __xmsg_hent_find(cf, ro->xchg, XMSG_TYPE_XCHG, &err);
	hp = hx ? __xmsg_hent_find(cf, ro->pool, XMSG_TYPE_POOL, &err) : NULL;
	if (hp && (!(hx->rights & XMSG_ACC_READ) ||
		   !(hp->rights & XMSG_ACC_READ))) {
		err = -EACCES;
		hp = NULL;
	}
	if (hp) {
		ring->xchg = xmsg_obj_xchg(hx->obj);
		xmsg_obj_get(hx->obj);
		ring->xuobj = hx->uobj;
		if (ring->xuobj)
			xmsg_uobj_get(ring->xuobj);
		ring->puobj = hp->uobj;
		xmsg_uobj_get(ring->puobj);
		ring->pool = hp->uobj->pool;
		err = 0;
	}
	mutex_unlock(&cf->lock);
	return err;
}

/**
 * xmsg_ioc_ring() - XMSG_IOC_RING
 * @cf: the file
 * @arg: struct xmsg_ring_setup
 * @cmd: the command
 *
 * Context: process context.
 * Return: 0; -EFAULT, -EINVAL, -E2BIG; -EBADF; -EACCES; -EBUSY; -EIDRM;
 * -EMFILE; -ENOSPC (the user's max_pool_bytes); -ENOMEM.
 */
long xmsg_ioc_ring(struct xmsg_cfile *cf, void __user *arg, unsigned int cmd)
{
	struct xmsg_ring_setup ro;
	struct xmsg_ring *ring;
	struct file *file;
	int err, fd;

	err = xmsg_copy_in(&ro, sizeof(ro), sizeof(ro), arg, cmd);
	if (err)
		return err;
	err = xmsg_ring_check(&ro);
	if (err)
		return err;
	ring = xmsg_ring_alloc(&ro);
	if (IS_ERR(ring))
		return PTR_ERR(ring);
	err = xmsg_ring_lookup(cf, &ro, ring);
	if (err) {
		xmsg_ring_free(ring);
		return err;
	}
	down_read(&ring->puobj->rwsem);
	err = ring->puobj->dead ? -EIDRM : 0;
	up_read(&ring->puobj->rwsem);
	if (err)
		goto put;
	fd = get_unused_fd_flags(O_RDWR |
				 (ro.flags & XMSG_FD_CLOEXEC ? O_CLOEXEC : 0));
	if (fd < 0) {
		err = fd;
		goto put;
	}
	file = anon_inode_getfile("[xmsg-ring]", &xmsg_ring_fops, ring, O_RDWR);
	if (IS_ERR(file)) {
		err = PTR_ERR(file);
		goto put_fd;
	}
	/*
	 * Attach last: it moves queued messages into the ring, which only
	 * a ring user space will see may hold, so nothing can fail after it.
	 */
	ro.fd = fd;
	ro.map_size = ring->map_size;
	err = xmsg_copy_out(arg, &ro, sizeof(ro));
	if (!err)
		err = xmsg_xchg_ring_attach(ring->xchg, ring);
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
	xmsg_ring_put_refs(ring);
	xmsg_ring_free(ring);
	return err;
}

/**
 * xmsg_ioc_ring_take() - XMSG_IOC_RING_TAKE
 * @cf: the file
 * @arg: struct xmsg_ring_take
 * @cmd: the command
 *
 * Context: process context.
 * Return: 0; -EFAULT, -EINVAL, -E2BIG; -EBADF; -ENOENT; -EMFILE; -ENOMEM.
 */
long xmsg_ioc_ring_take(struct xmsg_cfile *cf, void __user *arg,
			unsigned int cmd)
{
	struct xmsg_ring_take rt;
	struct xmsg_ring *ring;
	struct xmsg_hent *hm;
	struct xmsg_msg *msg;
	struct fd f;
	int err;
	u32 id;

	err = xmsg_copy_in(&rt, sizeof(rt), sizeof(rt), arg, cmd);
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
	ring = xmsg_fd_file(f)->private_data;
	err = -ENOMEM;
	hm = xmsg_hent_alloc(XMSG_TYPE_MSG);
	if (!hm)
		goto put;
	mutex_lock(&cf->lock);
	err = xmsg_hent_reserve(cf, &id);
	if (err)
		goto unlock;
	msg = xmsg_xchg_ring_take(ring->xchg, ring, rt.index);
	if (!msg) {
		xmsg_hent_unreserve(cf, id);
		err = -ENOENT;
		goto unlock;
	}
	/* owner NULL (the ring's) -> this file's; cannot fail from NULL */
	xmsg_msg_set_owner(msg, NULL, &cf->owner);
	hm->msg = msg;
	hm->prio = msg->prio;
	xmsg_hent_publish(cf, hm, id);
	hm = NULL;
	rt.msg = id;
unlock:
	mutex_unlock(&cf->lock);
	kfree(hm);
	if (!err)
		err = xmsg_copy_out(arg, &rt, sizeof(rt));
put:
	fdput(f);
	return err;
}
