// SPDX-License-Identifier: GPL-2.0
/*
 * xmsgctl from the outside: output, exit codes (0 ok, 1 error, 2 usage,
 * 3 timeout/nothing, 4 no such object, 5 permission denied), and that a
 * message sent by one run is received by a later run.
 */
#include <linux/xmsg.h>

#include "kselftest_harness.h"
#include "xt_exec.h"

#define OUT	8192

FIXTURE(ctl) {
	char path[PATH_MAX];
	char pool[XMSG_NAME_MAX], xchg[XMSG_NAME_MAX], bc[XMSG_NAME_MAX];
	char sem[XMSG_NAME_MAX];
	char out[OUT];
};

FIXTURE_SETUP(ctl)
{
	if (xt_tool(self->path, sizeof(self->path), "bin", "xmsgctl"))
		SKIP(return, "no xmsgctl next to the tests (%.200s)",
		     self->path);
	xt_name(self->pool, "pool");
	xt_name(self->xchg, "xchg");
	xt_name(self->bc, "bc");
	xt_name(self->sem, "sem");
}

FIXTURE_TEARDOWN(ctl)
{
}

/* xmsgctl ARGS...: exit code, stdout in self->out */
#define CTL(...) ({							\
	char *__argv[] = { self->path, __VA_ARGS__, NULL };		\
	xt_run(NULL, self->out, OUT, (uid_t)-1, __argv);		\
})
#define CTL_IN(in, ...) ({						\
	char *__argv[] = { self->path, __VA_ARGS__, NULL };		\
	xt_run(in, self->out, OUT, (uid_t)-1, __argv);			\
})
#define CTL_AS(uid, ...) ({						\
	char *__argv[] = { self->path, __VA_ARGS__, NULL };		\
	xt_run(NULL, self->out, OUT, uid, __argv);			\
})

TEST_F(ctl, usage_and_help)
{
	char *argv0[] = { self->path, NULL };

	ASSERT_EQ(0, CTL("--help"));
	ASSERT_NE(NULL, strstr(self->out, "usage: xmsgctl"));
	ASSERT_NE(NULL, strstr(self->out, "Exit codes"));
	ASSERT_EQ(2, xt_run(NULL, self->out, OUT, (uid_t)-1, argv0));
	ASSERT_EQ(2, CTL("no-such-command"));
	ASSERT_EQ(2, CTL("create"));
	ASSERT_EQ(2, CTL("create", "pool", "x"));
	ASSERT_EQ(2, CTL("create", "thing", "x"));
	ASSERT_EQ(2, CTL("create", "pool", "x", "12", "zz"));
	ASSERT_EQ(2, CTL("create", "xchg", "x", "-k", "sideways"));
	ASSERT_EQ(2, CTL("send", "x", "p", "-p", "32"));
	ASSERT_EQ(2, CTL("wait", "s", "-T", "soon"));
	ASSERT_EQ(2, CTL("list", "-Q"));
}

TEST_F(ctl, features)
{
	char version[32];

	snprintf(version, sizeof(version), "api_version     %u\n",
		 XMSG_API_VERSION);
	ASSERT_EQ(0, CTL("features"));
	ASSERT_NE(NULL, strstr(self->out, version));
	ASSERT_NE(NULL, strstr(self->out, " xchg"));
}

