// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl_test: every /dev/xmsg ioctl through raw system calls (no libxmsg):
 * a success case and each documented error, garbage in every field,
 * "a failed call changes nothing", mmap bounds and rights, poll fds, the
 * combined call, per-file handles, close releases everything, destroy,
 * permissions (as nobody), namespaces, a receive killed by SIGKILL.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/xmsg.h>

/* The harness compares ints with our unsigned fields. */
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wmisleading-indentation"
#include "kselftest_harness.h"
#include "xt_param.h"

#define DEV	"/dev/xmsg"
#define NOBODY	65534
#define BS	256
#define COUNT	16

static int xopen(void)
{
	return open(DEV, O_RDWR | O_CLOEXEC);
}

static int xioc(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? -errno : 0;
}

#define INIT(s) do { memset(&(s), 0, sizeof(s)); (s).size = sizeof(s); } while (0)

static char *xname(char *buf, const char *tag)
{
	snprintf(buf, XMSG_NAME_MAX, "it%d.%s", (int)getpid(), tag);
	return buf;
}

/* Copy a name, zero-filling the rest (a longer one stays unterminated). */
static void setname(char *dst, const char *src)
{
	memset(dst, 0, XMSG_NAME_MAX);
	memcpy(dst, src, strnlen(src, XMSG_NAME_MAX));
}

/* XMSG_IOC_POOL_CREATE with every parameter. */
static int pool_create_align(int fd, const char *name, __u32 bs, __u32 count,
			     __u32 align, __u32 mode, __u32 flags, __u32 *h)
{
	struct xmsg_pool_create pc;
	int err;

	INIT(pc);
	pc.flags = flags;
	setname(pc.name, name);
	pc.mode = mode;
	pc.access = XMSG_ACC_RDWR;
	pc.block_size = bs;
	pc.count = count;
	pc.align = align;
	err = xioc(fd, XMSG_IOC_POOL_CREATE, &pc);
	if (!err && h)
		*h = pc.handle;
	return err;
}

static int pool_create(int fd, const char *name, __u32 bs, __u32 count,
		       __u32 mode, __u32 flags, __u32 *h)
{
	return pool_create_align(fd, name, bs, count, 0, mode, flags, h);
}

/* XMSG_IOC_XCHG_CREATE with every parameter; *@res the result, if asked. */
static int xchg_create_full(int fd, const char *name, __u32 kind,
			    __u32 flags, __u32 limit, __u32 mode, __u32 *h,
			    __u32 *res)
{
	struct xmsg_xchg_create xc;
	int err;

	INIT(xc);
	if (name)
		setname(xc.name, name);
	xc.flags = flags;
	xc.mode = mode;
	xc.access = XMSG_ACC_RDWR;
	xc.kind = kind;
	xc.limit = limit;
	err = xioc(fd, XMSG_IOC_XCHG_CREATE, &xc);
	if (!err && h)
		*h = xc.handle;
	if (!err && res)
		*res = xc.result;
	return err;
}

static int xchg_create(int fd, const char *name, __u32 kind, __u32 mode,
		       __u32 *h)
{
	return xchg_create_full(fd, name, kind, 0, 0, mode, h, NULL);
}

static int sem_create(int fd, const char *name, __u32 kind, __u32 count,
		      __u32 thr, __u32 *h)
{
	struct xmsg_sem_create sc;
	int err;

	INIT(sc);
	if (name)
		setname(sc.name, name);
	sc.mode = 0600;
	sc.access = XMSG_ACC_RDWR;
	sc.kind = kind;
	sc.count = count;
	sc.threshold = thr;
	err = xioc(fd, XMSG_IOC_SEM_CREATE, &sc);
	if (!err && h)
		*h = sc.handle;
	return err;
}

static int xopen_obj(int fd, __u32 type, const char *name, __u32 access,
		     __u32 *h)
{
	struct xmsg_open op;
	int err;

	INIT(op);
	setname(op.name, name);
	op.type = type;
	op.access = access;
	err = xioc(fd, XMSG_IOC_OPEN, &op);
	if (!err && h)
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

static int info(int fd, __u32 h, struct xmsg_info *in)
{
	INIT(*in);
	in->handle = h;
	return xioc(fd, XMSG_IOC_INFO, in);
}

static long long pool_free(int fd, __u32 pool)
{
	struct xmsg_info in;

	if (info(fd, pool, &in))
		return -1;
	return in.u.pool.free;
}

static int buf(int fd, unsigned long cmd, __u32 src, struct xmsg_buf *b)
{
	INIT(*b);
	b->src = src;
	return xioc(fd, cmd, b);
}

static int msg_get(int fd, __u32 pool, __u32 *m)
{
	struct xmsg_buf b;
	int err = buf(fd, XMSG_IOC_MSG_GET, pool, &b);

	if (!err)
		*m = b.dst;
	return err;
}

/* XMSG_IOC_SEND with @flags (and @timeout for XMSG_SEND_WAIT). */
static int xsend_full(int fd, __u32 x, __u32 m, __u32 prio, __u32 reply,
		      __u32 flags, long long timeout)
{
	struct xmsg_send s;

	INIT(s);
	s.flags = flags;
	s.xchg = x;
	s.msg = m;
	s.prio = prio;
	s.reply = reply;
	s.timeout_ns = timeout;
	return xioc(fd, XMSG_IOC_SEND, &s);
}

static int xsend(int fd, __u32 x, __u32 m, __u32 prio, __u32 reply)
{
	return xsend_full(fd, x, m, prio, reply, 0, 0);
}

static int xrecv(int fd, __u32 x, long long timeout, struct xmsg_recv *r)
{
	INIT(*r);
	r->xchg = x;
	r->timeout_ns = timeout;
	return xioc(fd, XMSG_IOC_RECV, r);
}

static int sem_op(int fd, unsigned long cmd, __u32 h, __u32 flags,
		  long long timeout)
{
	struct xmsg_sem_op op;

	INIT(op);
	op.handle = h;
	op.flags = flags;
	op.timeout_ns = timeout;
	return xioc(fd, cmd, &op);
}

static void *xmap(int fd, __u32 pool, size_t len, int prot)
{
	return mmap(NULL, len, prot, MAP_SHARED, fd, XMSG_MMAP_OFFSET(pool));
}

/* Destroy a named object from a fresh file (cleanup; errors ignored). */
static void destroy_name(__u32 type, const char *name)
{
	int fd = xopen();
	__u32 h;

	if (fd < 0)
		return;
	if (!xopen_obj(fd, type, name, XMSG_ACC_READ, &h))
		hop(fd, XMSG_IOC_DESTROY, h);
	close(fd);
}

/* Child helpers: exit codes tell the parent what failed. */
#define CHK(cond, code) do { if (!(cond)) _exit(code); } while (0)

static int wait_child(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		return -1;
	if (WIFSIGNALED(st))
		return 1000 + WTERMSIG(st);
	return WEXITSTATUS(st);
}

static void become_nobody(void)
{
	CHK(setgroups(0, NULL) == 0, 90);
	CHK(setgid(NOBODY) == 0, 91);
	CHK(setuid(NOBODY) == 0, 92);
}

FIXTURE(x) {
	int fd;
	__u32 pool, xchg;
	char pname[XMSG_NAME_MAX], xname[XMSG_NAME_MAX];
	size_t region;
};

FIXTURE_SETUP(x)
{
	struct xmsg_info in;

	if (access(DEV, R_OK | W_OK))
		SKIP(return, "no " DEV " (xmsg.ko not loaded)");
	self->fd = xopen();
	ASSERT_LE(0, self->fd);
	xname(self->pname, "pool");
	xname(self->xname, "xchg");
	destroy_name(XMSG_TYPE_POOL, self->pname);
	destroy_name(XMSG_TYPE_XCHG, self->xname);
	ASSERT_EQ(0, pool_create(self->fd, self->pname, BS, COUNT, 0644,
				 XMSG_CREATE_EXCL, &self->pool));
	ASSERT_EQ(0, xchg_create(self->fd, self->xname, XMSG_XCHG_KIND_NORMAL,
				 0622, &self->xchg));
	ASSERT_EQ(0, info(self->fd, self->pool, &in));
	self->region = in.u.pool.region_size;
}

FIXTURE_TEARDOWN(x)
{
	if (self->fd >= 0)
		close(self->fd);
	destroy_name(XMSG_TYPE_XCHG, self->xname);
	destroy_name(XMSG_TYPE_POOL, self->pname);
}

/* ---- generic struct handling ---------------------------------------- */

TEST_F(x, features)
{
	struct xmsg_features f;
	unsigned char big[sizeof(f) + 8];
	unsigned long cmd;

	INIT(f);
	ASSERT_EQ(0, xioc(self->fd, XMSG_IOC_FEATURES, &f));
	EXPECT_EQ(XMSG_API_VERSION, f.api_version);
	EXPECT_EQ(XMSG_NAME_MAX, f.name_max);
	EXPECT_EQ(XMSG_MSG_PRIO_MAX, f.prio_max);
	EXPECT_EQ(XMSG_MMAP_SHIFT, f.mmap_shift);
	EXPECT_TRUE(f.features & XMSG_FEAT_CALL);
	EXPECT_TRUE(f.features & XMSG_FEAT_POLL_FD);
	EXPECT_LT(0, f.max_pools);
	EXPECT_LT(0, f.max_pool_bytes);

	INIT(f);
	f.flags = 1;
	EXPECT_EQ(-EINVAL, xioc(self->fd, XMSG_IOC_FEATURES, &f));
	INIT(f);
	f.reserved[3] = 1;
	EXPECT_EQ(-EINVAL, xioc(self->fd, XMSG_IOC_FEATURES, &f));
	INIT(f);
	f.size = sizeof(f) - 8;		/* != _IOC_SIZE(cmd) */
	EXPECT_EQ(-EINVAL, xioc(self->fd, XMSG_IOC_FEATURES, &f));
	/* an older, smaller struct than version 1 */
	INIT(f);
	f.size = 16;
	cmd = _IOWR(XMSG_IOC_MAGIC, 0, struct { char c[16]; });
	EXPECT_EQ(-EINVAL, xioc(self->fd, cmd, &f));
	/* a newer, larger struct: zero tail fine, non-zero tail E2BIG */
	memset(big, 0, sizeof(big));
	*(__u32 *)big = sizeof(big);
	cmd = _IOWR(XMSG_IOC_MAGIC, 0, unsigned char[sizeof(big)]);
	EXPECT_EQ(0, xioc(self->fd, cmd, big));
	EXPECT_EQ(XMSG_API_VERSION,
		  ((struct xmsg_features *)big)->api_version);
	big[sizeof(big) - 1] = 1;
	EXPECT_EQ(-E2BIG, xioc(self->fd, cmd, big));
	/* unknown command, wrong direction, wrong magic, bad pointer */
	EXPECT_EQ(-ENOTTY, xioc(self->fd, _IOWR(XMSG_IOC_MAGIC, 0x7f,
						struct xmsg_features), &f));
	EXPECT_EQ(-ENOTTY, xioc(self->fd, _IOR(XMSG_IOC_MAGIC, 0,
					       struct xmsg_features), &f));
	EXPECT_EQ(-ENOTTY, xioc(self->fd, _IOWR('x', 0, struct xmsg_features),
				&f));
	/* the magic of API version 1, registered to other drivers upstream */
	EXPECT_EQ(-ENOTTY, xioc(self->fd, _IOWR(0xB8, 0, struct xmsg_features),
				&f));
	EXPECT_EQ(-EFAULT, xioc(self->fd, XMSG_IOC_FEATURES, (void *)8));
}

/* ---- objects --------------------------------------------------------- */

TEST_F(x, pool_create)
{
	struct xmsg_pool_create pc, good;
	char n[XMSG_NAME_MAX];
	long long before = pool_free(self->fd, self->pool);
	__u32 h;

	INIT(good);
	strcpy(good.name, xname(n, "p2"));
	good.mode = 0600;
	good.access = XMSG_ACC_RDWR;
	good.block_size = 100;
	good.count = 10;

	pc = good;
	ASSERT_EQ(0, xioc(self->fd, XMSG_IOC_POOL_CREATE, &pc));
	EXPECT_EQ(XMSG_RESULT_CREATED, pc.result);
	EXPECT_EQ(128, pc.stride);		/* 100 rounded to 64 */
	EXPECT_EQ((size_t)getpagesize(), pc.region_size);
	EXPECT_NE(0, pc.handle);
	h = pc.handle;
	/* again without EXCL: opens it */
	pc = good;
	ASSERT_EQ(0, xioc(self->fd, XMSG_IOC_POOL_CREATE, &pc));
	EXPECT_EQ(0, pc.result);
	EXPECT_NE(h, pc.handle);
	EXPECT_EQ(0, hop(self->fd, XMSG_IOC_CLOSE, pc.handle));
	pc = good;
	pc.flags = XMSG_CREATE_EXCL;
	EXPECT_EQ(-EEXIST, xioc(self->fd, XMSG_IOC_POOL_CREATE, &pc));

#define BAD(field_stmt, err) do {					\
		pc = good;						\
		xname(pc.name, "p3");					\
		field_stmt;						\
		EXPECT_EQ(err, xioc(self->fd, XMSG_IOC_POOL_CREATE, &pc)); \
	} while (0)
	BAD(pc.flags = 2, -EINVAL);
	BAD(pc.reserved[1] = 1, -EINVAL);
	BAD(memset(pc.name, 0, sizeof(pc.name)), -EINVAL); /* pools: named */
	BAD(memset(pc.name, 'a', sizeof(pc.name)), -EINVAL); /* no NUL */
	BAD(strcpy(pc.name, "a/b"), -EINVAL);
	BAD(strcpy(pc.name, ".hidden"), -EINVAL);
	BAD(pc.name[XMSG_NAME_MAX - 1] = 'x', -EINVAL); /* after the NUL */
	BAD(pc.mode = 01000, -EINVAL);
	BAD(pc.access = 0, -EINVAL);
	BAD(pc.access = 4, -EINVAL);
	BAD(pc.block_size = 0, -EINVAL);
	BAD(pc.count = 0, -EINVAL);
	BAD(pc.count = 0xffffffff, -EINVAL);
	BAD(pc.align = 3, -EINVAL);
	BAD(pc.align = getpagesize() * 2, -EINVAL);
	BAD((pc.block_size = 1 << 20, pc.count = 1024), -ENOSPC);
#undef BAD
	/* none of that created p3 */
	EXPECT_EQ(-ENOENT, xopen_obj(self->fd, XMSG_TYPE_POOL, xname(n, "p3"),
				     XMSG_ACC_READ, NULL));
	EXPECT_EQ(0, hop(self->fd, XMSG_IOC_DESTROY, h));
	EXPECT_EQ(before, pool_free(self->fd, self->pool));
}

