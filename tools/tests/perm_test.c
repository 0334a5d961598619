// SPDX-License-Identifier: GPL-2.0
/*
 * Permissions: a process running as nobody (65534) cannot open, map, send
 * to or destroy objects it has no rights to; a read-only right gives a
 * read-only mapping that really is read-only (a write is SIGSEGV, and it
 * cannot be mprotect()ed writable).  Needs root to switch users.
 */
#include <grp.h>
#include <sys/mman.h>
#include "kselftest_harness.h"
#include "xm_test.h"

#define NOBODY	65534
#define BS	4096

FIXTURE(perm) {
	struct xm *x;
	int ppriv, pro, xpriv, xro, xwo, spriv, spub;
	char n_ppriv[XMSG_NAME_MAX], n_pro[XMSG_NAME_MAX];
	char n_xpriv[XMSG_NAME_MAX], n_xro[XMSG_NAME_MAX];
	char n_xwo[XMSG_NAME_MAX], n_spriv[XMSG_NAME_MAX];
	char n_spub[XMSG_NAME_MAX];
};

FIXTURE_SETUP(perm)
{
	if (geteuid() != 0)
		SKIP(return, "needs root to switch to uid %d", NOBODY);
	ASSERT_EQ(0, xm_open(&self->x, NULL)) TH_LOG("no /dev/xmsg?");
	self->ppriv = xm_pool_create(self->x, xt_name(self->n_ppriv, "ppriv"),
				     BS, 4, 0600, XMSG_CREATE_EXCL);
	self->pro = xm_pool_create(self->x, xt_name(self->n_pro, "pro"), BS,
				   4, 0644, XMSG_CREATE_EXCL);
	self->xpriv = xm_xchg_create(self->x, xt_name(self->n_xpriv, "xpriv"),
				     XMSG_XCHG_KIND_NORMAL, 0, 0600,
				     XMSG_CREATE_EXCL);
	self->xro = xm_xchg_create(self->x, xt_name(self->n_xro, "xro"),
				   XMSG_XCHG_KIND_NORMAL, 0, 0644,
				   XMSG_CREATE_EXCL);
	self->xwo = xm_xchg_create(self->x, xt_name(self->n_xwo, "xwo"),
				   XMSG_XCHG_KIND_NORMAL, 0, 0602,
				   XMSG_CREATE_EXCL);
	self->spriv = xm_sem_create(self->x, xt_name(self->n_spriv, "spriv"),
				    XMSG_SEM_KIND_COUNT, 0, 0, 0600,
				    XMSG_CREATE_EXCL);
	self->spub = xm_sem_create(self->x, xt_name(self->n_spub, "spub"),
				   XMSG_SEM_KIND_COUNT, 0, 0, 0666,
				   XMSG_CREATE_EXCL);
	ASSERT_LT(0, self->ppriv);
	ASSERT_LT(0, self->pro);
	ASSERT_LT(0, self->xpriv);
	ASSERT_LT(0, self->xro);
	ASSERT_LT(0, self->xwo);
	ASSERT_LT(0, self->spriv);
	ASSERT_LT(0, self->spub);
}

FIXTURE_TEARDOWN(perm)
{
	if (!self->x)
		return;
	xm_destroy(self->x, self->spub);
	xm_destroy(self->x, self->spriv);
	xm_destroy(self->x, self->xwo);
	xm_destroy(self->x, self->xro);
	xm_destroy(self->x, self->xpriv);
	xm_pool_destroy(self->x, self->pro);
	xm_pool_destroy(self->x, self->ppriv);
	xm_close(self->x);
}

#define RUN_AS_NOBODY(...) do {					\
	pid_t __pid = fork();						\
	ASSERT_LE(0, __pid);						\
	if (__pid == 0) {						\
		struct xm *x = xt_become_nobody(self->x);		\
		__VA_ARGS__						\
		xm_close(x);						\
		_exit(0);						\
	}								\
	ASSERT_EQ(0, xt_wait(__pid));					\
} while (0)

