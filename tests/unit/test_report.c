/* The JSON report: shape, absent facts as null, garbage kept as text. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "report.h"

static const struct timespec NOW = {.tv_sec = 100};

static void put(struct snapshot *s, const char *name, const char *value)
{
	snapshot_set(s, name, strlen(name), value, strlen(value));
}

static void test_report_has_verdict_checks_facts_policy(void **state)
{
	struct health_view v;
	json_t *r;

	(void)state;
	memset(&v, 0, sizeof v);
	snapshot_init(&v.snap);
	v.snap.outcome = SNAP_OK;
	v.snap.taken = (struct timespec){.tv_sec = 99, .tv_nsec = 750000000};
	put(&v.snap, "wsrep_on", "ON");
	put(&v.snap, "wsrep_local_state", "2");
	put(&v.snap, "wsrep_local_state_comment", "Donor/Desynced");
	put(&v.snap, "wsrep_desync", "ON");
	put(&v.snap, "wsrep_ready", "ON");
	put(&v.snap, "wsrep_connected", "ON");
	put(&v.snap, "wsrep_cluster_status", "Primary");
	put(&v.snap, "wsrep_cluster_size", "banana");
	verdict_policy_defaults(&v.policy);

	r = report_json(&v, &NOW);
	assert_non_null(r);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r, "ready"), "code")), 503);
	assert_false(json_boolean_value(json_object_get(json_object_get(r, "ready"), "ok")));
	assert_string_equal(json_string_value(json_object_get(json_object_get(r, "ready"), "failed_check")),
			    "state");
	assert_int_equal(json_array_size(json_object_get(r, "checks")), CHECK_COUNT);
	json_t *facts = json_object_get(r, "facts");
	assert_int_equal(json_object_size(facts), FACT_COUNT);
	assert_int_equal(json_integer_value(json_object_get(facts, "wsrep_local_state")), 2);
	assert_true(json_is_true(json_object_get(facts, "wsrep_desync")));
	assert_true(json_is_null(json_object_get(facts, "pxc_maint_mode")));
	assert_string_equal(json_string_value(json_object_get(facts, "wsrep_cluster_size")), "banana");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r, "mysqld"), "snapshot_age_ms")),
			 250);
	assert_string_equal(json_string_value(json_object_get(json_object_get(r, "policy"), "donor")), "never");
	assert_string_equal(json_string_value(json_object_get(json_object_get(r, "admin"), "state")), "ready");
	json_decref(r);
}

static void test_unreachable_report_names_the_error(void **state)
{
	struct health_view v;
	json_t *r;

	(void)state;
	memset(&v, 0, sizeof v);
	snapshot_init(&v.snap);
	snapshot_set_unreachable(&v.snap, 2002, "Can't connect (2002)");
	v.snap.taken = NOW;
	verdict_policy_defaults(&v.policy);
	r = report_json(&v, &NOW);
	assert_non_null(r);
	assert_string_equal(json_string_value(json_object_get(json_object_get(r, "mysqld"), "outcome")),
			    "unreachable");
	assert_string_equal(json_string_value(json_object_get(json_object_get(r, "mysqld"), "error")),
			    "Can't connect (2002)");
	assert_true(json_is_null(json_object_get(json_object_get(r, "facts"), "wsrep_local_state")));
	json_decref(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_has_verdict_checks_facts_policy),
		cmocka_unit_test(test_unreachable_report_names_the_error),
	};
	return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
