/* /writer's rule: eligibility, ranking, membership, agreement, break
 * before make, failback; and a simulation of three agents exchanging their
 * reports with delays, where no two may ever claim the role at once. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"
#include "writer.h"

#define UUID "6b1d3c1e-0000-11ee-8000-000000000001"
#define WINDOW 3000
#define MARGIN 4000

static struct cluster_cfg three(void)
{
	struct cluster_cfg c;

	memset(&c, 0, sizeof c);
	c.npeers = 3;
	/* Out of order on purpose, and a tie on priority broken by name. */
	snprintf(c.peers[0].name, sizeof c.peers[0].name, "db3");
	c.peers[0].priority = 2;
	snprintf(c.peers[1].name, sizeof c.peers[1].name, "db1");
	c.peers[1].priority = 1;
	snprintf(c.peers[2].name, sizeof c.peers[2].name, "db2");
	c.peers[2].priority = 2;
	for (unsigned i = 0; i < 3; i++)
		snprintf(c.peers[i].url, sizeof c.peers[i].url, "http://127.0.0.1:%u", 9200 + i);
	c.handover_ms = 8000;
	c.failback_delay_ms = 10000;
	c.timeout_ms = 1000;
	return c;
}

enum { DB3 = 0, DB1 = 1, DB2 = 2 };

/* A fresh report of an eligible, counting, not-writer node of our view. */
static struct writer_peer good_peer(const char *name)
{
	struct writer_peer p;

	memset(&p, 0, sizeof p);
	p.seen = true;
	p.age_ms = 100;
	snprintf(p.report.name, sizeof p.report.name, "%s", name);
	p.report.eligible = true;
	p.report.eligible_for_ms = 60000;
	p.report.writer = false;
	p.report.writer_for_ms = 60000;
	p.report.primary = true;
	snprintf(p.report.state_uuid, sizeof p.report.state_uuid, UUID);
	p.report.conf_id = 7;
	p.report.size = 3;
	return p;
}

struct world {
	struct cluster_cfg cfg;
	struct writer_peer peers[CLUSTER_PEERS_MAX];
	struct writer_input in;
	struct writer_state st;
};

/* Agent `self`, eligible and counting since long, every peer fresh and good. */
static void world_init(struct world *w, unsigned self)
{
	memset(w, 0, sizeof *w);
	w->cfg = three();
	for (unsigned i = 0; i < 3; i++)
		w->peers[i] = good_peer(w->cfg.peers[i].name);
	w->in = (struct writer_input){
		.cfg = &w->cfg, .self = self, .now_ms = 100000, .window_ms = WINDOW, .margin_ms = MARGIN,
		.eligible = true, .why = "", .primary = true, .state_uuid = UUID, .conf_id = 7, .size = 3,
		.peers = w->peers,
	};
	writer_state_init(&w->st, 0);
	w->st.eligible_since_ms = 0;
}

static struct writer_result decide(struct world *w)
{
	return writer_decide(&w->in, &w->st);
}

static void assert_decision(struct world *w, int code, const char *reason)
{
	struct writer_result r = decide(w);

	if (strcmp(r.reason, reason) != 0 || r.code != code)
		print_message("got %d '%s'\n", r.code, r.reason);
	assert_int_equal(r.code, code);
	assert_string_equal(r.reason, reason);
}

static void test_order_priority_then_name(void **state)
{
	struct cluster_cfg c = three();
	unsigned order[CLUSTER_PEERS_MAX];

	(void)state;
	writer_order(&c, order);
	assert_int_equal(order[0], DB1);
	assert_int_equal(order[1], DB2);
	assert_int_equal(order[2], DB3);
}

