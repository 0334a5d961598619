/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading a bridge's status: xmsg-bridge posts it as text at the broadcast
 * exchange "bridge.NAME" (one line for the bridge, one per mapping with
 * key=value counters; see docs/cluster.md).  Used by xmsg-bridge --status
 * and the bridge test.
 */
#ifndef XB_STATUS_H
#define XB_STATUS_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "libxmsg.h"

/*
 * Copy bridge @name's current status text to @buf (NUL-terminated).
 * Returns its length, -ENOENT without such a bridge, -EAGAIN when it has
 * no post (the bridge is not running), or another -errno.
 */
static inline int xb_status_read(struct xm *x, const char *name, char *buf,
				 size_t size)
{
	char xname[XMSG_NAME_MAX];
	struct xm_msg m = { 0 };
	size_t n;
	int h, ret;

	if (snprintf(xname, sizeof(xname), "bridge.%s", name) >=
	    (int)sizeof(xname))
		return -ENAMETOOLONG;
	h = xm_xchg_open(x, xname, XMSG_ACC_READ);
	if (h < 0)
		return h;
	ret = xm_recv(x, h, XM_NOWAIT, 0, &m);
	if (ret == 0) {
		n = m.length < size ? m.length : size - 1;
		/* by copy: the reader needs no handle of the bridge's pool */
		ret = xm_msg_read(x, m.handle, 0, buf, n);
		buf[ret ? 0 : n] = 0;
		if (!ret)
			ret = (int)n;
		xm_msg_rel(x, m.handle);
	}
	xm_handle_close(x, h);
	return ret;
}

/*
 * The value of counter @key ("fwd", "state"...) on the line of mapping
 * @map ("import NAME") in status text @st: the number (state: 1 up, 0
 * down), or -1 when absent.
 */
static inline long long xb_status_get(const char *st, const char *map,
				      const char *key)
{
	char pat[80];
	const char *line, *end, *p;
	size_t ml = strlen(map), kl = strlen(key);

	for (line = st; line && *line; line = end ? end + 1 : NULL) {
		end = strchr(line, '\n');
		if (strncmp(line, map, ml) || line[ml] != ' ')
			continue;
		snprintf(pat, sizeof(pat), " %s=", key);
		p = strstr(line, pat);
		if (!p || (end && p > end))
			return -1;
		p += kl + 2;
		if (!strcmp(key, "state"))
			return !strncmp(p, "up", 2);
		return strtoll(p, NULL, 10);
	}
	return -1;
}

#endif /* XB_STATUS_H */
