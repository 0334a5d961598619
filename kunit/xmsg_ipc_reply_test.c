// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: xmsg reply handles (set, reply through a semaphore or an
 * exchange, references, errors).
 */
#include <kunit/test.h>
#include <linux/module.h>
#include "xmsg_ipc_test.h"

static unsigned int obj_refs(struct xmsg_obj *obj)
{
	return kref_read(&obj->ref);
}

static void reply_set(struct kunit *test)
{
	struct ipc_t_env *env = ipc_t_env(test);
	struct xmsg_sem *sem = ipc_t_sem(test, XMSG_SEM_KIND_COUNT, 0, 0);
	struct xmsg_xchg *xchg = ipc_t_xchg(test, XMSG_XCHG_KIND_NORMAL, 0);
	struct xmsg_msg *msg = ipc_t_msg(test, env, &env->a, 1);

	KUNIT_EXPECT_NULL(test, xmsg_msg_reply_obj(msg));
	KUNIT_EXPECT_EQ(test, xmsg_msg_set_reply_obj(msg, xmsg_sem_obj(sem)),
			0);
	KUNIT_EXPECT_PTR_EQ(test, xmsg_msg_reply_obj(msg), xmsg_sem_obj(sem));
	KUNIT_EXPECT_EQ(test, obj_refs(xmsg_sem_obj(sem)), 2U);
	/* replacing the handle drops the old reference */
	KUNIT_EXPECT_EQ(test, xmsg_msg_set_reply_obj(msg, xmsg_xchg_obj(xchg)),
			0);
	KUNIT_EXPECT_EQ(test, obj_refs(xmsg_sem_obj(sem)), 1U);
	KUNIT_EXPECT_EQ(test, obj_refs(xmsg_xchg_obj(xchg)), 2U);
	KUNIT_EXPECT_EQ(test, xmsg_msg_set_reply_obj(msg, NULL), 0);
	KUNIT_EXPECT_NULL(test, xmsg_msg_reply_obj(msg));
	KUNIT_EXPECT_EQ(test, obj_refs(xmsg_xchg_obj(xchg)), 1U);
	KUNIT_EXPECT_EQ(test, xmsg_msg_set_reply_obj(NULL, NULL), -EINVAL);
	/* releasing the message drops the handle's reference */
	KUNIT_EXPECT_EQ(test, xmsg_msg_set_reply_obj(msg, xmsg_sem_obj(sem)),
			0);
	xmsg_msg_rel(msg);
	KUNIT_EXPECT_EQ(test, obj_refs(xmsg_sem_obj(sem)), 1U);
	xmsg_sem_destroy(sem);
	xmsg_xchg_destroy(xchg);
}

static void reply_sem(struct kunit *test)
{
	struct ipc_t_env *env = ipc_t_env(test);
	struct xmsg_sem *sem = ipc_t_sem(test, XMSG_SEM_KIND_COUNT, 0, 0);
	struct xmsg_msg *msg = ipc_t_msg(test, env, &env->a, 1);
	struct xmsg_msg *other = ipc_t_msg(test, env, &env->a, 2);

	KUNIT_ASSERT_EQ(test, xmsg_msg_set_reply_obj(msg, xmsg_sem_obj(sem)),
			0);
	KUNIT_EXPECT_EQ(test, xmsg_reply(msg, NULL, &env->a), 0);
	KUNIT_EXPECT_EQ(test, xmsg_reply(msg, NULL, &env->a), 0);
	KUNIT_EXPECT_EQ(test, xmsg_sem_wait(sem, 0), 0);
	KUNIT_EXPECT_EQ(test, xmsg_sem_wait(sem, 0), 0);
	KUNIT_EXPECT_EQ(test, xmsg_sem_wait(sem, 0), -EAGAIN);
	/* a semaphore takes no answer message */
	KUNIT_EXPECT_EQ(test, xmsg_reply(msg, other, &env->a), -EINVAL);
	KUNIT_EXPECT_EQ(test, xmsg_sem_wait(sem, 0), -EAGAIN);
	KUNIT_EXPECT_PTR_EQ(test, other->owner, &env->a);
	xmsg_msg_rel(msg);
	xmsg_msg_rel(other);
	xmsg_sem_destroy(sem);
}

