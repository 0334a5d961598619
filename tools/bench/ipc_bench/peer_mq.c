// SPDX-License-Identifier: GPL-2.0
/*
 * ipc_bench peer "mq": POSIX message queues, one per direction,
 * mq_maxmsg 10, mq_msgsize = payload size (root raises RLIMIT_MSGQUEUE
 * and /proc/sys/fs/mqueue/msgsize_max for the big sizes);
 * mq_send()/mq_receive().
 */
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include "ipc_bench.h"

struct mq_chan {
	mqd_t mq[2];
};

static char mq_why[160];

/* Big messages need root: msgsize_max and RLIMIT_MSGQUEUE. */
static void mq_raise_limits(size_t size)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	FILE *f;
	long cur = 0;

	setrlimit(RLIMIT_MSGQUEUE, &rl);
	f = fopen("/proc/sys/fs/mqueue/msgsize_max", "r");
	if (f) {
		if (fscanf(f, "%ld", &cur) != 1)
			cur = 0;
		fclose(f);
	}
	if (cur >= (long)size)
		return;
	f = fopen("/proc/sys/fs/mqueue/msgsize_max", "w");
	if (f) {
		fprintf(f, "%zu\n", size);
		fclose(f);
	}
}

static int mq_setup(struct chan *c, size_t size, const char **why)
{
	struct mq_attr attr = { .mq_maxmsg = 10, .mq_msgsize = size };
	struct mq_chan *qc = calloc(1, sizeof(*qc));
	char name[64];

	if (!qc)
		return -ENOMEM;
	c->priv = qc;
	qc->mq[0] = qc->mq[1] = (mqd_t)-1;
	mq_raise_limits(size);
	for (int d = 0; d < 2; d++) {
		snprintf(name, sizeof(name), "/ipc_bench.%d.%d", getpid(), d);
		qc->mq[d] = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600,
				    &attr);
		if (qc->mq[d] == (mqd_t)-1) {
			int e = errno;

			snprintf(mq_why, sizeof(mq_why),
				 "mq_open(msgsize=%zu):%s", size,
				 strerror(e));
			for (char *p = mq_why; *p; p++)
				if (*p == ' ')
					*p = '_';
			*why = mq_why;
			return -e;
		}
		mq_unlink(name);
	}
	return bufs_setup(c, size, size);
}

static void mq_teardown(struct chan *c)
{
	struct mq_chan *qc = c->priv;

	for (int d = 0; qc && d < 2; d++)
		if (qc->mq[d] != (mqd_t)-1)
			mq_close(qc->mq[d]);
	bufs_teardown(c);
}

static int mq_tx(struct chan *c, int role)
{
	struct mq_chan *qc = c->priv;
	int r;

	do {
		r = mq_send(qc->mq[role], c->txb, c->size, 0);
	} while (r && errno == EINTR && !watchdog_fired);
	return r;
}

static void *mq_rx(struct chan *c, int role)
{
	struct mq_chan *qc = c->priv;
	ssize_t n;

	do {
		n = mq_receive(qc->mq[!role], c->rxb, c->rxlen, NULL);
	} while (n < 0 && errno == EINTR && !watchdog_fired);
	return n == (ssize_t)c->size ? c->rxb : NULL;
}

const struct peer peer_mq = {
	.name = "mq", .setup = mq_setup, .teardown = mq_teardown,
	.attach = noop_attach, .tx_buf = copy_tx_buf, .tx = mq_tx,
	.rx = mq_rx, .rx_done = copy_rx_done, .reply_buf = copy_reply_buf,
};
