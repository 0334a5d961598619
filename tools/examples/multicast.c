// SPDX-License-Identifier: BSD-2-Clause
// Copyright (c) 2026 the xmsg contributors
/*
 * multicast: distributed message assembly with proxies, across processes.
 *
 * The client gets one empty message and makes three proxies of it, one per
 * slice (a header and two data sections).  It sends each proxy to its own
 * server exchange with an anonymous threshold semaphore (threshold 3) as
 * the reply handle.  Each server process fills its slice in place, signals
 * the client through the reply handle and releases its proxy.  When the
 * threshold is reached the client checks the assembled body and sends the
 * real message on to an output exchange, where a sink process receives it
 * and prints it.  Nothing is copied: all five processes touch one block.
 *
 * usage: multicast [ROUNDS]          (default 3)
 * Exits 0 if every assembled message was complete and correct.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "libxmsg.h"

#define NSERV	3
#define SLICE	64
#define BLOCK	(NSERV * SLICE)

static const char *const role[NSERV] = { "header", "temperature",
					 "pressure" };
static char pool_name[XMSG_NAME_MAX], out_name[XMSG_NAME_MAX];
static char serv_name[NSERV][XMSG_NAME_MAX];

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

/* What server @s writes into its slice in round @r. */
static void slice_text(char *buf, int s, int r)
{
	memset(buf, 0, SLICE);
	if (s == 0)
		snprintf(buf, SLICE, "HDR round=%d len=%d", r, BLOCK);
	else
		snprintf(buf, SLICE, "%s=%d.%d", role[s],
			 s == 1 ? 20 + r : 1000 + r, s * 3 + r);
}

static int check_body(const char *body, int r)
{
	char want[SLICE];
	int s;

	for (s = 0; s < NSERV; s++) {
		slice_text(want, s, r);
		if (memcmp(body + s * SLICE, want, SLICE))
			return -1;
	}
	return 0;
}

static int server(int s, int rounds)
{
	struct xm *x = ctx();
	int xchg = CHECK(xm_xchg_open(x, serv_name[s], XMSG_ACC_READ));
	struct xm_msg m = { 0 };
	int r, round;

	CHECK(xm_pool_open(x, pool_name, XMSG_ACC_RDWR));
	for (r = 0; r < rounds; r++) {
		CHECK(xm_recv(x, xchg, XM_MS(20000), 0, &m));
		if (!m.body || m.length != SLICE || !m.reply ||
		    !(m.flags & XMSG_MSGF_PROXY)) {
			fprintf(stderr, "server %d: bad proxy (len %llu)\n", s,
				(unsigned long long)m.length);
			return 1;
		}
		round = m.prio;	/* the client sends round r at priority r */
		slice_text(m.body, s, round);
		printf("  server %-11s filled its %d-byte slice in place "
		       "(pool offset %llu)\n", role[s], SLICE,
		       (unsigned long long)m.offset);
		fflush(stdout);
		/* signal the client's threshold semaphore, drop the reply handle */
		CHECK(xm_sem_signal(x, m.reply, XMSG_SEM_CLOSE));
		CHECK(xm_msg_rel(x, m.handle));
	}
	xm_close(x);
	return 0;
}

static int sink(int rounds)
{
	struct xm *x = ctx();
	int xchg = CHECK(xm_xchg_open(x, out_name, XMSG_ACC_READ));
	struct xm_msg m = { 0 };
	int r, s, bad = 0;

	CHECK(xm_pool_open(x, pool_name, XMSG_ACC_READ));
	for (r = 0; r < rounds; r++) {
		CHECK(xm_recv(x, xchg, XM_MS(20000), 0, &m));
		if (!m.body || m.length != BLOCK || check_body(m.body, r)) {
			fprintf(stderr, "sink: round %d: wrong message\n", r);
			bad = 1;
		}
		printf("  sink got round %d:", r);
		for (s = 0; s < NSERV; s++)
			printf(" [%.*s]", SLICE, (char *)m.body + s * SLICE);
		printf("\n");
		fflush(stdout);
		CHECK(xm_msg_rel(x, m.handle));
	}
	xm_close(x);
	return bad;
}

