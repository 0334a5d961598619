/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/* libxmsg internals (not installed). */
#ifndef XM_PRIV_H
#define XM_PRIV_H

#include <pthread.h>
#include <string.h>
#include "libxmsg.h"

/**
 * struct xm_map - one mapped pool region
 * @pool: pool handle
 * @base: start of the mapping
 * @size: bytes mapped (the whole region)
 */
struct xm_map {
	uint32_t pool;
	void *base;
	size_t size;
};

/**
 * struct xm - a device context
 * @fd: the open file of /dev/xmsg
 * @lock: protects @maps and @nr_maps
 * @maps: mapped pools
 * @nr_maps: entries used in @maps
 * @cap_maps: entries allocated in @maps
 */
struct xm {
	int fd;
	pthread_mutex_t lock;
	struct xm_map *maps;
	size_t nr_maps;
	size_t cap_maps;
};

/* ioctl(), returning 0 or -errno */
int xm_ioctl(struct xm *x, unsigned long cmd, void *arg);
/* copy a name into a zeroed char[XMSG_NAME_MAX]; NULL and "" give "" */
int xm_name(char *dst, const char *name);
/* forget (and unmap) @pool's mapping, if any */
void xm_unmap_pool(struct xm *x, uint32_t pool);

#define XM_INIT(s) do { memset(&(s), 0, sizeof(s)); (s).size = sizeof(s); } while (0)

#endif /* XM_PRIV_H */
