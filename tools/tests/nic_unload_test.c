// SPDX-License-Identifier: GPL-2.0
/*
 * Unloading xmsg_nic.ko while its callbacks are reachable: a zero-copy rx
 * message held by a user process and a tx skb that the driver frees long
 * after rmmod both call back into the module when they go.
 *
 * There is no netem in the test kernel (no NET_SCHED), so tx skbs are held
 * by pausing the link instead: with eth0's virtio device unbound from its
 * driver, QEMU's hub has no port that can receive, so QEMU stops taking
 * eth1's frames; once eth1's ring is full its queue stops and further
 * skbs wait in its qdisc, still referring to the pool blocks, until eth0
 * is bound again.  (The skbs in the ring itself do not: eth1 has no
 * scatter-gather, as QEMU offers no checksum offload to a hub port, so
 * the stack linearizes, i.e. copies, each skb before the driver gets it.)
 * Zero-copy rx frames come from a veth pair.
 *
 * SKIPs when eth0/eth1 or the module are missing, or when the virtio
 * device cannot be unbound.
 */
#include <sched.h>
#include "nic_common.h"

#define NIC_STATE	"/sys/module/xmsg_nic/initstate"
#define VIRTIO_DRV	"/sys/bus/virtio/drivers/virtio_net"
#define ZC_DEV		"xnz0"	/* attached in zc mode; frames are sent to */
				/* its veth peer (named by whichever ip) */
#define RACE_MS		3000	/* how long the children work during rmmod */
#define TX_FILL		400	/* messages: more than eth1's ring holds */

static int nic_rmmod(void)
{
	return syscall(SYS_delete_module, "xmsg_nic", O_NONBLOCK) ? -errno : 0;
}

/* Load the module again if a test unloaded it (even by mistake). */
static void nic_reload(void)
{
	if (access(NIC_DIR "/attach", W_OK))
		system("insmod " NIC_KO);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Has rmmod of xmsg_nic begun (or is the module gone)? */
static bool nic_going(void)
{
	char buf[16] = "";
	ssize_t n;
	int fd;

	fd = open(NIC_STATE, O_RDONLY);
	if (fd < 0)
		return true;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n <= 0 || !strncmp(buf, "going", 5);
}

/* Spin until rmmod has begun (at most 20 s); false if it never did. */
static bool wait_going(void)
{
	long end = now_ms() + 20000;

	while (!nic_going())
		if (now_ms() > end)
			return false;
	return true;
}

/* The virtio device of @dev ("virtio0") in @buf, or -1. */
static int virtio_name(const char *dev, char *buf, size_t len)
{
	char path[128], link[256];
	ssize_t n;
	char *b;

	snprintf(path, sizeof(path), "/sys/class/net/%s/device", dev);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -1;
	link[n] = '\0';
	b = strrchr(link, '/');
	snprintf(buf, len, "%.31s", b ? b + 1 : link);
	return strncmp(buf, "virtio", 6) ? -1 : 0;
}

/* Unbind (pause the hub: eth1 cannot transmit) or bind eth0 again. */
static int link_pause(const char *vdev, bool pause)
{
	int err, i;

	err = write_str(pause ? VIRTIO_DRV "/unbind" : VIRTIO_DRV "/bind",
			vdev);
	if (err || pause)
		return err;
	for (i = 0; i < 200 && access("/sys/class/net/" RX_DEV, F_OK); i++)
		usleep(10000);
	return system("ip link set " RX_DEV " up") ? -1 : 0;
}

static bool can_pause(char *vdev, size_t len)
{
	return !virtio_name(RX_DEV, vdev, len) &&
	       !access(VIRTIO_DRV "/unbind", W_OK) &&
	       !access(NIC_KO, R_OK);
}

/* Send @n 60-byte frames on eth1 from a socket whose send buffer holds
 * them all (they are not freed while the link is paused): no blocking.
 */
static void ring_fill(unsigned int n)
{
	int fd, sz = 4 << 20;
	unsigned char buf[60], mac[ETH_ALEN];
	unsigned int i;

	fd = pkt_open(TX_DEV, mac);
	if (fd < 0)
		return;
	setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz));
	for (i = 0; i < n; i++) {
		frame_fill(buf, mac, i, sizeof(buf));
		if (send(fd, buf, sizeof(buf), MSG_DONTWAIT) < 0)
			break;
	}
	close(fd);
}

