// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg_fuzz workers: each process keeps tables of the handles its calls
 * returned (pools, heaps, exchanges, semaphores, messages, BCBs, bare
 * blocks, bare heap chunks, rings, poll fds) and issues calls on them: mostly well-formed, with the
 * right struct sizes and live handles, and now and then with one field
 * mutated (flags, reserved, sizes, handles, offsets, lengths, priorities,
 * timeouts) or an unknown command.  Names come from a small set shared by
 * every worker so that they meet on the same objects.  Pool regions and
 * receive rings are mapped and garbage is written into them (the ring's
 * consumer index included).  Now and then a worker forks a helper that
 * shares its file for a burst of calls.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "xmsg_fuzz.h"

#define NPOOL	8
#define NOBJ	24
#define NBUF	96
#define NRING	4
#define NPFD	6

/* Chance of a mutated call, in percent. */
#define MUT_PCT	8

struct fz_pool {
	uint32_t h;
	uint32_t stride;
	uint32_t count;
	uint32_t rights;
	uint64_t region;
	void *map;
	size_t maplen;
	int mapw;
	int heap;		/* a heap: @region bytes of chunks */
};

struct fz_obj {
	uint32_t h;
	uint32_t kind;
	uint64_t gen;
};

struct fz_buf {
	uint32_t h;
	uint32_t type;		/* XMSG_TYPE_MSG, _BCB, _BLOCK, _CHUNK */
	uint32_t pool;
	uint32_t flags;		/* XMSG_MSGF_* */
	uint64_t off;
	uint64_t len;
};

struct fz_ring {
	int fd;
	void *map;
	size_t len;
	uint32_t pool;
};

/* A mapped send ring and where its parts are. */
struct fz_txring {
	int fd;
	void *map;
	size_t len;
	uint32_t entries;
	uint32_t prod;
	uint64_t send_off;
	uint64_t fill_off;
	uint32_t block;		/* the pool's block size */
};

struct fz_state {
	int fd;
	uint64_t rng;
	int child;		/* a forked helper: short timeouts, no forks */
	struct fz_pool pool[NPOOL];
	int npool;
	struct fz_obj xchg[NOBJ];
	int nxchg;
	struct fz_obj sem[NOBJ];
	int nsem;
	struct fz_buf buf[NBUF];
	int nbuf;
	struct fz_ring ring[NRING];
	int nring;
	struct fz_txring txring[NRING];
	int ntxring;
	int pfd[NPFD];
	int npfd;
	pid_t kids[4];
	int nkids;
	void *badpage;		/* PROT_NONE: a pointer the kernel must not use */
	unsigned char scratch[16384];
};

struct fz_shared *fz_sh;
static struct fz_state *S;
static int no_bcast, no_mutate;	/* left out by cfg->skip */
static unsigned long mutate_ops = ~0UL;	/* bit per enum fz_op */

static const char *const op_names[OP_NR] = {
	"features", "pool_create", "xchg_create", "sem_create", "open",
	"close", "destroy", "info", "list", "get", "rel", "make", "unmake",
	"proxy", "send", "recv", "call", "xfer", "bcast_clear", "sem_signal",
	"sem_wait", "poll_fd", "poll", "msg_read", "set_length", "ring",
	"ring_take", "ring_mmap", "mmap", "raw", "xchg_clear",
	"sem_signal_wait", "sem_clear", "heap_create", "heap_get",
	"heap_chunk",
	"bump",
	/* send rings */
	"txring", "txring_kick",
};

const char *fz_op_name(int op)
{
	return op >= 0 && op < OP_NR ? op_names[op] : "?";
}

static uint64_t rnd(void)
{
	return fz_next(&S->rng);
}

static uint32_t below(uint32_t n)
{
	return n ? (uint32_t)(rnd() % n) : 0;
}

static int chance(unsigned int pct)
{
	return below(100) < pct;
}

/* ---- mutation ------------------------------------------------------- */

/* Offsets of __u64 user pointers in the structs that have them. */
#define NO_PTR	((const int[]){ -1 })

struct fz_mut {
	int on;
	int reserved;	/* it made the reserved tail non-zero */
	int off;
};

static uint32_t interesting32(uint32_t old)
{
	static const uint32_t v[] = {
		0, 1, 2, 3, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000,
		0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff, 31, 32, 33,
		64, 4096, 65536,
	};

	switch (below(4)) {
	case 0: return v[below(sizeof(v) / sizeof(v[0]))];
	case 1: return old ^ (1u << below(32));
	case 2: return old + below(5) - 2;
	default: return (uint32_t)rnd();
	}
}

/*
 * Change one 32-bit word of the struct at @s (@len bytes, the reserved
 * tail last @rsv bytes).  User pointers (@ptrs, -1 terminated) only get
 * addresses that fault.  Returns what was done.
 */
static struct fz_mut mutate(void *s, size_t len, size_t rsv,
			    const int *ptrs)
{
	struct fz_mut m = { 1, 0, 0 };
	uint32_t *w = s;
	int i, off = below(len / 4) * 4;

	m.off = off;
	for (i = 0; ptrs[i] >= 0; i++) {
		if (off == ptrs[i] || off == ptrs[i] + 4) {
			static const uint64_t bad[] = {
				0, 1, 0xffff000000000000ULL, 0x10,
			};
			uint64_t p = bad[below(4)];

			if (!below(4))
				p = (uintptr_t)S->badpage + below(4096);
			memcpy((char *)s + ptrs[i], &p, 8);
			return m;
		}
	}
	w[off / 4] = interesting32(w[off / 4]);
	if (rsv && (size_t)off >= len - rsv && w[off / 4])
		m.reserved = 1;
	return m;
}

/* ---- calls ---------------------------------------------------------- */

static void note_anomaly(int op, unsigned long cmd, int off)
{
	unsigned long n = __atomic_fetch_add(&fz_sh->anomalies, 1,
					     __ATOMIC_RELAXED);

	if (n < FZ_ANOM_MAX)
		snprintf(fz_sh->anom[n], sizeof(fz_sh->anom[n]),
			 "%s: cmd %#lx accepted non-zero reserved byte %d",
			 fz_op_name(op), cmd, off);
}

static int counted(int op, int rc)
{
	fz_add(&fz_sh->op[op].calls, 1);
	if (rc >= 0)
		fz_add(&fz_sh->op[op].ok, 1);
	else if (errno == EINTR)
		fz_add(&fz_sh->eintr, 1);
	return rc;
}

