// SPDX-License-Identifier: GPL-2.0
/*
 * ipc_bench peer "pipe": two pipes, one per direction, F_SETPIPE_SZ
 * raised to 1 MiB (the unprivileged maximum); write()/read() of the full
 * payload.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include "ipc_bench.h"

struct pipe_chan {
	int fd[2][2];			/* [direction][read, write] */
};

static int pipe_setup(struct chan *c, size_t size, const char **why)
{
	struct pipe_chan *pc = calloc(1, sizeof(*pc));

	if (!pc)
		return -ENOMEM;
	c->priv = pc;
	for (int d = 0; d < 2; d++)
		pc->fd[d][0] = pc->fd[d][1] = -1;
	for (int d = 0; d < 2; d++) {
		if (pipe(pc->fd[d])) {
			*why = "pipe()_failed";
			return -errno;
		}
		/* What a user moving big messages does; 1 MiB is the default
		 * /proc/sys/fs/pipe-max-size.
		 */
		fcntl(pc->fd[d][1], F_SETPIPE_SZ, (int)MIB);
	}
	return bufs_setup(c, size, size);
}

static void pipe_teardown(struct chan *c)
{
	struct pipe_chan *pc = c->priv;

	for (int d = 0; pc && d < 2; d++) {
		close(pc->fd[d][0]);
		close(pc->fd[d][1]);
	}
	bufs_teardown(c);
}

static int pipe_tx(struct chan *c, int role)
{
	struct pipe_chan *pc = c->priv;

	return write_full(pc->fd[role][1], c->txb, c->size) < 0 ? -1 : 0;
}

static void *pipe_rx(struct chan *c, int role)
{
	struct pipe_chan *pc = c->priv;

	return read_full(pc->fd[!role][0], c->rxb, c->size) < 0 ? NULL
								: c->rxb;
}

const struct peer peer_pipe = {
	.name = "pipe", .setup = pipe_setup, .teardown = pipe_teardown,
	.attach = noop_attach, .tx_buf = copy_tx_buf, .tx = pipe_tx,
	.rx = pipe_rx, .rx_done = copy_rx_done, .reply_buf = copy_reply_buf,
};
