// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * libxmsg: control of the NIC sample module (xmsg_nic.ko) through its
 * generic netlink family (<linux/xmsg_nic.h>), over a raw netlink socket
 * (no libnl: the library links statically).  Every call opens its own
 * socket, resolves the family and closes the socket again.
 */
#include <errno.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "libxmsg.h"

/* Room for the replies of one recv(): the kernel fills up to 32 KiB. */
#define NIC_RECV_SIZE	32768

static const char *const nic_stat_names[XMSG_NIC_STAT_MAX + 1] = {
	[XMSG_NIC_STAT_RX_FRAMES] = "rx_frames",
	[XMSG_NIC_STAT_RX_MADE] = "rx_made",
	[XMSG_NIC_STAT_RX_DELIVERED] = "rx_delivered",
	[XMSG_NIC_STAT_RX_DROP_NOBLOCK] = "rx_drop_noblock",
	[XMSG_NIC_STAT_RX_DROP_OVERSIZE] = "rx_drop_oversize",
	[XMSG_NIC_STAT_RX_DROP_FULL] = "rx_drop_full",
	[XMSG_NIC_STAT_RX_DROP_NOMEM] = "rx_drop_nomem",
	[XMSG_NIC_STAT_RX_DROP_OTHER] = "rx_drop_other",
	[XMSG_NIC_STAT_RX_DROP_UNLOAD] = "rx_drop_unload",
	[XMSG_NIC_STAT_RX_LINEARIZED] = "rx_linearized",
	[XMSG_NIC_STAT_RX_ZC_LIVE] = "rx_zc_live",
	[XMSG_NIC_STAT_RX_RECYCLED] = "rx_recycled",
	[XMSG_NIC_STAT_RX_RING_REUSED] = "rx_ring_reused",
	[XMSG_NIC_STAT_RX_FREE_RELEASED] = "rx_free_released",
	[XMSG_NIC_STAT_TX_MSGS] = "tx_msgs",
	[XMSG_NIC_STAT_TX_SENT] = "tx_sent",
	[XMSG_NIC_STAT_TX_DROP_BAD] = "tx_drop_bad",
	[XMSG_NIC_STAT_TX_DROP_NOMEM] = "tx_drop_nomem",
	[XMSG_NIC_STAT_TX_DROP_XMIT] = "tx_drop_xmit",
	[XMSG_NIC_STAT_TX_COMPLETED] = "tx_completed",
	[XMSG_NIC_STAT_TX_INFLIGHT] = "tx_inflight",
	[XMSG_NIC_STAT_TX_COPIED] = "tx_copied",
	[XMSG_NIC_STAT_ECHOED] = "echoed",
	[XMSG_NIC_STAT_ECHO_DROP] = "echo_drop",
	[XMSG_NIC_STAT_SUNK] = "sunk",
	[XMSG_NIC_STAT_SINK_SHORT] = "sink_short",
	[XMSG_NIC_STAT_POOL_FREE] = "pool_free",
	[XMSG_NIC_STAT_POOL_IN_USE] = "pool_in_use",
	[XMSG_NIC_STAT_POOL_COUNT] = "pool_count",
	[XMSG_NIC_STAT_BLOCK_SIZE] = "block_size",
};

const char *xm_nic_stat_name(unsigned int stat)
{
	return stat <= XMSG_NIC_STAT_MAX ? nic_stat_names[stat] : NULL;
}

/**
 * struct nic_req - a request being built
 * @len: bytes used in @u
 * @u: the netlink header, the generic netlink header, the attributes
 */
struct nic_req {
	size_t len;
	union {
		struct nlmsghdr nh;
		char data[1024];
	} u;
};

/**
 * struct nic_sock - a netlink socket talking to one family
 * @fd: the socket
 * @seq: sequence number of the last request
 * @family: the family's id
 * @buf: NIC_RECV_SIZE bytes for the replies
 */
struct nic_sock {
	int fd;
	uint32_t seq;
	uint16_t family;
	char *buf;
};

static void nic_req_init(struct nic_req *r, uint16_t type, uint16_t flags,
			 uint8_t cmd, uint8_t version)
{
	struct genlmsghdr *g;

	memset(&r->u.nh, 0, sizeof(r->u.nh));
	r->u.nh.nlmsg_type = type;
	r->u.nh.nlmsg_flags = NLM_F_REQUEST | flags;
	g = NLMSG_DATA(&r->u.nh);
	memset(g, 0, GENL_HDRLEN);
	g->cmd = cmd;
	g->version = version;
	r->len = NLMSG_LENGTH(GENL_HDRLEN);
}