/*
 * One ioctl of @op with the struct at @arg: mutated first with a chance
 * of MUT_PCT (or always with @force); its last @rsv bytes are reserved.
 * Returns ioctl()'s result.
 */
static int call_rsv(int op, unsigned long cmd, void *arg, size_t len,
		    const int *ptrs, int force, size_t rsv)
{
	struct fz_mut m = { 0, 0, 0 };
	int rc;

	if (force || (!no_mutate && (mutate_ops & (1UL << op)) &&
		      chance(MUT_PCT)))
		m = mutate(arg, len, rsv, ptrs);
	rc = counted(op, ioctl(S->fd, cmd, arg));
	if (rc >= 0 && m.reserved)
		note_anomaly(op, cmd, m.off);
	return rc;
}

static int call(int op, unsigned long cmd, void *arg, size_t len,
		const int *ptrs, int force)
{
	return call_rsv(op, cmd, arg, len, ptrs, force, 16);
}

#define CALL(op, cmd, s)	call(op, cmd, &(s), sizeof(s), NO_PTR, 0)

/* ---- tables --------------------------------------------------------- */

static void name_of(char *name, char type)
{
	memset(name, 0, XMSG_NAME_MAX);
	snprintf(name, XMSG_NAME_MAX, FZ_PREFIX "%c%u", type, below(FZ_NAMES));
}

static int pick(int n)
{
	return n ? (int)below(n) : -1;
}

static void close_handle(uint32_t h)
{
	struct xmsg_handle_op c = { .size = sizeof(c), .handle = h };

	CALL(OP_CLOSE, XMSG_IOC_CLOSE, c);
}

static void drop_pool(int i)
{
	if (S->pool[i].map)
		munmap(S->pool[i].map, S->pool[i].maplen);
	S->pool[i] = S->pool[--S->npool];
}

static void drop_obj(struct fz_obj *t, int *n, int i)
{
	t[i] = t[--*n];
}

static void drop_buf(int i)
{
	S->buf[i] = S->buf[--S->nbuf];
}

/* Forget the table entry of handle @h wherever it is (closed elsewhere). */
static void forget(uint32_t h)
{
	int i;

	for (i = 0; i < S->npool; i++)
		if (S->pool[i].h == h)
			drop_pool(i--);
	for (i = 0; i < S->nxchg; i++)
		if (S->xchg[i].h == h)
			drop_obj(S->xchg, &S->nxchg, i--);
	for (i = 0; i < S->nsem; i++)
		if (S->sem[i].h == h)
			drop_obj(S->sem, &S->nsem, i--);
	for (i = 0; i < S->nbuf; i++)
		if (S->buf[i].h == h)
			drop_buf(i--);
}

/* Room for a new entry: close a random old one when the table is full. */
static void make_room_buf(void)
{
	if (S->nbuf < NBUF)
		return;
	{
		int i = pick(S->nbuf);

		close_handle(S->buf[i].h);
		drop_buf(i);
	}
}

static void add_buf(uint32_t h, uint32_t type, uint32_t pool,
		    uint32_t flags, uint64_t off, uint64_t len)
{
	if (!h)
		return;
	forget(h);
	make_room_buf();
	S->buf[S->nbuf++] = (struct fz_buf){ h, type, pool, flags, off, len };
}

static void add_obj(int type, uint32_t h, uint32_t kind)
{
	struct fz_obj *t = type == XMSG_TYPE_XCHG ? S->xchg : S->sem;
	int *n = type == XMSG_TYPE_XCHG ? &S->nxchg : &S->nsem;

	if (!h)
		return;
	forget(h);
	if (*n == NOBJ) {
		int i = pick(*n);

		close_handle(t[i].h);
		drop_obj(t, n, i);
	}
	t[(*n)++] = (struct fz_obj){ h, kind, 0 };
}

/* A handle from a reply or an open of unknown kind: ask what it is. */
static void add_any(uint32_t h)
{
	struct xmsg_info in = { .size = sizeof(in), .handle = h };

	if (!h)
		return;
	if (counted(OP_INFO, ioctl(S->fd, XMSG_IOC_INFO, &in)) < 0)
		return;
	if (in.type == XMSG_TYPE_XCHG)
		add_obj(in.type, h, in.u.xchg.kind);
	else if (in.type == XMSG_TYPE_SEM)
		add_obj(in.type, h, in.u.sem.kind);
	else
		close_handle(h);
}

static void add_pool(const struct xmsg_pool_create *pc)
{
	forget(pc->handle);
	if (S->npool == NPOOL) {
		int i = pick(S->npool);

		close_handle(S->pool[i].h);
		drop_pool(i);
	}
	S->pool[S->npool++] = (struct fz_pool){
		.h = pc->handle, .stride = pc->stride, .count = pc->count,
		.rights = pc->access, .region = pc->region_size,
	};
}

/* A handle to use: mostly a live one of the table, sometimes anything. */
static uint32_t any_handle(void)
{
	switch (below(8)) {
	case 0:
		return S->npool ? S->pool[pick(S->npool)].h : 1;
	case 1:
		return S->nxchg ? S->xchg[pick(S->nxchg)].h : 2;
	case 2:
		return S->nsem ? S->sem[pick(S->nsem)].h : 3;
	case 3:
		return below(64);
	default:
		return S->nbuf ? S->buf[pick(S->nbuf)].h : below(16);
	}
}

static int find_buf(uint32_t type)
{
	int i, n = S->nbuf;

	if (!n)
		return -1;
	for (i = 0, n = below(n); i < S->nbuf; i++) {
		int j = (n + i) % S->nbuf;

		if (!type || S->buf[j].type == type)
			return j;
	}
	return -1;
}

/* ---- object operations ---------------------------------------------- */

static uint32_t rights(void)
{
	return chance(85) ? XMSG_ACC_RDWR : 1 + below(2);
}

static uint32_t mode(void)
{
	return chance(85) ? 0666 : (chance(50) ? 0600 : below(01000));
}

static void op_features(void)
{
	struct xmsg_features f = { .size = sizeof(f) };

	CALL(OP_FEATURES, XMSG_IOC_FEATURES, f);
}

