/* What the datadir says without asking mysqld: grastate.dat and the marker
 * the SST scripts keep while a state transfer is received. Read by the
 * poller thread every cycle, so HTTP answers never touch the disk. */
#ifndef CLUSTERCHECKD_DATADIR_H
#define CLUSTERCHECKD_DATADIR_H

#include <stdbool.h>

#include "grastate.h"

/* wsrep_sst_common (MariaDB, PXC) creates it when a joiner's SST starts
 * and removes it when the SST ends, successfully or not. */
#define DATADIR_SST_MARKER "sst_in_progress"
#define DATADIR_GRASTATE "grastate.dat"

struct datadir_facts {
	bool checked;            /* a datadir is configured and was looked at */
	int dir_errno;           /* 0, or why the datadir cannot be read */
	bool sst_in_progress;
	int grastate_errno;      /* 0 when read; ENOENT absent; EFBIG too large */
	struct grastate grastate;
};

/* Never fails: every problem is recorded in *out. */
void datadir_read(const char *dir, struct datadir_facts *out);

#endif
