// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg-bridge between TIPC nodes: three network namespaces (A, B, C), veth
 * pairs A-B and A-C, each namespace its own TIPC node (identity, Ethernet
 * bearer), one bridge per namespace.  All processes share the IPC
 * namespace, so the test sees every node's exchanges and pools; each
 * node's objects have their own names.
 *
 *   data_in_prio_order  messages of 5 sizes and 8 priorities from A's
 *                       import exchange reach B's exported exchange with
 *                       exact bytes, highest priority first
 *   bad_frames          short, wrong magic, wrong version, wrong length
 *                       and oversized frames are dropped and counted; the
 *                       connection carries on
 *   request_reply       round trips through a server at B, reply handles
 *                       mapped to the return path
 *   broadcast           a post at A reaches B and a late importer C, then
 *                       a newer one reaches both
 *   kill_bridge         kill -9 of B's bridge mid-stream: A's senders get
 *                       -EIDRM / -ENOENT, A counts what was in flight, the
 *                       counts balance, the bridge comes back and traffic
 *                       flows again; every pool is full at the end
 *
 * Skipped (exit 4) without /dev/xmsg or AF_TIPC.
 */
#include <ctype.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <linux/tipc.h>
#include <sys/socket.h>
#include "kselftest_harness.h"
#include "xm_test.h"
#include "xb_net.h"
#include "xb_status.h"
#include "xb_wire.h"

#define BS		65536		/* block size of every pool */
#define TYPE_DATA	1000
#define TYPE_RPC	1001
#define TYPE_NEWS	1002
#define NODES		3
#define WAIT_MS		60000		/* TIPC links come up in ~1-3 s */

enum { NA, NB, NC };

FIXTURE(br) {
	struct xm *x;
	int ns[NODES];
	pid_t bridge[NODES];
	char bname[NODES][XMSG_NAME_MAX];
	char pool[NODES][XMSG_NAME_MAX];	/* receive pools */
	char tx[XMSG_NAME_MAX];			/* A's senders' pool */
	char adata[XMSG_NAME_MAX], bdata[XMSG_NAME_MAX];
	char arpc[XMSG_NAME_MAX], brpc[XMSG_NAME_MAX];
	char anews[XMSG_NAME_MAX], bnews[XMSG_NAME_MAX];
	char cnews[XMSG_NAME_MAX];
	char st[8192];
	int ph[NODES], txh, bdh, brh;
};

struct node_cfg {
	const char *id;
	const char *dev[3];
};

static int node_setup(void *arg)
{
	const struct node_cfg *c = arg;

	return xb_tipc_node(c->id, c->dev);
}

/* Start node @n's bridge with the mappings in @maps (NULL-terminated). */
static pid_t bridge_start(FIXTURE_DATA(br) *self, int n, const char **maps)
{
	const char *argv[32];
	int i = 0, j;
	pid_t pid;

	argv[i++] = "xmsg-bridge";
	argv[i++] = "-n";
	argv[i++] = self->bname[n];
	argv[i++] = "-p";
	argv[i++] = self->pool[n];
	if (n == NA) {
		argv[i++] = "-p";
		argv[i++] = self->tx;
	}
	argv[i++] = "-v";
	for (j = 0; maps[j]; j++)
		argv[i++] = maps[j];
	argv[i] = NULL;
	pid = xb_spawn_in_ns(self->ns[n], (char **)argv);
	self->bridge[n] = pid;
	return pid;
}

static char *mapping(char *buf, const char *name, int type)
{
	sprintf(buf, "%s=%d:1", name, type);
	return buf;
}

/* Fetch node @n's bridge status into self->st: 0, or -errno. */
static int status(FIXTURE_DATA(br) *self, int n)
{
	int ret = xb_status_read(self->x, self->bname[n], self->st,
				 sizeof(self->st));

	return ret < 0 ? ret : 0;
}

/* Node @n's counter @key of mapping "@kind @name", -1 if unknown. */
static long long counter(FIXTURE_DATA(br) *self, int n, const char *kind,
			 const char *name, const char *key)
{
	char map[64];

	if (status(self, n))
		return -1;
	snprintf(map, sizeof(map), "%s %s", kind, name);
	return xb_status_get(self->st, map, key);
}