static void op_pool_create(void)
{
	static const uint32_t sizes[] = { 1, 64, 100, 256, 1024, 4096, 8192 };
	struct xmsg_pool_create pc = {
		.size = sizeof(pc), .mode = mode(), .access = rights(),
		.block_size = sizes[below(7)], .count = 1 + below(64),
	};

	if (chance(10))
		pc.flags = XMSG_CREATE_EXCL;
	if (chance(20))
		pc.align = 1u << below(13);
	name_of(pc.name, 'p');
	if (CALL(OP_POOL_CREATE, XMSG_IOC_POOL_CREATE, pc) == 0)
		add_pool(&pc);
}

/* A heap, in the pool table (mapped and destroyed alike). */
static void op_heap_create(void)
{
	static const uint64_t sizes[] = { 64, 100, 4096, 65536, 200000 };
	struct xmsg_heap_create hc = {
		.size = sizeof(hc), .mode = mode(), .access = rights(),
		.heap_size = sizes[below(5)],
		.min_order = chance(70) ? 0 : 3 + below(14),
	};
	struct xmsg_pool_create pc = { 0 };

	if (chance(10))
		hc.flags = XMSG_CREATE_EXCL;
	name_of(hc.name, 'h');
	if (CALL(OP_HEAP_CREATE, XMSG_IOC_HEAP_CREATE, hc))
		return;
	pc.handle = hc.handle;
	pc.access = hc.access;
	pc.region_size = hc.region_size;
	add_pool(&pc);
	S->pool[S->npool - 1].heap = 1;
}

static void op_xchg_create(void)
{
	struct xmsg_xchg_create xc = {
		.size = sizeof(xc), .mode = mode(), .access = rights(),
		.kind = below(no_bcast ? 2 : 3),
		.limit = chance(70) ? 0 : below(8),
	};

	if (chance(60))
		name_of(xc.name, 'x');
	if (chance(10))
		xc.flags = XMSG_CREATE_EXCL;
	if (CALL(OP_XCHG_CREATE, XMSG_IOC_XCHG_CREATE, xc) == 0)
		add_obj(XMSG_TYPE_XCHG, xc.handle, xc.kind);
}

static void op_sem_create(void)
{
	struct xmsg_sem_create sc = {
		.size = sizeof(sc), .mode = mode(), .access = rights(),
		.kind = below(3), .count = below(4),
	};

	if (sc.kind == XMSG_SEM_KIND_THRESHOLD)
		sc.threshold = 1 + below(3);
	if (chance(60))
		name_of(sc.name, 's');
	if (CALL(OP_SEM_CREATE, XMSG_IOC_SEM_CREATE, sc) == 0)
		add_obj(XMSG_TYPE_SEM, sc.handle, sc.kind);
}

static void op_open(void)
{
	static const char tc[] = "pxsh";
	struct xmsg_open o = { .size = sizeof(o), .access = rights() };
	int t = below(4);

	o.type = t == 3 ? XMSG_TYPE_HEAP : XMSG_TYPE_POOL + t;
	name_of(o.name, tc[t]);
	if (CALL(OP_OPEN, XMSG_IOC_OPEN, o))
		return;
	if (o.type == XMSG_TYPE_HEAP) {
		struct xmsg_info in = { .size = sizeof(in), .handle = o.handle };
		struct xmsg_pool_create pc = {
			.handle = o.handle, .access = o.access,
		};

		if (counted(OP_INFO, ioctl(S->fd, XMSG_IOC_INFO, &in)) == 0)
			pc.region_size = in.u.heap.region_size;
		add_pool(&pc);
		S->pool[S->npool - 1].heap = 1;
	} else if (o.type == XMSG_TYPE_POOL) {
		struct xmsg_info in = { .size = sizeof(in), .handle = o.handle };
		struct xmsg_pool_create pc = {
			.handle = o.handle, .access = o.access,
		};

		if (counted(OP_INFO, ioctl(S->fd, XMSG_IOC_INFO, &in)) == 0) {
			pc.stride = in.u.pool.block_size;
			pc.count = in.u.pool.count;
			pc.region_size = in.u.pool.region_size;
		}
		add_pool(&pc);
	} else {
		add_any(o.handle);
	}
}

static void op_close(void)
{
	uint32_t h = any_handle();

	close_handle(h);
	forget(h);
}

static void op_destroy(void)
{
	struct xmsg_handle_op d = { .size = sizeof(d) };
	int r = below(3);

	if (r == 0 && S->npool) {
		struct fz_pool *p = &S->pool[pick(S->npool)];

		/* Our own mapping would make it -EBUSY. */
		if (p->map && chance(80)) {
			munmap(p->map, p->maplen);
			p->map = NULL;
		}
		d.handle = p->h;
	} else if (r == 1 && S->nxchg) {
		d.handle = S->xchg[pick(S->nxchg)].h;
	} else if (S->nsem) {
		d.handle = S->sem[pick(S->nsem)].h;
	} else {
		d.handle = any_handle();
	}
	if (CALL(OP_DESTROY, XMSG_IOC_DESTROY, d) == 0)
		forget(d.handle);
}

static void op_info(void)
{
	struct xmsg_info in = { .size = sizeof(in), .handle = any_handle() };

	CALL(OP_INFO, XMSG_IOC_INFO, in);
}

static void op_list(void)
{
	struct xmsg_list_entry *e = (void *)S->scratch;
	struct xmsg_list l = {
		.size = sizeof(l),
		.type = chance(10) ? XMSG_TYPE_HEAP : below(4),
		.count = 1 + below(sizeof(S->scratch) / sizeof(*e)),
		.entries = (uintptr_t)e, .entry_size = sizeof(*e),
	};

	if (chance(30))
		l.cursor = below(32);
	call(OP_LIST, XMSG_IOC_LIST, &l, sizeof(l),
	     (const int[]){ offsetof(struct xmsg_list, entries), -1 }, 0);
}

/* ---- blocks and messages -------------------------------------------- */

static void op_get(void)
{
	static const unsigned long cmd[] = {
		XMSG_IOC_BLOCK_GET, XMSG_IOC_BCB_GET, XMSG_IOC_MSG_GET,
	};
	static const uint32_t type[] = {
		XMSG_TYPE_BLOCK, XMSG_TYPE_BCB, XMSG_TYPE_MSG,
	};
	struct xmsg_buf b = { .size = sizeof(b) };
	int k = chance(60) ? 2 : below(2);

	if (!S->npool)
		return;
	b.src = S->pool[pick(S->npool)].h;
	if (CALL(OP_GET, cmd[k], b) == 0)
		add_buf(b.dst, type[k], b.pool, b.msg_flags, b.offset, b.length);
}

