// SPDX-License-Identifier: GPL-2.0
/*
 * The services beyond send, receive, signal and wait, through /dev/xmsg
 * and libxmsg: signal-and-wait (the broadcast protocol's gate without
 * polling), sends that wait for room in a full queue (served in order,
 * the handle busy meanwhile and given back unchanged on failure, nothing
 * lost when the sender is killed), and clearing exchanges and semaphores
 * (-ECANCELED for every waiter), and XMSG_IOC_INFO's peek at the first
 * message and the first waiter.  Every bad argument gets its errno and
 * changes nothing; a process running as nobody cannot clear without the
 * write right.
 */
#include <grp.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include "kselftest_harness.h"
#include "xm_test.h"

#define NOBODY	65534
#define BS	64

FIXTURE(svc) {
	struct xm *x;
	int pool, xchg, done, gate;
	char n_pool[XMSG_NAME_MAX], n_xchg[XMSG_NAME_MAX];
	char n_done[XMSG_NAME_MAX], n_gate[XMSG_NAME_MAX];
};

FIXTURE_SETUP(svc)
{
	struct xmsg_features f;

	if (!xt_have_device())
		SKIP(return, "no /dev/xmsg");
	ASSERT_EQ(0, xm_open(&self->x, NULL));
	ASSERT_EQ(0, xm_features(self->x, &f));
	if (!(f.features & XMSG_FEAT_SEM_SIGNAL_WAIT))
		SKIP(return, "kernel without XMSG_FEAT_SEM_SIGNAL_WAIT");
	self->pool = xm_pool_create(self->x, xt_name(self->n_pool, "pool"),
				    BS, 16, 0644, XMSG_CREATE_EXCL);
	ASSERT_LT(0, self->pool);
	self->xchg = xm_xchg_create(self->x, xt_name(self->n_xchg, "q"),
				    XMSG_XCHG_KIND_NORMAL, 1, 0644,
				    XMSG_CREATE_EXCL);
	ASSERT_LT(0, self->xchg);
	self->done = xm_sem_create(self->x, xt_name(self->n_done, "done"),
				   XMSG_SEM_KIND_COUNT, 0, 0, 0644,
				   XMSG_CREATE_EXCL);
	ASSERT_LT(0, self->done);
	self->gate = xm_sem_create(self->x, xt_name(self->n_gate, "gate"),
				   XMSG_SEM_KIND_GATE, 0, 0, 0644,
				   XMSG_CREATE_EXCL);
	ASSERT_LT(0, self->gate);
}

FIXTURE_TEARDOWN(svc)
{
	if (!self->x)
		return;
	xm_destroy(self->x, self->gate);
	xm_destroy(self->x, self->done);
	xm_destroy(self->x, self->xchg);
	xm_pool_destroy(self->x, self->pool);
	xm_close(self->x);
}

static long long sem_count(struct xm *x, int sem)
{
	struct xmsg_info in;

	return xm_info(x, sem, &in) ? -1 : (long long)in.u.sem.count;
}

static struct xmsg_xchg_info xchg_info(struct xm *x, int xchg)
{
	struct xmsg_info in;

	memset(&in, 0, sizeof(in));
	xm_info(x, xchg, &in);
	return in.u.xchg;
}

/* queued, waiting receivers, waiting senders, as plain numbers */
static long long queued(struct xm *x, int xchg)
{
	return xchg_info(x, xchg).queued;
}

static long long waiters(struct xm *x, int xchg)
{
	return xchg_info(x, xchg).waiters;
}

static long long senders(struct xm *x, int xchg)
{
	return xchg_info(x, xchg).senders;
}

static long long pool_in_use(struct xm *x, int pool)
{
	struct xmsg_pool_info pi;

	return xm_pool_info(x, pool, &pi) ? -1 : (long long)pi.in_use;
}

static long long tag_of(const struct xm_msg *m)
{
	return *(uint32_t *)m->body;
}

/* A message of the fixture's pool whose body starts with @tag. */
static int tagged_msg(struct xm *x, int pool, uint32_t tag)
{
	struct xm_msg m;

	if (xm_msg_get(x, pool, &m) || !m.body)
		return -1;
	memcpy(m.body, &tag, sizeof(tag));
	return m.handle;
}

/* In a child: a context of its own with handles of the fixture's objects. */
static struct xm *child_ctx(const char *pool, int *p)
{
	struct xm *x;

	CHILD_CHECK(xm_open(&x, NULL) == 0, 80);
	*p = xm_pool_open(x, pool, XMSG_ACC_RDWR);
	CHILD_CHECK(*p > 0, 81);
	return x;
}

/*
 * Fork a process with a context of its own that sends a message tagged
 * @tag at @prio to exchange @xchg, waiting for room for ever; it exits 0
 * once sent, @code if something failed.
 */
static pid_t fork_waiting_sender(struct xm *parent, const char *pool,
				 const char *xchg, uint32_t tag, uint32_t prio,
				 int code)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct xm *x;
		int p, q, h;

		xm_close(parent);
		x = child_ctx(pool, &p);
		q = xm_xchg_open(x, xchg, XMSG_ACC_WRITE);
		h = tagged_msg(x, p, tag);
		CHILD_CHECK(q > 0 && h > 0, code);
		CHILD_CHECK(xm_send_wait(x, q, h, prio, 0, 0, XM_FOREVER) == 0,
			    code + 1);
		_exit(0);
	}
	return pid;
}

