// SPDX-License-Identifier: GPL-2.0
/*
 * ipc_bench measurement "fanout": one 1 MiB message to n receivers, each
 * in its own process.  A sample starts when the sender starts sending and
 * ends when the last receiver has the whole message (and checked its
 * stamps); receivers report through a counter in shared memory, and only
 * the last one of a sample wakes the sender.  A round is a time box of
 * samples per mechanism, the mechanisms taking turns; its figure is its
 * median.
 *
 *   xmsg-bcast  one broadcast exchange; the sender writes the body in
 *               place and sends it once; each receiver receives the newer
 *               generation, checks the body in place, reports and
 *               releases its reference.
 *   xmsg-proxy  (8 receivers) one XMSG_IOC_XFER with XMSG_XFER_PROXY
 *               makes a proxy of the message for each of 8 normal
 *               exchanges; each receiver receives its proxy, checks the
 *               body, reports and releases the proxy.
 *   shmpool     the zero-copy shared-memory model (peer_shmpool.c): the
 *               sender writes the body in place once and pushes its
 *               offset to one SPSC queue per receiver; each receiver
 *               checks the body in place, reports and returns the offset.
 *   pipe        one pipe per receiver; the sender write()s the full
 *               message to each in turn.
 */
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "ipc_bench.h"

struct fan {
	uint32_t nrx;			/* receivers of this measurement */
	_Atomic uint32_t done;		/* receivers finished this sample */
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
	if (atomic_fetch_add(&fan->done, 1) + 1 >= fan->nrx)
		futex_wake(&fan->done, 1);
}

/* Wait for n receivers; the time of the last one in *last. */
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

static void fan_start(int nrx)
{
	memset(fan, 0, sizeof(*fan));
	fan->nrx = nrx;
}

/* Is the round's time box over after @n samples since @tstart? */
static bool fan_enough(size_t n, uint64_t tstart)
{
	return n >= MAX_SAMPLES || (n >= (size_t)opt.min_iters &&
				    now_ns() - tstart > round_box_ns());
}

/* --------------------------------------------------------------- pipes */

static int fanout_pipes(int nrx, size_t *ns, UNUSED const char **why)
{
	int fds[MAX_RX][2];
	pid_t pids[MAX_RX];
	char *buf = buf_alloc(MIB);
	uint64_t seq, t0, last, tstart;
	size_t n = 0;
	int i, np, r = 0;

	if (!buf)
		return -ENOMEM;
	fan_start(nrx);
	for (i = 0; i < nrx; i++) {
		if (pipe(fds[i])) {
			free(buf);
			while (i--) {
				close(fds[i][0]);
				close(fds[i][1]);
			}
			return -errno;
		}
		fcntl(fds[i][1], F_SETPIPE_SZ, (int)MIB);
	}
	for (np = 0; np < nrx; np++) {
		pids[np] = fork();
		if (pids[np])
			continue;
		for (int j = 0; j < nrx; j++)
			close(fds[j][1]);
		fan_set_ready();
		for (seq = 0;; seq++) {
			if (read_full(fds[np][0], buf, MIB) < 0)
				_exit(1);
			if (check(buf, MIB) == STOP_SEQ)
				_exit(0);
			fan_report(np, check(buf, MIB), seq);
		}
	}
	fan_wait_ready(nrx);
	tstart = now_ns();
	for (seq = 0; !r && !fan_enough(n, tstart); seq++) {
		atomic_store(&fan->done, 0);
		t0 = now_ns();
		stamp(buf, MIB, seq);
		for (i = 0; i < nrx && !r; i++)
			r = write_full(fds[i][1], buf, MIB) < 0;
		if (r || fan_wait(nrx, &last))
			r = -1;
		else
			samples[n++] = last - t0;
	}
	stamp(buf, MIB, STOP_SEQ);
	for (i = 0; i < nrx; i++) {
		if (!r)
			write_full(fds[i][1], buf, MIB);
		close(fds[i][1]);
		close(fds[i][0]);
	}
	for (i = 0; i < np; i++)
		r |= reap(pids[i], r != 0);
	free(buf);
	*ns = n;
	return r;
}

