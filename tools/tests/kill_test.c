// SPDX-License-Identifier: GPL-2.0
/*
 * kill -9 of a process that holds bare blocks, standard blocks, messages,
 * proxies, a broadcast read, mappings and a pending receive: afterwards
 * every pool counter is back where it was, waiters are gone, and messages
 * the process had already sent are still at their exchanges.
 */
#include <pthread.h>
#include "kselftest_harness.h"
#include "xm_test.h"

#define BS	1024
#define NBLK	32

FIXTURE(k9) {
	struct xm *x;
	int pool, q, keep, bc, sem;
	char pname[XMSG_NAME_MAX], qname[XMSG_NAME_MAX];
	char kname[XMSG_NAME_MAX], bname[XMSG_NAME_MAX];
	char sname[XMSG_NAME_MAX];
};

FIXTURE_SETUP(k9)
{
	ASSERT_EQ(0, xm_open(&self->x, NULL)) TH_LOG("no /dev/xmsg?");
	self->pool = xm_pool_create(self->x, xt_name(self->pname, "pool"),
				    BS, NBLK, 0600, XMSG_CREATE_EXCL);
	ASSERT_LT(0, self->pool);
	self->q = xm_xchg_create(self->x, xt_name(self->qname, "q"),
				 XMSG_XCHG_KIND_NORMAL, 0, 0600,
				 XMSG_CREATE_EXCL);
	ASSERT_LT(0, self->q);
	self->keep = xm_xchg_create(self->x, xt_name(self->kname, "keep"),
				    XMSG_XCHG_KIND_NORMAL, 0, 0600,
				    XMSG_CREATE_EXCL);
	ASSERT_LT(0, self->keep);
	self->bc = xm_xchg_create(self->x, xt_name(self->bname, "bc"),
				  XMSG_XCHG_KIND_BCAST, 0, 0600,
				  XMSG_CREATE_EXCL);
	ASSERT_LT(0, self->bc);
	self->sem = xm_sem_create(self->x, xt_name(self->sname, "sem"),
				  XMSG_SEM_KIND_COUNT, 0, 0, 0600,
				  XMSG_CREATE_EXCL);
	ASSERT_LT(0, self->sem);
}

FIXTURE_TEARDOWN(k9)
{
	if (!self->x)
		return;
	xm_destroy(self->x, self->sem);
	xm_destroy(self->x, self->bc);
	xm_destroy(self->x, self->keep);
	xm_destroy(self->x, self->q);
	xm_pool_destroy(self->x, self->pool);
	xm_close(self->x);
}

static void *sem_waiter(void *arg)
{
	struct xm *x = arg;
	int h = xm_sem_open(x, getenv("XT_SEM"), XMSG_ACC_READ);

	if (h > 0)
		xm_sem_wait(x, h, XM_FOREVER);
	return NULL;
}

/* Take one of everything, report how many blocks we hold, then block in a
 * receive (main thread) and a semaphore wait (second thread) until killed.
 */
static void hoarder(FIXTURE_DATA(k9) *self, int wr)
{
	struct xm_msg b1, b2, bcb1, bcb2, m1, m2, m3, p, keep, bc = { 0 };
	struct xm_msg r = { 0 };
	int pool, q, kx, bx, held;
	pthread_t t;
	struct xm *x;

	xm_close(self->x);		/* the parent's context */
	CHILD_CHECK(xm_open(&x, NULL) == 0, 10);
	pool = xm_pool_open(x, self->pname, XMSG_ACC_RDWR);
	q = xm_xchg_open(x, self->qname, XMSG_ACC_READ);
	kx = xm_xchg_open(x, self->kname, XMSG_ACC_WRITE);
	bx = xm_xchg_open(x, self->bname, XMSG_ACC_READ);
	CHILD_CHECK(pool > 0 && q > 0 && kx > 0 && bx > 0, 11);
	CHILD_CHECK(xm_block_get(x, pool, &b1) == 0, 12);
	CHILD_CHECK(xm_block_get(x, pool, &b2) == 0, 13);
	CHILD_CHECK(xm_bcb_get(x, pool, &bcb1) == 0, 14);
	CHILD_CHECK(xm_bcb_make(x, b2.handle, &bcb2) == 0, 15);
	CHILD_CHECK(xm_msg_get(x, pool, &m1) == 0, 16);
	CHILD_CHECK(xm_msg_get(x, pool, &m2) == 0, 17);
	CHILD_CHECK(xm_block_get(x, pool, &m3) == 0, 18);
	CHILD_CHECK(xm_msg_make(x, m3.handle, &m3) == 0, 19);
	CHILD_CHECK(xm_msg_proxy(x, m1.handle, 8, 16, &p) == 0, 20);
	CHILD_CHECK(xm_msg_get(x, pool, &keep) == 0, 21);
	CHILD_CHECK(keep.body != NULL, 22);
	memset(keep.body, 0x5a, keep.length);
	CHILD_CHECK(xm_send(x, kx, keep.handle, 4, 0, 0) == 0, 23);
	CHILD_CHECK(xm_recv(x, bx, XM_MS(5000), 0, &bc) == 0, 24);
	CHILD_CHECK(bc.body && ((char *)bc.body)[0] == 'B', 25);
	/* b1, bcb1, bcb2, m1, m2, m3 = 6 blocks held (the proxy, the
	 * broadcast proxy and the sent message hold none of their own)
	 */
	held = 6;
	CHILD_CHECK(pthread_create(&t, NULL, sem_waiter, x) == 0, 26);
	CHILD_CHECK(xt_put(wr, held) == 0, 27);
	xm_recv(x, q, XM_FOREVER, 0, &r);
	_exit(28);	/* not reached: we are killed in the receive */
}

