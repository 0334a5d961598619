/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ipc_bench: xmsg against the IPC mechanisms users would pick instead.
 *
 * The program is cut like tools/perf/bench: this header holds the peer
 * interface (struct peer, one per mechanism, each in its own peer_*.c),
 * the measurements (rtt.c, tput.c, fanout.c, cleanup.c, ops.c) and the
 * output (report.c) that main.c strings together.
 */
#ifndef IPC_BENCH_H
#define IPC_BENCH_H

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/xmsg.h>

#define KIB		1024UL
#define MIB		(1024UL * 1024UL)
#define MAX_SAMPLES	200000
#define MAX_RX		8
#define MAX_ROUNDS	32
#define STOP_SEQ	UINT64_MAX
#define BAD_SEQ		(STOP_SEQ - 1)
#define WATCHDOG_S	60
#define XNAME		48
#define UNUSED		__attribute__((unused))

/* Where the two processes of a round trip or throughput measurement run. */
enum placement {
	PLACE_FREE,		/* left to the scheduler */
	PLACE_SPLIT,		/* parent on CPU 0, child on CPU 1 */
	PLACE_SAME,		/* both on CPU 0 */
};

struct options {
	double box;		/* seconds per measurement, all rounds */
	int rounds;		/* interleaved rounds per measurement */
	int min_iters;		/* least samples per round */
	const char *measures;
	const char *peers;
	const char *sizes;	/* rtt, tput: comma list of sizes or "all" */
	enum placement place;
	bool verify;		/* throughput: fill and check every byte */
	unsigned int exit_div;	/* cleanup: counts and pools divided by it */
};

extern struct options opt;
extern const size_t sizes[];
extern const size_t nsizes;

/* ------------------------------------------------------------ util.c */

uint64_t now_ns(void);
uint64_t round_box_ns(void);
uint64_t box_ns(void);
void futex_wait(_Atomic uint32_t *w, uint32_t val);
void futex_wake(_Atomic uint32_t *w, int n);
void *shm_alloc(size_t len);
void *buf_alloc(size_t len);
void stamp(void *body, size_t size, uint64_t seq);
uint64_t check(const void *body, size_t size);
void fill(void *body, size_t size, uint64_t seq);
size_t verify(const void *body, size_t size, uint64_t seq);
int cmp_u64(const void *a, const void *b);
uint64_t pct(uint64_t *v, size_t n, double p);
double median(const double *v, size_t n);
bool listed(const char *list, const char *name);
ssize_t write_full(int fd, const void *buf, size_t len);
ssize_t read_full(int fd, void *buf, size_t len);
int place_self(int role);
void place_restore(void);
const char *place_name(enum placement p);

extern volatile sig_atomic_t watchdog_fired;
void arm_watchdog(void);
int reap(pid_t pid, bool kill_it);

/* ---------------------------------------------------- the peer interface */

/*
 * One bidirectional channel between the parent (role 0) and the child
 * (role 1) of one measurement.  Direction 0 carries parent -> child,
 * direction 1 child -> parent.  The copying peers read and write the
 * private buffers txb and rxb; every peer keeps its own state in priv.
 */
struct chan {
	size_t size;
	bool tput;			/* set up for one-way throughput */
	char *txb, *rxb;		/* private buffers of copy peers */
	size_t rxlen;
	void *priv;
};

/*
 * A mechanism.  setup() runs before fork, attach() in each process after
 * it; then the sender fills tx_buf() and calls tx(), the receiver gets
 * the body from rx() and gives it back with rx_done() or answers in it
 * (reply_buf(), then tx()).
 */
struct peer {
	const char *name;
	/* before fork: create the channel; < 0 with *why set if N/A */
	int (*setup)(struct chan *c, size_t size, const char **why);
	void (*teardown)(struct chan *c);
	/* after fork in each process */
	int (*attach)(struct chan *c, int role);
	/* buffer to write the next outgoing message into */
	void *(*tx_buf)(struct chan *c, int role);
	/* send the buffer of tx_buf() on direction @role */
	int (*tx)(struct chan *c, int role);
	/* receive on direction !@role; the body, NULL on error */
	void *(*rx)(struct chan *c, int role);
	/* done with the body of rx() (not called when it is replied) */
	int (*rx_done)(struct chan *c, int role);
	/* child: turn the received body into the reply's buffer */
	void *(*reply_buf)(struct chan *c, int role);
	/* optional combined send then receive */
	void *(*txrx)(struct chan *c, int role);
	/* optional: send what tx() has kept back (batching peers) */
	int (*flush)(struct chan *c, int role);
};

extern const struct peer peer_xmsg, peer_xmsg_call, peer_xmsg_stream,
	peer_pipe, peer_unix, peer_mq, peer_shmring, peer_shmpool;
extern const struct peer *const peers[];
extern const size_t npeers;

/* Helpers of the copying peers (peer_copy.c). */
int bufs_setup(struct chan *c, size_t size, size_t rxlen);
void bufs_teardown(struct chan *c);
void *copy_tx_buf(struct chan *c, int role);
void *copy_reply_buf(struct chan *c, int role);
int copy_rx_done(struct chan *c, int role);
int noop_attach(struct chan *c, int role);

/* ----------------------------------------- shared-memory SPSC queue */

