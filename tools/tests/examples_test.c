// SPDX-License-Identifier: GPL-2.0
/*
 * The examples (tools/examples, shown by `make demo`) as tests: each must
 * exit 0 (they check their own results) and say so.
 */
#include "kselftest_harness.h"
#include "xt_exec.h"

#define OUT	65536

FIXTURE(ex) {
	char path[PATH_MAX];
	char out[OUT];
};

FIXTURE_SETUP(ex)
{
}

FIXTURE_TEARDOWN(ex)
{
}

static void run_example(struct __test_metadata *_metadata,
			FIXTURE_DATA(ex) *self, const char *name, char *a1,
			char *a2, const char *want)
{
	char *argv[] = { self->path, a1, a2, NULL };
	int rc;

	if (xt_tool(self->path, sizeof(self->path), "examples", name))
		SKIP(return, "no %s next to the tests", name);
	rc = xt_run(NULL, self->out, sizeof(self->out), (uid_t)-1, argv);
	if (rc || !strstr(self->out, want))
		TH_LOG("%s exit code %d, output:\n%s", name, rc, self->out);
	ASSERT_EQ(0, rc);
	ASSERT_NE(NULL, strstr(self->out, want));
}

TEST_F_TIMEOUT(ex, client_server, 120)
{
	run_example(_metadata, self, "client_server", "3", "4",
		    "client_server: ok");
}

TEST_F_TIMEOUT(ex, broadcast, 120)
{
	run_example(_metadata, self, "broadcast", "4", "5", "broadcast: ok");
}

TEST_F_TIMEOUT(ex, multicast, 120)
{
	run_example(_metadata, self, "multicast", "4", NULL, "multicast: ok");
}

TEST_F_TIMEOUT(ex, pass_server, 120)
{
	run_example(_metadata, self, "pass_server", "2", NULL,
		    "pass_server: ok");
}

TEST_HARNESS_MAIN
