// SPDX-License-Identifier: GPL-2.0
/*
 * xmsg-bridge's status: state and counters per mapping, posted as text
 * at the broadcast exchange "bridge.NAME" (status_post()) and read by
 * xmsg-bridge --status (print_status()).
 */

#include "bridge.h"

static int status_text(char *buf, size_t size)
{
	size_t n = 0;
	int i;

#define P(...) do {							\
	if (n < size)							\
		n += snprintf(buf + n, size - n, __VA_ARGS__);		\
} while (0)
	P("bridge %s pid %d\n", B.name, (int)getpid());
	for (i = 0; i < B.nmaps; i++) {
		struct map *m = &B.maps[i];
		struct conn *c;
		int nc = 0;

		P("%s %s %u:%u state=%s", kind_name[m->kind], m->name,
		  m->type, m->inst, m->up ? "up" : "down");
		switch (m->kind) {
		case M_IMPORT:
			P(" published=%d fwd=%llu acked=%llu lost=%llu "
			  "dropped=%llu tx_err=%llu reqs=%llu replies=%llu "
			  "replies_lost=%llu copied=%llu connects=%llu",
			  m->published, (unsigned long long)m->c_fwd,
			  (unsigned long long)m->c_acked,
			  (unsigned long long)m->c_lost,
			  (unsigned long long)m->c_dropped,
			  (unsigned long long)m->c_txerr,
			  (unsigned long long)m->c_reqs,
			  (unsigned long long)m->c_replies,
			  (unsigned long long)m->c_replies_lost,
			  (unsigned long long)m->c_copied,
			  (unsigned long long)m->c_connects);
			break;
		case M_EXPORT:
			for (c = m->conns; c; c = c->next)
				nc++;
			P(" conns=%d rx=%llu delivered=%llu malformed=%llu "
			  "oversized=%llu deliver_err=%llu reqs=%llu "
			  "replies=%llu replies_lost=%llu copied=%llu", nc,
			  (unsigned long long)m->c_rx,
			  (unsigned long long)m->c_delivered,
			  (unsigned long long)m->c_malformed,
			  (unsigned long long)m->c_oversized,
			  (unsigned long long)m->c_deliver_err,
			  (unsigned long long)m->c_reqs,
			  (unsigned long long)m->c_replies,
			  (unsigned long long)m->c_replies_lost,
			  (unsigned long long)m->c_copied);
			break;
		case M_BEXPORT:
			P(" gen=%llu posts=%llu late=%llu tx_err=%llu "
			  "copied=%llu", (unsigned long long)m->gen,
			  (unsigned long long)m->c_posts,
			  (unsigned long long)m->c_late,
			  (unsigned long long)m->c_txerr,
			  (unsigned long long)m->c_copied);
			break;
		case M_BIMPORT:
			P(" gen=%llu posts=%llu dups=%llu malformed=%llu "
			  "oversized=%llu", (unsigned long long)m->gen,
			  (unsigned long long)m->c_posts,
			  (unsigned long long)m->c_dups,
			  (unsigned long long)m->c_malformed,
			  (unsigned long long)m->c_oversized);
			break;
		}
		P("\n");
	}
#undef P
	return n < size ? (int)n : (int)size - 1;
}

/* Post the status text at bridge.NAME (the post replaces the last). */
void status_post(int force)
{
	struct xm_msg m;
	double t = now();
	int n;

	if (!B.dirty || (!force && t - B.status_at < STATUS_MS / 1e3))
		return;
	if (xm_msg_get(B.x, B.rx_pool, &m))
		return;		/* pool empty: next time */
	n = status_text(m.body, m.length);
	if (xm_msg_set_length(B.x, m.handle, n) == 0 &&
	    xm_send(B.x, B.status_xchg, m.handle, 0, 0, 0) == 0) {
		B.dirty = 0;
		B.status_at = t;
	}
	xm_msg_rel(B.x, m.handle);
}

int print_status(const char *name)
{
	char buf[65536];
	struct xm *x;
	int ret;

	ret = xm_open(&x, NULL);
	if (ret)
		die("/dev/xmsg", ret);
	ret = xb_status_read(x, name, buf, sizeof(buf));
	xm_close(x);
	if (ret < 0) {
		fprintf(stderr, "xmsg-bridge: bridge %s: %s\n", name,
			ret == -ENOENT ? "no such bridge" :
			ret == -EAGAIN ? "not running" : strerror(-ret));
		return 1;
	}
	fputs(buf, stdout);
	return 0;
}
