// SPDX-License-Identifier: GPL-2.0
/*
 * ipc_bench measurement "tput": one-way throughput, from the first send
 * to the last receive.  The child checks that the sequence numbers come
 * in order; with -V the parent fills every byte of every body and the
 * child checks every byte and counts those it received right.
 */
#include <math.h>
#include <string.h>
#include "ipc_bench.h"

static int tput_child(const struct peer *p, struct chan *c)
{
	uint64_t seq, expect = 0, bytes = 0, bad = 0;
	void *b;

	if (place_self(1) || p->attach(c, 1))
		return 1;
	set_ready();
	for (;;) {
		size_t wrong = 0;

		b = p->rx(c, 1);
		if (!b)
			return 2;
		seq = check(b, c->size);
		if (opt.verify && seq != STOP_SEQ) {
			wrong = verify(b, c->size, expect);
			bad += wrong;
			bytes += c->size - wrong - (seq == expect ? 0 : 16);
		}
		if (p->rx_done(c, 1))
			return 3;
		if (seq == STOP_SEQ)
			break;
		if (seq != expect++)
			return 4;
	}
	atomic_store(&sh->t_end, now_ns());
	atomic_store(&sh->received, expect);
	atomic_store(&sh->rx_bytes, bytes);
	atomic_store(&sh->rx_bad, bad);
	return 0;
}

struct tput_out {
	uint64_t t0, sent;
};

static int tput_parent(const struct peer *p, struct chan *c, void *arg)
{
	struct tput_out *o = arg;
	uint64_t seq = 0, tb = round_box_ns();
	void *b;

	if (place_self(0) || p->attach(c, 0))
		return -1;
	wait_ready();
	o->t0 = now_ns();
	for (;;) {
		b = p->tx_buf(c, 0);
		if (!b)
			return -1;
		if (opt.verify)
			fill(b, c->size, seq);
		stamp(b, c->size, seq);
		if (p->tx(c, 0))
			return -1;
		o->sent = ++seq;
		if (seq >= (uint64_t)opt.min_iters && !(seq & 7) &&
		    now_ns() - o->t0 > tb)
			break;
	}
	b = p->tx_buf(c, 0);
	if (!b)
		return -1;
	stamp(b, c->size, STOP_SEQ);
	if (p->tx(c, 0))
		return -1;
	return p->flush ? p->flush(c, 0) : 0;
}

void tput_round(const struct peer *p, size_t size, struct acc *a)
{
	struct chan c = { .tput = true };
	struct tput_out o = { 0 };
	int i = a->nround++;
	double secs;
	uint64_t n;

	a->round[i] = NAN;
	if (a->why)
		return;
	if (run_pair(p, &c, size, tput_child, tput_parent, &o, &a->why))
		return;
	n = atomic_load(&sh->received);
	secs = (atomic_load(&sh->t_end) - o.t0) / 1e9;
	if (!n || secs <= 0) {
		a->why = "nothing_received";
		return;
	}
	a->round[i] = n / secs;
	a->msgs += n;
	a->sent += o.sent;
	a->bytes += atomic_load(&sh->rx_bytes);
	a->bad += atomic_load(&sh->rx_bad);
}

void tput_emit(const struct peer *p, size_t size, struct acc *a)
{
	double v[MAX_ROUNDS];

	if (a->why || !a->msgs) {
		result_na("tput_msgs", p->name, size, a->why ?: "failed");
		result_na("tput_bytes", p->name, size, a->why ?: "failed");
	} else {
		result_rounds("tput_msgs", p->name, size, a->round, a->nround,
			      "msg/s");
		for (int i = 0; i < a->nround; i++)
			v[i] = a->round[i] * size;
		result_rounds("tput_bytes", p->name, size, v, a->nround,
			      "B/s");
		if (opt.verify) {
			result("tput_sent", p->name, size, a->sent, "msgs");
			result("tput_received", p->name, size, a->msgs,
			       "msgs");
			result("tput_rx_bytes", p->name, size, a->bytes, "B");
			result("tput_bad_bytes", p->name, size, a->bad, "B");
		}
	}
	memset(a, 0, sizeof(*a));
}
