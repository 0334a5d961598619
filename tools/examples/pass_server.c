// SPDX-License-Identifier: BSD-2-Clause
// Copyright (c) 2026 the xmsg contributors
/*
 * pass_server: a server thread whose scheduling priority follows the
 * messages it serves.  It receives at a pass exchange created with
 * XMSG_XCHG_F_PASS_SCHED: while it works on a message of priority p, a
 * SCHED_OTHER thread runs p / 2 nice steps higher (never beyond what its
 * RLIMIT_NICE allows without CAP_SYS_NICE); its next receive there gives
 * it its own priority back.  The client (the main thread) sends one
 * request at a time and waits at a semaphore for the server to be done.
 *
 * usage: pass_server [ROUNDS]     (default 1: priorities 0, 8, 16, 24, 31)
 * Exits 0 if the server's nice value followed the messages, 1 otherwise.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "libxmsg.h"

#define QUIT	UINT32_MAX

static const uint32_t prios[] = { 0, 8, 16, 24, 31 };

static char pool_name[XMSG_NAME_MAX];
static struct xm *x;
static int pool, xchg, done;
static int failed;

#define CHECK(expr) ({						\
	int __r = (expr);					\
	if (__r < 0) {						\
		fprintf(stderr, "%s:%d: %s: %s\n", __FILE__,	\
			__LINE__, #expr, strerror(-__r));	\
		exit(1);					\
	}							\
	__r; })

static int my_nice(void)
{
	errno = 0;
	return getpriority(PRIO_PROCESS, syscall(SYS_gettid));
}

/* The nice value priority @p gives a thread of nice @own (privileged). */
static int passed_nice(int own, uint32_t p)
{
	int n = own - (int)p / 2;

	return n < -20 ? -20 : n;
}

static void *server(void *arg)
{
	int own = my_nice(), now;
	int privileged = geteuid() == 0;
	struct xm_msg m;
	uint32_t p;

	(void)arg;
	for (;;) {
		CHECK(xm_recv(x, xchg, -1, 0, &m));
		memcpy(&p, m.body, sizeof(p));
		now = my_nice();
		CHECK(xm_msg_rel(x, m.handle));
		if (p == QUIT)
			break;
		printf("request of priority %2u: server runs at nice %3d\n",
		       p, now);
		if (m.prio != p || now > own ||
		    (privileged && now != passed_nice(own, p))) {
			fprintf(stderr, "priority %u: nice %d, own %d\n", p,
				now, own);
			failed = 1;
		}
		CHECK(xm_sem_signal(x, done, 0));
	}
	/* the receive of QUIT gave it that message's priority (0): its own */
	now = my_nice();
	printf("after its last receive: nice %d (own %d)\n", now, own);
	if (now != own)
		failed = 1;
	CHECK(xm_sem_signal(x, done, 0));
	return NULL;
}

static void request(uint32_t p, uint32_t body)
{
	struct xm_msg m;

	CHECK(xm_msg_get(x, pool, &m));
	memcpy(m.body, &body, sizeof(body));
	CHECK(xm_send(x, xchg, m.handle, p, 0, 0));
	CHECK(xm_sem_wait(x, done, -1));
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 1;
	struct xmsg_features f;
	pthread_t tid;
	int r;
	size_t i;

	CHECK(xm_open(&x, NULL));
	CHECK(xm_features(x, &f));
	if (!(f.features & XMSG_FEAT_PRIO_PASS)) {
		fprintf(stderr, "pass_server: kernel without priority passing\n");
		return 1;
	}
	snprintf(pool_name, sizeof(pool_name), "pass_server.%d", (int)getpid());
	pool = CHECK(xm_pool_create(x, pool_name, 64, 8, 0600,
				    XMSG_CREATE_EXCL));
	xchg = CHECK(xm_xchg_create(x, NULL, XMSG_XCHG_KIND_PASS, 0, 0600,
				    XMSG_XCHG_F_PASS_SCHED));
	done = CHECK(xm_sem_create(x, NULL, XMSG_SEM_KIND_COUNT, 0, 0, 0600,
				   0));
	if (pthread_create(&tid, NULL, server, NULL))
		return 1;
	for (r = 0; r < rounds; r++)
		for (i = 0; i < sizeof(prios) / sizeof(prios[0]); i++)
			request(prios[i], prios[i]);
	request(0, QUIT);
	pthread_join(tid, NULL);
	xm_destroy(x, done);
	xm_destroy(x, xchg);
	xm_pool_destroy(x, pool);
	xm_close(x);
	printf("pass_server: %s\n", failed ? "FAILED" : "ok");
	return failed;
}
