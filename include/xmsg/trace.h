/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Trace events of xmsg.ko: pools, messages, exchanges, receive rings,
 * send rings and semaphores.  Enable them with tracefs (events/xmsg/),
 * perf or bpftrace:
 *
 *   perf trace -e 'xmsg:*'
 *   bpftrace -e 'tracepoint:xmsg:xmsg_xchg_full { @[str(args->xchg)] = count(); }'
 *
 * Objects are named by their names, never by kernel addresses.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM xmsg

#if !defined(_TRACE_XMSG_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_XMSG_H

#include <linux/tracepoint.h>
#include <xmsg/mm.h>

TRACE_DEFINE_ENUM(XMSG_ORIGIN_POOL);
TRACE_DEFINE_ENUM(XMSG_ORIGIN_HEAP);
TRACE_DEFINE_ENUM(XMSG_ORIGIN_EXT);
TRACE_DEFINE_ENUM(XMSG_ORIGIN_PROXY);

/* What a send did with the message: xmsg_msg_send's result field. */
#define XMSG_TRACE_SEND_HANDED	0	/* to a waiting receiver */
#define XMSG_TRACE_SEND_QUEUED	1	/* on the exchange's queue */
#define XMSG_TRACE_SEND_RING	2	/* into the receive ring */
#define XMSG_TRACE_SEND_POSTED	3	/* broadcast: the new post */

TRACE_EVENT(xmsg_pool_empty,
	TP_PROTO(const char *pool, size_t block_size, u32 count),
	TP_ARGS(pool, block_size, count),
	TP_STRUCT__entry(
		__string(pool, pool)
		__field(size_t, block_size)
		__field(u32, count)
	),
	TP_fast_assign(
		xmsg_assign_str(pool, pool);
		__entry->block_size = block_size;
		__entry->count = count;
	),
	TP_printk("pool=%s block_size=%zu count=%u",
		  __get_str(pool), __entry->block_size, __entry->count)
);

TRACE_EVENT(xmsg_msg_send,
	TP_PROTO(const char *xchg, u8 prio, size_t len, int result),
	TP_ARGS(xchg, prio, len, result),
	TP_STRUCT__entry(
		__string(xchg, xchg)
		__field(u8, prio)
		__field(size_t, len)
		__field(int, result)
	),
	TP_fast_assign(
		xmsg_assign_str(xchg, xchg);
		__entry->prio = prio;
		__entry->len = len;
		__entry->result = result;
	),
	TP_printk("xchg=%s prio=%u len=%zu result=%s", __get_str(xchg),
		  __entry->prio, __entry->len,
		  __print_symbolic(__entry->result,
				   { XMSG_TRACE_SEND_HANDED, "handed" },
				   { XMSG_TRACE_SEND_QUEUED, "queued" },
				   { XMSG_TRACE_SEND_RING, "ring" },
				   { XMSG_TRACE_SEND_POSTED, "posted" },
				   { -ENOSPC, "full" },
				   { -EIDRM, "destroyed" },
				   { -EPERM, "not-owner" },
				   { -ENOMEM, "no-memory" }))
);

TRACE_EVENT(xmsg_msg_recv,
	TP_PROTO(const char *xchg, u8 prio, size_t len),
	TP_ARGS(xchg, prio, len),
	TP_STRUCT__entry(
		__string(xchg, xchg)
		__field(u8, prio)
		__field(size_t, len)
	),
	TP_fast_assign(
		xmsg_assign_str(xchg, xchg);
		__entry->prio = prio;
		__entry->len = len;
	),
	TP_printk("xchg=%s prio=%u len=%zu", __get_str(xchg), __entry->prio,
		  __entry->len)
);

TRACE_EVENT(xmsg_msg_bump,
	TP_PROTO(const char *xchg, u64 tag, u8 old_prio, u8 prio),
	TP_ARGS(xchg, tag, old_prio, prio),
	TP_STRUCT__entry(
		__string(xchg, xchg)
		__field(u64, tag)
		__field(u8, old_prio)
		__field(u8, prio)
	),
	TP_fast_assign(
		xmsg_assign_str(xchg, xchg);
		__entry->tag = tag;
		__entry->old_prio = old_prio;
		__entry->prio = prio;
	),
	TP_printk("xchg=%s tag=%llu old_prio=%u prio=%u", __get_str(xchg),
		  __entry->tag, __entry->old_prio, __entry->prio)
);

