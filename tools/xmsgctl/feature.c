// SPDX-License-Identifier: GPL-2.0
/*
 * xmsgctl feature: what the kernel supports (XMSG_IOC_FEATURES), with every
 * feature bit of <linux/xmsg.h> by name.
 */
#include <inttypes.h>
#include <stdio.h>
#include "xmsgctl.h"

static const struct {
	uint64_t bit;
	const char *name;
} feature_names[] = {
	{ XMSG_FEAT_POOL, "pool" },
	{ XMSG_FEAT_MSG, "msg" },
	{ XMSG_FEAT_XCHG, "xchg" },
	{ XMSG_FEAT_SEM, "sem" },
	{ XMSG_FEAT_CALL, "call" },
	{ XMSG_FEAT_POLL_FD, "poll_fd" },
	{ XMSG_FEAT_LIST, "list" },
	{ XMSG_FEAT_ABSTIME, "abstime" },
	{ XMSG_FEAT_MSG_READ, "msg_read" },
	{ XMSG_FEAT_XFER, "xfer" },
	{ XMSG_FEAT_RING, "ring" },
	{ XMSG_FEAT_MSG_LENGTH, "msg_length" },
	{ XMSG_FEAT_COUNTERS, "counters" },
	{ XMSG_FEAT_PRIO_WAIT, "prio_wait" },
	{ XMSG_FEAT_PRIO_PASS, "prio_pass" },
	{ XMSG_FEAT_SEM_SIGNAL_WAIT, "sem_signal_wait" },
	{ XMSG_FEAT_SEND_WAIT, "send_wait" },
	{ XMSG_FEAT_CLEAR, "clear" },
	{ XMSG_FEAT_PEEK, "peek" },
	{ XMSG_FEAT_BUMP, "bump" },
	{ XMSG_FEAT_HEAP, "heap" },
	/* send rings */
	{ XMSG_FEAT_TXRING, "txring" },
};

/* The name of feature bit @i, or "bit@i" (in @buf) for one unknown here. */
static const char *feature_name(unsigned int i, char *buf, size_t len)
{
	size_t k;

	for (k = 0; k < ARRAY_SIZE(feature_names); k++)
		if (feature_names[k].bit == 1ULL << i)
			return feature_names[k].name;
	snprintf(buf, len, "bit%u", i);
	return buf;
}

static const struct {
	const char *name;
	size_t offset;
	bool u64;
} limits[] = {
#define LIMIT(f, wide) { #f, offsetof(struct xmsg_features, f), wide }
	LIMIT(name_max, false),
	LIMIT(prio_max, false),
	LIMIT(mmap_shift, false),
	LIMIT(max_pools, false),
	LIMIT(max_objects, false),
	LIMIT(max_pool_bytes, true),
	LIMIT(max_handles, false),
	LIMIT(max_block_count, false),
#undef LIMIT
};

static uint64_t limit_of(const struct xmsg_features *f, size_t k)
{
	const char *p = (const char *)f + limits[k].offset;

	return limits[k].u64 ? *(const uint64_t *)p : *(const uint32_t *)p;
}

static int feature_show(const struct ctl_obj *obj, int argc, char **argv)
{
	struct xm *x = ctl_xm();
	struct xmsg_features f;
	char buf[16];
	unsigned int i;
	size_t k;
	int ret;

	ret = xm_features(x, &f);
	if (ret)
		return ctl_fail(ret, "cannot query features", NULL);
	if (ctl_json) {
		jw_begin(NULL);
		jw_u64("api_version", f.api_version);
		jw_u64("feature_bits", f.features);
		jw_array("features");
		for (i = 0; i < 64; i++)
			if (f.features & (1ULL << i))
				jw_str(NULL, feature_name(i, buf, sizeof(buf)));
		jw_array_end();
		for (k = 0; k < ARRAY_SIZE(limits); k++)
			jw_u64(limits[k].name, limit_of(&f, k));
		jw_end();
		return EX_OK;
	}
	printf("%-15s %u\n%-15s", "api_version", f.api_version, "features");
	for (i = 0; i < 64; i++)
		if (f.features & (1ULL << i))
			printf(" %s", feature_name(i, buf, sizeof(buf)));
	putchar('\n');
	for (k = 0; k < ARRAY_SIZE(limits); k++)
		printf("%-15s %" PRIu64 "\n", limits[k].name, limit_of(&f, k));
	return EX_OK;
}

static const struct ctl_cmd feature_cmds[] = {
	{ "show", feature_show, "", "",
	  "the kernel's API version, its features by name and its limits",
	  0, 0, 0 },
	{ NULL }
};

static const struct ctl_opt feature_opts[] = {
	{ NULL }
};

static const char *const feature_aliases[] = { "features", NULL };

const struct ctl_obj feature_object = {
	.name = "feature",
	.aliases = feature_aliases,
	.summary = "what the kernel supports, and its limits",
	.cmds = feature_cmds,
	.opts = feature_opts,
	.bare_cmd = "show",
	.examples = "xmsgctl -j feature show\n",
};
