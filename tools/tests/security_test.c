// SPDX-License-Identifier: GPL-2.0
/*
 * Attacks an unprivileged user could try, each of which once worked:
 *
 *  - attach an object it may only read as the reply handle of its own
 *    message, receive the message and use the reply handle to write;
 *  - unshare a user + IPC namespace, become "root" there, and destroy (or
 *    open) objects of the namespace it came from with CAP_IPC_OWNER;
 *  - grow a received message back to its block size, or unmake it, and
 *    read the stale bytes behind what it was sent;
 *  - loop "unshare -Ui; create an object" until its quota is gone for
 *    good and the kernel holds every namespace.
 *
 * Root sets the stage; the attacks run as nobody (65534).  Needs root.
 */
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <sys/stat.h>
#include "kselftest_harness.h"
#include "xm_test.h"
#include "xt_param.h"

#define NOBODY	65534
#define BS	256

FIXTURE(sec) {
	struct xm *x;
	int pool, xro, sro;
	char n_pool[XMSG_NAME_MAX], n_xro[XMSG_NAME_MAX];
	char n_sro[XMSG_NAME_MAX];
};

FIXTURE_SETUP(sec)
{
	if (geteuid() != 0)
		SKIP(return, "needs root to switch to uid %d", NOBODY);
	ASSERT_EQ(0, xm_open(&self->x, NULL)) TH_LOG("no /dev/xmsg?");
	/* a private pool, an exchange and a semaphore others may only read */
	self->pool = xm_pool_create(self->x, xt_name(self->n_pool, "pool"), BS,
				    4, 0600, XMSG_CREATE_EXCL);
	self->xro = xm_xchg_create(self->x, xt_name(self->n_xro, "xro"),
				   XMSG_XCHG_KIND_NORMAL, 0, 0644,
				   XMSG_CREATE_EXCL);
	self->sro = xm_sem_create(self->x, xt_name(self->n_sro, "sro"),
				  XMSG_SEM_KIND_COUNT, 0, 0, 0644,
				  XMSG_CREATE_EXCL);
	ASSERT_LT(0, self->pool);
	ASSERT_LT(0, self->xro);
	ASSERT_LT(0, self->sro);
}

FIXTURE_TEARDOWN(sec)
{
	if (!self->x)
		return;
	xm_destroy(self->x, self->sro);
	xm_destroy(self->x, self->xro);
	xm_pool_destroy(self->x, self->pool);
	xm_close(self->x);
}

static void drop_to_nobody(void)
{
	CHILD_CHECK(setgroups(0, NULL) == 0, 90);
	CHILD_CHECK(setgid(NOBODY) == 0, 91);
	CHILD_CHECK(setuid(NOBODY) == 0, 92);
}

/* Fork, drop the inherited context, become nobody, run the body. */
#define AS_NOBODY(...) do {						\
	pid_t __pid = fork();						\
	ASSERT_LE(0, __pid);						\
	if (__pid == 0) {						\
		struct xm *x;						\
		xm_close(self->x);					\
		drop_to_nobody();					\
		CHILD_CHECK(xm_open(&x, NULL) == 0, 94);		\
		__VA_ARGS__						\
		_exit(0);						\
	}								\
	ASSERT_EQ(0, xt_wait(__pid));					\
} while (0)

/* nobody's own pool and exchange, and a message to send */
static void own_stage(struct xm *x, const char *tag, int *pool, int *xchg,
		      struct xm_msg *m)
{
	char n[XMSG_NAME_MAX];

	*pool = xm_pool_create(x, xt_name(n, tag), BS, 2, 0600,
			       XMSG_CREATE_EXCL);
	CHILD_CHECK(*pool > 0, 80);
	*xchg = xm_xchg_create(x, "", XMSG_XCHG_KIND_NORMAL, 0, 0600, 0);
	CHILD_CHECK(*xchg > 0, 81);
	CHILD_CHECK(xm_msg_get(x, *pool, m) == 0, 82);
}

