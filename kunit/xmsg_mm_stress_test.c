// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: xmsg mm under concurrency.  Several kthreads get, release, make,
 * unmake, proxy and pass messages to each other through shared slots on
 * the same pools and heap, while an hrtimer (hard IRQ) gets and releases
 * bare blocks.  Every counter must balance at the end.  Then blocks got
 * and released across CPUs, with exact counters, and two CPUs racing to
 * release the same block.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <xmsg/mm.h>

#define NTHREADS	4
#define NSLOTS		16
#define HOLD		8
#define RUN_MS		3000

struct stress {
	struct xmsg_pool *small;
	struct xmsg_pool *big;
	struct xmsg_heap *heap;
	atomic_long_t slots[NSLOTS];
	atomic_t ext_live;
	atomic_long_t ops;
	/* hrtimer side */
	struct hrtimer timer;
	void *irq_held[HOLD];
	unsigned int irq_n;
	unsigned long irq_ops;
	unsigned long irq_hard;
	unsigned long irq_bad_expected;
	unsigned long irq_bad_seen;
	bool irq_stop;
};

struct worker {
	struct stress *s;
	struct xmsg_owner owner;
	u32 rnd;
	unsigned long errors;
	char name[16];
};

static u32 rnd(struct worker *w)
{
	u32 x = w->rnd;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	w->rnd = x;
	return x;
}

static void ext_release(void *ctx)
{
	struct stress *s = ctx;

	atomic_dec(&s->ext_live);
}

/* Hand a message to another thread (or take one): ownership via NULL. */
static void swap_slot(struct worker *w, struct xmsg_msg *msg)
{
	struct stress *s = w->s;
	struct xmsg_msg *old;
	int i = rnd(w) % NSLOTS;

	if (msg && xmsg_msg_set_owner(msg, &w->owner, NULL))
		w->errors++;
	old = (struct xmsg_msg *)atomic_long_xchg(&s->slots[i],
						  (long)msg);
	if (!old)
		return;
	if (xmsg_msg_set_owner(old, NULL, &w->owner))
		w->errors++;
	if (rnd(w) % 2 && xmsg_msg_rel(old))
		w->errors++;
}

static void op_bare(struct worker *w)
{
	struct xmsg_pool *pool = rnd(w) % 2 ? w->s->small : w->s->big;
	void *b[4];
	int i, n = 1 + rnd(w) % 4;

	for (i = 0; i < n; i++)
		b[i] = xmsg_block_get(pool);
	for (i = 0; i < n; i++)
		if (b[i] && xmsg_block_rel(pool, b[i]))
			w->errors++;
}

static void op_bcb(struct worker *w)
{
	struct xmsg_bcb *b = xmsg_bcb_get(w->s->big, &w->owner, GFP_KERNEL);

	if (IS_ERR(b))
		return;
	if (rnd(w) % 4 == 0)
		return;	/* left for release_all */
	if (xmsg_bcb_rel(b))
		w->errors++;
}

static void op_make_chain(struct worker *w)
{
	struct xmsg_pool *pool = w->s->small, *back = NULL;
	struct xmsg_msg *msg;
	struct xmsg_bcb *bcb;
	void *dbp = xmsg_block_get(pool);

	if (!dbp)
		return;
	msg = xmsg_msg_make(pool, dbp, &w->owner, GFP_KERNEL);
	if (IS_ERR(msg)) {
		w->errors++;
		xmsg_block_rel(pool, dbp);
		return;
	}
	if (xmsg_msg_unmake(msg, &back) != dbp || back != pool)
		w->errors++;
	bcb = xmsg_bcb_make(pool, dbp, &w->owner, GFP_KERNEL);
	if (IS_ERR(bcb)) {
		w->errors++;
		xmsg_block_rel(pool, dbp);
		return;
	}
	if (xmsg_bcb_unmake(bcb, NULL) != dbp)
		w->errors++;
	if (xmsg_block_rel(pool, dbp))
		w->errors++;
}

static struct xmsg_msg *new_real(struct worker *w)
{
	struct stress *s = w->s;
	struct xmsg_ext_body ext = { .release = ext_release, .ctx = s };
	static char ext_body[256];
	struct xmsg_msg *msg;

