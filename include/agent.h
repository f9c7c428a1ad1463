/* HAProxy agent-check: on every connection, one line stating the full
 * state (health word, administrative word, weight), so that HAProxy --
 * where "only the agent may revert its own actions" -- is always told
 * everything and never left in a state the agent set earlier. */
#ifndef CLUSTERCHECKD_AGENT_H
#define CLUSTERCHECKD_AGENT_H

#include <stddef.h>
#include <time.h>

#include "health.h"

/* Longest reason put after '#': HAProxy keeps a short description. */
#define AGENT_REASON_MAX 100

struct agent_weight_cfg {
	unsigned queue_step; /* % off per queued write-set; 0 = always 100% */
	unsigned min_weight; /* floor, % */
};

/* weight% = max(min_weight, 100 - queue_step * queue); 100 when off or the
 * queue is unknown. Pure. */
unsigned agent_weight(long long queue, const struct agent_weight_cfg *w);

/* Pure: the line to send for `view` at `now`, '\n'-terminated, in `buf`.
 *   ready                      "up ready 100%"
 *   draining, otherwise fine   "up drain"
 *   maintenance                "maint"
 *   not ready                  "down ready #<reason>" (or "down drain #...")
 * Returns its length. */
size_t agent_line(const struct health_view *view, const struct timespec *now,
		  const struct agent_weight_cfg *w, char *buf, size_t len);

typedef void (*agent_view_fn)(void *ctx, struct health_view *out);

struct agent_server;

/* Listens on "ADDR:PORT" and answers from a thread. NULL with err set. */
struct agent_server *agent_start(const char *addr, const struct agent_weight_cfg *w,
				 agent_view_fn view, void *ctx, char *err, size_t errlen);
unsigned agent_port(const struct agent_server *s);
void agent_stop(struct agent_server *s);

#endif