static void test_eligibility(void **state)
{
	struct health_view v;
	struct timespec now = {100, 0};
	struct verdict vd;
	char why[128];

	(void)state;
	fixture_synced_view(&v, now);
	vd = verdict_decide(&v.snap, v.admin, &v.policy, &now);
	assert_true(writer_eligible(&v.snap, &vd, why, sizeof why));

	/* A donor the verdict lets through (policy.donor = always) never writes. */
	fixture_put(&v.snap, "wsrep_local_state", "2");
	fixture_put(&v.snap, "wsrep_local_state_comment", "Donor/Desynced");
	v.snap.sst.kind = SST_PROC_SST; /* mysqld runs a donor's SST script */
	v.snap.sst.mysqld_pid = 4242;
	snprintf(v.snap.sst.method, sizeof v.snap.sst.method, "rsync");
	v.policy.donor = DONOR_ALWAYS;
	vd = verdict_decide(&v.snap, v.admin, &v.policy, &now);
	assert_int_equal(vd.code, 200);
	assert_false(writer_eligible(&v.snap, &vd, why, sizeof why));
	assert_string_equal(why, "not Synced (Donor/Desynced)");

	fixture_synced_view(&v, now);
	fixture_put(&v.snap, "read_only", "ON");
	vd = verdict_decide(&v.snap, v.admin, &v.policy, &now);
	assert_false(writer_eligible(&v.snap, &vd, why, sizeof why));
	assert_string_equal(why, "read_only=ON");

	fixture_synced_view(&v, now);
	v.admin = ADMIN_DRAIN;
	vd = verdict_decide(&v.snap, v.admin, &v.policy, &now);
	assert_false(writer_eligible(&v.snap, &vd, why, sizeof why));
	assert_non_null(strstr(why, "not ready: "));
}

static void test_highest_ranked_is_the_only_writer(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, DB1);
	assert_decision(&w, 200, "writer: db1 (priority 1)");
	world_init(&w, DB2);
	assert_decision(&w, 503, "not writer: db1 is the writer");
	world_init(&w, DB3);
	assert_decision(&w, 503, "not writer: db1 is the writer");
}

static void test_unknown_member_fails_closed(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, DB2);
	w.peers[DB1].age_ms = WINDOW + 1;
	snprintf(w.peers[DB1].error, sizeof w.peers[DB1].error, "Timeout was reached");
	assert_decision(&w, 503, "not writer: cannot see db1 (last answer 3001 ms ago: Timeout was reached)");
	w.peers[DB1].seen = false;
	assert_decision(&w, 503, "not writer: cannot see db1 (Timeout was reached)");
}

static void test_node_out_of_the_component_does_not_block(void **state)
{
	struct world w;

	(void)state;
	/* db1's host is gone: Galera counts 2 members, db2 and db3 say so. */
	world_init(&w, DB2);
	w.peers[DB1].seen = false;
	w.in.conf_id = 8;
	w.in.size = 2;
	w.peers[DB3].report.conf_id = 8;
	w.peers[DB3].report.size = 2;
	assert_decision(&w, 200, "writer: db2 (priority 2)");
	struct writer_result r = decide(&w);
	assert_int_equal(r.member[DB1], WM_OUT);
	assert_int_equal(r.member[DB3], WM_IN);

	/* db1 left the view on its way down, but its balancers still send
	 * it writes until they have seen it answer 503 for handover_ms. */
	world_init(&w, DB2);
	w.in.conf_id = 8;
	w.in.size = 2;
	w.peers[DB3].report.conf_id = 8;
	w.peers[DB3].report.size = 2;
	w.peers[DB1].report.eligible = false;
	w.peers[DB1].report.eligible_for_ms = -1;
	w.peers[DB1].report.writer_for_ms = 300;
	assert_decision(&w, 503, "not writer yet: handover from db1 (7700 ms left)");
	w.peers[DB1].report.writer = true;
	assert_decision(&w, 503, "not writer yet: db1 still is the writer");
	/* Its agent gone too: a window plus the handover after its last answer. */
	w.peers[DB1].report.writer = false;
	w.peers[DB1].age_ms = WINDOW + 1;
	assert_decision(&w, 503, "not writer yet (7999 ms left): cannot see db1 (last answer 3001 ms ago)");
	w.peers[DB1].age_ms = WINDOW + 8000;
	assert_decision(&w, 200, "writer: db2 (priority 2)");

	/* db3 still on the old view: db1 might be a member. */
	world_init(&w, DB2);
	w.peers[DB1].seen = false;
	w.in.conf_id = 8;
	w.in.size = 2;
	assert_decision(&w, 503, "not writer: cannot see db1 (no answer yet)");
}

