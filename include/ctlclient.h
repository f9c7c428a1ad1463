/* The clients of the control channel (ctl.h is the agent's side):
 * `clustercheckd ctl drain|maint|ready|status` and what `clustercheckd
 * notify` (mysqld's wsrep_notify_cmd) sends through. */
#ifndef CLUSTERCHECKD_CTLCLIENT_H
#define CLUSTERCHECKD_CTLCLIENT_H

#include <stddef.h>

#include "ctl.h"

/* Sends `line` and, when reply is not NULL, reads the answer until the
 * agent closes or timeout_ms passes. Never blocks longer than timeout_ms in
 * total. 0, or -1 with err set. */
int ctlclient_send(const char *path, const char *line, char *reply, size_t reply_len,
		   int timeout_ms, char *err, size_t errlen);

/* The socket path for the client side: --ctl, else the config's, else the
 * default. `config` may be NULL (default file, missing is fine); `note`
 * says when the config could not be read. */
void ctlclient_socket_path(const char *opt_ctl, const char *config, char *out, size_t len,
			   char *note, size_t note_len);

/* `clustercheckd ctl [--config F] [--ctl PATH] drain|maint|ready|status`:
 * 0 ok, 1 the agent refused, 2 usage, 3 the agent cannot be reached. */
int ctlclient_main(int argc, char **argv);

#endif
