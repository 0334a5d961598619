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
#include <linux/atomic.h>
#include <linux/file.h>
#include <linux/hrtimer.h>
#include <linux/mm.h>
#include <linux/skbuff.h>

/* True when building against Linux @major.@minor or later. */
#define XMSG_KERNEL_AT_LEAST(major, minor) \
	(LINUX_VERSION_CODE >= KERNEL_VERSION(major, minor, 0))

/*
 * Symbol namespaces: EXPORT_SYMBOL_NS_GPL() and MODULE_IMPORT_NS() take a
 * string literal since 6.13, a bare identifier before.  Use XMSG_NS.
 */
#if XMSG_KERNEL_AT_LEAST(6, 13)
#define XMSG_NS "XMSG"
#else
#define XMSG_NS XMSG
#endif

/*
 * vm_area_struct.vm_flags is read-only since 6.3: vm_flags_set() and
 * vm_flags_clear() (which assert the mmap lock) change it.
 */
#if XMSG_KERNEL_AT_LEAST(6, 3)
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

/*
 * Double-word compare-and-exchange of two adjacent unsigned longs, @p[0]
 * and @p[1] (@p aligned to twice their size): cmpxchg_double() until 6.5,
 * then cmpxchg128() (64-bit) or cmpxchg64() (32-bit) on a union.  Fully
 * ordered; true when @p held @o0, @o1 and now holds @n0, @n1.
 * xmsg_has_cmpxchg_pair() is false on a CPU without the instruction (an
 * x86-64 CPU without CMPXCHG16B).
 */
#if XMSG_KERNEL_AT_LEAST(6, 5)
#ifdef CONFIG_64BIT
#define xmsg_has_cmpxchg_pair()	system_has_cmpxchg128()
#define xmsg_pair_t		u128
#define xmsg_cmpxchg_pair_raw	cmpxchg128
#else
#define xmsg_has_cmpxchg_pair()	system_has_cmpxchg64()
#define xmsg_pair_t		u64
#define xmsg_cmpxchg_pair_raw	cmpxchg64
#endif

union xmsg_pair {
	unsigned long w[2];
	xmsg_pair_t full;
};

static __always_inline bool xmsg_cmpxchg_pair(unsigned long *p,
					      unsigned long o0,
					      unsigned long o1,
					      unsigned long n0,
					      unsigned long n1)
{
	union xmsg_pair o = { .w = { o0, o1 } }, n = { .w = { n0, n1 } };

	return xmsg_cmpxchg_pair_raw((xmsg_pair_t *)p, o.full, n.full) ==
		o.full;
}
#else
#define xmsg_has_cmpxchg_pair()	system_has_cmpxchg_double()

static __always_inline bool xmsg_cmpxchg_pair(unsigned long *p,
					      unsigned long o0,
					      unsigned long o1,
					      unsigned long n0,
					      unsigned long n1)
{
	return cmpxchg_double(&p[0], &p[1], o0, o1, n0, n1);
}
#endif

/*
 * Zero-copy completion: struct ubuf_info has had a pointer to a struct
 * ubuf_info_ops (->complete) instead of a ->callback since 6.10.  Define a
 * struct xmsg_ubuf_ops with .complete and install it with
 * xmsg_ubuf_set_ops().
 */
#if XMSG_KERNEL_AT_LEAST(6, 10)
#define xmsg_ubuf_ops ubuf_info_ops

static inline void xmsg_ubuf_set_ops(struct ubuf_info *u,
				     const struct xmsg_ubuf_ops *ops)
{
	u->ops = ops;
}
#else
struct xmsg_ubuf_ops {
	void (*complete)(struct sk_buff *skb, struct ubuf_info *u,
			 bool zerocopy_success);
};

static inline void xmsg_ubuf_set_ops(struct ubuf_info *u,
				     const struct xmsg_ubuf_ops *ops)
{
	u->callback = ops->complete;
}
#endif

/*
 * struct fd is one tagged word since 6.12: fd_file() (a macro, also in
 * some stable kernels before it) reads its file.
 */
#ifdef fd_file
#define xmsg_fd_file(f)	fd_file(f)
#else
#define xmsg_fd_file(f)	((f).file)
#endif

/*
 * hrtimer_setup() and hrtimer_setup_on_stack() set the callback with the
 * rest since 6.13 and replace hrtimer_init(), hrtimer_init_on_stack()
 * (gone in 6.15) and the separate ->function store.
 */
#if XMSG_KERNEL_AT_LEAST(6, 13)
#define xmsg_hrtimer_setup hrtimer_setup
#define xmsg_hrtimer_setup_on_stack hrtimer_setup_on_stack
#else
static inline void
xmsg_hrtimer_setup(struct hrtimer *timer,
		   enum hrtimer_restart (*fn)(struct hrtimer *),
		   clockid_t clock_id, enum hrtimer_mode mode)
{
	hrtimer_init(timer, clock_id, mode);
	timer->function = fn;
}

static inline void
xmsg_hrtimer_setup_on_stack(struct hrtimer *timer,
			    enum hrtimer_restart (*fn)(struct hrtimer *),
			    clockid_t clock_id, enum hrtimer_mode mode)
{
	hrtimer_init_on_stack(timer, clock_id, mode);
	timer->function = fn;
}
#endif

/*
 * A kernel return address read from a stack frame, without its pointer
 * authentication code (arm64 with CONFIG_ARM64_PTR_AUTH_KERNEL):
 * ptrauth_strip_insn_pac() was renamed ptrauth_strip_kernel_insn_pac() in
 * 6.5.  Elsewhere the address as it is.
 */
#if defined(CONFIG_ARM64) && XMSG_KERNEL_AT_LEAST(6, 5)
#define xmsg_strip_kernel_pac(addr) ptrauth_strip_kernel_insn_pac(addr)
#elif defined(CONFIG_ARM64)
#define xmsg_strip_kernel_pac(addr) ptrauth_strip_insn_pac(addr)
#else
#define xmsg_strip_kernel_pac(addr) (addr)
#endif

/*
 * Trace events: __assign_str() takes only the field since 6.10 (the source
 * is the one given to __string()).
 */
#if XMSG_KERNEL_AT_LEAST(6, 10)
#define xmsg_assign_str(field, src) __assign_str(field)
#else
#define xmsg_assign_str(field, src) __assign_str(field, src)
#endif

#endif /* _XMSG_COMPAT_H */
