/* /writer's funnel: this node's eligibility, what the peers last reported
 * and the Primary Component's membership -> {code, reason}. Every agent
 * runs the same rule on the same facts, so they agree on one writer
 * without talking to each other beyond reading each other's /status.
 * Pure: no I/O, no clock (times are passed in, in milliseconds of
 * CLOCK_MONOTONIC), no globals. The rule and its arithmetic: docs/cluster.md. */
#ifndef CLUSTERCHECKD_WRITER_H
#define CLUSTERCHECKD_WRITER_H

#include <stdbool.h>
#include <stddef.h>

#include "cluster.h"
#include "recovery.h"
#include "snapshot.h"
#include "verdict.h"

#define WRITER_REASON_MAX 256

/* What this agent knows of one configured peer. */
struct writer_peer {
	bool seen;                   /* a report was ever received */
	long long age_ms;            /* since that report was received */
	struct cluster_self report;
	char error[CLUSTER_WHY_MAX]; /* why the last request failed; "" when it did not */
};

enum writer_membership {
	WM_SELF,
	WM_IN,       /* reports the same Primary view as ours */
	WM_OUT,      /* Galera's member count is reached without it */
	WM_UNKNOWN,  /* could be a member: no fresh report, or a different view */
};

struct writer_input {
	const struct cluster_cfg *cfg;
	unsigned self;                 /* index of this node in cfg->peers */
	long long now_ms;
	unsigned window_ms;            /* a report older than this proves nothing */
	/* How early a lower-ranked writer yields to a returning node: at least
	 * the oldest report anyone acts on (window_ms + the request timeout),
	 * so that when the returning node starts counting, every report it
	 * reads of the others was built after they yielded. */
	unsigned margin_ms;
	bool eligible;                 /* writer_eligible() */
	const char *why;               /* why not, when not */
	/* This node's Primary Component, from Galera. */
	bool primary;
	const char *state_uuid;
	long long conf_id, size;
	const struct writer_peer *peers; /* cfg->npeers entries; [self] is ignored */
};

/* Carried from one decision to the next: the only memory /writer has. */
struct writer_state {
	bool writer;
	long long changed_ms;          /* when `writer` last changed (start: the agent's start) */
	long long eligible_since_ms;   /* -1 when not eligible */
};

struct writer_result {
	int code;                      /* 200 or 503 */
	char reason[WRITER_REASON_MAX];
	int writer;                    /* index of the node we take for the writer, or -1 */
	enum writer_membership member[CLUSTER_PEERS_MAX];
	unsigned order[CLUSTER_PEERS_MAX]; /* peer indexes, highest rank first */
};

void writer_state_init(struct writer_state *st, long long now_ms);

/* Eligible: ready by the local verdict AND Synced (a donor never, whatever
 * policy.donor says) AND read_only=OFF (an operator's "never writer") AND
 * not draining or in maintenance (the verdict already says so). */
bool writer_eligible(const struct snapshot *s, const struct verdict *v, char *why, size_t why_len);

/* Ranking: priority (lower first), then name. Never index or UUID. */
void writer_order(const struct cluster_cfg *cfg, unsigned order[CLUSTER_PEERS_MAX]);

/* One decision at in->now_ms; updates *st. */
struct writer_result writer_decide(const struct writer_input *in, struct writer_state *st);

/* This node's report to the others (cluster.self in /status). */
void writer_self_report(const struct writer_input *in, const struct writer_state *st,
			struct cluster_self *out);

/* A peer's report is recent enough to prove anything. */
bool writer_fresh(const struct writer_peer *p, unsigned window_ms);

const char *writer_membership_name(enum writer_membership m);

/* Everything the peers thread last decided, published for HTTP answers.
 * Times are as of `evaluated_ms`; an answer adds the time since. */
struct cluster_view {
	bool enabled;                  /* cluster.peers configured */
	struct cluster_cfg cfg;
	unsigned self;
	long long evaluated_ms;        /* CLOCK_MONOTONIC ms of the decision; 0 = none yet */
	unsigned window_ms;
	struct cluster_self me;        /* what we tell the others */
	struct writer_result result;   /* /writer's answer */
	struct writer_peer peers[CLUSTER_PEERS_MAX];
	/* For `clustercheckd bootstrap`, read with the datadir. */
	struct gvwstate gvw;
	bool recovered;                /* recovered_file newer than grastate.dat */
	struct recovered_position position;
};

#endif
