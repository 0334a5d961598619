/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xmsg character device: /dev/xmsg, the user-space face of xmsg.
 *
 * The char device's own header: shared by the files of ipc/cdev/ (and
 * module.c, for init and exit) only.
 */
#ifndef _XMSG_CHARDEV_H
#define _XMSG_CHARDEV_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/uidgid.h>
#include <linux/xmsg.h>
#include <xmsg/mm.h>
#include <xmsg/ipc.h>

struct xmsg_registry;
struct xmsg_user;

/* Handle entries an open file keeps for reuse (xmsg_file.spare). */
#define XMSG_HANDLE_SPARE	32
struct ipc_namespace;
struct user_namespace;

/**
 * struct xmsg_cdev_obj - a pool, heap, exchange or semaphore as user space
 *	sees it
 * @ref: references: the registry while named, each handle, each poll fd
 * @type: XMSG_TYPE_POOL, XMSG_TYPE_XCHG, XMSG_TYPE_SEM or XMSG_TYPE_HEAP
 * @dead: destroyed by XMSG_IOC_DESTROY.  Set under @rwsem (write) for a
 *	pool or heap, under xmsg_reg_lock for the others; read without lock
 *	as a hint.
 * @mode: permission bits (0777)
 * @uid: owner
 * @gid: owner group
 * @user_ns: the user namespace owning the IPC namespace the object was
 *	created in (a reference): capabilities over the object are checked
 *	there
 * @name: name, "" when anonymous
 * @reg: registry holding the name, NULL when anonymous or unlinked.
 *	Protected by xmsg_reg_lock.
 * @id: index in @reg's id table.  Protected by xmsg_reg_lock.
 * @hnode: on @reg's name hash.  Protected by xmsg_reg_lock.
 * @reap_link: on a reaper's private list (xmsg_cdev_reg_reap())
 * @user: the user charged for the object
 * @charge: bytes counted against @user's limit
 * @rwsem: pools and heaps: read held by whoever makes blocks (chunks) go
 *	out or maps the region, write by destroy (which must see it idle)
 * @pool: XMSG_TYPE_POOL: the pool
 * @heap: XMSG_TYPE_HEAP: the heap
 * @obj: XMSG_TYPE_XCHG / XMSG_TYPE_SEM: the object (creator's reference)
 */
struct xmsg_cdev_obj {
	struct kref ref;
	u32 type;
	bool dead;
	umode_t mode;
	kuid_t uid;
	kgid_t gid;
	struct user_namespace *user_ns;
	char name[XMSG_NAME_MAX];
	struct xmsg_registry *reg;
	u32 id;
	struct hlist_node hnode;
	struct list_head reap_link;
	struct xmsg_user *user;
	u64 charge;
	struct rw_semaphore rwsem;
	union {
		struct xmsg_pool *pool;
		struct xmsg_heap *heap;
		struct xmsg_obj *obj;
	};
};

/*
 * The highest XMSG_TYPE_* a handle may have: arrays indexed by handle type
 * (the fdinfo census) are sized from it.  Raise it with a new type.
 */
#define XMSG_CDEV_TYPE_LAST	XMSG_TYPE_CHUNK

/* Pools and heaps: objects with a mappable region and no ipc object. */
static inline bool xmsg_cdev_type_has_region(u32 type)
{
	return type == XMSG_TYPE_POOL || type == XMSG_TYPE_HEAP;
}

/* Types of the named objects (struct xmsg_cdev_obj). */
static inline bool xmsg_cdev_type_is_obj(u32 type)
{
	return (type >= XMSG_TYPE_POOL && type <= XMSG_TYPE_SEM) ||
	       type == XMSG_TYPE_HEAP;
}

/**
 * struct xmsg_handle - one entry of an open file's handle table
 * @type: XMSG_TYPE_*
 * @rights: XMSG_ACC_* (objects)
 * @id: the handle
 * @gen: publication number in its file, unique for the file's life
 * @prio: messages: priority received with
 * @uobj: pool/heap/exchange/semaphore (a reference), NULL for a reply
 *	handle
 * @obj: exchange/semaphore: the object (a reference of its own when
 *	@uobj is NULL)
 * @pool_link: pools and heaps: on xmsg_file.pools
 * @msg: XMSG_TYPE_MSG
 * @bcb: XMSG_TYPE_BCB
 * @blk: XMSG_TYPE_BLOCK: the data block and its pool
 * @blk.dbp: data block pointer
 * @blk.pool: its pool
 * @chunk: XMSG_TYPE_CHUNK: a bare heap chunk
 * @chunk.p: the chunk
 * @chunk.heap: its heap
 * @chunk.size: its size
 */
