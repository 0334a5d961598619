// SPDX-License-Identifier: GPL-2.0
/*
 * Micro-benchmark of the xmsg memory management engine, run by
 * `make bench` on the perf kernel (not by `make check`).
 *
 * For pools of 1,000, 100,000 and 1,000,000 blocks of 64 bytes it prints
 * ns/op of bare get+rel, standard (BCB) get+rel, message get+rel and
 * make+unmake, next to kmem_cache_alloc+free and mempool_alloc+free of the
 * same size, and the ratios to kmem_cache.  Two access patterns: "pair"
 * (get then release at once, hot) and "burst" (get 1,000 then release
 * them, so more distinct blocks and MCBs are touched).  Each figure is the
 * best of reps runs of iters operations, timed with ktime_get_ns() (25 and
 * 20,000 unless the module parameters say otherwise: a debug kernel under
 * QEMU TCG needs far fewer).
 */
#include <kunit/test.h>
#include <linux/err.h>
#include <linux/ktime.h>
#include <linux/mempool.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <xmsg/mm.h>

#define BSIZE	64
#define BURST	1000

enum {
	OP_BARE, OP_BCB, OP_MSG, OP_MSGO, OP_MAKE, OP_KMEM, OP_MEMPOOL,
	OP_LOCK, OP_IRQ, OP_ATOM, OP_PCPU, OP_SPIN, NOPS
};

static unsigned int iters = 20000;
module_param(iters, uint, 0444);
MODULE_PARM_DESC(iters, "Operations per timed run (at least 1000; default 20000)");

static unsigned int reps = 25;
module_param(reps, uint, 0444);
MODULE_PARM_DESC(reps, "Timed runs per figure, the best counts (default 25)");

static unsigned int only_blocks;
module_param(only_blocks, uint, 0444);
MODULE_PARM_DESC(only_blocks,
		 "Measure only the pool of this many blocks (0: all three)");

static DEFINE_RAW_SPINLOCK(bench_lock);
static DEFINE_SPINLOCK(bench_spin);
static u64 bench_dummy;
static unsigned long bench_word;
static DEFINE_PER_CPU(unsigned long, bench_pcpu);

struct bench {
	struct xmsg_pool *pool;
	struct kmem_cache *cache;
	mempool_t *mp;
	struct xmsg_owner owner;
	void **ptrs;
	void **held;
	int nb;
	void *made;
	unsigned long errors;
};

/* One get+release (or make+unmake) of kind @op; returns 0 or -1. */
static __always_inline int one_get(struct bench *b, int op, void **out)
{
	unsigned long flags;
	void *p;

	switch (op) {
	case OP_BARE:
		p = xmsg_block_get(b->pool);
		break;
	case OP_BCB:
		p = xmsg_bcb_get(b->pool, NULL, GFP_KERNEL);
		break;
	case OP_MSG:
		p = xmsg_msg_get(b->pool, NULL, GFP_KERNEL);
		break;
	case OP_MSGO:
		p = xmsg_msg_get(b->pool, &b->owner, GFP_KERNEL);
		break;
	case OP_MAKE:
		p = xmsg_msg_make(b->pool, *out, NULL, GFP_KERNEL);
		break;
	case OP_KMEM:
		p = kmem_cache_alloc(b->cache, GFP_KERNEL);
		break;
	case OP_LOCK:
		raw_spin_lock_irqsave(&bench_lock, flags);
		bench_dummy++;
		raw_spin_unlock_irqrestore(&bench_lock, flags);
		p = &bench_dummy;
		break;
	case OP_IRQ:
		local_irq_save(flags);
		bench_dummy++;
		local_irq_restore(flags);
		p = &bench_dummy;
		break;
	case OP_ATOM:
		bench_dummy += test_and_set_bit(3, &bench_word);
		p = &bench_dummy;
		break;
	case OP_PCPU:
		preempt_disable();
		__this_cpu_inc(bench_pcpu);
		preempt_enable();
		p = &bench_dummy;
		break;
	case OP_SPIN:
		spin_lock(&bench_spin);
		bench_dummy++;
		spin_unlock(&bench_spin);
		p = &bench_dummy;
		break;
	default:
		p = mempool_alloc(b->mp, GFP_KERNEL);
		break;
	}
	if (IS_ERR_OR_NULL(p))
		return -1;
	*out = p;
	return 0;
}