	switch (rnd(w) % 3) {
	case 0:
		return xmsg_msg_get(s->small, &w->owner, GFP_KERNEL);
	case 1:
		return xmsg_msg_get_heap(s->heap, 1 + rnd(w) % 300, &w->owner,
					 GFP_KERNEL);
	default:
		atomic_inc(&s->ext_live);
		msg = xmsg_msg_make_ext(ext_body, sizeof(ext_body), &ext,
					&w->owner, GFP_KERNEL);
		if (IS_ERR(msg))
			atomic_dec(&s->ext_live);
		return msg;
	}
}

static void op_proxies(struct worker *w)
{
	struct xmsg_msg *m[4];
	int i, n = 1, first;

	m[0] = new_real(w);
	if (IS_ERR(m[0]))
		return;
	for (i = 1; i < 4; i++) {
		struct xmsg_msg *src = m[rnd(w) % n];
		size_t len = 1 + rnd(w) % src->size;

		m[n] = xmsg_msg_make_proxy(src, src->size - len, len,
					   &w->owner, GFP_KERNEL);
		if (IS_ERR(m[n]))
			w->errors++;
		else
			n++;
	}
	/* release in a random order, hand one over to another thread */
	first = rnd(w) % n;
	for (i = 0; i < n; i++) {
		struct xmsg_msg *msg = m[(first + i) % n];

		if (i == n - 1 && rnd(w) % 2)
			swap_slot(w, msg);
		else if (xmsg_msg_rel(msg))
			w->errors++;
	}
}

static int worker_fn(void *arg)
{
	struct worker *w = arg;

	while (!kthread_should_stop()) {
		switch (rnd(w) % 5) {
		case 0:
			op_bare(w);
			break;
		case 1:
			op_bcb(w);
			break;
		case 2:
			op_make_chain(w);
			break;
		case 3:
			op_proxies(w);
			break;
		default:
			swap_slot(w, NULL);
			/* like a file closing: drop leftover BCBs, messages */
			if (rnd(w) % 16 == 0)
				xmsg_owner_release_all(&w->owner);
			break;
		}
		atomic_long_inc(&w->s->ops);
		cond_resched();
	}
	return 0;
}

static enum hrtimer_restart irq_fn(struct hrtimer *t)
{
	struct stress *s = container_of(t, struct stress, timer);
	unsigned int i = s->irq_n++ % HOLD;
	void *b;

	if (in_hardirq())
		s->irq_hard++;
	if (s->irq_held[i]) {
		b = s->irq_held[i];
		/* every 64th: a misaligned release from hard IRQ, refused */
		if (s->irq_n % 64 == 0) {
			s->irq_bad_expected++;
			if (xmsg_block_rel(s->small, b + 1) != -EINVAL)
				s->irq_bad_seen += 1000;
		}
		if (xmsg_block_rel(s->small, b))
			s->irq_bad_seen++;
	}
	s->irq_held[i] = xmsg_block_get(s->small);
	s->irq_ops++;
	if (READ_ONCE(s->irq_stop))
		return HRTIMER_NORESTART;
	hrtimer_forward_now(t, ns_to_ktime(100 * NSEC_PER_USEC));
	return HRTIMER_RESTART;
}

static void check_pool(struct kunit *test, struct xmsg_pool *pool,
		       u64 bad_expected)
{
	struct xmsg_pool_stats st;

	xmsg_pool_get_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.in_use, 0ULL);
	KUNIT_EXPECT_EQ(test, st.free, st.count);
	KUNIT_EXPECT_EQ(test, st.bad_rels, bad_expected);
	KUNIT_EXPECT_LE(test, st.high_water, st.count);
	KUNIT_EXPECT_GT(test, st.high_water, 0ULL);
	kunit_info(test, "pool %s: high_water %llu/%llu failed_gets %llu bad_rels %llu\n",
		   xmsg_pool_name(pool), st.high_water, st.count,
		   st.failed_gets, st.bad_rels);
	KUNIT_EXPECT_EQ(test, xmsg_pool_destroy(pool), 0);
}