/* ---- signal-and-wait ------------------------------------------------ */

#define SLAVES	3
#define ROUNDS	40

/*
 * The broadcast protocol's interlock: each slave signals "done" and waits
 * at the gate in one call; the master, released by "done", finds every
 * slave at the gate and opens it at once.  A slave missing the gate
 * signal would time out.
 */
TEST_F_TIMEOUT(svc, signal_wait_gate_protocol, 120)
{
	struct xmsg_info in;
	pid_t pid[SLAVES];
	int i, r, s;

	for (i = 0; i < SLAVES; i++) {
		pid[i] = fork();
		ASSERT_LE(0, pid[i]);
		if (pid[i] == 0) {
			struct xm *x;
			int d, g, sig;

			xm_close(self->x);
			CHILD_CHECK(xm_open(&x, NULL) == 0, 10);
			d = xm_sem_open(x, self->n_done, XMSG_ACC_WRITE);
			g = xm_sem_open(x, self->n_gate, XMSG_ACC_READ);
			CHILD_CHECK(d > 0 && g > 0, 11);
			for (r = 0; r < ROUNDS; r++) {
				sig = 0;
				CHILD_CHECK(xm_sem_signal_wait(x, d, g,
							       XM_MS(20000), 0,
							       &sig) == 0, 12);
				CHILD_CHECK(sig == 1, 13);
			}
			_exit(0);
		}
	}
	for (r = 0; r < ROUNDS; r++) {
		for (s = 0; s < SLAVES; s++)
			ASSERT_EQ(0, xm_sem_wait(self->x, self->done,
						 XM_MS(20000)));
		/* every slave signalled, so every slave is at the gate */
		ASSERT_EQ(0, xm_info(self->x, self->gate, &in));
		ASSERT_EQ((uint32_t)SLAVES, in.u.sem.waiters);
		ASSERT_EQ(0, xm_sem_signal(self->x, self->gate, 0));
	}
	for (i = 0; i < SLAVES; i++)
		EXPECT_EQ(0, xt_wait(pid[i]));
}

static int sw_ioctl(struct xm *x, struct xmsg_sem_signal_wait *sw)
{
	return ioctl(xm_fd(x), XMSG_IOC_SEM_SIGNAL_WAIT, sw) ? -errno : 0;
}

static void sw_init(struct xmsg_sem_signal_wait *sw, int sig, int wait)
{
	memset(sw, 0, sizeof(*sw));
	sw->size = sizeof(*sw);
	sw->signal = sig;
	sw->wait = wait;
}

TEST_F(svc, signal_wait_errors_change_nothing)
{
	struct xmsg_sem_signal_wait sw;
	int ro, big, cnt;

	cnt = xm_sem_create(self->x, NULL, XMSG_SEM_KIND_COUNT, 1, 0, 0600,
			    0);
	ASSERT_LT(0, cnt);
	big = xm_sem_create(self->x, NULL, XMSG_SEM_KIND_COUNT, 0xffffffff,
			    0, 0600, 0);
	ASSERT_LT(0, big);
	ro = xm_sem_open(self->x, self->n_done, XMSG_ACC_READ);
	ASSERT_LT(0, ro);

	sw_init(&sw, self->done, cnt);
	sw.flags = 0x80;
	EXPECT_EQ(-EINVAL, sw_ioctl(self->x, &sw));
	sw_init(&sw, self->done, cnt);
	sw.pad = 1;
	EXPECT_EQ(-EINVAL, sw_ioctl(self->x, &sw));
	sw_init(&sw, self->done, cnt);
	sw.reserved[1] = 1;
	EXPECT_EQ(-EINVAL, sw_ioctl(self->x, &sw));
	sw_init(&sw, self->done, cnt);
	sw.timeout_ns = -5;
	EXPECT_EQ(-EINVAL, sw_ioctl(self->x, &sw));
	sw_init(&sw, self->done, cnt);
	sw.size = 8;
	EXPECT_EQ(-EINVAL, sw_ioctl(self->x, &sw));
	sw_init(&sw, self->done, self->done);
	EXPECT_EQ(-EINVAL, sw_ioctl(self->x, &sw));
	sw_init(&sw, self->xchg, cnt);
	EXPECT_EQ(-EINVAL, sw_ioctl(self->x, &sw));
	sw_init(&sw, self->done, self->pool);
	EXPECT_EQ(-EINVAL, sw_ioctl(self->x, &sw));
	sw_init(&sw, 0, cnt);
	EXPECT_EQ(-EBADF, sw_ioctl(self->x, &sw));
	sw_init(&sw, self->done, 999);
	EXPECT_EQ(-EBADF, sw_ioctl(self->x, &sw));
	/* a read-only handle cannot signal */
	sw_init(&sw, ro, cnt);
	EXPECT_EQ(-EACCES, sw_ioctl(self->x, &sw));
	EXPECT_EQ(0, (int)sw.result);
	/* a full count: -EOVERFLOW, @wait not taken */
	sw_init(&sw, big, cnt);
	EXPECT_EQ(-EOVERFLOW, sw_ioctl(self->x, &sw));
	EXPECT_EQ(0, (int)sw.result);
	EXPECT_EQ(0xffffffffLL, sem_count(self->x, big));
	EXPECT_EQ(1, sem_count(self->x, cnt));
	EXPECT_EQ(0, sem_count(self->x, self->done));
	/* a gate never passes at once: -EAGAIN, nothing signalled */
	sw_init(&sw, self->done, self->gate);
	EXPECT_EQ(-EAGAIN, sw_ioctl(self->x, &sw));
	EXPECT_EQ(0, (int)sw.result);
	EXPECT_EQ(0, sem_count(self->x, self->done));

	/* passes at once: signalled and taken */
	sw_init(&sw, self->done, cnt);
	EXPECT_EQ(0, sw_ioctl(self->x, &sw));
	EXPECT_EQ(XMSG_SEM_SIGNALLED, (int)sw.result);
	EXPECT_EQ(1, sem_count(self->x, self->done));
	EXPECT_EQ(0, sem_count(self->x, cnt));
	/* times out after the signal: says so */
	sw_init(&sw, self->done, cnt);
	sw.timeout_ns = XM_MS(5);
	EXPECT_EQ(-ETIMEDOUT, sw_ioctl(self->x, &sw));
	EXPECT_EQ(XMSG_SEM_SIGNALLED, (int)sw.result);
	EXPECT_EQ(2, sem_count(self->x, self->done));
	/* an absolute time in the past with the wait not ready */
	sw_init(&sw, self->done, cnt);
	sw.flags = XMSG_TIMEOUT_ABS;
	sw.timeout_ns = 1;
	EXPECT_EQ(-ETIMEDOUT, sw_ioctl(self->x, &sw));
	EXPECT_EQ(0, (int)sw.result);
	EXPECT_EQ(2, sem_count(self->x, self->done));
	xm_handle_close(self->x, ro);
	xm_destroy(self->x, big);
	xm_destroy(self->x, cnt);
}

