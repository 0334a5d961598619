/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Run a sibling tool (xmsgctl, an example) from a test and capture its
 * standard output.  Tools are found relative to the test binary:
 * <dir of /proc/self/exe>/../bin/xmsgctl and ../examples/<name>, which is
 * both tools/out/ and /xmsg/ in the VM.
 */
#ifndef XT_EXEC_H
#define XT_EXEC_H

#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <libgen.h>
#include "xm_test.h"

/* Path of ../<sub>/<name> relative to the running test binary. */
static inline int xt_tool(char *buf, size_t len, const char *sub,
			  const char *name)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n <= 0)
		return -1;
	self[n] = 0;
	snprintf(buf, len, "%s/../%s/%s", dirname(self), sub, name);
	return access(buf, X_OK);
}

/*
 * Run @argv (argv[0] = path) with @in on standard input (NULL: empty),
 * its file descriptor @fd (1: standard output, 2: standard error) into @out
 * (NUL-terminated, truncated to @outsz), as @uid/@uid if @uid is not
 * (uid_t)-1.  Returns the exit code, 1000 + signal, or -1.
 */
static inline int xt_run_fd(int fd, const char *in, char *out, size_t outsz,
			    uid_t uid, char *const argv[])
{
	int ip[2], op[2];
	char sink[256];
	size_t got = 0;
	ssize_t r;
	pid_t pid;

	if (pipe(ip) || pipe(op))
		return -1;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(ip[0], 0);
		dup2(op[1], fd);
		close(ip[0]);
		close(ip[1]);
		close(op[0]);
		close(op[1]);
		if (uid != (uid_t)-1 &&
		    (setgroups(0, NULL) || setgid(uid) || setuid(uid)))
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	close(ip[0]);
	close(op[1]);
	if (in && write(ip[1], in, strlen(in)) < 0)
		perror("write");
	close(ip[1]);
	while (outsz && (r = read(op[0], out + got, outsz - 1 - got)) > 0)
		got += r;
	if (outsz)
		out[got] = 0;
	/* drain whatever did not fit */
	while ((r = read(op[0], sink, sizeof(sink))) > 0)
		;
	close(op[0]);
	return xt_wait(pid);
}

/* xt_run_fd() of standard output. */
static inline int xt_run(const char *in, char *out, size_t outsz, uid_t uid,
			 char *const argv[])
{
	return xt_run_fd(1, in, out, outsz, uid, argv);
}

/* Start @argv in the background (output to /dev/null); its pid or -1. */
static inline pid_t xt_spawn(char *const argv[])
{
	pid_t pid;
	int fd;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		fd = open("/dev/null", O_RDWR);
		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	return pid;
}

#endif /* XT_EXEC_H */
