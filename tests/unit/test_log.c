/* The summariser of repeated events: the log grows with the number of
 * kinds and intervals, never with the number of events. The clock is
 * passed in. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "log.h"

struct emitted {
	int n;
	unsigned long long repeats[8];
	long long window[8];
	char last[8][LOG_SUMMARY_MSG];
};

static void collect(void *ctx, int priority, unsigned long long repeats, long long window_ms,
		    const char *last)
{
	struct emitted *e = ctx;

	(void)priority;
	if (e->n < 8) {
		e->repeats[e->n] = repeats;
		e->window[e->n] = window_ms;
		snprintf(e->last[e->n], LOG_SUMMARY_MSG, "%s", last);
	}
	e->n++;
}

static const char REFUSED[] = "refused", MALFORMED[] = "malformed";

static void test_first_is_shown_then_counted(void **state)
{
	struct log_summary s;
	struct emitted e = {0};

	(void)state;
	log_summary_init(&s, 10000);
	assert_true(log_summary_note(&s, REFUSED, LOG_WARNING, "refused 1", 0));
	for (int i = 2; i <= 25026; i++) {
		char msg[32];
		snprintf(msg, sizeof msg, "refused %d", i);
		assert_false(log_summary_note(&s, REFUSED, LOG_WARNING, msg, i % 3000));
	}
	log_summary_due(&s, 9999, false, collect, &e);
	assert_int_equal(e.n, 0); /* the interval is not over */
	log_summary_due(&s, 10000, false, collect, &e);
	assert_int_equal(e.n, 1);
	assert_int_equal(e.repeats[0], 25025);
	assert_int_equal(e.window[0], 10000);
	assert_string_equal(e.last[0], "refused 25026");
}

static void test_one_line_per_kind_per_interval(void **state)
{
	struct log_summary s;
	struct emitted e = {0};
	int shown = 0;

	(void)state;
	log_summary_init(&s, 1000);
	/* 60 s of two kinds at 1,000 events/s each, flushed every 200 ms
	 * as the daemon's tick does. */
	for (long long t = 0; t < 60000; t++) {
		shown += log_summary_note(&s, REFUSED, LOG_WARNING, "r", t);
		shown += log_summary_note(&s, MALFORMED, LOG_WARNING, "m", t);
		if (t % 200 == 0)
			log_summary_due(&s, t, false, collect, &e);
	}
	assert_int_equal(shown, 2);
	/* One summary per kind per second, whatever the rate. */
	assert_in_range(e.n, 2 * 58, 2 * 60);
}

static void test_quiet_interval_makes_the_next_one_news(void **state)
{
	struct log_summary s;
	struct emitted e = {0};

	(void)state;
	log_summary_init(&s, 1000);
	assert_true(log_summary_note(&s, REFUSED, LOG_WARNING, "a", 0));
	log_summary_due(&s, 1000, false, collect, &e);
	assert_int_equal(e.n, 0); /* no repeats: nothing to summarise */
	assert_true(log_summary_note(&s, REFUSED, LOG_WARNING, "b", 1500));
	assert_false(log_summary_note(&s, REFUSED, LOG_WARNING, "c", 1600));
	log_summary_due(&s, 2500, false, collect, &e);
	assert_int_equal(e.n, 1);
	assert_int_equal(e.repeats[0], 1);
	/* Nothing in the next interval: the kind is forgotten. */
	log_summary_due(&s, 3500, false, collect, &e);
	assert_true(log_summary_note(&s, REFUSED, LOG_WARNING, "d", 3600));
	assert_int_equal(e.n, 1);
}

static void test_flush_all_at_exit(void **state)
{
	struct log_summary s;
	struct emitted e = {0};

	(void)state;
	log_summary_init(&s, 10000);
	log_summary_note(&s, REFUSED, LOG_WARNING, "x", 0);
	log_summary_note(&s, REFUSED, LOG_WARNING, "y", 10);
	log_summary_due(&s, 20, true, collect, &e);
	assert_int_equal(e.n, 1);
	assert_int_equal(e.repeats[0], 1);
	assert_int_equal(e.window[0], 20);
}

static void test_more_kinds_than_slots_share_one(void **state)
{
	static char keys[LOG_SUMMARY_SLOTS + 10];
	struct log_summary s;
	struct emitted e = {0};
	int shown = 0;

	(void)state;
	log_summary_init(&s, 1000);
	for (int round = 0; round < 100; round++)
		for (size_t k = 0; k < sizeof keys; k++)
			shown += log_summary_note(&s, &keys[k], LOG_WARNING, "k", round);
	/* Every slot's first is shown, the overflow's first too; then only
	 * summaries, at most one per slot. */
	assert_int_equal(shown, LOG_SUMMARY_SLOTS);
	log_summary_due(&s, 1000, false, collect, &e);
	assert_int_equal(e.n, LOG_SUMMARY_SLOTS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_is_shown_then_counted),
		cmocka_unit_test(test_one_line_per_kind_per_interval),
		cmocka_unit_test(test_quiet_interval_makes_the_next_one_news),
		cmocka_unit_test(test_flush_all_at_exit),
		cmocka_unit_test(test_more_kinds_than_slots_share_one),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
