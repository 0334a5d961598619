// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/* libxmsg: send rings (XMSG_IOC_TXRING). */
#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>
#include "xm_priv.h"

int xm_txring_open(struct xm *x, uint32_t xchg, uint32_t pool,
		   uint32_t entries, uint32_t blocks, struct xm_txring *t)
{
	struct xmsg_txring_setup ts;
	char *map;
	int ret;

	if (!x || !t)
		return -EINVAL;
	memset(t, 0, sizeof(*t));
	t->fd = -1;
	ret = xm_pool_map(x, pool, &t->pool_base, &t->pool_size);
	if (ret)
		return ret;
	XM_INIT(ts);
	ts.flags = XMSG_FD_CLOEXEC;
	ts.xchg = xchg;
	ts.pool = pool;
	ts.entries = entries;
	ts.blocks = blocks;
	ret = xm_ioctl(x, XMSG_IOC_TXRING, &ts);
	if (ret)
		return ret;
	map = mmap(NULL, ts.map_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   ts.fd, 0);
	if (map == MAP_FAILED) {
		ret = -errno;
		close(ts.fd);
		return ret;
	}
	t->x = x;
	t->fd = ts.fd;
	t->hdr = (struct xmsg_txring_hdr *)map;
	t->send = (struct xmsg_txring_desc *)(map + ts.send_offset);
	t->comp = (struct xmsg_txring_comp *)(map + ts.comp_offset);
	t->fill = (uint64_t *)(map + ts.fill_offset);
	t->mask = t->hdr->entries - 1;
	t->send_prod = t->hdr->send_producer;
	t->comp_cons = t->hdr->comp_consumer;
	t->fill_cons = t->hdr->fill_consumer;
	t->map_size = ts.map_size;
	return 0;
}

void xm_txring_close(struct xm_txring *t)
{
	if (!t || t->fd < 0)
		return;
	munmap(t->hdr, t->map_size);
	close(t->fd);
	t->fd = -1;
	t->hdr = NULL;
}

int xm_txring_kick(struct xm_txring *t, uint32_t *sent, uint32_t *refused)
{
	struct xmsg_txring_kick tk;
	int ret;

	if (!t || t->fd < 0)
		return -EINVAL;
	XM_INIT(tk);
	tk.ring_fd = t->fd;
	ret = xm_ioctl(t->x, XMSG_IOC_TXRING_KICK, &tk);
	if (ret)
		return ret;
	if (sent)
		*sent = tk.sent;
	if (refused)
		*refused = tk.refused;
	return 0;
}

int xm_txring_flush(struct xm_txring *t)
{
	if (!t || t->fd < 0)
		return -EINVAL;
	/* the producer index (stored by xm_txring_post()) before the flag */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!(__atomic_load_n(&t->hdr->flags, __ATOMIC_RELAXED) &
	      XMSG_TXRING_F_NEED_WAKEUP))
		return 0;
	if (__atomic_load_n(&t->hdr->send_consumer, __ATOMIC_ACQUIRE) ==
	    t->send_prod)
		return 0;
	return xm_txring_kick(t, NULL, NULL);
}
