// SPDX-License-Identifier: BSD-2-Clause
// Copyright (c) 2026 the xmsg contributors
/*
 * broadcast: a broadcast protocol across processes, interlocked by a
 * threshold semaphore and a gate.
 *
 * A master posts one message at a broadcast exchange.  Every slave gets a
 * proxy of the same body (no copy), reads it, releases the proxy, signals
 * the threshold semaphore "done" and waits at the gate semaphore "gate".
 * The threshold of "done" is the number of slaves, so the master, waiting
 * there, wakes once all slaves are done with the round.  It then changes
 * the body in place, resends it (a new broadcast generation) and opens the
 * gate: every slave comes back for the next round.  No slave may miss or
 * see a round twice.
 *
 * A gate signal with no waiter is lost, so a slave signals "done" and
 * waits at the gate in one step (xm_sem_signal_wait()): it waits at the
 * gate before the master can see its signal, and the master, once
 * released by "done", opens the gate at once.
 *
 * usage: broadcast [SLAVES [ROUNDS]]       (default 3 slaves, 4 rounds)
 * Exits 0 if every slave saw every round exactly once, in order.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "libxmsg.h"

#define BLOCK		128
#define MAX_ROUNDS	64

static char pool_name[XMSG_NAME_MAX], xchg_name[XMSG_NAME_MAX];
static char done_name[XMSG_NAME_MAX], gate_name[XMSG_NAME_MAX];

#define CHECK(expr) ({						\
	int __r = (expr);					\
	if (__r < 0) {						\
		fprintf(stderr, "[%d] %s:%d: %s: %s\n",		\
			(int)getpid(), __FILE__, __LINE__,	\
			#expr, strerror(-__r));			\
		exit(1);					\
	}							\
	__r; })

static struct xm *ctx(void)
{
	struct xm *x;

	CHECK(xm_open(&x, NULL));
	return x;
}

static void write_round(char *body, size_t len, int round)
{
	snprintf(body, len, "round %d: the master's news #%d", round,
		 round * 7 + 1);
}

static int slave(int id, int rounds)
{
	struct xm *x = ctx();
	int xchg = CHECK(xm_xchg_open(x, xchg_name, XMSG_ACC_READ));
	int done = CHECK(xm_sem_open(x, done_name, XMSG_ACC_WRITE));
	int gate = CHECK(xm_sem_open(x, gate_name, XMSG_ACC_READ));
	int seen[MAX_ROUNDS], n = 0, r, bad = 0, i;
	struct xm_msg m = { 0 };
	char want[BLOCK], line[512];
	size_t off;

	CHECK(xm_pool_open(x, pool_name, XMSG_ACC_READ));
	for (r = 0; r < rounds; r++) {
		/* only a generation newer than the last one seen */
		CHECK(xm_recv(x, xchg, XM_MS(20000), XMSG_RECV_NEWER, &m));
		if (!m.body || sscanf(m.body, "round %d", &seen[n]) != 1) {
			fprintf(stderr, "slave %d: unreadable body\n", id);
			return 1;
		}
		write_round(want, sizeof(want), seen[n]);
		if (strcmp(m.body, want))
			bad = 1;
		n++;
		CHECK(xm_msg_rel(x, m.handle));	/* the proxy */
		if (r + 1 < rounds)	/* at the gate before "done" counts us */
			CHECK(xm_sem_signal_wait(x, done, gate, XM_MS(20000),
						 0, NULL));
		else
			CHECK(xm_sem_signal(x, done, 0));
	}
	off = snprintf(line, sizeof(line), "slave %d saw rounds:", id);
	for (i = 0; i < n; i++) {
		off += snprintf(line + off, sizeof(line) - off, " %d",
				seen[i]);
		if (seen[i] != i)
			bad = 1;
	}
	printf("%s%s\n", line, bad ? "  <-- WRONG" : "  (each once, in order)");
	fflush(stdout);
	xm_close(x);
	return bad;
}

