/* The verdict funnel, rule by rule: table-driven over synthetic snapshots. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "verdict.h"
#include "fixtures.h"

static const struct timespec NOW = {.tv_sec = 1000, .tv_nsec = 0};

static void put(struct snapshot *s, const char *name, const char *value)
{
	assert_true(snapshot_set(s, name, strlen(name), value, value ? strlen(value) : 0));
}

/* A Synced, Primary, writable node of a 3-node cluster, as MariaDB 10.11
 * reports it. */
static void synced(struct snapshot *s)
{
	snapshot_init(s);
	s->outcome = SNAP_OK;
	s->taken = NOW;
	put(s, "wsrep_local_state", "4");
	put(s, "wsrep_local_state_comment", "Synced");
	put(s, "wsrep_ready", "ON");
	put(s, "wsrep_connected", "ON");
	put(s, "wsrep_cluster_status", "Primary");
	put(s, "wsrep_cluster_size", "3");
	put(s, "wsrep_local_recv_queue", "0");
	put(s, "wsrep_local_index", "0");
	put(s, "wsrep_last_committed", "42");
	put(s, "wsrep_cluster_state_uuid", "8a0c9a4e-0000-11f1-0000-000000000000");
	put(s, "read_only", "OFF");
	put(s, "wsrep_desync", "OFF");
	put(s, "wsrep_reject_queries", "NONE");
	put(s, "wsrep_sst_donor_rejects_queries", "OFF");
	put(s, "wsrep_sst_method", "rsync");
	put(s, "wsrep_on", "ON");
}

struct row {
	const char *name;
	const char *value; /* NULL: remove the row */
};

struct verdict_case {
	const char *title;
	struct row rows[6];
	enum admin_state admin;
	enum donor_policy donor;
	bool read_only_forbidden;
	unsigned min_cluster_size;
	unsigned max_recv_queue;
	int drain_code;
	int want_code;
	enum verdict_check_id want_failed;
	const char *want_reason; /* substring */
	enum sst_proc_kind sst;  /* what the poller saw under mysqld */
	const char *sst_method;
	const char *sst_why;
};

#define DONOR_ROWS {"wsrep_local_state", "2"}, {"wsrep_local_state_comment", "Donor/Desynced"}

