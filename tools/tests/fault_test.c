// SPDX-License-Identifier: GPL-2.0
/*
 * fault_test: every /dev/xmsg ioctl (and open, mmap) with allocation
 * failures injected into the calling thread.
 *
 * The kernel's per-task "fail the Nth injection point" counter
 * (/proc/thread-self/fail-nth, CONFIG_FAULT_INJECTION) makes the Nth
 * allocation of the one call fail: failslab (kmalloc, kmem_cache) and
 * fail_page_alloc (alloc_pages, vmalloc's pages), configured in debugfs to
 * count every allocation, also those that may sleep, of any order.  Each
 * case runs its call with N = 1, 2, 3, ... until it succeeds without
 * reaching the Nth point.  After every attempt:
 *
 * - a failed call returned -ENOMEM and changed nothing: every handle of
 *   both files (XMSG_IOC_INFO: type, rights, pool free / in use / mapped
 *   counts, exchange queued / sent / received, semaphore counts, message
 *   placement), the named objects (XMSG_IOC_LIST) and the open file
 *   descriptors are as before the call.  XMSG_IOC_CALL and XMSG_IOC_XFER
 *   may fail after sending: then exactly the sends they report happened;
 * - a successful call (an injected failure may be absorbed by a fallback)
 *   gave the lowest free handle and a usable result;
 * - once the case has released what it made, everything is as at the
 *   start of the case (nothing leaked, every block back in its pool).
 *
 * The fixture's teardown destroys every object (a pool with a block out
 * would refuse).  Kernel splats and kmemleak reports are caught by the VM
 * runner.  Without fail-nth or the failslab debugfs files (a distribution
 * kernel) the test is skipped.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/xmsg.h>

/* The harness compares ints with our unsigned fields. */
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

#define DEV		"/dev/xmsg"
#define BS		256
#define COUNT		16
#define MAXH		32	/* handles looked at in each file */
#define MAXN		400	/* injection points tried per call at most */
#define FAIL_NTH	"/proc/thread-self/fail-nth"
#define DBG		"/sys/kernel/debug"

#define INIT(s) do { memset(&(s), 0, sizeof(s)); (s).size = sizeof(s); } while (0)

/* In the case helpers: report and fail the case. */
#define CK(cond) do {							\
	if (!(cond)) {							\
		fprintf(stderr, "# %s:%d: check failed: %s\n",		\
			__FILE__, __LINE__, #cond);			\
		return -1;						\
	}								\
} while (0)

/* ---- fault injection ------------------------------------------------- */

static int nth_fd = -1;

static int dbg_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -1;
}

/*
 * Make every allocation an injection point (by default failslab and
 * fail_page_alloc skip allocations that may sleep, and fail_page_alloc
 * order-0 pages), silently.  Probability stays 0: only fail-nth fires,
 * and only in the thread that armed it.
 */
static int fi_setup(void)
{
	static const char *const set[][2] = {
		{ DBG "/failslab/ignore-gfp-wait", "N" },
		{ DBG "/failslab/verbose", "0" },
		{ DBG "/fail_page_alloc/ignore-gfp-wait", "N" },
		{ DBG "/fail_page_alloc/ignore-gfp-highmem", "N" },
		{ DBG "/fail_page_alloc/min-order", "0" },
		{ DBG "/fail_page_alloc/verbose", "0" },
	};
	size_t i;

	for (i = 0; i < sizeof(set) / sizeof(set[0]); i++)
		if (dbg_write(set[i][0], set[i][1]))
			return -1;
	if (nth_fd < 0)
		nth_fd = open(FAIL_NTH, O_RDWR | O_CLOEXEC);
	return nth_fd < 0 ? -1 : 0;
}

static int fi_available(void)
{
	return access(FAIL_NTH, R_OK | W_OK) == 0 &&
	       access(DBG "/failslab/ignore-gfp-wait", W_OK) == 0 &&
	       access(DBG "/fail_page_alloc/min-order", W_OK) == 0;
}

/* The Nth injection point of this thread from now on fails. */
static void fi_arm(int n)
{
	char b[16];
	int l = snprintf(b, sizeof(b), "%d", n);

	if (pwrite(nth_fd, b, l, 0) != l)
		abort();
}

/* Disarm; true if the armed failure was injected. */
static int fi_disarm(void)
{
	char b[16] = "";
	ssize_t l = pread(nth_fd, b, sizeof(b) - 1, 0);

	if (l <= 0 || pwrite(nth_fd, "0", 1, 0) != 1)
		abort();
	return atoi(b) == 0;
}

/* ---- raw calls --------------------------------------------------------- */

static int xioc(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? -errno : 0;
}

static void setname(char *dst, const char *src)
{
	memset(dst, 0, XMSG_NAME_MAX);
	if (src)
		memcpy(dst, src, strnlen(src, XMSG_NAME_MAX - 1));
}

static int pool_create(int fd, const char *name, __u32 flags, __u32 *h)
{
	struct xmsg_pool_create pc;
	int err;

	INIT(pc);
	pc.flags = flags;
	setname(pc.name, name);
	pc.mode = 0600;
	pc.access = XMSG_ACC_RDWR;
	pc.block_size = BS;
	pc.count = COUNT;
	err = xioc(fd, XMSG_IOC_POOL_CREATE, &pc);
	if (!err)
		*h = pc.handle;
	return err;
}

static int xchg_create(int fd, const char *name, __u32 kind, __u32 *h)
{
	struct xmsg_xchg_create xc;
	int err;

	INIT(xc);
	xc.flags = name ? XMSG_CREATE_EXCL : 0;
	setname(xc.name, name);
	xc.mode = 0600;
	xc.access = XMSG_ACC_RDWR;
	xc.kind = kind;
	err = xioc(fd, XMSG_IOC_XCHG_CREATE, &xc);
	if (!err)
		*h = xc.handle;
	return err;
}

static int sem_create(int fd, const char *name, __u32 kind, __u32 count,
		      __u32 thr, __u32 *h)
{
	struct xmsg_sem_create sc;
	int err;

	INIT(sc);
	sc.flags = name ? XMSG_CREATE_EXCL : 0;
	setname(sc.name, name);
	sc.mode = 0600;
	sc.access = XMSG_ACC_RDWR;
	sc.kind = kind;
	sc.count = count;
	sc.threshold = thr;
	err = xioc(fd, XMSG_IOC_SEM_CREATE, &sc);
	if (!err)
		*h = sc.handle;
	return err;
}

static int obj_open(int fd, __u32 type, const char *name, __u32 *h)
{
	struct xmsg_open op;
	int err;

	INIT(op);
	setname(op.name, name);
	op.type = type;
	op.access = XMSG_ACC_RDWR;
	err = xioc(fd, XMSG_IOC_OPEN, &op);
	if (!err)
		*h = op.handle;
	return err;
}

