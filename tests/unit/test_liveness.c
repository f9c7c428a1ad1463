/* /live: one row per situation, the answer and the words of the reason. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "liveness.h"

/* REFUSES: replies with an error packet since down_ms (its last good
 * answer); REFUSED_THEN_SILENT: refused down_ms ago, nothing since, its
 * last good answer long before. */
enum mysqld { ANSWERS, HUNG, DOWN, NEVER, REFUSES, REFUSED_THEN_SILENT };

struct row {
	const char *what;
	enum mysqld mysqld;
	long long state;      /* what mysqld says (ANSWERS) or last said, -1 none */
	bool desync;
	bool marker;          /* sst_in_progress in the datadir */
	long long down_ms;    /* since the last answer (or the first poll) */
	int code;
	const char *reason;   /* substring of the decision's reason */
	int marker_errno;     /* the marker cannot be looked for: why */
	enum liveness_sign sign;
};

static const unsigned GRACE = 30000, STALE = 3000;

static const struct row rows[] = {
	{"synced", ANSWERS, 4, false, false, 0, 200, "mysqld answered", 0, LIVE_SIGN_ANSWER},
	{"non-Primary is alive: restarting does not help", ANSWERS, 0, false, false, 0, 200, "mysqld answered", 0, LIVE_SIGN_ANSWER},
	{"desynced is alive", ANSWERS, 2, true, false, 0, 200, "mysqld answered", 0, LIVE_SIGN_ANSWER},
	{"joining says so", ANSWERS, 1, false, false, 0, 200, "joining (wsrep_local_state=1)", 0, LIVE_SIGN_ANSWER},
	{"donor says so", ANSWERS, 2, false, false, 0, 200, "donor (wsrep_local_state=2", 0, LIVE_SIGN_ANSWER},
	{"joined says so", ANSWERS, 3, false, false, 0, 200, "joined, catching up", 0, LIVE_SIGN_ANSWER},
	{"marker wins over a synced answer", ANSWERS, 4, false, true, 0, 200, "sst_in_progress marker", 0, LIVE_SIGN_ANSWER},
	{"down within grace", DOWN, 4, false, false, 29000, 200, "within the 30000 ms grace", 0, LIVE_SIGN_SILENCE},
	{"down exactly at grace", DOWN, 4, false, false, 30000, 200, "within the 30000 ms grace", 0, LIVE_SIGN_SILENCE},
	{"down beyond grace", DOWN, 4, false, false, 30001, 503, "beyond the 30000 ms grace: Can't connect", 0, LIVE_SIGN_SILENCE},
	{"down beyond grace, marker", DOWN, 4, false, true, 600000, 200, "sst_in_progress marker", 0, LIVE_SIGN_SILENCE},
	/* What mysqld said before it went silent buys one grace, no more:
	 * a crashed donor must not be kept forever. */
	{"down within grace, last said joining", DOWN, 1, false, false, 20000, 200, "within the", 0, LIVE_SIGN_SILENCE},
	{"down beyond grace, last said joining", DOWN, 1, false, false, 600000, 503, "beyond the", 0, LIVE_SIGN_SILENCE},
	{"down beyond grace, last said donor", DOWN, 2, false, false, 600000, 503, "beyond the", 0, LIVE_SIGN_SILENCE},
	{"down beyond grace, last said joined", DOWN, 3, false, false, 600000, 503, "beyond the", 0, LIVE_SIGN_SILENCE},
	{"down beyond grace, last was desynced", DOWN, 2, true, false, 600000, 503, "beyond the", 0, LIVE_SIGN_SILENCE},
	{"never answered, within grace", NEVER, -1, false, false, 1000, 200, "within the", 0, LIVE_SIGN_SILENCE},
	{"never answered, beyond grace", NEVER, -1, false, false, 40000, 503, "beyond the", 0, LIVE_SIGN_SILENCE},
	{"never answered, receiving SST", NEVER, -1, false, true, 3600000, 200, "sst_in_progress", 0, LIVE_SIGN_SILENCE},
	{"hung within grace", HUNG, 4, false, false, 10000, 200, "within the", 0, LIVE_SIGN_SILENCE},
	{"hung beyond grace", HUNG, 4, false, false, 31000, 503, "beyond the", 0, LIVE_SIGN_SILENCE},
	{"hung donor beyond grace", HUNG, 2, false, false, 31000, 503, "beyond the", 0, LIVE_SIGN_SILENCE},
	/* A reply is a sign of life, whatever it says; only silence counts. */
	{"refuses the agent for 10 minutes", REFUSES, -1, false, false, 600000, 200,
	 "mysqld answered 0 ms ago, refusing the agent: Access denied for user", 0, LIVE_SIGN_REFUSAL},
	{"silent since a refusal, within grace", REFUSED_THEN_SILENT, -1, false, false, 20000, 200,
	 "no answer for 20000 ms, within the 30000 ms grace: Can't connect", 0, LIVE_SIGN_SILENCE},
	{"silent since a refusal, beyond grace", REFUSED_THEN_SILENT, -1, false, false, 30001, 503,
	 "no answer for 30001 ms, beyond the 30000 ms grace: Can't connect", 0, LIVE_SIGN_SILENCE},
	/* A marker that cannot be looked for is unknown, never "none": a
	 * silent mysqld is kept rather than risk a restart loop in an SST. */
	{"answers, marker unknown", ANSWERS, 4, false, false, 0, 200, "mysqld answered", EACCES, LIVE_SIGN_ANSWER},
	{"down within grace, marker unknown", DOWN, 4, false, false, 29000, 200, "within the", EACCES,
	 LIVE_SIGN_SILENCE},
	{"down beyond grace, marker unknown", DOWN, 4, false, false, 600000, 200,
	 "beyond the 30000 ms grace, but whether a state transfer is under way cannot be known", EACCES,
	 LIVE_SIGN_SILENCE},
	{"never answered, marker unknown", NEVER, -1, false, false, 3600000, 200, "cannot be known", EACCES,
	 LIVE_SIGN_SILENCE},
	{"hung beyond grace, marker unknown", HUNG, 4, false, false, 31000, 200, "cannot be known", EACCES,
	 LIVE_SIGN_SILENCE},
	{"datadir gone, beyond grace", DOWN, 4, false, false, 31000, 200, "cannot be known", ENOENT,
	 LIVE_SIGN_SILENCE},
};