static const struct verdict_case cases[] = {
	{"synced node is ready", {{0}}, .want_code = 200, .want_failed = CHECK_COUNT, .want_reason = "Synced"},
	{"manual desync", {DONOR_ROWS, {"wsrep_desync", "ON"}}, .donor = DONOR_ALWAYS,
	 .want_code = 503, .want_failed = CHECK_STATE, .want_reason = "manually desynced (wsrep_desync=ON)"},
	/* What the status alone cannot tell: FTWRL, BACKUP STAGE, RSU DDL and a
	 * real donor all look like this (docs/donor.md). */
	{"state 2, processes not looked at, policy always", {DONOR_ROWS}, .donor = DONOR_ALWAYS,
	 .want_code = 503, .want_failed = CHECK_STATE, .want_reason = "cannot tell a state transfer from a backup lock"},
	{"state 2, processes unknowable, policy always", {DONOR_ROWS}, .donor = DONOR_ALWAYS,
	 .sst = SST_PROC_UNKNOWN, .sst_why = "mysqld's pid unknown", .want_code = 503, .want_failed = CHECK_STATE,
	 .want_reason = "(mysqld's pid unknown): failing safe"},
	{"state 2, processes unknowable, policy drain is 503, not drained", {DONOR_ROWS}, .donor = DONOR_DRAIN,
	 .sst = SST_PROC_UNKNOWN, .sst_why = "x", .want_code = 503, .want_failed = CHECK_STATE,
	 .want_reason = "failing safe"},
	{"FTWRL/BACKUP STAGE/RSU, policy always", {DONOR_ROWS, {"wsrep_desync_count", "1"}}, .donor = DONOR_ALWAYS,
	 .sst = SST_PROC_NONE, .want_code = 503, .want_failed = CHECK_STATE,
	 .want_reason = "Donor/Desynced without a state transfer (no SST script under mysqld, pid 4242)"},
	{"FTWRL/BACKUP STAGE/RSU, policy non-blocking", {DONOR_ROWS, {"wsrep_sst_method", "mariabackup"}},
	 .donor = DONOR_NON_BLOCKING, .sst = SST_PROC_NONE, .want_code = 503, .want_failed = CHECK_STATE,
	 .want_reason = "writes may block"},
	{"FTWRL/BACKUP STAGE/RSU, policy last-node on 2 nodes", {DONOR_ROWS, {"wsrep_cluster_size", "2"}},
	 .donor = DONOR_LAST_NODE, .sst = SST_PROC_NONE, .want_code = 503, .want_failed = CHECK_STATE,
	 .want_reason = "without a state transfer"},
	{"FTWRL/BACKUP STAGE/RSU, policy drain is 503", {DONOR_ROWS}, .donor = DONOR_DRAIN, .sst = SST_PROC_NONE,
	 .want_code = 503, .want_failed = CHECK_STATE, .want_reason = "without a state transfer"},
	{"SST donor, policy never", {DONOR_ROWS}, .sst = SST_PROC_SST, .sst_method = "rsync", .want_code = 503,
	 .want_failed = CHECK_STATE, .want_reason = "Donor/Desynced, SST donor (rsync) (donor policy never)"},
	{"SST donor, policy always", {DONOR_ROWS, {"wsrep_desync_count", "1"}}, .donor = DONOR_ALWAYS,
	 .sst = SST_PROC_SST, .sst_method = "rsync", .want_code = 200, .want_failed = CHECK_COUNT,
	 .want_reason = "SST donor (rsync), allowed by donor policy always"},
	{"donor rejecting queries beats policy always", {DONOR_ROWS, {"wsrep_sst_donor_rejects_queries", "ON"}},
	 .donor = DONOR_ALWAYS, .sst = SST_PROC_SST, .sst_method = "rsync", .want_code = 503,
	 .want_failed = CHECK_STATE, .want_reason = "wsrep_sst_donor_rejects_queries=ON"},
	{"SST donor, non-blocking, rsync", {DONOR_ROWS}, .donor = DONOR_NON_BLOCKING, .sst = SST_PROC_SST,
	 .sst_method = "rsync", .want_code = 503, .want_failed = CHECK_STATE, .want_reason = "blocking method rsync"},
	/* The joiner picks the method: the donor's own variable says rsync. */
	{"SST donor, non-blocking, mariabackup script", {DONOR_ROWS, {"wsrep_sst_method", "rsync"}},
	 .donor = DONOR_NON_BLOCKING, .sst = SST_PROC_SST, .sst_method = "mariabackup", .want_code = 200,
	 .want_failed = CHECK_COUNT, .want_reason = "non-blocking method mariabackup"},
	{"SST donor, non-blocking, xtrabackup-v2", {DONOR_ROWS}, .donor = DONOR_NON_BLOCKING, .sst = SST_PROC_SST,
	 .sst_method = "xtrabackup-v2", .want_code = 200, .want_failed = CHECK_COUNT, .want_reason = "xtrabackup-v2"},
	{"SST donor, non-blocking, mariabackup in its backup-lock phase", {DONOR_ROWS, {"wsrep_desync_count", "2"}},
	 .donor = DONOR_NON_BLOCKING, .sst = SST_PROC_SST, .sst_method = "mariabackup", .want_code = 503,
	 .want_failed = CHECK_STATE, .want_reason = "SST donor and desynced 2 times (wsrep_desync_count)"},
	{"SST donor, last-node, 3 nodes", {DONOR_ROWS}, .donor = DONOR_LAST_NODE, .sst = SST_PROC_SST,
	 .sst_method = "rsync", .want_code = 503, .want_failed = CHECK_STATE, .want_reason = "other nodes can serve"},
	{"SST donor, last-node, 2 nodes", {DONOR_ROWS, {"wsrep_cluster_size", "2"}}, .donor = DONOR_LAST_NODE,
	 .sst = SST_PROC_SST, .sst_method = "rsync", .want_code = 200, .want_failed = CHECK_COUNT,
	 .want_reason = "last node"},
	{"SST donor, drain: drain_code, not 503", {DONOR_ROWS}, .donor = DONOR_DRAIN, .sst = SST_PROC_SST,
	 .sst_method = "mariabackup", .want_code = 404, .want_failed = CHECK_DRAIN,
	 .want_reason = "Donor/Desynced, serving an SST (donor policy drain)"},
	{"donor, drain, manual desync is still 503", {DONOR_ROWS, {"wsrep_desync", "ON"}}, .donor = DONOR_DRAIN,
	 .sst = SST_PROC_NONE, .want_code = 503, .want_failed = CHECK_STATE, .want_reason = "manually desynced"},
	{"donor, drain, rejecting queries is still 503", {DONOR_ROWS, {"wsrep_sst_donor_rejects_queries", "ON"}},
	 .donor = DONOR_DRAIN, .sst = SST_PROC_SST, .sst_method = "rsync", .want_code = 503,
	 .want_failed = CHECK_STATE, .want_reason = "wsrep_sst_donor_rejects_queries=ON"},
	{"synced node with donor policy drain is ready", {{0}}, .donor = DONOR_DRAIN, .want_code = 200,
	 .want_failed = CHECK_COUNT, .want_reason = "Synced"},
	/* An IST donor reads the gcache and holds no lock: ready under every
	 * policy, the default included (a rolling restart makes one). */
	{"IST donor, policy never", {DONOR_ROWS, {"wsrep_desync_count", "1"}}, .sst = SST_PROC_IST,
	 .sst_method = "rsync", .want_code = 200, .want_failed = CHECK_COUNT,
	 .want_reason = "Donor/Desynced, serving an IST (wsrep_sst_rsync --bypass): no lock held"},
	{"IST donor, policy drain is not drained", {DONOR_ROWS}, .donor = DONOR_DRAIN, .sst = SST_PROC_IST,
	 .sst_method = "mariabackup", .want_code = 200, .want_failed = CHECK_COUNT, .want_reason = "serving an IST"},
	{"IST donor with a lock on top", {DONOR_ROWS, {"wsrep_desync_count", "2"}}, .sst = SST_PROC_IST,
	 .sst_method = "rsync", .want_code = 503, .want_failed = CHECK_STATE,
	 .want_reason = "IST donor and desynced 2 times"},
	{"IST donor, desync count unparsable is not a lock", {DONOR_ROWS, {"wsrep_desync_count", "x"}},
	 .sst = SST_PROC_IST, .sst_method = "rsync", .want_code = 200, .want_failed = CHECK_COUNT,
	 .want_reason = "serving an IST"},
	{"IST donor, manual desync is 503", {DONOR_ROWS, {"wsrep_desync", "ON"}}, .sst = SST_PROC_IST,
	 .sst_method = "rsync", .want_code = 503, .want_failed = CHECK_STATE, .want_reason = "manually desynced"},
	{"donor with wsrep_desync absent is not guessed", {DONOR_ROWS, {"wsrep_desync", NULL}},
	 .donor = DONOR_ALWAYS, .want_code = 503, .want_failed = CHECK_STATE,
	 .want_reason = "wsrep_desync not reported by mysqld"},
	{"joining", {{"wsrep_local_state", "1"}, {"wsrep_local_state_comment", "Joining: receiving State Transfer"}},
	 .want_code = 503, .want_failed = CHECK_STATE, .want_reason = "Joining: receiving State Transfer (wsrep_local_state=1)"},
	{"joined", {{"wsrep_local_state", "3"}, {"wsrep_local_state_comment", "Joined"}}, .want_code = 503,
	 .want_failed = CHECK_STATE, .want_reason = "Joined (wsrep_local_state=3)"},
	{"initialized", {{"wsrep_local_state", "0"}, {"wsrep_local_state_comment", "Initialized"}}, .want_code = 503,
	 .want_failed = CHECK_STATE, .want_reason = "Initialized (wsrep_local_state=0)"},
	{"error state 5", {{"wsrep_local_state", "5"}, {"wsrep_local_state_comment", NULL}}, .want_code = 503,
	 .want_failed = CHECK_STATE, .want_reason = "unknown state (wsrep_local_state=5)"},
	{"garbage state", {{"wsrep_local_state", "4x"}}, .want_code = 503, .want_failed = CHECK_STATE,
	 .want_reason = "wsrep_local_state unparsable: '4x'"},
	{"empty state", {{"wsrep_local_state", ""}}, .want_code = 503, .want_failed = CHECK_STATE,
	 .want_reason = "wsrep_local_state unparsable: ''"},
	{"non-Primary", {{"wsrep_cluster_status", "non-Primary"}, {"wsrep_ready", "OFF"}, {"wsrep_local_state", "0"}},
	 .want_code = 503, .want_failed = CHECK_PRIMARY, .want_reason = "non-Primary component (wsrep_cluster_status=non-Primary)"},
	{"Disconnected", {{"wsrep_cluster_status", "Disconnected"}, {"wsrep_connected", "OFF"}}, .want_code = 503,
	 .want_failed = CHECK_CONNECTED, .want_reason = "wsrep_connected=OFF"},
	{"wsrep_ready OFF alone", {{"wsrep_ready", "OFF"}}, .want_code = 503, .want_failed = CHECK_WSREP_READY,
	 .want_reason = "wsrep_ready=OFF"},
	{"wsrep_ready garbage", {{"wsrep_ready", "MAYBE"}}, .want_code = 503, .want_failed = CHECK_WSREP_READY,
	 .want_reason = "wsrep_ready unparsable: 'MAYBE'"},
	{"wsrep off", {{"wsrep_on", "OFF"}}, .want_code = 503, .want_failed = CHECK_WSREP,
	 .want_reason = "wsrep is off (wsrep_on=OFF)"},
	{"not a Galera server", {{"wsrep_on", NULL}}, .want_code = 503, .want_failed = CHECK_WSREP,
	 .want_reason = "not a Galera server"},
	{"no provider loaded", {{"wsrep_local_state", NULL}, {"wsrep_local_state_comment", NULL}},
	 .want_code = 503, .want_failed = CHECK_WSREP, .want_reason = "no Galera provider loaded"},
	{"cluster status absent", {{"wsrep_cluster_status", NULL}}, .want_code = 503, .want_failed = CHECK_PRIMARY,
	 .want_reason = "wsrep_cluster_status not reported by mysqld"},
	{"reject queries ALL", {{"wsrep_reject_queries", "ALL"}}, .want_code = 503,
	 .want_failed = CHECK_REJECT_QUERIES, .want_reason = "rejecting queries (wsrep_reject_queries=ALL)"},
	{"reject queries ALL_KILL", {{"wsrep_reject_queries", "ALL_KILL"}}, .want_code = 503,
	 .want_failed = CHECK_REJECT_QUERIES, .want_reason = "ALL_KILL"},
	{"reject queries absent (old server)", {{"wsrep_reject_queries", NULL}}, .want_code = 200,
	 .want_failed = CHECK_COUNT, .want_reason = "Synced"},
	{"pxc_maint_mode absent means DISABLED", {{"pxc_maint_mode", NULL}}, .want_code = 200,
	 .want_failed = CHECK_COUNT, .want_reason = "Synced"},
	{"pxc_maint_mode DISABLED", {{"pxc_maint_mode", "DISABLED"}}, .want_code = 200, .want_failed = CHECK_COUNT,
	 .want_reason = "Synced"},
	{"pxc_maint_mode SHUTDOWN drains", {{"pxc_maint_mode", "SHUTDOWN"}}, .want_code = 404,
	 .want_failed = CHECK_PXC_MAINT_MODE, .want_reason = "pxc_maint_mode=SHUTDOWN"},
	{"pxc_maint_mode MAINTENANCE drains", {{"pxc_maint_mode", "MAINTENANCE"}}, .want_code = 404,
	 .want_failed = CHECK_PXC_MAINT_MODE, .want_reason = "pxc_maint_mode=MAINTENANCE"},
	{"below min cluster size", {{"wsrep_cluster_size", "2"}}, .min_cluster_size = 3, .want_code = 503,
	 .want_failed = CHECK_CLUSTER_SIZE, .want_reason = "cluster size 2 below min_cluster_size 3"},
	{"at min cluster size", {{0}}, .min_cluster_size = 3, .want_code = 200, .want_failed = CHECK_COUNT,
	 .want_reason = "Synced"},
	{"cluster size absent with a minimum", {{"wsrep_cluster_size", NULL}}, .min_cluster_size = 2,
	 .want_code = 503, .want_failed = CHECK_CLUSTER_SIZE, .want_reason = "wsrep_cluster_size not reported"},
	{"recv queue above limit", {{"wsrep_local_recv_queue", "101"}}, .max_recv_queue = 100, .want_code = 503,
	 .want_failed = CHECK_RECV_QUEUE, .want_reason = "receive queue 101 above max_recv_queue 100"},
	{"recv queue at limit", {{"wsrep_local_recv_queue", "100"}}, .max_recv_queue = 100, .want_code = 200,
	 .want_failed = CHECK_COUNT, .want_reason = "Synced"},
	{"recv queue ignored by default", {{"wsrep_local_recv_queue", "99999"}}, .want_code = 200,
	 .want_failed = CHECK_COUNT, .want_reason = "Synced"},
	{"read-only allowed by default", {{"read_only", "ON"}}, .want_code = 200, .want_failed = CHECK_COUNT,
	 .want_reason = "Synced"},
	{"read-only forbidden", {{"read_only", "ON"}}, .read_only_forbidden = true, .want_code = 503,
	 .want_failed = CHECK_READ_ONLY, .want_reason = "read-only (read_only=ON)"},
	{"read-only as 1", {{"read_only", "1"}}, .read_only_forbidden = true, .want_code = 503,
	 .want_failed = CHECK_READ_ONLY, .want_reason = "read-only"},
	{"read-only garbage", {{"read_only", "sometimes"}}, .read_only_forbidden = true, .want_code = 503,
	 .want_failed = CHECK_READ_ONLY, .want_reason = "read_only unparsable"},
	{"maintenance beats a healthy node", {{0}}, .admin = ADMIN_MAINT, .want_code = 503,
	 .want_failed = CHECK_MAINTENANCE, .want_reason = "in maintenance"},
	{"draining a healthy node answers 404", {{0}}, .admin = ADMIN_DRAIN, .want_code = 404,
	 .want_failed = CHECK_DRAIN, .want_reason = "draining"},
	{"draining with drain_code 503", {{0}}, .admin = ADMIN_DRAIN, .drain_code = 503, .want_code = 503,
	 .want_failed = CHECK_DRAIN, .want_reason = "draining"},
	{"draining a broken node answers 503", {{"wsrep_desync", "ON"}, DONOR_ROWS}, .admin = ADMIN_DRAIN,
	 .want_code = 503, .want_failed = CHECK_STATE, .want_reason = "manually desynced"},
};

