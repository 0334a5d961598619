// SPDX-License-Identifier: GPL-2.0
/*
 * XMSG_IOC_TXRING (libxmsg xm_txring_*()): send rings.  Messages posted
 * from leased blocks arrive in order with their exact bytes, lengths and
 * priorities, through XMSG_IOC_RECV and through a receive ring; several
 * rings feed one exchange; garbage descriptors are refused, counted per
 * reason and leave the block usable; kill -9 of the sender or of the
 * receiver and closing the ring fd give every block back; rights and the
 * documented errors.  A receiver that finds nothing (poll() of its
 * receive ring, a receive of an empty queue) pulls what send rings hold
 * without a kick; NEED_WAKEUP stays clear after such a pull, and a drain
 * due a few milliseconds later delivers what a sender posted meanwhile
 * when no receiver comes back.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include "kselftest_harness.h"
#include "xm_test.h"

#define BS	256
#define NBLK	64
#define RECV_NS	2000000000LL

FIXTURE(tx) {
	struct xm *x;
	int pool, xchg;
	char pname[XMSG_NAME_MAX], xname[XMSG_NAME_MAX];
};

FIXTURE_SETUP(tx)
{
	ASSERT_EQ(0, xm_open(&self->x, NULL)) TH_LOG("no /dev/xmsg?");
	self->pool = xm_pool_create(self->x, xt_name(self->pname, "txpool"),
				    BS, NBLK, 0600, XMSG_CREATE_EXCL);
	ASSERT_LT(0, self->pool);
	self->xchg = xm_xchg_create(self->x, xt_name(self->xname, "txxchg"),
				    XMSG_XCHG_KIND_NORMAL, 0, 0600,
				    XMSG_CREATE_EXCL);
	ASSERT_LT(0, self->xchg);
}

FIXTURE_TEARDOWN(tx)
{
	if (!self->x)
		return;
	xm_close(self->x);
	if (!xm_open(&self->x, NULL)) {
		int p = xm_pool_open(self->x, self->pname, XMSG_ACC_RDWR);
		int e = xm_xchg_open(self->x, self->xname, XMSG_ACC_RDWR);

		if (e > 0)
			xm_destroy(self->x, e);
		if (p > 0)
			xm_pool_destroy(self->x, p);
		xm_close(self->x);
	}
}

static uint64_t pool_in_use(struct xm *x, int pool)
{
	struct xmsg_info in;

	if (xm_info(x, pool, &in))
		return ~0ULL;
	return in.u.pool.in_use;
}

/*
 * The byte @k of message @seq of sender @who: the sender, the low 16 bits
 * of the sequence number, then bytes that depend on all three.
 */
static unsigned char pat(unsigned int who, unsigned int seq, size_t k)
{
	if (k == 0)
		return (unsigned char)who;
	if (k < 3)
		return (unsigned char)(seq >> (8 * (k - 1)));
	return (unsigned char)(who * 89 + seq * 31 + k * 7 + 1);
}

/* Take a block, fill it with pat(@who, @seq), post it: 0 or -errno. */
static int post_one(struct xm_txring *t, unsigned int who, unsigned int seq,
		    uint32_t len, uint16_t prio)
{
	unsigned char *p;
	uint64_t off;
	size_t k;
	int i;

	for (i = 0; i < 5000; i++) {
		p = xm_txring_block(t, &off);
		if (p)
			break;
		if (xm_txring_kick(t, NULL, NULL))
			return -EIO;
		if (i > 10)
			xt_sleep_ms(1);
	}
	if (!p)
		return -ENOBUFS;
	for (k = 0; k < len; k++)
		p[k] = pat(who, seq, k);
	while (xm_txring_post(t, off, len, prio) == -EAGAIN)
		if (xm_txring_kick(t, NULL, NULL))
			return -EIO;
	return 0;
}

/* Reap every completion; count those that are not 0 in *@bad. */
static unsigned int reap_all(struct xm_txring *t, unsigned int *bad)
{
	struct xmsg_txring_comp c[64];
	unsigned int n, i, total = 0;

	while ((n = xm_txring_reap(t, c, 64))) {
		for (i = 0; i < n; i++)
			if (c[i].err)
				(*bad)++;
		total += n;
	}
	return total;
}

/* Is @m message @seq of @who, of @len bytes? */
static int body_is(const struct xm_msg *m, unsigned int who,
		   unsigned int seq, size_t len)
{
	const unsigned char *p = m->body;
	size_t k;

	if (m->length != len || !p)
		return 0;
	for (k = 0; k < len; k++)
		if (p[k] != pat(who, seq, k))
			return 0;
	return 1;
}

/* In a forked child: a context of its own and a send ring in *@t. */
static struct xm *child_txring(const char *pname, const char *xname,
			       uint32_t entries, uint32_t blocks,
			       struct xm_txring *t)
{
	struct xm *c;
	int cx, cp;

	CHILD_CHECK(!xm_open(&c, NULL), 10);
	cx = xm_xchg_open(c, xname, XMSG_ACC_WRITE);
	cp = xm_pool_open(c, pname, XMSG_ACC_RDWR);
	CHILD_CHECK(cx > 0 && cp > 0, 11);
	CHILD_CHECK(!xm_txring_open(c, cx, cp, entries, blocks, t), 12);
	return c;
}

static const uint32_t sizes[] = { 1, 7, 64, 100, 255, 256 };
#define NSIZES	(sizeof(sizes) / sizeof(sizes[0]))

TEST_F(tx, feature_bit)
{
	struct xmsg_features f;

	ASSERT_EQ(0, xm_features(self->x, &f));
	EXPECT_NE(0ULL, f.features & XMSG_FEAT_TXRING);
}

