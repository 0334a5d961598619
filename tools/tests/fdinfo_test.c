// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/self/fdinfo of /dev/xmsg files and ring fds: the counts of what a
 * file holds follow every get, send, receive, release and close; a ring's
 * indexes, flags, overflows and settings follow sends, the consumer index
 * user space writes and a destroyed exchange; the opener's uid and gid
 * are there; no line carries a kernel address.
 */
#include <fcntl.h>
#include <stdint.h>
#include "kselftest_harness.h"
#include "xm_test.h"

#define BS	256
#define NBLK	16

/* /proc/self/fdinfo/@fd, NUL-terminated, in @buf; 0 or -errno. */
static int fdinfo_read(int fd, char *buf, size_t size)
{
	char path[64];
	ssize_t n;
	int f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = open(path, O_RDONLY);
	if (f < 0)
		return -errno;
	n = read(f, buf, size - 1);
	close(f);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

/* The value of line "@key:\t<value>" of @fd's fdinfo, in @val. */
static int fdinfo_str(int fd, const char *key, char *val, size_t size)
{
	char buf[4096], want[64];
	const char *p = buf;
	size_t n;

	if (fdinfo_read(fd, buf, sizeof(buf)))
		return -1;
	n = snprintf(want, sizeof(want), "%s:\t", key);
	for (; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, want, n))
			continue;
		p += n;
		n = strcspn(p, "\n");
		if (n >= size)
			return -1;
		memcpy(val, p, n);
		val[n] = '\0';
		return 0;
	}
	fprintf(stderr, "# fd %d: no \"%s\" in fdinfo:\n%s", fd, key, buf);
	return -1;
}

/* The number on line "@key:" of @fd's fdinfo, -1 when there is none. */
static long long fdinfo_num(int fd, const char *key)
{
	char val[64], *end;
	long long v;

	if (fdinfo_str(fd, key, val, sizeof(val)))
		return -1;
	v = strtoll(val, &end, 0);
	return *val && !*end ? v : -1;
}

/* No line of @fd's fdinfo looks like a kernel address. */
static int fdinfo_no_pointer(int fd)
{
	char buf[4096];

	if (fdinfo_read(fd, buf, sizeof(buf)))
		return 0;
	return !strstr(buf, "0xff") && !strstr(buf, "ffff");
}

FIXTURE(fi) {
	struct xm *x;
	int fd, pool, xchg;
	char pname[XMSG_NAME_MAX], xname[XMSG_NAME_MAX];
};

FIXTURE_SETUP(fi)
{
	ASSERT_EQ(0, xm_open(&self->x, NULL)) TH_LOG("no /dev/xmsg?");
	self->fd = xm_fd(self->x);
	if (fdinfo_num(self->fd, "handles") < 0)
		SKIP(return, "xmsg.ko without fdinfo");
	self->pool = xm_pool_create(self->x, xt_name(self->pname, "fipool"),
				    BS, NBLK, 0600, XMSG_CREATE_EXCL);
	ASSERT_LT(0, self->pool);
	self->xchg = xm_xchg_create(self->x, xt_name(self->xname, "fixchg"),
				    XMSG_XCHG_KIND_NORMAL, 0, 0600,
				    XMSG_CREATE_EXCL);
	ASSERT_LT(0, self->xchg);
}

FIXTURE_TEARDOWN(fi)
{
	if (!self->x)
		return;
	if (self->xchg > 0)
		xm_destroy(self->x, self->xchg);
	if (self->pool > 0)
		xm_pool_destroy(self->x, self->pool);
	xm_close(self->x);
}

/* The counts of @fd's fdinfo, in the order of the fields below. */
struct census {
	long long handles, pools, xchgs, sems, msgs, msg_bytes, bcbs, blocks;
};

static void census(int fd, struct census *c)
{
	c->handles = fdinfo_num(fd, "handles");
	c->pools = fdinfo_num(fd, "pools");
	c->xchgs = fdinfo_num(fd, "xchgs");
	c->sems = fdinfo_num(fd, "sems");
	c->msgs = fdinfo_num(fd, "msgs");
	c->msg_bytes = fdinfo_num(fd, "msg_bytes");
	c->bcbs = fdinfo_num(fd, "bcbs");
	c->blocks = fdinfo_num(fd, "blocks");
}

#define EXPECT_CENSUS(fd, h, p, x, s, m, mb, bc, bl) do {		\
	struct census c_;						\
									\
	census(fd, &c_);						\
	EXPECT_EQ(h, c_.handles);					\
	EXPECT_EQ(p, c_.pools);						\
	EXPECT_EQ(x, c_.xchgs);						\
	EXPECT_EQ(s, c_.sems);						\
	EXPECT_EQ(m, c_.msgs);						\
	EXPECT_EQ(mb, c_.msg_bytes);					\
	EXPECT_EQ(bc, c_.bcbs);						\
	EXPECT_EQ(bl, c_.blocks);					\
} while (0)