/* ---------------------------------------------------------------- xmsg */

/*
 * The sender owns one 1 MiB message and reuses it every sample (it may:
 * it stays the owner).
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

static int xfan_send(struct xfan *f, uint32_t msg, char *body, uint64_t seq)
{
	stamp(body, MIB, seq);
	if (f->bcast)
		return xb_send(f->fd, f->x[0], msg);
	/* multicast: a proxy of the message to each exchange, one call */
	return xb_xfer(f->fd, 0, &msg, f->nx, true, f->x, 0, 0, NULL, NULL);
}

static int fanout_xmsg(bool bcast, int nrx, size_t *ns, const char **why)
{
	struct xfan f = { .bcast = bcast, .nx = bcast ? 1 : nrx, .fd = -1 };
	pid_t pids[MAX_RX];
	uint64_t seq, t0, last, tstart, off;
	static unsigned int fseq;
	size_t n = 0;
	uint32_t msg;
	int i, r, np = 0;

	fseq++;
	snprintf(f.pname, XNAME, "ipcb.%d.fan%u.pool", getpid(), fseq);
	for (i = 0; i < f.nx; i++)
		snprintf(f.xname[i], XNAME, "ipcb.%d.fan%u.x%d", getpid(),
			 fseq, i);
	fan_start(nrx);
	r = xfan_open(&f, true);
	if (!r)
		r = xb_get(f.fd, f.pool, &msg, &off);
	if (r) {
		*why = f.fd < 0 ? xb_why : strerror(-r);
		xfan_close(&f, true);
		return r;
	}
	for (np = 0; np < nrx; np++) {
		pids[np] = fork();
		if (!pids[np])
			_exit(xfan_child(&f, np));
	}
	fan_wait_ready(nrx);
	tstart = now_ns();
	for (seq = 0; !r && !fan_enough(n, tstart); seq++) {
		atomic_store(&fan->done, 0);
		t0 = now_ns();
		r = xfan_send(&f, msg, f.base + off, seq);
		if (!r)
			r = fan_wait(nrx, &last);
		if (!r)
			samples[n++] = last - t0;
	}
	if (!r)
		r = xfan_send(&f, msg, f.base + off, STOP_SEQ);
	for (i = 0; i < np; i++)
		r |= reap(pids[i], r != 0);
	xb_rel(f.fd, msg);
	xfan_close(&f, true);
	*ns = n;
	return r;
}

static int fanout_bcast(int nrx, size_t *n, const char **why)
{
	return fanout_xmsg(true, nrx, n, why);
}

static int fanout_proxy(int nrx, size_t *n, const char **why)
{
	return fanout_xmsg(false, nrx, n, why);
}

/* ------------------------------------------------------------- shmpool */

/* One block, a queue to each receiver and one back from each. */
struct pfan {
	struct spsc *to[MAX_RX], *back[MAX_RX];
	char *body;
};

#define PFAN_QBYTES	256

static int pfan_child(struct pfan *pf, int i)
{
	uint64_t seq, want;
	uint32_t off;

	fan_set_ready();
	for (want = 0;; want++) {
		if (spsc_pop(pf->to[i], &off) || off)
			return 1;
		seq = check(pf->body, MIB);
		if (seq != STOP_SEQ)	/* it has the message: report first */
			fan_report(i, seq, want);
		spsc_push(pf->back[i], off);
		if (seq == STOP_SEQ)
			return 0;
	}
}

static int pfan_send(struct pfan *pf, int nrx, uint64_t seq)
{
	stamp(pf->body, MIB, seq);
	for (int i = 0; i < nrx; i++)
		spsc_push(pf->to[i], 0);
	return 0;
}

/* Every receiver gave the block back: it may be written again. */
static int pfan_collect(struct pfan *pf, int nrx)
{
	uint32_t off;

	for (int i = 0; i < nrx; i++)
		if (spsc_pop(pf->back[i], &off))
			return -1;
	return 0;
}

