// SPDX-License-Identifier: GPL-2.0
/*
 * xmsgctl: manage xmsg pools, exchanges and semaphores from the shell, send
 * and receive messages, watch statistics.
 *
 * Each invocation opens /dev/xmsg once and is its own owner: what it gets is
 * released when it exits, but a message it sent stays at its exchange.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/vfs.h>
#include "libxmsg.h"

/* exit codes */
#define EX_OK		0	/* success */
#define EX_ERR		1	/* an operation failed */
#define EX_USAGE	2	/* bad command line */
#define EX_EMPTY	3	/* timeout, or nothing to receive / wait for */
#define EX_NOENT	4	/* no such object (or no /dev/xmsg) */
#define EX_PERM		5	/* permission denied */

static const char *prog = "xmsgctl";
static const char *device;

static const char usage_text[] =
"usage: xmsgctl [-d DEVICE] [--help] COMMAND [ARGS] [OPTIONS]\n"
"\n"
"Objects (TYPE is pool, xchg or sem):\n"
"  create pool NAME BLOCK_SIZE COUNT [-m MODE] [-e]\n"
"  create xchg NAME [-k normal|pass|bcast] [-l LIMIT] [-m MODE] [-e]\n"
"  create sem NAME [-k count|threshold|gate] [-c COUNT] [-t THRESHOLD]\n"
"                  [-m MODE] [-e]\n"
"  destroy TYPE NAME          destroy an object (owner or CAP_IPC_OWNER)\n"
"  list [TYPE]                list named objects with their main counters\n"
"  info TYPE NAME             show an object and all its counters\n"
"  stats TYPE NAME            same as info\n"
"  watch TYPE NAME [-i MS] [-n COUNT]\n"
"                             print the counters every MS milliseconds\n"
"  features                   what the kernel supports, and its limits\n"
"  nic [DEV]                  xmsg_nic.ko statistics of every attached device\n"
"                             (or DEV): frames made, delivered, dropped by\n"
"                             reason, transmitted, blocks in flight.  Read\n"
"                             from debugfs ($XMSG_DEBUGFS or\n"
"                             /sys/kernel/debug; needs root)\n"
"\n"
"Messages:\n"
"  send XCHG POOL [TEXT...] [-p PRIO] [-r REPLY] [-f] [-w MS]\n"
"                             send TEXT (words joined by spaces) or, without\n"
"                             TEXT, standard input, in a message of POOL.\n"
"                             The body is exactly the data (a proxy slice of\n"
"                             the block) unless -f sends the whole block.\n"
"                             A broadcast post is withdrawn when its sender\n"
"                             exits: -w keeps this run (and the post) alive\n"
"                             MS ms (-1: until killed)\n"
"  recv XCHG [-T MS] [-P POOL] [-R|-x] [-v] [-a]\n"
"                             receive one message and print its body (text\n"
"                             up to the first NUL; -R raw bytes; -x hex).\n"
"                             -T timeout in ms (default: do not wait; -1\n"
"                             forever); -P the body's pool (default: every\n"
"                             pool we may read); -v metadata on stderr;\n"
"                             -a signal the reply semaphore, if any\n"
"  ring XCHG POOL [-n COUNT] [-T MS] [-R|-x] [-v]\n"
"                             open a receive ring at XCHG for bodies of POOL\n"
"                             and print COUNT (default 1) messages as they\n"
"                             arrive, read in shared memory without a system\n"
"                             call each; -T: give up after MS ms (default\n"
"                             forever)\n"
"  bcast-clear XCHG           withdraw the message posted at a broadcast xchg\n"
"                             (only the owner that posted it may clear it;\n"
"                             it is withdrawn anyway when that owner exits)\n"
"\n"
"Semaphores:\n"
"  signal SEM [-n COUNT]      signal COUNT times (default 1)\n"
"  wait SEM [-T MS]           wait (default: forever; 0: do not block)\n"
"\n"
"Options:\n"
"  -d, --device PATH   device (default $XMSG_DEVICE or /dev/xmsg)\n"
"  -m, --mode MODE     octal permission bits for create (default 0600)\n"
"  -e, --exist-ok      create: open an existing object instead of failing\n"
"  -h, --help          this text\n"
"\n"
"Exit codes: 0 ok, 1 error, 2 usage, 3 timed out / nothing there (recv,\n"
"wait), 4 no such object or no device, 5 permission denied.\n";

static void usage(FILE *f)
{
	fputs(usage_text, f);
}

static int die_usage(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", prog);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry '%s --help'.\n", prog);
	return EX_USAGE;
}

static int exit_code(int err)
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

/* Report -err for @what and return the exit code. */
static int fail(int err, const char *what, const char *name)
{
	if (name)
		fprintf(stderr, "%s: %s '%s': %s\n", prog, what, name,
			strerror(-err));
	else
		fprintf(stderr, "%s: %s: %s\n", prog, what, strerror(-err));
	return exit_code(err);
}

