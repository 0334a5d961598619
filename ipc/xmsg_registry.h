/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xmsg registry, kernel side: names for pools and exchanges that a kernel
 * module creates, so that user space opens them through /dev/xmsg like
 * any named object (ipc/registry_publish.c).
 */
#ifndef _XMSG_REGISTRY_H
#define _XMSG_REGISTRY_H

#include <linux/types.h>

struct xmsg_pool;
struct xmsg_uobj;
struct xmsg_xchg;

struct xmsg_uobj *xmsg_reg_publish_pool(const char *name, umode_t mode,
					struct xmsg_pool *pool);
struct xmsg_uobj *xmsg_reg_publish_xchg(const char *name, umode_t mode,
					struct xmsg_xchg *xchg);
int xmsg_reg_unpublish(struct xmsg_uobj *uobj);
bool xmsg_reg_name_reserved(const char *name);

#endif /* _XMSG_REGISTRY_H */