TEST_F(sec, reply_handle_needs_write_right)
{
	AS_NOBODY({
		int pool, own, xro, sro;
		struct xm_msg m, r;

		own_stage(x, "rpool", &pool, &own, &m);
		xro = xm_xchg_open(x, self->n_xro, XMSG_ACC_READ);
		sro = xm_sem_open(x, self->n_sro, XMSG_ACC_READ);
		CHILD_CHECK(xro > 0 && sro > 0, 1);
		/* read right only: may not become a reply handle */
		CHILD_CHECK(xm_send(x, own, m.handle, 0, xro, 0) == -EACCES, 2);
		CHILD_CHECK(xm_send(x, own, m.handle, 0, sro, 0) == -EACCES, 3);
		/* the message is still ours, and goes with no reply handle */
		CHILD_CHECK(xm_send(x, own, m.handle, 0, 0, 0) == 0, 4);
		CHILD_CHECK(xm_recv(x, own, XM_NOWAIT, 0, &r) == 0, 5);
		CHILD_CHECK(r.reply == 0, 6);
		CHILD_CHECK(xm_msg_rel(x, r.handle) == 0, 7);
	});
	/* nothing reached the read-only exchange, nothing signalled */
	EXPECT_EQ(-EAGAIN, xm_recv(self->x, self->xro, XM_NOWAIT, 0,
				   &(struct xm_msg){ 0 }));
	EXPECT_EQ(-EAGAIN, xm_sem_wait(self->x, self->sro, XM_NOWAIT));
}

TEST_F(sec, reply_handle_with_write_right_works)
{
	struct xm_msg m, r;
	int own;

	own = xm_xchg_create(self->x, "", XMSG_XCHG_KIND_NORMAL, 0, 0600, 0);
	ASSERT_LT(0, own);
	ASSERT_EQ(0, xm_msg_get(self->x, self->pool, &m));
	ASSERT_EQ(0, xm_send(self->x, own, m.handle, 0, self->sro, 0));
	ASSERT_EQ(0, xm_recv(self->x, own, XM_NOWAIT, 0, &r));
	ASSERT_LT(0U, r.reply);
	EXPECT_EQ(0, xm_sem_signal(self->x, r.reply, 0));
	EXPECT_EQ(0, xm_sem_wait(self->x, self->sro, XM_NOWAIT));
	EXPECT_EQ(0, xm_handle_close(self->x, r.reply));
	EXPECT_EQ(0, xm_msg_rel(self->x, r.handle));
	EXPECT_EQ(0, xm_destroy(self->x, own));
}

/* In a new user + IPC namespace: 0 = done, 77 = not allowed here. */
static int enter_userns(void)
{
	if (unshare(CLONE_NEWUSER | CLONE_NEWIPC))
		return errno == EPERM || errno == EINVAL || errno == ENOSPC ?
		       77 : 1;
	return 0;
}

TEST_F(sec, no_capability_from_a_new_user_namespace)
{
	pid_t pid = fork();
	int st;

	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct xm *x;
		int h, s, rc;

		xm_close(self->x);
		drop_to_nobody();
		CHILD_CHECK(xm_open(&x, NULL) == 0, 1);
		h = xm_xchg_open(x, self->n_xro, XMSG_ACC_READ);
		s = xm_sem_open(x, self->n_sro, XMSG_ACC_READ);
		CHILD_CHECK(h > 0 && s > 0, 2);
		CHILD_CHECK(xm_destroy(x, h) == -EPERM, 3);
		rc = enter_userns();
		if (rc)
			_exit(rc);
		/* root of its own namespaces now, not of the objects' */
		CHILD_CHECK(xm_destroy(x, h) == -EPERM, 4);
		CHILD_CHECK(xm_destroy(x, s) == -EPERM, 5);
		_exit(0);
	}
	st = xt_wait(pid);
	if (st == 77)
		SKIP(return, "unprivileged user namespaces are off");
	ASSERT_EQ(0, st);
	/* both still there under their names */
	EXPECT_LT(0, xm_xchg_open(self->x, self->n_xro, XMSG_ACC_READ));
	EXPECT_LT(0, xm_sem_open(self->x, self->n_sro, XMSG_ACC_READ));
}