static int nic_req_put(struct nic_req *r, uint16_t type, const void *data,
		       size_t len)
{
	struct nlattr *a = (struct nlattr *)(r->u.data + r->len);

	if (len > 0xffff - NLA_HDRLEN ||
	    NLA_HDRLEN + NLA_ALIGN(len) > sizeof(r->u) - r->len)
		return -EMSGSIZE;
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	memcpy((char *)a + NLA_HDRLEN, data, len);
	memset((char *)a + NLA_HDRLEN + len, 0, NLA_ALIGN(len) - len);
	r->len += NLA_HDRLEN + NLA_ALIGN(len);
	return 0;
}

static int nic_req_put_u32(struct nic_req *r, uint16_t type, uint32_t v)
{
	return nic_req_put(r, type, &v, sizeof(v));
}

/* The attributes of a message: after its generic netlink header. */
static struct nlattr *nic_attrs(const struct nlmsghdr *nh, int *len)
{
	*len = (int)nh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	return (struct nlattr *)((char *)NLMSG_DATA(nh) + GENL_HDRLEN);
}

/* The next attribute after @a of the @len bytes left, or NULL. */
static struct nlattr *nic_attr_next(struct nlattr *a, int *len)
{
	int step = NLA_ALIGN(a->nla_len);

	*len -= step;
	a = (struct nlattr *)((char *)a + step);
	if (*len < NLA_HDRLEN || a->nla_len < NLA_HDRLEN || a->nla_len > *len)
		return NULL;
	return a;
}

/* The first attribute of the @len bytes at @a, or NULL. */
static struct nlattr *nic_attr_first(struct nlattr *a, int len)
{
	if (len < NLA_HDRLEN || a->nla_len < NLA_HDRLEN || a->nla_len > len)
		return NULL;
	return a;
}

#define nic_for_each_attr(a, start, len) \
	for (a = nic_attr_first(start, len); a; a = nic_attr_next(a, &(len)))

/* The type of @a without the NLA_F_NESTED and NLA_F_NET_BYTEORDER bits. */
static int nic_attr_type(const struct nlattr *a)
{
	return a->nla_type & NLA_TYPE_MASK;
}

static void *nic_attr_data(const struct nlattr *a)
{
	return (char *)a + NLA_HDRLEN;
}