struct opts {
	uint32_t mode;
	uint32_t kind;
	int kind_set;
	uint32_t limit;
	uint32_t count;
	int count_set;
	uint32_t threshold;
	uint32_t prio;
	int64_t timeout_ms;
	int timeout_set;
	const char *pool;
	const char *reply;
	int raw, hex, verbose, ack, full, exist_ok;
	long interval_ms;
	long hold_ms;
	int hold_set;
	long n;
	int n_set;
	const char *kind_name;
};

static int parse_u32(const char *s, uint32_t *v, int base)
{
	unsigned long long x;
	char *end;

	errno = 0;
	x = strtoull(s, &end, base);
	if (errno || !*s || *end || *s == '-' || x > UINT32_MAX)
		return -1;
	*v = (uint32_t)x;
	return 0;
}

static int parse_long(const char *s, long *v)
{
	char *end;

	errno = 0;
	*v = strtol(s, &end, 10);
	return (errno || !*s || *end) ? -1 : 0;
}

static const struct option long_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "device", required_argument, NULL, 'd' },
	{ "mode", required_argument, NULL, 'm' },
	{ "kind", required_argument, NULL, 'k' },
	{ "limit", required_argument, NULL, 'l' },
	{ "count", required_argument, NULL, 'c' },
	{ "threshold", required_argument, NULL, 't' },
	{ "prio", required_argument, NULL, 'p' },
	{ "timeout", required_argument, NULL, 'T' },
	{ "pool", required_argument, NULL, 'P' },
	{ "reply", required_argument, NULL, 'r' },
	{ "raw", no_argument, NULL, 'R' },
	{ "hex", no_argument, NULL, 'x' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "ack", no_argument, NULL, 'a' },
	{ "full", no_argument, NULL, 'f' },
	{ "exist-ok", no_argument, NULL, 'e' },
	{ "interval", required_argument, NULL, 'i' },
	{ "number", required_argument, NULL, 'n' },
	{ "hold", required_argument, NULL, 'w' },
	{ NULL, 0, NULL, 0 }
};

/* Returns 0, or EX_USAGE after printing why. */
static int parse_opt(int c, struct opts *o)
{
	long l;

	switch (c) {
	case 'd':
		device = optarg;
		return 0;
	case 'm':
		if (parse_u32(optarg, &o->mode, 8) || o->mode > 0777)
			return die_usage("bad mode '%s'", optarg);
		return 0;
	case 'k':
		o->kind_name = optarg;
		o->kind_set = 1;
		return 0;
	case 'l':
		return parse_u32(optarg, &o->limit, 10) ?
			die_usage("bad limit '%s'", optarg) : 0;
	case 'c':
		o->count_set = 1;
		return parse_u32(optarg, &o->count, 10) ?
			die_usage("bad count '%s'", optarg) : 0;
	case 't':
		return parse_u32(optarg, &o->threshold, 10) ?
			die_usage("bad threshold '%s'", optarg) : 0;
	case 'p':
		if (parse_u32(optarg, &o->prio, 10) ||
		    o->prio > XMSG_MSG_PRIO_MAX)
			return die_usage("bad priority '%s' (0..31)", optarg);
		return 0;
	case 'T':
		if (parse_long(optarg, &l) || l < -1)
			return die_usage("bad timeout '%s'", optarg);
		o->timeout_ms = l;
		o->timeout_set = 1;
		return 0;
	case 'P':
		o->pool = optarg;
		return 0;
	case 'r':
		o->reply = optarg;
		return 0;
	case 'R':
		o->raw = 1;
		return 0;
	case 'x':
		o->hex = 1;
		return 0;
	case 'v':
		o->verbose = 1;
		return 0;
	case 'a':
		o->ack = 1;
		return 0;
	case 'f':
		o->full = 1;
		return 0;
	case 'e':
		o->exist_ok = 1;
		return 0;
	case 'i':
		if (parse_long(optarg, &o->interval_ms) || o->interval_ms < 1)
			return die_usage("bad interval '%s'", optarg);
		return 0;
	case 'n':
		if (parse_long(optarg, &o->n) || o->n < 0)
			return die_usage("bad number '%s'", optarg);
		o->n_set = 1;
		return 0;
	case 'w':
		if (parse_long(optarg, &o->hold_ms) || o->hold_ms < -1)
			return die_usage("bad hold time '%s'", optarg);
		o->hold_set = 1;
		return 0;
	case 'h':
		usage(stdout);
		exit(EX_OK);
	}
	return die_usage("%s", "bad option");
}