static void on_alarm(int sig)
{
}

/* A signal ends the wait with -EINTR, never a restart: it signalled. */
TEST_F(svc, signal_wait_interrupted)
{
	struct sigaction sa = { .sa_handler = on_alarm, .sa_flags = SA_RESTART };
	struct xmsg_sem_signal_wait sw;

	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	alarm(1);
	sw_init(&sw, self->done, self->gate);
	sw.timeout_ns = XMSG_TIMEOUT_FOREVER;
	EXPECT_EQ(-EINTR, sw_ioctl(self->x, &sw));
	EXPECT_EQ(XMSG_SEM_SIGNALLED, (int)sw.result);
	EXPECT_EQ(1, sem_count(self->x, self->done));
	EXPECT_EQ(0, waiters(self->x, self->xchg));
	signal(SIGALRM, SIG_DFL);
}

/* ---- sends that wait for room --------------------------------------- */

TEST_F(svc, send_wait_served_in_order)
{
	struct xmsg_info in;
	struct xm_msg m;
	pid_t pid;
	int a, b;

	a = tagged_msg(self->x, self->pool, 1);
	b = tagged_msg(self->x, self->pool, 3);
	ASSERT_LT(0, a);
	ASSERT_LT(0, b);
	ASSERT_EQ(0, xm_send(self->x, self->xchg, a, 0, 0, 0));
	/* full, no waiting asked for */
	EXPECT_EQ(-ENOSPC, xm_send_wait(self->x, self->xchg, b, 0, 0, 0,
					XM_NOWAIT));
	pid = fork_waiting_sender(self->x, self->n_pool, self->n_xchg, 2, 7,
				  20);
	ASSERT_LE(0, pid);
	ASSERT_EQ(0, XT_WAIT_INFO(self->x, self->xchg, in,
				  in.u.xchg.senders == 1, 5000)) {
		kill(pid, SIGKILL);
	}
	/* a send that does not wait cannot overtake the waiting one */
	EXPECT_EQ(-ENOSPC, xm_send(self->x, self->xchg, b, 0, 0, 0));
	ASSERT_EQ(0, xm_recv(self->x, self->xchg, XM_NOWAIT, 0, &m));
	EXPECT_EQ(1, tag_of(&m));
	xm_msg_rel(self->x, m.handle);
	EXPECT_EQ(0, xt_wait(pid));
	EXPECT_EQ(1, queued(self->x, self->xchg));
	EXPECT_EQ(0, senders(self->x, self->xchg));
	ASSERT_EQ(0, xm_recv(self->x, self->xchg, XM_NOWAIT, 0, &m));
	EXPECT_EQ(2, tag_of(&m));
	EXPECT_EQ(7U, m.prio);
	xm_msg_rel(self->x, m.handle);
	/* room: sent at once */
	EXPECT_EQ(0, xm_send_wait(self->x, self->xchg, b, 0, 0, 0,
				  XM_MS(1000)));
	ASSERT_EQ(0, xm_recv(self->x, self->xchg, XM_NOWAIT, 0, &m));
	xm_msg_rel(self->x, m.handle);
}

static int send_ioctl(struct xm *x, struct xmsg_send *s)
{
	return ioctl(xm_fd(x), XMSG_IOC_SEND, s) ? -errno : 0;
}

/* The first version of struct xmsg_send: without timeout_ns. */
struct send_v0 {
	__u32 size, flags, xchg, msg, prio, reply;
	__u64 reserved[2];
};

