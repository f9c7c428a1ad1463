/* The HTTP port's front door: one thread accepts every connection and keeps
 * it until its request head has arrived (seen with MSG_PEEK, so nothing is
 * consumed), then hands the socket to libmicrohttpd, which parses and
 * answers it as before. A connection that sends nothing, or a line a
 * second, therefore costs a file descriptor and a few bytes here, never a
 * slot in the HTTP engine; and the rule in pending.h decides who is closed
 * when room runs out, so a new connection -- a load balancer's check --
 * always gets in. Each connection has http.timeout in total to send its
 * request head, however it trickles the bytes. */
#ifndef CLUSTERCHECKD_GATE_H
#define CLUSTERCHECKD_GATE_H

#include <stdbool.h>
#include <stddef.h>

/* Takes fd over: a connection whose request head has arrived (or that
 * sent more than the gate looks at, for the engine to refuse). */
typedef void (*gate_handoff_fn)(void *ctx, int fd);

struct gate_opts {
	int listen_fd;           /* listening, stays the caller's */
	unsigned capacity;       /* connections waiting for their request */
	unsigned per_addr;       /* of them from one address; 0 = no limit */
	unsigned timeout_ms;     /* to send the whole request head */
	size_t head_max;         /* bytes looked at before handing over anyway */
	/* TLS port: what the gate waits for is the client's first record, a
	 * whole ClientHello (tls_hello_state); anything else is closed. */
	bool tls;
	gate_handoff_fn handoff;
	void *ctx;
};

struct gate;

/* Raises the open-files limit to its hard limit first, and lowers
 * `capacity` to what that limit allows (logged). NULL with err set. */
struct gate *gate_start(const struct gate_opts *o, char *err, size_t errlen);
void gate_stop(struct gate *g);

#endif