/* Wait until counter(...) >= @min: 0, or -1 after WAIT_MS. */
static int wait_counter(FIXTURE_DATA(br) *self, int n, const char *kind,
			const char *name, const char *key, long long min)
{
	int i;

	for (i = 0; i < WAIT_MS / 10; i++) {
		if (counter(self, n, kind, name, key) >= min)
			return 0;
		xt_sleep_ms(10);
	}
	fprintf(stderr, "# waited for %s %s %s >= %lld; status:\n%s", kind,
		name, key, min, self->st);
	return -1;
}

/* Wait (up to 5 s) for counter(...) == @want: the last value read. */
static long long settled(FIXTURE_DATA(br) *self, int n, const char *kind,
			 const char *name, const char *key, long long want)
{
	long long v = -1;
	int i;

	for (i = 0; i < 500; i++) {
		v = counter(self, n, kind, name, key);
		if (v == want)
			break;
		xt_sleep_ms(10);
	}
	return v;
}

/* Node @n's counter @key of "@kind @name" comes to @want. */
#define EXPECT_COUNTER(n, kind, name, key, want)			\
	EXPECT_EQ(want, settled(self, n, kind, name, key, want))	\
		TH_LOG("%s", self->st)

static int bridge_stop(FIXTURE_DATA(br) *self, int n)
{
	int st;

	if (self->bridge[n] <= 0)
		return 0;
	kill(self->bridge[n], SIGTERM);
	st = xt_wait(self->bridge[n]);
	self->bridge[n] = 0;
	return st;
}

/* Wait for every block of pool handle @h to be free: 0, or -1. */
static int pool_full(FIXTURE_DATA(br) *self, int h)
{
	struct xmsg_info in;

	return XT_WAIT_INFO(self->x, h, in,
			    in.u.pool.free == in.u.pool.count, 5000);
}

FIXTURE_SETUP(br)
{
	struct node_cfg cfg[NODES] = {
		{ "xbA", { "ab", "ac" } },
		{ "xbB", { "ba", NULL } },
		{ "xbC", { "ca", NULL } },
	};
	static const int count[NODES] = { 16, 160, 16 };
	char tag[16];
	int i;

	if (!xt_have_device())
		SKIP(return, "no /dev/xmsg (xmsg.ko not loaded)");
	if (!xb_have_tipc())
		SKIP(return, "no AF_TIPC in this kernel");
	ASSERT_EQ(0, xm_open(&self->x, NULL));
	for (i = 0; i < NODES; i++) {
		self->ns[i] = xb_netns_new();
		ASSERT_LE(0, self->ns[i]) TH_LOG("netns: %s",
						 strerror(-self->ns[i]));
	}
	ASSERT_EQ(0, xb_veth_pair("ab", self->ns[NA], "ba", self->ns[NB]));
	ASSERT_EQ(0, xb_veth_pair("ac", self->ns[NA], "ca", self->ns[NC]));
	for (i = 0; i < NODES; i++) {
		ASSERT_EQ(0, xb_in_ns(self->ns[i], node_setup, &cfg[i]));
		snprintf(tag, sizeof(tag), "br%c", 'a' + i);
		xt_name(self->bname[i], tag);
		/* bridge names: no dots, "bridge." is prepended */
		*strchr(self->bname[i], '.') = '-';
		snprintf(tag, sizeof(tag), "rx%c", 'a' + i);
		self->ph[i] = xm_pool_create(self->x,
					     xt_name(self->pool[i], tag), BS,
					     count[i], 0600,
					     XMSG_CREATE_EXCL);
		ASSERT_LT(0, self->ph[i]);
	}
	self->txh = xm_pool_create(self->x, xt_name(self->tx, "tx"), BS, 128,
				   0600, XMSG_CREATE_EXCL);
	ASSERT_LT(0, self->txh);
	xt_name(self->adata, "a.data");
	xt_name(self->arpc, "a.rpc");
	xt_name(self->anews, "a.news");
	xt_name(self->bnews, "b.news");
	xt_name(self->cnews, "c.news");
	self->bdh = xm_xchg_create(self->x, xt_name(self->bdata, "b.data"),
				   XMSG_XCHG_KIND_NORMAL, 0, 0600,
				   XMSG_CREATE_EXCL);
	ASSERT_LT(0, self->bdh);
	self->brh = xm_xchg_create(self->x, xt_name(self->brpc, "b.rpc"),
				   XMSG_XCHG_KIND_NORMAL, 0, 0600,
				   XMSG_CREATE_EXCL);
	ASSERT_LT(0, self->brh);
}