static void test_contradicting_reports_fail_closed(void **state)
{
	struct world w;

	(void)state;
	world_init(&w, DB2);
	w.in.size = 2; /* three nodes say view 7, Galera says two members */
	assert_decision(&w, 503, "not writer: peers' reports do not match Galera's membership (wsrep_cluster_size 2)");
}

static void test_break_before_make(void **state)
{
	struct world w;

	(void)state;
	/* db1 just stopped being eligible and the writer 1 s ago. */
	world_init(&w, DB2);
	w.peers[DB1].report.eligible = false;
	w.peers[DB1].report.eligible_for_ms = -1;
	w.peers[DB1].report.writer_for_ms = 1000;
	assert_decision(&w, 503, "not writer yet: handover from db1 (7000 ms left)");
	w.peers[DB1].report.writer = true;
	assert_decision(&w, 503, "not writer yet: db1 still is the writer");
	w.peers[DB1].report.writer = false;
	w.peers[DB1].report.writer_for_ms = 8000;
	assert_decision(&w, 200, "writer: db2 (priority 2)");
	/* Once writer, it stays while the rule holds, with no new handover. */
	w.in.now_ms += 50;
	assert_decision(&w, 200, "writer: db2 (priority 2)");
	/* Not eligible: drops at once, and says since when. */
	w.in.eligible = false;
	w.in.why = "read_only=ON";
	w.in.now_ms += 50;
	assert_decision(&w, 503, "not writer: read_only=ON");
	assert_false(w.st.writer);
	assert_int_equal(w.st.changed_ms, w.in.now_ms);
}

static void test_failback_waits_then_hands_over(void **state)
{
	struct world w;

	(void)state;
	/* db2 is the writer; db1 came back and has been Synced for 2 s. */
	world_init(&w, DB2);
	w.st.writer = true;
	w.peers[DB1].report.eligible_for_ms = 2000;
	w.peers[DB1].report.writer_for_ms = 2000;
	assert_decision(&w, 200, "writer: db2 (priority 2)");
	/* One poll before db1 counts by its own clock, db2 yields. */
	w.peers[DB1].report.eligible_for_ms = 10000 - MARGIN - w.peers[DB1].age_ms;
	assert_decision(&w, 503, "not writer: db1 is the writer");
	assert_false(w.st.writer);

	/* db1's side: not before failback_delay_ms, then not before db2 is out. */
	world_init(&w, DB1);
	w.st.eligible_since_ms = w.in.now_ms - 2000;
	w.peers[DB2].report.writer = true;
	assert_decision(&w, 503, "not writer: eligible for 2000 ms, ranks after failback_delay_ms (10000)");
	w.in.now_ms += 8000;
	assert_decision(&w, 503, "not writer yet: db2 still is the writer");
	w.peers[DB2].report.writer = false;
	w.peers[DB2].report.writer_for_ms = 500;
	assert_decision(&w, 503, "not writer yet: handover from db2 (7500 ms left)");
	w.peers[DB2].report.writer_for_ms = 8000;
	assert_decision(&w, 200, "writer: db1 (priority 1)");
}

static void test_unseen_lower_node_waits_window_and_handover(void **state)
{
	struct world w;

	(void)state;
	/* db1 starts counting; db3's agent does not answer (its node may be
	 * in our component): it could have been the writer until now. */
	world_init(&w, DB1);
	w.st.eligible_since_ms = w.in.now_ms - 10000;
	w.peers[DB3].seen = false;
	snprintf(w.peers[DB3].error, sizeof w.peers[DB3].error, "Connection refused");
	assert_decision(&w, 503, "not writer yet (11000 ms left): cannot see db3 (Connection refused)");
	w.in.now_ms += WINDOW + 8000;
	assert_decision(&w, 200, "writer: db1 (priority 1)");
}

/* ---- three agents, reports delayed, never two writers ---- */

struct sim_node {
	bool eligible;
	struct writer_state st;
	struct cluster_self published;     /* what its /status says now */
	long long published_at;
};

/* Each agent sees another's report as it was `lag` ms ago (up to one
 * poll plus a slow answer), or not at all while that agent is "hung". */