static void stress_all(struct kunit *test)
{
	struct xmsg_pool_params ps = {
		.name = "stress-small", .block_size = 64, .count = 96,
	};
	struct xmsg_pool_params pb = {
		.name = "stress-big", .block_size = 1000, .count = 32,
	};
	struct stress *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct worker *w = kunit_kcalloc(test, NTHREADS, sizeof(*w),
					 GFP_KERNEL);
	struct task_struct *tsk[NTHREADS];
	unsigned long errors = 0;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_NOT_NULL(test, w);
	s->small = xmsg_pool_create(&ps);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s->small);
	s->big = xmsg_pool_create(&pb);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s->big);
	s->heap = xmsg_heap_create("stress", 16384, 5);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, s->heap);

	xmsg_hrtimer_setup(&s->timer, irq_fn, CLOCK_MONOTONIC,
			   HRTIMER_MODE_REL_HARD);
	hrtimer_start(&s->timer, ns_to_ktime(100 * NSEC_PER_USEC),
		      HRTIMER_MODE_REL_HARD);

	for (i = 0; i < NTHREADS; i++) {
		w[i].s = s;
		w[i].rnd = 0x9e3779b9u * (i + 1);
		snprintf(w[i].name, sizeof(w[i].name), "stress-%d", i);
		xmsg_owner_init(&w[i].owner, w[i].name);
		tsk[i] = kthread_run(worker_fn, &w[i], "xmsg-stress/%d", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(tsk[i]));
	}
	msleep(RUN_MS);
	for (i = 0; i < NTHREADS; i++)
		kthread_stop(tsk[i]);
	WRITE_ONCE(s->irq_stop, true);
	hrtimer_cancel(&s->timer);

	for (i = 0; i < HOLD; i++)
		if (s->irq_held[i])
			KUNIT_EXPECT_EQ(test, xmsg_block_rel(s->small,
							     s->irq_held[i]), 0);
	for (i = 0; i < NSLOTS; i++) {
		struct xmsg_msg *m;

		m = (struct xmsg_msg *)atomic_long_xchg(&s->slots[i], 0);
		if (m)
			KUNIT_EXPECT_EQ(test, xmsg_msg_rel(m), 0);
	}
	for (i = 0; i < NTHREADS; i++) {
		xmsg_owner_release_all(&w[i].owner);
		KUNIT_EXPECT_EQ(test, w[i].owner.nr, 0UL);
		errors += w[i].errors;
	}
	kunit_info(test, "%ld thread ops, %lu timer callbacks (%lu in hard IRQ)\n",
		   atomic_long_read(&s->ops), s->irq_ops, s->irq_hard);
	KUNIT_EXPECT_EQ(test, errors, 0UL);
	KUNIT_EXPECT_EQ(test, s->irq_bad_seen, 0UL);
	KUNIT_EXPECT_GT(test, s->irq_hard, 0UL);
	KUNIT_EXPECT_GT(test, atomic_long_read(&s->ops), 100L);
	KUNIT_EXPECT_EQ(test, atomic_read(&s->ext_live), 0);
	check_pool(test, s->small, s->irq_bad_expected);
	check_pool(test, s->big, 0);
	KUNIT_EXPECT_EQ(test, xmsg_heap_avail(s->heap), (size_t)16384);
	KUNIT_EXPECT_EQ(test, xmsg_heap_destroy(s->heap), 0);
}

/* Two CPUs to run on (the same one twice on a uniprocessor). */
static void two_cpus(int *a, int *b)
{
	*a = cpumask_first(cpu_online_mask);
	*b = cpumask_next(*a, cpu_online_mask);
	if (*b >= nr_cpu_ids)
		*b = *a;
}

struct cross {
	struct xmsg_pool *pool;
	void **blk;
	u32 from, to;	/* indices of blk[] to get or release */
	u32 extra_fail;	/* gets expected to fail after to - from succeed */
};

