#include "verdict.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* What every check is given. */
struct check_args {
	const struct snapshot *s;
	enum admin_state admin;
	const struct verdict_policy *p;
	const struct timespec *now;
};

/* Fills c and says whether the check passed. */
typedef bool check_fn(struct verdict_check *c, const struct check_args *a);

static check_fn check_maintenance, check_mysqld, check_fresh, check_wsrep, check_connected,
	check_primary, check_wsrep_ready, check_state, check_reject_queries, check_pxc_maint_mode,
	check_cluster_size, check_recv_queue, check_read_only, check_drain;

/* The checks in the order they are judged and listed (?verbose, /status):
 * the first failing one decides. */
static const struct check_row {
	const char *name;
	/* Judges wsrep facts, which only an answer carries: "no data" without
	 * one (the checks after a failed "mysqld" or "fresh"). */
	bool needs_answer;
	/* A failure answers drain_code (take no new work, keep existing)
	 * rather than 503: HAProxy's disable-on-404 only works while the
	 * server is otherwise up. PXC's pxc_maint_mode is the server's own
	 * drain-before-shutdown: existing connections keep working for
	 * pxc_maint_transition_period, so it drains too. */
	bool drains;
	check_fn *fn;
} checks[CHECK_COUNT] = {
	[CHECK_MAINTENANCE] = {"maintenance", false, false, check_maintenance},
	[CHECK_MYSQLD] = {"mysqld", false, false, check_mysqld},
	[CHECK_FRESH] = {"fresh", false, false, check_fresh},
	[CHECK_WSREP] = {"wsrep", true, false, check_wsrep},
	[CHECK_CONNECTED] = {"connected", true, false, check_connected},
	[CHECK_PRIMARY] = {"primary", true, false, check_primary},
	[CHECK_WSREP_READY] = {"wsrep_ready", true, false, check_wsrep_ready},
	[CHECK_STATE] = {"state", true, false, check_state},
	[CHECK_REJECT_QUERIES] = {"reject_queries", true, false, check_reject_queries},
	[CHECK_PXC_MAINT_MODE] = {"pxc_maint_mode", true, true, check_pxc_maint_mode},
	[CHECK_CLUSTER_SIZE] = {"cluster_size", true, false, check_cluster_size},
	[CHECK_RECV_QUEUE] = {"recv_queue", true, false, check_recv_queue},
	[CHECK_READ_ONLY] = {"read_only", true, false, check_read_only},
	[CHECK_DRAIN] = {"drain", true, true, check_drain},
};

const char *verdict_check_name(enum verdict_check_id id)
{
	return (unsigned)id < CHECK_COUNT ? checks[id].name : "none";
}

const char *admin_state_name(enum admin_state a)
{
	switch (a) {
	case ADMIN_READY:
		return "ready";
	case ADMIN_DRAIN:
		return "drain";
	case ADMIN_MAINT:
		return "maint";
	}
	return "?";
}

static bool fail(struct verdict_check *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool fail(struct verdict_check *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->reason, sizeof c->reason, fmt, ap);
	va_end(ap);
	c->ok = false;
	return false;
}

static bool pass(struct verdict_check *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool pass(struct verdict_check *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->reason, sizeof c->reason, fmt, ap);
	va_end(ap);
	c->ok = true;
	return true;
}

/* A fact the rule needs must be there and parse; otherwise the check fails
 * naming the fact, because guessing a default would put a node of unknown
 * state in the pool. */
static bool need(struct verdict_check *c, const struct snapshot *s, enum fact_id id)
{
	const struct fact *f = snapshot_fact(s, id);
	const char *name = snapshot_fact_desc(id)->name;

	if (!f->present)
		return fail(c, "%s not reported by mysqld", name);
	if (!f->valid)
		return fail(c, "%s unparsable: '%s'", name, f->text);
	return true;
}

static const char *comment_or(const struct snapshot *s, const char *fallback)
{
	const struct fact *f = snapshot_fact(s, FACT_LOCAL_STATE_COMMENT);
	return f->present && f->text[0] ? f->text : fallback;
}

static bool sst_method_can_serve(const char *method)
{
	/* Only the hot-backup methods leave the donor able to run queries;
	 * rsync and mysqldump block it for the whole transfer. */
	return strncasecmp(method, "mariabackup", 11) == 0 ||
	       strncasecmp(method, "xtrabackup", 10) == 0;
}

/* An SST donor past the checks that block it whatever the policy: the
 * policy decides. */