static unsigned long rel_cmd(uint32_t type)
{
	switch (type) {
	case XMSG_TYPE_BLOCK: return XMSG_IOC_BLOCK_REL;
	case XMSG_TYPE_BCB: return XMSG_IOC_BCB_REL;
	case XMSG_TYPE_CHUNK: return XMSG_IOC_HEAP_CHUNK_FREE;
	default: return XMSG_IOC_MSG_REL;
	}
}

static void op_rel(void)
{
	struct xmsg_buf b = { .size = sizeof(b) };
	int i = find_buf(0);
	unsigned long cmd;

	if (i < 0)
		return;
	b.src = S->buf[i].h;
	cmd = rel_cmd(S->buf[i].type);
	if (chance(5))	/* the wrong release for the type */
		cmd = rel_cmd(XMSG_TYPE_BLOCK + below(3));
	if (CALL(OP_REL, cmd, b) == 0)
		forget(b.src);
}

static void op_make(void)
{
	struct xmsg_buf b = { .size = sizeof(b) };
	int i = find_buf(XMSG_TYPE_BLOCK), msg = chance(60);

	if (i < 0)
		return;
	b.src = S->buf[i].h;
	if (CALL(OP_MAKE, msg ? XMSG_IOC_MSG_MAKE : XMSG_IOC_BCB_MAKE, b) == 0) {
		forget(b.src);
		add_buf(b.dst, msg ? XMSG_TYPE_MSG : XMSG_TYPE_BCB, b.pool,
			b.msg_flags, b.offset, b.length);
	}
}

static void op_unmake(void)
{
	struct xmsg_buf b = { .size = sizeof(b) };
	int msg = chance(60);
	int i = find_buf(msg ? XMSG_TYPE_MSG : XMSG_TYPE_BCB);

	if (i < 0)
		return;
	b.src = S->buf[i].h;
	if (CALL(OP_UNMAKE, msg ? XMSG_IOC_MSG_UNMAKE : XMSG_IOC_BCB_UNMAKE,
		 b) == 0) {
		forget(b.src);
		add_buf(b.dst, XMSG_TYPE_BLOCK, b.pool, b.msg_flags, b.offset,
			b.length);
	}
}

/* A heap message or bare chunk of any size (sometimes a bad one). */
static void op_heap_get(void)
{
	struct xmsg_buf b = { .size = sizeof(b) };
	struct fz_pool *p;
	int chunk = chance(30), i;

	if (!S->npool)
		return;
	p = &S->pool[pick(S->npool)];
	for (i = 0; i < S->npool && !p->heap && chance(90); i++)
		p = &S->pool[(p - S->pool + 1) % S->npool];	/* a heap */
	b.src = p->h;
	b.length = p->region ? 1 + below(p->region + 2) : below(64);
	if (chance(5))
		b.length = chance(50) ? 0 : ~0ULL;
	if (CALL(OP_HEAP_GET, chunk ? XMSG_IOC_HEAP_CHUNK_GET :
		 XMSG_IOC_HEAP_MSG_GET, b) == 0)
		add_buf(b.dst, chunk ? XMSG_TYPE_CHUNK : XMSG_TYPE_MSG, b.pool,
			b.msg_flags, b.offset, b.length);
}

/* Free a bare chunk, make it a message, or unmake a message into one. */
static void op_heap_chunk(void)
{
	struct xmsg_buf b = { .size = sizeof(b) };
	int k = below(3), i;
	unsigned long cmd;

	i = find_buf(k == 2 ? XMSG_TYPE_MSG : XMSG_TYPE_CHUNK);
	if (i < 0)
		return;
	b.src = S->buf[i].h;
	cmd = k == 0 ? XMSG_IOC_HEAP_CHUNK_FREE : k == 1 ?
	      XMSG_IOC_HEAP_MSG_MAKE : XMSG_IOC_HEAP_MSG_UNMAKE;
	if (CALL(OP_HEAP_CHUNK, cmd, b))
		return;
	forget(b.src);
	if (k)
		add_buf(b.dst, k == 1 ? XMSG_TYPE_MSG : XMSG_TYPE_CHUNK,
			b.pool, b.msg_flags, b.offset, b.length);
}

static void op_proxy(void)
{
	struct xmsg_buf b = { .size = sizeof(b) };
	int i = find_buf(XMSG_TYPE_MSG);

	if (i < 0)
		return;
	b.src = S->buf[i].h;
	if (chance(50) && S->buf[i].len) {
		b.slice_offset = below(S->buf[i].len);
		b.slice_length = below(S->buf[i].len - b.slice_offset + 1);
	}
	if (CALL(OP_PROXY, XMSG_IOC_MSG_PROXY, b) == 0)
		add_buf(b.dst, XMSG_TYPE_MSG, b.pool, b.msg_flags, b.offset,
			b.length);
}

static void op_msg_read(void)
{
	struct xmsg_msg_read r = { .size = sizeof(r) };
	int i = find_buf(XMSG_TYPE_MSG);

	if (i < 0)
		return;
	r.handle = S->buf[i].h;
	if (S->buf[i].len) {
		r.offset = below(S->buf[i].len);
		r.length = below(S->buf[i].len - r.offset + 1);
	}
	if (r.length > sizeof(S->scratch))
		r.length = sizeof(S->scratch);
	r.buf = (uintptr_t)S->scratch;
	call(OP_MSG_READ, XMSG_IOC_MSG_READ, &r, sizeof(r),
	     (const int[]){ offsetof(struct xmsg_msg_read, buf), -1 }, 0);
}

static void op_set_length(void)
{
	struct xmsg_msg_length l = { .size = sizeof(l) };
	int i = find_buf(XMSG_TYPE_MSG);

	if (i < 0)
		return;
	l.handle = S->buf[i].h;
	l.length = below(S->buf[i].len + 1);
	if (CALL(OP_SET_LEN, XMSG_IOC_MSG_SET_LENGTH, l) == 0)
		S->buf[i].len = l.length;
}

/* ---- exchanges and semaphores --------------------------------------- */