TEST_F(fi, file_counts_follow_the_handles)
{
	struct xm_msg a, b, blk, bcb, got;
	char sname[XMSG_NAME_MAX];
	int sem;

	EXPECT_CENSUS(self->fd, 2, 1, 1, 0, 0, 0, 0, 0);
	EXPECT_EQ(0, fdinfo_num(self->fd, "replies"));
	EXPECT_EQ(0, fdinfo_num(self->fd, "posts"));
	EXPECT_EQ((long long)geteuid(), fdinfo_num(self->fd, "uid"));
	EXPECT_EQ((long long)getegid(), fdinfo_num(self->fd, "gid"));

	sem = xm_sem_create(self->x, xt_name(sname, "fisem"),
			    XMSG_SEM_KIND_COUNT, 0, 0, 0600, XMSG_CREATE_EXCL);
	ASSERT_LT(0, sem);
	EXPECT_CENSUS(self->fd, 3, 1, 1, 1, 0, 0, 0, 0);

	ASSERT_EQ(0, xm_msg_get(self->x, self->pool, &a));
	ASSERT_EQ(0, xm_msg_set_length(self->x, a.handle, 100));
	ASSERT_EQ(0, xm_msg_get(self->x, self->pool, &b));
	ASSERT_EQ(0, xm_block_get(self->x, self->pool, &blk));
	ASSERT_EQ(0, xm_bcb_get(self->x, self->pool, &bcb));
	EXPECT_CENSUS(self->fd, 7, 1, 1, 1, 2, 100 + BS, 1, 1);

	/* sent: no longer the file's; received back: the file's again */
	ASSERT_EQ(0, xm_send(self->x, self->xchg, a.handle, 0, 0, 0));
	EXPECT_CENSUS(self->fd, 6, 1, 1, 1, 1, BS, 1, 1);
	ASSERT_EQ(0, xm_recv(self->x, self->xchg, 0, 0, &got));
	EXPECT_CENSUS(self->fd, 7, 1, 1, 1, 2, 100 + BS, 1, 1);

	ASSERT_EQ(0, xm_msg_rel(self->x, got.handle));
	ASSERT_EQ(0, xm_msg_rel(self->x, b.handle));
	ASSERT_EQ(0, xm_block_rel(self->x, blk.handle));
	ASSERT_EQ(0, xm_bcb_rel(self->x, bcb.handle));
	ASSERT_EQ(0, xm_destroy(self->x, sem));
	EXPECT_CENSUS(self->fd, 2, 1, 1, 0, 0, 0, 0, 0);
	EXPECT_TRUE(fdinfo_no_pointer(self->fd));
}

/* A second open of the same pool and exchange is a second handle each. */
TEST_F(fi, reopened_objects_count_twice)
{
	int p = xm_pool_open(self->x, self->pname, XMSG_ACC_RDWR);
	int e = xm_xchg_open(self->x, self->xname, XMSG_ACC_RDWR);

	ASSERT_LT(0, p);
	ASSERT_LT(0, e);
	EXPECT_CENSUS(self->fd, 4, 2, 2, 0, 0, 0, 0, 0);
	ASSERT_EQ(0, xm_handle_close(self->x, p));
	ASSERT_EQ(0, xm_handle_close(self->x, e));
	EXPECT_CENSUS(self->fd, 2, 1, 1, 0, 0, 0, 0, 0);
}

/*
 * Heap handles and bare chunks have lines of their own; a heap message is
 * a message, and a chunk made a message (or a message made a chunk again)
 * moves from one line to the other.
 */
TEST_F(fi, heaps_and_chunks_counted)
{
	char hname[XMSG_NAME_MAX];
	struct xmsg_features f;
	struct xm_msg c1, c2, m, back;
	int heap, again;

	ASSERT_EQ(0, xm_features(self->x, &f));
	if (!(f.features & XMSG_FEAT_HEAP))
		SKIP(return, "kernel without XMSG_FEAT_HEAP");
	EXPECT_EQ(0, fdinfo_num(self->fd, "heaps"));
	EXPECT_EQ(0, fdinfo_num(self->fd, "chunks"));
	heap = xm_heap_create(self->x, xt_name(hname, "fiheap"), 8192, 0, 0600,
			      XMSG_CREATE_EXCL);
	ASSERT_LT(0, heap);
	again = xm_heap_open(self->x, hname, XMSG_ACC_READ);
	ASSERT_LT(0, again);
	EXPECT_EQ(2, fdinfo_num(self->fd, "heaps"));
	/* heaps are not pools */
	EXPECT_CENSUS(self->fd, 4, 1, 1, 0, 0, 0, 0, 0);

	ASSERT_EQ(0, xm_heap_chunk_get(self->x, heap, 100, &c1));
	ASSERT_EQ(0, xm_heap_chunk_get(self->x, heap, 200, &c2));
	EXPECT_EQ(2, fdinfo_num(self->fd, "chunks"));
	EXPECT_CENSUS(self->fd, 6, 1, 1, 0, 0, 0, 0, 0);

	ASSERT_EQ(0, xm_heap_msg_make(self->x, c1.handle, &m));
	EXPECT_EQ(1, fdinfo_num(self->fd, "chunks"));
	EXPECT_EQ(1, fdinfo_num(self->fd, "msgs"));
	ASSERT_EQ(0, xm_heap_msg_unmake(self->x, m.handle, &back));
	EXPECT_EQ(2, fdinfo_num(self->fd, "chunks"));
	EXPECT_EQ(0, fdinfo_num(self->fd, "msgs"));

	ASSERT_EQ(0, xm_heap_chunk_free(self->x, back.handle));
	ASSERT_EQ(0, xm_handle_close(self->x, c2.handle));
	EXPECT_EQ(0, fdinfo_num(self->fd, "chunks"));
	ASSERT_EQ(0, xm_handle_close(self->x, again));
	EXPECT_EQ(1, fdinfo_num(self->fd, "heaps"));
	ASSERT_EQ(0, xm_destroy(self->x, heap));
	EXPECT_EQ(0, fdinfo_num(self->fd, "heaps"));
	EXPECT_CENSUS(self->fd, 2, 1, 1, 0, 0, 0, 0, 0);
}

