// SPDX-License-Identifier: GPL-2.0
/*
 * ipc_bench peer "unix": an AF_UNIX SOCK_STREAM socketpair with default
 * buffers; write()/read() of the full payload.
 */
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>
#include "ipc_bench.h"

struct unix_chan {
	int sv[2];
};

static int unix_setup(struct chan *c, size_t size, const char **why)
{
	struct unix_chan *uc = calloc(1, sizeof(*uc));

	if (!uc)
		return -ENOMEM;
	c->priv = uc;
	uc->sv[0] = uc->sv[1] = -1;
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, uc->sv)) {
		*why = "socketpair()_failed";
		return -errno;
	}
	return bufs_setup(c, size, size);
}

static void unix_teardown(struct chan *c)
{
	struct unix_chan *uc = c->priv;

	if (uc) {
		close(uc->sv[0]);
		close(uc->sv[1]);
	}
	bufs_teardown(c);
}

static int unix_tx(struct chan *c, int role)
{
	struct unix_chan *uc = c->priv;

	return write_full(uc->sv[role], c->txb, c->size) < 0 ? -1 : 0;
}

static void *unix_rx(struct chan *c, int role)
{
	struct unix_chan *uc = c->priv;

	return read_full(uc->sv[role], c->rxb, c->size) < 0 ? NULL : c->rxb;
}

const struct peer peer_unix = {
	.name = "unix", .setup = unix_setup, .teardown = unix_teardown,
	.attach = noop_attach, .tx_buf = copy_tx_buf, .tx = unix_tx,
	.rx = unix_rx, .rx_done = copy_rx_done, .reply_buf = copy_reply_buf,
};