TEST_F(k9, kill9_releases_everything)
{
	struct xmsg_pool_info before, pi;
	struct xm_msg bm, kept = { 0 };
	struct xmsg_info in;
	uint64_t held;
	int c2p[2];
	pid_t pid;

	ASSERT_EQ(0, xm_msg_get(self->x, self->pool, &bm));
	memset(bm.body, 'B', bm.length);
	ASSERT_EQ(0, xm_send(self->x, self->bc, bm.handle, 0, 0, 0));
	ASSERT_EQ(0, xm_pool_info(self->x, self->pool, &before));
	ASSERT_EQ((uint64_t)NBLK - 1, before.free);
	ASSERT_EQ(0, setenv("XT_SEM", self->sname, 1));
	ASSERT_EQ(0, pipe(c2p));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		hoarder(self, c2p[1]);
	ASSERT_EQ(0, xt_get(c2p[0], &held));
	/* wait until the receive and the sem wait are really pending */
	ASSERT_EQ(0, XT_WAIT_INFO(self->x, self->q, in,
				  in.u.xchg.waiters == 1, 5000));
	ASSERT_EQ(0, XT_WAIT_INFO(self->x, self->sem, in,
				  in.u.sem.waiters == 1, 5000));
	ASSERT_EQ(0, xm_pool_info(self->x, self->pool, &pi));
	/* held + the sent message */
	ASSERT_EQ(before.in_use + held + 1, pi.in_use);
	ASSERT_GT(pi.mapped, before.mapped);

	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(1000 + SIGKILL, xt_wait(pid));

	/* everything the child held is back; what it sent is not */
	ASSERT_EQ(0, XT_WAIT_INFO(self->x, self->pool, in,
				  in.u.pool.free == before.free - 1, 3000))
		TH_LOG("pool free %llu, want %llu",
		       (unsigned long long)in.u.pool.free,
		       (unsigned long long)before.free - 1);
	ASSERT_EQ(before.mapped, in.u.pool.mapped);
	ASSERT_EQ(0, xm_info(self->x, self->q, &in));
	ASSERT_EQ(0U, in.u.xchg.waiters);
	ASSERT_EQ(0, xm_info(self->x, self->sem, &in));
	ASSERT_EQ(0U, in.u.sem.waiters);
	ASSERT_EQ(0, xm_info(self->x, self->keep, &in));
	ASSERT_EQ(1U, in.u.xchg.queued);

	/* the message sent before the kill is intact */
	ASSERT_EQ(0, xm_recv(self->x, self->keep, XM_NOWAIT, 0, &kept));
	ASSERT_EQ(4U, kept.prio);
	ASSERT_EQ(0x5a, ((unsigned char *)kept.body)[0]);
	ASSERT_EQ(0x5a, ((unsigned char *)kept.body)[kept.length - 1]);
	ASSERT_EQ(0, xm_msg_rel(self->x, kept.handle));

	/* the broadcast is still posted, and ours */
	ASSERT_EQ(0, xm_bcast_clear(self->x, self->bc));
	ASSERT_EQ(0, xm_msg_rel(self->x, bm.handle));
	ASSERT_EQ(0, xm_pool_info(self->x, self->pool, &pi));
	ASSERT_EQ((uint64_t)NBLK, pi.free);
	ASSERT_EQ(0U, pi.in_use);
}

/* A broadcaster dies: its post is withdrawn (the sender owned it), but a
 * proxy received before stays readable until released.
 */
TEST_F(k9, killed_broadcaster_post_is_withdrawn)
{
	struct xm_msg r = { 0 }, r2 = { 0 };
	struct xmsg_info in;
	uint64_t v;
	int c2p[2];
	pid_t pid;

	ASSERT_EQ(0, pipe(c2p));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct xm *x;
		struct xm_msg m;
		int pool, bx;

		xm_close(self->x);
		CHILD_CHECK(xm_open(&x, NULL) == 0, 10);
		pool = xm_pool_open(x, self->pname, XMSG_ACC_RDWR);
		bx = xm_xchg_open(x, self->bname, XMSG_ACC_WRITE);
		CHILD_CHECK(pool > 0 && bx > 0, 11);
		CHILD_CHECK(xm_msg_get(x, pool, &m) == 0, 12);
		strcpy(m.body, "last words");
		CHILD_CHECK(xm_send(x, bx, m.handle, 0, 0, 0) == 0, 13);
		CHILD_CHECK(xt_put(c2p[1], 1) == 0, 14);
		pause();
		_exit(15);
	}
	ASSERT_EQ(0, xt_get(c2p[0], &v));
	ASSERT_EQ(0, xm_recv(self->x, self->bc, XM_NOWAIT, 0, &r));
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(1000 + SIGKILL, xt_wait(pid));
	/* withdrawn */
	ASSERT_EQ(-EAGAIN, xm_recv(self->x, self->bc, XM_NOWAIT, 0, &r2));
	ASSERT_EQ(-ENOENT, xm_bcast_clear(self->x, self->bc));
	/* but our proxy still holds the body */
	ASSERT_NE(NULL, r.body);
	ASSERT_STREQ("last words", (char *)r.body);
	ASSERT_EQ(0, xm_pool_info(self->x, self->pool, &in.u.pool));
	ASSERT_EQ((uint64_t)NBLK - 1, in.u.pool.free);
	ASSERT_EQ(0, xm_msg_rel(self->x, r.handle));
	ASSERT_EQ(0, XT_WAIT_INFO(self->x, self->pool, in,
				  in.u.pool.free == NBLK, 3000));
}

