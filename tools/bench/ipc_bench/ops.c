// SPDX-License-Identifier: GPL-2.0
/*
 * ipc_bench measurement "ops" (-m ops; not part of the default run):
 * per-call costs inside one process, nothing blocks: what one system call
 * of each kind costs, to see where a round trip's time goes.
 */
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "ipc_bench.h"

struct opctx {
	int fd, pfd[2];
	uint32_t pool, x, msg, m16[16];
	char buf[64];
};

static int op_getppid(UNUSED struct opctx *o)
{
	return syscall(SYS_getppid) > 0 ? 0 : -1;
}

static int op_pipe(struct opctx *o)
{
	if (write(o->pfd[1], o->buf, 64) != 64)
		return -1;
	return read(o->pfd[0], o->buf, 64) == 64 ? 0 : -1;
}

static int op_features(struct opctx *o)
{
	return xb_features(o->fd);
}

static int op_getrel(struct opctx *o)
{
	uint32_t m;
	uint64_t off;

	return xb_get(o->fd, o->pool, &m, &off) ?: xb_rel(o->fd, m);
}

static int op_sendrecv(struct opctx *o)
{
	struct xrx rx = { 0 };
	int r = xb_send(o->fd, o->x, o->msg) ?:
		xb_recv(o->fd, o->x, false, &rx);

	o->msg = rx.msg;
	return r;
}

static int op_call(struct opctx *o)
{
	struct xrx rx = { 0 };
	int r = xb_call(o->fd, o->x, o->msg, o->x, &rx);

	o->msg = rx.msg;
	return r;
}

/* 16 messages sent to and received back from one exchange, one call */
static int op_xfer16(struct opctx *o)
{
	struct xrx rx[16];
	unsigned int got = 0;
	int r;

	r = xb_xfer(o->fd, o->x, o->m16, 16, false, NULL, o->x, 16, rx, &got);
	for (unsigned int i = 0; !r && i < got; i++)
		o->m16[i] = rx[i].msg;
	return r || got != 16 ? -1 : 0;
}

static int op_relbad(struct opctx *o)
{
	return xb_rel(o->fd, 99999) == -EBADF ? 0 : -1;
}

static int op_sendbad(struct opctx *o)
{
	return xb_send(o->fd, o->x, 99999) == -EBADF ? 0 : -1;
}

static int op_recvempty(struct opctx *o)
{
	return xb_recv_empty(o->fd, o->x) == -EAGAIN ? 0 : -1;
}

struct opdesc {
	const char *name;
	int (*fn)(struct opctx *o);
	double best;			/* ns per op, least of the rounds */
	bool failed;
};

/*
 * Rounds of a few milliseconds in which every op takes a turn; the least
 * time per op over the rounds is the figure (the host's load only ever
 * adds time).
 */
static void op_rounds(struct opdesc *d, size_t n, struct opctx *o)
{
	uint64_t t0 = now_ns(), t;
	int rounds = 0;

	for (size_t i = 0; i < n; i++)
		d[i].best = 1e18;
	do {
		for (size_t i = 0; i < n; i++) {
			if (d[i].failed)
				continue;
			t = now_ns();
			for (int k = 0; k < 256 && !d[i].failed; k++)
				d[i].failed = d[i].fn(o) != 0;
			t = now_ns() - t;
			if (t / 256.0 < d[i].best)
				d[i].best = t / 256.0;
		}
		rounds++;
	} while (rounds < 5 || now_ns() - t0 < box_ns() * n);
	for (size_t i = 0; i < n; i++) {
		if (d[i].failed)
			result_na("op_ns", d[i].name, 0, "failed");
		else
			result("op_ns", d[i].name, 0, d[i].best, "ns");
	}
}

void ops_all(void)
{
	struct opdesc d[] = {
		{ .name = "getppid", .fn = op_getppid },
		{ .name = "pipe-w+r", .fn = op_pipe },
		{ .name = "features", .fn = op_features },
		{ .name = "rel-bad", .fn = op_relbad },
		{ .name = "send-bad", .fn = op_sendbad },
		{ .name = "recv-empty", .fn = op_recvempty },
		{ .name = "get+rel", .fn = op_getrel },
		{ .name = "send+recv", .fn = op_sendrecv },
		{ .name = "call", .fn = op_call },
		{ .name = "xfer16", .fn = op_xfer16 },
	};
	struct opctx o = { .fd = -1 };
	char pname[XNAME], xname[XNAME];
	uint64_t off;
	bool bad;

	snprintf(pname, sizeof(pname), "ipcb.%d.ops.pool", getpid());
	snprintf(xname, sizeof(xname), "ipcb.%d.ops.x", getpid());
	if (pipe(o.pfd))
		return;
	o.fd = xb_open();
	bad = o.fd < 0 || xb_pool_create(o.fd, pname, 64, 32, &o.pool) ||
	      xb_xchg_create(o.fd, xname, XK_NORMAL, &o.x) ||
	      xb_get(o.fd, o.pool, &o.msg, &off);
	for (int i = 0; !bad && i < 16; i++)
		bad = xb_get(o.fd, o.pool, &o.m16[i], &off) != 0;
	if (bad)
		result_na("op_ns", "xmsg", 0, "setup_failed");
	else
		op_rounds(d, sizeof(d) / sizeof(d[0]), &o);
	if (o.fd >= 0)
		close(o.fd);
	close(o.pfd[0]);
	close(o.pfd[1]);
}
