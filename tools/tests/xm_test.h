/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the libxmsg user tests (zerocopy, kill, perm, ns,
 * stress, lib).  Include after kselftest_harness.h.
 *
 * Forked helper processes must not use the ASSERT_ and EXPECT_ macros (of
 * the harness's test process): they use CHILD_CHECK(), which prints the
 * failed condition and exits with a distinct code that the test then
 * asserts on through xt_wait().
 */
#ifndef XM_TEST_H
#define XM_TEST_H

#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "libxmsg.h"

/* In a forked helper: exit with @code if @cond is false. */
#define CHILD_CHECK(cond, code) do {					\
	if (!(cond)) {							\
		fprintf(stderr, "[child %d] %s:%d: check failed: %s\n",	\
			(int)getpid(), __FILE__, __LINE__, #cond);	\
		_exit(code);						\
	}								\
} while (0)

/* A name unique to this test process: "t<pid>.<tag>". */
static inline const char *xt_name(char *buf, const char *tag)
{
	snprintf(buf, XMSG_NAME_MAX, "t%d.%s", (int)getpid(), tag);
	return buf;
}

/* Skip the whole test (exit 4 = KSFT_SKIP) without /dev/xmsg. */
static inline int xt_have_device(void)
{
	const char *p = getenv("XMSG_DEVICE");

	return access(p && *p ? p : XM_DEVICE, R_OK | W_OK) == 0;
}

/* Exit status of @pid: 0..255 exit code, 1000 + signal, -1 on error. */
static inline int xt_wait(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid)
		return -1;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 1000 + WTERMSIG(st);
	return -1;
}

static inline void xt_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static inline double xt_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The unprivileged uid and gid the tests switch to. */
#define XT_NOBODY	65534

/*
 * In a forked child: drop the inherited context, become nobody (uid and
 * gid, no groups), open a new context as nobody.
 */
static inline struct xm *xt_become_nobody(struct xm *inherited)
{
	struct xm *x;

	xm_close(inherited);
	CHILD_CHECK(setgroups(0, NULL) == 0, 90);
	CHILD_CHECK(setgid(XT_NOBODY) == 0, 91);
	CHILD_CHECK(setuid(XT_NOBODY) == 0, 92);
	CHILD_CHECK(getuid() == XT_NOBODY && geteuid() == XT_NOBODY, 93);
	CHILD_CHECK(xm_open(&x, NULL) == 0, 94);
	return x;
}

/* Pipe helpers for parent/child handshakes. */
static inline int xt_put(int fd, uint64_t v)
{
	return write(fd, &v, sizeof(v)) == sizeof(v) ? 0 : -1;
}

static inline int xt_get(int fd, uint64_t *v)
{
	return read(fd, v, sizeof(*v)) == sizeof(*v) ? 0 : -1;
}

/* Poll @handle's info until @pred is true or ~@ms passed; 0 if it came. */
#define XT_WAIT_INFO(x, handle, in, pred, ms) ({			\
	int __i, __ok = -1;						\
	for (__i = 0; __i < (ms); __i++) {				\
		if (xm_info((x), (handle), &(in)) == 0 && (pred)) {	\
			__ok = 0;					\
			break;						\
		}							\
		xt_sleep_ms(1);						\
	}								\
	__ok; })

#endif /* XM_TEST_H */
