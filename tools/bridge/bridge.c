// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg-bridge: carry xmsg exchanges between machines over TIPC.
 *
 *   export NAME=TYPE:INST   the local exchange NAME is reachable as the
 *                           TIPC service {TYPE, INST}: frames that arrive
 *                           on connections to it are sent to NAME
 *   import NAME=TYPE:INST   the bridge makes the local exchange NAME while
 *                           the service {TYPE, INST} is published in the
 *                           cluster, and forwards what is sent to NAME
 *   bexport NAME=TYPE:INST  the local broadcast exchange NAME: every new
 *                           post is multicast to the importers of
 *                           {TYPE, INST}; a new importer gets the current one
 *   bimport NAME=TYPE:INST  the bridge makes the broadcast exchange NAME and
 *                           posts there what the exporter multicasts
 *
 * One process, one epoll loop, one TIPC topology subscription per import
 * and broadcast export.  Bodies are sent from the pool mapping and received
 * into a pool block (one copy each way, the kernel's).  State and counters
 * are posted as text at the broadcast exchange "bridge.NAME" (read them
 * with xmsg-bridge --status NAME).  See docs/cluster.md.
 *
 * This file: helpers, topology events, set-up and the epoll loop.  The
 * rest: status.c, frame.c (frames on sockets), import.c, export.c,
 * bcast.c; what they share is in bridge.h.
 */

#include "bridge.h"

struct bridge B;
const char *const kind_name[] = { "export", "import", "bexport", "bimport" };

double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void say(const char *fmt, ...)
{
	va_list ap;

	if (!B.verbose)
		return;
	va_start(ap, fmt);
	fprintf(stderr, "xmsg-bridge %s: ", B.name);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void die(const char *what, int err)
{
	fprintf(stderr, "xmsg-bridge: %s: %s\n", what, strerror(err < 0 ?
								 -err : err));
	exit(1);
}

void ep_set(int fd, struct src *s, uint32_t events, int op)
{
	struct epoll_event ev = { .events = events, .data.ptr = s };

	if (epoll_ctl(B.ep, op, fd, &ev) && op != EPOLL_CTL_DEL)
		die("epoll_ctl", errno);
}

int tipc_socket(int type)
{
	int fd = socket(AF_TIPC, type | SOCK_CLOEXEC, 0);

	return fd < 0 ? -errno : fd;
}

void tipc_service(struct sockaddr_tipc *sa, int atype, uint32_t type,
		  uint32_t inst)
{
	memset(sa, 0, sizeof(*sa));
	sa->family = AF_TIPC;
	sa->addrtype = atype;
	sa->scope = TIPC_CLUSTER_SCOPE;
	if (atype == TIPC_SERVICE_ADDR) {
		sa->addr.name.name.type = type;
		sa->addr.name.name.instance = inst;
	} else {
		sa->addr.nameseq.type = type;
		sa->addr.nameseq.lower = inst;
		sa->addr.nameseq.upper = inst;
	}
}

void set_nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/*
 * Connections and return routes closed while handling one epoll batch may
 * still have events later in it: they are marked closed (fd -1) and freed
 * after the batch.
 */
static void **graveyard;
static size_t ngrave, grave_size;

void defer_free(void *p)
{
	if (ngrave == grave_size) {
		grave_size = grave_size ? 2 * grave_size : 16;
		graveyard = realloc(graveyard, grave_size * sizeof(*graveyard));
		if (!graveyard)
			die("memory", ENOMEM);
	}
	graveyard[ngrave++] = p;
}

static void reap(void)
{
	while (ngrave)
		free(graveyard[--ngrave]);
}


/* ------------------------------------------------------------------ */
/* topology events */

static void top_event(void)
{
	struct tipc_event ev;
	struct sockaddr_tipc to;
	struct map *m;

	while (recv(B.top, &ev, sizeof(ev), MSG_DONTWAIT) == sizeof(ev)) {
		memcpy(&m, ev.s.usr_handle, sizeof(m));
		if (m < B.maps || m >= B.maps + B.nmaps)
			continue;
		if (m->kind == M_IMPORT) {
			if (ev.event == TIPC_PUBLISHED) {
				m->published++;
				m->retry_at = 0;
				import_connect(m);
			} else if (ev.event == TIPC_WITHDRAWN) {
				m->published--;
				if (m->published <= 0) {
					m->published = 0;
					import_down(m);
				}
			}
			B.dirty = 1;
		} else if (m->kind == M_BEXPORT && ev.event == TIPC_PUBLISHED &&
			   m->cur.handle) {
			/* a new importer: give it the current post */
			memset(&to, 0, sizeof(to));
			to.family = AF_TIPC;
			to.addrtype = TIPC_SOCKET_ADDR;
			to.addr.id = ev.port;
			bsock_send(m, &to, 1);
		}
	}
}

/* ------------------------------------------------------------------ */
/* setup */

static void map_init(struct map *m)
{
	struct sockaddr_tipc sa;
	int one = 1, h;

	m->pfd = -1;
	m->lfd = -1;
	m->bfd = -1;
	m->xsrc.kind = S_XCHG;
	m->xsrc.p = m;
	m->lsrc.kind = S_LISTEN;
	m->lsrc.p = m;
	m->bsrc.kind = S_BSOCK;
	m->bsrc.p = m;
	switch (m->kind) {
	case M_IMPORT:
		/* one left by a bridge that was killed: gone, as the
		 * service may be; made again when it is published
		 */
		h = xm_xchg_open(B.x, m->name, XMSG_ACC_RDWR);
		if (h > 0) {
			m->xchg = h;
			m->xchg_info = xm_xchg_open(B.x, m->name,
						    XMSG_ACC_READ);
			import_xchg_destroy(m);
		}
		if (top_subscribe(m))
			die("topology subscription", errno);
		break;
	case M_EXPORT:
		export_up(m);
		break;
	case M_BEXPORT:
		m->bfd = tipc_socket(SOCK_RDM);
		if (m->bfd < 0)
			die("AF_TIPC socket", m->bfd);
		setsockopt(m->bfd, SOL_TIPC, TIPC_DEST_DROPPABLE, &one,
			   sizeof(one));
		bexport_up(m);
		if (top_subscribe(m))
			die("topology subscription", errno);
		break;
	case M_BIMPORT:
		h = xm_xchg_create(B.x, m->name, XMSG_XCHG_KIND_BCAST, 0,
				   B.mode, 0);
		if (h < 0)
			die(m->name, h);
		m->xchg = h;
		m->bfd = tipc_socket(SOCK_RDM);
		if (m->bfd < 0)
			die("AF_TIPC socket", m->bfd);
		tipc_service(&sa, TIPC_SERVICE_RANGE, m->type, m->inst);
		if (bind(m->bfd, (struct sockaddr *)&sa, sizeof(sa)))
			die("bind", errno);
		ep_set(m->bfd, &m->bsrc, EPOLLIN, EPOLL_CTL_ADD);
		m->up = 1;
		break;
	}
}

static void shutdown_all(void)
{
	int i;

	for (i = 0; i < B.nmaps; i++) {
		struct map *m = &B.maps[i];

		switch (m->kind) {
		case M_IMPORT:
			import_down(m);
			break;
		case M_EXPORT:
			export_down(m);
			break;
		case M_BEXPORT:
			bexport_close(m);
			if (m->cur.handle)
				xm_msg_rel(B.x, m->cur.handle);
			break;
		case M_BIMPORT:
			xm_destroy(B.x, m->xchg);
			break;
		}
	}
	if (B.spare.handle)
		xm_msg_rel(B.x, B.spare.handle);
	xm_destroy(B.x, B.status_xchg);
	xm_close(B.x);
}

/* Periodic work: reconnects, reopened exchanges, retries. */
static void tick(void)
{
	int i;

	B.ack_wait = 0;
	for (i = 0; i < B.nmaps; i++) {
		struct map *m = &B.maps[i];

		switch (m->kind) {
		case M_IMPORT:
			import_connect(m);
			break;
		case M_EXPORT: {
			struct conn *c, *cn;

			export_up(m);
			export_retry(m);
			for (c = m->conns; c; c = cn) {
				cn = c->next;
				conn_ack(c, 0);
			}
			break;
		}
		case M_BEXPORT:
			bexport_up(m);
			if (m->bpending && m->cur.handle)
				bexport_mcast(m);
			break;
		case M_BIMPORT:
			break;
		}
	}
}

static int parse_map(const char *kind, const char *arg)
{
	struct map *m;
	const char *eq;
	unsigned int t, i;
	char tail;

	if (B.nmaps == MAX_MAPS)
		return -1;
	m = &B.maps[B.nmaps];
	for (i = 0; i < 4; i++)
		if (!strcmp(kind, kind_name[i]))
			break;
	eq = strchr(arg, '=');
	if (i == 4 || !eq || eq == arg || eq - arg >= XMSG_NAME_MAX ||
	    sscanf(eq + 1, "%u:%u%c", &t, &m->inst, &tail) != 2 || t < 64)
		return -1;	/* types below 64 are TIPC's own */
	m->kind = i;
	memcpy(m->name, arg, eq - arg);
	m->type = t;
	B.nmaps++;
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
"usage: xmsg-bridge -n NAME -p POOL [-p POOL]... [options] MAP...\n"
"       xmsg-bridge --status NAME\n"
"MAP: export|import|bexport|bimport EXCHANGE=TYPE:INSTANCE (TYPE >= 64)\n"
"  -n, --name NAME        this bridge (status at broadcast exchange bridge.NAME)\n"
"  -p, --pool POOL        the first: frames from the network are received\n"
"                         into its blocks; all: bodies sent from them\n"
"  -m, --mode MODE        mode of the exchanges the bridge makes (0660)\n"
"  -l, --limit N          queue limit of import exchanges (0 = 1024)\n"
"      --tipc-node ID     set this namespace's TIPC node identity first\n"
"      --tipc-bearer DEV  enable a TIPC Ethernet bearer on DEV first\n"
"  -v, --verbose          log state changes to stderr\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "name", 1, NULL, 'n' }, { "pool", 1, NULL, 'p' },
		{ "mode", 1, NULL, 'm' }, { "limit", 1, NULL, 'l' },
		{ "status", 1, NULL, 's' }, { "verbose", 0, NULL, 'v' },
		{ "tipc-node", 1, NULL, 'N' }, { "tipc-bearer", 1, NULL, 'B' },
		{ NULL, 0, NULL, 0 }
	};
	const char *pools[MAX_POOLS];
	char xname[XMSG_NAME_MAX];
	struct sockaddr_tipc sa;
	struct epoll_event evs[32];
	struct xmsg_pool_info pi;
	sigset_t ss;
	int c, i, n, ret, np = 0;

	B.mode = 0660;
	while ((c = getopt_long(argc, argv, "n:p:m:l:v", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			B.name = optarg;
			break;
		case 'p':
			if (np == MAX_POOLS)
				usage();
			pools[np++] = optarg;
			break;
		case 'm':
			B.mode = strtoul(optarg, NULL, 8);
			break;
		case 'l':
			B.limit = strtoul(optarg, NULL, 0);
			break;
		case 's':
			return print_status(optarg);
		case 'v':
			B.verbose = 1;
			break;
		case 'N':
			ret = xb_tipc_node_id(optarg);
			if (ret)
				die("TIPC node identity", ret);
			break;
		case 'B':
			ret = xb_tipc_bearer(optarg);
			if (ret)
				die("TIPC bearer", ret);
			break;
		default:
			usage();
		}
	}
	for (i = optind; i + 1 < argc; i += 2)
		if (parse_map(argv[i], argv[i + 1]))
			usage();
	if (i != argc || !B.name || !np || !B.nmaps ||
	    strlen(B.name) + 8 > XMSG_NAME_MAX)
		usage();

	ret = xm_open(&B.x, NULL);
	if (ret)
		die("/dev/xmsg", ret);
	for (i = 0; i < np; i++) {
		ret = xm_pool_open(B.x, pools[i], i ? XMSG_ACC_READ :
				   XMSG_ACC_RDWR);
		if (ret < 0)
			die(pools[i], ret);
		B.pools[B.npools++] = ret;
	}
	B.rx_pool = B.pools[0];
	ret = xm_pool_info(B.x, B.rx_pool, &pi);
	if (ret)
		die(pools[0], ret);
	B.rx_block = pi.block_size;
	snprintf(xname, sizeof(xname), "bridge.%s", B.name);
	ret = xm_xchg_create(B.x, xname, XMSG_XCHG_KIND_BCAST, 0, 0644, 0);
	if (ret < 0)
		die(xname, ret);
	B.status_xchg = ret;

	B.ep = epoll_create1(EPOLL_CLOEXEC);
	sigemptyset(&ss);
	sigaddset(&ss, SIGTERM);
	sigaddset(&ss, SIGINT);
	sigprocmask(SIG_BLOCK, &ss, NULL);
	signal(SIGPIPE, SIG_IGN);
	B.sig = signalfd(-1, &ss, SFD_CLOEXEC);
	B.sig_src.kind = S_SIG;
	ep_set(B.sig, &B.sig_src, EPOLLIN, EPOLL_CTL_ADD);

	B.top = tipc_socket(SOCK_SEQPACKET);
	if (B.top < 0)
		die("AF_TIPC socket", B.top);
	memset(&sa, 0, sizeof(sa));
	sa.family = AF_TIPC;
	sa.addrtype = TIPC_SERVICE_ADDR;
	sa.addr.name.name.type = TIPC_TOP_SRV;
	sa.addr.name.name.instance = TIPC_TOP_SRV;
	if (connect(B.top, (struct sockaddr *)&sa, sizeof(sa)))
		die("TIPC topology server", errno);
	B.top_src.kind = S_TOP;
	ep_set(B.top, &B.top_src, EPOLLIN, EPOLL_CTL_ADD);

	for (i = 0; i < B.nmaps; i++)
		map_init(&B.maps[i]);
	B.dirty = 1;
	status_post(1);

	for (;;) {
		n = epoll_wait(B.ep, evs, 32, B.rx_starved ? 1 :
			       B.ack_wait ? ACK_MS : RETRY_MS);
		if (n < 0 && errno != EINTR)
			die("epoll_wait", errno);
		B.rx_starved = 0;
		for (i = 0; i < n; i++) {
			struct src *s = evs[i].data.ptr;
			struct map *m = s->p;

			switch (s->kind) {
			case S_SIG:
				shutdown_all();
				return 0;
			case S_TOP:
				if (evs[i].events & (EPOLLHUP | EPOLLERR))
					die("TIPC topology server", EPIPE);
				top_event();
				break;
			case S_LISTEN:
				export_accept(m);
				break;
			case S_CONN: {
				struct conn *cn = s->p;

				if (cn->fd < 0)
					break;	/* closed in this round */
				if (evs[i].events & EPOLLOUT) {
					if (conn_tx(cn, NULL))
						break;
					if (cn->map->kind == M_IMPORT &&
					    !cn->q) {
						ep_set(cn->map->pfd,
						       &cn->map->xsrc,
						       EPOLLIN, EPOLL_CTL_MOD);
						import_pump(cn->map);
						break;
					}
				}
				if (evs[i].events & (EPOLLIN | EPOLLHUP |
						     EPOLLERR))
					conn_read(cn, evs[i].events &
						  (EPOLLHUP | EPOLLERR));
				break;
			}
			case S_XCHG:
				if (m->kind == M_IMPORT)
					import_pump(m);
				else
					bexport_post(m);
				break;
			case S_RET:
				if (((struct ret *)s->p)->pfd >= 0)
					export_answer(s->p);
				break;
			case S_BSOCK:
				bimport_frame(m);
				break;
			}
		}
		reap();
		tick();
		status_post(0);
	}
}
