#include "liveness.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"

#define LIVE_DEFAULT_GRACE_MS 30000

static const char *const names[LIVE_CHECK_COUNT] = {
	[LIVE_CHECK_TRANSFER] = "state_transfer",
	[LIVE_CHECK_MYSQLD] = "mysqld",
};

static const char *const sign_names[] = {
	[LIVE_SIGN_ANSWER] = "answered",
	[LIVE_SIGN_REFUSAL] = "refused the agent",
	[LIVE_SIGN_SILENCE] = "silent",
};

const char *liveness_check_name(enum liveness_check_id id)
{
	return (unsigned)id < LIVE_CHECK_COUNT ? names[id] : "none";
}

const char *liveness_sign_name(enum liveness_sign sign)
{
	return (unsigned)sign < sizeof sign_names / sizeof *sign_names ? sign_names[sign] : "?";
}

void liveness_policy_defaults(struct liveness_policy *p)
{
	p->grace_ms = LIVE_DEFAULT_GRACE_MS;
}

enum transfer {
	TRANSFER_NONE,
	TRANSFER_UNDER_WAY,
	TRANSFER_UNKNOWN, /* the datadir cannot be searched for the marker */
};

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

size_t liveness_checks(const struct snapshot *s, const struct datadir_facts *d,
		       const struct liveness_memory *m, const struct liveness_policy *p,
		       unsigned stale_after_ms, const struct timespec *now,
		       struct liveness_check out[LIVE_CHECK_COUNT])
{
	struct liveness_check *t = &out[LIVE_CHECK_TRANSFER], *c = &out[LIVE_CHECK_MYSQLD];
	enum transfer transfer;
	bool fresh;
	long long down_ms;

	t->id = LIVE_CHECK_TRANSFER;
	c->id = LIVE_CHECK_MYSQLD;
	fresh = is_fresh(s, stale_after_ms, now);
	/* Information, never a failure: it can only keep a node alive. */
	transfer = transfer_under_way(s, d, fresh, t->reason);
	t->ok = true;

	c->ok = true;
	if (fresh && s->outcome == SNAP_OK) {
		say(c->reason, "mysqld answered %lld ms ago", snapshot_age_ms(s, now));
		return LIVE_CHECK_COUNT;
	}
	if (fresh) {
		say(c->reason, "mysqld answered %lld ms ago, refusing the agent: %s",
		    snapshot_age_ms(s, now), s->error);
		return LIVE_CHECK_COUNT;
	}
	/* A hung mysqld leaves a last good answer that only ages: it counts
	 * as silent since that answer, which is what the memory holds. */
	down_ms = clock_ms_between(&m->unreachable_since, now);
	if (down_ms < 0)
		down_ms = 0;
	/* The grace also runs from the last sign of a transfer. */
	if (transfer == TRANSFER_NONE && !clock_is_zero(&m->transfer_seen) &&
	    clock_ms_between(&m->transfer_seen, now) < down_ms) {
		long long after_ms = clock_ms_between(&m->transfer_seen, now);

		if (after_ms < 0)
			after_ms = 0;
		if (after_ms <= (long long)p->grace_ms) {
			say(c->reason, "no answer for %lld ms; a state transfer was seen %lld ms ago, within the %u ms grace",
			    down_ms, after_ms, p->grace_ms);
			return LIVE_CHECK_COUNT;
		}
		c->ok = false;
		say(c->reason, "no answer for %lld ms, and %lld ms since a state transfer was seen, beyond the %u ms grace%s%s",
		    down_ms, after_ms, p->grace_ms, colon(s), error_of(s));
		return LIVE_CHECK_COUNT;
	}
	if (down_ms <= (long long)p->grace_ms) {
		say(c->reason, "no answer for %lld ms, within the %u ms grace%s%s", down_ms, p->grace_ms,
		    colon(s), error_of(s));
	} else if (transfer == TRANSFER_UNDER_WAY) {
		say(c->reason, "no answer for %lld ms, beyond the %u ms grace, but a state transfer is under way",
		    down_ms, p->grace_ms);
	} else if (transfer == TRANSFER_UNKNOWN) {
		/* See liveness.h: a restart loop during an SST is the worse error. */
		say(c->reason, "no answer for %lld ms, beyond the %u ms grace, but whether a state transfer is under way cannot be known (the datadir cannot be searched): kept alive",
		    down_ms, p->grace_ms);
	} else {
		c->ok = false;
		say(c->reason, "no answer for %lld ms, beyond the %u ms grace%s%s", down_ms, p->grace_ms,
		    colon(s), error_of(s));
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
