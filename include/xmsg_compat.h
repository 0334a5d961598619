/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _XMSG_COMPAT_H
#define _XMSG_COMPAT_H

/**
 * DOC: kernel API differences
 *
 * xmsg builds against Linux 6.1 up to 6.12, and knows the 6.13 changes
 * below.  Every difference of the kernel API it meets between those
 * versions is mapped here, keyed on LINUX_VERSION_CODE (or on a feature
 * macro where the kernel has one), and only here: the rest of the tree
 * calls the xmsg_ names or the macros below and never tests a kernel
 * version.  Each entry names the version where the kernel changed.
 */

#include <linux/version.h>
#include <linux/mm.h>

/*
 * Symbol namespaces: EXPORT_SYMBOL_NS_GPL() and MODULE_IMPORT_NS() take a
 * string literal since 6.13, a bare identifier before.  Use XMSG_NS.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
#define XMSG_NS "XMSG"
#else
#define XMSG_NS XMSG
#endif

/*
 * vm_area_struct.vm_flags is read-only since 6.3: vm_flags_set() and
 * vm_flags_clear() (which assert the mmap lock) change it.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
static inline void xmsg_vm_flags_set(struct vm_area_struct *vma,
				     vm_flags_t flags)
{
	vm_flags_set(vma, flags);
}

static inline void xmsg_vm_flags_clear(struct vm_area_struct *vma,
				       vm_flags_t flags)
{
	vm_flags_clear(vma, flags);
}
#else
static inline void xmsg_vm_flags_set(struct vm_area_struct *vma,
				     vm_flags_t flags)
{
	vma->vm_flags |= flags;
}

static inline void xmsg_vm_flags_clear(struct vm_area_struct *vma,
				       vm_flags_t flags)
{
	vma->vm_flags &= ~flags;
}
#endif

#endif /* _XMSG_COMPAT_H */
