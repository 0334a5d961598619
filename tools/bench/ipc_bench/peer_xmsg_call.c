// SPDX-License-Identifier: GPL-2.0
/*
 * ipc_bench peer "xmsg-call": xmsg's combined calls.  Round trip:
 * XMSG_IOC_CALL (send then receive), one system call per side and round
 * trip; the message is reused.  One-way throughput in batches with
 * XMSG_IOC_XFER: the sender sends the messages it wrote and takes back
 * free ones, the receiver returns those it read and takes the next ones,
 * up to 64 messages (half the pool) per system call.
 */
#include "xmsg_chan.h"

/*
 * One XMSG_IOC_XFER sends what was kept back (the sender: messages
 * written; the receiver: messages read, back to the free exchange) and
 * receives the next batch (free messages; messages).
 */
void *xbatch_next(struct xchan *x, uint32_t sx, uint32_t rxx)
{
	int r = 0;

	if (x->istash == x->nstash) {
		r = xb_xfer(x->fd, sx, x->pend, x->npend, false, NULL, rxx,
			    x->batch, x->stash, &x->nstash);
		x->npend = 0;
		x->istash = 0;
		if (!r && !x->nstash)
			r = -EIO;
	}
	return xmsg_take(x, r, &x->stash[x->istash++]);
}

static int xbatch_flush(struct chan *c, int role)
{
	struct xchan *x = c->priv;
	int r = 0;

	if (x->tput && x->npend)
		r = xb_xfer(x->fd, x->x[role ? 2 : 0], x->pend, x->npend,
			    false, NULL, 0, 0, NULL, NULL);
	x->npend = 0;
	return r;
}

static int xmsg_call_setup(struct chan *c, size_t size, const char **why)
{
	return xmsg_chan_setup(c, size, why, true);
}

static void *xmsg_txrx(struct chan *c, int role)
{
	struct xchan *x = c->priv;
	struct xrx rx;
	int r;

	r = xb_call(x->fd, x->x[role], x->cur, x->x[!role], &rx);
	x->cur = -1;
	return xmsg_take(x, r, &rx);
}

const struct peer peer_xmsg_call = {
	.name = "xmsg-call", .setup = xmsg_call_setup,
	.teardown = xmsg_teardown, .attach = xmsg_attach,
	.tx_buf = xmsg_tx_buf, .tx = xmsg_tx, .rx = xmsg_rx,
	.rx_done = xmsg_rx_done, .reply_buf = xmsg_reply_buf,
	.txrx = xmsg_txrx, .flush = xbatch_flush,
};
