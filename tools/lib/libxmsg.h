/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * libxmsg: a small C library over /dev/xmsg (see <linux/xmsg.h>).
 *
 * A context (struct xm) is one open file of /dev/xmsg, i.e. one *owner*:
 * every handle, block and message obtained through it is released when the
 * context is closed or the process dies.  Handles are small positive
 * integers, valid only in the context that obtained them.
 *
 * Bodies are returned as pointers: the library maps a pool's region the
 * first time a body of that pool is needed (read-only if the pool handle
 * has only the read right) and returns map base + offset.
 *
 * Errors: every function returning int returns 0 (or a handle / fd, which is
 * > 0) on success and a negative errno value on failure; errno is not used.
 * The errnos are those of the ioctl (documented in <linux/xmsg.h>), plus
 * -ENAMETOOLONG for a name of XMSG_NAME_MAX bytes or more and -ENOMEM.
 *
 * Threads: a context may be shared by the threads of a process.  After
 * fork() the child shares the parent's open file (the same owner): a child
 * that wants its own ownership domain calls xm_open() itself; it may
 * xm_close() the inherited context (that only drops the child's reference
 * to the shared file and unmaps the child's copies of the mappings).
 *
 * Timeouts are in nanoseconds: XM_NOWAIT (0) never blocks (-EAGAIN),
 * XM_FOREVER (-1) blocks until done, > 0 is relative.  XM_MS(n) converts
 * milliseconds.
 */
#ifndef LIBXMSG_H
#define LIBXMSG_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/xmsg.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The version of this header.  The major changes when the ABI breaks (the
 * soname is libxmsg.so.MAJOR), the minor when functions are added.
 * LIBXMSG_CHECK_VERSION(major, minor) is true at compile time when this
 * header provides major.minor; xm_check_version() asks the library loaded
 * at run time the same question.
 */
#define LIBXMSG_VERSION_MAJOR	0
#define LIBXMSG_VERSION_MINOR	4
#define LIBXMSG_CHECK_VERSION(major, minor)				\
	(LIBXMSG_VERSION_MAJOR == (major) && LIBXMSG_VERSION_MINOR >= (minor))

#define XM_NOWAIT	((int64_t)XMSG_TIMEOUT_NONE)
#define XM_FOREVER	((int64_t)XMSG_TIMEOUT_FOREVER)
#define XM_MS(n)	((int64_t)(n) * 1000000LL)

/* Default device; the environment variable XMSG_DEVICE overrides it. */
#define XM_DEVICE	"/dev/xmsg"

struct xm;

/**
 * struct xm_msg - a message, proxy, standard block or bare block
 * @handle: its handle in the context
 * @pool: pool handle of the body, 0 if this context has none for it
 * @body: the body, mapped in this process; NULL when @pool is 0 or the
 *	pool cannot be mapped (then errno says why, see xm_ptr()).  A
 *	receiver must hold a handle of the body's pool (xm_pool_open()) before
 *	it receives, else the kernel reports pool 0 (XMSG_MSGF_NOPOOL)
 * @offset: offset of the body in the pool region
 * @length: bytes of the body
 * @prio: priority (received messages)
 * @reply: reply handle the sender attached (received messages), or 0;
 *	close it with xm_handle_close() or use it with XMSG_SEND_CLOSE_XCHG /
 *	XMSG_SEM_CLOSE
 * @flags: XMSG_MSGF_* bits
 * @gen: broadcast generation (received messages); read by xm_recv() and
 *	xm_call() only with XMSG_RECV_NEWER: the last generation seen
 */
struct xm_msg {
	uint32_t handle;
	uint32_t pool;
	void *body;
	uint64_t offset;
	uint64_t length;
	uint32_t prio;
	uint32_t reply;
	uint32_t flags;
	uint64_t gen;
};

/* library version (of the library loaded, not of this header) */
int xm_version_major(void);
int xm_version_minor(void);
/* 0 if the library provides @major.@minor (same major, minor at least
 * @minor), else -ENOTSUP: xm_check_version(LIBXMSG_VERSION_MAJOR,
 * LIBXMSG_VERSION_MINOR) tells whether it has what this header declares.
 */
int xm_check_version(int major, int minor);

/* contexts */
int xm_open(struct xm **xp, const char *path);
void xm_close(struct xm *x);
int xm_fd(const struct xm *x);
int xm_features(struct xm *x, struct xmsg_features *f);