static int hop(int fd, unsigned long cmd, __u32 h)
{
	struct xmsg_handle_op op;

	INIT(op);
	op.handle = h;
	return xioc(fd, cmd, &op);
}

static int buf_op(int fd, unsigned long cmd, __u32 src, __u32 *dst)
{
	struct xmsg_buf b;
	int err;

	INIT(b);
	b.src = src;
	err = xioc(fd, cmd, &b);
	if (!err && dst)
		*dst = b.dst;
	return err;
}

static int xsend(int fd, __u32 x, __u32 m, __u32 reply, __u32 flags)
{
	struct xmsg_send s;

	INIT(s);
	s.flags = flags;
	s.xchg = x;
	s.msg = m;
	s.prio = 3;
	s.reply = reply;
	return xioc(fd, XMSG_IOC_SEND, &s);
}

static int xrecv(int fd, __u32 x, struct xmsg_recv *r)
{
	INIT(*r);
	r->xchg = x;
	r->timeout_ns = XMSG_TIMEOUT_NONE;
	return xioc(fd, XMSG_IOC_RECV, r);
}

/* Receive one message at @x and release it (and its reply handle). */
static int drain1(int fd, __u32 x)
{
	struct xmsg_recv r;
	int err = xrecv(fd, x, &r);

	if (err)
		return err;
	if (r.reply && hop(fd, XMSG_IOC_CLOSE, r.reply))
		return -1;
	return buf_op(fd, XMSG_IOC_MSG_REL, r.msg, NULL);
}

static int sem_op(int fd, unsigned long cmd, __u32 h)
{
	struct xmsg_sem_op op;

	INIT(op);
	op.handle = h;
	return xioc(fd, cmd, &op);
}

static int ring_setup(int fd, __u32 x, __u32 pool, struct xmsg_ring_setup *rs)
{
	INIT(*rs);
	rs->flags = XMSG_FD_CLOEXEC;
	rs->xchg = x;
	rs->pool = pool;
	rs->entries = 8;
	return xioc(fd, XMSG_IOC_RING, rs);
}

/* ---- the state of the world ------------------------------------------ */

struct hsnap {
	int err;
	struct xmsg_info in;
};

struct snap {
	struct hsnap h[2][MAXH + 1];
	__u32 nlist;
	struct xmsg_list_entry list[64];
	int nfd;
};

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	if (!d)
		return -1;
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n - 1;	/* the directory's own fd */
}

/*
 * What a receive would find (XMSG_FEAT_PEEK) follows from what is queued,
 * which the snapshots compare; services_test checks the peek itself.
 */
static void peek_clear(struct xmsg_xchg_info *xi)
{
	xi->peek = 0;
	xi->first_length = 0;
	xi->first_prio = 0;
	xi->waiter_pid = 0;
	xi->waiter_tid = 0;
}

static void snap_take(int fds[2], struct snap *s)
{
	struct xmsg_list ls;
	int f, h;

	memset(s, 0, sizeof(*s));
	for (f = 0; f < 2; f++) {
		for (h = 1; h <= MAXH; h++) {
			struct hsnap *hs = &s->h[f][h];

			INIT(hs->in);
			hs->in.handle = h;
			hs->err = xioc(fds[f], XMSG_IOC_INFO, &hs->in);
			if (hs->err)
				memset(&hs->in, 0, sizeof(hs->in));
			else if (hs->in.type == XMSG_TYPE_POOL)
				hs->in.u.pool.high_water = 0;	/* may grow */
			else if (hs->in.type == XMSG_TYPE_XCHG)
				peek_clear(&hs->in.u.xchg);
		}
	}
	INIT(ls);
	ls.count = 64;
	ls.entries = (uintptr_t)s->list;
	ls.entry_size = sizeof(s->list[0]);
	if (!xioc(fds[0], XMSG_IOC_LIST, &ls))
		s->nlist = ls.count;
	else
		s->nlist = ~0U;
	s->nfd = count_fds();
}

/* 0 if equal, else describe the first difference. */
static int snap_diff(const char *what, const struct snap *a,
		     const struct snap *b)
{
	int f, h;

	for (f = 0; f < 2; f++) {
		for (h = 1; h <= MAXH; h++) {
			const struct hsnap *x = &a->h[f][h], *y = &b->h[f][h];

			if (x->err == y->err && !memcmp(&x->in, &y->in,
							sizeof(x->in)))
				continue;
			fprintf(stderr,
				"# %s: file %d handle %d: err %d -> %d, type %u -> %u, u %llx:%llx:%llx:%llx -> %llx:%llx:%llx:%llx\n",
				what, f, h, x->err, y->err, x->in.type,
				y->in.type,
				(unsigned long long)x->in.u.raw[0],
				(unsigned long long)x->in.u.raw[1],
				(unsigned long long)x->in.u.raw[2],
				(unsigned long long)x->in.u.raw[3],
				(unsigned long long)y->in.u.raw[0],
				(unsigned long long)y->in.u.raw[1],
				(unsigned long long)y->in.u.raw[2],
				(unsigned long long)y->in.u.raw[3]);
			return -1;
		}
	}
	if (a->nlist != b->nlist ||
	    memcmp(a->list, b->list, sizeof(a->list[0]) * (a->nlist % 65))) {
		fprintf(stderr, "# %s: named objects differ (%u -> %u)\n",
			what, a->nlist, b->nlist);
		return -1;
	}
	if (a->nfd != b->nfd) {
		fprintf(stderr, "# %s: open fds %d -> %d\n", what, a->nfd,
			b->nfd);
		return -1;
	}
	return 0;
}

/* Zero the counters that only grow (sends, receives, signals ...). */
static void snap_norm(struct snap *s)
{
	int f, h;

	for (f = 0; f < 2; f++) {
		for (h = 1; h <= MAXH; h++) {
			struct xmsg_info *in = &s->h[f][h].in;

			switch (in->type) {
			case XMSG_TYPE_POOL:
				in->u.pool.failed_gets = 0;
				in->u.pool.bad_rels = 0;
				break;
			case XMSG_TYPE_XCHG:
				in->u.xchg.sent = 0;
				in->u.xchg.received = 0;
				in->u.xchg.gen = 0;
				break;
			case XMSG_TYPE_SEM:
				in->u.sem.signals = 0;
				break;
			}
		}
	}
}

static __u32 lowest_free(const struct snap *s, int f)
{
	__u32 h;

	for (h = 1; h <= MAXH; h++)
		if (s->h[f][h].err == -EBADF)
			return h;
	return 0;
}

/* What a completed send of file @f's message @m to its exchange @x did. */
static void snap_sent(struct snap *s, int f, __u32 m, __u32 x)
{
	memset(&s->h[f][m], 0, sizeof(s->h[f][m]));
	s->h[f][m].err = -EBADF;
	s->h[f][x].in.u.xchg.queued++;
	s->h[f][x].in.u.xchg.sent++;
}