/* A client killed inside XMSG_IOC_CALL: the server can still answer (or is
 * told the reply exchange is gone); either way nothing leaks.
 */
/*
 * In a forked caller: a context of its own with the pool, the server's
 * exchange (write) and a private reply exchange.
 */
static struct xm *caller_open(FIXTURE_DATA(k9) *self, int *pool, int *q,
			      int *mine)
{
	struct xm *x;

	xm_close(self->x);
	CHILD_CHECK(xm_open(&x, NULL) == 0, 10);
	*pool = xm_pool_open(x, self->pname, XMSG_ACC_RDWR);
	*q = xm_xchg_open(x, self->qname, XMSG_ACC_WRITE);
	*mine = xm_xchg_create(x, NULL, XMSG_XCHG_KIND_NORMAL, 0, 0600, 0);
	CHILD_CHECK(*pool > 0 && *q > 0 && *mine > 0, 11);
	return x;
}

TEST_F(k9, killed_in_call)
{
	struct xm_msg req = { 0 };
	struct xmsg_info in;
	int ret;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct xm *x;
		struct xm_msg m, a = { 0 };
		int pool, q, mine;

		x = caller_open(self, &pool, &q, &mine);
		CHILD_CHECK(xm_msg_get(x, pool, &m) == 0, 12);
		xm_call(x, q, m.handle, 0, mine, mine, XM_FOREVER, 0, &a,
			NULL);
		_exit(13);
	}
	ASSERT_EQ(0, xm_recv(self->x, self->q, XM_MS(5000), 0, &req));
	ASSERT_NE(0U, req.reply);
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(1000 + SIGKILL, xt_wait(pid));
	ret = xm_send(self->x, req.reply, req.handle, 0, 0,
		      XMSG_SEND_CLOSE_XCHG);
	if (ret) {
		TH_LOG("reply after the client died: %s", strerror(-ret));
		ASSERT_EQ(0, xm_msg_rel(self->x, req.handle));
		ASSERT_EQ(0, xm_handle_close(self->x, req.reply));
	}
	ASSERT_EQ(0, XT_WAIT_INFO(self->x, self->pool, in,
				  in.u.pool.free == NBLK, 3000))
		TH_LOG("pool free %llu of %d", (unsigned long long)in.u.pool.free,
		       NBLK);
}

/* Killed while waiting in a batch call, after its sends went out. */
TEST_F(k9, killed_in_xfer)
{
	struct xm_msg req[3];
	struct xmsg_info in;
	int i, n;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct xmsg_xfer_send se[3];
		struct xm_msg m, got[4];
		struct xm *x;
		int pool, q, mine;

		x = caller_open(self, &pool, &q, &mine);
		memset(se, 0, sizeof(se));
		for (i = 0; i < 3; i++) {
			CHILD_CHECK(xm_msg_get(x, pool, &m) == 0, 12);
			se[i].xchg = q;
			se[i].msg = m.handle;
			se[i].reply = mine;
		}
		xm_xfer(x, se, 3, mine, got, 4, XM_FOREVER, NULL);
		_exit(13);
	}
	for (n = 0; n < 3; n++) {
		ASSERT_EQ(0, xm_recv(self->x, self->q, XM_MS(5000), 0, &req[n]));
		ASSERT_NE(0U, req[n].reply);
	}
	ASSERT_EQ(0, kill(pid, SIGKILL));
	ASSERT_EQ(1000 + SIGKILL, xt_wait(pid));
	for (i = 0; i < n; i++) {
		if (xm_send(self->x, req[i].reply, req[i].handle, 0, 0,
			    XMSG_SEND_CLOSE_XCHG)) {
			ASSERT_EQ(0, xm_msg_rel(self->x, req[i].handle));
			ASSERT_EQ(0, xm_handle_close(self->x, req[i].reply));
		}
	}
	ASSERT_EQ(0, XT_WAIT_INFO(self->x, self->pool, in,
				  in.u.pool.free == NBLK, 3000))
		TH_LOG("pool free %llu of %d", (unsigned long long)in.u.pool.free,
		       NBLK);
}

TEST_HARNESS_MAIN