/* any handle */
int xm_handle_close(struct xm *x, uint32_t handle);
int xm_destroy(struct xm *x, uint32_t handle);
/* XMSG_IOC_INFO; with the read right on an exchange or semaphore also its
 * peek fields (XMSG_FEAT_PEEK: first message, first waiter's IDs)
 */
int xm_info(struct xm *x, uint32_t handle, struct xmsg_info *info);
int xm_obj_open(struct xm *x, uint32_t type, const char *name,
		uint32_t access);
int xm_list(struct xm *x, uint32_t type, struct xmsg_list_entry **entries,
	    size_t *n);
const char *xm_type_name(uint32_t type);

/*
 * What errno @err (negative, as returned here, or positive) means for xmsg:
 * "pool empty: no free block" for ENOBUFS, "exchange queue full ..." for
 * ENOSPC, "object destroyed" for EIDRM, ...; strerror() of the others.
 * The string is constant (do not free it).
 */
const char *xm_strerror(int err);

/* pools */
int xm_pool_create(struct xm *x, const char *name, uint32_t block_size,
		   uint32_t count, uint32_t mode, uint32_t flags);
int xm_pool_open(struct xm *x, const char *name, uint32_t access);
int xm_pool_info(struct xm *x, uint32_t pool, struct xmsg_pool_info *pi);
int xm_pool_map(struct xm *x, uint32_t pool, void **base, size_t *size);
int xm_pool_unmap(struct xm *x, uint32_t pool);
int xm_pool_destroy(struct xm *x, uint32_t pool);
void *xm_ptr(struct xm *x, uint32_t pool, uint64_t offset);

/*
 * heaps (LIBXMSG 0.3, XMSG_FEAT_HEAP): a named region from which messages
 * and bare chunks of any size up to @heap_size are got; @min_order is the
 * log2 of the granule (0: 64 bytes).  A heap handle maps like a pool's:
 * xm_pool_map(), xm_pool_unmap() and xm_ptr() take either, and a body in
 * a heap is reported with its heap handle in @pool of struct xm_msg (and
 * XMSG_MSGF_HEAP in @flags), so @body points into the heap's mapping.  A
 * receiver must hold a handle of the heap (xm_heap_open()) before it
 * receives, else the kernel reports heap 0 (XMSG_MSGF_NOPOOL).  Destroy
 * with xm_destroy() (-EBUSY while chunks are out).  A bare chunk
 * (xm_heap_chunk_get()) is written in place, then made a message without
 * a copy (xm_heap_msg_make()) or freed (xm_heap_chunk_free(), or
 * xm_handle_close()); xm_heap_msg_unmake() turns a heap message back.
 */
int xm_heap_create(struct xm *x, const char *name, uint64_t heap_size,
		   uint32_t min_order, uint32_t mode, uint32_t flags);
int xm_heap_open(struct xm *x, const char *name, uint32_t access);
int xm_heap_info(struct xm *x, uint32_t heap, struct xmsg_heap_info *hi);
int xm_heap_msg_get(struct xm *x, uint32_t heap, uint64_t length,
		    struct xm_msg *m);
int xm_heap_chunk_get(struct xm *x, uint32_t heap, uint64_t length,
		      struct xm_msg *c);
int xm_heap_chunk_free(struct xm *x, uint32_t chunk);
int xm_heap_msg_make(struct xm *x, uint32_t chunk, struct xm_msg *m);
int xm_heap_msg_unmake(struct xm *x, uint32_t msg, struct xm_msg *chunk);

/* bare blocks and standard blocks (@handle, @pool, @body, @offset,
 * @length of struct xm_msg are filled)
 */
int xm_block_get(struct xm *x, uint32_t pool, struct xm_msg *b);
int xm_block_rel(struct xm *x, uint32_t block);
int xm_bcb_get(struct xm *x, uint32_t pool, struct xm_msg *b);
int xm_bcb_rel(struct xm *x, uint32_t bcb);
int xm_bcb_make(struct xm *x, uint32_t block, struct xm_msg *b);
int xm_bcb_unmake(struct xm *x, uint32_t bcb, struct xm_msg *block);

