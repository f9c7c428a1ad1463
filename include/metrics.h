/* /metrics: Prometheus text exposition 0.0.4. The text is built from a
 * health view and the request counters (pure); the counters are bumped by
 * every HTTP answer with one relaxed atomic add, so counting costs nothing
 * measurable at tens of thousands of checks per second. */
#ifndef CLUSTERCHECKD_METRICS_H
#define CLUSTERCHECKD_METRICS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "health.h"

#define METRICS_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

enum metrics_endpoint {
	EP_ROOT,    /* "/" and "*": HAProxy's readiness */
	EP_READY,
	EP_LIVE,
	EP_STATUS,
	EP_METRICS,
	EP_WRITER,  /* cluster-aware: the single writer */
	EP_CLUSTER,
	EP_OTHER,   /* unknown paths: one label value, whatever was asked */
	EP_COUNT
};

enum metrics_code { MC_200, MC_401, MC_404, MC_405, MC_503, MC_OTHER, MC_COUNT };

/* auth.h's reasons a credential is refused (index 0, ok, is unused). */
#define METRICS_AUTH_REASONS 6

struct metrics_requests {
	_Atomic uint64_t n[EP_COUNT][MC_COUNT];
	_Atomic uint64_t unauthorized[METRICS_AUTH_REASONS];
};

enum metrics_endpoint metrics_endpoint_of(const char *path);
const char *metrics_endpoint_name(enum metrics_endpoint e);
void metrics_count(struct metrics_requests *r, enum metrics_endpoint e, int code);
void metrics_count_unauthorized(struct metrics_requests *r, unsigned reason);

/* The whole exposition, malloc'd, or NULL when out of memory. `requests`
 * may be NULL (no HTTP server, e.g. a one-shot check). */
char *metrics_text(const struct health_view *v, const struct timespec *now,
		   const struct metrics_requests *requests, size_t *len);

#endif
