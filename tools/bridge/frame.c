// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg-bridge's frames on TIPC sockets: out (queued per connection while
 * its socket is full, bodies sent from the pool mapping) and in (received
 * into a pool block).
 */

#include "bridge.h"

static void item_free(struct item *it)
{
	if (it->msg)
		xm_msg_rel(B.x, it->msg);
	free(it->copy);
	free(it);
}

/* 0 sent, -EAGAIN no room, else the connection is broken. */
int item_send(int fd, struct item *it, const struct sockaddr_tipc *to)
{
	struct iovec iov[2] = {
		{ &it->h, XB_HDR_LEN },
		{ (void *)it->body, it->len },
	};
	struct msghdr mh = {
		.msg_name = (void *)to,
		.msg_namelen = to ? sizeof(*to) : 0,
		.msg_iov = iov,
		.msg_iovlen = it->len ? 2 : 1,
	};

	if (sendmsg(fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
		return -errno;
	return 0;
}


/* A frame that will not be sent: counted, its message released. */
void item_lost(struct map *m, struct item *it)
{
	if (it->h.kind == XB_DATA || it->h.kind == XB_REQ)
		m->c_lost++;
	else if (it->h.kind == XB_REPLY)
		m->c_replies_lost++;
	item_free(it);
}

/* Queue @it on @c, sending what the socket takes (up to BATCH frames a
 * system call).  0, or -errno when the connection broke (it is closed
 * then; do not use @c).
 */
int conn_tx(struct conn *c, struct item *it)
{
	struct mmsghdr mv[BATCH];
	struct iovec iov[BATCH][2];
	struct item *q[BATCH];
	int n, k, ret;

	if (it) {
		it->next = NULL;
		*c->qtail = it;
		c->qtail = &it->next;
		c->qlen++;
	}
	while (c->q) {
		memset(mv, 0, sizeof(mv));
		for (n = 0, it = c->q; it && n < BATCH; it = it->next, n++) {
			q[n] = it;
			iov[n][0].iov_base = &it->h;
			iov[n][0].iov_len = XB_HDR_LEN;
			iov[n][1].iov_base = (void *)it->body;
			iov[n][1].iov_len = it->len;
			mv[n].msg_hdr.msg_iov = iov[n];
			mv[n].msg_hdr.msg_iovlen = it->len ? 2 : 1;
		}
		k = sendmmsg(c->fd, mv, n, MSG_DONTWAIT | MSG_NOSIGNAL);
		ret = k < 0 ? -errno : 0;
		if (ret == -EAGAIN) {
			if (!c->want_out)
				ep_set(c->fd, &c->src, (c->stalled ? 0 :
					EPOLLIN) | EPOLLOUT, EPOLL_CTL_MOD);
			c->want_out = 1;
			return 0;
		}
		if (ret) {
			say("%s: send: %s", c->map->name, strerror(-ret));
			conn_close(c);
			return ret;
		}
		for (n = 0; n < k; n++) {
			c->q = q[n]->next;
			c->qlen--;
			if (q[n]->h.kind == XB_DATA || q[n]->h.kind == XB_REQ)
				c->fwd++, c->map->c_fwd++;
			item_free(q[n]);
		}
		if (!c->q)
			c->qtail = &c->q;
	}
	if (c->want_out)
		ep_set(c->fd, &c->src, c->stalled ? 0 : EPOLLIN,
		       EPOLL_CTL_MOD);
	c->want_out = 0;
	return 0;
}

/* A frame for message @m (received by this bridge), or NULL when its
 * body cannot be sent (too long); the message is released then.
 */
struct item *item_msg(struct map *mp, const struct xm_msg *m,
		      unsigned int kind, uint32_t id)
{
	struct item *it = calloc(1, sizeof(*it));

	if (!it || m->length > XB_BODY_MAX) {
		mp->c_txerr++;
		xm_msg_rel(B.x, m->handle);
		free(it);
		return NULL;
	}
	it->msg = m->handle;
	it->len = m->length;
	it->body = m->body;
	if (!it->body && it->len) {
		/* a body this bridge cannot map: read it by copy */
		it->copy = malloc(it->len);
		if (!it->copy || xm_msg_read(B.x, m->handle, 0, it->copy,
					     it->len)) {
			mp->c_txerr++;
			item_free(it);
			return NULL;
		}
		it->body = it->copy;
		mp->c_copied++;
	}
	xb_hdr_set(&it->h, kind, m->prio, m->length, id, 0);
	return it;
}

struct item *item_ack(uint64_t done)
{
	struct item *it = calloc(1, sizeof(*it));

	if (it)
		xb_hdr_set(&it->h, XB_ACK, 0, 0, 0, done);
	return it;
}

/* ------------------------------------------------------------------ */
/* frames in */

static int spare_get(void)
{
	int ret;

	if (B.spare.handle)
		return 0;
	ret = xm_msg_get(B.x, B.rx_pool, &B.spare);
	if (ret) {
		B.spare.handle = 0;
		B.rx_starved = 1;
	}
	return ret;
}

/* The spare message now carries a frame's body: hand it out. */
uint32_t spare_take(uint64_t length)
{
	uint32_t h = B.spare.handle;

	xm_msg_set_length(B.x, h, length);
	B.spare.handle = 0;
	return h;
}

/*
 * Receive one frame into the spare message.  1 and the checked header,
 * 0 nothing to read, -1 a bad frame (dropped, counted in @m), -ECONNRESET
 * end of the connection, -ENOBUFS no block free.
 */
int frame_recv(int fd, struct map *m, struct xb_hdr *h,
	       struct sockaddr_tipc *from)
{
	char cbuf[CMSG_SPACE(8) + CMSG_SPACE(1024)];
	struct xb_hdr raw;
	struct iovec iov[2];
	struct msghdr mh = { 0 };
	ssize_t n;

	if (spare_get())
		return -ENOBUFS;
	iov[0].iov_base = &raw;
	iov[0].iov_len = XB_HDR_LEN;
	iov[1].iov_base = B.spare.body;
	iov[1].iov_len = B.rx_block;
	mh.msg_iov = iov;
	mh.msg_iovlen = 2;
	mh.msg_control = cbuf;
	mh.msg_controllen = sizeof(cbuf);
	if (from) {
		mh.msg_name = from;
		mh.msg_namelen = sizeof(*from);
	}
	n = recvmsg(fd, &mh, MSG_DONTWAIT);
	if (n < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return 0;
		return -ECONNRESET;
	}
	if (mh.msg_controllen && CMSG_FIRSTHDR(&mh) &&
	    CMSG_FIRSTHDR(&mh)->cmsg_type == TIPC_ERRINFO)
		/* a message of ours came back: on a connection, the end */
		return from ? -1 : -ECONNRESET;
	if (n == 0 && from == NULL)
		return -ECONNRESET;
	if (mh.msg_flags & MSG_TRUNC) {
		m->c_oversized++;
		B.dirty = 1;
		return -1;
	}
	if (xb_hdr_get(&raw, n, h)) {
		m->c_malformed++;
		B.dirty = 1;
		return -1;
	}
	return 1;
}