FIXTURE_TEARDOWN(br)
{
	int i;

	if (!self->x)
		return;
	for (i = 0; i < NODES; i++)
		bridge_stop(self, i);
	xm_destroy(self->x, self->bdh);
	xm_destroy(self->x, self->brh);
	for (i = 0; i < NODES; i++) {
		if (self->ph[i] > 0)
			xm_pool_destroy(self->x, self->ph[i]);
		if (self->ns[i] > 0)
			close(self->ns[i]);
	}
	if (self->txh > 0)
		xm_pool_destroy(self->x, self->txh);
	xm_close(self->x);
}

/* Stop the bridges; then every pool must be full again. */
#define STOP_AND_CHECK_POOLS() do {					\
	int __i;							\
	for (__i = 0; __i < NODES; __i++)				\
		EXPECT_EQ(0, bridge_stop(self, __i));			\
	for (__i = 0; __i < NODES; __i++)				\
		EXPECT_EQ(0, pool_full(self, self->ph[__i]))		\
			TH_LOG("pool of node %c", 'A' + __i);		\
	EXPECT_EQ(0, pool_full(self, self->txh));			\
} while (0)

static void fill(unsigned char *p, uint32_t len, uint32_t seq)
{
	uint32_t j;

	for (j = 0; j < len; j++)
		p[j] = (unsigned char)(seq * 7 + j * 13 + (j >> 8));
	if (len >= 4)
		memcpy(p, &seq, 4);
}

static int check_body(const unsigned char *p, uint32_t len, uint32_t seq)
{
	uint32_t j;

	if (len >= 4 && memcmp(p, &seq, 4))
		return -1;
	for (j = 4; j < len; j++)
		if (p[j] != (unsigned char)(seq * 7 + j * 13 + (j >> 8)))
			return -1;
	return 0;
}

/* Send one message of @len bytes, @prio, sequence @seq to @xchg. */
static int send_one(struct xm *x, int pool, int xchg, uint32_t len,
		    uint32_t prio, uint32_t seq)
{
	struct xm_msg m;
	int ret, i;

	for (i = 0; (ret = xm_msg_get(x, pool, &m)) == -ENOBUFS && i < 5000;
	     i++)
		xt_sleep_ms(1);	/* the bridge still holds blocks */
	if (ret)
		return ret;
	fill(m.body, len, seq);
	ret = xm_msg_set_length(x, m.handle, len);
	for (i = 0; !ret && i < 5000; i++) {
		ret = xm_send(x, xchg, m.handle, prio, 0, 0);
		if (ret != -ENOSPC)
			break;
		xt_sleep_ms(1);
	}
	if (ret)
		xm_msg_rel(x, m.handle);
	return ret;
}

static const uint32_t sizes[] = { 8, 64, 1000, 4096, BS };

TEST_F_TIMEOUT(br, data_in_prio_order, 300)
{
	enum { N = 120 };
	char m1[64], m2[64];
	const char *amaps[] = { "import", mapping(m1, self->adata, TYPE_DATA),
				NULL };
	const char *bmaps[] = { "export", mapping(m2, self->bdata, TYPE_DATA),
				NULL };
	struct xmsg_info in;
	unsigned char seen[N] = { 0 };
	int xa, i, prev_prio = 99, last_seq = -1;
	struct xm_msg m;

	bridge_start(self, NB, bmaps);
	bridge_start(self, NA, amaps);
	ASSERT_EQ(0, wait_counter(self, NA, "import", self->adata, "state",
				  1));
	xa = xm_xchg_open(self->x, self->adata, XMSG_ACC_WRITE);
	ASSERT_LT(0, xa);
	for (i = 0; i < N; i++)
		ASSERT_EQ(0, send_one(self->x, self->txh, xa,
				      sizes[i % 5], (i * 5) % 8 * 4, i));
	/* the receiver starts when all are queued: priority order */
	ASSERT_EQ(0, XT_WAIT_INFO(self->x, self->bdh, in,
				  in.u.xchg.queued == N, WAIT_MS))
		TH_LOG("queued at B: %u of %d", in.u.xchg.queued, N);
	ASSERT_LT(0, xm_pool_open(self->x, self->pool[NB], XMSG_ACC_READ));
	for (i = 0; i < N; i++) {
		uint32_t seq;

		ASSERT_EQ(0, xm_recv(self->x, self->bdh, XM_NOWAIT, 0, &m));
		ASSERT_NE(NULL, m.body);
		memcpy(&seq, m.body, 4);
		ASSERT_GT((uint32_t)N, seq);
		ASSERT_EQ(0, seen[seq]);
		seen[seq] = 1;
		EXPECT_EQ(sizes[seq % 5], m.length);
		EXPECT_EQ((seq * 5) % 8 * 4, m.prio);
		EXPECT_EQ(0, check_body(m.body, m.length, seq))
			TH_LOG("message %u: bytes differ", seq);
		/* highest priority first, FIFO within a priority */
		EXPECT_LE((int)m.prio, prev_prio);
		if ((int)m.prio == prev_prio)
			EXPECT_LT(last_seq, (int)seq);
		prev_prio = m.prio;
		last_seq = seq;
		ASSERT_EQ(0, xm_msg_rel(self->x, m.handle));
	}
	EXPECT_EQ(-EAGAIN, xm_recv(self->x, self->bdh, XM_NOWAIT, 0, &m));
	EXPECT_EQ(0, wait_counter(self, NA, "import", self->adata, "acked",
				  N));
	EXPECT_COUNTER(NA, "import", self->adata, "fwd", N);
	EXPECT_COUNTER(NA, "import", self->adata, "lost", 0);
	EXPECT_COUNTER(NB, "export", self->bdata, "delivered", N);
	EXPECT_COUNTER(NB, "export", self->bdata, "malformed", 0);
	xm_handle_close(self->x, xa);
	STOP_AND_CHECK_POOLS();
	/* a stopped bridge takes its import exchange with it */
	EXPECT_EQ(-ENOENT, xm_xchg_open(self->x, self->adata,
					XMSG_ACC_WRITE));
}

