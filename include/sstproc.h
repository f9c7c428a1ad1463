/* Is mysqld serving a state transfer right now, and which kind? The only
 * fact that tells a real donor apart from a node desynced by FTWRL, BACKUP
 * STAGE, RSU DDL or a backup tool: they all show wsrep_local_state 2,
 * "Donor/Desynced", wsrep_desync=OFF and wsrep_desync_count=1, but only a
 * donor runs the SST script (wsrep_sst_<method> --role donor, with --bypass
 * when the transfer is an IST) as mysqld's child (docs/donor.md).
 *
 * mysqld's pid comes from the poller's unix socket (SO_PEERCRED); the tree
 * under it from /proc/<pid>/task/<tid>/children. Classifying a command line
 * and following a donor episode across polls are pure. */
#ifndef CLUSTERCHECKD_SSTPROC_H
#define CLUSTERCHECKD_SSTPROC_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

enum sst_proc_kind {
	SST_PROC_NOT_LOOKED, /* the node is not in state 2: nobody looked */
	SST_PROC_UNKNOWN,    /* cannot see mysqld's processes: why says why */
	SST_PROC_NONE,       /* mysqld runs no donor SST script */
	SST_PROC_IST,        /* wsrep_sst_<method> --role donor --bypass */
	SST_PROC_SST,        /* wsrep_sst_<method> --role donor: a full copy */
};

#define SST_PROC_METHOD_MAX 32
#define SST_PROC_WHY_MAX 160

struct sst_process {
	enum sst_proc_kind kind;
	pid_t mysqld_pid;                 /* 0 when unknown */
	char method[SST_PROC_METHOD_MAX]; /* "rsync", "mariabackup", ... */
	char why[SST_PROC_WHY_MAX];       /* for UNKNOWN; a note otherwise */
};

/* The pid of the process that owns the listening end of a connected unix
 * socket, or 0 (TCP, other pid namespace, error). */
pid_t sstproc_peer_pid(int fd);

/* Classifies one /proc/<pid>/cmdline (NUL-separated, len bytes): returns
 * SST_PROC_IST or SST_PROC_SST and sets method for a donor SST script
 * (run directly, through an interpreter, or as `sh -c "..."`), else
 * SST_PROC_NONE. A joiner's script (--role joiner) is NONE. */
enum sst_proc_kind sstproc_classify_cmdline(const char *cmdline, size_t len,
					    char method[SST_PROC_METHOD_MAX]);

/* Walks the descendants of mysqld_pid under proc_root ("/proc"). Never
 * fails: what cannot be seen is SST_PROC_UNKNOWN with the reason. */
void sstproc_scan(const char *proc_root, pid_t mysqld_pid, struct sst_process *out);

/* The SST script exits a moment before the node leaves state 2 (and is
 * started a moment after it enters it: the poller looks again then, see
 * poller.c); without memory that moment would read "desynced without a
 * transfer". The tracker keeps what a donor episode (state 2 without
 * interruption) last saw for SSTPROC_GRACE_MS after the script is gone. */
struct sst_tracker {
	bool in_episode;
	long long episode_start_ms;
	struct sst_process last_seen; /* IST/SST seen in this episode */
	long long last_seen_ms;
};

#define SSTPROC_GRACE_MS 1000

/* Feeds one poll: donor_state is wsrep_local_state == 2; scan is what
 * sstproc_scan saw (ignored unless donor_state). Writes what the snapshot
 * should carry into *out. */
void sstproc_track(struct sst_tracker *t, bool donor_state, const struct sst_process *scan,
		   long long now_ms, struct sst_process *out);

const char *sstproc_kind_name(enum sst_proc_kind k);

#endif
