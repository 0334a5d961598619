// SPDX-License-Identifier: GPL-2.0
/*
 * IPC namespaces: a process in a new IPC namespace (unshare -i) does not
 * see the objects of the outer one, and its own objects of the same names
 * are different objects.  Needs CAP_SYS_ADMIN (root in the VM).
 */
#include <sched.h>
#include "kselftest_harness.h"
#include "xm_test.h"

#define SKIP_CODE	77

FIXTURE(ns) {
	struct xm *x;
	int pool, xchg, sem;
	char pname[XMSG_NAME_MAX], xname[XMSG_NAME_MAX];
	char sname[XMSG_NAME_MAX];
};

FIXTURE_SETUP(ns)
{
	ASSERT_EQ(0, xm_open(&self->x, NULL)) TH_LOG("no /dev/xmsg?");
	self->pool = xm_pool_create(self->x, xt_name(self->pname, "pool"),
				    256, 4, 0666, XMSG_CREATE_EXCL);
	self->xchg = xm_xchg_create(self->x, xt_name(self->xname, "xchg"),
				    XMSG_XCHG_KIND_NORMAL, 0, 0666,
				    XMSG_CREATE_EXCL);
	self->sem = xm_sem_create(self->x, xt_name(self->sname, "sem"),
				  XMSG_SEM_KIND_COUNT, 0, 0, 0666,
				  XMSG_CREATE_EXCL);
	ASSERT_LT(0, self->pool);
	ASSERT_LT(0, self->xchg);
	ASSERT_LT(0, self->sem);
}

FIXTURE_TEARDOWN(ns)
{
	if (!self->x)
		return;
	xm_destroy(self->x, self->sem);
	xm_destroy(self->x, self->xchg);
	xm_pool_destroy(self->x, self->pool);
	xm_close(self->x);
}

static int listed(struct xm *x, const char *name)
{
	struct xmsg_list_entry *v;
	size_t n, i;
	int found = 0;

	if (xm_list(x, 0, &v, &n))
		return -1;
	for (i = 0; i < n; i++)
		if (!strncmp(v[i].name, name, XMSG_NAME_MAX))
			found = 1;
	free(v);
	return found;
}

/* In a new IPC namespace: nothing of the outer one is visible; the same
 * names can be created afresh and are used, then destroyed.
 */
static void inner(FIXTURE_DATA(ns) *self)
{
	struct xm_msg m, r = { 0 };
	struct xm *x;
	int p, e, s;

	xm_close(self->x);
	if (unshare(CLONE_NEWIPC)) {
		fprintf(stderr, "unshare(CLONE_NEWIPC): %s\n", strerror(errno));
		_exit(SKIP_CODE);
	}
	CHILD_CHECK(xm_open(&x, NULL) == 0, 10);
	CHILD_CHECK(xm_pool_open(x, self->pname, XMSG_ACC_READ) == -ENOENT,
		    11);
	CHILD_CHECK(xm_xchg_open(x, self->xname, XMSG_ACC_READ) == -ENOENT,
		    12);
	CHILD_CHECK(xm_sem_open(x, self->sname, XMSG_ACC_READ) == -ENOENT, 13);
	CHILD_CHECK(listed(x, self->pname) == 0, 14);
	CHILD_CHECK(listed(x, self->xname) == 0, 15);
	/* the same names, exclusively: they do not exist here */
	p = xm_pool_create(x, self->pname, 512, 2, 0600, XMSG_CREATE_EXCL);
	e = xm_xchg_create(x, self->xname, XMSG_XCHG_KIND_NORMAL, 0, 0600,
			   XMSG_CREATE_EXCL);
	s = xm_sem_create(x, self->sname, XMSG_SEM_KIND_COUNT, 0, 0, 0600,
			  XMSG_CREATE_EXCL);
	CHILD_CHECK(p > 0 && e > 0 && s > 0, 16);
	CHILD_CHECK(listed(x, self->xname) == 1, 17);
	CHILD_CHECK(xm_msg_get(x, p, &m) == 0, 18);
	CHILD_CHECK(m.length >= 512, 19);
	CHILD_CHECK(xm_send(x, e, m.handle, 0, 0, 0) == 0, 20);
	CHILD_CHECK(xm_sem_signal(x, s, 0) == 0, 21);
	CHILD_CHECK(xm_recv(x, e, XM_NOWAIT, 0, &r) == 0, 22);
	CHILD_CHECK(xm_msg_rel(x, r.handle) == 0, 23);
	CHILD_CHECK(xm_sem_wait(x, s, XM_NOWAIT) == 0, 24);
	CHILD_CHECK(xm_destroy(x, s) == 0, 25);
	CHILD_CHECK(xm_destroy(x, e) == 0, 26);
	CHILD_CHECK(xm_pool_destroy(x, p) == 0, 27);
	xm_close(x);
	_exit(0);
}

TEST_F(ns, new_ipc_ns_does_not_see_outer_objects)
{
	struct xmsg_info in;
	pid_t pid;
	int st;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0)
		inner(self);
	st = xt_wait(pid);
	if (st == SKIP_CODE)
		SKIP(return, "cannot unshare the IPC namespace");
	ASSERT_EQ(0, st);
	/* the outer objects were not touched */
	ASSERT_EQ(0, xm_info(self->x, self->xchg, &in));
	ASSERT_EQ(0U, in.u.xchg.sent);
	ASSERT_EQ(0, xm_info(self->x, self->sem, &in));
	ASSERT_EQ(0U, in.u.sem.signals);
	ASSERT_EQ(0, xm_info(self->x, self->pool, &in));
	ASSERT_EQ(0U, in.u.pool.high_water);
	ASSERT_EQ(4U, in.u.pool.count);
	ASSERT_EQ(1, listed(self->x, self->xname));
	/* and they are still reachable by name from here */
	ASSERT_LT(0, xm_xchg_open(self->x, self->xname, XMSG_ACC_READ));
}

/* Two sibling namespaces: the same name exclusively in both. */
TEST_F(ns, sibling_namespaces_are_separate)
{
	pid_t pid[2];
	int i, st;

	for (i = 0; i < 2; i++) {
		pid[i] = fork();
		ASSERT_LE(0, pid[i]);
		if (pid[i] == 0)
			inner(self);
	}
	for (i = 0; i < 2; i++) {
		st = xt_wait(pid[i]);
		if (st == SKIP_CODE)
			SKIP(return, "cannot unshare the IPC namespace");
		ASSERT_EQ(0, st);
	}
}

/* Back in the outer namespace, a child (no unshare) does see them. */
TEST_F(ns, same_namespace_child_sees_objects)
{
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct xm *x;

		xm_close(self->x);
		CHILD_CHECK(xm_open(&x, NULL) == 0, 10);
		CHILD_CHECK(xm_pool_open(x, self->pname, XMSG_ACC_READ) > 0,
			    11);
		CHILD_CHECK(xm_xchg_open(x, self->xname, XMSG_ACC_WRITE) > 0,
			    12);
		CHILD_CHECK(xm_sem_open(x, self->sname, XMSG_ACC_WRITE) > 0,
			    13);
		xm_close(x);
		_exit(0);
	}
	ASSERT_EQ(0, xt_wait(pid));
}

TEST_HARNESS_MAIN
