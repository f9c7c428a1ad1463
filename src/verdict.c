#include "verdict.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const char *const check_names[CHECK_COUNT] = {
	[CHECK_MAINTENANCE] = "maintenance",
	[CHECK_MYSQLD] = "mysqld",
	[CHECK_FRESH] = "fresh",
	[CHECK_WSREP] = "wsrep",
	[CHECK_CONNECTED] = "connected",
	[CHECK_PRIMARY] = "primary",
	[CHECK_WSREP_READY] = "wsrep_ready",
	[CHECK_STATE] = "state",
	[CHECK_REJECT_QUERIES] = "reject_queries",
	[CHECK_PXC_MAINT_MODE] = "pxc_maint_mode",
	[CHECK_CLUSTER_SIZE] = "cluster_size",
	[CHECK_RECV_QUEUE] = "recv_queue",
	[CHECK_READ_ONLY] = "read_only",
	[CHECK_DRAIN] = "drain",
};

const char *verdict_check_name(enum verdict_check_id id)
{
	return (unsigned)id < CHECK_COUNT ? check_names[id] : "none";
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

static bool check_state(struct verdict_check *c, const struct snapshot *s,
			const struct verdict_policy *p)
{
	long long state;

	if (!need(c, s, FACT_LOCAL_STATE))
		return false;
	state = snapshot_fact(s, FACT_LOCAL_STATE)->num;
	switch (state) {
	case 4:
		return pass(c, "%s", comment_or(s, "Synced"));
	case 2:
		return check_donor(c, s, p);
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

/* Each check fills c and says whether it passed. Checks after a failed
 * "mysqld" or "fresh" check have no facts to look at. */
static bool run_check(enum verdict_check_id id, struct verdict_check *c, const struct snapshot *s,
		      enum admin_state admin, const struct verdict_policy *p,
		      const struct timespec *now)
{
	const struct fact *f;

	c->id = id;
	c->reason[0] = '\0';
	switch (id) {
	case CHECK_MAINTENANCE:
		if (admin == ADMIN_MAINT)
			return fail(c, "in maintenance");
		return pass(c, "not in maintenance");
	case CHECK_MYSQLD:
		if (s->outcome == SNAP_NONE)
			return fail(c, "no answer from mysqld yet");
		if (snapshot_refused(s))
			return fail(c, "mysqld refused the agent: %s", s->error);
		if (s->outcome == SNAP_UNREACHABLE)
			return fail(c, "mysqld unreachable: %s", s->error);
		return pass(c, "mysqld answered");
	case CHECK_FRESH: {
		long long age = snapshot_age_ms(s, now);
		if (s->outcome == SNAP_NONE)
			return fail(c, "no data");
		if (age > (long long)p->stale_after_ms)
			return fail(c, "stale: no answer from mysqld for more than %u ms",
				    p->stale_after_ms);
		return pass(c, "%lld ms old", age);
	}
	default:
		break;
	}
	/* Everything below judges wsrep facts, which only an answer carries. */
	if (s->outcome != SNAP_OK)
		return fail(c, "no data");

	switch (id) {
	case CHECK_WSREP:
		f = snapshot_fact(s, FACT_WSREP_ON);
		if (!f->present)
			return fail(c, "not a Galera server (no wsrep_on variable)");
		if (!need(c, s, FACT_WSREP_ON))
			return false;
		if (!f->num)
			return fail(c, "wsrep is off (wsrep_on=OFF)");
		if (!snapshot_fact(s, FACT_LOCAL_STATE)->present)
			return fail(c, "no Galera provider loaded (no wsrep_local_state)");
		return pass(c, "wsrep_on=ON");
	case CHECK_CONNECTED:
		if (!need(c, s, FACT_CONNECTED))
			return false;
		if (!snapshot_fact(s, FACT_CONNECTED)->num)
			return fail(c, "not connected to the cluster (wsrep_connected=OFF)");
		return pass(c, "wsrep_connected=ON");
	case CHECK_PRIMARY:
		f = snapshot_fact(s, FACT_CLUSTER_STATUS);
		if (!need(c, s, FACT_CLUSTER_STATUS))
			return false;
		if (strcmp(f->text, "Primary") != 0)
			return fail(c, "non-Primary component (wsrep_cluster_status=%s)", f->text);
		return pass(c, "Primary");
	case CHECK_WSREP_READY:
		if (!need(c, s, FACT_READY))
			return false;
		if (!snapshot_fact(s, FACT_READY)->num)
			return fail(c, "not accepting queries (wsrep_ready=OFF)");
		return pass(c, "wsrep_ready=ON");
	case CHECK_STATE:
		return check_state(c, s, p);
	case CHECK_REJECT_QUERIES:
		f = snapshot_fact(s, FACT_REJECT_QUERIES);
		/* Servers older than the variable cannot reject queries. */
		if (!f->present)
			return pass(c, "wsrep_reject_queries not supported by this server");
		if (strcasecmp(f->text, "NONE") != 0)
			return fail(c, "rejecting queries (wsrep_reject_queries=%s)", f->text);
		return pass(c, "wsrep_reject_queries=NONE");
	case CHECK_PXC_MAINT_MODE:
		f = snapshot_fact(s, FACT_PXC_MAINT_MODE);
		if (!f->present)
			return pass(c, "no pxc_maint_mode (not Percona XtraDB Cluster)");
		if (strcasecmp(f->text, "DISABLED") != 0)
			return fail(c, "PXC maintenance (pxc_maint_mode=%s)", f->text);
		return pass(c, "pxc_maint_mode=DISABLED");
	case CHECK_CLUSTER_SIZE:
		if (p->min_cluster_size <= 1)
			return pass(c, "no minimum");
		if (!need(c, s, FACT_CLUSTER_SIZE))
			return false;
		f = snapshot_fact(s, FACT_CLUSTER_SIZE);
		if (f->num < (long long)p->min_cluster_size)
			return fail(c, "cluster size %lld below min_cluster_size %u", f->num,
				    p->min_cluster_size);
		return pass(c, "cluster size %lld", f->num);
	case CHECK_RECV_QUEUE:
		if (p->max_recv_queue == 0)
			return pass(c, "no limit");
		if (!need(c, s, FACT_LOCAL_RECV_QUEUE))
			return false;
		f = snapshot_fact(s, FACT_LOCAL_RECV_QUEUE);
		if (f->num > (long long)p->max_recv_queue)
			return fail(c, "receive queue %lld above max_recv_queue %u", f->num,
				    p->max_recv_queue);
		return pass(c, "receive queue %lld", f->num);
	case CHECK_READ_ONLY:
		if (p->read_only_ok)
			return pass(c, "read_only allowed");
		if (!need(c, s, FACT_READ_ONLY))
			return false;
		if (snapshot_fact(s, FACT_READ_ONLY)->num)
			return fail(c, "read-only (read_only=ON)");
		return pass(c, "read_only=OFF");
	case CHECK_DRAIN:
		if (admin == ADMIN_DRAIN)
			return fail(c, "draining");
		/* An SST donor that only passed the state check because of
		 * this policy: 404 lets its open sessions finish where 503
		 * (DOWN, and on-marked-down shutdown-sessions) would cut them.
		 * An IST donor is simply ready. */
		if (p->donor == DONOR_DRAIN && snapshot_fact(s, FACT_LOCAL_STATE)->num == 2 &&
		    s->sst.kind == SST_PROC_SST)
			return fail(c, "%s, serving an SST (donor policy drain)",
				    comment_or(s, "Donor/Desynced"));
		return pass(c, "not draining");
	default:
		return fail(c, "unknown check");
	}
}

size_t verdict_checks(const struct snapshot *s, enum admin_state admin,
		      const struct verdict_policy *p, const struct timespec *now,
		      struct verdict_check out[CHECK_COUNT])
{
	for (int i = 0; i < CHECK_COUNT; i++)
		run_check((enum verdict_check_id)i, &out[i], s, admin, p, now);
	return CHECK_COUNT;
}

struct verdict verdict_decide(const struct snapshot *s, enum admin_state admin,
			      const struct verdict_policy *p, const struct timespec *now)
{
	struct verdict v = {.code = 200, .failed = CHECK_COUNT};
	struct verdict_check c;

	for (int i = 0; i < CHECK_COUNT; i++) {
		if (run_check((enum verdict_check_id)i, &c, s, admin, p, now))
			continue;
		v.failed = (enum verdict_check_id)i;
		/* Draining keeps a healthy node's existing clients: HAProxy's
		 * disable-on-404 only works while the server is otherwise up.
		 * PXC's pxc_maint_mode is the server's own drain-before-
		 * shutdown: existing connections keep working for
		 * pxc_maint_transition_period, so it drains too. */
		v.code = verdict_check_drains((enum verdict_check_id)i) ? p->drain_code : 503;
		memcpy(v.reason, c.reason, sizeof v.reason);
		return v;
	}
	run_check(CHECK_STATE, &c, s, admin, p, now);
	memcpy(v.reason, c.reason, sizeof v.reason);
	return v;
}

bool verdict_check_drains(enum verdict_check_id id)
{
	return id == CHECK_DRAIN || id == CHECK_PXC_MAINT_MODE;
}

bool verdict_equal(const struct verdict *a, const struct verdict *b)
{
	return a->code == b->code && a->failed == b->failed && strcmp(a->reason, b->reason) == 0;
}
