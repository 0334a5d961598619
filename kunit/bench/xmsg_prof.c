// SPDX-License-Identifier: GPL-2.0
/*
 * A sampling profiler for kernels without perf events (the benchmark
 * VM's perf kernel has neither PERF_EVENTS nor FUNCTION_TRACER): while
 * loaded, a pinned hrtimer on every online CPU (CPU hotplug followed)
 * records, every period_us (at least 20) microseconds, where the timer
 * interrupt found that CPU: in user space, or at a kernel address and, on
 * arm64, the return addresses of up to PROF_DEPTH frame records under it
 * on the interrupted task's stack.  Unloading it prints three tables to the
 * kernel log, each line "xmsg_prof: <samples> <percent> <what>":
 *
 * - flat: the function each kernel sample hit;
 * - inclusive: every function on a sample's stack, counted once per
 *   sample (time spent in it and in what it called);
 * - stacks: the hit function and its callers, the commonest first.
 *
 * A timer interrupt cannot land while interrupts are masked, so time spent
 * with them off is counted where they come back on (the end of an
 * irqsave section, typically _raw_spin_unlock_irqrestore): read such a
 * line together with its callers.  Under QEMU TCG the clock is the host's,
 * so the shares are those of the emulated run.
 *
 * Built only with XMSG_KUNIT=1, like the other benchmark modules; used by
 * hand, e.g. in the VM: insmod xmsg_prof.ko; run the workload; rmmod
 * xmsg_prof; dmesg | grep xmsg_prof.
 */
#include <linux/cpuhotplug.h>
#include <linux/hrtimer.h>
#include <linux/kallsyms.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/sched/task_stack.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <asm/irq_regs.h>
#ifdef CONFIG_ARM64
#include <asm/pointer_auth.h>
#endif
#include <xmsg/compat.h>

static unsigned int period_us = 97;
module_param(period_us, uint, 0444);
MODULE_PARM_DESC(period_us, "sampling period in microseconds (default 97)");

static unsigned int top = 30;
module_param(top, uint, 0444);
MODULE_PARM_DESC(top, "lines per table (default 30)");

static char *under;
module_param(under, charp, 0444);
MODULE_PARM_DESC(under, "only samples with this function on their stack (default all)");

static unsigned int max_samples = 1 << 18;
module_param(max_samples, uint, 0444);
MODULE_PARM_DESC(max_samples, "samples kept per CPU (default 262144, at most 1048576)");

#define PROF_DEPTH	8	/* frames recorded under the hit address */
#define PROF_SAMPLES_MAX	BIT(20)	/* 72 MiB per CPU */

struct prof_sample {
	unsigned long pc[PROF_DEPTH + 1];	/* [0] hit, then callers */
};

struct prof_cpu {
	struct hrtimer timer;
	struct prof_sample *buf;	/* max_samples entries */
	unsigned int n;			/* kernel samples in buf */
	unsigned long user, lost;
};

static DEFINE_PER_CPU(struct prof_cpu, prof_cpus);
static ktime_t prof_period;

/*
 * Fill @s from the interrupted kernel context @regs: the hit address, then
 * (arm64, frame records) the link register and the return addresses of
 * the frames under it, read without faulting.
 */
static void prof_record(struct prof_sample *s, struct pt_regs *regs)
{
	unsigned int d = 1;

	memset(s, 0, sizeof(*s));
	s->pc[0] = instruction_pointer(regs);
#if defined(CONFIG_ARM64)
	{
		unsigned long fp = regs->regs[29], rec[2];

		s->pc[d++] = xmsg_strip_kernel_pac(regs->regs[30]);
		/* frame records on the interrupted task's stack only */
		while (d <= PROF_DEPTH && !(fp & 7) &&
		       object_is_on_stack((void *)fp) &&
		       object_is_on_stack((void *)(fp + sizeof(rec) - 1))) {
			if (copy_from_kernel_nofault(rec, (void *)fp,
						     sizeof(rec)))
				break;
			s->pc[d++] = xmsg_strip_kernel_pac(rec[1]);
			if (rec[0] <= fp)	/* frames go up the stack */
				break;
			fp = rec[0];
		}
	}
#endif
}

static enum hrtimer_restart prof_tick(struct hrtimer *t)
{
	struct prof_cpu *pc = container_of(t, struct prof_cpu, timer);
	struct pt_regs *regs = get_irq_regs();