TEST_F(x, xchg_and_sem_create)
{
	struct xmsg_xchg_create xc;
	struct xmsg_sem_create sc;
	struct xmsg_info in;
	char n[XMSG_NAME_MAX];
	__u32 a, s;

	/* anonymous exchange */
	ASSERT_EQ(0, xchg_create(self->fd, NULL, XMSG_XCHG_KIND_BCAST, 0, &a));
	ASSERT_EQ(0, info(self->fd, a, &in));
	EXPECT_EQ(XMSG_TYPE_XCHG, in.type);
	EXPECT_EQ(XMSG_XCHG_KIND_BCAST, in.u.xchg.kind);
	EXPECT_EQ(0, in.name[0]);
	EXPECT_EQ(XMSG_ACC_RDWR, in.rights);
	EXPECT_EQ(0, xchg_create(self->fd, self->xname, 0, 0600, NULL));
	INIT(xc);
	strcpy(xc.name, self->xname);
	xc.flags = XMSG_CREATE_EXCL;
	xc.access = XMSG_ACC_READ;
	EXPECT_EQ(-EEXIST, xioc(self->fd, XMSG_IOC_XCHG_CREATE, &xc));
	INIT(xc);
	xc.access = XMSG_ACC_READ;
	xc.kind = 3;
	EXPECT_EQ(-EINVAL, xioc(self->fd, XMSG_IOC_XCHG_CREATE, &xc));
	xc.kind = 0;
	xc.limit = (1 << 20) + 1;
	EXPECT_EQ(-EINVAL, xioc(self->fd, XMSG_IOC_XCHG_CREATE, &xc));
	xc.limit = 0;
	xc.reserved[0] = 1;
	EXPECT_EQ(-EINVAL, xioc(self->fd, XMSG_IOC_XCHG_CREATE, &xc));

	/* semaphores: threshold only for threshold kind, gate no count */
	ASSERT_EQ(0, sem_create(self->fd, xname(n, "s"), XMSG_SEM_KIND_COUNT,
				2, 0, &s));
	ASSERT_EQ(0, info(self->fd, s, &in));
	EXPECT_EQ(XMSG_TYPE_SEM, in.type);
	EXPECT_EQ(2, in.u.sem.count);
	EXPECT_EQ(0, strcmp(in.name, n));
	EXPECT_EQ(0600, in.mode);
	EXPECT_EQ(getuid(), in.uid);
	EXPECT_EQ(-EINVAL, sem_create(self->fd, NULL, XMSG_SEM_KIND_COUNT, 0, 1,
				      NULL));
	EXPECT_EQ(-EINVAL, sem_create(self->fd, NULL,
				      XMSG_SEM_KIND_THRESHOLD, 0, 0, NULL));
	EXPECT_EQ(-EINVAL, sem_create(self->fd, NULL, XMSG_SEM_KIND_GATE, 1, 0,
				      NULL));
	EXPECT_EQ(-EINVAL, sem_create(self->fd, NULL, 3, 0, 0, NULL));
	INIT(sc);
	sc.access = XMSG_ACC_RDWR;
	sc.pad = 1;
	EXPECT_EQ(-EINVAL, xioc(self->fd, XMSG_IOC_SEM_CREATE, &sc));
	EXPECT_EQ(0, hop(self->fd, XMSG_IOC_DESTROY, s));
	EXPECT_EQ(0, hop(self->fd, XMSG_IOC_CLOSE, a));
}

TEST_F(x, open_close)
{
	struct xmsg_open op;
	struct xmsg_info in;
	char n[XMSG_NAME_MAX];
	__u32 h;

	ASSERT_EQ(0, xopen_obj(self->fd, XMSG_TYPE_POOL, self->pname,
			       XMSG_ACC_READ, &h));
	ASSERT_EQ(0, info(self->fd, h, &in));
	EXPECT_EQ(XMSG_ACC_READ, in.rights);
	EXPECT_EQ(COUNT, in.u.pool.count);
	EXPECT_EQ(0, hop(self->fd, XMSG_IOC_CLOSE, h));
	EXPECT_EQ(-EBADF, hop(self->fd, XMSG_IOC_CLOSE, h));
	EXPECT_EQ(-EBADF, hop(self->fd, XMSG_IOC_CLOSE, 0));
	EXPECT_EQ(-EBADF, hop(self->fd, XMSG_IOC_CLOSE, 0x7fffffff));
	EXPECT_EQ(-EBADF, info(self->fd, h, &in));
	/* names are per type */
	EXPECT_EQ(-ENOENT, xopen_obj(self->fd, XMSG_TYPE_SEM, self->pname,
				     XMSG_ACC_READ, NULL));
	EXPECT_EQ(-ENOENT, xopen_obj(self->fd, XMSG_TYPE_POOL, xname(n, "no"),
				     XMSG_ACC_READ, NULL));
	EXPECT_EQ(-EINVAL, xopen_obj(self->fd, XMSG_TYPE_MSG, self->pname,
				     XMSG_ACC_READ, NULL));
	EXPECT_EQ(-EINVAL, xopen_obj(self->fd, 0, self->pname, XMSG_ACC_READ,
				     NULL));
	EXPECT_EQ(-EINVAL, xopen_obj(self->fd, XMSG_TYPE_POOL, self->pname, 0,
				     NULL));
	EXPECT_EQ(-EINVAL, xopen_obj(self->fd, XMSG_TYPE_POOL, "", 1, NULL));
	INIT(op);
	strcpy(op.name, self->pname);
	op.type = XMSG_TYPE_POOL;
	op.access = XMSG_ACC_READ;
	op.pad = 1;
	EXPECT_EQ(-EINVAL, xioc(self->fd, XMSG_IOC_OPEN, &op));
	op.pad = 0;
	op.flags = 1;
	EXPECT_EQ(-EINVAL, xioc(self->fd, XMSG_IOC_OPEN, &op));
	{
		struct xmsg_handle_op ho;

		INIT(ho);
		ho.handle = self->xchg;
		ho.flags = 1;
		EXPECT_EQ(-EINVAL, xioc(self->fd, XMSG_IOC_CLOSE, &ho));
		ho.flags = 0;
		ho.reserved[1] = 1;
		EXPECT_EQ(-EINVAL, xioc(self->fd, XMSG_IOC_CLOSE, &ho));
	}
	/* the exchange is still there after the bad closes */
	EXPECT_EQ(0, info(self->fd, self->xchg, &in));
}

TEST_F(x, list)
{
	struct xmsg_list_entry ents[64];
	struct xmsg_list ls;
	int found = 0, i, pages = 0;

	INIT(ls);
	ls.type = XMSG_TYPE_POOL;
	ls.count = 64;
	ls.entries = (uintptr_t)ents;
	ls.entry_size = sizeof(ents[0]);
	ASSERT_EQ(0, xioc(self->fd, XMSG_IOC_LIST, &ls));
	for (i = 0; i < (int)ls.count; i++) {
		EXPECT_EQ(XMSG_TYPE_POOL, ents[i].type);
		if (!strcmp(ents[i].name, self->pname)) {
			found++;
			EXPECT_EQ(0644, ents[i].mode);
		}
	}
	EXPECT_EQ(1, found);
	/* one at a time with the cursor: the exchange shows up */
	found = 0;
	INIT(ls);
	ls.entry_size = sizeof(ents[0]);
	ls.entries = (uintptr_t)ents;
	do {
		ls.count = 1;
		ASSERT_EQ(0, xioc(self->fd, XMSG_IOC_LIST, &ls));
		if (ls.count && !strcmp(ents[0].name, self->xname))
			found++;
		ASSERT_GT(10000, ++pages);
	} while (ls.cursor);
	EXPECT_EQ(1, found);
	INIT(ls);
	ls.entry_size = 8;
	EXPECT_EQ(-EINVAL, xioc(self->fd, XMSG_IOC_LIST, &ls));
	INIT(ls);
	ls.entry_size = sizeof(ents[0]);
	ls.type = 4;
	EXPECT_EQ(-EINVAL, xioc(self->fd, XMSG_IOC_LIST, &ls));
	ls.type = 0;
	ls.count = 1;
	ls.entries = 8;
	EXPECT_EQ(-EFAULT, xioc(self->fd, XMSG_IOC_LIST, &ls));
}

/* ---- blocks and messages --------------------------------------------- */

TEST_F(x, block_get_rel)
{
	struct xmsg_buf b, bs[COUNT];
	__u32 ro;
	int i;

	ASSERT_EQ(0, buf(self->fd, XMSG_IOC_BLOCK_GET, self->pool, &b));
	EXPECT_EQ(self->pool, b.pool);
	EXPECT_EQ(BS, b.length);
	EXPECT_GT(self->region, b.offset);
	EXPECT_EQ(0, b.offset % BS);
	EXPECT_EQ(COUNT - 1, pool_free(self->fd, self->pool));
	EXPECT_EQ(0, buf(self->fd, XMSG_IOC_BLOCK_REL, b.dst, &b));
	EXPECT_EQ(COUNT, pool_free(self->fd, self->pool));
	EXPECT_EQ(-EBADF, buf(self->fd, XMSG_IOC_BLOCK_REL, b.dst, &b));

	/* errors change nothing */
	ASSERT_EQ(0, xopen_obj(self->fd, XMSG_TYPE_POOL, self->pname,
			       XMSG_ACC_READ, &ro));
	EXPECT_EQ(-EACCES, buf(self->fd, XMSG_IOC_BLOCK_GET, ro, &b));
	EXPECT_EQ(-EINVAL, buf(self->fd, XMSG_IOC_BLOCK_GET, self->xchg, &b));
	EXPECT_EQ(-EBADF, buf(self->fd, XMSG_IOC_BLOCK_GET, 9999, &b));
	EXPECT_EQ(-EBADF, buf(self->fd, XMSG_IOC_BLOCK_GET, 0, &b));
	EXPECT_EQ(-EINVAL, buf(self->fd, XMSG_IOC_BLOCK_REL, self->pool, &b));
	INIT(b);
	b.src = self->pool;
	b.flags = 1;
	EXPECT_EQ(-EINVAL, xioc(self->fd, XMSG_IOC_BLOCK_GET, &b));
	b.flags = 0;
	b.slice_length = 1;
	EXPECT_EQ(-EINVAL, xioc(self->fd, XMSG_IOC_BLOCK_GET, &b));
	b.slice_length = 0;
	b.reserved[0] = 1;
	EXPECT_EQ(-EINVAL, xioc(self->fd, XMSG_IOC_BLOCK_GET, &b));
	EXPECT_EQ(COUNT, pool_free(self->fd, self->pool));

	/* exhaust: distinct blocks, then -ENOBUFS */
	for (i = 0; i < COUNT; i++)
		ASSERT_EQ(0, buf(self->fd, XMSG_IOC_BLOCK_GET, self->pool,
				 &bs[i]));
	for (i = 1; i < COUNT; i++)
		EXPECT_NE(bs[0].offset, bs[i].offset);
	EXPECT_EQ(-ENOBUFS, buf(self->fd, XMSG_IOC_BLOCK_GET, self->pool, &b));
	EXPECT_EQ(-ENOBUFS, buf(self->fd, XMSG_IOC_MSG_GET, self->pool, &b));
	EXPECT_EQ(-ENOBUFS, buf(self->fd, XMSG_IOC_BCB_GET, self->pool, &b));
	EXPECT_EQ(0, pool_free(self->fd, self->pool));
	for (i = 0; i < COUNT; i++)
		ASSERT_EQ(0, buf(self->fd, XMSG_IOC_BLOCK_REL, bs[i].dst, &b));
	EXPECT_EQ(COUNT, pool_free(self->fd, self->pool));
}

