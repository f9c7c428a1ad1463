/* The cluster as the peers thread last saw it, in the shapes people and
 * agents read: cluster.self in /status (what the other agents parse back),
 * the cluster object in /status and GET /cluster (JSON), /cluster's text
 * (one line per node) and /writer's answers. Pure: built from a health view
 * and `now`. */
#ifndef CLUSTERCHECKD_CLUSTERVIEW_H
#define CLUSTERCHECKD_CLUSTERVIEW_H

#include <jansson.h>
#include <stddef.h>
#include <time.h>

#include "http.h"
#include "writer.h"

/* The "cluster" object of /status and /cluster; NULL when out of memory. */
json_t *clusterview_json(const struct health_view *v, const struct timespec *now);

/* A peer's /status body -> its cluster.self. Returns 0, or -1 with why. */
int clusterview_parse_self(const char *body, size_t len, struct cluster_self *out,
			   char *why, size_t why_len);

/* GET /writer and GET /cluster. 404 when cluster.peers is empty. */
void clusterview_writer_reply(const struct http_request *req, const struct health_view *v,
			      const struct timespec *now, struct http_reply *out);
void clusterview_cluster_reply(const struct http_request *req, const struct health_view *v,
			       const struct timespec *now, struct http_reply *out);

#endif
