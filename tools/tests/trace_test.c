// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg's trace events (include/xmsg/trace.h), read back through
 * tracefs: a send that queues, a send refused by a full exchange, a
 * receive, a release, a get from an empty pool and a semaphore signal and
 * wait each leave one event with the right fields.  Needs root and tracefs
 * (mounted here when it is not); skipped on a kernel without tracing.
 */
#include <fcntl.h>
#include <stdint.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include "kselftest_harness.h"
#include "xm_test.h"

#define BS	128

static char tracefs[64];

/* Find (or mount) tracefs; 0 when it has an events/xmsg directory. */
static int trace_find(void)
{
	static const char * const dirs[] = {
		"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
	};
	char path[128];
	unsigned int i;

	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/events", dirs[i]);
		if (access(path, F_OK) && i == 0)
			mount("nodev", dirs[0], "tracefs", 0, NULL);
		if (access(path, F_OK) == 0) {
			snprintf(tracefs, sizeof(tracefs), "%s", dirs[i]);
			snprintf(path, sizeof(path), "%s/events/xmsg",
				 tracefs);
			return access(path, F_OK) ? -ENOENT : 0;
		}
	}
	return -ENODEV;
}

static int trace_write(const char *file, const char *val)
{
	char path[160];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", tracefs, file);
	fd = open(path, O_WRONLY | O_TRUNC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -EIO;
}

/* The whole trace buffer, NUL-terminated; free() it. */
static char *trace_read(void)
{
	size_t len = 0, cap = 1 << 16;
	char path[160], *buf = malloc(cap + 1);
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/trace", tracefs);
	fd = open(path, O_RDONLY);
	if (fd < 0 || !buf) {
		free(buf);
		return NULL;
	}
	while ((n = read(fd, buf + len, cap - len)) > 0) {
		len += n;
		if (len == cap) {
			char *nb = realloc(buf, 2 * cap + 1);

			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
	}
	close(fd);
	buf[len] = '\0';
	return buf;
}

/* Does the trace have a line with "@event: " followed by exactly @fields? */
static int trace_has(const char *trace, const char *event, const char *fields)
{
	char want[256];
	const char *p = trace;
	size_t n;

	n = snprintf(want, sizeof(want), "%s: %s", event, fields);
	while ((p = strstr(p, want))) {
		if (p[n] == '\n' || p[n] == '\0')
			return 1;
		p += n;
	}
	fprintf(stderr, "# no event \"%s\" in the trace\n", want);
	return 0;
}

FIXTURE(tr) {
	struct xm *x;
	int pool, xchg, sem;
	char pname[XMSG_NAME_MAX], xname[XMSG_NAME_MAX], sname[XMSG_NAME_MAX];
};

FIXTURE_SETUP(tr)
{
	int ret;

	if (geteuid() != 0)
		SKIP(return, "tracefs needs root");
	ret = trace_find();
	if (ret == -ENODEV)
		SKIP(return, "no tracefs on this kernel");
	ASSERT_EQ(0, ret) TH_LOG("tracefs at %s has no events/xmsg", tracefs);
	ASSERT_EQ(0, xm_open(&self->x, NULL));
	self->pool = xm_pool_create(self->x, xt_name(self->pname, "trpool"),
				    BS, 2, 0600, XMSG_CREATE_EXCL);
	ASSERT_LT(0, self->pool);
	self->xchg = xm_xchg_create(self->x, xt_name(self->xname, "trxchg"),
				    XMSG_XCHG_KIND_NORMAL, 1, 0600,
				    XMSG_CREATE_EXCL);
	ASSERT_LT(0, self->xchg);
	self->sem = xm_sem_create(self->x, xt_name(self->sname, "trsem"),
				  XMSG_SEM_KIND_COUNT, 0, 0, 0600,
				  XMSG_CREATE_EXCL);
	ASSERT_LT(0, self->sem);
	ASSERT_EQ(0, trace_write("trace", ""));
	ASSERT_EQ(0, trace_write("events/xmsg/enable", "1"));
	ASSERT_EQ(0, trace_write("tracing_on", "1"));
}

FIXTURE_TEARDOWN(tr)
{
	if (!self->x)
		return;
	trace_write("events/xmsg/enable", "0");
	xm_destroy(self->x, self->sem);
	xm_destroy(self->x, self->xchg);
	xm_pool_destroy(self->x, self->pool);
	xm_close(self->x);
}

TEST_F(tr, send_receive_release_and_refusals)
{
	struct xm_msg a, b, c, got;
	struct xmsg_info in;
	char want[128];
	char *trace;

	ASSERT_EQ(0, xm_msg_get(self->x, self->pool, &a));
	ASSERT_EQ(0, xm_msg_set_length(self->x, a.handle, 100));
	ASSERT_EQ(0, xm_msg_get(self->x, self->pool, &b));
	/* the pool has two blocks: the third get finds it empty */
	ASSERT_EQ(-ENOBUFS, xm_msg_get(self->x, self->pool, &c));
	ASSERT_EQ(0, xm_send(self->x, self->xchg, a.handle, 7, 0, 0));
	/* the exchange holds one message: the second send is refused */
	ASSERT_EQ(-ENOSPC, xm_send(self->x, self->xchg, b.handle, 3, 0, 0));
	ASSERT_EQ(0, xm_info(self->x, self->xchg, &in));
	EXPECT_EQ(1u, in.u.xchg.refused);
	ASSERT_EQ(0, xm_recv(self->x, self->xchg, 0, 0, &got));
	ASSERT_EQ(7u, got.prio);
	ASSERT_EQ(0, xm_msg_rel(self->x, got.handle));
	ASSERT_EQ(0, xm_msg_rel(self->x, b.handle));
	ASSERT_EQ(0, xm_sem_signal(self->x, self->sem, 0));
	ASSERT_EQ(0, xm_sem_wait(self->x, self->sem, 0));
	ASSERT_EQ(0, trace_write("events/xmsg/enable", "0"));

	trace = trace_read();
	ASSERT_NE(NULL, trace);
	snprintf(want, sizeof(want), "pool=%s block_size=%d count=2",
		 self->pname, BS);
	EXPECT_TRUE(trace_has(trace, "xmsg_pool_empty", want));
	snprintf(want, sizeof(want), "xchg=%s prio=7 len=100 result=queued",
		 self->xname);
	EXPECT_TRUE(trace_has(trace, "xmsg_msg_send", want));
	snprintf(want, sizeof(want), "xchg=%s queued=1 limit=1", self->xname);
	EXPECT_TRUE(trace_has(trace, "xmsg_xchg_full", want));
	snprintf(want, sizeof(want), "xchg=%s prio=3 len=%d result=full",
		 self->xname, BS);
	EXPECT_TRUE(trace_has(trace, "xmsg_msg_send", want));
	snprintf(want, sizeof(want), "xchg=%s prio=7 len=100", self->xname);
	EXPECT_TRUE(trace_has(trace, "xmsg_msg_recv", want));
	EXPECT_TRUE(trace_has(trace, "xmsg_msg_rel", "origin=pool len=100"));
	snprintf(want, sizeof(want), "origin=pool len=%d", BS);
	EXPECT_TRUE(trace_has(trace, "xmsg_msg_rel", want));
	snprintf(want, sizeof(want), "sem=%s count=1 woke=0", self->sname);
	EXPECT_TRUE(trace_has(trace, "xmsg_sem_signal", want));
	snprintf(want, sizeof(want), "sem=%s result=0", self->sname);
	EXPECT_TRUE(trace_has(trace, "xmsg_sem_wait", want));
	free(trace);
}

TEST_HARNESS_MAIN
