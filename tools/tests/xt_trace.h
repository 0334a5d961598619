/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Trace events read back through tracefs, for the user tests that check
 * them (trace_test, nic_trace_test): find or mount tracefs, write its
 * control files, read the trace and look for an event's exact line.
 * Needs root; only libc.
 */
#ifndef XT_TRACE_H
#define XT_TRACE_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

static char xt_tracefs[64];

/*
 * Find (or mount) tracefs: 0 when it has an events/@system directory,
 * -ENOENT when it has not, -ENODEV without tracefs.
 */
static inline int xt_trace_find(const char *system)
{
	static const char * const dirs[] = {
		"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
	};
	char path[128];
	unsigned int i;

	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/events", dirs[i]);
		if (access(path, F_OK) && i == 0)
			mount("nodev", dirs[0], "tracefs", 0, NULL);
		if (access(path, F_OK) == 0) {
			snprintf(xt_tracefs, sizeof(xt_tracefs), "%s", dirs[i]);
			snprintf(path, sizeof(path), "%s/events/%s",
				 xt_tracefs, system);
			return access(path, F_OK) ? -ENOENT : 0;
		}
	}
	return -ENODEV;
}

/* Write @val to tracefs file @file (truncating it); 0 or -errno. */
static inline int xt_trace_write(const char *file, const char *val)
{
	char path[160];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", xt_tracefs, file);
	fd = open(path, O_WRONLY | O_TRUNC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -EIO;
}

/* The whole trace buffer, NUL-terminated; free() it. */
static inline char *xt_trace_read(void)
{
	size_t len = 0, cap = 1 << 16;
	char path[160], *buf = malloc(cap + 1);
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/trace", xt_tracefs);
	fd = open(path, O_RDONLY);
	if (fd < 0 || !buf) {
		if (fd >= 0)
			close(fd);
		free(buf);
		return NULL;
	}
	while ((n = read(fd, buf + len, cap - len)) > 0) {
		len += n;
		if (len == cap) {
			char *nb = realloc(buf, 2 * cap + 1);

			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
	}
	close(fd);
	buf[len] = '\0';
	return buf;
}

/* How many lines of @trace have "@event: " followed by exactly @fields. */
static inline int xt_trace_count(const char *trace, const char *event,
				 const char *fields)
{
	char want[256];
	const char *p = trace;
	int found = 0;
	size_t n;

	n = snprintf(want, sizeof(want), "%s: %s", event, fields);
	while ((p = strstr(p, want))) {
		if (p[n] == '\n' || p[n] == '\0')
			found++;
		p += n;
	}
	return found;
}

/* Does @trace have such a line?  Says which one it misses. */
static inline int xt_trace_has(const char *trace, const char *event,
			       const char *fields)
{
	if (xt_trace_count(trace, event, fields))
		return 1;
	fprintf(stderr, "# no event \"%s: %s\" in the trace\n", event, fields);
	return 0;
}

#endif /* XT_TRACE_H */