static __always_inline void one_rel(struct bench *b, int op, void **pp)
{
	unsigned long flags;
	void *p = *pp;

	switch (op) {
	case OP_BARE:
		b->errors += !!xmsg_block_rel(b->pool, p);
		break;
	case OP_BCB:
		b->errors += !!xmsg_bcb_rel(p);
		break;
	case OP_MSG:
	case OP_MSGO:
		b->errors += !!xmsg_msg_rel(p);
		break;
	case OP_MAKE:
		*pp = xmsg_msg_unmake(p, NULL);
		b->errors += IS_ERR(*pp);
		break;
	case OP_KMEM:
		kmem_cache_free(b->cache, p);
		break;
	case OP_LOCK:
		raw_spin_lock_irqsave(&bench_lock, flags);
		bench_dummy--;
		raw_spin_unlock_irqrestore(&bench_lock, flags);
		break;
	case OP_IRQ:
		local_irq_save(flags);
		bench_dummy--;
		local_irq_restore(flags);
		break;
	case OP_ATOM:
		bench_dummy -= test_and_clear_bit(3, &bench_word);
		break;
	case OP_PCPU:
		preempt_disable();
		__this_cpu_dec(bench_pcpu);
		preempt_enable();
		break;
	case OP_SPIN:
		spin_lock(&bench_spin);
		bench_dummy--;
		spin_unlock(&bench_spin);
		break;
	default:
		mempool_free(p, b->mp);
		break;
	}
}

static u64 run_pair(struct bench *b, int op)
{
	u64 t0, t;
	void *p;
	int i;

	p = b->made;
	t0 = ktime_get_ns();
	for (i = 0; i < iters; i++) {
		if (unlikely(one_get(b, op, &p))) {
			b->errors++;
			break;
		}
		one_rel(b, op, &p);
	}
	t = ktime_get_ns() - t0;
	if (op == OP_MAKE && !IS_ERR(p))
		b->made = p;
	return t;
}

static u64 run_burst(struct bench *b, int op)
{
	u64 t0, t;
	int i, j, n;

	t0 = ktime_get_ns();
	for (i = 0; i < iters / b->nb; i++) {
		for (n = 0; n < b->nb; n++) {
			if (op == OP_MAKE)
				b->ptrs[n] = b->held[n];
			if (unlikely(one_get(b, op, &b->ptrs[n]))) {
				b->errors++;
				break;
			}
		}
		for (j = 0; j < n; j++)
			one_rel(b, op, &b->ptrs[j]);
	}
	t = ktime_get_ns() - t0;
	/* scale to iters operations */
	return div_u64(t * iters, (iters / b->nb) * b->nb);
}

/* make+unmake works on bare blocks held for the measurement. */
static int hold_blocks(struct bench *b)
{
	int i;

	for (i = 0; i < b->nb; i++) {
		b->held[i] = xmsg_block_get(b->pool);
		if (!b->held[i])
			return -ENOMEM;
	}
	b->made = b->held[0];
	return 0;
}

static void rel_blocks(struct bench *b)
{
	int i;

	for (i = 0; i < b->nb; i++)
		if (b->held[i])
			b->errors += !!xmsg_block_rel(b->pool, b->held[i]);
	memset(b->held, 0, b->nb * sizeof(void *));
}

/*
 * Best of reps for every op, in tenths of ns per get+rel.  The ops take
 * turns within each repetition, so noise from the host (QEMU TCG on a
 * shared machine) hits them alike.
 */
static void measure(struct bench *b, bool burst, u64 *res)
{
	u64 best[NOPS], t;
	int r, op;

	for (op = 0; op < NOPS; op++)
		best[op] = U64_MAX;
	for (r = 0; r < reps; r++) {
		for (op = 0; op < NOPS; op++) {
			if (op == OP_MAKE && hold_blocks(b))
				b->errors++;
			t = burst ? run_burst(b, op) : run_pair(b, op);
			if (op == OP_MAKE)
				rel_blocks(b);
			best[op] = min(best[op], t);
			cond_resched();
		}
	}
	for (op = 0; op < NOPS; op++)
		res[op] = max_t(u64, div_u64(best[op] * 10, iters), 1);
}

static int bench_setup(struct kunit *test, struct bench *b, u32 count)
{
	struct xmsg_pool_params p = {
		.name = "bench", .block_size = BSIZE, .count = count,
	};
	memset(b, 0, sizeof(*b));
	xmsg_owner_init(&b->owner, "bench");
	b->pool = xmsg_pool_create(&p);
	if (IS_ERR(b->pool))
		return PTR_ERR(b->pool);
	b->cache = kmem_cache_create("xmsg_bench64", BSIZE, BSIZE, 0, NULL);
	b->mp = b->cache ? mempool_create_slab_pool(16, b->cache) : NULL;
	b->nb = min_t(u32, BURST, count / 2);
	b->ptrs = kvcalloc(b->nb, sizeof(void *), GFP_KERNEL);
	b->held = kvcalloc(b->nb, sizeof(void *), GFP_KERNEL);
	if (!b->cache || !b->mp || !b->ptrs || !b->held)
		return -ENOMEM;
	return 0;
}

