// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg-bridge's exports: a local exchange reachable as a TIPC service;
 * the connections to it, their acknowledgements and the return routes of
 * requests.
 */

#include "bridge.h"

static void ret_free(struct map *m, struct ret *r)
{
	struct ret **pp;

	for (pp = &m->rets; *pp; pp = &(*pp)->next) {
		if (*pp == r) {
			*pp = r->next;
			break;
		}
	}
	ep_set(r->pfd, &r->src, 0, EPOLL_CTL_DEL);
	close(r->pfd);
	r->pfd = -1;
	xm_destroy(B.x, r->xchg);
	defer_free(r);
}

void conn_close(struct conn *c)
{
	struct map *m = c->map;
	struct conn **pp;
	struct ret *r, *rn;
	struct item *it;

	if (m->kind == M_IMPORT) {
		import_down(m);
		return;
	}
	for (pp = &m->conns; *pp; pp = &(*pp)->next) {
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	}
	for (r = m->rets; r; r = rn) {
		rn = r->next;
		if (r->conn == c) {
			m->c_replies_lost++;
			ret_free(m, r);
		}
	}
	while ((it = c->q)) {
		c->q = it->next;
		item_lost(m, it);
	}
	while (c->nout) {
		xm_msg_rel(B.x, c->out[--c->nout].msg);
		m->c_deliver_err++;
	}
	ep_set(c->fd, &c->src, 0, EPOLL_CTL_DEL);
	close(c->fd);
	c->fd = -1;
	defer_free(c);
	B.dirty = 1;
}

void export_down(struct map *m)
{
	while (m->conns)
		conn_close(m->conns);
	if (m->lfd >= 0) {
		ep_set(m->lfd, &m->lsrc, 0, EPOLL_CTL_DEL);
		close(m->lfd);
		m->lfd = -1;
	}
	if (m->xchg) {
		xm_handle_close(B.x, m->xchg);
		m->xchg = 0;
	}
	if (m->up)
		say("%s: withdrawn", m->name);
	m->up = 0;
	B.dirty = 1;
}

/* Open the exchange and publish the service (retried until it exists). */
void export_up(struct map *m)
{
	struct sockaddr_tipc sa;
	int h, fd;

	if (m->up)
		return;
	h = xm_xchg_open(B.x, m->name, XMSG_ACC_WRITE);
	if (h < 0)
		return;
	fd = tipc_socket(SOCK_SEQPACKET);
	tipc_service(&sa, TIPC_SERVICE_RANGE, m->type, m->inst);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(fd, 16)) {
		say("%s: publish: %s", m->name, strerror(errno));
		if (fd >= 0)
			close(fd);
		xm_handle_close(B.x, h);
		return;
	}
	set_nonblock(fd);
	m->xchg = h;
	m->lfd = fd;
	ep_set(fd, &m->lsrc, EPOLLIN, EPOLL_CTL_ADD);
	m->up = 1;
	B.dirty = 1;
	say("%s: published", m->name);
}

void export_accept(struct map *m)
{
	struct conn *c;
	int fd;

	while ((fd = accept4(m->lfd, NULL, NULL, SOCK_NONBLOCK |
			     SOCK_CLOEXEC)) >= 0) {
		c = calloc(1, sizeof(*c));
		if (!c) {
			close(fd);
			return;
		}
		c->src.kind = S_CONN;
		c->src.p = c;
		c->fd = fd;
		c->map = m;
		c->qtail = &c->q;
		c->next = m->conns;
		m->conns = c;
		ep_set(fd, &c->src, EPOLLIN, EPOLL_CTL_ADD);
		B.dirty = 1;
	}
}

/* Drop the first of c->out: counted, its message released. */
static void export_drop_first(struct conn *c)
{
	xm_msg_rel(B.x, c->out[0].msg);
	c->map->c_deliver_err++;
	c->done++;
	memmove(c->out, c->out + 1, --c->nout * sizeof(c->out[0]));
}

/* Send c->out to the exchange in one XMSG_IOC_XFER: 0 done, -ENOSPC the
 * exchange is full (the rest waits), -EIDRM the exchange is gone (the
 * rest is dropped; the export goes down).
 */
static int export_flush(struct conn *c)
{
	struct map *m = c->map;
	unsigned int sent, i;
	int ret;

	while (c->nout) {
		for (i = 0; i < c->nout; i++)
			c->out[i].xchg = m->xchg;
		ret = xm_xfer(B.x, c->out, c->nout, 0, NULL, 0, 0, &sent);
		m->c_delivered += sent;
		c->done += sent;
		c->nout -= sent;
		memmove(c->out, c->out + sent, c->nout * sizeof(c->out[0]));
		B.dirty = 1;
		if (ret >= 0 || ret == -ENOSPC)
			return ret < 0 ? ret : 0;
		export_drop_first(c);
		if (ret == -EIDRM) {
			while (c->nout)
				export_drop_first(c);
			return ret;
		}
	}
	return 0;
}