static bool sst_donor_by_policy(struct verdict_check *c, const struct snapshot *s,
				const struct verdict_policy *p, const char *comment)
{
	const struct sst_process *t = &s->sst;

	switch (p->donor) {
	case DONOR_ALWAYS:
		return pass(c, "%s, SST donor (%s), allowed by donor policy always", comment, t->method);
	case DONOR_NON_BLOCKING:
		/* The joiner picks the method: the script running tells,
		 * the donor's own wsrep_sst_method does not. */
		if (!sst_method_can_serve(t->method))
			return fail(c, "%s, SST donor with blocking method %s (donor policy non-blocking)",
				    comment, t->method);
		return pass(c, "%s, SST donor with non-blocking method %s", comment, t->method);
	case DONOR_LAST_NODE: {
		const struct fact *size = snapshot_fact(s, FACT_CLUSTER_SIZE);
		if (!need(c, s, FACT_CLUSTER_SIZE))
			return false;
		if (size->num > 2)
			return fail(c, "%s, SST donor (%s), other nodes can serve (cluster size %lld, "
				    "donor policy last-node)", comment, t->method, size->num);
		return pass(c, "%s, SST donor (%s), last node that can serve (cluster size %lld)",
			    comment, t->method, size->num);
	}
	case DONOR_DRAIN:
		/* Judged by the drain check, so that it answers drain_code. */
		return pass(c, "%s, SST donor (%s), drained (donor policy drain)", comment, t->method);
	case DONOR_NEVER:
		break;
	}
	return fail(c, "%s, SST donor (%s) (donor policy never)", comment, t->method);
}

/* State 2 with wsrep_desync=OFF is not proof of a state transfer: FTWRL,
 * BACKUP STAGE, RSU DDL and backup tools show exactly the same status
 * (docs/donor.md has the measurements). Only the SST script under mysqld
 * tells them apart; whatever may block writes and cannot be told apart is
 * 503 under every policy. */
static bool check_donor(struct verdict_check *c, const struct snapshot *s,
			const struct verdict_policy *p)
{
	const struct fact *rejects = snapshot_fact(s, FACT_SST_DONOR_REJECTS_QUERIES);
	const struct fact *count = snapshot_fact(s, FACT_DESYNC_COUNT);
	const struct sst_process *t = &s->sst;
	const char *comment = comment_or(s, "Donor/Desynced");

	if (!need(c, s, FACT_DESYNC))
		return false;
	if (snapshot_fact(s, FACT_DESYNC)->num)
		return fail(c, "manually desynced (wsrep_desync=ON)");
	/* mysqld itself refuses queries then, whatever our policy says. */
	if (rejects->present && rejects->valid && rejects->num)
		return fail(c, "%s and rejecting queries (wsrep_sst_donor_rejects_queries=ON)", comment);

	switch (t->kind) {
	case SST_PROC_NOT_LOOKED:
	case SST_PROC_UNKNOWN:
		return fail(c, "%s, cannot tell a state transfer from a backup lock or RSU DDL "
			    "(%s): failing safe", comment, t->kind == SST_PROC_UNKNOWN ? t->why :
			    "mysqld's processes not looked at");
	case SST_PROC_NONE:
		return fail(c, "%s without a state transfer (no SST script under mysqld, pid %d): "
			    "FTWRL, BACKUP STAGE, RSU DDL or a backup; writes may block",
			    comment, (int)t->mysqld_pid);
	case SST_PROC_IST:
	case SST_PROC_SST:
		break;
	}
	/* A transfer counts one desync; FTWRL, BACKUP STAGE or RSU DDL on top
	 * of it count more (measured: mariabackup's own BLOCK_DDL..END). */
	if (count->present && count->valid && count->num > 1)
		return fail(c, "%s, %s donor and desynced %lld times (wsrep_desync_count): a backup "
			    "lock, RSU DDL or desync on top of the transfer; writes may block", comment,
			    t->kind == SST_PROC_IST ? "IST" : "SST", count->num);
	if (t->kind == SST_PROC_IST)
		return pass(c, "%s, serving an IST (wsrep_sst_%s --bypass): no lock held, writes go on",
			    comment, t->method);
	return sst_donor_by_policy(c, s, p, comment);
}

