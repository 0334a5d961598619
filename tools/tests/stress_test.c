// SPDX-License-Identifier: GPL-2.0
/*
 * 16 processes hammer one exchange: 8 senders number their messages, 8
 * receivers take them.  Every message must arrive exactly once, unchanged,
 * in order per (sender, priority) as seen by each receiver, and afterwards
 * the exchange's sent/received counters balance and the pool is full.
 * XMSG_STRESS_SECONDS sets the sending time (default 3), counted from when
 * all 16 processes are running; every sender sends at least MINSEQ.
 */
#include <sched.h>
#include <sys/mman.h>
#include "kselftest_harness.h"
#include "xm_test.h"

#define SENDERS		8
#define RECEIVERS	8
#define MAXSEQ		100000
#define NBLK		256
#define STOP		0xffffffffu

struct item {
	uint32_t sender;
	uint32_t seq;
	uint32_t prio;
	uint32_t csum;
};

/* shared by all processes (MAP_SHARED | MAP_ANONYMOUS) */
struct shared {
	uint8_t seen[SENDERS][MAXSEQ];
	uint32_t sent[SENDERS];
	uint32_t bad[RECEIVERS];	/* corrupt or out-of-order messages */
	uint32_t got[RECEIVERS];
	uint32_t nobufs;		/* times a sender found the pool empty */
	uint32_t ready;			/* processes started */
	uint32_t go;			/* set once all are ready */
	double until;			/* senders stop sending then */
	int batch;			/* XMSG_IOC_XFER batches */
};

#define MINSEQ	20	/* every sender sends at least this many */

/* All 16 processes start together: forks are slow under TCG + KASAN. */
static void start_line(struct shared *sh)
{
	__atomic_fetch_add(&sh->ready, 1, __ATOMIC_SEQ_CST);
	while (!__atomic_load_n(&sh->go, __ATOMIC_ACQUIRE))
		usleep(1000);
}

static uint32_t csum(uint32_t s, uint32_t q)
{
	return (s * 2654435761u) ^ (q * 40503u) ^ 0x5eed;
}

FIXTURE(stress) {
	struct xm *x;
	int pool, xchg;
	char pname[XMSG_NAME_MAX], xname[XMSG_NAME_MAX];
	struct shared *sh;
};

FIXTURE_SETUP(stress)
{
	ASSERT_EQ(0, xm_open(&self->x, NULL)) TH_LOG("no /dev/xmsg?");
	self->pool = xm_pool_create(self->x, xt_name(self->pname, "pool"),
				    sizeof(struct item), NBLK, 0600,
				    XMSG_CREATE_EXCL);
	ASSERT_LT(0, self->pool);
	self->xchg = xm_xchg_create(self->x, xt_name(self->xname, "xchg"),
				    XMSG_XCHG_KIND_NORMAL, 0, 0600,
				    XMSG_CREATE_EXCL);
	ASSERT_LT(0, self->xchg);
	self->sh = mmap(NULL, sizeof(*self->sh), PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, self->sh);
}

FIXTURE_TEARDOWN(stress)
{
	if (!self->x)
		return;
	xm_destroy(self->x, self->xchg);
	xm_pool_destroy(self->x, self->pool);
	xm_close(self->x);
}

static struct xm *child_ctx(FIXTURE_DATA(stress) *self, int *pool,
			    int *xchg, uint32_t acc)
{
	struct xm *x;

	xm_close(self->x);
	CHILD_CHECK(xm_open(&x, NULL) == 0, 10);
	*pool = xm_pool_open(x, self->pname, XMSG_ACC_RDWR);
	*xchg = xm_xchg_open(x, self->xname, acc);
	CHILD_CHECK(*pool > 0 && *xchg > 0, 11);
	return x;
}

/* Batches: up to 4 messages written, then sent in one XMSG_IOC_XFER. */
static void sender_batch(FIXTURE_DATA(stress) *self, uint32_t id,
			 struct xm *x, int pool, int xchg)
{
	struct shared *sh = self->sh;
	struct xmsg_xfer_send se[4];
	unsigned int n, done, sent;
	struct xm_msg m;
	struct item *it;
	uint32_t seq = 0;
	int ret;