TEST_F(tx, in_order_exact_bytes_to_recv)
{
	unsigned int i, r = 0, bad = 0, done = 0;
	const unsigned int n = 300;
	struct xm_txring t;
	struct xm_msg m;

	ASSERT_EQ(0, xm_txring_open(self->x, self->xchg, self->pool, 32, 16,
				    &t));
	EXPECT_EQ(32u, t.hdr->entries);
	EXPECT_EQ(16u, t.hdr->blocks);
	EXPECT_EQ(16u, pool_in_use(self->x, self->pool)) TH_LOG("leased");
	EXPECT_NE(0u, t.hdr->flags & XMSG_TXRING_F_NEED_WAKEUP);
	for (i = 0; i < n; i++) {
		/* a batch at one priority: the exchange orders by priority */
		ASSERT_EQ(0, post_one(&t, 0, i, sizes[i % NSIZES],
				      (i / 8) % 32));
		if (i % 8 == 7 || i == n - 1) {
			ASSERT_EQ(0, xm_txring_flush(&t));
			done += reap_all(&t, &bad);
			/* receive what was sent, in order */
			while (xm_recv(self->x, self->xchg, XM_NOWAIT, 0,
				       &m) == 0) {
				EXPECT_TRUE(body_is(&m, 0, r, sizes[r % NSIZES]))
					TH_LOG("message %u", r);
				EXPECT_EQ((r / 8) % 32, m.prio);
				EXPECT_EQ(0, xm_msg_rel(self->x, m.handle));
				r++;
			}
		}
	}
	EXPECT_EQ(n, done);
	EXPECT_EQ(n, r);
	EXPECT_EQ(0u, bad);
	EXPECT_EQ(-EAGAIN, xm_recv(self->x, self->xchg, XM_NOWAIT, 0, &m));
	EXPECT_EQ(0u, t.hdr->refused[XMSG_TXRING_REFUSED_LEASE]);
	EXPECT_NE(0u, t.hdr->flags & XMSG_TXRING_F_NEED_WAKEUP)
		TH_LOG("no drain runs: kicks needed");
	EXPECT_EQ(16u, pool_in_use(self->x, self->pool))
		TH_LOG("only the leased blocks are out");
	xm_txring_close(&t);
	EXPECT_EQ(0u, pool_in_use(self->x, self->pool));
}

TEST_F(tx, through_receive_ring)
{
	unsigned int i, got = 0, bad = 0;
	const unsigned int n = 200;
	struct xm_txring t;
	struct xm_ring r;

	ASSERT_EQ(0, xm_ring_open(self->x, self->xchg, self->pool, 64, 0, 0,
				  &r));
	ASSERT_EQ(0, xm_txring_open(self->x, self->xchg, self->pool, 64, 32,
				    &t));
	for (i = 0; i < n; i++) {
		ASSERT_EQ(0, post_one(&t, 1, i, sizes[i % NSIZES], 3));
		ASSERT_EQ(0, xm_txring_flush(&t));
		reap_all(&t, &bad);
		while (xm_ring_ready(&r)) {
			const struct xmsg_ring_entry *e = xm_ring_entry(&r, 0);
			const unsigned char *p = xm_ring_body(&r, e);
			size_t k, len = sizes[got % NSIZES];
			int same = p && e->length == len && e->prio == 3;

			for (k = 0; same && k < len; k++)
				same = p[k] == pat(1, got, k);
			EXPECT_TRUE(same) TH_LOG("entry %u", got);
			xm_ring_done(&r, 1);
			got++;
		}
	}
	EXPECT_EQ(n, got);
	EXPECT_EQ(0u, bad);
	xm_txring_close(&t);
	xm_ring_close(&r);
	EXPECT_EQ(0u, pool_in_use(self->x, self->pool));
}

/* Several senders, each with its own ring, into one exchange. */
TEST_F(tx, many_senders_one_exchange)
{
	const unsigned int nsend = 3, n = 150;
	unsigned int next[3] = { 0 }, i, total = 0;
	int ready[2], go[2];
	pid_t pid[3];
	struct xm_msg m;
	uint64_t v;

	/*
	 * Every ring leases its blocks before any sends: a ring opened once
	 * the others' messages fill the pool would find none (-ENOBUFS).
	 */
	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(go));
	for (i = 0; i < nsend; i++) {
		pid[i] = fork();
		ASSERT_LE(0, pid[i]);
		if (!pid[i]) {
			unsigned int s, bad = 0;
			struct xm_txring t;
			struct xm *c = child_txring(self->pname, self->xname,
						    16, 8, &t);

			xt_put(ready[1], 1);
			CHILD_CHECK(!xt_get(go[0], &v), 17);
			for (s = 0; s < n; s++) {
				CHILD_CHECK(!post_one(&t, 2 + i, s, 64, 0), 13);
				CHILD_CHECK(!xm_txring_flush(&t), 14);
				reap_all(&t, &bad);
			}
			while (t.hdr->send_consumer != t.send_prod) {
				CHILD_CHECK(!xm_txring_kick(&t, NULL, NULL), 15);
				reap_all(&t, &bad);
			}
			reap_all(&t, &bad);
			CHILD_CHECK(bad == 0, 16);
			xm_txring_close(&t);
			xm_close(c);
			_exit(0);
		}
	}
	for (i = 0; i < nsend; i++)
		ASSERT_EQ(0, xt_get(ready[0], &v));
	for (i = 0; i < nsend; i++)
		ASSERT_EQ(0, xt_put(go[1], 1));
	while (total < nsend * n) {
		ASSERT_EQ(0, xm_recv(self->x, self->xchg, RECV_NS, 0, &m))
			TH_LOG("after %u messages", total);
		for (i = 0; i < nsend; i++)
			if (body_is(&m, 2 + i, next[i], 64))
				break;
		ASSERT_GT(nsend, i) TH_LOG("a message out of order");
		next[i]++;
		total++;
		EXPECT_EQ(0, xm_msg_rel(self->x, m.handle));
	}
	for (i = 0; i < nsend; i++) {
		EXPECT_EQ(0, xt_wait(pid[i]));
		EXPECT_EQ(n, next[i]);
	}
	EXPECT_EQ(0u, pool_in_use(self->x, self->pool));
	close(ready[0]);
	close(ready[1]);
	close(go[0]);
	close(go[1]);
}

/* Post a raw descriptor. */
static void post_raw(struct xm_txring *t, uint64_t off, uint32_t len,
		     uint16_t prio, uint16_t flags)
{
	struct xmsg_txring_desc *d = &t->send[t->send_prod & t->mask];

	d->offset = off;
	d->len = len;
	d->prio = prio;
	d->flags = flags;
	t->send_prod++;
	__atomic_store_n(&t->hdr->send_producer, t->send_prod,
			 __ATOMIC_RELEASE);
}