struct raw_frames {
	uint32_t type;
	int sent;
};

/* In node A: connect to the service and send bad frames, then a good one. */
static int send_raw_frames(void *arg)
{
	struct raw_frames *rf = arg;
	static unsigned char buf[BS + 200];
	struct xb_hdr *h = (struct xb_hdr *)buf;
	struct sockaddr_tipc sa = { 0 };
	int fd, i;

	sa.family = AF_TIPC;
	sa.addrtype = TIPC_SERVICE_ADDR;
	sa.addr.name.name.type = rf->type;
	sa.addr.name.name.instance = 1;
	/* until the link is up and B's name has reached A */
	for (i = 0; i < WAIT_MS / 10; i++) {
		fd = socket(AF_TIPC, SOCK_SEQPACKET, 0);
		if (fd < 0)
			return 1;
		if (!connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
			break;
		close(fd);
		xt_sleep_ms(10);
	}
	if (i == WAIT_MS / 10)
		return 1;
	/* 1: shorter than a header */
	xb_hdr_set(h, XB_DATA, 0, 0, 0, 0);
	if (send(fd, buf, 10, 0) != 10)
		return 1;
	/* 2: wrong magic */
	xb_hdr_set(h, XB_DATA, 0, 16, 0, 0);
	h->magic = htons(0x1234);
	if (send(fd, buf, XB_HDR_LEN + 16, 0) < 0)
		return 1;
	/* 3: a version this bridge does not speak */
	xb_hdr_set(h, XB_DATA, 0, 16, 0, 0);
	h->version = 2;
	if (send(fd, buf, XB_HDR_LEN + 16, 0) < 0)
		return 1;
	/* 4: length field not the rest of the frame */
	xb_hdr_set(h, XB_DATA, 0, 17, 0, 0);
	if (send(fd, buf, XB_HDR_LEN + 16, 0) < 0)
		return 1;
	/* 5: a body larger than the receiving pool's blocks */
	xb_hdr_set(h, XB_DATA, 0, BS + 100, 0, 0);
	if (send(fd, buf, XB_HDR_LEN + BS + 100, 0) < 0)
		return 1;
	/* 6: a good one */
	xb_hdr_set(h, XB_DATA, 3, 100, 0, 0);
	fill(buf + XB_HDR_LEN, 100, 4242);
	if (send(fd, buf, XB_HDR_LEN + 100, 0) < 0)
		return 1;
	/* the bridge acknowledges all six (dropped ones count as done) */
	for (i = 0; i < 50; i++) {
		struct xb_hdr a, in;
		ssize_t n = recv(fd, &a, sizeof(a), 0);

		if (n < 0 || xb_hdr_get(&a, n, &in))
			return 2;
		if (in.kind == XB_ACK && in.aux == 6)
			break;
	}
	close(fd);
	return i == 50 ? 3 : 0;
}

TEST_F_TIMEOUT(br, bad_frames, 300)
{
	char m2[64];
	const char *bmaps[] = { "export", mapping(m2, self->bdata, TYPE_DATA),
				NULL };
	struct raw_frames rf = { .type = TYPE_DATA };
	struct xm_msg m;

	bridge_start(self, NB, bmaps);
	ASSERT_EQ(0, wait_counter(self, NB, "export", self->bdata, "state",
				  1));
	ASSERT_EQ(0, xb_in_ns(self->ns[NA], send_raw_frames, &rf));
	EXPECT_EQ(0, wait_counter(self, NB, "export", self->bdata,
				  "delivered", 1));
	EXPECT_COUNTER(NB, "export", self->bdata, "malformed", 4);
	EXPECT_COUNTER(NB, "export", self->bdata, "oversized", 1);
	EXPECT_COUNTER(NB, "export", self->bdata, "delivered", 1);
	ASSERT_LT(0, xm_pool_open(self->x, self->pool[NB], XMSG_ACC_READ));
	ASSERT_EQ(0, xm_recv(self->x, self->bdh, XM_MS(5000), 0, &m));
	EXPECT_EQ(100U, m.length);
	EXPECT_EQ(3U, m.prio);
	EXPECT_EQ(0, check_body(m.body, m.length, 4242));
	xm_msg_rel(self->x, m.handle);
	EXPECT_EQ(-EAGAIN, xm_recv(self->x, self->bdh, XM_NOWAIT, 0, &m));
	STOP_AND_CHECK_POOLS();
}

/* The server at B: upper-case the request in place, send it back. */
static int rpc_server(FIXTURE_DATA(br) *self, int rounds)
{
	struct xm *x;
	struct xm_msg m;
	int xb, i;
	uint64_t j;

	CHILD_CHECK(xm_open(&x, NULL) == 0, 10);
	CHILD_CHECK(xm_pool_open(x, self->pool[NB], XMSG_ACC_RDWR) > 0, 11);
	xb = xm_xchg_open(x, self->brpc, XMSG_ACC_READ);
	CHILD_CHECK(xb > 0, 12);
	for (i = 0; i < rounds; i++) {
		CHILD_CHECK(xm_recv(x, xb, XM_MS(60000), 0, &m) == 0, 13);
		CHILD_CHECK(m.body && m.reply, 14);
		for (j = 0; j < m.length; j++)
			((char *)m.body)[j] = toupper(((char *)m.body)[j]);
		CHILD_CHECK(xm_send(x, m.reply, m.handle, m.prio, 0,
				    XMSG_SEND_CLOSE_XCHG) == 0, 15);
	}
	xm_close(x);
	return 0;
}

TEST_F_TIMEOUT(br, request_reply, 300)
{
	enum { ROUNDS = 20 };
	char m1[64], m2[64];
	const char *amaps[] = { "import", mapping(m1, self->arpc, TYPE_RPC),
				NULL };
	const char *bmaps[] = { "export", mapping(m2, self->brpc, TYPE_RPC),
				NULL };
	char want[64];
	struct xm_msg m, a;
	int xa, mine, i;
	pid_t srv;

	bridge_start(self, NB, bmaps);
	bridge_start(self, NA, amaps);
	srv = fork();
	if (srv == 0)
		_exit(rpc_server(self, ROUNDS));
	ASSERT_EQ(0, wait_counter(self, NA, "import", self->arpc, "state",
				  1));
	xa = xm_xchg_open(self->x, self->arpc, XMSG_ACC_WRITE);
	ASSERT_LT(0, xa);
	mine = xm_xchg_create(self->x, NULL, XMSG_XCHG_KIND_NORMAL, 0, 0600,
			      0);
	ASSERT_LT(0, mine);
	/* answers arrive in A's receive pool */
	ASSERT_LT(0, xm_pool_open(self->x, self->pool[NA], XMSG_ACC_READ));
	for (i = 0; i < ROUNDS; i++) {
		ASSERT_EQ(0, xm_msg_get(self->x, self->txh, &m));
		snprintf(m.body, 64, "request %d from a", i);
		ASSERT_EQ(0, xm_msg_set_length(self->x, m.handle,
					       strlen(m.body) + 1));
		a.gen = 0;
		ASSERT_EQ(0, xm_call(self->x, xa, m.handle, i % 32, mine, mine,
				     XM_MS(30000), 0, &a, NULL));
		snprintf(want, sizeof(want), "REQUEST %d FROM A", i);
		ASSERT_NE(NULL, a.body);
		EXPECT_EQ(strlen(want) + 1, a.length);
		EXPECT_STREQ(want, (char *)a.body);
		EXPECT_EQ((uint32_t)i % 32, a.prio);
		ASSERT_EQ(0, xm_msg_rel(self->x, a.handle));
	}
	EXPECT_EQ(0, xt_wait(srv));
	EXPECT_COUNTER(NA, "import", self->arpc, "replies", ROUNDS);
	EXPECT_COUNTER(NB, "export", self->brpc, "replies", ROUNDS);
	EXPECT_EQ(0, settled(self, NB, "export", self->brpc,
			     "replies_lost", 0));
	xm_destroy(self->x, mine);
	xm_handle_close(self->x, xa);
	STOP_AND_CHECK_POOLS();
}

/* Wait at broadcast exchange @name for a post newer than *@gen holding
 * @text: 0, or -1.
 */
static int wait_post(FIXTURE_DATA(br) *self, const char *name,
		     const char *text, uint64_t *gen)
{
	char buf[64] = "";
	struct xm_msg m = { 0 };
	int h = -1, i, ret = -1;

	for (i = 0; i < WAIT_MS / 10 && h < 0; i++) {
		h = xm_xchg_open(self->x, name, XMSG_ACC_READ);
		if (h < 0)
			xt_sleep_ms(10);
	}
	if (h < 0)
		return -1;
	m.gen = *gen;
	if (xm_recv(self->x, h, XM_MS(WAIT_MS), XMSG_RECV_NEWER, &m) == 0) {
		xm_msg_read(self->x, m.handle, 0, buf,
			    m.length < sizeof(buf) ? m.length : sizeof(buf));
		buf[sizeof(buf) - 1] = 0;
		*gen = m.gen;
		ret = strcmp(buf, text) ? -1 : 0;
		if (ret)
			fprintf(stderr, "# %s: got \"%s\"\n", name, buf);
		xm_msg_rel(self->x, m.handle);
	}
	xm_handle_close(self->x, h);
	return ret;
}

static int post(FIXTURE_DATA(br) *self, int xchg, const char *text,
		uint32_t *held)
{
	struct xm_msg m;
	int ret;

	if (*held)
		xm_msg_rel(self->x, *held);
	ret = xm_msg_get(self->x, self->txh, &m);
	if (ret)
		return ret;
	strcpy(m.body, text);
	xm_msg_set_length(self->x, m.handle, strlen(text) + 1);
	*held = m.handle;
	return xm_send(self->x, xchg, m.handle, 7, 0, 0);
}

TEST_F_TIMEOUT(br, broadcast, 300)
{
	char m1[64], m2[64], m3[64];
	const char *amaps[] = { "bexport", mapping(m1, self->anews, TYPE_NEWS),
				NULL };
	const char *bmaps[] = { "bimport", mapping(m2, self->bnews, TYPE_NEWS),
				NULL };
	const char *cmaps[] = { "bimport", mapping(m3, self->cnews, TYPE_NEWS),
				NULL };
	uint64_t gb = 0, gc = 0;
	uint32_t held = 0;
	int xa;

	xa = xm_xchg_create(self->x, self->anews, XMSG_XCHG_KIND_BCAST, 0,
			    0600, XMSG_CREATE_EXCL);
	ASSERT_LT(0, xa);
	bridge_start(self, NA, amaps);
	bridge_start(self, NB, bmaps);
	ASSERT_EQ(0, post(self, xa, "news one", &held));
	EXPECT_EQ(0, wait_post(self, self->bnews, "news one", &gb));
	/* C comes later: it gets the current post */
	bridge_start(self, NC, cmaps);
	EXPECT_EQ(0, wait_post(self, self->cnews, "news one", &gc));
	EXPECT_LE(1, counter(self, NA, "bexport", self->anews, "late"));
	/* a newer post reaches both by multicast */
	ASSERT_EQ(0, post(self, xa, "news two", &held));
	EXPECT_EQ(0, wait_post(self, self->bnews, "news two", &gb));
	EXPECT_EQ(0, wait_post(self, self->cnews, "news two", &gc));
	EXPECT_COUNTER(NA, "bexport", self->anews, "posts", 2);
	EXPECT_COUNTER(NB, "bimport", self->bnews, "posts", 2);
	EXPECT_COUNTER(NC, "bimport", self->cnews, "posts", 2);
	xm_msg_rel(self->x, held);
	xm_destroy(self->x, xa);
	STOP_AND_CHECK_POOLS();
}

/*
 * The sender for kill_bridge: sends @total messages (sequence numbers
 * 0..) to A's import exchange, reopening it after errors; writes to @fd
 * how many sends succeeded, failed with -EIDRM and with -ENOENT, and
 * whether a send succeeded after an error.
 */
/* kill_bridge: the highest sequence number a sender may reach */
#define SEQ_MAX 20000u

static int stream_sender(FIXTURE_DATA(br) *self, int total, int fd)
{
	uint64_t ok = 0, idrm = 0, noent = 0, back = 0;
	struct xm *x;
	int pool, xa = -ENOENT, ret;
	uint32_t seq = 0;
	double end = xt_now() + 240;

	CHILD_CHECK(xm_open(&x, NULL) == 0, 20);
	pool = xm_pool_open(x, self->tx, XMSG_ACC_RDWR);
	CHILD_CHECK(pool > 0, 21);
	/*
	 * At least @total; then on until a send succeeded after a failed one
	 * (on a loaded machine the first @total may all be out before the
	 * outage), at most SEQ_MAX.
	 */
	while ((ok < (uint64_t)total || (!back && seq < SEQ_MAX)) &&
	       xt_now() < end) {
		if (xa < 0) {
			xa = xm_xchg_open(x, self->adata, XMSG_ACC_WRITE);
			if (xa < 0) {
				CHILD_CHECK(xa == -ENOENT, 22);
				noent++;
				xt_sleep_ms(5);
				continue;
			}
		}
		ret = send_one(x, pool, xa, 1000, seq % 4, seq);
		if (ret == 0) {
			ok++;
			seq++;
			if (idrm + noent)
				back = 1;
			continue;
		}
		CHILD_CHECK(ret == -EIDRM, 23);
		idrm++;
		xm_handle_close(x, xa);
		xa = -ENOENT;
	}
	xt_put(fd, ok);
	xt_put(fd, idrm);
	xt_put(fd, noent);
	xt_put(fd, back);
	xt_put(fd, seq);
	xm_close(x);
	return 0;
}

/*
 * The receiver for kill_bridge: takes what arrives at B's exchange until
 * told to stop (a byte on @stop) and nothing came for 300 ms; checks each
 * body; writes how many it got, duplicates and bad ones to @fd.
 */
static int stream_receiver(FIXTURE_DATA(br) *self, int stop, int fd)
{
	uint64_t got = 0, dups = 0, bad = 0;
	unsigned char *seen = calloc(SEQ_MAX, 1);
	struct pollfd p = { .fd = stop, .events = POLLIN };
	int stopping = 0, xb, ret;
	struct xm_msg m;
	struct xm *x;
	uint32_t seq;

	CHILD_CHECK(seen && xm_open(&x, NULL) == 0, 30);
	CHILD_CHECK(xm_pool_open(x, self->pool[NB], XMSG_ACC_READ) > 0, 31);
	xb = xm_xchg_open(x, self->bdata, XMSG_ACC_READ);
	CHILD_CHECK(xb > 0, 32);
	for (;;) {
		ret = xm_recv(x, xb, XM_MS(300), 0, &m);
		if (ret == -ETIMEDOUT) {
			if (stopping)
				break;
			stopping = poll(&p, 1, 0) == 1;
			continue;
		}
		CHILD_CHECK(ret == 0 && m.body, 33);
		memcpy(&seq, m.body, 4);
		if (seq >= SEQ_MAX || m.length != 1000 ||
		    check_body(m.body, m.length, seq))
			bad++;
		else if (seen[seq]++)
			dups++;
		got++;
		xm_msg_rel(x, m.handle);
	}
	xt_put(fd, got);
	xt_put(fd, dups);
	xt_put(fd, bad);
	xm_close(x);
	return 0;
}

TEST_F_TIMEOUT(br, kill_bridge, 600)
{
	enum { TOTAL = 600 };
	char m1[64], m2[64];
	const char *amaps[] = { "import", mapping(m1, self->adata, TYPE_DATA),
				NULL };
	const char *bmaps[] = { "export", mapping(m2, self->bdata, TYPE_DATA),
				NULL };
	uint64_t ok, idrm, noent, back, seqs, got, dups, bad;
	long long acked = 0, lost = 0, dropped = 0, txerr = 0;
	int sfd[2], rfd[2], stop[2], i;
	char map[64];
	pid_t snd, rcv;

	bridge_start(self, NB, bmaps);
	bridge_start(self, NA, amaps);
	ASSERT_EQ(0, wait_counter(self, NA, "import", self->adata, "state",
				  1));
	ASSERT_EQ(0, pipe(sfd));
	ASSERT_EQ(0, pipe(rfd));
	ASSERT_EQ(0, pipe(stop));
	rcv = fork();
	if (rcv == 0)
		_exit(stream_receiver(self, stop[0], rfd[1]));
	snd = fork();
	if (snd == 0)
		_exit(stream_sender(self, TOTAL, sfd[1]));
	/* mid-stream: B's bridge has delivered some */
	ASSERT_EQ(0, wait_counter(self, NB, "export", self->bdata,
				  "delivered", 100));
	ASSERT_EQ(0, kill(self->bridge[NB], SIGKILL));
	EXPECT_EQ(1000 + SIGKILL, xt_wait(self->bridge[NB]));
	self->bridge[NB] = 0;
	/* A sees the service go and takes its exchange away */
	for (i = 0; i < WAIT_MS / 10; i++) {
		if (counter(self, NA, "import", self->adata, "state") == 0)
			break;
		xt_sleep_ms(10);
	}
	ASSERT_EQ(0, counter(self, NA, "import", self->adata, "state"))
		TH_LOG("%s", self->st);
	/* while it is down the sender gets errors; then B comes back */
	xt_sleep_ms(300);
	bridge_start(self, NB, bmaps);
	ASSERT_EQ(0, wait_counter(self, NA, "import", self->adata,
				  "connects", 2));
	ASSERT_EQ(0, xt_get(sfd[0], &ok));
	ASSERT_EQ(0, xt_get(sfd[0], &idrm));
	ASSERT_EQ(0, xt_get(sfd[0], &noent));
	ASSERT_EQ(0, xt_get(sfd[0], &back));
	ASSERT_EQ(0, xt_get(sfd[0], &seqs));
	EXPECT_EQ(0, xt_wait(snd));
	EXPECT_LE((uint64_t)TOTAL, ok);
	EXPECT_EQ(ok, seqs);
	EXPECT_LT(0U, idrm + noent) TH_LOG("no send failed");
	EXPECT_EQ(1U, back) TH_LOG("no send succeeded after the restart");
	/* every message sent is acknowledged, lost in flight or dropped */
	snprintf(map, sizeof(map), "import %s", self->adata);
	for (i = 0; i < WAIT_MS / 10; i++) {
		if (status(self, NA) == 0) {
			acked = xb_status_get(self->st, map, "acked");
			lost = xb_status_get(self->st, map, "lost");
			dropped = xb_status_get(self->st, map, "dropped");
			txerr = xb_status_get(self->st, map, "tx_err");
			if (acked + lost + dropped + txerr >= (long long)ok)
				break;
		}
		xt_sleep_ms(10);
	}
	EXPECT_EQ((long long)ok, acked + lost + dropped + txerr)
		TH_LOG("%s", self->st);
	ASSERT_EQ(1, write(stop[1], "x", 1));
	ASSERT_EQ(0, xt_get(rfd[0], &got));
	ASSERT_EQ(0, xt_get(rfd[0], &dups));
	ASSERT_EQ(0, xt_get(rfd[0], &bad));
	EXPECT_EQ(0, xt_wait(rcv));
	TH_LOG("sent %llu: acked %lld, lost in flight %lld, dropped at the "
	       "exchange %lld; received at B %llu; sender errors: %llu "
	       "EIDRM, %llu ENOENT", (unsigned long long)ok, acked, lost,
	       dropped, (unsigned long long)got, (unsigned long long)idrm,
	       (unsigned long long)noent);
	/* what reached B: exact, each once, at least what B acknowledged */
	EXPECT_EQ(0U, dups);
	EXPECT_EQ(0U, bad);
	EXPECT_LE(acked, (long long)got);
	EXPECT_GE(acked + lost, (long long)got);
	STOP_AND_CHECK_POOLS();
}

int main(int argc, char **argv)
{
	if (!xt_have_device() || !xb_have_tipc()) {
		printf("1..0 # SKIP %s\n", xt_have_device() ?
		       "no AF_TIPC in this kernel" : "no /dev/xmsg");
		return 4;	/* KSFT_SKIP */
	}
	return test_harness_run(argc, argv);
}