TEST_F(x, bcb_make_unmake)
{
	struct xmsg_buf b, c, d;
	struct xmsg_info in;

	ASSERT_EQ(0, buf(self->fd, XMSG_IOC_BCB_GET, self->pool, &b));
	ASSERT_EQ(0, info(self->fd, b.dst, &in));
	EXPECT_EQ(XMSG_TYPE_BCB, in.type);
	EXPECT_EQ(b.offset, in.u.buf.offset);
	EXPECT_EQ(0, buf(self->fd, XMSG_IOC_BCB_REL, b.dst, &b));
	EXPECT_EQ(COUNT, pool_free(self->fd, self->pool));

	ASSERT_EQ(0, buf(self->fd, XMSG_IOC_BLOCK_GET, self->pool, &b));
	ASSERT_EQ(0, buf(self->fd, XMSG_IOC_BCB_MAKE, b.dst, &c));
	EXPECT_EQ(b.offset, c.offset);		/* no copy: same block */
	EXPECT_EQ(-EBADF, buf(self->fd, XMSG_IOC_BLOCK_REL, b.dst, &d));
	EXPECT_EQ(-EINVAL, buf(self->fd, XMSG_IOC_BCB_MAKE, c.dst, &d));
	EXPECT_EQ(-EINVAL, buf(self->fd, XMSG_IOC_BCB_UNMAKE, self->pool, &d));
	ASSERT_EQ(0, buf(self->fd, XMSG_IOC_BCB_UNMAKE, c.dst, &d));
	EXPECT_EQ(b.offset, d.offset);
	EXPECT_EQ(-EBADF, buf(self->fd, XMSG_IOC_BCB_REL, c.dst, &b));
	EXPECT_EQ(COUNT - 1, pool_free(self->fd, self->pool));
	EXPECT_EQ(0, buf(self->fd, XMSG_IOC_BLOCK_REL, d.dst, &b));
	EXPECT_EQ(COUNT, pool_free(self->fd, self->pool));
}

TEST_F(x, msg_make_unmake_proxy)
{
	struct xmsg_buf b, m, p, q, u;
	struct xmsg_info in;

	ASSERT_EQ(0, buf(self->fd, XMSG_IOC_BLOCK_GET, self->pool, &b));
	ASSERT_EQ(0, buf(self->fd, XMSG_IOC_MSG_MAKE, b.dst, &m));
	EXPECT_EQ(b.offset, m.offset);
	EXPECT_EQ(BS, m.length);
	EXPECT_EQ(0, m.msg_flags);
	/* proxy of a slice, and a proxy of that proxy */
	INIT(p);
	p.src = m.dst;
	p.slice_offset = 16;
	p.slice_length = 32;
	ASSERT_EQ(0, xioc(self->fd, XMSG_IOC_MSG_PROXY, &p));
	EXPECT_EQ(m.offset + 16, p.offset);
	EXPECT_EQ(32, p.length);
	EXPECT_EQ(XMSG_MSGF_PROXY, p.msg_flags);
	INIT(q);
	q.src = p.dst;
	q.slice_offset = 8;
	ASSERT_EQ(0, xioc(self->fd, XMSG_IOC_MSG_PROXY, &q));
	EXPECT_EQ(m.offset + 24, q.offset);
	EXPECT_EQ(24, q.length);
	EXPECT_EQ(0, hop(self->fd, XMSG_IOC_CLOSE, q.dst));
	/* bad slices */
	INIT(q);
	q.src = m.dst;
	q.slice_offset = BS;
	EXPECT_EQ(-EINVAL, xioc(self->fd, XMSG_IOC_MSG_PROXY, &q));
	q.slice_offset = 8;
	q.slice_length = BS;
	EXPECT_EQ(-EINVAL, xioc(self->fd, XMSG_IOC_MSG_PROXY, &q));
	q.slice_offset = 0;
	q.slice_length = 0;
	q.src = 0x7ffffff0;		/* never a handle here */
	EXPECT_EQ(-EBADF, xioc(self->fd, XMSG_IOC_MSG_PROXY, &q));
	/* the bare block handle was consumed by make (its number may be
	 * reused, like a file descriptor's: p took it)
	 */
	EXPECT_EQ(b.dst, p.dst);
	/* unmake: not while a proxy lives; never a proxy */
	EXPECT_EQ(-EBUSY, buf(self->fd, XMSG_IOC_MSG_UNMAKE, m.dst, &u));
	EXPECT_EQ(-EINVAL, buf(self->fd, XMSG_IOC_MSG_UNMAKE, p.dst, &u));
	ASSERT_EQ(0, info(self->fd, p.dst, &in));
	EXPECT_EQ(XMSG_TYPE_MSG, in.type);
	EXPECT_EQ(XMSG_MSGF_PROXY, in.u.buf.msg_flags);
	/* release the real message first: the body lives on */
	EXPECT_EQ(0, buf(self->fd, XMSG_IOC_MSG_REL, m.dst, &u));
	EXPECT_EQ(COUNT - 1, pool_free(self->fd, self->pool));
	EXPECT_EQ(0, hop(self->fd, XMSG_IOC_CLOSE, p.dst));
	EXPECT_EQ(COUNT, pool_free(self->fd, self->pool));

	/* get + unmake + rel */
	ASSERT_EQ(0, buf(self->fd, XMSG_IOC_MSG_GET, self->pool, &m));
	ASSERT_EQ(0, buf(self->fd, XMSG_IOC_MSG_UNMAKE, m.dst, &u));
	EXPECT_EQ(m.offset, u.offset);
	EXPECT_EQ(-EBADF, buf(self->fd, XMSG_IOC_MSG_REL, m.dst, &b));
	EXPECT_EQ(-EINVAL, buf(self->fd, XMSG_IOC_MSG_REL, u.dst, &b));
	EXPECT_EQ(0, buf(self->fd, XMSG_IOC_BLOCK_REL, u.dst, &b));
	EXPECT_EQ(COUNT, pool_free(self->fd, self->pool));
}

/* ---- mmap ------------------------------------------------------------ */

TEST_F(x, mmap_bounds_and_rights)
{
	long pg = getpagesize();
	struct xmsg_info in;
	struct xmsg_buf b;
	char *p;
	__u32 ro;

	p = xmap(self->fd, self->pool, self->region, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, info(self->fd, self->pool, &in));
	EXPECT_EQ(1, in.u.pool.mapped);
	ASSERT_EQ(0, buf(self->fd, XMSG_IOC_BLOCK_GET, self->pool, &b));
	memset(p + b.offset, 0x5a, b.length);
	EXPECT_EQ(0, munmap(p, self->region));
	ASSERT_EQ(0, info(self->fd, self->pool, &in));
	EXPECT_EQ(0, in.u.pool.mapped);
	/* the block kept its bytes: map read-only and look */
	ASSERT_EQ(0, xopen_obj(self->fd, XMSG_TYPE_POOL, self->pname,
			       XMSG_ACC_READ, &ro));
	p = xmap(self->fd, ro, self->region, PROT_READ);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(0x5a, p[b.offset + b.length - 1]);
	EXPECT_EQ(-1, mprotect(p, self->region, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	munmap(p, self->region);
	EXPECT_EQ(MAP_FAILED, xmap(self->fd, ro, self->region, PROT_WRITE));
	EXPECT_EQ(EACCES, errno);
	/* beyond the region, bad offsets, private, not a pool, unknown */
	EXPECT_EQ(MAP_FAILED, xmap(self->fd, self->pool, self->region + pg,
				   PROT_READ));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, pg, PROT_READ, MAP_SHARED, self->fd,
				   XMSG_MMAP_OFFSET(self->pool) + pg));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, pg, PROT_READ, MAP_PRIVATE, self->fd,
				   XMSG_MMAP_OFFSET(self->pool)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, xmap(self->fd, self->xchg, pg, PROT_READ));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(MAP_FAILED, xmap(self->fd, 4242, pg, PROT_READ));
	EXPECT_EQ(EBADF, errno);
	ASSERT_EQ(0, info(self->fd, self->pool, &in));
	EXPECT_EQ(0, in.u.pool.mapped);
	EXPECT_EQ(0, buf(self->fd, XMSG_IOC_BLOCK_REL, b.dst, &b));
}

/* ---- send, receive, reply, call -------------------------------------- */

TEST_F(x, send_recv)
{
	struct xmsg_recv r;
	struct xmsg_send s;
	struct xmsg_info in;
	struct xmsg_buf b;
	__u32 m[3], ro, wo, blk;
	char *p;
	int i;

	p = xmap(self->fd, self->pool, self->region, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, p);
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, buf(self->fd, XMSG_IOC_MSG_GET, self->pool, &b));
		m[i] = b.dst;
		snprintf(p + b.offset, BS, "msg %d", i);
	}
	/* priorities: 1 (prio 5) first, then 0 and 2 (prio 0) in order */
	ASSERT_EQ(0, xsend(self->fd, self->xchg, m[0], 0, 0));
	ASSERT_EQ(0, xsend(self->fd, self->xchg, m[1], 5, 0));
	ASSERT_EQ(0, xsend(self->fd, self->xchg, m[2], 0, 0));
	EXPECT_EQ(-EBADF, buf(self->fd, XMSG_IOC_MSG_REL, m[0], &b));
	ASSERT_EQ(0, info(self->fd, self->xchg, &in));
	EXPECT_EQ(3, in.u.xchg.queued);
	ASSERT_EQ(0, xrecv(self->fd, self->xchg, 0, &r));
	EXPECT_EQ(5, r.prio);
	EXPECT_STREQ("msg 1", p + r.offset);
	EXPECT_EQ(self->pool, r.pool);
	EXPECT_EQ(BS, r.length);
	EXPECT_EQ(0, r.reply);
	ASSERT_EQ(0, buf(self->fd, XMSG_IOC_MSG_REL, r.msg, &b));
	ASSERT_EQ(0, xrecv(self->fd, self->xchg, 0, &r));
	EXPECT_STREQ("msg 0", p + r.offset);
	ASSERT_EQ(0, buf(self->fd, XMSG_IOC_MSG_REL, r.msg, &b));
	ASSERT_EQ(0, xrecv(self->fd, self->xchg, XMSG_TIMEOUT_FOREVER, &r));
	EXPECT_STREQ("msg 2", p + r.offset);
	m[0] = r.msg;

	/* empty: -EAGAIN, -ETIMEDOUT (relative, absolute in the past) */
	EXPECT_EQ(-EAGAIN, xrecv(self->fd, self->xchg, 0, &r));
	EXPECT_EQ(-ETIMEDOUT, xrecv(self->fd, self->xchg, 10000000, &r));
	INIT(r);
	r.xchg = self->xchg;
	r.flags = XMSG_TIMEOUT_ABS;
	r.timeout_ns = 1;
	EXPECT_EQ(-ETIMEDOUT, xioc(self->fd, XMSG_IOC_RECV, &r));
	r.timeout_ns = 0;
	EXPECT_EQ(-EINVAL, xioc(self->fd, XMSG_IOC_RECV, &r));
	EXPECT_EQ(-EINVAL, xrecv(self->fd, self->xchg, -2, &r));
	INIT(r);
	r.xchg = self->xchg;
	r.flags = 0x80;
	EXPECT_EQ(-EINVAL, xioc(self->fd, XMSG_IOC_RECV, &r));
	r.flags = 0;
	r.reserved[0] = 1;
	EXPECT_EQ(-EINVAL, xioc(self->fd, XMSG_IOC_RECV, &r));
	EXPECT_EQ(-EBADF, xrecv(self->fd, 777, 0, &r));
	EXPECT_EQ(-EINVAL, xrecv(self->fd, self->pool, 0, &r));

	/* bad sends change nothing: the message stays ours */
	ASSERT_EQ(0, xopen_obj(self->fd, XMSG_TYPE_XCHG, self->xname,
			       XMSG_ACC_READ, &ro));
	ASSERT_EQ(0, xopen_obj(self->fd, XMSG_TYPE_XCHG, self->xname,
			       XMSG_ACC_WRITE, &wo));
	EXPECT_EQ(-EACCES, xsend(self->fd, ro, m[0], 0, 0));
	EXPECT_EQ(-EACCES, xrecv(self->fd, wo, 0, &r));
	EXPECT_EQ(-EINVAL, xsend(self->fd, self->xchg, m[0], 32, 0));
	EXPECT_EQ(-EINVAL, xsend(self->fd, self->pool, m[0], 0, 0));
	EXPECT_EQ(-EBADF, xsend(self->fd, 555, m[0], 0, 0));
	EXPECT_EQ(-EBADF, xsend(self->fd, self->xchg, 555, 0, 0));
	EXPECT_EQ(-EBADF, xsend(self->fd, self->xchg, m[0], 0, 555));
	EXPECT_EQ(-EINVAL, xsend(self->fd, self->xchg, m[0], 0, self->pool));
	ASSERT_EQ(0, buf(self->fd, XMSG_IOC_BLOCK_GET, self->pool, &b));
	blk = b.dst;
	EXPECT_EQ(-EINVAL, xsend(self->fd, self->xchg, blk, 0, 0));
	INIT(s);
	s.xchg = self->xchg;
	s.msg = m[0];
	s.flags = 1;
	EXPECT_EQ(-EINVAL, xioc(self->fd, XMSG_IOC_SEND, &s));
	s.flags = 0;
	s.reserved[0] = 1;
	EXPECT_EQ(-EINVAL, xioc(self->fd, XMSG_IOC_SEND, &s));
	ASSERT_EQ(0, info(self->fd, self->xchg, &in));
	EXPECT_EQ(0, in.u.xchg.queued);
	ASSERT_EQ(0, info(self->fd, m[0], &in));
	EXPECT_EQ(XMSG_TYPE_MSG, in.type);
	/* a write-only handle may send */
	EXPECT_EQ(0, xsend(self->fd, wo, m[0], 1, 0));
	ASSERT_EQ(0, xrecv(self->fd, ro, 0, &r));
	EXPECT_STREQ("msg 2", p + r.offset);
	EXPECT_EQ(0, buf(self->fd, XMSG_IOC_MSG_REL, r.msg, &b));
	EXPECT_EQ(0, buf(self->fd, XMSG_IOC_BLOCK_REL, blk, &b));
	EXPECT_EQ(COUNT, pool_free(self->fd, self->pool));
	munmap(p, self->region);
}