static int type_of(const char *s, uint32_t *type)
{
	if (!strcmp(s, "pool") || !strcmp(s, "pools"))
		*type = XMSG_TYPE_POOL;
	else if (!strcmp(s, "xchg") || !strcmp(s, "xchgs") ||
		 !strcmp(s, "exchange") || !strcmp(s, "exchanges"))
		*type = XMSG_TYPE_XCHG;
	else if (!strcmp(s, "sem") || !strcmp(s, "sems") ||
		 !strcmp(s, "semaphore") || !strcmp(s, "semaphores"))
		*type = XMSG_TYPE_SEM;
	else
		return die_usage("unknown object type '%s' (pool, xchg, sem)",
				 s);
	return 0;
}

static const char *xchg_kind_name(uint32_t k)
{
	static const char *const n[] = { "normal", "pass", "bcast" };

	return k < 3 ? n[k] : "?";
}

static const char *sem_kind_name(uint32_t k)
{
	static const char *const n[] = { "count", "threshold", "gate" };

	return k < 3 ? n[k] : "?";
}

static int kind_of(const char *s, uint32_t type, uint32_t *kind)
{
	uint32_t k;

	for (k = 0; k < 3; k++) {
		const char *n = type == XMSG_TYPE_XCHG ? xchg_kind_name(k) :
							 sem_kind_name(k);
		if (!strcmp(s, n)) {
			*kind = k;
			return 0;
		}
	}
	if (type == XMSG_TYPE_XCHG && !strcmp(s, "broadcast")) {
		*kind = XMSG_XCHG_KIND_BCAST;
		return 0;
	}
	return die_usage("unknown kind '%s'", s);
}

static int open_ctx(struct xm **x)
{
	int ret = xm_open(x, device);

	if (ret) {
		const char *p = device ? device :
			(getenv("XMSG_DEVICE") ? getenv("XMSG_DEVICE") :
			 XM_DEVICE);
		fprintf(stderr, "%s: cannot open %s: %s%s\n", prog, p,
			strerror(-ret),
			ret == -ENOENT ? " (is xmsg.ko loaded?)" : "");
		exit(ret == -ENOENT ? EX_NOENT : exit_code(ret));
	}
	return 0;
}

/* Open a named object with @access, or (access 0) with any right. */
static int open_obj(struct xm *x, uint32_t type, const char *name,
		    uint32_t access)
{
	int h;

	if (access)
		return xm_obj_open(x, type, name, access);
	h = xm_obj_open(x, type, name, XMSG_ACC_READ);
	if (h == -EACCES)
		h = xm_obj_open(x, type, name, XMSG_ACC_WRITE);
	return h;
}

/* create */

static int cmd_create(struct xm *x, int argc, char **argv, struct opts *o)
{
	uint32_t type, bs, count, flags = o->exist_ok ? 0 : XMSG_CREATE_EXCL;
	uint32_t kind = 0;
	int h;

	if (argc < 2)
		return die_usage("%s", "create: TYPE and NAME needed");
	if (type_of(argv[0], &type))
		return EX_USAGE;
	if (o->kind_set && type == XMSG_TYPE_POOL)
		return die_usage("%s", "pools have no kind");
	if (o->kind_set && kind_of(o->kind_name, type, &kind))
		return EX_USAGE;
	switch (type) {
	case XMSG_TYPE_POOL:
		if (argc != 4 || parse_u32(argv[2], &bs, 0) ||
		    parse_u32(argv[3], &count, 0))
			return die_usage("%s",
				"create pool NAME BLOCK_SIZE COUNT");
		h = xm_pool_create(x, argv[1], bs, count, o->mode, flags);
		break;
	case XMSG_TYPE_XCHG:
		if (argc != 2)
			return die_usage("%s", "create xchg NAME [options]");
		h = xm_xchg_create(x, argv[1], kind, o->limit, o->mode, flags);
		break;
	default:
		if (argc != 2)
			return die_usage("%s", "create sem NAME [options]");
		if (kind == XMSG_SEM_KIND_THRESHOLD && !o->threshold)
			return die_usage("%s",
				"a threshold semaphore needs -t THRESHOLD");
		h = xm_sem_create(x, argv[1], kind, o->count,
				  kind == XMSG_SEM_KIND_THRESHOLD ?
				  o->threshold : 0, o->mode, flags);
		break;
	}
	if (h < 0)
		return fail(h, "cannot create", argv[1]);
	return EX_OK;
}

/* destroy */

static int cmd_destroy(struct xm *x, int argc, char **argv, struct opts *o)
{
	uint32_t type;
	int h, ret;

	if (argc != 2)
		return die_usage("%s", "destroy TYPE NAME");
	if (type_of(argv[0], &type))
		return EX_USAGE;
	h = open_obj(x, type, argv[1], 0);
	if (h < 0)
		return fail(h, "cannot open", argv[1]);
	ret = xm_destroy(x, h);
	if (ret)
		return fail(ret, "cannot destroy", argv[1]);
	return EX_OK;
}

/* list, info, watch */