/* ---- the cases ------------------------------------------------------- */

struct env {
	int fds[2];		/* x: the caller, y: a second owner */
	__u32 pool, xchg, x2, bx, sem, rx;	/* x's handles */
	__u32 ypool, yxchg, yx2, ybx;		/* y's, to the same objects */
	char pn[XMSG_NAME_MAX], xn[XMSG_NAME_MAX], x2n[XMSG_NAME_MAX];
	char bn[XMSG_NAME_MAX], sn[XMSG_NAME_MAX], rn[XMSG_NAME_MAX];
	char tn[XMSG_NAME_MAX];	/* for objects a case creates */
	__u32 in[4];		/* inputs made by prep() */
	__u32 out[4];		/* outputs of the call */
	int ofd, zfd;		/* an fd the call made; a fresh /dev/xmsg */
	void *map;
	__u32 newh;		/* the handle a call made */
	int after_send;		/* failures after a send (call, xfer) */
	int short_batch;	/* xfer receives cut short, the rest left queued */
	struct snap *before, *after;
	struct xmsg_call c;
	struct xmsg_xfer xf;
	struct xmsg_xfer_send xs[2];
	struct xmsg_xfer_recv xr[4];
	struct xmsg_recv r;
	struct xmsg_list_entry ents[16];
	char rbuf[BS];
};

#define X(e)	((e)->fds[0])
#define Y(e)	((e)->fds[1])

/**
 * struct fcase - one call driven through its allocation failures
 * @prep: make the call's inputs (before the "before" snapshot)
 * @call: the call, on x unless said otherwise: 0 or -errno; sets
 *	e->newh when @newh
 * @ok: after a success: check and release what it made (and inputs left)
 * @fail: after a failure: release the inputs (and check a documented
 *	partial result when @partial)
 * @newh: the call makes one handle in file @newh - 1 (1: x, 2: y)
 * @partial: the call may fail after doing part of its work (@fail checks
 *	it); the generic "nothing changed" check is skipped
 */
struct fcase {
	int (*prep)(struct env *e);
	int (*call)(struct env *e);
	int (*ok)(struct env *e);
	int (*fail)(struct env *e, int err);
	int newh;
	int partial;
};

/* features, info, list: no state */
static int c_features(struct env *e)
{
	struct xmsg_features f;

	INIT(f);
	return xioc(X(e), XMSG_IOC_FEATURES, &f);
}

static int c_info(struct env *e)
{
	struct xmsg_info in;

	INIT(in);
	in.handle = e->pool;
	return xioc(X(e), XMSG_IOC_INFO, &in);
}

static int c_list(struct env *e)
{
	struct xmsg_list ls;

	INIT(ls);
	ls.count = 16;
	ls.entries = (uintptr_t)e->ents;
	ls.entry_size = sizeof(e->ents[0]);
	return xioc(X(e), XMSG_IOC_LIST, &ls);
}

/* create / open / close / destroy */
static int c_pool_new(struct env *e)
{
	return pool_create(X(e), e->tn, XMSG_CREATE_EXCL, &e->newh);
}

static int ok_destroy_new(struct env *e)
{
	return hop(X(e), XMSG_IOC_DESTROY, e->newh);
}

static int ok_close_new(struct env *e)
{
	return hop(X(e), XMSG_IOC_CLOSE, e->newh);
}

static int c_pool_reopen(struct env *e)
{
	return pool_create(X(e), e->pn, 0, &e->newh);
}

static int c_xchg_new(struct env *e)
{
	return xchg_create(X(e), e->tn, XMSG_XCHG_KIND_NORMAL, &e->newh);
}

static int c_xchg_anon(struct env *e)
{
	return xchg_create(X(e), NULL, XMSG_XCHG_KIND_PASS, &e->newh);
}

static int c_bcast_new(struct env *e)
{
	return xchg_create(X(e), e->tn, XMSG_XCHG_KIND_BCAST, &e->newh);
}

static int c_sem_new(struct env *e)
{
	return sem_create(X(e), e->tn, XMSG_SEM_KIND_COUNT, 2, 0, &e->newh);
}

static int c_sem_anon(struct env *e)
{
	return sem_create(X(e), NULL, XMSG_SEM_KIND_THRESHOLD, 0, 3,
			  &e->newh);
}

static int c_open_pool(struct env *e)
{
	return obj_open(X(e), XMSG_TYPE_POOL, e->pn, &e->newh);
}

static int c_open_xchg(struct env *e)
{
	return obj_open(X(e), XMSG_TYPE_XCHG, e->xn, &e->newh);
}

static int c_open_sem(struct env *e)
{
	return obj_open(X(e), XMSG_TYPE_SEM, e->sn, &e->newh);
}

/* The first handle of a fresh file: its handle table is allocated. */
static int p_fresh(struct env *e)
{
	e->zfd = open(DEV, O_RDWR | O_CLOEXEC);
	return e->zfd < 0 ? -errno : 0;
}

static int c_open_fresh(struct env *e)
{
	return obj_open(e->zfd, XMSG_TYPE_XCHG, e->xn, &e->newh);
}

static int ok_fresh(struct env *e)
{
	CK(e->newh == 1);
	CK(!hop(e->zfd, XMSG_IOC_CLOSE, 1));
	CK(!close(e->zfd));
	return 0;
}

static int f_fresh(struct env *e, int err)
{
	struct xmsg_info in;

	INIT(in);
	in.handle = 1;
	CK(xioc(e->zfd, XMSG_IOC_INFO, &in) == -EBADF);
	CK(!close(e->zfd));
	return 0;
}

static int c_dev_open(struct env *e)
{
	e->ofd = open(DEV, O_RDWR | O_CLOEXEC);
	return e->ofd < 0 ? -errno : 0;
}

static int ok_close_ofd(struct env *e)
{
	CK(!close(e->ofd));
	return 0;
}

static int p_open_pool(struct env *e)
{
	return obj_open(X(e), XMSG_TYPE_POOL, e->pn, &e->in[0]);
}

static int c_close_in0(struct env *e)
{
	return hop(X(e), XMSG_IOC_CLOSE, e->in[0]);
}

static int f_close_in0(struct env *e, int err)
{
	return hop(X(e), XMSG_IOC_CLOSE, e->in[0]);
}

static int p_msg(struct env *e)
{
	return buf_op(X(e), XMSG_IOC_MSG_GET, e->pool, &e->in[0]);
}

static int p_tpool(struct env *e)
{
	return pool_create(X(e), e->tn, XMSG_CREATE_EXCL, &e->in[0]);
}

static int c_destroy_in0(struct env *e)
{
	return hop(X(e), XMSG_IOC_DESTROY, e->in[0]);
}

