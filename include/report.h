/* Everything the agent knows, as JSON (jansson): the verdict, every check,
 * every fact read, the policy in force. Shared by /status and --check --json
 * so that both say the same thing in the same shape. Never holds credentials. */
#ifndef CLUSTERCHECKD_REPORT_H
#define CLUSTERCHECKD_REPORT_H

#include <jansson.h>
#include <time.h>

#include "health.h"
#include "liveness.h"

/* A new object owned by the caller, or NULL when out of memory. */
json_t *report_json(const struct health_view *v, const struct timespec *now);

/* /live's decision for this view (the same one /status shows). */
struct liveness report_liveness(const struct health_view *v, const struct timespec *now);

/* The fact as JSON: null when absent, its number or boolean when it parsed,
 * else its text (so garbage is shown as mysqld sent it). */
json_t *report_fact_json(const struct snapshot *s, enum fact_id id);

#endif
