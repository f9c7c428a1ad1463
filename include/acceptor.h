/* One thread that accepts connections on a listening socket and hands each
 * to a callback, one at a time: enough for the small local protocols (the
 * ctl socket, HAProxy's agent-check), which answer in microseconds. */
#ifndef CLUSTERCHECKD_ACCEPTOR_H
#define CLUSTERCHECKD_ACCEPTOR_H

#include <stddef.h>

/* Owns fd (non-blocking, close-on-exec) and must close it. */
typedef void (*acceptor_serve_fn)(void *ctx, int fd);

struct acceptor;

/* `name` prefixes errors. The listening socket stays the caller's. */
struct acceptor *acceptor_start(int listen_fd, acceptor_serve_fn serve, void *ctx,
				const char *name, char *err, size_t errlen);
/* Stops accepting and joins the thread; a connection being served is
 * finished first (its serve function is bounded in time). */
void acceptor_stop(struct acceptor *a);

#endif
