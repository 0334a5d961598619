// SPDX-License-Identifier: GPL-2.0
/*
 * ipc_bench peer "shmring": a 2 MiB byte ring per direction in
 * MAP_SHARED memory; the sender memcpy()s the payload in, the receiver
 * memcpy()s it out; FUTEX_WAIT only when the ring is empty or full,
 * FUTEX_WAKE only when the other side sleeps; no spinning.
 */
#include <string.h>
#include <sys/mman.h>
#include "ipc_bench.h"

#define RING_SIZE	(2 * MIB)

struct ring {
	_Atomic uint64_t head;		/* bytes written, by the producer */
	_Atomic uint32_t hseq;		/* futex word: bumped with head */
	_Atomic uint32_t cwait;		/* consumer sleeps on hseq */
	char pad1[48];
	_Atomic uint64_t tail;		/* bytes read, by the consumer */
	_Atomic uint32_t tseq;		/* futex word: bumped with tail */
	_Atomic uint32_t pwait;		/* producer sleeps on tseq */
	char pad2[48];
	char data[RING_SIZE];
};

/* Both directions in one mapping. */
struct ring_chan {
	struct ring ring[2];
};

static int ring_setup(struct chan *c, size_t size, const char **why)
{
	c->priv = shm_alloc(sizeof(struct ring_chan));
	if (!c->priv) {
		*why = "mmap_failed";
		return -ENOMEM;
	}
	return bufs_setup(c, size, size);
}

static void ring_teardown(struct chan *c)
{
	if (c->priv)
		munmap(c->priv, sizeof(struct ring_chan));
	c->priv = NULL;
	bufs_teardown(c);
}

static int ring_put(struct ring *r, const char *src, size_t len)
{
	while (len) {
		uint64_t head = atomic_load_explicit(&r->head,
						     memory_order_relaxed);
		uint64_t tail = atomic_load(&r->tail);
		size_t off = head % RING_SIZE;
		size_t n = RING_SIZE - (head - tail);

		if (!n) {
			uint32_t s = atomic_load(&r->tseq);

			atomic_store(&r->pwait, 1);
			if (atomic_load(&r->tail) == tail)
				futex_wait(&r->tseq, s);
			if (watchdog_fired)
				return -1;
			continue;
		}
		n = n < len ? n : len;
		n = n < RING_SIZE - off ? n : RING_SIZE - off;
		memcpy(r->data + off, src, n);
		atomic_store(&r->head, head + n);
		atomic_fetch_add(&r->hseq, 1);
		if (atomic_exchange(&r->cwait, 0))
			futex_wake(&r->hseq, 1);
		src += n;
		len -= n;
	}
	return 0;
}

static int ring_get(struct ring *r, char *dst, size_t len)
{
	while (len) {
		uint64_t tail = atomic_load_explicit(&r->tail,
						     memory_order_relaxed);
		uint64_t head = atomic_load(&r->head);
		size_t off = tail % RING_SIZE;
		size_t n = head - tail;

		if (!n) {
			uint32_t s = atomic_load(&r->hseq);

			atomic_store(&r->cwait, 1);
			if (atomic_load(&r->head) == head)
				futex_wait(&r->hseq, s);
			if (watchdog_fired)
				return -1;
			continue;
		}
		n = n < len ? n : len;
		n = n < RING_SIZE - off ? n : RING_SIZE - off;
		memcpy(dst, r->data + off, n);
		atomic_store(&r->tail, tail + n);
		atomic_fetch_add(&r->tseq, 1);
		if (atomic_exchange(&r->pwait, 0))
			futex_wake(&r->tseq, 1);
		dst += n;
		len -= n;
	}
	return 0;
}

static int ring_tx(struct chan *c, int role)
{
	struct ring_chan *rc = c->priv;

	return ring_put(&rc->ring[role], c->txb, c->size);
}

static void *ring_rx(struct chan *c, int role)
{
	struct ring_chan *rc = c->priv;

	return ring_get(&rc->ring[!role], c->rxb, c->size) ? NULL : c->rxb;
}

const struct peer peer_shmring = {
	.name = "shmring", .setup = ring_setup, .teardown = ring_teardown,
	.attach = noop_attach, .tx_buf = copy_tx_buf, .tx = ring_tx,
	.rx = ring_rx, .rx_done = copy_rx_done, .reply_buf = copy_reply_buf,
};
