/* After a full outage: the recovered position in its three log forms,
 * gvwstate.dat, and the bootstrap decision in every case it names. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "recovery.h"

#define U1 "5f2a1c3e-1111-11ee-8000-0242ac120002"
#define U2 "9b7d4e2f-2222-11ee-8000-0242ac120003"
#define ZERO "00000000-0000-0000-0000-000000000000"

static void test_recovered_position_forms(void **state)
{
	struct recovered_position p;
	char why[160];
	const char *plain = "2026-12-03  8:00:01 0 [Note] WSREP: Recovered position: " U1 ":1234\n";
	const char *seqno_gtid = "[Note] WSREP: Recovered position: " U1 ":1235,0-1-1240\n";
	const char *gtid_seqno = "[Note] WSREP: Recovered position: " U1 ":0-1-1240,1236\n";
	const char *two = "[Note] WSREP: Recovered position: " U1 ":7\n[Note] ...\n"
			  "[Note] WSREP: Recovered position: " U1 ":-1\n";
	const char *off = "[Note] WSREP: wsrep_on=OFF, skipping position recovery\n";
	const char *junk = "[Note] WSREP: Recovered position: nonsense\n";

	(void)state;
	assert_int_equal(recovery_parse_log(plain, strlen(plain), &p, why, sizeof why), 0);
	assert_string_equal(p.uuid, U1);
	assert_int_equal(p.seqno, 1234);
	assert_int_equal(recovery_parse_log(seqno_gtid, strlen(seqno_gtid), &p, why, sizeof why), 0);
	assert_int_equal(p.seqno, 1235);
	assert_int_equal(recovery_parse_log(gtid_seqno, strlen(gtid_seqno), &p, why, sizeof why), 0);
	assert_int_equal(p.seqno, 1236);
	/* The last line is what counts. */
	assert_int_equal(recovery_parse_log(two, strlen(two), &p, why, sizeof why), 0);
	assert_int_equal(p.seqno, -1);
	assert_int_equal(recovery_parse_log(off, strlen(off), &p, why, sizeof why), -1);
	assert_non_null(strstr(why, "wsrep is off"));
	assert_int_equal(recovery_parse_log(junk, strlen(junk), &p, why, sizeof why), -1);
	assert_non_null(strstr(why, "nonsense"));
	assert_int_equal(recovery_parse_log("", 0, &p, why, sizeof why), -1);
}

static void test_gvwstate(void **state)
{
	struct gvwstate g;
	const char *text = "my_uuid: " U2 "\n#vwbeg\nview_id: 3 " U1 " 5\nbootstrap: 0\n"
			   "member: " U2 " 0\nmember: " U1 " 0\n#vwend\n";

	(void)state;
	assert_int_equal(recovery_parse_gvwstate(text, strlen(text), &g), 0);
	assert_true(g.present);
	assert_string_equal(g.my_uuid, U2);
	assert_string_equal(g.view, U1 ":5");
	assert_int_equal(g.nmembers, 2);
	assert_string_equal(g.members[0], U1); /* sorted */
	assert_int_equal(recovery_parse_gvwstate("", 0, &g), -1);
	assert_false(g.present);
}

static struct recovery_node node(const char *name, unsigned prio, const char *uuid, long long seqno, bool safe)
{
	struct recovery_node n;

	memset(&n, 0, sizeof n);
	snprintf(n.name, sizeof n.name, "%s", name);
	n.priority = prio;
	n.answered = true;
	n.grastate.uuid_ok = true;
	snprintf(n.grastate.uuid, sizeof n.grastate.uuid, "%s", uuid);
	n.grastate.seqno_ok = true;
	n.grastate.seqno = seqno;
	n.grastate.safe_to_bootstrap_ok = true;
	n.grastate.safe_to_bootstrap = safe;
	return n;
}

static void assert_advice(const struct recovery_advice *a, const char *first, int exit_code)
{
	if (strcmp(a->first, first) != 0)
		print_message("got '%s'\n%s", a->first, a->detail);
	assert_string_equal(a->first, first);
	assert_int_equal(a->exit_code, exit_code);
}

static void test_running_wait_recover(void **state)
{
	struct recovery_node n[3] = {node("db1", 1, U1, 10, false), node("db2", 2, U1, 12, false),
				     node("db3", 3, U1, -1, false)};
	struct recovery_advice a;

	(void)state;
	n[1].mysqld_running = n[1].primary = true;
	a = recovery_decide(n, 3, 0);
	assert_advice(&a, "RUNNING db2", 0);

	n[1].mysqld_running = n[1].primary = false;
	n[0].answered = false;
	snprintf(n[0].error, sizeof n[0].error, "Connection refused");
	a = recovery_decide(n, 3, 0);
	assert_advice(&a, "WAIT db1", 1);
	assert_non_null(strstr(a.detail, "db1: no answer (Connection refused)"));

	n[0].answered = true;
	a = recovery_decide(n, 3, 0);
	assert_advice(&a, "RECOVER db3", 1);

	/* -1 is unknown, never 0: recovered, db3 turns out to be the latest. */
	n[2].recovered = true;
	snprintf(n[2].position.uuid, sizeof n[2].position.uuid, U1);
	n[2].position.seqno = 15;
	a = recovery_decide(n, 3, 0);
	assert_advice(&a, "BOOTSTRAP db3", 0);
	assert_non_null(strstr(a.detail, "sed -i 's/^safe_to_bootstrap: 0$/safe_to_bootstrap: 1/'"));
	assert_non_null(strstr(a.detail, "on db3: galera_new_cluster"));
}

