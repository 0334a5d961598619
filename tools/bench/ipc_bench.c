// SPDX-License-Identifier: GPL-2.0
/*
 * ipc_bench - xmsg against the IPC mechanisms users would pick instead.
 *
 * Two processes (fork) talk through one mechanism ("peer") at a time:
 *
 *   xmsg       xmsg normal exchange; bodies in place in the pool mapping.
 *              The sender gets a message, writes the body in place and
 *              sends the handle; the receiver reads the body in place and
 *              releases it (or sends it back as the reply).
 *   xmsg-call  the same with xmsg's combined calls: round trip with
 *              XMSG_IOC_CALL (send then receive, one system call per side);
 *              throughput in batches with XMSG_IOC_XFER (the sender sends
 *              the messages it wrote and takes back free ones, the
 *              receiver returns those it read and takes the next ones:
 *              up to 64 messages, half the pool, per system call).
 *
 * xmsg receives wait for ever, as read() does (the watchdog interrupts).
 *   pipe       two pipes (one per direction), F_SETPIPE_SZ raised to 1 MiB
 *              (the unprivileged maximum); write()/read() the full payload.
 *   unix       AF_UNIX SOCK_STREAM socketpair, default buffers;
 *              write()/read() the full payload.
 *   mq         POSIX message queues (mq_send/mq_receive), one per direction,
 *              mq_maxmsg 10, mq_msgsize = payload size.
 *   shmring    a 2 MiB byte ring in MAP_SHARED memory per direction; the
 *              sender copies the payload in, the receiver copies it out;
 *              futex wait/wake only when the other side waits.
 *
 * Every message carries a sequence number in its first and last 8 bytes;
 * the sender writes both, the receiver checks both.  The byte-stream peers
 * move the full payload (that copy is the mechanism's cost); xmsg moves a
 * handle.
 *
 * Measures: round trip (median, p99), one-way throughput, fan-out of one
 * 1 MiB message to 1..8 receivers, cleanup of held messages at close.
 * Each measurement runs for a time box (-t, default 0.5 s).
 *
 * Output: "RESULT <measure> <peer> <param> <value> <unit>" lines,
 * "RATIO <measure> <param> <xmsg-peer> <peer> <value>" lines, and a table.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <linux/futex.h>
#include <mqueue.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if __has_include(<linux/xmsg.h>)
#include <linux/xmsg.h>
#define HAVE_XMSG 1
#else
#define HAVE_XMSG 0
#endif

#define KIB		1024UL
#define MIB		(1024UL * 1024UL)
#define MAX_SIZE	MIB
#define RING_SIZE	(2 * MIB)
#define MAX_SAMPLES	200000
#define MAX_RX		8
#define STOP_SEQ	UINT64_MAX
#define WATCHDOG_S	60
#define UNUSED		__attribute__((unused))

static double opt_box = 0.5;
static int opt_reps = 3;
static int opt_min_iters = 8;
static const char *opt_measures = "rtt,tput,fanout,exit";
static const char *opt_peers = "all";

static const size_t sizes[] = { 64, 4 * KIB, 64 * KIB, MIB };
#define NSIZES (sizeof(sizes) / sizeof(sizes[0]))

/* ---------------------------------------------------------------- utils */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Time box of one repetition of a round-trip or throughput measurement. */
static uint64_t box_ns(void)
{
	return (uint64_t)(opt_box / opt_reps * 1e9);
}

/* Time box of a fan-out measurement (not repeated). */
static uint64_t box_full_ns(void)
{
	return (uint64_t)(opt_box * 1e9);
}

static int futex(_Atomic uint32_t *uaddr, int op, uint32_t val,
		 const struct timespec *ts)
{
	return syscall(SYS_futex, uaddr, op, val, ts, NULL, 0);
}

static void futex_wait(_Atomic uint32_t *w, uint32_t val)
{
	futex(w, FUTEX_WAIT, val, NULL);
}

static void futex_wake(_Atomic uint32_t *w, int n)
{
	futex(w, FUTEX_WAKE, n, NULL);
}

static void *shm_alloc(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	memset(p, 0, len);
	return p;
}

static void *buf_alloc(size_t len)
{
	void *p = aligned_alloc(4096, len);

	if (p)
		memset(p, 0x5a, len);
	return p;
}

static void stamp(void *body, size_t size, uint64_t seq)
{
	memcpy(body, &seq, 8);
	memcpy((char *)body + size - 8, &seq, 8);
}

/* Return the sequence number or STOP_SEQ - 1 when the two stamps differ. */
static uint64_t check(const void *body, size_t size)
{
	uint64_t a, b;

	memcpy(&a, body, 8);
	memcpy(&b, (const char *)body + size - 8, 8);
	return a == b ? a : STOP_SEQ - 1;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t pct(uint64_t *v, size_t n, double p)
{
	size_t i = (size_t)(p * (n - 1) + 0.5);

	return v[i < n ? i : n - 1];
}

static bool listed(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list;

	if (!strcmp(list, "all"))
		return true;
	while ((p = strstr(p, name))) {
		if ((p == list || p[-1] == ',') && (p[n] == ',' || !p[n]))
			return true;
		p += n;
	}
	return false;
}

static volatile sig_atomic_t watchdog_fired;

static void on_alarm(UNUSED int sig)
{
	watchdog_fired = 1;
}

/* ------------------------------------------------------------- results */

#define MAX_RESULTS 512

struct result {
	char measure[24];
	char peer[16];
	unsigned long param;
	double value;
	char unit[8];
};

static struct result results[MAX_RESULTS];
static int nresults;

static void result(const char *measure, const char *peer,
		   unsigned long param, double value, const char *unit)
{
	struct result *r;

	printf("RESULT %s %s %lu %.6g %s\n", measure, peer, param, value, unit);
	fflush(stdout);
	if (nresults == MAX_RESULTS)
		return;
	r = &results[nresults++];
	snprintf(r->measure, sizeof(r->measure), "%s", measure);
	snprintf(r->peer, sizeof(r->peer), "%s", peer);
	snprintf(r->unit, sizeof(r->unit), "%s", unit);
	r->param = param;
	r->value = value;
}

static void result_na(const char *measure, const char *peer,
		      unsigned long param, const char *why)
{
	printf("RESULT %s %s %lu NA %s\n", measure, peer, param, why);
	fflush(stdout);
}

static const struct result *find(const char *measure, const char *peer,
				 unsigned long param)
{
	for (int i = 0; i < nresults; i++)
		if (!strcmp(results[i].measure, measure) &&
		    !strcmp(results[i].peer, peer) && results[i].param == param)
			return &results[i];
	return NULL;
}

/* -------------------------------------------------------------- channel */

/*
 * One bidirectional channel between the parent (role 0) and the child
 * (role 1).  Direction 0 carries parent -> child, direction 1 child ->
 * parent.
 */
struct ring {
	_Atomic uint64_t head;		/* bytes written, by the producer */
	_Atomic uint32_t hseq;		/* futex word: bumped with head */
	_Atomic uint32_t cwait;		/* consumer sleeps on hseq */
	char pad1[48];
	_Atomic uint64_t tail;		/* bytes read, by the consumer */
	_Atomic uint32_t tseq;		/* futex word: bumped with tail */
	_Atomic uint32_t pwait;		/* producer sleeps on tseq */
	char pad2[48];
	char data[RING_SIZE];
};

struct chan {
	size_t size;
	bool tput;			/* set up for one-way throughput */
	int fd[2][2];			/* pipe: [dir][read, write] */
	int sv[2];			/* unix */
	mqd_t mq[2];
	struct ring *ring[2];
	char *txb, *rxb;		/* private buffers of copy peers */
	size_t rxlen;
	struct xchan *x;		/* xmsg state */
};

struct peer {
	const char *name;
	bool xmsg;
	/* before fork: create the channel; < 0 with *why set if N/A */
	int (*setup)(struct chan *c, size_t size, const char **why);
	void (*teardown)(struct chan *c);
	/* after fork in each process */
	int (*attach)(struct chan *c, int role);
	/* buffer to write the next outgoing message into */
	void *(*tx_buf)(struct chan *c, int role);
	/* send the buffer of tx_buf() on direction @role */
	int (*tx)(struct chan *c, int role);
	/* receive on direction !@role; the body, NULL on error */
	void *(*rx)(struct chan *c, int role);
	/* done with the body of rx() (not called when it is replied) */
	int (*rx_done)(struct chan *c, int role);
	/* child: turn the received body into the reply's buffer */
	void *(*reply_buf)(struct chan *c, int role);
	/* optional combined send then receive */
	void *(*txrx)(struct chan *c, int role);
	/* optional: send what tx() has kept back (batching peers) */
	int (*flush)(struct chan *c, int role);
	/* optional one-way flow: sender/receiver loop bodies */
	bool has_tput;
};

static ssize_t write_full(int fd, const void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(fd, (const char *)buf + done, len - done);

		if (n < 0 && errno == EINTR && !watchdog_fired)
			continue;
		if (n <= 0)
			return -1;
		done += n;
	}
	return done;
}

