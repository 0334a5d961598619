// SPDX-License-Identifier: GPL-2.0
/*
 * ipc_bench peer "xmsg-stream": xmsg exchanges fed by send rings
 * (XMSG_IOC_TXRING) and read through receive rings (XMSG_IOC_RING).  A
 * sender takes a leased block from its fill ring, writes the body in
 * place and posts a descriptor; a receiver reads the entries and the
 * bodies in place and advances its consumer index, calling poll() only
 * when its ring is empty.  No system call per message on either side
 * while the kernel drains the send ring by itself.
 *
 * Kicks follow the wake-up protocol of io_uring's submission queue and
 * AF_XDP: the sender stores the send producer index (store-release),
 * issues a full barrier and reads the ring's flags; it calls
 * XMSG_IOC_TXRING_KICK only when XMSG_TXRING_F_NEED_WAKEUP is set, when
 * it has no block left to fill (a kick also leases blocks again) and
 * when it flushes.  It looks at the flag once per send ring's worth of
 * posts in throughput (as an AF_XDP sender kicks once per batch; on one
 * CPU, every kick lets the receiver run), after every post in a round
 * trip, and kicks before it
 * waits for blocks, so that nothing it posted stays unkicked while the
 * flag asks for a kick.  It reaps completions at every post (one load of
 * the completion producer index when there are none), so the completion
 * ring does not fill when nobody kicks.
 *
 * Throughput: one exchange; the parent holds the send ring, the child the
 * receive ring.  Round trip: one exchange per direction; each side has a
 * send ring to its own exchange and a receive ring on the other's,
 * a single message in flight, a kick after every post while the flag is
 * set (the other side sleeps in poll()).  Both directions take their
 * blocks from one pool, as the "xmsg" and "shmpool" peers do, so that
 * the three zero-copy peers differ in how a message moves, not in the
 * memory it moves in (a pool per direction would add a second mapping
 * and nothing per message).  A send
 * ring sends only blocks leased to it, so the replier cannot answer in
 * the block it received: it gives that one back by advancing its
 * consumer index and writes the reply into a block of its own fill ring,
 * without a system call either way.
 */
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include "ipc_bench.h"

/* round trip: blocks of the pool, and leased to each send ring */
#define STREAM_RTT_BLOCKS	8
#define STREAM_RTT_LEASED	2

/* A process's send ring. */
struct stream_tx {
	int fd;
	char *map;
	size_t len;
	struct xmsg_txring_hdr *h;
	struct xmsg_txring_desc *send;
	struct xmsg_txring_comp *comp;
	uint64_t *fill;
	uint32_t mask, prod, fcons, ccons;
	uint32_t unkicked;		/* posted since the last look at the flag */
	int64_t cur;			/* offset of the block being filled */
};

/* A process's receive ring. */
struct stream_rx {
	int fd;
	struct xmsg_ring_hdr *h;
	size_t len;
	struct xmsg_ring_entry *ent;
	uint32_t mask, cons;
};

struct stream_chan {
	char pname[XNAME], xname[2][XNAME];
	int fd;
	uint32_t pool, xchg[2];		/* exchanges: 0 p->c, 1 c->p */
	unsigned int nxchg;		/* 1 throughput, 2 round trip */
	char *base;			/* the pool mapping */
	size_t maplen;
	unsigned int nblocks;		/* of the pool */
	unsigned int tx_entries, tx_blocks, rx_entries;
	unsigned int batch;		/* posts between two looks at the flag */
	struct stream_tx tx;
	struct stream_rx rx;
};

static int sioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

static int stream_setup(struct chan *c, size_t size, const char **why)
{
	struct stream_chan *s;
	static unsigned int seq;
	int r;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	c->priv = s;
	c->size = size;
	s->tx.fd = -1;
	s->rx.fd = -1;
	s->tx.cur = -1;
	if (c->tput) {
		s->nblocks = size >= MIB ? 16 : 128;
		s->nxchg = 1;
		s->tx_entries = s->nblocks / 2;
		s->tx_blocks = s->tx_entries;
		s->rx_entries = s->nblocks;
		s->batch = s->tx_entries;
	} else {
		s->nblocks = STREAM_RTT_BLOCKS;
		s->nxchg = 2;
		s->tx_entries = STREAM_RTT_LEASED;
		s->tx_blocks = STREAM_RTT_LEASED;
		s->rx_entries = STREAM_RTT_BLOCKS;
		s->batch = 1;
	}
	seq++;
	snprintf(s->pname, XNAME, "ipcb.%d.strm%u.pool", getpid(), seq);
	for (unsigned int i = 0; i < s->nxchg; i++)
		snprintf(s->xname[i], XNAME, "ipcb.%d.strm%u.x%u", getpid(),
			 seq, i);
	s->fd = xb_open();
	if (s->fd < 0) {
		*why = xb_why;
		return s->fd;
	}
	r = xb_pool_create(s->fd, s->pname, size, s->nblocks, &s->pool);
	for (unsigned int i = 0; !r && i < s->nxchg; i++)
		r = xb_xchg_create(s->fd, s->xname[i], XK_NORMAL,
				   &s->xchg[i]);
	if (r)
		*why = strerror(-r);
	return r;	/* on failure run_pair() tears down */
}

