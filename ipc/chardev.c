// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg character device /dev/xmsg (being written).
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include "xmsg_chardev.h"

static const struct file_operations xmsg_fops = {
	.owner = THIS_MODULE,
};

static struct miscdevice xmsg_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "xmsg",
	.fops = &xmsg_fops,
	.mode = 0666,
};

int xmsg_chardev_init(void)
{
	return misc_register(&xmsg_miscdev);
}

void xmsg_chardev_exit(void)
{
	misc_deregister(&xmsg_miscdev);
}