#define XMSG_IOC_SEND_V0 _IOW(XMSG_IOC_MAGIC, 0x20, struct send_v0)

TEST_F(svc, send_wait_errors_change_nothing)
{
	struct send_v0 s0 = { .size = sizeof(s0) };
	struct xmsg_send s;
	struct xm_msg m;
	double t0;
	int a, b;

	a = tagged_msg(self->x, self->pool, 1);
	b = tagged_msg(self->x, self->pool, 2);
	ASSERT_EQ(0, xm_send(self->x, self->xchg, a, 0, 0, 0));

	memset(&s, 0, sizeof(s));
	s.size = sizeof(s);
	s.xchg = self->xchg;
	s.msg = b;
	s.timeout_ns = XM_MS(1);	/* without XMSG_SEND_WAIT */
	EXPECT_EQ(-EINVAL, send_ioctl(self->x, &s));
	s.timeout_ns = 0;
	s.flags = XMSG_TIMEOUT_ABS;
	EXPECT_EQ(-EINVAL, send_ioctl(self->x, &s));
	s.flags = XMSG_SEND_WAIT;
	s.timeout_ns = -7;
	EXPECT_EQ(-EINVAL, send_ioctl(self->x, &s));
	s.flags = XMSG_SEND_WAIT | XMSG_TIMEOUT_ABS;
	s.timeout_ns = 0;
	EXPECT_EQ(-EINVAL, send_ioctl(self->x, &s));
	s.flags = XMSG_SEND_WAIT | 0x100;
	s.timeout_ns = XM_MS(1);
	EXPECT_EQ(-EINVAL, send_ioctl(self->x, &s));
	/* the old struct still sends; it cannot ask to wait */
	s0.xchg = self->xchg;
	s0.msg = b;
	s0.flags = XMSG_SEND_WAIT;
	EXPECT_EQ(-EINVAL, ioctl(xm_fd(self->x), XMSG_IOC_SEND_V0, &s0) ?
		  -errno : 0);
	s0.flags = 0;
	EXPECT_EQ(-ENOSPC, ioctl(xm_fd(self->x), XMSG_IOC_SEND_V0, &s0) ?
		  -errno : 0);
	/* an absolute time passed: a timeout, not -ENOSPC */
	s.flags = XMSG_SEND_WAIT | XMSG_TIMEOUT_ABS;
	s.timeout_ns = 1;
	EXPECT_EQ(-ETIMEDOUT, send_ioctl(self->x, &s));
	/* a relative timeout: waits that long, then gives the message back */
	t0 = xt_now();
	EXPECT_EQ(-ETIMEDOUT, xm_send_wait(self->x, self->xchg, b, 0, 0, 0,
					   XM_MS(30)));
	EXPECT_LE(0.029, xt_now() - t0);
	ASSERT_EQ(0, xm_msg_info(self->x, b, &m));
	EXPECT_EQ(2, tag_of(&m));
	EXPECT_EQ(1, queued(self->x, self->xchg));
	EXPECT_EQ(0, senders(self->x, self->xchg));
	EXPECT_EQ(2, pool_in_use(self->x, self->pool));
	xm_msg_rel(self->x, b);
	ASSERT_EQ(0, xm_recv(self->x, self->xchg, XM_NOWAIT, 0, &m));
	xm_msg_rel(self->x, m.handle);
}

struct waiter_arg {
	struct xm *x;
	int xchg, msg, sem;
	int ret;
};

static void *send_waiter(void *p)
{
	struct waiter_arg *a = p;

	a->ret = xm_send_wait(a->x, a->xchg, a->msg, 0, 0, 0, XM_FOREVER);
	return NULL;
}

/*
 * While a send waits its handle names nothing (another thread gets
 * -EBADF) and its number is not reused; a clear cancels the send and
 * the handle names the message again.
 */
TEST_F(svc, send_wait_handle_busy_then_cleared)
{
	struct xmsg_info in;
	struct waiter_arg a = { .x = self->x, .xchg = self->xchg };
	struct xm_msg m;
	pthread_t t;
	int first, c;

	first = tagged_msg(self->x, self->pool, 1);
	ASSERT_EQ(0, xm_send(self->x, self->xchg, first, 0, 0, 0));
	a.msg = tagged_msg(self->x, self->pool, 2);
	ASSERT_LT(0, a.msg);
	ASSERT_EQ(0, pthread_create(&t, NULL, send_waiter, &a));
	ASSERT_EQ(0, XT_WAIT_INFO(self->x, self->xchg, in,
				  in.u.xchg.senders == 1, 5000));
	EXPECT_EQ(-EBADF, xm_msg_info(self->x, a.msg, &m));
	EXPECT_EQ(-EBADF, xm_msg_rel(self->x, a.msg));
	c = tagged_msg(self->x, self->pool, 3);
	EXPECT_NE(a.msg, c);
	ASSERT_EQ(0, xm_xchg_clear(self->x, self->xchg));
	pthread_join(t, NULL);
	EXPECT_EQ(-ECANCELED, a.ret);
	ASSERT_EQ(0, xm_msg_info(self->x, a.msg, &m));
	EXPECT_EQ(2, tag_of(&m));
	/* the queued message went back to the pool */
	EXPECT_EQ(0, queued(self->x, self->xchg));
	EXPECT_EQ(2, pool_in_use(self->x, self->pool));
	xm_msg_rel(self->x, a.msg);
	xm_msg_rel(self->x, c);
	EXPECT_EQ(0, pool_in_use(self->x, self->pool));
}