	while (seq < MAXSEQ && (seq < MINSEQ || xt_now() < sh->until)) {
		memset(se, 0, sizeof(se));
		for (n = 0; n < 4 && seq + n < MAXSEQ; ) {
			ret = xm_msg_get(x, pool, &m);
			if (ret == -ENOBUFS && n)
				break;
			if (ret == -ENOBUFS) {
				__atomic_fetch_add(&sh->nobufs, 1,
						   __ATOMIC_RELAXED);
				usleep(200);
				continue;
			}
			CHILD_CHECK(ret == 0 && m.body, 20);
			it = m.body;
			it->sender = id;
			it->seq = seq + n;
			it->prio = it->seq % 4;
			it->csum = csum(id, it->seq);
			se[n].xchg = xchg;
			se[n].msg = m.handle;
			se[n].prio = it->prio;
			n++;
		}
		for (done = 0; done < n; done += sent) {
			ret = xm_xfer(x, se + done, n - done, 0, NULL, 0, 0,
				      &sent);
			if (ret == -ENOSPC)
				sched_yield();
			else
				CHILD_CHECK(ret == 0 && sent == n - done, 21);
		}
		seq += n;
		sh->sent[id] = seq;
	}
	xm_close(x);
	_exit(0);
}

static void sender(FIXTURE_DATA(stress) *self, uint32_t id)
{
	struct shared *sh = self->sh;
	struct xm_msg m;
	struct item *it;
	int pool, xchg, ret;
	struct xm *x = child_ctx(self, &pool, &xchg, XMSG_ACC_WRITE);
	uint32_t seq;

	start_line(sh);
	if (sh->batch)
		sender_batch(self, id, x, pool, xchg);
	for (seq = 0; seq < MAXSEQ && (seq < MINSEQ || xt_now() < sh->until);
	     seq++) {
		/* pool empty: give the receivers the CPU for a moment */
		while ((ret = xm_msg_get(x, pool, &m)) == -ENOBUFS) {
			__atomic_fetch_add(&sh->nobufs, 1, __ATOMIC_RELAXED);
			usleep(200);
		}
		CHILD_CHECK(ret == 0 && m.body, 20);
		it = m.body;
		it->sender = id;
		it->seq = seq;
		it->prio = seq % 4;
		it->csum = csum(id, seq);
		/* a full queue is -ENOSPC (older kernels: -ENOBUFS) */
		while ((ret = xm_send(x, xchg, m.handle, it->prio, 0, 0)) ==
		       -ENOSPC || ret == -ENOBUFS)
			sched_yield();
		CHILD_CHECK(ret == 0, 21);
		sh->sent[id] = seq + 1;
	}
	xm_close(x);
	_exit(0);
}

static void receiver(FIXTURE_DATA(stress) *self, uint32_t id)
{
	int64_t last[SENDERS][4];
	struct shared *sh = self->sh;
	struct xm_msg m = { 0 }, ms[8];
	const struct item *it;
	int pool, xchg, s, p, n = 0, k = 0;
	struct xm *x = child_ctx(self, &pool, &xchg, XMSG_ACC_READ);

	for (s = 0; s < SENDERS; s++)
		for (p = 0; p < 4; p++)
			last[s][p] = -1;
	start_line(sh);
	for (;;) {
		if (!sh->batch || k == n) {	/* the next message or batch */
			n = sh->batch ? xm_xfer(x, NULL, 0, xchg, ms, 8,
						XM_MS(30000), NULL) :
					xm_recv(x, xchg, XM_MS(30000), 0, &ms[0]);
			CHILD_CHECK(sh->batch ? n > 0 : n == 0, 30);
			n = sh->batch ? n : 1;
			k = 0;
		}
		m = ms[k++];
		CHILD_CHECK(m.body != NULL, 31);
		it = m.body;
		if (it->sender == STOP)
			break;
		if (it->sender >= SENDERS || it->seq >= MAXSEQ ||
		    it->csum != csum(it->sender, it->seq) ||
		    it->prio != m.prio || it->prio != it->seq % 4 ||
		    (int64_t)it->seq <= last[it->sender][it->prio]) {
			sh->bad[id]++;
		} else {
			last[it->sender][it->prio] = it->seq;
			__atomic_fetch_add(&sh->seen[it->sender][it->seq], 1,
					   __ATOMIC_RELAXED);
			sh->got[id]++;
		}
		CHILD_CHECK(xm_msg_rel(x, m.handle) == 0, 32);
	}
	CHILD_CHECK(xm_msg_rel(x, m.handle) == 0 && k == n, 33);
	xm_close(x);
	_exit(0);
}

