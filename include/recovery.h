/* After a full-cluster outage: what each node's files say (gvwstate.dat,
 * the position `mariadbd --wsrep-recover` logged) and which node to start
 * first. Pure: parsing and the decision; bootstrapcmd.c does the I/O. */
#ifndef CLUSTERCHECKD_RECOVERY_H
#define CLUSTERCHECKD_RECOVERY_H

#include <stdbool.h>
#include <stddef.h>

#include "cluster.h"
#include "grastate.h"

#define RECOVERY_MEMBERS_MAX 16

/* gvwstate.dat: the last Primary view, written by pc.recovery and deleted
 * on a graceful close. */
struct gvwstate {
	bool present;
	char my_uuid[GRASTATE_UUID_LEN + 1];
	char view[GRASTATE_UUID_LEN + 24];     /* "view uuid:seq" */
	unsigned nmembers;
	char members[RECOVERY_MEMBERS_MAX][GRASTATE_UUID_LEN + 1]; /* sorted */
};

/* Returns 0 when the text is a usable view (view_id and at least one member). */
int recovery_parse_gvwstate(const char *buf, size_t len, struct gvwstate *out);

struct recovered_position {
	char uuid[GRASTATE_UUID_LEN + 1];
	long long seqno;
};

/* The LAST "WSREP: Recovered position: " line of a --wsrep-recover log, in
 * any of its three forms: uuid:seqno, uuid:seqno,gtid, uuid:gtid,seqno.
 * Returns 0, or -1 with why (no such line; wsrep off: "skipping position
 * recovery"; a line that does not parse). */
int recovery_parse_log(const char *log, size_t len, struct recovered_position *out,
		       char *why, size_t why_len);

/* What one node's agent reported for the decision. */
struct recovery_node {
	char name[CLUSTER_NAME_MAX];
	unsigned priority;
	bool answered;                  /* its agent answered */
	char error[CLUSTER_WHY_MAX];    /* why not */
	bool mysqld_running;            /* mysqld answered the agent */
	bool primary;                   /* ...in a Primary Component */
	struct grastate grastate;       /* uuid_ok, seqno_ok... false when unread */
	bool recovered;                 /* `clustercheckd recover` ran there */
	struct recovered_position position;
	struct gvwstate gvw;
};

enum recovery_action {
	RA_RUNNING,     /* a node is Primary: never bootstrap */
	RA_WAIT,        /* some agents did not answer */
	RA_RECOVER,     /* seqno -1 and no recovered position */
	RA_START_ALL,   /* the same saved view everywhere: pc.recovery */
	RA_BOOTSTRAP,
	RA_CONFLICT,    /* needs a human */
};

#define RECOVERY_TEXT_MAX 4096

struct recovery_advice {
	enum recovery_action action;
	int exit_code;                  /* 0 advice, 1 wait/recover, 2 conflict */
	int node;                       /* BOOTSTRAP/RUNNING: index, else -1 */
	char first[256];                /* the line a script acts on */
	char detail[RECOVERY_TEXT_MAX]; /* evidence, ties, warnings, commands */
};

/* seqno to compare: grastate's when saved (>= 0), else the recovered one,
 * else -1 (unknown, never 0). uuid likewise. */
long long recovery_seqno(const struct recovery_node *n, const char **uuid);

struct recovery_advice recovery_decide(const struct recovery_node *nodes, unsigned count,
				       unsigned allow_missing);

const char *recovery_action_name(enum recovery_action a);

#endif
