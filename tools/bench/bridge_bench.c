// SPDX-License-Identifier: GPL-2.0
/*
 * bridge_bench: xmsg-bridge against raw AF_TIPC between the same two TIPC
 * nodes (network namespaces A and B joined by a veth pair) in one run.
 *
 *   throughput  N messages of 64 B and 64 KiB from A to B: raw, a
 *               SOCK_SEQPACKET connection (the bridge's transport) from a
 *               sender in A to a receiver in B; bridged, xm_send() to A's
 *               import exchange -> bridge A -> TIPC -> bridge B -> B's
 *               exchange -> xm_recv().  Time from the first send to the
 *               last receive.
 *   round trip  raw, send + echo + receive on the connection; bridged,
 *               xm_call() to A's import exchange with a reply exchange, a
 *               server at B answering in place through its reply handle.
 *
 * Prints each figure and the bridge's time per message over raw TIPC's,
 * three rounds and the median ratio (the target is at most 1.5x).  usage: bridge_bench [-n SCALE] (default
 * 1.0: fewer messages with less).  Exits 0, or 4 (skipped) without
 * /dev/xmsg or AF_TIPC.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/tipc.h>
#include "libxmsg.h"
#include "xb_net.h"
#include "xb_status.h"

#define BS		65536
#define T_RAW		3000
#define T_DATA		3001
#define T_RPC		3002
#define REPS		3

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000L };

	nanosleep(&ts, NULL);
}

#define CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "bridge_bench: %s:%d: %s failed (%s)\n",\
			__FILE__, __LINE__, #cond, strerror(errno));	\
		exit(1);						\
	}								\
} while (0)

static int ns_a, ns_b;
static char pool_a[XMSG_NAME_MAX], pool_b[XMSG_NAME_MAX];
static char x_data_a[XMSG_NAME_MAX], x_data_b[XMSG_NAME_MAX];
static char x_rpc_a[XMSG_NAME_MAX], x_rpc_b[XMSG_NAME_MAX];
static char name_a[XMSG_NAME_MAX], name_b[XMSG_NAME_MAX];

static void svc_addr(struct sockaddr_tipc *sa, int type)
{
	memset(sa, 0, sizeof(*sa));
	sa->family = AF_TIPC;
	sa->addrtype = TIPC_SERVICE_ADDR;
	sa->scope = TIPC_CLUSTER_SCOPE;
	sa->addr.name.name.type = type;
	sa->addr.name.name.instance = 1;
}

/* ---- raw TIPC ---- */

struct raw_job {
	int count, size, echo;
	int fd;			/* pipe to the parent: times */
};

/* In B: accept one connection; receive (and with echo answer) @count
 * messages; report the time of the last.
 */
static int raw_server(void *arg)
{
	struct raw_job *j = arg;
	static char buf[BS];
	struct sockaddr_tipc sa;
	double t;
	int l, c, i;

	l = socket(AF_TIPC, SOCK_SEQPACKET, 0);
	svc_addr(&sa, T_RAW);
	sa.addrtype = TIPC_SERVICE_RANGE;
	sa.addr.nameseq.lower = 1;
	sa.addr.nameseq.upper = 1;
	CHECK(l >= 0 && !bind(l, (struct sockaddr *)&sa, sizeof(sa)));
	CHECK(!listen(l, 1));
	c = accept(l, NULL, NULL);
	CHECK(c >= 0);
	for (i = 0; i < j->count; i++) {
		ssize_t n = recv(c, buf, sizeof(buf), 0);

		CHECK(n == j->size);
		if (j->echo)
			CHECK(send(c, buf, n, 0) == n);
	}
	t = now();
	CHECK(write(j->fd, &t, sizeof(t)) == sizeof(t));
	sleep_ms(200);	/* let the last frames go before the close */
	return 0;
}