struct xmsg_handle {
	u8 type;
	u8 rights;
	u8 prio;
	u32 id;
	u64 gen;
	struct xmsg_cdev_obj *uobj;
	struct xmsg_obj *obj;
	struct list_head pool_link;
	union {
		struct xmsg_msg *msg;
		struct xmsg_bcb *bcb;
		struct {
			void *dbp;
			struct xmsg_pool *pool;
		} blk;
		struct {
			void *p;
			struct xmsg_heap *heap;
			size_t size;
		} chunk;
	};
};

/**
 * struct xmsg_file - an open file of /dev/xmsg
 * @owner: owner of the file's BCBs and messages
 * @lock: serialises every change to and every use of @handles and @pools
 *	(never held across a sleep for a message, nor a user copy)
 * @tab: handle -> struct xmsg_handle (NULL: free or reserved), @cap
 *	slots.  Protected by @lock.
 * @used: bitmap of @cap bits: handle in use or reserved (bit 0 always
 *	set: 0 is never a handle).  Protected by @lock.
 * @cap: slots in @tab, 0 or a power of two.  Protected by @lock.
 * @next: every handle below it is in use: the search for the lowest free
 *	handle starts there.  Protected by @lock.
 * @nr: handles in use.  Protected by @lock.
 * @gen: entries published so far (xmsg_handle.gen).  Protected by @lock.
 * @pools: pool and heap handle entries, to find the handle of a body's
 *	pool or heap.  Protected by @lock.
 * @posts: broadcast exchanges this file has posted to (struct
 *	xmsg_file_post), withdrawn on release.  Protected by @lock.
 * @post_spare: an entry for @posts, allocated before the lock by a send
 *	that may need one (xmsg_cdev_post_prealloc()), or NULL.  Protected
 *	by @lock; read without it as a hint.
 * @spare: freed handle entries kept for reuse, so that a message sent and
 *	the next one received do not cost a kfree() and a kzalloc() each.
 *	Protected by @lock.
 * @nspare: entries in @spare.  Protected by @lock.
 */
struct xmsg_file {
	struct xmsg_owner owner;
	struct mutex lock;	/* see above */
	struct xmsg_handle **tab;
	unsigned long *used;
	u32 cap;
	u32 next;
	u32 nr;
	u64 gen;
	struct list_head pools;
	struct list_head posts;
	struct xmsg_file_post *post_spare;
	struct xmsg_handle *spare[XMSG_HANDLE_SPARE];
	u32 nspare;
};

/**
 * struct xmsg_file_post - a broadcast exchange an open file posted to
 * @obj: the exchange (a reference)
 * @link: on xmsg_file.posts
 * @withdraw: the real message of the file's last post there when it was
 *	sent with XMSG_SEND_BCAST_WITHDRAW and the file still holds it
 *	(releasing it withdraws the post), else NULL.  Cleared when the
 *	message leaves the file (__xmsg_cdev_posts_released(),
 *	__xmsg_cdev_posts_forget()), so it never outlives the handle.  Only
 *	compared, never dereferenced: the engine checks the post is still
 *	that message's.  Protected by xmsg_file.lock.
 */
struct xmsg_file_post {
	struct xmsg_obj *obj;
	struct list_head link;
	struct xmsg_msg *withdraw;
};

/* module parameters (chardev.c) */
extern unsigned int xmsg_max_pools;
extern unsigned int xmsg_max_objects;
extern unsigned long xmsg_max_pool_bytes;
extern unsigned int xmsg_max_handles;
extern unsigned int xmsg_max_block_count;

int xmsg_cdev_may_create(void);

/* registry.c */
extern struct mutex xmsg_reg_lock;
int xmsg_cdev_name_check(const char *name, bool may_be_empty);
struct xmsg_cdev_obj *xmsg_cdev_obj_alloc(u32 type, const char *name,
					  umode_t mode);