/* Send one 60-byte frame as a pool message to an exchange; 0 or -errno. */
static int tx_one(struct xm *x, int pool, int xchg, unsigned int seq)
{
	static const unsigned char src[ETH_ALEN] = { 2, 0, 0, 0, 0, 1 };
	struct xm_msg m;
	int err;

	err = xm_msg_get(x, pool, &m);
	if (err)
		return err;
	if (!m.body) {
		xm_msg_rel(x, m.handle);
		return -EFAULT;
	}
	frame_fill(m.body, src, seq, 60);
	err = xm_msg_set_length(x, m.handle, 60);
	if (!err)
		err = xm_send(x, xchg, m.handle, 0, 0, 0);
	if (err)
		xm_msg_rel(x, m.handle);
	return err;
}

/* Send up to @n messages, waiting while the exchange is full; the count
 * sent, or -errno if none was.  Stops at another error (-EIDRM: gone) or
 * at @end_ms.
 */
static int tx_fill(struct xm *x, int pool, int xchg, unsigned int n,
		   long end_ms)
{
	unsigned int sent = 0;
	int err = 0;

	while (sent < n && now_ms() < end_ms) {
		err = tx_one(x, pool, xchg, sent);
		if (err == -ENOSPC || err == -ENOBUFS) {
			usleep(2000);
			continue;
		}
		if (err)
			break;
		sent++;
	}
	return sent ? (int)sent : err;
}

/* Open the pool of @dev (mapped) and its tx exchange. */
static int tx_open(struct xm **x, const char *dev, int *pool, int *xchg)
{
	char name[64];
	size_t size;
	void *base;

	if (xm_open(x, NULL))
		return -1;
	snprintf(name, sizeof(name), "nic.%s", dev);
	*pool = xm_pool_open(*x, name, XMSG_ACC_RDWR);
	snprintf(name, sizeof(name), "nic.%s.tx", dev);
	*xchg = xm_xchg_open(*x, name, XMSG_ACC_RDWR);
	if (*pool <= 0 || *xchg <= 0 || xm_pool_map(*x, *pool, &base, &size)) {
		xm_close(*x);
		return -1;
	}
	return 0;
}

/*
 * Attach eth1, pause the link and send it TX_FILL pool messages from a
 * user (*@x): some stay in flight, in eth1's qdisc.
 */
static void tx_hold(struct __test_metadata *_metadata, const char *vdev,
		    struct xm **x)
{
	int pool, xchg;

	ASSERT_EQ(0, nic_attach(TX_DEV " pool"));
	ASSERT_EQ(0, tx_open(x, TX_DEV, &pool, &xchg));
	ASSERT_EQ(0, link_pause(vdev, true));
	EXPECT_EQ(TX_FILL, tx_fill(*x, pool, xchg, TX_FILL, now_ms() + 20000));
	EXPECT_EQ(TX_FILL, wait_stat(TX_DEV, "tx_msgs", TX_FILL, 5000));
	usleep(1000000);
	EXPECT_LT(0, nic_stat(TX_DEV, "tx_inflight"));	/* in eth1's qdisc */
}

/*
 * A tx skb the driver holds (the link is paused) keeps a module reference:
 * rmmod is refused until the link resumes and the skb is freed.
 */
TEST_F(nic, unload_refused_tx_held)
{
	char vdev[32];
	struct xm *x;

	if (!can_pause(vdev, sizeof(vdev)))
		SKIP(return, "cannot unbind the virtio device of " RX_DEV);
	tx_hold(_metadata, vdev, &x);
	EXPECT_EQ(-EWOULDBLOCK, nic_rmmod());
	EXPECT_EQ(0, link_pause(vdev, false));
	EXPECT_EQ(0, wait_stat(TX_DEV, "tx_inflight", 0, 10000));
	xm_close(x);
	EXPECT_EQ(0, nic_detach(TX_DEV));
	EXPECT_EQ(0, nic_pools(TX_DEV));
	nic_reload();
}