static int raw_client(void *arg)
{
	struct raw_job *j = arg;
	static char buf[BS];
	struct sockaddr_tipc sa;
	double t[2];
	int fd, i, tries;

	memset(buf, 0x5a, sizeof(buf));
	svc_addr(&sa, T_RAW);
	for (tries = 0; tries < 1000; tries++) {
		fd = socket(AF_TIPC, SOCK_SEQPACKET, 0);
		CHECK(fd >= 0);
		if (!connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
			break;
		close(fd);
		sleep_ms(10);	/* the server's name is not out yet */
	}
	CHECK(tries < 1000);
	t[0] = now();
	for (i = 0; i < j->count; i++) {
		CHECK(send(fd, buf, j->size, 0) == j->size);
		if (j->echo)
			CHECK(recv(fd, buf, sizeof(buf), 0) == j->size);
	}
	t[1] = now();
	CHECK(write(j->fd, t, sizeof(t)) == sizeof(t));
	close(fd);
	return 0;
}

static pid_t in_ns_bg(int ns, int (*fn)(void *), void *arg)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(xb_in_ns(ns, fn, arg));
	return pid;
}

/* Seconds per message (or per round trip) over raw TIPC. */
static double raw_run(int count, int size, int echo)
{
	struct raw_job js = { count, size, echo, 0 }, jc = js;
	int sp[2], cp[2], st;
	double tc[2], ts;
	pid_t s, c;

	CHECK(!pipe(sp) && !pipe(cp));
	js.fd = sp[1];
	jc.fd = cp[1];
	s = in_ns_bg(ns_b, raw_server, &js);
	c = in_ns_bg(ns_a, raw_client, &jc);
	waitpid(c, &st, 0);
	CHECK(WIFEXITED(st) && !WEXITSTATUS(st));
	waitpid(s, &st, 0);
	CHECK(WIFEXITED(st) && !WEXITSTATUS(st));
	CHECK(read(cp[0], tc, sizeof(tc)) == sizeof(tc));
	CHECK(read(sp[0], &ts, sizeof(ts)) == sizeof(ts));
	close(sp[0]);
	close(sp[1]);
	close(cp[0]);
	close(cp[1]);
	/* throughput: to the server's last receive; round trip: the client's
	 * last answer
	 */
	return ((echo ? tc[1] : ts) - tc[0]) / count;
}

/* ---- bridged ---- */

static int receiver(int count, int size, int fd)
{
	struct xm_msg m;
	struct xm *x;
	double t;
	int h, i;

	CHECK(!xm_open(&x, NULL));
	CHECK(xm_pool_open(x, pool_b, XMSG_ACC_READ) > 0);
	h = xm_xchg_open(x, x_data_b, XMSG_ACC_READ);
	CHECK(h > 0);
	for (i = 0; i < count; i++) {
		CHECK(!xm_recv(x, h, XM_MS(60000), 0, &m));
		CHECK(m.length == (uint64_t)size);
		xm_msg_rel(x, m.handle);
	}
	t = now();
	CHECK(write(fd, &t, sizeof(t)) == sizeof(t));
	xm_close(x);
	return 0;
}

static double bridged_tput(struct xm *x, int pool, int count, int size)
{
	struct xm_msg m;
	int pfd[2], h, i, ret, st;
	double t0, t1;
	pid_t r;

	CHECK(!pipe(pfd));
	r = fork();
	if (r == 0)
		_exit(receiver(count, size, pfd[1]));
	h = xm_xchg_open(x, x_data_a, XMSG_ACC_WRITE);
	CHECK(h > 0);
	t0 = now();
	for (i = 0; i < count; i++) {
		while ((ret = xm_msg_get(x, pool, &m)) == -ENOBUFS)
			sleep_ms(1);
		CHECK(!ret);
		memset(m.body, 0x5a, size);
		CHECK(!xm_msg_set_length(x, m.handle, size));
		while ((ret = xm_send(x, h, m.handle, 0, 0, 0)) == -ENOSPC)
			sleep_ms(1);
		CHECK(!ret);
	}
	CHECK(read(pfd[0], &t1, sizeof(t1)) == sizeof(t1));
	waitpid(r, &st, 0);
	CHECK(WIFEXITED(st) && !WEXITSTATUS(st));
	xm_handle_close(x, h);
	close(pfd[0]);
	close(pfd[1]);
	return (t1 - t0) / count;
}

