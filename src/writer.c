#include "writer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void writer_state_init(struct writer_state *st, long long now_ms)
{
	/* A restarted agent may have been the writer a moment ago: its
	 * "not writer for" counts from its start, never from nothing. */
	st->writer = false;
	st->changed_ms = now_ms;
	st->eligible_since_ms = -1;
}

bool writer_eligible(const struct snapshot *s, const struct verdict *v, char *why, size_t why_len)
{
	const struct fact *state = snapshot_fact(s, FACT_LOCAL_STATE);
	const struct fact *ro = snapshot_fact(s, FACT_READ_ONLY);

	if (v->code != 200) {
		snprintf(why, why_len, "not ready: %s", v->reason);
		return false;
	}
	/* The verdict may call a donor ready (policy.donor); a writer never is. */
	if (!state->valid || state->num != 4) {
		snprintf(why, why_len, "not Synced (%s)",
			 snapshot_fact(s, FACT_LOCAL_STATE_COMMENT)->valid
				 ? snapshot_fact(s, FACT_LOCAL_STATE_COMMENT)->text : "state unknown");
		return false;
	}
	if (!ro->valid) {
		snprintf(why, why_len, "read_only unknown");
		return false;
	}
	if (ro->num) {
		snprintf(why, why_len, "read_only=ON");
		return false;
	}
	why[0] = '\0';
	return true;
}

static int rank_cmp(const struct cluster_peer_cfg *a, const struct cluster_peer_cfg *b)
{
	if (a->priority != b->priority)
		return a->priority < b->priority ? -1 : 1;
	return strcmp(a->name, b->name);
}

void writer_order(const struct cluster_cfg *cfg, unsigned order[CLUSTER_PEERS_MAX])
{
	/* Insertion sort: at most CLUSTER_PEERS_MAX entries. */
	for (unsigned i = 0; i < cfg->npeers; i++) {
		unsigned j = i;

		while (j > 0 && rank_cmp(&cfg->peers[i], &cfg->peers[order[j - 1]]) < 0) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = i;
	}
}

bool writer_fresh(const struct writer_peer *p, unsigned window_ms)
{
	return p->seen && p->age_ms >= 0 && p->age_ms <= (long long)window_ms;
}

const char *writer_membership_name(enum writer_membership m)
{
	switch (m) {
	case WM_SELF:
		return "self";
	case WM_IN:
		return "in our Primary Component";
	case WM_OUT:
		return "not in our Primary Component";
	case WM_UNKNOWN:
		return "membership unknown";
	}
	return "?";
}

/* Membership of our Primary Component: a peer is in it when it reports the
 * same cluster uuid and view number as ours; when those peers and this node
 * make up all of Galera's wsrep_cluster_size, the others are out of it.
 * Anything less certain leaves them "unknown", never "out". Returns false
 * when the reports claim more members than Galera has. */
static bool membership(const struct writer_input *in, struct writer_result *r)
{
	const struct cluster_cfg *c = in->cfg;
	long long identified = 1;

	for (unsigned i = 0; i < c->npeers; i++) {
		const struct writer_peer *p = &in->peers[i];

		if (i == in->self) {
			r->member[i] = WM_SELF;
			continue;
		}
		r->member[i] = WM_UNKNOWN;
		if (!in->primary || in->conf_id < 0 || !in->state_uuid || !in->state_uuid[0])
			continue;
		if (writer_fresh(p, in->window_ms) && p->report.primary && p->report.conf_id == in->conf_id &&
		    strcmp(p->report.state_uuid, in->state_uuid) == 0) {
			r->member[i] = WM_IN;
			identified++;
		}
	}
	if (!in->primary || in->conf_id < 0 || in->size < 1)
		return true;
	if (identified > in->size) {
		for (unsigned i = 0; i < c->npeers; i++)
			if (r->member[i] == WM_IN)
				r->member[i] = WM_UNKNOWN;
		return false;
	}
	if (identified == in->size)
		for (unsigned i = 0; i < c->npeers; i++)
			if (r->member[i] == WM_UNKNOWN)
				r->member[i] = WM_OUT;
	return true;
}

