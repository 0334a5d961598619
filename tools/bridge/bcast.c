// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg-bridge's broadcast exports and imports: the posts of a local
 * broadcast exchange multicast to the importers over an RDM socket.
 */

#include "bridge.h"

void bsock_send(struct map *m, const struct sockaddr_tipc *to,
		int late)
{
	struct item it = { 0 };
	int ret;

	it.body = m->cur.body;
	it.len = m->cur.length;
	if (!it.body && it.len) {
		it.copy = malloc(it.len);
		if (!it.copy || xm_msg_read(B.x, m->cur.handle, 0, it.copy,
					    it.len)) {
			free(it.copy);
			m->c_txerr++;
			return;
		}
		it.body = it.copy;
		m->c_copied++;
	}
	xb_hdr_set(&it.h, XB_BCAST, m->cur.prio, it.len, 0, m->gen);
	ret = item_send(m->bfd, &it, to);
	free(it.copy);
	if (ret == -EAGAIN && !late) {
		m->bpending = 1;	/* the timer sends it again */
		return;
	}
	m->bpending = 0;
	if (ret && ret != -EHOSTUNREACH)
		m->c_txerr++;
	else if (late && !ret)
		m->c_late++;
	B.dirty = 1;
}

void bexport_mcast(struct map *m)
{
	struct sockaddr_tipc sa;

	tipc_service(&sa, TIPC_SERVICE_RANGE, m->type, m->inst);
	bsock_send(m, &sa, 0);
}

void bexport_close(struct map *m)
{
	if (m->pfd >= 0) {
		ep_set(m->pfd, &m->xsrc, 0, EPOLL_CTL_DEL);
		close(m->pfd);
		m->pfd = -1;
	}
	if (m->xchg)
		xm_handle_close(B.x, m->xchg);
	m->xchg = 0;
	m->up = 0;
	B.dirty = 1;
}

static void bexport_poll(struct map *m)
{
	if (m->pfd >= 0) {
		ep_set(m->pfd, &m->xsrc, 0, EPOLL_CTL_DEL);
		close(m->pfd);
	}
	m->pfd = xm_poll_fd(B.x, m->xchg, m->gen);
	if (m->pfd < 0)
		die("poll fd", m->pfd);
	ep_set(m->pfd, &m->xsrc, EPOLLIN, EPOLL_CTL_ADD);
}

void bexport_up(struct map *m)
{
	int h;

	if (m->up)
		return;
	h = xm_xchg_open(B.x, m->name, XMSG_ACC_READ);
	if (h < 0)
		return;
	m->xchg = h;
	m->up = 1;
	bexport_poll(m);
	B.dirty = 1;
}

/* A newer post at the exported broadcast exchange: multicast it. */
void bexport_post(struct map *m)
{
	struct xm_msg p = { 0 };
	int ret;

	p.gen = m->gen;
	ret = xm_recv(B.x, m->xchg, XM_NOWAIT, XMSG_RECV_NEWER, &p);
	if (ret == -EAGAIN)
		return;
	if (ret) {
		bexport_close(m);
		return;
	}
	if (m->cur.handle)
		xm_msg_rel(B.x, m->cur.handle);
	if (p.reply)
		xm_handle_close(B.x, p.reply);
	m->cur = p;
	m->gen = p.gen;
	m->c_posts++;
	bexport_mcast(m);
	bexport_poll(m);
}

void bimport_frame(struct map *m)
{
	struct sockaddr_tipc from;
	struct xb_hdr h;
	uint32_t msg;
	int i, ret;

	for (i = 0; i < BATCH; i++) {
		ret = frame_recv(m->bfd, m, &h, &from);
		if (ret == 0 || ret == -ENOBUFS || ret == -ECONNRESET)
			return;
		if (ret < 0)
			continue;
		if (h.kind != XB_BCAST) {
			m->c_malformed++;
			continue;
		}
		if (m->have_gen && h.aux == m->gen) {
			m->c_dups++;
			continue;
		}
		msg = spare_take(h.length);
		ret = xm_send(B.x, m->xchg, msg, h.prio, 0, 0);
		/* the exchange keeps its own proxy of the post */
		xm_msg_rel(B.x, msg);
		if (!ret) {
			m->gen = h.aux;
			m->have_gen = 1;
			m->c_posts++;
		}
		B.dirty = 1;
	}
}
