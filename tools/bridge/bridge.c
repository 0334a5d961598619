// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg-bridge: carry xmsg exchanges between machines over TIPC.
 *
 *   export NAME=TYPE:INST   the local exchange NAME is reachable as the
 *                           TIPC service {TYPE, INST}: frames that arrive
 *                           on connections to it are sent to NAME
 *   import NAME=TYPE:INST   the bridge makes the local exchange NAME while
 *                           the service {TYPE, INST} is published in the
 *                           cluster, and forwards what is sent to NAME
 *   bexport NAME=TYPE:INST  the local broadcast exchange NAME: every new
 *                           post is multicast to the importers of
 *                           {TYPE, INST}; a new importer gets the current one
 *   bimport NAME=TYPE:INST  the bridge makes the broadcast exchange NAME and
 *                           posts there what the exporter multicasts
 *
 * One process, one epoll loop, one TIPC topology subscription per import
 * and broadcast export.  Bodies are sent from the pool mapping and received
 * into a pool block (one copy each way, the kernel's).  State and counters
 * are posted as text at the broadcast exchange "bridge.NAME" (read them
 * with xmsg-bridge --status NAME).  See docs/cluster.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include <linux/tipc.h>
#include "libxmsg.h"
#include "xb_net.h"
#include "xb_status.h"
#include "xb_wire.h"

#ifndef AF_TIPC
#define AF_TIPC 30
#endif

#define MAX_MAPS	32
#define MAX_POOLS	8
#define REQ_SLOTS	256	/* requests in flight per import */
#define BATCH		64	/* frames or messages per wake-up */
#define RETRY_MS	200	/* reconnect / reopen */
#define STATUS_MS	100	/* at most one status post per interval */
#define ACK_EVERY	16	/* frames handled before an ACK goes at once */
#define ACK_MS		20	/* else at most this late (a reply carries it) */

enum src_kind { S_TOP, S_SIG, S_LISTEN, S_CONN, S_XCHG, S_RET, S_BSOCK };
enum map_kind { M_EXPORT, M_IMPORT, M_BEXPORT, M_BIMPORT };
static const char *const kind_name[] = { "export", "import", "bexport",
					 "bimport" };

struct src {
	enum src_kind kind;
	void *p;
};

/* A frame waiting for room on a connection's socket. */
struct item {
	struct item *next;
	struct xb_hdr h;
	uint32_t msg;		/* released once sent, 0 for an ACK */
	const void *body;
	size_t len;
	void *copy;		/* body copied (XMSG_MSGF_NOPOOL) */
};

struct map;

struct conn {
	struct src src;
	int fd;
	struct map *map;
	struct conn *next;	/* export: the map's connections */
	struct item *q, **qtail;
	unsigned int qlen;
	uint64_t fwd, acked;	/* import: frames sent, acknowledged */
	uint64_t done, done_acked; /* export: frames handled, acknowledged */
	struct xmsg_xfer_send out[BATCH]; /* export: to send to the exchange */
	unsigned int nout;
	int stalled;		/* export: exchange full, not reading */
	int want_out;		/* EPOLLOUT asked for */
	double ack_at;		/* export: an ACK is due then (0: none) */
};

/* export: a request's return route (an anonymous exchange). */
struct ret {
	struct src src;
	struct ret *next;
	struct conn *conn;
	uint32_t xchg, id;
	int pfd;
};

struct map {
	enum map_kind kind;
	char name[XMSG_NAME_MAX];
	uint32_t type, inst;
	int up;
	/* the local exchange */
	uint32_t xchg, xchg_info;
	int pfd;
	struct src xsrc;
	/* import: the connection; export: the listener and connections */
	struct conn *conn;
	struct conn *conns;
	int lfd;
	struct src lsrc;
	struct ret *rets;
	int published;
	double retry_at;	/* import: next connect attempt */
	/* import: requests in flight, id = seq << 8 | slot */
	uint32_t req_reply[REQ_SLOTS], req_id[REQ_SLOTS], req_seq;
	/* broadcast: the RDM socket, the current post */
	int bfd;
	struct src bsrc;
	struct xm_msg cur;
	uint64_t gen;
	int have_gen, bpending;
	/* counters */
	uint64_t c_fwd, c_acked, c_lost, c_dropped, c_txerr, c_connects;
	uint64_t c_rx, c_delivered, c_malformed, c_oversized, c_deliver_err;
	uint64_t c_reqs, c_replies, c_replies_lost, c_copied;
	uint64_t c_posts, c_late, c_dups;
};

static struct {
	struct xm *x;
	const char *name;
	uint32_t mode;
	uint32_t limit;
	int ep, top, sig;
	struct src top_src, sig_src;
	uint32_t pools[MAX_POOLS];
	int npools;
	uint32_t rx_pool;
	uint64_t rx_block;
	struct xm_msg spare;
	uint32_t status_xchg;
	int dirty;
	double status_at;
	struct map maps[MAX_MAPS];
	int nmaps;
	int rx_starved;
	int ack_wait;		/* some connection owes an ACK */
	int verbose;
} B;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void say(const char *fmt, ...)
{
	va_list ap;

	if (!B.verbose)
		return;
	va_start(ap, fmt);
	fprintf(stderr, "xmsg-bridge %s: ", B.name);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static void die(const char *what, int err)
{
	fprintf(stderr, "xmsg-bridge: %s: %s\n", what, strerror(err < 0 ?
								 -err : err));
	exit(1);
}

static void ep_set(int fd, struct src *s, uint32_t events, int op)
{
	struct epoll_event ev = { .events = events, .data.ptr = s };

	if (epoll_ctl(B.ep, op, fd, &ev) && op != EPOLL_CTL_DEL)
		die("epoll_ctl", errno);
}

static int tipc_socket(int type)
{
	int fd = socket(AF_TIPC, type | SOCK_CLOEXEC, 0);

	return fd < 0 ? -errno : fd;
}

static void tipc_service(struct sockaddr_tipc *sa, int atype, uint32_t type,
			 uint32_t inst)
{
	memset(sa, 0, sizeof(*sa));
	sa->family = AF_TIPC;
	sa->addrtype = atype;
	sa->scope = TIPC_CLUSTER_SCOPE;
	if (atype == TIPC_SERVICE_ADDR) {
		sa->addr.name.name.type = type;
		sa->addr.name.name.instance = inst;
	} else {
		sa->addr.nameseq.type = type;
		sa->addr.nameseq.lower = inst;
		sa->addr.nameseq.upper = inst;
	}
}

static void set_nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/*
 * Connections and return routes closed while handling one epoll batch may
 * still have events later in it: they are marked closed (fd -1) and freed
 * after the batch.
 */
static void **graveyard;
static size_t ngrave, grave_size;

static void defer_free(void *p)
{
	if (ngrave == grave_size) {
		grave_size = grave_size ? 2 * grave_size : 16;
		graveyard = realloc(graveyard, grave_size * sizeof(*graveyard));
		if (!graveyard)
			die("memory", ENOMEM);
	}
	graveyard[ngrave++] = p;
}

static void reap(void)
{
	while (ngrave)
		free(graveyard[--ngrave]);
}

/* ------------------------------------------------------------------ */
/* status */

static int status_text(char *buf, size_t size)
{
	size_t n = 0;
	int i;

#define P(...) do {							\
	if (n < size)							\
		n += snprintf(buf + n, size - n, __VA_ARGS__);		\
} while (0)
	P("bridge %s pid %d\n", B.name, (int)getpid());
	for (i = 0; i < B.nmaps; i++) {
		struct map *m = &B.maps[i];
		struct conn *c;
		int nc = 0;

		P("%s %s %u:%u state=%s", kind_name[m->kind], m->name,
		  m->type, m->inst, m->up ? "up" : "down");
		switch (m->kind) {
		case M_IMPORT:
			P(" published=%d fwd=%llu acked=%llu lost=%llu "
			  "dropped=%llu tx_err=%llu reqs=%llu replies=%llu "
			  "replies_lost=%llu copied=%llu connects=%llu",
			  m->published, (unsigned long long)m->c_fwd,
			  (unsigned long long)m->c_acked,
			  (unsigned long long)m->c_lost,
			  (unsigned long long)m->c_dropped,
			  (unsigned long long)m->c_txerr,
			  (unsigned long long)m->c_reqs,
			  (unsigned long long)m->c_replies,
			  (unsigned long long)m->c_replies_lost,
			  (unsigned long long)m->c_copied,
			  (unsigned long long)m->c_connects);
			break;
		case M_EXPORT:
			for (c = m->conns; c; c = c->next)
				nc++;
			P(" conns=%d rx=%llu delivered=%llu malformed=%llu "
			  "oversized=%llu deliver_err=%llu reqs=%llu "
			  "replies=%llu replies_lost=%llu copied=%llu", nc,
			  (unsigned long long)m->c_rx,
			  (unsigned long long)m->c_delivered,
			  (unsigned long long)m->c_malformed,
			  (unsigned long long)m->c_oversized,
			  (unsigned long long)m->c_deliver_err,
			  (unsigned long long)m->c_reqs,
			  (unsigned long long)m->c_replies,
			  (unsigned long long)m->c_replies_lost,
			  (unsigned long long)m->c_copied);
			break;
		case M_BEXPORT:
			P(" gen=%llu posts=%llu late=%llu tx_err=%llu "
			  "copied=%llu", (unsigned long long)m->gen,
			  (unsigned long long)m->c_posts,
			  (unsigned long long)m->c_late,
			  (unsigned long long)m->c_txerr,
			  (unsigned long long)m->c_copied);
			break;
		case M_BIMPORT:
			P(" gen=%llu posts=%llu dups=%llu malformed=%llu "
			  "oversized=%llu", (unsigned long long)m->gen,
			  (unsigned long long)m->c_posts,
			  (unsigned long long)m->c_dups,
			  (unsigned long long)m->c_malformed,
			  (unsigned long long)m->c_oversized);
			break;
		}
		P("\n");
	}
#undef P
	return n < size ? (int)n : (int)size - 1;
}

/* Post the status text at bridge.NAME (the post replaces the last). */
static void status_post(int force)
{
	struct xm_msg m;
	double t = now();
	int n;

	if (!B.dirty || (!force && t - B.status_at < STATUS_MS / 1e3))
		return;
	if (xm_msg_get(B.x, B.rx_pool, &m))
		return;		/* pool empty: next time */
	n = status_text(m.body, m.length);
	if (xm_msg_set_length(B.x, m.handle, n) == 0 &&
	    xm_send(B.x, B.status_xchg, m.handle, 0, 0, 0) == 0) {
		B.dirty = 0;
		B.status_at = t;
	}
	xm_msg_rel(B.x, m.handle);
}

static int print_status(const char *name)
{
	char buf[65536];
	struct xm *x;
	int ret;

	ret = xm_open(&x, NULL);
	if (ret)
		die("/dev/xmsg", ret);
	ret = xb_status_read(x, name, buf, sizeof(buf));
	xm_close(x);
	if (ret < 0) {
		fprintf(stderr, "xmsg-bridge: bridge %s: %s\n", name,
			ret == -ENOENT ? "no such bridge" :
			ret == -EAGAIN ? "not running" : strerror(-ret));
		return 1;
	}
	fputs(buf, stdout);
	return 0;
}

/* ------------------------------------------------------------------ */
/* frames out */

static void item_free(struct item *it)
{
	if (it->msg)
		xm_msg_rel(B.x, it->msg);
	free(it->copy);
	free(it);
}

/* 0 sent, -EAGAIN no room, else the connection is broken. */
static int item_send(int fd, struct item *it, const struct sockaddr_tipc *to)
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

static void conn_close(struct conn *c);

/* A frame that will not be sent: counted, its message released. */
static void item_lost(struct map *m, struct item *it)
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
static int conn_tx(struct conn *c, struct item *it)
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
static struct item *item_msg(struct map *mp, const struct xm_msg *m,
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

static struct item *item_ack(uint64_t done)
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
static uint32_t spare_take(uint64_t length)
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
static int frame_recv(int fd, struct map *m, struct xb_hdr *h,
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

/* ------------------------------------------------------------------ */
/* import: a local exchange forwarded to a remote service */

static int top_subscribe(struct map *m)
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
static void import_xchg_destroy(struct map *m)
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

static void import_down(struct map *m)
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

static void import_connect(struct map *m)
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
static void import_pump(struct map *m)
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
static void import_reply(struct map *m, const struct xb_hdr *h)
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

/* ------------------------------------------------------------------ */
/* export: a local exchange reachable as a service */

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

static void conn_close(struct conn *c)
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

static void export_down(struct map *m)
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
static void export_up(struct map *m)
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

static void export_accept(struct map *m)
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
static void conn_ack(struct conn *c, int force)
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

static void export_answer(struct ret *r)
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

static void conn_read(struct conn *c, int hup)
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

static void export_retry(struct map *m)
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

/* ------------------------------------------------------------------ */
/* broadcast */

static void bsock_send(struct map *m, const struct sockaddr_tipc *to,
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

static void bexport_mcast(struct map *m)
{
	struct sockaddr_tipc sa;

	tipc_service(&sa, TIPC_SERVICE_RANGE, m->type, m->inst);
	bsock_send(m, &sa, 0);
}

static void bexport_close(struct map *m)
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

static void bexport_up(struct map *m)
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
static void bexport_post(struct map *m)
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

static void bimport_frame(struct map *m)
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

/* ------------------------------------------------------------------ */
/* topology events */

static void top_event(void)
{
	struct tipc_event ev;
	struct sockaddr_tipc to;
	struct map *m;

	while (recv(B.top, &ev, sizeof(ev), MSG_DONTWAIT) == sizeof(ev)) {
		memcpy(&m, ev.s.usr_handle, sizeof(m));
		if (m < B.maps || m >= B.maps + B.nmaps)
			continue;
		if (m->kind == M_IMPORT) {
			if (ev.event == TIPC_PUBLISHED) {
				m->published++;
				m->retry_at = 0;
				import_connect(m);
			} else if (ev.event == TIPC_WITHDRAWN) {
				m->published--;
				if (m->published <= 0) {
					m->published = 0;
					import_down(m);
				}
			}
			B.dirty = 1;
		} else if (m->kind == M_BEXPORT && ev.event == TIPC_PUBLISHED &&
			   m->cur.handle) {
			/* a new importer: give it the current post */
			memset(&to, 0, sizeof(to));
			to.family = AF_TIPC;
			to.addrtype = TIPC_SOCKET_ADDR;
			to.addr.id = ev.port;
			bsock_send(m, &to, 1);
		}
	}
}

/* ------------------------------------------------------------------ */
/* setup */

static void map_init(struct map *m)
{
	struct sockaddr_tipc sa;
	int one = 1, h;

	m->pfd = -1;
	m->lfd = -1;
	m->bfd = -1;
	m->xsrc.kind = S_XCHG;
	m->xsrc.p = m;
	m->lsrc.kind = S_LISTEN;
	m->lsrc.p = m;
	m->bsrc.kind = S_BSOCK;
	m->bsrc.p = m;
	switch (m->kind) {
	case M_IMPORT:
		/* one left by a bridge that was killed: gone, as the
		 * service may be; made again when it is published
		 */
		h = xm_xchg_open(B.x, m->name, XMSG_ACC_RDWR);
		if (h > 0) {
			m->xchg = h;
			m->xchg_info = xm_xchg_open(B.x, m->name,
						    XMSG_ACC_READ);
			import_xchg_destroy(m);
		}
		if (top_subscribe(m))
			die("topology subscription", errno);
		break;
	case M_EXPORT:
		export_up(m);
		break;
	case M_BEXPORT:
		m->bfd = tipc_socket(SOCK_RDM);
		if (m->bfd < 0)
			die("AF_TIPC socket", m->bfd);
		setsockopt(m->bfd, SOL_TIPC, TIPC_DEST_DROPPABLE, &one,
			   sizeof(one));
		bexport_up(m);
		if (top_subscribe(m))
			die("topology subscription", errno);
		break;
	case M_BIMPORT:
		h = xm_xchg_create(B.x, m->name, XMSG_XCHG_KIND_BCAST, 0,
				   B.mode, 0);
		if (h < 0)
			die(m->name, h);
		m->xchg = h;
		m->bfd = tipc_socket(SOCK_RDM);
		if (m->bfd < 0)
			die("AF_TIPC socket", m->bfd);
		tipc_service(&sa, TIPC_SERVICE_RANGE, m->type, m->inst);
		if (bind(m->bfd, (struct sockaddr *)&sa, sizeof(sa)))
			die("bind", errno);
		ep_set(m->bfd, &m->bsrc, EPOLLIN, EPOLL_CTL_ADD);
		m->up = 1;
		break;
	}
}

static void shutdown_all(void)
{
	int i;

	for (i = 0; i < B.nmaps; i++) {
		struct map *m = &B.maps[i];

		switch (m->kind) {
		case M_IMPORT:
			import_down(m);
			break;
		case M_EXPORT:
			export_down(m);
			break;
		case M_BEXPORT:
			bexport_close(m);
			if (m->cur.handle)
				xm_msg_rel(B.x, m->cur.handle);
			break;
		case M_BIMPORT:
			xm_destroy(B.x, m->xchg);
			break;
		}
	}
	if (B.spare.handle)
		xm_msg_rel(B.x, B.spare.handle);
	xm_destroy(B.x, B.status_xchg);
	xm_close(B.x);
}

/* Periodic work: reconnects, reopened exchanges, retries. */
static void tick(void)
{
	int i;

	B.ack_wait = 0;
	for (i = 0; i < B.nmaps; i++) {
		struct map *m = &B.maps[i];

		switch (m->kind) {
		case M_IMPORT:
			import_connect(m);
			break;
		case M_EXPORT: {
			struct conn *c, *cn;

			export_up(m);
			export_retry(m);
			for (c = m->conns; c; c = cn) {
				cn = c->next;
				conn_ack(c, 0);
			}
			break;
		}
		case M_BEXPORT:
			bexport_up(m);
			if (m->bpending && m->cur.handle)
				bexport_mcast(m);
			break;
		case M_BIMPORT:
			break;
		}
	}
}

static int parse_map(const char *kind, const char *arg)
{
	struct map *m;
	const char *eq;
	unsigned int t, i;
	char tail;

	if (B.nmaps == MAX_MAPS)
		return -1;
	m = &B.maps[B.nmaps];
	for (i = 0; i < 4; i++)
		if (!strcmp(kind, kind_name[i]))
			break;
	eq = strchr(arg, '=');
	if (i == 4 || !eq || eq == arg || eq - arg >= XMSG_NAME_MAX ||
	    sscanf(eq + 1, "%u:%u%c", &t, &m->inst, &tail) != 2 || t < 64)
		return -1;	/* types below 64 are TIPC's own */
	m->kind = i;
	memcpy(m->name, arg, eq - arg);
	m->type = t;
	B.nmaps++;
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
"usage: xmsg-bridge -n NAME -p POOL [-p POOL]... [options] MAP...\n"
"       xmsg-bridge --status NAME\n"
"MAP: export|import|bexport|bimport EXCHANGE=TYPE:INSTANCE (TYPE >= 64)\n"
"  -n, --name NAME        this bridge (status at broadcast exchange bridge.NAME)\n"
"  -p, --pool POOL        the first: frames from the network are received\n"
"                         into its blocks; all: bodies sent from them\n"
"  -m, --mode MODE        mode of the exchanges the bridge makes (0660)\n"
"  -l, --limit N          queue limit of import exchanges (0 = 1024)\n"
"      --tipc-node ID     set this namespace's TIPC node identity first\n"
"      --tipc-bearer DEV  enable a TIPC Ethernet bearer on DEV first\n"
"  -v, --verbose          log state changes to stderr\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", 1, NULL, 'n' }, { "pool", 1, NULL, 'p' },
		{ "mode", 1, NULL, 'm' }, { "limit", 1, NULL, 'l' },
		{ "status", 1, NULL, 's' }, { "verbose", 0, NULL, 'v' },
		{ "tipc-node", 1, NULL, 'N' }, { "tipc-bearer", 1, NULL, 'B' },
		{ NULL, 0, NULL, 0 }
	};
	const char *pools[MAX_POOLS];
	char xname[XMSG_NAME_MAX];
	struct sockaddr_tipc sa;
	struct epoll_event evs[32];
	struct xmsg_pool_info pi;
	sigset_t ss;
	int c, i, n, ret, np = 0;

	B.mode = 0660;
	while ((c = getopt_long(argc, argv, "n:p:m:l:v", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			B.name = optarg;
			break;
		case 'p':
			if (np == MAX_POOLS)
				usage();
			pools[np++] = optarg;
			break;
		case 'm':
			B.mode = strtoul(optarg, NULL, 8);
			break;
		case 'l':
			B.limit = strtoul(optarg, NULL, 0);
			break;
		case 's':
			return print_status(optarg);
		case 'v':
			B.verbose = 1;
			break;
		case 'N':
			ret = xb_tipc_node_id(optarg);
			if (ret)
				die("TIPC node identity", ret);
			break;
		case 'B':
			ret = xb_tipc_bearer(optarg);
			if (ret)
				die("TIPC bearer", ret);
			break;
		default:
			usage();
		}
	}
	for (i = optind; i + 1 < argc; i += 2)
		if (parse_map(argv[i], argv[i + 1]))
			usage();
	if (i != argc || !B.name || !np || !B.nmaps ||
	    strlen(B.name) + 8 > XMSG_NAME_MAX)
		usage();

	ret = xm_open(&B.x, NULL);
	if (ret)
		die("/dev/xmsg", ret);
	for (i = 0; i < np; i++) {
		ret = xm_pool_open(B.x, pools[i], i ? XMSG_ACC_READ :
				   XMSG_ACC_RDWR);
		if (ret < 0)
			die(pools[i], ret);
		B.pools[B.npools++] = ret;
	}
	B.rx_pool = B.pools[0];
	ret = xm_pool_info(B.x, B.rx_pool, &pi);
	if (ret)
		die(pools[0], ret);
	B.rx_block = pi.block_size;
	snprintf(xname, sizeof(xname), "bridge.%s", B.name);
	ret = xm_xchg_create(B.x, xname, XMSG_XCHG_KIND_BCAST, 0, 0644, 0);
	if (ret < 0)
		die(xname, ret);
	B.status_xchg = ret;

	B.ep = epoll_create1(EPOLL_CLOEXEC);
	sigemptyset(&ss);
	sigaddset(&ss, SIGTERM);
	sigaddset(&ss, SIGINT);
	sigprocmask(SIG_BLOCK, &ss, NULL);
	signal(SIGPIPE, SIG_IGN);
	B.sig = signalfd(-1, &ss, SFD_CLOEXEC);
	B.sig_src.kind = S_SIG;
	ep_set(B.sig, &B.sig_src, EPOLLIN, EPOLL_CTL_ADD);

	B.top = tipc_socket(SOCK_SEQPACKET);
	if (B.top < 0)
		die("AF_TIPC socket", B.top);
	memset(&sa, 0, sizeof(sa));
	sa.family = AF_TIPC;
	sa.addrtype = TIPC_SERVICE_ADDR;
	sa.addr.name.name.type = TIPC_TOP_SRV;
	sa.addr.name.name.instance = TIPC_TOP_SRV;
	if (connect(B.top, (struct sockaddr *)&sa, sizeof(sa)))
		die("TIPC topology server", errno);
	B.top_src.kind = S_TOP;
	ep_set(B.top, &B.top_src, EPOLLIN, EPOLL_CTL_ADD);

	for (i = 0; i < B.nmaps; i++)
		map_init(&B.maps[i]);
	B.dirty = 1;
	status_post(1);

	for (;;) {
		n = epoll_wait(B.ep, evs, 32, B.rx_starved ? 1 :
			       B.ack_wait ? ACK_MS : RETRY_MS);
		if (n < 0 && errno != EINTR)
			die("epoll_wait", errno);
		B.rx_starved = 0;
		for (i = 0; i < n; i++) {
			struct src *s = evs[i].data.ptr;
			struct map *m = s->p;

			switch (s->kind) {
			case S_SIG:
				shutdown_all();
				return 0;
			case S_TOP:
				if (evs[i].events & (EPOLLHUP | EPOLLERR))
					die("TIPC topology server", EPIPE);
				top_event();
				break;
			case S_LISTEN:
				export_accept(m);
				break;
			case S_CONN: {
				struct conn *cn = s->p;

				if (cn->fd < 0)
					break;	/* closed in this round */
				if (evs[i].events & EPOLLOUT) {
					if (conn_tx(cn, NULL))
						break;
					if (cn->map->kind == M_IMPORT &&
					    !cn->q) {
						ep_set(cn->map->pfd,
						       &cn->map->xsrc,
						       EPOLLIN, EPOLL_CTL_MOD);
						import_pump(cn->map);
						break;
					}
				}
				if (evs[i].events & (EPOLLIN | EPOLLHUP |
						     EPOLLERR))
					conn_read(cn, evs[i].events &
						  (EPOLLHUP | EPOLLERR));
				break;
			}
			case S_XCHG:
				if (m->kind == M_IMPORT)
					import_pump(m);
				else
					bexport_post(m);
				break;
			case S_RET:
				if (((struct ret *)s->p)->pfd >= 0)
					export_answer(s->p);
				break;
			case S_BSOCK:
				bimport_frame(m);
				break;
			}
		}
		reap();
		tick();
		status_post(0);
	}
}
