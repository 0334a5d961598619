/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Setting up TIPC nodes without iproute2 (the test VM has BusyBox only):
 * network namespaces, veth pairs and TIPC's generic netlink family
 * "TIPCv2", over raw netlink sockets.  Used by xmsg-bridge (--tipc-node,
 * --tipc-bearer), the bridge test and the bridge benchmark.
 *
 * Every function returns 0 (or an fd) on success and a negative errno.
 */
#ifndef XB_NET_H
#define XB_NET_H

/* A new network namespace, kept alive by the returned fd (O_CLOEXEC). */
int xb_netns_new(void);
/* Enter the network namespace of @nsfd (setns). */
int xb_netns_enter(int nsfd);
/* A veth pair @a (moved to @nsa) <-> @b (moved to @nsb); -1 = stay here. */
int xb_veth_pair(const char *a, int nsa, const char *b, int nsb);
/* Set interface @dev up in the current namespace. */
int xb_link_up(const char *dev);
/* Give this namespace's TIPC node the identity @id (1..16 bytes). */
int xb_tipc_node_id(const char *id);
/* Enable a TIPC Ethernet bearer on @dev ("eth:@dev"), bringing it up. */
int xb_tipc_bearer(const char *dev);
/* Is AF_TIPC available (built in or module loaded)? */
int xb_have_tipc(void);
/* Node identity @id and a bearer on each of the NULL-terminated @devs. */
int xb_tipc_node(const char *id, const char *const *devs);

/* Run @fn(@arg) in a child process inside namespace @ns: its exit status
 * (0 when @fn returned 0), or -1.
 */
int xb_in_ns(int ns, int (*fn)(void *), void *arg);
/* Start xmsg-bridge (xb_bridge_path()) with @argv inside namespace @ns. */
int xb_spawn_in_ns(int ns, char *const *argv);
/* xmsg-bridge next to the calling program (../bin/), else from PATH. */
const char *xb_bridge_path(void);

#endif /* XB_NET_H */