void xmsg_cdev_obj_get(struct xmsg_cdev_obj *uobj);
void xmsg_cdev_obj_discard(struct xmsg_cdev_obj *uobj);
void xmsg_cdev_obj_put(struct xmsg_cdev_obj *uobj);
int xmsg_cdev_obj_charge(struct xmsg_cdev_obj *uobj, u64 bytes);
struct xmsg_user *xmsg_cdev_user_charge_bytes(u64 bytes);
void xmsg_cdev_user_uncharge_bytes(struct xmsg_user *u, u64 bytes);
int xmsg_cdev_obj_perm(struct xmsg_cdev_obj *uobj, u32 access);
bool xmsg_cdev_obj_may_destroy(struct xmsg_cdev_obj *uobj);
struct xmsg_cdev_obj *__xmsg_cdev_reg_lookup(struct ipc_namespace *ns, u32 type,
					     const char *name);
int __xmsg_cdev_reg_insert(struct ipc_namespace *ns,
			   struct xmsg_cdev_obj *uobj);
void __xmsg_cdev_reg_unlink(struct xmsg_cdev_obj *uobj);
int xmsg_cdev_reg_list(struct ipc_namespace *ns, u32 type, u64 *cursor,
		       struct xmsg_list_entry *ents, u32 *count);
void xmsg_cdev_reg_reap(void);
int xmsg_cdev_obj_kill(struct xmsg_cdev_obj *uobj);
void xmsg_cdev_reg_exit(void);

/* chardev.c: handle table */
struct xmsg_handle *xmsg_cdev_handle_alloc(u8 type);
struct xmsg_handle *__xmsg_cdev_handle_new(struct xmsg_file *cf, u8 type);
void __xmsg_cdev_handle_free(struct xmsg_file *cf, struct xmsg_handle *h);
int xmsg_cdev_handle_reserve(struct xmsg_file *cf, u32 *id);
void xmsg_cdev_handle_publish(struct xmsg_file *cf, struct xmsg_handle *h,
			      u32 id);
void xmsg_cdev_handle_unreserve(struct xmsg_file *cf, u32 id);
void xmsg_cdev_handle_unpublish(struct xmsg_file *cf, struct xmsg_handle *h);
struct xmsg_handle *__xmsg_cdev_handle_at(struct xmsg_file *cf, u32 id);
struct xmsg_handle *__xmsg_cdev_handle_again(struct xmsg_file *cf, u32 id,
					     u64 gen);
struct xmsg_handle *__xmsg_cdev_handle_find(struct xmsg_file *cf, u32 id,
					    u8 type, int *err);
void __xmsg_cdev_handle_remove(struct xmsg_file *cf, struct xmsg_handle *h);
void xmsg_cdev_handle_drop(struct xmsg_handle *h);
u32 __xmsg_cdev_pool_handle(struct xmsg_file *cf, struct xmsg_pool *pool);
u32 __xmsg_cdev_heap_handle(struct xmsg_file *cf, struct xmsg_heap *heap);
bool __xmsg_cdev_pool_writable(struct xmsg_file *cf, struct xmsg_pool *pool);
int xmsg_cdev_copy_in(void *karg, size_t ksize, size_t ver0,
		      const void __user *uarg, unsigned int cmd);
int xmsg_cdev_copy_out(void __user *uarg, const void *karg, size_t ksize);
long xmsg_cdev_timeout_deadline(s64 ns, u32 flags, ktime_t *deadline);
int xmsg_cdev_wait_err(int err, long kind, bool restart);

/* object.c: objects */
long xmsg_cdev_ioc_pool_create(struct xmsg_file *cf, void __user *arg,
			       unsigned int cmd);
long xmsg_cdev_ioc_xchg_create(struct xmsg_file *cf, void __user *arg,
			       unsigned int cmd);
long xmsg_cdev_ioc_sem_create(struct xmsg_file *cf, void __user *arg,
			      unsigned int cmd);
long xmsg_cdev_ioc_heap_create(struct xmsg_file *cf, void __user *arg,
			       unsigned int cmd);
long xmsg_cdev_ioc_open(struct xmsg_file *cf, void __user *arg,
			unsigned int cmd);
long xmsg_cdev_ioc_destroy(struct xmsg_file *cf, void __user *arg,
			   unsigned int cmd);
long xmsg_cdev_ioc_info(struct xmsg_file *cf, void __user *arg,
			unsigned int cmd);
long xmsg_cdev_ioc_list(struct xmsg_file *cf, void __user *arg,
			unsigned int cmd);
long xmsg_cdev_ioc_poll_fd(struct xmsg_file *cf, void __user *arg,
			   unsigned int cmd);