TEST_F(tx, garbage_refused_counted_block_still_usable)
{
	struct xm_txring a, b;
	struct xmsg_txring_comp c[16];
	uint64_t off[2];
	uint32_t sent = 99, refused = 99;
	struct xm_msg m;
	unsigned int n;
	char *pa, *pb;

	ASSERT_EQ(0, xm_txring_open(self->x, self->xchg, self->pool, 16, 4,
				    &a));
	ASSERT_EQ(0, xm_txring_open(self->x, self->xchg, self->pool, 16, 4,
				    &b));
	pa = xm_txring_block(&a, &off[0]);
	pb = xm_txring_block(&b, &off[1]);
	ASSERT_NE(NULL, pa);
	ASSERT_NE(NULL, pb);
	memset(pa, 'A', BS);
	post_raw(&a, (uint64_t)NBLK * BS, 8, 0, 0);	/* beyond the pool */
	post_raw(&a, ~0ULL, 8, 0, 0);			/* far beyond */
	post_raw(&a, off[0] + 1, 8, 0, 0);			/* not a block start */
	post_raw(&a, off[1], 8, 0, 0);			/* b's block */
	post_raw(&a, off[0], 0, 0, 0);			/* len 0 */
	post_raw(&a, off[0], BS + 1, 0, 0);			/* len too long */
	post_raw(&a, off[0], 8, XMSG_MSG_PRIO_MAX + 1, 0);	/* prio */
	post_raw(&a, off[0], 8, 0, 1);			/* flags */
	post_raw(&a, off[0], 8, 5, 0);			/* good */
	post_raw(&a, off[0], 8, 5, 0);			/* the same again */
	ASSERT_EQ(0, xm_txring_kick(&a, &sent, &refused));
	EXPECT_EQ(1u, sent);
	EXPECT_EQ(9u, refused);
	n = xm_txring_reap(&a, c, 16);
	ASSERT_EQ(10u, n);
	EXPECT_EQ(-ERANGE, c[0].err);
	EXPECT_EQ(-ERANGE, c[1].err);
	EXPECT_EQ(-EINVAL, c[2].err);
	EXPECT_EQ(-EBADF, c[3].err);
	EXPECT_EQ(-EMSGSIZE, c[4].err);
	EXPECT_EQ(-EMSGSIZE, c[5].err);
	EXPECT_EQ(-EINVAL, c[6].err);
	EXPECT_EQ(-EINVAL, c[7].err);
	EXPECT_EQ(0, c[8].err);
	EXPECT_EQ(off[0], c[8].offset);
	EXPECT_EQ(-EBADF, c[9].err) TH_LOG("a double post");
	EXPECT_EQ(2u, a.hdr->refused[XMSG_TXRING_REFUSED_RANGE]);
	EXPECT_EQ(1u, a.hdr->refused[XMSG_TXRING_REFUSED_ALIGN]);
	EXPECT_EQ(2u, a.hdr->refused[XMSG_TXRING_REFUSED_LEASE]);
	EXPECT_EQ(2u, a.hdr->refused[XMSG_TXRING_REFUSED_LEN]);
	EXPECT_EQ(1u, a.hdr->refused[XMSG_TXRING_REFUSED_PRIO]);
	EXPECT_EQ(1u, a.hdr->refused[XMSG_TXRING_REFUSED_FLAGS]);
	EXPECT_EQ(0u, a.hdr->refused[XMSG_TXRING_REFUSED_SEND]);
	/* the counts are the kernel's: scribbling on them changes nothing */
	a.hdr->refused[XMSG_TXRING_REFUSED_RANGE] = 1000;
	post_raw(&a, ~0ULL, 8, 0, 0);
	ASSERT_EQ(0, xm_txring_kick(&a, NULL, NULL));
	EXPECT_EQ(3u, a.hdr->refused[XMSG_TXRING_REFUSED_RANGE]);
	xm_txring_reap(&a, c, 16);
	/* the one good descriptor arrived, 8 bytes of 'A' at priority 5 */
	ASSERT_EQ(0, xm_recv(self->x, self->xchg, XM_NOWAIT, 0, &m));
	EXPECT_EQ(8u, m.length);
	EXPECT_EQ(5u, m.prio);
	EXPECT_EQ(0, memcmp(m.body, "AAAAAAAA", 8));
	EXPECT_EQ(0, xm_msg_rel(self->x, m.handle));
	EXPECT_EQ(-EAGAIN, xm_recv(self->x, self->xchg, XM_NOWAIT, 0, &m));
	/* b's block, refused by a, is still b's to send */
	memcpy(pb, "bee", 3);
	ASSERT_EQ(0, xm_txring_post(&b, off[1], 3, 1));
	ASSERT_EQ(0, xm_txring_kick(&b, &sent, &refused));
	EXPECT_EQ(1u, sent);
	EXPECT_EQ(0u, refused);
	ASSERT_EQ(0, xm_recv(self->x, self->xchg, XM_NOWAIT, 0, &m));
	EXPECT_EQ(0, memcmp(m.body, "bee", 3));
	EXPECT_EQ(0, xm_msg_rel(self->x, m.handle));
	/* a garbage producer index is ignored */
	a.hdr->send_producer = a.send_prod + 1000;
	ASSERT_EQ(0, xm_txring_kick(&a, &sent, &refused));
	EXPECT_EQ(0u, sent + refused);
	a.hdr->send_producer = a.send_prod;
	xm_txring_close(&a);
	xm_txring_close(&b);
	EXPECT_EQ(0u, pool_in_use(self->x, self->pool));
}