/* messages */
int xm_msg_get(struct xm *x, uint32_t pool, struct xm_msg *m);
int xm_msg_rel(struct xm *x, uint32_t msg);
int xm_msg_make(struct xm *x, uint32_t block, struct xm_msg *m);
int xm_msg_unmake(struct xm *x, uint32_t msg, struct xm_msg *block);
int xm_msg_proxy(struct xm *x, uint32_t msg, uint64_t offset, uint64_t length,
		 struct xm_msg *proxy);
int xm_msg_info(struct xm *x, uint32_t msg, struct xm_msg *m);
/*
 * Copy @length bytes of message @msg's body from @offset to @buf (all or
 * nothing), for bodies that cannot be mapped (XMSG_MSGF_NOPOOL: e.g. a
 * received network frame) or any other.  Errors as XMSG_IOC_MSG_READ
 * (<linux/xmsg.h>): -ERANGE beyond the body, -EBADF, -EINVAL, -EFAULT;
 * -ENOTTY from a kernel without it (no XMSG_FEAT_MSG_READ).
 */
int xm_msg_read(struct xm *x, uint32_t msg, uint64_t offset, void *buf,
		uint64_t length);
/*
 * Say that message @msg (a whole pool block, not a proxy) carries @length
 * bytes (0 to the block size): receivers, later proxies, ring entries and
 * the NIC sample's transmit see that many.  Errors as
 * XMSG_IOC_MSG_SET_LENGTH: -ERANGE beyond the block, -EINVAL for a proxy,
 * -EBADF; -ENOTTY without XMSG_FEAT_MSG_LENGTH.
 */
int xm_msg_set_length(struct xm *x, uint32_t msg, uint64_t length);

/* exchanges */
int xm_xchg_create(struct xm *x, const char *name, uint32_t kind,
		   uint32_t limit, uint32_t mode, uint32_t flags);
int xm_xchg_open(struct xm *x, const char *name, uint32_t access);
int xm_send(struct xm *x, uint32_t xchg, uint32_t msg, uint32_t prio,
	    uint32_t reply, uint32_t flags);
int xm_recv(struct xm *x, uint32_t xchg, int64_t timeout_ns, uint32_t flags,
	    struct xm_msg *m);
int xm_call(struct xm *x, uint32_t send_xchg, uint32_t msg, uint32_t prio,
	    uint32_t reply, uint32_t recv_xchg, int64_t timeout_ns,
	    uint32_t flags, struct xm_msg *answer, int *sent);
int xm_bcast_clear(struct xm *x, uint32_t xchg);
/*
 * Since 0.3.  As xm_send(), but when the exchange's queue is at its limit
 * wait up to @timeout_ns (XM_NOWAIT, XM_FOREVER, relative; absolute
 * CLOCK_MONOTONIC with XMSG_TIMEOUT_ABS in @flags) for room instead of
 * failing with -ENOSPC (XMSG_SEND_WAIT).  @flags: XMSG_SEND_CLOSE_XCHG,
 * XMSG_TIMEOUT_ABS.  Errors as xm_send(), plus -ETIMEDOUT, -EINTR,
 * -ECANCELED (the exchange was cleared); on error the message is still
 * the caller's.  -EINVAL or -E2BIG from a kernel without
 * XMSG_FEAT_SEND_WAIT.
 */
int xm_send_wait(struct xm *x, uint32_t xchg, uint32_t msg, uint32_t prio,
		 uint32_t reply, uint32_t flags, int64_t timeout_ns);
/*
 * Since 0.3.  Empty exchange @xchg (XMSG_IOC_XCHG_CLEAR, write right): its
 * queued messages go back to their pools (a broadcast exchange: our post
 * is withdrawn), and every receiver and sender waiting there fails with
 * -ECANCELED.  -ENOTTY from a kernel without XMSG_FEAT_CLEAR.
 */
