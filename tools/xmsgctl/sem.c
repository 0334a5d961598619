// SPDX-License-Identifier: GPL-2.0
/*
 * xmsgctl sem: semaphores (counting, threshold, gate).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include "xmsgctl.h"

/* by XMSG_SEM_KIND_* */
static const char *const kinds[] = { "count", "threshold", "gate" };

static struct {
	uint32_t kind;
	uint32_t count;
	uint32_t threshold;
	long timeout_ms;
} opt = { .timeout_ms = CTL_TIMEOUT_DEFAULT };

static int sem_create(const struct ctl_obj *obj, int argc, char **argv)
{
	int h;

	if (opt.kind == XMSG_SEM_KIND_THRESHOLD && !opt.threshold)
		return ctl_usage("a threshold semaphore needs -t THRESHOLD");
	h = xm_sem_create(ctl_xm(), argv[0], opt.kind, opt.count,
			  opt.kind == XMSG_SEM_KIND_THRESHOLD ?
			  opt.threshold : 0, obj_opts.mode,
			  obj_create_flags());
	if (h < 0)
		return ctl_fail(h, "cannot create", argv[0]);
	return EX_OK;
}

static int sem_signal(const struct ctl_obj *obj, int argc, char **argv)
{
	struct xm *x = ctl_xm();
	long i, n = obj_opts.number_set ? obj_opts.number : 1;
	int h, ret;

	h = xm_sem_open(x, argv[0], XMSG_ACC_WRITE);
	if (h < 0)
		return ctl_fail(h, "cannot open semaphore", argv[0]);
	for (i = 0; i < n; i++) {
		ret = xm_sem_signal(x, h, 0);
		if (ret)
			return ctl_fail(ret, "cannot signal", argv[0]);
	}
	return EX_OK;
}

static int sem_wait(const struct ctl_obj *obj, int argc, char **argv)
{
	struct xm *x = ctl_xm();
	int h, ret;

	h = xm_sem_open(x, argv[0], XMSG_ACC_READ);
	if (h < 0)
		return ctl_fail(h, "cannot open semaphore", argv[0]);
	ret = xm_sem_wait(x, h, ctl_timeout_ns(opt.timeout_ms));
	if (ret == -EAGAIN || ret == -ETIMEDOUT) {
		fprintf(stderr, "%s: %s: %s\n", ctl_prog, argv[0],
			ret == -EAGAIN ? "not signalled" : "timed out");
		return EX_EMPTY;
	}
	return ret ? ctl_fail(ret, "cannot wait on", argv[0]) : EX_OK;
}

static int sem_signal_wait(const struct ctl_obj *obj, int argc, char **argv)
{
	struct xm *x = ctl_xm();
	int sig, wait, ret, signalled;

	sig = xm_sem_open(x, argv[0], XMSG_ACC_WRITE);
	if (sig < 0)
		return ctl_fail(sig, "cannot open semaphore", argv[0]);
	wait = xm_sem_open(x, argv[1], XMSG_ACC_READ);
	if (wait < 0)
		return ctl_fail(wait, "cannot open semaphore", argv[1]);
	ret = xm_sem_signal_wait(x, sig, wait, ctl_timeout_ns(opt.timeout_ms),
				 0, &signalled);
	if (ret == -EAGAIN || ret == -ETIMEDOUT) {
		fprintf(stderr, "%s: %s: %s (%s %ssignalled)\n", ctl_prog,
			argv[1], ret == -EAGAIN ? "not signalled" :
			"timed out", argv[0], signalled ? "" : "not ");
		return EX_EMPTY;
	}
	return ret ? ctl_fail(ret, "cannot signal and wait", argv[1]) : EX_OK;
}

static int sem_clear(const struct ctl_obj *obj, int argc, char **argv)
{
	struct xm *x = ctl_xm();
	int h, ret;

	h = xm_sem_open(x, argv[0], XMSG_ACC_WRITE);
	if (h < 0)
		return ctl_fail(h, "cannot open semaphore", argv[0]);
	ret = xm_sem_clear(x, h);
	return ret ? ctl_fail(ret, "cannot clear", argv[0]) : EX_OK;
}

