// SPDX-License-Identifier: GPL-2.0
/*
 * xmsgctl nic: the sample NIC module xmsg_nic.ko, through its generic
 * netlink family (libxmsg's xm_nic_*()): attach a device, detach it, print
 * the counters of one attachment or of all.  Needs no /dev/xmsg; attach
 * and detach need CAP_NET_ADMIN, stats no privilege.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xmsgctl.h"

/* by XMSG_NIC_MODE_* and XMSG_NIC_KRECV_* */
static const char *const modes[] = { "pool", "zc" };
static const char *const krecvs[] = { "none", "echo", "sink" };

static struct xm_nic_attach_opts opt;

/*
 * What an errno of the family means (<linux/xmsg_nic.h>), where it differs
 * from its meaning for /dev/xmsg; NULL for the others.
 */
static const char *nic_strerror(int err)
{
	switch (-err) {
	case ENOPROTOOPT:
		return "no xmsg_nic netlink family (is xmsg_nic.ko loaded?)";
	case ENODEV:
		return "no such network device";
	case ENOENT:
		return "not attached to xmsg_nic";
	case EEXIST:
		return "attached already, or a name of its objects is taken";
	case EBUSY:
		return "the device has another rx_handler (a bridge port?)";
	case EINVAL:
		return "invalid argument, or not an Ethernet device";
	case ERANGE:
		return "mode or kernel receiver out of range";
	case EPERM:
		return "not permitted: attach and detach need CAP_NET_ADMIN";
	}
	return NULL;
}

/* "xmsgctl: WHAT 'DEV': MEANING"; returns the exit code for @err. */
static int nic_fail(int err, const char *what, const char *dev)
{
	const char *s = nic_strerror(err);

	if (!s)
		return ctl_fail(err, what, dev);
	if (dev)
		fprintf(stderr, "%s: %s '%s': %s\n", ctl_prog, what, dev, s);
	else
		fprintf(stderr, "%s: %s: %s\n", ctl_prog, what, s);
	return err == -ENODEV || err == -ENOPROTOOPT ? EX_NOENT :
		ctl_exit_code(err);
}

static int nic_attach(const struct ctl_obj *obj, int argc, char **argv)
{
	int ret = xm_nic_attach(argv[0], 0, &opt);

	return ret ? nic_fail(ret, "cannot attach", argv[0]) : EX_OK;
}

static int nic_detach(const struct ctl_obj *obj, int argc, char **argv)
{
	int ret = xm_nic_detach(argv[0], 0);

	return ret ? nic_fail(ret, "cannot detach", argv[0]) : EX_OK;
}

/* The objects of an attachment: "nic.DEV" and "nic.DEV.<suffix>". */
static const char *const nic_objs[][2] = {
	{ "pool", "" }, { "rx", ".rx" }, { "tx", ".tx" }, { "free", ".free" },
};

/* One attachment: its settings, then every counter the library names. */
static void nic_show(const struct xm_nic_stats *st)
{
	char obj[XMSG_NAME_MAX + 16];
	const char *name;
	unsigned int i;

	if (ctl_json) {
		jw_begin(NULL);
		jw_str("dev", st->ifname);
		jw_u64("ifindex", st->ifindex);
		jw_str("mode", ctl_kind_name(modes, ARRAY_SIZE(modes),
					     st->mode));
		jw_str("krecv", ctl_kind_name(krecvs, ARRAY_SIZE(krecvs),
					      st->krecv));
		jw_u64("ethertype", st->ethertype);
	} else {
		printf("%s:\n", st->ifname);
		printf("  %-18s %u\n", "ifindex", st->ifindex);
		printf("  %-18s %s\n", "mode",
		       ctl_kind_name(modes, ARRAY_SIZE(modes), st->mode));
		printf("  %-18s %s\n", "krecv",
		       ctl_kind_name(krecvs, ARRAY_SIZE(krecvs), st->krecv));
		printf("  %-18s 0x%04x\n", "ethertype", st->ethertype);
	}
	for (i = 0; i < ARRAY_SIZE(nic_objs); i++) {
		snprintf(obj, sizeof(obj), "nic.%s%s", st->ifname,
			 nic_objs[i][1]);
		if (ctl_json)
			jw_str(nic_objs[i][0], obj);
		else
			printf("  %-18s %s\n", nic_objs[i][0], obj);
	}
	for (i = 0; i <= XMSG_NIC_STAT_MAX; i++) {
		name = xm_nic_stat_name(i);
		if (!name)
			continue;
		if (ctl_json)
			jw_u64(name, st->stat[i]);
		else
			printf("  %-18s %llu\n", name,
			       (unsigned long long)st->stat[i]);
	}
	if (ctl_json)
		jw_end();
}

