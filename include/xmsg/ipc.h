/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xmsg inter-task layer: exchanges (normal, pass, broadcast), semaphores
 * (counting, threshold, gate) and reply handles.
 */
#ifndef _XMSG_IPC_H
#define _XMSG_IPC_H

/**
 * DOC: xmsg exchanges and semaphores
 *
 * An *exchange* is where tasks and messages meet.  It holds either a queue
 * of messages (ordered by priority, FIFO within a priority) or a queue of
 * waiting receivers, never both.  A send to an exchange with a waiting
 * receiver hands the message straight to that receiver.
 *
 * - A *normal* exchange passes the message.
 * - A *pass* (priority pass) exchange also passes the message priority on
 *   to the receiver (returned in @xmsg_msg.prio; applying it to the
 *   receiving thread is left to the caller).
 * - A *broadcast* exchange holds one sticky message.  The sender stays its
 *   owner; the exchange keeps a proxy of it so the body lives on while the
 *   message is posted.  Every receiver, waiting or later, gets its own
 *   proxy of the whole body at once.  Sending again replaces the posted
 *   message (a new generation).
 *
 * A message sent to a normal or pass exchange with a tag
 * (xmsg_xchg_send_tagged()) can be moved to another priority while it is
 * queued (xmsg_xchg_bump()).
 *
 * Ownership: a send moves the message from the sender's owner to the
 * exchange (owner NULL) and a receive moves it to the receiver's owner.
 *
 * A *semaphore* is counting (signal adds one, wait takes one), threshold
 * (a waiter is released each time the count reaches the threshold, which
 * is then taken off the count) or gate (one signal releases every waiter;
 * with no waiter a signal is lost).
 *
 * Exchanges and semaphores start with struct xmsg_obj, a reference
 * counted header, so a message's reply handle can name either.
 */

#include <linux/bits.h>
#include <linux/kref.h>
#include <linux/ktime.h>
#include <linux/poll.h>
#include <linux/types.h>
#include <linux/xmsg.h>
#include <xmsg/mm.h>

/*
 * The timeout of a wait at an exchange or a semaphore (xmsg_xchg_recv(),
 * xmsg_sem_wait()): 0 does not wait, XMSG_WAIT_FOREVER waits for ever, any
 * other value is the CLOCK_MONOTONIC time (ktime_get()) at which the wait
 * gives up.  The wait sleeps on a high-resolution timer with no slack, as
 * POSIX message queues do: it never ends before that time, and after it by
 * the timer's and the scheduler's latency only.
 */
#define XMSG_WAIT_FOREVER	KTIME_MAX

/**
 * xmsg_wait_ns - the timeout of a wait of @ns nanoseconds from now
 * @ns: nanoseconds; 0 (or less): do not wait; saturates at
 *	XMSG_WAIT_FOREVER
 *
 * Context: any context.
 * Return: 0, or an absolute CLOCK_MONOTONIC time.
 */
static inline ktime_t xmsg_wait_ns(s64 ns)
{
	return ns > 0 ? ktime_add_safe(ktime_get(), ns) : 0;
}

/**
 * struct xmsg_obj - common, reference counted head of exchanges and sems
 * @ref: references; the object is freed when it drops to zero
 * @type: what the object is: XMSG_TYPE_XCHG (struct xmsg_xchg) or
 *	XMSG_TYPE_SEM (struct xmsg_sem), the uAPI's names
 */
struct xmsg_obj {
	struct kref ref;
	u32 type;
};

struct xmsg_xchg;
struct xmsg_sem;
struct xmsg_ring;
struct xmsg_txring;

/**
 * struct xmsg_xchg_stats - a snapshot of an exchange's counters
 * @kind: XMSG_XCHG_KIND_*
 * @queued: messages queued now
 * @waiters: receivers waiting now
 * @senders: senders waiting for room now (xmsg_xchg_send_wait())
 * @limit: queue limit
 * @sent: messages sent
 * @received: messages received
 * @refused: sends refused because the queue was at its limit (-ENOSPC)
 * @gen: broadcast generation (number of broadcast sends)
 * @flags: XMSG_XCHG_PASS_SCHED or 0, as created
 */
struct xmsg_xchg_stats {
	u32 kind;
	u32 flags;
	u32 queued;
	u32 waiters;
	u32 senders;
	u32 limit;
	u64 sent;
	u64 received;
	u64 refused;
	u64 gen;
};