static void print_mode(const struct xmsg_info *in)
{
	printf("  owner    uid %u gid %u mode %04o%s%s\n", in->uid, in->gid,
	       in->mode, in->obj_flags & XMSG_OBJF_DEAD ? " DESTROYED" : "",
	       in->obj_flags & XMSG_OBJF_REPLY ? " reply" : "");
}

static void print_info(const struct xmsg_info *in)
{
	const struct xmsg_pool_info *p = &in->u.pool;
	const struct xmsg_xchg_info *e = &in->u.xchg;
	const struct xmsg_sem_info *s = &in->u.sem;

	printf("%s %s\n", xm_type_name(in->type), in->name);
	print_mode(in);
	switch (in->type) {
	case XMSG_TYPE_POOL:
		printf("  blocks   %" PRIu64 " x %" PRIu64 " bytes, region %"
		       PRIu64 " bytes\n", (uint64_t)p->count,
		       (uint64_t)p->block_size, (uint64_t)p->region_size);
		printf("  free     %" PRIu64 "  in_use %" PRIu64
		       "  high_water %" PRIu64 "\n", (uint64_t)p->free,
		       (uint64_t)p->in_use, (uint64_t)p->high_water);
		printf("  failed_gets %" PRIu64 "  bad_rels %" PRIu64
		       "  mapped %" PRIu64 "\n", (uint64_t)p->failed_gets,
		       (uint64_t)p->bad_rels, (uint64_t)p->mapped);
		break;
	case XMSG_TYPE_XCHG:
		printf("  kind     %s  limit %u\n", xchg_kind_name(e->kind),
		       e->limit);
		printf("  queued   %u  waiters %u\n", e->queued, e->waiters);
		printf("  sent     %" PRIu64 "  received %" PRIu64
		       "  generation %" PRIu64 "\n", (uint64_t)e->sent,
		       (uint64_t)e->received, (uint64_t)e->gen);
		break;
	case XMSG_TYPE_SEM:
		printf("  kind     %s  threshold %u\n", sem_kind_name(s->kind),
		       s->threshold);
		printf("  count    %u  waiters %u  signals %" PRIu64 "\n",
		       s->count, s->waiters, (uint64_t)s->signals);
		break;
	}
}

static void print_short(const struct xmsg_info *in)
{
	switch (in->type) {
	case XMSG_TYPE_POOL:
		printf("free %" PRIu64 "/%" PRIu64 " x %" PRIu64 "B",
		       (uint64_t)in->u.pool.free, (uint64_t)in->u.pool.count,
		       (uint64_t)in->u.pool.block_size);
		break;
	case XMSG_TYPE_XCHG:
		printf("%s queued %u waiters %u",
		       xchg_kind_name(in->u.xchg.kind), in->u.xchg.queued,
		       in->u.xchg.waiters);
		break;
	case XMSG_TYPE_SEM:
		printf("%s count %u waiters %u",
		       sem_kind_name(in->u.sem.kind), in->u.sem.count,
		       in->u.sem.waiters);
		break;
	}
}

static int cmd_list(struct xm *x, int argc, char **argv, struct opts *o)
{
	struct xmsg_list_entry *v;
	struct xmsg_info in;
	uint32_t type = 0;
	size_t n, i;
	int ret, h;

	if (argc > 1)
		return die_usage("%s", "list [TYPE]");
	if (argc == 1 && type_of(argv[0], &type))
		return EX_USAGE;
	ret = xm_list(x, type, &v, &n);
	if (ret)
		return fail(ret, "cannot list objects", NULL);
	printf("%-5s %-31s %5s %6s %6s  %s\n", "TYPE", "NAME", "MODE", "UID",
	       "GID", "STATE");
	for (i = 0; i < n; i++) {
		printf("%-5s %-31.*s %05o %6u %6u  ", xm_type_name(v[i].type),
		       XMSG_NAME_MAX, v[i].name, v[i].mode, v[i].uid,
		       v[i].gid);
		h = open_obj(x, v[i].type, v[i].name, 0);
		if (h > 0 && !xm_info(x, h, &in))
			print_short(&in);
		else
			printf("(%s)", strerror(h < 0 ? -h : EIO));
		if (h > 0)
			xm_handle_close(x, h);
		putchar('\n');
	}
	free(v);
	return EX_OK;
}

static int cmd_info(struct xm *x, int argc, char **argv, struct opts *o)
{
	struct xmsg_info in;
	uint32_t type;
	long i;
	int h, ret;

	if (argc != 2)
		return die_usage("%s", "info|stats|watch TYPE NAME");
	if (type_of(argv[0], &type))
		return EX_USAGE;
	h = open_obj(x, type, argv[1], 0);
	if (h < 0)
		return fail(h, "cannot open", argv[1]);
	for (i = 0; !o->interval_ms || !o->n_set || i < o->n; i++) {
		if (i) {
			struct timespec ts = {
				.tv_sec = o->interval_ms / 1000,
				.tv_nsec = o->interval_ms % 1000 * 1000000,
			};
			nanosleep(&ts, NULL);
		}
		ret = xm_info(x, h, &in);
		if (ret)
			return fail(ret, "cannot get info of", argv[1]);
		if (o->interval_ms) {
			struct timespec now;

			clock_gettime(CLOCK_MONOTONIC, &now);
			printf("--- %ld.%03ld\n", (long)now.tv_sec,
			       now.tv_nsec / 1000000);
		}
		print_info(&in);
		fflush(stdout);
		if (!o->interval_ms)
			break;
	}
	return EX_OK;
}

