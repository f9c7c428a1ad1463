/* The summariser of repeated events: the log grows with the number of
 * kinds and intervals, never with the number of events (the clock is
 * passed in). Then the writers: one whole line per message to a file or
 * to stderr (here a pipe), the level filter, err(3)-style errno text, and
 * the process-wide summariser as the daemon uses it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

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

/* ---- the writers */

static char dir[64];
static char file[96];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/cck_log.XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(file, sizeof file, "%s/agent.log", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	log_init(LOG_TO_STDERR, NULL);
	unlink(file);
	return rmdir(dir);
}

/* Everything written to the log file since the last call. */
static const char *file_news(void)
{
	static char buf[4096];
	static off_t seen;
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	buf[0] = '\0';
	if (fd < 0)
		return buf;
	n = pread(fd, buf, sizeof buf - 1, seen);
	close(fd);
	if (n > 0) {
		buf[n] = '\0';
		seen += n;
	}
	return buf;
}

static void assert_matches(const char *text, const char *re)
{
	regex_t r;

	assert_int_equal(regcomp(&r, re, REG_EXTENDED | REG_NOSUB), 0);
	if (regexec(&r, text, 0, NULL, 0) != 0) {
		regfree(&r);
		fail_msg("'%s' does not match /%s/", text, re);
	}
	regfree(&r);
}

#define STAMP "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3} cck-test: "

static void test_file_gets_one_stamped_line_per_message(void **state)
{
	(void)state;
	assert_int_equal(log_open_file(file, "cck-test"), 0);
	assert_int_equal(log_target_current(), LOG_TO_FILE);
	log_info("ready (%d): %s", 200, "Synced");
	assert_matches(file_news(), STAMP "ready \\(200\\): Synced\n$");
	log_notice("a");
	log_warnx("b");
	assert_matches(file_news(), STAMP "a\n[0-9-]+T[0-9:.]+ cck-test: b\n$");
}

static void test_level_filter(void **state)
{
	(void)state;
	assert_int_equal(log_open_file(file, "cck-test"), 0);
	log_debug("not at the default level");
	assert_string_equal(file_news(), "");
	log_set_level(LOG_DEBUG);
	log_debug("now shown");
	assert_matches(file_news(), STAMP "now shown\n$");
	log_set_level(LOG_NOTICE);
	log_info("below notice");
	log_notice("notice");
	assert_matches(file_news(), STAMP "notice\n$");
	log_set_level(LOG_INFO);
}

/* log_warn appends errno's text and leaves errno as it found it. */
static void test_warn_names_errno_and_keeps_it(void **state)
{
	(void)state;
	assert_int_equal(log_open_file(file, "cck-test"), 0);
	errno = ENOENT;
	log_warn("open %s", "/etc/clustercheckd.conf");
	assert_int_equal(errno, ENOENT);
	assert_matches(file_news(), STAMP "open /etc/clustercheckd.conf: No such file or directory\n$");
	errno = EACCES;
	log_info("x");
	assert_int_equal(errno, EACCES);
	file_news();
}

/* A message longer than a line is cut, and still ends the line. */
static void test_long_message_is_one_cut_line(void **state)
{
	char big[3000];
	const char *got;

	(void)state;
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(log_open_file(file, "cck-test"), 0);
	log_info("%s", big);
	log_info("next");
	got = file_news();
	assert_int_equal(strcspn(got, "\n"), 1022); /* 1023 bytes with the newline */
	assert_matches(got, STAMP "x+\n[0-9-]+T[0-9:.]+ cck-test: next\n$");
}

/* A file that cannot be opened: -1, errno, and the log stays where it was. */
static void test_unopenable_file_keeps_the_target(void **state)
{
	char missing[128];

	(void)state;
	log_init(LOG_TO_STDERR, "cck-test");
	snprintf(missing, sizeof missing, "%s/no/such/dir.log", dir);
	errno = 0;
	assert_int_equal(log_open_file(missing, "other"), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(log_target_current(), LOG_TO_STDERR);
}

/* stderr, here a pipe; and nothing at all for LOG_TO_NOWHERE (inetd mode,
 * where fd 2 is the client's socket). */
static void test_stderr_and_nowhere(void **state)
{
	int p[2], saved = dup(2);
	char buf[512] = "";
	ssize_t n;

	(void)state;
	assert_int_equal(pipe2(p, O_CLOEXEC | O_NONBLOCK), 0);
	assert_int_equal(dup2(p[1], 2), 2);
	log_init(LOG_TO_STDERR, "cck-test");
	log_info("to stderr");
	fflush(stderr);
	log_init(LOG_TO_NOWHERE, "cck-test");
	log_warnx("to nowhere");
	errno = EIO;
	log_warn("nowhere either");
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(p[1]);
	n = read(p[0], buf, sizeof buf - 1);
	close(p[0]);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_matches(buf, STAMP "to stderr\n$");
	log_init(LOG_TO_STDERR, "cck-test");
}

/* The daemon's summariser: the first of a kind at once, saying repeats
 * are summarised; the repeats only as one summary line. */
static void test_rate_limited_kind(void **state)
{
	static const char kind[] = "connection from %s refused";

	(void)state;
	assert_int_equal(log_open_file(file, "cck-test"), 0);
	log_rate(kind, LOG_WARNING, kind, "127.0.0.2");
	assert_matches(file_news(), STAMP "connection from 127\\.0\\.0\\.2 refused \\(repeats are counted "
		       "and summarised every 10 s\\)\n$");
	for (int i = 3; i < 10; i++)
		log_rate(kind, LOG_WARNING, kind, i == 9 ? "127.0.0.9" : "127.0.0.3");
	assert_string_equal(file_news(), "");
	log_rate_flush(true);
	assert_matches(file_news(), STAMP "repeated 7 more times in [0-9]+\\.[0-9] s, latest: "
		       "connection from 127\\.0\\.0\\.9 refused\n$");
	/* below the level: not even counted */
	log_rate(kind, LOG_DEBUG, kind, "127.0.0.4");
	log_rate_flush(true);
	assert_string_equal(file_news(), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_is_shown_then_counted),
		cmocka_unit_test(test_one_line_per_kind_per_interval),
		cmocka_unit_test(test_quiet_interval_makes_the_next_one_news),
		cmocka_unit_test(test_flush_all_at_exit),
		cmocka_unit_test(test_more_kinds_than_slots_share_one),
		cmocka_unit_test(test_file_gets_one_stamped_line_per_message),
		cmocka_unit_test(test_level_filter),
		cmocka_unit_test(test_warn_names_errno_and_keeps_it),
		cmocka_unit_test(test_long_message_is_one_cut_line),
		cmocka_unit_test(test_unopenable_file_keeps_the_target),
		cmocka_unit_test(test_stderr_and_nowhere),
		cmocka_unit_test(test_rate_limited_kind),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
