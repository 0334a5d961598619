// SPDX-License-Identifier: GPL-2.0
/*
 * ipc_bench: the few xmsg operations the benchmark uses, over the raw
 * ioctls of <linux/xmsg.h> (not libxmsg).  Each returns 0 or -errno.
 *
 * Receives wait like a read() of the other peers: for ever, without a
 * timer to arm and cancel at every wait.  A stuck one is interrupted by
 * the watchdog's SIGALRM (no SA_RESTART: -EINTR) or killed with its
 * process.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include "ipc_bench.h"

#define XB_TIMEOUT_NS	XMSG_TIMEOUT_FOREVER
#define XB_INIT(s) do { memset(&(s), 0, sizeof(s)); (s).size = sizeof(s); } while (0)

/* Why the xmsg figures are N/A when /dev/xmsg cannot be opened. */
const char *xb_why = "xmsg_failed";

static int xb_ioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

int xb_open(void)
{
	int fd = open("/dev/xmsg", O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		xb_why = "no_/dev/xmsg";
		return -errno;
	}
	return fd;
}

static int xb_name(char *dst, const char *name)
{
	memset(dst, 0, XMSG_NAME_MAX);
	if (strlen(name) >= XMSG_NAME_MAX)
		return -ENAMETOOLONG;
	memcpy(dst, name, strlen(name));
	return 0;
}

int xb_pool_create(int fd, const char *name, size_t bsize,
		   unsigned int nblocks, uint32_t *h)
{
	struct xmsg_pool_create a;
	int r;

	XB_INIT(a);
	a.flags = XMSG_CREATE_EXCL;
	a.mode = 0600;
	a.access = XMSG_ACC_RDWR;
	a.block_size = bsize;
	a.count = nblocks;
	r = xb_name(a.name, name) ?: xb_ioctl(fd, XMSG_IOC_POOL_CREATE, &a);
	*h = a.handle;
	return r;
}

static int xb_obj_open(int fd, const char *name, uint32_t type, uint32_t *h)
{
	struct xmsg_open a;
	int r;

	XB_INIT(a);
	a.type = type;
	a.access = XMSG_ACC_RDWR;
	r = xb_name(a.name, name) ?: xb_ioctl(fd, XMSG_IOC_OPEN, &a);
	*h = a.handle;
	return r;
}

int xb_pool_open(int fd, const char *name, uint32_t *h)
{
	return xb_obj_open(fd, name, XMSG_TYPE_POOL, h);
}

void *xb_pool_map(int fd, uint32_t pool, size_t *len)
{
	struct xmsg_info i;
	void *p;
	int r;

	XB_INIT(i);
	i.handle = pool;
	r = xb_ioctl(fd, XMSG_IOC_INFO, &i);
	if (r) {
		errno = -r;
		return NULL;
	}
	*len = i.u.pool.region_size;
	p = mmap(NULL, *len, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 XMSG_MMAP_OFFSET(pool));
	return p == MAP_FAILED ? NULL : p;
}

static int xb_handle_op(int fd, unsigned long cmd, uint32_t h)
{
	struct xmsg_handle_op a;

	XB_INIT(a);
	a.handle = h;
	return xb_ioctl(fd, cmd, &a);
}

int xb_pool_destroy(int fd, uint32_t pool)
{
	return xb_handle_op(fd, XMSG_IOC_DESTROY, pool);
}

int xb_xchg_create(int fd, const char *name, int kind, uint32_t *h)
{
	struct xmsg_xchg_create a;
	int r;

	XB_INIT(a);
	a.flags = XMSG_CREATE_EXCL;
	a.mode = 0600;
	a.access = XMSG_ACC_RDWR;
	a.kind = kind == XK_BCAST ? XMSG_XCHG_KIND_BCAST :
				    XMSG_XCHG_KIND_NORMAL;
	r = xb_name(a.name, name) ?: xb_ioctl(fd, XMSG_IOC_XCHG_CREATE, &a);
	*h = a.handle;
	return r;
}

int xb_xchg_open(int fd, const char *name, uint32_t *h)
{
	return xb_obj_open(fd, name, XMSG_TYPE_XCHG, h);
}

int xb_xchg_destroy(int fd, uint32_t xchg)
{
	return xb_handle_op(fd, XMSG_IOC_DESTROY, xchg);
}

int xb_get(int fd, uint32_t pool, uint32_t *msg, uint64_t *off)
{
	struct xmsg_buf a;
	int r;

	XB_INIT(a);
	a.src = pool;
	r = xb_ioctl(fd, XMSG_IOC_MSG_GET, &a);
	*msg = a.dst;
	*off = a.offset;
	return r;
}