static int64_t timeout(void)
{
	switch (below(S->child ? 3 : 8)) {
	case 0: return XMSG_TIMEOUT_NONE;
	case 1: return 1000000;
	case 2: return 1 + below(200000);
	case 3: return XMSG_TIMEOUT_FOREVER;	/* SIGUSR1 ends it */
	default: return (1 + below(30)) * 1000000LL;
	}
}

/* An exchange: mostly a broadcast one (@bcast) or mostly not. */
static int pick_xchg(int bcast)
{
	int i, n = S->nxchg, x = pick(n);

	for (i = 0; i < n && chance(90); i++) {
		int j = (x + i) % n;

		if ((S->xchg[j].kind == XMSG_XCHG_KIND_BCAST) == bcast)
			return j;
	}
	return x;
}

static uint32_t reply_handle(void)
{
	if (chance(75))
		return 0;
	if (chance(50) && S->nsem)
		return S->sem[pick(S->nsem)].h;
	return S->nxchg ? S->xchg[pick(S->nxchg)].h : 0;
}

static void op_send(void)
{
	struct xmsg_send s = { .size = sizeof(s), .prio = below(32) };
	int i = find_buf(XMSG_TYPE_MSG), x = pick(S->nxchg);

	if (i < 0 || x < 0)
		return;
	s.xchg = S->xchg[x].h;
	s.msg = S->buf[i].h;
	s.reply = reply_handle();
	if (chance(5))
		s.flags = XMSG_SEND_CLOSE_XCHG;
	if (chance(30))		/* a few tags, for op_bump to find */
		s.tag = below(4) + 1;
	if (chance(10)) {	/* wait for room in a full queue */
		s.flags |= XMSG_SEND_WAIT;
		s.timeout_ns = timeout();
	}
	/* with XMSG_SEND_WAIT the tail is timeout_ns, not reserved */
	if (call_rsv(OP_SEND, XMSG_IOC_SEND, &s, sizeof(s), NO_PTR, 0,
		     s.flags & XMSG_SEND_WAIT ? 0 : 16) == 0) {
		if (S->xchg[x].kind != XMSG_XCHG_KIND_BCAST)
			forget(s.msg);
		if (s.flags & XMSG_SEND_CLOSE_XCHG)
			forget(s.xchg);
	}
}

static void took(uint32_t msg, uint32_t pool, uint32_t flags, uint64_t off,
		 uint64_t len, uint32_t reply)
{
	add_buf(msg, XMSG_TYPE_MSG, pool, flags, off, len);
	if (reply)
		add_any(reply);
}

static void op_recv(void)
{
	struct xmsg_recv r = { .size = sizeof(r), .timeout_ns = timeout() };
	int x = pick(S->nxchg);

	if (x < 0)
		return;
	r.xchg = S->xchg[x].h;
	if (S->xchg[x].kind == XMSG_XCHG_KIND_BCAST && chance(50)) {
		r.flags |= XMSG_RECV_NEWER;
		r.gen = S->xchg[x].gen;
	}
	/* the tag before the last 8 bytes is out only: not reserved */
	if (call_rsv(OP_RECV, XMSG_IOC_RECV, &r, sizeof(r), NO_PTR, 0,
		     8) == 0) {
		S->xchg[x].gen = r.gen;
		took(r.msg, r.pool, r.msg_flags, r.offset, r.length, r.reply);
	}
}

static void op_call(void)
{
	struct xmsg_call c = {
		.size = sizeof(c), .send_prio = below(32),
		.timeout_ns = S->child ? 0 : below(20) * 1000000LL,
	};
	int i = find_buf(XMSG_TYPE_MSG), x = pick(S->nxchg), rc;

	if (i < 0 || x < 0)
		return;
	c.send_xchg = S->xchg[x].h;
	c.send_msg = S->buf[i].h;
	c.send_reply = reply_handle();
	c.recv_xchg = chance(50) ? c.send_xchg : S->xchg[pick(S->nxchg)].h;
	rc = CALL(OP_CALL, XMSG_IOC_CALL, c);
	if ((rc == 0 || (c.result & XMSG_CALL_SENT)) &&
	    S->xchg[x].kind != XMSG_XCHG_KIND_BCAST)
		forget(c.send_msg);
	/* Only a successful call wrote the receive fields. */
	if (rc == 0)
		took(c.msg, c.pool, c.msg_flags, c.offset, c.length, c.reply);
}

static void op_xfer(void)
{
	struct xmsg_xfer_send *snd = (void *)S->scratch;
	struct xmsg_xfer_recv *rcv = (void *)(S->scratch + 4096);
	struct xmsg_xfer t = { .size = sizeof(t) };
	uint32_t i, nsend = below(4), j;

	if (!S->nxchg)
		return;
	memset(snd, 0, 4 * sizeof(*snd));
	for (i = 0, j = 0; i < nsend; i++) {
		int b = find_buf(XMSG_TYPE_MSG);

		if (b < 0)
			break;
		snd[j].xchg = S->xchg[pick(S->nxchg)].h;
		snd[j].msg = S->buf[b].h;
		snd[j].prio = below(32);
		snd[j].flags = chance(40) ? XMSG_XFER_PROXY : 0;
		if (chance(3))
			snd[j].pad = 1;
		j++;
	}
	t.send_count = j;
	t.send_size = j ? sizeof(*snd) : 0;
	t.send = (uintptr_t)snd;
	if (!j || chance(60)) {
		t.recv_max = 1 + below(4);
		t.recv_size = sizeof(*rcv);
		t.recv = (uintptr_t)rcv;
		t.recv_xchg = j && chance(50) ? snd[0].xchg :
			      S->xchg[pick(S->nxchg)].h;
		t.timeout_ns = S->child ? 0 : below(10) * 1000000LL;
	}
	t.sent = 0;
	call(OP_XFER, XMSG_IOC_XFER, &t, sizeof(t),
	     (const int[]){ offsetof(struct xmsg_xfer, send),
			    offsetof(struct xmsg_xfer, recv), -1 }, 0);
	/* Sent messages are gone unless sent as proxies or broadcast. */
	for (i = 0; i < t.sent && i < j; i++) {
		int k;

		if (snd[i].flags & XMSG_XFER_PROXY)
			continue;
		for (k = 0; k < S->nxchg; k++)
			if (S->xchg[k].h == snd[i].xchg &&
			    S->xchg[k].kind == XMSG_XCHG_KIND_BCAST)
				break;
		if (k == S->nxchg)
			forget(snd[i].msg);
	}
	for (i = 0; i < t.received && i < t.recv_max && i < 4; i++)
		took(rcv[i].msg, rcv[i].pool, rcv[i].msg_flags, rcv[i].offset,
		     rcv[i].length, rcv[i].reply);
}

