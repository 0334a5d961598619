// SPDX-License-Identifier: GPL-2.0
/*
 * xmsgctl xchg: exchanges, where messages wait for receivers.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "xmsgctl.h"

/* by XMSG_XCHG_KIND_* */
static const char *const kinds[] = { "normal", "pass", "bcast" };

static struct {
	uint32_t kind;
	uint32_t limit;
} opt;

static int xchg_create(const struct ctl_obj *obj, int argc, char **argv)
{
	struct xm *x = ctl_xm();
	int h;

	h = xm_xchg_create(x, argv[0], opt.kind, opt.limit, obj_opts.mode,
			   obj_create_flags());
	if (h < 0)
		return ctl_fail(h, "cannot create", argv[0]);
	return EX_OK;
}

static int xchg_bcast_clear(const struct ctl_obj *obj, int argc, char **argv)
{
	struct xm *x = ctl_xm();
	int h, ret;

	h = xm_xchg_open(x, argv[0], XMSG_ACC_WRITE);
	if (h < 0)
		return ctl_fail(h, "cannot open exchange", argv[0]);
	ret = xm_bcast_clear(x, h);
	if (ret == -ENOENT) {
		fprintf(stderr, "%s: %s: nothing posted\n", ctl_prog, argv[0]);
		return EX_EMPTY;
	}
	if (ret == -EPERM) {
		/* each xmsgctl run is its own owner: only the poster clears */
		fprintf(stderr, "%s: cannot clear '%s': posted by another "
			"owner (only the poster may clear it; it is withdrawn "
			"when the poster exits)\n", ctl_prog, argv[0]);
		return EX_PERM;
	}
	return ret ? ctl_fail(ret, "cannot clear", argv[0]) : EX_OK;
}

static int xchg_clear(const struct ctl_obj *obj, int argc, char **argv)
{
	struct xm *x = ctl_xm();
	int h, ret;

	h = xm_xchg_open(x, argv[0], XMSG_ACC_WRITE);
	if (h < 0)
		return ctl_fail(h, "cannot open exchange", argv[0]);
	ret = xm_xchg_clear(x, h);
	if (ret == -EPERM) {
		fprintf(stderr, "%s: cannot clear '%s': its broadcast post "
			"belongs to another owner (only the poster may "
			"withdraw it)\n", ctl_prog, argv[0]);
		return EX_PERM;
	}
	return ret ? ctl_fail(ret, "cannot clear", argv[0]) : EX_OK;
}

static int xchg_bump(const struct ctl_obj *obj, int argc, char **argv)
{
	struct xm *x = ctl_xm();
	uint64_t tag;
	uint32_t prio;
	int h, ret;

	if (ctl_opt_tag(argv[1], &tag) || ctl_opt_prio(argv[2], &prio))
		return EX_USAGE;
	h = xm_xchg_open(x, argv[0], XMSG_ACC_WRITE);
	if (h < 0)
		return ctl_fail(h, "cannot open exchange", argv[0]);
	ret = xm_xchg_bump(x, h, tag, prio);
	if (ret == -ENOENT) {
		fprintf(stderr, "%s: %s: no message with tag %" PRIu64
			" queued\n", ctl_prog, argv[0], tag);
		return EX_EMPTY;
	}
	return ret ? ctl_fail(ret, "cannot bump at", argv[0]) : EX_OK;
}

static void xchg_show(const struct xmsg_info *in)
{
	const struct xmsg_xchg_info *e = &in->u.xchg;

	printf("  kind     %s  limit %u%s\n",
	       ctl_kind_name(kinds, ARRAY_SIZE(kinds), e->kind), e->limit,
	       e->flags & XMSG_XCHG_F_PASS_SCHED ? "  pass-sched" : "");
	printf("  queued   %u  waiters %u  senders %u\n", e->queued,
	       e->waiters, e->senders);
	printf("  sent     %" PRIu64 "  received %" PRIu64 "  generation %"
	       PRIu64 "\n", (uint64_t)e->sent, (uint64_t)e->received,
	       (uint64_t)e->gen);
	printf("  refused  %" PRIu64 " (queue full)\n", (uint64_t)e->refused);
	if (e->peek & XMSG_PEEK_MSG)
		printf("  first    prio %u  length %" PRIu64 "\n",
		       e->first_prio, (uint64_t)e->first_length);
	if (e->peek & XMSG_PEEK_WAITER)
		printf("  waiter   pid %d  tid %d\n", e->waiter_pid,
		       e->waiter_tid);
}

