/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xt_write_param(): set a module parameter of xmsg.ko for a test (root),
 * returning the old value, so the test can put it back.  Shared by the
 * raw ioctl tests and the libxmsg tests; needs only libc.
 */
#ifndef XT_PARAM_H
#define XT_PARAM_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Write @val to xmsg's parameter @name; *@old gets the value before. */
static inline int xt_write_param(const char *name, long val, long *old)
{
	char path[128], buf[32];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/module/xmsg/parameters/%s", name);
	fd = open(path, O_RDWR);
	if (fd < 0)
		return -errno;
	if (old) {
		n = read(fd, buf, sizeof(buf) - 1);
		if (n <= 0) {
			close(fd);
			return -EIO;
		}
		buf[n] = 0;
		*old = strtol(buf, NULL, 10);
	}
	n = snprintf(buf, sizeof(buf), "%ld", val);
	if (pwrite(fd, buf, n, 0) != n) {
		close(fd);
		return -EIO;
	}
	close(fd);
	return 0;
}

#endif /* XT_PARAM_H */
