// SPDX-License-Identifier: GPL-2.0
/*
 * Network namespaces, veth pairs and TIPC node/bearer configuration over
 * raw netlink (rtnetlink and the generic netlink family "TIPCv2"), for a
 * VM without iproute2.  See xb_net.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/genetlink.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/tipc.h>
#include <linux/tipc_netlink.h>
#include <linux/veth.h>
#include "xb_net.h"

#ifndef AF_TIPC
#define AF_TIPC 30
#endif

struct nlreq {
	struct nlmsghdr *nh;
	char buf[1024] __attribute__((aligned(NLMSG_ALIGNTO)));
};

static void *nl_tail(struct nlreq *r)
{
	return (char *)r->nh + NLMSG_ALIGN(r->nh->nlmsg_len);
}

static struct nlattr *nl_put(struct nlreq *r, int type, const void *data,
			     size_t len)
{
	struct nlattr *a = nl_tail(r);

	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	r->nh->nlmsg_len = NLMSG_ALIGN(r->nh->nlmsg_len) + NLA_ALIGN(a->nla_len);
	return a;
}

static struct nlattr *nl_nest(struct nlreq *r, int type)
{
	return nl_put(r, type | NLA_F_NESTED, NULL, 0);
}

static void nl_end(struct nlreq *r, struct nlattr *a)
{
	a->nla_len = (char *)nl_tail(r) - (char *)a;
}

static void *nl_init(struct nlreq *r, int type, int flags, size_t hdr)
{
	memset(r->buf, 0, sizeof(r->buf));
	r->nh = (struct nlmsghdr *)r->buf;
	r->nh->nlmsg_type = type;
	r->nh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	r->nh->nlmsg_len = NLMSG_LENGTH(hdr);
	return NLMSG_DATA(r->nh);
}

/*
 * Send @r on a new netlink socket of @proto and wait for its answer:
 * returns the ACK's error (0 or -errno).  With @reply, the first non-error
 * answer is copied there (up to @rlen bytes) instead.
 */
static int nl_talk(int proto, struct nlreq *r, void *reply, size_t rlen)
{
	char buf[8192] __attribute__((aligned(NLMSG_ALIGNTO)));
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct nlmsghdr *h;
	int fd, ret = -EIO;
	ssize_t n;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, proto);
	if (fd < 0)
		return -errno;
	r->nh->nlmsg_seq = 1;
	if (sendto(fd, r->nh, r->nh->nlmsg_len, 0, (struct sockaddr *)&sa,
		   sizeof(sa)) < 0) {
		ret = -errno;
		goto out;
	}
	for (;;) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0) {
			ret = -errno;
			goto out;
		}
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);

				ret = e->error;
				goto out;
			}
			if (reply) {
				memcpy(reply, h, h->nlmsg_len < rlen ?
				       h->nlmsg_len : rlen);
				reply = NULL;
			}
		}
	}
out:
	close(fd);
	return ret;
}

