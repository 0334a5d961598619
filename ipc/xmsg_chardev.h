/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xmsg character device: /dev/xmsg, the user-space face of xmsg.
 */
#ifndef _XMSG_CHARDEV_H
#define _XMSG_CHARDEV_H

int xmsg_chardev_init(void);
void xmsg_chardev_exit(void);

#endif /* _XMSG_CHARDEV_H */
