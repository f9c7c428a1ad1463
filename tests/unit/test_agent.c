/* The agent-check line: every state gives the full state in one line, the
 * reason cannot break the line, the weight formula and its bounds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "agent.h"
#include "fixtures.h"

static const struct timespec NOW = {.tv_sec = 50};
static const struct agent_weight_cfg OFF = {0, 10};

static void expect_line(const struct health_view *v, const struct agent_weight_cfg *w, const char *want)
{
	char buf[256];
	size_t n = agent_line(v, &NOW, w, buf, sizeof buf);

	assert_string_equal(buf, want);
	assert_int_equal(n, strlen(want));
}

static void test_ready_says_up_ready_full_weight(void **state)
{
	struct health_view v;

	(void)state;
	fixture_synced_view(&v, NOW);
	expect_line(&v, &OFF, "up ready 100%\n");
}

static void test_drain_healthy_says_up_drain(void **state)
{
	struct health_view v;

	(void)state;
	fixture_synced_view(&v, NOW);
	v.admin = ADMIN_DRAIN;
	expect_line(&v, &OFF, "up drain\n");
	/* drain_code does not matter to the agent port */
	v.policy.drain_code = 503;
	expect_line(&v, &OFF, "up drain\n");
}

static void test_maint_says_maint_whatever_the_health(void **state)
{
	struct health_view v;

	(void)state;
	fixture_synced_view(&v, NOW);
	v.admin = ADMIN_MAINT;
	expect_line(&v, &OFF, "maint\n");
	v.snap.outcome = SNAP_UNREACHABLE;
	expect_line(&v, &OFF, "maint\n");
}

static void test_not_ready_says_down_with_admin_and_reason(void **state)
{
	struct health_view v;

	(void)state;
	fixture_synced_view(&v, NOW);
	fixture_put(&v.snap, "wsrep_desync", "ON");
	fixture_put(&v.snap, "wsrep_local_state", "2");
	expect_line(&v, &OFF, "down ready #manually desynced (wsrep_desync=ON)\n");
	/* a broken node that is also draining: both words, HAProxy keeps both */
	v.admin = ADMIN_DRAIN;
	expect_line(&v, &OFF, "down drain #manually desynced (wsrep_desync=ON)\n");
}

static void test_pxc_maint_mode_says_drain(void **state)
{
	struct health_view v;

	(void)state;
	fixture_synced_view(&v, NOW);
	fixture_put(&v.snap, "pxc_maint_mode", "SHUTDOWN");
	expect_line(&v, &OFF, "up drain\n");
}

static void test_notified_shutdown_is_down(void **state)
{
	struct health_view v;

	(void)state;
	fixture_synced_view(&v, NOW);
	snapshot_set_unreachable(&v.snap, 1053, "mysqld is shutting down (notified: disconnecting)");
	expect_line(&v, &OFF, "down ready #mysqld unreachable: mysqld is shutting down (notified: disconnecting)\n");
}

static void test_reason_is_one_bounded_printable_line(void **state)
{
	struct health_view v;
	char buf[512], why[SNAPSHOT_ERROR_MAX];

	(void)state;
	fixture_synced_view(&v, NOW);
	memset(why, 'x', sizeof why - 1);
	why[sizeof why - 1] = '\0';
	memcpy(why, "evil\nup ready\r\t\x01", 16);
	snapshot_set_unreachable(&v.snap, 2013, why);
	size_t n = agent_line(&v, &NOW, &OFF, buf, sizeof buf);
	assert_true(n > 0);
	assert_int_equal(buf[n - 1], '\n');
	/* one line: the only newline is the last byte */
	assert_ptr_equal(strchr(buf, '\n'), buf + n - 1);
	assert_null(strchr(buf, '\r'));
	assert_true(n <= strlen("down ready #") + AGENT_REASON_MAX + 1);
	for (size_t i = 0; i + 1 < n; i++)
		assert_true(buf[i] >= 0x20 && buf[i] < 0x7f);
}

static void test_small_buffer_still_ends_the_line(void **state)
{
	struct health_view v;
	char buf[8];

	(void)state;
	fixture_synced_view(&v, NOW);
	fixture_put(&v.snap, "wsrep_cluster_status", "non-Primary");
	size_t n = agent_line(&v, &NOW, &OFF, buf, sizeof buf);
	assert_int_equal(n, 7);
	assert_int_equal(buf[6], '\n');
	assert_int_equal(buf[7], '\0');
}

static void test_weight_formula(void **state)
{
	const struct agent_weight_cfg w = {5, 20};

	(void)state;
	assert_int_equal(agent_weight(0, &w), 100);
	assert_int_equal(agent_weight(-1, &w), 100);
	assert_int_equal(agent_weight(1, &w), 95);
	assert_int_equal(agent_weight(10, &w), 50);
	assert_int_equal(agent_weight(16, &w), 20);
	assert_int_equal(agent_weight(17, &w), 20); /* floor */
	assert_int_equal(agent_weight(9999999999LL, &w), 20); /* no overflow */
	assert_int_equal(agent_weight(50, &OFF), 100); /* off */
	assert_int_equal(agent_weight(50, NULL), 100);
	const struct agent_weight_cfg steep = {100, 1};
	assert_int_equal(agent_weight(3, &steep), 1); /* never 0%: that is DRAIN */
}

static void test_weight_in_the_line(void **state)
{
	struct health_view v;
	const struct agent_weight_cfg w = {5, 20};

	(void)state;
	fixture_synced_view(&v, NOW);
	fixture_put(&v.snap, "wsrep_local_recv_queue", "4");
	expect_line(&v, &w, "up ready 80%\n");
	fixture_put(&v.snap, "wsrep_local_recv_queue", "garbage");
	expect_line(&v, &w, "up ready 100%\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ready_says_up_ready_full_weight),
		cmocka_unit_test(test_drain_healthy_says_up_drain),
		cmocka_unit_test(test_maint_says_maint_whatever_the_health),
		cmocka_unit_test(test_not_ready_says_down_with_admin_and_reason),
		cmocka_unit_test(test_notified_shutdown_is_down),
		cmocka_unit_test(test_pxc_maint_mode_says_drain),
		cmocka_unit_test(test_reason_is_one_bounded_printable_line),
		cmocka_unit_test(test_small_buffer_still_ends_the_line),
		cmocka_unit_test(test_weight_formula),
		cmocka_unit_test(test_weight_in_the_line),
	};

	return cmocka_run_group_tests_name("agent", tests, NULL, NULL);
}