/* A waiting sender killed: its message goes back, the queue is intact. */
TEST_F(svc, send_wait_killed_loses_nothing)
{
	struct xmsg_info in;
	struct xm_msg m;
	pid_t pid;
	int a;

	a = tagged_msg(self->x, self->pool, 1);
	ASSERT_EQ(0, xm_send(self->x, self->xchg, a, 0, 0, 0));
	pid = fork_waiting_sender(self->x, self->n_pool, self->n_xchg, 2, 0,
				  30);
	ASSERT_LE(0, pid);
	ASSERT_EQ(0, XT_WAIT_INFO(self->x, self->xchg, in,
				  in.u.xchg.senders == 1, 5000)) {
		kill(pid, SIGKILL);
	}
	EXPECT_EQ(2, pool_in_use(self->x, self->pool));
	kill(pid, SIGKILL);
	EXPECT_EQ(1000 + SIGKILL, xt_wait(pid));
	EXPECT_EQ(0, senders(self->x, self->xchg));
	EXPECT_EQ(1, queued(self->x, self->xchg));
	EXPECT_EQ(1, pool_in_use(self->x, self->pool));
	ASSERT_EQ(0, xm_recv(self->x, self->xchg, XM_NOWAIT, 0, &m));
	EXPECT_EQ(1, tag_of(&m));
	xm_msg_rel(self->x, m.handle);
}

/* ---- clears --------------------------------------------------------- */

static int handle_op(struct xm *x, unsigned long cmd, uint32_t h,
		     uint32_t flags, uint32_t pad)
{
	struct xmsg_handle_op op = { .size = sizeof(op), .flags = flags,
				     .handle = h, .pad = pad };

	return ioctl(xm_fd(x), cmd, &op) ? -errno : 0;
}

TEST_F(svc, xchg_clear_cancels_receivers)
{
	struct xmsg_info in;
	struct xm_msg m;
	int big, i, h;
	pid_t pid;

	big = xm_xchg_create(self->x, NULL, XMSG_XCHG_KIND_PASS, 8, 0600, 0);
	ASSERT_LT(0, big);
	for (i = 0; i < 3; i++) {
		h = tagged_msg(self->x, self->pool, i);
		ASSERT_EQ(0, xm_send(self->x, big, h, i, 0, 0));
	}
	EXPECT_EQ(3, pool_in_use(self->x, self->pool));
	ASSERT_EQ(0, xm_xchg_clear(self->x, big));
	EXPECT_EQ(0, queued(self->x, big));
	EXPECT_EQ(0, pool_in_use(self->x, self->pool));
	/* clearing an empty exchange is fine */
	EXPECT_EQ(0, xm_xchg_clear(self->x, big));

	/* a receiver (another process) waiting at the named exchange */
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct xm *x;
		struct xm_msg r;
		int p, q;

		xm_close(self->x);
		x = child_ctx(self->n_pool, &p);
		q = xm_xchg_open(x, self->n_xchg, XMSG_ACC_READ);
		CHILD_CHECK(q > 0, 40);
		CHILD_CHECK(xm_recv(x, q, XM_FOREVER, 0, &r) == -ECANCELED,
			    41);
		_exit(0);
	}
	ASSERT_EQ(0, XT_WAIT_INFO(self->x, self->xchg, in,
				  in.u.xchg.waiters == 1, 5000)) {
		kill(pid, SIGKILL);
	}
	ASSERT_EQ(0, xm_xchg_clear(self->x, self->xchg));
	EXPECT_EQ(0, xt_wait(pid));
	EXPECT_EQ(0, waiters(self->x, self->xchg));
	/* still usable */
	h = tagged_msg(self->x, self->pool, 9);
	ASSERT_EQ(0, xm_send(self->x, self->xchg, h, 0, 0, 0));
	ASSERT_EQ(0, xm_recv(self->x, self->xchg, XM_NOWAIT, 0, &m));
	EXPECT_EQ(9, tag_of(&m));
	xm_msg_rel(self->x, m.handle);
	xm_destroy(self->x, big);
}

