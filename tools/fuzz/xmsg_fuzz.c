// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg_fuzz: a structure-aware fuzzer of /dev/xmsg.
 *
 *   xmsg_fuzz [--seconds N] [--workers N] [--seed S] [--skip OP,...]
 *
 * Forks N worker processes (ops.c) that attack the device with mostly
 * well-formed calls on harvested handles; some run as uid 65534, some in a
 * second IPC namespace (owned by a new user namespace where the kernel
 * allows it).  The supervisor sends SIGUSR1 to interrupt blocking waits,
 * kills workers with SIGKILL at random moments and starts new ones.  At the
 * end, with every worker reaped, it destroys in both namespaces every
 * exchange and semaphore the fuzzer created (named objects that were not
 * there before), checks that each such pool's free count equals its block
 * count (nothing leaked, nothing mapped), destroys it, and checks that
 * none is left.
 *
 * Output (TAP, one result): "# fuzz: calls=N ok=M kills=K seed=S" and the
 * per-operation figures.  Fails (exit 1) when a quarter or fewer of the
 * calls succeeded, a pool is not full again, an object is left, a call
 * accepted a non-zero reserved field, or a worker got stuck.  Exit 4
 * (skip) without /dev/xmsg.
 *
 * Defaults: --seconds from $XMSG_FUZZ_SECONDS or 60, --workers 6, --seed
 * from $XMSG_FUZZ_SEED or the clock.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "xmsg_fuzz.h"

#define MAX_WORKERS	64

static const char *dev = "/dev/xmsg";
static const char *skip;	/* --skip: operations to leave out */
static uint64_t rng;

struct slot {
	pid_t pid;
	int role;
};

static struct slot slots[MAX_WORKERS];
static int nworkers = 6;
static uint64_t spawned;
/* Every worker leads a process group; its helpers are in it too. */
static pid_t groups[4096];
static int ngroups;
static unsigned long crashes;	/* workers that died of another signal */
static int ns_user = -1, ns_ipc = -1;
static pid_t ns_holder;
static const char *ns_kind = "none";

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000L };

	nanosleep(&ts, NULL);
}

static uint32_t below(uint32_t n)
{
	return n ? (uint32_t)(fz_next(&rng) % n) : 0;
}

/* Roles by slot: root, nobody, namespace root, namespace nobody ... */
static int slot_role(int i)
{
	static const int roles[] = {
		0, FZ_ROLE_NOBODY, FZ_ROLE_NS, 0,
		FZ_ROLE_NS | FZ_ROLE_NOBODY, 0,
	};
	int r = roles[i % 6];

	return ns_ipc < 0 ? r & ~FZ_ROLE_NS : r;
}

static void spawn(int i)
{
	struct fz_worker_cfg cfg = {
		.role = slots[i].role, .dev = dev,
		.ns_user = ns_user, .ns_ipc = ns_ipc, .skip = skip,
	};
	pid_t pid;

	cfg.seed = fz_mix(rng ^ fz_mix(++spawned));
	pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		fz_worker(&cfg);
	}
	if (pid > 0) {
		setpgid(pid, pid);	/* before any signal to the group */
		if (ngroups < (int)(sizeof(groups) / sizeof(groups[0])))
			groups[ngroups++] = pid;
	}
	slots[i].pid = pid > 0 ? pid : 0;
}

/* ---- the second namespace ------------------------------------------ */

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY), rc;

	if (fd < 0)
		return -1;
	rc = write(fd, s, strlen(s)) == (ssize_t)strlen(s) ? 0 : -1;
	close(fd);
	return rc;
}

static int open_ns(pid_t pid, const char *what)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, what);
	return open(path, O_RDONLY | O_CLOEXEC);
}

/*
 * A process that only holds a new user + IPC namespace (IPC alone where
 * user namespaces are not available) for the workers to setns() into.
 * Root and 65534 are mapped to themselves.
 */
