/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the xmsg_nic tests (nic_test.c, nic_user_test.c,
 * nic_trace_test.c): debugfs control of xmsg_nic.ko, AF_PACKET frames on
 * eth1, the module's objects through /dev/xmsg, and the fixture.
 */
#ifndef NIC_COMMON_H
#define NIC_COMMON_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <linux/capability.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "libxmsg.h"

#define NIC_DIR		"/sys/kernel/debug/xmsg/nic"
#define NIC_PARAMS	"/sys/module/xmsg_nic/parameters"
#define NIC_KO		"/xmsg/modules/xmsg_nic.ko"
#define NIC_TYPE	0x88B5
#define RX_DEV		"eth0"	/* xmsg_nic attaches here */
#define TX_DEV		"eth1"	/* the test's AF_PACKET peer */

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	n = n < 0 ? -errno : 0;
	close(fd);
	return n;
}

/*
 * Raise (@on) or lower CAP_NET_ADMIN in the effective set only: the
 * permitted set keeps it, so it can be raised again.  0 or -errno.
 */
static __attribute__((unused)) int cap_net_admin(int on)
{
	struct __user_cap_header_struct h = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -errno;
	if (on)
		d[0].effective |= 1u << CAP_NET_ADMIN;
	else
		d[0].effective &= ~(1u << CAP_NET_ADMIN);
	return syscall(SYS_capset, &h, d) ? -errno : 0;
}

static int nic_attach(const char *how)
{
	return write_str(NIC_DIR "/attach", how);
}

static int nic_detach(const char *dev)
{
	return write_str(NIC_DIR "/detach", dev);
}

static void set_param(const char *name, unsigned int v)
{
	char path[128], val[32];

	snprintf(path, sizeof(path), NIC_PARAMS "/%s", name);
	snprintf(val, sizeof(val), "%u", v);
	write_str(path, val);
}

/* A counter of @dev from the stats file, -1 if not attached. */
static long nic_stat(const char *dev, const char *key)
{
	char line[2048], want[64], k[72];
	long v = -1;
	FILE *f;
	char *p;

	f = fopen(NIC_DIR "/stats", "r");
	if (!f)
		return -1;
	snprintf(want, sizeof(want), "dev=%s ", dev);
	snprintf(k, sizeof(k), " %s=", key);
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, want, strlen(want)))
			continue;
		p = strstr(line, k);
		if (p)
			v = strtol(p + strlen(k), NULL, 0);
	}
	fclose(f);
	return v;
}

/* Wait up to @ms for stat @key of @dev to reach @v; return its value. */
static long wait_stat(const char *dev, const char *key, long v, int ms)
{
	long cur = nic_stat(dev, key);

	for (; cur != v && ms > 0; ms -= 10) {
		usleep(10000);
		cur = nic_stat(dev, key);
	}
	return cur;
}

/*
 * Number of live pools named nic.@dev in mm's debugfs: the file is named
 * after the pool, with "-<id>" appended when the name is taken.
 */
static __attribute__((unused)) int nic_pools(const char *dev)
{
	char pat[128];
	glob_t g;
	int n;

	snprintf(pat, sizeof(pat), "/sys/kernel/debug/xmsg/pools/nic.%s",
		 dev);
	n = !access(pat, F_OK);
	strncat(pat, "-*", sizeof(pat) - strlen(pat) - 1);
	if (glob(pat, 0, NULL, &g))
		return n;
	n += g.gl_pathc;
	globfree(&g);
	return n;
}

static int have_nics(void)
{
	return !access("/sys/class/net/" RX_DEV, F_OK) &&
	       !access("/sys/class/net/" TX_DEV, F_OK) &&
	       !access(NIC_DIR "/attach", W_OK);
}

/* An AF_PACKET socket on @dev for our EtherType; its MAC in @mac. */
static int pkt_open(const char *dev, unsigned char *mac)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(NIC_TYPE),
	};
	struct ifreq ifr = {};
	int fd;

	fd = socket(AF_PACKET, SOCK_RAW, htons(NIC_TYPE));
	if (fd < 0)
		return -1;
	sll.sll_ifindex = if_nametoindex(dev);
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)))
		goto close_fd;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr))
		goto close_fd;
	memcpy(mac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	return fd;

close_fd:
	close(fd);
	return -1;
}