static void op_bcast_clear(void)
{
	struct xmsg_handle_op c = { .size = sizeof(c) };
	int x = pick_xchg(1);

	if (x < 0)
		return;
	c.handle = S->xchg[x].h;
	CALL(OP_BCLEAR, XMSG_IOC_BCAST_CLEAR, c);
}

static void op_xchg_clear(void)
{
	struct xmsg_handle_op c = { .size = sizeof(c) };
	int x = pick(S->nxchg);

	if (x < 0)
		return;
	c.handle = S->xchg[x].h;
	CALL(OP_XCLEAR, XMSG_IOC_XCHG_CLEAR, c);
}

/* A tag op_send may have used (or 0, refused), at any priority. */
static void op_bump(void)
{
	struct xmsg_bump b = {
		.size = sizeof(b), .tag = below(5), .prio = below(33),
	};
	int x = pick(S->nxchg);

	if (x < 0)
		return;
	b.xchg = S->xchg[x].h;
	CALL(OP_BUMP, XMSG_IOC_XCHG_BUMP, b);
}

static void op_sem_clear(void)
{
	struct xmsg_handle_op c = { .size = sizeof(c) };
	int s = pick(S->nsem);

	if (s < 0)
		return;
	c.handle = S->sem[s].h;
	CALL(OP_SCLEAR, XMSG_IOC_SEM_CLEAR, c);
}

static void op_signal_wait(void)
{
	struct xmsg_sem_signal_wait o = { .size = sizeof(o),
					  .timeout_ns = timeout() };
	int a = pick(S->nsem), b = pick(S->nsem);

	if (a < 0)
		return;
	o.signal = S->sem[a].h;
	o.wait = S->sem[b].h;
	CALL(OP_SIGWAIT, XMSG_IOC_SEM_SIGNAL_WAIT, o);
}

static void op_signal(void)
{
	struct xmsg_sem_op o = { .size = sizeof(o) };
	int s = pick(S->nsem);

	if (s < 0)
		return;
	o.handle = S->sem[s].h;
	if (chance(3))
		o.flags = XMSG_SEM_CLOSE;
	if (CALL(OP_SIGNAL, XMSG_IOC_SEM_SIGNAL, o) == 0 &&
	    (o.flags & XMSG_SEM_CLOSE))
		forget(o.handle);
}

static void op_wait(void)
{
	struct xmsg_sem_op o = { .size = sizeof(o), .timeout_ns = timeout() };
	int s = pick(S->nsem);

	if (s < 0)
		return;
	o.handle = S->sem[s].h;
	if (chance(10) && o.timeout_ns > 0) {
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		o.flags = XMSG_TIMEOUT_ABS;
		o.timeout_ns += ts.tv_sec * 1000000000LL + ts.tv_nsec;
	}
	CALL(OP_WAIT, XMSG_IOC_SEM_WAIT, o);
}

static void op_poll_fd(void)
{
	struct xmsg_poll_fd p = { .size = sizeof(p) };
	struct pollfd pf[NPFD];
	int i;

	if (S->npfd && chance(50)) {
		for (i = 0; i < S->npfd; i++)
			pf[i] = (struct pollfd){ S->pfd[i], POLLIN, 0 };
		counted(OP_POLL, poll(pf, S->npfd, below(3)));
		if (chance(30)) {
			i = pick(S->npfd);
			close(S->pfd[i]);
			S->pfd[i] = S->pfd[--S->npfd];
		}
		return;
	}
	if (S->npfd == NPFD)
		return;
	p.handle = chance(50) && S->nsem ? S->sem[pick(S->nsem)].h :
		   S->nxchg ? S->xchg[pick(S->nxchg)].h : any_handle();
	p.flags = chance(50) ? XMSG_FD_CLOEXEC : 0;
	if (CALL(OP_POLL_FD, XMSG_IOC_POLL_FD, p) == 0)
		S->pfd[S->npfd++] = p.fd;
}

/* ---- mappings and rings --------------------------------------------- */

static void scribble(void *p, size_t len)
{
	size_t n = below(256), i;
	unsigned char *c = p;

	if (!len)
		return;
	for (i = 0; i < n; i++)
		c[below(len)] = (unsigned char)rnd();
}

static void op_mmap(void)
{
	struct fz_pool *p;
	size_t len;
	void *m;
	int prot;

	if (!S->npool)
		return;
	p = &S->pool[pick(S->npool)];
	if (p->map) {
		if (p->mapw)
			scribble(p->map, p->maplen);
		else
			S->scratch[0] = ((volatile unsigned char *)p->map)[0];
		if (chance(30)) {
			munmap(p->map, p->maplen);
			p->map = NULL;
		}
		return;
	}
	len = p->region ? p->region : 4096;
	if (chance(10))
		len = interesting32(len);
	prot = PROT_READ | (p->rights & XMSG_ACC_WRITE ? PROT_WRITE : 0);
	if (chance(5))
		prot = PROT_READ | PROT_WRITE;
	m = mmap(NULL, len, prot, MAP_SHARED, S->fd,
		 chance(97) ? XMSG_MMAP_OFFSET(p->h) :
		 XMSG_MMAP_OFFSET(below(64)) + below(2) * 4096);
	if (counted(OP_MMAP, m == MAP_FAILED ? -1 : 0) < 0)
		return;
	if (len > p->region) {	/* the kernel took more than the region? */
		munmap(m, len);
		return;
	}
	p->map = m;
	p->maplen = len;
	p->mapw = !!(prot & PROT_WRITE);
	if (p->mapw)
		scribble(m, len);
}

static void ring_scribble(struct fz_ring *r)
{
	volatile struct xmsg_ring_hdr *h = r->map;
	uint32_t prod = h->producer;

	switch (below(6)) {
	case 0:
		h->consumer = prod;	/* done with everything */
		break;
	case 1:
		h->consumer = prod - below(4);
		break;
	case 2:
		h->consumer = (uint32_t)rnd();
		break;
	case 3:
		h->pad0[below(13)] = (uint32_t)rnd();
		break;
	case 4:
		h->producer = (uint32_t)rnd();
		h->entries = 7;
		break;
	default:
		scribble(r->map, r->len);
		break;
	}
}