TEST_F(x, reply_handles)
{
	struct xmsg_recv r, r2;
	struct xmsg_send s;
	struct xmsg_info in;
	struct xmsg_buf b;
	__u32 rx, m, rs;

	ASSERT_EQ(0, xchg_create(self->fd, NULL, 0, 0, &rx));	/* anonymous */
	ASSERT_EQ(0, msg_get(self->fd, self->pool, &m));
	ASSERT_EQ(0, xsend(self->fd, self->xchg, m, 0, rx));
	ASSERT_EQ(0, xrecv(self->fd, self->xchg, 0, &r));
	ASSERT_NE(0, r.reply);
	ASSERT_EQ(0, info(self->fd, r.reply, &in));
	EXPECT_EQ(XMSG_TYPE_XCHG, in.type);
	EXPECT_EQ(XMSG_ACC_WRITE, in.rights);
	EXPECT_TRUE(in.obj_flags & XMSG_OBJF_REPLY);
	EXPECT_EQ(-EPERM, hop(self->fd, XMSG_IOC_DESTROY, r.reply));
	EXPECT_EQ(-EACCES, xrecv(self->fd, r.reply, 0, &r2));
	/* answer with the same message and close the reply handle at once */
	INIT(s);
	s.xchg = r.reply;
	s.msg = r.msg;
	s.flags = XMSG_SEND_CLOSE_XCHG;
	ASSERT_EQ(0, xioc(self->fd, XMSG_IOC_SEND, &s));
	EXPECT_EQ(-EBADF, info(self->fd, r.reply, &in));
	ASSERT_EQ(0, xrecv(self->fd, rx, 0, &r2));
	EXPECT_EQ(r.offset, r2.offset);
	EXPECT_EQ(0, buf(self->fd, XMSG_IOC_MSG_REL, r2.msg, &b));

	/* a semaphore as reply object, signalled with XMSG_SEM_CLOSE */
	ASSERT_EQ(0, sem_create(self->fd, NULL, XMSG_SEM_KIND_COUNT, 0, 0,
				&rs));
	ASSERT_EQ(0, msg_get(self->fd, self->pool, &m));
	ASSERT_EQ(0, xsend(self->fd, self->xchg, m, 0, rs));
	ASSERT_EQ(0, xrecv(self->fd, self->xchg, 0, &r));
	ASSERT_EQ(0, info(self->fd, r.reply, &in));
	EXPECT_EQ(XMSG_TYPE_SEM, in.type);
	EXPECT_EQ(-EAGAIN, sem_op(self->fd, XMSG_IOC_SEM_WAIT, rs, 0, 0));
	EXPECT_EQ(0, sem_op(self->fd, XMSG_IOC_SEM_SIGNAL, r.reply,
			    XMSG_SEM_CLOSE, 0));
	EXPECT_EQ(-EBADF, info(self->fd, r.reply, &in));
	EXPECT_EQ(0, sem_op(self->fd, XMSG_IOC_SEM_WAIT, rs, 0, 0));
	EXPECT_EQ(0, buf(self->fd, XMSG_IOC_MSG_REL, r.msg, &b));
	/* closing the creator's handle of an anonymous exchange destroys it */
	EXPECT_EQ(0, hop(self->fd, XMSG_IOC_CLOSE, rx));
	EXPECT_EQ(0, hop(self->fd, XMSG_IOC_CLOSE, rs));
	EXPECT_EQ(COUNT, pool_free(self->fd, self->pool));
}

TEST_F(x, call)
{
	struct xmsg_call c;
	struct xmsg_info in;
	struct xmsg_buf b;
	__u32 rx, m;
	char *p;
	pid_t pid;

	p = xmap(self->fd, self->pool, self->region, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, xchg_create(self->fd, NULL, 0, 0, &rx));
	ASSERT_EQ(0, msg_get(self->fd, self->pool, &m));

	/* a bad receive side: nothing is sent */
	INIT(c);
	c.send_xchg = self->xchg;
	c.send_msg = m;
	c.recv_xchg = 999;
	EXPECT_EQ(-EBADF, xioc(self->fd, XMSG_IOC_CALL, &c));
	c.recv_xchg = rx;
	c.pad = 1;
	EXPECT_EQ(-EINVAL, xioc(self->fd, XMSG_IOC_CALL, &c));
	c.pad = 0;
	c.timeout_ns = -5;
	EXPECT_EQ(-EINVAL, xioc(self->fd, XMSG_IOC_CALL, &c));
	ASSERT_EQ(0, info(self->fd, m, &in));	/* still ours */
	ASSERT_EQ(0, info(self->fd, self->xchg, &in));
	EXPECT_EQ(0, in.u.xchg.queued);

	/* the server: a child with its own file, answers "pong" */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int fd = xopen();
		struct xmsg_recv r;
		struct xmsg_call sc;
		__u32 x, pool;
		char *q;

		CHK(fd >= 0, 10);
		CHK(!xopen_obj(fd, XMSG_TYPE_XCHG, self->xname, XMSG_ACC_RDWR,
			       &x), 11);
		CHK(!xopen_obj(fd, XMSG_TYPE_POOL, self->pname, XMSG_ACC_RDWR,
			       &pool), 12);
		q = xmap(fd, pool, self->region, PROT_READ | PROT_WRITE);
		CHK(q != MAP_FAILED, 13);
		CHK(!xrecv(fd, x, 5000000000LL, &r), 14);
		CHK(r.pool == pool && r.reply, 15);
		CHK(!strcmp(q + r.offset, "ping"), 16);
		strcpy(q + r.offset, "pong");
		/* reply, and wait (briefly) for the next request: a call */
		INIT(sc);
		sc.flags = XMSG_SEND_CLOSE_XCHG;
		sc.send_xchg = r.reply;
		sc.send_msg = r.msg;
		sc.recv_xchg = x;
		sc.timeout_ns = 1000000;
		CHK(xioc(fd, XMSG_IOC_CALL, &sc) == -ETIMEDOUT, 17);
		CHK(sc.result == XMSG_CALL_SENT, 18);
		_exit(0);
	}
	ASSERT_EQ(0, info(self->fd, m, &in));
	strcpy(p + in.u.buf.offset, "ping");
	INIT(c);
	c.send_xchg = self->xchg;
	c.send_msg = m;
	c.send_reply = rx;
	c.recv_xchg = rx;
	c.timeout_ns = 10000000000LL;
	ASSERT_EQ(0, xioc(self->fd, XMSG_IOC_CALL, &c));
	EXPECT_EQ(XMSG_CALL_SENT, c.result);
	EXPECT_STREQ("pong", p + c.offset);
	EXPECT_EQ(self->pool, c.pool);
	EXPECT_EQ(0, wait_child(pid));
	EXPECT_EQ(0, buf(self->fd, XMSG_IOC_MSG_REL, c.msg, &b));
	EXPECT_EQ(COUNT, pool_free(self->fd, self->pool));
	munmap(p, self->region);
}

/* ---- batches --------------------------------------------------------- */

static void xfer_init(struct xmsg_xfer *x, struct xmsg_xfer_send *se,
		      __u32 n, struct xmsg_xfer_recv *re, __u32 max,
		      __u32 rxx, long long timeout)
{
	INIT(*x);
	if (n) {
		x->send = (uintptr_t)se;
		x->send_count = n;
		x->send_size = sizeof(*se);
	}
	if (max) {
		x->recv = (uintptr_t)re;
		x->recv_max = max;
		x->recv_size = sizeof(*re);
		x->recv_xchg = rxx;
		x->timeout_ns = timeout;
	}
}

static __u32 queued(int fd, __u32 xchg)
{
	struct xmsg_info in;

	if (info(fd, xchg, &in))
		return ~0U;
	return in.u.xchg.queued;
}