/* A peer's ranking counts once it has been eligible for failback_delay_ms,
 * as it will see it itself; anticipated by margin_ms so that a lower-ranked
 * writer yields before the returning node starts counting. */
static bool peer_counts(const struct writer_input *in, const struct writer_peer *p)
{
	return p->report.eligible &&
	       p->report.eligible_for_ms + p->age_ms + in->margin_ms >= (long long)in->cfg->failback_delay_ms;
}

static void cannot_see(char *out, size_t len, const char *prefix, const char *name,
		       const struct writer_peer *p)
{
	if (!p->seen)
		snprintf(out, len, "%s: cannot see %s (%s)", prefix, name, p->error[0] ? p->error : "no answer yet");
	else
		snprintf(out, len, "%s: cannot see %s (last answer %lld ms ago%s%s)", prefix, name, p->age_ms,
			 p->error[0] ? ": " : "", p->error);
}

static struct writer_result not_writer(struct writer_result r, struct writer_state *st, long long now)
{
	r.code = 503;
	if (st->writer) {
		st->writer = false;
		st->changed_ms = now;
	}
	return r;
}

/* Agreement: every higher-ranked member is positively not eligible.
 * Whether one is not (or cannot be seen), with the reason in r. */
static bool outranked(const struct writer_input *in, struct writer_result *r)
{
	const struct cluster_cfg *c = in->cfg;

	for (unsigned k = 0; k < c->npeers && r->order[k] != in->self; k++) {
		unsigned i = r->order[k];
		const struct writer_peer *p = &in->peers[i];
		const char *name = c->peers[i].name;
		bool fresh = writer_fresh(p, in->window_ms);

		if (fresh && !peer_counts(in, p))
			continue;
		if (fresh && r->member[i] == WM_OUT) {
			snprintf(r->reason, sizeof r->reason,
				 "not writer: %s reports eligible but is not in our Primary Component", name);
			return true;
		}
		if (fresh) {
			r->writer = (int)i;
			snprintf(r->reason, sizeof r->reason, "not writer: %s is the writer", name);
			return true;
		}
		if (r->member[i] == WM_OUT)
			continue;
		cannot_see(r->reason, sizeof r->reason, "not writer", name, p);
		return true;
	}
	return false;
}

/* A safety net: nobody else may claim the role at the same time. */
static bool claimed_by_another(const struct writer_input *in, const struct writer_state *st,
			       struct writer_result *r)
{
	const struct cluster_cfg *c = in->cfg;

	for (unsigned i = 0; i < c->npeers; i++) {
		const struct writer_peer *p = &in->peers[i];

		if (i != in->self && writer_fresh(p, in->window_ms) && p->report.writer) {
			snprintf(r->reason, sizeof r->reason, "not writer%s: %s still is the writer",
				 st->writer ? "" : " yet", c->peers[i].name);
			return true;
		}
	}
	return false;
}

/* How long peer i still needs before we may take over, 0 when none; the
 * reason in r when it needs some. */
static long long handover_left(const struct writer_input *in, struct writer_result *r, unsigned i,
			       long long counting_for)
{
	const struct cluster_cfg *c = in->cfg;
	const struct writer_peer *p = &in->peers[i];
	const char *name = c->peers[i].name;
	char head[64];
	long long left;

	/* Out of our component or not, a node seen answering is waited for:
	 * the balancers route by its answers, not by Galera's view (a node
	 * leaving on shutdown is out of the view before its balancers have
	 * taken it out). */
	if (writer_fresh(p, in->window_ms)) {
		left = (long long)c->handover_ms - p->report.writer_for_ms;
		if (left > 0)
			snprintf(r->reason, sizeof r->reason,
				 "not writer yet: handover from %s (%lld ms left)", name, left);
		return left > 0 ? left : 0;
	}
	if (r->member[i] == WM_OUT)
		/* Out of the view and not seen for a window plus the handover
		 * (or never): whatever it answered last is out of every
		 * balancer by now. */
		left = p->seen ? (long long)in->window_ms + c->handover_ms - p->age_ms : 0;
	else
		/* Unseen: it may have been the writer until we counted, and
		 * drops within one window of seeing us (or of not seeing us);
		 * then the balancers need handover_ms. */
		left = (long long)in->window_ms + c->handover_ms - counting_for;
	if (left <= 0)
		return 0;
	snprintf(head, sizeof head, "not writer yet (%lld ms left)", left);
	cannot_see(r->reason, sizeof r->reason, head, name, p);
	return left;
}