/* A block refused for a bad length stays leased: post it again. */
TEST_F(tx, refused_block_sent_after)
{
	struct xmsg_txring_comp c[4];
	struct xm_txring t;
	struct xm_msg m;
	uint64_t off;
	char *p;

	ASSERT_EQ(0, xm_txring_open(self->x, self->xchg, self->pool, 4, 1,
				    &t));
	p = xm_txring_block(&t, &off);
	ASSERT_NE(NULL, p);
	EXPECT_EQ(NULL, xm_txring_block(&t, &off)) TH_LOG("one block only");
	post_raw(&t, off, BS + 1, 0, 0);
	ASSERT_EQ(0, xm_txring_kick(&t, NULL, NULL));
	ASSERT_EQ(1u, xm_txring_reap(&t, c, 4));
	EXPECT_EQ(-EMSGSIZE, c[0].err);
	EXPECT_EQ(NULL, xm_txring_block(&t, &off)) TH_LOG("still leased");
	memcpy(p, "again", 5);
	ASSERT_EQ(0, xm_txring_post(&t, c[0].offset, 5, 0));
	ASSERT_EQ(0, xm_txring_kick(&t, NULL, NULL));
	ASSERT_EQ(1u, xm_txring_reap(&t, c, 4));
	EXPECT_EQ(0, c[0].err);
	ASSERT_EQ(0, xm_recv(self->x, self->xchg, XM_NOWAIT, 0, &m));
	EXPECT_EQ(0, memcmp(m.body, "again", 5));
	EXPECT_EQ(0, xm_msg_rel(self->x, m.handle));
	/* a new block was leased in its place */
	EXPECT_NE(NULL, xm_txring_block(&t, &off));
	xm_txring_close(&t);
	EXPECT_EQ(0u, pool_in_use(self->x, self->pool));
}

/*
 * A send the exchange refuses still hands back the message the receive
 * ring's reader is done with (the "spare"): the ring must lease or
 * release it, not drop it, or its block never returns to the pool.
 */
TEST_F(tx, refused_send_keeps_spare)
{
	struct xmsg_txring_comp c[4];
	int xchg, other, ret = 0;
	char oname[XMSG_NAME_MAX];
	struct xm_txring t;
	struct xm_ring r;
	struct xm_msg m;
	unsigned int i;

	xchg = xm_xchg_create(self->x, "", XMSG_XCHG_KIND_NORMAL, 1, 0600, 0);
	ASSERT_LT(0, xchg);
	other = xm_pool_create(self->x, xt_name(oname, "txother"), BS, 4,
			       0600, XMSG_CREATE_EXCL);
	ASSERT_LT(0, other);
	ASSERT_EQ(0, xm_ring_open(self->x, xchg, self->pool, 64, 0, 0, &r));
	ASSERT_EQ(0, xm_txring_open(self->x, xchg, self->pool, 4, 2, &t));
	/* A goes to the receive ring */
	ASSERT_EQ(0, post_one(&t, 1, 0, 8, 0));
	ASSERT_EQ(0, xm_txring_flush(&t));
	ASSERT_EQ(1u, xm_txring_reap(&t, c, 4));
	EXPECT_EQ(0, c[0].err);
	ASSERT_EQ(1u, xm_ring_ready(&r));
	/* a message the ring cannot take fills the queue (limit 1) */
	ASSERT_EQ(0, xm_msg_get(self->x, other, &m));
	ASSERT_EQ(0, xm_send(self->x, xchg, m.handle, 0, 0, 0));
	/* the reader is done with A; B's send is refused: queue full */
	xm_ring_done(&r, 1);
	ASSERT_EQ(0, post_one(&t, 1, 1, 8, 0));
	ASSERT_EQ(0, xm_txring_flush(&t));
	ASSERT_EQ(1u, xm_txring_reap(&t, c, 4));
	EXPECT_EQ(-ENOSPC, c[0].err);
	ASSERT_EQ(0, xm_recv(self->x, xchg, XM_NOWAIT, 0, &m));
	EXPECT_EQ(0, xm_msg_rel(self->x, m.handle));
	xm_txring_close(&t);
	xm_ring_close(&r);
	for (i = 0; i < 100 && pool_in_use(self->x, self->pool); i++)
		xt_sleep_ms(10);
	EXPECT_EQ(0u, pool_in_use(self->x, self->pool));
	EXPECT_EQ(0, xm_destroy(self->x, xchg));
	ret = xm_pool_destroy(self->x, other);
	EXPECT_EQ(0, ret);
}

/* The completion ring full: descriptors wait in the send ring. */
/* Post @n messages of @who from @seq on, with no kick (enough leased). */
static int post_unkicked(struct xm_txring *t, unsigned int who,
			 unsigned int seq, unsigned int n)
{
	unsigned char *p;
	uint64_t off;
	unsigned int i;
	size_t k;

	for (i = 0; i < n; i++) {
		p = xm_txring_block(t, &off);
		if (!p)
			return -ENOBUFS;
		for (k = 0; k < 64; k++)
			p[k] = pat(who, seq + i, k);
		if (xm_txring_post(t, off, 64, 0))
			return -ENOSPC;
	}
	return 0;
}

/* Take @n entries of @who from @seq on out of @r: how many were right. */
static unsigned int ring_check(struct xm_ring *r, unsigned int who,
			       unsigned int seq, unsigned int n)
{
	unsigned int i, right = 0;
	size_t k;

	for (i = 0; i < n && xm_ring_ready(r); i++) {
		const struct xmsg_ring_entry *e = xm_ring_entry(r, 0);
		const unsigned char *p = xm_ring_body(r, e);
		int same = p && e->length == 64;

		for (k = 0; same && k < 64; k++)
			same = p[k] == pat(who, seq + i, k);
		right += same;
		xm_ring_done(r, 1);
	}
	return right;
}

static int need_wakeup(const struct xm_txring *t)
{
	return !!(__atomic_load_n(&t->hdr->flags, __ATOMIC_SEQ_CST) &
		  XMSG_TXRING_F_NEED_WAKEUP);
}

/*
 * Wait (up to 5 s) for the drain due after a pull or a spent batch: it
 * sets NEED_WAKEUP before its last look at the send producer index,
 * then ends.  Reading the ring's fdinfo takes the ring's lock, so it
 * returns after that drain has ended.  Return: 0, or -ETIMEDOUT when
 * the flag was never set.
 */
static int drain_due_done(const struct xm_txring *t)
{
	char path[64], buf[1024];
	unsigned int i;
	ssize_t n;
	int fd;

	for (i = 0; i < 500 && !need_wakeup(t); i++)
		xt_sleep_ms(10);
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", t->fd);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf));
	close(fd);
	if (n <= 0)
		return -EIO;
	return need_wakeup(t) ? 0 : -ETIMEDOUT;
}

