/* Rows from mysqld -> facts: by name, any case, absent and garbage kept apart. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "snapshot.h"

static bool set(struct snapshot *s, const char *name, const char *value)
{
	return snapshot_set(s, name, strlen(name), value, value ? strlen(value) : 0);
}

static void test_rows_are_matched_by_name_in_any_case(void **state)
{
	struct snapshot s;

	(void)state;
	snapshot_init(&s);
	/* information_schema spells names in upper case, SHOW in lower. */
	assert_true(set(&s, "WSREP_LOCAL_STATE", "4"));
	assert_true(set(&s, "wsrep_cluster_status", "Primary"));
	assert_false(set(&s, "wsrep_local_state_uuid", "x")); /* a prefix of no interest */
	assert_false(set(&s, "wsrep_local_stat", "4"));
	assert_true(snapshot_fact(&s, FACT_LOCAL_STATE)->present);
	assert_true(snapshot_fact(&s, FACT_LOCAL_STATE)->valid);
	assert_int_equal(snapshot_fact(&s, FACT_LOCAL_STATE)->num, 4);
	assert_string_equal(snapshot_fact(&s, FACT_CLUSTER_STATUS)->text, "Primary");
	assert_false(snapshot_fact(&s, FACT_READY)->present);
}

static void test_values_parse_strictly_by_kind(void **state)
{
	static const struct {
		const char *name, *value;
		bool valid;
		long long num;
	} rows[] = {
		{"wsrep_local_state", "4", true, 4},
		{"wsrep_local_state", "-1", true, -1},
		{"wsrep_local_state", "4 ", false, 0},
		{"wsrep_local_state", "", false, 0},
		{"wsrep_local_state", "99999999999999999999", false, 0},
		{"wsrep_cluster_size", "0x3", false, 0},
		{"wsrep_ready", "ON", true, 1},
		{"wsrep_ready", "off", true, 0},
		{"read_only", "1", true, 1},
		{"read_only", "0", true, 0},
		{"wsrep_desync", "YES", true, 1},
		{"wsrep_desync", "2", false, 0},
		{"wsrep_connected", "", false, 0},
	};
	struct snapshot s;

	(void)state;
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		const struct fact *f;
		int id = snapshot_fact_lookup(rows[i].name, strlen(rows[i].name));

		snapshot_init(&s);
		assert_true(set(&s, rows[i].name, rows[i].value));
		f = snapshot_fact(&s, (enum fact_id)id);
		assert_true(f->present);
		if (f->valid != rows[i].valid)
			fail_msg("%s='%s': valid=%d, want %d", rows[i].name, rows[i].value, f->valid,
				 rows[i].valid);
		if (f->valid)
			assert_int_equal(f->num, rows[i].num);
		assert_string_equal(f->text, rows[i].value);
	}
}

static void test_null_and_hostile_values(void **state)
{
	struct snapshot s;
	char big[300];
	const char nul[] = {'4', '\0', '1'};

	(void)state;
	snapshot_init(&s);
	assert_true(set(&s, "wsrep_local_state", NULL));
	assert_true(snapshot_fact(&s, FACT_LOCAL_STATE)->present);
	assert_false(snapshot_fact(&s, FACT_LOCAL_STATE)->valid);

	memset(big, '7', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_true(set(&s, "wsrep_cluster_state_uuid", big));
	assert_false(snapshot_fact(&s, FACT_CLUSTER_STATE_UUID)->valid);
	assert_int_equal(strlen(snapshot_fact(&s, FACT_CLUSTER_STATE_UUID)->text), FACT_TEXT_MAX - 1);

	/* An embedded NUL must not turn "4\01" into a valid 4. */
	assert_true(snapshot_set(&s, "wsrep_local_state", 17, nul, sizeof nul));
	assert_false(snapshot_fact(&s, FACT_LOCAL_STATE)->valid);
}

static void test_flow_control_is_a_fraction(void **state)
{
	struct snapshot s;

	(void)state;
	snapshot_init(&s);
	assert_true(set(&s, "wsrep_flow_control_paused", "0.250000"));
	assert_true(snapshot_fact(&s, FACT_FLOW_CONTROL_PAUSED)->valid);
	assert_true(snapshot_fact(&s, FACT_FLOW_CONTROL_PAUSED)->real > 0.24);
	assert_true(set(&s, "wsrep_flow_control_paused", "nan"));
	assert_false(snapshot_fact(&s, FACT_FLOW_CONTROL_PAUSED)->valid);
}

static void test_unreachable_clears_facts_keeps_identity(void **state)
{
	struct snapshot s;

	(void)state;
	snapshot_init(&s);
	s.seq = 7;
	s.taken.tv_sec = 5;
	set(&s, "wsrep_local_state", "4");
	snapshot_set_unreachable(&s, 2013, "Lost connection to server during query (2013)");
	assert_int_equal(s.outcome, SNAP_UNREACHABLE);
	assert_int_equal(s.error_code, 2013);
	assert_int_equal(s.seq, 7);
	assert_int_equal(s.taken.tv_sec, 5);
	assert_false(snapshot_fact(&s, FACT_LOCAL_STATE)->present);
}

static void test_sql_lists_name_every_fact_once(void **state)
{
	const char *status = snapshot_status_sql_list();
	const char *vars = snapshot_variable_sql_list();

	(void)state;
	for (int i = 0; i < FACT_COUNT; i++) {
		const struct fact_desc *d = snapshot_fact_desc((enum fact_id)i);
		char quoted[80];
		const char *list = d->source == FACT_FROM_STATUS ? status : vars;
		const char *other = d->source == FACT_FROM_STATUS ? vars : status;

		snprintf(quoted, sizeof quoted, "'%s'", d->name);
		assert_non_null(strstr(list, quoted));
		assert_null(strstr(strstr(list, quoted) + 1, quoted));
		assert_null(strstr(other, quoted));
	}
	assert_string_equal(snapshot_variable_sql_list(), vars); /* built once */
}

static void test_age(void **state)
{
	struct snapshot s;
	struct timespec now = {.tv_sec = 11, .tv_nsec = 500000000};

	(void)state;
	snapshot_init(&s);
	s.taken.tv_sec = 10;
	s.taken.tv_nsec = 900000000;
	assert_int_equal(snapshot_age_ms(&s, &now), 600);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_are_matched_by_name_in_any_case),
		cmocka_unit_test(test_values_parse_strictly_by_kind),
		cmocka_unit_test(test_null_and_hostile_values),
		cmocka_unit_test(test_flow_control_is_a_fraction),
		cmocka_unit_test(test_unreachable_clears_facts_keeps_identity),
		cmocka_unit_test(test_sql_lists_name_every_fact_once),
		cmocka_unit_test(test_age),
	};
	return cmocka_run_group_tests_name("snapshot", tests, NULL, NULL);
}
