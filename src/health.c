#include "health.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "log.h"

struct health {
	pthread_mutex_t lock;
	struct health_view view;
	struct verdict last;
	struct liveness live_last;
	bool logged_once;
	/* health_notify_down(): mysqld said it is going down */
	bool notified_down;
	struct timespec notified_at;
	char notified_status[32];
};

/* ER_SERVER_SHUTDOWN: what mysqld itself answers while shutting down. */
#define NOTIFIED_DOWN_CODE 1053

static void mark_going_down(struct health *h, struct snapshot *s)
{
	char why[SNAPSHOT_ERROR_MAX];

	snprintf(why, sizeof why, "mysqld is shutting down (notified: %s)", h->notified_status);
	snapshot_set_unreachable(s, NOTIFIED_DOWN_CODE, why);
}

/* An answer to a query sent before the notification says nothing about
 * mysqld after it. */
static bool started_after_notice(const struct health *h, const struct snapshot *s)
{
	return clock_seconds_between(&h->notified_at, &s->taken) > s->poll_seconds;
}

struct health *health_new(const struct verdict_policy *policy)
{
	struct health *h = calloc(1, sizeof *h);

	if (!h)
		return NULL;
	pthread_mutex_init(&h->lock, NULL);
	snapshot_init(&h->view.snap);
	h->view.policy = *policy;
	h->view.admin = ADMIN_READY;
	h->live_last = (struct liveness){.code = 200, .sign = LIVE_SIGN_ANSWER};
	clock_mono(&h->view.started);
	return h;
}

void health_free(struct health *h)
{
	if (!h)
		return;
	pthread_mutex_destroy(&h->lock);
	free(h);
}

static const char *word(int code)
{
	switch (code) {
	case 200:
		return "ready";
	case 404:
		return "draining";
	default:
		return "not ready";
	}
}

/* /live's transitions: its code, and what mysqld last did (answered,
 * refused the agent, fell silent), never the ticking milliseconds. */
static void log_live_locked(struct health *h, const struct timespec *now)
{
	struct liveness l = liveness_decide(&h->view.snap, &h->view.snap.datadir, &h->view.memory,
					    &h->view.live_policy, h->view.policy.stale_after_ms, now);

	if (l.code != h->live_last.code || l.sign != h->live_last.sign)
		log_notice("live: %s (%d): %s [was %s, mysqld %s]", l.code == 200 ? "alive" : "not alive",
			   l.code, l.reason, h->live_last.code == 200 ? "alive" : "not alive",
			   liveness_sign_name(h->live_last.sign));
	h->live_last = l;
}

/* The transition log: one line per change of verdict, never per request.
 * Called with the lock held so two threads cannot log the same change. */
static struct verdict evaluate_locked(struct health *h, const struct timespec *now)
{
	struct verdict v = verdict_decide(&h->view.snap, h->view.admin, &h->view.policy, now);

	if (!h->logged_once) {
		log_notice("%s (%d): %s", word(v.code), v.code, v.reason);
		h->logged_once = true;
	} else if (!verdict_equal(&v, &h->last)) {
		log_notice("%s (%d): %s [was %s (%d): %s]", word(v.code), v.code, v.reason,
			   word(h->last.code), h->last.code, h->last.reason);
	}
	h->last = v;
	log_live_locked(h, now);
	return v;
}

void health_publish(struct health *h, const struct snapshot *snap)
{
	struct timespec now;

	clock_mono(&now);
	pthread_mutex_lock(&h->lock);
	h->view.snap = *snap;
	liveness_remember(&h->view.memory, snap);
	if (snap->outcome != SNAP_NONE) {
		h->view.counters.polls++;
		h->view.counters.poll_errors += snap->outcome != SNAP_OK;
		h->view.counters.poll_seconds += snap->poll_seconds;
	}
	if (h->notified_down && snap->outcome == SNAP_OK) {
		if (started_after_notice(h, snap)) {
			h->notified_down = false;
			log_info("mysqld answers again after the %s notification", h->notified_status);
		} else {
			mark_going_down(h, &h->view.snap);
		}
	}
	/* Until mysqld first answers there is nothing worth announcing: the
	 * start-up line would always read "no answer yet". */
	if (snap->outcome != SNAP_NONE)
		evaluate_locked(h, &now);
	pthread_mutex_unlock(&h->lock);
}

void health_set_policy(struct health *h, const struct verdict_policy *p)
{
	struct timespec now;

	clock_mono(&now);
	pthread_mutex_lock(&h->lock);
	h->view.policy = *p;
	if (h->logged_once)
		evaluate_locked(h, &now);
	pthread_mutex_unlock(&h->lock);
}

void health_set_live_policy(struct health *h, const struct liveness_policy *p, const char *datadir)
{
	pthread_mutex_lock(&h->lock);
	h->view.live_policy = *p;
	snprintf(h->view.datadir, sizeof h->view.datadir, "%s", datadir ? datadir : "");
	pthread_mutex_unlock(&h->lock);
}

void health_set_admin(struct health *h, enum admin_state a, const char *why)
{
	struct timespec now;

	clock_mono(&now);
	pthread_mutex_lock(&h->lock);
	if (h->view.admin != a)
		log_notice("administrative state %s -> %s%s%s", admin_state_name(h->view.admin),
			   admin_state_name(a), why ? ": " : "", why ? why : "");
	h->view.admin = a;
	snprintf(h->view.admin_why, sizeof h->view.admin_why, "%s", why ? why : "");
	if (h->logged_once)
		evaluate_locked(h, &now);
	pthread_mutex_unlock(&h->lock);
}

void health_notify_down(struct health *h, const char *status)
{
	struct timespec now;

	clock_mono(&now);
	pthread_mutex_lock(&h->lock);
	h->notified_down = true;
	h->notified_at = now;
	snprintf(h->notified_status, sizeof h->notified_status, "%s", status);
	/* A failure already published says more (the client error) than
	 * the notification does; an answer from before it is replaced. */
	if (h->view.snap.outcome == SNAP_OK) {
		mark_going_down(h, &h->view.snap);
		h->view.snap.taken = now;
	}
	evaluate_locked(h, &now);
	pthread_mutex_unlock(&h->lock);
}

void health_set_cluster(struct health *h, const struct cluster_view *cv)
{
	pthread_mutex_lock(&h->lock);
	h->view.cluster = *cv;
	pthread_mutex_unlock(&h->lock);
}

void health_view(struct health *h, struct health_view *out)
{
	pthread_mutex_lock(&h->lock);
	*out = h->view;
	pthread_mutex_unlock(&h->lock);
}

struct verdict health_tick(struct health *h, const struct timespec *now)
{
	struct verdict v;

	pthread_mutex_lock(&h->lock);
	if (h->logged_once)
		v = evaluate_locked(h, now);
	else
		v = verdict_decide(&h->view.snap, h->view.admin, &h->view.policy, now);
	pthread_mutex_unlock(&h->lock);
	return v;
}