static int cmd_watch(struct xm *x, int argc, char **argv, struct opts *o)
{
	if (!o->interval_ms)
		o->interval_ms = 1000;
	return cmd_info(x, argc, argv, o);
}

static int cmd_features(struct xm *x, int argc, char **argv, struct opts *o)
{
	static const char *const feat[] = {
		"pool", "msg", "xchg", "sem", "call", "poll_fd", "list",
		"abstime",
	};
	struct xmsg_features f;
	unsigned int i;
	int ret;

	if (argc)
		return die_usage("%s", "features takes no arguments");
	ret = xm_features(x, &f);
	if (ret)
		return fail(ret, "cannot query features", NULL);
	printf("api_version     %u\nfeatures       ", f.api_version);
	for (i = 0; i < 64; i++)
		if (f.features & (1ULL << i)) {
			if (i < sizeof(feat) / sizeof(feat[0]))
				printf(" %s", feat[i]);
			else
				printf(" bit%u", i);
		}
	printf("\nname_max        %u\nprio_max        %u\nmmap_shift      %u\n"
	       "max_pools       %u\nmax_objects     %u\nmax_pool_bytes  %"
	       PRIu64 "\nmax_handles     %u\nmax_block_count %u\n",
	       f.name_max, f.prio_max, f.mmap_shift, f.max_pools,
	       f.max_objects, (uint64_t)f.max_pool_bytes, f.max_handles,
	       f.max_block_count);
	return EX_OK;
}

/* send / recv */

static size_t read_stdin(char *buf, size_t room, int *too_long)
{
	size_t n = 0;
	ssize_t r;
	char c;

	*too_long = 0;
	while (n < room) {
		r = read(STDIN_FILENO, buf + n, room - n);
		if (r <= 0)
			break;
		n += r;
	}
	if (n == room && read(STDIN_FILENO, &c, 1) == 1)
		*too_long = 1;
	return n;
}

static size_t join_args(char *buf, size_t room, int argc, char **argv,
			int *too_long)
{
	size_t n = 0, l;
	int i;

	*too_long = 0;
	for (i = 0; i < argc; i++) {
		l = strlen(argv[i]) + (i > 0);
		if (n + l > room) {
			*too_long = 1;
			return n;
		}
		if (i)
			buf[n] = ' ';
		memcpy(buf + n + (i > 0), argv[i], l - (i > 0));
		n += l;
	}
	return n;
}

static int cmd_send(struct xm *x, int argc, char **argv, struct opts *o)
{
	struct xm_msg m, p;
	int xchg, pool, reply = 0, ret, too_long;
	uint32_t send_h;
	size_t n;

	if (argc < 2)
		return die_usage("%s", "send XCHG POOL [TEXT...]");
	xchg = xm_xchg_open(x, argv[0], XMSG_ACC_WRITE);
	if (xchg < 0)
		return fail(xchg, "cannot open exchange", argv[0]);
	pool = xm_pool_open(x, argv[1], XMSG_ACC_WRITE);
	if (pool < 0)
		return fail(pool, "cannot open pool", argv[1]);
	if (o->reply) {
		reply = xm_sem_open(x, o->reply, XMSG_ACC_WRITE);
		if (reply == -ENOENT)
			reply = xm_xchg_open(x, o->reply, XMSG_ACC_WRITE);
		if (reply < 0)
			return fail(reply, "cannot open reply object",
				    o->reply);
	}
	ret = xm_msg_get(x, pool, &m);
	if (ret)
		return fail(ret, "cannot get a message from pool", argv[1]);
	if (!m.body)
		return fail(-errno, "cannot map pool", argv[1]);
	memset(m.body, 0, m.length);
	if (argc > 2)
		n = join_args(m.body, m.length, argc - 2, argv + 2, &too_long);
	else
		n = read_stdin(m.body, m.length, &too_long);
	if (too_long) {
		fprintf(stderr, "%s: message longer than the pool's %" PRIu64
			"-byte blocks\n", prog, (uint64_t)m.length);
		return EX_ERR;
	}
	send_h = m.handle;
	/* Send exactly the data: a proxy of the first n bytes. */
	if (!o->full && n && n < m.length &&
	    !xm_msg_proxy(x, m.handle, 0, n, &p)) {
		send_h = p.handle;
	}
	ret = xm_send(x, xchg, send_h, o->prio, reply, 0);
	if (ret)
		return fail(ret, "cannot send to", argv[0]);
	if (o->verbose)
		fprintf(stderr, "sent %zu bytes (prio %u)\n",
			send_h == m.handle ? (size_t)m.length : n, o->prio);
	fflush(stdout);
	if (o->hold_set && o->hold_ms < 0)
		for (;;)
			pause();
	if (o->hold_set && o->hold_ms > 0) {
		struct timespec ts = {
			.tv_sec = o->hold_ms / 1000,
			.tv_nsec = o->hold_ms % 1000 * 1000000,
		};

		while (nanosleep(&ts, &ts) && errno == EINTR)
			;
	}
	return EX_OK;
}

