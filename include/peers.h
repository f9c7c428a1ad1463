/* The peers thread: asks every other agent for its /status (libcurl, all
 * in parallel, hard timeouts), keeps what each last reported and when, and
 * every few tens of milliseconds runs /writer's rule on that and on this
 * node's own view, publishing the result into the shared health. Never on
 * a request's path: answers read what it published. Every poll it also
 * reads gvwstate.dat and the recovered position, for `bootstrap`. */
#ifndef CLUSTERCHECKD_PEERS_H
#define CLUSTERCHECKD_PEERS_H

#include "cluster.h"
#include "health.h"

struct peers;

/* Returns NULL (and logs why) when the thread cannot start. Nothing is
 * started when cfg->npeers is 0: the caller does not call this then. */
struct peers *peers_start(const struct cluster_cfg *cfg, const struct cluster_client_cfg *client,
			  unsigned interval_ms, unsigned window_ms, const char *datadir,
			  struct health *h);
void peers_stop(struct peers *p);

#endif
