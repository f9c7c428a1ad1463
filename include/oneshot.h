/* The modes that answer once and exit (inetd, the clustercheck drop-in,
 * --check): one probe of mysqld into a health_view, and one HTTP answer
 * through the same framing path as the daemon (http_serve_connection). */
#ifndef CLUSTERCHECKD_ONESHOT_H
#define CLUSTERCHECKD_ONESHOT_H

#include <stdbool.h>
#include <stdio.h>

#include "cfg.h"
#include "health.h"

/* inetd/xinetd hand the connection over on fds 0-2 (systemd Accept=yes may
 * put the journal on 2). The request a client sends must be answered within
 * this many seconds, whatever http.timeout says: a health check that takes
 * longer has already failed at the load balancer. */
#define ONESHOT_MAX_TIMEOUT_S 3u

/* Around the work of every mode (the daemon, --check, --inetd, the
 * drop-in). oneshot_log: the log's target and level (the drop-in opens its
 * own ERR_FILE instead). oneshot_begin: SIGPIPE ignored (a client gone must
 * not kill us), the MariaDB client library initialised; -1, logged, when it
 * cannot be. oneshot_end: the configuration (it may hold the password)
 * wiped, the library released. */
void oneshot_log(enum log_target target, bool debug);
int oneshot_begin(void);
void oneshot_end(struct cfg *c);

/* What an answer is computed from, besides the configuration. */
struct oneshot_intent {
	enum admin_state admin;     /* ADMIN_MAINT: answer without probing */
	const char *admin_why;
	const char *disabled_file;  /* exists at answer time -> ADMIN_MAINT; NULL = none */
	const char *no_probe_why;   /* set: do not ask mysqld, answer 503 saying this */
};

/* One connection, one round trip, then disconnect. Returns 0 when mysqld
 * answered, -1 when it could not be asked (out->snap says why). */
int oneshot_probe(const struct cfg *c, const struct oneshot_intent *in, struct health_view *out);

/* Takes the client connection off fds 0-2: returns a private dup of fd 0
 * and points 0, 1 and 2 at /dev/null, so that nothing (our logs, libmicrohttpd,
 * the client library) can ever write into the HTTP stream. Returns -1 (errno
 * set) when fd 0 is not a connected socket; fds 0-2 are then untouched. */
int oneshot_take_connection(void);

/* Reads the request on `fd`, probes (only once a request has arrived),
 * answers, closes. Returns the HTTP status sent, or -1. */
int oneshot_serve(const struct cfg *c, const struct oneshot_intent *in, int fd);

/* No client at all (run from a shell): serve a synthetic GET over a socket
 * pair through the same HTTP path and copy the response bytes to `out`.
 * Returns the status, or -1. */
int oneshot_serve_to(const struct cfg *c, const struct oneshot_intent *in, FILE *out);

/* --check: probes once and prints the verdict (or report_json with
 * `json`) to `out`. Returns the exit status: 0 ready, 1 not ready, 2 could
 * not determine (mysqld could not be asked). */
#define ONESHOT_EXIT_READY 0
#define ONESHOT_EXIT_NOT_READY 1
#define ONESHOT_EXIT_UNKNOWN 2
int oneshot_check(const struct cfg *c, bool json, FILE *out);

/* --inetd, from the command line to the exit status (0 if 200 was sent). */
int oneshot_inetd_main(int argc, char **argv);

#endif