TEST_F(x, xfer)
{
	struct xmsg_xfer_send se[XMSG_XFER_MAX + 1];
	struct xmsg_xfer_recv re[8];
	struct xmsg_features f;
	struct xmsg_xchg_create xc;
	struct xmsg_xfer a, good;
	struct xmsg_buf b;
	__u32 m[3], x2, bc, ro, small, i;

	INIT(f);
	ASSERT_EQ(0, xioc(self->fd, XMSG_IOC_FEATURES, &f));
	ASSERT_TRUE(f.features & XMSG_FEAT_XFER);
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, msg_get(self->fd, self->pool, &m[i]));
	ASSERT_EQ(0, xchg_create(self->fd, NULL, 0, 0, &x2));
	memset(se, 0, sizeof(se));
	for (i = 0; i < 3; i++) {
		se[i].xchg = self->xchg;
		se[i].msg = m[i];
		se[i].prio = i == 1 ? 5 : 0;
	}

	/* garbage: each -EINVAL, nothing sent */
	xfer_init(&good, se, 3, re, 8, self->xchg, 0);
	a = good;
	a.flags = 0x80;
	EXPECT_EQ(-EINVAL, xioc(self->fd, XMSG_IOC_XFER, &a));
	a = good;
	a.pad = 1;
	EXPECT_EQ(-EINVAL, xioc(self->fd, XMSG_IOC_XFER, &a));
	a = good;
	a.reserved[1] = 1;
	EXPECT_EQ(-EINVAL, xioc(self->fd, XMSG_IOC_XFER, &a));
	a = good;
	a.send_count = XMSG_XFER_MAX + 1;
	EXPECT_EQ(-EINVAL, xioc(self->fd, XMSG_IOC_XFER, &a));
	a = good;
	a.recv_max = XMSG_XFER_MAX + 1;
	EXPECT_EQ(-EINVAL, xioc(self->fd, XMSG_IOC_XFER, &a));
	a = good;
	a.send_size = sizeof(se[0]) + 8;
	EXPECT_EQ(-EINVAL, xioc(self->fd, XMSG_IOC_XFER, &a));
	a = good;
	a.recv_size = sizeof(re[0]) - 8;
	EXPECT_EQ(-EINVAL, xioc(self->fd, XMSG_IOC_XFER, &a));
	a = good;
	a.recv_xchg = 0;
	EXPECT_EQ(-EINVAL, xioc(self->fd, XMSG_IOC_XFER, &a));
	a = good;
	a.timeout_ns = -5;
	EXPECT_EQ(-EINVAL, xioc(self->fd, XMSG_IOC_XFER, &a));
	xfer_init(&a, se, 0, re, 0, 0, 0);	/* nothing to do */
	EXPECT_EQ(-EINVAL, xioc(self->fd, XMSG_IOC_XFER, &a));
	xfer_init(&a, se, 3, re, 0, 0, 0);
	a.timeout_ns = 5;			/* no receive, a timeout */
	EXPECT_EQ(-EINVAL, xioc(self->fd, XMSG_IOC_XFER, &a));
	a = good;
	se[2].flags = 0x8;
	EXPECT_EQ(-EINVAL, xioc(self->fd, XMSG_IOC_XFER, &a));
	se[2].flags = 0;
	se[2].pad = 1;
	EXPECT_EQ(-EINVAL, xioc(self->fd, XMSG_IOC_XFER, &a));
	se[2].pad = 0;
	se[2].prio = XMSG_MSG_PRIO_MAX + 1;
	EXPECT_EQ(-EINVAL, xioc(self->fd, XMSG_IOC_XFER, &a));
	se[2].prio = 0;
	a.send = 8;
	EXPECT_EQ(-EFAULT, xioc(self->fd, XMSG_IOC_XFER, &a));
	EXPECT_EQ(-EFAULT, xioc(self->fd, XMSG_IOC_XFER, (void *)8));
	EXPECT_EQ(0, queued(self->fd, self->xchg));

	/* three sent and received back in one call, by priority */
	a = good;
	ASSERT_EQ(0, xioc(self->fd, XMSG_IOC_XFER, &a));
	EXPECT_EQ(3, a.sent);
	ASSERT_EQ(3, a.received);
	EXPECT_EQ(5, re[0].prio);
	for (i = 0; i < 3; i++) {
		EXPECT_EQ(self->pool, re[i].pool);
		EXPECT_EQ(BS, re[i].length);
		EXPECT_EQ(0, re[i].reply);
		EXPECT_EQ(0, re[i].msg_flags);
		m[i] = re[i].msg;
	}
	EXPECT_EQ(0, queued(self->fd, self->xchg));

	/* receive only: nothing queued */
	xfer_init(&a, se, 0, re, 8, self->xchg, 0);
	EXPECT_EQ(-EAGAIN, xioc(self->fd, XMSG_IOC_XFER, &a));
	EXPECT_EQ(0, a.sent);
	xfer_init(&a, se, 0, re, 8, self->xchg, 1000000);
	EXPECT_EQ(-ETIMEDOUT, xioc(self->fd, XMSG_IOC_XFER, &a));

	/* send only, then a receive of at most two of three */
	for (i = 0; i < 3; i++)
		se[i].msg = m[i];
	xfer_init(&a, se, 3, re, 0, 0, 0);
	ASSERT_EQ(0, xioc(self->fd, XMSG_IOC_XFER, &a));
	EXPECT_EQ(3, a.sent);
	EXPECT_EQ(0, a.received);
	EXPECT_EQ(3, queued(self->fd, self->xchg));
	xfer_init(&a, se, 0, re, 2, self->xchg, 0);
	ASSERT_EQ(0, xioc(self->fd, XMSG_IOC_XFER, &a));
	EXPECT_EQ(2, a.received);
	EXPECT_EQ(1, queued(self->fd, self->xchg));
	m[0] = re[0].msg;
	m[1] = re[1].msg;
	xfer_init(&a, se, 0, re, 1, self->xchg, 0);
	ASSERT_EQ(0, xioc(self->fd, XMSG_IOC_XFER, &a));
	m[2] = re[0].msg;

	/* a bad second send stops the call: the first is sent */
	se[0].msg = m[0];
	se[1].msg = 999;
	xfer_init(&a, se, 2, re, 8, self->xchg, 0);
	EXPECT_EQ(-EBADF, xioc(self->fd, XMSG_IOC_XFER, &a));
	EXPECT_EQ(1, a.sent);
	EXPECT_EQ(1, queued(self->fd, self->xchg));
	/* the receive fails after the sends: a bad exchange */
	se[0].msg = m[1];
	xfer_init(&a, se, 1, re, 8, 999, 0);
	EXPECT_EQ(-EBADF, xioc(self->fd, XMSG_IOC_XFER, &a));
	EXPECT_EQ(1, a.sent);
	EXPECT_EQ(2, queued(self->fd, self->xchg));
	/* an unwritable entry array: the messages stay with the file */
	xfer_init(&a, se, 0, re, 8, self->xchg, 0);
	a.recv = 8;
	EXPECT_EQ(-EFAULT, xioc(self->fd, XMSG_IOC_XFER, &a));
	EXPECT_EQ(0, queued(self->fd, self->xchg));
	EXPECT_EQ(COUNT - 3, pool_free(self->fd, self->pool));

	/* multicast: a proxy of m[2] to two exchanges in one call */
	se[0].msg = m[2];
	se[0].flags = XMSG_XFER_PROXY;
	se[1] = se[0];
	se[1].xchg = x2;
	xfer_init(&a, se, 2, re, 4, x2, 0);
	ASSERT_EQ(0, xioc(self->fd, XMSG_IOC_XFER, &a));
	EXPECT_EQ(2, a.sent);
	ASSERT_EQ(1, a.received);
	EXPECT_EQ(XMSG_MSGF_PROXY, re[0].msg_flags);
	EXPECT_EQ(0, buf(self->fd, XMSG_IOC_MSG_REL, re[0].msg, &b));
	EXPECT_EQ(1, queued(self->fd, self->xchg));
	xfer_init(&a, se, 0, re, 4, self->xchg, 0);
	ASSERT_EQ(0, xioc(self->fd, XMSG_IOC_XFER, &a));
	EXPECT_EQ(XMSG_MSGF_PROXY, re[0].msg_flags);
	EXPECT_EQ(0, buf(self->fd, XMSG_IOC_MSG_REL, re[0].msg, &b));
	/* m[2] is still ours */
	EXPECT_EQ(0, buf(self->fd, XMSG_IOC_MSG_REL, m[2], &b));

	/* a proxy to a broadcast exchange: -EINVAL, nothing sent */
	ASSERT_EQ(0, xchg_create(self->fd, NULL, XMSG_XCHG_KIND_BCAST, 0, &bc));
	ASSERT_EQ(0, msg_get(self->fd, self->pool, &m[0]));
	se[0].xchg = bc;
	se[0].msg = m[0];
	xfer_init(&a, se, 1, re, 0, 0, 0);
	EXPECT_EQ(-EINVAL, xioc(self->fd, XMSG_IOC_XFER, &a));
	EXPECT_EQ(0, a.sent);
	/* ...but the message itself may be posted there */
	se[0].flags = 0;
	ASSERT_EQ(0, xioc(self->fd, XMSG_IOC_XFER, &a));
	xfer_init(&a, se, 0, re, 8, bc, 0);
	ASSERT_EQ(0, xioc(self->fd, XMSG_IOC_XFER, &a));
	EXPECT_EQ(1, a.received);		/* at most one from a broadcast */
	EXPECT_EQ(0, buf(self->fd, XMSG_IOC_MSG_REL, re[0].msg, &b));
	EXPECT_EQ(0, hop(self->fd, XMSG_IOC_BCAST_CLEAR, bc));

	/* rights: send needs write, receive read */
	ASSERT_EQ(0, xopen_obj(self->fd, XMSG_TYPE_XCHG, self->xname,
			       XMSG_ACC_READ, &ro));
	se[0].xchg = ro;
	xfer_init(&a, se, 1, re, 0, 0, 0);
	EXPECT_EQ(-EACCES, xioc(self->fd, XMSG_IOC_XFER, &a));
	EXPECT_EQ(0, hop(self->fd, XMSG_IOC_CLOSE, ro));
	ASSERT_EQ(0, xopen_obj(self->fd, XMSG_TYPE_XCHG, self->xname,
			       XMSG_ACC_WRITE, &ro));
	xfer_init(&a, se, 0, re, 1, ro, 0);
	EXPECT_EQ(-EACCES, xioc(self->fd, XMSG_IOC_XFER, &a));
	EXPECT_EQ(0, hop(self->fd, XMSG_IOC_CLOSE, ro));

	/* a full queue: -ENOSPC at the second send */
	INIT(xc);
	xc.access = XMSG_ACC_RDWR;
	xc.limit = 1;
	ASSERT_EQ(0, xioc(self->fd, XMSG_IOC_XCHG_CREATE, &xc));
	small = xc.handle;
	ASSERT_EQ(0, msg_get(self->fd, self->pool, &m[1]));
	se[0].xchg = small;
	se[1].xchg = small;
	se[1].msg = m[1];
	se[1].flags = 0;
	xfer_init(&a, se, 2, re, 0, 0, 0);
	EXPECT_EQ(-ENOSPC, xioc(self->fd, XMSG_IOC_XFER, &a));
	EXPECT_EQ(1, a.sent);
	EXPECT_EQ(0, buf(self->fd, XMSG_IOC_MSG_REL, m[1], &b));
	/* a destroyed exchange: -EIDRM */
	EXPECT_EQ(0, hop(self->fd, XMSG_IOC_DESTROY, small));
	EXPECT_EQ(0, hop(self->fd, XMSG_IOC_DESTROY, x2));
	EXPECT_EQ(0, hop(self->fd, XMSG_IOC_DESTROY, bc));
	/* all back but the two left in the table by the -EFAULT above */
	EXPECT_EQ(COUNT - 2, pool_free(self->fd, self->pool));
}

/* ---- broadcast ------------------------------------------------------- */

/*
 * sent and received are outputs: garbage left in them on input changes
 * nothing.  A send-only batch used to copy out received * 40 bytes from a
 * 4 KiB buffer (a usercopy WARN) and fail after sending.
 */
TEST_F(x, xfer_outputs_ignored_on_input)
{
	struct xmsg_xfer_send se[1];
	struct xmsg_xfer_recv re[1];
	struct xmsg_xfer a;
	__u32 m;

	ASSERT_EQ(0, msg_get(self->fd, self->pool, &m));
	memset(se, 0, sizeof(se));
	se[0].xchg = self->xchg;
	se[0].msg = m;
	xfer_init(&a, se, 1, re, 0, 0, 0);
	a.received = 0x10000000;
	a.sent = 77;
	EXPECT_EQ(0, xioc(self->fd, XMSG_IOC_XFER, &a));
	EXPECT_EQ(1U, a.sent);
	EXPECT_EQ(0U, a.received);
	EXPECT_EQ(1U, queued(self->fd, self->xchg));
}

TEST_F(x, broadcast)
{
	struct xmsg_recv r1, r2, r3;
	struct xmsg_handle_op op;
	struct xmsg_buf b;
	__u32 bx, m;

	ASSERT_EQ(0, xchg_create(self->fd, NULL, XMSG_XCHG_KIND_BCAST, 0, &bx));
	ASSERT_EQ(0, msg_get(self->fd, self->pool, &m));
	ASSERT_EQ(-ENOENT, hop(self->fd, XMSG_IOC_BCAST_CLEAR, bx));
	ASSERT_EQ(0, xsend(self->fd, bx, m, 3, 0));
	/* every receiver gets its own proxy of the one body */
	ASSERT_EQ(0, xrecv(self->fd, bx, 0, &r1));
	ASSERT_EQ(0, xrecv(self->fd, bx, 0, &r2));
	EXPECT_EQ(XMSG_MSGF_PROXY, r1.msg_flags);
	EXPECT_EQ(r1.offset, r2.offset);
	EXPECT_NE(r1.msg, r2.msg);
	EXPECT_EQ(3, r1.prio);
	EXPECT_NE(0, r1.gen);
	/* only newer than what we saw: nothing */
	INIT(r3);
	r3.xchg = bx;
	r3.flags = XMSG_RECV_NEWER;
	r3.gen = r1.gen;
	EXPECT_EQ(-EAGAIN, xioc(self->fd, XMSG_IOC_RECV, &r3));
	EXPECT_EQ(-EINVAL, hop(self->fd, XMSG_IOC_BCAST_CLEAR, self->xchg));
	EXPECT_EQ(-EINVAL, hop(self->fd, XMSG_IOC_BCAST_CLEAR, self->pool));
	INIT(op);
	op.handle = bx;
	op.pad = 1;
	EXPECT_EQ(-EINVAL, xioc(self->fd, XMSG_IOC_BCAST_CLEAR, &op));
	EXPECT_EQ(0, hop(self->fd, XMSG_IOC_BCAST_CLEAR, bx));
	EXPECT_EQ(-EAGAIN, xrecv(self->fd, bx, 0, &r3));
	/* the sender still owns its message; proxies keep the body */
	EXPECT_EQ(0, buf(self->fd, XMSG_IOC_MSG_REL, m, &b));
	EXPECT_EQ(COUNT - 1, pool_free(self->fd, self->pool));
	EXPECT_EQ(0, buf(self->fd, XMSG_IOC_MSG_REL, r1.msg, &b));
	EXPECT_EQ(COUNT - 1, pool_free(self->fd, self->pool));
	EXPECT_EQ(0, buf(self->fd, XMSG_IOC_MSG_REL, r2.msg, &b));
	EXPECT_EQ(COUNT, pool_free(self->fd, self->pool));
	EXPECT_EQ(0, hop(self->fd, XMSG_IOC_CLOSE, bx));
}

/* ---- semaphores ------------------------------------------------------ */