/* Open every pool we can read so that a body can be mapped. */
static void open_pools(struct xm *x, struct opts *o)
{
	struct xmsg_list_entry *v;
	size_t n, i;

	if (o->pool) {
		if (xm_pool_open(x, o->pool, XMSG_ACC_READ) < 0)
			fprintf(stderr, "%s: warning: cannot open pool '%s'\n",
				prog, o->pool);
		return;
	}
	if (xm_list(x, XMSG_TYPE_POOL, &v, &n))
		return;
	for (i = 0; i < n; i++)
		xm_pool_open(x, v[i].name, XMSG_ACC_READ);
	free(v);
}

static void print_body(const struct xm_msg *m, struct opts *o)
{
	const unsigned char *b = m->body;
	uint64_t i, n = m->length;

	if (o->hex) {
		for (i = 0; i < n; i++)
			printf("%02x%s", b[i], (i % 16 == 15 || i + 1 == n) ?
			       "\n" : " ");
		return;
	}
	if (o->raw) {
		fwrite(b, 1, n, stdout);
		return;
	}
	n = strnlen((const char *)b, n);
	fwrite(b, 1, n, stdout);
	if (!n || b[n - 1] != '\n')
		putchar('\n');
}

/* A body we cannot map: read a copy of it (XMSG_IOC_MSG_READ). */
static int recv_copy(struct xm *x, struct xm_msg *m, struct opts *o)
{
	void *buf = malloc(m->length ? m->length : 1);
	int ret;

	if (!buf)
		return fail(-ENOMEM, "cannot read the body", NULL);
	ret = xm_msg_read(x, m->handle, 0, buf, m->length);
	if (ret) {
		free(buf);
		fprintf(stderr, "%s: received a %" PRIu64 "-byte message but "
			"cannot map its pool (use -P POOL) nor read it: %s\n",
			prog, (uint64_t)m->length, strerror(-ret));
		return EX_ERR;
	}
	m->body = buf;
	print_body(m, o);
	free(buf);
	return EX_OK;
}

static int cmd_recv(struct xm *x, int argc, char **argv, struct opts *o)
{
	struct xm_msg m = { 0 };
	int xchg, ret;
	int64_t t;

	if (argc != 1)
		return die_usage("%s", "recv XCHG [options]");
	xchg = xm_xchg_open(x, argv[0], XMSG_ACC_READ);
	if (xchg < 0)
		return fail(xchg, "cannot open exchange", argv[0]);
	open_pools(x, o);
	t = !o->timeout_set ? XM_NOWAIT : o->timeout_ms < 0 ? XM_FOREVER :
		XM_MS(o->timeout_ms);
	ret = xm_recv(x, xchg, t, 0, &m);
	if (ret == -EAGAIN || ret == -ETIMEDOUT) {
		fprintf(stderr, "%s: %s: %s\n", prog, argv[0],
			ret == -EAGAIN ? "no message" : "timed out");
		return EX_EMPTY;
	}
	if (ret)
		return fail(ret, "cannot receive from", argv[0]);
	if (o->verbose)
		fprintf(stderr, "message: %" PRIu64 " bytes at offset %" PRIu64
			", prio %u, gen %" PRIu64 "%s%s\n",
			(uint64_t)m.length, (uint64_t)m.offset, m.prio,
			(uint64_t)m.gen, m.flags & XMSG_MSGF_PROXY ?
			", proxy" : "", m.reply ? ", has reply handle" : "");
	if (!m.body) {	/* no mappable pool (e.g. a NIC's zero-copy frame) */
		ret = recv_copy(x, &m, o);
		if (ret)
			return ret;
	} else {
		print_body(&m, o);
	}
	if (o->ack && m.reply) {
		ret = xm_sem_signal(x, m.reply, 0);
		if (ret)
			return fail(ret, "cannot signal the reply handle",
				    NULL);
	}
	return EX_OK;
}

