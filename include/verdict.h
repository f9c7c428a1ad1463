/* The one funnel: wsrep facts + operator intent + policy -> {HTTP code, reason}.
 * Pure: no I/O, no clock (the caller passes `now`), no globals. */
#ifndef CLUSTERCHECKD_VERDICT_H
#define CLUSTERCHECKD_VERDICT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "snapshot.h"

enum donor_policy {
	DONOR_NEVER,        /* as clustercheck: a donor is not ready */
	DONOR_ALWAYS,
	DONOR_NON_BLOCKING, /* only when the SST method lets the donor serve */
	DONOR_LAST_NODE,    /* only when no other node could serve (size <= 2) */
	DONOR_DRAIN,        /* drain_code: keep its sessions, take no new ones */
};

/* What the operator asked for, independent of what mysqld says. */
enum admin_state {
	ADMIN_READY,
	ADMIN_DRAIN, /* finish existing work, take no new: drain_code (404) */
	ADMIN_MAINT, /* out of the pool: 503 */
};

/* Defaults, bounds and names: cfg.c's table, the policy.* keys. */
struct verdict_policy {
	enum donor_policy donor;
	bool read_only_ok;
	unsigned min_cluster_size;  /* 1 = any Primary component */
	unsigned max_recv_queue;    /* 0 = no limit */
	unsigned stale_after_ms;    /* older snapshots are not believed */
	int drain_code;             /* 404 (HAProxy disable-on-404) or 503 */
};

enum verdict_check_id {
	CHECK_MAINTENANCE,
	CHECK_MYSQLD,
	CHECK_FRESH,
	CHECK_WSREP,
	CHECK_CONNECTED,
	CHECK_PRIMARY,
	CHECK_WSREP_READY,
	CHECK_STATE,
	CHECK_REJECT_QUERIES,
	CHECK_PXC_MAINT_MODE,
	CHECK_CLUSTER_SIZE,
	CHECK_RECV_QUEUE,
	CHECK_READ_ONLY,
	CHECK_DRAIN,
	CHECK_COUNT
};

#define VERDICT_REASON_MAX 224

struct verdict_check {
	enum verdict_check_id id;
	bool ok;
	char reason[VERDICT_REASON_MAX]; /* why it failed, or a note when ok */
};

struct verdict {
	int code;                    /* 200, 503, or drain_code */
	enum verdict_check_id failed; /* CHECK_COUNT when ready */
	char reason[VERDICT_REASON_MAX];
};

/* Every check in order, for ?verbose and /status. Returns CHECK_COUNT. */
size_t verdict_checks(const struct snapshot *s, enum admin_state admin,
		      const struct verdict_policy *p, const struct timespec *now,
		      struct verdict_check out[CHECK_COUNT]);

/* The first failing check decides; all ok means 200. */
struct verdict verdict_decide(const struct snapshot *s, enum admin_state admin,
			      const struct verdict_policy *p, const struct timespec *now);

bool verdict_equal(const struct verdict *a, const struct verdict *b);

/* Whether a failure of this check answers drain_code (take no new work,
 * keep existing) rather than 503: the operator's drain and PXC's
 * pxc_maint_mode. */
bool verdict_check_drains(enum verdict_check_id id);

const char *verdict_check_name(enum verdict_check_id id);
const char *admin_state_name(enum admin_state a);

#endif