static void set(struct snapshot *s, const char *name, const char *value)
{
	snapshot_set(s, name, strlen(name), value, strlen(value));
}

static void build(const struct row *r, struct snapshot *s, struct datadir_facts *d,
		  struct liveness_memory *m, struct timespec *now)
{
	struct snapshot answer;
	char num[32];

	*now = (struct timespec){.tv_sec = 1000000};
	memset(d, 0, sizeof *d);
	d->checked = true;
	d->sst_in_progress = r->marker;
	d->marker_errno = r->marker_errno;
	snprintf(d->path, sizeof d->path, "/var/lib/mysql");
	memset(m, 0, sizeof *m);

	/* The last answer, down_ms ago. */
	snapshot_init(&answer);
	answer.outcome = SNAP_OK;
	answer.taken = (struct timespec){.tv_sec = now->tv_sec - r->down_ms / 1000,
					 .tv_nsec = 0};
	if (r->down_ms % 1000) {
		answer.taken.tv_sec--;
		answer.taken.tv_nsec = (long)(1000 - r->down_ms % 1000) * 1000000;
	}
	snprintf(num, sizeof num, "%lld", r->state);
	if (r->state >= 0)
		set(&answer, "wsrep_local_state", num);
	set(&answer, "wsrep_desync", r->desync ? "ON" : "OFF");

	if (r->mysqld == REFUSED_THEN_SILENT) {
		struct snapshot long_ago = answer;

		long_ago.taken.tv_sec -= 3600;
		liveness_remember(m, &long_ago);
		snapshot_set_unreachable(&answer, 1045, "Access denied for user 'clustercheck'@'localhost' (using password: YES) (1045)");
		answer.failure = SNAP_FAIL_REFUSED;
	}
	switch (r->mysqld) {
	case REFUSES:
		liveness_remember(m, &answer);
		snapshot_init(s);
		snapshot_set_unreachable(s, 1045, "Access denied for user 'clustercheck'@'localhost' (using password: YES) (1045)");
		s->failure = SNAP_FAIL_REFUSED;
		s->taken = *now;
		liveness_remember(m, s);
		break;
	case ANSWERS:
		answer.taken = *now;
		liveness_remember(m, &answer);
		*s = answer;
		break;
	case HUNG:
		liveness_remember(m, &answer);
		*s = answer;
		break;
	case DOWN:
	case REFUSED_THEN_SILENT:
		liveness_remember(m, &answer);
		/* fallthrough */
	case NEVER:
		snapshot_init(s);
		snapshot_set_unreachable(s, 2002, "Can't connect to local server through socket");
		s->taken = answer.taken;
		if (r->mysqld != NEVER)
			s->taken.tv_sec++;
		liveness_remember(m, s);
		break;
	}
}

