// SPDX-License-Identifier: GPL-2.0
/*
 * Heaps from user space: create/open/destroy a named heap, map it, get
 * messages of any size up to the heap's size, send them to another process
 * that reads and writes them in place through its own mapping, bare chunks
 * made into messages without a copy, permissions, bad arguments, and the
 * release of everything a killed process held (the heap's chunks-out
 * count goes back to 0).
 */
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include "kselftest_harness.h"
#include "xm_test.h"

#define HEAP_SIZE	(64u * 1024)

FIXTURE(heap) {
	struct xm *x;
	char hname[XMSG_NAME_MAX];
	char xname[XMSG_NAME_MAX];
	char aname[XMSG_NAME_MAX];
	int heap;
};

FIXTURE_SETUP(heap)
{
	struct xmsg_features f;

	if (!xt_have_device())
		SKIP(return, "no /dev/xmsg (xmsg.ko not loaded)");
	ASSERT_EQ(0, xm_open(&self->x, NULL));
	ASSERT_EQ(0, xm_features(self->x, &f));
	if (!(f.features & XMSG_FEAT_HEAP))
		SKIP(return, "kernel without XMSG_FEAT_HEAP");
	xt_name(self->hname, "heap");
	xt_name(self->xname, "hx");
	xt_name(self->aname, "ha");
	self->heap = xm_heap_create(self->x, self->hname, HEAP_SIZE, 0, 0600,
				    XMSG_CREATE_EXCL);
	ASSERT_LT(0, self->heap) TH_LOG("%s", xm_strerror(self->heap));
}

FIXTURE_TEARDOWN(heap)
{
	if (!self->x)
		return;
	if (self->heap > 0)
		xm_destroy(self->x, self->heap);
	xm_close(self->x);
}

static uint64_t chunks_out(struct xm *x, uint32_t heap)
{
	struct xmsg_heap_info hi;

	if (xm_heap_info(x, heap, &hi))
		return ~0ULL;
	return hi.chunks_out;
}

static uint8_t pattern(size_t size, size_t i)
{
	return (uint8_t)(size * 7 + i * 13 + 1);
}

/* Raw XMSG_IOC_HEAP_* on struct xmsg_buf; returns 0 or -errno. */
static int buf_ioctl(struct xm *x, unsigned long cmd, struct xmsg_buf *b)
{
	b->size = sizeof(*b);
	return ioctl(xm_fd(x), cmd, b) ? -errno : 0;
}

TEST_F(heap, create_open_info_list)
{
	struct xmsg_heap_create hc;
	struct xmsg_list_entry *ents;
	struct xmsg_heap_info hi;
	struct xmsg_info in;
	size_t n, i;
	int h, found = 0;

	ASSERT_EQ(0, xm_info(self->x, self->heap, &in));
	EXPECT_EQ((uint32_t)(XMSG_TYPE_HEAP), in.type);
	EXPECT_EQ((uint32_t)(XMSG_ACC_RDWR), in.rights);
	EXPECT_EQ(0600u, in.mode);
	EXPECT_STREQ(self->hname, in.name);
	ASSERT_EQ(0, xm_heap_info(self->x, self->heap, &hi));
	EXPECT_EQ(HEAP_SIZE, hi.heap_size);
	EXPECT_EQ(HEAP_SIZE, hi.free);
	EXPECT_EQ(64u, hi.granule);
	EXPECT_EQ(0u, hi.chunks_out);
	EXPECT_EQ(0u, hi.mapped);
	EXPECT_EQ(HEAP_SIZE, hi.region_size);

	EXPECT_EQ(-EEXIST, xm_heap_create(self->x, self->hname, HEAP_SIZE, 0,
					  0600, XMSG_CREATE_EXCL));
	/*
	 * without XMSG_CREATE_EXCL: opened, not created, if of the same size
	 * and granule
	 */
	memset(&hc, 0, sizeof(hc));
	hc.size = sizeof(hc);
	strcpy(hc.name, self->hname);
	hc.mode = 0600;
	hc.access = XMSG_ACC_READ;
	hc.heap_size = 4096;
	EXPECT_EQ(-1, ioctl(xm_fd(self->x), XMSG_IOC_HEAP_CREATE, &hc));
	EXPECT_EQ(EEXIST, errno);
	hc.heap_size = HEAP_SIZE;
	ASSERT_EQ(0, ioctl(xm_fd(self->x), XMSG_IOC_HEAP_CREATE, &hc));
	EXPECT_EQ(0u, hc.result);
	EXPECT_EQ(HEAP_SIZE, hc.region_size);
	EXPECT_EQ(0, xm_handle_close(self->x, hc.handle));

	h = xm_heap_open(self->x, self->hname, XMSG_ACC_READ);
	ASSERT_LT(0, h);
	ASSERT_EQ(0, xm_info(self->x, h, &in));
	EXPECT_EQ((uint32_t)(XMSG_TYPE_HEAP), in.type);
	EXPECT_EQ((uint32_t)(XMSG_ACC_READ), in.rights);
	EXPECT_EQ(0, xm_handle_close(self->x, h));
	/* a heap is not a pool, nor a pool a heap */
	EXPECT_EQ(-ENOENT, xm_pool_open(self->x, self->hname, XMSG_ACC_READ));

	ASSERT_EQ(0, xm_list(self->x, XMSG_TYPE_HEAP, &ents, &n));
	for (i = 0; i < n; i++) {
		EXPECT_EQ((uint32_t)(XMSG_TYPE_HEAP), ents[i].type);
		if (!strcmp(ents[i].name, self->hname))
			found++;
	}
	free(ents);
	EXPECT_EQ(1, found);
	EXPECT_STREQ("heap", xm_type_name(XMSG_TYPE_HEAP));
	EXPECT_STREQ("chunk", xm_type_name(XMSG_TYPE_CHUNK));
}