static void test_highest_seqno_and_ties(void **state)
{
	struct recovery_node n[3] = {node("db1", 1, U1, 20, false), node("db2", 2, U1, 20, true),
				     node("db3", 3, U1, 20, false)};
	struct recovery_advice a;

	(void)state;
	a = recovery_decide(n, 3, 0);
	assert_advice(&a, "BOOTSTRAP db2", 0);   /* safe_to_bootstrap breaks the tie */
	assert_null(strstr(a.detail, "sed -i"));  /* and it is already marked */
	assert_non_null(strstr(a.detail, "tie with db1"));
	n[1].grastate.safe_to_bootstrap = false;
	a = recovery_decide(n, 3, 0);
	assert_advice(&a, "BOOTSTRAP db1", 0);   /* then priority */
	n[0].priority = n[1].priority = n[2].priority = 5;
	snprintf(n[0].name, sizeof n[0].name, "dbz");
	a = recovery_decide(n, 3, 0);
	assert_advice(&a, "BOOTSTRAP db2", 0);   /* then name */
	n[2].grastate.seqno = 21;
	a = recovery_decide(n, 3, 0);
	assert_advice(&a, "BOOTSTRAP db3", 0);   /* but seqno first */
}

static void test_uuids(void **state)
{
	struct recovery_node n[3] = {node("db1", 1, ZERO, -1, false), node("db2", 2, U1, 5, false),
				     node("db3", 3, U1, 4, false)};
	struct recovery_advice a;

	(void)state;
	/* An empty node (zero uuid, recovered seqno high) never wins. */
	n[0].recovered = true;
	snprintf(n[0].position.uuid, sizeof n[0].position.uuid, ZERO);
	n[0].position.seqno = 999;
	a = recovery_decide(n, 3, 0);
	assert_advice(&a, "BOOTSTRAP db2", 0);
	n[2] = node("db3", 3, U2, 50, false);
	a = recovery_decide(n, 3, 0);
	assert_advice(&a, "CONFLICT", 2);
	assert_non_null(strstr(a.detail, "two different cluster uuids"));
}

static void test_allow_missing_warns(void **state)
{
	struct recovery_node n[3] = {node("db1", 1, U1, 20, false), node("db2", 2, U1, 21, false),
				     node("db3", 3, U1, 20, false)};
	struct recovery_advice a;

	(void)state;
	n[1].answered = false;
	a = recovery_decide(n, 3, 0);
	assert_advice(&a, "WAIT db2", 1);
	a = recovery_decide(n, 3, 1);
	assert_advice(&a, "BOOTSTRAP db1", 0);
	assert_non_null(strstr(a.detail, "WARNING: decided without 1 node(s)"));
}

static void test_start_all_when_every_node_holds_the_view(void **state)
{
	static const char *const ids[3] = {U1, U2, "aaaaaaaa-3333-11ee-8000-0242ac120004"};
	struct recovery_node n[3] = {node("db1", 1, U1, -1, false), node("db2", 2, U1, -1, false),
				     node("db3", 3, U1, -1, false)};
	struct recovery_advice a;

	(void)state;
	for (unsigned i = 0; i < 3; i++) {
		char text[512];

		snprintf(text, sizeof text, "my_uuid: %s\nview_id: 3 %s 7\nmember: %s 0\nmember: %s 0\nmember: %s 0\n",
			 ids[i], U1, ids[0], ids[1], ids[2]);
		assert_int_equal(recovery_parse_gvwstate(text, strlen(text), &n[i].gvw), 0);
	}
	a = recovery_decide(n, 3, 0);
	assert_advice(&a, "START-ALL", 0);
	/* One node's file missing: back to seqnos (here: unknown -> recover). */
	n[2].gvw.present = false;
	a = recovery_decide(n, 3, 0);
	assert_advice(&a, "RECOVER db1 db2 db3", 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_recovered_position_forms),
		cmocka_unit_test(test_gvwstate),
		cmocka_unit_test(test_running_wait_recover),
		cmocka_unit_test(test_highest_seqno_and_ties),
		cmocka_unit_test(test_uuids),
		cmocka_unit_test(test_allow_missing_warns),
		cmocka_unit_test(test_start_all_when_every_node_holds_the_view),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
