// SPDX-License-Identifier: GPL-2.0
/*
 * ipc_bench: clocks, futexes, shared memory, message stamps, process
 * placement, the watchdog and the shared-memory SPSC queue.
 */
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/futex.h>
#include "ipc_bench.h"

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Time box of one round of a measurement. */
uint64_t round_box_ns(void)
{
	return (uint64_t)(opt.box / opt.rounds * 1e9);
}

/* Time box of a whole measurement. */
uint64_t box_ns(void)
{
	return (uint64_t)(opt.box * 1e9);
}

void futex_wait(_Atomic uint32_t *w, uint32_t val)
{
	syscall(SYS_futex, w, FUTEX_WAIT, val, NULL, NULL, 0);
}

void futex_wake(_Atomic uint32_t *w, int n)
{
	syscall(SYS_futex, w, FUTEX_WAKE, n, NULL, NULL, 0);
}

void *shm_alloc(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	memset(p, 0, len);
	return p;
}

void *buf_alloc(size_t len)
{
	void *p = aligned_alloc(4096, len);

	if (p)
		memset(p, 0x5a, len);
	return p;
}

/*
 * Every message carries its sequence number in its first and last 8
 * bytes: the sender writes both, the receiver checks both.
 */
void stamp(void *body, size_t size, uint64_t seq)
{
	memcpy(body, &seq, 8);
	memcpy((char *)body + size - 8, &seq, 8);
}

/* The sequence number, or BAD_SEQ when the two stamps differ. */
uint64_t check(const void *body, size_t size)
{
	uint64_t a, b;

	memcpy(&a, body, 8);
	memcpy(&b, (const char *)body + size - 8, 8);
	return a == b ? a : BAD_SEQ;
}

static uint64_t pattern(uint64_t seq, size_t word)
{
	return seq ^ (word * 0x9e3779b97f4a7c15ULL);
}

/* -V: the whole body between the stamps, from the sequence number. */
void fill(void *body, size_t size, uint64_t seq)
{
	for (size_t w = 1; w + 1 < size / 8; w++) {
		uint64_t v = pattern(seq, w);

		memcpy((char *)body + 8 * w, &v, 8);
	}
}

/* Bytes between the stamps that differ from fill()'s (by 8-byte word). */
size_t verify(const void *body, size_t size, uint64_t seq)
{
	size_t bad = 0;

	for (size_t w = 1; w + 1 < size / 8; w++) {
		uint64_t v;

		memcpy(&v, (const char *)body + 8 * w, 8);
		if (v != pattern(seq, w))
			bad += 8;
	}
	return bad;
}

int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

