/* What one poll of mysqld saw: every wsrep fact read by name, each with its
 * own "absent" and "unparsable" state, plus whether mysqld answered at all.
 * Pure data and parsing; no I/O. */
#ifndef CLUSTERCHECKD_SNAPSHOT_H
#define CLUSTERCHECKD_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "datadir.h"
#include "sstproc.h"

enum fact_id {
	/* status variables */
	FACT_LOCAL_STATE,
	FACT_LOCAL_STATE_COMMENT,
	FACT_READY,
	FACT_CONNECTED,
	FACT_CLUSTER_STATUS,
	FACT_CLUSTER_SIZE,
	FACT_LOCAL_RECV_QUEUE,
	FACT_LOCAL_INDEX,
	FACT_LAST_COMMITTED,
	FACT_CLUSTER_STATE_UUID,
	FACT_FLOW_CONTROL_PAUSED,
	/* system variables */
	FACT_READ_ONLY,
	FACT_DESYNC,
	FACT_REJECT_QUERIES,
	FACT_SST_DONOR_REJECTS_QUERIES,
	FACT_SST_METHOD,
	FACT_WSREP_ON,
	FACT_PXC_MAINT_MODE,
	FACT_DATADIR,
	/* status: how many desync requests hold the node (a state transfer,
	 * FTWRL, BACKUP STAGE, RSU DDL, wsrep_desync each count one) */
	FACT_DESYNC_COUNT,
	FACT_CLUSTER_CONF_ID,      /* view number of the Primary Component: /writer's membership */
	FACT_COUNT
};

enum fact_kind {
	FACT_KIND_INT,  /* signed integer, strictly parsed */
	FACT_KIND_BOOL, /* ON/OFF, 1/0, YES/NO, TRUE/FALSE */
	FACT_KIND_TEXT,
	FACT_KIND_REAL, /* non-negative decimal, kept as text and as a double */
};

enum fact_source {
	FACT_FROM_STATUS,
	FACT_FROM_VARIABLE,
};

#define FACT_TEXT_MAX 64

struct fact {
	bool present;   /* the row came back */
	bool valid;     /* ...and its value parsed for its kind */
	long long num;  /* INT and BOOL (0/1) */
	double real;    /* REAL */
	char text[FACT_TEXT_MAX]; /* raw value as mysqld sent it (truncated) */
};

struct fact_desc {
	const char *name; /* lower-case variable name */
	enum fact_kind kind;
	enum fact_source source;
};

enum snapshot_outcome {
	SNAP_NONE,        /* no poll has completed yet */
	SNAP_OK,          /* mysqld answered the poll */
	SNAP_UNREACHABLE, /* connect/query failed: error says why */
};

/* What an UNREACHABLE poll heard back. mysqld that replies with an error
 * packet (access denied, too many connections, host blocked, account
 * locked, password expired, ...) or a handshake the agent cannot complete
 * is running: it refuses the agent, it is not dead. Only silence (no
 * socket, connection refused, timeout, connection lost) says it may be. */
enum snapshot_failure {
	SNAP_FAIL_SILENT,  /* no reply at all (the default) */
	SNAP_FAIL_REFUSED, /* mysqld replied, with an error */
};

#define SNAPSHOT_ERROR_MAX 192

struct snapshot {
	enum snapshot_outcome outcome;
	unsigned error_code;             /* mysql errno when UNREACHABLE */
	enum snapshot_failure failure;   /* when UNREACHABLE: refused or silent */
	char error[SNAPSHOT_ERROR_MAX];  /* never holds credentials */
	struct timespec taken;           /* CLOCK_MONOTONIC when the answer came */
	uint64_t seq;                    /* increases with every publish */
	double poll_seconds;             /* how long the round trip took */
	struct fact facts[FACT_COUNT];
	/* Read in the same cycle, whether or not mysqld answered. */
	struct datadir_facts datadir;
	/* @@datadir in full (the fact's text is cut at FACT_TEXT_MAX); "" when
	 * not reported or too long. */
	char mysqld_datadir[DATADIR_PATH_MAX];
	/* Only looked at while wsrep_local_state is 2 (poller.c). */
	struct sst_process sst;
};

const struct fact_desc *snapshot_fact_desc(enum fact_id id);
/* Index of the fact named `name` (case-insensitive), or -1. */
int snapshot_fact_lookup(const char *name, size_t len);

void snapshot_init(struct snapshot *s);
/* Record one row. Unknown names are ignored (returns false); a NULL value
 * is recorded as present-but-unparsable. */
bool snapshot_set(struct snapshot *s, const char *name, size_t name_len,
		  const char *value, size_t value_len);
void snapshot_set_unreachable(struct snapshot *s, unsigned code, const char *why);
/* UNREACHABLE, but mysqld replied (its error packet reached the agent). */
static inline bool snapshot_refused(const struct snapshot *s)
{
	return s->outcome == SNAP_UNREACHABLE && s->failure == SNAP_FAIL_REFUSED;
}

static inline const struct fact *snapshot_fact(const struct snapshot *s, enum fact_id id)
{
	return &s->facts[id];
}

/* Milliseconds between `taken` and `now` (both CLOCK_MONOTONIC). */
long long snapshot_age_ms(const struct snapshot *s, const struct timespec *now);

/* The names of the status and variable rows one poll reads, as SQL lists
 * ('a','b',...), for the probe's query. */
const char *snapshot_status_sql_list(void);
const char *snapshot_variable_sql_list(void);

#endif