/* Child: report on @res that the detach of @dev begins, detach it, exit
 * with 0 if it succeeded.
 */
static void kid_detach(int res, const char *dev)
{
	char c = 'd';

	if (write(res, &c, 1) != 1)
		_exit(2);
	_exit(nic_detach(dev) ? 1 : 0);
}

/* One RTNL operation: set lo's flags to what they are; its time in ms. */
static long rtnl_op_ms(void)
{
	struct ifreq ifr = {};
	long t0 = now_ms();
	int fd;

	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0)
		return -1;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) ||
	    ioctl(fd, SIOCSIFFLAGS, &ifr)) {	/* under the RTNL */
		close(fd);
		return -1;
	}
	close(fd);
	return now_ms() - t0;
}

/*
 * A detach waits (up to 2 s) for the blocks the device still transmits
 * from, and does so without the RTNL: with tx skbs held in eth1's qdisc,
 * an RTNL operation started during the detach returns while the detach
 * still waits; an attach of the device meanwhile is -EBUSY, a second
 * detach -ENODEV.  Once the link resumes the blocks come back and the
 * pool goes.
 */
TEST_F(nic, detach_tx_held_rtnl_free)
{
	int res[2], status = -1;
	long op_ms, t0;
	char vdev[32], c;
	pid_t kid, done;
	struct xm *x;

	if (!can_pause(vdev, sizeof(vdev)))
		SKIP(return, "cannot unbind the virtio device of " RX_DEV);
	tx_hold(_metadata, vdev, &x);
	ASSERT_EQ(0, pipe(res));
	t0 = now_ms();
	kid = fork();
	ASSERT_LE(0, kid);
	if (!kid)
		kid_detach(res[1], TX_DEV);
	/* from here until the link resumes, no ASSERT: it would leave the
	 * link paused for the tests after this one
	 */
	EXPECT_EQ(1, read(res[0], &c, 1));
	usleep(200000);	/* the detach is in its wait now */
	op_ms = rtnl_op_ms();
	EXPECT_LE(0, op_ms);
	/* the RTNL was free: the detach still waits for its blocks */
	done = waitpid(kid, &status, WNOHANG);
	EXPECT_EQ(0, done)
		TH_LOG("RTNL operation took %ld ms, after the detach", op_ms);
	EXPECT_EQ(-EBUSY, nic_attach(TX_DEV " pool"));
	EXPECT_EQ(-ENODEV, nic_detach(TX_DEV));
	if (!done)
		done = waitpid(kid, &status, 0);
	EXPECT_EQ(kid, done);
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	TH_LOG("RTNL operation %ld ms, detach %ld ms", op_ms, now_ms() - t0);
	close(res[0]);
	close(res[1]);
	EXPECT_EQ(-1, nic_stat(TX_DEV, "tx_inflight"));	/* gone */
	xm_close(x);
	EXPECT_EQ(0, link_pause(vdev, false));
	nic_detach(TX_DEV);	/* in case the attach above was taken */
	/* the blocks come back, the reaper gives the pool back */
	for (t0 = now_ms(); nic_pools(TX_DEV) && now_ms() - t0 < 10000; )
		usleep(50000);
	EXPECT_EQ(0, nic_pools(TX_DEV));
	/* and the device attaches again */
	EXPECT_EQ(0, nic_attach(TX_DEV " pool"));
	EXPECT_EQ(0, nic_detach(TX_DEV));
}

