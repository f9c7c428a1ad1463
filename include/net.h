/* Listen addresses and small socket helpers shared by the listeners (HTTP,
 * agent-check) and --check-config's bind test, so that they follow one
 * rule: "0.0.0.0", "*" and an empty address are the dual-stack wildcard
 * (IPv4's when the host has no IPv6), "[::]" is IPv6's wildcard as the
 * system's bindv6only says, anything else binds its first address. */
#ifndef CLUSTERCHECKD_NET_H
#define CLUSTERCHECKD_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

/* Splits "host:port", "[v6]:port" or ":port" into host (brackets off) and
 * port 1-65535; a host name is allowed, resolved later. Returns 0, or -1
 * with, when why is not NULL, the reason in why (host and port untouched). */
int net_parse_listen(const char *s, char *host, size_t host_len, unsigned *port,
		     char *why, size_t why_len);

/* Where `listen` ("ADDR:PORT") binds: the wildcard is IPv6's with *dual
 * set, a name its first address. Returns 0, or -1 with the reason in err. */
int net_resolve_listen(const char *listen, struct sockaddr_storage *ss, bool *dual,
		       char *err, size_t errlen);

/* A socket of ss's family (flags: SOCK_NONBLOCK, ...; close-on-exec always)
 * with SO_REUSEADDR, dual stack when `dual`, bound to *ss. Returns the fd,
 * or -1 with errno set. */
int net_bind(const struct sockaddr_storage *ss, bool dual, int flags);

/* Resolves, binds and listens (SOMAXCONN: a short queue overflows under a
 * flood, and HAProxy retries a dropped SYN only after 1 s, then 3 s). The
 * dual-stack wildcard falls back to IPv4's when IPv6 cannot be had.
 * Returns the fd, or -1 with the reason in err. */
int net_listen(const char *listen, int flags, char *err, size_t errlen);

/* The local port a listening socket is bound to, or 0. */
unsigned net_local_port(int fd);

/* A dual-stack wildcard ([::]:P) on a host without IPv6 means IPv4's
 * wildcard: rewrites *ss to 0.0.0.0:P. */
void net_wildcard_to_ipv4(struct sockaddr_storage *ss);

#endif