static ssize_t read_full(int fd, void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = read(fd, (char *)buf + done, len - done);

		if (n < 0 && errno == EINTR && !watchdog_fired)
			continue;
		if (n <= 0)
			return -1;
		done += n;
	}
	return done;
}

static int bufs_setup(struct chan *c, size_t size, size_t rxlen)
{
	c->size = size;
	c->rxlen = rxlen;
	c->txb = buf_alloc(size);
	c->rxb = buf_alloc(rxlen);
	return c->txb && c->rxb ? 0 : -ENOMEM;
}

static void bufs_teardown(struct chan *c)
{
	free(c->txb);
	free(c->rxb);
	c->txb = c->rxb = NULL;
}

static void *copy_tx_buf(struct chan *c, UNUSED int role)
{
	return c->txb;
}

static void *copy_reply_buf(struct chan *c, UNUSED int role)
{
	return c->txb;
}

static int copy_rx_done(UNUSED struct chan *c, UNUSED int role)
{
	return 0;
}

static int noop_attach(UNUSED struct chan *c, UNUSED int role)
{
	return 0;
}

/* ----------------------------------------------------------------- pipe */

static int pipe_setup(struct chan *c, size_t size, const char **why)
{
	for (int d = 0; d < 2; d++) {
		if (pipe(c->fd[d])) {
			*why = "pipe() failed";
			return -errno;
		}
		/* What a user moving big messages does; 1 MiB is the default
		 * /proc/sys/fs/pipe-max-size.
		 */
		fcntl(c->fd[d][1], F_SETPIPE_SZ, (int)MIB);
	}
	return bufs_setup(c, size, size);
}

static void pipe_teardown(struct chan *c)
{
	for (int d = 0; d < 2; d++) {
		close(c->fd[d][0]);
		close(c->fd[d][1]);
	}
	bufs_teardown(c);
}

static int pipe_tx(struct chan *c, int role)
{
	return write_full(c->fd[role][1], c->txb, c->size) < 0 ? -1 : 0;
}

static void *pipe_rx(struct chan *c, int role)
{
	return read_full(c->fd[!role][0], c->rxb, c->size) < 0 ? NULL : c->rxb;
}

static const struct peer peer_pipe = {
	.name = "pipe", .setup = pipe_setup, .teardown = pipe_teardown,
	.attach = noop_attach, .tx_buf = copy_tx_buf, .tx = pipe_tx,
	.rx = pipe_rx, .rx_done = copy_rx_done, .reply_buf = copy_reply_buf,
	.has_tput = true,
};

/* ----------------------------------------------------------------- unix */

static int unix_setup(struct chan *c, size_t size, const char **why)
{
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, c->sv)) {
		*why = "socketpair() failed";
		return -errno;
	}
	return bufs_setup(c, size, size);
}

static void unix_teardown(struct chan *c)
{
	close(c->sv[0]);
	close(c->sv[1]);
	bufs_teardown(c);
}

static int unix_tx(struct chan *c, int role)
{
	return write_full(c->sv[role], c->txb, c->size) < 0 ? -1 : 0;
}

static void *unix_rx(struct chan *c, int role)
{
	return read_full(c->sv[role], c->rxb, c->size) < 0 ? NULL : c->rxb;
}

static const struct peer peer_unix = {
	.name = "unix", .setup = unix_setup, .teardown = unix_teardown,
	.attach = noop_attach, .tx_buf = copy_tx_buf, .tx = unix_tx,
	.rx = unix_rx, .rx_done = copy_rx_done, .reply_buf = copy_reply_buf,
	.has_tput = true,
};

/* ------------------------------------------------------------------- mq */

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
	char name[64];

	mq_raise_limits(size);
	for (int d = 0; d < 2; d++) {
		snprintf(name, sizeof(name), "/ipc_bench.%d.%d", getpid(), d);
		c->mq[d] = mq_open(name, O_RDWR | O_CREAT | O_EXCL, 0600,
				   &attr);
		if (c->mq[d] == (mqd_t)-1) {
			int e = errno;

			snprintf(mq_why, sizeof(mq_why),
				 "mq_open(msgsize=%zu):%s", size,
				 strerror(e));
			for (char *p = mq_why; *p; p++)
				if (*p == ' ')
					*p = '_';
			*why = mq_why;
			if (d)
				mq_close(c->mq[0]);
			return -e;
		}
		mq_unlink(name);
	}
	return bufs_setup(c, size, size);
}

static void mq_teardown(struct chan *c)
{
	mq_close(c->mq[0]);
	mq_close(c->mq[1]);
	bufs_teardown(c);
}

static int mq_tx(struct chan *c, int role)
{
	int r;

	do {
		r = mq_send(c->mq[role], c->txb, c->size, 0);
	} while (r && errno == EINTR && !watchdog_fired);
	return r;
}

static void *mq_rx(struct chan *c, int role)
{
	ssize_t n;

	do {
		n = mq_receive(c->mq[!role], c->rxb, c->rxlen, NULL);
	} while (n < 0 && errno == EINTR && !watchdog_fired);
	return n == (ssize_t)c->size ? c->rxb : NULL;
}

static const struct peer peer_mq = {
	.name = "mq", .setup = mq_setup, .teardown = mq_teardown,
	.attach = noop_attach, .tx_buf = copy_tx_buf, .tx = mq_tx,
	.rx = mq_rx, .rx_done = copy_rx_done, .reply_buf = copy_reply_buf,
	.has_tput = true,
};

/* -------------------------------------------------------------- shmring */

static int ring_setup(struct chan *c, size_t size, const char **why)
{
	for (int d = 0; d < 2; d++) {
		c->ring[d] = shm_alloc(sizeof(struct ring));
		if (!c->ring[d]) {
			*why = "mmap_failed";
			return -ENOMEM;
		}
	}
	return bufs_setup(c, size, size);
}

static void ring_teardown(struct chan *c)
{
	munmap(c->ring[0], sizeof(struct ring));
	munmap(c->ring[1], sizeof(struct ring));
	bufs_teardown(c);
}

static int ring_put(struct ring *r, const char *src, size_t len)
{
	while (len) {
		uint64_t head = atomic_load_explicit(&r->head,
						     memory_order_relaxed);
		uint64_t tail = atomic_load(&r->tail);
		size_t off = head % RING_SIZE;
		size_t n = RING_SIZE - (head - tail);

		if (!n) {
			uint32_t s = atomic_load(&r->tseq);

			atomic_store(&r->pwait, 1);
			if (atomic_load(&r->tail) == tail)
				futex_wait(&r->tseq, s);
			if (watchdog_fired)
				return -1;
			continue;
		}
		n = n < len ? n : len;
		n = n < RING_SIZE - off ? n : RING_SIZE - off;
		memcpy(r->data + off, src, n);
		atomic_store(&r->head, head + n);
		atomic_fetch_add(&r->hseq, 1);
		if (atomic_exchange(&r->cwait, 0))
			futex_wake(&r->hseq, 1);
		src += n;
		len -= n;
	}
	return 0;
}

static int ring_get(struct ring *r, char *dst, size_t len)
{
	while (len) {
		uint64_t tail = atomic_load_explicit(&r->tail,
						     memory_order_relaxed);
		uint64_t head = atomic_load(&r->head);
		size_t off = tail % RING_SIZE;
		size_t n = head - tail;

		if (!n) {
			uint32_t s = atomic_load(&r->hseq);

			atomic_store(&r->cwait, 1);
			if (atomic_load(&r->head) == head)
				futex_wait(&r->hseq, s);
			if (watchdog_fired)
				return -1;
			continue;
		}
		n = n < len ? n : len;
		n = n < RING_SIZE - off ? n : RING_SIZE - off;
		memcpy(dst, r->data + off, n);
		atomic_store(&r->tail, tail + n);
		atomic_fetch_add(&r->tseq, 1);
		if (atomic_exchange(&r->pwait, 0))
			futex_wake(&r->tseq, 1);
		dst += n;
		len -= n;
	}
	return 0;
}

static int ring_tx(struct chan *c, int role)
{
	return ring_put(c->ring[role], c->txb, c->size);
}

static void *ring_rx(struct chan *c, int role)
{
	return ring_get(c->ring[!role], c->rxb, c->size) ? NULL : c->rxb;
}

static const struct peer peer_ring = {
	.name = "shmring", .setup = ring_setup, .teardown = ring_teardown,
	.attach = noop_attach, .tx_buf = copy_tx_buf, .tx = ring_tx,
	.rx = ring_rx, .rx_done = copy_rx_done, .reply_buf = copy_reply_buf,
	.has_tput = true,
};

/* ------------------------------------------------------- xmsg adapter */

/*
 * The few xmsg operations the benchmark uses, over the raw ioctls of
 * <linux/xmsg.h>.  Each returns 0 or -errno.
 */