TEST_F(ctl, object_lifecycle)
{
	ASSERT_EQ(0, CTL("create", "pool", self->pool, "128", "8", "-m",
			 "0640"));
	ASSERT_EQ(1, CTL("create", "pool", self->pool, "128", "8"));
	ASSERT_EQ(0, CTL("create", "pool", self->pool, "128", "8", "-e"));
	ASSERT_EQ(0, CTL("create", "xchg", self->xchg, "-k", "pass", "-l",
			 "5"));
	ASSERT_EQ(0, CTL("create", "sem", self->sem, "-k", "gate"));
	ASSERT_EQ(2, CTL("create", "sem", self->bc, "-k", "threshold"));

	ASSERT_EQ(0, CTL("list"));
	ASSERT_NE(NULL, strstr(self->out, self->pool));
	ASSERT_NE(NULL, strstr(self->out, self->xchg));
	ASSERT_NE(NULL, strstr(self->out, self->sem));
	ASSERT_NE(NULL, strstr(self->out, "free 8/8"));
	ASSERT_EQ(0, CTL("list", "sem"));
	ASSERT_EQ(NULL, strstr(self->out, self->pool));
	ASSERT_NE(NULL, strstr(self->out, self->sem));

	ASSERT_EQ(0, CTL("info", "pool", self->pool));
	ASSERT_NE(NULL, strstr(self->out, "mode 0640"));
	ASSERT_NE(NULL, strstr(self->out, "free     8"));
	ASSERT_EQ(0, CTL("stats", "xchg", self->xchg));
	ASSERT_NE(NULL, strstr(self->out, "kind     pass  limit 5"));
	ASSERT_EQ(0, CTL("watch", "sem", self->sem, "-i", "20", "-n", "3"));
	ASSERT_NE(NULL, strstr(self->out, "kind     gate"));
	/* three snapshots */
	ASSERT_NE(NULL, strstr(strstr(strstr(self->out, "---") + 1, "---") +
			       1, "---"));

	ASSERT_EQ(4, CTL("info", "pool", "no.such.pool"));
	ASSERT_EQ(0, CTL("destroy", "sem", self->sem));
	ASSERT_EQ(4, CTL("destroy", "sem", self->sem));
	ASSERT_EQ(0, CTL("destroy", "xchg", self->xchg));
	ASSERT_EQ(0, CTL("destroy", "pool", self->pool));
	ASSERT_EQ(0, CTL("list"));
	ASSERT_EQ(NULL, strstr(self->out, self->pool));
}

TEST_F(ctl, send_then_recv_in_later_runs)
{
	ASSERT_EQ(0, CTL("create", "pool", self->pool, "256", "4"));
	ASSERT_EQ(0, CTL("create", "xchg", self->xchg));
	ASSERT_EQ(0, CTL("send", self->xchg, self->pool, "hello", "world",
			 "-p", "2"));
	ASSERT_EQ(0, CTL_IN("from stdin\n", "send", self->xchg, self->pool,
			    "-p", "7"));
	ASSERT_EQ(0, CTL("send", self->xchg, self->pool, "-f", "--", "-AB"));
	/* the senders have exited; the messages wait at the exchange */
	ASSERT_EQ(0, CTL("info", "xchg", self->xchg));
	ASSERT_NE(NULL, strstr(self->out, "queued   3"));
	ASSERT_EQ(0, CTL("info", "pool", self->pool));
	ASSERT_NE(NULL, strstr(self->out, "free     1"));
	/* highest priority first */
	ASSERT_EQ(0, CTL("recv", self->xchg));
	ASSERT_STREQ("from stdin\n", self->out);
	ASSERT_EQ(0, CTL("recv", self->xchg, "-R"));
	ASSERT_STREQ("hello world", self->out);
	ASSERT_EQ(0, CTL("recv", self->xchg, "-x", "-P", self->pool));
	/* -f: the whole 256-byte block, "-AB" then zeros */
	ASSERT_EQ(0, strncmp(self->out, "2d 41 42 00 ", 12));
	ASSERT_EQ(3, CTL("recv", self->xchg));
	ASSERT_EQ(3, CTL("recv", self->xchg, "-T", "100"));
	ASSERT_EQ(4, CTL("recv", "no.such.xchg"));
	/* a message longer than a block */
	ASSERT_EQ(0, CTL("create", "pool", self->bc, "4", "1"));
	ASSERT_EQ(1, CTL("send", self->xchg, self->bc, "this text is longer",
			 "than one block of four bytes, even after the",
			 "alignment of blocks to 64 bytes, so it cannot fit"));
	ASSERT_EQ(0, CTL("destroy", "pool", self->bc));
	/* everything went back to the pool */
	ASSERT_EQ(0, CTL("info", "pool", self->pool));
	ASSERT_NE(NULL, strstr(self->out, "free     4"));
	ASSERT_EQ(0, CTL("destroy", "xchg", self->xchg));
	ASSERT_EQ(0, CTL("destroy", "pool", self->pool));
}

