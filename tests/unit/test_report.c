/* The JSON report: shape, absent facts as null, garbage kept as text. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "fixtures.h"

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
	fixture_policy(&v.policy);

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
	fixture_policy(&v.policy);
	r = report_json(&v, &NOW);
	assert_non_null(r);
	assert_string_equal(json_string_value(json_object_get(json_object_get(r, "mysqld"), "outcome")),
			    "unreachable");
	assert_string_equal(json_string_value(json_object_get(json_object_get(r, "mysqld"), "error")),
			    "Can't connect (2002)");
	assert_true(json_is_null(json_object_get(json_object_get(r, "facts"), "wsrep_local_state")));
	json_decref(r);
}

/* Found by fuzz_snapshot: jansson refuses strings that are not UTF-8 and
 * the whole report came back NULL. mysqld's text need not be UTF-8 (a
 * localised error message, a value cut in the middle of a character). */
static void test_text_that_is_not_utf8_is_shown_not_dropped(void **state)
{
	struct health_view v;
	json_t *r;
	char *text;

	(void)state;
	memset(&v, 0, sizeof v);
	snapshot_init(&v.snap);
	v.snap.outcome = SNAP_OK;
	v.snap.taken = NOW;
	put(&v.snap, "wsrep_on", "ON");
	put(&v.snap, "wsrep_ready", "ON\xff\xfe");
	put(&v.snap, "wsrep_cluster_status", "Prim\xc3"); /* a cut 2-byte character */
	put(&v.snap, "wsrep_sst_method", "caf\xc3\xa9"); /* valid UTF-8 stays as it is */
	fixture_policy(&v.policy);
	r = report_json(&v, &NOW);
	assert_non_null(r);
	json_t *facts = json_object_get(r, "facts");
	assert_string_equal(json_string_value(json_object_get(facts, "wsrep_ready")), "ON??");
	assert_string_equal(json_string_value(json_object_get(facts, "wsrep_cluster_status")), "Prim?");
	assert_string_equal(json_string_value(json_object_get(facts, "wsrep_sst_method")), "caf\xc3\xa9");
	text = json_dumps(r, JSON_COMPACT);
	assert_non_null(text);
	free(text);
	json_decref(r);

	snapshot_init(&v.snap);
	snapshot_set_unreachable(&v.snap, 1045, "Acc\xe8s refus\xe9 (1045)");
	v.snap.taken = NOW;
	r = report_json(&v, &NOW);
	assert_non_null(r);
	assert_string_equal(json_string_value(json_object_get(json_object_get(r, "mysqld"), "error")),
			    "Acc?s refus? (1045)");
	json_decref(r);
}

/* mysqld replied with an error: said so, apart from silence; a datadir
 * that cannot be searched says "unknown" (null), never false. */
static void test_refusal_and_unknown_marker(void **state)
{
	struct health_view v;
	json_t *r, *d;

	(void)state;
	memset(&v, 0, sizeof v);
	snapshot_init(&v.snap);
	snapshot_set_unreachable(&v.snap, 1045, "Access denied for user 'clustercheck'@'localhost' (using password: YES) (1045)");
	v.snap.failure = SNAP_FAIL_REFUSED;
	v.snap.taken = NOW;
	v.snap.datadir.checked = true;
	v.snap.datadir.marker_errno = EACCES;
	v.snap.datadir.grastate_errno = EACCES;
	snprintf(v.snap.datadir.path, sizeof v.snap.datadir.path, "/srv/mysql");
	snprintf(v.datadir, sizeof v.datadir, "/var/lib/mysql");
	fixture_policy(&v.policy);
	fixture_live_policy(&v.live_policy);
	r = report_json(&v, &NOW);
	assert_non_null(r);
	assert_string_equal(json_string_value(json_object_get(json_object_get(r, "mysqld"), "outcome")),
			    "refused by server");
	assert_non_null(strstr(json_string_value(json_object_get(json_object_get(r, "ready"), "reason")),
			       "mysqld refused the agent: Access denied"));
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r, "live"), "code")), 200);
	assert_non_null(strstr(json_string_value(json_object_get(json_object_get(r, "live"), "reason")),
			       "refusing the agent: Access denied"));
	d = json_object_get(r, "datadir");
	assert_true(json_is_null(json_object_get(d, "sst_in_progress")));
	assert_true(json_is_false(json_object_get(d, "readable")));
	assert_string_equal(json_string_value(json_object_get(d, "path")), "/srv/mysql");
	assert_string_equal(json_string_value(json_object_get(d, "configured")), "/var/lib/mysql");
	assert_non_null(strstr(json_string_value(json_object_get(d, "error")),
			       "whether a state transfer is under way cannot be known"));
	json_decref(r);

	v.snap.datadir.marker_errno = 0;
	v.snap.datadir.grastate_errno = ENOENT;
	r = report_json(&v, &NOW);
	d = json_object_get(r, "datadir");
	assert_true(json_is_false(json_object_get(d, "sst_in_progress")));
	assert_true(json_is_true(json_object_get(d, "readable")));
	assert_true(json_is_null(json_object_get(d, "error")));
	json_decref(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_has_verdict_checks_facts_policy),
		cmocka_unit_test(test_unreachable_report_names_the_error),
		cmocka_unit_test(test_text_that_is_not_utf8_is_shown_not_dropped),
		cmocka_unit_test(test_refusal_and_unknown_marker),
	};
	return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