static int f_destroy_in0(struct env *e, int err)
{
	return hop(X(e), XMSG_IOC_DESTROY, e->in[0]);
}

/* an exchange with a message queued, destroyed */
static int p_txchg_queued(struct env *e)
{
	int err = xchg_create(X(e), e->tn, XMSG_XCHG_KIND_NORMAL, &e->in[0]);

	if (!err)
		err = buf_op(X(e), XMSG_IOC_MSG_GET, e->pool, &e->in[1]);
	if (!err)
		err = xsend(X(e), e->in[0], e->in[1], 0, 0);
	return err;
}

static int p_tsem(struct env *e)
{
	return sem_create(X(e), e->tn, XMSG_SEM_KIND_GATE, 0, 0, &e->in[0]);
}

/* blocks, standard blocks, messages, proxies */
static int c_block_get(struct env *e)
{
	return buf_op(X(e), XMSG_IOC_BLOCK_GET, e->pool, &e->newh);
}

static int ok_block_rel(struct env *e)
{
	return buf_op(X(e), XMSG_IOC_BLOCK_REL, e->newh, NULL);
}

static int c_bcb_get(struct env *e)
{
	return buf_op(X(e), XMSG_IOC_BCB_GET, e->pool, &e->newh);
}

static int ok_bcb_rel(struct env *e)
{
	return buf_op(X(e), XMSG_IOC_BCB_REL, e->newh, NULL);
}

static int c_msg_get(struct env *e)
{
	return buf_op(X(e), XMSG_IOC_MSG_GET, e->pool, &e->newh);
}

static int ok_msg_rel(struct env *e)
{
	return buf_op(X(e), XMSG_IOC_MSG_REL, e->newh, NULL);
}

static int p_block(struct env *e)
{
	return buf_op(X(e), XMSG_IOC_BLOCK_GET, e->pool, &e->in[0]);
}

static int p_bcb(struct env *e)
{
	return buf_op(X(e), XMSG_IOC_BCB_GET, e->pool, &e->in[0]);
}

static int c_block_rel(struct env *e)
{
	return buf_op(X(e), XMSG_IOC_BLOCK_REL, e->in[0], NULL);
}

static int f_block_rel(struct env *e, int err)
{
	return buf_op(X(e), XMSG_IOC_BLOCK_REL, e->in[0], NULL);
}

static int c_bcb_rel(struct env *e)
{
	return buf_op(X(e), XMSG_IOC_BCB_REL, e->in[0], NULL);
}

static int f_bcb_rel(struct env *e, int err)
{
	return buf_op(X(e), XMSG_IOC_BCB_REL, e->in[0], NULL);
}

static int c_msg_rel(struct env *e)
{
	return buf_op(X(e), XMSG_IOC_MSG_REL, e->in[0], NULL);
}

static int f_msg_rel(struct env *e, int err)
{
	return buf_op(X(e), XMSG_IOC_MSG_REL, e->in[0], NULL);
}

/* make / unmake consume their source: the new handle is the lowest free */
static int c_bcb_make(struct env *e)
{
	return buf_op(X(e), XMSG_IOC_BCB_MAKE, e->in[0], &e->newh);
}

static int c_bcb_unmake(struct env *e)
{
	return buf_op(X(e), XMSG_IOC_BCB_UNMAKE, e->in[0], &e->newh);
}

static int c_msg_make(struct env *e)
{
	return buf_op(X(e), XMSG_IOC_MSG_MAKE, e->in[0], &e->newh);
}

static int c_msg_unmake(struct env *e)
{
	return buf_op(X(e), XMSG_IOC_MSG_UNMAKE, e->in[0], &e->newh);
}

static int c_msg_proxy(struct env *e)
{
	struct xmsg_buf b;
	int err;

	INIT(b);
	b.src = e->in[0];
	b.slice_offset = 16;
	b.slice_length = 32;
	err = xioc(X(e), XMSG_IOC_MSG_PROXY, &b);
	if (!err)
		e->newh = b.dst;
	return err;
}

static int ok_proxy(struct env *e)
{
	struct xmsg_info in;

	INIT(in);
	in.handle = e->newh;
	CK(!xioc(X(e), XMSG_IOC_INFO, &in));
	CK(in.u.buf.msg_flags & XMSG_MSGF_PROXY && in.u.buf.length == 32);
	CK(!buf_op(X(e), XMSG_IOC_MSG_REL, e->newh, NULL));
	return buf_op(X(e), XMSG_IOC_MSG_REL, e->in[0], NULL);
}

static int c_msg_read(struct env *e)
{
	struct xmsg_msg_read rd;

	INIT(rd);
	rd.handle = e->in[0];
	rd.offset = 8;
	rd.length = 64;
	rd.buf = (uintptr_t)e->rbuf;
	return xioc(X(e), XMSG_IOC_MSG_READ, &rd);
}

static int c_set_length(struct env *e)
{
	struct xmsg_msg_length ml;

	INIT(ml);
	ml.handle = e->in[0];
	ml.length = 100;
	return xioc(X(e), XMSG_IOC_MSG_SET_LENGTH, &ml);
}

static int ok_msg_rel_in0(struct env *e)
{
	return buf_op(X(e), XMSG_IOC_MSG_REL, e->in[0], NULL);
}

/* send */
static int c_send(struct env *e)
{
	return xsend(X(e), e->xchg, e->in[0], 0, 0);
}

static int ok_drain(struct env *e)
{
	return drain1(X(e), e->xchg);
}

static int c_send_reply(struct env *e)
{
	return xsend(X(e), e->xchg, e->in[0], e->sem, 0);
}

static int c_send_bcast(struct env *e)
{
	return xsend(X(e), e->bx, e->in[0], 0, 0);
}

/* the sender keeps its broadcast message */
static int ok_bcast_withdraw(struct env *e)
{
	CK(!hop(X(e), XMSG_IOC_BCAST_CLEAR, e->bx));
	return buf_op(X(e), XMSG_IOC_MSG_REL, e->in[0], NULL);
}

static int p_msg_xopen(struct env *e)
{
	int err = p_msg(e);

	return err ?: obj_open(X(e), XMSG_TYPE_XCHG, e->xn, &e->in[1]);
}

static int c_send_close(struct env *e)
{
	return xsend(X(e), e->in[1], e->in[0], 0, XMSG_SEND_CLOSE_XCHG);
}

static int f_send_close(struct env *e, int err)
{
	CK(!hop(X(e), XMSG_IOC_CLOSE, e->in[1]));
	return buf_op(X(e), XMSG_IOC_MSG_REL, e->in[0], NULL);
}

/* receive, on y (few spare handle entries) */
static int p_queue(struct env *e)
{
	int err = p_msg(e);

	return err ?: xsend(X(e), e->xchg, e->in[0], 0, 0);
}