static int cmd_ring(struct xm *x, int argc, char **argv, struct opts *o)
{
	long got = 0, want = o->n_set ? o->n : 1;
	const struct xmsg_ring_entry *e;
	struct xm_ring r;
	struct xm_msg m;
	int xchg, pool, ret;
	unsigned int i, n;

	if (argc != 2 || want < 1)
		return die_usage("%s", "ring XCHG POOL [-n COUNT] [-T MS]");
	xchg = xm_xchg_open(x, argv[0], XMSG_ACC_READ);
	if (xchg < 0)
		return fail(xchg, "cannot open exchange", argv[0]);
	pool = xm_pool_open(x, argv[1], XMSG_ACC_READ);
	if (pool < 0)
		return fail(pool, "cannot open pool", argv[1]);
	ret = xm_ring_open(x, xchg, pool, 64, 0, 0, &r);
	if (ret)
		return fail(ret, "cannot open a ring at", argv[0]);
	while (got < want) {
		n = xm_ring_ready(&r);
		if (!n) {
			ret = xm_ring_wait(&r, !o->timeout_set ||
					   o->timeout_ms < 0 ? -1 :
					   (int)o->timeout_ms);
			if (ret == 1)
				continue;
			xm_ring_close(&r);
			if (ret == 0) {
				fprintf(stderr, "%s: %s: timed out\n", prog,
					argv[0]);
				return EX_EMPTY;
			}
			return fail(ret, "ring", argv[0]);
		}
		for (i = 0; i < n && got < want; i++, got++) {
			e = xm_ring_entry(&r, i);
			memset(&m, 0, sizeof(m));
			m.body = xm_ring_body(&r, e);
			m.offset = e->offset;
			m.length = e->length;
			m.prio = e->prio;
			if (o->verbose)
				fprintf(stderr, "ring entry %ld: %" PRIu64
					" bytes at offset %" PRIu64
					", prio %u\n", got,
					(uint64_t)m.length,
					(uint64_t)m.offset, m.prio);
			if (m.body)
				print_body(&m, o);
		}
		xm_ring_done(&r, i);
		fflush(stdout);
	}
	xm_ring_close(&r);	/* the kernel releases what we read */
	return EX_OK;
}

static int cmd_bcast_clear(struct xm *x, int argc, char **argv,
			   struct opts *o)
{
	int h, ret;

	if (argc != 1)
		return die_usage("%s", "bcast-clear XCHG");
	h = xm_xchg_open(x, argv[0], XMSG_ACC_WRITE);
	if (h < 0)
		return fail(h, "cannot open exchange", argv[0]);
	ret = xm_bcast_clear(x, h);
	if (ret == -ENOENT) {
		fprintf(stderr, "%s: %s: nothing posted\n", prog, argv[0]);
		return EX_EMPTY;
	}
	if (ret == -EPERM) {
		/* each xmsgctl run is its own owner: only the poster clears */
		fprintf(stderr, "%s: cannot clear '%s': posted by another "
			"owner (only the poster may clear it; it is withdrawn "
			"when the poster exits)\n", prog, argv[0]);
		return EX_PERM;
	}
	return ret ? fail(ret, "cannot clear", argv[0]) : EX_OK;
}

/* semaphores */

static int cmd_signal(struct xm *x, int argc, char **argv, struct opts *o)
{
	long i, n = o->n_set ? o->n : 1;
	int h, ret;

	if (argc != 1)
		return die_usage("%s", "signal SEM [-n COUNT]");
	h = xm_sem_open(x, argv[0], XMSG_ACC_WRITE);
	if (h < 0)
		return fail(h, "cannot open semaphore", argv[0]);
	for (i = 0; i < n; i++) {
		ret = xm_sem_signal(x, h, 0);
		if (ret)
			return fail(ret, "cannot signal", argv[0]);
	}
	return EX_OK;
}

static int cmd_wait(struct xm *x, int argc, char **argv, struct opts *o)
{
	int64_t t;
	int h, ret;

	if (argc != 1)
		return die_usage("%s", "wait SEM [-T MS]");
	h = xm_sem_open(x, argv[0], XMSG_ACC_READ);
	if (h < 0)
		return fail(h, "cannot open semaphore", argv[0]);
	t = !o->timeout_set || o->timeout_ms < 0 ? XM_FOREVER :
		XM_MS(o->timeout_ms);
	ret = xm_sem_wait(x, h, t);
	if (ret == -EAGAIN || ret == -ETIMEDOUT) {
		fprintf(stderr, "%s: %s: %s\n", prog, argv[0],
			ret == -EAGAIN ? "not signalled" : "timed out");
		return EX_EMPTY;
	}
	return ret ? fail(ret, "cannot wait on", argv[0]) : EX_OK;
}

/* ---- nic: statistics of xmsg_nic.ko (debugfs) -------------------------- */

#define DEBUGFS_MAGIC_NR	0x64626720

