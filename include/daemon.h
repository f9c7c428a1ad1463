/* The long-running agent: poller thread + HTTP server + signal loop. */
#ifndef CLUSTERCHECKD_DAEMON_H
#define CLUSTERCHECKD_DAEMON_H

#include "cfg.h"
#include "cli.h"

/* Runs until SIGTERM/SIGINT; SIGHUP reloads. Returns the exit status. */
int daemon_run(struct cfg *c, const struct cli *o);

#endif