TEST_F(svc, clear_errors_change_nothing)
{
	struct xm_msg m, r;
	int ro, h, reply;

	h = tagged_msg(self->x, self->pool, 1);
	ASSERT_EQ(0, xm_send(self->x, self->xchg, h, 0, self->xchg, 0));
	ASSERT_EQ(0, xm_sem_signal(self->x, self->done, 0));
	ro = xm_xchg_open(self->x, self->n_xchg, XMSG_ACC_READ);
	ASSERT_LT(0, ro);

	EXPECT_EQ(-EINVAL, handle_op(self->x, XMSG_IOC_XCHG_CLEAR, self->xchg,
				     1, 0));
	EXPECT_EQ(-EINVAL, handle_op(self->x, XMSG_IOC_XCHG_CLEAR, self->xchg,
				     0, 1));
	EXPECT_EQ(-EINVAL, handle_op(self->x, XMSG_IOC_XCHG_CLEAR, self->done,
				     0, 0));
	EXPECT_EQ(-EINVAL, handle_op(self->x, XMSG_IOC_SEM_CLEAR, self->xchg,
				     0, 0));
	EXPECT_EQ(-EINVAL, handle_op(self->x, XMSG_IOC_SEM_CLEAR, self->pool,
				     0, 0));
	EXPECT_EQ(-EBADF, xm_xchg_clear(self->x, 0));
	EXPECT_EQ(-EBADF, xm_sem_clear(self->x, 4242));
	EXPECT_EQ(-EACCES, xm_xchg_clear(self->x, ro));
	/* a reply handle (a peer's) may not clear */
	ASSERT_EQ(0, xm_recv(self->x, self->xchg, XM_NOWAIT, 0, &r));
	reply = r.reply;
	ASSERT_LT(0, reply);
	h = tagged_msg(self->x, self->pool, 2);
	ASSERT_EQ(0, xm_send(self->x, self->xchg, h, 0, 0, 0));
	EXPECT_EQ(-EPERM, xm_xchg_clear(self->x, reply));
	EXPECT_EQ(1, queued(self->x, self->xchg));
	EXPECT_EQ(1, sem_count(self->x, self->done));
	ASSERT_EQ(0, xm_recv(self->x, self->xchg, XM_NOWAIT, 0, &m));
	xm_msg_rel(self->x, m.handle);
	xm_msg_rel(self->x, r.handle);
	xm_handle_close(self->x, reply);
	xm_handle_close(self->x, ro);
}

static void *sem_waiter(void *p)
{
	struct waiter_arg *a = p;

	a->ret = xm_sem_wait(a->x, a->sem, XM_FOREVER);
	return NULL;
}

TEST_F(svc, sem_clear_cancels_waiters)
{
	struct waiter_arg a = { .x = self->x, .sem = self->done };
	struct xmsg_info in;
	pthread_t t;
	int i;

	for (i = 0; i < 5; i++)
		ASSERT_EQ(0, xm_sem_signal(self->x, self->done, 0));
	ASSERT_EQ(0, xm_sem_clear(self->x, self->done));
	EXPECT_EQ(0, sem_count(self->x, self->done));
	ASSERT_EQ(0, pthread_create(&t, NULL, sem_waiter, &a));
	ASSERT_EQ(0, XT_WAIT_INFO(self->x, self->done, in,
				  in.u.sem.waiters == 1, 5000));
	ASSERT_EQ(0, xm_sem_clear(self->x, self->done));
	pthread_join(t, NULL);
	EXPECT_EQ(-ECANCELED, a.ret);
	/* a gate waiter too; the semaphore stays usable */
	a.sem = self->gate;
	ASSERT_EQ(0, pthread_create(&t, NULL, sem_waiter, &a));
	ASSERT_EQ(0, XT_WAIT_INFO(self->x, self->gate, in,
				  in.u.sem.waiters == 1, 5000));
	ASSERT_EQ(0, xm_sem_clear(self->x, self->gate));
	pthread_join(t, NULL);
	EXPECT_EQ(-ECANCELED, a.ret);
	ASSERT_EQ(0, xm_sem_signal(self->x, self->done, 0));
	EXPECT_EQ(0, xm_sem_wait(self->x, self->done, XM_NOWAIT));
}

/* A broadcast exchange: the clear withdraws our post, not another's. */
TEST_F(svc, bcast_clear_is_the_posters)
{
	char name[XMSG_NAME_MAX];
	struct xm_msg m, r;
	struct xm *y;
	int bc, yb;

	bc = xm_xchg_create(self->x, xt_name(name, "bc"), XMSG_XCHG_KIND_BCAST,
			    0, 0600, XMSG_CREATE_EXCL);
	ASSERT_LT(0, bc);
	ASSERT_EQ(0, xm_open(&y, NULL));
	yb = xm_xchg_open(y, name, XMSG_ACC_RDWR);
	ASSERT_LT(0, yb);
	ASSERT_EQ(0, xm_msg_get(self->x, self->pool, &m));
	ASSERT_EQ(0, xm_send(self->x, bc, m.handle, 0, 0, 0));
	/* another context (file) did not post: -EPERM, the post stays */
	EXPECT_EQ(-EPERM, xm_xchg_clear(y, yb));
	ASSERT_EQ(0, xm_recv(y, yb, XM_NOWAIT, 0, &r));
	xm_msg_rel(y, r.handle);
	ASSERT_EQ(0, xm_xchg_clear(self->x, bc));
	EXPECT_EQ(-EAGAIN, xm_recv(y, yb, XM_NOWAIT, 0, &r));
	/* nothing posted: no error, unlike XMSG_IOC_BCAST_CLEAR */
	EXPECT_EQ(0, xm_xchg_clear(self->x, bc));
	EXPECT_EQ(0, xm_xchg_clear(y, yb));
	EXPECT_EQ(-ENOENT, xm_bcast_clear(self->x, bc));
	xm_close(y);
	xm_msg_rel(self->x, m.handle);
	xm_destroy(self->x, bc);
	EXPECT_EQ(0, pool_in_use(self->x, self->pool));
}

/*
 * XMSG_SEND_BCAST_WITHDRAW: the master's release of the posted message
 * withdraws the post; a receiver's proxy stays valid.  Without the flag
 * the post outlives the release, as before.
 */
