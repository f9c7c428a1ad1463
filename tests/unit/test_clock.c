/* Monotonic time helpers: the arithmetic across second boundaries, the
 * sign conventions each caller relies on, and deadlines against the real
 * clock. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <time.h>

#include "clock.h"

static void test_ms_truncates_nanoseconds(void **state)
{
	struct timespec t = {.tv_sec = 12, .tv_nsec = 345999999};

	(void)state;
	assert_int_equal(clock_ms(&t), 12345);
}

static void test_between_across_a_second_boundary(void **state)
{
	struct timespec a = {.tv_sec = 10, .tv_nsec = 900000000};
	struct timespec b = {.tv_sec = 11, .tv_nsec = 100000000};

	(void)state;
	assert_int_equal(clock_ms_between(&a, &b), 200);
	/* Earlier `to` is negative: liveness clamps it, the renderers show it. */
	assert_int_equal(clock_ms_between(&b, &a), -200);
	assert_true(clock_seconds_between(&a, &b) > 0.1999 && clock_seconds_between(&a, &b) < 0.2001);
	assert_int_equal(clock_usec_since(&a, &b), 200000);
	/* sdnotify's watchdog must not ping on a time that went backwards. */
	assert_int_equal(clock_usec_since(&b, &a), 0);
}

static void test_reached_and_zero(void **state)
{
	struct timespec zero = {0}, a = {.tv_sec = 5, .tv_nsec = 1}, b = {.tv_sec = 5, .tv_nsec = 2};

	(void)state;
	assert_true(clock_is_zero(&zero));
	assert_false(clock_is_zero(&a));
	assert_true(clock_reached(&b, &a));
	assert_true(clock_reached(&a, &a));
	assert_false(clock_reached(&a, &b));
	assert_true(clock_reached(&(struct timespec){.tv_sec = 6}, &b));
}

static void test_now_moves_forward(void **state)
{
	struct timespec a, b;
	long long ms;

	(void)state;
	clock_mono(&a);
	ms = clock_mono_ms();
	clock_mono(&b);
	assert_true(clock_reached(&b, &a));
	assert_true(ms >= clock_ms(&a) && ms <= clock_ms(&b));
}

static void test_deadlines(void **state)
{
	struct timespec now, d;
	long long deadline;

	(void)state;
	deadline = clock_deadline_ms(60000);
	assert_true(clock_ms_left(deadline) > 50000 && clock_ms_left(deadline) <= 60000);
	/* Passed deadlines are 0, never negative: poll() would wait forever. */
	assert_int_equal(clock_ms_left(clock_mono_ms() - 5), 0);
	assert_int_equal(clock_ms_left(LLONG_MAX / 2), INT_MAX);

	clock_mono(&now);
	clock_deadline(&d, 1999);
	assert_true(d.tv_nsec >= 0 && d.tv_nsec < 1000000000L);
	assert_true(clock_ms_between(&now, &d) >= 1999 && clock_ms_between(&now, &d) < 2100);
	assert_false(clock_reached(&now, &d));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ms_truncates_nanoseconds),
		cmocka_unit_test(test_between_across_a_second_boundary),
		cmocka_unit_test(test_reached_and_zero),
		cmocka_unit_test(test_now_moves_forward),
		cmocka_unit_test(test_deadlines),
	};

	return cmocka_run_group_tests_name("clock", tests, NULL, NULL);
}