int xb_rel(int fd, uint32_t msg)
{
	struct xmsg_buf a;

	XB_INIT(a);
	a.src = msg;
	return xb_ioctl(fd, XMSG_IOC_MSG_REL, &a);
}

int xb_send(int fd, uint32_t xchg, uint32_t msg)
{
	struct xmsg_send a;

	XB_INIT(a);
	a.xchg = xchg;
	a.msg = msg;
	return xb_ioctl(fd, XMSG_IOC_SEND, &a);
}

static void xb_rx_set(struct xrx *rx, uint32_t msg, uint64_t off,
		      uint64_t len, uint64_t gen)
{
	rx->msg = msg;
	rx->off = off;
	rx->len = len;
	rx->gen = gen;
}

int xb_recv(int fd, uint32_t xchg, bool newer, struct xrx *rx)
{
	struct xmsg_recv a;
	int r;

	XB_INIT(a);
	a.xchg = xchg;
	a.timeout_ns = XB_TIMEOUT_NS;
	if (newer) {
		a.flags = XMSG_RECV_NEWER;
		a.gen = rx->gen;
	}
	r = xb_ioctl(fd, XMSG_IOC_RECV, &a);
	if (!r)
		xb_rx_set(rx, a.msg, a.offset, a.length, a.gen);
	return r;
}

int xb_call(int fd, uint32_t sx, uint32_t msg, uint32_t rxx, struct xrx *rx)
{
	struct xmsg_call a;
	int r;

	XB_INIT(a);
	a.send_xchg = sx;
	a.send_msg = msg;
	a.recv_xchg = rxx;
	a.timeout_ns = XB_TIMEOUT_NS;
	r = xb_ioctl(fd, XMSG_IOC_CALL, &a);
	if (!r)
		xb_rx_set(rx, a.msg, a.offset, a.length, a.gen);
	return r;
}

int xb_proxy(int fd, uint32_t msg, uint64_t off, uint64_t len,
	     uint32_t *proxy)
{
	struct xmsg_buf a;
	int r;

	XB_INIT(a);
	a.src = msg;
	a.slice_offset = off;
	a.slice_length = len;
	r = xb_ioctl(fd, XMSG_IOC_MSG_PROXY, &a);
	*proxy = a.dst;
	return r;
}

/*
 * XMSG_IOC_XFER: send @n messages @msgs (to @sx, or to @sxs[i] when @sxs
 * is set; with @proxy a proxy of @msgs[0] each), then receive up to @max
 * messages from @rxx (0: none) into @rx, *@got of them.
 */
int xb_xfer(int fd, uint32_t sx, const uint32_t *msgs, unsigned int n,
	    bool proxy, const uint32_t *sxs, uint32_t rxx, unsigned int max,
	    struct xrx *rx, unsigned int *got)
{
	struct xmsg_xfer_send se[XMSG_XFER_MAX];
	struct xmsg_xfer_recv re[XMSG_XFER_MAX];
	struct xmsg_xfer a;
	int r;

	if (n > XMSG_XFER_MAX || max > XMSG_XFER_MAX)
		return -EINVAL;
	memset(se, 0, n * sizeof(se[0]));
	for (unsigned int i = 0; i < n; i++) {
		se[i].xchg = sxs ? sxs[i] : sx;
		se[i].msg = proxy ? msgs[0] : msgs[i];
		se[i].flags = proxy ? XMSG_XFER_PROXY : 0;
	}
	XB_INIT(a);
	if (n) {
		a.send = (uintptr_t)se;
		a.send_count = n;
		a.send_size = sizeof(se[0]);
	}
	if (max) {
		a.recv = (uintptr_t)re;
		a.recv_max = max;
		a.recv_size = sizeof(re[0]);
		a.recv_xchg = rxx;
		a.timeout_ns = XB_TIMEOUT_NS;
	}
	r = xb_ioctl(fd, XMSG_IOC_XFER, &a);
	if (r)
		return r;
	for (unsigned int i = 0; i < a.received; i++)
		xb_rx_set(&rx[i], re[i].msg, re[i].offset, re[i].length, 0);
	if (got)
		*got = a.received;
	return 0;
}

int xb_features(int fd)
{
	struct xmsg_features f;

	XB_INIT(f);
	return xb_ioctl(fd, XMSG_IOC_FEATURES, &f);
}

/* A receive that does not wait, on an empty exchange: -EAGAIN. */
int xb_recv_empty(int fd, uint32_t xchg)
{
	struct xmsg_recv a;

	XB_INIT(a);
	a.xchg = xchg;
	return xb_ioctl(fd, XMSG_IOC_RECV, &a);
}
