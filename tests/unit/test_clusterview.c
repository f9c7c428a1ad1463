/* What the agents tell each other and people: cluster.self survives the
 * trip through /status JSON, /writer answers 404 without peers and 503 on
 * a stale decision, /cluster has one line per node and works with a peer
 * that never answered. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "clusterview.h"
#include "fixtures.h"
#include "report.h"

static const struct timespec NOW = {.tv_sec = 1000, .tv_nsec = 0};

static void three_nodes(struct health_view *v)
{
	struct cluster_view *cv = &v->cluster;

	fixture_synced_view(v, NOW);
	cv->enabled = true;
	cv->cfg.npeers = 3;
	for (unsigned i = 0; i < 3; i++) {
		snprintf(cv->cfg.peers[i].name, sizeof cv->cfg.peers[i].name, "db%u", i + 1);
		snprintf(cv->cfg.peers[i].url, sizeof cv->cfg.peers[i].url, "http://127.0.0.1:%u", 9201 + i);
		cv->cfg.peers[i].priority = i + 1;
	}
	snprintf(cv->cfg.name, sizeof cv->cfg.name, "db2");
	cv->self = 1;
	cv->window_ms = 3000;
	cv->evaluated_ms = clock_ms(&NOW) - 20;
	snprintf(cv->me.name, sizeof cv->me.name, "db2");
	cv->me.ready_code = 200;
	snprintf(cv->me.ready_reason, sizeof cv->me.ready_reason, "Synced");
	cv->me.eligible = true;
	cv->me.eligible_for_ms = 5000;
	cv->me.writer_for_ms = 5000;
	cv->me.primary = true;
	snprintf(cv->me.state_uuid, sizeof cv->me.state_uuid, "6b1d3c1e-0000-11ee-8000-000000000001");
	cv->me.conf_id = 3;
	cv->me.size = 3;
	cv->me.seqno = 42;
	snprintf(cv->me.state, sizeof cv->me.state, "Synced");
	cv->result.code = 503;
	snprintf(cv->result.reason, sizeof cv->result.reason, "not writer: db1 is the writer");
	cv->result.writer = 0;
	/* db1 answered 100 ms before the decision; db3 never did. */
	cv->peers[0].seen = true;
	cv->peers[0].age_ms = 100;
	cv->peers[0].report = cv->me;
	snprintf(cv->peers[0].report.name, sizeof cv->peers[0].report.name, "db1");
	cv->peers[0].report.writer = true;
	snprintf(cv->peers[2].error, sizeof cv->peers[2].error, "Connection refused");
}

static void test_self_round_trips_through_status(void **state)
{
	struct health_view v;
	struct cluster_self back;
	char why[160];
	json_t *j;
	char *text;

	(void)state;
	three_nodes(&v);
	j = report_json(&v, &NOW);
	assert_non_null(j);
	text = json_dumps(j, 0);
	json_decref(j);
	assert_non_null(text);
	assert_int_equal(clusterview_parse_self(text, strlen(text), &back, why, sizeof why), 0);
	free(text);
	assert_string_equal(back.name, "db2");
	assert_true(back.eligible);
	/* Durations move on by the time since the decision. */
	assert_int_equal(back.eligible_for_ms, 5020);
	assert_int_equal(back.conf_id, 3);
	assert_int_equal(back.seqno, 42);
	assert_string_equal(back.state_uuid, v.cluster.me.state_uuid);
}

static void test_parse_refuses_what_proves_nothing(void **state)
{
	struct cluster_self s;
	char why[160];
	const char *no_cluster = "{\"ready\": {\"code\": 200}}";
	const char *partial = "{\"cluster\": {\"self\": {\"name\": \"db1\", \"eligible\": true}}}";

	(void)state;
	assert_int_equal(clusterview_parse_self("<html>", 6, &s, why, sizeof why), -1);
	assert_non_null(strstr(why, "not JSON"));
	assert_int_equal(clusterview_parse_self(no_cluster, strlen(no_cluster), &s, why, sizeof why), -1);
	assert_non_null(strstr(why, "no cluster.self"));
	assert_int_equal(clusterview_parse_self(partial, strlen(partial), &s, why, sizeof why), -1);
	assert_string_equal(why, "/status has an incomplete cluster.self");
}

static void reply(const char *path, const char *accept, bool verbose, const struct health_view *v,
		  const struct timespec *now, struct http_reply *out)
{
	struct http_request req = {.method = "GET", .path = path, .accept = accept, .verbose = verbose};

	http_reply_build(&req, v, now, BODIES_CLUSTERCHECKD, out);
}

static void test_writer_endpoint(void **state)
{
	struct health_view v;
	struct http_reply r;
	struct timespec later = NOW;

	(void)state;
	fixture_synced_view(&v, NOW);
	reply("/writer", NULL, false, &v, &NOW, &r);
	assert_int_equal(r.status, 404);
	assert_string_equal(r.body, "Not found: /writer (cluster.peers is not configured)\n");
	http_reply_free(&r);

	three_nodes(&v);
	reply("/writer", NULL, false, &v, &NOW, &r);
	assert_int_equal(r.status, 503);
	assert_string_equal(r.body, "not writer: db1 is the writer\n");
	http_reply_free(&r);

	v.cluster.result.code = 200;
	snprintf(v.cluster.result.reason, sizeof v.cluster.result.reason, "writer: db2 (priority 2)");
	reply("/writer", NULL, true, &v, &NOW, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "writer: db2 (priority 2)\n"));
	assert_non_null(strstr(r.body, "\n1 db1 (priority 1): ready (200): Synced; state Synced; WRITER; seqno 42; 120 ms ago;"));
	assert_non_null(strstr(r.body, "\n3 db3 (priority 3): unknown: Connection refused\n"));
	http_reply_free(&r);

	/* A decision the peers thread did not renew is not believed. */
	later.tv_sec += 2;
	reply("/writer", NULL, false, &v, &later, &r);
	assert_int_equal(r.status, 503);
	assert_string_equal(r.body, "not writer: the last decision is 2020 ms old\n");
	http_reply_free(&r);
}

static void test_cluster_endpoint(void **state)
{
	struct health_view v;
	struct http_reply r;
	json_t *j;

	(void)state;
	three_nodes(&v);
	reply("/cluster", NULL, false, &v, &NOW, &r);
	assert_int_equal(r.status, 200);
	assert_non_null(strstr(r.body, "cluster seen from db2: writer db1\n"));
	assert_non_null(strstr(r.body, "\n2 db2 (priority 2): ready (200): Synced; state Synced; eligible; seqno 42;"));
	assert_non_null(strstr(r.body, "(this node)"));
	assert_non_null(strstr(r.body, "\n3 db3 (priority 3): unknown: Connection refused\n"));
	http_reply_free(&r);

	/* mysqld down here: the other nodes are still listed. */
	snapshot_set_unreachable(&v.snap, 2002, "Can't connect to local server through socket");
	reply("/cluster", "application/json", false, &v, &NOW, &r);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.content_type, "application/json");
	j = json_loads(r.body, 0, NULL);
	assert_non_null(j);
	assert_int_equal(json_array_size(json_object_get(j, "nodes")), 3);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "writer"), "node")), "db1");
	assert_true(json_is_null(json_object_get(json_array_get(json_object_get(j, "nodes"), 2), "report")));
	json_decref(j);
	http_reply_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_self_round_trips_through_status),
		cmocka_unit_test(test_parse_refuses_what_proves_nothing),
		cmocka_unit_test(test_writer_endpoint),
		cmocka_unit_test(test_cluster_endpoint),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
