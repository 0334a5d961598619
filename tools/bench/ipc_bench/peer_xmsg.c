// SPDX-License-Identifier: GPL-2.0
/*
 * ipc_bench peer "xmsg": an xmsg normal exchange per direction, bodies in
 * place in the pool mapping.  The sender gets a message, writes the body
 * in place and sends the handle; the receiver reads the body in place and
 * releases it (round trip: sends it back as the reply).  Throughput: the
 * receiver returns each message to a free-message exchange that the
 * sender receives from.  One ioctl per send, receive, get and release.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "xmsg_chan.h"

static unsigned int xpool_blocks(size_t size, bool tput)
{
	if (!tput)
		return 4;
	return size >= MIB ? 16 : 128;
}

/* Names unique per channel, so a failed teardown cannot collide. */
static void xnames(struct xchan *x, const char *tag)
{
	static unsigned int seq;

	seq++;
	snprintf(x->pname, XNAME, "ipcb.%d.%s%u.pool", getpid(), tag, seq);
	for (int i = 0; i < 3; i++)
		snprintf(x->xname[i], XNAME, "ipcb.%d.%s%u.x%d", getpid(), tag,
			 seq, i);
}

static int xattach_objs(struct xchan *x, bool create, size_t size,
			unsigned int nblocks)
{
	int r, i;

	x->cur = -1;
	x->fd = xb_open();
	if (x->fd < 0)
		return x->fd;
	r = create ? xb_pool_create(x->fd, x->pname, size, nblocks, &x->pool)
		   : xb_pool_open(x->fd, x->pname, &x->pool);
	for (i = 0; !r && i < 3; i++)
		r = create ? xb_xchg_create(x->fd, x->xname[i], XK_NORMAL,
					    &x->x[i])
			   : xb_xchg_open(x->fd, x->xname[i], &x->x[i]);
	if (r)
		return r;
	x->base = xb_pool_map(x->fd, x->pool, &x->maplen);
	return x->base ? 0 : -errno;
}

static void xdetach(struct xchan *x, bool destroy)
{
	int r;

	if (x->fd < 0)
		return;
	if (x->cur >= 0)
		xb_rel(x->fd, x->cur);
	x->cur = -1;
	/* batches: what was received but not used, or kept back */
	while (x->istash < x->nstash)
		xb_rel(x->fd, x->stash[x->istash++].msg);
	while (x->npend)
		xb_rel(x->fd, x->pend[--x->npend]);
	if (x->base)
		munmap(x->base, x->maplen);
	x->base = NULL;
	if (destroy) {
		/* destroying an exchange releases what is queued there */
		for (int i = 0; i < 3; i++)
			xb_xchg_destroy(x->fd, x->x[i]);
		r = xb_pool_destroy(x->fd, x->pool);
		if (r)
			fprintf(stderr, "ipc_bench: destroy pool %s: %s\n",
				x->pname, strerror(-r));
	}
	close(x->fd);
	x->fd = -1;
}

int xmsg_chan_setup(struct chan *c, size_t size, const char **why, bool call)
{
	struct xchan *x = calloc(1, sizeof(*x));
	unsigned int n = xpool_blocks(size, c->tput);
	int r;

	if (!x)
		return -ENOMEM;
	c->priv = x;
	c->size = size;
	x->call = call;
	x->tput = c->tput;
	/* half the pool: both sides may hold a batch at once */
	x->batch = n / 2 < XBATCH_MAX ? n / 2 : XBATCH_MAX;
	xnames(x, call ? "call" : "norm");
	r = xattach_objs(x, true, size, n);
	/* Throughput: the free exchange starts with every block. */
	for (unsigned int i = 0; !r && x->tput && i < n; i++) {
		uint32_t m;
		uint64_t off;

		r = xb_get(x->fd, x->pool, &m, &off);
		if (!r)
			r = xb_send(x->fd, x->x[2], m);
	}
	if (r) {
		*why = x->fd < 0 ? xb_why : strerror(-r);
		xdetach(x, true);
		free(x);
		c->priv = NULL;
	}
	return r;
}

static int xmsg_setup(struct chan *c, size_t size, const char **why)
{
	return xmsg_chan_setup(c, size, why, false);
}

void xmsg_teardown(struct chan *c)
{
	if (c->priv) {
		xdetach(c->priv, true);
		free(c->priv);
		c->priv = NULL;
	}
}

/* The child opens /dev/xmsg itself: it is an owner of its own. */
int xmsg_attach(struct chan *c, int role)
{
	struct xchan *x = c->priv;

	if (role == 0)
		return 0;
	close(x->fd);
	x->fd = -1;
	munmap(x->base, x->maplen);
	return xattach_objs(x, false, 0, 0);
}

void *xmsg_take(struct xchan *x, int r, struct xrx *rx)
{
	if (r) {
		errno = -r;
		return NULL;
	}
	x->cur = rx->msg;
	x->cur_off = rx->off;
	return x->base + rx->off;
}

/* The body the next message is written into. */
void *xmsg_tx_buf(struct chan *c, UNUSED int role)
{
	struct xchan *x = c->priv;
	struct xrx rx;
	uint32_t m;
	int r;

	if (x->cur >= 0)
		return x->base + x->cur_off;
	if (x->tput && x->call)
		return xbatch_next(x, x->x[0], x->x[2]);
	if (x->tput)		/* a free message from the free exchange */
		return xmsg_take(x, xb_recv(x->fd, x->x[2], false, &rx), &rx);
	r = xb_get(x->fd, x->pool, &m, &rx.off);
	rx.msg = m;
	return xmsg_take(x, r, &rx);
}

int xmsg_tx(struct chan *c, int role)
{
	struct xchan *x = c->priv;
	int r;

	if (x->tput && x->call) {	/* sent with the next batch */
		x->pend[x->npend++] = x->cur;
		x->cur = -1;
		return 0;
	}
	r = xb_send(x->fd, x->x[role], x->cur);
	x->cur = -1;
	return r ? -1 : 0;
}

void *xmsg_rx(struct chan *c, int role)
{
	struct xchan *x = c->priv;
	struct xrx rx;

	if (x->tput && x->call)	/* return the read ones, take more */
		return xbatch_next(x, x->x[2], x->x[0]);
	return xmsg_take(x, xb_recv(x->fd, x->x[!role], false, &rx), &rx);
}

int xmsg_rx_done(struct chan *c, int role)
{
	struct xchan *x = c->priv;
	int r;

	if (x->call && role == 0)	/* the client keeps its message */
		return 0;
	if (x->call && x->tput) {	/* returned by the next call */
		x->pend[x->npend++] = x->cur;
		x->cur = -1;
		return 0;
	}
	if (x->tput)			/* back to the free exchange */
		r = xb_send(x->fd, x->x[2], x->cur);
	else
		r = xb_rel(x->fd, x->cur);
	x->cur = -1;
	return r;
}

/* The server answers in the message it received. */
void *xmsg_reply_buf(struct chan *c, UNUSED int role)
{
	struct xchan *x = c->priv;

	return x->base + x->cur_off;
}

const struct peer peer_xmsg = {
	.name = "xmsg", .setup = xmsg_setup,
	.teardown = xmsg_teardown, .attach = xmsg_attach,
	.tx_buf = xmsg_tx_buf, .tx = xmsg_tx, .rx = xmsg_rx,
	.rx_done = xmsg_rx_done, .reply_buf = xmsg_reply_buf,
};