int xm_xchg_clear(struct xm *x, uint32_t xchg);
/*
 * Since 0.4 (XMSG_FEAT_BUMP; a kernel without it fails with -EINVAL or
 * -ENOTTY).  Tagged messages, to change their priority while they are
 * queued (smx's MsgBump): the sender keeps no handle of a sent message,
 * so it names it by a tag of its choosing.
 *
 * xm_send_tagged(): as xm_send() (same @flags), the message queued with
 * @tag (0: untagged, as xm_send()); -EINVAL for a tag to a broadcast
 * exchange.
 *
 * xm_recv_tagged(): as xm_recv(), and *@tag (if @tag is not NULL) gets
 * the tag the message was sent with (0: untagged).
 *
 * xm_xchg_bump(): move the first message queued at @xchg with @tag (a
 * normal or pass exchange, write right, not a reply handle) to priority
 * @prio, behind the messages already queued at @prio.  Anyone with the
 * write right may, not only the sender.  -ENOENT when no message with
 * @tag is queued (received already, in a receive ring, cleared), -EINVAL
 * for @tag 0, @prio above XMSG_MSG_PRIO_MAX or a broadcast exchange,
 * -EACCES without the write right, -EPERM for a reply handle.
 */
int xm_send_tagged(struct xm *x, uint32_t xchg, uint32_t msg, uint32_t prio,
		   uint32_t reply, uint32_t flags, uint64_t tag);
int xm_recv_tagged(struct xm *x, uint32_t xchg, int64_t timeout_ns,
		   uint32_t flags, struct xm_msg *m, uint64_t *tag);
int xm_xchg_bump(struct xm *x, uint32_t xchg, uint64_t tag, uint32_t prio);
/*
 * Batches (XMSG_IOC_XFER): send the @n entries of @sends in order (struct
 * xmsg_xfer_send of <linux/xmsg.h>: exchange, message, priority, reply,
 * XMSG_XFER_PROXY to send a proxy of the message instead), then receive
 * up to @max messages from @recv_xchg into @msgs (0 / 0: no receive),
 * waiting up to @timeout_ns for the first and taking the rest only if
 * already queued.  Returns the number of messages received (0 without a
 * receive) or a negative errno; *@sent, if not NULL, is the number of
 * sends done, also on failure.  -ENOTTY from a kernel without
 * XMSG_FEAT_XFER; @n and @max at most XMSG_XFER_MAX.
 *
 * A signal is never followed by a new attempt, neither here nor in the
 * kernel: a signal during the receive returns -EINTR with *@sent = @n
 * (every send done, the handles of @sends consumed); to go on receiving,
 * call again with @n = 0.  The library never issues an ioctl again after
 * EINTR.
 */
int xm_xfer(struct xm *x, const struct xmsg_xfer_send *sends, unsigned int n,
	    uint32_t recv_xchg, struct xm_msg *msgs, unsigned int max,
	    int64_t timeout_ns, unsigned int *sent);

/* semaphores */
int xm_sem_create(struct xm *x, const char *name, uint32_t kind,
		  uint32_t count, uint32_t threshold, uint32_t mode,
		  uint32_t flags);
int xm_sem_open(struct xm *x, const char *name, uint32_t access);
int xm_sem_signal(struct xm *x, uint32_t sem, uint32_t flags);
int xm_sem_wait(struct xm *x, uint32_t sem, int64_t timeout_ns);
/*
 * Since 0.3.  Signal @sig and wait at @wait in one step
 * (XMSG_IOC_SEM_SIGNAL_WAIT): the caller waits at @wait before anyone can
 * see the signal, so a gate opened by a task that the signal released is
 * not missed.  @flags: XMSG_TIMEOUT_ABS or 0.  *@signalled (may be NULL)
 * tells whether @sig was signalled, also on failure (-ETIMEDOUT, -EINTR,
 * -EIDRM, -ECANCELED after the signal; -EAGAIN, -EOVERFLOW, ... before
 * it).  Never retried after a signal.  -ENOTTY from a kernel without
 * XMSG_FEAT_SEM_SIGNAL_WAIT.
 */
int xm_sem_signal_wait(struct xm *x, uint32_t sig, uint32_t wait,
		       int64_t timeout_ns, uint32_t flags, int *signalled);
/*
 * Since 0.3.  Set semaphore @sem's count to 0 (XMSG_IOC_SEM_CLEAR, write
 * right); every task waiting there fails with -ECANCELED.
 */
int xm_sem_clear(struct xm *x, uint32_t sem);

/* poll: an fd that polls readable when a receive/wait would not block */
int xm_poll_fd(struct xm *x, uint32_t handle, uint64_t gen);
int xm_poll_wait(int fd, int timeout_ms);