/* A zero-copy message a user holds keeps a module reference too. */
TEST_F(nic, unload_refused_zc_held)
{
	struct xm_msg m;
	struct xm *x;
	int xchg;

	if (access(NIC_KO, R_OK))
		SKIP(return, "no %s to load again", NIC_KO);
	nic_reload();
	ASSERT_EQ(0, nic_attach(RX_DEV " zc"));
	ASSERT_EQ(0, xm_open(&x, NULL));
	xchg = xm_xchg_open(x, "nic." RX_DEV ".rx", XMSG_ACC_READ);
	ASSERT_LT(0, xchg);
	ASSERT_EQ(1, send_frames(self->fd, self->mac, 0, 1));
	ASSERT_EQ(0, xm_recv(x, xchg, XM_MS(2000), 0, &m));
	EXPECT_EQ(-EWOULDBLOCK, nic_rmmod());
	/* detach does not help: the message is the user's */
	EXPECT_EQ(0, nic_detach(RX_DEV));
	EXPECT_EQ(-EWOULDBLOCK, nic_rmmod());
	EXPECT_EQ(0, xm_msg_rel(x, m.handle));
	xm_close(x);
	EXPECT_EQ(0, nic_rmmod());
	EXPECT_EQ(0, system("insmod " NIC_KO));
	EXPECT_TRUE(have_nics());
	nic_reload();
}

/* Child: hold every zero-copy message of ZC_DEV received once rmmod has
 * begun; report how many on @res; release them when @go says so.
 */
static void kid_hold(int res, int go)
{
	static uint32_t held[4096];
	unsigned int n = 0, i;
	struct xm_msg m;
	struct xm *x;
	long end;
	int xchg;
	char c;

	if (xm_open(&x, NULL))
		_exit(2);
	xchg = xm_xchg_open(x, "nic." ZC_DEV ".rx", XMSG_ACC_READ);
	if (xchg <= 0 || write(res, "r", 1) != 1 || !wait_going())
		_exit(3);
	for (end = now_ms() + RACE_MS; now_ms() < end;) {
		int err = xm_recv(x, xchg, XM_MS(100), 0, &m);

		if (!err && n < sizeof(held) / sizeof(held[0]))
			held[n++] = m.handle;
		else if (err && err != -ETIMEDOUT && err != -EAGAIN &&
			 err != -EINTR)
			break;		/* -EIDRM: detached */
	}
	if (write(res, &n, sizeof(n)) != sizeof(n) || read(go, &c, 1) != 1)
		_exit(4);
	for (i = 0; i < n; i++)	/* each runs the module's release */
		xm_msg_rel(x, held[i]);
	xm_close(x);
	_exit(0);
}

/* The name of @dev's veth peer in @peer (IF_NAMESIZE bytes), or -1. */
static int veth_peer(const char *dev, char *peer)
{
	char path[128];
	unsigned int idx;
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "/sys/class/net/%s/iflink", dev);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fscanf(f, "%u", &idx);
	fclose(f);
	return n == 1 && if_indextoname(idx, peer) ? 0 : -1;
}

/* Child: once rmmod has begun, send frames to ZC_DEV for RACE_MS. */
static void kid_flood(int res)
{
	unsigned char mac[ETH_ALEN];
	char peer[IF_NAMESIZE];
	unsigned int seq = 0;
	long end;
	int fd;

	fd = veth_peer(ZC_DEV, peer) ? -1 : pkt_open(peer, mac);
	if (fd < 0 || write(res, "r", 1) != 1 || !wait_going())
		_exit(3);
	for (end = now_ms() + RACE_MS; now_ms() < end;)
		seq += send_frames(fd, mac, seq, 16);
	_exit(0);
}

/* Child: once rmmod has begun, send pool messages to nic.eth1.tx, more
 * than eth1's ring holds, until detached (-EIDRM) or RACE_MS.
 */
static void kid_tx(int res)
{
	unsigned int sent;
	int pool, xchg, n;
	struct xm *x;

	if (tx_open(&x, TX_DEV, &pool, &xchg) || write(res, "r", 1) != 1 ||
	    !wait_going())
		_exit(3);
	n = tx_fill(x, pool, xchg, TX_FILL, now_ms() + RACE_MS);
	sent = n > 0 ? n : 0;
	if (write(res, &sent, sizeof(sent)) != sizeof(sent))
		_exit(4);
	xm_close(x);
	_exit(0);
}

static pid_t kid_start(int kind, int res[2], int go)
{
	pid_t pid = fork();

	if (pid) {
		close(res[1]);	/* a child that dies is seen as EOF */
		return pid;
	}
	close(res[0]);
	if (kind == 0)
		kid_hold(res[1], go);
	else if (kind == 1)
		kid_flood(res[1]);
	kid_tx(res[1]);
	return 0;
}