TRACE_EVENT(xmsg_msg_rel,
	TP_PROTO(int origin, size_t len),
	TP_ARGS(origin, len),
	TP_STRUCT__entry(
		__field(int, origin)
		__field(size_t, len)
	),
	TP_fast_assign(
		__entry->origin = origin;
		__entry->len = len;
	),
	TP_printk("origin=%s len=%zu",
		  __print_symbolic(__entry->origin,
				   { XMSG_ORIGIN_POOL, "pool" },
				   { XMSG_ORIGIN_HEAP, "heap" },
				   { XMSG_ORIGIN_EXT, "ext" },
				   { XMSG_ORIGIN_PROXY, "proxy" }),
		  __entry->len)
);

TRACE_EVENT(xmsg_xchg_full,
	TP_PROTO(const char *xchg, u32 queued, u32 limit),
	TP_ARGS(xchg, queued, limit),
	TP_STRUCT__entry(
		__string(xchg, xchg)
		__field(u32, queued)
		__field(u32, limit)
	),
	TP_fast_assign(
		xmsg_assign_str(xchg, xchg);
		__entry->queued = queued;
		__entry->limit = limit;
	),
	TP_printk("xchg=%s queued=%u limit=%u", __get_str(xchg),
		  __entry->queued, __entry->limit)
);

DECLARE_EVENT_CLASS(xmsg_ring_class,
	TP_PROTO(const char *xchg, u32 index, size_t len),
	TP_ARGS(xchg, index, len),
	TP_STRUCT__entry(
		__string(xchg, xchg)
		__field(u32, index)
		__field(size_t, len)
	),
	TP_fast_assign(
		xmsg_assign_str(xchg, xchg);
		__entry->index = index;
		__entry->len = len;
	),
	TP_printk("xchg=%s index=%u len=%zu", __get_str(xchg),
		  __entry->index, __entry->len)
);

/* An entry the process can now read, at producer index @index. */
DEFINE_EVENT(xmsg_ring_class, xmsg_ring_publish,
	TP_PROTO(const char *xchg, u32 index, size_t len),
	TP_ARGS(xchg, index, len));

/* A message that did not fit (ring full, or body beyond the ring's pool). */
DEFINE_EVENT(xmsg_ring_class, xmsg_ring_full,
	TP_PROTO(const char *xchg, u32 index, size_t len),
	TP_ARGS(xchg, index, len));

/* A send ring refused the descriptor of block @offset with @err. */
TRACE_EVENT(xmsg_txring_refuse,
	TP_PROTO(const char *xchg, u64 offset, int err),
	TP_ARGS(xchg, offset, err),
	TP_STRUCT__entry(
		__string(xchg, xchg)
		__field(u64, offset)
		__field(int, err)
	),
	TP_fast_assign(
		xmsg_assign_str(xchg, xchg);
		__entry->offset = offset;
		__entry->err = err;
	),
	TP_printk("xchg=%s offset=%llu err=%d", __get_str(xchg),
		  __entry->offset, __entry->err)
);

/* A send ring's drain took @sent + @refused descriptors, leased @leased. */
TRACE_EVENT(xmsg_txring_drain,
	TP_PROTO(const char *xchg, u32 sent, u32 refused, u32 leased),
	TP_ARGS(xchg, sent, refused, leased),
	TP_STRUCT__entry(
		__string(xchg, xchg)
		__field(u32, sent)
		__field(u32, refused)
		__field(u32, leased)
	),
	TP_fast_assign(
		xmsg_assign_str(xchg, xchg);
		__entry->sent = sent;
		__entry->refused = refused;
		__entry->leased = leased;
	),
	TP_printk("xchg=%s sent=%u refused=%u leased=%u", __get_str(xchg),
		  __entry->sent, __entry->refused, __entry->leased)
);

TRACE_EVENT(xmsg_sem_signal,
	TP_PROTO(const char *sem, u32 count, bool woke),
	TP_ARGS(sem, count, woke),
	TP_STRUCT__entry(
		__string(sem, sem)
		__field(u32, count)
		__field(bool, woke)
	),
	TP_fast_assign(
		xmsg_assign_str(sem, sem);
		__entry->count = count;
		__entry->woke = woke;
	),
	TP_printk("sem=%s count=%u woke=%d", __get_str(sem), __entry->count,
		  __entry->woke)
);

TRACE_EVENT(xmsg_sem_wait,
	TP_PROTO(const char *sem, int result),
	TP_ARGS(sem, result),
	TP_STRUCT__entry(
		__string(sem, sem)
		__field(int, result)
	),
	TP_fast_assign(
		xmsg_assign_str(sem, sem);
		__entry->result = result;
	),
	TP_printk("sem=%s result=%d", __get_str(sem), __entry->result)
);

#endif /* _TRACE_XMSG_H */

#undef TRACE_INCLUDE_PATH
/* Found through the module's -I$(src)/include: see Kbuild. */
#define TRACE_INCLUDE_PATH xmsg
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
