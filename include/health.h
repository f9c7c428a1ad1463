/* The agent's current belief: the latest snapshot, the operator's intent and
 * the policy, published by the poller and read by every answer. Logs each
 * verdict transition once, with the old and new verdict and the reason. */
#ifndef CLUSTERCHECKD_HEALTH_H
#define CLUSTERCHECKD_HEALTH_H

#include <stdint.h>
#include <time.h>

#include "liveness.h"
#include "snapshot.h"
#include "verdict.h"
#include "writer.h"

/* Totals since start, for /metrics. */
struct health_counters {
	uint64_t polls;
	uint64_t poll_errors;
	double poll_seconds;
};

struct health_view {
	struct snapshot snap;
	struct verdict_policy policy;
	enum admin_state admin;
	char admin_why[128];
	struct liveness_policy live_policy;
	struct liveness_memory memory;   /* since when mysqld is unreachable */
	struct health_counters counters;
	struct timespec started;         /* CLOCK_MONOTONIC, for uptime */
	char datadir[256];               /* configured path, for /status */
	struct cluster_view cluster;     /* /writer, /cluster: published by the peers thread */
};

struct health;

/* /live's policy starts zeroed: health_set_live_policy() before serving. */
struct health *health_new(const struct verdict_policy *policy);
void health_free(struct health *h);

/* Replace the snapshot (the poller's publish callback), then log a
 * transition if the verdict changed. */
void health_publish(struct health *h, const struct snapshot *snap);
void health_set_policy(struct health *h, const struct verdict_policy *p);
void health_set_live_policy(struct health *h, const struct liveness_policy *p, const char *datadir);
void health_set_admin(struct health *h, enum admin_state a, const char *why);

/* mysqld announced a shutdown (wsrep_notify_cmd "disconnecting" or
 * "disconnected"): answer 503 from now on, until a poll that started after
 * this moment succeeds. The verdict stays pure: it sees a snapshot saying
 * mysqld is going away, not a flag. */
void health_notify_down(struct health *h, const char *status);

/* The peers thread's latest decision (/writer, /cluster, /status). */
void health_set_cluster(struct health *h, const struct cluster_view *cv);

/* A consistent copy of everything an answer is computed from. */
void health_view(struct health *h, struct health_view *out);

/* Re-evaluate at `now` so that a snapshot going stale is logged even when
 * nothing is published; returns the current verdict. */
struct verdict health_tick(struct health *h, const struct timespec *now);

#endif
