// SPDX-License-Identifier: GPL-2.0
/*
 * In-kernel benchmark of the xmsg ipc layer (make bench, perf kernel):
 *
 * - kthread ping-pong: a message goes A -> B through one normal exchange
 *   and back through another; compared with the same hand-off built from
 *   a wait_queue and a pointer slot, and with a pair of completions;
 * - broadcast: one message posted at a broadcast exchange to 1, 2, 4 and 8
 *   waiting kthreads, each of which receives its proxy (XMSG_RECV_NEWER),
 *   releases it and signals a threshold semaphore that lets the master
 *   post the next round;
 * - send ring drain: batches of 256 descriptors posted in a send ring
 *   (the test writes the shared memory as a sender would) and taken by
 *   one xmsg_txring_kick(), against the same messages got and sent one by
 *   one (xmsg_msg_get() + xmsg_xchg_send()); both then received and
 *   released one by one, timed apart; then the stream's own path: kicks
 *   of up to 64 into an exchange whose receive ring the test empties
 *   after each (every send takes back a spare and leases it again).
 *
 * Each figure is measured for box_ms milliseconds and printed as ns per
 * operation; ratios compare mechanisms measured in the same run (under
 * QEMU TCG only the ratios mean anything).  The cases only fail when a
 * mechanism stops working, never on speed.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/sched/task.h>
#include <linux/wait.h>
#include <linux/xmsg.h>
#include <xmsg/mm.h>
#include <xmsg/ipc.h>

static unsigned int box_ms = 500;
module_param(box_ms, uint, 0444);
MODULE_PARM_DESC(box_ms, "milliseconds per measurement (default 500)");

#define STOP_TAG	0xdeadU
#define BATCH		32	/* iterations between clock reads */
#define PASSES		3	/* interleaved passes per figure */
/* the timeout of a bench wait: 10 s from now */
#define BENCH_WAIT()	xmsg_wait_ns(10LL * NSEC_PER_SEC)

struct bench {
	struct xmsg_xchg *x_ab, *x_ba;
	wait_queue_head_t wq_a, wq_b;
	void *slot_ab, *slot_ba;
	struct completion c_ab, c_ba;
	struct xmsg_xchg *bcast;
	struct xmsg_sem *thresh;
	int ret;
};

/* Run @fn in a kthread; returns the task with a reference held. */
static struct task_struct *bench_thread(int (*fn)(void *), void *arg,
					int idx)
{
	struct task_struct *t = kthread_create(fn, arg, "xmsg-bench/%d", idx);

	if (!IS_ERR(t)) {
		get_task_struct(t);
		wake_up_process(t);
	}
	return t;
}

static int bench_join(struct task_struct *t)
{
	int ret = kthread_stop(t);

	put_task_struct(t);
	return ret;
}

/*
 * Measure: call @step until box_ms has passed; returns ns per step and
 * the number of steps in *@n, or 0 when a step failed.
 */
static u64 bench_box(struct bench *b, int (*step)(struct bench *b), u64 *n)
{
	u64 t0 = ktime_get_ns(), t, deadline = t0 + box_ms * NSEC_PER_MSEC;
	int i;

	*n = 0;
	do {
		for (i = 0; i < BATCH; i++)
			if (step(b))
				return 0;
		*n += BATCH;
		t = ktime_get_ns();
	} while (t < deadline);
	return div64_u64(t - t0, *n);
}

/* ---- ping-pong through two normal exchanges ------------------------- */

static int xchg_echo(void *arg)
{
	struct bench *b = arg;
	struct xmsg_msg *m;
	u32 tag;

	for (;;) {
		m = xmsg_xchg_recv(b->x_ab, NULL, BENCH_WAIT(), 0, NULL);
		if (IS_ERR(m))
			return PTR_ERR(m);
		tag = *(u32 *)m->body;
		if (xmsg_xchg_send(b->x_ba, m, NULL, 0))
			return -EIO;
		if (tag == STOP_TAG)
			break;
	}
	while (!kthread_should_stop())
		schedule_timeout_interruptible(1);
	return 0;
}

