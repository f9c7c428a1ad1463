/* The reply builder: request + view -> status, headers, body. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "http.h"
#include "fixtures.h"

static const struct timespec NOW = {.tv_sec = 50};

static struct http_reply build(const char *method, const char *path, bool verbose,
			       const struct health_view *v, enum http_bodies bodies)
{
	struct http_request req = {.method = method, .path = path, .verbose = verbose};
	struct http_reply r;

	http_reply_build(&req, v, &NOW, bodies, &r);
	return r;
}

static void expect(const char *method, const char *path, const struct health_view *v,
		   enum http_bodies bodies, int status, const char *body)
{
	struct http_reply r = build(method, path, false, v, bodies);

	assert_int_equal(r.status, status);
	assert_string_equal(r.content_type, "text/plain");
	assert_int_equal(r.body_len, strlen(body));
	assert_memory_equal(r.body, body, r.body_len);
	http_reply_free(&r);
}

static void test_haproxy_options_get_and_head_agree(void **state)
{
	struct health_view v;

	(void)state;
	fixture_synced_view(&v, NOW);
	expect("OPTIONS", "/", &v, BODIES_CLUSTERCHECKD, 200, "Galera node is synced.\n");
	expect("GET", "/", &v, BODIES_CLUSTERCHECKD, 200, "Galera node is synced.\n");
	expect("HEAD", "/", &v, BODIES_CLUSTERCHECKD, 200, "Galera node is synced.\n");
	expect("OPTIONS", "*", &v, BODIES_CLUSTERCHECKD, 200, "Galera node is synced.\n");
	fixture_put(&v.snap, "wsrep_desync", "ON");
	fixture_put(&v.snap, "wsrep_local_state", "2");
	fixture_put(&v.snap, "wsrep_local_state_comment", "Donor/Desynced");
	expect("OPTIONS", "/", &v, BODIES_CLUSTERCHECKD, 503,
	       "Galera node is not ready: manually desynced (wsrep_desync=ON)\n");
	expect("GET", "/", &v, BODIES_CLUSTERCHECKD, 503,
	       "Galera node is not ready: manually desynced (wsrep_desync=ON)\n");
}

static void test_other_methods_get_405_with_allow(void **state)
{
	static const char *const methods[] = {"POST", "PUT", "DELETE", "TRACE", "PATCH", "get"};
	struct health_view v;

	(void)state;
	fixture_synced_view(&v, NOW);
	for (size_t i = 0; i < sizeof methods / sizeof *methods; i++) {
		struct http_reply r = build(methods[i], "/", false, &v, BODIES_CLUSTERCHECKD);
		assert_int_equal(r.status, 405);
		assert_string_equal(r.allow, "GET, HEAD, OPTIONS");
		http_reply_free(&r);
	}
}

static void test_unknown_path_is_404(void **state)
{
	struct health_view v;

	(void)state;
	fixture_synced_view(&v, NOW);
	expect("GET", "/nope", &v, BODIES_CLUSTERCHECKD, 404, "Not found: /nope\n");
	expect("GET", "//", &v, BODIES_CLUSTERCHECKD, 404, "Not found: //\n");
}

static void test_clustercheck_bodies_byte_for_byte(void **state)
{
	struct health_view v;

	(void)state;
	fixture_synced_view(&v, NOW);
	/* Lengths as olafz/percona-clustercheck declares them: 40, 43, 51, 44. */
	expect("GET", "/", &v, BODIES_CLUSTERCHECK, 200, "Percona XtraDB Cluster Node is synced.\r\n");
	v.policy.read_only_ok = false;
	fixture_put(&v.snap, "read_only", "ON");
	expect("GET", "/", &v, BODIES_CLUSTERCHECK, 503, "Percona XtraDB Cluster Node is read-only.\r\n");
	v.admin = ADMIN_MAINT;
	expect("GET", "/", &v, BODIES_CLUSTERCHECK, 503,
	       "Percona XtraDB Cluster Node is manually disabled.\r\n");
	fixture_synced_view(&v, NOW);
	fixture_put(&v.snap, "wsrep_local_state", "1");
	expect("GET", "/", &v, BODIES_CLUSTERCHECK, 503, "Percona XtraDB Cluster Node is not synced.\r\n");
	assert_int_equal(strlen("Percona XtraDB Cluster Node is synced.\r\n"), 40);
	assert_int_equal(strlen("Percona XtraDB Cluster Node is manually disabled.\r\n"), 51);
}