static bool check_state(struct verdict_check *c, const struct check_args *a)
{
	const struct snapshot *s = a->s;
	long long state;

	if (!need(c, s, FACT_LOCAL_STATE))
		return false;
	state = snapshot_fact(s, FACT_LOCAL_STATE)->num;
	switch (state) {
	case 4:
		return pass(c, "%s", comment_or(s, "Synced"));
	case 2:
		return check_donor(c, s, a->p);
	case 0:
		return fail(c, "%s (wsrep_local_state=0)", comment_or(s, "Initialized"));
	case 1:
		return fail(c, "%s (wsrep_local_state=1)", comment_or(s, "Joining"));
	case 3:
		return fail(c, "%s (wsrep_local_state=3)", comment_or(s, "Joined"));
	default:
		return fail(c, "%s (wsrep_local_state=%lld)", comment_or(s, "unknown state"), state);
	}
}

static bool check_maintenance(struct verdict_check *c, const struct check_args *a)
{
	if (a->admin == ADMIN_MAINT)
		return fail(c, "in maintenance");
	return pass(c, "not in maintenance");
}

static bool check_mysqld(struct verdict_check *c, const struct check_args *a)
{
	const struct snapshot *s = a->s;

	if (s->outcome == SNAP_NONE)
		return fail(c, "no answer from mysqld yet");
	if (snapshot_refused(s))
		return fail(c, "mysqld refused the agent: %s", s->error);
	if (s->outcome == SNAP_UNREACHABLE)
		return fail(c, "mysqld unreachable: %s", s->error);
	return pass(c, "mysqld answered");
}

static bool check_fresh(struct verdict_check *c, const struct check_args *a)
{
	long long age = snapshot_age_ms(a->s, a->now);

	if (a->s->outcome == SNAP_NONE)
		return fail(c, "no data");
	if (age > (long long)a->p->stale_after_ms)
		return fail(c, "stale: no answer from mysqld for more than %u ms", a->p->stale_after_ms);
	return pass(c, "%lld ms old", age);
}

static bool check_wsrep(struct verdict_check *c, const struct check_args *a)
{
	const struct fact *f = snapshot_fact(a->s, FACT_WSREP_ON);

	if (!f->present)
		return fail(c, "not a Galera server (no wsrep_on variable)");
	if (!need(c, a->s, FACT_WSREP_ON))
		return false;
	if (!f->num)
		return fail(c, "wsrep is off (wsrep_on=OFF)");
	if (!snapshot_fact(a->s, FACT_LOCAL_STATE)->present)
		return fail(c, "no Galera provider loaded (no wsrep_local_state)");
	return pass(c, "wsrep_on=ON");
}

static bool check_connected(struct verdict_check *c, const struct check_args *a)
{
	if (!need(c, a->s, FACT_CONNECTED))
		return false;
	if (!snapshot_fact(a->s, FACT_CONNECTED)->num)
		return fail(c, "not connected to the cluster (wsrep_connected=OFF)");
	return pass(c, "wsrep_connected=ON");
}

static bool check_primary(struct verdict_check *c, const struct check_args *a)
{
	const struct fact *f = snapshot_fact(a->s, FACT_CLUSTER_STATUS);

	if (!need(c, a->s, FACT_CLUSTER_STATUS))
		return false;
	if (strcmp(f->text, "Primary") != 0)
		return fail(c, "non-Primary component (wsrep_cluster_status=%s)", f->text);
	return pass(c, "Primary");
}

static bool check_wsrep_ready(struct verdict_check *c, const struct check_args *a)
{
	if (!need(c, a->s, FACT_READY))
		return false;
	if (!snapshot_fact(a->s, FACT_READY)->num)
		return fail(c, "not accepting queries (wsrep_ready=OFF)");
	return pass(c, "wsrep_ready=ON");
}

static bool check_reject_queries(struct verdict_check *c, const struct check_args *a)
{
	const struct fact *f = snapshot_fact(a->s, FACT_REJECT_QUERIES);

	/* Servers older than the variable cannot reject queries. */
	if (!f->present)
		return pass(c, "wsrep_reject_queries not supported by this server");
	if (strcasecmp(f->text, "NONE") != 0)
		return fail(c, "rejecting queries (wsrep_reject_queries=%s)", f->text);
	return pass(c, "wsrep_reject_queries=NONE");
}

static bool check_pxc_maint_mode(struct verdict_check *c, const struct check_args *a)
{
	const struct fact *f = snapshot_fact(a->s, FACT_PXC_MAINT_MODE);

	if (!f->present)
		return pass(c, "no pxc_maint_mode (not Percona XtraDB Cluster)");
	if (strcasecmp(f->text, "DISABLED") != 0)
		return fail(c, "PXC maintenance (pxc_maint_mode=%s)", f->text);
	return pass(c, "pxc_maint_mode=DISABLED");
}

