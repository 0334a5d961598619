// SPDX-License-Identifier: GPL-2.0
/*
 * xmsgctl heap: heaps, from which message bodies of any size are carved.
 */
#include <inttypes.h>
#include <stdio.h>
#include "xmsgctl.h"

static int heap_create(const struct ctl_obj *obj, int argc, char **argv)
{
	uint32_t size, order = 0;
	int h;

	if (ctl_parse_u32(argv[1], &size, 0) ||
	    (argc > 2 && ctl_parse_u32(argv[2], &order, 0)))
		return ctl_usage("heap create NAME SIZE [MIN_ORDER]: bad "
				 "number");
	h = xm_heap_create(ctl_xm(), argv[0], size, order, obj_opts.mode,
			   obj_create_flags());
	if (h < 0)
		return ctl_fail(h, "cannot create", argv[0]);
	return EX_OK;
}

static void heap_show(const struct xmsg_info *in)
{
	const struct xmsg_heap_info *p = &in->u.heap;

	printf("  size     %" PRIu64 " bytes, granule %" PRIu64
	       ", region %" PRIu64 " bytes\n", (uint64_t)p->heap_size,
	       (uint64_t)p->granule, (uint64_t)p->region_size);
	printf("  free     %" PRIu64 " bytes  chunks_out %" PRIu64 "\n",
	       (uint64_t)p->free, (uint64_t)p->chunks_out);
	printf("  failed_gets %" PRIu64 "  mapped %" PRIu64 "\n",
	       (uint64_t)p->failed_gets, (uint64_t)p->mapped);
}

static void heap_show_short(const struct xmsg_info *in)
{
	printf("free %" PRIu64 "/%" PRIu64 "B, %" PRIu64 " out",
	       (uint64_t)in->u.heap.free, (uint64_t)in->u.heap.heap_size,
	       (uint64_t)in->u.heap.chunks_out);
}

static void heap_show_json(const struct xmsg_info *in)
{
	const struct xmsg_heap_info *p = &in->u.heap;

	jw_u64("heap_size", p->heap_size);
	jw_u64("granule", p->granule);
	jw_u64("region_size", p->region_size);
	jw_u64("free", p->free);
	jw_u64("chunks_out", p->chunks_out);
	jw_u64("failed_gets", p->failed_gets);
	jw_u64("mapped", p->mapped);
}

static const struct ctl_cmd heap_cmds[] = {
	{ "create", heap_create, "NAME SIZE [MIN_ORDER]", "me",
	  "create a heap of SIZE bytes (granule 2^MIN_ORDER, default 64)",
	  2, 3, 0 },
	OBJ_CMDS("heap"),
	{ NULL }
};

static const struct ctl_opt heap_opts[] = {
	OBJ_OPT_MODE,
	OBJ_OPT_EXIST_OK("heap"),
	OBJ_OPT_INTERVAL,
	OBJ_OPT_NUMBER,
	{ NULL }
};

static const char *const heap_aliases[] = { "heaps", NULL };

const struct ctl_obj heap_object = {
	.name = "heap",
	.aliases = heap_aliases,
	.type = XMSG_TYPE_HEAP,
	.summary = "heaps, from which message bodies of any size are carved",
	.cmds = heap_cmds,
	.opts = heap_opts,
	.parse = obj_parse,	/* a heap has only the common options */
	.examples =
		"xmsgctl heap create h 65536 -m 0666\n"
		"xmsgctl -j heap info h\n"
		"xmsgctl heap list\n",
	.show = heap_show,
	.show_short = heap_show_short,
	.show_json = heap_show_json,
};
