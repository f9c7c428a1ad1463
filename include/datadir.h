/* What the datadir says without asking mysqld: grastate.dat and the marker
 * the SST scripts keep while a state transfer is received. Read by the
 * poller thread every cycle, so HTTP answers never touch the disk.
 *
 * "Cannot know" is never "no": a datadir the agent cannot search leaves the
 * marker's presence unknown (marker_errno), and every reader says so. */
#ifndef CLUSTERCHECKD_DATADIR_H
#define CLUSTERCHECKD_DATADIR_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>

#include "grastate.h"

/* wsrep_sst_common (MariaDB, PXC) creates it when a joiner's SST starts
 * and removes it when the SST ends, successfully or not. */
#define DATADIR_SST_MARKER "sst_in_progress"
#define DATADIR_GRASTATE "grastate.dat"
/* As mysql.datadir in the configuration. */
#define DATADIR_PATH_MAX 256

struct datadir_facts {
	bool checked;            /* a datadir is configured and was looked at */
	int dir_errno;           /* 0, or why the datadir cannot be used at all */
	/* 0 when sst_in_progress is known to be true or false; otherwise why
	 * it cannot be known (EACCES: the directory cannot be searched). */
	int marker_errno;
	bool sst_in_progress;
	int grastate_errno;      /* 0 when read; ENOENT absent; EFBIG too large */
	struct grastate grastate;
	bool from_mysqld;        /* path is mysqld's @@datadir, not mysql.datadir */
	char path[DATADIR_PATH_MAX]; /* the directory that was read */
};

/* Whether the presence of the SST marker is known. */
static inline bool datadir_marker_known(const struct datadir_facts *d)
{
	return d->checked && d->dir_errno == 0 && d->marker_errno == 0;
}

/* Whether grastate.dat's state is known (read, or known to be absent). */
static inline bool datadir_grastate_known(const struct datadir_facts *d)
{
	return d->checked && (d->grastate_errno == 0 || d->grastate_errno == ENOENT);
}

/* Never fails: every problem is recorded in *out. */
void datadir_read(const char *dir, struct datadir_facts *out);

/* One line saying what cannot be known from this read, or "" when
 * everything could be read (or no datadir is configured). Pure. */
void datadir_problem(const struct datadir_facts *d, char *buf, size_t len);

/* Which directory to read, poll after poll: mysqld's own @@datadir once it
 * has said it, so that a wrong or default mysql.datadir does not point at
 * the wrong place; the configured one until then, and when mysqld's path
 * does not exist here (a sidecar that mounts the volume elsewhere). Logs
 * the discrepancy, and each change of what cannot be read, once. */
struct datadir_watch {
	char learned[DATADIR_PATH_MAX];   /* mysqld's @@datadir, normalised */
	char told_path[2 * DATADIR_PATH_MAX + 4]; /* the discrepancy last logged */
	char told_problem[512];           /* the problem last logged */
};

/* `configured` is mysql.datadir ("" reads nothing); `reported` is the
 * @@datadir mysqld gave in this poll, NULL or "" when it did not answer. */
void datadir_watch_read(struct datadir_watch *w, const char *configured, const char *reported,
			struct datadir_facts *out);

#endif
