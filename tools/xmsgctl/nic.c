// SPDX-License-Identifier: GPL-2.0
/*
 * xmsgctl nic: the sample NIC module xmsg_nic.ko.  Its statistics are read
 * from debugfs (<debugfs>/xmsg/nic/stats, one "dev=NAME key=value ..." line
 * per attached device), so this needs no /dev/xmsg but root.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include "xmsgctl.h"

#define DEBUGFS_MAGIC_NR	0x64626720

/* Print one "dev=... key=value ..." line of the stats file, readably. */
static void nic_print(char *line)
{
	char *w, *save = NULL, *v;
	int n = 0;

	for (w = strtok_r(line, " \n", &save); w;
	     w = strtok_r(NULL, " \n", &save)) {
		v = strchr(w, '=');
		if (!v)
			continue;
		*v++ = '\0';
		if (!n++)
			printf("%s:\n", v);	/* dev=NAME comes first */
		else
			printf("  %-18s %s\n", w, v);
	}
}

/* Why the stats file cannot be read: a message and an exit code. */
static int nic_why(const char *root, const char *path, int err)
{
	struct statfs sf;

	if (statfs(root, &sf) || sf.f_type != DEBUGFS_MAGIC_NR) {
		fprintf(stderr, "%s: debugfs is not mounted at %s (mount -t "
			"debugfs none %s)\n", ctl_prog, root, root);
		return EX_NOENT;
	}
	if (err == EACCES || err == EPERM) {
		fprintf(stderr, "%s: %s: %s (debugfs is for root)\n", ctl_prog,
			path, strerror(err));
		return EX_PERM;
	}
	fprintf(stderr, "%s: %s: %s%s\n", ctl_prog, path, strerror(err),
		err == ENOENT ? " (is xmsg_nic.ko loaded?)" : "");
	return err == ENOENT ? EX_NOENT : EX_ERR;
}

static int nic_stats(const struct ctl_obj *obj, int argc, char **argv)
{
	const char *root = getenv("XMSG_DEBUGFS");
	char path[PATH_MAX], line[4096], want[64];
	int found = 0;
	FILE *f;

	if (!root || !*root)
		root = "/sys/kernel/debug";
	snprintf(path, sizeof(path), "%s/xmsg/nic/stats", root);
	f = fopen(path, "r");
	if (!f)
		return nic_why(root, path, errno);
	snprintf(want, sizeof(want), "dev=%s ", argc ? argv[0] : "");
	while (fgets(line, sizeof(line), f)) {
		if (argc && strncmp(line, want, strlen(want)))
			continue;
		if (found++)
			putchar('\n');
		nic_print(line);
	}
	fclose(f);
	if (found)
		return EX_OK;
	if (argc)
		fprintf(stderr, "%s: %s: not attached to xmsg_nic\n", ctl_prog,
			argv[0]);
	else
		printf("no device attached to xmsg_nic\n");
	return argc ? EX_NOENT : EX_OK;
}

static const struct ctl_cmd nic_cmds[] = {
	{ "stats", nic_stats, "[DEV]", "",
	  "statistics of every attached device (or DEV): frames made, "
	  "delivered, dropped by reason, transmitted, blocks in flight. "
	  "Read from debugfs ($XMSG_DEBUGFS or /sys/kernel/debug; needs "
	  "root)", 0, 1, 0 },
	{ NULL }
};

static const struct ctl_opt nic_opts[] = {
	{ NULL }
};

const struct ctl_obj nic_object = {
	.name = "nic",
	.summary = "the sample NIC module xmsg_nic.ko",
	.cmds = nic_cmds,
	.opts = nic_opts,
	.bare_cmd = "stats",
	.examples = "xmsgctl nic stats eth0\n",
};
