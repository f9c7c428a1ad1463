/* Background thread: polls mysqld every interval on one persistent
 * connection and publishes each snapshot. HTTP answers never wait on it. */
#ifndef CLUSTERCHECKD_POLLER_H
#define CLUSTERCHECKD_POLLER_H

#include "cfg.h"
#include "snapshot.h"

typedef void (*poller_publish_fn)(void *ctx, const struct snapshot *snap);

struct poller;

/* Returns NULL (errno set) if the thread cannot be created. */
struct poller *poller_start(const struct probe_cfg *cfg, unsigned interval_ms,
			    poller_publish_fn publish, void *ctx);
/* Takes effect at the next poll, on a new connection. */
void poller_reconfigure(struct poller *p, const struct probe_cfg *cfg, unsigned interval_ms);
/* Poll now instead of at the end of the interval. */
void poller_kick(struct poller *p);
void poller_stop(struct poller *p);

#endif