static int p_queue_reply(struct env *e)
{
	int err = p_msg(e);

	return err ?: xsend(X(e), e->xchg, e->in[0], e->sem, 0);
}

static int c_recv(struct env *e)
{
	int err = xrecv(Y(e), e->yxchg, &e->r);

	if (!err)
		e->newh = e->r.msg;
	return err;
}

static int ok_recv(struct env *e)
{
	CK(e->r.pool == e->ypool && e->r.prio == 3);
	if (e->r.reply)
		CK(!hop(Y(e), XMSG_IOC_CLOSE, e->r.reply));
	return buf_op(Y(e), XMSG_IOC_MSG_REL, e->r.msg, NULL);
}

static int f_recv(struct env *e, int err)
{
	return drain1(Y(e), e->yxchg);
}

static int p_post(struct env *e)
{
	int err = p_msg(e);

	return err ?: xsend(X(e), e->bx, e->in[0], 0, 0);
}

static int c_recv_bcast(struct env *e)
{
	int err = xrecv(Y(e), e->ybx, &e->r);

	if (!err)
		e->newh = e->r.msg;
	return err;
}

static int ok_recv_bcast(struct env *e)
{
	CK(e->r.msg_flags & XMSG_MSGF_PROXY);
	CK(!buf_op(Y(e), XMSG_IOC_MSG_REL, e->r.msg, NULL));
	return ok_bcast_withdraw(e);
}

static int f_bcast_withdraw(struct env *e, int err)
{
	return ok_bcast_withdraw(e);
}

static int c_bcast_clear(struct env *e)
{
	return hop(X(e), XMSG_IOC_BCAST_CLEAR, e->bx);
}

static int ok_rel_in0(struct env *e)
{
	return buf_op(X(e), XMSG_IOC_MSG_REL, e->in[0], NULL);
}

/*
 * call, on y: send y's message to the exchange, receive the one x queued
 * at x2.  A failure may come after the send (XMSG_CALL_SENT).
 */
static int p_call(struct env *e)
{
	int err = buf_op(Y(e), XMSG_IOC_MSG_GET, e->ypool, &e->in[0]);

	if (!err)
		err = buf_op(X(e), XMSG_IOC_MSG_GET, e->pool, &e->in[1]);
	if (!err)
		err = xsend(X(e), e->x2, e->in[1], 0, 0);
	return err;
}

static int c_call(struct env *e)
{
	int err;

	INIT(e->c);
	e->c.send_xchg = e->yxchg;
	e->c.send_msg = e->in[0];
	e->c.send_prio = 3;
	e->c.recv_xchg = e->yx2;
	e->c.timeout_ns = XMSG_TIMEOUT_NONE;
	err = xioc(Y(e), XMSG_IOC_CALL, &e->c);
	if (!err)
		e->newh = e->c.msg;
	return err;
}

static int ok_call(struct env *e)
{
	CK(e->c.result == XMSG_CALL_SENT);
	CK(!buf_op(Y(e), XMSG_IOC_MSG_REL, e->c.msg, NULL));
	return drain1(X(e), e->xchg);
}

static int f_call(struct env *e, int err)
{
	struct snap *want = e->before;

	if (e->c.result & XMSG_CALL_SENT) {
		/* y's message went to the exchange: x sees it queued */
		snap_sent(want, 1, e->in[0], e->yxchg);
		want->h[0][e->xchg].in.u.xchg.queued++;
		want->h[0][e->xchg].in.u.xchg.sent++;
	}
	CK(!snap_diff("call", want, e->after));
	e->after_send += !!(e->c.result & XMSG_CALL_SENT);
	if (e->c.result & XMSG_CALL_SENT)
		CK(!drain1(X(e), e->xchg));
	else
		CK(!buf_op(Y(e), XMSG_IOC_MSG_REL, e->in[0], NULL));
	return drain1(X(e), e->x2);
}

/*
 * xfer, on y: two sends (plain, or proxies of one message), then receive
 * up to four of the two x queued at x2.
 */
static int p_xfer(struct env *e)
{
	int err = buf_op(Y(e), XMSG_IOC_MSG_GET, e->ypool, &e->in[0]);

	if (!err)
		err = buf_op(Y(e), XMSG_IOC_MSG_GET, e->ypool, &e->in[1]);
	if (!err)
		err = buf_op(X(e), XMSG_IOC_MSG_GET, e->pool, &e->in[2]);
	if (!err)
		err = xsend(X(e), e->x2, e->in[2], 0, 0);
	if (!err)
		err = buf_op(X(e), XMSG_IOC_MSG_GET, e->pool, &e->in[3]);
	if (!err)
		err = xsend(X(e), e->x2, e->in[3], 0, 0);
	return err;
}

static int xfer(struct env *e, __u32 flags)
{
	int i;

	memset(e->xs, 0, sizeof(e->xs));
	memset(e->xr, 0, sizeof(e->xr));
	for (i = 0; i < 2; i++) {
		e->xs[i].xchg = e->yxchg;
		e->xs[i].msg = e->in[flags ? 0 : i];
		e->xs[i].prio = 3;
		e->xs[i].flags = flags;
	}
	INIT(e->xf);
	e->xf.send = (uintptr_t)e->xs;
	e->xf.send_count = 2;
	e->xf.send_size = sizeof(e->xs[0]);
	e->xf.recv = (uintptr_t)e->xr;
	e->xf.recv_max = 4;
	e->xf.recv_size = sizeof(e->xr[0]);
	e->xf.recv_xchg = e->yx2;
	return xioc(Y(e), XMSG_IOC_XFER, &e->xf);
}

static int c_xfer(struct env *e)
{
	return xfer(e, 0);
}

static int c_xfer_proxy(struct env *e)
{
	return xfer(e, XMSG_XFER_PROXY);
}

/* Release what an xfer received and what is still queued or left. */
static int xfer_clean(struct env *e, __u32 sent, __u32 received, int proxy)
{
	__u32 i;

	for (i = 0; i < received; i++)
		CK(!buf_op(Y(e), XMSG_IOC_MSG_REL, e->xr[i].msg, NULL));
	for (i = received; i < 2; i++)	/* not received: still at x2 */
		CK(!drain1(X(e), e->x2));
	for (i = 0; i < sent; i++)
		CK(!drain1(X(e), e->xchg));
	for (i = proxy ? 0 : sent; i < 2; i++)
		CK(!buf_op(Y(e), XMSG_IOC_MSG_REL, e->in[i], NULL));
	return 0;
}

static int ok_xfer(struct env *e, int proxy)
{
	/* the batch may stop early when an entry cannot be allocated */
	CK(e->xf.sent == 2 && e->xf.received >= 1 && e->xf.received <= 2);
	e->short_batch += e->xf.received < 2;
	return xfer_clean(e, 2, e->xf.received, proxy);
}