static int nic_stats(const struct ctl_obj *obj, int argc, char **argv)
{
	struct xm_nic_stats one, *all;
	size_t n, i;
	int ret;

	if (argc) {
		ret = xm_nic_stats(argv[0], 0, &one);
		if (ret)
			return nic_fail(ret, "no statistics of", argv[0]);
		nic_show(&one);
		return EX_OK;
	}
	ret = xm_nic_stats_all(&all, &n);
	if (ret)
		return nic_fail(ret, "cannot list the attached devices", NULL);
	if (ctl_json)
		jw_array(NULL);
	else if (!n)
		printf("no device attached to xmsg_nic\n");
	for (i = 0; i < n; i++) {
		if (i && !ctl_json)
			putchar('\n');
		nic_show(&all[i]);
	}
	if (ctl_json)
		jw_array_end();
	free(all);
	return EX_OK;
}

static int nic_parse(int key, const char *arg)
{
	uint32_t v;

	switch (key) {
	case 'm':
		return ctl_kind_of(arg, modes, ARRAY_SIZE(modes), &opt.mode);
	case 'K':
		return ctl_kind_of(arg, krecvs, ARRAY_SIZE(krecvs),
				   &opt.krecv);
	case 'E':
		if (ctl_parse_u32(arg, &v, 0) || !v || v > 0xffff)
			return ctl_usage("bad EtherType '%s' (1 to 0xffff)",
					 arg);
		opt.ethertype = (uint16_t)v;
		return 0;
	}
	return ctl_usage("bad option");
}

static const struct ctl_cmd nic_cmds[] = {
	{ "attach", nic_attach, "DEV", "mEK",
	  "attach network device DEV: frames of the EtherType become "
	  "messages at nic.DEV.rx, messages sent to nic.DEV.tx leave DEV "
	  "(needs CAP_NET_ADMIN)", 1, 1, 0 },
	{ "detach", nic_detach, "DEV", "",
	  "detach DEV and destroy its objects (needs CAP_NET_ADMIN)", 1, 1,
	  0 },
	{ "stats", nic_stats, "[DEV]", "",
	  "the settings and counters of every attached device (or DEV): "
	  "frames made, delivered, dropped by reason, transmitted, blocks in "
	  "flight", 0, 1, 0 },
	{ NULL }
};

static const struct ctl_opt nic_opts[] = {
	{ "mode", 'm', "MODE",
	  "attach: pool (default: frames are copied into blocks of the "
	  "pool nic.DEV) or zc (the message body is the received frame)" },
	{ "ethertype", 'E', "TYPE",
	  "attach: the EtherType taken (default: the module parameter "
	  "ethertype, 0x88B5)" },
	{ "krecv", 'K', "KRECV",
	  "attach: a kernel receiver at nic.DEV.rx: none (default: user "
	  "space receives), echo (sends each message on to nic.DEV.tx) or "
	  "sink (reads each one and releases it)" },
	{ NULL }
};

const struct ctl_obj nic_object = {
	.name = "nic",
	.summary = "the sample NIC module xmsg_nic.ko",
	.cmds = nic_cmds,
	.opts = nic_opts,
	.parse = nic_parse,
	.bare_cmd = "stats",
	.examples =
		"xmsgctl nic attach eth0 --mode zc --krecv echo\n"
		"xmsgctl -j nic stats eth0\n"
		"xmsgctl nic detach eth0\n",
};