/*
 * A second process maps the heap, receives messages of sizes 1 B up to the
 * heap's size, checks each body in place, writes its answer into the same
 * body and sends the message back; the first checks the answer in place.
 */
TEST_F(heap, two_processes_exchange_in_place)
{
	static const size_t sizes[] = {
		1, 2, 3, 7, 63, 64, 65, 255, 256, 1000, 4095, 4096, 4097,
		30000, HEAP_SIZE - 64, HEAP_SIZE - 1, HEAP_SIZE,
	};
	const size_t nr = sizeof(sizes) / sizeof(sizes[0]);
	int xchg, ack, st;
	size_t k, i;
	pid_t pid;

	xchg = xm_xchg_create(self->x, self->xname, XMSG_XCHG_KIND_NORMAL, 0,
			      0600, XMSG_CREATE_EXCL);
	ASSERT_LT(0, xchg);
	ack = xm_xchg_create(self->x, self->aname, XMSG_XCHG_KIND_NORMAL, 0,
			     0600, XMSG_CREATE_EXCL);
	ASSERT_LT(0, ack);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct xm *x;
		struct xm_msg m;
		int heap, in, out;
		uint8_t *p;

		xm_close(self->x);
		CHILD_CHECK(xm_open(&x, NULL) == 0, 10);
		/* the heap handle first: received bodies are then mapped */
		heap = xm_heap_open(x, self->hname, XMSG_ACC_RDWR);
		CHILD_CHECK(heap > 0, 11);
		in = xm_xchg_open(x, self->xname, XMSG_ACC_READ);
		out = xm_xchg_open(x, self->aname, XMSG_ACC_WRITE);
		CHILD_CHECK(in > 0 && out > 0, 12);
		for (k = 0; k < nr; k++) {
			CHILD_CHECK(xm_recv(x, in, XM_MS(10000), 0, &m) == 0,
				    13);
			CHILD_CHECK(m.length == sizes[k], 14);
			CHILD_CHECK(m.flags == XMSG_MSGF_HEAP, 15);
			CHILD_CHECK(m.pool == (uint32_t)heap, 16);
			CHILD_CHECK(m.offset + m.length <= HEAP_SIZE, 17);
			p = m.body;
			CHILD_CHECK(p, 18);
			for (i = 0; i < m.length; i++)
				CHILD_CHECK(p[i] == pattern(m.length, i), 19);
			for (i = 0; i < m.length; i++)
				p[i] = ~p[i];
			CHILD_CHECK(xm_send(x, out, m.handle, 0, 0, 0) == 0,
				    20);
		}
		xm_close(x);
		_exit(0);
	}
	for (k = 0; k < nr; k++) {
		struct xm_msg m, r;
		uint8_t *p;
		int bad = 0;

		ASSERT_EQ(0, xm_heap_msg_get(self->x, self->heap, sizes[k],
					     &m)) TH_LOG("size %zu", sizes[k]);
		EXPECT_EQ(sizes[k], m.length);
		EXPECT_EQ((uint32_t)(XMSG_MSGF_HEAP), m.flags);
		EXPECT_EQ((uint32_t)self->heap, m.pool);
		p = m.body;
		ASSERT_NE(NULL, p);
		for (i = 0; i < m.length; i++)
			p[i] = pattern(m.length, i);
		ASSERT_EQ(0, xm_send(self->x, xchg, m.handle, 0, 0, 0));
		ASSERT_EQ(0, xm_recv(self->x, ack, XM_MS(10000), 0, &r));
		EXPECT_EQ(m.offset, r.offset);
		EXPECT_EQ(sizes[k], r.length);
		p = r.body;
		ASSERT_NE(NULL, p);
		for (i = 0; i < r.length; i++) {
			uint8_t want = 0xff ^ pattern(r.length, i);

			bad += p[i] != want;
		}
		EXPECT_EQ(0, bad) TH_LOG("size %zu", sizes[k]);
		ASSERT_EQ(0, xm_msg_rel(self->x, r.handle));
		EXPECT_EQ(0u, chunks_out(self->x, self->heap));
	}
	st = xt_wait(pid);
	EXPECT_EQ(0, st);
	EXPECT_EQ(0u, chunks_out(self->x, self->heap));
	xm_destroy(self->x, xchg);
	xm_destroy(self->x, ack);
}

