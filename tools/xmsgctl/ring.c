// SPDX-License-Identifier: GPL-2.0
/*
 * xmsgctl ring: read messages through a receive ring (XMSG_IOC_RING), in
 * memory shared with the kernel, without a system call each.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include "xmsgctl.h"

#define RING_ENTRIES	64

static struct {
	long number;
	long timeout_ms;
	bool verbose;
	enum ctl_body_format format;
} opt = { .number = 1, .timeout_ms = CTL_TIMEOUT_DEFAULT };

/* Print the @n ready entries (at most @left); returns how many. */
static long ring_print(struct xm_ring *r, unsigned int n, long got, long left)
{
	const struct xmsg_ring_entry *e;
	unsigned int i;
	void *body;

	for (i = 0; i < n && i < left; i++) {
		e = xm_ring_entry(r, i);
		body = xm_ring_body(r, e);
		if (opt.verbose)
			fprintf(stderr, "ring entry %ld: %" PRIu64 " bytes at "
				"offset %" PRIu64 ", prio %u\n", got + i,
				(uint64_t)e->length, (uint64_t)e->offset,
				e->prio);
		if (body)
			ctl_print_body(body, e->length, opt.format);
	}
	xm_ring_done(r, i);
	fflush(stdout);
	return i;
}

/*
 * Close @r; with -v first say how many messages found it full and waited
 * at exchange @name (the kernel's count in the ring's header).
 */
static void ring_close(struct xm_ring *r, const char *name)
{
	if (opt.verbose)
		fprintf(stderr, "ring %s: %" PRIu32 " overflows (messages that "
			"found the ring full and waited at the exchange)\n",
			name, __atomic_load_n(&r->hdr->overflows,
					      __ATOMIC_RELAXED));
	xm_ring_close(r);
}

static int ring_read(const struct ctl_obj *obj, int argc, char **argv)
{
	struct xm *x = ctl_xm();
	int timeout = opt.timeout_ms > INT_MAX ? INT_MAX : (int)opt.timeout_ms;
	struct xm_ring r;
	int xchg, pool, ret;
	unsigned int n;
	long got = 0;

	xchg = xm_xchg_open(x, argv[0], XMSG_ACC_READ);
	if (xchg < 0)
		return ctl_fail(xchg, "cannot open exchange", argv[0]);
	pool = xm_pool_open(x, argv[1], XMSG_ACC_READ);
	if (pool < 0)
		return ctl_fail(pool, "cannot open pool", argv[1]);
	ret = xm_ring_open(x, xchg, pool, RING_ENTRIES, 0, 0, &r);
	if (ret)
		return ctl_fail(ret, "cannot open a ring at", argv[0]);
	while (got < opt.number) {
		n = xm_ring_ready(&r);
		if (n) {
			got += ring_print(&r, n, got, opt.number - got);
			continue;
		}
		ret = xm_ring_wait(&r, timeout);
		if (ret == 1)
			continue;
		ring_close(&r, argv[0]);
		if (ret == 0) {
			fprintf(stderr, "%s: %s: %s\n", ctl_prog, argv[0],
				timeout ? "timed out" : "no message");
			return EX_EMPTY;
		}
		return ctl_fail(ret, "ring", argv[0]);
	}
	ring_close(&r, argv[0]);	/* the kernel releases what we read */
	return EX_OK;
}

static int ring_parse(int key, const char *arg)
{
	switch (key) {
	case 'n':
		return ctl_opt_count(arg, "number", 1, &opt.number);
	case 'T':
		return ctl_opt_timeout(arg, &opt.timeout_ms);
	case 'v':
		opt.verbose = true;
		return 0;
	case 'R':
	case 'x':
		return ctl_opt_format(key, &opt.format);
	}
	return ctl_usage("bad option");
}

static const struct ctl_cmd ring_cmds[] = {
	{ "read", ring_read, "XCHG POOL", "nTRxv",
	  "open a receive ring (64 entries) at XCHG for bodies of POOL and "
	  "print COUNT messages as they arrive; messages already queued "
	  "move into the ring first.  Closing the ring at exit releases "
	  "what it read", 2, 2, 0 },
	{ NULL }
};

static const struct ctl_opt ring_opts[] = {
	{ "number", 'n', "COUNT", "messages to print (default 1)" },
	{ "timeout", 'T', "MS",
	  "milliseconds to wait for each (default 0: do not block; -1: "
	  "forever)" },
	{ "raw", 'R', NULL, "print the bodies' bytes as they are" },
	{ "hex", 'x', NULL, "print the bodies in hex" },
	{ "verbose", 'v', NULL, "say what each entry holds, and at the end "
	  "the ring's overflows, on stderr" },
	{ NULL }
};

const struct ctl_obj ring_object = {
	.name = "ring",
	.summary = "read messages through a receive ring in shared memory",
	.cmds = ring_cmds,
	.opts = ring_opts,
	.parse = ring_parse,
	.bare_cmd = "read",
	.examples = "xmsgctl ring read q p -n 10 -T -1\n",
};
