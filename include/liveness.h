/* /live: is this node's database process worth keeping? Pure, like the
 * readiness funnel: facts + time in, {code, reason} out.
 *
 * Killing a node's mysqld is only ever right when it has stopped answering
 * for a long time AND nothing says it is busy with a state transfer: a
 * joiner receiving an SST, a donor sending one, or a node catching up looks
 * dead to every quick probe, and restarting it throws the transfer away
 * (the most reported Galera-on-Kubernetes failure). So /live fails only when
 * mysqld has been silent for longer than `grace_ms` with no transfer
 * under way (nor within grace_ms of the end of one); non-Primary, desynced,
 * read-only nodes are all alive. A mysqld that replies with an error (it
 * refuses the agent's login: wrong password, too many connections, account
 * locked, ...) is running, so alive: only silence counts toward the grace.
 * When the datadir cannot be searched, whether a transfer is under way
 * cannot be known, and /live then keeps a silent mysqld alive: restarting
 * a joiner in the middle of its SST starts the SST again, forever, while a
 * hung mysqld that is not restarted is at worst a node out of the pool,
 * which /ready and the logs already say. */
#ifndef CLUSTERCHECKD_LIVENESS_H
#define CLUSTERCHECKD_LIVENESS_H

#include <stdbool.h>
#include <time.h>

#include "datadir.h"
#include "snapshot.h"
#include "verdict.h"

/* Default and bounds: cfg.c's table, live.grace_ms. */
struct liveness_policy {
	unsigned grace_ms;  /* how long mysqld may be unreachable */
};

/* What earlier polls saw; kept across failed polls. */
struct liveness_memory {
	/* Last sign of life (an answer, or an error mysqld replied with), or
	 * the start of polling: the grace runs from it. */
	struct timespec unreachable_since;
	/* Last poll that saw a transfer (marker or state), zero when never:
	 * after a joiner's SST script is done, mysqld still prepares the new
	 * datadir (InnoDB recovery, IST) before it opens its socket, so the
	 * grace runs again from the transfer's end. */
	struct timespec transfer_seen;
};

enum liveness_check_id {
	LIVE_CHECK_TRANSFER,
	LIVE_CHECK_MYSQLD,
	LIVE_CHECK_COUNT
};

struct liveness_check {
	enum liveness_check_id id;
	bool ok;
	char reason[VERDICT_REASON_MAX];
};

/* What the latest poll heard from mysqld, for the transition log. */
enum liveness_sign {
	LIVE_SIGN_ANSWER,  /* it answered the poll */
	LIVE_SIGN_REFUSAL, /* it replied with an error: running, refusing the agent */
	LIVE_SIGN_SILENCE, /* nothing recent */
};

struct liveness {
	int code; /* 200 or 503 */
	enum liveness_sign sign;
	char reason[VERDICT_REASON_MAX];
};

/* Update `m` with a snapshot just published (the health module's job). */
void liveness_remember(struct liveness_memory *m, const struct snapshot *s);

size_t liveness_checks(const struct snapshot *s, const struct datadir_facts *d,
		       const struct liveness_memory *m, const struct liveness_policy *p,
		       unsigned stale_after_ms, const struct timespec *now,
		       struct liveness_check out[LIVE_CHECK_COUNT]);

struct liveness liveness_decide(const struct snapshot *s, const struct datadir_facts *d,
				const struct liveness_memory *m, const struct liveness_policy *p,
				unsigned stale_after_ms, const struct timespec *now);

const char *liveness_check_name(enum liveness_check_id id);
const char *liveness_sign_name(enum liveness_sign sign);

#endif