TEST_F(sec, receiver_sees_only_what_was_sent)
{
	struct xm_msg m;
	int xw;
	char n[XMSG_NAME_MAX];

	xw = xm_xchg_create(self->x, xt_name(n, "xw"), XMSG_XCHG_KIND_NORMAL,
			    0, 0666, XMSG_CREATE_EXCL);
	ASSERT_LT(0, xw);
	/* root's private pool: a secret behind two bytes that are sent */
	ASSERT_EQ(0, xm_msg_get(self->x, self->pool, &m));
	memset(m.body, 0, BS);
	strcpy((char *)m.body, "hi");
	strcpy((char *)m.body + 100, "secret");
	ASSERT_EQ(0, xm_msg_set_length(self->x, m.handle, 2));
	ASSERT_EQ(0, xm_send(self->x, xw, m.handle, 0, 0, 0));
	AS_NOBODY({
		struct xm_msg r, u;
		char buf[BS];
		int h = xm_xchg_open(x, n, XMSG_ACC_READ);

		CHILD_CHECK(h > 0, 1);
		CHILD_CHECK(xm_recv(x, h, XM_NOWAIT, 0, &r) == 0, 2);
		CHILD_CHECK(r.length == 2, 3);
		CHILD_CHECK(xm_msg_read(x, r.handle, 0, buf, 2) == 0, 4);
		CHILD_CHECK(!memcmp(buf, "hi", 2), 5);
		CHILD_CHECK(xm_msg_read(x, r.handle, 0, buf, BS) == -ERANGE, 6);
		/* no growing back, no bare block */
		CHILD_CHECK(xm_msg_set_length(x, r.handle, BS) == -EACCES, 7);
		CHILD_CHECK(xm_msg_set_length(x, r.handle, 3) == -EACCES, 8);
		CHILD_CHECK(xm_msg_unmake(x, r.handle, &u) == -EACCES, 9);
		CHILD_CHECK(xm_msg_read(x, r.handle, 100, buf, 6) == -ERANGE,
			    10);
		/* shrinking is fine */
		CHILD_CHECK(xm_msg_set_length(x, r.handle, 1) == 0, 11);
		CHILD_CHECK(xm_msg_rel(x, r.handle) == 0, 12);
	});
	/* the pool's owner (write right) may still grow its messages */
	ASSERT_EQ(0, xm_msg_get(self->x, self->pool, &m));
	EXPECT_EQ(0, xm_msg_set_length(self->x, m.handle, 2));
	EXPECT_EQ(0, xm_msg_set_length(self->x, m.handle, BS));
	EXPECT_EQ(0, xm_msg_rel(self->x, m.handle));
	EXPECT_EQ(0, xm_destroy(self->x, xw));
}

#define NS_ROUNDS	12

/* One round: a new user + IPC namespace, one named object, exit. */
static int ns_round(int i)
{
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		char n[XMSG_NAME_MAX];
		struct xm *x;
		int rc = enter_userns(), h;

		if (rc)
			_exit(rc);
		CHILD_CHECK(xm_open(&x, NULL) == 0, 2);
		snprintf(n, sizeof(n), "ns.round.%d", i);
		h = xm_xchg_create(x, n, XMSG_XCHG_KIND_NORMAL, 1, 0600,
				   XMSG_CREATE_EXCL);
		if (h < 0)
			fprintf(stderr, "round %d: create: %s\n", i,
				strerror(-h));
		_exit(h > 0 ? 0 : 3);
	}
	return xt_wait(pid);
}

TEST_F(sec, namespaces_do_not_keep_objects_or_quota)
{
	long old;
	int i, st = 0;
	pid_t pid;

	ASSERT_EQ(0, xt_write_param("max_objects", 4, &old));
	pid = fork();
	if (pid == 0) {
		xm_close(self->x);
		drop_to_nobody();
		for (i = 0; i < NS_ROUNDS; i++) {
			st = ns_round(i);
			if (st)
				_exit(st == 77 ? 77 : 10 + i);
		}
		_exit(0);
	}
	st = xt_wait(pid);
	ASSERT_EQ(0, xt_write_param("max_objects", old, NULL));
	if (st == 77)
		SKIP(return, "unprivileged user namespaces are off");
	/* 10 + i: round i found the quota (4) still held by dead rounds */
	ASSERT_EQ(0, st);
}

#define GATE_GID	4242

