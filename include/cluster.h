/* What the cluster-aware modules share: the configured peers (cfg.c fills
 * it), and what one node says about itself to the others (writer.c computes
 * our own, peers.c parses theirs from /status, report.c prints both). Pure
 * data; no I/O. */
#ifndef CLUSTERCHECKD_CLUSTER_H
#define CLUSTERCHECKD_CLUSTER_H

#include <stdbool.h>

/* Galera clusters are small; every agent polls every other one. */
#define CLUSTER_PEERS_MAX 9
#define CLUSTER_NAME_MAX 64
#define CLUSTER_URL_MAX 256
#define CLUSTER_UUID_MAX 40
#define CLUSTER_WHY_MAX 160

struct cluster_peer_cfg {
	char name[CLUSTER_NAME_MAX];
	char url[CLUSTER_URL_MAX];   /* "http[s]://HOST:PORT", the peer agent's HTTP */
	unsigned priority;           /* lower first, then name */
};

struct cluster_cfg {
	char name[CLUSTER_NAME_MAX]; /* this node among the peers */
	unsigned npeers;             /* 0: not cluster-aware, nothing runs */
	struct cluster_peer_cfg peers[CLUSTER_PEERS_MAX];
	unsigned handover_ms;        /* break before make */
	unsigned failback_delay_ms;  /* eligible this long before ranking counts */
	unsigned timeout_ms;         /* hard limit on one request to a peer */
	char recovered_file[256];    /* where `clustercheckd recover` leaves the position */
};

/* How this agent talks to its peers. Apart from cluster_cfg, which every
 * answer copies: paths and the user only, the password is read from
 * password_file by the peers thread when it starts. */
struct cluster_client_cfg {
	char tls_ca[4096];           /* CA bundle for https peers; "" = the system's */
	char user[64];               /* basic auth user; "" = none */
	char password_file[4096];    /* its password, first line; mode 0600 */
};

/* What one node reports about itself (cluster.self in /status). Durations
 * are relative to the moment the report was built, so no two clocks are
 * ever compared. */
struct cluster_self {
	char name[CLUSTER_NAME_MAX];
	int ready_code;              /* the node's own verdict */
	char ready_reason[CLUSTER_WHY_MAX];
	bool eligible;               /* may be the writer */
	char why[CLUSTER_WHY_MAX];   /* why not, when not */
	long long eligible_for_ms;   /* -1 when not eligible */
	bool writer;                 /* answers 200 on /writer */
	long long writer_for_ms;     /* writer: for how long; else not writer for how long */
	bool primary;                /* wsrep_cluster_status = Primary */
	char state_uuid[CLUSTER_UUID_MAX];
	long long conf_id;           /* view number of the Primary Component; -1 unknown */
	long long size;              /* members of that component; -1 unknown */
	long long seqno;             /* wsrep_last_committed; -1 unknown */
	char state[32];              /* wsrep_local_state_comment, or "" */
};

#endif