TEST_F(svc, bcast_release_withdraws_post)
{
	char name[XMSG_NAME_MAX];
	struct xm_msg m, p, r, r2;
	struct send_v0 s0;
	int bc;

	bc = xm_xchg_create(self->x, xt_name(name, "bw"), XMSG_XCHG_KIND_BCAST,
			    0, 0600, XMSG_CREATE_EXCL);
	ASSERT_LT(0, bc);
	ASSERT_EQ(0, xm_msg_get(self->x, self->pool, &m));
	strcpy(m.body, "news");
	/* only for a real message to a broadcast exchange */
	EXPECT_EQ(-EINVAL, xm_send(self->x, self->xchg, m.handle, 0, 0,
				   XMSG_SEND_BCAST_WITHDRAW));
	ASSERT_EQ(0, xm_msg_proxy(self->x, m.handle, 0, 0, &p));
	EXPECT_EQ(-EINVAL, xm_send(self->x, bc, p.handle, 0, 0,
				   XMSG_SEND_BCAST_WITHDRAW));
	ASSERT_EQ(0, xm_msg_rel(self->x, p.handle));
	/* the first version of struct xmsg_send can ask for it too */
	memset(&s0, 0, sizeof(s0));
	s0.size = sizeof(s0);
	s0.flags = XMSG_SEND_BCAST_WITHDRAW;
	s0.xchg = bc;
	s0.msg = m.handle;
	ASSERT_EQ(0, ioctl(xm_fd(self->x), XMSG_IOC_SEND_V0, &s0) ? -errno : 0);
	ASSERT_EQ(0, xm_recv(self->x, bc, XM_NOWAIT, 0, &r));
	ASSERT_EQ(0, xm_msg_rel(self->x, m.handle));
	EXPECT_EQ(-EAGAIN, xm_recv(self->x, bc, XM_NOWAIT, 0, &r2));
	EXPECT_EQ(0, queued(self->x, bc));
	EXPECT_STREQ("news", (char *)r.body);
	ASSERT_EQ(0, xm_msg_rel(self->x, r.handle));
	EXPECT_EQ(0, pool_in_use(self->x, self->pool));

	/* closing the handle withdraws it too */
	ASSERT_EQ(0, xm_msg_get(self->x, self->pool, &m));
	ASSERT_EQ(0, xm_send(self->x, bc, m.handle, 0, 0,
			     XMSG_SEND_BCAST_WITHDRAW));
	ASSERT_EQ(0, xm_handle_close(self->x, m.handle));
	EXPECT_EQ(-EAGAIN, xm_recv(self->x, bc, XM_NOWAIT, 0, &r2));

	/* a later send without the flag keeps the post after the release */
	ASSERT_EQ(0, xm_msg_get(self->x, self->pool, &m));
	ASSERT_EQ(0, xm_send(self->x, bc, m.handle, 0, 0,
			     XMSG_SEND_BCAST_WITHDRAW));
	ASSERT_EQ(0, xm_send(self->x, bc, m.handle, 0, 0, 0));
	ASSERT_EQ(0, xm_msg_rel(self->x, m.handle));
	ASSERT_EQ(0, xm_recv(self->x, bc, XM_NOWAIT, 0, &r));
	ASSERT_EQ(0, xm_msg_rel(self->x, r.handle));
	ASSERT_EQ(0, xm_bcast_clear(self->x, bc));
	xm_destroy(self->x, bc);
	EXPECT_EQ(0, pool_in_use(self->x, self->pool));
}

/* ---- peek ----------------------------------------------------------- */

struct recv_arg {
	struct xm *x;
	int xchg;
	pid_t tid;
	int ret;
};

static void *receiver(void *p)
{
	struct recv_arg *a = p;
	struct xm_msg m;

	a->tid = gettid();
	a->ret = xm_recv(a->x, a->xchg, XM_FOREVER, 0, &m);
	if (!a->ret)
		xm_msg_rel(a->x, m.handle);
	return NULL;
}

/*
 * XMSG_IOC_INFO peeks (read right): the message a receive would take and
 * the first waiter's IDs, taking nothing; a write-only handle sees none.
 */