/*
 * Receive rings (XMSG_IOC_RING): the messages sent to an exchange whose
 * body is in a given pool arrive in memory shared with this process and
 * are read without a system call each.
 *
 *	struct xm_ring r;
 *	const struct xmsg_ring_entry *e;
 *	unsigned int i, n;
 *
 *	xm_ring_open(x, xchg, pool, 1024, 1, 0, &r);
 *	for (;;) {
 *		n = xm_ring_ready(&r);
 *		if (!n) {
 *			xm_ring_wait(&r, -1);	// poll(); -EIDRM when destroyed
 *			continue;
 *		}
 *		for (i = 0; i < n; i++) {
 *			e = xm_ring_entry(&r, i);
 *			use(xm_ring_body(&r, e), e->length);
 *		}
 *		xm_ring_done(&r, n);	// the kernel may now reuse them
 *	}
 */

/**
 * struct xm_ring - a mapped receive ring
 * @fd: the ring's file descriptor (poll it, or use xm_ring_wait())
 * @hdr: the shared header (struct xmsg_ring_hdr)
 * @ent: the entries
 * @mask: entries - 1
 * @cons: the next entry to read (our copy of @hdr->consumer)
 * @map_size: bytes of the ring mapping
 * @pool_base: the pool's mapping (xm_pool_map())
 * @pool_size: bytes of it
 */
struct xm_ring {
	int fd;
	struct xmsg_ring_hdr *hdr;
	struct xmsg_ring_entry *ent;
	uint32_t mask;
	uint32_t cons;
	size_t map_size;
	void *pool_base;
	size_t pool_size;
};

/*
 * Open a ring of @entries (a power of two) at exchange @xchg for bodies
 * of @pool (both read right) and map it and the pool.  poll() reports the
 * ring readable at @wake_min ready entries, or @wake_us after it found
 * fewer (@wake_min 0 or 1 and @wake_us 0: at the first).  Errors as
 * XMSG_IOC_RING (-EBUSY: the exchange has a ring) and mmap().
 */
int xm_ring_open(struct xm *x, uint32_t xchg, uint32_t pool, uint32_t entries,
		 uint32_t wake_min, uint32_t wake_us, struct xm_ring *r);
/* Unmap and close: the kernel releases what is still in the ring. */
void xm_ring_close(struct xm_ring *r);
/* Wait until poll() reports the ring readable: 1, 0 on timeout, -EIDRM
 * once the exchange is destroyed and the ring is empty, or -errno.
 */
int xm_ring_wait(struct xm_ring *r, int timeout_ms);

/*
 * Take the message of the @i-th ready entry out of the ring
 * (XMSG_IOC_RING_TAKE) into this context, as if received: *@m is filled
 * like xm_msg_info() (handle, pool, body...).  Send it on, proxy it or
 * release it; the entry is still to be passed with xm_ring_done().
 * Errors: -ENOENT (no such ready entry, or taken already), -EMFILE, ...
 */
int xm_ring_take(struct xm *x, const struct xm_ring *r, unsigned int i,
		 struct xm_msg *m);

/* Entries ready to read, from xm_ring_entry(r, 0) on. */
static inline unsigned int xm_ring_ready(const struct xm_ring *r)
{
	return __atomic_load_n(&r->hdr->producer, __ATOMIC_ACQUIRE) - r->cons;
}

/* The @i-th ready entry (@i < xm_ring_ready()). */
static inline const struct xmsg_ring_entry *
xm_ring_entry(const struct xm_ring *r, unsigned int i)
{
	return &r->ent[(r->cons + i) & r->mask];
}

/* The body of @e in the pool mapping, NULL if it lies outside it. */
static inline void *xm_ring_body(const struct xm_ring *r,
				 const struct xmsg_ring_entry *e)
{
	if (e->offset > r->pool_size || e->length > r->pool_size - e->offset)
		return NULL;
	return (char *)r->pool_base + e->offset;
}

/* Done with the first @n ready entries: their messages go back. */
static inline void xm_ring_done(struct xm_ring *r, unsigned int n)
{
	r->cons += n;
	__atomic_store_n(&r->hdr->consumer, r->cons, __ATOMIC_RELEASE);
}