static struct xmsg_msg *bench_msg;

static int xchg_step(struct bench *b)
{
	struct xmsg_msg *m = bench_msg;

	if (xmsg_xchg_send(b->x_ab, m, NULL, 0))
		return -EIO;
	m = xmsg_xchg_recv(b->x_ba, NULL, BENCH_WAIT(), 0, NULL);
	if (IS_ERR(m))
		return PTR_ERR(m);
	bench_msg = m;
	return 0;
}

/* ---- ping-pong with a wait_queue and a pointer slot ----------------- */

static int wq_echo(void *arg)
{
	struct bench *b = arg;
	void *p;

	for (;;) {
		if (!wait_event_timeout(b->wq_b, READ_ONCE(b->slot_ab),
					10 * HZ))
			return -ETIMEDOUT;
		p = xchg(&b->slot_ab, NULL);
		WRITE_ONCE(b->slot_ba, p);
		wake_up(&b->wq_a);
		if (p == (void *)b)	/* stop */
			break;
	}
	while (!kthread_should_stop())
		schedule_timeout_interruptible(1);
	return 0;
}

static int wq_handoff(struct bench *b, void *p)
{
	WRITE_ONCE(b->slot_ab, p);
	wake_up(&b->wq_b);
	if (!wait_event_timeout(b->wq_a, READ_ONCE(b->slot_ba), 10 * HZ))
		return -ETIMEDOUT;
	return xchg(&b->slot_ba, NULL) == p ? 0 : -EIO;
}

static int wq_step(struct bench *b)
{
	return wq_handoff(b, bench_msg);
}

/* ---- ping-pong with two completions ---------------------------------- */

static int cpl_echo(void *arg)
{
	struct bench *b = arg;

	for (;;) {
		if (!wait_for_completion_timeout(&b->c_ab, 10 * HZ))
			return -ETIMEDOUT;
		complete(&b->c_ba);
		if (READ_ONCE(b->ret))	/* stop */
			break;
	}
	while (!kthread_should_stop())
		schedule_timeout_interruptible(1);
	return 0;
}

static int cpl_step(struct bench *b)
{
	complete(&b->c_ab);
	return wait_for_completion_timeout(&b->c_ba, 10 * HZ) ? 0 : -ETIMEDOUT;
}

struct pp_result {
	u64 ns, n;
};

static void bench_pingpong(struct kunit *test, const char *name,
			   int (*echo)(void *), int (*step)(struct bench *),
			   void (*stop)(struct bench *), struct bench *b,
			   struct pp_result *r)
{
	struct task_struct *t = bench_thread(echo, b, 0);

	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	r->ns = bench_box(b, step, &r->n);
	stop(b);
	KUNIT_EXPECT_EQ(test, bench_join(t), 0);
	KUNIT_EXPECT_NE_MSG(test, r->ns, 0ULL, "%s failed", name);
	pr_info("xmsg_ipc_bench: pingpong %-10s %8llu ns/round-trip (%llu round trips)\n",
		name, r->ns, r->n);
}

static void bench_best(struct pp_result *best, const struct pp_result *r)
{
	if (r->ns && (!best->ns || r->ns < best->ns))
		*best = *r;
}

static void xchg_stop(struct bench *b)
{
	*(u32 *)bench_msg->body = STOP_TAG;
	xchg_step(b);
	*(u32 *)bench_msg->body = 0;
}

static void wq_stop(struct bench *b)
{
	wq_handoff(b, b);
}

static void cpl_stop(struct bench *b)
{
	WRITE_ONCE(b->ret, 1);
	cpl_step(b);
}

static struct xmsg_pool *bench_pool(struct kunit *test)
{
	struct xmsg_pool_params p = {
		.name = "bench", .block_size = 64, .count = 16,
	};
	struct xmsg_pool *pool = xmsg_pool_create(&p);

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pool);
	return pool;
}