/**
 * struct xmsg_sem_stats - a snapshot of a semaphore
 * @kind: XMSG_SEM_KIND_*
 * @count: current count
 * @threshold: threshold (1 for counting)
 * @waiters: tasks waiting now
 * @signals: signals so far
 */
struct xmsg_sem_stats {
	u32 kind;
	u32 count;
	u32 threshold;
	u32 waiters;
	u64 signals;
};

/**
 * struct xmsg_ring_stats - a snapshot of a receive ring
 * @entries: ring size
 * @producer: entries put in the ring so far (wraps at 2^32)
 * @consumer: the consumer index user space last wrote, as written (the
 *	kernel ignores a value outside [@reclaimed, @producer])
 * @reclaimed: entries whose messages went back (the kernel's consumer)
 * @ready: entries put and not passed by a valid @consumer yet
 * @flags: XMSG_RING_F_*, the kernel's copy of what it published in the
 *	shared header (where user space may write anything)
 * @overflows: messages that found the ring full and waited at the
 *	exchange instead, the kernel's copy as @flags
 * @wake_min: poll() reports the ring readable at this many ready entries
 * @wake_ns: or this long after it found fewer (0: never)
 */
struct xmsg_ring_stats {
	u32 entries;
	u32 producer;
	u32 consumer;
	u32 reclaimed;
	u32 ready;
	u32 flags;
	u32 overflows;
	u32 wake_min;
	u64 wake_ns;
};

/**
 * struct xmsg_txring_stats - a snapshot of a send ring
 * @entries: entries of each of its rings
 * @blocks: blocks it keeps leased
 * @leased: blocks leased now (in the fill ring or in the sender's hands)
 * @send_producer: the send producer index user space last wrote, as
 *	written
 * @send_consumer: descriptors taken
 * @comp_producer: completion entries written
 * @comp_consumer: the last completion consumer index the kernel accepted
 * @fill_producer: fill entries written
 * @flags: XMSG_TXRING_F_*, the kernel's copy of what it published
 * @sent: descriptors sent
 * @refused: descriptors refused per XMSG_TXRING_REFUSED_* reason, the
 *	kernel's copy as @flags
 */
struct xmsg_txring_stats {
	u32 entries;
	u32 blocks;
	u32 leased;
	u32 send_producer;
	u32 send_consumer;
	u32 comp_producer;
	u32 comp_consumer;
	u32 fill_producer;
	u32 flags;
	u64 sent;
	u32 refused[XMSG_TXRING_REFUSED_NR];
};

/**
 * struct xmsg_sched - a thread's scheduling class and priority
 * @policy: SCHED_NORMAL, SCHED_BATCH, SCHED_FIFO, SCHED_RR, ...
 * @nice: SCHED_NORMAL and SCHED_BATCH: nice value, MIN_NICE to MAX_NICE
 * @rt_prio: SCHED_FIFO and SCHED_RR: real-time priority, 1 to 99
 */
struct xmsg_sched {
	u32 policy;
	int nice;
	int rt_prio;
};

/**
 * struct xmsg_sched_limits - what a thread may set itself
 * @min_nice: the lowest nice value it may set (RLIMIT_NICE, or MIN_NICE
 *	with CAP_SYS_NICE)
 * @max_rt_prio: the highest real-time priority it may set (RLIMIT_RTPRIO,
 *	or 99 with CAP_SYS_NICE)
 */
struct xmsg_sched_limits {
	int min_nice;
	int max_rt_prio;
};

/*
 * Flags of xmsg_xchg_create_flags().  XMSG_XCHG_PASS_SCHED (pass exchanges
 * only): a receiver runs at a scheduling priority derived from the
 * received message's priority until its next receive there (prio.c).
 */
#define XMSG_XCHG_PASS_SCHED	0x1

/* Queue limit of an exchange created with limit 0, and the largest one. */
#define XMSG_XCHG_LIMIT_DEFAULT	1024
#define XMSG_XCHG_LIMIT_MAX	BIT(20)

/**
 * xmsg_xchg_limit_of() - the queue limit an exchange gets when created
 * @kind: XMSG_XCHG_KIND_*
 * @limit: as passed to xmsg_xchg_create()
 *
 * Context: any context.
 * Return: 1 for a broadcast exchange, else @limit or the default for 0.
 */
