// SPDX-License-Identifier: GPL-2.0
/*
 * ipc_bench - xmsg against the IPC mechanisms users would pick instead.
 *
 * Two processes (fork) talk through one mechanism ("peer", peer_*.c) at a
 * time: xmsg, xmsg-call, xmsg-stream (send and receive rings), pipe,
 * unix, mq, shmring (copying) and shmpool
 * (zero-copy shared memory, the iceoryx2 model).  Every message carries a
 * sequence number in its first and last 8 bytes; the sender writes both,
 * the receiver checks both.
 *
 * Measures: round trip (rtt.c), one-way throughput (tput.c), fan-out of
 * one 1 MiB message to 1..8 receivers (fanout.c), cleanup of held xmsg
 * messages at close (cleanup.c), per-call costs (ops.c, on request).
 * Each measurement is split into interleaved rounds: in every round each
 * peer takes one turn (starting with a different peer each round), so
 * that a change of the host's load hits every peer alike and a ratio can
 * be taken round by round.  Output: report.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "ipc_bench.h"

struct options opt = {
	.box = 0.5,
	.rounds = 5,
	.min_iters = 8,
	.measures = "rtt,tput,fanout,exit",
	.peers = "all",
	.sizes = "all",
	.place = PLACE_FREE,
	.exit_div = 1,
};

const size_t sizes[] = { 64, 4 * KIB, 64 * KIB, MIB };
const size_t nsizes = sizeof(sizes) / sizeof(sizes[0]);

const struct peer *const peers[] = {
	&peer_xmsg, &peer_xmsg_call, &peer_xmsg_stream, &peer_pipe,
	&peer_unix, &peer_mq, &peer_shmring, &peer_shmpool,
};
const size_t npeers = sizeof(peers) / sizeof(peers[0]);

#define NPEERS_MAX 8
_Static_assert(sizeof(peers) / sizeof(peers[0]) <= NPEERS_MAX,
	       "raise NPEERS_MAX");
static struct acc accs[NPEERS_MAX];

struct shared *sh;
uint64_t *samples;

void wait_ready(void)
{
	while (!atomic_load(&sh->ready) && !watchdog_fired)
		futex_wait(&sh->ready, 0);
}

void set_ready(void)
{
	atomic_store(&sh->ready, 1);
	futex_wake(&sh->ready, 1);
}

/*
 * One round of a two-process measurement: set @p up at @size, fork, run
 * @child in the child and @parent (with @arg) here, tear down.  0, or -1
 * with the reason in *why.
 */
int run_pair(const struct peer *p, struct chan *c, size_t size,
	     int (*child)(const struct peer *p, struct chan *c),
	     int (*parent)(const struct peer *p, struct chan *c, void *arg),
	     void *arg, const char **why)
{
	pid_t pid;
	int r;

	*why = "setup_failed";
	if (p->setup(c, size, why)) {
		p->teardown(c);
		return -1;
	}
	memset(sh, 0, sizeof(*sh));
	arm_watchdog();
	pid = fork();
	if (!pid)
		_exit(child(p, c));
	r = parent(p, c, arg);
	r |= reap(pid, r != 0);
	alarm(0);
	place_restore();
	p->teardown(c);
	*why = r ? watchdog_fired ? "timeout" : "failed" : NULL;
	return r ? -1 : 0;
}

/*
 * Per size: opt.rounds rounds in which every listed peer takes one turn
 * (starting with a different peer each round), then the figures.
 */
static void run_rounds(void (*one)(const struct peer *, size_t,
				   struct acc *),
		       void (*emit)(const struct peer *, size_t,
				    struct acc *))
{
	for (size_t s = 0; s < nsizes; s++) {
		char name[24];

		snprintf(name, sizeof(name), "%zu", sizes[s]);
		if (!listed(opt.sizes, name))
			continue;
		for (int r = 0; r < opt.rounds; r++) {
			for (size_t k = 0; k < npeers; k++) {
				size_t i = (k + r) % npeers;

				if (listed(opt.peers, peers[i]->name))
					one(peers[i], sizes[s], &accs[i]);
			}
		}
		for (size_t i = 0; i < npeers; i++)
			if (listed(opt.peers, peers[i]->name))
				emit(peers[i], sizes[s], &accs[i]);
	}
}

