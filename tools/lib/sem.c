// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * libxmsg: semaphores and poll helpers.
 */
#include <errno.h>
#include <poll.h>
#include "xm_priv.h"

int xm_sem_create(struct xm *x, const char *name, uint32_t kind,
		  uint32_t count, uint32_t threshold, uint32_t mode,
		  uint32_t flags)
{
	struct xmsg_sem_create sc;
	int ret;

	XM_INIT(sc);
	ret = xm_name(sc.name, name);
	if (ret)
		return ret;
	sc.flags = flags;
	sc.mode = mode;
	sc.access = XMSG_ACC_RDWR;
	sc.kind = kind;
	sc.count = count;
	sc.threshold = threshold;
	ret = xm_ioctl(x, XMSG_IOC_SEM_CREATE, &sc);
	return ret ? ret : (int)sc.handle;
}

int xm_sem_open(struct xm *x, const char *name, uint32_t access)
{
	return xm_obj_open(x, XMSG_TYPE_SEM, name, access);
}

int xm_sem_signal(struct xm *x, uint32_t sem, uint32_t flags)
{
	struct xmsg_sem_op op;

	XM_INIT(op);
	op.flags = flags;
	op.handle = sem;
	return xm_ioctl(x, XMSG_IOC_SEM_SIGNAL, &op);
}

int xm_sem_wait(struct xm *x, uint32_t sem, int64_t timeout_ns)
{
	struct xmsg_sem_op op;

	XM_INIT(op);
	op.handle = sem;
	op.timeout_ns = timeout_ns;
	return xm_ioctl(x, XMSG_IOC_SEM_WAIT, &op);
}

int xm_sem_signal_wait(struct xm *x, uint32_t sig, uint32_t wait,
		       int64_t timeout_ns, uint32_t flags, int *signalled)
{
	struct xmsg_sem_signal_wait sw;
	int ret;

	XM_INIT(sw);
	sw.flags = flags;
	sw.signal = sig;
	sw.wait = wait;
	sw.timeout_ns = timeout_ns;
	ret = xm_ioctl(x, XMSG_IOC_SEM_SIGNAL_WAIT, &sw);
	if (signalled)
		*signalled = !!(sw.result & XMSG_SEM_SIGNALLED);
	return ret;
}

int xm_poll_fd(struct xm *x, uint32_t handle, uint64_t gen)
{
	struct xmsg_poll_fd p;
	int ret;

	XM_INIT(p);
	p.flags = XMSG_FD_CLOEXEC;
	p.handle = handle;
	p.gen = gen;
	ret = xm_ioctl(x, XMSG_IOC_POLL_FD, &p);
	return ret ? ret : p.fd;
}

/* 1: readable, 0: timed out, -EIDRM: object destroyed, or -errno */
int xm_poll_wait(int fd, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int ret;

	do {
		ret = poll(&pfd, 1, timeout_ms);
	} while (ret < 0 && errno == EINTR);
	if (ret < 0)
		return -errno;
	if (ret == 0)
		return 0;
	if (pfd.revents & (POLLERR | POLLHUP | POLLNVAL))
		return -EIDRM;
	return 1;
}
