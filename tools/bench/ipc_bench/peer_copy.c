// SPDX-License-Identifier: GPL-2.0
/*
 * ipc_bench: what the copying peers (pipe, unix, mq, shmring) share: a
 * private buffer per direction that the payload is copied out of and
 * into.
 */
#include <stdlib.h>
#include "ipc_bench.h"

int bufs_setup(struct chan *c, size_t size, size_t rxlen)
{
	c->size = size;
	c->rxlen = rxlen;
	c->txb = buf_alloc(size);
	c->rxb = buf_alloc(rxlen);
	return c->txb && c->rxb ? 0 : -ENOMEM;
}

void bufs_teardown(struct chan *c)
{
	free(c->txb);
	free(c->rxb);
	c->txb = c->rxb = NULL;
	free(c->priv);
	c->priv = NULL;
}

void *copy_tx_buf(struct chan *c, UNUSED int role)
{
	return c->txb;
}

void *copy_reply_buf(struct chan *c, UNUSED int role)
{
	return c->txb;
}

int copy_rx_done(UNUSED struct chan *c, UNUSED int role)
{
	return 0;
}

int noop_attach(UNUSED struct chan *c, UNUSED int role)
{
	return 0;
}