static int server(int count)
{
	struct xm_msg m;
	struct xm *x;
	int h, i;

	CHECK(!xm_open(&x, NULL));
	CHECK(xm_pool_open(x, pool_b, XMSG_ACC_RDWR) > 0);
	h = xm_xchg_open(x, x_rpc_b, XMSG_ACC_READ);
	CHECK(h > 0);
	for (i = 0; i < count; i++) {
		CHECK(!xm_recv(x, h, XM_MS(60000), 0, &m));
		CHECK(!xm_send(x, m.reply, m.handle, m.prio, 0,
			       XMSG_SEND_CLOSE_XCHG));
	}
	xm_close(x);
	return 0;
}

static double bridged_rtt(struct xm *x, int pool, int count, int size)
{
	struct xm_msg m, a;
	int h, mine, i, st;
	double t0, t;
	pid_t s;

	s = fork();
	if (s == 0)
		_exit(server(count));
	h = xm_xchg_open(x, x_rpc_a, XMSG_ACC_WRITE);
	CHECK(h > 0);
	mine = xm_xchg_create(x, NULL, XMSG_XCHG_KIND_NORMAL, 0, 0600, 0);
	CHECK(mine > 0);
	t0 = now();
	for (i = 0; i < count; i++) {
		CHECK(!xm_msg_get(x, pool, &m));
		memset(m.body, 0x5a, size);
		CHECK(!xm_msg_set_length(x, m.handle, size));
		a.gen = 0;
		CHECK(!xm_call(x, h, m.handle, 0, mine, mine, XM_MS(60000), 0,
			       &a, NULL));
		CHECK(a.length == (uint64_t)size);
		xm_msg_rel(x, a.handle);
	}
	t = (now() - t0) / count;
	waitpid(s, &st, 0);
	CHECK(WIFEXITED(st) && !WEXITSTATUS(st));
	xm_destroy(x, mine);
	xm_handle_close(x, h);
	return t;
}

static int node_a(void *arg)
{
	static const char *const devs[] = { "ab", NULL };

	return xb_tipc_node("benchA", devs);
}

static int node_b(void *arg)
{
	static const char *const devs[] = { "ba", NULL };

	return xb_tipc_node("benchB", devs);
}

static pid_t bridge(int ns, const char *name, const char *pool, const char *kind,
		    const char *data, const char *rpc)
{
	char m1[64], m2[64];
	char *argv[] = { "xmsg-bridge", "-n", (char *)name, "-p", (char *)pool,
			 (char *)kind, m1, (char *)kind, m2, NULL };

	snprintf(m1, sizeof(m1), "%s=%d:1", data, T_DATA);
	snprintf(m2, sizeof(m2), "%s=%d:1", rpc, T_RPC);
	return xb_spawn_in_ns(ns, argv);
}

