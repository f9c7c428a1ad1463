/* The poll thread against a mysqld that is not there (a socket path that
 * does not exist, with the real client library): every attempt is
 * published with its reason, failures are retried quickly and then less
 * and less often (never less often than the interval), and a kick, a
 * reconfiguration or a stop takes effect at once instead of after the
 * wait. Bounds on waits are lower bounds, or generous upper ones set
 * against the much longer wait they cut short. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "poller.h"

#define MAX_SEEN 64

struct seen {
	pthread_mutex_t lock;
	int n;
	long long at[MAX_SEEN];   /* ms, monotonic */
	uint64_t seq[MAX_SEEN];
	enum snapshot_outcome outcome[MAX_SEEN];
	char error[MAX_SEEN][SNAPSHOT_ERROR_MAX];
};

static long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void publish(void *ctx, const struct snapshot *snap)
{
	struct seen *s = ctx;

	pthread_mutex_lock(&s->lock);
	if (s->n < MAX_SEEN) {
		s->at[s->n] = now_ms();
		s->seq[s->n] = snap->seq;
		s->outcome[s->n] = snap->outcome;
		snprintf(s->error[s->n], sizeof s->error[s->n], "%s", snap->error);
		s->n++;
	}
	pthread_mutex_unlock(&s->lock);
}

static int seen_count(struct seen *s)
{
	int n;

	pthread_mutex_lock(&s->lock);
	n = s->n;
	pthread_mutex_unlock(&s->lock);
	return n;
}

/* Until N snapshots were published, or fail after timeout_ms. */
static void wait_for(struct seen *s, int n, long long timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;

	while (seen_count(s) < n) {
		if (now_ms() >= deadline)
			fail_msg("%d snapshots published after %lld ms, want %d", seen_count(s), timeout_ms, n);
		usleep(5000);
	}
}

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/cck_poller.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return rmdir(dir);
}

static struct probe_cfg cfg_for(const char *sock)
{
	struct probe_cfg c;

	memset(&c, 0, sizeof c);
	snprintf(c.socket, sizeof c.socket, "%s/%s", dir, sock);
	snprintf(c.user, sizeof c.user, "clustercheck");
	snprintf(c.password, sizeof c.password, "not-shown");
	c.connect_timeout_s = 1;
	c.read_timeout_s = 1;
	c.write_timeout_s = 1;
	return c;
}

static struct seen *seen_new(void)
{
	struct seen *s = calloc(1, sizeof *s);

	assert_non_null(s);
	pthread_mutex_init(&s->lock, NULL);
	return s;
}

static void seen_free(struct seen *s)
{
	pthread_mutex_destroy(&s->lock);
	free(s);
}

static long long gap(struct seen *s, int i)
{
	long long g;

	pthread_mutex_lock(&s->lock);
	g = s->at[i] - s->at[i - 1];
	pthread_mutex_unlock(&s->lock);
	return g;
}

/* The interval is a minute; the first retries come after 50, 100, 200 ms. */
static void test_unreachable_published_and_retried_quickly(void **state)
{
	struct probe_cfg c = cfg_for("absent.sock");
	struct seen *s = seen_new();
	struct poller *p;

	(void)state;
	p = poller_start(&c, 60000, publish, s);
	assert_non_null(p);
	wait_for(s, 4, 5000);
	poller_stop(p);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(s->outcome[i], SNAP_UNREACHABLE);
		assert_int_equal(s->seq[i], (uint64_t)i + 1);
		assert_non_null(strstr(s->error[i], "absent.sock"));
		assert_non_null(strstr(s->error[i], "(2002)"));
		assert_null(strstr(s->error[i], "not-shown"));
	}
	/* each wait at least the backoff it was due */
	assert_true(gap(s, 1) >= 45);
	assert_true(gap(s, 2) >= 95);
	assert_true(gap(s, 3) >= 195);
	seen_free(s);
}

/* With a 100 ms interval the backoff stops doubling at 100 ms: snapshots
 * 3..8 take about 0.5 s, where doubling on would take over 6 s. */
static void test_backoff_never_longer_than_the_interval(void **state)
{
	struct probe_cfg c = cfg_for("absent.sock");
	struct seen *s = seen_new();
	struct poller *p;
	long long span;

	(void)state;
	p = poller_start(&c, 100, publish, s);
	assert_non_null(p);
	wait_for(s, 8, 10000);
	poller_stop(p);
	span = s->at[7] - s->at[2];
	if (span >= 3000)
		fail_msg("snapshots 3..8 took %lld ms: the backoff went past the 100 ms interval", span);
	for (int i = 3; i < 8; i++)
		assert_true(gap(s, i) >= 95);
	seen_free(s);
}

/* Once the backoff has grown to seconds, a reconfiguration is applied
 * at once (a new connection, to the new socket), so is a kick, and a stop
 * does not wait for the end of the backoff either. */
static void test_reconfigure_kick_and_stop_cut_the_wait(void **state)
{
	struct probe_cfg c = cfg_for("absent.sock"), c2 = cfg_for("moved.sock");
	struct seen *s = seen_new();
	struct poller *p;
	long long t0, dt;

	(void)state;
	p = poller_start(&c, 60000, publish, s);
	assert_non_null(p);
	/* after the 7th the wait is 3.2 s */
	wait_for(s, 7, 10000);
	t0 = now_ms();
	poller_reconfigure(p, &c2, 60000);
	wait_for(s, 8, 5000);
	dt = s->at[7] - t0;
	if (dt >= 1600)
		fail_msg("the reconfigured poll came %lld ms after poller_reconfigure", dt);
	assert_non_null(strstr(s->error[7], "moved.sock"));

	/* the wait is now 6.4 s */
	t0 = now_ms();
	poller_kick(p);
	wait_for(s, 9, 5000);
	dt = s->at[8] - t0;
	if (dt >= 3200)
		fail_msg("the kicked poll came %lld ms after poller_kick", dt);
	assert_non_null(strstr(s->error[8], "moved.sock"));

	t0 = now_ms();
	poller_stop(p);
	dt = now_ms() - t0;
	if (dt >= 3200)
		fail_msg("poller_stop took %lld ms", dt);
	assert_int_equal(s->n, 9);
	seen_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unreachable_published_and_retried_quickly),
		cmocka_unit_test(test_backoff_never_longer_than_the_interval),
		cmocka_unit_test(test_reconfigure_kick_and_stop_cut_the_wait),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