static void bench_ipc_pingpong(struct kunit *test)
{
	struct bench *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	struct pp_result rx = {}, rw = {}, rc = {}, r;
	struct xmsg_pool *pool;
	int pass;

	KUNIT_ASSERT_NOT_NULL(test, b);
	pool = bench_pool(test);
	bench_msg = xmsg_msg_get(pool, NULL, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, bench_msg);
	*(u32 *)bench_msg->body = 0;
	b->x_ab = xmsg_xchg_create("bench-ab", XMSG_XCHG_KIND_NORMAL, 0);
	b->x_ba = xmsg_xchg_create("bench-ba", XMSG_XCHG_KIND_NORMAL, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b->x_ab);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b->x_ba);
	init_waitqueue_head(&b->wq_a);
	init_waitqueue_head(&b->wq_b);
	init_completion(&b->c_ab);
	init_completion(&b->c_ba);

	/* interleaved passes, best of each: robust against a noisy host */
	for (pass = 0; pass < PASSES; pass++) {
		bench_pingpong(test, "exchange", xchg_echo, xchg_step,
			       xchg_stop, b, &r);
		bench_best(&rx, &r);
		bench_pingpong(test, "waitqueue", wq_echo, wq_step, wq_stop,
			       b, &r);
		bench_best(&rw, &r);
		WRITE_ONCE(b->ret, 0);
		reinit_completion(&b->c_ab);
		reinit_completion(&b->c_ba);
		bench_pingpong(test, "completion", cpl_echo, cpl_step,
			       cpl_stop, b, &r);
		bench_best(&rc, &r);
	}
	pr_info("xmsg_ipc_bench: pingpong best of %d: exchange %llu waitqueue %llu completion %llu ns/round-trip\n",
		PASSES, rx.ns, rw.ns, rc.ns);
	if (rw.ns && rc.ns)
		pr_info("xmsg_ipc_bench: pingpong ratio exchange/waitqueue %llu.%02llu exchange/completion %llu.%02llu\n",
			div64_u64(rx.ns, rw.ns),
			div64_u64(rx.ns * 100, rw.ns) % 100,
			div64_u64(rx.ns, rc.ns),
			div64_u64(rx.ns * 100, rc.ns) % 100);
	xmsg_xchg_destroy(b->x_ab);
	xmsg_xchg_destroy(b->x_ba);
	xmsg_msg_rel(bench_msg);
	KUNIT_EXPECT_EQ(test, xmsg_pool_destroy(pool), 0);
}

/* ---- broadcast to n waiters ------------------------------------------ */

static int bcast_slave(void *arg)
{
	struct bench *b = arg;
	struct xmsg_msg *p;
	u64 gen = 0;
	u32 tag;

	for (;;) {
		p = xmsg_xchg_recv(b->bcast, NULL, BENCH_WAIT(), XMSG_RECV_NEWER,
				   &gen);
		if (IS_ERR(p))
			return PTR_ERR(p);
		tag = *(u32 *)p->body;
		xmsg_msg_rel(p);
		if (tag == STOP_TAG)
			break;
		if (xmsg_sem_signal(b->thresh))
			return -EIO;
	}
	while (!kthread_should_stop())
		schedule_timeout_interruptible(1);
	return 0;
}

static int bcast_step(struct bench *b)
{
	if (xmsg_xchg_send(b->bcast, bench_msg, NULL, 0))
		return -EIO;
	return xmsg_sem_wait(b->thresh, BENCH_WAIT());
}

static u64 bench_bcast_n(struct kunit *test, struct bench *b, int n)
{
	struct task_struct *t[8];
	u64 ns, rounds;
	int i;

	b->bcast = xmsg_xchg_create("bench-bcast", XMSG_XCHG_KIND_BCAST, 0);
	b->thresh = xmsg_sem_create("bench-thresh", XMSG_SEM_KIND_THRESHOLD, 0, n);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b->bcast);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, b->thresh);
	for (i = 0; i < n; i++) {
		t[i] = bench_thread(bcast_slave, b, i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(t[i]));
	}
	*(u32 *)bench_msg->body = 0;
	ns = bench_box(b, bcast_step, &rounds);
	*(u32 *)bench_msg->body = STOP_TAG;
	KUNIT_EXPECT_EQ(test, xmsg_xchg_send(b->bcast, bench_msg, NULL, 0), 0);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, bench_join(t[i]), 0);
	KUNIT_EXPECT_NE(test, ns, 0ULL);
	pr_info("xmsg_ipc_bench: broadcast to %d waiters %8llu ns/round %8llu ns/receiver (%llu rounds)\n",
		n, ns, div64_u64(ns, n), rounds);
	xmsg_xchg_destroy(b->bcast);
	xmsg_sem_destroy(b->thresh);
	return ns;
}