static long cross_get(void *arg)
{
	struct cross *c = arg;
	long bad = 0;
	u32 i;

	for (i = c->from; i < c->to; i++) {
		c->blk[i] = xmsg_block_get(c->pool);
		bad += !c->blk[i];
	}
	for (i = 0; i < c->extra_fail; i++)
		bad += !!xmsg_block_get(c->pool);
	return bad;
}

static long cross_rel(void *arg)
{
	struct cross *c = arg;
	long bad = 0;
	u32 i;

	for (i = c->from; i < c->to; i++)
		bad += !!xmsg_block_rel(c->pool, c->blk[i]);
	return bad;
}

static void expect_stats(struct kunit *test, struct xmsg_pool *pool,
			 u64 in_use, u64 hw, u64 failed)
{
	struct xmsg_pool_stats st;

	xmsg_pool_get_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.in_use, in_use);
	KUNIT_EXPECT_EQ(test, st.free, st.count - in_use);
	KUNIT_EXPECT_EQ(test, st.high_water, hw);
	KUNIT_EXPECT_EQ(test, st.failed_gets, failed);
	KUNIT_EXPECT_EQ(test, st.bad_rels, 0ULL);
}

/*
 * Blocks got on one CPU and released on another can all be got again on
 * either; the counters are exact at every step, and the pool is empty
 * exactly when every block is out.
 */
static void stress_cross_cpu(struct kunit *test)
{
	struct xmsg_pool_params p = {
		.name = "stress-cross", .block_size = 64, .count = 200,
	};
	struct xmsg_pool *pool = xmsg_pool_create(&p);
	void **blk = kunit_kcalloc(test, 200, sizeof(void *), GFP_KERNEL);
	struct cross c = { .pool = pool, .blk = blk };
	int a, b;

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, pool);
	KUNIT_ASSERT_NOT_NULL(test, blk);
	two_cpus(&a, &b);
	kunit_info(test, "CPUs %d and %d\n", a, b);
	/* 70 out on CPU a, 50 more on CPU b */
	c.from = 0;
	c.to = 70;
	KUNIT_EXPECT_EQ(test, work_on_cpu(a, cross_get, &c), 0L);
	c.from = 70;
	c.to = 120;
	KUNIT_EXPECT_EQ(test, work_on_cpu(b, cross_get, &c), 0L);
	expect_stats(test, pool, 120, 120, 0);
	/* each CPU releases what the other got */
	c.from = 0;
	c.to = 70;
	KUNIT_EXPECT_EQ(test, work_on_cpu(b, cross_rel, &c), 0L);
	c.from = 70;
	c.to = 120;
	KUNIT_EXPECT_EQ(test, work_on_cpu(a, cross_rel, &c), 0L);
	expect_stats(test, pool, 0, 120, 0);
	/* all 200 on CPU b, then one more fails */
	c.from = 0;
	c.to = 200;
	c.extra_fail = 1;
	KUNIT_EXPECT_EQ(test, work_on_cpu(b, cross_get, &c), 0L);
	expect_stats(test, pool, 200, 200, 1);
	KUNIT_EXPECT_EQ(test, xmsg_pool_destroy(pool), -EBUSY);
	KUNIT_EXPECT_EQ(test, work_on_cpu(a, cross_rel, &c), 0L);
	expect_stats(test, pool, 0, 200, 1);
	/* and all 200 again on CPU a */
	c.extra_fail = 0;
	KUNIT_EXPECT_EQ(test, work_on_cpu(a, cross_get, &c), 0L);
	KUNIT_EXPECT_EQ(test, work_on_cpu(b, cross_rel, &c), 0L);
	expect_stats(test, pool, 0, 200, 1);
	KUNIT_EXPECT_EQ(test, xmsg_pool_destroy(pool), 0);
}

#define RACE_ROUNDS	500

struct race {
	struct xmsg_pool *pool;
	void *blk;
	atomic_t round;
	atomic_t done;
	atomic_t won;
	struct completion finished[2];
};

struct racer {
	struct race *r;
	int id;
};

/* Spin until *@v reaches @until; false if told to stop meanwhile. */
static bool race_wait(atomic_t *v, int until)
{
	while (atomic_read_acquire(v) < until) {
		if (kthread_should_stop())
			return false;
		cpu_relax();
		cond_resched();
	}
	return true;
}

