/* Small socket helpers shared by the listeners (HTTP, agent-check) and
 * --check-config's bind test, so that they follow one rule. */
#ifndef CLUSTERCHECKD_NET_H
#define CLUSTERCHECKD_NET_H

#include <sys/socket.h>

/* The local port a listening socket is bound to, or 0. */
unsigned net_local_port(int fd);

/* A dual-stack wildcard ([::]:P) on a host without IPv6 means IPv4's
 * wildcard: rewrites *ss to 0.0.0.0:P. */
void net_wildcard_to_ipv4(struct sockaddr_storage *ss);

#endif