struct xmsg_handle *__xmsg_cdev_manage_find(struct xmsg_file *cf, u32 id,
					    u32 type, int *err);
struct xmsg_obj *xmsg_cdev_clear_target(struct xmsg_file *cf,
					void __user *arg, unsigned int cmd,
					u32 type);
int xmsg_cdev_pool_mmap(struct xmsg_file *cf, struct vm_area_struct *vma);

/* buf.c: blocks, messages, proxies */
long xmsg_cdev_ioc_buf(struct xmsg_file *cf, void __user *arg,
		       unsigned int cmd);
void xmsg_cdev_buf_describe(struct xmsg_file *cf, struct xmsg_handle *h,
			    struct xmsg_buf_info *bi);

struct xmsg_cdev_obj *__xmsg_cdev_src_writable(struct xmsg_file *cf, u32 src,
					       u8 type, int *err);

/* heap.c: heap messages and bare chunks (dispatched by buf.c) */
int __xmsg_cdev_heap_get(struct xmsg_file *cf, unsigned int nr,
			 struct xmsg_buf *b, struct xmsg_handle *hn);
int __xmsg_cdev_heap_make(struct xmsg_file *cf, struct xmsg_buf *b,
			  struct xmsg_handle *hn);
int __xmsg_cdev_heap_unmake(struct xmsg_file *cf, struct xmsg_buf *b,
			    struct xmsg_handle *hn);
void xmsg_cdev_heap_describe(struct xmsg_file *cf, struct xmsg_heap *heap,
			     const void *p, struct xmsg_buf_info *bi);
void xmsg_cdev_heap_info(struct xmsg_heap *heap, struct xmsg_heap_info *hi);

/* sendrecv.c: send, receive, call, batches */
long xmsg_cdev_ioc_send(struct xmsg_file *cf, void __user *arg,
			unsigned int cmd);
long xmsg_cdev_ioc_recv(struct xmsg_file *cf, void __user *arg,
			unsigned int cmd);
long xmsg_cdev_ioc_call(struct xmsg_file *cf, void __user *arg,
			unsigned int cmd);
long xmsg_cdev_ioc_xfer(struct xmsg_file *cf, void __user *arg,
			unsigned int cmd);
long xmsg_cdev_ioc_bcast_clear(struct xmsg_file *cf, void __user *arg,
			       unsigned int cmd);
long xmsg_cdev_ioc_xchg_clear(struct xmsg_file *cf, void __user *arg,
			      unsigned int cmd);
long xmsg_cdev_ioc_xchg_bump(struct xmsg_file *cf, void __user *arg,
			     unsigned int cmd);
void __xmsg_cdev_posts_released(struct xmsg_file *cf, struct xmsg_handle *h);
void __xmsg_cdev_posts_forget(struct xmsg_file *cf, struct xmsg_msg *msg);

/* sem.c: semaphores */
long xmsg_cdev_ioc_sem(struct xmsg_file *cf, void __user *arg,
		       unsigned int cmd);
long xmsg_cdev_ioc_sem_signal_wait(struct xmsg_file *cf, void __user *arg,
				   unsigned int cmd);
long xmsg_cdev_ioc_sem_clear(struct xmsg_file *cf, void __user *arg,
			     unsigned int cmd);

/* read.c: copy-out read of a body */
long xmsg_cdev_ioc_msg_read(struct xmsg_file *cf, void __user *arg,
			    unsigned int cmd);
long xmsg_cdev_ioc_msg_set_length(struct xmsg_file *cf, void __user *arg,
				  unsigned int cmd);

/* ring.c: receive rings (their files; the rings are ipc/ring.c) */
long xmsg_cdev_ioc_ring(struct xmsg_file *cf, void __user *arg,
			unsigned int cmd);
long xmsg_cdev_ioc_ring_take(struct xmsg_file *cf, void __user *arg,
			     unsigned int cmd);

/* txring.c: send rings (their files; the rings are ipc/txring.c) */
long xmsg_cdev_ioc_txring(struct xmsg_file *cf, void __user *arg,
			  unsigned int cmd);
long xmsg_cdev_ioc_txring_kick(struct xmsg_file *cf, void __user *arg,
			       unsigned int cmd);

int xmsg_cdev_init(void);
void xmsg_cdev_exit(void);

#endif /* _XMSG_CHARDEV_H */