static int master(struct xm *x, int pool, int xchg, int done, int gate,
		  int slaves, int rounds)
{
	struct xmsg_info in;
	struct xm_msg m;
	int r;

	CHECK(xm_msg_get(x, pool, &m));
	for (r = 0; r < rounds; r++) {
		write_round(m.body, m.length, r);
		/* the master stays the owner of the posted message */
		CHECK(xm_send(x, xchg, m.handle, 0, 0, 0));
		CHECK(xm_info(x, xchg, &in));
		printf("master: posted \"%s\" (generation %llu)\n",
		       (char *)m.body, (unsigned long long)in.u.xchg.gen);
		fflush(stdout);
		CHECK(xm_sem_wait(x, done, XM_MS(20000)));
		printf("master: \"done\" reached %d: every slave has round %d\n",
		       slaves, r);
		fflush(stdout);
		if (r + 1 < rounds) {
			/* every slave waits at the gate already */
			CHECK(xm_info(x, gate, &in));
			if (in.u.sem.waiters != (uint32_t)slaves) {
				fprintf(stderr, "master: %u of %d slaves at "
					"the gate\n", in.u.sem.waiters, slaves);
				return 1;
			}
			/* the body may change now: nobody looks at it */
			write_round(m.body, m.length, r + 1);
			CHECK(xm_sem_signal(x, gate, 0));
		}
	}
	CHECK(xm_bcast_clear(x, xchg));
	CHECK(xm_msg_rel(x, m.handle));
	return 0;
}

int main(int argc, char **argv)
{
	int slaves = argc > 1 ? atoi(argv[1]) : 3;
	int rounds = argc > 2 ? atoi(argv[2]) : 4;
	int pool, xchg, done, gate, i, st, bad = 0;
	struct xmsg_pool_info pi;
	struct xm *x;

	if (slaves < 1 || rounds < 1 || rounds > MAX_ROUNDS) {
		fprintf(stderr, "usage: broadcast [SLAVES [ROUNDS<=%d]]\n",
			MAX_ROUNDS);
		return 2;
	}
	snprintf(pool_name, sizeof(pool_name), "bc%d.pool", (int)getpid());
	snprintf(xchg_name, sizeof(xchg_name), "bc%d.news", (int)getpid());
	snprintf(done_name, sizeof(done_name), "bc%d.done", (int)getpid());
	snprintf(gate_name, sizeof(gate_name), "bc%d.gate", (int)getpid());
	x = ctx();
	pool = CHECK(xm_pool_create(x, pool_name, BLOCK, 4, 0600,
				    XMSG_CREATE_EXCL));
	xchg = CHECK(xm_xchg_create(x, xchg_name, XMSG_XCHG_KIND_BCAST, 0,
				    0600, XMSG_CREATE_EXCL));
	done = CHECK(xm_sem_create(x, done_name, XMSG_SEM_KIND_THRESHOLD, 0,
				   slaves, 0600, XMSG_CREATE_EXCL));
	gate = CHECK(xm_sem_create(x, gate_name, XMSG_SEM_KIND_GATE, 0, 0,
				   0600, XMSG_CREATE_EXCL));
	printf("broadcast: master %d, %d slaves, %d rounds; \"done\" threshold"
	       " %d, \"gate\" gate\n", (int)getpid(), slaves, rounds, slaves);
	fflush(stdout);
	for (i = 0; i < slaves; i++)
		if (fork() == 0)
			_exit(slave(i, rounds));
	bad = master(x, pool, xchg, done, gate, slaves, rounds);
	for (i = 0; i < slaves; i++) {
		if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
			bad = 1;
	}
	CHECK(xm_pool_info(x, pool, &pi));
	printf("broadcast: pool free %llu of %llu after the run\n",
	       (unsigned long long)pi.free, (unsigned long long)pi.count);
	if (pi.free != pi.count)
		bad = 1;
	CHECK(xm_destroy(x, gate));
	CHECK(xm_destroy(x, done));
	CHECK(xm_destroy(x, xchg));
	CHECK(xm_pool_destroy(x, pool));
	xm_close(x);
	printf("broadcast: %s\n", bad ? "FAILED" : "ok");
	return bad;
}