static void xchg_show_short(const struct xmsg_info *in)
{
	printf("%s queued %u waiters %u",
	       ctl_kind_name(kinds, ARRAY_SIZE(kinds), in->u.xchg.kind),
	       in->u.xchg.queued, in->u.xchg.waiters);
}

static void xchg_show_json(const struct xmsg_info *in)
{
	const struct xmsg_xchg_info *e = &in->u.xchg;

	jw_str("kind", ctl_kind_name(kinds, ARRAY_SIZE(kinds), e->kind));
	jw_u64("limit", e->limit);
	jw_bool("pass_sched", e->flags & XMSG_XCHG_F_PASS_SCHED);
	jw_u64("queued", e->queued);
	jw_u64("waiters", e->waiters);
	jw_u64("senders", e->senders);
	jw_u64("sent", e->sent);
	jw_u64("received", e->received);
	jw_u64("generation", e->gen);
	jw_u64("refused", e->refused);
	if (e->peek & XMSG_PEEK_MSG) {
		jw_u64("first_prio", e->first_prio);
		jw_u64("first_length", e->first_length);
	}
	if (e->peek & XMSG_PEEK_WAITER) {
		jw_int("waiter_pid", e->waiter_pid);
		jw_int("waiter_tid", e->waiter_tid);
	}
}

static int xchg_parse(int key, const char *arg)
{
	switch (key) {
	case 'k':
		if (!strcmp(arg, "broadcast")) {
			opt.kind = XMSG_XCHG_KIND_BCAST;
			return 0;
		}
		return ctl_kind_of(arg, kinds, ARRAY_SIZE(kinds), &opt.kind);
	case 'l':
		if (ctl_parse_u32(arg, &opt.limit, 10))
			return ctl_usage("bad limit '%s'", arg);
		return 0;
	}
	return obj_parse(key, arg);
}

static const struct ctl_cmd xchg_cmds[] = {
	{ "create", xchg_create, "NAME", "klme", "create an exchange", 1, 1,
	  0 },
	{ "bcast-clear", xchg_bcast_clear, "NAME", "",
	  "withdraw the message posted at a broadcast exchange (only the "
	  "owner that posted it may; it is withdrawn anyway when that "
	  "owner exits)", 1, 1, 0 },
	{ "clear", xchg_clear, "NAME", "",
	  "release every queued message to its pool and cancel every "
	  "receiver and sender waiting there (they fail with ECANCELED); "
	  "the exchange stays", 1, 1, 0 },
	{ "bump", xchg_bump, "NAME TAG PRIO", "",
	  "move the first message queued with TAG (msg send -g) to "
	  "priority PRIO, behind the messages queued at PRIO already.  "
	  "Needs the write right only, not to be the sender.  Exit code 3 "
	  "when no message with TAG is queued (received already, or never "
	  "sent)", 3, 3, 0 },
	OBJ_CMDS("exchange"),
	{ NULL }
};

static const struct ctl_opt xchg_opts[] = {
	{ "kind", 'k', "KIND",
	  "create: normal (default), pass (passes the priority on) or "
	  "bcast (one sticky message, every receiver gets a proxy)" },
	{ "limit", 'l', "LIMIT",
	  "create: most messages queued (default 0: the kernel's, 1024)" },
	OBJ_OPT_MODE,
	OBJ_OPT_EXIST_OK("exchange"),
	OBJ_OPT_INTERVAL,
	OBJ_OPT_NUMBER,
	{ NULL }
};

static const char *const xchg_aliases[] = {
	"xchgs", "exchange", "exchanges", NULL
};

const struct ctl_obj xchg_object = {
	.name = "xchg",
	.aliases = xchg_aliases,
	.type = XMSG_TYPE_XCHG,
	.summary = "exchanges, where messages wait for receivers",
	.cmds = xchg_cmds,
	.opts = xchg_opts,
	.parse = xchg_parse,
	.examples =
		"xmsgctl xchg create q -k pass -l 64 -m 0660\n"
		"xmsgctl xchg stats q\n",
	.show = xchg_show,
	.show_short = xchg_show_short,
	.show_json = xchg_show_json,
};
