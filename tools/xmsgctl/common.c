// SPDX-License-Identifier: GPL-2.0
/*
 * xmsgctl: error lines and exit codes, parsing option arguments, and a
 * small JSON writer.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xmsgctl.h"

/* Say what is wrong with the command line; returns EX_USAGE. */
int ctl_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", ctl_prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry '%s --help'.\n", ctl_prog);
	return EX_USAGE;
}

int ctl_exit_code(int err)
{
	switch (-err) {
	case EAGAIN:
	case ETIMEDOUT:
		return EX_EMPTY;
	case ENOENT:
		return EX_NOENT;
	case EACCES:
	case EPERM:
		return EX_PERM;
	}
	return EX_ERR;
}

/*
 * "xmsgctl: WHAT 'NAME': MEANING" with the xmsg meaning of -@err
 * (xm_strerror()); returns the exit code for @err.
 */
int ctl_fail(int err, const char *what, const char *name)
{
	if (name)
		fprintf(stderr, "%s: %s '%s': %s\n", ctl_prog, what, name,
			xm_strerror(err));
	else
		fprintf(stderr, "%s: %s: %s\n", ctl_prog, what,
			xm_strerror(err));
	return ctl_exit_code(err);
}

/* 0, or -1 if @s is not a number of 0..UINT64_MAX in @base (0: any). */
int ctl_parse_u64(const char *s, uint64_t *v, int base)
{
	unsigned long long x;
	char *end;

	errno = 0;
	x = strtoull(s, &end, base);
	if (errno || !*s || *end || *s == '-')
		return -1;
	*v = x;
	return 0;
}

/* 0, or -1 if @s is not a number of 0..UINT32_MAX in @base (0: any). */
int ctl_parse_u32(const char *s, uint32_t *v, int base)
{
	uint64_t x;

	if (ctl_parse_u64(s, &x, base) || x > UINT32_MAX)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

/* A message tag (msg send -g, xchg bump): 1 to UINT64_MAX, any base. */
int ctl_opt_tag(const char *arg, uint64_t *tag)
{
	if (ctl_parse_u64(arg, tag, 0) || !*tag)
		return ctl_usage("bad tag '%s' (1 to %llu, decimal, 0x hex "
				 "or 0 octal)", arg, (unsigned long long)UINT64_MAX);
	return 0;
}

/* A message priority: 0 to XMSG_MSG_PRIO_MAX. */
int ctl_opt_prio(const char *arg, uint32_t *prio)
{
	if (ctl_parse_u32(arg, prio, 10) || *prio > XMSG_MSG_PRIO_MAX)
		return ctl_usage("bad priority '%s' (0..%u)", arg,
				 XMSG_MSG_PRIO_MAX);
	return 0;
}

/* 0, or -1 if @s is not a decimal long. */
int ctl_parse_long(const char *s, long *v)
{
	char *end;

	errno = 0;
	*v = strtol(s, &end, 10);
	return (errno || !*s || *end) ? -1 : 0;
}

/* -m MODE: octal permission bits. */
int ctl_opt_mode(const char *arg, uint32_t *mode)
{
	if (ctl_parse_u32(arg, mode, 8) || *mode > 0777)
		return ctl_usage("bad mode '%s' (octal, 0 to 0777)", arg);
	return 0;
}

/* -T MS: milliseconds, 0 do not block, -1 forever. */
int ctl_opt_timeout(const char *arg, long *ms)
{
	if (ctl_parse_long(arg, ms) || *ms < -1)
		return ctl_usage("bad timeout '%s' (milliseconds, -1: forever)",
				 arg);
	return 0;
}

/* A count of at least @min. */
int ctl_opt_count(const char *arg, const char *what, long min, long *v)
{
	if (ctl_parse_long(arg, v) || *v < min)
		return ctl_usage("bad %s '%s'", what, arg);
	return 0;
}

/* A -T value as a libxmsg timeout. */
int64_t ctl_timeout_ns(long ms)
{
	return ms < 0 ? XM_FOREVER : ms == 0 ? XM_NOWAIT : XM_MS(ms);
}

/* @names[@k] of the @n kind names, or "?". */
const char *ctl_kind_name(const char *const *names, uint32_t n, uint32_t k)
{
	return k < n ? names[k] : "?";
}

/* The kind called @s of the @n kind names. */
int ctl_kind_of(const char *s, const char *const *names, uint32_t n,
		uint32_t *kind)
{
	uint32_t k;

	for (k = 0; k < n; k++)
		if (!strcmp(s, names[k])) {
			*kind = k;
			return 0;
		}
	return ctl_usage("unknown kind '%s'", s);
}

/*
 * JSON: the writer knows, per nesting level, whether a member came before
 * (for the comma).  A document ends with a newline when its outermost
 * object or array closes, so that a watch prints one document per line.
 */
#define JW_DEPTH	16

static int jw_depth;
static bool jw_more[JW_DEPTH];

static void jw_string(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	putchar('"');
	for (; *p; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", stdout);
		else if (*p == '\t')
			fputs("\\t", stdout);
		else if (*p < 0x20 || *p == 0x7f)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

/* The comma and "key": before a value (@key NULL inside an array). */
static void jw_key(const char *key)
{
	if (jw_depth && jw_depth <= JW_DEPTH) {
		if (jw_more[jw_depth - 1])
			putchar(',');
		jw_more[jw_depth - 1] = true;
	}
	if (key) {
		jw_string(key);
		putchar(':');
	}
}

static void jw_open(const char *key, char c)
{
	jw_key(key);
	putchar(c);
	if (jw_depth < JW_DEPTH)
		jw_more[jw_depth] = false;
	jw_depth++;
}

static void jw_close(char c)
{
	putchar(c);
	if (--jw_depth == 0) {
		putchar('\n');
		fflush(stdout);
	}
}

void jw_begin(const char *key)
{
	jw_open(key, '{');
}

void jw_end(void)
{
	jw_close('}');
}

void jw_array(const char *key)
{
	jw_open(key, '[');
}

void jw_array_end(void)
{
	jw_close(']');
}

void jw_str(const char *key, const char *s)
{
	jw_key(key);
	jw_string(s);
}

void jw_u64(const char *key, uint64_t v)
{
	jw_key(key);
	printf("%" PRIu64, v);
}

void jw_int(const char *key, long long v)
{
	jw_key(key);
	printf("%lld", v);
}

void jw_bool(const char *key, bool v)
{
	jw_key(key);
	fputs(v ? "true" : "false", stdout);
}
