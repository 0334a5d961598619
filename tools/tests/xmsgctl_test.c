// SPDX-License-Identifier: GPL-2.0
/*
 * xmsgctl from the outside: output, exit codes (0 ok, 1 error, 2 usage,
 * 3 timeout/nothing, 4 no such object, 5 permission denied), and that a
 * message sent by one run is received by a later run; its JSON output
 * parsed and compared with what the test made, its help compared with its
 * own option tables (linked in from xmsgctl's objects), its error lines.
 */
#include <linux/xmsg.h>

#include "kselftest_harness.h"
#include "xt_exec.h"
#include "xt_json.h"
#include "xmsgctl.h"

#define OUT	32768

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
/* xmsgctl ARGS...: exit code, standard error in self->out */
#define CTL_ERR(...) ({							\
	char *__argv[] = { self->path, __VA_ARGS__, NULL };		\
	xt_run_fd(2, NULL, self->out, OUT, (uid_t)-1, __argv);		\
})

static struct xt_jnode nodes[2048];
static struct xt_json jp = { .nodes = nodes, .max = 2048 };

/* self->out as one JSON document, or fail the test. */
#define JSON_DOC() ({							\
	const struct xt_jnode *__d = xt_json_parse(&jp, self->out, NULL); \
	ASSERT_NE(NULL, __d) TH_LOG("not JSON at '%.40s' in: %.300s",	\
				    jp.err, self->out);			\
	__d;								\
})

/* The entry named @name of a list array, or NULL. */
static const struct xt_jnode *list_find(const struct xt_jnode *arr,
					const char *name)
{
	const struct xt_jnode *e;
	const char *n;

	for (e = arr->child; e; e = e->next) {
		n = xt_json_str(e, "name");
		if (n && !strcmp(n, name))
			return e;
	}
	return NULL;
}

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