struct xrx {
	uint32_t msg;			/* handle of the received message */
	uint64_t off;			/* body offset in its pool's mapping */
	uint64_t len;
	uint64_t gen;			/* broadcast generation */
};

enum { XK_NORMAL, XK_BCAST };

static int xb_open(void);
static int xb_pool_create(int fd, const char *name, size_t bsize,
			  unsigned int nblocks, uint32_t *h);
static int xb_pool_open(int fd, const char *name, uint32_t *h);
static void *xb_pool_map(int fd, uint32_t pool, size_t *len);
static int xb_pool_destroy(int fd, uint32_t pool);
static int xb_xchg_create(int fd, const char *name, int kind, uint32_t *h);
static int xb_xchg_open(int fd, const char *name, uint32_t *h);
static int xb_xchg_destroy(int fd, uint32_t xchg);
static int xb_get(int fd, uint32_t pool, uint32_t *msg, uint64_t *off);
static int xb_rel(int fd, uint32_t msg);
static int xb_send(int fd, uint32_t xchg, uint32_t msg);
static int xb_recv(int fd, uint32_t xchg, bool newer, struct xrx *rx);
static int xb_call(int fd, uint32_t sx, uint32_t msg, uint32_t rxx,
		   struct xrx *rx);
static int xb_proxy(int fd, uint32_t msg, uint64_t off, uint64_t len,
		    uint32_t *proxy);
static int xb_xfer(int fd, uint32_t sx, const uint32_t *msgs, unsigned int n,
		   bool proxy, const uint32_t *sxs, uint32_t rxx,
		   unsigned int max, struct xrx *rx, unsigned int *got);

static const char *xb_why = "xmsg_uapi_not_built";

/* ----------------------------------------------------------- xmsg peers */

#define XNAME 48

#define XBATCH_MAX	64

/* Per process: the objects of one channel opened on its own /dev/xmsg. */
struct xchan {
	bool call;			/* use the combined call */
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
	x->cur = -1;
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

static int xmsg_setup_common(struct chan *c, size_t size, const char **why,
			     bool call)
{
	struct xchan *x = calloc(1, sizeof(*x));
	unsigned int n = xpool_blocks(size, c->tput);
	int r;

	if (!x)
		return -ENOMEM;
	c->x = x;
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
		*why = r == -ENOSYS ? xb_why : strerror(-r);
		xdetach(x, true);
		free(x);
		c->x = NULL;
	}
	return r;
}

static int xmsg_setup(struct chan *c, size_t size, const char **why)
{
	return xmsg_setup_common(c, size, why, false);
}

static int xmsg_call_setup(struct chan *c, size_t size, const char **why)
{
	return xmsg_setup_common(c, size, why, true);
}

static void xmsg_teardown(struct chan *c)
{
	if (c->x) {
		xdetach(c->x, true);
		free(c->x);
		c->x = NULL;
	}
}

/* The child opens /dev/xmsg itself: it is an owner of its own. */
static int xmsg_attach(struct chan *c, int role)
{
	struct xchan *x = c->x;

	if (role == 0)
		return 0;
	close(x->fd);
	x->fd = -1;
	munmap(x->base, x->maplen);
	return xattach_objs(x, false, 0, 0);
}

static void *xbody(struct xchan *x, uint64_t off)
{
	return x->base + off;
}

static void *xtake(struct xchan *x, int r, struct xrx *rx)
{
	if (r) {
		errno = -r;
		return NULL;
	}
	x->cur = rx->msg;
	x->cur_off = rx->off;
	return xbody(x, rx->off);
}

/*
 * xmsg-call throughput: one XMSG_IOC_XFER sends what was kept back (the
 * sender: messages written; the receiver: messages read, back to the free
 * exchange) and receives the next batch (free messages; messages).
 */
static void *xbatch_next(struct xchan *x, uint32_t sx, uint32_t rxx)
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
	return xtake(x, r, &x->stash[x->istash++]);
}

static int xbatch_flush(struct chan *c, int role)
{
	struct xchan *x = c->x;
	int r = 0;

	if (x->call && x->tput && x->npend)
		r = xb_xfer(x->fd, x->x[role ? 2 : 0], x->pend, x->npend,
			    false, NULL, 0, 0, NULL, NULL);
	x->npend = 0;
	return r;
}

/* The body the next message is written into. */
static void *xmsg_tx_buf(struct chan *c, UNUSED int role)
{
	struct xchan *x = c->x;
	struct xrx rx;
	uint32_t m;
	int r;

	if (x->cur >= 0)
		return xbody(x, x->cur_off);
	if (x->tput && x->call)
		return xbatch_next(x, x->x[0], x->x[2]);
	if (x->tput)		/* a free message from the free exchange */
		return xtake(x, xb_recv(x->fd, x->x[2], false, &rx), &rx);
	r = xb_get(x->fd, x->pool, &m, &rx.off);
	rx.msg = m;
	return xtake(x, r, &rx);
}