static void run_stress(struct __test_metadata *_metadata,
		       FIXTURE_DATA(stress) *self, int batch)
{
	const char *env = getenv("XMSG_STRESS_SECONDS");
	double secs = env ? atof(env) : batch ? 1.5 : 3.0;
	pid_t snd[SENDERS], rcv[RECEIVERS];
	uint64_t total = 0, got = 0;
	struct xmsg_info in;
	struct xm_msg m;
	struct item *it;
	uint32_t s, q;
	int i;

	self->sh->batch = batch;
	for (i = 0; i < RECEIVERS; i++) {
		rcv[i] = fork();
		ASSERT_LE(0, rcv[i]);
		if (rcv[i] == 0)
			receiver(self, i);
	}
	for (i = 0; i < SENDERS; i++) {
		snd[i] = fork();
		ASSERT_LE(0, snd[i]);
		if (snd[i] == 0)
			sender(self, i);
	}
	for (i = 0; i < 120000 && __atomic_load_n(&self->sh->ready,
		    __ATOMIC_SEQ_CST) < SENDERS + RECEIVERS; i++)
		xt_sleep_ms(1);
	ASSERT_EQ((uint32_t)(SENDERS + RECEIVERS), self->sh->ready);
	self->sh->until = xt_now() + secs;
	__atomic_store_n(&self->sh->go, 1, __ATOMIC_RELEASE);
	for (i = 0; i < SENDERS; i++)
		ASSERT_EQ(0, xt_wait(snd[i]));
	/*
	 * One stop marker per receiver, at the lowest priority: behind all.
	 * A batch receiver could take several at once: then one at a time,
	 * each after the previous receiver has gone.
	 */
	for (i = 0; i < RECEIVERS; i++) {
		int ret, st;

		while ((ret = xm_msg_get(self->x, self->pool, &m)) ==
		       -ENOBUFS)
			xt_sleep_ms(1);
		ASSERT_EQ(0, ret);
		it = m.body;
		it->sender = STOP;
		ASSERT_EQ(0, xm_send(self->x, self->xchg, m.handle, 0, 0, 0));
		if (batch) {
			ASSERT_LT(0, waitpid(-1, &st, 0));
			ASSERT_TRUE(WIFEXITED(st) && !WEXITSTATUS(st));
		}
	}
	for (i = 0; !batch && i < RECEIVERS; i++)
		ASSERT_EQ(0, xt_wait(rcv[i]));

	for (i = 0; i < RECEIVERS; i++) {
		EXPECT_EQ(0U, self->sh->bad[i]) TH_LOG("receiver %d", i);
		got += self->sh->got[i];
	}
	for (s = 0; s < SENDERS; s++) {
		total += self->sh->sent[s];
		EXPECT_LT(0U, self->sh->sent[s]) TH_LOG("sender %u idle", s);
		for (q = 0; q < MAXSEQ; q++) {
			uint8_t want = q < self->sh->sent[s];

			if (self->sh->seen[s][q] != want) {
				ASSERT_EQ(want, self->sh->seen[s][q])
					TH_LOG("sender %u seq %u seen %u times",
					       s, q, self->sh->seen[s][q]);
			}
		}
	}
	ASSERT_EQ(total, got);
	TH_LOG("%llu messages in %.1f s, pool empty %u times",
	       (unsigned long long)total, secs, self->sh->nobufs);
	ASSERT_EQ(0, xm_info(self->x, self->xchg, &in));
	ASSERT_EQ(total + RECEIVERS, in.u.xchg.sent);
	ASSERT_EQ(in.u.xchg.sent, in.u.xchg.received);
	ASSERT_EQ(0U, in.u.xchg.queued);
	ASSERT_EQ(0U, in.u.xchg.waiters);
	ASSERT_EQ(0, XT_WAIT_INFO(self->x, self->pool, in,
				  in.u.pool.free == NBLK, 3000));
	ASSERT_EQ(0U, in.u.pool.bad_rels);
}

TEST_F_TIMEOUT(stress, sixteen_processes_one_exchange, 300)
{
	run_stress(_metadata, self, 0);
}

/* The same with XMSG_IOC_XFER: senders send 4 at a time, receivers take 8 */
TEST_F_TIMEOUT(stress, sixteen_processes_batches, 300)
{
	run_stress(_metadata, self, 1);
}

TEST_HARNESS_MAIN
