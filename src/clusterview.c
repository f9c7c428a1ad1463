#include "clusterview.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"

/* /writer answers from a decision at most this old; older means the peers
 * thread is stuck, and a stuck thread must not keep a node the writer. */
#define CLUSTERVIEW_DECISION_MAX_AGE_MS 1000

/* Reasons may quote mysqld's text, which need not be UTF-8: jansson refuses
 * such strings, so anything outside printable ASCII becomes '?'. */
static json_t *str(const char *s)
{
	json_t *j = json_string(s);
	char buf[512];
	size_t i;

	if (j)
		return j;
	for (i = 0; s[i] && i < sizeof buf - 1; i++)
		buf[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	buf[i] = '\0';
	return json_string(buf);
}

static long long since(const struct health_view *v, const struct timespec *now)
{
	long long d = clock_ms(now) - v->cluster.evaluated_ms;

	return d < 0 ? 0 : d;
}

static long long plus(long long ms, long long add)
{
	return ms < 0 ? ms : ms + add;
}

static json_t *self_json(const struct cluster_self *s, long long add)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	json_object_set_new(o, "name", str(s->name));
	json_object_set_new(o, "ready_code", json_integer(s->ready_code));
	json_object_set_new(o, "ready_reason", str(s->ready_reason));
	json_object_set_new(o, "eligible", json_boolean(s->eligible));
	json_object_set_new(o, "why", str(s->why));
	json_object_set_new(o, "eligible_for_ms", json_integer(plus(s->eligible_for_ms, add)));
	json_object_set_new(o, "writer", json_boolean(s->writer));
	json_object_set_new(o, "writer_for_ms", json_integer(plus(s->writer_for_ms, add)));
	json_object_set_new(o, "primary", json_boolean(s->primary));
	json_object_set_new(o, "cluster_state_uuid", str(s->state_uuid));
	json_object_set_new(o, "conf_id", json_integer(s->conf_id));
	json_object_set_new(o, "cluster_size", json_integer(s->size));
	json_object_set_new(o, "seqno", json_integer(s->seqno));
	json_object_set_new(o, "state", str(s->state));
	return o;
}

static bool get_int(json_t *o, const char *k, long long *out)
{
	json_t *j = json_object_get(o, k);

	if (!json_is_integer(j))
		return false;
	*out = json_integer_value(j);
	return true;
}

static bool get_bool(json_t *o, const char *k, bool *out)
{
	json_t *j = json_object_get(o, k);

	if (!json_is_boolean(j))
		return false;
	*out = json_is_true(j);
	return true;
}

static bool get_str(json_t *o, const char *k, char *out, size_t len)
{
	json_t *j = json_object_get(o, k);

	if (!json_is_string(j))
		return false;
	snprintf(out, len, "%s", json_string_value(j));
	return true;
}

int clusterview_parse_self(const char *body, size_t len, struct cluster_self *out,
			   char *why, size_t why_len)
{
	json_error_t err;
	json_t *root = json_loadb(body, len, 0, &err), *s;
	long long code = 0;
	bool ok;

	memset(out, 0, sizeof *out);
	if (!root) {
		snprintf(why, why_len, "/status is not JSON: %s", err.text);
		return -1;
	}
	s = json_object_get(json_object_get(root, "cluster"), "self");
	if (!json_is_object(s)) {
		snprintf(why, why_len, "/status has no cluster.self: is cluster.peers configured there?");
		json_decref(root);
		return -1;
	}
	/* Every field the rule needs must be there and of its type: a
	 * report we cannot read proves nothing. */
	ok = get_str(s, "name", out->name, sizeof out->name) &&
	     get_int(s, "ready_code", &code) &&
	     get_bool(s, "eligible", &out->eligible) &&
	     get_int(s, "eligible_for_ms", &out->eligible_for_ms) &&
	     get_bool(s, "writer", &out->writer) &&
	     get_int(s, "writer_for_ms", &out->writer_for_ms) &&
	     get_bool(s, "primary", &out->primary) &&
	     get_str(s, "cluster_state_uuid", out->state_uuid, sizeof out->state_uuid) &&
	     get_int(s, "conf_id", &out->conf_id) &&
	     get_int(s, "cluster_size", &out->size) &&
	     get_int(s, "seqno", &out->seqno);
	out->ready_code = (int)code;
	get_str(s, "ready_reason", out->ready_reason, sizeof out->ready_reason);
	get_str(s, "why", out->why, sizeof out->why);
	get_str(s, "state", out->state, sizeof out->state);
	json_decref(root);
	if (!ok) {
		snprintf(why, why_len, "/status has an incomplete cluster.self");
		return -1;
	}
	return 0;
}