static int ok_xfer_plain(struct env *e)
{
	return ok_xfer(e, 0);
}

static int ok_xfer_proxy(struct env *e)
{
	return ok_xfer(e, 1);
}

static int f_xfer(struct env *e, int proxy)
{
	struct snap *want = e->before;
	__u32 i;

	CK(e->xf.sent <= 2);
	for (i = 0; i < e->xf.sent; i++) {
		if (!proxy)
			snap_sent(want, 1, e->in[i], e->yxchg);
		else {
			want->h[1][e->yxchg].in.u.xchg.queued++;
			want->h[1][e->yxchg].in.u.xchg.sent++;
		}
		want->h[0][e->xchg].in.u.xchg.queued++;
		want->h[0][e->xchg].in.u.xchg.sent++;
		if (proxy) {
			/* a proxy shares the body: the message stays y's */
		}
	}
	CK(!snap_diff("xfer", want, e->after));
	e->after_send += e->xf.sent > 0;
	return xfer_clean(e, e->xf.sent, 0, proxy);
}

static int f_xfer_plain(struct env *e, int err)
{
	return f_xfer(e, 0);
}

static int f_xfer_proxy(struct env *e, int err)
{
	return f_xfer(e, 1);
}

/* a receive-only batch on y (no spare handle entries at first) */
static int p_queue2(struct env *e)
{
	int i, err = 0;

	for (i = 0; i < 2 && !err; i++) {
		err = buf_op(X(e), XMSG_IOC_MSG_GET, e->pool, &e->in[i]);
		if (!err)
			err = xsend(X(e), e->x2, e->in[i], 0, 0);
	}
	return err;
}

static int c_xfer_recv(struct env *e)
{
	memset(e->xr, 0, sizeof(e->xr));
	INIT(e->xf);
	e->xf.recv = (uintptr_t)e->xr;
	e->xf.recv_max = 4;
	e->xf.recv_size = sizeof(e->xr[0]);
	e->xf.recv_xchg = e->yx2;
	return xioc(Y(e), XMSG_IOC_XFER, &e->xf);
}

static int ok_xfer_recv(struct env *e)
{
	__u32 i;

	CK(e->xf.sent == 0 && e->xf.received >= 1 && e->xf.received <= 2);
	e->short_batch += e->xf.received < 2;
	for (i = 0; i < e->xf.received; i++) {
		CK(e->xr[i].pool == e->ypool && e->xr[i].length == BS);
		CK(!buf_op(Y(e), XMSG_IOC_MSG_REL, e->xr[i].msg, NULL));
	}
	for (i = e->xf.received; i < 2; i++)
		CK(!drain1(X(e), e->x2));
	return 0;
}

static int f_xfer_recv(struct env *e, int err)
{
	CK(!drain1(X(e), e->x2));
	return drain1(X(e), e->x2);
}

/* semaphores */
static int p_signal(struct env *e)
{
	return sem_op(X(e), XMSG_IOC_SEM_SIGNAL, e->sem);
}

static int c_sem_signal(struct env *e)
{
	return sem_op(X(e), XMSG_IOC_SEM_SIGNAL, e->sem);
}

static int c_sem_wait(struct env *e)
{
	return sem_op(X(e), XMSG_IOC_SEM_WAIT, e->sem);
}

static int ok_sem_wait(struct env *e)
{
	return sem_op(X(e), XMSG_IOC_SEM_WAIT, e->sem);
}

static int f_sem_wait(struct env *e, int err)
{
	return ok_sem_wait(e);
}

/* poll fds */
static int c_poll_fd(struct env *e)
{
	struct xmsg_poll_fd pf;
	int err;

	INIT(pf);
	pf.flags = XMSG_FD_CLOEXEC;
	pf.handle = e->xchg;
	err = xioc(X(e), XMSG_IOC_POLL_FD, &pf);
	if (!err)
		e->ofd = pf.fd;
	return err;
}

/* receive rings: two messages queued move into the new ring */
static int p_ring_queue(struct env *e)
{
	int i, err = 0;

	for (i = 0; i < 2 && !err; i++) {
		err = buf_op(X(e), XMSG_IOC_MSG_GET, e->pool, &e->in[i]);
		if (!err)
			err = xsend(X(e), e->rx, e->in[i], 0, 0);
	}
	return err;
}

static int c_ring(struct env *e)
{
	struct xmsg_ring_setup rs;
	int err = ring_setup(X(e), e->rx, e->pool, &rs);

	if (!err)
		e->ofd = rs.fd;
	return err;
}

static int ok_ring(struct env *e)
{
	struct xmsg_info in;

	INIT(in);
	in.handle = e->rx;
	CK(!xioc(X(e), XMSG_IOC_INFO, &in));
	CK(in.u.xchg.queued == 0 && in.u.xchg.received >= 2);
	CK(!close(e->ofd));	/* releases the two messages */
	return 0;
}

static int f_ring(struct env *e, int err)
{
	CK(!drain1(X(e), e->rx));
	return drain1(X(e), e->rx);
}

/* a ring with one message in entry 0, taken out */
static int p_ring_take(struct env *e)
{
	int err = c_ring(e);

	if (!err)
		err = buf_op(X(e), XMSG_IOC_MSG_GET, e->pool, &e->in[0]);
	if (!err)
		err = xsend(X(e), e->rx, e->in[0], 0, 0);
	return err;
}

static int c_ring_take(struct env *e)
{
	struct xmsg_ring_take rt;
	int err;

	INIT(rt);
	rt.ring_fd = e->ofd;
	rt.index = 0;
	err = xioc(X(e), XMSG_IOC_RING_TAKE, &rt);
	if (!err)
		e->newh = rt.msg;
	return err;
}

static int ok_ring_take(struct env *e)
{
	CK(!buf_op(X(e), XMSG_IOC_MSG_REL, e->newh, NULL));
	CK(!close(e->ofd));
	return 0;
}

static int f_ring_take(struct env *e, int err)
{
	CK(!close(e->ofd));	/* releases the message in the ring */
	return 0;
}

/* mmap of a pool */
static int c_mmap(struct env *e)
{
	e->map = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, X(e),
		      XMSG_MMAP_OFFSET(e->pool));
	return e->map == MAP_FAILED ? -errno : 0;
}

static int ok_munmap(struct env *e)
{
	CK(!munmap(e->map, 4096));
	return 0;
}

/* ---- the driver ------------------------------------------------------ */

FIXTURE(fault) {
	struct env e;
	int ready;
};

