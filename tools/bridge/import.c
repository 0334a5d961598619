// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg-bridge's imports: a local exchange forwarded to a remote service,
 * over one connection while the service is published (the topology
 * subscription says when).
 */

#include "bridge.h"

int top_subscribe(struct map *m)
{
	struct tipc_subscr s;

	memset(&s, 0, sizeof(s));
	s.seq.type = m->type;
	s.seq.lower = m->inst;
	s.seq.upper = m->inst;
	s.timeout = TIPC_WAIT_FOREVER;
	s.filter = TIPC_SUB_PORTS;
	memcpy(s.usr_handle, &m, sizeof(m));
	return send(B.top, &s, sizeof(s), 0) == sizeof(s) ? 0 : -errno;
}

/* Destroy the import exchange: senders get -EIDRM; what was queued is
 * released by the kernel and counted as dropped.
 */
void import_xchg_destroy(struct map *m)
{
	struct xmsg_info in;

	if (m->pfd >= 0) {
		ep_set(m->pfd, &m->xsrc, 0, EPOLL_CTL_DEL);
		close(m->pfd);
		m->pfd = -1;
	}
	if (m->xchg) {
		xm_destroy(B.x, m->xchg);
		m->xchg = 0;
	}
	if (m->xchg_info) {
		if (xm_info(B.x, m->xchg_info, &in) == 0)
			m->c_dropped += in.u.xchg.sent - in.u.xchg.received;
		xm_handle_close(B.x, m->xchg_info);
		m->xchg_info = 0;
	}
}

void import_down(struct map *m)
{
	struct conn *c = m->conn;
	struct item *it;
	int i;

	if (c) {
		m->conn = NULL;
		/* frames the peer did not acknowledge may be lost */
		m->c_lost += c->fwd - c->acked;
		while ((it = c->q)) {
			c->q = it->next;
			item_lost(m, it);
		}
		ep_set(c->fd, &c->src, 0, EPOLL_CTL_DEL);
		close(c->fd);
		c->fd = -1;
		defer_free(c);
	}
	for (i = 0; i < REQ_SLOTS; i++) {
		if (m->req_reply[i]) {
			xm_handle_close(B.x, m->req_reply[i]);
			m->req_reply[i] = 0;
			m->c_replies_lost++;
		}
	}
	import_xchg_destroy(m);
	if (m->up)
		say("%s: down", m->name);
	m->up = 0;
	B.dirty = 1;
}

void import_connect(struct map *m)
{
	struct sockaddr_tipc sa;
	uint32_t tmo = 1000;
	struct conn *c;
	int fd, h;

	if (m->up || m->published <= 0 || now() < m->retry_at)
		return;
	m->retry_at = now() + RETRY_MS / 1e3;
	fd = tipc_socket(SOCK_SEQPACKET);
	if (fd < 0)
		return;
	setsockopt(fd, SOL_TIPC, TIPC_CONN_TIMEOUT, &tmo, sizeof(tmo));
	tipc_service(&sa, TIPC_SERVICE_ADDR, m->type, m->inst);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		say("%s: connect: %s", m->name, strerror(errno));
		close(fd);
		return;
	}
	set_nonblock(fd);
	h = xm_xchg_create(B.x, m->name, XMSG_XCHG_KIND_NORMAL, B.limit,
			   B.mode, 0);
	if (h < 0) {
		say("%s: exchange: %s", m->name, strerror(-h));
		close(fd);
		return;
	}
	m->xchg = h;
	h = xm_xchg_open(B.x, m->name, XMSG_ACC_READ);
	m->xchg_info = h > 0 ? h : 0;
	m->pfd = xm_poll_fd(B.x, m->xchg, 0);
	if (m->pfd < 0)
		die("poll fd", m->pfd);
	c = calloc(1, sizeof(*c));
	if (!c)
		die("connection", ENOMEM);
	c->src.kind = S_CONN;
	c->src.p = c;
	c->fd = fd;
	c->map = m;
	c->qtail = &c->q;
	m->conn = c;
	ep_set(fd, &c->src, EPOLLIN, EPOLL_CTL_ADD);
	ep_set(m->pfd, &m->xsrc, EPOLLIN, EPOLL_CTL_ADD);
	m->up = 1;
	m->c_connects++;
	B.dirty = 1;
	say("%s: up", m->name);
}

/* Forward what is queued at the import exchange, while the socket takes
 * it (a frame the socket refused waits in the connection's queue).
 */
void import_pump(struct map *m)
{
	struct xm_msg msgs[BATCH];
	struct conn *c = m->conn;
	int n, i, slot;
	uint32_t id;

	if (!c || c->q)
		return;
	n = xm_xfer(B.x, NULL, 0, m->xchg, msgs, BATCH, XM_NOWAIT, NULL);
	if (n == -EAGAIN || n == 0)
		return;
	if (n < 0) {
		say("%s: receive: %s", m->name, strerror(-n));
		import_down(m);
		return;
	}
	for (i = 0; i < n; i++) {
		struct item *it;

		id = 0;
		if (msgs[i].reply) {
			for (slot = 0; slot < REQ_SLOTS; slot++)
				if (!m->req_reply[(m->req_seq + slot) %
						  REQ_SLOTS])
					break;
			if (slot == REQ_SLOTS) {
				/* no route back: send it without one */
				xm_handle_close(B.x, msgs[i].reply);
				m->c_replies_lost++;
			} else {
				slot = (m->req_seq + slot) % REQ_SLOTS;
				id = (++m->req_seq << 8) | slot;
				m->req_reply[slot] = msgs[i].reply;
				m->req_id[slot] = id;
				m->c_reqs++;
			}
		}
		it = item_msg(m, &msgs[i], id ? XB_REQ : XB_DATA, id);
		if (!it) {
			if (id) {
				xm_handle_close(B.x, m->req_reply[id & 0xff]);
				m->req_reply[id & 0xff] = 0;
			}
			continue;
		}
		it->next = NULL;
		*c->qtail = it;
		c->qtail = &it->next;
		c->qlen++;
	}
	conn_tx(c, NULL);	/* on failure the import is down */
	B.dirty = 1;
	/* stop polling the exchange while frames wait for the socket */
	if (m->conn && m->conn->q)
		ep_set(m->pfd, &m->xsrc, 0, EPOLL_CTL_MOD);
}

/* A reply frame: the answer goes to the reply handle of request @h->id. */
void import_reply(struct map *m, const struct xb_hdr *h)
{
	uint32_t slot = h->id & 0xff, msg, reply;
	int ret;

	msg = spare_take(h->length);
	if (!m->req_reply[slot] || m->req_id[slot] != h->id) {
		xm_msg_rel(B.x, msg);
		m->c_malformed++;
		return;
	}
	reply = m->req_reply[slot];
	m->req_reply[slot] = 0;
	ret = xm_send(B.x, reply, msg, h->prio, 0, XMSG_SEND_CLOSE_XCHG);
	if (ret) {
		xm_msg_rel(B.x, msg);
		xm_handle_close(B.x, reply);
		m->c_replies_lost++;
	} else {
		m->c_replies++;
	}
}