/* msg send -g, xchg bump: the tagged message moves; exit 3 when gone */
TEST_F(ctl, tag_and_bump)
{
	ASSERT_EQ(0, CTL("pool", "create", self->pool, "64", "4"));
	ASSERT_EQ(0, CTL("xchg", "create", self->xchg));
	ASSERT_EQ(0, CTL("msg", "send", self->xchg, self->pool, "low", "-g",
			 "0x7"));
	ASSERT_EQ(0, CTL("msg", "send", self->xchg, self->pool, "high", "-p",
			 "5"));
	/* another run than the sender's moves it ahead */
	ASSERT_EQ(0, CTL("xchg", "bump", self->xchg, "7", "9"));
	ASSERT_EQ(0, CTL_ERR("msg", "recv", self->xchg, "-v"));
	EXPECT_NE(NULL, strstr(self->out, "prio 9, tag 7,"))
		TH_LOG("%s", self->out);
	ASSERT_EQ(0, CTL_ERR("msg", "recv", self->xchg, "-v"));
	EXPECT_NE(NULL, strstr(self->out, "prio 5, tag 0,"))
		TH_LOG("%s", self->out);
	/* received: nothing with tag 7 is queued */
	ASSERT_EQ(3, CTL("xchg", "bump", self->xchg, "7", "9"));
	ASSERT_EQ(2, CTL("xchg", "bump", self->xchg, "0", "9"));
	ASSERT_EQ(2, CTL("xchg", "bump", self->xchg, "7", "32"));
	ASSERT_EQ(2, CTL("xchg", "bump", self->xchg, "7"));
	ASSERT_EQ(2, CTL("msg", "send", self->xchg, self->pool, "x", "-g",
			 "0"));
	ASSERT_EQ(2, CTL("msg", "send", self->xchg, self->pool, "x", "-g",
			 "1", "-T", "5"));
	ASSERT_EQ(4, CTL("xchg", "bump", "no.such.xchg", "7", "9"));
	ASSERT_EQ(0, CTL("xchg", "destroy", self->xchg));
	ASSERT_EQ(0, CTL("pool", "destroy", self->pool));
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

/* Send @n messages of @body to @xchg from blocks of @pool: 0 or -errno. */
static int send_n(struct xm *x, int xchg, int pool, const char *body, int n)
{
	struct xm_msg m;
	int ret = 0;

	while (!ret && n--) {
		ret = xm_msg_get(x, pool, &m);
		if (ret)
			break;
		memcpy(m.body, body, strlen(body));
		ret = xm_msg_set_length(x, m.handle, strlen(body));
		if (!ret)
			ret = xm_send(x, xchg, m.handle, 0, 0, 0);
	}
	return ret;
}

/*
 * ring read -v: the ring's overflows at the end.  The reader prints one
 * message and is stopped; of the 66 sent then, 64 fill its ring and 2
 * find it full and wait at the exchange, which it reads after.
 */
TEST_F(ctl, ring_overflows)
{
	char *argv[] = { self->path, "ring", "read", self->xchg, self->pool,
			 "-n", "67", "-T", "10000", "-v", NULL };
	int op[2], ep[2], pool, xchg, st;
	size_t got = 0;
	char want[96];
	struct xm *x;
	ssize_t r;
	pid_t pid;

	ASSERT_EQ(0, CTL("pool", "create", self->pool, "64", "80"));
	ASSERT_EQ(0, CTL("xchg", "create", self->xchg));
	ASSERT_EQ(0, xm_open(&x, NULL));
	pool = xm_pool_open(x, self->pool, XMSG_ACC_RDWR);
	xchg = xm_xchg_open(x, self->xchg, XMSG_ACC_RDWR);
	ASSERT_LT(0, pool);
	ASSERT_LT(0, xchg);
	ASSERT_EQ(0, pipe(op));
	ASSERT_EQ(0, pipe(ep));
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		dup2(op[1], 1);
		dup2(ep[1], 2);
		close(op[0]);
		close(ep[0]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(op[1]);
	close(ep[1]);
	/* printed: its ring is open and the entry passed */
	self->out[0] = 0;
	ASSERT_EQ(0, send_n(x, xchg, pool, "first", 1));
	while (!strstr(self->out, "first\n") &&
	       (r = read(op[0], self->out + got, OUT - 1 - got)) > 0) {
		got += r;
		self->out[got] = 0;
	}
	ASSERT_NE(NULL, strstr(self->out, "first\n"));
	ASSERT_EQ(0, kill(pid, SIGSTOP));
	ASSERT_EQ(pid, waitpid(pid, &st, WUNTRACED));
	EXPECT_TRUE(WIFSTOPPED(st));
	EXPECT_EQ(0, send_n(x, xchg, pool, "m", 66));
	ASSERT_EQ(0, kill(pid, SIGCONT));
	while (read(op[0], self->out, OUT - 1) > 0)
		;
	got = 0;
	while ((r = read(ep[0], self->out + got, OUT - 1 - got)) > 0)
		got += r;
	self->out[got] = 0;
	close(op[0]);
	close(ep[0]);
	EXPECT_EQ(0, xt_wait(pid)) TH_LOG("%s", self->out);
	snprintf(want, sizeof(want), "ring %s: 2 overflows (", self->xchg);
	EXPECT_NE(NULL, strstr(self->out, want)) TH_LOG("%s", self->out);
	xm_close(x);
	ASSERT_EQ(0, CTL("xchg", "destroy", self->xchg));
	ASSERT_EQ(0, CTL("pool", "destroy", self->pool));
}

TEST_F(ctl, broadcast)
{
	char *send[] = { self->path, "send", self->bc, self->pool, "news",
			 "-w", "60000", NULL };
	pid_t pid;
	int i, rc;

	ASSERT_EQ(0, CTL("create", "pool", self->pool, "64", "2"));
	ASSERT_EQ(0, CTL("create", "xchg", self->bc, "-k", "bcast"));
	ASSERT_EQ(3, CTL("recv", self->bc));
	ASSERT_EQ(3, CTL("bcast-clear", self->bc));
	/* the post lives while its sender runs (-w: a minute, or until killed) */
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
	ASSERT_EQ(0, kill(pid, SIGTERM));
	ASSERT_EQ(1000 + SIGTERM, xt_wait(pid));
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

/* Clears, a send that waits for room, signal-and-wait. */
TEST_F(ctl, clear_send_wait_signal_wait)
{
	char gate[XMSG_NAME_MAX];
	double t0;

	xt_name(gate, "gate");
	ASSERT_EQ(0, CTL("pool", "create", self->pool, "64", "4"));
	ASSERT_EQ(0, CTL("xchg", "create", self->xchg, "-l", "1"));
	ASSERT_EQ(0, CTL("msg", "send", self->xchg, self->pool, "first"));
	/* full: fails at once, or waits -T ms for room */
	ASSERT_EQ(1, CTL("msg", "send", self->xchg, self->pool, "second"));
	t0 = xt_now();
	ASSERT_EQ(3, CTL("msg", "send", self->xchg, self->pool, "second",
			 "-T", "50"));
	EXPECT_LE(0.049, xt_now() - t0);
	ASSERT_EQ(0, CTL("xchg", "info", self->xchg));
	EXPECT_NE(NULL, strstr(self->out, "queued   1  waiters 0  senders 0"));
	/* a peek at the first message: "first" with its 5 bytes */
	EXPECT_NE(NULL, strstr(self->out, "first    prio 0  length 5"));
	ASSERT_EQ(0, CTL("xchg", "clear", self->xchg));
	ASSERT_EQ(0, CTL("xchg", "info", self->xchg));
	EXPECT_NE(NULL, strstr(self->out, "queued   0"));
	ASSERT_EQ(0, CTL("pool", "info", self->pool));
	EXPECT_NE(NULL, strstr(self->out, "free     4"));
	ASSERT_EQ(0, CTL("msg", "send", self->xchg, self->pool, "second",
			 "-T", "50"));
	ASSERT_EQ(0, CTL("msg", "recv", self->xchg));
	EXPECT_STREQ("second\n", self->out);
	ASSERT_EQ(4, CTL("xchg", "clear", "no.such.xchg"));

	ASSERT_EQ(0, CTL("sem", "create", self->sem));
	ASSERT_EQ(0, CTL("sem", "create", gate, "-k", "gate"));
	ASSERT_EQ(0, CTL("sem", "signal", self->sem, "-n", "3"));
	ASSERT_EQ(0, CTL("sem", "clear", self->sem));
	ASSERT_EQ(3, CTL("sem", "wait", self->sem));
	/* nobody opens the gate: signalled, then timed out */
	ASSERT_EQ(3, CTL("sem", "signal-wait", self->sem, gate, "-T", "20"));
	ASSERT_EQ(0, CTL("sem", "wait", self->sem));
	/* not waiting at all: nothing signalled */
	ASSERT_EQ(3, CTL("sem", "signal-wait", self->sem, gate));
	ASSERT_EQ(3, CTL("sem", "wait", self->sem));
	ASSERT_EQ(2, CTL("sem", "signal-wait", self->sem));
	ASSERT_EQ(0, CTL("sem", "destroy", gate));
	ASSERT_EQ(0, CTL("sem", "destroy", self->sem));
	ASSERT_EQ(0, CTL("xchg", "destroy", self->xchg));
	ASSERT_EQ(0, CTL("pool", "destroy", self->pool));
}

/* The parser the JSON tests rely on takes JSON and nothing else. */
TEST(json_parser_is_strict)
{
	static const char *const good[] = {
		"{}", "[]", " [1, -2, 3.5e+2, 0, true, false, null] \n",
		"{\"a\":{\"b\":[\"x\\\"y\\\\z\\n\\u00e9\\ud83d\\ude00\"]}}",
	};
	static const char *const bad[] = {
		"", "{", "[1,]", "{\"a\":1,}", "{a:1}", "[01]", "[1.]",
		"[-]", "[tru]", "\"\\x\"", "\"\\ud800\"", "[1] [2]", "{\"a\"}",
		"[\"a\nb\"]", "[\"\\u0000\"]", "nul", "[1e]",
	};
	const struct xt_jnode *d;
	uint64_t v;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(good); i++)
		EXPECT_NE(NULL, xt_json_parse(&jp, good[i], NULL))
			TH_LOG("good[%zu] rejected", i);
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		EXPECT_EQ(NULL, xt_json_parse(&jp, bad[i], NULL))
			TH_LOG("bad[%zu] accepted", i);
	d = xt_json_parse(&jp, good[3], NULL);
	ASSERT_NE(NULL, d);
	d = xt_json_at(xt_json_get(xt_json_get(d, "a"), "b"), 0);
	ASSERT_NE(NULL, d);
	EXPECT_STREQ("x\"y\\z\n\xc3\xa9\xf0\x9f\x98\x80", d->str);
	d = xt_json_parse(&jp, good[2], NULL);
	ASSERT_NE(NULL, d);
	EXPECT_EQ(7U, d->n);
	ASSERT_EQ(0, xt_json_u64(xt_json_at(d, 0), &v));
	EXPECT_EQ(1U, v);
	EXPECT_EQ(-1, xt_json_u64(xt_json_at(d, 1), &v));	/* negative */
	EXPECT_EQ(-1, xt_json_u64(xt_json_at(d, 2), &v));	/* not whole */
	EXPECT_EQ(XT_JBOOL, xt_json_at(d, 4)->type);
	EXPECT_EQ(XT_JNULL, xt_json_at(d, 6)->type);
}

/* A string member, never NULL (for the comparisons). */
#define JSTR(o, key) (xt_json_str((o), (key)) ?: "(missing)")

/* The members every named object has in xmsgctl's JSON. */
static void check_object(struct __test_metadata *_metadata,
			 const struct xt_jnode *e, const char *type,
			 const char *name, long long mode)
{
	const struct xt_jnode *b;

	ASSERT_NE(NULL, e) TH_LOG("%s %s is not in the output", type, name);
	ASSERT_EQ(XT_JOBJ, e->type);
	EXPECT_STREQ(type, JSTR(e, "type"));
	EXPECT_STREQ(name, JSTR(e, "name"));
	EXPECT_EQ(mode, xt_json_num(e, "mode"));
	EXPECT_EQ((long long)geteuid(), xt_json_num(e, "uid"));
	EXPECT_EQ((long long)getegid(), xt_json_num(e, "gid"));
	b = xt_json_get(e, "destroyed");
	ASSERT_NE(NULL, b);
	EXPECT_EQ(XT_JBOOL, b->type);
	EXPECT_FALSE(b->b);
	EXPECT_EQ(NULL, xt_json_get(e, "error"));
}

static void check_pool(struct __test_metadata *_metadata,
		       const struct xt_jnode *e, const char *name,
		       long long count, long long free, long long high)
{
	check_object(_metadata, e, "pool", name, 0640);
	EXPECT_EQ(128, xt_json_num(e, "block_size"));
	EXPECT_EQ(count, xt_json_num(e, "count"));
	EXPECT_EQ(free, xt_json_num(e, "free"));
	EXPECT_EQ(count - free, xt_json_num(e, "in_use"));
	EXPECT_EQ(high, xt_json_num(e, "high_water"));
	EXPECT_EQ(0, xt_json_num(e, "failed_gets"));
	EXPECT_EQ(0, xt_json_num(e, "bad_rels"));
	EXPECT_LE(count * 128, xt_json_num(e, "region_size"));
	EXPECT_LE(0, xt_json_num(e, "mapped"));
}

static void check_xchg(struct __test_metadata *_metadata,
		       const struct xt_jnode *e, const char *name,
		       long long queued, long long received)
{
	check_object(_metadata, e, "xchg", name, 0660);
	EXPECT_STREQ("pass", JSTR(e, "kind"));
	EXPECT_EQ(5, xt_json_num(e, "limit"));
	EXPECT_EQ(queued, xt_json_num(e, "queued"));
	EXPECT_EQ(0, xt_json_num(e, "waiters"));
	EXPECT_EQ(1, xt_json_num(e, "sent"));
	EXPECT_EQ(received, xt_json_num(e, "received"));
	EXPECT_EQ(0, xt_json_num(e, "generation"));
	EXPECT_EQ(0, xt_json_num(e, "refused"));
}

static void check_sem(struct __test_metadata *_metadata,
		      const struct xt_jnode *e, const char *name)
{
	check_object(_metadata, e, "sem", name, 0600);
	EXPECT_STREQ("threshold", JSTR(e, "kind"));
	EXPECT_EQ(3, xt_json_num(e, "threshold"));
	EXPECT_EQ(2, xt_json_num(e, "count"));	/* -c 1, one signal */
	EXPECT_EQ(0, xt_json_num(e, "waiters"));
	EXPECT_EQ(1, xt_json_num(e, "signals"));
}

/* Every element of list array @doc is of @type. */
static void check_list_type(struct __test_metadata *_metadata,
			    const struct xt_jnode *doc, const char *type)
{
	const struct xt_jnode *e;

	ASSERT_EQ(XT_JARR, doc->type);
	for (e = doc->child; e; e = e->next)
		EXPECT_STREQ(type, JSTR(e, "type"));
}

/* -j of list, info, stats, watch: the values of what the test made */
TEST_F(ctl, json_list_info_stats)
{
	const struct xt_jnode *doc;
	long long t0;
	const char *next;

	ASSERT_EQ(0, CTL("pool", "create", self->pool, "128", "8", "-m",
			 "0640"));
	ASSERT_EQ(0, CTL("xchg", "create", self->xchg, "-k", "pass", "-l",
			 "5", "-m", "0660"));
	ASSERT_EQ(0, CTL("sem", "create", self->sem, "-k", "threshold", "-t",
			 "3", "-c", "1"));
	ASSERT_EQ(0, CTL("msg", "send", self->xchg, self->pool, "json", "-p",
			 "3"));
	ASSERT_EQ(0, CTL("sem", "signal", self->sem));

	ASSERT_EQ(0, CTL("-j", "list"));
	doc = JSON_DOC();
	ASSERT_EQ(XT_JARR, doc->type);
	EXPECT_LE(3U, doc->n);
	check_pool(_metadata, list_find(doc, self->pool), self->pool, 8, 7, 1);
	check_xchg(_metadata, list_find(doc, self->xchg), self->xchg, 1, 0);
	check_sem(_metadata, list_find(doc, self->sem), self->sem);
	EXPECT_EQ(NULL, list_find(doc, self->bc));

	/* one type; -j after the command */
	ASSERT_EQ(0, CTL("list", "sem", "-j"));
	doc = JSON_DOC();
	check_list_type(_metadata, doc, "sem");
	check_sem(_metadata, list_find(doc, self->sem), self->sem);
	ASSERT_EQ(0, CTL("pool", "list", "--json"));
	doc = JSON_DOC();
	check_list_type(_metadata, doc, "pool");
	check_pool(_metadata, list_find(doc, self->pool), self->pool, 8, 7, 1);

	ASSERT_EQ(0, CTL("-j", "info", "pool", self->pool));
	check_pool(_metadata, JSON_DOC(), self->pool, 8, 7, 1);
	ASSERT_EQ(0, CTL("-j", "xchg", "stats", self->xchg));
	check_xchg(_metadata, JSON_DOC(), self->xchg, 1, 0);
	ASSERT_EQ(0, CTL("sem", "info", self->sem, "-j"));
	check_sem(_metadata, JSON_DOC(), self->sem);

	/* watch: one document a line, each with its time */
	ASSERT_EQ(0, CTL("-j", "sem", "watch", self->sem, "-i", "30", "-n",
			 "2"));
	doc = xt_json_parse(&jp, self->out, &next);
	ASSERT_NE(NULL, doc) TH_LOG("%s", self->out);
	EXPECT_EQ(strchr(self->out, '\n') + 1, next);
	check_sem(_metadata, doc, self->sem);
	t0 = xt_json_num(doc, "time_ms");
	ASSERT_LT(0, t0);
	doc = xt_json_parse(&jp, next, NULL);
	ASSERT_NE(NULL, doc) TH_LOG("%s", next);
	check_sem(_metadata, doc, self->sem);
	EXPECT_LE(t0 + 29, xt_json_num(doc, "time_ms"));

	/* the counters move */
	ASSERT_EQ(0, CTL("msg", "recv", self->xchg));
	ASSERT_STREQ("json\n", self->out);
	ASSERT_EQ(0, CTL("-j", "pool", "info", self->pool));
	check_pool(_metadata, JSON_DOC(), self->pool, 8, 8, 1);
	ASSERT_EQ(0, CTL("-j", "xchg", "info", self->xchg));
	check_xchg(_metadata, JSON_DOC(), self->xchg, 0, 1);

	ASSERT_EQ(0, CTL("sem", "destroy", self->sem));
	ASSERT_EQ(0, CTL("xchg", "destroy", self->xchg));
	ASSERT_EQ(0, CTL("pool", "destroy", self->pool));
	ASSERT_EQ(0, CTL("-j", "list"));
	EXPECT_EQ(NULL, list_find(JSON_DOC(), self->pool));
}

static int arr_has(const struct xt_jnode *arr, const char *s)
{
	const struct xt_jnode *e;

	for (e = arr->child; e; e = e->next)
		if (e->type == XT_JSTR && !strcmp(e->str, s))
			return 1;
	return 0;
}

/* heap create | info | list | destroy, in JSON */
TEST_F(ctl, heap_commands)
{
	const struct xt_jnode *doc, *e;
	char heap[XMSG_NAME_MAX];

	xt_name(heap, "heap");
	ASSERT_EQ(0, CTL("heap", "create", heap, "65536", "7", "-m", "0640"));
	ASSERT_NE(0, CTL("heap", "create", heap, "65536"));	/* exists */
	ASSERT_EQ(0, CTL("heap", "create", heap, "65536", "7", "-e"));
	/* -e opens only a heap of the same size and granule */
	ASSERT_NE(0, CTL("heap", "create", heap, "4096", "-e"));
	ASSERT_NE(0, CTL("heap", "create", heap, "65536", "-e"));
	ASSERT_EQ(EX_USAGE, CTL("heap", "create", "x", "lots"));
	ASSERT_EQ(EX_ERR, CTL("heap", "create", "x", "1"));	/* < granule */
	ASSERT_EQ(0, CTL("-j", "heap", "info", heap));
	e = JSON_DOC();
	check_object(_metadata, e, "heap", heap, 0640);
	EXPECT_EQ(65536, xt_json_num(e, "heap_size"));
	EXPECT_EQ(128, xt_json_num(e, "granule"));
	EXPECT_EQ(65536, xt_json_num(e, "free"));
	EXPECT_EQ(0, xt_json_num(e, "chunks_out"));
	EXPECT_EQ(65536, xt_json_num(e, "region_size"));
	ASSERT_EQ(0, CTL("-j", "list", "heap"));
	doc = JSON_DOC();
	check_list_type(_metadata, doc, "heap");
	EXPECT_NE(NULL, list_find(doc, heap));
	ASSERT_EQ(0, CTL("heap", "info", heap));
	EXPECT_NE(NULL, strstr(self->out, "chunks_out 0"));
	ASSERT_EQ(0, CTL("heap", "destroy", heap));
	ASSERT_EQ(EX_NOENT, CTL("heap", "info", heap));
	ASSERT_EQ(0, CTL("heap", "help"));
}

/* -j features: every bit the kernel reports, by name; its limits */
TEST_F(ctl, json_features)
{
	const struct xt_jnode *doc, *arr, *e, *o;
	struct xmsg_features f;
	struct xm *x;
	uint64_t bits;

	ASSERT_EQ(0, xm_open(&x, NULL));
	ASSERT_EQ(0, xm_features(x, &f));
	xm_close(x);
	ASSERT_EQ(0, CTL("-j", "features"));
	doc = JSON_DOC();
	ASSERT_EQ(XT_JOBJ, doc->type);
	EXPECT_EQ((long long)f.api_version, xt_json_num(doc, "api_version"));
	ASSERT_EQ(0, xt_json_u64(xt_json_get(doc, "feature_bits"), &bits));
	EXPECT_EQ(f.features, bits);
	arr = xt_json_get(doc, "features");
	ASSERT_NE(NULL, arr);
	ASSERT_EQ(XT_JARR, arr->type);
	EXPECT_EQ((size_t)__builtin_popcountll(f.features), arr->n);
	for (e = arr->child; e; e = e->next) {
		ASSERT_EQ(XT_JSTR, e->type);
		EXPECT_NE(0, strncmp(e->str, "bit", 3))
			TH_LOG("feature %s has no name", e->str);
		for (o = e->next; o; o = o->next)
			EXPECT_STRNE(e->str, o->str);
	}
	/* names of some bits, by the uAPI's constants */
	EXPECT_EQ(!!(f.features & XMSG_FEAT_XCHG), arr_has(arr, "xchg"));
	EXPECT_EQ(!!(f.features & XMSG_FEAT_POLL_FD), arr_has(arr, "poll_fd"));
	EXPECT_EQ(!!(f.features & XMSG_FEAT_RING), arr_has(arr, "ring"));
	EXPECT_EQ(!!(f.features & XMSG_FEAT_MSG_LENGTH),
		  arr_has(arr, "msg_length"));
	EXPECT_EQ(!!(f.features & XMSG_FEAT_SEM_SIGNAL_WAIT),
		  arr_has(arr, "sem_signal_wait"));
	EXPECT_EQ(!!(f.features & XMSG_FEAT_SEND_WAIT),
		  arr_has(arr, "send_wait"));
	EXPECT_EQ(!!(f.features & XMSG_FEAT_CLEAR), arr_has(arr, "clear"));
	EXPECT_EQ(!!(f.features & XMSG_FEAT_PEEK), arr_has(arr, "peek"));
	EXPECT_EQ(!!(f.features & XMSG_FEAT_BUMP), arr_has(arr, "bump"));
	EXPECT_EQ((long long)f.name_max, xt_json_num(doc, "name_max"));
	EXPECT_EQ((long long)f.prio_max, xt_json_num(doc, "prio_max"));
	EXPECT_EQ((long long)f.mmap_shift, xt_json_num(doc, "mmap_shift"));
	EXPECT_EQ((long long)f.max_pools, xt_json_num(doc, "max_pools"));
	EXPECT_EQ((long long)f.max_objects, xt_json_num(doc, "max_objects"));
	EXPECT_EQ((long long)f.max_pool_bytes,
		  xt_json_num(doc, "max_pool_bytes"));
	EXPECT_EQ((long long)f.max_handles, xt_json_num(doc, "max_handles"));
	EXPECT_EQ((long long)f.max_block_count,
		  xt_json_num(doc, "max_block_count"));
	/* the text names them too */
	ASSERT_EQ(0, CTL("feature", "show"));
	EXPECT_EQ(NULL, strstr(self->out, " bit"));
	EXPECT_NE(NULL, strstr(self->out, " ring"));
}

/* --version: ours and the kernel's API version; also without a device */
TEST_F(ctl, version)
{
	char want[64], text[OUT];
	struct xmsg_features f;
	const struct xt_jnode *doc;
	struct xm *x;

	ASSERT_EQ(0, xm_open(&x, NULL));
	ASSERT_EQ(0, xm_features(x, &f));
	xm_close(x);
	ASSERT_EQ(0, CTL("--version"));
	ASSERT_EQ(0, strncmp(self->out, "xmsgctl ", 8));
	EXPECT_NE('\n', self->out[8]);
	snprintf(want, sizeof(want), "\nkernel API version %u\n",
		 f.api_version);
	EXPECT_NE(NULL, strstr(self->out, want)) TH_LOG("%s", self->out);
	snprintf(want, sizeof(want), "\nuAPI version %u ", XMSG_API_VERSION);
	EXPECT_NE(NULL, strstr(self->out, want));
	memcpy(text, self->out, OUT);
	ASSERT_EQ(0, CTL("-j", "version"));
	doc = JSON_DOC();
	ASSERT_NE(NULL, xt_json_str(doc, "version"));
	snprintf(want, sizeof(want), "xmsgctl %s\n",
		 xt_json_str(doc, "version"));
	EXPECT_EQ(0, strncmp(text, want, strlen(want)));
	EXPECT_EQ((long long)f.api_version, xt_json_num(doc, "api_version"));
	EXPECT_EQ(XMSG_API_VERSION, xt_json_num(doc, "uapi_version"));
	ASSERT_EQ(0, CTL("version"));
	EXPECT_STREQ(text, self->out);
	ASSERT_EQ(0, CTL("-d", "/nonexistent/xmsg", "--version"));
	EXPECT_NE(NULL, strstr(self->out, "kernel API version unknown"));
	ASSERT_EQ(0, CTL("-j", "-d", "/nonexistent/xmsg", "version"));
	doc = JSON_DOC();
	EXPECT_EQ(NULL, xt_json_get(doc, "api_version"));
	EXPECT_NE(NULL, xt_json_str(doc, "error"));
}

/* @want in @text, followed by a space or a newline (or ending in one) */
static int has_word(const char *text, const char *want)
{
	size_t len = strlen(want);
	const char *p;

	for (p = strstr(text, want); p; p = strstr(p + 1, want))
		if (want[len - 1] == '\n' || p[len] == ' ' || p[len] == '\n')
			return 1;
	return 0;
}

/* "-k, --name ARG" as the help prints an option */
static int help_has(const char *help, const struct ctl_opt *o)
{
	char want[80];

	snprintf(want, sizeof(want), "-%c, --%s%s%s", o->key, o->name,
		 o->arg ? " " : "", o->arg ? o->arg : "");
	return has_word(help, want);
}

/*
 * --help names every option of every table (and OBJECT help those of its
 * object, every command); an option is the same everywhere it appears.
 */
TEST_F(ctl, help_lists_every_option)
{
	const struct ctl_obj *const *obj, *const *other;
	const struct ctl_opt *o, *p;
	const struct ctl_cmd *c;
	static char top[OUT];
	char want[80];
	const char *k;
	int n = 0;

	ASSERT_EQ(0, CTL("--help"));
	memcpy(top, self->out, OUT);
	ASSERT_LT(strlen(top), OUT - 1U);
	ASSERT_EQ(0, CTL("help"));
	EXPECT_STREQ(top, self->out);
	for (o = ctl_global_opts; o->name; o++, n++)
		EXPECT_TRUE(help_has(top, o)) TH_LOG("--%s", o->name);
	for (obj = ctl_objects; *obj; obj++) {
		ASSERT_EQ(0, CTL((char *)(*obj)->name, "help"));
		for (o = (*obj)->opts; o->name; o++, n++) {
			EXPECT_TRUE(help_has(top, o))
				TH_LOG("--help lacks --%s", o->name);
			EXPECT_TRUE(help_has(self->out, o))
				TH_LOG("%s help lacks --%s", (*obj)->name,
				       o->name);
			/* not a global option's letter or name */
			for (p = ctl_global_opts; p->name; p++) {
				EXPECT_NE(p->key, o->key);
				EXPECT_STRNE(p->name, o->name);
			}
			/* the same meaning wherever it appears */
			for (other = ctl_objects; *other; other++)
				for (p = (*other)->opts; p->name; p++)
					if (p->key == o->key ||
					    !strcmp(p->name, o->name)) {
						EXPECT_EQ(p->key, o->key);
						EXPECT_STREQ(p->name, o->name);
						EXPECT_EQ(!p->arg, !o->arg);
					}
		}
		for (c = (*obj)->cmds; c->name; c++) {
			if (c->flags & CTL_ALIAS)
				snprintf(want, sizeof(want), "(or %s)\n",
					 c->name);
			else
				snprintf(want, sizeof(want), "\n  %s %s",
					 (*obj)->name, c->name);
			EXPECT_TRUE(has_word(self->out, want))
				TH_LOG("%s help lacks %s", (*obj)->name,
				       c->name);
			/* every letter a command takes is an option */
			for (k = c->keys; *k; k++) {
				for (o = (*obj)->opts; o->name; o++)
					if (o->key == *k)
						break;
				EXPECT_NE(NULL, o->name)
					TH_LOG("%s %s: -%c", (*obj)->name,
					       c->name, *k);
			}
		}
		EXPECT_NE(NULL, strstr(self->out, "\nExamples:\n  $ xmsgctl "));
		/* -h after a command: the object's help */
		if ((*obj)->cmds->name) {
			ASSERT_EQ(0, CTL((char *)(*obj)->name,
					 (char *)(*obj)->cmds->name, "-h"));
			snprintf(want, sizeof(want), "usage: xmsgctl [-d PATH] "
				 "[-j] %s COMMAND", (*obj)->name);
			EXPECT_NE(NULL, strstr(self->out, want));
		}
	}
	EXPECT_LT(20, n);
	EXPECT_NE(NULL, strstr(top, "\nExamples:\n  $ xmsgctl "));
}

/* Error lines give the xmsg meaning of the errno. */
TEST_F(ctl, error_lines)
{
	char want[128];

	/* an exchange of one message, full */
	ASSERT_EQ(0, CTL("pool", "create", self->pool, "64", "2"));
	ASSERT_EQ(0, CTL("xchg", "create", self->xchg, "-l", "1"));
	ASSERT_EQ(0, CTL("msg", "send", self->xchg, self->pool, "one"));
	ASSERT_EQ(1, CTL_ERR("msg", "send", self->xchg, self->pool, "two"));
	snprintf(want, sizeof(want), "xmsgctl: cannot send to '%s': "
		 "exchange queue full", self->xchg);
	EXPECT_NE(NULL, strstr(self->out, want)) TH_LOG("%s", self->out);
	EXPECT_EQ(NULL, strstr(self->out, strerror(ENOSPC)));
	/* a pool of one block, out at an exchange */
	ASSERT_EQ(0, CTL("pool", "create", self->bc, "64", "1"));
	ASSERT_EQ(0, CTL("xchg", "create", self->sem));
	ASSERT_EQ(0, CTL("msg", "send", self->sem, self->bc, "one"));
	ASSERT_EQ(1, CTL_ERR("msg", "send", self->sem, self->bc, "two"));
	snprintf(want, sizeof(want), "xmsgctl: cannot get a message from "
		 "pool '%s': pool empty: no free block\n", self->bc);
	EXPECT_STREQ(want, self->out);
	/* a pool with blocks out */
	ASSERT_EQ(1, CTL_ERR("pool", "destroy", self->bc));
	snprintf(want, sizeof(want), "xmsgctl: cannot destroy '%s': pool busy",
		 self->bc);
	EXPECT_NE(NULL, strstr(self->out, want)) TH_LOG("%s", self->out);
	/* the exchanges' messages go home when they are destroyed */
	ASSERT_EQ(0, CTL("xchg", "destroy", self->sem));
	ASSERT_EQ(0, CTL("xchg", "destroy", self->xchg));
	ASSERT_EQ(0, CTL("pool", "destroy", self->bc));
	ASSERT_EQ(0, CTL("pool", "destroy", self->pool));
	ASSERT_EQ(4, CTL_ERR("pool", "info", self->pool));
	snprintf(want, sizeof(want), "xmsgctl: cannot open '%s': no such "
		 "object", self->pool);
	EXPECT_NE(NULL, strstr(self->out, want)) TH_LOG("%s", self->out);
}

/* Every command that can wait defaults to not waiting (-T 0). */
TEST_F(ctl, timeouts_default_to_no_wait)
{
	double t = xt_now();

	ASSERT_EQ(0, CTL("pool", "create", self->pool, "64", "2"));
	ASSERT_EQ(0, CTL("xchg", "create", self->xchg));
	ASSERT_EQ(0, CTL("sem", "create", self->sem));
	ASSERT_EQ(3, CTL("msg", "recv", self->xchg));
	ASSERT_EQ(3, CTL("ring", "read", self->xchg, self->pool));
	ASSERT_EQ(3, CTL("sem", "wait", self->sem));
	EXPECT_GT(5.0, xt_now() - t);
	/* -T MS waits that long */
	t = xt_now();
	ASSERT_EQ(3, CTL("sem", "wait", self->sem, "-T", "200"));
	EXPECT_LE(0.19, xt_now() - t);
	ASSERT_EQ(0, CTL("sem", "destroy", self->sem));
	ASSERT_EQ(0, CTL("xchg", "destroy", self->xchg));
	ASSERT_EQ(0, CTL("pool", "destroy", self->pool));
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