/* A request: its return route is an anonymous exchange of this bridge. */
static uint32_t export_route(struct conn *c, uint32_t id)
{
	struct map *m = c->map;
	struct ret *r = calloc(1, sizeof(*r));
	int h;

	if (!r)
		return 0;
	h = xm_xchg_create(B.x, NULL, XMSG_XCHG_KIND_NORMAL, 4, 0600, 0);
	if (h < 0) {
		free(r);
		return 0;
	}
	r->pfd = xm_poll_fd(B.x, h, 0);
	if (r->pfd < 0) {
		xm_destroy(B.x, h);
		free(r);
		return 0;
	}
	r->xchg = h;
	r->id = id;
	r->conn = c;
	r->src.kind = S_RET;
	r->src.p = r;
	r->next = m->rets;
	m->rets = r;
	ep_set(r->pfd, &r->src, EPOLLIN, EPOLL_CTL_ADD);
	m->c_reqs++;
	return h;
}

/* Acknowledge what this connection handled (delivered or dropped), now
 * (@force) or once it is due.
 */
void conn_ack(struct conn *c, int force)
{
	struct item *it;

	if (c->done == c->done_acked) {
		c->ack_at = 0;
		return;
	}
	if (!force && now() < c->ack_at) {
		B.ack_wait = 1;
		return;
	}
	c->ack_at = 0;
	it = item_ack(c->done);
	c->done_acked = c->done;
	if (it)
		conn_tx(c, it);
}

void export_answer(struct ret *r)
{
	struct conn *c = r->conn;
	struct map *m = c->map;
	struct xm_msg a;
	struct item *it;

	if (xm_recv(B.x, r->xchg, XM_NOWAIT, 0, &a))
		return;
	if (a.reply)
		xm_handle_close(B.x, a.reply);
	it = item_msg(m, &a, XB_REPLY, r->id);
	ret_free(m, r);
	if (!it) {
		m->c_replies_lost++;
		return;
	}
	m->c_replies++;
	it->h.aux = htobe64(c->done);	/* the reply acknowledges too */
	c->done_acked = c->done;
	c->ack_at = 0;
	conn_tx(c, it);
	B.dirty = 1;
}

/* ------------------------------------------------------------------ */
/* connections: frames in */

void conn_read(struct conn *c, int hup)
{
	struct map *m = c->map;
	struct xb_hdr h;
	int i, ret;

	for (i = 0; i < BATCH; i++) {
		if (c->stalled)
			break;
		ret = frame_recv(c->fd, m, &h, NULL);
		if (ret == 0 && hup)
			ret = -ECONNRESET;	/* hung up, nothing left */
		if (ret == 0 || ret == -ENOBUFS)
			break;
		if (ret == -ECONNRESET) {
			say("%s: connection closed", m->name);
			if (c->nout)	/* what arrived before the end */
				export_flush(c);
			conn_close(c);
			return;
		}
		if (ret < 0) {
			c->done++;	/* dropped: counted, acknowledged */
			continue;
		}
		if (m->kind == M_IMPORT) {
			/* an ACK, or a REPLY carrying the same count */
			if ((h.kind == XB_ACK || h.kind == XB_REPLY) &&
			    h.aux > c->acked && h.aux <= c->fwd) {
				m->c_acked += h.aux - c->acked;
				c->acked = h.aux;
			}
			if (h.kind == XB_REPLY)
				import_reply(m, &h);
			else if (h.kind != XB_ACK)
				m->c_malformed++;
			B.dirty = 1;
			continue;
		}
		m->c_rx++;
		if (h.kind != XB_DATA && h.kind != XB_REQ) {
			m->c_malformed++;
			c->done++;
			continue;
		}
		memset(&c->out[c->nout], 0, sizeof(c->out[0]));
		c->out[c->nout].prio = h.prio;
		c->out[c->nout].msg = spare_take(h.length);
		c->out[c->nout].reply = h.kind == XB_REQ ?
					export_route(c, h.id) : 0;
		if (h.kind == XB_REQ && !c->out[c->nout].reply)
			m->c_replies_lost++;	/* delivered without a route */
		c->nout++;
	}
	if (m->kind == M_EXPORT && c->nout) {
		ret = export_flush(c);
		if (ret == -ENOSPC) {
			/* the exchange is full: stop reading until it drains */
			c->stalled = 1;
			ep_set(c->fd, &c->src, c->want_out ? EPOLLOUT : 0,
			       EPOLL_CTL_MOD);
		} else if (ret) {
			export_down(m);
			return;
		}
	}
	/* a few frames: the ACK waits a little for a reply to carry it */
	if (m->kind == M_EXPORT && c->done - c->done_acked >= ACK_EVERY)
		conn_ack(c, 1);
	else if (m->kind == M_EXPORT && c->done != c->done_acked &&
		 !c->ack_at)
		c->ack_at = now() + ACK_MS / 1e3;
}

void export_retry(struct map *m)
{
	struct conn *c, *cn;
	int ret;

	for (c = m->conns; c; c = cn) {
		cn = c->next;
		if (!c->stalled)
			continue;
		ret = export_flush(c);
		if (ret == -ENOSPC)
			continue;
		if (ret) {
			export_down(m);
			return;
		}
		c->stalled = 0;
		ep_set(c->fd, &c->src, (c->want_out ? EPOLLOUT : 0) | EPOLLIN,
		       EPOLL_CTL_MOD);
		conn_read(c, 0);
	}
}