FIXTURE_SETUP(fault)
{
	struct env *e = &self->e;
	int pid = getpid();

	e->fds[0] = e->fds[1] = -1;
	ASSERT_EQ(0, fi_setup()) TH_LOG("cannot configure fault injection");
	e->fds[0] = open(DEV, O_RDWR | O_CLOEXEC);
	e->fds[1] = open(DEV, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, e->fds[0]);
	ASSERT_LE(0, e->fds[1]);
	snprintf(e->pn, sizeof(e->pn), "f%d.pool", pid);
	snprintf(e->xn, sizeof(e->xn), "f%d.xchg", pid);
	snprintf(e->x2n, sizeof(e->x2n), "f%d.x2", pid);
	snprintf(e->bn, sizeof(e->bn), "f%d.bcast", pid);
	snprintf(e->sn, sizeof(e->sn), "f%d.sem", pid);
	snprintf(e->rn, sizeof(e->rn), "f%d.ring", pid);
	snprintf(e->tn, sizeof(e->tn), "f%d.tmp", pid);
	ASSERT_EQ(0, pool_create(X(e), e->pn, XMSG_CREATE_EXCL, &e->pool));
	ASSERT_EQ(0, xchg_create(X(e), e->xn, XMSG_XCHG_KIND_NORMAL, &e->xchg));
	ASSERT_EQ(0, xchg_create(X(e), e->x2n, XMSG_XCHG_KIND_NORMAL, &e->x2));
	ASSERT_EQ(0, xchg_create(X(e), e->bn, XMSG_XCHG_KIND_BCAST, &e->bx));
	ASSERT_EQ(0, sem_create(X(e), e->sn, XMSG_SEM_KIND_COUNT, 0, 0,
				&e->sem));
	ASSERT_EQ(0, xchg_create(X(e), e->rn, XMSG_XCHG_KIND_NORMAL, &e->rx));
	ASSERT_EQ(0, obj_open(Y(e), XMSG_TYPE_POOL, e->pn, &e->ypool));
	ASSERT_EQ(0, obj_open(Y(e), XMSG_TYPE_XCHG, e->xn, &e->yxchg));
	ASSERT_EQ(0, obj_open(Y(e), XMSG_TYPE_XCHG, e->x2n, &e->yx2));
	ASSERT_EQ(0, obj_open(Y(e), XMSG_TYPE_XCHG, e->bn, &e->ybx));
	e->before = malloc(sizeof(struct snap));
	e->after = malloc(sizeof(struct snap));
	ASSERT_NE(NULL, e->before);
	ASSERT_NE(NULL, e->after);
	self->ready = 1;
}

FIXTURE_TEARDOWN(fault)
{
	struct env *e = &self->e;
	struct xmsg_info in;

	if (!self->ready)
		return;
	INIT(in);
	in.handle = e->pool;
	EXPECT_EQ(0, xioc(X(e), XMSG_IOC_INFO, &in));
	EXPECT_EQ(COUNT, in.u.pool.free);
	EXPECT_EQ(0, in.u.pool.in_use);
	EXPECT_EQ(0, close(Y(e)));
	EXPECT_EQ(0, hop(X(e), XMSG_IOC_DESTROY, e->rx));
	EXPECT_EQ(0, hop(X(e), XMSG_IOC_DESTROY, e->sem));
	EXPECT_EQ(0, hop(X(e), XMSG_IOC_DESTROY, e->bx));
	EXPECT_EQ(0, hop(X(e), XMSG_IOC_DESTROY, e->x2));
	EXPECT_EQ(0, hop(X(e), XMSG_IOC_DESTROY, e->xchg));
	EXPECT_EQ(0, hop(X(e), XMSG_IOC_DESTROY, e->pool));
	INIT(in);
	in.handle = 1;
	EXPECT_EQ(-EBADF, xioc(X(e), XMSG_IOC_INFO, &in));
	EXPECT_EQ(0, close(X(e)));
	free(e->before);
	free(e->after);
}

/* Fault the stack in now: no page fault may eat an injected failure. */
static void prefault_stack(void)
{
	volatile char buf[64 << 10];
	size_t i;

	for (i = 0; i < sizeof(buf); i += 256)
		buf[i] = 0;
}

static void run_case(struct __test_metadata *_metadata, struct env *e,
		     const struct fcase *fc, const char *name)
{
	struct snap *base = malloc(sizeof(*base));
	int n, err, fired, fails = 0, absorbed = 0;

	ASSERT_NE(NULL, base);
	prefault_stack();
	snap_take(e->fds, base);
	snap_norm(base);
	for (n = 1; n <= MAXN; n++) {
		e->newh = 0;
		e->ofd = -1;
		memset(e->rbuf, 0, sizeof(e->rbuf));
		if (fc->prep)
			ASSERT_EQ(0, fc->prep(e)) TH_LOG("%s: prep", name);
		snap_take(e->fds, e->before);

		fi_arm(n);
		err = fc->call(e);
		fired = fi_disarm();

		snap_take(e->fds, e->after);
		if (!fired)
			ASSERT_EQ(0, err)
				TH_LOG("%s: fails without an injected failure (point %d)",
				       name, n);
		if (!err) {
			absorbed += fired;
			if (fc->newh)
				ASSERT_EQ(lowest_free(e->before, fc->newh - 1),
					  e->newh)
					TH_LOG("%s: point %d: not the lowest free handle",
					       name, n);
			if (fc->ok)
				ASSERT_EQ(0, fc->ok(e))
					TH_LOG("%s: success at point %d", name, n);
		} else {
			fails++;
			ASSERT_EQ(-ENOMEM, err)
				TH_LOG("%s: point %d: unexpected error", name, n);
			if (!fc->partial)
				ASSERT_EQ(0, snap_diff(name, e->before, e->after))
					TH_LOG("%s: point %d: the failed call changed something",
					       name, n);
			if (fc->fail)
				ASSERT_EQ(0, fc->fail(e, err))
					TH_LOG("%s: after the failure at point %d",
					       name, n);
		}
		snap_take(e->fds, e->after);
		snap_norm(e->after);
		ASSERT_EQ(0, snap_diff(name, base, e->after))
			TH_LOG("%s: point %d (%s): something was left behind",
			       name, n, err ? "failed" : "succeeded");
		if (!fired)
			break;
	}
	ASSERT_GE(MAXN, n) TH_LOG("%s: still failing after %d points", name,
				  MAXN);
	fprintf(stderr,
		"# %s: %d allocation points, %d injected failures returned -ENOMEM, %d absorbed\n",
		name, n - 1, fails, absorbed);
	if (e->after_send || e->short_batch)
		fprintf(stderr,
			"# %s: %d failures after a send, %d batches cut short\n",
			name, e->after_send, e->short_batch);
	free(base);
}

