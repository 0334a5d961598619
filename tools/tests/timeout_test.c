// SPDX-License-Identifier: GPL-2.0
/*
 * Timeouts to the nanosecond: a 1 ms timeout, relative or an absolute
 * CLOCK_MONOTONIC time, never ends a receive at an empty exchange or a
 * wait at a semaphore early.  Each of TO_ROUNDS waits is timed with
 * clock_gettime(CLOCK_MONOTONIC) around the raw ioctl; the overshoots are
 * logged (min/median/max) but not judged, as a loaded TCG guest can be
 * late by any amount.
 */
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include "kselftest_harness.h"
#include "xm_test.h"

#define TO_NS		1000000LL	/* the timeout: 1 ms */
#define TO_ROUNDS	150
#define TO_LATE_NS	2000000000LL	/* sanity bound on one overshoot */

FIXTURE(to) {
	struct xm *x;
	int xchg, sem;
};

FIXTURE_SETUP(to)
{
	ASSERT_EQ(0, xm_open(&self->x, NULL)) TH_LOG("no /dev/xmsg?");
	/* anonymous: gone with the file */
	self->xchg = xm_xchg_create(self->x, NULL, XMSG_XCHG_KIND_NORMAL, 0,
				    0600, 0);
	ASSERT_LT(0, self->xchg);
	self->sem = xm_sem_create(self->x, NULL, XMSG_SEM_KIND_COUNT, 0, 0,
				  0600, 0);
	ASSERT_LT(0, self->sem);
}

FIXTURE_TEARDOWN(to)
{
	if (self->x)
		xm_close(self->x);
}

static int64_t to_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int to_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* One wait of @timeout_ns (@flags: 0 or XMSG_TIMEOUT_ABS); -errno. */
static int to_wait(FIXTURE_DATA(to) *self, bool sem, int64_t timeout_ns,
		   uint32_t flags)
{
	struct xmsg_recv r = {
		.size = sizeof(r), .flags = flags, .xchg = self->xchg,
		.timeout_ns = timeout_ns,
	};
	struct xmsg_sem_op op = {
		.size = sizeof(op), .flags = flags, .handle = self->sem,
		.timeout_ns = timeout_ns,
	};

	if (sem)
		return ioctl(xm_fd(self->x), XMSG_IOC_SEM_WAIT, &op) ? -errno : 0;
	return ioctl(xm_fd(self->x), XMSG_IOC_RECV, &r) ? -errno : 0;
}

/*
 * TO_ROUNDS waits, each of which must time out no earlier than TO_NS
 * after its start (relative) or than its deadline (absolute).
 */
static void to_check(struct __test_metadata *_metadata,
		     FIXTURE_DATA(to) *self, bool sem, bool abs)
{
	int64_t late[TO_ROUNDS], t0, t1, end;
	int i;

	for (i = 0; i < TO_ROUNDS; i++) {
		t0 = to_now();
		end = t0 + TO_NS;
		ASSERT_EQ(-ETIMEDOUT, to_wait(self, sem, abs ? end : TO_NS,
					      abs ? XMSG_TIMEOUT_ABS : 0));
		t1 = to_now();
		late[i] = t1 - end;
		ASSERT_LE(0, late[i])
			TH_LOG("round %d: returned %lld ns early", i,
			       (long long)-late[i]);
		ASSERT_GT(TO_LATE_NS, late[i]);
	}
	qsort(late, TO_ROUNDS, sizeof(late[0]), to_cmp);
	TH_LOG("%s, %s 1 ms: %d waits, late by min %lld, median %lld, max %lld ns",
	       sem ? "semaphore wait" : "receive", abs ? "absolute" : "relative",
	       TO_ROUNDS, (long long)late[0], (long long)late[TO_ROUNDS / 2],
	       (long long)late[TO_ROUNDS - 1]);
}

TEST_F(to, recv_relative)
{
	to_check(_metadata, self, false, false);
}

TEST_F(to, recv_absolute)
{
	to_check(_metadata, self, false, true);
}

TEST_F(to, sem_relative)
{
	to_check(_metadata, self, true, false);
}

TEST_F(to, sem_absolute)
{
	to_check(_metadata, self, true, true);
}

/* A deadline already past: -ETIMEDOUT at once, also for a semaphore. */
TEST_F(to, absolute_past)
{
	EXPECT_EQ(-ETIMEDOUT, to_wait(self, false, to_now(), XMSG_TIMEOUT_ABS));
	EXPECT_EQ(-ETIMEDOUT, to_wait(self, true, to_now(), XMSG_TIMEOUT_ABS));
	EXPECT_EQ(-EAGAIN, to_wait(self, false, 0, 0));
	EXPECT_EQ(-EAGAIN, to_wait(self, true, 0, 0));
}

TEST_HARNESS_MAIN
