// SPDX-License-Identifier: GPL-2.0
/*
 * xmsgctl: the commands every named object (pool, heap, xchg, sem) has:
 * destroy, list, info (stats), watch.  What is particular to a type is printed by its
 * object's show hooks.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "xmsgctl.h"

struct obj_opts obj_opts = { .mode = 0600 };

/* -m, -e, -i, -n */
int obj_parse(int key, const char *arg)
{
	switch (key) {
	case 'm':
		return ctl_opt_mode(arg, &obj_opts.mode);
	case 'e':
		obj_opts.exist_ok = true;
		return 0;
	case 'i':
		return ctl_opt_count(arg, "interval", 1, &obj_opts.interval_ms);
	case 'n':
		obj_opts.number_set = true;
		return ctl_opt_count(arg, "number", 0, &obj_opts.number);
	}
	return ctl_usage("bad option");
}

uint32_t obj_create_flags(void)
{
	return obj_opts.exist_ok ? 0 : XMSG_CREATE_EXCL;
}

const struct ctl_obj *obj_of_type(uint32_t type)
{
	const struct ctl_obj *const *o;

	for (o = ctl_objects; *o; o++)
		if ((*o)->type == type)
			return *o;
	return NULL;
}

/* Open a named object with @access, or (access 0) with any right. */
int obj_open(struct xm *x, uint32_t type, const char *name, uint32_t access)
{
	int h;

	if (access)
		return xm_obj_open(x, type, name, access);
	h = xm_obj_open(x, type, name, XMSG_ACC_READ);
	if (h == -EACCES)
		h = xm_obj_open(x, type, name, XMSG_ACC_WRITE);
	return h;
}

int obj_destroy(const struct ctl_obj *obj, int argc, char **argv)
{
	struct xm *x = ctl_xm();
	int h, ret;

	h = obj_open(x, obj->type, argv[0], 0);
	if (h < 0)
		return ctl_fail(h, "cannot open", argv[0]);
	ret = xm_destroy(x, h);
	if (ret)
		return ctl_fail(ret, "cannot destroy", argv[0]);
	return EX_OK;
}

/* The members every named object has, then its type's counters. */
static void json_info(const struct xmsg_info *in)
{
	const struct ctl_obj *obj = obj_of_type(in->type);

	jw_str("type", xm_type_name(in->type));
	jw_str("name", in->name);
	jw_u64("uid", in->uid);
	jw_u64("gid", in->gid);
	jw_u64("mode", in->mode);
	jw_bool("destroyed", in->obj_flags & XMSG_OBJF_DEAD);
	jw_bool("reply", in->obj_flags & XMSG_OBJF_REPLY);
	if (obj && obj->show_json)
		obj->show_json(in);
}

static void show_info(const struct xmsg_info *in)
{
	const struct ctl_obj *obj = obj_of_type(in->type);

	printf("%s %s\n", xm_type_name(in->type), in->name);
	printf("  owner    uid %u gid %u mode %04o%s%s\n", in->uid, in->gid,
	       in->mode, in->obj_flags & XMSG_OBJF_DEAD ? " DESTROYED" : "",
	       in->obj_flags & XMSG_OBJF_REPLY ? " reply" : "");
	if (obj && obj->show)
		obj->show(in);
}

/* One entry of a list: the object's info, or why there is none. */
static void list_entry(struct xm *x, const struct xmsg_list_entry *e)
{
	const struct ctl_obj *obj = obj_of_type(e->type);
	struct xmsg_info in;
	int h, ret;

	h = obj_open(x, e->type, e->name, 0);
	ret = h < 0 ? h : xm_info(x, h, &in);
	if (h > 0)
		xm_handle_close(x, h);
	if (ctl_json) {
		jw_begin(NULL);
		if (ret) {
			jw_str("type", xm_type_name(e->type));
			jw_str("name", e->name);
			jw_u64("uid", e->uid);
			jw_u64("gid", e->gid);
			jw_u64("mode", e->mode);
			jw_str("error", xm_strerror(ret));
		} else {
			json_info(&in);
		}
		jw_end();
		return;
	}
	printf("%-5s %-31.*s %05o %6u %6u  ", xm_type_name(e->type),
	       XMSG_NAME_MAX, e->name, e->mode, e->uid, e->gid);
	if (ret)
		printf("(%s)", xm_strerror(ret));
	else if (obj && obj->show_short)
		obj->show_short(&in);
	putchar('\n');
}

int obj_list_type(struct xm *x, uint32_t type)
{
	struct xmsg_list_entry *v;
	size_t n, i;
	int ret;

	ret = xm_list(x, type, &v, &n);
	if (ret)
		return ctl_fail(ret, "cannot list objects", NULL);
	if (ctl_json)
		jw_array(NULL);
	else
		printf("%-5s %-31s %5s %6s %6s  %s\n", "TYPE", "NAME", "MODE",
		       "UID", "GID", "STATE");
	for (i = 0; i < n; i++)
		list_entry(x, &v[i]);
	if (ctl_json)
		jw_array_end();
	free(v);
	return EX_OK;
}

int obj_list(const struct ctl_obj *obj, int argc, char **argv)
{
	return obj_list_type(ctl_xm(), obj->type);
}

static void sleep_ms(long ms)
{
	struct timespec ts = {
		.tv_sec = ms / 1000,
		.tv_nsec = ms % 1000 * 1000000,
	};

	nanosleep(&ts, NULL);
}

/* info once, or (watch) every interval_ms */
static int info_loop(const struct ctl_obj *obj, struct xm *x,
		     const char *name, long interval_ms)
{
	struct xmsg_info in;
	struct timespec now;
	long i;
	int h, ret;

	h = obj_open(x, obj->type, name, 0);
	if (h < 0)
		return ctl_fail(h, "cannot open", name);
	for (i = 0; !interval_ms || !obj_opts.number_set ||
	     i < obj_opts.number; i++) {
		if (i)
			sleep_ms(interval_ms);
		ret = xm_info(x, h, &in);
		if (ret)
			return ctl_fail(ret, "cannot get info of", name);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (ctl_json) {
			jw_begin(NULL);
			if (interval_ms)
				jw_u64("time_ms", (uint64_t)now.tv_sec * 1000 +
				       now.tv_nsec / 1000000);
			json_info(&in);
			jw_end();
		} else {
			if (interval_ms)
				printf("--- %ld.%03ld\n", (long)now.tv_sec,
				       now.tv_nsec / 1000000);
			show_info(&in);
		}
		fflush(stdout);
		if (!interval_ms)
			break;
	}
	return EX_OK;
}

int obj_info(const struct ctl_obj *obj, int argc, char **argv)
{
	return info_loop(obj, ctl_xm(), argv[0], 0);
}

int obj_watch(const struct ctl_obj *obj, int argc, char **argv)
{
	return info_loop(obj, ctl_xm(), argv[0], obj_opts.interval_ms ?
			 obj_opts.interval_ms : 1000);
}