static void bench_ipc_broadcast(struct kunit *test)
{
	struct bench *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	static const int ns[] = { 1, 2, 4, 8 };
	struct xmsg_pool *pool;
	u64 best[ARRAY_SIZE(ns)] = {}, r;
	int i, pass;

	KUNIT_ASSERT_NOT_NULL(test, b);
	pool = bench_pool(test);
	bench_msg = xmsg_msg_get(pool, NULL, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, bench_msg);
	for (pass = 0; pass < PASSES; pass++)
		for (i = 0; i < ARRAY_SIZE(ns); i++) {
			r = bench_bcast_n(test, b, ns[i]);
			if (r && (!best[i] || r < best[i]))
				best[i] = r;
		}
	for (i = 0; i < ARRAY_SIZE(ns); i++) {
		pr_info("xmsg_ipc_bench: broadcast best of %d: %d waiters %llu ns/round %llu ns/receiver\n",
			PASSES, ns[i], best[i], div64_u64(best[i], ns[i]));
		if (best[0] && best[i])
			pr_info("xmsg_ipc_bench: broadcast ratio %d/1 waiters %llu.%02llu\n",
				ns[i], div64_u64(best[i], best[0]),
				div64_u64(best[i] * 100, best[0]) % 100);
	}
	xmsg_msg_rel(bench_msg);
	KUNIT_EXPECT_EQ(test, xmsg_pool_destroy(pool), 0);
}

/* ---- send ring drain ------------------------------------------------- */

#define TX_BATCH	256

struct tx_bench {
	struct xmsg_pool *pool;
	struct xmsg_xchg *xchg;
	struct xmsg_txring *ring;
	struct xmsg_txring_hdr *hdr;
	struct xmsg_txring_desc *send;
	u64 *fill;
	u32 prod, fcons;
	u64 kick_ns, get_ns, recv_ns, n_tx, n_get, n_recv;
};

/* Receive and release @n messages; false when one is missing. */
static bool tx_recv(struct tx_bench *t, u32 n)
{
	u64 t0 = ktime_get_ns();
	struct xmsg_msg *m;
	u32 i;

	for (i = 0; i < n; i++) {
		m = xmsg_xchg_recv(t->xchg, NULL, 0, 0, NULL);
		if (IS_ERR(m))
			return false;
		xmsg_msg_rel(m);
	}
	t->recv_ns += ktime_get_ns() - t0;
	t->n_recv += n;
	return true;
}

/* Write a descriptor of 64 bytes at @offset. */
static void bench_desc(struct xmsg_txring_desc *d, u64 offset)
{
	d->offset = offset;
	d->len = 64;
	d->prio = 0;
	d->flags = 0;
}

/*
 * Publish the descriptors up to @prod and kick, adding the kick's time to
 * *@ns; the completions are not looked at but marked read.  Return: the
 * number sent, and refused in *@refused.
 */
static u32 bench_kick(struct xmsg_txring *ring, struct xmsg_txring_hdr *hdr,
		      u32 prod, u64 *ns, u32 *refused)
{
	u32 sent;
	u64 t0;

	/* the descriptors before the index, as a sender's store-release */
	smp_store_release(&hdr->send_producer, prod);
	t0 = ktime_get_ns();
	xmsg_txring_kick(ring, true, &sent, refused);
	*ns += ktime_get_ns() - t0;
	WRITE_ONCE(hdr->comp_consumer, READ_ONCE(hdr->comp_producer));
	return sent;
}

