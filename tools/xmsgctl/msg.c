// SPDX-License-Identifier: GPL-2.0
/*
 * xmsgctl msg: send and receive messages.
 *
 * Each run is its own owner: what it gets is released when it exits, but
 * a message it sent stays at its exchange for a later run to receive.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "xmsgctl.h"

static struct {
	uint32_t prio;
	uint64_t tag;
	const char *reply;
	bool full, verbose, ack;
	long hold_ms;
	bool hold_set;
	long timeout_ms;
	const char *pool;
	enum ctl_body_format format;
} opt = { .timeout_ms = CTL_TIMEOUT_DEFAULT };

/* Print @n bytes of @b: text up to the first NUL, raw, or hex. */
void ctl_print_body(const void *b, uint64_t n, enum ctl_body_format format)
{
	const unsigned char *c = b;
	uint64_t i;

	switch (format) {
	case CTL_BODY_HEX:
		for (i = 0; i < n; i++)
			printf("%02x%s", c[i], (i % 16 == 15 || i + 1 == n) ?
			       "\n" : " ");
		return;
	case CTL_BODY_RAW:
		fwrite(c, 1, n, stdout);
		return;
	case CTL_BODY_TEXT:
		n = strnlen((const char *)c, n);
		fwrite(c, 1, n, stdout);
		if (!n || c[n - 1] != '\n')
			putchar('\n');
		return;
	}
}

/* -R and -x (msg recv and ring read) */
int ctl_opt_format(int key, enum ctl_body_format *format)
{
	enum ctl_body_format f = key == 'x' ? CTL_BODY_HEX : CTL_BODY_RAW;

	if (*format != CTL_BODY_TEXT && *format != f)
		return ctl_usage("-R and -x exclude each other");
	*format = f;
	return 0;
}

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