static void run_case(const struct verdict_case *vc)
{
	struct snapshot s;
	struct verdict_policy p;
	struct verdict v;

	synced(&s);
	for (size_t i = 0; i < sizeof vc->rows / sizeof *vc->rows && vc->rows[i].name; i++) {
		const struct row *r = &vc->rows[i];
		int id = snapshot_fact_lookup(r->name, strlen(r->name));
		assert_true(id >= 0);
		if (r->value)
			put(&s, r->name, r->value);
		else
			memset(&s.facts[id], 0, sizeof s.facts[id]);
	}
	fixture_policy(&p);
	p.donor = vc->donor;
	s.sst.kind = vc->sst;
	s.sst.mysqld_pid = vc->sst ? 4242 : 0;
	snprintf(s.sst.method, sizeof s.sst.method, "%s", vc->sst_method ? vc->sst_method : "");
	snprintf(s.sst.why, sizeof s.sst.why, "%s", vc->sst_why ? vc->sst_why : "");
	p.read_only_ok = !vc->read_only_forbidden;
	if (vc->min_cluster_size)
		p.min_cluster_size = vc->min_cluster_size;
	p.max_recv_queue = vc->max_recv_queue;
	if (vc->drain_code)
		p.drain_code = vc->drain_code;

	v = verdict_decide(&s, vc->admin, &p, &NOW);
	if (v.code != vc->want_code || v.failed != vc->want_failed || !strstr(v.reason, vc->want_reason))
		fail_msg("%s: got %d/%s '%s', want %d/%s '%s'", vc->title, v.code,
			 verdict_check_name(v.failed), v.reason, vc->want_code,
			 verdict_check_name(vc->want_failed), vc->want_reason);
}

