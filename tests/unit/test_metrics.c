/* The Prometheus exposition: names, types, one HELP/TYPE per family, and
 * unknown facts left out rather than reported as 0. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "fixtures.h"

static const struct timespec NOW = {.tv_sec = 100};

static void view(struct health_view *v)
{
	memset(v, 0, sizeof *v);
	snapshot_init(&v->snap);
	v->snap.outcome = SNAP_OK;
	v->snap.taken = (struct timespec){.tv_sec = 99, .tv_nsec = 500000000};
	fixture_put(&v->snap, "wsrep_on", "ON");
	fixture_put(&v->snap, "wsrep_local_state", "4");
	fixture_put(&v->snap, "wsrep_ready", "ON");
	fixture_put(&v->snap, "wsrep_connected", "ON");
	fixture_put(&v->snap, "wsrep_cluster_status", "Primary");
	fixture_put(&v->snap, "wsrep_cluster_size", "3");
	fixture_put(&v->snap, "wsrep_local_recv_queue", "7");
	fixture_put(&v->snap, "wsrep_last_committed", "123456789012");
	fixture_put(&v->snap, "wsrep_flow_control_paused", "0.25");
	fixture_put(&v->snap, "wsrep_desync", "OFF");
	fixture_policy(&v->policy);
	fixture_live_policy(&v->live_policy);
	v->counters.polls = 10;
	v->counters.poll_errors = 2;
	v->counters.poll_seconds = 0.5;
	v->snap.datadir.checked = true;
	grastate_parse("seqno: -1\nsafe_to_bootstrap: 0\n", 31, &v->snap.datadir.grastate);
}

static void has(const char *text, const char *line)
{
	char want[256];

	snprintf(want, sizeof want, "\n%s\n", line);
	if (!strstr(text, want))
		fail_msg("missing line: %s\n--- in ---\n%s", line, text);
}

static void test_gauges_and_counters(void **state)
{
	struct health_view v;
	size_t len;
	char *t;

	(void)state;
	view(&v);
	t = metrics_text(&v, &NOW, NULL, &len);
	assert_non_null(t);
	assert_int_equal(strlen(t), len);
	assert_int_equal(t[len - 1], '\n');
	has(t, "galera_wsrep_local_state 4");
	has(t, "# TYPE galera_wsrep_cluster_size gauge");
	has(t, "galera_wsrep_cluster_size 3");
	has(t, "galera_wsrep_ready 1");
	has(t, "galera_wsrep_connected 1");
	has(t, "galera_wsrep_cluster_status_primary 1");
	has(t, "galera_wsrep_local_recv_queue 7");
	has(t, "galera_wsrep_last_committed 123456789012");
	has(t, "galera_wsrep_flow_control_paused_ratio 0.25");
	has(t, "galera_grastate_seqno -1");
	has(t, "galera_grastate_safe_to_bootstrap 0");
	has(t, "clustercheckd_verdict_ok{endpoint=\"ready\"} 1");
	has(t, "clustercheckd_verdict_code{endpoint=\"live\"} 200");
	has(t, "clustercheckd_mysqld_up 1");
	has(t, "clustercheckd_snapshot_age_seconds 0.500");
	has(t, "# TYPE clustercheckd_polls_total counter");
	has(t, "clustercheckd_polls_total 10");
	has(t, "clustercheckd_poll_errors_total 2");
	has(t, "clustercheckd_build_info{version=\"" CLUSTERCHECKD_VERSION "\"} 1");
	/* No request counters without a server. */
	assert_null(strstr(t, "http_requests_total"));
	free(t);
}

static void test_unknown_facts_are_left_out(void **state)
{
	struct health_view v;
	size_t len;
	char *t;

	(void)state;
	view(&v);
	snapshot_init(&v.snap);
	snapshot_set_unreachable(&v.snap, 2002, "gone");
	v.snap.taken = NOW;
	t = metrics_text(&v, &NOW, NULL, &len);
	assert_null(strstr(t, "galera_wsrep_"));
	assert_null(strstr(t, "galera_grastate_seqno")); /* datadir not read */
	has(t, "clustercheckd_mysqld_up 0");
	has(t, "clustercheckd_mysqld_refused 0");
	has(t, "clustercheckd_verdict_code{endpoint=\"ready\"} 503");
	free(t);

	/* mysqld replied with an error: not up, but refusing, and alive. */
	v.snap.failure = SNAP_FAIL_REFUSED;
	t = metrics_text(&v, &NOW, NULL, &len);
	has(t, "clustercheckd_mysqld_up 0");
	has(t, "clustercheckd_mysqld_refused 1");
	has(t, "clustercheckd_verdict_code{endpoint=\"live\"} 200");
	free(t);

	view(&v);
	fixture_put(&v.snap, "wsrep_cluster_size", "banana");
	t = metrics_text(&v, &NOW, NULL, &len);
	assert_null(strstr(t, "galera_wsrep_cluster_size"));
	free(t);
}

/* Whether the marker is there is unknown: no galera_sst_in_progress at
 * all (never a 0), and a gauge that says the datadir cannot be read. */
static void test_unreadable_datadir(void **state)
{
	struct health_view v;
	size_t len;
	char *t;

	(void)state;
	view(&v);
	v.snap.datadir.marker_errno = EACCES;
	v.snap.datadir.grastate_errno = EACCES;
	t = metrics_text(&v, &NOW, NULL, &len);
	assert_null(strstr(t, "galera_sst_in_progress"));
	has(t, "clustercheckd_datadir_readable{file=\"sst_in_progress\"} 0");
	has(t, "clustercheckd_datadir_readable{file=\"grastate.dat\"} 0");
	free(t);

	view(&v);
	t = metrics_text(&v, &NOW, NULL, &len);
	has(t, "galera_sst_in_progress 0");
	has(t, "clustercheckd_datadir_readable{file=\"sst_in_progress\"} 1");
	has(t, "clustercheckd_datadir_readable{file=\"grastate.dat\"} 1");
	free(t);
}

static void test_each_family_has_one_help_and_type(void **state)
{
	struct health_view v;
	struct metrics_requests r;
	size_t len;
	char *t, *line, *save;
	char seen[64][96];
	int n = 0;

	(void)state;
	view(&v);
	memset(&r, 0, sizeof r);
	for (int e = 0; e < EP_COUNT; e++)
		metrics_count(&r, (enum metrics_endpoint)e, 200);
	metrics_count(&r, EP_LIVE, 503);
	t = metrics_text(&v, &NOW, &r, &len);
	has(t, "clustercheckd_http_requests_total{endpoint=\"/live\",code=\"503\"} 1");
	for (line = strtok_r(t, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[96];
		if (sscanf(line, "# TYPE %95s", name) != 1)
			continue;
		for (int i = 0; i < n; i++)
			assert_string_not_equal(seen[i], name);
		assert_true(n < 64);
		strcpy(seen[n++], name);
		/* Prometheus naming: our prefixes, counters end in _total. */
		assert_true(strncmp(name, "galera_", 7) == 0 || strncmp(name, "clustercheckd_", 14) == 0);
		if (strstr(line, " counter"))
			assert_non_null(strstr(name, "_total"));
	}
	assert_true(n > 15);
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gauges_and_counters),
		cmocka_unit_test(test_unknown_facts_are_left_out),
		cmocka_unit_test(test_each_family_has_one_help_and_type),
		cmocka_unit_test(test_unreadable_datadir),
	};
	return cmocka_run_group_tests_name("metrics", tests, NULL, NULL);
}