/*
 * The receiver's poll() sends what the sender posted and never kicked;
 * the sends reuse the entries it is done with (leased again: the pool
 * holds ring + leased blocks); a drain comes later when nobody pulls.
 * When that drain comes is up to the kernel's timer (a few milliseconds,
 * perhaps the next tick), so no check below depends on the test being
 * quicker than it.
 */
TEST_F(tx, pull_by_ring_poll)
{
	unsigned int i, bad = 0;
	struct xm_txring t;
	struct xm_ring r;
	bool clear = false;

	ASSERT_EQ(0, xm_ring_open(self->x, self->xchg, self->pool, 64, 0, 0,
				  &r));
	ASSERT_EQ(0, xm_txring_open(self->x, self->xchg, self->pool, 32, 32,
				    &t));
	EXPECT_EQ(1, need_wakeup(&t));
	ASSERT_EQ(0, post_unkicked(&t, 7, 0, 16));
	EXPECT_EQ(0u, xm_ring_ready(&r)) TH_LOG("nothing kicked");
	/* the receiver's poll() pulls */
	EXPECT_EQ(1, xm_ring_wait(&r, 0));
	ASSERT_EQ(16u, xm_ring_ready(&r));
	EXPECT_EQ(16u, t.hdr->send_consumer);
	EXPECT_EQ(16u, reap_all(&t, &bad));
	EXPECT_EQ(0u, bad);
	EXPECT_EQ(16u, ring_check(&r, 7, 0, 16));
	/* the drain due after the pull finds nothing and sets the flag */
	EXPECT_EQ(0, drain_due_done(&t));
	/*
	 * The next batch, not kicked, with no drain due: only the
	 * receiver's poll() can send it, and its sends take the spent
	 * entries.
	 */
	ASSERT_EQ(0, post_unkicked(&t, 7, 16, 16));
	xt_sleep_ms(20);
	EXPECT_EQ(0u, xm_ring_ready(&r)) TH_LOG("nothing kicked");
	EXPECT_EQ(1, xm_ring_wait(&r, 0));
	ASSERT_EQ(16u, xm_ring_ready(&r));
	EXPECT_EQ(32u, pool_in_use(self->x, self->pool))
		TH_LOG("16 in the ring, 16 spares leased again");
	EXPECT_EQ(16u, ring_check(&r, 7, 16, 16));
	EXPECT_EQ(16u, reap_all(&t, &bad));
	/*
	 * That pull left the flag clear, a drain due.  Posts made while the
	 * flag is clear need no kick: nobody pulls again, the drain due
	 * sends them and sets the flag.  If it came before the posts, the
	 * flag is set and the sender kicks, as the protocol says.
	 */
	ASSERT_EQ(0, post_unkicked(&t, 7, 32, 4));
	if (need_wakeup(&t)) {
		TH_LOG("the drain due came before the posts: a kick");
		ASSERT_EQ(0, xm_txring_flush(&t));
	}
	EXPECT_EQ(0, drain_due_done(&t));
	EXPECT_EQ(4u, xm_ring_ready(&r)) TH_LOG("delivered");
	EXPECT_EQ(4u, ring_check(&r, 7, 32, 4));
	EXPECT_EQ(1, need_wakeup(&t));
	EXPECT_EQ(4u, reap_all(&t, &bad));
	EXPECT_EQ(0u, bad);
	/* a poll that finds nothing leaves the flag set */
	EXPECT_EQ(0, xm_ring_wait(&r, 0));
	EXPECT_EQ(1, need_wakeup(&t));
	/*
	 * A pull that sent something leaves the flag clear (so the sender
	 * does not kick while its receiver keeps pulling).  The drain due
	 * may set it before this looks, so one look in 20 must find it
	 * clear.
	 */
	for (i = 0; i < 20 && !clear; i++) {
		ASSERT_EQ(0, post_unkicked(&t, 7, 36 + i, 1));
		EXPECT_EQ(1, xm_ring_wait(&r, 1000));
		clear = !need_wakeup(&t);
		EXPECT_EQ(1u, ring_check(&r, 7, 36 + i, 1));
	}
	EXPECT_TRUE(clear) TH_LOG("the flag was set after each of %u pulls",
				  i);
	EXPECT_EQ(0, drain_due_done(&t));
	EXPECT_EQ(i, reap_all(&t, &bad));
	EXPECT_EQ(0u, bad);
	xm_txring_close(&t);
	xm_ring_close(&r);
	EXPECT_EQ(0u, pool_in_use(self->x, self->pool));
}

/* A receive of an empty queue sends what a send ring holds. */
TEST_F(tx, pull_by_recv)
{
	unsigned int i, bad = 0;
	struct xm_txring t;
	struct xm_msg m;

	ASSERT_EQ(0, xm_txring_open(self->x, self->xchg, self->pool, 16, 8,
				    &t));
	ASSERT_EQ(0, post_unkicked(&t, 9, 0, 5));
	for (i = 0; i < 5; i++) {
		ASSERT_EQ(0, xm_recv(self->x, self->xchg, XM_NOWAIT, 0, &m))
			TH_LOG("message %u", i);
		EXPECT_TRUE(body_is(&m, 9, i, 64)) TH_LOG("message %u", i);
		EXPECT_EQ(0, xm_msg_rel(self->x, m.handle));
	}
	EXPECT_EQ(-EAGAIN, xm_recv(self->x, self->xchg, XM_NOWAIT, 0, &m));
	/* clear while the drain due after the pulls is pending, then set */
	EXPECT_EQ(0, drain_due_done(&t)) TH_LOG("nothing more: kick");
	EXPECT_EQ(5u, reap_all(&t, &bad));
	EXPECT_EQ(0u, bad);
	/* with the flag set, a flush kicks */
	ASSERT_EQ(0, post_unkicked(&t, 9, 5, 1));
	ASSERT_EQ(0, xm_txring_flush(&t));
	ASSERT_EQ(0, xm_recv(self->x, self->xchg, RECV_NS, 0, &m));
	EXPECT_TRUE(body_is(&m, 9, 5, 64));
	EXPECT_EQ(0, xm_msg_rel(self->x, m.handle));
	xm_txring_close(&t);
	EXPECT_EQ(0u, pool_in_use(self->x, self->pool));
}