static void ns_setup(void)
{
	int go[2], ready[2], user = 1;
	char c = 0, path[64];

	if (pipe(go) || pipe(ready))
		return;
	ns_holder = fork();
	if (ns_holder == 0) {
		close(go[1]);
		close(ready[0]);
		if (unshare(CLONE_NEWUSER | CLONE_NEWIPC)) {
			user = 0;
			if (unshare(CLONE_NEWIPC))
				_exit(1);
		}
		c = user ? 'u' : 'i';
		if (write(ready[1], &c, 1) != 1)
			_exit(1);
		/* Wait for the maps, then for the end (the pipe closes). */
		while (read(go[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(go[0]);
	close(ready[1]);
	if (ns_holder < 0 || read(ready[0], &c, 1) != 1) {
		close(go[1]);
		return;
	}
	close(ready[0]);
	if (c == 'u') {
		snprintf(path, sizeof(path), "/proc/%d/uid_map", ns_holder);
		if (write_file(path, "0 0 1\n65534 65534 1\n"))
			goto fail;
		snprintf(path, sizeof(path), "/proc/%d/gid_map", ns_holder);
		if (write_file(path, "0 0 1\n65534 65534 1\n"))
			goto fail;
		ns_user = open_ns(ns_holder, "user");
		if (ns_user < 0)
			goto fail;
	}
	ns_ipc = open_ns(ns_holder, "ipc");
	if (ns_ipc < 0)
		goto fail;
	ns_kind = c == 'u' ? "user+ipc" : "ipc";
	/* The holder may go now: the fds keep the namespaces alive. */
	close(go[1]);
	waitpid(ns_holder, NULL, 0);
	return;
fail:
	close(go[1]);
	waitpid(ns_holder, NULL, 0);
	if (ns_user >= 0)
		close(ns_user);
	ns_user = -1;
	ns_ipc = -1;
}

/* ---- the check at the end ------------------------------------------- */

/*
 * Named objects of the first namespace from before the run: the fuzzer's
 * are all the others (a mutated name is still a valid one now and then:
 * "fz.x3" becomes "Fz.x3" or "fz.xs").  The second namespace is new.
 */
#define MAX_BEFORE	256
static struct xmsg_list_entry before[MAX_BEFORE];
static int nbefore;

static int is_ours(const struct xmsg_list_entry *e, int first_ns)
{
	int i;

	for (i = 0; first_ns && i < nbefore; i++)
		if (before[i].type == e->type &&
		    !strncmp(before[i].name, e->name, XMSG_NAME_MAX))
			return 0;
	return 1;
}

/*
 * Named objects of the current IPC namespace that the fuzzer made (all of
 * them with @all, to take the snapshot).
 */
static int list_ours(int fd, struct xmsg_list_entry *e, int max, int first_ns,
		     int all)
{
	struct xmsg_list_entry buf[32];
	uint64_t cursor = 0;
	int n = 0, i;

	do {
		struct xmsg_list l = {
			.size = sizeof(l), .count = 32, .cursor = cursor,
			.entries = (uintptr_t)buf, .entry_size = sizeof(buf[0]),
		};

		if (ioctl(fd, XMSG_IOC_LIST, &l)) {
			printf("# check: XMSG_IOC_LIST: %s\n", strerror(errno));
			return -1;
		}
		for (i = 0; i < (int)l.count; i++)
			if ((all || is_ours(&buf[i], first_ns)) && n < max)
				e[n++] = buf[i];
		cursor = l.cursor;
	} while (cursor);
	return n;
}

static int open_obj(int fd, const struct xmsg_list_entry *e, uint32_t *h)
{
	struct xmsg_open o = {
		.size = sizeof(o), .type = e->type, .access = XMSG_ACC_READ,
	};

	memcpy(o.name, e->name, XMSG_NAME_MAX);
	if (ioctl(fd, XMSG_IOC_OPEN, &o))
		return -errno;
	*h = o.handle;
	return 0;
}

static int destroy(int fd, uint32_t h)
{
	struct xmsg_handle_op d = { .size = sizeof(d), .handle = h };

	return ioctl(fd, XMSG_IOC_DESTROY, &d) ? -errno : 0;
}

/* Pools and heaps: checked idle after the exchanges are gone. */
static int has_region(uint32_t type)
{
	return type == XMSG_TYPE_POOL || type == XMSG_TYPE_HEAP;
}

/* Is pool (or heap) handle @h full again?  Prints what is not. */
static int pool_full(int fd, uint32_t h, const char *where, const char *name,
		     int quiet)
{
	struct xmsg_info in = { .size = sizeof(in), .handle = h };
	struct xmsg_pool_info *p = &in.u.pool;
	struct xmsg_heap_info *hp = &in.u.heap;

	if (ioctl(fd, XMSG_IOC_INFO, &in)) {
		printf("# check %s: INFO of pool %s: %s\n", where, name,
		       strerror(errno));
		return 0;
	}
	if (in.type == XMSG_TYPE_HEAP) {
		if (!hp->chunks_out && !hp->mapped &&
		    hp->free == hp->heap_size)
			return 1;
		if (!quiet)
			printf("# check %s: heap %s not idle: free=%llu/%llu "
			       "chunks_out=%llu mapped=%llu\n", where, name,
			       (unsigned long long)hp->free,
			       (unsigned long long)hp->heap_size,
			       (unsigned long long)hp->chunks_out,
			       (unsigned long long)hp->mapped);
		return 0;
	}
	if (p->free == p->count && !p->in_use && !p->mapped)
		return 1;
	if (!quiet)
		printf("# check %s: pool %s not full: count=%llu free=%llu "
		       "in_use=%llu mapped=%llu\n", where, name,
		       (unsigned long long)p->count,
		       (unsigned long long)p->free,
		       (unsigned long long)p->in_use,
		       (unsigned long long)p->mapped);
	return 0;
}

/*
 * Destroy the fuzzer's exchanges and semaphores (their queued messages go
 * back to their pools and heaps), then check each pool and heap and
 * destroy it.  Returns the
 * number of problems; *@npools counts the pools checked.
 */
static int check_ns(const char *where, int first_ns, int *npools)
{
	struct xmsg_list_entry e[1024];
	int fd, n, i, bad = 0, tries;
	uint32_t h;

	fd = open(dev, O_RDWR);
	if (fd < 0) {
		printf("# check %s: open %s: %s\n", where, dev, strerror(errno));
		return 1;
	}
	n = list_ours(fd, e, sizeof(e) / sizeof(e[0]), first_ns, 0);
	for (i = tries = 0; i < n; i++)
		tries += !!strncmp(e[i].name, FZ_PREFIX, strlen(FZ_PREFIX));
	printf("# check %s: %d objects, %d of them with mutated names\n",
	       where, n, tries);
	for (i = 0; i < n; i++) {
		if (has_region(e[i].type))
			continue;
		if (open_obj(fd, &e[i], &h) || destroy(fd, h)) {
			printf("# check %s: cannot destroy %s: %s\n", where,
			       e[i].name, strerror(errno));
			bad++;
		}
	}
	for (i = 0; i < n; i++) {
		if (!has_region(e[i].type))
			continue;
		(*npools)++;
		if (open_obj(fd, &e[i], &h)) {
			printf("# check %s: cannot open pool %s: %s\n", where,
			       e[i].name, strerror(errno));
			bad++;
			continue;
		}
		/*
		 * Releases at exit are synchronous; allow 10 s for anything
		 * deferred (RCU, work items) all the same.
		 */
		for (tries = 0; tries < 50 &&
		     !pool_full(fd, h, where, e[i].name, 1); tries++)
			sleep_ms(200);
		if (tries)
			printf("# check %s: pool %s: waited %d ms\n", where,
			       e[i].name, tries * 200);
		if (!pool_full(fd, h, where, e[i].name, 0))
			bad++;
		if (destroy(fd, h)) {
			printf("# check %s: cannot destroy pool %s: %s\n",
			       where, e[i].name, strerror(errno));
			bad++;
		}
	}
	n = list_ours(fd, e, sizeof(e) / sizeof(e[0]), first_ns, 0);
	for (i = 0; i < n; i++) {
		printf("# check %s: %s still exists\n", where, e[i].name);
		bad++;
	}
	close(fd);
	return bad + (n < 0);
}

/* The check of the second namespace runs in a child that enters it. */
static int check_second_ns(int *npools)
{
	int *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int bad = 1, st;
	pid_t pid;

	if (shared == MAP_FAILED)
		return 1;
	pid = fork();
	if (pid == 0) {
		if ((ns_user >= 0 && setns(ns_user, CLONE_NEWUSER)) ||
		    setns(ns_ipc, CLONE_NEWIPC)) {
			printf("# check: setns: %s\n", strerror(errno));
			_exit(1);
		}
		shared[0] = check_ns("second namespace", 0, &shared[1]);
		fflush(stdout);
		_exit(0);
	}
	if (pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	    !WEXITSTATUS(st)) {
		bad = shared[0];
		*npools += shared[1];
	}
	munmap(shared, 4096);
	return bad;
}

/* ---- supervision ----------------------------------------------------- */

static int slot_of(pid_t pid)
{
	int i;

	for (i = 0; i < nworkers; i++)
		if (slots[i].pid == pid)
			return i;
	return -1;
}

/* Reap whatever exited; restart workers that died unless stopping. */
static void reap(int restart)
{
	int st, i;
	pid_t pid;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		i = slot_of(pid);
		if (i < 0)
			continue;	/* an orphaned helper of a worker */
		if (WIFSIGNALED(st) && WTERMSIG(st) != SIGKILL) {
			crashes++;
			printf("# worker %d (role %d) died of signal %d\n",
			       (int)pid, slots[i].role, WTERMSIG(st));
		} else if (WIFEXITED(st) && WEXITSTATUS(st) && restart) {
			printf("# worker %d (role %d) exited %d\n", (int)pid,
			       slots[i].role, WEXITSTATUS(st));
		}
		slots[i].pid = 0;
		if (restart)
			spawn(i);
	}
}

static unsigned long total_calls(void)
{
	unsigned long n = 0;
	int i;

	for (i = 0; i < OP_NR; i++)
		n += fz_load(&fz_sh->op[i].calls);
	return n;
}

static void supervise(double seconds)
{
	double end = now() + seconds, next_kill = now() + 0.5 + below(2000) / 1e3;
	double next_report = now() + 10;
	int i;

	for (i = 0; i < nworkers; i++) {
		slots[i].role = slot_role(i);
		spawn(i);
	}
	while (now() < end) {
		if (now() >= next_report) {
			printf("# %4.0f s: calls=%lu kills=%lu\n",
			       seconds - (end - now()), total_calls(),
			       fz_load(&fz_sh->kills));
			next_report += 10;
		}
		sleep_ms(5 + below(60));
		i = below(nworkers);
		if (slots[i].pid && !kill(-slots[i].pid, SIGUSR1))
			fz_add(&fz_sh->signals, 1);
		if (now() >= next_kill) {
			i = below(nworkers);
			if (slots[i].pid && !kill(slots[i].pid, SIGKILL))
				fz_add(&fz_sh->kills, 1);
			next_kill = now() + 0.2 + below(2500) / 1e3;
		}
		reap(1);
	}
}

/* Signal every group ever started: workers and orphaned helpers. */
static void signal_groups(int sig)
{
	int i;

	for (i = 0; i < ngroups; i++)
		kill(-groups[i], sig);
}

/* Print our children that are still there, with their state and wchan. */
static int report_left(void)
{
	char path[64], buf[512], wchan[128];
	int n = 0, pid, ppid;
	char state;
	FILE *f;

	for (pid = 2; pid < 65536; pid++) {
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		f = fopen(path, "r");
		if (!f)
			continue;
		ppid = -1;
		state = '?';
		if (fgets(buf, sizeof(buf), f)) {
			char *p = strrchr(buf, ')');

			if (p)
				sscanf(p + 1, " %c %d", &state, &ppid);
		}
		fclose(f);
		if (ppid != getpid())
			continue;
		wchan[0] = 0;
		snprintf(path, sizeof(path), "/proc/%d/wchan", pid);
		f = fopen(path, "r");
		if (f) {
			if (!fgets(wchan, sizeof(wchan), f))
				wchan[0] = 0;
			fclose(f);
		}
		printf("#   pid %d state %c wchan %s\n", pid, state, wchan);
		n++;
	}
	return n;
}

/*
 * Stop everyone: SIGUSR1 ends their waits, SIGKILL what is left after 20 s.
 * Returns how many processes could not be reaped.
 */
static int stop_all(void)
{
	double deadline = now() + 20;
	int i, left, stuck;
	pid_t pid;

	__atomic_store_n(&fz_sh->stop, 1, __ATOMIC_RELAXED);
	do {
		signal_groups(SIGUSR1);
		for (i = left = 0; i < nworkers; i++)
			left += !!slots[i].pid;
		reap(0);
		sleep_ms(50);
	} while (left && now() < deadline);
	for (i = 0; i < nworkers; i++)
		if (slots[i].pid)
			printf("# worker %d does not stop: SIGKILL\n",
			       slots[i].pid);
	/* Helpers too: a mutated timeout may have them wait for years. */
	signal_groups(SIGKILL);
	/* Everything, orphaned helpers included (we are their subreaper). */
	deadline = now() + 30;
	for (;;) {
		pid = waitpid(-1, NULL, WNOHANG);
		if (pid < 0 && errno == ECHILD)
			return 0;
		if (pid > 0) {
			i = slot_of(pid);
			if (i >= 0)
				slots[i].pid = 0;
			continue;
		}
		if (now() > deadline)
			break;
		signal_groups(SIGKILL);
		sleep_ms(20);
	}
	printf("# processes that SIGKILL does not end (stuck in the kernel):\n");
	stuck = report_left();
	return stuck ? stuck : 1;
}

/* The supervisor itself hangs (in the kernel, at the end): say so. */
static void on_alarm(int sig)
{
	static const char msg[] = "# the supervisor hangs: giving up\n"
				  "not ok 1 fuzz\n";

	if (write(1, msg, sizeof(msg) - 1) < 0)
		_exit(1);
	_exit(1);
}

static void usage(const char *argv0)
{
	fprintf(stderr, "usage: %s [--seconds N] [--workers N] [--seed S] "
		"[--skip OP,...]\n", argv0);
	exit(2);
}

int main(int argc, char **argv)
{
	const char *env = getenv("XMSG_FUZZ_SECONDS");
	double seconds = env && *env ? atof(env) : 60, t0;
	unsigned long calls = 0, ok = 0;
	uint64_t seed = 0;
	int have_seed = 0, bad = 0, stuck, npools = 0, i, fd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			seconds = atof(argv[++i]);
		else if (!strcmp(argv[i], "--workers") && i + 1 < argc)
			nworkers = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--skip") && i + 1 < argc)
			skip = argv[++i];
		else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 0), have_seed = 1;
		else
			usage(argv[0]);
	}
	if (nworkers < 1 || nworkers > MAX_WORKERS || seconds < 0)
		usage(argv[0]);
	if (!skip && getenv("XMSG_FUZZ_SKIP") && *getenv("XMSG_FUZZ_SKIP"))
		skip = getenv("XMSG_FUZZ_SKIP");
	if (getenv("XMSG_DEVICE") && *getenv("XMSG_DEVICE"))
		dev = getenv("XMSG_DEVICE");
	if (!have_seed && getenv("XMSG_FUZZ_SEED") &&
	    *getenv("XMSG_FUZZ_SEED")) {
		seed = strtoull(getenv("XMSG_FUZZ_SEED"), NULL, 0);
		have_seed = 1;
	}
	if (!have_seed) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		seed = ((uint64_t)ts.tv_sec << 20) ^ ts.tv_nsec ^ getpid();
	}
	rng = fz_mix(seed);

	printf("TAP version 13\n1..1\n");
	printf("# xmsg_fuzz --seconds %g --workers %d --seed %llu%s%s\n",
	       seconds, nworkers, (unsigned long long)seed,
	       skip ? " --skip " : "", skip ? skip : "");
	fd = open(dev, O_RDWR);
	if (fd < 0) {
		printf("ok 1 fuzz # SKIP %s: %s\n", dev, strerror(errno));
		return 4;
	}
	nbefore = list_ours(fd, before, MAX_BEFORE, 1, 1);
	close(fd);
	if (nbefore < 0) {
		printf("not ok 1 fuzz # XMSG_IOC_LIST failed\n");
		return 1;
	}
	fz_sh = mmap(NULL, sizeof(*fz_sh), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (fz_sh == MAP_FAILED) {
		printf("not ok 1 fuzz # mmap: %s\n", strerror(errno));
		return 1;
	}
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	signal(SIGUSR1, SIG_IGN);	/* only the workers take it */
	signal(SIGALRM, on_alarm);
	alarm((unsigned int)seconds + 300);
	if (getuid() == 0)
		ns_setup();
	printf("# second namespace: %s\n", ns_kind);

	t0 = now();
	supervise(seconds);
	stuck = stop_all();
	t0 = now() - t0;
	if (stuck) {
		printf("# %d process(es) stuck: no final check\n", stuck);
		bad++;
	} else {
		bad += check_ns("first namespace", 1, &npools);
		if (ns_ipc >= 0)
			bad += check_second_ns(&npools);
	}

	for (i = 0; i < OP_NR; i++) {
		calls += fz_sh->op[i].calls;
		ok += fz_sh->op[i].ok;
		printf("#   %-12s calls=%-8lu ok=%lu\n", fz_op_name(i),
		       fz_sh->op[i].calls, fz_sh->op[i].ok);
	}
	printf("# signals=%lu eintr=%lu forks=%lu crashes=%lu workers=%llu "
	       "pools_checked=%d seconds=%.0f\n", fz_sh->signals,
	       fz_sh->eintr, fz_sh->forks, crashes,
	       (unsigned long long)spawned, npools, t0);
	for (i = 0; i < (int)fz_sh->anomalies && i < FZ_ANOM_MAX; i++)
		printf("# anomaly: %s\n", fz_sh->anom[i]);
	if (fz_sh->anomalies) {
		printf("# %lu call(s) accepted a non-zero reserved field\n",
		       fz_sh->anomalies);
		bad++;
	}
	printf("# fuzz: calls=%lu ok=%lu kills=%lu seed=%llu\n", calls, ok,
	       fz_sh->kills, (unsigned long long)seed);
	if (ok * 4 <= calls) {
		printf("# too few calls succeeded: the fuzzer tests nothing\n");
		bad++;
	}
	if (!npools) {
		printf("# no pool to check at the end\n");
		bad++;
	}
	printf("%s 1 fuzz\n", bad ? "not ok" : "ok");
	return bad ? 1 : 0;
}