TEST_F(x, semaphores)
{
	struct xmsg_sem_op op;
	struct xmsg_info in;
	char n[XMSG_NAME_MAX];
	__u32 s, t, ro;

	ASSERT_EQ(0, sem_create(self->fd, xname(n, "sem"),
				XMSG_SEM_KIND_COUNT, 1, 0, &s));
	EXPECT_EQ(0, sem_op(self->fd, XMSG_IOC_SEM_WAIT, s, 0, 0));
	EXPECT_EQ(-EAGAIN, sem_op(self->fd, XMSG_IOC_SEM_WAIT, s, 0, 0));
	EXPECT_EQ(-ETIMEDOUT, sem_op(self->fd, XMSG_IOC_SEM_WAIT, s, 0,
				     5000000));
	EXPECT_EQ(-ETIMEDOUT, sem_op(self->fd, XMSG_IOC_SEM_WAIT, s,
				     XMSG_TIMEOUT_ABS, 1));
	EXPECT_EQ(0, sem_op(self->fd, XMSG_IOC_SEM_SIGNAL, s, 0, 0));
	EXPECT_EQ(0, sem_op(self->fd, XMSG_IOC_SEM_SIGNAL, s, 0, 0));
	ASSERT_EQ(0, info(self->fd, s, &in));
	EXPECT_EQ(2, in.u.sem.count);
	EXPECT_EQ(2, in.u.sem.signals);
	/* garbage */
	EXPECT_EQ(-EINVAL, sem_op(self->fd, XMSG_IOC_SEM_SIGNAL, s, 0, 1));
	EXPECT_EQ(-EINVAL, sem_op(self->fd, XMSG_IOC_SEM_SIGNAL, s,
				  XMSG_TIMEOUT_ABS, 0));
	EXPECT_EQ(-EINVAL, sem_op(self->fd, XMSG_IOC_SEM_WAIT, s,
				  XMSG_SEM_CLOSE, 0));
	EXPECT_EQ(-EINVAL, sem_op(self->fd, XMSG_IOC_SEM_WAIT, s, 0, -3));
	EXPECT_EQ(-EINVAL, sem_op(self->fd, XMSG_IOC_SEM_WAIT, self->xchg, 0,
				  0));
	EXPECT_EQ(-EBADF, sem_op(self->fd, XMSG_IOC_SEM_WAIT, 31337, 0, 0));
	INIT(op);
	op.handle = s;
	op.pad = 1;
	EXPECT_EQ(-EINVAL, xioc(self->fd, XMSG_IOC_SEM_SIGNAL, &op));
	ASSERT_EQ(0, xopen_obj(self->fd, XMSG_TYPE_SEM, n, XMSG_ACC_READ, &ro));
	EXPECT_EQ(-EACCES, sem_op(self->fd, XMSG_IOC_SEM_SIGNAL, ro, 0, 0));
	ASSERT_EQ(0, info(self->fd, s, &in));
	EXPECT_EQ(2, in.u.sem.count);
	/* threshold 3: three signals release one wait */
	ASSERT_EQ(0, sem_create(self->fd, NULL, XMSG_SEM_KIND_THRESHOLD, 0, 3,
				&t));
	EXPECT_EQ(0, sem_op(self->fd, XMSG_IOC_SEM_SIGNAL, t, 0, 0));
	EXPECT_EQ(0, sem_op(self->fd, XMSG_IOC_SEM_SIGNAL, t, 0, 0));
	EXPECT_EQ(-EAGAIN, sem_op(self->fd, XMSG_IOC_SEM_WAIT, t, 0, 0));
	EXPECT_EQ(0, sem_op(self->fd, XMSG_IOC_SEM_SIGNAL, t, 0, 0));
	EXPECT_EQ(0, sem_op(self->fd, XMSG_IOC_SEM_WAIT, t, 0, 0));
	EXPECT_EQ(0, hop(self->fd, XMSG_IOC_DESTROY, s));
	EXPECT_EQ(-EIDRM, sem_op(self->fd, XMSG_IOC_SEM_WAIT, ro, 0, 0));
	EXPECT_EQ(0, hop(self->fd, XMSG_IOC_CLOSE, ro));
	EXPECT_EQ(0, hop(self->fd, XMSG_IOC_CLOSE, t));
}

/* ---- poll fds -------------------------------------------------------- */

TEST_F(x, poll_fd)
{
	struct xmsg_poll_fd pf;
	struct epoll_event ev[4];
	struct pollfd pfd;
	struct xmsg_recv r;
	struct xmsg_buf b;
	__u32 s, wo, m;
	int xfd, sfd, ep;

	INIT(pf);
	pf.handle = self->xchg;
	pf.flags = XMSG_FD_CLOEXEC;
	ASSERT_EQ(0, xioc(self->fd, XMSG_IOC_POLL_FD, &pf));
	xfd = pf.fd;
	ASSERT_LE(0, xfd);
	EXPECT_EQ(FD_CLOEXEC, fcntl(xfd, F_GETFD) & FD_CLOEXEC);
	ASSERT_EQ(0, sem_create(self->fd, NULL, XMSG_SEM_KIND_COUNT, 0, 0, &s));
	INIT(pf);
	pf.handle = s;
	ASSERT_EQ(0, xioc(self->fd, XMSG_IOC_POLL_FD, &pf));
	sfd = pf.fd;
	/* errors */
	pf.handle = self->pool;
	EXPECT_EQ(-EINVAL, xioc(self->fd, XMSG_IOC_POLL_FD, &pf));
	pf.handle = 12345;
	EXPECT_EQ(-EBADF, xioc(self->fd, XMSG_IOC_POLL_FD, &pf));
	ASSERT_EQ(0, xopen_obj(self->fd, XMSG_TYPE_XCHG, self->xname,
			       XMSG_ACC_WRITE, &wo));
	pf.handle = wo;
	EXPECT_EQ(-EACCES, xioc(self->fd, XMSG_IOC_POLL_FD, &pf));
	pf.handle = self->xchg;
	pf.flags = 2;
	EXPECT_EQ(-EINVAL, xioc(self->fd, XMSG_IOC_POLL_FD, &pf));

	pfd.fd = xfd;
	pfd.events = POLLIN;
	EXPECT_EQ(0, poll(&pfd, 1, 0));
	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	ev[0].events = EPOLLIN;
	ev[0].data.u32 = 1;
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, xfd, &ev[0]));
	ev[0].events = EPOLLIN;
	ev[0].data.u32 = 2;
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ev[0]));
	EXPECT_EQ(0, epoll_wait(ep, ev, 4, 0));
	/* a message: the exchange fd is readable */
	ASSERT_EQ(0, msg_get(self->fd, self->pool, &m));
	ASSERT_EQ(0, xsend(self->fd, self->xchg, m, 0, 0));
	EXPECT_EQ(1, poll(&pfd, 1, 1000));
	EXPECT_TRUE(pfd.revents & POLLIN);
	ASSERT_EQ(1, epoll_wait(ep, ev, 4, 1000));
	EXPECT_EQ(1, ev[0].data.u32);
	/* and the semaphore too once signalled */
	ASSERT_EQ(0, sem_op(self->fd, XMSG_IOC_SEM_SIGNAL, s, 0, 0));
	EXPECT_EQ(2, epoll_wait(ep, ev, 4, 1000));
	ASSERT_EQ(0, xrecv(self->fd, self->xchg, 0, &r));
	ASSERT_EQ(0, sem_op(self->fd, XMSG_IOC_SEM_WAIT, s, 0, 0));
	EXPECT_EQ(0, epoll_wait(ep, ev, 4, 0));
	/* the fd outlives the handle; destroy shows as an error */
	EXPECT_EQ(0, hop(self->fd, XMSG_IOC_CLOSE, s));
	EXPECT_EQ(0, hop(self->fd, XMSG_IOC_DESTROY, wo));
	pfd.events = POLLIN;
	EXPECT_EQ(1, poll(&pfd, 1, 1000));
	EXPECT_TRUE(pfd.revents & (POLLERR | POLLHUP));
	EXPECT_EQ(0, buf(self->fd, XMSG_IOC_MSG_REL, r.msg, &b));
	close(ep);
	close(sfd);
	close(xfd);
}

/* ---- ownership ------------------------------------------------------- */

TEST_F(x, handles_are_per_file)
{
	struct xmsg_buf b;
	struct xmsg_info in;
	int fd2 = xopen();

	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, buf(self->fd, XMSG_IOC_MSG_GET, self->pool, &b));
	EXPECT_EQ(-EBADF, info(fd2, self->pool, &in));
	EXPECT_EQ(-EBADF, info(fd2, b.dst, &in));
	EXPECT_EQ(-EBADF, buf(fd2, XMSG_IOC_MSG_REL, b.dst, &b));
	EXPECT_EQ(-EBADF, xsend(fd2, self->xchg, b.dst, 0, 0));
	EXPECT_EQ(MAP_FAILED, xmap(fd2, self->pool, 4096, PROT_READ));
	EXPECT_EQ(COUNT - 1, pool_free(self->fd, self->pool));
	close(fd2);
}

TEST_F(x, close_releases_everything)
{
	struct xmsg_recv r;
	struct xmsg_buf b;
	__u32 pool, x, m, bx;
	int fd2 = xopen();
	char *p;

	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, xopen_obj(fd2, XMSG_TYPE_POOL, self->pname, XMSG_ACC_RDWR,
			       &pool));
	ASSERT_EQ(0, xopen_obj(fd2, XMSG_TYPE_XCHG, self->xname, XMSG_ACC_RDWR,
			       &x));
	p = xmap(fd2, pool, self->region, PROT_READ | PROT_WRITE);
	ASSERT_NE(MAP_FAILED, p);
	ASSERT_EQ(0, buf(fd2, XMSG_IOC_BLOCK_GET, pool, &b));
	ASSERT_EQ(0, buf(fd2, XMSG_IOC_BCB_GET, pool, &b));
	ASSERT_EQ(0, buf(fd2, XMSG_IOC_MSG_GET, pool, &b));
	ASSERT_EQ(0, buf(fd2, XMSG_IOC_MSG_PROXY, b.dst, &b));
	/* a broadcast read and a message received */
	ASSERT_EQ(0, xchg_create(fd2, NULL, XMSG_XCHG_KIND_BCAST, 0, &bx));
	ASSERT_EQ(0, msg_get(fd2, pool, &m));
	ASSERT_EQ(0, xsend(fd2, bx, m, 0, 0));
	ASSERT_EQ(0, xrecv(fd2, bx, 0, &r));
	ASSERT_EQ(0, msg_get(fd2, pool, &m));
	ASSERT_EQ(0, xsend(fd2, x, m, 0, 0));
	ASSERT_EQ(0, xrecv(fd2, x, 0, &r));
	/* one message sent stays with the exchange */
	ASSERT_EQ(0, msg_get(fd2, pool, &m));
	ASSERT_EQ(0, xsend(fd2, x, m, 0, 0));
	EXPECT_EQ(COUNT - 6, pool_free(self->fd, self->pool));
	munmap(p, self->region);
	close(fd2);
	EXPECT_EQ(COUNT - 1, pool_free(self->fd, self->pool));
	ASSERT_EQ(0, xrecv(self->fd, self->xchg, 0, &r));
	EXPECT_EQ(0, buf(self->fd, XMSG_IOC_MSG_REL, r.msg, &b));
	EXPECT_EQ(COUNT, pool_free(self->fd, self->pool));
}

TEST_F(x, destroy)
{
	struct xmsg_recv r;
	struct xmsg_info in;
	struct xmsg_buf b;
	__u32 h2, m;
	void *p;

	ASSERT_EQ(0, xopen_obj(self->fd, XMSG_TYPE_POOL, self->pname,
			       XMSG_ACC_RDWR, &h2));
	/* busy while a block is out or the region is mapped */
	ASSERT_EQ(0, msg_get(self->fd, self->pool, &m));
	EXPECT_EQ(-EBUSY, hop(self->fd, XMSG_IOC_DESTROY, self->pool));
	EXPECT_EQ(0, buf(self->fd, XMSG_IOC_MSG_REL, m, &b));
	p = xmap(self->fd, self->pool, self->region, PROT_READ);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(-EBUSY, hop(self->fd, XMSG_IOC_DESTROY, self->pool));
	munmap(p, self->region);
	/* not an object; a message handle */
	ASSERT_EQ(0, msg_get(self->fd, self->pool, &m));
	EXPECT_EQ(-EINVAL, hop(self->fd, XMSG_IOC_DESTROY, m));
	EXPECT_EQ(0, buf(self->fd, XMSG_IOC_MSG_REL, m, &b));
	EXPECT_EQ(-EBADF, hop(self->fd, XMSG_IOC_DESTROY, 4444));
	/* success: handle closed, name gone, other handles dead */
	ASSERT_EQ(0, hop(self->fd, XMSG_IOC_DESTROY, self->pool));
	EXPECT_EQ(-EBADF, info(self->fd, self->pool, &in));
	EXPECT_EQ(-ENOENT, xopen_obj(self->fd, XMSG_TYPE_POOL, self->pname,
				     XMSG_ACC_READ, NULL));
	ASSERT_EQ(0, info(self->fd, h2, &in));
	EXPECT_TRUE(in.obj_flags & XMSG_OBJF_DEAD);
	EXPECT_EQ(-EIDRM, buf(self->fd, XMSG_IOC_MSG_GET, h2, &b));
	EXPECT_EQ(MAP_FAILED, xmap(self->fd, h2, 4096, PROT_READ));
	EXPECT_EQ(EIDRM, errno);
	EXPECT_EQ(-EIDRM, hop(self->fd, XMSG_IOC_DESTROY, h2));
	EXPECT_EQ(0, hop(self->fd, XMSG_IOC_CLOSE, h2));
	/* an exchange: a blocked receiver would get -EIDRM; sends too */
	ASSERT_EQ(0, xopen_obj(self->fd, XMSG_TYPE_XCHG, self->xname,
			       XMSG_ACC_RDWR, &h2));
	ASSERT_EQ(0, hop(self->fd, XMSG_IOC_DESTROY, self->xchg));
	EXPECT_EQ(-EIDRM, xrecv(self->fd, h2, 0, &r));
	EXPECT_EQ(-EIDRM, msg_get(self->fd, self->pool, &m) ? -EIDRM : 0);
	EXPECT_EQ(0, hop(self->fd, XMSG_IOC_CLOSE, h2));
}

/* ---- permissions, namespaces, signals -------------------------------- */

