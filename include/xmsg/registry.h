/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xmsg registry, kernel side: names for pools and exchanges that a kernel
 * module creates, so that user space opens them through /dev/xmsg like
 * any named object (ipc/cdev/publish.c).
 */
#ifndef _XMSG_REGISTRY_H
#define _XMSG_REGISTRY_H

#include <linux/skbuff.h>
#include <linux/types.h>
#include <xmsg/compat.h>

struct module;
struct xmsg_pool;
struct xmsg_cdev_obj;
struct xmsg_xchg;

struct xmsg_cdev_obj *xmsg_reg_publish_pool(const char *name, umode_t mode,
					    struct xmsg_pool *pool);
struct xmsg_cdev_obj *xmsg_reg_publish_xchg(const char *name, umode_t mode,
					    struct xmsg_xchg *xchg);
int xmsg_reg_unpublish(struct xmsg_cdev_obj *uobj);
bool xmsg_reg_name_reserved(const char *name);

/**
 * struct xmsg_mod_cb - a callback of a module that may be unloaded
 * @fn: the callback (code of @owner); may free the struct
 * @owner: the module of @fn, e.g. THIS_MODULE; a reference to it is held
 *	(try_module_get()) from when the callback is armed until
 *	xmsg_mod_cb_call() has run it
 */
struct xmsg_mod_cb {
	void (*fn)(struct xmsg_mod_cb *cb);
	struct module *owner;
};

/**
 * struct xmsg_mod_ubuf - zero-copy skb completion through xmsg.ko
 * @ubuf: set its ops with xmsg_ubuf_set_ops(&ubuf, &xmsg_mod_ubuf_ops)
 * @cb: run by the last completion, see struct xmsg_mod_cb
 */
struct xmsg_mod_ubuf {
	struct ubuf_info ubuf;
	struct xmsg_mod_cb cb;
};

extern const struct xmsg_ubuf_ops xmsg_mod_ubuf_ops;

void xmsg_mod_cb_call(void *ctx);
void xmsg_mod_ubuf_done(struct sk_buff *skb, struct ubuf_info *ubuf,
			bool zerocopy_success);

#endif /* _XMSG_REGISTRY_H */