static int xmsg_tx(struct chan *c, int role)
{
	struct xchan *x = c->x;
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

static void *xmsg_rx(struct chan *c, int role)
{
	struct xchan *x = c->x;
	struct xrx rx;

	if (x->tput && x->call)	/* return the read ones, take more */
		return xbatch_next(x, x->x[2], x->x[0]);
	return xtake(x, xb_recv(x->fd, x->x[!role], false, &rx), &rx);
}

static int xmsg_rx_done(struct chan *c, int role)
{
	struct xchan *x = c->x;
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
static void *xmsg_reply_buf(struct chan *c, UNUSED int role)
{
	return xbody(c->x, c->x->cur_off);
}

static void *xmsg_txrx(struct chan *c, int role)
{
	struct xchan *x = c->x;
	struct xrx rx;
	int r;

	r = xb_call(x->fd, x->x[role], x->cur, x->x[!role], &rx);
	x->cur = -1;
	return xtake(x, r, &rx);
}

static const struct peer peer_xmsg = {
	.name = "xmsg", .xmsg = true, .setup = xmsg_setup,
	.teardown = xmsg_teardown, .attach = xmsg_attach,
	.tx_buf = xmsg_tx_buf, .tx = xmsg_tx, .rx = xmsg_rx,
	.rx_done = xmsg_rx_done, .reply_buf = xmsg_reply_buf,
	.has_tput = true,
};

static const struct peer peer_xmsg_call = {
	.name = "xmsg-call", .xmsg = true, .setup = xmsg_call_setup,
	.teardown = xmsg_teardown, .attach = xmsg_attach,
	.tx_buf = xmsg_tx_buf, .tx = xmsg_tx, .rx = xmsg_rx,
	.rx_done = xmsg_rx_done, .reply_buf = xmsg_reply_buf,
	.txrx = xmsg_txrx, .flush = xbatch_flush, .has_tput = true,
};

static const struct peer *const peers[] = {
	&peer_xmsg, &peer_xmsg_call,
	&peer_pipe, &peer_unix, &peer_mq, &peer_ring,
};
#define NPEERS (sizeof(peers) / sizeof(peers[0]))

/* ------------------------------------------------------- process helper */

/* Shared between parent and child of one measurement. */
struct shared {
	_Atomic uint64_t t_end;		/* receiver: time of the last receive */
	_Atomic uint64_t received;	/* receiver: messages received */
	_Atomic int child_err;
	_Atomic uint32_t ready;		/* child attached */
};

static struct shared *sh;

static void wait_ready(void)
{
	uint32_t v;

	while (!(v = atomic_load(&sh->ready)) && !watchdog_fired)
		futex_wait(&sh->ready, 0);
}

static void set_ready(void)
{
	atomic_store(&sh->ready, 1);
	futex_wake(&sh->ready, INT_MAX);
}

static int reap(pid_t pid, bool kill_it)
{
	int st = 0;

	if (kill_it)
		kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(st) && !WEXITSTATUS(st) && !kill_it)
		return 0;
	return -1;
}

static void arm_watchdog(void)
{
	watchdog_fired = 0;
	alarm(WATCHDOG_S);
}

/* ---------------------------------------------------------- round trip */

static int rtt_child(const struct peer *p, struct chan *c)
{
	void *b;
	uint64_t seq;

	if (p->attach(c, 1))
		return 1;
	set_ready();
	b = p->rx(c, 1);
	for (;;) {
		if (!b)
			return 2;
		seq = check(b, c->size);
		if (seq == STOP_SEQ)
			return p->rx_done(c, 1) ? 3 : 0;
		if (seq == STOP_SEQ - 1)
			return 4;
		b = p->reply_buf(c, 1);
		stamp(b, c->size, seq);
		if (p->txrx) {
			b = p->txrx(c, 1);
		} else {
			if (p->tx(c, 1))
				return 5;
			b = p->rx(c, 1);
		}
	}
}

static int rtt_one(const struct peer *p, struct chan *c, uint64_t seq)
{
	void *b = p->tx_buf(c, 0);

	if (!b)
		return -1;
	stamp(b, c->size, seq);
	if (p->txrx) {
		b = p->txrx(c, 0);
	} else {
		if (p->tx(c, 0))
			return -1;
		b = p->rx(c, 0);
	}
	if (!b || check(b, c->size) != seq)
		return -1;
	return p->rx_done(c, 0);
}

static int rtt_parent(const struct peer *p, struct chan *c, uint64_t *lat,
		      size_t cap, size_t *nlat)
{
	uint64_t t0 = now_ns(), t, seq;
	size_t n = 0;
	void *b;

	if (p->attach(c, 0))
		return -1;
	wait_ready();
	for (seq = 0; seq < 3; seq++)		/* warm up */
		if (rtt_one(p, c, seq))
			return -1;
	while (n < cap) {
		t = now_ns();
		if (rtt_one(p, c, seq++))
			return -1;
		lat[n++] = now_ns() - t;
		if (n >= (size_t)opt_min_iters && now_ns() - t0 > box_ns())
			break;
	}
	*nlat = n;
	b = p->tx_buf(c, 0);
	if (!b)
		return -1;
	stamp(b, c->size, STOP_SEQ);
	return p->tx(c, 0);
}

static uint64_t *samples;

/*
 * Round trips and throughput are measured in opt_reps repetitions, the
 * peers taking turns within each, so that a change of the host's load
 * during the run hits every peer alike.  A repetition appends to its
 * peer's accumulator; the figures come from all repetitions together.
 */
struct acc {
	uint64_t *v;			/* round-trip samples */
	size_t n;
	uint64_t msgs;			/* throughput: messages received */
	double secs;			/* throughput: seconds */
	const char *why;		/* set when a repetition failed */
};

#define NPEERS_MAX 8
_Static_assert(NPEERS <= NPEERS_MAX, "raise NPEERS_MAX");
static struct acc accs[NPEERS_MAX][NSIZES];

static void measure_rtt_rep(const struct peer *p, size_t size, struct acc *a)
{
	struct chan c = { 0 };
	const char *why = "setup_failed";
	size_t n = 0;
	pid_t pid;
	int r;

	if (a->why)
		return;
	if (!a->v)
		a->v = calloc(MAX_SAMPLES, sizeof(*a->v));
	if (!a->v || a->n >= MAX_SAMPLES) {
		a->why = a->v ? NULL : "no_memory";
		return;
	}
	if (p->setup(&c, size, &why)) {
		a->why = why;
		return;
	}
	memset(sh, 0, sizeof(*sh));
	arm_watchdog();
	pid = fork();
	if (!pid)
		_exit(rtt_child(p, &c));
	r = rtt_parent(p, &c, a->v + a->n, MAX_SAMPLES - a->n, &n);
	r |= reap(pid, r != 0);
	alarm(0);
	p->teardown(&c);
	if (r || !n)
		a->why = watchdog_fired ? "timeout" : "failed";
	a->n += n;
}

static void emit_rtt(const struct peer *p, size_t size, struct acc *a)
{
	if (a->why || !a->n) {
		result_na("rtt_median", p->name, size, a->why ?: "no_samples");
		result_na("rtt_p99", p->name, size, a->why ?: "no_samples");
	} else {
		qsort(a->v, a->n, sizeof(*a->v), cmp_u64);
		result("rtt_median", p->name, size, pct(a->v, a->n, 0.5), "ns");
		result("rtt_p99", p->name, size, pct(a->v, a->n, 0.99), "ns");
		result("rtt_samples", p->name, size, a->n, "n");
	}
	free(a->v);
	memset(a, 0, sizeof(*a));
}

/* ----------------------------------------------------------- throughput */

static int tput_child(const struct peer *p, struct chan *c)
{
	uint64_t seq, expect = 0;
	void *b;

	if (p->attach(c, 1))
		return 1;
	set_ready();
	for (;;) {
		b = p->rx(c, 1);
		if (!b)
			return 2;
		seq = check(b, c->size);
		if (p->rx_done(c, 1))
			return 3;
		if (seq == STOP_SEQ)
			break;
		if (seq != expect++)
			return 4;
	}
	atomic_store(&sh->t_end, now_ns());
	atomic_store(&sh->received, expect);
	return 0;
}

static int tput_parent(const struct peer *p, struct chan *c, uint64_t *t0)
{
	uint64_t seq = 0, tb = box_ns();
	void *b;

	if (p->attach(c, 0))
		return -1;
	wait_ready();
	*t0 = now_ns();
	for (;;) {
		b = p->tx_buf(c, 0);
		if (!b)
			return -1;
		stamp(b, c->size, seq);
		if (p->tx(c, 0))
			return -1;
		if (++seq >= (uint64_t)opt_min_iters && !(seq & 7) &&
		    now_ns() - *t0 > tb)
			break;
	}
	b = p->tx_buf(c, 0);
	if (!b)
		return -1;
	stamp(b, c->size, STOP_SEQ);
	if (p->tx(c, 0))
		return -1;
	return p->flush ? p->flush(c, 0) : 0;
}

static void measure_tput_rep(const struct peer *p, size_t size,
			     struct acc *a)
{
	struct chan c = { 0 };
	const char *why = "setup_failed";
	uint64_t t0 = 0, n;
	pid_t pid;
	int r;

	if (a->why)
		return;
	if (!p->has_tput) {
		a->why = "not_applicable";
		return;
	}
	c.tput = true;
	if (p->setup(&c, size, &why)) {
		a->why = why;
		return;
	}
	memset(sh, 0, sizeof(*sh));
	arm_watchdog();
	pid = fork();
	if (!pid)
		_exit(tput_child(p, &c));
	r = tput_parent(p, &c, &t0);
	r |= reap(pid, r != 0);
	alarm(0);
	p->teardown(&c);
	n = atomic_load(&sh->received);
	if (r || !n) {
		a->why = watchdog_fired ? "timeout" : "failed";
		return;
	}
	a->msgs += n;
	a->secs += (atomic_load(&sh->t_end) - t0) / 1e9;
}

static void emit_tput(const struct peer *p, size_t size, struct acc *a)
{
	if (a->why || !a->secs) {
		result_na("tput_msgs", p->name, size, a->why ?: "failed");
		result_na("tput_bytes", p->name, size, a->why ?: "failed");
	} else {
		result("tput_msgs", p->name, size, a->msgs / a->secs, "msg/s");
		result("tput_bytes", p->name, size,
		       a->msgs * size / a->secs, "B/s");
	}
	memset(a, 0, sizeof(*a));
}

/* -------------------------------------------------------------- fan-out */

/*
 * One 1 MiB message to n receivers, each in its own process.  A round
 * starts when the sender starts sending and ends when the last receiver
 * has the whole message (and checked its stamps).  Receivers report
 * through a counter in shared memory.
 */
struct fan {
	uint32_t nrx;			/* receivers of this measurement */
	_Atomic uint32_t done;		/* receivers finished this round */
	_Atomic uint32_t ready;
	_Atomic uint64_t t_done[MAX_RX];
	_Atomic int err;
};

static struct fan *fan;

static void fan_report(int i, uint64_t seq, uint64_t want)
{
	atomic_store(&fan->t_done[i], now_ns());
	if (seq != want)
		atomic_store(&fan->err, 1);
	/* only the last one wakes the sender: no measurement overhead */
	if (atomic_fetch_add(&fan->done, 1) + 1 >= fan->nrx)
		futex_wake(&fan->done, 1);
}

/* Wait for n receivers; return the time of the last one. */
static int fan_wait(int n, uint64_t *last)
{
	uint32_t d;

	while ((d = atomic_load(&fan->done)) < (uint32_t)n) {
		futex_wait(&fan->done, d);
		if (watchdog_fired)
			return -1;
	}
	*last = 0;
	for (int i = 0; i < n; i++)
		if (fan->t_done[i] > *last)
			*last = fan->t_done[i];
	return atomic_load(&fan->err) ? -1 : 0;
}

static void fan_wait_ready(int n)
{
	uint32_t v;

	while ((v = atomic_load(&fan->ready)) < (uint32_t)n && !watchdog_fired)
		futex_wait(&fan->ready, v);
}

static void fan_set_ready(void)
{
	atomic_fetch_add(&fan->ready, 1);
	futex_wake(&fan->ready, INT_MAX);
}

static void fan_result(const char *peer, int nrx, uint64_t *v, size_t n)
{
	char m[24];

	if (!n) {
		result_na("fanout_median", peer, nrx, "failed");
		return;
	}
	qsort(v, n, sizeof(*v), cmp_u64);
	snprintf(m, sizeof(m), "fanout_median");
	result(m, peer, nrx, pct(v, n, 0.5), "ns");
}

/* n pipes, one per receiver; the sender writes the message to each. */
static void fanout_pipes(int nrx)
{
	int fds[MAX_RX][2];
	pid_t pids[MAX_RX];
	char *buf = buf_alloc(MIB);
	uint64_t seq, t0, last, tstart;
	size_t n = 0;
	int i, r = 0;

	if (!buf)
		return;
	memset(fan, 0, sizeof(*fan));
	fan->nrx = nrx;
	arm_watchdog();
	for (i = 0; i < nrx; i++) {
		if (pipe(fds[i]))
			break;
		fcntl(fds[i][1], F_SETPIPE_SZ, (int)MIB);
	}
	for (i = 0; i < nrx; i++) {
		pids[i] = fork();
		if (!pids[i]) {
			for (int j = 0; j < nrx; j++)
				close(fds[j][1]);
			fan_set_ready();
			for (seq = 0;; seq++) {
				if (read_full(fds[i][0], buf, MIB) < 0)
					_exit(1);
				if (check(buf, MIB) == STOP_SEQ)
					_exit(0);
				fan_report(i, check(buf, MIB), seq);
			}
		}
	}
	fan_wait_ready(nrx);
	tstart = now_ns();
	for (seq = 0; !r && n < MAX_SAMPLES; seq++) {
		atomic_store(&fan->done, 0);
		t0 = now_ns();
		stamp(buf, MIB, seq);
		for (i = 0; i < nrx && !r; i++)
			r = write_full(fds[i][1], buf, MIB) < 0;
		if (r || fan_wait(nrx, &last))
			break;
		samples[n++] = last - t0;
		if (n >= (size_t)opt_min_iters &&
		    now_ns() - tstart > box_full_ns())
			break;
	}
	stamp(buf, MIB, STOP_SEQ);
	for (i = 0; i < nrx; i++) {
		if (!r)
			write_full(fds[i][1], buf, MIB);
		close(fds[i][1]);
		close(fds[i][0]);
	}
	for (i = 0; i < nrx; i++)
		reap(pids[i], r != 0);
	alarm(0);
	free(buf);
	fan_result("pipe", nrx, samples, r ? 0 : n);
}

/*
 * xmsg fan-out.  The sender owns one 1 MiB message and reuses it every
 * round (it may: it stays the owner).  bcast: it sends the message to one
 * broadcast exchange; each receiver waits for a newer generation, checks
 * the body in place and releases its reference.  proxy: it makes one
 * proxy of the whole body per exchange and sends it; each receiver
 * receives its proxy, checks the body and releases the proxy.
 */
struct xfan {
	bool bcast;
	int nx;				/* exchanges */
	char pname[XNAME], xname[MAX_RX][XNAME];
	int fd;
	uint32_t pool, x[MAX_RX];
	char *base;
	size_t maplen;
};

static int xfan_open(struct xfan *f, bool create)
{
	int r, i;

	f->fd = xb_open();
	if (f->fd < 0)
		return f->fd;
	r = create ? xb_pool_create(f->fd, f->pname, MIB, 4, &f->pool)
		   : xb_pool_open(f->fd, f->pname, &f->pool);
	for (i = 0; !r && i < f->nx; i++)
		r = create ? xb_xchg_create(f->fd, f->xname[i],
					    f->bcast ? XK_BCAST : XK_NORMAL,
					    &f->x[i])
			   : xb_xchg_open(f->fd, f->xname[i], &f->x[i]);
	if (r)
		return r;
	f->base = xb_pool_map(f->fd, f->pool, &f->maplen);
	return f->base ? 0 : -errno;
}

static void xfan_close(struct xfan *f, bool destroy)
{
	if (f->fd < 0)
		return;
	if (f->base)
		munmap(f->base, f->maplen);
	for (int i = 0; destroy && i < f->nx; i++)
		xb_xchg_destroy(f->fd, f->x[i]);
	if (destroy)
		xb_pool_destroy(f->fd, f->pool);
	close(f->fd);
	f->fd = -1;
}

static int xfan_child(struct xfan *f, int i)
{
	uint32_t x;
	struct xrx rx = { 0 };
	uint64_t seq, want;

	close(f->fd);
	f->fd = -1;
	munmap(f->base, f->maplen);
	if (xfan_open(f, false))
		return 1;
	x = f->x[f->bcast ? 0 : i];
	fan_set_ready();
	for (want = 0;; want++) {
		if (xb_recv(f->fd, x, f->bcast, &rx))
			return 2;
		seq = check(f->base + rx.off, MIB);
		if (seq != STOP_SEQ)	/* it has the message: report first */
			fan_report(i, seq, want);
		if (xb_rel(f->fd, rx.msg))
			return 3;
		if (seq == STOP_SEQ)
			return 0;
	}
}

static int xfan_round(struct xfan *f, uint32_t msg, char *body,
		      uint64_t seq)
{
	uint32_t px;
	int r = 0;

	stamp(body, MIB, seq);
	if (f->bcast)
		return xb_send(f->fd, f->x[0], msg);
	/* multicast: a proxy of the message to each exchange, one call */
	r = xb_xfer(f->fd, 0, &msg, f->nx, true, f->x, 0, 0, NULL, NULL);
	if (r != -ENOTTY)
		return r;
	for (int i = 0; !r && i < f->nx; i++) {	/* an older kernel */
		r = xb_proxy(f->fd, msg, 0, MIB, &px);
		if (!r)
			r = xb_send(f->fd, f->x[i], px);
	}
	return r;
}

static void fanout_xmsg(bool bcast, int nrx)
{
	const char *name = bcast ? "xmsg-bcast" : "xmsg-proxy";
	struct xfan f = { .bcast = bcast, .nx = bcast ? 1 : nrx, .fd = -1 };
	pid_t pids[MAX_RX];
	uint64_t seq, t0, last, tstart, off;
	size_t n = 0;
	uint32_t msg;
	int i, r, np = 0;

	static unsigned int fseq;

	fseq++;
	snprintf(f.pname, XNAME, "ipcb.%d.fan%u.pool", getpid(), fseq);
	for (i = 0; i < f.nx; i++)
		snprintf(f.xname[i], XNAME, "ipcb.%d.fan%u.x%d", getpid(),
			 fseq, i);
	memset(fan, 0, sizeof(*fan));
	fan->nrx = nrx;
	r = xfan_open(&f, true);
	if (!r)
		r = xb_get(f.fd, f.pool, &msg, &off);
	if (r) {
		result_na("fanout_median", name, nrx,
			  r == -ENOSYS ? xb_why : strerror(-r));
		xfan_close(&f, true);
		return;
	}
	arm_watchdog();
	for (np = 0; np < nrx; np++) {
		pids[np] = fork();
		if (!pids[np])
			_exit(xfan_child(&f, np));
	}
	fan_wait_ready(nrx);
	tstart = now_ns();
	for (seq = 0; n < MAX_SAMPLES; seq++) {
		atomic_store(&fan->done, 0);
		t0 = now_ns();
		r = xfan_round(&f, msg, f.base + off, seq);
		if (!r)
			r = fan_wait(nrx, &last);
		if (r)
			break;
		samples[n++] = last - t0;
		if (n >= (size_t)opt_min_iters &&
		    now_ns() - tstart > box_full_ns())
			break;
	}
	if (!r)
		r = xfan_round(&f, msg, f.base + off, STOP_SEQ);
	for (i = 0; i < np; i++)
		r |= reap(pids[i], r != 0);
	alarm(0);
	xb_rel(f.fd, msg);
	xfan_close(&f, true);
	fan_result(name, nrx, samples, r ? 0 : n);
}

/* xmsg and pipes take turns at each receiver count. */
static void fanout_all(void)
{
	for (int n = 1; n <= MAX_RX; n *= 2) {
		fanout_xmsg(true, n);
		if (n == MAX_RX)
			fanout_xmsg(false, n);
		fanout_pipes(n);
	}
}

/*
 * Cleanup of held messages.  A child process opens /dev/xmsg, takes
 * @held messages from a pool of @blocks blocks and either closes the file
 * (the owner's cleanup releases them all) or releases them one by one;
 * the time of that close() or of that loop is the figure.  The pool is
 * created by the parent on its own file, so the child's close does not
 * also tear the pool down.
 */
struct xexit_res {
	_Atomic uint64_t ns;
	_Atomic int err;
};

static int xexit_child(const char *pname, unsigned int held, bool close_it,
		       struct xexit_res *res)
{
	uint32_t pool, *h = calloc(held, sizeof(*h));
	uint64_t off, t0;
	int fd = xb_open(), r;

	if (!h || fd < 0)
		return 1;
	r = xb_pool_open(fd, pname, &pool);
	for (unsigned int i = 0; !r && i < held; i++)
		r = xb_get(fd, pool, &h[i], &off);
	if (r) {
		atomic_store(&res->err, -r);
		return 2;
	}
	t0 = now_ns();
	if (close_it) {
		close(fd);
	} else {
		for (unsigned int i = 0; !r && i < held; i++)
			r = xb_rel(fd, h[i]);
	}
	atomic_store(&res->ns, now_ns() - t0);
	return r ? 3 : 0;
}

/* Median of a few runs of one cleanup; 0 on failure, *err set. */
static uint64_t xexit_run(const char *pname, unsigned int held, bool close_it,
			  struct xexit_res *res, int *err)
{
	uint64_t v[5];
	int n = 0;

	for (int i = 0; i < 5; i++) {
		pid_t pid;

		memset(res, 0, sizeof(*res));
		pid = fork();
		if (!pid)
			_exit(xexit_child(pname, held, close_it, res));
		if (reap(pid, false)) {
			*err = atomic_load(&res->err);
			return 0;
		}
		v[n++] = atomic_load(&res->ns);
	}
	qsort(v, n, sizeof(*v), cmp_u64);
	return v[n / 2];
}

static void xmsg_exit_one(unsigned int held, unsigned int blocks,
			  const char *suffix, bool both)
{
	struct xexit_res *res = shm_alloc(sizeof(*res));
	char pname[XNAME], m[32];
	uint64_t c = 0, rel = 0;
	uint32_t pool;
	int fd = xb_open(), err = 0, r;

	snprintf(pname, sizeof(pname), "ipcb.%d.exit.%u", getpid(), blocks);
	r = fd < 0 ? fd : xb_pool_create(fd, pname, 64, blocks, &pool);
	if (r || !res) {
		err = -r;
	} else {
		c = xexit_run(pname, held, true, res, &err);
		if (c && both)
			rel = xexit_run(pname, held, false, res, &err);
		xb_pool_destroy(fd, pool);
	}
	snprintf(m, sizeof(m), "exit_close%s", suffix);
	if (c)
		result(m, "xmsg", held, c, "ns");
	else
		result_na(m, "xmsg", held, err == ENOSYS ? xb_why :
			  err ? strerror(err) : "failed");
	if (both && rel)
		result("exit_release", "xmsg", held, rel, "ns");
	else if (both)
		result_na("exit_release", "xmsg", held, "failed");
	if (fd >= 0)
		close(fd);
	if (res)
		munmap(res, sizeof(*res));
}

static void xmsg_exit_cost(void)
{
	static const unsigned int held[] = { 1000, 10000, 50000 };

	arm_watchdog();
	for (size_t i = 0; i < 3; i++)
		xmsg_exit_one(held[i], 50000, "", true);
	/* The same count held from a pool 8 times bigger. */
	xmsg_exit_one(10000, 400000, "_bigpool", false);
	alarm(0);
}

/*
 * Per-call costs inside one process, nothing blocks (-m ops; not part of
 * the default run): what one system call of each kind costs, to see where
 * a round trip's time goes.
 */
struct opctx {
	int fd, pfd[2];
	uint32_t pool, x, msg, m16[16];
	char buf[64];
};

static int op_getppid(UNUSED struct opctx *o)
{
	return syscall(SYS_getppid) > 0 ? 0 : -1;
}

static int op_pipe(struct opctx *o)
{
	if (write(o->pfd[1], o->buf, 64) != 64)
		return -1;
	return read(o->pfd[0], o->buf, 64) == 64 ? 0 : -1;
}

#if HAVE_XMSG
static int op_features(struct opctx *o)
{
	struct xmsg_features f;

	memset(&f, 0, sizeof(f));
	f.size = sizeof(f);
	return ioctl(o->fd, XMSG_IOC_FEATURES, &f);
}
#else
static int op_features(UNUSED struct opctx *o)
{
	return -1;
}
#endif

static int op_getrel(struct opctx *o)
{
	uint32_t m;
	uint64_t off;

	return xb_get(o->fd, o->pool, &m, &off) ?: xb_rel(o->fd, m);
}

static int op_sendrecv(struct opctx *o)
{
	struct xrx rx = { 0 };
	int r = xb_send(o->fd, o->x, o->msg) ?:
		xb_recv(o->fd, o->x, false, &rx);

	o->msg = rx.msg;
	return r;
}

static int op_call(struct opctx *o)
{
	struct xrx rx = { 0 };
	int r = xb_call(o->fd, o->x, o->msg, o->x, &rx);

	o->msg = rx.msg;
	return r;
}

/* 16 messages sent to and received back from one exchange, one call */
static int op_xfer16(struct opctx *o)
{
	struct xrx rx[16];
	unsigned int got = 0;
	int r;

	r = xb_xfer(o->fd, o->x, o->m16, 16, false, NULL, o->x, 16, rx, &got);
	for (unsigned int i = 0; !r && i < got; i++)
		o->m16[i] = rx[i].msg;
	return r || got != 16 ? -1 : 0;
}

static int op_relbad(struct opctx *o)
{
	return xb_rel(o->fd, 99999) == -EBADF ? 0 : -1;
}

static int op_sendbad(struct opctx *o)
{
	return xb_send(o->fd, o->x, 99999) == -EBADF ? 0 : -1;
}

#if HAVE_XMSG
static int op_recvempty(struct opctx *o)
{
	struct xmsg_recv a;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.xchg = o->x;
	return ioctl(o->fd, XMSG_IOC_RECV, &a) && errno == EAGAIN ? 0 : -1;
}
#else
static int op_recvempty(UNUSED struct opctx *o)
{
	return -1;
}
#endif

struct opdesc {
	const char *name;
	int (*fn)(struct opctx *o);
	double best;			/* ns per op, least of the rounds */
	bool failed;
};

/*
 * Rounds of a few milliseconds in which every op takes a turn; the least
 * time per op over the rounds is the figure (the host's load only ever
 * adds time).
 */
static void op_rounds(struct opdesc *d, size_t n, struct opctx *o)
{
	uint64_t t0 = now_ns(), t;
	int rounds = 0;

	for (size_t i = 0; i < n; i++)
		d[i].best = 1e18;
	do {
		for (size_t i = 0; i < n; i++) {
			if (d[i].failed)
				continue;
			t = now_ns();
			for (int k = 0; k < 256 && !d[i].failed; k++)
				d[i].failed = d[i].fn(o) != 0;
			t = now_ns() - t;
			if (t / 256.0 < d[i].best)
				d[i].best = t / 256.0;
		}
		rounds++;
	} while (rounds < 5 || now_ns() - t0 < box_full_ns() * n);
	for (size_t i = 0; i < n; i++) {
		if (d[i].failed)
			result_na("op_ns", d[i].name, 0, "failed");
		else
			result("op_ns", d[i].name, 0, d[i].best, "ns");
	}
}

static void ops_all(void)
{
	struct opdesc d[] = {
		{ .name = "getppid", .fn = op_getppid }, { .name = "pipe-w+r", .fn = op_pipe },
		{ .name = "features", .fn = op_features }, { .name = "rel-bad", .fn = op_relbad },
		{ .name = "send-bad", .fn = op_sendbad }, { .name = "recv-empty", .fn = op_recvempty },
		{ .name = "get+rel", .fn = op_getrel }, { .name = "send+recv", .fn = op_sendrecv },
		{ .name = "call", .fn = op_call },
		{ .name = "xfer16", .fn = op_xfer16 },
	};
	struct opctx o = { .fd = -1 };
	char pname[XNAME], xname[XNAME];
	uint64_t off;
	bool bad;

	snprintf(pname, sizeof(pname), "ipcb.%d.ops.pool", getpid());
	snprintf(xname, sizeof(xname), "ipcb.%d.ops.x", getpid());
	if (pipe(o.pfd))
		return;
	o.fd = xb_open();
	bad = o.fd < 0 || xb_pool_create(o.fd, pname, 64, 32, &o.pool) ||
	      xb_xchg_create(o.fd, xname, XK_NORMAL, &o.x) ||
	      xb_get(o.fd, o.pool, &o.msg, &off);
	for (int i = 0; !bad && i < 16; i++)
		bad = xb_get(o.fd, o.pool, &o.m16[i], &off) != 0;
	if (bad)
		result_na("op_ns", "xmsg", 0, "setup_failed");
	else
		op_rounds(d, sizeof(d) / sizeof(d[0]), &o);
	if (o.fd >= 0)
		close(o.fd);
	close(o.pfd[0]);
	close(o.pfd[1]);
}

/* ---------------------------------------------------------------- table */

static const char *const copy_peers[] = { "pipe", "unix", "mq", "shmring" };
static const char *const xmsg_peers[] = { "xmsg", "xmsg-call" };

static void ratios(const char *measure, unsigned long param)
{
	for (size_t i = 0; i < 2; i++) {
		const struct result *x = find(measure, xmsg_peers[i], param);

		for (size_t j = 0; x && j < 4; j++) {
			const struct result *o = find(measure, copy_peers[j],
						      param);

			if (o && o->value > 0)
				printf("RATIO %s %lu %s %s %.4g\n", measure,
				       param, xmsg_peers[i], copy_peers[j],
				       x->value / o->value);
		}
	}
}

static void fmt(char *s, size_t len, const struct result *r)
{
	double v;

	if (!r) {
		snprintf(s, len, "n/a");
		return;
	}
	v = r->value;
	if (!strcmp(r->unit, "ns"))
		snprintf(s, len, "%.1f us", v / 1e3);
	else if (!strcmp(r->unit, "B/s"))
		snprintf(s, len, "%.1f MB/s", v / 1e6);
	else if (!strcmp(r->unit, "msg/s"))
		snprintf(s, len, "%.0f/s", v);
	else
		snprintf(s, len, "%.4g %s", v, r->unit);
}

static void table(const char *measure)
{
	const char *all[] = { "xmsg", "xmsg-call", "pipe", "unix", "mq",
			      "shmring" };
	char s[32];

	printf("\n%-12s %-9s", measure, "size");
	for (size_t j = 0; j < 6; j++)
		printf(" %13s", all[j]);
	printf("\n");
	for (size_t i = 0; i < NSIZES; i++) {
		printf("%-12s %-9zu", "", sizes[i]);
		for (size_t j = 0; j < 6; j++) {
			fmt(s, sizeof(s), find(measure, all[j], sizes[i]));
			printf(" %13s", s);
		}
		printf("\n");
	}
}

static void fanout_table(void)
{
	static const char *const f[] = { "xmsg-bcast", "xmsg-proxy", "pipe" };
	char s[32];

	printf("\n%-12s %-9s", "fanout 1MiB", "rx");
	for (size_t j = 0; j < 3; j++)
		printf(" %13s", f[j]);
	printf(" %13s %13s\n", "bcast/pipe", "proxy/pipe");
	for (int n = 1; n <= MAX_RX; n *= 2) {
		const struct result *b = find("fanout_median", f[0], n);
		const struct result *x = find("fanout_median", f[1], n);
		const struct result *p = find("fanout_median", f[2], n);

		printf("%-12s %-9d", "", n);
		for (size_t j = 0; j < 3; j++) {
			fmt(s, sizeof(s), find("fanout_median", f[j], n));
			printf(" %13s", s);
		}
		printf(" %13.4g %13.4g\n", b && p ? b->value / p->value : NAN,
		       x && p ? x->value / p->value : NAN);
	}
}

static void exit_table(void)
{
	static const unsigned long held[] = { 1000, 10000, 50000 };

	printf("\n%-12s %-9s %13s %13s %13s\n", "cleanup", "held",
	       "close(fd)", "one by one", "close/1by1");
	for (size_t i = 0; i < 3; i++) {
		const struct result *c = find("exit_close", "xmsg", held[i]);
		const struct result *r = find("exit_release", "xmsg", held[i]);

		printf("%-12s %-9lu %10.3f ms %10.3f ms %13.4g\n", "", held[i],
		       c ? c->value / 1e6 : NAN, r ? r->value / 1e6 : NAN,
		       c && r ? c->value / r->value : NAN);
	}
}

static void summary(void)
{
	static const char *const m[] = { "rtt_median", "rtt_p99", "tput_msgs",
					 "tput_bytes" };

	printf("\n# ratios xmsg/peer\n");
	for (size_t i = 0; i < 4; i++)
		for (size_t s = 0; s < NSIZES; s++)
			ratios(m[i], sizes[s]);
	for (int n = 1; n <= MAX_RX; n *= 2) {
		const struct result *p = find("fanout_median", "pipe", n);
		const struct result *b = find("fanout_median", "xmsg-bcast", n);
		const struct result *x = find("fanout_median", "xmsg-proxy", n);

		if (p && b)
			printf("RATIO fanout_median %d xmsg-bcast pipe %.4g\n",
			       n, b->value / p->value);
		if (p && x)
			printf("RATIO fanout_median %d xmsg-proxy pipe %.4g\n",
			       n, x->value / p->value);
	}
	for (unsigned long n = 1000; n <= 50000; n *= n == 1000 ? 10 : 5) {
		const struct result *c = find("exit_close", "xmsg", n);
		const struct result *r = find("exit_release", "xmsg", n);

		if (c && r)
			printf("RATIO exit %lu close release %.4g\n", n,
			       c->value / r->value);
	}
	printf("\n# table (TCG-emulated times: compare ratios only)\n");
	for (size_t i = 0; i < 4; i++)
		table(m[i]);
	fanout_table();
	exit_table();
	fflush(stdout);
}

/* ----------------------------------------------------------------- main */

/* Per size: opt_reps rounds in which every listed peer takes one turn
 * (starting with a different peer each round), then the figures.
 */
static void run_reps(void (*one)(const struct peer *, size_t, struct acc *),
		     void (*emit)(const struct peer *, size_t, struct acc *))
{
	for (size_t s = 0; s < NSIZES; s++) {
		for (int r = 0; r < opt_reps; r++) {
			for (size_t k = 0; k < NPEERS; k++) {
				size_t i = (k + r) % NPEERS;

				if (listed(opt_peers, peers[i]->name))
					one(peers[i], sizes[s], &accs[i][s]);
			}
		}
		for (size_t i = 0; i < NPEERS; i++)
			if (listed(opt_peers, peers[i]->name))
				emit(peers[i], sizes[s], &accs[i][s]);
	}
}

static void usage(const char *argv0)
{
	fprintf(stderr,
		"usage: %s [-t seconds] [-r reps] [-n min_iters] [-m measures] [-p peers]\n"
		"  -t  time box per measurement (default 0.5)\n"
		"  -r  round trip/throughput: repetitions sharing the time box,\n"
		"      peers taking turns (default 3)\n"
		"  -n  minimum samples per measurement (default 8)\n"
		"  -m  comma list of rtt,tput,fanout,exit (default all); ops:\n"
		"      per-call costs in one process (not in the default)\n"
		"  -p  comma list of peers (default all)\n", argv0);
	exit(2);
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct utsname u;
	int o;

	while ((o = getopt(argc, argv, "t:r:n:m:p:h")) != -1) {
		switch (o) {
		case 't':
			opt_box = atof(optarg);
			break;
		case 'r':
			opt_reps = atoi(optarg);
			break;
		case 'n':
			opt_min_iters = atoi(optarg);
			break;
		case 'm':
			opt_measures = optarg;
			break;
		case 'p':
			opt_peers = optarg;
			break;
		default:
			usage(argv[0]);
		}
	}
	if (opt_min_iters < 1)
		opt_min_iters = 1;
	if (opt_reps < 1)
		opt_reps = 1;
	sigaction(SIGALRM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	samples = calloc(MAX_SAMPLES, sizeof(*samples));
	sh = shm_alloc(sizeof(*sh));
	fan = shm_alloc(sizeof(*fan));
	if (!samples || !sh || !fan)
		return 1;
	uname(&u);
	printf("INFO kernel %s %s cpus %ld box %.2fs reps %d xmsg %s\n",
	       u.release, u.machine, sysconf(_SC_NPROCESSORS_ONLN), opt_box,
	       opt_reps, HAVE_XMSG ? "built" : "not-built");

	if (listed(opt_measures, "rtt"))
		run_reps(measure_rtt_rep, emit_rtt);
	if (listed(opt_measures, "tput"))
		run_reps(measure_tput_rep, emit_tput);
	if (listed(opt_measures, "fanout"))
		fanout_all();
	if (listed(opt_measures, "exit"))
		xmsg_exit_cost();
	if (strstr(opt_measures, "ops"))
		ops_all();
	summary();
	printf("DONE\n");
	return 0;
}

/* ------------------------------------------------- xmsg adapter: ioctls */

#if !HAVE_XMSG
/* Built without <linux/xmsg.h>: every xmsg figure is reported N/A. */
#pragma GCC diagnostic ignored "-Wunused-parameter"
static int xb_open(void)
{
	return -ENOSYS;
}

static int xb_pool_create(int fd, const char *name, size_t bsize,
			  unsigned int nblocks, uint32_t *h)
{
	return -ENOSYS;
}

static int xb_pool_open(int fd, const char *name, uint32_t *h)
{
	return -ENOSYS;
}

static void *xb_pool_map(int fd, uint32_t pool, size_t *len)
{
	errno = ENOSYS;
	return NULL;
}

static int xb_pool_destroy(int fd, uint32_t pool)
{
	return -ENOSYS;
}

static int xb_xchg_create(int fd, const char *name, int kind, uint32_t *h)
{
	return -ENOSYS;
}

static int xb_xchg_open(int fd, const char *name, uint32_t *h)
{
	return -ENOSYS;
}

static int xb_xchg_destroy(int fd, uint32_t xchg)
{
	return -ENOSYS;
}

static int xb_get(int fd, uint32_t pool, uint32_t *msg, uint64_t *off)
{
	return -ENOSYS;
}

static int xb_rel(int fd, uint32_t msg)
{
	return -ENOSYS;
}

static int xb_send(int fd, uint32_t xchg, uint32_t msg)
{
	return -ENOSYS;
}

static int xb_recv(int fd, uint32_t xchg, bool newer, struct xrx *rx)
{
	return -ENOSYS;
}

static int xb_call(int fd, uint32_t sx, uint32_t msg, uint32_t rxx,
		   struct xrx *rx)
{
	return -ENOSYS;
}

static int xb_proxy(int fd, uint32_t msg, uint64_t off, uint64_t len,
		    uint32_t *proxy)
{
	return -ENOSYS;
}

static int xb_xfer(int fd, uint32_t sx, const uint32_t *msgs, unsigned int n,
		   bool proxy, const uint32_t *sxs, uint32_t rxx,
		   unsigned int max, struct xrx *rx, unsigned int *got)
{
	return -ENOSYS;
}
#endif

#if HAVE_XMSG
#include <sys/ioctl.h>

/*
 * Receives wait like a read() of the other peers: for ever, without a
 * timer to arm and cancel at every wait.  A stuck one is interrupted by
 * the watchdog's SIGALRM (no SA_RESTART: -EINTR) or killed with its
 * process.
 */
#define XB_TIMEOUT_NS	XMSG_TIMEOUT_FOREVER
#define XB_INIT(s) do { memset(&(s), 0, sizeof(s)); (s).size = sizeof(s); } while (0)

static int xb_ioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

static int xb_open(void)
{
	int fd = open("/dev/xmsg", O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		xb_why = "no_/dev/xmsg";
		return -errno;
	}
	return fd;
}

static int xb_name(char *dst, const char *name)
{
	memset(dst, 0, XMSG_NAME_MAX);
	if (strlen(name) >= XMSG_NAME_MAX)
		return -ENAMETOOLONG;
	memcpy(dst, name, strlen(name));
	return 0;
}

static int xb_pool_create(int fd, const char *name, size_t bsize,
			  unsigned int nblocks, uint32_t *h)
{
	struct xmsg_pool_create a;
	int r;

	XB_INIT(a);
	a.flags = XMSG_CREATE_EXCL;
	a.mode = 0600;
	a.access = XMSG_ACC_RDWR;
	a.block_size = bsize;
	a.count = nblocks;
	r = xb_name(a.name, name) ?: xb_ioctl(fd, XMSG_IOC_POOL_CREATE, &a);
	*h = a.handle;
	return r;
}

static int xb_obj_open(int fd, const char *name, uint32_t type, uint32_t *h)
{
	struct xmsg_open a;
	int r;

	XB_INIT(a);
	a.type = type;
	a.access = XMSG_ACC_RDWR;
	r = xb_name(a.name, name) ?: xb_ioctl(fd, XMSG_IOC_OPEN, &a);
	*h = a.handle;
	return r;
}

static int xb_pool_open(int fd, const char *name, uint32_t *h)
{
	return xb_obj_open(fd, name, XMSG_TYPE_POOL, h);
}

static void *xb_pool_map(int fd, uint32_t pool, size_t *len)
{
	struct xmsg_info i;
	void *p;
	int r;

	XB_INIT(i);
	i.handle = pool;
	r = xb_ioctl(fd, XMSG_IOC_INFO, &i);
	if (r) {
		errno = -r;
		return NULL;
	}
	*len = i.u.pool.region_size;
	p = mmap(NULL, *len, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 XMSG_MMAP_OFFSET(pool));
	return p == MAP_FAILED ? NULL : p;
}

static int xb_handle_op(int fd, unsigned long cmd, uint32_t h)
{
	struct xmsg_handle_op a;

	XB_INIT(a);
	a.handle = h;
	return xb_ioctl(fd, cmd, &a);
}

static int xb_pool_destroy(int fd, uint32_t pool)
{
	return xb_handle_op(fd, XMSG_IOC_DESTROY, pool);
}

static int xb_xchg_create(int fd, const char *name, int kind, uint32_t *h)
{
	struct xmsg_xchg_create a;
	int r;

	XB_INIT(a);
	a.flags = XMSG_CREATE_EXCL;
	a.mode = 0600;
	a.access = XMSG_ACC_RDWR;
	a.kind = kind == XK_BCAST ? XMSG_XCHG_KIND_BCAST :
				    XMSG_XCHG_KIND_NORMAL;
	r = xb_name(a.name, name) ?: xb_ioctl(fd, XMSG_IOC_XCHG_CREATE, &a);
	*h = a.handle;
	return r;
}

static int xb_xchg_open(int fd, const char *name, uint32_t *h)
{
	return xb_obj_open(fd, name, XMSG_TYPE_XCHG, h);
}

static int xb_xchg_destroy(int fd, uint32_t xchg)
{
	return xb_handle_op(fd, XMSG_IOC_DESTROY, xchg);
}

static int xb_get(int fd, uint32_t pool, uint32_t *msg, uint64_t *off)
{
	struct xmsg_buf a;
	int r;

	XB_INIT(a);
	a.src = pool;
	r = xb_ioctl(fd, XMSG_IOC_MSG_GET, &a);
	*msg = a.dst;
	*off = a.offset;
	return r;
}

static int xb_rel(int fd, uint32_t msg)
{
	struct xmsg_buf a;

	XB_INIT(a);
	a.src = msg;
	return xb_ioctl(fd, XMSG_IOC_MSG_REL, &a);
}

static int xb_send(int fd, uint32_t xchg, uint32_t msg)
{
	struct xmsg_send a;

	XB_INIT(a);
	a.xchg = xchg;
	a.msg = msg;
	return xb_ioctl(fd, XMSG_IOC_SEND, &a);
}

static int xb_recv(int fd, uint32_t xchg, bool newer, struct xrx *rx)
{
	struct xmsg_recv a;
	int r;

	XB_INIT(a);
	a.xchg = xchg;
	a.timeout_ns = XB_TIMEOUT_NS;
	if (newer) {
		a.flags = XMSG_RECV_NEWER;
		a.gen = rx->gen;
	}
	r = xb_ioctl(fd, XMSG_IOC_RECV, &a);
	if (r)
		return r;
	rx->msg = a.msg;
	rx->off = a.offset;
	rx->len = a.length;
	rx->gen = a.gen;
	return 0;
}

static int xb_call(int fd, uint32_t sx, uint32_t msg, uint32_t rxx,
		   struct xrx *rx)
{
	struct xmsg_call a;
	int r;

	XB_INIT(a);
	a.send_xchg = sx;
	a.send_msg = msg;
	a.recv_xchg = rxx;
	a.timeout_ns = XB_TIMEOUT_NS;
	r = xb_ioctl(fd, XMSG_IOC_CALL, &a);
	if (r)
		return r;
	rx->msg = a.msg;
	rx->off = a.offset;
	rx->len = a.length;
	rx->gen = a.gen;
	return 0;
}

static int xb_proxy(int fd, uint32_t msg, uint64_t off, uint64_t len,
		    uint32_t *proxy)
{
	struct xmsg_buf a;
	int r;

	XB_INIT(a);
	a.src = msg;
	a.slice_offset = off;
	a.slice_length = len;
	r = xb_ioctl(fd, XMSG_IOC_MSG_PROXY, &a);
	*proxy = a.dst;
	return r;
}

/*
 * XMSG_IOC_XFER: send @n messages @msgs (to @sx, or to @sxs[i] when @sxs
 * is set; with @proxy a proxy of @msgs[0] each), then receive up to @max
 * messages from @rxx (0: none) into @rx, *@got of them.
 */
static int xb_xfer(int fd, uint32_t sx, const uint32_t *msgs, unsigned int n,
		   bool proxy, const uint32_t *sxs, uint32_t rxx,
		   unsigned int max, struct xrx *rx, unsigned int *got)
{
	struct xmsg_xfer_send se[XMSG_XFER_MAX];
	struct xmsg_xfer_recv re[XMSG_XFER_MAX];
	struct xmsg_xfer a;
	int r;

	if (n > XMSG_XFER_MAX || max > XMSG_XFER_MAX)
		return -EINVAL;
	memset(se, 0, n * sizeof(se[0]));
	for (unsigned int i = 0; i < n; i++) {
		se[i].xchg = sxs ? sxs[i] : sx;
		se[i].msg = proxy ? msgs[0] : msgs[i];
		se[i].flags = proxy ? XMSG_XFER_PROXY : 0;
	}
	XB_INIT(a);
	if (n) {
		a.send = (uintptr_t)se;
		a.send_count = n;
		a.send_size = sizeof(se[0]);
	}
	if (max) {
		a.recv = (uintptr_t)re;
		a.recv_max = max;
		a.recv_size = sizeof(re[0]);
		a.recv_xchg = rxx;
		a.timeout_ns = XB_TIMEOUT_NS;
	}
	r = xb_ioctl(fd, XMSG_IOC_XFER, &a);
	if (r)
		return r;
	for (unsigned int i = 0; i < a.received; i++) {
		rx[i].msg = re[i].msg;
		rx[i].off = re[i].offset;
		rx[i].len = re[i].length;
		rx[i].gen = 0;
	}
	if (got)
		*got = a.received;
	return 0;
}
#endif