json_t *clusterview_json(const struct health_view *v, const struct timespec *now)
{
	const struct cluster_view *cv = &v->cluster;
	long long add = since(v, now);
	json_t *o = json_object(), *nodes = json_array();
	int w = cv->result.writer;

	if (!o || !nodes) {
		json_decref(o);
		json_decref(nodes);
		return NULL;
	}
	json_object_set_new(o, "name", str(cv->cfg.name));
	json_object_set_new(o, "self", self_json(&cv->me, add));
	json_object_set_new(o, "writer", json_pack("{s:i, s:o, s:o}", "code", cv->result.code,
						   "reason", str(cv->result.reason), "node",
						   w >= 0 ? str(cv->cfg.peers[w].name) : json_null()));
	json_object_set_new(o, "handover_ms", json_integer(cv->cfg.handover_ms));
	json_object_set_new(o, "failback_delay_ms", json_integer(cv->cfg.failback_delay_ms));
	json_object_set_new(o, "window_ms", json_integer(cv->window_ms));
	unsigned order[CLUSTER_PEERS_MAX];

	writer_order(&cv->cfg, order);
	for (unsigned k = 0; k < cv->cfg.npeers; k++) {
		unsigned i = order[k];
		const struct cluster_peer_cfg *pc = &cv->cfg.peers[i];
		const struct writer_peer *p = &cv->peers[i];
		bool me = i == cv->self;
		json_t *n = json_pack("{s:o, s:o, s:i, s:i, s:b, s:o}", "name", str(pc->name), "url",
				      str(pc->url), "priority", (int)pc->priority, "rank", (int)k + 1,
				      "self", me, "membership",
				      str(writer_membership_name(cv->result.member[i])));

		if (!n)
			continue;
		if (me) {
			json_object_set_new(n, "age_ms",
					    json_integer(v->snap.outcome == SNAP_NONE ? -1
							 : snapshot_age_ms(&v->snap, now)));
			json_object_set_new(n, "report", self_json(&cv->me, add));
		} else {
			json_object_set_new(n, "age_ms", json_integer(p->seen ? p->age_ms + add : -1));
			json_object_set_new(n, "fresh", json_boolean(writer_fresh(p, cv->window_ms)));
			json_object_set_new(n, "error", p->error[0] ? str(p->error) : json_null());
			json_object_set_new(n, "report", p->seen ? self_json(&p->report, 0) : json_null());
		}
		json_array_append_new(nodes, n);
	}
	json_object_set_new(o, "nodes", nodes);
	json_t *members = json_array();
	for (unsigned m = 0; members && m < cv->gvw.nmembers; m++)
		json_array_append_new(members, json_string(cv->gvw.members[m]));
	json_object_set_new(o, "recovery", json_pack("{s:{s:b, s:s, s:s, s:o?}, s:o}",
		"gvwstate", "present", cv->gvw.present, "my_uuid", cv->gvw.my_uuid, "view", cv->gvw.view,
		"members", members,
		"recovered", cv->recovered ? json_pack("{s:s, s:I}", "uuid", cv->position.uuid, "seqno",
						       (json_int_t)cv->position.seqno) : json_null()));
	return o;
}

/* buf and len are the memstream's own: they only hold the text after fclose. */
static void body(struct http_reply *r, char **buf, size_t *len, FILE *f)
{
	if (fclose(f) == 0) {
		r->body = *buf;
		r->body_len = *len;
	} else {
		free(*buf);
	}
}

static bool not_enabled(const struct http_request *req, const struct health_view *v,
			struct http_reply *out)
{
	if (v->cluster.enabled)
		return false;
	out->status = 404;
	out->content_type = "text/plain";
	if (asprintf(&out->body, "Not found: %s (cluster.peers is not configured)\n", req->path) >= 0)
		out->body_len = strlen(out->body);
	else
		out->body = NULL;
	return true;
}