static void reply_xchg(struct kunit *test)
{
	struct ipc_t_env *env = ipc_t_env(test);
	struct xmsg_xchg *xchg = ipc_t_xchg(test, XMSG_XCHG_KIND_NORMAL, 0);
	struct xmsg_msg *req = ipc_t_msg(test, env, &env->b, 1);
	struct xmsg_msg *ans = ipc_t_msg(test, env, &env->b, 2), *got;

	/* the client (a) asked; the server (b) holds the request */
	KUNIT_ASSERT_EQ(test, xmsg_msg_set_reply_obj(req, xmsg_xchg_obj(xchg)),
			0);
	KUNIT_EXPECT_EQ(test, xmsg_reply(req, NULL, &env->b), -EINVAL);
	ans->prio = 9;
	KUNIT_EXPECT_EQ(test, xmsg_reply(req, ans, &env->b), 0);
	got = xmsg_xchg_recv(xchg, &env->a, 0, 0, NULL);
	KUNIT_ASSERT_PTR_EQ(test, got, ans);
	KUNIT_EXPECT_EQ(test, got->prio, 9);
	KUNIT_EXPECT_PTR_EQ(test, got->owner, &env->a);
	/* the request itself as the answer */
	KUNIT_EXPECT_EQ(test, xmsg_reply(req, req, &env->b), 0);
	got = xmsg_xchg_recv(xchg, &env->a, 0, 0, NULL);
	KUNIT_EXPECT_PTR_EQ(test, got, req);
	xmsg_msg_rel(req);
	xmsg_msg_rel(ans);
	KUNIT_EXPECT_EQ(test, obj_refs(xmsg_xchg_obj(xchg)), 1U);
	xmsg_xchg_destroy(xchg);
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(env->pool), 0ULL);
}

static void reply_errors(struct kunit *test)
{
	struct ipc_t_env *env = ipc_t_env(test);
	struct xmsg_sem *sem = ipc_t_sem(test, XMSG_SEM_KIND_COUNT, 0, 0);
	struct xmsg_xchg *xchg = ipc_t_xchg(test, XMSG_XCHG_KIND_NORMAL, 1);
	struct xmsg_msg *msg = ipc_t_msg(test, env, &env->a, 1);
	struct xmsg_msg *m2 = ipc_t_msg(test, env, &env->a, 2);
	struct xmsg_msg *a1 = ipc_t_msg(test, env, &env->a, 3);
	struct xmsg_msg *a2 = ipc_t_msg(test, env, &env->a, 4);

	KUNIT_EXPECT_EQ(test, xmsg_reply(NULL, NULL, &env->a), -EINVAL);
	KUNIT_EXPECT_EQ(test, xmsg_reply(msg, NULL, &env->a), -ENOENT);
	KUNIT_ASSERT_EQ(test, xmsg_msg_set_reply_obj(msg, xmsg_sem_obj(sem)),
			0);
	KUNIT_EXPECT_EQ(test, xmsg_reply(msg, NULL, &env->b), -EPERM);
	/* the handle keeps the destroyed semaphore's memory: -EIDRM */
	xmsg_sem_destroy(sem);
	KUNIT_EXPECT_EQ(test, xmsg_reply(msg, NULL, &env->a), -EIDRM);
	KUNIT_EXPECT_EQ(test, xmsg_msg_set_reply_obj(m2, xmsg_sem_obj(sem)),
			-EIDRM);
	/* answers to a full exchange, and to an answer we do not own */
	KUNIT_ASSERT_EQ(test, xmsg_msg_set_reply_obj(m2, xmsg_xchg_obj(xchg)),
			0);
	KUNIT_EXPECT_EQ(test, xmsg_reply(m2, a1, &env->a), 0);
	KUNIT_EXPECT_EQ(test, xmsg_reply(m2, a2, &env->a), -ENOSPC);
	KUNIT_EXPECT_PTR_EQ(test, a2->owner, &env->a);
	xmsg_xchg_destroy(xchg);
	KUNIT_EXPECT_EQ(test, xmsg_reply(m2, a2, &env->a), -EIDRM);
	xmsg_msg_rel(msg);
	xmsg_msg_rel(m2);
	xmsg_msg_rel(a2);
	KUNIT_EXPECT_EQ(test, ipc_t_in_use(env->pool), 0ULL);
}

static struct kunit_case xmsg_ipc_reply_cases[] = {
	KUNIT_CASE(reply_set),
	KUNIT_CASE(reply_sem),
	KUNIT_CASE(reply_xchg),
	KUNIT_CASE(reply_errors),
	{}
};

static struct kunit_suite xmsg_ipc_reply_suite = {
	.name = "xmsg_ipc_reply",
	.test_cases = xmsg_ipc_reply_cases,
};

kunit_test_suite(xmsg_ipc_reply_suite);

MODULE_DESCRIPTION("KUnit tests for xmsg reply handles");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(XMSG_NS);