/*
 * Each round racer 0 gets a block and posts it, then both release it at
 * once and wait for each other before the next round.
 */
static int race_fn(void *arg)
{
	struct racer *rc = arg;
	struct race *r = rc->r;
	int i;

	for (i = 1; i <= RACE_ROUNDS; i++) {
		if (rc->id == 0) {
			WRITE_ONCE(r->blk, xmsg_block_get(r->pool));
			atomic_set_release(&r->round, i);
		} else if (!race_wait(&r->round, i)) {
			return 0;
		}
		if (!xmsg_block_rel(r->pool, READ_ONCE(r->blk)))
			atomic_inc(&r->won);
		atomic_inc(&r->done);
		if (!race_wait(&r->done, 2 * i))
			return 0;
	}
	complete(&r->finished[rc->id]);
	while (!kthread_should_stop())
		usleep_range(500, 1000);
	return 0;
}

/*
 * Two threads on two CPUs release the same block at once, many times:
 * exactly one release wins each time, the other is refused, and the free
 * stack never holds a block twice.
 */
static void stress_rel_race(struct kunit *test)
{
	struct xmsg_pool_params p = {
		.name = "stress-race", .block_size = 64, .count = 8,
	};
	struct race *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	struct racer rc[2];
	struct task_struct *t[2];
	struct xmsg_pool_stats st;
	u64 t0 = ktime_get_ns();
	void *blk[8];
	int i, cpu[2];

	KUNIT_ASSERT_NOT_NULL(test, r);
	r->pool = xmsg_pool_create(&p);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, r->pool);
	two_cpus(&cpu[0], &cpu[1]);
	for (i = 0; i < 2; i++) {
		rc[i].r = r;
		rc[i].id = i;
		init_completion(&r->finished[i]);
		t[i] = kthread_create(race_fn, &rc[i], "xmsg-race/%d", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(t[i]));
		kthread_bind(t[i], cpu[i]);
		get_task_struct(t[i]);
	}
	for (i = 0; i < 2; i++)
		wake_up_process(t[i]);
	for (i = 0; i < 2; i++)
		KUNIT_EXPECT_GT(test, wait_for_completion_timeout(&r->finished[i],
								  60 * HZ), 0UL);
	for (i = 0; i < 2; i++) {
		kthread_stop(t[i]);
		put_task_struct(t[i]);
	}
	kunit_info(test, "%d rounds on CPUs %d and %d in %llu ms\n",
		   RACE_ROUNDS, cpu[0], cpu[1],
		   div_u64(ktime_get_ns() - t0, NSEC_PER_MSEC));
	KUNIT_EXPECT_EQ(test, atomic_read(&r->won), RACE_ROUNDS);
	xmsg_pool_get_stats(r->pool, &st);
	KUNIT_EXPECT_EQ(test, st.in_use, 0ULL);
	KUNIT_EXPECT_EQ(test, st.bad_rels, (u64)RACE_ROUNDS);
	/* every block exactly once on the free stack */
	for (i = 0; i < 8; i++) {
		blk[i] = xmsg_block_get(r->pool);
		KUNIT_EXPECT_NOT_NULL(test, blk[i]);
	}
	KUNIT_EXPECT_NULL(test, xmsg_block_get(r->pool));
	for (i = 0; i < 8; i++)
		KUNIT_EXPECT_EQ(test, xmsg_block_rel(r->pool, blk[i]), 0);
	KUNIT_EXPECT_EQ(test, xmsg_pool_destroy(r->pool), 0);
}

static struct kunit_case xmsg_mm_stress_cases[] = {
	KUNIT_CASE(stress_all),
	KUNIT_CASE(stress_cross_cpu),
	KUNIT_CASE(stress_rel_race),
	{}
};

static struct kunit_suite xmsg_mm_stress_suite = {
	.name = "xmsg_mm_stress",
	.test_cases = xmsg_mm_stress_cases,
};

kunit_test_suite(xmsg_mm_stress_suite);

MODULE_DESCRIPTION("KUnit concurrency test for xmsg mm");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(XMSG_NS);