static void stream_teardown(struct chan *c)
{
	struct stream_chan *s = c->priv;

	if (!s)
		return;
	if (s->tx.map)
		munmap(s->tx.map, s->tx.len);
	if (s->tx.fd >= 0)
		close(s->tx.fd);	/* its leased blocks go back to the pool */
	if (s->rx.h)
		munmap(s->rx.h, s->rx.len);
	if (s->rx.fd >= 0)
		close(s->rx.fd);	/* the messages in it are released */
	if (s->base)
		munmap(s->base, s->maplen);
	if (s->fd >= 0) {
		/* handle 0 is never valid: a failed create destroys nothing */
		for (unsigned int i = 0; i < s->nxchg; i++)
			xb_xchg_destroy(s->fd, s->xchg[i]);
		xb_pool_destroy(s->fd, s->pool);
		close(s->fd);
	}
	free(s);
	c->priv = NULL;
}

/* A send ring to @xchg. */
static int stream_attach_tx(struct stream_chan *s, uint32_t xchg)
{
	struct xmsg_txring_setup ts = { .size = sizeof(ts) };
	struct stream_tx *t = &s->tx;
	int r;

	ts.xchg = xchg;
	ts.pool = s->pool;
	ts.entries = s->tx_entries;
	ts.blocks = s->tx_blocks;
	ts.flags = XMSG_FD_CLOEXEC;
	r = sioctl(s->fd, XMSG_IOC_TXRING, &ts);
	if (r)
		return r;
	t->fd = ts.fd;
	t->len = ts.map_size;
	t->map = mmap(NULL, ts.map_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      ts.fd, 0);
	if (t->map == MAP_FAILED) {
		t->map = NULL;
		return -errno;
	}
	t->h = (struct xmsg_txring_hdr *)t->map;
	t->send = (struct xmsg_txring_desc *)(t->map + ts.send_offset);
	t->comp = (struct xmsg_txring_comp *)(t->map + ts.comp_offset);
	t->fill = (uint64_t *)(t->map + ts.fill_offset);
	t->mask = ts.entries - 1;
	return 0;
}

/* A receive ring at @xchg. */
static int stream_attach_rx(struct stream_chan *s, uint32_t xchg)
{
	struct xmsg_ring_setup rs = { .size = sizeof(rs) };
	struct stream_rx *x = &s->rx;
	void *m;
	int r;

	rs.xchg = xchg;
	rs.pool = s->pool;
	rs.entries = s->rx_entries;
	rs.flags = XMSG_FD_CLOEXEC;
	r = sioctl(s->fd, XMSG_IOC_RING, &rs);
	if (r)
		return r;
	x->fd = rs.fd;
	m = mmap(NULL, rs.map_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 rs.fd, 0);
	if (m == MAP_FAILED)
		return -errno;
	x->len = rs.map_size;
	x->h = m;
	x->ent = (struct xmsg_ring_entry *)((char *)m +
					    XMSG_RING_ENTRIES_OFFSET);
	x->mask = x->h->entries - 1;
	return 0;
}

/* The child opens /dev/xmsg itself and the objects by name. */
static int stream_reopen(struct stream_chan *s)
{
	int r = 0;

	close(s->fd);
	s->fd = xb_open();
	if (s->fd < 0)
		return s->fd;
	r = xb_pool_open(s->fd, s->pname, &s->pool);
	for (unsigned int i = 0; !r && i < s->nxchg; i++)
		r = xb_xchg_open(s->fd, s->xname[i], &s->xchg[i]);
	return r;
}

/*
 * The parent sends on exchange 0 (and receives on 1), the child receives
 * on 0 (and sends on 1).  Each sets up the ring of the direction it
 * receives on before the other can send there.
 */
static int stream_attach(struct chan *c, int role)
{
	struct stream_chan *s = c->priv;
	bool rtt = s->nxchg > 1;
	int r = 0;

	if (role) {
		r = stream_reopen(s);
		if (!r)
			r = stream_attach_rx(s, s->xchg[0]);
	}
	if (r)
		return r;
	s->base = xb_pool_map(s->fd, s->pool, &s->maplen);
	if (!s->base)
		return -errno;
	if (role == 0)
		r = stream_attach_tx(s, s->xchg[0]);
	if (!r && rtt)
		r = role ? stream_attach_tx(s, s->xchg[1])
			 : stream_attach_rx(s, s->xchg[1]);
	return r;
}

/* Read the new completions: the first refusal, or 0. */
static int stream_reap(struct stream_tx *t)
{
	uint32_t n = __atomic_load_n(&t->h->comp_producer, __ATOMIC_ACQUIRE);
	int r = 0;

	if (n == t->ccons)
		return 0;
	for (; t->ccons != n; t->ccons++)
		if (t->comp[t->ccons & t->mask].err && !r)
			r = t->comp[t->ccons & t->mask].err;
	__atomic_store_n(&t->h->comp_consumer, t->ccons, __ATOMIC_RELEASE);
	return r;
}

