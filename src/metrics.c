#include "metrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "clock.h"
#include "liveness.h"
#include "report.h"
#include "verdict.h"

#ifndef CLUSTERCHECKD_VERSION
#define CLUSTERCHECKD_VERSION "unknown"
#endif

static const char *const endpoint_names[EP_COUNT] = {
	[EP_ROOT] = "/", [EP_READY] = "/ready", [EP_LIVE] = "/live",
	[EP_STATUS] = "/status", [EP_METRICS] = "/metrics", [EP_WRITER] = "/writer",
	[EP_CLUSTER] = "/cluster", [EP_OTHER] = "other",
};

static const char *const code_names[MC_COUNT] = {
	[MC_200] = "200", [MC_401] = "401", [MC_404] = "404", [MC_405] = "405", [MC_503] = "503", [MC_OTHER] = "other",
};

enum metrics_endpoint metrics_endpoint_of(const char *path)
{
	for (int i = 0; i < EP_OTHER; i++)
		if (strcmp(path, endpoint_names[i]) == 0)
			return (enum metrics_endpoint)i;
	return strcmp(path, "*") == 0 ? EP_ROOT : EP_OTHER;
}

const char *metrics_endpoint_name(enum metrics_endpoint e)
{
	return (unsigned)e < EP_COUNT ? endpoint_names[e] : "other";
}

void metrics_count(struct metrics_requests *r, enum metrics_endpoint e, int code)
{
	enum metrics_code c = code == 200 ? MC_200 : code == 401 ? MC_401 : code == 404 ? MC_404 : code == 405 ? MC_405
			    : code == 503 ? MC_503 : MC_OTHER;

	if ((unsigned)e >= EP_COUNT)
		e = EP_OTHER;
	atomic_fetch_add_explicit(&r->n[e][c], 1, memory_order_relaxed);
}

void metrics_count_unauthorized(struct metrics_requests *r, unsigned reason)
{
	if (reason > 0 && reason < METRICS_AUTH_REASONS)
		atomic_fetch_add_explicit(&r->unauthorized[reason], 1, memory_order_relaxed);
}

