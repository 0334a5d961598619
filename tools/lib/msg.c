// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * libxmsg: bare blocks, standard blocks, messages, proxies, send/receive.
 */
#include <errno.h>
#include "xm_priv.h"

/* Fill @m from a body report; @body is NULL (errno says why) if unmapped. */
static void xm_fill(struct xm *x, struct xm_msg *m, uint32_t handle,
		    uint32_t pool, uint64_t offset, uint64_t length,
		    uint32_t flags)
{
	memset(m, 0, sizeof(*m));
	m->handle = handle;
	m->pool = pool;
	m->offset = offset;
	m->length = length;
	m->flags = flags;
	m->body = pool ? xm_ptr(x, pool, offset) : NULL;
}

/* A struct xmsg_buf command; @len is the length asked for (heap gets). */
static int xm_buf_len(struct xm *x, unsigned long cmd, uint32_t src,
		      uint64_t soff, uint64_t slen, uint64_t len,
		      struct xm_msg *out)
{
	struct xmsg_buf b;
	int ret;

	XM_INIT(b);
	b.src = src;
	b.slice_offset = soff;
	b.slice_length = slen;
	b.length = len;
	ret = xm_ioctl(x, cmd, &b);
	if (!ret && out)
		xm_fill(x, out, b.dst, b.pool, b.offset, b.length,
			b.msg_flags);
	return ret;
}

static int xm_buf(struct xm *x, unsigned long cmd, uint32_t src,
		  uint64_t soff, uint64_t slen, struct xm_msg *out)
{
	return xm_buf_len(x, cmd, src, soff, slen, 0, out);
}

int xm_block_get(struct xm *x, uint32_t pool, struct xm_msg *b)
{
	return xm_buf(x, XMSG_IOC_BLOCK_GET, pool, 0, 0, b);
}

int xm_block_rel(struct xm *x, uint32_t block)
{
	return xm_buf(x, XMSG_IOC_BLOCK_REL, block, 0, 0, NULL);
}

int xm_bcb_get(struct xm *x, uint32_t pool, struct xm_msg *b)
{
	return xm_buf(x, XMSG_IOC_BCB_GET, pool, 0, 0, b);
}

int xm_bcb_rel(struct xm *x, uint32_t bcb)
{
	return xm_buf(x, XMSG_IOC_BCB_REL, bcb, 0, 0, NULL);
}

int xm_bcb_make(struct xm *x, uint32_t block, struct xm_msg *b)
{
	return xm_buf(x, XMSG_IOC_BCB_MAKE, block, 0, 0, b);
}

int xm_bcb_unmake(struct xm *x, uint32_t bcb, struct xm_msg *block)
{
	return xm_buf(x, XMSG_IOC_BCB_UNMAKE, bcb, 0, 0, block);
}

int xm_msg_get(struct xm *x, uint32_t pool, struct xm_msg *m)
{
	return xm_buf(x, XMSG_IOC_MSG_GET, pool, 0, 0, m);
}

int xm_msg_rel(struct xm *x, uint32_t msg)
{
	return xm_buf(x, XMSG_IOC_MSG_REL, msg, 0, 0, NULL);
}

int xm_msg_make(struct xm *x, uint32_t block, struct xm_msg *m)
{
	return xm_buf(x, XMSG_IOC_MSG_MAKE, block, 0, 0, m);
}

int xm_msg_unmake(struct xm *x, uint32_t msg, struct xm_msg *block)
{
	return xm_buf(x, XMSG_IOC_MSG_UNMAKE, msg, 0, 0, block);
}

int xm_msg_proxy(struct xm *x, uint32_t msg, uint64_t offset, uint64_t length,
		 struct xm_msg *proxy)
{
	return xm_buf(x, XMSG_IOC_MSG_PROXY, msg, offset, length, proxy);
}

int xm_msg_info(struct xm *x, uint32_t msg, struct xm_msg *m)
{
	struct xmsg_info info;
	int ret = xm_info(x, msg, &info);

	if (ret)
		return ret;
	if (info.type != XMSG_TYPE_MSG && info.type != XMSG_TYPE_BCB &&
	    info.type != XMSG_TYPE_BLOCK && info.type != XMSG_TYPE_CHUNK)
		return -EINVAL;
	xm_fill(x, m, msg, info.u.buf.pool, info.u.buf.offset,
		info.u.buf.length, info.u.buf.msg_flags);
	m->prio = info.u.buf.prio;
	return 0;
}