	if (!regs || user_mode(regs))
		pc->user++;
	else if (pc->n < max_samples)
		prof_record(&pc->buf[pc->n++], regs);
	else
		pc->lost++;
	/* periods missed (the CPU could not take the interrupt) */
	pc->lost += hrtimer_forward_now(t, prof_period) - 1;
	return HRTIMER_RESTART;
}

/* CPU hotplug: sample each CPU while it is online. */
static int prof_cpu_online(unsigned int cpu)
{
	hrtimer_start(&per_cpu_ptr(&prof_cpus, cpu)->timer, prof_period,
		      HRTIMER_MODE_REL_PINNED_HARD);
	return 0;
}

static int prof_cpu_offline(unsigned int cpu)
{
	hrtimer_cancel(&per_cpu_ptr(&prof_cpus, cpu)->timer);
	return 0;
}

static enum cpuhp_state prof_hp_state;

/* One line of a table: a symbol and its count. */
struct prof_line {
	char name[KSYM_SYMBOL_LEN];
	unsigned long n;
};

struct prof_table {
	struct prof_line *l;
	unsigned int n, max;
};

static void prof_add(struct prof_table *t, const char *name)
{
	unsigned int i;

	for (i = 0; i < t->n; i++) {
		if (!strcmp(t->l[i].name, name)) {
			t->l[i].n++;
			return;
		}
	}
	if (t->n == t->max)
		return;
	strscpy(t->l[t->n].name, name, sizeof(t->l[0].name));
	t->l[t->n++].n = 1;
}

static int prof_cmp(const void *a, const void *b)
{
	const struct prof_line *x = a, *y = b;

	return x->n < y->n ? 1 : x->n > y->n ? -1 : 0;
}

static void prof_print(struct prof_table *t, const char *title,
		       unsigned long total)
{
	unsigned int i;

	sort(t->l, t->n, sizeof(t->l[0]), prof_cmp, NULL);
	pr_info("xmsg_prof: %s (of %lu kernel samples)\n", title, total);
	for (i = 0; i < t->n && i < top; i++)
		pr_info("xmsg_prof: %lu %lu.%lu%% %s\n", t->l[i].n,
			t->l[i].n * 100 / total, t->l[i].n * 1000 / total % 10,
			t->l[i].name);
	t->n = 0;
}

/*
 * Whether sample @s counts: every one, or with @under, those that have
 * that function on their stack (@sym is scratch space).
 */
static bool prof_keep(const struct prof_sample *s, char *sym)
{
	unsigned int d;

	if (!under || !*under)
		return true;
	for (d = 0; d <= PROF_DEPTH && s->pc[d]; d++) {
		sprint_symbol_no_offset(sym, s->pc[d]);
		if (!strcmp(sym, under) ||
		    (str_has_prefix(sym, under) && sym[strlen(under)] == ' '))
			return true;
	}
	return false;
}

/* The report's scratch space for symbol names. */
struct prof_scratch {
	char *sym;	/* KSYM_SYMBOL_LEN */
	char *stack;	/* KSYM_SYMBOL_LEN */
	char *seen;	/* PROF_DEPTH + 1 names */
};

typedef void (*prof_count_fn)(struct prof_table *t,
			      const struct prof_sample *s,
			      struct prof_scratch *sc);

/* The function @s hit. */
static void prof_count_flat(struct prof_table *t, const struct prof_sample *s,
			    struct prof_scratch *sc)
{
	sprint_symbol_no_offset(sc->sym, s->pc[0]);
	prof_add(t, sc->sym);
}

/* Every function on @s's stack, once. */
static void prof_count_inclusive(struct prof_table *t,
				 const struct prof_sample *s,
				 struct prof_scratch *sc)
{
	unsigned int d, e;

	for (d = 0; d <= PROF_DEPTH && s->pc[d]; d++) {
		char *name = sc->seen + d * KSYM_SYMBOL_LEN;

		sprint_symbol_no_offset(name, s->pc[d]);
		for (e = 0; e < d; e++)
			if (!strcmp(sc->seen + e * KSYM_SYMBOL_LEN, name))
				break;
		if (e == d)
			prof_add(t, name);
	}
}

/* The function @s hit and three callers, as one line. */
static void prof_count_stack(struct prof_table *t,
			     const struct prof_sample *s,
			     struct prof_scratch *sc)
{
	size_t len = 0;
	unsigned int d;

