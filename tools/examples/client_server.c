// SPDX-License-Identifier: BSD-2-Clause
// Copyright (c) 2026 the xmsg contributors
/*
 * client_server: a server process and client processes meet at a normal
 * exchange.  Each client sends a request with XMSG_IOC_CALL (send + receive
 * in one system call), naming its own anonymous exchange as the reply
 * handle.  The server turns the request body into the answer in place (no
 * copy) and sends the same message back through the reply handle.
 *
 * usage: client_server [CLIENTS [ROUNDS]]     (default 2 clients, 5 rounds)
 * Exits 0 if every answer was right, 1 otherwise.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "libxmsg.h"

#define BLOCK	256

static char pool_name[XMSG_NAME_MAX], xchg_name[XMSG_NAME_MAX];

#define CHECK(expr) ({						\
	int __r = (expr);					\
	if (__r < 0) {						\
		fprintf(stderr, "%s:%d: %s: %s\n", __FILE__,	\
			__LINE__, #expr, strerror(-__r));	\
		exit(1);					\
	}							\
	__r; })

static struct xm *ctx(void)
{
	struct xm *x;

	CHECK(xm_open(&x, NULL));
	return x;
}

/* Answer = the request upper-cased, with " -> served" appended, in place. */
static void serve(char *body, size_t len)
{
	size_t i, n = strnlen(body, len);

	for (i = 0; i < n; i++)
		body[i] = toupper((unsigned char)body[i]);
	snprintf(body + n, len - n, " -> served by %d", (int)getpid());
}

static int server(int requests)
{
	struct xm *x = ctx();
	int pool = CHECK(xm_pool_open(x, pool_name, XMSG_ACC_RDWR));
	int xchg = CHECK(xm_xchg_open(x, xchg_name, XMSG_ACC_READ));
	struct xm_msg m = { 0 };
	int i;

	(void)pool;
	for (i = 0; i < requests; i++) {
		CHECK(xm_recv(x, xchg, XM_FOREVER, 0, &m));
		if (!m.body || !m.reply) {
			fprintf(stderr, "server: request without %s\n",
				m.body ? "reply handle" : "body");
			return 1;
		}
		serve(m.body, m.length);
		/* the same message goes back; the one-shot reply handle is
		 * closed by the send
		 */
		CHECK(xm_send(x, m.reply, m.handle, m.prio, 0,
			      XMSG_SEND_CLOSE_XCHG));
	}
	xm_close(x);
	return 0;
}

static int client(int id, int rounds)
{
	struct xm *x = ctx();
	int pool = CHECK(xm_pool_open(x, pool_name, XMSG_ACC_RDWR));
	int xchg = CHECK(xm_xchg_open(x, xchg_name, XMSG_ACC_WRITE));
	int mine = CHECK(xm_xchg_create(x, NULL, XMSG_XCHG_KIND_NORMAL, 0,
					0600, 0));
	char want[BLOCK];
	struct xm_msg m, a;
	int r, bad = 0;

	for (r = 0; r < rounds; r++) {
		CHECK(xm_msg_get(x, pool, &m));
		snprintf(m.body, m.length, "hello %d from client %d", r, id);
		snprintf(want, sizeof(want), "HELLO %d FROM CLIENT %d -> ", r,
			 id);
		a.gen = 0;
		CHECK(xm_call(x, xchg, m.handle, id % (XMSG_MSG_PRIO_MAX + 1),
			      mine, mine, XM_MS(10000), 0, &a, NULL));
		printf("client %d: sent \"hello %d from client %d\", got \"%s\""
		       " (same block: %s)\n", id, r, id, (char *)a.body,
		       a.offset == m.offset ? "yes" : "no");
		if (strncmp(a.body, want, strlen(want)) ||
		    a.offset != m.offset) {
			fprintf(stderr, "client %d: wrong answer\n", id);
			bad = 1;
		}
		CHECK(xm_msg_rel(x, a.handle));
	}
	xm_close(x);
	return bad;
}

static int wait_all(int n)
{
	int st, bad = 0;

	while (n--) {
		if (wait(&st) < 0)
			return 1;
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			bad = 1;
	}
	return bad;
}

int main(int argc, char **argv)
{
	int clients = argc > 1 ? atoi(argv[1]) : 2;
	int rounds = argc > 2 ? atoi(argv[2]) : 5;
	struct xmsg_pool_info pi;
	int pool, xchg, i, bad;
	struct xm *x;

	if (clients < 1 || rounds < 1) {
		fprintf(stderr, "usage: client_server [CLIENTS [ROUNDS]]\n");
		return 2;
	}
	snprintf(pool_name, sizeof(pool_name), "cs%d.pool", (int)getpid());
	snprintf(xchg_name, sizeof(xchg_name), "cs%d.server", (int)getpid());
	x = ctx();
	pool = CHECK(xm_pool_create(x, pool_name, BLOCK, 2 * clients, 0600,
				    XMSG_CREATE_EXCL));
	xchg = CHECK(xm_xchg_create(x, xchg_name, XMSG_XCHG_KIND_NORMAL, 0,
				    0600, XMSG_CREATE_EXCL));
	printf("client_server: pool %s (%d x %d bytes), exchange %s, "
	       "%d clients x %d rounds\n", pool_name, 2 * clients, BLOCK,
	       xchg_name, clients, rounds);
	fflush(stdout);
	if (fork() == 0)
		_exit(server(clients * rounds));
	for (i = 0; i < clients; i++)
		if (fork() == 0)
			_exit(client(i, rounds));
	bad = wait_all(clients + 1);
	CHECK(xm_pool_info(x, pool, &pi));
	printf("client_server: pool free %llu of %llu after the run\n",
	       (unsigned long long)pi.free, (unsigned long long)pi.count);
	if (pi.free != pi.count)
		bad = 1;
	CHECK(xm_destroy(x, xchg));
	CHECK(xm_pool_destroy(x, pool));
	xm_close(x);
	printf("client_server: %s\n", bad ? "FAILED" : "ok");
	return bad;
}