/* Post a batch from the fill ring and kick; false on a short drain. */
static bool tx_kick_batch(struct tx_bench *t)
{
	u32 sent, refused, i;

	for (i = 0; i < TX_BATCH; i++) {
		if (READ_ONCE(t->hdr->fill_producer) == t->fcons)
			return false;
		bench_desc(&t->send[t->prod++ % TX_BATCH],
			   t->fill[t->fcons++ % TX_BATCH]);
	}
	sent = bench_kick(t->ring, t->hdr, t->prod, &t->kick_ns, &refused);
	t->n_tx += sent;
	return sent == TX_BATCH && tx_recv(t, sent);
}

/* The same messages got and sent one by one; false on a failure. */
static bool tx_get_batch(struct tx_bench *t)
{
	struct xmsg_msg *m;
	u64 t0 = ktime_get_ns();
	u32 i;

	for (i = 0; i < TX_BATCH; i++) {
		m = xmsg_msg_get(t->pool, NULL, GFP_KERNEL);
		if (IS_ERR(m))
			return false;
		xmsg_msg_set_length(m, 64);
		if (xmsg_xchg_send(t->xchg, m, NULL, 0)) {
			xmsg_msg_rel(m);
			return false;
		}
	}
	t->get_ns += ktime_get_ns() - t0;
	t->n_get += TX_BATCH;
	return tx_recv(t, TX_BATCH);
}

/*
 * The stream's path: a send ring to an exchange whose receive ring a
 * reader empties after every kick (its consumer index moved to the
 * producer's), so each send takes back the spare it leases again.
 */
#define RX_BATCH	64

struct rx_bench {
	struct xmsg_pool *pool;
	struct xmsg_xchg *xchg;
	struct xmsg_ring *rring;
	struct xmsg_ring_hdr *rhdr;
	struct xmsg_txring *ring;
	struct xmsg_txring_hdr *hdr;
	struct xmsg_txring_desc *send;
	u64 *fill;
	u32 prod, fcons;
	u64 ns, n;
};

/* Post every block the fill ring holds, kick, read the receive ring. */
static int rx_kick_batch(struct rx_bench *t)
{
	u32 sent, refused, prod, n = 0;

	while (READ_ONCE(t->hdr->fill_producer) != t->fcons) {
		bench_desc(&t->send[t->prod++ % RX_BATCH],
			   t->fill[t->fcons++ % RX_BATCH]);
		n++;
	}
	sent = bench_kick(t->ring, t->hdr, t->prod, &t->ns, &refused);
	t->n += sent;
	/* the reader: every entry read; pairs with the ring's release */
	prod = smp_load_acquire(&t->rhdr->producer);
	/* the reads of the entries before the index that frees them */
	smp_store_release(&t->rhdr->consumer, prod);
	return sent == n && !refused ? 0 : -EIO;
}

/* ns per descriptor of kicks into a receive ring, 0 on failure */
static u64 bench_txring_to_ring(struct kunit *test)
{
	struct xmsg_pool_params p = {
		.name = "bench-rx", .block_size = 64, .count = 2 * RX_BATCH,
	};
	struct rx_bench *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	u64 map, so, co, fo, deadline, ns = 0;
	u32 sent, refused;
	int err;

	if (!t)
		return 0;
	t->pool = xmsg_pool_create(&p);
	if (IS_ERR(t->pool))
		return 0;
	t->xchg = xmsg_xchg_create("bench-rx", XMSG_XCHG_KIND_NORMAL, 0);
	if (IS_ERR(t->xchg))
		goto out_pool;
	t->rring = xmsg_ring_create(2 * RX_BATCH, 1, 0);
	if (IS_ERR(t->rring))
		goto out_xchg;
	err = xmsg_ring_attach(t->rring, t->xchg, t->pool);
	if (err)
		goto out_rring;
	t->rhdr = xmsg_ring_hdr(t->rring);
	t->ring = xmsg_txring_create(t->xchg, t->pool, RX_BATCH, RX_BATCH);
	if (IS_ERR(t->ring))
		goto out_rring;
	xmsg_txring_layout(t->ring, &map, &so, &co, &fo);
	t->hdr = xmsg_txring_hdr(t->ring);
	t->send = (void *)t->hdr + so;
	t->fill = (void *)t->hdr + fo;
	xmsg_txring_kick(t->ring, true, &sent, &refused);	/* leases */
	deadline = ktime_get_ns() + box_ms * NSEC_PER_MSEC;
	do {
		err = rx_kick_batch(t);
	} while (!err && ktime_get_ns() < deadline);
	if (!err && t->n)
		ns = div64_u64(t->ns, t->n);
	pr_info("xmsg_ipc_bench: txring kick into a receive ring %llu ns/descriptor (batches of up to %d, %llu sent)\n",
		ns, RX_BATCH, t->n);
	xmsg_txring_destroy(t->ring);
out_rring:
	xmsg_ring_destroy(t->rring);
out_xchg:
	xmsg_xchg_destroy(t->xchg);
out_pool:
	KUNIT_EXPECT_EQ(test, xmsg_pool_destroy(t->pool), 0);
	return ns;
}