/* One line about a node: verdict and reason, state, writer mark, seqno, age. */
static void node_line(FILE *f, const struct health_view *v, const struct timespec *now, unsigned i,
		      unsigned rank)
{
	const struct cluster_view *cv = &v->cluster;
	const struct cluster_peer_cfg *pc = &cv->cfg.peers[i];
	const struct writer_peer *p = &cv->peers[i];
	const struct cluster_self *s = i == cv->self ? &cv->me : &p->report;
	long long age;

	fprintf(f, "%u %s (priority %u)", rank, pc->name, pc->priority);
	if (i == cv->self)
		age = v->snap.outcome == SNAP_NONE ? -1 : snapshot_age_ms(&v->snap, now);
	else
		age = p->seen ? p->age_ms + since(v, now) : -1;
	if (i != cv->self && !p->seen) {
		fprintf(f, ": unknown: %s\n", p->error[0] ? p->error : "no answer yet");
		return;
	}
	fprintf(f, ": %s (%d): %s; state %s; %s; seqno %lld; ",
		s->ready_code == 200 ? "ready" : s->ready_code == 404 ? "draining" : "not ready",
		s->ready_code, s->ready_reason, s->state[0] ? s->state : "-",
		s->writer ? "WRITER" : s->eligible ? "eligible" : "not eligible", s->seqno);
	if (age < 0)
		fprintf(f, "no answer yet");
	else
		fprintf(f, "%lld ms ago", age);
	if (i == cv->self)
		fprintf(f, " (this node)");
	else if (!writer_fresh(p, cv->window_ms))
		fprintf(f, " (STALE%s%s)", p->error[0] ? ": " : "", p->error);
	if (i != cv->self)
		fprintf(f, "; %s", writer_membership_name(cv->result.member[i]));
	fprintf(f, "\n");
}

static bool decision_usable(const struct health_view *v, const struct timespec *now, char *why,
			    size_t len)
{
	if (v->cluster.evaluated_ms == 0) {
		snprintf(why, len, "not writer: no decision yet");
		return false;
	}
	if (since(v, now) > CLUSTERVIEW_DECISION_MAX_AGE_MS) {
		snprintf(why, len, "not writer: the last decision is %lld ms old", since(v, now));
		return false;
	}
	return true;
}

void clusterview_writer_reply(const struct http_request *req, const struct health_view *v,
			      const struct timespec *now, struct http_reply *out)
{
	const struct cluster_view *cv = &v->cluster;
	char why[WRITER_REASON_MAX];
	const char *reason = cv->result.reason;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (not_enabled(req, v, out))
		return;
	out->content_type = "text/plain";
	out->status = cv->result.code;
	if (!decision_usable(v, now, why, sizeof why)) {
		out->status = 503;
		reason = why;
	}
	f = open_memstream(&buf, &len);
	if (!f)
		return;
	fprintf(f, "%s\n", reason);
	if (req->verbose) {
		fprintf(f, "handover_ms %u, failback_delay_ms %u, reports older than %u ms prove nothing\n",
			cv->cfg.handover_ms, cv->cfg.failback_delay_ms, cv->window_ms);
		unsigned order[CLUSTER_PEERS_MAX];

		writer_order(&cv->cfg, order);
		for (unsigned k = 0; k < cv->cfg.npeers; k++)
			node_line(f, v, now, order[k], k + 1);
	}
	body(out, &buf, &len, f);
}

static bool wants_json(const char *accept)
{
	return accept && strcasestr(accept, "application/json") != NULL;
}

void clusterview_cluster_reply(const struct http_request *req, const struct health_view *v,
			       const struct timespec *now, struct http_reply *out)
{
	const struct cluster_view *cv = &v->cluster;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (not_enabled(req, v, out))
		return;
	out->status = 200;
	if (wants_json(req->accept)) {
		json_t *j = clusterview_json(v, now);
		char *text = j ? json_dumps(j, JSON_INDENT(2)) : NULL;

		json_decref(j);
		out->content_type = "application/json";
		if (text && asprintf(&out->body, "%s\n", text) >= 0)
			out->body_len = strlen(out->body);
		free(text);
		return;
	}
	out->content_type = "text/plain";
	f = open_memstream(&buf, &len);
	if (!f)
		return;
	fprintf(f, "cluster seen from %s: writer %s\n", cv->cfg.name,
		cv->result.writer >= 0 ? cv->cfg.peers[cv->result.writer].name : "unknown");
	unsigned order[CLUSTER_PEERS_MAX];

	writer_order(&cv->cfg, order);
	for (unsigned k = 0; k < cv->cfg.npeers; k++)
		node_line(f, v, now, order[k], k + 1);
	body(out, &buf, &len, f);
}
