#include "liveness.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"

enum transfer {
	TRANSFER_NONE,
	TRANSFER_UNDER_WAY,
	TRANSFER_UNKNOWN, /* the datadir cannot be searched for the marker */
};

/* What every check is given: the inputs, and what they say about a
 * transfer (worked out once, before the checks run). */
struct live_args {
	const struct snapshot *s;
	const struct liveness_memory *m;
	const struct liveness_policy *p;
	const struct timespec *now;
	bool fresh;
	enum transfer transfer;
	const char *transfer_why;
};

/* Fills c, ok or not. */
typedef void live_fn(struct liveness_check *c, const struct live_args *a);

static live_fn check_transfer, check_mysqld;

/* In the order ?verbose and /status list them. */
static const struct live_row {
	const char *name;
	live_fn *fn;
} live_checks[LIVE_CHECK_COUNT] = {
	[LIVE_CHECK_TRANSFER] = {"state_transfer", check_transfer},
	[LIVE_CHECK_MYSQLD] = {"mysqld", check_mysqld},
};

static const char *const sign_names[] = {
	[LIVE_SIGN_ANSWER] = "answered",
	[LIVE_SIGN_REFUSAL] = "refused the agent",
	[LIVE_SIGN_SILENCE] = "silent",
};

const char *liveness_check_name(enum liveness_check_id id)
{
	return (unsigned)id < LIVE_CHECK_COUNT ? live_checks[id].name : "none";
}

const char *liveness_sign_name(enum liveness_sign sign)
{
	return (unsigned)sign < sizeof sign_names / sizeof *sign_names ? sign_names[sign] : "?";
}

static enum transfer transfer_under_way(const struct snapshot *s, const struct datadir_facts *d,
					bool fresh, char *why);

/* mysqld is running when it answered, or replied with an error. */
static bool sign_of_life(const struct snapshot *s)
{
	return s->outcome == SNAP_OK || snapshot_refused(s);
}

void liveness_remember(struct liveness_memory *m, const struct snapshot *s)
{
	char why[VERDICT_REASON_MAX];

	if (sign_of_life(s))
		m->unreachable_since = s->taken;
	else if (clock_is_zero(&m->unreachable_since))
		/* The first poll ever failed: count from it, not from 0. */
		m->unreachable_since = s->taken;
	if (s->outcome != SNAP_NONE &&
	    transfer_under_way(s, &s->datadir, true, why) == TRANSFER_UNDER_WAY)
		m->transfer_seen = s->taken;
}

static void say(char *reason, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(char *reason, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, VERDICT_REASON_MAX, fmt, ap);
	va_end(ap);
}

/* Whether a state transfer is under way, and which evidence says so: the
 * datadir's marker, or what a fresh answer of mysqld says. What mysqld said
 * before it went silent is not evidence of anything now (a crashed donor
 * would be kept forever); liveness_remember() turns it into a new grace.
 * A marker that cannot be looked for is "unknown", never "none". */
static enum transfer transfer_under_way(const struct snapshot *s, const struct datadir_facts *d,
					bool fresh, char *why)
{
	long long state = -1;

	if (d && d->sst_in_progress) {
		say(why, "receiving a state transfer (%s marker in the datadir)", DATADIR_SST_MARKER);
		return TRANSFER_UNDER_WAY;
	}
	if (s->outcome == SNAP_OK && fresh) {
		const struct fact *f = snapshot_fact(s, FACT_LOCAL_STATE);
		state = f->present && f->valid ? f->num : -1;
	}
	switch (state) {
	case 1:
		say(why, "joining (wsrep_local_state=1)");
		return TRANSFER_UNDER_WAY;
	case 2:
		/* A manual desync is no transfer; a missing wsrep_desync is
		 * taken as a donor: liveness errs on the side of keeping. */
		if (snapshot_fact(s, FACT_DESYNC)->num)
			break;
		say(why, "donor (wsrep_local_state=2, wsrep_desync=OFF)");
		return TRANSFER_UNDER_WAY;
	case 3:
		say(why, "joined, catching up (wsrep_local_state=3)");
		return TRANSFER_UNDER_WAY;
	default:
		break;
	}
	if (d && d->checked && (d->dir_errno || d->marker_errno)) {
		say(why, "unknown: cannot look for %s in %s (%s)", DATADIR_SST_MARKER, d->path,
		    strerror(d->dir_errno ? d->dir_errno : d->marker_errno));
		return TRANSFER_UNKNOWN;
	}
	if (d && d->checked)
		say(why, "none under way");
	else
		say(why, "none known (no datadir configured)");
	return TRANSFER_NONE;
}

/* ": <client error>" after a reason, when the latest poll failed. */
static const char *colon(const struct snapshot *s)
{
	return s->outcome == SNAP_UNREACHABLE ? ": " : "";
}

static const char *error_of(const struct snapshot *s)
{
	return s->outcome == SNAP_UNREACHABLE ? s->error : "";
}

static bool is_fresh(const struct snapshot *s, unsigned stale_after_ms, const struct timespec *now)
{
	return sign_of_life(s) && snapshot_age_ms(s, now) <= (long long)stale_after_ms;
}