/*
 * Send rings (XMSG_IOC_TXRING), since 0.4: messages sent to an exchange
 * from blocks of a pool the ring leases, without a system call per
 * message: take a free block, write the body in place, post it, and kick
 * the kernel once per batch (only when it asks for it).
 *
 *	struct xm_txring t;
 *	struct xmsg_txring_comp c[64];
 *	uint64_t off;
 *	char *p;
 *
 *	xm_txring_open(x, xchg, pool, 256, 128, &t);
 *	while (more) {
 *		p = xm_txring_block(&t, &off);
 *		if (!p) {		// every leased block is out
 *			xm_txring_kick(&t, NULL, NULL);
 *			continue;
 *		}
 *		n = fill(p);
 *		xm_txring_post(&t, off, n, 0);
 *		xm_txring_flush(&t);	// kicks only if the kernel asks
 *		xm_txring_reap(&t, c, 64);	// c[i].err: 0 when sent
 *	}
 */

/**
 * struct xm_txring - a mapped send ring
 * @x: the context it was opened with (kicks go through it)
 * @fd: the ring's file descriptor
 * @hdr: the shared header (struct xmsg_txring_hdr)
 * @send: the send ring (descriptors we post)
 * @comp: the completion ring
 * @fill: the fill ring (offsets of free leased blocks)
 * @mask: entries - 1
 * @send_prod: descriptors posted (our copy of @hdr->send_producer)
 * @comp_cons: completions read (our copy of @hdr->comp_consumer)
 * @fill_cons: fill entries taken (our copy of @hdr->fill_consumer)
 * @map_size: bytes of the ring mapping
 * @pool_base: the pool's mapping (xm_pool_map())
 * @pool_size: bytes of it
 */
struct xm_txring {
	struct xm *x;
	int fd;
	struct xmsg_txring_hdr *hdr;
	struct xmsg_txring_desc *send;
	struct xmsg_txring_comp *comp;
	uint64_t *fill;
	uint32_t mask;
	uint32_t send_prod;
	uint32_t comp_cons;
	uint32_t fill_cons;
	size_t map_size;
	void *pool_base;
	size_t pool_size;
};

/*
 * Open a send ring of @entries (a power of two) per ring to exchange
 * @xchg (write right), keeping @blocks (1 to @entries) blocks of @pool
 * (read and write rights) leased, and map it and the pool.  Errors as
 * XMSG_IOC_TXRING (-EACCES, -ENOBUFS: the pool has no free block, ...)
 * and mmap().
 */
int xm_txring_open(struct xm *x, uint32_t xchg, uint32_t pool,
		   uint32_t entries, uint32_t blocks, struct xm_txring *t);
/* Unmap and close: every block still leased goes back to the pool. */
void xm_txring_close(struct xm_txring *t);
/*
 * Have the kernel send what is posted (XMSG_IOC_TXRING_KICK, one batch of
 * at most XMSG_TXRING_BATCH_MAX) and lease blocks again; *@sent and
 * *@refused (either may be NULL) say how many descriptors it took.
 */
int xm_txring_kick(struct xm_txring *t, uint32_t *sent, uint32_t *refused);
/*
 * Kick if the kernel needs one (XMSG_TXRING_F_NEED_WAKEUP) and something
 * is posted and not taken: 0, or the kick's error.
 */
int xm_txring_flush(struct xm_txring *t);

/* A free leased block to fill: its address, its offset in *@offset; NULL
 * when the fill ring is empty (kick to lease more).
 */
static inline void *xm_txring_block(struct xm_txring *t, uint64_t *offset)
{
	uint64_t off;

	if (__atomic_load_n(&t->hdr->fill_producer, __ATOMIC_ACQUIRE) ==
	    t->fill_cons)
		return NULL;
	off = t->fill[t->fill_cons & t->mask];
	t->fill_cons++;
	__atomic_store_n(&t->hdr->fill_consumer, t->fill_cons,
			 __ATOMIC_RELAXED);
	if (off >= t->pool_size)
		return NULL;
	*offset = off;
	return (char *)t->pool_base + off;
}

/* Post the block at @offset as a message of @len bytes, priority @prio:
 * 0, or -EAGAIN while the send ring is full (kick).
 */
