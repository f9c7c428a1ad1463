#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "clock.h"
#include "clusterview.h"
#include "liveness.h"
#include "verdict.h"

#ifndef CLUSTERCHECKD_VERSION
#define CLUSTERCHECKD_VERSION "unknown"
#endif

/* Length of the well-formed UTF-8 sequence at s (1-4), or 0. Overlong
 * forms, surrogates and code points above U+10FFFF are refused, as
 * jansson refuses them. */
static size_t utf8_seq_len(const unsigned char *s)
{
	unsigned c = s[0], cp;
	size_t n;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* Text that came from mysqld (values, error messages, reasons quoting
 * them) need not be UTF-8: a server with lc_messages in another language,
 * or a value cut to FACT_TEXT_MAX in the middle of a character. jansson
 * refuses such strings, which would turn the whole report into NULL; bytes
 * that are not UTF-8 are shown as '?' instead. */
static json_t *text_json(const char *s)
{
	json_t *j = json_string(s);
	char *copy;
	size_t len, i = 0;

	if (j)
		return j;
	len = strlen(s);
	copy = malloc(len + 1);
	if (!copy)
		return NULL;
	while (i < len) {
		size_t n = utf8_seq_len((const unsigned char *)s + i);

		if (n == 0) {
			copy[i++] = '?';
			continue;
		}
		memcpy(copy + i, s + i, n);
		i += n;
	}
	copy[len] = '\0';
	j = json_string(copy);
	free(copy);
	return j;
}

json_t *report_fact_json(const struct snapshot *s, enum fact_id id)
{
	const struct fact *f = snapshot_fact(s, id);

	if (!f->present)
		return json_null();
	if (!f->valid)
		return text_json(f->text);
	switch (snapshot_fact_desc(id)->kind) {
	case FACT_KIND_INT:
		return json_integer(f->num);
	case FACT_KIND_BOOL:
		return json_boolean(f->num);
	case FACT_KIND_REAL:
		return json_real(f->real);
	case FACT_KIND_TEXT:
		break;
	}
	return text_json(f->text);
}

static json_t *facts_json(const struct snapshot *s)
{
	json_t *o = json_object();

	for (int i = 0; o && i < FACT_COUNT; i++)
		json_object_set_new(o, snapshot_fact_desc((enum fact_id)i)->name,
				    report_fact_json(s, (enum fact_id)i));
	return o;
}

static json_t *checks_json(const struct health_view *v, const struct timespec *now)
{
	struct verdict_check checks[CHECK_COUNT];
	json_t *a = json_array();

	verdict_checks(&v->snap, v->admin, &v->policy, now, checks);
	for (int i = 0; a && i < CHECK_COUNT; i++)
		json_array_append_new(a, json_pack("{s:s, s:b, s:o}", "name",
						   verdict_check_name(checks[i].id), "ok",
						   checks[i].ok, "detail", text_json(checks[i].reason)));
	return a;
}

static const char *outcome_name(const struct snapshot *s)
{
	switch (s->outcome) {
	case SNAP_NONE:
		return "no answer yet";
	case SNAP_OK:
		return "answered";
	case SNAP_UNREACHABLE:
		/* Replied with an error: running (alive), not usable. */
		return snapshot_refused(s) ? "refused by server" : "unreachable";
	}
	return "?";
}

static json_t *live_json(const struct health_view *v, const struct timespec *now)
{
	struct liveness_check checks[LIVE_CHECK_COUNT];
	struct liveness l = report_liveness(v, now);
	json_t *a = json_array();

	liveness_checks(&v->snap, &v->snap.datadir, &v->memory, &v->live_policy,
			v->policy.stale_after_ms, now, checks);
	for (int i = 0; a && i < LIVE_CHECK_COUNT; i++)
		json_array_append_new(a, json_pack("{s:s, s:b, s:o}", "name",
						   liveness_check_name(checks[i].id), "ok",
						   checks[i].ok, "detail", text_json(checks[i].reason)));
	return json_pack("{s:i, s:b, s:o, s:o}", "code", l.code, "ok", l.code == 200,
			 "reason", text_json(l.reason), "checks", a);
}

/* grastate.dat as Galera left it: what picks the node to bootstrap after a
 * full-cluster outage (highest seqno, or safe_to_bootstrap: 1). */
static json_t *grastate_json(const struct datadir_facts *d)
{
	const struct grastate *g = &d->grastate;

	if (!d->checked)
		return json_pack("{s:b}", "read", 0);
	if (d->grastate_errno)
		return json_pack("{s:b, s:s}", "read", 0, "error", strerror(d->grastate_errno));
	return json_pack("{s:b, s:s?, s:o, s:o, s:o?}", "read", 1,
			 "uuid", g->uuid_ok ? g->uuid : NULL,
			 "seqno", g->seqno_ok ? json_integer(g->seqno) : json_null(),
			 "safe_to_bootstrap", g->safe_to_bootstrap_ok ? json_boolean(g->safe_to_bootstrap)
								      : json_null(),
			 "version", g->version[0] ? text_json(g->version) : NULL);
}

/* The directory read and what could be read there; "cannot know" is null,
 * never false. */
static json_t *datadir_json(const struct health_view *v)
{
	const struct datadir_facts *d = &v->snap.datadir;
	char problem[512];

	datadir_problem(d, problem, sizeof problem);
	/* Paths are bytes, not always UTF-8: shown through text_json. */
	return json_pack("{s:o, s:o, s:o?, s:b, s:b, s:o, s:o?}",
			 "path", text_json(d->checked ? d->path : v->datadir),
			 "configured", text_json(v->datadir),
			 "mysqld", v->snap.mysqld_datadir[0] ? text_json(v->snap.mysqld_datadir) : NULL,
			 "from_mysqld", d->from_mysqld,
			 "readable", d->checked && !problem[0],
			 "sst_in_progress", datadir_marker_known(d) ? json_boolean(d->sst_in_progress)
								    : json_null(),
			 "error", problem[0] ? text_json(problem) : NULL);
}

struct liveness report_liveness(const struct health_view *v, const struct timespec *now)
{
	return liveness_decide(&v->snap, &v->snap.datadir, &v->memory, &v->live_policy,
			       v->policy.stale_after_ms, now);
}

json_t *report_json(const struct health_view *v, const struct timespec *now)
{
	struct verdict verdict = verdict_decide(&v->snap, v->admin, &v->policy, now);
	const struct verdict_policy *p = &v->policy;
	const struct datadir_facts *d = &v->snap.datadir;
	json_t *r;

	r = json_pack(
		"{s:{s:i, s:b, s:o, s:s?}, s:o, s:{s:s, s:o?, s:i, s:I, s:f}, s:o,"
		" s:{s:s, s:b, s:i, s:i, s:i, s:i}, s:{s:s, s:o?}}",
		"ready", "code", verdict.code, "ok", verdict.code == 200, "reason", text_json(verdict.reason),
		"failed_check", verdict.failed == CHECK_COUNT ? NULL : verdict_check_name(verdict.failed),
		"checks", checks_json(v, now),
		"mysqld", "outcome", outcome_name(&v->snap),
		"error", v->snap.outcome == SNAP_UNREACHABLE ? text_json(v->snap.error) : NULL,
		"error_code", (int)v->snap.error_code,
		"snapshot_age_ms", v->snap.outcome == SNAP_NONE ? (json_int_t)-1
								  : (json_int_t)snapshot_age_ms(&v->snap, now),
		"poll_seconds", v->snap.poll_seconds,
		"facts", facts_json(&v->snap),
		"policy", "donor", cfg_value_name("policy.donor", p->donor), "read_only_ok", p->read_only_ok,
		"min_cluster_size", (int)p->min_cluster_size, "max_recv_queue", (int)p->max_recv_queue,
		"stale_after_ms", (int)p->stale_after_ms, "drain_code", p->drain_code,
		"admin", "state", admin_state_name(v->admin), "reason",
		v->admin_why[0] ? text_json(v->admin_why) : NULL);
	if (!r)
		return NULL;
	json_object_set_new(json_object_get(r, "policy"), "live_grace_ms",
			    json_integer(v->live_policy.grace_ms));
	json_object_set_new(r, "live", live_json(v, now));
	json_object_set_new(r, "grastate", grastate_json(d));
	json_object_set_new(r, "datadir", datadir_json(v));
	if (v->cluster.enabled)
		json_object_set_new(r, "cluster", clusterview_json(v, now));
	json_object_set_new(r, "agent",
			    json_pack("{s:s, s:f}", "version", CLUSTERCHECKD_VERSION, "uptime_seconds",
				      (double)clock_ms_between(&v->started, now) / 1000.0));
	return r;
}