/* Information, never a failure: it can only keep a node alive. */
static void check_transfer(struct liveness_check *c, const struct live_args *a)
{
	c->ok = true;
	say(c->reason, "%s", a->transfer_why);
}

/* mysqld silent, but a transfer ended less than down_ms ago: the grace
 * runs again from it (see liveness_memory). */
static void silent_after_transfer(struct liveness_check *c, const struct live_args *a,
				  long long down_ms)
{
	long long after_ms = clock_ms_between(&a->m->transfer_seen, a->now);

	if (after_ms < 0)
		after_ms = 0;
	if (after_ms <= (long long)a->p->grace_ms) {
		say(c->reason, "no answer for %lld ms; a state transfer was seen %lld ms ago, within the %u ms grace",
		    down_ms, after_ms, a->p->grace_ms);
		return;
	}
	c->ok = false;
	say(c->reason, "no answer for %lld ms, and %lld ms since a state transfer was seen, beyond the %u ms grace%s%s",
	    down_ms, after_ms, a->p->grace_ms, colon(a->s), error_of(a->s));
}

static void check_mysqld(struct liveness_check *c, const struct live_args *a)
{
	const struct snapshot *s = a->s;
	unsigned grace = a->p->grace_ms;
	long long down_ms;

	c->ok = true;
	if (a->fresh && s->outcome == SNAP_OK) {
		say(c->reason, "mysqld answered %lld ms ago", snapshot_age_ms(s, a->now));
		return;
	}
	if (a->fresh) {
		say(c->reason, "mysqld answered %lld ms ago, refusing the agent: %s",
		    snapshot_age_ms(s, a->now), s->error);
		return;
	}
	/* A hung mysqld leaves a last good answer that only ages: it counts
	 * as silent since that answer, which is what the memory holds. */
	down_ms = clock_ms_between(&a->m->unreachable_since, a->now);
	if (down_ms < 0)
		down_ms = 0;
	if (a->transfer == TRANSFER_NONE && !clock_is_zero(&a->m->transfer_seen) &&
	    clock_ms_between(&a->m->transfer_seen, a->now) < down_ms) {
		silent_after_transfer(c, a, down_ms);
	} else if (down_ms <= (long long)grace) {
		say(c->reason, "no answer for %lld ms, within the %u ms grace%s%s", down_ms, grace,
		    colon(s), error_of(s));
	} else if (a->transfer == TRANSFER_UNDER_WAY) {
		say(c->reason, "no answer for %lld ms, beyond the %u ms grace, but a state transfer is under way",
		    down_ms, grace);
	} else if (a->transfer == TRANSFER_UNKNOWN) {
		/* See liveness.h: a restart loop during an SST is the worse error. */
		say(c->reason, "no answer for %lld ms, beyond the %u ms grace, but whether a state transfer is under way cannot be known (the datadir cannot be searched): kept alive",
		    down_ms, grace);
	} else {
		c->ok = false;
		say(c->reason, "no answer for %lld ms, beyond the %u ms grace%s%s", down_ms, grace,
		    colon(s), error_of(s));
	}
}

size_t liveness_checks(const struct snapshot *s, const struct datadir_facts *d,
		       const struct liveness_memory *m, const struct liveness_policy *p,
		       unsigned stale_after_ms, const struct timespec *now,
		       struct liveness_check out[LIVE_CHECK_COUNT])
{
	char why[VERDICT_REASON_MAX];
	struct live_args a = {.s = s, .m = m, .p = p, .now = now, .transfer_why = why};

	a.fresh = is_fresh(s, stale_after_ms, now);
	a.transfer = transfer_under_way(s, d, a.fresh, why);
	for (int i = 0; i < LIVE_CHECK_COUNT; i++) {
		out[i].id = (enum liveness_check_id)i;
		live_checks[i].fn(&out[i], &a);
	}
	return LIVE_CHECK_COUNT;
}

struct liveness liveness_decide(const struct snapshot *s, const struct datadir_facts *d,
				const struct liveness_memory *m, const struct liveness_policy *p,
				unsigned stale_after_ms, const struct timespec *now)
{
	struct liveness_check c[LIVE_CHECK_COUNT];
	struct liveness l = {.code = 200};
	char scratch[VERDICT_REASON_MAX];
	bool fresh = is_fresh(s, stale_after_ms, now);

	l.sign = !fresh ? LIVE_SIGN_SILENCE : s->outcome == SNAP_OK ? LIVE_SIGN_ANSWER
								    : LIVE_SIGN_REFUSAL;
	liveness_checks(s, d, m, p, stale_after_ms, now, c);
	if (!c[LIVE_CHECK_MYSQLD].ok) {
		l.code = 503;
		memcpy(l.reason, c[LIVE_CHECK_MYSQLD].reason, sizeof l.reason);
	} else if (transfer_under_way(s, d, fresh, scratch) == TRANSFER_UNDER_WAY) {
		/* The transfer is the news; "mysqld answered" is not. */
		memcpy(l.reason, c[LIVE_CHECK_TRANSFER].reason, sizeof l.reason);
	} else {
		memcpy(l.reason, c[LIVE_CHECK_MYSQLD].reason, sizeof l.reason);
	}
	return l;
}
