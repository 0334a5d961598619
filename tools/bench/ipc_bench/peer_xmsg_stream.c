// SPDX-License-Identifier: GPL-2.0
/*
 * ipc_bench peer "xmsg-stream": one-way throughput through an xmsg
 * exchange with a send ring (XMSG_IOC_TXRING) on the sender's side and a
 * receive ring (XMSG_IOC_RING) on the receiver's.  The sender takes a
 * leased block from the fill ring, writes the body in place and posts a
 * descriptor; it kicks the kernel (XMSG_IOC_TXRING_KICK) once per batch
 * or when it runs out of blocks.  The receiver reads the entries and the
 * bodies in place and advances the consumer index; it calls poll() only
 * when its ring is empty.  No system call per message on either side.
 * Throughput only: a round trip would need a ring per direction and
 * says nothing the "xmsg" peer does not.
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

/* descriptors posted between two kicks */
#define STREAM_BATCH	16

struct stream_chan {
	char pname[XNAME], xname[XNAME];
	int fd;
	uint32_t pool, xchg;
	char *base;			/* the pool mapping */
	size_t maplen;
	unsigned int nblocks;
	/* sender: the send ring */
	int tfd;
	char *tmap;
	size_t tlen;
	struct xmsg_txring_hdr *th;
	struct xmsg_txring_desc *send;
	struct xmsg_txring_comp *comp;
	uint64_t *fill;
	uint32_t tmask, prod, fcons, ccons, unkicked;
	int64_t cur;			/* offset of the block being filled */
	/* receiver: the receive ring */
	int rfd;
	struct xmsg_ring_hdr *rh;
	struct xmsg_ring_entry *ent;
	size_t rlen;
	uint32_t rmask, rcons;
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

