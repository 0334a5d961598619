// SPDX-License-Identifier: GPL-2.0
/*
 * xmsgctl pool: pools of fixed-size blocks.
 */
#include <inttypes.h>
#include <stdio.h>
#include "xmsgctl.h"

static int pool_create(const struct ctl_obj *obj, int argc, char **argv)
{
	uint32_t bs, count;
	int h;

	if (ctl_parse_u32(argv[1], &bs, 0) ||
	    ctl_parse_u32(argv[2], &count, 0))
		return ctl_usage("pool create NAME BLOCK_SIZE COUNT: bad "
				 "number");
	h = xm_pool_create(ctl_xm(), argv[0], bs, count, obj_opts.mode,
			   obj_create_flags());
	if (h < 0)
		return ctl_fail(h, "cannot create", argv[0]);
	return EX_OK;
}

static void pool_show(const struct xmsg_info *in)
{
	const struct xmsg_pool_info *p = &in->u.pool;

	printf("  blocks   %" PRIu64 " x %" PRIu64 " bytes, region %" PRIu64
	       " bytes\n", (uint64_t)p->count, (uint64_t)p->block_size,
	       (uint64_t)p->region_size);
	printf("  free     %" PRIu64 "  in_use %" PRIu64 "  high_water %"
	       PRIu64 "\n", (uint64_t)p->free, (uint64_t)p->in_use,
	       (uint64_t)p->high_water);
	printf("  failed_gets %" PRIu64 "  bad_rels %" PRIu64 "  mapped %"
	       PRIu64 "\n", (uint64_t)p->failed_gets, (uint64_t)p->bad_rels,
	       (uint64_t)p->mapped);
}

static void pool_show_short(const struct xmsg_info *in)
{
	printf("free %" PRIu64 "/%" PRIu64 " x %" PRIu64 "B",
	       (uint64_t)in->u.pool.free, (uint64_t)in->u.pool.count,
	       (uint64_t)in->u.pool.block_size);
}

static void pool_show_json(const struct xmsg_info *in)
{
	const struct xmsg_pool_info *p = &in->u.pool;

	jw_u64("block_size", p->block_size);
	jw_u64("count", p->count);
	jw_u64("region_size", p->region_size);
	jw_u64("free", p->free);
	jw_u64("in_use", p->in_use);
	jw_u64("high_water", p->high_water);
	jw_u64("failed_gets", p->failed_gets);
	jw_u64("bad_rels", p->bad_rels);
	jw_u64("mapped", p->mapped);
}

static const struct ctl_cmd pool_cmds[] = {
	{ "create", pool_create, "NAME BLOCK_SIZE COUNT", "me",
	  "create a pool of COUNT blocks of BLOCK_SIZE bytes", 3, 3, 0 },
	OBJ_CMDS("pool"),
	{ NULL }
};

static const struct ctl_opt pool_opts[] = {
	OBJ_OPT_MODE,
	OBJ_OPT_EXIST_OK("pool"),
	OBJ_OPT_INTERVAL,
	OBJ_OPT_NUMBER,
	{ NULL }
};

static const char *const pool_aliases[] = { "pools", NULL };

const struct ctl_obj pool_object = {
	.name = "pool",
	.aliases = pool_aliases,
	.type = XMSG_TYPE_POOL,
	.summary = "pools of fixed-size blocks, which hold message bodies",
	.cmds = pool_cmds,
	.opts = pool_opts,
	.parse = obj_parse,	/* a pool has only the common options */
	.examples =
		"xmsgctl pool create p 256 16 -m 0666\n"
		"xmsgctl -j pool info p\n"
		"xmsgctl pool watch p -i 500 -n 10\n",
	.show = pool_show,
	.show_short = pool_show_short,
	.show_json = pool_show_json,
};