/* Bad arguments get a clear errno and change nothing. */
TEST_F(heap, garbage_refused)
{
	struct xmsg_heap_create hc;
	struct xmsg_buf b;
	struct xm_msg m;
	char name[XMSG_NAME_MAX];
	int pool, fd = xm_fd(self->x);

	xt_name(name, "hbad");
#define BAD_CREATE(field, value) do {					\
		memset(&hc, 0, sizeof(hc));				\
		hc.size = sizeof(hc);					\
		strcpy(hc.name, name);					\
		hc.mode = 0600;						\
		hc.access = XMSG_ACC_RDWR;				\
		hc.heap_size = 4096;					\
		hc.field = value;					\
		EXPECT_EQ(-1, ioctl(fd, XMSG_IOC_HEAP_CREATE, &hc));	\
		EXPECT_EQ(EINVAL, errno) TH_LOG(#field " = " #value);	\
	} while (0)
	BAD_CREATE(heap_size, 0);
	BAD_CREATE(heap_size, 32);
	BAD_CREATE(heap_size, XMSG_HEAP_SIZE_MAX + 1);
	BAD_CREATE(heap_size, ~0ULL);
	BAD_CREATE(min_order, 2);
	BAD_CREATE(min_order, XMSG_HEAP_ORDER_MAX + 1);
	BAD_CREATE(flags, 0x80);
	BAD_CREATE(pad, 1);
	BAD_CREATE(mode, 01000);
	BAD_CREATE(access, 0);
	BAD_CREATE(reserved[1], 1);
	BAD_CREATE(name[0], 0);
#undef BAD_CREATE
	EXPECT_EQ(-ENOENT, xm_heap_open(self->x, name, XMSG_ACC_READ));

	/* gets: size 0 or above the heap, flags, slice fields */
	EXPECT_EQ(-EINVAL, xm_heap_msg_get(self->x, self->heap, 0, &m));
	EXPECT_EQ(-EINVAL, xm_heap_msg_get(self->x, self->heap,
					   HEAP_SIZE + 1, &m));
	EXPECT_EQ(-EINVAL, xm_heap_chunk_get(self->x, self->heap, ~0ULL, &m));
	memset(&b, 0, sizeof(b));
	b.src = self->heap;
	b.length = 10;
	b.flags = 1;
	EXPECT_EQ(-EINVAL, buf_ioctl(self->x, XMSG_IOC_HEAP_MSG_GET, &b));
	b.flags = 0;
	b.slice_length = 1;
	EXPECT_EQ(-EINVAL, buf_ioctl(self->x, XMSG_IOC_HEAP_MSG_GET, &b));
	b.slice_length = 0;
	b.reserved[0] = 1;
	EXPECT_EQ(-EINVAL, buf_ioctl(self->x, XMSG_IOC_HEAP_CHUNK_GET, &b));
	/* wrong handles */
	EXPECT_EQ(-EBADF, xm_heap_msg_get(self->x, 0, 10, &m));
	EXPECT_EQ(-EBADF, xm_heap_msg_get(self->x, 999, 10, &m));
	pool = xm_pool_create(self->x, name, 64, 4, 0600, XMSG_CREATE_EXCL);
	ASSERT_LT(0, pool);
	EXPECT_EQ(-EINVAL, xm_heap_msg_get(self->x, pool, 10, &m));
	EXPECT_EQ(-EINVAL, xm_msg_get(self->x, self->heap, &m));
	EXPECT_EQ(-EINVAL, xm_heap_chunk_free(self->x, self->heap));
	EXPECT_EQ(-EINVAL, xm_heap_msg_make(self->x, pool, &m));
	/* a full heap: -ENOBUFS, counted */
	ASSERT_EQ(0, xm_heap_chunk_get(self->x, self->heap, HEAP_SIZE, &m));
	EXPECT_EQ(-ENOBUFS, xm_heap_msg_get(self->x, self->heap, 1,
					    &(struct xm_msg){ 0 }));
	EXPECT_EQ(0, xm_heap_chunk_free(self->x, m.handle));
	EXPECT_EQ(0u, chunks_out(self->x, self->heap));
	EXPECT_EQ(0, xm_pool_destroy(self->x, pool));
	/* the heap still works */
	ASSERT_EQ(0, xm_heap_msg_get(self->x, self->heap, HEAP_SIZE, &m));
	EXPECT_EQ(0, xm_msg_rel(self->x, m.handle));
}