static void bench_ipc_txring(struct kunit *test)
{
	struct xmsg_pool_params p = {
		.name = "bench-tx", .block_size = 64, .count = 2 * TX_BATCH,
	};
	struct tx_bench *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	u64 map, so, co, fo, deadline, kick, get, recv;
	u32 sent, refused;
	int pass;

	KUNIT_ASSERT_NOT_NULL(test, t);
	t->pool = xmsg_pool_create(&p);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t->pool);
	t->xchg = xmsg_xchg_create("bench-tx", XMSG_XCHG_KIND_NORMAL, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t->xchg);
	t->ring = xmsg_txring_create(t->xchg, t->pool, TX_BATCH, TX_BATCH);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, t->ring);
	xmsg_txring_layout(t->ring, &map, &so, &co, &fo);
	t->hdr = xmsg_txring_hdr(t->ring);
	t->send = (void *)t->hdr + so;
	t->fill = (void *)t->hdr + fo;
	xmsg_txring_kick(t->ring, true, &sent, &refused);	/* leases */
	KUNIT_ASSERT_EQ(test, xmsg_txring_leased(t->ring), TX_BATCH);

	/* interleaved passes: a box of kicks, then a box of get+send */
	for (pass = 0; pass < 2 * PASSES; pass++) {
		deadline = ktime_get_ns() + box_ms * NSEC_PER_MSEC / 2;
		do {
			KUNIT_ASSERT_TRUE(test, pass & 1 ? tx_get_batch(t) :
					  tx_kick_batch(t));
		} while (ktime_get_ns() < deadline);
	}
	kick = div64_u64(t->kick_ns, t->n_tx);
	get = div64_u64(t->get_ns, t->n_get);
	recv = div64_u64(t->recv_ns, t->n_recv);
	pr_info("xmsg_ipc_bench: txring kick %llu ns/descriptor (batches of %d, %llu sent), get+send %llu ns/message, recv+release %llu ns/message\n",
		kick, TX_BATCH, t->n_tx, get, recv);
	if (get)
		pr_info("xmsg_ipc_bench: txring ratio kick/get+send %llu.%02llu\n",
			div64_u64(kick, get), div64_u64(kick * 100, get) % 100);
	xmsg_txring_destroy(t->ring);
	xmsg_xchg_destroy(t->xchg);
	KUNIT_EXPECT_EQ(test, xmsg_pool_destroy(t->pool), 0);
	KUNIT_EXPECT_NE(test, bench_txring_to_ring(test), 0ULL);
}

static struct kunit_case xmsg_ipc_bench_cases[] = {
	KUNIT_CASE(bench_ipc_pingpong),
	KUNIT_CASE(bench_ipc_broadcast),
	KUNIT_CASE(bench_ipc_txring),
	{}
};

static struct kunit_suite xmsg_ipc_bench_suite = {
	.name = "xmsg_ipc_bench",
	.test_cases = xmsg_ipc_bench_cases,
};

kunit_test_suite(xmsg_ipc_bench_suite);

MODULE_DESCRIPTION("xmsg ipc benchmark: exchange ping-pong, broadcast fan-out, send ring drain");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(XMSG_NS);
