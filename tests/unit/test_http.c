/* The reply builder: request + view -> status, headers, body. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "http.h"

static const struct timespec NOW = {.tv_sec = 50};

static void put(struct snapshot *s, const char *name, const char *value)
{
	snapshot_set(s, name, strlen(name), value, strlen(value));
}

static void synced_view(struct health_view *v)
{
	memset(v, 0, sizeof *v);
	snapshot_init(&v->snap);
	v->snap.outcome = SNAP_OK;
	v->snap.taken = NOW;
	put(&v->snap, "wsrep_on", "ON");
	put(&v->snap, "wsrep_local_state", "4");
	put(&v->snap, "wsrep_local_state_comment", "Synced");
	put(&v->snap, "wsrep_ready", "ON");
	put(&v->snap, "wsrep_connected", "ON");
	put(&v->snap, "wsrep_cluster_status", "Primary");
	put(&v->snap, "wsrep_cluster_size", "3");
	put(&v->snap, "wsrep_desync", "OFF");
	put(&v->snap, "read_only", "OFF");
	verdict_policy_defaults(&v->policy);
	v->admin = ADMIN_READY;
}

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
	synced_view(&v);
	expect("OPTIONS", "/", &v, BODIES_CLUSTERCHECKD, 200, "Galera node is synced.\n");
	expect("GET", "/", &v, BODIES_CLUSTERCHECKD, 200, "Galera node is synced.\n");
	expect("HEAD", "/", &v, BODIES_CLUSTERCHECKD, 200, "Galera node is synced.\n");
	expect("OPTIONS", "*", &v, BODIES_CLUSTERCHECKD, 200, "Galera node is synced.\n");
	put(&v.snap, "wsrep_desync", "ON");
	put(&v.snap, "wsrep_local_state", "2");
	put(&v.snap, "wsrep_local_state_comment", "Donor/Desynced");
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
	synced_view(&v);
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
	synced_view(&v);
	expect("GET", "/nope", &v, BODIES_CLUSTERCHECKD, 404, "Not found: /nope\n");
	expect("GET", "//", &v, BODIES_CLUSTERCHECKD, 404, "Not found: //\n");
}

static void test_clustercheck_bodies_byte_for_byte(void **state)
{
	struct health_view v;

	(void)state;
	synced_view(&v);
	/* Lengths as olafz/percona-clustercheck declares them: 40, 43, 51, 44. */
	expect("GET", "/", &v, BODIES_CLUSTERCHECK, 200, "Percona XtraDB Cluster Node is synced.\r\n");
	v.policy.read_only_ok = false;
	put(&v.snap, "read_only", "ON");
	expect("GET", "/", &v, BODIES_CLUSTERCHECK, 503, "Percona XtraDB Cluster Node is read-only.\r\n");
	v.admin = ADMIN_MAINT;
	expect("GET", "/", &v, BODIES_CLUSTERCHECK, 503,
	       "Percona XtraDB Cluster Node is manually disabled.\r\n");
	synced_view(&v);
	put(&v.snap, "wsrep_local_state", "1");
	expect("GET", "/", &v, BODIES_CLUSTERCHECK, 503, "Percona XtraDB Cluster Node is not synced.\r\n");
	assert_int_equal(strlen("Percona XtraDB Cluster Node is synced.\r\n"), 40);
	assert_int_equal(strlen("Percona XtraDB Cluster Node is manually disabled.\r\n"), 51);
}

static void test_ready_for_other_reasons_says_why(void **state)
{
	struct health_view v;

	(void)state;
	synced_view(&v);
	put(&v.snap, "wsrep_local_state", "2");
	put(&v.snap, "wsrep_local_state_comment", "Donor/Desynced");
	v.policy.donor = DONOR_ALWAYS;
	expect("GET", "/", &v, BODIES_CLUSTERCHECKD, 200,
	       "Galera node is ready: Donor/Desynced, allowed by donor policy always\n");
	synced_view(&v);
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
	synced_view(&v);
	put(&v.snap, "wsrep_cluster_status", "non-Primary");
	r = build("GET", "/", true, &v, BODIES_CLUSTERCHECKD);
	assert_int_equal(r.status, 503);
	assert_non_null(strstr(r.body, "[+]mysqld ok: mysqld answered\n"));
	assert_non_null(strstr(r.body, "[-]primary failed: non-Primary component (wsrep_cluster_status=non-Primary)\n"));
	assert_non_null(strstr(r.body, "\nready check failed: non-Primary component"));
	http_reply_free(&r);
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
	};
	return cmocka_run_group_tests_name("http", tests, NULL, NULL);
}
