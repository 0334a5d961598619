// SPDX-License-Identifier: GPL-2.0
/*
 * ipc_bench from the outside, in short runs: every peer of every
 * measurement reports a positive figure (not "NA"), and with -V every
 * byte of every message a throughput receiver got is the byte its sender
 * wrote, none lost.  The figures themselves are not judged here (make
 * bench does that); this checks that the benchmark measures what it says.
 */
#include "kselftest_harness.h"
#include "xt_exec.h"

#define OUT	(256 * 1024)

static const char *const peers[] = {
	"xmsg", "xmsg-call", "xmsg-stream", "pipe", "unix", "mq", "shmring",
	"shmpool",
};
static const unsigned long sizes[] = { 64, 4096, 65536, 1048576 };

#define N(a) (sizeof(a) / sizeof((a)[0]))

FIXTURE(bench) {
	char path[PATH_MAX];
	char *out;
};

FIXTURE_SETUP(bench)
{
	if (xt_tool(self->path, sizeof(self->path), "bench", "ipc_bench"))
		SKIP(return, "no ipc_bench next to the tests (%.200s)",
		     self->path);
	self->out = malloc(OUT);
	ASSERT_NE(NULL, self->out);
}

FIXTURE_TEARDOWN(bench)
{
	free(self->out);
}

/* The harness runs a test after its setup skipped: skip it again. */
#define NEED_BENCH() do {						\
	if (!self->out)							\
		SKIP(return, "no ipc_bench");				\
} while (0)

/* ipc_bench ARGS...: exit code, stdout in self->out */
#define BENCH(...) ({							\
	char *__argv[] = { self->path, __VA_ARGS__, NULL };		\
	xt_run(NULL, self->out, OUT, (uid_t)-1, __argv);		\
})

/* The value of "RESULT measure peer param VALUE unit"; -1 if NA/absent. */
static double figure(const char *out, const char *measure, const char *peer,
		     unsigned long param)
{
	char key[96];
	const char *p;
	char *end;
	double v;

	snprintf(key, sizeof(key), "\nRESULT %s %s %lu ", measure, peer,
		 param);
	p = strstr(out, key);
	if (!p)
		return -1;
	v = strtod(p + strlen(key), &end);
	return end == p + strlen(key) ? -1 : v;
}

TEST_F(bench, usage)
{
	NEED_BENCH();
	ASSERT_EQ(2, BENCH("-r", "0"));
	ASSERT_EQ(2, BENCH("-a", "elsewhere"));
	ASSERT_EQ(2, BENCH("-x"));
	ASSERT_EQ(2, BENCH("-e", "0"));
}

TEST_F_TIMEOUT(bench, every_peer_round_trip_and_throughput, 500)
{
	NEED_BENCH();
	ASSERT_EQ(0, BENCH("-t", "0.05", "-r", "2", "-n", "2", "-m",
			   "rtt,tput", "-V"));
	ASSERT_NE(NULL, strstr(self->out, "\nDONE"));
	for (size_t i = 0; i < N(peers); i++) {
		for (size_t s = 0; s < N(sizes); s++) {
			const char *p = peers[i];
			unsigned long z = sizes[s];
			double sent = figure(self->out, "tput_sent", p, z);
			double got = figure(self->out, "tput_received", p, z);

			TH_LOG("%s %lu: rtt %.0f ns, %.0f msg/s", p, z,
			       figure(self->out, "rtt_median", p, z),
			       figure(self->out, "tput_msgs", p, z));
			EXPECT_LT(0, figure(self->out, "rtt_median", p, z));
			EXPECT_LT(0, figure(self->out, "tput_msgs", p, z));
			/* every message, every byte, none wrong */
			EXPECT_LT(0, sent);
			EXPECT_EQ(sent, got);
			EXPECT_EQ(got * z,
				  figure(self->out, "tput_rx_bytes", p, z));
			EXPECT_EQ(0, figure(self->out, "tput_bad_bytes", p,
					    z));
		}
	}
	/* both placements run on any machine with two CPUs */
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return;
	ASSERT_EQ(0, BENCH("-t", "0.05", "-r", "1", "-n", "2", "-m", "rtt",
			   "-p", "shmpool,pipe,xmsg-stream", "-a", "split"));
	EXPECT_LT(0, figure(self->out, "rtt_median", "shmpool", 64));
	EXPECT_LT(0, figure(self->out, "rtt_median", "xmsg-stream", 64));
	ASSERT_EQ(0, BENCH("-t", "0.05", "-r", "1", "-n", "2", "-m", "rtt",
			   "-p", "shmpool,pipe,xmsg-stream", "-a", "same"));
	EXPECT_LT(0, figure(self->out, "rtt_median", "shmpool", 64));
	EXPECT_LT(0, figure(self->out, "rtt_median", "xmsg-stream", 64));
}

TEST_F_TIMEOUT(bench, fanout_and_cleanup, 500)
{
	NEED_BENCH();
	static const char *const fan[] = { "xmsg-bcast", "shmpool", "pipe" };

	/* cleanup of 100, 1000 and 5000 held, not 1000 to 50000: -e 10 */
	ASSERT_EQ(0, BENCH("-t", "0.05", "-r", "2", "-n", "2", "-m",
			   "fanout,exit", "-e", "10"));
	for (size_t i = 0; i < N(fan); i++)
		for (unsigned long n = 1; n <= 8; n *= 2)
			EXPECT_LT(0, figure(self->out, "fanout_median", fan[i],
					    n));
	EXPECT_LT(0, figure(self->out, "fanout_median", "xmsg-proxy", 8));
	for (unsigned long n = 100; n <= 5000; n *= n == 100 ? 10 : 5) {
		EXPECT_LT(0, figure(self->out, "exit_close", "xmsg", n));
		EXPECT_LT(0, figure(self->out, "exit_release", "xmsg", n));
	}
	EXPECT_LT(0, figure(self->out, "exit_close_bigpool", "xmsg", 1000));
	EXPECT_GT(0, figure(self->out, "exit_close", "xmsg", 50000));
	/* the ratios come from the interleaved rounds */
	EXPECT_NE(NULL, strstr(self->out,
			       "\nRATIO fanout_median 8 shmpool pipe "));
	EXPECT_NE(NULL, strstr(self->out,
			       "\nROUNDS fanout_median pipe 8 ns "));
}

TEST_HARNESS_MAIN