static int stream_kick(struct stream_chan *s)
{
	struct xmsg_txring_kick k = { .size = sizeof(k),
				      .ring_fd = s->tx.fd };
	int r;

	s->tx.unkicked = 0;
	r = sioctl(s->fd, XMSG_IOC_TXRING_KICK, &k);
	return stream_reap(&s->tx) ?: r;
}

/*
 * After the store of the send producer index: kick if no drain will see
 * the posts without one.  The full barrier orders that store before the
 * load of the flag, against the kernel's store of the flag, barrier and
 * load of the index.
 */
static int stream_wake(struct stream_chan *s)
{
	struct stream_tx *t = &s->tx;

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&t->h->flags, __ATOMIC_RELAXED) &
	    XMSG_TXRING_F_NEED_WAKEUP)
		return stream_kick(s);
	t->unkicked = 0;
	return 0;
}

/* A leased block from the fill ring, kicking (and yielding) for more. */
static void *stream_tx_buf(struct chan *c, UNUSED int role)
{
	struct stream_chan *s = c->priv;
	struct stream_tx *t = &s->tx;
	unsigned int spins = 0;

	if (t->cur >= 0)
		return s->base + t->cur;
	/* out of blocks: what is posted is kicked before any wait */
	while (__atomic_load_n(&t->h->fill_producer, __ATOMIC_ACQUIRE) ==
	       t->fcons) {
		if (stream_kick(s) || ++spins > 10000000)
			return NULL;
		if (__atomic_load_n(&t->h->fill_producer,
				    __ATOMIC_ACQUIRE) == t->fcons)
			sched_yield();	/* the receiver holds every block */
	}
	t->cur = t->fill[t->fcons++ & t->mask];
	__atomic_store_n(&t->h->fill_consumer, t->fcons, __ATOMIC_RELAXED);
	if ((uint64_t)t->cur + c->size > s->maplen)
		return NULL;
	return s->base + t->cur;
}

static int stream_tx(struct chan *c, UNUSED int role)
{
	struct stream_chan *s = c->priv;
	struct stream_tx *t = &s->tx;
	struct xmsg_txring_desc *d;

	if (t->cur < 0)
		return -1;
	d = &t->send[t->prod & t->mask];
	d->offset = t->cur;
	d->len = c->size;
	d->prio = 0;
	d->flags = 0;
	t->prod++;
	__atomic_store_n(&t->h->send_producer, t->prod, __ATOMIC_RELEASE);
	t->cur = -1;
	if (stream_reap(t))
		return -1;
	if (++t->unkicked >= s->batch)
		return stream_wake(s) ? -1 : 0;
	return 0;
}

/* Kick until the kernel has taken every post. */
static int stream_flush(struct chan *c, UNUSED int role)
{
	struct stream_chan *s = c->priv;

	while (__atomic_load_n(&s->tx.h->send_consumer, __ATOMIC_ACQUIRE) !=
	       s->tx.prod)
		if (stream_kick(s))
			return -1;
	return 0;
}

static void *stream_rx(struct chan *c, UNUSED int role)
{
	struct stream_chan *s = c->priv;
	struct stream_rx *x = &s->rx;
	struct pollfd pf = { .fd = x->fd, .events = POLLIN };
	const struct xmsg_ring_entry *e;

	/*
	 * No timeout, as a pipe's read has none (a timed poll() costs two
	 * clock reads and an hrtimer per sleep): the parent's watchdog
	 * alarm interrupts it (EINTR) or kills the child.
	 */
	while (__atomic_load_n(&x->h->producer, __ATOMIC_ACQUIRE) == x->cons) {
		if (poll(&pf, 1, -1) <= 0 ||
		    (pf.revents & POLLHUP))
			return NULL;
	}
	e = &x->ent[x->cons & x->mask];
	if (e->offset + c->size > s->maplen || e->length != c->size)
		return NULL;
	return s->base + e->offset;
}

static int stream_rx_done(struct chan *c, UNUSED int role)
{
	struct stream_chan *s = c->priv;

	s->rx.cons++;
	__atomic_store_n(&s->rx.h->consumer, s->rx.cons, __ATOMIC_RELEASE);
	return 0;
}

/* The reply goes in a block of the replier's own send ring. */
static void *stream_reply_buf(struct chan *c, int role)
{
	stream_rx_done(c, role);
	return stream_tx_buf(c, role);
}

const struct peer peer_xmsg_stream = {
	.name = "xmsg-stream", .setup = stream_setup,
	.teardown = stream_teardown, .attach = stream_attach,
	.tx_buf = stream_tx_buf, .tx = stream_tx, .rx = stream_rx,
	.rx_done = stream_rx_done, .reply_buf = stream_reply_buf,
	.flush = stream_flush,
};