	sc->stack[0] = '\0';
	for (d = 0; d < 4 && s->pc[d]; d++) {
		sprint_symbol_no_offset(sc->sym, s->pc[d]);
		len += scnprintf(sc->stack + len, KSYM_SYMBOL_LEN - len,
				 "%s%s", d ? "<" : "", sc->sym);
	}
	prof_add(t, sc->stack);
}

/* @fn over every CPU's samples. */
static void prof_count(struct prof_table *t, prof_count_fn fn,
		       struct prof_scratch *sc)
{
	unsigned int cpu, i;

	for_each_possible_cpu(cpu) {
		struct prof_cpu *pc = per_cpu_ptr(&prof_cpus, cpu);

		for (i = 0; i < pc->n; i++) {
			fn(t, &pc->buf[i], sc);
			cond_resched();
		}
	}
}

/* Each table, over every CPU's samples; on allocation failure, none. */
static void prof_report(void)
{
	char sym[KSYM_SYMBOL_LEN];
	struct prof_scratch sc = { .sym = sym };
	struct prof_table t = { .max = 4096 };
	unsigned long total = 0, user = 0, lost = 0;
	unsigned int cpu, i;

	t.l = vmalloc(array_size(t.max, sizeof(*t.l)));
	sc.stack = kmalloc(KSYM_SYMBOL_LEN, GFP_KERNEL);
	sc.seen = kmalloc_array(PROF_DEPTH + 1, KSYM_SYMBOL_LEN, GFP_KERNEL);
	if (!t.l || !sc.stack || !sc.seen)
		goto out;
	for_each_possible_cpu(cpu) {
		struct prof_cpu *pc = per_cpu_ptr(&prof_cpus, cpu);

		total += pc->n;
		user += pc->user;
		lost += pc->lost;
	}
	pr_info("xmsg_prof: %lu samples: %lu kernel, %lu user, %lu not kept or missed, period %u us\n",
		total + user + lost, total, user, lost, period_us);
	if (under && *under) {
		total = 0;
		for_each_possible_cpu(cpu) {
			struct prof_cpu *pc = per_cpu_ptr(&prof_cpus, cpu);
			unsigned int kept = 0;

			for (i = 0; i < pc->n; i++)
				if (prof_keep(&pc->buf[i], sym))
					pc->buf[kept++] = pc->buf[i];
			pc->n = kept;
			total += kept;
		}
		pr_info("xmsg_prof: %lu kernel samples under %s\n", total,
			under);
	}
	if (!total)
		goto out;

	prof_count(&t, prof_count_flat, &sc);
	prof_print(&t, "flat", total);
	prof_count(&t, prof_count_inclusive, &sc);
	prof_print(&t, "inclusive", total);
	prof_count(&t, prof_count_stack, &sc);
	prof_print(&t, "stacks (hit<lr<callers)", total);
out:
	kfree(sc.seen);
	kfree(sc.stack);
	vfree(t.l);
}

static void prof_free(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		vfree(per_cpu_ptr(&prof_cpus, cpu)->buf);
		per_cpu_ptr(&prof_cpus, cpu)->buf = NULL;
	}
}

static int __init prof_init(void)
{
	unsigned int cpu;
	int ret;

	/* shorter periods would keep a TCG CPU in the timer interrupt */
	if (period_us < 20 || !max_samples || max_samples > PROF_SAMPLES_MAX)
		return -EINVAL;
	prof_period = ns_to_ktime((u64)period_us * NSEC_PER_USEC);
	for_each_possible_cpu(cpu) {
		struct prof_cpu *pc = per_cpu_ptr(&prof_cpus, cpu);

		pc->buf = vzalloc(array_size(max_samples, sizeof(*pc->buf)));
		if (!pc->buf) {
			prof_free();
			return -ENOMEM;
		}
		xmsg_hrtimer_setup(&pc->timer, prof_tick, CLOCK_MONOTONIC,
				   HRTIMER_MODE_REL_PINNED_HARD);
	}
	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "xmsg/prof:online",
				prof_cpu_online, prof_cpu_offline);
	if (ret < 0) {
		prof_free();
		return ret;
	}
	prof_hp_state = ret;
	return 0;
}

static void __exit prof_exit(void)
{
	cpuhp_remove_state(prof_hp_state);	/* every timer cancelled */
	prof_report();
	prof_free();
}

module_init(prof_init);
module_exit(prof_exit);
MODULE_DESCRIPTION("xmsg benchmarks: a sampling profiler for kernels without perf events");
MODULE_LICENSE("GPL");