static void test_table(void **state)
{
	struct liveness_policy p = {.grace_ms = GRACE};

	(void)state;
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		const struct row *r = &rows[i];
		struct snapshot s;
		struct datadir_facts d;
		struct liveness_memory m;
		struct timespec now;
		struct liveness l;

		build(r, &s, &d, &m, &now);
		l = liveness_decide(&s, &d, &m, &p, STALE, &now);
		if (l.code != r->code || !strstr(l.reason, r->reason))
			fail_msg("%s: got %d \"%s\", want %d \"...%s...\"", r->what, l.code, l.reason,
				 r->code, r->reason);
		if (l.sign != r->sign)
			fail_msg("%s: sign %s, want %s", r->what, liveness_sign_name(l.sign),
				 liveness_sign_name(r->sign));
	}
}

static void test_checks_for_verbose(void **state)
{
	struct liveness_policy p = {.grace_ms = GRACE};
	struct liveness_check c[LIVE_CHECK_COUNT];
	struct snapshot s;
	struct datadir_facts d;
	struct liveness_memory m;
	struct timespec now;

	(void)state;
	build(&rows[9], &s, &d, &m, &now); /* down beyond grace */
	assert_int_equal(liveness_checks(&s, &d, &m, &p, STALE, &now, c), LIVE_CHECK_COUNT);
	assert_string_equal(liveness_check_name(c[0].id), "state_transfer");
	assert_true(c[0].ok);
	assert_string_equal(c[0].reason, "none under way");
	assert_string_equal(liveness_check_name(c[1].id), "mysqld");
	assert_false(c[1].ok);

	d.checked = true;
	d.marker_errno = EACCES;
	liveness_checks(&s, &d, &m, &p, STALE, &now, c);
	assert_string_equal(c[0].reason,
			    "unknown: cannot look for sst_in_progress in /var/lib/mysql (Permission denied)");
	assert_true(c[0].ok);
	assert_true(c[1].ok);
	d.marker_errno = 0;
	d.dir_errno = ENOENT;
	liveness_checks(&s, &d, &m, &p, STALE, &now, c);
	assert_string_equal(c[0].reason,
			    "unknown: cannot look for sst_in_progress in /var/lib/mysql (No such file or directory)");
	/* An unreadable datadir is reported, never a reason to kill mysqld. */
	build(&rows[0], &s, &d, &m, &now);
	d.dir_errno = 13;
	assert_int_equal(liveness_decide(&s, &d, &m, &p, STALE, &now).code, 200);
}

static void test_memory_starts_at_first_failure(void **state)
{
	struct liveness_memory m = {0};
	struct snapshot s;

	(void)state;
	snapshot_init(&s);
	snapshot_set_unreachable(&s, 2002, "x");
	s.taken = (struct timespec){.tv_sec = 5};
	liveness_remember(&m, &s);
	s.taken = (struct timespec){.tv_sec = 9};
	liveness_remember(&m, &s);
	assert_int_equal(m.unreachable_since.tv_sec, 5);
	assert_true(m.transfer_seen.tv_sec == 0);
}

/* After the SST script removed its marker, the joiner's mysqld still
 * prepares the datadir before it answers: the grace runs again from the
 * last poll that saw the transfer. */
static void test_grace_runs_again_after_a_transfer(void **state)
{
	struct liveness_policy p = {.grace_ms = GRACE};
	struct liveness_memory m = {0};
	struct datadir_facts d = {.checked = true, .sst_in_progress = true};
	struct timespec now = {.tv_sec = 1000};
	struct snapshot s;
	struct liveness l;

	(void)state;
	snapshot_init(&s);
	snapshot_set_unreachable(&s, 2002, "Can't connect");
	s.taken = (struct timespec){.tv_sec = 100};
	liveness_remember(&m, &s);          /* never answered, since 100 s */
	s.taken = (struct timespec){.tv_sec = 990};
	s.datadir = d;
	liveness_remember(&m, &s);          /* marker seen at 990 s */
	assert_int_equal(m.transfer_seen.tv_sec, 990);

	d.sst_in_progress = false;          /* the script is done */
	s.datadir = d;
	s.taken = now;
	liveness_remember(&m, &s);
	assert_int_equal(m.transfer_seen.tv_sec, 990);
	l = liveness_decide(&s, &d, &m, &p, STALE, &now);
	assert_int_equal(l.code, 200);
	assert_non_null(strstr(l.reason, "a state transfer was seen 10000 ms ago, within the 30000 ms grace"));

	now.tv_sec = 1021;
	l = liveness_decide(&s, &d, &m, &p, STALE, &now);
	assert_int_equal(l.code, 503);
	assert_non_null(strstr(l.reason, "31000 ms since a state transfer was seen, beyond the 30000 ms grace"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_checks_for_verbose),
		cmocka_unit_test(test_memory_starts_at_first_failure),
		cmocka_unit_test(test_grace_runs_again_after_a_transfer),
	};
	return cmocka_run_group_tests_name("liveness", tests, NULL, NULL);
}
