// SPDX-License-Identifier: GPL-2.0
/*
 * ipc_bench measurement "rtt": round trips timed one by one.  The parent
 * stamps a message and sends it, the child checks it and answers with
 * the same sequence number, the parent checks the answer.  A round is a
 * time box of round trips; its figure is its median.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ipc_bench.h"

static int rtt_child(const struct peer *p, struct chan *c)
{
	void *b;
	uint64_t seq;

	if (place_self(1) || p->attach(c, 1))
		return 1;
	set_ready();
	b = p->rx(c, 1);
	for (;;) {
		if (!b)
			return 2;
		seq = check(b, c->size);
		if (seq == STOP_SEQ)
			return p->rx_done(c, 1) ? 3 : 0;
		if (seq == BAD_SEQ)
			return 4;
		b = p->reply_buf(c, 1);
		if (!b)
			return 5;
		stamp(b, c->size, seq);
		if (p->txrx) {
			b = p->txrx(c, 1);
		} else {
			if (p->tx(c, 1))
				return 6;
			b = p->rx(c, 1);
		}
	}
}

static int rtt_one(const struct peer *p, struct chan *c, uint64_t seq)
{
	void *b = p->tx_buf(c, 0);

	if (!b)
		return -1;
	stamp(b, c->size, seq);
	if (p->txrx) {
		b = p->txrx(c, 0);
	} else {
		if (p->tx(c, 0))
			return -1;
		b = p->rx(c, 0);
	}
	if (!b || check(b, c->size) != seq)
		return -1;
	return p->rx_done(c, 0);
}

struct rtt_out {
	uint64_t *lat;
	size_t cap, n;
};

static int rtt_parent(const struct peer *p, struct chan *c, void *arg)
{
	struct rtt_out *o = arg;
	uint64_t *lat = o->lat, t0 = now_ns(), t, seq;
	size_t n = 0, cap = o->cap;
	void *b;

	if (place_self(0) || p->attach(c, 0))
		return -1;
	wait_ready();
	for (seq = 0; seq < 3; seq++)		/* warm up */
		if (rtt_one(p, c, seq))
			return -1;
	while (n < cap) {
		t = now_ns();
		if (rtt_one(p, c, seq++))
			return -1;
		lat[n++] = now_ns() - t;
		if (n >= (size_t)opt.min_iters &&
		    now_ns() - t0 > round_box_ns())
			break;
	}
	o->n = n;
	b = p->tx_buf(c, 0);
	if (!b)
		return -1;
	stamp(b, c->size, STOP_SEQ);
	return p->tx(c, 0);
}

void rtt_round(const struct peer *p, size_t size, struct acc *a)
{
	struct chan c = { 0 };
	struct rtt_out o = { 0 };
	int i = a->nround++;

	a->round[i] = NAN;
	if (a->why)
		return;
	if (!a->v)
		a->v = calloc(MAX_SAMPLES, sizeof(*a->v));
	if (!a->v || a->n >= MAX_SAMPLES) {
		a->why = a->v ? "too_many_samples" : "no_memory";
		return;
	}
	o.lat = a->v + a->n;
	o.cap = MAX_SAMPLES - a->n;
	if (run_pair(p, &c, size, rtt_child, rtt_parent, &o, &a->why))
		return;
	if (!o.n) {
		a->why = "no_samples";
		return;
	}
	qsort(o.lat, o.n, sizeof(*o.lat), cmp_u64);
	a->round[i] = pct(o.lat, o.n, 0.5);
	a->n += o.n;
}

void rtt_emit(const struct peer *p, size_t size, struct acc *a)
{
	if (a->why || !a->n) {
		result_na("rtt_median", p->name, size, a->why ?: "no_samples");
		result_na("rtt_p99", p->name, size, a->why ?: "no_samples");
	} else {
		result_rounds("rtt_median", p->name, size, a->round,
			      a->nround, "ns");
		qsort(a->v, a->n, sizeof(*a->v), cmp_u64);
		result("rtt_p99", p->name, size, pct(a->v, a->n, 0.99), "ns");
		result("rtt_samples", p->name, size, a->n, "n");
	}
	free(a->v);
	memset(a, 0, sizeof(*a));
}