TEST_F(x, permissions_as_nobody)
{
	char n[XMSG_NAME_MAX];
	__u32 priv;
	pid_t pid;

	ASSERT_EQ(0, pool_create(self->fd, xname(n, "priv"), BS, 1, 0600,
				 XMSG_CREATE_EXCL, &priv));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct xmsg_buf b;
		__u32 h, x, m;
		int fd;
		char *p;

		become_nobody();
		fd = xopen();
		CHK(fd >= 0, 10);
		/* 0600 pool: nothing */
		CHK(xopen_obj(fd, XMSG_TYPE_POOL, n, XMSG_ACC_READ, NULL) ==
		    -EACCES, 11);
		/* 0644 pool: read only, and the mapping really is */
		CHK(xopen_obj(fd, XMSG_TYPE_POOL, self->pname, XMSG_ACC_RDWR,
			      NULL) == -EACCES, 12);
		CHK(!xopen_obj(fd, XMSG_TYPE_POOL, self->pname, XMSG_ACC_READ,
			       &h), 13);
		CHK(buf(fd, XMSG_IOC_MSG_GET, h, &b) == -EACCES, 14);
		CHK(xmap(fd, h, self->region, PROT_READ | PROT_WRITE) ==
		    MAP_FAILED && errno == EACCES, 15);
		p = xmap(fd, h, self->region, PROT_READ);
		CHK(p != MAP_FAILED, 16);
		CHK(mprotect(p, self->region, PROT_WRITE) && errno == EACCES,
		    17);
		/* not the owner: no destroy */
		CHK(hop(fd, XMSG_IOC_DESTROY, h) == -EPERM, 18);
		/* 0622 exchange: may send, may not receive */
		CHK(xopen_obj(fd, XMSG_TYPE_XCHG, self->xname, XMSG_ACC_READ,
			      NULL) == -EACCES, 19);
		CHK(!xopen_obj(fd, XMSG_TYPE_XCHG, self->xname, XMSG_ACC_WRITE,
			       &x), 20);
		(void)m;
		p[0] = 1;	/* SIGSEGV: the mapping is read-only */
		_exit(21);
	}
	EXPECT_EQ(1000 + SIGSEGV, wait_child(pid));
	EXPECT_EQ(0, hop(self->fd, XMSG_IOC_DESTROY, priv));
}

TEST_F(x, ipc_namespace)
{
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (!pid) {
		struct xmsg_list_entry e[8];
		struct xmsg_list ls;
		__u32 h;
		int fd;

		CHK(!unshare(CLONE_NEWIPC), 10);
		fd = xopen();
		CHK(fd >= 0, 11);
		CHK(xopen_obj(fd, XMSG_TYPE_POOL, self->pname, XMSG_ACC_READ,
			      NULL) == -ENOENT, 12);
		INIT(ls);
		ls.count = 8;
		ls.entries = (uintptr_t)e;
		ls.entry_size = sizeof(e[0]);
		CHK(!xioc(fd, XMSG_IOC_LIST, &ls) && ls.count == 0, 13);
		/* the same name is free here, and private */
		CHK(!pool_create(fd, self->pname, 64, 1, 0600,
				 XMSG_CREATE_EXCL, &h), 14);
		CHK(!hop(fd, XMSG_IOC_DESTROY, h), 15);
		_exit(0);
	}
	EXPECT_EQ(0, wait_child(pid));
	EXPECT_EQ(COUNT, pool_free(self->fd, self->pool));
}

TEST_F(x, killed_receiver_loses_nothing)
{
	struct xmsg_info in;
	struct xmsg_recv r;
	struct xmsg_buf b;
	pid_t pid;
	__u32 m;
	int i;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int fd = xopen();
		__u32 x;

		CHK(fd >= 0, 10);
		CHK(!xopen_obj(fd, XMSG_TYPE_XCHG, self->xname, XMSG_ACC_READ,
			       &x), 11);
		xrecv(fd, x, XMSG_TIMEOUT_FOREVER, &r);
		_exit(12);
	}
	for (i = 0; i < 500; i++) {	/* wait until it waits */
		ASSERT_EQ(0, info(self->fd, self->xchg, &in));
		if (in.u.xchg.waiters)
			break;
		usleep(10000);
	}
	ASSERT_EQ(1, in.u.xchg.waiters);
	kill(pid, SIGKILL);
	EXPECT_EQ(1000 + SIGKILL, wait_child(pid));
	ASSERT_EQ(0, info(self->fd, self->xchg, &in));
	EXPECT_EQ(0, in.u.xchg.waiters);
	ASSERT_EQ(0, msg_get(self->fd, self->pool, &m));
	ASSERT_EQ(0, xsend(self->fd, self->xchg, m, 0, 0));
	ASSERT_EQ(0, xrecv(self->fd, self->xchg, 0, &r));
	EXPECT_EQ(0, buf(self->fd, XMSG_IOC_MSG_REL, r.msg, &b));
	EXPECT_EQ(COUNT, pool_free(self->fd, self->pool));
}

TEST_F(x, limits)
{
	struct xmsg_features f;
	char n[XMSG_NAME_MAX];
	__u32 h;

	INIT(f);
	ASSERT_EQ(0, xioc(self->fd, XMSG_IOC_FEATURES, &f));
	/* one pool above the per-user byte limit */
	EXPECT_EQ(-ENOSPC, pool_create(self->fd, xname(n, "huge"),
				       getpagesize(),
				       f.max_pool_bytes / getpagesize() + 1,
				       0600, 0, &h));
	EXPECT_EQ(-ENOENT, xopen_obj(self->fd, XMSG_TYPE_POOL, n,
				     XMSG_ACC_READ, NULL));
}

TEST_F(x, close_withdraws_broadcast_posts)
{
	struct xmsg_recv r;
	struct xmsg_buf b;
	char n[XMSG_NAME_MAX];
	__u32 bx, bx2, pool2, m;
	int fd2 = xopen();

	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, xchg_create(self->fd, xname(n, "bc"),
				 XMSG_XCHG_KIND_BCAST, 0666, &bx));
	ASSERT_EQ(0, xopen_obj(fd2, XMSG_TYPE_XCHG, n, XMSG_ACC_RDWR, &bx2));
	ASSERT_EQ(0, xopen_obj(fd2, XMSG_TYPE_POOL, self->pname, XMSG_ACC_RDWR,
			       &pool2));
	ASSERT_EQ(0, msg_get(fd2, pool2, &m));
	ASSERT_EQ(0, xsend(fd2, bx2, m, 0, 0));
	ASSERT_EQ(0, xsend(fd2, bx2, m, 1, 0));	/* a second generation */
	ASSERT_EQ(0, xrecv(self->fd, bx, 0, &r));
	EXPECT_EQ(1, r.prio);
	EXPECT_EQ(0, buf(self->fd, XMSG_IOC_MSG_REL, r.msg, &b));
	EXPECT_EQ(COUNT - 1, pool_free(self->fd, self->pool));
	/* another file may not clear it */
	EXPECT_EQ(-EPERM, hop(self->fd, XMSG_IOC_BCAST_CLEAR, bx));
	close(fd2);
	EXPECT_EQ(-EAGAIN, xrecv(self->fd, bx, 0, &r));
	EXPECT_EQ(COUNT, pool_free(self->fd, self->pool));
	EXPECT_EQ(0, hop(self->fd, XMSG_IOC_DESTROY, bx));
}

/* Is a post there?  A receive of it, released at once. */
static int has_post(int fd, __u32 bx)
{
	struct xmsg_recv r;
	struct xmsg_buf b;

	if (xrecv(fd, bx, 0, &r))
		return 0;
	return !buf(fd, XMSG_IOC_MSG_REL, r.msg, &b);
}

/* The same message received back from @q under a new handle, released. */
static int back_and_release(int fd, __u32 q, __u32 *m)
{
	struct xmsg_recv r;
	struct xmsg_buf b;
	int err = xrecv(fd, q, 0, &r);

	if (err)
		return err;
	*m = r.msg;
	return buf(fd, XMSG_IOC_MSG_REL, r.msg, &b);
}

/*
 * XMSG_SEND_BCAST_WITHDRAW ties the post to the message as this file
 * holds it: once the handle is consumed (sent to a normal exchange,
 * plainly, waiting or in a batch; unmade), a later release of the same
 * message received back under a new handle must not withdraw the post.
 */
TEST_F(x, withdraw_follows_the_message_handle)
{
	struct xmsg_xfer_send se;
	struct xmsg_xfer a;
	struct xmsg_buf b;
	char n[XMSG_NAME_MAX];
	__u32 bx, q, m, back, blk;
	pid_t pid;

/* post @m at @bx, to be withdrawn when @m is released */
#define POST_WD(m)							\
	xsend_full(self->fd, bx, m, 0, 0, XMSG_SEND_BCAST_WITHDRAW, 0)
	ASSERT_EQ(0, xchg_create(self->fd, NULL, XMSG_XCHG_KIND_BCAST, 0, &bx));
	ASSERT_EQ(0, xchg_create(self->fd, NULL, XMSG_XCHG_KIND_NORMAL, 0, &q));

	/* the flag works: a release withdraws */
	ASSERT_EQ(0, msg_get(self->fd, self->pool, &m));
	ASSERT_EQ(0, POST_WD(m));
	ASSERT_EQ(0, buf(self->fd, XMSG_IOC_MSG_REL, m, &b));
	EXPECT_FALSE(has_post(self->fd, bx));

	/* a plain send consumes the handle; the post stays */
	ASSERT_EQ(0, msg_get(self->fd, self->pool, &m));
	ASSERT_EQ(0, POST_WD(m));
	ASSERT_EQ(0, xsend(self->fd, q, m, 0, 0));
	EXPECT_TRUE(has_post(self->fd, bx));
	ASSERT_EQ(0, back_and_release(self->fd, q, &back));
	EXPECT_TRUE(has_post(self->fd, bx));
	ASSERT_EQ(0, hop(self->fd, XMSG_IOC_BCAST_CLEAR, bx));
	EXPECT_EQ(COUNT, pool_free(self->fd, self->pool));

	/* a send in a batch likewise */
	ASSERT_EQ(0, msg_get(self->fd, self->pool, &m));
	ASSERT_EQ(0, POST_WD(m));
	memset(&se, 0, sizeof(se));
	se.xchg = q;
	se.msg = m;
	xfer_init(&a, &se, 1, NULL, 0, 0, 0);
	ASSERT_EQ(0, xioc(self->fd, XMSG_IOC_XFER, &a));
	EXPECT_EQ(1, a.sent);
	ASSERT_EQ(0, back_and_release(self->fd, q, &back));
	EXPECT_TRUE(has_post(self->fd, bx));
	ASSERT_EQ(0, hop(self->fd, XMSG_IOC_BCAST_CLEAR, bx));

	/* a send that waits for room: a child makes room after a while */
	ASSERT_EQ(0, hop(self->fd, XMSG_IOC_CLOSE, q));
	{
		struct xmsg_xchg_create xc;

		INIT(xc);
		setname(xc.name, xname(n, "wq"));
		xc.mode = 0600;
		xc.access = XMSG_ACC_RDWR;
		xc.limit = 1;
		ASSERT_EQ(0, xioc(self->fd, XMSG_IOC_XCHG_CREATE, &xc));
		q = xc.handle;
	}
	ASSERT_EQ(0, msg_get(self->fd, self->pool, &blk));
	ASSERT_EQ(0, xsend(self->fd, q, blk, 0, 0));	/* full now */
	ASSERT_EQ(0, msg_get(self->fd, self->pool, &m));
	ASSERT_EQ(0, POST_WD(m));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct xmsg_recv r;
		__u32 h;
		int fd = xopen();

		CHK(fd >= 0, 10);
		CHK(!xopen_obj(fd, XMSG_TYPE_XCHG, n, XMSG_ACC_READ, &h), 11);
		usleep(200 * 1000);
		CHK(!xrecv(fd, h, 0, &r), 12);	/* released at exit */
		_exit(0);
	}
	EXPECT_EQ(0, xsend_full(self->fd, q, m, 0, 0, XMSG_SEND_WAIT,
				5000000000LL));
	EXPECT_EQ(0, wait_child(pid));
	ASSERT_EQ(0, back_and_release(self->fd, q, &back));
	EXPECT_TRUE(has_post(self->fd, bx));
	ASSERT_EQ(0, hop(self->fd, XMSG_IOC_BCAST_CLEAR, bx));
	EXPECT_EQ(0, hop(self->fd, XMSG_IOC_DESTROY, q));

	/*
	 * unmade (the post cleared first: its proxy pins the message) and
	 * made again, maybe in the same control block: posted anew without
	 * the flag, its release withdraws nothing
	 */
	ASSERT_EQ(0, msg_get(self->fd, self->pool, &m));
	ASSERT_EQ(0, POST_WD(m));
	EXPECT_EQ(-EBUSY, buf(self->fd, XMSG_IOC_MSG_UNMAKE, m, &b));
	ASSERT_EQ(0, hop(self->fd, XMSG_IOC_BCAST_CLEAR, bx));
	ASSERT_EQ(0, buf(self->fd, XMSG_IOC_MSG_UNMAKE, m, &b));
	blk = b.dst;
	ASSERT_EQ(0, buf(self->fd, XMSG_IOC_MSG_MAKE, blk, &b));
	m = b.dst;
	ASSERT_EQ(0, xsend_full(self->fd, bx, m, 0, 0, 0, 0));
	ASSERT_EQ(0, hop(self->fd, XMSG_IOC_CLOSE, m));
	EXPECT_TRUE(has_post(self->fd, bx));
	ASSERT_EQ(0, hop(self->fd, XMSG_IOC_BCAST_CLEAR, bx));
	EXPECT_EQ(COUNT, pool_free(self->fd, self->pool));
	EXPECT_EQ(0, hop(self->fd, XMSG_IOC_CLOSE, bx));