static void report(const char *what, int size, double raw, double br)
{
	printf("%-10s %6d B  raw TIPC %9.1f us %9.0f msg/s  bridged %9.1f us "
	       "%9.0f msg/s  bridged/raw %.2fx\n", what, size, raw * 1e6,
	       1 / raw, br * 1e6, 1 / br, br / raw);
	fflush(stdout);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	static const int sizes[] = { 64, BS };
	double scale = argc > 2 && !strcmp(argv[1], "-n") ? atof(argv[2]) : 1;
	char st[4096];
	pid_t ba, bb;
	struct xm *x;
	double ratio[4][REPS];
	int pa, pb, xd, xr, i, k;

	if (access(getenv("XMSG_DEVICE") ? getenv("XMSG_DEVICE") : XM_DEVICE,
		   R_OK | W_OK) || !xb_have_tipc()) {
		printf("bridge_bench: skipped (no /dev/xmsg or AF_TIPC)\n");
		return 4;
	}
	ns_a = xb_netns_new();
	ns_b = xb_netns_new();
	CHECK(ns_a >= 0 && ns_b >= 0);
	CHECK(!xb_veth_pair("ab", ns_a, "ba", ns_b));
	CHECK(!xb_in_ns(ns_a, node_a, NULL) && !xb_in_ns(ns_b, node_b, NULL));

	CHECK(!xm_open(&x, NULL));
	snprintf(pool_a, sizeof(pool_a), "bb%d.a", (int)getpid());
	snprintf(pool_b, sizeof(pool_b), "bb%d.b", (int)getpid());
	snprintf(x_data_a, sizeof(x_data_a), "bb%d.a.data", (int)getpid());
	snprintf(x_data_b, sizeof(x_data_b), "bb%d.b.data", (int)getpid());
	snprintf(x_rpc_a, sizeof(x_rpc_a), "bb%d.a.rpc", (int)getpid());
	snprintf(x_rpc_b, sizeof(x_rpc_b), "bb%d.b.rpc", (int)getpid());
	snprintf(name_a, sizeof(name_a), "bb%d-a", (int)getpid());
	snprintf(name_b, sizeof(name_b), "bb%d-b", (int)getpid());
	pa = xm_pool_create(x, pool_a, BS, 128, 0600, XMSG_CREATE_EXCL);
	pb = xm_pool_create(x, pool_b, BS, 128, 0600, XMSG_CREATE_EXCL);
	CHECK(pa > 0 && pb > 0);
	xd = xm_xchg_create(x, x_data_b, XMSG_XCHG_KIND_NORMAL, 0, 0600,
			    XMSG_CREATE_EXCL);
	xr = xm_xchg_create(x, x_rpc_b, XMSG_XCHG_KIND_NORMAL, 0, 0600,
			    XMSG_CREATE_EXCL);
	CHECK(xd > 0 && xr > 0);
	/* A's bridge forwards bodies of A's pool; answers come into it too */
	bb = bridge(ns_b, name_b, pool_b, "export", x_data_b, x_rpc_b);
	ba = bridge(ns_a, name_a, pool_a, "import", x_data_a, x_rpc_a);
	for (i = 0; i < 6000; i++) {
		if (xb_status_read(x, name_a, st, sizeof(st)) > 0 &&
		    xb_status_get(st, "import", "state") >= 0) {
			char map[64];

			snprintf(map, sizeof(map), "import %s", x_data_a);
			if (xb_status_get(st, map, "state") == 1) {
				snprintf(map, sizeof(map), "import %s",
					 x_rpc_a);
				if (xb_status_get(st, map, "state") == 1)
					break;
			}
		}
		sleep_ms(10);
	}
	CHECK(i < 6000);
	printf("bridge_bench: two TIPC nodes (network namespaces, veth), "
	       "%ld CPUs; per message (throughput) and per round trip\n",
	       sysconf(_SC_NPROCESSORS_ONLN));
	/* the host is shared: REPS rounds, raw and bridged back to back,
	 * and the median of each ratio
	 */
	for (k = 0; k < REPS; k++) {
		for (i = 0; i < 2; i++) {
			int n = (sizes[i] == 64 ? 4000 : 400) * scale + 1;
			int r = (sizes[i] == 64 ? 400 : 100) * scale + 1;
			double raw, br;

			raw = raw_run(n, sizes[i], 0);
			br = bridged_tput(x, pa, n, sizes[i]);
			report("throughput", sizes[i], raw, br);
			ratio[2 * i][k] = br / raw;
			raw = raw_run(r, sizes[i], 1);
			br = bridged_rtt(x, pa, r, sizes[i]);
			report("round trip", sizes[i], raw, br);
			ratio[2 * i + 1][k] = br / raw;
		}
	}
	for (i = 0; i < 4; i++) {
		qsort(ratio[i], REPS, sizeof(double), cmp_double);
		printf("median of %d: %-10s %6d B  bridged/raw %.2fx "
		       "(%.2f-%.2f)%s\n", REPS, i & 1 ? "round trip" :
		       "throughput", sizes[i / 2], ratio[i][REPS / 2],
		       ratio[i][0], ratio[i][REPS - 1],
		       ratio[i][REPS / 2] <= 1.5 ? "" :
		       "  (target 1.5x missed)");
	}
	if (xb_status_read(x, name_a, st, sizeof(st)) > 0)
		printf("bridge A status:\n%s", st);
	if (xb_status_read(x, name_b, st, sizeof(st)) > 0)
		printf("bridge B status:\n%s", st);
	kill(ba, SIGTERM);
	kill(bb, SIGTERM);
	waitpid(ba, NULL, 0);
	waitpid(bb, NULL, 0);
	xm_destroy(x, xd);
	xm_destroy(x, xr);
	xm_pool_destroy(x, pa);
	xm_pool_destroy(x, pb);
	xm_close(x);
	return 0;
}