static void kids_kill(pid_t *kids, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		kill(kids[i], SIGKILL);
		waitpid(kids[i], NULL, 0);
	}
}

/*
 * rmmod while frames arrive in zero-copy mode and a user process takes
 * and holds them, and while a user process sends to a tx exchange whose
 * skbs the paused link holds in eth1's qdisc (its ring is full already).  rmmod runs at SCHED_IDLE, so the children
 * work for a long while after it began.  Nothing made during the unload
 * may refer to the module: after rmmod returned, resuming the link frees
 * the skbs and the user releases its messages, and both must not call
 * into the module's freed text (no oops; the holder exits normally).
 */
TEST_F_TIMEOUT(nic, unload_race, 120)
{
	unsigned int held = 0, sent = 0;
	struct sched_param sp = {};
	int res[3][2], go[2], i, st;
	char vdev[32], c, peer[IF_NAMESIZE], cmd[64];
	pid_t kids[3];
	int rc;

	nic_reload();
	if (!can_pause(vdev, sizeof(vdev)))
		SKIP(return, "cannot unbind the virtio device of " RX_DEV);
	if (system("ip link add " ZC_DEV " type veth 2>/dev/null") ||
	    veth_peer(ZC_DEV, peer))
		SKIP(return, "cannot create a veth pair");
	snprintf(cmd, sizeof(cmd), "ip link set %s up", peer);
	system(cmd);
	system("ip link set " ZC_DEV " up");
	/* detach goes in attach order: ZC_DEV after eth1's 2 s tx wait */
	ASSERT_EQ(0, nic_attach(TX_DEV " pool"));
	ASSERT_EQ(0, nic_attach(ZC_DEV " zc"));
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, link_pause(vdev, true));
	/* fill eth1's ring with frames of no module: what the module sends
	 * during rmmod then waits in the qdisc, zero-copy
	 */
	ring_fill(300);
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, pipe(res[i]));
		kids[i] = kid_start(i, res[i], go[0]);
		ASSERT_LT(0, kids[i]);
		if (read(res[i][0], &c, 1) != 1) {
			kids_kill(kids, i + 1);
			link_pause(vdev, false);
			system("ip link del " ZC_DEV);
			ASSERT_TRUE(0) TH_LOG("child %d could not start", i);
		}
	}
	ASSERT_EQ(0, sched_setscheduler(0, SCHED_IDLE, &sp));
	rc = nic_rmmod();
	sched_setscheduler(0, SCHED_OTHER, &sp);
	EXPECT_EQ(0, rc);
	waitpid(kids[1], NULL, 0);
	waitpid(kids[2], &st, 0);
	EXPECT_TRUE(WIFEXITED(st) && !WEXITSTATUS(st));
	EXPECT_EQ((ssize_t)sizeof(sent), read(res[2][0], &sent, sizeof(sent)));
	EXPECT_EQ((ssize_t)sizeof(held), read(res[0][0], &held, sizeof(held)));
	TH_LOG("during rmmod: %u zero-copy messages held, %u tx messages sent",
	       held, sent);
	/* the skbs queued on eth1 are freed now, then the messages */
	EXPECT_EQ(0, link_pause(vdev, false));
	usleep(1000000);
	EXPECT_EQ(1, write(go[1], "g", 1));
	waitpid(kids[0], &st, 0);
	EXPECT_TRUE(WIFEXITED(st) && !WEXITSTATUS(st))
		TH_LOG("the holder died releasing its messages: %#x", st);
	if (rc) {		/* refused: unload it anyway, to load it again */
		nic_detach(ZC_DEV);
		nic_detach(TX_DEV);
		nic_rmmod();
	}
	system("ip link del " ZC_DEV " 2>/dev/null");
	EXPECT_EQ(0, system("insmod " NIC_KO));
	EXPECT_TRUE(have_nics());
	nic_reload();
}

int main(int argc, char **argv)
{
	if (!have_nics()) {
		printf("1..0 # SKIP no eth0/eth1 or no xmsg_nic module\n");
		return KSFT_SKIP;
	}
	return test_harness_run(argc, argv);
}
