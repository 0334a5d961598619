// SPDX-License-Identifier: GPL-2.0
/*
 * ipc_bench peer "shmpool": the zero-copy shared-memory model of iceoryx2
 * done by hand, the baseline that xmsg is measured against at small
 * sizes.  One MAP_SHARED pool of fixed blocks, owned by the parent; a
 * lock-free single-producer single-consumer queue of block offsets per
 * direction and one that returns blocks to the owner.  The sender writes
 * the body in place and pushes its offset; the receiver pops the offset,
 * reads the body in place and pushes the offset back (round trip: it
 * answers in the same block).  No payload copy, no system call per
 * message: a futex wake only when the other side sleeps (its need-wake
 * flag), a futex wait only when a queue is empty, after a short spin on
 * more than one CPU.  A sender whose blocks are all in flight sleeps
 * until half of them are back, so that the two sides do not wake each
 * other once per message.
 */
#include <stdlib.h>
#include <sys/mman.h>
#include "ipc_bench.h"

#define SHMPOOL_MAX_BLOCKS	128

/* Private to each process (copied at fork); the mapping is shared. */
struct shmpool_chan {
	char *base;			/* the MAP_SHARED mapping */
	size_t len;
	struct spsc *q[3];		/* 0 p->c, 1 c->p, 2 back to the owner */
	char *blocks;
	size_t stride;
	unsigned int nblocks;
	uint32_t free[SHMPOOL_MAX_BLOCKS];	/* owner's free blocks */
	unsigned int nfree;
	int64_t cur;			/* offset of the block held, or -1 */
};

static size_t align_up(size_t v, size_t a)
{
	return (v + a - 1) / a * a;
}

static int shmpool_setup(struct chan *c, size_t size, const char **why)
{
	struct shmpool_chan *s = calloc(1, sizeof(*s));
	size_t qb, off = 0;

	if (!s)
		return -ENOMEM;
	c->priv = s;
	c->size = size;
	/* as many blocks as the xmsg peers' pools */
	s->nblocks = !c->tput ? 4 : size >= MIB ? 16 : SHMPOOL_MAX_BLOCKS;
	s->stride = align_up(size, 64);
	qb = align_up(spsc_bytes(s->nblocks), 64);
	s->len = align_up(3 * qb, 4096) + s->nblocks * s->stride;
	s->base = shm_alloc(s->len);
	if (!s->base) {
		*why = "mmap_failed";
		return -ENOMEM;
	}
	for (int i = 0; i < 3; i++, off += qb) {
		s->q[i] = (struct spsc *)(s->base + off);
		spsc_init(s->q[i], s->nblocks);
	}
	s->blocks = s->base + align_up(3 * qb, 4096);
	for (unsigned int i = 0; i < s->nblocks; i++)
		s->free[s->nfree++] = i * s->stride;
	s->cur = -1;
	return 0;
}

static void shmpool_teardown(struct chan *c)
{
	struct shmpool_chan *s = c->priv;

	if (s && s->base)
		munmap(s->base, s->len);
	free(s);
	c->priv = NULL;
}

/* The owner (the parent) takes a free block: its own, or a returned one. */
static void *shmpool_tx_buf(struct chan *c, int role)
{
	struct shmpool_chan *s = c->priv;
	uint32_t off;

	if (s->cur >= 0)
		return s->blocks + s->cur;
	if (role != 0)
		return NULL;
	/* all in flight: wait for half of them, not one by one */
	if (!s->nfree && spsc_wait(s->q[2], s->nblocks > 1 ? s->nblocks / 2
							   : 1))
		return NULL;
	while (s->nfree < s->nblocks && spsc_try_pop(s->q[2], &off))
		s->free[s->nfree++] = off;
	s->cur = s->free[--s->nfree];
	return s->blocks + s->cur;
}

static int shmpool_tx(struct chan *c, int role)
{
	struct shmpool_chan *s = c->priv;

	if (s->cur < 0)
		return -1;
	spsc_push(s->q[role], s->cur);
	s->cur = -1;
	return 0;
}

static void *shmpool_rx(struct chan *c, int role)
{
	struct shmpool_chan *s = c->priv;
	uint32_t off;

	if (spsc_pop(s->q[!role], &off) || off >= s->nblocks * s->stride)
		return NULL;
	s->cur = off;
	return s->blocks + off;
}

/* Read: the owner keeps the block, the other side returns it. */
static int shmpool_rx_done(struct chan *c, int role)
{
	struct shmpool_chan *s = c->priv;

	if (s->cur < 0)
		return -1;
	if (role == 0)
		s->free[s->nfree++] = s->cur;
	else
		spsc_push(s->q[2], s->cur);
	s->cur = -1;
	return 0;
}

/* The child answers in the block it received. */
static void *shmpool_reply_buf(struct chan *c, UNUSED int role)
{
	struct shmpool_chan *s = c->priv;

	return s->cur < 0 ? NULL : s->blocks + s->cur;
}

const struct peer peer_shmpool = {
	.name = "shmpool", .setup = shmpool_setup,
	.teardown = shmpool_teardown, .attach = noop_attach,
	.tx_buf = shmpool_tx_buf, .tx = shmpool_tx, .rx = shmpool_rx,
	.rx_done = shmpool_rx_done, .reply_buf = shmpool_reply_buf,
};
