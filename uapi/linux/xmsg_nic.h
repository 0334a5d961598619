/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * xmsg NIC sample (xmsg_nic.ko): its generic netlink family.
 *
 * Copyright (C) The xmsg developers
 *
 * The family XMSG_NIC_GENL_NAME attaches a network device to xmsg (its
 * frames of one EtherType become messages at an exchange, messages sent
 * to another exchange leave through it), detaches it, and reports the
 * counters of an attachment.  It exists while the module is loaded.
 *
 * Devices are named in the network namespace of the requesting socket,
 * by XMSG_NIC_A_IFINDEX or XMSG_NIC_A_IFNAME (both: they must name the
 * same device).  ATTACH and DETACH need CAP_NET_ADMIN (GENL_ADMIN_PERM:
 * in the initial user namespace, for the opener of the socket and the
 * sender); GET needs no privilege.  Requests are validated strictly: an
 * attribute the command does not take, or one this header does not
 * know, is refused with EINVAL.
 *
 * Errors (the netlink ack's error, with an extended-ack message):
 *   EPERM	ATTACH or DETACH without CAP_NET_ADMIN
 *   EINVAL	no device given, an attribute unknown to the command or
 *		of the wrong length, ifindex and ifname naming different
 *		devices, not an Ethernet device, or a device name that is
 *		not a valid xmsg name
 *   ERANGE	XMSG_NIC_A_MODE, XMSG_NIC_A_KRECV or XMSG_NIC_A_ETHERTYPE out of
 *		range
 *   ENODEV	no such device in the requester's network namespace
 *   ENOENT	DETACH, GET: the device is not attached
 *   EEXIST	ATTACH: already attached, or one of its object names is
 *		taken in the requester's IPC namespace
 *   EBUSY	ATTACH: the device has another rx_handler (a bridge port...),
 *		or its detach is still finishing
 */
#ifndef _UAPI_LINUX_XMSG_NIC_H
#define _UAPI_LINUX_XMSG_NIC_H

#define XMSG_NIC_GENL_NAME	"xmsg_nic"
#define XMSG_NIC_GENL_VERSION	1

/**
 * enum xmsg_nic_cmd - commands of the family
 * @XMSG_NIC_CMD_UNSPEC: unused
 * @XMSG_NIC_CMD_ATTACH: attach a device; takes a device and optionally
 *	XMSG_NIC_A_MODE, XMSG_NIC_A_ETHERTYPE, XMSG_NIC_A_KRECV
 * @XMSG_NIC_CMD_DETACH: detach a device; takes a device
 * @XMSG_NIC_CMD_GET: do: the attachment of a device (a device given);
 *	dump: every attachment of the requester's network namespace.  Each
 *	reply carries the device, XMSG_NIC_A_MODE, _ETHERTYPE, _KRECV and
 *	XMSG_NIC_A_STATS
 */
enum xmsg_nic_cmd {
	XMSG_NIC_CMD_UNSPEC,
	XMSG_NIC_CMD_ATTACH,
	XMSG_NIC_CMD_DETACH,
	XMSG_NIC_CMD_GET,

	__XMSG_NIC_CMD_MAX,
	XMSG_NIC_CMD_MAX = __XMSG_NIC_CMD_MAX - 1
};

/**
 * enum xmsg_nic_attr - attributes of the commands
 * @XMSG_NIC_A_UNSPEC: unused
 * @XMSG_NIC_A_IFINDEX: u32, the device's ifindex
 * @XMSG_NIC_A_IFNAME: string, the device's name (replies: its name at
 *	attach time, which the objects are named after)
 * @XMSG_NIC_A_MODE: u32, enum xmsg_nic_mode (default pool)
 * @XMSG_NIC_A_ETHERTYPE: u16, host order, the EtherType taken (default:
 *	the module parameter ethertype); 0x0600 or above (-ERANGE).  The
 *	device's frames of that type go to xmsg only: taking one a protocol
 *	uses (0x0800 IPv4, 0x0806 ARP) takes its traffic away
 * @XMSG_NIC_A_KRECV: u32, enum xmsg_nic_krecv (default none)
 * @XMSG_NIC_A_STATS: nested, the counters (enum xmsg_nic_stat)
 */
enum xmsg_nic_attr {
	XMSG_NIC_A_UNSPEC,
	XMSG_NIC_A_IFINDEX,
	XMSG_NIC_A_IFNAME,
	XMSG_NIC_A_MODE,
	XMSG_NIC_A_ETHERTYPE,
	XMSG_NIC_A_KRECV,
	XMSG_NIC_A_STATS,

	__XMSG_NIC_A_MAX,
	XMSG_NIC_A_MAX = __XMSG_NIC_A_MAX - 1
};

/**
 * enum xmsg_nic_mode - how received frames become messages
 * @XMSG_NIC_MODE_POOL: copied into a block of the attachment's pool
 * @XMSG_NIC_MODE_ZC: the message body is the received skb's data
 */
enum xmsg_nic_mode {
	XMSG_NIC_MODE_POOL,
	XMSG_NIC_MODE_ZC,
};

/**
 * enum xmsg_nic_krecv - a kernel receiver at the rx exchange
 * @XMSG_NIC_KRECV_NONE: none: user space receives
 * @XMSG_NIC_KRECV_ECHO: each message is sent on to the tx exchange
 * @XMSG_NIC_KRECV_SINK: each message is read in place and released
 */
enum xmsg_nic_krecv {
	XMSG_NIC_KRECV_NONE,
	XMSG_NIC_KRECV_ECHO,
	XMSG_NIC_KRECV_SINK,
};

/*
 * enum xmsg_nic_stat - the attributes nested in XMSG_NIC_A_STATS, each a
 * u64 (docs/nic.md explains them): a snapshot, read without a lock.  New
 * counters are appended; user space skips the types it does not know.
 */
enum xmsg_nic_stat {
	XMSG_NIC_STAT_UNSPEC,
	XMSG_NIC_STAT_PAD,		/* alignment padding, no value */
	XMSG_NIC_STAT_RX_FRAMES,	/* frames of our EtherType seen */
	XMSG_NIC_STAT_RX_MADE,		/* messages made from frames */
	XMSG_NIC_STAT_RX_DELIVERED,	/* messages sent to the rx exchange */
	XMSG_NIC_STAT_RX_DROP_NOBLOCK,	/* pool empty */
	XMSG_NIC_STAT_RX_DROP_OVERSIZE,	/* frame larger than a block */
	XMSG_NIC_STAT_RX_DROP_FULL,	/* rx exchange full, or zc_max_live */
	XMSG_NIC_STAT_RX_DROP_NOMEM,	/* MCB or skb allocation failed */
	XMSG_NIC_STAT_RX_DROP_OTHER,	/* exchange refused it otherwise */
	XMSG_NIC_STAT_RX_DROP_UNLOAD,	/* zc: rmmod has begun */
	XMSG_NIC_STAT_RX_LINEARIZED,	/* zc: non-linear frame linearized */
	XMSG_NIC_STAT_RX_ZC_LIVE,	/* zc: messages alive that pin an skb */
	XMSG_NIC_STAT_RX_RECYCLED,	/* pool: reused from the free exchange */
	XMSG_NIC_STAT_RX_RING_REUSED,	/* pool: reused from the rx ring */
	XMSG_NIC_STAT_RX_FREE_RELEASED,	/* others found there, released */
	XMSG_NIC_STAT_TX_MSGS,		/* messages from the tx exchange */
	XMSG_NIC_STAT_TX_SENT,		/* skbs dev_queue_xmit() took */
	XMSG_NIC_STAT_TX_DROP_BAD,	/* too short or too long */
	XMSG_NIC_STAT_TX_DROP_NOMEM,	/* skb or context allocation failed */
	XMSG_NIC_STAT_TX_DROP_XMIT,	/* dev_queue_xmit() dropped it */
	XMSG_NIC_STAT_TX_COMPLETED,	/* blocks back after the skb was freed */
	XMSG_NIC_STAT_TX_INFLIGHT,	/* blocks out in skbs now */
	XMSG_NIC_STAT_TX_COPIED,	/* non-pool bodies sent by copy */
	XMSG_NIC_STAT_ECHOED,		/* echo: rx messages passed to tx */
	XMSG_NIC_STAT_ECHO_DROP,	/* echo: tx exchange refused them */
	XMSG_NIC_STAT_SUNK,		/* sink: rx messages read, released */
	XMSG_NIC_STAT_SINK_SHORT,	/* sink: shorter than an Ethernet header */
	XMSG_NIC_STAT_POOL_FREE,	/* pool: free blocks */
	XMSG_NIC_STAT_POOL_IN_USE,	/* pool: blocks in use */
	XMSG_NIC_STAT_POOL_COUNT,	/* pool: blocks */
	XMSG_NIC_STAT_BLOCK_SIZE,	/* pool: bytes a block */

	__XMSG_NIC_STAT_MAX,
	XMSG_NIC_STAT_MAX = __XMSG_NIC_STAT_MAX - 1
};

#endif /* _UAPI_LINUX_XMSG_NIC_H */