int xm_msg_read(struct xm *x, uint32_t msg, uint64_t offset, void *buf,
		uint64_t length)
{
	struct xmsg_msg_read rd;

	XM_INIT(rd);
	rd.handle = msg;
	rd.offset = offset;
	rd.length = length;
	rd.buf = (uint64_t)(uintptr_t)buf;
	return xm_ioctl(x, XMSG_IOC_MSG_READ, &rd);
}

int xm_msg_set_length(struct xm *x, uint32_t msg, uint64_t length)
{
	struct xmsg_msg_length ml;

	XM_INIT(ml);
	ml.handle = msg;
	ml.length = length;
	return xm_ioctl(x, XMSG_IOC_MSG_SET_LENGTH, &ml);
}

/* heaps */

int xm_heap_create(struct xm *x, const char *name, uint64_t heap_size,
		   uint32_t min_order, uint32_t mode, uint32_t flags)
{
	struct xmsg_heap_create hc;
	int ret;

	XM_INIT(hc);
	ret = xm_name(hc.name, name);
	if (ret)
		return ret;
	hc.flags = flags;
	hc.mode = mode;
	hc.access = XMSG_ACC_RDWR;
	hc.heap_size = heap_size;
	hc.min_order = min_order;
	ret = xm_ioctl(x, XMSG_IOC_HEAP_CREATE, &hc);
	return ret ? ret : (int)hc.handle;
}

int xm_heap_open(struct xm *x, const char *name, uint32_t access)
{
	return xm_obj_open(x, XMSG_TYPE_HEAP, name, access);
}

int xm_heap_info(struct xm *x, uint32_t heap, struct xmsg_heap_info *hi)
{
	struct xmsg_info info;
	int ret = xm_info(x, heap, &info);

	if (ret)
		return ret;
	if (info.type != XMSG_TYPE_HEAP)
		return -EINVAL;
	*hi = info.u.heap;
	return 0;
}

int xm_heap_msg_get(struct xm *x, uint32_t heap, uint64_t length,
		    struct xm_msg *m)
{
	return xm_buf_len(x, XMSG_IOC_HEAP_MSG_GET, heap, 0, 0, length, m);
}

int xm_heap_chunk_get(struct xm *x, uint32_t heap, uint64_t length,
		      struct xm_msg *c)
{
	return xm_buf_len(x, XMSG_IOC_HEAP_CHUNK_GET, heap, 0, 0, length, c);
}

int xm_heap_chunk_free(struct xm *x, uint32_t chunk)
{
	return xm_buf(x, XMSG_IOC_HEAP_CHUNK_FREE, chunk, 0, 0, NULL);
}

int xm_heap_msg_make(struct xm *x, uint32_t chunk, struct xm_msg *m)
{
	return xm_buf(x, XMSG_IOC_HEAP_MSG_MAKE, chunk, 0, 0, m);
}

int xm_heap_msg_unmake(struct xm *x, uint32_t msg, struct xm_msg *chunk)
{
	return xm_buf(x, XMSG_IOC_HEAP_MSG_UNMAKE, msg, 0, 0, chunk);
}

/* exchanges */

int xm_xchg_create(struct xm *x, const char *name, uint32_t kind,
		   uint32_t limit, uint32_t mode, uint32_t flags)
{
	struct xmsg_xchg_create xc;
	int ret;

	XM_INIT(xc);
	ret = xm_name(xc.name, name);
	if (ret)
		return ret;
	xc.flags = flags;
	xc.mode = mode;
	xc.access = XMSG_ACC_RDWR;
	xc.kind = kind;
	xc.limit = limit;
	ret = xm_ioctl(x, XMSG_IOC_XCHG_CREATE, &xc);
	return ret ? ret : (int)xc.handle;
}

int xm_xchg_open(struct xm *x, const char *name, uint32_t access)
{
	return xm_obj_open(x, XMSG_TYPE_XCHG, name, access);
}

int xm_send(struct xm *x, uint32_t xchg, uint32_t msg, uint32_t prio,
	    uint32_t reply, uint32_t flags)
{
	return xm_send_tagged(x, xchg, msg, prio, reply, flags, 0);
}

int xm_send_tagged(struct xm *x, uint32_t xchg, uint32_t msg, uint32_t prio,
		   uint32_t reply, uint32_t flags, uint64_t tag)
{
	struct xmsg_send s;

	XM_INIT(s);
	s.flags = flags;
	s.xchg = xchg;
	s.msg = msg;
	s.prio = prio;
	s.reply = reply;
	s.tag = tag;
	return xm_ioctl(x, XMSG_IOC_SEND, &s);
}