/* Break before make: every other node has been not-writer for
 * handover_ms, so every load balancer has taken it out by now. */
static bool handover_pending(const struct writer_input *in, struct writer_result *r,
			     long long counting_for)
{
	for (unsigned i = 0; i < in->cfg->npeers; i++)
		if (i != in->self && handover_left(in, r, i, counting_for) > 0)
			return true;
	return false;
}

struct writer_result writer_decide(const struct writer_input *in, struct writer_state *st)
{
	const struct cluster_cfg *c = in->cfg;
	const struct cluster_peer_cfg *me = &c->peers[in->self];
	struct writer_result r;
	long long now = in->now_ms, counting_for;
	bool members_ok;

	memset(&r, 0, sizeof r);
	r.writer = -1;
	writer_order(c, r.order);
	members_ok = membership(in, &r);

	/* Whom we take for the writer, for /cluster: whoever says so. */
	for (unsigned i = 0; i < c->npeers; i++)
		if (i != in->self && writer_fresh(&in->peers[i], in->window_ms) && in->peers[i].report.writer &&
		    r.member[i] != WM_OUT)
			r.writer = (int)i;

	if (!in->eligible) {
		st->eligible_since_ms = -1;
		snprintf(r.reason, sizeof r.reason, "not writer: %s", in->why && in->why[0] ? in->why : "not eligible");
		return not_writer(r, st, now);
	}
	if (st->eligible_since_ms < 0)
		st->eligible_since_ms = now;
	counting_for = now - st->eligible_since_ms - (long long)c->failback_delay_ms;
	if (counting_for < 0) {
		snprintf(r.reason, sizeof r.reason, "not writer: eligible for %lld ms, ranks after failback_delay_ms (%u)",
			 now - st->eligible_since_ms, c->failback_delay_ms);
		return not_writer(r, st, now);
	}
	if (!members_ok) {
		snprintf(r.reason, sizeof r.reason,
			 "not writer: peers' reports do not match Galera's membership (wsrep_cluster_size %lld)", in->size);
		return not_writer(r, st, now);
	}
	if (outranked(in, &r) || claimed_by_another(in, st, &r))
		return not_writer(r, st, now);
	if (!st->writer) {
		if (handover_pending(in, &r, counting_for))
			return not_writer(r, st, now);
		st->writer = true;
		st->changed_ms = now;
	}
	r.code = 200;
	r.writer = (int)in->self;
	snprintf(r.reason, sizeof r.reason, "writer: %s (priority %u)", me->name, me->priority);
	return r;
}

void writer_self_report(const struct writer_input *in, const struct writer_state *st,
			struct cluster_self *out)
{
	snprintf(out->name, sizeof out->name, "%s", in->cfg->peers[in->self].name);
	out->eligible = in->eligible;
	snprintf(out->why, sizeof out->why, "%s", in->eligible || !in->why ? "" : in->why);
	out->eligible_for_ms = st->eligible_since_ms < 0 ? -1 : in->now_ms - st->eligible_since_ms;
	out->writer = st->writer;
	out->writer_for_ms = in->now_ms - st->changed_ms;
	out->primary = in->primary;
	snprintf(out->state_uuid, sizeof out->state_uuid, "%s", in->state_uuid ? in->state_uuid : "");
	out->conf_id = in->conf_id;
	out->size = in->size;
}
