/* Configuration: one table of keys (type, bounds, default), libconfig file,
 * every error reported with file:line, command-line overrides on top. */
#ifndef CLUSTERCHECKD_CFG_H
#define CLUSTERCHECKD_CFG_H

#include <stdbool.h>
#include <stddef.h>
#include <limits.h>

#include "auth.h"
#include "cluster.h"
#include "liveness.h"
#include "log.h"
#include "tls.h"
#include "verdict.h"

#define CFG_DEFAULT_PATH "/etc/clustercheckd/clustercheckd.conf"

enum http_bodies {
	BODIES_CLUSTERCHECKD, /* "Galera node is synced." / "...not ready: <reason>" */
	BODIES_CLUSTERCHECK,  /* clustercheck's exact bodies, for HAProxy string matches */
};

struct probe_cfg {
	char socket[108];            /* unix socket; used when host is empty */
	char host[256];              /* TCP when set */
	unsigned port;
	char user[128];              /* empty: from the defaults file */
	char password[256];          /* empty: from the defaults file */
	char defaults_file[PATH_MAX];/* my.cnf read by libmariadb */
	char defaults_group[64];
	unsigned connect_timeout_s;
	unsigned read_timeout_s;
	unsigned write_timeout_s;
	char datadir[256];           /* read by the poller: grastate.dat, SST marker */
};

struct cfg {
	char path[PATH_MAX];         /* file read, "" when none */
	char listen[300];            /* "ADDR:PORT", "[v6]:PORT" */
	enum log_target log;
	bool debug;                  /* debug-level lines too (--debug) */
	unsigned http_timeout_s;
	unsigned http_max_connections;
	unsigned http_max_connections_per_ip;
	enum http_bodies bodies;
	struct tls_cfg tls;          /* http.tls: all "" = plain HTTP */
	struct probe_cfg mysql;
	unsigned poll_interval_ms;
	struct verdict_policy policy;
	struct liveness_policy live;
	/* draining, maintenance, ctl socket, HAProxy agent-check */
	unsigned drain_seconds;      /* answer "draining" this long after SIGTERM */
	char maint_file[PATH_MAX];   /* exists -> maintenance; "" = off */
	char ctl_socket[108];        /* unix socket for `ctl` and `notify`; "" = off */
	unsigned ctl_mode;           /* 0600 or 0660 */
	char ctl_group[64];          /* group owning the socket; "" = the agent's */
	char agent_listen[300];      /* HAProxy agent-check "ADDR:PORT"; "" = off */
	unsigned agent_queue_step;   /* weight % taken off per queued write-set; 0 = off */
	unsigned agent_min_weight;   /* floor of that weight, % */
	struct cluster_cfg cluster;  /* cluster.*: empty peers = not cluster-aware */
	struct cluster_client_cfg cluster_client; /* cluster.tls_ca, user, password_file */
	struct auth_cfg auth;        /* http.auth.*: no users = open, as without it */
};

/* Receives one complete message per error, already prefixed "file:line: ". */
typedef void (*cfg_report_fn)(void *ctx, const char *msg);

void cfg_defaults(struct cfg *c);

/* Reads `path` over the defaults already in *c. A missing file is an error
 * only when must_exist. Reports every error through `report` and returns
 * how many there were (0 = usable). *c is left untouched on error. */
int cfg_load(struct cfg *c, const char *path, bool must_exist,
	     cfg_report_fn report, void *ctx);

/* After a reload has loaded `next`: every key whose row says a reload does
 * not apply it and whose value changed gets the running value back, and is
 * named through `report` (may be NULL). Returns how many were kept. */
int cfg_reload_merge(struct cfg *next, const struct cfg *running, cfg_report_fn report, void *ctx);

/* The name of an enum or listed value in the file's spelling ("policy.donor",
 * DONOR_NEVER -> "never"), "?" when the key has no such value. */
const char *cfg_value_name(const char *key, long long value);

/* The key table, one row at a time, for generated documentation. */
struct cfg_key_info {
	char name[96];       /* "group.key" or "key" */
	const char *type;    /* "string", "integer" or "boolean" */
	char def[320];       /* as written in the file: "\"...\"", 10, true */
	char range[256];     /* "1 to 300", "\"a\", \"b\" or \"c\"", "" when any */
	const char *help;    /* one line */
	bool reload;         /* SIGHUP applies it; else a restart does */
};
size_t cfg_key_count(void);
int cfg_key_describe(size_t i, struct cfg_key_info *out); /* 0, or -1 past the end */


#endif
