/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Trace events of the sample NIC module (xmsg_nic.ko), in a system of
 * their own, xmsg_nic, next to xmsg.ko's xmsg (include/xmsg/trace.h): a
 * module's events live and go with the module, and the NIC's can be
 * enabled apart from the exchange engine's.  Defined (CREATE_TRACE_POINTS)
 * in nic_main.c.  Enable them with tracefs (events/xmsg_nic/), perf or
 * bpftrace:
 *
 *   perf trace -e 'xmsg_nic:*'
 *   bpftrace -e 'tracepoint:xmsg_nic:xmsg_nic_rx_drop { @[args->reason] = count(); }'
 *
 * Devices are named by their names, never by kernel addresses.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM xmsg_nic

#if !defined(_TRACE_XMSG_NIC_H) || defined(TRACE_HEADER_MULTI_READ)
#define _TRACE_XMSG_NIC_H

#include <linux/tracepoint.h>
#include <linux/xmsg_nic.h>
#include <xmsg/compat.h>

/* The reasons of a dropped frame: the counters that count them. */
TRACE_DEFINE_ENUM(XMSG_NIC_STAT_RX_DROP_NOBLOCK);
TRACE_DEFINE_ENUM(XMSG_NIC_STAT_RX_DROP_OVERSIZE);
TRACE_DEFINE_ENUM(XMSG_NIC_STAT_RX_DROP_FULL);
TRACE_DEFINE_ENUM(XMSG_NIC_STAT_RX_DROP_NOMEM);
TRACE_DEFINE_ENUM(XMSG_NIC_STAT_RX_DROP_OTHER);
TRACE_DEFINE_ENUM(XMSG_NIC_STAT_RX_DROP_UNLOAD);

/* A frame of our EtherType that did not become a message at the rx
 * exchange (or whose message the exchange refused): @reason is the
 * counter it adds to, enum xmsg_nic_stat.
 */
TRACE_EVENT(xmsg_nic_rx_drop,
	TP_PROTO(const char *dev, unsigned int len, int reason),
	TP_ARGS(dev, len, reason),
	TP_STRUCT__entry(
		__string(dev, dev)
		__field(unsigned int, len)
		__field(int, reason)
	),
	TP_fast_assign(
		xmsg_assign_str(dev, dev);
		__entry->len = len;
		__entry->reason = reason;
	),
	TP_printk("dev=%s len=%u reason=%s", __get_str(dev), __entry->len,
		  __print_symbolic(__entry->reason,
				   { XMSG_NIC_STAT_RX_DROP_NOBLOCK, "pool-empty" },
				   { XMSG_NIC_STAT_RX_DROP_OVERSIZE, "too-big" },
				   { XMSG_NIC_STAT_RX_DROP_FULL, "full" },
				   { XMSG_NIC_STAT_RX_DROP_NOMEM, "no-memory" },
				   { XMSG_NIC_STAT_RX_DROP_OTHER, "refused" },
				   { XMSG_NIC_STAT_RX_DROP_UNLOAD, "unloading" }))
);

/* A body sent in place is back: the device freed the skb that carried
 * it, and the block went back to its pool (@proxy 0) or the held proxy
 * was released (@proxy 1).  Bodies sent by copy have no completion.
 */
TRACE_EVENT(xmsg_nic_tx_complete,
	TP_PROTO(const char *dev, unsigned int len, bool proxy),
	TP_ARGS(dev, len, proxy),
	TP_STRUCT__entry(
		__string(dev, dev)
		__field(unsigned int, len)
		__field(bool, proxy)
	),
	TP_fast_assign(
		xmsg_assign_str(dev, dev);
		__entry->len = len;
		__entry->proxy = proxy;
	),
	TP_printk("dev=%s len=%u proxy=%d", __get_str(dev), __entry->len,
		  __entry->proxy)
);

#endif /* _TRACE_XMSG_NIC_H */

#undef TRACE_INCLUDE_PATH
/* Found through the -I$(src)/net that Kbuild gives nic_main.o. */
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE nic_trace
#include <trace/define_trace.h>