#define FCASE(_name, ...)						\
	static const struct fcase case_##_name = { __VA_ARGS__ };	\
	TEST_F_TIMEOUT(fault, _name, 600)				\
	{								\
		run_case(_metadata, &self->e, &case_##_name, #_name);	\
	}

FCASE(features, .call = c_features)
FCASE(dev_open, .call = c_dev_open, .ok = ok_close_ofd)
FCASE(pool_create, .call = c_pool_new, .ok = ok_destroy_new, .newh = 1)
FCASE(pool_create_existing, .call = c_pool_reopen, .ok = ok_close_new,
	.newh = 1)
FCASE(xchg_create, .call = c_xchg_new, .ok = ok_destroy_new, .newh = 1)
FCASE(xchg_create_anon, .call = c_xchg_anon, .ok = ok_destroy_new, .newh = 1)
FCASE(xchg_create_bcast, .call = c_bcast_new, .ok = ok_destroy_new,
	.newh = 1)
FCASE(sem_create, .call = c_sem_new, .ok = ok_destroy_new, .newh = 1)
FCASE(sem_create_anon, .call = c_sem_anon, .ok = ok_close_new, .newh = 1)
FCASE(open_pool, .call = c_open_pool, .ok = ok_close_new, .newh = 1)
FCASE(open_xchg, .call = c_open_xchg, .ok = ok_close_new, .newh = 1)
FCASE(open_sem, .call = c_open_sem, .ok = ok_close_new, .newh = 1)
FCASE(open_fresh_file, .prep = p_fresh, .call = c_open_fresh,
	.ok = ok_fresh, .fail = f_fresh)
FCASE(close, .prep = p_open_pool, .call = c_close_in0, .fail = f_close_in0)
FCASE(close_msg, .prep = p_msg, .call = c_close_in0, .fail = f_close_in0)
FCASE(destroy_pool, .prep = p_tpool, .call = c_destroy_in0,
	.fail = f_destroy_in0)
FCASE(destroy_xchg_queued, .prep = p_txchg_queued, .call = c_destroy_in0,
	.fail = f_destroy_in0)
FCASE(destroy_sem, .prep = p_tsem, .call = c_destroy_in0,
	.fail = f_destroy_in0)
FCASE(info, .call = c_info)
FCASE(list, .call = c_list)
FCASE(block_get, .call = c_block_get, .ok = ok_block_rel, .newh = 1)
FCASE(block_rel, .prep = p_block, .call = c_block_rel, .fail = f_block_rel)
FCASE(bcb_get, .call = c_bcb_get, .ok = ok_bcb_rel, .newh = 1)
FCASE(bcb_rel, .prep = p_bcb, .call = c_bcb_rel, .fail = f_bcb_rel)
FCASE(bcb_make, .prep = p_block, .call = c_bcb_make, .ok = ok_bcb_rel,
	.fail = f_block_rel, .newh = 1)
FCASE(bcb_unmake, .prep = p_bcb, .call = c_bcb_unmake, .ok = ok_block_rel,
	.fail = f_bcb_rel, .newh = 1)
FCASE(msg_get, .call = c_msg_get, .ok = ok_msg_rel, .newh = 1)
FCASE(msg_rel, .prep = p_msg, .call = c_msg_rel, .fail = f_msg_rel)
FCASE(msg_make, .prep = p_block, .call = c_msg_make, .ok = ok_msg_rel,
	.fail = f_block_rel, .newh = 1)
FCASE(msg_unmake, .prep = p_msg, .call = c_msg_unmake, .ok = ok_block_rel,
	.fail = f_msg_rel, .newh = 1)
FCASE(msg_proxy, .prep = p_msg, .call = c_msg_proxy, .ok = ok_proxy,
	.fail = f_msg_rel, .newh = 1)
FCASE(msg_read, .prep = p_msg, .call = c_msg_read, .ok = ok_msg_rel_in0,
	.fail = f_msg_rel)
FCASE(msg_set_length, .prep = p_msg, .call = c_set_length,
	.ok = ok_msg_rel_in0, .fail = f_msg_rel)
FCASE(send, .prep = p_msg, .call = c_send, .ok = ok_drain, .fail = f_msg_rel)
FCASE(send_reply, .prep = p_msg, .call = c_send_reply, .ok = ok_drain,
	.fail = f_msg_rel)
FCASE(send_bcast, .prep = p_msg, .call = c_send_bcast,
	.ok = ok_bcast_withdraw, .fail = f_msg_rel)
FCASE(send_close_xchg, .prep = p_msg_xopen, .call = c_send_close,
	.ok = ok_drain, .fail = f_send_close)
FCASE(recv, .prep = p_queue, .call = c_recv, .ok = ok_recv, .fail = f_recv,
	.newh = 2)
FCASE(recv_reply, .prep = p_queue_reply, .call = c_recv, .ok = ok_recv,
	.fail = f_recv, .newh = 2)
FCASE(recv_bcast, .prep = p_post, .call = c_recv_bcast, .ok = ok_recv_bcast,
	.fail = f_bcast_withdraw, .newh = 2)
FCASE(bcast_clear, .prep = p_post, .call = c_bcast_clear, .ok = ok_rel_in0,
	.fail = f_bcast_withdraw)
FCASE(call, .prep = p_call, .call = c_call, .ok = ok_call, .fail = f_call,
	.partial = 1)
FCASE(xfer, .prep = p_xfer, .call = c_xfer, .ok = ok_xfer_plain,
	.fail = f_xfer_plain, .partial = 1)
FCASE(xfer_proxy, .prep = p_xfer, .call = c_xfer_proxy, .ok = ok_xfer_proxy,
	.fail = f_xfer_proxy, .partial = 1)
FCASE(xfer_recv, .prep = p_queue2, .call = c_xfer_recv, .ok = ok_xfer_recv,
	.fail = f_xfer_recv)
FCASE(sem_signal, .call = c_sem_signal, .ok = ok_sem_wait)
FCASE(sem_wait, .prep = p_signal, .call = c_sem_wait, .fail = f_sem_wait)
FCASE(poll_fd, .call = c_poll_fd, .ok = ok_close_ofd)
FCASE(mmap, .call = c_mmap, .ok = ok_munmap)
FCASE(ring, .prep = p_ring_queue, .call = c_ring, .ok = ok_ring,
	.fail = f_ring)
FCASE(ring_take, .prep = p_ring_take, .call = c_ring_take,
	.ok = ok_ring_take, .fail = f_ring_take, .newh = 1)

int main(int argc, char **argv)
{
	if (access(DEV, R_OK | W_OK)) {
		printf("1..0 # SKIP no " DEV "\n");
		return KSFT_SKIP;
	}
	if (!fi_available()) {
		printf("1..0 # SKIP no allocation fault injection (CONFIG_FAULT_INJECTION_DEBUG_FS, CONFIG_FAILSLAB, CONFIG_FAIL_PAGE_ALLOC)\n");
		return KSFT_SKIP;
	}
	return test_harness_run(argc, argv);
}