static void test_every_rule_and_policy(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
		run_case(&cases[i]);
}

static void test_no_answer_yet(void **state)
{
	struct snapshot s;
	struct verdict_policy p;
	struct verdict v;

	(void)state;
	snapshot_init(&s);
	fixture_policy(&p);
	v = verdict_decide(&s, ADMIN_READY, &p, &NOW);
	assert_int_equal(v.code, 503);
	assert_int_equal(v.failed, CHECK_MYSQLD);
	assert_string_equal(v.reason, "no answer from mysqld yet");
}

static void test_unreachable_names_the_error(void **state)
{
	struct snapshot s;
	struct verdict_policy p;
	struct verdict v;

	(void)state;
	synced(&s);
	snapshot_set_unreachable(&s, 2002, "Can't connect to local server through socket '/x' (2)");
	fixture_policy(&p);
	v = verdict_decide(&s, ADMIN_READY, &p, &NOW);
	assert_int_equal(v.code, 503);
	assert_int_equal(v.failed, CHECK_MYSQLD);
	assert_string_equal(v.reason, "mysqld unreachable: Can't connect to local server through socket '/x' (2)");
	/* Facts of an unreachable snapshot are gone, not stale values. */
	assert_false(snapshot_fact(&s, FACT_LOCAL_STATE)->present);

	/* mysqld replied with an error: not ready either, and said apart. */
	snapshot_set_unreachable(&s, 1040, "Too many connections (1040)");
	s.failure = SNAP_FAIL_REFUSED;
	v = verdict_decide(&s, ADMIN_READY, &p, &NOW);
	assert_int_equal(v.code, 503);
	assert_int_equal(v.failed, CHECK_MYSQLD);
	assert_string_equal(v.reason, "mysqld refused the agent: Too many connections (1040)");
}

