#include "admin.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "clock.h"
#include "log.h"
#include "notify.h"

struct admin {
	pthread_mutex_t lock;
	struct health *health;
	struct admin_inputs in;
	char maint_file[4096];
	bool file_error_logged;
	struct poller *poller;
	struct agent_weight_cfg weight;
};

enum admin_state admin_resolve(const struct admin_inputs *in, const char *maint_file,
			       char *why, size_t why_len)
{
	if (in->maint_file) {
		snprintf(why, why_len, "maintenance file %s exists", maint_file);
		return ADMIN_MAINT;
	}
	if (in->ctl == ADMIN_MAINT) {
		snprintf(why, why_len, "%s", in->ctl_why);
		return ADMIN_MAINT;
	}
	/* SIGTERM names itself even when ctl drained first: the log then
	 * says why the agent is about to go away. */
	if (in->stopping) {
		snprintf(why, why_len, "SIGTERM: draining for %u s, then exiting", in->drain_seconds);
		return ADMIN_DRAIN;
	}
	if (in->ctl == ADMIN_DRAIN) {
		snprintf(why, why_len, "%s", in->ctl_why);
		return ADMIN_DRAIN;
	}
	snprintf(why, why_len, "%s", in->ctl_why);
	return ADMIN_READY;
}

struct admin *admin_new(struct health *h, const char *maint_file)
{
	struct admin *a = calloc(1, sizeof *a);

	if (!a)
		return NULL;
	pthread_mutex_init(&a->lock, NULL);
	a->health = h;
	a->in.ctl = ADMIN_READY;
	snprintf(a->maint_file, sizeof a->maint_file, "%s", maint_file ? maint_file : "");
	return a;
}

void admin_free(struct admin *a)
{
	if (!a)
		return;
	pthread_mutex_destroy(&a->lock);
	free(a);
}

/* Called with the lock held: ctl and the main loop both change inputs,
 * and the health must see them in the order they happened. */
static void apply_locked(struct admin *a)
{
	char why[256];
	enum admin_state s = admin_resolve(&a->in, a->maint_file, why, sizeof why);
	struct health_view v;

	health_view(a->health, &v);
	if (v.admin != s || strcmp(v.admin_why, why) != 0)
		health_set_admin(a->health, s, why[0] ? why : NULL);
}

void admin_set_ctl(struct admin *a, enum admin_state s, const char *who)
{
	pthread_mutex_lock(&a->lock);
	a->in.ctl = s;
	snprintf(a->in.ctl_why, sizeof a->in.ctl_why, "%s", who ? who : "");
	apply_locked(a);
	pthread_mutex_unlock(&a->lock);
}

void admin_set_stopping(struct admin *a, unsigned drain_seconds)
{
	pthread_mutex_lock(&a->lock);
	a->in.stopping = true;
	a->in.drain_seconds = drain_seconds;
	apply_locked(a);
	pthread_mutex_unlock(&a->lock);
}

void admin_check_file(struct admin *a)
{
	struct stat st;
	bool exists;

	if (!a->maint_file[0])
		return;
	if (stat(a->maint_file, &st) == 0) {
		exists = true;
	} else if (errno == ENOENT || errno == ENOTDIR) {
		exists = false;
	} else {
		/* Cannot tell: keep the last belief rather than flap. */
		if (!a->file_error_logged)
			log_warn("cannot check maintenance file %s", a->maint_file);
		a->file_error_logged = true;
		return;
	}
	a->file_error_logged = false;
	pthread_mutex_lock(&a->lock);
	if (exists != a->in.maint_file) {
		a->in.maint_file = exists;
		apply_locked(a);
	}
	pthread_mutex_unlock(&a->lock);
}

void admin_inputs(struct admin *a, struct admin_inputs *out)
{
	pthread_mutex_lock(&a->lock);
	*out = a->in;
	pthread_mutex_unlock(&a->lock);
}

void admin_attach(struct admin *a, struct poller *p, const struct agent_weight_cfg *w)
{
	a->poller = p;
	a->weight = *w;
}

static void status_lines(struct admin *a, char *out, size_t len)
{
	struct health_view v;
	struct timespec now;
	struct verdict verdict;
	char agent[256];

	health_view(a->health, &v);
	clock_mono(&now);
	verdict = verdict_decide(&v.snap, v.admin, &v.policy, &now);
	agent_line(&v, &now, &a->weight, agent, sizeof agent);
	agent[strcspn(agent, "\n")] = '\0';
	snprintf(out, len, "http: %d %s\nadmin: %s%s%s\nagent-check: %s\n", verdict.code,
		 verdict.reason, admin_state_name(v.admin), v.admin_why[0] ? " -- " : "",
		 v.admin_why, agent);
}

void admin_ctl_handler(void *ctx, const struct ctl_request *req, const struct ctl_peer *peer,
		       char *reply, size_t len)
{
	struct admin *a = ctx;
	char who[96], lines[CTL_REPLY_MAX - 128];
	enum admin_state want;
	struct health_view v;

	switch (req->cmd) {
	case CTL_NOTIFY:
		/* Logged at info: mysqld sends one per state change, few. */
		log_info("mysqld notified: %s (primary %s)", req->status,
			 req->primary == 1 ? "yes" : req->primary == 0 ? "no" : "?");
		if (notify_status_is_down(req->status))
			health_notify_down(a->health, req->status);
		if (a->poller)
			poller_kick(a->poller);
		snprintf(reply, len, "ok\n");
		return;
	case CTL_STATUS:
		status_lines(a, lines, sizeof lines);
		snprintf(reply, len, "ok\n%s", lines);
		return;
	case CTL_READY:
		want = ADMIN_READY;
		break;
	case CTL_DRAIN:
		want = ADMIN_DRAIN;
		break;
	case CTL_MAINT:
	default:
		want = ADMIN_MAINT;
		break;
	}
	snprintf(who, sizeof who, "ctl %s by uid %u pid %ld", admin_state_name(want),
		 (unsigned)peer->uid, (long)peer->pid);
	admin_set_ctl(a, want, who);
	health_view(a->health, &v);
	status_lines(a, lines, sizeof lines);
	/* Another source may hold a stronger state (the maintenance file,
	 * SIGTERM): say so, and fail, rather than pretend. */
	if (v.admin == want)
		snprintf(reply, len, "ok %s\n%s", admin_state_name(want), lines);
	else
		snprintf(reply, len, "not %s: %s\n%s", admin_state_name(want), v.admin_why, lines);
}