/*
 * A receiver's pull refuses nothing: garbage stays posted for the
 * sender's own kick (which refuses and counts it), and the good
 * descriptors behind it wait for that kick too.
 */
TEST_F(tx, pull_refuses_nothing)
{
	struct xm_txring t;
	unsigned int i, bad = 0;
	struct xm_msg m;
	uint32_t sent, refused;

	ASSERT_EQ(0, xm_txring_open(self->x, self->xchg, self->pool, 16, 8,
				    &t));
	for (i = 0; i < 8; i++)
		post_raw(&t, 3, 1, 0, 0);	/* misaligned */
	ASSERT_EQ(0, post_unkicked(&t, 2, 0, 1));
	EXPECT_EQ(-EAGAIN, xm_recv(self->x, self->xchg, XM_NOWAIT, 0, &m));
	EXPECT_EQ(0u, __atomic_load_n(&t.hdr->send_consumer,
				      __ATOMIC_ACQUIRE))
		TH_LOG("the receiver took none of it");
	EXPECT_EQ(0u, t.hdr->refused[XMSG_TXRING_REFUSED_ALIGN]);
	EXPECT_EQ(0u, t.hdr->comp_producer);
	EXPECT_EQ(1, need_wakeup(&t)) TH_LOG("the sender must kick");
	ASSERT_EQ(0, xm_txring_kick(&t, &sent, &refused));
	EXPECT_EQ(1u, sent);
	EXPECT_EQ(8u, refused);
	EXPECT_EQ(8u, t.hdr->refused[XMSG_TXRING_REFUSED_ALIGN]);
	EXPECT_EQ(9u, reap_all(&t, &bad));
	EXPECT_EQ(8u, bad);
	ASSERT_EQ(0, xm_recv(self->x, self->xchg, XM_NOWAIT, 0, &m));
	EXPECT_TRUE(body_is(&m, 2, 0, 64));
	EXPECT_EQ(0, xm_msg_rel(self->x, m.handle));
	xm_txring_close(&t);
	EXPECT_EQ(0u, pool_in_use(self->x, self->pool));
}

/*
 * More than a batch posted, one kick: the drain that spent its batch
 * leaves NEED_WAKEUP clear and the rest to a drain due later, so nothing
 * waits for a kick the sender was never asked for (a drain that a pull
 * started, or the one due after it, ends the same way).
 */
TEST_F(tx, batch_spent_rest_drained_later)
{
	const unsigned int n = XMSG_TXRING_BATCH_MAX + 1;
	unsigned int bad = 0, got = 0;
	char bname[XMSG_NAME_MAX];
	struct xm_txring t;
	struct xm_msg m;
	int big;

	big = xm_pool_create(self->x, xt_name(bname, "txbig"), 64, n + 8,
			     0600, XMSG_CREATE_EXCL);
	ASSERT_LT(0, big);
	ASSERT_EQ(0, xm_txring_open(self->x, self->xchg, big, 512, n, &t));
	ASSERT_EQ(0, post_unkicked(&t, 5, 0, n));
	ASSERT_EQ(0, xm_txring_flush(&t)) TH_LOG("the flag was set: a kick");
	EXPECT_EQ(0, drain_due_done(&t));
	EXPECT_EQ(n, __atomic_load_n(&t.hdr->send_consumer, __ATOMIC_ACQUIRE))
		TH_LOG("every post taken without a second kick");
	EXPECT_EQ(1, need_wakeup(&t));
	while (got < n && !xm_recv(self->x, self->xchg, XM_NOWAIT, 0, &m)) {
		EXPECT_TRUE(body_is(&m, 5, got, 64)) TH_LOG("message %u", got);
		EXPECT_EQ(0, xm_msg_rel(self->x, m.handle));
		got++;
	}
	EXPECT_EQ(n, got);
	EXPECT_EQ(n, reap_all(&t, &bad));
	EXPECT_EQ(0u, bad);
	xm_txring_close(&t);
	EXPECT_EQ(0, xm_pool_destroy(self->x, big));
}

TEST_F(tx, full_completion_ring_holds_descriptors)
{
	struct xmsg_txring_comp c[8];
	uint32_t sent, refused;
	struct xm_txring t;
	unsigned int i;

	ASSERT_EQ(0, xm_txring_open(self->x, self->xchg, self->pool, 4, 4,
				    &t));
	for (i = 0; i < 4; i++)
		post_raw(&t, ~0ULL, 1, 0, 0);
	ASSERT_EQ(0, xm_txring_kick(&t, &sent, &refused));
	EXPECT_EQ(4u, refused);
	for (i = 0; i < 4; i++)
		post_raw(&t, ~0ULL, 1, 0, 0);
	ASSERT_EQ(0, xm_txring_kick(&t, &sent, &refused));
	EXPECT_EQ(0u, sent + refused) TH_LOG("no room for completions");
	EXPECT_EQ(4u, xm_txring_reap(&t, c, 8));
	ASSERT_EQ(0, xm_txring_kick(&t, &sent, &refused));
	EXPECT_EQ(4u, refused);
	EXPECT_EQ(4u, xm_txring_reap(&t, c, 8));
	xm_txring_close(&t);
}

TEST_F(tx, close_gives_leases_back)
{
	struct xm_txring t, u;

	ASSERT_EQ(0, xm_txring_open(self->x, self->xchg, self->pool, 64, 40,
				    &t));
	EXPECT_EQ(40u, pool_in_use(self->x, self->pool));
	ASSERT_EQ(0, post_one(&t, 0, 0, 10, 0));
	ASSERT_EQ(0, post_one(&t, 0, 1, 10, 0));	/* posted, not kicked */
	xm_txring_close(&t);
	EXPECT_EQ(0u, pool_in_use(self->x, self->pool));
	/* a pool with fewer free blocks than asked: what it has */
	ASSERT_EQ(0, xm_txring_open(self->x, self->xchg, self->pool, 128,
				    128, &t));
	EXPECT_EQ((uint64_t)NBLK, pool_in_use(self->x, self->pool));
	EXPECT_EQ(-ENOBUFS, xm_txring_open(self->x, self->xchg, self->pool,
					   4, 4, &u));
	xm_txring_close(&t);
	EXPECT_EQ(0u, pool_in_use(self->x, self->pool));
}