static void header(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A wsrep gauge only when mysqld reported the fact and it parsed: a
 * missing series says "unknown" better than a made-up 0. */
static void fact_gauge(FILE *f, const struct snapshot *s, enum fact_id id, const char *name,
		       const char *help)
{
	const struct fact *x = snapshot_fact(s, id);

	if (s->outcome != SNAP_OK || !x->present || !x->valid)
		return;
	header(f, name, "gauge", help);
	if (snapshot_fact_desc(id)->kind == FACT_KIND_REAL)
		fprintf(f, "%s %.17g\n", name, x->real);
	else
		fprintf(f, "%s %lld\n", name, x->num);
}

static void wsrep_gauges(FILE *f, const struct snapshot *s)
{
	fact_gauge(f, s, FACT_LOCAL_STATE, "galera_wsrep_local_state",
		   "wsrep_local_state: 1 joining, 2 donor/desynced, 3 joined, 4 synced.");
	fact_gauge(f, s, FACT_CLUSTER_SIZE, "galera_wsrep_cluster_size",
		   "Nodes in this node's component (wsrep_cluster_size).");
	fact_gauge(f, s, FACT_READY, "galera_wsrep_ready", "wsrep_ready: 1 when the node accepts queries.");
	fact_gauge(f, s, FACT_CONNECTED, "galera_wsrep_connected",
		   "wsrep_connected: 1 when connected to a cluster.");
	if (s->outcome == SNAP_OK && snapshot_fact(s, FACT_CLUSTER_STATUS)->present) {
		header(f, "galera_wsrep_cluster_status_primary", "gauge",
		       "1 when wsrep_cluster_status is Primary.");
		fprintf(f, "galera_wsrep_cluster_status_primary %d\n",
			strcmp(snapshot_fact(s, FACT_CLUSTER_STATUS)->text, "Primary") == 0);
	}
	fact_gauge(f, s, FACT_DESYNC, "galera_wsrep_desync", "wsrep_desync: 1 when desynced by hand.");
	fact_gauge(f, s, FACT_LOCAL_RECV_QUEUE, "galera_wsrep_local_recv_queue",
		   "Write-sets waiting to be applied (wsrep_local_recv_queue).");
	fact_gauge(f, s, FACT_LAST_COMMITTED, "galera_wsrep_last_committed",
		   "Seqno of the last committed write-set (wsrep_last_committed).");
	fact_gauge(f, s, FACT_FLOW_CONTROL_PAUSED, "galera_wsrep_flow_control_paused_ratio",
		   "Fraction of time paused by flow control since the last FLUSH STATUS.");
}

static void datadir_gauges(FILE *f, const struct datadir_facts *d)
{
	if (d->checked && d->grastate_errno == 0) {
		if (d->grastate.seqno_ok) {
			header(f, "galera_grastate_seqno", "gauge",
			       "seqno in grastate.dat; -1 while mysqld runs or after a crash.");
			fprintf(f, "galera_grastate_seqno %lld\n", d->grastate.seqno);
		}
		if (d->grastate.safe_to_bootstrap_ok) {
			header(f, "galera_grastate_safe_to_bootstrap", "gauge",
			       "safe_to_bootstrap in grastate.dat.");
			fprintf(f, "galera_grastate_safe_to_bootstrap %d\n", d->grastate.safe_to_bootstrap);
		}
	}
	/* Unknown is a missing series, never a 0. */
	if (datadir_marker_known(d)) {
		header(f, "galera_sst_in_progress", "gauge",
		       "1 while the datadir holds the sst_in_progress marker.");
		fprintf(f, "galera_sst_in_progress %d\n", d->sst_in_progress);
	}
	if (d->checked) {
		header(f, "clustercheckd_datadir_readable", "gauge",
		       "1 when the agent can tell whether the file is in the datadir (and read grastate.dat); 0 when it cannot know.");
		fprintf(f, "clustercheckd_datadir_readable{file=\"%s\"} %d\n", DATADIR_SST_MARKER,
			datadir_marker_known(d));
		fprintf(f, "clustercheckd_datadir_readable{file=\"%s\"} %d\n", DATADIR_GRASTATE,
			datadir_grastate_known(d));
	}
}

static void verdict_gauges(FILE *f, const struct verdict *ready, const struct liveness *live)
{
	header(f, "clustercheckd_verdict_ok", "gauge", "1 when the endpoint answers 200.");
	fprintf(f, "clustercheckd_verdict_ok{endpoint=\"ready\"} %d\n", ready->code == 200);
	fprintf(f, "clustercheckd_verdict_ok{endpoint=\"live\"} %d\n", live->code == 200);
	header(f, "clustercheckd_verdict_code", "gauge", "HTTP status the endpoint answers now.");
	fprintf(f, "clustercheckd_verdict_code{endpoint=\"ready\"} %d\n", ready->code);
	fprintf(f, "clustercheckd_verdict_code{endpoint=\"live\"} %d\n", live->code);
}

static void poll_gauges(FILE *f, const struct health_view *v, const struct timespec *now)
{
	const struct snapshot *s = &v->snap;

	header(f, "clustercheckd_mysqld_up", "gauge", "1 when mysqld answered the last poll.");
	fprintf(f, "clustercheckd_mysqld_up %d\n", s->outcome == SNAP_OK);
	header(f, "clustercheckd_mysqld_refused", "gauge",
	       "1 when mysqld replied to the last poll with an error (it runs, but refuses the agent).");
	fprintf(f, "clustercheckd_mysqld_refused %d\n", snapshot_refused(s));
	if (s->outcome != SNAP_NONE) {
		header(f, "clustercheckd_snapshot_age_seconds", "gauge", "Age of the latest poll result.");
		fprintf(f, "clustercheckd_snapshot_age_seconds %.3f\n", clock_seconds_between(&s->taken, now));
	}
	header(f, "clustercheckd_polls_total", "counter", "Polls of mysqld.");
	fprintf(f, "clustercheckd_polls_total %llu\n", (unsigned long long)v->counters.polls);
	header(f, "clustercheckd_poll_errors_total", "counter", "Polls mysqld did not answer.");
	fprintf(f, "clustercheckd_poll_errors_total %llu\n", (unsigned long long)v->counters.poll_errors);
	header(f, "clustercheckd_poll_duration_seconds_total", "counter",
	       "Time spent polling mysqld.");
	fprintf(f, "clustercheckd_poll_duration_seconds_total %.6f\n", v->counters.poll_seconds);
}

static void request_counters(FILE *f, const struct metrics_requests *requests)
{
	header(f, "clustercheckd_http_requests_total", "counter",
	       "HTTP requests answered, by endpoint and status code.");
	for (int e = 0; e < EP_COUNT; e++)
		for (int c = 0; c < MC_COUNT; c++) {
			uint64_t n = atomic_load_explicit(&requests->n[e][c], memory_order_relaxed);
			if (n)
				fprintf(f, "clustercheckd_http_requests_total{endpoint=\"%s\",code=\"%s\"} %llu\n",
					endpoint_names[e], code_names[c], (unsigned long long)n);
		}
	/* Every reason, zeros too: an alert on rate() needs the series. */
	header(f, "clustercheckd_http_unauthorized_total", "counter",
	       "Requests refused for their credentials (401; busy: 429), by reason.");
	for (unsigned r = 1; r < METRICS_AUTH_REASONS; r++)
		fprintf(f, "clustercheckd_http_unauthorized_total{reason=\"%s\"} %llu\n",
			auth_reason_name((enum auth_reason)r),
			(unsigned long long)atomic_load_explicit(&requests->unauthorized[r],
								 memory_order_relaxed));
}

char *metrics_text(const struct health_view *v, const struct timespec *now,
		   const struct metrics_requests *requests, size_t *len)
{
	const struct snapshot *s = &v->snap;
	struct verdict ready = verdict_decide(s, v->admin, &v->policy, now);
	struct liveness live = report_liveness(v, now);
	char *buf = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&buf, &size);

	if (!f)
		return NULL;
	wsrep_gauges(f, s);
	datadir_gauges(f, &s->datadir);
	verdict_gauges(f, &ready, &live);
	poll_gauges(f, v, now);
	if (requests)
		request_counters(f, requests);
	header(f, "clustercheckd_uptime_seconds", "gauge", "Seconds since the agent started.");
	fprintf(f, "clustercheckd_uptime_seconds %.3f\n", clock_seconds_between(&v->started, now));
	header(f, "clustercheckd_build_info", "gauge", "The agent's version.");
	fprintf(f, "clustercheckd_build_info{version=\"%s\"} 1\n", CLUSTERCHECKD_VERSION);

	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	*len = size;
	return buf;
}