static void ring_drop(int i)
{
	munmap(S->ring[i].map, S->ring[i].len);
	close(S->ring[i].fd);
	S->ring[i] = S->ring[--S->nring];
}

static void op_ring(void)
{
	struct xmsg_ring_setup rs = { .size = sizeof(rs) };
	struct fz_ring *r;
	void *m;
	int x, p;

	if (S->nring && chance(70)) {
		int i = pick(S->nring);

		r = &S->ring[i];
		if (chance(70)) {
			struct xmsg_ring_take t = {
				.size = sizeof(t), .ring_fd = r->fd,
			};
			volatile struct xmsg_ring_hdr *h = r->map;

			t.index = h->producer - 1 - below(4);
			if (chance(20))
				t.index = h->consumer + below(3);
			if (CALL(OP_RING_TAKE, XMSG_IOC_RING_TAKE, t) == 0)
				add_buf(t.msg, XMSG_TYPE_MSG, r->pool, 0, 0, 0);
		} else if (chance(80)) {
			ring_scribble(r);
			if (chance(50)) {
				struct pollfd pf = { r->fd, POLLIN, 0 };

				counted(OP_POLL, poll(&pf, 1, 0));
			}
		} else {
			ring_drop(i);
		}
		return;
	}
	x = pick_xchg(0);
	p = pick(S->npool);
	if (x < 0 || p < 0 || S->nring == NRING)
		return;
	rs.xchg = S->xchg[x].h;
	rs.pool = S->pool[p].h;
	rs.entries = 1u << below(7);
	if (chance(30)) {
		rs.wake_min = 2 + below(4);
		rs.wake_us = 1 + below(2000);
	}
	rs.flags = chance(50) ? XMSG_FD_CLOEXEC : 0;
	if (CALL(OP_RING, XMSG_IOC_RING, rs))
		return;
	m = mmap(NULL, rs.map_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 rs.fd, 0);
	if (counted(OP_RING_MMAP, m == MAP_FAILED ? -1 : 0) < 0) {
		close(rs.fd);
		return;
	}
	r = &S->ring[S->nring++];
	*r = (struct fz_ring){ rs.fd, m, rs.map_size, rs.pool };
	if (chance(50))
		ring_scribble(r);
}

/* ---- send rings ----------------------------------------------------- */

static void txring_drop(int i)
{
	munmap(S->txring[i].map, S->txring[i].len);
	close(S->txring[i].fd);
	S->txring[i] = S->txring[--S->ntxring];
}

/*
 * Post 1 to 8 descriptors: mostly blocks from the fill ring with a fitting
 * length, else garbage (any offset, length, priority or flags).
 */
static void txring_post(struct fz_txring *t)
{
	volatile struct xmsg_txring_hdr *h = t->map;
	volatile uint64_t *fill = (void *)((char *)t->map + t->fill_off);
	volatile struct xmsg_txring_desc *send, *d;
	unsigned int n = 1 + below(8), i;
	uint32_t fc;

	send = (void *)((char *)t->map + t->send_off);
	for (i = 0; i < n; i++) {
		d = &send[t->prod & (t->entries - 1)];
		fc = h->fill_consumer;
		if (fc != h->fill_producer && chance(80)) {
			d->offset = fill[fc & (t->entries - 1)];
			h->fill_consumer = fc + 1;
		} else {
			d->offset = chance(50) ? rnd() : below(1 << 20);
		}
		d->len = chance(85) ? 1 + below(t->block) : (uint32_t)rnd();
		d->prio = chance(90) ? below(XMSG_MSG_PRIO_MAX + 1) : rnd();
		d->flags = chance(95) ? 0 : rnd();
		t->prod++;
	}
	__atomic_store_n(&h->send_producer, t->prod, __ATOMIC_RELEASE);
	if (chance(70))
		h->comp_consumer = h->comp_producer;
}

static void txring_scribble(struct fz_txring *t)
{
	volatile struct xmsg_txring_hdr *h = t->map;

	switch (below(4)) {
	case 0:
		h->send_producer = (uint32_t)rnd();
		break;
	case 1:
		h->comp_consumer = (uint32_t)rnd();
		break;
	case 2:
		h->refused[below(XMSG_TXRING_REFUSED_NR)] = (uint32_t)rnd();
		h->flags = (uint32_t)rnd();
		break;
	default:
		scribble(t->map, t->len);
		break;
	}
	t->prod = h->send_producer;
}

static void op_txring(void)
{
	struct xmsg_txring_setup ts = { .size = sizeof(ts) };
	struct fz_txring *t;
	void *m;
	int x, p;

	if (S->ntxring && chance(70)) {
		int i = pick(S->ntxring);
		struct xmsg_txring_kick k = { .size = sizeof(k) };

		t = &S->txring[i];
		if (chance(75))
			txring_post(t);
		else if (chance(70))
			txring_scribble(t);
		else {
			txring_drop(i);
			return;
		}
		k.ring_fd = chance(95) ? t->fd : (int)below(64);
		CALL(OP_TXRING_KICK, XMSG_IOC_TXRING_KICK, k);
		return;
	}
	x = pick_xchg(0);
	p = pick(S->npool);
	if (x < 0 || p < 0 || S->ntxring == NRING)
		return;
	ts.xchg = S->xchg[x].h;
	ts.pool = S->pool[p].h;
	ts.entries = 1u << below(7);
	ts.blocks = 1 + below(ts.entries + 1);
	ts.flags = chance(50) ? XMSG_FD_CLOEXEC : 0;
	if (CALL(OP_TXRING, XMSG_IOC_TXRING, ts))
		return;
	m = mmap(NULL, ts.map_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 ts.fd, 0);
	if (counted(OP_RING_MMAP, m == MAP_FAILED ? -1 : 0) < 0) {
		close(ts.fd);
		return;
	}
	t = &S->txring[S->ntxring++];
	*t = (struct fz_txring){ ts.fd, m, ts.map_size, ts.entries, 0,
				 ts.send_offset, ts.fill_offset,
				 S->pool[p].stride ? S->pool[p].stride : 64 };
}