static int nic_attr_len(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

/*
 * Send @r and read the answers until the kernel's last word: the ack
 * (NLMSG_ERROR) or, for a dump, NLMSG_DONE.  Each other message of the
 * request goes to @cb.  Returns the kernel's answer (0 or -errno), the
 * first error of @cb, or a socket error.
 */
static int nic_talk(struct nic_sock *s, struct nic_req *r,
		    int (*cb)(const struct nlmsghdr *nh, void *arg), void *arg)
{
	struct nlmsghdr *nh;
	ssize_t n;
	int err;

	r->u.nh.nlmsg_len = r->len;
	r->u.nh.nlmsg_seq = ++s->seq;
	do {
		n = send(s->fd, &r->u, r->len, 0);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	for (;;) {
		n = recv(s->fd, s->buf, NIC_RECV_SIZE, MSG_TRUNC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n > NIC_RECV_SIZE)
			return -EMSGSIZE;
		for (nh = (struct nlmsghdr *)s->buf; NLMSG_OK(nh, n);
		     nh = NLMSG_NEXT(nh, n)) {
			if (nh->nlmsg_seq != s->seq)
				continue;
			if (nh->nlmsg_type == NLMSG_ERROR) {
				if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(int)))
					return -EPROTO;
				return ((struct nlmsgerr *)NLMSG_DATA(nh))->error;
			}
			if (nh->nlmsg_type == NLMSG_DONE) {
				if (nh->nlmsg_len < NLMSG_LENGTH(sizeof(int)))
					return 0;
				return *(int *)NLMSG_DATA(nh);
			}
			if (nh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
				return -EPROTO;
			err = cb ? cb(nh, arg) : 0;
			if (err)
				return err;
		}
	}
}

/* CTRL_CMD_GETFAMILY's reply: the family's id. */
static int nic_family_cb(const struct nlmsghdr *nh, void *arg)
{
	struct nlattr *a, *attrs;
	int len;

	attrs = nic_attrs(nh, &len);
	nic_for_each_attr(a, attrs, len)
		if (nic_attr_type(a) == CTRL_ATTR_FAMILY_ID &&
		    nic_attr_len(a) == sizeof(uint16_t))
			memcpy(arg, nic_attr_data(a), sizeof(uint16_t));
	return 0;
}

static void nic_close(struct nic_sock *s)
{
	close(s->fd);
	free(s->buf);
}

/* Open a socket and find the family: -ENOPROTOOPT without the module. */
static int nic_open(struct nic_sock *s)
{
	const struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct nic_req r;
	int err;

	memset(s, 0, sizeof(*s));
	s->buf = malloc(NIC_RECV_SIZE);
	if (!s->buf)
		return -ENOMEM;
	s->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (s->fd < 0) {
		err = -errno;
		free(s->buf);
		return err;
	}
	/* Connected to the kernel (port 0): no other sender is heard. */
	if (connect(s->fd, (const struct sockaddr *)&kernel,
		    sizeof(kernel))) {
		err = -errno;
		nic_close(s);
		return err;
	}
	nic_req_init(&r, GENL_ID_CTRL, NLM_F_ACK, CTRL_CMD_GETFAMILY, 1);
	err = nic_req_put(&r, CTRL_ATTR_FAMILY_NAME, XMSG_NIC_GENL_NAME,
			  sizeof(XMSG_NIC_GENL_NAME));
	if (!err)
		err = nic_talk(s, &r, nic_family_cb, &s->family);
	if (err == -ENOENT || (!err && !s->family))
		err = -ENOPROTOOPT;
	if (err)
		nic_close(s);
	return err;
}

/*
 * One request of the family: command @cmd with @flags, naming a device by
 * @ifname and/or @ifindex (if given), then what @put adds; each reply goes
 * to @cb.  Returns the kernel's answer or the first error on the way.
 */
static int nic_do(uint8_t cmd, uint16_t flags, const char *ifname,
		  uint32_t ifindex,
		  int (*put)(struct nic_req *r, const void *arg),
		  const void *put_arg,
		  int (*cb)(const struct nlmsghdr *nh, void *arg), void *cb_arg)
{
	struct nic_sock s;
	struct nic_req r;
	int err;

	err = nic_open(&s);
	if (err)
		return err;
	nic_req_init(&r, s.family, flags, cmd, XMSG_NIC_GENL_VERSION);
	if (ifindex)
		err = nic_req_put_u32(&r, XMSG_NIC_A_IFINDEX, ifindex);
	if (!err && ifname)
		err = nic_req_put(&r, XMSG_NIC_A_IFNAME, ifname,
				  strlen(ifname) + 1);
	if (!err && put)
		err = put(&r, put_arg);
	if (!err)
		err = nic_talk(&s, &r, cb, cb_arg);
	nic_close(&s);
	return err;
}

static int nic_put_opts(struct nic_req *r, const void *arg)
{
	const struct xm_nic_attach_opts *o = arg;
	uint16_t type = o->ethertype;
	int err;

	err = nic_req_put_u32(r, XMSG_NIC_A_MODE, o->mode);
	if (!err)
		err = nic_req_put_u32(r, XMSG_NIC_A_KRECV, o->krecv);
	if (!err && type)
		err = nic_req_put(r, XMSG_NIC_A_ETHERTYPE, &type, sizeof(type));
	return err;
}

int xm_nic_attach(const char *ifname, uint32_t ifindex,
		  const struct xm_nic_attach_opts *opts)
{
	static const struct xm_nic_attach_opts defaults;

	return nic_do(XMSG_NIC_CMD_ATTACH, NLM_F_ACK, ifname, ifindex,
		      nic_put_opts, opts ? opts : &defaults, NULL, NULL);
}

int xm_nic_detach(const char *ifname, uint32_t ifindex)
{
	return nic_do(XMSG_NIC_CMD_DETACH, NLM_F_ACK, ifname, ifindex, NULL,
		      NULL, NULL, NULL);
}

/**
 * struct nic_raw - attributes built by the caller
 * @data: the attributes
 * @len: their bytes
 */
struct nic_raw {
	const void *data;
	size_t len;
};

static int nic_put_raw(struct nic_req *r, const void *arg)
{
	const struct nic_raw *raw = arg;

	if (raw->len > sizeof(r->u) - r->len)
		return -EMSGSIZE;
	memcpy(r->u.data + r->len, raw->data, raw->len);
	r->len += raw->len;
	return 0;
}

int xm_nic_request(uint8_t cmd, const void *attrs, size_t len)
{
	struct nic_raw raw = { .data = attrs, .len = len };

	return nic_do(cmd, NLM_F_ACK, NULL, 0, nic_put_raw, &raw, NULL, NULL);
}

/* The counters nested in XMSG_NIC_A_STATS; unknown ones are skipped. */
static void nic_parse_stats(struct nlattr *nest, struct xm_nic_stats *st)
{
	int len = nic_attr_len(nest);
	struct nlattr *a;

	nic_for_each_attr(a, (struct nlattr *)nic_attr_data(nest), len)
		if (nic_attr_type(a) <= XMSG_NIC_STAT_MAX &&
		    nic_attr_type(a) != XMSG_NIC_STAT_PAD &&
		    nic_attr_len(a) == sizeof(uint64_t))
			memcpy(&st->stat[nic_attr_type(a)], nic_attr_data(a),
			       sizeof(uint64_t));
}

/* One GET reply into @st. */
static int nic_parse(const struct nlmsghdr *nh, struct xm_nic_stats *st)
{
	struct nlattr *a, *attrs;
	int len, alen;

	memset(st, 0, sizeof(*st));
	attrs = nic_attrs(nh, &len);
	nic_for_each_attr(a, attrs, len) {
		alen = nic_attr_len(a);
		switch (nic_attr_type(a)) {
		case XMSG_NIC_A_IFINDEX:
			if (alen == sizeof(uint32_t))
				memcpy(&st->ifindex, nic_attr_data(a), alen);
			break;
		case XMSG_NIC_A_IFNAME:
			if (alen > (int)sizeof(st->ifname))
				return -EPROTO;
			memcpy(st->ifname, nic_attr_data(a), alen);
			st->ifname[sizeof(st->ifname) - 1] = '\0';
			break;
		case XMSG_NIC_A_MODE:
			if (alen == sizeof(uint32_t))
				memcpy(&st->mode, nic_attr_data(a), alen);
			break;
		case XMSG_NIC_A_KRECV:
			if (alen == sizeof(uint32_t))
				memcpy(&st->krecv, nic_attr_data(a), alen);
			break;
		case XMSG_NIC_A_ETHERTYPE:
			if (alen == sizeof(uint16_t))
				memcpy(&st->ethertype, nic_attr_data(a), alen);
			break;
		case XMSG_NIC_A_STATS:
			nic_parse_stats(a, st);
			break;
		}
	}
	return 0;
}

static int nic_one_cb(const struct nlmsghdr *nh, void *arg)
{
	return nic_parse(nh, arg);
}

int xm_nic_stats(const char *ifname, uint32_t ifindex,
		 struct xm_nic_stats *st)
{
	if (!st)
		return -EINVAL;
	return nic_do(XMSG_NIC_CMD_GET, NLM_F_ACK, ifname, ifindex, NULL, NULL,
		      nic_one_cb, st);
}

/**
 * struct nic_list - the replies of a dump
 * @st: the array, grown with realloc()
 * @n: entries filled
 */
struct nic_list {
	struct xm_nic_stats *st;
	size_t n;
};

static int nic_list_cb(const struct nlmsghdr *nh, void *arg)
{
	struct nic_list *l = arg;
	struct xm_nic_stats *st;

	st = realloc(l->st, (l->n + 1) * sizeof(*st));
	if (!st)
		return -ENOMEM;
	l->st = st;
	return nic_parse(nh, &l->st[l->n++]);
}

int xm_nic_stats_all(struct xm_nic_stats **st, size_t *n)
{
	struct nic_list l = {};
	int err;

	if (!st || !n)
		return -EINVAL;
	err = nic_do(XMSG_NIC_CMD_GET, NLM_F_DUMP, NULL, 0, NULL, NULL,
		     nic_list_cb, &l);
	if (err) {
		free(l.st);
		return err;
	}
	*st = l.st;
	*n = l.n;
	return 0;
}