TEST_F(perm, owner_and_mode_reported)
{
	struct xmsg_info in;

	ASSERT_EQ(0, xm_info(self->x, self->xwo, &in));
	ASSERT_EQ((uint32_t)XMSG_TYPE_XCHG, in.type);
	ASSERT_EQ(0602U, in.mode);
	ASSERT_EQ(0U, in.uid);
	ASSERT_EQ(0U, in.gid);
	ASSERT_STREQ(self->n_xwo, in.name);
	ASSERT_EQ((uint32_t)XMSG_ACC_RDWR, in.rights);
}

TEST_F(perm, nobody_cannot_open_private_objects)
{
	RUN_AS_NOBODY({
		CHILD_CHECK(xm_pool_open(x, self->n_ppriv, XMSG_ACC_READ) ==
			    -EACCES, 1);
		CHILD_CHECK(xm_pool_open(x, self->n_ppriv, XMSG_ACC_WRITE) ==
			    -EACCES, 2);
		CHILD_CHECK(xm_xchg_open(x, self->n_xpriv, XMSG_ACC_READ) ==
			    -EACCES, 3);
		CHILD_CHECK(xm_xchg_open(x, self->n_xpriv, XMSG_ACC_WRITE) ==
			    -EACCES, 4);
		CHILD_CHECK(xm_sem_open(x, self->n_spriv, XMSG_ACC_READ) ==
			    -EACCES, 5);
		CHILD_CHECK(xm_sem_open(x, self->n_spriv, XMSG_ACC_WRITE) ==
			    -EACCES, 6);
		/* create-or-open of an existing object is checked too */
		CHILD_CHECK(xm_xchg_create(x, self->n_xpriv,
					   XMSG_XCHG_KIND_NORMAL, 0, 0666, 0) ==
			    -EACCES, 7);
		/* a name that does not exist is still -ENOENT */
		CHILD_CHECK(xm_pool_open(x, "no.such.pool", XMSG_ACC_READ) ==
			    -ENOENT, 8);
	});
}

TEST_F(perm, nobody_read_right_only)
{
	struct xm_msg m;

	/* root posts a message in the world-readable pool */
	ASSERT_EQ(0, xm_msg_get(self->x, self->pro, &m));
	strcpy(m.body, "readable by all");
	ASSERT_EQ(0, xm_send(self->x, self->xro, m.handle, 0, 0, 0));
	RUN_AS_NOBODY({
		struct xmsg_info in;
		struct xm_msg r = { 0 }, g;
		int pool, xchg;

		CHILD_CHECK(xm_pool_open(x, self->n_pro, XMSG_ACC_RDWR) ==
			    -EACCES, 1);
		pool = xm_pool_open(x, self->n_pro, XMSG_ACC_READ);
		CHILD_CHECK(pool > 0, 2);
		CHILD_CHECK(xm_info(x, pool, &in) == 0 &&
			    in.rights == XMSG_ACC_READ, 3);
		/* getting blocks needs the write right */
		CHILD_CHECK(xm_msg_get(x, pool, &g) == -EACCES, 4);
		CHILD_CHECK(xm_block_get(x, pool, &g) == -EACCES, 5);
		CHILD_CHECK(xm_xchg_open(x, self->n_xro, XMSG_ACC_WRITE) ==
			    -EACCES, 6);
		xchg = xm_xchg_open(x, self->n_xro, XMSG_ACC_READ);
		CHILD_CHECK(xchg > 0, 7);
		CHILD_CHECK(xm_recv(x, xchg, XM_NOWAIT, 0, &r) == 0, 8);
		CHILD_CHECK(r.body != NULL, 9);
		CHILD_CHECK(!strcmp(r.body, "readable by all"), 10);
		CHILD_CHECK(xm_msg_rel(x, r.handle) == 0, 11);
	});
}