static void usage(const char *argv0)
{
	fprintf(stderr,
		"usage: %s [-t seconds] [-r rounds] [-n min_iters] [-m measures] [-p peers]\n"
		"          [-s sizes] [-a free|split|same] [-V] [-e divisor]\n"
		"  -t  time box per measurement, all rounds (default 0.5)\n"
		"  -r  interleaved rounds per measurement, every peer one turn\n"
		"      in each (default 5, at most %d)\n"
		"  -n  minimum samples per round (default 8)\n"
		"  -m  comma list of rtt,tput,fanout,exit (default all); ops:\n"
		"      per-call costs in one process (not in the default)\n"
		"  -p  comma list of peers (default all; the fan-out ones are\n"
		"      xmsg-bcast, xmsg-proxy, shmpool and pipe)\n"
		"  -s  round trip and throughput: comma list of message sizes\n"
		"      in bytes, of 64,4096,65536,1048576 (default all)\n"
		"  -a  round trip and throughput: leave the two processes to\n"
		"      the scheduler (free, default), pin them to CPUs 0 and 1\n"
		"      (split) or both to CPU 0 (same)\n"
		"  -V  throughput: fill every byte and check every byte\n"
		"  -e  cleanup: divide the counts held (1000, 10000, 50000)\n"
		"      and the pool sizes by this (default 1; for short test\n"
		"      runs: the figures keep their meaning, not their scale)\n",
		argv0, MAX_ROUNDS);
	exit(2);
}

static enum placement parse_place(const char *s, const char *argv0)
{
	for (int p = PLACE_FREE; p <= PLACE_SAME; p++)
		if (!strcmp(s, place_name(p)))
			return p;
	usage(argv0);
	return PLACE_FREE;
}

int main(int argc, char **argv)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	struct utsname u;
	int o;

	while ((o = getopt(argc, argv, "t:r:n:m:p:s:a:Ve:h")) != -1) {
		switch (o) {
		case 't':
			opt.box = atof(optarg);
			break;
		case 'r':
			opt.rounds = atoi(optarg);
			break;
		case 'n':
			opt.min_iters = atoi(optarg);
			break;
		case 'm':
			opt.measures = optarg;
			break;
		case 'p':
			opt.peers = optarg;
			break;
		case 's':
			opt.sizes = optarg;
			break;
		case 'a':
			opt.place = parse_place(optarg, argv[0]);
			break;
		case 'V':
			opt.verify = true;
			break;
		case 'e':
			opt.exit_div = atoi(optarg);
			break;
		default:
			usage(argv[0]);
		}
	}
	if (opt.min_iters < 1)
		opt.min_iters = 1;
	if (opt.rounds < 1 || opt.rounds > MAX_ROUNDS || opt.box <= 0 ||
	    opt.exit_div < 1 || opt.exit_div > 1000)
		usage(argv[0]);
	if (opt.place == PLACE_SPLIT && cpus < 2) {
		fprintf(stderr, "ipc_bench: -a split needs two CPUs\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);
	samples = calloc(MAX_SAMPLES, sizeof(*samples));
	sh = shm_alloc(sizeof(*sh));
	if (!samples || !sh)
		return 1;
	uname(&u);
	printf("INFO kernel %s %s cpus %ld box %.2fs rounds %d placement %s%s\n",
	       u.release, u.machine, cpus, opt.box, opt.rounds,
	       place_name(opt.place), opt.verify ? " verify" : "");

	if (listed(opt.measures, "rtt"))
		run_rounds(rtt_round, rtt_emit);
	if (listed(opt.measures, "tput"))
		run_rounds(tput_round, tput_emit);
	if (listed(opt.measures, "fanout"))
		fanout_all();
	if (listed(opt.measures, "exit"))
		cleanup_all();
	if (strstr(opt.measures, "ops"))
		ops_all();
	summary();
	printf("DONE\n");
	return 0;
}