TEST_F(tx, killed_sender_mid_stream)
{
	unsigned int got = 0;
	struct xm_msg m;
	int go[2];
	uint64_t v;
	pid_t pid;

	ASSERT_EQ(0, pipe(go));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		unsigned int s, bad = 0;
		struct xm_txring t;

		child_txring(self->pname, self->xname, 32, 16, &t);
		xt_put(go[1], 1);
		for (s = 0;; s++) {
			CHILD_CHECK(!post_one(&t, 9, s, 32, 0), 13);
			CHILD_CHECK(!xm_txring_flush(&t), 14);
			reap_all(&t, &bad);
		}
	}
	ASSERT_EQ(0, xt_get(go[0], &v));
	while (got < 50) {
		ASSERT_EQ(0, xm_recv(self->x, self->xchg, RECV_NS, 0, &m));
		EXPECT_TRUE(body_is(&m, 9, got, 32));
		EXPECT_EQ(0, xm_msg_rel(self->x, m.handle));
		got++;
	}
	kill(pid, SIGKILL);
	EXPECT_EQ(1000 + SIGKILL, xt_wait(pid));
	/* what it sent before it died is still there, in order */
	while (!xm_recv(self->x, self->xchg, XM_NOWAIT, 0, &m)) {
		EXPECT_TRUE(body_is(&m, 9, got, 32));
		EXPECT_EQ(0, xm_msg_rel(self->x, m.handle));
		got++;
	}
	TH_LOG("%u messages received", got);
	EXPECT_EQ(0u, pool_in_use(self->x, self->pool))
		TH_LOG("every leased block went back");
	close(go[0]);
	close(go[1]);
}

TEST_F(tx, killed_receiver)
{
	struct xm_txring t;
	unsigned int i, bad = 0;
	int go[2];
	uint64_t v;
	pid_t pid;

	ASSERT_EQ(0, pipe(go));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct xm_ring r;
		struct xm *c;
		int cx, cp;

		CHILD_CHECK(!xm_open(&c, NULL), 10);
		cx = xm_xchg_open(c, self->xname, XMSG_ACC_READ);
		cp = xm_pool_open(c, self->pname, XMSG_ACC_READ);
		CHILD_CHECK(cx > 0 && cp > 0, 11);
		CHILD_CHECK(!xm_ring_open(c, cx, cp, 16, 0, 0, &r), 12);
		xt_put(go[1], 1);
		pause();
		_exit(0);
	}
	ASSERT_EQ(0, xt_get(go[0], &v));
	ASSERT_EQ(0, xm_txring_open(self->x, self->xchg, self->pool, 16, 8,
				    &t));
	for (i = 0; i < 12; i++) {
		ASSERT_EQ(0, post_one(&t, 4, i, 50, 0));
		ASSERT_EQ(0, xm_txring_flush(&t));
	}
	ASSERT_EQ(0, xm_txring_kick(&t, NULL, NULL));
	EXPECT_EQ(12u, reap_all(&t, &bad));
	EXPECT_EQ(0u, bad);
	EXPECT_EQ(12u + 8u, pool_in_use(self->x, self->pool))
		TH_LOG("12 in the receiver's ring, 8 leased");
	kill(pid, SIGKILL);
	EXPECT_EQ(1000 + SIGKILL, xt_wait(pid));
	EXPECT_EQ(8u, pool_in_use(self->x, self->pool));
	xm_txring_close(&t);
	EXPECT_EQ(0u, pool_in_use(self->x, self->pool));
	close(go[0]);
	close(go[1]);
}

TEST_F(tx, fdinfo)
{
	struct xm_txring t;
	char path[64], buf[1024];
	ssize_t n;
	int fd;

	ASSERT_EQ(0, xm_txring_open(self->x, self->xchg, self->pool, 8, 2,
				    &t));
	ASSERT_EQ(0, post_one(&t, 0, 0, 5, 0));
	post_raw(&t, 3, 1, 0, 0);
	ASSERT_EQ(0, xm_txring_kick(&t, NULL, NULL));
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", t.fd);
	fd = open(path, O_RDONLY);
	ASSERT_LE(0, fd);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	ASSERT_LT(0, n);
	buf[n] = 0;
	EXPECT_NE(NULL, strstr(buf, "xchg:\t"));
	EXPECT_NE(NULL, strstr(buf, self->xname));
	EXPECT_NE(NULL, strstr(buf, self->pname));
	EXPECT_NE(NULL, strstr(buf, "leased:\t2\n"));
	EXPECT_NE(NULL, strstr(buf, "sent:\t1\n"));
	EXPECT_NE(NULL, strstr(buf, "refused:\t0 1 0 0 0 0 0 0\n"));
	xm_txring_close(&t);
}

static int txring_setup(struct xm *x, uint32_t xchg, uint32_t pool,
			uint32_t entries, uint32_t blocks,
			struct xmsg_txring_setup *ts)
{
	memset(ts, 0, sizeof(*ts));
	ts->size = sizeof(*ts);
	ts->xchg = xchg;
	ts->pool = pool;
	ts->entries = entries;
	ts->blocks = blocks;
	return ioctl(xm_fd(x), XMSG_IOC_TXRING, ts) ? -errno : 0;
}

TEST_F(tx, rights)
{
	struct xmsg_txring_setup ts;
	int xr, pr, pw;

	xr = xm_xchg_open(self->x, self->xname, XMSG_ACC_READ);
	pr = xm_pool_open(self->x, self->pname, XMSG_ACC_READ);
	pw = xm_pool_open(self->x, self->pname, XMSG_ACC_WRITE);
	ASSERT_LT(0, xr);
	ASSERT_LT(0, pr);
	ASSERT_LT(0, pw);
	EXPECT_EQ(-EACCES, txring_setup(self->x, xr, self->pool, 4, 1, &ts))
		TH_LOG("no write right on the exchange");
	EXPECT_EQ(-EACCES, txring_setup(self->x, self->xchg, pr, 4, 1, &ts));
	EXPECT_EQ(-EACCES, txring_setup(self->x, self->xchg, pw, 4, 1, &ts));
	EXPECT_EQ(0u, pool_in_use(self->x, self->pool));
	/* as another user, through the device's own permission checks */
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (!pid) {
		struct xm *x = xt_become_nobody(self->x);
		struct xm_txring t;

		CHILD_CHECK(xm_xchg_open(x, self->xname, XMSG_ACC_WRITE) ==
			    -EACCES, 1);
		CHILD_CHECK(xm_txring_open(x, 1, 2, 4, 1, &t) < 0, 2);
		xm_close(x);
		_exit(0);
	}
	EXPECT_EQ(0, xt_wait(pid));
}

