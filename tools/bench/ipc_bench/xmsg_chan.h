/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ipc_bench: the channel state the two xmsg peers share (peer_xmsg.c,
 * peer_xmsg_call.c).
 */
#ifndef IPC_BENCH_XMSG_CHAN_H
#define IPC_BENCH_XMSG_CHAN_H

#include "ipc_bench.h"

/* Per process: the objects of one channel opened on its own /dev/xmsg. */
struct xchan {
	bool call;			/* xmsg-call: the combined calls */
	bool tput;			/* throughput mode: free exchange */
	char pname[XNAME], xname[3][XNAME];
	int fd;
	uint32_t pool, x[3];		/* exchanges: 0 p->c, 1 c->p, 2 free */
	char *base;
	size_t maplen;
	int64_t cur;			/* message owned now, or -1 */
	uint64_t cur_off;
	/* xmsg-call throughput: batches through XMSG_IOC_XFER */
	unsigned int batch;		/* most messages per call */
	uint32_t pend[XBATCH_MAX];	/* to send with the next call */
	unsigned int npend;
	struct xrx stash[XBATCH_MAX];	/* received by the last call */
	unsigned int nstash, istash;
};

int xmsg_chan_setup(struct chan *c, size_t size, const char **why,
		    bool call);
void xmsg_teardown(struct chan *c);
int xmsg_attach(struct chan *c, int role);
void *xmsg_take(struct xchan *x, int r, struct xrx *rx);
void *xmsg_tx_buf(struct chan *c, int role);
int xmsg_tx(struct chan *c, int role);
void *xmsg_rx(struct chan *c, int role);
int xmsg_rx_done(struct chan *c, int role);
void *xmsg_reply_buf(struct chan *c, int role);

/* xmsg-call throughput (peer_xmsg_call.c) */
void *xbatch_next(struct xchan *x, uint32_t sx, uint32_t rxx);

#endif
