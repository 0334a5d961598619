// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* libxmsg: receive rings (XMSG_IOC_RING). */
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>
#include "xm_priv.h"

int xm_ring_open(struct xm *x, uint32_t xchg, uint32_t pool, uint32_t entries,
		 uint32_t wake_min, uint32_t wake_us, struct xm_ring *r)
{
	struct xmsg_ring_setup rs;
	void *map;
	int ret;

	if (!x || !r)
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	r->fd = -1;
	ret = xm_pool_map(x, pool, &r->pool_base, &r->pool_size);
	if (ret)
		return ret;
	XM_INIT(rs);
	rs.flags = XMSG_FD_CLOEXEC;
	rs.xchg = xchg;
	rs.pool = pool;
	rs.entries = entries;
	rs.wake_min = wake_min;
	rs.wake_us = wake_us;
	ret = xm_ioctl(x, XMSG_IOC_RING, &rs);
	if (ret)
		return ret;
	map = mmap(NULL, rs.map_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   rs.fd, 0);
	if (map == MAP_FAILED) {
		ret = -errno;
		close(rs.fd);
		return ret;
	}
	r->fd = rs.fd;
	r->hdr = map;
	r->ent = (void *)((char *)map + XMSG_RING_ENTRIES_OFFSET);
	r->mask = r->hdr->entries - 1;
	r->cons = r->hdr->consumer;
	r->map_size = rs.map_size;
	return 0;
}

void xm_ring_close(struct xm_ring *r)
{
	if (!r || r->fd < 0)
		return;
	munmap(r->hdr, r->map_size);
	close(r->fd);
	r->fd = -1;
	r->hdr = NULL;
}

int xm_ring_wait(struct xm_ring *r, int timeout_ms)
{
	int ret = xm_poll_wait(r->fd, timeout_ms);

	/* the exchange is gone, but what is in the ring is still to read */
	if (ret == -EIDRM && xm_ring_ready(r))
		return 1;
	return ret;
}

int xm_ring_take(struct xm *x, const struct xm_ring *r, unsigned int i,
		 struct xm_msg *m)
{
	struct xmsg_ring_take rt;
	int ret;

	if (!x || !r || !m || r->fd < 0)
		return -EINVAL;
	XM_INIT(rt);
	rt.ring_fd = r->fd;
	rt.index = r->cons + i;
	ret = xm_ioctl(x, XMSG_IOC_RING_TAKE, &rt);
	if (ret)
		return ret;
	return xm_msg_info(x, rt.msg, m);
}