/* -w: keep this run, and so a broadcast post, alive. */
static void hold(void)
{
	struct timespec ts = {
		.tv_sec = opt.hold_ms / 1000,
		.tv_nsec = opt.hold_ms % 1000 * 1000000,
	};

	if (!opt.hold_set)
		return;
	if (opt.hold_ms < 0)
		for (;;)
			pause();
	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static int open_reply(struct xm *x)
{
	int h;

	if (!opt.reply)
		return 0;
	h = xm_sem_open(x, opt.reply, XMSG_ACC_WRITE);
	if (h == -ENOENT)
		h = xm_xchg_open(x, opt.reply, XMSG_ACC_WRITE);
	return h;
}

static int msg_send(const struct ctl_obj *obj, int argc, char **argv)
{
	struct xm *x = ctl_xm();
	int xchg, pool, reply, ret, too_long;
	struct xm_msg m, p;
	uint32_t send_h;
	size_t n;

	if (opt.timeout_ms && opt.tag)
		return ctl_usage("-T and -g exclude each other");
	xchg = xm_xchg_open(x, argv[0], XMSG_ACC_WRITE);
	if (xchg < 0)
		return ctl_fail(xchg, "cannot open exchange", argv[0]);
	pool = xm_pool_open(x, argv[1], XMSG_ACC_RDWR);
	if (pool < 0)
		return ctl_fail(pool, "cannot open pool", argv[1]);
	reply = open_reply(x);
	if (reply < 0)
		return ctl_fail(reply, "cannot open reply object", opt.reply);
	ret = xm_msg_get(x, pool, &m);
	if (ret)
		return ctl_fail(ret, "cannot get a message from pool", argv[1]);
	if (!m.body)
		return ctl_fail(-errno, "cannot map pool", argv[1]);
	memset(m.body, 0, m.length);
	if (argc > 2)
		n = join_args(m.body, m.length, argc - 2, argv + 2, &too_long);
	else
		n = read_stdin(m.body, m.length, &too_long);
	if (too_long) {
		fprintf(stderr, "%s: message longer than the pool's %" PRIu64
			"-byte blocks\n", ctl_prog, (uint64_t)m.length);
		return EX_ERR;
	}
	send_h = m.handle;
	/* Send exactly the data: a proxy of the first n bytes. */
	if (!opt.full && n && n < m.length &&
	    !xm_msg_proxy(x, m.handle, 0, n, &p))
		send_h = p.handle;
	if (opt.timeout_ms)	/* wait for room in a full queue */
		ret = xm_send_wait(x, xchg, send_h, opt.prio, reply, 0,
				   ctl_timeout_ns(opt.timeout_ms));
	else
		ret = xm_send_tagged(x, xchg, send_h, opt.prio, reply, 0,
				     opt.tag);
	if (ret)
		return ctl_fail(ret, "cannot send to", argv[0]);
	if (opt.verbose)
		fprintf(stderr, "sent %zu bytes (prio %u, tag %" PRIu64 ")\n",
			send_h == m.handle ? (size_t)m.length : n, opt.prio,
			opt.tag);
	fflush(stdout);
	hold();
	return EX_OK;
}

/* Open every pool we can read so that a body can be mapped. */
static void open_pools(struct xm *x)
{
	struct xmsg_list_entry *v;
	size_t n, i;

	if (opt.pool) {
		if (xm_pool_open(x, opt.pool, XMSG_ACC_READ) < 0)
			fprintf(stderr, "%s: warning: cannot open pool '%s'\n",
				ctl_prog, opt.pool);
		return;
	}
	if (xm_list(x, XMSG_TYPE_POOL, &v, &n))
		return;
	for (i = 0; i < n; i++)
		xm_pool_open(x, v[i].name, XMSG_ACC_READ);
	free(v);
}

/* A body we cannot map: read a copy of it (XMSG_IOC_MSG_READ). */
static int recv_copy(struct xm *x, const struct xm_msg *m)
{
	void *buf = malloc(m->length ? m->length : 1);
	int ret;

	if (!buf)
		return ctl_fail(-ENOMEM, "cannot read the body", NULL);
	ret = xm_msg_read(x, m->handle, 0, buf, m->length);
	if (ret) {
		free(buf);
		fprintf(stderr, "%s: received a %" PRIu64 "-byte message but "
			"cannot map its pool (use -P POOL) nor read it: %s\n",
			ctl_prog, (uint64_t)m->length, xm_strerror(ret));
		return EX_ERR;
	}
	ctl_print_body(buf, m->length, opt.format);
	free(buf);
	return EX_OK;
}

static int msg_recv(const struct ctl_obj *obj, int argc, char **argv)
{
	struct xm *x = ctl_xm();
	struct xm_msg m = { 0 };
	uint64_t tag = 0;
	int xchg, ret;

	xchg = xm_xchg_open(x, argv[0], XMSG_ACC_READ);
	if (xchg < 0)
		return ctl_fail(xchg, "cannot open exchange", argv[0]);
	open_pools(x);
	ret = xm_recv_tagged(x, xchg, ctl_timeout_ns(opt.timeout_ms), 0, &m,
			     &tag);
	if (ret == -EAGAIN || ret == -ETIMEDOUT) {
		fprintf(stderr, "%s: %s: %s\n", ctl_prog, argv[0],
			ret == -EAGAIN ? "no message" : "timed out");
		return EX_EMPTY;
	}
	if (ret)
		return ctl_fail(ret, "cannot receive from", argv[0]);
	if (opt.verbose)
		fprintf(stderr, "message: %" PRIu64 " bytes at offset %" PRIu64
			", prio %u, tag %" PRIu64 ", gen %" PRIu64 "%s%s\n",
			(uint64_t)m.length, (uint64_t)m.offset, m.prio, tag,
			(uint64_t)m.gen, m.flags & XMSG_MSGF_PROXY ?
			", proxy" : "", m.reply ? ", has reply handle" : "");
	if (!m.body) {	/* no mappable pool (e.g. a NIC's zero-copy frame) */
		ret = recv_copy(x, &m);
		if (ret)
			return ret;
	} else {
		ctl_print_body(m.body, m.length, opt.format);
	}
	if (opt.ack && m.reply) {
		ret = xm_sem_signal(x, m.reply, 0);
		if (ret)
			return ctl_fail(ret, "cannot signal the reply handle",
					NULL);
	}
	return EX_OK;
}

static int msg_parse(int key, const char *arg)
{
	switch (key) {
	case 'p':
		return ctl_opt_prio(arg, &opt.prio);
	case 'g':
		return ctl_opt_tag(arg, &opt.tag);
	case 'r':
		opt.reply = arg;
		return 0;
	case 'f':
		opt.full = true;
		return 0;
	case 'w':
		opt.hold_set = true;
		if (ctl_parse_long(arg, &opt.hold_ms) || opt.hold_ms < -1)
			return ctl_usage("bad hold time '%s'", arg);
		return 0;
	case 'v':
		opt.verbose = true;
		return 0;
	case 'T':
		return ctl_opt_timeout(arg, &opt.timeout_ms);
	case 'P':
		opt.pool = arg;
		return 0;
	case 'R':
	case 'x':
		return ctl_opt_format(key, &opt.format);
	case 'a':
		opt.ack = true;
		return 0;
	}
	return ctl_usage("bad option");
}

static const struct ctl_cmd msg_cmds[] = {
	{ "send", msg_send, "XCHG POOL [TEXT...]", "prfwvTg",
	  "send TEXT (words joined by spaces) or, without TEXT, standard "
	  "input, in a message of POOL.  The body is exactly the data (a "
	  "proxy slice of the block) unless -f sends the whole block.  "
	  "With -T, a full queue is waited on for room.  With -g, the "
	  "message is tagged for xchg bump",
	  2, -1, 0 },
	{ "recv", msg_recv, "XCHG", "TPRxva",
	  "receive one message and print its body: text up to the first "
	  "NUL, raw bytes (-R) or hex (-x).  A body it cannot map is read "
	  "with a copy", 1, 1, 0 },
	{ NULL }
};

static const struct ctl_opt msg_opts[] = {
	{ "prio", 'p', "PRIO", "send: priority, 0 (default) to 31" },
	{ "tag", 'g', "TAG",
	  "send: queue the message with TAG (1 to 2^64-1), which xchg bump "
	  "names it by; not with -T" },
	{ "reply", 'r', "REPLY",
	  "send: a semaphore or exchange attached as reply handle" },
	{ "full", 'f', NULL, "send: the whole block, not only the data" },
	{ "hold", 'w', "MS",
	  "send: stay alive MS ms after sending (-1: until killed): a "
	  "broadcast post is withdrawn when its sender exits" },
	{ "verbose", 'v', NULL,
	  "send, recv: say what was sent or received on stderr" },
	{ "timeout", 'T', "MS",
	  "recv: milliseconds to wait for a message; send: for room in a "
	  "full queue (default 0: do not block; -1: forever)" },
	{ "pool", 'P', "POOL",
	  "recv: open POOL to map the body (default: every pool we may "
	  "read)" },
	{ "raw", 'R', NULL, "recv: print the body's bytes as they are" },
	{ "hex", 'x', NULL, "recv: print the body in hex" },
	{ "ack", 'a', NULL, "recv: signal the reply semaphore, if any" },
	{ NULL }
};

static const char *const msg_aliases[] = { "message", NULL };

const struct ctl_obj msg_object = {
	.name = "msg",
	.aliases = msg_aliases,
	.summary = "send and receive messages",
	.cmds = msg_cmds,
	.opts = msg_opts,
	.parse = msg_parse,
	.examples =
		"xmsgctl msg send q p \"hello world\" -p 5\n"
		"xmsgctl msg send q p \"urgent later\" -p 1 -g 42\n"
		"xmsgctl xchg bump q 42 30\n"
		"echo hello | xmsgctl msg send q p\n"
		"xmsgctl msg recv q -T 1000 -v\n",
};