	if (!c->tput) {
		*why = "tput_only";
		return -EINVAL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	c->priv = s;
	c->size = size;
	s->tfd = s->rfd = -1;
	s->cur = -1;
	s->nblocks = size >= MIB ? 16 : 128;
	seq++;
	snprintf(s->pname, XNAME, "ipcb.%d.strm%u.pool", getpid(), seq);
	snprintf(s->xname, XNAME, "ipcb.%d.strm%u.x", getpid(), seq);
	s->fd = xb_open();
	r = s->fd < 0 ? s->fd : 0;
	if (!r)
		r = xb_pool_create(s->fd, s->pname, size, s->nblocks,
				   &s->pool);
	if (!r)
		r = xb_xchg_create(s->fd, s->xname, XK_NORMAL, &s->xchg);
	if (r) {
		*why = s->fd < 0 ? xb_why : strerror(-r);
		if (s->fd >= 0) {
			xb_pool_destroy(s->fd, s->pool);
			close(s->fd);
		}
		free(s);
		c->priv = NULL;
	}
	return r;
}

static void stream_teardown(struct chan *c)
{
	struct stream_chan *s = c->priv;

	if (!s)
		return;
	if (s->tmap)
		munmap(s->tmap, s->tlen);
	if (s->tfd >= 0)
		close(s->tfd);	/* its leased blocks go back to the pool */
	if (s->base)
		munmap(s->base, s->maplen);
	xb_xchg_destroy(s->fd, s->xchg);
	xb_pool_destroy(s->fd, s->pool);
	close(s->fd);
	free(s);
	c->priv = NULL;
}

/* The sender: the send ring, on the creator's own file. */
static int stream_attach_tx(struct stream_chan *s)
{
	struct xmsg_txring_setup ts = { .size = sizeof(ts) };
	int r;

	ts.xchg = s->xchg;
	ts.pool = s->pool;
	ts.entries = s->nblocks / 2;
	ts.blocks = s->nblocks / 2;
	ts.flags = XMSG_FD_CLOEXEC;
	r = sioctl(s->fd, XMSG_IOC_TXRING, &ts);
	if (r)
		return r;
	s->tfd = ts.fd;
	s->tlen = ts.map_size;
	s->tmap = mmap(NULL, ts.map_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		       ts.fd, 0);
	if (s->tmap == MAP_FAILED) {
		s->tmap = NULL;
		return -errno;
	}
	s->th = (struct xmsg_txring_hdr *)s->tmap;
	s->send = (struct xmsg_txring_desc *)(s->tmap + ts.send_offset);
	s->comp = (struct xmsg_txring_comp *)(s->tmap + ts.comp_offset);
	s->fill = (uint64_t *)(s->tmap + ts.fill_offset);
	s->tmask = ts.entries - 1;
	return 0;
}

/* The receiver opens /dev/xmsg itself and puts a ring at the exchange. */
static int stream_attach_rx(struct stream_chan *s)
{
	struct xmsg_ring_setup rs = { .size = sizeof(rs) };
	void *m;
	int r;

	close(s->fd);
	s->fd = xb_open();
	if (s->fd < 0)
		return s->fd;
	munmap(s->base, s->maplen);
	s->base = NULL;
	r = xb_pool_open(s->fd, s->pname, &s->pool);
	if (!r)
		r = xb_xchg_open(s->fd, s->xname, &s->xchg);
	if (r)
		return r;
	s->base = xb_pool_map(s->fd, s->pool, &s->maplen);
	if (!s->base)
		return -errno;
	rs.xchg = s->xchg;
	rs.pool = s->pool;
	rs.entries = s->nblocks;
	rs.flags = XMSG_FD_CLOEXEC;
	r = sioctl(s->fd, XMSG_IOC_RING, &rs);
	if (r)
		return r;
	m = mmap(NULL, rs.map_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 rs.fd, 0);
	if (m == MAP_FAILED)
		return -errno;
	s->rfd = rs.fd;
	s->rlen = rs.map_size;
	s->rh = m;
	s->ent = (struct xmsg_ring_entry *)((char *)m +
					    XMSG_RING_ENTRIES_OFFSET);
	s->rmask = s->rh->entries - 1;
	return 0;
}

static int stream_attach(struct chan *c, int role)
{
	struct stream_chan *s = c->priv;

	if (role == 0) {
		s->base = xb_pool_map(s->fd, s->pool, &s->maplen);
		if (!s->base)
			return -errno;
		return stream_attach_tx(s);
	}
	return stream_attach_rx(s);
}

static int stream_kick(struct stream_chan *s)
{
	struct xmsg_txring_kick k = { .size = sizeof(k), .ring_fd = s->tfd };
	uint32_t n;
	int r;

	s->unkicked = 0;
	r = sioctl(s->fd, XMSG_IOC_TXRING_KICK, &k);
	/* completions: any refusal is a failure of the measurement */
	n = __atomic_load_n(&s->th->comp_producer, __ATOMIC_ACQUIRE);
	for (; s->ccons != n; s->ccons++)
		if (s->comp[s->ccons & s->tmask].err && !r)
			r = s->comp[s->ccons & s->tmask].err;
	__atomic_store_n(&s->th->comp_consumer, s->ccons, __ATOMIC_RELEASE);
	return r;
}

/* A leased block from the fill ring, kicking (and yielding) for more. */
static void *stream_tx_buf(struct chan *c, UNUSED int role)
{
	struct stream_chan *s = c->priv;
	unsigned int spins = 0;

	if (s->cur >= 0)
		return s->base + s->cur;
	while (__atomic_load_n(&s->th->fill_producer, __ATOMIC_ACQUIRE) ==
	       s->fcons) {
		if (stream_kick(s) || ++spins > 10000000)
			return NULL;
		if (__atomic_load_n(&s->th->fill_producer,
				    __ATOMIC_ACQUIRE) == s->fcons)
			sched_yield();	/* the receiver holds every block */
	}
	s->cur = s->fill[s->fcons++ & s->tmask];
	__atomic_store_n(&s->th->fill_consumer, s->fcons, __ATOMIC_RELAXED);
	if ((uint64_t)s->cur >= s->maplen)
		return NULL;
	return s->base + s->cur;
}

static int stream_tx(struct chan *c, UNUSED int role)
{
	struct stream_chan *s = c->priv;
	struct xmsg_txring_desc *d;

	if (s->cur < 0)
		return -1;
	d = &s->send[s->prod & s->tmask];
	d->offset = s->cur;
	d->len = c->size;
	d->prio = 0;
	d->flags = 0;
	s->prod++;
	__atomic_store_n(&s->th->send_producer, s->prod, __ATOMIC_RELEASE);
	s->cur = -1;
	if (++s->unkicked >= STREAM_BATCH)
		return stream_kick(s) ? -1 : 0;
	return 0;
}

static int stream_flush(struct chan *c, UNUSED int role)
{
	struct stream_chan *s = c->priv;

	while (__atomic_load_n(&s->th->send_consumer, __ATOMIC_ACQUIRE) !=
	       s->prod)
		if (stream_kick(s))
			return -1;
	return 0;
}

static void *stream_rx(struct chan *c, UNUSED int role)
{
	struct stream_chan *s = c->priv;
	struct pollfd pf = { .fd = s->rfd, .events = POLLIN };
	const struct xmsg_ring_entry *e;

	while (__atomic_load_n(&s->rh->producer, __ATOMIC_ACQUIRE) ==
	       s->rcons) {
		if (poll(&pf, 1, WATCHDOG_S * 1000) <= 0 ||
		    (pf.revents & POLLHUP))
			return NULL;
	}
	e = &s->ent[s->rcons & s->rmask];
	if (e->offset >= s->maplen || e->length != c->size)
		return NULL;
	return s->base + e->offset;
}

static int stream_rx_done(struct chan *c, UNUSED int role)
{
	struct stream_chan *s = c->priv;

	s->rcons++;
	__atomic_store_n(&s->rh->consumer, s->rcons, __ATOMIC_RELEASE);
	return 0;
}

const struct peer peer_xmsg_stream = {
	.name = "xmsg-stream", .setup = stream_setup,
	.teardown = stream_teardown, .attach = stream_attach,
	.tx_buf = stream_tx_buf, .tx = stream_tx, .rx = stream_rx,
	.rx_done = stream_rx_done, .flush = stream_flush,
};