static void test_ready_for_other_reasons_says_why(void **state)
{
	struct health_view v;

	(void)state;
	fixture_synced_view(&v, NOW);
	fixture_put(&v.snap, "wsrep_local_state", "2");
	fixture_put(&v.snap, "wsrep_local_state_comment", "Donor/Desynced");
	v.snap.sst.kind = SST_PROC_SST;
	snprintf(v.snap.sst.method, sizeof v.snap.sst.method, "mariabackup");
	v.policy.donor = DONOR_ALWAYS;
	expect("GET", "/", &v, BODIES_CLUSTERCHECKD, 200,
	       "Galera node is ready: Donor/Desynced, SST donor (mariabackup), allowed by donor policy always\n");
	fixture_synced_view(&v, NOW);
	v.admin = ADMIN_DRAIN;
	expect("GET", "/", &v, BODIES_CLUSTERCHECKD, 404, "Galera node is draining: draining\n");
	/* the operator's reason, when there is one */
	snprintf(v.admin_why, sizeof v.admin_why, "SIGTERM: draining for 10 s, then exiting");
	expect("GET", "/", &v, BODIES_CLUSTERCHECKD, 404,
	       "Galera node is draining: SIGTERM: draining for 10 s, then exiting\n");
	v.admin = ADMIN_MAINT;
	snprintf(v.admin_why, sizeof v.admin_why, "maintenance file /var/tmp/clustercheck.disabled exists");
	expect("GET", "/", &v, BODIES_CLUSTERCHECKD, 503,
	       "Galera node is not ready: in maintenance: maintenance file /var/tmp/clustercheck.disabled exists\n");
	expect("GET", "/", &v, BODIES_CLUSTERCHECK, 503,
	       "Percona XtraDB Cluster Node is manually disabled.\r\n");
}

static void test_verbose_names_the_failing_check(void **state)
{
	struct health_view v;
	struct http_reply r;

	(void)state;
	fixture_synced_view(&v, NOW);
	fixture_put(&v.snap, "wsrep_cluster_status", "non-Primary");
	r = build("GET", "/", true, &v, BODIES_CLUSTERCHECKD);
	assert_int_equal(r.status, 503);
	assert_non_null(strstr(r.body, "[+]mysqld ok: mysqld answered\n"));
	assert_non_null(strstr(r.body, "[-]primary failed: non-Primary component (wsrep_cluster_status=non-Primary)\n"));
	assert_non_null(strstr(r.body, "\nready check failed: non-Primary component"));
	http_reply_free(&r);
}

static struct http_reply build_req(const struct http_request *req, const struct health_view *v)
{
	struct http_reply r;

	http_reply_build(req, v, &NOW, BODIES_CLUSTERCHECKD, &r);
	return r;
}

static void test_ready_is_the_same_funnel_as_root(void **state)
{
	struct health_view v;

	(void)state;
	fixture_synced_view(&v, NOW);
	expect("GET", "/ready", &v, BODIES_CLUSTERCHECKD, 200, "Galera node is synced.\n");
	expect("OPTIONS", "/ready", &v, BODIES_CLUSTERCHECKD, 200, "Galera node is synced.\n");
	fixture_put(&v.snap, "wsrep_local_state", "1");
	fixture_put(&v.snap, "wsrep_local_state_comment", "Joining: receiving State Transfer");
	expect("GET", "/ready", &v, BODIES_CLUSTERCHECKD, 503,
	       "Galera node is not ready: Joining: receiving State Transfer (wsrep_local_state=1)\n");
	expect("HEAD", "/", &v, BODIES_CLUSTERCHECKD, 503,
	       "Galera node is not ready: Joining: receiving State Transfer (wsrep_local_state=1)\n");
}

static void test_live_survives_what_ready_does_not(void **state)
{
	struct health_view v;

	(void)state;
	fixture_synced_view(&v, NOW);
	v.memory.unreachable_since = NOW;
	fixture_live_policy(&v.live_policy);
	fixture_put(&v.snap, "wsrep_local_state", "1");
	expect("GET", "/live", &v, BODIES_CLUSTERCHECKD, 200,
	       "Galera node is alive: joining (wsrep_local_state=1)\n");
	/* mysqld gone for 40 s with nothing under way: dead. */
	fixture_synced_view(&v, NOW);
	fixture_live_policy(&v.live_policy);
	v.memory.unreachable_since = (struct timespec){.tv_sec = NOW.tv_sec - 40};
	snapshot_init(&v.snap);
	snapshot_set_unreachable(&v.snap, 2002, "Can't connect");
	v.snap.taken = NOW;
	expect("GET", "/live", &v, BODIES_CLUSTERCHECKD, 503,
	       "Galera node is not alive: no answer for 40000 ms, beyond the 30000 ms grace: Can't connect\n");
	/* ...unless the datadir says an SST is being received. */
	v.snap.datadir.checked = true;
	v.snap.datadir.sst_in_progress = true;
	expect("GET", "/live", &v, BODIES_CLUSTERCHECKD, 200,
	       "Galera node is alive: receiving a state transfer (sst_in_progress marker in the datadir)\n");
}

