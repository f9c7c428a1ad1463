/* `clustercheckd recover` (run mariadbd --wsrep-recover, keep the position
 * for the agent to report) and `clustercheckd bootstrap [--json]
 * [--allow-missing N]` (ask every peer's agent, print the advice). Exit
 * codes of bootstrap: 0 advice, 1 wait/recover, 2 conflict or error. */
#ifndef CLUSTERCHECKD_BOOTSTRAPCMD_H
#define CLUSTERCHECKD_BOOTSTRAPCMD_H

int recover_main(int argc, char **argv);
int bootstrap_main(int argc, char **argv);

#endif