static int client(struct xm *x, int pool, int rounds)
{
	int serv[NSERV], out, done, r, s, bad = 0;
	struct xm_msg m, p;

	for (s = 0; s < NSERV; s++)
		serv[s] = CHECK(xm_xchg_open(x, serv_name[s], XMSG_ACC_WRITE));
	out = CHECK(xm_xchg_open(x, out_name, XMSG_ACC_WRITE));
	done = CHECK(xm_sem_create(x, NULL, XMSG_SEM_KIND_THRESHOLD, 0, NSERV,
				   0600, 0));
	for (r = 0; r < rounds; r++) {
		CHECK(xm_msg_get(x, pool, &m));
		memset(m.body, '?', m.length);
		printf("client: round %d: message of %llu bytes, %d proxies\n",
		       r, (unsigned long long)m.length, NSERV);
		fflush(stdout);
		for (s = 0; s < NSERV; s++) {
			CHECK(xm_msg_proxy(x, m.handle, s * SLICE, SLICE, &p));
			CHECK(xm_send(x, serv[s], p.handle, r, done, 0));
		}
		CHECK(xm_sem_wait(x, done, XM_MS(20000)));
		if (check_body(m.body, r)) {
			fprintf(stderr, "client: round %d: assembly wrong\n",
				r);
			bad = 1;
		}
		printf("client: round %d: %d servers signalled, body assembled "
		       "%s; sending it on\n", r, NSERV,
		       bad ? "WRONG" : "correctly");
		fflush(stdout);
		CHECK(xm_send(x, out, m.handle, 0, 0, 0));
	}
	return bad;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 3;
	int pool, out, serv[NSERV], i, st, bad;
	struct xmsg_pool_info pi;
	struct xm *x;

	if (rounds < 1 || rounds > XMSG_MSG_PRIO_MAX) {
		fprintf(stderr, "usage: multicast [ROUNDS<=%d]\n",
			XMSG_MSG_PRIO_MAX);
		return 2;
	}
	snprintf(pool_name, sizeof(pool_name), "mc%d.pool", (int)getpid());
	snprintf(out_name, sizeof(out_name), "mc%d.out", (int)getpid());
	for (i = 0; i < NSERV; i++)
		snprintf(serv_name[i], XMSG_NAME_MAX, "mc%d.%s", (int)getpid(),
			 role[i]);
	x = ctx();
	pool = CHECK(xm_pool_create(x, pool_name, BLOCK, rounds + 1, 0600,
				    XMSG_CREATE_EXCL));
	out = CHECK(xm_xchg_create(x, out_name, XMSG_XCHG_KIND_NORMAL, 0,
				   0600, XMSG_CREATE_EXCL));
	for (i = 0; i < NSERV; i++)
		serv[i] = CHECK(xm_xchg_create(x, serv_name[i],
					       XMSG_XCHG_KIND_NORMAL, 0, 0600,
					       XMSG_CREATE_EXCL));
	printf("multicast: client %d, servers for header/temperature/pressure,"
	       " %d rounds\n", (int)getpid(), rounds);
	fflush(stdout);
	for (i = 0; i < NSERV; i++)
		if (fork() == 0)
			_exit(server(i, rounds));
	if (fork() == 0)
		_exit(sink(rounds));
	bad = client(x, pool, rounds);
	for (i = 0; i < NSERV + 1; i++)
		if (wait(&st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
			bad = 1;
	CHECK(xm_pool_info(x, pool, &pi));
	printf("multicast: pool free %llu of %llu after the run\n",
	       (unsigned long long)pi.free, (unsigned long long)pi.count);
	if (pi.free != pi.count)
		bad = 1;
	for (i = 0; i < NSERV; i++)
		CHECK(xm_destroy(x, serv[i]));
	CHECK(xm_destroy(x, out));
	CHECK(xm_pool_destroy(x, pool));
	xm_close(x);
	printf("multicast: %s\n", bad ? "FAILED" : "ok");
	return bad;
}