static inline u32 xmsg_xchg_limit_of(u32 kind, u32 limit)
{
	if (kind == XMSG_XCHG_KIND_BCAST)
		return 1;
	return limit ?: XMSG_XCHG_LIMIT_DEFAULT;
}

struct pid_namespace;

/**
 * struct xmsg_xchg_peek - what a receive at an exchange would find now
 * @queued: messages queued (broadcast: 1 while posted)
 * @waiters: receivers waiting
 * @has_msg: a message is queued (or posted): @prio and @length are its
 * @prio: priority of the message a receive would take
 * @length: its length
 * @has_waiter: a receiver waits: @pid and @tid are the first one's
 * @pid: its thread group ID in the namespace asked for (0: not visible)
 * @tid: its thread ID, likewise
 */
struct xmsg_xchg_peek {
	u32 queued;
	u32 waiters;
	bool has_msg;
	u8 prio;
	u64 length;
	bool has_waiter;
	pid_t pid;
	pid_t tid;
};

/**
 * struct xmsg_sem_peek - a semaphore and its first waiter, now
 * @count: current count
 * @threshold: threshold (1 for counting, 0 for a gate)
 * @waiters: tasks waiting
 * @has_waiter: a task waits: @pid and @tid are the first one's
 * @pid: its thread group ID in the namespace asked for (0: not visible)
 * @tid: its thread ID, likewise
 */
struct xmsg_sem_peek {
	u32 count;
	u32 threshold;
	u32 waiters;
	bool has_waiter;
	pid_t pid;
	pid_t tid;
};

/* obj.c */
void xmsg_obj_get(struct xmsg_obj *obj);
void xmsg_obj_put(struct xmsg_obj *obj);
bool xmsg_obj_dead(struct xmsg_obj *obj);

/* exchange.c */
u64 xmsg_xchg_queue_bytes(u32 kind, u32 limit);
struct xmsg_xchg *xmsg_xchg_create(const char *name, u32 kind,
				   u32 limit);
struct xmsg_xchg *xmsg_xchg_create_flags(const char *name, u32 kind,
					 u32 limit, u32 flags);
void xmsg_xchg_destroy(struct xmsg_xchg *xchg);
struct xmsg_obj *xmsg_xchg_obj(struct xmsg_xchg *xchg);
struct xmsg_xchg *xmsg_obj_xchg(struct xmsg_obj *obj);
u32 xmsg_xchg_kind(const struct xmsg_xchg *xchg);
int xmsg_xchg_send(struct xmsg_xchg *xchg, struct xmsg_msg *msg,
		   struct xmsg_owner *from, u8 prio);
int xmsg_xchg_send_defer(struct xmsg_xchg *xchg, struct xmsg_msg *msg,
			 struct xmsg_owner *from, u8 prio,
			 struct list_head *wake);
int xmsg_xchg_send_reuse(struct xmsg_xchg *xchg, struct xmsg_msg *msg,
			 struct xmsg_owner *from, u8 prio,
			 struct list_head *wake, struct xmsg_msg **spare);
int xmsg_xchg_send_reuse_many(struct xmsg_xchg *xchg, struct xmsg_msg *msg,
			      struct xmsg_owner *from, u8 prio,
			      struct list_head *wake, struct list_head *spares,
			      unsigned int max);
void xmsg_xchg_wake(struct list_head *wake);
int xmsg_xchg_send_tagged(struct xmsg_xchg *xchg, struct xmsg_msg *msg,
			  struct xmsg_owner *from, u8 prio, u64 tag,
			  struct list_head *wake);
int xmsg_xchg_send_wait(struct xmsg_xchg *xchg, struct xmsg_msg *msg,
			struct xmsg_owner *from, u8 prio, u64 tag,
			ktime_t timeout);
int xmsg_xchg_clear(struct xmsg_xchg *xchg, struct xmsg_owner *from);
int xmsg_xchg_bump(struct xmsg_xchg *xchg, u64 tag, u8 prio, u8 *old_prio);
struct xmsg_msg *xmsg_xchg_recv(struct xmsg_xchg *xchg,
				struct xmsg_owner *to, ktime_t timeout,
				unsigned int flags, u64 *gen);
int xmsg_xchg_bcast_clear(struct xmsg_xchg *xchg, struct xmsg_owner *from);
int xmsg_xchg_bcast_withdraw(struct xmsg_xchg *xchg, struct xmsg_msg *msg,
			     struct xmsg_owner *from);