uint64_t pct(uint64_t *v, size_t n, double p)
{
	size_t i = (size_t)(p * (n - 1) + 0.5);

	return v[i < n ? i : n - 1];
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median of @n values (sorted in a copy; the middle two averaged). */
double median(const double *v, size_t n)
{
	double s[MAX_ROUNDS];

	if (!n || n > MAX_ROUNDS)
		return 0;
	memcpy(s, v, n * sizeof(*v));
	qsort(s, n, sizeof(*s), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

bool listed(const char *list, const char *name)
{
	size_t n = strlen(name);
	const char *p = list;

	if (!strcmp(list, "all"))
		return true;
	while ((p = strstr(p, name))) {
		if ((p == list || p[-1] == ',') && (p[n] == ',' || !p[n]))
			return true;
		p += n;
	}
	return false;
}

volatile sig_atomic_t watchdog_fired;

/* The whole of @len bytes through write() (@out) or read(); -1 on error. */
static ssize_t io_full(int fd, char *buf, size_t len, bool out)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = out ? write(fd, buf + done, len - done)
				: read(fd, buf + done, len - done);

		if (n < 0 && errno == EINTR && !watchdog_fired)
			continue;
		if (n <= 0)
			return -1;
		done += n;
	}
	return done;
}

ssize_t write_full(int fd, const void *buf, size_t len)
{
	return io_full(fd, (char *)buf, len, true);
}

ssize_t read_full(int fd, void *buf, size_t len)
{
	return io_full(fd, buf, len, false);
}

/* ----------------------------------------------------------- placement */

static cpu_set_t place_saved;
static bool place_have_saved;

const char *place_name(enum placement p)
{
	static const char *const n[] = { "free", "split", "same" };

	return n[p];
}

/*
 * Pin the calling process for -a: role 0 (parent) to CPU 0, role 1
 * (child) to CPU 1 for "split", both to CPU 0 for "same".  The parent's
 * own mask is saved first and put back by place_restore().
 */
int place_self(int role)
{
	cpu_set_t set;
	int cpu = opt.place == PLACE_SPLIT ? role : 0;

	if (opt.place == PLACE_FREE)
		return 0;
	if (role == 0 && !place_have_saved) {
		place_have_saved =
			!sched_getaffinity(0, sizeof(place_saved), &place_saved);
	}
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

void place_restore(void)
{
	if (place_have_saved)
		sched_setaffinity(0, sizeof(place_saved), &place_saved);
}

/* ------------------------------------------------------------ processes */

static void on_alarm(UNUSED int sig)
{
	watchdog_fired = 1;
}

void arm_watchdog(void)
{
	struct sigaction sa = { .sa_handler = on_alarm };

	/* no SA_RESTART: a stuck wait returns EINTR */
	sigaction(SIGALRM, &sa, NULL);
	watchdog_fired = 0;
	alarm(WATCHDOG_S);
}

int reap(pid_t pid, bool kill_it)
{
	int st = 0;

	if (kill_it)
		kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(st) && !WEXITSTATUS(st) && !kill_it)
		return 0;
	return -1;
}

/* ------------------------------------------------------ the SPSC queue */

size_t spsc_bytes(unsigned int slots)
{
	unsigned int n = 1;

	while (n < slots)
		n *= 2;
	return sizeof(struct spsc) + n * sizeof(uint32_t);
}

void spsc_init(struct spsc *q, unsigned int slots)
{
	unsigned int n = 1;

	while (n < slots)
		n *= 2;
	q->mask = n - 1;
}

void spsc_push(struct spsc *q, uint32_t v)
{
	uint32_t h = atomic_load_explicit(&q->head, memory_order_relaxed);

	q->slot[h & q->mask] = v;
	atomic_store_explicit(&q->head, h + 1, memory_order_release);
	/* pairs with the fence in spsc_wait(): head seen or need_wake seen */
	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load_explicit(&q->need_wake, memory_order_relaxed) &&
	    (int32_t)(h + 1 - atomic_load_explicit(&q->wake_head,
						   memory_order_relaxed)) >= 0 &&
	    atomic_exchange(&q->need_wake, 0))
		futex_wake(&q->head, 1);
}

/* Looks at the producer's cache line only when what it saw is used up. */
bool spsc_try_pop(struct spsc *q, uint32_t *v)
{
	uint32_t t = atomic_load_explicit(&q->tail, memory_order_relaxed);

	if (q->seen == t) {
		q->seen = atomic_load_explicit(&q->head, memory_order_acquire);
		if (q->seen == t)
			return false;
	}
	*v = q->slot[t & q->mask];
	atomic_store_explicit(&q->tail, t + 1, memory_order_release);
	return true;
}

/* Spins this many polls before it sleeps (when the producer may run). */
#define SPSC_SPIN	200

static uint32_t spsc_count(struct spsc *q)
{
	return atomic_load_explicit(&q->head, memory_order_acquire) -
	       atomic_load_explicit(&q->tail, memory_order_relaxed);
}

/*
 * Wait until the queue holds @n values (spin a little on more than one
 * CPU, then sleep); -1 when the watchdog fired.
 */
int spsc_wait(struct spsc *q, unsigned int n)
{
	static int spin = -1;
	uint32_t h;

	if (spin < 0)
		spin = sysconf(_SC_NPROCESSORS_ONLN) > 1 ? SPSC_SPIN : 0;
	for (int i = 0; i < spin; i++)
		if (spsc_count(q) >= n)
			return 0;
	while (spsc_count(q) < n) {
		atomic_store_explicit(&q->wake_head,
				      atomic_load(&q->tail) + n,
				      memory_order_relaxed);
		atomic_store(&q->need_wake, 1);
		atomic_thread_fence(memory_order_seq_cst);
		h = atomic_load(&q->head);
		if (h - atomic_load(&q->tail) < n)
			futex_wait(&q->head, h);
		if (watchdog_fired)
			return -1;
	}
	atomic_store_explicit(&q->need_wake, 0, memory_order_relaxed);
	return 0;
}

/* Wait for a value and take it; -1 when the watchdog fired. */
int spsc_pop(struct spsc *q, uint32_t *v)
{
	if (spsc_try_pop(q, v))
		return 0;
	if (spsc_wait(q, 1))
		return -1;
	return spsc_try_pop(q, v) ? 0 : -1;
}