/* Print one "dev=... key=value ..." line of the stats file, readably. */
static void nic_print(char *line)
{
	char *w, *save = NULL, *v;
	int n = 0;

	for (w = strtok_r(line, " \n", &save); w;
	     w = strtok_r(NULL, " \n", &save)) {
		v = strchr(w, '=');
		if (!v)
			continue;
		*v++ = '\0';
		if (!n++)
			printf("%s:\n", v);	/* dev=NAME comes first */
		else
			printf("  %-18s %s\n", w, v);
	}
}

/* Why the stats file cannot be read: a message and an exit code. */
static int nic_why(const char *root, const char *path, int err)
{
	struct statfs sf;

	if (statfs(root, &sf) || sf.f_type != DEBUGFS_MAGIC_NR) {
		fprintf(stderr, "%s: debugfs is not mounted at %s (mount -t "
			"debugfs none %s)\n", prog, root, root);
		return EX_NOENT;
	}
	if (err == EACCES || err == EPERM) {
		fprintf(stderr, "%s: %s: %s (debugfs is for root)\n", prog,
			path, strerror(err));
		return EX_PERM;
	}
	fprintf(stderr, "%s: %s: %s%s\n", prog, path, strerror(err),
		err == ENOENT ? " (is xmsg_nic.ko loaded?)" : "");
	return err == ENOENT ? EX_NOENT : EX_ERR;
}

static int cmd_nic(struct xm *x, int argc, char **argv, struct opts *o)
{
	const char *root = getenv("XMSG_DEBUGFS");
	char path[PATH_MAX], line[4096], want[64];
	int found = 0;
	FILE *f;

	if (argc > 1)
		return die_usage("%s", "nic [DEV]");
	if (!root || !*root)
		root = "/sys/kernel/debug";
	snprintf(path, sizeof(path), "%s/xmsg/nic/stats", root);
	f = fopen(path, "r");
	if (!f)
		return nic_why(root, path, errno);
	snprintf(want, sizeof(want), "dev=%s ", argc ? argv[0] : "");
	while (fgets(line, sizeof(line), f)) {
		if (argc && strncmp(line, want, strlen(want)))
			continue;
		if (found++)
			putchar('\n');
		nic_print(line);
	}
	fclose(f);
	if (found)
		return EX_OK;
	if (argc)
		fprintf(stderr, "%s: %s: not attached to xmsg_nic\n", prog,
			argv[0]);
	else
		printf("no device attached to xmsg_nic\n");
	return argc ? EX_NOENT : EX_OK;
}

struct command {
	const char *name;
	int (*fn)(struct xm *x, int argc, char **argv, struct opts *o);
};

static const struct command commands[] = {
	{ "create", cmd_create },
	{ "destroy", cmd_destroy },
	{ "list", cmd_list },
	{ "ls", cmd_list },
	{ "info", cmd_info },
	{ "stats", cmd_info },
	{ "watch", cmd_watch },
	{ "features", cmd_features },
	{ "nic", cmd_nic },
	{ "send", cmd_send },
	{ "recv", cmd_recv },
	{ "ring", cmd_ring },
	{ "bcast-clear", cmd_bcast_clear },
	{ "signal", cmd_signal },
	{ "wait", cmd_wait },
	{ "help", NULL },
};

int main(int argc, char **argv)
{
	struct opts o = { .mode = 0600 };
	const struct command *cmd = NULL;
	char *args[64];
	int nargs = 0, c, i;
	struct xm *x;

	/* global options, then the command, then its arguments and options
	 * in any order
	 */
	while ((c = getopt_long(argc, argv, "+hd:", long_opts, NULL)) != -1)
		if (parse_opt(c, &o))
			return EX_USAGE;
	if (optind >= argc)
		return die_usage("%s", "no command");
	for (i = 0; i < (int)(sizeof(commands) / sizeof(commands[0])); i++)
		if (!strcmp(argv[optind], commands[i].name))
			cmd = &commands[i];
	if (!cmd)
		return die_usage("unknown command '%s'", argv[optind]);
	if (!cmd->fn) {
		usage(stdout);
		return EX_OK;
	}
	argc -= optind;
	argv += optind;
	optind = 0;	/* 0, not 1: glibc must forget the first scan */
	while (optind < argc) {
		c = getopt_long(argc, argv, "-hd:m:k:l:c:t:p:T:P:r:Rxvafei:n:w:",
				long_opts, NULL);
		if (c == -1)
			break;
		if (c == 1) {
			if (nargs == 64)
				return die_usage("%s", "too many arguments");
			args[nargs++] = optarg;
			continue;
		}
		if (c == '?' || parse_opt(c, &o))
			return EX_USAGE;
	}
	while (optind < argc && nargs < 64)
		args[nargs++] = argv[optind++];
	x = NULL;
	if (cmd->fn != cmd_nic)	/* the only command without /dev/xmsg */
		open_ctx(&x);
	c = cmd->fn(x, nargs, args, &o);
	fflush(stdout);
	xm_close(x);
	return c;
}