TEST_F(sec, create_gid_gate)
{
	long old;
	pid_t pid;
	int h;

	ASSERT_EQ(0, xt_write_param("create_gid", GATE_GID, &old));
	ASSERT_EQ(-1, old);
	/* nobody outside the group: no create, but may open what it may */
	AS_NOBODY({
		CHILD_CHECK(xm_xchg_create(x, "", XMSG_XCHG_KIND_NORMAL, 0,
					   0600, 0) == -EPERM, 1);
		CHILD_CHECK(xm_pool_create(x, "gate.p", 64, 1, 0600, 0) ==
			    -EPERM, 2);
		CHILD_CHECK(xm_xchg_open(x, self->n_xro, XMSG_ACC_READ) > 0, 3);
		/* create-or-open of an existing object is an open */
		CHILD_CHECK(xm_xchg_create(x, self->n_xro,
					   XMSG_XCHG_KIND_NORMAL, 0, 0644,
					   0) == -EACCES, 4);
	});
	/* a member of the group may */
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		gid_t g = GATE_GID;
		struct xm *x;

		xm_close(self->x);
		CHILD_CHECK(setgroups(1, &g) == 0, 1);
		CHILD_CHECK(setgid(NOBODY) == 0, 2);
		CHILD_CHECK(setuid(NOBODY) == 0, 3);
		CHILD_CHECK(xm_open(&x, NULL) == 0, 4);
		CHILD_CHECK(xm_xchg_create(x, "", XMSG_XCHG_KIND_NORMAL, 0,
					   0600, 0) > 0, 5);
		_exit(0);
	}
	EXPECT_EQ(0, xt_wait(pid));
	/* root has CAP_IPC_OWNER */
	h = xm_xchg_create(self->x, "", XMSG_XCHG_KIND_NORMAL, 0, 0600, 0);
	EXPECT_LT(0, h);
	ASSERT_EQ(0, xt_write_param("create_gid", -1, NULL));
	if (h > 0)
		EXPECT_EQ(0, xm_destroy(self->x, h));
}

/*
 * A namespace left with a pool whose message waits at an exchange of the
 * same namespace: the reap destroys the exchange first (the message goes
 * back), then the idle pool.  It used to drop the pool first, busy, and
 * leak it with its region.  The pool's debugfs file tells it is gone.
 */
TEST_F(sec, reaped_namespace_frees_its_pools)
{
	char path[128], n[XMSG_NAME_MAX];
	pid_t pid;
	int st;

	snprintf(n, sizeof(n), "reap.p%d", (int)getpid());
	snprintf(path, sizeof(path), "/sys/kernel/debug/xmsg/pools/%s", n);
	if (access("/sys/kernel/debug/xmsg/pools", F_OK))
		SKIP(return, "no xmsg debugfs");
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct xm_msg m;
		struct xm *x;
		int xc, pool, rc;

		xm_close(self->x);
		drop_to_nobody();
		rc = enter_userns();
		if (rc)
			_exit(rc);
		CHILD_CHECK(xm_open(&x, NULL) == 0, 1);
		xc = xm_xchg_create(x, "reap.x", XMSG_XCHG_KIND_NORMAL, 0,
				    0600, XMSG_CREATE_EXCL);
		pool = xm_pool_create(x, n, BS, 4, 0600, XMSG_CREATE_EXCL);
		CHILD_CHECK(xc > 0 && pool > 0, 2);
		CHILD_CHECK(xm_msg_get(x, pool, &m) == 0, 4);
		CHILD_CHECK(xm_send(x, xc, m.handle, 0, 0, 0) == 0, 5);
		_exit(0);	/* the namespace goes with us */
	}
	st = xt_wait(pid);
	if (st == 77)
		SKIP(return, "unprivileged user namespaces are off");
	ASSERT_EQ(0, st);
	/* reaped at the child's release; a later reap would do too */
	if (!access(path, F_OK)) {
		int h = xm_xchg_create(self->x, "", XMSG_XCHG_KIND_NORMAL, 0,
				       0600, 0);

		if (h > 0)
			xm_destroy(self->x, h);
	}
	EXPECT_NE(0, access(path, F_OK)) TH_LOG("pool %s still exists", n);
}

/* /dev/xmsg has the mode the dev_mode parameter asked for. */
TEST_F(sec, device_node_mode)
{
	char buf[32];
	struct stat st;
	ssize_t n;
	int fd;

	fd = open("/sys/module/xmsg/parameters/dev_mode", O_RDONLY);
	ASSERT_LE(0, fd);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	ASSERT_LT(0, n);
	buf[n] = 0;
	ASSERT_EQ(0, stat("/dev/xmsg", &st));
	EXPECT_EQ(strtoul(buf, NULL, 10) & 0777, st.st_mode & 0777);
	EXPECT_TRUE(S_ISCHR(st.st_mode));
}

TEST_HARNESS_MAIN
