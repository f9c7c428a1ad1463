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
 * sent more than the gate looks at, for the engine to refuse). False when
 * the engine refused it (and fd is closed). */
typedef bool (*gate_handoff_fn)(void *ctx, int fd);

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
	struct gate **self;      /* set before the first handoff, for gate_engine_done */
};

struct gate;

/* Raises the open-files limit to its hard limit first, and lowers
 * `capacity` to what that limit allows (logged). NULL with err set. */
struct gate *gate_start(const struct gate_opts *o, char *err, size_t errlen);
/* Stops accepting and closes the connections still waiting; g stays
 * valid for gate_engine_done until gate_free (stop the engine between). */
void gate_stop(struct gate *g);
void gate_free(struct gate *g);

/* TLS: the engine calls this (from its threads) when connection fd has
 * sent its request or is closing, so that it no longer counts as a
 * handshake in progress. No-op for plain HTTP and for g NULL. */
void gate_engine_done(struct gate *g, int fd);

#endif