static void test_stale_snapshot_is_not_believed(void **state)
{
	struct snapshot s;
	struct verdict_policy p;
	struct verdict v;
	struct timespec later = NOW;

	(void)state;
	synced(&s);
	fixture_policy(&p);
	later.tv_sec += 3; /* exactly the limit: still fresh */
	v = verdict_decide(&s, ADMIN_READY, &p, &later);
	assert_int_equal(v.code, 200);
	later.tv_nsec = 1000000; /* 3001 ms */
	v = verdict_decide(&s, ADMIN_READY, &p, &later);
	assert_int_equal(v.code, 503);
	assert_int_equal(v.failed, CHECK_FRESH);
	assert_string_equal(v.reason, "stale: no answer from mysqld for more than 3000 ms");
}

static void test_verbose_lists_every_check(void **state)
{
	struct snapshot s;
	struct verdict_policy p;
	struct verdict_check checks[CHECK_COUNT];
	int failed = 0;

	(void)state;
	synced(&s);
	put(&s, "wsrep_reject_queries", "ALL");
	fixture_policy(&p);
	assert_int_equal(verdict_checks(&s, ADMIN_READY, &p, &NOW, checks), CHECK_COUNT);
	for (int i = 0; i < CHECK_COUNT; i++) {
		assert_int_equal(checks[i].id, i);
		assert_true(checks[i].reason[0] != '\0');
		if (!checks[i].ok) {
			failed++;
			assert_int_equal(i, CHECK_REJECT_QUERIES);
		}
	}
	assert_int_equal(failed, 1);
}

