#include "report.h"

#include "verdict.h"

json_t *report_fact_json(const struct snapshot *s, enum fact_id id)
{
	const struct fact *f = snapshot_fact(s, id);

	if (!f->present)
		return json_null();
	if (!f->valid)
		return json_string(f->text);
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
	return json_string(f->text);
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
		json_array_append_new(a, json_pack("{s:s, s:b, s:s}", "name",
						   verdict_check_name(checks[i].id), "ok",
						   checks[i].ok, "detail", checks[i].reason));
	return a;
}

static const char *outcome_name(enum snapshot_outcome o)
{
	switch (o) {
	case SNAP_NONE:
		return "no answer yet";
	case SNAP_OK:
		return "answered";
	case SNAP_UNREACHABLE:
		return "unreachable";
	}
	return "?";
}

json_t *report_json(const struct health_view *v, const struct timespec *now)
{
	struct verdict verdict = verdict_decide(&v->snap, v->admin, &v->policy, now);
	const struct verdict_policy *p = &v->policy;

	return json_pack(
		"{s:{s:i, s:b, s:s, s:s?}, s:o, s:{s:s, s:s?, s:i, s:I, s:f}, s:o,"
		" s:{s:s, s:b, s:i, s:i, s:i, s:i}, s:{s:s, s:s?}}",
		"ready", "code", verdict.code, "ok", verdict.code == 200, "reason", verdict.reason,
		"failed_check", verdict.failed == CHECK_COUNT ? NULL : verdict_check_name(verdict.failed),
		"checks", checks_json(v, now),
		"mysqld", "outcome", outcome_name(v->snap.outcome),
		"error", v->snap.outcome == SNAP_UNREACHABLE ? v->snap.error : NULL,
		"error_code", (int)v->snap.error_code,
		"snapshot_age_ms", v->snap.outcome == SNAP_NONE ? (json_int_t)-1
								  : (json_int_t)snapshot_age_ms(&v->snap, now),
		"poll_seconds", v->snap.poll_seconds,
		"facts", facts_json(&v->snap),
		"policy", "donor", donor_policy_name(p->donor), "read_only_ok", p->read_only_ok,
		"min_cluster_size", (int)p->min_cluster_size, "max_recv_queue", (int)p->max_recv_queue,
		"stale_after_ms", (int)p->stale_after_ms, "drain_code", p->drain_code,
		"admin", "state", admin_state_name(v->admin), "reason",
		v->admin_why[0] ? v->admin_why : NULL);
}