#undef POST_WD
}

/* Create-or-open of heap @name. */
static int heap_coo(int fd, const char *name, __u64 size, __u32 order,
		    __u32 *h)
{
	struct xmsg_heap_create hc;
	int err;

	INIT(hc);
	setname(hc.name, name);
	hc.mode = 0600;
	hc.access = XMSG_ACC_RDWR;
	hc.heap_size = size;
	hc.min_order = order;
	err = xioc(fd, XMSG_IOC_HEAP_CREATE, &hc);
	if (!err)
		*h = hc.handle;
	return err;
}

/*
 * Without XMSG_CREATE_EXCL an existing object is opened only if it is
 * what the request would create: whoever takes a name first cannot hand
 * a create-or-open caller a pass exchange that drives its scheduling
 * priority, a broadcast exchange, another limit, semaphore or geometry.
 */
TEST_F(x, create_or_open_needs_same_parameters)
{
	const __u32 sched = XMSG_XCHG_F_PASS_SCHED;
	const __u32 pass = XMSG_XCHG_KIND_PASS;
	struct xmsg_features f;
	struct xmsg_info in;
	char n[XMSG_NAME_MAX], nn[XMSG_NAME_MAX], ns[XMSG_NAME_MAX];
	char np[XMSG_NAME_MAX], nh[XMSG_NAME_MAX];
	__u32 px, h, res, nx, s, p, hp;
	pid_t pid;

/* create-or-open of exchange @name: kind, flags, limit */
#define XCOO(fd, name, kind, flags, limit)				\
	xchg_create_full(fd, name, kind, flags, limit, 0600, &h, &res)

	ASSERT_EQ(0, XCOO(self->fd, xname(n, "ps"), pass,
			  sched | XMSG_CREATE_EXCL, 8));
	px = h;
	EXPECT_EQ(XMSG_RESULT_CREATED, res);
	ASSERT_EQ(0, info(self->fd, px, &in));
	EXPECT_EQ(pass, in.u.xchg.kind);
	EXPECT_EQ(sched, in.u.xchg.flags);
	EXPECT_EQ(8, in.u.xchg.limit);
	/* without the flag, another kind, another limit: refused */
	EXPECT_EQ(-EEXIST, XCOO(self->fd, n, pass, 0, 8));
	EXPECT_EQ(-EEXIST, XCOO(self->fd, n, XMSG_XCHG_KIND_NORMAL, 0, 8));
	EXPECT_EQ(-EEXIST, XCOO(self->fd, n, XMSG_XCHG_KIND_BCAST, 0, 0));
	EXPECT_EQ(-EEXIST, XCOO(self->fd, n, pass, sched, 0));
	EXPECT_EQ(-EEXIST, XCOO(self->fd, n, pass, sched, 9));
	/* nothing changed */
	ASSERT_EQ(0, info(self->fd, px, &in));
	EXPECT_EQ(pass, in.u.xchg.kind);
	EXPECT_EQ(sched, in.u.xchg.flags);
	EXPECT_EQ(8, in.u.xchg.limit);
	EXPECT_EQ(0u, in.u.xchg.sent);
	/* the same parameters: opened */
	ASSERT_EQ(0, XCOO(self->fd, n, pass, sched, 8));
	EXPECT_EQ(0u, res);
	EXPECT_NE(px, h);
	ASSERT_EQ(0, info(self->fd, h, &in));
	EXPECT_EQ(sched, in.u.xchg.flags);
	EXPECT_EQ(0, hop(self->fd, XMSG_IOC_CLOSE, h));

	/* who may not open it learns nothing of it: -EACCES either way */
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		int fd;

		become_nobody();
		fd = xopen();
		CHK(fd >= 0, 10);
		CHK(XCOO(fd, n, XMSG_XCHG_KIND_NORMAL, 0, 0) == -EACCES, 11);
		CHK(XCOO(fd, n, pass, sched, 8) == -EACCES, 12);
		_exit(0);
	}
	EXPECT_EQ(0, wait_child(pid));

	/* a limit of 0 is the default limit */
	ASSERT_EQ(0, XCOO(self->fd, xname(nn, "pn"), XMSG_XCHG_KIND_NORMAL,
			  XMSG_CREATE_EXCL, 0));
	nx = h;
	ASSERT_EQ(0, info(self->fd, nx, &in));
	EXPECT_EQ(0u, in.u.xchg.flags);
	ASSERT_EQ(0, XCOO(self->fd, nn, XMSG_XCHG_KIND_NORMAL, 0,
			  in.u.xchg.limit));
	EXPECT_EQ(0, hop(self->fd, XMSG_IOC_CLOSE, h));
	EXPECT_EQ(-EEXIST, XCOO(self->fd, nn, pass, 0, 0));
#undef XCOO

	/* semaphores: kind and threshold, whatever the count */
	xname(ns, "ts");
	ASSERT_EQ(0, sem_create(self->fd, ns, XMSG_SEM_KIND_THRESHOLD, 1, 3,
				&s));
	ASSERT_EQ(0, sem_create(self->fd, ns, XMSG_SEM_KIND_THRESHOLD, 0, 3,
				&h));
	EXPECT_EQ(0, hop(self->fd, XMSG_IOC_CLOSE, h));
	EXPECT_EQ(-EEXIST, sem_create(self->fd, ns, XMSG_SEM_KIND_THRESHOLD, 1,
				      2, &h));
	EXPECT_EQ(-EEXIST, sem_create(self->fd, ns, XMSG_SEM_KIND_COUNT, 1, 0,
				      &h));
	EXPECT_EQ(-EEXIST, sem_create(self->fd, ns, XMSG_SEM_KIND_GATE, 0, 0,
				      &h));
	ASSERT_EQ(0, info(self->fd, s, &in));
	EXPECT_EQ(XMSG_SEM_KIND_THRESHOLD, in.u.sem.kind);
	EXPECT_EQ(3u, in.u.sem.threshold);
	EXPECT_EQ(1u, in.u.sem.count);

	/* pools: the stride and the count (100 and 128 give 128 here) */
#define PCOO(bs, count, align)						\
	pool_create_align(self->fd, np, bs, count, align, 0600, 0, &h)
	xname(np, "pg");
	ASSERT_EQ(0, PCOO(100, 4, 0));
	p = h;
	ASSERT_EQ(0, PCOO(128, 4, 0));
	EXPECT_EQ(0, hop(self->fd, XMSG_IOC_CLOSE, h));
	EXPECT_EQ(-EEXIST, PCOO(256, 4, 0));
	EXPECT_EQ(-EEXIST, PCOO(100, 5, 0));
	EXPECT_EQ(-EEXIST, PCOO(100, 4, 256));
#undef PCOO
	ASSERT_EQ(0, info(self->fd, p, &in));
	EXPECT_EQ(128u, in.u.pool.block_size);
	EXPECT_EQ(4u, in.u.pool.count);

	/* heaps: the size and the granule */
	INIT(f);
	ASSERT_EQ(0, xioc(self->fd, XMSG_IOC_FEATURES, &f));
	if (f.features & XMSG_FEAT_HEAP) {
		ASSERT_EQ(0, heap_coo(self->fd, xname(nh, "hg"), 8192, 7, &hp));
		ASSERT_EQ(0, heap_coo(self->fd, nh, 8192, 7, &h));
		EXPECT_EQ(0, hop(self->fd, XMSG_IOC_CLOSE, h));
		EXPECT_EQ(-EEXIST, heap_coo(self->fd, nh, 4096, 7, &h));
		EXPECT_EQ(-EEXIST, heap_coo(self->fd, nh, 8192, 0, &h));
		ASSERT_EQ(0, info(self->fd, hp, &in));
		EXPECT_EQ(8192u, in.u.heap.heap_size);
		EXPECT_EQ(128u, in.u.heap.granule);
		EXPECT_EQ(0, hop(self->fd, XMSG_IOC_DESTROY, hp));
	}

	EXPECT_EQ(0, hop(self->fd, XMSG_IOC_DESTROY, p));
	EXPECT_EQ(0, hop(self->fd, XMSG_IOC_DESTROY, s));
	EXPECT_EQ(0, hop(self->fd, XMSG_IOC_DESTROY, nx));
	EXPECT_EQ(0, hop(self->fd, XMSG_IOC_DESTROY, px));
}

TEST_F(x, handle_and_object_limits)
{
	struct xmsg_info in;
	struct xmsg_buf b;
	long old_h = 0, old_p = 0;
	char n[XMSG_NAME_MAX];
	__u32 h, x;

	if (xt_write_param("max_handles", 4, &old_h))
		SKIP(return, "no writable max_handles parameter");
	/* the fixture holds 2 handles: 2 more, then -EMFILE (no ASSERT
	 * before the limit is restored)
	 */
	EXPECT_EQ(0, buf(self->fd, XMSG_IOC_BLOCK_GET, self->pool, &b));
	EXPECT_EQ(0, buf(self->fd, XMSG_IOC_MSG_GET, self->pool, &b));
	EXPECT_EQ(-EMFILE, buf(self->fd, XMSG_IOC_BCB_GET, self->pool, &b));
	EXPECT_EQ(-EMFILE, xopen_obj(self->fd, XMSG_TYPE_POOL, self->pname,
				     XMSG_ACC_READ, NULL));
	EXPECT_EQ(-EMFILE, xchg_create(self->fd, xname(n, "lim"), 0, 0600,
				       NULL));
	EXPECT_EQ(COUNT - 2, pool_free(self->fd, self->pool));
	ASSERT_EQ(0, xt_write_param("max_handles", old_h, NULL));
	EXPECT_EQ(-ENOENT, xopen_obj(self->fd, XMSG_TYPE_XCHG, n,
				     XMSG_ACC_READ, NULL));

	/* pools per user */
	ASSERT_EQ(0, xt_write_param("max_pools", 1, &old_p));	/* have one */
	EXPECT_EQ(-EMFILE, pool_create(self->fd, xname(n, "p2"), 64, 1, 0600,
				       0, &h));
	ASSERT_EQ(0, xt_write_param("max_pools", old_p, NULL));
	ASSERT_EQ(0, pool_create(self->fd, n, 64, 1, 0600, 0, &h));
	EXPECT_EQ(0, hop(self->fd, XMSG_IOC_DESTROY, h));

	/* exchange queue limit: -ENOSPC, the message stays ours */
	{
		struct xmsg_xchg_create xc;
		__u32 m1, m2;

		INIT(xc);
		xc.access = XMSG_ACC_RDWR;
		xc.limit = 1;
		ASSERT_EQ(0, xioc(self->fd, XMSG_IOC_XCHG_CREATE, &xc));
		x = xc.handle;
		ASSERT_EQ(0, msg_get(self->fd, self->pool, &m1));
		ASSERT_EQ(0, msg_get(self->fd, self->pool, &m2));
		EXPECT_EQ(0, xsend(self->fd, x, m1, 0, 0));
		EXPECT_EQ(-ENOSPC, xsend(self->fd, x, m2, 0, 0));
		EXPECT_EQ(0, info(self->fd, m2, &in));
		EXPECT_EQ(XMSG_TYPE_MSG, in.type);
		EXPECT_EQ(0, hop(self->fd, XMSG_IOC_CLOSE, x)); /* frees m1 */
		EXPECT_EQ(0, buf(self->fd, XMSG_IOC_MSG_REL, m2, &b));
	}
}

static void on_alarm(int sig)
{
	(void)sig;
}

TEST_F(x, signal_interrupts_relative_wait)
{
	struct sigaction sa;
	struct xmsg_recv r;
	struct xmsg_info in;
	double t0, t1;
	struct timespec ts;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;	/* no SA_RESTART */
	ASSERT_EQ(0, sigaction(SIGALRM, &sa, NULL));
	clock_gettime(CLOCK_MONOTONIC, &ts);
	t0 = ts.tv_sec + ts.tv_nsec / 1e9;
	alarm(1);
	EXPECT_EQ(-EINTR, xrecv(self->fd, self->xchg, 20000000000LL, &r));
	clock_gettime(CLOCK_MONOTONIC, &ts);
	t1 = ts.tv_sec + ts.tv_nsec / 1e9;
	EXPECT_GT(10.0, t1 - t0);
	ASSERT_EQ(0, info(self->fd, self->xchg, &in));
	EXPECT_EQ(0, in.u.xchg.waiters);
	EXPECT_EQ(COUNT, pool_free(self->fd, self->pool));
}

TEST_HARNESS_MAIN