TEST_F(perm, read_only_mapping_is_read_only)
{
	struct xm_msg m;

	ASSERT_EQ(0, xm_msg_get(self->x, self->pro, &m));
	strcpy(m.body, "do not touch");
	RUN_AS_NOBODY({
		int pool = xm_pool_open(x, self->n_pro, XMSG_ACC_READ);
		struct xmsg_pool_info pi;
		off_t off = (off_t)XMSG_MMAP_OFFSET(pool);
		char *p;
		pid_t pid;
		int st;

		CHILD_CHECK(pool > 0, 1);
		CHILD_CHECK(xm_pool_info(x, pool, &pi) == 0, 2);
		/* more rights than the handle has: refused */
		p = mmap(NULL, pi.region_size, PROT_READ | PROT_WRITE,
			 MAP_SHARED, xm_fd(x), off);
		CHILD_CHECK(p == MAP_FAILED && errno == EACCES, 3);
		/* beyond the region: refused */
		p = mmap(NULL, pi.region_size + 65536, PROT_READ, MAP_SHARED,
			 xm_fd(x), off);
		CHILD_CHECK(p == MAP_FAILED, 4);
		p = mmap(NULL, pi.region_size, PROT_READ, MAP_SHARED,
			 xm_fd(x), off);
		CHILD_CHECK(p != MAP_FAILED, 5);
		CHILD_CHECK(!strcmp(p + m.offset, "do not touch"), 6);
		/* and it cannot be made writable afterwards */
		CHILD_CHECK(mprotect(p, pi.region_size,
				     PROT_READ | PROT_WRITE) != 0, 7);
		/* a write is SIGSEGV */
		pid = fork();
		CHILD_CHECK(pid >= 0, 8);
		if (pid == 0) {
			p[m.offset] = 'X';
			_exit(0);
		}
		CHILD_CHECK(waitpid(pid, &st, 0) == pid, 9);
		CHILD_CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, 10);
		CHILD_CHECK(!strcmp(p + m.offset, "do not touch"), 11);
		munmap(p, pi.region_size);
	});
	ASSERT_STREQ("do not touch", (char *)m.body);
	ASSERT_EQ(0, xm_msg_rel(self->x, m.handle));
}

TEST_F(perm, root_read_only_handle_maps_read_only)
{
	struct xmsg_pool_info pi;
	void *p;
	int h;

	h = xm_pool_open(self->x, self->n_ppriv, XMSG_ACC_READ);
	ASSERT_LT(0, h);
	ASSERT_EQ(0, xm_pool_info(self->x, h, &pi));
	p = mmap(NULL, pi.region_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 xm_fd(self->x), (off_t)XMSG_MMAP_OFFSET(h));
	ASSERT_EQ(MAP_FAILED, p);
	ASSERT_EQ(EACCES, errno);
	ASSERT_EQ(0, xm_handle_close(self->x, h));
}

/*
 * Write without read on a pool allows nothing: a block taken may hold its
 * last user's bytes, and a mapping shows every block.
 */
