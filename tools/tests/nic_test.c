// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg_nic.ko in the VM: frames sent with AF_PACKET on eth1 reach eth0
 * through the QEMU hub, where xmsg_nic makes them messages; in echo mode
 * the module's kernel receiver sends every message to the tx exchange, so
 * each frame goes back out of eth0 without a copy and is read again on
 * eth1.  Counters come from /sys/kernel/debug/xmsg/nic/stats.
 *
 * SKIPs when eth0/eth1 or the module are missing (the stock-kernel run).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
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

/* Number of live pools named nic.@dev in mm's debugfs. */
static int nic_pools(const char *dev)
{
	char pat[128];
	glob_t g;
	int n;

	snprintf(pat, sizeof(pat), "/sys/kernel/debug/xmsg/pools/nic.%s-*",
		 dev);
	if (glob(pat, 0, NULL, &g))
		return 0;
	n = g.gl_pathc;
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

/* Echo: each frame comes back, same bytes, in order; counters agree. */
static void echo_check(struct __test_metadata *_metadata, int fd,
		       const unsigned char *mac, const char *how,
		       unsigned int n, bool copied)
{
	unsigned char want[1514], got[2048];
	unsigned int i;
	ssize_t len;

	ASSERT_EQ(0, nic_attach(how));
	ASSERT_EQ(1, nic_pools(RX_DEV));
	for (i = 0; i < n; i++) {
		ASSERT_EQ(1, send_frames(fd, mac, i, 1));
		frame_fill(want, mac, i, frame_len(i));
		len = pkt_recv(fd, got, sizeof(got), 2000);
		ASSERT_EQ((ssize_t)frame_len(i), len) TH_LOG("frame %u", i);
		ASSERT_EQ(0, memcmp(want, got, len)) TH_LOG("frame %u", i);
	}
	EXPECT_EQ(n, nic_stat(RX_DEV, "rx_frames"));
	EXPECT_EQ(n, nic_stat(RX_DEV, "rx_made"));
	EXPECT_EQ(n, nic_stat(RX_DEV, "rx_delivered"));
	EXPECT_EQ(n, nic_stat(RX_DEV, "echoed"));
	EXPECT_EQ(n, nic_stat(RX_DEV, "tx_msgs"));
	EXPECT_EQ(n, nic_stat(RX_DEV, "tx_sent"));
	EXPECT_EQ(copied ? n : 0, nic_stat(RX_DEV, "tx_copied"));
	EXPECT_EQ(copied ? 0 : n,
		  wait_stat(RX_DEV, "tx_completed", copied ? 0 : n, 2000));
	EXPECT_EQ(0, wait_stat(RX_DEV, "tx_inflight", 0, 2000));
	EXPECT_EQ(0, wait_stat(RX_DEV, "rx_zc_live", 0, 2000));
	EXPECT_EQ(0, wait_stat(RX_DEV, "pool_in_use", 0, 2000));
	EXPECT_EQ(0, nic_stat(RX_DEV, "rx_drop_noblock"));
	EXPECT_EQ(0, nic_stat(RX_DEV, "rx_drop_full"));
	EXPECT_EQ(0, nic_stat(RX_DEV, "tx_drop_bad"));
	ASSERT_EQ(0, nic_detach(RX_DEV));
	EXPECT_EQ(-1, nic_stat(RX_DEV, "rx_frames"));
	EXPECT_EQ(0, nic_pools(RX_DEV));
}

/* Pool mode: copy into a block, message, tx by unmake + page frags. */
TEST_F(nic, echo_pool)
{
	echo_check(_metadata, self->fd, self->mac, RX_DEV " pool echo", 64,
		   false);
}

/* Zero-copy mode: the body is the skb; tx of a non-pool body copies. */
TEST_F(nic, echo_zc)
{
	echo_check(_metadata, self->fd, self->mac, RX_DEV " zc echo", 64,
		   true);
}

/* Attach errors: unknown device, twice, bad words. */
TEST_F(nic, attach_errors)
{
	EXPECT_EQ(-ENODEV, nic_attach("nosuchdev0 pool"));
	EXPECT_EQ(-EINVAL, nic_attach(RX_DEV " bogus"));
	EXPECT_EQ(-ENODEV, nic_detach(RX_DEV));
	ASSERT_EQ(0, nic_attach(RX_DEV " pool"));
	EXPECT_EQ(-EEXIST, nic_attach(RX_DEV " zc"));
	EXPECT_EQ(0, nic_detach(RX_DEV));
	EXPECT_EQ(0, nic_pools(RX_DEV));
}

/* Frames of another EtherType are left to the stack, not counted. */
TEST_F(nic, other_ethertype)
{
	ASSERT_EQ(0, nic_attach(RX_DEV " pool 0x88b6"));
	ASSERT_EQ(8, send_frames(self->fd, self->mac, 0, 8));
	usleep(300000);
	EXPECT_EQ(0, nic_stat(RX_DEV, "rx_frames"));
	EXPECT_EQ(0, nic_stat(RX_DEV, "pool_in_use"));
}

/* Nobody receives: the rx exchange holds the messages, blocks are out. */
TEST_F(nic, rx_queued_then_detach)
{
	ASSERT_EQ(0, nic_attach(RX_DEV " pool"));
	ASSERT_EQ(40, send_frames(self->fd, self->mac, 0, 40));
	EXPECT_EQ(40, wait_stat(RX_DEV, "rx_delivered", 40, 3000));
	EXPECT_EQ(40, nic_stat(RX_DEV, "pool_in_use"));
	/* detach destroys the exchange: its messages give their blocks back */
	ASSERT_EQ(0, nic_detach(RX_DEV));
	EXPECT_EQ(0, nic_pools(RX_DEV));
}

/* Pool exhausted: counted drops, the rest delivered. */
TEST_F(nic, pool_exhausted)
{
	set_param("pool_blocks", 8);
	ASSERT_EQ(0, nic_attach(RX_DEV " pool"));
	ASSERT_EQ(20, send_frames(self->fd, self->mac, 0, 20));
	EXPECT_EQ(20, wait_stat(RX_DEV, "rx_frames", 20, 3000));
	EXPECT_EQ(8, nic_stat(RX_DEV, "rx_delivered"));
	EXPECT_EQ(12, nic_stat(RX_DEV, "rx_drop_noblock"));
	EXPECT_EQ(8, nic_stat(RX_DEV, "pool_in_use"));
	EXPECT_EQ(0, nic_stat(RX_DEV, "pool_free"));
	ASSERT_EQ(0, nic_detach(RX_DEV));
	EXPECT_EQ(0, nic_pools(RX_DEV));
}

/* Exchange full: counted drops, the dropped messages' blocks come back. */
TEST_F(nic, exchange_full)
{
	set_param("xchg_limit", 4);
	ASSERT_EQ(0, nic_attach(RX_DEV " pool"));
	ASSERT_EQ(10, send_frames(self->fd, self->mac, 0, 10));
	EXPECT_EQ(10, wait_stat(RX_DEV, "rx_frames", 10, 3000));
	EXPECT_EQ(10, nic_stat(RX_DEV, "rx_made"));
	EXPECT_EQ(4, nic_stat(RX_DEV, "rx_delivered"));
	EXPECT_EQ(6, nic_stat(RX_DEV, "rx_drop_full"));
	EXPECT_EQ(4, nic_stat(RX_DEV, "pool_in_use"));
}

/* Exchange full in zc mode: the dropped messages release their skbs. */
TEST_F(nic, exchange_full_zc)
{
	set_param("xchg_limit", 4);
	ASSERT_EQ(0, nic_attach(RX_DEV " zc"));
	ASSERT_EQ(10, send_frames(self->fd, self->mac, 0, 10));
	EXPECT_EQ(10, wait_stat(RX_DEV, "rx_frames", 10, 3000));
	EXPECT_EQ(4, nic_stat(RX_DEV, "rx_delivered"));
	EXPECT_EQ(6, nic_stat(RX_DEV, "rx_drop_full"));
	EXPECT_EQ(4, nic_stat(RX_DEV, "rx_zc_live"));
	ASSERT_EQ(0, nic_detach(RX_DEV));
}

/* Frames larger than a block: counted, smaller ones delivered. */
TEST_F(nic, oversize)
{
	unsigned int i, small = 0;

	set_param("block_size", 256);
	ASSERT_EQ(0, nic_attach(RX_DEV " pool"));
	ASSERT_EQ(16, send_frames(self->fd, self->mac, 0, 16));
	for (i = 0; i < 16; i++)
		small += frame_len(i) <= 256;
	EXPECT_EQ(16, wait_stat(RX_DEV, "rx_frames", 16, 3000));
	EXPECT_EQ(small, nic_stat(RX_DEV, "rx_delivered"));
	EXPECT_EQ(16 - small, nic_stat(RX_DEV, "rx_drop_oversize"));
	EXPECT_EQ(small, nic_stat(RX_DEV, "pool_in_use"));
}

/*
 * Open the attachment's pool (mapped) and one of its exchanges through
 * /dev/xmsg.  Returns 0, or -ENOENT when the module's objects are not
 * reachable from user space.
 */
static int user_open(struct xm **x, const char *xname, uint32_t acc,
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

/* Receive: a user process gets every frame as a message, read in place. */
TEST_F(nic, rx_user_pool)
{
	unsigned char want[1514];
	const unsigned int n = 48;
	struct xm_msg m;
	int pool, xchg, err;
	unsigned int i;
	struct xm *x;

	ASSERT_EQ(0, nic_attach(RX_DEV " pool"));
	err = user_open(&x, "nic." RX_DEV ".rx", XMSG_ACC_READ, &pool, &xchg);
	if (err == -ENOENT)
		SKIP(return, "nic.eth0.rx is not reachable through /dev/xmsg");
	ASSERT_EQ(0, err);
	ASSERT_EQ(n, send_frames(self->fd, self->mac, 0, n));
	for (i = 0; i < n; i++) {
		ASSERT_EQ(0, xm_recv(x, xchg, XM_MS(2000), 0, &m))
			TH_LOG("frame %u", i);
		frame_fill(want, self->mac, i, frame_len(i));
		ASSERT_EQ(frame_len(i), m.length);
		ASSERT_NE(NULL, m.body);
		ASSERT_EQ(0, memcmp(want, m.body, m.length));
		ASSERT_EQ(0, xm_msg_rel(x, m.handle));
	}
	EXPECT_EQ(-ETIMEDOUT, xm_recv(x, xchg, XM_MS(100), 0, &m));
	EXPECT_EQ(n, nic_stat(RX_DEV, "rx_frames"));
	EXPECT_EQ(n, nic_stat(RX_DEV, "rx_delivered"));
	EXPECT_EQ(0, nic_stat(RX_DEV, "pool_in_use"));
	xm_close(x);
}

/*
 * Transmit: a user process fills pool messages, gives each frame its length
 * with a proxy of the slice, and sends the proxy to the tx exchange; the
 * module transmits from the block without a copy; eth1 gets the bytes.
 */
TEST_F(nic, tx_user_pool)
{
	static const unsigned char src[ETH_ALEN] = { 2, 0, 0, 0, 0, 1 };
	unsigned char got[2048], want[1514];
	const unsigned int n = 48;
	struct xm_msg m, p;
	int pool, xchg, err;
	unsigned int i;
	struct xm *x;
	ssize_t len;

	ASSERT_EQ(0, nic_attach(RX_DEV " pool"));
	err = user_open(&x, "nic." RX_DEV ".tx", XMSG_ACC_READ | XMSG_ACC_WRITE,
			&pool, &xchg);
	if (err == -ENOENT)
		SKIP(return, "nic.eth0.tx is not reachable through /dev/xmsg");
	ASSERT_EQ(0, err);
	for (i = 0; i < n; i++) {
		ASSERT_EQ(0, xm_msg_get(x, pool, &m));
		ASSERT_NE(NULL, m.body);
		frame_fill(m.body, src, i, frame_len(i));
		ASSERT_EQ(0, xm_msg_proxy(x, m.handle, 0, frame_len(i), &p));
		ASSERT_EQ(0, xm_send(x, xchg, p.handle, 0, 0, 0));
		ASSERT_EQ(0, xm_msg_rel(x, m.handle));
		len = pkt_recv(self->fd, got, sizeof(got), 2000);
		ASSERT_EQ((ssize_t)frame_len(i), len) TH_LOG("frame %u", i);
		frame_fill(want, src, i, frame_len(i));
		ASSERT_EQ(0, memcmp(want, got, len));
	}
	EXPECT_EQ(n, nic_stat(RX_DEV, "tx_sent"));
	EXPECT_EQ(0, nic_stat(RX_DEV, "tx_copied"));
	EXPECT_EQ(0, wait_stat(RX_DEV, "tx_inflight", 0, 2000));
	EXPECT_EQ(0, wait_stat(RX_DEV, "pool_in_use", 0, 2000));
	xm_close(x);
}

/* A child floods eth1 until killed. */
static pid_t flood_start(int fd, const unsigned char *mac)
{
	pid_t pid = fork();
	unsigned int seq = 0;

	if (pid)
		return pid;
	for (;;)
		seq += send_frames(fd, mac, seq, 16);
}

static void flood_stop(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* Attach and detach over and over while frames arrive and echo. */
TEST_F(nic, detach_during_traffic)
{
	pid_t pid;
	int i;

	pid = flood_start(self->fd, self->mac);
	ASSERT_LT(0, pid);
	for (i = 0; i < 20; i++) {
		ASSERT_EQ(0, nic_attach(i & 1 ? RX_DEV " zc echo" :
					RX_DEV " pool echo"));
		usleep(50000);
		ASSERT_EQ(0, nic_detach(RX_DEV));
	}
	flood_stop(pid);
	EXPECT_EQ(0, nic_pools(RX_DEV));
}

/* rmmod while frames arrive and echo; then load it again. */
TEST_F(nic, unload_during_traffic)
{
	int i, rc = -1;
	pid_t pid;

	if (access(NIC_KO, R_OK))
		SKIP(return, "no %s to load again", NIC_KO);
	ASSERT_EQ(0, nic_attach(RX_DEV " pool echo"));
	pid = flood_start(self->fd, self->mac);
	ASSERT_LT(0, pid);
	usleep(200000);
	/* In-flight tx skbs hold module references: rmmod may say busy. */
	for (i = 0; i < 100 && rc; i++) {
		rc = system("rmmod xmsg_nic 2>/dev/null");
		if (rc)
			usleep(20000);
	}
	flood_stop(pid);
	EXPECT_EQ(0, rc);
	EXPECT_EQ(0, nic_pools(RX_DEV));
	ASSERT_EQ(0, system("insmod " NIC_KO));
	ASSERT_TRUE(have_nics());
}

TEST_HARNESS_MAIN