static int fanout_shmpool(int nrx, size_t *ns, const char **why)
{
	size_t len = 2 * MAX_RX * PFAN_QBYTES + MIB;
	char *base = shm_alloc(len);
	uint64_t seq, t0, last, tstart;
	struct pfan pf;
	pid_t pids[MAX_RX];
	size_t n = 0;
	int i, r = 0, np;

	if (!base) {
		*why = "mmap_failed";
		return -ENOMEM;
	}
	for (i = 0; i < MAX_RX; i++) {
		pf.to[i] = (struct spsc *)(base + 2 * i * PFAN_QBYTES);
		pf.back[i] = (struct spsc *)(base + (2 * i + 1) * PFAN_QBYTES);
		spsc_init(pf.to[i], 2);
		spsc_init(pf.back[i], 2);
	}
	pf.body = base + 2 * MAX_RX * PFAN_QBYTES;
	fan_start(nrx);
	for (np = 0; np < nrx; np++) {
		pids[np] = fork();
		if (!pids[np])
			_exit(pfan_child(&pf, np));
	}
	fan_wait_ready(nrx);
	tstart = now_ns();
	for (seq = 0; !r && !fan_enough(n, tstart); seq++) {
		atomic_store(&fan->done, 0);
		t0 = now_ns();
		r = pfan_send(&pf, nrx, seq) ?: fan_wait(nrx, &last) ?:
		    pfan_collect(&pf, nrx);
		if (!r)
			samples[n++] = last - t0;
	}
	if (!r)
		r = pfan_send(&pf, nrx, STOP_SEQ);
	for (i = 0; i < np; i++)
		r |= reap(pids[i], r != 0);
	munmap(base, len);
	*ns = n;
	return r;
}

/* ------------------------------------------------------------- rounds */

struct fanpeer {
	const char *name;
	int (*run)(int nrx, size_t *n, const char **why);
	bool max_only;			/* only with MAX_RX receivers */
};

static const struct fanpeer fanpeers[] = {
	{ "xmsg-bcast", fanout_bcast, false },
	{ "xmsg-proxy", fanout_proxy, true },
	{ "shmpool", fanout_shmpool, false },
	{ "pipe", fanout_pipes, false },
};

#define NFANPEERS (sizeof(fanpeers) / sizeof(fanpeers[0]))

static void fan_round(const struct fanpeer *fp, int nrx, struct acc *a)
{
	const char *why = "failed";
	int i = a->nround++;
	size_t n = 0;

	a->round[i] = NAN;
	if (a->why)
		return;
	arm_watchdog();
	if (fp->run(nrx, &n, &why) || !n) {
		a->why = watchdog_fired ? "timeout" : why;
	} else {
		qsort(samples, n, sizeof(*samples), cmp_u64);
		a->round[i] = pct(samples, n, 0.5);
	}
	alarm(0);
}

/* The mechanisms take turns at each receiver count, round after round. */
void fanout_all(void)
{
	struct acc a[NFANPEERS];

	if (!fan)
		fan = shm_alloc(sizeof(*fan));
	if (!fan)
		return;
	for (int nrx = 1; nrx <= MAX_RX; nrx *= 2) {
		memset(a, 0, sizeof(a));
		for (int r = 0; r < opt.rounds; r++) {
			for (size_t k = 0; k < NFANPEERS; k++) {
				size_t i = (k + r) % NFANPEERS;

				if (fanpeers[i].max_only && nrx != MAX_RX)
					continue;
				if (listed(opt.peers, fanpeers[i].name))
					fan_round(&fanpeers[i], nrx, &a[i]);
			}
		}
		for (size_t i = 0; i < NFANPEERS; i++) {
			if (!a[i].nround)
				continue;
			if (a[i].why)
				result_na("fanout_median", fanpeers[i].name,
					  nrx, a[i].why);
			else
				result_rounds("fanout_median",
					      fanpeers[i].name, nrx,
					      a[i].round, a[i].nround, "ns");
		}
	}
}
