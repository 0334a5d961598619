// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * libxmsg: what an errno means when /dev/xmsg returns it.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include "xm_priv.h"

_Static_assert(XMSG_NAME_MAX == 32, "the ENAMETOOLONG text says 31 bytes");

static const struct {
	int err;
	const char *text;
} xm_errors[] = {
	{ EAGAIN, "nothing there: no message queued, or the semaphore not "
		  "signalled (and no waiting asked for)" },
	{ ETIMEDOUT, "timed out: no message or signal came in time" },
	{ ENOBUFS, "pool empty: no free block" },
	{ ENOSPC, "exchange queue full (at its limit), or the per-user limit "
		  "of pool memory reached" },
	{ EIDRM, "object destroyed" },
	{ ECANCELED, "cancelled: the exchange or semaphore was cleared while "
		     "waiting" },
	{ EMFILE, "handle limit reached (handles per open file, pools or "
		  "objects per user), or no free file descriptor" },
	{ EBUSY, "pool busy (blocks out or the region mapped), exchange "
		 "busy (it has a receive ring), or body shared by proxies" },
	{ EBADF, "no such handle in this context" },
	{ EINVAL, "invalid argument, or a handle of the wrong type" },
	{ EACCES, "permission denied: the object's mode or the handle's "
		  "rights do not allow it" },
	{ EPERM, "not permitted: not the object's owner (or not the sender "
		 "of the broadcast post)" },
	{ EEXIST, "an object of that name exists" },
	{ ENOENT, "no such object" },
	{ ENAMETOOLONG, "name too long (31 bytes at most)" },
	{ ENOTTY, "not supported by this kernel's xmsg (an older API)" },
	{ ERANGE, "offset or length beyond the body or the pool region" },
	{ EOVERFLOW, "semaphore count at its maximum" },
	{ E2BIG, "structure larger than the kernel's, with non-zero bytes "
		 "beyond it (a newer <linux/xmsg.h>)" },
	{ EINTR, "interrupted by a signal" },
	{ ENOMEM, "out of memory" },
	{ EFAULT, "bad address" },
};

/**
 * xm_strerror() - what an errno means for xmsg
 * @err: an errno, negative (as libxmsg returns it) or positive
 *
 * Return: a constant string explaining @err in the terms of xmsg ("pool
 * empty: no free block" for ENOBUFS, "exchange queue full ..." for ENOSPC,
 * "object destroyed" for EIDRM, ...), or strerror() of it for an errno
 * xmsg does not return.
 */
const char *xm_strerror(int err)
{
	size_t i;

	if (err < 0 && err != INT_MIN)
		err = -err;
	for (i = 0; i < sizeof(xm_errors) / sizeof(xm_errors[0]); i++)
		if (xm_errors[i].err == err)
			return xm_errors[i].text;
	return strerror(err);
}