/*
 * Bare chunks: written in place, made a message (no copy: same offset),
 * unmade back, freed; double free, freed handles, foreign handles and
 * unmake with a live proxy are refused and corrupt nothing.
 */
TEST_F(heap, chunks_make_unmake_free)
{
	struct xm_msg c, m, c2, px, other;
	struct xmsg_heap_info hi;
	uint8_t *p;
	size_t i;
	int bad = 0;

	ASSERT_EQ(0, xm_heap_chunk_get(self->x, self->heap, 300, &c));
	EXPECT_EQ(300u, c.length);
	EXPECT_EQ((uint32_t)(XMSG_MSGF_HEAP), c.flags);
	ASSERT_NE(NULL, c.body);
	memset(c.body, 0x5a, 300);
	ASSERT_EQ(0, xm_msg_info(self->x, c.handle, &other));
	EXPECT_EQ(c.offset, other.offset);
	ASSERT_EQ(0, xm_heap_chunk_get(self->x, self->heap, 100, &other));
	ASSERT_EQ(0, xm_heap_msg_make(self->x, c.handle, &m));
	EXPECT_EQ(c.offset, m.offset);
	EXPECT_EQ(300u, m.length);
	p = m.body;
	for (i = 0; i < 300; i++)
		bad += p[i] != 0x5a;
	EXPECT_EQ(0, bad);
	/* the chunk handle was consumed */
	EXPECT_EQ(-EBADF, xm_heap_chunk_free(self->x, c.handle));
	EXPECT_EQ(-EBADF, xm_heap_msg_make(self->x, c.handle, &c2));
	/* a message is no chunk, a chunk no message */
	EXPECT_EQ(-EINVAL, xm_heap_chunk_free(self->x, m.handle));
	EXPECT_EQ(-EINVAL, xm_heap_msg_unmake(self->x, other.handle, &c2));
	EXPECT_EQ(-EINVAL, xm_msg_unmake(self->x, m.handle, &c2));
	/* a proxy shares the body: unmake waits for it */
	ASSERT_EQ(0, xm_msg_proxy(self->x, m.handle, 100, 50, &px));
	EXPECT_EQ((uint32_t)(XMSG_MSGF_HEAP | XMSG_MSGF_PROXY), px.flags);
	EXPECT_EQ(m.offset + 100, px.offset);
	EXPECT_EQ(-EBUSY, xm_heap_msg_unmake(self->x, m.handle, &c2));
	EXPECT_EQ(0, xm_msg_rel(self->x, px.handle));
	ASSERT_EQ(0, xm_heap_msg_unmake(self->x, m.handle, &c2));
	EXPECT_EQ(m.offset, c2.offset);
	EXPECT_EQ(300u, c2.length);
	EXPECT_EQ(-EBADF, xm_msg_rel(self->x, m.handle));
	EXPECT_EQ(2u, chunks_out(self->x, self->heap));
	EXPECT_EQ(0, xm_heap_chunk_free(self->x, c2.handle));
	EXPECT_EQ(-EBADF, xm_heap_chunk_free(self->x, c2.handle));
	EXPECT_EQ(1u, chunks_out(self->x, self->heap));
	/* closing a chunk handle frees it too */
	EXPECT_EQ(0, xm_handle_close(self->x, other.handle));
	EXPECT_EQ(-EBADF, xm_heap_chunk_free(self->x, other.handle));
	ASSERT_EQ(0, xm_heap_info(self->x, self->heap, &hi));
	EXPECT_EQ(0u, hi.chunks_out);
	EXPECT_EQ(HEAP_SIZE, hi.free);
}