static void test_names_round_trip(void **state)
{
	(void)state;
	for (int i = 0; i < CHECK_COUNT; i++)
		assert_string_not_equal(verdict_check_name((enum verdict_check_id)i), "none");
}

/* The check table's rows, in the order ?verbose, /status and the
 * integration test t_verbose_lists_every_check expect, with the two that
 * drain rather than fail. */
static void test_check_table_order_and_drains(void **state)
{
	static const char *const order[CHECK_COUNT] = {
		"maintenance", "mysqld", "fresh", "wsrep", "connected", "primary", "wsrep_ready",
		"state", "reject_queries", "pxc_maint_mode", "cluster_size", "recv_queue",
		"read_only", "drain",
	};

	(void)state;
	for (int i = 0; i < CHECK_COUNT; i++) {
		const char *name = verdict_check_name((enum verdict_check_id)i);
		assert_non_null(name);
		assert_string_equal(name, order[i]);
		assert_int_equal(verdict_check_drains((enum verdict_check_id)i),
				 i == CHECK_PXC_MAINT_MODE || i == CHECK_DRAIN);
	}
	assert_string_equal(verdict_check_name(CHECK_COUNT), "none");
	assert_false(verdict_check_drains(CHECK_COUNT));
}

static void test_equal_compares_reason(void **state)
{
	struct verdict a = {.code = 503, .failed = CHECK_STATE, .reason = "Joining"};
	struct verdict b = a;

	(void)state;
	assert_true(verdict_equal(&a, &b));
	snprintf(b.reason, sizeof b.reason, "Joining: receiving State Transfer");
	assert_false(verdict_equal(&a, &b));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_rule_and_policy),
		cmocka_unit_test(test_no_answer_yet),
		cmocka_unit_test(test_unreachable_names_the_error),
		cmocka_unit_test(test_stale_snapshot_is_not_believed),
		cmocka_unit_test(test_verbose_lists_every_check),
		cmocka_unit_test(test_names_round_trip),
		cmocka_unit_test(test_check_table_order_and_drains),
		cmocka_unit_test(test_equal_compares_reason),
	};
	return cmocka_run_group_tests_name("verdict", tests, NULL, NULL);
}
