// SPDX-License-Identifier: GPL-2.0
/*
 * Memory cgroup accounting: a pool's region and metadata are charged to
 * the memory cgroup of the process that creates the pool, uncharged when
 * the pool is destroyed, and a cgroup's memory.max stops a pool that does
 * not fit (ENOMEM, nothing created, no OOM kill).  Proxies made by
 * receives are charged to the receiver; per-user limits count pool
 * metadata.
 *
 * Each test moves its own process (the harness forks one per test) into a
 * fresh cgroup v2 group and back out at the end.  Needs root and a kernel
 * with CONFIG_MEMCG; skipped otherwise.
 */
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include "kselftest_harness.h"
#include "xm_test.h"
#include "xt_param.h"

#define POOL_BLOCK	4096u
#define POOL_COUNT	2048u	/* 8 MiB */
#define POOL_BYTES	((long long)POOL_BLOCK * POOL_COUNT)

static int write_str(const char *dir, const char *file, const char *s)
{
	char path[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

/* Reads @dir/@file into @buf (NUL-terminated); returns its length or -1. */
static ssize_t read_str(const char *dir, const char *file, char *buf,
			size_t size)
{
	char path[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	return n;
}

static long long read_ll(const char *dir, const char *file)
{
	char buf[64];

	if (read_str(dir, file, buf, sizeof(buf)) < 0)
		return -1;
	return strtoll(buf, NULL, 10);
}

static int has_memory_controller(const char *root)
{
	char buf[256];

	if (read_str(root, "cgroup.controllers", buf, sizeof(buf)) < 0)
		return 0;
	return !!strstr(buf, "memory");
}

FIXTURE(memcg) {
	char root[64];
	char group[128];
	int mounted;
	int joined;
	struct xm *x;
	char pname[XMSG_NAME_MAX];
};

FIXTURE_SETUP(memcg)
{
	char pid[32];

	if (!xt_have_device())
		SKIP(return, "no /dev/xmsg (xmsg.ko not loaded)");
	snprintf(self->root, sizeof(self->root), "/tmp/xmsg-cg.%d",
		 (int)getpid());
	ASSERT_EQ(0, mkdir(self->root, 0755));
	if (mount("none", self->root, "cgroup2", 0, NULL))
		SKIP(return, "cannot mount cgroup2: %s", strerror(errno));
	self->mounted = 1;
	if (!has_memory_controller(self->root))
		SKIP(return, "no memory controller (CONFIG_MEMCG off?)");
	ASSERT_EQ(0, write_str(self->root, "cgroup.subtree_control",
			       "+memory"));
	snprintf(self->group, sizeof(self->group), "%s/xmsg", self->root);
	ASSERT_EQ(0, mkdir(self->group, 0755));
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	ASSERT_EQ(0, write_str(self->group, "cgroup.procs", pid));
	self->joined = 1;
	ASSERT_EQ(0, xm_open(&self->x, NULL));
	xt_name(self->pname, "memcg");
}

FIXTURE_TEARDOWN(memcg)
{
	char pid[32];

	if (self->x)
		xm_close(self->x);
	if (self->joined) {
		snprintf(pid, sizeof(pid), "%d", (int)getpid());
		write_str(self->root, "cgroup.procs", pid);
		rmdir(self->group);
	}
	if (self->mounted)
		umount(self->root);
	rmdir(self->root);
}

/* Creating a pool charges its region to the creator's cgroup. */
TEST_F(memcg, pool_charged_and_uncharged)
{
	long long before, during, after;
	int pool;

	before = read_ll(self->group, "memory.current");
	ASSERT_LE(0, before);
	pool = xm_pool_create(self->x, self->pname, POOL_BLOCK, POOL_COUNT,
			      0600, XMSG_CREATE_EXCL);
	ASSERT_LT(0, pool) TH_LOG("pool create: %s", strerror(-pool));
	during = read_ll(self->group, "memory.current");
	TH_LOG("memory.current: %lld before, %lld with an 8 MiB pool",
	       before, during);
	/*
	 * The process's own pages move by a few hundred KiB on their own
	 * (once "before" read 256 KiB above the usual level): the region's
	 * charge must show, within 1/8 of it.
	 */
	EXPECT_LE(before + POOL_BYTES - POOL_BYTES / 8, during);
	ASSERT_EQ(0, xm_pool_destroy(self->x, pool));
	after = read_ll(self->group, "memory.current");
	TH_LOG("memory.current: %lld after destroy", after);
	/*
	 * The region's 8 MiB come off; other charges of the process may come
	 * and go meanwhile (seen: +135 KiB), so allow 1/8 of it as noise.  A
	 * region that stayed charged would leave @after near @during.
	 */
	EXPECT_GE(during - POOL_BYTES + POOL_BYTES / 8, after);
}

/*
 * A heap's memory is charged to its creator's cgroup and uncharged at
 * destroy: at least 3/4 of its size each way (other charges of the
 * process come and go meanwhile).
 */
TEST_F(memcg, heap_charged_and_uncharged)
{
	long long before, during, after;
	struct xmsg_features f;
	char hname[XMSG_NAME_MAX];
	struct xm_msg m;
	int heap;

	ASSERT_EQ(0, xm_features(self->x, &f));
	if (!(f.features & XMSG_FEAT_HEAP))
		SKIP(return, "kernel without XMSG_FEAT_HEAP");
	before = read_ll(self->group, "memory.current");
	ASSERT_LE(0, before);
	heap = xm_heap_create(self->x, xt_name(hname, "mcgh"), POOL_BYTES, 0,
			      0600, XMSG_CREATE_EXCL);
	ASSERT_LT(0, heap) TH_LOG("heap create: %s", strerror(-heap));
	during = read_ll(self->group, "memory.current");
	TH_LOG("memory.current: %lld before, %lld with an 8 MiB heap",
	       before, during);
	EXPECT_LE(before + POOL_BYTES * 3 / 4, during);
	/* a message as large as the heap fits, and goes back */
	ASSERT_EQ(0, xm_heap_msg_get(self->x, heap, POOL_BYTES, &m));
	EXPECT_EQ(0, xm_msg_rel(self->x, m.handle));
	ASSERT_EQ(0, xm_destroy(self->x, heap));
	after = read_ll(self->group, "memory.current");
	TH_LOG("memory.current: %lld after destroy", after);
	EXPECT_GE(during - POOL_BYTES * 3 / 4, after);
}

/*
 * At the finest granule (8 bytes) a heap needs two bitmaps of 1/64 of its
 * size beside it: genalloc's and the chunk starts.  Both are charged to
 * the creator's cgroup with the region: a 128 MiB heap charges 4 MiB of
 * bitmaps, where the region alone and one bitmap would be 2 MiB short.
 * The margin (1 MiB each way) is well over memory.current's per-CPU
 * batches.  The per-user limit is raised for the test and put back.
 */
#define BIG_HEAP	(128LL << 20)
#define BIG_BITMAP	(BIG_HEAP / 64)

TEST_F(memcg, heap_bitmaps_charged)
{
	long long before, during = -1, after = -1;
	struct xmsg_features f;
	char hname[XMSG_NAME_MAX];
	long old = 0;
	int heap, err;

	ASSERT_EQ(0, xm_features(self->x, &f));
	if (!(f.features & XMSG_FEAT_HEAP))
		SKIP(return, "kernel without XMSG_FEAT_HEAP");
	if (xt_write_param("max_pool_bytes", 2 * BIG_HEAP, &old))
		SKIP(return, "no writable max_pool_bytes parameter");
	before = read_ll(self->group, "memory.current");
	heap = xm_heap_create(self->x, xt_name(hname, "mcgbig"), BIG_HEAP,
			      XMSG_HEAP_ORDER_MIN, 0600, XMSG_CREATE_EXCL);
	if (heap > 0) {
		during = read_ll(self->group, "memory.current");
		EXPECT_EQ(0, xm_destroy(self->x, heap));
		after = read_ll(self->group, "memory.current");
	}
	err = xt_write_param("max_pool_bytes", old, NULL);
	ASSERT_LT(0, heap) TH_LOG("heap create: %s", strerror(-heap));
	ASSERT_EQ(0, err);
	TH_LOG("memory.current: %lld before, %lld with a 128 MiB heap of "
	       "8-byte granules, %lld after destroy", before, during, after);
	EXPECT_LE(before + BIG_HEAP + 2 * BIG_BITMAP - BIG_BITMAP / 2,
		  during);
	EXPECT_GE(during - BIG_HEAP - 2 * BIG_BITMAP + BIG_BITMAP / 2,
		  after);
}

/* memory.max stops a pool that does not fit; nothing is created. */
TEST_F(memcg, pool_over_memory_max)
{
	char lim[32];
	long long cur;
	int pool;

	cur = read_ll(self->group, "memory.current");
	ASSERT_LE(0, cur);
	snprintf(lim, sizeof(lim), "%lld", cur + POOL_BYTES / 2);
	ASSERT_EQ(0, write_str(self->group, "memory.max", lim));
	pool = xm_pool_create(self->x, self->pname, POOL_BLOCK, POOL_COUNT,
			      0600, XMSG_CREATE_EXCL);
	EXPECT_EQ(-ENOMEM, pool);
	if (pool > 0)
		xm_pool_destroy(self->x, pool);
	EXPECT_EQ(-ENOENT, xm_pool_open(self->x, self->pname,
					XMSG_ACC_READ));
	/* Still alive: the failed charge did not OOM-kill this process. */
	ASSERT_EQ(0, write_str(self->group, "memory.max", "max"));
	pool = xm_pool_create(self->x, self->pname, POOL_BLOCK, POOL_COUNT,
			      0600, XMSG_CREATE_EXCL);
	ASSERT_LT(0, pool);
	EXPECT_EQ(0, xm_pool_destroy(self->x, pool));
}

/*
 * memory.current of @group once three quarters of @bytes charged (it read
 * @during then) went, or after 2 s.
 */
static long long wait_uncharged(const char *group, long long during,
				long long bytes)
{
	long long after = -1;
	int i;

	for (i = 0; i < 40; i++) {
		after = read_ll(group, "memory.current");
		if (during - after >= bytes - bytes / 4)
			break;
		xt_sleep_ms(50);
	}
	return after;
}

/*
 * A receive ring's shared memory (16 bytes an entry) and its slot array
 * (8 bytes an entry) are charged to the opener's cgroup and uncharged at
 * close.
 */
TEST_F(memcg, ring_charged_and_uncharged)
{
	const long long ring_bytes = (long long)XMSG_RING_ENTRIES_MAX * 24;
	long long before, during, after;
	char xname[XMSG_NAME_MAX];
	struct xm_ring r;
	int pool, xchg;

	pool = xm_pool_create(self->x, self->pname, 256, 4, 0600,
			      XMSG_CREATE_EXCL);
	ASSERT_LT(0, pool);
	xchg = xm_xchg_create(self->x, xt_name(xname, "mcgx"),
			      XMSG_XCHG_KIND_NORMAL, 0, 0600, XMSG_CREATE_EXCL);
	ASSERT_LT(0, xchg);
	ASSERT_EQ(0, xm_pool_map(self->x, pool, &(void *){ NULL },
				 &(size_t){ 0 }));
	before = read_ll(self->group, "memory.current");
	ASSERT_LE(0, before);
	ASSERT_EQ(0, xm_ring_open(self->x, xchg, pool, XMSG_RING_ENTRIES_MAX,
				  0, 0, &r));
	during = read_ll(self->group, "memory.current");
	TH_LOG("memory.current: %lld before, %lld with a %d-entry ring",
	       before, during, XMSG_RING_ENTRIES_MAX);
	/*
	 * memory.current moves in pages and the memcg's per-CPU charge
	 * cache: a page freed elsewhere in between was seen (-4 KiB once).
	 */
	EXPECT_LE(before + ring_bytes - ring_bytes / 8, during);
	xm_ring_close(&r);
	/*
	 * Some of the file's own memory goes after an RCU grace period, and
	 * the group also holds this process's own pages, which move on
	 * their own (+240 KiB was seen once on a loaded host): wait up to
	 * 2 s, then require that at least three quarters of the ring's
	 * charge went, which a ring left charged cannot fake.
	 */
	after = wait_uncharged(self->group, during, ring_bytes);
	TH_LOG("memory.current: %lld after close", after);
	EXPECT_LE(ring_bytes - ring_bytes / 4, during - after);
	EXPECT_EQ(0, xm_destroy(self->x, xchg));
	EXPECT_EQ(0, xm_pool_destroy(self->x, pool));
}

/*
 * A send ring's shared memory (40 bytes an entry: a descriptor, a
 * completion and a fill entry) is charged to the opener's cgroup and
 * uncharged at close, as a receive ring's.
 */
TEST_F(memcg, txring_charged_and_uncharged)
{
	const long long ring_bytes = (long long)XMSG_TXRING_ENTRIES_MAX * 40;
	long long before, during, after;
	char xname[XMSG_NAME_MAX];
	struct xm_txring t;
	int pool, xchg;

	pool = xm_pool_create(self->x, self->pname, 256, 4, 0600,
			      XMSG_CREATE_EXCL);
	ASSERT_LT(0, pool);
	xchg = xm_xchg_create(self->x, xt_name(xname, "mcgt"),
			      XMSG_XCHG_KIND_NORMAL, 0, 0600, XMSG_CREATE_EXCL);
	ASSERT_LT(0, xchg);
	ASSERT_EQ(0, xm_pool_map(self->x, pool, &(void *){ NULL },
				 &(size_t){ 0 }));
	before = read_ll(self->group, "memory.current");
	ASSERT_LE(0, before);
	ASSERT_EQ(0, xm_txring_open(self->x, xchg, pool,
				    XMSG_TXRING_ENTRIES_MAX, 1, &t));
	during = read_ll(self->group, "memory.current");
	TH_LOG("memory.current: %lld before, %lld with a %d-entry send ring",
	       before, during, XMSG_TXRING_ENTRIES_MAX);
	EXPECT_LE(before + ring_bytes - ring_bytes / 8, during);
	xm_txring_close(&t);
	after = wait_uncharged(self->group, during, ring_bytes);
	TH_LOG("memory.current: %lld after close", after);
	EXPECT_LE(ring_bytes - ring_bytes / 4, during - after);
	EXPECT_EQ(0, xm_destroy(self->x, xchg));
	EXPECT_EQ(0, xm_pool_destroy(self->x, pool));
}

/*
 * The worst loop an unprivileged user has: receive a broadcast message
 * (each receive makes a new proxy, a kernel control block) and queue the
 * proxy at an exchange, again and again.  Every proxy is charged to the
 * receiver's cgroup, and at memory.max the receive fails with ENOMEM:
 * the process is not OOM-killed and nothing leaks.
 */
#define FLOOD_XCHGS	16
#define FLOOD_LIMIT	4096
/*
 * memory.current moves in per-CPU batches of 64 pages (256 KiB), so the
 * first flood must charge well over one batch to be seen: 8000 control
 * blocks of at least 64 bytes are 500 KiB.
 */
#define FLOOD_FIRST	8000

static int flood_one(struct xm *x, int bcast, int xchg)
{
	struct xm_msg p;
	int ret;

	ret = xm_recv(x, bcast, XM_NOWAIT, 0, &p);
	if (ret)
		return ret;
	ret = xm_send(x, xchg, p.handle, 0, 0, 0);
	if (ret)
		xm_msg_rel(x, p.handle);
	return ret;
}

TEST_F(memcg, proxy_flood_charged_and_stopped)
{
	long long before, during, after;
	int pool, bcast, xs[FLOOD_XCHGS];
	int i, ret = 0, n, maxfd, last;
	char lim[32], path[256];
	struct xm_msg m;

	pool = xm_pool_create(self->x, self->pname, 256, 4, 0600,
			      XMSG_CREATE_EXCL);
	ASSERT_LT(0, pool);
	bcast = xm_xchg_create(self->x, "", XMSG_XCHG_KIND_BCAST, 0, 0600, 0);
	ASSERT_LT(0, bcast);
	for (i = 0; i < FLOOD_XCHGS; i++) {
		xs[i] = xm_xchg_create(self->x, "", XMSG_XCHG_KIND_NORMAL,
				       FLOOD_LIMIT, 0600, 0);
		ASSERT_LT(0, xs[i]) TH_LOG("exchange %d: %d", i, xs[i]);
	}
	ASSERT_EQ(0, xm_msg_get(self->x, pool, &m));
	ASSERT_EQ(0, xm_send(self->x, bcast, m.handle, 0, 0, 0));

	before = read_ll(self->group, "memory.current");
	for (i = 0; i < FLOOD_FIRST && !ret; i++)
		ret = flood_one(self->x, bcast, xs[i % FLOOD_XCHGS]);
	ASSERT_EQ(0, ret);
	during = read_ll(self->group, "memory.current");
	TH_LOG("memory.current: %lld before, %lld with %d proxies queued",
	       before, during, FLOOD_FIRST);
	/* a control block is well over 64 bytes */
	EXPECT_LE(before + FLOOD_FIRST * 64LL, during);

	/* at the limit even an open() may fail: open memory.max now */
	snprintf(path, sizeof(path), "%s/memory.max", self->group);
	maxfd = open(path, O_WRONLY);
	ASSERT_LE(0, maxfd);
	snprintf(lim, sizeof(lim), "%lld", during + 256 * 1024);
	ASSERT_EQ((ssize_t)strlen(lim), write(maxfd, lim, strlen(lim)));
	for (n = 0; n < FLOOD_XCHGS * FLOOD_LIMIT - FLOOD_FIRST; n++) {
		ret = flood_one(self->x, bcast, xs[n % FLOOD_XCHGS]);
		if (ret)
			break;
	}
	/* make room before anything else, then lift the limit */
	last = xm_destroy(self->x, xs[FLOOD_XCHGS - 1]);
	ASSERT_EQ(3, write(maxfd, "max", 3));
	close(maxfd);
	TH_LOG("stopped after %d more proxies: %d", n, ret);
	EXPECT_EQ(-ENOMEM, ret);
	EXPECT_EQ(0, last);
	/* still alive and the loop can go on */
	EXPECT_EQ(0, flood_one(self->x, bcast, xs[0]));

	for (i = 0; i < FLOOD_XCHGS - 1; i++)
		EXPECT_EQ(0, xm_destroy(self->x, xs[i]));
	EXPECT_EQ(0, xm_bcast_clear(self->x, bcast));
	EXPECT_EQ(0, xm_msg_rel(self->x, m.handle));
	EXPECT_EQ(0, xm_destroy(self->x, bcast));
	after = read_ll(self->group, "memory.current");
	TH_LOG("memory.current: %lld after destroying the exchanges", after);
	/* freed slabs may stay cached a while: at most the level of the first flood */
	EXPECT_GE(during, after);
	EXPECT_EQ(0, xm_pool_destroy(self->x, pool));
}

/*
 * A pool of a million one-byte blocks has a 1 MiB region but pins far
 * more in metadata (links, states, control blocks): the per-user limit
 * counts that, so the pool is refused with ENOSPC.
 */
TEST_F(memcg, tiny_block_pool_counts_metadata)
{
	struct xmsg_features f;
	int pool;

	ASSERT_EQ(0, xm_features(self->x, &f));
	if (f.max_block_count < (1u << 20) || f.max_pool_bytes > (256u << 20))
		SKIP(return, "limits changed from the defaults");
	pool = xm_pool_create(self->x, self->pname, 1, 1u << 20, 0600,
			      XMSG_CREATE_EXCL);
	EXPECT_EQ(-ENOSPC, pool);
	if (pool > 0)
		xm_pool_destroy(self->x, pool);
}

TEST_HARNESS_MAIN