int xb_netns_new(void)
{
	int up[2], down[2], fd = -1;
	char path[64], c;
	pid_t pid;

	if (pipe(up) || pipe(down))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		c = unshare(CLONE_NEWNET) ? 'e' : 'k';
		if (write(up[1], &c, 1) != 1)
			_exit(1);
		close(down[1]);
		if (read(down[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(up[1]);
	close(down[0]);
	if (read(up[0], &c, 1) == 1 && c == 'k') {
		snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			fd = -errno;
	} else {
		fd = -EPERM;
	}
	close(down[1]);
	close(up[0]);
	waitpid(pid, NULL, 0);
	return fd;
}

int xb_netns_enter(int nsfd)
{
	return setns(nsfd, CLONE_NEWNET) ? -errno : 0;
}

int xb_veth_pair(const char *a, int nsa, const char *b, int nsb)
{
	struct nlattr *li, *data, *peer;
	struct ifinfomsg *ifi;
	struct nlreq r;
	char *p;

	ifi = nl_init(&r, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL,
		      sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	nl_put(&r, IFLA_IFNAME, a, strlen(a) + 1);
	if (nsa >= 0)
		nl_put(&r, IFLA_NET_NS_FD, &(uint32_t){ nsa }, 4);
	li = nl_nest(&r, IFLA_LINKINFO);
	nl_put(&r, IFLA_INFO_KIND, "veth", 5);
	data = nl_nest(&r, IFLA_INFO_DATA);
	peer = nl_nest(&r, VETH_INFO_PEER);
	/* the peer's attributes follow its own struct ifinfomsg */
	p = nl_tail(&r);
	memset(p, 0, sizeof(struct ifinfomsg));
	r.nh->nlmsg_len = NLMSG_ALIGN(r.nh->nlmsg_len) +
			  NLMSG_ALIGN(sizeof(struct ifinfomsg));
	nl_put(&r, IFLA_IFNAME, b, strlen(b) + 1);
	if (nsb >= 0)
		nl_put(&r, IFLA_NET_NS_FD, &(uint32_t){ nsb }, 4);
	nl_end(&r, peer);
	nl_end(&r, data);
	nl_end(&r, li);
	return nl_talk(NETLINK_ROUTE, &r, NULL, 0);
}

int xb_link_up(const char *dev)
{
	struct ifreq ifr;
	int fd, ret = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) {
		ret = -errno;
	} else {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
			ret = -errno;
	}
	close(fd);
	return ret;
}

/* The id of generic netlink family TIPCv2, or -errno. */
static int tipc_family(void)
{
	struct nlmsghdr rep[512];
	struct genlmsghdr *g;
	struct nlattr *a;
	struct nlreq r;
	int ret, len;

	g = nl_init(&r, GENL_ID_CTRL, 0, GENL_HDRLEN);
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	nl_put(&r, CTRL_ATTR_FAMILY_NAME, TIPC_GENL_V2_NAME,
	       sizeof(TIPC_GENL_V2_NAME));
	memset(rep, 0, sizeof(rep));
	ret = nl_talk(NETLINK_GENERIC, &r, rep, sizeof(rep));
	if (ret < 0)
		return ret;
	if (rep->nlmsg_type != GENL_ID_CTRL)
		return -EPROTO;
	len = rep->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
	a = (struct nlattr *)((char *)NLMSG_DATA(rep) + GENL_HDRLEN);
	while (len >= (int)NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       a->nla_len <= len) {
		if ((a->nla_type & NLA_TYPE_MASK) == CTRL_ATTR_FAMILY_ID)
			return *(uint16_t *)((char *)a + NLA_HDRLEN);
		len -= NLA_ALIGN(a->nla_len);
		a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len));
	}
	return -ENOENT;
}

static struct genlmsghdr *tipc_req(struct nlreq *r, int fam, int cmd)
{
	struct genlmsghdr *g = nl_init(r, fam, 0, GENL_HDRLEN);

	g->cmd = cmd;
	g->version = TIPC_GENL_V2_VERSION;
	return g;
}

int xb_tipc_node_id(const char *id)
{
	uint64_t w[2] = { 0, 0 };
	struct nlattr *net;
	struct nlreq r;
	int fam = tipc_family();

	if (fam < 0)
		return fam;
	if (!*id || strlen(id) > sizeof(w))
		return -EINVAL;
	memcpy(w, id, strlen(id));
	tipc_req(&r, fam, TIPC_NL_NET_SET);
	net = nl_nest(&r, TIPC_NLA_NET);
	nl_put(&r, TIPC_NLA_NET_NODEID, &w[0], 8);
	nl_put(&r, TIPC_NLA_NET_NODEID_W1, &w[1], 8);
	nl_end(&r, net);
	return nl_talk(NETLINK_GENERIC, &r, NULL, 0);
}

int xb_tipc_bearer(const char *dev)
{
	char name[TIPC_MAX_BEARER_NAME];
	struct nlattr *b;
	struct nlreq r;
	int fam, ret;

	ret = xb_link_up(dev);
	if (ret < 0)
		return ret;
	fam = tipc_family();
	if (fam < 0)
		return fam;
	snprintf(name, sizeof(name), "eth:%s", dev);
	tipc_req(&r, fam, TIPC_NL_BEARER_ENABLE);
	b = nl_nest(&r, TIPC_NLA_BEARER);
	nl_put(&r, TIPC_NLA_BEARER_NAME, name, strlen(name) + 1);
	nl_end(&r, b);
	return nl_talk(NETLINK_GENERIC, &r, NULL, 0);
}

int xb_have_tipc(void)
{
	int fd = socket(AF_TIPC, SOCK_RDM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

int xb_tipc_node(const char *id, const char *const *devs)
{
	int ret = xb_tipc_node_id(id);

	if (ret)
		fprintf(stderr, "TIPC node %s: %s\n", id, strerror(-ret));
	for (; !ret && *devs; devs++) {
		ret = xb_tipc_bearer(*devs);
		if (ret)
			fprintf(stderr, "TIPC bearer %s: %s\n", *devs,
				strerror(-ret));
	}
	return ret;
}

int xb_in_ns(int ns, int (*fn)(void *), void *arg)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		if (xb_netns_enter(ns))
			_exit(100);
		_exit(fn(arg) ? 101 : 0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int xb_spawn_in_ns(int ns, char *const *argv)
{
	pid_t pid = fork();

	if (pid == 0) {
		if (xb_netns_enter(ns))
			_exit(100);
		execvp(xb_bridge_path(), argv);
		_exit(127);
	}
	return pid;
}

const char *xb_bridge_path(void)
{
	static char p[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", p, sizeof(p) - 32);
	char *s;

	if (n > 0) {
		p[n] = 0;
		s = strrchr(p, '/');
		if (s) {
			strcpy(s, "/../bin/xmsg-bridge");
			if (access(p, X_OK) == 0)
				return p;
		}
	}
	return "xmsg-bridge";
}
