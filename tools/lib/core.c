// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * libxmsg: contexts, pool mappings and calls on any handle.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include "xm_priv.h"

/*
 * One ioctl, never issued again after EINTR.  The kernel restarts the waits
 * that may be restarted (after an SA_RESTART handler, without a relative
 * timeout); the others return -EINTR and say what was done before the
 * signal (XMSG_IOC_CALL: whether it sent; XMSG_IOC_XFER: how many sends).
 * Issuing those again would send handles already consumed, or, once
 * another thread got the same numbers, that thread's messages.
 */
int xm_ioctl(struct xm *x, unsigned long cmd, void *arg)
{
	int ret;

	if (!x)
		return -EINVAL;
	ret = ioctl(x->fd, cmd, arg);
	return ret < 0 ? -errno : ret;
}

int xm_version_major(void)
{
	return LIBXMSG_VERSION_MAJOR;
}

int xm_version_minor(void)
{
	return LIBXMSG_VERSION_MINOR;
}

int xm_check_version(int major, int minor)
{
	return LIBXMSG_CHECK_VERSION(major, minor) ? 0 : -ENOTSUP;
}

int xm_name(char *dst, const char *name)
{
	size_t len = name ? strlen(name) : 0;

	memset(dst, 0, XMSG_NAME_MAX);
	if (len >= XMSG_NAME_MAX)
		return -ENAMETOOLONG;
	if (len)
		memcpy(dst, name, len);
	return 0;
}

int xm_open(struct xm **xp, const char *path)
{
	struct xm *x;
	int err;

	if (!xp)
		return -EINVAL;
	if (!path)
		path = getenv("XMSG_DEVICE");
	if (!path || !*path)
		path = XM_DEVICE;
	x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	x->fd = open(path, O_RDWR | O_CLOEXEC);
	if (x->fd < 0) {
		err = -errno;
		free(x);
		return err;
	}
	pthread_mutex_init(&x->lock, NULL);
	*xp = x;
	return 0;
}

void xm_close(struct xm *x)
{
	size_t i;

	if (!x)
		return;
	for (i = 0; i < x->nr_maps; i++)
		munmap(x->maps[i].base, x->maps[i].size);
	free(x->maps);
	close(x->fd);
	pthread_mutex_destroy(&x->lock);
	free(x);
}

int xm_fd(const struct xm *x)
{
	return x ? x->fd : -EINVAL;
}

int xm_features(struct xm *x, struct xmsg_features *f)
{
	XM_INIT(*f);
	return xm_ioctl(x, XMSG_IOC_FEATURES, f);
}

static int xm_handle_op(struct xm *x, unsigned long cmd, uint32_t handle)
{
	struct xmsg_handle_op op;

	XM_INIT(op);
	op.handle = handle;
	return xm_ioctl(x, cmd, &op);
}

int xm_handle_close(struct xm *x, uint32_t handle)
{
	int ret = xm_handle_op(x, XMSG_IOC_CLOSE, handle);

	if (!ret)
		xm_unmap_pool(x, handle);	/* no-op unless a mapped pool */
	return ret;
}

/* A pool is refused while mapped, so drop our own mapping first. */
int xm_destroy(struct xm *x, uint32_t handle)
{
	if (!x)
		return -EINVAL;
	xm_unmap_pool(x, handle);
	return xm_handle_op(x, XMSG_IOC_DESTROY, handle);
}

int xm_bcast_clear(struct xm *x, uint32_t xchg)
{
	return xm_handle_op(x, XMSG_IOC_BCAST_CLEAR, xchg);
}

int xm_xchg_clear(struct xm *x, uint32_t xchg)
{
	return xm_handle_op(x, XMSG_IOC_XCHG_CLEAR, xchg);
}

int xm_sem_clear(struct xm *x, uint32_t sem)
{
	return xm_handle_op(x, XMSG_IOC_SEM_CLEAR, sem);
}

int xm_info(struct xm *x, uint32_t handle, struct xmsg_info *info)
{
	XM_INIT(*info);
	info->handle = handle;
	return xm_ioctl(x, XMSG_IOC_INFO, info);
}

int xm_obj_open(struct xm *x, uint32_t type, const char *name,
		uint32_t access)
{
	struct xmsg_open op;
	int ret;

	XM_INIT(op);
	ret = xm_name(op.name, name);
	if (ret)
		return ret;
	op.type = type;
	op.access = access;
	ret = xm_ioctl(x, XMSG_IOC_OPEN, &op);
	return ret ? ret : (int)op.handle;
}

int xm_list(struct xm *x, uint32_t type, struct xmsg_list_entry **entries,
	    size_t *n)
{
	struct xmsg_list_entry *v = NULL, *nv;
	size_t nr = 0, cap = 0;
	struct xmsg_list l;
	uint64_t cursor = 0;
	int ret;

	do {
		if (cap - nr < 16) {
			cap = cap ? 2 * cap : 64;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv) {
				free(v);
				return -ENOMEM;
			}
			v = nv;
		}
		XM_INIT(l);
		l.type = type;
		l.count = cap - nr;
		l.cursor = cursor;
		l.entries = (uintptr_t)(v + nr);
		l.entry_size = sizeof(*v);
		ret = xm_ioctl(x, XMSG_IOC_LIST, &l);
		if (ret) {
			free(v);
			return ret;
		}
		nr += l.count;
		cursor = l.cursor;
	} while (cursor);
	*entries = v;
	*n = nr;
	return 0;
}