TEST_F(svc, info_peeks_without_taking)
{
	struct recv_arg a = { .x = self->x, .xchg = self->xchg };
	struct xmsg_info in;
	struct xm_msg m;
	pthread_t t;
	int wo, h;

	ASSERT_EQ(0, xm_info(self->x, self->xchg, &in));
	EXPECT_EQ(0U, in.u.xchg.peek);
	h = tagged_msg(self->x, self->pool, 1);
	ASSERT_EQ(0, xm_msg_set_length(self->x, h, 12));
	ASSERT_EQ(0, xm_send(self->x, self->xchg, h, 6, 0, 0));
	ASSERT_EQ(0, xm_info(self->x, self->xchg, &in));
	EXPECT_EQ((uint32_t)XMSG_PEEK_MSG, in.u.xchg.peek);
	EXPECT_EQ(6U, in.u.xchg.first_prio);
	EXPECT_EQ(12U, in.u.xchg.first_length);
	EXPECT_EQ(1U, in.u.xchg.queued);
	wo = xm_xchg_open(self->x, self->n_xchg, XMSG_ACC_WRITE);
	ASSERT_LT(0, wo);
	ASSERT_EQ(0, xm_info(self->x, wo, &in));
	EXPECT_EQ(0U, in.u.xchg.peek);
	EXPECT_EQ(0U, in.u.xchg.first_prio);
	EXPECT_EQ(1U, in.u.xchg.queued);
	ASSERT_EQ(0, xm_recv(self->x, self->xchg, XM_NOWAIT, 0, &m));
	xm_msg_rel(self->x, m.handle);

	ASSERT_EQ(0, pthread_create(&t, NULL, receiver, &a));
	ASSERT_EQ(0, XT_WAIT_INFO(self->x, self->xchg, in,
				  in.u.xchg.waiters == 1, 5000));
	EXPECT_EQ((uint32_t)XMSG_PEEK_WAITER, in.u.xchg.peek);
	EXPECT_EQ(getpid(), in.u.xchg.waiter_pid);
	EXPECT_EQ(a.tid, in.u.xchg.waiter_tid);
	EXPECT_NE(getpid(), in.u.xchg.waiter_tid);
	ASSERT_EQ(0, xm_info(self->x, wo, &in));
	EXPECT_EQ(0U, in.u.xchg.peek);
	EXPECT_EQ(0, in.u.xchg.waiter_pid);
	h = tagged_msg(self->x, self->pool, 2);
	ASSERT_EQ(0, xm_send(self->x, self->xchg, h, 0, 0, 0));
	pthread_join(t, NULL);
	EXPECT_EQ(0, a.ret);
	xm_handle_close(self->x, wo);
}

TEST_F(svc, sem_info_peeks_first_waiter)
{
	struct waiter_arg a = { .x = self->x, .sem = self->gate };
	struct xmsg_info in;
	pthread_t t;

	ASSERT_EQ(0, xm_info(self->x, self->gate, &in));
	EXPECT_EQ(0U, in.u.sem.peek);
	ASSERT_EQ(0, pthread_create(&t, NULL, sem_waiter, &a));
	ASSERT_EQ(0, XT_WAIT_INFO(self->x, self->gate, in,
				  in.u.sem.waiters == 1, 5000));
	EXPECT_EQ((uint32_t)XMSG_PEEK_WAITER, in.u.sem.peek);
	EXPECT_EQ(getpid(), in.u.sem.waiter_pid);
	EXPECT_NE(0, in.u.sem.waiter_tid);
	EXPECT_NE(getpid(), in.u.sem.waiter_tid);
	ASSERT_EQ(0, xm_sem_signal(self->x, self->gate, 0));
	pthread_join(t, NULL);
	EXPECT_EQ(0, a.ret);
	ASSERT_EQ(0, xm_info(self->x, self->gate, &in));
	EXPECT_EQ(0U, in.u.sem.peek);
}

/* ---- another user --------------------------------------------------- */

TEST_F(svc, nobody_cannot_clear_without_write_right)
{
	pid_t pid;
	int h;

	if (geteuid() != 0)
		SKIP(return, "needs root to switch to uid %d", NOBODY);
	h = tagged_msg(self->x, self->pool, 1);
	ASSERT_EQ(0, xm_send(self->x, self->xchg, h, 0, 0, 0));
	ASSERT_EQ(0, xm_sem_signal(self->x, self->done, 0));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct xm *x;
		int q, s, g, sig = 1;

		xm_close(self->x);
		CHILD_CHECK(setgroups(0, NULL) == 0, 50);
		CHILD_CHECK(setgid(NOBODY) == 0 && setuid(NOBODY) == 0, 51);
		CHILD_CHECK(xm_open(&x, NULL) == 0, 52);
		/* mode 0644: no write right for others */
		CHILD_CHECK(xm_xchg_open(x, self->n_xchg, XMSG_ACC_WRITE) ==
			    -EACCES, 53);
		q = xm_xchg_open(x, self->n_xchg, XMSG_ACC_READ);
		s = xm_sem_open(x, self->n_done, XMSG_ACC_READ);
		g = xm_sem_open(x, self->n_gate, XMSG_ACC_READ);
		CHILD_CHECK(q > 0 && s > 0 && g > 0, 54);
		CHILD_CHECK(xm_xchg_clear(x, q) == -EACCES, 55);
		CHILD_CHECK(xm_sem_clear(x, s) == -EACCES, 56);
		/* may wait at the gate, may not signal "done" */
		CHILD_CHECK(xm_sem_signal_wait(x, s, g, XM_MS(10), 0, &sig) ==
			    -EACCES && !sig, 57);
		_exit(0);
	}
	EXPECT_EQ(0, xt_wait(pid));
	EXPECT_EQ(1, queued(self->x, self->xchg));
	EXPECT_EQ(1, sem_count(self->x, self->done));
}

TEST_F(svc, features_announced)
{
	struct xmsg_features f;

	ASSERT_EQ(0, xm_features(self->x, &f));
	EXPECT_TRUE(!!(f.features & XMSG_FEAT_SEM_SIGNAL_WAIT));
	EXPECT_TRUE(!!(f.features & XMSG_FEAT_SEND_WAIT));
	EXPECT_TRUE(!!(f.features & XMSG_FEAT_CLEAR));
	EXPECT_TRUE(!!(f.features & XMSG_FEAT_PEEK));
}

TEST_HARNESS_MAIN