static inline int xm_txring_post(struct xm_txring *t, uint64_t offset,
				 uint32_t len, uint16_t prio)
{
	struct xmsg_txring_desc *d;

	if (t->send_prod - __atomic_load_n(&t->hdr->send_consumer,
					   __ATOMIC_ACQUIRE) > t->mask)
		return -EAGAIN;
	d = &t->send[t->send_prod & t->mask];
	d->offset = offset;
	d->len = len;
	d->prio = prio;
	d->flags = 0;
	t->send_prod++;
	__atomic_store_n(&t->hdr->send_producer, t->send_prod,
			 __ATOMIC_RELEASE);
	return 0;
}

/* Copy up to @max completions into @c and pass them: how many. */
static inline unsigned int xm_txring_reap(struct xm_txring *t,
					  struct xmsg_txring_comp *c,
					  unsigned int max)
{
	uint32_t n = __atomic_load_n(&t->hdr->comp_producer,
				     __ATOMIC_ACQUIRE) - t->comp_cons;
	unsigned int i;

	if (n > max)
		n = max;
	for (i = 0; i < n; i++)
		c[i] = t->comp[(t->comp_cons + i) & t->mask];
	t->comp_cons += n;
	__atomic_store_n(&t->hdr->comp_consumer, t->comp_cons,
			 __ATOMIC_RELEASE);
	return n;
}

/*
 * ---- The NIC sample module (xmsg_nic.ko) ------------------------------
 *
 * Attach a network device, detach it and read its counters through the
 * module's generic netlink family (<linux/xmsg_nic.h>, docs/nic.md), over
 * a netlink socket of its own (no context, no /dev/xmsg).  Devices are
 * named in the caller's network namespace, by @ifname (not NULL) or
 * @ifindex (not 0), or both (then they must name the same device).
 * Errors: -EPERM (attach, detach: no CAP_NET_ADMIN), -ENODEV (no such
 * device), -ENOENT (not attached), -EEXIST (attached already, or a name
 * of its objects is taken), -EBUSY (another rx_handler), -EINVAL (bad
 * arguments, not an Ethernet device), -ERANGE (@mode or @krecv out of
 * range), -ENOPROTOOPT (the family is not registered: the module is not
 * loaded), or a socket error.
 */
#include <linux/xmsg_nic.h>

/**
 * struct xm_nic_attach_opts - how to attach (all 0: the defaults)
 * @mode: XMSG_NIC_MODE_POOL (0) or XMSG_NIC_MODE_ZC
 * @krecv: XMSG_NIC_KRECV_NONE (0), _ECHO or _SINK: a kernel receiver
 * @ethertype: the EtherType taken, host order; 0: the module's parameter
 */
struct xm_nic_attach_opts {
	uint32_t mode;
	uint32_t krecv;
	uint16_t ethertype;
};

/**
 * struct xm_nic_stats - an attachment and its counters
 * @ifindex: the device's ifindex
 * @ifname: its name at attach time (the objects are named after it)
 * @mode: XMSG_NIC_MODE_*
 * @krecv: XMSG_NIC_KRECV_*
 * @ethertype: the EtherType taken, host order
 * @stat: the counters, indexed by XMSG_NIC_STAT_* (xm_nic_stat_name());
 *	0 for those the kernel does not report
 */
struct xm_nic_stats {
	uint32_t ifindex;
	char ifname[16];
	uint32_t mode;
	uint32_t krecv;
	uint16_t ethertype;
	uint64_t stat[XMSG_NIC_STAT_MAX + 1];
};

int xm_nic_attach(const char *ifname, uint32_t ifindex,
		  const struct xm_nic_attach_opts *opts);
int xm_nic_detach(const char *ifname, uint32_t ifindex);
int xm_nic_stats(const char *ifname, uint32_t ifindex,
		 struct xm_nic_stats *st);
/* Every attachment of the caller's network namespace: *@st (free() it)
 * and *@n entries.
 */
int xm_nic_stats_all(struct xm_nic_stats **st, size_t *n);
/* The name of counter @stat as debugfs prints it ("rx_frames"), or NULL. */
const char *xm_nic_stat_name(unsigned int stat);
/* One request of the family with attributes the caller built (struct
 * nlattr, aligned): the kernel's answer, 0 or -errno; replies other than
 * the acknowledgement are discarded.  For attributes this library does
 * not know yet, and for tests.
 */
int xm_nic_request(uint8_t cmd, const void *attrs, size_t len);

/* ---- end of the NIC sample module ------------------------------------ */

#ifdef __cplusplus
}
#endif

#endif /* LIBXMSG_H */