TEST_F(perm, write_only_pool_handle_can_neither_map_nor_take)
{
	struct xmsg_pool_info pi;
	char name[XMSG_NAME_MAX];
	struct xm_msg m;
	int pwo;

	pwo = xm_pool_create(self->x, xt_name(name, "pwo"), BS, 4, 0622,
			     XMSG_CREATE_EXCL);
	ASSERT_LT(0, pwo);
	ASSERT_EQ(0, xm_msg_get(self->x, pwo, &m));
	strcpy(m.body, "secret");
	ASSERT_EQ(0, xm_msg_rel(self->x, m.handle));
	RUN_AS_NOBODY({
		int pool = xm_pool_open(x, name, XMSG_ACC_WRITE);
		off_t off = (off_t)XMSG_MMAP_OFFSET(pool);
		struct xm_msg b;
		void *p;

		CHILD_CHECK(pool > 0, 1);
		p = mmap(NULL, BS, PROT_READ, MAP_SHARED, xm_fd(x), off);
		CHILD_CHECK(p == MAP_FAILED && errno == EACCES, 2);
		p = mmap(NULL, BS, PROT_READ | PROT_WRITE, MAP_SHARED,
			 xm_fd(x), off);
		CHILD_CHECK(p == MAP_FAILED && errno == EACCES, 3);
		CHILD_CHECK(xm_msg_get(x, pool, &b) == -EACCES, 4);
		CHILD_CHECK(xm_block_get(x, pool, &b) == -EACCES, 5);
		CHILD_CHECK(xm_bcb_get(x, pool, &b) == -EACCES, 6);
		/* read alone (the mode has no read for others): refused */
		CHILD_CHECK(xm_pool_open(x, name, XMSG_ACC_READ) == -EACCES, 7);
	});
	/* nothing was taken: all four blocks are free */
	ASSERT_EQ(0, xm_pool_info(self->x, pwo, &pi));
	ASSERT_EQ(4ULL, pi.free);
	ASSERT_EQ(0, xm_pool_destroy(self->x, pwo));
}

TEST_F(perm, nobody_cannot_send_without_write_right)
{
	char own[XMSG_NAME_MAX];
	struct xm_msg r = { 0 };
	int h;

	xt_name(own, "nobodys");
	RUN_AS_NOBODY({
		struct xm_msg m;
		int pool, xro, xwo;

		/* nobody's own pool, so that it has a message to send */
		pool = xm_pool_create(x, own, 256, 2, 0600, XMSG_CREATE_EXCL);
		CHILD_CHECK(pool > 0, 1);
		CHILD_CHECK(xm_msg_get(x, pool, &m) == 0, 2);
		strcpy(m.body, "from nobody");
		xro = xm_xchg_open(x, self->n_xro, XMSG_ACC_READ);
		CHILD_CHECK(xro > 0, 3);
		CHILD_CHECK(xm_send(x, xro, m.handle, 0, 0, 0) == -EACCES, 4);
		/* write-only for others: may send, may not receive */
		CHILD_CHECK(xm_xchg_open(x, self->n_xwo, XMSG_ACC_READ) ==
			    -EACCES, 5);
		xwo = xm_xchg_open(x, self->n_xwo, XMSG_ACC_WRITE);
		CHILD_CHECK(xwo > 0, 6);
		CHILD_CHECK(xm_send(x, xwo, m.handle, 0, 0, 0) == 0, 7);
	});
	/* the message arrived; root may open nobody's pool (CAP_IPC_OWNER) */
	h = xm_pool_open(self->x, own, XMSG_ACC_READ);
	ASSERT_LT(0, h);
	ASSERT_EQ(0, xm_recv(self->x, self->xwo, XM_NOWAIT, 0, &r));
	ASSERT_EQ((uint32_t)h, r.pool);
	ASSERT_STREQ("from nobody", (char *)r.body);
	ASSERT_EQ(0, xm_msg_rel(self->x, r.handle));
	ASSERT_EQ(0, xm_pool_destroy(self->x, h));
}

TEST_F(perm, nobody_cannot_destroy_others_objects)
{
	RUN_AS_NOBODY({
		int s = xm_sem_open(x, self->n_spub, XMSG_ACC_RDWR);

		CHILD_CHECK(s > 0, 1);
		CHILD_CHECK(xm_sem_signal(x, s, 0) == 0, 2);
		CHILD_CHECK(xm_destroy(x, s) == -EPERM, 3);
		CHILD_CHECK(xm_sem_wait(x, s, XM_NOWAIT) == 0, 4);
	});
	/* still there and usable by its owner */
	ASSERT_EQ(0, xm_sem_signal(self->x, self->spub, 0));
	ASSERT_EQ(0, xm_sem_wait(self->x, self->spub, XM_NOWAIT));
}

TEST_HARNESS_MAIN