static int send_n(struct xm *x, int pool, int xchg, unsigned int n)
{
	struct xm_msg m;
	int ret;

	while (n--) {
		ret = xm_msg_get(x, pool, &m);
		if (!ret)
			ret = xm_send(x, xchg, m.handle, 0, 0, 0);
		if (ret)
			return ret;
	}
	return 0;
}

TEST_F(fi, ring_indexes_follow_sends_and_consumer)
{
	char val[XMSG_NAME_MAX + 8];
	struct xm_ring r;

	ASSERT_EQ(0, xm_ring_open(self->x, self->xchg, self->pool, 4, 2, 500,
				  &r));
	ASSERT_EQ(0, fdinfo_str(r.fd, "xchg", val, sizeof(val)));
	EXPECT_STREQ(self->xname, val);
	ASSERT_EQ(0, fdinfo_str(r.fd, "pool", val, sizeof(val)));
	EXPECT_STREQ(self->pname, val);
	EXPECT_EQ(4, fdinfo_num(r.fd, "entries"));
	EXPECT_EQ(2, fdinfo_num(r.fd, "wake_min"));
	EXPECT_EQ(500, fdinfo_num(r.fd, "wake_us"));
	EXPECT_EQ(0, fdinfo_num(r.fd, "producer"));
	EXPECT_EQ(0, fdinfo_num(r.fd, "ready"));
	EXPECT_EQ(0, fdinfo_num(r.fd, "ring_flags"));
	EXPECT_EQ(0, fdinfo_num(r.fd, "overflows"));

	ASSERT_EQ(0, send_n(self->x, self->pool, self->xchg, 3));
	EXPECT_EQ(3, fdinfo_num(r.fd, "producer"));
	EXPECT_EQ(3, fdinfo_num(r.fd, "ready"));
	EXPECT_EQ(0, fdinfo_num(r.fd, "consumer"));

	/* done with two: the consumer index moves now, the kernel's later */
	xm_ring_done(&r, 2);
	EXPECT_EQ(2, fdinfo_num(r.fd, "consumer"));
	EXPECT_EQ(1, fdinfo_num(r.fd, "ready"));
	EXPECT_EQ(0, fdinfo_num(r.fd, "reclaimed"));
	xm_ring_wait(&r, 0);	/* poll() reclaims */
	EXPECT_EQ(2, fdinfo_num(r.fd, "reclaimed"));

	/* room for three more; the other two wait at the exchange */
	ASSERT_EQ(0, send_n(self->x, self->pool, self->xchg, 5));
	EXPECT_EQ(6, fdinfo_num(r.fd, "producer"));
	EXPECT_EQ(4, fdinfo_num(r.fd, "ready"));
	EXPECT_EQ(2, fdinfo_num(r.fd, "overflows"));
	EXPECT_EQ(XMSG_RING_F_QUEUED, fdinfo_num(r.fd, "ring_flags"));
	EXPECT_EQ(r.hdr->overflows, fdinfo_num(r.fd, "overflows"));
	EXPECT_EQ(2u, r.hdr->overflows);

	/* a garbage consumer index is shown as written, and ignored */
	r.hdr->consumer = 1000;
	EXPECT_EQ(1000, fdinfo_num(r.fd, "consumer"));
	EXPECT_EQ(4, fdinfo_num(r.fd, "ready"));
	r.hdr->consumer = r.cons;
	/* the flags and the count are the kernel's, whatever the header says */
	r.hdr->flags = 0xff;
	r.hdr->overflows = 77;
	EXPECT_EQ(XMSG_RING_F_QUEUED, fdinfo_num(r.fd, "ring_flags"));
	EXPECT_EQ(2, fdinfo_num(r.fd, "overflows"));

	ASSERT_EQ(0, xm_destroy(self->x, self->xchg));
	self->xchg = 0;
	EXPECT_EQ(XMSG_RING_F_DEAD, fdinfo_num(r.fd, "ring_flags"));
	EXPECT_TRUE(fdinfo_no_pointer(r.fd));
	xm_ring_close(&r);
}

TEST_HARNESS_MAIN