/* ring: queued messages move into a new ring in order; timeout exit 3 */
TEST_F(ctl, ring)
{
	ASSERT_EQ(0, CTL("create", "pool", self->pool, "256", "4"));
	ASSERT_EQ(0, CTL("create", "xchg", self->xchg));
	ASSERT_EQ(0, CTL("send", self->xchg, self->pool, "one"));
	ASSERT_EQ(0, CTL("send", self->xchg, self->pool, "two"));
	ASSERT_EQ(0, CTL("ring", self->xchg, self->pool, "-n", "2"));
	ASSERT_STREQ("one\ntwo\n", self->out);
	ASSERT_EQ(0, CTL("info", "pool", self->pool));
	ASSERT_NE(NULL, strstr(self->out, "free     4"))
		TH_LOG("closing the ring releases what it read");
	ASSERT_EQ(3, CTL("ring", self->xchg, self->pool, "-T", "100"));
	ASSERT_EQ(2, CTL("ring", self->xchg));
	ASSERT_EQ(4, CTL("ring", self->xchg, "no.such.pool"));
	ASSERT_EQ(0, CTL("destroy", "xchg", self->xchg));
	ASSERT_EQ(0, CTL("destroy", "pool", self->pool));
}

TEST_F(ctl, broadcast)
{
	char *send[] = { self->path, "send", self->bc, self->pool, "news",
			 "-w", "3000", NULL };
	pid_t pid;
	int i, rc;

	ASSERT_EQ(0, CTL("create", "pool", self->pool, "64", "2"));
	ASSERT_EQ(0, CTL("create", "xchg", self->bc, "-k", "bcast"));
	ASSERT_EQ(3, CTL("recv", self->bc));
	ASSERT_EQ(3, CTL("bcast-clear", self->bc));
	/* the post lives while its sender runs (-w) */
	pid = xt_spawn(send);
	ASSERT_LT(0, pid);
	for (i = 0; i < 200; i++) {
		rc = CTL("recv", self->bc);
		if (rc != 3)
			break;
		xt_sleep_ms(10);
	}
	ASSERT_EQ(0, rc);
	ASSERT_STREQ("news\n", self->out);
	/* sticky: a later receiver gets it too */
	ASSERT_EQ(0, CTL("recv", self->bc, "-v"));
	ASSERT_STREQ("news\n", self->out);
	/* posted by another owner: only it may clear it */
	ASSERT_EQ(5, CTL("bcast-clear", self->bc));
	/* withdrawn when the sender exits */
	ASSERT_EQ(0, xt_wait(pid));
	ASSERT_EQ(3, CTL("recv", self->bc));
	ASSERT_EQ(0, CTL("info", "pool", self->pool));
	ASSERT_NE(NULL, strstr(self->out, "free     2"));
	ASSERT_EQ(0, CTL("destroy", "xchg", self->bc));
	ASSERT_EQ(0, CTL("destroy", "pool", self->pool));
}

TEST_F(ctl, semaphores)
{
	ASSERT_EQ(0, CTL("create", "sem", self->sem, "-k", "threshold", "-t",
			 "2"));
	ASSERT_EQ(3, CTL("wait", self->sem, "-T", "0"));
	ASSERT_EQ(0, CTL("signal", self->sem));
	ASSERT_EQ(3, CTL("wait", self->sem, "-T", "50"));
	ASSERT_EQ(0, CTL("signal", self->sem));
	ASSERT_EQ(0, CTL("wait", self->sem, "-T", "50"));
	ASSERT_EQ(0, CTL("signal", self->sem, "-n", "4"));
	ASSERT_EQ(0, CTL("wait", self->sem, "-T", "0"));
	ASSERT_EQ(0, CTL("wait", self->sem));
	ASSERT_EQ(3, CTL("wait", self->sem, "-T", "0"));
	ASSERT_EQ(4, CTL("signal", "no.such.sem"));
	ASSERT_EQ(0, CTL("destroy", "sem", self->sem));
}

TEST_F(ctl, permission_denied_is_5)
{
	if (geteuid() != 0)
		SKIP(return, "needs root to run xmsgctl as nobody");
	ASSERT_EQ(0, CTL("create", "pool", self->pool, "64", "2", "-m",
			 "0666"));
	ASSERT_EQ(0, CTL("create", "xchg", self->xchg, "-m", "0600"));
	ASSERT_EQ(5, CTL_AS(65534, "send", self->xchg, self->pool, "hi"));
	ASSERT_EQ(5, CTL_AS(65534, "recv", self->xchg));
	ASSERT_EQ(5, CTL_AS(65534, "destroy", "pool", self->pool));
	ASSERT_EQ(0, CTL("destroy", "xchg", self->xchg));
	ASSERT_EQ(0, CTL("destroy", "pool", self->pool));
}

TEST_HARNESS_MAIN
