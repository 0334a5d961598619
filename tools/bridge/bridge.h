/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xmsg-bridge's private declarations: the state shared by its files
 * (bridge.c, status.c, frame.c, import.c, export.c, bcast.c) and the
 * functions they call of each other.  See bridge.c for what it does.
 */
#ifndef XB_BRIDGE_H
#define XB_BRIDGE_H

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

/* The bridge: its maps and everything the epoll loop shares. */
struct bridge {
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
};

extern struct bridge B;
/* Names of enum map_kind, as in the command line. */
extern const char *const kind_name[];

/* bridge.c: helpers, topology events, setup and the main loop */
double now(void);
void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void die(const char *what, int err);
void ep_set(int fd, struct src *s, uint32_t events, int op);
int tipc_socket(int type);
void tipc_service(struct sockaddr_tipc *sa, int atype, uint32_t type,
		  uint32_t inst);
void set_nonblock(int fd);
void defer_free(void *p);

/* status.c: the status text posted at bridge.NAME */
void status_post(int force);
int print_status(const char *name);

/* frame.c: frames out (queued per connection) and in */
int item_send(int fd, struct item *it, const struct sockaddr_tipc *to);
void item_lost(struct map *m, struct item *it);
int conn_tx(struct conn *c, struct item *it);
struct item *item_msg(struct map *mp, const struct xm_msg *m,
		      unsigned int kind, uint32_t id);
struct item *item_ack(uint64_t done);
uint32_t spare_take(uint64_t length);
int frame_recv(int fd, struct map *m, struct xb_hdr *h,
	       struct sockaddr_tipc *from);

/* import.c: a local exchange forwarded to a remote service */
int top_subscribe(struct map *m);
void import_xchg_destroy(struct map *m);
void import_down(struct map *m);
void import_connect(struct map *m);
void import_pump(struct map *m);
void import_reply(struct map *m, const struct xb_hdr *h);

/* export.c: a local exchange reachable as a service; connections */
void conn_close(struct conn *c);
void export_down(struct map *m);
void export_up(struct map *m);
void export_accept(struct map *m);
void conn_ack(struct conn *c, int force);
void export_answer(struct ret *r);
void conn_read(struct conn *c, int hup);
void export_retry(struct map *m);

/* bcast.c: broadcast export and import */
void bsock_send(struct map *m, const struct sockaddr_tipc *to, int late);
void bexport_mcast(struct map *m);
void bexport_close(struct map *m);
void bexport_up(struct map *m);
void bexport_post(struct map *m);
void bimport_frame(struct map *m);

#endif /* XB_BRIDGE_H */