const char *xm_type_name(uint32_t type)
{
	switch (type) {
	case XMSG_TYPE_POOL: return "pool";
	case XMSG_TYPE_XCHG: return "xchg";
	case XMSG_TYPE_SEM: return "sem";
	case XMSG_TYPE_MSG: return "msg";
	case XMSG_TYPE_BCB: return "bcb";
	case XMSG_TYPE_BLOCK: return "block";
	case XMSG_TYPE_HEAP: return "heap";
	case XMSG_TYPE_CHUNK: return "chunk";
	}
	return "?";
}

/* pools */

int xm_pool_create(struct xm *x, const char *name, uint32_t block_size,
		   uint32_t count, uint32_t mode, uint32_t flags)
{
	struct xmsg_pool_create pc;
	int ret;

	XM_INIT(pc);
	ret = xm_name(pc.name, name);
	if (ret)
		return ret;
	pc.flags = flags;
	pc.mode = mode;
	pc.access = XMSG_ACC_RDWR;
	pc.block_size = block_size;
	pc.count = count;
	ret = xm_ioctl(x, XMSG_IOC_POOL_CREATE, &pc);
	return ret ? ret : (int)pc.handle;
}

int xm_pool_open(struct xm *x, const char *name, uint32_t access)
{
	return xm_obj_open(x, XMSG_TYPE_POOL, name, access);
}

int xm_pool_info(struct xm *x, uint32_t pool, struct xmsg_pool_info *pi)
{
	struct xmsg_info info;
	int ret = xm_info(x, pool, &info);

	if (ret)
		return ret;
	if (info.type != XMSG_TYPE_POOL)
		return -EINVAL;
	*pi = info.u.pool;
	return 0;
}

static struct xm_map *xm_find_map(struct xm *x, uint32_t pool)
{
	size_t i;

	for (i = 0; i < x->nr_maps; i++)
		if (x->maps[i].pool == pool)
			return &x->maps[i];
	return NULL;
}

static int xm_add_map(struct xm *x, uint32_t pool, void *base, size_t size)
{
	struct xm_map *nm;

	if (x->nr_maps == x->cap_maps) {
		size_t cap = x->cap_maps ? 2 * x->cap_maps : 8;

		nm = realloc(x->maps, cap * sizeof(*nm));
		if (!nm)
			return -ENOMEM;
		x->maps = nm;
		x->cap_maps = cap;
	}
	x->maps[x->nr_maps].pool = pool;
	x->maps[x->nr_maps].base = base;
	x->maps[x->nr_maps].size = size;
	x->nr_maps++;
	return 0;
}

static int __xm_pool_map(struct xm *x, uint32_t pool, struct xm_map **mp)
{
	struct xmsg_info info;
	size_t size;
	void *base;
	int prot, ret;

	*mp = xm_find_map(x, pool);
	if (*mp)
		return 0;
	ret = xm_info(x, pool, &info);
	if (ret)
		return ret;
	if (info.type == XMSG_TYPE_POOL)
		size = info.u.pool.region_size;
	else if (info.type == XMSG_TYPE_HEAP)	/* mapped alike */
		size = info.u.heap.region_size;
	else
		return -EINVAL;
	prot = PROT_READ;
	if (info.rights & XMSG_ACC_WRITE)
		prot |= PROT_WRITE;
	base = mmap(NULL, size, prot, MAP_SHARED, x->fd,
		    (off_t)XMSG_MMAP_OFFSET(pool));
	if (base == MAP_FAILED)
		return -errno;
	ret = xm_add_map(x, pool, base, size);
	if (ret) {
		munmap(base, size);
		return ret;
	}
	*mp = &x->maps[x->nr_maps - 1];
	return 0;
}

int xm_pool_map(struct xm *x, uint32_t pool, void **base, size_t *size)
{
	struct xm_map *m;
	int ret;

	if (!x)
		return -EINVAL;
	pthread_mutex_lock(&x->lock);
	ret = __xm_pool_map(x, pool, &m);
	if (!ret) {
		if (base)
			*base = m->base;
		if (size)
			*size = m->size;
	}
	pthread_mutex_unlock(&x->lock);
	return ret;
}

void xm_unmap_pool(struct xm *x, uint32_t pool)
{
	struct xm_map *m;

	pthread_mutex_lock(&x->lock);
	m = xm_find_map(x, pool);
	if (m) {
		munmap(m->base, m->size);
		*m = x->maps[--x->nr_maps];
	}
	pthread_mutex_unlock(&x->lock);
}

int xm_pool_unmap(struct xm *x, uint32_t pool)
{
	if (!x)
		return -EINVAL;
	xm_unmap_pool(x, pool);
	return 0;
}

int xm_pool_destroy(struct xm *x, uint32_t pool)
{
	return xm_destroy(x, pool);
}

void *xm_ptr(struct xm *x, uint32_t pool, uint64_t offset)
{
	struct xm_map *m;
	void *p = NULL;
	int ret;

	if (!x || !pool) {
		errno = EINVAL;
		return NULL;
	}
	pthread_mutex_lock(&x->lock);
	ret = __xm_pool_map(x, pool, &m);
	if (ret)
		errno = -ret;
	else if (offset >= m->size)
		errno = ERANGE;
	else
		p = (char *)m->base + offset;
	pthread_mutex_unlock(&x->lock);
	return p;
}