static void test_live_verbose_lists_its_checks(void **state)
{
	struct health_view v;
	struct http_request req = {.method = "GET", .path = "/live", .verbose = true};
	struct http_reply r;

	(void)state;
	fixture_synced_view(&v, NOW);
	fixture_live_policy(&v.live_policy);
	v.memory.unreachable_since = (struct timespec){.tv_sec = NOW.tv_sec - 40};
	snapshot_init(&v.snap);
	snapshot_set_unreachable(&v.snap, 2002, "Can't connect");
	v.snap.datadir.checked = true;
	r = build_req(&req, &v);
	assert_int_equal(r.status, 503);
	assert_string_equal(r.body, "[+]state_transfer ok: none under way\n"
			    "[-]mysqld failed: no answer for 40000 ms, beyond the 30000 ms grace: Can't connect\n"
			    "live check failed: no answer for 40000 ms, beyond the 30000 ms grace: Can't connect\n");
	http_reply_free(&r);

	req.path = "/ready";
	fixture_synced_view(&v, NOW);
	r = build_req(&req, &v);
	assert_int_equal(r.status, 200);
	for (int i = 0; i < CHECK_COUNT; i++) {
		char line[64];
		snprintf(line, sizeof line, "[+]%s ok: ", verdict_check_name((enum verdict_check_id)i));
		assert_non_null(strstr(r.body, line));
	}
	assert_non_null(strstr(r.body, "\nready check passed\n"));
	http_reply_free(&r);
}

static void test_status_and_accept_json(void **state)
{
	struct health_view v;
	struct http_request req = {.method = "GET", .path = "/status"};
	struct http_reply r;
	json_t *j;

	(void)state;
	fixture_synced_view(&v, NOW);
	snprintf(v.datadir, sizeof v.datadir, "/var/lib/mysql");
	v.snap.datadir.checked = true;
	grastate_parse("seqno: 99\nsafe_to_bootstrap: 0\n", 31, &v.snap.datadir.grastate);
	fixture_put(&v.snap, "wsrep_local_state", "2");
	r = build_req(&req, &v);
	assert_int_equal(r.status, 200); /* the document was served, whatever it says */
	assert_string_equal(r.content_type, "application/json");
	j = json_loadb(r.body, r.body_len, 0, NULL);
	assert_non_null(j);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "ready"), "code")), 503);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "live"), "code")), 200);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "grastate"), "seqno")), 99);
	assert_true(json_is_false(json_object_get(json_object_get(j, "grastate"), "safe_to_bootstrap")));
	assert_non_null(json_object_get(json_object_get(j, "agent"), "version"));
	json_decref(j);
	http_reply_free(&r);

	/* "/" with Accept: application/json keeps /'s status code. */
	req.path = "/";
	req.accept = "text/html;q=0.5, application/json";
	r = build_req(&req, &v);
	assert_int_equal(r.status, 503);
	assert_string_equal(r.content_type, "application/json");
	http_reply_free(&r);
	req.accept = "*/*";
	r = build_req(&req, &v);
	assert_string_equal(r.content_type, "text/plain");
	http_reply_free(&r);
}

static void test_metrics_content_type_and_counts(void **state)
{
	struct health_view v;
	struct metrics_requests counts;
	struct http_request req = {.method = "GET", .path = "/metrics", .requests = &counts};
	struct http_reply r;

	(void)state;
	memset(&counts, 0, sizeof counts);
	metrics_count(&counts, metrics_endpoint_of("/ready"), 503);
	metrics_count(&counts, metrics_endpoint_of("*"), 200);
	metrics_count(&counts, metrics_endpoint_of("/nope"), 404);
	fixture_synced_view(&v, NOW);
	r = build_req(&req, &v);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.content_type, "text/plain; version=0.0.4; charset=utf-8");
	assert_non_null(strstr(r.body, "\nclustercheckd_http_requests_total{endpoint=\"/ready\",code=\"503\"} 1\n"));
	assert_non_null(strstr(r.body, "\nclustercheckd_http_requests_total{endpoint=\"/\",code=\"200\"} 1\n"));
	assert_non_null(strstr(r.body, "\nclustercheckd_http_requests_total{endpoint=\"other\",code=\"404\"} 1\n"));
	assert_int_equal(r.body[r.body_len - 1], '\n');
	http_reply_free(&r);
	expect("POST", "/metrics", &v, BODIES_CLUSTERCHECKD, 405,
	       "Method not allowed: use GET, HEAD or OPTIONS.\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_haproxy_options_get_and_head_agree),
		cmocka_unit_test(test_other_methods_get_405_with_allow),
		cmocka_unit_test(test_unknown_path_is_404),
		cmocka_unit_test(test_clustercheck_bodies_byte_for_byte),
		cmocka_unit_test(test_ready_for_other_reasons_says_why),
		cmocka_unit_test(test_verbose_names_the_failing_check),
		cmocka_unit_test(test_ready_is_the_same_funnel_as_root),
		cmocka_unit_test(test_live_survives_what_ready_does_not),
		cmocka_unit_test(test_live_verbose_lists_its_checks),
		cmocka_unit_test(test_status_and_accept_json),
		cmocka_unit_test(test_metrics_content_type_and_counts),
	};
	return cmocka_run_group_tests_name("http", tests, NULL, NULL);
}