static void sem_show(const struct xmsg_info *in)
{
	const struct xmsg_sem_info *s = &in->u.sem;

	printf("  kind     %s  threshold %u\n",
	       ctl_kind_name(kinds, ARRAY_SIZE(kinds), s->kind), s->threshold);
	printf("  count    %u  waiters %u  signals %" PRIu64 "\n", s->count,
	       s->waiters, (uint64_t)s->signals);
	if (s->peek & XMSG_PEEK_WAITER)
		printf("  waiter   pid %d  tid %d\n", s->waiter_pid,
		       s->waiter_tid);
}

static void sem_show_short(const struct xmsg_info *in)
{
	printf("%s count %u waiters %u",
	       ctl_kind_name(kinds, ARRAY_SIZE(kinds), in->u.sem.kind),
	       in->u.sem.count, in->u.sem.waiters);
}

static void sem_show_json(const struct xmsg_info *in)
{
	const struct xmsg_sem_info *s = &in->u.sem;

	jw_str("kind", ctl_kind_name(kinds, ARRAY_SIZE(kinds), s->kind));
	jw_u64("threshold", s->threshold);
	jw_u64("count", s->count);
	jw_u64("waiters", s->waiters);
	jw_u64("signals", s->signals);
	if (s->peek & XMSG_PEEK_WAITER) {
		jw_int("waiter_pid", s->waiter_pid);
		jw_int("waiter_tid", s->waiter_tid);
	}
}

static int sem_parse(int key, const char *arg)
{
	switch (key) {
	case 'k':
		return ctl_kind_of(arg, kinds, ARRAY_SIZE(kinds), &opt.kind);
	case 'c':
		if (ctl_parse_u32(arg, &opt.count, 10))
			return ctl_usage("bad count '%s'", arg);
		return 0;
	case 't':
		if (ctl_parse_u32(arg, &opt.threshold, 10))
			return ctl_usage("bad threshold '%s'", arg);
		return 0;
	case 'T':
		return ctl_opt_timeout(arg, &opt.timeout_ms);
	}
	return obj_parse(key, arg);
}

static const struct ctl_cmd sem_cmds[] = {
	{ "create", sem_create, "NAME", "kctme", "create a semaphore", 1, 1,
	  0 },
	{ "signal", sem_signal, "NAME", "n",
	  "signal COUNT times (-n, default 1)", 1, 1, 0 },
	{ "wait", sem_wait, "NAME", "T",
	  "wait until signalled (-T: default 0, do not block; -1 forever)",
	  1, 1, 0 },
	{ "signal-wait", sem_signal_wait, "SIGNAL WAIT", "T",
	  "signal SIGNAL and wait at WAIT in one step: WAIT is waited on "
	  "before anyone sees the signal (-T as for wait)", 2, 2, 0 },
	{ "clear", sem_clear, "NAME", "",
	  "set the count to 0 and cancel every waiter (they fail with "
	  "ECANCELED)", 1, 1, 0 },
	OBJ_CMDS("semaphore"),
	{ NULL }
};

static const struct ctl_opt sem_opts[] = {
	{ "kind", 'k', "KIND",
	  "create: count (default: a counting semaphore), threshold (one "
	  "waiter goes per THRESHOLD signals) or gate (a signal releases "
	  "every waiter)" },
	{ "count", 'c', "COUNT", "create: initial count (default 0)" },
	{ "threshold", 't', "THRESHOLD",
	  "create: signals per release of a threshold semaphore" },
	OBJ_OPT_MODE,
	OBJ_OPT_EXIST_OK("semaphore"),
	{ "timeout", 'T', "MS",
	  "wait, signal-wait: milliseconds to wait (default 0: do not "
	  "block; -1: forever)" },
	OBJ_OPT_INTERVAL,
	{ "number", 'n', "COUNT",
	  "signal: signals to send; watch: snapshots to print" },
	{ NULL }
};

static const char *const sem_aliases[] = {
	"sems", "semaphore", "semaphores", NULL
};

const struct ctl_obj sem_object = {
	.name = "sem",
	.aliases = sem_aliases,
	.type = XMSG_TYPE_SEM,
	.summary = "semaphores: counting, threshold and gate",
	.cmds = sem_cmds,
	.opts = sem_opts,
	.parse = sem_parse,
	.examples =
		"xmsgctl sem create done -k threshold -t 3\n"
		"xmsgctl sem signal done -n 3\n"
		"xmsgctl sem wait done -T 1000\n"
		"xmsgctl sem signal-wait done gate -T -1\n",
	.show = sem_show,
	.show_short = sem_show_short,
	.show_json = sem_show_json,
};