/* Frame @seq: broadcast, @len bytes, a pattern derived from @seq. */
static void frame_fill(unsigned char *buf, const unsigned char *src,
		       unsigned int seq, size_t len)
{
	size_t i;

	memset(buf, 0xff, ETH_ALEN);
	memcpy(buf + ETH_ALEN, src, ETH_ALEN);
	buf[12] = NIC_TYPE >> 8;
	buf[13] = NIC_TYPE & 0xff;
	memcpy(buf + ETH_HLEN, &seq, sizeof(seq));
	for (i = ETH_HLEN + sizeof(seq); i < len; i++)
		buf[i] = (unsigned char)(seq * 31 + i);
}

/* Sizes cycle through small, odd, page-crossing and full frames. */
static size_t frame_len(unsigned int seq)
{
	static const size_t lens[] = { 60, 64, 61, 128, 333, 1000, 1514, 777 };

	return lens[seq % (sizeof(lens) / sizeof(lens[0]))];
}

/* Receive one of our frames within @ms; returns its length or -1. */
static ssize_t pkt_recv(int fd, unsigned char *buf, size_t len, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, ms) != 1)
		return -1;
	return recv(fd, buf, len, 0);
}

static void pkt_drain(int fd)
{
	unsigned char buf[2048];

	while (pkt_recv(fd, buf, sizeof(buf), 50) >= 0)
		;
}

/*
 * Open the attachment's pool (mapped) and one of its exchanges through
 * /dev/xmsg.  Returns 0, or -ENOENT when the module's objects are not
 * reachable from user space.
 */
static __attribute__((unused)) int
user_open(struct xm **x, const char *xname, uint32_t acc,
	  int *pool, int *xchg)
{
	void *base;
	size_t size;
	int err;

	err = xm_open(x, NULL);
	if (err)
		return err;
	*pool = xm_pool_open(*x, "nic." RX_DEV, acc);
	*xchg = xm_xchg_open(*x, xname, acc);
	if (*pool <= 0 || *xchg <= 0) {
		xm_close(*x);
		return -ENOENT;
	}
	return xm_pool_map(*x, *pool, &base, &size);
}

FIXTURE(nic) {
	int fd;
	unsigned char mac[ETH_ALEN];
};

FIXTURE_SETUP(nic)
{
	if (!have_nics())
		SKIP(return, "no eth0/eth1 or no xmsg_nic module");
	system("ip link set " RX_DEV " up; ip link set " TX_DEV " up");
	nic_detach(RX_DEV);
	set_param("pool_blocks", 512);
	set_param("block_size", 2048);
	set_param("xchg_limit", 256);
	set_param("zc_max_live", 4096);
	self->fd = pkt_open(TX_DEV, self->mac);
	ASSERT_LE(0, self->fd);
	pkt_drain(self->fd);
}

FIXTURE_TEARDOWN(nic)
{
	if (!have_nics())
		return;
	nic_detach(RX_DEV);
	set_param("pool_blocks", 512);
	set_param("block_size", 2048);
	set_param("xchg_limit", 256);
	set_param("zc_max_live", 4096);
	close(self->fd);
}

/* Send @n frames numbered from @seq0 from eth1; returns frames sent. */
static int send_frames(int fd, const unsigned char *mac,
				unsigned int seq0, unsigned int n)
{
	unsigned char buf[1514];
	unsigned int i;
	int sent = 0;

	for (i = 0; i < n; i++) {
		frame_fill(buf, mac, seq0 + i, frame_len(seq0 + i));
		if (send(fd, buf, frame_len(seq0 + i), 0) ==
		    (ssize_t)frame_len(seq0 + i))
			sent++;
		if (i % 16 == 15)
			usleep(2000);	/* stay below the virtio rx ring */
	}
	return sent;
}

#endif /* NIC_COMMON_H */
