/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * xmsg user-space API: the /dev/xmsg character device.
 *
 * Copyright (C) The xmsg developers
 *
 * Overview
 * ========
 * Open /dev/xmsg once per process (or per thread group that wants its own
 * ownership domain).  The open file is an *owner*: everything obtained
 * through it (blocks, messages, references to objects) is released when the
 * last reference to the file goes away (close, exit, kill -9).  Messages
 * already sent stay with their exchanges.
 *
 * Everything is reached through *handles*: small positive integers (1, 2,
 * ...) in a per-file table, the lowest free one first (like file
 * descriptors, so a closed handle's number is soon reused).  0 is never a
 * valid handle.  A handle names one
 * of: a pool, an exchange, a semaphore, a heap, a message, a standard
 * block (BCB), a bare block or a bare heap chunk.  Handles of one open
 * file mean nothing in another.
 *
 * Message bodies are never copied: they live in a pool's region or a
 * heap's, which is mapped with mmap(2) at offset XMSG_MMAP_OFFSET(pool or
 * heap handle).  Every call that yields a body reports it as (pool or heap
 * handle, offset, length); XMSG_MSGF_HEAP says the handle is a heap's.
 *
 * Conventions of every ioctl
 * ==========================
 * - Every argument struct starts with __u32 size, __u32 flags.  Set size
 *   to sizeof() the struct as your header knows it; it must also equal
 *   _IOC_SIZE(cmd).  The kernel picks the command by _IOC_NR(cmd), so a
 *   program built against an older (smaller) struct keeps working: missing
 *   fields read as zero.  A size larger than the kernel's struct is
 *   accepted only if the extra bytes are all zero (else -E2BIG).  A size
 *   smaller than the first version of the struct is -EINVAL.
 * - Unknown flags, non-zero reserved/pad fields, and non-zero bytes after
 *   the terminating NUL of a name are -EINVAL.
 * - Unknown handle (or 0 where a handle is required): -EBADF.  A handle of
 *   the wrong type: -EINVAL.  A handle without the right needed
 *   (read or write, see XMSG_ACC_*): -EACCES.
 * - A call that fails changes nothing, unless its documentation says so
 *   (only XMSG_IOC_CALL can fail after its send part has happened; it then
 *   says so in xmsg_call.result).
 * - Output fields are written only on success; fields you do not know
 *   about (size smaller than the kernel's) are not written.
 * - Layouts are identical for 32- and 64-bit processes (no pointers, no
 *   longs, explicit padding), so compat tasks use the same ioctls.
 *
 * Named objects
 * =============
 * Pools, heaps, exchanges and semaphores may have a name: 1 to XMSG_NAME_MAX - 1
 * bytes from [A-Za-z0-9._-], not starting with '.', NUL-terminated in a
 * char[XMSG_NAME_MAX] whose remaining bytes are zero.  Each type has its own
 * name space, per IPC namespace.  An object has an owner uid/gid (the
 * creator's fsuid/fsgid) and a mode (0 to 0777, no umask applied), checked
 * like POSIX IPC: read (XMSG_ACC_READ) = receive, wait, map read-only;
 * write (XMSG_ACC_WRITE) = send, signal, get blocks/messages, map writable.
 * On a pool, what write allows needs read too (a block taken may still
 * hold its last user's bytes): a write-only pool handle can do nothing.
 * The owner or a task with CAP_IPC_OWNER may destroy.  Exchanges and
 * semaphores may be anonymous (empty name): reachable only through the
 * creator's handle and through reply handles.  Pools and heaps must be
 * named.
 */
#ifndef _UAPI_LINUX_XMSG_H
#define _UAPI_LINUX_XMSG_H

#include <linux/ioctl.h>
#include <linux/types.h>

/*
 * Constants
 * =========
 */

/*
 * API version reported by XMSG_IOC_FEATURES.  Bumped on incompatible
 * change; compatible additions are announced by feature bits.
 * 1: first version, ioctl magic 0xB8.
 * 2: ioctl magic 0xBE (0xB8 is registered to other drivers); programs
 *    built against version 1 must be rebuilt.
 */
#define XMSG_API_VERSION	2

/* Bytes of a name including its terminating NUL */
#define XMSG_NAME_MAX		32

/* Highest message priority (0 is the lowest) */
#define XMSG_MSG_PRIO_MAX	31

/*
 * mmap(2) offset of a pool's (or heap's) region: map the region (or a
 * prefix of it) from offset XMSG_MMAP_OFFSET(pool or heap handle),
 * MAP_SHARED.  The region starts
 * at that address; body offsets are relative to it.
 */
#define XMSG_MMAP_SHIFT		16
#define XMSG_MMAP_OFFSET(handle)	((__u64)(handle) << XMSG_MMAP_SHIFT)

/*
 * Handle and object types (xmsg_info.type, xmsg_open.type,
 * xmsg_list.type, xmsg_list_entry.type)
 */
/* a pool of fixed-size blocks */
#define XMSG_TYPE_POOL		1
/* an exchange */
#define XMSG_TYPE_XCHG		2
/* a semaphore */
#define XMSG_TYPE_SEM		3
/* a message (or a proxy) */
#define XMSG_TYPE_MSG		4
/* a standard block */
#define XMSG_TYPE_BCB		5
/* a bare block */
#define XMSG_TYPE_BLOCK		6
/* a heap of variable-size chunks */
#define XMSG_TYPE_HEAP		7
/* a bare heap chunk */
#define XMSG_TYPE_CHUNK		8

/*
 * Heaps (XMSG_IOC_HEAP_CREATE)
 */
/* largest heap: 1 GiB */
#define XMSG_HEAP_SIZE_MAX	0x40000000ULL
/* granule of a heap whose min_order is 0: 64 bytes */
#define XMSG_HEAP_ORDER_DEFAULT	6
/* smallest and largest min_order other than 0 */
#define XMSG_HEAP_ORDER_MIN	3
#define XMSG_HEAP_ORDER_MAX	16

/*
 * Access rights of a handle (xmsg_*_create.access, xmsg_open.access,
 * xmsg_info.rights).  A request must be non-zero and a subset of both.
 */
#define XMSG_ACC_READ		0x1
#define XMSG_ACC_WRITE		0x2
#define XMSG_ACC_RDWR		(XMSG_ACC_READ | XMSG_ACC_WRITE)

/*
 * Flags of the *_CREATE commands
 */
/*
 * Fail with -EEXIST if it exists.  Without it a *_CREATE of a name in use
 * opens that object (XMSG_RESULT_CREATED clear) only if the caller may
 * open it with @access (else -EACCES) and it is what the request would
 * have created, as XMSG_IOC_INFO reports it: a pool's stride and count, a
 * heap's size and granule, an exchange's kind, flags (XMSG_XCHG_F_*) and
 * queue limit (0 and the default are the same), a semaphore's kind and
 * threshold (not its count, which is state); else -EEXIST and nothing
 * changes.  So whoever created the name first cannot hand a create-or-open
 * caller an object of another kind or behaviour.
 */
#define XMSG_CREATE_EXCL	0x1
/*
 * XMSG_IOC_XCHG_CREATE of an XMSG_XCHG_KIND_PASS exchange only (-EINVAL
 * with another kind): a receiver runs at a scheduling priority derived
 * from the received message's priority until its next receive there
 * (XMSG_FEAT_PRIO_PASS).  Part of what an exchange is: a create-or-open
 * (no XMSG_CREATE_EXCL) of an existing exchange created with another
 * value fails with -EEXIST; reported in xmsg_xchg_info.flags.
 */
#define XMSG_XCHG_F_PASS_SCHED	0x10

/*
 * xmsg_*_create.result bits (out)
 */
/* created (not opened an existing one) */
#define XMSG_RESULT_CREATED	0x1

/*
 * Exchange kinds (xmsg_xchg_create.kind, xmsg_xchg_info.kind)
 */
/* passes messages */
#define XMSG_XCHG_KIND_NORMAL	0
/* also passes the priority on */
#define XMSG_XCHG_KIND_PASS	1
/* one sticky message, every receiver gets a proxy of it */
#define XMSG_XCHG_KIND_BCAST	2

/*
 * Semaphore kinds (xmsg_sem_create.kind, xmsg_sem_info.kind)
 */
/* counting */
#define XMSG_SEM_KIND_COUNT	0
/* a waiter per @threshold signals */
#define XMSG_SEM_KIND_THRESHOLD	1
/* a signal releases every waiter */
#define XMSG_SEM_KIND_GATE	2

/*
 * Flags of struct xmsg_handle_op (XMSG_IOC_CLOSE, XMSG_IOC_DESTROY,
 * XMSG_IOC_BCAST_CLEAR, XMSG_IOC_XCHG_CLEAR, XMSG_IOC_SEM_CLEAR): none yet.
 */

/*
 * xmsg_info.obj_flags (out)
 */
/* destroyed */
#define XMSG_OBJF_DEAD		0x1
/* a reply handle (no name, no owner) */
#define XMSG_OBJF_REPLY		0x2

/*
 * xmsg_buf.msg_flags, xmsg_recv.msg_flags, xmsg_call.msg_flags,
 * xmsg_xfer_recv.msg_flags, xmsg_buf_info.msg_flags (out)
 */
/* a proxy of another message's body */
#define XMSG_MSGF_PROXY		0x1
/*
 * body not in a pool (or heap) this file has a handle for (pool = 0): open
 * the pool or heap by name, or the body is not in any (a kernel heap,
 * external memory: offset = 0)
 */
#define XMSG_MSGF_NOPOOL	0x2
/* body in a heap: @pool is a heap handle, @offset relative to its region */
#define XMSG_MSGF_HEAP		0x4

/*
 * xmsg_xchg_info.peek, xmsg_sem_info.peek (out; XMSG_FEAT_PEEK): what the
 * peek fields describe.  Filled only through a handle with the read right
 * (else 0).
 */
/* @first_prio, @first_length: the message a receive would take now */
#define XMSG_PEEK_MSG		0x1
/* @waiter_pid, @waiter_tid: the task first in line to receive / pass */
#define XMSG_PEEK_WAITER	0x2

/*
 * Flags of struct xmsg_msg_read: none yet.
 */

/*
 * Flags of struct xmsg_send (and of struct xmsg_call for its send part)
 */
/* close @xchg after a successful send (one-shot reply handles) */
#define XMSG_SEND_CLOSE_XCHG	0x4
/*
 * XMSG_IOC_SEND only: when the queue is at its limit, wait up to
 * xmsg_send.timeout_ns for room instead of failing with -ENOSPC
 * (XMSG_TIMEOUT_ABS makes it absolute); XMSG_FEAT_SEND_WAIT
 */
#define XMSG_SEND_WAIT		0x8
/*
 * XMSG_IOC_SEND of a real message (not a proxy) to a broadcast exchange
 * only: releasing the message (XMSG_IOC_MSG_REL, or XMSG_IOC_CLOSE of its
 * handle) withdraws this post, as XMSG_IOC_BCAST_CLEAR would; without it
 * the post stays until replaced, cleared, destroyed or the file closes.
 * So it does when the message leaves the file before it is released (sent
 * to a normal or pass exchange, unmade): a release of the same message
 * received back later under a new handle withdraws nothing.
 * Receivers keep their proxies either way.  XMSG_FEAT_CLEAR
 */
#define XMSG_SEND_BCAST_WITHDRAW	0x10

/*
 * Flags of struct xmsg_recv, struct xmsg_call, struct xmsg_sem_op,
 * struct xmsg_xfer, struct xmsg_sem_signal_wait (and of struct xmsg_send
 * with XMSG_SEND_WAIT: XMSG_TIMEOUT_ABS)
 */
/* broadcast: only a message of a generation newer than @gen */
#define XMSG_RECV_NEWER		0x1
/* timeout_ns is an absolute CLOCK_MONOTONIC time */
#define XMSG_TIMEOUT_ABS	0x2

/*
 * Special timeouts (timeout_ns)
 */
/* do not block: -EAGAIN */
#define XMSG_TIMEOUT_NONE	0
/* block until a message comes */
#define XMSG_TIMEOUT_FOREVER	(-1LL)

/*
 * xmsg_call.result bits (out, written even when the call fails)
 */
/* the send part succeeded */
#define XMSG_CALL_SENT		0x1

/*
 * xmsg_sem_signal_wait.result bits (out, written even when the call fails)
 */
/* the signal part happened */
#define XMSG_SEM_SIGNALLED	0x1

/*
 * Most entries of each array of one XMSG_IOC_XFER
 */
#define XMSG_XFER_MAX		64

/*
 * Flags of struct xmsg_xfer_send
 */
/*
 * send a new proxy of the whole @msg (which stays the caller's) instead of
 * @msg itself; not to a broadcast exchange
 */
#define XMSG_XFER_PROXY		0x1

/*
 * Receive rings (XMSG_IOC_RING)
 */
/* most entries of a ring */
#define XMSG_RING_ENTRIES_MAX	65536
/* longest wake_us of a ring: one second */
#define XMSG_RING_WAKE_US_MAX	1000000
/* offset of the first struct xmsg_ring_entry in a ring's mapping */
#define XMSG_RING_ENTRIES_OFFSET	128

/*
 * struct xmsg_ring_hdr.flags (written by the kernel)
 */
/* the exchange is destroyed: no more entries will come */
#define XMSG_RING_F_DEAD	0x1
/*
 * messages wait at the exchange that the ring cannot take (full, or not a
 * body of the ring's pool): receive those with XMSG_IOC_RECV; a hint
 */
#define XMSG_RING_F_QUEUED	0x2

/*
 * Send rings (XMSG_IOC_TXRING)
 */
/* most entries of each ring of a send ring */
#define XMSG_TXRING_ENTRIES_MAX	65536
/* descriptors one XMSG_IOC_TXRING_KICK takes at most */
#define XMSG_TXRING_BATCH_MAX	256
/* offset of the send ring (struct xmsg_txring_desc) in the mapping */
#define XMSG_TXRING_SEND_OFFSET	256

/*
 * struct xmsg_txring_hdr.flags (written by the kernel)
 */
/* no drain runs or is due: XMSG_IOC_TXRING_KICK to have posts sent */
#define XMSG_TXRING_F_NEED_WAKEUP	0x1
/* the exchange is destroyed: every descriptor now completes -EIDRM */
#define XMSG_TXRING_F_DEAD	0x2

/*
 * Why a send ring refused a descriptor: index of struct
 * xmsg_txring_hdr.refused (and the errno of its completion entry)
 */
/* the offset is beyond the pool's blocks (-ERANGE) */
#define XMSG_TXRING_REFUSED_RANGE	0
/* the offset is not the start of a block (-EINVAL) */
#define XMSG_TXRING_REFUSED_ALIGN	1
/* the block is not leased to this ring: another's, or sent already (-EBADF) */
#define XMSG_TXRING_REFUSED_LEASE	2
/* len is 0 or beyond the block size (-EMSGSIZE) */
#define XMSG_TXRING_REFUSED_LEN		3
/* prio beyond XMSG_MSG_PRIO_MAX (-EINVAL) */
#define XMSG_TXRING_REFUSED_PRIO	4
/* flags not 0 (-EINVAL) */
#define XMSG_TXRING_REFUSED_FLAGS	5
/* the exchange refused the message (its errno: -EIDRM, -ENOSPC, ...) */
#define XMSG_TXRING_REFUSED_SEND	6
/* entries of struct xmsg_txring_hdr.refused */
#define XMSG_TXRING_REFUSED_NR		8

/*
 * Flags of struct xmsg_sem_op for XMSG_IOC_SEM_SIGNAL
 */
/* close @handle after the signal */
#define XMSG_SEM_CLOSE		0x4

/*
 * Flags of struct xmsg_poll_fd, struct xmsg_ring_setup and struct
 * xmsg_txring_setup
 */
/* O_CLOEXEC on the new fd */
#define XMSG_FD_CLOEXEC		0x1

/*
 * Argument structs, in command order
 * ==================================
 */

/**
 * struct xmsg_features - XMSG_IOC_FEATURES: what this kernel supports
 * @size: sizeof(struct xmsg_features)
 * @flags: 0
 * @api_version: out: XMSG_API_VERSION of the kernel
 * @name_max: out: XMSG_NAME_MAX
 * @features: out: XMSG_FEAT_* bits
 * @prio_max: out: XMSG_MSG_PRIO_MAX
 * @mmap_shift: out: XMSG_MMAP_SHIFT
 * @max_pools: out: limit of pools per user
 * @max_objects: out: limit of exchanges + semaphores per user
 * @max_pool_bytes: out: limit of kernel memory bytes per user: pool regions
 *	and metadata, exchange queues, receive rings
 * @max_handles: out: limit of handles per open file
 * @max_block_count: out: most blocks in one pool
 * @reserved: 0
 */
struct xmsg_features {
	__u32 size;
	__u32 flags;
	__u32 api_version;
	__u32 name_max;
	__u64 features;
	__u32 prio_max;
	__u32 mmap_shift;
	__u32 max_pools;
	__u32 max_objects;
	__u64 max_pool_bytes;
	__u32 max_handles;
	__u32 max_block_count;
	__u64 reserved[4];
};

/**
 * struct xmsg_pool_create - XMSG_IOC_POOL_CREATE: create (or open) a pool
 * @size: sizeof(struct xmsg_pool_create)
 * @flags: XMSG_CREATE_EXCL or 0
 * @name: the pool's name (pools must be named)
 * @mode: permission bits, 0 to 0777
 * @access: rights wanted on the new handle (XMSG_ACC_*)
 * @block_size: bytes per block, 1 or more
 * @count: blocks, 1 to xmsg_features.max_block_count
 * @align: block alignment: 0 (default: 64, or the page size when
 *	@block_size is a multiple of it) or a power of two up to the page size
 * @handle: out: the pool handle
 * @stride: out: bytes from one block to the next (>= @block_size)
 * @result: out: XMSG_RESULT_CREATED if created
 * @region_size: out: bytes of the mappable region
 * @reserved: 0
 *
 * Without XMSG_CREATE_EXCL an existing pool of that name is opened instead
 * if its stride and count are those this request would give (see
 * XMSG_CREATE_EXCL), else -EEXIST.
 * Errors: -EINVAL (bad field), -EEXIST, -EACCES (existing, no rights),
 * -ENOSPC (per-user pool bytes), -EMFILE (per-user pools or handles),
 * -ENOMEM.
 */
struct xmsg_pool_create {
	__u32 size;
	__u32 flags;
	char name[XMSG_NAME_MAX];
	__u32 mode;
	__u32 access;
	__u32 block_size;
	__u32 count;
	__u32 align;
	__u32 handle;
	__u32 stride;
	__u32 result;
	__u64 region_size;
	__u64 reserved[2];
};

/**
 * struct xmsg_xchg_create - XMSG_IOC_XCHG_CREATE: create (or open) an exchange
 * @size: sizeof(struct xmsg_xchg_create)
 * @flags: XMSG_CREATE_EXCL, XMSG_XCHG_F_PASS_SCHED, or 0
 * @name: its name, or all zero for an anonymous exchange (never opened
 *	by name; XMSG_CREATE_EXCL is then meaningless but allowed)
 * @mode: permission bits, 0 to 0777
 * @access: rights wanted on the new handle (XMSG_ACC_*)
 * @kind: XMSG_XCHG_KIND_*
 * @limit: most messages queued at once, 0 for the default
 * @handle: out: the exchange handle
 * @result: out: XMSG_RESULT_CREATED if created
 * @reserved: 0
 *
 * Without XMSG_CREATE_EXCL an existing exchange of that name is opened
 * instead if its @kind, XMSG_XCHG_F_PASS_SCHED and effective @limit are
 * those of the request (see XMSG_CREATE_EXCL), else -EEXIST.
 */
struct xmsg_xchg_create {
	__u32 size;
	__u32 flags;
	char name[XMSG_NAME_MAX];
	__u32 mode;
	__u32 access;
	__u32 kind;
	__u32 limit;
	__u32 handle;
	__u32 result;
	__u64 reserved[2];
};

/**
 * struct xmsg_sem_create - XMSG_IOC_SEM_CREATE: create (or open) a semaphore
 * @size: sizeof(struct xmsg_sem_create)
 * @flags: XMSG_CREATE_EXCL or 0
 * @name: its name, or all zero for an anonymous semaphore
 * @mode: permission bits, 0 to 0777
 * @access: rights wanted on the new handle (XMSG_ACC_*)
 * @kind: XMSG_SEM_KIND_*
 * @count: initial count
 * @threshold: XMSG_SEM_KIND_THRESHOLD: signals per release, 1 or more;
 *	other kinds: 0
 * @handle: out: the semaphore handle
 * @result: out: XMSG_RESULT_CREATED if created
 * @pad: 0
 * @reserved: 0
 *
 * Without XMSG_CREATE_EXCL an existing semaphore of that name is opened
 * instead if its @kind (and for XMSG_SEM_KIND_THRESHOLD its @threshold)
 * are those of the request, whatever its count now; else -EEXIST.
 */
struct xmsg_sem_create {
	__u32 size;
	__u32 flags;
	char name[XMSG_NAME_MAX];
	__u32 mode;
	__u32 access;
	__u32 kind;
	__u32 count;
	__u32 threshold;
	__u32 handle;
	__u32 result;
	__u32 pad;
	__u64 reserved[2];
};

/**
 * struct xmsg_heap_create - XMSG_IOC_HEAP_CREATE: create (or open) a heap
 * @size: sizeof(struct xmsg_heap_create)
 * @flags: XMSG_CREATE_EXCL or 0
 * @name: the heap's name (heaps must be named)
 * @mode: permission bits, 0 to 0777
 * @access: rights wanted on the new handle (XMSG_ACC_*)
 * @heap_size: bytes of the heap: one granule to XMSG_HEAP_SIZE_MAX; the
 *	largest chunk one get may ask for
 * @min_order: log2 of the granule (chunks are rounded up to it): 0 for
 *	XMSG_HEAP_ORDER_DEFAULT, or XMSG_HEAP_ORDER_MIN to
 *	XMSG_HEAP_ORDER_MAX
 * @handle: out: the heap handle
 * @result: out: XMSG_RESULT_CREATED if created
 * @pad: 0
 * @region_size: out: bytes of the mappable region (@heap_size of the heap
 *	opened, rounded up to pages)
 * @reserved: 0
 *
 * A heap is one region, mapped like a pool's (XMSG_MMAP_OFFSET(handle)),
 * from which messages and bare chunks of any size up to its @heap_size are
 * carved (XMSG_IOC_HEAP_MSG_GET, XMSG_IOC_HEAP_CHUNK_GET).  Its memory is
 * charged to the creator's memory cgroup and counted (with a bit per
 * granule) against the creator's xmsg_features.max_pool_bytes; a heap
 * counts as a pool against max_pools.  Without XMSG_CREATE_EXCL an
 * existing heap of that name is opened instead if its @heap_size and
 * granule are those of the request, else -EEXIST.  XMSG_IOC_OPEN, _CLOSE, _DESTROY,
 * _INFO and _LIST work on heaps as on pools.
 * Errors: -EINVAL (bad field), -EEXIST, -EACCES (existing, no rights),
 * -ENOSPC (per-user bytes), -EMFILE (per-user pools or handles), -ENOMEM.
 */
struct xmsg_heap_create {
	__u32 size;
	__u32 flags;
	char name[XMSG_NAME_MAX];
	__u32 mode;
	__u32 access;
	__u64 heap_size;
	__u32 min_order;
	__u32 handle;
	__u32 result;
	__u32 pad;
	__u64 region_size;
	__u64 reserved[2];
};

/**
 * struct xmsg_open - XMSG_IOC_OPEN: open a named pool, exchange or semaphore
 * @size: sizeof(struct xmsg_open)
 * @flags: 0
 * @name: the name
 * @type: XMSG_TYPE_POOL, XMSG_TYPE_XCHG, XMSG_TYPE_SEM or XMSG_TYPE_HEAP
 * @access: rights wanted (XMSG_ACC_*), checked against the object's mode
 * @handle: out: the new handle
 * @pad: 0
 * @reserved: 0
 *
 * Errors: -EINVAL, -ENOENT (no such name), -EACCES, -EMFILE, -ENOMEM.
 */
struct xmsg_open {
	__u32 size;
	__u32 flags;
	char name[XMSG_NAME_MAX];
	__u32 type;
	__u32 access;
	__u32 handle;
	__u32 pad;
	__u64 reserved[2];
};

/**
 * struct xmsg_handle_op - a command on one handle
 * @size: sizeof(struct xmsg_handle_op)
 * @flags: 0
 * @handle: the handle
 * @pad: 0
 * @reserved: 0
 *
 * XMSG_IOC_CLOSE: drop the handle.  A message, BCB or bare block handle
 * releases what it names (as XMSG_IOC_MSG_REL etc.); an object handle drops
 * this file's reference.  Errors: -EBADF.
 *
 * XMSG_IOC_DESTROY: destroy the pool, heap, exchange or semaphore (unlink
 * its name; blocked receivers/waiters fail with -EIDRM; other handles to
 * it stay valid but fail with -EIDRM) and close @handle.  A pool (heap) is
 * refused with -EBUSY while any block (chunk) is out or any mapping of it
 * exists (including the caller's).  Errors: -EBADF, -EINVAL (not an object), -EPERM (not the
 * owner, no CAP_IPC_OWNER; also for reply handles), -EBUSY, -EIDRM
 * (already destroyed).
 *
 * XMSG_IOC_BCAST_CLEAR: withdraw the message posted at a broadcast
 * exchange (write right).  Errors: -EBADF, -EINVAL (not a broadcast
 * exchange), -EACCES, -EIDRM, -ENOENT (nothing posted).
 *
 * XMSG_IOC_XCHG_CLEAR: empty an exchange and keep it (write right; not
 * through a reply handle).  Every queued message is released to its pool
 * (messages already in a receive ring stay there); at a broadcast
 * exchange the post is withdrawn as by XMSG_IOC_BCAST_CLEAR (only by the
 * file that posted it, else -EPERM; nothing posted is no error).  Every
 * receiver waiting there, and every sender waiting for room
 * (XMSG_SEND_WAIT, its message stays its own), fails with -ECANCELED.
 * Errors: -EBADF, -EINVAL (not an exchange), -EACCES (no write right),
 * -EPERM (a reply handle; a post of another file), -EIDRM.
 *
 * XMSG_IOC_SEM_CLEAR: set a semaphore's count to 0; every task waiting
 * there fails with -ECANCELED (write right; not through a reply handle).
 * Errors: -EBADF, -EINVAL (not a semaphore), -EACCES, -EPERM (a reply
 * handle), -EIDRM.
 *
 * -ECANCELED is returned by a receive, a wait or a waiting send only
 * when a clear cancelled it; nothing was received, taken or sent.
 */
struct xmsg_handle_op {
	__u32 size;
	__u32 flags;
	__u32 handle;
	__u32 pad;
	__u64 reserved[2];
};

/**
 * struct xmsg_pool_info - pool part of struct xmsg_info
 * @block_size: bytes from one block to the next (the stride)
 * @count: blocks in the pool
 * @free: blocks free now
 * @in_use: blocks out now
 * @high_water: most blocks out at once
 * @failed_gets: gets that found the pool empty
 * @bad_rels: releases refused as invalid
 * @mapped: live mappings of the region
 * @region_size: bytes of the mappable region
 */
struct xmsg_pool_info {
	__u64 block_size;
	__u64 count;
	__u64 free;
	__u64 in_use;
	__u64 high_water;
	__u64 failed_gets;
	__u64 bad_rels;
	__u64 mapped;
	__u64 region_size;
};

/**
 * struct xmsg_xchg_info - exchange part of struct xmsg_info
 * @kind: XMSG_XCHG_KIND_*
 * @queued: messages queued now
 * @waiters: receivers waiting now
 * @limit: queue limit
 * @sent: messages sent so far
 * @received: messages received so far
 * @gen: broadcast generation
 * @refused: sends refused so far because the queue was at @limit
 *	(-ENOSPC; XMSG_FEAT_COUNTERS); a send that then waits for room
 *	(XMSG_SEND_WAIT) counts too
 * @senders: senders waiting for room now (XMSG_SEND_WAIT;
 *	XMSG_FEAT_SEND_WAIT)
 * @peek: XMSG_PEEK_* bits: which of the fields below are valid
 *	(XMSG_FEAT_PEEK; read right only, else 0)
 * @first_length: XMSG_PEEK_MSG: bytes of the message a receive would take
 *	now (the first of the highest priority; broadcast: the post)
 * @first_prio: XMSG_PEEK_MSG: its priority
 * @waiter_pid: XMSG_PEEK_WAITER: process ID of the receiver first in
 *	line, in the caller's PID namespace (0 if not visible there)
 * @waiter_tid: XMSG_PEEK_WAITER: its thread ID, likewise
 * @flags: XMSG_XCHG_F_PASS_SCHED when the exchange was created with it,
 *	else 0 (always 0 from kernels before the field was named)
 *
 * @queued, @waiters and the peek fields are one snapshot; nothing is
 * taken or changed.
 */
struct xmsg_xchg_info {
	__u32 kind;
	__u32 queued;
	__u32 waiters;
	__u32 limit;
	__u64 sent;
	__u64 received;
	__u64 gen;
	__u64 refused;
	__u32 senders;
	__u32 peek;
	__u64 first_length;
	__u32 first_prio;
	__s32 waiter_pid;
	__s32 waiter_tid;
	__u32 flags;
};

/**
 * struct xmsg_sem_info - semaphore part of struct xmsg_info
 * @kind: XMSG_SEM_KIND_*
 * @count: current count
 * @threshold: threshold (1 for counting semaphores, 0 for gates)
 * @waiters: tasks waiting now
 * @signals: signals so far
 * @peek: XMSG_PEEK_WAITER when the fields below are valid (XMSG_FEAT_PEEK;
 *	read right only, else 0)
 * @waiter_pid: process ID of the task first in line, in the caller's PID
 *	namespace (0 if not visible there)
 * @waiter_tid: its thread ID, likewise
 * @pad: 0
 */
struct xmsg_sem_info {
	__u32 kind;
	__u32 count;
	__u32 threshold;
	__u32 waiters;
	__u64 signals;
	__u32 peek;
	__s32 waiter_pid;
	__s32 waiter_tid;
	__u32 pad;
};

/**
 * struct xmsg_heap_info - heap part of struct xmsg_info
 * @heap_size: bytes of the heap (the largest chunk one get may ask for)
 * @granule: allocation granule in bytes
 * @free: bytes free now (possibly fragmented)
 * @chunks_out: chunks out now (bare chunks and message bodies)
 * @failed_gets: gets that found no room
 * @mapped: live mappings of the region
 * @region_size: bytes of the mappable region
 */
struct xmsg_heap_info {
	__u64 heap_size;
	__u64 granule;
	__u64 free;
	__u64 chunks_out;
	__u64 failed_gets;
	__u64 mapped;
	__u64 region_size;
};

/**
 * struct xmsg_buf_info - message/BCB/bare block part of struct xmsg_info
 * @pool: pool (or heap, with XMSG_MSGF_HEAP) handle of the body/block (0
 *	with XMSG_MSGF_NOPOOL)
 * @msg_flags: XMSG_MSGF_*
 * @offset: offset in the pool region
 * @length: bytes
 * @prio: messages: priority it was received with (0 if never sent)
 * @pad: 0
 */
struct xmsg_buf_info {
	__u32 pool;
	__u32 msg_flags;
	__u64 offset;
	__u64 length;
	__u32 prio;
	__u32 pad;
};

/**
 * struct xmsg_info - XMSG_IOC_INFO: what a handle names, and its counters
 * @size: sizeof(struct xmsg_info)
 * @flags: 0
 * @handle: in: any handle
 * @type: out: XMSG_TYPE_*
 * @rights: out: XMSG_ACC_* this handle has (0 for messages and blocks)
 * @mode: out: objects: permission bits
 * @uid: out: objects: owner uid (in the caller's user namespace)
 * @gid: out: objects: owner gid
 * @name: out: objects: name (empty if anonymous)
 * @obj_flags: out: XMSG_OBJF_*
 * @pad: 0
 * @u: out: counters, by @type: @u.pool, @u.xchg, @u.sem, @u.heap, or
 *	@u.buf for messages, BCBs, bare blocks and bare chunks
 * @u.raw: room for growth
 * @reserved: 0
 *
 * Errors: -EBADF, -EINVAL.
 */
struct xmsg_info {
	__u32 size;
	__u32 flags;
	__u32 handle;
	__u32 type;
	__u32 rights;
	__u32 mode;
	__u32 uid;
	__u32 gid;
	char name[XMSG_NAME_MAX];
	__u32 obj_flags;
	__u32 pad;
	union {
		struct xmsg_pool_info pool;
		struct xmsg_xchg_info xchg;
		struct xmsg_sem_info sem;
		struct xmsg_buf_info buf;
		struct xmsg_heap_info heap;
		__u64 raw[16];
	} u;
	__u64 reserved[2];
};

/**
 * struct xmsg_list_entry - one named object, written by XMSG_IOC_LIST
 * @type: XMSG_TYPE_POOL, _XCHG, _SEM or _HEAP
 * @mode: permission bits
 * @uid: owner uid (in the caller's user namespace)
 * @gid: owner gid
 * @name: the name
 * @id: position; pass @id + 1 as xmsg_list.cursor to continue after it
 */
struct xmsg_list_entry {
	__u32 type;
	__u32 mode;
	__u32 uid;
	__u32 gid;
	char name[XMSG_NAME_MAX];
	__u64 id;
};

/**
 * struct xmsg_list - XMSG_IOC_LIST: list named objects of the caller's IPC
 *	namespace
 * @size: sizeof(struct xmsg_list)
 * @flags: 0
 * @type: 0 for all types, or XMSG_TYPE_POOL, _XCHG, _SEM or _HEAP
 * @count: in: room in @entries (entries); out: entries written
 * @cursor: in: first position to list (0 to start); out: where to
 *	continue (0 when the list is complete)
 * @entries: user pointer to an array of struct xmsg_list_entry
 * @entry_size: sizeof(struct xmsg_list_entry)
 * @pad: 0
 * @reserved: 0
 *
 * Lists objects regardless of their mode (like ls /dev/shm).  Errors:
 * -EINVAL, -EFAULT.
 */
struct xmsg_list {
	__u32 size;
	__u32 flags;
	__u32 type;
	__u32 count;
	__u64 cursor;
	__u64 entries;
	__u32 entry_size;
	__u32 pad;
	__u64 reserved[2];
};

/**
 * struct xmsg_buf - block and message commands
 * @size: sizeof(struct xmsg_buf)
 * @flags: 0
 * @src: in: the handle the command works on (see below)
 * @dst: out: the new handle (see below)
 * @slice_offset: XMSG_IOC_MSG_PROXY: start of the slice in the body;
 *	others: 0
 * @slice_length: XMSG_IOC_MSG_PROXY: bytes of the slice, 0 for "to the
 *	end of the body"; others: 0
 * @pool: out: pool handle of the body, or heap handle with XMSG_MSGF_HEAP
 *	(0 with XMSG_MSGF_NOPOOL)
 * @msg_flags: out: XMSG_MSGF_*
 * @offset: out: offset of the block/body in the pool (heap) region
 * @length: XMSG_IOC_HEAP_MSG_GET, XMSG_IOC_HEAP_CHUNK_GET: in: bytes
 *	wanted, 1 to the heap's size; out (every command but *_REL and
 *	*_FREE): bytes of the block/body
 * @reserved: 0
 *
 * ==================== ============= ============== =======================
 * command              @src          @dst           right needed on @src
 * ==================== ============= ============== =======================
 * XMSG_IOC_BLOCK_GET   pool          bare block     read and write
 * XMSG_IOC_BLOCK_REL   bare block    -              -
 * XMSG_IOC_BCB_GET     pool          BCB            read and write
 * XMSG_IOC_BCB_REL     BCB           -              -
 * XMSG_IOC_BCB_MAKE    bare block    BCB            - (@src is consumed)
 * XMSG_IOC_BCB_UNMAKE  BCB           bare block     - (@src is consumed)
 * XMSG_IOC_MSG_GET     pool          message        read and write
 * XMSG_IOC_MSG_REL     message       -              -
 * XMSG_IOC_MSG_MAKE    bare block    message        - (@src is consumed)
 * XMSG_IOC_MSG_UNMAKE  message       bare block     - (@src is consumed)
 * XMSG_IOC_MSG_PROXY   message       proxy message  -
 * XMSG_IOC_HEAP_MSG_GET heap         message        write
 * XMSG_IOC_HEAP_CHUNK_GET heap       bare chunk     write
 * XMSG_IOC_HEAP_CHUNK_FREE bare chunk -             -
 * XMSG_IOC_HEAP_MSG_MAKE bare chunk  message        - (@src is consumed)
 * XMSG_IOC_HEAP_MSG_UNMAKE message   bare chunk     - (@src is consumed)
 * ==================== ============= ============== =======================
 *
 * The *_REL and *_FREE commands leave @dst .. @length unwritten.  A bare
 * chunk is @length bytes of a heap, reported like a message body (heap
 * handle, offset, XMSG_MSGF_HEAP); XMSG_IOC_CLOSE of its handle frees it
 * too.  Errors: -EBADF, -EINVAL (wrong handle type, bad slice, flags,
 * reserved, a heap @length of 0 or above the heap's size; unmake of a
 * message of another kind), -EACCES, -EIDRM (pool or heap destroyed),
 * -ENOBUFS (pool empty, no room in the heap), -EBUSY (unmake of a message
 * whose body is shared by proxies, or that is not a pool message), -EMFILE
 * (handles), -ENOMEM.
 */
struct xmsg_buf {
	__u32 size;
	__u32 flags;
	__u32 src;
	__u32 dst;
	__u64 slice_offset;
	__u64 slice_length;
	__u32 pool;
	__u32 msg_flags;
	__u64 offset;
	__u64 length;
	__u64 reserved[2];
};

/**
 * struct xmsg_msg_read - XMSG_IOC_MSG_READ: copy bytes of a body out
 * @size: sizeof(struct xmsg_msg_read)
 * @flags: 0
 * @handle: a message (or proxy) handle of this file
 * @pad: 0
 * @offset: first byte of the body to copy
 * @length: bytes to copy; 0 copies nothing (and succeeds)
 * @buf: user address of a buffer of @length bytes
 * @reserved: 0
 *
 * Copies @length bytes of the body, from @offset, to @buf: all of them or
 * none (no short reads).  For any message the caller holds, whatever its
 * body: in a pool (also one this file has no handle for), in a kernel heap,
 * or external memory such as a received network frame (XMSG_MSGF_NOPOOL,
 * which cannot be mapped).  The message stays the caller's, unchanged.
 * While the copy runs, the body is shared as if by a proxy, so an
 * XMSG_IOC_MSG_UNMAKE racing with it in another thread may fail -EBUSY.
 *
 * Errors: -EFAULT (struct or @buf), -EINVAL (size, @flags, @pad,
 * @reserved), -E2BIG, -EBADF (unknown @handle), -EINVAL (not a message
 * handle), -ERANGE (@offset + @length beyond the body's length), -ENOMEM.
 */
struct xmsg_msg_read {
	__u32 size;
	__u32 flags;
	__u32 handle;
	__u32 pad;
	__u64 offset;
	__u64 length;
	__u64 buf;
	__u64 reserved[2];
};

/**
 * struct xmsg_msg_length - XMSG_IOC_MSG_SET_LENGTH: how many bytes of its
 *	block a message carries
 * @size: sizeof(struct xmsg_msg_length)
 * @flags: 0
 * @handle: a message handle of this file whose body is a whole pool block
 *	(XMSG_IOC_MSG_GET, XMSG_IOC_MSG_MAKE, a received one); not a proxy
 * @pad: 0
 * @length: 0 to the pool's block size
 * @reserved: 0
 *
 * A message carries its whole block until this says otherwise; receivers
 * (their length field, ring entries), proxies made afterwards and the NIC
 * sample's transmit then see @length bytes.  The block is unchanged and
 * goes back to its pool whole; proxies made before keep their slices.
 *
 * Errors: -EFAULT, -EINVAL (size, flags, pad, reserved; not a message
 * handle; a proxy or a body not in a pool), -E2BIG, -EBADF, -ERANGE
 * (@length beyond the block).
 */
struct xmsg_msg_length {
	__u32 size;
	__u32 flags;
	__u32 handle;
	__u32 pad;
	__u64 length;
	__u64 reserved[2];
};

/**
 * struct xmsg_send - XMSG_IOC_SEND: send a message to an exchange
 * @size: sizeof(struct xmsg_send)
 * @flags: XMSG_SEND_* flags
 * @xchg: exchange handle, write right
 * @msg: message handle; consumed on success (to a broadcast exchange the
 *	sender stays the owner and keeps the handle; the post is withdrawn
 *	when the sending file is released)
 * @prio: priority, 0 to XMSG_MSG_PRIO_MAX
 * @reply: 0, or an exchange or semaphore handle (any right) that the
 *	receiver gets as its reply handle
 * @tag: 0 (untagged), or a value of the sender's choosing stored with the
 *	queued message: XMSG_IOC_XCHG_BUMP finds the message by it, and the
 *	receiver sees it in xmsg_recv.tag.  Not to a broadcast exchange
 *	(-EINVAL).  XMSG_FEAT_BUMP; a kernel without it refuses a non-zero
 *	@tag with -EINVAL (it was reserved).
 * @reserved: 0
 * @timeout_ns: with XMSG_SEND_WAIT: how long to wait for room, as
 *	xmsg_recv.timeout_ns (XMSG_TIMEOUT_NONE: do not wait); else 0.
 *	Added with XMSG_FEAT_SEND_WAIT: the first version of the struct
 *	ends before it (40 bytes), and XMSG_SEND_WAIT needs it.
 *
 * With XMSG_SEND_WAIT, a send to a normal or pass exchange whose queue is
 * at its limit waits for room instead of failing with -ENOSPC: waiting
 * senders are served in order, each time a receive (or a receive ring)
 * takes a message out of the full queue.  While it waits, the message
 * handle is busy: other threads of the file get -EBADF for it, and its
 * number is not reused.  If the wait ends without the message sent
 * (-ETIMEDOUT, -EINTR, -EIDRM, -ECANCELED; also a fatal signal: the file
 * then releases it) the handle names the message again, unchanged.  A
 * wait for ever or to an absolute time is restarted after a SA_RESTART
 * handler.
 *
 * XMSG_SEND_BCAST_WITHDRAW (with a real message, to a broadcast exchange;
 * else -EINVAL): the post is withdrawn when this file releases the
 * message, so a master that is done with its message need not clear
 * first.  A later send of this file to that exchange without the flag
 * (any command) cancels it, as does a send of the message elsewhere (it
 * leaves the file) or its unmake.
 *
 * Errors: -EBADF, -EINVAL, -EACCES, -EIDRM (exchange or reply object
 * destroyed), -ENOSPC (queue at its limit), -ENOMEM; with XMSG_SEND_WAIT
 * also -ETIMEDOUT, -EINTR, -ECANCELED (XMSG_IOC_XCHG_CLEAR), and -EINVAL
 * for a struct without @timeout_ns.  On error the message (and its reply
 * handle) is unchanged and still the caller's.
 */
struct xmsg_send {
	__u32 size;
	__u32 flags;
	__u32 xchg;
	__u32 msg;
	__u32 prio;
	__u32 reply;
	__u64 tag;
	__u64 reserved[1];
	__s64 timeout_ns;
};

/**
 * struct xmsg_recv - XMSG_IOC_RECV: receive a message from an exchange
 * @size: sizeof(struct xmsg_recv)
 * @flags: XMSG_TIMEOUT_ABS, XMSG_RECV_NEWER
 * @xchg: exchange handle, read right
 * @msg: out: the new message handle
 * @timeout_ns: XMSG_TIMEOUT_NONE, XMSG_TIMEOUT_FOREVER, or > 0: relative
 *	nanoseconds (absolute CLOCK_MONOTONIC with XMSG_TIMEOUT_ABS)
 * @gen: in: with XMSG_RECV_NEWER, the last generation seen; out: the
 *	broadcast generation of the message (0 for other kinds)
 * @pool: out: pool handle of the body, 0 with XMSG_MSGF_NOPOOL
 * @prio: out: the priority it was sent with
 * @offset: out: offset of the body in the pool region
 * @length: out: bytes of the body
 * @reply: out: a new handle (write right only) of the reply exchange or
 *	semaphore the sender attached, or 0.  Close it when done (or use
 *	XMSG_SEND_CLOSE_XCHG / XMSG_SEM_CLOSE).
 * @msg_flags: out: XMSG_MSGF_*
 * @tag: out: the xmsg_send.tag the message was sent with (0: untagged,
 *	or sent by another command); ignored on input by a kernel with
 *	XMSG_FEAT_BUMP, must be 0 for one without (it was reserved)
 * @reserved: 0
 *
 * Errors: -EBADF, -EINVAL, -EACCES, -EAGAIN (XMSG_TIMEOUT_NONE and nothing
 * queued), -ETIMEDOUT, -EINTR (a signal, with a relative timeout; waits
 * for ever or to an absolute time are restarted after a SA_RESTART
 * handler; either way nothing was received, so retrying loses nothing),
 * -EIDRM (exchange destroyed), -EMFILE, -ENOMEM (nothing received).  A
 * message handed over is never lost: if the final copy to user space
 * fails (-EFAULT) it stays in the handle table until close.
 */
struct xmsg_recv {
	__u32 size;
	__u32 flags;
	__u32 xchg;
	__u32 msg;
	__s64 timeout_ns;
	__u64 gen;
	__u32 pool;
	__u32 prio;
	__u64 offset;
	__u64 length;
	__u32 reply;
	__u32 msg_flags;
	__u64 tag;
	__u64 reserved[1];
};

/**
 * struct xmsg_call - XMSG_IOC_CALL: send, then receive, in one system call
 * @size: sizeof(struct xmsg_call)
 * @flags: XMSG_SEND_CLOSE_XCHG (for @send_xchg), XMSG_TIMEOUT_ABS,
 *	XMSG_RECV_NEWER
 * @send_xchg: as xmsg_send.xchg
 * @send_msg: as xmsg_send.msg
 * @send_prio: as xmsg_send.prio
 * @send_reply: as xmsg_send.reply
 * @recv_xchg: as xmsg_recv.xchg
 * @result: out: XMSG_CALL_SENT once the message is sent
 * @timeout_ns: as xmsg_recv.timeout_ns
 * @gen: as xmsg_recv.gen
 * @msg: out: as xmsg_recv.msg
 * @pool: out: as xmsg_recv.pool
 * @offset: out: as xmsg_recv.offset
 * @length: out: as xmsg_recv.length
 * @prio: out: as xmsg_recv.prio
 * @reply: out: as xmsg_recv.reply
 * @msg_flags: out: as xmsg_recv.msg_flags
 * @pad: 0
 * @reserved: 0
 *
 * The send is validated and done first; if it fails nothing happened.  If
 * the receive then fails (-EAGAIN, -ETIMEDOUT, -EINTR, -EIDRM, ...), the
 * call returns that error but the message has been sent: @result has
 * XMSG_CALL_SENT (only @result is written).  Retry with XMSG_IOC_RECV.
 * A signal never restarts this call.
 */
struct xmsg_call {
	__u32 size;
	__u32 flags;
	__u32 send_xchg;
	__u32 send_msg;
	__u32 send_prio;
	__u32 send_reply;
	__u32 recv_xchg;
	__u32 result;
	__s64 timeout_ns;
	__u64 gen;
	__u32 msg;
	__u32 pool;
	__u64 offset;
	__u64 length;
	__u32 prio;
	__u32 reply;
	__u32 msg_flags;
	__u32 pad;
	__u64 reserved[2];
};

/**
 * struct xmsg_xfer_send - one send of XMSG_IOC_XFER
 * @xchg: exchange handle, write right
 * @msg: message handle; consumed when sent, as by XMSG_IOC_SEND (not with
 *	XMSG_XFER_PROXY; to a broadcast exchange the sender stays the owner)
 * @prio: priority, 0 to XMSG_MSG_PRIO_MAX
 * @reply: 0, or a reply exchange or semaphore handle, as xmsg_send.reply
 * @flags: XMSG_XFER_PROXY or 0
 * @pad: 0
 *
 * Sends of XMSG_IOC_XFER (and the send part of XMSG_IOC_CALL) are
 * untagged: their messages have tag 0, which XMSG_IOC_XCHG_BUMP never
 * finds.
 */
struct xmsg_xfer_send {
	__u32 xchg;
	__u32 msg;
	__u32 prio;
	__u32 reply;
	__u32 flags;
	__u32 pad;
};

/**
 * struct xmsg_xfer_recv - one message received by XMSG_IOC_XFER (out)
 * @msg: the new message handle
 * @pool: pool handle of the body, 0 with XMSG_MSGF_NOPOOL
 * @offset: offset of the body in the pool region
 * @length: bytes of the body
 * @prio: the priority it was sent with
 * @reply: a new reply handle, or 0 (as xmsg_recv.reply)
 * @msg_flags: XMSG_MSGF_*
 * @pad: 0
 */
struct xmsg_xfer_recv {
	__u32 msg;
	__u32 pool;
	__u64 offset;
	__u64 length;
	__u32 prio;
	__u32 reply;
	__u32 msg_flags;
	__u32 pad;
};

/**
 * struct xmsg_xfer - XMSG_IOC_XFER: send a batch, then receive a batch
 * @size: sizeof(struct xmsg_xfer)
 * @flags: XMSG_TIMEOUT_ABS or 0
 * @send: user pointer to @send_count struct xmsg_xfer_send
 * @send_count: sends, 0 to XMSG_XFER_MAX
 * @send_size: sizeof(struct xmsg_xfer_send) (0 when @send_count is 0)
 * @recv: user pointer to room for @recv_max struct xmsg_xfer_recv
 * @recv_max: most messages to receive, 0 to XMSG_XFER_MAX (0: no receive)
 * @recv_size: sizeof(struct xmsg_xfer_recv) (0 when @recv_max is 0)
 * @recv_xchg: exchange to receive from (read right); 0 when @recv_max is 0
 * @sent: out: sends done (also written when a send or the receive fails)
 * @timeout_ns: as xmsg_recv.timeout_ns, for the first message; 0 when
 *	@recv_max is 0
 * @received: out: messages received, 1 to @recv_max (a broadcast exchange
 *	gives at most one)
 * @pad: 0
 * @reserved: 0
 *
 * For streams of messages (one system call for many) and multicast (a
 * proxy of one message to many exchanges).  The sends are done in order,
 * then the receive: it waits like XMSG_IOC_RECV for a first message, then
 * takes those already queued, up to @recv_max, without waiting.  The
 * receivers of the sent messages are woken once, after the last send
 * (before the caller waits itself), so a receiver on the same CPU takes
 * the whole batch at once instead of preempting the sender at each send.
 *
 * Every field and every send entry is checked before anything is sent
 * (-EINVAL changes nothing).  A send that fails stops the call: its error
 * is returned and @sent says how many were sent before it (each as by
 * XMSG_IOC_SEND); nothing is received.  A receive that fails after the
 * sends returns its error with @sent = @send_count.  If the final copy of
 * the received entries fails (-EFAULT), the messages stay in the handle
 * table until close.
 *
 * Errors: as XMSG_IOC_SEND for a send (-EBADF, -EINVAL, -EACCES, -EIDRM,
 * -ENOSPC, -ENOMEM), as XMSG_IOC_RECV for the receive (-EAGAIN,
 * -ETIMEDOUT, -EINTR, -EIDRM, -EMFILE, ...); -EINVAL also for a count above
 * XMSG_XFER_MAX, a wrong entry size, no send and no receive, or
 * XMSG_XFER_PROXY to a broadcast exchange; -EFAULT.  A signal never
 * restarts this call.
 */
struct xmsg_xfer {
	__u32 size;
	__u32 flags;
	__u64 send;
	__u32 send_count;
	__u32 send_size;
	__u64 recv;
	__u32 recv_max;
	__u32 recv_size;
	__u32 recv_xchg;
	__u32 sent;
	__s64 timeout_ns;
	__u32 received;
	__u32 pad;
	__u64 reserved[2];
};

/**
 * struct xmsg_ring_entry - one message in a receive ring (written by the
 *	kernel)
 * @offset: offset of the body in the ring's pool region (the pool's
 *	mapping, XMSG_MMAP_OFFSET(pool handle))
 * @length: bytes of the body
 * @prio: the priority it was sent with
 */
struct xmsg_ring_entry {
	__u64 offset;
	__u32 length;
	__u32 prio;
};

/**
 * struct xmsg_ring_hdr - the start of a ring's mapping
 * @producer: entries the kernel has put in the ring so far (wraps at
 *	2^32); written by the kernel with release semantics
 * @flags: XMSG_RING_F_*, written by the kernel
 * @entries: ring size (a power of two), written by the kernel
 * @overflows: messages that found the ring full and waited at the
 *	exchange instead (XMSG_FEAT_COUNTERS), written by the kernel
 * @pad0: 0
 * @consumer: entries user space is done with (wraps at 2^32); written by
 *	user space (a store-release after the last read of the bodies) and
 *	only read by the kernel, which ignores a value outside
 *	[its last reclaimed position, @producer]
 * @pad1: 0
 *
 * Entry i (counting from 0 since the ring was opened) is at
 * XMSG_RING_ENTRIES_OFFSET + (i % @entries) * sizeof(struct
 * xmsg_ring_entry) of the mapping.  Entries @consumer up to @producer - 1
 * are ready; their bodies stay valid (the messages stay the ring's) until
 * @consumer passes them.
 */
struct xmsg_ring_hdr {
	__u32 producer;
	__u32 flags;
	__u32 entries;
	__u32 overflows;
	__u32 pad0[12];
	__u32 consumer;
	__u32 pad1[15];
};

/**
 * struct xmsg_ring_setup - XMSG_IOC_RING: a receive ring at an exchange
 * @size: sizeof(struct xmsg_ring_setup)
 * @flags: XMSG_FD_CLOEXEC or 0
 * @xchg: a normal or pass exchange handle, read right
 * @pool: a pool handle: messages whose body lies in this pool's region go
 *	into the ring
 * @entries: ring size, a power of two, 1 to XMSG_RING_ENTRIES_MAX
 * @wake_min: poll() reports EPOLLIN when this many entries are ready, or
 *	@wake_us after it found fewer; 0 or 1: as soon as one is ready
 * @wake_us: see @wake_min: 1 to XMSG_RING_WAKE_US_MAX; required when
 *	@wake_min > 1, else 0
 * @fd: out: the ring's file descriptor
 * @map_size: out: bytes to mmap() from offset 0 of @fd (MAP_SHARED,
 *	PROT_READ | PROT_WRITE: user space writes @consumer)
 * @reserved: 0
 *
 * The ring becomes the exchange's standing receiver: a message sent to
 * the exchange, when no receiver waits in XMSG_IOC_RECV and nothing is
 * queued, is put in the ring (and counted as received) if its body lies
 * in @pool's region, no reply handle is attached and the ring has room;
 * otherwise it queues as usual.  Queued messages move into the ring, in
 * queue order, when room is made (at the next send or poll()).  Reading a
 * message from the ring takes no system call: the receiver reads
 * @producer, reads the entries and their bodies in the pool mapping, then
 * advances @consumer; the kernel releases the messages it passed at its
 * next send or poll().  poll() (also epoll) on @fd: EPOLLIN as @wake_min
 * says, EPOLLHUP once the exchange is destroyed.  Closing @fd releases
 * every message still in the ring.  One ring per exchange.
 *
 * Errors: -EFAULT, -EINVAL (@size, @flags, @entries, @wake_min, @wake_us,
 * @reserved; a broadcast exchange), -EBADF (unknown handle), -EINVAL (a
 * handle of the wrong type), -EACCES (no read right on @xchg or @pool),
 * -EBUSY (the exchange has a ring), -EIDRM (destroyed), -EMFILE, -ENOMEM.
 */
struct xmsg_ring_setup {
	__u32 size;
	__u32 flags;
	__u32 xchg;
	__u32 pool;
	__u32 entries;
	__u32 wake_min;
	__u32 wake_us;
	__s32 fd;
	__u64 map_size;
	__u64 reserved[2];
};

/**
 * struct xmsg_ring_take - XMSG_IOC_RING_TAKE: take a message out of a ring
 * @size: sizeof(struct xmsg_ring_take)
 * @flags: 0
 * @ring_fd: a receive ring's file descriptor (XMSG_IOC_RING)
 * @index: the entry (its free-running index: at least the last consumer
 *	index the kernel acted on, below the producer index)
 * @msg: out: a new message handle of this file for the entry's message
 * @pad: 0
 * @reserved: 0
 *
 * Moves the message of a ready entry from the ring into the caller's
 * handle table, as if received: the caller may then send it on (e.g. to
 * another exchange, without a copy), make proxies of it or release it.
 * The entry stays in the ring (advance the consumer index past it as
 * usual); the kernel no longer releases its message.  Each entry can be
 * taken once.
 *
 * Errors: -EFAULT, -EINVAL (@size, @flags, @pad, @msg, @reserved), -EBADF
 * (@ring_fd is no ring), -ENOENT (no such ready entry, or taken already),
 * -EMFILE (handle table full), -ENOMEM.
 */
struct xmsg_ring_take {
	__u32 size;
	__u32 flags;
	__s32 ring_fd;
	__u32 index;
	__u32 msg;
	__u32 pad;
	__u64 reserved[2];
};

/**
 * struct xmsg_bump - XMSG_IOC_XCHG_BUMP: change the priority of a queued
 *	message
 * @size: sizeof(struct xmsg_bump)
 * @flags: 0
 * @xchg: a normal or pass exchange handle, write right, not a reply handle
 * @prio: the new priority, 0 to XMSG_MSG_PRIO_MAX
 * @tag: the message's xmsg_send.tag, not 0
 * @reserved: 0
 *
 * Finds the message queued at @xchg with @tag (the first in queue order,
 * the one a receive would take first, when several have it) and queues it
 * again at @prio, behind the messages already queued at @prio (also when
 * @prio is its priority already: it goes to the back of its priority).
 * A receive then sees @prio in xmsg_recv.prio; a pass exchange passes
 * @prio on.  Only messages waiting in the queue are found: not one
 * received already, in a receive ring, cleared, or whose sender still
 * waits for room (XMSG_SEND_WAIT).  The caller need not be the sender:
 * the write right (which allows XMSG_IOC_XCHG_CLEAR, dropping every
 * queued message) suffices; as for a clear, a reply handle is refused.
 * A ring's reader gets a bumped message when the ring next takes queued
 * messages (at the next send or poll()).  XMSG_FEAT_BUMP.
 *
 * Errors: -EFAULT, -EINVAL (@size, @flags, @reserved; @tag 0, @prio
 * above XMSG_MSG_PRIO_MAX; not an exchange, a broadcast exchange), -E2BIG,
 * -EBADF, -EACCES (no write right), -EPERM (a reply handle), -EIDRM
 * (destroyed), -ENOENT (no message with @tag queued).
 */
struct xmsg_bump {
	__u32 size;
	__u32 flags;
	__u32 xchg;
	__u32 prio;
	__u64 tag;
	__u64 reserved[2];
};

/**
 * struct xmsg_txring_desc - one message to send, in a send ring (written
 *	by user space)
 * @offset: offset of a block leased to the ring (taken from the fill
 *	ring) in the ring's pool region
 * @len: bytes of the body, 1 to the pool's block size
 * @prio: priority, 0 to XMSG_MSG_PRIO_MAX
 * @flags: 0
 */
struct xmsg_txring_desc {
	__u64 offset;
	__u32 len;
	__u16 prio;
	__u16 flags;
};

/**
 * struct xmsg_txring_comp - the outcome of one descriptor (written by the
 *	kernel)
 * @offset: the descriptor's offset, as posted
 * @err: 0 when sent (the block left the ring with the message); else a
 *	negative errno (see XMSG_TXRING_REFUSED_*) and the block, if it was
 *	leased to the ring, stays leased: it may be posted again
 * @pad: 0
 */
struct xmsg_txring_comp {
	__u64 offset;
	__s32 err;
	__u32 pad;
};

/**
 * struct xmsg_txring_hdr - the start of a send ring's mapping
 * @send_producer: descriptors user space has posted so far (wraps at
 *	2^32); written by user space with a store-release after the
 *	descriptors
 * @pad0: 0
 * @send_consumer: descriptors the kernel has taken so far; written by
 *	the kernel
 * @flags: XMSG_TXRING_F_*, written by the kernel
 * @comp_producer: completion entries written so far, by the kernel
 *	(store-release after the entries)
 * @fill_producer: fill entries written so far, by the kernel
 *	(store-release after the entries)
 * @entries: entries of each ring (a power of two), written by the kernel
 * @blocks: blocks the ring keeps leased, written by the kernel
 * @pad1: 0
 * @comp_consumer: completion entries user space has read; written by
 *	user space, only read by the kernel (a value outside [its last
 *	value the kernel accepted, @comp_producer] is ignored)
 * @fill_consumer: fill entries user space has taken; written by user
 *	space, never read by the kernel
 * @pad2: 0
 * @refused: descriptors refused, per XMSG_TXRING_REFUSED_* reason
 *	(XMSG_FEAT_TXRING), written by the kernel, which keeps its own
 *	count and never reads them back
 *
 * The send ring (struct xmsg_txring_desc) is at
 * struct xmsg_txring_setup.send_offset of the mapping, the completion
 * ring (struct xmsg_txring_comp) at .comp_offset, the fill ring (__u64
 * block offsets) at .fill_offset; entry i of each (counting from 0 since
 * the ring was set up) at index i % @entries.
 */
struct xmsg_txring_hdr {
	__u32 send_producer;
	__u32 pad0[15];
	__u32 send_consumer;
	__u32 flags;
	__u32 comp_producer;
	__u32 fill_producer;
	__u32 entries;
	__u32 blocks;
	__u32 pad1[10];
	__u32 comp_consumer;
	__u32 fill_consumer;
	__u32 pad2[14];
	__u32 refused[XMSG_TXRING_REFUSED_NR];
	__u32 pad3[8];
};

/**
 * struct xmsg_txring_setup - XMSG_IOC_TXRING: a send ring to an exchange
 * @size: sizeof(struct xmsg_txring_setup)
 * @flags: XMSG_FD_CLOEXEC or 0
 * @xchg: a normal or pass exchange handle, write right
 * @pool: a pool handle, read and write rights: the ring leases its blocks
 * @entries: entries of each of the three rings, a power of two, 1 to
 *	XMSG_TXRING_ENTRIES_MAX
 * @blocks: blocks the ring keeps leased, 1 to @entries (fewer while the
 *	pool has none free)
 * @fd: out: the ring's file descriptor
 * @pad: 0
 * @map_size: out: bytes to mmap() from offset 0 of @fd (MAP_SHARED,
 *	PROT_READ | PROT_WRITE)
 * @send_offset: out: offset of the send ring in the mapping
 * @comp_offset: out: offset of the completion ring
 * @fill_offset: out: offset of the fill ring
 * @reserved: 0
 *
 * A send ring sends messages without a system call per message, as an
 * AF_XDP socket transmits frames.  The ring takes up to @blocks blocks
 * from @pool on lease and publishes their offsets in the fill ring.  The
 * sender takes an offset from the fill ring (advancing @fill_consumer),
 * writes the body there through its own mapping of the pool, and posts
 * a struct xmsg_txring_desc (then a store-release of @send_producer).
 * XMSG_IOC_TXRING_KICK makes the kernel take up to XMSG_TXRING_BATCH_MAX
 * posted descriptors in order: each is read once, checked (the block
 * must be leased to this ring; its lease ends when it is taken, so a
 * second post of it is refused), made a message of @len bytes and sent
 * to the exchange with its priority, as XMSG_IOC_SEND would.  Each taken
 * descriptor gets a completion entry; a descriptor waits while the
 * completion ring is full.  The kick then leases new blocks to keep
 * @blocks leased.  A receiver of the exchange that finds nothing (a
 * poll() of its receive ring, a receive of an empty queue) takes posted
 * descriptors the same way, without leasing from the pool.  A kick is
 * needed only while @flags has XMSG_TXRING_F_NEED_WAKEUP (store
 * @send_producer, full barrier, read @flags): after a receiver took some
 * the flag stays clear, and the kernel drains by itself soon after if no
 * receiver comes back.  Closing @fd gives every block still leased back
 * to the pool; messages already sent go their usual way.
 *
 * Errors: -EFAULT, -EINVAL (@size, @flags, @entries, @blocks, @pad,
 * @reserved, output fields not 0; a broadcast exchange), -E2BIG, -EBADF
 * (unknown handle), -EINVAL (a handle of the wrong type), -EACCES (no
 * write right on @xchg, or not both rights on @pool), -EIDRM (destroyed),
 * -ENOBUFS (the pool has no free block), -EMFILE, -ENOSPC (the user's
 * max_pool_bytes), -ENOMEM.
 */
struct xmsg_txring_setup {
	__u32 size;
	__u32 flags;
	__u32 xchg;
	__u32 pool;
	__u32 entries;
	__u32 blocks;
	__s32 fd;
	__u32 pad;
	__u64 map_size;
	__u64 send_offset;
	__u64 comp_offset;
	__u64 fill_offset;
	__u64 reserved[2];
};

/**
 * struct xmsg_txring_kick - XMSG_IOC_TXRING_KICK: send what a send ring
 *	holds
 * @size: sizeof(struct xmsg_txring_kick)
 * @flags: 0
 * @ring_fd: a send ring's file descriptor (XMSG_IOC_TXRING)
 * @sent: out: descriptors sent by this call
 * @refused: out: descriptors refused by this call (see their completion
 *	entries)
 * @pad: 0
 * @reserved: 0
 *
 * Errors: -EFAULT, -EINVAL (@size, @flags, @sent, @refused, @pad,
 * @reserved), -E2BIG, -EBADF (@ring_fd is no send ring).  Refusals of
 * descriptors are no error of the call.
 */
struct xmsg_txring_kick {
	__u32 size;
	__u32 flags;
	__s32 ring_fd;
	__u32 sent;
	__u32 refused;
	__u32 pad;
	__u64 reserved[2];
};

/**
 * struct xmsg_sem_op - XMSG_IOC_SEM_SIGNAL / XMSG_IOC_SEM_WAIT
 * @size: sizeof(struct xmsg_sem_op)
 * @flags: SIGNAL: XMSG_SEM_CLOSE; WAIT: XMSG_TIMEOUT_ABS
 * @handle: semaphore handle: write right to signal, read right to wait
 * @pad: 0
 * @timeout_ns: WAIT: as xmsg_recv.timeout_ns; SIGNAL: 0
 * @reserved: 0
 *
 * Errors: -EBADF, -EINVAL, -EACCES, -EIDRM, WAIT also -EAGAIN,
 * -ETIMEDOUT, -EINTR; SIGNAL also -EOVERFLOW (count at its maximum).
 */
struct xmsg_sem_op {
	__u32 size;
	__u32 flags;
	__u32 handle;
	__u32 pad;
	__s64 timeout_ns;
	__u64 reserved[2];
};

/**
 * struct xmsg_sem_signal_wait - XMSG_IOC_SEM_SIGNAL_WAIT: signal one
 *	semaphore and wait at another in one step
 * @size: sizeof(struct xmsg_sem_signal_wait)
 * @flags: XMSG_TIMEOUT_ABS or 0
 * @signal: semaphore handle to signal, write right
 * @wait: semaphore handle to wait at, read right; not the same semaphore
 * @timeout_ns: as xmsg_sem_op.timeout_ns for the wait
 * @result: out: XMSG_SEM_SIGNALLED once @signal is signalled (written
 *	also when the call fails)
 * @pad: 0
 * @reserved: 0
 *
 * The caller is queued at @wait before the signal of @signal can be seen
 * by anyone: a task released by that signal that then signals @wait (a
 * gate, whose signal is lost when nobody waits) finds the caller waiting.
 * With XMSG_TIMEOUT_NONE nothing is signalled unless @wait passes at once
 * (-EAGAIN; always for a gate).  If the wait fails after the signal
 * (-ETIMEDOUT, -EINTR, -EIDRM, -ECANCELED), the call returns that error
 * with @result = XMSG_SEM_SIGNALLED (only @result is written); a signal
 * never restarts this call.
 *
 * Errors: -EFAULT, -EINVAL (size, flags, pad, reserved, timeout; handles
 * of the wrong type; the same semaphore twice), -E2BIG, -EBADF, -EACCES,
 * -EIDRM, -EOVERFLOW (@signal's count at its maximum), -EAGAIN,
 * -ETIMEDOUT, -EINTR, -ECANCELED (XMSG_IOC_SEM_CLEAR of @wait).
 */
struct xmsg_sem_signal_wait {
	__u32 size;
	__u32 flags;
	__u32 signal;
	__u32 wait;
	__s64 timeout_ns;
	__u32 result;
	__u32 pad;
	__u64 reserved[2];
};

/**
 * struct xmsg_poll_fd - XMSG_IOC_POLL_FD: an fd to poll one exchange/sem
 * @size: sizeof(struct xmsg_poll_fd)
 * @flags: XMSG_FD_CLOEXEC
 * @handle: exchange or semaphore handle, read right
 * @fd: out: a new file descriptor.  poll()/select()/epoll report EPOLLIN
 *	when a receive/wait would not block (a broadcast exchange: when the
 *	posted generation is newer than @gen), EPOLLERR once the object is
 *	destroyed.  The fd holds its own reference: it stays valid after the
 *	handle is closed.  It supports nothing but poll and close.
 * @gen: broadcast exchanges: the generation already seen; others: 0
 * @reserved: 0
 *
 * Errors: -EBADF, -EINVAL, -EACCES, -EMFILE (no fd), -ENOMEM.
 */
struct xmsg_poll_fd {
	__u32 size;
	__u32 flags;
	__u32 handle;
	__s32 fd;
	__u64 gen;
	__u64 reserved[2];
};

/*
 * Commands, by number
 * ===================
 */

/*
 * The ioctl type of every command: a code with no range registered in the
 * kernel's Documentation/userspace-api/ioctl/ioctl-number.rst
 */
#define XMSG_IOC_MAGIC		0xBE

#define XMSG_IOC_FEATURES	_IOWR(XMSG_IOC_MAGIC, 0x00, struct xmsg_features)
#define XMSG_IOC_POOL_CREATE	_IOWR(XMSG_IOC_MAGIC, 0x01, struct xmsg_pool_create)
#define XMSG_IOC_XCHG_CREATE	_IOWR(XMSG_IOC_MAGIC, 0x02, struct xmsg_xchg_create)
#define XMSG_IOC_SEM_CREATE	_IOWR(XMSG_IOC_MAGIC, 0x03, struct xmsg_sem_create)
#define XMSG_IOC_OPEN		_IOWR(XMSG_IOC_MAGIC, 0x04, struct xmsg_open)
#define XMSG_IOC_CLOSE		_IOW(XMSG_IOC_MAGIC, 0x05, struct xmsg_handle_op)
#define XMSG_IOC_DESTROY	_IOW(XMSG_IOC_MAGIC, 0x06, struct xmsg_handle_op)
#define XMSG_IOC_INFO		_IOWR(XMSG_IOC_MAGIC, 0x07, struct xmsg_info)
#define XMSG_IOC_LIST		_IOWR(XMSG_IOC_MAGIC, 0x08, struct xmsg_list)

#define XMSG_IOC_BLOCK_GET	_IOWR(XMSG_IOC_MAGIC, 0x10, struct xmsg_buf)
#define XMSG_IOC_BLOCK_REL	_IOW(XMSG_IOC_MAGIC, 0x11, struct xmsg_buf)
#define XMSG_IOC_BCB_GET	_IOWR(XMSG_IOC_MAGIC, 0x12, struct xmsg_buf)
#define XMSG_IOC_BCB_REL	_IOW(XMSG_IOC_MAGIC, 0x13, struct xmsg_buf)
#define XMSG_IOC_BCB_MAKE	_IOWR(XMSG_IOC_MAGIC, 0x14, struct xmsg_buf)
#define XMSG_IOC_BCB_UNMAKE	_IOWR(XMSG_IOC_MAGIC, 0x15, struct xmsg_buf)
#define XMSG_IOC_MSG_GET	_IOWR(XMSG_IOC_MAGIC, 0x16, struct xmsg_buf)
#define XMSG_IOC_MSG_REL	_IOW(XMSG_IOC_MAGIC, 0x17, struct xmsg_buf)
#define XMSG_IOC_MSG_MAKE	_IOWR(XMSG_IOC_MAGIC, 0x18, struct xmsg_buf)
#define XMSG_IOC_MSG_UNMAKE	_IOWR(XMSG_IOC_MAGIC, 0x19, struct xmsg_buf)
#define XMSG_IOC_MSG_PROXY	_IOWR(XMSG_IOC_MAGIC, 0x1a, struct xmsg_buf)
#define XMSG_IOC_MSG_READ	_IOW(XMSG_IOC_MAGIC, 0x1b, struct xmsg_msg_read)
#define XMSG_IOC_MSG_SET_LENGTH	_IOW(XMSG_IOC_MAGIC, 0x1c, struct xmsg_msg_length)

#define XMSG_IOC_SEND		_IOW(XMSG_IOC_MAGIC, 0x20, struct xmsg_send)
#define XMSG_IOC_RECV		_IOWR(XMSG_IOC_MAGIC, 0x21, struct xmsg_recv)
#define XMSG_IOC_CALL		_IOWR(XMSG_IOC_MAGIC, 0x22, struct xmsg_call)
#define XMSG_IOC_BCAST_CLEAR	_IOW(XMSG_IOC_MAGIC, 0x23, struct xmsg_handle_op)
#define XMSG_IOC_XFER		_IOWR(XMSG_IOC_MAGIC, 0x24, struct xmsg_xfer)
#define XMSG_IOC_RING		_IOWR(XMSG_IOC_MAGIC, 0x25, struct xmsg_ring_setup)
#define XMSG_IOC_RING_TAKE	_IOWR(XMSG_IOC_MAGIC, 0x26, struct xmsg_ring_take)
#define XMSG_IOC_XCHG_CLEAR	_IOW(XMSG_IOC_MAGIC, 0x27, struct xmsg_handle_op)
#define XMSG_IOC_XCHG_BUMP	_IOW(XMSG_IOC_MAGIC, 0x28, struct xmsg_bump)

#define XMSG_IOC_SEM_SIGNAL	_IOW(XMSG_IOC_MAGIC, 0x30, struct xmsg_sem_op)
#define XMSG_IOC_SEM_WAIT	_IOW(XMSG_IOC_MAGIC, 0x31, struct xmsg_sem_op)
#define XMSG_IOC_SEM_SIGNAL_WAIT	_IOWR(XMSG_IOC_MAGIC, 0x32, struct xmsg_sem_signal_wait)
#define XMSG_IOC_SEM_CLEAR	_IOW(XMSG_IOC_MAGIC, 0x33, struct xmsg_handle_op)

#define XMSG_IOC_POLL_FD	_IOWR(XMSG_IOC_MAGIC, 0x40, struct xmsg_poll_fd)

#define XMSG_IOC_TXRING		_IOWR(XMSG_IOC_MAGIC, 0x50, struct xmsg_txring_setup)
#define XMSG_IOC_TXRING_KICK	_IOWR(XMSG_IOC_MAGIC, 0x51, struct xmsg_txring_kick)

#define XMSG_IOC_HEAP_CREATE	_IOWR(XMSG_IOC_MAGIC, 0x70, struct xmsg_heap_create)
#define XMSG_IOC_HEAP_MSG_GET	_IOWR(XMSG_IOC_MAGIC, 0x71, struct xmsg_buf)
#define XMSG_IOC_HEAP_CHUNK_GET	_IOWR(XMSG_IOC_MAGIC, 0x72, struct xmsg_buf)
#define XMSG_IOC_HEAP_CHUNK_FREE	_IOW(XMSG_IOC_MAGIC, 0x73, struct xmsg_buf)
#define XMSG_IOC_HEAP_MSG_MAKE	_IOWR(XMSG_IOC_MAGIC, 0x74, struct xmsg_buf)
#define XMSG_IOC_HEAP_MSG_UNMAKE	_IOWR(XMSG_IOC_MAGIC, 0x75, struct xmsg_buf)

/*
 * Feature bits of xmsg_features.features, by bit
 * ==============================================
 */

/* pools, blocks, mmap */
#define XMSG_FEAT_POOL		0x1ULL
/* messages and proxies */
#define XMSG_FEAT_MSG		0x2ULL
/* exchanges, send/recv */
#define XMSG_FEAT_XCHG		0x4ULL
/* semaphores */
#define XMSG_FEAT_SEM		0x8ULL
/* XMSG_IOC_CALL */
#define XMSG_FEAT_CALL		0x10ULL
/* XMSG_IOC_POLL_FD */
#define XMSG_FEAT_POLL_FD	0x20ULL
/* XMSG_IOC_LIST */
#define XMSG_FEAT_LIST		0x40ULL
/* XMSG_TIMEOUT_ABS */
#define XMSG_FEAT_ABSTIME	0x80ULL
/* XMSG_IOC_MSG_READ */
#define XMSG_FEAT_MSG_READ	0x100ULL
/* XMSG_IOC_XFER */
#define XMSG_FEAT_XFER		0x200ULL
/* XMSG_IOC_RING, XMSG_IOC_RING_TAKE */
#define XMSG_FEAT_RING		0x400ULL
/* XMSG_IOC_MSG_SET_LENGTH */
#define XMSG_FEAT_MSG_LENGTH	0x800ULL
/* xmsg_xchg_info.refused, xmsg_ring_hdr.overflows */
#define XMSG_FEAT_COUNTERS	0x1000ULL
/* waiters at exchanges and semaphores served by scheduling priority */
#define XMSG_FEAT_PRIO_WAIT	0x2000ULL
/* XMSG_XCHG_F_PASS_SCHED */
#define XMSG_FEAT_PRIO_PASS	0x4000ULL
/* XMSG_IOC_SEM_SIGNAL_WAIT */
#define XMSG_FEAT_SEM_SIGNAL_WAIT	0x8000ULL
/* XMSG_SEND_WAIT, xmsg_send.timeout_ns */
#define XMSG_FEAT_SEND_WAIT	0x10000ULL
/*
 * XMSG_IOC_XCHG_CLEAR, XMSG_IOC_SEM_CLEAR, -ECANCELED,
 * XMSG_SEND_BCAST_WITHDRAW
 */
#define XMSG_FEAT_CLEAR		0x20000ULL
/* the peek fields of xmsg_xchg_info and xmsg_sem_info (XMSG_IOC_INFO) */
#define XMSG_FEAT_PEEK		0x40000ULL
/* XMSG_IOC_XCHG_BUMP, xmsg_send.tag, xmsg_recv.tag */
#define XMSG_FEAT_BUMP		0x80000ULL
/* send rings: XMSG_IOC_TXRING, XMSG_IOC_TXRING_KICK */
#define XMSG_FEAT_TXRING	0x100000ULL
/* heaps: XMSG_IOC_HEAP_*, XMSG_TYPE_HEAP/_CHUNK, XMSG_MSGF_HEAP */
#define XMSG_FEAT_HEAP		0x1000000ULL

#endif /* _UAPI_LINUX_XMSG_H */