__poll_t xmsg_xchg_poll(struct xmsg_xchg *xchg, struct file *file,
			poll_table *pt, u64 gen);
void xmsg_xchg_get_stats(struct xmsg_xchg *xchg, struct xmsg_xchg_stats *st);
void xmsg_xchg_peek(struct xmsg_xchg *xchg, struct pid_namespace *ns,
		    struct xmsg_xchg_peek *pk);

/* prio.c: priority passing */
bool xmsg_prio_pass_map(const struct xmsg_sched *own, u8 prio,
			const struct xmsg_sched_limits *lim,
			struct xmsg_sched *out);

/* ring.c: receive rings */
u64 xmsg_ring_bytes(u32 entries);
struct xmsg_ring *xmsg_ring_create(u32 entries, u32 wake_min, u64 wake_ns);
void xmsg_ring_destroy(struct xmsg_ring *ring);
int xmsg_ring_attach(struct xmsg_ring *ring, struct xmsg_xchg *xchg,
		     struct xmsg_pool *pool);
size_t xmsg_ring_map_size(const struct xmsg_ring *ring);
int xmsg_ring_mmap(struct xmsg_ring *ring, struct vm_area_struct *vma);
__poll_t xmsg_ring_poll(struct xmsg_ring *ring, struct file *file,
			poll_table *pt);
struct xmsg_msg *xmsg_ring_take(struct xmsg_ring *ring, u32 index);
void xmsg_ring_get_stats(struct xmsg_ring *ring, struct xmsg_ring_stats *st);
struct xmsg_ring_hdr *xmsg_ring_hdr(struct xmsg_ring *ring);

/* txring.c: send rings */
u64 xmsg_txring_bytes(u32 entries, u32 nblk);
struct xmsg_txring *xmsg_txring_create(struct xmsg_xchg *xchg,
				       struct xmsg_pool *pool, u32 entries,
				       u32 blocks);
void xmsg_txring_destroy(struct xmsg_txring *ring);
bool xmsg_txring_any(struct xmsg_xchg *xchg);
u32 xmsg_txring_pull(struct xmsg_xchg *xchg);
void xmsg_txring_kick(struct xmsg_txring *ring, bool lease, u32 *sent,
		      u32 *refused);
u32 xmsg_txring_leased(struct xmsg_txring *ring);
void xmsg_txring_layout(const struct xmsg_txring *ring, u64 *map_size,
			u64 *send_off, u64 *comp_off, u64 *fill_off);
int xmsg_txring_mmap(struct xmsg_txring *ring, struct vm_area_struct *vma);
void xmsg_txring_get_stats(struct xmsg_txring *ring,
			   struct xmsg_txring_stats *st);
struct xmsg_txring_hdr *xmsg_txring_hdr(struct xmsg_txring *ring);

/* sem.c */
struct xmsg_sem *xmsg_sem_create(const char *name, u32 kind,
				 u32 count, u32 threshold);
void xmsg_sem_destroy(struct xmsg_sem *sem);
struct xmsg_obj *xmsg_sem_obj(struct xmsg_sem *sem);
struct xmsg_sem *xmsg_obj_sem(struct xmsg_obj *obj);
int xmsg_sem_signal(struct xmsg_sem *sem);
int xmsg_sem_wait(struct xmsg_sem *sem, ktime_t timeout);
int xmsg_sem_signal_wait(struct xmsg_sem *sig, struct xmsg_sem *wait,
			 ktime_t timeout, bool *signalled);
int xmsg_sem_clear(struct xmsg_sem *sem);
__poll_t xmsg_sem_poll(struct xmsg_sem *sem, struct file *file,
		       poll_table *pt);
void xmsg_sem_get_stats(struct xmsg_sem *sem, struct xmsg_sem_stats *st);
void xmsg_sem_peek(struct xmsg_sem *sem, struct pid_namespace *ns,
		   struct xmsg_sem_peek *pk);

/* reply.c */
int xmsg_msg_set_reply_obj(struct xmsg_msg *msg, struct xmsg_obj *obj);
struct xmsg_obj *xmsg_msg_reply_obj(struct xmsg_msg *msg);
int xmsg_reply(struct xmsg_msg *msg, struct xmsg_msg *answer,
	       struct xmsg_owner *from);

struct dentry;
int xmsg_ipc_init(struct dentry *root);
void xmsg_ipc_exit(void);

#endif /* _XMSG_IPC_H */
