/* The only module that talks to mysqld: one persistent connection with
 * timeouts, no auto-reconnect, every fact read in one round trip. */
#ifndef CLUSTERCHECKD_PROBE_H
#define CLUSTERCHECKD_PROBE_H

#include "cfg.h"
#include "snapshot.h"
#include "sstproc.h"

#include <sys/types.h>

struct probe;

struct probe *probe_new(const struct probe_cfg *cfg);
void probe_free(struct probe *p);

/* Connects when needed, then reads every fact. Returns 0 when mysqld
 * answered (out->outcome == SNAP_OK); otherwise -1, the connection is
 * closed and *out says why (SNAP_UNREACHABLE). out->taken is set. */
int probe_poll(struct probe *p, struct snapshot *out);

bool probe_connected(const struct probe *p);
/* The connection's socket, to notice mysqld closing it between polls; -1
 * when not connected. */
int probe_fd(const struct probe *p);
void probe_disconnect(struct probe *p);
/* mysqld's pid as the kernel gives it for our unix socket connection, or 0
 * (not connected, TCP, another pid namespace). */
pid_t probe_server_pid(const struct probe *p);

/* After a poll: while the node is in state 2, whether mysqld runs an SST
 * script (sstproc.h), into snap->sst; t follows the donor episode across
 * polls (a fresh one for a single check). May poll again, within ~300 ms,
 * while a new episode shows no script yet. */
void probe_look_for_sst(struct probe *p, struct snapshot *snap, struct sst_tracker *t);

/* What mysql_errno() `code` of a failed connect or query says about mysqld:
 * SNAP_FAIL_REFUSED when it replied (an error packet, or a handshake the
 * agent could not complete), SNAP_FAIL_SILENT when nothing came back. Pure. */
enum snapshot_failure probe_failure_class(unsigned code);

#endif