/*
 * A single-producer single-consumer queue of 32-bit values (block
 * offsets) in shared memory.  The consumer sleeps on the head's futex
 * word only after it set need_wake (and wake_head: how far the head must
 * come); the producer makes the futex call only when it finds need_wake
 * set and the head that far.  It never fills: it holds as many slots as
 * there are blocks that can be in flight.
 */
struct spsc {
	_Atomic uint32_t head;		/* pushed, by the producer */
	char pad1[60];
	_Atomic uint32_t tail;		/* popped, by the consumer */
	_Atomic uint32_t need_wake;	/* the consumer sleeps or will */
	_Atomic uint32_t wake_head;	/* ... until head reaches this */
	uint32_t seen;			/* consumer's last look at head */
	char pad2[48];
	uint32_t mask;			/* slots - 1, a power of two */
	uint32_t slot[];
};

size_t spsc_bytes(unsigned int slots);
void spsc_init(struct spsc *q, unsigned int slots);
void spsc_push(struct spsc *q, uint32_t v);
bool spsc_try_pop(struct spsc *q, uint32_t *v);
int spsc_wait(struct spsc *q, unsigned int n);
int spsc_pop(struct spsc *q, uint32_t *v);

/* ------------------------------------------- xmsg adapter (xmsg_uapi.c) */

/* What a receive returns. */
struct xrx {
	uint32_t msg;			/* handle of the received message */
	uint64_t off;			/* body offset in its pool's mapping */
	uint64_t len;
	uint64_t gen;			/* broadcast generation */
};

enum { XK_NORMAL, XK_BCAST };

#define XBATCH_MAX	64

extern const char *xb_why;
int xb_open(void);
int xb_pool_create(int fd, const char *name, size_t bsize,
		   unsigned int nblocks, uint32_t *h);
int xb_pool_open(int fd, const char *name, uint32_t *h);
void *xb_pool_map(int fd, uint32_t pool, size_t *len);
int xb_pool_destroy(int fd, uint32_t pool);
int xb_xchg_create(int fd, const char *name, int kind, uint32_t *h);
int xb_xchg_open(int fd, const char *name, uint32_t *h);
int xb_xchg_destroy(int fd, uint32_t xchg);
int xb_get(int fd, uint32_t pool, uint32_t *msg, uint64_t *off);
int xb_rel(int fd, uint32_t msg);
int xb_send(int fd, uint32_t xchg, uint32_t msg);
int xb_recv(int fd, uint32_t xchg, bool newer, struct xrx *rx);
int xb_call(int fd, uint32_t sx, uint32_t msg, uint32_t rxx, struct xrx *rx);
int xb_proxy(int fd, uint32_t msg, uint64_t off, uint64_t len,
	     uint32_t *proxy);
int xb_xfer(int fd, uint32_t sx, const uint32_t *msgs, unsigned int n,
	    bool proxy, const uint32_t *sxs, uint32_t rxx, unsigned int max,
	    struct xrx *rx, unsigned int *got);
int xb_features(int fd);
int xb_recv_empty(int fd, uint32_t xchg);

/* ------------------------------------------------------ measurements */

/* Shared between parent and child of one measurement. */
struct shared {
	_Atomic uint64_t t_end;		/* receiver: time of the last receive */
	_Atomic uint64_t received;	/* receiver: messages received */
	_Atomic uint64_t rx_bytes;	/* receiver: bytes received (verify) */
	_Atomic uint64_t rx_bad;	/* receiver: bytes that differed */
	_Atomic uint32_t ready;		/* child attached */
};

extern struct shared *sh;
extern uint64_t *samples;

void wait_ready(void);
void set_ready(void);
int run_pair(const struct peer *p, struct chan *c, size_t size,
	     int (*child)(const struct peer *p, struct chan *c),
	     int (*parent)(const struct peer *p, struct chan *c, void *arg),
	     void *arg, const char **why);

/*
 * One peer at one size over the rounds of a measurement: each round
 * adds its figure (round trip: the round's median; throughput: its
 * messages per second) at the round's index, so that figures of the
 * same index from two peers were measured side by side.
 */
struct acc {
	uint64_t *v;			/* round trips of all rounds, ns */
	size_t n;
	double round[MAX_ROUNDS];	/* per-round figure, NAN if failed */
	int nround;
	uint64_t msgs, sent;		/* throughput: received, sent */
	uint64_t bytes, bad;		/* throughput with -V */
	const char *why;		/* set when a round failed */
};

void rtt_round(const struct peer *p, size_t size, struct acc *a);
void rtt_emit(const struct peer *p, size_t size, struct acc *a);
void tput_round(const struct peer *p, size_t size, struct acc *a);
void tput_emit(const struct peer *p, size_t size, struct acc *a);
void fanout_all(void);
void cleanup_all(void);
unsigned long exit_held(size_t i);
#define EXIT_NHELD	3
void ops_all(void);

/* ------------------------------------------------------------ report.c */

void result(const char *measure, const char *peer, unsigned long param,
	    double value, const char *unit);
void result_na(const char *measure, const char *peer, unsigned long param,
	       const char *why);
void result_rounds(const char *measure, const char *peer,
		   unsigned long param, const double *v, int n,
		   const char *unit);
void summary(void);

#endif