static void simulate(unsigned seed)
{
	struct cluster_cfg cfg = three();
	struct sim_node n[3];
	struct cluster_self history[3][64];  /* a report every 100 ms, 6.4 s back */
	bool hung[3] = {false};
	long long last_writer[3] = {-1, -1, -1};
	unsigned handovers = 0;
	unsigned rnd = seed;
	long long t;

	cfg.handover_ms = 1500;
	cfg.failback_delay_ms = 3000;
	memset(n, 0, sizeof n);
	memset(history, 0, sizeof history);
	for (unsigned i = 0; i < 3; i++) {
		writer_state_init(&n[i].st, 0);
		n[i].eligible = true;
	}
	for (t = 0; t < 600000; t += 50) {
		unsigned writers = 0;

		rnd = rnd * 1103515245u + 12345u;
		if ((rnd >> 16) % 97 == 0)
			n[(rnd >> 8) % 3].eligible ^= 1;
		if ((rnd >> 12) % 211 == 0)
			hung[(rnd >> 4) % 3] ^= 1;
		for (unsigned i = 0; i < 3; i++) {
			struct writer_peer peers[CLUSTER_PEERS_MAX];
			struct writer_input in = {
				.cfg = &cfg, .self = i, .now_ms = t, .window_ms = 1000, .margin_ms = 1000,
				.eligible = n[i].eligible, .why = "down", .primary = true, .state_uuid = UUID,
				.conf_id = 1, .size = 3, .peers = peers,
			};

			memset(peers, 0, sizeof peers);
			for (unsigned j = 0; j < 3; j++) {
				long long lag = 100 + (long long)((rnd >> (j * 3)) % 6) * 100;

				if (j == i || hung[j] || t < lag + 100)
					continue;
				peers[j].seen = true;
				peers[j].report = history[j][((t - lag) / 100) % 64];
				peers[j].age_ms = t - ((t - lag) / 100) * 100;
			}
			bool was = n[i].st.writer;

			struct writer_result rr = writer_decide(&in, &n[i].st);
			if (getenv("SIMDBG"))
				print_message("t=%lld %u el=%d hung=%d%d%d: %s\n", t, i, n[i].eligible, hung[0],
					      hung[1], hung[2], rr.reason);
			writer_self_report(&in, &n[i].st, &n[i].published);
			/* Break before make: nobody else answered 200 within handover_ms. */
			handovers += n[i].st.writer && !was;
			if (n[i].st.writer && !was)
				for (unsigned j = 0; j < 3; j++)
					if (j != i && last_writer[j] >= 0 && t - last_writer[j] < cfg.handover_ms) {
						print_message("seed %u: %u took over %lld ms after %u\n", seed, i,
							      t - last_writer[j], j);
						fail();
					}
			if (t % 100 == 0)
				history[i][(t / 100) % 64] = n[i].published;
			writers += n[i].st.writer;
		}
		for (unsigned i = 0; i < 3; i++)
			if (n[i].st.writer)
				last_writer[i] = t;
		if (writers > 1)
			print_message("seed %u: %u writers at t=%lld\n", seed, writers, t);
		assert_true(writers <= 1);
	}
	/* The simulation must exercise failovers, not sit on one writer. */
	assert_true(handovers > 10);
}

static void test_simulated_agents_never_agree_on_two_writers(void **state)
{
	(void)state;
	for (unsigned seed = 1; seed <= 40; seed++)
		simulate(seed);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order_priority_then_name),
		cmocka_unit_test(test_eligibility),
		cmocka_unit_test(test_highest_ranked_is_the_only_writer),
		cmocka_unit_test(test_unknown_member_fails_closed),
		cmocka_unit_test(test_node_out_of_the_component_does_not_block),
		cmocka_unit_test(test_contradicting_reports_fail_closed),
		cmocka_unit_test(test_break_before_make),
		cmocka_unit_test(test_failback_waits_then_hands_over),
		cmocka_unit_test(test_unseen_lower_node_waits_window_and_handover),
		cmocka_unit_test(test_simulated_agents_never_agree_on_two_writers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