static void bench_teardown(struct kunit *test, struct bench *b)
{
	xmsg_owner_release_all(&b->owner);
	if (!IS_ERR_OR_NULL(b->pool)) {
		if (b->held)
			rel_blocks(b);
		KUNIT_EXPECT_EQ(test, xmsg_pool_destroy(b->pool), 0);
	}
	mempool_destroy(b->mp);
	kmem_cache_destroy(b->cache);
	kvfree(b->ptrs);
	kvfree(b->held);
}

static void print_row(u32 count, const char *pat, const u64 *v)
{
	char r[NOPS][12];
	char x[6][12];
	static const int rel[6] = {
		OP_BARE, OP_BCB, OP_MSG, OP_MSGO, OP_MAKE, OP_MEMPOOL
	};
	int i;

	for (i = 0; i < NOPS; i++)
		snprintf(r[i], sizeof(r[i]), "%llu.%llu", v[i] / 10, v[i] % 10);
	for (i = 0; i < ARRAY_SIZE(rel); i++)
		snprintf(x[i], sizeof(x[i]), "%llu.%02llux",
			 v[rel[i]] * 100 / v[OP_KMEM] / 100,
			 v[rel[i]] * 100 / v[OP_KMEM] % 100);
	pr_info("xmsg_mm_bench: %8u %-5s | %7s %7s %7s %7s %7s | %7s %7s %7s | %9s %9s %9s %9s %9s %9s\n",
		count, pat, r[OP_BARE], r[OP_BCB], r[OP_MSG], r[OP_MSGO],
		r[OP_MAKE], r[OP_KMEM], r[OP_MEMPOOL], r[OP_LOCK],
		x[0], x[1], x[2], x[3], x[4], x[5]);
	pr_info("xmsg_mm_bench: %8u %-5s | floors: irq %s  atomic %s  preempt %s  spin %s\n",
		count, pat, r[OP_IRQ], r[OP_ATOM], r[OP_PCPU], r[OP_SPIN]);
}

static void bench_pool_size(struct kunit *test, u32 count)
{
	struct bench *b = kunit_kzalloc(test, sizeof(*b), GFP_KERNEL);
	u64 pair[NOPS], burst[NOPS];
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, b);
	ret = bench_setup(test, b, count);
	if (ret) {
		bench_teardown(test, b);
		KUNIT_FAIL(test, "setup for %u blocks failed: %d", count, ret);
		return;
	}
	measure(b, false, pair);
	measure(b, true, burst);
	print_row(count, "pair", pair);
	print_row(count, "burst", burst);
	KUNIT_EXPECT_EQ(test, b->errors, 0UL);
	bench_teardown(test, b);
}

static void xmsg_mm_bench_all(struct kunit *test)
{
	static const u32 counts[] = { 1000, 100000, 1000000 };
	int i;

	iters = max_t(unsigned int, iters, BURST);
	reps = max(reps, 1U);
	pr_info("xmsg_mm_bench: ns per get+release (make+unmake for 'make'), %d B blocks, best of %u x %u ops\n",
		BSIZE, reps, iters);
	pr_info("xmsg_mm_bench: bare=xmsg_block_get/rel  bcb=xmsg_bcb_get/rel  msg=xmsg_msg_get/rel (no owner)  msg+own=same with an owner  make=xmsg_msg_make/unmake of a held block\n");
	pr_info("xmsg_mm_bench: kmem=kmem_cache_alloc/free  mempool=mempool_alloc/free (slab pool)  lock=2x raw_spin_lock_irqsave+unlock alone (the floor of a locked design)  ratios are to kmem\n");
	pr_info("xmsg_mm_bench: floors: irq=2x local_irq_save+restore  atomic=test_and_set_bit+test_and_clear_bit  preempt=2x preempt_disable+__this_cpu_inc+preempt_enable  spin=2x spin_lock+unlock (the owner lock)\n");
	pr_info("xmsg_mm_bench:   blocks pat   |    bare     bcb     msg msg+own    make |    kmem mempool    lock | bare/kmem  bcb/kmem  msg/kmem  own/kmem make/kmem mpool/kmem\n");
	for (i = 0; i < ARRAY_SIZE(counts); i++)
		if (!only_blocks || only_blocks == counts[i])
			bench_pool_size(test, counts[i]);
}

static struct kunit_case xmsg_mm_bench_cases[] = {
	KUNIT_CASE(xmsg_mm_bench_all),
	{}
};

static struct kunit_suite xmsg_mm_bench_suite = {
	.name = "xmsg_mm_bench",
	.test_cases = xmsg_mm_bench_cases,
};

kunit_test_suite(xmsg_mm_bench_suite);

MODULE_DESCRIPTION("xmsg mm micro-benchmark");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(XMSG_NS);