int xm_send_wait(struct xm *x, uint32_t xchg, uint32_t msg, uint32_t prio,
		 uint32_t reply, uint32_t flags, int64_t timeout_ns)
{
	struct xmsg_send s;

	XM_INIT(s);
	s.flags = flags | XMSG_SEND_WAIT;
	s.xchg = xchg;
	s.msg = msg;
	s.prio = prio;
	s.reply = reply;
	s.timeout_ns = timeout_ns;
	return xm_ioctl(x, XMSG_IOC_SEND, &s);
}

int xm_recv(struct xm *x, uint32_t xchg, int64_t timeout_ns, uint32_t flags,
	    struct xm_msg *m)
{
	return xm_recv_tagged(x, xchg, timeout_ns, flags, m, NULL);
}

int xm_recv_tagged(struct xm *x, uint32_t xchg, int64_t timeout_ns,
		   uint32_t flags, struct xm_msg *m, uint64_t *tag)
{
	struct xmsg_recv r;
	int ret;

	XM_INIT(r);
	r.flags = flags;
	r.xchg = xchg;
	r.timeout_ns = timeout_ns;
	r.gen = (flags & XMSG_RECV_NEWER) ? m->gen : 0;
	ret = xm_ioctl(x, XMSG_IOC_RECV, &r);
	if (ret)
		return ret;
	xm_fill(x, m, r.msg, r.pool, r.offset, r.length, r.msg_flags);
	m->prio = r.prio;
	m->reply = r.reply;
	m->gen = r.gen;
	if (tag)
		*tag = r.tag;
	return 0;
}

int xm_xchg_bump(struct xm *x, uint32_t xchg, uint64_t tag, uint32_t prio)
{
	struct xmsg_bump b;

	XM_INIT(b);
	b.xchg = xchg;
	b.tag = tag;
	b.prio = prio;
	return xm_ioctl(x, XMSG_IOC_XCHG_BUMP, &b);
}

int xm_call(struct xm *x, uint32_t send_xchg, uint32_t msg, uint32_t prio,
	    uint32_t reply, uint32_t recv_xchg, int64_t timeout_ns,
	    uint32_t flags, struct xm_msg *answer, int *sent)
{
	struct xmsg_call c;
	int ret;

	XM_INIT(c);
	c.flags = flags;
	c.send_xchg = send_xchg;
	c.send_msg = msg;
	c.send_prio = prio;
	c.send_reply = reply;
	c.recv_xchg = recv_xchg;
	c.timeout_ns = timeout_ns;
	c.gen = (flags & XMSG_RECV_NEWER) ? answer->gen : 0;
	ret = xm_ioctl(x, XMSG_IOC_CALL, &c);
	if (sent)
		*sent = !!(c.result & XMSG_CALL_SENT);
	if (ret)
		return ret;
	xm_fill(x, answer, c.msg, c.pool, c.offset, c.length, c.msg_flags);
	answer->prio = c.prio;
	answer->reply = c.reply;
	answer->gen = c.gen;
	return 0;
}

int xm_xfer(struct xm *x, const struct xmsg_xfer_send *sends, unsigned int n,
	    uint32_t recv_xchg, struct xm_msg *msgs, unsigned int max,
	    int64_t timeout_ns, unsigned int *sent)
{
	struct xmsg_xfer_recv re[XMSG_XFER_MAX];
	struct xmsg_xfer a;
	unsigned int i;
	int ret;

	if (sent)
		*sent = 0;
	if (n > XMSG_XFER_MAX || max > XMSG_XFER_MAX)
		return -EINVAL;
	XM_INIT(a);
	if (n) {
		a.send = (uintptr_t)sends;
		a.send_count = n;
		a.send_size = sizeof(*sends);
	}
	if (max) {
		a.recv = (uintptr_t)re;
		a.recv_max = max;
		a.recv_size = sizeof(re[0]);
		a.recv_xchg = recv_xchg;
		a.timeout_ns = timeout_ns;
	}
	ret = xm_ioctl(x, XMSG_IOC_XFER, &a);
	if (sent)
		*sent = a.sent;
	if (ret)
		return ret;
	for (i = 0; i < a.received; i++) {
		xm_fill(x, &msgs[i], re[i].msg, re[i].pool, re[i].offset,
			re[i].length, re[i].msg_flags);
		msgs[i].prio = re[i].prio;
		msgs[i].reply = re[i].reply;
	}
	return a.received;
}
