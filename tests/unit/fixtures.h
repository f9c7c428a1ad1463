/* What several unit tests start from: the view of a Synced, Primary node
 * of a 3-node cluster, as MariaDB 10.11 reports it. Tests change what they
 * are about on top of it. */
#ifndef CLUSTERCHECKD_TEST_FIXTURES_H
#define CLUSTERCHECKD_TEST_FIXTURES_H

#include <string.h>
#include <time.h>

#include "cfg.h"
#include "health.h"

/* The policies as the configuration's defaults make them. */
static inline void fixture_policy(struct verdict_policy *p)
{
	struct cfg c;

	cfg_defaults(&c);
	*p = c.policy;
}

static inline void fixture_live_policy(struct liveness_policy *p)
{
	struct cfg c;

	cfg_defaults(&c);
	*p = c.live;
}

static inline void fixture_put(struct snapshot *s, const char *name, const char *value)
{
	snapshot_set(s, name, strlen(name), value, strlen(value));
}

static inline void fixture_synced_view(struct health_view *v, struct timespec taken)
{
	memset(v, 0, sizeof *v);
	snapshot_init(&v->snap);
	v->snap.outcome = SNAP_OK;
	v->snap.taken = taken;
	fixture_put(&v->snap, "wsrep_on", "ON");
	fixture_put(&v->snap, "wsrep_local_state", "4");
	fixture_put(&v->snap, "wsrep_local_state_comment", "Synced");
	fixture_put(&v->snap, "wsrep_ready", "ON");
	fixture_put(&v->snap, "wsrep_connected", "ON");
	fixture_put(&v->snap, "wsrep_cluster_status", "Primary");
	fixture_put(&v->snap, "wsrep_cluster_size", "3");
	fixture_put(&v->snap, "wsrep_desync", "OFF");
	fixture_put(&v->snap, "wsrep_local_recv_queue", "0");
	fixture_put(&v->snap, "read_only", "OFF");
	fixture_policy(&v->policy);
	v->admin = ADMIN_READY;
}

#endif