TEST_F(tx, errors)
{
	struct xmsg_txring_setup ts;
	struct xmsg_txring_kick tk;
	char bname[XMSG_NAME_MAX];
	struct xm_ring r;
	int bx, fd;

	EXPECT_EQ(-EINVAL, txring_setup(self->x, self->xchg, self->pool, 3, 1,
					&ts));
	EXPECT_EQ(-EINVAL, txring_setup(self->x, self->xchg, self->pool, 0, 0,
					&ts));
	EXPECT_EQ(-EINVAL, txring_setup(self->x, self->xchg, self->pool, 4, 0,
					&ts));
	EXPECT_EQ(-EINVAL, txring_setup(self->x, self->xchg, self->pool, 4, 5,
					&ts));
	EXPECT_EQ(-EINVAL, txring_setup(self->x, self->xchg, self->pool,
					XMSG_TXRING_ENTRIES_MAX * 2, 1, &ts));
	EXPECT_EQ(-EINVAL, txring_setup(self->x, self->pool, self->xchg, 4, 1,
					&ts)) TH_LOG("handles swapped");
	EXPECT_EQ(-EBADF, txring_setup(self->x, 999, self->pool, 4, 1, &ts));
	memset(&ts, 0, sizeof(ts));
	ts.size = sizeof(ts);
	ts.xchg = self->xchg;
	ts.pool = self->pool;
	ts.entries = 4;
	ts.blocks = 1;
	ts.reserved[1] = 1;
	EXPECT_EQ(-1, ioctl(xm_fd(self->x), XMSG_IOC_TXRING, &ts));
	EXPECT_EQ(EINVAL, errno);
	ts.reserved[1] = 0;
	ts.flags = 2;
	EXPECT_EQ(-1, ioctl(xm_fd(self->x), XMSG_IOC_TXRING, &ts));
	EXPECT_EQ(EINVAL, errno);
	bx = xm_xchg_create(self->x, xt_name(bname, "txbc"),
			    XMSG_XCHG_KIND_BCAST, 0, 0600, XMSG_CREATE_EXCL);
	ASSERT_LT(0, bx);
	EXPECT_EQ(-EINVAL, txring_setup(self->x, bx, self->pool, 4, 1, &ts))
		TH_LOG("a broadcast exchange");
	EXPECT_EQ(0, xm_destroy(self->x, bx));
	EXPECT_EQ(0u, pool_in_use(self->x, self->pool));

	/* kicks: only a send ring's fd, reserved fields 0 */
	memset(&tk, 0, sizeof(tk));
	tk.size = sizeof(tk);
	tk.ring_fd = -1;
	EXPECT_EQ(-1, ioctl(xm_fd(self->x), XMSG_IOC_TXRING_KICK, &tk));
	EXPECT_EQ(EBADF, errno);
	ASSERT_EQ(0, xm_ring_open(self->x, self->xchg, self->pool, 4, 0, 0,
				  &r));
	tk.ring_fd = r.fd;
	EXPECT_EQ(-1, ioctl(xm_fd(self->x), XMSG_IOC_TXRING_KICK, &tk));
	EXPECT_EQ(EBADF, errno) TH_LOG("a receive ring is no send ring");
	xm_ring_close(&r);
	fd = open("/dev/null", O_RDONLY);
	tk.ring_fd = fd;
	EXPECT_EQ(-1, ioctl(xm_fd(self->x), XMSG_IOC_TXRING_KICK, &tk));
	EXPECT_EQ(EBADF, errno);
	close(fd);
	ASSERT_EQ(0, txring_setup(self->x, self->xchg, self->pool, 4, 1, &ts));
	EXPECT_EQ((uint64_t)sysconf(_SC_PAGESIZE), ts.map_size);
	EXPECT_EQ((uint64_t)XMSG_TXRING_SEND_OFFSET, ts.send_offset);
	EXPECT_EQ(ts.send_offset + 4 * 16, ts.comp_offset);
	EXPECT_EQ(ts.comp_offset + 4 * 16, ts.fill_offset);
	tk.ring_fd = ts.fd;
	tk.pad = 1;
	EXPECT_EQ(-1, ioctl(xm_fd(self->x), XMSG_IOC_TXRING_KICK, &tk));
	EXPECT_EQ(EINVAL, errno);
	tk.pad = 0;
	EXPECT_EQ(0, ioctl(xm_fd(self->x), XMSG_IOC_TXRING_KICK, &tk));
	/* a private or offset mapping is refused */
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, ts.fd,
				   0));
	close(ts.fd);
	EXPECT_EQ(0u, pool_in_use(self->x, self->pool));
}

/* The exchange destroyed: sends complete -EIDRM, the ring says DEAD. */
TEST_F(tx, exchange_destroyed)
{
	struct xmsg_txring_comp c[2];
	struct xm_txring t;

	ASSERT_EQ(0, xm_txring_open(self->x, self->xchg, self->pool, 4, 2,
				    &t));
	ASSERT_EQ(0, xm_destroy(self->x, self->xchg));
	ASSERT_EQ(0, post_one(&t, 0, 0, 4, 0));
	ASSERT_EQ(0, xm_txring_kick(&t, NULL, NULL));
	ASSERT_EQ(1u, xm_txring_reap(&t, c, 2));
	EXPECT_EQ(-EIDRM, c[0].err);
	EXPECT_NE(0u, t.hdr->flags & XMSG_TXRING_F_DEAD);
	EXPECT_EQ(1u, t.hdr->refused[XMSG_TXRING_REFUSED_SEND]);
	xm_txring_close(&t);
	EXPECT_EQ(0u, pool_in_use(self->x, self->pool));
}

TEST_HARNESS_MAIN