/* Destroy is refused while a chunk is out or the heap is mapped. */
TEST_F(heap, destroy_busy_like_a_pool)
{
	struct xmsg_handle_op op = { .size = sizeof(op) };
	struct xm_msg m;
	void *base;
	size_t size;

	ASSERT_EQ(0, xm_heap_msg_get(self->x, self->heap, 10, &m));
	EXPECT_EQ(-EBUSY, xm_destroy(self->x, self->heap));
	EXPECT_EQ(0, xm_msg_rel(self->x, m.handle));
	base = mmap(NULL, HEAP_SIZE, PROT_READ, MAP_SHARED, xm_fd(self->x),
		    (off_t)XMSG_MMAP_OFFSET(self->heap));
	ASSERT_NE(MAP_FAILED, base);
	op.handle = self->heap;
	EXPECT_EQ(-1, ioctl(xm_fd(self->x), XMSG_IOC_DESTROY, &op));
	EXPECT_EQ(EBUSY, errno);
	/* beyond the region, private: refused */
	EXPECT_EQ(MAP_FAILED, mmap(NULL, HEAP_SIZE + 4096, PROT_READ,
				   MAP_SHARED, xm_fd(self->x),
				   (off_t)XMSG_MMAP_OFFSET(self->heap)));
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 4096, PROT_READ, MAP_PRIVATE,
				   xm_fd(self->x),
				   (off_t)XMSG_MMAP_OFFSET(self->heap)));
	EXPECT_EQ(0, munmap(base, HEAP_SIZE));
	ASSERT_EQ(0, xm_pool_map(self->x, self->heap, &base, &size));
	EXPECT_EQ(HEAP_SIZE, size);
	EXPECT_EQ(0, xm_destroy(self->x, self->heap));	/* unmaps ours */
	self->heap = 0;
	EXPECT_EQ(-ENOENT, xm_heap_open(self->x, self->hname, XMSG_ACC_READ));
}