/* An unknown command, a known one with a wrong size, or random bytes. */
static void op_raw(void)
{
	unsigned int nr = chance(85) ? below(0x48) : 0x70 + below(0x10);
	unsigned int size = below(256), dir = below(4);
	unsigned long cmd;
	size_t i;

	/* send rings */
	if (chance(10))
		nr = 0x50 + below(4);

	for (i = 0; i < 256; i += 8)
		*(uint64_t *)(S->scratch + i) = chance(70) ? 0 : rnd();
	*(uint32_t *)S->scratch = size;
	/* Pointers inside would be random: keep them away from our memory. */
	if (chance(50))
		dir = _IOC_READ | _IOC_WRITE;
	cmd = _IOC(dir, XMSG_IOC_MAGIC, nr, size);
	if (chance(10))
		cmd = _IOC(dir, below(256), nr, size);
	/*
	 * Only commands without user pointers in their structs may see
	 * random bytes: the pointer ones (list, xfer, msg_read) get zeros.
	 */
	if (nr == 0x08 || nr == 0x24 || nr == 0x1b)
		memset(S->scratch + 8, 0, 248);
	counted(OP_RAW, ioctl(S->fd, cmd, S->scratch));
}

/* ---- the loop -------------------------------------------------------- */

static void op_fork(void);

struct fz_weighted {
	const char *name;
	void (*fn)(void);
	unsigned int w;
};

#define OP(name, w)	{ #name, op_##name, w }
static struct fz_weighted ops[] = {
	OP(features, 1), OP(pool_create, 4), OP(xchg_create, 4),
	OP(sem_create, 3), OP(open, 4), OP(close, 2), OP(destroy, 1),
	OP(info, 6), OP(list, 1), OP(get, 14), OP(rel, 5), OP(make, 3),
	OP(unmake, 3), OP(proxy, 4), OP(send, 12), OP(recv, 9), OP(call, 2),
	OP(xfer, 3), OP(bcast_clear, 1), OP(signal, 6), OP(wait, 3),
	OP(poll_fd, 2), OP(msg_read, 3), OP(set_length, 2), OP(ring, 3),
	OP(mmap, 3), OP(raw, 1), OP(fork, 1), OP(xchg_clear, 1),
	OP(sem_clear, 1), OP(signal_wait, 2), OP(heap_create, 2),
	OP(heap_get, 6), OP(heap_chunk, 3),
	OP(bump, 2),
	/* send rings */
	OP(txring, 3),
};

/* Leave out the operations named in @skip (comma separated). */
static void skip_ops(const char *skip)
{
	unsigned int i;

	for (i = 0; skip && i < sizeof(ops) / sizeof(ops[0]); i++) {
		const char *p = strstr(skip, ops[i].name);
		size_t n = strlen(ops[i].name);

		if (p && (p == skip || p[-1] == ',') &&
		    (p[n] == 0 || p[n] == ','))
			ops[i].w = 0;
	}
	no_bcast = skip && strstr(skip, "bcast_kind");
	no_mutate = skip && strstr(skip, "mutate");
}

/* Mutate only the calls of the operations in @only (figures' names). */
static void mutate_only(const char *only)
{
	int op;

	if (!only)
		return;
	mutate_ops = 0;
	for (op = 0; op < OP_NR; op++) {
		const char *p = strstr(only, op_names[op]);
		size_t n = strlen(op_names[op]);

		if (p && (p == only || p[-1] == ',') &&
		    (p[n] == 0 || p[n] == ','))
			mutate_ops |= 1UL << op;
	}
}

static void one_op(void)
{
	static unsigned int total;
	unsigned int i, r;

	if (!total)
		for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
			total += ops[i].w;
	if (!total)
		return;
	r = below(total);
	for (i = 0; r >= ops[i].w; i++)
		r -= ops[i].w;
	ops[i].fn();
}

static void reap_kids(int block)
{
	int i;

	for (i = 0; i < S->nkids; i++) {
		if (waitpid(S->kids[i], NULL, block ? 0 : WNOHANG) > 0 ||
		    errno == ECHILD)
			S->kids[i--] = S->kids[--S->nkids];
	}
}

/* A helper that shares the worker's open file (and handle table). */
static void op_fork(void)
{
	pid_t pid;
	int n;

	reap_kids(0);
	if (S->child || S->nkids == 4 || chance(50))
		return;
	pid = fork();
	if (pid < 0)
		return;
	if (pid > 0) {
		S->kids[S->nkids++] = pid;
		fz_add(&fz_sh->forks, 1);
		return;
	}
	S->child = 1;
	S->nkids = 0;
	S->rng = fz_mix(S->rng ^ getpid());
	for (n = 20 + below(200); n > 0 && !__atomic_load_n(&fz_sh->stop,
				__ATOMIC_RELAXED); n--)
		one_op();
	_exit(0);
}

static void on_usr1(int sig)
{
}

static int enter_ns(const struct fz_worker_cfg *cfg)
{
	if (cfg->ns_user >= 0 && setns(cfg->ns_user, CLONE_NEWUSER))
		return -1;
	if (cfg->ns_ipc >= 0 && setns(cfg->ns_ipc, CLONE_NEWIPC))
		return -1;
	return 0;
}

void fz_worker(const struct fz_worker_cfg *cfg)
{
	struct sigaction sa = { .sa_handler = on_usr1 };

	S = mmap(NULL, sizeof(*S), PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (S == MAP_FAILED)
		_exit(3);
	S->rng = cfg->seed;
	skip_ops(cfg->skip);
	mutate_only(getenv("XMSG_FUZZ_MUTATE"));
	S->badpage = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);
	sigaction(SIGUSR1, &sa, NULL);	/* no SA_RESTART: waits end -EINTR */
	if ((cfg->role & FZ_ROLE_NS) && enter_ns(cfg))
		_exit(5);
	S->fd = open(cfg->dev, O_RDWR);
	if (S->fd < 0)
		_exit(6);
	if (cfg->role & FZ_ROLE_NOBODY) {
		if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
			_exit(7);
	}
	while (!__atomic_load_n(&fz_sh->stop, __ATOMIC_RELAXED)) {
		one_op();
		if (S->nkids && chance(5))
			reap_kids(0);
	}
	/* Half of them tidy up by hand, the others leave it to close. */
	if (chance(50)) {
		while (S->nring)
			ring_drop(0);
		while (S->ntxring)
			txring_drop(0);
		while (S->nbuf) {
			close_handle(S->buf[0].h);
			drop_buf(0);
		}
	}
	reap_kids(1);
	_exit(0);
}