static bool check_cluster_size(struct verdict_check *c, const struct check_args *a)
{
	const struct fact *f = snapshot_fact(a->s, FACT_CLUSTER_SIZE);

	if (a->p->min_cluster_size <= 1)
		return pass(c, "no minimum");
	if (!need(c, a->s, FACT_CLUSTER_SIZE))
		return false;
	if (f->num < (long long)a->p->min_cluster_size)
		return fail(c, "cluster size %lld below min_cluster_size %u", f->num,
			    a->p->min_cluster_size);
	return pass(c, "cluster size %lld", f->num);
}

static bool check_recv_queue(struct verdict_check *c, const struct check_args *a)
{
	const struct fact *f = snapshot_fact(a->s, FACT_LOCAL_RECV_QUEUE);

	if (a->p->max_recv_queue == 0)
		return pass(c, "no limit");
	if (!need(c, a->s, FACT_LOCAL_RECV_QUEUE))
		return false;
	if (f->num > (long long)a->p->max_recv_queue)
		return fail(c, "receive queue %lld above max_recv_queue %u", f->num,
			    a->p->max_recv_queue);
	return pass(c, "receive queue %lld", f->num);
}

static bool check_read_only(struct verdict_check *c, const struct check_args *a)
{
	if (a->p->read_only_ok)
		return pass(c, "read_only allowed");
	if (!need(c, a->s, FACT_READ_ONLY))
		return false;
	if (snapshot_fact(a->s, FACT_READ_ONLY)->num)
		return fail(c, "read-only (read_only=ON)");
	return pass(c, "read_only=OFF");
}

static bool check_drain(struct verdict_check *c, const struct check_args *a)
{
	const struct snapshot *s = a->s;

	if (a->admin == ADMIN_DRAIN)
		return fail(c, "draining");
	/* An SST donor that only passed the state check because of this
	 * policy: 404 lets its open sessions finish where 503 (DOWN, and
	 * on-marked-down shutdown-sessions) would cut them. An IST donor is
	 * simply ready. */
	if (a->p->donor == DONOR_DRAIN && snapshot_fact(s, FACT_LOCAL_STATE)->num == 2 &&
	    s->sst.kind == SST_PROC_SST)
		return fail(c, "%s, serving an SST (donor policy drain)", comment_or(s, "Donor/Desynced"));
	return pass(c, "not draining");
}

static bool run_check(enum verdict_check_id id, struct verdict_check *c, const struct check_args *a)
{
	c->id = id;
	c->reason[0] = '\0';
	if ((unsigned)id >= CHECK_COUNT)
		return fail(c, "unknown check");
	if (checks[id].needs_answer && a->s->outcome != SNAP_OK)
		return fail(c, "no data");
	return checks[id].fn(c, a);
}

size_t verdict_checks(const struct snapshot *s, enum admin_state admin,
		      const struct verdict_policy *p, const struct timespec *now,
		      struct verdict_check out[CHECK_COUNT])
{
	const struct check_args a = {.s = s, .admin = admin, .p = p, .now = now};

	for (int i = 0; i < CHECK_COUNT; i++)
		run_check((enum verdict_check_id)i, &out[i], &a);
	return CHECK_COUNT;
}

struct verdict verdict_decide(const struct snapshot *s, enum admin_state admin,
			      const struct verdict_policy *p, const struct timespec *now)
{
	const struct check_args a = {.s = s, .admin = admin, .p = p, .now = now};
	struct verdict v = {.code = 200, .failed = CHECK_COUNT};
	struct verdict_check c;

	for (int i = 0; i < CHECK_COUNT; i++) {
		if (run_check((enum verdict_check_id)i, &c, &a))
			continue;
		v.failed = (enum verdict_check_id)i;
		v.code = checks[i].drains ? p->drain_code : 503;
		memcpy(v.reason, c.reason, sizeof v.reason);
		return v;
	}
	run_check(CHECK_STATE, &c, &a);
	memcpy(v.reason, c.reason, sizeof v.reason);
	return v;
}

bool verdict_check_drains(enum verdict_check_id id)
{
	return (unsigned)id < CHECK_COUNT && checks[id].drains;
}

bool verdict_equal(const struct verdict *a, const struct verdict *b)
{
	return a->code == b->code && a->failed == b->failed && strcmp(a->reason, b->reason) == 0;
}