/* Another uid without rights is refused; with read only, it cannot write. */
TEST_F(heap, other_uid_refused)
{
	char pub[XMSG_NAME_MAX];
	int hpub, st;
	pid_t pid;

	if (getuid() != 0)
		SKIP(return, "needs root to become nobody");
	hpub = xm_heap_create(self->x, xt_name(pub, "hpub"), 8192, 0, 0644,
			      XMSG_CREATE_EXCL);
	ASSERT_LT(0, hpub);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct xm *x = xt_become_nobody(self->x);
		struct xm_msg m;
		int h;

		CHILD_CHECK(xm_heap_open(x, self->hname, XMSG_ACC_READ) ==
			    -EACCES, 10);
		CHILD_CHECK(xm_heap_create(x, self->hname, 4096, 0, 0666, 0) ==
			    -EACCES, 11);
		CHILD_CHECK(xm_heap_open(x, pub, XMSG_ACC_RDWR) == -EACCES,
			    12);
		h = xm_heap_open(x, pub, XMSG_ACC_READ);
		CHILD_CHECK(h > 0, 13);
		CHILD_CHECK(xm_heap_msg_get(x, h, 10, &m) == -EACCES, 14);
		CHILD_CHECK(xm_heap_chunk_get(x, h, 10, &m) == -EACCES, 15);
		CHILD_CHECK(mmap(NULL, 8192, PROT_READ | PROT_WRITE,
				 MAP_SHARED, xm_fd(x),
				 (off_t)XMSG_MMAP_OFFSET(h)) == MAP_FAILED &&
			    errno == EACCES, 16);
		CHILD_CHECK(xm_destroy(x, h) == -EPERM, 17);
		xm_close(x);
		_exit(0);
	}
	st = xt_wait(pid);
	EXPECT_EQ(0, st);
	EXPECT_EQ(0u, chunks_out(self->x, hpub));
	EXPECT_EQ(0, xm_destroy(self->x, hpub));
}

/* Heap names are per IPC namespace, as every object's. */
TEST_F(heap, ipc_namespace_scoped)
{
	pid_t pid;

	if (getuid() != 0)
		SKIP(return, "needs root for unshare(CLONE_NEWIPC)");
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct xm *x;
		int h;

		xm_close(self->x);
		CHILD_CHECK(unshare(CLONE_NEWIPC) == 0, 10);
		CHILD_CHECK(xm_open(&x, NULL) == 0, 11);
		CHILD_CHECK(xm_heap_open(x, self->hname, XMSG_ACC_READ) ==
			    -ENOENT, 12);
		/* the same name is free here */
		h = xm_heap_create(x, self->hname, 4096, 0, 0600,
				   XMSG_CREATE_EXCL);
		CHILD_CHECK(h > 0, 13);
		CHILD_CHECK(xm_destroy(x, h) == 0, 14);
		xm_close(x);
		_exit(0);
	}
	EXPECT_EQ(0, xt_wait(pid));
	EXPECT_LT(0, xm_heap_open(self->x, self->hname, XMSG_ACC_READ));
}

/* kill -9 of a process holding messages, chunks and a mapping: all back. */
TEST_F(heap, kill9_gives_everything_back)
{
	struct xmsg_info in;
	int pfd[2], st;
	uint64_t v;
	pid_t pid;

	ASSERT_EQ(0, pipe(pfd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct xm *x;
		struct xm_msg m;
		uint32_t mh = 0;
		int h, i;

		xm_close(self->x);
		CHILD_CHECK(xm_open(&x, NULL) == 0, 10);
		h = xm_heap_open(x, self->hname, XMSG_ACC_RDWR);
		CHILD_CHECK(h > 0, 11);
		for (i = 0; i < 20; i++) {
			CHILD_CHECK(xm_heap_msg_get(x, h, 100 + i * 37, &m) ==
				    0, 12);
			memset(m.body, i, m.length);
			mh = m.handle;
			CHILD_CHECK(xm_heap_chunk_get(x, h, 1 + i * 11, &m) ==
				    0, 13);
		}
		CHILD_CHECK(xm_msg_proxy(x, mh, 0, 0, &m) == 0, 14);
		CHILD_CHECK(xt_put(pfd[1], 40) == 0, 15);
		for (;;)
			pause();
	}
	close(pfd[1]);
	ASSERT_EQ(0, xt_get(pfd[0], &v));
	close(pfd[0]);
	EXPECT_EQ(40u, chunks_out(self->x, self->heap));
	ASSERT_EQ(0, kill(pid, SIGKILL));
	st = xt_wait(pid);
	EXPECT_EQ(1000 + SIGKILL, st);
	EXPECT_EQ(0, XT_WAIT_INFO(self->x, self->heap, in,
				  in.u.heap.chunks_out == 0 &&
				  in.u.heap.mapped == 0, 5000));
	EXPECT_EQ(HEAP_SIZE, in.u.heap.free);
	/* and it is idle: destroy succeeds */
	EXPECT_EQ(0, xm_destroy(self->x, self->heap));
	self->heap = 0;
}

TEST_HARNESS_MAIN
